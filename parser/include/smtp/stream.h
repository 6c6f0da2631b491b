// smtp/stream.h: incremental parsers for the command stream (client to
// server, SPEC section 2) and the reply stream (server to client, section 3).
//
// Feed chunks of any size; each record is handed to the sink once complete.
// Records tile the input: every byte belongs to exactly one record, in order,
// and neither the records nor their errors depend on how the input was split.
//
//   smtp::CommandStream stream(options);
//   stream.Feed(chunk, [&](const smtp::Record& r) { ... });
//   stream.Finish([&](const smtp::Record& r) { ... });  // at end of input
//
// Lifetime: string_views inside a Record point into the chunk passed to the
// current Feed() call or into the stream's own buffer; they are valid only
// during the sink call. Copy what you keep.
//
// Memory: a stream keeps at most one line (command streams) or one reply
// (reply streams) of bounded size; DATA and BDAT content streams through
// without being kept. In steady state no call allocates.
#ifndef SMTP_STREAM_H_
#define SMTP_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "smtp/command.h"
#include "smtp/ehlo.h"
#include "smtp/error.h"
#include "smtp/line.h"
#include "smtp/options.h"
#include "smtp/reply.h"

namespace smtp {

enum class RecordKind : std::uint8_t { kCommand = 0, kData, kAuthResponse, kTls, kReply };

// "command", "data", "auth_response", "tls", "reply"; "unknown" for a value
// outside the enum.
[[nodiscard]] std::string_view RecordKindName(RecordKind kind) noexcept;

struct Record {
  RecordKind kind = RecordKind::kCommand;
  std::uint64_t offset = 0;  // absolute offset of the first byte
  std::uint64_t length = 0;  // bytes, terminators included
  Error error;               // absolute offset
  Deviations deviations;

  // kCommand, when ok.
  Command command;
  // kData: content octets after un-stuffing, through the CRLF before the
  // final dot (DATA), or the chunk size (BDAT). Counted also on error.
  std::uint64_t data_bytes = 0;
  // kAuthResponse: the line without its terminator.
  std::string_view auth_response;
  // kReply, when ok.
  Reply reply;
  // kReply in ehlo mode for a 250 reply, when ok.
  bool is_ehlo = false;
  EhloReply ehlo;

  [[nodiscard]] bool ok() const noexcept { return error.ok(); }
};

using RecordSink = absl::FunctionRef<void(const Record&)>;

// Who decides what the octets after DATA, BDAT, AUTH (and each SASL
// response) and STARTTLS mean. kAssumeAccepted: the stream assumes the server
// accepted (SPEC section 2, the one-way stream). kCallerDecides: the stream
// stops after such a record until the caller, who saw the server's reply,
// calls one of the Decide methods (the session, SPEC section 5).
enum class Transitions : std::uint8_t { kAssumeAccepted = 0, kCallerDecides = 1 };

// The reply a kCallerDecides stream waits for (kNone: it waits for nothing).
enum class Awaiting : std::uint8_t { kNone = 0, kData, kBdat, kAuth, kStartTls };

class CommandStream {
 public:
  explicit CommandStream(const Options& options,
                         Transitions transitions = Transitions::kAssumeAccepted);

  // Parses `chunk`, calling `sink` for each record completed inside it.
  // kAssumeAccepted only.
  void Feed(std::string_view chunk, RecordSink sink);

  // Parses `chunk` up to the end of the first record completed inside it, or
  // up to the point where a decision is awaited, or to its end; returns the
  // octets consumed (0 while awaiting()). Offsets continue from the octets
  // consumed before, so the caller feeds the rest again later.
  [[nodiscard]] std::size_t FeedRecord(std::string_view chunk, RecordSink sink);

  // kCallerDecides: the reply the stream waits for before it reads on.
  [[nodiscard]] Awaiting awaiting() const noexcept { return awaiting_; }
  // True while octets are read as lines (commands or SASL responses), not as
  // DATA/BDAT content or TLS.
  [[nodiscard]] bool reading_lines() const noexcept {
    return state_ == State::kCommand || state_ == State::kAuth;
  }
  // The decisions, each ending awaiting(). RFC 5321 section 4.1.1.4: 354 to
  // DATA, content follows; RFC 3030: the BDAT chunk follows (may emit the
  // empty chunk's record at once). RFC 4954 section 4: a 334 asks for one
  // SASL response line. RFC 3207: 220 to STARTTLS, the rest is TLS.
  // Refuse: the server refused or ended the exchange; commands follow.
  void AcceptContent(RecordSink sink);
  void ExpectSaslResponse();
  void AcceptStartTls();
  void Refuse();
  // What the one-way stream assumes (section 2), for octets no reply decides.
  void DecideAsOneWay(RecordSink sink);
  // End of input: reports the unfinished record, if any, as kIncomplete, and
  // after STARTTLS the tls record. The stream is then reset.
  void Finish(RecordSink sink);

