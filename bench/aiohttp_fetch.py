#!/usr/bin/env python3
"""The aiohttp peer of afetch's benchmark: fetch every URL, one JSON line each.

    aiohttp_fetch.py -j 50 [-i urls.txt] [--uvloop] [--cafile CA.pem | -k]

One ClientSession whose TCPConnector(limit=J) holds at most J connections,
kept alive and reused, and J worker coroutines pulling URLs from one shared
iterator (a bounded pool: no task per URL, no Semaphore to wake). Bodies are
read and discarded, counted in `size`. Each URL gets exactly one line,
{"url":...,"status":...,"size":...} or {"url":...,"status":null,"error":...},
written to a buffer that is flushed in large blocks, never per line.

It is written to be as fast as such a crawler reasonably gets, so that the
comparison with afetch is fair: compact json.dumps, no per-request timeout
objects, DNS cached, no cookie jar, uvloop on request.
"""

import argparse
import asyncio
import json
import ssl
import sys

import aiohttp

FLUSH_LINES = 1024
CHUNK = 1 << 16


async def worker(session, urls, out, state):
    dumps = json.dumps
    for url in urls:
        try:
            async with session.get(url) as resp:
                size = 0
                content = resp.content
                while True:
                    chunk = await content.read(CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                rec = {"url": url, "status": resp.status, "size": size}
        except Exception as exc:  # one line per URL, whatever happens
            rec = {"url": url, "status": None, "error": type(exc).__name__ + ": " + str(exc)}
        out.append(dumps(rec, separators=(",", ":")))
        if len(out) >= FLUSH_LINES:
            state["write"](out)


def read_urls(path):
    f = sys.stdin if path in (None, "-") else open(path, encoding="utf-8", errors="replace")
    with f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                yield line


async def run(args):
    if args.insecure:
        ssl_ctx = False
    elif args.cafile:
        ssl_ctx = ssl.create_default_context(cafile=args.cafile)
    else:
        ssl_ctx = None
    stdout = sys.stdout.buffer

    def write(lines):
        lines.append("")
        stdout.write("\n".join(lines).encode())
        lines.clear()

    out = []
    state = {"write": write}
    connector = aiohttp.TCPConnector(limit=args.jobs, limit_per_host=0,
                                     ttl_dns_cache=None, ssl=ssl_ctx)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=args.connect_timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                     cookie_jar=aiohttp.DummyCookieJar(),
                                     raise_for_status=False) as session:
        urls = read_urls(args.input)
        await asyncio.gather(*(worker(session, urls, out, state)
                               for _ in range(args.jobs)))
    if out:
        write(out)
    stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-j", "--jobs", type=int, default=50)
    ap.add_argument("-i", "--input", help="URL list (default: stdin)")
    ap.add_argument("--uvloop", action="store_true", help="run on uvloop")
    ap.add_argument("--cafile", help="verify TLS peers with the CAs in this file")
    ap.add_argument("-k", "--insecure", action="store_true")
    ap.add_argument("--connect-timeout", type=float, default=10.0)
    args = ap.parse_args()
    if args.uvloop:
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
