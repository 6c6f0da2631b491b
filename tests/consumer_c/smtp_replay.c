/* smtp_replay: a C99 program that embeds the parser through smtp/smtp.h,
 * built from an install prefix with `pkg-config --cflags --libs smtp`.
 *
 *   smtp_replay commands|replies|ehlo FILE [--lenient] [--utf8] [--max-line N] [--chunk N]
 *
 * It prints the same JSON Lines as `smtp-parse` (SPEC section 4) and exits
 * with the same status (0 all ok, 1 some record not ok, 2 usage or I/O
 * error), so that tests/c_api/replay.sh can compare the two byte for byte.
 * --chunk N feeds the file N octets at a time (default 65536), to exercise
 * records that span feeds. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smtp/smtp.h>

/* ---- A growing output buffer ---------------------------------------------- */

typedef struct buffer {
  char* data;
  size_t size;
  size_t capacity;
  int failed;
} buffer;

static void put(buffer* b, const char* s, size_t n) {
  if (b->failed) return;
  if (b->size + n > b->capacity) {
    size_t capacity = b->capacity ? b->capacity : 4096;
    char* data;
    while (capacity < b->size + n)
      capacity *= 2;
    data = (char*)realloc(b->data, capacity);
    if (data == NULL) {
      b->failed = 1;
      return;
    }
    b->data = data;
    b->capacity = capacity;
  }
  memcpy(b->data + b->size, s, n);
  b->size += n;
}

static void put_str(buffer* b, const char* s) {
  put(b, s, strlen(s));
}

static void put_uint(buffer* b, uint64_t v) {
  char digits[24];
  size_t n = 0;
  do {
    digits[sizeof(digits) - 1 - n] = (char)('0' + (int)(v % 10));
    v /= 10;
    ++n;
  } while (v != 0);
  put(b, digits + sizeof(digits) - n, n);
}

/* ---- JSON strings, escaped as tools/json_writer.h describes --------------- */

/* Length of the well-formed UTF-8 sequence at s[i] (RFC 3629), 0 if none. */
static size_t utf8_length(const unsigned char* s, size_t n, size_t i) {
  const unsigned char b0 = s[i];
  const size_t left = n - i;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    return left >= 2 && s[i + 1] >= 0x80 && s[i + 1] <= 0xbf ? 2 : 0;
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const unsigned char lo = b0 == 0xe0 ? 0xa0 : 0x80;
    const unsigned char hi = b0 == 0xed ? 0x9f : 0xbf;
    if (left < 3) return 0;
    return s[i + 1] >= lo && s[i + 1] <= hi && s[i + 2] >= 0x80 && s[i + 2] <= 0xbf ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const unsigned char lo = b0 == 0xf0 ? 0x90 : 0x80;
    const unsigned char hi = b0 == 0xf4 ? 0x8f : 0xbf;
    if (left < 4) return 0;
    return s[i + 1] >= lo && s[i + 1] <= hi && s[i + 2] >= 0x80 && s[i + 2] <= 0xbf &&
                   s[i + 3] >= 0x80 && s[i + 3] <= 0xbf
               ? 4
               : 0;
  }
  return 0;
}

static void put_json(buffer* b, const char* text, size_t n) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char* s = (const unsigned char*)text;
  size_t i = 0;
  put(b, "\"", 1);
  while (i < n) {
    const unsigned char c = s[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      put(b, text + i, 1);
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const size_t len = utf8_length(s, n, i);
      if (len != 0) {
        put(b, text + i, len);
        i += len;
        continue;
      }
    }
    switch (c) {
      case '"':
        put_str(b, "\\\"");
        break;
      case '\\':
        put_str(b, "\\\\");
        break;
      case '\n':
        put_str(b, "\\n");
        break;
      case '\r':
        put_str(b, "\\r");
        break;
      case '\t':
        put_str(b, "\\t");
        break;
      case '\b':
        put_str(b, "\\b");
        break;
      case '\f':
        put_str(b, "\\f");
        break;
      default: {
        char escape[6];
        escape[0] = '\\';
        escape[1] = 'u';
        escape[2] = '0';
        escape[3] = '0';
        escape[4] = hex[c >> 4];
        escape[5] = hex[c & 0xf];
        put(b, escape, sizeof(escape));
        break;
      }
    }
    ++i;
  }
  put(b, "\"", 1);
}

static void put_view(buffer* b, smtp_view v) {
  put_json(b, v.data, v.size);
}
static void put_cstr(buffer* b, const char* s) {
  put_json(b, s, strlen(s));
}
static void put_key(buffer* b, const char* key) {
  put(b, ",", 1);
  put_cstr(b, key);
  put(b, ":", 1);
}

/* ---- Records -------------------------------------------------------------- */

