/* smtp/smtp.h: the C API of the SMTP parser, for hosts written in C (or
 * anything with a C FFI). It wraps the C++ stream parsers of smtp/stream.h:
 * the same grammar, the same records, the same errors.
 *
 *   smtp_options options;
 *   smtp_command_stream* stream = NULL;
 *   smtp_options_init(&options);
 *   options.policy = SMTP_POLICY_LENIENT;
 *   if (smtp_command_stream_new(&options, &stream) != SMTP_STATUS_OK) fail();
 *   smtp_command_stream_feed(stream, chunk, chunk_size, on_record, ctx);  // per chunk
 *   smtp_command_stream_finish(stream, on_record, ctx);                   // at end of input
 *   smtp_command_stream_free(stream);
 *
 * C99; it also compiles as C++. Link with `pkg-config --cflags --libs smtp`.
 *
 * Conventions, for every function below:
 *   - No function throws, aborts or longjmps; failures are smtp_status codes.
 *     A parse error is not a failure: it is a record with ok == 0.
 *   - No global state: handles are independent; distinct handles may be used
 *     from distinct threads at once, one handle from one thread at a time.
 *   - The library never keeps a pointer into a caller's buffer after the call
 *     that received it returns, and never frees what it did not allocate.
 *   - Lengths and offsets are in octets. Offsets are absolute in the stream
 *     (the first octet ever fed is offset 0).
 *   - Text views (smtp_view) are NOT NUL-terminated: use data and size.
 *
 * ABI: the values of every enum are fixed; new values, functions and struct
 * fields are only appended (README, "ABI stability"). Structs the caller
 * passes in (smtp_options) start with struct_size, so that an older caller's
 * smaller struct is still read correctly by a newer library.
 */
#ifndef SMTP_SMTP_H_
#define SMTP_SMTP_H_

#include <stddef.h>
#include <stdint.h>

#if defined(SMTP_BUILDING_C_API) && (defined(__GNUC__) || defined(__clang__))
#define SMTP_API __attribute__((visibility("default")))
#else
#define SMTP_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The library version this header describes. smtp_version() returns the
 * version of the library actually loaded, as MAJOR * 10000 + MINOR * 100 +
 * PATCH. */
#define SMTP_VERSION_MAJOR 0
#define SMTP_VERSION_MINOR 1
#define SMTP_VERSION_PATCH 0
#define SMTP_VERSION (SMTP_VERSION_MAJOR * 10000 + SMTP_VERSION_MINOR * 100 + SMTP_VERSION_PATCH)
SMTP_API uint32_t smtp_version(void);

/* Functions that take an enum's value take it as int32_t (the type of the
 * smtp_record fields that hold them), so that any value is defined input:
 * out-of-range values give "unknown" or INVALID_ARGUMENT. */

/* ---- Results of API calls ------------------------------------------------ */

/* What an API call returns. Distinct from parse errors (smtp_error_code),
 * which are reported inside records. */
typedef enum smtp_status {
  SMTP_STATUS_OK = 0,
  /* A NULL argument, an options struct with an out-of-range value, or an
   * options struct_size smaller than the first version's struct. */
  SMTP_STATUS_INVALID_ARGUMENT = 1,
  /* Memory ran out. The handle (if any) is then unusable: free it. */
  SMTP_STATUS_NO_MEMORY = 2,
  /* The call was made on a handle from inside that handle's own callback. */
  SMTP_STATUS_REENTERED = 3,
  /* An earlier call on this handle failed (NO_MEMORY or INTERNAL); the handle
   * can only be freed. */
  SMTP_STATUS_BROKEN = 4,
  /* An unexpected failure inside the library (a bug, or a C++ exception
   * thrown by a C++ callback, which callbacks must not do). The handle is
   * unusable: free it. */
  SMTP_STATUS_INTERNAL = 5
} smtp_status;

/* "ok", "invalid_argument", "no_memory", "reentered", "broken", "internal";
 * "unknown" otherwise. Static storage, NUL-terminated, never freed. */
SMTP_API const char* smtp_status_name(int32_t status);

/* ---- Parse errors (SPEC section 4; smtp::ErrorCode, same values) --------- */

