#include "lexer.h"

#include <algorithm>

#include <string_view>

namespace smtp::internal {
namespace {

// consteval: the table is built by the compiler, and no code of it is left for run
// time (nor for coverage to count as never run).
consteval CharTable MakeCharTable() {
  CharTable t{};
  for (int c = 0; c < 256; ++c) {
    std::uint16_t b = 0;
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    const bool digit = c >= '0' && c <= '9';
    if (alpha) b |= kAlpha;
    if (digit) b |= kDigit;
    if (digit || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')) b |= kHexDigit;
    if (alpha || digit) b |= kAtext;
    if (std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
        std::string_view::npos) {
      b |= kAtext;
    }
    if (c == 32 || c == 33 || (c >= 35 && c <= 91) || (c >= 93 && c <= 126)) b |= kQtextSmtp;
    if ((c >= 33 && c <= 90) || (c >= 94 && c <= 126)) b |= kDcontent;
    if (c >= 33 && c <= 126 && c != '+' && c != '=') b |= kXchar;
    if ((c >= 33 && c <= 60) || (c >= 62 && c <= 126)) b |= kEsmtpValue;
    if (c == '\t' || (c >= 32 && c <= 126)) b |= kText;
    if (c >= 33 && c <= 126) b |= kPrintable;
    if (alpha || digit || c == '+' || c == '/') b |= kBase64;
    if (alpha || digit || c == '-') b |= kLdh;
    t.bits[c] = b;
  }
  return t;
}

Error Fail(ErrorCode code, std::size_t offset) {
  return Error{code, offset};
}

// Standardized-tag = Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig: only the
// last octet must be a letter or digit.
bool IsLdhStr(std::string_view s) {
  if (s.empty() || !IsLetDig(s.back())) return false;
  for (unsigned char c : s) {
    if (!IsLetDig(c) && c != '-') return false;
  }
  return true;
}

bool IsSnum(std::string_view s) {
  if (s.empty() || s.size() > 3) return false;
  unsigned value = 0;
  for (unsigned char c : s) {
    if (!Is(c, kDigit)) return false;
    value = value * 10 + (c - '0');
  }
  return value <= 255;
}

bool IsIpv6Hex(std::string_view s) {
  if (s.empty() || s.size() > 4) return false;
  for (unsigned char c : s) {
    if (!Is(c, kHexDigit)) return false;
  }
  return true;
}

// Splits `s` on ':' into hex groups; the last may be an IPv4 literal when
// `allow_v4`. Returns the number of 16-bit groups, or -1 on a malformed group.
int CountGroups(std::string_view s, bool allow_v4, bool* has_v4) {
  *has_v4 = false;
  if (s.empty()) return 0;
  int groups = 0;
  while (true) {
    const std::size_t colon = s.find(':');
    const std::string_view group = s.substr(0, colon);
    if (colon == std::string_view::npos) {
      if (allow_v4 && group.find('.') != std::string_view::npos) {
        if (!IsIpv4(group)) return -1;
        *has_v4 = true;
        return groups + 2;
      }
      return IsIpv6Hex(group) ? groups + 1 : -1;
    }
    if (!IsIpv6Hex(group)) return -1;
    ++groups;
    s.remove_prefix(colon + 1);
  }
}

}  // namespace

constinit const CharTable kCharTable = MakeCharTable();

std::size_t Utf8SequenceLength(std::string_view s, std::size_t pos) noexcept {
  const auto at = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = at(pos);
  std::size_t length;
  unsigned char low = 0x80, high = 0xBF;  // bounds of the second octet
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // no overlong
    if (lead == 0xF4) high = 0x8F;  // <= U+10FFFF
  } else {
    return 0;
  }
  if (s.size() - pos < length) return 0;
  if (at(pos + 1) < low || at(pos + 1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (at(pos + i) < 0x80 || at(pos + i) > 0xBF) return 0;
  }
  return length;
}

bool ParseUint64(std::string_view digits, std::uint64_t* value) noexcept {
  if (digits.empty()) return false;
  std::uint64_t v = 0;
  for (unsigned char c : digits) {
    if (!Is(c, kDigit)) return false;
    const std::uint64_t d = c - '0';
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *value = v;
  return true;
}

Error CheckDomain(std::string_view s, const HostRules& rules) noexcept {
  const bool utf8 = rules.utf8;
  if (s.empty()) return Fail(ErrorCode::kBadDomain, 0);
  const std::size_t n = s.size();
  std::size_t label_start = 0;
  std::size_t i = 0;
  while (i < n) {
    // A run of letters, digits and hyphens: inside it only three things can
    // be wrong, each at a known octet; the earliest is reported.
    const std::size_t run_start = i;
    while (i < n && Is(s[i], kLdh))
      ++i;
    if (i > run_start) {
      std::size_t bad = std::string_view::npos;
      if (run_start == label_start && s[run_start] == '-') bad = run_start;  // leading hyphen
      if (i > label_start + 63) bad = std::min(bad, label_start + 63);       // label > 63
      if (i > 255) bad = std::min(bad, std::size_t{255});                    // domain > 255
      if (bad != std::string_view::npos) return Fail(ErrorCode::kBadDomain, bad);
    }
    if (i == n) break;
    if (i >= 255) return Fail(ErrorCode::kBadDomain, 255);
    const unsigned char c = s[i];
    if (c == '.') {
      if (i == label_start) return Fail(ErrorCode::kBadDomain, i);
      if (s[i - 1] == '-') return Fail(ErrorCode::kBadDomain, i - 1);
      label_start = ++i;
    } else if (c >= 0x80 && utf8) {
      const std::size_t length = Utf8SequenceLength(s, i);
      if (length == 0) return Fail(ErrorCode::kBadDomain, i);
      if (i + length - label_start > 63) return Fail(ErrorCode::kBadDomain, label_start + 63);
      if (i + length > 255) return Fail(ErrorCode::kBadDomain, 255);
      i += length;
    } else {
      return Fail(ErrorCode::kBadDomain, i);
    }
  }
  if (label_start == n) return Fail(ErrorCode::kBadDomain, n - 1);
  if (s.back() == '-') return Fail(ErrorCode::kBadDomain, n - 1);
  // RFC 1123 section 2.1: a top-level label is alphabetic, so a name whose
  // last label is all digits is an address, which belongs in brackets. The
  // domain is a valid prefix until it ends: the error is where it ends.
  bool numeric = true;
  for (std::size_t k = label_start; k < n && numeric; ++k)
    numeric = Is(s[k], kDigit);
  if (numeric) {
    if (!rules.lenient) return Fail(ErrorCode::kBadDomain, n);
    rules.deviations->Add(Deviation::kNumericDomain);
  }
  return {};
}

bool IsIpv4(std::string_view s) noexcept {
  for (int part = 0; part < 4; ++part) {
    const std::size_t dot = s.find('.');
    if ((part < 3) == (dot == std::string_view::npos)) return false;
    if (!IsSnum(s.substr(0, dot))) return false;
    if (part < 3) s.remove_prefix(dot + 1);
  }
  return true;
}

bool IsIpv6(std::string_view s) noexcept {
  const std::size_t gap = s.find("::");
  bool has_v4 = false;
  if (gap == std::string_view::npos) {
    // IPv6-full (8 groups) or IPv6v4-full (6 groups + IPv4 = 8).
    return CountGroups(s, /*allow_v4=*/true, &has_v4) == 8;
  }
  const std::string_view left = s.substr(0, gap);
  const std::string_view right = s.substr(gap + 2);
  if (right.find("::") != std::string_view::npos) return false;
  bool left_v4 = false;
  const int left_groups = CountGroups(left, /*allow_v4=*/false, &left_v4);
  const int right_groups = CountGroups(right, /*allow_v4=*/true, &has_v4);
  if (left_groups < 0 || right_groups < 0) return false;
  // IPv6-comp: at most 6 groups beside "::"; IPv6v4-comp: at most 4 beside
  // "::" and the IPv4 address (which counts as 2 here).
  return left_groups + right_groups <= 6;
}

Error CheckAddressLiteral(std::string_view literal, const HostRules& rules, HostType* type,
                          std::string_view* host) noexcept {
  if (literal.size() < 2 || literal.front() != '[') return Fail(ErrorCode::kBadAddressLiteral, 0);
  if (literal.back() != ']') return Fail(ErrorCode::kBadAddressLiteral, literal.size());
  const std::string_view inner = literal.substr(1, literal.size() - 2);
  const std::size_t colon = inner.find(':');
  if (colon == std::string_view::npos) {
    if (!IsIpv4(inner)) return Fail(ErrorCode::kBadAddressLiteral, 1);
    *type = HostType::kIpv4;
    *host = inner;
    return {};
  }
  const std::string_view tag = inner.substr(0, colon);
  const std::string_view content = inner.substr(colon + 1);
  if (EqualsIgnoreCase(tag, "IPv6")) {
    if (!IsIpv6(content)) return Fail(ErrorCode::kBadAddressLiteral, 1 + colon + 1);
    *type = HostType::kIpv6;
    *host = content;
    return {};
  }
  // RFC 5321 section 4.1.3: a Standardized-tag MUST be registered with IANA,
  // and no tag but IPv6 is. Lenient reads the General-address-literal.
  if (!rules.lenient) return Fail(ErrorCode::kBadAddressLiteral, 1);
  if (!IsLdhStr(tag)) return Fail(ErrorCode::kBadAddressLiteral, 1);
  if (content.empty()) return Fail(ErrorCode::kBadAddressLiteral, 1 + colon + 1);
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (!Is(content[i], kDcontent)) return Fail(ErrorCode::kBadAddressLiteral, 1 + colon + 1 + i);
  }
  rules.deviations->Add(Deviation::kUnregisteredLiteralTag);
  *type = HostType::kGeneral;
  *host = inner;
  return {};
}

Error CheckHost(std::string_view host, const HostRules& rules, HostType* type,
                std::string_view* value) noexcept {
  if (!host.empty() && host.front() == '[') return CheckAddressLiteral(host, rules, type, value);
  const Error e = CheckDomain(host, rules);
  if (e.ok()) {
    *type = HostType::kDomain;
    *value = host;
  }
  return e;
}

std::size_t MatchAtom(std::string_view s, bool utf8) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    if (Is(c, kAtext)) {
      ++i;
    } else if (c >= 0x80 && utf8) {
      const std::size_t n = Utf8SequenceLength(s, i);
      if (n == 0) break;
      i += n;
    } else {
      break;
    }
  }
  return i;
}

