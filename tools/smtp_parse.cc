// smtp-parse: reads an SMTP command or reply stream and writes one JSON
// object per record (JSON Lines), as SPEC.md section 4 describes.
//
//   smtp-parse commands|replies|ehlo [FILE|-] [--lenient] [--utf8] [--max-line N]
//   smtp-parse session CLIENT_FILE SERVER_FILE [--lenient] [--utf8] [--max-line N]
//   smtp-parse session --pcap FILE [--port N]... [--lenient] [--utf8] [--max-line N]
//
// Input is read with read(2) in 64 KiB chunks and fed to the stream parser;
// records are written as soon as the chunk that completes them is parsed,
// before the next read, so the tool works at the end of a live pipe. Nothing
// is accumulated: memory is the parser's bounded state plus two buffers.
//
// Exit status: 0 every record ok, 1 some record not ok, 2 usage or I/O error.

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "json_writer.h"
#if defined(SMTP_WITH_PCAP)
#include "pcap_reader.h"
#endif
#include "smtp/command.h"
#include "smtp/ehlo.h"
#include "smtp/error.h"
#include "smtp/options.h"
#include "smtp/reply.h"
#include "smtp/session.h"
#include "smtp/stream.h"

namespace {

constexpr std::size_t kChunkSize = 64 * 1024;
// Output is written out whenever this much is pending, and after every chunk.
constexpr std::size_t kFlushThreshold = 64 * 1024;
// --max-line bounds: a line must hold at least its CRLF; the upper bound keeps
// the reply buffer (max_reply_lines lines of N octets) within 64 MiB.
constexpr std::size_t kMinMaxLine = 2;
constexpr std::size_t kMaxMaxLine = 64 * 1024;

constexpr char kUsage[] =
    "usage: smtp-parse commands|replies|ehlo [FILE|-] [--lenient] [--utf8] [--max-line N]\n"
    "       smtp-parse session CLIENT_FILE SERVER_FILE [options]\n"
    "       smtp-parse session --pcap FILE [--port N]... [options]\n"
    "\n"
    "Parses an SMTP command stream (client to server), reply stream (server to\n"
    "client) or reply stream with EHLO replies, from FILE or standard input, and\n"
    "writes one JSON object per record (JSON Lines) to standard output.\n"
    "session parses both directions of a connection together (two files, or\n"
    "every SMTP connection of a pcap capture) and adds dir, answers, violations\n"
    "(and conn for --pcap) to each record.\n"
    "\n"
    "  --pcap FILE   read TCP connections from a pcap file (session only)\n"
    "  --port N      an SMTP server port in the pcap (default 25, 587, 2525)\n"
    "  --lenient     accept the named deviations seen in the wild and report them\n"
    "  --utf8        allow well-formed UTF-8 (RFC 6531 SMTPUTF8)\n"
    "  --max-line N  command and reply line limit in octets, CRLF included\n"
    "                (default 512; 2 to 65536)\n"
    "\n"
    "Exit status: 0 every record ok, 1 some record not ok, 2 usage or I/O error.\n";

enum class Mode { kCommands, kReplies, kEhlo, kSession };

struct Args {
  Mode mode = Mode::kCommands;
  std::optional<std::string_view> file;   // nullopt or "-": standard input
  std::optional<std::string_view> file2;  // session: the server's file
  std::optional<std::string_view> pcap;
  std::vector<std::uint16_t> ports;
  smtp::Options options;
  bool help = false;
};

void PrintError(std::string_view message) {
  std::string line = "smtp-parse: ";
  line.append(message);
  line.push_back('\n');
  // Best effort: nothing more to do if standard error is gone.
  [[maybe_unused]] const ssize_t n = write(STDERR_FILENO, line.data(), line.size());
}

int UsageError(std::string_view message) {
  std::string text(message);
  text.append("\nTry 'smtp-parse --help'.");
  PrintError(text);
  return 2;
}

// Parses the command line; returns an exit status (2) on error.
std::optional<int> ParseArgs(int argc, char** argv, Args* args) {
  bool have_mode = false;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (!options_done && arg.size() > 1 && arg[0] == '-') {
      if (arg == "--") {
        options_done = true;
      } else if (arg == "--help" || arg == "-h") {
        args->help = true;
      } else if (arg == "--lenient") {
        args->options.policy = smtp::Policy::kLenient;
      } else if (arg == "--utf8") {
        args->options.utf8 = true;
      } else if (arg == "--max-line" || arg.starts_with("--max-line=")) {
        std::string_view value;
        if (arg == "--max-line") {
          if (i + 1 >= argc) return UsageError("--max-line needs a value");
          value = argv[++i];
        } else {
          value = arg.substr(std::string_view("--max-line=").size());
        }
        std::size_t n = 0;
        const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() ||
            n < kMinMaxLine || n > kMaxMaxLine) {
          return UsageError("--max-line wants a number from 2 to 65536, not '" +
                            std::string(value) + "'");
        }
        args->options.max_command_line = n;
        args->options.max_reply_line = n;
      } else if (arg == "--pcap") {
        if (i + 1 >= argc) return UsageError("--pcap needs a file");
        args->pcap = std::string_view(argv[++i]);
      } else if (arg == "--port") {
        if (i + 1 >= argc) return UsageError("--port needs a value");
        const std::string_view value = argv[++i];
        unsigned n = 0;
        const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() || n == 0 ||
            n > 65535) {
          return UsageError("--port wants a number from 1 to 65535, not '" + std::string(value) +
                            "'");
        }
        args->ports.push_back(static_cast<std::uint16_t>(n));
      } else {
        return UsageError("unknown option '" + std::string(arg) + "'");
      }
      continue;
    }
    if (!have_mode) {
      if (arg == "commands") {
        args->mode = Mode::kCommands;
      } else if (arg == "replies") {
        args->mode = Mode::kReplies;
      } else if (arg == "ehlo") {
        args->mode = Mode::kEhlo;
      } else if (arg == "session") {
        args->mode = Mode::kSession;
      } else {
        return UsageError("unknown mode '" + std::string(arg) +
                          "': use commands, replies, ehlo or session");
      }
      have_mode = true;
    } else if (!args->file.has_value()) {
      args->file = arg;
    } else if (args->mode == Mode::kSession && !args->file2.has_value()) {
      args->file2 = arg;
    } else {
      return UsageError("more than one input file ('" + std::string(*args->file) + "', '" +
                        std::string(arg) + "')");
    }
  }
  if (args->help) return std::nullopt;
  if (!have_mode) return UsageError("missing mode: commands, replies, ehlo or session");
  if (args->mode != Mode::kSession && (args->pcap.has_value() || !args->ports.empty())) {
    return UsageError("--pcap and --port are for the session mode");
  }
  if (args->mode == Mode::kSession) {
    if (args->pcap.has_value() && args->file.has_value()) {
      return UsageError("session takes either --pcap FILE or CLIENT_FILE SERVER_FILE");
    }
    if (!args->pcap.has_value() && !args->file2.has_value()) {
      return UsageError("session needs CLIENT_FILE SERVER_FILE, or --pcap FILE");
    }
    if (!args->ports.empty() && !args->pcap.has_value()) {
      return UsageError("--port is for --pcap");
    }
  }
  return std::nullopt;
}

