#!/usr/bin/env python3
"""Runs one integration test case of afetch against the fixture server.

A case is a data file in tests/cases/, made of sections:

    --- args          afetch's arguments, split like a shell would
    --- stdin         text given on stdin (as is, after substitution)
    --- stdin-python  a Python expression whose value (str or bytes) is stdin
    --- exit          the expected exit status (default: not checked)
    --- records       expected records, one JSON object a line, compared by
                      index with the actual ones: only the keys given are
                      checked, and the number of records must match
    --- check         jq expressions, one a line, run over all records as an
                      array (jq -s); each must print true
    --- stats         jq expressions over the fixture's /stats after the run
    --- log           jq expressions over the fixture's access log, as an
                      array of {"t": seconds, "host": ..., "path": ...}
    --- stderr        a regular expression stderr must match (search)
    --- stderr-lines  the exact number of lines on stderr
    --- signal        SIG[,SIG] when inflight N | after N lines: sends the
                      signal(s) once the fixture has N requests in flight or
                      afetch has written N lines
    --- close-after   closes afetch's stdout after reading N lines
    --- timeout       seconds the run may take (default 60)
    --- env           NAME=value lines added to afetch's environment
    --- file          text written to a temporary file named by {file}
    --- pipe-from     a shell command whose output is afetch's stdin (for
                      endless input); it is killed when afetch exits
    --- on-first-line jq expressions over /stats, taken when the first line
                      arrives (proves streaming: work still in flight)
    --- raw           output is not records: --- stdout is a regular
                      expression it must match instead
    --- ulimit-n      soft and hard RLIMIT_NOFILE for afetch

In every text, {base} is http://127.0.0.1:PORT, {base2} the same on
127.0.0.2, {port} the port. Whatever the case says, every line afetch writes
must be strict UTF-8 and valid JSON with all the record's fields, and the
indexes written must be distinct.
"""

import argparse
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

RECORD_FIELDS = {
    "index": int, "url": str, "state": str, "status": (int, type(None)),
    "final_url": (str, type(None)), "redirects": int,
    "http_version": (str, type(None)), "size": int,
    "content_type": (str, type(None)), "ip": (str, type(None)),
    "attempts": int, "time": dict, "error": (dict, type(None)),
}
TIME_KEYS = ["queue", "dns", "connect", "tls", "ttfb", "total"]


class Failure(Exception):
    pass


def parse_case(path):
    sections, name = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^--- (\S+)\s*$", line)
            if m:
                name = m.group(1)
                sections[name] = ""
            elif name is not None:
                sections[name] += line
    return sections


class Fixture:
    """The fixture server on port 0, found through its portfile."""

    def __init__(self, binary, workdir):
        self.portfile = os.path.join(workdir, "port")
        self.proc = subprocess.Popen(
            [binary, "-a", "127.0.0.1", "-a", "127.0.0.2", "-P",
             self.portfile], stdout=subprocess.DEVNULL)
        # Waiting for a file the server writes once it listens: bounded.
        deadline = time.monotonic() + 10
        while not os.path.exists(self.portfile):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise Failure("fixture server did not start")
            time.sleep(0.01)
        with open(self.portfile) as f:
            self.port = int(f.read().strip())
        self.base = "http://127.0.0.1:%d" % self.port

    def get(self, path):
        with urllib.request.urlopen(self.base + path, timeout=10) as r:
            return r.read().decode("utf-8")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def jq_true(exprs, value, what):
    for expr in [e for e in exprs.splitlines() if e.strip()]:
        r = subprocess.run(["jq", "-e", expr], input=json.dumps(value),
                           capture_output=True, text=True)
        if r.stdout.strip() != "true":
            raise Failure("%s check failed: %s\n  got: %s %s" %
                          (what, expr, r.stdout.strip()[:2000],
                           r.stderr.strip()))


