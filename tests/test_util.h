// Shared helpers for the smtp::parser tests: option presets, deviation sets,
// and a stream harness that renders every record to plain values inside the
// sink (views die after the sink call) and feeds input in exact-size heap
// chunks so AddressSanitizer catches any read past a chunk.
#ifndef SMTP_TESTS_TEST_UTIL_H_
#define SMTP_TESTS_TEST_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "smtp/command.h"
#include "smtp/ehlo.h"
#include "smtp/error.h"
#include "smtp/options.h"
#include "smtp/reply.h"
#include "smtp/stream.h"

namespace smtp {

// gtest printers so failures show names instead of bytes.
inline void PrintTo(ErrorCode code, std::ostream* os) {
  *os << ErrorName(code);
}
inline void PrintTo(const Error& error, std::ostream* os) {
  *os << ErrorName(error.code) << "@" << error.offset;
}
inline void PrintTo(Verb verb, std::ostream* os) {
  *os << "Verb(" << VerbName(verb) << ")";
}
inline void PrintTo(HostType type, std::ostream* os) {
  *os << HostTypeName(type);
}
inline void PrintTo(RecordKind kind, std::ostream* os) {
  *os << RecordKindName(kind);
}

namespace testing_util {

inline Options StrictOptions() {
  return Options{};
}
inline Options LenientOptions() {
  Options options;
  options.policy = Policy::kLenient;
  return options;
}
inline Options Utf8Options(Policy policy = Policy::kStrict) {
  Options options;
  options.policy = policy;
  options.utf8 = true;
  return options;
}

inline Deviations DeviationSet(std::initializer_list<Deviation> list) {
  Deviations set;
  for (Deviation d : list)
    set.Add(d);
  return set;
}

// "bare_lf,extra_space" in bit order; "" for none.
inline std::string DeviationNames(Deviations deviations) {
  std::string out;
  deviations.ForEach([&](Deviation d) {
    if (!out.empty()) out += ",";
    out += DeviationName(d);
  });
  return out;
}

inline std::string ErrorString(const Error& error) {
  if (error.ok()) return "ok";
  return std::string(ErrorName(error.code)) + "@" + std::to_string(error.offset);
}

// Makes bytes readable in failure messages.
inline std::string Escape(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

inline std::string RenderParams(const ParamList& params) {
  std::string out = "[";
  bool first = true;
  for (const Param& p : params) {
    if (!first) out += " ";
    first = false;
    out += std::string(p.keyword);
    if (p.has_value) out += "=" + std::string(p.value);
  }
  return out + "]";
}

inline std::string RenderCommand(const Command& c) {
  std::string out = "verb=" + std::string(VerbName(c.verb));
  switch (c.verb) {
    case Verb::kHelo:
    case Verb::kEhlo:
      out += " " + std::string(HostTypeName(c.host_type)) + ":" + std::string(c.host);
      break;
    case Verb::kMail:
    case Verb::kRcpt:
      out += " path=<" + Escape(c.path) + "> params=" + RenderParams(c.params);
      break;
    case Verb::kBdat:
      out += " size=" + std::to_string(c.bdat_size) + (c.bdat_last ? " LAST" : "");
      break;
    case Verb::kAuth:
      out += " mech=" + std::string(c.mechanism);
      if (c.has_initial_response) out += " ir=" + std::string(c.initial_response);
      break;
    case Verb::kVrfy:
    case Verb::kExpn:
    case Verb::kHelp:
    case Verb::kNoop:
      if (c.has_argument) out += " arg=" + Escape(c.argument);
      break;
    default:
      break;
  }
  return out;
}

inline std::string RenderReplyLines(const ReplyLines& lines) {
  std::string out = "[";
  bool first = true;
  for (std::string_view text : lines) {
    if (!first) out += "|";
    first = false;
    out += Escape(text);
  }
  return out + "]";
}

inline std::string RenderReply(const Reply& r) {
  std::string out = "code=" + std::to_string(r.code) + " lines=" + RenderReplyLines(r.lines);
  if (r.has_enhanced) out += " enhanced=" + std::string(r.enhanced.text);
  return out;
}

inline std::string RenderCapabilities(const Capabilities& caps) {
  std::string out = "[";
  bool first = true;
  for (const Capability& cap : caps) {
    if (!first) out += ";";
    first = false;
    out += std::string(cap.keyword) + "(";
    bool first_param = true;
    for (std::string_view p : cap.params) {
      if (!first_param) out += ",";
      first_param = false;
      out += Escape(p);
    }
    out += ")";
  }
  return out + "]";
}

inline std::string RenderEhlo(const EhloReply& e) {
  return "domain=" + Escape(e.domain) + " greeting=" + Escape(e.greeting) +
         " caps=" + RenderCapabilities(e.capabilities);
}

// A record with every view already copied out.
struct Rec {
  RecordKind kind = RecordKind::kCommand;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  ErrorCode code = ErrorCode::kOk;
  std::uint64_t error_offset = 0;
  std::uint16_t deviations = 0;
  std::string fields;  // key fields when ok

  bool ok() const { return code == ErrorCode::kOk; }
  friend bool operator==(const Rec&, const Rec&) = default;
};

inline std::string RecString(const Rec& r) {
  std::string out = std::string(RecordKindName(r.kind)) + " [" + std::to_string(r.offset) + "+" +
                    std::to_string(r.length) + "] ";
  out += r.ok() ? std::string("ok") : ErrorString(Error{r.code, r.error_offset});
  Deviations d;
  for (int i = 0; i < kDeviationCount; ++i) {
    if (r.deviations & (1u << i)) d.Add(static_cast<Deviation>(1u << i));
  }
  if (!d.empty()) out += " dev=" + DeviationNames(d);
  if (!r.fields.empty()) out += " {" + r.fields + "}";
  return out;
}

inline void PrintTo(const Rec& r, std::ostream* os) {
  *os << RecString(r);
}

inline Rec ToRec(const Record& r) {
  Rec rec;
  rec.kind = r.kind;
  rec.offset = r.offset;
  rec.length = r.length;
  rec.code = r.error.code;
  rec.error_offset = r.error.offset;
  rec.deviations = r.deviations.bits();
  switch (r.kind) {
    case RecordKind::kCommand:
      if (r.ok()) rec.fields = RenderCommand(r.command);
      break;
    case RecordKind::kData:
      rec.fields = "bytes=" + std::to_string(r.data_bytes);
      break;
    case RecordKind::kAuthResponse:
      if (r.ok()) rec.fields = "response=" + Escape(r.auth_response);
      break;
    case RecordKind::kTls:
      break;
    case RecordKind::kReply:
      if (r.ok()) {
        rec.fields = RenderReply(r.reply);
        if (r.is_ehlo) rec.fields += " ehlo{" + RenderEhlo(r.ehlo) + "}";
      }
      break;
  }
  return rec;
}

// Splits `input` at the given ascending cut positions, copies each chunk into
// an exact-size heap buffer that is freed right after its Feed call, and
// collects the records.
template <typename Stream>
std::vector<Rec> FeedChunks(Stream& stream, std::string_view input,
                            const std::vector<std::size_t>& cuts) {
  std::vector<Rec> records;
  auto sink = [&](const Record& r) { records.push_back(ToRec(r)); };
  std::size_t begin = 0;
  auto feed = [&](std::size_t end) {
    const std::size_t n = end - begin;
    std::unique_ptr<char[]> chunk(new char[n]);
    if (n != 0) std::memcpy(chunk.get(), input.data() + begin, n);
    stream.Feed(std::string_view(chunk.get(), n), sink);
    begin = end;
  };
  for (std::size_t cut : cuts)
    feed(cut);
  feed(input.size());
  stream.Finish(sink);
  return records;
}

inline std::vector<Rec> RunCommands(std::string_view input, const Options& options,
                                    const std::vector<std::size_t>& cuts = {}) {
  CommandStream stream(options);
  return FeedChunks(stream, input, cuts);
}

inline std::vector<Rec> RunReplies(std::string_view input, const Options& options,
                                   ReplyMode mode = ReplyMode::kReplies,
                                   const std::vector<std::size_t>& cuts = {}) {
  ReplyStream stream(options, mode);
  return FeedChunks(stream, input, cuts);
}

inline std::string RecordsString(const std::vector<Rec>& records) {
  std::string out;
  for (std::size_t i = 0; i < records.size(); ++i) {
    out += "  #" + std::to_string(i) + " " + RecString(records[i]) + "\n";
  }
  return out;
}

// Every byte in exactly one record, in order.
inline ::testing::AssertionResult RecordsTile(const std::vector<Rec>& records, std::uint64_t size) {
  std::uint64_t next = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (records[i].offset != next) {
      return ::testing::AssertionFailure() << "record #" << i << " starts at " << records[i].offset
                                           << ", expected " << next << "\n"
                                           << RecordsString(records);
    }
    next += records[i].length;
  }
  if (next != size) {
    return ::testing::AssertionFailure() << "records cover " << next << " bytes of " << size << "\n"
                                         << RecordsString(records);
  }
  return ::testing::AssertionSuccess();
}

// Cut positions to try for a two-chunk split: every `stride`-th position for
// short inputs, a spread sample for long ones (the check is quadratic).
inline std::vector<std::size_t> SplitPositions(std::size_t size, std::size_t stride = 1) {
  std::vector<std::size_t> positions;
  if (size <= 2048) {
    for (std::size_t i = 0; i <= size; i += stride)
      positions.push_back(i);
    if (positions.back() != size) positions.push_back(size);
    return positions;
  }
  for (std::size_t i = 0; i <= 64; ++i)
    positions.push_back(i);
  for (std::size_t i = 65; i + 64 < size; i += 97)
    positions.push_back(i);
  for (std::size_t i = size - 64; i <= size; ++i)
    positions.push_back(i);
  return positions;
}

inline std::vector<std::size_t> EveryByte(std::size_t size) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < size; ++i)
    cuts.push_back(i);
  return cuts;
}

