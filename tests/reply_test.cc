// Tests for smtp/reply.h: reply lines, codes, separators, multi-line replies,
// the line-count limit and enhanced status codes (RFC 5321 4.2, RFC 3463).
#include "smtp/reply.h"

#include <cstddef>
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
using testing_util::RenderReply;
using testing_util::Repeat;
using testing_util::StrictOptions;
using testing_util::Utf8Options;

using E = ErrorCode;

struct LineRow {
  std::string line;  // with its terminator
  Options options;
  ErrorCode code;
  std::size_t offset;
  std::uint16_t reply_code;
  bool continued;
  std::string text;
  Deviations deviations;
};

LineRow Ok(std::string line, std::uint16_t code, bool continued, std::string text) {
  return {std::move(line), StrictOptions(), E::kOk, 0, code, continued, std::move(text), {}};
}
LineRow Err(std::string line, ErrorCode code, std::size_t offset, Options o = StrictOptions()) {
  return {std::move(line), o, code, offset, 0, false, "", {}};
}

TEST(ReplyLineTest, Table) {
  const Options lenient = LenientOptions();
  Options small = StrictOptions();
  small.max_reply_line = 10;
  const std::vector<LineRow> rows = {
      Ok("250 OK\r\n", 250, false, "OK"),
      Ok("250-SIZE 1000\r\n", 250, true, "SIZE 1000"),
      Ok("250\r\n", 250, false, ""),
      Ok("250-\r\n", 250, true, ""),
      Ok("220 mail.example.test ESMTP\r\n", 220, false, "mail.example.test ESMTP"),
      // Reply-code = %x32-35 %x30-35 %x30-39: every boundary.
      Ok("200 x\r\n", 200, false, "x"),
      Ok("559 x\r\n", 559, false, "x"),
      Ok("354 go\r\n", 354, false, "go"),
      Ok("421 bye\r\n", 421, false, "bye"),
      Err("199 x\r\n", E::kBadReplyCode, 0),
      Err("600 x\r\n", E::kBadReplyCode, 0),
      Err("099 x\r\n", E::kBadReplyCode, 0),
      Err("260 x\r\n", E::kBadReplyCode, 1),
      Err("2a0 x\r\n", E::kBadReplyCode, 1),
      Err("25a x\r\n", E::kBadReplyCode, 2),
      Err("25\r\n", E::kBadReplyCode, 2),
      Err("2\r\n", E::kBadReplyCode, 1),
      Err("\r\n", E::kBadReplyCode, 0),
      Err(" 250 x\r\n", E::kBadReplyCode, 0),
      // The octet after the code.
      Err("250x\r\n", E::kBadSeparator, 3),
      Err("250\tx\r\n", E::kBadSeparator, 3),
      Err("2500 x\r\n", E::kBadSeparator, 3),
      Err("250_x\r\n", E::kBadSeparator, 3),
      // textstring = 1*(HT / %d32-126): any spacing inside the text is fine.
      Ok("250 a\tb\r\n", 250, false, "a\tb"),
      Ok("250  leading\r\n", 250, false, " leading"),
      Ok("250 trailing \r\n", 250, false, "trailing "),
      Ok("250- 29 byte chunk, total 29\r\n", 250, true, " 29 byte chunk, total 29"),
      Ok("250 ~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}\r\n", 250, false,
         "~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}"),
      // "250 " with no text is valid (issue 10): RFC 5321 section 4.2 "followed
      // immediately by <SP>, optionally some text"; RFC 4954 continue-req
      // "334" SP [base64]. The text is "", in both policies, no deviation.
      Ok("250 \r\n", 250, false, ""),
      Ok("334 \r\n", 334, false, ""),
      Ok("250-\r\n", 250, true, ""),
      Ok("250-\t\r\n", 250, true, "\t"),
      {"250 \r\n", lenient, E::kOk, 0, 250, false, "", {}},
      {"334 \n", lenient, E::kOk, 0, 334, false, "", DeviationSet({Deviation::kBareLf})},
      // Octets.
      Err("250 a\x01\r\n", E::kBadChar, 5),
      Err(std::string("250 a\x00\r\n", 8), E::kBadChar, 5),
      Err(std::string("250 a\x00\r\n", 8), E::kBadChar, 5, lenient),
      Err("250 caf\xc3\xa9\r\n", E::kBadChar, 7),
      {"250 caf\xc3\xa9\r\n", Utf8Options(), E::kOk, 0, 250, false, "caf\xc3\xa9", {}},
      Err("250 caf\xc3\r\n", E::kBadChar, 7, Utf8Options()),
      Err("250 a\rb\r\n", E::kBareCr, 5),
      // Line ends.
      Err("250 OK", E::kIncomplete, 6),
      Err("250 OK\n", E::kBareLf, 6),
      {"250 OK\n", lenient, E::kOk, 0, 250, false, "OK", DeviationSet({Deviation::kBareLf})},
      Err("250 OK\r\nX", E::kSyntax, 8),
      // Limits.
      {"250 123456\r\n", small, E::kLineTooLong, 10, 0, false, "", {}},
      {"250 12345\r\n", small, E::kLineTooLong, 10, 0, false, "", {}},
      {"250 1234\r\n", small, E::kOk, 0, 250, false, "1234", {}},
      Ok("250 " + Repeat('x', 506) + "\r\n", 250, false, Repeat('x', 506)),
      Err("250 " + Repeat('x', 507) + "\r\n", E::kLineTooLong, 512),
  };
  for (const LineRow& row : rows) {
    SCOPED_TRACE(Escape(row.line.substr(0, 60)) + (row.options.lenient() ? " [lenient]" : ""));
    const ReplyLineResult result = ParseReplyLine(row.line, row.options);
    EXPECT_EQ(result.error.code, row.code) << "at " << result.error.offset;
    if (row.code != E::kOk) {
      EXPECT_EQ(result.error.offset, row.offset);
      continue;
    }
    EXPECT_EQ(result.line.code, row.reply_code);
    EXPECT_EQ(result.line.continued, row.continued);
    EXPECT_EQ(result.line.text, row.text);
    EXPECT_EQ(DeviationNames(result.deviations), DeviationNames(row.deviations));
  }
}

