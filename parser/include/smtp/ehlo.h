// smtp/ehlo.h: the reply to EHLO (RFC 5321 ehlo-ok-rsp) as a capability
// model, with typed accessors for the extensions a client acts on.
//
//   ehlo-ok-rsp = ( "250" SP Domain [ SP ehlo-greet ] CRLF )
//               / ( "250-" Domain [ SP ehlo-greet ] CRLF
//                   *( "250-" ehlo-line CRLF ) "250" SP ehlo-line CRLF )
//   ehlo-line   = ehlo-keyword *( SP ehlo-param )
//
// The first line is never read for capabilities: a greeting that says
// "STARTTLS" advertises nothing. Keyword lookups ignore case.
#ifndef SMTP_EHLO_H_
#define SMTP_EHLO_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>

#include "absl/base/attributes.h"
#include "smtp/error.h"
#include "smtp/line.h"
#include "smtp/options.h"
#include "smtp/reply.h"

namespace smtp {

// Parameters of one capability, split lazily on SP.
using CapabilityParams = Words;

struct Capability {
  std::string_view keyword;  // as sent
  CapabilityParams params;
};

// The capability lines of an EHLO reply (every line but the first), lazily.
class Capabilities {
 public:
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Capability;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    Iterator() = default;
    explicit Iterator(ReplyLines::Iterator it) : it_(it) { Load(); }
    const Capability& operator*() const noexcept { return current_; }
    const Capability* operator->() const noexcept { return &current_; }
    Iterator& operator++() {
      ++it_;
      Load();
      return *this;
    }
    bool operator==(const Iterator& other) const noexcept { return it_ == other.it_; }

   private:
    void Load();
    ReplyLines::Iterator it_;
    Capability current_;
  };

  Capabilities() = default;
  explicit Capabilities(const ReplyLines& lines) : lines_(lines) {}
  [[nodiscard]] Iterator begin() const;
  [[nodiscard]] Iterator end() const { return Iterator(lines_.end()); }
  [[nodiscard]] std::size_t size() const noexcept {
    return lines_.size() == 0 ? 0 : lines_.size() - 1;
  }

 private:
  ReplyLines lines_;
};

struct EhloReply {
  Reply reply;  // code 250, lines, enhanced
  std::string_view domain;
  std::string_view greeting;  // "" when none
  Capabilities capabilities;

  // Case-insensitive keyword lookup; the first line with that keyword.
  [[nodiscard]] std::optional<Capability> Find(std::string_view keyword) const;
  [[nodiscard]] bool Has(std::string_view keyword) const { return Find(keyword).has_value(); }

  // RFC 1870: the declared maximum, 0 meaning no fixed limit; nullopt when
  // SIZE is absent or its parameter is not 1*20DIGIT within 64 bits.
  [[nodiscard]] std::optional<std::uint64_t> size_limit() const;
  // RFC 4954: the AUTH mechanisms (empty when AUTH is absent).
  [[nodiscard]] CapabilityParams auth_mechanisms() const;
  [[nodiscard]] bool pipelining() const { return Has("PIPELINING"); }
  [[nodiscard]] bool starttls() const { return Has("STARTTLS"); }
  [[nodiscard]] bool eight_bit_mime() const { return Has("8BITMIME"); }
  [[nodiscard]] bool smtputf8() const { return Has("SMTPUTF8"); }
  [[nodiscard]] bool chunking() const { return Has("CHUNKING"); }
  [[nodiscard]] bool dsn() const { return Has("DSN"); }
  [[nodiscard]] bool enhanced_status_codes() const { return Has("ENHANCEDSTATUSCODES"); }
  [[nodiscard]] bool requiretls() const { return Has("REQUIRETLS"); }
};

struct EhloResult {
  Error error;
  Deviations deviations;
  EhloReply ehlo;
  [[nodiscard]] bool ok() const noexcept { return error.ok(); }
};

// Checks the lines of a 250 reply as an EHLO reply one at a time, as they
// are read (RFC 5321 section 4.1.1.1: Domain [SP ehlo-greet] on the first
// line, ehlo-line on the others): the stream parser needs no second pass
// over the reply. InterpretEhlo runs the same checks over a whole reply.
class EhloLineChecker {
 public:
  explicit EhloLineChecker(const Options& options) : options_(&options) {}

  // The next line's text (after the code and separator, no terminator),
  // starting at `text_offset` relative to the reply. After the first error
  // later lines are not looked at.
  void AddLine(std::string_view text, std::uint64_t text_offset);

  [[nodiscard]] bool ok() const noexcept { return error_.ok(); }
  // The first error (kBadDomain, kSyntax, kBadKeyword; offset relative to
  // the reply), or ok.
  [[nodiscard]] const Error& error() const noexcept { return error_; }
  // The deviations of the lines before the error, or of every line.
  [[nodiscard]] Deviations deviations() const noexcept { return deviations_; }
  // Where the first line's Domain and greeting are, relative to the reply
  // (the lines may have been read from several chunks: no views are kept).
  struct Span {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
  };
  [[nodiscard]] Span domain() const noexcept { return domain_; }
  [[nodiscard]] Span greeting() const noexcept { return greeting_; }
  void Reset() noexcept;

 private:
  const Options* options_;
  Error error_;
  Deviations deviations_;
  Span domain_;
  Span greeting_;  // size 0: no greeting
  bool first_ = true;
};

// Parses a whole EHLO reply (every line with its terminator). The reply must
// be a 250 reply; any reply grammar error is reported as by ParseReply.
[[nodiscard]] EhloResult ParseEhloReply(std::string_view text ABSL_ATTRIBUTE_LIFETIME_BOUND,
                                        const Options& options);

// Reads an already valid 250 Reply as an EHLO reply: checks the first line's
// Domain [SP ehlo-greet] and each ehlo-line. Offsets are relative to the
// start of reply.lines.raw(). Used by ParseEhloReply and the stream parser.
[[nodiscard]] EhloResult InterpretEhlo(const Reply& reply, const Options& options);

// The text of a reply line's content (no terminator) for AddLine: after
// the code and separator, "" when none; and where it starts in the line.
[[nodiscard]] std::string_view EhloLineText(std::string_view content) noexcept;
[[nodiscard]] std::size_t EhloLineTextOffset(std::string_view content) noexcept;

// The result for `reply` (a valid 250 reply) whose every line `checker`
// saw: its error, or the EhloReply (its views point into the octets that
// reply.lines views).
[[nodiscard]] EhloResult EhloFromChecker(const Reply& reply, const EhloLineChecker& checker);

// For a 250 reply that failed on a later line: the first EHLO grammar error
// in its `line_count` complete, valid lines before that line (the last may
// be a continuation line), so that the earliest offending octet is the one
// reported, with the deviations those lines used; ok when they are fine.
// Offsets are relative to `lines`.
[[nodiscard]] EhloResult FirstEhloError(std::string_view lines, std::size_t line_count,
                                        const Options& options);

}  // namespace smtp

#endif  // SMTP_EHLO_H_
