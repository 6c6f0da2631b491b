// The C API (smtp/smtp.h) over the C++ stream parsers: handles own a
// smtp::CommandStream or smtp::ReplyStream, records are translated field by
// field into smtp_record, iterators keep the C++ iterators in caller memory.
// No grammar lives here. Every exception stops at this boundary.
#define SMTP_BUILDING_C_API 1
#include "smtp/smtp.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <type_traits>

#include "smtp/command.h"
#include "smtp/ehlo.h"
#include "smtp/error.h"
#include "smtp/line.h"
#include "smtp/options.h"
#include "smtp/reply.h"
#include "smtp/stream.h"

// The C enums carry the C++ values: they are the same ABI.
static_assert(SMTP_ERROR_OK == static_cast<int>(smtp::ErrorCode::kOk));
static_assert(SMTP_ERROR_INCOMPLETE == static_cast<int>(smtp::ErrorCode::kIncomplete));
static_assert(SMTP_ERROR_LINE_TOO_LONG == static_cast<int>(smtp::ErrorCode::kLineTooLong));
static_assert(SMTP_ERROR_BARE_LF == static_cast<int>(smtp::ErrorCode::kBareLf));
static_assert(SMTP_ERROR_BARE_CR == static_cast<int>(smtp::ErrorCode::kBareCr));
static_assert(SMTP_ERROR_BAD_CHAR == static_cast<int>(smtp::ErrorCode::kBadChar));
static_assert(SMTP_ERROR_UNKNOWN_COMMAND == static_cast<int>(smtp::ErrorCode::kUnknownCommand));
static_assert(SMTP_ERROR_SYNTAX == static_cast<int>(smtp::ErrorCode::kSyntax));
static_assert(SMTP_ERROR_BAD_DOMAIN == static_cast<int>(smtp::ErrorCode::kBadDomain));
static_assert(SMTP_ERROR_BAD_ADDRESS_LITERAL ==
              static_cast<int>(smtp::ErrorCode::kBadAddressLiteral));
static_assert(SMTP_ERROR_BAD_PATH == static_cast<int>(smtp::ErrorCode::kBadPath));
static_assert(SMTP_ERROR_BAD_PARAM == static_cast<int>(smtp::ErrorCode::kBadParam));
static_assert(SMTP_ERROR_BAD_REPLY_CODE == static_cast<int>(smtp::ErrorCode::kBadReplyCode));
static_assert(SMTP_ERROR_BAD_SEPARATOR == static_cast<int>(smtp::ErrorCode::kBadSeparator));
static_assert(SMTP_ERROR_CODE_MISMATCH == static_cast<int>(smtp::ErrorCode::kCodeMismatch));
static_assert(SMTP_ERROR_TOO_MANY_LINES == static_cast<int>(smtp::ErrorCode::kTooManyLines));
static_assert(SMTP_ERROR_BAD_KEYWORD == static_cast<int>(smtp::ErrorCode::kBadKeyword));
static_assert(SMTP_ERROR_BAD_BASE64 == static_cast<int>(smtp::ErrorCode::kBadBase64));
static_assert(SMTP_ERROR_STARTTLS_INJECTION ==
              static_cast<int>(smtp::ErrorCode::kStarttlsInjection));
// A new smtp::ErrorCode needs its SMTP_ERROR_ constant in smtp.h.
static_assert(SMTP_ERROR_LAST == static_cast<int>(smtp::kLastErrorCode));

static_assert(SMTP_DEVIATION_BARE_LF == static_cast<unsigned>(smtp::Deviation::kBareLf));
static_assert(SMTP_DEVIATION_BARE_CR == static_cast<unsigned>(smtp::Deviation::kBareCr));
static_assert(SMTP_DEVIATION_EXTRA_SPACE == static_cast<unsigned>(smtp::Deviation::kExtraSpace));
static_assert(SMTP_DEVIATION_TRAILING_SPACE ==
              static_cast<unsigned>(smtp::Deviation::kTrailingSpace));
static_assert(SMTP_DEVIATION_SPACE_AFTER_COLON ==
              static_cast<unsigned>(smtp::Deviation::kSpaceAfterColon));
static_assert(SMTP_DEVIATION_HELO_ADDRESS_LITERAL ==
              static_cast<unsigned>(smtp::Deviation::kHeloAddressLiteral));
