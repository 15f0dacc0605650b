#!/usr/bin/env python3
"""check_prof.py - the files `ivmprof profile` writes, read by the tools
they are written for.

usage: check_prof.py TEST IVMPROF TESTS_DIR

TEST is one of:
  pprof  every IMPL.pb.gz of a full-rate run and of a sampled run opens in
         `go tool pprof -top` and `-tree` with nothing on stderr, and its
         totals (summed from `-raw`) equal the calls and time the harness
         reports in totals.tsv; the folded stacks sum to the same time
  svg    every SVG of such a run, and the golden one, is well-formed XML
         whose frames each carry a <title> tooltip with time and share
  cpu    --cpu-profile writes a non-empty gperftools profile per
         implementation that `google-pprof --text` and `go tool pprof -top`
         read, naming at least one function of the library

Exit status 77 (skip) when go or google-pprof is not installed. Standard
library only.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SKIP = 77
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300,
                          **kw)


def profile(ivmprof, out, *extra):
    """Runs ivmprof profile into out; returns totals.tsv as {impl: row}."""
    p = run([ivmprof, "profile", "--ops", "3000", "--out", out, "--brief"]
            + list(extra))
    if p.returncode != 0:
        fail("ivmprof profile %s exited %d: %s" % (" ".join(extra),
                                                  p.returncode, p.stderr))
        return {}
    with open(os.path.join(out, "totals.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [dict(zip(header, line.rstrip("\n").split("\t")))
                for line in f]
    return {r["impl"]: r for r in rows}


def raw_totals(text):
    """Sums the two values of every sample in `go tool pprof -raw` output."""
    calls = time = 0
    in_samples = False
    for line in text.splitlines():
        if line.startswith("Samples:"):
            in_samples = True
            continue
        if in_samples:
            m = re.match(r"^\s+(\d+)\s+(\d+):", line)
            if m:
                calls += int(m.group(1))
                time += int(m.group(2))
            elif line and not line[0].isspace() and "/" not in line:
                in_samples = False
    return calls, time


def check_pprof(ivmprof, tests_dir):
    if not shutil.which("go"):
        print("go is not installed", file=sys.stderr)
        return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        for name, extra in (("full", []),
                            ("sampled", ["--sample-rate", "0.25",
                                         "--seed", "3"])):
            out = os.path.join(tmp, name)
            totals = profile(ivmprof, out, *extra)
            if not totals:
                fail("%s: no implementation was profiled" % name)
            for impl, row in totals.items():
                path = os.path.join(out, impl + ".pb.gz")
                for view in ("-top", "-tree"):
                    p = run(["go", "tool", "pprof", view, path])
                    if p.returncode != 0 or p.stderr.strip():
                        fail("go tool pprof %s %s: exit %d, stderr %r"
                             % (view, path, p.returncode, p.stderr))
                p = run(["go", "tool", "pprof", "-raw", path])
                calls, time = raw_totals(p.stdout)
                if (calls, time) != (int(row["calls"]), int(row["time_ns"])):
                    fail("%s: pprof totals %d calls %d ns, harness %s calls "
                         "%s ns" % (path, calls, time, row["calls"],
                                    row["time_ns"]))
                with open(os.path.join(out, impl + ".folded")) as f:
                    folded = sum(int(line.rsplit(" ", 1)[1])
                                 for line in f if line.strip())
                if folded != int(row["time_ns"]):
                    fail("%s.folded sums to %d ns, harness %s" %
                         (impl, folded, row["time_ns"]))
                if name == "sampled" and not (
                        0 < int(row["sampled"]) < int(row["ops"])):
                    fail("%s: sampled %s of %s operations at rate 0.25"
                         % (impl, row["sampled"], row["ops"]))
    return 0


def check_one_svg(path):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        fail("%s is not well-formed XML: %s" % (path, e))
        return
    ns = "{http://www.w3.org/2000/svg}"
    if root.tag != ns + "svg":
        fail("%s: root element is %s" % (path, root.tag))
    frames = root.findall(ns + "g")
    if not frames:
        fail("%s: no frames" % path)
    for g in frames:
        title = g.find(ns + "title")
        if title is None or g.find(ns + "rect") is None:
            fail("%s: a frame without <title> or <rect>" % path)
            return
        if not re.search(r"\(\d+\.\d{3} ms, \d+\.\d{2}%, \d+ calls\)$",
                         title.text or ""):
            fail("%s: tooltip %r lacks time, share and calls" %
                 (path, title.text))
            return


def check_svg(ivmprof, tests_dir):
    golden = os.path.join(tests_dir, "golden", "flame.svg")
    check_one_svg(golden)
    root = ET.parse(golden).getroot()
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    if not any(t.startswith('beta.c:cmp<int>&"x"') for t in titles):
        fail("flame.svg: the escaped name does not read back intact")
    with tempfile.TemporaryDirectory() as tmp:
        totals = profile(ivmprof, tmp)
        for impl in totals:
            check_one_svg(os.path.join(tmp, impl + ".svg"))
        if not totals:
            fail("no implementation was profiled")
    return 0


def check_cpu(ivmprof, tests_dir):
    for tool in ("google-pprof", "go"):
        if not shutil.which(tool):
            print("%s is not installed" % tool, file=sys.stderr)
            return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        totals = profile(ivmprof, tmp, "--impl", "reference,treap",
                         "--cpu-profile", "--cpu-seconds", "0.4")
        for impl in totals:
            path = os.path.join(tmp, impl + ".cpu.prof")
            if not os.path.exists(path) or os.path.getsize(path) == 0:
                fail("%s is missing or empty" % path)
                continue
            # The library's functions, as the instrumented profile names them.
            names = set()
            with open(os.path.join(tmp, impl + ".folded")) as f:
                for line in f:
                    for frame in line.rsplit(" ", 1)[0].split(";"):
                        if ":" in frame:
                            names.add(frame.split(":", 1)[1])
            for cmd in (["google-pprof", "--text", ivmprof, path],
                        ["go", "tool", "pprof", "-top", ivmprof, path]):
                p = run(cmd)
                shown = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", p.stdout))
                if p.returncode != 0 or not names & shown:
                    fail("%s names none of %s (exit %d):\n%s%s" %
                         (" ".join(cmd[:2]), sorted(names), p.returncode,
                          p.stdout[-2000:], p.stderr[-2000:]))
    return 0


TESTS = {"pprof": check_pprof, "svg": check_svg, "cpu": check_cpu}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in TESTS:
        print(__doc__, file=sys.stderr)
        return 2
    status = TESTS[sys.argv[1]](sys.argv[2], sys.argv[3])
    if status:
        return status
    print("%s: %s" % (sys.argv[1], "FAIL" if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
