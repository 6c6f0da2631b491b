#include "smtp/command.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <span>

#include "lexer.h"
#include "smtp/line.h"

namespace smtp {
namespace {

using internal::EqualsIgnoreCase;
using internal::Is;
using internal::StartsWithIgnoreCase;

struct VerbEntry {
  std::string_view name;
  Verb verb;
};

constexpr VerbEntry kVerbs[] = {
    {"HELO", Verb::kHelo},         {"EHLO", Verb::kEhlo}, {"MAIL", Verb::kMail},
    {"RCPT", Verb::kRcpt},         {"DATA", Verb::kData}, {"BDAT", Verb::kBdat},
    {"RSET", Verb::kRset},         {"VRFY", Verb::kVrfy}, {"EXPN", Verb::kExpn},
    {"HELP", Verb::kHelp},         {"NOOP", Verb::kNoop}, {"QUIT", Verb::kQuit},
    {"STARTTLS", Verb::kStartTls}, {"AUTH", Verb::kAuth},
};

// The octets of `s` (at most 8) as one integer, the first in the low byte.
consteval std::uint64_t Pack(std::string_view s) {
  std::uint64_t v = 0;
  for (std::size_t i = s.size(); i-- > 0;)
    v = v << 8 | static_cast<unsigned char>(s[i]);
  return v;
}

constexpr auto kPackedVerbs = []() consteval {
  std::array<std::uint64_t, std::size(kVerbs)> packed{};
  for (std::size_t i = 0; i < packed.size(); ++i)
    packed[i] = Pack(kVerbs[i].name);
  return packed;
}
();

Verb LookupVerb(std::string_view token) {
  // Every verb has 4 letters but STARTTLS, and holds letters only: clearing
  // bit 5 of each octet upper-cases letters and turns no other octet into
  // one, so one compare per verb is a case-insensitive match.
  const auto at = [&](std::size_t i) -> std::uint64_t {
    return static_cast<unsigned char>(token[i]);
  };
  std::uint64_t word = 0;
  if (token.size() == 4) {
    word = at(0) | at(1) << 8 | at(2) << 16 | at(3) << 24;
  } else if (token.size() == 8) {
    word = at(0) | at(1) << 8 | at(2) << 16 | at(3) << 24 | at(4) << 32 | at(5) << 40 |
           at(6) << 48 | at(7) << 56;
  } else {
    return Verb::kUnknown;
  }
  word &= 0xDFDFDFDFDFDFDFDFu;
  for (std::size_t i = 0; i < kPackedVerbs.size(); ++i) {
    if (kPackedVerbs[i] == word) return kVerbs[i].verb;
  }
  return Verb::kUnknown;
}

using internal::LookupParam;
using enum internal::KnownParam;
constexpr unsigned kMailParams =
    kSize | kBody | kSmtpUtf8 | kRet | kEnvid | kAuthParam | kRequireTls;
constexpr unsigned kRcptParams = kNotify | kOrcpt;

constexpr std::size_t kNone = std::string_view::npos;

// The octet of `s` at `limit` when `s` is longer, moved back to the start of
// the UTF-8 character it belongs to: where a length limit is crossed.
std::size_t CrossingOctet(std::string_view s, std::size_t limit) {
  while (limit > 0 && (static_cast<unsigned char>(s[limit]) & 0xC0) == 0x80)
    --limit;
  return limit;
}

// The first octet of `value` at which it stops being the beginning of one of
// `choices` (any case), value.size() when it is only a proper prefix; npos
// when it is one of them.
// One pass per choice: the octets of `value` that some choice begins with
// are its longest common prefix with any of them.
std::size_t FindChoiceError(std::string_view value, std::span<const std::string_view> choices) {
  std::size_t longest = 0;
  for (const std::string_view choice : choices) {
    const std::size_t common = internal::CommonPrefixIgnoreCase(value, choice);
    if (common == value.size() && common == choice.size()) return kNone;
    longest = std::max(longest, common);
  }
  return longest;
}
std::size_t FindChoiceError(std::string_view value,
                            std::initializer_list<std::string_view> choices) {
  return FindChoiceError(value, std::span<const std::string_view>(choices.begin(), choices.size()));
}

// RFC 3461: NOTIFY=NEVER, or a comma list of SUCCESS / FAILURE / DELAY,
// each at most once. Item by item, each in one pass per choice: an item
// fails where no choice still open continues it (FindChoiceError).
std::size_t FindNotifyError(std::string_view value) {
  static constexpr std::string_view kItems[] = {"NEVER", "SUCCESS", "FAILURE", "DELAY"};
  unsigned used = 0;
  bool first = true;
  std::size_t item_start = 0;
  while (true) {
    const std::size_t comma = value.find(',', item_start);
    const bool at_end = comma == kNone;
    const std::size_t item_end = at_end ? value.size() : comma;
    const std::string_view item = value.substr(item_start, item_end - item_start);
    std::size_t longest = 0;
    int matched = -1;
    for (int k = 0; k < 4; ++k) {
      if (k == 0 ? !first : (used & (1u << k)) != 0) continue;
      const std::size_t common = internal::CommonPrefixIgnoreCase(item, kItems[k]);
      if (common == item.size() && common == kItems[k].size()) matched = k;
      longest = std::max(longest, common);
    }
    if (matched < 0) return item_start + longest;
    if (matched == 0 && !at_end) return item_end;  // NEVER stands alone
    used |= 1u << matched;
    if (at_end) return kNone;
    if (used == 0xEu) return item_end;  // a ',' after all three
    first = false;
    item_start = item_end + 1;
  }
}

// RFC 6533 section 3, HEXPOINT: could the hex digits `hex` begin one (with
// more digits to come)? 2 digits: "01"-"09" or any not starting with 0;
// 3-5: no leading zero; 6: "10" 4HEXDIG.
bool IsHexpointPrefix(std::string_view hex) {
  if (hex.size() <= 1) return true;
  if (hex.size() == 2) return hex[0] != '0' || (hex[1] >= '1' && hex[1] <= '9');
  if (hex[0] == '0' || hex.size() > 6) return false;
  return hex.size() < 6 || (hex[0] == '1' && hex[1] == '0');
}

// HEXPOINT names a code point in its shortest form: one of the ASCII octets
// xtext cannot carry (01-09, 10-19 as written, 20, 2B, 3D, 5C, 7F) or a
// non-ASCII scalar value.
bool IsHexpoint(std::string_view hex) {
  if (hex.size() < 2 || !IsHexpointPrefix(hex)) return false;
  std::uint32_t value = 0;
  for (char c : hex) {
    const char u = internal::ToUpper(c);
    value = value * 16 + static_cast<std::uint32_t>(u <= '9' ? u - '0' : u - 'A' + 10);
  }
  if (hex.size() == 2) {
    // ( "0"/"1" ) %x31-39 / "10" / "20" / "2B" / "3D" / "7F" / "5C" / HEXDIG8 HEXDIG
    const bool decimal_form = (hex[0] == '0' || hex[0] == '1') && hex[1] >= '1' && hex[1] <= '9';
    return decimal_form || value == 0x10 || value == 0x20 || value == 0x2B || value == 0x3D ||
           value == 0x7F || value == 0x5C || value >= 0x80;
  }
  return hex.size() != 4 || value < 0xD800 || value > 0xDFFF;  // no surrogates
}

// RFC 6533 section 3 with SMTPUTF8 (RFC 6531): utf-8-addr-unitext =
// 1*( QUCHAR / EmbeddedUnicodeChar ), QUCHAR = %x21-2a / %x2c-3c / %x3e-5b /
// %x5d-7e / UTF8-2 / UTF8-3 / UTF8-4, EmbeddedUnicodeChar = %x5C.78 "{"
// HEXPOINT "}". npos when valid, else the first octet that breaks it.
std::size_t FindUtf8AddrUnitextError(std::string_view s) {
  if (s.empty()) return 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    if (c == '\\') {
      constexpr std::string_view kOpen = "\\x{";
      for (std::size_t k = 0; k < kOpen.size(); ++k) {
        if (i + k >= s.size()) return s.size();
        if (s[i + k] != kOpen[k]) return i + k;
      }
      const std::size_t hex = i + kOpen.size();
      std::size_t j = hex;
      while (true) {
        if (j >= s.size()) return s.size();
        if (s[j] == '}') {
          if (!IsHexpoint(s.substr(hex, j - hex))) return j;
          break;
        }
        if (!internal::Is(s[j], internal::kHexDigit) ||
            !IsHexpointPrefix(s.substr(hex, j + 1 - hex))) {
          return j;
        }
        ++j;
      }
      i = j + 1;
    } else if (c >= 0x80) {
      const std::size_t n = internal::Utf8SequenceLength(s, i);
      if (n == 0) return i;
      i += n;
    } else if (c >= 0x21 && c <= 0x7E && c != '+' && c != '=') {
      ++i;
    } else {
      return i;
    }
  }
  return kNone;
}

// RFC 3461: ORCPT=addr-type ";" xtext, at most 500 octets. With SMTPUTF8
// (`utf8`), RFC 6533's "utf-8" address type also takes utf-8-addr-unitext.
std::size_t FindOrcptError(std::string_view value, bool utf8) {
  std::size_t bad = kNone;
  std::size_t semicolon = 0;
  while (semicolon < value.size() && internal::Is(value[semicolon], internal::kAtext))
    ++semicolon;
  if (semicolon == 0 || semicolon == value.size() || value[semicolon] != ';') {
    bad = semicolon;  // addr-type = atom, then ";"
  } else {
    const std::string_view address = value.substr(semicolon + 1);
    std::size_t at = internal::FindXtextError(address);
    if (at != kNone && utf8 && EqualsIgnoreCase(value.substr(0, semicolon), "utf-8")) {
      const std::size_t unitext = FindUtf8AddrUnitextError(address);
      at = unitext == kNone ? kNone : std::max(at, unitext);
    }
    if (at != kNone) bad = semicolon + 1 + at;
  }
  if (value.size() > 500 && (bad == kNone || bad >= 500)) bad = CrossingOctet(value, 500);
  return bad;
}

// The value rule of a known parameter that has a value: npos when valid,
// else the offset in `value` of the first octet that breaks it.
std::size_t FindKnownValueError(unsigned param, std::string_view value, bool utf8) {
  switch (param) {
    case kSize: {
      // RFC 1870: size-value = 1*20DIGIT, and it must fit in 64 bits.
      std::uint64_t size;
      const std::size_t bad = internal::FindUint64Error(value, &size);
      if (value.size() > 20 && (bad == kNone || bad > 20)) return 20;
      return bad == 0 && value.empty() ? 0 : bad;
    }
    case kBody:
      return FindChoiceError(value, {"7BIT", "8BITMIME", "BINARYMIME"});
    case kSmtpUtf8:
    case kRequireTls:
      return 0;  // no value: the '=' before it fails (the caller's offset)
    case kRet:
      return FindChoiceError(value, {"FULL", "HDRS"});
    case kEnvid: {
      const std::size_t bad = internal::FindXtextError(value);
      if (value.size() > 100 && (bad == kNone || bad >= 100)) return 100;
      return bad;
    }
    case kAuthParam:
      return internal::FindXtextError(value, /*lower_hex=*/true);
    case kNotify:
      return FindNotifyError(value);
    case kOrcpt:
      return FindOrcptError(value, utf8);
    default:
      return kNone;
  }
}

bool ValueRequired(unsigned param) {
  return param != 0 && param != kSmtpUtf8 && param != kRequireTls;
}

// esmtp-param = esmtp-keyword ["=" esmtp-value]
Param SplitParam(std::string_view token) {
  Param p;
  const std::size_t equals = token.find('=');
  p.keyword = token.substr(0, equals);
  if (equals != std::string_view::npos) {
    p.has_value = true;
    p.value = token.substr(equals + 1);
  }
  return p;
}

bool IsMechanismChar(unsigned char c) {
  return internal::IsLetDig(c) || c == '-' || c == '_';
}

// Recursive-descent parser over one command line's content (no terminator,
// trailing white space already removed).
class CommandParser {
 public:
  CommandParser(std::string_view s, const Options& options, CommandResult* result)
      : s_(s), options_(options), result_(result), command_(result->command) {}

