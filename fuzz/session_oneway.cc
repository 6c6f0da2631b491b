// fuzz/session_oneway.cc: where every reply is positive and the client waits
// for each (two streams), the session's client records are the one-way
// command stream's (SPEC sections 2 and 5 agree). The replies are generated
// from the one-way records: 220 greeting, an EHLO reply advertising every
// extension the parser knows, 354 to DATA, one 334 per SASL response the
// one-way stream expects then 235, 220 to STARTTLS, 221 to QUIT, 500 to a
// bad line (the one-way stream reads on after it, as the server does), 501
// to a cancelled exchange, 250 otherwise. Input: the header of fuzz_common.h,
// then the client's octets.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "session_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < smtp_fuzz::kHeaderSize) return 0;
  const smtp_fuzz::StreamSetup setup = smtp_fuzz::DecodeSetup(data);
  smtp::Options options = setup.options;
  options.max_pending = 1u << 20;  // the waiting client never overflows here
  // The generated replies must parse, whatever the command limits are.
  options.max_reply_line = std::max<std::size_t>(options.max_reply_line, 512);
  options.max_reply_lines = std::max<std::size_t>(options.max_reply_lines, 20);
  const std::string_view client(reinterpret_cast<const char*>(data) + smtp_fuzz::kHeaderSize,
                                size - smtp_fuzz::kHeaderSize);

  smtp::CommandStream oneway(options);
  std::vector<smtp_fuzz::OwnedRecord> expected;
  std::vector<int> sasl_counts;  // per record: SASL responses an AUTH expects
  std::vector<bool> chunks_of_bdat;
  smtp::Verb last_verb = smtp::Verb::kUnknown;
  const auto sink = [&](const smtp::Record& r) {
    expected.push_back(smtp_fuzz::Own(r));
    sasl_counts.push_back(
        r.kind == smtp::RecordKind::kCommand && r.ok() ? smtp::SaslResponseCount(r.command) : 0);
    chunks_of_bdat.push_back(r.kind == smtp::RecordKind::kData && last_verb == smtp::Verb::kBdat);
    if (r.kind == smtp::RecordKind::kCommand)
      last_verb = r.ok() ? r.command.verb : smtp::Verb::kUnknown;
  };
  for (std::string_view c : smtp_fuzz::Chunks(client, setup.seed, setup.shape))
    oneway.Feed(c, sink);
  oneway.Finish(sink);

  std::string server = "220 mx.example.org ESMTP\r\n";
  int sasl_left = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const smtp_fuzz::OwnedRecord& r = expected[i];
    if (r.error.code == smtp::ErrorCode::kIncomplete) continue;  // no reply to half a line
    switch (r.kind) {
      case smtp::RecordKind::kCommand:
        if (!r.error.ok()) {
          server += "500 5.5.2 bad line\r\n";
        } else if (r.verb == smtp::Verb::kEhlo) {
          server +=
              "250-mx.example.org\r\n250-PIPELINING\r\n250-CHUNKING\r\n250-STARTTLS\r\n"
              "250-AUTH PLAIN LOGIN CRAM-MD5 GSSAPI\r\n250-SIZE\r\n250-8BITMIME\r\n"
              "250-BINARYMIME\r\n250-SMTPUTF8\r\n250-DSN\r\n250 REQUIRETLS\r\n";
        } else if (r.verb == smtp::Verb::kData) {
          server += "354 go ahead\r\n";
        } else if (r.verb == smtp::Verb::kStartTls) {
          server += "220 ready\r\n";
        } else if (r.verb == smtp::Verb::kQuit) {
          server += "221 bye\r\n";
        } else if (r.verb == smtp::Verb::kAuth) {
          sasl_left = sasl_counts[i];
          server += sasl_left > 0 ? "334 eA==\r\n" : "235 ok\r\n";
        } else {
          server += "250 ok\r\n";
        }
        break;
      case smtp::RecordKind::kAuthResponse:
        if (!r.error.ok()) {
          server += "501 bad response\r\n";
          sasl_left = 0;
        } else if (r.auth_response == "*") {
          server += "501 cancelled\r\n";
          sasl_left = 0;
        } else {
          --sasl_left;
          server += sasl_left > 0 ? "334 eA==\r\n" : "235 ok\r\n";
        }
        break;
      case smtp::RecordKind::kData:
        if (!chunks_of_bdat[i]) server += "250 queued\r\n";
        break;
      case smtp::RecordKind::kTls:
      case smtp::RecordKind::kReply:
        break;
    }
  }

  const auto records = smtp_fuzz::RunSession(
      options, smtp::SessionInput::kTwoStreams,
      {{smtp::Direction::kServer, server}, {smtp::Direction::kClient, client}});
  smtp_fuzz::CheckSessionTiling(records, client.size(), server.size());
  std::vector<smtp_fuzz::OwnedRecord> got;
  for (const smtp_fuzz::OwnedSessionRecord& r : records) {
    if (r.dir == smtp::Direction::kClient) got.push_back(r.record);
    FUZZ_CHECK(!(r.violations & static_cast<std::uint16_t>(smtp::Violation::kReplyWithoutCommand)),
               "a generated reply answers nothing: %s", smtp_fuzz::DescribeSession(r).c_str());
  }
  smtp_fuzz::CheckSameRecords(expected, got, "session vs one-way stream");
  return 0;
}
