#!/usr/bin/env python3
"""check_gbench.py - reads the Google Benchmark JSON of ivm-gbench and of
the shim's own check, verifies it, and summarises the complexity fits.

  check_gbench.py run GBENCH LISTER WORKDIR
      runs GBENCH on 2^10 and 2^12 spans with a tiny minimum time and checks
      that every implementation LISTER prints has every operation with
      positive timings and a complexity fit (the _BigO and _RMS rows);
  check_gbench.py shim PROGRAM WORKDIR
      runs the shim check PROGRAM and checks its report against the
      behaviour gbench.h promises;
  check_gbench.py summary JSON
      prints, per implementation and operation, the fitted complexity and
      the CPU time per operation at the smallest and largest span count;
      exits 1 if any benchmark failed.

Exit status 0 when every check holds, 1 otherwise (each failure printed).
"""
import json
import os
import re
import subprocess
import sys

OPERATIONS = ["release", "reserve", "find", "find_cold", "allocate", "best_fit",
              "largest", "stats"]
TEST_SPANS = [1024, 4096]
NS_PER = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


class Checker:
    def __init__(self):
        self.failures = []

    def expect(self, ok, what):
        if not ok:
            self.failures.append(what)
        return ok

    def finish(self, name):
        for f in self.failures:
            print(f"FAIL: {f}")
        print(f"{name}: {len(self.failures)} failure(s)")
        return 1 if self.failures else 0


def run_json(argv, out):
    """Runs a Google Benchmark program writing JSON to out; returns the
    exit status and the parsed report (None when there is none)."""
    os.makedirs(os.path.dirname(out), exist_ok=True)
    if os.path.exists(out):
        os.remove(out)
    cmd = argv + [f"--benchmark_out={out}", "--benchmark_out_format=json",
                  "--benchmark_color=false"]
    print("$", " ".join(cmd), flush=True)
    status = subprocess.run(cmd).returncode
    if not os.path.exists(out):
        return status, None
    with open(out, encoding="utf-8") as f:
        return status, json.load(f)


def family_of(name):
    """The family of a row: "treap/find" for treap/find/1024 and
    treap/find_BigO alike."""
    for suffix in ("_BigO", "_RMS"):
        if name.endswith(suffix):
            return name[:-len(suffix)]
    return name.rpartition("/")[0]


def rows_by_name(report):
    """Rows by name, without the /iterations:N and /min_time:T parts that
    Google Benchmark appends for per-benchmark settings."""
    return {re.sub(r"/(iterations|min_time):[0-9.]+", "", b["name"]): b
            for b in report.get("benchmarks", [])}


def ns(row, key):
    return row[key] * NS_PER[row.get("time_unit", "ns")]


def check_timed(c, rows, name):
    """A successful iteration row with positive timings."""
    row = rows.get(name)
    if not c.expect(row is not None, f"{name}: missing"):
        return None
    if not c.expect(not row.get("error_occurred"),
                    f"{name}: failed: {row.get('error_message')}"):
        return None
    c.expect(row.get("run_type") == "iteration", f"{name}: not a run row")
    c.expect(row.get("iterations", 0) > 0, f"{name}: no iterations")
    c.expect(row.get("real_time", 0) > 0 and row.get("cpu_time", 0) > 0,
             f"{name}: timings not positive")
    return row


def check_fit(c, rows, family):
    big_o = rows.get(family + "_BigO")
    rms = rows.get(family + "_RMS")
    if c.expect(big_o is not None, f"{family}_BigO: missing"):
        c.expect(big_o.get("aggregate_name") == "BigO" and
                 bool(big_o.get("big_o")) and
                 big_o.get("cpu_coefficient", 0) > 0,
                 f"{family}_BigO: no fitted complexity: {big_o}")
    if c.expect(rms is not None, f"{family}_RMS: missing"):
        c.expect(rms.get("aggregate_name") == "RMS" and rms.get("rms", -1) >= 0,
                 f"{family}_RMS: no RMS: {rms}")


def cmd_run(gbench, lister, workdir):
    c = Checker()
    impls = subprocess.run([lister], check=True, capture_output=True,
                           text=True).stdout.split()
    c.expect(len(impls) > 0, "the lister printed no implementation")
    sizes = "|".join(str(n) for n in TEST_SPANS)
    ops = "|".join(OPERATIONS)
    status, report = run_json(
        [gbench, f"--benchmark_filter=^[^/]+/({ops})/({sizes})$",
         "--benchmark_min_time=0.002"], os.path.join(workdir, "gbench.json"))
    c.expect(status == 0, f"ivm-gbench exited with {status}")
    if not c.expect(report is not None, "no JSON report"):
        return c.finish("gbench")
    rows = rows_by_name(report)
    c.expect(report["context"].get("ivm_seed") == "42",
             "the context lacks ivm_seed = 42")
    for impl in impls:
        for op in OPERATIONS:
            family = f"{impl}/{op}"
            for n in TEST_SPANS:
                row = check_timed(c, rows, f"{family}/{n}")
                if row:
                    c.expect(row.get("items_per_second", 0) > 0,
                             f"{family}/{n}: no items_per_second")
                    c.expect(row.get("bytes_per_span", 0) > 0,
                             f"{family}/{n}: no bytes_per_span")
                    c.expect(bool(row.get("label")), f"{family}/{n}: no label")
            check_fit(c, rows, family)
    known = {f"{i}/{op}" for i in impls for op in OPERATIONS}
    for name in rows:
        c.expect(family_of(name) in known, f"{name}: not an implementation "
                 "and operation the lister knows")
    return c.finish("gbench")


