// fuzz/c_api.cc: the C API (smtp/smtp.h) gives the C++ API's records for the
// same input, options and chunking, through its own iterators. Byte 0 bit 5
// picks the reply stream, the rest of the header is the stream targets'
// (fuzz_common.h DecodeSetup); see c_api_checks.h.
#include <cstddef>
#include <cstdint>

#include "c_api_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  smtp_fuzz::CheckCApi(data, size);
  return 0;
}
