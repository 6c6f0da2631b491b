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
using testing_util::ToRec;

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
  // 1000 octets with the CRLF is the limit, not counting the leading dot
  // added for transparency (RFC 5321 section 4.5.3.1.6, issue 10).
  const std::string dotted = "DATA\r\n.." + Repeat('x', 997) + "\r\n.\r\n";
  ExpectCommands(dotted, kStrict, {Cmd(0, 6, "verb=DATA"), Data(6, 1004, 1000)});
  const std::string dotted_over = "DATA\r\n.." + Repeat('x', 998) + "\r\n.\r\n";
  // The limit of a stuffed line is 1001 raw octets: the error is at its
  // start + 1001.
  ExpectCommands(dotted_over, kStrict,
                 {Cmd(0, 6, "verb=DATA"), Fail(Data(6, 1005, 1001), E::kLineTooLong, 6 + 1001)});
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
  ExpectCommands("AUTH GSSAPI\r\nNOOP\r\n", kStrict,
                 {Cmd(0, 13, "verb=AUTH mech=GSSAPI"), Cmd(13, 6, "verb=NOOP")});
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

// SPEC section 2 table (issue 10): the responses each mechanism's usual
// successful exchange sends, with and without an initial response.
TEST(CommandStreamTest, SaslResponseCountsOfEveryMechanism) {
  struct Row {
    std::string auth;  // the AUTH line without CRLF
    int responses;
  };
  const Row rows[] = {
      {"AUTH XOAUTH2", 1},
      {"AUTH XOAUTH2 dXNlcj1h", 0},
      {"AUTH OAUTHBEARER", 1},
      {"AUTH OAUTHBEARER =", 0},
      {"AUTH DIGEST-MD5", 2},
      {"AUTH DIGEST-MD5 =", 0},
      {"AUTH NTLM", 2},
      {"AUTH NTLM TlRMTQ==", 1},
      {"AUTH SCRAM-SHA-256", 2},
      {"AUTH SCRAM-SHA-1 biws", 1},
      {"AUTH scram-sha-256-plus", 2},
      {"AUTH GSSAPI", 0},
      {"AUTH PLAIN", 1},
      {"AUTH LOGIN", 2},
      {"AUTH CRAM-MD5", 1},
  };
  for (const Row& row : rows) {
    std::string input = row.auth + "\r\n";
    std::vector<Rec> expected = {
        Cmd(0, input.size(),
            "verb=AUTH mech=" + row.auth.substr(5, row.auth.find(' ', 5) - 5) +
                (row.auth.find(' ', 5) == std::string::npos
                     ? ""
                     : " ir=" + row.auth.substr(row.auth.find(' ', 5) + 1)))};
    for (int i = 0; i < row.responses; ++i) {
      expected.push_back(Make(K::kAuthResponse, input.size(), 6, "response=YWJj"));
      input += "YWJj\r\n";
    }
    expected.push_back(Cmd(input.size(), 6, "verb=NOOP"));
    input += "NOOP\r\n";
    ExpectCommands(input, kStrict, expected);
  }
}

// A realistic XOAUTH2 bearer token (1.6 KB) is one auth_response record, not
// a command: a secret never lands in a command record (issue 10).
TEST(CommandStreamTest, Xoauth2TokenIsAnAuthResponse) {
  const std::string token = Repeat('A', 1600);
  const std::string input = "AUTH XOAUTH2\r\n" + token + "\r\nQUIT\r\n";
  ExpectCommands(
      input, kStrict,
      {Cmd(0, 14, "verb=AUTH mech=XOAUTH2"), Make(K::kAuthResponse, 14, 1602, "response=" + token),
       Cmd(1616, 6, "verb=QUIT")});
  // An empty response (after the server's error challenge) is a response too.
  ExpectCommands("AUTH XOAUTH2\r\n\r\nQUIT\r\n", kStrict,
                 {Cmd(0, 14, "verb=AUTH mech=XOAUTH2"), Make(K::kAuthResponse, 14, 2, "response="),
                  Cmd(16, 6, "verb=QUIT")});
}

