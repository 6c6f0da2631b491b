// fuzz/oracle/oracle.cc: see oracle.h. Written from RFC 5321, the extension
// RFCs named in SPEC.md, SPEC.md itself and docs/decisions.md; nothing here is
// taken from parser/.
#include "oracle/oracle.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace oracle {
namespace {

// ---------------------------------------------------------------- characters

bool IsAlpha(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool IsDigit(unsigned char c) {
  return c >= '0' && c <= '9';
}
bool IsHexDig(unsigned char c) {
  return IsDigit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}
bool IsLetDig(unsigned char c) {
  return IsAlpha(c) || IsDigit(c);
}

// RFC 5322 atext, plus UTF8-non-ascii with SMTPUTF8 (RFC 6531 section 3.3).
bool IsAtext(unsigned char c, bool utf8) {
  if (IsLetDig(c)) return true;
  if (utf8 && c >= 0x80) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

// RFC 5321 qtextSMTP (+ UTF8-non-ascii).
bool IsQtext(unsigned char c, bool utf8) {
  if (utf8 && c >= 0x80) return true;
  return c == 32 || c == 33 || (c >= 35 && c <= 91) || (c >= 93 && c <= 126);
}

// RFC 3461 xchar: "!" .. "~" except "+" and "=".
bool IsXchar(unsigned char c) {
  return c >= 33 && c <= 126 && c != '+' && c != '=';
}

bool IsUpperHex(unsigned char c) {
  return IsDigit(c) || (c >= 'A' && c <= 'F');
}

char Upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string ToUpper(std::string_view s) {
  std::string out;
  for (char c : s)
    out.push_back(Upper(c));
  return out;
}

bool IEquals(std::string_view a, std::string_view b) {
  return ToUpper(a) == ToUpper(b);
}

bool IStartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && IEquals(s.substr(0, prefix.size()), prefix);
}

// --------------------------------------------------------------- octet rules

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629 table), or 0.
std::size_t Utf8Length(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) -> int {
    return k < s.size() ? static_cast<unsigned char>(s[k]) : -1;
  };
  auto tail = [&](std::size_t k) { return at(k) >= 0x80 && at(k) <= 0xBF; };
  const int c = at(i);
  if (c >= 0xC2 && c <= 0xDF) return tail(i + 1) ? 2 : 0;
  if (c == 0xE0) return (at(i + 1) >= 0xA0 && at(i + 1) <= 0xBF && tail(i + 2)) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
    return (tail(i + 1) && tail(i + 2)) ? 3 : 0;
  }
  if (c == 0xED) return (at(i + 1) >= 0x80 && at(i + 1) <= 0x9F && tail(i + 2)) ? 3 : 0;
  if (c == 0xF0) {
    return (at(i + 1) >= 0x90 && at(i + 1) <= 0xBF && tail(i + 2) && tail(i + 3)) ? 4 : 0;
  }
  if (c >= 0xF1 && c <= 0xF3) return (tail(i + 1) && tail(i + 2) && tail(i + 3)) ? 4 : 0;
  if (c == 0xF4) {
    return (at(i + 1) >= 0x80 && at(i + 1) <= 0x8F && tail(i + 2) && tail(i + 3)) ? 4 : 0;
  }
  return 0;
}

// decisions.md step 3: a CR (any CR inside line content is bare), NUL,
// controls except HT, DEL, 8-bit without utf8, malformed UTF-8 with it.
Outcome ScanOctets(std::string_view content, bool utf8) {
  Outcome out;
  for (std::size_t i = 0; i < content.size();) {
    const unsigned char c = static_cast<unsigned char>(content[i]);
    if (c == '\r') {
      out.error = "bare_cr";
      out.offset = i;
      return out;
    }
    if ((c < 0x20 && c != '\t') || c == 0x7F) {
      out.error = "bad_char";
      out.offset = i;
      return out;
    }
    if (c >= 0x80) {
      const std::size_t n = utf8 ? Utf8Length(content, i) : 0;
      if (n == 0) {
        out.error = "bad_char";
        out.offset = i;
        return out;
      }
      i += n;
      continue;
    }
    ++i;
  }
  return out;
}

// One line inside `text` starting at `start`: framing, line end, octets.
struct FramedLine {
  Outcome outcome;       // offsets absolute within `text`
  std::string content;   // without terminator
  std::size_t next = 0;  // offset after the LF
};

FramedLine FrameLine(std::string_view text, std::size_t start, std::size_t limit,
                     const Options& options, bool whole_input_is_one_line) {
  FramedLine f;
  const std::size_t lf = text.find('\n', start);
  if (lf == std::string_view::npos) {
    f.outcome.error = "incomplete";
    f.outcome.offset = text.size();
    return f;
  }
  if (whole_input_is_one_line && lf + 1 != text.size()) {
    f.outcome.error = "syntax";
    f.outcome.offset = lf + 1;
    return f;
  }
  f.next = lf + 1;
  if (lf + 1 - start > limit) {
    f.outcome.error = "line_too_long";
    f.outcome.offset = start + limit;
    return f;
  }
  std::size_t content_end = lf;
  if (lf > start && text[lf - 1] == '\r') {
    content_end = lf - 1;
  } else if (options.lenient) {
    f.outcome.deviations.insert("bare_lf");
  } else {
    f.outcome.error = "bare_lf";
    f.outcome.offset = lf;
    return f;
  }
  f.content = std::string(text.substr(start, content_end - start));
  Outcome octets = ScanOctets(f.content, options.utf8);
  if (!octets.ok()) {
    f.outcome.error = octets.error;
    f.outcome.offset = start + octets.offset;
  }
  return f;
}

// ------------------------------------------------- the first offending octet

// SPEC section 4: an error is at the first octet at which the record stops
// being the beginning of any valid record. Each rule below is written as two
// predicates, "is this a beginning of a valid token" and "is this a valid
// token", and FirstBad finds the octet from them by brute force. Length
// limits are separate: they fail at the octet that exceeds them.

constexpr std::size_t kValid = std::string::npos;

template <class Viable, class Valid>
std::size_t FirstBad(std::string_view t, const Viable& viable, const Valid& valid) {
  for (std::size_t k = 0; k < t.size(); ++k) {
    if (!viable(t.substr(0, k + 1))) return k;
  }
  return valid(t) ? kValid : t.size();
}

// The octet at `limit` when `t` is longer (backed up to the first octet of
// its UTF-8 character), else kValid.
std::size_t Crossing(std::string_view t, std::size_t limit) {
  if (t.size() <= limit) return kValid;
  while (limit > 0 && (static_cast<unsigned char>(t[limit]) & 0xC0) == 0x80)
    --limit;
  return limit;
}

std::size_t Earliest(std::size_t a, std::size_t b) {
  return a < b ? a : b;  // kValid is the largest size_t
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> parts;
  std::size_t b = 0;
  while (true) {
    const std::size_t e = s.find(sep, b);
    if (e == std::string_view::npos) {
      parts.emplace_back(s.substr(b));
      return parts;
    }
    parts.emplace_back(s.substr(b, e - b));
    b = e + 1;
  }
}

