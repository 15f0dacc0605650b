#!/usr/bin/env python3
"""check.py - ivmprof tested from the outside, the way users run it.

usage: check.py TEST IVMPROF TESTS_DIR

TEST is one of:
  golden    replay --log --dump of every golden trace on every implementation
            gives exactly the .expected output; malformed traces give the
            .error line and exit 1
  trace     trace output is byte-identical for the same seed, different for
            another, and pinned for two (profile, seed) pairs
  agree     a generated trace of every profile replays to identical logs and
            dumps on every implementation
  compare   compare on small runs: console layout and every JSON figure
  scale     scale on tiny sizes: the table and the JSON
  cli       --help everywhere, usage errors exit 2 with a clear message
  profiles  malformed profile files are rejected with FILE:LINE: reason

Standard library only.
"""
import glob
import json
import math
import os
import subprocess
import sys
import tempfile

OP_KINDS = ["release", "reserve", "reserve-covered", "find", "allocate",
            "bestfit", "largest", "stats"]


class Checker:
    def __init__(self, ivmprof, tests_dir):
        self.ivmprof = ivmprof
        self.dir = tests_dir
        self.failures = []

    def run(self, *args, stdin=None, env=None):
        full_env = dict(os.environ)
        full_env.pop("NO_COLOR", None)
        if env:
            full_env.update(env)
        return subprocess.run([self.ivmprof, *args], input=stdin,
                              capture_output=True, text=True, env=full_env,
                              timeout=600)

    def expect(self, cond, what):
        if not cond:
            self.failures.append(what)
        return cond

    def impls(self):
        out = self.run("list", "--impls")
        assert out.returncode == 0, out.stderr
        return out.stdout.split()

    def profiles(self):
        out = self.run("list", "--profiles")
        assert out.returncode == 0, out.stderr
        return out.stdout.split()


def first_difference(got, want):
    g, w = got.splitlines(), want.splitlines()
    for i in range(max(len(g), len(w))):
        a = g[i] if i < len(g) else "<end>"
        b = w[i] if i < len(w) else "<end>"
        if a != b:
            return "line %d: got %r, want %r" % (i + 1, a, b)
    return "identical lines, different bytes"


# ---- golden ----------------------------------------------------------------

def test_golden(c):
    gdir = os.path.join(c.dir, "golden")
    traces = sorted(glob.glob(os.path.join(gdir, "*.trace")))
    c.expect(len(traces) >= 10, "too few golden traces in %s" % gdir)
    impls = c.impls()
    for trace in traces:
        base = trace[:-len(".trace")]
        name = os.path.basename(trace)
        if os.path.exists(base + ".expected"):
            want = open(base + ".expected").read()
            for impl in impls:
                out = c.run("replay", "--impl", impl, "--trace", trace,
                            "--log", "--dump")
                ok = out.returncode == 0 and out.stdout == want
                c.expect(ok, "%s on %s: exit %d, %s %s" % (
                    name, impl, out.returncode,
                    first_difference(out.stdout, want), out.stderr.strip()))
        elif os.path.exists(base + ".error"):
            want = open(base + ".error").read().strip()
            for impl in impls:
                out = c.run("replay", "--impl", impl, "--trace", trace,
                            "--log", "--dump")
                c.expect(out.returncode == 1 and out.stdout == "" and
                         out.stderr.strip().endswith(want),
                         "%s on %s: exit %d, stdout %r, stderr %r, want %r" % (
                             name, impl, out.returncode, out.stdout[:80],
                             out.stderr.strip(), want))
        else:
            c.expect(False, "%s has neither .expected nor .error" % name)
    # Standard input works like a file.
    trace = os.path.join(gdir, "operations.trace")
    out = c.run("replay", "--impl", "reference", "--trace", "-", "--log",
                "--dump", stdin=open(trace).read())
    c.expect(out.returncode == 0 and
             out.stdout == open(os.path.join(gdir, "operations.expected"))
             .read(), "replay --trace - differs from the file")
    # Without --log/--dump: one summary line.
    out = c.run("replay", "--impl", "reference", "--trace", trace)
    c.expect(out.returncode == 0 and out.stdout.startswith(
        "replayed 34 operations on reference: 11 errors; 3 free spans, "
        "total 75"), "replay summary: %r" % out.stdout)


# ---- trace -----------------------------------------------------------------

PINNED = [("standard", "42", "200"), ("allocator", "7", "200")]


