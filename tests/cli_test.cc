// End-to-end tests of smtp-parse (SPEC.md section 4): the JSON fields of
// every record kind, JSON escaping, exit codes, streaming through a live
// pipe, and bounded memory on large inputs. The tool is run as a child
// process; its output is checked with a small strict JSON reader below.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "json_writer.h"
#include "smtp/error.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || \
    __has_feature(thread_sanitizer)
#define SMTP_CLI_TEST_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SMTP_CLI_TEST_SANITIZED 1
#endif
#ifndef SMTP_CLI_TEST_SANITIZED
#define SMTP_CLI_TEST_SANITIZED 0
#endif

namespace {

using std::string_literals::operator""s;

constexpr char kTool[] = SMTP_PARSE_PATH;

// ---------------------------------------------------------------------------
// A strict JSON reader: RFC 8259 values, strings must be valid UTF-8 with no
// raw control characters; numbers are non-negative integers (all the tool
// writes). Returns nullopt on anything else.

struct Json {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::uint64_t number = 0;
  std::string string;  // decoded, UTF-8
  std::vector<Json> array;
  std::vector<std::string> keys;  // object members, in order
  std::vector<Json> values;

  const Json* Find(std::string_view key) const {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) return &values[i];
    }
    return nullptr;
  }
  bool Has(std::string_view key) const { return Find(key) != nullptr; }
  const Json& operator[](std::string_view key) const {
    static const Json* const kMissing = new Json();
    const Json* v = Find(key);
    return v != nullptr ? *v : *kMissing;
  }
  std::vector<std::string> Strings() const {
    std::vector<std::string> out;
    for (const Json& v : array)
      out.push_back(v.string);
    return out;
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  std::optional<Json> ReadDocument() {
    Json value;
    if (!ReadValue(&value, 0)) return std::nullopt;
    SkipSpace();
    if (pos_ != text_.size()) return std::nullopt;
    return value;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool ReadValue(Json* out, int depth) {
    if (depth > 32) return false;
    SkipSpace();
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c == '{') {
      out->type = Json::Type::kObject;
      ++pos_;
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return true;
      }
      for (;;) {
        SkipSpace();
        std::string key;
        if (!ReadString(&key)) return false;
        SkipSpace();
        if (pos_ >= text_.size() || text_[pos_] != ':') return false;
        ++pos_;
        Json value;
        if (!ReadValue(&value, depth + 1)) return false;
        out->keys.push_back(std::move(key));
        out->values.push_back(std::move(value));
        SkipSpace();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < text_.size() && text_[pos_] == '}') {
          ++pos_;
          return true;
        }
        return false;
      }
    }
    if (c == '[') {
      out->type = Json::Type::kArray;
      ++pos_;
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return true;
      }
      for (;;) {
        Json value;
        if (!ReadValue(&value, depth + 1)) return false;
        out->array.push_back(std::move(value));
        SkipSpace();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < text_.size() && text_[pos_] == ']') {
          ++pos_;
          return true;
        }
        return false;
      }
    }
    if (c == '"') {
      out->type = Json::Type::kString;
      return ReadString(&out->string);
    }
    if (Literal("true")) {
      out->type = Json::Type::kBool;
      out->boolean = true;
      return true;
    }
    if (Literal("false")) {
      out->type = Json::Type::kBool;
      return true;
    }
    if (Literal("null")) return true;
    if (c >= '0' && c <= '9') {
      out->type = Json::Type::kNumber;
      if (c == '0' && pos_ + 1 < text_.size() && text_[pos_ + 1] >= '0' && text_[pos_ + 1] <= '9') {
        return false;  // no leading zeros
      }
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        out->number = out->number * 10 + static_cast<std::uint64_t>(text_[pos_] - '0');
        ++pos_;
      }
      return true;
    }
    return false;
  }
  static void AppendUtf8(std::uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }
  bool ReadHex4(std::uint32_t* out) {
    if (pos_ + 4 > text_.size()) return false;
    *out = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      *out <<= 4;
      if (h >= '0' && h <= '9') {
        *out |= static_cast<std::uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        *out |= static_cast<std::uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        *out |= static_cast<std::uint32_t>(h - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }
  // Well-formed UTF-8 sequence length at pos_ (RFC 3629), 0 if none.
  std::size_t Utf8Length() const {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text_[pos_ + k]); };
    const std::size_t left = text_.size() - pos_;
    const unsigned char b0 = b(0);
    if (b0 < 0x80) return 1;
    if (b0 >= 0xc2 && b0 <= 0xdf) return left >= 2 && (b(1) & 0xc0) == 0x80 ? 2 : 0;
    if (b0 >= 0xe0 && b0 <= 0xef) {
      if (left < 3) return 0;
      const unsigned lo = b0 == 0xe0 ? 0xa0 : 0x80, hi = b0 == 0xed ? 0x9f : 0xbf;
      return b(1) >= lo && b(1) <= hi && (b(2) & 0xc0) == 0x80 ? 3 : 0;
    }
    if (b0 >= 0xf0 && b0 <= 0xf4) {
      if (left < 4) return 0;
      const unsigned lo = b0 == 0xf0 ? 0x90 : 0x80, hi = b0 == 0xf4 ? 0x8f : 0xbf;
      return b(1) >= lo && b(1) <= hi && (b(2) & 0xc0) == 0x80 && (b(3) & 0xc0) == 0x80 ? 4 : 0;
    }
    return 0;
  }
  bool ReadString(std::string* out) {
    if (pos_ >= text_.size() || text_[pos_] != '"') return false;
    ++pos_;
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (++pos_ >= text_.size()) return false;
        const char e = text_[pos_++];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out->push_back(e);
            break;
          case 'b':
            out->push_back('\b');
            break;
          case 'f':
            out->push_back('\f');
            break;
          case 'n':
            out->push_back('\n');
            break;
          case 'r':
            out->push_back('\r');
            break;
          case 't':
            out->push_back('\t');
            break;
          case 'u': {
            std::uint32_t cp = 0;
            if (!ReadHex4(&cp)) return false;
            if (cp >= 0xdc00 && cp <= 0xdfff) return false;
            if (cp >= 0xd800 && cp <= 0xdbff) {
              std::uint32_t low = 0;
              if (!Literal("\\u") || !ReadHex4(&low) || low < 0xdc00 || low > 0xdfff) {
                return false;
              }
              cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            }
            AppendUtf8(cp, out);
            break;
          }
          default:
            return false;
        }
        continue;
      }
      const std::size_t n = Utf8Length();
      if (n == 0) return false;
      out->append(text_.substr(pos_, n));
      pos_ += n;
    }
    return false;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