// MAIL/RCPT lines get the allowances of their parameters in the stream too,
// also when the line is far over any limit (issue 10).
TEST(CommandStreamTest, MailRcptAllowances) {
  std::string mail = "MAIL FROM:<sender@example.com> SIZE=1234 BODY=8BITMIME AUTH=";
  mail += Repeat('a', 550 - 2 - mail.size()) + "\r\n";
  ASSERT_EQ(mail.size(), 550u);
  std::string no_auth = "MAIL FROM:<sender@example.com> SIZE=1234 BODY=8BITMIME X=";
  no_auth += Repeat('x', 550 - 2 - no_auth.size()) + "\r\n";
  const std::string params = mail.substr(31, mail.size() - 33);
  ExpectCommands(mail + no_auth + "QUIT\r\n", kStrict,
                 {Cmd(0, 550, "verb=MAIL path=<sender@example.com> params=[" + params + "]"),
                  CmdErr(550, 550, E::kLineTooLong, 550 + 538), Cmd(1100, 6, "verb=QUIT")});
  // Over every limit: skipped through its end, the error at start + its limit.
  const std::string huge = "RCPT TO:<a@b> NOTIFY=NEVER X=" + Repeat('x', 20000) + "\r\n";
  ExpectCommands(huge + "QUIT\r\n", kStrict,
                 {CmdErr(0, huge.size(), E::kLineTooLong, 1012), Cmd(huge.size(), 6, "verb=QUIT")});
}

// Lenient error records list the deviations used before the error (issue 10).
TEST(StreamTest, LenientErrorRecordsListEarlierDeviations) {
  Rec bad_param = CmdErr(0, 22, E::kBadParam, 19);
  bad_param.deviations = DeviationSet({D::kSpaceAfterColon}).bits();
  ExpectCommands("MAIL FROM: <a@b> X==\r\nQUIT\r\n", kLenient,
                 {bad_param, Cmd(22, 6, "verb=QUIT")});
  Rec bad_char = ReplyErr(0, 13, E::kBadChar, 10);
  bad_char.deviations = DeviationSet({D::kBareLf}).bits();
  ExpectReplies("250-a\n250 \x01\r\n", kLenient, ReplyMode::kReplies, {bad_char});
  // The EHLO grammar broke on the first line: its deviations are those of
  // the lines before it (none) plus the line ends read so far.
  Rec bad_ehlo = ReplyErr(0, 21, E::kBadDomain, 4);
  bad_ehlo.deviations = DeviationSet({D::kBareLf}).bits();
  ExpectReplies("250-[1.2.3.4]\n250 X\r\n", kLenient, ReplyMode::kEhlo, {bad_ehlo});
}

// A SASL response that breaks the grammar keeps the deviations read before
// its error (the bare LF line end), not the trailing white space after it.
TEST(StreamTest, LenientBadSaslResponseKeepsTheDeviationsBeforeItsError) {
  Rec bad = Fail(Make(K::kAuthResponse, 12, 7), E::kBadBase64, 14);
  bad.deviations = DeviationSet({D::kBareLf}).bits();
  ExpectCommands("AUTH LOGIN\r\nno way\nNOOP\r\n", kLenient,
                 {Cmd(0, 12, "verb=AUTH mech=LOGIN"), bad, Cmd(19, 6, "verb=NOOP")});
  Rec bad_spaced = Fail(Make(K::kAuthResponse, 12, 8), E::kBadBase64, 14);
  bad_spaced.deviations = DeviationSet({D::kBareLf}).bits();
  ExpectCommands("AUTH LOGIN\r\nno way \nNOOP\r\n", kLenient,
                 {Cmd(0, 12, "verb=AUTH mech=LOGIN"), bad_spaced, Cmd(20, 6, "verb=NOOP")});
}

// Finish in the middle of an AUTH exchange resets the stream: it reads
// commands again, with the command line limit, not the (here smaller) SASL
// response limit the exchange had set.
TEST(CommandStreamTest, FinishInsideAnAuthExchangeRestoresTheCommandLineLimit) {
  Options options = StrictOptions();
  options.max_auth_line = 64;
  CommandStream stream(options);
  std::vector<Rec> got;
  const auto sink = [&](const Record& r) { got.push_back(ToRec(r)); };
  stream.Feed("AUTH LOGIN\r\n", sink);
  ASSERT_EQ(got, (std::vector<Rec>{Cmd(0, 12, "verb=AUTH mech=LOGIN")}));
  // Inside the exchange a line over 64 octets is an over-long response.
  const std::string noop = "NOOP " + Repeat('x', 100) + "\r\n";
  stream.Finish(sink);
  ASSERT_EQ(got.size(), 1u) << RecordsString(got);  // no line was open
  got.clear();
  stream.Feed(noop, sink);
  stream.Finish(sink);
  ASSERT_EQ(got.size(), 1u) << RecordsString(got);
  EXPECT_EQ(got[0].kind, K::kCommand);
  EXPECT_EQ(got[0].offset, 0u);
  EXPECT_EQ(got[0].length, noop.size());
  EXPECT_EQ(got[0].code, E::kOk) << RecordsString(got);
  // Without the reset the same line is a response, over its limit at 64.
  CommandStream in_auth(options);
  got.clear();
  in_auth.Feed("AUTH LOGIN\r\n" + noop, sink);
  in_auth.Finish(sink);
  ASSERT_EQ(got.size(), 2u) << RecordsString(got);
  EXPECT_EQ(got[1], Fail(Make(K::kAuthResponse, 12, noop.size()), E::kLineTooLong, 12 + 64));
}

