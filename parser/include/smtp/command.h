// smtp/command.h: one SMTP command line (client to server), parsed strictly
// by the RFC 5321 section 4.1 ABNF plus the extensions named in SPEC.md.
//
//   smtp::Options options;
//   smtp::CommandResult r = smtp::ParseCommand("MAIL FROM:<a@b.example> SIZE=10\r\n", options);
//   if (r.ok() && r.command.verb == smtp::Verb::kMail) { use(r.command.path); }
//
// Every string_view in a Command points into the line given to ParseCommand
// (zero-copy): the line must outlive the result.
#ifndef SMTP_COMMAND_H_
#define SMTP_COMMAND_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "absl/base/attributes.h"
#include "smtp/error.h"
#include "smtp/line.h"
#include "smtp/options.h"

namespace smtp {

enum class Verb : std::uint8_t {
  kUnknown = 0,
  kHelo,
  kEhlo,
  kMail,
  kRcpt,
  kData,
  kBdat,
  kRset,
  kVrfy,
  kExpn,
  kHelp,
  kNoop,
  kQuit,
  kStartTls,
  kAuth,
};

// Upper-case verb ("STARTTLS"); "" for kUnknown.
[[nodiscard]] std::string_view VerbName(Verb verb) noexcept;

enum class HostType : std::uint8_t { kDomain = 0, kIpv4, kIpv6, kGeneral };

// "domain", "ipv4", "ipv6", "general"; "unknown" for a value outside the enum.
[[nodiscard]] std::string_view HostTypeName(HostType type) noexcept;

// One ESMTP parameter, keyword[=value].
struct Param {
  std::string_view keyword;
  std::string_view value;
  bool has_value = false;
  // Field by field, not `= default`: docs/fuzzing.md, Coverage.
  friend constexpr bool operator==(const Param& a, const Param& b) noexcept {
    return a.keyword == b.keyword && a.value == b.value && a.has_value == b.has_value;
  }
};

// The parameters of a MAIL or RCPT line, as a lazily split view over the
// already validated text: iterating allocates nothing.
class ParamList {
 public:
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Param;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    Iterator() = default;
    explicit Iterator(Words::Iterator word) : word_(word) { Load(); }
    const Param& operator*() const noexcept { return current_; }
    const Param* operator->() const noexcept { return &current_; }
    Iterator& operator++() {
      ++word_;
      Load();
      return *this;
    }
    bool operator==(const Iterator& other) const noexcept { return word_ == other.word_; }

   private:
    void Load();
    Words::Iterator word_;
    Param current_;
  };

  ParamList() = default;
  explicit ParamList(std::string_view text) : words_(text) {}
  [[nodiscard]] Iterator begin() const { return Iterator(words_.begin()); }
  [[nodiscard]] Iterator end() const { return Iterator(words_.end()); }
  [[nodiscard]] bool empty() const noexcept { return words_.empty(); }
  [[nodiscard]] std::size_t size() const { return words_.size(); }
  // The text the list is split from: parameters separated by SP.
  [[nodiscard]] std::string_view text() const noexcept { return words_.text(); }
  // Case-insensitive lookup of a keyword; false when absent.
  [[nodiscard]] bool Find(std::string_view keyword, Param* out) const;

  friend bool operator==(const ParamList& a, const ParamList& b);

 private:
  Words words_;
};

struct Command {
  Verb verb = Verb::kUnknown;

  // HELO / EHLO: the domain, or the literal's address without brackets and
  // without the "IPv6:" tag, or "tag:content" for a general literal.
  HostType host_type = HostType::kDomain;
  std::string_view host;

  // MAIL / RCPT: the mailbox as sent (source route dropped), "" for the null
  // reverse-path, "Postmaster" as sent.
  std::string_view path;
  ParamList params;

  // BDAT
  std::uint64_t bdat_size = 0;
  bool bdat_last = false;

  // AUTH: mechanism as sent, and the initial response ("=" for an empty one).
  std::string_view mechanism;
  std::string_view initial_response;
  bool has_initial_response = false;

  // VRFY / EXPN / HELP / NOOP: everything after the verb and its SP.
  std::string_view argument;
  bool has_argument = false;

