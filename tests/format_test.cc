// Tests for smtp/format.h: what the formatter writes parses back to the same
// value, and it refuses whatever the strict grammar rejects.
#include "smtp/format.h"

#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace smtp {
namespace {

using testing_util::Escape;
using testing_util::RenderCommand;
using testing_util::RenderEhlo;
using testing_util::RenderReply;
using testing_util::StrictOptions;
using testing_util::Utf8Options;

TEST(FormatCommandTest, RoundTripsEveryParsedCommand) {
  const std::string_view lines[] = {
      "EHLO client.example.com\r\n",
      "HELO a\r\n",
      "EHLO [192.0.2.1]\r\n",
      "EHLO [IPv6:2001:db8::1]\r\n",
      "MAIL FROM:<a@b.example> SIZE=10 BODY=8BITMIME\r\n",
      "MAIL FROM:<>\r\n",
      "MAIL FROM:<\"john doe\"@example.com>\r\n",
      "RCPT TO:<Postmaster>\r\n",
      "RCPT TO:<c@d> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;c@d\r\n",
      "DATA\r\n",
      "BDAT 29 LAST\r\n",
      "BDAT 0\r\n",
      "RSET\r\n",
      "VRFY root\r\n",
      "EXPN staff SMTPUTF8\r\n",
      "HELP\r\n",
      "HELP MAIL\r\n",
      "NOOP\r\n",
      "NOOP x\r\n",
      "QUIT\r\n",
      "STARTTLS\r\n",
      "AUTH PLAIN\r\n",
      "AUTH PLAIN AHVzZXIAcGFzcw==\r\n",
      "AUTH LOGIN =\r\n",
  };
  for (std::string_view line : lines) {
    SCOPED_TRACE(Escape(line));
    const CommandResult parsed = ParseCommand(line, StrictOptions());
    ASSERT_TRUE(parsed.ok()) << testing_util::ErrorString(parsed.error);
    std::string out = "prefix:";
    const Error error = FormatCommand(parsed.command, StrictOptions(), &out);
    ASSERT_TRUE(error.ok()) << testing_util::ErrorString(error);
    ASSERT_EQ(out.substr(0, 7), "prefix:");  // appends
    const std::string written = out.substr(7);
    ASSERT_TRUE(written.ends_with("\r\n"));
    const CommandResult again = ParseCommand(written, StrictOptions());
    ASSERT_TRUE(again.ok()) << Escape(written);
    EXPECT_EQ(RenderCommand(again.command), RenderCommand(parsed.command)) << Escape(written);
    EXPECT_TRUE(again.command == parsed.command) << Escape(written);
  }
}

TEST(FormatCommandTest, WritesTheCanonicalForm) {
  Command c;
  c.verb = Verb::kMail;
  c.path = "a@b.example";
  c.params = ParamList("SIZE=10");
  std::string out;
  ASSERT_TRUE(FormatCommand(c, StrictOptions(), &out).ok());
  EXPECT_EQ(out, "MAIL FROM:<a@b.example> SIZE=10\r\n");
  Command rcpt;
  rcpt.verb = Verb::kRcpt;
  rcpt.path = "c@d";
  out.clear();
  ASSERT_TRUE(FormatCommand(rcpt, StrictOptions(), &out).ok());
  EXPECT_EQ(out, "RCPT TO:<c@d>\r\n");
  Command ehlo;
  ehlo.verb = Verb::kEhlo;
  ehlo.host_type = HostType::kIpv6;
  ehlo.host = "::1";
  out.clear();
  ASSERT_TRUE(FormatCommand(ehlo, StrictOptions(), &out).ok());
  EXPECT_EQ(out, "EHLO [IPv6:::1]\r\n");
  Command bdat;
  bdat.verb = Verb::kBdat;
  bdat.bdat_size = 18446744073709551615u;
  bdat.bdat_last = true;
  out.clear();
  ASSERT_TRUE(FormatCommand(bdat, StrictOptions(), &out).ok());
  EXPECT_EQ(out, "BDAT 18446744073709551615 LAST\r\n");
}

TEST(FormatCommandTest, RefusesWhatStrictRejects) {
  struct Bad {
    const char* what;
    Command command;
  };
  std::vector<Bad> bad;
  {
    Command c;
    c.verb = Verb::kEhlo;
    c.host = "bad_domain";
    bad.push_back({"bad domain", c});
  }
  {
    Command c;
    c.verb = Verb::kEhlo;
    c.host = "a.example\r\nMAIL FROM:<x@y>";
    bad.push_back({"CRLF injection in the domain", c});
  }
  {
    Command c;
    c.verb = Verb::kMail;
    c.path = "a@b>\r\nRCPT TO:<x@y";
    bad.push_back({"CRLF injection in the path", c});
  }
  {
    Command c;
    c.verb = Verb::kMail;
    c.path = ";cmd;";
    bad.push_back({"bad path", c});
  }
  {
    Command c;
    c.verb = Verb::kRcpt;
    c.path = "";
    bad.push_back({"RCPT TO:<>", c});
  }
  {
    Command c;
    c.verb = Verb::kMail;
    c.path = "a@b";
    c.params = ParamList("SIZE=x");
    bad.push_back({"bad SIZE", c});
  }
  {
    Command c;
    c.verb = Verb::kNoop;
    c.has_argument = true;
    c.argument = std::string_view("a\0b", 3);
    bad.push_back({"NUL in the argument", c});
  }
  {
    Command c;
    c.verb = Verb::kHelo;
    c.host_type = HostType::kIpv4;
    c.host = "192.0.2.1";
    bad.push_back({"HELO with an address literal", c});
  }
  {
    Command c;
    c.verb = Verb::kUnknown;
    bad.push_back({"unknown verb", c});
  }
  const std::string long_local = std::string(65, 'l') + "@x";
  {
    Command c;
    c.verb = Verb::kMail;
    c.path = long_local;
    bad.push_back({"local part of 65 octets", c});
  }
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.what);
    std::string out = "keep";
    const Error error = FormatCommand(b.command, StrictOptions(), &out);
    EXPECT_FALSE(error.ok());
    EXPECT_EQ(out, "keep");
  }
}

