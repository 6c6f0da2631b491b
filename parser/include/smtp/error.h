// smtp/error.h: the one error enum of the library, its stable names and
// messages, and the conversion to absl::Status.
//
// Every failed parse reports an ErrorCode plus the byte offset where the
// violation was detected. The numeric values are part of the ABI and of the
// JSON output contract: they never change, new codes are only appended.
#ifndef SMTP_ERROR_H_
#define SMTP_ERROR_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"

namespace smtp {

enum class ErrorCode : std::uint8_t {
  kOk = 0,
  kIncomplete = 1,          // input ended inside a record
  kLineTooLong = 2,         // a line is longer than its limit
  kBareLf = 3,              // LF not preceded by CR
  kBareCr = 4,              // CR not followed by LF
  kBadChar = 5,             // NUL, control, 8-bit without utf8, malformed UTF-8
  kUnknownCommand = 6,      // verb is not one the grammar knows
  kSyntax = 7,              // any other grammar violation
  kBadDomain = 8,           // Domain rule violated
  kBadAddressLiteral = 9,   // address-literal rule violated
  kBadPath = 10,            // Path / Mailbox / Local-part rule violated
  kBadParam = 11,           // ESMTP parameter rule violated
  kBadReplyCode = 12,       // not %x32-35 %x30-35 %x30-39
  kBadSeparator = 13,       // octet after the code is not SP, '-' or line end
  kCodeMismatch = 14,       // continuation line with another code
  kTooManyLines = 15,       // reply longer than max_reply_lines
  kBadKeyword = 16,         // EHLO keyword line violated
  kBadBase64 = 17,          // SASL response is not base64
  kStarttlsInjection = 18,  // plaintext pipelined behind STARTTLS
};

// The highest value in use; for tables and fuzzers.
inline constexpr ErrorCode kLastErrorCode = ErrorCode::kStarttlsInjection;

// The SPEC's snake_case name ("bad_domain"); "ok" for kOk, "unknown" for a
// value outside the enum.
[[nodiscard]] std::string_view ErrorName(ErrorCode code) noexcept;

// A sentence for people, e.g. "the domain is not valid".
[[nodiscard]] std::string_view ErrorMessage(ErrorCode code) noexcept;

// An error and where it was detected. `offset` is relative to the input of
// the call that reported it: the line for one-line parsers, the whole stream
// for stream parsers.
struct Error {
  ErrorCode code = ErrorCode::kOk;
  std::uint64_t offset = 0;

  [[nodiscard]] bool ok() const noexcept { return code == ErrorCode::kOk; }
  // Field by field, not `= default`: docs/fuzzing.md, Coverage.
  friend constexpr bool operator==(const Error& a, const Error& b) noexcept {
    return a.code == b.code && a.offset == b.offset;
  }
};

// absl::Status for callers who live in Abseil: kIncomplete maps to
// OutOfRange (more input may fix it), kLineTooLong and kTooManyLines to
// ResourceExhausted, every other code to InvalidArgument. The message holds
// the code's name, the offset and the sentence. kOk maps to OkStatus().
[[nodiscard]] absl::Status ToStatus(const Error& error);

}  // namespace smtp

#endif  // SMTP_ERROR_H_