TEST(ReplyLineTest, ContentEntryPointAgrees) {
  const ReplyLineResult a = ParseReplyLineContent("250-PIPELINING", StrictOptions());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.line, (ReplyLine{250, true, "PIPELINING"}));
  const ReplyLineResult b = ParseReplyLineContent("25x", StrictOptions());
  EXPECT_EQ(b.error, (Error{E::kBadReplyCode, 2}));
}

struct ReplyRow {
  std::string text;
  Options options;
  ErrorCode code;
  std::size_t offset;
  std::string rendered;  // RenderReply when ok
  Deviations deviations;
};

ReplyRow ReplyOk(std::string text, std::string rendered) {
  return {std::move(text), StrictOptions(), E::kOk, 0, std::move(rendered), {}};
}
ReplyRow ReplyErr(std::string text, ErrorCode code, std::size_t offset) {
  return {std::move(text), StrictOptions(), code, offset, "", {}};
}

void RunReplyRows(const std::vector<ReplyRow>& rows) {
  for (const ReplyRow& row : rows) {
    SCOPED_TRACE(Escape(row.text.substr(0, 120)) + (row.options.lenient() ? " [lenient]" : ""));
    const ReplyResult result = ParseReply(row.text, row.options);
    EXPECT_EQ(result.error.code, row.code) << "at " << result.error.offset;
    if (row.code != E::kOk) {
      EXPECT_EQ(result.error.offset, row.offset);
      continue;
    }
    EXPECT_EQ(RenderReply(result.reply), row.rendered);
    EXPECT_EQ(DeviationNames(result.deviations), DeviationNames(row.deviations));
  }
}