bool AllOf(std::string_view s, bool (*pred)(unsigned char)) {
  for (char c : s) {
    if (!pred(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsLdh(unsigned char c) {
  return IsLetDig(c) || c == '-';
}

// ------------------------------------------------------------------ Domain

// sub-domain = Let-dig [Ldh-str]; U-labels with utf8 (any 8-bit octet: the
// octet scan already refused malformed UTF-8).
bool DomainViable(std::string_view p, bool utf8) {
  const std::vector<std::string> labels = Split(p, '.');
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::string& label = labels[i];
    const bool last = i + 1 == labels.size();
    for (char ch : label) {
      const unsigned char c = static_cast<unsigned char>(ch);
      if (!(IsLdh(c) || (utf8 && c >= 0x80))) return false;
    }
    if (!last && label.empty()) return false;
    if (!label.empty() && label[0] == '-') return false;
    if (!last && label.back() == '-') return false;
  }
  return true;
}

bool NumericLastLabel(std::string_view d) {
  const std::size_t dot = d.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? d : d.substr(dot + 1);
  return !last.empty() && AllOf(last, IsDigit);
}

// The grammar without the lengths; strict refuses an all-digit last label
// (RFC 1123 section 2.1), lenient takes it as numeric_domain.
bool DomainComplete(std::string_view d, const Options& o) {
  if (d.empty() || !DomainViable(d, o.utf8)) return false;
  if (d.back() == '.' || d.back() == '-') return false;
  return o.lenient || !NumericLastLabel(d);
}

// kValid or the offset of the first offending octet of Domain `d`.
std::size_t DomainBad(std::string_view d, const Options& o) {
  std::size_t bad = FirstBad(
      d, [&](std::string_view p) { return DomainViable(p, o.utf8); },
      [&](std::string_view x) { return DomainComplete(x, o); });
  std::size_t start = 0;
  while (true) {  // labels of 1-63 octets
    const std::size_t end = d.find('.', start);
    const std::string_view label =
        d.substr(start, end == std::string_view::npos ? end : end - start);
    const std::size_t c = Crossing(label, 63);
    if (c != kValid) bad = Earliest(bad, start + c);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return Earliest(bad, Crossing(d, 255));  // the whole domain: 255 octets
}

// ---------------------------------------------------------- address literal

bool IsSnum(std::string_view s) {
  if (s.empty() || s.size() > 3 || !AllOf(s, IsDigit)) return false;
  return std::stoi(std::string(s)) <= 255;
}

bool IsIPv4(std::string_view s) {
  const std::vector<std::string> parts = Split(s, '.');
  if (parts.size() != 4) return false;
  for (const std::string& p : parts) {
    if (!IsSnum(p)) return false;
  }
  return true;
}

bool IsHexGroup(std::string_view g) {
  return !g.empty() && g.size() <= 4 && AllOf(g, IsHexDig);
}

// IPv6-full / IPv6-comp / IPv6v4-full / IPv6v4-comp (RFC 5321 4.1.3).
bool IsIPv6(std::string_view s) {
  const std::size_t dc = s.find("::");
  if (dc == std::string_view::npos) {
    const std::vector<std::string> g = Split(s, ':');
    if (!g.empty() && g.back().find('.') != std::string::npos) {
      if (g.size() != 7 || !IsIPv4(g.back())) return false;
      for (std::size_t i = 0; i < 6; ++i) {
        if (!IsHexGroup(g[i])) return false;
      }
      return true;
    }
    if (g.size() != 8) return false;
    for (const std::string& x : g) {
      if (!IsHexGroup(x)) return false;
    }
    return true;
  }
  if (s.find("::", dc + 1) != std::string_view::npos) return false;
  const std::string_view left = s.substr(0, dc);
  const std::string_view right = s.substr(dc + 2);
  std::vector<std::string> lg, rg;
  if (!left.empty()) lg = Split(left, ':');
  if (!right.empty()) rg = Split(right, ':');
  for (const std::string& x : lg) {
    if (!IsHexGroup(x)) return false;
  }
  bool v4 = false;
  if (!rg.empty() && rg.back().find('.') != std::string::npos) {
    if (!IsIPv4(rg.back())) return false;
    rg.pop_back();
    v4 = true;
  }
  for (const std::string& x : rg) {
    if (!IsHexGroup(x)) return false;
  }
  return lg.size() + rg.size() <= (v4 ? 4u : 6u);
}

// Every string of at most 6 octets over "0", ":" and ".", shortest first:
// enough to finish any beginning of an IPv6 address (a group, a "::", the
// rest of an IPv4 address).
const std::vector<std::string>& Ipv6Completions() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> out{""};
    for (std::size_t from = 0; out.size() < 1093; ++from) {
      for (char c : std::string_view("0:.")) {
        out.push_back(out[from] + c);
      }
    }
    return out;
  }();
  return all;
}

bool Ipv6ContentViable(std::string_view r) {
  for (char c : r) {
    if (!(IsHexDig(static_cast<unsigned char>(c)) || c == ':' || c == '.')) return false;
  }
  for (const std::string& c : Ipv6Completions()) {
    if (IsIPv6(std::string(r) + c)) return true;
  }
  return false;
}

bool IsDcontent(unsigned char c) {
  return (c >= 33 && c <= 90) || (c >= 94 && c <= 126);
}

bool IsLdhStr(std::string_view s) {
  // Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig
  return !s.empty() && AllOf(s, IsLdh) && IsLetDig(static_cast<unsigned char>(s.back()));
}

// `x` is what follows the "[": a beginning of each form?
bool Ipv4LiteralViable(std::string_view x) {
  const std::size_t close = x.find(']');
  if (close != std::string_view::npos) {
    return close + 1 == x.size() && IsIPv4(x.substr(0, close));
  }
  const std::vector<std::string> parts = Split(x, '.');
  if (parts.size() > 4) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (part.empty() ? i + 1 < parts.size() : !IsSnum(part)) return false;
  }
  return true;
}

bool Ipv6LiteralViable(std::string_view x) {
  constexpr std::string_view kTag = "IPv6:";
  if (x.size() <= kTag.size()) return IStartsWith(kTag, x);
  if (!IStartsWith(x, kTag)) return false;
  const std::string_view r = x.substr(kTag.size());
  const std::size_t close = r.find(']');
  if (close != std::string_view::npos) {
    return close + 1 == r.size() && IsIPv6(r.substr(0, close));
  }
  return Ipv6ContentViable(r);
}

bool GeneralLiteralViable(std::string_view x) {
  const std::size_t colon = x.find(':');
  if (colon == std::string_view::npos) return AllOf(x, IsLdh);
  const std::string_view tag = x.substr(0, colon);
  if (!IsLdhStr(tag) || IEquals(tag, "IPv6")) return false;  // IPv6 is reserved
  const std::string_view rest = x.substr(colon + 1);
  const std::size_t close = rest.find(']');
  if (close == std::string_view::npos) return AllOf(rest, IsDcontent);
  return close > 0 && close + 1 == rest.size() && AllOf(rest.substr(0, close), IsDcontent);
}

// General-address-literal: strict refuses every tag (none but IPv6 is
// registered, RFC 5321 4.1.3); lenient takes it as unregistered_literal_tag.
bool LiteralViable(std::string_view p, bool lenient) {
  if (p.empty() || p[0] != '[') return false;
  const std::string_view x = p.substr(1);
  return Ipv4LiteralViable(x) || Ipv6LiteralViable(x) || (lenient && GeneralLiteralViable(x));
}

bool LiteralValid(std::string_view t, bool lenient, std::string* type, std::string* host) {
  if (t.size() < 2 || t[0] != '[' || t.back() != ']') return false;
  const std::string_view inner = t.substr(1, t.size() - 2);
  if (inner.find(']') != std::string_view::npos) return false;
  if (IsIPv4(inner)) {
    *type = "ipv4";
    *host = std::string(inner);
    return true;
  }
  if (IStartsWith(inner, "IPv6:") && IsIPv6(inner.substr(5))) {
    *type = "ipv6";
    *host = std::string(inner.substr(5));
    return true;
  }
  if (lenient && GeneralLiteralViable(std::string(inner) + "]")) {
    *type = "general";
    *host = std::string(inner);
    return true;
  }
  return false;
}

std::size_t LiteralBad(std::string_view t, bool lenient) {
  std::string type, host;
  return FirstBad(
      t, [&](std::string_view p) { return LiteralViable(p, lenient); },
      [&](std::string_view x) { return LiteralValid(x, lenient, &type, &host); });
}

// ------------------------------------------------------------------ Mailbox

// How far `p` looks like a Local-part: through the closing quote of a
// Quoted-string (all of `p` while it is open), or the run of atext and dots.
std::size_t LocalExtent(std::string_view p, bool utf8) {
  if (!p.empty() && p[0] == '"') {
    for (std::size_t i = 1; i < p.size(); ++i) {
      if (p[i] == '\\') {
        ++i;
      } else if (p[i] == '"') {
        return i + 1;
      }
    }
    return p.size();
  }
  std::size_t i = 0;
  while (i < p.size() && (p[i] == '.' || IsAtext(static_cast<unsigned char>(p[i]), utf8)))
    ++i;
  return i;
}

// Local-part = Dot-string / Quoted-string: is `p` a beginning of one?
bool LocalViable(std::string_view p, bool utf8) {
  if (p.empty()) return true;
  if (p[0] == '"') {
    for (std::size_t i = 1; i < p.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(p[i]);
      if (c == '"') return i + 1 == p.size();
      if (c == '\\') {
        if (i + 1 == p.size()) return true;
        const unsigned char q = static_cast<unsigned char>(p[i + 1]);
        if (q < 32 || q > 126) return false;  // quoted-pairSMTP
        ++i;
        continue;
      }
      if (!IsQtext(c, utf8)) return false;
    }
    return true;
  }
  if (p[0] == '.' || p.find("..") != std::string_view::npos) return false;
  for (char c : p) {
    if (c != '.' && !IsAtext(static_cast<unsigned char>(c), utf8)) return false;
  }
  return true;
}

bool LocalValid(std::string_view l, bool utf8) {
  if (l.empty() || !LocalViable(l, utf8)) return false;
  if (l[0] == '"') {
    // Closed by its last octet: a '"' that no backslash escapes.
    std::size_t i = 1;
    while (i < l.size() && l[i] != '"')
      i += l[i] == '\\' ? 2 : 1;
    return i + 1 == l.size();
  }
  return l.back() != '.';
}

bool HostViable(std::string_view h, const Options& o) {
  if (!h.empty() && h[0] == '[') return LiteralViable(h, o.lenient);
  return DomainViable(h, o.utf8);
}

bool MailboxViable(std::string_view p, const Options& o) {
  const std::size_t local = LocalExtent(p, o.utf8);
  if (local == p.size()) return LocalViable(p, o.utf8);
  if (p[local] != '@' || !LocalValid(p.substr(0, local), o.utf8)) return false;
  return HostViable(p.substr(local + 1), o);
}

// Mailbox = Local-part "@" ( Domain / address-literal ), the local part at
// most 64 octets. The code names the part the offending octet breaks.
Outcome MailboxBad(std::string_view m, const Options& o, std::string* host_type) {
  Outcome out;
  const std::size_t local = LocalExtent(m, o.utf8);
  std::string type, value;
  const auto valid = [&](std::string_view x) {
    const std::size_t l = LocalExtent(x, o.utf8);
    if (l >= x.size() || x[l] != '@' || !LocalValid(x.substr(0, l), o.utf8)) return false;
    const std::string_view h = x.substr(l + 1);
    if (!h.empty() && h[0] == '[') return LiteralValid(h, o.lenient, &type, &value);
    return DomainComplete(h, o);
  };
  std::size_t bad = FirstBad(
      m, [&](std::string_view p) { return MailboxViable(p, o); }, valid);
  std::string code = "bad_path";
  const bool has_host =
      local < m.size() && m[local] == '@' && LocalValid(m.substr(0, local), o.utf8);
  if (has_host) {
    const std::string_view h = m.substr(local + 1);
    const bool literal = !h.empty() && h[0] == '[';
    if (!literal)
      bad = Earliest(bad, [&] {  // the Domain's lengths
        const std::size_t d = DomainBad(h, o);
        return d == kValid ? kValid : local + 1 + d;
      }());
    if (bad != kValid && bad > local) code = literal ? "bad_address_literal" : "bad_domain";
    *host_type = literal ? type : "domain";
  }
  const std::size_t over = Crossing(m.substr(0, local), 64);
  if (over != kValid && over <= bad) {
    bad = over;
    code = "bad_path";
  }
  if (bad != kValid) {
    out.error = code;
    out.offset = bad;
  }
  return out;
}

// ------------------------------------------------------------------- params

bool IsKeyword(std::string_view k) {
  // esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
  return !k.empty() && IsLetDig(static_cast<unsigned char>(k[0])) && AllOf(k, IsLdh);
}

bool IsEsmtpValueOctet(unsigned char u) {
  return u >= 33 && u <= 126 && u != '=';  // %d33-60 / %d62-126
}

// xtext = *( xchar / hexchar ); hexchar = "+" 2(DIGIT / "A".."F"). RFC 4954
// section 8 (the AUTH= parameter) reads the hex digits case-insensitively.
bool XtextViable(std::string_view v, bool any_case_hex) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c == '+') {
      for (std::size_t k = i + 1; k <= i + 2 && k < v.size(); ++k) {
        const unsigned char h = static_cast<unsigned char>(v[k]);
        if (!(IsUpperHex(h) || (any_case_hex && h >= 'a' && h <= 'f'))) return false;
      }
      i += 2;
      continue;
    }
    if (!IsXchar(c)) return false;
  }
  return true;
}

