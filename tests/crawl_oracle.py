#!/usr/bin/env python3
"""The expected crawl of the fixture's generated site, computed without afetch.

The fixture serves /site/SPEC/... (fixtures/README.md: "The generated
site"); every page is a function of SPEC, the path and the Host header.
This module holds the same rules in Python (site_response), crawls them
as contract section 13 says (expect), and checks an afetch --crawl output
against the result (check). Its self-test (tests/crawl_oracle_test.py)
crawls the real fixture with urllib and html.parser and requires the
same pages and links as the rules, so the rules cannot drift from the C.

What a crawl fixes and what it leaves to timing:
  - fixed: the set of URLs that get a task (when --depth is at least the
    number of URLs reachable, so that no BFS-order accident can push a
    page past the depth limit; see Expectation.fixed), which of them are
    parsed, and for each parsed page the set of links it may add;
  - fixed: every non-seed task appears in exactly one page's `links`,
    and that page is its `parent`; depth = parent's depth + 1; a page
    lists only links it holds, each new at the time;
  - not fixed: which page adds a URL that several pages link (so
    `parent`, `depth` beyond the BFS distance, and each page's `links`
    as a list), and record order.
With --sitemaps, the pages the seeds' origins' sitemaps list are tasks
too; one that a page also links may come either way (depth 0 and no
parent, or as that page's link), and check() takes both.
When the set is not fixed (a binding --depth or --max-urls), check()
tests bounds instead: every task is within BFS distance --depth, and
every followable link of a page parsed below the depth limit got a task.

CLI: crawl_oracle.py [options] SEED... prints the expectation as JSON;
with --check FILE it checks afetch's records in FILE and prints the
failures (exit 1 if any).
"""

import argparse
import ctypes
import ctypes.util
import json
import re
import string
import sys
import urllib.parse
from collections import deque

# ---------------------------------------------------------------------------
# URL normalisation (contract section 13, src/crawl/urlnorm.h)

_UNRESERVED = set(string.ascii_letters + string.digits + "-._~")
_HEX = set("0123456789abcdefABCDEF")
_RAW_ENCODE = set(b' "<>\\^`{|}')


def norm_percent(s):
    """Percent-encoding normalised: unreserved %XX decoded, other hex
    upper-cased, controls, space, "<>\\^`{|} and non-ASCII encoded."""
    b = s.encode("utf-8", "surrogateescape")
    out = []
    i = 0
    while i < len(b):
        c = b[i]
        if c == 0x25 and i + 2 < len(b) and chr(b[i + 1]) in _HEX and \
                chr(b[i + 2]) in _HEX:
            v = int(b[i + 1:i + 3], 16)
            out.append(chr(v) if chr(v) in _UNRESERVED else "%%%02X" % v)
            i += 3
            continue
        if c in (9, 10, 13):
            pass
        elif c < 0x20 or c >= 0x7F or c in _RAW_ENCODE:
            out.append("%%%02X" % c)
        else:
            out.append(chr(c))
        i += 1
    return "".join(out)


def _remove_dots(path):
    out = []
    for seg in path.split("/")[1:]:
        if seg == ".":
            continue
        if seg == "..":
            if out:
                out.pop()
            continue
        out.append(seg)
    if path.split("/")[-1] in (".", ".."):
        out.append("")
    return "/" + "/".join(out)


def normalize(url):
    """The normal form of an absolute http(s) URL, or None."""
    url = url.strip(" \t\r\n\f\v\x00").replace("\t", "")
    url = url.replace("\n", "").replace("\r", "")
    p = urllib.parse.urlsplit(url)
    scheme = p.scheme.lower()
    if scheme not in ("http", "https") or not p.hostname:
        return None
    host = p.hostname.lower()
    if ":" in host:
        host = "[" + host + "]"
    try:
        port = p.port
    except ValueError:
        return None
    netloc = host
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        netloc += ":%d" % port
    if p.username is not None:
        return None  # the site never makes these
    path = _remove_dots(norm_percent(p.path or "/"))
    query = norm_percent(p.query)
    return urllib.parse.urlunsplit((scheme, netloc, path, query, ""))


