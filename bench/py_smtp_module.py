#!/usr/bin/env python3
"""The smtp Python module against Python's own SMTP parsing on the same input.

    py_smtp_module.py replies|commands FILE

replies:  smtp.ReplyStream().feed() in 64 KiB chunks against smtplib's
          SMTP.getreply() over an in-memory file (as bench/py_smtplib.py).
commands: smtp.CommandStream().feed() against the steps aiosmtpd 1.4 runs
          per command line (aiosmtpd.smtp.SMTP._handle_client: line split,
          rstrip, verb partition and decode, then for MAIL/RCPT its own
          _strip_command_keyword, _getaddr (email._header_value_parser) and
          _getparams), without the asyncio transport.

Best of 3 runs on the monotonic clock. Prints one line:
    smtp_MBps=<n> python_MBps=<n> ratio=<smtp/python> items=<n>
Needs PYTHONPATH to hold the built smtp package, and python3-aiosmtpd.
"""
import asyncio
import io
import sys
import time
import warnings

import smtp
from py_smtplib import parse as smtplib_replies  # the same smtplib loop as compare.sh

CHUNK = 64 * 1024


def smtp_stream(data, stream):
    """Records of `data` fed to `stream` in CHUNK-octet pieces."""
    n = 0
    for i in range(0, len(data), CHUNK):
        n += len(stream.feed(data[i:i + CHUNK]))
    return n + len(stream.finish())


def make_aiosmtpd():
    from aiosmtpd.smtp import SMTP
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SMTP(handler=object(), loop=asyncio.new_event_loop())


def aiosmtpd_commands(data, server):
    """aiosmtpd's per-line parsing steps, in its order (smtp.py 1.4)."""
    reader = io.BytesIO(data)
    n = 0
    for line in iter(reader.readline, b""):
        line = line.rstrip(b"\r\n")
        if not line:
            continue
        command, _, arg = line.partition(b" ")
        command = command.upper().decode(encoding="ascii", errors="replace")
        arg = arg.strip().decode("utf-8", errors="surrogateescape") if arg else None
        if command in ("MAIL", "RCPT"):
            keyword = "FROM:" if command == "MAIL" else "TO:"
            rest = server._strip_command_keyword(keyword, arg)
            address, params = server._getaddr(rest)
            if address is None:
                raise ValueError("aiosmtpd rejects %r" % line)
            if server._getparams(params.upper().split()) is None:
                raise ValueError("aiosmtpd rejects params of %r" % line)
        n += 1
    return n


def best(fn, *args):
    result, elapsed = None, None
    for _ in range(3):
        start = time.monotonic()
        result = fn(*args)
        t = time.monotonic() - start
        elapsed = t if elapsed is None else min(elapsed, t)
    return result, elapsed


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("replies", "commands"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(sys.argv[2], "rb") as f:
        data = f.read()
    if sys.argv[1] == "replies":
        ours, t_ours = best(lambda d: smtp_stream(d, smtp.ReplyStream()), data)
        theirs, t_theirs = best(smtplib_replies, data)
    else:
        server = make_aiosmtpd()
        ours, t_ours = best(lambda d: smtp_stream(d, smtp.CommandStream()), data)
        theirs, t_theirs = best(aiosmtpd_commands, data, server)
    if ours != theirs:
        print("item counts differ: smtp %d, python %d" % (ours, theirs), file=sys.stderr)
        return 1
    mb = len(data) / 1e6
    print("smtp_MBps=%.1f python_MBps=%.1f ratio=%.2f items=%d"
          % (mb / t_ours, mb / t_theirs, t_theirs / t_ours, ours))
    return 0


if __name__ == "__main__":
    sys.exit(main())
