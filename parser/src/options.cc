#include "smtp/options.h"

namespace smtp {

std::string_view DeviationName(Deviation deviation) noexcept {
  switch (deviation) {
    case Deviation::kBareLf:
      return "bare_lf";
    case Deviation::kBareCr:
      return "bare_cr";
    case Deviation::kExtraSpace:
      return "extra_space";
    case Deviation::kTrailingSpace:
      return "trailing_space";
    case Deviation::kSpaceAfterColon:
      return "space_after_colon";
    case Deviation::kHeloAddressLiteral:
      return "helo_address_literal";
    case Deviation::kEmptyReplyText:
      return "empty_reply_text";
    case Deviation::kOldAuthSyntax:
      return "old_auth_syntax";
    case Deviation::kNumericDomain:
      return "numeric_domain";
    case Deviation::kUnregisteredLiteralTag:
      return "unregistered_literal_tag";
    case Deviation::kVrfyMailbox:
      return "vrfy_mailbox";
    case Deviation::kRepeatedParam:
      return "repeated_param";
  }
  return "unknown";
}

}  // namespace smtp