// Standard output, written in whole with write(2).
class Output {
 public:
  std::string& buffer() { return buffer_; }

  // Writes what is pending; false on an I/O error (errno is kept in error_).
  bool Flush() {
    std::size_t done = 0;
    while (done < buffer_.size()) {
      const ssize_t n = write(STDOUT_FILENO, buffer_.data() + done, buffer_.size() - done);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd pfd = {STDOUT_FILENO, POLLOUT, 0};
        poll(&pfd, 1, -1);
      } else {
        error_ = n < 0 ? errno : EIO;
        buffer_.clear();
        return false;
      }
    }
    buffer_.clear();
    return true;
  }
  bool MaybeFlush() { return buffer_.size() < kFlushThreshold || Flush(); }
  [[nodiscard]] int error() const noexcept { return error_; }

 private:
  std::string buffer_;
  int error_ = 0;
};

void WriteCommandFields(const smtp::Command& command, tools::JsonWriter* w) {
  w->Key("verb");
  w->String(smtp::VerbName(command.verb));
  switch (command.verb) {
    case smtp::Verb::kHelo:
    case smtp::Verb::kEhlo:
      w->Key("host_type");
      w->String(smtp::HostTypeName(command.host_type));
      w->Key("host");
      w->String(command.host);
      break;
    case smtp::Verb::kMail:
    case smtp::Verb::kRcpt:
      w->Key("path");
      w->String(command.path);
      w->Key("params");
      w->BeginArray();
      for (const smtp::Param& param : command.params) {
        w->BeginObject();
        w->Key("keyword");
        w->String(param.keyword);
        w->Key("value");
        if (param.has_value) {
          w->String(param.value);
        } else {
          w->Null();
        }
        w->EndObject();
      }
      w->EndArray();
      break;
    case smtp::Verb::kBdat:
      w->Key("size");
      w->Uint(command.bdat_size);
      w->Key("last");
      w->Bool(command.bdat_last);
      break;
    case smtp::Verb::kAuth:
      w->Key("mechanism");
      w->String(command.mechanism);
      if (command.has_initial_response) {
        w->Key("initial_response");
        w->String(command.initial_response);
      }
      break;
    case smtp::Verb::kVrfy:
    case smtp::Verb::kExpn:
    case smtp::Verb::kHelp:
    case smtp::Verb::kNoop:
      if (command.has_argument) {
        w->Key("argument");
        w->String(command.argument);
      }
      break;
    default:
      break;
  }
}

