// smtp/line.h: line framing, the first stage of every parse.
//
// bytes -> LineFramer -> CheckLine -> grammar. The framer splits a byte
// stream into lines (ending in LF) under a length bound, buffering at most
// `max_line` octets of a line that spans feeds. CheckLine then applies the
// octet-level rules that hold for every SMTP line: CRLF line ends, no bare
// CR, no NUL or controls, 8-bit only as well-formed UTF-8 when enabled.
#ifndef SMTP_LINE_H_
#define SMTP_LINE_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "absl/base/attributes.h"
#include "smtp/error.h"
#include "smtp/options.h"

namespace smtp {

enum class LineEnd : std::uint8_t { kCrlf = 0, kBareLf = 1 };

// The outcome of CheckLine. `content` is the line without its terminator and
// points into the checked line.
struct CheckedLine {
  Error error;  // offset relative to the start of the line
  Deviations deviations;
  std::string_view content;
  LineEnd end = LineEnd::kCrlf;

  [[nodiscard]] bool ok() const noexcept { return error.ok(); }
};

// Checks one line `line` that must end in its first LF. Errors, in order of
// precedence (framing before content):
//   kIncomplete   no LF at all (offset: line.size())
//   kSyntax       bytes after the first LF (offset: first such byte)
//   kLineTooLong  more than `limit` octets (offset: `limit`, the first octet past it)
//   kBareLf       LF without CR, strict only; lenient records Deviation::kBareLf
//   kBareCr, kBadChar  the first offending octet, left to right
// HT is let through: whether it may stand somewhere is the grammar's call.
[[nodiscard]] CheckedLine CheckLine(std::string_view line ABSL_ATTRIBUTE_LIFETIME_BOUND,
                                    std::size_t limit, const Options& options) noexcept;

// The octet-level scan of CheckLine on its own, over line content (no
// terminator): the offset of the first bare CR, control, NUL, DEL or
// disallowed 8-bit octet, and which error it is; kOk if none.
[[nodiscard]] Error ScanOctets(std::string_view content, bool utf8) noexcept;

// Splits a byte stream into lines. Feed it input; it reports each complete
// line once. A line that fits in one input chunk is returned as a view into
// that chunk (zero-copy); a line spanning chunks is assembled in an internal
// buffer of at most `max_line` octets. A line longer than `max_line` is not
// kept: its bytes are counted and skipped through its LF, and it is reported
// as kOverlong once it ends.
class LineFramer {
 public:
  enum class Kind : std::uint8_t {
    kNeedMore,  // input used up in the middle of a line (or at a line start)
    kLine,      // `line` is complete, terminator included
    kOverlong,  // a line longer than max_line ended; `length` is its size
  };
  struct Event {
    Kind kind = Kind::kNeedMore;
    // Valid until the next call to Next() or Reset(): it points into the
    // caller's chunk or into the framer's buffer. For kOverlong, the first
    // max_line octets of the line only.
    std::string_view line;
    std::uint64_t start = 0;   // absolute offset of the line's first octet
    std::uint64_t length = 0;  // octets of the line, terminator included
    // kLine only: the octets before a CRLF end are all textstring octets
    // (HT, %d32-126), as the framer saw while it looked for the line end.
    bool clean = false;
  };

  explicit LineFramer(std::size_t max_line) : max_line_(max_line) {}

  // Consumes `chunk` from `*pos` up to and including the next line end, or
  // all of it. `chunk_offset` is the absolute offset of chunk[0].
  // Inline: the common case, a clean line (text octets, CRLF) that starts
  // and ends in this chunk, costs one sweep and no call.
  [[nodiscard]] Event Next(std::string_view chunk ABSL_ATTRIBUTE_LIFETIME_BOUND,
                           std::uint64_t chunk_offset, std::size_t* pos) {
    std::size_t text = 0;  // text octets from *pos, a line start, already swept
    if (partial_length_ == 0 && *pos < chunk.size()) {
      const char* start = chunk.data() + *pos;
      const std::size_t available = chunk.size() - *pos;
      text = TextRunLength(start, available);
      if (text + 1 < available && start[text] == '\r' && start[text + 1] == '\n' &&
          text + 2 <= max_line_) {
        if (release_buffer_) {
          buffer_.clear();
          release_buffer_ = false;
        }
        Event event;
        event.kind = Kind::kLine;
        event.clean = true;
        event.start = chunk_offset + *pos;
        event.length = text + 2;
        event.line = std::string_view(start, text + 2);
        line_start_ = event.start;
        *pos += text + 2;
        return event;
      }
    }
    return NextInGeneral(chunk, chunk_offset, pos, text);
  }

