// Parses one command with the installed library, the way an embedder would.
#include <cstdio>
#include <string_view>

#include "smtp/command.h"
#include "smtp/error.h"
#include "smtp/options.h"

int main() {
  const smtp::Options options;
  const smtp::CommandResult r = smtp::ParseCommand("MAIL FROM:<a@b.example> SIZE=10\r\n", options);
  if (!r.ok()) {
    std::fprintf(stderr, "parse failed: %s\n", smtp::ToStatus(r.error).ToString().c_str());
    return 1;
  }
  if (r.command.verb != smtp::Verb::kMail || r.command.path != "a@b.example") {
    std::fprintf(stderr, "unexpected parse\n");
    return 1;
  }
  const std::string_view verb = smtp::VerbName(r.command.verb);
  std::printf("%.*s <%.*s>\n", static_cast<int>(verb.size()), verb.data(),
              static_cast<int>(r.command.path.size()), r.command.path.data());
  return 0;
}