bool XtextValid(std::string_view v, bool any_case_hex) {
  if (!XtextViable(v, any_case_hex)) return false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '+') {
      if (i + 2 >= v.size()) return false;  // a hexchar cut short
      i += 2;
    }
  }
  return true;
}

// A decimal string of digits, compared with 2^64-1 as text.
bool FitsIn64Bits(std::string_view digits) {
  while (digits.size() > 1 && digits[0] == '0')
    digits.remove_prefix(1);
  const std::string_view max = "18446744073709551615";
  if (digits.size() != max.size()) return digits.size() < max.size();
  return digits <= max;
}

// Digits that fit in 64 bits: the first non-digit, or the digit that
// overflows; the end when there are none.
std::size_t NumberBad(std::string_view v) {
  return FirstBad(
      v, [](std::string_view p) { return AllOf(p, IsDigit) && FitsIn64Bits(p); },
      [](std::string_view x) { return !x.empty() && AllOf(x, IsDigit) && FitsIn64Bits(x); });
}

std::size_t ChoiceBad(std::string_view v, std::vector<std::string_view> choices) {
  return FirstBad(
      v,
      [&](std::string_view p) {
        for (std::string_view c : choices) {
          if (IStartsWith(c, p)) return true;
        }
        return false;
      },
      [&](std::string_view x) {
        for (std::string_view c : choices) {
          if (IEquals(c, x)) return true;
        }
        return false;
      });
}

// RFC 3461: "NEVER" / 1#( "SUCCESS" / "FAILURE" / "DELAY" ), no repeats.
bool NotifyViable(std::string_view p, bool complete) {
  const std::vector<std::string> items = Split(p, ',');
  std::set<std::string> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string u = ToUpper(items[i]);
    const bool last = i + 1 == items.size();
    const bool whole = !last || complete;
    bool ok = false;
    for (std::string_view c : {"NEVER", "SUCCESS", "FAILURE", "DELAY"}) {
      if (c == "NEVER" && items.size() > 1) continue;
      if (seen.count(std::string(c)) != 0) continue;
      if (whole ? u == c : IStartsWith(c, u)) ok = true;
    }
    if (!ok) return false;
    seen.insert(u);
  }
  return true;
}

// RFC 6533 section 3 (with utf8): utf-8-addr-unitext = 1*( QUCHAR /
// EmbeddedUnicodeChar ), EmbeddedUnicodeChar = "\x{" HEXPOINT "}".
bool HexpointValid(std::string_view h) {
  if (h.size() < 2 || h.size() > 6 || !AllOf(h, IsHexDig)) return false;
  const unsigned long v = std::stoul(std::string(h), nullptr, 16);
  if (h.size() == 2) {
    if ((h[0] == '0' || h[0] == '1') && h[1] >= '1' && h[1] <= '9') return true;
    return v == 0x10 || v == 0x20 || v == 0x2B || v == 0x3D || v == 0x7F || v == 0x5C || v >= 0x80;
  }
  if (h[0] == '0') return false;  // shortest form
  if (h.size() == 4 && v >= 0xD800 && v <= 0xDFFF) return false;
  return h.size() != 6 || (h[0] == '1' && h[1] == '0');
}

