#!/usr/bin/env python3
"""afetch's memory stays flat however long its input is.

Runs afetch twice over a pipe fed lazily by this script: N_SMALL lines, then
N_LARGE lines, one in every REAL_EVERY of them a URL on the fixture server
and the rest URLs refused without a request (ftp://), so the long run stays
quick while every line still becomes a task, a record and a line of output.
Both runs must write exactly one record per line; and unless the build is
sanitized (ASan's quarantine keeps freed memory on purpose), the peak RSS of
the long run must be within 10% (plus 2 MiB of slack for allocator noise)
of the short one's. Prints both figures.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time

from run_case import Fixture

REAL_EVERY = 100


def feed(pipe, n, port):
    """Writes n lines in batches; afetch reads them lazily."""
    try:
        batch = []
        for i in range(n):
            if i % REAL_EVERY == 0:
                batch.append("http://127.0.0.1:%d/p/%d\n" % (port, i))
            else:
                batch.append("ftp://127.0.0.1/%d\n" % i)
            if len(batch) == 10000:
                pipe.write("".join(batch).encode())
                batch = []
        pipe.write("".join(batch).encode())
    except BrokenPipeError:
        pass
    finally:
        try:
            pipe.close()
        except BrokenPipeError:
            pass


def run(afetch, n, port):
    """Returns (records, errors in the records, peak RSS in KiB)."""
    proc = subprocess.Popen([afetch, "-j", "50"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    writer = threading.Thread(target=feed, args=(proc.stdin, n, port))
    writer.start()
    records = done = 0
    for line in proc.stdout:
        records += 1
        if b'"state":"done"' in line:
            done += 1
    writer.join()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return records, done, usage.ru_maxrss, proc.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--afetch", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--small", type=int, default=10000)
    ap.add_argument("--large", type=int, default=1000000)
    ap.add_argument("--sanitized", action="store_true")
    opts = ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as workdir:
        fixture = Fixture(opts.fixture, workdir)
        port = fixture.port
        try:
            results = {}
            for n in (opts.small, opts.large):
                t0 = time.monotonic()
                records, done, rss, status = run(opts.afetch, n, port)
                results[n] = rss
                want_done = (n + REAL_EVERY - 1) // REAL_EVERY
                print("%9d lines: %d records, %d done, peak RSS %d KiB, "
                      "exit %d, %.1f s" % (n, records, done, rss, status,
                                           time.monotonic() - t0))
                if records != n:
                    failures.append("%d lines gave %d records" % (n, records))
                if done != want_done:
                    failures.append("%d lines: %d done, want %d" %
                                    (n, done, want_done))
                if status != 1:
                    failures.append("%d lines: exit %d, want 1 (ftp:// "
                                    "lines are errors)" % (n, status))
        finally:
            fixture.stop()
    small, large = results.get(opts.small), results.get(opts.large)
    if small and large:
        print("ratio %.3f" % (large / small))
        if not opts.sanitized and large > small * 1.10 + 2048:
            failures.append("peak RSS grew from %d KiB to %d KiB" %
                            (small, large))
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