std::optional<Json> ParseJson(std::string_view text) {
  return JsonReader(text).ReadDocument();
}

// ---------------------------------------------------------------------------
// Running the tool.

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
  long max_rss_kib = 0;
  std::vector<std::string> lines;  // `out` split on LF
  std::uint64_t line_count = 0;
};

std::string TempDir() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

// An unlinked temporary file, open for reading and writing.
int TempFd() {
  std::string path = TempDir() + "/smtp-cli-test-XXXXXX";
  const int fd = mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) return -1;
  unlink(path.c_str());
  return fd;
}

std::string ReadAllFd(int fd) {
  std::string out;
  lseek(fd, 0, SEEK_SET);
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::vector<std::string> SplitLines(const std::string& out) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < out.size()) {
    const std::size_t end = out.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(out.substr(start));  // unterminated: a test failure
      break;
    }
    lines.push_back(out.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

pid_t Spawn(const std::vector<std::string>& args, int in_fd, int out_fd, int err_fd) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(kTool));
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    execv(kTool, argv.data());
    _exit(127);
  }
  return pid;
}

int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs the tool with `input` on standard input.
RunResult RunTool(const std::vector<std::string>& args, std::string_view input = {}) {
  RunResult result;
  const int in = TempFd(), out = TempFd(), err = TempFd();
  EXPECT_TRUE(in >= 0 && out >= 0 && err >= 0);
  EXPECT_TRUE(WriteAll(in, input));
  lseek(in, 0, SEEK_SET);
  const pid_t pid = Spawn(args, in, out, err);
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  result.exit_code = ExitCode(status);
  result.max_rss_kib = usage.ru_maxrss;
  result.out = ReadAllFd(out);
  result.err = ReadAllFd(err);
  result.lines = SplitLines(result.out);
  close(in);
  close(out);
  close(err);
  return result;
}

// Parses every output line, and checks the SPEC invariants that hold for
// any input: one JSON object per line, the required fields, and records
// that tile the input.
std::vector<Json> Records(const RunResult& r, std::uint64_t input_size) {
  std::vector<Json> records;
  std::uint64_t next = 0;
  for (const std::string& line : r.lines) {
    std::optional<Json> json = ParseJson(line);
    EXPECT_TRUE(json.has_value()) << "not JSON: " << line;
    if (!json.has_value()) continue;
    EXPECT_EQ(json->type, Json::Type::kObject) << line;
    const Json& rec = *json;
    EXPECT_EQ(rec["ok"].type, Json::Type::kBool) << line;
    EXPECT_EQ(rec["kind"].type, Json::Type::kString) << line;
    EXPECT_EQ(rec["offset"].type, Json::Type::kNumber) << line;
    EXPECT_EQ(rec["length"].type, Json::Type::kNumber) << line;
    EXPECT_EQ(rec["offset"].number, next) << "records must tile the input: " << line;
    next = rec["offset"].number + rec["length"].number;
    if (!rec["ok"].boolean) {
      EXPECT_EQ(rec["error"].type, Json::Type::kString) << line;
      EXPECT_EQ(rec["error_offset"].type, Json::Type::kNumber) << line;
      EXPECT_EQ(rec["message"].type, Json::Type::kString) << line;
      EXPECT_GE(rec["error_offset"].number, rec["offset"].number) << line;
      EXPECT_LE(rec["error_offset"].number, next) << line;
    } else {
      EXPECT_FALSE(rec.Has("error")) << line;
    }
    if (rec.Has("deviations")) {
      EXPECT_EQ(rec["deviations"].type, Json::Type::kArray) << line;
      EXPECT_FALSE(rec["deviations"].array.empty()) << line;
    }
    records.push_back(std::move(*json));
  }
  EXPECT_EQ(next, input_size) << "record lengths must add up to the input size";
  return records;
}

std::string Message(smtp::ErrorCode code) {
  std::string out;
  tools::AppendJsonString(smtp::ErrorMessage(code), &out);
  return out;
}

// ---------------------------------------------------------------------------
// JSON escaping (the writer itself).

std::string Quote(std::string_view text) {
  std::string out;
  tools::AppendJsonString(text, &out);
  return out;
}

TEST(JsonWriterTest, EscapesQuotesBackslashAndControls) {
  EXPECT_EQ(Quote(""), R"("")");
  EXPECT_EQ(Quote("plain text"), R"("plain text")");
  EXPECT_EQ(Quote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Quote("\r\n\t\b\f"), R"("\r\n\t\b\f")");
  EXPECT_EQ(Quote(std::string_view("\0", 1)), R"("\u0000")");
  EXPECT_EQ(Quote("\x01\x1f\x7f"), R"("\u0001\u001f\u007f")");
  EXPECT_EQ(Quote("/"), R"("/")");
}

TEST(JsonWriterTest, PassesValidUtf8AndEscapesInvalidBytesAsLatin1) {
  EXPECT_EQ(Quote("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"");
  EXPECT_EQ(Quote("\xff"), R"("\u00ff")");
  EXPECT_EQ(Quote("\x80"), R"("\u0080")");
  EXPECT_EQ(Quote("\xc3"), R"("\u00c3")");                                // truncated sequence
  EXPECT_EQ(Quote("\xc3x"), R"("\u00c3x")");                              // bad continuation
  EXPECT_EQ(Quote("\xc0\xaf"), R"("\u00c0\u00af")");                      // overlong
  EXPECT_EQ(Quote("\xe0\x80\xaf"), R"("\u00e0\u0080\u00af")");            // overlong
  EXPECT_EQ(Quote("\xed\xa0\x80"), R"("\u00ed\u00a0\u0080")");            // surrogate
  EXPECT_EQ(Quote("\xf4\x90\x80\x80"), R"("\u00f4\u0090\u0080\u0080")");  // > U+10FFFF
  EXPECT_EQ(Quote("\xe2\x82"), R"("\u00e2\u0082")");
}

TEST(JsonWriterTest, AnyBytesGiveValidJson) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(rng() % 40, '\0');
    for (char& c : bytes)
      c = static_cast<char>(rng() & 0xff);
    const std::string quoted = Quote(bytes);
    const std::optional<Json> json = ParseJson(quoted);
    ASSERT_TRUE(json.has_value()) << quoted;
    ASSERT_EQ(json->type, Json::Type::kString);
  }
}

