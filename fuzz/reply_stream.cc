// fuzz/reply_stream.cc: the reply stream (SPEC section 3), plain and EHLO
// mode. The first three input bytes choose policy, utf8, limits, mode and
// chunk boundaries; see stream_checks.h for the properties.
#include <cstddef>
#include <cstdint>

#include "stream_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  smtp_fuzz::CheckReplyStream(data, size);
  return 0;
}
