// fuzz/replay_main.cc: a main() for the fuzz targets without libFuzzer, so
// they build with GCC (or any compiler) and replay a corpus as a test.
//
//   command_line_replay corpus/command_line corpus/regressions/command_line file...
//
// Each argument is a file or a directory (read recursively, in sorted
// order); arguments starting with '-' are ignored (libFuzzer flags). A
// failing property aborts, exactly as under libFuzzer.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool RunFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  // A copy of exactly `size` bytes on the heap, so ASan sees overreads.
  std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
  std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(), copy.size());
  LLVMFuzzerTestOneInput(copy.empty() ? nullptr : copy.data(), copy.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t runs = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!arg.empty() && arg[0] == '-') continue;
    const std::filesystem::path path(arg);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) {
        if (f.extension() == ".expected" || f.extension() == ".known-bug") continue;
        ok = RunFile(f) && ok;
        ++runs;
      }
    } else {
      ok = RunFile(path) && ok;
      ++runs;
    }
  }
  std::fprintf(stderr, "replay: %zu inputs, no property failed\n", runs);
  return ok ? 0 : 2;
}
