#!/usr/bin/env python3
"""afetch --merge on the outputs of real runs, and on a large input.

Real runs against the fixture: 300 URLs on three hosts split with
--shard K/2 (index is the line's ordinal in the whole input, so the
shards' indexes interleave). Shard 1 is killed with SIGKILL once 30 of
its records are out, a cut-off record is left at the end of its file, and
the same command with --resume finishes it in the same file. Then:

- the two outputs merge into one done record per index, in index order,
  each with its line's URL; the cut line is noted and skipped; exit 0;
- the same records shuffled into three files, with shard 0's output given
  twice, merge to the same bytes, the copies counted as duplicates;
- shard 0's output alone: the indexes of shard 1 are missing: exit 1;
- a shard of another URL list: its indexes conflict: exit 1;
- an unreadable input: exit 2 and nothing on stdout; no file: exit 2.

A large input out of order (--large records, 300,000 by default) with
--merge-buffer 1 MiB: many spill files, merged in cascade; the output is
every index once; the peak RSS is reported (and must stay under 32 MiB);
$TMPDIR is empty afterwards, after a failed output (/dev/full) and after a
SIGKILL in the middle of the merge (spill files are unlinked when made).

With --allocfail (afetch_allocfail, tests/allocfail): a merge that spills,
with its Nth allocation failing for N over a sample of its allocations:
each run exits 0 with the whole output or 1 with a message about memory, and no
spill file is left.
"""

import argparse
import json
import math
import os
import random
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


