// Tests for smtp/stream.h. Every case runs whole, split in two at every byte
// (a sample for long inputs) and one byte at a time, each chunk in an
// exact-size heap buffer; the records must be identical and tile the input.
#include "smtp/stream.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace smtp {
namespace {

using testing_util::CommandsAnySplit;
using testing_util::DeviationSet;
using testing_util::Escape;
using testing_util::LenientOptions;
using testing_util::Rec;
using testing_util::RecordsString;
using testing_util::Repeat;
using testing_util::RepliesAnySplit;
using testing_util::StrictOptions;

using E = ErrorCode;
using D = Deviation;
using K = RecordKind;

Rec Make(K kind, std::uint64_t offset, std::uint64_t length, std::string fields = "",
         Deviations deviations = {}) {
  Rec r;
  r.kind = kind;
  r.offset = offset;
  r.length = length;
  r.fields = std::move(fields);
  r.deviations = deviations.bits();
  return r;
}
Rec Cmd(std::uint64_t offset, std::uint64_t length, std::string fields, Deviations d = {}) {
  return Make(K::kCommand, offset, length, std::move(fields), d);
}
Rec Data(std::uint64_t offset, std::uint64_t length, std::uint64_t bytes, Deviations d = {}) {
  return Make(K::kData, offset, length, "bytes=" + std::to_string(bytes), d);
}
Rec Fail(Rec r, ErrorCode code, std::uint64_t at) {
  r.code = code;
  r.error_offset = at;
  if (r.kind != K::kData) r.fields.clear();  // only data records count on error
  return r;
}
Rec CmdErr(std::uint64_t offset, std::uint64_t length, ErrorCode code, std::uint64_t at) {
  return Fail(Make(K::kCommand, offset, length), code, at);
}
Rec Reply(std::uint64_t offset, std::uint64_t length, std::string fields, Deviations d = {}) {
  return Make(K::kReply, offset, length, std::move(fields), d);
}
Rec ReplyErr(std::uint64_t offset, std::uint64_t length, ErrorCode code, std::uint64_t at) {
  return Fail(Make(K::kReply, offset, length), code, at);
}

void ExpectCommands(std::string_view input, const Options& options,
                    const std::vector<Rec>& expected) {
  SCOPED_TRACE(Escape(input.substr(0, 200)) + (options.lenient() ? " [lenient]" : " [strict]"));
  const std::vector<Rec> got = CommandsAnySplit(input, options);
  EXPECT_EQ(got, expected) << "got:\n"
                           << RecordsString(got) << "expected:\n"
                           << RecordsString(expected);
}

void ExpectReplies(std::string_view input, const Options& options, ReplyMode mode,
                   const std::vector<Rec>& expected) {
  SCOPED_TRACE(Escape(input.substr(0, 200)) + (options.lenient() ? " [lenient]" : " [strict]") +
               (mode == ReplyMode::kEhlo ? " [ehlo]" : " [replies]"));
  const std::vector<Rec> got = RepliesAnySplit(input, options, mode);
  EXPECT_EQ(got, expected) << "got:\n"
                           << RecordsString(got) << "expected:\n"
                           << RecordsString(expected);
}

const Options kStrict = StrictOptions();
const Options kLenient = LenientOptions();

TEST(CommandStreamTest, EmptyInputHasNoRecords) {
  ExpectCommands("", kStrict, {});
}

TEST(CommandStreamTest, WholeTransactionWithDotStuffing) {
  const std::string input =
      "EHLO a.example\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"
      "Hello\r\n..dot\r\n.\r\nQUIT\r\n";
  const std::vector<Rec> expected = {
      Cmd(0, 16, "verb=EHLO domain:a.example"),
      Cmd(16, 17, "verb=MAIL path=<a@b> params=[]"),
      Cmd(33, 15, "verb=RCPT path=<c@d> params=[]"),
      Cmd(48, 6, "verb=DATA"),
      Data(54, 17, 13),
      Cmd(71, 6, "verb=QUIT"),
  };
  ExpectCommands(input, kStrict, expected);
  ExpectCommands(input, kLenient, expected);
}

TEST(CommandStreamTest, DotUnstuffingByteCounts) {
  // ".." -> "." (3 with CRLF), "...x" -> "..x" (5), ".a" -> "a" (3), "" (2).
  ExpectCommands("DATA\r\n..\r\n...x\r\n.a\r\n\r\n.\r\n", kStrict,
                 {Cmd(0, 6, "verb=DATA"), Data(6, 19, 13)});
  ExpectCommands("DATA\r\n.\r\nQUIT\r\n", kStrict,
                 {Cmd(0, 6, "verb=DATA"), Data(6, 3, 0), Cmd(9, 6, "verb=QUIT")});
  // A dot that is not at a line start is content.
  ExpectCommands("DATA\r\na.b\r\n.\r\n", kStrict, {Cmd(0, 6, "verb=DATA"), Data(6, 8, 5)});
  // Two messages back to back.
  ExpectCommands("DATA\r\nx\r\n.\r\nDATA\r\n.\r\n", kStrict,
                 {Cmd(0, 6, "verb=DATA"), Data(6, 6, 3), Cmd(12, 6, "verb=DATA"), Data(18, 3, 0)});
}

struct SmugglingCase {
  std::string_view ending;  // what a lax server might take for the end of DATA
  ErrorCode strict_code;
  std::size_t strict_at;  // relative to the start of `ending`
  Deviations lenient;     // deviations when lenient accepts it
  bool lenient_ok;
};

TEST(CommandStreamTest, SmugglingEndingsNeverEndData) {
  const SmugglingCase cases[] = {
      {"\n.\n", E::kBareLf, 0, DeviationSet({D::kBareLf}), true},
      {"\r.\r", E::kBareCr, 0, DeviationSet({D::kBareCr}), true},
      {"\r\n.\n", E::kBareLf, 3, DeviationSet({D::kBareLf}), true},
      {"\n.\r\n", E::kBareLf, 0, DeviationSet({D::kBareLf}), true},
      {"\r.\r\n", E::kBareCr, 0, DeviationSet({D::kBareCr}), true},
      {"\r.\n", E::kBareCr, 0, DeviationSet({D::kBareLf, D::kBareCr}), true},
      {"\n.\r", E::kBareLf, 0, DeviationSet({D::kBareLf, D::kBareCr}), true},
      {"\r\n.\r", E::kBareCr, 3, DeviationSet({D::kBareCr}), true},
      {"\n\n.\n\n", E::kBareLf, 0, DeviationSet({D::kBareLf}), true},
      {std::string_view("\r\n\x00.\r\n", 6), E::kBadChar, 2, {}, false},
      {std::string_view("\r\n.\x00\r\n", 6), E::kBadChar, 3, {}, false},
  };
  for (const SmugglingCase& c : cases) {
    const std::string head = "DATA\r\nA";
    const std::string smuggled = "MAIL FROM:<evil@x>\r\nRCPT TO:<v@x>\r\nDATA\r\nevil\r\n";
    const std::string input = head + std::string(c.ending) + smuggled + ".\r\nQUIT\r\n";
    SCOPED_TRACE(Escape(c.ending));
    const std::uint64_t content_start = 6;
    const std::uint64_t quit = input.size() - 6;
    for (const Options& options : {kStrict, kLenient}) {
      SCOPED_TRACE(options.lenient() ? "lenient" : "strict");
      const std::vector<Rec> got = CommandsAnySplit(input, options);
      // Exactly DATA, one data record through the real CRLF.CRLF, QUIT.
      ASSERT_EQ(got.size(), 3u) << RecordsString(got);
      EXPECT_EQ(got[0], Cmd(0, 6, "verb=DATA"));
      EXPECT_EQ(got[1].kind, K::kData);
      EXPECT_EQ(got[1].offset, content_start);
      EXPECT_EQ(got[1].length, quit - content_start);
      EXPECT_EQ(got[2], Cmd(quit, 6, "verb=QUIT"));
      if (options.lenient() && c.lenient_ok) {
        EXPECT_TRUE(got[1].ok()) << RecordsString(got);
        EXPECT_EQ(got[1].deviations, c.lenient.bits()) << RecordsString(got);
      } else {
        EXPECT_EQ(got[1].code, c.strict_code) << RecordsString(got);
        EXPECT_EQ(got[1].error_offset, content_start + 1 + c.strict_at) << RecordsString(got);
      }
    }
  }
}

TEST(CommandStreamTest, BareLfInsideDataIsCountedAndReported) {
  const std::string input = "DATA\r\nA\nB\r\n.\r\n";
  ExpectCommands(input, kStrict, {Cmd(0, 6, "verb=DATA"), Fail(Data(6, 8, 5), E::kBareLf, 7)});
  ExpectCommands(input, kLenient,
                 {Cmd(0, 6, "verb=DATA"), Data(6, 8, 5, DeviationSet({D::kBareLf}))});
  // The first problem decides the error; lenient names every deviation.
  const std::string both = "DATA\r\nA\rB\nC\r\n.\r\n";
  ExpectCommands(both, kStrict, {Cmd(0, 6, "verb=DATA"), Fail(Data(6, 10, 7), E::kBareCr, 7)});
  ExpectCommands(both, kLenient,
                 {Cmd(0, 6, "verb=DATA"), Data(6, 10, 7, DeviationSet({D::kBareLf, D::kBareCr}))});
  // 8-bit content is accepted; NUL never is.
  ExpectCommands("DATA\r\ngr\xc3\xbc\xc3\x9f\xff\r\n.\r\n", kStrict,
                 {Cmd(0, 6, "verb=DATA"), Data(6, 12, 9)});
  ExpectCommands(std::string("DATA\r\na\x00z\r\n.\r\n", 14), kLenient,
                 {Cmd(0, 6, "verb=DATA"), Fail(Data(6, 8, 5), E::kBadChar, 7)});
}

TEST(CommandStreamTest, DataLineLimit) {
  // 1000 octets with the CRLF is the limit, the stuffed dot included.
  const std::string ok = "DATA\r\n" + Repeat('x', 998) + "\r\n.\r\n";
  ExpectCommands(ok, kStrict, {Cmd(0, 6, "verb=DATA"), Data(6, 1003, 1000)});
  const std::string stuffed = "DATA\r\n." + Repeat('.', 997) + "\r\n.\r\n";
  ExpectCommands(stuffed, kStrict, {Cmd(0, 6, "verb=DATA"), Data(6, 1003, 999)});
  const std::string over = "DATA\r\n" + Repeat('x', 999) + "\r\n.\r\nQUIT\r\n";
  ExpectCommands(over, kStrict,
                 {Cmd(0, 6, "verb=DATA"), Fail(Data(6, 1004, 1001), E::kLineTooLong, 1006),
                  Cmd(1010, 6, "verb=QUIT")});
  ExpectCommands(over, kLenient,
                 {Cmd(0, 6, "verb=DATA"), Fail(Data(6, 1004, 1001), E::kLineTooLong, 1006),
                  Cmd(1010, 6, "verb=QUIT")});
}

TEST(CommandStreamTest, UnterminatedDataIsIncomplete) {
  ExpectCommands("DATA\r\nabc", kStrict,
                 {Cmd(0, 6, "verb=DATA"), Fail(Data(6, 3, 3), E::kIncomplete, 9)});
  ExpectCommands("DATA\r\nQUIT\r\n", kLenient,
                 {Cmd(0, 6, "verb=DATA"), Fail(Data(6, 6, 6), E::kIncomplete, 12)});
  // Even when an earlier problem was seen.
  ExpectCommands("DATA\r\na\nb\n.\n", kStrict,
                 {Cmd(0, 6, "verb=DATA"), Fail(Data(6, 6, 6), E::kIncomplete, 12)});
}

TEST(CommandStreamTest, Bdat) {
  ExpectCommands("BDAT 0\r\nQUIT\r\n", kStrict,
                 {Cmd(0, 8, "verb=BDAT size=0"), Data(8, 0, 0), Cmd(8, 6, "verb=QUIT")});
  ExpectCommands("BDAT 0 LAST\r\n", kStrict, {Cmd(0, 13, "verb=BDAT size=0 LAST"), Data(13, 0, 0)});
  // Content is not inspected: CRLF.CRLF, NUL, bare CR/LF are just octets.
  const std::string raw("BDAT 9 LAST\r\n\r\n.\r\n\x00\n\r.QUIT\r\n", 28);
  ExpectCommands(raw, kStrict,
                 {Cmd(0, 13, "verb=BDAT size=9 LAST"), Data(13, 9, 9), Cmd(22, 6, "verb=QUIT")});
  ExpectCommands("BDAT 3\r\nabcBDAT 2 LAST\r\nde", kStrict,
                 {Cmd(0, 8, "verb=BDAT size=3"), Data(8, 3, 3),
                  Cmd(11, 13, "verb=BDAT size=2 LAST"), Data(24, 2, 2)});
  // Largest size: ok, and the chunk is cut off by the end of input.
  ExpectCommands("BDAT 18446744073709551615\r\nabc", kStrict,
                 {Cmd(0, 27, "verb=BDAT size=18446744073709551615"),
                  Fail(Data(27, 3, 3), E::kIncomplete, 30)});
  // Overflow: a syntax error, and the state does not change.
  ExpectCommands("BDAT 18446744073709551616\r\nQUIT\r\n", kStrict,
                 {CmdErr(0, 27, E::kSyntax, 24), Cmd(27, 6, "verb=QUIT")});
}

TEST(CommandStreamTest, BadLinesResumeAtTheNextLine) {
  ExpectCommands("FOO\r\nNOOP\r\n", kStrict,
                 {CmdErr(0, 5, E::kUnknownCommand, 0), Cmd(5, 6, "verb=NOOP")});
  ExpectCommands("\r\nNOOP\r\n", kStrict, {CmdErr(0, 2, E::kSyntax, 0), Cmd(2, 6, "verb=NOOP")});
  ExpectCommands("MAIL FROM:<;cmd;>\r\nQUIT\r\n", kStrict,
                 {CmdErr(0, 19, E::kBadPath, 11), Cmd(19, 6, "verb=QUIT")});
  ExpectCommands("MAIL FROM:<a@b> SIZE=18446744073709551616\r\n", kStrict,
                 {CmdErr(0, 43, E::kBadParam, 40)});
  ExpectCommands("MAIL FROM:<a@b> SIZE=18446744073709551615\r\n", kStrict,
                 {Cmd(0, 43, "verb=MAIL path=<a@b> params=[SIZE=18446744073709551615]")});
  // A DATA that failed to parse does not start content.
  ExpectCommands("DATA x\r\nNOOP\r\n", kStrict,
                 {CmdErr(0, 8, E::kSyntax, 4), Cmd(8, 6, "verb=NOOP")});
  ExpectCommands("NOOP\rRSET\r\nQUIT\r\n", kLenient,
                 {CmdErr(0, 11, E::kBareCr, 4), Cmd(11, 6, "verb=QUIT")});
  ExpectCommands(std::string("NOOP\x00x\r\nQUIT\r\n", 14), kLenient,
                 {CmdErr(0, 8, E::kBadChar, 4), Cmd(8, 6, "verb=QUIT")});
}

TEST(CommandStreamTest, BareLfLineEnds) {
  const std::string input = "NOOP\nRSET\nQUIT\r\n";
  ExpectCommands(
      input, kStrict,
      {CmdErr(0, 5, E::kBareLf, 4), CmdErr(5, 5, E::kBareLf, 9), Cmd(10, 6, "verb=QUIT")});
  ExpectCommands(input, kLenient,
                 {Cmd(0, 5, "verb=NOOP", DeviationSet({D::kBareLf})),
                  Cmd(5, 5, "verb=RSET", DeviationSet({D::kBareLf})), Cmd(10, 6, "verb=QUIT")});
  // A bare-LF DATA line in lenient starts content; the DATA content rules
  // are unchanged.
  ExpectCommands("DATA\nx\r\n.\r\n", kLenient,
                 {Cmd(0, 5, "verb=DATA", DeviationSet({D::kBareLf})), Data(5, 6, 3)});
  // But the LF of "DATA<LF>" is no CRLF: "LF . CRLF" right after it does
  // not end the message, and a dot there is not stuffing.
  ExpectCommands("DATA\n.\r\nQUIT\r\n.\r\n", kLenient,
                 {Cmd(0, 5, "verb=DATA", DeviationSet({D::kBareLf})), Data(5, 12, 9)});
  ExpectCommands("DATA\n..\r\n\r\n.\r\n", kLenient,
                 {Cmd(0, 5, "verb=DATA", DeviationSet({D::kBareLf})), Data(5, 9, 6)});
}

TEST(CommandStreamTest, CommandLineLimits) {
  const std::string max = "NOOP " + Repeat('x', 505) + "\r\n";
  const std::string over = "NOOP " + Repeat('x', 506) + "\r\n";
  ExpectCommands(max + over + "QUIT\r\n", kStrict,
                 {Cmd(0, 512, "verb=NOOP arg=" + Repeat('x', 505)),
                  CmdErr(512, 513, E::kLineTooLong, 1024), Cmd(1025, 6, "verb=QUIT")});
  // A very long line is skipped through its line end, reported once.
  ExpectCommands(Repeat('a', 5000) + "\r\nQUIT\r\n", kLenient,
                 {CmdErr(0, 5002, E::kLineTooLong, 512), Cmd(5002, 6, "verb=QUIT")});
  // Over-long and cut off by the end of input: incomplete at the end.
  ExpectCommands(Repeat('a', 600), kStrict, {CmdErr(0, 600, E::kIncomplete, 600)});
  ExpectCommands("NOOP", kStrict, {CmdErr(0, 4, E::kIncomplete, 4)});
  // AUTH lines have the AUTH limit.
  const std::string auth = "AUTH CRAM-MD5 " + Repeat('A', 1000) + "\r\nNOOP\r\n";
  ExpectCommands(
      auth, kStrict,
      {Cmd(0, 1016, "verb=AUTH mech=CRAM-MD5 ir=" + Repeat('A', 1000)), Cmd(1016, 6, "verb=NOOP")});
}

TEST(CommandStreamTest, SaslExchanges) {
  ExpectCommands(
      "AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\nNOOP\r\n", kStrict,
      {Cmd(0, 12, "verb=AUTH mech=LOGIN"), Make(K::kAuthResponse, 12, 10, "response=dXNlcg=="),
       Make(K::kAuthResponse, 22, 10, "response=cGFzcw=="), Cmd(32, 6, "verb=NOOP")});
  ExpectCommands(
      "AUTH PLAIN\r\nAHVzZXIAcGFzcw==\r\nNOOP\r\n", kStrict,
      {Cmd(0, 12, "verb=AUTH mech=PLAIN"),
       Make(K::kAuthResponse, 12, 18, "response=AHVzZXIAcGFzcw=="), Cmd(30, 6, "verb=NOOP")});
  ExpectCommands("AUTH LOGIN dXNlcg==\r\ncGFzcw==\r\nNOOP\r\n", kStrict,
                 {Cmd(0, 21, "verb=AUTH mech=LOGIN ir=dXNlcg=="),
                  Make(K::kAuthResponse, 21, 10, "response=cGFzcw=="), Cmd(31, 6, "verb=NOOP")});
  ExpectCommands("AUTH PLAIN AHVzZXIAcGFzcw==\r\nNOOP\r\n", kStrict,
                 {Cmd(0, 29, "verb=AUTH mech=PLAIN ir=AHVzZXIAcGFzcw=="), Cmd(29, 6, "verb=NOOP")});
  ExpectCommands("AUTH CRAM-MD5\r\nYWJj\r\nNOOP\r\n", kStrict,
                 {Cmd(0, 15, "verb=AUTH mech=CRAM-MD5"),
                  Make(K::kAuthResponse, 15, 6, "response=YWJj"), Cmd(21, 6, "verb=NOOP")});
  // RFC 4954 section 8: *(CRLF [base64]): an empty line is an empty response.
  ExpectCommands("AUTH PLAIN\r\n\r\nNOOP\r\n", kStrict,
                 {Cmd(0, 12, "verb=AUTH mech=PLAIN"), Make(K::kAuthResponse, 12, 2, "response="),
                  Cmd(14, 6, "verb=NOOP")});
  // Trailing white space on a response: lenient names it, strict rejects it.
  ExpectCommands(
      "AUTH PLAIN\r\nAGEAYg== \r\nNOOP\r\n", kLenient,
      {Cmd(0, 12, "verb=AUTH mech=PLAIN"),
       Make(K::kAuthResponse, 12, 11, "response=AGEAYg==", DeviationSet({D::kTrailingSpace})),
       Cmd(23, 6, "verb=NOOP")});
  ExpectCommands(
      "AUTH PLAIN\r\nAGEAYg== \r\nNOOP\r\n", kStrict,
      {Cmd(0, 12, "verb=AUTH mech=PLAIN"), Fail(Make(K::kAuthResponse, 12, 11), E::kBadBase64, 20),
       Cmd(23, 6, "verb=NOOP")});
  ExpectCommands("AUTH XOAUTH2\r\nNOOP\r\n", kStrict,
                 {Cmd(0, 14, "verb=AUTH mech=XOAUTH2"), Cmd(14, 6, "verb=NOOP")});
  // "*" cancels: the exchange ends.
  ExpectCommands("AUTH LOGIN\r\n*\r\nNOOP\r\n", kStrict,
                 {Cmd(0, 12, "verb=AUTH mech=LOGIN"), Make(K::kAuthResponse, 12, 3, "response=*"),
                  Cmd(15, 6, "verb=NOOP")});
  // A bad response ends the exchange too.
  ExpectCommands("AUTH LOGIN\r\nno way\r\nNOOP\r\n", kStrict,
                 {Cmd(0, 12, "verb=AUTH mech=LOGIN"),
                  Fail(Make(K::kAuthResponse, 12, 8), E::kBadBase64, 14), Cmd(20, 6, "verb=NOOP")});
  // A failed AUTH command expects no responses.
  ExpectCommands("AUTH PLAIN !\r\nNOOP\r\n", kStrict,
                 {CmdErr(0, 14, E::kBadBase64, 11), Cmd(14, 6, "verb=NOOP")});
}

TEST(CommandStreamTest, Starttls) {
  const std::string tls("STARTTLS\r\n\x16\x03\x01\x02\x00\x01\r\n", 18);
  ExpectCommands(tls, kStrict, {Cmd(0, 10, "verb=STARTTLS"), Make(K::kTls, 10, 8)});
  // Nothing after STARTTLS: an empty tls record at the end of input.
  ExpectCommands(
      "EHLO x\r\nSTARTTLS\r\n", kStrict,
      {Cmd(0, 8, "verb=EHLO domain:x"), Cmd(8, 10, "verb=STARTTLS"), Make(K::kTls, 18, 0)});
  // Plaintext pipelined behind STARTTLS (CVE-2011-0411 shape), any policy.
  const std::string injected = "STARTTLS\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n";
  for (const Options& options : {kStrict, kLenient}) {
    ExpectCommands(injected, options,
                   {Cmd(0, 10, "verb=STARTTLS"),
                    Fail(Make(K::kTls, 10, injected.size() - 10), E::kStarttlsInjection, 10)});
  }
  ExpectCommands(
      "STARTTLS\r\n\x15\x03", kStrict,
      {Cmd(0, 10, "verb=STARTTLS"), Fail(Make(K::kTls, 10, 2), E::kStarttlsInjection, 10)});
  // A STARTTLS that failed to parse changes nothing.
  ExpectCommands("STARTTLS x\r\nNOOP\r\n", kStrict,
                 {CmdErr(0, 12, E::kSyntax, 8), Cmd(12, 6, "verb=NOOP")});
}

// Reply streams.

TEST(ReplyStreamTest, RepliesInOrder) {
  const std::string input = "220 hi\r\n250-a\r\n250 2.0.0 b\r\n354 go\r\n";
  ExpectReplies(input, kStrict, ReplyMode::kReplies,
                {Reply(0, 8, "code=220 lines=[hi]"), Reply(8, 20, "code=250 lines=[a|2.0.0 b]"),
                 Reply(28, 8, "code=354 lines=[go]")});
  ExpectReplies("", kStrict, ReplyMode::kReplies, {});
}

TEST(ReplyStreamTest, ErrorsEndTheReplyAtTheOffendingLine) {
  ExpectReplies("250-a\r\n25x\r\n250 ok\r\n", kStrict, ReplyMode::kReplies,
                {ReplyErr(0, 12, E::kBadReplyCode, 9), Reply(12, 8, "code=250 lines=[ok]")});
  ExpectReplies("250-a\r\n251 b\r\n221 bye\r\n", kStrict, ReplyMode::kReplies,
                {ReplyErr(0, 14, E::kCodeMismatch, 7), Reply(14, 9, "code=221 lines=[bye]")});
  ExpectReplies("250 \r\n250 x\r\n", kStrict, ReplyMode::kReplies,
                {ReplyErr(0, 6, E::kSyntax, 4), Reply(6, 7, "code=250 lines=[x]")});
  ExpectReplies("250 \r\n", kLenient, ReplyMode::kReplies,
                {Reply(0, 6, "code=250 lines=[]", DeviationSet({D::kEmptyReplyText}))});
  ExpectReplies("250 a\n250 b\r\n", kStrict, ReplyMode::kReplies,
                {ReplyErr(0, 6, E::kBareLf, 5), Reply(6, 7, "code=250 lines=[b]")});
  ExpectReplies("250-a\n250 b\r\n", kLenient, ReplyMode::kReplies,
                {Reply(0, 13, "code=250 lines=[a|b]", DeviationSet({D::kBareLf}))});
  ExpectReplies("250-a\r\n250 b", kStrict, ReplyMode::kReplies,
                {ReplyErr(0, 12, E::kIncomplete, 12)});
  ExpectReplies("250x\r\n", kStrict, ReplyMode::kReplies, {ReplyErr(0, 6, E::kBadSeparator, 3)});
}

TEST(ReplyStreamTest, LineLimits) {
  const std::string max = "250 " + Repeat('x', 506) + "\r\n";
  const std::string over = "250-" + Repeat('x', 507) + "\r\n";
  ExpectReplies(max + over + "250 ok\r\n", kStrict, ReplyMode::kReplies,
                {Reply(0, 512, "code=250 lines=[" + Repeat('x', 506) + "]"),
                 ReplyErr(512, 513, E::kLineTooLong, 1024), Reply(1025, 8, "code=250 lines=[ok]")});
}

std::string ReplyOfLines(std::size_t n) {
  std::string out;
  for (std::size_t i = 1; i < n; ++i)
    out += "250-l\r\n";
  return out + "250 l\r\n";
}

TEST(ReplyStreamTest, ThousandLinesAndOneMore) {
  const std::string ok = ReplyOfLines(1000);
  const std::vector<Rec> got = RepliesAnySplit(ok, kStrict, ReplyMode::kReplies);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].ok()) << RecordsString(got);
  EXPECT_EQ(got[0].length, 7000u);
  ExpectReplies(ReplyOfLines(1001) + "221 x\r\n", kStrict, ReplyMode::kReplies,
                {ReplyErr(0, 7007, E::kTooManyLines, 7000), Reply(7007, 7, "code=221 lines=[x]")});
}

