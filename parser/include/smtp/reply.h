// smtp/reply.h: SMTP replies (server to client), single- and multi-line,
// by RFC 5321 section 4.2, with RFC 3463 / RFC 2034 enhanced status codes.
//
//   Reply-line = *( Reply-code "-" [ textstring ] CRLF )
//                Reply-code [ SP textstring ] CRLF
//
// Every string_view points into the bytes given to the parser; a Reply
// iterates its lines lazily over those bytes and allocates nothing.
#ifndef SMTP_REPLY_H_
#define SMTP_REPLY_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "absl/base/attributes.h"
#include "smtp/error.h"
#include "smtp/line.h"
#include "smtp/options.h"

namespace smtp {

// One reply line: "250-SIZE 1000\r\n" -> code 250, continued, text "SIZE 1000".
struct ReplyLine {
  std::uint16_t code = 0;
  bool continued = false;  // '-' separator: more lines follow
  std::string_view text;   // after the separator; "" when none
  // Field by field, not `= default`: docs/fuzzing.md, Coverage.
  friend constexpr bool operator==(const ReplyLine& a, const ReplyLine& b) noexcept {
    return a.code == b.code && a.continued == b.continued && a.text == b.text;
  }
};

struct ReplyLineResult {
  Error error;  // offset relative to the start of the line
  Deviations deviations;
  ReplyLine line;
  [[nodiscard]] bool ok() const noexcept { return error.ok(); }
};

// Parses exactly one reply line, terminator included.
[[nodiscard]] ReplyLineResult ParseReplyLine(std::string_view line ABSL_ATTRIBUTE_LIFETIME_BOUND,
                                             const Options& options);

// The same on content already framed and checked by CheckLine.
[[nodiscard]] ReplyLineResult ParseReplyLineContent(
    std::string_view content ABSL_ATTRIBUTE_LIFETIME_BOUND, const Options& options);

// RFC 3463 class.subject.detail at the start of the first line's text, class
// equal to the reply code's first digit (2, 4 or 5), subject and detail 1-3
// digits, followed by SP or the end of the text.
struct EnhancedCode {
  std::uint8_t klass = 0;
  std::uint16_t subject = 0;
  std::uint16_t detail = 0;
  std::string_view text;  // "2.1.0" as sent
  // Field by field, not `= default`: docs/fuzzing.md, Coverage.
  friend constexpr bool operator==(const EnhancedCode& a, const EnhancedCode& b) noexcept {
    return a.klass == b.klass && a.subject == b.subject && a.detail == b.detail && a.text == b.text;
  }
};

// Lines of a reply, split lazily from the raw, validated reply bytes.
class ReplyLines {
 public:
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    Iterator() = default;
    explicit Iterator(std::string_view rest) : rest_(rest) { Load(); }
    std::string_view operator*() const noexcept { return text_; }
    Iterator& operator++() {
      Load();
      return *this;
    }
    bool operator==(const Iterator& other) const noexcept {
      return done_ == other.done_ && (done_ || rest_.data() == other.rest_.data());
    }

   private:
    void Load();
    std::string_view rest_;
    std::string_view text_;
    bool done_ = true;
  };

  ReplyLines() = default;
  ReplyLines(std::string_view raw, std::size_t count) : raw_(raw), count_(count) {}
  [[nodiscard]] Iterator begin() const { return Iterator(raw_); }
  [[nodiscard]] Iterator end() const { return Iterator(); }
  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  [[nodiscard]] std::string_view raw() const noexcept { return raw_; }

 private:
  std::string_view raw_;
  std::size_t count_ = 0;
};

struct Reply {
  std::uint16_t code = 0;
  ReplyLines lines;  // each line's text after its separator
  EnhancedCode enhanced;
  bool has_enhanced = false;
};

bool operator==(const Reply& a, const Reply& b);

struct ReplyResult {
  Error error;  // offset relative to the start of the input
  Deviations deviations;
  Reply reply;
  [[nodiscard]] bool ok() const noexcept { return error.ok(); }
};

// Parses one whole reply, every line with its terminator; bytes after the
// last line are a kSyntax error. At most options.max_reply_lines lines.
[[nodiscard]] ReplyResult ParseReply(std::string_view text ABSL_ATTRIBUTE_LIFETIME_BOUND,
                                     const Options& options);

// The Reply for bytes that ParseReply or the stream already validated:
// `line_count` lines of `code`. Cheap: it reads only the first line.
[[nodiscard]] Reply ReplyFromValidated(std::string_view raw ABSL_ATTRIBUTE_LIFETIME_BOUND,
                                       std::uint16_t code, std::size_t line_count);

// The enhanced status code at the start of `text`, for a reply with `code`.
[[nodiscard]] bool ParseEnhancedCode(std::uint16_t code, std::string_view text,
                                     EnhancedCode* out) noexcept;

// Builds a reply incrementally from lines already framed and checked; the
// stream parser and ParseReply share it so they cannot disagree.
class ReplyAssembler {
 public:
  enum class Step : std::uint8_t { kMore, kDone, kFailed };

  explicit ReplyAssembler(const Options& options) : options_(&options) {}

  // Adds the next line. `content` has no terminator; `line_offset` is where
  // the line starts, relative to whatever base the caller reports errors in.
  // kDone: the reply ended with this line. kFailed: error() says why; the
  // reply ends with this line too.
  [[nodiscard]] Step AddLine(std::string_view content, std::uint64_t line_offset);
  // CheckLine on a whole framed line (terminator included), then AddLine:
  // what every reply reader does with each line.
  [[nodiscard]] Step AddFramedLine(std::string_view line, std::uint64_t line_offset);
  // AddLine on the result of CheckLine (limit max_reply_line): its error, if
  // any, fails the reply at line_offset + its offset.
  [[nodiscard]] Step AddCheckedLine(const CheckedLine& checked, std::uint64_t line_offset);
  // Records a line that failed framing or the octet check.
  Step Fail(Error error) {
    error_ = error;
    return Step::kFailed;
  }

  [[nodiscard]] const Error& error() const noexcept { return error_; }
  [[nodiscard]] Deviations deviations() const noexcept { return deviations_; }
  [[nodiscard]] std::uint16_t code() const noexcept { return code_; }
  [[nodiscard]] std::size_t line_count() const noexcept { return lines_; }
  void Reset() noexcept;

 private:
  const Options* options_;
  Error error_;
  Deviations deviations_;
  std::uint16_t code_ = 0;
  char code_text_[3] = {};  // code_ as sent: what the next lines must start with
  std::size_t lines_ = 0;
};

}  // namespace smtp

#endif  // SMTP_REPLY_H_
