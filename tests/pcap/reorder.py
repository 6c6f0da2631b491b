#!/usr/bin/python3
"""Writes a harder copy of a pcap: every TCP segment with 2 or more payload
octets is cut in two, the second half is sent first, and the first half is
sent twice (a retransmission). TCP reassembly (libtins' StreamFollower) must
give the same octets, so smtp-parse must give the same records.

    reorder.py IN.pcap OUT.pcap      (Ethernet or Linux loopback, IPv4)
"""
import struct
import sys


def main():
    data = open(sys.argv[1], "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        sys.exit(f"reorder: link type {linktype} is not Ethernet")
    out = [data[:24]]
    pos = 24
    while pos + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack(endian + "IIII", data[pos:pos + 16])
        frame = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        pieces = [frame]
        if len(frame) > 34 and frame[12:14] == b"\x08\x00" and frame[23] == 6:
            ihl = (frame[14] & 0x0F) * 4
            total = struct.unpack(">H", frame[16:18])[0]
            tcp = 14 + ihl
            doff = (frame[tcp + 12] >> 4) * 4
            payload = frame[tcp + doff:14 + total]
            if len(payload) >= 2:
                seq = struct.unpack(">I", frame[tcp + 4:tcp + 8])[0]
                head = frame[:tcp + doff]
                half = len(payload) // 2

                def segment(offset, part):
                    f = bytearray(head + part)
                    struct.pack_into(">H", f, 16, ihl + doff + len(part))
                    struct.pack_into(">I", f, tcp + 4, (seq + offset) & 0xFFFFFFFF)
                    f[24:26] = b"\0\0"  # IP checksum: recomputed below
                    s = sum(struct.unpack(">%dH" % (ihl // 2), bytes(f[14:14 + ihl])))
                    while s >> 16:
                        s = (s & 0xFFFF) + (s >> 16)
                    struct.pack_into(">H", f, 24, ~s & 0xFFFF)
                    return bytes(f)

                first = segment(0, payload[:half])
                second = segment(half, payload[half:])
                pieces = [second, first, first]
        for p in pieces:
            out.append(struct.pack(endian + "IIII", sec, usec, len(p), len(p)) + p)
    open(sys.argv[2], "wb").write(b"".join(out))


if __name__ == "__main__":
    main()