typedef struct context {
  buffer out;
  int all_ok;
} context;

static void put_command(buffer* b, const smtp_record* r) {
  put_key(b, "verb");
  put_cstr(b, smtp_verb_name(r->verb));
  switch (r->verb) {
    case SMTP_VERB_HELO:
    case SMTP_VERB_EHLO:
      put_key(b, "host_type");
      put_cstr(b, smtp_host_type_name(r->host_type));
      put_key(b, "host");
      put_view(b, r->host);
      break;
    case SMTP_VERB_MAIL:
    case SMTP_VERB_RCPT: {
      smtp_iter it;
      smtp_param p;
      int first = 1;
      put_key(b, "path");
      put_view(b, r->path);
      put_key(b, "params");
      put(b, "[", 1);
      smtp_params_begin(r, &it);
      while (smtp_params_next(&it, &p)) {
        if (!first) put(b, ",", 1);
        first = 0;
        put_str(b, "{\"keyword\":");
        put_view(b, p.keyword);
        put_str(b, ",\"value\":");
        if (p.has_value) {
          put_view(b, p.value);
        } else {
          put_str(b, "null");
        }
        put(b, "}", 1);
      }
      put(b, "]", 1);
      break;
    }
    case SMTP_VERB_BDAT:
      put_key(b, "size");
      put_uint(b, r->bdat_size);
      put_key(b, "last");
      put_str(b, r->bdat_last ? "true" : "false");
      break;
    case SMTP_VERB_AUTH:
      put_key(b, "mechanism");
      put_view(b, r->mechanism);
      if (r->has_initial_response) {
        put_key(b, "initial_response");
        put_view(b, r->initial_response);
      }
      break;
    case SMTP_VERB_VRFY:
    case SMTP_VERB_EXPN:
    case SMTP_VERB_HELP:
    case SMTP_VERB_NOOP:
      if (r->has_argument) {
        put_key(b, "argument");
        put_view(b, r->argument);
      }
      break;
    default:
      break;
  }
}

static void put_reply(buffer* b, const smtp_record* r) {
  smtp_iter it;
  smtp_view line;
  smtp_capability capability;
  int first = 1;
  put_key(b, "code");
  put_uint(b, (uint64_t)r->code);
  put_key(b, "lines");
  put(b, "[", 1);
  smtp_reply_lines_begin(r, &it);
  while (smtp_reply_lines_next(&it, &line)) {
    if (!first) put(b, ",", 1);
    first = 0;
    put_view(b, line);
  }
  put(b, "]", 1);
  if (r->has_enhanced) {
    put_key(b, "enhanced");
    put_view(b, r->enhanced);
  }
  if (!r->is_ehlo) return;
  put_key(b, "domain");
  put_view(b, r->domain);
  put_key(b, "greeting");
  put_view(b, r->greeting);
  put_key(b, "capabilities");
  put(b, "[", 1);
  first = 1;
  smtp_capabilities_begin(r, &it);
  while (smtp_capabilities_next(&it, &capability)) {
    smtp_iter words;
    smtp_view word;
    int first_word = 1;
    if (!first) put(b, ",", 1);
    first = 0;
    put_str(b, "{\"keyword\":");
    put_view(b, capability.keyword);
    put_str(b, ",\"params\":[");
    smtp_words_begin(capability.params, &words);
    while (smtp_words_next(&words, &word)) {
      if (!first_word) put(b, ",", 1);
      first_word = 0;
      put_view(b, word);
    }
    put_str(b, "]}");
  }
  put(b, "]", 1);
}

static void on_record(const smtp_record* r, void* user) {
  context* ctx = (context*)user;
  buffer* b = &ctx->out;
  if (!r->ok) ctx->all_ok = 0;
  put_str(b, "{\"ok\":");
  put_str(b, r->ok ? "true" : "false");
  put_key(b, "kind");
  put_cstr(b, smtp_record_kind_name(r->kind));
  put_key(b, "offset");
  put_uint(b, r->offset);
  put_key(b, "length");
  put_uint(b, r->length);
  if (!r->ok) {
    put_key(b, "error");
    put_cstr(b, smtp_error_name(r->error));
    put_key(b, "error_offset");
    put_uint(b, r->error_offset);
    put_key(b, "message");
    put_cstr(b, smtp_error_message(r->error));
  }
  if (r->deviations != 0) {
    unsigned bit;
    int first = 1;
    put_key(b, "deviations");
    put(b, "[", 1);
    for (bit = 0; bit < 32; ++bit) {
      const uint32_t d = (uint32_t)1 << bit;
      if ((r->deviations & d) == 0) continue;
      if (!first) put(b, ",", 1);
      first = 0;
      put_cstr(b, smtp_deviation_name(d));
    }
    put(b, "]", 1);
  }
  switch (r->kind) {
    case SMTP_RECORD_COMMAND:
      if (r->ok) put_command(b, r);
      break;
    case SMTP_RECORD_DATA:
      put_key(b, "bytes");
      put_uint(b, r->data_bytes);
      break;
    case SMTP_RECORD_REPLY:
      if (r->ok) put_reply(b, r);
      break;
    default:
      break;
  }
  put_str(b, "}\n");
}

