// smtp/session.h: both directions of one SMTP connection parsed together
// (SPEC section 5), so that nothing is guessed.
//
// A one-way stream (stream.h) assumes the server accepted every command. The
// session reads the server's replies and lets them decide: content follows
// DATA only after a 354, each 334 asks for one SASL response, the rest is TLS
// only after a 220 to STARTTLS, the reply to EHLO (and only it) is read as an
// EHLO reply. It reuses the one-way parsers (one framer, one grammar) and
// checks the dialogue: command order (RFC 5321 section 4.1.4), extensions
// used without being advertised, reply codes (section 4.3.2), pipelining
// (RFC 2920 section 3.1), STARTTLS injection both ways (CVE-2011-0411,
// CVE-2021-38371).
//
//   smtp::Session session(options, smtp::SessionInput::kInterleaved);
//   session.FeedClient(bytes_from_client, sink);  // in the order they
//   session.FeedServer(bytes_from_server, sink);  // crossed the wire
//   session.Finish(sink);
//
// Input: kInterleaved when the caller feeds each direction as it crossed the
// wire (a proxy, a server feeding what it read and what it wrote, a pcap
// reader): the timing checks (early_talker, pipelining_not_advertised,
// not_last_in_group, STARTTLS octets sent too early) run only then.
// kTwoStreams when the two directions were captured apart (two files): they
// may be fed in any order and any chunks; replies pair with commands by order
// alone, and the records are the same however the input was split and
// interleaved. wants() says which direction the session needs next, so a
// reader of two files stays within max_pending.
//
// Records: the one-way records (stream.h), with the direction, the client
// offset of the record a reply answers, and the session rules broken. They
// come in wire order (two streams: a command, then its reply). Offsets count
// within their own direction and the records of each direction tile it.
//
// Lifetime: string_views inside a SessionRecord point into the session's
// buffers or the chunk being fed; they are valid only during the sink call.
// extensions() stays valid until the next call that feeds the session.
//
// Memory: the one-way streams' limits plus max_pending octets per direction
// (Options::max_pending) and a bounded queue of unanswered commands; in
// steady state no call allocates.
#ifndef SMTP_SESSION_H_
#define SMTP_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "smtp/ehlo.h"
#include "smtp/options.h"
#include "smtp/stream.h"

namespace smtp {

enum class Direction : std::uint8_t { kClient = 0, kServer = 1 };

// "client", "server".
[[nodiscard]] std::string_view DirectionName(Direction direction) noexcept;

// The session rules (SPEC section 5), as bits of a Violations set. Values
// are fixed; new ones are appended.
enum class Violation : std::uint16_t {
  kBadGreeting = 1u << 0,                 // RFC 5321 4.3.2: first reply not 220, 421 or 554
  kEarlyTalker = 1u << 1,                 // client octets before the greeting (interleaved)
  kOutOfSequence = 1u << 2,               // RFC 5321 4.1.4 command order
  kAcceptedOutOfSequence = 1u << 3,       // 2xx/3xx to an out_of_sequence command
  kNotAdvertised = 1u << 4,               // extension used that EHLO did not advertise
  kUnexpectedReplyCode = 1u << 5,         // RFC 5321 4.3.2 (or the extension's RFC)
  kReplyWithoutCommand = 1u << 6,         // a reply that answers nothing
  kUnansweredCommand = 1u << 7,           // the server's stream ended first
  kPipeliningNotAdvertised = 1u << 8,     // RFC 2920: sent before the previous reply
  kNotLastInGroup = 1u << 9,              // RFC 2920 3.1: after a last-in-group command
  kStarttlsInjection = 1u << 10,          // RFC 3207, CVE-2011-0411
  kStarttlsResponseInjection = 1u << 11,  // CVE-2021-38371
  kPendingOverflow = 1u << 12,            // more than max_pending octets waited
};

inline constexpr int kViolationCount = 13;

// The snake_case name ("out_of_sequence"); "unknown" otherwise.
[[nodiscard]] std::string_view ViolationName(Violation violation) noexcept;

class Violations {
 public:
  constexpr Violations() = default;
  constexpr void Add(Violation v) noexcept { bits_ |= static_cast<std::uint16_t>(v); }
  constexpr void Add(Violations other) noexcept { bits_ |= other.bits_; }
  [[nodiscard]] constexpr bool Has(Violation v) const noexcept {
    return (bits_ & static_cast<std::uint16_t>(v)) != 0;
  }
  [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
  [[nodiscard]] constexpr std::uint16_t bits() const noexcept { return bits_; }
  template <typename F>
  void ForEach(F&& f) const {
    for (int i = 0; i < kViolationCount; ++i) {
      const auto v = static_cast<Violation>(1u << i);
      if (Has(v)) f(v);
    }
  }
  friend constexpr bool operator==(Violations, Violations) = default;

 private:
  std::uint16_t bits_ = 0;
};

struct SessionRecord {
  Direction dir = Direction::kClient;
  Record record;  // offsets within its own direction
  // kReply: the client offset of the record it answers (a command, the data
  // record after DATA content, the auth_response line); none for the
  // greeting and for a reply without command.
  bool has_answers = false;
  std::uint64_t answers = 0;
  Violations violations;