void WriteReplyFields(const smtp::Record& record, tools::JsonWriter* w) {
  const smtp::Reply& reply = record.reply;
  w->Key("code");
  w->Uint(reply.code);
  w->Key("lines");
  w->BeginArray();
  for (std::string_view line : reply.lines)
    w->String(line);
  w->EndArray();
  if (reply.has_enhanced) {
    w->Key("enhanced");
    w->String(reply.enhanced.text);
  }
  if (!record.is_ehlo) return;
  const smtp::EhloReply& ehlo = record.ehlo;
  w->Key("domain");
  w->String(ehlo.domain);
  w->Key("greeting");
  w->String(ehlo.greeting);
  w->Key("capabilities");
  w->BeginArray();
  for (const smtp::Capability& capability : ehlo.capabilities) {
    w->BeginObject();
    w->Key("keyword");
    w->String(capability.keyword);
    w->Key("params");
    w->BeginArray();
    for (std::string_view param : capability.params)
      w->String(param);
    w->EndArray();
    w->EndObject();
  }
  w->EndArray();
}

// Appends one record as a JSON object and a newline; a session record (SPEC
// section 5) also has dir, answers, violations and, from a pcap, conn.
void WriteRecord(const smtp::Record& record, std::string* out,
                 const smtp::SessionRecord* session = nullptr, std::string_view conn = {}) {
  tools::JsonWriter w(out);
  w.BeginObject();
  w.Key("ok");
  w.Bool(session != nullptr ? session->ok() : record.ok());
  w.Key("kind");
  w.String(smtp::RecordKindName(record.kind));
  if (session != nullptr) {
    if (!conn.empty()) {
      w.Key("conn");
      w.String(conn);
    }
    w.Key("dir");
    w.String(smtp::DirectionName(session->dir));
  }
  w.Key("offset");
  w.Uint(record.offset);
  w.Key("length");
  w.Uint(record.length);
  if (!record.ok()) {
    w.Key("error");
    w.String(smtp::ErrorName(record.error.code));
    w.Key("error_offset");
    w.Uint(record.error.offset);
    w.Key("message");
    w.String(smtp::ErrorMessage(record.error.code));
  }
  if (!record.deviations.empty()) {
    w.Key("deviations");
    w.BeginArray();
    record.deviations.ForEach([&w](smtp::Deviation d) { w.String(smtp::DeviationName(d)); });
    w.EndArray();
  }
  switch (record.kind) {
    case smtp::RecordKind::kCommand:
      if (record.ok()) WriteCommandFields(record.command, &w);
      break;
    case smtp::RecordKind::kData:
      // The parser counts content octets also on error; they help there too.
      w.Key("bytes");
      w.Uint(record.data_bytes);
      break;
    case smtp::RecordKind::kReply:
      if (record.ok()) WriteReplyFields(record, &w);
      break;
    case smtp::RecordKind::kAuthResponse:
    case smtp::RecordKind::kTls:
      break;
  }
  if (session != nullptr) {
    if (session->has_answers) {
      w.Key("answers");
      w.Uint(session->answers);
    }
    if (!session->violations.empty()) {
      w.Key("violations");
      w.BeginArray();
      session->violations.ForEach([&w](smtp::Violation v) { w.String(smtp::ViolationName(v)); });
      w.EndArray();
    }
  }
  w.EndObject();
  out->push_back('\n');
}