// The RFCs' own examples parse in strict (issue 10), record by record with
// their fields. Each piece is one record's bytes; offsets follow from them.
struct Piece {
  std::string bytes;
  K kind;
  std::string fields;
};

std::vector<Rec> Expected(const std::vector<Piece>& pieces, std::string* input) {
  std::vector<Rec> out;
  for (const Piece& p : pieces) {
    out.push_back(Make(p.kind, input->size(), p.bytes.size(), p.fields));
    *input += p.bytes;
  }
  return out;
}

TEST(RfcExamplesTest, ClientSidesParseInStrict) {
  const std::vector<std::vector<Piece>> transcripts = {
      // RFC 5321 Appendix D.1, typical transaction.
      {{"EHLO bar.com\r\n", K::kCommand, "verb=EHLO domain:bar.com"},
       {"MAIL FROM:<Smith@bar.com>\r\n", K::kCommand, "verb=MAIL path=<Smith@bar.com> params=[]"},
       {"RCPT TO:<Jones@foo.com>\r\n", K::kCommand, "verb=RCPT path=<Jones@foo.com> params=[]"},
       {"RCPT TO:<Green@foo.com>\r\n", K::kCommand, "verb=RCPT path=<Green@foo.com> params=[]"},
       {"RCPT TO:<Brown@foo.com>\r\n", K::kCommand, "verb=RCPT path=<Brown@foo.com> params=[]"},
       {"DATA\r\n", K::kCommand, "verb=DATA"},
       {"Blah blah blah...\r\n...etc. etc. etc.\r\n.\r\n", K::kData, "bytes=37"},
       {"QUIT\r\n", K::kCommand, "verb=QUIT"}},
      // D.2 aborted, D.3 relayed with a source route, D.4 VRFY.
      {{"HELO bar.com\r\n", K::kCommand, "verb=HELO domain:bar.com"},
       {"MAIL FROM:<Smith@bar.com>\r\n", K::kCommand, "verb=MAIL path=<Smith@bar.com> params=[]"},
       {"RSET\r\n", K::kCommand, "verb=RSET"},
       {"MAIL FROM:<JQP@bar.com>\r\n", K::kCommand, "verb=MAIL path=<JQP@bar.com> params=[]"},
       {"RCPT TO:<@foo.com:Jones@XYZ.COM>\r\n", K::kCommand,
        "verb=RCPT path=<Jones@XYZ.COM> params=[]"},
       {"VRFY Crispin\r\n", K::kCommand, "verb=VRFY arg=Crispin"},
       {"RCPT TO:<Admin.MRC@foo.com>\r\n", K::kCommand,
        "verb=RCPT path=<Admin.MRC@foo.com> params=[]"},
       {"NOOP\r\n", K::kCommand, "verb=NOOP"}},
      // RFC 1870 section 6, RFC 6152 section 4, RFC 8689 section 3.
      {{"EHLO ymir.claremont.edu\r\n", K::kCommand, "verb=EHLO domain:ymir.claremont.edu"},
       {"MAIL FROM:<ned@thor.innosoft.com> SIZE=500000\r\n", K::kCommand,
        "verb=MAIL path=<ned@thor.innosoft.com> params=[SIZE=500000]"},
       {"MAIL FROM:<ned@ymir.claremont.edu> BODY=8BITMIME\r\n", K::kCommand,
        "verb=MAIL path=<ned@ymir.claremont.edu> params=[BODY=8BITMIME]"},
       {"MAIL FROM:<roger@example.com> REQUIRETLS\r\n", K::kCommand,
        "verb=MAIL path=<roger@example.com> params=[REQUIRETLS]"}},
      // RFC 3461 section 6.2, DSN parameters.
      {{"MAIL FROM:<Alice@Test.ORG> RET=HDRS ENVID=QQ314159\r\n", K::kCommand,
        "verb=MAIL path=<Alice@Test.ORG> params=[RET=HDRS ENVID=QQ314159]"},
       {"RCPT TO:<Bob@Foo.COM> NOTIFY=SUCCESS ORCPT=rfc822;Bob@Foo.COM\r\n", K::kCommand,
        "verb=RCPT path=<Bob@Foo.COM> params=[NOTIFY=SUCCESS ORCPT=rfc822;Bob@Foo.COM]"},
       {"RCPT TO:<Dana@Ivory.EDU> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Dana@Ivory.EDU\r\n",
        K::kCommand,
        "verb=RCPT path=<Dana@Ivory.EDU> params=[NOTIFY=SUCCESS,FAILURE "
        "ORCPT=rfc822;Dana@Ivory.EDU]"},
       {"RCPT TO:<Fred@Bombs.AF.MIL> NOTIFY=NEVER\r\n", K::kCommand,
        "verb=RCPT path=<Fred@Bombs.AF.MIL> params=[NOTIFY=NEVER]"}},
      // RFC 3030 section 4, CHUNKING and BINARYMIME.
      {{"MAIL FROM:<Sam@Random.com> BODY=BINARYMIME\r\n", K::kCommand,
        "verb=MAIL path=<Sam@Random.com> params=[BODY=BINARYMIME]"},
       {"RCPT TO:<Susan@Random.com>\r\n", K::kCommand,
        "verb=RCPT path=<Susan@Random.com> params=[]"},
       {"BDAT 5\r\n", K::kCommand, "verb=BDAT size=5"},
       {"ab\r\nc", K::kData, "bytes=5"},
       {"BDAT 0 LAST\r\n", K::kCommand, "verb=BDAT size=0 LAST"},
       {"", K::kData, "bytes=0"},
       {"QUIT\r\n", K::kCommand, "verb=QUIT"}},
      // RFC 4954 section 6 examples: AUTH PLAIN with and without an initial
      // response, DIGEST-MD5 with its two responses (the second empty).
      {{"EHLO client.example.com\r\n", K::kCommand, "verb=EHLO domain:client.example.com"},
       {"AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=\r\n", K::kCommand,
        "verb=AUTH mech=PLAIN ir=dGVzdAB0ZXN0ADEyMzQ="},
       {"AUTH PLAIN\r\n", K::kCommand, "verb=AUTH mech=PLAIN"},
       {"dGVzdAB0ZXN0ADEyMzQ=\r\n", K::kAuthResponse, "response=dGVzdAB0ZXN0ADEyMzQ="},
       {"AUTH DIGEST-MD5\r\n", K::kCommand, "verb=AUTH mech=DIGEST-MD5"},
       {"dXNlcm5hbWU9ImNocmlzIg==\r\n", K::kAuthResponse, "response=dXNlcm5hbWU9ImNocmlzIg=="},
       {"\r\n", K::kAuthResponse, "response="},
       {"STARTTLS\r\n", K::kCommand, "verb=STARTTLS"},
       {"", K::kTls, ""}},
  };
  for (const std::vector<Piece>& t : transcripts) {
    std::string input;
    const std::vector<Rec> expected = Expected(t, &input);
    ExpectCommands(input, kStrict, expected);
  }
}

