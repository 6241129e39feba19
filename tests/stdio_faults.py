#!/usr/bin/env python3
"""afetch's promises when its standard streams misbehave.

Each check runs afetch against the fixture server with stdin, stdout or
the --summary-json file in an awkward state, and checks the contract's
answer (CONTRACT.md sections 2, 6, 11 and 12):

- stdin or -i on /dev/null (a device the loop cannot poll): ends at once,
  no records, exit 0;
- stdin closed at start: read as empty, exit 0; stdout closed at start:
  one "afetch: " line, exit 2, nothing fetched;
- stdout on /dev/full: one line on stderr and exit 1, --first included;
- --summary-json in a folder that does not exist: exit 2 before anything
  is fetched; one that cannot be written at the end (/dev/full): exit 1;
- stdout a pipe nobody reads: the first SIGINT is still served (the
  transfers in flight are cancelled), a second one exits 130 at once, and
  what reached the pipe is whole lines of JSON only;
- stdout a pipe shared with a later command: afetch leaves it blocking,
  as it found it.

A hang is caught by a generous time limit per run (the broken behaviour
never ends); nothing here depends on the machine's speed.
"""

import argparse
import fcntl
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time

from run_case import Fixture

LIMIT = int(os.environ.get("STDIO_LIMIT", "30"))  # seconds a run may take before it counts as hung


class Check:
    def __init__(self):
        self.failures = []

    def expect(self, name, cond, detail=""):
        if not cond:
            self.failures.append("%s: %s" % (name, detail))


def run(cmd, **kw):
    """Runs afetch; returns (exit status, stdout bytes, stderr text)."""
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    try:
        proc = subprocess.run(cmd, timeout=LIMIT, **kw)
    except subprocess.TimeoutExpired:
        return None, b"", "hung"
    out = proc.stdout if isinstance(proc.stdout, bytes) else b""
    return proc.returncode, out, proc.stderr.decode("utf-8", "replace")


def one_line(stderr):
    lines = stderr.splitlines()
    return len(lines) == 1 and lines[0].startswith("afetch: ")


def requests(fixture):
    return json.loads(fixture.get("/stats"))["requests"]


def close_fd(fd):
    def preexec():
        os.close(fd)
    return preexec


def check_inputs(c, afetch):
    with open(os.devnull, "rb") as null:
        rc, out, err = run([afetch], stdin=null)
    c.expect("stdin /dev/null", rc == 0 and out == b"" and err == "",
             "rc=%r out=%r err=%r" % (rc, out[:80], err))
    rc, out, err = run([afetch, "-i", os.devnull], stdin=subprocess.PIPE)
    c.expect("-i /dev/null", rc == 0 and out == b"" and err == "",
             "rc=%r out=%r err=%r" % (rc, out[:80], err))
    rc, out, err = run([afetch], stdin=None, preexec_fn=close_fd(0))
    c.expect("stdin closed", rc == 0 and out == b"",
             "rc=%r out=%r err=%r" % (rc, out[:80], err))


def full_device(workdir):
    """A device whose writes fail with ENOSPC, like /dev/full: made in
    workdir where we may (root), so that a bug that replaces it harms
    nothing; else /dev/full itself."""
    want = os.makedev(1, 7)
    path = os.path.join(workdir, "full")
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, want)
        return path
    except OSError:
        return "/dev/full"


def check_outputs(c, afetch, fixture, workdir):
    base = fixture.base
    full_path = full_device(workdir)
    before = requests(fixture)
    rc, _, err = run([afetch, base + "/status/200"], stdout=None,
                     preexec_fn=close_fd(1))
    c.expect("stdout closed", rc == 2 and one_line(err) and
             requests(fixture) == before, "rc=%r err=%r" % (rc, err))

    with open(full_path, "wb") as full:
        rc, _, err = run([afetch, "--first", "1", base + "/status/200"],
                         stdout=full)
    c.expect("--first to /dev/full", rc == 1 and one_line(err),
             "rc=%r err=%r" % (rc, err))
    with open(full_path, "wb") as full:
        rc, _, err = run([afetch, base + "/status/200"], stdout=full)
    c.expect("/dev/full", rc == 1 and one_line(err),
             "rc=%r err=%r" % (rc, err))

    before = requests(fixture)
    missing = os.path.join(workdir, "no-such-folder", "s.json")
    rc, out, err = run([afetch, "--summary-json", missing,
                        base + "/status/200"])
    c.expect("--summary-json folder missing",
             rc == 2 and out == b"" and one_line(err) and
             requests(fixture) == before, "rc=%r err=%r" % (rc, err))
    rc, out, err = run([afetch, "--summary-json", full_path,
                        base + "/status/200"])
    c.expect("--summary-json unwritable", rc == 1 and one_line(err) and
             out.count(b"\n") == 1, "rc=%r err=%r" % (rc, err))
    c.expect("--summary-json leaves a device alone",
             stat.S_ISCHR(os.stat(full_path).st_mode),
             "%s was replaced by a file" % full_path)


