// fuzz/stream_checks.h: the properties of the command and reply streams,
// shared by command_stream, command_stream_structured, reply_stream and data.
//
//  - the first kHeaderSize bytes choose the options and the chunk boundaries;
//  - the records of a chunked parse are identical to the whole-input parse;
//  - the records tile the input exactly;
//  - every command record reads the same as ParseCommand on its bytes, every
//    reply record as ParseReply / ParseEhloReply on its bytes;
//  - bounded memory: an accepted line is never longer than its limit, so the
//    views (and the stream's buffer that may hold them) stay within it;
//  - the DATA content record ends at the first CRLF.CRLF and no earlier, its
//    un-stuffed byte count and verdict are recomputed independently here;
//    BDAT takes exactly n octets; STARTTLS takes the rest.
#ifndef SMTP_FUZZ_STREAM_CHECKS_H_
#define SMTP_FUZZ_STREAM_CHECKS_H_

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "smtp/command.h"
#include "smtp/ehlo.h"
#include "smtp/options.h"
#include "smtp/reply.h"
#include "smtp/stream.h"

namespace smtp_fuzz {

// The outcome of DATA content computed from SPEC section 2 and
// docs/decisions.md "DATA content", independently of the parser.
struct DataVerdict {
  bool terminated = false;
  std::uint64_t length = 0;  // through the final ".CRLF" (or the rest of the input)
  std::uint64_t bytes = 0;   // un-stuffed, through the CRLF before the final dot
  smtp::ErrorCode error = smtp::ErrorCode::kOk;
  std::uint64_t error_offset = 0;  // relative to the content start
  std::uint16_t deviations = 0;
};

// `at_line_start`: the DATA line ended in CRLF (after a lenient DATA<LF> the
// content starts mid-line: LF . CRLF must not end it).
inline DataVerdict ComputeDataVerdict(std::string_view c, const smtp::Options& options,
                                      bool at_line_start = true) {
  DataVerdict v;
  bool line_start = at_line_start;  // only after the DATA line's CRLF or a CRLF in content
  std::uint64_t line_begin = 0;     // octets are counted since the last LF of any kind
  auto problem = [&](smtp::ErrorCode code, smtp::Deviation dev, std::uint64_t at) {
    if (options.lenient() &&
        (code == smtp::ErrorCode::kBareLf || code == smtp::ErrorCode::kBareCr)) {
      v.deviations |= static_cast<std::uint16_t>(dev);
      return;
    }
    if (v.error == smtp::ErrorCode::kOk) {
      v.error = code;
      v.error_offset = at;
    }
  };
  std::size_t i = 0;
  while (i < c.size()) {
    if (i - line_begin >= options.max_data_line) {
      problem(smtp::ErrorCode::kLineTooLong, smtp::Deviation::kBareLf,
              line_begin + options.max_data_line);
      // Later octets of this line cannot report it again.
      line_begin = i;  // keep counting from here; the first problem decides anyway
    }
    const char ch = c[i];
    if (line_start && ch == '.') {
      if (i + 2 < c.size() && c[i + 1] == '\r' && c[i + 2] == '\n') {
        v.terminated = true;
        v.length = i + 3;
        return v;
      }
      ++i;  // stuffed dot: removed, and not counted (RFC 5321 4.5.3.1.6)
      line_begin = i;
      line_start = false;
      continue;
    }
    line_start = false;
    if (ch == '\r') {
      if (i + 1 < c.size() && c[i + 1] == '\n') {
        if (i + 1 - line_begin >= options.max_data_line) {  // the LF is past the limit
          problem(smtp::ErrorCode::kLineTooLong, smtp::Deviation::kBareLf,
                  line_begin + options.max_data_line);
        }
        v.bytes += 2;
        i += 2;
        line_start = true;
        line_begin = i;
        continue;
      }
      if (i + 1 < c.size()) problem(smtp::ErrorCode::kBareCr, smtp::Deviation::kBareCr, i);
    } else if (ch == '\n') {
      problem(smtp::ErrorCode::kBareLf, smtp::Deviation::kBareLf, i);
      ++v.bytes;
      ++i;
      line_begin = i;
      continue;
    } else if (ch == '\0') {
      problem(smtp::ErrorCode::kBadChar, smtp::Deviation::kBareLf, i);
    }
    ++v.bytes;
    ++i;
  }
  v.length = c.size();
  return v;
}

inline smtp::Command CommandView(const OwnedRecord& r) {
  smtp::Command c;
  c.verb = r.verb;
  c.mechanism = r.mechanism;
  c.initial_response = r.initial_response;
  c.has_initial_response = r.has_initial_response;
  return c;
}

// Semantic checks of the records of one command stream over `body`.
inline void CheckCommandRecords(const std::vector<OwnedRecord>& records, std::string_view body,
                                const smtp::Options& options) {
  const std::size_t max_line = smtp::MaxCommandLineLimit(options);
  enum class Expect { kCommand, kData, kBdat, kTls } expect = Expect::kCommand;
  std::uint64_t bdat_size = 0;
  int auth_left = 0;
  bool data_line_crlf = true;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const OwnedRecord& r = records[i];
    const std::string_view bytes = body.substr(r.offset, r.length);
    const bool last = i + 1 == records.size();
    switch (expect) {
      case Expect::kData: {
        FUZZ_CHECK(r.kind == smtp::RecordKind::kData, "no data record after DATA: %s",
                   Describe(r).c_str());
        const DataVerdict v = ComputeDataVerdict(body.substr(r.offset), options, data_line_crlf);
        FUZZ_CHECK(r.length == v.length, "DATA content length %llu, expected %llu (%s)",
                   static_cast<unsigned long long>(r.length),
                   static_cast<unsigned long long>(v.length), Escape(bytes).c_str());
        if (!v.terminated) {
          FUZZ_CHECK(
              last && r.error.code == smtp::ErrorCode::kIncomplete && r.error.offset == body.size(),
              "unterminated DATA content is not incomplete: %s", Describe(r).c_str());
        } else {
          // Only CRLF . CRLF ends DATA: the CRLF before the dot is the DATA
          // line's own (then it must have been a CRLF) or the content's.
          FUZZ_CHECK(
              r.length >= 3 && bytes.substr(bytes.size() - 3) == ".\r\n" &&
                  (r.length == 3 ? data_line_crlf
                                 : r.length >= 5 && bytes.substr(bytes.size() - 5, 2) == "\r\n"),
              "DATA ended without CRLF.CRLF: %s", Escape(bytes).c_str());
          FUZZ_CHECK(r.data_bytes == v.bytes, "DATA bytes %llu, expected %llu",
                     static_cast<unsigned long long>(r.data_bytes),
                     static_cast<unsigned long long>(v.bytes));
          FUZZ_CHECK(
              r.error.code == v.error &&
                  (v.error == smtp::ErrorCode::kOk || r.error.offset == r.offset + v.error_offset),
              "DATA verdict %s, expected %s@%llu on '%s'", ErrorString(r.error).c_str(),
              std::string(smtp::ErrorName(v.error)).c_str(),
              static_cast<unsigned long long>(r.offset + v.error_offset), Escape(bytes).c_str());
          FUZZ_CHECK(!r.error.ok() || r.deviations == v.deviations, "DATA deviations %u vs %u",
                     r.deviations, v.deviations);
        }
        expect = Expect::kCommand;
        continue;
      }
      case Expect::kBdat: {
        FUZZ_CHECK(r.kind == smtp::RecordKind::kData, "no data record after BDAT");
        const std::uint64_t rest = body.size() - r.offset;
        if (bdat_size <= rest) {
          FUZZ_CHECK(r.length == bdat_size && r.ok() && r.data_bytes == bdat_size, "BDAT %llu: %s",
                     static_cast<unsigned long long>(bdat_size), Describe(r).c_str());
        } else {
          FUZZ_CHECK(last && r.length == rest && r.error.code == smtp::ErrorCode::kIncomplete,
                     "short BDAT chunk: %s", Describe(r).c_str());
        }
        expect = Expect::kCommand;
        continue;
      }
      case Expect::kTls: {
        FUZZ_CHECK(r.kind == smtp::RecordKind::kTls && last, "after STARTTLS: %s",
                   Describe(r).c_str());
        FUZZ_CHECK(r.offset + r.length == body.size(), "tls record does not take the rest");
        const bool good = bytes.empty() || bytes[0] == '\x16';
        FUZZ_CHECK(r.ok() == good && (good || r.error.code == smtp::ErrorCode::kStarttlsInjection),
                   "tls record verdict: %s", Describe(r).c_str());
        continue;
      }
      case Expect::kCommand:
        break;
    }
    if (r.kind == smtp::RecordKind::kAuthResponse) {
      FUZZ_CHECK(auth_left > 0, "unexpected auth_response record: %s", Describe(r).c_str());
      --auth_left;
      if (r.ok()) {
        FUZZ_CHECK(r.length <= options.max_auth_line, "SASL line over the limit");
        FUZZ_CHECK(smtp::CheckSaslResponse(r.auth_response).ok(), "accepted bad SASL response");
        if (r.auth_response == "*") auth_left = 0;
      } else {
        auth_left = 0;
      }
      continue;
    }
    FUZZ_CHECK(r.kind == smtp::RecordKind::kCommand, "unexpected record: %s", Describe(r).c_str());
    FUZZ_CHECK(auth_left == 0 || (last && r.error.code == smtp::ErrorCode::kIncomplete),
               "a command where a SASL response was due: %s", Describe(r).c_str());
    auth_left = 0;
    // The same bytes through the one-line parser.
    const smtp::CommandResult one = smtp::ParseCommand(bytes, options);
    smtp::Error shifted = one.error;
    if (!shifted.ok()) shifted.offset += r.offset;
    FUZZ_CHECK(shifted == r.error, "stream says %s, ParseCommand %s on '%s'",
               ErrorString(r.error).c_str(), ErrorString(shifted).c_str(), Escape(bytes).c_str());
    // Error records list the deviations used before the error, as ParseCommand
    // does (not for an over-long line, which the stream never hands over whole).
    FUZZ_CHECK(r.error.code == smtp::ErrorCode::kLineTooLong ||
                   r.error.code == smtp::ErrorCode::kIncomplete ||
                   one.deviations.bits() == r.deviations,
               "stream deviations %u, ParseCommand %u on '%s'", r.deviations, one.deviations.bits(),
               Escape(bytes).c_str());
    if (!r.ok()) continue;
    OwnedRecord expected = r;
    CopyCommand(one.command, &expected);
    FUZZ_CHECK(expected == r && one.deviations.bits() == r.deviations,
               "stream fields differ from ParseCommand on '%s'", Escape(bytes).c_str());
    // Bounded memory: an accepted line fits its limit, so do its views.
    FUZZ_CHECK(r.length <= max_line, "accepted line of %llu octets",
               static_cast<unsigned long long>(r.length));
    FUZZ_CHECK(r.length <= smtp::CommandLineLimit(bytes, options), "accepted line over its limit");
    FUZZ_CHECK(r.length <= options.max_command_line || smtp::IsAuthLine(bytes) ||
                   r.length <= options.max_command_line + smtp::MailRcptAllowance(bytes, options),
               "a line over max_command_line without the allowance of its parameters");
    switch (r.verb) {
      case smtp::Verb::kData:
        expect = Expect::kData;
        data_line_crlf = r.length >= 2 && bytes[bytes.size() - 2] == '\r';
        break;
      case smtp::Verb::kBdat:
        expect = Expect::kBdat;
        bdat_size = r.bdat_size;
        break;
      case smtp::Verb::kStartTls:
        expect = Expect::kTls;
        break;
      case smtp::Verb::kAuth:
        auth_left = smtp::SaslResponseCount(CommandView(r));
        break;
      default:
        break;
    }
    if (last) {
      // A stream that ends right after DATA/BDAT/STARTTLS still owes a record
      // only for STARTTLS (the tls record, even when empty) and BDAT 0.
      FUZZ_CHECK(expect != Expect::kTls, "no tls record at the end after STARTTLS");
      FUZZ_CHECK(!(expect == Expect::kBdat && bdat_size == 0), "no record for BDAT 0");
    }
  }
}

