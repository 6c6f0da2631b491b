"""smtp: a strict, hardened SMTP command and reply parser.

The Python face of the C++ parser (through its C API, smtp/smtp.h): the same
grammar, records, errors and deviations as the ``smtp-parse`` tool
(SPEC section 4).

    import smtp

    stream = smtp.CommandStream(lenient=True)
    for record in stream.feed(b"MAIL FROM:<a@b.example> SIZE=10\\r\\n"):
        if record.ok and record.verb == "MAIL":
            print(record.path, record.params)
    stream.finish()  # at end of input: reports an unfinished record

Records tile the input: every octet belongs to exactly one record, in order,
whatever the chunking. Fields taken from the wire are ``bytes``; fields that
do not apply to a record are ``None``.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional, Tuple, Union

from . import _smtp

__all__ = [
    "AuthResponse",
    "Capability",
    "Command",
    "CommandStream",
    "Data",
    "Deviation",
    "Error",
    "Param",
    "Record",
    "Reply",
    "ReplyStream",
    "Tls",
    "AnyRecord",
]

__version__ = "%d.%d.%d" % (_smtp.VERSION // 10000, _smtp.VERSION // 100 % 100, _smtp.VERSION % 100)


class Error(enum.IntEnum):
    """Parse error codes (SPEC section 4). Member names are the SPEC names;
    values are fixed and equal to the C (smtp_error_code) and C++ ones."""

    incomplete = 1
    line_too_long = 2
    bare_lf = 3
    bare_cr = 4
    bad_char = 5
    unknown_command = 6
    syntax = 7
    bad_domain = 8
    bad_address_literal = 9
    bad_path = 10
    bad_param = 11
    bad_reply_code = 12
    bad_separator = 13
    code_mismatch = 14
    too_many_lines = 15
    bad_keyword = 16
    bad_base64 = 17
    starttls_injection = 18

    @property
    def message(self) -> str:
        """A sentence for people, as smtp-parse prints in "message"."""
        return _smtp.error_message(int(self))


class Deviation(enum.IntEnum):
    """Deviations the lenient policy tolerates (SPEC section 1), by their
    SPEC names; values are the C/C++ bit values."""

    bare_lf = 1 << 0
    bare_cr = 1 << 1
    extra_space = 1 << 2
    trailing_space = 1 << 3
    space_after_colon = 1 << 4
    helo_address_literal = 1 << 5
    empty_reply_text = 1 << 6
    old_auth_syntax = 1 << 7
    numeric_domain = 1 << 8
    unregistered_literal_tag = 1 << 9
    vrfy_mailbox = 1 << 10
    repeated_param = 1 << 11


@dataclass(frozen=True, slots=True)
class Param:
    """One ESMTP parameter of MAIL or RCPT: ``keyword[=value]``."""

    keyword: bytes
    value: Optional[bytes]  # None when the parameter has no "=value"


@dataclass(frozen=True, slots=True)
class Capability:
    """One capability line of an EHLO reply: keyword as sent, its params."""

    keyword: bytes
    params: Tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class Record:
    """The fields every record has (SPEC section 4).

    ``offset`` is the record's first octet in the stream and ``length`` its
    octets, terminators included. When ``ok`` is False, ``error``,
    ``error_offset`` (absolute) and ``message`` say what and where;
    otherwise they are None. ``deviations`` lists what lenient tolerated.
    """

    ok: bool
    kind: str  # "command", "data", "auth_response", "tls", "reply"
    offset: int
    length: int
    error: Optional[Error]
    error_offset: Optional[int]
    message: Optional[str]
    deviations: Tuple[Deviation, ...]


@dataclass(frozen=True, slots=True)
class Command(Record):
    """A command line (kind "command"). When ok: ``verb`` (upper case);
    HELO/EHLO ``host_type`` ("domain", "ipv4", "ipv6", "general") and
    ``host``; MAIL/RCPT ``path`` (b"" for the null path) and ``params``;
    BDAT ``size`` and ``last``; AUTH ``mechanism`` and ``initial_response``
    when sent; VRFY/EXPN/HELP/NOOP ``argument`` when sent."""

    verb: Optional[str]
    host_type: Optional[str]
    host: Optional[bytes]
    path: Optional[bytes]
    params: Optional[Tuple[Param, ...]]
    size: Optional[int]
    last: Optional[bool]
    mechanism: Optional[bytes]
    initial_response: Optional[bytes]
    argument: Optional[bytes]


@dataclass(frozen=True, slots=True)
class Data(Record):
    """DATA content through the final ".CRLF", or a BDAT chunk (kind "data").
    ``bytes`` counts the content octets after un-stuffing (also on error)."""

    bytes: int


@dataclass(frozen=True, slots=True)
class AuthResponse(Record):
    """A SASL response line after AUTH (kind "auth_response")."""


@dataclass(frozen=True, slots=True)
class Tls(Record):
    """Everything after STARTTLS, not interpreted (kind "tls")."""


@dataclass(frozen=True, slots=True)
class Reply(Record):
    """A whole reply, one or many lines (kind "reply"). When ok: ``code``,
    ``lines`` (each line's text after the separator) and ``enhanced`` when
    present; in EHLO mode a 250 reply also has ``domain``, ``greeting``
    (b"" when none) and ``capabilities``."""

    code: Optional[int]
    lines: Optional[Tuple[bytes, ...]]
    enhanced: Optional[bytes]
    domain: Optional[bytes]
    greeting: Optional[bytes]
    capabilities: Optional[Tuple[Capability, ...]]


AnyRecord = Union[Command, Data, AuthResponse, Tls, Reply]

_TYPES = _smtp.make_types((Command, Data, AuthResponse, Tls, Reply, Param, Capability, Error, Deviation))

_LIMITS_DOC = """
    Limits are in octets, line end included (defaults: RFC 5321 section
    4.5.3.1 and RFC 4954 section 4); each at least 2, max_reply_lines at
    least 1. ValueError for values out of range."""


class _Stream:
    """feed/finish/offset, shared by CommandStream and ReplyStream."""

    __slots__ = ("_impl",)

    def feed(self, data: Union[bytes, bytearray, memoryview]) -> list[AnyRecord]:
        """Parses the next octets and returns the records they complete, in
        order. ``data`` is not kept after the call."""
        return self._impl.feed(data)

    def finish(self) -> list[AnyRecord]:
        """End of input: returns the unfinished record, if any (error
        ``incomplete``; in a command stream after STARTTLS, the tls record).
        The stream then starts over at offset 0."""
        return self._impl.finish()

    @property
    def offset(self) -> int:
        """The stream offset of the next octet to be fed."""
        return self._impl.offset


class CommandStream(_Stream):
    """The client-to-server stream (SPEC section 2): commands, DATA and BDAT
    content, SASL responses, and everything after STARTTLS.

    Memory stays bounded whatever is fed: at most one line is kept, and
    content streams through.
    """

    __slots__ = ()

    def __init__(
        self,
        *,
        lenient: bool = False,
        utf8: bool = False,
        max_command_line: int = 512,
        max_auth_line: int = 12288,
        max_reply_line: int = 512,
        max_data_line: int = 1000,
        max_reply_lines: int = 1000,
    ) -> None:
        self._impl = _smtp.CommandStream(
            _TYPES, lenient, utf8, max_command_line, max_auth_line, max_reply_line,
            max_data_line, max_reply_lines)

    __init__.__doc__ = """lenient: accept the named deviations (reported in each record);
    utf8: RFC 6531 UTF-8 in domains and local parts.""" + _LIMITS_DOC


class ReplyStream(_Stream):
    """The server-to-client stream (SPEC section 3): whole replies. With
    ``ehlo=True`` every 250 reply is also read as an EHLO reply (domain,
    greeting, capabilities); a one-way stream cannot know which replies
    answer EHLO.

    Memory stays bounded: at most one reply (max_reply_lines lines of
    max_reply_line octets) is kept.
    """

    __slots__ = ()

    def __init__(
        self,
        *,
        ehlo: bool = False,
        lenient: bool = False,
        utf8: bool = False,
        max_command_line: int = 512,
        max_auth_line: int = 12288,
        max_reply_line: int = 512,
        max_data_line: int = 1000,
        max_reply_lines: int = 1000,
    ) -> None:
        self._impl = _smtp.ReplyStream(
            _TYPES, ehlo, lenient, utf8, max_command_line, max_auth_line, max_reply_line,
            max_data_line, max_reply_lines)

    __init__.__doc__ = """ehlo: read 250 replies as EHLO replies; lenient: accept the named
    deviations; utf8: RFC 6531 UTF-8 in reply text.""" + _LIMITS_DOC