TEST(RfcExamplesTest, ServerSidesParseInStrict) {
  const std::vector<Piece> replies = {
      // RFC 5321 Appendix D.1.
      {"220 foo.com Simple Mail Transfer Service Ready\r\n", K::kReply,
       "code=220 lines=[foo.com Simple Mail Transfer Service Ready]"},
      {"250-foo.com greets bar.com\r\n250-8BITMIME\r\n250-SIZE\r\n250-DSN\r\n250 HELP\r\n",
       K::kReply,
       "code=250 lines=[foo.com greets bar.com|8BITMIME|SIZE|DSN|HELP] ehlo{domain=foo.com "
       "greeting=greets bar.com caps=[8BITMIME();SIZE();DSN();HELP()]}"},
      {"550 No such user here\r\n", K::kReply, "code=550 lines=[No such user here]"},
      {"354 Start mail input; end with <CRLF>.<CRLF>\r\n", K::kReply,
       "code=354 lines=[Start mail input; end with <CRLF>.<CRLF>]"},
      {"221 foo.com Service closing transmission channel\r\n", K::kReply,
       "code=221 lines=[foo.com Service closing transmission channel]"},
      // RFC 4954 section 6: the EHLO reply, "334 " to AUTH PLAIN (empty
      // text, issue 10), the success reply.
      {"250-smtp.example.com Hello client.example.com\r\n250-AUTH GSSAPI DIGEST-MD5\r\n"
       "250-ENHANCEDSTATUSCODES\r\n250 STARTTLS\r\n",
       K::kReply,
       "code=250 lines=[smtp.example.com Hello client.example.com|AUTH GSSAPI "
       "DIGEST-MD5|ENHANCEDSTATUSCODES|STARTTLS] ehlo{domain=smtp.example.com greeting=Hello "
       "client.example.com caps=[AUTH(GSSAPI,DIGEST-MD5);ENHANCEDSTATUSCODES();STARTTLS()]}"},
      {"334 \r\n", K::kReply, "code=334 lines=[]"},
      {"235 2.7.0 Authentication successful\r\n", K::kReply,
       "code=235 lines=[2.7.0 Authentication successful] enhanced=2.7.0"},
      // RFC 3207 section 4, RFC 2034 section 6.
      {"220 Ready to start TLS\r\n", K::kReply, "code=220 lines=[Ready to start TLS]"},
      {"551-5.7.1 Forwarding to remote hosts disabled\r\n"
       "551 5.7.1 Select another host to act as your forwarder\r\n",
       K::kReply,
       "code=551 lines=[5.7.1 Forwarding to remote hosts disabled|5.7.1 Select another host to "
       "act as your forwarder] enhanced=5.7.1"},
      {"550 5.1.1 Mailbox \"nosuchuser\" does not exist\r\n", K::kReply,
       "code=550 lines=[5.1.1 Mailbox \"nosuchuser\" does not exist] enhanced=5.1.1"},
  };
  std::string input;
  const std::vector<Rec> expected = Expected(replies, &input);
  // In ehlo mode only the 250 reply is read as an EHLO reply here.
  ExpectReplies(input, kStrict, ReplyMode::kEhlo, expected);
}

