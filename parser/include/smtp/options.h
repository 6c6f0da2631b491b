// smtp/options.h: the one options struct (policy, UTF-8, every limit) and the
// named deviations the lenient policy tolerates.
//
// Strict is RFC 5321's ABNF. Lenient is strict plus a short, closed list of
// deviations seen in real traffic; every record that used one says which, so
// a caller can log or refuse them. There is no per-deviation switch on
// purpose: one policy knob, and a report of what it allowed.
#ifndef SMTP_OPTIONS_H_
#define SMTP_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace smtp {

enum class Policy : std::uint8_t { kStrict = 0, kLenient = 1 };

// The deviations lenient may tolerate, as bits of a Deviations set. Values
// are fixed; new ones are appended.
enum class Deviation : std::uint16_t {
  kBareLf = 1u << 0,              // "bare_lf": LF alone ends a line (DATA: a bare LF in content)
  kBareCr = 1u << 1,              // "bare_cr": a bare CR inside DATA content
  kExtraSpace = 1u << 2,          // "extra_space": more than one SP between tokens
  kTrailingSpace = 1u << 3,       // "trailing_space": SP or HT before the line end
  kSpaceAfterColon = 1u << 4,     // "space_after_colon": MAIL FROM: <a@b>
  kHeloAddressLiteral = 1u << 5,  // "helo_address_literal": HELO [192.0.2.1]
  // "empty_reply_text": retired, never reported: "250 " is valid (RFC 5321
  // section 4.2, RFC 4954 continue-req). The value stays reserved.
  kEmptyReplyText = 1u << 6,
  kOldAuthSyntax = 1u << 7,           // "old_auth_syntax": EHLO line AUTH=LOGIN PLAIN
  kNumericDomain = 1u << 8,           // "numeric_domain": EHLO 192.0.2.10 (RFC 1123 2.1)
  kUnregisteredLiteralTag = 1u << 9,  // "unregistered_literal_tag": [x-tag:abc]
  kVrfyMailbox = 1u << 10,            // "vrfy_mailbox": VRFY user@example.com
  kRepeatedParam = 1u << 11,          // "repeated_param": SIZE=20 ... SIZE=20
};

inline constexpr int kDeviationCount = 12;

// The snake_case name shown in records ("bare_lf"); "unknown" otherwise.
[[nodiscard]] std::string_view DeviationName(Deviation deviation) noexcept;

// A small set of deviations. Iterate with ForEach in bit order.
class Deviations {
 public:
  constexpr Deviations() = default;
  constexpr void Add(Deviation d) noexcept { bits_ |= static_cast<std::uint16_t>(d); }
  constexpr void Add(Deviations other) noexcept { bits_ |= other.bits_; }
  [[nodiscard]] constexpr bool Has(Deviation d) const noexcept {
    return (bits_ & static_cast<std::uint16_t>(d)) != 0;
  }
  [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
  [[nodiscard]] constexpr std::uint16_t bits() const noexcept { return bits_; }
  template <typename F>
  void ForEach(F&& f) const {
    for (int i = 0; i < kDeviationCount; ++i) {
      const auto d = static_cast<Deviation>(1u << i);
      if (Has(d)) f(d);
    }
  }
  friend constexpr bool operator==(Deviations, Deviations) = default;

 private:
  std::uint16_t bits_ = 0;
};

struct Options {
  Policy policy = Policy::kStrict;
  // RFC 6531: well-formed UTF-8 in domains, local parts, strings, reply text
  // and ehlo-greet. Malformed UTF-8 is an error either way.
  bool utf8 = false;

  // Limits, in octets including the line end. RFC 5321 section 4.5.3.1.
  // MAIL/RCPT lines may exceed max_command_line by the extension allowances
  // of their parameters (see CommandLineLimit in smtp/command.h).
  std::size_t max_command_line = 512;
  std::size_t max_auth_line = 12288;  // AUTH lines and SASL responses, RFC 4954 section 4
  std::size_t max_reply_line = 512;
  // DATA text lines, not counting a leading dot added for transparency
  // (RFC 5321 section 4.5.3.1.6).
  std::size_t max_data_line = 1000;
  std::size_t max_reply_lines = 1000;
  // The session (SPEC section 5): client octets that may wait for the reply
  // deciding their meaning (DATA content before 354, octets after STARTTLS,
  // pipelined commands), and server octets waiting for the commands they
  // answer. Beyond it the octets are read as the one-way stream would.
  std::size_t max_pending = 65536;

  [[nodiscard]] bool lenient() const noexcept { return policy == Policy::kLenient; }
};

}  // namespace smtp

#endif  // SMTP_OPTIONS_H_