TEST(FormatCommandTest, Utf8NeedsTheOption) {
  Command c;
  c.verb = Verb::kMail;
  c.path = "j\xc3\xbcrgen@example.com";
  std::string out;
  EXPECT_EQ(FormatCommand(c, StrictOptions(), &out).code, ErrorCode::kBadChar);
  EXPECT_EQ(out, "");
  ASSERT_TRUE(FormatCommand(c, Utf8Options(), &out).ok());
  EXPECT_EQ(out, "MAIL FROM:<j\xc3\xbcrgen@example.com>\r\n");
}

TEST(FormatReplyTest, SingleAndMultiLine) {
  std::string out;
  ASSERT_TRUE(FormatReply(250, {"OK"}, StrictOptions(), &out).ok());
  EXPECT_EQ(out, "250 OK\r\n");
  out.clear();
  ASSERT_TRUE(FormatReply(250, {"a", "", "2.0.0 c"}, StrictOptions(), &out).ok());
  EXPECT_EQ(out, "250-a\r\n250-\r\n250 2.0.0 c\r\n");
  out.clear();
  const std::vector<std::string_view> lines = {"x", "y"};
  ASSERT_TRUE(
      FormatReply(451, std::span<const std::string_view>(lines), StrictOptions(), &out).ok());
  EXPECT_EQ(out, "451-x\r\n451 y\r\n");
  out.clear();
  ASSERT_TRUE(FormatReply(250, {""}, StrictOptions(), &out).ok());
  EXPECT_EQ(out, "250\r\n");
}