// Scans a Quoted-string at the start of `s`. Returns its length, or 0 and
// the offset of the first octet that breaks it in *bad (s.size() when the
// closing quote is missing).
static std::size_t ScanQuotedString(std::string_view s, bool utf8, std::size_t* bad) {
  *bad = 0;
  if (s.empty() || s[0] != '"') return 0;
  std::size_t i = 1;
  while (i < s.size()) {
    const unsigned char c = s[i];
    if (c == '"') return i + 1;
    if (c == '\\') {
      if (i + 1 >= s.size()) break;
      const unsigned char q = s[i + 1];
      if (q < 32 || q > 126) {
        *bad = i + 1;
        return 0;
      }
      i += 2;
    } else if (Is(c, kQtextSmtp)) {
      ++i;
    } else if (c >= 0x80 && utf8 && Utf8SequenceLength(s, i) != 0) {
      i += Utf8SequenceLength(s, i);
    } else {
      *bad = i;
      return 0;
    }
  }
  *bad = s.size();
  return 0;
}

std::size_t MatchQuotedString(std::string_view s, bool utf8) noexcept {
  std::size_t bad;
  return ScanQuotedString(s, utf8, &bad);
}

Error CheckString(std::string_view s, bool utf8) noexcept {
  if (s.empty()) return Fail(ErrorCode::kSyntax, 0);
  std::size_t bad = 0;
  const std::size_t n = s[0] == '"' ? ScanQuotedString(s, utf8, &bad) : MatchAtom(s, utf8);
  if (n == 0 && s[0] == '"') return Fail(ErrorCode::kSyntax, bad);
  if (n != s.size()) return Fail(ErrorCode::kSyntax, n);
  return {};
}

