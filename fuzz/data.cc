// fuzz/data.cc: DATA bodies and BDAT chunks through the command stream.
//
// Input: the three header bytes of stream_checks.h, then one mode byte
// (bit 0: BDAT instead of DATA, bit 1: 16-bit chunk size, bit 2: LAST), the
// chunk size bytes for BDAT, then the body. The target builds
// "DATA\r\n" + body or "BDAT n\r\n" + body and checks, in both policies:
//  - only CRLF.CRLF ends DATA: the content record ends at the first one and
//    no earlier (bare LF / bare CR / NUL variants never end it), and ends
//    at the same place in strict and lenient;
//  - the un-stuffed byte count and the verdict match an independent count;
//  - BDAT takes exactly n octets, whatever they contain;
//  - chunked and whole-input parses agree, records tile the stream.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stream_checks.h"

namespace {

using smtp_fuzz::OwnedRecord;

std::vector<OwnedRecord> Check(const smtp_fuzz::StreamSetup& setup, const std::string& stream) {
  smtp::CommandStream whole_stream(setup.options);
  const std::vector<OwnedRecord> whole = smtp_fuzz::RunStream(whole_stream, {stream});
  smtp_fuzz::CheckTiling(whole, stream.size());
  smtp::CommandStream chunked_stream(setup.options);
  smtp_fuzz::CheckSameRecords(
      whole,
      smtp_fuzz::RunStream(chunked_stream, smtp_fuzz::Chunks(stream, setup.seed, setup.shape)),
      "chunked vs whole");
  smtp_fuzz::CheckCommandRecords(whole, stream, setup.options);
  FUZZ_CHECK(whole.size() >= 2 && whole[0].kind == smtp::RecordKind::kCommand &&
                 whole[0].error.ok() && whole[1].kind == smtp::RecordKind::kData,
             "the DATA/BDAT line did not start content");
  return whole;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < smtp_fuzz::kHeaderSize + 1) return 0;
  smtp_fuzz::StreamSetup setup = smtp_fuzz::DecodeSetup(data);
  const std::uint8_t mode = data[smtp_fuzz::kHeaderSize];
  std::size_t pos = smtp_fuzz::kHeaderSize + 1;
  std::string stream;
  if (mode & 1) {
    std::uint64_t n = 0;
    const std::size_t width = (mode & 2) ? 2 : 1;
    if (size < pos + width) return 0;
    for (std::size_t i = 0; i < width; ++i)
      n = (n << 8) | data[pos + i];
    pos += width;
    stream = "BDAT " + std::to_string(n) + ((mode & 4) ? " LAST" : "") + "\r\n";
  } else {
    stream = "DATA\r\n";
  }
  stream.append(reinterpret_cast<const char*>(data) + pos, size - pos);
  // The small limits would reject "BDAT 65535 LAST\r\n" itself.
  setup.options.max_command_line = std::max<std::size_t>(setup.options.max_command_line, 24);

  setup.options.policy = smtp::Policy::kStrict;
  const std::vector<OwnedRecord> strict = Check(setup, stream);
  setup.options.policy = smtp::Policy::kLenient;
  const std::vector<OwnedRecord> lenient = Check(setup, stream);
  // Lenient never changes how DATA ends, nor the byte count.
  FUZZ_CHECK(strict[1].length == lenient[1].length && strict[1].data_bytes == lenient[1].data_bytes,
             "strict and lenient end the content differently: %llu vs %llu",
             static_cast<unsigned long long>(strict[1].length),
             static_cast<unsigned long long>(lenient[1].length));
  // Whatever strict accepts, lenient accepts the same way.
  if (strict[1].error.ok()) {
    FUZZ_CHECK(lenient[1].error.ok() && lenient[1].deviations == 0, "lenient content differs");
  }
  return 0;
}
