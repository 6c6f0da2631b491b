#include "oracle/session_model.h"

#include <cctype>
#include <set>
#include <string>

namespace oracle {
namespace {

struct Reply {
  std::uint64_t offset = 0, length = 0;
  int code = 0;
  std::vector<std::string> lines;  // text after the separator
};

std::vector<Reply> SplitReplies(const std::string& s) {
  std::vector<Reply> out;
  std::size_t pos = 0;
  Reply cur;
  bool open = false;
  while (pos < s.size()) {
    const std::size_t end = s.find("\r\n", pos);
    if (end == std::string::npos) break;
    const std::string line = s.substr(pos, end - pos);
    if (!open) {
      cur = Reply{};
      cur.offset = pos;
      cur.code = std::stoi(line.substr(0, 3));
      open = true;
    }
    cur.lines.push_back(line.size() > 4 ? line.substr(4) : "");
    pos = end + 2;
    if (line.size() < 4 || line[3] != '-') {
      cur.length = pos - cur.offset;
      out.push_back(cur);
      open = false;
    }
  }
  return out;
}

std::string Upper(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

SessionModel ModelSession(const std::string& client, const std::string& server) {
  SessionModel m;
  const std::vector<Reply> replies = SplitReplies(server);
  std::size_t next_reply = 0;
  const auto answer = [&](std::int64_t what) -> const Reply* {
    if (next_reply >= replies.size()) return nullptr;
    const Reply& r = replies[next_reply++];
    m.server.push_back({"reply", r.offset, r.length, what});
    return &r;
  };
  if (!replies.empty()) answer(-1);  // the greeting
  std::set<std::string> extensions;
  std::size_t pos = 0;
  const auto line_at = [&](std::size_t at) {
    const std::size_t end = client.find("\r\n", at);
    return end == std::string::npos ? client.size() - at : end + 2 - at;
  };
  bool tls = false;
  while (pos < client.size() && !tls) {
    const std::size_t len = line_at(pos);
    const std::string line = client.substr(pos, len);
    const std::size_t cmd_at = pos;
    m.client.push_back({"command", pos, len, -1});
    pos += len;
    std::string verb = Upper(line.substr(0, line.find_first_of(" \r")));
    const Reply* r = nullptr;
    if (verb == "DATA" && line == "DATA\r\n") {
      r = answer(static_cast<std::int64_t>(cmd_at));
      if (r != nullptr && r->code == 354) {
        // Content: up to and including the first ".\r\n" at a line start.
        std::size_t at = pos;
        while (true) {
          if (client.compare(at, 3, ".\r\n") == 0) break;
          const std::size_t nl = client.find("\r\n", at);
          if (nl == std::string::npos) {
            at = client.size();
            break;
          }
          at = nl + 2;
        }
        const std::size_t end = std::min(client.size(), at + 3);
        m.client.push_back({"data", pos, end - pos, -1});
        const std::size_t data_at = pos;
        pos = end;
        answer(static_cast<std::int64_t>(data_at));
      }
    } else if (verb == "BDAT") {
      const std::uint64_t n = std::stoull(line.substr(5));
      if (extensions.count("CHUNKING")) {
        m.client.push_back({"data", pos, n, -1});
        pos += n;
        answer(static_cast<std::int64_t>(cmd_at));
      } else {
        r = answer(static_cast<std::int64_t>(cmd_at));
        if (r == nullptr || (r->code != 500 && r->code != 502)) {
          m.client.push_back({"data", pos, n, -1});
          pos += n;
        }
      }
    } else if (verb == "AUTH") {
      r = answer(static_cast<std::int64_t>(cmd_at));
      while (r != nullptr && r->code == 334 && pos < client.size()) {
        const std::size_t n = line_at(pos);
        m.client.push_back({"auth_response", pos, n, -1});
        const std::size_t at = pos;
        pos += n;
        r = answer(static_cast<std::int64_t>(at));
      }
    } else if (verb == "STARTTLS" && line == "STARTTLS\r\n") {
      r = answer(static_cast<std::int64_t>(cmd_at));
      if (r != nullptr && r->code == 220) {
        m.client.push_back({"tls", pos, client.size() - pos, -1});
        pos = client.size();
        const std::uint64_t s_at = r->offset + r->length;
        m.server.push_back({"tls", s_at, server.size() - s_at, -1});
        next_reply = replies.size();
        tls = true;
      }
    } else {
      r = answer(static_cast<std::int64_t>(cmd_at));
      if (r != nullptr && r->code == 250 && verb == "EHLO") {
        extensions.clear();
        for (std::size_t i = 1; i < r->lines.size(); ++i)
          extensions.insert(Upper(r->lines[i].substr(0, r->lines[i].find(' '))));
      } else if (r != nullptr && r->code == 250 && verb == "HELO") {
        extensions.clear();
      }
    }
  }
  while (next_reply < replies.size())
    answer(-1);  // replies without a command
  return m;
}

}  // namespace oracle
