#!/usr/bin/env python3
"""check_regress.py - `ivmprof baseline` and `ivmprof regress` tested from
the outside, the way users and CI run them.

usage: check_regress.py TEST IVMPROF

TEST is one of:
  unchanged     a fresh baseline, then the gate on the same build: exit 0,
                every row ok
  slowed        the same with one implementation wrapped in the test-only
                slowing decorator: its timing rows regressed, exit 1, the
                others not
  improved      a baseline with inflated costs: every row improved, exit 0
  corrupt       missing, empty, truncated and damaged baselines: exit 2 with
                a message naming the file and the line
  usage         bad options: exit 2 with a clear message
  update        `baseline` updates a file measured the same way, refuses one
                measured otherwise or unreadable, and --fresh replaces it
  callgrind     the deterministic gate through valgrind: exact counts, and
                the slowed implementation regressed (77 without valgrind)
  instructions  the perf_event_open gate where the kernel allows it, else
                the clear refusal that names the reason

Every timing test uses a slowdown far beyond its thresholds and thresholds
far beyond the noise, so they do not flake on a busy machine. Standard
library only.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Small enough to take seconds, big enough for stable medians.
SMALL = ["--profiles", "standard,allocator", "--impl", "boundary,treap,summary",
         "--ops", "5000", "--rounds", "5"]
# Generous: the noise measured on a busy 2-core machine is a few percent for
# throughput and some tens of percent for p99 at this size.
GENEROUS = ["--threshold-throughput", "50", "--threshold-p99", "100"]
# The slowed implementation repeats a first fit 40 times per operation:
# several times slower, far past the thresholds above.
SLOWDOWN = "summary:40"
METRICS = ("throughput", "p99", "memory", "instructions")


class Checker:
    def __init__(self, ivmprof):
        self.ivmprof = ivmprof
        self.failures = []
        self.tmp = tempfile.mkdtemp(prefix="ivm-regress-test-")

    def run(self, *args):
        env = dict(os.environ)
        env.pop("NO_COLOR", None)
        return subprocess.run([self.ivmprof, *args], capture_output=True,
                              text=True, env=env, timeout=280)

    def expect(self, cond, what):
        if not cond:
            self.failures.append(what)
        return cond

    def path(self, name):
        return os.path.join(self.tmp, name)

    def baseline(self, name, *extra):
        out = self.path(name)
        r = self.run("baseline", "--out", out, *SMALL, *extra)
        assert r.returncode == 0, "baseline failed: %s%s" % (r.stdout,
                                                             r.stderr)
        return out

    def expect_exit(self, r, code, what):
        return self.expect(r.returncode == code,
                           "%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s" %
                           (what, r.returncode, code, r.stdout, r.stderr))


def rows(stdout):
    """(impl, profile, metric) -> (change, verdict) of a regress report."""
    out = {}
    for line in stdout.splitlines():
        f = line.split()
        if len(f) >= 7 and f[2] in METRICS and \
                f[-1] in ("ok", "regressed", "improved", "unmeasured"):
            out[(f[0], f[1], f[2])] = (f[-2], f[-1])
    return out


# ---- unchanged, slowed, improved ---------------------------------------------

def test_unchanged(c):
    base = c.baseline("base.txt")
    text = open(base).read()
    c.expect(text.startswith("# ivm regression baseline"), "baseline header")
    c.expect(len(re.findall(r"^row ", text, re.M)) == 6,
             "6 rows (3 implementations x 2 profiles):\n" + text)
    r = c.run("regress", "--baseline", base, *GENEROUS)
    c.expect_exit(r, 0, "unchanged build")
    got = rows(r.stdout)
    # Throughput and p99 for the two that are not the relative-to (when
    # boundary is it), memory for all.
    c.expect(len(got) >= 10, "rows of the report:\n" + r.stdout)
    c.expect(all(v == "ok" for _, v in got.values()),
             "every row ok:\n" + r.stdout)
    for impl in ("treap", "summary"):
        for prof in ("standard", "allocator"):
            for m in ("throughput", "p99", "memory"):
                c.expect((impl, prof, m) in got,
                         "a %s row for %s on %s" % (m, impl, prof))
    c.expect("verdict: passed, no regression" in r.stdout, r.stdout)
    c.expect(re.search(r"summary: \d+ rows: \d+ ok, 0 improved, 0 regressed",
                       r.stdout), "summary line:\n" + r.stdout)
    # Memory is exact: no change at all.
    c.expect(all(v[0] == "0.0%" for k, v in got.items() if k[2] == "memory"),
             "memory unchanged:\n" + r.stdout)


def test_slowed(c):
    base = c.baseline("base.txt")
    r = c.run("regress", "--baseline", base, *GENEROUS,
              "--test-slowdown", SLOWDOWN)
    c.expect_exit(r, 1, "slowed summary")
    got = rows(r.stdout)
    for prof in ("standard", "allocator"):
        for m in ("throughput", "p99"):
            c.expect(got.get(("summary", prof, m), ("", ""))[1] == "regressed",
                     "summary %s on %s regressed:\n%s" % (m, prof, r.stdout))
        c.expect(got.get(("summary", prof, "memory"), ("", ""))[1] == "ok",
                 "summary's memory is unchanged by the decorator")
    others = [k for k, v in got.items()
              if v[1] == "regressed" and k[0] != "summary"]
    c.expect(not others, "only summary regressed, not %s" % others)
    c.expect("verdict: FAILED, 4 regressions" in r.stdout, r.stdout)
    c.expect(re.search(r"regressed: summary on standard, throughput "
                       r"[\d.]+x -> [\d.]+x \(-\d+\.\d%, threshold 50%\)",
                       r.stdout), "the regression is listed:\n" + r.stdout)


def inflate(path, factors):
    """Multiplies the row values named in factors."""
    lines = []
    for line in open(path).read().splitlines():
        if line.startswith("row "):
            def scale(m):
                k, v = m.group(1), float(m.group(2))
                return "%s=%.6g" % (k, v * factors.get(k, 1))
            line = re.sub(r"(\w+)=([0-9.e+-]+)", scale, line)
        lines.append(line)
    open(path, "w").write("\n".join(lines) + "\n")


def test_improved(c):
    base = c.baseline("base.txt")
    inflate(base, {"throughput_ratio": 0.25, "p99_ratio": 4,
                   "bytes_per_span": 2})
    r = c.run("regress", "--baseline", base, "--threshold-throughput", "50",
              "--threshold-p99", "50")
    c.expect_exit(r, 0, "inflated baseline")
    got = rows(r.stdout)
    c.expect(got and all(v == "improved" for _, v in got.values()),
             "every row improved:\n" + r.stdout)
    c.expect(re.search(r"\d+ ok, \d+ improved, 0 regressed", r.stdout) and
             "0 ok," in r.stdout, r.stdout)


# ---- corrupt and missing baselines -------------------------------------------

def test_corrupt(c):
    good = open(c.baseline("good.txt")).read()
    lines = good.splitlines(keepends=True)
    first_row = next(i for i, l in enumerate(lines) if l.startswith("row "))
    # (name, content, pieces the message must hold, 1-based)
    row_line = first_row + 1
    cases = [
        ("empty", "", ["empty: not a baseline file"]),
        ("binary", "\x00\x01garbage", ["not a text file"]),
        ("not-a-baseline", "hello world\n",
         [":1: not a baseline file: the first line must be `ivm-baseline 1`"]),
        ("truncated", good[:good.index("\n", good.index("\nrow ") + 1) - 40],
         [":%d:" % row_line, "has no `"]),
        ("header-only", "".join(lines[:first_row]), ["holds no rows"]),
        ("bad-number", good.replace("throughput_ratio=", "throughput_ratio=x",
                                    1),
         [":%d: `throughput_ratio` must be a positive number" % row_line]),
        ("duplicate-row", good + lines[first_row],
         [":%d: a second row for" % (len(lines) + 1)]),
        ("future-version", good.replace("ivm-baseline 1", "ivm-baseline 9"),
         ["baseline format '9' is not supported"]),
        ("no-ops", re.sub(r"(?m)^ops .*\n", "", good),
         [":%d: a row before the `ops` setting" % (row_line - 1)]),
    ]
    for name, content, want in cases:
        path = c.path(name + ".txt")
        with open(path, "w", newline="") as f:
            f.write(content)
        r = c.run("regress", "--baseline", path)
        c.expect_exit(r, 2, "corrupt baseline " + name)
        c.expect(path in r.stderr, "%s: the message names the file: %s" %
                 (name, r.stderr))
        for piece in want:
            c.expect(piece in r.stderr, "%s: %r in %r" % (name, piece,
                                                          r.stderr))
        c.expect(r.stdout == "", "%s: nothing measured or printed" % name)
    missing = c.path("no-such-baseline.txt")
    r = c.run("regress", "--baseline", missing)
    c.expect_exit(r, 2, "missing baseline")
    c.expect(missing + ": No such file or directory" in r.stderr and
             "ivmprof baseline" in r.stderr, r.stderr)


# ---- usage -------------------------------------------------------------------

def test_usage(c):
    base = c.baseline("base.txt")
    cases = [
        (["--threshold-p99", "abc"], "--threshold-p99 takes a percentage"),
        (["--threshold-throughput", "0"], "takes a percentage above 0"),
        (["--mode", "fast"], "--mode is ratio, instructions or callgrind"),
        (["--impl", "nosuch"], "--impl: 'nosuch' has no rows in"),
        (["--profiles", "dense"], "--profiles: 'dense' has no rows in"),
        (["--rounds", "0"], "--rounds must be between 1 and 1000"),
        (["--ops", "100"], "--ops and --seed go with --play-once"),
        (["--test-slowdown", "summary"], "IMPL:REPEATS"),
        (["--test-slowdown", "stdmap:2", "--impl", "treap"],
         "'stdmap' is not among the implementations measured"),
        (["--frobnicate"], "unknown option '--frobnicate'"),
    ]
    for args, want in cases:
        r = c.run("regress", "--baseline", base, *args)
        c.expect_exit(r, 2, "regress %s" % " ".join(args))
        c.expect(want in r.stderr, "%s: %r in %r" % (args, want, r.stderr))
    r = c.run("regress", "--help")
    c.expect(r.returncode == 0 and "--test-slowdown" in r.stdout and
             "For testing the gate only" in r.stdout, "regress --help")
    r = c.run("baseline", "--help")
    c.expect(r.returncode == 0 and "--instructions" in r.stdout,
             "baseline --help")
    for args, want in [(["--relative-to", "nosuch"], "unknown implementation"),
                       (["--profiles", "nosuch"], "nosuch"),
                       (["--instructions", "cycles"], "--instructions is"),
                       (["--impl", "a,,b"], "--impl")]:
        r = c.run("baseline", "--out", c.path("x.txt"), *args)
        c.expect_exit(r, 2, "baseline %s" % " ".join(args))
        c.expect(want in r.stderr, "%s: %r in %r" % (args, want, r.stderr))
        c.expect(not os.path.exists(c.path("x.txt")), "nothing written")


# ---- updating a baseline -----------------------------------------------------

def row_keys(path):
    return sorted(tuple(l.split()[1:3]) for l in open(path)
                  if l.startswith("row "))


def test_update(c):
    path = c.path("base.txt")
    small = [a if a != "standard,allocator" else "standard" for a in SMALL]
    r = c.run("baseline", "--out", path, *small)
    c.expect_exit(r, 0, "first baseline")
    c.expect(len(row_keys(path)) == 3, "3 rows after the first")
    other = [a if a != "standard" else "allocator" for a in small]
    r = c.run("baseline", "--out", path, *other)
    c.expect_exit(r, 0, "update")
    c.expect("6 rows, 3 measured now, 3 kept from before" in r.stdout,
             r.stdout)
    keys = row_keys(path)
    c.expect(len(keys) == 6 and ("treap", "allocator") in keys and
             ("treap", "standard") in keys, "rows of both: %s" % keys)
    before = open(path).read()
    r = c.run("baseline", "--out", path, *other[:-4], "--ops", "3000",
              "--rounds", "5")
    c.expect_exit(r, 2, "differently measured")
    c.expect("measured differently: `ops` is '5000', not '3000'" in r.stderr,
             r.stderr)
    c.expect(open(path).read() == before, "the file is left alone")
    r = c.run("baseline", "--out", path, *other[:-4], "--ops", "3000",
              "--rounds", "5", "--fresh")
    c.expect_exit(r, 0, "--fresh")
    c.expect(len(row_keys(path)) == 3 and "ops 3000" in open(path).read(),
             "replaced")
    with open(path, "a") as f:
        f.write("garbage line\n")
    before = open(path).read()
    r = c.run("baseline", "--out", path, *other)
    c.expect_exit(r, 2, "unreadable existing file")
    c.expect("unknown line 'garbage'" in r.stderr and "--fresh" in r.stderr,
             r.stderr)
    c.expect(open(path).read() == before, "the damaged file is left alone")
    c.expect(not os.path.exists(path + ".tmp"), "no temporary file left")


# ---- instruction counts ------------------------------------------------------

COUNTED = ["--profiles", "standard", "--impl", "boundary,summary",
           "--ops", "2000", "--rounds", "1"]


def test_callgrind(c):
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: skipped")
        return 77
    path = c.path("counted.txt")
    r = c.run("baseline", "--out", path, *COUNTED, "--instructions",
              "callgrind")
    c.expect_exit(r, 0, "baseline --instructions callgrind")
    text = open(path).read()
    c.expect("instructions callgrind" in text and
             text.count("instructions_per_op=") == 2, text)
    r = c.run("regress", "--baseline", path, "--mode", "callgrind")
    c.expect_exit(r, 0, "the same build, counted again")
    got = rows(r.stdout)
    counts = {k: v for k, v in got.items() if k[2] == "instructions"}
    c.expect(len(counts) == 2 and
             all(v == ("0.0%", "ok") for v in counts.values()),
             "exactly the same counts:\n" + r.stdout)
    c.expect("counted by callgrind" in r.stdout, r.stdout)
    r = c.run("regress", "--baseline", path, "--mode", "callgrind",
              "--test-slowdown", "summary:2")
    c.expect_exit(r, 1, "slowed, counted")
    got = rows(r.stdout)
    c.expect(got.get(("summary", "standard", "instructions"),
                     ("", ""))[1] == "regressed", r.stdout)
    c.expect(got.get(("boundary", "standard", "instructions")) ==
             ("0.0%", "ok"), r.stdout)
    # A ratio-only baseline cannot be compared by instructions.
    plain = c.baseline("plain.txt")
    r = c.run("regress", "--baseline", plain, "--mode", "callgrind")
    c.expect_exit(r, 2, "no counts in the baseline")
    c.expect("holds no instruction counts" in r.stderr and
             "--instructions callgrind" in r.stderr, r.stderr)
    return 0


def test_instructions(c):
    path = c.path("perf.txt")
    r = c.run("baseline", "--out", path, *COUNTED, "--instructions", "perf")
    if r.returncode == 0:
        r = c.run("regress", "--baseline", path, "--mode", "instructions",
                  "--threshold-instructions", "5")
        c.expect_exit(r, 0, "the same build, counted again by perf")
        r = c.run("regress", "--baseline", path, "--mode", "instructions",
                  "--test-slowdown", "summary:3")
        c.expect_exit(r, 1, "slowed, counted by perf")
        return 0
    # The kernel refuses: both commands say so and why, and nothing is
    # written or measured.
    c.expect_exit(r, 2, "baseline --instructions perf where perf is refused")
    c.expect("perf_event_open" in r.stderr and
             "perf_event_paranoid" in r.stderr, r.stderr)
    c.expect(not os.path.exists(path), "nothing written")
    plain = c.baseline("plain.txt")
    r = c.run("regress", "--baseline", plain, "--mode", "instructions")
    c.expect_exit(r, 2, "regress --mode instructions where perf is refused")
    c.expect("--mode instructions is unavailable here: perf_event_open" in
             r.stderr, r.stderr)
    if shutil.which("valgrind"):
        c.expect("--mode callgrind" in r.stderr, "offers callgrind: " +
                 r.stderr)
    c.expect(r.stdout == "", "nothing measured")
    return 0


TESTS = {
    "unchanged": test_unchanged,
    "slowed": test_slowed,
    "improved": test_improved,
    "corrupt": test_corrupt,
    "usage": test_usage,
    "update": test_update,
    "callgrind": test_callgrind,
    "instructions": test_instructions,
}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in TESTS:
        print(__doc__, file=sys.stderr)
        return 2
    c = Checker(sys.argv[2])
    try:
        status = TESTS[sys.argv[1]](c) or 0
    finally:
        shutil.rmtree(c.tmp, ignore_errors=True)
    if status == 77:
        return 77
    for f in c.failures:
        print("FAIL:", f)
    print("%s %s" % ("FAIL" if c.failures else "ok", sys.argv[1]))
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
