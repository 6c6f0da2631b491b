// fuzz/c_api_checks.h: the C API (smtp/smtp.h) against the C++ API it wraps.
// The same input, options and chunking go through smtp::CommandStream /
// smtp::ReplyStream and through smtp_command_stream / smtp_reply_stream;
// the records, read back through the C iterators, must be equal field by
// field, and every C view must lie inside the chunk being fed or be empty
// (or point into the stream's own buffer, for lines that span chunks).
// The session path (CheckCApiSession) does the same for smtp::Session and
// smtp_session, fed in lockstep: records with dir, answers and violations,
// wants() and the extensions in force after every step.
#ifndef SMTP_FUZZ_C_API_CHECKS_H_
#define SMTP_FUZZ_C_API_CHECKS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "session_checks.h"
#include "smtp/session.h"
#include "smtp/smtp.h"
#include "smtp/stream.h"

namespace smtp_fuzz {

inline std::string Str(smtp_view v) {
  return v.size == 0 ? std::string() : std::string(v.data, v.size);
}

// The rest of a capability iteration, owned.
inline std::vector<OwnedCapability> OwnCapabilities(smtp_iter* it) {
  std::vector<OwnedCapability> out;
  smtp_capability cap;
  while (smtp_capabilities_next(it, &cap)) {
    OwnedCapability oc;
    oc.keyword = Str(cap.keyword);
    smtp_iter words;
    smtp_view word;
    smtp_words_begin(cap.params, &words);
    while (smtp_words_next(&words, &word))
      oc.params.push_back(Str(word));
    out.push_back(oc);
  }
  return out;
}

// An owned copy of a C record, in the fuzz suite's comparable form. Only
// session records (`session`) may have the session fields set.
inline OwnedRecord OwnC(const smtp_record& c, bool session = false) {
  OwnedRecord o;
  o.kind = static_cast<smtp::RecordKind>(c.kind);
  o.offset = c.offset;
  o.length = c.length;
  o.error = smtp::Error{static_cast<smtp::ErrorCode>(c.error), c.error_offset};
  o.deviations = static_cast<std::uint16_t>(c.deviations);
  o.data_bytes = c.kind == SMTP_RECORD_DATA ? c.data_bytes : 0;
  FUZZ_CHECK(c.struct_size == sizeof(smtp_record), "struct_size %zu", c.struct_size);
  FUZZ_CHECK((c.ok != 0) == (c.error == SMTP_ERROR_OK), "ok %d with error %d", c.ok, c.error);
  if (session) {
    FUZZ_CHECK(c.dir == SMTP_DIR_CLIENT || c.dir == SMTP_DIR_SERVER, "dir %d", c.dir);
    FUZZ_CHECK(c.has_answers == 0 || c.has_answers == 1, "has_answers %d", c.has_answers);
    FUZZ_CHECK(c.has_answers != 0 || c.answers == 0, "answers without has_answers");
    FUZZ_CHECK(c.has_answers == 0 || c.dir == SMTP_DIR_SERVER, "a client record answers");
    for (int bit = 0; bit < 64; ++bit) {
      const std::uint64_t v = std::uint64_t{1} << bit;
      if ((c.violations & v) == 0) continue;
      FUZZ_CHECK(bit < SMTP_VIOLATION_COUNT &&
                     smtp::ViolationName(static_cast<smtp::Violation>(v)) == smtp_violation_name(v),
                 "violation bit %d", bit);
    }
  } else {
    FUZZ_CHECK(c.dir == SMTP_DIR_NONE && c.has_answers == 0 && c.violations == 0,
               "session fields set in a one-way stream");
  }
  // Names through the C API are the C++ names.
  FUZZ_CHECK(smtp::ErrorName(o.error.code) == smtp_error_name(c.error), "error name of %d",
             c.error);
  FUZZ_CHECK(smtp::RecordKindName(o.kind) == smtp_record_kind_name(c.kind), "kind name of %d",
             c.kind);
  for (int bit = 0; bit < 32; ++bit) {
    const std::uint32_t d = std::uint32_t{1} << bit;
    if ((c.deviations & d) == 0) continue;
    FUZZ_CHECK(
        bit < 16 && smtp::DeviationName(static_cast<smtp::Deviation>(d)) == smtp_deviation_name(d),
        "deviation bit %d", bit);
  }
  if (!c.ok) return o;
  switch (c.kind) {
    case SMTP_RECORD_COMMAND: {
      o.verb = static_cast<smtp::Verb>(c.verb);
      o.host_type = static_cast<smtp::HostType>(c.host_type);
      FUZZ_CHECK(smtp::VerbName(o.verb) == smtp_verb_name(c.verb), "verb name of %d", c.verb);
      FUZZ_CHECK(smtp::HostTypeName(o.host_type) == smtp_host_type_name(c.host_type),
                 "host type name of %d", c.host_type);
      o.host = Str(c.host);
      o.path = Str(c.path);
      smtp_iter it;
      smtp_param p;
      smtp_params_begin(&c, &it);
      while (smtp_params_next(&it, &p))
        o.params.push_back({Str(p.keyword), Str(p.value), p.has_value != 0});
      FUZZ_CHECK(!smtp_params_next(&it, &p), "params iterator restarted after its end");
      o.bdat_size = c.bdat_size;
      o.bdat_last = c.bdat_last != 0;
      o.mechanism = Str(c.mechanism);
      o.initial_response = Str(c.initial_response);
      o.has_initial_response = c.has_initial_response != 0;
      o.argument = Str(c.argument);
      o.has_argument = c.has_argument != 0;
      break;
    }
    case SMTP_RECORD_AUTH_RESPONSE:
      o.auth_response = Str(c.auth_response);
      break;
    case SMTP_RECORD_REPLY: {
      o.code = static_cast<std::uint16_t>(c.code);
      smtp_iter it;
      smtp_view line;
      smtp_reply_lines_begin(&c, &it);
      while (smtp_reply_lines_next(&it, &line))
        o.lines.push_back(Str(line));
      FUZZ_CHECK(o.lines.size() == c.line_count, "%zu lines, line_count %zu", o.lines.size(),
                 c.line_count);
      o.has_enhanced = c.has_enhanced != 0;
      if (o.has_enhanced) {
        o.enhanced_numbers.klass = static_cast<std::uint8_t>(c.enhanced_class);
        o.enhanced_numbers.subject = static_cast<std::uint16_t>(c.enhanced_subject);
        o.enhanced_numbers.detail = static_cast<std::uint16_t>(c.enhanced_detail);
        o.enhanced_text = Str(c.enhanced);
      }
      o.is_ehlo = c.is_ehlo != 0;
      if (o.is_ehlo) {
        o.domain = Str(c.domain);
        o.greeting = Str(c.greeting);
        smtp_capabilities_begin(&c, &it);
        o.capabilities = OwnCapabilities(&it);
        FUZZ_CHECK(o.capabilities.size() == c.capability_count, "%zu capabilities, count %zu",
                   o.capabilities.size(), c.capability_count);
      }
      break;
    }
    default:
      break;
  }
  return o;
}

struct CCollector {
  std::vector<OwnedRecord> records;
  static void Callback(const smtp_record* r, void* user) {
    static_cast<CCollector*>(user)->records.push_back(OwnC(*r));
  }
};

inline OwnedSessionRecord OwnCSession(const smtp_record& c) {
  OwnedSessionRecord o;
  o.record = OwnC(c, true);
  o.dir = c.dir == SMTP_DIR_CLIENT ? smtp::Direction::kClient : smtp::Direction::kServer;
  o.has_answers = c.has_answers != 0;
  o.answers = c.answers;
  o.violations = static_cast<std::uint16_t>(c.violations);
  FUZZ_CHECK(o.violations == c.violations, "violation bits beyond 16");
  return o;
}

struct CSessionCollector {
  std::vector<OwnedSessionRecord> records;
  static void Callback(const smtp_record* r, void* user) {
    static_cast<CSessionCollector*>(user)->records.push_back(OwnCSession(*r));
  }
};

// The C options for C++ options, every field set (max_pending included).
inline smtp_options COptions(const smtp::Options& in) {
  smtp_options options;
  smtp_options_init(&options);
  options.policy = in.lenient() ? SMTP_POLICY_LENIENT : SMTP_POLICY_STRICT;
  options.utf8 = in.utf8 ? 1 : 0;
  options.max_command_line = in.max_command_line;
  options.max_auth_line = in.max_auth_line;
  options.max_reply_line = in.max_reply_line;
  options.max_data_line = in.max_data_line;
  options.max_reply_lines = in.max_reply_lines;
  options.max_pending = in.max_pending;
  return options;
}

// The capabilities of the extensions in force, read through the C API.
inline std::vector<OwnedCapability> CExtensions(const smtp_session* s, bool* has,
                                                std::string* domain) {
  smtp_iter it;
  smtp_view d;
  *has = smtp_session_extensions(s, &it, &d) != 0;
  *domain = Str(d);
  return OwnCapabilities(&it);
}

inline std::vector<OwnedCapability> CppExtensions(const smtp::Session& s, bool* has,
                                                  std::string* domain) {
  const smtp::EhloReply* e = s.extensions();
  *has = e != nullptr;
  domain->clear();
  if (e == nullptr) return {};
  *domain = std::string(e->domain);
  return CopyCapabilities(e->capabilities);
}

// Runs `steps` (then finish) through smtp::Session and smtp_session in
// lockstep: after every step the records so far, wants() and the extensions
// in force must agree. Returns the C records. `close_after_steps` closes
// both directions (client first) before finishing.
inline std::vector<OwnedSessionRecord> CheckSessionLockstep(const smtp::Options& options,
                                                            smtp::SessionInput input,
                                                            const std::vector<Step>& steps,
                                                            bool close_after_steps) {
  std::vector<OwnedSessionRecord> cpp;
  smtp::Session session(options, input);
  const auto sink = [&](const smtp::SessionRecord& r) { cpp.push_back(OwnSession(r)); };
  const smtp_options c_options = COptions(options);
  smtp_session* s = nullptr;
  FUZZ_CHECK(smtp_session_new(&c_options,
                              input == smtp::SessionInput::kInterleaved ? SMTP_SESSION_INTERLEAVED
                                                                        : SMTP_SESSION_TWO_STREAMS,
                              &s) == SMTP_STATUS_OK,
             "smtp_session_new failed");
  CSessionCollector c;
  const auto compare = [&](const char* when) {
    CheckSameSession(cpp, c.records, when);
    const int32_t want =
        session.wants() == smtp::Direction::kClient ? SMTP_DIR_CLIENT : SMTP_DIR_SERVER;
    FUZZ_CHECK(smtp_session_wants(s) == want, "%s: wants %d, C++ %d", when, smtp_session_wants(s),
               want);
    bool has_c = false, has_cpp = false;
    std::string domain_c, domain_cpp;
    const auto ext_c = CExtensions(s, &has_c, &domain_c);
    const auto ext_cpp = CppExtensions(session, &has_cpp, &domain_cpp);
    FUZZ_CHECK(has_c == has_cpp && domain_c == domain_cpp && ext_c == ext_cpp,
               "%s: extensions in force differ", when);
  };
  for (const auto& [dir, bytes] : steps) {
    // A copy of exactly the chunk's size: ASan sees reads past it.
    const std::string chunk(bytes);
    if (dir == smtp::Direction::kClient) {
      session.FeedClient(chunk, sink);
      FUZZ_CHECK(smtp_session_feed_client(s, chunk.data(), chunk.size(),
                                          CSessionCollector::Callback, &c) == SMTP_STATUS_OK,
                 "smtp_session_feed_client failed");
    } else {
      session.FeedServer(chunk, sink);
      FUZZ_CHECK(smtp_session_feed_server(s, chunk.data(), chunk.size(),
                                          CSessionCollector::Callback, &c) == SMTP_STATUS_OK,
                 "smtp_session_feed_server failed");
    }
    compare("after a step");
  }
  if (close_after_steps) {
    session.CloseClient(sink);
    FUZZ_CHECK(smtp_session_close_client(s, CSessionCollector::Callback, &c) == SMTP_STATUS_OK,
               "smtp_session_close_client failed");
    compare("after close_client");
    session.CloseServer(sink);
    FUZZ_CHECK(smtp_session_close_server(s, CSessionCollector::Callback, &c) == SMTP_STATUS_OK,
               "smtp_session_close_server failed");
    compare("after close_server");
  }
  session.Finish(sink);
  FUZZ_CHECK(smtp_session_finish(s, CSessionCollector::Callback, &c) == SMTP_STATUS_OK,
             "smtp_session_finish failed");
  CheckSameSession(cpp, c.records, "after finish");
  // finish starts the handle over: nothing in force, nothing pending.
  bool has = true;
  std::string domain;
  FUZZ_CHECK(CExtensions(s, &has, &domain).empty() && !has, "extensions survive finish");
  FUZZ_CHECK(smtp_session_wants(s) == SMTP_DIR_CLIENT || smtp_session_wants(s) == SMTP_DIR_SERVER,
             "wants %d after finish", smtp_session_wants(s));
  smtp_session_free(s);
  return c.records;
}

// The session path of a c_api input (byte 0 bit 6): bit 5 interleaved (else
// two streams), bit 4 a small max_pending (16 + 32 * seed; the overflow
// path), bits 0-3 and bytes 1-2 DecodeSetup's; byte 3 where the client's
// octets end (a fraction of the rest, as in session_split), then the
// client's octets and the server's.
inline void CheckCApiSession(const std::uint8_t* data, std::size_t size) {
  if (size < kHeaderSize + 1) return;
  const StreamSetup setup = DecodeSetup(data);
  smtp::Options options = setup.options;
  if ((data[0] & 0x10) != 0) options.max_pending = 16 + setup.seed * 32u;
  const smtp::SessionInput input =
      (data[0] & 0x20) != 0 ? smtp::SessionInput::kInterleaved : smtp::SessionInput::kTwoStreams;
  const std::string_view rest(reinterpret_cast<const char*>(data) + kHeaderSize + 1,
                              size - kHeaderSize - 1);
  const std::size_t cut = rest.size() * data[kHeaderSize] / 255;
  const std::string_view client = rest.substr(0, cut);
  const std::string_view server = rest.substr(cut);
  const std::vector<Step> steps =
      Alternate(Chunks(client, setup.seed, setup.shape),
                Chunks(server, setup.seed ^ 0x5A, setup.shape), setup.seed);
  const auto records = CheckSessionLockstep(options, input, steps, (setup.seed & 1) != 0);
  CheckSessionTiling(records, client.size(), server.size());
}

// byte 0 bit 6 of a c_api input: the session (CheckCApiSession); else bit
// 5: the reply stream (else the command stream); the rest of the header is
// DecodeSetup's.
inline void CheckCApi(const std::uint8_t* data, std::size_t size) {
  if (size < kHeaderSize) return;
  if ((data[0] & 0x40) != 0) {
    CheckCApiSession(data, size);
    return;
  }
  const StreamSetup setup = DecodeSetup(data);
  const bool replies = (data[0] & 0x20) != 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + kHeaderSize,
                              size - kHeaderSize);
  const std::vector<std::string_view> chunks = Chunks(body, setup.seed, setup.shape);

