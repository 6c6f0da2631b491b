// bench/alloc_counter.h: heap allocations made by this thread so far, counted
// by replacing the global operator new (alloc_counter.cc; benchmarks only).
#ifndef SMTP_BENCH_ALLOC_COUNTER_H_
#define SMTP_BENCH_ALLOC_COUNTER_H_

#include <cstdint>

namespace smtp::bench {

std::uint64_t AllocationCount() noexcept;

}  // namespace smtp::bench

#endif  // SMTP_BENCH_ALLOC_COUNTER_H_