TEST(ReplyStreamTest, EmptyTextIsValid) {
  // RFC 4954's own exchange: "334 " to AUTH PLAIN (issue 10).
  ExpectReplies("334 \r\n235 2.7.0 Authentication successful\r\n", kStrict, ReplyMode::kReplies,
                {Reply(0, 6, "code=334 lines=[]"),
                 Reply(6, 37, "code=235 lines=[2.7.0 Authentication successful] enhanced=2.7.0")});
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
  // "250 " is a whole reply with the text "" (issue 10).
  ExpectReplies("250 \r\n250 x\r\n", kStrict, ReplyMode::kReplies,
                {Reply(0, 6, "code=250 lines=[]"), Reply(6, 7, "code=250 lines=[x]")});
  ExpectReplies("250 \r\n", kLenient, ReplyMode::kReplies, {Reply(0, 6, "code=250 lines=[]")});
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
                 // "2.1.0" is no Domain: its last label is all digits (RFC 1123
                 // 2.1, issue 10). Only the session knows this answers MAIL.
                 ReplyErr(80, 14, E::kBadDomain, 89)});
  ExpectReplies("250 2.1.0 Ok\r\n", kLenient, ReplyMode::kEhlo,
                {Reply(0, 14,
                       "code=250 lines=[2.1.0 Ok] enhanced=2.1.0 ehlo{domain=2.1.0 "
                       "greeting=Ok caps=[]}",
                       DeviationSet({D::kNumericDomain}))});
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

TEST(RecordKindNameTest, EveryKindAndOutOfRange) {
  EXPECT_EQ(RecordKindName(RecordKind::kCommand), "command");
  EXPECT_EQ(RecordKindName(RecordKind::kData), "data");
  EXPECT_EQ(RecordKindName(RecordKind::kAuthResponse), "auth_response");
  EXPECT_EQ(RecordKindName(RecordKind::kTls), "tls");
  EXPECT_EQ(RecordKindName(RecordKind::kReply), "reply");
  EXPECT_EQ(RecordKindName(static_cast<RecordKind>(200)), "unknown");
}

}  // namespace
}  // namespace smtp
