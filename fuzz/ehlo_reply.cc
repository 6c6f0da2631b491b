// fuzz/ehlo_reply.cc: ParseEhloReply under every policy x utf8.
//
// Properties: offsets inside the input; an accepted EHLO reply is a 250
// reply that ParseReply accepts with the same lines; domain, greeting,
// keywords and params are views inside the input and well-formed; the
// capability model (Find, Has, size_limit, auth_mechanisms) agrees with the
// capability list; strict-accepted replies format and parse back to the same
// value.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "smtp/ehlo.h"
#include "smtp/format.h"
#include "smtp/options.h"
#include "smtp/reply.h"

namespace {

using smtp_fuzz::ErrorString;
using smtp_fuzz::Escape;
using smtp_fuzz::Inside;

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
    if (x != y) return false;
  }
  return true;
}

void CheckEhlo(const smtp::EhloResult& r, std::string_view in, const smtp::Options& options) {
  FUZZ_CHECK(static_cast<int>(r.error.code) <= static_cast<int>(smtp::kLastErrorCode), "range");
  if (!r.ok()) {
    FUZZ_CHECK(r.error.offset <= in.size(), "error offset past the input");
    return;
  }
  const smtp::EhloReply& e = r.ehlo;
  FUZZ_CHECK(options.lenient() || r.deviations.empty(), "deviations in strict");
  FUZZ_CHECK(e.reply.code == 250, "EHLO reply with code %u", e.reply.code);
  FUZZ_CHECK(!e.domain.empty() && Inside(e.domain, in) && Inside(e.greeting, in), "domain views");
  const smtp::ReplyResult plain = smtp::ParseReply(in, options);
  FUZZ_CHECK(plain.ok() && plain.reply == e.reply,
             "ParseEhloReply accepts what ParseReply does not read the same: %s",
             ErrorString(plain.error).c_str());
  FUZZ_CHECK((plain.deviations.bits() & ~r.deviations.bits()) == 0,
             "reply deviations lost in the EHLO result");
  std::size_t n = 0;
  for (const smtp::Capability& c : e.capabilities) {
    FUZZ_CHECK(!c.keyword.empty() && Inside(c.keyword, in), "keyword view");
    std::size_t params = 0;
    for (std::string_view p : c.params) {
      FUZZ_CHECK(!p.empty() && Inside(p, in) && p.find(' ') == std::string_view::npos, "param '%s'",
                 Escape(p).c_str());
      ++params;
    }
    FUZZ_CHECK(params == c.params.size(), "CapabilityParams::size");
    // Find returns the first capability with this keyword.
    const std::optional<smtp::Capability> found = e.Find(c.keyword);
    FUZZ_CHECK(found.has_value() && IEquals(found->keyword, c.keyword), "Find('%s') failed",
               Escape(c.keyword).c_str());
    ++n;
  }
  FUZZ_CHECK(n == e.capabilities.size() && n + 1 == e.reply.lines.size(),
             "capability count %zu, size %zu, lines %zu", n, e.capabilities.size(),
             e.reply.lines.size());
  FUZZ_CHECK(!e.size_limit().has_value() || e.Has("SIZE"), "size_limit without SIZE");
  FUZZ_CHECK(e.auth_mechanisms().empty() || e.Has("AUTH"), "mechanisms without AUTH");
  FUZZ_CHECK(e.pipelining() == e.Has("pipelining"), "Has ignores case");

  if (!options.lenient()) {
    std::vector<std::string> lines;
    for (const smtp::Capability& c : e.capabilities) {
      std::string l(c.keyword);
      for (std::string_view p : c.params)
        l += " " + std::string(p);
      lines.push_back(l);
    }
    const std::vector<std::string_view> views(lines.begin(), lines.end());
    std::string out;
    const smtp::Error fe = smtp::FormatEhloReply(e.domain, e.greeting, views, options, &out);
    FUZZ_CHECK(fe.ok(), "format refused a strict-accepted EHLO reply: %s on '%s'",
               ErrorString(fe).c_str(), Escape(in).c_str());
    const smtp::EhloResult again = smtp::ParseEhloReply(out, options);
    FUZZ_CHECK(again.ok(), "formatted EHLO reply does not parse: '%s' %s", Escape(out).c_str(),
               ErrorString(again.error).c_str());
    FUZZ_CHECK(again.ehlo.domain == e.domain && again.ehlo.greeting == e.greeting,
               "domain/greeting changed: '%s' -> '%s'", Escape(in).c_str(), Escape(out).c_str());
    auto a = smtp_fuzz::CopyCapabilities(e.capabilities);
    auto b = smtp_fuzz::CopyCapabilities(again.ehlo.capabilities);
    FUZZ_CHECK(a == b, "capabilities changed: '%s' -> '%s'", Escape(in).c_str(),
               Escape(out).c_str());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  for (int variant = 0; variant < 4; ++variant) {
    const smtp::Options options = smtp_fuzz::MakeOptions(variant & 1, variant & 2);
    CheckEhlo(smtp::ParseEhloReply(in, options), in, options);
  }
  return 0;
}