  Error Parse() {
    // The verb token runs up to the first SP: "NOOPx", "NOOP-x" and "*" are
    // unknown verbs, not known verbs followed by junk.
    const std::string_view token = Token();
    if (token.empty()) return Fail(ErrorCode::kSyntax, 0);
    const Verb verb = LookupVerb(token);
    if (verb == Verb::kUnknown) return Fail(ErrorCode::kUnknownCommand, UnknownVerbOffset(token));
    pos_ = token.size();
    command_.verb = verb;
    switch (verb) {
      case Verb::kHelo:
      case Verb::kEhlo:
        return ParseHello(verb == Verb::kEhlo);
      case Verb::kMail:
        return ParseMailOrRcpt("FROM:", /*allow_null=*/true, /*allow_postmaster=*/false,
                               kMailParams);
      case Verb::kRcpt:
        return ParseMailOrRcpt("TO:", /*allow_null=*/false, /*allow_postmaster=*/true, kRcptParams);
      case Verb::kData:
      case Verb::kRset:
      case Verb::kQuit:
      case Verb::kStartTls:
        return ExpectEnd();
      case Verb::kBdat:
        return ParseBdat();
      case Verb::kVrfy:
      case Verb::kExpn:
        return ParseArgument(/*required=*/true, /*smtputf8=*/true);
      case Verb::kHelp:
      case Verb::kNoop:
        return ParseArgument(/*required=*/false, /*smtputf8=*/false);
      case Verb::kAuth:
        return ParseAuth();
      case Verb::kUnknown:
        break;
    }
    return Fail(ErrorCode::kUnknownCommand, 0);
  }

