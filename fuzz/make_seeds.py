#!/usr/bin/env python3
"""Writes the hand-made and real-world seeds of every fuzz target.

    fuzz/make_seeds.py [REALWORLD_DIR] [--corpus DIR]

Seeds go to corpus/<target>/<sha1 of the content> (--corpus: DIR/<target>/). The real-world captures
(default tests/data/realworld, the repo's copy of /work/shared/realworld) are
cut into lines, replies and whole streams; the cuts are the seeds. Running it
again only adds files; `make fuzz` minimizes the corpus with -merge=1.
"""
import argparse
import hashlib
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "corpus")

COMMANDS = [
    # every command, with and without arguments
    b"HELO client.example.com\r\n", b"EHLO client.example.com\r\n", b"EHLO [127.0.0.1]\r\n",
    b"EHLO [IPv6:::1]\r\n", b"EHLO [IPv6:2001:db8::1]\r\n", b"EHLO [IPv6:1:2:3:4:5:6:7:8]\r\n",
    b"EHLO [IPv6:::ffff:192.0.2.1]\r\n", b"EHLO [IPv6:1:2:3:4:5:6:192.0.2.1]\r\n",
    b"EHLO [x-tag:content]\r\n", b"HELO [127.0.0.1]\r\n", b"EHLO bad_domain!!\r\n", b"EHLO\r\n",
    b"HELO\r\n", b"EHLO a.\r\n", b"EHLO -a.b\r\n", b"EHLO a-.b\r\n", b"EHLO a..b\r\n",
    b"EHLO " + b"a" * 64 + b".com\r\n", b"EHLO " + b"a" * 63 + b".com\r\n",
    b"EHLO " + b".".join([b"a" * 63] * 4) + b"\r\n",
    b"EHLO [256.0.0.1]\r\n", b"EHLO [IPv6:1::2::3]\r\n", b"EHLO [IPv6:1.2.3.4]\r\n",
    b"EHLO [ipv6:1:2:3:4:5:6:7::]\r\n", b"EHLO b\xc3\xbccher.de\r\n",
    b"MAIL FROM:<sender@example.com>\r\n", b"MAIL FROM:<>\r\n", b"mail from:<a@b>\r\n",
    b"MAIL FROM: <sender@example.com>\r\n", b"MAIL FROM:sender@example.com\r\n",
    b"MAIL FROM <sender@example.com>\r\n", b"MAIL FROM:<;cmd;>\r\n", b"MAIL FROM:<a@b>;cmd\r\n",
    b"MAIL FROM:<@relay.example,@b.example:user@example.com>\r\n",
    b"MAIL FROM:<\"quoted string\"@example.com>\r\n", b"MAIL FROM:<\"q\\\"x\"@example.com>\r\n",
    b"MAIL FROM:<user@[192.0.2.1]>\r\n", b"MAIL FROM:<user@[IPv6:::1]>\r\n",
    b"MAIL FROM:<" + b"l" * 64 + b"@example.com>\r\n",
    b"MAIL FROM:<" + b"l" * 65 + b"@example.com>\r\n",
    b"MAIL FROM:<a@" + b".".join([b"d" * 60] * 4) + b">\r\n",
    b"MAIL FROM:<j\xc3\xbcrgen@example.com> SMTPUTF8\r\n",
    b"MAIL FROM:<a@b> SIZE=1000\r\n", b"MAIL FROM:<a@b> SIZE=0\r\n",
    b"MAIL FROM:<a@b> SIZE=18446744073709551615\r\n", b"MAIL FROM:<a@b> SIZE=18446744073709551616\r\n",
    b"MAIL FROM:<a@b> SIZE=999999999999999999999\r\n", b"MAIL FROM:<a@b> SIZE=\r\n",
    b"MAIL FROM:<a@b> BODY=8BITMIME\r\n", b"MAIL FROM:<a@b> BODY=7BIT\r\n",
    b"MAIL FROM:<a@b> BODY=BINARYMIME\r\n", b"MAIL FROM:<a@b> BODY=9BIT\r\n",
    b"MAIL FROM:<a@b> SMTPUTF8\r\n", b"MAIL FROM:<a@b> SMTPUTF8=YES\r\n",
    b"MAIL FROM:<a@b> RET=FULL\r\n", b"MAIL FROM:<a@b> RET=HDRS ENVID=QQ314159\r\n",
    b"MAIL FROM:<a@b> ENVID=a+2Bb\r\n", b"MAIL FROM:<a@b> ENVID=a+2bb\r\n",
    b"MAIL FROM:<a@b> ENVID=" + b"e" * 101 + b"\r\n", b"MAIL FROM:<a@b> AUTH=<>\r\n",
    b"MAIL FROM:<a@b> AUTH=user+40example.com\r\n", b"MAIL FROM:<a@b> REQUIRETLS\r\n",
    b"MAIL FROM:<a@b> FOO=BAR\r\n", b"MAIL FROM:<a@b> X-EXT\r\n", b"MAIL FROM:<a@b> SIZE=1 SIZE=2\r\n",
    b"MAIL FROM:<a@b> NOTIFY=NEVER\r\n", b"MAIL FROM:<a@b>  SIZE=1\r\n", b"MAIL FROM:<a@b> \r\n",
    b"RCPT TO:<rcpt@example.net>\r\n", b"RCPT TO:<Postmaster>\r\n", b"RCPT TO:<postmaster>\r\n",
    b"RCPT TO:<Postmaster@example.net>\r\n", b"RCPT TO:<>\r\n", b"RCPT TO:root@localhost\r\n",
    b"RCPT TO:<a@b> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a@b\r\n", b"RCPT TO:<a@b> NOTIFY=NEVER\r\n",
    b"RCPT TO:<a@b> NOTIFY=NEVER,DELAY\r\n", b"RCPT TO:<a@b> NOTIFY=SUCCESS,SUCCESS\r\n",
    b"RCPT TO:<a@b> ORCPT=rfc822;a+2Bb@c\r\n", b"RCPT TO:<a@b> SIZE=10\r\n",
    b"RCPT TO: <a@b>\r\n",
    b"DATA\r\n", b"DATA x\r\n", b"DATA \r\n", b"RSET\r\n", b"QUIT\r\n", b"STARTTLS\r\n",
    b"VRFY root\r\n", b"VRFY\r\n", b"EXPN staff SMTPUTF8\r\n", b"EXPN staff\r\n",
    b"VRFY \"a b\"\r\n", b"HELP\r\n", b"HELP MAIL\r\n", b"NOOP\r\n", b"NOOP hello\r\n",
    b"NOOP hello world\r\n", b"NOOP \r\n", b"NOOPx\r\n", b"FOO bar\r\n", b"\r\n", b" NOOP\r\n",
    b"BDAT 29 LAST\r\n", b"BDAT 0\r\n", b"BDAT 18446744073709551615\r\n",
    b"BDAT 18446744073709551616\r\n", b"BDAT x\r\n", b"BDAT 10 last\r\n",
    b"AUTH PLAIN\r\n", b"AUTH PLAIN AHVzZXIAcGFzcw==\r\n", b"AUTH LOGIN dXNlcg==\r\n",
    b"AUTH PLAIN =\r\n", b"AUTH CRAM-MD5\r\n", b"AUTH XOAUTH2 abc\r\n", b"AUTH bad/mech\r\n",
    b"AUTH ABCDEFGHIJKLMNOPQRSTU\r\n", b"auth plain " + b"QUFB" * 3000 + b"\r\n",
    # line shapes
    b"NOOP\n", b"NOOP\r", b"NOOP\rRSET\r\n", b"NOOP\x00x\r\n", b"NOOP \xff\xfe\r\n",
    b"NOOP\r\n\r\n", b"NOOP", b"NOOP \t\r\n", b"NOOP  x\r\n", b"NOOP \xc3\x28\r\n",
    b"NOOP " + b"a" * 505 + b"\r\n", b"NOOP " + b"a" * 506 + b"\r\n",
]

