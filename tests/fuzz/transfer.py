#!/usr/bin/env python3
"""Whole transfers against a server that answers with fuzzed bytes.

A loopback TCP server (port 0) answers each request for /r/N with the
bytes of response N exactly as given (no HTTP library in between), sent in
pieces, then closes the connection or, for some, leaves it open so that
afetch's timeout must end it. Responses are the files of
tests/fuzz/corpus/transfer/ (one raw HTTP response each; "{base}" in them
is the server's address), as they are or mutated.

Whatever the server sends, afetch must: exit 0 or 1 within its limits,
write exactly one valid record (strict UTF-8 JSON with every field) for
each URL, print no sanitizer report, leave no temporary file in -o's
directory and a file only for each record that has a path.

    transfer.py --afetch PATH                 replay: the corpus as is, and
                                              a fixed set of mutations
    transfer.py --afetch PATH --seconds 300   random mutations for 5 min
    transfer.py --afetch PATH --seed 7 --runs 1   one run again

A failing run's responses are saved under --crashes (default
./transfer-crashes) with the command; exit status 1 then.
"""

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
URLS_PER_RUN = 8
SANITIZER = re.compile(rb"(AddressSanitizer|LeakSanitizer|"
                       rb"UndefinedBehaviorSanitizer|runtime error:)")
FIELDS = ["index", "url", "state", "status", "final_url", "redirects",
          "http_version", "size", "content_type", "ip", "attempts", "time",
          "error"]
CODES = {"invalid_url", "unsupported_scheme", "dns", "connect", "tls",
         "timeout", "reset", "protocol", "too_many_redirects", "too_large",
         "write", "cancelled", "internal"}
# Options each run may add: what decides how a response is handled.
# Retry-After is honoured up to --retry-max-delay (30 s by default), and a
# 503 with it holds the whole host back: the cap keeps runs short.
OPTION_SETS = [[], ["--headers"], ["--body"], ["--order", "input"],
               ["--max-size", "100"], ["--retries", "1", "--retry-delay",
                                       "0.01", "--retry-max-delay", "0.5"], ["--http1.1"], ["--no-follow"],
               ["--max-redirs", "2"], ["-j", "2", "--per-host", "1"]]
INTERESTING = [b"0", b"-1", b"18446744073709551616", b"9223372036854775807",
               b"0x10", b"1e3", b"+5", b"5, 6", b"\r\n", b"\n", b"\x00",
               b"\xff", b"chunked", b"gzip", b"deflate", b"br", b"zstd",
               b"identity", b"Transfer-Encoding: chunked\r\n",
               b"Content-Length: 5\r\n", b"Content-Encoding: gzip\r\n",
               b"Location: {base}/r/0\r\n", b"Location: file:///etc/passwd\r\n",
               b"HTTP/1.1 100 Continue\r\n\r\n", b"Retry-After: 0\r\n",
               b"X-Long: " + b"a" * 5000 + b"\r\n", b"ffffffffffffffff\r\n",
               b"Connection: close\r\n", b"HTTP/1.1 ", b"\r\n\r\n"]


