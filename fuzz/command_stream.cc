// fuzz/command_stream.cc: the command stream (SPEC section 2). The first
// three input bytes choose policy, utf8, limits and chunk boundaries; see
// stream_checks.h for the properties.
#include <cstddef>
#include <cstdint>

#include "stream_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  smtp_fuzz::CheckCommandStream(data, size);
  return 0;
}