def check_record_shape(rec, lineno):
    for key, types in RECORD_FIELDS.items():
        if key not in rec:
            raise Failure("line %d: no field %r" % (lineno, key))
        if not isinstance(rec[key], types) or isinstance(rec[key], bool):
            raise Failure("line %d: %r has type %s" %
                          (lineno, key, type(rec[key]).__name__))
    if list(rec["time"].keys()) != TIME_KEYS:
        raise Failure("line %d: time keys %s" % (lineno, list(rec["time"])))
    for k, v in rec["time"].items():
        if v is not None and (not isinstance(v, (int, float)) or v < 0):
            raise Failure("line %d: time.%s is %r" % (lineno, k, v))
    if rec["state"] not in ("done", "error", "cancelled"):
        raise Failure("line %d: state %r" % (lineno, rec["state"]))
    if (rec["state"] == "done") != (rec["error"] is None):
        raise Failure("line %d: state %s with error %r" %
                      (lineno, rec["state"], rec["error"]))
    if rec["error"] is not None and (
            set(rec["error"]) != {"code", "message"}):
        raise Failure("line %d: error keys %s" % (lineno, list(rec["error"])))


def parse_output(raw):
    """Strict: UTF-8, one JSON object a line, a final newline."""
    if raw and not raw.endswith(b"\n"):
        raise Failure("output does not end with a newline (cut line?)")
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        raise Failure("output is not valid UTF-8: %s" % e)
    records = []
    for n, line in enumerate(text.splitlines(), 1):
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise Failure("line %d is not JSON: %s: %r" % (n, e, line[:200]))
        if not isinstance(rec, dict):
            raise Failure("line %d is not an object" % n)
        check_record_shape(rec, n)
        records.append(rec)
    indexes = [r["index"] for r in records]
    if len(set(indexes)) != len(indexes):
        raise Failure("some index has two records")
    return records


def subset_match(expected, actual, path="record"):
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            raise Failure("%s: want object, got %r" % (path, actual))
        for k, v in expected.items():
            if k not in actual:
                raise Failure("%s: no key %r" % (path, k))
            subset_match(v, actual[k], "%s.%s" % (path, k))
    elif expected != actual:
        raise Failure("%s: want %r, got %r" % (path, expected, actual))


def run_afetch(args, case, subst, fixture):
    env = dict(os.environ)
    for line in subst(case.get("env", "")).splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            env[k.strip()] = v.strip()
    stdin = b""
    if "stdin" in case:
        stdin = subst(case["stdin"]).encode("utf-8")
    if "stdin-python" in case:
        value = eval(case["stdin-python"], {"base": fixture.base,
                                            "base2": fixture.base.replace(
                                                "127.0.0.1", "127.0.0.2")})
        stdin = value if isinstance(value, bytes) else value.encode("utf-8")
    limit = float(case.get("timeout", "60").strip())
    preexec = None
    if "ulimit-n" in case:
        import resource
        n = int(case["ulimit-n"].strip())

        def preexec():
            resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))
    if "pipe-from" in case:
        feeder = subprocess.Popen(["bash", "-c", subst(case["pipe-from"])],
                                  stdout=subprocess.PIPE,
                                  start_new_session=True)
        try:
            proc = subprocess.Popen(args, stdin=feeder.stdout,
                                    stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=env,
                                    preexec_fn=preexec)
            feeder.stdout.close()
            return drive(proc, case, fixture, limit)
        finally:
            os.killpg(feeder.pid, signal.SIGKILL)
            feeder.wait()
    with tempfile.TemporaryFile() as fin:
        fin.write(stdin)
        fin.seek(0)
        proc = subprocess.Popen(args, stdin=fin, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env,
                                preexec_fn=preexec)
        return drive(proc, case, fixture, limit)


