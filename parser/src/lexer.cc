#include "lexer.h"

#include <algorithm>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

constexpr std::size_t kNone = std::string_view::npos;

// Octets of the character at s[i] that belongs to a Domain or an atom: one
// for an ASCII octet, the sequence length for well-formed UTF-8 when
// `utf8`, 0 for anything else.
std::size_t Utf8Char(std::string_view s, std::size_t i, bool utf8) {
  if (static_cast<unsigned char>(s[i]) < 0x80) return 1;
  return utf8 ? Utf8SequenceLength(s, i) : 0;
}

// IPv4-address-literal = Snum 3("." Snum), Snum = 1*3DIGIT (0-255), from
// s[pos]. On success returns kNone and sets *end past the last digit (the
// scan takes every digit it meets); otherwise returns the offset of the first
// octet that no IPv4 address can continue with (s.size() when it ends).
std::size_t ScanIpv4(std::string_view s, std::size_t pos, std::size_t* end) {
  std::size_t i = pos;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= s.size() || s[i] != '.') return i;
      ++i;
    }
    unsigned value = 0;
    std::size_t digits = 0;
    while (i < s.size() && Is(s[i], kDigit)) {
      value = value * 10 + static_cast<unsigned>(s[i] - '0');
      if (++digits > 3 || value > 255) return i;  // a 4th digit, or past 255
      ++i;
    }
    if (digits == 0) return i;
  }
  *end = i;
  return kNone;
}

// IPv6-addr (RFC 5321 section 4.1.3: IPv6-full, IPv6-comp, IPv6v4-full,
// IPv6v4-comp) from s[pos], octet by octet. Stops at the first octet that is
// no hex digit, ':' or '.'; returns kNone with *end there when what was read
// is a whole address, else the offset of the first octet that no IPv6
// address can continue with.
std::size_t ScanIpv6(std::string_view s, std::size_t pos, std::size_t* end) {
  int groups = 0;           // complete hex groups (both sides of "::")
  bool compressed = false;  // "::" seen
  int colons = 0;           // colons just read (after the last group)
  int length = 0;           // hex digits of the current group
  bool decimal = true;      // the current group could be an Snum
  unsigned value = 0;       // its decimal value (when decimal)
  std::size_t i = pos;
  for (; i < s.size(); ++i) {
    const unsigned char c = s[i];
    if (Is(c, kHexDigit)) {
      if (length == 0) {
        if (colons == 1 && groups == 0 && !compressed) return i;  // ":1"
        // A new group: at most 8, at most 6 beside "::".
        if (groups + 1 > (compressed ? 6 : 8)) return i;
      }
      if (++length > 4) return i;
      decimal = decimal && Is(c, kDigit);
      if (decimal) value = value * 10 + (c - '0');
      colons = 0;
    } else if (c == ':') {
      if (length > 0) {
        ++groups;
        length = 0;
        decimal = true;
        value = 0;
        colons = 1;
        // Another group must follow, or a "::" (at most 6 groups beside it).
        if (groups >= (compressed ? 6 : 8)) return i;
      } else if (colons == 1) {
        if (compressed || groups > 6) return i;  // a second "::", or 7 groups before it
        compressed = true;
        colons = 2;
      } else if (colons == 2) {
        return i;  // ":::"
      } else {
        colons = 1;  // a leading ':', the start of "::"
      }
    } else if (c == '.') {
      // The current group is the IPv4 address's first Snum: 6 groups before
      // it (IPv6v4-full) or at most 4 beside "::" (IPv6v4-comp).
      if (length == 0 || !decimal || length > 3 || value > 255) return i;
      if (compressed ? groups > 4 : groups != 6) return i;
      std::size_t first_end = 0;
      std::size_t v4 = i - static_cast<std::size_t>(length);
      const std::size_t bad = ScanIpv4(s, v4, &first_end);
      if (bad != kNone) return bad;
      *end = first_end;
      return kNone;
    } else {
      break;
    }
  }
  if (length > 0) {
    ++groups;
  } else if (colons == 1) {
    return i;  // a single ':' at the end
  }
  if (!compressed && groups != 8) return i;
  *end = i;
  return kNone;
}

