#include "smtp/format.h"

#include <vector>

namespace smtp {
namespace {

// Debian's Abseil has its own string_view type, so absl::StrCat does not take
// std::string_view: a small appender instead.
void Append(std::string*) {}
template <typename... Rest>
void Append(std::string* out, std::string_view first, Rest... rest) {
  out->append(first);
  Append(out, rest...);
}

Options StrictCopy(const Options& options) {
  Options strict = options;
  strict.policy = Policy::kStrict;
  return strict;
}

std::string HostText(const Command& command) {
  switch (command.host_type) {
    case HostType::kDomain:
      return std::string(command.host);
    case HostType::kIpv4:
    case HostType::kGeneral:
      return std::string("[").append(command.host).append("]");
    case HostType::kIpv6:
      return std::string("[IPv6:").append(command.host).append("]");
  }
  return std::string();
}

void AppendParams(const ParamList& params, std::string* line) {
  for (const Param& p : params) {
    Append(line, " ", p.keyword);
    if (p.has_value) Append(line, "=", p.value);
  }
}

// Replies are written, then read back strictly: whatever the strict grammar
// refuses is refused here too, with the reader's error.
Error WriteReply(std::uint16_t code, std::span<const std::string_view> lines,
                 const Options& options, std::string* reply) {
  if (lines.empty()) return Error{ErrorCode::kSyntax, 0};
  const std::string code_text = std::to_string(code);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const bool last = i + 1 == lines.size();
    Append(reply, code_text);
    if (!lines[i].empty() || !last) Append(reply, last ? " " : "-");
    Append(reply, lines[i], "\r\n");
  }
  const ReplyResult parsed = ParseReply(*reply, options);
  if (!parsed.ok()) return parsed.error;
  if (parsed.reply.code != code || parsed.reply.lines.size() != lines.size()) {
    return Error{ErrorCode::kSyntax, 0};
  }
  std::size_t i = 0;
  for (std::string_view text : parsed.reply.lines) {
    if (text != lines[i++]) return Error{ErrorCode::kSyntax, 0};
  }
  return {};
}

}  // namespace

Error FormatCommand(const Command& command, const Options& options, std::string* out) {
  std::string line(VerbName(command.verb));
  if (line.empty()) return Error{ErrorCode::kUnknownCommand, 0};
  switch (command.verb) {
    case Verb::kHelo:
    case Verb::kEhlo:
      Append(&line, " ", std::string_view(HostText(command)));
      break;
    case Verb::kMail:
    case Verb::kRcpt:
      Append(&line, command.verb == Verb::kMail ? " FROM:<" : " TO:<", command.path, ">");
      AppendParams(command.params, &line);
      break;
    case Verb::kBdat:
      Append(&line, " ", std::to_string(command.bdat_size), command.bdat_last ? " LAST" : "");
      break;
    case Verb::kVrfy:
    case Verb::kExpn:
    case Verb::kHelp:
    case Verb::kNoop:
      if (command.has_argument) Append(&line, " ", command.argument);
      break;
    case Verb::kAuth:
      Append(&line, " ", command.mechanism);
      if (command.has_initial_response) Append(&line, " ", command.initial_response);
      break;
    default:
      break;
  }
  line += "\r\n";
  const CommandResult parsed = ParseCommand(line, StrictCopy(options));
  if (!parsed.ok()) return parsed.error;
  if (!(parsed.command == command)) return Error{ErrorCode::kSyntax, 0};
  out->append(line);
  return {};
}

Error FormatReply(std::uint16_t code, std::span<const std::string_view> lines,
                  const Options& options, std::string* out) {
  std::string reply;
  const Error error = WriteReply(code, lines, StrictCopy(options), &reply);
  if (error.ok()) out->append(reply);
  return error;
}

Error FormatReply(std::uint16_t code, std::initializer_list<std::string_view> lines,
                  const Options& options, std::string* out) {
  return FormatReply(code, std::span<const std::string_view>(lines.begin(), lines.size()), options,
                     out);
}

Error FormatReply(const Reply& reply, const Options& options, std::string* out) {
  std::vector<std::string_view> lines(reply.lines.begin(), reply.lines.end());
  return FormatReply(reply.code, lines, options, out);
}

Error FormatEhloReply(std::string_view domain, std::string_view greeting,
                      std::span<const std::string_view> capability_lines, const Options& options,
                      std::string* out) {
  const std::string first =
      greeting.empty() ? std::string(domain) : std::string(domain).append(" ").append(greeting);
  std::vector<std::string_view> lines;
  lines.reserve(capability_lines.size() + 1);
  lines.push_back(first);
  lines.insert(lines.end(), capability_lines.begin(), capability_lines.end());
  const Options strict = StrictCopy(options);
  std::string reply;
  if (Error e = WriteReply(250, lines, strict, &reply); !e.ok()) return e;
  const EhloResult parsed = ParseEhloReply(reply, strict);
  if (!parsed.ok()) return parsed.error;
  if (parsed.ehlo.domain != domain || parsed.ehlo.greeting != greeting) {
    return Error{ErrorCode::kSyntax, 0};
  }
  out->append(reply);
  return {};
}

}  // namespace smtp
