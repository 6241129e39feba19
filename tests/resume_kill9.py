#!/usr/bin/env python3
"""--resume after kill -9 re-fetches nothing already done and loses nothing.

First run: afetch appends to out.jsonl (as `>> out.jsonl`) over 300 URLs,
each with its own fixture counter key, and is killed with SIGKILL once 100
records are in the file. Second run: the same command with --resume
out.jsonl. Then: every index has exactly one done record among the whole
lines of the file; no URL was requested twice if the first run recorded it
done (the fixture's per-key counters); and the cut-off line the kill may have
left is ended before the second run's records.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from run_case import Fixture

N = 300


def count_lines(path):
    with open(path, "rb") as f:
        return f.read().count(b"\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--afetch", required=True)
    ap.add_argument("--fixture", required=True)
    opts = ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as workdir:
        fixture = Fixture(opts.fixture, workdir)
        port = fixture.port
        try:
            base = "http://127.0.0.1:%d" % port
            urls = os.path.join(workdir, "urls.txt")
            with open(urls, "w") as f:
                for i in range(N):
                    f.write("%s/delay/%d?key=u%d\n" % (base, 5 + i % 20, i))
            out = os.path.join(workdir, "out.jsonl")
            cmd = [opts.afetch, "-j", "4", "--resume", out]

            with open(urls) as fin, open(out, "ab") as fout:
                first = subprocess.Popen(cmd, stdin=fin, stdout=fout)
                # Waiting on the file the process writes: bounded.
                deadline = time.monotonic() + 60
                while count_lines(out) < 100:
                    if first.poll() is not None or \
                            time.monotonic() > deadline:
                        break
                    time.sleep(0.005)
                first.send_signal(signal.SIGKILL)
                first.wait()
            done_first = set()
            with open(out, "rb") as f:
                raw = f.read()
            for line in raw.split(b"\n")[:-1]:
                rec = json.loads(line)
                if rec["state"] == "done":
                    done_first.add(rec["url"])
            print("first run: %d lines, %d done, cut-off tail: %s" %
                  (raw.count(b"\n"), len(done_first),
                   "yes" if not raw.endswith(b"\n") else "no"))

            with open(urls) as fin, open(out, "ab") as fout:
                second = subprocess.run(cmd, stdin=fin, stdout=fout,
                                        timeout=120)
            if second.returncode != 0:
                failures.append("second run exit %d" % second.returncode)

            by_index = {}
            with open(out, "rb") as f:
                lines = f.read().split(b"\n")
            if lines[-1] != b"":
                failures.append("the file does not end with a newline")
            whole = 0
            for line in lines[:-1]:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue        # the one line cut by the kill
                whole += 1
                if rec["state"] == "done":
                    by_index.setdefault(rec["index"], []).append(rec)
            missing = [i for i in range(N) if i not in by_index]
            twice = [i for i, r in by_index.items() if len(r) > 1]
            if missing:
                failures.append("no done record for %d indexes, e.g. %s" %
                                (len(missing), missing[:5]))
            if twice:
                failures.append("%d indexes done twice, e.g. %s" %
                                (len(twice), twice[:5]))
            counters = json.loads(fixture.get("/stats"))["counters"]
            refetched = [u for u in done_first
                         if counters.get(u.rsplit("key=", 1)[1], 0) > 1]
            if refetched:
                failures.append("%d done URLs fetched again, e.g. %s" %
                                (len(refetched), refetched[:3]))
            print("after resume: %d whole records, %d indexes done" %
                  (whole, len(by_index)))
        finally:
            fixture.stop()
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
