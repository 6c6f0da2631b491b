#include "smtp/ehlo.h"

#include <algorithm>
#include <cstring>

#include "lexer.h"

namespace smtp {
namespace {

using internal::EqualsIgnoreCase;

// Splits a capability line's text into keyword and parameter text. An
// old-style "AUTH=LOGIN PLAIN" line yields AUTH with "LOGIN PLAIN".
Capability SplitCapability(std::string_view text) {
  text = internal::StripTrailingSpace(text);
  std::size_t end = 0;
  while (end < text.size() && text[end] != ' ' && text[end] != '=')
    ++end;
  Capability capability;
  capability.keyword = text.substr(0, end);
  capability.params =
      CapabilityParams(end < text.size() ? text.substr(end + 1) : std::string_view());
  return capability;
}

// The line rules; `deviations`, `domain` and `greeting` receive what the
// lines use and hold.
class EhloChecker {
 public:
  EhloChecker(const Options& options, Deviations* deviations, std::string_view* domain,
              std::string_view* greeting)
      : options_(options), deviations_(deviations), domain_(domain), greeting_(greeting) {}

  // `text` is the first line's text, starting at `offset`.
  Error CheckFirstLine(std::string_view text, std::uint64_t offset) {
    const std::size_t end = internal::FindSpaceOrTab(text, 0);
    const std::string_view domain = text.substr(0, end);
    // RFC 6531 section 3.7.1: the domain in the EHLO response is LDH labels
    // or A-labels, also with SMTPUTF8.
    const internal::HostRules rules{/*utf8=*/false, options_.lenient(), deviations_};
    if (Error e = internal::CheckDomain(domain, rules); !e.ok()) {
      return Error{ErrorCode::kBadDomain, offset + e.offset};
    }
    *domain_ = domain;
    if (end == text.size()) return {};
    // Domain SP ehlo-greet, ehlo-greet = 1*(%d0-9 / %d11-12 / %d14-127):
    // a greeting of white space only is still a greeting (RFC 5321 4.1.1.1).
    if (text[end] == ' ' && end + 1 < text.size()) {
      *greeting_ = text.substr(end + 1);
      return {};
    }
    // Only white space after the domain, with no greeting after a SP:
    // trailing, and the greeting is absent.
    if (internal::StripTrailingSpace(text).size() == end) {
      if (!options_.lenient()) {
        // A SP could still begin a greeting: the line end fails. An HT
        // cannot follow the domain.
        return Error{ErrorCode::kSyntax, offset + (text[end] == ' ' ? text.size() : end)};
      }
      deviations_->Add(Deviation::kTrailingSpace);
      return {};
    }
    // What is left is an HT after the domain with more after it (a SP with
    // more after it began a greeting above): the separator must be one SP.
    return Error{ErrorCode::kSyntax, offset + end};
  }

  // ehlo-line = ehlo-keyword *( SP ehlo-param )
  Error CheckKeywordLine(std::string_view text, std::uint64_t offset) {
    // Lenient reads trailing white space as part of the line end; strict
    // reads it as content, where the grammar breaks on it ("X " at the line
    // end, since a parameter could follow the SP).
    const std::string_view stripped = internal::StripTrailingSpace(text);
    if (options_.lenient() && stripped.size() < text.size()) {
      deviations_->Add(Deviation::kTrailingSpace);
      text = stripped;
    }
    if (text.empty() || !internal::IsLetDig(text[0])) return Bad(offset);
    std::size_t pos = 1;
    while (pos < text.size() && internal::Is(text[pos], internal::kLdh))
      ++pos;
    if (pos < text.size() && text[pos] == '=' && EqualsIgnoreCase(text.substr(0, pos), "AUTH")) {
      if (!options_.lenient()) return Bad(offset + pos);
      deviations_->Add(Deviation::kOldAuthSyntax);
      ++pos;
      if (pos >= text.size()) return Bad(offset + pos);
      return CheckParams(text, pos, offset);
    }
    if (pos == text.size()) return {};
    if (text[pos] != ' ') return Bad(offset + pos);
    return CheckParams(text, pos + 1, offset);
  }

 private:
  static Error Bad(std::uint64_t at) { return Error{ErrorCode::kBadKeyword, at}; }

  // Params from `pos`, which is just past a separator.
  Error CheckParams(std::string_view text, std::size_t pos, std::uint64_t offset) {
    while (true) {
      if (pos < text.size() && text[pos] == ' ') {
        if (!options_.lenient()) return Bad(offset + pos);
        deviations_->Add(Deviation::kExtraSpace);
        while (pos < text.size() && text[pos] == ' ')
          ++pos;
      }
      const std::size_t start = pos;
      while (pos < text.size() && text[pos] != ' ') {
        if (!internal::Is(text[pos], internal::kPrintable)) return Bad(offset + pos);
        ++pos;
      }
      if (pos == start) return Bad(offset + pos);
      if (pos == text.size()) return {};
      ++pos;  // the SP
    }
  }

