"""The loopback nginx that bench/run measures against.

Nginx(...) writes a configuration to a temporary directory, makes an EC P-256
CA and server certificate with openssl, starts nginx on two free 127.0.0.1
ports (HTTP/1.1, and HTTPS with HTTP/2) and waits until both listen; stop()
ends it by PID.
"""

import os
import re
import resource
import signal
import socket
import subprocess
import time

from measure import die_with_parent

ECHO_MODULE = "/usr/lib/nginx/modules/ngx_http_echo_module.so"
DELAY = 0.1             # seconds, the echo_sleep of /d/
SMALL = 1024            # bytes, the body of /p/
BIG = 1 << 20           # bytes, the body of /big/


class SetupError(Exception):
    pass


def proc_tree_cpu(pid):
    """User + system CPU seconds of pid and of every descendant alive now
    (nginx's workers are its children; under `ip netns exec` the pid is
    nginx itself, exec'd in place). Reaped children are not counted: nginx
    keeps its workers until it stops. None when /proc cannot be read."""
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        # The command may hold spaces and parentheses: split after the last ')'.
        f = s[s.rfind(")") + 2:].split()
        stats[int(d)] = (int(f[1]), int(f[11]) + int(f[12]))
    if pid not in stats:
        return None
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += stats[p][1]
        todo += [c for c, (pp, _) in stats.items() if pp == p]
    return total / tick


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_certs(openssl, d):
    """A CA and a server certificate for 127.0.0.1 and localhost signed by it,
    both EC P-256, made now. Returns (ca, cert, key)."""
    ca_key, ca, key, csr, cert = (os.path.join(d, f) for f in
                                  ("ca.key", "ca.pem", "server.key", "server.csr",
                                   "server.pem"))
    ext = os.path.join(d, "server.ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=serverAuth\n"
                "subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    steps = [
        ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-out", ca_key],
        ["req", "-x509", "-new", "-sha256", "-key", ca_key, "-days", "2",
         "-subj", "/CN=afetch bench CA", "-out", ca,
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-out", key],
        ["req", "-new", "-sha256", "-key", key, "-subj", "/CN=127.0.0.1", "-out", csr],
        ["x509", "-req", "-sha256", "-in", csr, "-CA", ca, "-CAkey", ca_key,
         "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", cert],
    ]
    for step in steps:
        r = subprocess.run([openssl] + step, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise SetupError("openssl %s failed: %s" % (step[0], r.stderr.decode().strip()))
    return ca, cert, key


NGINX_CONF = """\
# Made by bench/run; stopped by PID when the benchmark ends.
daemon off;
master_process on;
worker_processes {workers};
worker_rlimit_nofile {nofile};
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
load_module {echo};

events {{
    worker_connections {conns};
    multi_accept on;
}}

http {{
    access_log off;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 120s;
    keepalive_requests 100000;
    http2_max_concurrent_streams 1000;
    {temp_paths}
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:bench:10m;

    server {{
        listen 127.0.0.1:{http} backlog=4096;
        listen 127.0.0.1:{https} ssl http2 backlog=4096;
        root {dir}/www;

        # 1 KiB on any path below /p/, from memory: as cheap as nginx gets.
        location /p/ {{ return 200 "{small}"; }}
        # "ok" after 100 ms, from the echo module's timer: no upstream.
        location /d/ {{ echo_sleep {delay}; echo ok; }}
        # 1 MiB on any path below /big/, one file sent with sendfile.
        location /big/ {{ try_files /big.bin =404; }}
    }}

    # S5: every request a full TLS 1.3 handshake. The server closes after
    # each response and resumes no session (no tickets, no cache).
    server {{
        listen 127.0.0.1:{https_close} ssl backlog=4096;
        ssl_protocols TLSv1.3;
        ssl_session_cache off;
        ssl_session_tickets off;
        keepalive_timeout 0;
        location /p/ {{ return 200 "{small}"; }}
    }}
{status}}}
"""

# The connections nginx accepted, on a Unix socket that any network
# namespace reaches: how many connections a tool opened.
STATUS_SERVER = """
    server {{
        listen unix:{sock};
        location = /status {{ stub_status; }}
    }}
"""


def accepted(sock):
    """nginx's count of accepted connections (stub_status), this query's
    own included; None when it cannot be read."""
    import socket as so
    try:
        with so.socket(so.AF_UNIX, so.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(sock)
            s.sendall(b"GET /status HTTP/1.0\r\nHost: status\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        lines = data.decode(errors="replace").splitlines()
        for i, line in enumerate(lines):
            if line.strip().startswith("server accepts"):
                return int(lines[i + 1].split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return None


class Nginx:
    """A loopback nginx in its own temporary directory. stop() ends it by PID."""

    def __init__(self, nginx, openssl, workdir, workers=1):
        self.workers = workers      # nginx worker processes
        self.dir = os.path.join(workdir, "nginx")
        os.makedirs(os.path.join(self.dir, "www"))
        os.makedirs(os.path.join(self.dir, "tmp"))
        # The worker may run as nobody: it must be able to read big.bin.
        for d in (workdir, self.dir, os.path.join(self.dir, "www")):
            os.chmod(d, 0o755)
        big = os.path.join(self.dir, "www", "big.bin")
        with open(big, "wb") as f:
            f.write(bytes(range(256)) * (BIG // 256))
        os.chmod(big, 0o644)
        self.ca, cert, key = make_certs(openssl, self.dir)
        ports = set()
        while len(ports) < 3:
            ports.add(free_port())
        self.http, self.https, self.https_close = sorted(ports)
        self.status = os.path.join(self.dir, "status.sock")
        temp = " ".join("%s_temp_path %s/tmp/%s;" % (m, self.dir, m.split("_")[0])
                        for m in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
                        if self._has_module(nginx, m))
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        nofile = 65536 if hard == resource.RLIM_INFINITY else min(65536, hard)
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(workers=self.workers,
                dir=self.dir, echo=ECHO_MODULE, nofile=nofile,
                conns=max(1024, min(16384, nofile // 2)), temp_paths=temp,
                cert=cert, key=key, http=self.http, https=self.https,
                https_close=self.https_close, small="a" * SMALL, delay=DELAY,
                status=STATUS_SERVER.format(sock=self.status)))
        self.conf = conf
        self.argv = [nginx, "-p", self.dir, "-e", os.path.join(self.dir, "error.log"),
                     "-c", conf]
        self._start()

    def _start(self):
        self.log = open(os.path.join(self.dir, "stderr.log"), "ab")
        self.proc = subprocess.Popen(
            self.argv, stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=self.log, preexec_fn=die_with_parent)
        self._wait_ready()

    def set_workers(self, n):
        """Runs nginx with n worker processes from now on: the configuration
        is rewritten and nginx restarted (same ports, certificates and
        files), so that no worker of the old count is still serving or
        closing connections while the next run is measured."""
        if n == self.workers:
            return
        with open(self.conf) as f:
            text = f.read()
        with open(self.conf, "w") as f:
            f.write(re.sub(r"(?m)^worker_processes \d+;$",
                           "worker_processes %d;" % n, text))
        self.stop()
        try:
            os.unlink(self.status)  # the stub_status socket, should it be left
        except OSError:
            pass
        self.workers = n
        self._start()

    def cpu(self):
        """CPU seconds (user + system) used so far by nginx's master and
        worker processes, from /proc: the server's share of a run is the
        difference across it. None when /proc cannot tell."""
        return proc_tree_cpu(self.proc.pid)

    @staticmethod
    def _has_module(nginx, m):
        if m == "client_body":
            return True
        v = subprocess.run([nginx, "-V"], stderr=subprocess.PIPE).stderr.decode()
        return "--without-http_%s_module" % m.split("_")[0] not in v

    def _wait_ready(self):
        deadline = time.monotonic() + 10
        for port in (self.http, self.https, self.https_close):
            while True:
                if self.proc.poll() is not None:
                    raise SetupError("nginx exited at start: " + self.errors())
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SetupError("nginx did not listen: " + self.errors())
                    time.sleep(0.02)

    def errors(self):
        text = ""
        for f in ("stderr.log", "error.log"):
            try:
                with open(os.path.join(self.dir, f), errors="replace") as fh:
                    text += fh.read()
            except OSError:
                pass
        return text.strip()[-2000:]

    def url(self, path, i, tls=False):
        if tls:
            return "https://127.0.0.1:%d%s%d" % (self.https, path, i)
        return "http://127.0.0.1:%d%s%d" % (self.http, path, i)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


NET_CONF = """\
# Made by bench/run for S6 and S7, run in the server's network namespace;
# stopped by PID when the benchmark ends.
daemon off;
master_process on;
worker_processes {workers};
worker_rlimit_nofile {nofile};
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
load_module {echo};

events {{
    worker_connections {conns};
    multi_accept on;
}}

http {{
    access_log off;
    default_type text/html;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 120s;
    keepalive_requests 100000;
    {temp_paths}

    server {{
        # Every address of the namespace: one per host name.
        listen 80 backlog=65535;
        root {dir}/www;

        # Pages of 10-50 KiB, sent gzip-compressed to clients that ask
        # (precompressed: nginx's one worker spends no CPU compressing).
        location /g/ {{ gzip_static on; }}
        # A redirect to the page of the same name, on the same host.
        location /r/ {{ rewrite ^/r/(.*)$ /g/$1 permanent; }}
        # "ok" after 100 ms and after 1 s (S7).
        location /d/ {{ echo_sleep {delay}; echo ok; }}
        location /d1/ {{ echo_sleep {long_delay}; echo ok; }}
    }}
{status}}}
"""

LONG_DELAY = 1.0        # seconds, the echo_sleep of /d1/
PAGES = 20              # /g/0.html ... /g/19.html


def page_size(k):
    """Bytes of /g/K.html: 10 KiB to 48 KiB, then round again."""
    return (10 + 2 * (k % 20)) * 1024


def make_pages(www, pages):
    """HTML-like text from a small vocabulary, so that gzip does to it
    roughly what it does to web pages (about 2.4:1), and its .gz."""
    import gzip
    import random
    rnd = random.Random(13)
    words = ["".join(rnd.choice("etaoinshrdlucmfwyp") for _ in range(rnd.randint(2, 9)))
             for _ in range(2000)]
    g = os.path.join(www, "g")
    os.makedirs(g)
    os.chmod(g, 0o755)
    for k in range(pages):
        size = page_size(k)
        parts = ["<html><body>\n"]
        n = len(parts[0])
        while n < size:
            line = "<p>" + " ".join(rnd.choice(words) for _ in range(12)) + "</p>\n"
            parts.append(line)
            n += len(line)
        text = "".join(parts).encode()[:size]
        path = os.path.join(g, "%d.html" % k)
        with open(path, "wb") as f:
            f.write(text)
        with open(path + ".gz", "wb") as f:
            f.write(gzip.compress(text, 6, mtime=0))
        os.chmod(path, 0o644)
        os.chmod(path + ".gz", 0o644)


class NetNginx(Nginx):
    """The nginx of S6 and S7, in the server's network namespace (prefix:
    `ip netns exec NAME`), on port 80 of every address there."""

    def __init__(self, nginx, workdir, prefix, pages=PAGES, workers=1):
        self.workers = workers
        self.dir = os.path.join(workdir, "nginx-net")
        www = os.path.join(self.dir, "www")
        os.makedirs(www)
        os.makedirs(os.path.join(self.dir, "tmp"))
        for d in (workdir, self.dir, www):
            os.chmod(d, 0o755)
        make_pages(www, pages)
        self.status = os.path.join(self.dir, "status.sock")
        temp = " ".join("%s_temp_path %s/tmp/%s;" % (m, self.dir, m.split("_")[0])
                        for m in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
                        if self._has_module(nginx, m))
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        nofile = 65536 if hard == resource.RLIM_INFINITY else min(65536, hard)
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NET_CONF.format(workers=self.workers,
                dir=self.dir, echo=ECHO_MODULE, nofile=nofile,
                conns=max(1024, nofile - 64), temp_paths=temp, delay=DELAY,
                long_delay=LONG_DELAY, status=STATUS_SERVER.format(sock=self.status)))
        self.conf = conf
        self.argv = prefix + [nginx, "-p", self.dir, "-e",
                              os.path.join(self.dir, "error.log"), "-c", conf]
        self._start()

    def _wait_ready(self):
        deadline = time.monotonic() + 10
        while accepted(self.status) is None:
            if self.proc.poll() is not None:
                raise SetupError("nginx exited at start: " + self.errors())
            if time.monotonic() > deadline:
                raise SetupError("nginx did not listen: " + self.errors())
            time.sleep(0.02)