  // Not ok when the grammar failed or a session rule was broken.
  [[nodiscard]] bool ok() const noexcept { return record.ok() && violations.empty(); }
};

using SessionSink = absl::FunctionRef<void(const SessionRecord&)>;

enum class SessionInput : std::uint8_t { kTwoStreams = 0, kInterleaved = 1 };

class Session {
 public:
  Session(const Options& options, SessionInput input);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Octets the client sent / the server sent, in chunks of any size. Records
  // completed by them (in either direction) go to `sink`.
  void FeedClient(std::string_view chunk, SessionSink sink);
  void FeedServer(std::string_view chunk, SessionSink sink);
  // One direction's end of input (a two-file reader at one file's end, a
  // proxy when one side closed). Feeding that direction again is ignored.
  void CloseClient(SessionSink sink);
  void CloseServer(SessionSink sink);
  // End of both directions: reports what is unfinished (kIncomplete records,
  // unanswered commands, the tls records). The session is then spent.
  void Finish(SessionSink sink);

  // kTwoStreams: the direction whose octets the session needs to go on (the
  // other one's are only buffered, up to max_pending). kInterleaved: the
  // caller feeds what crossed the wire; returns kClient.
  [[nodiscard]] Direction wants() const noexcept;

  // The extensions in force: the last accepted EHLO reply, nullptr when none
  // (no EHLO accepted yet, or HELO accepted since: RFC 5321 section 4.1.1.1).
  [[nodiscard]] const EhloReply* extensions() const noexcept {
    return has_extensions_ ? &extensions_ : nullptr;
  }

 private:
  // What a reply answers. Values double as indices of the reply-code table.
  struct Pending {
    std::uint64_t offset = 0;  // client offset of the record
    Verb verb = Verb::kUnknown;
    RecordKind kind = RecordKind::kCommand;
    bool valid = false;  // a command that parsed
    bool out_of_sequence = false;
    bool last_in_group = false;  // RFC 2920 3.1
    bool bdat_last = false;
  };
  // The dialogue state RFC 5321 section 4.1.4 orders commands by.
  struct Dialogue {
    bool greeted = false;  // an accepted HELO/EHLO
    bool in_mail = false;  // an accepted MAIL, transaction not ended
    std::uint32_t rcpts = 0;
    bool authenticated = false;
    bool quit = false;
  };
  struct Held {
    SessionRecord rec;
    std::uintptr_t base = 0;  // cbuf_.data() when held
    std::uint64_t cbase = 0;  // cbase_ when held
    bool expects_reply = false;
  };