 private:
  static Error Fail(ErrorCode code, std::size_t offset) { return Error{code, offset}; }

  // Where an unknown verb token stops being the beginning of a verb (any
  // case): "NOOPx" at the 'x', "HEL" at its end, "FOO" at the 'F'.
  // (A token that is a whole verb is known, so the choice search never says
  // "none" here; a proper prefix of a verb fails at its end.)
  static std::size_t UnknownVerbOffset(std::string_view token) {
    static constexpr auto kNames = [] {
      std::array<std::string_view, std::size(kVerbs)> names{};
      for (std::size_t i = 0; i < names.size(); ++i)
        names[i] = kVerbs[i].name;
      return names;
    }();
    return FindChoiceError(token, kNames);
  }

  // `word` (any case) at pos_: the first octet that differs, or the end of
  // the line when the line holds only its beginning. kOk past it.
  Error Expect(std::string_view word, ErrorCode code) {
    for (std::size_t k = 0; k < word.size(); ++k) {
      if (pos_ + k >= s_.size() || internal::ToUpper(s_[pos_ + k]) != word[k]) {
        return Fail(code, pos_ + k);
      }
    }
    pos_ += word.size();
    return {};
  }
  bool AtEnd() const { return pos_ >= s_.size(); }
  Error ExpectEnd() const { return AtEnd() ? Error{} : Fail(ErrorCode::kSyntax, pos_); }

