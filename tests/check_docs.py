#!/usr/bin/env python3
"""Checks that afetch's man page agrees with the program it documents.

After curl's tests/test1139.pl (options, --help and the manual agree) and
jq's docs/build_mantests.py (the manual's examples are run):

  a) every option in `afetch --help` has an entry in the man page's OPTIONS,
     with the same short letter and argument, and every entry there is in
     --help; every option the page mentions anywhere exists;
  b) the SYNOPSIS lists the same options and operands as --help's usage;
  c) every "$ " command line of EXAMPLES runs against the fixture server:
     127.0.0.1:8080 becomes the fixture's address and the afetch command
     the binary under test; each must exit, within 20 s and with bash's
     pipefail, with the status the page's comment after it names
     (`.\" exit N`), and where afetch's output is not piped on, every line
     must be a JSON object.

Usage: check_docs.py --afetch PATH --fixture PATH --man PATH

Exits 0 when everything agrees, 1 with one line per problem otherwise.
Standard library only; the page is read as mdoc source, so neither mandoc
nor groff is needed.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

EXAMPLE_HOST = "127.0.0.1:8080"
EXAMPLE_TIMEOUT = 20        # seconds per example
FIXTURE_START_LIMIT = 10    # seconds to wait for the fixture's portfile
REQUIRED_SECTIONS = ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS",
                     "EXIT STATUS", "EXAMPLES", "SEE ALSO")
# Contract section 11: every exit status has an entry in EXIT STATUS.
EXIT_STATUSES = ("0", "1", "2", "130", "143", "141")
# Examples that run afetch on a file find this one, listing fixture URLs.
URLS_TXT = ("/status/200", "/status/404", "/delay/100", "/bytes/1000",
            "/redirect/2")

# mdoc macros that may be called from a macro line (mdoc(7), "callable").
CALLABLE = set("""
Ac Ad An Ao Ap Aq Ar At Bc Bo Bq Brc Bro Brq Bsx Bx Cd Cm Dc Do Dq Dv Dx Ec
Em En Eo Er Es Ev Fa Fc Fl Fn Fo Fr Fx Ic Li Lk Ms Mt Nm No Ns Nx Oc Oo Op
Ox Pa Pc Pf Po Pq Qc Ql Qo Qq Sc So Sq Sx Sy Ta Tn Ux Va Vt Xc Xo Xr
""".split())
DELIMITERS = set("()[].,:;?!|")

problems = []


def problem(msg):
    problems.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


# ---- reading mdoc source -------------------------------------------------

SPECIAL_CHARS = {"aq": "'", "dq": '"', "mu": "x", "em": "--", "en": "-",
                 "ti": "~", "ha": "^", "ga": "`", "rs": "\\", "lq": '"',
                 "rq": '"', "oq": "'", "cq": "'", "bu": "*"}


def unescape(text):
    """Turns roff escapes into the plain characters a reader would type."""
    def one(m):
        esc = m.group(1)
        if esc.startswith("("):
            return SPECIAL_CHARS.get(esc[1:], "?")
        if esc.startswith("["):
            return SPECIAL_CHARS.get(esc[1:-1], "?")
        return {"e": "\\", "-": "-", "&": "", " ": " ", "|": "", "^": "",
                "0": " ", "~": " "}.get(esc, esc)
    return re.sub(r"\\(\(..|\[[^\]]*\]|.)", one, text)


def macro_tokens(line):
    """Splits a macro line (without its leading dot) into its words.

    Quoted words keep their spaces, as in mdoc(7); "" inside quotes is a
    quote. Escapes are resolved afterwards, word by word.
    """
    words, i, n = [], 0, len(line)
    while i < n:
        if line[i] in " \t":
            i += 1
            continue
        if line[i] == '"':
            i += 1
            word = []
            while i < n:
                if line[i] == '"':
                    if i + 1 < n and line[i + 1] == '"':
                        word.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                word.append(line[i])
                i += 1
            words.append(("".join(word), True))
            continue
        j = i
        while j < n and line[j] not in " \t":
            if line[j] == "\\" and j + 1 < n:
                j += 1
            j += 1
        words.append((line[i:j], False))
        i = j
    # A quoted word is never a macro name: mark it so callers can tell.
    return [unescape(w) if not quoted else "\0" + unescape(w)
            for w, quoted in words]


def is_macro(word):
    return word in CALLABLE


def plain(word):
    return word[1:] if word.startswith("\0") else word


def sections(source):
    """Returns {section name: [lines]} of the page's .Sh sections."""
    out, name = {}, None
    for line in source.splitlines():
        # Comments are dropped, but for EXAMPLES' `.\" exit N` lines.
        if (line.startswith(".\\\"") or line.startswith("'\\\"")) and \
                not re.match(r'^\.\\" exit \d+\s*$', line):
            continue
        if line.startswith(".Sh "):
            name = " ".join(plain(w) for w in macro_tokens(line[4:]))
            out[name] = []
        elif name is not None:
            out[name].append(line)
    return out