REPLIES = [
    b"250 OK\r\n", b"250\r\n", b"250-\r\n250 x\r\n", b"250 \r\n", b"250-x\r\n250\r\n",
    b"220 mail.example.test ESMTP Postfix (Debian/GNU)\r\n", b"221 2.0.0 Bye\r\n",
    b"250 2.1.0 Ok\r\n", b"550 5.1.1 <x@y>: Recipient address rejected\r\n",
    b"451 4.3.0 try later\r\n", b"250 4.0.0 class mismatch\r\n", b"250 2.0.0\r\n",
    b"250 2.0000.0 x\r\n", b"250 2.0.0x\r\n", b"354 End data with <CR><LF>.<CR><LF>\r\n",
    b"250- 29 byte chunk, total 29\r\n250 OK id=1\r\n", b"250-a\r\n251 b\r\n", b"250-a\r\n",
    b"250 a\r\nextra", b"25\r\n", b"2x0 x\r\n", b"600 x\r\n", b"260 x\r\n", b"250x\r\n",
    b"250 a\n", b"250 a\rb\r\n", b"250 caf\xc3\xa9\r\n", b"250 \t tab\r\n", b"214-a\r\n214-b\r\n214 c\r\n",
    b"250 OK \r\n", b"501 " + b"x" * 1115 + b"\r\n", b"250 " + b"x" * 506 + b"\r\n",
    b"".join(b"250-l%d\r\n" % i for i in range(1000)) + b"250 end\r\n",
]

