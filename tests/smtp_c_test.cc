// Tests of the C API (smtp/smtp.h), compiled as C++: names and values
// against the C++ API, option checks, records equal to the C++ API's on the
// real-world captures in several chunkings (one-way streams, and sessions on
// every .sent/.reply pair), iterators, misuse (NULL,
// re-entry, freeing inside a callback) and failures that must not cross the
// ABI as exceptions (out of memory, a throwing C++ callback).
#include "smtp/smtp.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "c_api_checks.h"
#include "smtp/error.h"
#include "smtp/options.h"
#include "smtp/session.h"
#include "smtp/stream.h"

// The replacements below pair malloc with free on purpose; GCC cannot see
// that they are the replacements and warns at every inlined new/delete.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

// Allocation failure on demand, for the NO_MEMORY path. Only this test
// binary replaces operator new; it fails while g_fail_allocations is set.
namespace {
bool g_fail_allocations = false;
}  // namespace

void* operator new(std::size_t n) {
  if (g_fail_allocations) throw std::bad_alloc();
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(CApiNames, ErrorNamesAndMessagesAreTheCppOnes) {
  for (int v = 0; v <= SMTP_ERROR_LAST; ++v) {
    SCOPED_TRACE(v);
    const auto code = static_cast<smtp::ErrorCode>(v);
    EXPECT_EQ(smtp_error_name(v), smtp::ErrorName(code));
    EXPECT_EQ(smtp_error_message(v), smtp::ErrorMessage(code));
  }
  EXPECT_STREQ(smtp_error_name(SMTP_ERROR_BAD_DOMAIN), "bad_domain");
  EXPECT_STREQ(smtp_error_name(SMTP_ERROR_STARTTLS_INJECTION), "starttls_injection");
  EXPECT_STREQ(smtp_error_message(SMTP_ERROR_BAD_DOMAIN), "the domain is not valid");
  // Out of range, including values that would wrap in the C++ uint8_t enum.
  for (int v : {-1, SMTP_ERROR_LAST + 1, 256 + 5, 1 << 20}) {
    SCOPED_TRACE(v);
    EXPECT_STREQ(smtp_error_name(v), "unknown");
    EXPECT_STREQ(smtp_error_message(v), "unknown error");
  }
}

TEST(CApiNames, DeviationNamesAreTheCppOnes) {
  for (int bit = 0; bit < 32; ++bit) {
    SCOPED_TRACE(bit);
    const std::uint32_t d = std::uint32_t{1} << bit;
    const std::string_view want =
        bit < 16 ? smtp::DeviationName(static_cast<smtp::Deviation>(d)) : "unknown";
    EXPECT_EQ(smtp_deviation_name(d), want);
    EXPECT_EQ(std::strlen(smtp_deviation_name(d)), want.size());  // NUL-terminated there
  }
  EXPECT_STREQ(smtp_deviation_name(SMTP_DEVIATION_BARE_LF), "bare_lf");
  EXPECT_STREQ(smtp_deviation_name(SMTP_DEVIATION_OLD_AUTH_SYNTAX), "old_auth_syntax");
  EXPECT_STREQ(smtp_deviation_name(0), "unknown");
  EXPECT_STREQ(smtp_deviation_name(SMTP_DEVIATION_BARE_LF | SMTP_DEVIATION_BARE_CR), "unknown");
  EXPECT_STREQ(smtp_deviation_name(1u << 16), "unknown");  // one bit, past 16 bits
}

TEST(CApiNames, ViolationNamesAreTheCppOnes) {
  for (int bit = 0; bit < 64; ++bit) {
    SCOPED_TRACE(bit);
    const std::uint64_t v = std::uint64_t{1} << bit;
    const std::string_view want =
        bit < 16 ? smtp::ViolationName(static_cast<smtp::Violation>(v)) : "unknown";
    EXPECT_EQ(smtp_violation_name(v), want);
    EXPECT_EQ(std::strlen(smtp_violation_name(v)), want.size());
    EXPECT_EQ(want != "unknown", bit < SMTP_VIOLATION_COUNT);
  }
  EXPECT_STREQ(smtp_violation_name(SMTP_VIOLATION_BAD_GREETING), "bad_greeting");
  EXPECT_STREQ(smtp_violation_name(SMTP_VIOLATION_OUT_OF_SEQUENCE), "out_of_sequence");
  EXPECT_STREQ(smtp_violation_name(SMTP_VIOLATION_PENDING_OVERFLOW), "pending_overflow");
  EXPECT_STREQ(smtp_violation_name(0), "unknown");
  EXPECT_STREQ(smtp_violation_name(SMTP_VIOLATION_BAD_GREETING | SMTP_VIOLATION_EARLY_TALKER),
               "unknown");
}

TEST(CApiNames, OtherNames) {
  EXPECT_EQ(smtp_version(), static_cast<std::uint32_t>(SMTP_VERSION));
  EXPECT_STREQ(smtp_status_name(SMTP_STATUS_OK), "ok");
  EXPECT_STREQ(smtp_status_name(SMTP_STATUS_NO_MEMORY), "no_memory");
  EXPECT_STREQ(smtp_status_name(SMTP_STATUS_INVALID_ARGUMENT), "invalid_argument");
  EXPECT_STREQ(smtp_status_name(SMTP_STATUS_REENTERED), "reentered");
  EXPECT_STREQ(smtp_status_name(SMTP_STATUS_BROKEN), "broken");
  EXPECT_STREQ(smtp_status_name(SMTP_STATUS_INTERNAL), "internal");
  EXPECT_STREQ(smtp_status_name(99), "unknown");
  EXPECT_STREQ(smtp_record_kind_name(SMTP_RECORD_AUTH_RESPONSE), "auth_response");
  EXPECT_STREQ(smtp_record_kind_name(5), "unknown");
  EXPECT_STREQ(smtp_record_kind_name(-1), "unknown");
  EXPECT_STREQ(smtp_verb_name(SMTP_VERB_STARTTLS), "STARTTLS");
  EXPECT_STREQ(smtp_verb_name(SMTP_VERB_UNKNOWN), "");
  EXPECT_STREQ(smtp_verb_name(15), "");
  EXPECT_STREQ(smtp_host_type_name(SMTP_HOST_IPV6), "ipv6");
  EXPECT_STREQ(smtp_host_type_name(-1), "unknown");
  EXPECT_STREQ(smtp_host_type_name(SMTP_HOST_GENERAL + 1), "unknown");
}

TEST(CApiOptions, DefaultsAreTheCppDefaults) {
  smtp_options o;
  std::memset(&o, 0xab, sizeof(o));
  smtp_options_init(&o);
  const smtp::Options d;
  EXPECT_EQ(o.struct_size, sizeof(smtp_options));
  EXPECT_EQ(o.policy, SMTP_POLICY_STRICT);
  EXPECT_EQ(o.utf8, 0);
  EXPECT_EQ(o.max_command_line, d.max_command_line);
  EXPECT_EQ(o.max_auth_line, d.max_auth_line);
  EXPECT_EQ(o.max_reply_line, d.max_reply_line);
  EXPECT_EQ(o.max_data_line, d.max_data_line);
  EXPECT_EQ(o.max_reply_lines, d.max_reply_lines);
  EXPECT_EQ(o.max_pending, d.max_pending);
  smtp_options_init(nullptr);  // ignored
}

TEST(CApiOptions, OutOfRangeValuesAreRefused) {
  struct Case {
    const char* name;
    void (*edit)(smtp_options*);
  };
  const Case cases[] = {
      {"policy 2", [](smtp_options* o) { o->policy = 2; }},
      {"policy -1", [](smtp_options* o) { o->policy = -1; }},
      {"max_command_line 1", [](smtp_options* o) { o->max_command_line = 1; }},
      {"max_auth_line 0", [](smtp_options* o) { o->max_auth_line = 0; }},
      {"max_reply_line 1", [](smtp_options* o) { o->max_reply_line = 1; }},
      {"max_data_line 1", [](smtp_options* o) { o->max_data_line = 1; }},
      {"max_reply_lines 0", [](smtp_options* o) { o->max_reply_lines = 0; }},
      {"struct_size 0", [](smtp_options* o) { o->struct_size = 0; }},
      {"struct_size short",
       [](smtp_options* o) { o->struct_size = offsetof(smtp_options, max_reply_lines) + 1; }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    smtp_options o;
    smtp_options_init(&o);
    c.edit(&o);
    smtp_command_stream* cs = reinterpret_cast<smtp_command_stream*>(&o);  // must be reset
    EXPECT_EQ(smtp_command_stream_new(&o, &cs), SMTP_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(cs, nullptr);
    smtp_reply_stream* rs = nullptr;
    EXPECT_EQ(smtp_reply_stream_new(&o, SMTP_REPLY_MODE_REPLIES, &rs),
              SMTP_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(rs, nullptr);
  }
  // The smallest values are accepted: a line holds at least its CRLF, a
  // reply at least one line.
  {
    smtp_options o;
    smtp_options_init(&o);
    o.max_command_line = o.max_auth_line = o.max_reply_line = o.max_data_line = 2;
    o.max_reply_lines = 1;
    smtp_command_stream* cs = nullptr;
    EXPECT_EQ(smtp_command_stream_new(&o, &cs), SMTP_STATUS_OK);
    smtp_command_stream_free(cs);
    smtp_reply_stream* small = nullptr;
    EXPECT_EQ(smtp_reply_stream_new(&o, SMTP_REPLY_MODE_REPLIES, &small), SMTP_STATUS_OK);
    smtp_reply_stream_free(small);
  }
  smtp_reply_stream* rs = nullptr;
  EXPECT_EQ(smtp_reply_stream_new(nullptr, 2, &rs), SMTP_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(smtp_command_stream_new(nullptr, nullptr), SMTP_STATUS_INVALID_ARGUMENT);
}

TEST(CApiOptions, LargerStructFromANewerCallerIsReadUpToWhatTheLibraryKnows) {
  struct Newer {
    smtp_options known;
    std::uint64_t appended_field;
  } newer;
  smtp_options_init(&newer.known);
  newer.known.struct_size = sizeof(newer);
  newer.known.max_command_line = 24;
  newer.appended_field = 0xdead;
  smtp_command_stream* s = nullptr;
  ASSERT_EQ(smtp_command_stream_new(&newer.known, &s), SMTP_STATUS_OK);
  smtp_fuzz::CCollector c;
  const std::string line = "NOOP " + std::string(30, 'x') + "\r\n";
  ASSERT_EQ(
      smtp_command_stream_feed(s, line.data(), line.size(), smtp_fuzz::CCollector::Callback, &c),
      SMTP_STATUS_OK);
  smtp_command_stream_free(s);
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.records[0].error, (smtp::Error{smtp::ErrorCode::kLineTooLong, 24}));
}

// Records through the C API, owned, for `input` fed in `chunk`-octet pieces.
std::vector<smtp_fuzz::OwnedRecord> RunC(std::string_view input, std::size_t chunk, int mode,
                                         const smtp_options& options) {
  smtp_fuzz::CCollector c;
  smtp_command_stream* cs = nullptr;
  smtp_reply_stream* rs = nullptr;
  if (mode == 0) {
    EXPECT_EQ(smtp_command_stream_new(&options, &cs), SMTP_STATUS_OK);
  } else {
    EXPECT_EQ(smtp_reply_stream_new(&options, mode - 1, &rs), SMTP_STATUS_OK);
  }
  for (std::size_t pos = 0; pos < input.size(); pos += chunk) {
    const std::string_view piece = input.substr(pos, chunk);
    const smtp_status st =
        cs ? smtp_command_stream_feed(cs, piece.data(), piece.size(), c.Callback, &c)
           : smtp_reply_stream_feed(rs, piece.data(), piece.size(), c.Callback, &c);
    EXPECT_EQ(st, SMTP_STATUS_OK);
  }
  EXPECT_EQ(cs ? smtp_command_stream_finish(cs, c.Callback, &c)
               : smtp_reply_stream_finish(rs, c.Callback, &c),
            SMTP_STATUS_OK);
  smtp_command_stream_free(cs);
  smtp_reply_stream_free(rs);
  return c.records;
}

std::vector<smtp_fuzz::OwnedRecord> RunCpp(std::string_view input, int mode,
                                           const smtp::Options& options) {
  if (mode == 0) {
    smtp::CommandStream s(options);
    return smtp_fuzz::RunStream(s, {input});
  }
  smtp::ReplyStream s(options, mode == 2 ? smtp::ReplyMode::kEhlo : smtp::ReplyMode::kReplies);
  return smtp_fuzz::RunStream(s, {input});
}

TEST(CApiRecords, EqualToTheCppApiOnEveryCaptureInEveryChunking) {
  std::size_t files = 0, records = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(SMTP_REALWORLD_DIR)) {
    if (!entry.is_regular_file()) continue;
    const std::string ext = entry.path().extension().string();
    if (ext != ".sent" && ext != ".cmds" && ext != ".reply") continue;
    const std::string input = ReadFile(entry.path());
    ++files;
    for (int mode : ext == ".reply" ? std::vector<int>{1, 2} : std::vector<int>{0}) {
      for (int lenient = 0; lenient < 2; ++lenient) {
        SCOPED_TRACE(entry.path().string() + " mode " + std::to_string(mode) + " lenient " +
                     std::to_string(lenient));
        smtp_options c_options;
        smtp_options_init(&c_options);
        c_options.policy = lenient ? SMTP_POLICY_LENIENT : SMTP_POLICY_STRICT;
        c_options.utf8 = 1;
        smtp::Options options;
        options.policy = lenient ? smtp::Policy::kLenient : smtp::Policy::kStrict;
        options.utf8 = true;
        const auto want = RunCpp(input, mode, options);
        records += want.size();
        for (std::size_t chunk : {input.size() + 1, std::size_t{1}, std::size_t{13}}) {
          SCOPED_TRACE(chunk);
          const auto got = RunC(input, chunk, mode, c_options);
          ASSERT_EQ(got.size(), want.size());
          for (std::size_t i = 0; i < got.size(); ++i) {
            EXPECT_EQ(got[i], want[i]) << smtp_fuzz::Describe(got[i]) << "\n"
                                       << smtp_fuzz::Describe(want[i]);
          }
        }
      }
    }
  }
  EXPECT_GT(files, 100u);
  EXPECT_GT(records, 1000u);
}

// ---- Sessions ---------------------------------------------------------------

std::vector<std::string_view> Pieces(std::string_view s, std::size_t chunk) {
  std::vector<std::string_view> out;
  for (std::size_t pos = 0; pos < s.size(); pos += chunk)
    out.push_back(s.substr(pos, chunk));
  return out;
}

// The C++ Session's records for the two streams fed whole, client first.
std::vector<smtp_fuzz::OwnedSessionRecord> RunCppSession(std::string_view client,
                                                         std::string_view server,
                                                         const smtp::Options& options) {
  return smtp_fuzz::RunSession(
      options, smtp::SessionInput::kTwoStreams,
      {{smtp::Direction::kClient, client}, {smtp::Direction::kServer, server}});
}

// smtp_session over two streams as a two-file reader does: `chunk` octets of
// the side smtp_session_wants names (the other when that one has ended).
std::vector<smtp_fuzz::OwnedSessionRecord> RunCSessionByWants(std::string_view client,
                                                              std::string_view server,
                                                              std::size_t chunk,
                                                              const smtp_options& options) {
  smtp_fuzz::CSessionCollector c;
  smtp_session* s = nullptr;
  EXPECT_EQ(smtp_session_new(&options, SMTP_SESSION_TWO_STREAMS, &s), SMTP_STATUS_OK);
  if (s == nullptr) return {};
  std::string_view left[2] = {client, server};
  bool open[2] = {true, true};
  while (open[0] || open[1]) {
    int side = smtp_session_wants(s) == SMTP_DIR_CLIENT ? 0 : 1;
    if (!open[side]) side = 1 - side;
    if (left[side].empty()) {
      open[side] = false;
      EXPECT_EQ(side == 0 ? smtp_session_close_client(s, c.Callback, &c)
                          : smtp_session_close_server(s, c.Callback, &c),
                SMTP_STATUS_OK);
      continue;
    }
    const std::string piece(left[side].substr(0, chunk));
    left[side].remove_prefix(piece.size());
    EXPECT_EQ(side == 0 ? smtp_session_feed_client(s, piece.data(), piece.size(), c.Callback, &c)
                        : smtp_session_feed_server(s, piece.data(), piece.size(), c.Callback, &c),
              SMTP_STATUS_OK);
  }
  EXPECT_EQ(smtp_session_finish(s, c.Callback, &c), SMTP_STATUS_OK);
  smtp_session_free(s);
  return c.records;
}

TEST(CApiSession, EqualToTheCppSessionOnEveryRealworldPairInEveryChunking) {
  std::size_t pairs = 0, records = 0, violations = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(SMTP_REALWORLD_DIR)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".sent") continue;
    std::filesystem::path reply = entry.path();
    reply.replace_extension(".reply");
    if (!std::filesystem::exists(reply)) continue;
    const std::string client = ReadFile(entry.path());
    const std::string server = ReadFile(reply);
    ++pairs;
    for (int lenient = 0; lenient < 2; ++lenient) {
      SCOPED_TRACE(entry.path().string() + " lenient " + std::to_string(lenient));
      smtp::Options options;
      options.policy = lenient ? smtp::Policy::kLenient : smtp::Policy::kStrict;
      options.utf8 = true;
      const smtp_options c_options = smtp_fuzz::COptions(options);
      const auto want = RunCppSession(client, server, options);
      records += want.size();
      for (const auto& r : want)
        violations += r.violations != 0 ? 1 : 0;
      const auto check = [&](const std::vector<smtp_fuzz::OwnedSessionRecord>& got) {
        ASSERT_EQ(got.size(), want.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
          EXPECT_EQ(got[i], want[i]) << smtp_fuzz::DescribeSession(got[i]) << "\n"
                                     << smtp_fuzz::DescribeSession(want[i]);
        }
      };
      for (std::size_t chunk :
           {client.size() + server.size() + 1, std::size_t{1}, std::size_t{13}, std::size_t{512}}) {
        SCOPED_TRACE("chunk " + std::to_string(chunk));
        {
          SCOPED_TRACE("fed as smtp_session_wants says");
          check(RunCSessionByWants(client, server, chunk, c_options));
        }
        {
          // Alternated chunk by chunk, and in lockstep with smtp::Session
          // (wants, extensions after every step; close calls when odd).
          SCOPED_TRACE("alternated");
          std::vector<smtp_fuzz::Step> steps;
          const auto cp = Pieces(client, chunk), sp = Pieces(server, chunk);
          for (std::size_t i = 0; i < std::max(cp.size(), sp.size()); ++i) {
            if (i < cp.size()) steps.push_back({smtp::Direction::kClient, cp[i]});
            if (i < sp.size()) steps.push_back({smtp::Direction::kServer, sp[i]});
          }
          check(smtp_fuzz::CheckSessionLockstep(options, smtp::SessionInput::kTwoStreams, steps,
                                                chunk % 2 == 1));
          // Interleaved: the same steps as a wire order; C equals C++ there too.
          smtp_fuzz::CheckSessionLockstep(options, smtp::SessionInput::kInterleaved, steps, false);
        }
      }
    }
  }
  EXPECT_GT(pairs, 100u);
  EXPECT_GT(records, 2000u);
  EXPECT_GT(violations, 10u);  // the captures include dialogues that break the rules
}

// Records of a session, each as a line: dir kind offset [verb|code] answers
// violations, to check values on a hand-made transcript.
struct SessionLines {
  std::vector<std::string> lines;
  static void Callback(const smtp_record* r, void* user) {
    std::string s = r->dir == SMTP_DIR_CLIENT ? "C " : "S ";
    s += smtp_record_kind_name(r->kind);
    s += " @" + std::to_string(r->offset);
    if (!r->ok) s += std::string(" error=") + smtp_error_name(r->error);
    if (r->ok && r->kind == SMTP_RECORD_COMMAND) s += std::string(" ") + smtp_verb_name(r->verb);
    if (r->ok && r->kind == SMTP_RECORD_REPLY) s += " " + std::to_string(r->code);
    if (r->has_answers) s += " answers=" + std::to_string(r->answers);
    for (int bit = 0; bit < 64; ++bit) {
      const std::uint64_t v = std::uint64_t{1} << bit;
      if (r->violations & v) s += std::string(" !") + smtp_violation_name(v);
    }
    static_cast<SessionLines*>(user)->lines.push_back(s);
  }
};

TEST(CApiSession, RefusedDataLeavesTheNextLineACommand) {
  // 554 to DATA: "QUIT" after it is a command, not message content.
  const std::string client =
      "EHLO c.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n"
      "QUIT\r\n";
  const std::string server =
      "220 mx.example ESMTP\r\n250-mx.example\r\n250 SIZE 1000\r\n250 ok\r\n250 ok\r\n"
      "554 no valid recipients\r\n221 bye\r\n";
  smtp_session* s = nullptr;
  ASSERT_EQ(smtp_session_new(nullptr, SMTP_SESSION_TWO_STREAMS, &s), SMTP_STATUS_OK);
  SessionLines out;
  ASSERT_EQ(smtp_session_feed_client(s, client.data(), client.size(), out.Callback, &out),
            SMTP_STATUS_OK);
  ASSERT_EQ(smtp_session_feed_server(s, server.data(), 53, out.Callback, &out), SMTP_STATUS_OK);
  // The EHLO reply is in: its capabilities are the extensions in force.
  smtp_iter it;
  smtp_view domain;
  smtp_capability cap;
  ASSERT_EQ(smtp_session_extensions(s, &it, &domain), 1);
  EXPECT_EQ(smtp_fuzz::Str(domain), "mx.example");
  ASSERT_EQ(smtp_capabilities_next(&it, &cap), 1);
  EXPECT_EQ(smtp_fuzz::Str(cap.keyword), "SIZE");
  EXPECT_EQ(smtp_capabilities_next(&it, &cap), 0);
  ASSERT_EQ(smtp_session_feed_server(s, server.data() + 53, server.size() - 53, out.Callback, &out),
            SMTP_STATUS_OK);
  ASSERT_EQ(smtp_session_finish(s, out.Callback, &out), SMTP_STATUS_OK);
  EXPECT_EQ(out.lines, (std::vector<std::string>{
                           "S reply @0 220",
                           "C command @0 EHLO",
                           "S reply @22 250 answers=0",
                           "C command @16 MAIL",
                           "S reply @53 250 answers=16",
                           "C command @41 RCPT",
                           "S reply @61 250 answers=41",
                           "C command @64 DATA",
                           "S reply @69 554 answers=64",
                           "C command @70 QUIT",
                           "S reply @94 221 answers=70",
                       }));
  // finish started the handle over: nothing in force.
  EXPECT_EQ(smtp_session_extensions(s, &it, &domain), 0);
  EXPECT_EQ(smtp_capabilities_next(&it, &cap), 0);
  EXPECT_EQ(domain.size, 0u);
  smtp_session_free(s);
}

TEST(CApiSession, ViolationsAndWants) {
  // RCPT before MAIL, accepted: out_of_sequence then accepted_out_of_sequence;
  // the server's stream ends first: unanswered_command.
  const std::string client = "HELO c.example\r\nRCPT TO:<c@d.example>\r\nNOOP\r\n";
  const std::string server = "220 mx.example\r\n250 hi\r\n250 ok\r\n";
  smtp_session* s = nullptr;
  ASSERT_EQ(smtp_session_new(nullptr, SMTP_SESSION_TWO_STREAMS, &s), SMTP_STATUS_OK);
  SessionLines out;
  // Nothing fed: the greeting decides everything, so the session wants the server.
  EXPECT_EQ(smtp_session_wants(s), SMTP_DIR_SERVER);
  ASSERT_EQ(smtp_session_feed_server(s, server.data(), server.size(), out.Callback, &out),
            SMTP_STATUS_OK);
  EXPECT_EQ(smtp_session_wants(s), SMTP_DIR_CLIENT);
  ASSERT_EQ(smtp_session_feed_client(s, client.data(), client.size(), out.Callback, &out),
            SMTP_STATUS_OK);
  ASSERT_EQ(smtp_session_close_server(s, out.Callback, &out), SMTP_STATUS_OK);
  ASSERT_EQ(smtp_session_finish(s, out.Callback, &out), SMTP_STATUS_OK);
  EXPECT_EQ(smtp_session_extensions(s, nullptr, nullptr), 0);  // HELO: none
  smtp_session_free(s);
  EXPECT_EQ(out.lines, (std::vector<std::string>{
                           "S reply @0 220",
                           "C command @0 HELO",
                           "S reply @16 250 answers=0",
                           "C command @16 RCPT !out_of_sequence",
                           "S reply @24 250 answers=16 !accepted_out_of_sequence",
                           "C command @39 NOOP !unanswered_command",
                       }));
}

TEST(CApiSession, OptionsInputAndMisuse) {
  smtp_session* s = reinterpret_cast<smtp_session*>(&s);
  EXPECT_EQ(smtp_session_new(nullptr, 2, &s), SMTP_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(smtp_session_new(nullptr, -1, &s), SMTP_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(smtp_session_new(nullptr, SMTP_SESSION_INTERLEAVED, nullptr),
            SMTP_STATUS_INVALID_ARGUMENT);
  smtp_options o;
  smtp_options_init(&o);
  o.policy = 7;
  EXPECT_EQ(smtp_session_new(&o, SMTP_SESSION_INTERLEAVED, &s), SMTP_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(smtp_session_feed_client(nullptr, "x", 1, nullptr, nullptr),
            SMTP_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(smtp_session_finish(nullptr, nullptr, nullptr), SMTP_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(smtp_session_wants(nullptr), SMTP_DIR_NONE);
  EXPECT_EQ(smtp_session_extensions(nullptr, nullptr, nullptr), 0);
  smtp_session_free(nullptr);

  // An older caller's struct, without max_pending: the default applies.
  smtp_options_init(&o);
  o.struct_size = offsetof(smtp_options, max_pending);
  o.max_pending = 1;  // beyond struct_size: not read
  ASSERT_EQ(smtp_session_new(&o, SMTP_SESSION_TWO_STREAMS, &s), SMTP_STATUS_OK);
  const std::string big = "NOOP " + std::string(200, 'x') + "\r\n";
  SessionLines out;
  ASSERT_EQ(smtp_session_feed_client(s, big.data(), big.size(), out.Callback, &out),
            SMTP_STATUS_OK);
  EXPECT_TRUE(out.lines.empty());  // waits for the greeting, within the default
  EXPECT_EQ(smtp_session_feed_client(s, nullptr, 1, nullptr, nullptr),
            SMTP_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(smtp_session_feed_server(s, nullptr, 1, nullptr, nullptr),
            SMTP_STATUS_INVALID_ARGUMENT);
  // No octets (NULL data and size 0) is a valid, empty feed.
  EXPECT_EQ(smtp_session_feed_client(s, nullptr, 0, nullptr, nullptr), SMTP_STATUS_OK);
  EXPECT_EQ(smtp_session_feed_server(s, nullptr, 0, nullptr, nullptr), SMTP_STATUS_OK);
  // A NULL callback drops the records; the session still reads on: after
  // the greeting the client's NOOP waits for its reply.
  EXPECT_EQ(smtp_session_feed_server(s, "220 mx\r\n", 8, nullptr, nullptr), SMTP_STATUS_OK);
  EXPECT_EQ(smtp_session_wants(s), SMTP_DIR_SERVER);
  smtp_session_free(s);

  // max_pending read: a small one lets the client octets go unanswered early.
  smtp_options_init(&o);
  o.max_pending = 16;
  ASSERT_EQ(smtp_session_new(&o, SMTP_SESSION_TWO_STREAMS, &s), SMTP_STATUS_OK);
  out.lines.clear();
  ASSERT_EQ(smtp_session_feed_client(s, big.data(), big.size(), out.Callback, &out),
            SMTP_STATUS_OK);
  EXPECT_FALSE(out.lines.empty());
  smtp_session_free(s);
}

TEST(CApiSession, ReentryAndThrowingCallback) {
  struct Inner {
    smtp_session* s;
    smtp_status feed = SMTP_STATUS_OK, close = SMTP_STATUS_OK, finish = SMTP_STATUS_OK;
    static void Callback(const smtp_record*, void* user) {
      auto* self = static_cast<Inner*>(user);
      self->feed = smtp_session_feed_server(self->s, "250 x\r\n", 7, nullptr, nullptr);
      self->close = smtp_session_close_client(self->s, nullptr, nullptr);
      self->finish = smtp_session_finish(self->s, nullptr, nullptr);
      smtp_session_free(self->s);  // refused inside the callback
    }
  } inner{};
  ASSERT_EQ(smtp_session_new(nullptr, SMTP_SESSION_INTERLEAVED, &inner.s), SMTP_STATUS_OK);
  EXPECT_EQ(smtp_session_feed_server(inner.s, "220 hi\r\n", 8, Inner::Callback, &inner),
            SMTP_STATUS_OK);
  EXPECT_EQ(inner.feed, SMTP_STATUS_REENTERED);
  EXPECT_EQ(inner.close, SMTP_STATUS_REENTERED);
  EXPECT_EQ(inner.finish, SMTP_STATUS_REENTERED);
  const auto thrower = [](const smtp_record*, void*) { throw std::runtime_error("callback"); };
  EXPECT_EQ(smtp_session_feed_client(inner.s, "NOOP\r\n", 6, nullptr, nullptr), SMTP_STATUS_OK);
  // The reply completes NOOP and itself: two records, the first one throws.
  EXPECT_EQ(smtp_session_feed_server(inner.s, "250 ok\r\n", 8, thrower, nullptr),
            SMTP_STATUS_INTERNAL);
  EXPECT_EQ(smtp_session_finish(inner.s, nullptr, nullptr), SMTP_STATUS_BROKEN);
  smtp_session_free(inner.s);
}

// One record, copied out during its callback.
struct Fields {
  std::vector<std::string> values;
  static void Callback(const smtp_record* r, void* user) {
    auto* f = static_cast<Fields*>(user);
    smtp_iter it;
    smtp_param p;
    smtp_params_begin(r, &it);
    while (smtp_params_next(&it, &p)) {
      f->values.push_back(smtp_fuzz::Str(p.keyword) + "=" +
                          (p.has_value ? smtp_fuzz::Str(p.value) : "(none)"));
    }
    smtp_view line;
    smtp_reply_lines_begin(r, &it);
    while (smtp_reply_lines_next(&it, &line))
      f->values.push_back("line:" + smtp_fuzz::Str(line));
    smtp_capability cap;
    smtp_capabilities_begin(r, &it);
    while (smtp_capabilities_next(&it, &cap)) {
      std::string s = "cap:" + smtp_fuzz::Str(cap.keyword);
      smtp_iter words;
      smtp_view word;
      smtp_words_begin(cap.params, &words);
      while (smtp_words_next(&words, &word))
        s += "|" + smtp_fuzz::Str(word);
      f->values.push_back(s);
    }
  }
};

TEST(CApiIterators, ParamsLinesAndCapabilitiesInOrder) {
  Fields f;
  smtp_command_stream* cs = nullptr;
  ASSERT_EQ(smtp_command_stream_new(nullptr, &cs), SMTP_STATUS_OK);
  const std::string mail = "MAIL FROM:<a@b.example> SIZE=10 BODY=8BITMIME SMTPUTF8\r\n";
  ASSERT_EQ(smtp_command_stream_feed(cs, mail.data(), mail.size(), Fields::Callback, &f),
            SMTP_STATUS_OK);
  smtp_command_stream_free(cs);
  EXPECT_EQ(f.values, (std::vector<std::string>{"SIZE=10", "BODY=8BITMIME", "SMTPUTF8=(none)"}));

  f.values.clear();
  smtp_reply_stream* rs = nullptr;
  ASSERT_EQ(smtp_reply_stream_new(nullptr, SMTP_REPLY_MODE_EHLO, &rs), SMTP_STATUS_OK);
  const std::string ehlo =
      "250-mx.example greets you\r\n250-SIZE 1000\r\n250-AUTH PLAIN LOGIN\r\n250 PIPELINING\r\n";
  // Split inside a line: the record's views then point into the stream's buffer.
  ASSERT_EQ(smtp_reply_stream_feed(rs, ehlo.data(), 20, Fields::Callback, &f), SMTP_STATUS_OK);
  ASSERT_EQ(smtp_reply_stream_feed(rs, ehlo.data() + 20, ehlo.size() - 20, Fields::Callback, &f),
            SMTP_STATUS_OK);
  smtp_reply_stream_free(rs);
  EXPECT_EQ(f.values,
            (std::vector<std::string>{"line:mx.example greets you", "line:SIZE 1000",
                                      "line:AUTH PLAIN LOGIN", "line:PIPELINING", "cap:SIZE|1000",
                                      "cap:AUTH|PLAIN|LOGIN", "cap:PIPELINING"}));
}

// A reply record over `lines` (a literal: static storage), as a stream fills it.
smtp_record ReplyRecord(const char* lines, std::size_t line_count, int32_t ok, int32_t is_ehlo) {
  smtp_record r;
  std::memset(&r, 0, sizeof(r));
  r.kind = SMTP_RECORD_REPLY;
  r.ok = ok;
  r.is_ehlo = is_ehlo;
  r.lines = smtp_view{lines, std::strlen(lines)};
  r.line_count = line_count;
  return r;
}

TEST(CApiIterators, EmptyForOtherKindsAndNullArguments) {
  smtp_record r;
  std::memset(&r, 0, sizeof(r));
  r.kind = SMTP_RECORD_DATA;
  r.ok = 1;
  smtp_iter it;
  smtp_param p;
  smtp_view v;
  smtp_capability cap;
  smtp_params_begin(&r, &it);
  EXPECT_EQ(smtp_params_next(&it, &p), 0);
  smtp_reply_lines_begin(&r, &it);
  EXPECT_EQ(smtp_reply_lines_next(&it, &v), 0);
  smtp_capabilities_begin(&r, &it);
  EXPECT_EQ(smtp_capabilities_next(&it, &cap), 0);
  smtp_params_begin(nullptr, &it);
  EXPECT_EQ(smtp_params_next(&it, &p), 0);
  smtp_params_begin(&r, nullptr);
  EXPECT_EQ(smtp_params_next(nullptr, &p), 0);
  smtp_words_begin(smtp_view{nullptr, 0}, &it);
  EXPECT_EQ(smtp_words_next(&it, &v), 0);
  smtp_capabilities_begin(nullptr, &it);
  EXPECT_EQ(smtp_capabilities_next(&it, &cap), 0);
  // A failed EHLO reply has no capabilities, even with is_ehlo and lines.
  const smtp_record bad = ReplyRecord("250-mx\r\n250 SIZE 10\r\n", 2, /*ok=*/0, /*is_ehlo=*/1);
  smtp_capabilities_begin(&bad, &it);
  EXPECT_EQ(smtp_capabilities_next(&it, &cap), 0);
}

// NULL iterators and outputs are ignored (next returns 0 for a NULL
// iterator and still advances for a NULL output); a record of the right
// kind that failed to parse has no params, lines or capabilities.
TEST(CApiIterators, NullIteratorsOutputsAndFailedRecords) {
  smtp_record reply =
      ReplyRecord("250-mx\r\n250-SIZE 10\r\n250 PIPELINING\r\n", 3, /*ok=*/1, /*is_ehlo=*/1);
  static const char kParams[] = "SIZE=10 BODY=8BITMIME";
  smtp_record mail;
  std::memset(&mail, 0, sizeof(mail));
  mail.kind = SMTP_RECORD_COMMAND;
  mail.ok = 1;
  mail.params = smtp_view{kParams, sizeof(kParams) - 1};
  const smtp_view words{"a  b c", 6};
  smtp_iter it;
  smtp_view v;
  smtp_param p;
  smtp_capability cap;
  smtp_reply_lines_begin(&reply, nullptr);
  EXPECT_EQ(smtp_reply_lines_next(nullptr, &v), 0);
  smtp_reply_lines_begin(nullptr, &it);
  EXPECT_EQ(smtp_reply_lines_next(&it, &v), 0);
  smtp_capabilities_begin(&reply, nullptr);
  EXPECT_EQ(smtp_capabilities_next(nullptr, &cap), 0);
  smtp_words_begin(words, nullptr);
  EXPECT_EQ(smtp_words_next(nullptr, &v), 0);
  const auto count = [&](auto next) {
    int n = 0;
    while (next(&it) == 1 && n < 10)
      ++n;
    return n;
  };
  smtp_params_begin(&mail, &it);
  EXPECT_EQ(count([](smtp_iter* i) { return smtp_params_next(i, nullptr); }), 2);
  smtp_reply_lines_begin(&reply, &it);
  EXPECT_EQ(count([](smtp_iter* i) { return smtp_reply_lines_next(i, nullptr); }), 3);
  smtp_capabilities_begin(&reply, &it);
  EXPECT_EQ(count([](smtp_iter* i) { return smtp_capabilities_next(i, nullptr); }), 2);
  smtp_words_begin(words, &it);
  EXPECT_EQ(count([](smtp_iter* i) { return smtp_words_next(i, nullptr); }), 3);
  // The same records, failed: nothing to iterate.
  mail.ok = 0;
  smtp_params_begin(&mail, &it);
  EXPECT_EQ(smtp_params_next(&it, &p), 0);
  reply.ok = 0;
  smtp_reply_lines_begin(&reply, &it);
  EXPECT_EQ(smtp_reply_lines_next(&it, &v), 0);
  // An ok reply that is no EHLO reply has lines but no capabilities.
  reply.ok = 1;
  reply.is_ehlo = 0;
  smtp_reply_lines_begin(&reply, &it);
  EXPECT_EQ(count([](smtp_iter* i) { return smtp_reply_lines_next(i, nullptr); }), 3);
  smtp_capabilities_begin(&reply, &it);
  EXPECT_EQ(smtp_capabilities_next(&it, &cap), 0);
}

TEST(CApiMisuse, NullArguments) {
  EXPECT_EQ(smtp_command_stream_feed(nullptr, "x", 1, nullptr, nullptr),
            SMTP_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(smtp_reply_stream_finish(nullptr, nullptr, nullptr), SMTP_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(smtp_command_stream_offset(nullptr), 0u);
  smtp_command_stream_free(nullptr);
  smtp_reply_stream_free(nullptr);
  smtp_command_stream* cs = nullptr;
  ASSERT_EQ(smtp_command_stream_new(nullptr, &cs), SMTP_STATUS_OK);
  EXPECT_EQ(smtp_command_stream_feed(cs, nullptr, 3, nullptr, nullptr),
            SMTP_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(smtp_command_stream_feed(cs, nullptr, 0, nullptr, nullptr), SMTP_STATUS_OK);
  // A NULL callback drops the records; the stream still advances.
  EXPECT_EQ(smtp_command_stream_feed(cs, "NOOP\r\n", 6, nullptr, nullptr), SMTP_STATUS_OK);
  EXPECT_EQ(smtp_command_stream_offset(cs), 6u);
  smtp_command_stream_free(cs);

  // The same for a reply stream.
  EXPECT_EQ(smtp_reply_stream_new(nullptr, SMTP_REPLY_MODE_REPLIES, nullptr),
            SMTP_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(smtp_reply_stream_feed(nullptr, "x", 1, nullptr, nullptr),
            SMTP_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(smtp_reply_stream_offset(nullptr), 0u);
  smtp_reply_stream* rs = nullptr;
  ASSERT_EQ(smtp_reply_stream_new(nullptr, SMTP_REPLY_MODE_REPLIES, &rs), SMTP_STATUS_OK);
  EXPECT_EQ(smtp_reply_stream_feed(rs, nullptr, 3, nullptr, nullptr), SMTP_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(smtp_reply_stream_feed(rs, nullptr, 0, nullptr, nullptr), SMTP_STATUS_OK);
  EXPECT_EQ(smtp_reply_stream_feed(rs, "250 ok\r\n", 8, nullptr, nullptr), SMTP_STATUS_OK);
  EXPECT_EQ(smtp_reply_stream_offset(rs), 8u);
  // Freeing a reply stream from inside its own callback is refused too.
  const auto free_inside = [](const smtp_record*, void* user) {
    smtp_reply_stream_free(static_cast<smtp_reply_stream*>(user));
  };
  EXPECT_EQ(smtp_reply_stream_feed(rs, "250 ok\r\n", 8, free_inside, rs), SMTP_STATUS_OK);
  EXPECT_EQ(smtp_reply_stream_offset(rs), 16u);  // still there
  smtp_reply_stream_free(rs);
}

struct Reenter {
  smtp_command_stream* stream;
  smtp_status inner_feed = SMTP_STATUS_OK;
  smtp_status inner_finish = SMTP_STATUS_OK;
  int calls = 0;
  static void Callback(const smtp_record*, void* user) {
    auto* self = static_cast<Reenter*>(user);
    ++self->calls;
    self->inner_feed = smtp_command_stream_feed(self->stream, "NOOP\r\n", 6, Callback, user);
    self->inner_finish = smtp_command_stream_finish(self->stream, Callback, user);
    smtp_command_stream_free(self->stream);  // refused inside the callback
  }
};

TEST(CApiMisuse, ReentryFromTheCallbackIsRefused) {
  Reenter r;
  ASSERT_EQ(smtp_command_stream_new(nullptr, &r.stream), SMTP_STATUS_OK);
  EXPECT_EQ(smtp_command_stream_feed(r.stream, "NOOP\r\nQUIT\r\n", 12, Reenter::Callback, &r),
            SMTP_STATUS_OK);
  EXPECT_EQ(r.calls, 2);
  EXPECT_EQ(r.inner_feed, SMTP_STATUS_REENTERED);
  EXPECT_EQ(r.inner_finish, SMTP_STATUS_REENTERED);
  // The stream survived and still works.
  EXPECT_EQ(smtp_command_stream_offset(r.stream), 12u);
  EXPECT_EQ(smtp_command_stream_feed(r.stream, "RSET\r\n", 6, nullptr, nullptr), SMTP_STATUS_OK);
  smtp_command_stream_free(r.stream);
}

TEST(CApiFailures, ThrowingCallbackBecomesInternalAndTheStreamBroken) {
  smtp_reply_stream* rs = nullptr;
  ASSERT_EQ(smtp_reply_stream_new(nullptr, SMTP_REPLY_MODE_REPLIES, &rs), SMTP_STATUS_OK);
  const auto thrower = [](const smtp_record*, void*) { throw std::runtime_error("callback"); };
  EXPECT_EQ(smtp_reply_stream_feed(rs, "250 ok\r\n", 8, thrower, nullptr), SMTP_STATUS_INTERNAL);
  EXPECT_EQ(smtp_reply_stream_feed(rs, "250 ok\r\n", 8, nullptr, nullptr), SMTP_STATUS_BROKEN);
  EXPECT_EQ(smtp_reply_stream_finish(rs, nullptr, nullptr), SMTP_STATUS_BROKEN);
  smtp_reply_stream_free(rs);
  // The same for a command stream.
  smtp_command_stream* cs = nullptr;
  ASSERT_EQ(smtp_command_stream_new(nullptr, &cs), SMTP_STATUS_OK);
  EXPECT_EQ(smtp_command_stream_feed(cs, "NOOP\r\n", 6, thrower, nullptr), SMTP_STATUS_INTERNAL);
  EXPECT_EQ(smtp_command_stream_feed(cs, "NOOP\r\n", 6, nullptr, nullptr), SMTP_STATUS_BROKEN);
  EXPECT_EQ(smtp_command_stream_finish(cs, nullptr, nullptr), SMTP_STATUS_BROKEN);
  smtp_command_stream_free(cs);
}

TEST(CApiFailures, OutOfMemoryIsAStatusNotAnException) {
  smtp_reply_stream* rs = nullptr;
  g_fail_allocations = true;
  EXPECT_EQ(smtp_reply_stream_new(nullptr, SMTP_REPLY_MODE_REPLIES, &rs), SMTP_STATUS_NO_MEMORY);
  g_fail_allocations = false;
  EXPECT_EQ(rs, nullptr);
  smtp_command_stream* cs = nullptr;
  g_fail_allocations = true;
  EXPECT_EQ(smtp_command_stream_new(nullptr, &cs), SMTP_STATUS_NO_MEMORY);
  g_fail_allocations = false;
  EXPECT_EQ(cs, nullptr);

  ASSERT_EQ(smtp_reply_stream_new(nullptr, SMTP_REPLY_MODE_REPLIES, &rs), SMTP_STATUS_OK);
  // A reply that spans feeds is kept in the stream's buffer: that allocates.
  const std::string big = "250-" + std::string(400, 'x') + "\r\n250";
  g_fail_allocations = true;
  const smtp_status st = smtp_reply_stream_feed(rs, big.data(), big.size(), nullptr, nullptr);
  g_fail_allocations = false;
  EXPECT_EQ(st, SMTP_STATUS_NO_MEMORY);
  EXPECT_EQ(smtp_reply_stream_feed(rs, " ok\r\n", 5, nullptr, nullptr), SMTP_STATUS_BROKEN);
  smtp_reply_stream_free(rs);
}

}  // namespace
