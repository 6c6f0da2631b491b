#include "smtp/command.h"

#include <algorithm>
#include <iterator>

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

Verb LookupVerb(std::string_view token) {
  // Every verb has 4 letters but STARTTLS: compare the length first, then
  // the first letter, before the whole word.
  if (token.size() != 4 && token.size() != 8) return Verb::kUnknown;
  const char first = internal::ToUpper(token[0]);
  for (const VerbEntry& entry : kVerbs) {
    if (entry.name[0] == first && EqualsIgnoreCase(token, entry.name)) return entry.verb;
  }
  return Verb::kUnknown;
}

// ESMTP parameters whose syntax we check, and which command they belong to.
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
constexpr unsigned kMailParams =
    kSize | kBody | kSmtpUtf8 | kRet | kEnvid | kAuthParam | kRequireTls;
constexpr unsigned kRcptParams = kNotify | kOrcpt;

unsigned LookupParam(std::string_view keyword) {
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
  const char first = internal::ToUpper(keyword[0]);
  for (const Entry& e : kParams) {
    if (e.name[0] == first && EqualsIgnoreCase(keyword, e.name)) return e.param;
  }
  return 0;
}

bool IsOneOf(std::string_view value, std::initializer_list<std::string_view> choices) {
  for (std::string_view choice : choices) {
    if (EqualsIgnoreCase(value, choice)) return true;
  }
  return false;
}

// RFC 3461: NOTIFY=NEVER, or a comma list of SUCCESS / FAILURE / DELAY,
// each at most once.
bool IsNotifyValue(std::string_view value) {
  if (EqualsIgnoreCase(value, "NEVER")) return true;
  unsigned seen = 0;
  while (true) {
    const std::size_t comma = value.find(',');
    const std::string_view item = value.substr(0, comma);
    unsigned bit = 0;
    if (EqualsIgnoreCase(item, "SUCCESS")) bit = 1;
    if (EqualsIgnoreCase(item, "FAILURE")) bit = 2;
    if (EqualsIgnoreCase(item, "DELAY")) bit = 4;
    if (bit == 0 || (seen & bit) != 0) return false;
    seen |= bit;
    if (comma == std::string_view::npos) return true;
    value.remove_prefix(comma + 1);
  }
}

// RFC 6533 section 3, EmbeddedUnicodeChar = %x5C.78 "{" HEXPOINT "}": the
// length of the one at the start of `s`, 0 if none. HEXPOINT names a code
// point in its shortest form: one of the ASCII octets xtext cannot carry
// (01-09, 10-19 as written, 20, 2B, 3D, 5C, 7F) or a non-ASCII scalar value.
std::size_t MatchEmbeddedUnicodeChar(std::string_view s) {
  if (s.size() < 5 || s[0] != '\\' || s[1] != 'x' || s[2] != '{') return 0;
  const std::size_t close = s.find('}', 3);
  if (close == std::string_view::npos) return 0;
  const std::string_view hex = s.substr(3, close - 3);
  if (hex.size() < 2 || hex.size() > 6) return 0;
  std::uint32_t value = 0;
  for (const char c : hex) {
    if (!internal::Is(c, internal::kHexDigit)) return 0;
    const char u = internal::ToUpper(c);
    value = value * 16 + static_cast<std::uint32_t>(u <= '9' ? u - '0' : u - 'A' + 10);
  }
  bool ok = false;
  if (hex.size() == 2) {
    // ( "0"/"1" ) %x31-39 / "10" / "20" / "2B" / "3D" / "7F" / "5C" / HEXDIG8 HEXDIG
    const bool decimal_form = (hex[0] == '0' || hex[0] == '1') && hex[1] >= '1' && hex[1] <= '9';
    ok = decimal_form || value == 0x10 || value == 0x20 || value == 0x2B || value == 0x3D ||
         value == 0x7F || value == 0x5C || value >= 0x80;
  } else if (hex[0] != '0') {
    // No leading zero: 3 digits 100-FFF, 4 digits 1000-FFFF without
    // surrogates, 5 digits, 6 digits "10" 4HEXDIG.
    ok = (hex.size() != 4 || value < 0xD800 || value > 0xDFFF) &&
         (hex.size() != 6 || (hex[0] == '1' && hex[1] == '0'));
  }
  return ok ? close + 1 : 0;
}