static_assert(SMTP_DEVIATION_EMPTY_REPLY_TEXT ==
              static_cast<unsigned>(smtp::Deviation::kEmptyReplyText));
static_assert(SMTP_DEVIATION_OLD_AUTH_SYNTAX ==
              static_cast<unsigned>(smtp::Deviation::kOldAuthSyntax));
static_assert(SMTP_DEVIATION_NUMERIC_DOMAIN ==
              static_cast<unsigned>(smtp::Deviation::kNumericDomain));
static_assert(SMTP_DEVIATION_UNREGISTERED_LITERAL_TAG ==
              static_cast<unsigned>(smtp::Deviation::kUnregisteredLiteralTag));
static_assert(SMTP_DEVIATION_VRFY_MAILBOX == static_cast<unsigned>(smtp::Deviation::kVrfyMailbox));
static_assert(SMTP_DEVIATION_REPEATED_PARAM ==
              static_cast<unsigned>(smtp::Deviation::kRepeatedParam));
// A new smtp::Deviation needs its SMTP_DEVIATION_ constant in smtp.h.
static_assert(SMTP_DEVIATION_COUNT == smtp::kDeviationCount);
static_assert(sizeof(smtp::Deviations{}.bits()) <= sizeof(std::uint32_t));

static_assert(SMTP_RECORD_COMMAND == static_cast<int>(smtp::RecordKind::kCommand));
static_assert(SMTP_RECORD_DATA == static_cast<int>(smtp::RecordKind::kData));
static_assert(SMTP_RECORD_AUTH_RESPONSE == static_cast<int>(smtp::RecordKind::kAuthResponse));
static_assert(SMTP_RECORD_TLS == static_cast<int>(smtp::RecordKind::kTls));
static_assert(SMTP_RECORD_REPLY == static_cast<int>(smtp::RecordKind::kReply));

static_assert(SMTP_VERB_UNKNOWN == static_cast<int>(smtp::Verb::kUnknown));
static_assert(SMTP_VERB_HELO == static_cast<int>(smtp::Verb::kHelo));
static_assert(SMTP_VERB_EHLO == static_cast<int>(smtp::Verb::kEhlo));
static_assert(SMTP_VERB_MAIL == static_cast<int>(smtp::Verb::kMail));
static_assert(SMTP_VERB_RCPT == static_cast<int>(smtp::Verb::kRcpt));
static_assert(SMTP_VERB_DATA == static_cast<int>(smtp::Verb::kData));
static_assert(SMTP_VERB_BDAT == static_cast<int>(smtp::Verb::kBdat));
static_assert(SMTP_VERB_RSET == static_cast<int>(smtp::Verb::kRset));
static_assert(SMTP_VERB_VRFY == static_cast<int>(smtp::Verb::kVrfy));
static_assert(SMTP_VERB_EXPN == static_cast<int>(smtp::Verb::kExpn));
static_assert(SMTP_VERB_HELP == static_cast<int>(smtp::Verb::kHelp));
static_assert(SMTP_VERB_NOOP == static_cast<int>(smtp::Verb::kNoop));
static_assert(SMTP_VERB_QUIT == static_cast<int>(smtp::Verb::kQuit));
static_assert(SMTP_VERB_STARTTLS == static_cast<int>(smtp::Verb::kStartTls));
static_assert(SMTP_VERB_AUTH == static_cast<int>(smtp::Verb::kAuth));

static_assert(SMTP_HOST_DOMAIN == static_cast<int>(smtp::HostType::kDomain));
static_assert(SMTP_HOST_IPV4 == static_cast<int>(smtp::HostType::kIpv4));
static_assert(SMTP_HOST_IPV6 == static_cast<int>(smtp::HostType::kIpv6));
static_assert(SMTP_HOST_GENERAL == static_cast<int>(smtp::HostType::kGeneral));

static_assert(SMTP_POLICY_STRICT == static_cast<int>(smtp::Policy::kStrict));
static_assert(SMTP_POLICY_LENIENT == static_cast<int>(smtp::Policy::kLenient));
static_assert(SMTP_REPLY_MODE_REPLIES == static_cast<int>(smtp::ReplyMode::kReplies));
static_assert(SMTP_REPLY_MODE_EHLO == static_cast<int>(smtp::ReplyMode::kEhlo));

