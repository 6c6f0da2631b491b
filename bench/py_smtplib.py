#!/usr/bin/env python3
"""Python's smtplib reply reading on the same input as smtp-bench.

    py_smtplib.py FILE

Feeds the file's bytes through smtplib.SMTP.getreply() with an in-memory
file in place of the socket file (no connection), best of 3 runs on the
monotonic clock, and prints MB/s=<n> items/s=<n> items=<n>. Replies only:
the standard library has no SMTP command parser.
"""
import io
import smtplib
import sys
import time


def parse(data):
    client = smtplib.SMTP()  # no host: does not connect
    client.file = io.BytesIO(data)
    size = len(data)
    replies = 0
    while client.file.tell() < size:
        code, _ = client.getreply()
        if code == -1:
            raise ValueError("bad reply at offset %d" % client.file.tell())
        replies += 1
    return replies


def main():
    if len(sys.argv) != 2:
        print("usage: py_smtplib.py FILE", file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    best = None
    items = 0
    for _ in range(3):
        start = time.monotonic()
        items = parse(data)
        elapsed = time.monotonic() - start
        best = elapsed if best is None else min(best, elapsed)
    print("MB/s=%.1f items/s=%.0f items=%d" % (len(data) / 1e6 / best, items / best, items))
    return 0


if __name__ == "__main__":
    sys.exit(main())
