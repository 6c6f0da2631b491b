// bench/generate.h: seeded, reproducible SMTP traffic for the benchmarks and
// smtp-bench. Every generator's output parses with every record ok under the
// default (strict) Options; CheckAllOk() verifies that.
#ifndef SMTP_BENCH_GENERATE_H_
#define SMTP_BENCH_GENERATE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "smtp/options.h"

namespace smtp::bench {

// Typical traffic -----------------------------------------------------------

// Server replies: ~70% single-line replies as real servers send them
// (Postfix, Exim, Gmail wording, enhanced codes), ~30% EHLO replies of 6-12
// lines. At least `target_bytes` octets, whole replies only.
std::string GenerateReplies(std::size_t target_bytes, std::uint64_t seed = 1);

// EHLO replies only (the 30% above), for the reply stream in EHLO mode, where
// every 250 reply is read as one and all EHLO checks run.
std::string GenerateEhloReplies(std::size_t target_bytes, std::uint64_t seed = 1);

// Client sessions: EHLO (domain or address literal), 1-4 transactions of
// MAIL (SIZE/BODY/RET/ENVID/AUTH/SMTPUTF8) and 1-5 RCPT (NOTIFY/ORCPT), each
// ended by RSET, with an occasional NOOP, and QUIT. No DATA: these are the
// command lines alone.
std::string GenerateCommands(std::size_t target_bytes, std::uint64_t seed = 1);

// One message body: headers, a blank line and text lines of 0-78 octets,
// ~3% of them dot-stuffed, about `body_bytes` octets, ending in CRLF (the
// terminating ".\r\n" is not included).
std::string GenerateDataBody(std::size_t body_bytes, std::uint64_t seed = 1);

// A command stream of messages: "MAIL ..\r\nRCPT ..\r\nDATA\r\n" + a body of
// about `body_bytes` + ".\r\n", repeated to at least `target_bytes`.
std::string GenerateDataStream(std::size_t target_bytes, std::size_t body_bytes,
                               std::uint64_t seed = 1);

// Adversarial traffic ------------------------------------------------------

// Replies of 4 lines of exactly max_reply_line (512) octets each.
std::string GenerateMaxLineReplies(std::size_t target_bytes);
// EHLO replies of exactly max_reply_lines (1000) lines.
std::string GenerateThousandLineReplies(std::size_t target_bytes);
// Command lines of exactly max_command_line (512) octets: NOOP with a long
// atom and MAIL with a maximal path.
std::string GenerateMaxLineCommands(std::size_t target_bytes);
// MAIL/RCPT lines packed with as many parameters as 512 octets hold.
std::string GenerateManyParamCommands(std::size_t target_bytes);
// DATA whose body is nothing but stuffed dot lines ("..\r\n", "...\r\n").
std::string GenerateDotLineData(std::size_t target_bytes);
// DATA whose body lines are all exactly max_data_line (1000) octets.
std::string GenerateMaxLineData(std::size_t target_bytes);

// The server's side of a session for generated client traffic: a 220
// greeting, a 10-line EHLO reply (Postfix's), 354 to DATA, "250 ... queued"
// after content, 221 to QUIT, 500 to a bad line, 250 otherwise.
std::string GenerateSessionReplies(std::string_view client);

// Checking ------------------------------------------------------------------

// kEhloReplies: replies read in ReplyMode::kEhlo (never detected: asked for).
enum class StreamKind { kReplies, kCommands, kEhloReplies };

// Guesses from the first octets: a reply starts with three digits.
StreamKind DetectKind(std::string_view input);

struct ParseCount {
  std::uint64_t records = 0;
  std::uint64_t failed = 0;
  std::uint64_t bytes = 0;  // sum of record lengths
};

// Parses `input` with the stream parser (replies in plain mode unless
// kEhloReplies) in
// `chunk`-sized feeds and counts records and failures.
ParseCount ParseAll(std::string_view input, StreamKind kind, std::size_t chunk,
                    const Options& options = Options());

// True when every record is ok and the records tile the input. On failure
// writes a description of the first bad record to `*why`.
// Reads `client` and `server` with one smtp::Session (two streams), in
// `chunk`-sized feeds, each side when the session wants it. `failed` counts
// records that are not ok or carry a violation.
ParseCount ParseSession(std::string_view client, std::string_view server, std::size_t chunk);

bool CheckAllOk(std::string_view input, StreamKind kind, std::string* why);

}  // namespace smtp::bench

#endif  // SMTP_BENCH_GENERATE_H_
