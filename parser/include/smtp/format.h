// smtp/format.h: writes commands and replies for an embedding client or
// server to send. The formatter refuses anything the strict grammar rejects
// (CR, LF or NUL in a field included), so what it writes always parses back
// to the same value: ParseCommand(FormatCommand(c)) == c.
#ifndef SMTP_FORMAT_H_
#define SMTP_FORMAT_H_

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "smtp/command.h"
#include "smtp/ehlo.h"
#include "smtp/error.h"
#include "smtp/options.h"
#include "smtp/reply.h"

namespace smtp {

// Appends `command` as one CRLF-terminated line to `out`. On error `out` is
// unchanged and the Error's offset points into the line that was refused.
// `options` gives utf8 and the limits; the policy is always strict.
[[nodiscard]] Error FormatCommand(const Command& command, const Options& options, std::string* out);

// Appends a reply with `code` and one line per element of `lines` (at least
// one), continuation markers on all but the last.
[[nodiscard]] Error FormatReply(std::uint16_t code, std::span<const std::string_view> lines,
                                const Options& options, std::string* out);
[[nodiscard]] Error FormatReply(std::uint16_t code, std::initializer_list<std::string_view> lines,
                                const Options& options, std::string* out);

// Appends `reply` (a parsed Reply) again.
[[nodiscard]] Error FormatReply(const Reply& reply, const Options& options, std::string* out);

// An EHLO reply: "250-domain greeting", then one line per capability
// ("KEYWORD param param").
[[nodiscard]] Error FormatEhloReply(std::string_view domain, std::string_view greeting,
                                    std::span<const std::string_view> capability_lines,
                                    const Options& options, std::string* out);

}  // namespace smtp

#endif  // SMTP_FORMAT_H_