bool HexpointViable(std::string_view h) {
  // Some 2-6 digit HEXPOINT begins with h: try every completion's shape.
  if (h.size() > 6 || !AllOf(h, IsHexDig)) return false;
  if (HexpointValid(h)) return true;
  for (std::size_t more = 1; h.size() + more <= 6; ++more) {
    for (std::string_view fill : {"0", "1", "8", "A"}) {
      std::string x(h);
      for (std::size_t k = 0; k < more; ++k)
        x += fill;
      if (HexpointValid(x)) return true;
    }
  }
  return false;
}

bool UnitextViable(std::string_view p, bool complete) {
  std::size_t i = 0;
  while (i < p.size()) {
    const unsigned char c = static_cast<unsigned char>(p[i]);
    if (c == '\\') {
      const std::string_view rest = p.substr(i);
      const std::size_t close = rest.find('}');
      const std::string_view open = rest.substr(0, 3);
      if (!std::string_view("\\x{").starts_with(open)) return false;
      if (close == std::string_view::npos) {
        if (complete) return false;
        return rest.size() <= 3 || HexpointViable(rest.substr(3));
      }
      if (open != "\\x{" || !HexpointValid(rest.substr(3, close - 3))) return false;
      i += close + 1;
      continue;
    }
    if (!(c >= 0x80 || (c >= 0x21 && c <= 0x7E && c != '+' && c != '='))) return false;
    ++i;
  }
  return !complete || !p.empty();
}

// ORCPT = addr-type ";" xtext (utf-8 addr-type with utf8: also unitext).
bool OrcptViable(std::string_view p, bool utf8, bool complete) {
  const std::size_t semi = p.find(';');
  const std::string_view type = p.substr(0, semi);
  for (char c : type) {
    if (!IsAtext(static_cast<unsigned char>(c), false)) return false;
  }
  if (semi == std::string_view::npos) return !complete;
  if (semi == 0) return false;
  const std::string_view addr = p.substr(semi + 1);
  const bool x = complete ? XtextValid(addr, false) : XtextViable(addr, false);
  return x || (utf8 && IEquals(type, "utf-8") && UnitextViable(addr, complete));
}

// The value of a known parameter (RFC 1870, 6152, 3030, 3461, 4954).
std::size_t KnownValueBad(const std::string& upper, std::string_view v, const Options& o) {
  if (upper == "SIZE") return Earliest(NumberBad(v), v.size() > 20 ? 20 : kValid);
  if (upper == "BODY") return ChoiceBad(v, {"7BIT", "8BITMIME", "BINARYMIME"});
  if (upper == "RET") return ChoiceBad(v, {"FULL", "HDRS"});
  if (upper == "ENVID") {
    return Earliest(FirstBad(
                        v, [](std::string_view p) { return XtextViable(p, false); },
                        [](std::string_view x) { return XtextValid(x, false); }),
                    Crossing(v, 100));
  }
  if (upper == "AUTH") {
    return FirstBad(
        v, [](std::string_view p) { return XtextViable(p, true); },
        [](std::string_view x) { return XtextValid(x, true); });
  }
  if (upper == "NOTIFY") {
    return FirstBad(
        v, [](std::string_view p) { return NotifyViable(p, false); },
        [](std::string_view x) { return NotifyViable(x, true); });
  }
  if (upper == "ORCPT") {
    return Earliest(FirstBad(
                        v, [&](std::string_view p) { return OrcptViable(p, o.utf8, false); },
                        [&](std::string_view x) { return OrcptViable(x, o.utf8, true); }),
                    Crossing(v, 500));
  }
  return kValid;
}

// ------------------------------------------------------- recursive descent

// A cursor over one line's content with the first error it met.
class Parser {
 public:
  Parser(std::string s, const Options& options, std::set<std::string>* deviations)
      : s_(std::move(s)), options_(options), deviations_(deviations) {}

  const std::string& s() const { return s_; }
  std::size_t pos() const { return pos_; }
  void set_pos(std::size_t p) { pos_ = p; }
  bool AtEnd() const { return pos_ >= s_.size(); }
  int Peek(std::size_t ahead = 0) const {
    return pos_ + ahead < s_.size() ? static_cast<unsigned char>(s_[pos_ + ahead]) : -1;
  }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  std::size_t error_offset() const { return error_offset_; }
  const Options& options() const { return options_; }
  void Deviate(const char* name) { deviations_->insert(name); }
  const std::set<std::string>& deviations() const { return *deviations_; }
  void RestoreDeviations(const std::set<std::string>& d) { *deviations_ = d; }

  bool Fail(const std::string& code, std::size_t offset) {
    if (error_.empty()) {
      error_ = code;
      error_offset_ = offset;
    }
    return false;
  }

  // The token from pos_ to the next SP or HT or the end (an HT between or
  // after tokens is `syntax`).
  std::string Token() const {
    const std::size_t sp = s_.find_first_of(" \t", pos_);
    return s_.substr(pos_, sp == std::string::npos ? std::string::npos : sp - pos_);
  }

  // One SP between tokens; lenient takes more and names the deviation.
  // Strict: a second SP is `syntax` at it. A token must follow: a SP at the
  // end of the line is `syntax` at the line end.
  bool Sp(const char* code_if_missing) {
    if (Peek() != ' ') return Fail(code_if_missing, pos_);
    ++pos_;
    if (Peek() == ' ') {
      if (!options_.lenient) return Fail("syntax", pos_);
      while (Peek() == ' ')
        ++pos_;
      Deviate("extra_space");
    }
    if (AtEnd() || Peek() == '\t') return Fail("syntax", pos_);
    return true;
  }

  // `word` (any case) next: the first octet that differs, or the line end.
  bool Word(std::string_view word) {
    const std::size_t bad = FirstBad(
        std::string_view(s_).substr(pos_, word.size()),
        [&](std::string_view p) { return IStartsWith(word, p); },
        [&](std::string_view x) { return IEquals(word, x); });
    if (bad != kValid) return Fail("syntax", pos_ + bad);
    pos_ += word.size();
    return true;
  }

  // Domain up to the next SP (HELO/EHLO): LDH labels / A-labels only,
  // whatever the options (RFC 6531 3.7.1).
  bool Domain(std::string* out) {
    const std::string d = Token();
    Options ascii = options_;
    ascii.utf8 = false;
    const std::size_t bad = DomainBad(d, ascii);
    if (bad != kValid) return Fail("bad_domain", pos_ + bad);
    if (NumericLastLabel(d)) Deviate("numeric_domain");
    *out = d;
    pos_ += d.size();
    return true;
  }

  bool AddressLiteral(std::string* type, std::string* host) {
    const std::string t = Token();
    const std::size_t bad = LiteralBad(t, options_.lenient);
    if (bad != kValid) return Fail("bad_address_literal", pos_ + bad);
    LiteralValid(t, options_.lenient, type, host);
    if (*type == "general") Deviate("unregistered_literal_tag");
    pos_ += t.size();
    return true;
  }

