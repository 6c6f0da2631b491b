#include "smtp/error.h"

#include <string>

namespace smtp {
namespace {

struct ErrorInfo {
  std::string_view name;
  std::string_view message;
};

// Indexed by the enum's value; the order is the ABI.
constexpr ErrorInfo kErrors[] = {
    {"ok", "no error"},
    {"incomplete", "the input ended in the middle of a record"},
    {"line_too_long", "the line is longer than its limit"},
    {"bare_lf", "a line ends in LF without CR"},
    {"bare_cr", "a CR is not followed by LF"},
    {"bad_char", "an octet is not allowed here (NUL, control, 8-bit or malformed UTF-8)"},
    {"unknown_command", "the command verb is not recognized"},
    {"syntax", "the line does not match the command or reply grammar"},
    {"bad_domain", "the domain is not valid"},
    {"bad_address_literal", "the address literal is not valid"},
    {"bad_path", "the path or mailbox is not valid"},
    {"bad_param", "an ESMTP parameter is not valid"},
    {"bad_reply_code", "the reply code is not valid"},
    {"bad_separator", "the reply code is not followed by SP, '-' or the line end"},
    {"code_mismatch", "a line of a multi-line reply has another reply code"},
    {"too_many_lines", "the reply has more lines than its limit"},
    {"bad_keyword", "an EHLO keyword line is not valid"},
    {"bad_base64", "the SASL response is not base64"},
    {"starttls_injection", "plaintext follows STARTTLS where the TLS handshake should begin"},
};
static_assert(std::size(kErrors) == static_cast<std::size_t>(kLastErrorCode) + 1);

}  // namespace

std::string_view ErrorName(ErrorCode code) noexcept {
  const auto i = static_cast<std::size_t>(code);
  return i < std::size(kErrors) ? kErrors[i].name : "unknown";
}

std::string_view ErrorMessage(ErrorCode code) noexcept {
  const auto i = static_cast<std::size_t>(code);
  return i < std::size(kErrors) ? kErrors[i].message : "unknown error";
}

absl::Status ToStatus(const Error& error) {
  if (error.ok()) return absl::OkStatus();
  // Debian's Abseil has its own string_view type: build the text in std.
  std::string text(ErrorName(error.code));
  text += " at offset ";
  text += std::to_string(error.offset);
  text += ": ";
  text += ErrorMessage(error.code);
  const absl::string_view message(text.data(), text.size());
  switch (error.code) {
    case ErrorCode::kIncomplete:
      return absl::OutOfRangeError(message);
    case ErrorCode::kLineTooLong:
    case ErrorCode::kTooManyLines:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::InvalidArgumentError(message);
  }
}

}  // namespace smtp