def resolve(base, href):
    """href (as the extractor reports it) resolved against base and
    normalised, or None (not http(s), invalid)."""
    href = href.strip(" \t\n\f\r").replace("\t", "").replace(
        "\n", "").replace("\r", "")
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", href)
    if m and m.group(1).lower() not in ("http", "https"):
        return None
    return normalize(urllib.parse.urljoin(base, href))


# ---------------------------------------------------------------------------
# The site's rules (fixture_site.c, fixture_sitemap.c)

PARAMS = [("n", 10, 1000000), ("b", 2, 100), ("c", 1, 100),
          ("s", 1, 2147483647), ("e", 0, 1), ("z", 0, 65536)]
M64 = (1 << 64) - 1


def parse_spec(spec):
    """{'n':..,'b':..,...} for SPEC, or None when the fixture says 400."""
    if not spec or len(spec) >= 64 or not re.fullmatch(r"([nbcsez][0-9]+)+",
                                                       spec):
        return None
    st = {k: d for k, d, _ in PARAMS}
    for k, v in re.findall(r"([a-z])([0-9]+)", spec):
        if int(v) > dict((a, c) for a, _, c in PARAMS)[k]:
            return None
        st[k] = int(v)
    return st if st["n"] >= 1 else None


def mix(x):
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def cross(st, page, j):
    key = (((st["s"] * 1000003 + page) & M64) * 1000003 + j) & M64
    return mix(key) % st["n"]


class Response:
    """What a URL answers, as far as a crawl cares."""

    def __init__(self, status=200, ctype="text/html; charset=utf-8"):
        self.status = status
        self.ctype = ctype  # None: no Content-Type
        self.location = None  # a redirect's target, as sent
        self.error = False  # the body ends in a transfer error
        self.links = []  # (href as reported, nofollow), document order
        self.base = None  # the first <base href>
        self.meta_nofollow = False

    def key(self):
        return (self.status, self.ctype, self.location, self.error,
                self.links if self.parseable() else None, self.base,
                self.meta_nofollow)

    def parseable(self):
        t = (self.ctype or "").split(";")[0].strip().lower()
        return (200 <= self.status < 300 and not self.error and
                t in ("text/html", "application/xhtml+xml"))


LEAVES = ("leaf", "orphan", "based/", "never/", "frame", "nf",
          "meta-child", "rd/b", "big-end")


def _split_host(hostport):
    m = re.fullmatch(r"(\[[^\]]*\]|[^:]*)(:[0-9]*)?", hostport)
    return m.group(1), m.group(2) or ""


def _is_ip(host):
    return host.startswith("[") or "." not in host or \
        re.fullmatch(r"[0-9.]+", host) is not None


def _edges(st, spec, host, port, origin):
    S = "/site/" + spec
    out = []
    if st["n"] > 1:
        out.append(S + "/p/%31")
    out += ["../t/%7e", "../t/~", "HTTP://%s%s%s/p/0" % (host.upper(), port,
                                                          S),
            S + "/q/../leaf", "../leaf#top", "#top", "",
            "//%s%s%s/leaf-pr" % (host, port, S),
            "http://%s%s%s/leaf-port" % (host, port or ":80", S),
            "../leaf?a=1&b=2", "../leaf-sp"]
    links = [(h, False) for h in out]
    links.append(("../nf", True))
    links += [(h, False) for h in (
        "../meta", "../base/", "../leaf-next", "../frame",
        "mailto:x@example.com", "javascript:void(0)", "ftp://%s/x" % host,
        "data:text/plain,x", "../r/1", "../r/0", "../txt", "../noctype",
        "../missing", "../cut")]
    if st["z"] > 0:
        links.append(("../big", False))
    if _is_ip(host):
        if host != "127.0.0.2":
            links.append(("http://127.0.0.2%s%s/leaf-x" % (port, S), False))
    else:
        d = ".".join(host.split(".")[-2:])
        if host != "cdn." + d:
            links.append(("http://cdn.%s%s%s/leaf-x" % (d, port, S), False))
        if d != "elsewhere.test":
            links.append(("http://www.elsewhere.test%s%s/leaf-x" % (port, S),
                          False))
    return links