// Reads `fd` to its end through `stream`, writing each record. Returns the
// exit status.
template <typename Stream>
int Run(int fd, std::string_view name, Stream& stream) {
  Output output;
  bool all_ok = true;
  bool write_failed = false;
  const auto sink = [&](const smtp::Record& record) {
    if (write_failed) return;
    all_ok = all_ok && record.ok();
    WriteRecord(record, &output.buffer());
    if (!output.MaybeFlush()) write_failed = true;
  };
  const auto flush = [&] { return !write_failed && output.Flush(); };
  const auto write_error = [&] {
    PrintError(std::string("cannot write standard output: ") + std::strerror(output.error()));
    return 2;
  };

  std::string chunk(kChunkSize, '\0');
  for (;;) {
    const ssize_t n = read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd pfd = {fd, POLLIN, 0};
      poll(&pfd, 1, -1);
      continue;
    }
    if (n < 0) {
      const int error = errno;
      if (!flush()) return write_error();
      PrintError("cannot read " + std::string(name) + ": " + std::strerror(error));
      return 2;
    }
    if (n == 0) break;
    stream.Feed(std::string_view(chunk.data(), static_cast<std::size_t>(n)), sink);
    // Everything completed by this chunk goes out before the next read blocks.
    if (!flush()) return write_error();
  }
  stream.Finish(sink);
  if (!flush()) return write_error();
  return all_ok ? 0 : 1;
}

// Reads one chunk of `fd` into `chunk`: its size, 0 at the end, -1 on error
// (errno kept).
ssize_t ReadChunk(int fd, std::string& chunk) {
  for (;;) {
    const ssize_t n = read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd pfd = {fd, POLLIN, 0};
      poll(&pfd, 1, -1);
      continue;
    }
    return n;
  }
}

// session CLIENT_FILE SERVER_FILE: the two directions of one connection,
// captured apart. The session says which one it needs next (wants()), so
// neither file is read further ahead than max_pending.
int RunSessionPcap(const Args& args);

int RunSessionFiles(const Args& args) {
  const std::string names[2] = {std::string(*args.file), std::string(*args.file2)};
  int fds[2] = {-1, -1};
  for (int i = 0; i < 2; ++i) {
    fds[i] = names[i] == "-" ? STDIN_FILENO : open(names[i].c_str(), O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0) {
      PrintError("cannot open " + names[i] + ": " + std::strerror(errno));
      if (i == 1 && fds[0] != STDIN_FILENO) close(fds[0]);
      return 2;
    }
  }
  Output output;
  bool all_ok = true;
  bool write_failed = false;
  const auto sink = [&](const smtp::SessionRecord& record) {
    if (write_failed) return;
    all_ok = all_ok && record.ok();
    WriteRecord(record.record, &output.buffer(), &record);
    if (!output.MaybeFlush()) write_failed = true;
  };
  smtp::Session session(args.options, smtp::SessionInput::kTwoStreams);
  bool open_side[2] = {true, true};
  std::string chunk(kChunkSize, '\0');
  int status = 0;
  while (open_side[0] || open_side[1]) {
    int side = session.wants() == smtp::Direction::kClient ? 0 : 1;
    if (!open_side[side]) side = 1 - side;
    const ssize_t n = ReadChunk(fds[side], chunk);
    if (n < 0) {
      PrintError("cannot read " + names[side] + ": " + std::strerror(errno));
      status = 2;
      break;
    }
    if (n == 0) {
      open_side[side] = false;
      if (side == 0) {
        session.CloseClient(sink);
      } else {
        session.CloseServer(sink);
      }
    } else if (side == 0) {
      session.FeedClient(std::string_view(chunk.data(), static_cast<std::size_t>(n)), sink);
    } else {
      session.FeedServer(std::string_view(chunk.data(), static_cast<std::size_t>(n)), sink);
    }
    if (write_failed || !output.Flush()) break;
  }
  if (status == 0) session.Finish(sink);
  for (const int fd : fds) {
    if (fd != STDIN_FILENO) close(fd);
  }
  if (write_failed || !output.Flush()) {
    PrintError(std::string("cannot write standard output: ") + std::strerror(output.error()));
    return 2;
  }
  if (status != 0) return status;
  return all_ok ? 0 : 1;
}

