#!/usr/bin/env python3
"""--shard K/N splits a list into a disjoint, complete partition by host.

For N = 1..5, runs afetch --shard K/N for every K over the same list (URLs
on 40 loopback hosts with a closed port, so each fails fast with connect,
plus lines that are not URLs): the indexes written over all K must be each
index exactly once, and every URL of one host must land on one shard.
"""

import argparse
import json
import subprocess
import sys
import urllib.parse


def make_input():
    lines = []
    for i in range(400):
        host = "127.0.0.%d" % (1 + i % 40)
        lines.append("http://%s:1/item/%d" % (host, i))
        if i % 25 == 0:
            lines.append("not a url %d" % i)
            lines.append("ftp://%s/x" % host)
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--afetch", required=True)
    opts = ap.parse_args()
    text = make_input()
    total = len(text.splitlines())
    failures = []
    for n in range(1, 6):
        seen, host_shard = {}, {}
        sizes = []
        for k in range(n):
            r = subprocess.run([opts.afetch, "-j", "50", "--shard",
                                "%d/%d" % (k, n)], input=text.encode(),
                               capture_output=True, timeout=120)
            if r.returncode not in (0, 1):
                failures.append("--shard %d/%d exit %d: %s" %
                                (k, n, r.returncode, r.stderr[:200]))
            recs = [json.loads(l) for l in r.stdout.splitlines()]
            sizes.append(len(recs))
            for rec in recs:
                seen.setdefault(rec["index"], []).append(k)
                host = urllib.parse.urlsplit(rec["url"]).hostname
                if rec["url"].startswith("http://") and host:
                    if host_shard.setdefault(host, k) != k:
                        failures.append("N=%d: host %s on shards %d and %d"
                                        % (n, host, host_shard[host], k))
        dup = [i for i, ks in seen.items() if len(ks) > 1]
        missing = [i for i in range(total) if i not in seen]
        if dup:
            failures.append("N=%d: %d indexes on two shards" % (n, len(dup)))
        if missing:
            failures.append("N=%d: %d indexes on no shard" % (n,
                                                             len(missing)))
        print("N=%d: shard sizes %s (total %d)" % (n, sizes, total))
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
