// Internal: the RFC 5321 / RFC 5234 token rules shared by the command,
// reply and EHLO grammars. Each checker takes one token and returns kOk or
// the error with its offset relative to the token's start: the first octet
// at which the token stops being the beginning of any valid token (SPEC
// section 4), s.size() when the token is only unfinished (the error is then
// at whatever follows it: a SP, a '>', the line end).
#ifndef SMTP_SRC_LEXER_H_
#define SMTP_SRC_LEXER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "smtp/command.h"
#include "smtp/error.h"

namespace smtp::internal {

enum CharClass : std::uint16_t {
  kAlpha = 1u << 0,
  kDigit = 1u << 1,
  kHexDigit = 1u << 2,
  kAtext = 1u << 3,       // RFC 5322 atext
  kQtextSmtp = 1u << 4,   // %d32-33 / %d35-91 / %d93-126
  kDcontent = 1u << 5,    // %d33-90 / %d94-126
  kXchar = 1u << 6,       // RFC 3461 xchar: %d33-126 except "+" and "="
  kEsmtpValue = 1u << 7,  // %d33-60 / %d62-126
  kText = 1u << 8,        // textstring: HT / %d32-126
  kPrintable = 1u << 9,   // %d33-126 (ehlo-param)
  kBase64 = 1u << 10,     // A-Z a-z 0-9 + /
  kLdh = 1u << 12,        // ALPHA / DIGIT / "-": the octets of a domain label
};

struct CharTable {
  std::uint16_t bits[256];
};
extern const CharTable kCharTable;

[[nodiscard]] inline bool Is(unsigned char c, std::uint16_t mask) noexcept {
  return (kCharTable.bits[c] & mask) != 0;
}
[[nodiscard]] inline bool IsLetDig(unsigned char c) noexcept {
  return Is(c, kAlpha | kDigit);
}

[[nodiscard]] inline char ToUpper(char c) noexcept {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}
// `s` without the SP and HT at its end (the trailing white space lenient
// tolerates).
[[nodiscard]] inline std::string_view StripTrailingSpace(std::string_view s) noexcept {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Inline: verb and keyword lookups call these for every line.
[[nodiscard]] inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToUpper(a[i]) != ToUpper(b[i])) return false;
  }
  return true;
}
// The length of the longest common prefix of `a` and `b`, ignoring case.
[[nodiscard]] inline std::size_t CommonPrefixIgnoreCase(std::string_view a,
                                                        std::string_view b) noexcept {
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  std::size_t i = 0;
  while (i < n && ToUpper(a[i]) == ToUpper(b[i]))
    ++i;
  return i;
}
[[nodiscard]] inline bool StartsWithIgnoreCase(std::string_view s,
                                               std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

// The ESMTP parameters whose syntax the command grammar checks (and the
// session's advertised-extension rule reads), as bits.
enum KnownParam : unsigned {
  kSize = 1u << 0,
  kBody = 1u << 1,
  kSmtpUtf8 = 1u << 2,
  kRet = 1u << 3,
  kEnvid = 1u << 4,
  kAuthParam = 1u << 5,
  kRequireTls = 1u << 6,
  kNotify = 1u << 7,
  kOrcpt = 1u << 8,
};

// The KnownParam of an esmtp-keyword (any case), 0 for any other keyword.
[[nodiscard]] unsigned LookupParam(std::string_view keyword) noexcept;

// The index of the first SP or HT in s[from, s.size()), or s.size(): where
// a token ends. 16 octets at a time with SSE2.
[[nodiscard]] std::size_t FindSpaceOrTab(std::string_view s, std::size_t from) noexcept;

// Octets of the well-formed UTF-8 sequence starting at s[pos] (a lead byte
// >= 0x80), 0 if malformed: overlong forms, surrogates and code points above
// U+10FFFF are malformed.
[[nodiscard]] std::size_t Utf8SequenceLength(std::string_view s, std::size_t pos) noexcept;

// Decimal digits to a uint64; false on empty, non-digit or overflow.
[[nodiscard]] bool ParseUint64(std::string_view digits, std::uint64_t* value) noexcept;
// The same, returning npos when valid, else the offset of the first
// non-digit or of the digit that overflows (0 when empty).
[[nodiscard]] std::size_t FindUint64Error(std::string_view digits, std::uint64_t* value) noexcept;

// What a Domain or an address literal may be: strict is the ABNF plus
// RFC 1123 section 2.1 (the last label is not all digits) and RFC 5321
// section 4.1.3 (a General-address-literal tag must be registered, and none
// but IPv6 is). Lenient tolerates both and records kNumericDomain /
// kUnregisteredLiteralTag in *deviations.
struct HostRules {
  bool utf8 = false;
  bool lenient = false;
  Deviations* deviations = nullptr;  // required when lenient
};

// Domain = sub-domain *("." sub-domain), labels 1-63 octets, whole <= 255,
// last label not all digits (strict: kBadDomain at domain.size(), where the
// domain ends). U-labels (UTF-8) are allowed when `utf8`. A label fails at
// the character that makes it 64 octets, the domain at the one that makes it
// 256. Errors: kBadDomain.
[[nodiscard]] Error CheckDomain(std::string_view domain, const HostRules& rules) noexcept;

// "[" ... "]" address literal. On success sets *type and *host (the address
// without brackets and without "IPv6:"). Errors: kBadAddressLiteral (an
// unregistered tag in strict: at the tag, offset 1). The IPv4, IPv6 and
// (lenient) general forms are read side by side: the error is at the
// furthest octet any of them reaches (`[1.2.3]` at the `]`).
[[nodiscard]] Error CheckAddressLiteral(std::string_view literal, const HostRules& rules,
                                        HostType* type, std::string_view* host) noexcept;

// Domain or address literal (by its first octet).
[[nodiscard]] Error CheckHost(std::string_view host, const HostRules& rules, HostType* type,
                              std::string_view* value) noexcept;

// Atom = 1*atext; Quoted-string = DQUOTE *QcontentSMTP DQUOTE. Return the
// length of the token at the start of `s`, 0 if none; a Quoted-string that
// breaks sets *bad to the offending octet (s.size() when unterminated).
[[nodiscard]] std::size_t MatchAtom(std::string_view s, bool utf8) noexcept;
[[nodiscard]] std::size_t MatchQuotedString(std::string_view s, bool utf8,
                                            std::size_t* bad) noexcept;

// Mailbox = Local-part "@" ( Domain / address-literal ), local part <= 64
// (the character that makes it 65 fails).
// Errors: kBadPath (local part, structure), kBadDomain, kBadAddressLiteral.
[[nodiscard]] Error CheckMailbox(std::string_view mailbox, const HostRules& rules) noexcept;

// Path = "<" [ A-d-l ":" ] Mailbox ">" at the start of `s` (which may go on
// after the '>'). On success *length is the path's length including the
// brackets and *mailbox the mailbox. `allow_null` accepts "<>",
// `allow_postmaster` accepts "<Postmaster>" (any case). Errors: kBadPath and
// those of CheckMailbox / CheckDomain. A path without its '>' ends at the
// first SP outside a quoted string, and fails there (or earlier); a path
// over 256 octets fails at its 257th octet, unless it failed before.
[[nodiscard]] Error MatchPath(std::string_view s, const HostRules& rules, bool allow_null,
                              bool allow_postmaster, std::size_t* length,
                              std::string_view* mailbox) noexcept;

// The inside of a Path, without its brackets: [ A-d-l ":" ] Mailbox, or ""
// (null path) or "Postmaster" where allowed. Offsets relative to `inner`.
[[nodiscard]] Error MatchPathBody(std::string_view inner, const HostRules& rules, bool allow_null,
                                  bool allow_postmaster, std::string_view* mailbox) noexcept;

// esmtp-value = 1*(%d33-60 / %d62-126), with `utf8` also UTF8-non-ascii
// (RFC 6531 section 3.3): npos when valid, else the first bad octet (0 when
// empty).
[[nodiscard]] std::size_t FindEsmtpValueError(std::string_view s, bool utf8 = false) noexcept;
// RFC 3461 xtext, *( xchar / "+" 2(DIGIT / "A"-"F") ): may be empty (ORCPT=rfc822;). RFC 4954's
// AUTH= parameter takes the hex digits in either case (`lower_hex`). npos
// when valid, else the first octet that breaks it (s.size() for a "+" cut
// short).
[[nodiscard]] std::size_t FindXtextError(std::string_view s, bool lower_hex = false) noexcept;
// RFC 4648 base64 with padding, non-empty; returns the offset of the first
// octet that no base64 text continues with (a '=' before the quantum's
// third octet, anything after the padding), s.size() when only the length
// is wrong; npos when valid.
[[nodiscard]] std::size_t FindBase64Error(std::string_view s) noexcept;

}  // namespace smtp::internal

#endif  // SMTP_SRC_LEXER_H_
