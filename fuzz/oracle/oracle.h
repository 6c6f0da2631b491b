// fuzz/oracle/oracle.h: a second, deliberately plain implementation of the
// SMTP grammar (RFC 5321 section 4.1.2, 4.1.3, 4.2 plus the extensions of
// SPEC.md and the rules of docs/decisions.md), written straight from those
// documents for differential fuzzing.
//
// It shares no code with parser/: no smtp:: headers, no lexer, its own
// types. Clarity beats speed: recursive descent over std::string, copies
// everywhere, one function per ABNF rule. Errors are the SPEC's snake_case
// names ("bad_domain"), deviations the names of docs/decisions.md.
#ifndef SMTP_FUZZ_ORACLE_ORACLE_H_
#define SMTP_FUZZ_ORACLE_ORACLE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace oracle {

struct Options {
  bool lenient = false;
  bool utf8 = false;
  std::size_t max_command_line = 512;
  std::size_t max_auth_line = 12288;
  std::size_t max_reply_line = 512;
  std::size_t max_data_line = 1000;
  std::size_t max_reply_lines = 1000;
};

// "" when the parse succeeded, else the SPEC's error name.
struct Outcome {
  std::string error;
  std::uint64_t offset = 0;
  std::set<std::string> deviations;
  bool ok() const { return error.empty(); }
};

struct Param {
  std::string keyword;
  std::optional<std::string> value;
  bool operator==(const Param&) const = default;
};

struct Command {
  std::string verb;       // upper case
  std::string host_type;  // "domain", "ipv4", "ipv6", "general" (HELO/EHLO)
  std::string host;
  std::string path;  // MAIL/RCPT
  std::vector<Param> params;
  std::uint64_t bdat_size = 0;
  bool bdat_last = false;
  std::string mechanism;
  std::optional<std::string> initial_response;
  std::optional<std::string> argument;
  bool operator==(const Command&) const = default;
};

struct CommandResult {
  Outcome outcome;
  Command command;
};

struct ReplyLine {
  int code = 0;
  bool continued = false;
  std::string text;
};

struct ReplyLineResult {
  Outcome outcome;
  ReplyLine line;
};

struct Enhanced {
  int klass = 0;
  int subject = 0;
  int detail = 0;
  std::string text;
  bool operator==(const Enhanced&) const = default;
};

struct Reply {
  int code = 0;
  std::vector<std::string> lines;
  std::optional<Enhanced> enhanced;
};

struct ReplyResult {
  Outcome outcome;
  Reply reply;
};

struct Capability {
  std::string keyword;
  std::vector<std::string> params;
  bool operator==(const Capability&) const = default;
};

struct EhloResult {
  Outcome outcome;
  Reply reply;
  std::string domain;
  std::string greeting;
  std::vector<Capability> capabilities;
};

// One command line with its terminator.
CommandResult ParseCommand(std::string_view line, const Options& options);
// One reply line with its terminator.
ReplyLineResult ParseReplyLine(std::string_view line, const Options& options);
// One whole reply, every line with its terminator.
ReplyResult ParseReply(std::string_view text, const Options& options);
// One whole EHLO reply.
EhloResult ParseEhloReply(std::string_view text, const Options& options);

// The SASL response rule of SPEC section 2: base64, "*" or "=". Returns the
// offset of the first bad octet, or nullopt when valid.
std::optional<std::size_t> CheckSaslResponse(std::string_view content);

// The DATA content rule of SPEC section 2, for a content that starts right
// after the DATA line's CRLF. Returns the length of the content through the
// final ".CRLF" (nullopt when there is none) and the un-stuffed byte count.
struct DataScan {
  std::optional<std::uint64_t> length;
  std::uint64_t bytes = 0;
};
DataScan ScanData(std::string_view content);

}  // namespace oracle

#endif  // SMTP_FUZZ_ORACLE_ORACLE_H_
