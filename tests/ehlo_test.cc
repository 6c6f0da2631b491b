// Tests for smtp/ehlo.h: ehlo-ok-rsp (RFC 5321 4.1.1.1), capability lines,
// lenient deviations and the typed accessors.
#include "smtp/ehlo.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace smtp {
namespace {

using testing_util::DeviationNames;
using testing_util::DeviationSet;
using testing_util::Escape;
using testing_util::LenientOptions;
using testing_util::RenderEhlo;
using testing_util::StrictOptions;
using testing_util::Utf8Options;

using E = ErrorCode;
using D = Deviation;

struct Row {
  std::string text;
  Options options;
  ErrorCode code;
  std::size_t offset;
  std::string rendered;  // RenderEhlo when ok
  Deviations deviations;
};

Row Ok(std::string text, std::string rendered) {
  return {std::move(text), StrictOptions(), E::kOk, 0, std::move(rendered), {}};
}
Row Err(std::string text, ErrorCode code, std::size_t offset, Options o = StrictOptions()) {
  return {std::move(text), o, code, offset, "", {}};
}

TEST(EhloReplyTest, Table) {
  const Options lenient = LenientOptions();
  const std::vector<Row> rows = {
      Ok("250-mail.example Hello there\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
         "250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n",
         "domain=mail.example greeting=Hello there "
         "caps=[PIPELINING();SIZE(10240000);AUTH(PLAIN,LOGIN);8BITMIME()]"),
      Ok("250 mail.example\r\n", "domain=mail.example greeting= caps=[]"),
      Ok("250-mail.example\r\n250 STARTTLS\r\n", "domain=mail.example greeting= caps=[STARTTLS()]"),
      Ok("250 mail.example.test Hello client.example.com [127.0.0.1]\r\n",
         "domain=mail.example.test greeting=Hello client.example.com [127.0.0.1] caps=[]"),
      Ok("250-mail.example.test Hello [IPv6:::1] [127.0.0.1]\r\n250 HELP\r\n",
         "domain=mail.example.test greeting=Hello [IPv6:::1] [127.0.0.1] caps=[HELP()]"),
      // ehlo-greet is any octets but CR and LF: SP inside and at the start.
      Ok("250 m.example  two\r\n", "domain=m.example greeting= two caps=[]"),
      // The parser does not guess which command a reply answers.
      // ... but a Domain's last label is not all digits (RFC 1123 section
      // 2.1, issue 10): "250 2.0.0 Ok" is no EHLO reply in strict, and
      // neither is a bare dotted quad; lenient names numeric_domain.
      Err("250 2.0.0 Ok\r\n", E::kBadDomain, 9),
      {"250 2.0.0 Ok\r\n", lenient, E::kOk, 0, "domain=2.0.0 greeting=Ok caps=[]",
       DeviationSet({D::kNumericDomain})},
      Err("250-192.0.2.1 hi\r\n250 SIZE\r\n", E::kBadDomain, 13),
      Ok("250 mx1.192.example\r\n", "domain=mx1.192.example greeting= caps=[]"),
      Ok("250 OK id=1xVeiv-0004UK-0a\r\n", "domain=OK greeting=id=1xVeiv-0004UK-0a caps=[]"),
      // Keywords: (ALPHA / DIGIT) *(ALPHA / DIGIT / "-"); params %d33-126.
      Ok("250-m\r\n250-8BITMIME\r\n250-X-A b=c,d;e ~!\r\n250 1\r\n",
         "domain=m greeting= caps=[8BITMIME();X-A(b=c,d;e,~!);1()]"),
      Ok("250-m\r\n250 pipelining\r\n", "domain=m greeting= caps=[pipelining()]"),
      Err("250-mail.example\r\n250 -BAD\r\n", E::kBadKeyword, 22),
      Err("250-m.example\r\n250 X_Y\r\n", E::kBadKeyword, 20),
      Err("250-m.example\r\n250 SIZE\t1\r\n", E::kBadKeyword, 23),
      Err("250-m.example\r\n250-\r\n250 X\r\n", E::kBadKeyword, 19),
      // The first line is Domain [SP ehlo-greet]: no address literal, no
      // leading space.
      Err("250 [192.0.2.1]\r\n", E::kBadDomain, 4),
      Err("250-bad_domain\r\n250 X\r\n", E::kBadDomain, 7),
      Err("250- 29 byte chunk, total 29\r\n250 OK id=1\r\n", E::kBadDomain, 4),
      Err("250- 29 byte chunk, total 29\r\n250 OK id=1\r\n", E::kBadDomain, 4, lenient),
      Err("250-x\r\n250\r\n", E::kBadKeyword, 10),
      Err("250-x\r\n250\r\n", E::kBadKeyword, 10, lenient),
      // "250 " is a valid reply (issue 10), but an EHLO reply needs a Domain.
      Err("250 \r\n", E::kBadDomain, 4),
      Err("250 \r\n", E::kBadDomain, 4, lenient),
      // ehlo-greet = 1*(%d0-9 / %d11-12 / %d14-127): after one SP, white
      // space alone is a greeting (RFC 5321 4.1.1.1), in both policies.
      Ok("250 mx.example.com  \r\n", "domain=mx.example.com greeting=  caps=[]"),
      Ok("250 mx.example.com \t\r\n", "domain=mx.example.com greeting=\\x09 caps=[]"),
      {"250 mx.example.com  \r\n",
       lenient,
       E::kOk,
       0,
       "domain=mx.example.com greeting=  caps=[]",
       {}},
      // The EHLO response's domain is LDH labels or A-labels, also with
      // SMTPUTF8 (RFC 6531 section 3.7.1); the greeting may be UTF-8.
      Err("250 b\xc3\xbc.example hi\r\n", E::kBadDomain, 5, Utf8Options()),
      // Trailing white space after the first line's domain: SP or HT alike.
      Err("250 mx.example.com \r\n", E::kSyntax, 19),
      Err("250 mx.example.com\t\r\n", E::kSyntax, 18),
      {"250 mx.example.com\t\r\n", lenient, E::kOk, 0, "domain=mx.example.com greeting= caps=[]",
       DeviationSet({D::kTrailingSpace})},
      {"250 mx.example.com \r\n", lenient, E::kOk, 0, "domain=mx.example.com greeting= caps=[]",
       DeviationSet({D::kTrailingSpace})},
      // An EHLO error on an earlier line comes before a later reply error.
      Err("250-mx\r\n250-X_Y\r\n251 z\r\n", E::kBadKeyword, 13),
      Err("250-m_x\r\n250-OK\r\n250 z\x01\r\n", E::kBadDomain, 5),
      // A bad domain is reported before the trailing space after it.
      Err("250 O_K \r\n", E::kBadDomain, 5),
      // Domain SP ehlo-greet: HT is no separator.
      Err("250 mx\thello\r\n", E::kSyntax, 6, lenient),
      // Trailing SP after a keyword line; more than one SP between params.
      Err("250-m.example\r\n250 PIPELINING \r\n", E::kBadKeyword, 30),
      {"250-m.example\r\n250 PIPELINING \r\n", lenient, E::kOk, 0,
       "domain=m.example greeting= caps=[PIPELINING()]", DeviationSet({D::kTrailingSpace})},
      Err("250-m.example\r\n250 SIZE  100\r\n", E::kBadKeyword, 24),
      {"250-m.example\r\n250 SIZE  100\r\n", lenient, E::kOk, 0,
       "domain=m.example greeting= caps=[SIZE(100)]", DeviationSet({D::kExtraSpace})},
      // Old-style AUTH=.
      Err("250-m.example\r\n250-AUTH=LOGIN PLAIN\r\n250 AUTH LOGIN PLAIN\r\n", E::kBadKeyword, 23),
      {"250-m.example\r\n250-AUTH=LOGIN PLAIN\r\n250 AUTH LOGIN PLAIN\r\n", lenient, E::kOk, 0,
       "domain=m.example greeting= caps=[AUTH(LOGIN,PLAIN);AUTH(LOGIN,PLAIN)]",
       DeviationSet({D::kOldAuthSyntax})},
      // Octets and UTF-8 in the greeting.
      Err("250 m.example Gr\xc3\xbc\xc3\x9f\r\n", E::kBadChar, 16),
      {"250 m.example Gr\xc3\xbc\xc3\x9f\r\n",
       Utf8Options(),
       E::kOk,
       0,
       "domain=m.example greeting=Gr\\xc3\\xbc\\xc3\\x9f caps=[]",
       {}},
      // Reply-level errors are reported as by ParseReply.
      Err("250-m\r\n251 X\r\n", E::kCodeMismatch, 7),
      Err("250-m\r\n", E::kIncomplete, 7),
      Err("250-m\n250 X\r\n", E::kBareLf, 5),
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(Escape(row.text) + (row.options.lenient() ? " [lenient]" : "") +
                 (row.options.utf8 ? " [utf8]" : ""));
    const EhloResult result = ParseEhloReply(row.text, row.options);
    EXPECT_EQ(result.error.code, row.code) << "at " << result.error.offset;
    if (row.code != E::kOk) {
      EXPECT_EQ(result.error.offset, row.offset);
      continue;
    }
    EXPECT_EQ(result.ehlo.reply.code, 250);
    EXPECT_EQ(RenderEhlo(result.ehlo), row.rendered);
    EXPECT_EQ(DeviationNames(result.deviations), DeviationNames(row.deviations));
  }
}

TEST(EhloReplyTest, OtherCodesAreNotEhloReplies) {
  EXPECT_FALSE(ParseEhloReply("550 no\r\n", StrictOptions()).ok());
  EXPECT_FALSE(ParseEhloReply("502 5.5.1 EHLO not implemented\r\n", LenientOptions()).ok());
}

TEST(EhloReplyTest, GreetingNeverAdvertises) {
  const EhloResult r =
      ParseEhloReply("250-mail.example STARTTLS PIPELINING\r\n250 8BITMIME\r\n", StrictOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.ehlo.starttls());
  EXPECT_FALSE(r.ehlo.pipelining());
  EXPECT_TRUE(r.ehlo.eight_bit_mime());
  EXPECT_EQ(r.ehlo.capabilities.size(), 1u);
  EXPECT_EQ(r.ehlo.greeting, "STARTTLS PIPELINING");
}

TEST(EhloReplyTest, AccessorsOnAFullCapabilityList) {
  const std::string text =
      "250-mail.example.test\r\n250-pipelining\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n"
      "250-SMTPUTF8\r\n250-CHUNKING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n"
      "250-REQUIRETLS\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250-AUTH XOAUTH2\r\n250 STARTTLS\r\n";
  const EhloResult r = ParseEhloReply(text, StrictOptions());
  ASSERT_TRUE(r.ok()) << testing_util::ErrorString(r.error);
  const EhloReply& e = r.ehlo;
  EXPECT_EQ(e.domain, "mail.example.test");
  EXPECT_EQ(e.greeting, "");
  EXPECT_EQ(e.capabilities.size(), 11u);
  EXPECT_TRUE(e.pipelining());
  EXPECT_TRUE(e.starttls());
  EXPECT_TRUE(e.eight_bit_mime());
  EXPECT_TRUE(e.smtputf8());
  EXPECT_TRUE(e.chunking());
  EXPECT_TRUE(e.dsn());
  EXPECT_TRUE(e.enhanced_status_codes());
  EXPECT_TRUE(e.requiretls());
  EXPECT_FALSE(e.Has("VRFY"));
  EXPECT_FALSE(e.Has("PIPE"));
  EXPECT_EQ(e.size_limit(), std::optional<std::uint64_t>(52428800));
  // Lookup ignores case; the keyword is reported as sent.
  const std::optional<Capability> pipelining = e.Find("PIPELINING");
  ASSERT_TRUE(pipelining.has_value());
  EXPECT_EQ(pipelining->keyword, "pipelining");
  // The first AUTH line wins.
  const CapabilityParams mechanisms = e.auth_mechanisms();
  EXPECT_EQ(std::vector<std::string_view>(mechanisms.begin(), mechanisms.end()),
            (std::vector<std::string_view>{"PLAIN", "LOGIN", "CRAM-MD5"}));
  EXPECT_EQ(mechanisms.size(), 3u);
  EXPECT_EQ(mechanisms.text(), "PLAIN LOGIN CRAM-MD5");
}

TEST(EhloReplyTest, NoCapabilities) {
  const EhloResult r = ParseEhloReply("250 mail.example\r\n", StrictOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.ehlo.capabilities.size(), 0u);
  EXPECT_TRUE(r.ehlo.capabilities.begin() == r.ehlo.capabilities.end());
  EXPECT_FALSE(r.ehlo.size_limit().has_value());
  EXPECT_TRUE(r.ehlo.auth_mechanisms().empty());
  EXPECT_FALSE(r.ehlo.Find("SIZE").has_value());
  // No reply lines at all (a default EhloReply): no capabilities either.
  EXPECT_EQ(Capabilities().size(), 0u);
  EXPECT_TRUE(Capabilities().begin() == Capabilities().end());
}

TEST(EhloReplyTest, SizeLimit) {
  struct SizeRow {
    std::string_view line;
    std::optional<std::uint64_t> limit;
  };
  const SizeRow rows[] = {
      {"SIZE 10240000", 10240000},
      {"SIZE 0", 0},
      {"SIZE", 0},  // RFC 1870: no fixed maximum announced
      {"size 7", 7},
      {"SIZE 18446744073709551615", std::numeric_limits<std::uint64_t>::max()},
      {"SIZE 18446744073709551616", std::nullopt},
      {"SIZE abc", std::nullopt},
      {"SIZE 12x", std::nullopt},
      {"SIZE 000000000000000000001", std::nullopt},
  };
  for (const SizeRow& row : rows) {
    SCOPED_TRACE(row.line);
    const std::string text = "250-m\r\n250 " + std::string(row.line) + "\r\n";
    const EhloResult r = ParseEhloReply(text, StrictOptions());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.ehlo.size_limit(), row.limit);
  }
}

