#include "smtp/stream.h"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "lexer.h"

namespace smtp {
namespace {

// The longest legal command line of any kind (AUTH, MAIL/RCPT with every
// extension allowance): the framer buffers no more of a line.
std::size_t CommandFramerLimit(const Options& options) {
  return MaxCommandLineLimit(options);
}

// Octets that end the fast scan of a DATA line: line ends and NUL.
bool IsDataSpecial(unsigned char c) {
  return c == '\r' || c == '\n' || c == '\0';
}

// The index of the first IsDataSpecial octet in [p + from, p + n), or n:
// 16 octets at a time with SSE2, then one at a time.
std::size_t FindDataSpecial(const char* p, std::size_t from, std::size_t n) {
  std::size_t i = from;
#if defined(__SSE2__)
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i nul = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)),
                                         _mm_cmpeq_epi8(v, nul));
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < n && !IsDataSpecial(static_cast<unsigned char>(p[i])))
    ++i;
  return i;
}

}  // namespace

std::string_view RecordKindName(RecordKind kind) noexcept {
  switch (kind) {
    case RecordKind::kCommand:
      return "command";
    case RecordKind::kData:
      return "data";
    case RecordKind::kAuthResponse:
      return "auth_response";
    case RecordKind::kTls:
      return "tls";
    case RecordKind::kReply:
      return "reply";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------
// CommandStream

CommandStream::CommandStream(const Options& options, Transitions transitions)
    : options_(options), transitions_(transitions), framer_(CommandFramerLimit(options)) {}

void CommandStream::Reset() {
  framer_.Reset();
  framer_.set_max_line(CommandFramerLimit(options_));
  state_ = State::kCommand;
  awaiting_ = Awaiting::kNone;
  oneway_auth_left_ = 0;
  offset_ = 0;
  content_error_ = Error{};
  content_deviations_ = Deviations{};
}

void CommandStream::Feed(std::string_view chunk, RecordSink sink) {
  (void)FeedImpl(chunk, sink, false);
}

std::size_t CommandStream::FeedRecord(std::string_view chunk, RecordSink sink) {
  return FeedImpl(chunk, sink, true);
}

std::size_t CommandStream::FeedImpl(std::string_view chunk, RecordSink outer, bool one_record) {
  chunk_offset_ = offset_;
  std::size_t pos = 0;
  bool emitted = false;
  const auto counting = [&](const Record& record) {
    emitted = true;
    outer(record);
  };
  const RecordSink sink = one_record ? RecordSink(counting) : outer;
  while (pos < chunk.size() && !(one_record && (emitted || awaiting_ != Awaiting::kNone))) {
    switch (state_) {
      case State::kCommand:
      case State::kAuth: {
        const LineFramer::Event event = framer_.Next(chunk, chunk_offset_, &pos);
        if (event.kind == LineFramer::Kind::kLine) {
          HandleLine(event, sink);
        } else if (event.kind == LineFramer::Kind::kOverlong) {
          HandleOverlong(event, sink);
        }
        break;
      }
      case State::kData:
        pos = ScanData(chunk, pos, sink);
        break;
      case State::kBdat:
        pos = ScanBdat(chunk, pos, sink);
        break;
      case State::kTls:
        if (!tls_first_seen_) {
          tls_first_seen_ = true;
          tls_first_octet_ = static_cast<unsigned char>(chunk[pos]);
        }
        pos = chunk.size();
        break;
    }
  }
  offset_ = chunk_offset_ + pos;
  return pos;
}

void CommandStream::AcceptContent(RecordSink sink) {
  const Awaiting what = awaiting_;
  awaiting_ = Awaiting::kNone;
  if (what == Awaiting::kData) {
    EnterState(State::kData, offset_);
    if (awaiting_data_mid_) phase_ = DataPhase::kMid;
  } else if (what == Awaiting::kBdat) {
    const std::uint64_t size = bdat_left_;
    EnterState(State::kBdat, offset_);
    bdat_left_ = size;
    if (bdat_left_ == 0) EmitContent(offset_, sink);
  }
}

void CommandStream::ExpectSaslResponse() {
  awaiting_ = Awaiting::kNone;
  EnterState(State::kAuth, offset_);
}

void CommandStream::AcceptStartTls() {
  awaiting_ = Awaiting::kNone;
  EnterState(State::kTls, offset_);
}

void CommandStream::Refuse() {
  awaiting_ = Awaiting::kNone;
  EnterState(State::kCommand, offset_);
}

void CommandStream::DecideAsOneWay(RecordSink sink) {
  switch (awaiting_) {
    case Awaiting::kNone:
      break;
    case Awaiting::kData:
    case Awaiting::kBdat:
      AcceptContent(sink);
      break;
    case Awaiting::kAuth:
      if (oneway_auth_left_ > 0) {
        ExpectSaslResponse();
      } else {
        Refuse();
      }
      break;
    case Awaiting::kStartTls:
      AcceptStartTls();
      break;
  }
}

void CommandStream::EnterState(State state, std::uint64_t content_start) {
  state_ = state;
  content_start_ = content_start;
  content_bytes_ = 0;
  content_error_ = Error{};
  content_deviations_ = Deviations{};
  data_line_length_ = 0;
  phase_ = DataPhase::kLineStart;
  tls_first_seen_ = false;
  framer_.set_max_line(state == State::kAuth ? options_.max_auth_line
                                             : CommandFramerLimit(options_));
}

void CommandStream::HandleLine(const LineFramer::Event& event, RecordSink sink) {
  Record record;
  record.offset = event.start;
  record.length = event.length;
  const std::uint64_t end = event.start + event.length;

  if (state_ == State::kAuth) {
    record.kind = RecordKind::kAuthResponse;
    CheckedLine checked = CheckLine(event, options_.max_auth_line, options_);
    // Deviations before any error in the response (a bare LF line end);
    // trailing white space lies after it.
    const Deviations before = checked.deviations;
    if (checked.ok() && options_.lenient()) {
      const std::size_t size = checked.content.size();
      checked.content = internal::StripTrailingSpace(checked.content);
      if (checked.content.size() < size) checked.deviations.Add(Deviation::kTrailingSpace);
    }
    Error error = checked.error;
    if (error.ok()) error = CheckSaslResponse(checked.content);
    if (!error.ok()) {
      record.error = Error{error.code, event.start + error.offset};
      record.deviations = before;
    } else {
      record.deviations = checked.deviations;
      record.auth_response = checked.content;
    }
    // Each response waits for the server's next 334 or its final reply; a
    // one-way stream expects the usual count, none after a cancel or a bad
    // response (the server ends the exchange with 501, RFC 4954).
    oneway_auth_left_ = !error.ok() || checked.content == "*" ? 0 : oneway_auth_left_ - 1;
    EnterState(State::kCommand, end);
    awaiting_ = Awaiting::kAuth;
    sink(record);
    DecideIfOneWay(end, sink);
    return;
  }

  record.kind = RecordKind::kCommand;
  // The same one-line parse the public API offers: framing, octets, grammar.
  const CommandResult result = ParseCheckedCommand(
      CheckLine(event, CommandLineLimit(event.line, options_), options_), options_);
  if (!result.ok()) {
    record.error = Error{result.error.code, event.start + result.error.offset};
    record.deviations = result.deviations;
    sink(record);
    return;
  }
  record.command = result.command;
  record.deviations = result.deviations;
  sink(record);

  // What the command leaves open is decided by the server's reply (the
  // session) or, in a one-way stream, as section 2 assumes: accepted.
  switch (result.command.verb) {
    case Verb::kData:
      awaiting_ = Awaiting::kData;
      // After "DATA<LF>" (lenient) the content does not start at a line
      // start: "LF . CRLF" must not end the message.
      awaiting_data_mid_ = result.deviations.Has(Deviation::kBareLf);
      break;
    case Verb::kBdat:
      awaiting_ = Awaiting::kBdat;
      bdat_left_ = result.command.bdat_size;
      break;
    case Verb::kAuth:
      awaiting_ = Awaiting::kAuth;
      oneway_auth_left_ = SaslResponseCount(result.command);
      break;
    case Verb::kStartTls:
      awaiting_ = Awaiting::kStartTls;
      break;
    default:
      break;
  }
  DecideIfOneWay(end, sink);
}

void CommandStream::DecideIfOneWay(std::uint64_t end, RecordSink sink) {
  if (transitions_ != Transitions::kAssumeAccepted) return;
  offset_ = end;  // the decisions start what follows at offset_
  DecideAsOneWay(sink);
}

void CommandStream::HandleOverlong(const LineFramer::Event& event, RecordSink sink) {
  Record record;
  record.offset = event.start;
  record.length = event.length;
  std::size_t limit = options_.max_auth_line;
  if (state_ == State::kAuth) {
    record.kind = RecordKind::kAuthResponse;
    EnterState(State::kCommand, event.start + event.length);
    awaiting_ = Awaiting::kAuth;  // RFC 4954 section 4: the server answers 500
    oneway_auth_left_ = 0;
  } else {
    record.kind = RecordKind::kCommand;
    // event.line holds the line's first MaxCommandLineLimit octets: enough
    // for CommandLineLimit to see every parameter that grants an allowance.
    limit = CommandLineLimit(event.line, options_);
  }
  record.error = Error{ErrorCode::kLineTooLong, event.start + limit};
  sink(record);
  DecideIfOneWay(event.start + event.length, sink);
}

void CommandStream::DataFault(ErrorCode code, std::uint64_t at) {
  if (options_.lenient() && (code == ErrorCode::kBareLf || code == ErrorCode::kBareCr)) {
    content_deviations_.Add(code == ErrorCode::kBareLf ? Deviation::kBareLf : Deviation::kBareCr);
    return;
  }
  // The earliest problem in the content decides the record's error.
  if (content_error_.ok() || at < content_error_.offset) content_error_ = Error{code, at};
}

void CommandStream::CountDataOctets(std::uint64_t count, std::uint64_t first_at) {
  const std::uint64_t limit = options_.max_data_line;
  if (data_line_length_ <= limit && data_line_length_ + count > limit) {
    DataFault(ErrorCode::kLineTooLong, first_at + (limit - data_line_length_));
  }
  data_line_length_ += count;
}

std::size_t CommandStream::ScanData(std::string_view chunk, std::size_t pos, RecordSink sink) {
  const std::size_t n = chunk.size();
  while (pos < n) {
    // The common case first: whole lines of ordinary octets ending in CRLF,
    // from a line start (where data_line_length_ is 0). Anything else, and a
    // line cut by the chunk's end, goes through the state machine below.
    if (phase_ == DataPhase::kLineStart) {
      std::uint64_t bytes = 0;
      while (pos < n && chunk[pos] != '.' &&
             !IsDataSpecial(static_cast<unsigned char>(chunk[pos]))) {
        const std::size_t end = FindDataSpecial(chunk.data(), pos + 1, n);
        if (end + 1 >= n || chunk[end] != '\r' || chunk[end + 1] != '\n') break;
        const std::size_t length = end + 2 - pos;
        if (length > options_.max_data_line) {
          DataFault(ErrorCode::kLineTooLong, chunk_offset_ + pos + options_.max_data_line);
        }
        bytes += length;
        pos = end + 2;
      }
      content_bytes_ += bytes;
      if (pos >= n) break;
    }
    const unsigned char c = static_cast<unsigned char>(chunk[pos]);
    const std::uint64_t at = chunk_offset_ + pos;
    switch (phase_) {
      case DataPhase::kLineStart:
        if (c == '.') {
          // The leading dot is not counted: RFC 5321 section 4.5.3.1.6
          // limits the text line "not counting the leading dot duplicated
          // for transparency". A lone ".CRLF" ends the content anyway.
          phase_ = DataPhase::kDot;
          ++pos;
          continue;
        }
        break;
      case DataPhase::kDot:
        if (c == '\r') {
          CountDataOctets(1, at);
          phase_ = DataPhase::kDotCr;
          ++pos;
          continue;
        }
        break;  // the dot was stuffing: dropped; c is ordinary content
      case DataPhase::kDotCr:
        if (c == '\n') {
          ++pos;
          EmitContent(chunk_offset_ + pos, sink);
          return pos;
        }
        // ".<CR>" without LF: the dot was stuffing, the CR is bare.
        DataFault(ErrorCode::kBareCr, at - 1);
        ++content_bytes_;
        break;
      case DataPhase::kCr:
        if (c == '\n') {
          CountDataOctets(1, at);
          content_bytes_ += 2;
          data_line_length_ = 0;
          phase_ = DataPhase::kLineStart;
          ++pos;
          continue;
        }
        DataFault(ErrorCode::kBareCr, at - 1);
        ++content_bytes_;
        break;
      case DataPhase::kMid:
        break;
    }
    phase_ = DataPhase::kMid;
    if (IsDataSpecial(c)) {
      CountDataOctets(1, at);
      if (c == '\r') {
        phase_ = DataPhase::kCr;
      } else if (c == '\n') {
        DataFault(ErrorCode::kBareLf, at);
        ++content_bytes_;
        data_line_length_ = 0;
      } else {
        DataFault(ErrorCode::kBadChar, at);
        ++content_bytes_;
      }
      ++pos;
      continue;
    }
    // The common case: a run of ordinary octets, usually ending in CRLF.
    const std::size_t end = FindDataSpecial(chunk.data(), pos + 1, n);
    if (end + 1 < n && chunk[end] == '\r' && chunk[end + 1] == '\n') {
      // The run, CR and LF at once: as the kMid and kCr steps would count them.
      CountDataOctets(end + 2 - pos, at);
      content_bytes_ += end + 2 - pos;
      data_line_length_ = 0;
      phase_ = DataPhase::kLineStart;
      pos = end + 2;
      continue;
    }
    CountDataOctets(end - pos, at);
    content_bytes_ += end - pos;
    pos = end;
  }
  return pos;
}

std::size_t CommandStream::ScanBdat(std::string_view chunk, std::size_t pos, RecordSink sink) {
  const std::uint64_t available = chunk.size() - pos;
  const std::uint64_t take = std::min(bdat_left_, available);
  bdat_left_ -= take;
  content_bytes_ += take;
  pos += static_cast<std::size_t>(take);
  if (bdat_left_ == 0) EmitContent(chunk_offset_ + pos, sink);
  return pos;
}

void CommandStream::EmitContent(std::uint64_t end, RecordSink sink) {
  Record record;
  record.kind = RecordKind::kData;
  record.offset = content_start_;
  record.length = end - content_start_;
  record.data_bytes = content_bytes_;
  record.error = content_error_;
  record.deviations = content_deviations_;
  EnterState(State::kCommand, end);
  sink(record);
}

void CommandStream::Finish(RecordSink sink) {
  Record record;
  record.error = Error{ErrorCode::kIncomplete, offset_};
  switch (state_) {
    case State::kCommand:
    case State::kAuth:
      if (framer_.in_line()) {
        record.kind = state_ == State::kAuth ? RecordKind::kAuthResponse : RecordKind::kCommand;
        record.offset = framer_.line_start();
        record.length = framer_.partial_length();
        sink(record);
      }
      break;
    case State::kData:
    case State::kBdat:
      record.kind = RecordKind::kData;
      record.offset = content_start_;
      record.length = offset_ - content_start_;
      record.data_bytes = content_bytes_;
      record.deviations = content_deviations_;
      sink(record);
      break;
    case State::kTls:
      record.kind = RecordKind::kTls;
      record.offset = content_start_;
      record.length = offset_ - content_start_;
      record.error = Error{};
      if (record.length > 0 && tls_first_octet_ != 0x16) {
        record.error = Error{ErrorCode::kStarttlsInjection, content_start_};
      }
      sink(record);
      break;
  }
  Reset();
}

// ---------------------------------------------------------------------------
// ReplyStream

ReplyStream::ReplyStream(const Options& options, ReplyMode mode)
    : options_(options),
      mode_(mode),
      framer_(options.max_reply_line),
      assembler_(options_),
      ehlo_(options_) {}

void ReplyStream::EndReply() {
  in_reply_ = false;
  buffered_ = false;
  buffer_.clear();
  assembler_.Reset();
  ehlo_.Reset();
}

void ReplyStream::Fail(std::uint64_t end, Error error, Deviations deviations, RecordSink sink) {
  Record record;
  record.kind = RecordKind::kReply;
  record.offset = reply_start_;
  record.length = end - reply_start_;
  record.error = error;
  record.deviations = deviations;
  EndReply();
  sink(record);
}

void ReplyStream::Complete(std::string_view raw, RecordSink sink) {
  Record record;
  record.kind = RecordKind::kReply;
  record.offset = reply_start_;
  record.length = raw.size();
  record.reply = ReplyFromValidated(raw, assembler_.code(), assembler_.line_count());
  record.deviations = assembler_.deviations();
  if (mode_ == ReplyMode::kEhlo && record.reply.code == 250) {
    // Every line was checked as it was read (FeedImpl).
    const EhloResult ehlo = EhloFromChecker(record.reply, ehlo_);
    if (!ehlo.ok()) {
      record.error = Error{ehlo.error.code, reply_start_ + ehlo.error.offset};
      record.deviations.Add(ehlo.deviations);
      record.reply = Reply{};
    } else {
      record.is_ehlo = true;
      record.ehlo = ehlo.ehlo;
      record.deviations.Add(ehlo.deviations);
    }
  }
  sink(record);
  EndReply();
}

Error ReplyStream::EarliestError(Error error, Deviations* deviations) const {
  // In ehlo mode a 250 reply that fails on a later line may already break
  // the EHLO grammar earlier: the first offending octet is reported.
  *deviations = assembler_.deviations();
  if (mode_ != ReplyMode::kEhlo || assembler_.code() != 250) return error;
  if (ehlo_.ok()) return error;
  deviations->Add(ehlo_.deviations());
  return Error{ehlo_.error().code, reply_start_ + ehlo_.error().offset};
}

void ReplyStream::Feed(std::string_view chunk, RecordSink sink) {
  (void)FeedImpl(chunk, sink, false);
}

std::size_t ReplyStream::FeedReply(std::string_view chunk, RecordSink sink) {
  return FeedImpl(chunk, sink, true);
}

std::size_t ReplyStream::FeedImpl(std::string_view chunk, RecordSink sink, bool one_reply) {
  const std::uint64_t chunk_offset = offset_;
  std::size_t pos = 0;
  std::size_t begin = 0;  // where the current reply starts in `chunk`, when !buffered_
  bool emitted = false;
  while (pos < chunk.size() && !(one_reply && emitted)) {
    const std::size_t line_pos = pos;
    const LineFramer::Event event = framer_.Next(chunk, chunk_offset, &pos);
    if (event.kind == LineFramer::Kind::kNeedMore) break;
    const bool in_chunk = event.start >= chunk_offset;
    if (!in_reply_) {
      in_reply_ = true;
      reply_start_ = event.start;
      begin = line_pos;
      buffered_ = !in_chunk;
    }
    const std::uint64_t end = event.start + event.length;
    if (event.kind == LineFramer::Kind::kOverlong) {
      Deviations deviations;
      const Error error = EarliestError(
          Error{ErrorCode::kLineTooLong, event.start + options_.max_reply_line}, &deviations);
      Fail(end, error, deviations, sink);
      emitted = true;
      continue;
    }
    if (buffered_) buffer_.append(event.line);
    const CheckedLine checked = CheckLine(event, options_.max_reply_line, options_);
    const ReplyAssembler::Step step = assembler_.AddCheckedLine(checked, event.start);
    if (step != ReplyAssembler::Step::kFailed && mode_ == ReplyMode::kEhlo &&
        assembler_.code() == 250) {
      // The EHLO checks of this line now, not in a second pass over the reply.
      ehlo_.AddLine(EhloLineText(checked.content),
                    event.start - reply_start_ + EhloLineTextOffset(checked.content));
    }
    if (step == ReplyAssembler::Step::kFailed) {
      Deviations deviations;
      const Error error = EarliestError(assembler_.error(), &deviations);
      Fail(end, error, deviations, sink);
      emitted = true;
    } else if (step == ReplyAssembler::Step::kDone) {
      Complete(buffered_ ? std::string_view(buffer_) : chunk.substr(begin, pos - begin), sink);
      emitted = true;
    }
  }
  // Keep the complete lines of an unfinished reply: the chunk goes away.
  if (in_reply_ && !buffered_) {
    const std::size_t complete_end =
        framer_.in_line() ? static_cast<std::size_t>(framer_.line_start() - chunk_offset)
                          : chunk.size();
    buffer_.assign(chunk.substr(begin, complete_end - begin));
    buffered_ = true;
  }
  offset_ = chunk_offset + pos;
  return pos;
}

void ReplyStream::Finish(RecordSink sink) {
  if (in_reply_ || framer_.in_line()) {
    if (!in_reply_) reply_start_ = framer_.line_start();
    Fail(offset_, Error{ErrorCode::kIncomplete, offset_}, Deviations{}, sink);
  }
  framer_.Reset();
  EndReply();
  offset_ = 0;
}

}  // namespace smtp