def read_flag(words, i):
    """Reads the run of Fl macros at words[i] and the name after them, as
    mandoc renders it: `Fl Fl jobs` is "--jobs", a bare `Fl` is "-".
    Returns (text, index of the word after)."""
    dashes = "-"
    while i + 1 < len(words) and words[i + 1] == "Fl":
        dashes += "-"
        i += 1
    nxt = words[i + 1] if i + 1 < len(words) else None
    if nxt is not None and not is_macro(nxt) and nxt not in DELIMITERS:
        return dashes + plain(nxt), i + 2
    return dashes, i + 1


def render(words):
    """Renders macro words to text roughly as mandoc would (no spacing
    subtleties beyond those the option checks need)."""
    out, i = [], 0
    while i < len(words):
        w = words[i]
        if w == "Fl":
            flag, i = read_flag(words, i)
            out.append(flag)
            continue
        if w == "Pf" and i + 2 < len(words):
            # `Pf @ Ar file` is "@file": the prefix joins what follows.
            rest = render(words[i + 2:])
            out.append(plain(words[i + 1]) + rest)
            break
        if w == "Ns":
            # No space: the next word (past any macro) joins the last.
            j = i + 1
            while j < len(words) and is_macro(words[j]) and \
                    words[j] not in ("Fl", "Ns"):
                j += 1
            if out and j < len(words) and words[j] != "Fl":
                out[-1] += plain(words[j])
                i = j + 1
                continue
            i += 1
            continue
        if not is_macro(w):
            out.append(plain(w))
        i += 1
    return " ".join(out)


class Opt:
    """One option: its short letter (or None), long name (or None) and
    argument (normalised: lower case, no spaces; None: takes none)."""

    def __init__(self, short, long, arg):
        self.short, self.long, self.arg = short, long, arg

    def key(self):
        return self.long or self.short

    def __str__(self):
        names = ", ".join(n for n in (
            "-" + self.short if self.short else None,
            "--" + self.long if self.long else None) if n)
        return names + (" " + self.arg if self.arg else "")


def norm_arg(text):
    """An argument as compared: no spaces, lower case, and an optional
    argument's brackets and '=' dropped (--help's "[=WHEN]", the page's
    "Op = Ns Ar when")."""
    text = re.sub(r"[\s\[\]]+", "", text).lower().lstrip("=")
    return text or None


def flags_and_arg(words):
    """Reads the flags of an .It or .Op line and the argument after them.

    Returns ([flag words like '-j' or '--jobs'], argument text or None).
    Accepts both `Fl Fl name` and a literal `--name`.
    """
    flags, rest, i = [], [], 0
    while i < len(words):
        w = words[i]
        if w == "Fl":
            flag, i = read_flag(words, i)
            if flag.strip("-"):
                flags.append(flag)
                rest = []
            continue
        p = plain(w)
        if not w.startswith("\0") and re.fullmatch(r"--?[A-Za-z0-9][\w.-]*", p):
            flags.append(p)
            rest = []
        elif w == "," and not rest:
            pass        # between "-j ," and "--jobs"
        else:
            rest.append(w)
        i += 1
    return flags, norm_arg(render(rest)) if rest else None


def man_options(lines):
    """The options of the OPTIONS section's tagged list, by .It line."""
    opts = []
    for line in lines:
        if not line.startswith(".It "):
            continue
        flags, arg = flags_and_arg(macro_tokens(line[4:]))
        if not flags:
            continue
        short = [f[1:] for f in flags if not f.startswith("--")]
        long = [f[2:] for f in flags if f.startswith("--")]
        if len(short) > 1 or len(long) > 1 or any(len(s) != 1 for s in short):
            problem("man OPTIONS: cannot read the entry %r (want one short "
                    "and/or one long option)" % line)
            continue
        opts.append(Opt(short[0] if short else None,
                        long[0] if long else None, arg))
    return opts