  void Pump(SessionSink sink);
  // The first held record that points into cbuf_ (a command or SASL
  // response), or null.
  [[nodiscard]] const Held* FirstHeldWithViews() const;
  bool ClientStep(SessionSink sink);
  bool ServerStep(SessionSink sink);
  void OnClientRecord(const Record& record, bool forced, SessionSink sink);
  void OnReply(const Record& record, SessionSink sink);
  void DecideAfterFeed(bool forced, SessionSink sink);
  void Decide(std::uint16_t code, const Record& record, SessionSink sink);
  void ApplyReply(const Pending& answered, std::uint16_t code, const Record& record);
  void Predict(const Pending& p, Dialogue* d) const;
  void Repredict();
  [[nodiscard]] bool CheckOrder(const Command& command, const Dialogue& d) const;
  [[nodiscard]] bool CheckAdvertised(const Command& command) const;
  void EmitClient(SessionRecord& rec, bool expects_reply, SessionSink sink);
  void ReleaseHeld(bool unanswered, SessionSink sink);
  void FinishServerTls(SessionSink sink);
  void Compact();
  void PushPending(const Pending& p);
  void PopPending();
  [[nodiscard]] bool ServerExhausted() const;

  Options options_;
  SessionInput input_;
  CommandStream commands_;
  ReplyStream replies_;

  // Client octets not yet emitted as records: cbuf_[0] is client offset
  // cbase_; cbuf_[cpos_ ...] have not been fed to commands_.
  std::string cbuf_;
  std::uint64_t cbase_ = 0;
  std::uint64_t clines_end_ = 0;  // absolute offset just past the last LF received
  std::size_t cpos_ = 0;
  bool client_closed_ = false;
  bool client_done_ = false;  // commands_ finished
  // Server octets not yet fed to replies_: sbuf_[spos_ ...].
  std::string sbuf_;
  char reply_head_[3] = {0, 0, 0};  // the first octets of the reply being read
  std::size_t reply_head_length_ = 0;
  std::size_t spos_ = 0;
  bool server_closed_ = false;
  bool server_done_ = false;
  bool in_server_feed_ = false;   // records parsed now were sent before a server octet
  bool forced_ = false;           // client octets beyond max_pending: no waiting
  bool server_forced_ = false;    // server octets beyond max_pending
  bool client_in_chunk_ = false;  // a BDAT chunk is being read

  // Replies still owed, oldest first (a ring of at most queue_cap_ entries).
  std::vector<Pending> queue_;
  std::size_t queue_head_ = 0;
  std::size_t queue_size_ = 0;
  std::size_t queue_cap_ = 0;

  bool greeting_seen_ = false;
  bool reply_has_context_ = false;  // the reply in progress answers queue front
  bool reply_overflow_ = false;

  Dialogue confirmed_;  // from the replies
  Dialogue predicted_;  // confirmed_ plus the unanswered commands, assumed accepted

  // Interleaved timing: client octets received when the event happened.
  std::uint64_t creceived_ = 0;
  std::uint64_t greeting_mark_ = 0;
  std::uint64_t last_reply_mark_ = 0;
  std::uint64_t group_end_mark_ = 0;  // the reply to the last last-in-group record
  std::size_t open_last_in_group_ = 0;
  std::uint64_t starttls_mark_ = 0;

  // STARTTLS accepted: the rest of each direction is one tls record.
  bool server_tls_ = false;
  std::uint64_t server_tls_start_ = 0;
  std::uint64_t server_tls_length_ = 0;
  unsigned char server_tls_first_ = 0;
  bool decide_after_feed_ = false;  // a decision the stream's caller makes next

  std::vector<Held> held_;

  std::string ehlo_raw_;  // the extensions in force, copied
  EhloReply extensions_;
  bool has_extensions_ = false;
  std::uint16_t advertised_ = 0;  // the extensions in force the checks ask about (bits)
  // The records being emitted, reused rather than built from zero per record.
  SessionRecord client_rec_;
  SessionRecord server_rec_;
};

}  // namespace smtp

#endif  // SMTP_SESSION_H_
