"""Running one tool and measuring it, for bench/run.

run_measured() starts a command from the rusage launcher (bench/rusage.c),
its stdout to a file, and returns its wall time, CPU, peak RSS and the
lines it wrote.
"""

import ctypes
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
RUN_TIMEOUT = 180       # seconds, a limit for one run of one tool

# bench/rusage.c, compiled by compile_rusage(): the small launcher every tool
# is forked from, so that its peak RSS is its own (see there). None: no C
# compiler, and ru_maxrss from wait4 here.
RUSAGE = None


def die_with_parent():
    """In the child before exec: SIGTERM when the benchmark dies, even by
    SIGKILL, so no nginx or tool is ever left behind."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def compile_rusage(workdir):
    """Builds bench/rusage.c in workdir. Returns False without a C compiler."""
    global RUSAGE
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    exe = os.path.join(workdir, "rusage")
    if cc and subprocess.run([cc, "-O2", "-o", exe, os.path.join(BENCH_DIR, "rusage.c")],
                             stdout=subprocess.DEVNULL).returncode == 0:
        RUSAGE = exe
    else:
        return False
    return True


class Result:
    """One run of one tool. cpu and rss are the process tree's (wait4)."""

    def __init__(self, **kw):
        self.wall = self.cpu = self.rss = None
        self.requests = self.lines = self.ok = self.conns = None
        self.server_cpu = None  # the server's CPU seconds across the run
        self.status = 0
        self.note = ""
        self.__dict__.update(kw)


def count_output(path, count):
    """Counts the lines of a tool's output file and what `count` matches in
    it: a bytes string (streamed) or a compiled bytes regex (line by line).
    Returns (lines, matches or None, the first 64 KiB as text)."""
    lines = ok = 0
    head = b""
    tail = b""
    plen = len(count) if isinstance(count, bytes) else 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            if not head:
                head = chunk[:65536]
            lines += chunk.count(b"\n")
            if isinstance(count, re.Pattern):
                # Whole lines only: the cut-off last one goes with the next chunk.
                buf = tail + chunk
                cut = buf.rfind(b"\n") + 1
                ok += len(count.findall(buf, 0, cut))
                tail = buf[cut:]
            elif count:
                buf = tail + chunk
                ok += buf.count(count)
                # The tail, shorter than the pattern, holds no whole match: one
                # that straddles two chunks is counted once, with the second.
                tail = buf[-(plen - 1):] if plen > 1 else b""
    if isinstance(count, re.Pattern) and tail:
        ok += len(count.findall(tail))
    return lines, (ok if count is not None else None), head.decode(errors="replace")


def run_measured(argv, workdir, stdin_path=None, count=None, timeout=RUN_TIMEOUT,
                 prefix=None):
    """Runs argv in its own process group, from the rusage launcher, with
    stdout to a file as `afetch ... > out.jsonl` would: no reader here can
    slow the tool down. count: what counts as a 2xx record in the output (see
    count_output). prefix: a command that execs the rest in place (`ip netns
    exec NAME`), so that wait4 still sees the tool's tree. Returns (Result,
    the start of stdout, stderr); the ceilings' short reports are read from
    that start."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    out_path = os.path.join(workdir, "stdout")
    out = open(out_path, "wb")
    errf = tempfile.TemporaryFile()
    report = None
    if RUSAGE:
        report = os.path.join(workdir, "rusage.report")
        argv = [RUSAGE, report] + argv
    argv = (prefix or []) + argv
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=errf,
                            start_new_session=True, preexec_fn=die_with_parent)
    out.close()
    if stdin_path:
        stdin.close()
    timed_out = []

    def kill():
        timed_out.append(True)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    # A daemon: bench/run interrupted in wait4 below exits at once, rather
    # than waiting out the timer at interpreter shutdown.
    timer.daemon = True
    timer.start()
    _, wstatus, ru = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(wstatus)
    errf.seek(0)
    err = errf.read().decode(errors="replace")
    errf.close()
    lines, ok, head = count_output(out_path, count)
    os.unlink(out_path)
    cpu, rss = ru.ru_utime + ru.ru_stime, ru.ru_maxrss
    if report:
        try:
            with open(report) as f:
                utime, stime, rss = f.read().split()
            cpu, rss = float(utime) + float(stime), int(rss)
            os.unlink(report)
        except (OSError, ValueError):
            pass    # killed before it could report: the launcher's figures
    res = Result(wall=wall, cpu=cpu, rss=rss, lines=lines, ok=ok,
                 status=proc.returncode)
    if timed_out:
        res.note = "killed after %d s" % timeout
    return res, head, err
