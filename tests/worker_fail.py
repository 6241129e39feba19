#!/usr/bin/env python3
"""A worker whose event loop fails loses no record (src/par/handoff.c).

afetch_allocfail's AFETCH_FAULT_WORKER_LOOP=S makes the loops of the first
AFETCH_FAULT_WORKER_LOOPS=K worker threads return -1 after S seconds (0:
before they run), as a loop does when libevent fails. Each check fetches
N URLs of the fixture's /delay/5000 with --workers 2 -j N, so no response
can come before the fault (a transfer takes 5 s, the faults come at 0 or
0.3 s): the failed workers' transfers are in flight, or reach them after.

Every check wants exactly one record per URL, each either done with 200
(a surviving worker's) or an error `internal` whose message says the
worker's event loop failed; at least one of those; exit status 1; the
failure said on stderr; and the run over (a hang is killed at TIMEOUT and
fails).

1. One of two loops fails with transfers in flight (S=0.3, K=1).
2. One fails before it ran (S=0): its jobs are failed as they arrive.
3. Both fail (S=0.3, K=2): no loop is left, every record is internal.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

from run_case import Fixture

N = 40
DELAY_MS = 5000
TIMEOUT = 60  # seconds: a hang fails here
MESSAGE = "the worker's event loop failed"


def check(afetch, fixture, workdir, name, after, loops, all_internal):
    urls = ["%s/delay/%d?n=%d" % (fixture.base, DELAY_MS, i) for i in range(N)]
    lst = os.path.join(workdir, "urls")
    with open(lst, "w") as f:
        f.write("\n".join(urls) + "\n")
    env = dict(os.environ, AFETCH_FAULT_WORKER_LOOP=after,
               AFETCH_FAULT_WORKER_LOOPS=str(loops))
    with open(lst) as fin:
        try:
            p = subprocess.run([afetch, "--workers", "2", "-j", str(N), "--no-progress"],
                               stdin=fin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return ["%s: afetch still running after %d s" % (name, TIMEOUT)]
    errs = []
    recs = []
    for line in p.stdout.decode().splitlines():
        try:
            recs.append(json.loads(line))
        except ValueError:
            errs.append("%s: not a JSON record: %r" % (name, line[:200]))
    seen = sorted(r.get("url") for r in recs)
    if seen != sorted(urls):
        errs.append("%s: %d records for %d URLs (%d distinct)" % (
            name, len(recs), N, len(set(seen))))
    internal = 0
    for r in recs:
        err = r.get("error") or {}
        if r.get("state") == "error" and err.get("code") == "internal" and \
                err.get("message") == MESSAGE:
            internal += 1
        elif all_internal or not (r.get("state") == "done" and r.get("status") == 200):
            errs.append("%s: unexpected record %s" % (name, json.dumps(r)[:300]))
    if internal == 0:
        errs.append("%s: no record says the worker's loop failed" % name)
    if p.returncode != 1:
        errs.append("%s: exit status %d, want 1" % (name, p.returncode))
    if b"event loop failed" not in p.stderr:
        errs.append("%s: stderr does not say a loop failed: %r" % (name, p.stderr[-300:]))
    print("%s: %d records, %d internal, exit %d" % (name, len(recs), internal,
                                                     p.returncode))
    return errs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--afetch", required=True, help="afetch_allocfail")
    ap.add_argument("--fixture", required=True)
    opts = ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as workdir:
        fixture = Fixture(opts.fixture, workdir)
        try:
            failures += check(opts.afetch, fixture, workdir, "in flight", "0.3", 1, False)
            failures += check(opts.afetch, fixture, workdir, "at once", "0", 1, False)
            failures += check(opts.afetch, fixture, workdir, "both", "0.3", 2, True)
        finally:
            fixture.stop()
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
