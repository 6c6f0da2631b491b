// Tests for smtp/line.h: CheckLine precedence (docs/decisions.md "Error
// precedence and offsets"), ScanOctets, and the LineFramer.
#include "smtp/line.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace smtp {
namespace {

using testing_util::DeviationSet;
using testing_util::Escape;
using testing_util::LenientOptions;
using testing_util::StrictOptions;
using testing_util::Utf8Options;

struct CheckRow {
  std::string_view line;
  std::size_t limit;
  Options options;
  ErrorCode code;
  std::size_t offset;
  std::string_view content;  // when ok
  LineEnd end;
  Deviations deviations;
};

const Options kStrict = StrictOptions();
const Options kLenient = LenientOptions();
const Options kUtf8 = Utf8Options();
constexpr Deviations kNone{};
const Deviations kBareLfDev = DeviationSet({Deviation::kBareLf});

std::vector<CheckRow> CheckRows() {
  using E = ErrorCode;
  return {
      {"NOOP\r\n", 512, kStrict, E::kOk, 0, "NOOP", LineEnd::kCrlf, kNone},
      {"\r\n", 512, kStrict, E::kOk, 0, "", LineEnd::kCrlf, kNone},
      {"a\tb\r\n", 512, kStrict, E::kOk, 0, "a\tb", LineEnd::kCrlf, kNone},
      {"~ !\r\n", 512, kStrict, E::kOk, 0, "~ !", LineEnd::kCrlf, kNone},
      // Framing: no LF at all.
      {"", 512, kStrict, E::kIncomplete, 0, "", LineEnd::kCrlf, kNone},
      {"NOOP", 512, kStrict, E::kIncomplete, 4, "", LineEnd::kCrlf, kNone},
      {"NOOP\r", 512, kStrict, E::kIncomplete, 5, "", LineEnd::kCrlf, kNone},
      {"NOOP\r\nX", 512, kStrict, E::kSyntax, 6, "", LineEnd::kCrlf, kNone},
      // Limits: a line of exactly the limit is accepted, one more is not, and
      // the error is at the first octet past the limit.
      {"abcdef\r\n", 8, kStrict, E::kOk, 0, "abcdef", LineEnd::kCrlf, kNone},
      {"abcdefg\r\n", 8, kStrict, E::kLineTooLong, 8, "", LineEnd::kCrlf, kNone},
      // A bare-LF line of exactly the limit fits; then the bare LF is the error.
      {"abcdefg\n", 8, kStrict, E::kBareLf, 7, "", LineEnd::kCrlf, kNone},
      // Over-long wins over everything else in the line.
      {std::string_view("\x01\x02\r\x00xxxx\n", 9), 8, kStrict, E::kLineTooLong, 8, "",
       LineEnd::kCrlf, kNone},
      // Bare LF: error at the LF (strict), deviation (lenient).
      {"NOOP\n", 512, kStrict, E::kBareLf, 4, "", LineEnd::kCrlf, kNone},
      {"\n", 512, kStrict, E::kBareLf, 0, "", LineEnd::kCrlf, kNone},
      {"NOOP\n", 512, kLenient, E::kOk, 0, "NOOP", LineEnd::kBareLf, kBareLfDev},
      {"\n", 512, kLenient, E::kOk, 0, "", LineEnd::kBareLf, kBareLfDev},
      // Bare LF is checked before the octets: NUL then bare LF.
      {std::string_view("\x00\n", 2), 512, kStrict, E::kBareLf, 1, "", LineEnd::kCrlf, kNone},
      {std::string_view("\x00\n", 2), 512, kLenient, E::kBadChar, 0, "", LineEnd::kCrlf, kNone},
      // Octets, left to right.
      {"NO\rOP\r\n", 512, kStrict, E::kBareCr, 2, "", LineEnd::kCrlf, kNone},
      {"NO\rOP\r\n", 512, kLenient, E::kBareCr, 2, "", LineEnd::kCrlf, kNone},
      {"NOOP\r\r\n", 512, kStrict, E::kBareCr, 4, "", LineEnd::kCrlf, kNone},
      {"\rNOOP\n", 512, kLenient, E::kBareCr, 0, "", LineEnd::kCrlf, kNone},
      {std::string_view("NO\x00OP\r\n", 7), 512, kStrict, E::kBadChar, 2, "", LineEnd::kCrlf,
       kNone},
      {std::string_view("NO\x00OP\r\n", 7), 512, kLenient, E::kBadChar, 2, "", LineEnd::kCrlf,
       kNone},
      {"NO\x01OP\r\n", 512, kStrict, E::kBadChar, 2, "", LineEnd::kCrlf, kNone},
      {"NOOP\x1f\r\n", 512, kStrict, E::kBadChar, 4, "", LineEnd::kCrlf, kNone},
      {"NOOP\x7f\r\n", 512, kStrict, E::kBadChar, 4, "", LineEnd::kCrlf, kNone},
      {"NOOP\x1b\r\n", 512, kStrict, E::kBadChar, 4, "", LineEnd::kCrlf, kNone},
      {"a\x01\rb\r\n", 512, kStrict, E::kBadChar, 1, "", LineEnd::kCrlf, kNone},
      {"a\r\x01\r\n", 512, kStrict, E::kBareCr, 1, "", LineEnd::kCrlf, kNone},
      // 8-bit: an error without utf8, well-formed UTF-8 with it.
      {"caf\xc3\xa9\r\n", 512, kStrict, E::kBadChar, 3, "", LineEnd::kCrlf, kNone},
      {"caf\xc3\xa9\r\n", 512, kLenient, E::kBadChar, 3, "", LineEnd::kCrlf, kNone},
      {"caf\xc3\xa9\r\n", 512, kUtf8, E::kOk, 0, "caf\xc3\xa9", LineEnd::kCrlf, kNone},
      {"\xe2\x82\xac \xf0\x9f\x98\x80\r\n", 512, kUtf8, E::kOk, 0, "\xe2\x82\xac \xf0\x9f\x98\x80",
       LineEnd::kCrlf, kNone},
      {"\xf4\x8f\xbf\xbf\r\n", 512, kUtf8, E::kOk, 0, "\xf4\x8f\xbf\xbf", LineEnd::kCrlf, kNone},
      // Malformed UTF-8 whose first octet cannot start a character.
      {"a\x80\r\n", 512, kUtf8, E::kBadChar, 1, "", LineEnd::kCrlf, kNone},
      {"ab\xbf\r\n", 512, kUtf8, E::kBadChar, 2, "", LineEnd::kCrlf, kNone},
      {"a\xc0\x80\r\n", 512, kUtf8, E::kBadChar, 1, "", LineEnd::kCrlf, kNone},
      {"a\xc1\xbf\r\n", 512, kUtf8, E::kBadChar, 1, "", LineEnd::kCrlf, kNone},
      {"a\xf5\x80\x80\x80\r\n", 512, kUtf8, E::kBadChar, 1, "", LineEnd::kCrlf, kNone},
      {"a\xff\r\n", 512, kUtf8, E::kBadChar, 1, "", LineEnd::kCrlf, kNone},
      {"a\xfe\r\n", 512, kUtf8, E::kBadChar, 1, "", LineEnd::kCrlf, kNone},
  };
}

TEST(CheckLineTest, Table) {
  for (const CheckRow& row : CheckRows()) {
    SCOPED_TRACE(Escape(row.line) + (row.options.lenient() ? " lenient" : " strict") +
                 (row.options.utf8 ? " utf8" : "") + " limit " + std::to_string(row.limit));
    const CheckedLine checked = CheckLine(row.line, row.limit, row.options);
    EXPECT_EQ(checked.error.code, row.code);
    if (row.code != ErrorCode::kOk) {
      EXPECT_EQ(checked.error.offset, row.offset);
      continue;
    }
    EXPECT_EQ(checked.content, row.content);
    EXPECT_EQ(checked.end, row.end);
    EXPECT_EQ(checked.deviations, row.deviations);
    // content is a view into the checked line.
    EXPECT_EQ(checked.content.data(), row.line.data());
  }
}

// Malformed sequences whose lead octet is valid: the error must point into
// the sequence (at the lead octet or the first octet that breaks it).
struct MalformedRow {
  std::string_view line;
  std::size_t first;  // lead octet
  std::size_t last;   // last octet of the sequence as sent
};

TEST(CheckLineTest, MalformedUtf8IsBadCharInsideTheSequence) {
  const MalformedRow rows[] = {
      {"ab\xc3\r\n", 2, 2},              // truncated by the line end
      {"ab\xc3(\r\n", 2, 3},             // truncated by ASCII
      {"ab\xe2\x82(\r\n", 2, 4},         // 3-octet sequence cut short
      {"ab\xe0\x80\x80\r\n", 2, 4},      // overlong 3-octet form
      {"ab\xed\xa0\x80\r\n", 2, 4},      // UTF-16 surrogate
      {"ab\xf4\x90\x80\x80\r\n", 2, 5},  // above U+10FFFF
      {"ab\xf0\x8f\xbf\xbf\r\n", 2, 5},  // overlong 4-octet form
      {"ab\xf0\x9f\x98\r\n", 2, 4},      // 4-octet sequence cut short
  };
  for (const MalformedRow& row : rows) {
    SCOPED_TRACE(Escape(row.line));
    const CheckedLine checked = CheckLine(row.line, 512, kUtf8);
    EXPECT_EQ(checked.error.code, ErrorCode::kBadChar);
    EXPECT_GE(checked.error.offset, row.first);
    EXPECT_LE(checked.error.offset, row.last);
    // Malformed UTF-8 is an error in every policy.
    Options lenient_utf8 = kUtf8;
    lenient_utf8.policy = Policy::kLenient;
    EXPECT_EQ(CheckLine(row.line, 512, lenient_utf8).error.code, ErrorCode::kBadChar);
  }
}

TEST(ScanOctetsTest, Table) {
  struct Row {
    std::string_view content;
    bool utf8;
    ErrorCode code;
    std::size_t offset;
  };
  const Row rows[] = {
      {"", false, ErrorCode::kOk, 0},
      {"EHLO a.example\t x", false, ErrorCode::kOk, 0},
      {"ab\rc", false, ErrorCode::kBareCr, 2},
      {"abc\r", false, ErrorCode::kBareCr, 3},
      {std::string_view("a\x00", 2), false, ErrorCode::kBadChar, 1},
      {"a\x7f", false, ErrorCode::kBadChar, 1},
      {"\x0b", false, ErrorCode::kBadChar, 0},
      {"\xc3\xa9", false, ErrorCode::kBadChar, 0},
      {"\xc3\xa9", true, ErrorCode::kOk, 0},
      {"x\xc3\xa9\x01", true, ErrorCode::kBadChar, 3},
      {"x\xff", true, ErrorCode::kBadChar, 1},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(Escape(row.content) + (row.utf8 ? " utf8" : ""));
    const Error error = ScanOctets(row.content, row.utf8);
    EXPECT_EQ(error.code, row.code);
    if (row.code != ErrorCode::kOk) {
      EXPECT_EQ(error.offset, row.offset);
    }
  }
}

// LineFramer.

struct FramedLine {
  LineFramer::Kind kind;
  std::string line;
  std::uint64_t start;
  std::uint64_t length;
  friend bool operator==(const FramedLine&, const FramedLine&) = default;
};

void PrintTo(const FramedLine& f, std::ostream* os) {
  *os << static_cast<int>(f.kind) << " '" << Escape(f.line) << "' @" << f.start << "+" << f.length;
}

// Feeds `input` split at `cuts`, each chunk in an exact-size heap buffer.
std::vector<FramedLine> Frame(std::string_view input, std::size_t max_line,
                              const std::vector<std::size_t>& cuts) {
  LineFramer framer(max_line);
  std::vector<FramedLine> out;
  std::size_t begin = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(input.size());
  for (std::size_t end : ends) {
    const std::size_t n = end - begin;
    std::unique_ptr<char[]> chunk(new char[n]);
    std::copy(input.begin() + begin, input.begin() + end, chunk.get());
    const std::string_view view(chunk.get(), n);
    std::size_t pos = 0;
    while (true) {
      const std::size_t before = pos;
      const LineFramer::Event event = framer.Next(view, begin, &pos);
      EXPECT_GE(pos, before);
      EXPECT_LE(pos, n);
      if (event.kind == LineFramer::Kind::kNeedMore) {
        EXPECT_EQ(pos, n);
        break;
      }
      FramedLine f{event.kind, "", event.start, event.length};
      if (event.kind == LineFramer::Kind::kLine) f.line = std::string(event.line);
      out.push_back(f);
    }
    begin = end;
  }
  return out;
}

TEST(LineFramerTest, SplitsLinesAtEveryLf) {
  const std::vector<FramedLine> expected = {
      {LineFramer::Kind::kLine, "NOOP\r\n", 0, 6},
      {LineFramer::Kind::kLine, "A\n", 6, 2},
      {LineFramer::Kind::kLine, "B\rC\r\n", 8, 5},
      {LineFramer::Kind::kLine, "\r\n", 13, 2},
  };
  const std::string input = "NOOP\r\nA\nB\rC\r\n\r\n";
  EXPECT_EQ(Frame(input, 512, {}), expected);
}

TEST(LineFramerTest, SameLinesWhateverTheChunking) {
  const std::string input = "EHLO a.example\r\n0123456789abcdef\r\nOK\nQUIT\r\n";
  const std::vector<FramedLine> whole = Frame(input, 12, {});
  ASSERT_EQ(whole.size(), 4u);
  EXPECT_EQ(whole[0], (FramedLine{LineFramer::Kind::kOverlong, "", 0, 16}));
  EXPECT_EQ(whole[1], (FramedLine{LineFramer::Kind::kOverlong, "", 16, 18}));
  EXPECT_EQ(whole[2], (FramedLine{LineFramer::Kind::kLine, "OK\n", 34, 3}));
  EXPECT_EQ(whole[3], (FramedLine{LineFramer::Kind::kLine, "QUIT\r\n", 37, 6}));
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    SCOPED_TRACE(cut);
    EXPECT_EQ(Frame(input, 12, {cut}), whole);
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < input.size(); ++i)
    every.push_back(i);
  EXPECT_EQ(Frame(input, 12, every), whole);
}