// The full command-stream property set on a fuzz input.
inline void CheckCommandStream(const std::uint8_t* data, std::size_t size) {
  if (size < kHeaderSize) return;
  const StreamSetup setup = DecodeSetup(data);
  const std::string_view body(reinterpret_cast<const char*>(data) + kHeaderSize,
                              size - kHeaderSize);
  smtp::CommandStream whole_stream(setup.options);
  const std::vector<OwnedRecord> whole = RunStream(whole_stream, {body});
  CheckTiling(whole, body.size());
  smtp::CommandStream chunked_stream(setup.options);
  const std::vector<OwnedRecord> chunked =
      RunStream(chunked_stream, Chunks(body, setup.seed, setup.shape));
  CheckSameRecords(whole, chunked, "chunked vs whole");
  // The stream is reset by Finish: reusing it gives the same records.
  const std::vector<OwnedRecord> again = RunStream(whole_stream, {body});
  CheckSameRecords(whole, again, "reuse after Finish");
  CheckCommandRecords(whole, body, setup.options);
}

inline void CheckReplyRecords(const std::vector<OwnedRecord>& records, std::string_view body,
                              const smtp::Options& options, bool ehlo_mode) {
  for (const OwnedRecord& r : records) {
    FUZZ_CHECK(r.kind == smtp::RecordKind::kReply, "not a reply record");
    const std::string_view bytes = body.substr(r.offset, r.length);
    const smtp::ReplyResult one = smtp::ParseReply(bytes, options);
    smtp::Error expected_error = one.error;
    smtp::Deviations expected_devs = one.deviations;
    const bool ehlo = ehlo_mode && one.ok() && one.reply.code == 250;
    smtp::EhloResult e;
    // A 250 reply that fails on a later line reports an earlier EHLO grammar
    // error first, as ParseEhloReply does.
    if (ehlo || (ehlo_mode && !one.ok() && bytes.substr(0, 3) == "250")) {
      e = smtp::ParseEhloReply(bytes, options);
      expected_error = e.error;
      if (ehlo) expected_devs = e.deviations;
    }
    if (!expected_error.ok()) expected_error.offset += r.offset;
    FUZZ_CHECK(expected_error == r.error, "reply stream %s, one-shot parse %s on '%s'",
               ErrorString(r.error).c_str(), ErrorString(expected_error).c_str(),
               Escape(bytes).c_str());
    if (!r.ok()) continue;
    FUZZ_CHECK(r.deviations == expected_devs.bits(), "deviations differ on '%s'",
               Escape(bytes).c_str());
    FUZZ_CHECK(r.is_ehlo == ehlo, "is_ehlo %d in mode %d", r.is_ehlo, ehlo_mode);
    OwnedRecord expected = r;
    CopyReply(one.reply, &expected);
    if (ehlo) {
      expected.domain = std::string(e.ehlo.domain);
      expected.greeting = std::string(e.ehlo.greeting);
      expected.capabilities = CopyCapabilities(e.ehlo.capabilities);
    }
    FUZZ_CHECK(expected == r, "reply stream fields differ from the one-shot parse on '%s'",
               Escape(bytes).c_str());
    FUZZ_CHECK(r.lines.size() <= options.max_reply_lines &&
                   r.length <= r.lines.size() * options.max_reply_line,
               "accepted reply over its limits");
  }
}

inline void CheckReplyStream(const std::uint8_t* data, std::size_t size) {
  if (size < kHeaderSize) return;
  const StreamSetup setup = DecodeSetup(data);
  const smtp::ReplyMode mode = setup.ehlo_mode ? smtp::ReplyMode::kEhlo : smtp::ReplyMode::kReplies;
  const std::string_view body(reinterpret_cast<const char*>(data) + kHeaderSize,
                              size - kHeaderSize);
  smtp::ReplyStream whole_stream(setup.options, mode);
  const std::vector<OwnedRecord> whole = RunStream(whole_stream, {body});
  CheckTiling(whole, body.size());
  smtp::ReplyStream chunked_stream(setup.options, mode);
  const std::vector<OwnedRecord> chunked =
      RunStream(chunked_stream, Chunks(body, setup.seed, setup.shape));
  CheckSameRecords(whole, chunked, "chunked vs whole");
  CheckReplyRecords(whole, body, setup.options, setup.ehlo_mode);
}

}  // namespace smtp_fuzz

#endif  // SMTP_FUZZ_STREAM_CHECKS_H_
