// fuzz/session_dialogue.cc: a structure-aware generator of whole dialogues
// (commands and the replies to them): refusals, 334 loops of any length,
// pipelined groups, DATA and BDAT accepted and refused, STARTTLS accepted
// (with or without injected plaintext) and refused. The input bytes are the
// generator's choices, so libFuzzer's mutations change the dialogue.
// Properties: each direction tiles; the interleaved (wire order) records do
// not depend on chunking; read as two streams each direction gives the same
// records and pairing; the session finds exactly the content records
// (data, auth_response) the dialogue has.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "oracle/session_model.h"
#include "session_checks.h"

namespace {

class Choices {
 public:
  Choices(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool more() const { return pos_ < size_; }
  unsigned next(unsigned n) { return pos_ < size_ ? data_[pos_++] % n : 0; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

struct Dialogue {
  std::deque<std::string> storage;
  std::vector<smtp_fuzz::Step> steps;
  std::string client, server;  // each direction whole
  int data_records = 0;
  int auth_responses = 0;
  bool stray = false;  // a reply without a command: two streams pair it by order
  void Send(smtp::Direction dir, std::string bytes) {
    if (bytes.empty()) return;
    (dir == smtp::Direction::kClient ? client : server) += bytes;
    storage.push_back(std::move(bytes));
    steps.push_back({dir, storage.back()});
  }
  void C(std::string bytes) { Send(smtp::Direction::kClient, std::move(bytes)); }
  void S(std::string bytes) { Send(smtp::Direction::kServer, std::move(bytes)); }
};

std::string Refusal(Choices& in) {
  static const char* const kCodes[] = {"421", "450", "451", "452", "500", "501",
                                       "502", "503", "504", "550", "554"};
  return std::string(kCodes[in.next(11)]) + " no\r\n";
}

void Generate(Choices& in, Dialogue* d) {
  d->S("220 mx.example.org ESMTP\r\n");
  bool chunking = false;
  while (in.more()) {
    switch (in.next(12)) {
      case 0: {  // EHLO, accepted with some extensions, or refused
        d->C("EHLO client.example.com\r\n");
        if (in.next(4) == 0) {
          d->S(Refusal(in));
          break;
        }
        const unsigned ext = in.next(256);
        chunking = (ext & 2) != 0;
        std::string reply = "250-mx.example.org\r\n";
        if (ext & 1) reply += "250-PIPELINING\r\n";
        if (ext & 2) reply += "250-CHUNKING\r\n";
        if (ext & 4) reply += "250-STARTTLS\r\n";
        if (ext & 8) reply += "250-AUTH PLAIN LOGIN GSSAPI\r\n";
        reply += "250 SIZE 1000\r\n";
        d->S(reply);
        break;
      }
      case 1:
      case 2: {  // a pipelined group of simple commands, replies after it
        static const char* const kSimple[] = {"MAIL FROM:<a@example.com>\r\n",
                                              "RCPT TO:<b@example.net>\r\n",
                                              "RSET\r\n",
                                              "NOOP\r\n",
                                              "VRFY someone\r\n",
                                              "Xjunk 1\r\n"};
        const unsigned n = 1 + in.next(4);
        std::string group, replies;
        for (unsigned i = 0; i < n; ++i) {
          group += kSimple[in.next(6)];
          replies += in.next(3) == 0 ? Refusal(in) : std::string("250 ok\r\n");
        }
        d->C(group);
        d->S(replies);
        break;
      }
      case 3: {  // DATA accepted: 354, content, its reply
        d->C("DATA\r\n");
        d->S("354 go\r\n");
        d->C("line\r\n..dot\r\n.\r\n");
        d->S(in.next(2) ? "250 queued\r\n" : Refusal(in));
        ++d->data_records;
        break;
      }
      case 4: {  // DATA refused: the client's next lines are commands
        d->C("DATA\r\n");
        d->S(Refusal(in));
        break;
      }
      case 5: {  // BDAT
        const unsigned n = in.next(8);
        d->C("BDAT " + std::to_string(n) + (in.next(2) ? " LAST" : "") + "\r\n" +
             std::string(n, 'z'));
        if (chunking) {
          d->S(in.next(2) ? "250 ok\r\n" : Refusal(in));
          ++d->data_records;
        } else {
          // SPEC 5: without CHUNKING, 500/502 means the chunk was commands;
          // keep the chunk empty then so the lines stay this simple.
          d->S("250 ok\r\n");
          ++d->data_records;
        }
        break;
      }
      case 6:
      case 7: {  // AUTH with k challenges (any mechanism), then the end
        d->C(in.next(2) ? "AUTH GSSAPI\r\n" : "AUTH LOGIN\r\n");
        const unsigned k = in.next(5);
        for (unsigned i = 0; i < k; ++i) {
          d->S("334 eA==\r\n");
          if (in.next(6) == 0) {
            d->C("*\r\n");
            ++d->auth_responses;
            break;
          }
          d->C("eXk=\r\n");
          ++d->auth_responses;
        }
        d->S(in.next(2) ? "235 ok\r\n" : Refusal(in));
        break;
      }
      case 8: {  // STARTTLS accepted: the rest is TLS (maybe injected)
        d->C("STARTTLS\r\n");
        if (in.next(2)) {
          d->S("454 not now\r\n");
          break;
        }
        d->S("220 go\r\n");
        d->C(in.next(4) == 0 ? std::string("NOOP\r\n") : std::string("\x16\x03\x01\x00\x01x", 6));
        d->S(in.next(4) == 0 ? std::string("250 inj\r\n") : std::string("\x16\x03\x03", 3));
        return;
      }
      case 9:
        d->C("QUIT\r\n");
        d->S("221 bye\r\n");
        return;
      case 10:  // a reply without a command, or a command never answered
        if (in.next(2)) {
          d->S("250 stray\r\n");
          d->stray = true;
        } else {
          d->C("NOOP\r\n");
          return;
        }
        break;
      default:  // a bad line, answered 500
        d->C("X" + std::string(1 + in.next(20), 'q') + "\r\n");
        d->S("500 what\r\n");
        break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  Choices in(data + 2, size - 2);
  Dialogue d;
  Generate(in, &d);
  smtp::Options options;
  options.max_pending = 1u << 20;
  options.policy = (data[0] & 1) ? smtp::Policy::kLenient : smtp::Policy::kStrict;

  const auto wire = smtp_fuzz::RunSession(options, smtp::SessionInput::kInterleaved, d.steps);
  smtp_fuzz::CheckSessionTiling(wire, d.client.size(), d.server.size());
  smtp_fuzz::CheckSameSession(
      wire,
      smtp_fuzz::RunSession(options, smtp::SessionInput::kInterleaved,
                            smtp_fuzz::Recut(d.steps, data[1], data[0] >> 4)),
      "wire order, recut");
  const auto two = smtp_fuzz::RunSession(
      options, smtp::SessionInput::kTwoStreams,
      {{smtp::Direction::kClient, d.client}, {smtp::Direction::kServer, d.server}});
  // Each direction's records and pairing are the same both ways (only the
  // timing rules and the order across directions may differ).
  for (const smtp::Direction dir : {smtp::Direction::kClient, smtp::Direction::kServer}) {
    if (d.stray) break;
    std::vector<smtp_fuzz::OwnedSessionRecord> a, b;
    for (auto r : wire) {
      r.violations = 0;
      if (r.dir == dir) a.push_back(r);
    }
    for (auto r : two) {
      r.violations = 0;
      if (r.dir == dir) b.push_back(r);
    }
    smtp_fuzz::CheckSameSession(a, b, "interleaved vs two streams, one direction");
  }
  // The independent model (fuzz/oracle/session_model.h) of the same two
  // streams: the same records per direction, and the same pairing.
  if (!d.stray) {
    const oracle::SessionModel model = oracle::ModelSession(d.client, d.server);
    for (const smtp::Direction dir : {smtp::Direction::kClient, smtp::Direction::kServer}) {
      const auto& want = dir == smtp::Direction::kClient ? model.client : model.server;
      std::size_t i = 0;
      for (const auto& r : two) {
        if (r.dir != dir) continue;
        FUZZ_CHECK(i < want.size(), "the session has more %s records than the model: %s",
                   dir == smtp::Direction::kClient ? "client" : "server",
                   smtp_fuzz::DescribeSession(r).c_str());
        const oracle::SessionRecord& w = want[i++];
        FUZZ_CHECK(std::string(smtp::RecordKindName(r.record.kind)) == w.kind &&
                       r.record.offset == w.offset && r.record.length == w.length &&
                       (r.has_answers ? static_cast<std::int64_t>(r.answers) : -1) == w.answers,
                   "session and model differ:\n    %s\n    model: %s [%llu+%llu] answers=%lld",
                   smtp_fuzz::DescribeSession(r).c_str(), w.kind.c_str(),
                   static_cast<unsigned long long>(w.offset),
                   static_cast<unsigned long long>(w.length), static_cast<long long>(w.answers));
      }
      FUZZ_CHECK(i == want.size(), "the model has %zu records, the session %zu", want.size(), i);
    }
  }
  int data_records = 0, auth_responses = 0;
  for (const auto& r : wire) {
    if (r.dir != smtp::Direction::kClient) continue;
    data_records += r.record.kind == smtp::RecordKind::kData;
    auth_responses += r.record.kind == smtp::RecordKind::kAuthResponse;
  }
  FUZZ_CHECK(data_records == d.data_records, "%d data records, the dialogue has %d", data_records,
             d.data_records);
  FUZZ_CHECK(auth_responses == d.auth_responses, "%d auth_response records, the dialogue has %d",
             auth_responses, d.auth_responses);
  return 0;
}
