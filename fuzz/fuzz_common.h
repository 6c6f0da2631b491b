// fuzz/fuzz_common.h: helpers shared by the fuzz targets: a property check
// that aborts with a message, the decoding of options and chunk boundaries
// from the first input bytes, and owned copies of stream records so two
// parses can be compared field by field.
//
// Everything here is a pure function of its arguments: no global state.
#ifndef SMTP_FUZZ_FUZZ_COMMON_H_
#define SMTP_FUZZ_FUZZ_COMMON_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "smtp/command.h"
#include "smtp/ehlo.h"
#include "smtp/error.h"
#include "smtp/options.h"
#include "smtp/reply.h"
#include "smtp/stream.h"

// Aborts with a message when a property fails. Deterministic: no exit(),
// no exceptions; abort() is what libFuzzer and the replay driver catch.
#define FUZZ_CHECK(cond, ...)                                                          \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, "  " __VA_ARGS__);                                          \
      std::fprintf(stderr, "\n");                                                      \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)

namespace smtp_fuzz {

// Printable form of bytes for failure messages.
inline std::string Escape(std::string_view s, std::size_t max = 400) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c >= 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

inline bool Inside(std::string_view view, std::string_view input) {
  if (view.empty()) return true;
  return view.data() >= input.data() && view.data() + view.size() <= input.data() + input.size();
}

inline std::string ErrorString(const smtp::Error& e) {
  return std::string(smtp::ErrorName(e.code)) + "@" + std::to_string(e.offset);
}

inline std::string DeviationString(smtp::Deviations d) {
  std::string out;
  d.ForEach([&](smtp::Deviation x) {
    if (!out.empty()) out += ",";
    out += smtp::DeviationName(x);
  });
  return out;
}

// The four policy x utf8 combinations, with default limits.
inline smtp::Options MakeOptions(bool lenient, bool utf8) {
  smtp::Options o;
  o.policy = lenient ? smtp::Policy::kLenient : smtp::Policy::kStrict;
  o.utf8 = utf8;
  return o;
}

// Options and chunking decoded from the first kHeaderSize bytes of a
// stream target's input:
//   byte 0: bit 0 lenient, bit 1 utf8, bits 2-3 limits (default, small,
//           large, derived from byte 1), bit 4 ehlo mode (reply streams)
//   byte 1: seed of the chunk sizes (and of the derived limits)
//   byte 2: chunk shape: 0 one-byte chunks, else sizes in [0, 4*shape]
inline constexpr std::size_t kHeaderSize = 3;

struct StreamSetup {
  smtp::Options options;
  bool ehlo_mode = false;
  std::uint8_t seed = 0;
  std::uint8_t shape = 0;
};

inline StreamSetup DecodeSetup(const std::uint8_t* data) {
  StreamSetup s;
  const std::uint8_t b0 = data[0];
  s.seed = data[1];
  s.shape = data[2];
  s.options.policy = (b0 & 1) ? smtp::Policy::kLenient : smtp::Policy::kStrict;
  s.options.utf8 = (b0 & 2) != 0;
  switch ((b0 >> 2) & 3) {
    case 0:
      break;
    case 1:  // small: every limit is hit by short inputs
      s.options.max_command_line = 24;
      s.options.max_auth_line = 40;
      s.options.max_reply_line = 24;
      s.options.max_data_line = 16;
      s.options.max_reply_lines = 3;
      break;
    case 2:  // large
      s.options.max_command_line = 4096;
      s.options.max_auth_line = 65536;
      s.options.max_reply_line = 4096;
      s.options.max_data_line = 8192;
      s.options.max_reply_lines = 100000;
      break;
    default:  // derived from the seed byte
      s.options.max_command_line = 8 + s.seed % 61;
      s.options.max_auth_line = 8 + (s.seed * 7u) % 97;
      s.options.max_reply_line = 8 + (s.seed * 3u) % 53;
      s.options.max_data_line = 4 + (s.seed * 5u) % 29;
      s.options.max_reply_lines = 1 + s.seed % 5;
      break;
  }
  s.ehlo_mode = (b0 & 0x10) != 0;
  return s;
}

// Splits `input` into chunks by the setup; a deterministic LCG drives it.
// Empty chunks are included on purpose: Feed("") must be harmless.
inline std::vector<std::string_view> Chunks(std::string_view input, std::uint8_t seed,
                                            std::uint8_t shape) {
  std::vector<std::string_view> out;
  std::uint32_t state = 0x9E3779B9u ^ (static_cast<std::uint32_t>(seed) << 8) ^ shape;
  std::size_t pos = 0;
  while (pos < input.size()) {
    std::size_t n = 1;
    if (shape != 0) {
      state = state * 1103515245u + 12345u;
      n = (state >> 16) % (4u * shape + 1u);
    }
    n = std::min(n, input.size() - pos);
    out.push_back(input.substr(pos, n));
    pos += n;
  }
  return out;
}

// An owned copy of a Record (its views die with the sink call).
struct OwnedParam {
  std::string keyword, value;
  bool has_value = false;
  bool operator==(const OwnedParam&) const = default;
};

struct OwnedCapability {
  std::string keyword;
  std::vector<std::string> params;
  bool operator==(const OwnedCapability&) const = default;
};

struct OwnedRecord {
  smtp::RecordKind kind = smtp::RecordKind::kCommand;
  std::uint64_t offset = 0, length = 0;
  smtp::Error error;
  std::uint16_t deviations = 0;
  // command
  smtp::Verb verb = smtp::Verb::kUnknown;
  smtp::HostType host_type = smtp::HostType::kDomain;
  std::string host, path, mechanism, initial_response, argument;
  std::vector<OwnedParam> params;
  std::uint64_t bdat_size = 0;
  bool bdat_last = false, has_initial_response = false, has_argument = false;
  // data / auth
  std::uint64_t data_bytes = 0;
  std::string auth_response;
  // reply
  std::uint16_t code = 0;
  std::vector<std::string> lines;
  bool has_enhanced = false;
  smtp::EnhancedCode enhanced_numbers;  // text cleared
  std::string enhanced_text;
  bool is_ehlo = false;
  std::string domain, greeting;
  std::vector<OwnedCapability> capabilities;