def synopsis_text(lines):
    """The SYNOPSIS as text, each .Op group in brackets, in order."""
    return " ".join("[" + render(macro_tokens(line[4:])) + "]"
                    for line in lines if line.startswith(".Op "))


def synopsis(lines):
    """Returns (options as [(flag, arg)], operands as rendered strings)."""
    opts, operands = [], []
    for line in lines:
        if not line.startswith(".Op "):
            continue
        words = macro_tokens(line[4:])
        flags, arg = flags_and_arg(words)
        if not flags:
            operands.append("[" + render(words) + "]")
            continue
        for f in flags:
            if f.startswith("--"):
                opts.append((f, arg))
            else:
                # Grouped letters: `Fl hV` is -h and -V.
                letters = f[1:]
                if len(letters) > 1 and arg is not None:
                    problem("man SYNOPSIS: %r groups letters but has an "
                            "argument" % line)
                for c in letters:
                    opts.append(("-" + c, arg))
    return opts, operands


def mentioned_flags(source):
    """Every flag the page names with Fl, anywhere."""
    found = set()
    for line in source.splitlines():
        if not line.startswith(".") or line.startswith(".\\\""):
            continue
        words = macro_tokens(line[1:].lstrip())
        i = 0
        while i < len(words):
            if words[i] == "Fl":
                dashes = "-"
                while i + 1 < len(words) and words[i + 1] == "Fl":
                    dashes += "-"
                    i += 1
                nxt = words[i + 1] if i + 1 < len(words) else None
                if (nxt is not None and not is_macro(nxt)
                        and nxt not in DELIMITERS):
                    word = plain(nxt)
                    if dashes == "-" and len(word) > 1:
                        found.update("-" + c for c in word)
                    else:
                        found.add(dashes + word)
                    i += 1
            i += 1
    return found


def examples(lines):
    """The "$ " command lines of EXAMPLES' literal displays and .Dl lines,
    as [(command, expected exit status or None)].

    A line ending in a backslash continues on the next one; a comment line
    `.\" exit N` after a command gives its exit status.
    """
    cmds, literal, pending = [], False, None
    for line in lines:
        m = re.match(r'^\.\\" exit (\d+)\s*$', line)
        if m and cmds and cmds[-1][1] is None:
            cmds[-1] = (cmds[-1][0], int(m.group(1)))
            continue
        if line.startswith(".Bd ") and "-literal" in line:
            literal = True
            continue
        if line.startswith(".Ed"):
            literal = False
            continue
        if line.startswith(".Dl "):
            text = render(macro_tokens(line[4:]))
        elif literal and not line.startswith("."):
            text = unescape(line)
        else:
            continue
        if pending is not None:
            text = pending + " " + text.strip()
            pending = None
        elif not text.startswith("$ "):
            continue
        else:
            text = text[2:].strip()
        if text.endswith("\\"):
            pending = text[:-1].rstrip()
            continue
        cmds.append((text, None))
    return cmds


# ---- reading --help ---------------------------------------------------

HELP_LINE = re.compile(
    r"^\s+(?:-(?P<short>[A-Za-z0-9]),\s+)?--(?P<long>[A-Za-z0-9][\w.-]*)"
    r"(?:\[?[ =](?P<arg>'[^']*'|[^\s\]]+(?: \| [^\s\]]+)*)\]?)?"
    r"(?:\s{2,}|\s*$)")


def help_options(text):
    """Returns (usage line, [Opt]) from afetch --help's output."""
    usage, opts, in_usage = None, [], False
    for line in text.splitlines():
        # The usage text runs from "usage:" to the first blank line.
        if line.startswith("usage:"):
            usage, in_usage = line[len("usage:"):].strip(), True
            continue
        if in_usage and line.strip():
            usage += " " + line.strip()
            continue
        in_usage = False
        if not re.match(r"^\s+-", line):
            continue
        m = HELP_LINE.match(line)
        if m is None:
            problem("--help: cannot read the option line %r" % line)
            continue
        opts.append(Opt(m.group("short"), m.group("long"),
                        norm_arg(m.group("arg") or "")))
    return usage, opts