typedef enum smtp_error_code {
  SMTP_ERROR_OK = 0,
  SMTP_ERROR_INCOMPLETE = 1,          /* input ended inside a record */
  SMTP_ERROR_LINE_TOO_LONG = 2,       /* a line is longer than its limit */
  SMTP_ERROR_BARE_LF = 3,             /* LF not preceded by CR */
  SMTP_ERROR_BARE_CR = 4,             /* CR not followed by LF */
  SMTP_ERROR_BAD_CHAR = 5,            /* NUL, control, 8-bit without utf8, bad UTF-8 */
  SMTP_ERROR_UNKNOWN_COMMAND = 6,     /* verb is not one the grammar knows */
  SMTP_ERROR_SYNTAX = 7,              /* any other grammar violation */
  SMTP_ERROR_BAD_DOMAIN = 8,          /* Domain rule, RFC 5321 4.1.2 */
  SMTP_ERROR_BAD_ADDRESS_LITERAL = 9, /* address-literal rule, RFC 5321 4.1.3 */
  SMTP_ERROR_BAD_PATH = 10,           /* Path / Mailbox / Local-part rule */
  SMTP_ERROR_BAD_PARAM = 11,          /* ESMTP parameter rule */
  SMTP_ERROR_BAD_REPLY_CODE = 12,     /* not %x32-35 %x30-35 %x30-39 */
  SMTP_ERROR_BAD_SEPARATOR = 13,      /* octet after the code not SP, '-' or line end */
  SMTP_ERROR_CODE_MISMATCH = 14,      /* continuation line with another code */
  SMTP_ERROR_TOO_MANY_LINES = 15,     /* reply longer than max_reply_lines */
  SMTP_ERROR_BAD_KEYWORD = 16,        /* EHLO keyword line */
  SMTP_ERROR_BAD_BASE64 = 17,         /* SASL response is not base64 */
  SMTP_ERROR_STARTTLS_INJECTION = 18  /* plaintext pipelined behind STARTTLS */
} smtp_error_code;

/* The highest error code in use (for tables). */
#define SMTP_ERROR_LAST SMTP_ERROR_STARTTLS_INJECTION

/* The SPEC's snake_case name ("bad_domain"); "ok" for SMTP_ERROR_OK,
 * "unknown" for a value outside the enum. Static storage, NUL-terminated. */
SMTP_API const char* smtp_error_name(int32_t code);
/* A sentence for people ("the domain is not valid"), as smtp-parse prints in
 * "message". Static storage, NUL-terminated. */
SMTP_API const char* smtp_error_message(int32_t code);

/* ---- Lenient deviations (smtp::Deviation, same bit values) -------------- */

/* Bits of smtp_record.deviations. */
typedef enum smtp_deviation {
  SMTP_DEVIATION_BARE_LF = 1u << 0,                  /* "bare_lf" */
  SMTP_DEVIATION_BARE_CR = 1u << 1,                  /* "bare_cr" (DATA content) */
  SMTP_DEVIATION_EXTRA_SPACE = 1u << 2,              /* "extra_space" */
  SMTP_DEVIATION_TRAILING_SPACE = 1u << 3,           /* "trailing_space" */
  SMTP_DEVIATION_SPACE_AFTER_COLON = 1u << 4,        /* "space_after_colon" */
  SMTP_DEVIATION_HELO_ADDRESS_LITERAL = 1u << 5,     /* "helo_address_literal" */
  SMTP_DEVIATION_EMPTY_REPLY_TEXT = 1u << 6,         /* "empty_reply_text" (reserved) */
  SMTP_DEVIATION_OLD_AUTH_SYNTAX = 1u << 7,          /* "old_auth_syntax" */
  SMTP_DEVIATION_NUMERIC_DOMAIN = 1u << 8,           /* "numeric_domain" (RFC 1123 2.1) */
  SMTP_DEVIATION_UNREGISTERED_LITERAL_TAG = 1u << 9, /* "unregistered_literal_tag" */
  SMTP_DEVIATION_VRFY_MAILBOX = 1u << 10,            /* "vrfy_mailbox" */
  SMTP_DEVIATION_REPEATED_PARAM = 1u << 11           /* "repeated_param" */
} smtp_deviation;

/* How many deviation bits are defined: bits 0 .. SMTP_DEVIATION_COUNT - 1. */
#define SMTP_DEVIATION_COUNT 12

/* The snake_case name of one deviation bit ("bare_lf"); "unknown" for a value
 * that is not exactly one defined bit. Static storage, NUL-terminated. A
 * library newer than this header may set (and name) bits beyond
 * SMTP_DEVIATION_COUNT: iterate over all 32 bits to print every name. */
SMTP_API const char* smtp_deviation_name(uint32_t deviation);

