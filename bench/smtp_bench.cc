// smtp-bench: parse throughput of the stream parser on a file.
//
//   smtp-bench FILE [--replies|--ehlo|--commands] [--chunk N] [--runs N]
//   smtp-bench --generate KIND SIZE_MB OUT [--body BYTES] [--seed N]
//   smtp-bench --kind FILE     prints "replies" or "commands"
//   smtp-bench --session CLIENT SERVER [--chunk N] [--runs N]
//
// The first form reads FILE into memory, detects replies or commands from
// its first octets (or takes --replies / --commands), parses it with the
// stream parser (replies in plain mode, or with --ehlo in EHLO mode, default
// strict Options) in chunks of
// --chunk octets (default 65536), best of --runs runs (default 3) on the
// monotonic clock, parse only, checks that every record is ok, and prints
//   MB/s=<n> items/s=<n> items=<n>
// with MB = 1e6 bytes and items = records. Exit status 1 if a record failed.
//
// The second form writes generated input (bench/generate.h): KIND is
// replies, ehlo-replies, commands, data (messages with --body octet bodies, default
// 16384), maxline-replies, 1000line-replies, maxline-commands, manyparams,
// dotlines, maxline-data, or session (commands in OUT and the replies a
// server would give them in OUT.server, GenerateSessionReplies).
//
// The --session form reads both files with one smtp::Session (two streams,
// each side fed when the session wants it) and, on the same octets, with the
// two one-way streams (commands, and replies in plain mode), and prints
//   MB/s=<n> items/s=<n> items=<n> pair_MB/s=<n> cost=<session / pair time>
// with MB/s over the octets of both sides. Exit status 1 if a session record
// failed or carries a violation.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>

#include "generate.h"

namespace {

using smtp::bench::StreamKind;

int Usage() {
  std::cerr << "usage: smtp-bench FILE [--replies|--ehlo|--commands] [--chunk N] [--runs N]\n"
               "       smtp-bench --generate replies|ehlo-replies|commands|data|maxline-replies|"
               "1000line-replies|maxline-commands|manyparams|dotlines|maxline-data|session "
               "SIZE_MB OUT [--body BYTES] [--seed N]\n"
               "       smtp-bench --session CLIENT SERVER [--chunk N] [--runs N]\n";
  return 2;
}

bool ParseSize(const char* text, std::size_t* value) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0') return false;
  *value = static_cast<std::size_t>(v);
  return true;
}

bool WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out) std::cerr << "smtp-bench: cannot write " << path << "\n";
  return static_cast<bool>(out);
}

int Generate(int argc, char** argv) {
  if (argc < 5) return Usage();
  const std::string kind = argv[2];
  std::size_t size_mb = 0;
  if (!ParseSize(argv[3], &size_mb) || size_mb == 0) return Usage();
  const std::string out_path = argv[4];
  std::size_t body = 16384;
  std::size_t seed = 1;
  for (int i = 5; i < argc; ++i) {
    if (std::strcmp(argv[i], "--body") == 0 && i + 1 < argc) {
      if (!ParseSize(argv[++i], &body)) return Usage();
    } else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      if (!ParseSize(argv[++i], &seed)) return Usage();
    } else {
      return Usage();
    }
  }
  const std::size_t bytes = size_mb * 1000 * 1000;
  std::string data;
  namespace b = smtp::bench;
  StreamKind check = StreamKind::kReplies;
  if (kind == "replies") {
    data = b::GenerateReplies(bytes, seed);
  } else if (kind == "ehlo-replies") {
    data = b::GenerateEhloReplies(bytes, seed);
    check = StreamKind::kEhloReplies;
  } else if (kind == "commands") {
    data = b::GenerateCommands(bytes, seed);
  } else if (kind == "data") {
    data = b::GenerateDataStream(bytes, body, seed);
  } else if (kind == "maxline-replies") {
    data = b::GenerateMaxLineReplies(bytes);
  } else if (kind == "1000line-replies") {
    data = b::GenerateThousandLineReplies(bytes);
  } else if (kind == "maxline-commands") {
    data = b::GenerateMaxLineCommands(bytes);
  } else if (kind == "manyparams") {
    data = b::GenerateManyParamCommands(bytes);
  } else if (kind == "dotlines") {
    data = b::GenerateDotLineData(bytes);
  } else if (kind == "maxline-data") {
    data = b::GenerateMaxLineData(bytes);
  } else if (kind == "session") {
    // One connection: the generated sessions' QUITs go but the last (a
    // new EHLO starts over, RFC 5321 section 4.1.4).
    const std::string commands = b::GenerateCommands(bytes, seed);
    for (std::size_t pos = 0; pos < commands.size();) {
      const std::size_t end = commands.find('\n', pos) + 1;
      const std::string_view line(commands.data() + pos, end - pos);
      if (line != "QUIT\r\n" || end == commands.size()) data += line;
      pos = end;
    }
    if (!WriteFile(out_path + ".server", b::GenerateSessionReplies(data))) return 2;
  } else {
    return Usage();
  }
  std::string why;
  if (check != StreamKind::kEhloReplies) check = b::DetectKind(data);
  if (!b::CheckAllOk(data, check, &why)) {
    std::cerr << "smtp-bench: generated input does not parse: " << why << "\n";
    return 1;
  }
  return WriteFile(out_path, data) ? 0 : 2;
}