// The framer checks the octets while it looks for the line end: CheckLine
// on its event must give what CheckLine on the line gives, whether the line
// arrives whole (clean: no second look) or in two pieces (buffered).
TEST(LineFramerTest, CheckLineOnAnEventEqualsCheckLineOnTheLine) {
  for (const CheckRow& row : CheckRows()) {
    const std::size_t lf = row.line.find('\n');
    if (lf == std::string_view::npos || lf + 1 != row.line.size()) continue;  // one line only
    for (std::size_t cut : {std::size_t{0}, row.line.size() / 2}) {
      SCOPED_TRACE(Escape(row.line) + (row.options.lenient() ? " lenient" : " strict") +
                   (row.options.utf8 ? " utf8" : "") + " limit " + std::to_string(row.limit) +
                   " cut " + std::to_string(cut));
      // The line and the next one in one buffer, or the line cut in two.
      const std::string input = std::string(row.line) + "NOOP\r\n";
      LineFramer framer(4096);
      std::size_t pos = 0;
      LineFramer::Event event;
      if (cut == 0) {
        event = framer.Next(input, 0, &pos);
      } else {
        const std::string first = input.substr(0, cut);
        ASSERT_EQ(framer.Next(first, 0, &pos).kind, LineFramer::Kind::kNeedMore);
        pos = 0;
        event = framer.Next(std::string_view(input).substr(cut), cut, &pos);
      }
      ASSERT_EQ(event.kind, LineFramer::Kind::kLine);
      ASSERT_EQ(event.length, row.line.size());
      const bool text_crlf = row.line.size() >= 2 &&
                             row.line.substr(row.line.size() - 2) == "\r\n" &&
                             ScanOctets(row.line.substr(0, row.line.size() - 2), false).ok();
      EXPECT_EQ(event.clean, cut == 0 && text_crlf);
      const CheckedLine expected = CheckLine(row.line, row.limit, row.options);
      const CheckedLine got = CheckLine(event, row.limit, row.options);
      EXPECT_EQ(got.error, expected.error);
      EXPECT_EQ(got.content, expected.content);
      EXPECT_EQ(got.end, expected.end);
      EXPECT_EQ(got.deviations, expected.deviations);
    }
  }
  // A clean line longer than the caller's limit is still too long.
  LineFramer framer(4096);
  std::size_t pos = 0;
  const std::string input = "NOOP 123456\r\nQUIT\r\n";
  const LineFramer::Event event = framer.Next(input, 0, &pos);
  EXPECT_TRUE(event.clean);
  EXPECT_EQ(CheckLine(event, 8, Options{}).error, (Error{ErrorCode::kLineTooLong, 8}));
  // A CR that ends the chunk: not yet known to end the line.
  LineFramer cut_framer(4096);
  pos = 0;
  EXPECT_EQ(cut_framer.Next("NOOP\r", 0, &pos).kind, LineFramer::Kind::kNeedMore);
  pos = 0;
  const LineFramer::Event rest = cut_framer.Next("\nQUIT\r\n", 5, &pos);
  EXPECT_EQ(rest.kind, LineFramer::Kind::kLine);
  EXPECT_FALSE(rest.clean);
  EXPECT_EQ(CheckLine(rest, 512, Options{}).content, "NOOP");
}

