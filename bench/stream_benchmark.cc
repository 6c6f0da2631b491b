// Google Benchmark suite for the stream parsers: typical traffic, adversarial
// shapes, and a memchr line scan over the same bytes as the ceiling.
//
// Counters: bytes_per_second and items_per_second (records), allocs/record
// (heap allocations inside the timed loop divided by records; the stream is
// warmed up by one untimed pass first, so this is the steady state).
#include <benchmark/benchmark.h>

#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "alloc_counter.h"
#include "generate.h"
#include "smtp/stream.h"

namespace smtp::bench {
namespace {

constexpr std::size_t kTypicalBytes = 8 << 20;
constexpr std::size_t kOneByteBytes = 256 << 10;
constexpr std::size_t kReadSize = 64 << 10;  // a server's read buffer

// Inputs are generated once per name and checked to parse with every record ok.
const std::string& Input(const std::string& name, StreamKind kind,
                         const std::function<std::string()>& make) {
  static std::map<std::string, std::string> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    std::string input = make();
    std::string why;
    if (!CheckAllOk(input, kind, &why)) {
      std::fprintf(stderr, "generated input %s does not parse: %s\n", name.c_str(), why.c_str());
      std::abort();
    }
    it = cache.emplace(name, std::move(input)).first;
  }
  return it->second;
}

template <typename Stream>
void RunStream(benchmark::State& state, Stream& stream, std::string_view input, std::size_t chunk) {
  std::uint64_t records = 0;
  std::uint64_t failed = 0;
  const auto sink = [&](const Record& r) {
    ++records;
    failed += r.ok() ? 0 : 1;
    benchmark::DoNotOptimize(&r);
  };
  const auto pass = [&] {
    for (std::size_t pos = 0; pos < input.size(); pos += chunk)
      stream.Feed(input.substr(pos, chunk), sink);
    stream.Finish(sink);
  };
  pass();  // warm up: buffers reach their steady-state capacity
  records = 0;
  const std::uint64_t allocs_before = AllocationCount();
  for (auto _ : state)
    pass();
  const std::uint64_t allocs = AllocationCount() - allocs_before;
  if (failed != 0) state.SkipWithError("some records failed to parse");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.counters["allocs/record"] =
      records == 0 ? 0.0 : static_cast<double>(allocs) / static_cast<double>(records);
  state.counters["bytes/record"] =
      records == 0
          ? 0.0
          : static_cast<double>(state.iterations() * input.size()) / static_cast<double>(records);
}

void RunReplies(benchmark::State& state, const std::string& input, std::size_t chunk,
                ReplyMode mode = ReplyMode::kReplies) {
  ReplyStream stream(Options(), mode);
  RunStream(state, stream, input, chunk);
}

void RunCommands(benchmark::State& state, const std::string& input, std::size_t chunk) {
  CommandStream stream{Options()};
  RunStream(state, stream, input, chunk);
}

const std::string& Replies() {
  return Input("replies", StreamKind::kReplies, [] { return GenerateReplies(kTypicalBytes); });
}
const std::string& Commands() {
  return Input("commands", StreamKind::kCommands, [] { return GenerateCommands(kTypicalBytes); });
}
const std::string& Data(std::size_t body) {
  return Input("data" + std::to_string(body), StreamKind::kCommands,
               [body] { return GenerateDataStream(kTypicalBytes, body); });
}

// --- typical traffic --------------------------------------------------------

void BM_Replies(benchmark::State& state) {
  RunReplies(state, Replies(), static_cast<std::size_t>(state.range(0)));
}
BENCHMARK(BM_Replies)->Arg(kReadSize)->Arg(kTypicalBytes)->ArgName("chunk");

void BM_Commands(benchmark::State& state) {
  RunCommands(state, Commands(), static_cast<std::size_t>(state.range(0)));
}
BENCHMARK(BM_Commands)->Arg(kReadSize)->Arg(kTypicalBytes)->ArgName("chunk");

void BM_Data(benchmark::State& state) {
  RunCommands(state, Data(static_cast<std::size_t>(state.range(0))), kReadSize);
}
BENCHMARK(BM_Data)->Arg(1 << 10)->Arg(16 << 10)->Arg(256 << 10)->Arg(4 << 20)->ArgName("body");

// --- adversarial ------------------------------------------------------------

void BM_AdvMaxLineReplies(benchmark::State& state) {
  RunReplies(state,
             Input("maxline-replies", StreamKind::kReplies,
                   [] { return GenerateMaxLineReplies(kTypicalBytes); }),
             kReadSize);
}
BENCHMARK(BM_AdvMaxLineReplies);

void BM_AdvThousandLineReplies(benchmark::State& state) {
  RunReplies(state,
             Input("1000line-replies", StreamKind::kReplies,
                   [] { return GenerateThousandLineReplies(kTypicalBytes); }),
             kReadSize);
}
BENCHMARK(BM_AdvThousandLineReplies);

void BM_AdvMaxLineCommands(benchmark::State& state) {
  RunCommands(state,
              Input("maxline-commands", StreamKind::kCommands,
                    [] { return GenerateMaxLineCommands(kTypicalBytes); }),
              kReadSize);
}
BENCHMARK(BM_AdvMaxLineCommands);

void BM_AdvManyParams(benchmark::State& state) {
  RunCommands(state,
              Input("manyparam-commands", StreamKind::kCommands,
                    [] { return GenerateManyParamCommands(kTypicalBytes); }),
              kReadSize);
}
BENCHMARK(BM_AdvManyParams);

void BM_AdvDotLines(benchmark::State& state) {
  RunCommands(
      state,
      Input("dot-lines", StreamKind::kCommands, [] { return GenerateDotLineData(kTypicalBytes); }),
      kReadSize);
}
BENCHMARK(BM_AdvDotLines);

void BM_AdvMaxLineData(benchmark::State& state) {
  RunCommands(state,
              Input("maxline-data", StreamKind::kCommands,
                    [] { return GenerateMaxLineData(kTypicalBytes); }),
              kReadSize);
}
BENCHMARK(BM_AdvMaxLineData);

void BM_AdvOneByteFeedReplies(benchmark::State& state) {
  RunReplies(
      state,
      Input("replies-small", StreamKind::kReplies, [] { return GenerateReplies(kOneByteBytes); }),
      1);
}
BENCHMARK(BM_AdvOneByteFeedReplies);

void BM_AdvOneByteFeedCommands(benchmark::State& state) {
  RunCommands(state,
              Input("commands-small", StreamKind::kCommands,
                    [] { return GenerateCommands(kOneByteBytes); }),
              1);
}
BENCHMARK(BM_AdvOneByteFeedCommands);

void BM_AdvOneByteFeedData(benchmark::State& state) {
  RunCommands(state,
              Input("data-small", StreamKind::kCommands,
                    [] { return GenerateDataStream(kOneByteBytes, 16 << 10); }),
              1);
}
BENCHMARK(BM_AdvOneByteFeedData);

// --- the ceiling: count lines with memchr over the same bytes ---------------

void BM_MemchrScan(benchmark::State& state, const std::string& (*input_fn)()) {
  const std::string& input = input_fn();
  std::uint64_t lines = 0;
  for (auto _ : state) {
    const char* p = input.data();
    const char* const end = p + input.size();
    while (p < end) {
      const void* lf = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      if (lf == nullptr) break;
      ++lines;
      p = static_cast<const char*>(lf) + 1;
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(lines));
}
BENCHMARK_CAPTURE(BM_MemchrScan, replies, &Replies);
BENCHMARK_CAPTURE(BM_MemchrScan, commands, &Commands);
BENCHMARK_CAPTURE(
    BM_MemchrScan, data16k, +[]() -> const std::string& { return Data(16 << 10); });

}  // namespace
}  // namespace smtp::bench

BENCHMARK_MAIN();