TEST(FormatReplyTest, RefusesWhatStrictRejects) {
  // The reader's error, with its offset in the written reply.
  struct Bad {
    std::uint16_t code;
    std::vector<std::string_view> lines;
    Error error;
  };
  const Bad bad[] = {
      {199, {"x"}, {ErrorCode::kBadReplyCode, 0}},
      {600, {"x"}, {ErrorCode::kBadReplyCode, 0}},
      {260, {"x"}, {ErrorCode::kBadReplyCode, 1}},
      {250, {}, {ErrorCode::kSyntax, 0}},
      {250, {"a\r\n250 b"}, {ErrorCode::kSyntax, 7}},
      {250, {"a\nb"}, {ErrorCode::kBareLf, 5}},
      {250, {std::string_view("a\0b", 3)}, {ErrorCode::kBadChar, 5}},
      {250, {"caf\xc3\xa9"}, {ErrorCode::kBadChar, 7}},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(std::to_string(b.code) + " " +
                 (b.lines.empty() ? "(no lines)" : Escape(b.lines[0])));
    std::string out = "keep";
    EXPECT_EQ(
        FormatReply(b.code, std::span<const std::string_view>(b.lines), StrictOptions(), &out),
        b.error);
    EXPECT_EQ(out, "keep");
  }
  std::string out;
  EXPECT_TRUE(FormatReply(250, {"caf\xc3\xa9"}, Utf8Options(), &out).ok());
  // 1001 lines is over the default limit.
  const std::vector<std::string_view> many(1001, "l");
  out.clear();
  EXPECT_FALSE(
      FormatReply(250, std::span<const std::string_view>(many), StrictOptions(), &out).ok());
  EXPECT_EQ(out, "");
  const std::vector<std::string_view> thousand(1000, "l");
  EXPECT_TRUE(
      FormatReply(250, std::span<const std::string_view>(thousand), StrictOptions(), &out).ok());
}

TEST(FormatReplyTest, ParsedReplyRoundTrips) {
  const std::string text = "250-first\r\n250-\r\n250 2.0.0 last\r\n";
  const ReplyResult parsed = ParseReply(text, StrictOptions());
  ASSERT_TRUE(parsed.ok());
  std::string out;
  ASSERT_TRUE(FormatReply(parsed.reply, StrictOptions(), &out).ok());
  EXPECT_EQ(out, text);
  const ReplyResult again = ParseReply(out, StrictOptions());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(RenderReply(again.reply), RenderReply(parsed.reply));
}

TEST(FormatEhloReplyTest, WritesAndParsesBack) {
  const std::vector<std::string_view> caps = {"PIPELINING", "SIZE 10240000", "AUTH PLAIN LOGIN"};
  std::string out;
  ASSERT_TRUE(FormatEhloReply("mail.example", "hello", std::span<const std::string_view>(caps),
                              StrictOptions(), &out)
                  .ok());
  EXPECT_EQ(out,
            "250-mail.example hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
            "250 AUTH PLAIN LOGIN\r\n");
  const EhloResult parsed = ParseEhloReply(out, StrictOptions());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(RenderEhlo(parsed.ehlo),
            "domain=mail.example greeting=hello caps=[PIPELINING();SIZE(10240000);AUTH(PLAIN,"
            "LOGIN)]");
  out.clear();
  ASSERT_TRUE(FormatEhloReply("m.example", "", {}, StrictOptions(), &out).ok());
  EXPECT_EQ(out, "250 m.example\r\n");
}

TEST(FormatEhloReplyTest, RefusesBadDomainsAndKeywords) {
  std::string out = "keep";
  const std::vector<std::string_view> none;
  EXPECT_FALSE(FormatEhloReply("bad_domain", "", none, StrictOptions(), &out).ok());
  const std::vector<std::string_view> old_auth = {"AUTH=LOGIN"};
  EXPECT_FALSE(FormatEhloReply("m.example", "", std::span<const std::string_view>(old_auth),
                               StrictOptions(), &out)
                   .ok());
  const std::vector<std::string_view> trailing = {"PIPELINING "};
  EXPECT_FALSE(FormatEhloReply("m.example", "", std::span<const std::string_view>(trailing),
                               StrictOptions(), &out)
                   .ok());
  const std::vector<std::string_view> injected = {"X\r\n250 Y"};
  EXPECT_FALSE(FormatEhloReply("m.example", "", std::span<const std::string_view>(injected),
                               StrictOptions(), &out)
                   .ok());
  EXPECT_EQ(out, "keep");
}

}  // namespace
}  // namespace smtp
