#!/usr/bin/env python3
"""Allocation-failure sweep: afetch_allocfail with its Nth allocation
failing, for N over a run's allocations.

Each scenario is a small run of afetch against the fixture server. It is
run once with no failure to count its allocations (AFETCH_ALLOCFAIL_REPORT),
then again for each N in the sweep, with AFETCH_ALLOCFAIL=N. Every outcome
must be clean:

- an exit status of 0, 1 or 2, within the time limit (no hang), and no
  crash or sanitizer report (a leak included, in the sanitizer build);
- every line on stdout a whole record, valid JSON in strict UTF-8, with
  distinct indexes;
- no lost record: every URL read has exactly one record. URLs given as
  arguments all count as read at the start, so either every one has its
  record, or none has and afetch exited non-zero with an "afetch: ..."
  message before starting. URLs on stdin are read in order (--order
  input writes in order too): the records are those of the first K URLs,
  and K is short of all only with a message and a non-zero status;
- exit status 0 only when every record is done (as the contract says);
- with -o, a file exactly for each record that names one: a failed
  transfer leaves nothing behind.

By default N runs over every allocation of a scenario up to --sample
values, and over an even spread of that many beyond (each scenario's
allocation count is printed); --full tries every N. Exit status 1 when
any outcome is not clean; each is listed with how to run it again.

A record that cannot be formatted for lack of memory is written as an
"internal" error by a fallback that needs no further allocation, and its
-o file is removed: the checks above hold for it as for any record.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from run_case import Fixture, Failure  # noqa: E402

SANITIZER = re.compile(rb"(AddressSanitizer|LeakSanitizer|"
                       rb"UndefinedBehaviorSanitizer|runtime error:)")
LIMIT = 30  # seconds a run may take; a clean one takes well under 1


def scenarios(base, work):
    """(name, args, stdin URLs or None): small runs over the main paths."""
    urls = [base + "/status/200", base + "/redirect/2", base + "/gzip",
            base + "/status/404", "ftp://x.example/", "http://[bad/",
            base + "/headers", base + "/bad-utf8-body"]
    return [
        ("args", ["-j", "3", "--headers", "--body", "--summary-json",
                  os.path.join(work, "summary.json")] + urls, None),
        ("stdin", ["-j", "2", "--order", "input", "-o",
                   os.path.join(work, "out"), "--retries", "1",
                   "--retry-delay", "0.01"], urls + [base + "/flaky/2"]),
    ]


def run(afetch, args, stdin_urls, n, env_extra=None):
    env = dict(os.environ)
    env["AFETCH_ALLOCFAIL"] = str(n)
    env.update(env_extra or {})
    data = ("\n".join(stdin_urls) + "\n").encode() if stdin_urls else b""
    try:
        p = subprocess.run([afetch] + args, input=data, capture_output=True,
                           env=env, timeout=LIMIT)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or b"", e.stderr or b""


def check(rc, out, err, urls, from_args, outdir):
    """Returns the broken promises of one outcome (empty when clean)."""
    bad = []
    if rc is None:
        return ["hang: still running after %d s" % LIMIT]
    if rc not in (0, 1, 2):
        bad.append("exit status %d" % rc)
    if SANITIZER.search(err):
        bad.append("sanitizer report")
    if out and not out.endswith(b"\n"):
        bad.append("last line cut")
    recs = {}
    for raw in out.split(b"\n")[:-1]:
        try:
            rec = json.loads(raw.decode("utf-8", errors="strict"))
            i, url, state = rec["index"], rec["url"], rec["state"]
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            bad.append("not a record: %r" % raw[:80])
            continue
        if i in recs:
            bad.append("index %d written twice" % i)
        if not (0 <= i < len(urls)) or url != urls[i]:
            bad.append("record %r for %r" % (i, url))
            continue
        recs[i] = rec
        if state not in ("done", "error", "cancelled"):
            bad.append("index %d: state %r" % (i, state))
    message = re.search(rb"^afetch: ", err, re.M) is not None
    missing = set(range(len(urls))) - set(recs)
    if missing:
        k = min(missing)
        if from_args and recs:
            bad.append("%d of %d argument URLs have records"
                       % (len(recs), len(urls)))
        elif missing != set(range(k, len(urls))):
            bad.append("records are not those of the first URLs read")
        if rc == 0 or not message:
            bad.append("%d of %d records, exit %d, %s" % (
                len(recs), len(urls), rc,
                "a message" if message else "no message"))
    if rc == 0 and any(r["state"] != "done" for r in recs.values()):
        bad.append("exit 0 with a record not done")
    if outdir is not None and os.path.isdir(outdir):
        files = set(os.listdir(outdir))
        paths = {os.path.basename(r["path"]) for r in recs.values()
                 if r.get("path")}
        if files != paths:
            bad.append("-o: files %s, records name %s" % (sorted(files),
                                                         sorted(paths)))
    return bad


def sample(total, count):
    if total <= 2 * count:
        return list(range(1, total + 1))
    spread = [count + 1 + (total - count - 1) * i // (count - 1)
              for i in range(count)]
    return sorted(set(list(range(1, count + 1)) + spread))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--afetch", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--sample", type=int, default=150)
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--only", help="run this one N only (with --scenario)")
    ap.add_argument("--scenario")
    ap.add_argument("--curl", action="store_true",
                    help="count (and fail) libcurl's allocations too")
    a = ap.parse_args()

    if a.curl:
        os.environ["AFETCH_ALLOCFAIL_CURL"] = "1"
    failures = []
    codes = {}
    with tempfile.TemporaryDirectory(prefix="afetch-allocfail-") as work:
        fixture = Fixture(a.fixture, work)
        try:
            for name, args, stdin_urls in scenarios(fixture.base, work):
                if a.scenario and name != a.scenario:
                    continue
                urls = stdin_urls or [u for u in args if "://" in u]
                outdir = (args[args.index("-o") + 1] if "-o" in args
                          else None)
                report = os.path.join(work, "count")
                rc, out, err = run(a.afetch, args, stdin_urls, 0,
                                   {"AFETCH_ALLOCFAIL_REPORT": report})
                with open(report) as f:
                    total = int(f.read())
                if rc not in (0, 1) or check(rc, out, err, urls,
                                             stdin_urls is None, outdir):
                    raise Failure("%s: the run without failures is not "
                                  "clean: %s" % (name, err.decode()[-500:]))
                ns = ([int(a.only)] if a.only else
                      list(range(1, total + 1)) if a.full else
                      sample(total, a.sample))
                print("allocfail: %s: %d allocations, trying %d"
                      % (name, total, len(ns)), flush=True)
                for n in ns:
                    if outdir is not None:
                        shutil.rmtree(outdir, ignore_errors=True)
                    rc, out, err = run(a.afetch, args, stdin_urls, n)
                    for line in out.split(b"\n"):
                        m = re.search(rb'"code":"([a-z_]+)"', line)
                        if m:
                            codes[m.group(1).decode()] = codes.get(
                                m.group(1).decode(), 0) + 1
                    bad = check(rc, out, err, urls, stdin_urls is None,
                                outdir)
                    if bad:
                        failures.append((name, n, bad, err))
                        print("allocfail: %s N=%d: %s\n  again: %s "
                              "--only %d --scenario %s"
                              % (name, n, "; ".join(bad), sys.argv[0], n,
                                 name), flush=True)
                        tail = err.decode("utf-8", "replace")[-2000:]
                        print("  stderr: " + tail.replace("\n", "\n  "),
                              flush=True)
        finally:
            fixture.stop()
    print("allocfail: error codes seen: %s" % json.dumps(codes,
                                                          sort_keys=True))
    print("allocfail: %d unclean outcomes" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