def run_merge(afetch, files, cwd, env=None, extra=()):
    summary = os.path.join(cwd, "summary.json")
    if os.path.exists(summary):
        os.unlink(summary)
    r = subprocess.run([afetch, "--merge", "--summary-json", summary] +
                       list(extra) + files, cwd=cwd, env=env,
                       capture_output=True)
    st = json.load(open(summary)) if os.path.exists(summary) else None
    return r, st


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--afetch", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--large", type=int, default=300000)
    ap.add_argument("--sanitized", action="store_true")
    ap.add_argument("--allocfail", help="afetch_allocfail, for a sweep")
    opts = ap.parse_args()
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
            print("FAILED: " + what)

    with tempfile.TemporaryDirectory() as w:
        fixture = Fixture(opts.fixture, w)
        try:
            port = fixture.port
            hosts = ["127.0.0.1", "127.0.0.2", "localhost"]
            urls = ["http://%s:%d/delay/%d?key=m%d"
                    % (hosts[i % 3], port, 5 + i % 15, i) for i in range(N)]
            listf = os.path.join(w, "urls.txt")
            with open(listf, "w") as f:
                f.write("".join(u + "\n" for u in urls))
            other = os.path.join(w, "other.txt")
            with open(other, "w") as f:
                f.write("".join(u.replace("key=", "key=x") + "\n"
                                for u in urls))

            out0 = os.path.join(w, "out0.jsonl")
            with open(out0, "wb") as f:
                subprocess.run([opts.afetch, "-j", "8", "--shard", "0/2",
                                "-i", listf], stdout=f, check=True)
            out1 = os.path.join(w, "out1.jsonl")
            cmd = [opts.afetch, "-j", "4", "--shard", "1/2", "-i", listf,
                   "--resume", out1]
            with open(out1, "ab") as f:
                p = subprocess.Popen(cmd, stdout=f)
                deadline = time.monotonic() + 60
                while count_lines(out1) < 30 and p.poll() is None and \
                        time.monotonic() < deadline:
                    time.sleep(0.005)
                p.send_signal(signal.SIGKILL)
                p.wait()
            killed_at = count_lines(out1)
            check(killed_at < 100, "shard 1 ended before the kill")
            with open(out1, "ab") as f:
                f.write(b'{"index":1,"url":"http://127.0.0.2:1/","sta')
            with open(out1, "ab") as f:
                subprocess.run(cmd, stdout=f)
            conflict = os.path.join(w, "conflict.jsonl")
            with open(conflict, "wb") as f:
                subprocess.run([opts.afetch, "-j", "8", "--shard", "1/2",
                                "-i", other], stdout=f)

            r, st = run_merge(opts.afetch, ["out0.jsonl", "out1.jsonl"], w)
            check(r.returncode == 0, "merge of the shards exited %d: %s"
                  % (r.returncode, r.stderr.decode()))
            recs = [json.loads(ln) for ln in r.stdout.decode().splitlines()]
            check([x["index"] for x in recs] == list(range(N)),
                  "not one record per index in order")
            check(all(x["url"] == urls[x["index"]] and x["state"] == "done"
                      for x in recs), "a record with a wrong url or not done")
            check(st is not None and st["cut_lines"] == 1 and
                  st["missing"] == 0 and st["conflicts"] == 0,
                  "summary of the shards' merge: %s" % st)
            check(b"cut off" in r.stderr, "no note about the cut line")
            merged = r.stdout

            # Shuffled into three files, shard 0 given twice.
            lines = open(out0, "rb").read().splitlines(True) + \
                open(out1, "rb").read().splitlines(True)
            random.Random(5).shuffle(lines)
            names = []
            for k in range(3):
                names.append("shuffled%d.jsonl" % k)
                with open(os.path.join(w, names[-1]), "wb") as f:
                    f.write(b"".join(lines[k::3]))
            r, st = run_merge(opts.afetch, names + ["out0.jsonl"], w)
            check(r.returncode == 0 and r.stdout == merged,
                  "shuffled inputs did not merge to the same bytes (exit %d)"
                  % r.returncode)
            check(st is not None and
                  st["duplicates"] == st["records_read"] - N and
                  st["duplicates"] >= count_lines(out0),
                  "duplicates in the shuffled merge: %s" % st)

            # Shard 0 alone: shard 1's indexes are missing.
            r, st = run_merge(opts.afetch, ["out0.jsonl"], w)
            idx = [json.loads(ln)["index"]
                   for ln in open(out0, encoding="utf-8")]
            want = sorted(set(range(max(idx) + 1)) - set(idx))
            check(r.returncode == 1, "missing indexes exited %d"
                  % r.returncode)
            check(st is not None and st["missing"] == len(want) and
                  st["missing_indexes"] == want[:10],
                  "missing: %s, want %d from %s" % (st, len(want), want[:10]))

            # Another list's shard 1 against this one's: conflicts.
            r, st = run_merge(opts.afetch, ["out1.jsonl", "conflict.jsonl"],
                              w)
            check(r.returncode == 1 and st is not None and
                  st["conflicts"] == count_lines(conflict),
                  "conflicts: exit %d, %s" % (r.returncode, st))

            r, st = run_merge(opts.afetch, ["out0.jsonl", "nonexistent"], w)
            check(r.returncode == 2 and r.stdout == b"" and st is None,
                  "an unreadable input: exit %d, %d bytes out"
                  % (r.returncode, len(r.stdout)))
            r = subprocess.run([opts.afetch, "--merge"], capture_output=True)
            check(r.returncode == 2 and r.stdout == b"" and
                  len(r.stderr.splitlines()) == 1,
                  "--merge without files: exit %d" % r.returncode)
        finally:
            fixture.stop()

        large(opts, w, check)
        if opts.allocfail:
            allocfail(opts, w, check)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