// The General-address-literal `Standardized-tag ":" 1*dcontent` from s[pos]
// up to its ']' (exclusive). On success returns kNone and sets *end at the
// ']' (or wherever dcontent stops). The tag IPv6 is reserved for IPv6.
std::size_t ScanGeneralLiteral(std::string_view s, std::size_t pos, std::size_t* end) {
  std::size_t i = pos;
  // Standardized-tag = Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig
  while (i < s.size() && Is(s[i], kLdh))
    ++i;
  if (i >= s.size()) return i;
  if (s[i] != ':') return i;
  if (i == pos || s[i - 1] == '-' || EqualsIgnoreCase(s.substr(pos, i - pos), "IPv6")) return i;
  const std::size_t content = ++i;
  while (i < s.size() && Is(s[i], kDcontent))
    ++i;
  if (i == content) return i;
  *end = i;
  return kNone;
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

unsigned LookupParam(std::string_view keyword) noexcept {
  struct Entry {
    std::string_view name;
    KnownParam param;
  };
  static constexpr Entry kParams[] = {
      {"SIZE", kSize},   {"BODY", kBody},      {"SMTPUTF8", kSmtpUtf8},     {"RET", kRet},
      {"ENVID", kEnvid}, {"AUTH", kAuthParam}, {"REQUIRETLS", kRequireTls}, {"NOTIFY", kNotify},
      {"ORCPT", kOrcpt},
  };
  if (keyword.empty()) return 0;
  const char first = ToUpper(keyword[0]);
  for (const Entry& e : kParams) {
    if (e.name[0] == first && EqualsIgnoreCase(keyword, e.name)) return e.param;
  }
  return 0;
}

std::size_t FindSpaceOrTab(std::string_view s, std::size_t from) noexcept {
  const std::size_t n = s.size();
  std::size_t i = from;
#if defined(__SSE2__)
  const __m128i sp = _mm_set1_epi8(' ');
  const __m128i ht = _mm_set1_epi8('\t');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const unsigned mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, ht))));
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < n && s[i] != ' ' && s[i] != '\t')
    ++i;
  return i;
}

bool ParseUint64(std::string_view digits, std::uint64_t* value) noexcept {
  return FindUint64Error(digits, value) == kNone;
}

std::size_t FindUint64Error(std::string_view digits, std::uint64_t* value) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    const unsigned char c = digits[i];
    if (!Is(c, kDigit)) return i;
    const std::uint64_t d = c - '0';
    if (v > (UINT64_MAX - d) / 10) return i;  // the digit that overflows
    v = v * 10 + d;
  }
  if (digits.empty()) return 0;
  *value = v;
  return kNone;
}

Error CheckDomain(std::string_view s, const HostRules& rules) noexcept {
  // Octet by octet: the first octet that no Domain can continue with fails;
  // a Domain that is only unfinished (empty, a trailing dot or hyphen) fails
  // where it ends, at s.size().
  const std::size_t n = s.size();
  std::size_t label_start = 0;
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c == '.') {
      // An empty label, a label ending in '-', or a 256th octet.
      if (i == label_start || s[i - 1] == '-' || i >= 255) return Fail(ErrorCode::kBadDomain, i);
      label_start = ++i;
      continue;
    }
    if (c == '-' && i == label_start) return Fail(ErrorCode::kBadDomain, i);
    // The first octet past the limits: the 64th of the label, the 256th of
    // the domain. What reaches it fails: an LDH octet there, or the UTF-8
    // character it belongs to (at the character's start).
    const std::size_t crossing = std::min<std::size_t>(label_start + 63, 255);
    if (Is(c, kLdh)) {
      // A run of LDH octets at once.
      std::size_t end = i + 1;
      while (end < n && Is(s[end], kLdh))
        ++end;
      if (end > crossing) return Fail(ErrorCode::kBadDomain, crossing);
      i = end;
      continue;
    }
    const std::size_t length = c >= 0x80 ? Utf8Char(s, i, rules.utf8) : 0;
    if (length == 0) return Fail(ErrorCode::kBadDomain, i);
    if (i + length > crossing) return Fail(ErrorCode::kBadDomain, i);
    i += length;
  }
  if (n == 0 || label_start == n || s[n - 1] == '-') return Fail(ErrorCode::kBadDomain, n);
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

