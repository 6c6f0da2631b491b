// Tests for smtp/error.h: stable codes, names, messages and absl::Status.
#include "smtp/error.h"

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace smtp {
namespace {

struct NameRow {
  ErrorCode code;
  int value;
  std::string_view name;
};

// SPEC section 4: the error codes of the JSON output; values are ABI.
constexpr NameRow kNames[] = {
    {ErrorCode::kOk, 0, "ok"},
    {ErrorCode::kIncomplete, 1, "incomplete"},
    {ErrorCode::kLineTooLong, 2, "line_too_long"},
    {ErrorCode::kBareLf, 3, "bare_lf"},
    {ErrorCode::kBareCr, 4, "bare_cr"},
    {ErrorCode::kBadChar, 5, "bad_char"},
    {ErrorCode::kUnknownCommand, 6, "unknown_command"},
    {ErrorCode::kSyntax, 7, "syntax"},
    {ErrorCode::kBadDomain, 8, "bad_domain"},
    {ErrorCode::kBadAddressLiteral, 9, "bad_address_literal"},
    {ErrorCode::kBadPath, 10, "bad_path"},
    {ErrorCode::kBadParam, 11, "bad_param"},
    {ErrorCode::kBadReplyCode, 12, "bad_reply_code"},
    {ErrorCode::kBadSeparator, 13, "bad_separator"},
    {ErrorCode::kCodeMismatch, 14, "code_mismatch"},
    {ErrorCode::kTooManyLines, 15, "too_many_lines"},
    {ErrorCode::kBadKeyword, 16, "bad_keyword"},
    {ErrorCode::kBadBase64, 17, "bad_base64"},
    {ErrorCode::kStarttlsInjection, 18, "starttls_injection"},
};

TEST(ErrorNameTest, EveryCodeHasItsSpecNameAndFixedValue) {
  for (const NameRow& row : kNames) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(static_cast<int>(row.code), row.value);
    EXPECT_EQ(ErrorName(row.code), row.name);
  }
  EXPECT_EQ(static_cast<int>(kLastErrorCode), 18);
}

TEST(ErrorNameTest, ValuesOutsideTheEnumAreUnknown) {
  EXPECT_EQ(ErrorName(static_cast<ErrorCode>(19)), "unknown");
  EXPECT_EQ(ErrorName(static_cast<ErrorCode>(255)), "unknown");
  EXPECT_EQ(ErrorMessage(static_cast<ErrorCode>(19)), "unknown error");
  EXPECT_EQ(ErrorMessage(static_cast<ErrorCode>(255)), "unknown error");
}

TEST(ErrorMessageTest, EveryErrorHasItsOwnSentence) {
  std::set<std::string> seen;
  for (const NameRow& row : kNames) {
    if (row.code == ErrorCode::kOk) continue;
    SCOPED_TRACE(row.name);
    const std::string message(ErrorMessage(row.code));
    EXPECT_FALSE(message.empty());
    EXPECT_TRUE(seen.insert(message).second) << "duplicate message: " << message;
  }
}

TEST(ErrorTest, DefaultIsOkAndEqualityComparesCodeAndOffset) {
  const Error none;
  EXPECT_TRUE(none.ok());
  EXPECT_EQ(none.offset, 0u);
  const Error a{ErrorCode::kSyntax, 4};
  EXPECT_FALSE(a.ok());
  EXPECT_EQ(a, (Error{ErrorCode::kSyntax, 4}));
  EXPECT_NE(a, (Error{ErrorCode::kSyntax, 5}));
  EXPECT_NE(a, (Error{ErrorCode::kBadPath, 4}));
}

TEST(ToStatusTest, OkIsOkStatus) {
  EXPECT_TRUE(ToStatus(Error{}).ok());
}

TEST(ToStatusTest, CodesMapToTheDocumentedStatusCodes) {
  for (const NameRow& row : kNames) {
    if (row.code == ErrorCode::kOk) continue;
    SCOPED_TRACE(row.name);
    const Error error{row.code, 1234567};
    const absl::Status status = ToStatus(error);
    absl::StatusCode expected = absl::StatusCode::kInvalidArgument;
    if (row.code == ErrorCode::kIncomplete) expected = absl::StatusCode::kOutOfRange;
    if (row.code == ErrorCode::kLineTooLong || row.code == ErrorCode::kTooManyLines) {
      expected = absl::StatusCode::kResourceExhausted;
    }
    EXPECT_EQ(status.code(), expected);
    const std::string message(status.message());
    EXPECT_NE(message.find(row.name), std::string::npos) << message;
    EXPECT_NE(message.find("1234567"), std::string::npos) << message;
    EXPECT_NE(message.find(ErrorMessage(row.code)), std::string::npos) << message;
  }
}

// operator== compares the code and the offset.
TEST(ErrorEqualityTest, CodeAndOffsetCount) {
  const Error base{ErrorCode::kSyntax, 3};
  EXPECT_TRUE(base == (Error{ErrorCode::kSyntax, 3}));
  EXPECT_FALSE(base == (Error{ErrorCode::kBadDomain, 3}));
  EXPECT_FALSE(base == (Error{ErrorCode::kSyntax, 4}));
}

}  // namespace
}  // namespace smtp
