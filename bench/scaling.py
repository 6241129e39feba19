"""bench/run --workers: how afetch scales with its worker threads (issue 15).

run() measures one scenario (S1, S5 or S6) at each worker count given:
afetch with `--workers W` and, for the comparison at equal thread counts,
wget2 with `--max-threads=T` (T: W's number of threads; `auto` is the
cores this process may run on, as afetch counts them), nginx restarted with
T worker processes for both rows. It returns a Markdown table: requests/s,
client CPU per request, the speed-up over one worker and per added core,
CPU per request against one worker's, and the server's CPU in cores, so a
server that ran out of cores shows as such.
"""

import os
import statistics

from report import loadavg


def threads(w):
    """The number of threads --workers w runs."""
    if w == "auto":
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except (AttributeError, OSError):
            return os.cpu_count() or 1
    return int(w)


def wget2_list(bench, name, lst, urls, n):
    """wget2's URL list and its size. wget2 runs a transfer per thread, so
    at 1 or 2 threads S6's 10,000 URLs at 100 ms each (a new connection to
    a host 50 ms away, then the request) would take minutes: it gets the
    first `threads_n` URLs there, its rate being bound by the round trip,
    not by the list's length."""
    k = bench.sc.get("threads_n")
    if not k or k >= n or bench.args.smoke:
        return lst, n
    sub = lst + ".threads"
    with open(sub, "w") as f:
        for u in urls[:k]:
            f.write(u + "\n")
    return sub, k


def median_row(rs):
    ok = [r for r in rs if r.requests and r.wall]
    if not ok:
        return None
    cores = [r.server_cpu / r.wall for r in ok if r.server_cpu is not None]
    return dict(
        wall=statistics.median(r.wall for r in ok),
        rps=statistics.median(r.requests / r.wall for r in ok),
        cpu=statistics.median(r.cpu / r.requests for r in ok),
        server=statistics.median(cores) if cores else None,
        lines=min(r.lines for r in ok),
        n=ok[0].requests,
        note="; ".join(sorted({r.note for r in rs if r.note})))


def run(bench, name, lst, urls, n, j, tls):
    """The scaling table of scenario name (its list lst of urls, N, J, how
    it verifies TLS), measured now. Leaves the server with one worker."""
    counts = bench.args.workers
    server = bench.server()
    has_wget2 = bench.available("wget2")
    wlst, wn = wget2_list(bench, name, lst, urls, n)
    wredirects = sum(1 for u in urls[:wn] if "/r/" in u) if bench.sc.get("hosts") else 0
    load0 = loadavg()
    runs = {}
    saved = bench.redirects
    try:
        for r in range(bench.args.runs):
            # Interleaved, as the main table: a slow spell hits every count.
            for w in counts:
                t = threads(w)
                server.set_workers(t)
                res = bench.run_peer("afetch -w %s" % w, lst, n, j, tls)
                runs.setdefault(("afetch", w), []).append(res)
                bench.log_run("afetch -w %s" % w, r, res)
                if res.lines != n:
                    bench.failed.append("%s afetch -w %s run %d: %d lines for %d URLs "
                                        "(exit %d)" % (name, w, r + 1, res.lines, n,
                                                       res.status))
                if has_wget2:
                    bench.redirects = wredirects
                    res = bench.run_peer("wget2 --max-threads=%d" % t, wlst, wn, t, tls)
                    bench.redirects = saved
                    runs.setdefault(("wget2", w), []).append(res)
                    bench.log_run("wget2 --max-threads=%d" % t, r, res)
    finally:
        bench.redirects = saved
        server.set_workers(1)
    return table(bench, name, n, j, counts, runs, has_wget2, wn, load0)