  // The length of the leading run of textstring octets (HT, %d32-126) in
  // [p, p + n): SSE2 where the target has it.
  [[nodiscard]] static std::size_t TextRunLength(const char* p, std::size_t n) noexcept;

  // True when bytes of an unfinished line have been consumed.
  [[nodiscard]] bool in_line() const noexcept { return partial_length_ != 0; }
  [[nodiscard]] std::uint64_t line_start() const noexcept { return line_start_; }
  [[nodiscard]] std::uint64_t partial_length() const noexcept { return partial_length_; }
  // The first (at most max_line) bytes of the unfinished line.
  [[nodiscard]] std::string_view partial() const noexcept { return buffer_; }

  void set_max_line(std::size_t max_line) noexcept { max_line_ = max_line; }
  void Reset() noexcept;

 private:
  // Every other line: one with a non-text octet, cut by the chunk's end, or
  // too long. The LF is looked for past the `text` octets Next swept.
  Event NextInGeneral(std::string_view chunk, std::uint64_t chunk_offset, std::size_t* pos,
                      std::size_t text);

  std::size_t max_line_;
  std::string buffer_;                // the unfinished line, if it fits
  std::uint64_t line_start_ = 0;      // absolute start of the unfinished line
  std::uint64_t partial_length_ = 0;  // octets of it consumed so far
  bool release_buffer_ = false;       // buffer_ was handed out: clear it on the next call
};

// CheckLine on a line the framer returned (kLine): the same result, without
// a second look at the octets of a clean line within `limit`. `event.line`
// must still be valid (see Event).
// Inline: every line of a stream passes here.
[[nodiscard]] inline CheckedLine CheckLine(const LineFramer::Event& event, std::size_t limit,
                                           const Options& options) noexcept {
  if (event.clean && event.length <= limit) {
    CheckedLine result;
    result.content = event.line.substr(0, event.line.size() - 2);
    return result;
  }
  return CheckLine(event.line, limit, options);
}

// The words of a line's text: runs of octets other than SP, split lazily
// (nothing is allocated). Runs of several SP count as one separator, so a
// lenient line with extra spaces splits like a strict one.
class Words {
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
    std::string_view operator*() const noexcept { return current_; }
    Iterator& operator++() {
      Load();
      return *this;
    }
    bool operator==(const Iterator& other) const noexcept {
      return done_ == other.done_ && (done_ || rest_.data() == other.rest_.data());
    }

   private:
    void Load() {
      const std::size_t start = rest_.find_first_not_of(' ');
      done_ = start == std::string_view::npos;
      if (done_) return;
      rest_.remove_prefix(start);
      current_ = rest_.substr(0, rest_.find(' '));
      rest_.remove_prefix(current_.size());
    }
    std::string_view rest_;
    std::string_view current_;
    bool done_ = true;
  };

  Words() = default;
  explicit Words(std::string_view text) : text_(text) {}
  [[nodiscard]] Iterator begin() const { return Iterator(text_); }
  [[nodiscard]] Iterator end() const { return Iterator(); }
  [[nodiscard]] bool empty() const noexcept { return begin() == end(); }
  [[nodiscard]] std::size_t size() const {
    std::size_t n = 0;
    for (auto it = begin(); it != end(); ++it)
      ++n;
    return n;
  }
  // The text the words are split from.
  [[nodiscard]] std::string_view text() const noexcept { return text_; }

 private:
  std::string_view text_;
};

}  // namespace smtp

#endif  // SMTP_LINE_H_