EHLOS = [
    b"250-mail.example.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n"
    b"250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n"
    b"250 CHUNKING\r\n",
    b"250-mail.example.test Hello client.example.com [127.0.0.1]\r\n250-SIZE 52428800\r\n"
    b"250-8BITMIME\r\n250-PIPELINING\r\n250-PIPECONNECT\r\n250-AUTH PLAIN LOGIN\r\n"
    b"250-CHUNKING\r\n250-STARTTLS\r\n250-PRDR\r\n250 HELP\r\n",
    b"250 mail.example.test\r\n", b"250 2.0.0 Ok\r\n", b"250-d\r\n250 AUTH=LOGIN PLAIN\r\n",
    b"250-d\r\n250-AUTH=LOGIN\r\n250 AUTH LOGIN\r\n", b"250-d\r\n250 SIZE 100 \r\n",
    b"250-d\r\n250 SIZE  100\r\n", b"250-d\r\n250 \r\n", b"250-d\r\n250-\r\n250 x\r\n",
    b"250-d \r\n250 X\r\n", b"250-bad_domain\r\n250 X\r\n", b"250\r\n", b"220 d\r\n",
    b"250-d\r\n250 -X\r\n", b"250-d\r\n250 X-Y Z\r\n", b"250-d\r\n250 SIZE\r\n",
    b"250-d\r\n250 SIZE 99999999999999999999999\r\n", b"250-d\r\n250 STARTTLS\xc3\xa9\r\n",
    b"250-d greet\r\n250- 29 byte chunk\r\n250 OK\r\n", b"250 [127.0.0.1]\r\n",
    b"250-d\n250 X\n", b"250-d\r\n250 X\tY\r\n",
]