  // Path = "<" [ A-d-l ":" ] Mailbox ">"; *mailbox without the source route.
  // The path ends at its ">" outside a quoted string, or (unterminated) at
  // the first SP outside one; it is at most 256 octets.
  bool Path(std::string* mailbox, bool allow_null, bool allow_postmaster) {
    const std::size_t start = pos_;
    if (Peek() != '<') return Fail("bad_path", pos_);
    std::size_t close = std::string::npos;
    std::size_t stop = s_.size();
    bool quoted = false;
    for (std::size_t i = start + 1; i < s_.size(); ++i) {
      const char c = s_[i];
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
    const std::size_t end = close != std::string::npos ? close : stop;
    const std::string body = s_.substr(start + 1, end - start - 1);
    std::set<std::string> found;
    Outcome o = PathBody(body, allow_null, allow_postmaster, &found);
    std::size_t at = o.ok() ? kValid : start + 1 + o.offset;
    std::string code = o.error;
    if (close == std::string::npos && (o.ok() || at >= end)) {
      at = end;
      code = "bad_path";
    }
    if (end - start >= 256 && (at == kValid || at >= start + 256)) {
      at = start + 256;
      code = "bad_path";
    }
    if (at != kValid) return Fail(code, at);
    for (const std::string& d : found)
      Deviate(d.c_str());
    const std::size_t colon = !body.empty() && body[0] == '@' ? body.find(':') + 1 : 0;
    *mailbox = body.substr(colon);
    pos_ = close + 1;
    return true;
  }

 private:
  Outcome PathBody(const std::string& body, bool allow_null, bool allow_postmaster,
                   std::set<std::string>* found) {
    Outcome out;
    auto fail = [&](const char* code, std::size_t at) {
      out.error = code;
      out.offset = at;
      return out;
    };
    if (body.empty()) return allow_null ? out : fail("bad_path", 0);
    if (allow_postmaster && IEquals(body, "Postmaster")) return out;
    std::size_t i = 0;
    if (body[0] == '@') {
      // A-d-l = At-domain *( "," At-domain ) ":", At-domain = "@" Domain
      while (true) {
        const std::size_t end = std::min(body.find_first_of(",:", i + 1), body.size());
        const std::string d = body.substr(i + 1, end - i - 1);
        const std::size_t bad = DomainBad(d, options_);
        if (bad != kValid) return fail("bad_domain", i + 1 + bad);
        if (NumericLastLabel(d)) found->insert("numeric_domain");
        if (end == body.size()) return fail("bad_path", end);
        i = end + 1;
        if (body[end] == ':') break;
        if (i >= body.size() || body[i] != '@') return fail("bad_path", i);
      }
    }
    const std::string m = body.substr(i);
    std::string host_type;
    Outcome mb = MailboxBad(m, options_, &host_type);
    if (!mb.ok()) return fail(mb.error.c_str(), i + mb.offset);
    if (host_type == "general") found->insert("unregistered_literal_tag");
    if (host_type == "domain" && NumericLastLabel(m.substr(m.rfind('@') + 1))) {
      found->insert("numeric_domain");
    }
    return out;
  }

  std::string s_;
  std::size_t pos_ = 0;
  const Options& options_;
  std::set<std::string>* deviations_;
  std::string error_;
  std::size_t error_offset_ = 0;
};

// Mail-parameters / Rcpt-parameters = esmtp-param *(SP esmtp-param), from
// p.pos() to the end. Each param token fails at its first offending octet.
bool Params(Parser& p, bool mail, std::vector<Param>* out) {
  std::map<std::string, std::optional<std::string>> seen;  // known keywords, upper case
  const Options& o = p.options();
  while (true) {
    const std::size_t start = p.pos();
    const std::string token = p.Token();
    Param param;
    const std::size_t eq = token.find('=');
    param.keyword = token.substr(0, eq);
    if (eq != std::string::npos) param.value = token.substr(eq + 1);
    const std::string upper = ToUpper(param.keyword);
    const std::size_t kend = param.keyword.size();
    std::size_t bad = FirstBad(
        param.keyword, [](std::string_view k) { return IsKeyword(k); },
        [](std::string_view k) { return IsKeyword(k); });
    static const std::set<std::string> kMail = {"SIZE",  "BODY", "SMTPUTF8",  "RET",
                                                "ENVID", "AUTH", "REQUIRETLS"};
    static const std::set<std::string> kRcpt = {"NOTIFY", "ORCPT"};
    const bool known = kMail.count(upper) != 0 || kRcpt.count(upper) != 0;
    const bool takes_value = upper != "SMTPUTF8" && upper != "REQUIRETLS";
    std::size_t rest = kValid;  // what comes after the keyword
    if (known && (mail ? kMail : kRcpt).count(upper) == 0) {
      rest = kend;  // the keyword of the other command
    } else if (known && seen.count(upper) != 0) {
      // Lenient takes the same keyword again with the same value.
      const std::optional<std::string>& first = seen[upper];
      if (!o.lenient || first.has_value() != param.value.has_value()) {
        rest = kend;
      } else if (first.has_value()) {
        rest = FirstBad(
            *param.value, [&](std::string_view v) { return IStartsWith(*first, v); },
            [&](std::string_view v) { return IEquals(*first, v); });
        if (rest != kValid) rest += kend + 1;
      }
      if (rest == kValid) p.Deviate("repeated_param");
    } else if (known && !param.value.has_value()) {
      if (takes_value) rest = kend;
    } else if (known && !takes_value) {
      rest = kend;  // SMTPUTF8= / REQUIRETLS=
    } else if (param.value.has_value()) {
      const std::string& v = *param.value;
      // esmtp-value; RFC 6531 3.3: =/ UTF8-non-ascii with utf8 (the octet
      // scan already refused malformed UTF-8).
      std::size_t vb = FirstBad(
          v,
          [&](std::string_view x) {
            for (char c : x) {
              const unsigned char u = static_cast<unsigned char>(c);
              if (!IsEsmtpValueOctet(u) && !(o.utf8 && u >= 0x80)) return false;
            }
            return true;
          },
          [](std::string_view x) { return !x.empty(); });
      if (known) vb = Earliest(vb, KnownValueBad(upper, v, o));
      if (vb != kValid) rest = kend + 1 + vb;
    }
    if (known && seen.count(upper) == 0) seen[upper] = param.value;
    bad = Earliest(bad, rest);
    if (bad != kValid) return p.Fail("bad_param", start + bad);
    out->push_back(param);
    p.set_pos(start + token.size());
    if (p.AtEnd()) return true;
    if (!p.Sp("syntax")) return false;
  }
}

// ------------------------------------------------------------------ commands

// RFC 4954: base64 = base64-terminal / ( 1*(4base64-char) [base64-terminal] ):
// padding only at the end of the last quantum ("xx==", "xxx=").
bool IsBase64Char(unsigned char c) {
  return IsLetDig(c) || c == '+' || c == '/';
}

bool Base64Viable(std::string_view p) {
  const std::size_t eq = p.find('=');
  if (eq == std::string_view::npos) return AllOf(p, IsBase64Char);
  if (!AllOf(p.substr(0, eq), IsBase64Char)) return false;
  const std::string_view pad = p.substr(eq);
  if (eq % 4 == 2) return pad == "=" || pad == "==";
  if (eq % 4 == 3) return pad == "=";
  return false;
}

bool Base64Valid(std::string_view s) {
  return !s.empty() && s.size() % 4 == 0 && Base64Viable(s);
}

std::size_t SaslBad(std::string_view s, bool initial) {
  // A SASL line may also be "*" (cancel) or "=" / empty (empty response);
  // an initial response may be "=" only.
  const auto special = [&](std::string_view x) { return x == "=" || (!initial && x == "*"); };
  return FirstBad(
      s, [&](std::string_view p) { return special(p) || Base64Viable(p); },
      [&](std::string_view x) { return special(x) || (!initial && x.empty()) || Base64Valid(x); });
}

bool IsMechanismChar(unsigned char u) {
  return IsAlpha(u) || IsDigit(u) || u == '-' || u == '_';
}

const char* const kVerbs[] = {"HELO", "EHLO", "MAIL", "RCPT", "DATA", "BDAT",     "RSET",
                              "VRFY", "EXPN", "HELP", "NOOP", "QUIT", "STARTTLS", "AUTH"};

void Grammar(Parser& p, Command* cmd) {
  const std::string& s = p.s();
  if (s.empty() || s[0] == ' ' || s[0] == '\t') {  // no verb token at all
    p.Fail("syntax", 0);
    return;
  }
  const std::string token = p.Token();
  const std::size_t vbad = FirstBad(
      token,
      [](std::string_view x) {
        for (const char* v : kVerbs) {
          if (IStartsWith(v, x)) return true;
        }
        return false;
      },
      [](std::string_view x) {
        for (const char* v : kVerbs) {
          if (IEquals(v, x)) return true;
        }
        return false;
      });
  if (vbad != kValid) {
    p.Fail("unknown_command", vbad);
    return;
  }
  const std::string verb = ToUpper(token);
  cmd->verb = verb;
  p.set_pos(token.size());

  if (verb == "DATA" || verb == "RSET" || verb == "QUIT" || verb == "STARTTLS") {
    if (!p.AtEnd()) p.Fail("syntax", p.pos());
    return;
  }
  if (verb == "HELO" || verb == "EHLO") {
    if (!p.Sp("syntax")) return;
    if (p.Peek() == '[') {
      if (verb == "HELO") {
        if (!p.options().lenient) {
          p.Fail("bad_domain", p.pos());
          return;
        }
        p.Deviate("helo_address_literal");  // used as soon as a '[' stands there
      }
      if (!p.AddressLiteral(&cmd->host_type, &cmd->host)) return;
    } else {
      cmd->host_type = "domain";
      if (!p.Domain(&cmd->host)) return;
    }
    if (!p.AtEnd()) p.Fail("syntax", p.pos());
    return;
  }
  if (verb == "MAIL" || verb == "RCPT") {
    const bool mail = verb == "MAIL";
    if (!p.Sp("syntax")) return;
    if (!p.Word(mail ? "FROM:" : "TO:")) return;
    if (p.Peek() == ' ') {
      if (!p.options().lenient) {
        p.Fail("syntax", p.pos());
        return;
      }
      p.Deviate("space_after_colon");
      while (p.Peek() == ' ')
        p.set_pos(p.pos() + 1);
    }
    if (!p.Path(&cmd->path, /*allow_null=*/mail, /*allow_postmaster=*/!mail)) return;
    if (p.AtEnd()) return;
    if (!p.Sp("syntax")) return;
    Params(p, mail, &cmd->params);
    return;
  }
  if (verb == "VRFY" || verb == "EXPN" || verb == "HELP" || verb == "NOOP") {
    const bool required = verb == "VRFY" || verb == "EXPN";
    if (p.AtEnd() && !required) return;
    if (!p.Sp("syntax")) return;
    const std::size_t start = p.pos();
    // String = Atom / Quoted-string
    std::size_t len = 0;
    const std::string rest = s.substr(start);
    if (rest[0] == '"') {
      const std::size_t ext = LocalExtent(rest, p.options().utf8);
      const std::size_t bad = FirstBad(
          rest.substr(0, ext), [&](std::string_view x) { return LocalViable(x, p.options().utf8); },
          [&](std::string_view x) { return LocalValid(x, p.options().utf8); });
      if (bad != kValid) {
        p.Fail("syntax", start + bad);
        return;
      }
      len = ext;
    } else {
      while (len < rest.size() && IsAtext(static_cast<unsigned char>(rest[len]), p.options().utf8))
        ++len;
      if (len == 0) {
        p.Fail("syntax", start);
        return;
      }
    }
    if (required && p.options().lenient && len < rest.size() && rest[len] == '@') {
      // vrfy_mailbox: a bare Mailbox up to the next SP (Go's net/smtp).
      const std::string m = rest.substr(0, rest.find(' ', len));
      std::string host_type;
      const Outcome mb = MailboxBad(m, p.options(), &host_type);
      if (!mb.ok()) {
        p.Fail("syntax", start + mb.offset);
        return;
      }
      p.Deviate("vrfy_mailbox");
      if (host_type == "general") p.Deviate("unregistered_literal_tag");
      if (host_type == "domain" && NumericLastLabel(m.substr(m.rfind('@') + 1))) {
        p.Deviate("numeric_domain");
      }
      len = m.size();
    }
    p.set_pos(start + len);
    if (required && !p.AtEnd()) {
      if (!p.Sp("syntax")) return;
      if (!p.Word("SMTPUTF8")) return;
    }
    if (!p.AtEnd()) {
      p.Fail("syntax", p.pos());
      return;
    }
    cmd->argument = s.substr(start);
    return;
  }
  if (verb == "BDAT") {
    if (!p.Sp("syntax")) return;
    const std::size_t start = p.pos();
    const std::string digits = p.Token();
    const std::size_t bad = NumberBad(digits);
    if (bad != kValid) {
      p.Fail("syntax", start + bad);
      return;
    }
    cmd->bdat_size = std::stoull(digits);
    p.set_pos(start + digits.size());
    if (p.AtEnd()) return;
    if (!p.Sp("syntax")) return;
    if (!p.Word("LAST")) return;
    if (!p.AtEnd()) {
      p.Fail("syntax", p.pos());
      return;
    }
    cmd->bdat_last = true;
    return;
  }
  if (verb == "AUTH") {
    if (!p.Sp("syntax")) return;
    const std::size_t start = p.pos();
    cmd->mechanism = p.Token();
    // mechanism = 1*20 of A-Z a-z 0-9 - _ (RFC 4422)
    for (std::size_t i = 0; i < cmd->mechanism.size(); ++i) {
      if (i >= 20 || !IsMechanismChar(static_cast<unsigned char>(cmd->mechanism[i]))) {
        p.Fail("syntax", start + i);
        return;
      }
    }
    p.set_pos(start + cmd->mechanism.size());
    if (p.AtEnd()) return;
    if (!p.Sp("syntax")) return;
    // initial-response is one token, checked as base64 first; anything after
    // it is `syntax` at the SP.
    const std::size_t ir_start = p.pos();
    const std::string ir = p.Token();
    const std::size_t bad = SaslBad(ir, /*initial=*/true);
    if (bad != kValid) {
      p.Fail("bad_base64", ir_start + bad);
      return;
    }
    p.set_pos(ir_start + ir.size());
    if (!p.AtEnd()) {
      p.Fail("syntax", p.pos());
      return;
    }
    cmd->initial_response = ir;
    return;
  }
}

bool IsAuthLine(std::string_view line) {
  return IStartsWith(line, "AUTH ");
}

// SPEC section 1 limits: a MAIL / RCPT line may exceed max_command_line by
// the allowance of each extension parameter it carries, once per RFC clause:
// RFC 1870 SIZE 26; RFC 4954 AUTH 500; RFC 3461 RET/ENVID 100 on MAIL,
// NOTIFY/ORCPT 500 on RCPT; RFC 6531 SMTPUTF8 10; RFC 8689 REQUIRETLS 11.
// A parameter is a word after the path's '>' (the first outside quotes),
// looked for in the first max_command_line + 647 octets.
std::size_t CommandLimit(std::string_view line, const Options& o) {
  if (IsAuthLine(line)) return o.max_auth_line;
  const bool mail = IStartsWith(line, "MAIL ");
  if (!mail && !IStartsWith(line, "RCPT ")) return o.max_command_line;
  const std::string head(line.substr(0, o.max_command_line + 26 + 500 + 100 + 10 + 11));
  const std::size_t lt = head.find('<');
  if (lt == std::string::npos) return o.max_command_line;
  std::size_t gt = std::string::npos;
  bool in_quotes = false;
  for (std::size_t i = lt + 1; i < head.size(); ++i) {
    if (in_quotes && head[i] == '\\') {
      ++i;
      continue;
    }
    if (head[i] == '"') in_quotes = !in_quotes;
    if (!in_quotes && head[i] == '>') {
      gt = i;
      break;
    }
  }
  if (gt == std::string::npos) return o.max_command_line;
  std::set<std::string> clauses;
  std::string word;
  std::size_t extra = 0;
  auto grant = [&](const std::string& w) {
    const std::string k = ToUpper(w.substr(0, w.find('=')));
    const char* clause = nullptr;
    std::size_t octets = 0;
    if (mail && k == "SIZE") clause = "1870", octets = 26;
    if (mail && k == "AUTH") clause = "4954", octets = 500;
    if (mail && (k == "RET" || k == "ENVID")) clause = "3461", octets = 100;
    if (mail && k == "SMTPUTF8") clause = "6531", octets = 10;
    if (mail && k == "REQUIRETLS") clause = "8689", octets = 11;
    if (!mail && (k == "NOTIFY" || k == "ORCPT")) clause = "3461", octets = 500;
    if (clause != nullptr && clauses.insert(clause).second) extra += octets;
  };
  for (std::size_t i = gt + 1; i <= head.size(); ++i) {
    if (i == head.size() || head[i] == ' ' || head[i] == '\r' || head[i] == '\n') {
      if (!word.empty()) grant(word);
      word.clear();
    } else {
      word.push_back(head[i]);
    }
  }
  return o.max_command_line + extra;
}

// Lenient: strip trailing SP / HT (the trailing_space deviation): lenient
// reads it as part of the line end. Strict keeps it as content, where the
// grammar fails on it like on any other octet.
std::string StripTrailing(std::string content, const Options& options,
                          std::set<std::string>* deviations) {
  std::size_t end = content.size();
  while (end > 0 && (content[end - 1] == ' ' || content[end - 1] == '\t'))
    --end;
  if (end != content.size()) {
    if (options.lenient) deviations->insert("trailing_space");
    content.resize(end);
  }
  return content;
}

// ------------------------------------------------------------------- replies

// Reply-line grammar on one line's content; offsets relative to the line.
ReplyLineResult ReplyLineGrammar(const std::string& c, const Options& /*options*/) {
  ReplyLineResult r;
  for (std::size_t i = 0; i < 3; ++i) {
    const int ch = i < c.size() ? static_cast<unsigned char>(c[i]) : -1;
    const bool good = i == 0   ? (ch >= '2' && ch <= '5')
                      : i == 1 ? (ch >= '0' && ch <= '5')
                               : (ch >= '0' && ch <= '9');
    if (!good) {
      r.outcome.error = "bad_reply_code";
      r.outcome.offset = i;
      return r;
    }
  }
  r.line.code = (c[0] - '0') * 100 + (c[1] - '0') * 10 + (c[2] - '0');
  if (c.size() == 3) return r;
  if (c[3] == '-') {
    r.line.continued = true;
    r.line.text = c.substr(4);
    return r;
  }
  if (c[3] != ' ') {
    r.outcome.error = "bad_separator";
    r.outcome.offset = 3;
    return r;
  }
  // RFC 5321 4.2 "optionally some text"; RFC 4954 continue-req "334" SP.
  r.line.text = c.substr(4);
  return r;
}

std::optional<Enhanced> EnhancedCode(int code, std::string_view text) {
  // class "." subject "." detail, class = first digit of code (2, 4, 5),
  // subject and detail 1*3DIGIT, then SP or the end of the text.
  const int klass = code / 100;
  if (klass != 2 && klass != 4 && klass != 5) return std::nullopt;
  if (text.size() < 5 || text[0] != static_cast<char>('0' + klass) || text[1] != '.') {
    return std::nullopt;
  }
  std::size_t i = 2;
  auto number = [&](int* out) {
    const std::size_t b = i;
    int v = 0;
    while (i < text.size() && IsDigit(static_cast<unsigned char>(text[i])) && i - b < 3) {
      v = v * 10 + (text[i] - '0');
      ++i;
    }
    *out = v;
    return i > b;
  };
  Enhanced e;
  e.klass = klass;
  if (!number(&e.subject)) return std::nullopt;
  if (i >= text.size() || text[i] != '.') return std::nullopt;
  ++i;
  if (!number(&e.detail)) return std::nullopt;
  if (i < text.size() && text[i] != ' ') return std::nullopt;
  e.text = std::string(text.substr(0, i));
  return e;
}

// ----------------------------------------------------------------- EHLO

// The first line's text: Domain [SP ehlo-greet]. Offsets relative to text.
Outcome EhloFirstLine(std::string text, const Options& options, std::string* domain,
                      std::string* greeting) {
  Outcome out;
  const std::size_t end = std::min(text.find_first_of(" \t"), text.size());
  *domain = text.substr(0, end);
  Options ascii = options;  // RFC 6531 3.7.1: the EHLO response's domain is ASCII
  ascii.utf8 = false;
  const std::size_t bad = DomainBad(*domain, ascii);
  if (bad != kValid) {
    out.error = "bad_domain";
    out.offset = bad;
    return out;
  }
  if (NumericLastLabel(*domain)) out.deviations.insert("numeric_domain");
  if (end == text.size()) return out;
  // ehlo-greet = 1*(%d0-9 / %d11-12 / %d14-127) after one SP: white space
  // alone is a greeting too.
  if (text[end] == ' ' && end + 1 < text.size()) {
    *greeting = text.substr(end + 1);
    return out;
  }
  // Only white space after the domain: trailing white space (SP or HT),
  // the greeting is absent. Strict: after a SP a greeting could still
  // follow (the line end fails); an HT cannot follow the domain.
  if (text.find_first_not_of(" \t", end) == std::string::npos) {
    if (!options.lenient) {
      out.error = "syntax";
      out.offset = text[end] == ' ' ? text.size() : end;
      return out;
    }
    out.deviations.insert("trailing_space");
    return out;
  }
  if (text[end] == '\t') {  // Domain SP ehlo-greet: HT is no separator
    out.error = "syntax";
    out.offset = end;
    return out;
  }
  *greeting = text.substr(end + 1);
  return out;
}

// A capability line: ehlo-keyword *( SP ehlo-param ). Offsets relative to text.
Outcome EhloLine(const std::string& text, const Options& options, Capability* cap) {
  Outcome out;
  std::string t = text;
  if (options.lenient) {
    std::size_t end = t.size();
    while (end > 0 && (t[end - 1] == ' ' || t[end - 1] == '\t'))
      --end;
    if (end != t.size()) {
      out.deviations.insert("trailing_space");
      t.resize(end);
    }
  }
  auto fail = [&](std::size_t off) {
    out.error = "bad_keyword";
    out.offset = off;
    return out;
  };
  std::size_t kend = t.find(' ');
  if (kend == std::string::npos) kend = t.size();
  std::string keyword = t.substr(0, kend);
  std::size_t pos = kend;
  if (options.lenient && IStartsWith(keyword, "AUTH=")) {
    // Old-style "AUTH=LOGIN PLAIN": keyword AUTH, params after "=".
    out.deviations.insert("old_auth_syntax");
    cap->keyword = keyword.substr(0, 4);
    pos = 5;
    if (pos >= t.size()) return fail(pos);
  } else {
    if (!IsKeyword(keyword)) {
      std::size_t bad = 0;
      while (bad < keyword.size() && (IsLetDig(static_cast<unsigned char>(keyword[bad])) ||
                                      (bad > 0 && keyword[bad] == '-'))) {
        ++bad;
      }
      return fail(bad);
    }
    cap->keyword = keyword;
    if (pos == t.size()) return out;
    ++pos;  // the SP: a parameter must follow
    if (pos == t.size()) return fail(pos);
  }
  // params separated by SP
  while (true) {
    if (t[pos] == ' ') {
      if (!options.lenient) return fail(pos);
      out.deviations.insert("extra_space");
      while (pos < t.size() && t[pos] == ' ')
        ++pos;
    }
    std::size_t end = t.find(' ', pos);
    if (end == std::string::npos) end = t.size();
    const std::string param = t.substr(pos, end - pos);
    for (std::size_t i = 0; i < param.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(param[i]);
      if (c < 33 || c > 126) return fail(pos + i);
    }
    cap->params.push_back(param);
    if (end == t.size()) return out;
    pos = end + 1;
    if (pos == t.size()) return fail(pos);
  }
}

}  // namespace