TEST(JsonWriterTest, ObjectsAndArrays) {
  std::string out;
  tools::JsonWriter w(&out);
  w.BeginObject();
  w.Key("a");
  w.Uint(18446744073709551615u);
  w.Key("b");
  w.BeginArray();
  w.Bool(true);
  w.Null();
  w.BeginObject();
  w.EndObject();
  w.BeginArray();
  w.EndArray();
  w.String("x");
  w.EndArray();
  w.Key("c");
  w.Bool(false);
  w.EndObject();
  EXPECT_EQ(out, R"({"a":18446744073709551615,"b":[true,null,{},[],"x"],"c":false})");
  EXPECT_EQ(w.depth(), 0);
}

// ---------------------------------------------------------------------------
// Record fields, kind by kind.

TEST(CliTest, CommandRecords) {
  const std::string input =
      "EHLO client.example\r\n"                                          // 0 +21
      "MAIL FROM:<a@b.example> SIZE=100 BODY=8BITMIME\r\n"               // 21 +49
      "RCPT TO:<c@d.example> NOTIFY=NEVER ORCPT=rfc822;c@d.example\r\n"  // 70 +61
      "RCPT TO:<Postmaster>\r\n"                                         // 131 +22
      "DATA\r\n"                                                         // 153 +6
      "hello\r\n..x\r\n.\r\n"                                            // 159 +15
      "BDAT 3 LAST\r\n"                                                  // 174 +13
      "abc"                                                              // 187 +3
      "VRFY staff\r\n"                                                   // 190 +12
      "NOOP\r\n"                                                         // 202 +6
      "RSET\r\n"                                                         // 208 +6
      "QUIT\r\n";                                                        // 214 +6
  const RunResult r = RunTool({"commands"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::vector<std::string> expected = {
      R"({"ok":true,"kind":"command","offset":0,"length":21,"verb":"EHLO","host_type":"domain","host":"client.example"})",
      R"({"ok":true,"kind":"command","offset":21,"length":48,"verb":"MAIL","path":"a@b.example","params":[{"keyword":"SIZE","value":"100"},{"keyword":"BODY","value":"8BITMIME"}]})",
      R"({"ok":true,"kind":"command","offset":69,"length":61,"verb":"RCPT","path":"c@d.example","params":[{"keyword":"NOTIFY","value":"NEVER"},{"keyword":"ORCPT","value":"rfc822;c@d.example"}]})",
      R"({"ok":true,"kind":"command","offset":130,"length":22,"verb":"RCPT","path":"Postmaster","params":[]})",
      R"({"ok":true,"kind":"command","offset":152,"length":6,"verb":"DATA"})",
      R"({"ok":true,"kind":"data","offset":158,"length":15,"bytes":11})",
      R"({"ok":true,"kind":"command","offset":173,"length":13,"verb":"BDAT","size":3,"last":true})",
      R"({"ok":true,"kind":"data","offset":186,"length":3,"bytes":3})",
      R"({"ok":true,"kind":"command","offset":189,"length":12,"verb":"VRFY","argument":"staff"})",
      R"({"ok":true,"kind":"command","offset":201,"length":6,"verb":"NOOP"})",
      R"({"ok":true,"kind":"command","offset":207,"length":6,"verb":"RSET"})",
      R"({"ok":true,"kind":"command","offset":213,"length":6,"verb":"QUIT"})",
  };
  EXPECT_EQ(r.lines, expected);
  Records(r, input.size());
}

TEST(CliTest, HostTypesNullPathAndParamWithoutValue) {
  const std::string input =
      "EHLO [192.0.2.1]\r\n"
      "EHLO [IPv6:2001:db8::1]\r\n"
      "EHLO [x-tag:some-content]\r\n"
      "HELO relay.example\r\n"
      "MAIL FROM:<> SMTPUTF8\r\n";
  // An unregistered literal tag is general in lenient (RFC 5321 4.1.3).
  const RunResult r = RunTool({"commands", "--lenient"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const std::vector<Json> records = Records(r, input.size());
  ASSERT_EQ(records.size(), 5u) << r.out;
  EXPECT_EQ(records[0]["host_type"].string, "ipv4");
  EXPECT_EQ(records[0]["host"].string, "192.0.2.1");
  EXPECT_EQ(records[1]["host_type"].string, "ipv6");
  EXPECT_EQ(records[1]["host"].string, "2001:db8::1");
  EXPECT_EQ(records[2]["host_type"].string, "general");
  EXPECT_EQ(records[2]["host"].string, "x-tag:some-content");
  EXPECT_EQ(records[3]["verb"].string, "HELO");
  EXPECT_EQ(records[3]["host_type"].string, "domain");
  EXPECT_EQ(records[3]["host"].string, "relay.example");
  EXPECT_EQ(
      r.lines[4],
      R"({"ok":true,"kind":"command","offset":)" + std::to_string(records[4]["offset"].number) +
          R"(,"length":23,"verb":"MAIL","path":"","params":[{"keyword":"SMTPUTF8","value":null}]})");
  EXPECT_NE(r.out.find(R"("deviations":["unregistered_literal_tag"])"), std::string::npos) << r.out;
  // Strict: bad_address_literal at the tag (43 + 6).
  const RunResult strict = RunTool({"commands"}, input);
  EXPECT_EQ(strict.exit_code, 1);
  const std::vector<Json> strict_records = Records(strict, input.size());
  ASSERT_EQ(strict_records.size(), 5u) << strict.out;
  EXPECT_EQ(strict_records[2]["error"].string, "bad_address_literal");
  EXPECT_EQ(strict_records[2]["error_offset"].number, 49u);
}

TEST(CliTest, AuthRecords) {
  const std::string input =
      "AUTH PLAIN dGVzdA==\r\n"  // 0 +21, no responses follow
      "AUTH PLAIN =\r\n"         // 21 +14
      "AUTH LOGIN\r\n"           // 35 +12, two responses follow
      "dXNlcg==\r\n"             // 47 +10
      "cGFzcw==\r\n"             // 57 +10
      "HELP\r\n";                // 67 +6
  const RunResult r = RunTool({"commands"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const std::vector<std::string> expected = {
      R"({"ok":true,"kind":"command","offset":0,"length":21,"verb":"AUTH","mechanism":"PLAIN","initial_response":"dGVzdA=="})",
      R"({"ok":true,"kind":"command","offset":21,"length":14,"verb":"AUTH","mechanism":"PLAIN","initial_response":"="})",
      R"({"ok":true,"kind":"command","offset":35,"length":12,"verb":"AUTH","mechanism":"LOGIN"})",
      R"({"ok":true,"kind":"auth_response","offset":47,"length":10})",
      R"({"ok":true,"kind":"auth_response","offset":57,"length":10})",
      R"({"ok":true,"kind":"command","offset":67,"length":6,"verb":"HELP"})",
  };
  EXPECT_EQ(r.lines, expected);
}

TEST(CliTest, StarttlsRecords) {
  const std::string handshake = "STARTTLS\r\n\x16\x03\x01\x00\x05hello"s;
  RunResult r = RunTool({"commands"}, handshake);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::vector<std::string> expected = {
      R"({"ok":true,"kind":"command","offset":0,"length":10,"verb":"STARTTLS"})",
      R"({"ok":true,"kind":"tls","offset":10,"length":10})",
  };
  EXPECT_EQ(r.lines, expected);

  // CVE-2011-0411: plaintext pipelined behind STARTTLS.
  const std::string injected = "STARTTLS\r\nRSET\r\n";
  r = RunTool({"commands"}, injected);
  EXPECT_EQ(r.exit_code, 1);
  expected = {
      R"({"ok":true,"kind":"command","offset":0,"length":10,"verb":"STARTTLS"})",
      R"({"ok":false,"kind":"tls","offset":10,"length":6,"error":"starttls_injection","error_offset":10,"message":)" +
          Message(smtp::ErrorCode::kStarttlsInjection) + "}",
  };
  EXPECT_EQ(r.lines, expected);
}

TEST(CliTest, SmugglingAttemptStaysInsideData) {
  // LF.LF does not end DATA: the "smuggled" MAIL stays content.
  const std::string input =
      "DATA\r\n"
      "x\n.\nMAIL FROM:<evil@x.example>\r\n"
      ".\r\n"
      "QUIT\r\n";
  RunResult r = RunTool({"commands"}, input);
  EXPECT_EQ(r.exit_code, 1);
  std::vector<Json> records = Records(r, input.size());
  ASSERT_EQ(records.size(), 3u) << r.out;
  EXPECT_EQ(records[1]["kind"].string, "data");
  EXPECT_FALSE(records[1]["ok"].boolean);
  EXPECT_EQ(records[1]["error"].string, "bare_lf");
  EXPECT_EQ(records[1]["error_offset"].number, 7u);
  EXPECT_EQ(records[1]["length"].number, input.size() - 6 - 6);
  EXPECT_EQ(records[2]["verb"].string, "QUIT");

  r = RunTool({"commands", "--lenient"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  records = Records(r, input.size());
  ASSERT_EQ(records.size(), 3u) << r.out;
  EXPECT_TRUE(records[1]["ok"].boolean);
  EXPECT_EQ(records[1]["deviations"].Strings(), std::vector<std::string>{"bare_lf"});
}

TEST(CliTest, ErrorRecordsAndExitCodeOne) {
  const std::string input = "FOO\r\nNOOP\r\nMAIL FROM:<;cmd;>\r\n";
  const RunResult r = RunTool({"commands"}, input);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "");
  ASSERT_EQ(r.lines.size(), 3u) << r.out;
  EXPECT_EQ(
      r.lines[0],
      R"({"ok":false,"kind":"command","offset":0,"length":5,"error":"unknown_command","error_offset":0,"message":)" +
          Message(smtp::ErrorCode::kUnknownCommand) + "}");
  EXPECT_EQ(r.lines[1], R"({"ok":true,"kind":"command","offset":5,"length":6,"verb":"NOOP"})");
  const std::vector<Json> records = Records(r, input.size());
  EXPECT_EQ(records[2]["error"].string, "bad_path");
  EXPECT_FALSE(records[2].Has("verb"));
  EXPECT_FALSE(records[2].Has("path"));
}

TEST(CliTest, IncompleteAtEndOfInput) {
  const std::string input = "NOOP\r\nQUI";
  const RunResult r = RunTool({"commands"}, input);
  EXPECT_EQ(r.exit_code, 1);
  const std::vector<Json> records = Records(r, input.size());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1]["error"].string, "incomplete");
  EXPECT_EQ(records[1]["error_offset"].number, input.size());
}

TEST(CliTest, LenientDeviations) {
  const std::string input = "MAIL FROM: <a@b.example>\r\nHELO [192.0.2.1]\nNOOP  \r\n";
  RunResult r = RunTool({"commands"}, input);
  EXPECT_EQ(r.exit_code, 1);
  std::vector<Json> records = Records(r, input.size());
  ASSERT_EQ(records.size(), 3u) << r.out;
  for (const Json& rec : records)
    EXPECT_FALSE(rec["ok"].boolean);

  r = RunTool({"commands", "--lenient"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  records = Records(r, input.size());
  ASSERT_EQ(records.size(), 3u) << r.out;
  EXPECT_EQ(
      r.lines[0],
      R"({"ok":true,"kind":"command","offset":0,"length":26,"deviations":["space_after_colon"],"verb":"MAIL","path":"a@b.example","params":[]})");
  EXPECT_EQ(records[1]["deviations"].Strings(),
            (std::vector<std::string>{"bare_lf", "helo_address_literal"}));
  EXPECT_EQ(records[1]["host_type"].string, "ipv4");
  EXPECT_EQ(records[2]["deviations"].Strings(), std::vector<std::string>{"trailing_space"});
}

TEST(CliTest, ReplyRecords) {
  const std::string input =
      "220 mx.example ESMTP ready\r\n"   // 0 +27
      "250-2.1.0 Sender ok\r\n"          // 27 +21
      "250 more\tstuff\r\n"              // 48 +16
      "354\r\n"                          // 64 +5
      "550 5.1.1 \"no\" such user\r\n";  // 69 +26
  const RunResult r = RunTool({"replies"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const std::vector<std::string> expected = {
      R"({"ok":true,"kind":"reply","offset":0,"length":28,"code":220,"lines":["mx.example ESMTP ready"]})",
      R"({"ok":true,"kind":"reply","offset":28,"length":37,"code":250,"lines":["2.1.0 Sender ok","more\tstuff"],"enhanced":"2.1.0"})",
      R"({"ok":true,"kind":"reply","offset":65,"length":5,"code":354,"lines":[""]})",
      R"({"ok":true,"kind":"reply","offset":70,"length":26,"code":550,"lines":["5.1.1 \"no\" such user"],"enhanced":"5.1.1"})",
  };
  EXPECT_EQ(r.lines, expected);
}

// Issue 10: a lenient error record lists the deviations used before the
// error; strict refuses a numeric top-level label where lenient names it.
TEST(CliTest, Issue10DeviationsOnErrorsAndNumericDomain) {
  const std::string input = "MAIL FROM: <a@b> X==\r\nEHLO 192.0.2.10\r\n";
  RunResult r = RunTool({"commands", "--lenient"}, input);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(
      r.out,
      R"({"ok":false,"kind":"command","offset":0,"length":22,"error":"bad_param","error_offset":19,"message":"an ESMTP parameter is not valid","deviations":["space_after_colon"]})"
      "\n"
      R"({"ok":true,"kind":"command","offset":22,"length":17,"deviations":["numeric_domain"],"verb":"EHLO","host_type":"domain","host":"192.0.2.10"})"
      "\n");
  r = RunTool({"commands"}, input);
  EXPECT_EQ(r.exit_code, 1);
  const std::vector<Json> records = Records(r, input.size());
  ASSERT_EQ(records.size(), 2u) << r.out;
  EXPECT_EQ(records[0]["error"].string, "syntax");
  EXPECT_EQ(records[0]["error_offset"].number, 10u);
  EXPECT_EQ(records[1]["error"].string, "bad_domain");
  EXPECT_EQ(records[1]["error_offset"].number, 37u);
}

TEST(CliTest, ReplyErrors) {
  const std::string input = "250-a\r\n251 b\r\n250 \r\n999 x\r\n";
  RunResult r = RunTool({"replies"}, input);
  EXPECT_EQ(r.exit_code, 1);
  std::vector<Json> records = Records(r, input.size());
  ASSERT_EQ(records.size(), 3u) << r.out;
  EXPECT_EQ(records[0]["error"].string, "code_mismatch");
  EXPECT_EQ(records[0]["error_offset"].number, 7u);
  EXPECT_TRUE(records[1]["ok"].boolean);  // "250 ": empty text is valid (issue 10)
  EXPECT_EQ(records[2]["error"].string, "bad_reply_code");

  r = RunTool({"replies"}, "334 \r\n");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, R"({"ok":true,"kind":"reply","offset":0,"length":6,"code":334,"lines":[""]})"
                   "\n");
}

TEST(CliTest, EhloRecords) {
  const std::string input =
      "220 mx.example ESMTP\r\n"        // 0 +22: not a 250, stays plain
      "250-mx.example Hello there\r\n"  // 22
      "250-PIPELINING\r\n"
      "250-SIZE 10240000\r\n"
      "250 AUTH PLAIN LOGIN\r\n"
      "250 mx.example\r\n";
  RunResult r = RunTool({"ehlo"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const std::vector<Json> records = Records(r, input.size());
  ASSERT_EQ(records.size(), 3u) << r.out;
  EXPECT_EQ(
      r.lines[0],
      R"({"ok":true,"kind":"reply","offset":0,"length":22,"code":220,"lines":["mx.example ESMTP"]})");
  EXPECT_EQ(
      r.lines[1],
      R"({"ok":true,"kind":"reply","offset":22,"length":85,"code":250,"lines":["mx.example Hello there","PIPELINING","SIZE 10240000","AUTH PLAIN LOGIN"],"domain":"mx.example","greeting":"Hello there","capabilities":[{"keyword":"PIPELINING","params":[]},{"keyword":"SIZE","params":["10240000"]},{"keyword":"AUTH","params":["PLAIN","LOGIN"]}]})");
  EXPECT_EQ(
      r.lines[2],
      R"({"ok":true,"kind":"reply","offset":107,"length":16,"code":250,"lines":["mx.example"],"domain":"mx.example","greeting":"","capabilities":[]})");

  // The same bytes in replies mode carry no EHLO fields.
  r = RunTool({"replies"}, input);
  EXPECT_EQ(r.exit_code, 0);
  for (const Json& rec : Records(r, input.size()))
    EXPECT_FALSE(rec.Has("capabilities"));

  // CVE-2020-8794 shape and old-style AUTH=.
  const std::string bad = "250-mx.example\r\n250-AUTH=LOGIN\r\n250 8BITMIME\r\n";
  r = RunTool({"ehlo"}, bad);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Records(r, bad.size()).at(0)["error"].string, "bad_keyword");
  r = RunTool({"ehlo", "--lenient"}, bad);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const std::vector<Json> lenient = Records(r, bad.size());
  ASSERT_EQ(lenient.size(), 1u);
  EXPECT_EQ(lenient[0]["deviations"].Strings(), std::vector<std::string>{"old_auth_syntax"});
  const Json& caps = lenient[0]["capabilities"];
  ASSERT_EQ(caps.array.size(), 2u);
  EXPECT_EQ(caps.array[0]["keyword"].string, "AUTH");
  EXPECT_EQ(caps.array[0]["params"].Strings(), std::vector<std::string>{"LOGIN"});
}

TEST(CliTest, EscapesQuotesBackslashesAndUtf8InFields) {
  std::string input = "NOOP \"x\\\\y\"\r\n";  // Quoted-string with a quoted-pair
  RunResult r = RunTool({"commands"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(
      r.out,
      R"({"ok":true,"kind":"command","offset":0,"length":13,"verb":"NOOP","argument":"\"x\\\\y\""})"
      "\n");

  input = "250 h\xc3\xa9llo\r\n";
  r = RunTool({"replies", "--utf8"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out,
            "{\"ok\":true,\"kind\":\"reply\",\"offset\":0,\"length\":12,\"code\":250,"
            "\"lines\":[\"h\xc3\xa9llo\"]}\n");
  // Without --utf8 the 8-bit octet is bad_char.
  r = RunTool({"replies"}, input);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Records(r, input.size()).at(0)["error"].string, "bad_char");
}

TEST(CliTest, OddBytesAlwaysGiveValidJson) {
  // NUL, 0xff, quotes, backslashes and controls in every position.
  const std::string input =
      "NOOP \"a\0b\"\r\n\0\xff\xfe\"\\\x01\x7f\r\nVRFY \xff\r\n250 \"\\\0\r\n"s;
  for (const char* mode : {"commands", "replies", "ehlo"}) {
    for (bool lenient : {false, true}) {
      std::vector<std::string> args = {mode};
      if (lenient) args.push_back("--lenient");
      const RunResult r = RunTool(args, input);
      EXPECT_EQ(r.exit_code, 1) << mode;
      EXPECT_FALSE(Records(r, input.size()).empty());
    }
  }
}

TEST(CliTest, RandomInputGivesValidJsonThatTilesTheInput) {
  static constexpr std::string_view kPieces[] = {"\r\n",
                                                 "\n",
                                                 "\r",
                                                 " ",
                                                 "\t",
                                                 "\0",
                                                 "\xff",
                                                 "\xc3\xa9",
                                                 ".",
                                                 "DATA\r\n",
                                                 "BDAT 5\r\n",
                                                 "AUTH LOGIN\r\n",
                                                 "STARTTLS\r\n",
                                                 "MAIL FROM:<a@b.example>",
                                                 "EHLO x.example",
                                                 "250-",
                                                 "250 ",
                                                 "220 ",
                                                 "\r\n.\r\n",
                                                 "\"",
                                                 "\\",
                                                 "<",
                                                 ">",
                                                 "=",
                                                 "AUTH=LOGIN",
                                                 "x",
                                                 "12345"};
  std::mt19937 rng(2024);
  for (int round = 0; round < 12; ++round) {
    std::string input;
    while (input.size() < 20000) {
      input += kPieces[rng() % std::size(kPieces)];
    }
    // STARTTLS swallows the rest; put it only at the end sometimes.
    const char* mode = round % 3 == 0 ? "commands" : round % 3 == 1 ? "replies" : "ehlo";
    std::vector<std::string> args = {mode};
    if (round % 2 == 1) args.push_back("--lenient");
    if (round % 4 == 3) args.push_back("--utf8");
    const RunResult r = RunTool(args, input);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    Records(r, input.size());
  }
}

// ---------------------------------------------------------------------------
// Options, files and exit status 2.

TEST(CliTest, MaxLine) {
  const std::string input = "NOOP 1234\r\nNOOP\r\n";  // 11 + 6
  RunResult r = RunTool({"commands", "--max-line", "11"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = RunTool({"commands", "--max-line=10"}, input);
  EXPECT_EQ(r.exit_code, 1);
  std::vector<Json> records = Records(r, input.size());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["error"].string, "line_too_long");
  EXPECT_EQ(records[0]["error_offset"].number, 10u);
  EXPECT_TRUE(records[1]["ok"].boolean);

  // It is also the reply line limit.
  r = RunTool({"replies", "--max-line", "8"}, "250 abcd\r\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Records(r, 10).at(0)["error"].string, "line_too_long");
}

TEST(CliTest, FileArgumentAndDashReadTheSameAsStdin) {
  const std::string input = "EHLO a.example\r\nQUIT\r\n";
  const std::string path = TempDir() + "/smtp-cli-test-input-" + std::to_string(getpid());
  {
    std::ofstream f(path, std::ios::binary);
    f << input;
  }
  const RunResult from_stdin = RunTool({"commands"}, input);
  const RunResult from_dash = RunTool({"commands", "-"}, input);
  const RunResult from_file = RunTool({"commands", path, "--lenient"}, "ignored");
  const RunResult options_first = RunTool({"--utf8", "commands", "--", path});
  std::remove(path.c_str());
  EXPECT_EQ(from_stdin.exit_code, 0);
  EXPECT_EQ(from_stdin.lines.size(), 2u);
  EXPECT_EQ(from_dash.out, from_stdin.out);
  EXPECT_EQ(from_file.out, from_stdin.out);
  EXPECT_EQ(from_file.exit_code, 0);
  EXPECT_EQ(options_first.out, from_stdin.out);
}

TEST(CliTest, EmptyInputIsOk) {
  const RunResult r = RunTool({"replies"}, "");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
}

TEST(CliTest, UsageAndIoErrorsExitTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"--lenient"},
      {"frobnicate"},
      {"commands", "--strict"},
      {"commands", "-x"},
      {"commands", "--max-line"},
      {"commands", "--max-line", "0"},
      {"commands", "--max-line", "1"},
      {"commands", "--max-line", "abc"},
      {"commands", "--max-line", "10x"},
      {"commands", "--max-line", "-5"},
      {"commands", "--max-line", "99999999999999999999999"},
      {"commands", "--max-line="},
      {"commands", "/nonexistent/smtp-cli-test"},
      {"commands", "/"},  // a directory: read fails
      {"commands", "a", "b"},
      {"replies", "-", "-"},
  };
  for (const auto& args : cases) {
    std::string shown;
    for (const auto& a : args)
      shown += a + " ";
    const RunResult r = RunTool(args, "NOOP\r\n");
    EXPECT_EQ(r.exit_code, 2) << shown;
    EXPECT_NE(r.err, "") << shown;
    EXPECT_EQ(r.out, "") << shown;
  }
}

TEST(CliTest, HelpExitsZero) {
  const RunResult r = RunTool({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("usage: smtp-parse"), std::string::npos);
}

TEST(CliTest, WriteErrorExitsTwo) {
  if (access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no /dev/full";
  const int in = TempFd();
  ASSERT_TRUE(WriteAll(in, "NOOP\r\n"));
  lseek(in, 0, SEEK_SET);
  const int full = open("/dev/full", O_WRONLY);
  const int err = TempFd();
  const pid_t pid = Spawn({"commands"}, in, full, err);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_EQ(ExitCode(status), 2);
  EXPECT_NE(ReadAllFd(err), "");
  close(in);
  close(full);
  close(err);
}

// ---------------------------------------------------------------------------
// Streaming: a record comes out while standard input is still open.

// Kills and reaps a child that a failed assertion left behind, and closes
// the test's pipe ends.
class ChildGuard {
 public:
  ChildGuard(pid_t pid, std::vector<int> fds) : pid_(pid), fds_(std::move(fds)) {}
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;
  ~ChildGuard() {
    for (int fd : fds_)
      close(fd);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  void Close(int fd) {
    close(fd);
    fds_.erase(std::remove(fds_.begin(), fds_.end(), fd), fds_.end());
  }
  // Waits for the child; its exit code.
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return ExitCode(status);
  }

 private:
  pid_t pid_;
  std::vector<int> fds_;
};

// Reads from `fd` until a LF, or gives up after `timeout`.
std::optional<std::string> ReadLine(int fd, std::string* pending,
                                    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const std::size_t lf = pending->find('\n');
    if (lf != std::string::npos) {
      std::string line = pending->substr(0, lf);
      pending->erase(0, lf + 1);
      return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd pfd = {fd, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[4096];
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    pending->append(buffer, static_cast<std::size_t>(n));
  }
}

TEST(CliTest, StreamsRecordsBeforeInputEnds) {
  int to_child[2], from_child[2];
  ASSERT_EQ(pipe2(to_child, O_CLOEXEC), 0);
  ASSERT_EQ(pipe2(from_child, O_CLOEXEC), 0);
  const int err = TempFd();
  signal(SIGPIPE, SIG_IGN);
  const pid_t pid = Spawn({"commands"}, to_child[0], from_child[1], err);
  close(to_child[0]);
  close(from_child[1]);
  ChildGuard guard{pid, {to_child[1], from_child[0], err}};

  std::string pending;
  ASSERT_TRUE(WriteAll(to_child[1], "EHLO live.example\r\n"));
  std::optional<std::string> line = ReadLine(from_child[0], &pending, std::chrono::seconds(20));
  ASSERT_TRUE(line.has_value()) << "no record while standard input is open";
  EXPECT_EQ(
      *line,
      R"({"ok":true,"kind":"command","offset":0,"length":19,"verb":"EHLO","host_type":"domain","host":"live.example"})");

  // A DATA body in pieces: its record comes once the terminator arrives.
  ASSERT_TRUE(WriteAll(to_child[1], "DATA\r\nline one\r\n"));
  line = ReadLine(from_child[0], &pending, std::chrono::seconds(20));
  ASSERT_TRUE(line.has_value());
  EXPECT_NE(line->find(R"("verb":"DATA")"), std::string::npos) << *line;
  ASSERT_TRUE(WriteAll(to_child[1], "line two\r\n.\r\n"));
  line = ReadLine(from_child[0], &pending, std::chrono::seconds(20));
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(*line, R"({"ok":true,"kind":"data","offset":25,"length":23,"bytes":20})");

  ASSERT_TRUE(WriteAll(to_child[1], "QUI"));
  guard.Close(to_child[1]);
  line = ReadLine(from_child[0], &pending, std::chrono::seconds(20));
  ASSERT_TRUE(line.has_value());
  EXPECT_NE(line->find(R"("error":"incomplete")"), std::string::npos) << *line;
  EXPECT_FALSE(ReadLine(from_child[0], &pending, std::chrono::seconds(20)).has_value());
  EXPECT_EQ(guard.Wait(), 1);
}

// ---------------------------------------------------------------------------
// Bounded memory on large inputs.

// The tool needs about 4 MiB whatever the input; unbounded growth on 200 MB
// would show far above the bound.
constexpr std::uint64_t kLargeInput = 200ull << 20;
#if SMTP_CLI_TEST_SANITIZED
// Sanitizer runtimes map shadow memory and keep freed blocks in quarantine
// (measured: 9-16 MiB under ASan + UBSan): a looser bound.
constexpr long kMaxRssKib = 128 * 1024;
#else
constexpr long kMaxRssKib = 64 * 1024;
#endif

// Feeds `prefix`, then `size` bytes made of `unit` repeated, then `suffix`
// through a pipe; standard output goes to a file.
// With `keep_output` false only the output lines are counted (line_count).
RunResult RunLarge(const std::vector<std::string>& args, std::string_view prefix,
                   std::string_view unit, std::uint64_t size, std::string_view suffix,
                   bool keep_output = true) {
  RunResult result;
  int to_child[2];
  EXPECT_EQ(pipe2(to_child, O_CLOEXEC), 0);
  const int out = TempFd(), err = TempFd();
  signal(SIGPIPE, SIG_IGN);
  const pid_t pid = Spawn(args, to_child[0], out, err);
  close(to_child[0]);

  std::string block;
  while (block.size() < (1u << 20))
    block += unit;
  block.resize((1u << 20) / unit.size() * unit.size());
  bool ok = WriteAll(to_child[1], prefix);
  std::uint64_t left = size;
  while (ok && left > 0) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, block.size()));
    ok = WriteAll(to_child[1], std::string_view(block).substr(0, n));
    left -= n;
  }
  ok = ok && WriteAll(to_child[1], suffix);
  EXPECT_TRUE(ok) << "the tool stopped reading";
  close(to_child[1]);

  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  result.exit_code = ExitCode(status);
  result.max_rss_kib = usage.ru_maxrss;
  if (keep_output) {
    result.out = ReadAllFd(out);
    result.lines = SplitLines(result.out);
    result.line_count = result.lines.size();
  } else {
    lseek(out, 0, SEEK_SET);
    std::vector<char> buffer(1 << 20);
    ssize_t n = 0;
    while ((n = read(out, buffer.data(), buffer.size())) > 0) {
      result.line_count +=
          static_cast<std::uint64_t>(std::count(buffer.begin(), buffer.begin() + n, '\n'));
    }
  }
  result.err = ReadAllFd(err);
  close(out);
  close(err);
  return result;
}

TEST(CliMemoryTest, LargeDataBodyStreamsInBoundedMemory) {
  const std::string prefix = "MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n";
  const std::string unit =
      "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\r\n";
  const std::uint64_t body = kLargeInput / unit.size() * unit.size();
  const RunResult r = RunLarge({"commands"}, prefix, unit, body, ".\r\nQUIT\r\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::vector<Json> records = Records(r, prefix.size() + body + 9);
  ASSERT_EQ(records.size(), 5u) << r.out;
  EXPECT_EQ(records[3]["kind"].string, "data");
  EXPECT_EQ(records[3]["bytes"].number, body);
  EXPECT_LT(r.max_rss_kib, kMaxRssKib) << "max RSS in KiB";
  std::printf("DATA body of %llu bytes: max RSS %ld KiB\n", static_cast<unsigned long long>(body),
              r.max_rss_kib);
}

TEST(CliMemoryTest, LargeBdatChunkStreamsInBoundedMemory) {
  const std::string prefix = "BDAT " + std::to_string(kLargeInput) + " LAST\r\n";
  const RunResult r =
      RunLarge({"commands"}, prefix, std::string_view("\0\n\r\xff", 4), kLargeInput, "QUIT\r\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::vector<Json> records = Records(r, prefix.size() + kLargeInput + 6);
  ASSERT_EQ(records.size(), 3u) << r.out;
  EXPECT_EQ(records[1]["bytes"].number, kLargeInput);
  EXPECT_LT(r.max_rss_kib, kMaxRssKib) << "max RSS in KiB";
}

TEST(CliMemoryTest, ZerosInBoundedMemory) {
  for (const char* mode : {"commands", "replies"}) {
    const RunResult r = RunLarge({mode}, "", std::string_view("\0", 1), kLargeInput, "");
    EXPECT_EQ(r.exit_code, 1) << mode << " " << r.err;
    const std::vector<Json> records = Records(r, kLargeInput);
    ASSERT_EQ(records.size(), 1u) << r.out;
    EXPECT_EQ(records[0]["error"].string, "incomplete");
    EXPECT_LT(r.max_rss_kib, kMaxRssKib) << mode << ": max RSS in KiB";
    std::printf("%s: %llu zero bytes: max RSS %ld KiB\n", mode,
                static_cast<unsigned long long>(kLargeInput), r.max_rss_kib);
  }
}

TEST(CliMemoryTest, ManyRecordsInBoundedMemory) {
  // Output is not accumulated either: each 1-octet bare-LF line is an error
  // record of about 130 octets, so 1 MiB of input makes ~130 MiB of JSON.
  const std::uint64_t size = 1u << 20;
  const RunResult r = RunLarge({"replies"}, "", "\n", size, "", /*keep_output=*/false);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.line_count, size);
  EXPECT_LT(r.max_rss_kib, kMaxRssKib) << "max RSS in KiB";
}

// ---------------------------------------------------------------------------
// The shipped captures: every file parses to valid, tiling records.

TEST(CliRealworldTest, CapturesGiveValidRecords) {
  namespace fs = std::filesystem;
  const fs::path root = SMTP_REALWORLD_DIR;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) GTEST_SKIP() << "no captures at " << root;
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
    if (!entry.is_regular_file()) continue;
    const std::string ext = entry.path().extension().string();
    const char* mode = ext == ".sent" || ext == ".cmds" ? "commands"
                       : ext == ".reply"                ? "ehlo"
                                                        : nullptr;
    if (mode == nullptr) continue;
    std::ifstream f(entry.path(), std::ios::binary);
    std::stringstream content;
    content << f.rdbuf();
    const std::string bytes = content.str();
    for (bool lenient : {false, true}) {
      std::vector<std::string> args = {mode, entry.path().string(), "--utf8"};
      if (lenient) args.push_back("--lenient");
      const RunResult r = RunTool(args);
      EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << entry.path() << ": " << r.err;
      SCOPED_TRACE(entry.path().string());
      Records(r, bytes.size());
    }
    ++files;
  }
  EXPECT_GT(files, 0);
}

// ---------------------------------------------------------------------------
// smtp-parse session CLIENT SERVER (SPEC sections 4 and 5).

std::string WriteTempFile(const std::string& name, std::string_view bytes) {
  const std::string path = TempDir() + "/smtp_cli_" + std::to_string(getpid()) + "_" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr);
  if (f != nullptr) {
    EXPECT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
    std::fclose(f);
  }
  return path;
}

TEST(CliSessionTest, StarttlsRefusedThenCommandsTwoFiles) {
  // aiosmtpd without TLS answers STARTTLS 454: the next line is a command,
  // not TLS (a one-way stream would call it starttls_injection).
  const std::string client = WriteTempFile("c1", "EHLO a.example\r\nSTARTTLS\r\nQUIT\r\n");
  const std::string server = WriteTempFile(
      "s1", "220 mx ESMTP\r\n250-mx\r\n250 STARTTLS\r\n454 4.7.0 TLS not available\r\n221 Bye\r\n");
  const RunResult r = RunTool({"session", client, server});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> expected = {
      R"({"ok":true,"kind":"reply","dir":"server","offset":0,"length":14,"code":220,"lines":["mx ESMTP"]})",
      R"({"ok":true,"kind":"command","dir":"client","offset":0,"length":16,"verb":"EHLO","host_type":"domain","host":"a.example"})",
      R"({"ok":true,"kind":"reply","dir":"server","offset":14,"length":22,"code":250,"lines":["mx","STARTTLS"],"domain":"mx","greeting":"","capabilities":[{"keyword":"STARTTLS","params":[]}],"answers":0})",
      R"({"ok":true,"kind":"command","dir":"client","offset":16,"length":10,"verb":"STARTTLS"})",
      R"({"ok":true,"kind":"reply","dir":"server","offset":36,"length":29,"code":454,"lines":["4.7.0 TLS not available"],"enhanced":"4.7.0","answers":16})",
      R"({"ok":true,"kind":"command","dir":"client","offset":26,"length":6,"verb":"QUIT"})",
      R"({"ok":true,"kind":"reply","dir":"server","offset":65,"length":9,"code":221,"lines":["Bye"],"answers":26})",
  };
  EXPECT_EQ(r.lines, expected);
  std::remove(client.c_str());
  std::remove(server.c_str());
}

TEST(CliSessionTest, ViolationsMakeRecordsNotOkAndExitOne) {
  const std::string client = WriteTempFile("c2", "RCPT TO:<a@b.example>\r\nQUIT\r\n");
  const std::string server = WriteTempFile("s2", "220 mx\r\n250 ok\r\n");
  const RunResult r = RunTool({"session", client, server});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::vector<std::string> expected = {
      R"({"ok":true,"kind":"reply","dir":"server","offset":0,"length":8,"code":220,"lines":["mx"]})",
      R"({"ok":false,"kind":"command","dir":"client","offset":0,"length":23,"verb":"RCPT","path":"a@b.example","params":[],"violations":["out_of_sequence"]})",
      R"({"ok":false,"kind":"reply","dir":"server","offset":8,"length":8,"code":250,"lines":["ok"],"answers":0,"violations":["accepted_out_of_sequence"]})",
      R"({"ok":false,"kind":"command","dir":"client","offset":23,"length":6,"verb":"QUIT","violations":["unanswered_command"]})",
  };
  EXPECT_EQ(r.lines, expected);
  std::remove(client.c_str());
  std::remove(server.c_str());
}

TEST(CliSessionTest, UsageErrors) {
  EXPECT_EQ(RunTool({"session"}).exit_code, 2);
  EXPECT_EQ(RunTool({"session", "only-one-file"}).exit_code, 2);
  // Each usage error is told by its own message, before any file is read.
  const RunResult pcap_mode = RunTool({"commands", "--pcap", "x.pcap"});
  EXPECT_EQ(pcap_mode.exit_code, 2);
  EXPECT_NE(pcap_mode.err.find("--pcap and --port are for the session mode"), std::string::npos)
      << pcap_mode.err;
  const RunResult port = RunTool({"session", "--pcap", "x.pcap", "--port", "0"});
  EXPECT_EQ(port.exit_code, 2);
  EXPECT_NE(port.err.find("--port wants a number from 1 to 65535, not '0'"), std::string::npos)
      << port.err;
  EXPECT_EQ(RunTool({"session", "/nonexistent/c", "/nonexistent/s"}).exit_code, 2);
}

}  // namespace
