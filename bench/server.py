"""The loopback nginx that bench/run measures against.

Nginx(...) writes a configuration to a temporary directory, makes an EC P-256
CA and server certificate with openssl, starts nginx on two free 127.0.0.1
ports (HTTP/1.1, and HTTPS with HTTP/2) and waits until both listen; stop()
ends it by PID.
"""

import os
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
worker_processes 1;
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
}}
"""


class Nginx:
    """A loopback nginx in its own temporary directory. stop() ends it by PID."""

    def __init__(self, nginx, openssl, workdir):
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
        self.http, self.https = free_port(), free_port()
        while self.https == self.http:
            self.https = free_port()
        temp = " ".join("%s_temp_path %s/tmp/%s;" % (m, self.dir, m.split("_")[0])
                        for m in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
                        if self._has_module(nginx, m))
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        nofile = 65536 if hard == resource.RLIM_INFINITY else min(65536, hard)
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(
                dir=self.dir, echo=ECHO_MODULE, nofile=nofile,
                conns=max(1024, min(16384, nofile // 2)), temp_paths=temp,
                cert=cert, key=key, http=self.http, https=self.https,
                small="a" * SMALL, delay=DELAY))
        self.log = open(os.path.join(self.dir, "stderr.log"), "wb")
        self.proc = subprocess.Popen(
            [nginx, "-p", self.dir, "-e", os.path.join(self.dir, "error.log"),
             "-c", conf], stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=self.log, preexec_fn=die_with_parent)
        self._wait_ready()

    @staticmethod
    def _has_module(nginx, m):
        if m == "client_body":
            return True
        v = subprocess.run([nginx, "-V"], stderr=subprocess.PIPE).stderr.decode()
        return "--without-http_%s_module" % m.split("_")[0] not in v

    def _wait_ready(self):
        deadline = time.monotonic() + 10
        for port in (self.http, self.https):
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