def test_trace(c):
    for profile in c.profiles():
        ops = "300"
        a = c.run("trace", "--profile", profile, "--ops", ops, "--seed", "7")
        b = c.run("trace", "--profile", profile, "--ops", ops, "--seed", "7")
        d = c.run("trace", "--profile", profile, "--ops", ops, "--seed", "8")
        c.expect(a.returncode == 0 and a.stdout, "trace %s failed: %s" % (
            profile, a.stderr))
        c.expect(a.stdout == b.stdout, "trace %s differs between runs with "
                 "the same seed" % profile)
        c.expect(a.stdout != d.stdout, "trace %s is the same for seeds 7 "
                 "and 8" % profile)
        lines = [l for l in a.stdout.splitlines() if not l.startswith("#")]
        setup = next(l for l in a.stdout.splitlines()
                     if l.startswith("# operations 1-"))
        nsetup = int(setup.split()[2].split("-")[1])
        c.expect(len(lines) - (1 if lines[0].startswith("domain") else 0) ==
                 nsetup + int(ops), "trace %s: %d lines for %d setup and %s "
                 "measured operations" % (profile, len(lines), nsetup, ops))
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "t.trace")
            o = c.run("trace", "--profile", profile, "--ops", ops, "--seed",
                      "7", "-o", path)
            c.expect(o.returncode == 0 and o.stdout == "" and
                     open(path).read() == a.stdout,
                     "trace %s -o FILE differs from standard output" %
                     profile)
    for profile, seed, ops in PINNED:
        out = c.run("trace", "--profile", profile, "--ops", ops, "--seed",
                    seed)
        path = os.path.join(c.dir, "golden", "%s-seed%s.trace" % (profile,
                                                                   seed))
        want = open(path).read()
        c.expect(out.stdout == want, "trace %s seed %s is not the pinned %s:"
                 " %s" % (profile, seed, path,
                          first_difference(out.stdout, want)))


# ---- agree -----------------------------------------------------------------

# The shipped profiles whose setup is small enough for the O(n) reference in
# a unit test; the large ones are covered by small copies in profiles/.
SLOW_PROFILES = {"large", "stats-heavy", "worst-fit"}


def test_agree(c):
    sources = [p for p in c.profiles() if p not in SLOW_PROFILES]
    sources += sorted(glob.glob(os.path.join(c.dir, "profiles", "*.profile")))
    impls = c.impls()
    with tempfile.TemporaryDirectory() as tmp:
        for source in sources:
            trace = os.path.join(tmp, "t.trace")
            out = c.run("trace", "--profile", source, "--ops", "3000",
                        "--seed", "11", "-o", trace)
            if not c.expect(out.returncode == 0, "trace %s: %s" % (
                    source, out.stderr)):
                continue
            want = None
            for impl in impls:
                out = c.run("replay", "--impl", impl, "--trace", trace,
                            "--log", "--dump")
                c.expect(out.returncode == 0, "replay %s on %s: %s" % (
                    source, impl, out.stderr.strip()))
                if want is None:
                    want, first = out.stdout, impl
                    continue
                c.expect(out.stdout == want, "%s: %s and %s disagree: %s" % (
                    os.path.basename(source), impl, first,
                    first_difference(out.stdout, want)))


# ---- compare ---------------------------------------------------------------

