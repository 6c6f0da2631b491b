"""Tests of the smtp Python package (python3 -m pytest). Run by ctest
(python.pytest) against the package installed into a scratch prefix; the
environment gives SMTP_ROOT (the source tree) and SMTP_PARSE (the CLI)."""
from __future__ import annotations

import dataclasses
import os
import pathlib
import resource
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import smtp  # noqa: E402
import smtp_json  # noqa: E402
from smtp import _smtp  # noqa: E402

ROOT = pathlib.Path(os.environ.get("SMTP_ROOT", pathlib.Path(__file__).resolve().parents[2]))
SMTP_PARSE = os.environ.get("SMTP_PARSE")


def run(stream, data: bytes, chunk: int) -> list:
    records = []
    for i in range(0, len(data), chunk):
        records += stream.feed(data[i:i + chunk])
    return records + stream.finish()


# ---- Names and values --------------------------------------------------------

def test_error_enum_has_the_spec_names_and_fixed_values():
    assert len(smtp.Error) == _smtp.ERROR_LAST
    for e in smtp.Error:
        assert e.name == _smtp.error_name(e.value)
        assert e.message == _smtp.error_message(e.value)
    assert smtp.Error.bad_domain == 8
    assert smtp.Error.starttls_injection == 18


def test_deviation_enum_has_the_spec_names_and_bits():
    for d in smtp.Deviation:
        assert d.value & (d.value - 1) == 0
        assert d.name == _smtp.deviation_name(d.value)
    assert smtp.Deviation.bare_lf == 1
    assert smtp.Deviation.old_auth_syntax == 1 << 7
    assert smtp.Deviation.repeated_param == 1 << 11


def test_deviation_enum_names_every_bit_the_library_has():
    # A deviation appended to the C++ list must reach Python too.
    for bit in range(32):
        name = _smtp.deviation_name(1 << bit)
        if name != "unknown":
            assert smtp.Deviation[name] == 1 << bit


def test_package_version_is_the_library_version():
    assert smtp.__version__ == "%d.%d.%d" % (_smtp.VERSION // 10000, _smtp.VERSION // 100 % 100,
                                             _smtp.VERSION % 100)


# ---- Records -----------------------------------------------------------------

def test_command_records_have_spec_fields_and_bytes_from_the_wire():
    s = smtp.CommandStream(lenient=True)
    records = s.feed(b"ehlo [IPv6:2001:db8::1]\r\nMAIL FROM: <a@b.example> SIZE=10 SMTPUTF8\r\n"
                     b"RCPT TO:<Postmaster>\r\nDATA\r\nx\r\n..y\r\n.\r\nBDAT 2 LAST\r\nzz"
                     b"AUTH PLAIN =\r\nVRFY joe\r\nSTARTTLS\r\n\x16\x03")
    records += s.finish()
    assert [r.kind for r in records] == ["command", "command", "command", "command", "data",
                                         "command", "data", "command", "command", "command", "tls"]
    ehlo, mail, rcpt, data_cmd, data, bdat, chunk, auth, vrfy, starttls, tls = records
    assert (ehlo.verb, ehlo.host_type, ehlo.host) == ("EHLO", "ipv6", b"2001:db8::1")
    assert mail.ok and mail.path == b"a@b.example"
    assert mail.params == (smtp.Param(b"SIZE", b"10"), smtp.Param(b"SMTPUTF8", None))
    assert mail.deviations == (smtp.Deviation.space_after_colon,)
    assert rcpt.path == b"Postmaster" and rcpt.params == ()
    assert data_cmd.verb == "DATA" and data_cmd.path is None
    assert (data.offset, data.length, data.bytes) == (data_cmd.offset + 6, 11, 7)  # "x\r\n" ".y\r\n" un-stuffed
    assert (bdat.size, bdat.last, chunk.bytes) == (2, True, 2)
    assert (auth.mechanism, auth.initial_response) == (b"PLAIN", b"=")
    assert vrfy.argument == b"joe"
    assert tls.ok and tls.length == 2
    # Records tile the input.
    assert sum(r.length for r in records) == tls.offset + tls.length


def test_error_records_say_what_and_where():
    s = smtp.CommandStream()
    bad, incomplete = s.feed(b"EHLO -a.example\r\nNOOP") + s.finish()
    assert not bad.ok and bad.error is smtp.Error.bad_domain
    assert bad.error_offset == 5 and bad.message == "the domain is not valid"
    assert bad.verb is None and bad.host is None
    assert incomplete.error is smtp.Error.incomplete and incomplete.error_offset == 21


def test_ehlo_reply_fields():
    s = smtp.ReplyStream(ehlo=True)
    (r,) = s.feed(b"250-mx.example Hello\r\n250-SIZE 1000\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n")
    assert (r.code, r.domain, r.greeting) == (250, b"mx.example", b"Hello")
    assert r.lines == (b"mx.example Hello", b"SIZE 1000", b"AUTH PLAIN LOGIN", b"8BITMIME")
    assert r.capabilities == (smtp.Capability(b"SIZE", (b"1000",)),
                              smtp.Capability(b"AUTH", (b"PLAIN", b"LOGIN")),
                              smtp.Capability(b"8BITMIME", ()))
    (plain,) = smtp.ReplyStream().feed(b"550 5.1.1 no such user\r\n")
    assert plain.enhanced == b"5.1.1" and plain.domain is None and plain.capabilities is None