  // One SP; more than one is the extra_space deviation in lenient. A token
  // must follow: a SP at the end of the line fails at the line end.
  Error Space() {
    if (AtEnd() || s_[pos_] != ' ') return Fail(ErrorCode::kSyntax, pos_);
    ++pos_;
    if (!AtEnd() && s_[pos_] == ' ') {
      if (!options_.lenient()) return Fail(ErrorCode::kSyntax, pos_);
      result_->deviations.Add(Deviation::kExtraSpace);
      while (!AtEnd() && s_[pos_] == ' ')
        ++pos_;
    }
    if (AtEnd() || s_[pos_] == '\t') return Fail(ErrorCode::kSyntax, pos_);
    return {};
  }

  // The token from pos_ up to the next SP or HT (white space, where only a
  // SP or the line end may stand: an HT there is `syntax`) or the end.
  // (Not find_first_of: it calls memchr over its set for every octet.)
  std::string_view Token() const {
    return s_.substr(pos_, internal::FindSpaceOrTab(s_, pos_) - pos_);
  }

  internal::HostRules Rules() const {
    return internal::HostRules{options_.utf8, options_.lenient(), &result_->deviations};
  }

  static Error Shift(Error e, std::size_t by) {
    e.offset += by;
    return e;
  }

  Error ParseHello(bool ehlo) {
    if (Error e = Space(); !e.ok()) return e;
    const std::string_view host = Token();
    if (host.front() == '[') {
      if (!ehlo) {
        if (!options_.lenient()) return Fail(ErrorCode::kBadDomain, pos_);
        result_->deviations.Add(Deviation::kHeloAddressLiteral);
      }
      if (Error e =
              internal::CheckAddressLiteral(host, Rules(), &command_.host_type, &command_.host);
          !e.ok()) {
        return Shift(e, pos_);
      }
    } else {
      // RFC 6531 section 3.7.1: the EHLO domain is LDH labels or A-labels,
      // also with SMTPUTF8 (and HELO has no extensions at all).
      internal::HostRules ascii = Rules();
      ascii.utf8 = false;
      if (Error e = internal::CheckDomain(host, ascii); !e.ok()) return Shift(e, pos_);
      command_.host_type = HostType::kDomain;
      command_.host = host;
    }
    pos_ += host.size();
    return ExpectEnd();
  }