def wait_for(what, cond, proc):
    """Polls cond() until it holds; bounded, and fails if afetch died."""
    deadline = time.monotonic() + LIMIT
    while not cond():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError("never saw: " + what)
        time.sleep(0.01)


def check_blocked_stdout(c, afetch, fixture, workdir):
    """A reader that never reads: signals are served all the same."""
    base = fixture.base
    slow = ["%s/delay/60000?i=%d\n" % (base, i) for i in range(20)]
    fast = ["%s/bytes/3000?i=%d\n" % (base, i) for i in range(4000)]
    r, w = os.pipe()
    # A small pipe fills after a few records.
    fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ
    urls = os.path.join(workdir, "urls.txt")
    with open(urls, "w") as f:
        f.write("".join(slow + fast))
    with open(urls) as fin:
        proc = subprocess.Popen([afetch, "-j", "40"], stdin=fin, stdout=w,
                                stderr=subprocess.DEVNULL)
    os.close(w)

    def stats():
        return json.loads(fixture.get("/stats"))

    def queued():
        buf = bytearray(4)
        fcntl.ioctl(r, 0x541B, buf)  # FIONREAD
        return int.from_bytes(buf, sys.byteorder)

    def blocked():
        """Output has begun, the slow transfers are in flight, and far
        more records were made than the 4 KiB pipe can hold."""
        st = stats()
        return queued() > 0 and st["inflight"] >= 20 and \
            st["requests"] >= 200

    try:
        wait_for("the pipe full and slow transfers in flight", blocked,
                 proc)
        proc.send_signal(signal.SIGINT)
        # The first signal is served although nothing can be written:
        # the transfers in flight are cancelled.
        wait_for("the transfers cancelled after SIGINT",
                 lambda: stats()["inflight"] == 0, proc)
        c.expect("blocked stdout: alive after one SIGINT",
                 proc.poll() is None, "exited %r" % proc.poll())
        proc.send_signal(signal.SIGINT)
        try:
            rc = proc.wait(timeout=LIMIT)
        except subprocess.TimeoutExpired:
            rc = None
        c.expect("blocked stdout: second SIGINT exits 130", rc == 130,
                 "rc=%r" % rc)
    except AssertionError as e:
        c.expect("blocked stdout", False, "%s (stats %s, exit %r)" %
                 (e, fixture.get("/stats"), proc.poll()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    os.set_blocking(r, False)
    data = b""
    while True:
        try:
            chunk = os.read(r, 1 << 16)
        except BlockingIOError:
            break
        if not chunk:
            break
        data += chunk
    os.close(r)
    c.expect("blocked stdout: whole lines only", data.endswith(b"\n"),
             "last bytes %r" % data[-40:])
    for line in data.splitlines():
        try:
            json.loads(line)
        except ValueError:
            c.expect("blocked stdout: valid JSON", False, repr(line[:80]))
            break


def check_flags_restored(c, afetch, fixture):
    """The pipe afetch writes to is shared with the command after it."""
    probe = ("import fcntl, os, sys; sys.stdout.write("
             "str(fcntl.fcntl(1, fcntl.F_GETFL) & os.O_NONBLOCK))")
    proc = subprocess.run(["sh", "-c", '"$0" "$1"; python3 -c "$2"', afetch,
                           fixture.base + "/status/200", probe],
                          stdout=subprocess.PIPE, timeout=LIMIT)
    last = proc.stdout.splitlines()[-1] if proc.stdout else b""
    c.expect("stdout left blocking", last == b"0",
             "O_NONBLOCK after afetch: %r" % last)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--afetch", required=True)
    ap.add_argument("--fixture", required=True)
    opts = ap.parse_args()
    c = Check()
    with tempfile.TemporaryDirectory() as workdir:
        fixture = Fixture(opts.fixture, workdir)
        try:
            check_inputs(c, opts.afetch)
            check_outputs(c, opts.afetch, fixture, workdir)
            check_blocked_stdout(c, opts.afetch, fixture, workdir)
            check_flags_restored(c, opts.afetch, fixture)
        finally:
            fixture.stop()
    for f in c.failures:
        print("FAIL " + f)
    print("stdio_faults: %d failed" % len(c.failures))
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
