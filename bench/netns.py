"""A delayed link to many hosts, for bench/run's S6 and S7.

DelayedNet(...) makes two network namespaces of its own: the client's,
where every tool runs (`ip netns exec`), and the server's, where an nginx
listens on port 80 of H addresses 10.77.x.y (one per host name). The two
are joined by bench/delayline.c: a TUN device in each namespace and a
process between them that delays every packet by D ms ± jitter each way
(so a round trip takes 2D). The host names hNNN.bench.test are in a hosts
file that `ip netns exec` puts over /etc/hosts for the tools alone
(/etc/netns/NAME/hosts): every tool resolves them alike, with
getaddrinfo. Nothing changes in the machine's own namespace but that
directory; close() removes it, the namespaces and the delay line,
whatever happened.
"""

import os
import shutil
import signal
import subprocess
import time

from measure import die_with_parent

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))


class NetError(Exception):
    pass


def host_name(i):
    return "h%03d.bench.test" % i


def host_addr(i):
    return "10.77.%d.%d" % (i // 250, i % 250 + 1)


def compile_delayline(workdir):
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    exe = os.path.join(workdir, "delayline")
    if not cc or subprocess.run([cc, "-O2", "-o", exe,
                                 os.path.join(BENCH_DIR, "delayline.c")],
                                stdout=subprocess.DEVNULL).returncode != 0:
        raise NetError("could not compile bench/delayline.c")
    return exe


class DelayedNet:
    def __init__(self, ip, workdir, hosts, one_way_ms=25, jitter_ms=2):
        if os.geteuid() != 0:
            raise NetError("not root")
        if not ip:
            raise NetError("ip (iproute2) not installed")
        if not os.path.exists("/dev/net/tun"):
            raise NetError("no /dev/net/tun")
        self.ip = ip
        self.hosts = hosts
        self.rtt = 2 * one_way_ms / 1000.0
        self.jitter_ms = jitter_ms
        tag = "%d" % os.getpid()
        self.cli, self.srv = "afb-c-" + tag, "afb-s-" + tag
        self.etc = "/etc/netns/" + self.cli
        self.made = []
        self.made_etc = False
        self.line = None
        self.stats = ""
        try:
            self._setup(workdir, one_way_ms, jitter_ms)
        except BaseException:
            self.close()
            raise

    def _ip(self, *args, ns=None, stdin=None):
        argv = [self.ip] + (["-n", ns] if ns else []) + list(args)
        r = subprocess.run(argv, input=stdin, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise NetError("%s: %s" % (" ".join(argv[:6]), r.stderr.decode().strip()))

    def _sysctl(self, ns, key, value):
        path = "/proc/sys/" + key.replace(".", "/")
        subprocess.run([self.ip, "netns", "exec", ns, "sh", "-c",
                        "echo '%s' > %s" % (value, path)], stderr=subprocess.DEVNULL)

    def _setup(self, workdir, one_way_ms, jitter_ms):
        for ns in (self.cli, self.srv):
            self._ip("netns", "add", ns)
            self.made.append(ns)
            self._ip("link", "set", "lo", "up", ns=ns)
        self.made_etc = not os.path.isdir("/etc/netns")
        os.makedirs(self.etc, exist_ok=True)
        with open(os.path.join(self.etc, "hosts"), "w") as f:
            f.write("127.0.0.1 localhost\n")
            for i in range(self.hosts):
                f.write("%s %s\n" % (host_addr(i), host_name(i)))
        exe = compile_delayline(workdir)
        ready = os.path.join(workdir, "delayline.ready")
        self.line_err = open(os.path.join(workdir, "delayline.err"), "w+")
        self.line = subprocess.Popen(
            [exe, ready, self.cli, self.srv, str(one_way_ms * 1000),
             str(jitter_ms * 1000)], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=self.line_err,
            preexec_fn=die_with_parent)
        deadline = time.monotonic() + 10
        while not os.path.exists(ready):
            if self.line.poll() is not None or time.monotonic() > deadline:
                self.line_err.seek(0)
                raise NetError("delayline did not start: " + self.line_err.read().strip())
            time.sleep(0.01)
        # Point-to-point, MTU 1500 as on the internet (so TCP's slow start
        # is what it is there), queues long enough for J=10,000.
        for ns, dev, me, peer in ((self.cli, "afb0", "10.78.0.1", "10.78.0.2"),
                                  (self.srv, "afb1", "10.78.0.2", "10.78.0.1")):
            self._ip("addr", "add", me, "peer", peer, "dev", dev, ns=ns)
            self._ip("link", "set", dev, "up", "mtu", "1500", "txqueuelen", "20000", ns=ns)
        self._ip("route", "add", "10.77.0.0/16", "dev", "afb0", ns=self.cli)
        self._ip("route", "add", "default", "dev", "afb1", ns=self.srv)
        batch = "".join("addr add %s/32 dev lo\n" % host_addr(i) for i in range(self.hosts))
        self._ip("-batch", "-", ns=self.srv, stdin=batch.encode())
        self._sysctl(self.cli, "net.ipv4.ip_local_port_range", "1024 65535")
        for ns in (self.cli, self.srv):
            self._sysctl(ns, "net.core.somaxconn", "65535")
            self._sysctl(ns, "net.ipv4.tcp_max_syn_backlog", "65535")

    def prefix(self):
        """The command prefix that runs a tool in the client's namespace."""
        return [self.ip, "netns", "exec", self.cli]

    def server_prefix(self):
        return [self.ip, "netns", "exec", self.srv]

    def close(self):
        if self.line and self.line.poll() is None:
            self.line.send_signal(signal.SIGTERM)
            try:
                self.line.wait(5)
            except subprocess.TimeoutExpired:
                self.line.kill()
                self.line.wait()
        if self.line:
            self.line_err.seek(0)
            self.stats = self.line_err.read().strip()
            self.line_err.close()
            self.line = None
        for ns in reversed(self.made):
            subprocess.run([self.ip, "netns", "del", ns], stderr=subprocess.DEVNULL)
        self.made = []
        shutil.rmtree(self.etc, ignore_errors=True)
        if self.made_etc:
            try:
                os.rmdir("/etc/netns")
            except OSError:
                pass


def sweep(ip):
    """Removes what a killed earlier run left (SIGKILL gives it no chance):
    its namespaces, its hosts directory and its CA in the trust store,
    found by the process id in their names. Returns what was removed."""
    import glob
    import re

    def dead(pid):
        return not os.path.exists("/proc/%s" % pid)

    gone = []
    if os.geteuid() != 0:
        return gone
    if ip:
        r = subprocess.run([ip, "netns", "list"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
        for line in r.stdout.decode(errors="replace").splitlines():
            m = re.match(r"(afb-[cs]-(\d+))\b", line)
            if m and dead(m.group(2)):
                subprocess.run([ip, "netns", "del", m.group(1)], stderr=subprocess.DEVNULL)
                gone.append("network namespace " + m.group(1))
    for d in glob.glob("/etc/netns/afb-c-*"):
        if dead(d.rsplit("-", 1)[1]):
            shutil.rmtree(d, ignore_errors=True)
            gone.append(d)
    cas = [f for f in glob.glob("/usr/local/share/ca-certificates/afetch-bench-*.crt")
           if dead(f.rsplit("-", 1)[1][:-4])]
    for f in cas:
        os.unlink(f)
        gone.append(f)
    upd = shutil.which("update-ca-certificates") or "/usr/sbin/update-ca-certificates"
    if cas and os.access(upd, os.X_OK):
        subprocess.run([upd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return gone