// The handles. A failed call (out of memory, an exception) may leave the
// C++ stream half-way through a record: `broken` refuses further use.
struct smtp_command_stream {
  explicit smtp_command_stream(const smtp::Options& options) : stream(options) {}
  smtp::CommandStream stream;
  bool busy = false;  // inside feed/finish: a callback must not re-enter
  bool broken = false;
};

struct smtp_reply_stream {
  smtp_reply_stream(const smtp::Options& options, smtp::ReplyMode mode) : stream(options, mode) {}
  smtp::ReplyStream stream;
  bool busy = false;
  bool broken = false;
};

namespace {

// The first (and so far only) layout of smtp_options: a caller's struct must
// hold at least this much.
constexpr std::size_t kOptionsV1Size = offsetof(smtp_options, max_reply_lines) + sizeof(size_t);

// The defaults as the C struct; also the source of smtp_options_init.
smtp_options DefaultOptions() {
  const smtp::Options d;
  smtp_options o;
  std::memset(&o, 0, sizeof(o));
  o.struct_size = sizeof(o);
  o.policy = static_cast<std::int32_t>(d.policy);
  o.utf8 = d.utf8 ? 1 : 0;
  o.max_command_line = d.max_command_line;
  o.max_auth_line = d.max_auth_line;
  o.max_reply_line = d.max_reply_line;
  o.max_data_line = d.max_data_line;
  o.max_reply_lines = d.max_reply_lines;
  return o;
}

// Reads a caller's options (NULL: defaults); false when a value is out of
// range. Only the first struct_size octets of the caller's struct are read.
bool ToOptions(const smtp_options* in, smtp::Options* out) {
  smtp_options o = DefaultOptions();
  if (in != nullptr) {
    if (in->struct_size < kOptionsV1Size) return false;
    const std::size_t n = in->struct_size < sizeof(o) ? in->struct_size : sizeof(o);
    std::memcpy(&o, in, n);
  }
  if (o.policy != SMTP_POLICY_STRICT && o.policy != SMTP_POLICY_LENIENT) return false;
  // A line holds at least its CRLF; a reply at least one line.
  if (o.max_command_line < 2 || o.max_auth_line < 2 || o.max_reply_line < 2 ||
      o.max_data_line < 2 || o.max_reply_lines < 1) {
    return false;
  }
  out->policy = o.policy == SMTP_POLICY_LENIENT ? smtp::Policy::kLenient : smtp::Policy::kStrict;
  out->utf8 = o.utf8 != 0;
  out->max_command_line = o.max_command_line;
  out->max_auth_line = o.max_auth_line;
  out->max_reply_line = o.max_reply_line;
  out->max_data_line = o.max_data_line;
  out->max_reply_lines = o.max_reply_lines;
  return true;
}

smtp_view View(std::string_view s) {
  return smtp_view{s.empty() ? nullptr : s.data(), s.size()};
}

std::string_view Sv(smtp_view v) {
  return v.size == 0 ? std::string_view() : std::string_view(v.data, v.size);
}

// The C record for a C++ record. Fields that do not apply stay zero.
void Fill(const smtp::Record& r, smtp_record* c) {
  std::memset(c, 0, sizeof(*c));
  c->struct_size = sizeof(*c);
  c->kind = static_cast<std::int32_t>(r.kind);
  c->ok = r.ok() ? 1 : 0;
  c->offset = r.offset;
  c->length = r.length;
  c->error = static_cast<std::int32_t>(r.error.code);
  c->error_offset = r.ok() ? 0 : r.error.offset;
  c->deviations = r.deviations.bits();
  switch (r.kind) {
    case smtp::RecordKind::kCommand: {
      if (!r.ok()) break;
      const smtp::Command& cmd = r.command;
      c->verb = static_cast<std::int32_t>(cmd.verb);
      c->host_type = static_cast<std::int32_t>(cmd.host_type);
      c->host = View(cmd.host);
      c->path = View(cmd.path);
      c->params = View(cmd.params.text());
      c->bdat_size = cmd.bdat_size;
      c->bdat_last = cmd.bdat_last ? 1 : 0;
      c->has_initial_response = cmd.has_initial_response ? 1 : 0;
      c->mechanism = View(cmd.mechanism);
      c->initial_response = View(cmd.initial_response);
      c->has_argument = cmd.has_argument ? 1 : 0;
      c->argument = View(cmd.argument);
      break;
    }
    case smtp::RecordKind::kData:
      c->data_bytes = r.data_bytes;
      break;
    case smtp::RecordKind::kAuthResponse:
      c->auth_response = View(r.auth_response);
      break;
    case smtp::RecordKind::kTls:
      break;
    case smtp::RecordKind::kReply: {
      if (!r.ok()) break;
      const smtp::Reply& reply = r.reply;
      c->code = reply.code;
      c->line_count = reply.lines.size();
      c->lines = View(reply.lines.raw());
      c->has_enhanced = reply.has_enhanced ? 1 : 0;
      if (reply.has_enhanced) {
        c->enhanced = View(reply.enhanced.text);
        c->enhanced_class = reply.enhanced.klass;
        c->enhanced_subject = reply.enhanced.subject;
        c->enhanced_detail = reply.enhanced.detail;
      }
      if (r.is_ehlo) {
        c->is_ehlo = 1;
        c->domain = View(r.ehlo.domain);
        c->greeting = View(r.ehlo.greeting);
        c->capability_count = r.ehlo.capabilities.size();
      }
      break;
    }
  }
}

// Runs `body` on a handle: refuses re-entry and broken handles, and turns
// every exception into a status (no exception crosses the C ABI).
template <typename Handle, typename Body>
smtp_status Guarded(Handle* h, Body&& body) noexcept {
  if (h == nullptr) return SMTP_STATUS_INVALID_ARGUMENT;
  if (h->busy) return SMTP_STATUS_REENTERED;
  if (h->broken) return SMTP_STATUS_BROKEN;
  h->busy = true;
  smtp_status status = SMTP_STATUS_OK;
  try {
    body();
  } catch (const std::bad_alloc&) {
    status = SMTP_STATUS_NO_MEMORY;
  } catch (...) {
    status = SMTP_STATUS_INTERNAL;
  }
  h->busy = false;
  if (status != SMTP_STATUS_OK) h->broken = true;
  return status;
}

// The sink handed to the C++ stream: one smtp_record, reused.
struct CallbackSink {
  smtp_record_callback callback;
  void* user;
  void operator()(const smtp::Record& r) const {
    if (callback == nullptr) return;
    smtp_record c;
    Fill(r, &c);
    callback(&c, user);
  }
};

template <typename Handle>
smtp_status Feed(Handle* h, const char* data, std::size_t size, smtp_record_callback callback,
                 void* user) noexcept {
  if (data == nullptr && size != 0) return SMTP_STATUS_INVALID_ARGUMENT;
  return Guarded(h, [&] {
    const CallbackSink sink{callback, user};
    h->stream.Feed(size == 0 ? std::string_view() : std::string_view(data, size), sink);
  });
}

template <typename Handle>
smtp_status Finish(Handle* h, smtp_record_callback callback, void* user) noexcept {
  return Guarded(h, [&] {
    const CallbackSink sink{callback, user};
    h->stream.Finish(sink);
  });
}

// Iterator state kept in smtp_iter::opaque: the C++ iterator and its end.
template <typename It>
struct IterState {
  It cur;
  It end;
};

template <typename It>
void StartIter(smtp_iter* iter, It begin, It end) {
  static_assert(sizeof(IterState<It>) <= sizeof(iter->opaque), "smtp_iter too small");
  static_assert(alignof(IterState<It>) <= alignof(std::uint64_t));
  static_assert(std::is_trivially_copyable_v<It> && std::is_trivially_destructible_v<It>,
                "smtp_iter needs no cleanup");
  new (iter->opaque) IterState<It>{begin, end};
}

template <typename It>
IterState<It>* GetIter(smtp_iter* iter) {
  return std::launder(reinterpret_cast<IterState<It>*>(iter->opaque));
}

const char* Cstr(std::string_view literal) {
  // Every name the C++ API returns is a string literal: NUL-terminated.
  return literal.data();
}

}  // namespace