TEST(EhloReplyTest, LenientOldAuthGivesTheMechanisms) {
  const EhloResult r =
      ParseEhloReply("250-m.example\r\n250 AUTH=LOGIN PLAIN\r\n", LenientOptions());
  ASSERT_TRUE(r.ok()) << testing_util::ErrorString(r.error);
  EXPECT_EQ(DeviationNames(r.deviations), "old_auth_syntax");
  const CapabilityParams mechanisms = r.ehlo.auth_mechanisms();
  EXPECT_EQ(std::vector<std::string_view>(mechanisms.begin(), mechanisms.end()),
            (std::vector<std::string_view>{"LOGIN", "PLAIN"}));
}

TEST(InterpretEhloTest, OffsetsAreRelativeToTheReply) {
  const std::string text = "250-m.example\r\n250 X_Y\r\n";
  const ReplyResult reply = ParseReply(text, StrictOptions());
  ASSERT_TRUE(reply.ok());
  const EhloResult e = InterpretEhlo(reply.reply, StrictOptions());
  EXPECT_EQ(e.error, (Error{E::kBadKeyword, 20}));
  const ReplyResult good = ParseReply("250-m.example hi\r\n250 DSN\r\n", StrictOptions());
  ASSERT_TRUE(good.ok());
  const EhloResult ok = InterpretEhlo(good.reply, StrictOptions());
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(RenderEhlo(ok.ehlo), "domain=m.example greeting=hi caps=[DSN()]");
  EXPECT_TRUE(ok.ehlo.reply == good.reply);
}