  bool ok() const { return error.ok(); }
  bool operator==(const OwnedRecord&) const = default;
};

inline std::vector<OwnedParam> CopyParams(const smtp::ParamList& list) {
  std::vector<OwnedParam> out;
  for (const smtp::Param& p : list) {
    out.push_back({std::string(p.keyword), std::string(p.value), p.has_value});
  }
  return out;
}

inline std::vector<std::string> CopyLines(const smtp::ReplyLines& lines) {
  std::vector<std::string> out;
  for (std::string_view l : lines)
    out.emplace_back(l);
  return out;
}

inline std::vector<OwnedCapability> CopyCapabilities(const smtp::Capabilities& caps) {
  std::vector<OwnedCapability> out;
  for (const smtp::Capability& c : caps) {
    OwnedCapability oc;
    oc.keyword = std::string(c.keyword);
    for (std::string_view p : c.params)
      oc.params.emplace_back(p);
    out.push_back(oc);
  }
  return out;
}

inline void CopyCommand(const smtp::Command& c, OwnedRecord* o) {
  o->verb = c.verb;
  o->host_type = c.host_type;
  o->host = std::string(c.host);
  o->path = std::string(c.path);
  o->params = CopyParams(c.params);
  o->bdat_size = c.bdat_size;
  o->bdat_last = c.bdat_last;
  o->mechanism = std::string(c.mechanism);
  o->initial_response = std::string(c.initial_response);
  o->has_initial_response = c.has_initial_response;
  o->argument = std::string(c.argument);
  o->has_argument = c.has_argument;
}

inline void CopyReply(const smtp::Reply& r, OwnedRecord* o) {
  o->code = r.code;
  o->lines = CopyLines(r.lines);
  o->has_enhanced = r.has_enhanced;
  if (r.has_enhanced) {
    o->enhanced_numbers = r.enhanced;
    o->enhanced_numbers.text = {};
    o->enhanced_text = std::string(r.enhanced.text);
  }
}

inline OwnedRecord Own(const smtp::Record& r) {
  OwnedRecord o;
  o.kind = r.kind;
  o.offset = r.offset;
  o.length = r.length;
  o.error = r.error;
  o.deviations = r.deviations.bits();
  o.data_bytes = r.data_bytes;
  if (!r.ok()) return o;  // fields are meaningful only when ok
  switch (r.kind) {
    case smtp::RecordKind::kCommand:
      CopyCommand(r.command, &o);
      break;
    case smtp::RecordKind::kAuthResponse:
      o.auth_response = std::string(r.auth_response);
      break;
    case smtp::RecordKind::kReply:
      CopyReply(r.reply, &o);
      o.is_ehlo = r.is_ehlo;
      if (r.is_ehlo) {
        o.domain = std::string(r.ehlo.domain);
        o.greeting = std::string(r.ehlo.greeting);
        o.capabilities = CopyCapabilities(r.ehlo.capabilities);
      }
      break;
    default:
      break;
  }
  return o;
}

inline std::string Describe(const OwnedRecord& r) {
  std::string s = std::string(smtp::RecordKindName(r.kind)) + " [" + std::to_string(r.offset) +
                  "+" + std::to_string(r.length) + "] " +
                  (r.error.ok() ? std::string("ok") : ErrorString(r.error)) +
                  " dev=" + std::to_string(r.deviations);
  if (r.kind == smtp::RecordKind::kCommand && r.error.ok()) {
    s += " verb=" + std::string(smtp::VerbName(r.verb)) + " host=" + Escape(r.host) +
         " path=" + Escape(r.path) + " arg=" + Escape(r.argument) + " mech=" + Escape(r.mechanism) +
         " bdat=" + std::to_string(r.bdat_size);
  }
  if (r.kind == smtp::RecordKind::kData) s += " bytes=" + std::to_string(r.data_bytes);
  if (r.kind == smtp::RecordKind::kReply && r.error.ok()) {
    s += " code=" + std::to_string(r.code) + " lines=" + std::to_string(r.lines.size());
  }
  return s;
}

// Runs a stream parser over `chunks` and returns owned copies of its records.
template <typename Stream>
std::vector<OwnedRecord> RunStream(Stream& stream, const std::vector<std::string_view>& chunks) {
  std::vector<OwnedRecord> records;
  auto sink = [&](const smtp::Record& r) { records.push_back(Own(r)); };
  for (std::string_view c : chunks)
    stream.Feed(c, sink);
  stream.Finish(sink);
  return records;
}

// Records must tile the input: in order, contiguous, lengths summing to its
// size; errors inside the input.
inline void CheckTiling(const std::vector<OwnedRecord>& records, std::size_t size) {
  std::uint64_t at = 0;
  for (const OwnedRecord& r : records) {
    FUZZ_CHECK(r.offset == at, "record at %llu, expected %llu: %s",
               static_cast<unsigned long long>(r.offset), static_cast<unsigned long long>(at),
               Describe(r).c_str());
    at += r.length;
    FUZZ_CHECK(r.error.offset <= size, "error offset past the input: %s", Describe(r).c_str());
    FUZZ_CHECK(static_cast<int>(r.error.code) <= static_cast<int>(smtp::kLastErrorCode),
               "error code out of range");
  }
  FUZZ_CHECK(at == size, "records cover %llu of %zu bytes", static_cast<unsigned long long>(at),
             size);
}

inline void CheckSameRecords(const std::vector<OwnedRecord>& a, const std::vector<OwnedRecord>& b,
                             const char* what) {
  FUZZ_CHECK(a.size() == b.size(), "%s: %zu records vs %zu", what, a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    FUZZ_CHECK(a[i] == b[i], "%s: record %zu differs:\n    %s\n    %s", what, i,
               Describe(a[i]).c_str(), Describe(b[i]).c_str());
  }
}

}  // namespace smtp_fuzz

#endif  // SMTP_FUZZ_FUZZ_COMMON_H_
