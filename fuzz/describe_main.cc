// fuzz/describe_main.cc: smtp_fuzz_describe TARGET FILE prints what the
// parser makes of FILE as fuzz target TARGET reads it (see describe.h).
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "describe.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: smtp_fuzz_describe TARGET FILE\n");
    return 2;
  }
  std::ifstream in(argv[2], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "smtp_fuzz_describe: cannot read %s\n", argv[2]);
    return 2;
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::fputs(smtp_fuzz::DescribeInput(argv[1], bytes).c_str(), stdout);
  return 0;
}
