// fuzz/differential.cc: the parser against fuzz/oracle/, an independent plain
// implementation of the grammar written from RFC 5321, SPEC.md and
// docs/decisions.md.
//
// For ParseCommand, ParseReplyLine, ParseReply and ParseEhloReply, under every
// policy x utf8 and under default and small limits, both must agree on:
// accept or reject, the error code, the error offset, the deviations, and
// every field (command fields; reply code, lines, enhanced code; EHLO domain,
// greeting, capabilities).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "oracle/oracle.h"
#include "smtp/command.h"
#include "smtp/ehlo.h"
#include "smtp/reply.h"

namespace {

using smtp_fuzz::ErrorString;
using smtp_fuzz::Escape;

std::set<std::string> Names(smtp::Deviations d) {
  std::set<std::string> out;
  d.ForEach([&](smtp::Deviation x) { out.emplace(smtp::DeviationName(x)); });
  return out;
}

std::string Join(const std::set<std::string>& s) {
  std::string out;
  for (const std::string& x : s)
    out += (out.empty() ? "" : ",") + x;
  return out;
}

// Error codes whose offset the grammar pins down; for the others (which
// octet of a bad domain, path or parameter is "the" offending one) both
// sides need only report an offset inside the input.
bool ExactOffset(std::string_view code) {
  return code == "incomplete" || code == "line_too_long" || code == "bare_lf" ||
         code == "bare_cr" || code == "bad_char" || code == "unknown_command" ||
         code == "bad_reply_code" || code == "bad_separator" || code == "code_mismatch" ||
         code == "too_many_lines";
}

// Accept/reject, error code, offset and deviations.
// `error_deviations`: also on a failure, both list the deviations used before
// the error (SPEC section 1; commands).
void CompareOutcome(const char* what, std::string_view in, const smtp::Error& error,
                    smtp::Deviations deviations, const oracle::Outcome& want,
                    bool error_deviations = false) {
  const std::string got = error.ok() ? "" : std::string(smtp::ErrorName(error.code));
  FUZZ_CHECK(got == want.error, "%s: parser %s, oracle %s@%llu on '%s'", what,
             error.ok() ? "ok" : ErrorString(error).c_str(), want.ok() ? "ok" : want.error.c_str(),
             static_cast<unsigned long long>(want.offset), Escape(in).c_str());
  if (!error.ok() && !ExactOffset(want.error)) {
    FUZZ_CHECK(error.offset <= in.size(), "%s: offset past the input", what);
  } else if (!error.ok()) {
    FUZZ_CHECK(error.offset == want.offset, "%s: %s, oracle offset %llu on '%s'", what,
               ErrorString(error).c_str(), static_cast<unsigned long long>(want.offset),
               Escape(in).c_str());
  }
  if (error.ok() || error_deviations) {
    FUZZ_CHECK(Names(deviations) == want.deviations, "%s: deviations [%s], oracle [%s] on '%s'",
               what, Join(Names(deviations)).c_str(), Join(want.deviations).c_str(),
               Escape(in).c_str());
  }
}

#define FIELD(what, in, a, b, name)                                                    \
  FUZZ_CHECK((a) == (b), "%s: field %s: parser '%s', oracle '%s' on '%s'", what, name, \
             Escape(std::string(a)).c_str(), Escape(std::string(b)).c_str(), Escape(in).c_str())

void CompareCommand(std::string_view in, const oracle::Options& oo, const smtp::Options& so) {
  const smtp::CommandResult got = smtp::ParseCommand(in, so);
  const oracle::CommandResult want = oracle::ParseCommand(in, oo);
  CompareOutcome("command", in, got.error, got.deviations, want.outcome,
                 /*error_deviations=*/true);
  if (!got.ok()) return;
  const smtp::Command& c = got.command;
  const oracle::Command& w = want.command;
  FIELD("command", in, std::string(smtp::VerbName(c.verb)), w.verb, "verb");
  if (c.verb == smtp::Verb::kHelo || c.verb == smtp::Verb::kEhlo) {
    FIELD("command", in, std::string(smtp::HostTypeName(c.host_type)), w.host_type, "host_type");
    FIELD("command", in, std::string(c.host), w.host, "host");
  } else {
    FUZZ_CHECK(c.host.empty(), "host set on %s", w.verb.c_str());
  }
  FIELD("command", in, std::string(c.path), w.path, "path");
  std::vector<oracle::Param> params;
  for (const smtp::Param& p : c.params) {
    oracle::Param op;
    op.keyword = std::string(p.keyword);
    if (p.has_value) op.value = std::string(p.value);
    params.push_back(op);
  }
  FUZZ_CHECK(params == w.params, "command: params differ (%zu vs %zu) on '%s'", params.size(),
             w.params.size(), Escape(in).c_str());
  FUZZ_CHECK(c.bdat_size == w.bdat_size && c.bdat_last == w.bdat_last,
             "command: BDAT %llu/%d, oracle %llu/%d on '%s'",
             static_cast<unsigned long long>(c.bdat_size), c.bdat_last,
             static_cast<unsigned long long>(w.bdat_size), w.bdat_last, Escape(in).c_str());
  FIELD("command", in, std::string(c.mechanism), w.mechanism, "mechanism");
  FUZZ_CHECK(c.has_initial_response == w.initial_response.has_value(),
             "command: has_initial_response %d on '%s'", c.has_initial_response,
             Escape(in).c_str());
  if (w.initial_response) {
    FIELD("command", in, std::string(c.initial_response), *w.initial_response, "initial_response");
  }
  FUZZ_CHECK(c.has_argument == w.argument.has_value(), "command: has_argument %d on '%s'",
             c.has_argument, Escape(in).c_str());
  if (w.argument) FIELD("command", in, std::string(c.argument), *w.argument, "argument");
}

void CompareReplyFields(const char* what, std::string_view in, const smtp::Reply& r,
                        const oracle::Reply& w) {
  FUZZ_CHECK(r.code == w.code, "%s: code %u, oracle %d on '%s'", what, r.code, w.code,
             Escape(in).c_str());
  const std::vector<std::string> lines = smtp_fuzz::CopyLines(r.lines);
  FUZZ_CHECK(lines == w.lines, "%s: lines differ (%zu vs %zu) on '%s'", what, lines.size(),
             w.lines.size(), Escape(in).c_str());
  FUZZ_CHECK(r.has_enhanced == w.enhanced.has_value(), "%s: has_enhanced %d on '%s'", what,
             r.has_enhanced, Escape(in).c_str());
  if (w.enhanced) {
    FUZZ_CHECK(r.enhanced.klass == w.enhanced->klass && r.enhanced.subject == w.enhanced->subject &&
                   r.enhanced.detail == w.enhanced->detail && r.enhanced.text == w.enhanced->text,
               "%s: enhanced %u.%u.%u '%s', oracle %d.%d.%d '%s'", what, r.enhanced.klass,
               r.enhanced.subject, r.enhanced.detail, std::string(r.enhanced.text).c_str(),
               w.enhanced->klass, w.enhanced->subject, w.enhanced->detail,
               w.enhanced->text.c_str());
  }
}

void CompareReplies(std::string_view in, const oracle::Options& oo, const smtp::Options& so) {
  {
    const smtp::ReplyLineResult got = smtp::ParseReplyLine(in, so);
    const oracle::ReplyLineResult want = oracle::ParseReplyLine(in, oo);
    CompareOutcome("reply line", in, got.error, got.deviations, want.outcome);
    if (got.ok()) {
      FUZZ_CHECK(got.line.code == want.line.code && got.line.continued == want.line.continued,
                 "reply line: code/continued differ on '%s'", Escape(in).c_str());
      FIELD("reply line", in, std::string(got.line.text), want.line.text, "text");
    }
  }
  {
    const smtp::ReplyResult got = smtp::ParseReply(in, so);
    const oracle::ReplyResult want = oracle::ParseReply(in, oo);
    CompareOutcome("reply", in, got.error, got.deviations, want.outcome);
    if (got.ok()) CompareReplyFields("reply", in, got.reply, want.reply);
  }
  {
    const smtp::EhloResult got = smtp::ParseEhloReply(in, so);
    const oracle::EhloResult want = oracle::ParseEhloReply(in, oo);
    CompareOutcome("ehlo", in, got.error, got.deviations, want.outcome);
    if (got.ok()) {
      CompareReplyFields("ehlo", in, got.ehlo.reply, want.reply);
      FIELD("ehlo", in, std::string(got.ehlo.domain), want.domain, "domain");
      FIELD("ehlo", in, std::string(got.ehlo.greeting), want.greeting, "greeting");
      std::vector<oracle::Capability> caps;
      for (const smtp::Capability& c : got.ehlo.capabilities) {
        oracle::Capability oc;
        oc.keyword = std::string(c.keyword);
        for (std::string_view p : c.params)
          oc.params.emplace_back(p);
        caps.push_back(oc);
      }
      FUZZ_CHECK(caps == want.capabilities, "ehlo: capabilities differ (%zu vs %zu) on '%s'",
                 caps.size(), want.capabilities.size(), Escape(in).c_str());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  for (int variant = 0; variant < 8; ++variant) {
    smtp::Options so = smtp_fuzz::MakeOptions(variant & 1, variant & 2);
    oracle::Options oo;
    oo.lenient = variant & 1;
    oo.utf8 = variant & 2;
    if (variant & 4) {  // small limits
      so.max_command_line = oo.max_command_line = 20;
      so.max_auth_line = oo.max_auth_line = 30;
      so.max_reply_line = oo.max_reply_line = 16;
      so.max_reply_lines = oo.max_reply_lines = 2;
    }
    CompareCommand(in, oo, so);
    CompareReplies(in, oo, so);
  }
  return 0;
}