// Parses `input` whole, split in two at every (sampled) position, and one
// byte at a time; every way must give the same records, and they must tile
// the input. Returns the whole-input records.
template <typename Run>
std::vector<Rec> ExpectSplitInvariant(std::string_view input, Run run, std::size_t stride = 1) {
  const std::vector<Rec> whole = run(std::vector<std::size_t>{});
  EXPECT_TRUE(RecordsTile(whole, input.size())) << Escape(input);
  for (std::size_t cut : SplitPositions(input.size(), stride)) {
    const std::vector<Rec> split = run(std::vector<std::size_t>{cut});
    if (split != whole) {
      ADD_FAILURE() << "split at " << cut << " of " << Escape(input) << "\nwhole:\n"
                    << RecordsString(whole) << "split:\n"
                    << RecordsString(split);
      break;
    }
  }
  const std::vector<Rec> bytewise = run(EveryByte(input.size()));
  EXPECT_EQ(bytewise, whole) << "byte-at-a-time of " << Escape(input) << "\nwhole:\n"
                             << RecordsString(whole) << "bytewise:\n"
                             << RecordsString(bytewise);
  return whole;
}

inline std::vector<Rec> CommandsAnySplit(std::string_view input, const Options& options,
                                         std::size_t stride = 1) {
  return ExpectSplitInvariant(
      input,
      [&](const std::vector<std::size_t>& cuts) { return RunCommands(input, options, cuts); },
      stride);
}

inline std::vector<Rec> RepliesAnySplit(std::string_view input, const Options& options,
                                        ReplyMode mode = ReplyMode::kReplies,
                                        std::size_t stride = 1) {
  return ExpectSplitInvariant(
      input,
      [&](const std::vector<std::size_t>& cuts) { return RunReplies(input, options, mode, cuts); },
      stride);
}

// Builders.
inline Rec OkRec(RecordKind kind, std::uint64_t offset, std::uint64_t length,
                 std::string fields = "", Deviations deviations = {}) {
  Rec r;
  r.kind = kind;
  r.offset = offset;
  r.length = length;
  r.fields = std::move(fields);
  r.deviations = deviations.bits();
  return r;
}

inline std::string Repeat(char c, std::size_t n) {
  return std::string(n, c);
}

}  // namespace testing_util
}  // namespace smtp

#endif  // SMTP_TESTS_TEST_UTIL_H_