def site_response(url, hostport=None):
    """The fixture's answer to GET url (hostport: its Host header; by
    default the URL's authority as libcurl sends it)."""
    p = urllib.parse.urlsplit(url)
    if hostport is None:
        hostport = p.netloc
    host, port = _split_host(hostport)
    origin = "http://" + hostport
    path = p.path
    if path == "/robots.txt" or path.startswith("/robots/"):
        return robots_response(host, path)
    if not path.startswith("/site/"):
        return Response(404, "text/plain")
    spec, _, rest = path[len("/site/"):].partition("/")
    st = parse_spec(spec)
    if st is None or not _:
        return Response(400, "text/plain")
    name = urllib.parse.unquote(rest, errors="surrogateescape")
    S = "/site/" + spec
    r = Response()
    m = re.fullmatch(r"p/(0|[1-9][0-9]*)", name)
    if m and int(m.group(1)) < st["n"]:
        i = int(m.group(1))
        for j in range(1, st["b"] + 1):
            if st["b"] * i + j >= st["n"]:
                break
            r.links.append(("%d" % (st["b"] * i + j), False))
        for j in range(st["c"]):
            r.links.append(("%s/p/%d" % (S, cross(st, i, j)), False))
        if i > 0:
            r.links.append(("%s%s/p/%d" % (origin, S, (i - 1) // st["b"]),
                            False))
            r.links.append(("./0", False))
        if i == 0 and st["e"]:
            r.links += _edges(st, spec, host, port, origin)
    elif name == "t/~":
        r.links = [("../p/0", False)]
    elif name == "meta":
        r.meta_nofollow = True
        r.links = [("meta-child", False)]
    elif name == "base/":
        r.base = S + "/based/"
        r.links = [("x", False), ("../leaf-base", False)]
    elif name == "rd/a":
        r.links = [("b", False)]
    elif name in ("r/0", "r/1"):
        r = Response(301, None)
        r.location = S + "/p/0" if name == "r/0" else origin + S + "/rd/a"
    elif name == "txt":
        r = Response(200, "text/plain")
    elif name == "noctype":
        r = Response(200, None)
    elif name == "cut":
        r = Response(200, "text/html")
        r.error = True
    elif name == "big" and st["z"] > 0:
        r.links = [("%s/p/%d" % (S, k % st["n"]), False)
                   for k in range(st["z"])] + [("big-end", False)]
    elif name in ("sitemap.xml", "sitemap-index.xml"):
        r = Response(200, "application/xml")
    elif name == "sitemap.xml.gz":
        r = Response(200, "application/gzip")
    elif name.startswith(LEAVES):
        pass
    else:
        r = Response(404)
    return r


def sitemap_urls(url, hostport=None):
    """The <loc> values of a sitemap of the site: (urls, is_index)."""
    p = urllib.parse.urlsplit(url)
    origin = "http://" + (hostport or p.netloc)
    spec, _, name = p.path[len("/site/"):].partition("/")
    st = parse_spec(spec)
    S = origin + "/site/" + spec
    if name == "sitemap.xml":
        return ([S + "/p/%d" % i for i in range(min(st["n"], 1000))] +
                [S + "/leaf?a=1&b=2", S + "/orphan"], False)
    if name == "sitemap.xml.gz":
        return ([S + "/orphan-gz", S + "/p/%d" % (st["n"] - 1)], False)
    if name == "sitemap-index.xml":
        return ([S + "/sitemap.xml", S + "/sitemap.xml.gz"], True)
    return ([], False)


# ---------------------------------------------------------------------------
# robots.txt (RFC 9309 as contract section 13 and src/crawl/robots.h)

ROBOTS_RULES = """# afetch's own group applies, not the * one
User-agent: *
Disallow: /

User-agent: other-bot
User-agent: AFetch
Disallow: /site/*/p/1$
Disallow: /site/*/t/
Allow: /site/*/t/%7E
Disallow: /*leaf
Allow: /site/*/leaf$
Disallow: /site/*/rd/
"""


def robots_text(variant, origin, spec="n10"):
    """(status, body) of robots.txt variant variant; 3xx are followed."""
    if variant == 1:
        return 200, "User-agent: *\nAllow: /\n"
    if variant == 2:
        return 200, ROBOTS_RULES
    if variant == 3:
        return 200, "User-agent: *\nCrawl-delay: 0.25\n"
    if variant == 5:
        return 200, ("User-agent: *\nDisallow: /site/*/never/\n\n"
                     "Sitemap: %s/site/%s/sitemap-index.xml\n"
                     "sitemap: %s/site/%s/sitemap.xml.gz\n" %
                     (origin, spec, origin, spec))
    if variant == 6:
        return robots_text(2, origin, spec)
    if 400 <= variant <= 599:
        return variant, ""
    return 404, ""


def host_variant(host):
    """(variant, spec) a host's first label asks for, or (0, 'n10')."""
    m = re.match(r"[rR]([0-9]+)(?:-([^.]*))?(?:\.|$)", host)
    if not m:
        return 0, "n10"
    spec = m.group(2) if m.group(2) is not None else "n10"
    if parse_spec(spec) is None:
        return 0, "n10"
    return int(m.group(1)), spec


def robots_response(host, path):
    if path == "/robots.txt":
        v, spec = host_variant(host)
    else:
        v, spec = int(path[len("/robots/"):]), "n10"
    status, _ = robots_text(v, "", spec)
    if v == 6:
        status = 302
    r = Response(status, "text/plain")
    return r


class Robots:
    """The rules of one robots.txt for the product token afetch."""

    def __init__(self, status, text=""):
        self.allow_all = 400 <= status < 500 and status != 429
        self.deny_all = not (200 <= status < 300) and not self.allow_all
        self.rules = []  # (normalised pattern, allow)
        self.delay = None
        self.sitemaps = []
        if 200 <= status < 300:
            self._parse(text)

    def _parse(self, text):
        # RFC 9309 groups: consecutive user-agent lines open one, a
        # user-agent line after a rule the next; afetch's groups merged
        # if there is one, else the * groups merged.
        rules = {"afetch": [], "*": []}
        delays = {"afetch": [], "*": []}
        named = set()
        agents, in_rules = [], False
        if text.startswith("\ufeff"):
            text = text[1:]
        for line in re.split(r"\r\n|\r|\n", text):
            line = line.split("#", 1)[0]
            if ":" not in line:
                continue
            k, v = (x.strip() for x in line.split(":", 1))
            k = k.lower()
            if k == "user-agent":
                if in_rules:
                    agents, in_rules = [], False
                agents.append(v.lower())
                named.add(v.lower())
            elif k == "sitemap":
                if v not in self.sitemaps:
                    self.sitemaps.append(v)
            elif k in ("allow", "disallow", "crawl-delay") and agents:
                in_rules = True
                for a in agents:
                    if a not in rules:
                        continue
                    if k == "crawl-delay":
                        delays[a].append(float(v))
                    elif v:
                        if not v.startswith(("/", "*")):
                            v = "/" + v
                        rules[a].append((norm_percent(v), k == "allow"))
        use = "afetch" if "afetch" in named else "*"
        self.rules = rules[use]
        self.delay = max(delays[use]) if delays[use] else None

    def allowed(self, path_and_query):
        if self.allow_all:
            return True
        if path_and_query == "/robots.txt":
            return True
        if self.deny_all:
            return False
        path = norm_percent(path_and_query or "/")
        best, allow = -1, True
        for pat, is_allow in self.rules:
            body = pat[:-1] if pat.endswith("$") else pat
            rx = "".join(".*" if c == "*" else re.escape(c) for c in body)
            if pat.endswith("$"):
                rx += "$"
            if re.match(rx, path):
                if len(pat) > best or (len(pat) == best and is_allow):
                    best, allow = len(pat), is_allow
        return allow


def robots_for(origin):
    """The Robots of an origin ("http://host[:port]") of the fixture."""
    host = urllib.parse.urlsplit(origin).hostname
    v, spec = host_variant(host)
    status, text = robots_text(v, origin, spec)
    return Robots(status, text)


# ---------------------------------------------------------------------------
# Scope (contract section 13, src/crawl/scope.h)

def _load_psl():
    name = ctypes.util.find_library("psl")
    if not name:
        return None
    lib = ctypes.CDLL(name)
    lib.psl_builtin.restype = ctypes.c_void_p
    lib.psl_registrable_domain.restype = ctypes.c_char_p
    lib.psl_registrable_domain.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    return lib, lib.psl_builtin()


_PSL = _load_psl()


def registrable_domain(host):
    """The registrable domain by libpsl's built-in list (the last two
    labels without libpsl); IP literals and single labels are their own."""
    if _is_ip(host):
        return host
    if _PSL is not None:
        d = _PSL[0].psl_registrable_domain(_PSL[1], host.encode())
        return d.decode() if d else host
    return ".".join(host.split(".")[-2:])


def scope_key(kind, seed):
    p = urllib.parse.urlsplit(seed)
    if kind == "host":
        return p.hostname
    if kind == "domain":
        return registrable_domain(p.hostname)
    if kind == "prefix":
        return urllib.parse.urlunsplit(
            (p.scheme, p.netloc, p.path[:p.path.rindex("/") + 1], "", ""))
    return ""


def in_scope(kind, key, url):
    p = urllib.parse.urlsplit(url)
    if kind == "host":
        return p.hostname == key
    if kind == "domain":
        return registrable_domain(p.hostname) == key
    if kind == "prefix":
        return url.startswith(key)
    return True


# ---------------------------------------------------------------------------
# The crawl

class Settings:
    def __init__(self, depth=5, scope="host", include=(), exclude=(),
                 max_urls=None, robots=True, sitemaps=False):
        self.depth = depth
        self.scope = scope
        self.include = [re.compile(x) for x in include]
        self.exclude = [re.compile(x) for x in exclude]
        self.max_urls = max_urls
        self.robots = robots
        self.sitemaps = sitemaps


class Page:
    """One task of the expected crawl."""

    def __init__(self, url, dist, seed):
        self.url = url
        self.dist = dist  # BFS distance from the seeds
        self.seed = seed  # the scope key of a seed it descends from
        self.final = url
        self.response = None
        self.parsed = False
        self.followable = []  # normalised links this page may add
        self.error = None  # "robots" for a disallowed seed


class Expectation:
    def __init__(self):
        self.pages = {}  # url -> Page, in BFS order
        self.fixed = False  # the set of tasks does not depend on timing
        self.reachable = 0


class Oracle:
    """Crawls the site's rules; respond(url) may be replaced (the
    self-test crawls the fixture itself)."""

    def __init__(self, settings, respond=site_response, robots=robots_for):
        self.s = settings
        self.respond = respond
        self.robots_of = robots
        self._robots = {}

    def robots(self, url):
        p = urllib.parse.urlsplit(url)
        origin = "%s://%s" % (p.scheme, p.netloc)
        if origin not in self._robots:
            self._robots[origin] = self.robots_of(origin)
        return self._robots[origin]

    def allowed(self, url):
        if not self.s.robots:
            return True
        p = urllib.parse.urlsplit(url)
        return self.robots(url).allowed(
            p.path + ("?" + p.query if p.query else ""))

    def wanted(self, key, url):
        if not in_scope(self.s.scope, key, url):
            return False
        if self.s.include and not any(r.search(url) for r in self.s.include):
            return False
        return not any(r.search(url) for r in self.s.exclude)

    def fetch(self, page):
        """Follows redirects (at most 10, as afetch's default) and parses."""
        url = page.url
        for _ in range(11):
            r = self.respond(url)
            if r.location is None:
                break
            url = resolve(url, r.location)
        page.final, page.response = url, r
        return r

    def links_of(self, page, seen_final):
        r = page.response
        if page.final != page.url and page.final in seen_final:
            return None  # reached again through a redirect
        if not r.parseable():
            return None
        if page.final != page.url and not self.wanted(page.seed, page.final):
            return []  # links are followed only from a final URL in scope
        base = page.final
        if r.base is not None:
            base = resolve(page.final, r.base) or page.final
        out = []
        if r.meta_nofollow and self.s.robots:
            return out
        for href, nofollow in r.links:
            if nofollow and self.s.robots:
                continue
            u = resolve(base, href)
            if u is None or u in out:
                continue
            if self.wanted(page.seed, u) and self.allowed(u):
                out.append(u)
        return out

    def from_sitemaps(self, seeds, known):
        """--sitemaps: the pages the sitemaps of the seeds' origins list
        (robots.txt's Sitemap lines, indexes followed), in scope of their
        seed and allowed, as depth-0 tasks; each sitemap is read once."""
        out, done = [], set()
        for s in seeds:
            seed = normalize(s)
            if seed is None:
                continue
            key = scope_key(self.s.scope, seed)
            todo = list(self.robots(seed).sitemaps)
            while todo:
                sm = normalize(todo.pop(0))
                if sm is None or sm in done:
                    continue
                done.add(sm)
                urls, index = sitemap_urls(sm)
                for u in urls:
                    if index:
                        todo.append(u)
                        continue
                    u = normalize(u)
                    if u is None or u in known or \
                            any(p.url == u for p in out):
                        continue
                    if self.wanted(key, u) and self.allowed(u):
                        out.append(Page(u, 0, key))
        return out

    def crawl(self, seeds, depth=None):
        """BFS over the seeds (absolute URLs) to depth (default the
        settings'); returns an Expectation."""
        depth = self.s.depth if depth is None else depth
        exp = Expectation()
        queue = deque()
        seen = set()
        for s in seeds:
            u = normalize(s)
            if u is None or u in exp.pages:
                continue
            pg = Page(u, 0, scope_key(self.s.scope, u))
            exp.pages[u] = pg
            seen.add(u)
            if self.s.robots and not self.allowed(u):
                pg.error = "robots"
                continue
            queue.append(pg)
        if self.s.sitemaps:
            for pg in self.from_sitemaps(seeds, exp.pages):
                exp.pages[pg.url] = pg
                seen.add(pg.url)
                queue.append(pg)
        while queue:
            pg = queue.popleft()
            self.fetch(pg)
            links = self.links_of(pg, seen)
            if pg.final not in seen:
                seen.add(pg.final)
            if links is None:
                continue
            pg.parsed = True
            pg.followable = links
            if pg.dist >= depth:
                continue
            for u in links:
                if u in seen:
                    continue
                seen.add(u)
                child = Page(u, pg.dist + 1, pg.seed)
                exp.pages[u] = child
                queue.append(child)
        return exp


def expect(seeds, settings):
    """The expected crawl; .fixed says whether check() can ask for the
    exact set of tasks."""
    o = Oracle(settings)
    exp = o.crawl(seeds)
    full = Oracle(settings).crawl(seeds, depth=10 ** 9)
    exp.reachable = len(full.pages)
    exp.fixed = (settings.depth >= len(full.pages) and
                 (settings.max_urls is None or
                  settings.max_urls >= len(full.pages)))
    if exp.fixed:
        exp.pages = full.pages
    return exp


def check(records, seeds, settings):
    """Checks afetch --crawl records (dicts) against the expected crawl
    of seeds; returns a list of failures (strings), empty when they
    agree."""
    fail = []
    exp = expect(seeds, settings)
    full = Oracle(settings).crawl(seeds, depth=10 ** 9)
    near = Oracle(settings).crawl(seeds)  # BFS distances within --depth
    dist = {u: p.dist for u, p in near.pages.items()}
    by_index = {}
    by_url = {}
    for r in records:
        if r.get("index") in by_index:
            fail.append("index %s twice" % r.get("index"))
        by_index[r.get("index")] = r
        # A seed's url is as read; a discovered one's is normalised.
        key = normalize(r.get("url") or "") or r.get("url")
        if key in by_url:
            fail.append("url %s has two records" % key)
        by_url[key] = r
    got = set(by_url)
    seed_urls = [normalize(s) for s in seeds]
    finals = {x.get("final_url") for x in records}
    if exp.fixed:
        want = set(exp.pages)
        for u in sorted(want - got):
            fail.append("missing: %s" % u)
        for u in sorted(got - want):
            fail.append("unexpected: %s" % u)
    else:
        for u in sorted(got - set(dist)):
            if u not in seed_urls:
                fail.append("beyond --depth or out of the site: %s" % u)
        if settings.max_urls is not None and len(records) > settings.max_urls:
            fail.append("%d records for --max-urls %d" %
                        (len(records), settings.max_urls))
    # Each added URL is in exactly one page's links, that page its parent.
    listed = {}
    for r in records:
        for u in r.get("links") or []:
            if u in listed:
                fail.append("%s listed by records %s and %s" %
                            (u, listed[u], r["index"]))
            listed[u] = r["index"]
    for r in records:
        u = normalize(r.get("url") or "") or r.get("url")
        pg = full.pages.get(u)
        if (u in seed_urls or (pg is not None and pg.dist == 0)) and \
                r.get("parent") is None:
            if r.get("depth") != 0:
                fail.append("seed %s: depth %s" % (u, r.get("depth")))
        else:
            par = by_index.get(r.get("parent"))
            if par is None:
                fail.append("%s: parent %s has no record" %
                            (u, r.get("parent")))
            else:
                if listed.get(u) != par["index"]:
                    fail.append("%s: parent %s does not list it" %
                                (u, par["index"]))
                if r.get("depth") != (par.get("depth") or 0) + 1:
                    fail.append("%s: depth %s, parent's %s" %
                                (u, r.get("depth"), par.get("depth")))
            if u in dist and (r.get("depth") or 0) < dist[u]:
                fail.append("%s: depth %s below its distance %d" %
                            (u, r.get("depth"), dist[u]))
        if pg is None:
            continue
        if pg.error == "robots":
            if (r.get("error") or {}).get("code") != "robots":
                fail.append("%s: want a robots error" % u)
            continue
        if r.get("final_url") is not None and r["final_url"] != pg.final:
            fail.append("%s: final_url %s, want %s" %
                        (u, r["final_url"], pg.final))
        at_limit = (r.get("depth") or 0) >= settings.depth
        if at_limit and r.get("links"):
            fail.append("%s: at --depth, but adds links" % u)
        if pg.parsed and "links" not in r and r.get("state") == "done" \
                and not at_limit:
            fail.append("%s: parsed, but no links" % u)
        if not pg.parsed and "links" in r:
            fail.append("%s: has links, but is not to be parsed" % u)
        for v in r.get("links") or []:
            if v not in pg.followable:
                fail.append("%s lists %s, which it may not add" % (u, v))
            if v not in by_url and exp.fixed:
                fail.append("%s lists %s, which has no record" % (u, v))
        # Closure: a page parsed below the depth limit added its links.
        if "links" in r and not at_limit:
            for v in pg.followable:
                if v not in listed and v not in by_url and \
                        v not in finals and settings.max_urls is None:
                    fail.append("%s: link %s was never added" % (u, v))
    return fail


def _parser():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("seeds", nargs="+")
    ap.add_argument("--depth", type=int, default=5)
    ap.add_argument("--scope", default="host",
                    choices=["host", "domain", "prefix", "any"])
    ap.add_argument("--include", action="append", default=[])
    ap.add_argument("--exclude", action="append", default=[])
    ap.add_argument("--max-urls", type=int)
    ap.add_argument("--no-robots", action="store_true")
    ap.add_argument("--sitemaps", action="store_true")
    ap.add_argument("--check", metavar="FILE",
                    help="afetch's records to check, one JSON a line")
    return ap


def _settings(a):
    return Settings(a.depth, a.scope, a.include, a.exclude, a.max_urls,
                    not a.no_robots, a.sitemaps)


def check_args(records, argv):
    """check() with the seeds and settings given as the CLI takes them
    (afetch's crawl options: --depth, --scope, --include, --exclude,
    --max-urls, --no-robots, --sitemaps)."""
    a = _parser().parse_args(argv)
    return check(records, a.seeds, _settings(a))


def _main():
    a = _parser().parse_args()
    st = _settings(a)
    if a.check:
        with open(a.check) as f:
            recs = [json.loads(line) for line in f if line.strip()]
        fails = check(recs, a.seeds, st)
        for x in fails:
            print(x)
        return 1 if fails else 0
    exp = expect(a.seeds, st)
    json.dump({"fixed": exp.fixed, "reachable": exp.reachable,
               "pages": [{"url": p.url, "distance": p.dist,
                          "final_url": p.final, "parsed": p.parsed,
                          "links": p.followable if p.parsed else None,
                          "error": p.error}
                         for p in exp.pages.values()]},
              sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(_main())
