#!/usr/bin/env python3
"""The aiohttp peer of afetch --crawl (bench/crawl, benchmark C1).

    aiohttp_crawl.py [-j 16] [--depth 50] [--connect-to ADDR:PORT] [--uvloop]
                     SEED...

A classic asyncio crawler: one ClientSession whose TCPConnector(limit=J)
keeps at most J connections alive and reuses them (afetch's -j), J worker
coroutines taking (URL, depth) from one asyncio.Queue, a set of the URLs
seen, and the links of each HTML page found with the standard library's
html.parser. Its rules are afetch's defaults, so that both crawl the same
pages: each seed's origin's robots.txt read first (urllib.robotparser),
links followed from 2xx text/html pages below --depth (seeds at depth 0),
<a href> and <area href> resolved against the first <base href> or the
final URL, rel=nofollow and <meta name=robots content=nofollow> honoured,
only http(s) links on the seed's host (--scope host), the fragment
dropped, scheme and host lower-cased and the default port removed.

--connect-to sends every connection to ADDR:PORT whatever the URL's host
and port (a resolver that answers it for every name), the requests keeping
their Host header: bench/crawl's way to reach the fixture serving
www.site.test. Not through the fixture as a proxy, as afetch and wget2 go:
aiohttp 3.8 closes every connection through an HTTP proxy after one
response (keep-alive through proxies was turned off in aiohttp 3.3 and on
again in 3.11), which would cost it a connection per page.

Each URL fetched gets one JSON line on stdout,
{"url":...,"status":...,"size":...,"depth":...} or
{"url":...,"status":null,"error":...}, written in large blocks.

It is written to be as fast as such a crawler reasonably gets: one parser
object per worker, reset between pages; the body read whole (the site's
pages are small); no per-request timeout objects, no cookie jar, DNS
cached; uvloop on request.
"""

import argparse
import asyncio
import json
import socket
import sys
import urllib.robotparser
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import aiohttp

FLUSH_LINES = 1024
DEFAULT_PORT = {"http": 80, "https": 443}


def normalize(url):
    """(normal form of an absolute http(s) URL, its host, its origin), or
    (None, None, None)."""
    try:
        p = urlsplit(url)
        port = p.port
    except ValueError:
        return None, None, None
    scheme = p.scheme.lower()
    host = p.hostname
    if scheme not in DEFAULT_PORT or not host:
        return None, None, None
    netloc = host if ":" not in host else "[" + host + "]"
    if port is not None and port != DEFAULT_PORT[scheme]:
        netloc += ":%d" % port
    path = p.path or "/"
    if p.query:
        path += "?" + p.query
    origin = scheme + "://" + netloc
    return origin + path, host, origin


class FixedResolver(aiohttp.abc.AbstractResolver):
    """Every name resolves to one address and port (--connect-to)."""

    def __init__(self, addr, port):
        self.addr, self.port = addr, port

    async def resolve(self, host, port=0, family=socket.AF_INET):
        return [{"hostname": host, "host": self.addr, "port": self.port,
                 "family": socket.AF_INET, "proto": 0, "flags": 0}]

    async def close(self):
        pass