bool ReadFile(const char* path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "smtp-bench: cannot read " << path << "\n";
    return false;
  }
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

// Best of `runs` wall-clock times of `parse`, in seconds.
template <typename Parse>
double BestTime(std::size_t runs, Parse parse) {
  double best = 0;
  for (std::size_t run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    parse();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (run == 0 || elapsed.count() < best) best = elapsed.count();
  }
  return best;
}

int SessionMain(int argc, char** argv) {
  if (argc < 4) return Usage();
  std::size_t chunk = 65536;
  std::size_t runs = 3;
  for (int i = 4; i < argc; ++i) {
    if (std::strcmp(argv[i], "--chunk") == 0 && i + 1 < argc) {
      if (!ParseSize(argv[++i], &chunk) || chunk == 0) return Usage();
    } else if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      if (!ParseSize(argv[++i], &runs) || runs == 0) return Usage();
    } else {
      return Usage();
    }
  }
  std::string client, server;
  if (!ReadFile(argv[2], &client) || !ReadFile(argv[3], &server)) return 2;
  namespace b = smtp::bench;
  b::ParseCount count;
  const double session = BestTime(runs, [&] { count = b::ParseSession(client, server, chunk); });
  b::ParseCount pair_count;
  const double pair = BestTime(runs, [&] {
    pair_count = b::ParseAll(client, StreamKind::kCommands, chunk);
    const b::ParseCount replies = b::ParseAll(server, StreamKind::kReplies, chunk);
    pair_count.records += replies.records;
    pair_count.failed += replies.failed;
  });
  if (count.failed != 0 || count.bytes != client.size() + server.size() || pair_count.failed != 0) {
    std::cerr << "smtp-bench: " << count.failed << " of " << count.records
              << " session records failed or broke a rule\n";
    return 1;
  }
  const double mb = static_cast<double>(client.size() + server.size()) / 1e6;
  std::printf("MB/s=%.1f items/s=%.0f items=%llu pair_MB/s=%.1f cost=%.2f\n", mb / session,
              count.records / session, static_cast<unsigned long long>(count.records), mb / pair,
              session / pair);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--generate") == 0) return Generate(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "--session") == 0) return SessionMain(argc, argv);
  if (argc == 3 && std::strcmp(argv[1], "--kind") == 0) {  // for scripts: replies|commands
    std::ifstream in(argv[2], std::ios::binary);
    char head[3] = {};
    in.read(head, 3);
    const bool replies = smtp::bench::DetectKind(std::string_view(
                             head, static_cast<std::size_t>(in.gcount()))) == StreamKind::kReplies;
    std::puts(replies ? "replies" : "commands");
    return 0;
  }
  if (argc < 2) return Usage();
  const char* path = nullptr;
  bool kind_given = false;
  StreamKind kind = StreamKind::kCommands;
  std::size_t chunk = 65536;
  std::size_t runs = 3;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--replies") == 0) {
      kind = StreamKind::kReplies;
      kind_given = true;
    } else if (std::strcmp(argv[i], "--ehlo") == 0) {
      kind = StreamKind::kEhloReplies;
      kind_given = true;
    } else if (std::strcmp(argv[i], "--commands") == 0) {
      kind = StreamKind::kCommands;
      kind_given = true;
    } else if (std::strcmp(argv[i], "--chunk") == 0 && i + 1 < argc) {
      if (!ParseSize(argv[++i], &chunk) || chunk == 0) return Usage();
    } else if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      if (!ParseSize(argv[++i], &runs) || runs == 0) return Usage();
    } else if (path == nullptr && argv[i][0] != '-') {
      path = argv[i];
    } else {
      return Usage();
    }
  }
  if (path == nullptr) return Usage();
  std::string input;
  if (!ReadFile(path, &input)) return 2;
  if (!kind_given) kind = smtp::bench::DetectKind(input);

  smtp::bench::ParseCount count;
  const double best = BestTime(runs, [&] { count = smtp::bench::ParseAll(input, kind, chunk); });
  if (count.failed != 0 || count.bytes != input.size()) {
    std::cerr << "smtp-bench: " << count.failed << " of " << count.records
              << " records failed to parse\n";
    return 1;
  }
  std::printf("MB/s=%.1f items/s=%.0f items=%llu\n", input.size() / 1e6 / best,
              count.records / best, static_cast<unsigned long long>(count.records));
  return 0;
}