  smtp_options options = COptions(setup.options);
  // An older caller's struct (the first version's size) is read the same.
  options.struct_size = offsetof(smtp_options, max_reply_lines) + sizeof(options.max_reply_lines);

  std::vector<OwnedRecord> cpp;
  CCollector c;
  if (replies) {
    const smtp::ReplyMode mode =
        setup.ehlo_mode ? smtp::ReplyMode::kEhlo : smtp::ReplyMode::kReplies;
    smtp::ReplyStream stream(setup.options, mode);
    cpp = RunStream(stream, chunks);
    smtp_reply_stream* s = nullptr;
    FUZZ_CHECK(smtp_reply_stream_new(
                   &options, setup.ehlo_mode ? SMTP_REPLY_MODE_EHLO : SMTP_REPLY_MODE_REPLIES,
                   &s) == SMTP_STATUS_OK,
               "smtp_reply_stream_new failed");
    for (std::string_view chunk : chunks) {
      FUZZ_CHECK(smtp_reply_stream_feed(s, chunk.data(), chunk.size(), CCollector::Callback, &c) ==
                     SMTP_STATUS_OK,
                 "smtp_reply_stream_feed failed");
    }
    FUZZ_CHECK(smtp_reply_stream_finish(s, CCollector::Callback, &c) == SMTP_STATUS_OK,
               "smtp_reply_stream_finish failed");
    FUZZ_CHECK(smtp_reply_stream_offset(s) == 0, "offset not reset by finish");
    smtp_reply_stream_free(s);
  } else {
    smtp::CommandStream stream(setup.options);
    cpp = RunStream(stream, chunks);
    smtp_command_stream* s = nullptr;
    FUZZ_CHECK(smtp_command_stream_new(&options, &s) == SMTP_STATUS_OK,
               "smtp_command_stream_new failed");
    for (std::string_view chunk : chunks) {
      FUZZ_CHECK(smtp_command_stream_feed(s, chunk.data(), chunk.size(), CCollector::Callback,
                                          &c) == SMTP_STATUS_OK,
                 "smtp_command_stream_feed failed");
    }
    FUZZ_CHECK(smtp_command_stream_finish(s, CCollector::Callback, &c) == SMTP_STATUS_OK,
               "smtp_command_stream_finish failed");
    FUZZ_CHECK(smtp_command_stream_offset(s) == 0, "offset not reset by finish");
    smtp_command_stream_free(s);
  }
  CheckSameRecords(cpp, c.records, "C++ API vs C API");
  CheckTiling(c.records, body.size());
}

}  // namespace smtp_fuzz

#endif  // SMTP_FUZZ_C_API_CHECKS_H_
