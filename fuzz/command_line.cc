// fuzz/command_line.cc: ParseCommand on one line under every policy x utf8.
//
// Properties: error codes in range and offsets inside the input; an accepted
// command has a known verb, views inside the input, no deviations in strict;
// a strict-accepted command formats (format.h) and parses back to the same
// value, and formatting is then stable; the command stream reports the same
// outcome for the same line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "smtp/command.h"
#include "smtp/format.h"
#include "smtp/options.h"
#include "smtp/stream.h"

namespace {

using smtp_fuzz::ErrorString;
using smtp_fuzz::Escape;
using smtp_fuzz::Inside;

void CheckViews(const smtp::Command& c, std::string_view in) {
  FUZZ_CHECK(Inside(c.host, in) && Inside(c.path, in) && Inside(c.mechanism, in) &&
                 Inside(c.initial_response, in) && Inside(c.argument, in),
             "a view points outside the input");
  std::size_t n = 0;
  for (const smtp::Param& p : c.params) {
    FUZZ_CHECK(Inside(p.keyword, in) && Inside(p.value, in), "param view outside the input");
    FUZZ_CHECK(!p.keyword.empty(), "empty param keyword");
    FUZZ_CHECK(p.has_value || p.value.empty(), "value without has_value");
    ++n;
  }
  FUZZ_CHECK(n == c.params.size(), "ParamList::size %zu != %zu iterated", c.params.size(), n);
  FUZZ_CHECK(c.params.empty() || c.verb == smtp::Verb::kMail || c.verb == smtp::Verb::kRcpt,
             "params on a command that takes none");
  FUZZ_CHECK(!c.has_initial_response || c.verb == smtp::Verb::kAuth, "initial response off AUTH");
  FUZZ_CHECK(c.verb != smtp::Verb::kAuth || (!c.mechanism.empty() && c.mechanism.size() <= 20),
             "AUTH mechanism length %zu", c.mechanism.size());
  FUZZ_CHECK(!c.bdat_last || c.verb == smtp::Verb::kBdat, "LAST off BDAT");
}

void CheckRoundTrip(const smtp::Command& c, const smtp::Options& strict, std::string_view in) {
  std::string out;
  const smtp::Error fe = smtp::FormatCommand(c, strict, &out);
  FUZZ_CHECK(fe.ok(), "format refused a strict-accepted command: %s for '%s'",
             ErrorString(fe).c_str(), Escape(in).c_str());
  const smtp::CommandResult again = smtp::ParseCommand(out, strict);
  FUZZ_CHECK(again.ok(), "formatted command does not parse: '%s' -> %s (from '%s')",
             Escape(out).c_str(), ErrorString(again.error).c_str(), Escape(in).c_str());
  FUZZ_CHECK(again.command == c, "round trip changed the command: '%s' -> '%s'", Escape(in).c_str(),
             Escape(out).c_str());
  std::string out2;
  FUZZ_CHECK(smtp::FormatCommand(again.command, strict, &out2).ok() && out2 == out,
             "formatting is not stable: '%s' vs '%s'", Escape(out).c_str(), Escape(out2).c_str());
}

void CheckStreamAgrees(std::string_view in, const smtp::Options& options) {
  const std::size_t lf = in.find('\n');
  const std::string_view line = lf == std::string_view::npos ? in : in.substr(0, lf + 1);
  const smtp::CommandResult expected = smtp::ParseCommand(line, options);
  smtp::CommandStream stream(options);
  bool seen = false;
  auto sink = [&](const smtp::Record& r) {
    if (seen) return;
    seen = true;
    FUZZ_CHECK(r.kind == smtp::RecordKind::kCommand && r.offset == 0 && r.length == line.size(),
               "first stream record is not the first line");
    FUZZ_CHECK(r.error == expected.error, "stream %s vs ParseCommand %s on '%s'",
               ErrorString(r.error).c_str(), ErrorString(expected.error).c_str(),
               Escape(line).c_str());
    if (r.ok()) {
      FUZZ_CHECK(r.deviations == expected.deviations, "deviations differ");
      FUZZ_CHECK(r.command == expected.command, "stream and ParseCommand fields differ on '%s'",
                 Escape(line).c_str());
    }
  };
  stream.Feed(line, sink);
  stream.Finish(sink);
  FUZZ_CHECK(seen || line.empty(), "the stream reported nothing for '%s'", Escape(line).c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  for (int variant = 0; variant < 4; ++variant) {
    const smtp::Options options = smtp_fuzz::MakeOptions(variant & 1, variant & 2);
    smtp::Options strict = options;
    strict.policy = smtp::Policy::kStrict;
    const smtp::CommandResult r = smtp::ParseCommand(in, options);
    FUZZ_CHECK(static_cast<int>(r.error.code) <= static_cast<int>(smtp::kLastErrorCode),
               "error code out of range");
    if (!r.ok()) {
      FUZZ_CHECK(r.error.offset <= size, "error offset %llu past the input (%zu)",
                 static_cast<unsigned long long>(r.error.offset), size);
      FUZZ_CHECK(r.error.code != smtp::ErrorCode::kTooManyLines &&
                     r.error.code != smtp::ErrorCode::kStarttlsInjection &&
                     r.error.code != smtp::ErrorCode::kBadReplyCode &&
                     r.error.code != smtp::ErrorCode::kCodeMismatch &&
                     r.error.code != smtp::ErrorCode::kBadSeparator &&
                     r.error.code != smtp::ErrorCode::kBadKeyword,
                 "a reply or stream error from ParseCommand: %s", ErrorString(r.error).c_str());
    } else {
      FUZZ_CHECK(r.command.verb != smtp::Verb::kUnknown, "accepted with verb kUnknown");
      FUZZ_CHECK(options.lenient() || r.deviations.empty(), "deviations in strict");
      CheckViews(r.command, in);
      if (!options.lenient()) {
        CheckRoundTrip(r.command, strict, in);
      } else {
        // What the formatter accepts must parse back in strict.
        std::string out;
        if (smtp::FormatCommand(r.command, strict, &out).ok()) {
          const smtp::CommandResult again = smtp::ParseCommand(out, strict);
          FUZZ_CHECK(again.ok() && again.command == r.command,
                     "lenient value formats but does not round-trip: '%s'", Escape(out).c_str());
        }
      }
    }
    CheckStreamAgrees(in, options);
  }
  return 0;
}