class LinkParser(HTMLParser):
    """Collects a page's followable hrefs and its first <base href>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.base = None
        self.nofollow = False

    def start(self):
        self.reset()
        self.links = []
        self.base = None
        self.nofollow = False

    def handle_starttag(self, tag, attrs):
        if tag == "a" or tag == "area":
            href = rel = None
            for k, v in attrs:
                if k == "href":
                    href = v
                elif k == "rel":
                    rel = v
            if href is not None and not (rel and "nofollow" in rel.lower().split()):
                self.links.append(href)
        elif tag == "base":
            if self.base is None:
                for k, v in attrs:
                    if k == "href" and v is not None:
                        self.base = v
                        break
        elif tag == "meta":
            d = dict(attrs)
            if (d.get("name") or "").lower() == "robots" and \
                    "nofollow" in (d.get("content") or "").lower():
                self.nofollow = True


class Crawler:
    def __init__(self, session, args, out):
        self.session = session
        self.depth = args.depth
        self.queue = asyncio.Queue()
        self.seen = set()
        self.robots = {}  # origin -> RobotFileParser
        self.out = out
        self.write = None

    async def robots_for(self, origin):
        rp = self.robots.get(origin)
        if rp is None:
            rp = urllib.robotparser.RobotFileParser()
            try:
                async with self.session.get(origin + "/robots.txt") as r:
                    body = await r.read()
                    if r.status >= 400:
                        rp.allow_all = True
                    else:
                        rp.parse(body.decode("utf-8", "replace").splitlines())
            except Exception:
                rp.allow_all = True
            self.robots[origin] = rp
        return rp

    def emit(self, rec):
        self.out.append(json.dumps(rec, separators=(",", ":")))
        if len(self.out) >= FLUSH_LINES:
            self.write(self.out)

    async def worker(self):
        parser = LinkParser()
        queue, seen = self.queue, self.seen
        while True:
            url, depth, host = await queue.get()
            try:
                await self.fetch(parser, url, depth, host, queue, seen)
            except Exception as exc:  # one line per URL, whatever happens
                self.emit({"url": url, "status": None,
                           "error": type(exc).__name__ + ": " + str(exc)})
            finally:
                queue.task_done()

    async def fetch(self, parser, url, depth, host, queue, seen):
        async with self.session.get(url) as resp:
            body = await resp.read()
            status = resp.status
            ctype = resp.content_type
            final = str(resp.url)
        self.emit({"url": url, "status": status, "size": len(body),
                   "depth": depth})
        if depth >= self.depth or not 200 <= status < 300 or \
                ctype not in ("text/html", "application/xhtml+xml"):
            return
        final, fhost, _ = normalize(final)
        if final is None or fhost != host:
            return
        parser.start()
        parser.feed(body.decode(resp.get_encoding() or "utf-8", "replace"))
        parser.close()
        if parser.nofollow:
            return
        base = urljoin(final, parser.base) if parser.base else final
        robots = self.robots
        for href in parser.links:
            link, lhost, origin = normalize(urljoin(base, href.strip()))
            if link is None or lhost != host or link in seen:
                continue
            seen.add(link)
            rp = robots.get(origin) or await self.robots_for(origin)
            if rp.can_fetch("*", link):
                queue.put_nowait((link, depth + 1, host))


async def run(args):
    stdout = sys.stdout.buffer

    def write(lines):
        lines.append("")
        stdout.write("\n".join(lines).encode())
        lines.clear()

    out = []
    resolver = None
    if args.connect_to:
        addr, _, port = args.connect_to.rpartition(":")
        resolver = FixedResolver(addr, int(port))
    connector = aiohttp.TCPConnector(limit=args.jobs, limit_per_host=0,
                                     ttl_dns_cache=None, resolver=resolver)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=args.connect_timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                     cookie_jar=aiohttp.DummyCookieJar(),
                                     auto_decompress=True,
                                     raise_for_status=False) as session:
        cr = Crawler(session, args, out)
        cr.write = write
        for seed in args.seeds:
            url, host, origin = normalize(
                seed if "://" in seed else "http://" + seed)
            if url is None:
                cr.emit({"url": seed, "status": None, "error": "not an http(s) URL"})
                continue
            if url in cr.seen:
                continue
            cr.seen.add(url)
            rp = await cr.robots_for(origin)
            if rp.can_fetch("*", url):
                cr.queue.put_nowait((url, 0, host))
        workers = [asyncio.create_task(cr.worker()) for _ in range(args.jobs)]
        await cr.queue.join()
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    if out:
        write(out)
    stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("seeds", nargs="+", metavar="SEED")
    ap.add_argument("-j", "--jobs", type=int, default=16)
    ap.add_argument("--depth", type=int, default=5)
    ap.add_argument("--connect-to", metavar="ADDR:PORT",
                    help="connect there for every URL")
    ap.add_argument("--uvloop", action="store_true", help="run on uvloop")
    ap.add_argument("--connect-timeout", type=float, default=10.0)
    args = ap.parse_args()
    if args.uvloop:
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
