#!/usr/bin/env python3
"""Crawl mode against the fixture's generated site, checked by the oracle.

Each scenario runs afetch --crawl on /site/SPEC/... and hands the records
to tests/crawl_oracle.py's check(), which knows the expected pages, their
links, scope, robots.txt and depth from the site's rules. Further checks
here cover what the oracle leaves out: index numbering, the exit status,
robots.txt fetched once per origin and before anything else there,
Crawl-delay spacing, --sitemaps (each file read once), --max-urls, and
resuming a crawl killed with -9 at random moments, again and again. With
--workers N every run of afetch gets `--workers N` too: the crawl must be
the same on N loops.
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crawl_oracle  # noqa: E402
from run_case import Fixture  # noqa: E402

FAILS = []
WORKERS = []  # ["--workers", "N"] with --workers


def fail(name, msg):
    FAILS.append("%s: %s" % (name, msg))


def run(afetch, args, timeout=60):
    p = subprocess.run([afetch] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    recs = [json.loads(x) for x in p.stdout.decode().splitlines() if x]
    return p.returncode, recs, p.stderr.decode()


def log(fixture):
    """The fixture's access log as {"t", "host", "path"} dicts."""
    out = []
    for line in fixture.get("/log").splitlines():
        t, host, uri = line.split(" ", 2)
        if "://" in uri:
            host = urllib.parse.urlsplit(uri).netloc
            uri = urllib.parse.urlsplit(uri).path
        out.append({"t": float(t), "host": host, "path": uri})
    return out


def scenario(name, afetch, args, seeds, settings, want_exit=None,
             extra=None):
    rc, recs, err = run(afetch, ["-r"] + WORKERS + args + seeds)
    # Exit 0 iff every task is done: the edge cases hold a cut-off page.
    if want_exit is None:
        want_exit = 0 if all(r["state"] == "done" for r in recs) else 1
        if any("/cut" in r["url"] for r in recs) and want_exit == 0:
            fail(name, "the cut-off page is done")
    if rc != want_exit:
        fail(name, "exit %d, want %d (%s)" % (rc, want_exit, err.strip()))
    for f in crawl_oracle.check(recs, seeds, settings):
        fail(name, f)
    idx = sorted(r["index"] for r in recs)
    if idx != list(range(len(recs))):
        fail(name, "indexes are not 0..%d: %s" % (len(recs) - 1, idx[:20]))
    if extra is not None:
        extra(name, recs)
    return recs