class Server:
    """Answers GET /r/N with responses[N]; others get nothing and a close."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.base = "http://127.0.0.1:%d" % self.port
        self.responses, self.hold, self.pieces = [], set(), 1
        self.stopping = False
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,),
                             daemon=True).start()

    def serve(self, conn):
        try:
            conn.settimeout(5)
            req = b""
            while b"\r\n\r\n" not in req and len(req) < 65536:
                data = conn.recv(4096)
                if not data:
                    return
                req += data
            m = re.match(rb"[A-Z]+ /r/(\d+)", req)
            if m is None or int(m.group(1)) >= len(self.responses):
                return
            n = int(m.group(1))
            body = self.responses[n]
            step = max(1, len(body) // self.pieces)
            for i in range(0, len(body), step):
                conn.sendall(body[i:i + step])
                if self.pieces > 1:
                    time.sleep(0.001)
            if n in self.hold:
                # Neither more bytes nor a close: afetch's -t must end it.
                time.sleep(3)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def stop(self):
        self.stopping = True
        self.sock.close()


def load_corpus(directory):
    seeds = []
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as f:
            seeds.append(f.read())
    return seeds


def mutate(rng, data, seeds):
    """A few of the usual byte-level mutations, and splices of the seeds."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(8)
        pos = rng.randint(0, len(data))
        if op == 0 and data:
            data[min(pos, len(data) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[pos:pos] = bytes(rng.randrange(256)
                                  for _ in range(rng.randint(1, 8)))
        elif op == 2:
            del data[pos:pos + rng.randint(1, 16)]
        elif op == 3:
            data[pos:pos] = rng.choice(INTERESTING)
        elif op == 4 and data:
            end = min(len(data), pos + rng.randint(1, 64))
            data[pos:pos] = data[pos:end] * rng.randint(1, 4)
        elif op == 5:
            del data[pos:]
        elif op == 6:
            other = rng.choice(seeds)
            cut = rng.randint(0, len(other))
            data[pos:] = other[cut:]
        else:
            # Rewrite a number: lengths, chunk sizes, status codes.
            nums = list(re.finditer(rb"[0-9a-fA-F]+", bytes(data)))
            if nums:
                m = rng.choice(nums)
                data[m.start():m.end()] = rng.choice(INTERESTING[:8])
    return bytes(data)


def check_run(proc_rc, out, err, urls, outdir, elapsed, limit):
    """Returns a list of broken promises (empty when all were kept)."""
    bad = []
    if proc_rc is None:
        return ["hang: no exit within %.0f s" % limit]
    if proc_rc not in (0, 1):
        bad.append("exit status %d" % proc_rc)
    if SANITIZER.search(err):
        bad.append("sanitizer report")
    seen = {}
    for lineno, raw in enumerate(out.split(b"\n")[:-1], 1):
        try:
            rec = json.loads(raw.decode("utf-8", errors="strict"))
        except (UnicodeDecodeError, ValueError) as e:
            bad.append("line %d: not strict UTF-8 JSON: %s" % (lineno, e))
            continue
        missing = [k for k in FIELDS if k not in rec]
        if missing:
            bad.append("line %d: missing %s" % (lineno, missing))
            continue
        i = rec["index"]
        if i in seen:
            bad.append("index %d written twice" % i)
        seen[i] = rec
        if not (0 <= i < len(urls)) or rec["url"] != urls[i]:
            bad.append("line %d: index/url %r %r" % (lineno, i, rec["url"]))
        if rec["state"] not in ("done", "error", "cancelled"):
            bad.append("line %d: state %r" % (lineno, rec["state"]))
        if rec["error"] is not None and rec["error"].get("code") not in CODES:
            bad.append("line %d: code %r" % (lineno, rec["error"]))
        if (rec["state"] == "done") != (rec["error"] is None):
            bad.append("line %d: state and error disagree" % lineno)
        if rec["attempts"] > 0 and rec["time"].get("total") is None:
            bad.append("line %d: attempted, no time.total" % lineno)
    if out and not out.endswith(b"\n"):
        bad.append("last line cut")
    if len(seen) != len(urls):
        bad.append("%d records for %d URLs" % (len(seen), len(urls)))
    if outdir is not None:
        files = set(os.listdir(outdir))
        paths = {os.path.basename(r["path"]) for r in seen.values()
                 if r.get("path")}
        if files != paths:
            bad.append("-o: files %s, record paths %s"
                       % (sorted(files), sorted(paths)))
    return bad


def one_run(afetch, server, responses, hold, pieces, options, workdir):
    server.responses = responses
    server.hold = hold
    server.pieces = pieces
    urls = ["%s/r/%d" % (server.base, i) for i in range(len(responses))]
    outdir = None
    args = [afetch, "-t", "1", "--connect-timeout", "2"] + options
    if "-o" in options:
        outdir = os.path.join(workdir, "out")
        shutil.rmtree(outdir, ignore_errors=True)
        args[args.index("-o") + 1] = outdir
    # With --retries 1 and -j 2, the worst case is a few -t's in a row.
    limit = 30.0
    start = time.monotonic()
    proc = subprocess.Popen(args, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(("\n".join(urls) + "\n").encode(),
                                    timeout=limit)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        rc = None
    elapsed = time.monotonic() - start
    if outdir is not None and not os.path.isdir(outdir):
        os.makedirs(outdir)
    return check_run(rc, out, err, urls, outdir, elapsed, limit), args, err


def save_crash(crashes, tag, responses, args, problems, err, run):
    d = os.path.join(crashes, tag)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "run.json"), "w") as f:
        json.dump(run, f)
    for i, r in enumerate(responses):
        with open(os.path.join(d, "%02d.http" % i), "wb") as f:
            f.write(r)
    with open(os.path.join(d, "README"), "w") as f:
        f.write("args: %s\n" % " ".join(args))
        f.write("".join("problem: %s\n" % p for p in problems))
    with open(os.path.join(d, "stderr"), "wb") as f:
        f.write(err)
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--afetch", required=True)
    ap.add_argument("--corpus", default=os.path.join(HERE, "corpus",
                                                     "transfer"))
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--runs", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--crashes", default="transfer-crashes")
    ap.add_argument("--rerun", metavar="DIR",
                    help="run a saved failure again (its responses and "
                    "options) and stop")
    a = ap.parse_args()

    seeds = load_corpus(a.corpus)
    server = Server()
    sub = lambda b: b.replace(b"{base}", server.base.encode())
    failures = runs = 0
    with tempfile.TemporaryDirectory(prefix="afetch-fuzz-") as workdir:
        def run(tag, responses, hold, pieces, options):
            nonlocal failures, runs
            runs += 1
            problems, args, err = one_run(a.afetch, server, responses, hold,
                                          pieces, options, workdir)
            if problems:
                failures += 1
                d = save_crash(a.crashes, tag, responses, args, problems, err,
                               {"hold": sorted(hold), "pieces": pieces,
                                "options": options})
                print("transfer: %s: %s (saved in %s)"
                      % (tag, "; ".join(problems), d), file=sys.stderr)

        if a.rerun:
            with open(os.path.join(a.rerun, "run.json")) as f:
                saved = json.load(f)
            responses = []
            for name in sorted(os.listdir(a.rerun)):
                if name.endswith(".http"):
                    with open(os.path.join(a.rerun, name), "rb") as f:
                        responses.append(f.read())
            run("rerun", responses, set(saved["hold"]), saved["pieces"],
                saved["options"])
            server.stop()
            print("transfer: rerun %s" % ("failed" if failures else "passed"))
            return 1 if failures else 0

        # The corpus as it is, in runs of URLS_PER_RUN, with -o and without.
        plain = [sub(s) for s in seeds]
        for i in range(0, len(plain), URLS_PER_RUN):
            part = plain[i:i + URLS_PER_RUN]
            run("corpus-%d" % i, part, set(), 1, [])
            run("corpus-o-%d" % i, part, set(), 3, ["-o", "DIR", "--headers"])

        # Mutations: a fixed set in replay, then more for --seconds/--runs.
        seed = a.seed
        end = time.monotonic() + a.seconds
        replay_runs = 6 if a.seconds == 0 and a.runs == 0 else 0
        n = 0
        while n < replay_runs or n < a.runs or time.monotonic() < end:
            rng = random.Random(seed)
            responses = [sub(mutate(rng, rng.choice(seeds), seeds))
                         for _ in range(URLS_PER_RUN)]
            hold = {i for i in range(URLS_PER_RUN) if rng.random() < 0.1}
            options = list(rng.choice(OPTION_SETS))
            if rng.random() < 0.3:
                options += ["-o", "DIR"]
            run("seed-%d" % seed, responses, hold, rng.choice([1, 2, 7]),
                options)
            seed += 1
            n += 1
    server.stop()
    print("transfer: %d runs of %d URLs, %d failed"
          % (runs, URLS_PER_RUN, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
