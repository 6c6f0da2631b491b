#!/bin/bash
# Rewrites tests/data/pcap/: captures aiosmtpd dialogues on loopback in a
# private network namespace (tests/pcap/capture.py) and writes the records
# smtp-parse gives for them as the golden JSON Lines. Review the diff of the
# .jsonl before committing it.
#
#   tests/pcap/regenerate.sh [SMTP_PARSE] [OUT_DIR]
#
# Needs root (unshare -n), tcpdump, openssl and python3-aiosmtpd (Debian).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tool=${1:-$here/../../build/gcc/tools/smtp-parse}
out=${2:-$here/../data/pcap}
mkdir -p "$out"
unshare -n /usr/bin/python3 "$here/capture.py" "$out/aiosmtpd.pcap" 2>/dev/null
rc=0
"$tool" session --pcap "$out/aiosmtpd.pcap" >"$out/aiosmtpd.jsonl" || rc=$?
# 1: some record is not ok (the captures break rules on purpose).
(( rc == 0 || rc == 1 )) || { echo "regenerate: smtp-parse failed ($rc)" >&2; exit 1; }
echo "regenerate: wrote $out/aiosmtpd.pcap and $out/aiosmtpd.jsonl"