Error CheckAddressLiteral(std::string_view literal, const HostRules& rules, HostType* type,
                          std::string_view* host) noexcept {
  if (literal.empty() || literal.front() != '[') return Fail(ErrorCode::kBadAddressLiteral, 0);
  // The alternatives are read side by side; the literal fails at the
  // furthest octet any of them reaches. Each must end in "]" at the end.
  const std::size_t n = literal.size();
  std::size_t furthest = 0;
  const auto closed = [&](std::size_t bad, std::size_t end) {
    if (bad == kNone) {
      if (end >= n || literal[end] != ']') {
        bad = end;
      } else if (end + 1 < n) {
        bad = end + 1;
      }
    }
    if (bad == kNone) return true;
    furthest = std::max(furthest, bad);
    return false;
  };
  std::size_t end = 0;
  std::size_t bad = ScanIpv4(literal, 1, &end);
  if (closed(bad, end)) {
    *type = HostType::kIpv4;
    *host = literal.substr(1, n - 2);
    return {};
  }
  // "IPv6:" IPv6-addr
  bad = kNone;
  constexpr std::string_view kTag = "IPv6:";
  for (std::size_t k = 0; k < kTag.size() && bad == kNone; ++k) {
    if (1 + k >= n || ToUpper(literal[1 + k]) != ToUpper(kTag[k])) bad = 1 + k;
  }
  if (bad == kNone) bad = ScanIpv6(literal, 1 + kTag.size(), &end);
  if (closed(bad, end)) {
    *type = HostType::kIpv6;
    *host = literal.substr(1 + kTag.size(), n - 2 - kTag.size());
    return {};
  }
  // RFC 5321 section 4.1.3: a Standardized-tag MUST be registered with IANA,
  // and no tag but IPv6 is. Lenient reads the General-address-literal.
  if (rules.lenient) bad = ScanGeneralLiteral(literal, 1, &end);
  if (rules.lenient && closed(bad, end)) {
    rules.deviations->Add(Deviation::kUnregisteredLiteralTag);
    *type = HostType::kGeneral;
    *host = literal.substr(1, n - 2);
    return {};
  }
  return Fail(ErrorCode::kBadAddressLiteral, furthest);
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

std::size_t MatchQuotedString(std::string_view s, bool utf8, std::size_t* bad) noexcept {
  *bad = 0;
  if (s.empty() || s[0] != '"') return 0;
  std::size_t i = 1;
  while (i < s.size()) {
    const unsigned char c = s[i];
    if (c == '"') return i + 1;
    if (c == '\\') {
      // quoted-pairSMTP = %d92 %d32-126
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

Error CheckMailbox(std::string_view mailbox, const HostRules& rules) noexcept {
  const bool utf8 = rules.utf8;
  const std::size_t n = mailbox.size();
  // Local-part = Dot-string / Quoted-string, at most 64 octets: the
  // character that would make it 65 fails.
  constexpr std::size_t kMaxLocalPart = 64;
  std::size_t i = 0;
  if (n > 0 && mailbox[0] == '"') {
    std::size_t bad;
    const std::size_t length = MatchQuotedString(mailbox, utf8, &bad);
    const std::size_t scanned = length == 0 ? bad : length;
    if (scanned > kMaxLocalPart) {
      // The octet at 64 is inside the quoted string: it fails, or the
      // first octet of the UTF-8 character it belongs to.
      std::size_t k = kMaxLocalPart;
      while ((static_cast<unsigned char>(mailbox[k]) & 0xC0) == 0x80)
        --k;
      return Fail(ErrorCode::kBadPath, k);
    }
    if (length == 0) return Fail(ErrorCode::kBadPath, bad);
    i = length;
  } else {
    // Dot-string = Atom *("." Atom)
    bool need_atom = true;
    while (i < n) {
      const unsigned char c = mailbox[i];
      std::size_t step = 0;
      if (c == '.') {
        if (need_atom) return Fail(ErrorCode::kBadPath, i);
        need_atom = true;
        step = 1;
      } else if (Is(c, kAtext)) {
        // A run of atext at once; it fails at the 65th octet if it reaches it.
        std::size_t end = i + 1;
        while (end < n && Is(mailbox[end], kAtext))
          ++end;
        if (end > kMaxLocalPart) return Fail(ErrorCode::kBadPath, kMaxLocalPart);
        need_atom = false;
        i = end;
        continue;
      } else if (c >= 0x80) {
        step = Utf8Char(mailbox, i, utf8);
      }
      if (step == 0) break;
      if (c != '.') need_atom = false;
      if (i + step > kMaxLocalPart) return Fail(ErrorCode::kBadPath, i);
      i += step;
    }
    if (need_atom) return Fail(ErrorCode::kBadPath, i);
  }
  if (i >= n || mailbox[i] != '@') return Fail(ErrorCode::kBadPath, i);
  const std::string_view host = mailbox.substr(i + 1);
  HostType type;
  std::string_view value;
  Error e = CheckHost(host, rules, &type, &value);
  if (!e.ok()) e.offset += i + 1;
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
      Error e = CheckDomain(inner.substr(i + 1, end - i - 1), rules);
      if (!e.ok()) {
        e.offset += i + 1;
        return e;
      }
      if (end >= inner.size()) return Fail(ErrorCode::kBadPath, end);
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
  // Find the closing '>' outside a quoted local part; a SP outside one ends
  // the path. Without a quote before it (the common case) memchr finds it.
  std::size_t close = kNone;
  std::size_t stop = s.size();  // where an unterminated path ends
  const std::size_t gt = s.find('>', 1);
  const std::size_t head = gt == kNone ? s.size() : gt;
  const std::string_view before = s.substr(0, head);
  if (before.find('"') == kNone) {
    const std::size_t sp = before.find(' ');
    if (sp != kNone) {
      stop = sp;
    } else if (gt != kNone) {
      close = gt;
    }
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
        stop = i;
        break;
      }
    }
  }
  // Path ≤ 256 octets: the 257th fails, unless the grammar failed before it.
  constexpr std::size_t kMaxPath = 256;
  const std::size_t end = close != kNone ? close : stop;
  std::string_view body_mailbox;
  Deviations found;  // kept only when the path is valid
  const HostRules probe{rules.utf8, rules.lenient, &found};
  Error e = MatchPathBody(s.substr(1, end - 1), probe, allow_null, allow_postmaster, &body_mailbox);
  if (!e.ok()) e.offset += 1;
  if (close == kNone && (e.ok() || e.offset >= end)) e = Fail(ErrorCode::kBadPath, end);
  const std::size_t path_end = close != kNone ? close + 1 : end + 1;
  if (path_end > kMaxPath && (e.ok() || e.offset >= kMaxPath)) {
    e = Fail(ErrorCode::kBadPath, kMaxPath);
  }
  if (e.ok()) {
    *length = close + 1;
    *mailbox = body_mailbox;
    if (rules.lenient) rules.deviations->Add(found);
  }
  return e;
}

std::size_t FindEsmtpValueError(std::string_view s, bool utf8) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    if (Is(c, kEsmtpValue)) {
      ++i;
    } else if (c >= 0x80 && utf8 && Utf8SequenceLength(s, i) != 0) {
      i += Utf8SequenceLength(s, i);
    } else {
      return i;
    }
  }
  return s.empty() ? 0 : kNone;
}