  Error ParseMailOrRcpt(std::string_view keyword, bool allow_null, bool allow_postmaster,
                        unsigned allowed_params) {
    if (Error e = Space(); !e.ok()) return e;
    if (Error e = Expect(keyword, ErrorCode::kSyntax); !e.ok()) return e;
    if (!AtEnd() && s_[pos_] == ' ') {
      if (!options_.lenient()) return Fail(ErrorCode::kSyntax, pos_);
      result_->deviations.Add(Deviation::kSpaceAfterColon);
      while (!AtEnd() && s_[pos_] == ' ')
        ++pos_;
    }
    std::size_t length = 0;
    if (Error e = internal::MatchPath(s_.substr(pos_), Rules(), allow_null, allow_postmaster,
                                      &length, &command_.path);
        !e.ok()) {
      return Shift(e, pos_);
    }
    pos_ += length;
    if (AtEnd()) return {};
    if (Error e = Space(); !e.ok()) return e;
    return ParseParams(allowed_params);
  }

  Error ParseParams(unsigned allowed) {
    const std::size_t first = pos_;
    unsigned seen = 0;
    while (true) {
      const std::size_t start = pos_;
      const std::string_view token = Token();
      const std::size_t bad = FindParamError(token, allowed, first, start, &seen);
      if (bad != kNone) return Fail(ErrorCode::kBadParam, start + bad);
      pos_ += token.size();
      if (AtEnd()) break;
      if (Error e = Space(); !e.ok()) return e;
    }
    command_.params = ParamList(s_.substr(first));
    return {};
  }

  // esmtp-param = esmtp-keyword ["=" esmtp-value], with the rules of the
  // known keywords: npos when `token` (at `start`) is valid, else the offset
  // in it of the first octet that no valid parameter continues with.
  std::size_t FindParamError(std::string_view token, unsigned allowed, std::size_t first,
                             std::size_t start, unsigned* seen) {
    // esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
    if (token.empty() || !internal::IsLetDig(token[0])) return 0;
    std::size_t k = 1;
    while (k < token.size() && internal::Is(token[k], internal::kLdh))
      ++k;
    if (k < token.size() && token[k] != '=') return k;
    const std::string_view keyword = token.substr(0, k);
    const bool has_value = k < token.size();
    const std::string_view value = has_value ? token.substr(k + 1) : std::string_view();
    const unsigned known = LookupParam(keyword);
    // A known keyword on the wrong command is a valid beginning until it
    // ends (a longer keyword would be unknown, and fine).
    if (known != 0 && (known & allowed) == 0) return k;
    if (known != 0 && (*seen & known) != 0) {
      // Twice on one line: lenient takes a repeat with the same value
      // (Python's smtplib sends "size=20 ... SIZE=20"), never two values.
      Param earlier;
      if (!options_.lenient() ||
          !ParamList(s_.substr(first, start - first)).Find(keyword, &earlier)) {
        return k;
      }
      if (!earlier.has_value || !has_value) {
        if (earlier.has_value != has_value) return k;  // an '=', or the end of the keyword
        result_->deviations.Add(Deviation::kRepeatedParam);
        return kNone;
      }
      for (std::size_t i = 0; i <= value.size(); ++i) {
        if (i == value.size()) {
          if (i != earlier.value.size()) return k + 1 + i;
        } else if (i >= earlier.value.size() ||
                   internal::ToUpper(value[i]) != internal::ToUpper(earlier.value[i])) {
          return k + 1 + i;
        }
      }
      result_->deviations.Add(Deviation::kRepeatedParam);
      return kNone;
    }
    *seen |= known;
    if (!has_value) return ValueRequired(known) ? k : kNone;
    if (known != 0 && !ValueRequired(known)) return k;  // SMTPUTF8=, REQUIRETLS=
    // With utf8, esmtp-value takes UTF-8 too (RFC 6531 section 3.3).
    std::size_t bad = internal::FindEsmtpValueError(value, options_.utf8);
    if (known != 0) bad = std::min(bad, FindKnownValueError(known, value, options_.utf8));
    return bad == kNone ? kNone : k + 1 + bad;
  }

