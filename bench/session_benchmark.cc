// The session (SPEC section 5) against the two one-way streams it reuses, on
// the seeded benchmark inputs (generate.h) paired with replies generated for
// them: 220 greeting, an 8-line EHLO reply, 354 to DATA, "250 ... queued"
// after content, 221 to QUIT, 500 to a bad line, 250 otherwise. Both read the
// same octets in 64 KiB reads; bytes_per_second counts both directions.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "alloc_counter.h"
#include "generate.h"
#include "smtp/session.h"
#include "smtp/stream.h"

namespace smtp::bench {
namespace {

constexpr std::size_t kBytes = 8 << 20;
constexpr std::size_t kRead = 64 << 10;

struct Pair {
  std::string client, server;
};

const Pair& Commands() {
  static const Pair* pair = [] {
    auto* p = new Pair;
    p->client = GenerateCommands(kBytes);
    p->server = GenerateSessionReplies(p->client);
    return p;
  }();
  return *pair;
}

const Pair& Data() {
  static const Pair* pair = [] {
    auto* p = new Pair;
    // Each message preceded by EHLO, like GenerateCommands' sessions.
    p->client = "EHLO client.example.com\r\n" + GenerateDataStream(kBytes, 16 << 10);
    p->server = GenerateSessionReplies(p->client);
    return p;
  }();
  return *pair;
}

void Report(benchmark::State& state, const Pair& p, std::uint64_t records, std::uint64_t allocs) {
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * (p.client.size() + p.server.size())));
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.counters["allocs/record"] =
      records == 0 ? 0.0 : static_cast<double>(allocs) / static_cast<double>(records);
}

// The session, two streams, reading whichever file it wants (64 KiB reads).
void RunSession(benchmark::State& state, const Pair& p) {
  (void)ParseSession(p.client, p.server, kRead);  // warm-up
  std::uint64_t records = 0;
  const std::uint64_t before = AllocationCount();
  for (auto _ : state)
    records += ParseSession(p.client, p.server, kRead).records;
  // A new Session per pass: its buffers are the per-connection allocations.
  Report(state, p, records, AllocationCount() - before);
}

// The two one-way streams over the same octets (commands, and replies in
// ehlo mode), what a caller without the session would run.
void RunOneWay(benchmark::State& state, const Pair& p) {
  std::uint64_t records = 0;
  const auto sink = [&](const Record& r) {
    ++records;
    benchmark::DoNotOptimize(&r);
  };
  const auto pass = [&] {
    CommandStream commands{Options()};
    ReplyStream replies(Options(), ReplyMode::kEhlo);
    for (std::size_t pos = 0; pos < p.client.size(); pos += kRead)
      commands.Feed(std::string_view(p.client).substr(pos, kRead), sink);
    commands.Finish(sink);
    for (std::size_t pos = 0; pos < p.server.size(); pos += kRead)
      replies.Feed(std::string_view(p.server).substr(pos, kRead), sink);
    replies.Finish(sink);
  };
  pass();
  records = 0;
  const std::uint64_t before = AllocationCount();
  for (auto _ : state)
    pass();
  Report(state, p, records, AllocationCount() - before);
}

void BM_SessionCommands(benchmark::State& state) {
  RunSession(state, Commands());
}
BENCHMARK(BM_SessionCommands);

void BM_OneWayPairCommands(benchmark::State& state) {
  RunOneWay(state, Commands());
}
BENCHMARK(BM_OneWayPairCommands);

void BM_SessionData16K(benchmark::State& state) {
  RunSession(state, Data());
}
BENCHMARK(BM_SessionData16K);

void BM_OneWayPairData16K(benchmark::State& state) {
  RunOneWay(state, Data());
}
BENCHMARK(BM_OneWayPairData16K);

}  // namespace
}  // namespace smtp::bench
