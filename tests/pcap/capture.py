#!/usr/bin/python3
"""Captures real SMTP dialogues with aiosmtpd on loopback into a pcap file.

Run as root inside a private network namespace (nothing leaves the machine):

    unshare -n /usr/bin/python3 tests/pcap/capture.py OUT.pcap

It brings up lo, makes a throw-away self-signed certificate (openssl), runs
two aiosmtpd servers (2525: no TLS, AUTH without TLS; 587: STARTTLS), and
drives them with Python's smtplib and a raw socket while `tcpdump -i lo`
writes OUT.pcap. The dialogues (one TCP connection each):

  1. STARTTLS refused: aiosmtpd without TLS answers 454; the client goes on
     in plaintext (a one-way stream would call the rest starttls_injection).
  2. STARTTLS accepted (587): smtplib starttls(), EHLO and QUIT inside TLS.
  3. AUTH PLAIN and AUTH LOGIN (smtplib login, then a raw LOGIN exchange),
     then a message.
  4. A pipelined transaction whose RCPT is refused, so DATA is refused and
     the body the client pipelined behind it is read as commands.
  5. BDAT where CHUNKING is not advertised: 500, the chunk's octets are
     command lines.

tests/pcap/regenerate.sh runs this and rewrites tests/data/pcap/.
"""
import base64
import os
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"pass"
    return AuthResult(success=ok)


def recv_until(sock, count):
    """Reads until `count` reply lines with a SP after the code arrived."""
    data = b""
    while data.count(b"\r\n") < 200:
        lines = [l for l in data.split(b"\r\n")[:-1] if len(l) >= 4 and l[3:4] == b" "]
        if len(lines) >= count:
            return data
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    return data


def raw(port, script):
    """script: a list of (bytes to send, number of final reply lines to read)."""
    with socket.create_connection((HOST, port), timeout=10) as sock:
        recv_until(sock, 1)  # greeting
        for send, replies in script:
            sock.sendall(send)
            if replies:
                recv_until(sock, replies)
        time.sleep(0.2)


def main():
    out = os.path.abspath(sys.argv[1])
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    tmp = tempfile.mkdtemp()
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=mx.example.test", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)

    plain = Controller(Handler(), hostname=HOST, port=2525, server_hostname="mx.example.test",
                       authenticator=authenticator, auth_require_tls=False)
    secure = Controller(Handler(), hostname=HOST, port=587, server_hostname="mx.example.test",
                        tls_context=tls, require_starttls=False)
    plain.start()
    secure.start()
    dump = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-w", out, "tcp port 2525 or tcp port 587"],
                            stderr=subprocess.PIPE)
    # tcpdump says "listening on lo" once it captures.
    dump.stderr.readline()
    time.sleep(0.5)
    try:
        # 1. STARTTLS refused, then a message in plaintext.
        s = smtplib.SMTP(HOST, 2525, local_hostname="client.example.com")
        s.ehlo()
        s.docmd("STARTTLS")
        s.sendmail("sender@example.com", ["rcpt@example.net"], b"Subject: t\r\n\r\nplain\r\n")
        s.quit()
        # 2. STARTTLS accepted.
        client_tls = ssl.create_default_context()
        client_tls.check_hostname = False
        client_tls.verify_mode = ssl.CERT_NONE
        s = smtplib.SMTP(HOST, 587, local_hostname="client.example.com")
        s.ehlo()
        s.starttls(context=client_tls)
        s.ehlo()
        s.quit()
        # 3. AUTH PLAIN (smtplib), then a raw AUTH LOGIN exchange after RSET
        #    in a second connection, and a message.
        s = smtplib.SMTP(HOST, 2525, local_hostname="client.example.com")
        s.ehlo()
        s.login("user", "pass")
        s.sendmail("sender@example.com", ["rcpt@example.net"], b"Subject: a\r\n\r\nauth\r\n")
        s.quit()
        raw(2525, [(b"EHLO client.example.com\r\n", 1),
                   (b"AUTH LOGIN\r\n", 1),
                   (base64.b64encode(b"user") + b"\r\n", 1),
                   (base64.b64encode(b"pass") + b"\r\n", 1),
                   (b"QUIT\r\n", 1)])
        # 4. Pipelined: RCPT refused, DATA refused, the body read as commands.
        raw(2525, [(b"EHLO client.example.com\r\n", 1),
                   (b"MAIL FROM:<sender@example.com>\r\nRCPT TO:<reject@example.net>\r\n"
                    b"DATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n", 8)])
        # 5. BDAT without CHUNKING: 500, the chunk is a command line.
        raw(2525, [(b"EHLO client.example.com\r\n", 1),
                   (b"MAIL FROM:<sender@example.com>\r\n", 1),
                   (b"RCPT TO:<rcpt@example.net>\r\n", 1),
                   (b"BDAT 6 LAST\r\nNOOP\r\n", 2),
                   (b"QUIT\r\n", 1)])
    finally:
        # Let tcpdump drain the kernel's buffer before it stops (SIGINT
        # makes it flush and close the file).
        time.sleep(1.5)
        dump.send_signal(signal.SIGINT)
        dump.wait()
        plain.stop()
        secure.stop()


if __name__ == "__main__":
    main()