def positive(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and \
        math.isfinite(x) and x > 0


def check_latency(c, where, lat, count):
    c.expect(lat["count"] == count, "%s: count %s, want %s" % (
        where, lat["count"], count))
    order = [lat[k] for k in ("min", "p50", "p95", "p99", "max")]
    c.expect(all(positive(v) for v in order) and order == sorted(order),
             "%s: min <= p50 <= p95 <= p99 <= max fails: %s" % (where, order))
    c.expect(lat["min"] <= lat["mean"] <= lat["max"],
             "%s: mean outside [min, max]" % where)


def check_compare_members(c, d, where, impls, measured, repeat,
                          latency=True):
    ops = d["operations"]
    c.expect(ops["measured"] == measured, "%s: measured %s, want %s" % (
        where, ops["measured"], measured))
    c.expect(sum(ops["by_kind"].values()) == measured,
             "%s: by_kind does not sum to measured" % where)
    c.expect(set(ops["by_kind"]) <= set(OP_KINDS), "%s: unknown kinds" % where)
    ag = d["agreement"]
    c.expect(ag["ok"] is True, "%s: agreement not recorded as ok" % where)
    c.expect(ag["operations_checked"] == measured + ops["setup"],
             "%s: operations_checked" % where)
    c.expect(ag["oracle_failure"] is None, "%s: oracle failure" % where)
    c.expect([i["name"] for i in ag["implementations"]] == impls and
             all(i["agrees"] and i["first_difference"] is None
                 for i in ag["implementations"]),
             "%s: agreement per implementation" % where)
    got = [i["name"] for i in d["implementations"]]
    c.expect(got == impls, "%s: implementations %s, want %s" % (
        where, got, impls))
    timed = [i for i in d["implementations"] if i["timed"]]
    c.expect(timed, "%s: nothing timed" % where)
    fastest = min(timed, key=lambda i: i["throughput"]["median_ms"])
    c.expect(d["fastest"] == fastest["name"], "%s: fastest is %s, not %s" % (
        where, d["fastest"], fastest["name"]))
    slowest = max(i["throughput"]["ns_per_op"] for i in timed)
    c.expect(positive(d["floor_ns_per_op"]) and
             d["floor_ns_per_op"] < slowest,
             "%s: floor %s ns/op, the slowest %s" % (
                 where, d["floor_ns_per_op"], slowest))
    for impl in d["implementations"]:
        w = "%s/%s" % (where, impl["name"])
        mem = impl["memory"]
        c.expect(mem["live_spans"] == ag["final_spans"],
                 "%s: live spans %s != final spans %s" % (
                     w, mem["live_spans"], ag["final_spans"]))
        c.expect(positive(mem["live_bytes"]) and
                 mem["peak_bytes"] >= mem["live_bytes"] and
                 positive(mem["allocations"]), "%s: memory %s" % (w, mem))
        if mem["live_spans"]:
            c.expect(abs(mem["bytes_per_span"] - mem["live_bytes"] /
                         mem["live_spans"]) < 1e-6 * mem["bytes_per_span"],
                     "%s: bytes_per_span" % w)
        if not impl["timed"]:
            c.expect(impl["throughput"] is None and
                     impl["latency_ns"] is None and d["note"],
                     "%s: untimed without a note" % w)
            continue
        t = impl["throughput"]
        c.expect(len(t["passes_ms"]) == repeat and
                 all(positive(p) for p in t["passes_ms"]),
                 "%s: passes %s" % (w, t["passes_ms"]))
        c.expect(t["min_ms"] <= t["median_ms"] <= t["max_ms"] and
                 t["min_ms"] == min(t["passes_ms"]) and
                 t["max_ms"] == max(t["passes_ms"]), "%s: spread" % w)
        cpu = t["cpu_passes_ms"]
        c.expect(len(cpu) == repeat and all(positive(p) for p in cpu) and
                 t["cpu_min_ms"] <= t["cpu_median_ms"] <= t["cpu_max_ms"] and
                 t["cpu_min_ms"] == min(cpu) and t["cpu_max_ms"] == max(cpu),
                 "%s: cpu passes %s" % (w, cpu))
        c.expect(abs(t["ns_per_op"] * measured / 1e6 - t["median_ms"]) <
                 1e-6 * t["median_ms"], "%s: ns_per_op" % w)
        c.expect(abs(t["ops_per_sec"] * t["ns_per_op"] / 1e9 - 1) < 1e-8,
                 "%s: ops_per_sec" % w)
        c.expect(t["relative"] >= 1.0 and
                 abs(t["relative"] - t["median_ms"] /
                     fastest["throughput"]["median_ms"]) < 1e-6,
                 "%s: relative %s" % (w, t["relative"]))
        if latency:
            check_latency(c, w + " latency", impl["latency_ns"], measured)
            by = impl["latency_by_operation_ns"]
            c.expect(set(by) == set(ops["by_kind"]), "%s: kinds" % w)
            for kind, lat in by.items():
                check_latency(c, "%s %s" % (w, kind), lat,
                              ops["by_kind"][kind])


def check_meta(c, d, command):
    c.expect(d["command"] == command, "command %r" % d["command"])
    env = d["environment"]
    for key in ("compiler", "flags", "cpu", "os", "date"):
        c.expect(isinstance(env.get(key), str) and env[key],
                 "environment.%s missing" % key)
    c.expect(env["commit"] is None or len(env["commit"]) == 40,
             "environment.commit %r" % env["commit"])
    c.expect(positive(env["cpus"]), "environment.cpus")
    timer = d["timer"]
    c.expect(timer["source"] in ("tsc", "clock_gettime(CLOCK_MONOTONIC)") and
             positive(timer["ns_per_tick"]) and
             positive(timer["overhead_ns"]), "timer %s" % timer)
    c.expect(d["warmup"] >= 0 and d["repeat"] >= 1, "warmup/repeat")


def compare_json(c, args, tmp):
    path = os.path.join(tmp, "c.json")
    out = c.run("compare", *args, "--json", path)
    c.expect(out.returncode == 0, "compare %s: exit %d: %s" % (
        " ".join(args), out.returncode, out.stderr))
    c.expect("\033" not in out.stdout, "escape codes in piped output")
    for section in ("agreement: ok", "Throughput", "Latency per operation",
                    "Latency by operation", "Memory", "1.00x"):
        c.expect(section in out.stdout, "compare %s: no %r in the output" % (
            " ".join(args), section))
    return json.load(open(path)), out.stdout


def test_compare(c):
    impls = c.impls()
    with tempfile.TemporaryDirectory() as tmp:
        d, text = compare_json(c, ["--profile", "standard", "--ops", "3000",
                                   "--repeat", "2", "--warmup", "1"], tmp)
        check_meta(c, d, "compare")
        c.expect(d["workload"] == {"profile": "standard", "seed": 42,
                                   "domain": None}, "workload %s" %
                 d["workload"])
        c.expect(d["repeat"] == 2 and d["warmup"] == 1, "repeat/warmup")
        check_compare_members(c, d, "standard", impls, 3000, 2)
        for impl in impls:
            c.expect(impl in text, "%s missing from the table" % impl)

        trace = os.path.join(c.dir, "golden", "domain.trace")
        pair = [impls[0], impls[-1]]
        d, _ = compare_json(c, ["--trace", trace, "--impl", ",".join(pair),
                                "--repeat", "1", "--seed", "5"], tmp)
        c.expect(d["workload"] == {"trace": trace, "seed": None,
                                   "domain": [0, 1000]},
                 "trace workload %s" % d["workload"])
        check_compare_members(c, d, "domain.trace", pair, 16, 1)

        d, _ = compare_json(c, ["--profile", "allocator", "--ops", "2000",
                                "--repeat", "1", "--warmup", "0"], tmp)
        c.expect(d["workload"]["domain"] == [0, 1048576], "allocator domain")
        check_compare_members(c, d, "allocator", impls, 2000, 1)
        c.expect(d["operations"]["by_kind"].keys() >=
                 {"allocate", "release", "reserve-covered", "find", "stats"},
                 "allocator kinds %s" % d["operations"]["by_kind"])

        # --oracle chooses whose results are the truth.
        d, text = compare_json(c, ["--ops", "1000", "--repeat", "1",
                                   "--impl", "reference," + impls[-1],
                                   "--oracle", impls[-1]], tmp)
        c.expect(d["agreement"]["oracle"] == impls[-1], "--oracle ignored")


# ---- scale -----------------------------------------------------------------

def test_scale(c):
    impls = c.impls()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "s.json")
        out = c.run("scale", "--sizes", "500,1000,2000", "--repeat", "2",
                    "--warmup", "0", "--reference-max-ops", "1000", "--json",
                    path)
        c.expect(out.returncode == 0, "scale: exit %d: %s" % (
            out.returncode, out.stderr))
        c.expect("vs n log n" in out.stdout and "\033" not in out.stdout,
                 "scale table: %s" % out.stdout[-400:])
        d = json.load(open(path))
        check_meta(c, d, "scale")
        c.expect(d["agreed"] is True and d["reference_max_ops"] == 1000,
                 "scale agreement")
        sizes = d["sizes"]
        c.expect([s["ops"] for s in sizes] == [500, 1000, 2000], "sizes")
        c.expect([s["universe"] for s in sizes] == [50000, 100000, 200000],
                 "universe %s" % [s["universe"] for s in sizes])
        spans = [s["live_spans"] for s in sizes]
        c.expect(spans == sorted(spans) and spans[0] < spans[-1],
                 "live spans do not grow: %s" % spans)
        for i, s in enumerate(sizes):
            where = "scale %d" % s["ops"]
            names = impls if s["ops"] <= 1000 else \
                [n for n in impls if n != "reference"]
            check_compare_members(c, s, where, names, s["ops"], 2,
                                  latency=False)
            c.expect(s["agreement"]["oracle"] ==
                     ("reference" if s["ops"] <= 1000 else names[0]),
                     "%s: oracle %s" % (where, s["agreement"]["oracle"]))
            eff = s["nlogn_efficiency"]
            c.expect(set(eff) == set(names), "%s: efficiency keys" % where)
            for name, e in eff.items():
                c.expect(positive(e), "%s: efficiency %s=%s" % (where, name,
                                                                 e))
                if i == 0:
                    c.expect(e == 1.0, "%s: first efficiency %s" % (where, e))


