#!/usr/bin/env python3
"""Keeps tests/crawl_oracle.py and the fixture's generated site in step.

Against a real fixture_server, it crawls every URL the site links
(whatever the scope and robots: http links only, through the fixture as
a proxy for host names), fetching each with http.client and reading its
links with Python's html.parser, and requires the same status, content
type, redirect, links, <base> and meta nofollow as the oracle's rules
(crawl_oracle.site_response) say. It compares robots.txt and sitemaps the
same way. Then it checks that crawl_oracle.check accepts records made
from its own expectation and rejects them when a task is missing, one too
many, or a page lists a link it must not add.

    crawl_oracle_test.py --fixture build/fixtures/fixture_server
"""

import argparse
import gzip
import http.client
import os
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crawl_oracle as co  # noqa: E402
import run_case  # noqa: E402

FOLLOW_REL = {"alternate", "canonical", "next", "prev"}


class Links(HTMLParser):
    """The contract's link sources, read with html.parser (whose raw-text
    elements are script and style; title and textarea are added here)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.base, self.meta_nofollow = [], None, False
        self.rcdata = None

    def handle_starttag(self, tag, attrs):
        if self.rcdata:
            return
        a = {}
        for k, v in attrs:
            a.setdefault(k, v if v is not None else "")
        rel = (a.get("rel") or "").lower().split()
        nofollow = "nofollow" in rel
        if tag in ("title", "textarea"):
            self.rcdata = tag
        elif tag in ("a", "area") and "href" in a:
            self.links.append((a["href"].strip(" \t\n\f\r"), nofollow))
        elif tag == "link" and "href" in a and FOLLOW_REL & set(rel):
            self.links.append((a["href"].strip(" \t\n\f\r"), nofollow))
        elif tag in ("frame", "iframe") and "src" in a:
            self.links.append((a["src"].strip(" \t\n\f\r"), False))
        elif tag == "base" and "href" in a and self.base is None:
            self.base = a["href"].strip(" \t\n\f\r")
        elif tag == "meta" and (a.get("name") or "").lower() == "robots":
            toks = (a.get("content") or "").lower().replace(",", " ").split()
            if "nofollow" in toks or "none" in toks:
                self.meta_nofollow = True

    def handle_endtag(self, tag):
        if tag == self.rcdata:
            self.rcdata = None


def fetch(port, url):
    """GET url from the fixture, names through it as a proxy: (Response,
    body bytes)."""
    p = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection("127.0.0.1" if p.hostname in (
        "127.0.0.1", "127.0.0.2") else "127.0.0.1", port, timeout=10)
    if p.hostname in ("127.0.0.1", "127.0.0.2"):
        conn = http.client.HTTPConnection(p.hostname, port, timeout=10)
        target = urllib.parse.urlunsplit(("", "", p.path, p.query, ""))
    else:
        target = url
    conn.request("GET", target, headers={"Host": p.netloc})
    resp = conn.getresponse()
    r = co.Response(resp.status, resp.getheader("Content-Type"))
    r.location = resp.getheader("Location")
    try:
        body = resp.read()
    except http.client.IncompleteRead as e:
        body, r.error = e.partial, True
    conn.close()
    if r.parseable() or (r.ctype or "").startswith("text/html"):
        h = Links()
        h.feed(body.decode("utf-8", "replace"))
        h.close()
        r.links, r.base, r.meta_nofollow = h.links, h.base, h.meta_nofollow
    return r, body


def compare_site(port, seed, fails, limit=400):
    """Every URL the site links from seed, fetched and compared."""
    todo, seen = [seed], {seed}
    while todo and len(seen) < limit:
        url = todo.pop(0)
        got, _ = fetch(port, url)
        want = co.site_response(url)
        if got.key() != want.key():
            fails.append("%s:\n  fixture %r\n  oracle  %r" %
                         (url, got.key(), want.key()))
            continue
        base = url
        if got.base is not None:
            base = co.resolve(url, got.base)
        hrefs = [h for h, _ in got.links]
        if got.location is not None:
            hrefs.append(got.location)
        for h in hrefs:
            u = co.resolve(base if h != got.location else url, h)
            if u is None or u in seen:
                continue
            host = urllib.parse.urlsplit(u).hostname
            if host.startswith("127.") and host not in ("127.0.0.1",
                                                        "127.0.0.2"):
                continue
            seen.add(u)
            todo.append(u)
    return len(seen)


def compare_robots(port, fails):
    for host in ("127.0.0.1", "r1.site.test", "r2.site.test",
                 "r3.a.test", "r5-n20e1.site.test", "r5.x.test",
                 "r6.site.test", "r403.site.test", "r500.site.test",
                 "r429.site.test", "r7.site.test", "cdn.site.test"):
        url = "http://%s%s/robots.txt" % (
            host, ":%d" % port if host.startswith("127.") else "")
        got, body = fetch(port, url)
        origin = "http://" + urllib.parse.urlsplit(url).netloc
        v, spec = co.host_variant(host)
        if got.status == 302:
            got, body = fetch(port, co.resolve(url, got.location))
        status, text = co.robots_text(v, origin, spec)
        if (got.status, body.decode()) != (status, text) and not (
                status >= 400 and got.status == status):
            fails.append("robots %s: fixture %d %r, oracle %d %r" %
                         (host, got.status, body, status, text))


def compare_sitemaps(port, fails):
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    for url in ("http://127.0.0.1:%d/site/n5/sitemap.xml" % port,
                "http://www.site.test/site/n1200e1/sitemap.xml",
                "http://r5.site.test/site/n7/sitemap.xml.gz",
                "http://127.0.0.1:%d/site/n3/sitemap-index.xml" % port):
        got, body = fetch(port, url)
        if body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        root = ET.fromstring(body)
        locs = [e.text.strip() for e in root.iter(ns + "loc")]
        want, index = co.sitemap_urls(url)
        if locs != want or (root.tag == ns + "sitemapindex") != index:
            fails.append("sitemap %s: fixture %r, oracle %r" %
                         (url, locs, want))


def records_from(exp):
    """The records a perfect afetch would write for the expectation."""
    recs, index = [], {}
    for u, pg in exp.pages.items():
        index[u] = len(index)
    parent = {}
    for u, pg in exp.pages.items():
        if pg.parsed:
            for v in pg.followable:
                if v in exp.pages and pg.dist + 1 == exp.pages[v].dist \
                        and v not in parent:
                    parent[v] = u
    for u, pg in exp.pages.items():
        r = {"index": index[u], "url": u, "state": "done",
             "final_url": pg.final, "depth": pg.dist,
             "parent": index[parent[u]] if u in parent else None}
        if pg.error:
            r = {"index": index[u], "url": u, "state": "error",
                 "error": {"code": pg.error}, "depth": 0, "parent": None}
        elif pg.parsed:
            r["links"] = [v for v in pg.followable if parent.get(v) == u]
        recs.append(r)
    return recs


def check_checker(port, fails):
    """check() accepts a perfect run and rejects three broken ones."""
    base = "http://127.0.0.1:%d" % port
    cases = [([base + "/site/n12e1z2/p/0"], co.Settings(depth=100)),
             (["http://r2.site.test/site/n20c2e1/p/0"],
              co.Settings(depth=100)),
             (["http://r2.site.test/site/n20c2e1/p/1"],
              co.Settings(depth=100)),
             (["http://www.site.test/site/n9e1/p/0"],
              co.Settings(depth=100, scope="domain", robots=False)),
             (["http://www.site.test/site/n30/p/0"], co.Settings(depth=2)),
             (["http://r5-n6e1.site.test/site/n6e1/p/0"],
              co.Settings(depth=100, sitemaps=True))]
    for seeds, st in cases:
        exp = co.expect(seeds, st)
        recs = records_from(exp)
        f = co.check(recs, seeds, st)
        if f:
            fails.append("check(%s) of a perfect run: %s" % (seeds, f[:5]))
        if not exp.fixed or len(recs) < 3:
            continue
        broken = [r for r in recs if r["url"] != recs[-1]["url"]]
        for r in broken:
            if recs[-1]["url"] in (r.get("links") or []):
                r["links"] = [v for v in r["links"] if v != recs[-1]["url"]]
        if not co.check(broken, seeds, st):
            fails.append("check(%s) missed a missing task" % seeds)
        extra = [dict(r) for r in recs]
        extra[0]["links"] = list(extra[0].get("links") or []) + [
            seeds[0].replace("/p/0", "/never/x").replace("/p/1", "/never/x")]
        extra.append({"index": len(recs), "url": extra[0]["links"][-1],
                      "state": "done", "depth": 1, "parent": 0})
        if not co.check(extra, seeds, st):
            fails.append("check(%s) missed a link not to follow" % seeds)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixture", required=True)
    a = ap.parse_args()
    fails = []
    with tempfile.TemporaryDirectory() as tmp:
        fx = run_case.Fixture(a.fixture, tmp)
        try:
            port = fx.port
            n = 0
            for seed in ("http://127.0.0.1:%d/site/n10e1z3/p/0" % port,
                         "http://127.0.0.1:%d/site/n25b3c2s9/p/0" % port,
                         "http://www.site.test/site/n12e1z2/p/0",
                         "http://r2.x.test/site/n6e1/p/0",
                         "http://a.github.io/site/n4e1/p/0"):
                n += compare_site(port, seed, fails)
            compare_robots(port, fails)
            compare_sitemaps(port, fails)
            check_checker(port, fails)
        finally:
            fx.stop()
    for f in fails:
        print("FAIL", f)
    print("%d URLs compared, %d failures" % (n, len(fails)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
