#include "smtp/line.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "lexer.h"

namespace smtp {
namespace {

// The length of the leading run of textstring octets (HT, %d32-126) in
// [p, p + n): 16 at a time with SSE2, then one at a time.
std::size_t TextPrefixLength(const char* p, std::size_t n) noexcept {
  std::size_t i = 0;
#if defined(__SSE2__)
  // As signed octets, %d32-126 and DEL are those > 31; 8-bit ones are < 0.
  const __m128i space_minus_one = _mm_set1_epi8(31);
  const __m128i del = _mm_set1_epi8(127);
  const __m128i tab = _mm_set1_epi8('\t');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i printable =
        _mm_andnot_si128(_mm_cmpeq_epi8(v, del), _mm_cmpgt_epi8(v, space_minus_one));
    const __m128i text = _mm_or_si128(printable, _mm_cmpeq_epi8(v, tab));
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(text)) ^ 0xFFFFu;
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < n && internal::Is(static_cast<unsigned char>(p[i]), internal::kText))
    ++i;
  return i;
}

}  // namespace

Error ScanOctets(std::string_view content, bool utf8) noexcept {
  const std::size_t n = content.size();
  std::size_t i = 0;
  while (i < n) {
    i += TextPrefixLength(content.data() + i, n - i);
    if (i == n) break;
    const unsigned char c = content[i];  // not text
    if (c == '\r') return Error{ErrorCode::kBareCr, i};
    if (c < 0x80 || !utf8) return Error{ErrorCode::kBadChar, i};
    const std::size_t length = internal::Utf8SequenceLength(content, i);
    if (length == 0) return Error{ErrorCode::kBadChar, i};
    i += length;
  }
  return {};
}

CheckedLine CheckLine(std::string_view line, std::size_t limit, const Options& options) noexcept {
  CheckedLine result;
  // Fast path, the common case: text octets, then CRLF, within the limit.
  // Everything before the CR is text, so it holds no LF, CR or bad octet:
  // every check below would pass.
  const std::size_t size = line.size();
  if (size >= 2 && size <= limit && line[size - 1] == '\n' &&
      TextPrefixLength(line.data(), size) == size - 2 && line[size - 2] == '\r') {
    result.content = line.substr(0, size - 2);
    return result;
  }
  const void* found = std::memchr(line.data(), '\n', line.size());
  if (found == nullptr) {
    result.error = {ErrorCode::kIncomplete, line.size()};
    return result;
  }
  const auto lf = static_cast<std::size_t>(static_cast<const char*>(found) - line.data());
  if (lf + 1 != line.size()) {
    result.error = {ErrorCode::kSyntax, lf + 1};
    return result;
  }
  if (line.size() > limit) {
    result.error = {ErrorCode::kLineTooLong, limit};
    return result;
  }
  if (lf > 0 && line[lf - 1] == '\r') {
    result.content = line.substr(0, lf - 1);
    result.end = LineEnd::kCrlf;
  } else {
    if (!options.lenient()) {
      result.error = {ErrorCode::kBareLf, lf};
      return result;
    }
    result.deviations.Add(Deviation::kBareLf);
    result.content = line.substr(0, lf);
    result.end = LineEnd::kBareLf;
  }
  result.error = ScanOctets(result.content, options.utf8);
  return result;
}

std::size_t LineFramer::TextRunLength(const char* p, std::size_t n) noexcept {
  return TextPrefixLength(p, n);
}

LineFramer::Event LineFramer::NextInGeneral(std::string_view chunk, std::uint64_t chunk_offset,
                                            std::size_t* pos, std::size_t text) {
  if (release_buffer_) {
    buffer_.clear();
    release_buffer_ = false;
  }
  Event event;
  if (*pos >= chunk.size()) return event;
  const char* start = chunk.data() + *pos;
  const std::size_t available = chunk.size() - *pos;
  if (partial_length_ == 0) line_start_ = chunk_offset + *pos;
  // The `text` octets Next swept hold no LF (a clean line never gets here).
  const void* found = std::memchr(start + text, '\n', available - text);
  const std::size_t take =
      found != nullptr ? static_cast<std::size_t>(static_cast<const char*>(found) - start) + 1
                       : available;
  *pos += take;
  const std::uint64_t length = partial_length_ + take;

  // Keep at most max_line_ octets of the line: all of it while it fits, its
  // head once it does not (the caller may need to see how it began).
  const bool kept_in_place = partial_length_ == 0 && found != nullptr;
  if (!kept_in_place && buffer_.size() < max_line_) {
    const std::size_t room = max_line_ - buffer_.size();
    buffer_.append(start, take < room ? take : room);
  }
  if (found == nullptr) {
    partial_length_ = length;
    return event;
  }
  event.start = line_start_;
  event.length = length;
  event.kind = length > max_line_ ? Kind::kOverlong : Kind::kLine;
  if (kept_in_place) {
    event.line = std::string_view(start, take < max_line_ ? take : max_line_);
  } else {
    event.line = buffer_;
    release_buffer_ = true;
  }
  partial_length_ = 0;
  return event;
}

void LineFramer::Reset() noexcept {
  buffer_.clear();
  release_buffer_ = false;
  line_start_ = 0;
  partial_length_ = 0;
}

}  // namespace smtp
