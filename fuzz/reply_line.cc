// fuzz/reply_line.cc: ParseReplyLine and ParseReply under every policy x utf8.
//
// Properties: offsets inside the input; codes in [200, 559] with the digit
// ranges of Reply-code; text views inside the input; a one-line reply reads
// the same through ParseReplyLine and ParseReply; ParseReply's line count
// and enhanced code are consistent; strict-accepted replies format and parse
// back to the same value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "smtp/format.h"
#include "smtp/options.h"
#include "smtp/reply.h"

namespace {

using smtp_fuzz::ErrorString;
using smtp_fuzz::Escape;
using smtp_fuzz::Inside;

bool CodeInRange(std::uint16_t code) {
  return code >= 200 && code <= 559 && (code / 10) % 10 <= 5;
}

void CheckReply(const smtp::ReplyResult& r, std::string_view in, const smtp::Options& options) {
  FUZZ_CHECK(static_cast<int>(r.error.code) <= static_cast<int>(smtp::kLastErrorCode), "range");
  if (!r.ok()) {
    FUZZ_CHECK(r.error.offset <= in.size(), "ParseReply error offset past the input");
    return;
  }
  FUZZ_CHECK(options.lenient() || r.deviations.empty(), "deviations in strict");
  FUZZ_CHECK(CodeInRange(r.reply.code), "code %u", r.reply.code);
  std::size_t n = 0;
  for (std::string_view text : r.reply.lines) {
    FUZZ_CHECK(Inside(text, in), "line text outside the input");
    FUZZ_CHECK(
        text.find('\r') == std::string_view::npos && text.find('\n') == std::string_view::npos,
        "line end inside a text");
    ++n;
  }
  FUZZ_CHECK(n == r.reply.lines.size() && n >= 1 && n <= options.max_reply_lines,
             "line count %zu vs size %zu", n, r.reply.lines.size());
  FUZZ_CHECK(Inside(r.reply.lines.raw(), in), "raw outside the input");
  if (r.reply.has_enhanced) {
    const smtp::EnhancedCode& e = r.reply.enhanced;
    FUZZ_CHECK(e.klass == r.reply.code / 100 && (e.klass == 2 || e.klass == 4 || e.klass == 5),
               "enhanced class %u for code %u", e.klass, r.reply.code);
    FUZZ_CHECK(e.subject <= 999 && e.detail <= 999, "enhanced numbers out of range");
    FUZZ_CHECK(Inside(e.text, in) && !e.text.empty(), "enhanced text");
    const std::string_view first = *r.reply.lines.begin();
    FUZZ_CHECK(first.substr(0, e.text.size()) == e.text, "enhanced text is not the text's start");
  }
  if (!options.lenient()) {
    std::string out;
    const smtp::Error fe = smtp::FormatReply(r.reply, options, &out);
    FUZZ_CHECK(fe.ok(), "format refused a strict-accepted reply: %s for '%s'",
               ErrorString(fe).c_str(), Escape(in).c_str());
    const smtp::ReplyResult again = smtp::ParseReply(out, options);
    FUZZ_CHECK(again.ok() && again.reply == r.reply, "reply round trip: '%s' -> '%s' (%s)",
               Escape(in).c_str(), Escape(out).c_str(), ErrorString(again.error).c_str());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  for (int variant = 0; variant < 4; ++variant) {
    const smtp::Options options = smtp_fuzz::MakeOptions(variant & 1, variant & 2);
    const smtp::ReplyLineResult line = smtp::ParseReplyLine(in, options);
    FUZZ_CHECK(static_cast<int>(line.error.code) <= static_cast<int>(smtp::kLastErrorCode),
               "range");
    if (!line.ok()) {
      FUZZ_CHECK(line.error.offset <= size, "ParseReplyLine error offset past the input");
    } else {
      FUZZ_CHECK(CodeInRange(line.line.code), "code %u", line.line.code);
      FUZZ_CHECK(Inside(line.line.text, in), "text outside the input");
      FUZZ_CHECK(options.lenient() || line.deviations.empty(), "deviations in strict");
    }
    const smtp::ReplyResult reply = smtp::ParseReply(in, options);
    CheckReply(reply, in, options);
    // A single line that ends the reply reads the same both ways.
    if (line.ok() && !line.line.continued) {
      FUZZ_CHECK(reply.ok(), "ParseReplyLine accepts a final line ParseReply rejects (%s): '%s'",
                 ErrorString(reply.error).c_str(), Escape(in).c_str());
      FUZZ_CHECK(reply.reply.code == line.line.code && reply.reply.lines.size() == 1 &&
                     *reply.reply.lines.begin() == line.line.text &&
                     reply.deviations == line.deviations,
                 "ParseReplyLine and ParseReply disagree on '%s'", Escape(in).c_str());
    }
    if (line.ok() && line.line.continued) {
      FUZZ_CHECK(!reply.ok() && reply.error.code == smtp::ErrorCode::kIncomplete,
                 "a lone continuation line is not incomplete: %s",
                 ErrorString(reply.error).c_str());
    }
    if (!line.ok() && line.error.code != smtp::ErrorCode::kSyntax) {
      // Errors inside the first line are the same for the whole reply
      // (syntax may also be "bytes after the line", which ParseReply reads on).
      if (line.error.code != smtp::ErrorCode::kIncomplete) {
        FUZZ_CHECK(!reply.ok() && reply.error == line.error,
                   "first-line error %s but ParseReply says %s on '%s'",
                   ErrorString(line.error).c_str(), ErrorString(reply.error).c_str(),
                   Escape(in).c_str());
      }
    }
  }
  return 0;
}