def usage_parts(usage):
    """Splits the usage line into (options as [(flag, arg)], operands).

    "[options]" stands for every option and adds none here.
    """
    words = usage.split(None, 1)
    groups = re.findall(r"\[[^\]]*\]|\S+", words[1] if len(words) > 1 else "")
    opts, operands, placeholder = [], [], False
    for g in groups:
        inner = g[1:-1].strip() if g.startswith("[") else g
        if inner.lower() in ("options", "option ...", "options ..."):
            placeholder = True
        elif inner.startswith("-"):
            parts = inner.split(None, 1)
            arg = norm_arg(parts[1]) if len(parts) > 1 else None
            if parts[0].startswith("--"):
                opts.append((parts[0], arg))
            else:
                opts.extend(("-" + c, arg) for c in parts[0][1:])
        else:
            operands.append(g)
    return words[0], placeholder, opts, operands


# ---- the checks --------------------------------------------------------

def check_options(help_opts, man_opts):
    """a) OPTIONS against --help, both ways."""
    by_key = {o.key(): o for o in man_opts}
    help_keys = {o.key() for o in help_opts}
    for h in help_opts:
        m = by_key.get(h.key())
        if m is None:
            problem("option %s is in --help but not in the man page's "
                    "OPTIONS" % h)
            continue
        if m.short != h.short or m.long != h.long:
            problem("option names differ: --help has %s, OPTIONS has %s"
                    % (h, m))
        if m.arg != h.arg:
            problem("argument of %s differs: --help has %s, OPTIONS has %s"
                    % (h.key(), h.arg or "none", m.arg or "none"))
    for m in man_opts:
        if m.key() not in help_keys:
            problem("option %s is in the man page's OPTIONS but not in "
                    "--help" % m)
    seen = set()
    for m in man_opts:
        if m.key() in seen:
            problem("option %s has two entries in OPTIONS" % m)
        seen.add(m.key())


def check_synopsis(help_usage, help_opts, syn_opts, syn_operands):
    """b) SYNOPSIS against --help's usage line and option list."""
    if help_usage is None:
        problem("--help has no 'usage:' line")
        return
    name, placeholder, use_opts, use_operands = usage_parts(help_usage)
    if name != "afetch":
        problem("--help's usage line names %r, not afetch" % name)
    # What SYNOPSIS must list: every option of --help (by its short form
    # when it has one, as in a BSD SYNOPSIS).
    want = {}
    for o in help_opts:
        want["-" + o.short if o.short else "--" + o.long] = o.arg
    if not placeholder:
        listed = dict(use_opts)
        for flag in sorted(set(want) ^ set(listed)):
            problem("option %s is %s --help's usage line" % (
                flag, "missing from" if flag in want else "extra in"))
    got = {}
    for flag, arg in syn_opts:
        if flag in got:
            problem("SYNOPSIS lists %s twice" % flag)
        got[flag] = arg
    for flag in sorted(set(want) - set(got)):
        problem("option %s is in --help but not in the man page's SYNOPSIS"
                % flag)
    for flag in sorted(set(got) - set(want)):
        problem("option %s is in the man page's SYNOPSIS but not in --help"
                % flag)
    for flag in sorted(set(got) & set(want)):
        if got[flag] != want[flag]:
            problem("argument of %s differs: --help has %s, SYNOPSIS has %s"
                    % (flag, want[flag] or "none", got[flag] or "none"))
    def squash(ops):
        return [re.sub(r"\s+", " ", o.lower()) for o in ops]
    if squash(use_operands) != squash(syn_operands):
        problem("operands differ: --help's usage has %s, SYNOPSIS has %s"
                % (" ".join(use_operands) or "none",
                   " ".join(syn_operands) or "none"))


def check_mentions(source, help_opts):
    """Every flag the page names anywhere is a real option."""
    real = set()
    for o in help_opts:
        if o.short:
            real.add("-" + o.short)
        if o.long:
            real.add("--" + o.long)
    for flag in sorted(mentioned_flags(source) - real):
        problem("the man page mentions %s, which --help does not list"
                % flag)