// ------------------------------------------------------------------ public

CommandResult ParseCommand(std::string_view line, const Options& options) {
  CommandResult r;
  const std::size_t limit = CommandLimit(line, options);
  FramedLine f = FrameLine(line, 0, limit, options, /*whole_input_is_one_line=*/true);
  r.outcome = f.outcome;
  if (!r.outcome.ok()) return r;  // keeps a bare_lf read before a bad octet
  std::set<std::string> devs = f.outcome.deviations;
  const std::string content =
      options.lenient ? StripTrailing(f.content, options, &devs) : f.content;
  Parser p(content, options, &devs);
  Grammar(p, &r.command);
  if (p.failed()) {
    r.outcome.error = p.error();
    r.outcome.offset = p.error_offset();
    // Deviations used before the error; trailing white space comes after.
    devs.erase("trailing_space");
    r.outcome.deviations = devs;
    r.command = Command();
    return r;
  }
  r.outcome.deviations = devs;
  return r;
}

ReplyLineResult ParseReplyLine(std::string_view line, const Options& options) {
  ReplyLineResult r;
  FramedLine f = FrameLine(line, 0, options.max_reply_line, options, true);
  if (!f.outcome.ok()) {
    r.outcome = f.outcome;
    r.outcome.deviations.clear();
    return r;
  }
  r = ReplyLineGrammar(f.content, options);
  if (!r.outcome.ok()) {
    r.outcome.deviations.clear();
    return r;
  }
  r.outcome.deviations.insert(f.outcome.deviations.begin(), f.outcome.deviations.end());
  return r;
}