/* ---- Options (smtp::Options) --------------------------------------------- */

typedef enum smtp_policy {
  SMTP_POLICY_STRICT = 0, /* RFC 5321's ABNF and the extensions of SPEC section 1 */
  SMTP_POLICY_LENIENT = 1 /* strict plus the named deviations, each reported */
} smtp_policy;

typedef struct smtp_options {
  /* sizeof(smtp_options) as the caller knows it; smtp_options_init sets it.
   * The library reads only the fields that fit in struct_size, and uses the
   * defaults for fields appended later. */
  size_t struct_size;
  int32_t policy; /* smtp_policy */
  /* Non-zero: RFC 6531 well-formed UTF-8 in domains, local parts, reply text
   * and ehlo-greet. Malformed UTF-8 is an error either way. */
  int32_t utf8;
  /* Limits in octets, line end included (RFC 5321 4.5.3.1); each at least 2. */
  size_t max_command_line; /* default 512 */
  size_t max_auth_line;    /* AUTH lines and SASL responses, default 12288 (RFC 4954 4) */
  size_t max_reply_line;   /* default 512 */
  size_t max_data_line;    /* DATA text lines before un-stuffing, default 1000 */
  size_t max_reply_lines;  /* lines in one reply, at least 1, default 1000 */
} smtp_options;

/* Sets *options to the defaults (strict, no utf8, RFC limits) and
 * struct_size to sizeof(smtp_options). NULL is ignored. */
SMTP_API void smtp_options_init(smtp_options* options);

/* ---- Records (SPEC section 4) --------------------------------------------- */

/* A view of octets: NOT NUL-terminated. data is NULL only when size is 0. */
typedef struct smtp_view {
  const char* data;
  size_t size;
} smtp_view;

typedef enum smtp_record_kind {
  SMTP_RECORD_COMMAND = 0,
  SMTP_RECORD_DATA = 1,
  SMTP_RECORD_AUTH_RESPONSE = 2,
  SMTP_RECORD_TLS = 3,
  SMTP_RECORD_REPLY = 4
} smtp_record_kind;

/* "command", "data", "auth_response", "tls", "reply"; "unknown" otherwise. */
SMTP_API const char* smtp_record_kind_name(int32_t kind);

typedef enum smtp_verb {
  SMTP_VERB_UNKNOWN = 0,
  SMTP_VERB_HELO = 1,
  SMTP_VERB_EHLO = 2,
  SMTP_VERB_MAIL = 3,
  SMTP_VERB_RCPT = 4,
  SMTP_VERB_DATA = 5,
  SMTP_VERB_BDAT = 6,
  SMTP_VERB_RSET = 7,
  SMTP_VERB_VRFY = 8,
  SMTP_VERB_EXPN = 9,
  SMTP_VERB_HELP = 10,
  SMTP_VERB_NOOP = 11,
  SMTP_VERB_QUIT = 12,
  SMTP_VERB_STARTTLS = 13,
  SMTP_VERB_AUTH = 14
} smtp_verb;

/* Upper-case verb ("STARTTLS"); "" for SMTP_VERB_UNKNOWN and other values. */
SMTP_API const char* smtp_verb_name(int32_t verb);

typedef enum smtp_host_type {
  SMTP_HOST_DOMAIN = 0,
  SMTP_HOST_IPV4 = 1,
  SMTP_HOST_IPV6 = 2,
  SMTP_HOST_GENERAL = 3
} smtp_host_type;

/* "domain", "ipv4", "ipv6", "general"; "unknown" otherwise. */
SMTP_API const char* smtp_host_type_name(int32_t type);

/* Direction of a session record (reserved for the session API). */
typedef enum smtp_direction {
  SMTP_DIR_NONE = 0, /* one-way stream records */
  SMTP_DIR_CLIENT = 1,
  SMTP_DIR_SERVER = 2
} smtp_direction;

/* One record, handed to the callback. Every smtp_view points into the chunk
 * passed to the current feed call or into the stream's own buffer, and every
 * field (views, counts) is valid ONLY during the callback: copy what you
 * keep. The library owns the struct; the callback must not free or modify
 * it. Fields that do not apply to the record's kind are zero / empty.
 *
 * Fields are only ever appended; struct_size tells a caller compiled against
 * an older header that more fields exist. */