def check_exit_statuses(lines):
    documented = set()
    for line in lines:
        if line.startswith(".It "):
            documented.update(w for w in macro_tokens(line[4:])
                              if re.fullmatch(r"\d+", w))
    for code in EXIT_STATUSES:
        if code not in documented:
            problem("EXIT STATUS has no entry for %s" % code)


# ---- running the examples ----------------------------------------------

def start_fixture(path, workdir):
    portfile = os.path.join(workdir, "fixture.port")
    log = open(os.path.join(workdir, "fixture.log"), "wb")
    try:
        proc = subprocess.Popen([path, "-P", portfile],
                                stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT)
    except OSError as e:
        problem("cannot start the fixture server %s: %s" % (path, e))
        return None, None
    finally:
        log.close()
    # Waiting for a file the server writes atomically once it listens;
    # the poll only bounds how long a broken server can stall the test.
    limit = time.monotonic() + FIXTURE_START_LIMIT
    while time.monotonic() < limit:
        if os.path.exists(portfile):
            with open(portfile) as f:
                text = f.read().strip()
            if re.fullmatch(r"\d+", text) and 0 < int(text) < 65536:
                return proc, int(text)
            problem("fixture wrote a bad portfile: %r" % text)
            return proc, None
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    with open(os.path.join(workdir, "fixture.log"), "rb") as f:
        out = f.read().decode("utf-8", "replace").strip()
    if proc.poll() is not None:
        problem("fixture server exited with status %s before writing its "
                "portfile%s" % (proc.returncode, ": " + out if out else ""))
    else:
        problem("fixture server wrote no portfile within %d s"
                % FIXTURE_START_LIMIT)
    return proc, None


