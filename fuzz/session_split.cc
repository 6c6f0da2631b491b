// fuzz/session_split.cc: the session's records tile each direction and do
// not depend on how either direction is chunked, nor (two streams) on how the
// two are interleaved (SPEC section 5). Input: the 3-byte header of
// fuzz_common.h, one byte for where the client's octets end (as a fraction
// of the rest), then the client's octets and the server's.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "session_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using smtp::Direction;
  if (size < smtp_fuzz::kHeaderSize + 1) return 0;
  const smtp_fuzz::StreamSetup setup = smtp_fuzz::DecodeSetup(data);
  smtp::Options options = setup.options;
  options.max_pending = 16 + setup.seed * 32u;  // small: the overflow path too
  const std::string_view rest(reinterpret_cast<const char*>(data) + smtp_fuzz::kHeaderSize + 1,
                              size - smtp_fuzz::kHeaderSize - 1);
  const std::size_t cut = rest.size() * data[smtp_fuzz::kHeaderSize] / 255;
  const std::string_view client = rest.substr(0, cut);
  const std::string_view server = rest.substr(cut);

  // Two streams: client then server, server then client, and both cut and
  // alternated by the header: the same records.
  const auto whole =
      smtp_fuzz::RunSession(options, smtp::SessionInput::kTwoStreams,
                            {{Direction::kClient, client}, {Direction::kServer, server}});
  smtp_fuzz::CheckSessionTiling(whole, client.size(), server.size());
  const auto reversed =
      smtp_fuzz::RunSession(options, smtp::SessionInput::kTwoStreams,
                            {{Direction::kServer, server}, {Direction::kClient, client}});
  const auto cchunks = smtp_fuzz::Chunks(client, setup.seed, setup.shape);
  const auto schunks = smtp_fuzz::Chunks(server, setup.seed ^ 0x5A, setup.shape);
  std::vector<smtp_fuzz::Step> mixed;
  std::size_t i = 0, j = 0;
  std::uint32_t state = setup.seed;
  while (i < cchunks.size() || j < schunks.size()) {
    state = state * 1103515245u + 12345u;
    const bool take_client = j >= schunks.size() || (i < cchunks.size() && ((state >> 16) & 1));
    if (take_client) {
      mixed.push_back({Direction::kClient, cchunks[i++]});
    } else {
      mixed.push_back({Direction::kServer, schunks[j++]});
    }
  }
  const auto alternated = smtp_fuzz::RunSession(options, smtp::SessionInput::kTwoStreams, mixed);
  // With max_pending beyond both inputs nothing overflows, and then the
  // order of feeding cannot matter.
  if (client.size() + server.size() < options.max_pending) {
    smtp_fuzz::CheckSameSession(whole, reversed, "server first");
    smtp_fuzz::CheckSameSession(whole, alternated, "interleaved chunks");
  } else {
    smtp_fuzz::CheckSessionTiling(reversed, client.size(), server.size());
    smtp_fuzz::CheckSessionTiling(alternated, client.size(), server.size());
  }

  // Interleaved: the alternation is the wire order; cutting its steps
  // further changes nothing.
  const auto wire = smtp_fuzz::RunSession(options, smtp::SessionInput::kInterleaved, mixed);
  smtp_fuzz::CheckSessionTiling(wire, client.size(), server.size());
  const auto recut = smtp_fuzz::RunSession(options, smtp::SessionInput::kInterleaved,
                                           smtp_fuzz::Recut(mixed, setup.seed ^ 0x33, 1));
  smtp_fuzz::CheckSessionTiling(recut, client.size(), server.size());
  // Within max_pending (nothing overflows, nothing held is let go early) the
  // chunking cannot matter.
  if (client.size() + server.size() < options.max_pending) {
    smtp_fuzz::CheckSameSession(wire, recut, "interleaved, recut");
  }
  return 0;
}
