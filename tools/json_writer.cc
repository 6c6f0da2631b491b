#include "json_writer.h"

#include <cassert>
#include <charconv>

namespace tools {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendUnicodeEscape(unsigned char c, std::string* out) {
  const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
  out->append(escape, sizeof(escape));
}

// Length of the well-formed UTF-8 sequence starting at text[i] (RFC 3629
// table 3-7), or 0 when text[i] does not start one.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  const std::size_t left = text.size() - i;
  const auto cont = [&](std::size_t k, unsigned char lo, unsigned char hi) {
    return byte(i + k) >= lo && byte(i + k) <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    return left >= 2 && cont(1, 0x80, 0xbf) ? 2 : 0;
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    if (left < 3) return 0;
    const unsigned char lo = b0 == 0xe0 ? 0xa0 : 0x80;  // no overlong forms
    const unsigned char hi = b0 == 0xed ? 0x9f : 0xbf;  // no surrogates
    return cont(1, lo, hi) && cont(2, 0x80, 0xbf) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    if (left < 4) return 0;
    const unsigned char lo = b0 == 0xf0 ? 0x90 : 0x80;  // no overlong forms
    const unsigned char hi = b0 == 0xf4 ? 0x8f : 0xbf;  // nothing above U+10FFFF
    return cont(1, lo, hi) && cont(2, 0x80, 0xbf) && cont(3, 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  std::size_t i = 0;
  while (i < text.size()) {
    // Copy the longest run of octets that need no escape in one go.
    std::size_t run = i;
    while (run < text.size()) {
      const auto c = static_cast<unsigned char>(text[run]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) break;
      ++run;
    }
    out->append(text.data() + i, run - i);
    i = run;
    if (i == text.size()) break;

    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t n = Utf8SequenceLength(text, i);
      if (n != 0) {
        out->append(text.data() + i, n);
        i += n;
      } else {
        AppendUnicodeEscape(c, out);  // an invalid octet: its Latin-1 code point
        ++i;
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        AppendUnicodeEscape(c, out);  // other controls and DEL
        break;
    }
    ++i;
  }
  out->push_back('"');
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ > 0) {
    if (has_item_[depth_ - 1]) out_->push_back(',');
    has_item_[depth_ - 1] = true;
  }
}

void JsonWriter::Open(char c) {
  BeforeValue();
  assert(depth_ < kMaxDepth);
  out_->push_back(c);
  has_item_[depth_] = false;
  ++depth_;
}

void JsonWriter::Close(char c) {
  assert(depth_ > 0 && !after_key_);
  --depth_;
  out_->push_back(c);
}

void JsonWriter::Key(std::string_view name) {
  assert(depth_ > 0 && !after_key_);
  if (has_item_[depth_ - 1]) out_->push_back(',');
  has_item_[depth_ - 1] = true;
  AppendJsonString(name, out_);
  out_->push_back(':');
  after_key_ = true;
}

void JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendJsonString(value, out_);
}

void JsonWriter::Uint(std::uint64_t value) {
  BeforeValue();
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out_->append(buffer, result.ptr);
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  out_->append(value ? "true" : "false");
}

void JsonWriter::Null() {
  BeforeValue();
  out_->append("null");
}

}  // namespace tools
