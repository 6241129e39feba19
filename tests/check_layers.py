#!/usr/bin/env python3
"""Holds the code to the plan in docs/ARCHITECTURE.md.

The plan's ```layers block names each layer (a folder of src/) and the
layers it may include. This check reads it and then every #include "..."
of every .c and .h file under src/:

- every folder of src/ is a layer of the plan, and every layer a folder;
- no source file lies in src/ itself;
- each quoted include names a header that exists in the file's own layer
  or in a layer the plan allows it;
- no file is longer than MAX_LINES lines (a module that long wants to be
  cut along a seam).

Usage: check_layers.py ROOT (the checkout). Exits 0 when the code keeps
the plan, 1 with one line per problem otherwise.
"""

import os
import re
import sys

MAX_LINES = 500
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def read_plan(path):
    """Returns {layer: set of layers it may include} from the doc."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^```layers\n(.*?)^```", text, re.M | re.S)
    if m is None:
        raise SystemExit("%s: no ```layers block" % path)
    plan = {}
    for line in m.group(1).splitlines():
        if not line.strip():
            continue
        name, _, below = line.partition(":")
        plan[name.strip()] = set(below.split())
    return plan


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    src = os.path.join(root, "src")
    plan = read_plan(os.path.join(root, "docs", "ARCHITECTURE.md"))
    problems = []

    folders = {d for d in os.listdir(src)
               if os.path.isdir(os.path.join(src, d))}
    for d in sorted(folders - set(plan)):
        problems.append("src/%s/ is not a layer of the plan" % d)
    for d in sorted(set(plan) - folders):
        problems.append("the plan's layer %s has no folder src/%s/" % (d, d))
    for layer, allowed in plan.items():
        for a in sorted(allowed - set(plan)):
            problems.append("layer %s may include %s, which is no layer"
                            % (layer, a))
    for f in sorted(os.listdir(src)):
        if f.endswith((".c", ".h")):
            problems.append("src/%s lies outside every layer" % f)

    # Which layer holds each header.
    home = {}
    for layer in folders & set(plan):
        for f in os.listdir(os.path.join(src, layer)):
            if f.endswith(".h"):
                if f in home:
                    problems.append("%s is in both %s and %s"
                                    % (f, home[f], layer))
                home[f] = layer

    checked = 0
    for layer in sorted(folders & set(plan)):
        for f in sorted(os.listdir(os.path.join(src, layer))):
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(src, layer, f)
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            lines = text.count("\n")
            if lines > MAX_LINES:
                problems.append("src/%s/%s has %d lines (at most %d)"
                                % (layer, f, lines, MAX_LINES))
            for inc in INCLUDE.findall(text):
                checked += 1
                where = home.get(inc)
                if where is None:
                    problems.append("src/%s/%s includes \"%s\", which no "
                                    "layer has" % (layer, f, inc))
                elif where != layer and where not in plan[layer]:
                    problems.append("src/%s/%s includes %s/%s: %s may not "
                                    "look at %s" % (layer, f, where, inc,
                                                    layer, where))
    for p in problems:
        print("FAIL: " + p)
    print("check_layers: %d includes checked, %d problem(s)"
          % (checked, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