Error CheckMailbox(std::string_view mailbox, const HostRules& rules) noexcept {
  const bool utf8 = rules.utf8;
  std::size_t local_length;
  if (!mailbox.empty() && mailbox[0] == '"') {
    std::size_t bad;
    local_length = ScanQuotedString(mailbox, utf8, &bad);
    if (local_length == 0) return Fail(ErrorCode::kBadPath, bad);
  } else {
    // Dot-string = Atom *("." Atom)
    std::size_t i = 0;
    while (true) {
      const std::size_t n = MatchAtom(mailbox.substr(i), utf8);
      if (n == 0) return Fail(ErrorCode::kBadPath, i);
      i += n;
      if (i < mailbox.size() && mailbox[i] == '.') {
        ++i;
        continue;
      }
      break;
    }
    local_length = i;
  }
  if (local_length > 64) return Fail(ErrorCode::kBadPath, 64);
  if (local_length >= mailbox.size() || mailbox[local_length] != '@') {
    return Fail(ErrorCode::kBadPath, local_length);
  }
  const std::string_view host = mailbox.substr(local_length + 1);
  HostType type;
  std::string_view value;
  Error e = CheckHost(host, rules, &type, &value);
  if (!e.ok()) e.offset += local_length + 1;
  return e;
}

Error MatchPathBody(std::string_view inner, const HostRules& rules, bool allow_null,
                    bool allow_postmaster, std::string_view* mailbox) noexcept {
  if (inner.empty()) {
    if (!allow_null) return Fail(ErrorCode::kBadPath, 0);
    *mailbox = inner;
    return {};
  }
  if (allow_postmaster && EqualsIgnoreCase(inner, "Postmaster")) {
    *mailbox = inner;
    return {};
  }
  std::size_t base = 0;
  if (inner[0] == '@') {
    // A-d-l = At-domain *( "," At-domain ) ":"; accepted and dropped.
    std::size_t i = 0;
    while (true) {
      std::size_t end = i + 1;
      while (end < inner.size() && inner[end] != ',' && inner[end] != ':')
        ++end;
      if (end >= inner.size()) return Fail(ErrorCode::kBadPath, end);
      Error e = CheckDomain(inner.substr(i + 1, end - i - 1), rules);
      if (!e.ok()) {
        e.offset += i + 1;
        return e;
      }
      i = end + 1;
      if (inner[end] == ':') break;
      if (i >= inner.size() || inner[i] != '@') return Fail(ErrorCode::kBadPath, i);
    }
    base = i;
  }
  Error e = CheckMailbox(inner.substr(base), rules);
  if (!e.ok()) {
    e.offset += base;
    return e;
  }
  *mailbox = inner.substr(base);
  return {};
}