typedef struct smtp_record {
  size_t struct_size; /* sizeof(smtp_record) of the library that made it */
  int32_t kind;       /* smtp_record_kind */
  int32_t ok;         /* 1 when error == SMTP_ERROR_OK */
  uint64_t offset;    /* absolute offset of the record's first octet */
  uint64_t length;    /* octets, terminators included; records tile the input */

  /* When ok == 0: the error and the absolute offset of the first offending
   * octet (SPEC section 4 for incomplete, line_too_long and code_mismatch). */
  int32_t error; /* smtp_error_code */
  uint64_t error_offset;
  /* Lenient only: smtp_deviation bits used by this record (also on error). */
  uint32_t deviations;

  /* SMTP_RECORD_COMMAND, when ok. */
  int32_t verb;      /* smtp_verb */
  int32_t host_type; /* HELO/EHLO: smtp_host_type */
  /* HELO/EHLO: the domain, or the literal's address without brackets and
   * without the "IPv6:" tag, or "tag:content". */
  smtp_view host;
  /* MAIL/RCPT: the mailbox as sent; empty for the null path "<>". */
  smtp_view path;
  /* MAIL/RCPT: the ESMTP parameters' text; iterate with smtp_params_begin. */
  smtp_view params;
  uint64_t bdat_size; /* BDAT */
  int32_t bdat_last;  /* BDAT: 1 with LAST */
  /* AUTH: the mechanism as sent, and the initial response ("=" for an empty
   * one) when has_initial_response. */
  int32_t has_initial_response;
  smtp_view mechanism;
  smtp_view initial_response;
  /* VRFY/EXPN/HELP/NOOP: everything after the verb and its SP, when
   * has_argument. */
  int32_t has_argument;
  smtp_view argument;

  /* SMTP_RECORD_DATA: content octets after un-stuffing (DATA, through the CRLF
   * before the final dot) or the chunk size (BDAT); counted also on error. */
  uint64_t data_bytes;

  /* SMTP_RECORD_AUTH_RESPONSE: the line without its terminator. */
  smtp_view auth_response;

  /* SMTP_RECORD_REPLY, when ok. */
  int32_t code;      /* reply code, 200..559 */
  size_t line_count; /* lines of the reply; iterate with smtp_reply_lines_begin */
  smtp_view lines;   /* the reply's raw octets, every line with its terminator */
  int32_t has_enhanced;
  /* RFC 3463 class.subject.detail at the start of the first line's text. */
  smtp_view enhanced; /* "2.1.0" as sent */
  int32_t enhanced_class;
  int32_t enhanced_subject;
  int32_t enhanced_detail;
  /* EHLO mode, a 250 reply: the EHLO reply's parts. */
  int32_t is_ehlo;
  smtp_view domain;
  smtp_view greeting;      /* empty when none */
  size_t capability_count; /* iterate with smtp_capabilities_begin */

  /* Reserved for the session API (SPEC section 5); zero in one-way streams. */
  int32_t dir;         /* smtp_direction */
  int32_t has_answers; /* a reply: answers is the answered record's offset */
  uint64_t answers;
  uint64_t violations; /* session rule violations, bits */
  uint64_t reserved[8];
} smtp_record;

/* The callback that receives records, in stream order. `user` is the pointer
 * given to feed/finish. It must return normally: no longjmp out of it and,
 * from C++, no exception (the library would report SMTP_STATUS_INTERNAL). It
 * must not call feed/finish/free on the same stream (SMTP_STATUS_REENTERED).
 * To stop early, remember it in *user and return; later records may be
 * ignored. */
typedef void (*smtp_record_callback)(const smtp_record* record, void* user);

/* ---- Iterators (no allocation) -------------------------------------------- */

/* Iterator state lives in the caller's memory (e.g. on the stack) and needs
 * no cleanup. It refers to the record it was started from: valid only during
 * that record's callback. The contents are private. */
typedef struct smtp_iter {
  uint64_t opaque[24];
} smtp_iter;

/* One ESMTP parameter, keyword["=" value]. */
typedef struct smtp_param {
  smtp_view keyword;
  smtp_view value; /* empty when has_value is 0 */
  int32_t has_value;
} smtp_param;

/* One capability line of an EHLO reply: keyword as sent, then its params
 * (the rest of the line, words separated by SP; iterate with
 * smtp_words_begin). */
typedef struct smtp_capability {
  smtp_view keyword;
  smtp_view params;
} smtp_capability;

/* The ESMTP parameters of a MAIL or RCPT record, in order. NULL arguments
 * are ignored (next then returns 0). */