def drive(proc, case, fixture, limit):
    """Reads afetch's output while acting on it (signals, closing)."""
    start = time.monotonic()
    sig = case.get("signal", "").strip()
    close_after = case.get("close-after", "").strip()
    out = b""
    timings = {}
    if sig or close_after or "on-first-line" in case:
        import selectors
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        sigs, cond_kind, cond_n = [], None, 0
        if sig:
            m = re.match(r"^([A-Z,]+) (when inflight|after) (\d+)( lines)?$",
                         sig)
            if not m:
                raise Failure("bad signal section: %r" % sig)
            sigs = [getattr(signal, "SIG" + s) for s in m.group(1).split(",")]
            cond_kind, cond_n = m.group(2), int(m.group(3))
        sent = False
        while True:
            if time.monotonic() - start > limit:
                proc.kill()
                raise Failure("afetch took more than %gs" % limit)
            events = sel.select(timeout=0.02)
            if events:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                out += chunk
            lines = out.count(b"\n")
            if lines > 0 and "first_stats" not in timings and \
                    "on-first-line" in case:
                timings["first_stats"] = json.loads(fixture.get("/stats"))
            if close_after and lines >= int(close_after):
                proc.stdout.close()
                timings["closed"] = time.monotonic()
                break
            if sigs and not sent:
                ready = (lines >= cond_n if cond_kind == "after" else
                         json.loads(fixture.get("/stats"))["inflight"]
                         >= cond_n)
                if ready:
                    for s in sigs:
                        proc.send_signal(s)
                    timings["signalled"] = time.monotonic()
                    sent = True
        sel.close()
        if not close_after:
            out += proc.stdout.read()
        err = proc.stderr.read()
    else:
        try:
            out, err = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise Failure("afetch took more than %gs" % limit)
    try:
        proc.wait(timeout=max(1.0, limit - (time.monotonic() - start)))
    except subprocess.TimeoutExpired:
        proc.kill()
        raise Failure("afetch did not exit")
    timings["exited"] = time.monotonic()
    return proc.returncode, out, err, timings


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--afetch", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("case")
    opts = ap.parse_args()
    case = parse_case(opts.case)
    with tempfile.TemporaryDirectory() as workdir:
        fixture = Fixture(opts.fixture, workdir)
        try:
            run(case, opts, fixture)
        except Failure as e:
            print("FAIL %s: %s" % (os.path.basename(opts.case), e))
            return 1
        finally:
            fixture.stop()
    print("ok   %s" % os.path.basename(opts.case))
    return 0


def run(case, opts, fixture):
    base2 = fixture.base.replace("127.0.0.1", "127.0.0.2")

    filename = os.path.join(os.path.dirname(fixture.portfile), "input")

    def subst(text):
        return (text.replace("{base}", fixture.base)
                .replace("{base2}", base2)
                .replace("{port}", str(fixture.port))
                .replace("{file}", filename))

    if "file" in case:
        with open(filename, "w", encoding="utf-8") as f:
            f.write(subst(case["file"]))

    args = [opts.afetch] + shlex.split(subst(case.get("args", "")))
    status, out, err, timings = run_afetch(args, case, subst, fixture)
    errtext = err.decode("utf-8", errors="replace")
    if "exit" in case and status != int(case["exit"].strip()):
        raise Failure("exit status %d, want %s; stderr: %s" %
                      (status, case["exit"].strip(), errtext[:2000]))
    if status < 0:
        raise Failure("afetch died of signal %d" % -status)
    if "raw" in case:
        text = out.decode("utf-8", errors="replace")
        if not re.search(case.get("stdout", "").strip(), text):
            raise Failure("stdout does not match %r: %r" %
                          (case.get("stdout", "").strip(), text[:2000]))
        records = []
    else:
        records = parse_output(out)
    if "on-first-line" in case:
        if "first_stats" not in timings:
            raise Failure("no line arrived")
        jq_true(case["on-first-line"], timings["first_stats"], "first-line")
    if "records" in case:
        expected = [json.loads(l) for l in subst(case["records"]).splitlines()
                    if l.strip()]
        if len(expected) != len(records):
            raise Failure("%d records, want %d" %
                          (len(records), len(expected)))
        by_index = {r["index"]: r for r in records}
        for e in expected:
            if e.get("index") not in by_index:
                raise Failure("no record with index %r" % e.get("index"))
            subset_match(e, by_index[e["index"]],
                         "record %d" % e["index"])
    if "check" in case:
        jq_true(subst(case["check"]), records, "records")
    if "stats" in case:
        jq_true(case["stats"], json.loads(fixture.get("/stats")), "stats")
    if "log" in case:
        entries = []
        for line in fixture.get("/log").splitlines():
            t, host, path = line.split(" ", 2)
            entries.append({"t": float(t), "host": host, "path": path})
        jq_true(case["log"], entries, "log")
    if "stderr" in case and not re.search(case["stderr"].strip(), errtext):
        raise Failure("stderr does not match %r: %r" %
                      (case["stderr"].strip(), errtext[:2000]))
    if "stderr-lines" in case:
        n = len(errtext.splitlines())
        if n != int(case["stderr-lines"].strip()):
            raise Failure("%d lines on stderr, want %s: %r" %
                          (n, case["stderr-lines"].strip(), errtext[:2000]))
    if "closed" in timings:
        print("     exited %.3fs after stdout closed" %
              (timings["exited"] - timings["closed"]))
    if "signalled" in timings:
        print("     exited %.3fs after the signal" %
              (timings["exited"] - timings["signalled"]))


if __name__ == "__main__":
    sys.exit(main())