ReplyResult ParseReply(std::string_view text, const Options& options) {
  ReplyResult r;
  std::set<std::string> devs;
  std::size_t p = 0;
  auto fail = [&](const std::string& code, std::size_t offset) {
    r.outcome.error = code;
    r.outcome.offset = offset;
    r.outcome.deviations.clear();
    r.reply = Reply();
    return r;
  };
  while (true) {
    FramedLine f = FrameLine(text, p, options.max_reply_line, options, false);
    if (!f.outcome.ok()) return fail(f.outcome.error, f.outcome.offset);
    devs.insert(f.outcome.deviations.begin(), f.outcome.deviations.end());
    // The line limit is checked before the line's grammar.
    if (r.reply.lines.size() >= options.max_reply_lines) return fail("too_many_lines", p);
    if (!r.reply.lines.empty()) {
      // The first octet of the code that differs from the reply's code: a
      // valid code digit there is a code_mismatch (at the line start, before
      // anything later on the line); anything else is the line's own error.
      const std::string want = std::to_string(r.reply.code);
      for (std::size_t i = 0; i < 3 && i < f.content.size(); ++i) {
        if (f.content[i] == want[i]) continue;
        std::string trial = want.substr(0, i) + f.content[i] + std::string(2 - i, '0');
        if (ReplyLineGrammar(trial, options).outcome.ok()) return fail("code_mismatch", p);
        break;
      }
    }
    ReplyLineResult line = ReplyLineGrammar(f.content, options);
    if (!line.outcome.ok()) return fail(line.outcome.error, p + line.outcome.offset);
    if (r.reply.lines.empty()) {
      r.reply.code = line.line.code;
    } else if (line.line.code != r.reply.code) {
      return fail("code_mismatch", p);
    }
    if (r.reply.lines.size() >= options.max_reply_lines) return fail("too_many_lines", p);
    devs.insert(line.outcome.deviations.begin(), line.outcome.deviations.end());
    r.reply.lines.push_back(line.line.text);
    p = f.next;
    if (!line.line.continued) break;
  }
  if (p != text.size()) return fail("syntax", p);
  r.reply.enhanced = EnhancedCode(r.reply.code, r.reply.lines.front());
  r.outcome.deviations = devs;
  return r;
}