STREAMS = [
    b"EHLO c.example\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n..dot\r\n.\r\nQUIT\r\n",
    b"DATA\r\nx\n.\nMAIL FROM:<evil@x>\r\n.\r\n", b"DATA\r\nx\r\n.\nRSET\r\n.\r\n",
    b"DATA\r\nx\n.\r\nRSET\r\n.\r\n", b"DATA\r\nx\r.\rRSET\r\n.\r\n", b"DATA\r\nx\r\n.\x00\r\n.\r\n",
    b"DATA\r\n.\r\n", b"DATA\r\n..\r\n.\r\n", b"DATA\r\nno end", b"DATA\n.\r\n",
    b"DATA\r\n" + b"d" * 998 + b"\r\n.\r\n", b"DATA\r\n" + b"d" * 999 + b"\r\n.\r\n",
    b"BDAT 5 LAST\r\n\r\n.\r\nQUIT\r\n", b"BDAT 0\r\nQUIT\r\n", b"BDAT 10\r\nshort",
    b"BDAT 18446744073709551615\r\nabc", b"BDAT 18446744073709551616\r\nQUIT\r\n",
    b"STARTTLS\r\nMAIL FROM:<evil@x>\r\n", b"STARTTLS\r\n\x16\x03\x01\x00\x05hello",
    b"STARTTLS\r\n", b"STARTTLS x\r\nNOOP\r\n",
    b"AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\nNOOP\r\n", b"AUTH PLAIN\r\n*\r\nNOOP\r\n",
    b"AUTH PLAIN\r\nnot base64!\r\nNOOP\r\n", b"AUTH LOGIN dXNlcg==\r\ncGFzcw==\r\n",
    b"AUTH CRAM-MD5\r\nabcd\r\n", b"AUTH PLAIN =\r\nNOOP\r\n", b"AUTH PLAIN\r\n\r\n",
    b"NOOP\nRSET\r\n", b"NOOP\rRSET\r\n", b"FOO\r\n" * 3, b"a" * 600 + b"\r\nNOOP\r\n",
    b"NOOP" + b" x" * 300, b"MAIL FROM:<a@b>\r\nDATA\r\n.\r\n",
]

REPLY_STREAMS = [
    b"220 mail.example.test ESMTP\r\n250-mail.example.test\r\n250-PIPELINING\r\n250 SIZE 100\r\n"
    b"250 2.1.0 Ok\r\n354 go\r\n250 2.0.0 queued\r\n221 2.0.0 Bye\r\n",
    b"250-x\r\n250\r\n", b"250-x\r\n251 y\r\n250 z\r\n", b"250 \r\n250 a\r\n", b"25\r\n250 a\r\n",
    b"250-a\r\n" * 5 + b"250 b\r\n", b"250 a\n250 b\r\n", b"250-d\r\n250 AUTH=LOGIN\r\n220 x\r\n",
    b"250 a\r\n250-b", b"x" * 600 + b"\r\n250 ok\r\n",
]


def write(target, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)


def split_lines(data):
    out, b = [], 0
    while b < len(data):
        e = data.find(b"\n", b)
        e = len(data) if e < 0 else e + 1
        out.append(data[b:e])
        b = e
    return out


def split_replies(data):
    replies, cur = [], b""
    for line in split_lines(data):
        cur += line
        if len(line) < 4 or line[3:4] != b"-":
            replies.append(cur)
            cur = b""
    if cur:
        replies.append(cur)
    return replies


# Stream headers (see fuzz/fuzz_common.h): options byte, chunk seed, shape.
CMD_HEADERS = [b"\x00\x07\x10", b"\x01\x03\x02", b"\x06\x09\x01", b"\x0c\x2a\x05"]
REPLY_HEADERS = [b"\x00\x07\x10", b"\x10\x03\x02", b"\x11\x09\x01", b"\x14\x05\x03"]