TEST(ReplyTest, MultiLine) {
  RunReplyRows({
      ReplyOk("250 OK\r\n", "code=250 lines=[OK]"),
      ReplyOk("250-a\r\n250-b\r\n250 c\r\n", "code=250 lines=[a|b|c]"),
      ReplyOk("250-\r\n250\r\n", "code=250 lines=[|]"),
      // CVE-2020-8794 shape: valid as a plain reply, two lines.
      ReplyOk("250-x\r\n250\r\n", "code=250 lines=[x|]"),
      ReplyOk("214-Commands supported:\r\n214 AUTH HELO EHLO\r\n",
              "code=214 lines=[Commands supported:|AUTH HELO EHLO]"),
      // The same code on every line.
      ReplyErr("250-a\r\n251 b\r\n", E::kCodeMismatch, 7),
      ReplyErr("250-a\r\n250-b\r\n550 c\r\n", E::kCodeMismatch, 14),
      // An error on a later line is reported with its offset in the input.
      ReplyErr("250-a\r\n25x b\r\n", E::kBadReplyCode, 9),
      ReplyErr("250-a\r\n250?b\r\n", E::kBadSeparator, 10),
      ReplyErr("250-a\r\n250 \x01\r\n", E::kBadChar, 11),
      ReplyErr("250-a\r\n250 b\n", E::kBareLf, 12),
      ReplyOk("250-a\r\n250 \r\n", "code=250 lines=[a|]"),
      ReplyOk("334 \r\n", "code=334 lines=[]"),
      // Unfinished, and bytes after the last line.
      ReplyErr("250-a\r\n", E::kIncomplete, 7),
      ReplyErr("250-a\r\n250 b", E::kIncomplete, 12),
      ReplyErr("", E::kIncomplete, 0),
      ReplyErr("250 a\r\n250 b\r\n", E::kSyntax, 7),
      ReplyErr("250 a\r\nx", E::kSyntax, 7),
      {"250-a\n250 \r\n", LenientOptions(), E::kOk, 0, "code=250 lines=[a|]",
       DeviationSet({Deviation::kBareLf})},
  });
}

std::string Lines(std::size_t n, std::uint16_t code = 250) {
  std::string out;
  const std::string c = std::to_string(code);
  for (std::size_t i = 1; i < n; ++i)
    out += c + "-l\r\n";
  out += c + " l\r\n";
  return out;
}

TEST(ReplyTest, ThousandLinesAndOneMore) {
  const ReplyResult ok = ParseReply(Lines(1000), StrictOptions());
  ASSERT_TRUE(ok.ok()) << testing_util::ErrorString(ok.error);
  EXPECT_EQ(ok.reply.lines.size(), 1000u);
  const ReplyResult over = ParseReply(Lines(1001), StrictOptions());
  EXPECT_EQ(over.error, (Error{E::kTooManyLines, 1000 * 7}));
  Options three = StrictOptions();
  three.max_reply_lines = 3;
  EXPECT_TRUE(ParseReply(Lines(3), three).ok());
  EXPECT_EQ(ParseReply(Lines(4), three).error, (Error{E::kTooManyLines, 21}));
  EXPECT_EQ(ParseReply(Lines(4), LenientOptions()).error.code, E::kOk);
}

TEST(ReplyTest, LinesIterateLazilyOverTheInput) {
  const std::string text = "250-first\r\n250-\r\n250 last one\r\n";
  const ReplyResult r = ParseReply(text, StrictOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.reply.code, 250);
  EXPECT_EQ(r.reply.lines.size(), 3u);
  EXPECT_EQ(r.reply.lines.raw(), text);
  std::vector<std::string_view> lines(r.reply.lines.begin(), r.reply.lines.end());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "first");
  EXPECT_EQ(lines[0].data(), text.data() + 4);
  EXPECT_EQ(lines[1], "");
  EXPECT_EQ(lines[2], "last one");
  // Equality compares the content, not the buffer.
  const std::string copy = text;
  const ReplyResult again = ParseReply(copy, StrictOptions());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(r.reply == again.reply);
  const ReplyResult other = ParseReply("250-first\r\n250-\r\n250 last two\r\n", StrictOptions());
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(r.reply == other.reply);
}

TEST(EnhancedCodeTest, InReplies) {
  RunReplyRows({
      ReplyOk("250 2.1.0 Ok\r\n", "code=250 lines=[2.1.0 Ok] enhanced=2.1.0"),
      ReplyOk("550 5.7.1 Relaying denied\r\n",
              "code=550 lines=[5.7.1 Relaying denied] enhanced=5.7.1"),
      ReplyOk("451 4.3.0\r\n", "code=451 lines=[4.3.0] enhanced=4.3.0"),
      ReplyOk("250 2.999.999 x\r\n", "code=250 lines=[2.999.999 x] enhanced=2.999.999"),
      ReplyOk("250-2.0.0 first\r\n250 2.0.0 second\r\n",
              "code=250 lines=[2.0.0 first|2.0.0 second] enhanced=2.0.0"),
      // Only the first line's text counts.
      ReplyOk("250-first\r\n250 2.0.0 second\r\n", "code=250 lines=[first|2.0.0 second]"),
      // Class must equal the reply code's first digit, and be 2, 4 or 5.
      ReplyOk("250 5.1.0 x\r\n", "code=250 lines=[5.1.0 x]"),
      ReplyOk("354 3.0.0 go\r\n", "code=354 lines=[3.0.0 go]"),
      // Subject and detail 1-3 digits, then SP or the end of the text.
      ReplyOk("250 2.1000.0 x\r\n", "code=250 lines=[2.1000.0 x]"),
      ReplyOk("250 2.1.1000 x\r\n", "code=250 lines=[2.1.1000 x]"),
      ReplyOk("250 2.1.0x\r\n", "code=250 lines=[2.1.0x]"),
      ReplyOk("250 2.1. x\r\n", "code=250 lines=[2.1. x]"),
      ReplyOk("250 2..0 x\r\n", "code=250 lines=[2..0 x]"),
      ReplyOk("250 2.1.0: x\r\n", "code=250 lines=[2.1.0: x]"),
      ReplyOk("250 02.1.0 x\r\n", "code=250 lines=[02.1.0 x]"),
      ReplyOk("459 <localhost>: service unavailable\r\n",
              "code=459 lines=[<localhost>: service unavailable]"),
  });
}

