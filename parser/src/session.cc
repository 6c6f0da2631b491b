#include "smtp/session.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>

#include "lexer.h"

namespace smtp {
namespace {

constexpr std::size_t kMinQueue = 64;
// Above this many unanswered records the prediction is not recomputed after
// a refusal (out_of_sequence may then miss in a huge pipelined burst).
constexpr std::size_t kMaxRepredict = 64;
constexpr std::size_t kCompactAt = 4096;

bool In(std::uint16_t code, std::initializer_list<std::uint16_t> codes) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

// RFC 5321 section 4.3.2 and the extensions' RFCs: the codes a reply to
// `verb` may carry. 421 may answer anything (section 3.8); 500 and 501 any
// command (section 4.3.2's preamble); 530 (RFC 4954 section 6, RFC 3207
// section 4) any command but those that must work before authentication.
bool CommandCodeAllowed(Verb verb, std::uint16_t code) {
  if (code == 421 || code == 500 || code == 501) return true;
  switch (verb) {
    case Verb::kHelo:
    case Verb::kEhlo:
      return In(code, {250, 504, 550, 502});
    case Verb::kMail:
      return In(code, {250, 552, 451, 452, 550, 553, 503, 455, 555, 530});
    case Verb::kRcpt:
      return In(code, {250, 251, 550, 551, 552, 553, 450, 451, 452, 503, 455, 555, 530});
    case Verb::kData:
      return In(code, {354, 503, 554, 530});
    case Verb::kBdat:  // RFC 3030 section 2; 502 where CHUNKING is not known
      return In(code, {250, 552, 554, 451, 452, 450, 550, 503, 502, 530});
    case Verb::kRset:
    case Verb::kNoop:
      return code == 250;
    case Verb::kVrfy:
      return In(code, {250, 251, 252, 550, 551, 553, 502, 504, 530});
    case Verb::kExpn:
      return In(code, {250, 252, 550, 502, 504, 530});
    case Verb::kHelp:
      return In(code, {211, 214, 502, 504, 530});
    case Verb::kQuit:
      return code == 221;
    case Verb::kStartTls:  // RFC 3207 section 4
      return In(code, {220, 454, 502});
    case Verb::kAuth:  // RFC 4954 sections 4 and 6
      return In(code, {235, 334, 432, 454, 502, 503, 504, 534, 535, 538});
    case Verb::kUnknown:
      return true;
  }
  return true;
}

bool IsLastInGroup(Verb verb) {
  // RFC 2920 section 3.1 (TURN is not a command this parser knows), and
  // RFC 4954 / RFC 3207 for AUTH and STARTTLS.
  switch (verb) {
    case Verb::kEhlo:
    case Verb::kData:
    case Verb::kVrfy:
    case Verb::kExpn:
    case Verb::kQuit:
    case Verb::kNoop:
    case Verb::kAuth:
    case Verb::kStartTls:
      return true;
    default:
      return false;
  }
}

using internal::EqualsIgnoreCase;

// The extensions the session's checks ask about, as bits: found once when
// an EHLO reply is accepted, instead of a walk of its lines per command.
enum Extension : std::uint16_t {
  kExtChunking = 1u << 0,
  kExtStartTls = 1u << 1,
  kExtAuth = 1u << 2,
  kExtSize = 1u << 3,
  kExt8BitMime = 1u << 4,
  kExtBinaryMime = 1u << 5,
  kExtSmtpUtf8 = 1u << 6,
  kExtDsn = 1u << 7,
  kExtRequireTls = 1u << 8,
  kExtPipelining = 1u << 9,
};

std::uint16_t ExtensionBits(const EhloReply& ehlo) {
  struct Entry {
    std::string_view keyword;
    Extension bit;
  };
  static constexpr Entry kEntries[] = {
      {"CHUNKING", kExtChunking},
      {"STARTTLS", kExtStartTls},
      {"AUTH", kExtAuth},
      {"SIZE", kExtSize},
      {"8BITMIME", kExt8BitMime},
      {"BINARYMIME", kExtBinaryMime},
      {"SMTPUTF8", kExtSmtpUtf8},
      {"DSN", kExtDsn},
      {"REQUIRETLS", kExtRequireTls},
      {"PIPELINING", kExtPipelining},
  };
  std::uint16_t bits = 0;
  for (const Capability& capability : ehlo.capabilities) {
    for (const Entry& e : kEntries) {
      if (EqualsIgnoreCase(capability.keyword, e.keyword)) bits |= e.bit;
    }
  }
  return bits;
}

// `*rec` made the record of `record` in direction `dir`, with no answer and
// no violation yet: the session's reused records start so.
SessionRecord& Fresh(SessionRecord* rec, Direction dir, const Record& record) {
  rec->dir = dir;
  rec->record = record;
  rec->has_answers = false;
  rec->answers = 0;
  rec->violations = Violations{};
  return *rec;
}

std::string_view Move(std::string_view v, std::uintptr_t shift) {
  if (v.empty()) return {};
  return {reinterpret_cast<const char*>(reinterpret_cast<std::uintptr_t>(v.data()) + shift),
          v.size()};
}

}  // namespace

std::string_view DirectionName(Direction direction) noexcept {
  return direction == Direction::kClient ? "client" : "server";
}

std::string_view ViolationName(Violation violation) noexcept {
  switch (violation) {
    case Violation::kBadGreeting:
      return "bad_greeting";
    case Violation::kEarlyTalker:
      return "early_talker";
    case Violation::kOutOfSequence:
      return "out_of_sequence";
    case Violation::kAcceptedOutOfSequence:
      return "accepted_out_of_sequence";
    case Violation::kNotAdvertised:
      return "not_advertised";
    case Violation::kUnexpectedReplyCode:
      return "unexpected_reply_code";
    case Violation::kReplyWithoutCommand:
      return "reply_without_command";
    case Violation::kUnansweredCommand:
      return "unanswered_command";
    case Violation::kPipeliningNotAdvertised:
      return "pipelining_not_advertised";
    case Violation::kNotLastInGroup:
      return "not_last_in_group";
    case Violation::kStarttlsInjection:
      return "starttls_injection";
    case Violation::kStarttlsResponseInjection:
      return "starttls_response_injection";
    case Violation::kPendingOverflow:
      return "pending_overflow";
  }
  return "unknown";
}

Session::Session(const Options& options, SessionInput input)
    : options_(options),
      input_(input),
      commands_(options, Transitions::kCallerDecides),
      replies_(options, ReplyMode::kReplies),
      queue_cap_(std::max(kMinQueue, options.max_pending / 16)) {}

// ---------------------------------------------------------------------------
// Feeding

void Session::FeedClient(std::string_view chunk, SessionSink sink) {
  if (client_closed_ || chunk.empty()) return;
  creceived_ += chunk.size();
  // Where the client's whole lines end, found once per chunk rather than
  // once per record.
  const std::size_t lf = chunk.rfind('\n');
  if (lf != std::string_view::npos) clines_end_ = creceived_ - chunk.size() + lf + 1;
  // DATA, BDAT and TLS content is counted, never viewed: while it lasts and
  // nothing earlier is pending, it is read from the caller's chunk instead
  // of being copied (what ClientStep would do, client first, as Pump does).
  if (cpos_ == cbuf_.size() && FirstHeldWithViews() == nullptr) {
    cbase_ += cbuf_.size();
    cbuf_.clear();
    cpos_ = 0;
    const auto on_record = [&](const Record& r) { OnClientRecord(r, false, sink); };
    // In content nothing is awaited (decisions follow command lines), so
    // every call consumes at least one octet; the content's end returns the
    // stream to lines, and the rest goes through the buffer below.
    while (!chunk.empty() && !commands_.reading_lines()) {
      const std::size_t consumed = commands_.FeedRecord(chunk, on_record);
      chunk.remove_prefix(consumed);
      cbase_ += consumed;
    }
  }
  cbuf_.append(chunk);
  Pump(sink);
}

const Session::Held* Session::FirstHeldWithViews() const {
  for (const Held& h : held_) {
    const RecordKind kind = h.rec.record.kind;
    if (kind == RecordKind::kCommand || kind == RecordKind::kAuthResponse) return &h;
  }
  return nullptr;
}

void Session::FeedServer(std::string_view chunk, SessionSink sink) {
  if (server_closed_ || chunk.empty()) return;
  // The client records held so far were sent before these server octets.
  ReleaseHeld(false, sink);
  sbuf_.append(chunk);
  in_server_feed_ = true;
  Pump(sink);
  in_server_feed_ = false;
}

void Session::CloseClient(SessionSink sink) {
  if (client_closed_) return;
  client_closed_ = true;
  Pump(sink);
}

void Session::CloseServer(SessionSink sink) {
  if (server_closed_) return;
  server_closed_ = true;
  Pump(sink);
}

void Session::Finish(SessionSink sink) {
  client_closed_ = true;
  server_closed_ = true;
  Pump(sink);
  // Whatever the server still has is an unfinished reply or TLS.
  if (!server_done_) {
    server_done_ = true;
    if (server_tls_) {
      FinishServerTls(sink);
    } else {
      const auto on_reply = [&](const Record& r) { OnReply(r, sink); };
      replies_.Finish(on_reply);
    }
  }
  // No reply can come now: what the client still has is read as the one-way
  // stream would, and every record owed a reply is unanswered.
  ReleaseHeld(true, sink);
  while (!client_done_ && ClientStep(sink)) {
  }
  if (!client_done_) {
    client_done_ = true;
    const auto on_record = [&](const Record& r) { OnClientRecord(r, false, sink); };
    commands_.DecideAsOneWay(on_record);
    commands_.Finish(on_record);
  }
  ReleaseHeld(true, sink);
}

Direction Session::wants() const noexcept {
  if (input_ == SessionInput::kInterleaved) return Direction::kClient;
  Direction need = Direction::kClient;
  if (!greeting_seen_ || (queue_size_ > 0 && !client_in_chunk_) ||
      commands_.awaiting() != Awaiting::kNone) {
    need = Direction::kServer;
  }
  if (need == Direction::kServer && server_closed_) return Direction::kClient;
  if (need == Direction::kClient && client_closed_) return Direction::kServer;
  return need;
}

bool Session::ServerExhausted() const {
  return server_closed_ && spos_ == sbuf_.size() && !replies_.in_reply();
}

void Session::Pump(SessionSink sink) {
  for (;;) {
    // The client first: its unparsed octets arrived before the server's.
    if (ClientStep(sink) || ServerStep(sink)) continue;
    // Nothing moves: octets beyond max_pending are read without waiting.
    if (cbuf_.size() - cpos_ > options_.max_pending && !client_done_) {
      forced_ = true;
      const bool moved = ClientStep(sink);
      forced_ = false;
      if (moved) continue;
    }
    if (sbuf_.size() - spos_ > options_.max_pending && !server_done_) {
      server_forced_ = true;
      const bool moved = ServerStep(sink);
      server_forced_ = false;
      if (moved) continue;
    }
    break;
  }
  if (!held_.empty() && cbase_ + cpos_ - held_.front().rec.record.offset > options_.max_pending) {
    ReleaseHeld(false, sink);
  }
  Compact();
}

void Session::Compact() {
  // Held records with views keep their octets (whole lines, fed whole, so
  // never before cbase_); data and tls records have no views.
  std::uint64_t keep_from = cbase_ + cpos_;
  if (const Held* h = FirstHeldWithViews(); h != nullptr) {
    keep_from = std::max(cbase_, std::min(keep_from, h->rec.record.offset));
  }
  const std::size_t drop = static_cast<std::size_t>(keep_from - cbase_);
  if (drop > 0 && (drop == cbuf_.size() || (drop >= kCompactAt && drop * 2 >= cbuf_.size()))) {
    cbuf_.erase(0, drop);
    cbase_ += drop;
    cpos_ -= drop;
  }
  if (spos_ > 0 && (spos_ == sbuf_.size() || (spos_ >= kCompactAt && spos_ * 2 >= sbuf_.size()))) {
    sbuf_.erase(0, spos_);
    spos_ = 0;
  }
}

// ---------------------------------------------------------------------------
// Client

bool Session::ClientStep(SessionSink sink) {
  if (client_done_) return false;
  const bool no_reply_coming = ServerExhausted() && !server_tls_;
  if (commands_.awaiting() != Awaiting::kNone) {
    if (!forced_ && !no_reply_coming) return false;
    // No reply will decide (or too much waits): what section 2 assumes.
    const auto on_record = [&](const Record& r) { OnClientRecord(r, forced_, sink); };
    commands_.DecideAsOneWay(on_record);
    if (decide_after_feed_) DecideAfterFeed(forced_, sink);
  }
  if (cpos_ == cbuf_.size()) return false;
  const bool lines = commands_.reading_lines();
  if (lines && input_ == SessionInput::kTwoStreams && !forced_ && !no_reply_coming) {
    // Two streams: a command, then its reply (the state its order is checked
    // against, and the extensions it may use, are then known).
    if (!greeting_seen_ || queue_size_ > 0) return false;
  }
  std::size_t end = cbuf_.size();
  if (lines && !client_closed_) {
    // Only whole lines, so that the records' views point into cbuf_ (and can
    // be held). A line longer than any limit is fed as it comes: the framer
    // reports it over-long without keeping it.
    const std::size_t limit = MaxCommandLineLimit(options_);  // what the framer buffers
    if (clines_end_ > cbase_ + cpos_) {
      const auto lines_end = static_cast<std::size_t>(clines_end_ - cbase_);
      if (cbuf_.size() - lines_end <= limit) end = lines_end;
    } else if (cbuf_.size() - cpos_ <= limit) {
      return false;
    }
  }
  const auto on_record = [&](const Record& r) { OnClientRecord(r, forced_, sink); };
  const std::size_t consumed =
      commands_.FeedRecord(std::string_view(cbuf_.data() + cpos_, end - cpos_), on_record);
  cpos_ += consumed;
  if (decide_after_feed_) DecideAfterFeed(forced_, sink);
  return consumed > 0;
}

void Session::OnClientRecord(const Record& record, bool forced, SessionSink sink) {
  // Reused, not built from zero per record (a client record is never made
  // while another is: nothing here feeds the command stream).
  SessionRecord& rec = Fresh(&client_rec_, Direction::kClient, record);
  if (forced) rec.violations.Add(Violation::kPendingOverflow);
  bool expects_reply = false;
  Pending p;
  p.offset = record.offset;
  p.kind = record.kind;

  switch (record.kind) {
    case RecordKind::kCommand:
      expects_reply = record.length > 0 && !(record.error.code == ErrorCode::kIncomplete);
      break;
    case RecordKind::kAuthResponse:
      expects_reply = record.error.code != ErrorCode::kIncomplete;
      p.last_in_group = true;  // part of AUTH: the client waits for the 334 or the end
      break;
    case RecordKind::kData:
      expects_reply = !client_in_chunk_ && record.error.code != ErrorCode::kIncomplete;
      client_in_chunk_ = false;
      break;
    case RecordKind::kTls:
      if (record.error.code == ErrorCode::kStarttlsInjection ||
          (input_ == SessionInput::kInterleaved && record.length > 0 &&
           record.offset < starttls_mark_)) {
        rec.violations.Add(Violation::kStarttlsInjection);
      }
      break;
    case RecordKind::kReply:
      break;
  }

  // Interleaved input: what the client sent before which reply.
  if (input_ == SessionInput::kInterleaved && record.kind != RecordKind::kTls) {
    const std::uint64_t o = record.offset;
    if (!greeting_seen_ || o < greeting_mark_) {
      rec.violations.Add(Violation::kEarlyTalker);
    } else if (queue_size_ > 0 || o < last_reply_mark_) {
      if ((advertised_ & kExtPipelining) == 0)
        rec.violations.Add(Violation::kPipeliningNotAdvertised);
      if (open_last_in_group_ > 0 || o < group_end_mark_)
        rec.violations.Add(Violation::kNotLastInGroup);
    }
  }

  if (record.kind == RecordKind::kCommand && !record.ok() && record.offset >= cbase_ &&
      record.error.code != ErrorCode::kIncomplete && record.error.code != ErrorCode::kLineTooLong) {
    // A line that broke the grammar may still be a command the server takes
    // (it answers 250 to "EHLO msg_crlf.eml"): its verb, for the dialogue
    // state only. Lines are fed whole, so the line is in cbuf_.
    p.verb = CommandVerb(std::string_view(cbuf_.data() + (record.offset - cbase_),
                                          static_cast<std::size_t>(record.length)));
  }
  if (record.kind == RecordKind::kCommand) {
    if (predicted_.quit) rec.violations.Add(Violation::kOutOfSequence);
    if (record.ok()) {
      const Command& c = record.command;
      p.valid = true;
      p.verb = c.verb;
      p.bdat_last = c.bdat_last;
      p.last_in_group = IsLastInGroup(c.verb);
      if (!predicted_.quit && CheckOrder(c, predicted_))
        rec.violations.Add(Violation::kOutOfSequence);
      if (CheckAdvertised(c)) rec.violations.Add(Violation::kNotAdvertised);
      p.out_of_sequence = rec.violations.Has(Violation::kOutOfSequence);
      Predict(p, &predicted_);
      if (c.verb == Verb::kQuit) {
        predicted_.quit = true;
        confirmed_.quit = true;
      }
    }
  }

  if (expects_reply) PushPending(p);
  EmitClient(rec, expects_reply, sink);

  // BDAT: the chunk follows at once where CHUNKING is in force (RFC 3030);
  // elsewhere the reply says whether the server read it as a chunk. Decided
  // after the stream returns (it is inside FeedRecord now).
  if (record.kind == RecordKind::kCommand && record.ok()) {
    if (record.command.verb == Verb::kBdat && (advertised_ & kExtChunking) != 0) {
      decide_after_feed_ = true;
    }
  }
  if (forced) decide_after_feed_ = true;
}

void Session::DecideAfterFeed(bool forced, SessionSink sink) {
  decide_after_feed_ = false;
  const Awaiting what = commands_.awaiting();
  if (what == Awaiting::kNone) return;
  const auto on_record = [&](const Record& r) { OnClientRecord(r, forced, sink); };
  if (what == Awaiting::kBdat) {
    client_in_chunk_ = true;
    commands_.AcceptContent(on_record);
  } else if (forced) {
    commands_.DecideAsOneWay(on_record);
  }
}

void Session::EmitClient(SessionRecord& rec, bool expects_reply, SessionSink sink) {
  if (ServerExhausted() && !server_tls_) {
    // No reply can come any more.
    ReleaseHeld(true, sink);
    if (expects_reply) rec.violations.Add(Violation::kUnansweredCommand);
    sink(rec);
    return;
  }
  const bool server_after = input_ == SessionInput::kInterleaved
                                ? in_server_feed_
                                : (spos_ < sbuf_.size() || replies_.in_reply() || server_tls_);
  if (server_after && held_.empty()) {
    sink(rec);
    return;
  }
  // The server has said nothing after it yet: if it never does, the record
  // is unanswered. Keep it (its octets stay in cbuf_) until then.
  Held h;
  h.rec = rec;
  h.base = reinterpret_cast<std::uintptr_t>(cbuf_.data());
  h.cbase = cbase_;
  h.expects_reply = expects_reply;
  held_.push_back(h);
}

void Session::ReleaseHeld(bool unanswered, SessionSink sink) {
  for (Held& h : held_) {
    const std::uintptr_t shift = reinterpret_cast<std::uintptr_t>(cbuf_.data()) - h.base +
                                 static_cast<std::uintptr_t>(h.cbase - cbase_);
    Record& r = h.rec.record;
    Command& c = r.command;
    c.host = Move(c.host, shift);
    c.path = Move(c.path, shift);
    c.params = ParamList(Move(c.params.text(), shift));
    c.mechanism = Move(c.mechanism, shift);
    c.initial_response = Move(c.initial_response, shift);
    c.argument = Move(c.argument, shift);
    r.auth_response = Move(r.auth_response, shift);
    if (unanswered && h.expects_reply) h.rec.violations.Add(Violation::kUnansweredCommand);
    sink(h.rec);
  }
  held_.clear();
}

bool Session::CheckOrder(const Command& c, const Dialogue& d) const {
  switch (c.verb) {
    case Verb::kMail:
      return !d.greeted || d.in_mail;
    case Verb::kRcpt:
      return !d.in_mail;
    case Verb::kData:
    case Verb::kBdat:
      return d.rcpts == 0;
    case Verb::kAuth:  // RFC 4954 section 4
      return d.in_mail || d.authenticated;
    default:
      return false;
  }
}

bool Session::CheckAdvertised(const Command& c) const {
  const auto has = [&](Extension bit) { return (advertised_ & bit) != 0; };
  switch (c.verb) {
    case Verb::kBdat:
      return !has(kExtChunking);
    case Verb::kStartTls:
      return !has(kExtStartTls);
    case Verb::kAuth:
      return !has(kExtAuth);
    case Verb::kMail:
    case Verb::kRcpt:
      // The keywords as the command grammar knows them (one table).
      for (const Param& param : c.params) {
        switch (internal::LookupParam(param.keyword)) {
          case internal::kSize:
            if (!has(kExtSize)) return true;
            break;
          case internal::kBody:
            if (EqualsIgnoreCase(param.value, "8BITMIME") && !has(kExt8BitMime)) return true;
            if (EqualsIgnoreCase(param.value, "BINARYMIME") && !has(kExtBinaryMime)) return true;
            break;
          case internal::kSmtpUtf8:
            if (!has(kExtSmtpUtf8)) return true;
            break;
          case internal::kRet:
          case internal::kEnvid:
          case internal::kNotify:
          case internal::kOrcpt:
            if (!has(kExtDsn)) return true;
            break;
          case internal::kRequireTls:
            if (!has(kExtRequireTls)) return true;
            break;
          case internal::kAuthParam:
            if (!has(kExtAuth)) return true;
            break;
          default:
            break;
        }
      }
      return false;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------
// Dialogue state

void Session::Predict(const Pending& p, Dialogue* d) const {
  if (p.kind == RecordKind::kData) {
    d->in_mail = false;
    d->rcpts = 0;
    return;
  }
  if (p.kind != RecordKind::kCommand) return;
  switch (p.verb) {
    case Verb::kHelo:
    case Verb::kEhlo:
      d->greeted = true;
      d->in_mail = false;
      d->rcpts = 0;
      break;
    case Verb::kMail:
      d->in_mail = true;
      d->rcpts = 0;
      break;
    case Verb::kRcpt:
      if (d->in_mail) ++d->rcpts;
      break;
    case Verb::kBdat:
      if (p.bdat_last) {
        d->in_mail = false;
        d->rcpts = 0;
      }
      break;
    case Verb::kRset:
      d->in_mail = false;
      d->rcpts = 0;
      break;
    default:
      break;
  }
}

void Session::Repredict() {
  if (queue_size_ > kMaxRepredict) return;
  const bool quit = predicted_.quit;
  predicted_ = confirmed_;
  for (std::size_t i = 0; i < queue_size_; ++i) {
    Predict(queue_[(queue_head_ + i) % queue_.size()], &predicted_);
  }
  predicted_.quit = quit;
}

void Session::PushPending(const Pending& p) {
  if (queue_size_ == queue_cap_) PopPending();  // bounded: the oldest is given up
  if (queue_.size() < queue_cap_ && queue_size_ == queue_.size()) {
    // Grow the ring (rare: up to the largest burst seen), oldest first.
    std::vector<Pending> grown;
    grown.reserve(std::min(queue_cap_, std::max<std::size_t>(8, queue_.size() * 2)));
    for (std::size_t i = 0; i < queue_size_; ++i)
      grown.push_back(queue_[(queue_head_ + i) % queue_.size()]);
    grown.resize(grown.capacity());
    queue_.swap(grown);
    queue_head_ = 0;
  }
  queue_[(queue_head_ + queue_size_) % queue_.size()] = p;
  ++queue_size_;
  if (p.last_in_group) ++open_last_in_group_;
}

void Session::PopPending() {
  const Pending& p = queue_[queue_head_];
  if (p.last_in_group) --open_last_in_group_;
  queue_head_ = (queue_head_ + 1) % queue_.size();
  --queue_size_;
}

// ---------------------------------------------------------------------------
// Server

bool Session::ServerStep(SessionSink sink) {
  if (server_done_) return false;
  if (server_tls_) {
    const std::size_t n = sbuf_.size() - spos_;
    if (n == 0) return false;
    if (server_tls_length_ == 0) server_tls_first_ = static_cast<unsigned char>(sbuf_[spos_]);
    server_tls_length_ += n;
    spos_ = sbuf_.size();
    return true;
  }
  if (spos_ == sbuf_.size()) return false;
  if (!replies_.in_reply()) {
    reply_overflow_ = false;
    reply_has_context_ = greeting_seen_ && queue_size_ > 0;
    if (greeting_seen_ && input_ == SessionInput::kTwoStreams) {
      // Two streams: the reply waits for the record it answers. A BDAT's
      // reply also waits for its chunk.
      const bool client_can_add = !(client_closed_ && cpos_ == cbuf_.size() &&
                                    commands_.awaiting() == Awaiting::kNone && held_.empty()) ||
                                  client_in_chunk_;
      // Both directions ended: nothing more can come to wait for.
      const bool both_closed = client_closed_ && server_closed_;
      if ((queue_size_ == 0 || client_in_chunk_) && !client_done_ && client_can_add &&
          !both_closed) {
        if (!server_forced_) return false;
        reply_overflow_ = true;
        reply_has_context_ = false;
      }
    }
    const bool ehlo = reply_has_context_ && queue_[queue_head_].kind == RecordKind::kCommand &&
                      queue_[queue_head_].verb == Verb::kEhlo;
    replies_.set_mode(ehlo ? ReplyMode::kEhlo : ReplyMode::kReplies);
  }
  // The reply's first three octets, however it is chunked (a reply that
  // breaks the grammar still decides by its code).
  if (!replies_.in_reply()) reply_head_length_ = 0;
  for (std::size_t i = spos_; reply_head_length_ < 3 && i < sbuf_.size(); ++i)
    reply_head_[reply_head_length_++] = sbuf_[i];
  const auto on_reply = [&](const Record& r) { OnReply(r, sink); };
  const std::size_t consumed =
      replies_.FeedReply(std::string_view(sbuf_.data() + spos_, sbuf_.size() - spos_), on_reply);
  spos_ += consumed;
  return consumed > 0;
}

void Session::OnReply(const Record& record, SessionSink sink) {
  // Reused, as client_rec_ is (the decisions a reply makes emit client
  // records only).
  SessionRecord& rec = Fresh(&server_rec_, Direction::kServer, record);
  const std::uint16_t code = record.ok() ? record.reply.code : 0;

  if (!greeting_seen_) {
    greeting_seen_ = true;
    greeting_mark_ = creceived_;
    last_reply_mark_ = creceived_;
    // RFC 5321 section 4.3.2: 220, or 554 (and 421, section 3.8).
    if (record.ok() && !In(code, {220, 421, 554})) rec.violations.Add(Violation::kBadGreeting);
    sink(rec);
    return;
  }
  if (!reply_has_context_ || queue_size_ == 0) {
    rec.violations.Add(reply_overflow_ ? Violation::kPendingOverflow
                                       : Violation::kReplyWithoutCommand);
    reply_has_context_ = false;
    sink(rec);
    return;
  }
  reply_has_context_ = false;
  const Pending p = queue_[queue_head_];
  PopPending();
  rec.has_answers = true;
  rec.answers = p.offset;
  last_reply_mark_ = creceived_;
  if (p.last_in_group) group_end_mark_ = creceived_;

  if (code != 0) {
    bool allowed = true;
    if (p.kind == RecordKind::kData) {
      allowed = In(code, {250, 552, 554, 451, 452, 450, 550, 421});
    } else if (p.kind == RecordKind::kAuthResponse) {
      allowed = In(code, {334, 235, 432, 454, 500, 501, 534, 535, 538, 421});
    } else if (p.valid) {
      allowed = CommandCodeAllowed(p.verb, code);
    }
    if (!allowed) rec.violations.Add(Violation::kUnexpectedReplyCode);
    if (p.out_of_sequence && code < 400) rec.violations.Add(Violation::kAcceptedOutOfSequence);
  }
  // A reply that broke the grammar still carries the code the client acts
  // on ("334 " before RFC 4954's empty challenge was legal here, an
  // over-long 354): its three leading digits, when they are digits.
  std::uint16_t acted = code;
  if (!record.ok() && reply_head_length_ == 3) {
    const char* d = reply_head_;
    if (d[0] >= '2' && d[0] <= '5' && d[1] >= '0' && d[1] <= '9' && d[2] >= '0' && d[2] <= '9') {
      acted = static_cast<std::uint16_t>((d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0'));
    }
  }
  ApplyReply(p, acted, record);
  sink(rec);
  // The record it answers was the one the client stream waits on when no
  // other is unanswered (the stream stops right after such a record).
  if (queue_size_ == 0 && commands_.awaiting() != Awaiting::kNone) Decide(acted, record, sink);
}

void Session::ApplyReply(const Pending& p, std::uint16_t code, const Record& record) {
  const bool positive = code >= 200 && code < 300;
  bool as_predicted = true;
  if (p.kind == RecordKind::kData) {
    confirmed_.in_mail = false;  // RFC 5321 section 4.1.1.4: the state is cleared
    confirmed_.rcpts = 0;
  } else if (p.kind == RecordKind::kAuthResponse) {
    if (code == 235) confirmed_.authenticated = true;
  } else if (p.kind == RecordKind::kCommand) {
    switch (p.verb) {
      case Verb::kHelo:
      case Verb::kEhlo:
        if (code == 250) {
          confirmed_.greeted = true;
          confirmed_.in_mail = false;
          confirmed_.rcpts = 0;
          has_extensions_ = false;
          advertised_ = 0;
          if (p.verb == Verb::kEhlo && record.is_ehlo) {
            // Copied: the reply's octets go away after the sink call. The
            // views move into the copy; the reply was checked once already.
            ehlo_raw_.assign(record.ehlo.reply.lines.raw());
            const std::uintptr_t shift =
                reinterpret_cast<std::uintptr_t>(ehlo_raw_.data()) -
                reinterpret_cast<std::uintptr_t>(record.ehlo.reply.lines.raw().data());
            extensions_ = record.ehlo;
            extensions_.reply.lines = ReplyLines(ehlo_raw_, record.ehlo.reply.lines.size());
            extensions_.reply.enhanced.text = Move(record.ehlo.reply.enhanced.text, shift);
            extensions_.domain = Move(record.ehlo.domain, shift);
            extensions_.greeting = Move(record.ehlo.greeting, shift);
            extensions_.capabilities = Capabilities(extensions_.reply.lines);
            has_extensions_ = true;
            advertised_ = ExtensionBits(extensions_);
          }
        } else {
          as_predicted = false;
        }
        break;
      case Verb::kMail:
        if (positive) {
          confirmed_.in_mail = true;
          confirmed_.rcpts = 0;
        } else {
          as_predicted = false;
        }
        break;
      case Verb::kRcpt:
        if (positive && confirmed_.in_mail) {
          ++confirmed_.rcpts;
        } else {
          as_predicted = false;
        }
        break;
      case Verb::kBdat:
        // RFC 3030 section 2: a 4xx/5xx fails the transaction; LAST ends it.
        if (p.bdat_last || !positive) {
          confirmed_.in_mail = false;
          confirmed_.rcpts = 0;
        }
        if (!positive) as_predicted = false;
        break;
      case Verb::kRset:
        if (code == 250) {
          confirmed_.in_mail = false;
          confirmed_.rcpts = 0;
        }
        break;
      case Verb::kAuth:
        if (code == 235) confirmed_.authenticated = true;
        break;
      default:
        break;
    }
  }
  if (queue_size_ == 0) {
    const bool quit = predicted_.quit;
    predicted_ = confirmed_;
    predicted_.quit = quit;
  } else if (!as_predicted) {
    Repredict();
  }
}

void Session::Decide(std::uint16_t code, const Record& record, SessionSink sink) {
  const auto on_record = [&](const Record& r) { OnClientRecord(r, false, sink); };
  switch (commands_.awaiting()) {
    case Awaiting::kNone:
      break;
    case Awaiting::kData:
      if (code == 354) {
        commands_.AcceptContent(on_record);
      } else {
        commands_.Refuse();
      }
      break;
    case Awaiting::kBdat:
      // Section 5: without CHUNKING a server answering 500/502 did not know
      // BDAT and read the chunk's octets as commands.
      if (code == 500 || code == 502) {
        commands_.Refuse();
      } else {
        client_in_chunk_ = true;
        commands_.AcceptContent(on_record);
      }
      break;
    case Awaiting::kAuth:
      if (code == 334) {
        commands_.ExpectSaslResponse();
      } else {
        commands_.Refuse();
      }
      break;
    case Awaiting::kStartTls:
      if (code == 220) {
        commands_.AcceptStartTls();
        starttls_mark_ = creceived_;
        server_tls_ = true;
        server_tls_start_ = record.offset + record.length;
      } else {
        commands_.Refuse();
      }
      break;
  }
}

void Session::FinishServerTls(SessionSink sink) {
  SessionRecord rec;
  rec.dir = Direction::kServer;
  rec.record.kind = RecordKind::kTls;
  rec.record.offset = server_tls_start_;
  rec.record.length = server_tls_length_;
  // CVE-2021-38371: plaintext after the 220, read by the client as if TLS.
  if (server_tls_length_ > 0 && server_tls_first_ != 0x16) {
    rec.violations.Add(Violation::kStarttlsResponseInjection);
  }
  sink(rec);
}

}  // namespace smtp
