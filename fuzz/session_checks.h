// fuzz/session_checks.h: the properties of the session (SPEC section 5)
// that the session_* fuzz targets check, and owned copies of its records.
#ifndef SMTP_FUZZ_SESSION_CHECKS_H_
#define SMTP_FUZZ_SESSION_CHECKS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_common.h"
#include "smtp/session.h"

namespace smtp_fuzz {

struct OwnedSessionRecord {
  smtp::Direction dir = smtp::Direction::kClient;
  OwnedRecord record;
  bool has_answers = false;
  std::uint64_t answers = 0;
  std::uint16_t violations = 0;
  friend bool operator==(const OwnedSessionRecord&, const OwnedSessionRecord&) = default;
};

inline std::string DescribeSession(const OwnedSessionRecord& r) {
  return std::string(r.dir == smtp::Direction::kClient ? "C " : "S ") + Describe(r.record) +
         " answers=" + (r.has_answers ? std::to_string(r.answers) : "-") +
         " violations=" + std::to_string(r.violations);
}

// One step of interleaved input: a chunk from the client or the server.
using Step = std::pair<smtp::Direction, std::string_view>;

inline std::vector<OwnedSessionRecord> RunSession(const smtp::Options& options,
                                                  smtp::SessionInput input,
                                                  const std::vector<Step>& steps) {
  std::vector<OwnedSessionRecord> out;
  smtp::Session session(options, input);
  const auto sink = [&](const smtp::SessionRecord& r) {
    OwnedSessionRecord o;
    o.dir = r.dir;
    o.record = Own(r.record);
    o.has_answers = r.has_answers;
    o.answers = r.answers;
    o.violations = r.violations.bits();
    out.push_back(std::move(o));
  };
  for (const auto& [dir, bytes] : steps) {
    // A copy of exactly the chunk's size: ASan sees reads past it.
    const std::string chunk(bytes);
    if (dir == smtp::Direction::kClient) {
      session.FeedClient(chunk, sink);
    } else {
      session.FeedServer(chunk, sink);
    }
  }
  session.Finish(sink);
  return out;
}

// Each direction's records tile its octets; a reply answers the offset of a
// client record emitted before it.
inline void CheckSessionTiling(const std::vector<OwnedSessionRecord>& records,
                               std::size_t client_size, std::size_t server_size) {
  std::vector<OwnedRecord> client, server;
  std::vector<std::uint64_t> starts;
  for (const OwnedSessionRecord& r : records) {
    if (r.dir == smtp::Direction::kClient) {
      client.push_back(r.record);
      starts.push_back(r.record.offset);
    } else {
      server.push_back(r.record);
      if (r.has_answers) {
        bool found = false;
        for (std::uint64_t s : starts)
          found = found || s == r.answers;
        FUZZ_CHECK(found, "a reply answers %llu, no client record starts there: %s",
                   static_cast<unsigned long long>(r.answers), DescribeSession(r).c_str());
      }
    }
  }
  CheckTiling(client, client_size);
  CheckTiling(server, server_size);
}

inline void CheckSameSession(const std::vector<OwnedSessionRecord>& a,
                             const std::vector<OwnedSessionRecord>& b, const char* what) {
  FUZZ_CHECK(a.size() == b.size(), "%s: %zu records vs %zu", what, a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    FUZZ_CHECK(a[i] == b[i], "%s: record %zu differs:\n    %s\n    %s", what, i,
               DescribeSession(a[i]).c_str(), DescribeSession(b[i]).c_str());
  }
}

// Cuts each step further by the LCG of Chunks() (wire order kept).
inline std::vector<Step> Recut(const std::vector<Step>& steps, std::uint8_t seed,
                               std::uint8_t shape) {
  std::vector<Step> out;
  for (const auto& [dir, bytes] : steps) {
    for (std::string_view c : Chunks(bytes, seed, shape))
      out.push_back({dir, c});
  }
  return out;
}

}  // namespace smtp_fuzz

#endif  // SMTP_FUZZ_SESSION_CHECKS_H_
