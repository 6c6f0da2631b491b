// fuzz/oracle/session_model.h: an independent model of the session (SPEC
// section 5) for well-formed dialogues read as two streams, written from the
// SPEC for differential fuzzing. Like oracle.h it shares no code with
// parser/: it splits lines and replies itself and knows only what a reply
// decides (354, 334, 220 to STARTTLS, CHUNKING, 500/502 to BDAT).
//
// Scope: every client line and every reply line ends in CRLF, no limit is
// exceeded, every reply is well formed. Outside that scope the model's
// answer means nothing (the caller only asks inside it).
#ifndef SMTP_FUZZ_ORACLE_SESSION_MODEL_H_
#define SMTP_FUZZ_ORACLE_SESSION_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

namespace oracle {

struct SessionRecord {
  std::string kind;  // "command", "data", "auth_response", "tls", "reply"
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::int64_t answers = -1;  // client offset, -1 when none
  bool operator==(const SessionRecord&) const = default;
};

struct SessionModel {
  std::vector<SessionRecord> client;  // in client order
  std::vector<SessionRecord> server;  // in server order
};

SessionModel ModelSession(const std::string& client, const std::string& server);

}  // namespace oracle

#endif  // SMTP_FUZZ_ORACLE_SESSION_MODEL_H_
