#!/usr/bin/env python3
"""Runs one integration test case of afetch against the fixture server.

A case is a data file in tests/cases/, made of sections:

    --- args          afetch's arguments, split like a shell would
    --- stdin         text given on stdin (as is, after substitution)
    --- stdin-python  a Python expression whose value (str or bytes) is stdin
    --- exit          the expected exit status (default: 0)
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
    --- ulimit-fsize  soft and hard RLIMIT_FSIZE (bytes) for afetch
    --- blackhole     a listener that never accepts, at {blackhole}: connects
                      to it time out
    --- stderr-pty    afetch's stderr is a pseudo-terminal (what it printed
                      there is checked by --- stderr as usual)
    --- dir           a directory afetch writes into (-o), listed after the run
    --- dir-check     jq expressions over {"records": [...], "files": {name:
                      size}} for every file in --- dir, hidden ones included
    --- oracle        tests/crawl_oracle.py's seeds and options (a crawl of
                      the fixture's generated site): the records must pass
                      its check (same tasks, parents, depths and links)
    --- check-summary jq expressions over {"records": [...], "summary": the
                      JSON object afetch wrote to {file}.summary.json}
    --- tls           puts nginx in front of the fixture as a TLS terminator
                      speaking HTTP/2 and HTTP/1.1 (ALPN), with a throwaway CA
                      and a certificate for 127.0.0.1 and localhost made for
                      the case. The body may hold options, one a line:
                      "no-http2" (ALPN offers HTTP/1.1 only), "max-streams N"
                      (HTTP/2 streams per connection, default 128)
    --- tls-log       jq expressions over nginx's access log, as an array of
                      {"connection": n, "requests": n, "protocol":
                      "HTTP/2.0", "status": n, "uri": ...} in the order the
                      requests finished; every stream of an HTTP/2
                      connection has the connection's number, and "requests"
                      counts the requests so far on it

In every text, {base} is http://127.0.0.1:PORT, {base2} the same on
127.0.0.2, {port} the port. With --- tls, {tls} is https://127.0.0.1:TLSPORT,
{tlsport} that port and {cacert} the CA certificate's PEM file (and
stdin-python has tls and cacert too). Through nginx the fixture sees the Host
127.0.0.1:TLSPORT, and the endpoints that break HTTP on purpose (/close,
/garbage, /cut/N ...) become nginx's 502 or a cut stream; over HTTP/2 nginx
sends a response's headers with its first body bytes, so /drip's ttfb is one
chunk late there (its total is right). nginx is stopped when the case ends,
however it ends.

Whatever the case says, every line afetch writes must be strict UTF-8 and
valid JSON with all the record's fields, and the indexes written must be
distinct.

With --workers N the case runs with `--workers N` after its args: the
same expectations hold whatever the number of event loops (tests/
CMakeLists.txt registers every case so as case_NAME_w4).
"""

import argparse
import ctypes
import json
import os
import re
import shlex
import shutil
import signal
import socket
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


def dies_with_runner():
    """A preexec_fn: the child gets SIGTERM when the runner dies, however
    it dies (Linux), so no server outlives a killed runner."""
    parent = os.getpid()
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        prctl = None

    def preexec():
        if prctl is not None:
            prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:
            os._exit(1)
    return preexec