  const Options& options_;
  Deviations* deviations_;
  std::string_view* domain_;
  std::string_view* greeting_;
};

}  // namespace

void Capabilities::Iterator::Load() {
  if (it_ == ReplyLines::Iterator()) return;
  current_ = SplitCapability(*it_);
}

Capabilities::Iterator Capabilities::begin() const {
  ReplyLines::Iterator it = lines_.begin();
  if (it != lines_.end()) ++it;
  return Iterator(it);
}

std::optional<Capability> EhloReply::Find(std::string_view keyword) const {
  for (const Capability& capability : capabilities) {
    if (EqualsIgnoreCase(capability.keyword, keyword)) return capability;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> EhloReply::size_limit() const {
  const std::optional<Capability> size = Find("SIZE");
  if (!size.has_value()) return std::nullopt;
  if (size->params.empty()) return 0;
  if (size->params.size() != 1) return std::nullopt;
  const std::string_view digits = *size->params.begin();
  std::uint64_t value = 0;
  if (digits.size() > 20 || !internal::ParseUint64(digits, &value)) return std::nullopt;
  return value;
}

CapabilityParams EhloReply::auth_mechanisms() const {
  const std::optional<Capability> auth = Find("AUTH");
  return auth.has_value() ? auth->params : CapabilityParams();
}

void EhloLineChecker::AddLine(std::string_view text, std::uint64_t text_offset) {
  if (!error_.ok()) return;
  Deviations used = deviations_;
  std::string_view domain, greeting;
  EhloChecker checker(*options_, &used, &domain, &greeting);
  const bool first = first_;
  const Error e = first ? checker.CheckFirstLine(text, text_offset)
                        : checker.CheckKeywordLine(text, text_offset);
  first_ = false;
  if (!e.ok()) {
    // An error lists the deviations of the lines before the failing one.
    error_ = e;
    return;
  }
  deviations_ = used;
  if (first) {
    const auto span = [&](std::string_view v) {
      return Span{text_offset + static_cast<std::uint64_t>(v.data() - text.data()), v.size()};
    };
    domain_ = span(domain);
    if (!greeting.empty()) greeting_ = span(greeting);
  }
}

void EhloLineChecker::Reset() noexcept {
  error_ = Error{};
  deviations_ = Deviations{};
  domain_ = {};
  greeting_ = {};
  first_ = true;
}

EhloResult InterpretEhlo(const Reply& reply, const Options& options) {
  EhloResult result;
  if (reply.code != 250) {
    result.error = Error{ErrorCode::kBadReplyCode, 0};
    return result;
  }
  EhloLineChecker checker(options);
  const std::string_view raw = reply.lines.raw();
  std::size_t pos = 0;
  while (pos < raw.size() && checker.ok()) {
    const void* found = std::memchr(raw.data() + pos, '\n', raw.size() - pos);
    const std::size_t lf =
        found != nullptr ? static_cast<std::size_t>(static_cast<const char*>(found) - raw.data())
                         : raw.size();
    std::string_view content = raw.substr(pos, lf - pos);
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    checker.AddLine(EhloLineText(content), pos + EhloLineTextOffset(content));
    pos = lf + 1;
  }
  return EhloFromChecker(reply, checker);
}

std::string_view EhloLineText(std::string_view content) noexcept {
  return content.size() > 4 ? content.substr(4) : std::string_view();
}

std::size_t EhloLineTextOffset(std::string_view content) noexcept {
  return content.size() > 3 ? 4 : 3;
}

EhloResult EhloFromChecker(const Reply& reply, const EhloLineChecker& checker) {
  EhloResult result;
  result.deviations = checker.deviations();
  if (!checker.ok()) {
    result.error = checker.error();
    return result;
  }
  result.ehlo.reply = reply;
  const std::string_view raw = reply.lines.raw();
  const auto view = [&](EhloLineChecker::Span span) {
    return raw.substr(static_cast<std::size_t>(span.offset), static_cast<std::size_t>(span.size));
  };
  result.ehlo.domain = view(checker.domain());
  if (checker.greeting().size != 0) result.ehlo.greeting = view(checker.greeting());
  result.ehlo.capabilities = Capabilities(reply.lines);
  return result;
}

EhloResult FirstEhloError(std::string_view lines, std::size_t line_count, const Options& options) {
  if (line_count == 0) return {};
  return InterpretEhlo(ReplyFromValidated(lines, 250, line_count), options);
}

EhloResult ParseEhloReply(std::string_view text, const Options& options) {
  const ReplyResult parsed = ParseReply(text, options);
  if (!parsed.ok()) {
    EhloResult result;
    result.error = parsed.error;
    result.deviations = parsed.deviations;
    // An EHLO grammar error on an earlier line comes first (not past the end
    // of input: an unfinished reply is incomplete, whatever it holds).
    if (parsed.error.code != ErrorCode::kIncomplete && text.substr(0, 3) == "250") {
      const std::size_t offset = std::min<std::size_t>(parsed.error.offset, text.size());
      const std::size_t lf = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
      const std::string_view prior = text.substr(0, lf == std::string_view::npos ? 0 : lf + 1);
      const std::size_t count =
          static_cast<std::size_t>(std::count(prior.begin(), prior.end(), '\n'));
      if (const EhloResult earlier = FirstEhloError(prior, count, options); !earlier.ok()) {
        result.error = earlier.error;
        result.deviations.Add(earlier.deviations);
      }
    }
    return result;
  }
  EhloResult result = InterpretEhlo(parsed.reply, options);
  result.deviations.Add(parsed.deviations);
  return result;
}

}  // namespace smtp
