// fuzz/command_stream_structured.cc: the stream properties of
// stream_checks.h with a structure-aware mutator.
//
// Input layout as in command_stream (three header bytes, then the stream);
// header bit 0x20 reads the body as a reply stream instead, so reply lines
// and their continuation markers are mutated too. LLVMFuzzerCustomMutator
// works on SMTP tokens: whole command or reply lines, verbs, paths,
// parameters, domains and address literals, line endings, DATA / BDAT /
// AUTH / STARTTLS sequences with their content, continuation markers, and
// the header bytes that choose the options and chunk splits. One mutation in
// eight falls back to LLVMFuzzerMutate.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "stream_checks.h"

// Weak: the replay driver and other engines need not provide it.
extern "C" __attribute__((weak)) std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size,
                                                              std::size_t max_size);

namespace {

using Rng = std::minstd_rand;

std::size_t Mutate(std::uint8_t* data, std::size_t size, std::size_t max_size) {
  return LLVMFuzzerMutate != nullptr ? LLVMFuzzerMutate(data, size, max_size) : size;
}

std::size_t Pick(Rng& rng, std::size_t n) {
  return n == 0 ? 0 : rng() % n;
}

template <std::size_t N>
std::string One(Rng& rng, const char* const (&items)[N]) {
  return items[Pick(rng, N)];
}

std::string RandomCase(Rng& rng, std::string s) {
  if (rng() % 4 != 0) return s;
  for (char& c : s) {
    if (rng() % 2 && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

std::string Domain(Rng& rng) {
  static const char* const kDomains[] = {"example.com",
                                         "a",
                                         "mail.example.test",
                                         "client.example.com",
                                         "x-y.z9",
                                         "xn--bcher-kva.ch",
                                         "-bad.example",
                                         "bad-.example",
                                         "a..b",
                                         "trailing.",
                                         "b\303\274cher.de",
                                         "2.0.0",
                                         "bad_domain!!",
                                         "0123456789.0123456789",
                                         ""};
  switch (rng() % 6) {
    case 0:
      return std::string(63 + rng() % 3, 'a') + ".com";
    case 1: {
      std::string d;
      const std::size_t labels = 1 + rng() % 5;
      for (std::size_t i = 0; i < labels; ++i)
        d += (i ? "." : "") + std::string(1 + rng() % 60, 'b');
      return d;
    }
    default:
      return One(rng, kDomains);
  }
}

std::string Literal(Rng& rng) {
  static const char* const kLiterals[] = {"[127.0.0.1]",
                                          "[192.0.2.255]",
                                          "[256.1.1.1]",
                                          "[1.2.3]",
                                          "[001.002.003.004]",
                                          "[IPv6:::1]",
                                          "[IPv6:1:2:3:4:5:6:7:8]",
                                          "[IPv6:1:2:3:4:5:6:7::]",
                                          "[IPv6:1::2:3:4:5:6:7]",
                                          "[IPv6:::ffff:192.0.2.1]",
                                          "[IPv6:1:2:3:4:5:6:1.2.3.4]",
                                          "[IPv6:1:2:3:4:5::1.2.3.4]",
                                          "[ipv6:fe80::1]",
                                          "[IPv6:1.2.3.4]",
                                          "[IPv6:gggg::1]",
                                          "[x-tag:some.content]",
                                          "[tag:]",
                                          "[-tag:x]",
                                          "[tag:a]b]",
                                          "[]",
                                          "[127.0.0.1",
                                          "[IPv6::::1]"};
  return One(rng, kLiterals);
}

std::string Host(Rng& rng) {
  return rng() % 3 ? Domain(rng) : Literal(rng);
}

std::string LocalPart(Rng& rng) {
  static const char* const kLocal[] = {"user",
                                       "first.last",
                                       "a+tag",
                                       "\"quoted string\"",
                                       "\"q\\\"x\"",
                                       ";cmd;",
                                       "j\xc3\xbcrgen",
                                       "x..y",
                                       ".x",
                                       "x.",
                                       "\"\"",
                                       "o'brien",
                                       "!#$%&'*+-/=?^_`{|}~",
                                       "\"bad\x01\""};
  if (rng() % 8 == 0) return std::string(63 + rng() % 3, 'l');
  return One(rng, kLocal);
}

std::string Path(Rng& rng) {
  switch (rng() % 10) {
    case 0:
      return "<>";
    case 1:
      return RandomCase(rng, "<Postmaster>");
    case 2:
      return "<@relay.example,@b.example:" + LocalPart(rng) + "@" + Host(rng) + ">";
    case 3:
      return LocalPart(rng) + "@" + Domain(rng);  // no brackets
    case 4:
      return "<" + std::string(250 + rng() % 10, 'p') + "@x.y>";
    default:
      return "<" + LocalPart(rng) + "@" + Host(rng) + ">";
  }
}

std::string Param(Rng& rng, bool mail) {
  static const char* const kMail[] = {"SIZE=1000",
                                      "SIZE=0",
                                      "SIZE=18446744073709551615",
                                      "SIZE=18446744073709551616",
                                      "SIZE=999999999999999999999",
                                      "SIZE=",
                                      "SIZE=-1",
                                      "BODY=8BITMIME",
                                      "BODY=7BIT",
                                      "BODY=BINARYMIME",
                                      "BODY=9BIT",
                                      "SMTPUTF8",
                                      "SMTPUTF8=YES",
                                      "RET=FULL",
                                      "RET=HDRS",
                                      "RET=ALL",
                                      "ENVID=QQ314159",
                                      "ENVID=a+2Bb",
                                      "ENVID=a+2bb",
                                      "AUTH=<>",
                                      "AUTH=user+40example.com",
                                      "REQUIRETLS",
                                      "REQUIRETLS=1",
                                      "FOO=BAR",
                                      "X-EXT",
                                      "X-EXT=v=w",
                                      "=x",
                                      "NOTIFY=NEVER"};
  static const char* const kRcpt[] = {"NOTIFY=NEVER",
                                      "NOTIFY=SUCCESS,FAILURE",
                                      "NOTIFY=DELAY",
                                      "NOTIFY=NEVER,DELAY",
                                      "NOTIFY=SUCCESS,SUCCESS",
                                      "ORCPT=rfc822;a@b.c",
                                      "ORCPT=rfc822;a+2Bb@c",
                                      "ORCPT=;x",
                                      "ORCPT=rfc822",
                                      "FOO=BAR",
                                      "SIZE=10"};
  if (rng() % 16 == 0) return "ENVID=" + std::string(95 + rng() % 10, 'e');
  return mail ? One(rng, kMail) : One(rng, kRcpt);
}

std::string Sep(Rng& rng) {
  switch (rng() % 16) {
    case 0:
      return "  ";
    case 1:
      return "\t";
    default:
      return " ";
  }
}

std::string LineEnd(Rng& rng) {
  static const char* const kEnds[] = {"\n", "\r", "\r\r\n", " \r\n", "\t\r\n", "", "\n\r"};
  return rng() % 4 ? "\r\n" : One(rng, kEnds);
}

std::string Base64(Rng& rng) {
  static const char* const kB64[] = {"AHVzZXIAcGFzcw==",
                                     "dXNlcg==",
                                     "cGFzcw==",
                                     "=",
                                     "*",
                                     "abc",
                                     "ab=c",
                                     "a===",
                                     "@@@@",
                                     "",
                                     "YQ"};
  return One(rng, kB64);
}

std::string CommandLine(Rng& rng) {
  static const char* const kVerbs[] = {"HELO",     "EHLO", "MAIL", "RCPT",  "DATA", "BDAT",
                                       "RSET",     "VRFY", "EXPN", "HELP",  "NOOP", "QUIT",
                                       "STARTTLS", "AUTH", "FOO",  "NOOPx", ""};
  const std::string verb = One(rng, kVerbs);
  std::string line = RandomCase(rng, verb);
  if (verb == "HELO" || verb == "EHLO") {
    line += Sep(rng) + Host(rng);
  } else if (verb == "MAIL" || verb == "RCPT") {
    const bool mail = verb == "MAIL";
    line += Sep(rng) + RandomCase(rng, mail ? "FROM:" : "TO:");
    if (rng() % 8 == 0) line += " ";
    line += Path(rng);
    const std::size_t n = rng() % 4;
    for (std::size_t i = 0; i < n; ++i)
      line += Sep(rng) + Param(rng, mail);
  } else if (verb == "BDAT") {
    static const char* const kSizes[] = {
        "0", "1", "10", "29", "18446744073709551615", "18446744073709551616", "-1", "x"};
    line += Sep(rng) + One(rng, kSizes);
    if (rng() % 2) line += Sep(rng) + RandomCase(rng, "LAST");
  } else if (verb == "AUTH") {
    static const char* const kMechs[] = {"PLAIN",
                                         "LOGIN",
                                         "CRAM-MD5",
                                         "XOAUTH2",
                                         "SCRAM-SHA-1",
                                         "bad/mech",
                                         "ABCDEFGHIJKLMNOPQRSTU"};
    line += Sep(rng) + One(rng, kMechs);
    if (rng() % 2) line += Sep(rng) + Base64(rng);
  } else if (verb == "VRFY" || verb == "EXPN" || verb == "HELP" || verb == "NOOP") {
    static const char* const kArgs[] = {"root", "staff SMTPUTF8", "\"a b\"",      "hello world",
                                        "",     "MAIL",           "j\xc3\xbcrgen"};
    if (rng() % 4) line += Sep(rng) + One(rng, kArgs);
  } else if (rng() % 8 == 0) {
    line += " x";
  }
  return line + LineEnd(rng);
}

std::string DataContent(Rng& rng) {
  static const char* const kLines[] = {"Subject: hi\r\n",
                                       "\r\n",
                                       "body\r\n",
                                       "..leading dot\r\n",
                                       ".\n",
                                       "\n.\n",
                                       "\r.\r",
                                       "x\n.\r\n",
                                       "a\rb\r\n",
                                       "nul\0x\r\n",
                                       "\xff\xfe 8bit\r\n",
                                       ".x\r\n",
                                       "\r\n.\n",
                                       "line\n"};
  std::string body;
  const std::size_t n = rng() % 6;
  for (std::size_t i = 0; i < n; ++i) {
    if (rng() % 10 == 0) {
      body += std::string(990 + rng() % 20, 'd') + "\r\n";
    } else {
      const std::string l = One(rng, kLines);
      body += l == "nul\0x\r\n" ? std::string("nul\0x\r\n", 7) : l;
    }
  }
  static const char* const kEnds[] = {".\r\n",   "\r\n.\r\n", ".\n",   "\n.\n",
                                      "\r\n.\n", "\n.\r\n",   "\r.\r", ""};
  return body + (rng() % 3 ? std::string(".\r\n") : One(rng, kEnds));
}

std::string ReplyLine(Rng& rng) {
  static const char* const kCodes[] = {"250", "220", "354", "421", "550",
                                       "599", "199", "2x0", "25",  "503"};
  static const char* const kSepsR[] = {" ", "-", "", "x", " "};
  static const char* const kTexts[] = {"OK",
                                       "2.1.0 Ok",
                                       "5.7.1 denied",
                                       "4.0.0",
                                       "mail.example.test Hello",
                                       "PIPELINING",
                                       "SIZE 10240000",
                                       "AUTH PLAIN LOGIN",
                                       "AUTH=LOGIN PLAIN",
                                       "STARTTLS",
                                       "8BITMIME",
                                       " 29 byte chunk",
                                       "",
                                       "x  y",
                                       "trailing ",
                                       "caf\xc3\xa9",
                                       "2.0.0 Ok "};
  return One(rng, kCodes) + One(rng, kSepsR) + One(rng, kTexts) + LineEnd(rng);
}

// One structured unit: a line, or a whole exchange that needs several.
std::string Unit(Rng& rng, bool replies) {
  if (replies) {
    std::string reply;
    const std::size_t n = 1 + rng() % 4;
    for (std::size_t i = 0; i < n; ++i) {
      std::string l = ReplyLine(rng);
      if (i + 1 < n && l.size() > 3 && rng() % 3) l[3] = '-';  // continuation marker
      reply += l;
    }
    return reply;
  }
  switch (rng() % 12) {
    case 0:
      return "DATA\r\n" + DataContent(rng);
    case 1: {
      const std::size_t n = rng() % 40;
      std::string chunk(n + (rng() % 4 == 0 ? 1 : 0), 'c');
      if (!chunk.empty()) chunk[rng() % chunk.size()] = '\n';
      return "BDAT " + std::to_string(n) + (rng() % 2 ? " LAST" : "") + "\r\n" + chunk;
    }
    case 2:
      return "AUTH " + std::string(rng() % 2 ? "LOGIN" : "PLAIN") + "\r\n" + Base64(rng) + "\r\n" +
             Base64(rng) + "\r\n";
    case 3:
      return "STARTTLS\r\n" + std::string(rng() % 2 ? "\x16\x03\x01" : "NOOP\r\n");
    default:
      return CommandLine(rng);
  }
}

std::vector<std::string> SplitLines(std::string_view body) {
  std::vector<std::string> lines;
  std::size_t b = 0;
  while (b < body.size()) {
    std::size_t e = body.find('\n', b);
    e = e == std::string_view::npos ? body.size() : e + 1;
    lines.emplace_back(body.substr(b, e - b));
    b = e;
  }
  return lines;
}

std::string Tokens(Rng& rng, const std::string& line) {
  // Replace one SP-separated token of a line with a token of another kind.
  std::string content = line;
  std::string end;
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
    end.insert(end.begin(), content.back());
    content.pop_back();
  }
  std::vector<std::string> toks;
  std::size_t b = 0;
  while (true) {
    const std::size_t e = content.find(' ', b);
    toks.push_back(content.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) break;
    b = e + 1;
  }
  const std::size_t i = Pick(rng, toks.size());
  switch (rng() % 6) {
    case 0:
      toks[i] = Path(rng);
      break;
    case 1:
      toks[i] = Param(rng, rng() % 2);
      break;
    case 2:
      toks[i] = Host(rng);
      break;
    case 3:
      toks.insert(toks.begin() + static_cast<std::ptrdiff_t>(i), Param(rng, true));
      break;
    case 4:
      toks.erase(toks.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    default:
      toks[i] = RandomCase(rng, toks[i]);
      break;
  }
  std::string out;
  for (std::size_t k = 0; k < toks.size(); ++k)
    out += (k ? Sep(rng) : "") + toks[k];
  return out + (rng() % 4 ? end : LineEnd(rng));
}

}  // namespace

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
  Rng rng(seed);
  if (size < smtp_fuzz::kHeaderSize || rng() % 8 == 0) {
    if (size < smtp_fuzz::kHeaderSize && max_size >= smtp_fuzz::kHeaderSize) {
      std::memset(data + size, 0, smtp_fuzz::kHeaderSize - size);
      size = smtp_fuzz::kHeaderSize;
    }
    return Mutate(data, size, max_size);
  }
  std::string header(reinterpret_cast<const char*>(data), smtp_fuzz::kHeaderSize);
  const bool replies = (header[0] & 0x20) != 0;
  std::vector<std::string> lines = SplitLines(std::string_view(
      reinterpret_cast<const char*>(data) + smtp_fuzz::kHeaderSize, size - smtp_fuzz::kHeaderSize));
  const std::size_t at = Pick(rng, lines.size() + 1);
  switch (rng() % 10) {
    case 0:  // options, mode, chunk splits
      header[Pick(rng, header.size())] = static_cast<char>(rng());
      break;
    case 1:
    case 2:
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), Unit(rng, replies));
      break;
    case 3:
      if (at < lines.size()) lines[at] = Unit(rng, replies);
      break;
    case 4:
      if (at < lines.size()) lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(at));
      break;
    case 5:
      if (at < lines.size())
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), lines[at]);
      break;
    case 6:
      if (lines.size() >= 2)
        std::swap(lines[Pick(rng, lines.size())], lines[Pick(rng, lines.size())]);
      break;
    case 7:  // line ending
      if (at < lines.size()) {
        std::string& l = lines[at];
        while (!l.empty() && (l.back() == '\n' || l.back() == '\r'))
          l.pop_back();
        l += LineEnd(rng);
      }
      break;
    case 8:  // continuation marker / token
      if (at < lines.size()) {
        std::string& l = lines[at];
        if (replies && l.size() > 3) {
          l[3] = l[3] == '-' ? ' ' : '-';
        } else {
          l = Tokens(rng, l);
        }
      }
      break;
    default: {  // byte-level mutation of one line only
      if (at < lines.size()) {
        std::string l = lines[at];
        const std::size_t cap = l.size() + 16;
        l.resize(cap);
        const std::size_t n =
            LLVMFuzzerMutate(reinterpret_cast<std::uint8_t*>(l.data()), lines[at].size(), cap);
        l.resize(n);
        lines[at] = l;
      }
      break;
    }
  }
  std::string out = header;
  for (const std::string& l : lines)
    out += l;
  const std::size_t n = std::min(out.size(), max_size);
  std::memcpy(data, out.data(), n);
  return n;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size >= smtp_fuzz::kHeaderSize && (data[0] & 0x20) != 0) {
    smtp_fuzz::CheckReplyStream(data, size);
  } else {
    smtp_fuzz::CheckCommandStream(data, size);
  }
  return 0;
}
