#!/usr/bin/env python3
"""TLS trust is loaded once per run, not once per connection (src/tlstrust.c).

nginx in front of the fixture (run_case's TlsFront) with the case's CA, and
a trust source that is slow to load: the CA behind PADDING throwaway
certificates. Loading it takes 75 ms (ten times that under the sanitizers'
allocator); were it loaded for every connection, the N connections of a run
would take 20 s of CPU and more on the loop's thread. Each request goes on
a connection of its own (HTTP/1.1, "Connection: close"), at -j 20. What is
compared is CPU time, which a busy machine does not stretch: the run of N
connections must take less than RATIO times the CPU of a run of one
connection (which loads the trust once too). Loaded once, the ratio is
about 3; loaded per connection, it is 150-200 (and a run that takes over
LIMIT s is stopped, and fails).

--mode says where the trust comes from:
  cacert  --cacert FILE, FILE being the padded bundle;
  capath  --capath DIR, DIR holding the CA as the last of PADDING files of
          the same subject name (OpenSSL reads every one of them to find
          the issuer, as long as it has not found it before);
  system  no option: the system store, made the padded bundle for afetch
          alone by bind-mounting a directory over /etc/ssl/certs in a
          private mount namespace (unshare -m). Skipped (exit 77) where that
          cannot be done.

Also checked: every record is done with 200, nginx saw N connections, and
with the padding alone trusted (not the CA) every transfer fails with
"tls": verification still happens with the shared store.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from run_case import Failure, Fixture, TlsFront

SKIP = 77
PADDING = 500
N = 300
JOBS = 20
LIMIT = 120  # seconds; a run loading per connection needs minutes
RATIO = 30
SYSTEM_CERTS = "/etc/ssl/certs"


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def openssl(*args):
    r = subprocess.run(["openssl"] + list(args), capture_output=True,
                       text=True)
    if r.returncode != 0:
        raise Failure("openssl %s: %s" % (args[0], r.stderr.strip()[-2000:]))
    return r.stdout


def self_signed(path, subject, conf):
    """A throwaway CA certificate (its key is thrown away too)."""
    openssl("req", "-x509", "-new", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:P-256", "-nodes", "-config", conf,
            "-keyout", path + ".key", "-out", path, "-days", "2",
            "-extensions", "ca_ext", "-subj", subject)
    with open(path) as f:
        return f.read()


def trust_sources(work, cacert):
    """Writes the padded bundle, a padded CA directory and a padding-only
    bundle; returns their paths."""
    conf = os.path.join(TlsFront.HERE, "openssl.cnf")
    with open(cacert) as f:
        ca = f.read()
    pad = self_signed(os.path.join(work, "pad.pem"), "/CN=padding", conf)
    bundle = os.path.join(work, "bundle")
    os.mkdir(bundle)
    with open(os.path.join(bundle, "ca-certificates.crt"), "w") as f:
        f.write(pad * PADDING + ca)
    untrusted = os.path.join(work, "untrusted.pem")
    with open(untrusted, "w") as f:
        f.write(pad * PADDING)
    # Other certificates with the CA's subject name, so with its hash.
    subject = openssl("x509", "-noout", "-subject", "-nameopt", "compat",
                      "-in", cacert).strip()[len("subject="):]
    same = self_signed(os.path.join(work, "same.pem"), subject, conf)
    h = openssl("x509", "-noout", "-subject_hash", "-in", cacert).strip()
    capath = os.path.join(work, "capath")
    os.mkdir(capath)
    for i in range(PADDING):
        with open(os.path.join(capath, "%s.%d" % (h, i)), "w") as f:
            f.write(same)
    with open(os.path.join(capath, "%s.%d" % (h, PADDING)), "w") as f:
        f.write(ca)
    return bundle, capath, untrusted


def can_unshare():
    """True when a private mount namespace can bind-mount over the
    system's certificate directory (root, or a user namespace)."""
    if not os.path.isdir(SYSTEM_CERTS):
        return False
    try:
        return subprocess.run(
            ["unshare", "-m", "sh", "-c", 'mount --bind "$0" "$0"',
             SYSTEM_CERTS], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def run(argv, system_bundle=None):
    """Runs afetch (in a private mount namespace with system_bundle as
    /etc/ssl/certs if given); returns (records, seconds, CPU seconds)."""
    if system_bundle is not None:
        argv = ["unshare", "-m", "sh", "-c",
                'mount --bind "$0" "$1" && '
                'shift && exec "$@"', system_bundle, SYSTEM_CERTS] + argv
    before = os.times()
    start = time.monotonic()
    try:
        r = subprocess.run(argv, capture_output=True, timeout=LIMIT)
    except subprocess.TimeoutExpired:
        fail("the run did not end within %d s: trust loaded per connection?"
             % LIMIT)
    took = time.monotonic() - start
    after = os.times()
    cpu = (after.children_user - before.children_user +
           after.children_system - before.children_system)
    recs = [json.loads(line) for line in r.stdout.decode().splitlines()]
    if r.stderr:
        print(r.stderr.decode(errors="replace")[-2000:])
    return recs, took, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--afetch", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--mode", choices=("cacert", "capath", "system"),
                    required=True)
    args = ap.parse_args()
    for tool in ("openssl", "nginx") + (
            ("unshare",) if args.mode == "system" else ()):
        if shutil.which(tool, path=os.environ.get("PATH", "") +
                        ":/usr/sbin:/sbin") is None:
            print("SKIP: %s not found" % tool)
            sys.exit(SKIP)
    if args.mode == "system" and not can_unshare():
        print("SKIP: no private mount namespace here (unshare -m)")
        sys.exit(SKIP)
    with tempfile.TemporaryDirectory(prefix="afetch-tls-trust-") as work:
        fixture = Fixture(args.fixture, work)
        front = TlsFront(work, "")
        try:
            front.start(fixture.port)
            bundle, capath, untrusted = trust_sources(work, front.cacert)
            check(args, front, bundle, capath, untrusted)
        finally:
            front.stop()
            fixture.stop()