extern "C" {

uint32_t smtp_version(void) {
  return SMTP_VERSION;
}

const char* smtp_status_name(int32_t status) {
  switch (status) {
    case SMTP_STATUS_OK:
      return "ok";
    case SMTP_STATUS_INVALID_ARGUMENT:
      return "invalid_argument";
    case SMTP_STATUS_NO_MEMORY:
      return "no_memory";
    case SMTP_STATUS_REENTERED:
      return "reentered";
    case SMTP_STATUS_BROKEN:
      return "broken";
    case SMTP_STATUS_INTERNAL:
      return "internal";
  }
  return "unknown";
}

const char* smtp_error_name(int32_t code) {
  const int32_t v = code;
  if (v < 0 || v > SMTP_ERROR_LAST) return "unknown";
  return Cstr(smtp::ErrorName(static_cast<smtp::ErrorCode>(v)));
}

const char* smtp_error_message(int32_t code) {
  const int32_t v = code;
  if (v < 0 || v > SMTP_ERROR_LAST) return "unknown error";
  return Cstr(smtp::ErrorMessage(static_cast<smtp::ErrorCode>(v)));
}

const char* smtp_deviation_name(uint32_t deviation) {
  // One bit of the C++ set's width; DeviationName says "unknown" for the rest.
  if (deviation == 0 || deviation > 0xffffu || (deviation & (deviation - 1)) != 0) {
    return "unknown";
  }
  return Cstr(smtp::DeviationName(static_cast<smtp::Deviation>(deviation)));
}

const char* smtp_record_kind_name(int32_t kind) {
  const int32_t v = kind;
  if (v < SMTP_RECORD_COMMAND || v > SMTP_RECORD_REPLY) return "unknown";
  return Cstr(smtp::RecordKindName(static_cast<smtp::RecordKind>(v)));
}

const char* smtp_verb_name(int32_t verb) {
  const int32_t v = verb;
  if (v <= SMTP_VERB_UNKNOWN || v > SMTP_VERB_AUTH) return "";
  return Cstr(smtp::VerbName(static_cast<smtp::Verb>(v)));
}

const char* smtp_host_type_name(int32_t type) {
  const int32_t v = type;
  if (v < SMTP_HOST_DOMAIN || v > SMTP_HOST_GENERAL) return "unknown";
  return Cstr(smtp::HostTypeName(static_cast<smtp::HostType>(v)));
}

void smtp_options_init(smtp_options* options) {
  if (options != nullptr) *options = DefaultOptions();
}

// ---- Iterators --------------------------------------------------------------

void smtp_params_begin(const smtp_record* record, smtp_iter* iter) {
  if (iter == nullptr) return;
  smtp::ParamList params;
  if (record != nullptr && record->kind == SMTP_RECORD_COMMAND && record->ok) {
    params = smtp::ParamList(Sv(record->params));
  }
  StartIter(iter, params.begin(), params.end());
}

int smtp_params_next(smtp_iter* iter, smtp_param* out) {
  if (iter == nullptr) return 0;
  auto* s = GetIter<smtp::ParamList::Iterator>(iter);
  if (s->cur == s->end) return 0;
  if (out != nullptr) {
    out->keyword = View(s->cur->keyword);
    out->value = View(s->cur->value);
    out->has_value = s->cur->has_value ? 1 : 0;
  }
  ++s->cur;
  return 1;
}

void smtp_reply_lines_begin(const smtp_record* record, smtp_iter* iter) {
  if (iter == nullptr) return;
  smtp::ReplyLines lines;
  if (record != nullptr && record->kind == SMTP_RECORD_REPLY && record->ok) {
    lines = smtp::ReplyLines(Sv(record->lines), record->line_count);
  }
  StartIter(iter, lines.begin(), lines.end());
}

int smtp_reply_lines_next(smtp_iter* iter, smtp_view* out) {
  if (iter == nullptr) return 0;
  auto* s = GetIter<smtp::ReplyLines::Iterator>(iter);
  if (s->cur == s->end) return 0;
  if (out != nullptr) *out = View(*s->cur);
  ++s->cur;
  return 1;
}

void smtp_capabilities_begin(const smtp_record* record, smtp_iter* iter) {
  if (iter == nullptr) return;
  smtp::Capabilities capabilities;
  if (record != nullptr && record->kind == SMTP_RECORD_REPLY && record->ok && record->is_ehlo) {
    capabilities = smtp::Capabilities(smtp::ReplyLines(Sv(record->lines), record->line_count));
  }
  StartIter(iter, capabilities.begin(), capabilities.end());
}

int smtp_capabilities_next(smtp_iter* iter, smtp_capability* out) {
  if (iter == nullptr) return 0;
  auto* s = GetIter<smtp::Capabilities::Iterator>(iter);
  if (s->cur == s->end) return 0;
  if (out != nullptr) {
    out->keyword = View(s->cur->keyword);
    out->params = View(s->cur->params.text());
  }
  ++s->cur;
  return 1;
}

void smtp_words_begin(smtp_view text, smtp_iter* iter) {
  if (iter == nullptr) return;
  const smtp::Words words(Sv(text));
  StartIter(iter, words.begin(), words.end());
}

int smtp_words_next(smtp_iter* iter, smtp_view* out) {
  if (iter == nullptr) return 0;
  auto* s = GetIter<smtp::Words::Iterator>(iter);
  if (s->cur == s->end) return 0;
  if (out != nullptr) *out = View(*s->cur);
  ++s->cur;
  return 1;
}

// ---- Streams -----------------------------------------------------------------

smtp_status smtp_command_stream_new(const smtp_options* options, smtp_command_stream** out) {
  if (out == nullptr) return SMTP_STATUS_INVALID_ARGUMENT;
  *out = nullptr;
  smtp::Options o;
  if (!ToOptions(options, &o)) return SMTP_STATUS_INVALID_ARGUMENT;
  try {
    *out = new smtp_command_stream(o);
  } catch (const std::bad_alloc&) {
    return SMTP_STATUS_NO_MEMORY;
  } catch (...) {
    return SMTP_STATUS_INTERNAL;
  }
  return SMTP_STATUS_OK;
}

void smtp_command_stream_free(smtp_command_stream* stream) {
  // Freeing from inside the stream's own callback would pull the stream out
  // from under the running Feed: refused (the caller frees it afterwards).
  if (stream == nullptr || stream->busy) return;
  delete stream;
}

smtp_status smtp_command_stream_feed(smtp_command_stream* stream, const char* data, size_t size,
                                     smtp_record_callback callback, void* user) {
  return Feed(stream, data, size, callback, user);
}

smtp_status smtp_command_stream_finish(smtp_command_stream* stream, smtp_record_callback callback,
                                       void* user) {
  return Finish(stream, callback, user);
}

uint64_t smtp_command_stream_offset(const smtp_command_stream* stream) {
  return stream == nullptr ? 0 : stream->stream.offset();
}

smtp_status smtp_reply_stream_new(const smtp_options* options, int32_t mode,
                                  smtp_reply_stream** out) {
  if (out == nullptr) return SMTP_STATUS_INVALID_ARGUMENT;
  *out = nullptr;
  smtp::Options o;
  if (!ToOptions(options, &o)) return SMTP_STATUS_INVALID_ARGUMENT;
  const int32_t m = mode;
  if (m != SMTP_REPLY_MODE_REPLIES && m != SMTP_REPLY_MODE_EHLO) {
    return SMTP_STATUS_INVALID_ARGUMENT;
  }
  try {
    *out = new smtp_reply_stream(
        o, m == SMTP_REPLY_MODE_EHLO ? smtp::ReplyMode::kEhlo : smtp::ReplyMode::kReplies);
  } catch (const std::bad_alloc&) {
    return SMTP_STATUS_NO_MEMORY;
  } catch (...) {
    return SMTP_STATUS_INTERNAL;
  }
  return SMTP_STATUS_OK;
}

void smtp_reply_stream_free(smtp_reply_stream* stream) {
  if (stream == nullptr || stream->busy) return;
  delete stream;
}

smtp_status smtp_reply_stream_feed(smtp_reply_stream* stream, const char* data, size_t size,
                                   smtp_record_callback callback, void* user) {
  return Feed(stream, data, size, callback, user);
}

smtp_status smtp_reply_stream_finish(smtp_reply_stream* stream, smtp_record_callback callback,
                                     void* user) {
  return Finish(stream, callback, user);
}

uint64_t smtp_reply_stream_offset(const smtp_reply_stream* stream) {
  return stream == nullptr ? 0 : stream->stream.offset();
}

}  // extern "C"
