#!/usr/bin/env python3
"""A resolver that never answers does not stall the loop (src/curlev.c).

The name server is a UDP socket on a loopback address, port 53, that reads
queries and never replies; a private mount namespace (unshare -m) makes it
afetch's only resolver by bind-mounting a resolv.conf that names it (with a
30 s timeout) over /etc/resolv.conf. libcurl resolves in a thread; were
that thread joined on the loop's thread when its transfer ends (libcurl
7.88 without CURLOPT_QUICK_EXIT), each of the checks below would take
about 30 s:

1. Timeout: three names at -t 0.5 end within LIMIT s, each with a
   "timeout" record.
2. Signal: one name at -t 60; once the query has reached the server,
   SIGINT ends afetch within LIMIT s with status 130 and a "cancelled"
   record.

Skipped (exit 77) where port 53 cannot be bound or no private mount
namespace can be made (not root).
"""

import argparse
import json
import os
import random
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77
LIMIT = 15.0  # seconds; the broken behaviour takes 30 s per check
RESOLVER_TIMEOUT = 30  # glibc's most


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(SKIP)


def silent_server():
    """A UDP socket on port 53 of a random loopback address (so parallel
    runs don't meet), which is read from and never answers."""
    for _ in range(20):
        addr = "127.%d.%d.%d" % (random.randint(1, 254),
                                 random.randint(0, 255),
                                 random.randint(1, 254))
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind((addr, 53))
            return s, addr
        except PermissionError:
            skip("cannot bind port 53 (not root)")
        except OSError:
            s.close()
    skip("no free loopback address for the name server")


def queries(sock, wait):
    """Reads the queries that arrived within wait seconds (none: 0)."""
    n = 0
    end = time.monotonic() + wait
    while True:
        left = end - time.monotonic()
        r, _, _ = select.select([sock], [], [], max(left, 0))
        if not r:
            return n
        sock.recv(4096)
        n += 1
        end = time.monotonic()  # drain what is there, then return


def in_namespace(resolv, argv):
    return ["unshare", "-m", "sh", "-c",
            'mount --bind "$0" /etc/resolv.conf && exec "$@"',
            resolv] + argv


def can_unshare(resolv):
    try:
        return subprocess.run(in_namespace(resolv, ["true"]),
                              capture_output=True,
                              timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def records(out):
    return [json.loads(line) for line in out.decode().splitlines()]


def check_timeout(afetch, resolv, sock):
    urls = ["http://never-answers-%d.example/" % i for i in range(3)]
    start = time.monotonic()
    try:
        r = subprocess.run(in_namespace(resolv, [afetch, "-j", "3", "-t",
                                                 "0.5"] + urls),
                           capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        fail("timeout: afetch still running after 60 s")
    took = time.monotonic() - start
    print("timeout: %.2f s" % took)
    if queries(sock, 0) == 0:
        fail("timeout: no query reached the silent name server")
    recs = records(r.stdout)
    if sorted(x["index"] for x in recs) != [0, 1, 2]:
        fail("timeout: records %r" % recs)
    for x in recs:
        if x["state"] != "error" or x["error"]["code"] != "timeout":
            fail("timeout: record %s" % json.dumps(x))
    if took >= LIMIT:
        fail("timeout: the run took %.1f s (limit %.1f s): the loop waited "
             "for the resolver" % (took, LIMIT))


def check_signal(afetch, resolv, sock):
    proc = subprocess.Popen(
        in_namespace(resolv, [afetch, "-t", "60",
                              "http://never-answers-sig.example/"]),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # The query reaching the server says the resolve is under way.
        if queries(sock, 30) == 0:
            fail("signal: no query reached the silent name server")
        start = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            fail("signal: afetch still running 60 s after SIGINT")
        took = time.monotonic() - start
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    print("signal: %.2f s" % took)
    recs = records(out)
    if proc.returncode != 130:
        fail("signal: exit status %d, wanted 130" % proc.returncode)
    if len(recs) != 1 or recs[0]["state"] != "cancelled":
        fail("signal: records %r" % recs)
    if took >= LIMIT:
        fail("signal: SIGINT took %.1f s to end the run (limit %.1f s)"
             % (took, LIMIT))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--afetch", required=True)
    args = ap.parse_args()
    sock, addr = silent_server()
    with tempfile.TemporaryDirectory(prefix="afetch-dns-") as work:
        resolv = os.path.join(work, "resolv.conf")
        with open(resolv, "w") as f:
            f.write("nameserver %s\noptions timeout:%d attempts:1\n"
                    % (addr, RESOLVER_TIMEOUT))
        if not can_unshare(resolv):
            skip("no private mount namespace here (unshare -m)")
        check_timeout(args.afetch, resolv, sock)
        queries(sock, 0)
        check_signal(args.afetch, resolv, sock)
    print("ok")


if __name__ == "__main__":
    main()