def cmd_shim(program, workdir):
    c = Checker()
    status, report = run_json([program], os.path.join(workdir, "shim.json"))
    c.expect(status == 0, f"{program} exited with {status} (its own checks)")
    if not c.expect(report is not None, "no JSON report"):
        return c.finish("gbench_shim")
    rows = rows_by_name(report)
    c.expect(report["context"].get("shim_key") == "shim value",
             "context key shim_key missing or changed by the refused call")
    row = check_timed(c, rows, "shim/batches")
    if row:
        c.expect(row["iterations"] == 1000, "shim/batches: 1000 iterations")
        c.expect(row.get("label") == "batched", "shim/batches: label")
        c.expect(row.get("per_iteration") == 1.0,
                 "shim/batches: an IVM_GB_AVG_ITERATIONS counter of 1000 "
                 "over 1000 iterations is 1")
        c.expect(row.get("inverted") == 0.25, "shim/batches: 1/4 inverted")
        c.expect(row.get("batches", 0) >= 1000 / 64,
                 "shim/batches: batches of at most 64")
        c.expect(row.get("kibi") == 2048, "shim/batches: kibi counter")
        c.expect(row.get("items_per_second", 0) > 0 and
                 row.get("bytes_per_second", 0) > 0,
                 "shim/batches: items and bytes per second")
    check_timed(c, rows, "shim/after_end")
    check_timed(c, rows, "shim/config")
    errors = {
        "shim/early_return": "returned before ivm_gb_keep_running_batch",
        "shim/pause_twice": "ivm_gb_pause_timing outside the loop or while "
                            "paused",
        "shim/resume_running": "ivm_gb_resume_timing while timing is not "
                               "paused",
        "shim/loop_paused": "ivm_gb_keep_running_batch while timing is "
                            "paused",
        "shim/skip": "deliberate",
    }
    for name, message in errors.items():
        row = rows.get(name)
        if c.expect(row is not None, f"{name}: missing"):
            c.expect(row.get("error_occurred") is True and
                     message in row.get("error_message", ""),
                     f"{name}: want an error containing '{message}', got "
                     f"{row.get('error_message')!r}")
    for n in range(1, 5):
        check_timed(c, rows, f"shim/linear/{n}")
    check_fit(c, rows, "shim/linear")
    big_o = rows.get("shim/linear_BigO", {})
    c.expect(big_o.get("big_o") == "N", "shim/linear: fitted as O(N) on "
             "request")
    return c.finish("gbench_shim")


def cmd_summary(path):
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    failed = [b for b in report["benchmarks"] if b.get("error_occurred")]
    for b in failed:
        print(f"FAILED {b['name']}: {b.get('error_message')}")
    # Families with a fit, in report order, and their runs by span count.
    fits, runs = {}, {}
    for b in report["benchmarks"]:
        family, n = family_of(b["name"]), b["name"].rpartition("/")[2]
        if b.get("aggregate_name") == "BigO":
            fits.setdefault(family, {})["big_o"] = b["big_o"]
        elif b.get("aggregate_name") == "RMS":
            fits.setdefault(family, {})["rms"] = b["rms"]
        elif b.get("run_type") == "iteration" and n.isdigit() and \
                not b.get("error_occurred"):
            runs.setdefault(family, {})[int(n)] = ns(b, "cpu_time")
    print("\nComplexity fits (Google Benchmark, CPU time; N = live spans)")
    print(f"{'implementation':<18} {'operation':<10} {'fit':>6} {'rms':>5} "
          f"{'ns/op at min N':>16} {'ns/op at max N':>20}")
    for family, fit in fits.items():
        impl, _, op = family.rpartition("/")
        sizes = runs.get(family, {})
        if not sizes:
            continue
        lo, hi = min(sizes), max(sizes)
        print(f"{impl:<18} {op:<10} {fit.get('big_o', '?'):>6} "
              f"{fit.get('rms', 0) * 100:>4.0f}% "
              f"{sizes[lo]:>9.1f} (2^{lo.bit_length() - 1:<2}) "
              f"{sizes[hi]:>13.1f} (2^{hi.bit_length() - 1:<2})")
    return 1 if failed else 0


def main(argv):
    if len(argv) == 5 and argv[1] == "run":
        return cmd_run(argv[2], argv[3], argv[4])
    if len(argv) == 4 and argv[1] == "shim":
        return cmd_shim(argv[2], argv[3])
    if len(argv) == 3 and argv[1] == "summary":
        return cmd_summary(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