SMTP_API void smtp_params_begin(const smtp_record* record, smtp_iter* iter);
/* 1 and *out filled with the next parameter; 0 at the end. */
SMTP_API int smtp_params_next(smtp_iter* iter, smtp_param* out);

/* The lines of a reply record: each line's text after the code and the
 * separator (empty when none). */
SMTP_API void smtp_reply_lines_begin(const smtp_record* record, smtp_iter* iter);
SMTP_API int smtp_reply_lines_next(smtp_iter* iter, smtp_view* out);

/* The capability lines of an EHLO reply record (every line but the first),
 * in order. Nothing for records with is_ehlo == 0. */
SMTP_API void smtp_capabilities_begin(const smtp_record* record, smtp_iter* iter);
SMTP_API int smtp_capabilities_next(smtp_iter* iter, smtp_capability* out);

/* The SP-separated words of `text` (a capability's params). `text` must stay
 * valid while iterating. */
SMTP_API void smtp_words_begin(smtp_view text, smtp_iter* iter);
SMTP_API int smtp_words_next(smtp_iter* iter, smtp_view* out);

/* ---- The command stream (client to server, SPEC section 2) ------------- */

typedef struct smtp_command_stream smtp_command_stream;

/* Creates a command stream. `options` may be NULL (the defaults); it is
 * copied, so it need not outlive the call. On success *out owns a new
 * stream, to be released with smtp_command_stream_free. Returns
 * INVALID_ARGUMENT (out NULL, bad options) or NO_MEMORY; *out is then NULL. */
SMTP_API smtp_status smtp_command_stream_new(const smtp_options* options,
                                             smtp_command_stream** out);

/* Frees the stream and all it holds. NULL is ignored. Called from inside the
 * stream's own callback it does nothing (the stream is still in use): free
 * it after feed/finish returns. */
SMTP_API void smtp_command_stream_free(smtp_command_stream* stream);

/* Parses `size` octets at `data` (data may be NULL when size is 0), calling
 * `callback` (may be NULL: records are then dropped) for each record
 * completed by them, before returning. The stream copies what it needs from
 * an unfinished line (at most one line of bounded size); `data` is not used
 * after the call. Returns OK, INVALID_ARGUMENT (stream NULL, or data NULL with
 * size > 0), REENTERED, BROKEN, NO_MEMORY or INTERNAL. */
SMTP_API smtp_status smtp_command_stream_feed(smtp_command_stream* stream, const char* data,
                                              size_t size, smtp_record_callback callback,
                                              void* user);

/* End of input: reports the unfinished record, if any (as
 * SMTP_ERROR_INCOMPLETE; after STARTTLS, the tls record). The stream is then
 * reset to a new stream at offset 0. Same returns as feed. */
SMTP_API smtp_status smtp_command_stream_finish(smtp_command_stream* stream,
                                                smtp_record_callback callback, void* user);

/* The absolute offset of the next octet to be fed; 0 for NULL. */
SMTP_API uint64_t smtp_command_stream_offset(const smtp_command_stream* stream);

/* ---- The reply stream (server to client, SPEC section 3) --------------- */

typedef enum smtp_reply_mode {
  SMTP_REPLY_MODE_REPLIES = 0, /* plain replies */
  SMTP_REPLY_MODE_EHLO = 1     /* every 250 reply is also read as an EHLO reply */
} smtp_reply_mode;

typedef struct smtp_reply_stream smtp_reply_stream;

/* As smtp_command_stream_new; `mode` is an smtp_reply_mode (INVALID_ARGUMENT
 * otherwise). */
SMTP_API smtp_status smtp_reply_stream_new(const smtp_options* options, int32_t mode,
                                           smtp_reply_stream** out);
/* As smtp_command_stream_free. */
SMTP_API void smtp_reply_stream_free(smtp_reply_stream* stream);
/* As smtp_command_stream_feed. The stream keeps at most one unfinished reply
 * (bounded by max_reply_line * max_reply_lines). */
SMTP_API smtp_status smtp_reply_stream_feed(smtp_reply_stream* stream, const char* data,
                                            size_t size, smtp_record_callback callback, void* user);
/* As smtp_command_stream_finish. */
SMTP_API smtp_status smtp_reply_stream_finish(smtp_reply_stream* stream,
                                              smtp_record_callback callback, void* user);
/* As smtp_command_stream_offset. */
SMTP_API uint64_t smtp_reply_stream_offset(const smtp_reply_stream* stream);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SMTP_SMTP_H_ */