def test_records_are_frozen_dataclasses():
    (r,) = smtp.CommandStream().feed(b"NOOP\r\n")
    assert dataclasses.is_dataclass(r)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.ok = False
    names = [f.name for f in dataclasses.fields(smtp.Command)]
    assert names[:8] == ["ok", "kind", "offset", "length", "error", "error_offset", "message",
                         "deviations"]
    assert r == smtp.CommandStream().feed(b"NOOP\r\n")[0]
    assert hash(r) == hash(smtp.CommandStream().feed(b"NOOP\r\n")[0])


def test_chunking_does_not_change_records():
    data = (ROOT / "tests/data/realworld/servers/postfix/pipelined_all_in_one.sent").read_bytes()
    whole = run(smtp.CommandStream(), data, len(data))
    for chunk in (1, 2, 7, 100):
        assert run(smtp.CommandStream(), data, chunk) == whole
    replies = (ROOT / "tests/data/realworld/servers/postfix/pipelined_all_in_one.reply").read_bytes()
    whole = run(smtp.ReplyStream(ehlo=True), replies, len(replies))
    assert run(smtp.ReplyStream(ehlo=True), replies, 3) == whole


def test_feed_takes_buffers_and_views_are_copied():
    s = smtp.CommandStream()
    buf = bytearray(b"HELO a.example\r\n")
    (r,) = s.feed(memoryview(buf))
    buf[5:14] = b"XXXXXXXXX"  # the record owns its bytes
    assert r.host == b"a.example"
    with pytest.raises(TypeError):
        s.feed("NOOP\r\n")


def test_bad_options_raise_value_error():
    with pytest.raises(ValueError):
        smtp.CommandStream(max_command_line=1)
    with pytest.raises(ValueError):
        smtp.ReplyStream(max_reply_lines=0)
    with pytest.raises(TypeError):
        smtp.CommandStream(True)  # keyword-only


def test_limits_are_passed_through():
    (r,) = smtp.CommandStream(max_command_line=10).feed(b"NOOP 12345678\r\n")
    assert r.error is smtp.Error.line_too_long and r.error_offset == 10


# ---- Memory ------------------------------------------------------------------

def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def test_memory_stays_flat_over_a_256_mib_data_body():
    s = smtp.CommandStream()
    head = s.feed(b"EHLO a.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n")
    assert [r.verb for r in head] == ["EHLO", "MAIL", "RCPT", "DATA"]
    line = b"x" * 998 + b"\r\n"
    chunk = line * 1024  # 1000 KiB; the same object is fed again and again
    total = 256 * 1024 * 1024
    fed = 0
    before = _rss_kib()
    peak = before
    while fed < total:
        assert s.feed(chunk) == []
        fed += len(chunk)
        if fed % (32 * len(chunk)) == 0:
            peak = max(peak, _rss_kib())
    (data,) = s.feed(b".\r\n")
    peak = max(peak, _rss_kib())
    assert data.ok and data.bytes == fed
    # Nothing grows with the body: a few MiB of slack for the allocator.
    assert peak - before < 8 * 1024, "RSS grew by %d KiB over %d MiB" % (peak - before, fed >> 20)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 512 * 1024


# ---- Byte-identical to smtp-parse -------------------------------------------

def _natural_modes(path: pathlib.Path) -> list[str]:
    p = path.as_posix()
    if p.endswith((".sent", ".cmds")) or any(
            "/regressions/%s" % d in p for d in ("command_", "differential/", "policy/", "data/")):
        return ["commands"]
    if p.endswith(".reply"):
        return ["replies", "ehlo"]
    if "/regressions/reply_" in p:
        return ["replies"]
    if "/regressions/ehlo_" in p:
        return ["ehlo"]
    return ["commands", "replies", "ehlo"]


def _replay_cases():
    files = sorted(p for d in ("tests/data", "corpus/regressions")
                   for p in (ROOT / d).rglob("*") if p.is_file())
    for f in files:
        for mode in _natural_modes(f):
            for flags in ((), ("--lenient",), ("--utf8",), ("--lenient", "--utf8")):
                yield f, mode, flags


@pytest.mark.skipif(not SMTP_PARSE, reason="SMTP_PARSE (smtp-parse) not given")
def test_replay_is_byte_identical_to_smtp_parse():
    runs = 0
    failures = []
    for n, (f, mode, flags) in enumerate(_replay_cases()):
        want = subprocess.run([SMTP_PARSE, mode, str(f), *flags], capture_output=True, check=False)
        lenient, utf8 = "--lenient" in flags, "--utf8" in flags
        if mode == "commands":
            stream = smtp.CommandStream(lenient=lenient, utf8=utf8)
        else:
            stream = smtp.ReplyStream(ehlo=mode == "ehlo", lenient=lenient, utf8=utf8)
        data = f.read_bytes()
        records = run(stream, data, (1, 5, 64, 65536)[n % 4])
        got = "".join(smtp_json.record_line(r) for r in records).encode("utf-8")
        status = 0 if all(r.ok for r in records) else 1
        runs += 1
        if got != want.stdout or status != want.returncode:
            failures.append("%s %s %s" % (mode, f.relative_to(ROOT), " ".join(flags)))
    assert runs > 1000
    assert not failures, "%d of %d runs differ, e.g. %s" % (len(failures), runs, failures[:5])