TEST(EnhancedCodeTest, ParseEnhancedCodeFields) {
  EnhancedCode code;
  ASSERT_TRUE(ParseEnhancedCode(550, "5.7.1 denied", &code));
  EXPECT_EQ(code, (EnhancedCode{5, 7, 1, "5.7.1"}));
  ASSERT_TRUE(ParseEnhancedCode(250, "2.0.0", &code));
  EXPECT_EQ(code, (EnhancedCode{2, 0, 0, "2.0.0"}));
  ASSERT_TRUE(ParseEnhancedCode(421, "4.999.123 x", &code));
  EXPECT_EQ(code, (EnhancedCode{4, 999, 123, "4.999.123"}));
  EXPECT_FALSE(ParseEnhancedCode(250, "4.0.0 x", &code));
  EXPECT_FALSE(ParseEnhancedCode(354, "3.0.0 x", &code));
  EXPECT_FALSE(ParseEnhancedCode(250, "2.0", &code));
  EXPECT_FALSE(ParseEnhancedCode(250, "", &code));
  EXPECT_FALSE(ParseEnhancedCode(250, "2.0.0.0", &code));
}

TEST(ReplyAssemblerTest, BuildsRepliesLineByLine) {
  const Options options = StrictOptions();
  ReplyAssembler assembler(options);
  EXPECT_EQ(assembler.AddLine("250-a", 100), ReplyAssembler::Step::kMore);
  EXPECT_EQ(assembler.code(), 250);
  EXPECT_EQ(assembler.AddLine("250-b", 107), ReplyAssembler::Step::kMore);
  EXPECT_EQ(assembler.AddLine("250 c", 114), ReplyAssembler::Step::kDone);
  EXPECT_EQ(assembler.line_count(), 3u);
  EXPECT_TRUE(assembler.error().ok());
  assembler.Reset();
  EXPECT_EQ(assembler.line_count(), 0u);
  EXPECT_EQ(assembler.AddLine("250-a", 100), ReplyAssembler::Step::kMore);
  EXPECT_EQ(assembler.AddLine("550 b", 107), ReplyAssembler::Step::kFailed);
  EXPECT_EQ(assembler.error(), (Error{E::kCodeMismatch, 107}));
  assembler.Reset();
  EXPECT_EQ(assembler.AddLine("25x", 40), ReplyAssembler::Step::kFailed);
  EXPECT_EQ(assembler.error(), (Error{E::kBadReplyCode, 42}));
  assembler.Reset();
  EXPECT_TRUE(assembler.error().ok());
  EXPECT_EQ(assembler.Fail(Error{E::kBareLf, 9}), ReplyAssembler::Step::kFailed);
  EXPECT_EQ(assembler.error(), (Error{E::kBareLf, 9}));
}

TEST(ReplyAssemblerTest, EnforcesTheLineLimit) {
  Options options = StrictOptions();
  options.max_reply_lines = 2;
  ReplyAssembler assembler(options);
  EXPECT_EQ(assembler.AddLine("250-a", 0), ReplyAssembler::Step::kMore);
  EXPECT_EQ(assembler.AddLine("250-b", 7), ReplyAssembler::Step::kMore);
  EXPECT_EQ(assembler.AddLine("250 c", 14), ReplyAssembler::Step::kFailed);
  EXPECT_EQ(assembler.error(), (Error{E::kTooManyLines, 14}));
}