def stop_fixture(proc):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def afetch_is_last(cmd):
    """True when afetch's standard output is not piped into another
    command, so what reaches stdout (or a file) is raw records."""
    lex = shlex.shlex(cmd, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    toks = list(lex)
    last = None
    for i, t in enumerate(toks):
        if t == "afetch" and (i == 0 or toks[i - 1] in ("|", ";", "&&",
                                                          "||", "(")):
            last = i
    return last is not None and "|" not in toks[last:]


def json_lines(data, where):
    """Checks that data is records: valid UTF-8, one JSON object a line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return ["%s is not valid UTF-8: %s" % (where, e)]
    errs = []
    if text and not text.endswith("\n"):
        errs.append("%s does not end in a newline" % where)
    for n, line in enumerate(text.splitlines(), 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            errs.append("%s line %d is not JSON (%s): %.200r"
                        % (where, n, e, line))
            continue
        if not isinstance(obj, dict):
            errs.append("%s line %d is not a JSON object: %.200r"
                        % (where, n, line))
    return errs


def run_examples(cmds, afetch, fixture, workdir):
    """c) Runs each example against the fixture."""
    if not cmds:
        problem("EXAMPLES has no '$ ' command lines")
        return
    runnable = []
    for n, example in enumerate(cmds, 1):
        cmd, ok = example[0], True
        if not re.match(r"^(afetch\b|printf\b.*\|\s*afetch\b)", cmd):
            problem("example %d does not start with 'afetch' or "
                    "'printf ... | afetch': %s" % (n, cmd))
        for url in re.findall(r"[a-z][a-z0-9+.-]*://[^\s'\"]*", cmd):
            if not url.startswith("http://%s/" % EXAMPLE_HOST):
                # Never run it: a test must not reach past the fixture.
                problem("example %d uses %s, not the fixture at http://%s/"
                        " (not run): %s" % (n, url, EXAMPLE_HOST, cmd))
                ok = False
        if ok:
            runnable.append((n, example))
    proc, port = start_fixture(fixture, workdir)
    try:
        if port is None:
            return
        addr = "127.0.0.1:%d" % port
        have_jq = shutil.which("jq") is not None
        for n, example in runnable:
            if not have_jq and re.search(r"(^|\|)\s*jq\b", example[0]):
                print("skip  example %d (jq is not installed): %s"
                      % (n, example[0]))
                continue
            run_one(n, example, afetch, addr, workdir)
    finally:
        stop_fixture(proc)


def run_one(n, example, afetch, addr, workdir):
    cmd, want = example
    real = cmd.replace(EXAMPLE_HOST, addr)
    real = re.sub(r"(^|[|;&(]\s*)afetch(?=\s|$)",
                  lambda m: m.group(1) + shlex.quote(afetch), real)
    cwd = os.path.join(workdir, "example%d" % n)
    os.mkdir(cwd)
    with open(os.path.join(cwd, "urls.txt"), "w") as f:
        f.writelines("http://%s%s\n" % (addr, p) for p in URLS_TXT)
    label = "example %d (%s)" % (n, cmd)
    started = time.monotonic()
    p = subprocess.Popen(["bash", "-o", "pipefail", "-c", real], cwd=cwd,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = p.communicate(timeout=EXAMPLE_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        problem("%s did not finish within %d s" % (label, EXAMPLE_TIMEOUT))
        return
    took = time.monotonic() - started
    errtext = err.decode("utf-8", "replace").strip()
    if want is None:
        problem("%s has no `.\\\" exit N` line after it" % label)
        return
    if p.returncode != want:
        how = ("killed by signal %d" % -p.returncode if p.returncode < 0
               else "exited %d" % p.returncode)
        problem("%s %s, want %d%s" % (label, how, want,
                "; stderr: " + errtext if errtext else ""))
        return
    if afetch_is_last(cmd):
        errs = json_lines(out, "stdout")
        records = out.count(b"\n")
        for name in sorted(os.listdir(cwd)):
            if name.endswith(".jsonl"):
                with open(os.path.join(cwd, name), "rb") as f:
                    data = f.read()
                errs += json_lines(data, name)
                records += data.count(b"\n")
        if records == 0:
            errs.append("no records written")
        for e in errs[:3]:
            problem("%s: %s" % (label, e))
        if len(errs) > 3:
            problem("%s: and %d more" % (label, len(errs) - 3))
        if errs:
            return
    print("ok    example %d, exit %d, %.2f s: %s"
          % (n, p.returncode, took, cmd))


def run(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--afetch", required=True, help="the afetch binary")
    ap.add_argument("--fixture", required=True,
                    help="the fixture_server binary")
    ap.add_argument("--man", required=True, help="man/afetch.1")
    args = ap.parse_args(argv)

    with open(args.man, encoding="utf-8") as f:
        source = f.read()
    secs = sections(source)
    for name in REQUIRED_SECTIONS:
        if name not in secs:
            problem("the man page has no %s section" % name)

    try:
        h = subprocess.run([args.afetch, "--help"],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=10)
    except (OSError, subprocess.TimeoutExpired) as e:
        problem("cannot run %s --help: %s" % (args.afetch, e))
        return
    if h.returncode != 0 or not h.stdout:
        problem("afetch --help exited %d with %d bytes of output"
                % (h.returncode, len(h.stdout)))
        return
    usage, hopts = help_options(h.stdout.decode("utf-8", "replace"))
    if not hopts:
        problem("found no options in afetch --help")
        return

    mopts = man_options(secs.get("OPTIONS", []))
    check_options(hopts, mopts)
    syn_opts, syn_operands = synopsis(secs.get("SYNOPSIS", []))
    check_synopsis(usage, hopts, syn_opts, syn_operands)
    # Both come from one table of options, so they agree word for word.
    syn_text = synopsis_text(secs.get("SYNOPSIS", []))
    if usage is not None and usage != "afetch " + syn_text:
        problem("--help's usage is not the man page's SYNOPSIS, word for "
                "word:\n  usage:    %s\n  SYNOPSIS: afetch %s"
                % (usage, syn_text))
    check_mentions(source, hopts)
    check_exit_statuses(secs.get("EXIT STATUS", []))
    print("checked %d options of --help against OPTIONS (%d entries) and "
          "SYNOPSIS (%d flags)" % (len(hopts), len(mopts), len(syn_opts)))

    cmds = examples(secs.get("EXAMPLES", []))
    with tempfile.TemporaryDirectory(prefix="afetch-docs.") as workdir:
        run_examples(cmds, os.path.abspath(args.afetch),
                     os.path.abspath(args.fixture), workdir)


def main():
    run(sys.argv[1:])
    if problems:
        print("check_docs: %d problem(s); the man page and afetch disagree"
              % len(problems), file=sys.stderr)
        return 1
    print("check_docs: the man page agrees with afetch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