# ---- cli -------------------------------------------------------------------

USAGE_ERRORS = [
    (["bogus"], "unknown command 'bogus'"),
    (["compare", "--bogus"], "unknown option '--bogus'"),
    (["compare", "--ops", "abc"], "--ops takes a count"),
    (["compare", "--ops", "0"], "--ops must be between"),
    (["compare", "--repeat"], "--repeat needs a value"),
    (["compare", "--impl", "nope"], "unknown implementation 'nope'"),
    (["compare", "--impl", "reference,reference"], "listed twice"),
    (["compare", "--impl", "reference,"], "comma-separated"),
    (["compare", "--oracle", "nope"], "unknown implementation 'nope'"),
    (["compare", "--profile", "nope"], "no profile 'nope'"),
    (["compare", "--trace", "x", "--profile", "standard"], "takes no"),
    (["trace", "--ops", "10"], "--profile is required"),
    (["trace", "--profile", "standard"], "--ops is required"),
    (["trace", "--profile", "standard", "--ops", "1", "stray"],
     "unexpected argument 'stray'"),
    (["replay", "--trace", "x"], "--impl is required"),
    (["replay", "--impl", "reference"], "--trace is required"),
    (["replay", "--impl", "nope", "--trace", "x"], "unknown implementation"),
    (["scale", "--sizes", "1000,500"], "--sizes must ascend"),
    (["scale", "--sizes", "100", "--max-ops", "1000"], "exclude each other"),
    (["scale", "--max-ops", "1"], "--max-ops must be between"),
    (["list", "--impls", "--profiles"], "exclude each other"),
]


