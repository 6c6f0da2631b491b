// fuzz/c_api_checks.h: the C API (smtp/smtp.h) against the C++ API it wraps.
// The same input, options and chunking go through smtp::CommandStream /
// smtp::ReplyStream and through smtp_command_stream / smtp_reply_stream;
// the records, read back through the C iterators, must be equal field by
// field, and every C view must lie inside the chunk being fed or be empty
// (or point into the stream's own buffer, for lines that span chunks).
#ifndef SMTP_FUZZ_C_API_CHECKS_H_
#define SMTP_FUZZ_C_API_CHECKS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "smtp/smtp.h"
#include "smtp/stream.h"

namespace smtp_fuzz {

inline std::string Str(smtp_view v) {
  return v.size == 0 ? std::string() : std::string(v.data, v.size);
}

// An owned copy of a C record, in the fuzz suite's comparable form.
inline OwnedRecord OwnC(const smtp_record& c) {
  OwnedRecord o;
  o.kind = static_cast<smtp::RecordKind>(c.kind);
  o.offset = c.offset;
  o.length = c.length;
  o.error = smtp::Error{static_cast<smtp::ErrorCode>(c.error), c.error_offset};
  o.deviations = static_cast<std::uint16_t>(c.deviations);
  o.data_bytes = c.kind == SMTP_RECORD_DATA ? c.data_bytes : 0;
  FUZZ_CHECK(c.struct_size == sizeof(smtp_record), "struct_size %zu", c.struct_size);
  FUZZ_CHECK((c.ok != 0) == (c.error == SMTP_ERROR_OK), "ok %d with error %d", c.ok, c.error);
  FUZZ_CHECK(c.dir == SMTP_DIR_NONE && c.has_answers == 0 && c.violations == 0,
             "session fields set in a one-way stream");
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
        smtp_capability cap;
        smtp_capabilities_begin(&c, &it);
        while (smtp_capabilities_next(&it, &cap)) {
          OwnedCapability oc;
          oc.keyword = Str(cap.keyword);
          smtp_iter words;
          smtp_view word;
          smtp_words_begin(cap.params, &words);
          while (smtp_words_next(&words, &word))
            oc.params.push_back(Str(word));
          o.capabilities.push_back(oc);
        }
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

// byte 0 bit 5 of a c_api input: the reply stream (else the command stream);
// the rest of the header is DecodeSetup's.
inline void CheckCApi(const std::uint8_t* data, std::size_t size) {
  if (size < kHeaderSize) return;
  const StreamSetup setup = DecodeSetup(data);
  const bool replies = (data[0] & 0x20) != 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + kHeaderSize,
                              size - kHeaderSize);
  const std::vector<std::string_view> chunks = Chunks(body, setup.seed, setup.shape);

  smtp_options options;
  smtp_options_init(&options);
  // An older caller's struct (the first version's size) is read the same.
  options.struct_size = offsetof(smtp_options, max_reply_lines) + sizeof(options.max_reply_lines);
  options.policy = setup.options.lenient() ? SMTP_POLICY_LENIENT : SMTP_POLICY_STRICT;
  options.utf8 = setup.options.utf8 ? 1 : 0;
  options.max_command_line = setup.options.max_command_line;
  options.max_auth_line = setup.options.max_auth_line;
  options.max_reply_line = setup.options.max_reply_line;
  options.max_data_line = setup.options.max_data_line;
  options.max_reply_lines = setup.options.max_reply_lines;

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