TEST(LineFramerTest, LineOfExactlyMaxLineIsALineAndOneMoreIsOverlong) {
  EXPECT_EQ(Frame("abcdef\r\n", 8, {3}),
            (std::vector<FramedLine>{{LineFramer::Kind::kLine, "abcdef\r\n", 0, 8}}));
  EXPECT_EQ(Frame("abcdefg\r\n", 8, {3}),
            (std::vector<FramedLine>{{LineFramer::Kind::kOverlong, "", 0, 9}}));
}

TEST(LineFramerTest, ReportsThePartialLine) {
  LineFramer framer(512);
  const std::string chunk = "QUIT\r\nNO";
  std::size_t pos = 0;
  EXPECT_EQ(framer.Next(chunk, 100, &pos).kind, LineFramer::Kind::kLine);
  EXPECT_FALSE(framer.in_line());
  const LineFramer::Event event = framer.Next(chunk, 100, &pos);
  EXPECT_EQ(event.kind, LineFramer::Kind::kNeedMore);
  EXPECT_EQ(pos, chunk.size());
  EXPECT_TRUE(framer.in_line());
  EXPECT_EQ(framer.line_start(), 106u);
  EXPECT_EQ(framer.partial_length(), 2u);
  EXPECT_EQ(framer.partial(), "NO");
  framer.Reset();
  EXPECT_FALSE(framer.in_line());
  EXPECT_EQ(framer.partial_length(), 0u);
}

