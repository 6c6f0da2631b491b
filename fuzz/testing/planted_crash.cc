// fuzz/testing/planted_crash.cc: a fuzz target with a planted bug, for the
// campaign driver's own test (fuzz/test_campaign.py): an input that contains
// "BUG" fails a property. It is not in FUZZ_TARGETS: never fuzzed by
// `make fuzz`, shipped to ClusterFuzzLite or replayed over corpus/.
//
// The test seeds it with inputs without "BUG", so the engine has to find the
// bug, finds it again after each restart (one finding after
// de-duplication), and -minimize_crash can shrink the input to 3 octets.
#include <cstddef>
#include <cstdint>

#include "fuzz_common.h"

namespace {

// How much of "BUG" ends at each octet. One branch per state, so edge
// coverage leads both libFuzzer and AFL++ to the bug one octet at a time.
bool ContainsBug(const std::uint8_t* data, std::size_t size) {
  int matched = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const std::uint8_t c = data[i];
    switch (matched) {
      case 0:
        matched = c == 'B' ? 1 : 0;
        break;
      case 1:
        matched = c == 'U' ? 2 : (c == 'B' ? 1 : 0);
        break;
      default:
        if (c == 'G') return true;
        matched = c == 'B' ? 1 : 0;
        break;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FUZZ_CHECK(!ContainsBug(data, size), "planted bug: input contains BUG (%zu octets)", size);
  return 0;
}