EhloResult ParseEhloReply(std::string_view text, const Options& options) {
  EhloResult e;
  ReplyResult r = ParseReply(text, options);
  e.outcome = r.outcome;
  if (!r.outcome.ok()) {
    // The reply broke on some line; the EHLO grammar of the lines before it
    // may already be broken, and the first offending octet wins. (Not at
    // the end of input: an unfinished reply is incomplete.)
    if (r.outcome.error == "incomplete" || text.substr(0, 3) != "250") return e;
    std::size_t p = 0;
    bool first_line = true;
    while (true) {
      const std::size_t lf = text.find('\n', p);
      if (lf == std::string_view::npos || lf >= r.outcome.offset) break;  // the failing line
      std::string_view content = text.substr(p, lf - p);
      if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
      const std::size_t base = content.size() > 3 ? p + 4 : p + 3;
      const std::string line_text(content.size() > 4 ? content.substr(4) : std::string_view());
      std::string domain, greeting;
      Capability cap;
      const Outcome o = first_line ? EhloFirstLine(line_text, options, &domain, &greeting)
                                   : EhloLine(line_text, options, &cap);
      if (!o.ok()) {
        e.outcome.error = o.error;
        e.outcome.offset = base + o.offset;
        e.outcome.deviations.clear();
        return e;
      }
      first_line = false;
      p = lf + 1;
    }
    return e;
  }
  auto fail = [&](const Outcome& o, std::size_t base) {
    e.outcome.error = o.error;
    e.outcome.offset = base + o.offset;
    e.outcome.deviations.clear();
    e.domain.clear();
    e.greeting.clear();
    e.capabilities.clear();
    return e;
  };
  if (r.reply.code != 250) {
    Outcome o;
    o.error = "bad_reply_code";  // not the 250 an EHLO reply must be
    return fail(o, 0);
  }
  // Line starts, to turn text offsets into input offsets: each line's text
  // begins 4 octets after its start (3 for "250" with nothing after it).
  std::vector<std::size_t> starts;
  for (std::size_t p = 0; p < text.size();) {
    starts.push_back(p);
    p = text.find('\n', p) + 1;
  }
  auto text_start = [&](std::size_t i) {
    const std::size_t sep = starts[i] + 3;
    return sep < text.size() && (text[sep] == ' ' || text[sep] == '-') ? sep + 1 : sep;
  };
  Outcome first = EhloFirstLine(r.reply.lines[0], options, &e.domain, &e.greeting);
  if (!first.ok()) return fail(first, text_start(0));
  e.outcome.deviations.insert(first.deviations.begin(), first.deviations.end());
  for (std::size_t i = 1; i < r.reply.lines.size(); ++i) {
    Capability cap;
    Outcome o = EhloLine(r.reply.lines[i], options, &cap);
    if (!o.ok()) return fail(o, text_start(i));
    e.outcome.deviations.insert(o.deviations.begin(), o.deviations.end());
    e.capabilities.push_back(cap);
  }
  e.reply = r.reply;
  return e;
}

std::optional<std::size_t> CheckSaslResponse(std::string_view content) {
  // RFC 4954 section 8: *(CRLF [base64]): an empty line is an empty response.
  if (content.empty() || content == "*" || content == "=") return std::nullopt;
  const std::size_t bad = SaslBad(content, /*initial=*/false);
  if (bad == kValid) return std::nullopt;
  return bad;
}

DataScan ScanData(std::string_view c) {
  DataScan out;
  bool line_start = true;
  std::size_t i = 0;
  while (i < c.size()) {
    if (line_start && c[i] == '.') {
      if (i + 2 < c.size() && c[i + 1] == '\r' && c[i + 2] == '\n') {
        out.length = i + 3;
        return out;
      }
      ++i;  // a stuffed dot: removed
      line_start = false;
      continue;
    }
    line_start = false;
    if (c[i] == '\r' && i + 1 < c.size() && c[i + 1] == '\n') {
      out.bytes += 2;
      i += 2;
      line_start = true;
      continue;
    }
    ++out.bytes;
    ++i;
  }
  return out;
}

}  // namespace oracle
