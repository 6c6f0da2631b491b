// fuzz/oracle/oracle.cc: see oracle.h. Written from RFC 5321, the extension
// RFCs named in SPEC.md, SPEC.md itself and docs/decisions.md; nothing here is
// taken from parser/.
#include "oracle/oracle.h"

#include <cstddef>
#include <cstdint>
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

  bool Fail(const char* code, std::size_t offset) {
    if (error_.empty()) {
      error_ = code;
      error_offset_ = offset;
    }
    return false;
  }

  // One SP between tokens; lenient takes more and names the deviation.
  // Strict: a second SP is `syntax` at it, and a SP that ends the line
  // (trailing white space) is `syntax` at that SP.
  bool Sp(const char* code_if_missing) {
    if (Peek() != ' ') return Fail(code_if_missing, pos_);
    ++pos_;
    if (Peek() == ' ') {
      if (!options_.lenient) return Fail("syntax", pos_);
      while (Peek() == ' ')
        ++pos_;
      Deviate("extra_space");
    }
    if (AtEnd()) return Fail("syntax", pos_ - 1);
    return true;
  }

  // Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str].
  // Consumes the longest run of domain octets and checks it; returns the
  // domain text via *out.
  // With `end`, the domain is exactly s[pos, end): a delimited component
  // (inside a path) whose every octet must be a domain octet.
  // `allow_utf8` false: LDH labels / A-labels only, whatever the options
  // (RFC 6531 3.7.1: the EHLO command's and the EHLO response's domain).
  bool Domain(std::string* out, std::size_t end = std::string::npos,
              const char* code = "bad_domain", bool allow_utf8 = true) {
    const std::size_t start = pos_;
    const bool utf8 = options_.utf8 && allow_utf8;
    auto domain_octet = [&](int c) {
      return c >= 0 && (IsLetDig(static_cast<unsigned char>(c)) || c == '-' || c == '.' ||
                        (utf8 && c >= 0x80));
    };
    while (domain_octet(Peek()))
      ++pos_;
    if (end != std::string::npos && pos_ != end) return Fail(code, pos_);
    const std::string d = s_.substr(start, pos_ - start);
    if (d.empty()) return Fail(code, start);
    std::size_t label_start = 0;
    for (std::size_t i = 0; i <= d.size(); ++i) {
      if (i < d.size() && d[i] != '.') continue;
      // label d[label_start, i)
      if (i == label_start) return Fail(code, start + i);  // empty label / trailing dot
      const unsigned char first = static_cast<unsigned char>(d[label_start]);
      const unsigned char last = static_cast<unsigned char>(d[i - 1]);
      if (first == '-') return Fail(code, start + label_start);
      if (last == '-') return Fail(code, start + i - 1);
      if (i - label_start > 63) return Fail(code, start + label_start + 63);
      label_start = i + 1;
    }
    if (d.size() > 255) return Fail(code, start + 255);
    // RFC 1123 section 2.1: the top-level label is alphabetic; an all-digit
    // last label makes a dotted quad an address, which needs brackets.
    const std::string top = d.substr(d.rfind('.') == std::string::npos ? 0 : d.rfind('.') + 1);
    bool all_digits = true;
    for (char c : top)
      all_digits = all_digits && IsDigit(static_cast<unsigned char>(c));
    if (all_digits) {
      if (!options_.lenient) return Fail(code, start + d.size());
      Deviate("numeric_domain");
    }
    *out = d;
    return true;
  }

  // address-literal = "[" ( IPv4 / "IPv6:" IPv6-addr / tag ":" 1*dcontent ) "]"
  bool AddressLiteral(std::string* type, std::string* host, std::size_t end = std::string::npos) {
    const std::size_t start = pos_;
    if (Peek() != '[') return Fail("bad_address_literal", pos_);
    const std::size_t close = s_.find(']', start + 1);
    if (close == std::string::npos) return Fail("bad_address_literal", start);
    if (end != std::string::npos && close + 1 != end) return Fail("bad_address_literal", start);
    const std::string c = s_.substr(start + 1, close - start - 1);
    if (IsIPv4(c)) {
      *type = "ipv4";
      *host = c;
    } else {
      const std::size_t colon = c.find(':');
      if (colon == std::string::npos) return Fail("bad_address_literal", start);
      const std::string tag = c.substr(0, colon);
      const std::string rest = c.substr(colon + 1);
      if (IEquals(tag, "IPv6")) {
        if (!IsIPv6(rest)) return Fail("bad_address_literal", start);
        *type = "ipv6";
        *host = rest;
      } else {
        // RFC 5321 4.1.3: tags must be registered with IANA; only IPv6 is.
        if (!options_.lenient) return Fail("bad_address_literal", start + 1);
        if (!IsLdhStr(tag) || rest.empty()) return Fail("bad_address_literal", start);
        for (char ch : rest) {
          const unsigned char u = static_cast<unsigned char>(ch);
          if (!((u >= 33 && u <= 90) || (u >= 94 && u <= 126))) {
            return Fail("bad_address_literal", start);
          }
        }
        Deviate("unregistered_literal_tag");
        *type = "general";
        *host = c;
      }
    }
    pos_ = close + 1;
    return true;
  }

  // Atom = 1*atext
  bool Atom(std::string* out) {
    const std::size_t start = pos_;
    while (Peek() >= 0 && IsAtext(static_cast<unsigned char>(Peek()), options_.utf8))
      ++pos_;
    if (pos_ == start) return false;
    *out = s_.substr(start, pos_ - start);
    return true;
  }

  // Quoted-string = DQUOTE *QcontentSMTP DQUOTE
  bool QuotedString(std::string* out) {
    const std::size_t start = pos_;
    if (Peek() != '"') return false;
    ++pos_;
    while (true) {
      const int c = Peek();
      if (c == '"') break;
      if (c == '\\') {
        const int n = Peek(1);
        if (n < 32 || n > 126) {
          pos_ = start;
          return false;
        }
        pos_ += 2;
        continue;
      }
      if (c >= 0 && IsQtext(static_cast<unsigned char>(c), options_.utf8)) {
        ++pos_;
        continue;
      }
      pos_ = start;
      return false;
    }
    ++pos_;
    *out = s_.substr(start, pos_ - start);
    return true;
  }

  // String = Atom / Quoted-string
  bool String(std::string* out) {
    if (Peek() == '"') return QuotedString(out);
    return Atom(out);
  }

  // Path = "<" [ A-d-l ":" ] Mailbox ">"; *mailbox without the source route.
  // Path = "<" [ A-d-l ":" ] Mailbox ">"; *mailbox without the source route.
  // The path is delimited first (its ">" outside a quoted string, before any
  // SP), its length checked (a limit, like the line limit, comes before the
  // grammar), then each component is checked within its delimiters.
  bool Path(std::string* mailbox) {
    const std::size_t start = pos_;
    if (Peek() != '<') return Fail("bad_path", pos_);
    std::size_t close = std::string::npos;
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
        break;
      }
    }
    if (close == std::string::npos) return Fail("bad_path", start);
    if (close + 1 - start > 256) return Fail("bad_path", start + 256);
    ++pos_;
    if (Peek() == '@') {
      // A-d-l = At-domain *( "," At-domain ); At-domain = "@" Domain
      while (true) {
        if (Peek() != '@') return Fail("bad_path", pos_);
        ++pos_;
        const std::size_t end = s_.find_first_of(",:", pos_);
        if (end == std::string::npos || end > close) return Fail("bad_path", pos_);
        std::string ignored;
        if (!Domain(&ignored, end)) return false;
        ++pos_;
        if (s_[end] == ':') break;
      }
    }
    const std::size_t mailbox_start = pos_;
    if (!Mailbox(close)) return false;
    *mailbox = s_.substr(mailbox_start, close - mailbox_start);
    pos_ = close + 1;
    return true;
  }

  // Mailbox = Local-part "@" ( Domain / address-literal ), exactly s[pos, end);
  // Local-part = Dot-string / Quoted-string.
  bool Mailbox(std::size_t end) {
    const std::size_t start = pos_;
    std::string local;
    if (Peek() == '"') {
      if (!QuotedString(&local)) return Fail("bad_path", pos_);
    } else {
      std::string atom;
      if (!Atom(&atom)) return Fail("bad_path", pos_);
      while (Peek() == '.') {
        ++pos_;
        if (!Atom(&atom)) return Fail("bad_path", pos_);
      }
      local = s_.substr(start, pos_ - start);
    }
    if (local.size() > 64) return Fail("bad_path", start + 64);
    if (Peek() != '@') return Fail("bad_path", pos_);
    ++pos_;
    std::string a, b;
    if (Peek() == '[') {
      if (!AddressLiteral(&a, &b, end)) return false;
    } else if (!Domain(&a, end)) {
      return false;
    }
    pos_ = end;
    return true;
  }

  static bool IsLdhStr(std::string_view s) {
    // Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig
    if (s.empty()) return false;
    for (char c : s) {
      if (!IsLetDig(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    return IsLetDig(static_cast<unsigned char>(s.back()));
  }

  // Snum = 1*3DIGIT, 0..255
  static bool IsSnum(std::string_view s) {
    if (s.empty() || s.size() > 3) return false;
    int v = 0;
    for (char c : s) {
      if (!IsDigit(static_cast<unsigned char>(c))) return false;
      v = v * 10 + (c - '0');
    }
    return v <= 255;
  }

  static std::vector<std::string> Split(std::string_view s, char sep) {
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

  static bool IsIPv4(std::string_view s) {
    const std::vector<std::string> parts = Split(s, '.');
    if (parts.size() != 4) return false;
    for (const std::string& p : parts) {
      if (!IsSnum(p)) return false;
    }
    return true;
  }

  static bool IsHexGroup(std::string_view g) {
    if (g.empty() || g.size() > 4) return false;
    for (char c : g) {
      if (!IsHexDig(static_cast<unsigned char>(c))) return false;
    }
    return true;
  }

  // IPv6-full / IPv6-comp / IPv6v4-full / IPv6v4-comp (RFC 5321 4.1.3).
  static bool IsIPv6(std::string_view s) {
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

 private:
  std::string s_;
  std::size_t pos_ = 0;
  const Options& options_;
  std::set<std::string>* deviations_;
  std::string error_;
  std::size_t error_offset_ = 0;
};

// ------------------------------------------------------ ESMTP parameters

bool IsKeyword(std::string_view k) {
  // esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
  if (k.empty() || !IsLetDig(static_cast<unsigned char>(k[0]))) return false;
  for (char c : k) {
    if (!IsLetDig(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

bool IsEsmtpValue(std::string_view v, bool utf8) {
  // esmtp-value = 1*(%d33-60 / %d62-126); RFC 6531 3.3: =/ UTF8-non-ascii
  if (v.empty()) return false;
  for (std::size_t i = 0; i < v.size();) {
    const unsigned char u = static_cast<unsigned char>(v[i]);
    if (u >= 0x80 && utf8) {
      const std::size_t n = Utf8Length(v, i);
      if (n == 0) return false;
      i += n;
      continue;
    }
    if (u < 33 || u > 126 || u == '=') return false;
    ++i;
  }
  return true;
}

// xtext = *( xchar / hexchar ); hexchar = "+" 2(DIGIT / "A".."F"). RFC 4954
// section 8 (the AUTH= parameter) reads the hex digits case-insensitively.
bool IsXtext(std::string_view v, bool any_case_hex = false) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c == '+') {
      if (i + 2 >= v.size()) return false;
      const auto hex = [&](char h) {
        return IsUpperHex(static_cast<unsigned char>(h)) || (any_case_hex && h >= 'a' && h <= 'f');
      };
      if (!hex(v[i + 1]) || !hex(v[i + 2])) {
        return false;
      }
      i += 2;
      continue;
    }
    if (!IsXchar(c)) return false;
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

bool IsSizeValue(std::string_view v) {
  // RFC 1870: size-value = 1*20DIGIT; and it must fit in 64 bits.
  if (v.empty() || v.size() > 20) return false;
  for (char c : v) {
    if (!IsDigit(static_cast<unsigned char>(c))) return false;
  }
  return FitsIn64Bits(v);
}

bool IsNotifyValue(std::string_view v) {
  // RFC 3461: "NEVER" / 1#( "SUCCESS" / "FAILURE" / "DELAY" ), no repeats.
  if (IEquals(v, "NEVER")) return true;
  std::set<std::string> seen;
  for (const std::string& item : Parser::Split(v, ',')) {
    const std::string u = ToUpper(item);
    if (u != "SUCCESS" && u != "FAILURE" && u != "DELAY") return false;
    if (!seen.insert(u).second) return false;
  }
  return true;
}

// RFC 6533 HEXPOINT inside "\\x{" ... "}": the shortest hex form of a code
// point that xtext cannot carry as itself.
bool IsHexPoint(std::string_view h) {
  if (h.size() < 2 || h.size() > 6) return false;
  for (char c : h) {
    if (!IsHexDig(static_cast<unsigned char>(c))) return false;
  }
  const std::string u = ToUpper(h);
  const unsigned long cp = std::stoul(u, nullptr, 16);
  switch (u.size()) {
    case 2:
      if ((u[0] == '0' || u[0] == '1') && u[1] >= '1' && u[1] <= '9') return true;
      return u == "10" || u == "20" || u == "2B" || u == "3D" || u == "7F" || u == "5C" ||
             (u[0] >= '8');  // HEXDIG8 HEXDIG: 80-FF
    case 3:
      return u[0] != '0';
    case 4:
      return u[0] != '0' && !(cp >= 0xD800 && cp <= 0xDFFF);
    case 5:
      return u[0] != '0';
    default:
      return u[0] == '1' && u[1] == '0';
  }
}

// utf-8-addr-unitext = 1*( QUCHAR / EmbeddedUnicodeChar ) (RFC 6533 section 3).
bool IsUtf8AddrUnitext(std::string_view v) {
  if (v.empty()) return false;
  std::size_t i = 0;
  while (i < v.size()) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (v.substr(i, 3) == "\\x{") {
      const std::size_t close = v.find('}', i + 3);
      if (close == std::string_view::npos || !IsHexPoint(v.substr(i + 3, close - i - 3))) {
        return false;
      }
      i = close + 1;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t n = Utf8Length(v, i);
      if (n == 0) return false;
      i += n;
      continue;
    }
    // QCHAR = %x21-2a / %x2c-3c / %x3e-5b / %x5d-7e
    if (c < 0x21 || c > 0x7E || c == '+' || c == '=' || c == '\\') return false;
    ++i;
  }
  return true;
}

bool IsOrcptValue(std::string_view v, bool utf8) {
  // original-recipient-address = addr-type ";" xtext; addr-type = atom
  if (v.size() > 500) return false;
  const std::size_t semi = v.find(';');
  if (semi == std::string_view::npos || semi == 0) return false;
  for (char c : v.substr(0, semi)) {
    if (!IsAtext(static_cast<unsigned char>(c), false)) return false;
  }
  if (IsXtext(v.substr(semi + 1))) return true;
  // RFC 6533 "utf-8" address type with SMTPUTF8.
  return utf8 && IEquals(v.substr(0, semi), "utf-8") && IsUtf8AddrUnitext(v.substr(semi + 1));
}

// Checks one known parameter's value; `mail` tells MAIL from RCPT.
bool KnownParamOk(const std::string& upper, const std::optional<std::string>& value, bool mail,
                  bool utf8, bool* known) {
  *known = true;
  const bool has = value.has_value();
  const std::string v = has ? *value : std::string();
  if (upper == "SIZE") return mail && has && IsSizeValue(v);
  if (upper == "BODY") {
    const std::string u = ToUpper(v);
    return mail && has && (u == "7BIT" || u == "8BITMIME" || u == "BINARYMIME");
  }
  if (upper == "SMTPUTF8" || upper == "REQUIRETLS") return mail && !has;
  if (upper == "RET") {
    const std::string u = ToUpper(v);
    return mail && has && (u == "FULL" || u == "HDRS");
  }
  if (upper == "ENVID") return mail && has && v.size() <= 100 && IsXtext(v);
  if (upper == "AUTH") return mail && has && IsXtext(v, /*any_case_hex=*/true);
  if (upper == "NOTIFY") return !mail && has && IsNotifyValue(v);
  if (upper == "ORCPT") return !mail && has && IsOrcptValue(v, utf8);
  *known = false;
  return true;
}

// Mail-parameters / Rcpt-parameters = esmtp-param *(SP esmtp-param), from
// p.pos() to the end.
bool Params(Parser& p, bool mail, std::vector<Param>* out) {
  std::vector<std::pair<std::string, std::optional<std::string>>> seen;  // known, upper case
  while (true) {
    const std::size_t start = p.pos();
    std::size_t end = p.s().find(' ', start);
    if (end == std::string::npos) end = p.s().size();
    const std::string token = p.s().substr(start, end - start);
    Param param;
    const std::size_t eq = token.find('=');
    param.keyword = token.substr(0, eq);
    if (eq != std::string::npos) param.value = token.substr(eq + 1);
    if (!IsKeyword(param.keyword)) return p.Fail("bad_param", start);
    const std::string upper = ToUpper(param.keyword);
    if (param.value && !IsEsmtpValue(*param.value, p.options().utf8)) {
      return p.Fail("bad_param", start);
    }
    bool known = false;
    if (!KnownParamOk(upper, param.value, mail, p.options().utf8, &known)) {
      return p.Fail("bad_param", start);
    }
    if (known) {
      std::optional<std::string> value;
      if (param.value) value = ToUpper(*param.value);
      bool repeated = false;
      for (const auto& [k, v] : seen) {
        if (k != upper) continue;
        // Lenient: the same keyword with the same value (smtplib); else bad.
        if (!p.options().lenient || v != value) return p.Fail("bad_param", start);
        repeated = true;
      }
      if (repeated) p.Deviate("repeated_param");
      seen.emplace_back(upper, value);
    }
    out->push_back(param);
    p.set_pos(end);
    if (p.AtEnd()) return true;
    if (!p.Sp("bad_param")) return false;
  }
}

// ------------------------------------------------------------------ commands

bool IsBase64(std::string_view s, std::size_t* bad) {
  // RFC 4954: base64 = base64-terminal / ( 1*(4base64-char) [base64-terminal] )
  std::size_t pad = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad > 0 || !(IsLetDig(c) || c == '+' || c == '/')) {
      *bad = i;
      return false;
    }
  }
  if (s.empty()) {
    *bad = 0;
    return false;
  }
  if (pad > 2) {
    *bad = s.size() - pad + 2;
    return false;
  }
  if (s.size() % 4 != 0) {
    *bad = s.size();
    return false;
  }
  return true;
}

bool IsMechanism(std::string_view m) {
  if (m.empty() || m.size() > 20) return false;
  for (char c : m) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (!(IsAlpha(u) || IsDigit(u) || u == '-' || u == '_')) return false;
  }
  return true;
}

void Grammar(Parser& p, Command* cmd) {
  const std::string& s = p.s();
  if (s.empty()) {
    p.Fail("syntax", 0);
    return;
  }
  std::size_t verb_end = s.find(' ');
  if (verb_end == std::string::npos) verb_end = s.size();
  if (verb_end == 0) {  // the line starts with SP: no verb token at all
    p.Fail("syntax", 0);
    return;
  }
  const std::string verb = ToUpper(s.substr(0, verb_end));
  static const char* const kVerbs[] = {"HELO", "EHLO", "MAIL", "RCPT", "DATA", "BDAT",     "RSET",
                                       "VRFY", "EXPN", "HELP", "NOOP", "QUIT", "STARTTLS", "AUTH"};
  bool known = false;
  for (const char* v : kVerbs)
    known = known || verb == v;
  if (!known) {
    p.Fail("unknown_command", 0);
    return;
  }
  cmd->verb = verb;
  p.set_pos(verb_end);

  if (verb == "DATA" || verb == "RSET" || verb == "QUIT" || verb == "STARTTLS") {
    if (!p.AtEnd()) p.Fail("syntax", p.pos());
    return;
  }
  if (verb == "HELO" || verb == "EHLO") {
    if (!p.Sp("syntax")) return;
    std::set<std::string> before_host = p.deviations();
    if (p.Peek() == '[') {
      if (verb == "HELO") {
        if (!p.options().lenient) {
          p.Fail("bad_domain", p.pos());
          return;
        }
        p.Deviate("helo_address_literal");  // used as soon as a '[' stands there
        before_host = p.deviations();
      }
      if (!p.AddressLiteral(&cmd->host_type, &cmd->host)) return;
    } else {
      cmd->host_type = "domain";
      if (!p.Domain(&cmd->host, std::string::npos, "bad_domain", /*allow_utf8=*/false)) return;
    }
    if (!p.AtEnd()) {
      const char* junk = cmd->host_type == "domain" ? "bad_domain" : "bad_address_literal";
      // Junk after the host: the host token as a whole was no Domain or
      // literal, so what it tolerated was not used (SP: it was).
      if (p.Peek() != ' ') p.RestoreDeviations(before_host);
      p.Fail(p.Peek() == ' ' ? "syntax" : junk, p.pos());
    }
    return;
  }
  if (verb == "MAIL" || verb == "RCPT") {
    const bool mail = verb == "MAIL";
    if (!p.Sp("syntax")) return;
    const std::string_view keyword = mail ? "FROM:" : "TO:";
    if (!IStartsWith(std::string_view(s).substr(p.pos()), keyword)) {
      p.Fail("syntax", p.pos());
      return;
    }
    p.set_pos(p.pos() + keyword.size());
    if (p.Peek() == ' ') {
      if (!p.options().lenient) {
        p.Fail("syntax", p.pos());
        return;
      }
      p.Deviate("space_after_colon");
      while (p.Peek() == ' ')
        p.set_pos(p.pos() + 1);
    }
    const std::string rest = s.substr(p.pos());
    if (mail && rest.rfind("<>", 0) == 0) {
      cmd->path = "";
      p.set_pos(p.pos() + 2);
    } else if (!mail && IStartsWith(rest, "<Postmaster>")) {
      cmd->path = rest.substr(1, 10);
      p.set_pos(p.pos() + 12);
    } else if (!mail && rest.rfind("<>", 0) == 0) {
      p.Fail("bad_path", p.pos());
      return;
    } else {
      if (!p.Path(&cmd->path)) return;
    }
    if (p.AtEnd()) return;
    if (p.Peek() != ' ') {
      p.Fail("syntax", p.pos());
      return;
    }
    if (!p.Sp("syntax")) return;
    Params(p, mail, &cmd->params);
    return;
  }
  if (verb == "VRFY" || verb == "EXPN" || verb == "HELP" || verb == "NOOP") {
    const bool required = verb == "VRFY" || verb == "EXPN";
    if (p.AtEnd() && !required) return;
    if (!p.Sp("syntax")) return;
    cmd->argument = s.substr(p.pos());
    std::string str;
    const std::size_t arg_start = p.pos();
    if (!p.String(&str)) {
      p.Fail("syntax", p.pos());
      return;
    }
    if (required && p.options().lenient && p.Peek() == '@') {
      // Lenient VRFY/EXPN user@example.com (Go's net/smtp): a Mailbox up to
      // the next SP in place of the String.
      std::size_t end = s.find(' ', p.pos());
      if (end == std::string::npos) end = s.size();
      std::set<std::string> found;
      Parser q(s, p.options(), &found);
      q.set_pos(arg_start);
      if (q.Mailbox(end)) {
        p.Deviate("vrfy_mailbox");
        for (const std::string& d : found)
          p.Deviate(d.c_str());
        p.set_pos(end);
      }
    }
    if (required && p.Peek() == ' ') {
      if (!p.Sp("syntax")) return;
      const std::string tail = s.substr(p.pos());
      if (!IEquals(tail, "SMTPUTF8")) {
        p.Fail("syntax", p.pos());
        return;
      }
      p.set_pos(s.size());
    }
    if (!p.AtEnd()) p.Fail("syntax", p.pos());
    return;
  }
  if (verb == "BDAT") {
    if (!p.Sp("syntax")) return;
    const std::size_t start = p.pos();
    while (p.Peek() >= 0 && IsDigit(static_cast<unsigned char>(p.Peek()))) {
      p.set_pos(p.pos() + 1);
    }
    const std::string digits = s.substr(start, p.pos() - start);
    if (digits.empty() || !FitsIn64Bits(digits)) {
      p.Fail("syntax", start);
      return;
    }
    cmd->bdat_size = std::stoull(digits);
    if (p.AtEnd()) return;
    if (!p.Sp("syntax")) return;
    if (!IEquals(s.substr(p.pos()), "LAST")) {
      p.Fail("syntax", p.pos());
      return;
    }
    cmd->bdat_last = true;
    return;
  }
  if (verb == "AUTH") {
    if (!p.Sp("syntax")) return;
    const std::size_t start = p.pos();
    std::size_t end = s.find(' ', start);
    if (end == std::string::npos) end = s.size();
    cmd->mechanism = s.substr(start, end - start);
    if (!IsMechanism(cmd->mechanism)) {
      p.Fail("syntax", start);
      return;
    }
    p.set_pos(end);
    if (p.AtEnd()) return;
    if (!p.Sp("syntax")) return;
    // initial-response is one token: checked as base64 first, then
    // anything after it is `syntax` at the SP.
    const std::size_t ir_end = s.find(' ', p.pos());
    const std::string ir =
        s.substr(p.pos(), ir_end == std::string::npos ? std::string::npos : ir_end - p.pos());
    std::size_t bad = 0;
    if (ir != "=" && !IsBase64(ir, &bad)) {
      p.Fail("bad_base64", p.pos() + bad);
      return;
    }
    if (ir_end != std::string::npos) {
      p.Fail("syntax", ir_end);
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

// Lenient: strip trailing SP / HT (the trailing_space deviation).
// Trailing SP / HT is set aside in both policies: lenient names the
// deviation; strict reports `syntax` at it, but only when nothing earlier on
// the line is wrong (decided with the parser author: the first offending
// octet of a line that is otherwise fine).
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
  std::set<std::string> devs;
  Parser p(text, options, &devs);
  if (!p.Domain(domain, std::string::npos, "bad_domain", /*allow_utf8=*/false)) {
    out.error = p.error();
    out.offset = p.error_offset();
    return out;
  }
  if (p.AtEnd()) {
    out.deviations = devs;
    return out;
  }
  // ehlo-greet = 1*(%d0-9 / %d11-12 / %d14-127) after one SP: white space
  // alone is a greeting too.
  if (p.Peek() == ' ' && p.pos() + 1 < text.size()) {
    *greeting = text.substr(p.pos() + 1);
    out.deviations = devs;
    return out;
  }
  // Only white space after the domain: trailing white space (SP or HT),
  // the greeting is absent.
  if (text.find_first_not_of(" \t", p.pos()) == std::string::npos) {
    if (!options.lenient) {
      out.error = "syntax";
      out.offset = p.pos();
      return out;
    }
    devs.insert("trailing_space");
    out.deviations = devs;
    return out;
  }
  if (p.Peek() == '\t') {  // Domain SP ehlo-greet: HT is no separator
    out.error = "syntax";
    out.offset = p.pos();
    return out;
  }
  if (p.Peek() != ' ') {
    out.error = "bad_domain";
    out.offset = p.pos();
    return out;
  }
  *greeting = text.substr(p.pos() + 1);
  out.deviations = devs;
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
    ++pos;  // the SP
    if (pos == t.size()) return fail(pos - 1);
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
    if (pos == t.size()) return fail(end);
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
  const std::string content = StripTrailing(f.content, options, &devs);
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
  if (!options.lenient && content.size() != f.content.size()) {
    r.outcome.error = "syntax";
    r.outcome.offset = content.size();
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
  std::size_t bad = 0;
  if (IsBase64(content, &bad)) return std::nullopt;
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
