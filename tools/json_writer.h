// tools/json_writer.h: a small streaming JSON writer for smtp-parse.
//
// It appends to a caller-owned std::string and puts commas itself. Strings
// are escaped so that the output is valid JSON (and valid UTF-8) for ANY
// input bytes:
//   - `"` and `\` are escaped, \n \r \t \b \f use their short forms, every
//     other control octet (0x00-0x1f) and DEL (0x7f) is written as \u00XX;
//   - well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
//     above U+10FFFF) passes through unchanged;
//   - every octet that is not part of a well-formed UTF-8 sequence is written
//     as \u00XX, the code point of its Latin-1 reading (0xff -> "\u00ff").
//     Such a string decodes to U+00XX, not to the original byte: readers who
//     need the exact bytes take them from the input at the record's offset.
//
//   std::string out;
//   tools::JsonWriter w(&out);
//   w.BeginObject();
//   w.Key("ok");
//   w.Bool(true);
//   w.EndObject();  // out == R"({"ok":true})"
#ifndef SMTP_TOOLS_JSON_WRITER_H_
#define SMTP_TOOLS_JSON_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tools {

// Appends `text` to `out` as a JSON string literal, quotes included.
void AppendJsonString(std::string_view text, std::string* out);

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }

  // Inside an object: the member name; the value call follows.
  void Key(std::string_view name);

  void String(std::string_view value);
  void Uint(std::uint64_t value);
  void Bool(bool value);
  void Null();

  // Depth of open objects and arrays; 0 when a value is complete.
  [[nodiscard]] int depth() const noexcept { return depth_; }

 private:
  static constexpr int kMaxDepth = 16;

  void BeforeValue();
  void Open(char c);
  void Close(char c);

  std::string* out_;
  int depth_ = 0;
  // Per level: whether a member or element was already written there.
  bool has_item_[kMaxDepth] = {};
  bool after_key_ = false;
};

}  // namespace tools

#endif  // SMTP_TOOLS_JSON_WRITER_H_