// The line-by-line checker the stream uses: spans, not views, for the
// domain and greeting (the lines may come from several chunks); after the
// first error later lines are not looked at; deviations are those before it.
TEST(EhloLineCheckerTest, LineByLine) {
  const Options lenient = LenientOptions();
  EhloLineChecker checker(lenient);
  checker.AddLine(EhloLineText("250-mx.example hello there"), 4);
  ASSERT_TRUE(checker.ok());
  EXPECT_EQ(checker.domain().offset, 4u);
  EXPECT_EQ(checker.domain().size, 10u);
  EXPECT_EQ(checker.greeting().offset, 15u);
  EXPECT_EQ(checker.greeting().size, 11u);
  checker.AddLine("SIZE 10 ", 32);  // trailing space: a deviation in lenient
  EXPECT_TRUE(checker.ok());
  EXPECT_EQ(DeviationNames(checker.deviations()), "trailing_space");
  checker.AddLine("X_Y", 46);
  EXPECT_EQ(checker.error(), (Error{E::kBadKeyword, 47}));
  checker.AddLine("-bad", 55);  // not looked at
  EXPECT_EQ(checker.error(), (Error{E::kBadKeyword, 47}));
  EXPECT_EQ(DeviationNames(checker.deviations()), "trailing_space");
  checker.Reset();
  EXPECT_TRUE(checker.ok());
  EXPECT_EQ(checker.deviations(), Deviations{});
  checker.AddLine(EhloLineText("250 mx"), EhloLineTextOffset("250 mx"));
  ASSERT_TRUE(checker.ok());
  EXPECT_EQ(checker.domain().offset, 4u);
  EXPECT_EQ(checker.greeting().size, 0u);
  EXPECT_EQ(EhloLineText("250"), "");
  EXPECT_EQ(EhloLineTextOffset("250"), 3u);
  EXPECT_EQ(EhloLineTextOffset("250 "), 4u);
}