  Error ParseBdat() {
    if (Error e = Space(); !e.ok()) return e;
    const std::string_view size = Token();
    if (const std::size_t bad = internal::FindUint64Error(size, &command_.bdat_size);
        bad != kNone) {
      return Fail(ErrorCode::kSyntax, pos_ + bad);
    }
    pos_ += size.size();
    if (AtEnd()) return {};
    if (Error e = Space(); !e.ok()) return e;
    if (Error e = Expect("LAST", ErrorCode::kSyntax); !e.ok()) return e;
    command_.bdat_last = true;
    return ExpectEnd();
  }

  // VRFY / EXPN: String [SP "SMTPUTF8"] (RFC 6531); HELP / NOOP: [SP String].
  Error ParseArgument(bool required, bool smtputf8) {
    if (AtEnd() && !required) return {};
    if (Error e = Space(); !e.ok()) return e;
    const std::size_t start = pos_;
    const std::string_view rest = s_.substr(pos_);
    std::size_t n = 0;
    if (rest[0] == '"') {
      std::size_t bad;
      n = internal::MatchQuotedString(rest, options_.utf8, &bad);
      if (n == 0) return Fail(ErrorCode::kSyntax, pos_ + bad);
    } else {
      n = internal::MatchAtom(rest, options_.utf8);
      if (n == 0) return Fail(ErrorCode::kSyntax, pos_);
    }
    if (smtputf8 && options_.lenient() && n < rest.size() && rest[n] == '@') {
      // VRFY/EXPN with a bare mailbox (Go's net/smtp): not a String, but a
      // Mailbox up to the next SP.
      const std::size_t space = rest.find(' ', n);
      const std::string_view mailbox = rest.substr(0, space);
      Deviations found;
      const internal::HostRules rules{options_.utf8, true, &found};
      if (const Error e = internal::CheckMailbox(mailbox, rules); !e.ok()) {
        return Fail(ErrorCode::kSyntax, pos_ + e.offset);
      }
      result_->deviations.Add(Deviation::kVrfyMailbox);
      result_->deviations.Add(found);
      n = mailbox.size();
    }
    pos_ += n;
    if (!AtEnd() && smtputf8) {
      if (Error e = Space(); !e.ok()) return e;
      if (Error e = Expect("SMTPUTF8", ErrorCode::kSyntax); !e.ok()) return e;
    }
    if (Error e = ExpectEnd(); !e.ok()) return e;
    command_.argument = s_.substr(start);
    command_.has_argument = true;
    return {};
  }

  Error ParseAuth() {
    if (Error e = Space(); !e.ok()) return e;
    const std::string_view mechanism = Token();
    for (std::size_t i = 0; i < mechanism.size(); ++i) {
      if (i >= 20 || !IsMechanismChar(mechanism[i])) return Fail(ErrorCode::kSyntax, pos_ + i);
    }
    command_.mechanism = mechanism;
    pos_ += mechanism.size();
    if (AtEnd()) return {};
    if (Error e = Space(); !e.ok()) return e;
    const std::string_view response = Token();
    // "*" cancels an exchange; it is no initial response.
    if (response[0] == '*') return Fail(ErrorCode::kBadBase64, pos_);
    if (Error e = CheckSaslResponse(response); !e.ok()) return Shift(e, pos_);
    command_.initial_response = response;
    command_.has_initial_response = true;
    pos_ += response.size();
    return ExpectEnd();
  }