def stop_process(proc):
    """Stops a server we started, by PID: SIGTERM, then SIGKILL if it
    lingers past 10 s."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Fixture:
    """The fixture server on port 0, found through its portfile."""

    def __init__(self, binary, workdir):
        self.portfile = os.path.join(workdir, "port")
        self.proc = subprocess.Popen(
            [binary, "-a", "127.0.0.1", "-a", "127.0.0.2", "-P",
             self.portfile], stdout=subprocess.DEVNULL,
            preexec_fn=dies_with_runner())
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
        stop_process(self.proc)


class TlsFront:
    """nginx in front of the fixture: TLS, HTTP/2 and HTTP/1.1 by ALPN.

    Everything lives in WORKDIR/tls: the CA and server certificates made
    with openssl, nginx.conf from tests/tls/nginx.conf.in, the pid file, the
    logs and nginx's temporary files. nginx runs as one process in the
    foreground (no master, no daemon), so stop() by its PID ends it; and it
    gets SIGTERM should the runner die first.
    """

    HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tls")
    TRIES = 5          # ports to try, should another process take one
    READY_WITHIN = 10  # seconds nginx may take to accept connections

    def __init__(self, workdir, options):
        self.dir = os.path.join(workdir, "tls")
        self.cacert = os.path.join(self.dir, "ca.pem")
        self.access_log = os.path.join(self.dir, "access.log")
        self.error_log = os.path.join(self.dir, "error.log")
        self.pidfile = os.path.join(self.dir, "nginx.pid")
        self.proc = None
        self.port = None
        self.http2, self.max_streams = True, 128
        for line in options.splitlines():
            words = line.split()
            if not words:
                continue
            if words == ["no-http2"]:
                self.http2 = False
            elif len(words) == 2 and words[0] == "max-streams" and \
                    words[1].isdigit() and int(words[1]) > 0:
                self.max_streams = int(words[1])
            else:
                raise Failure("bad tls option: %r" % line.strip())

    @property
    def base(self):
        return "https://127.0.0.1:%d" % self.port

    @staticmethod
    def tool(name):
        found = shutil.which(name, path=os.environ.get("PATH", "") +
                             ":/usr/sbin:/usr/local/sbin")
        if not found:
            raise Failure("%s not found (scripts/install-deps installs it)"
                          % name)
        return found

    def start(self, upstream_port):
        os.mkdir(self.dir)
        os.mkdir(os.path.join(self.dir, "temp"))
        self.make_certificates()
        nginx = self.tool("nginx")
        # Temporary paths for every module nginx has, all in our directory.
        built = subprocess.run([nginx, "-V"], capture_output=True,
                               text=True).stderr
        temp_paths = "".join(
            "    %s_temp_path temp/%s;\n" % (m, m)
            for m in ("fastcgi", "uwsgi", "scgi")
            if "--without-http_%s_module" % m not in built)
        for _ in range(self.TRIES):
            port = free_port()
            self.write_config(port, upstream_port, temp_paths)
            if self.launch(nginx, port):
                self.port = port
                return
        raise Failure("nginx could not bind a port in %d tries" % self.TRIES)

    def make_certificates(self):
        """A CA, and a server certificate it signs: EC P-256, two days."""
        openssl = self.tool("openssl")
        conf = os.path.join(self.HERE, "openssl.cnf")
        newkey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                  "-nodes", "-config", conf]

        def path(name):
            return os.path.join(self.dir, name)
        for cmd in (
                ["req", "-x509", "-new"] + newkey +
                ["-keyout", path("ca.key"), "-out", self.cacert,
                 "-days", "2", "-extensions", "ca_ext",
                 "-subj", "/CN=afetch test CA"],
                ["req", "-new"] + newkey +
                ["-keyout", path("server.key"), "-out", path("server.csr"),
                 "-subj", "/CN=127.0.0.1"],
                ["x509", "-req", "-in", path("server.csr"),
                 "-CA", self.cacert, "-CAkey", path("ca.key"),
                 "-set_serial", "0x" + os.urandom(8).hex(), "-days", "2",
                 "-extfile", conf, "-extensions", "server_ext",
                 "-out", path("server.pem")]):
            r = subprocess.run([openssl] + cmd, capture_output=True,
                               text=True)
            if r.returncode != 0:
                raise Failure("openssl %s failed: %s" %
                              (cmd[0], r.stderr.strip()[-2000:]))

    def write_config(self, port, upstream_port, temp_paths):
        with open(os.path.join(self.HERE, "nginx.conf.in")) as f:
            text = f.read()
        for name, value in (("PORT", str(port)),
                            ("HTTP2", " http2" if self.http2 else ""),
                            ("MAX_STREAMS", str(self.max_streams)),
                            ("UPSTREAM_PORT", str(upstream_port)),
                            ("TEMP_PATHS", temp_paths)):
            text = text.replace("@%s@" % name, value)
        left = re.search(r"@[A-Z_0-9]+@", text)
        if left:
            raise Failure("nginx.conf.in: nothing for %s" % left.group(0))
        with open(os.path.join(self.dir, "nginx.conf"), "w") as f:
            f.write(text)

    def launch(self, nginx, port):
        """Starts nginx on PORT: True once it accepts connections there,
        False if the port was taken; a Failure otherwise."""
        for name in (self.pidfile, self.error_log):
            if os.path.exists(name):
                os.unlink(name)
        with open(os.path.join(self.dir, "stderr"), "wb") as err:
            self.proc = subprocess.Popen(
                [nginx, "-p", self.dir + "/", "-c", "nginx.conf",
                 "-e", self.error_log],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=err, preexec_fn=dies_with_runner())
        # Waiting for readiness, bounded: first the pid file, which nginx
        # writes once it has bound its port (so a connection can't reach
        # another process that took the port), then a connection.
        deadline = time.monotonic() + self.READY_WITHIN
        while True:
            if self.proc.poll() is not None:
                self.proc = None
                if "Address already in use" in self.logs():
                    return False
                raise Failure("nginx exited at start:\n%s" % self.logs())
            if time.monotonic() > deadline:
                self.stop()
                raise Failure("nginx did not accept connections in %ds:\n%s"
                              % (self.READY_WITHIN, self.logs()))
            if self.written_pid() == self.proc.pid:
                try:
                    socket.create_connection(("127.0.0.1", port),
                                             timeout=1).close()
                    return True
                except OSError:
                    pass
            time.sleep(0.01)

    def written_pid(self):
        try:
            with open(self.pidfile) as f:
                return int(f.read().strip() or 0)
        except (OSError, ValueError):
            return None

    def logs(self):
        text = ""
        for name in ("stderr", "error.log"):
            try:
                with open(os.path.join(self.dir, name), errors="replace") as f:
                    text += f.read()
            except OSError:
                pass
        return text.strip()[-3000:]

    def entries(self):
        """The access log: one object a request, as it finished."""
        try:
            with open(self.access_log, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in lines if line.strip()]

    def final_entries(self):
        """The whole access log, once nginx is done with it: nginx logs a
        request after its last byte is sent, so afetch may exit before
        the line is written. SIGQUIT (by PID) lets every request finish
        and log before nginx exits."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        return self.entries()

    def stop(self):
        """Fast shutdown by PID, then SIGKILL if it lingers. Idempotent."""
        if self.proc is None:
            return
        stop_process(self.proc)
        self.proc = None


