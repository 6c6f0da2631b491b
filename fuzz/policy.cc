// fuzz/policy.cc: strict is a subset of lenient, with and without utf8.
//
// For every parser (ParseCommand, ParseReplyLine, ParseReply, ParseEhloReply,
// the command and reply streams) on the same input:
//  - what strict accepts, lenient accepts with the same value and no
//    deviations;
//  - what lenient accepts without deviations, strict accepts with the same
//    value;
//  - what is accepted without utf8 is accepted the same way with utf8.
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

namespace {

using smtp_fuzz::ErrorString;
using smtp_fuzz::Escape;
using smtp_fuzz::OwnedRecord;

// Owned value of each parser's result, comparable across policies.
OwnedRecord CommandValue(const smtp::CommandResult& r) {
  OwnedRecord o;
  smtp_fuzz::CopyCommand(r.command, &o);
  return o;
}
OwnedRecord ReplyLineValue(const smtp::ReplyLineResult& r) {
  OwnedRecord o;
  o.code = r.line.code;
  o.bdat_last = r.line.continued;  // reuse a bool field for `continued`
  o.lines.emplace_back(r.line.text);
  return o;
}
OwnedRecord ReplyValue(const smtp::ReplyResult& r) {
  OwnedRecord o;
  smtp_fuzz::CopyReply(r.reply, &o);
  return o;
}
OwnedRecord EhloValue(const smtp::EhloResult& r) {
  OwnedRecord o;
  smtp_fuzz::CopyReply(r.ehlo.reply, &o);
  o.domain = std::string(r.ehlo.domain);
  o.greeting = std::string(r.ehlo.greeting);
  o.capabilities = smtp_fuzz::CopyCapabilities(r.ehlo.capabilities);
  return o;
}

template <typename Parse, typename Value>
void CheckSubset(const char* what, std::string_view in, Parse parse, Value value) {
  for (int utf8 = 0; utf8 < 2; ++utf8) {
    const auto strict = parse(in, smtp_fuzz::MakeOptions(false, utf8));
    const auto lenient = parse(in, smtp_fuzz::MakeOptions(true, utf8));
    if (strict.ok()) {
      FUZZ_CHECK(lenient.ok(), "%s: strict accepts, lenient says %s: '%s'", what,
                 ErrorString(lenient.error).c_str(), Escape(in).c_str());
      FUZZ_CHECK(lenient.deviations.empty(), "%s: deviations %s on a strict-valid input '%s'", what,
                 smtp_fuzz::DeviationString(lenient.deviations).c_str(), Escape(in).c_str());
      FUZZ_CHECK(value(strict) == value(lenient), "%s: strict and lenient values differ: '%s'",
                 what, Escape(in).c_str());
    }
    if (lenient.ok() && lenient.deviations.empty()) {
      FUZZ_CHECK(strict.ok(), "%s: lenient accepts without deviations, strict says %s: '%s'", what,
                 ErrorString(strict.error).c_str(), Escape(in).c_str());
    }
    if (utf8 == 0) {
      for (int lenient_policy = 0; lenient_policy < 2; ++lenient_policy) {
        const auto plain = parse(in, smtp_fuzz::MakeOptions(lenient_policy, false));
        const auto wide = parse(in, smtp_fuzz::MakeOptions(lenient_policy, true));
        if (plain.ok()) {
          FUZZ_CHECK(
              wide.ok() && value(plain) == value(wide) && plain.deviations == wide.deviations,
              "%s: accepted without utf8 but not the same with it (%s): '%s'", what,
              ErrorString(wide.error).c_str(), Escape(in).c_str());
        }
      }
    }
  }
}

template <typename MakeStream>
void CheckStreamSubset(const char* what, std::string_view in, MakeStream make) {
  for (int utf8 = 0; utf8 < 2; ++utf8) {
    auto strict_stream = make(smtp_fuzz::MakeOptions(false, utf8));
    auto lenient_stream = make(smtp_fuzz::MakeOptions(true, utf8));
    const std::vector<OwnedRecord> strict = smtp_fuzz::RunStream(strict_stream, {in});
    const std::vector<OwnedRecord> lenient = smtp_fuzz::RunStream(lenient_stream, {in});
    bool strict_ok = true, lenient_clean = true;
    for (const OwnedRecord& r : strict)
      strict_ok = strict_ok && r.error.ok();
    for (const OwnedRecord& r : lenient)
      lenient_clean = lenient_clean && r.error.ok() && r.deviations == 0;
    if (strict_ok || lenient_clean) {
      FUZZ_CHECK(strict_ok && lenient_clean, "%s: strict all-ok %d, lenient all-clean %d: '%s'",
                 what, strict_ok, lenient_clean, Escape(in).c_str());
      smtp_fuzz::CheckSameRecords(strict, lenient, what);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  CheckSubset("ParseCommand", in, smtp::ParseCommand, CommandValue);
  CheckSubset("ParseReplyLine", in, smtp::ParseReplyLine, ReplyLineValue);
  CheckSubset("ParseReply", in, smtp::ParseReply, ReplyValue);
  CheckSubset("ParseEhloReply", in, smtp::ParseEhloReply, EhloValue);
  CheckStreamSubset("CommandStream", in,
                    [](const smtp::Options& o) { return smtp::CommandStream(o); });
  CheckStreamSubset("ReplyStream", in, [](const smtp::Options& o) {
    return smtp::ReplyStream(o, smtp::ReplyMode::kReplies);
  });
  CheckStreamSubset("EhloStream", in, [](const smtp::Options& o) {
    return smtp::ReplyStream(o, smtp::ReplyMode::kEhlo);
  });
  return 0;
}