  std::string_view s_;
  const Options& options_;
  CommandResult* result_;
  Command& command_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string_view VerbName(Verb verb) noexcept {
  for (const VerbEntry& entry : kVerbs) {
    if (entry.verb == verb) return entry.name;
  }
  return "";
}

std::string_view HostTypeName(HostType type) noexcept {
  switch (type) {
    case HostType::kDomain:
      return "domain";
    case HostType::kIpv4:
      return "ipv4";
    case HostType::kIpv6:
      return "ipv6";
    case HostType::kGeneral:
      return "general";
  }
  return "unknown";
}

void ParamList::Iterator::Load() {
  if (word_ != Words::Iterator()) current_ = SplitParam(*word_);
}

bool ParamList::Find(std::string_view keyword, Param* out) const {
  for (const Param& p : *this) {
    if (EqualsIgnoreCase(p.keyword, keyword)) {
      *out = p;
      return true;
    }
  }
  return false;
}

bool operator==(const ParamList& a, const ParamList& b) {
  auto i = a.begin();
  auto j = b.begin();
  for (; i != a.end() && j != b.end(); ++i, ++j) {
    if (!(*i == *j)) return false;
  }
  return i == a.end() && j == b.end();
}

namespace {

// Extension allowances on the MAIL / RCPT line limit, in octets, each
// granted once however many of its keywords a line carries.
struct Allowance {
  std::string_view keyword;
  unsigned group;
  std::size_t octets;
};
constexpr Allowance kMailAllowances[] = {
    {"SIZE", 1u << 0, 26},        // RFC 1870 section 3 (5)
    {"AUTH", 1u << 1, 500},       // RFC 4954 section 3 (5)
    {"RET", 1u << 2, 100},        // RFC 3461 section 4: RET and ENVID together
    {"ENVID", 1u << 2, 100},      //
    {"SMTPUTF8", 1u << 3, 10},    // RFC 6531 section 3.1 (5)
    {"REQUIRETLS", 1u << 4, 11},  // RFC 8689 section 2 (5)
};
constexpr Allowance kRcptAllowances[] = {
    {"NOTIFY", 1u << 0, 500},  // RFC 3461 section 4: NOTIFY and ORCPT together
    {"ORCPT", 1u << 0, 500},
};
constexpr std::size_t kMaxMailAllowance = 26 + 500 + 100 + 10 + 11;
constexpr std::size_t kMaxRcptAllowance = 500;

}  // namespace

bool IsAuthLine(std::string_view line) noexcept {
  return StartsWithIgnoreCase(line, "AUTH ");
}

std::size_t CommandLineLimit(std::string_view line, const Options& options) noexcept {
  if (IsAuthLine(line)) return options.max_auth_line;
  // Within the base limit the allowances do not matter: skip the scan.
  if (line.size() <= options.max_command_line) return options.max_command_line;
  return options.max_command_line + MailRcptAllowance(line, options);
}

std::size_t MaxCommandLineLimit(const Options& options) noexcept {
  return std::max({options.max_auth_line, options.max_command_line + kMaxMailAllowance,
                   options.max_command_line + kMaxRcptAllowance});
}

int SaslResponseCount(const Command& auth) noexcept {
  // The usual successful exchange of each mechanism (SPEC section 2):
  // challenges answered after the AUTH line, and with an initial response.
  struct Mechanism {
    std::string_view name;
    int without_ir;
    int with_ir;
  };
  static constexpr Mechanism kMechanisms[] = {
      {"PLAIN", 1, 0},        // RFC 4616: one message
      {"LOGIN", 2, 1},        // user name, password
      {"CRAM-MD5", 1, 0},     // RFC 2195: server challenge first, one answer
      {"XOAUTH2", 1, 0},      // Google/Microsoft: the bearer token
      {"OAUTHBEARER", 1, 0},  // RFC 7628: one client message
      {"DIGEST-MD5", 2, 0},   // RFC 2831: digest-response, then an empty rspauth ack
      {"NTLM", 2, 1},         // negotiate, authenticate
  };
  const bool ir = auth.has_initial_response;
  for (const Mechanism& m : kMechanisms) {
    if (EqualsIgnoreCase(auth.mechanism, m.name)) return ir ? m.with_ir : m.without_ir;
  }
  // RFC 5802: client-first (or the initial response), then client-final.
  if (StartsWithIgnoreCase(auth.mechanism, "SCRAM-")) return ir ? 1 : 2;
  return 0;
}

Error CheckSaslResponse(std::string_view content) noexcept {
  // RFC 4954 section 8: *(CRLF [base64]): an empty line is an empty response.
  if (content.empty() || content == "*" || content == "=") return {};
  // "*" (cancel) and "=" (empty) stand alone: the octet after them fails.
  if (content[0] == '*' || content[0] == '=') return Error{ErrorCode::kBadBase64, 1};
  const std::size_t bad = internal::FindBase64Error(content);
  if (bad == std::string_view::npos) return {};
  return Error{ErrorCode::kBadBase64, bad};
}

CommandResult ParseCommandContent(std::string_view content, const Options& options) {
  CommandResult result;
  // Trailing white space: a deviation in lenient, which reads it as part of
  // the line end (an error "at the line end" is at its first octet). Strict
  // reads it as content, and it fails where the grammar breaks: "QUIT " at
  // the SP, "NOOP " at the line end (a String could follow the SP).
  std::size_t end = content.size();
  if (options.lenient()) {
    end = internal::StripTrailingSpace(content).size();
    if (end < content.size()) result.deviations.Add(Deviation::kTrailingSpace);
  }
  CommandParser parser(content.substr(0, end), options, &result);
  result.error = parser.Parse();
  if (!result.error.ok()) {
    // An error record lists the deviations used before the error (SPEC
    // section 1): the trailing white space lies after any grammar error.
    result.command = Command{};
    Deviations before;
    result.deviations.ForEach([&](Deviation d) {
      if (d != Deviation::kTrailingSpace) before.Add(d);
    });
    result.deviations = before;
  }
  return result;
}

CommandResult ParseCommand(std::string_view line, const Options& options) {
  return ParseCheckedCommand(CheckLine(line, CommandLineLimit(line, options), options), options);
}

CommandResult ParseCheckedCommand(const CheckedLine& checked, const Options& options) {
  if (!checked.ok()) {
    CommandResult result;
    result.error = checked.error;
    result.deviations = checked.deviations;  // a bare LF line end, before a bad octet
    return result;
  }
  CommandResult result = ParseCommandContent(checked.content, options);
  result.deviations.Add(checked.deviations);
  return result;
}

std::size_t MailRcptAllowance(std::string_view line, const Options& options) noexcept {
  const bool mail = StartsWithIgnoreCase(line, "MAIL ");
  if (!mail && !StartsWithIgnoreCase(line, "RCPT ")) return 0;
  // Only what a legal line could hold is looked at: the framer keeps at
  // least this much of an over-long line, so streams and ParseCommand agree.
  line = line.substr(0, options.max_command_line + kMaxMailAllowance);
  // The parameters follow the path: the first '>' outside a quoted string.
  std::size_t i = line.find('<');
  if (i == std::string_view::npos) return 0;
  bool quoted = false;
  for (++i; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == '>') {
      break;
    }
  }
  if (i >= line.size()) return 0;
  const auto* first = mail ? std::begin(kMailAllowances) : std::begin(kRcptAllowances);
  const auto* last = mail ? std::end(kMailAllowances) : std::end(kRcptAllowances);
  unsigned granted = 0;
  std::size_t total = 0;
  ++i;  // past the '>'
  while (i < line.size()) {
    const auto separator = [](char c) { return c == ' ' || c == '\r' || c == '\n'; };
    while (i < line.size() && separator(line[i]))
      ++i;
    std::size_t end = i;
    while (end < line.size() && !separator(line[end]))
      ++end;
    const std::string_view word = line.substr(i, end - i);
    const std::string_view keyword = word.substr(0, word.find('='));
    for (const Allowance* a = first; a != last; ++a) {
      if ((granted & a->group) == 0 && EqualsIgnoreCase(keyword, a->keyword)) {
        granted |= a->group;
        total += a->octets;
      }
    }
    i = end;
  }
  return total;
}

Verb CommandVerb(std::string_view line) noexcept {
  const std::size_t end = line.find_first_of(" \r\n");
  return LookupVerb(line.substr(0, end == std::string_view::npos ? line.size() : end));
}

}  // namespace smtp