// SPEC section 4: within a reply the smallest offset wins; a continuation
// line whose code differs is code_mismatch at its first octet, before any
// later error on that line, when the first differing octet is a valid code
// digit there (else the line's own bad_reply_code at that octet).
TEST(ReplyTest, CodeMismatchComesBeforeLaterErrorsOnItsLine) {
  RunReplyRows({
      ReplyErr("211-\r\n251a\r\n", E::kCodeMismatch, 6),
      ReplyErr("211-\r\n210 \r\n", E::kCodeMismatch, 6),
      ReplyErr("211-\r\n311\tx\r\n", E::kCodeMismatch, 6),
      ReplyErr("211-\r\n212-\r\n", E::kCodeMismatch, 6),
      ReplyErr("211-\r\n2x1 a\r\n", E::kBadReplyCode, 7),
      ReplyErr("211-\r\n611 a\r\n", E::kBadReplyCode, 6),
      ReplyErr("211-\r\n21\r\n", E::kBadReplyCode, 8),
      ReplyErr("211-\r\n211x\r\n", E::kBadSeparator, 9),
      ReplyErr("211-a\r\n211-b\r\n2125c\r\n", E::kCodeMismatch, 14),
  });
}

// operator== of the value types compares every field.
TEST(ReplyEqualityTest, EveryFieldCounts) {
  const ReplyLine line{250, true, "SIZE 10"};
  EXPECT_TRUE(line == (ReplyLine{250, true, "SIZE 10"}));
  EXPECT_FALSE(line == (ReplyLine{251, true, "SIZE 10"}));
  EXPECT_FALSE(line == (ReplyLine{250, false, "SIZE 10"}));
  EXPECT_FALSE(line == (ReplyLine{250, true, "SIZE 11"}));
  const EnhancedCode code{2, 1, 0, "2.1.0"};
  EXPECT_TRUE(code == (EnhancedCode{2, 1, 0, "2.1.0"}));
  EXPECT_FALSE(code == (EnhancedCode{4, 1, 0, "2.1.0"}));
  EXPECT_FALSE(code == (EnhancedCode{2, 2, 0, "2.1.0"}));
  EXPECT_FALSE(code == (EnhancedCode{2, 1, 1, "2.1.0"}));
  EXPECT_FALSE(code == (EnhancedCode{2, 1, 0, "2.1.00"}));
}

// Reply's operator== compares code, enhanced code and every line's text.
TEST(ReplyEqualityTest, CodeEnhancedCodeAndLinesCount) {
  const std::string_view inputs[] = {
      "250 ok\r\n",           "251 ok\r\n",           "250 2.1.0 ok\r\n", "250 2.1.5 ok\r\n",
      "250-ok\r\n250 ok\r\n", "250-ok\r\n250 ko\r\n", "250 ko\r\n",
  };
  for (std::size_t i = 0; i < std::size(inputs); ++i) {
    for (std::size_t j = 0; j < std::size(inputs); ++j) {
      SCOPED_TRACE(Escape(inputs[i]) + " vs " + Escape(inputs[j]));
      const ReplyResult a = ParseReply(inputs[i], StrictOptions());
      const ReplyResult b = ParseReply(inputs[j], StrictOptions());
      ASSERT_TRUE(a.ok());
      ASSERT_TRUE(b.ok());
      EXPECT_EQ(a.reply == b.reply, i == j);
    }
  }
}

// ReplyLines iterators are equal when both are done or both stand at the
// same line of the same reply.
TEST(ReplyLinesTest, IteratorsCompareByPosition) {
  const ReplyResult r = ParseReply("250-a\r\n250 b\r\n", StrictOptions());
  ASSERT_TRUE(r.ok());
  const ReplyLines& lines = r.reply.lines;
  ReplyLines::Iterator first = lines.begin();
  ReplyLines::Iterator second = lines.begin();
  ++second;
  EXPECT_EQ(*first, "a");
  EXPECT_EQ(*second, "b");
  EXPECT_TRUE(first == lines.begin());  // both at the first line
  EXPECT_FALSE(first == second);        // different lines
  EXPECT_FALSE(first == lines.end());   // one done, one not
  EXPECT_FALSE(lines.end() == second);
  ++second;
  EXPECT_TRUE(second == lines.end());                // both done
  EXPECT_TRUE(ReplyLines().begin() == lines.end());  // no lines: done at once
  EXPECT_EQ(ReplyLines().size(), 0u);
}

}  // namespace
}  // namespace smtp
