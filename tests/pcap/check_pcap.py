#!/usr/bin/python3
"""The pcap tests (ctest runs both).

  check_pcap.py golden TOOL DATA_DIR
      smtp-parse session --pcap on each tests/data/pcap/*.pcap gives exactly
      the records in the .jsonl beside it, also after reorder.py cut every
      segment in two, sent the halves out of order and one twice.
  check_pcap.py capture TOOL DATA_DIR
      runs tests/pcap/regenerate.sh into a scratch directory (a fresh
      capture of the same dialogues against aiosmtpd) and checks that it
      gives the same dialogue as the golden file: the same records (dir,
      kind, verb or code, ok, error, violations, answers) in the same order.
      Ports, and the TLS octets, differ from capture to capture. Exits 77
      (skipped) where it cannot run: not root, no network namespaces, or
      tcpdump/openssl/python3-aiosmtpd missing.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile


def records(tool, pcap):
    run = subprocess.run([tool, "session", "--pcap", pcap], capture_output=True, text=True)
    if run.returncode not in (0, 1):
        sys.exit(f"smtp-parse failed ({run.returncode}): {run.stderr}")
    return run.stdout


def dialogue(jsonl):
    """Each connection's records, connections in the order they began (one
    connection's end may be written after the next one began)."""
    conns = {}
    for line in jsonl.splitlines():
        r = json.loads(line)
        key = (r["dir"], r["kind"], r.get("verb"), r.get("code"), r["ok"], r.get("error"),
               tuple(r.get("violations", [])), r.get("answers") if r["kind"] != "tls" else None)
        conns.setdefault(r["conn"], []).append(key)
    return [rec for records in conns.values() for rec in records]


def main():
    mode, tool, data = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    pcaps = sorted(glob.glob(os.path.join(data, "*.pcap")))
    if not pcaps:
        sys.exit(f"no pcap files in {data}")
    if mode == "golden":
        for pcap in pcaps:
            with open(pcap[:-5] + ".jsonl") as f:
                want = f.read()
            got = records(tool, pcap)
            if got != want:
                sys.exit(f"{pcap}: records differ from the golden file\n--- got\n{got}")
            # Segments cut, sent out of order and retransmitted: the same.
            with tempfile.TemporaryDirectory() as tmp:
                hard = os.path.join(tmp, "reordered.pcap")
                here = os.path.dirname(os.path.abspath(__file__))
                subprocess.run([sys.executable, os.path.join(here, "reorder.py"), pcap, hard],
                               check=True)
                if records(tool, hard) != want:
                    sys.exit(f"{pcap}: reordered and retransmitted segments change the records")
        print(f"golden: {len(pcaps)} captures match, also reordered and retransmitted")
        return
    if os.geteuid() != 0 or any(shutil.which(p) is None for p in ("tcpdump", "openssl", "unshare")):
        print("capture: needs root, tcpdump, openssl and unshare; skipped")
        sys.exit(77)
    if subprocess.run(["unshare", "-n", "true"]).returncode != 0:
        print("capture: no network namespaces here; skipped")
        sys.exit(77)
    if subprocess.run(["/usr/bin/python3", "-c", "import aiosmtpd"]).returncode != 0:
        print("capture: python3-aiosmtpd missing; skipped")
        sys.exit(77)
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([os.path.join(here, "regenerate.sh"), tool, tmp], check=True)
        with open(os.path.join(tmp, "aiosmtpd.jsonl")) as f:
            fresh = dialogue(f.read())
    with open(os.path.join(data, "aiosmtpd.jsonl")) as f:
        golden = dialogue(f.read())
    if fresh != golden:
        for a, b in zip(fresh, golden):
            if a != b:
                sys.exit(f"a fresh capture differs: {a} != {b}")
        sys.exit(f"a fresh capture differs in length: {len(fresh)} != {len(golden)}")
    print(f"capture: a fresh capture gives the same {len(golden)}-record dialogue")


if __name__ == "__main__":
    main()
