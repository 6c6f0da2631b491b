#include "generate.h"

#include <algorithm>
#include <array>

#include "smtp/session.h"
#include "smtp/stream.h"

namespace smtp::bench {
namespace {

// SplitMix64: tiny, fast and the same on every platform and library.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  std::size_t Range(std::size_t lo, std::size_t hi) { return lo + Next() % (hi - lo + 1); }
  bool Percent(unsigned p) { return Next() % 100 < p; }
  template <typename T, std::size_t N>
  const T& Pick(const std::array<T, N>& items) {
    return items[Next() % N];
  }

 private:
  std::uint64_t state_;
};

constexpr std::string_view kAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz";

void AppendRandom(Rng& rng, std::string_view alphabet, std::size_t n, std::string* out) {
  for (std::size_t i = 0; i < n; ++i)
    out->push_back(alphabet[rng.Next() % alphabet.size()]);
}

constexpr std::array<std::string_view, 10> kDomains = {
    "example.com",     "mail.example.org", "mx1.example.net",      "smtp.corp.example",
    "lists.example",   "example.co.uk",    "relay-2.example.info", "mx.mail-provider.example",
    "news.example.de", "a.b.example.jp",
};

constexpr std::array<std::string_view, 8> kLocalParts = {
    "alice", "bob.smith",         "noreply", "billing+invoices",
    "j_doe", "postmaster-bounce", "x",       "first.middle.last",
};

std::string Mailbox(Rng& rng) {
  std::string s(rng.Pick(kLocalParts));
  if (rng.Percent(40)) AppendRandom(rng, kLower, rng.Range(1, 6), &s);
  s += '@';
  s += rng.Pick(kDomains);
  return s;
}

// RFC 3461 xtext: "+", "=" and octets outside %d33-126 as "+XX".
std::string Xtext(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126 || c == '+' || c == '=') {
      out += '+';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

void AppendIpv4(Rng& rng, std::string* out) {
  for (int i = 0; i < 4; ++i) {
    if (i > 0) *out += '.';
    *out += std::to_string(rng.Range(0, 255));
  }
}

// One single-line reply as real servers word them.
void AppendSingleLineReply(Rng& rng, std::string* out) {
  switch (rng.Range(0, 15)) {
    case 0:
    case 1:
    case 2:
      *out += "250 2.1.0 Ok\r\n";
      break;
    case 3:
    case 4:
    case 5:
      *out += "250 2.1.5 Ok\r\n";
      break;
    case 6:
      *out += "354 End data with <CR><LF>.<CR><LF>\r\n";
      break;
    case 7:
      *out += "250 2.0.0 Ok: queued as ";
      AppendRandom(rng, "0123456789ABCDEF", 10, out);
      *out += "\r\n";
      break;
    case 8:
      *out += "250 OK id=1r";
      AppendRandom(rng, kAlnum, 4, out);
      *out += "-0004";
      AppendRandom(rng, kAlnum, 2, out);
      *out += "-Cd\r\n";
      break;
    case 9:
      *out += "220 ";
      *out += rng.Pick(kDomains);
      *out += " ESMTP Postfix (Debian/GNU)\r\n";
      break;
    case 10:
      *out += "221 2.0.0 Bye\r\n";
      break;
    case 11:
      *out += "450 4.7.1 <";
      *out += Mailbox(rng);
      *out += ">: Recipient address rejected: Greylisted, see http://postgrey.example/\r\n";
      break;
    case 12:
      *out += "550 5.1.1 <";
      *out += Mailbox(rng);
      *out += ">: Recipient address rejected: User unknown in virtual mailbox table\r\n";
      break;
    case 13:
      *out += "421 4.7.0 ";
      *out += rng.Pick(kDomains);
      *out += " Error: too many connections from ";
      AppendIpv4(rng, out);
      *out += "\r\n";
      break;
    case 14:
      *out += "554 5.7.1 Service unavailable; Client host [";
      AppendIpv4(rng, out);
      *out += "] blocked using zen.spamhaus.example\r\n";
      break;
    default:
      *out += "250 2.0.0 OK  17";
      AppendRandom(rng, "0123456789", 8, out);
      *out += " ";
      AppendRandom(rng, kAlnum, 12, out);
      *out += ".42 - gsmtp\r\n";
      break;
  }
}

constexpr std::array<std::string_view, 16> kCapabilities = {
    "PIPELINING",
    "SIZE 52428800",
    "VRFY",
    "ETRN",
    "STARTTLS",
    "ENHANCEDSTATUSCODES",
    "8BITMIME",
    "DSN",
    "SMTPUTF8",
    "CHUNKING",
    "AUTH PLAIN LOGIN",
    "AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2",
    "BINARYMIME",
    "REQUIRETLS",
    "DELIVERBY 60",
    "X-EXPS GSSAPI NTLM",
};

void AppendEhloReply(Rng& rng, std::string* out) {
  const std::size_t lines = rng.Range(6, 12);
  *out += "250-";
  *out += rng.Pick(kDomains);
  if (rng.Percent(70)) {
    *out += " Hello ";
    *out += rng.Pick(kDomains);
    *out += " [";
    AppendIpv4(rng, out);
    *out += "]";
  }
  *out += "\r\n";
  // Distinct capabilities: a random window of the (shuffled by offset) list.
  const std::size_t first = rng.Range(0, kCapabilities.size() - 1);
  for (std::size_t i = 1; i < lines; ++i) {
    *out += i + 1 == lines ? "250 " : "250-";
    *out += kCapabilities[(first + i) % kCapabilities.size()];
    *out += "\r\n";
  }
}

std::string MailLine(Rng& rng) {
  std::string s = "MAIL FROM:<";
  if (!rng.Percent(10)) s += Mailbox(rng);
  s += ">";
  if (rng.Percent(70)) s += " SIZE=" + std::to_string(rng.Range(200, 30000000));
  if (rng.Percent(50)) s += rng.Percent(80) ? " BODY=8BITMIME" : " BODY=7BIT";
  if (rng.Percent(20)) s += rng.Percent(50) ? " RET=HDRS" : " RET=FULL";
  if (rng.Percent(20)) {
    s += " ENVID=";
    AppendRandom(rng, kAlnum, rng.Range(8, 24), &s);
  }
  if (rng.Percent(15)) {
    s += " AUTH=";
    if (rng.Percent(30)) {
      s += "<>";
    } else {
      s += Xtext(std::string(rng.Pick(kLocalParts)) + "@" + std::string(rng.Pick(kDomains)));
    }
  }
  if (rng.Percent(10)) s += " SMTPUTF8";
  s += "\r\n";
  return s;
}

std::string RcptLine(Rng& rng) {
  std::string s = "RCPT TO:<";
  const std::string mailbox = Mailbox(rng);
  s += mailbox;
  s += ">";
  if (rng.Percent(25)) {
    static constexpr std::array<std::string_view, 4> kNotify = {"SUCCESS,FAILURE", "FAILURE",
                                                                "NEVER", "SUCCESS,FAILURE,DELAY"};
    s += " NOTIFY=";
    s += rng.Pick(kNotify);
  }
  if (rng.Percent(20)) {
    s += " ORCPT=rfc822;";
    s += Xtext(mailbox);
  }
  s += "\r\n";
  return s;
}

void AppendEhlo(Rng& rng, std::string* out) {
  *out += "EHLO ";
  switch (rng.Range(0, 5)) {
    case 0:
      *out += "[";
      AppendIpv4(rng, out);
      *out += "]";
      break;
    case 1:
      *out += "[IPv6:2001:db8:";
      AppendRandom(rng, "0123456789abcdef", 4, out);
      *out += "::1]";
      break;
    default:
      *out += rng.Pick(kDomains);
      break;
  }
  *out += "\r\n";
}

constexpr std::array<std::string_view, 24> kWords = {
    "the",     "quick",   "brown",    "fox",     "jumps",  "over",     "lazy",   "dog",
    "invoice", "meeting", "tomorrow", "regards", "please", "attached", "report", "quarter",
    "results", "and",     "of",       "to",      "server", "message",  "thanks", "hello",
};

void AppendTextLine(Rng& rng, std::size_t max_length, std::string* out) {
  const std::size_t target = rng.Range(0, max_length);
  std::string line;
  if (rng.Percent(3)) line += '.';  // the client stuffs it: ".." on the wire
  while (line.size() < target) {
    if (!line.empty() && line.back() != '.') line += ' ';
    line += rng.Pick(kWords);
  }
  if (!line.empty() && line[0] == '.') *out += '.';
  *out += line;
  *out += "\r\n";
}

void AppendMessage(Rng& rng, std::size_t body_bytes, std::string* out) {
  *out += MailLine(rng);
  *out += RcptLine(rng);
  *out += "DATA\r\n";
  *out += GenerateDataBody(body_bytes, rng.Next());
  *out += ".\r\n";
}

}  // namespace

std::string GenerateReplies(std::size_t target_bytes, std::uint64_t seed) {
  Rng rng(seed);
  std::string out;
  out.reserve(target_bytes + 1024);
  while (out.size() < target_bytes) {
    if (rng.Percent(70)) {
      AppendSingleLineReply(rng, &out);
    } else {
      AppendEhloReply(rng, &out);
    }
  }
  return out;
}

std::string GenerateEhloReplies(std::size_t target_bytes, std::uint64_t seed) {
  Rng rng(seed);
  std::string out;
  out.reserve(target_bytes + 1024);
  while (out.size() < target_bytes)
    AppendEhloReply(rng, &out);
  return out;
}

std::string GenerateCommands(std::size_t target_bytes, std::uint64_t seed) {
  Rng rng(seed);
  std::string out;
  out.reserve(target_bytes + 4096);
  while (out.size() < target_bytes) {
    AppendEhlo(rng, &out);
    const std::size_t transactions = rng.Range(1, 4);
    for (std::size_t t = 0; t < transactions; ++t) {
      out += MailLine(rng);
      const std::size_t rcpts = rng.Range(1, 5);
      for (std::size_t r = 0; r < rcpts; ++r)
        out += RcptLine(rng);
      if (rng.Percent(15)) out += "NOOP\r\n";
      out += "RSET\r\n";
    }
    out += "QUIT\r\n";
  }
  return out;
}

std::string GenerateDataBody(std::size_t body_bytes, std::uint64_t seed) {
  Rng rng(seed);
  std::string out;
  out.reserve(body_bytes + 256);
  out += "From: " + Mailbox(rng) + "\r\n";
  out += "To: " + Mailbox(rng) + "\r\n";
  out += "Subject: quarterly report\r\n";
  out += "Message-ID: <";
  AppendRandom(rng, kAlnum, 20, &out);
  out += "@example.com>\r\n";
  out += "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
  while (out.size() < body_bytes)
    AppendTextLine(rng, 78, &out);
  return out;
}

std::string GenerateDataStream(std::size_t target_bytes, std::size_t body_bytes,
                               std::uint64_t seed) {
  Rng rng(seed);
  std::string out;
  out.reserve(target_bytes + body_bytes + 1024);
  while (out.size() < target_bytes)
    AppendMessage(rng, body_bytes, &out);
  return out;
}

std::string GenerateMaxLineReplies(std::size_t target_bytes) {
  // "550-" + text + CRLF = 512 octets.
  std::string text(512 - 6, 'x');
  text.replace(0, 10, "5.7.1 Deny");
  std::string out;
  while (out.size() < target_bytes) {
    for (int i = 0; i < 4; ++i) {
      out += i == 3 ? "550 " : "550-";
      out += text;
      out += "\r\n";
    }
  }
  return out;
}

std::string GenerateThousandLineReplies(std::size_t target_bytes) {
  std::string reply = "250-mx.example.com Hello\r\n";
  for (int i = 1; i < 1000; ++i) {
    reply += i == 999 ? "250 " : "250-";
    reply += "X-CAP" + std::to_string(i) + " PARAM1 PARAM2\r\n";
  }
  std::string out;
  while (out.size() < target_bytes)
    out += reply;
  return out;
}

std::string GenerateMaxLineCommands(std::size_t target_bytes) {
  // "NOOP " + atom + CRLF = 512.
  const std::string noop = "NOOP " + std::string(512 - 7, 'a') + "\r\n";
  // A 256-octet path: "<" + 64-octet local part + "@" + domain + ">".
  std::string domain;
  while (domain.size() < 256 - 2 - 64 - 1) {
    if (!domain.empty()) domain += '.';
    domain += std::string(std::min<std::size_t>(63, 256 - 2 - 64 - 1 - domain.size()), 'd');
  }
  std::string mail = "MAIL FROM:<" + std::string(64, 'l') + "@" + domain + ">";
  mail += " X-PAD=" + std::string(512 - 2 - mail.size() - 7, 'v') + "\r\n";
  std::string out;
  while (out.size() < target_bytes) {
    out += noop;
    out += mail;
    out += "RSET\r\n";
  }
  return out;
}

std::string GenerateManyParamCommands(std::size_t target_bytes) {
  std::string mail = "MAIL FROM:<a@example.com> SIZE=1000 BODY=8BITMIME RET=HDRS ENVID=x1";
  for (int i = 0; mail.size() + 10 < 510; ++i)
    mail += " X" + std::to_string(i) + "=v";
  mail += "\r\n";
  std::string rcpt = "RCPT TO:<b@example.com> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;b";
  for (int i = 0; rcpt.size() + 10 < 510; ++i)
    rcpt += " Y" + std::to_string(i);
  rcpt += "\r\n";
  std::string out;
  while (out.size() < target_bytes) {
    out += mail;
    out += rcpt;
    out += "RSET\r\n";
  }
  return out;
}

std::string GenerateDotLineData(std::size_t target_bytes) {
  std::string out;
  while (out.size() < target_bytes) {
    out += "DATA\r\n";
    for (int i = 0; i < 50000; ++i)
      out += (i % 3 == 0) ? "...\r\n" : "..\r\n";
    out += ".\r\n";
  }
  return out;
}

std::string GenerateMaxLineData(std::size_t target_bytes) {
  const std::string line = std::string(1000 - 2, 'm') + "\r\n";
  std::string out;
  while (out.size() < target_bytes) {
    out += "DATA\r\n";
    for (int i = 0; i < 1000; ++i)
      out += line;
    out += ".\r\n";
  }
  return out;
}

StreamKind DetectKind(std::string_view input) {
  if (input.size() >= 3 && input[0] >= '2' && input[0] <= '5' && input[1] >= '0' &&
      input[1] <= '9' && input[2] >= '0' && input[2] <= '9') {
    return StreamKind::kReplies;
  }
  return StreamKind::kCommands;
}

std::string GenerateSessionReplies(std::string_view client) {
  std::string server = "220 mx.example.org ESMTP Postfix (Debian/GNU)\r\n";
  CommandStream stream{Options()};
  Verb last = Verb::kUnknown;
  const auto sink = [&](const Record& r) {
    if (r.error.code == ErrorCode::kIncomplete) return;
    switch (r.kind) {
      case RecordKind::kCommand:
        last = r.ok() ? r.command.verb : Verb::kUnknown;
        if (!r.ok()) {
          server += "500 5.5.2 Error: command not recognized\r\n";
        } else if (last == Verb::kEhlo) {
          server +=
              "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-ETRN\r\n"
              "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-AUTH PLAIN LOGIN\r\n"
              "250-SMTPUTF8\r\n250 CHUNKING\r\n";
        } else if (last == Verb::kData) {
          server += "354 End data with <CR><LF>.<CR><LF>\r\n";
        } else if (last == Verb::kQuit) {
          server += "221 2.0.0 Bye\r\n";
        } else {
          server += "250 2.1.0 Ok\r\n";
        }
        break;
      case RecordKind::kData:
        if (last != Verb::kBdat) server += "250 2.0.0 Ok: queued as 4Fq2Zx1Hx4z9\r\n";
        break;
      default:
        break;
    }
  };
  stream.Feed(client, sink);
  stream.Finish(sink);
  return server;
}

ParseCount ParseSession(std::string_view client, std::string_view server, std::size_t chunk) {
  ParseCount count;
  const auto sink = [&](const SessionRecord& r) {
    ++count.records;
    count.failed += r.record.ok() && r.violations.empty() ? 0 : 1;
    count.bytes += r.record.length;
  };
  Session session(Options(), SessionInput::kTwoStreams);
  std::size_t at[2] = {0, 0};
  const std::string_view in[2] = {client, server};
  while (at[0] < client.size() || at[1] < server.size()) {
    int side = session.wants() == Direction::kClient ? 0 : 1;
    if (at[side] >= in[side].size()) side = 1 - side;
    const std::string_view piece = in[side].substr(at[side], chunk);
    at[side] += piece.size();
    if (side == 0) {
      session.FeedClient(piece, sink);
    } else {
      session.FeedServer(piece, sink);
    }
  }
  session.Finish(sink);
  return count;
}

ParseCount ParseAll(std::string_view input, StreamKind kind, std::size_t chunk,
                    const Options& options) {
  ParseCount count;
  const auto sink = [&](const Record& r) {
    ++count.records;
    count.failed += r.ok() ? 0 : 1;
    count.bytes += r.length;
  };
  const auto feed = [&](auto& stream) {
    for (std::size_t pos = 0; pos < input.size(); pos += chunk)
      stream.Feed(input.substr(pos, chunk), sink);
    stream.Finish(sink);
  };
  if (kind != StreamKind::kCommands) {
    ReplyStream stream(options,
                       kind == StreamKind::kEhloReplies ? ReplyMode::kEhlo : ReplyMode::kReplies);
    feed(stream);
  } else {
    CommandStream stream(options);
    feed(stream);
  }
  return count;
}

bool CheckAllOk(std::string_view input, StreamKind kind, std::string* why) {
  bool ok = true;
  std::uint64_t expected_offset = 0;
  const auto sink = [&](const Record& r) {
    if (!ok) return;
    if (r.offset != expected_offset) {
      ok = false;
      *why = "record at " + std::to_string(r.offset) + " does not follow the previous one";
    } else if (!r.ok()) {
      ok = false;
      *why = std::string(ErrorName(r.error.code)) + " at offset " + std::to_string(r.error.offset) +
             " in record at " + std::to_string(r.offset) + ": " +
             std::string(input.substr(r.offset, std::min<std::uint64_t>(r.length, 120)));
    }
    expected_offset = r.offset + r.length;
  };
  const Options options;
  if (kind != StreamKind::kCommands) {
    ReplyStream stream(options,
                       kind == StreamKind::kEhloReplies ? ReplyMode::kEhlo : ReplyMode::kReplies);
    stream.Feed(input, sink);
    stream.Finish(sink);
  } else {
    CommandStream stream(options);
    stream.Feed(input, sink);
    stream.Finish(sink);
  }
  if (ok && expected_offset != input.size()) {
    ok = false;
    *why = "records end at " + std::to_string(expected_offset) + ", input has " +
           std::to_string(input.size()) + " octets";
  }
  return ok;
}

}  // namespace smtp::bench
