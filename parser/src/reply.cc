#include "smtp/reply.h"

#include <cstring>

#include "lexer.h"
#include "smtp/line.h"

namespace smtp {
namespace {

// Reply-code = %x32-35 %x30-35 %x30-39
constexpr char kCodeLow[3] = {'2', '0', '0'};
constexpr char kCodeHigh[3] = {'5', '5', '9'};

// Up to 3 digits; returns how many were taken.
std::size_t TakeDigits(std::string_view s, std::size_t pos, std::uint16_t* value) {
  std::size_t n = 0;
  *value = 0;
  while (n < 3 && pos + n < s.size() && internal::Is(s[pos + n], internal::kDigit)) {
    *value = static_cast<std::uint16_t>(*value * 10 + (s[pos + n] - '0'));
    ++n;
  }
  return n;
}

}  // namespace

ReplyLineResult ParseReplyLineContent(std::string_view content, const Options& /*options*/) {
  ReplyLineResult result;
  std::uint16_t code = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    if (i >= content.size() || content[i] < kCodeLow[i] || content[i] > kCodeHigh[i]) {
      result.error = {ErrorCode::kBadReplyCode, i};
      return result;
    }
    code = static_cast<std::uint16_t>(code * 10 + (content[i] - '0'));
  }
  result.line.code = code;
  if (content.size() == 3) return result;
  if (content[3] == '-') {
    result.line.continued = true;
  } else if (content[3] != ' ') {
    result.error = {ErrorCode::kBadSeparator, 3};
    return result;
  }
  // "250 " with no text is valid: RFC 5321 section 4.2 ("optionally some
  // text"), RFC 4954 continue-req ("334" SP [base64]).
  result.line.text = content.substr(4);
  return result;
}

ReplyLineResult ParseReplyLine(std::string_view line, const Options& options) {
  const CheckedLine checked = CheckLine(line, options.max_reply_line, options);
  if (!checked.ok()) {
    ReplyLineResult result;
    result.error = checked.error;
    return result;
  }
  ReplyLineResult result = ParseReplyLineContent(checked.content, options);
  result.deviations.Add(checked.deviations);
  return result;
}

bool ParseEnhancedCode(std::uint16_t code, std::string_view text, EnhancedCode* out) noexcept {
  const char klass = static_cast<char>('0' + code / 100);
  if (text.size() < 5 || text[0] != klass || (klass != '2' && klass != '4' && klass != '5') ||
      text[1] != '.') {
    return false;
  }
  EnhancedCode e;
  e.klass = static_cast<std::uint8_t>(klass - '0');
  std::size_t pos = 2;
  const std::size_t subject_digits = TakeDigits(text, pos, &e.subject);
  if (subject_digits == 0) return false;
  pos += subject_digits;
  if (pos >= text.size() || text[pos] != '.') return false;
  ++pos;
  const std::size_t detail_digits = TakeDigits(text, pos, &e.detail);
  if (detail_digits == 0) return false;
  pos += detail_digits;
  if (pos < text.size() && text[pos] != ' ') return false;
  e.text = text.substr(0, pos);
  *out = e;
  return true;
}

void ReplyLines::Iterator::Load() {
  if (rest_.empty()) {
    done_ = true;
    return;
  }
  done_ = false;
  const void* found = std::memchr(rest_.data(), '\n', rest_.size());
  const std::size_t lf =
      found != nullptr ? static_cast<std::size_t>(static_cast<const char*>(found) - rest_.data())
                       : rest_.size();
  std::string_view content = rest_.substr(0, lf);
  if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
  text_ = content.size() > 4 ? content.substr(4) : std::string_view();
  rest_.remove_prefix(lf < rest_.size() ? lf + 1 : lf);
}

bool operator==(const Reply& a, const Reply& b) {
  if (a.code != b.code || a.has_enhanced != b.has_enhanced || a.lines.size() != b.lines.size()) {
    return false;
  }
  if (a.has_enhanced && !(a.enhanced == b.enhanced)) return false;
  auto i = a.lines.begin();
  auto j = b.lines.begin();
  for (; i != a.lines.end() && j != b.lines.end(); ++i, ++j) {
    if (*i != *j) return false;
  }
  return i == a.lines.end() && j == b.lines.end();
}

