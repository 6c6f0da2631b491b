// fuzz/describe.h: a canonical text of what the parser makes of an input,
// as each fuzz target reads it. A regression's .expected file holds this
// text for the correct behaviour; tests/regressions_test.cc compares.
#ifndef SMTP_FUZZ_DESCRIBE_H_
#define SMTP_FUZZ_DESCRIBE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "smtp/command.h"
#include "smtp/ehlo.h"
#include "smtp/reply.h"
#include "smtp/stream.h"

namespace smtp_fuzz {

inline std::string OptionsName(const smtp::Options& o) {
  return std::string(o.lenient() ? "lenient" : "strict") + (o.utf8 ? "+utf8" : "");
}

inline std::string OutcomeText(const smtp::Error& e, smtp::Deviations d) {
  if (!e.ok()) return ErrorString(e);
  std::string s = "ok";
  if (!d.empty()) s += " deviations=" + DeviationString(d);
  return s;
}

inline std::string CommandText(const smtp::Command& c) {
  std::string s = " verb=" + std::string(smtp::VerbName(c.verb));
  if (c.verb == smtp::Verb::kHelo || c.verb == smtp::Verb::kEhlo) {
    s += " host_type=" + std::string(smtp::HostTypeName(c.host_type)) + " host=" + Escape(c.host);
  }
  if (c.verb == smtp::Verb::kMail || c.verb == smtp::Verb::kRcpt) {
    s += " path=" + Escape(c.path);
    for (const smtp::Param& p : c.params) {
      s += " param=" + Escape(p.keyword) + (p.has_value ? "=" + Escape(p.value) : "");
    }
  }
  if (c.verb == smtp::Verb::kBdat) {
    s += " size=" + std::to_string(c.bdat_size) + (c.bdat_last ? " last" : "");
  }
  if (c.verb == smtp::Verb::kAuth) {
    s += " mechanism=" + Escape(c.mechanism);
    if (c.has_initial_response) s += " initial_response=" + Escape(c.initial_response);
  }
  if (c.has_argument) s += " argument=" + Escape(c.argument);
  return s;
}

inline std::string ReplyText(const smtp::Reply& r) {
  std::string s = " code=" + std::to_string(r.code);
  for (std::string_view l : r.lines)
    s += " line=[" + Escape(l) + "]";
  if (r.has_enhanced) s += " enhanced=" + std::string(r.enhanced.text);
  return s;
}

inline std::string EhloText(const smtp::EhloReply& e) {
  std::string s = " domain=" + Escape(e.domain) + " greeting=[" + Escape(e.greeting) + "]";
  for (const smtp::Capability& c : e.capabilities) {
    s += " cap=" + Escape(c.keyword);
    for (std::string_view p : c.params)
      s += "," + Escape(p);
  }
  return s;
}

inline std::string RecordText(const smtp::Record& r) {
  std::string s = std::string(smtp::RecordKindName(r.kind)) + " " + std::to_string(r.offset) + "+" +
                  std::to_string(r.length) + " " + OutcomeText(r.error, r.deviations);
  if (r.kind == smtp::RecordKind::kData) s += " bytes=" + std::to_string(r.data_bytes);
  if (!r.ok()) return s;
  if (r.kind == smtp::RecordKind::kCommand) s += CommandText(r.command);
  if (r.kind == smtp::RecordKind::kAuthResponse) s += " [" + Escape(r.auth_response) + "]";
  if (r.kind == smtp::RecordKind::kReply) {
    s += ReplyText(r.reply);
    if (r.is_ehlo) s += EhloText(r.ehlo);
  }
  return s;
}

inline std::string DescribeCommandLine(std::string_view in) {
  std::string out;
  for (int v = 0; v < 4; ++v) {
    const smtp::Options o = MakeOptions(v & 1, v & 2);
    const smtp::CommandResult r = smtp::ParseCommand(in, o);
    out += "command " + OptionsName(o) + ": " + OutcomeText(r.error, r.deviations) +
           (r.ok() ? CommandText(r.command) : "") + "\n";
  }
  return out;
}

inline std::string DescribeReply(std::string_view in) {
  std::string out;
  for (int v = 0; v < 4; ++v) {
    const smtp::Options o = MakeOptions(v & 1, v & 2);
    const smtp::ReplyResult r = smtp::ParseReply(in, o);
    out += "reply " + OptionsName(o) + ": " + OutcomeText(r.error, r.deviations) +
           (r.ok() ? ReplyText(r.reply) : "") + "\n";
  }
  return out;
}

inline std::string DescribeEhlo(std::string_view in) {
  std::string out;
  for (int v = 0; v < 4; ++v) {
    const smtp::Options o = MakeOptions(v & 1, v & 2);
    const smtp::EhloResult r = smtp::ParseEhloReply(in, o);
    out += "ehlo " + OptionsName(o) + ": " + OutcomeText(r.error, r.deviations) +
           (r.ok() ? ReplyText(r.ehlo.reply) + EhloText(r.ehlo) : "") + "\n";
  }
  return out;
}

template <typename Stream>
std::string DescribeStream(Stream& stream, std::string_view body) {
  std::string out;
  auto sink = [&](const smtp::Record& r) { out += "  " + RecordText(r) + "\n"; };
  stream.Feed(body, sink);
  stream.Finish(sink);
  return out;
}

inline std::string SetupText(const StreamSetup& s) {
  const smtp::Options& o = s.options;
  return OptionsName(o) + " limits=" + std::to_string(o.max_command_line) + "/" +
         std::to_string(o.max_auth_line) + "/" + std::to_string(o.max_reply_line) + "/" +
         std::to_string(o.max_data_line) + "/" + std::to_string(o.max_reply_lines);
}

// The description of `in` as target `target` reads it.
inline std::string DescribeInput(std::string_view target, std::string_view in) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(in.data());
  if (target == "command_line") return DescribeCommandLine(in);
  if (target == "reply_line") return DescribeReply(in);
  if (target == "ehlo_reply") return DescribeEhlo(in);
  if (target == "policy" || target == "differential") {
    return DescribeCommandLine(in) + DescribeReply(in) + DescribeEhlo(in);
  }
  if (in.size() < kHeaderSize) return "too short\n";
  const StreamSetup setup = DecodeSetup(data);
  std::string_view body = in.substr(kHeaderSize);
  if (target == "command_stream" || target == "command_stream_structured") {
    smtp::CommandStream stream(setup.options);
    return "commands " + SetupText(setup) + "\n" + DescribeStream(stream, body);
  }
  if (target == "reply_stream") {
    smtp::ReplyStream stream(setup.options,
                             setup.ehlo_mode ? smtp::ReplyMode::kEhlo : smtp::ReplyMode::kReplies);
    return std::string(setup.ehlo_mode ? "ehlo " : "replies ") + SetupText(setup) + "\n" +
           DescribeStream(stream, body);
  }
  if (target == "data") {
    if (body.empty()) return "too short\n";
    const std::uint8_t mode = static_cast<std::uint8_t>(body[0]);
    body.remove_prefix(1);
    std::string stream_bytes;
    if (mode & 1) {
      const std::size_t width = (mode & 2) ? 2 : 1;
      if (body.size() < width) return "too short\n";
      std::uint64_t n = 0;
      for (std::size_t i = 0; i < width; ++i)
        n = (n << 8) | static_cast<std::uint8_t>(body[i]);
      body.remove_prefix(width);
      stream_bytes = "BDAT " + std::to_string(n) + ((mode & 4) ? " LAST" : "") + "\r\n";
    } else {
      stream_bytes = "DATA\r\n";
    }
    stream_bytes.append(body);
    std::string out;
    for (int lenient = 0; lenient < 2; ++lenient) {
      StreamSetup s = setup;
      s.options.policy = lenient ? smtp::Policy::kLenient : smtp::Policy::kStrict;
      s.options.max_command_line = std::max<std::size_t>(s.options.max_command_line, 24);
      smtp::CommandStream stream(s.options);
      out += "data " + SetupText(s) + "\n" + DescribeStream(stream, stream_bytes);
    }
    return out;
  }
  return "unknown target\n";
}

}  // namespace smtp_fuzz

#endif  // SMTP_FUZZ_DESCRIBE_H_