def table(bench, name, n, j, counts, runs, has_wget2, wn, load0):
    rows = {k: median_row(v) for k, v in runs.items()}
    head = ["tool", "threads", "server workers", "wall s", "req/s", "speed-up",
            "per added core", "CPU µs/req", "CPU ÷ 1 thread's", "server CPU (cores)",
            "lines", "afetch ÷ wget2 req/s"]
    out = ["### %s with --workers: afetch and wget2 at equal thread counts, N=%d, "
           "J=%d" % (name, n, j), "",
           "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    notes = []
    for tool in ("afetch", "wget2") if has_wget2 else ("afetch",):
        base = rows.get((tool, "1"))
        for w in counts:
            r = rows.get((tool, w))
            t = threads(w)
            label = "afetch -w %s" % w if tool == "afetch" else \
                "wget2 --max-threads=%d%s" % (t, " (auto)" if w == "auto" else "")
            if r is None:
                out.append("| %s | %s |" % (label, " | ".join(["—"] * (len(head) - 1))))
                continue
            up = r["rps"] / base["rps"] if base else None
            other = rows.get(("wget2", w)) if tool == "afetch" else None
            cells = [label, str(t), str(t), "%.2f" % r["wall"], "%.0f" % r["rps"],
                     "%.2f×" % up if up else "—",
                     "%.2f" % ((up - 1) / (t - 1)) if up and t > 1 else "—",
                     "%.1f" % (r["cpu"] * 1e6),
                     "%.2f" % (r["cpu"] / base["cpu"]) if base else "—",
                     "—" if r["server"] is None else "%.2f of %d" % (r["server"], t),
                     "%d %s" % (r["lines"], "✓" if r["lines"] == r["n"] else "✗"),
                     "%.2f" % (r["rps"] / other["rps"]) if other else "—"]
            out.append("| " + " | ".join(cells) + " |")
            if r["note"]:
                notes.append("%s: %s" % (label, r["note"]))
    notes.insert(0, "speed-up: req/s ÷ the same tool's at 1 thread; per added core: "
                 "(speed-up − 1) ÷ (threads − 1); server CPU: nginx's CPU time (all "
                 "its processes, from /proc) ÷ wall time, against its worker count: "
                 "at its count it is saturated; client and server share the "
                 "machine's %d cores" % (os.cpu_count() or 1))
    if has_wget2:
        notes.insert(1, "wget2 runs one transfer per thread: at --max-threads=T its J "
                     "is T, where afetch keeps J=%d on its T loops" % j)
        if wn != n:
            notes.insert(2, "wget2 fetches the first %d URLs (at 1 or 2 transfers at a "
                         "time the whole list would take minutes; its rate is bound "
                         "by the round trip, not the list)" % wn)
    out.append("")
    out += ["- " + x for x in notes]
    out += ["- load average: %s before this table, %s after" % (load0, loadavg()), ""]
    if not bench.args.smoke:
        out += targets(name, counts, rows)
    bench.results[name + " workers"] = rows
    return "\n".join(out)


def targets(name, counts, rows):
    """Issue 15's targets, judged on this table."""
    out = []
    base = rows.get(("afetch", "1"))
    for w in counts:
        r, t = rows.get(("afetch", w)), threads(w)
        if r is None:
            continue
        if base and t > 1:
            up = r["rps"] / base["rps"]
            if name == "S5" and t == 2:
                out.append("S5, -w %s: speed-up %.2f× (target ≥ 1.8× when the server is "
                           "not saturated; the server took %s of its %d cores): %s" % (
                               w, up, "?" if r["server"] is None else
                               "%.2f" % r["server"], t, "met" if up >= 1.8 else "missed"))
            ratio = r["cpu"] / base["cpu"]
            out.append("%s, -w %s: CPU per request %.2f × one worker's (target ≤ 1.10): "
                       "%s" % (name, w, ratio, "met" if ratio <= 1.10 else "missed"))
        other = rows.get(("wget2", w))
        if other:
            q = r["rps"] / other["rps"]
            out.append("%s, %d thread(s): afetch ÷ wget2 req/s %.2f (target > 1): %s" % (
                name, t, q, "met" if q > 1 else "missed"))
    if not out:
        return []
    return ["Targets (issue 15):", ""] + ["- " + x for x in out] + [""]