def check(args, front, bundle, capath, untrusted):
    base = [args.afetch, "--http1.1", "-H", "Connection: close",
            "-j", str(JOBS), "-t", "100", "--connect-timeout", "100"]
    urls = ["%s/status/200?i=%d" % (front.base, i) for i in range(N)]
    system = None
    if args.mode == "cacert":
        trust = ["--cacert", os.path.join(bundle, "ca-certificates.crt")]
    elif args.mode == "capath":
        trust = ["--capath", capath]
    else:
        trust, system = [], bundle

    _, _, one = run(base + trust + [front.base + "/status/200?one"],
                    system)
    recs, took, cpu = run(base + trust + urls, system)
    print("%s: %d requests, %.2f s, %.2f s CPU; one request: %.2f s CPU"
          % (args.mode, N, took, cpu, one))
    if len(recs) != N:
        fail("%d records for %d URLs" % (len(recs), N))
    bad = [r for r in recs if r["state"] != "done" or r["status"] != 200]
    if bad:
        fail("%d of %d not done with 200, e.g. %s"
             % (len(bad), N, json.dumps(bad[0]["error"])))
    if cpu >= RATIO * max(one, 0.01):
        fail("%d connections took %.2f s of CPU, %.0f times one's %.2f s: "
             "trust loaded per connection?" % (N, cpu, cpu / one, one))
    log = [e for e in front.entries() if e["uri"] != "/status/200?one"]
    conns = len({e["connection"] for e in log})
    if len(log) != N or conns != N:
        fail("nginx saw %d requests on %d connections; wanted %d on %d"
             % (len(log), conns, N, N))

    # The padding alone: every peer must fail verification.
    if args.mode == "system":
        os.unlink(os.path.join(bundle, "ca-certificates.crt"))
        shutil.copy(untrusted, os.path.join(bundle, "ca-certificates.crt"))
        trust = []
    else:
        trust = ["--cacert", untrusted]
    recs, _, _ = run(base + trust + urls[:20], system)
    bad = [r for r in recs
           if r["state"] != "error" or r["error"]["code"] != "tls"]
    if len(recs) != 20 or bad:
        fail("untrusted peer: %d records, %d not tls errors"
             % (len(recs), len(bad)))
    print("ok")


if __name__ == "__main__":
    main()