def large(opts, w, check):
    n = opts.large
    tmp = os.path.join(w, "spill")
    os.mkdir(tmp)
    env = dict(os.environ, TMPDIR=tmp)
    # Out of order without a list in memory: the peak RSS that wait4
    # reports for the child includes this process's pages before exec.
    step = next(a for a in range(7919, n + 7919) if math.gcd(a, n) == 1)
    big = os.path.join(w, "big.jsonl")
    pad = "x" * 100
    with open(big, "w") as f:
        for k in range(n):
            i = k * step % n
            f.write('{"index":%d,"url":"http://h%d.test/%d","state":"done",'
                    '"pad":"%s"}\n' % (i, i % 1000, i, pad))
    cmd = [opts.afetch, "--merge", "--merge-buffer", "1048576",
           "--summary-json", os.path.join(w, "big.json"), big]
    out = os.path.join(w, "big.out")
    start = time.monotonic()
    with open(out, "wb") as f:
        p = subprocess.Popen(cmd, stdout=f, env=env)
        _, status, ru = os.wait4(p.pid, 0)
    took = time.monotonic() - start
    rc = os.waitstatus_to_exitcode(status)
    st = json.load(open(os.path.join(w, "big.json")))
    print("large: %d records out of order, --merge-buffer 1 MiB: %d spill "
          "files, %.1f s, peak RSS %.1f MiB"
          % (n, st["spill_files"], took, ru.ru_maxrss / 1024.0))
    check(rc == 0, "large merge exited %d" % rc)
    check(st["spill_files"] > 16, "large merge spilled only %d files"
          % st["spill_files"])
    if not opts.sanitized:
        check(ru.ru_maxrss < 32 * 1024, "peak RSS %d KiB" % ru.ru_maxrss)
    ok = True
    with open(out, "rb") as f:
        for i, ln in enumerate(f):
            if not ln.startswith(b'{"index":%d,' % i):
                ok = False
                break
    check(ok and i == n - 1, "large merge: not every index once in order")
    check(os.listdir(tmp) == [], "spill files left: %s" % os.listdir(tmp))

    r = subprocess.run(cmd, stdout=open("/dev/full", "wb"), env=env,
                       stderr=subprocess.PIPE)
    check(r.returncode == 1, "to /dev/full: exit %d" % r.returncode)
    check(os.listdir(tmp) == [], "spill files left after a failed output")

    # SIGKILL once a spill file is open: none is left behind.
    with open(os.devnull, "wb") as f:
        p = subprocess.Popen(cmd, stdout=f, env=env)
        deadline = time.monotonic() + 60
        spilling = False
        while not spilling and p.poll() is None and \
                time.monotonic() < deadline:
            try:
                spilling = any(os.readlink("/proc/%d/fd/%s" % (p.pid, fd))
                               .startswith(tmp + "/")
                               for fd in os.listdir("/proc/%d/fd" % p.pid))
            except OSError:
                pass
            time.sleep(0.001)
        p.send_signal(signal.SIGKILL)
        p.wait()
    check(spilling, "never saw a spill file open")
    check(os.listdir(tmp) == [], "spill files left after SIGKILL")


def allocfail(opts, w, check):
    """Each allocation of a merge that spills fails in turn: the merge
    then exits 0 with the whole output, or 1 with an "out of memory"
    message about memory, never crashes, and leaves no spill file."""
    n = 3000
    tmp = os.path.join(w, "spill-af")
    os.mkdir(tmp)
    src = os.path.join(w, "af.jsonl")
    with open(src, "w") as f:
        for k in range(n):
            i = k * 7 % n
            f.write('{"index":%d,"url":"u%d","state":"done"}\n' % (i, i))
    want = "".join('{"index":%d,"url":"u%d","state":"done"}\n' % (i, i)
                   for i in range(n)).encode()
    count = os.path.join(w, "af.count")
    cmd = [opts.allocfail, "--merge", "--merge-buffer", "65536", src]
    env = dict(os.environ, TMPDIR=tmp, AFETCH_ALLOCFAIL_REPORT=count)
    r = subprocess.run(cmd, env=env, capture_output=True)
    check(r.returncode == 0 and r.stdout == want, "allocfail: clean run")
    total = int(open(count).read().split()[0])
    ns = sorted(set(range(1, total + 1, max(1, total // 150))) |
                set(range(1, min(total, 40) + 1)))
    bad = []
    for k in ns:
        env = dict(os.environ, TMPDIR=tmp, AFETCH_ALLOCFAIL=str(k))
        r = subprocess.run(cmd, env=env, capture_output=True, timeout=60)
        ok = (r.returncode == 0 and r.stdout == want) or \
            (r.returncode == 1 and b"memory" in r.stderr)
        if not ok or os.listdir(tmp):
            bad.append((k, r.returncode, r.stderr.decode()[-400:]))
    print("allocfail: %d allocations, %d failures tried, %d unclean"
          % (total, len(ns), len(bad)))
    for b in bad[:5]:
        print("allocfail: N=%d: exit %d: %s" % b)
    check(not bad, "allocfail: %d unclean outcomes" % len(bad))


if __name__ == "__main__":
    sys.exit(main())