def check_summary(name, path, records, robots_txt, sitemaps):
    """--summary-json counts the records and, apart, the robots.txt and
    sitemap files fetched."""
    try:
        with open(path) as f:
            sm = json.load(f)
    except (OSError, ValueError) as e:
        fail(name, "summary: %s" % e)
        return
    got = (sm.get("records"), sm.get("robots_txt"), sm.get("sitemaps"))
    if got != (records, robots_txt, sitemaps):
        fail(name, "summary records, robots_txt, sitemaps %s, want %s"
             % (got, (records, robots_txt, sitemaps)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--afetch", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--workers", type=int,
                    help="run afetch with --workers N")
    opts = ap.parse_args()
    if opts.workers is not None:
        WORKERS[:] = ["--workers", str(opts.workers)]
    a = opts.afetch
    with tempfile.TemporaryDirectory() as workdir:
        fx = Fixture(opts.fixture, workdir)
        base = "http://127.0.0.1:%d" % fx.port
        base2 = "http://127.0.0.2:%d" % fx.port
        S = crawl_oracle.Settings
        try:
            # The whole edge-case site, default scope, on an IP literal
            # (robots.txt 404: everything allowed).
            seed = base + "/site/n12e1/p/0"
            scenario("edges", a, ["-j", "8"], [seed], S(depth=100))
            scenario("edges-any", a, ["-j", "8", "--scope", "any",
                                      "--depth", "100"],
                     [seed], S(depth=100, scope="any"))
            scenario("depth1", a, ["--depth", "1"], [seed], S(depth=1))
            scenario("depth0", a, ["--depth", "0"], [seed], S(depth=0))
            scenario("prefix", a, ["--scope", "prefix", "--depth", "100"],
                     [base + "/site/n30/p/3"], S(depth=100, scope="prefix"))
            scenario("include-exclude",
                     a, ["--depth", "100", "--include", "/p/",
                         "--exclude", "p/1[0-9]$"],
                     [base + "/site/n30/p/0"],
                     S(depth=100, include=["/p/"], exclude=["p/1[0-9]$"]))
            scenario("no-robots", a, ["--no-robots", "--depth", "100",
                                      "--proxy", base],
                     ["http://r2.site.test/site/n10e1/p/0"],
                     S(depth=100, robots=False))

            # robots.txt rules through the proxy: host names pick them.
            for v in ("r1", "r2", "r6", "r403"):
                scenario("robots-" + v, a, ["--depth", "100", "--proxy",
                                            base],
                         ["http://%s.site.test/site/n10e1/p/0" % v],
                         S(depth=100))
            # 5xx and 429: nothing allowed, the seed gets `robots`.
            for v in ("r500", "r429"):
                def only_seed(name, recs):
                    if len(recs) != 1 or \
                            (recs[0].get("error") or {}).get("code") != \
                            "robots":
                        fail(name, "want one robots error: %s" % recs)
                scenario("robots-" + v, a, ["--proxy", base],
                         ["http://%s.site.test/site/n10/p/0" % v],
                         S(depth=5), want_exit=1, extra=only_seed)

            # robots.txt once per origin, before any other request there.
            fx.get("/reset")
            sj = os.path.join(workdir, "robots-once.json")
            recs = scenario("robots-once", a, ["-j", "8", "--depth", "100",
                                               "--summary-json", sj],
                            [seed, base2 + "/site/n5/p/0"], S(depth=100))
            check_summary("robots-once", sj, len(recs), 2, 0)
            entries = log(fx)
            for host in ("127.0.0.1", "127.0.0.2"):
                mine = [e for e in entries if e["host"].startswith(host)]
                robots = [e for e in mine if e["path"] == "/robots.txt"]
                if len(robots) != 1:
                    fail("robots-once", "%s: robots.txt fetched %d times"
                         % (host, len(robots)))
                elif mine and mine[0]["path"] != "/robots.txt":
                    fail("robots-once", "%s: %s before robots.txt"
                         % (host, mine[0]["path"]))

            # Crawl-delay 0.25 s spaces the host's requests.
            fx.get("/reset")
            scenario("crawl-delay", a, ["--proxy", base, "-j", "8"],
                     ["http://r3.site.test/site/n6b5c0/p/0"], S(depth=5))
            ts = sorted(e["t"] for e in log(fx)
                        if e["path"] != "/robots.txt")
            gaps = [y - x for x, y in zip(ts, ts[1:])]
            if len(ts) < 6 or min(gaps) < 0.25 / 2:
                fail("crawl-delay", "starts %s apart" % gaps)

            # --sitemaps: robots.txt's Sitemap lines (an index and a gzip
            # file it lists too) add the pages listed as depth-0 tasks;
            # each robots.txt and sitemap file is fetched once. With
            # --no-robots robots.txt is still read, for those lines only.
            sm_seed = "http://r5.site.test/site/n10e1/p/0"
            for extra_args, robots in (([], True), (["--no-robots"], False)):
                name = "sitemaps" + ("-no-robots" if not robots else "")
                fx.get("/reset")
                sj = os.path.join(workdir, name + ".json")
                recs = scenario(name, a, ["--sitemaps", "--depth", "100",
                                          "--summary-json", sj,
                                          "--proxy", base] + extra_args,
                                [sm_seed],
                                S(depth=100, robots=robots, sitemaps=True))
                if not any(r["url"].endswith("/orphan-gz") and
                           r["depth"] == 0 and r["parent"] is None
                           for r in recs):
                    fail(name, "the gzip sitemap's page is not a seed")
                paths = [e["path"] for e in log(fx)]
                for f in ("/robots.txt", "/site/n10/sitemap-index.xml",
                          "/site/n10/sitemap.xml",
                          "/site/n10/sitemap.xml.gz"):
                    if paths.count(f) != 1:
                        fail(name, "%s fetched %d times"
                             % (f, paths.count(f)))
                # The summary counts those fetches, which have no record.
                check_summary(name, sj, len(recs), 1, 3)

            # --max-urls counts every task; the oracle checks the bounds.
            def at_most_5(name, recs):
                if len(recs) != 5:
                    fail(name, "%d records, want 5" % len(recs))
            scenario("max-urls", a, ["--max-urls", "5", "--depth", "100"],
                     [base + "/site/n30/p/0"], S(depth=100, max_urls=5),
                     extra=at_most_5)

            resume_kill9(a, fx, base, workdir)
        finally:
            fx.stop()
    for f in FAILS:
        print("FAIL:", f)
    print("crawl_site%s: %d problem(s)" % (
        " (--workers %s)" % WORKERS[1] if WORKERS else "", len(FAILS)))
    return 1 if FAILS else 0


def resume_kill9(a, fx, base, workdir):
    """kill -9 at random moments, resumed each time: one crawl's pages.

    Each run but the last is killed either once it has written a random
    number of new lines or after a random time (possibly before its first
    line), so kills land before robots.txt is read, while links wait for
    it, in the middle of a write and between records. The seed is printed
    so that a failure can be replayed (CRAWL_KILL_SEED=N).
    """
    seed_value = int(os.environ.get("CRAWL_KILL_SEED",
                                    str(int.from_bytes(os.urandom(4),
                                                       "big"))))
    rnd = random.Random(seed_value)
    seed = base + "/site/n60c2/p/0"
    full = crawl_oracle.expect([seed], crawl_oracle.Settings(depth=100))
    out = os.path.join(workdir, "crawl.jsonl")
    args = [a, "-r", "--depth", "100", "-j", "2", "--host-rate", "40"] + \
        WORKERS
    kills = 0
    for attempt in range(6):
        resume = ["--resume", out] if attempt > 0 else []
        last = attempt == 5
        lines_before = count_lines(out)
        by_lines = rnd.random() < 0.7
        want = rnd.randint(1, 10)
        after = rnd.uniform(0.0, 0.3)
        with open(out, "ab") as f:
            p = subprocess.Popen(args + resume + [seed], stdout=f)
            if not last:
                if by_lines:
                    deadline = time.monotonic() + 30
                    while (p.poll() is None and
                           time.monotonic() < deadline and
                           count_lines(out) - lines_before < want):
                        time.sleep(0.005)
                else:
                    try:
                        p.wait(timeout=after)
                    except subprocess.TimeoutExpired:
                        pass
                if p.poll() is None:
                    p.send_signal(signal.SIGKILL)
                    kills += 1
            try:
                rc = p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                fail("resume", "run %d hung (seed %d)" % (attempt,
                                                          seed_value))
                return
        if last and rc != 0:
            fail("resume", "the last resumed run exited %d (seed %d)" % (
                rc, seed_value))
    # Runs 0-2 write at most 10 lines, or 0.3 s at 40 pages/s, of the 60
    # pages: they cannot finish before their kill.
    if kills < 3:
        fail("resume", "only %d of 5 runs were killed (seed %d)" % (
            kills, seed_value))
    recs = []
    for line in open(out, "rb"):
        try:
            recs.append(json.loads(line))
        except ValueError:
            pass
    done = [r["url"] for r in recs if r["state"] == "done"]
    if len(done) != len(set(done)):
        fail("resume", "a done URL fetched twice (seed %d)" % seed_value)
    if set(done) != set(full.pages):
        fail("resume", "pages differ (seed %d): missing %s, extra %s" % (
            seed_value,
            sorted(set(full.pages) - set(done))[:5],
            sorted(set(done) - set(full.pages))[:5]))
    idx = [r["index"] for r in recs]
    if len(idx) != len(set(idx)):
        fail("resume", "an index used twice (seed %d)" % seed_value)
    print("resume: %d kills, %d records, %d pages (seed %d)" % (
        kills, len(recs), len(set(done)), seed_value))


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