// SPEC section 4 in EHLO replies: strict reads trailing white space as
// content, so an earlier bad octet on the line comes first; a SP that could
// still begin a parameter or greeting fails at the line end.
TEST(EhloReplyTest, FirstOffendingOctet) {
  const Options lenient = LenientOptions();
  const std::vector<Row> rows = {
      Err("250-mx\r\n250 X_Y \r\n", E::kBadKeyword, 13),
      Err("250-mx\r\n250 X_Y \r\n", E::kBadKeyword, 13, lenient),
      Err("250-mx\r\n250 -X\r\n", E::kBadKeyword, 12),
      Err("250-mx\r\n250 X \r\n", E::kBadKeyword, 14),
      Err("250-mx\r\n250 X  Y\r\n", E::kBadKeyword, 14),
      Err("250-mx\r\n250 X\t\r\n", E::kBadKeyword, 13),
      Err("250-mx\r\n250 AUTH=PLAIN\r\n", E::kBadKeyword, 16),
      Err("250-mx\r\n250 AUTH=\r\n", E::kBadKeyword, 17, lenient),
      Err("250 mx \r\n", E::kSyntax, 7),
      Err("250 mx\t\r\n", E::kSyntax, 6),
      Err("250 a-.b\r\n", E::kBadDomain, 6),
      Err("250 mx. hi\r\n", E::kBadDomain, 7),
      Err("250 -mx hi\r\n", E::kBadDomain, 4),
      // An EHLO error on an earlier line comes before a reply error later.
      Err("250-mx\r\n250-X_Y\r\n251 a\r\n", E::kBadKeyword, 13),
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(Escape(row.text) + (row.options.lenient() ? " [lenient]" : ""));
    const EhloResult result = ParseEhloReply(row.text, row.options);
    EXPECT_EQ(result.error.code, row.code) << "at " << result.error.offset;
    EXPECT_EQ(result.error.offset, row.offset);
  }
}

// FirstEhloError: the first EHLO grammar error in the complete lines before a
// later line that failed; offsets relative to `lines`.
TEST(FirstEhloErrorTest, EarliestErrorOfTheCompleteLines) {
  EXPECT_EQ(FirstEhloError("", 0, StrictOptions()).error, Error{});
  EXPECT_EQ(FirstEhloError("250-mx.example\r\n250-SIZE 10\r\n", 2, StrictOptions()).error, Error{});
  EXPECT_EQ(FirstEhloError("250-mx..example\r\n250-SIZE 10\r\n", 2, StrictOptions()).error,
            (Error{E::kBadDomain, 7}));
  EXPECT_EQ(FirstEhloError("250-mx.example\r\n250-SI_ZE\r\n", 2, StrictOptions()).error,
            (Error{E::kBadKeyword, 22}));
}

}  // namespace
}  // namespace smtp