TEST(LineFramerTest, OverlongPartialLineIsCountedNotKept) {
  LineFramer framer(8);
  const std::string chunk(100, 'x');
  std::size_t pos = 0;
  EXPECT_EQ(framer.Next(chunk, 0, &pos).kind, LineFramer::Kind::kNeedMore);
  EXPECT_TRUE(framer.in_line());
  EXPECT_EQ(framer.partial_length(), 100u);
  EXPECT_LE(framer.partial().size(), 8u);
}

// An over-long line that spans feeds: the event holds its first max_line
// octets only, however the feeds cut it.
TEST(LineFramerTest, OverlongLineAcrossFeedsKeepsItsFirstMaxLineOctets) {
  const std::string line = "0123456789AB\r\n";
  for (std::size_t cut = 1; cut < line.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    LineFramer framer(8);
    std::size_t pos = 0;
    const std::string first = line.substr(0, cut);
    EXPECT_EQ(framer.Next(first, 0, &pos).kind, LineFramer::Kind::kNeedMore);
    EXPECT_EQ(framer.partial(), line.substr(0, std::min<std::size_t>(cut, 8)));
    const std::string second = line.substr(cut);
    pos = 0;
    const LineFramer::Event event = framer.Next(second, cut, &pos);
    EXPECT_EQ(event.kind, LineFramer::Kind::kOverlong);
    EXPECT_EQ(event.start, 0u);
    EXPECT_EQ(event.length, line.size());
    EXPECT_EQ(event.line, "01234567");
  }
}