int Main(int argc, char** argv) {
  Args args;
  if (const std::optional<int> status = ParseArgs(argc, argv, &args)) return *status;
  if (args.help) {
    [[maybe_unused]] const ssize_t n = write(STDOUT_FILENO, kUsage, sizeof(kUsage) - 1);
    return 0;
  }
  if (args.mode == Mode::kSession) {
    if (args.pcap.has_value()) return RunSessionPcap(args);
    return RunSessionFiles(args);
  }

  int fd = STDIN_FILENO;
  std::string name = "standard input";
  if (args.file.has_value() && *args.file != "-") {
    name = std::string(*args.file);
    fd = open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      PrintError("cannot open " + name + ": " + std::strerror(errno));
      return 2;
    }
  }

  int status = 0;
  if (args.mode == Mode::kCommands) {
    smtp::CommandStream stream(args.options);
    status = Run(fd, name, stream);
  } else {
    smtp::ReplyStream stream(args.options, args.mode == Mode::kEhlo ? smtp::ReplyMode::kEhlo
                                                                    : smtp::ReplyMode::kReplies);
    status = Run(fd, name, stream);
  }
  if (fd != STDIN_FILENO) close(fd);
  return status;
}

// session --pcap FILE: every SMTP connection of the capture, each through
// its own Session fed in wire order (interleaved); records carry conn.
int RunSessionPcap(const Args& args) {
#if defined(SMTP_WITH_PCAP)
  std::vector<std::uint16_t> ports = args.ports;
  if (ports.empty()) ports = {25, 587, 2525};
  struct Conn {
    std::string name;
    std::unique_ptr<smtp::Session> session;
  };
  std::map<std::size_t, Conn> conns;
  Output output;
  bool all_ok = true;
  bool write_failed = false;
  std::string_view current;  // the conn of the records being written
  const auto sink = [&](const smtp::SessionRecord& record) {
    if (write_failed) return;
    all_ok = all_ok && record.ok();
    WriteRecord(record.record, &output.buffer(), &record, current);
    if (!output.MaybeFlush()) write_failed = true;
  };
  tools::PcapHandlers handlers;
  handlers.data = [&](std::size_t id, std::string_view conn, bool from_client,
                      std::string_view octets) {
    Conn& c = conns[id];
    if (!c.session) {
      c.name = std::string(conn);
      c.session = std::make_unique<smtp::Session>(args.options, smtp::SessionInput::kInterleaved);
    }
    current = c.name;
    if (from_client) {
      c.session->FeedClient(octets, sink);
    } else {
      c.session->FeedServer(octets, sink);
    }
  };
  handlers.closed = [&](std::size_t id) {
    const auto it = conns.find(id);
    if (it == conns.end()) return;
    current = it->second.name;
    it->second.session->Finish(sink);
    conns.erase(it);
    if (!write_failed && !output.Flush()) write_failed = true;
  };
  const std::string error = tools::ReadPcap(std::string(*args.pcap), ports, handlers);
  if (write_failed || !output.Flush()) {
    PrintError(std::string("cannot write standard output: ") + std::strerror(output.error()));
    return 2;
  }
  if (!error.empty()) {
    PrintError(error);
    return 2;
  }
  return all_ok ? 0 : 1;
#else
  (void)args;
  PrintError("this smtp-parse was built without pcap support (SMTP_WITH_PCAP=OFF)");
  return 2;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  return Main(argc, argv);
}