TEST(ReplyStreamTest, EhloMode) {
  const std::string input =
      "220 mail.example ESMTP\r\n250-mail.example hi\r\n250-SIZE 10\r\n250 STARTTLS\r\n"
      "550 no\r\n250 2.1.0 Ok\r\n";
  ExpectReplies(input, kStrict, ReplyMode::kEhlo,
                {Reply(0, 24, "code=220 lines=[mail.example ESMTP]"),
                 Reply(24, 48,
                       "code=250 lines=[mail.example hi|SIZE 10|STARTTLS] ehlo{domain=mail.example "
                       "greeting=hi caps=[SIZE(10);STARTTLS()]}"),
                 Reply(72, 8, "code=550 lines=[no]"),
                 Reply(80, 14,
                       "code=250 lines=[2.1.0 Ok] enhanced=2.1.0 ehlo{domain=2.1.0 "
                       "greeting=Ok caps=[]}")});
  // The same bytes in replies mode carry no EHLO fields.
  const std::vector<Rec> plain = RepliesAnySplit(input, kStrict, ReplyMode::kReplies);
  ASSERT_EQ(plain.size(), 4u);
  EXPECT_EQ(plain[1].fields, "code=250 lines=[mail.example hi|SIZE 10|STARTTLS]");
}

TEST(ReplyStreamTest, Cve2020_8794Shape) {
  const std::string input = "250-x\r\n250\r\n";
  ExpectReplies(input, kStrict, ReplyMode::kReplies, {Reply(0, 12, "code=250 lines=[x|]")});
  ExpectReplies(input, kStrict, ReplyMode::kEhlo, {ReplyErr(0, 12, E::kBadKeyword, 10)});
  ExpectReplies(input, kLenient, ReplyMode::kEhlo, {ReplyErr(0, 12, E::kBadKeyword, 10)});
}