TEST(LineFramerTest, SetMaxLineAppliesToTheNextLine) {
  LineFramer framer(4);
  framer.set_max_line(16);
  std::size_t pos = 0;
  const std::string chunk = "0123456789\r\n";
  const LineFramer::Event event = framer.Next(chunk, 0, &pos);
  EXPECT_EQ(event.kind, LineFramer::Kind::kLine);
  EXPECT_EQ(event.line, chunk);
}

// Words splits at runs of SP; its iterators are equal when both are done or
// both stand at the same word of the same text.
TEST(WordsTest, SplitsAtRunsOfSpaceAndIteratorsCompareByPosition) {
  const Words words("  SIZE=10   BODY=8BITMIME ");
  const std::vector<std::string_view> got(words.begin(), words.end());
  EXPECT_EQ(got, (std::vector<std::string_view>{"SIZE=10", "BODY=8BITMIME"}));
  EXPECT_EQ(words.size(), 2u);
  Words::Iterator first = words.begin();
  Words::Iterator second = words.begin();
  ++second;
  EXPECT_TRUE(first == words.begin());  // both at the first word
  EXPECT_FALSE(first == second);        // different words
  EXPECT_FALSE(first == words.end());   // one done, one not
  EXPECT_FALSE(words.end() == second);
  EXPECT_TRUE(words.end() == Words("").begin());  // both done
  // The same word of another text is another position.
  const std::string copy(words.text());
  EXPECT_FALSE(first == Words(copy).begin());
  EXPECT_TRUE(Words("").empty());
  EXPECT_TRUE(Words("   ").empty());
}

}  // namespace
}  // namespace smtp
