"""The Markdown around bench/run's tables: the header and the targets."""

import datetime
import os
import platform
import subprocess
import sys


def first_line(cmd):
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=10)
        out = r.stdout.decode(errors="replace").strip().splitlines()
        return out[0] if out else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def loadavg():
    try:
        return "%.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "?"


def header(args, tools):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    vers = [("afetch", first_line([args.afetch, "--version"])),
            ("nginx", first_line([tools["nginx"], "-v"]))]
    for k, cmd in (("curl", ["--version"]), ("wget2", ["--version"]), ("wrk", ["-v"]),
                   ("h2load", ["--version"])):
        if k in tools:
            vers.append((k, first_line([tools[k]] + cmd)))
    if "aiohttp" in tools:
        vers.append(("aiohttp", first_line([tools["aiohttp"], "-c",
                    "import sys,aiohttp;print('aiohttp', aiohttp.__version__, "
                    "'python', sys.version.split()[0])"])))
    if "uvloop" in tools:
        vers.append(("uvloop", first_line([tools["uvloop"], "-c",
                    "import uvloop;print('uvloop', uvloop.__version__)"])))
    lines = ["## afetch benchmark, %s" % datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
             "",
             "Machine: %s, %d cores, %s. Runs per tool: %d (medians)%s." % (
                 cpu, os.cpu_count(), platform.platform(terse=True), args.runs,
                 "; smoke mode, N=50" if args.smoke else ""),
             "Server: nginx, one worker, loopback. Command: `bench/run %s`" % " ".join(
                 sys.argv[1:]),
             ""]
    for k, v in vers:
        lines.append("- %s: `%s`" % (k, v))
    lines.append("")
    return "\n".join(lines)


def targets(R, ideals):
    """The table of the targets of issues 5 and 13 for what was measured in
    this run. R maps a scenario to a tool to its medians (Bench.results);
    ideals maps the scenarios with an ideal wall time to (ideal, J)."""
    rows = []

    def ratio(sc, peer, key="rps"):
        s = R.get(sc) or {}
        a, p = s.get("afetch"), s.get(peer)
        if not a or not p:
            return None
        return a[key] / p[key]

    def add(what, value, fmt, ok):
        if value is None:
            rows.append("| %s | not measured | — |" % what)
        else:
            rows.append("| %s | %s | %s |" % (what, fmt % value,
                                               "met" if ok(value) else "**missed**"))

    if "S1" in R:
        add("S1 req/s: afetch ≥ 1.2 × wget2", ratio("S1", "wget2"), "%.2f×",
            lambda v: v >= 1.2)
        add("S1 req/s: afetch ≥ 2 × curl --parallel", ratio("S1", "curl"), "%.2f×",
            lambda v: v >= 2)
        add("S1 req/s: afetch ≥ 4 × aiohttp+uvloop", ratio("S1", "aiohttp+uvloop"),
            "%.2f×", lambda v: v >= 4)
        add("S1 CPU/request: afetch ≤ 2.5 × wrk", ratio("S1", "wrk", "cpu"), "%.2f×",
            lambda v: v <= 2.5)
    for sc, goal in (("S2", 98), ("S2b", 90)):
        if sc in R:
            a = R[sc].get("afetch")
            ideal, j = ideals[sc]
            add("%s efficiency ≥ %d%% (J=%d)" % (sc, goal, j),
                100 * ideal / a["wall"] if a else None, "%.1f%%",
                lambda v, g=goal: v >= g)
    if "S3" in R:
        add("S3 throughput: afetch ≥ curl --parallel", ratio("S3", "curl"), "%.2f×",
            lambda v: v >= 1)
    if "S4" in R:
        add("S4 req/s: afetch ≥ 1.2 × wget2", ratio("S4", "wget2"), "%.2f×",
            lambda v: v >= 1.2)
    if "M" in R:
        add("M memory per in-flight transfer ≤ 15 KiB", R["M"]["per_transfer"],
            "%.1f KiB", lambda v: v <= 15)
        add("M peak RSS, long input ÷ 10,000 URLs ≤ 1.10", R["M"]["flat_ratio"],
            "%.3f", lambda v: v <= 1.10)
    if "S5" in R:
        add("S5 CPU/request: afetch ≤ 0.8 × wget2 (issue 13)", ratio("S5", "wget2", "cpu"),
            "%.2f×", lambda v: v <= 0.8)
        add("S5 req/s: afetch ≥ 1.5 × curl --parallel (issue 13)", ratio("S5", "curl"),
            "%.2f×", lambda v: v >= 1.5)
    if "S6" in R:
        a = R["S6"].get("afetch")
        ideal = ideals.get("S6", (None,))[0]
        add("S6 wall time within 10 % of the ideal (issue 13)",
            a["wall"] / ideal if a and ideal else None, "%.2f × ideal",
            lambda v: v <= 1.10)
        best = max((r["rps"] for t, r in R["S6"].items()
                    if r and not t.startswith("afetch")), default=None)
        add("S6 req/s: afetch ≥ the best peer (issue 13)",
            a["rps"] / best if a and best else None, "%.2f×", lambda v: v >= 1)
    if "S7b" in R:
        a = R["S7b"].get("afetch")
        add("S7b efficiency ≥ 85 %% (J=%d, issue 13)" % ideals["S7b"][1],
            100 * ideals["S7b"][0] / a["wall"] if a else None, "%.1f%%",
            lambda v: v >= 85)
    if "S7" in R:
        add("S7 memory per transfer in flight ≤ 15 KiB (issue 13)",
            R["S7"]["per_transfer"], "%.1f KiB", lambda v: v <= 15)
    return "\n".join(["### Targets (issues 5 and 13)", "", "| target | measured | |",
                      "|---|---|---|"] + rows + [""])