TEST(ReplyStreamTest, EhloGrammarErrorsAndDeviations) {
  const std::string old_auth = "250-m.example\r\n250 AUTH=LOGIN PLAIN\r\n";
  ExpectReplies(old_auth, kStrict, ReplyMode::kEhlo, {ReplyErr(0, 37, E::kBadKeyword, 23)});
  ExpectReplies(
      old_auth, kLenient, ReplyMode::kEhlo,
      {Reply(0, 37,
             "code=250 lines=[m.example|AUTH=LOGIN PLAIN] ehlo{domain=m.example greeting= "
             "caps=[AUTH(LOGIN,PLAIN)]}",
             DeviationSet({D::kOldAuthSyntax}))});
  ExpectReplies("250- 29 byte chunk, total 29\r\n250 OK id=1\r\n", kLenient, ReplyMode::kEhlo,
                {ReplyErr(0, 43, E::kBadDomain, 4)});
  // A reply that fails on a later line reports the earlier EHLO error: the
  // first offending octet, not the later code mismatch or bad octet.
  ExpectReplies("250-mx\r\n250-X_Y\r\n251 z\r\n250 q\r\n", kStrict, ReplyMode::kEhlo,
                {ReplyErr(0, 24, E::kBadKeyword, 13),
                 Reply(24, 7, "code=250 lines=[q] ehlo{domain=q greeting= caps=[]}")});
  ExpectReplies("250-m_x\r\n250-OK\r\n250 z\x01\r\n", kStrict, ReplyMode::kEhlo,
                {ReplyErr(0, 25, E::kBadDomain, 5)});
  // In replies mode the same input is only a code mismatch.
  ExpectReplies("250-mx\r\n250-X_Y\r\n251 z\r\n", kStrict, ReplyMode::kReplies,
                {ReplyErr(0, 24, E::kCodeMismatch, 17)});
  // An unfinished reply stays incomplete.
  ExpectReplies("250-mx\r\n250-X_Y\r\n250-Z", kStrict, ReplyMode::kEhlo,
                {ReplyErr(0, 22, E::kIncomplete, 22)});
}

}  // namespace
}  // namespace smtp