// RFC 6533 section 3 with SMTPUTF8 (RFC 6531): utf-8-addr-unitext =
// 1*( QUCHAR / EmbeddedUnicodeChar ), QUCHAR = %x21-2a / %x2c-3c / %x3e-5b /
// %x5d-7e / UTF8-2 / UTF8-3 / UTF8-4. utf-8-addr-xtext is its ASCII subset.
bool IsUtf8AddrUnitext(std::string_view s) {
  if (s.empty()) return false;
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    if (c == '\\') {
      const std::size_t n = MatchEmbeddedUnicodeChar(s.substr(i));
      if (n == 0) return false;
      i += n;
    } else if (c >= 0x80) {
      const std::size_t n = internal::Utf8SequenceLength(s, i);
      if (n == 0) return false;
      i += n;
    } else if (c >= 0x21 && c <= 0x7E && c != '+' && c != '=') {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

// RFC 3461: ORCPT=addr-type ";" xtext, at most 500 octets. With SMTPUTF8
// (`utf8`), RFC 6533's "utf-8" address type also takes utf-8-addr-unitext.
bool IsOrcptValue(std::string_view value, bool utf8) {
  if (value.size() > 500) return false;
  const std::size_t semicolon = value.find(';');
  if (semicolon == std::string_view::npos || semicolon == 0) return false;
  const std::string_view type = value.substr(0, semicolon);
  if (internal::MatchAtom(type, /*utf8=*/false) != type.size()) return false;
  const std::string_view address = value.substr(semicolon + 1);
  if (internal::IsXtext(address)) return true;
  return utf8 && EqualsIgnoreCase(type, "utf-8") && IsUtf8AddrUnitext(address);
}

bool IsKnownParamValid(unsigned param, const Param& p, bool utf8) {
  switch (param) {
    case kSize: {
      std::uint64_t size;
      return p.has_value && p.value.size() <= 20 && internal::ParseUint64(p.value, &size);
    }
    case kBody:
      return p.has_value && IsOneOf(p.value, {"7BIT", "8BITMIME", "BINARYMIME"});
    case kSmtpUtf8:
    case kRequireTls:
      return !p.has_value;
    case kRet:
      return p.has_value && IsOneOf(p.value, {"FULL", "HDRS"});
    case kEnvid:
      return p.has_value && p.value.size() <= 100 && internal::IsXtext(p.value);
    case kAuthParam:
      return p.has_value && internal::IsXtext(p.value, /*lower_hex=*/true);
    case kNotify:
      return p.has_value && IsNotifyValue(p.value);
    case kOrcpt:
      return p.has_value && IsOrcptValue(p.value, utf8);
    default:
      return true;
  }
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
  bool AtEnd() const { return pos_ >= s_.size(); }
  Error ExpectEnd() const { return AtEnd() ? Error{} : Fail(ErrorCode::kSyntax, pos_); }

  // One SP; more than one is the extra_space deviation in lenient.
  Error Space() {
    if (AtEnd() || s_[pos_] != ' ') return Fail(ErrorCode::kSyntax, pos_);
    ++pos_;
    if (!AtEnd() && s_[pos_] == ' ') {
      if (!options_.lenient()) return Fail(ErrorCode::kSyntax, pos_);
      result_->deviations.Add(Deviation::kExtraSpace);
      while (!AtEnd() && s_[pos_] == ' ')
        ++pos_;
    }
    return {};
  }

  // The token from pos_ up to the next SP or the end.
  std::string_view Token() const {
    const std::size_t end = s_.find(' ', pos_);
    return s_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
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
    if (host.empty()) return Fail(ErrorCode::kSyntax, pos_);
    if (!host.empty() && host.front() == '[') {
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
    if (!StartsWithIgnoreCase(s_.substr(pos_), keyword)) return Fail(ErrorCode::kSyntax, pos_);
    pos_ += keyword.size();
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
      const Param p = SplitParam(token);
      if (!internal::IsEsmtpKeyword(p.keyword)) return Fail(ErrorCode::kBadParam, start);
      const unsigned known = LookupParam(p.keyword);
      if (p.has_value && !internal::IsEsmtpValue(p.value, options_.utf8)) {
        return Fail(ErrorCode::kBadParam, start);
      }
      if (known != 0) {
        if ((known & allowed) == 0 || !IsKnownParamValid(known, p, options_.utf8)) {
          return Fail(ErrorCode::kBadParam, start);
        }
        if ((seen & known) != 0) {
          // Twice on one line: lenient takes a repeat with the same value
          // (Python's smtplib sends "size=20 ... SIZE=20"), never two values.
          Param earlier;
          if (!options_.lenient() ||
              !ParamList(s_.substr(first, start - first)).Find(p.keyword, &earlier) ||
              earlier.has_value != p.has_value || !EqualsIgnoreCase(earlier.value, p.value)) {
            return Fail(ErrorCode::kBadParam, start);
          }
          result_->deviations.Add(Deviation::kRepeatedParam);
        }
        seen |= known;
      }
      pos_ += token.size();
      if (AtEnd()) break;
      if (Error e = Space(); !e.ok()) return e;
    }
    command_.params = ParamList(s_.substr(first));
    return {};
  }

  Error ParseBdat() {
    if (Error e = Space(); !e.ok()) return e;
    const std::string_view size = Token();
    if (!internal::ParseUint64(size, &command_.bdat_size)) return Fail(ErrorCode::kSyntax, pos_);
    pos_ += size.size();
    if (AtEnd()) return {};
    if (Error e = Space(); !e.ok()) return e;
    if (!EqualsIgnoreCase(Token(), "LAST")) return Fail(ErrorCode::kSyntax, pos_);
    command_.bdat_last = true;
    pos_ += 4;
    return ExpectEnd();
  }

  // VRFY / EXPN: String [SP "SMTPUTF8"] (RFC 6531); HELP / NOOP: [SP String].
  Error ParseArgument(bool required, bool smtputf8) {
    if (AtEnd() && !required) return {};
    if (Error e = Space(); !e.ok()) return e;
    const std::size_t start = pos_;
    const std::string_view rest = s_.substr(pos_);
    std::size_t n = (!rest.empty() && rest[0] == '"')
                        ? internal::MatchQuotedString(rest, options_.utf8)
                        : internal::MatchAtom(rest, options_.utf8);
    if (n == 0) {
      return Shift(internal::CheckString(rest, options_.utf8), pos_);
    }
    if (smtputf8 && options_.lenient() && n < rest.size() && rest[n] == '@') {
      // VRFY/EXPN with a bare mailbox (Go's net/smtp): not a String, but a
      // Mailbox up to the next SP. A bad mailbox stays a bad String.
      const std::size_t space = rest.find(' ', n);
      const std::string_view mailbox = rest.substr(0, space);
      Deviations found;
      const internal::HostRules rules{options_.utf8, true, &found};
      if (internal::CheckMailbox(mailbox, rules).ok()) {
        result_->deviations.Add(Deviation::kVrfyMailbox);
        result_->deviations.Add(found);
        n = mailbox.size();
      }
    }
    pos_ += n;
    if (!AtEnd() && smtputf8) {
      if (Error e = Space(); !e.ok()) return e;
      if (!EqualsIgnoreCase(s_.substr(pos_), "SMTPUTF8")) return Fail(ErrorCode::kSyntax, pos_);
      pos_ = s_.size();
    }
    if (Error e = ExpectEnd(); !e.ok()) return e;
    command_.argument = s_.substr(start);
    command_.has_argument = true;
    return {};
  }

  Error ParseAuth() {
    if (Error e = Space(); !e.ok()) return e;
    const std::string_view mechanism = Token();
    if (mechanism.empty()) return Fail(ErrorCode::kSyntax, pos_);
    for (std::size_t i = 0; i < mechanism.size(); ++i) {
      if (i >= 20 || !IsMechanismChar(mechanism[i])) return Fail(ErrorCode::kSyntax, pos_ + i);
    }
    command_.mechanism = mechanism;
    pos_ += mechanism.size();
    if (AtEnd()) return {};
    if (Error e = Space(); !e.ok()) return e;
    const std::string_view response = Token();
    if (Error e = CheckSaslResponse(response); !e.ok() || response == "*") {
      return Fail(ErrorCode::kBadBase64, pos_ + (e.ok() ? 0 : e.offset));
    }
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
  const std::size_t bad = internal::FindBase64Error(content);
  if (bad == std::string_view::npos) return {};
  return Error{ErrorCode::kBadBase64, bad};
}

CommandResult ParseCommandContent(std::string_view content, const Options& options) {
  CommandResult result;
  // Trailing white space: a deviation in lenient, an error in strict that
  // is reported only when nothing earlier on the line is wrong.
  const std::size_t end = internal::StripTrailingSpace(content).size();
  const bool trailing = end < content.size();
  if (trailing && options.lenient()) result.deviations.Add(Deviation::kTrailingSpace);
  CommandParser parser(content.substr(0, end), options, &result);
  result.error = parser.Parse();
  if (result.error.ok() && trailing && !options.lenient()) {
    result.error = Error{ErrorCode::kSyntax, end};
  }
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
  const CheckedLine checked = CheckLine(line, CommandLineLimit(line, options), options);
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