ReplyAssembler::Step ReplyAssembler::AddLine(std::string_view content, std::uint64_t line_offset) {
  if (lines_ >= options_->max_reply_lines) {
    return Fail(Error{ErrorCode::kTooManyLines, line_offset});
  }
  if (lines_ > 0 && content.size() >= 3 && content[0] == code_text_[0] &&
      content[1] == code_text_[1] && content[2] == code_text_[2] &&
      (content.size() == 3 || content[3] == ' ' || content[3] == '-')) {
    // The common case: the reply's code and a separator (or nothing), all
    // that ParseReplyLineContent would check of a line whose code is known.
    ++lines_;
    return content.size() > 3 && content[3] == '-' ? Step::kMore : Step::kDone;
  }
  if (lines_ > 0) {
    // The code octet by octet: the first that differs from the reply's code
    // is a mismatch (reported at the line start, before anything later on
    // the line) when it is a valid Reply-code digit there, else the line's
    // own bad_reply_code below.
    for (std::size_t i = 0; i < 3 && i < content.size(); ++i) {
      if (content[i] == code_text_[i]) continue;
      if (content[i] >= kCodeLow[i] && content[i] <= kCodeHigh[i]) {
        return Fail(Error{ErrorCode::kCodeMismatch, line_offset});
      }
      break;
    }
  }
  const ReplyLineResult line = ParseReplyLineContent(content, *options_);
  if (!line.ok()) {
    return Fail(Error{line.error.code, line_offset + line.error.offset});
  }
  // Only a first line gets here ok: a later one with the reply's code and a
  // separator took the fast path above, any other failed.
  code_ = line.line.code;
  content.copy(code_text_, 3);
  deviations_.Add(line.deviations);
  ++lines_;
  return line.line.continued ? Step::kMore : Step::kDone;
}

ReplyAssembler::Step ReplyAssembler::AddFramedLine(std::string_view line,
                                                   std::uint64_t line_offset) {
  return AddCheckedLine(CheckLine(line, options_->max_reply_line, *options_), line_offset);
}

ReplyAssembler::Step ReplyAssembler::AddCheckedLine(const CheckedLine& checked,
                                                    std::uint64_t line_offset) {
  deviations_.Add(checked.deviations);  // a bare LF read before a bad octet counts too
  if (!checked.ok()) return Fail(Error{checked.error.code, line_offset + checked.error.offset});
  return AddLine(checked.content, line_offset);
}

void ReplyAssembler::Reset() noexcept {
  error_ = Error{};
  deviations_ = Deviations{};
  code_ = 0;
  lines_ = 0;
}

Reply ReplyFromValidated(std::string_view raw, std::uint16_t code, std::size_t lines) {
  Reply reply;
  reply.code = code;
  reply.lines = ReplyLines(raw, lines);
  reply.has_enhanced = ParseEnhancedCode(code, *reply.lines.begin(), &reply.enhanced);
  return reply;
}

ReplyResult ParseReply(std::string_view text, const Options& options) {
  ReplyResult result;
  ReplyAssembler assembler(options);
  std::size_t pos = 0;
  while (pos < text.size()) {
    const void* found = std::memchr(text.data() + pos, '\n', text.size() - pos);
    const std::size_t end =
        found != nullptr
            ? static_cast<std::size_t>(static_cast<const char*>(found) - text.data()) + 1
            : text.size();
    const ReplyAssembler::Step step = assembler.AddFramedLine(text.substr(pos, end - pos), pos);
    pos = end;
    if (step == ReplyAssembler::Step::kFailed) {
      result.error = assembler.error();
      result.deviations = assembler.deviations();  // used before the error
      return result;
    }
    if (step == ReplyAssembler::Step::kDone) {
      if (pos < text.size()) {
        result.error = Error{ErrorCode::kSyntax, pos};
        return result;
      }
      result.deviations = assembler.deviations();
      result.reply = ReplyFromValidated(text, assembler.code(), assembler.line_count());
      return result;
    }
  }
  result.error = Error{ErrorCode::kIncomplete, text.size()};
  return result;
}

}  // namespace smtp