std::size_t FindXtextError(std::string_view s, bool lower_hex) noexcept {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = s[i];
    if (c == '+') {
      // hexchar = "+" 2(DIGIT / "A"-"F")
      for (std::size_t k = 1; k <= 2; ++k) {
        if (i + k >= s.size()) return s.size();
        const unsigned char h = s[i + k];
        if (!((h >= '0' && h <= '9') || (h >= 'A' && h <= 'F') ||
              (lower_hex && h >= 'a' && h <= 'f'))) {
          return i + k;
        }
      }
      i += 2;
    } else if (!Is(c, kXchar)) {
      return i;
    }
  }
  return kNone;
}

std::size_t FindBase64Error(std::string_view s) noexcept {
  // base64 = *(4base64-char) [base64-terminal], padding only in the last
  // quantum: "xx==" or "xxx=". Octet by octet, then the length at the end.
  std::size_t pad = 0;       // '=' read
  std::size_t pad_from = 0;  // the quantum position of the first
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = s[i];
    const std::size_t q = i % 4;
    if (pad > 0) {
      // Only the second '=' of "xx==" may follow a '='.
      if (c != '=' || pad_from != 2 || q != 3) return i;
      ++pad;
    } else if (c == '=') {
      if (q < 2) return i;
      pad = 1;
      pad_from = q;
    } else if (!Is(c, kBase64)) {
      return i;
    }
  }
  if (s.empty() || s.size() % 4 != 0) return s.size();
  return kNone;
}

}  // namespace smtp::internal
