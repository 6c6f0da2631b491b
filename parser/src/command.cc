#include "smtp/command.h"

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

// RFC 3461: ORCPT=addr-type ";" xtext, at most 500 octets.
bool IsOrcptValue(std::string_view value) {
  if (value.size() > 500) return false;
  const std::size_t semicolon = value.find(';');
  if (semicolon == std::string_view::npos || semicolon == 0) return false;
  const std::string_view type = value.substr(0, semicolon);
  if (internal::MatchAtom(type, /*utf8=*/false) != type.size()) return false;
  return internal::IsXtext(value.substr(semicolon + 1));
}

bool IsKnownParamValid(unsigned param, const Param& p) {
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
      return p.has_value && IsOrcptValue(p.value);
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
    if (verb == Verb::kUnknown) return Fail(ErrorCode::kUnknownCommand, 0);
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
      if (Error e = internal::CheckAddressLiteral(host, &command_.host_type, &command_.host);
          !e.ok()) {
        return Shift(e, pos_);
      }
    } else {
      if (Error e = internal::CheckDomain(host, options_.utf8); !e.ok()) return Shift(e, pos_);
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
    if (Error e = internal::MatchPath(s_.substr(pos_), options_.utf8, allow_null, allow_postmaster,
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
      if (p.has_value && !internal::IsEsmtpValue(p.value)) {
        return Fail(ErrorCode::kBadParam, start);
      }
      const unsigned known = LookupParam(p.keyword);
      if (known != 0) {
        if ((known & allowed) == 0 || (seen & known) != 0 || !IsKnownParamValid(known, p)) {
          return Fail(ErrorCode::kBadParam, start);
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
    const std::size_t n = (!rest.empty() && rest[0] == '"')
                              ? internal::MatchQuotedString(rest, options_.utf8)
                              : internal::MatchAtom(rest, options_.utf8);
    if (n == 0) {
      return Shift(internal::CheckString(rest, options_.utf8), pos_);
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

bool IsAuthLine(std::string_view line) noexcept {
  return StartsWithIgnoreCase(line, "AUTH ");
}

int SaslResponseCount(const Command& auth) noexcept {
  const bool ir = auth.has_initial_response;
  if (EqualsIgnoreCase(auth.mechanism, "LOGIN")) return ir ? 1 : 2;
  if (ir) return 0;
  if (EqualsIgnoreCase(auth.mechanism, "PLAIN")) return 1;
  if (EqualsIgnoreCase(auth.mechanism, "CRAM-MD5")) return 1;
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
    result.command = Command{};
    result.deviations = Deviations{};
  }
  return result;
}

CommandResult ParseCommand(std::string_view line, const Options& options) {
  const std::size_t limit = IsAuthLine(line) ? options.max_auth_line : options.max_command_line;
  const CheckedLine checked = CheckLine(line, limit, options);
  if (!checked.ok()) {
    CommandResult result;
    result.error = checked.error;
    return result;
  }
  CommandResult result = ParseCommandContent(checked.content, options);
  if (result.ok()) result.deviations.Add(checked.deviations);
  return result;
}

Verb CommandVerb(std::string_view line) noexcept {
  const std::size_t end = line.find_first_of(" \r\n");
  return LookupVerb(line.substr(0, end == std::string_view::npos ? line.size() : end));
}

}  // namespace smtp
