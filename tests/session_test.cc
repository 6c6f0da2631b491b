// smtp/session.h: both directions together (SPEC section 5). Table tests for
// every violation name (a minimal transcript that breaks the rule, and one
// that comes close and does not, with the RFC clause), the decisions the
// replies make (DATA, BDAT, AUTH, STARTTLS, EHLO), tiling, and independence
// from chunking and (two streams) from interleaving.
#include "smtp/session.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace smtp {
namespace {

using testing_util::Rec;
using testing_util::ToRec;

struct SRec {
  Direction dir = Direction::kClient;
  Rec rec;
  std::string label;  // "MAIL", "250", "data", "auth_response", "tls", "error"
  bool has_answers = false;
  std::uint64_t answers = 0;
  std::uint16_t violations = 0;
  friend bool operator==(const SRec&, const SRec&) = default;
};

SRec ToSRec(const SessionRecord& r) {
  SRec s;
  s.dir = r.dir;
  s.rec = ToRec(r.record);
  s.has_answers = r.has_answers;
  s.answers = r.answers;
  s.violations = r.violations.bits();
  if (!r.record.ok() && r.record.kind != RecordKind::kTls) {
    s.label = "error";
  } else if (r.record.kind == RecordKind::kCommand) {
    s.label = std::string(VerbName(r.record.command.verb));
  } else if (r.record.kind == RecordKind::kReply) {
    s.label = std::to_string(r.record.reply.code);
  } else {
    s.label = std::string(RecordKindName(r.record.kind));
  }
  return s;
}

std::string Show(const std::vector<SRec>& records) {
  std::string out;
  for (const SRec& r : records) {
    out += r.dir == Direction::kClient ? "C " : "S ";
    out += testing_util::RecString(r.rec);
    if (r.has_answers) out += " answers=" + std::to_string(r.answers);
    Violations v;
    for (int i = 0; i < kViolationCount; ++i)
      if (r.violations & (1u << i)) v.Add(static_cast<Violation>(1u << i));
    v.ForEach([&](Violation x) { out += " !" + std::string(ViolationName(x)); });
    out += "\n";
  }
  return out;
}

// "C:MAIL:out_of_sequence S:250:accepted_out_of_sequence": every violation,
// on the record that carries it, in record order.
std::string ViolationList(const std::vector<SRec>& records) {
  std::string out;
  for (const SRec& r : records) {
    Violations v;
    for (int i = 0; i < kViolationCount; ++i)
      if (r.violations & (1u << i)) v.Add(static_cast<Violation>(1u << i));
    v.ForEach([&](Violation x) {
      if (!out.empty()) out += " ";
      out += (r.dir == Direction::kClient ? "C:" : "S:") + r.label + ":" +
             std::string(ViolationName(x));
    });
  }
  return out;
}

// Feeds a copy in an exact-size heap buffer (ASan sees any read past it).
template <typename F>
void FeedCopy(std::string_view bytes, F&& feed) {
  std::unique_ptr<char[]> chunk(new char[bytes.size()]);
  std::memcpy(chunk.get(), bytes.data(), bytes.size());
  feed(std::string_view(chunk.get(), bytes.size()));
}

// Interleaved input: each step is one chunk, 'C' or 'S', in wire order.
using Steps = std::vector<std::pair<char, std::string>>;

std::vector<SRec> RunInterleaved(const Steps& steps, const Options& options = Options{},
                                 std::size_t max_piece = 0) {
  std::vector<SRec> out;
  Session session(options, SessionInput::kInterleaved);
  const auto sink = [&](const SessionRecord& r) { out.push_back(ToSRec(r)); };
  for (const auto& step : steps) {
    const char dir = step.first;
    const std::string& bytes = step.second;
    std::size_t pos = 0;
    do {
      const std::size_t n = max_piece == 0 ? bytes.size() : std::min(max_piece, bytes.size() - pos);
      FeedCopy(std::string_view(bytes).substr(pos, n), [&](std::string_view c) {
        if (dir == 'C') {
          session.FeedClient(c, sink);
        } else {
          session.FeedServer(c, sink);
        }
      });
      pos += n;
    } while (pos < bytes.size());
  }
  session.Finish(sink);
  return out;
}

// Two streams: client and server cut at `piece`-octet pieces, fed in an
// order chosen by `seed` (0: all client, then all server).
std::vector<SRec> RunTwo(std::string_view client, std::string_view server,
                         const Options& options = Options{}, std::size_t piece = 0,
                         unsigned seed = 0) {
  std::vector<SRec> out;
  Session session(options, SessionInput::kTwoStreams);
  const auto sink = [&](const SessionRecord& r) { out.push_back(ToSRec(r)); };
  std::size_t cpos = 0, spos = 0;
  std::mt19937 rng(seed);
  const std::size_t cpiece = piece == 0 ? std::max<std::size_t>(client.size(), 1) : piece;
  const std::size_t spiece = piece == 0 ? std::max<std::size_t>(server.size(), 1) : piece;
  while (cpos < client.size() || spos < server.size()) {
    bool client_turn = seed == 0 ? cpos < client.size() : (rng() & 1) != 0;
    if (cpos >= client.size()) client_turn = false;
    if (spos >= server.size()) client_turn = true;
    if (client_turn) {
      const std::size_t n = std::min(cpiece, client.size() - cpos);
      FeedCopy(client.substr(cpos, n), [&](std::string_view c) { session.FeedClient(c, sink); });
      cpos += n;
    } else {
      const std::size_t n = std::min(spiece, server.size() - spos);
      FeedCopy(server.substr(spos, n), [&](std::string_view c) { session.FeedServer(c, sink); });
      spos += n;
    }
  }
  session.Finish(sink);
  return out;
}

bool Tiles(const std::vector<SRec>& records, Direction dir, std::size_t size) {
  std::uint64_t next = 0;
  for (const SRec& r : records) {
    if (r.dir != dir) continue;
    if (r.rec.offset != next) return false;
    next += r.rec.length;
  }
  return next == size;
}

const std::string kGreeting = "220 mx.example.org ESMTP\r\n";

std::string Ehlo(std::initializer_list<std::string_view> keywords) {
  std::string out = "250";
  out += keywords.size() == 0 ? " " : "-";
  out += "mx.example.org\r\n";
  std::size_t i = 0;
  for (std::string_view k : keywords) {
    out += ++i == keywords.size() ? "250 " : "250-";
    out += k;
    out += "\r\n";
  }
  return out;
}

const std::string kAll = Ehlo({"PIPELINING", "CHUNKING", "STARTTLS", "AUTH PLAIN LOGIN GSSAPI",
                               "SIZE 1000000", "8BITMIME", "SMTPUTF8", "DSN", "REQUIRETLS"});
const std::string kBare = Ehlo({"SIZE 1000000"});
const std::string kEhloCmd = "EHLO client.example.com\r\n";
const std::string kMail = "MAIL FROM:<a@example.com>\r\n";
const std::string kRcpt = "RCPT TO:<b@example.net>\r\n";

struct TwoCase {
  const char* name;  // the rule, and its RFC clause
  std::string client;
  std::string server;
  const char* violations;  // ViolationList
};

void RunTwoTable(const std::vector<TwoCase>& cases) {
  for (const TwoCase& c : cases) {
    SCOPED_TRACE(c.name);
    Options options;
    options.utf8 = true;
    const std::vector<SRec> records = RunTwo(c.client, c.server, options);
    EXPECT_EQ(ViolationList(records), c.violations) << Show(records);
    EXPECT_TRUE(Tiles(records, Direction::kClient, c.client.size())) << Show(records);
    EXPECT_TRUE(Tiles(records, Direction::kServer, c.server.size())) << Show(records);
    // Split into pieces and interleaved at random: the same records.
    for (std::size_t piece : {1, 3, 7}) {
      for (unsigned seed : {1u, 2u, 3u}) {
        EXPECT_EQ(RunTwo(c.client, c.server, options, piece, seed), records)
            << "piece " << piece << " seed " << seed;
      }
    }
  }
}

struct StepCase {
  const char* name;
  Steps steps;
  const char* violations;
};

void RunStepTable(const std::vector<StepCase>& cases) {
  for (const StepCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::vector<SRec> records = RunInterleaved(c.steps);
    EXPECT_EQ(ViolationList(records), c.violations) << Show(records);
    std::size_t csize = 0, ssize = 0;
    for (const auto& [d, b] : c.steps)
      (d == 'C' ? csize : ssize) += b.size();
    EXPECT_TRUE(Tiles(records, Direction::kClient, csize)) << Show(records);
    EXPECT_TRUE(Tiles(records, Direction::kServer, ssize)) << Show(records);
    // Each step cut further (the wire order of the pieces kept): the same.
    for (std::size_t piece : {1, 2, 5}) {
      EXPECT_EQ(RunInterleaved(c.steps, Options{}, piece), records) << "piece " << piece;
    }
  }
}

// --- bad_greeting: RFC 5321 section 4.3.2 (CONNECTION ESTABLISHMENT: 220,
// E: 554; 421 section 3.8).
TEST(SessionViolationTest, BadGreetingRfc5321Section4_3_2) {
  RunTwoTable({
      {"greeting 250 breaks 4.3.2", "QUIT\r\n", "250 hello\r\n221 bye\r\n", "S:250:bad_greeting"},
      {"greeting 554 is allowed", "QUIT\r\n", "554 no service\r\n221 bye\r\n", ""},
      {"greeting 421 is allowed", "", "421 busy\r\n", ""},
      {"multi-line 220 is a greeting", "QUIT\r\n", "220-mx\r\n220 ESMTP\r\n221 bye\r\n", ""},
  });
}

// --- early_talker: RFC 5321 section 3.1 (the client waits for the
// greeting); interleaved input only.
TEST(SessionViolationTest, EarlyTalkerRfc5321Section3_1InterleavedOnly) {
  RunStepTable({
      {"EHLO before the greeting",
       {{'C', kEhloCmd}, {'S', kGreeting + kAll}},
       "C:EHLO:early_talker"},
      {"EHLO after the greeting", {{'S', kGreeting}, {'C', kEhloCmd}, {'S', kAll}}, ""},
  });
  // The same octets as two streams: nothing to say about timing.
  RunTwoTable({{"two streams know no timing", kEhloCmd, kGreeting + kAll, ""}});
}

// --- out_of_sequence / accepted_out_of_sequence: RFC 5321 section 4.1.4
// and sections 3.3 (MAIL, RCPT, DATA), RFC 4954 section 4 (AUTH).
TEST(SessionViolationTest, OutOfSequenceRfc5321Section4_1_4) {
  RunTwoTable({
      {"MAIL before EHLO, refused 503", kMail + "QUIT\r\n",
       kGreeting + "503 EHLO first\r\n221 bye\r\n", "C:MAIL:out_of_sequence"},
      {"MAIL before EHLO, accepted", kMail + "QUIT\r\n", kGreeting + "250 ok\r\n221 bye\r\n",
       "C:MAIL:out_of_sequence S:250:accepted_out_of_sequence"},
      {"MAIL after EHLO", kEhloCmd + kMail, kGreeting + kAll + "250 ok\r\n", ""},
      {"MAIL after HELO", "HELO client.example.com\r\n" + kMail, kGreeting + "250 mx\r\n250 ok\r\n",
       ""},
      {"MAIL after an accepted EHLO with a bad argument (curl: EHLO msg_crlf.eml)",
       "EHLO msg_crlf.eml\r\n" + kMail + "MAIL FROM:<a@example.com> SIZE=10\r\n",
       kGreeting + kAll + "250 ok\r\n503 nested\r\n", "C:MAIL:out_of_sequence"},
      {"MAIL after a refused EHLO", kEhloCmd + kMail,
       kGreeting + "550 go away\r\n503 EHLO first\r\n", "C:MAIL:out_of_sequence"},
      {"RCPT without MAIL", kEhloCmd + kRcpt, kGreeting + kAll + "503 need MAIL\r\n",
       "C:RCPT:out_of_sequence"},
      {"RCPT after a refused MAIL", kEhloCmd + kMail + kRcpt,
       kGreeting + kAll + "550 no\r\n503 need MAIL\r\n", "C:RCPT:out_of_sequence"},
      {"RCPT after MAIL", kEhloCmd + kMail + kRcpt, kGreeting + kAll + "250 ok\r\n250 ok\r\n", ""},
      // A reply that breaks the grammar decides by its three leading octets
      // only when they are digits: "25:" is no 2xx, the MAIL was not accepted.
      {"RCPT after a MAIL answered 25:", kEhloCmd + kMail + kRcpt,
       kGreeting + kAll + "25: ok\r\n503 need MAIL\r\n", "C:RCPT:out_of_sequence"},
      {"DATA without RCPT", kEhloCmd + kMail + "DATA\r\n",
       kGreeting + kAll + "250 ok\r\n554 no valid recipients\r\n", "C:DATA:out_of_sequence"},
      {"DATA after a refused RCPT", kEhloCmd + kMail + kRcpt + "DATA\r\n",
       kGreeting + kAll + "250 ok\r\n550 no such user\r\n554 no valid recipients\r\n",
       "C:DATA:out_of_sequence"},
      {"nested MAIL", kEhloCmd + kMail + kMail, kGreeting + kAll + "250 ok\r\n503 nested MAIL\r\n",
       "C:MAIL:out_of_sequence"},
      {"DATA after RSET (the recipients go with the transaction)",
       kEhloCmd + kMail + kRcpt + "RSET\r\nDATA\r\n",
       kGreeting + kAll + "250 ok\r\n250 ok\r\n250 ok\r\n503 need MAIL\r\n",
       "C:DATA:out_of_sequence"},
      {"MAIL after RSET", kEhloCmd + kMail + "RSET\r\n" + kMail,
       kGreeting + kAll + "250 ok\r\n250 ok\r\n250 ok\r\n", ""},
      {"MAIL after the end of data", kEhloCmd + kMail + kRcpt + "DATA\r\nx\r\n.\r\n" + kMail,
       kGreeting + kAll + "250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n250 ok\r\n", ""},
      {"AUTH inside a transaction (RFC 4954 section 4)",
       kEhloCmd + kMail + "AUTH PLAIN AHVAcA==\r\n",
       kGreeting + kAll + "250 ok\r\n503 not in a transaction\r\n", "C:AUTH:out_of_sequence"},
      {"AUTH after a successful AUTH (RFC 4954 section 4)",
       kEhloCmd + "AUTH PLAIN AHVAcA==\r\nAUTH PLAIN AHVAcA==\r\n",
       kGreeting + kAll + "235 ok\r\n503 already authenticated\r\n", "C:AUTH:out_of_sequence"},
      {"AUTH after a failed AUTH", kEhloCmd + "AUTH PLAIN AHVAcA==\r\nAUTH PLAIN AHVAcA==\r\n",
       kGreeting + kAll + "535 no\r\n235 ok\r\n", ""},
      {"a command after QUIT", "QUIT\r\nNOOP\r\n", kGreeting + "221 bye\r\n",
       "C:NOOP:out_of_sequence C:NOOP:unanswered_command"},
  });
}

// --- not_advertised: RFC 5321 section 4.1.1.11 / 2.2.2 (service extensions
// only when the EHLO reply lists them) and each extension's RFC.
TEST(SessionViolationTest, NotAdvertisedRfc5321Section2_2_2) {
  const std::string g = kGreeting;
  RunTwoTable({
      {"BDAT without CHUNKING (RFC 3030)", kEhloCmd + kMail + kRcpt + "BDAT 3 LAST\r\nabc",
       g + kBare + "250 ok\r\n250 ok\r\n250 queued\r\n", "C:BDAT:not_advertised"},
      {"BDAT with CHUNKING", kEhloCmd + kMail + kRcpt + "BDAT 3 LAST\r\nabc",
       g + kAll + "250 ok\r\n250 ok\r\n250 queued\r\n", ""},
      {"STARTTLS not advertised (RFC 3207)", kEhloCmd + "STARTTLS\r\n",
       g + kBare + "502 not implemented\r\n", "C:STARTTLS:not_advertised"},
      {"AUTH not advertised (RFC 4954)", kEhloCmd + "AUTH PLAIN AHVAcA==\r\n",
       g + kBare + "503 no auth\r\n", "C:AUTH:not_advertised"},
      {"SIZE= not advertised (RFC 1870)", kEhloCmd + "MAIL FROM:<a@example.com> SIZE=10\r\n",
       g + Ehlo({"8BITMIME"}) + "250 ok\r\n", "C:MAIL:not_advertised"},
      {"SIZE= advertised", kEhloCmd + "MAIL FROM:<a@example.com> SIZE=10\r\n",
       g + kBare + "250 ok\r\n", ""},
      {"BODY=8BITMIME not advertised (RFC 6152)",
       kEhloCmd + "MAIL FROM:<a@example.com> BODY=8BITMIME\r\n", g + kBare + "250 ok\r\n",
       "C:MAIL:not_advertised"},
      {"BODY=7BIT needs nothing", kEhloCmd + "MAIL FROM:<a@example.com> BODY=7BIT\r\n",
       g + kBare + "250 ok\r\n", ""},
      {"SMTPUTF8 not advertised (RFC 6531)", kEhloCmd + "MAIL FROM:<a@example.com> SMTPUTF8\r\n",
       g + kBare + "501 no\r\n", "C:MAIL:not_advertised"},
      {"DSN RET= not advertised (RFC 3461)", kEhloCmd + "MAIL FROM:<a@example.com> RET=HDRS\r\n",
       g + kBare + "250 ok\r\n", "C:MAIL:not_advertised"},
      {"DSN NOTIFY= not advertised (RFC 3461)",
       kEhloCmd + kMail + "RCPT TO:<b@example.net> NOTIFY=NEVER\r\n",
       g + kBare + "250 ok\r\n250 ok\r\n", "C:RCPT:not_advertised"},
      {"DSN advertised", kEhloCmd + kMail + "RCPT TO:<b@example.net> NOTIFY=NEVER\r\n",
       g + kAll + "250 ok\r\n250 ok\r\n", ""},
      {"REQUIRETLS not advertised (RFC 8689)",
       kEhloCmd + "MAIL FROM:<a@example.com> REQUIRETLS\r\n", g + kBare + "250 ok\r\n",
       "C:MAIL:not_advertised"},
      {"REQUIRETLS advertised", kEhloCmd + "MAIL FROM:<a@example.com> REQUIRETLS\r\n",
       g + Ehlo({"REQUIRETLS"}) + "250 ok\r\n", ""},
      {"BODY=BINARYMIME not advertised (RFC 3030)",
       kEhloCmd + "MAIL FROM:<a@example.com> BODY=BINARYMIME\r\n",
       g + Ehlo({"8BITMIME"}) + "250 ok\r\n", "C:MAIL:not_advertised"},
      {"BODY=BINARYMIME advertised", kEhloCmd + "MAIL FROM:<a@example.com> BODY=BINARYMIME\r\n",
       g + Ehlo({"CHUNKING", "BINARYMIME"}) + "250 ok\r\n", ""},
      {"MAIL AUTH= not advertised (RFC 4954 section 5)",
       kEhloCmd + "MAIL FROM:<a@example.com> AUTH=<>\r\n", g + kBare + "250 ok\r\n",
       "C:MAIL:not_advertised"},
      {"MAIL AUTH= advertised", kEhloCmd + "MAIL FROM:<a@example.com> AUTH=<>\r\n",
       g + Ehlo({"AUTH PLAIN"}) + "250 ok\r\n", ""},
      {"after HELO nothing is advertised", "HELO client.example.com\r\nSTARTTLS\r\n",
       g + "250 mx\r\n502 no\r\n", "C:STARTTLS:not_advertised"},
  });
}

// --- unexpected_reply_code: RFC 5321 section 4.3.2 (and RFC 3207, 4954,
// 3030); 421 always, 500/501 to any command.
TEST(SessionViolationTest, UnexpectedReplyCodeRfc5321Section4_3_2) {
  RunTwoTable({
      {"NOOP answered 354", "NOOP\r\n", kGreeting + "354 go on\r\n", "S:354:unexpected_reply_code"},
      {"QUIT answered 250", "QUIT\r\n", kGreeting + "250 ok\r\n", "S:250:unexpected_reply_code"},
      {"RCPT answered 251 is listed", kEhloCmd + kMail + kRcpt,
       kGreeting + kAll + "250 ok\r\n251 forwarded\r\n", ""},
      {"NOOP answered 421 is always allowed", "NOOP\r\n", kGreeting + "421 closing\r\n", ""},
      {"NOOP answered 500 (section 4.3.2 preamble)", "NOOP\r\n", kGreeting + "500 what\r\n", ""},
      {"content answered 354", kEhloCmd + kMail + kRcpt + "DATA\r\nx\r\n.\r\n",
       kGreeting + kAll + "250 ok\r\n250 ok\r\n354 go\r\n354 again\r\n",
       "S:354:unexpected_reply_code"},
      {"STARTTLS answered 454 (RFC 3207)", kEhloCmd + "STARTTLS\r\n",
       kGreeting + kAll + "454 TLS not available\r\n", ""},
      {"STARTTLS answered 250", kEhloCmd + "STARTTLS\r\n", kGreeting + kAll + "250 ok\r\n",
       "S:250:unexpected_reply_code"},
  });
}

// Every reply code RFC 5321 section 4.3.2 (RFC 3030, 3207, 4954 for BDAT,
// STARTTLS, AUTH; 530 from RFC 4954 section 6) lists for a command is
// expected; one it does not list is not. Codes that change what follows (354
// to DATA, 334 to AUTH, 220 to STARTTLS, 500/502 to BDAT) are tested above.
TEST(SessionViolationTest, ReplyCodesEachCommandMayGetRfc5321Section4_3_2) {
  struct Row {
    std::string before_client;  // commands before, and their replies
    std::string before_server;
    std::string command;
    std::vector<int> listed;
    int unlisted;
  };
  const std::string mail = kEhloCmd + kMail;
  const std::string rcpt = kEhloCmd + kMail + kRcpt;
  const std::string ok = "250 ok\r\n";
  const std::vector<Row> rows = {
      {"", kGreeting, kEhloCmd, {250, 504, 550, 502}, 354},
      {"", kGreeting, "HELO client.example.com\r\n", {250, 504, 550, 502}, 251},
      {kEhloCmd, kGreeting + kAll, kMail, {250, 552, 451, 452, 550, 553, 503, 455, 555, 530}, 251},
      {mail,
       kGreeting + kAll + ok,
       kRcpt,
       {250, 251, 550, 551, 552, 553, 450, 451, 452, 503, 455, 555, 530},
       554},
      {rcpt, kGreeting + kAll + ok + ok, "DATA\r\n", {503, 554, 530}, 250},
      {rcpt,
       kGreeting + kAll + ok + ok,
       "BDAT 3 LAST\r\nabc",
       {250, 552, 554, 451, 452, 450, 550, 503, 530},
       251},
      {kEhloCmd, kGreeting + kAll, "RSET\r\n", {250}, 251},
      {kEhloCmd, kGreeting + kAll, "NOOP\r\n", {250}, 251},
      {kEhloCmd,
       kGreeting + kAll,
       "VRFY x\r\n",
       {250, 251, 252, 550, 551, 553, 502, 504, 530},
       354},
      {kEhloCmd, kGreeting + kAll, "EXPN x\r\n", {250, 252, 550, 502, 504, 530}, 251},
      {kEhloCmd, kGreeting + kAll, "HELP\r\n", {211, 214, 502, 504, 530}, 250},
      {kEhloCmd, kGreeting + kAll, "QUIT\r\n", {221}, 250},
      {kEhloCmd, kGreeting + kAll, "STARTTLS\r\n", {454, 502}, 250},
      {kEhloCmd,
       kGreeting + kAll,
       "AUTH PLAIN AHVAcA==\r\n",
       {235, 432, 454, 502, 503, 504, 534, 535, 538},
       250},
      // The message content (RFC 5321 4.3.2 "DATA ... 354 -> data ->"), and
      // a SASL response (RFC 4954 sections 4 and 6; 500/501 end the exchange).
      {rcpt + "DATA\r\n",
       kGreeting + kAll + ok + ok + "354 go\r\n",
       "x\r\n.\r\n",
       {250, 552, 554, 451, 452, 450, 550, 421},
       251},
      {kEhloCmd + "AUTH LOGIN\r\n",
       kGreeting + kAll + "334 VXNlcm5hbWU6\r\n",
       "dXNlcg==\r\n",
       {235, 432, 454, 500, 501, 534, 535, 538, 421},
       250},
  };
  std::vector<std::string> names;
  std::size_t count = 0;
  for (const Row& row : rows)
    count += row.listed.size() + 2;
  names.reserve(count);  // the cases point into it
  std::vector<TwoCase> cases;
  for (const Row& row : rows) {
    const std::string verb = row.command.substr(0, row.command.find_first_of(" \r\n"));
    for (const int code : row.listed) {
      names.push_back(verb + " answered " + std::to_string(code));
      cases.push_back({names.back().c_str(), row.before_client + row.command,
                       row.before_server + std::to_string(code) + " x\r\n", ""});
    }
    names.push_back(verb + " answered " + std::to_string(row.unlisted) + " (not listed)");
    names.push_back("S:" + std::to_string(row.unlisted) + ":unexpected_reply_code");
    cases.push_back({names[names.size() - 2].c_str(), row.before_client + row.command,
                     row.before_server + std::to_string(row.unlisted) + " x\r\n",
                     names.back().c_str()});
  }
  RunTwoTable(cases);
}

// --- reply_without_command / unanswered_command: RFC 5321 section 4.1.1.10
// and RFC 2920 section 3.1 (one reply per command, in order).
TEST(SessionViolationTest, ReplyPairingRfc2920Section3_1) {
  RunTwoTable({
      {"a reply after QUIT's", "QUIT\r\n", kGreeting + "221 bye\r\n250 extra\r\n",
       "S:250:reply_without_command"},
      {"a command the server never answered", kEhloCmd + "NOOP\r\n", kGreeting + kAll,
       "C:NOOP:unanswered_command"},
      {"an unfinished last line is not a command", kEhloCmd + "NOO", kGreeting + kAll, ""},
      {"every command answered", kEhloCmd + "NOOP\r\n", kGreeting + kAll + "250 ok\r\n", ""},
  });
  RunStepTable({
      {"interleaved: unanswered at the end",
       {{'S', kGreeting}, {'C', kEhloCmd}, {'S', kAll}, {'C', "NOOP\r\n"}},
       "C:NOOP:unanswered_command"},
      {"interleaved: a reply before any command",
       {{'S', kGreeting + "250 ok\r\n"}},
       "S:250:reply_without_command"},
  });
}

// --- pipelining_not_advertised / not_last_in_group: RFC 2920 sections 3.1
// and 3.2; interleaved input only.
TEST(SessionViolationTest, PipeliningRfc2920Section3_1InterleavedOnly) {
  const std::string nopipe = Ehlo({"SIZE 1000"});
  RunStepTable({
      {"MAIL and RCPT together without PIPELINING",
       {{'S', kGreeting},
        {'C', kEhloCmd},
        {'S', nopipe},
        {'C', kMail + kRcpt},
        {'S', "250 ok\r\n250 ok\r\n"}},
       "C:RCPT:pipelining_not_advertised"},
      {"MAIL then RCPT after its reply",
       {{'S', kGreeting},
        {'C', kEhloCmd},
        {'S', nopipe},
        {'C', kMail},
        {'S', "250 ok\r\n"},
        {'C', kRcpt},
        {'S', "250 ok\r\n"}},
       ""},
      {"MAIL and RCPT together with PIPELINING",
       {{'S', kGreeting},
        {'C', kEhloCmd},
        {'S', kAll},
        {'C', kMail + kRcpt},
        {'S', "250 ok\r\n250 ok\r\n"}},
       ""},
      {"EHLO is last in its group",
       {{'S', kGreeting}, {'C', kEhloCmd + kMail}, {'S', kAll + "250 ok\r\n"}},
       "C:MAIL:pipelining_not_advertised C:MAIL:not_last_in_group"},
      {"NOOP is last in its group",
       {{'S', kGreeting},
        {'C', kEhloCmd},
        {'S', kAll},
        {'C', "NOOP\r\n" + kMail},
        {'S', "250 ok\r\n250 ok\r\n"}},
       "C:MAIL:not_last_in_group"},
      {"content before the 354 to DATA",
       {{'S', kGreeting},
        {'C', kEhloCmd},
        {'S', kAll},
        {'C', kMail + kRcpt + "DATA\r\nx\r\n.\r\n"},
        {'S', "250 ok\r\n250 ok\r\n354 go\r\n"},
        {'S', "250 queued\r\n"}},
       "C:data:not_last_in_group"},
      {"content after the 354",
       {{'S', kGreeting},
        {'C', kEhloCmd},
        {'S', kAll},
        {'C', kMail + kRcpt + "DATA\r\n"},
        {'S', "250 ok\r\n250 ok\r\n354 go\r\n"},
        {'C', "x\r\n.\r\n"},
        {'S', "250 queued\r\n"}},
       ""},
  });
  // The same octets as two streams: no timing, no pipelining rules.
  RunTwoTable({{"two streams", kEhloCmd + kMail, kGreeting + kAll + "250 ok\r\n", ""}});
}

// --- starttls_injection: RFC 3207 section 4.2 / CVE-2011-0411 (plaintext
// after STARTTLS); starttls_response_injection: CVE-2021-38371 (server
// plaintext after its 220).
TEST(SessionViolationTest, StarttlsInjectionRfc3207Section4_2) {
  const std::string hello = std::string("\x16\x03\x01\x00\x05hello", 10);
  RunTwoTable({
      {"plaintext after the 220 to STARTTLS (CVE-2011-0411)", kEhloCmd + "STARTTLS\r\nRSET\r\n",
       kGreeting + kAll + "220 go ahead\r\n", "C:tls:starttls_injection"},
      {"a TLS handshake after the 220", kEhloCmd + "STARTTLS\r\n" + hello,
       kGreeting + kAll + "220 go ahead\r\n" + hello, ""},
      {"STARTTLS refused: the next octets are commands (aiosmtpd)",
       kEhloCmd + "STARTTLS\r\nQUIT\r\n", kGreeting + kAll + "454 TLS not available\r\n221 bye\r\n",
       ""},
      {"server plaintext after its 220 (CVE-2021-38371)", kEhloCmd + "STARTTLS\r\n" + hello,
       kGreeting + kAll + "220 go ahead\r\n250 injected\r\n", "S:tls:starttls_response_injection"},
  });
  RunStepTable({
      {"a TLS record sent before the 220",
       {{'S', kGreeting},
        {'C', kEhloCmd},
        {'S', kAll},
        {'C', "STARTTLS\r\n" + hello},
        {'S', "220 go ahead\r\n"}},
       "C:tls:starttls_injection"},
      {"the TLS record after the 220",
       {{'S', kGreeting},
        {'C', kEhloCmd},
        {'S', kAll},
        {'C', "STARTTLS\r\n"},
        {'S', "220 go ahead\r\n"},
        {'C', hello},
        {'S', hello}},
       ""},
  });
}

// --- pending_overflow: SPEC section 5 (bounded memory): more than
// max_pending client octets wait for the reply that decides them.
TEST(SessionViolationTest, PendingOverflowIsBounded) {
  Options options;
  options.max_pending = 64;
  const std::string body(200, 'x');
  const std::vector<SRec> over = RunInterleaved({{'S', kGreeting},
                                                 {'C', kEhloCmd},
                                                 {'S', kAll},
                                                 {'C', kMail},
                                                 {'S', "250 ok\r\n"},
                                                 {'C', kRcpt},
                                                 {'S', "250 ok\r\n"},
                                                 {'C', "DATA\r\n" + body + "\r\n.\r\n"},
                                                 {'S', "354 go\r\n250 queued\r\n"}},
                                                options);
  EXPECT_EQ(ViolationList(over), "C:data:not_last_in_group C:data:pending_overflow") << Show(over);
  // Within max_pending: the 354 decides.
  const std::vector<SRec> within = RunInterleaved({{'S', kGreeting},
                                                   {'C', kEhloCmd},
                                                   {'S', kAll},
                                                   {'C', kMail},
                                                   {'S', "250 ok\r\n"},
                                                   {'C', kRcpt},
                                                   {'S', "250 ok\r\n"},
                                                   {'C', "DATA\r\nshort\r\n.\r\n"},
                                                   {'S', "354 go\r\n250 queued\r\n"}},
                                                  options);
  EXPECT_EQ(ViolationList(within), "C:data:not_last_in_group") << Show(within);
}

// --- The decisions the replies make (SPEC section 5).

TEST(SessionDecisionTest, RejectedDataLeavesCommands) {
  // RFC 5321 section 4.1.1.4: content follows only a 354. Pipelined body
  // after a refused DATA is read as the server reads it: command lines.
  const std::string client = kEhloCmd + kMail + kRcpt + "DATA\r\nQUIT\r\n";
  const std::vector<SRec> r = RunTwo(
      client, kGreeting + kAll + "250 ok\r\n550 no\r\n554 no valid recipients\r\n221 bye\r\n");
  ASSERT_EQ(r.size(), 11u) << Show(r);
  EXPECT_EQ(r[9].label, "QUIT");
  EXPECT_EQ(r[10].label, "221");
  EXPECT_EQ(r[10].answers, client.size() - 6);
}

TEST(SessionDecisionTest, AuthCountsChallengesForAnyMechanism) {
  // RFC 4954 section 4: each 334 asks for one response; GSSAPI's count is
  // unknown to a one-way stream.
  const std::string client = kEhloCmd + "AUTH GSSAPI\r\nYWFh\r\nYmJi\r\nYw==\r\nQUIT\r\n";
  const std::string server =
      kGreeting + kAll + "334 YQ==\r\n334 YQ==\r\n334 Yg==\r\n235 ok\r\n221 bye\r\n";
  const std::vector<SRec> r = RunTwo(client, server);
  std::string labels;
  for (const SRec& s : r)
    labels += (s.dir == Direction::kClient ? "C:" : "S:") + s.label + " ";
  EXPECT_EQ(labels,
            "S:220 C:EHLO S:250 C:AUTH S:334 C:auth_response S:334 C:auth_response S:334 "
            "C:auth_response S:235 C:QUIT S:221 ");
  EXPECT_EQ(ViolationList(r), "");
}

TEST(SessionDecisionTest, AuthRefusedLeavesCommands) {
  // Postfix without AUTH: 503, the client's next line is a command.
  const std::vector<SRec> r =
      RunTwo(kEhloCmd + "AUTH LOGIN\r\nQUIT\r\n", kGreeting + kAll + "503 no\r\n221 bye\r\n");
  ASSERT_EQ(r.size(), 7u) << Show(r);
  EXPECT_EQ(r[5].label, "QUIT");
}

TEST(SessionDecisionTest, BdatWithoutChunkingAnswered500IsReadAsCommands) {
  // SPEC section 5: a server that does not know BDAT read the chunk's
  // octets as command lines.
  const std::vector<SRec> r =
      RunTwo(kEhloCmd + kMail + kRcpt + "BDAT 6\r\nNOOP\r\n",
             kGreeting + kBare + "250 ok\r\n250 ok\r\n500 unknown\r\n250 ok\r\n");
  ASSERT_EQ(r.size(), 11u) << Show(r);
  EXPECT_EQ(r[9].label, "NOOP");
  EXPECT_EQ(ViolationList(r), "C:BDAT:not_advertised");
}

TEST(SessionDecisionTest, AMalformedReplyDecidesByItsCode) {
  // The client acts on the code even when the reply text breaks the grammar
  // (here a control octet in the 354): the content still follows.
  const std::string client = kEhloCmd + kMail + kRcpt + "DATA\r\nhello\r\n.\r\n";
  const std::vector<SRec> r =
      RunTwo(client, kGreeting + kAll + "250 ok\r\n250 ok\r\n354 go\x01\r\n250 queued\r\n");
  ASSERT_EQ(r.size(), 11u) << Show(r);
  EXPECT_EQ(r[8].label, "error");  // the 354, bad_char
  EXPECT_EQ(r[9].label, "data");
  EXPECT_EQ(r[10].label, "250");
  EXPECT_EQ(r[10].answers, client.size() - 10);
}

TEST(SessionDecisionTest, OnlyTheReplyToEhloIsAnEhloReply) {
  // Exim's two-line reply to BDAT is not an EHLO reply (no false bad_domain).
  const std::vector<SRec> r = RunTwo(
      kEhloCmd + kMail + kRcpt + "BDAT 3 LAST\r\nabc",
      kGreeting + kAll + "250 ok\r\n250 ok\r\n250- 3 byte chunk, total 3\r\n250 OK id=1\r\n");
  EXPECT_EQ(ViolationList(r), "") << Show(r);
  for (const SRec& s : r)
    EXPECT_TRUE(s.rec.ok()) << Show(r);
}

TEST(SessionDecisionTest, ExtensionsAreTheLastAcceptedEhloReply) {
  Options options;
  Session session(options, SessionInput::kTwoStreams);
  const auto sink = [](const SessionRecord&) {};
  EXPECT_EQ(session.extensions(), nullptr);
  session.FeedServer(kGreeting + kAll + "250 mx\r\n", sink);
  session.FeedClient(kEhloCmd, sink);
  ASSERT_NE(session.extensions(), nullptr);
  EXPECT_TRUE(session.extensions()->pipelining());
  EXPECT_TRUE(session.extensions()->chunking());
  EXPECT_EQ(session.extensions()->size_limit(), 1000000u);
  // The views point into the session's copy (the fed octets are gone).
  EXPECT_EQ(session.extensions()->domain, "mx.example.org");
  EXPECT_EQ(session.extensions()->reply.lines.size(), 10u);
  EXPECT_EQ(session.extensions()->capabilities.size(), 9u);
  EXPECT_EQ(std::string(session.extensions()->capabilities.begin()->keyword), "PIPELINING");
  // RFC 5321 section 4.1.1.1: HELO starts a session without extensions.
  session.FeedClient("HELO client.example.com\r\n", sink);
  EXPECT_EQ(session.extensions(), nullptr);
}

// DATA content that starts a client chunk, with nothing pending, is read
// from the caller's chunk without a copy: the same records, offsets and
// counts as when it arrives with the commands, and the command after it in
// the same chunk is read as usual.
TEST(SessionDecisionTest, ContentReadFromTheCallersChunk) {
  const std::string head = kEhloCmd + kMail + kRcpt + "DATA\r\n";
  const std::string body = "Subject: x\r\n\r\nline one\r\n..dot\r\n";
  const std::string tail = ".\r\nQUIT\r\n";
  const std::string server =
      kGreeting + kAll + "250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n221 bye\r\n";
  const std::vector<SRec> whole = RunTwo(head + body + tail, server);
  std::vector<SRec> pieces;
  Session session(Options{}, SessionInput::kTwoStreams);
  const auto sink = [&](const SessionRecord& r) { pieces.push_back(ToSRec(r)); };
  session.FeedServer(server, sink);
  for (const std::string& chunk : {head, body.substr(0, 7), body.substr(7), tail}) {
    FeedCopy(chunk, [&](std::string_view c) { session.FeedClient(c, sink); });
  }
  session.Finish(sink);
  EXPECT_EQ(pieces, whole) << Show(pieces) << "\n" << Show(whole);
  const auto data =
      std::find_if(whole.begin(), whole.end(), [](const SRec& r) { return r.label == "data"; });
  ASSERT_NE(data, whole.end());
  EXPECT_EQ(data->rec.offset, head.size());
  EXPECT_EQ(data->rec.length, body.size() + 3);
  EXPECT_EQ(data->rec.fields, "bytes=" + std::to_string(body.size() - 1));  // a dot unstuffed
  EXPECT_EQ(ViolationList(whole), "");
}

// A SASL response the server has not answered yet is held, its view into
// the session's buffer: the next client chunk is not read in place then
// (the buffer must keep the response's octets), and the held record still
// shows its octets when the reply releases it.
TEST(SessionDecisionTest, HeldResponseKeepsTheBufferForTheNextChunk) {
  const std::string client = kEhloCmd + "AUTH PLAIN\r\n" + "dGVzdA==\r\n" + "QUIT\r\n";
  const std::string server = kGreeting + kAll + "334 \r\n" + "235 ok\r\n" + "221 bye\r\n";
  const std::vector<SRec> whole = RunTwo(client, server);
  std::vector<SRec> pieces;
  std::string response;
  Session session(Options{}, SessionInput::kTwoStreams);
  const auto sink = [&](const SessionRecord& r) {
    pieces.push_back(ToSRec(r));
    if (r.record.kind == RecordKind::kAuthResponse) response = std::string(r.record.auth_response);
  };
  const auto client_feed = [&](const std::string& chunk) {
    FeedCopy(chunk, [&](std::string_view c) { session.FeedClient(c, sink); });
  };
  const auto server_feed = [&](const std::string& chunk) {
    FeedCopy(chunk, [&](std::string_view c) { session.FeedServer(c, sink); });
  };
  server_feed(kGreeting);
  client_feed(kEhloCmd);
  server_feed(kAll);
  client_feed("AUTH PLAIN\r\n");
  server_feed("334 \r\n");
  client_feed("dGVzdA==\r\n");  // held: the server has said nothing after it
  EXPECT_EQ(response, "");
  client_feed("QUIT\r\n");  // arrives while the response is held
  server_feed("235 ok\r\n221 bye\r\n");
  session.Finish(sink);
  EXPECT_EQ(response, "dGVzdA==");
  EXPECT_EQ(pieces, whole) << Show(pieces) << "\n" << Show(whole);
  EXPECT_EQ(ViolationList(whole), "");
}

// A line longer than any limit is fed to the stream as it comes, with or
// without whole lines before it (the framer reports it over-long and keeps
// only its head): the same records however the client's octets are cut.
TEST(SessionDecisionTest, OverlongLineIsFedAsItComes) {
  const std::size_t limit = MaxCommandLineLimit(Options{});
  const std::string server = kGreeting + kAll + "250 ok\r\n500 too long\r\n";
  for (const std::string& client : {kEhloCmd + "NOOP\r\n" + std::string(limit + 100, 'x') + "\r\n",
                                    kEhloCmd + std::string(limit + 100, 'x') + "\r\n"}) {
    SCOPED_TRACE(client.size());
    const std::vector<SRec> whole = RunTwo(client, server);
    ASSERT_FALSE(whole.empty());
    const auto overlong = std::find_if(whole.begin(), whole.end(), [](const SRec& r) {
      return r.dir == Direction::kClient && r.label == "error";
    });
    ASSERT_NE(overlong, whole.end()) << Show(whole);
    EXPECT_EQ(overlong->rec.length, limit + 102);
    EXPECT_TRUE(Tiles(whole, Direction::kClient, client.size())) << Show(whole);
    for (std::size_t piece : {std::size_t{7}, std::size_t{1000}, limit + 50}) {
      SCOPED_TRACE(piece);
      EXPECT_EQ(RunTwo(client, server, Options{}, piece, 0), whole);
      EXPECT_EQ(RunTwo(client, server, Options{}, piece, 3), whole);
    }
  }
}

TEST(SessionDecisionTest, WantsTheDirectionItNeeds) {
  Session session(Options{}, SessionInput::kTwoStreams);
  const auto sink = [](const SessionRecord&) {};
  EXPECT_EQ(session.wants(), Direction::kServer);  // the greeting first
  session.FeedServer(kGreeting, sink);
  EXPECT_EQ(session.wants(), Direction::kClient);
  session.FeedClient(kEhloCmd, sink);
  EXPECT_EQ(session.wants(), Direction::kServer);
}

TEST(SessionRegressionTest, BothEndedDrainsTheServerEvenInsideAnUnfinishedChunk) {
  // Found by fuzz/session_split: a BDAT chunk cut off by the client's end
  // made the two-stream session wait for it forever, and Finish dropped the
  // server's remaining octets (the records did not tile the server stream).
  const std::string client = kEhloCmd + kMail + kRcpt + "BDAT 29 LAST\r\nab";
  const std::string server =
      kGreeting + kAll + "250 ok\r\n250 ok\r\n250 ok\r\n250 more\r\n221 bye\r\n";
  const std::vector<SRec> r = RunTwo(client, server);
  EXPECT_TRUE(Tiles(r, Direction::kClient, client.size())) << Show(r);
  EXPECT_TRUE(Tiles(r, Direction::kServer, server.size())) << Show(r);
  EXPECT_EQ(ViolationList(r), "S:250:reply_without_command S:221:reply_without_command") << Show(r);
}

TEST(SessionRegressionTest, LenientBadSaslResponseKeepsItsLineEndDeviation) {
  // Found by make fuzz (session_oneway): a SASL response with a bad octet
  // and a bare LF line end listed bare_lf in the one-way stream (SPEC 1:
  // lenient error records list the deviations used before the error) but
  // not in the session, whose caller-decides path dropped them.
  Options options;
  options.policy = Policy::kLenient;
  const std::string client = kEhloCmd + "AUTH LOGIN\r\ndXNlcg==\r\nc\xff\n";
  const std::string server = kGreeting + kAll + "334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n";
  const std::vector<SRec> r = RunTwo(client, server, options);
  ASSERT_EQ(r.size(), 8u) << Show(r);
  const Rec& bad = r[7].rec;
  EXPECT_EQ(bad.kind, RecordKind::kAuthResponse) << Show(r);
  EXPECT_EQ(bad.code, ErrorCode::kBadChar);
  EXPECT_EQ(bad.error_offset, client.size() - 2);
  EXPECT_EQ(bad.deviations, static_cast<std::uint16_t>(Deviation::kBareLf)) << Show(r);
}

TEST(SessionTest, MailLineWithinItsExtensionAllowanceInPieces) {
  // A MAIL line longer than max_command_line and max_auth_line but within
  // its RFC 4954 AUTH= allowance (+500): the session cuts lines at the same
  // limit the framer buffers (MaxCommandLineLimit), however it is chunked.
  Options options;
  options.max_auth_line = 512;
  const std::string value(520, 'x');
  const std::string mail = "MAIL FROM:<a@example.com> AUTH=" + value + "\r\n";
  const std::string client = kEhloCmd + mail + "QUIT\r\n";
  const std::string server = kGreeting + kAll + "250 ok\r\n221 bye\r\n";
  for (unsigned seed = 0; seed < 8; ++seed) {
    SCOPED_TRACE(seed);
    const std::vector<SRec> r = seed < 4 ? RunTwo(client, server, options, 7 + seed * 31, seed)
                                         : RunInterleaved({{'S', kGreeting},
                                                           {'C', kEhloCmd},
                                                           {'S', kAll},
                                                           {'C', mail},
                                                           {'S', "250 ok\r\n"},
                                                           {'C', "QUIT\r\n"},
                                                           {'S', "221 bye\r\n"}},
                                                          options, 3 + seed * 40);
    std::string mails;
    for (const SRec& s : r)
      if (s.label == "MAIL") mails += s.rec.fields;
    EXPECT_NE(mails.find("AUTH=" + value), std::string::npos) << Show(r);
    EXPECT_TRUE(Tiles(r, Direction::kClient, client.size())) << Show(r);
  }
}

TEST(SessionPropertyTest, AllPositiveWaitingClientMatchesTheOneWayStreams) {
  // SPEC section 5 and the one-way streams agree when the server accepts
  // everything: the same records in each direction.
  const std::string client = kEhloCmd + kMail + kRcpt + "DATA\r\nhello\r\n..dot\r\n.\r\n" +
                             "AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\nQUIT\r\n";
  const std::string server = kGreeting + kAll +
                             "250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n334 VXNlcm5hbWU6\r\n"
                             "334 UGFzc3dvcmQ6\r\n235 ok\r\n221 bye\r\n";
  const std::vector<SRec> r = RunTwo(client, server);
  std::vector<Rec> c, s;
  for (const SRec& x : r)
    (x.dir == Direction::kClient ? c : s).push_back(x.rec);
  EXPECT_EQ(c, testing_util::RunCommands(client, Options{}));
  // Replies: plain, but the EHLO reply (where ehlo mode would read every 250).
  std::vector<Rec> plain = testing_util::RunReplies(server, Options{}, ReplyMode::kReplies);
  const std::vector<Rec> ehlo = testing_util::RunReplies(server, Options{}, ReplyMode::kEhlo);
  ASSERT_EQ(plain.size(), ehlo.size());
  plain[1] = ehlo[1];
  EXPECT_EQ(s, plain);
  EXPECT_EQ(ViolationList(r), "");
}

// Empty feeds, octets fed after their direction was closed, and a second
// close change nothing: the records are those of the same session without
// them.
TEST(SessionFeedTest, EmptyFeedsLateOctetsAndSecondClosesChangeNothing) {
  for (const SessionInput input : {SessionInput::kTwoStreams, SessionInput::kInterleaved}) {
    SCOPED_TRACE(input == SessionInput::kTwoStreams ? "two streams" : "interleaved");
    const auto run = [&](bool extra) {
      std::vector<SRec> got;
      const auto sink = [&](const SessionRecord& r) { got.push_back(ToSRec(r)); };
      Session s(Options{}, input);
      if (extra) {
        s.FeedServer("", sink);
        s.FeedClient("", sink);
      }
      s.FeedServer(kGreeting, sink);
      s.FeedClient("NOOP\r\n", sink);
      s.FeedServer("250 ok\r\n", sink);
      s.CloseClient(sink);
      if (extra) {
        s.CloseClient(sink);
        s.FeedClient("QUIT\r\n", sink);
      }
      s.CloseServer(sink);
      if (extra) {
        s.CloseServer(sink);
        s.FeedServer("221 bye\r\n", sink);
      }
      s.Finish(sink);
      return got;
    };
    const std::vector<SRec> plain = run(false);
    ASSERT_EQ(plain.size(), 3u) << Show(plain);
    EXPECT_EQ(plain[1].label, "NOOP");
    EXPECT_EQ(plain[2].label, "250");
    EXPECT_EQ(run(true), plain) << Show(run(true));
  }
}

// A reply not as predicted (a refused MAIL) while more pipelined commands
// wait: the prediction is made again from what was confirmed and every
// command still waiting, so a RCPT after the pipelined RSET and second MAIL
// is in sequence (RFC 2920 section 3.1, RFC 5321 section 4.1.4).
TEST(SessionViolationTest, PipelinedCommandsArePredictedAgainAfterARefusal) {
  RunStepTable({
      {"RCPT after MAIL refused, RSET, MAIL pipelined",
       {{'S', kGreeting},
        {'C', kEhloCmd},
        {'S', kAll},
        {'C', "MAIL FROM:<a@example.com>\r\nRSET\r\nMAIL FROM:<b@example.com>\r\n"},
        {'S', "550 no\r\n"},
        {'C', kRcpt},
        {'S', "250 ok\r\n250 ok\r\n250 ok\r\n"}},
       ""},
      {"DATA after MAIL refused, RCPT pipelined",
       {{'S', kGreeting},
        {'C', kEhloCmd},
        {'S', kAll},
        {'C', kMail + kRcpt},
        {'S', "550 no\r\n"},
        {'C', "DATA\r\n"},
        {'S', "503 need MAIL\r\n503 need RCPT\r\n"}},
       "C:DATA:out_of_sequence"},
      {"RCPT after MAIL refused and RSET pipelined",
       {{'S', kGreeting},
        {'C', kEhloCmd},
        {'S', kAll},
        {'C', "MAIL FROM:<a@example.com>\r\nRSET\r\n"},
        {'S', "550 no\r\n"},
        {'C', kRcpt},
        {'S', "250 ok\r\n503 need MAIL\r\n"}},
       "C:RCPT:out_of_sequence"},
  });
}

// Two streams: once the client has closed with every octet read and nothing
// waiting, a reply no command asked for is reported at once, not at Finish.
TEST(SessionViolationTest, ReplyAfterTheClientClosedIsReportedAtOnce) {
  Session s(Options{}, SessionInput::kTwoStreams);
  std::vector<SRec> got;
  const auto sink = [&](const SessionRecord& r) { got.push_back(ToSRec(r)); };
  s.FeedServer(kGreeting, sink);
  s.FeedClient("NOOP\r\n", sink);
  s.FeedServer("250 ok\r\n", sink);
  s.CloseClient(sink);
  ASSERT_EQ(got.size(), 3u) << Show(got);
  s.FeedServer("250 extra\r\n", sink);
  ASSERT_EQ(got.size(), 4u) << Show(got);
  EXPECT_EQ(got[3].label, "250");
  EXPECT_EQ(got[3].rec.offset, std::string(kGreeting).size() + 8);
  EXPECT_EQ(ViolationList({got[3]}), "S:250:reply_without_command");
  s.Finish(sink);
  EXPECT_EQ(got.size(), 4u) << Show(got);
}

// A client record waits (held) until the server says something after it;
// its views point into the session's client buffer, which may grow and move
// meanwhile: each view of the released record follows it (ASan sees a view
// into the freed buffer).
TEST(SessionHeldTest, HeldRecordsFollowTheClientBufferWhenItMoves) {
  std::string noops;
  for (int i = 0; i < 1000; ++i)
    noops += "NOOP\r\n";
  const Steps steps = {
      {'S', kGreeting},
      {'C', "AUTH LOGIN\r\n"},
      {'S', "334 VXNlcm5hbWU6\r\n"},
      {'C', "dXNlcg==\r\n"},
      {'C', noops},
      {'S', "235 ok\r\n"},
  };
  const std::vector<SRec> records = RunInterleaved(steps);
  ASSERT_GE(records.size(), 6u) << Show(records);
  EXPECT_EQ(records[1].label, "AUTH");
  EXPECT_EQ(records[3].label, "auth_response");
  EXPECT_EQ(records[3].rec.offset, 12u);
  EXPECT_EQ(records[3].rec.length, 10u);
  EXPECT_EQ(records[3].rec.fields, "response=dXNlcg==");
  EXPECT_EQ(records[4].label, "235");
  EXPECT_EQ(records[5].label, "NOOP");
  EXPECT_EQ(records[5].rec.offset, 22u);
}

// Violations is a set of bits; a session record is ok when its record is
// ok and it broke no session rule.
TEST(ViolationsTest, AddSetsAndRecordOk) {
  Violations a;
  EXPECT_TRUE(a.empty());
  a.Add(Violation::kEarlyTalker);
  EXPECT_FALSE(a.empty());
  Violations b;
  b.Add(Violation::kBadGreeting);
  b.Add(a);
  EXPECT_TRUE(b.Has(Violation::kEarlyTalker));
  EXPECT_TRUE(b.Has(Violation::kBadGreeting));
  EXPECT_FALSE(b.Has(Violation::kOutOfSequence));
  EXPECT_EQ(b.bits(),
            static_cast<std::uint16_t>(static_cast<std::uint16_t>(Violation::kEarlyTalker) |
                                       static_cast<std::uint16_t>(Violation::kBadGreeting)));
  SessionRecord r;
  EXPECT_TRUE(r.ok());
  r.violations = a;
  EXPECT_FALSE(r.ok());
  r.violations = Violations();
  r.record.error = Error{ErrorCode::kSyntax, 0};
  EXPECT_FALSE(r.ok());
}

TEST(DirectionNameTest, ClientAndServer) {
  EXPECT_EQ(DirectionName(Direction::kClient), "client");
  EXPECT_EQ(DirectionName(Direction::kServer), "server");
}

}  // namespace
}  // namespace smtp
