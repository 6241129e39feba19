#!/usr/bin/env python3
"""A keep-alive socket idle between transfers stays in epoll (src/http/curlev.c).

Two runs against the fixture server:

1. Churn: keep-alive transfers paced by the server (/delay) mixed with
   connections the server drops (/close, /cut), at -j 3, so that parked
   sockets are closed and their descriptor numbers reused by new sockets
   all the time. Every URL must get its one expected record, and the run
   must end (a watch left on a reused descriptor would hang it).
2. System calls: N requests of /delay/20 at -j 4 under strace. Each
   connection carries N/4 transfers with a pause between them; were the
   socket dropped from epoll and added back each time, that would be two
   epoll_ctl calls per request. The run must make fewer than one per
   request in all. Skipped (exit 77) where strace cannot trace.

Prints the figures.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

from run_case import Fixture

SKIP = 77
N = 40
JOBS = 4


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def churn(afetch, fixture):
    urls, want = [], []
    for i in range(60):
        kind = i % 3
        if kind == 0:
            urls.append("%s/delay/10?key=c%d" % (fixture.base, i))
            want.append(("done", 200))
        elif kind == 1:
            urls.append("%s/close" % fixture.base)
            want.append(("error", None))
        else:
            urls.append("%s/cut/10" % fixture.base)
            want.append(("error", 200))
    try:
        out = subprocess.run([afetch, "-j", "3"] + urls, capture_output=True,
                             timeout=60).stdout
    except subprocess.TimeoutExpired:
        fail("churn run did not end within 60 s")
    recs = [json.loads(line) for line in out.decode().splitlines()]
    if len(recs) != len(urls):
        fail("churn: %d records for %d URLs" % (len(recs), len(urls)))
    for rec in recs:
        state, status = want[rec["index"]]
        if rec["state"] != state or rec["status"] != status:
            fail("churn: record %d is %s/%s, want %s/%s" % (
                rec["index"], rec["state"], rec["status"], state, status))
    print("churn: %d records, each as expected" % len(recs))


def epoll_calls(afetch, fixture, workdir):
    strace = shutil.which("strace")
    if strace is None:
        print("SKIP: strace is not installed")
        sys.exit(SKIP)
    probe = subprocess.run([strace, "-o", os.devnull, "true"],
                           capture_output=True)
    if probe.returncode != 0:
        print("SKIP: strace cannot trace here: %s" %
              probe.stderr.decode(errors="replace").strip())
        sys.exit(SKIP)
    trace = os.path.join(workdir, "trace")
    urls = ["%s/delay/20?key=e%d" % (fixture.base, i) for i in range(N)]
    try:
        out = subprocess.run(
            [strace, "-f", "-qq", "-e", "trace=epoll_ctl", "-o", trace,
             afetch, "-j", str(JOBS)] + urls, capture_output=True,
            timeout=60).stdout
    except subprocess.TimeoutExpired:
        fail("traced run did not end within 60 s")
    recs = [json.loads(line) for line in out.decode().splitlines()]
    ok = sum(1 for r in recs if r["state"] == "done" and r["status"] == 200)
    if len(recs) != N or ok != N:
        fail("traced run: %d records, %d done with 200, for %d URLs" % (
            len(recs), ok, N))
    with open(trace) as f:
        calls = [line for line in f if "epoll_ctl(" in line]
    adds = sum(1 for c in calls if "EPOLL_CTL_ADD" in c)
    dels = sum(1 for c in calls if "EPOLL_CTL_DEL" in c)
    print("epoll_ctl: %d calls (%d ADD, %d DEL) for %d requests on %d "
          "connections" % (len(calls), adds, dels, N, JOBS))
    if len(calls) >= N:
        fail("%d epoll_ctl calls for %d requests: idle sockets are being "
             "dropped and added back" % (len(calls), N))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--afetch", required=True)
    ap.add_argument("--fixture", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="afetch-idle-") as workdir:
        fixture = Fixture(args.fixture, workdir)
        try:
            churn(args.afetch, fixture)
            epoll_calls(args.afetch, fixture, workdir)
        finally:
            fixture.stop()
    print("PASS")


if __name__ == "__main__":
    main()