  // Field by field, not `= default`: docs/fuzzing.md, Coverage.
  friend bool operator==(const Command& a, const Command& b) {
    return a.verb == b.verb && a.host_type == b.host_type && a.host == b.host && a.path == b.path &&
           a.params == b.params && a.bdat_size == b.bdat_size && a.bdat_last == b.bdat_last &&
           a.mechanism == b.mechanism && a.initial_response == b.initial_response &&
           a.has_initial_response == b.has_initial_response && a.argument == b.argument &&
           a.has_argument == b.has_argument;
  }
};

struct CommandResult {
  Error error;  // offset relative to the start of the line
  Deviations deviations;
  Command command;  // meaningful when ok()

  [[nodiscard]] bool ok() const noexcept { return error.ok(); }
};

// Parses exactly one command line, terminator included ("NOOP\r\n"). The
// line limit is CommandLineLimit(line, options). In lenient, a failed parse
// still lists in `deviations` those used before the error.
[[nodiscard]] CommandResult ParseCommand(std::string_view line ABSL_ATTRIBUTE_LIFETIME_BOUND,
                                         const Options& options);

// The same on the result of CheckLine (with the limit CommandLineLimit):
// its error, if any, is the result's. The views point into the line that
// checked.content views (not into `checked`). Used by the stream parser,
// whose framer has already checked the octets of most lines.
[[nodiscard]] CommandResult ParseCheckedCommand(const CheckedLine& checked, const Options& options);

// The same on a line already framed and octet-checked by CheckLine:
// `content` has no terminator. Used by the stream parser.
[[nodiscard]] CommandResult ParseCommandContent(
    std::string_view content ABSL_ATTRIBUTE_LIFETIME_BOUND, const Options& options);

// True when `line` starts with "AUTH" and a SP (any case): such lines have
// the larger AUTH limit.
[[nodiscard]] bool IsAuthLine(std::string_view line) noexcept;

// The extension allowance of a MAIL or RCPT line, in octets (0 for other
// lines): RFC 1870 section 3 SIZE +26, RFC 4954 section 3 AUTH= +500,
// RFC 3461 section 4 RET/ENVID +100 (MAIL) and NOTIFY/ORCPT +500 (RCPT),
// RFC 6531 section 3.1 SMTPUTF8 +10, RFC 8689 section 2 REQUIRETLS +11;
// BODY (RFC 6152, RFC 3030) grants none. Each counts once, for a keyword
// (any case) among the SP-separated words after the first '>' outside a
// quoted string, within the first max_command_line + 647 octets of `line`.
[[nodiscard]] std::size_t MailRcptAllowance(std::string_view line, const Options& options) noexcept;

// The limit of the command line `line` in octets, line end included:
// max_auth_line for AUTH, max_command_line plus MailRcptAllowance for MAIL
// and RCPT, max_command_line otherwise. A line over it is kLineTooLong at
// this offset (line start + the limit that applies to the line).
[[nodiscard]] std::size_t CommandLineLimit(std::string_view line, const Options& options) noexcept;

// The largest CommandLineLimit of any line: what a command framer buffers.
[[nodiscard]] std::size_t MaxCommandLineLimit(const Options& options) noexcept;

// The verb of a command line (its first token, up to SP or the line end),
// whether or not the rest of the line is valid; kUnknown when the token is
// no verb. The session uses it for a line the server accepted although it
// broke the grammar (curl's "EHLO msg_crlf.eml").
[[nodiscard]] Verb CommandVerb(std::string_view line) noexcept;

// SASL exchange after AUTH (SPEC section 2): how many response lines follow
// an accepted AUTH command in the usual successful exchange. Without an
// initial response: PLAIN 1, LOGIN 2, CRAM-MD5 1, XOAUTH2 1, OAUTHBEARER 1,
// DIGEST-MD5 2, NTLM 2, SCRAM-* 2; with one: LOGIN 1, NTLM 1, SCRAM-* 1, the
// rest 0. Other mechanisms (GSSAPI, ...) 0. Mechanism names match in any case.
[[nodiscard]] int SaslResponseCount(const Command& auth) noexcept;

// A SASL response line's content (no terminator): base64, "*" (cancel), "="
// or nothing (empty; RFC 4954 section 8 makes the base64 optional). Returns kBadBase64 at the first
// offending octet.
[[nodiscard]] Error CheckSaslResponse(std::string_view content) noexcept;

}  // namespace smtp

#endif  // SMTP_COMMAND_H_
