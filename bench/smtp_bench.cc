// smtp-bench: parse throughput of the stream parser on a file.
//
//   smtp-bench FILE [--replies|--commands] [--chunk N] [--runs N]
//   smtp-bench --generate KIND SIZE_MB OUT [--body BYTES] [--seed N]
//   smtp-bench --kind FILE     prints "replies" or "commands"
//
// The first form reads FILE into memory, detects replies or commands from
// its first octets (or takes --replies / --commands), parses it with the
// stream parser (replies in plain mode, default strict Options) in chunks of
// --chunk octets (default 65536), best of --runs runs (default 3) on the
// monotonic clock, parse only, checks that every record is ok, and prints
//   MB/s=<n> items/s=<n> items=<n>
// with MB = 1e6 bytes and items = records. Exit status 1 if a record failed.
//
// The second form writes generated input (bench/generate.h): KIND is
// replies, commands, data (messages with --body octet bodies, default
// 16384), maxline-replies, 1000line-replies, maxline-commands, manyparams,
// dotlines or maxline-data.
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
  std::cerr << "usage: smtp-bench FILE [--replies|--commands] [--chunk N] [--runs N]\n"
               "       smtp-bench --generate replies|commands|data|maxline-replies|"
               "1000line-replies|maxline-commands|manyparams|dotlines|maxline-data "
               "SIZE_MB OUT [--body BYTES] [--seed N]\n";
  return 2;
}

bool ParseSize(const char* text, std::size_t* value) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0') return false;
  *value = static_cast<std::size_t>(v);
  return true;
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
  if (kind == "replies") {
    data = b::GenerateReplies(bytes, seed);
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
  } else {
    return Usage();
  }
  std::string why;
  if (!b::CheckAllOk(data, b::DetectKind(data), &why)) {
    std::cerr << "smtp-bench: generated input does not parse: " << why << "\n";
    return 1;
  }
  std::ofstream out(out_path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out) {
    std::cerr << "smtp-bench: cannot write " << out_path << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--generate") == 0) return Generate(argc, argv);
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
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "smtp-bench: cannot read " << path << "\n";
    return 2;
  }
  const std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!kind_given) kind = smtp::bench::DetectKind(input);

  double best = 0;
  smtp::bench::ParseCount count;
  for (std::size_t run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    count = smtp::bench::ParseAll(input, kind, chunk);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (run == 0 || elapsed.count() < best) best = elapsed.count();
  }
  if (count.failed != 0 || count.bytes != input.size()) {
    std::cerr << "smtp-bench: " << count.failed << " of " << count.records
              << " records failed to parse\n";
    return 1;
  }
  std::printf("MB/s=%.1f items/s=%.0f items=%llu\n", input.size() / 1e6 / best,
              count.records / best, static_cast<unsigned long long>(count.records));
  return 0;
}