Error MatchPath(std::string_view s, const HostRules& rules, bool allow_null, bool allow_postmaster,
                std::size_t* length, std::string_view* mailbox) noexcept {
  if (s.empty() || s[0] != '<') return Fail(ErrorCode::kBadPath, 0);
  // Find the closing '>' outside a quoted local part; a SP ends the search.
  // Without a quote before it (the common case) memchr finds it.
  std::size_t close = std::string_view::npos;
  const std::size_t gt = s.find('>', 1);
  const std::size_t head = gt == std::string_view::npos ? s.size() : gt;
  const std::string_view before = s.substr(0, head);
  if (before.find('"') == std::string_view::npos) {
    if (gt != std::string_view::npos && before.find(' ') == std::string_view::npos) close = gt;
  } else {
    bool quoted = false;
    for (std::size_t i = 1; i < s.size(); ++i) {
      const char c = s[i];
      if (quoted) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '>') {
        close = i;
        break;
      } else if (c == ' ') {
        break;
      }
    }
  }
  if (close == std::string_view::npos) {
    // No '>': the path is malformed. Point at the first octet that cannot
    // belong to it, or else at where the '>' should have been.
    std::size_t end = 1;
    while (end < s.size() && s[end] != ' ')
      ++end;
    std::string_view unused;
    Deviations ignored;  // the path fails either way
    const HostRules probe{rules.utf8, rules.lenient, &ignored};
    const Error inner =
        MatchPathBody(s.substr(1, end - 1), probe, allow_null, allow_postmaster, &unused);
    return Fail(ErrorCode::kBadPath, inner.ok() ? end : 1 + inner.offset);
  }
  *length = close + 1;
  if (*length > 256) return Fail(ErrorCode::kBadPath, 256);
  Error e = MatchPathBody(s.substr(1, close - 1), rules, allow_null, allow_postmaster, mailbox);
  if (!e.ok()) e.offset += 1;
  return e;
}

bool IsEsmtpKeyword(std::string_view s) noexcept {
  if (s.empty() || !IsLetDig(s[0])) return false;
  for (unsigned char c : s) {
    if (!IsLetDig(c) && c != '-') return false;
  }
  return true;
}

bool IsEsmtpValue(std::string_view s, bool utf8) noexcept {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    if (Is(c, kEsmtpValue)) {
      ++i;
    } else if (c >= 0x80 && utf8 && Utf8SequenceLength(s, i) != 0) {
      i += Utf8SequenceLength(s, i);
    } else {
      return false;
    }
  }
  return true;
}

bool IsXtext(std::string_view s, bool lower_hex) noexcept {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = s[i];
    if (c == '+') {
      if (i + 2 >= s.size()) return false;
      for (int k = 1; k <= 2; ++k) {
        const unsigned char h = s[i + k];
        if (!((h >= '0' && h <= '9') || (h >= 'A' && h <= 'F') ||
              (lower_hex && h >= 'a' && h <= 'f'))) {
          return false;
        }
      }
      i += 2;
    } else if (!Is(c, kXchar)) {
      return false;
    }
  }
  return true;
}

std::size_t FindBase64Error(std::string_view s) noexcept {
  if (s.empty()) return 0;
  std::size_t i = 0;
  while (i < s.size() && Is(s[i], kBase64))
    ++i;
  const std::size_t data = i;
  while (i < s.size() && s[i] == '=' && i - data < 2)
    ++i;
  if (i < s.size()) return i;
  if (s.size() % 4 != 0) return s.size();
  return std::string_view::npos;
}

}  // namespace smtp::internal