class Blackhole:
    """A listener whose accept queue is full, so new connections time out.

    Linux keeps backlog + 1 connections waiting for accept(); once they are
    queued, further SYNs are dropped and a client's connect() hangs until
    its own timeout, with no route tricks and no outside address.
    """

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(0)
        self.port = self.listener.getsockname()[1]
        self.fillers = []
        for _ in range(3):
            c = socket.socket()
            c.setblocking(False)
            try:
                c.connect(("127.0.0.1", self.port))
            except BlockingIOError:
                pass
            self.fillers.append(c)
        self.base = "http://127.0.0.1:%d" % self.port

    def close(self):
        for c in self.fillers:
            c.close()
        self.listener.close()


def free_port():
    """A port nobody listens on now (nginx may still lose it: see TRIES)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def run_afetch(args, case, subst, fixture, front):
    env = dict(os.environ)
    for line in subst(case.get("env", "")).splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            env[k.strip()] = v.strip()
    stdin = b""
    if "stdin" in case:
        stdin = subst(case["stdin"]).encode("utf-8")
    if "stdin-python" in case:
        names = {"base": fixture.base,
                 "base2": fixture.base.replace("127.0.0.1", "127.0.0.2")}
        if front is not None:
            names.update(tls=front.base, cacert=front.cacert)
        value = eval(case["stdin-python"], names)
        stdin = value if isinstance(value, bytes) else value.encode("utf-8")
    limit = float(case.get("timeout", "60").strip())
    preexec = None
    limits = []
    if "ulimit-n" in case:
        limits.append(("RLIMIT_NOFILE", int(case["ulimit-n"].strip())))
    if "ulimit-fsize" in case:
        limits.append(("RLIMIT_FSIZE", int(case["ulimit-fsize"].strip())))
    if limits:
        import resource

        def preexec():
            for name, n in limits:
                resource.setrlimit(getattr(resource, name), (n, n))
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
    pty = PtyStderr() if "stderr-pty" in case else None
    with tempfile.TemporaryFile() as fin:
        fin.write(stdin)
        fin.seek(0)
        proc = subprocess.Popen(args, stdin=fin, stdout=subprocess.PIPE,
                                stderr=pty.slave if pty else subprocess.PIPE,
                                env=env, preexec_fn=preexec)
        if pty is None:
            return drive(proc, case, fixture, limit)
        pty.started()
        status, out, _, timings = drive(proc, case, fixture, limit)
        return status, out, pty.finish(), timings


class PtyStderr:
    """afetch's stderr on a pseudo-terminal, drained by a thread.

    The thread reads until the terminal reports EIO, which happens once
    every holder of its other end (afetch) has closed it.
    """

    def __init__(self):
        import threading
        self.master, self.slave = os.openpty()
        self.data = []
        self.thread = threading.Thread(target=self._drain)

    def started(self):
        os.close(self.slave)
        self.thread.start()

    def _drain(self):
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.data.append(chunk)

    def finish(self):
        self.thread.join(timeout=10)
        os.close(self.master)
        return b"".join(self.data)


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
        err = proc.stderr.read() if proc.stderr is not None else b""
    else:
        try:
            out, err = proc.communicate(timeout=limit)
            err = err or b""
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
    ap.add_argument("--workers", type=int,
                    help="run afetch with --workers N after its args")
    ap.add_argument("case")
    opts = ap.parse_args()
    case = parse_case(opts.case)
    # SIGTERM (a test driver giving up) unwinds like an error, so the
    # servers below are stopped and the temporary directory removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    with tempfile.TemporaryDirectory() as workdir:
        fixture = Fixture(opts.fixture, workdir)
        front = None
        try:
            if "tls" in case:
                front = TlsFront(workdir, case["tls"])
                front.start(fixture.port)
            run(case, opts, fixture, front)
        except Failure as e:
            print("FAIL %s%s: %s" % (os.path.basename(opts.case),
                                     "" if opts.workers is None else
                                     " (--workers %d)" % opts.workers, e))
            return 1
        finally:
            if front is not None:
                front.stop()
            fixture.stop()
    print("ok   %s%s" % (os.path.basename(opts.case),
                         "" if opts.workers is None else
                         " (--workers %d)" % opts.workers))
    return 0


def run(case, opts, fixture, front):
    base2 = fixture.base.replace("127.0.0.1", "127.0.0.2")

    filename = os.path.join(os.path.dirname(fixture.portfile), "input")

    def subst(text):
        text = (text.replace("{base}", fixture.base)
                .replace("{base2}", base2)
                .replace("{port}", str(fixture.port))
                .replace("{file}", filename))
        if front is not None:
            text = (text.replace("{tls}", front.base)
                    .replace("{tlsport}", str(front.port))
                    .replace("{cacert}", front.cacert))
        else:
            m = re.search(r"\{(tls|tlsport|cacert)\}", text)
            if m:
                raise Failure("%s needs a --- tls section" % m.group(0))
        return text

    if "tls-log" in case and front is None:
        raise Failure("--- tls-log needs a --- tls section")

    if "file" in case:
        with open(filename, "w", encoding="utf-8") as f:
            f.write(subst(case["file"]))

    blackhole = Blackhole() if "blackhole" in case else None
    try:
        run_checks(case, opts, fixture, front, subst, filename, blackhole)
    finally:
        if blackhole is not None:
            blackhole.close()


def run_checks(case, opts, fixture, front, subst0, filename, blackhole):
    def subst(text):
        text = subst0(text)
        if blackhole is not None:
            text = text.replace("{blackhole}", blackhole.base)
        return text

    args = [opts.afetch] + shlex.split(subst(case.get("args", "")))
    if opts.workers is not None:
        args += ["--workers", str(opts.workers)]
    status, out, err, timings = run_afetch(args, case, subst, fixture, front)
    errtext = err.decode("utf-8", errors="replace")
    want = int(case.get("exit", "0").strip())
    if status != want:
        raise Failure("exit status %d, want %d; stderr: %s" %
                      (status, want, errtext[:2000]))
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
    if "oracle" in case:
        import crawl_oracle
        fails = crawl_oracle.check_args(
            records, shlex.split(subst(case["oracle"])))
        if fails:
            raise Failure("crawl oracle: " + "; ".join(fails[:10]))
    if "stats" in case:
        jq_true(subst(case["stats"]), json.loads(fixture.get("/stats")),
                "stats")
    if "log" in case:
        entries = []
        for line in fixture.get("/log").splitlines():
            t, host, path = line.split(" ", 2)
            entries.append({"t": float(t), "host": host, "path": path})
        jq_true(subst(case["log"]), entries, "log")
    if "tls-log" in case:
        jq_true(case["tls-log"], front.final_entries(), "tls-log")
    if "stderr" in case and not re.search(case["stderr"].strip(), errtext):
        raise Failure("stderr does not match %r: %r" %
                      (case["stderr"].strip(), errtext[:2000]))
    if "dir-check" in case:
        where = subst(case.get("dir", "")).strip()
        try:
            files = {n: os.path.getsize(os.path.join(where, n))
                     for n in os.listdir(where)}
        except OSError as e:
            raise Failure("cannot list %s: %s" % (where, e))
        jq_true(subst(case["dir-check"]),
                {"records": records, "files": files}, "dir")
    if "check-summary" in case:
        try:
            with open(filename + ".summary.json", encoding="utf-8") as f:
                summary = json.load(f)
        except (OSError, ValueError) as e:
            raise Failure("no summary JSON: %s" % e)
        jq_true(subst(case["check-summary"]),
                {"records": records, "summary": summary}, "summary")
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