/* ---- Main ----------------------------------------------------------------- */

static int usage(const char* why) {
  fprintf(stderr,
          "smtp_replay: %s\nusage: smtp_replay commands|replies|ehlo FILE [--lenient] [--utf8] "
          "[--max-line N] [--chunk N]\n",
          why);
  return 2;
}

static int parse_size(const char* s, size_t* out) {
  char* end = NULL;
  unsigned long long v;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v == 0) return 0;
  *out = (size_t)v;
  return 1;
}

static int flush(buffer* b) {
  if (b->failed) return 0;
  if (b->size != 0 && fwrite(b->data, 1, b->size, stdout) != b->size) return 0;
  b->size = 0;
  return 1;
}

int main(int argc, char** argv) {
  const char* mode;
  const char* path;
  smtp_options options;
  size_t chunk_size = 65536;
  char* chunk;
  FILE* file;
  context ctx;
  smtp_command_stream* commands = NULL;
  smtp_reply_stream* replies = NULL;
  smtp_status status = SMTP_STATUS_OK;
  int i;

  if (argc < 3) return usage("missing arguments");
  mode = argv[1];
  path = argv[2];
  smtp_options_init(&options);
  for (i = 3; i < argc; ++i) {
    if (strcmp(argv[i], "--lenient") == 0) {
      options.policy = SMTP_POLICY_LENIENT;
    } else if (strcmp(argv[i], "--utf8") == 0) {
      options.utf8 = 1;
    } else if (strcmp(argv[i], "--max-line") == 0 && i + 1 < argc) {
      size_t n;
      if (!parse_size(argv[++i], &n)) return usage("bad --max-line");
      options.max_command_line = n;
      options.max_reply_line = n;
    } else if (strcmp(argv[i], "--chunk") == 0 && i + 1 < argc) {
      if (!parse_size(argv[++i], &chunk_size)) return usage("bad --chunk");
    } else {
      return usage("unknown option");
    }
  }

  if (strcmp(mode, "commands") == 0) {
    status = smtp_command_stream_new(&options, &commands);
  } else if (strcmp(mode, "replies") == 0 || strcmp(mode, "ehlo") == 0) {
    status = smtp_reply_stream_new(
        &options, strcmp(mode, "ehlo") == 0 ? SMTP_REPLY_MODE_EHLO : SMTP_REPLY_MODE_REPLIES,
        &replies);
  } else {
    return usage("unknown mode");
  }
  if (status != SMTP_STATUS_OK) {
    fprintf(stderr, "smtp_replay: cannot create the stream: %s\n", smtp_status_name(status));
    return 2;
  }

  file = fopen(path, "rb");
  chunk = (char*)malloc(chunk_size);
  if (file == NULL || chunk == NULL) {
    fprintf(stderr, "smtp_replay: cannot open %s\n", path);
    return 2;
  }
  memset(&ctx, 0, sizeof(ctx));
  ctx.all_ok = 1;
  for (;;) {
    const size_t n = fread(chunk, 1, chunk_size, file);
    if (n == 0) break;
    status = commands != NULL ? smtp_command_stream_feed(commands, chunk, n, on_record, &ctx)
                              : smtp_reply_stream_feed(replies, chunk, n, on_record, &ctx);
    if (status != SMTP_STATUS_OK || !flush(&ctx.out)) break;
  }
  if (status == SMTP_STATUS_OK && ferror(file)) {
    fprintf(stderr, "smtp_replay: cannot read %s\n", path);
    return 2;
  }
  if (status == SMTP_STATUS_OK) {
    status = commands != NULL ? smtp_command_stream_finish(commands, on_record, &ctx)
                              : smtp_reply_stream_finish(replies, on_record, &ctx);
  }
  if (status != SMTP_STATUS_OK || !flush(&ctx.out) || fflush(stdout) != 0) {
    fprintf(stderr, "smtp_replay: %s\n",
            status != SMTP_STATUS_OK ? smtp_status_name(status) : "cannot write");
    return 2;
  }
  fclose(file);
  free(chunk);
  free(ctx.out.data);
  smtp_command_stream_free(commands);
  smtp_reply_stream_free(replies);
  return ctx.all_ok ? 0 : 1;
}
