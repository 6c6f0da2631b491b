// tests/regressions_test.cc: replays the fuzzing regressions and the corpus.
//
// corpus/regressions/<target>/<name> is an input that once broke a property
// (or showed a parser bug); <name>.expected is the exact outcome the parser
// must give for it, as fuzz/describe.h prints it (records, fields, error
// codes and offsets). Each regression is checked two ways: its description
// must equal the .expected text, and the fuzz target's properties must hold
// on it. A <name>.known-bug marker turns a mismatch into a skip that names
// the open finding (docs/findings.md) until the parser is fixed.
//
// The corpus (corpus/<target>/) is replayed through every target too.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "describe.h"
#include "gtest/gtest.h"

// The targets' entry points, renamed at compile time (tests/fuzz.cmake),
// which also passes their list as SMTP_FUZZ_TARGET_LIST: X(name) X(name) ...
// so that no target can be left out of the replay here.
#define SMTP_DECLARE_TARGET(name) int SmtpFuzz_##name(const std::uint8_t* data, std::size_t size);
extern "C" {
#define X SMTP_DECLARE_TARGET
SMTP_FUZZ_TARGET_LIST
#undef X
}

namespace {

namespace fs = std::filesystem;
using Entry = int (*)(const std::uint8_t*, std::size_t);

const std::map<std::string, Entry>& Targets() {
  static const auto* targets = new std::map<std::string, Entry>{
#define X(name) {#name, SmtpFuzz_##name},
      SMTP_FUZZ_TARGET_LIST
#undef X
  };
  return *targets;
}

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool IsInput(const fs::path& p) {
  return fs::is_regular_file(p) && p.extension() != ".expected" && p.extension() != ".known-bug";
}

struct Regression {
  std::string target;
  fs::path input;
};

std::vector<Regression> Regressions() {
  std::vector<Regression> out;
  const fs::path root = fs::path(SMTP_CORPUS_DIR) / "regressions";
  if (!fs::is_directory(root)) return out;
  for (const auto& dir : fs::directory_iterator(root)) {
    if (!dir.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(dir.path())) {
      if (IsInput(f.path())) out.push_back({dir.path().filename().string(), f.path()});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Regression& a, const Regression& b) { return a.input < b.input; });
  return out;
}

class RegressionTest : public testing::TestWithParam<Regression> {};

TEST_P(RegressionTest, ExactOutcome) {
  const Regression& r = GetParam();
  const std::string input = Read(r.input);
  fs::path expected_path = r.input;
  expected_path += ".expected";
  ASSERT_TRUE(fs::exists(expected_path))
      << "missing " << expected_path << " (fuzz/new_regression.sh writes it)";
  const std::string expected = Read(expected_path);
  const std::string actual = smtp_fuzz::DescribeInput(r.target, input);
  fs::path known_bug = r.input;
  known_bug += ".known-bug";
  if (fs::exists(known_bug) && actual != expected) {
    GTEST_SKIP() << "open parser bug (" << Read(known_bug) << "): expected\n"
                 << expected << "actual\n"
                 << actual;
  }
  EXPECT_EQ(actual, expected) << "regression " << r.input;
  const auto it = Targets().find(r.target);
  ASSERT_NE(it, Targets().end()) << "unknown target directory " << r.target;
  if (!fs::exists(known_bug)) {
    it->second(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  }
}

INSTANTIATE_TEST_SUITE_P(Fuzz, RegressionTest, testing::ValuesIn(Regressions()),
                         [](const testing::TestParamInfo<Regression>& info) {
                           std::string name =
                               info.param.target + "_" + info.param.input.filename().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RegressionTest);

class CorpusTest : public testing::TestWithParam<std::string> {};

// Every shipped corpus input keeps every property of its target.
TEST_P(CorpusTest, PropertiesHold) {
  const fs::path dir = fs::path(SMTP_CORPUS_DIR) / GetParam();
  if (!fs::is_directory(dir)) GTEST_SKIP() << "no corpus for " << GetParam();
  const Entry entry = Targets().at(GetParam());
  std::size_t n = 0;
  for (const auto& f : fs::directory_iterator(dir)) {
    if (!IsInput(f.path())) continue;
    const std::string input = Read(f.path());
    SCOPED_TRACE(f.path().string());
    entry(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
    ++n;
  }
  EXPECT_GT(n, 0u);
}

std::vector<std::string> TargetNames() {
  std::vector<std::string> names;
  for (const auto& [name, entry] : Targets())
    names.push_back(name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Fuzz, CorpusTest, testing::ValuesIn(TargetNames()));

}  // namespace