def main():
    global CORPUS
    ap = argparse.ArgumentParser(description="Writes the seeds of every fuzz target.")
    ap.add_argument("realworld", nargs="?", default=os.path.join(ROOT, "tests/data/realworld"))
    ap.add_argument("--corpus", default=CORPUS, help="directory of the per-target corpora")
    args = ap.parse_args()
    CORPUS = args.corpus
    copy = args.realworld
    if not os.path.isdir(copy):
        copy = "/work/shared/realworld"
    for c in COMMANDS:
        for t in ("command_line", "differential", "policy"):
            write(t, c)
    for r in REPLIES:
        for t in ("reply_line", "differential", "policy"):
            write(t, r)
    for e in EHLOS:
        for t in ("ehlo_reply", "differential", "policy"):
            write(t, e)
    for i, s in enumerate(STREAMS):
        write("command_stream", CMD_HEADERS[i % len(CMD_HEADERS)] + s)
        write("c_api", CMD_HEADERS[i % len(CMD_HEADERS)] + s)
        write("session_oneway", CMD_HEADERS[(i + 2) % len(CMD_HEADERS)] + s)
        write("command_stream_structured", CMD_HEADERS[(i + 1) % len(CMD_HEADERS)] + s)
        write("policy", s)
    for i, s in enumerate(REPLY_STREAMS):
        write("reply_stream", REPLY_HEADERS[i % len(REPLY_HEADERS)] + s)
        # c_api: byte 0 bit 5 picks the reply stream.
        h = REPLY_HEADERS[i % len(REPLY_HEADERS)]
        write("c_api", bytes([h[0] | 0x20]) + h[1:] + s)
        write("command_stream_structured", b"\x30\x05\x04" + s)
        write("policy", s)
    # data: header, mode byte (bit0 BDAT, bit1 16-bit size, bit2 LAST), body
    bodies = [b"Subject: x\r\n\r\nbody\r\n.\r\n", b".\r\n", b"..x\r\n.\r\n", b"x\n.\nRSET\r\n.\r\n",
              b"x\r\n.\nRSET\r\n.\r\n", b"x\n.\r\n.\r\n", b"x\r.\rRSET\r\n.\r\n", b"a\x00b\r\n.\r\n",
              b"\xff 8bit\r\n.\r\n", b"d" * 998 + b"\r\n.\r\n", b"d" * 999 + b"\r\n.\r\n",
              b"no end", b"x\r\n.\r\nQUIT\r\n", b".\n.\r\n", b"\r\n.\r\n"]
    for i, b in enumerate(bodies):
        write("data", b"\x00\x07\x10\x00" + b)
        write("data", b"\x05\x01\x00\x00" + b)
    write("data", b"\x00\x07\x10\x05\x1d" + b"x" * 29 + b"QUIT\r\n")
    write("data", b"\x00\x07\x10\x01\x00QUIT\r\n")
    write("data", b"\x00\x07\x10\x03\x01\x00" + b"y" * 300)
    write("data", b"\x00\x07\x10\x01\x10short")

    # session_dialogue: the input bytes are the dialogue generator's choices.
    for n in range(8):
        write("session_dialogue", bytes((n * 37 + k * (n + 3)) % 256 for k in range(16 + 8 * n)))

    if os.path.isdir(copy):
        for dirpath, _, files in os.walk(copy):
            # session_split: header, where the client's octets end (a fraction
            # of 255), the client's octets, then the server's.
            for name in sorted(files):
                if not name.endswith(".sent"):
                    continue
                reply = os.path.join(dirpath, name[:-len(".sent")] + ".reply")
                if not os.path.exists(reply):
                    continue
                with open(os.path.join(dirpath, name), "rb") as f:
                    client = f.read()
                with open(reply, "rb") as f:
                    server = f.read()
                both = client + server
                if both and len(both) <= 16384:
                    cut = min(255, -(-len(client) * 255 // len(both)))
                    write("session_split", b"\x00\x07\x10" + bytes([cut]) + both)
            for name in sorted(files):
                path = os.path.join(dirpath, name)
                with open(path, "rb") as f:
                    data = f.read()
                if name.endswith((".sent", ".cmds")):
                    write("command_stream", b"\x00\x07\x10" + data)
                    write("command_stream", b"\x01\x03\x40" + data)
                    write("command_stream_structured", b"\x01\x07\x10" + data)
                    write("session_oneway", b"\x00\x07\x10" + data)
                    write("c_api", b"\x01\x03\x40" + data)
                    for line in split_lines(data)[:40]:
                        if len(line) <= 2048:
                            write("command_line", line)
                            write("differential", line)
                    if b"DATA\r\n" in data:
                        write("data", b"\x00\x07\x10\x00" + data.split(b"DATA\r\n", 1)[1])
                elif name.endswith(".reply"):
                    write("reply_stream", b"\x10\x07\x10" + data)
                    write("reply_stream", b"\x01\x03\x40" + data)
                    write("command_stream_structured", b"\x31\x07\x10" + data)
                    write("c_api", b"\x30\x07\x10" + data)
                    for reply in split_replies(data):
                        write("reply_line", reply)
                        write("differential", reply)
                        if reply.startswith(b"250"):
                            write("ehlo_reply", reply)


if __name__ == "__main__":
    main()