def test_cli(c):
    out = c.run()
    c.expect(out.returncode == 2 and "usage: ivmprof" in out.stderr,
             "no arguments: exit %d" % out.returncode)
    out = c.run("--help")
    c.expect(out.returncode == 0 and "compare" in out.stdout, "--help")
    for cmd in ("list", "trace", "replay", "compare", "scale"):
        out = c.run(cmd, "--help")
        c.expect(out.returncode == 0 and out.stderr == "" and
                 out.stdout.startswith("usage: ivmprof " + cmd),
                 "%s --help: exit %d %r" % (cmd, out.returncode,
                                            out.stdout[:60]))
    for args, message in USAGE_ERRORS:
        out = c.run(*args)
        c.expect(out.returncode == 2 and message in out.stderr and
                 out.stdout == "", "%s: exit %d, stderr %r, want %r" % (
                     " ".join(args), out.returncode, out.stderr.strip(),
                     message))
    out = c.run("replay", "--impl", "reference", "--trace", "/nonexistent")
    c.expect(out.returncode == 1 and "No such file" in out.stderr,
             "missing trace: exit %d %r" % (out.returncode, out.stderr))
    out = c.run("list")
    c.expect(out.returncode == 0 and "standard" in out.stdout and
             all(i in out.stdout for i in c.impls()), "list")


# ---- profiles ---------------------------------------------------------------

def test_profiles(c):
    bad = sorted(glob.glob(os.path.join(c.dir, "bad-profiles", "*.profile")))
    c.expect(len(bad) >= 8, "too few bad profiles")
    for path in bad:
        want = open(path).readline().split("expect:", 1)[1].strip()
        out = c.run("trace", "--profile", path, "--ops", "1")
        c.expect(out.returncode == 2 and out.stdout == "" and
                 want in out.stderr, "%s: exit %d, stderr %r, want %r" % (
                     os.path.basename(path), out.returncode,
                     out.stderr.strip(), want))
    out = c.run("list", env={"IVM_PROFILES": os.path.join(c.dir,
                                                          "bad-profiles")})
    c.expect(out.returncode == 1 and out.stdout.count("INVALID") == len(bad),
             "list of bad profiles: exit %d" % out.returncode)
    out = c.run("list", "--profiles", env={"IVM_PROFILES": os.path.join(
        c.dir, "profiles")})
    c.expect(out.stdout.split() == ["small-large", "small-worst-fit"],
             "IVM_PROFILES: %r" % out.stdout)


TESTS = {"golden": test_golden, "trace": test_trace, "agree": test_agree,
         "compare": test_compare, "scale": test_scale, "cli": test_cli,
         "profiles": test_profiles}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in TESTS:
        print(__doc__, file=sys.stderr)
        return 2
    c = Checker(sys.argv[2], sys.argv[3])
    TESTS[sys.argv[1]](c)
    for f in c.failures:
        print("FAIL:", f)
    print("%s: %s" % (sys.argv[1], "ok" if not c.failures else
                      "%d failures" % len(c.failures)))
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