  [[nodiscard]] std::uint64_t offset() const noexcept { return offset_; }

 private:
  enum class State : std::uint8_t { kCommand, kAuth, kData, kBdat, kTls };
  // Where DATA content stands: at a line start (after CRLF), after a dot
  // there, after ".<CR>" there, inside a line, or after a CR inside a line.
  enum class DataPhase : std::uint8_t { kLineStart, kDot, kDotCr, kMid, kCr };

  void HandleLine(const LineFramer::Event& event, RecordSink sink);
  void HandleOverlong(const LineFramer::Event& event, RecordSink sink);
  std::size_t ScanData(std::string_view chunk, std::size_t pos, RecordSink sink);
  std::size_t ScanBdat(std::string_view chunk, std::size_t pos, RecordSink sink);
  void CountDataOctets(std::uint64_t count, std::uint64_t first_at);
  void DataFault(ErrorCode code, std::uint64_t at);
  void EnterState(State state, std::uint64_t content_start);
  void EmitContent(std::uint64_t end, RecordSink sink);
  void Reset();
  std::size_t FeedImpl(std::string_view chunk, RecordSink sink, bool one_record);
  // A one-way stream decides what the command or response just read leaves
  // open (awaiting()) at once, as section 2 assumes; a caller-decides stream
  // leaves it to the caller.
  void DecideIfOneWay(std::uint64_t end, RecordSink sink);

  Options options_;
  Transitions transitions_;
  Awaiting awaiting_ = Awaiting::kNone;
  bool awaiting_data_mid_ = false;  // the DATA line ended in a bare LF (lenient)
  int oneway_auth_left_ = 0;        // SASL responses the one-way stream would expect
  LineFramer framer_;
  State state_ = State::kCommand;
  std::uint64_t offset_ = 0;        // absolute offset of the next byte to read
  std::uint64_t chunk_offset_ = 0;  // absolute offset of the current chunk

  // DATA / BDAT / TLS content in progress.
  DataPhase phase_ = DataPhase::kLineStart;
  std::uint64_t content_start_ = 0;
  std::uint64_t content_bytes_ = 0;  // un-stuffed count, or BDAT octets seen
  std::uint64_t bdat_left_ = 0;
  std::uint64_t data_line_length_ = 0;  // octets since the last LF
  Error content_error_;
  Deviations content_deviations_;
  bool tls_first_seen_ = false;
  unsigned char tls_first_octet_ = 0;
};

// In kEhlo mode every 250 reply is also read as an EHLO reply.
enum class ReplyMode : std::uint8_t { kReplies = 0, kEhlo = 1 };

class ReplyStream {
 public:
  ReplyStream(const Options& options, ReplyMode mode);
  ReplyStream(const ReplyStream&) = delete;
  ReplyStream& operator=(const ReplyStream&) = delete;

  void Feed(std::string_view chunk, RecordSink sink);
  void Finish(RecordSink sink);

  // Parses `chunk` up to the end of the first reply record completed inside
  // it, or to its end; returns the octets consumed. The session reads one
  // reply at a time, so that it can set the mode of the next.
  [[nodiscard]] std::size_t FeedReply(std::string_view chunk, RecordSink sink);
  // The mode for replies not yet begun (the session reads the reply to EHLO,
  // and only it, as an EHLO reply).
  void set_mode(ReplyMode mode) noexcept { mode_ = mode; }
  // True when octets of an unfinished reply have been consumed.
  [[nodiscard]] bool in_reply() const noexcept { return in_reply_ || framer_.in_line(); }

  [[nodiscard]] std::uint64_t offset() const noexcept { return offset_; }

 private:
  std::size_t FeedImpl(std::string_view chunk, RecordSink sink, bool one_reply);
  void Complete(std::string_view raw, RecordSink sink);
  void Fail(std::uint64_t end, Error error, Deviations deviations, RecordSink sink);
  // The error to report (an EHLO error in the lines before comes first)
  // and, in *deviations, those used before it.
  [[nodiscard]] Error EarliestError(Error error, Deviations* deviations) const;
  void EndReply();

  Options options_;
  ReplyMode mode_;
  LineFramer framer_;
  ReplyAssembler assembler_;  // points at options_: the stream is not copyable
  EhloLineChecker ehlo_;      // ehlo mode, a 250 reply: its lines so far
  std::uint64_t offset_ = 0;
  std::uint64_t reply_start_ = 0;
  bool in_reply_ = false;
  // Whether the current reply's complete lines are in buffer_ (it began in
  // an earlier chunk) or still in the caller's chunk (the zero-copy case).
  bool buffered_ = false;
  std::string buffer_;
};

}  // namespace smtp

#endif  // SMTP_STREAM_H_
