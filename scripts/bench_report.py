#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the bench report (report.md, plot.png, figures.json) from what
scripts/bench.sh gathered: the bench boots' consoles, the built objects'
symbols and disassembly, and the workbench's recorded run times.
"""
import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
from typing import Dict, List, Optional

EXITS = {"rust": "kvmppc_handle_mce_exit_rust", "c": "kvmppc_handle_mce_exit"}
DISPATCH = "kvmppc_handle_exit_hv"
# Functions of kvm-hv that exist only for the Rust exit (its out-of-line MSR
# accessors): part of its layer, although C and global.
RUST_GLUE = ("kvmppc_mce_exit_hv_msr", "kvmppc_mce_exit_guest_msr")
BUILDS = {"rust": "bench-rust", "c": "bench-c"}
CALIBRATION = re.compile(r"wb-bench: calibration: empty (\d+), loop (\d+) \(2002 expected\), "
                         r"calls (\d+) \(602 expected\)")
COUNTED = re.compile(r"wb-bench: (\d+) exits counted, (\d+) recorded")


def stats(values: List[float]) -> Dict[str, float]:
    v = sorted(values)
    if not v:
        return {"n": 0}

    def pct(p: float) -> float:
        return v[min(len(v) - 1, int(round(p * (len(v) - 1))))]
    return {"n": len(v), "median": statistics.median(v), "p10": pct(0.10), "p90": pct(0.90),
            "min": v[0], "max": v[-1], "mean": statistics.fmean(v)}


def bench_lines(log: str) -> List[str]:
    out = []
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            i = line.find("wb-bench: ")
            if i >= 0:
                out.append(line[i:].strip())
    return out


def read_rtt(log: str, events: int) -> Dict:
    """The round trips mce_bench timed on an uninstrumented kernel."""
    rtt: List[int] = []
    if not os.path.exists(log):
        sys.exit(f"{log}: missing (did every bench boot run?)")
    for line in bench_lines(log):
        if line.startswith("wb-bench: rtt_ns"):
            rtt += [int(x) for x in line.split()[2:]]
    if len(rtt) != events:
        sys.exit(f"{log}: {len(rtt)} round trips, {events} expected")
    return {"rtt_us": stats([r / 1000 for r in rtt]), "raw_rtt_us": [r / 1000 for r in rtt]}


def read_counts(log: str, events: int) -> Dict:
    """The instructions the instrumented kernel counted per exit, less the
    calibration's empty region, each marked whether the exit printed."""
    raw: List[str] = []
    cal = counted = None
    for line in bench_lines(log):
        if line.startswith("wb-bench: insns"):
            raw += line.split()[2:]
        elif CALIBRATION.match(line):
            m = CALIBRATION.match(line)
            cal = {"empty": int(m.group(1)), "loop": int(m.group(2)), "calls": int(m.group(3))}
        elif COUNTED.match(line):
            m = COUNTED.match(line)
            counted = (int(m.group(1)), int(m.group(2)))
    if cal is None or counted is None:
        sys.exit(f"{log}: no calibration or no count summary (not an instrumented kernel?)")
    # The counts were cleared after the VMM's warm-up: exactly its events.
    if counted != (events, events) or len(raw) != events:
        sys.exit(f"{log}: {counted[0]} exits counted, {counted[1]} recorded, {len(raw)} read; "
                 f"{events} expected")
    net = [int(x.rstrip("p")) - cal["empty"] for x in raw]
    printing = [int(x.rstrip("p")) - cal["empty"] for x in raw if x.endswith("p")]
    quiet = [int(x) - cal["empty"] for x in raw if not x.endswith("p")]
    return {"insns": stats(net), "insns_quiet": stats(quiet), "insns_printing": stats(printing),
            "calibration": cal, "raw_insns": net}


def symbols(path: str, local: bool = False) -> Dict[str, int]:
    """Function sizes from llvm-nm -S; with LOCAL, static functions only."""
    sizes = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) == 4 and p[2] in ("t" if local else "tTwW"):
                sizes[p[3]] = int(p[1], 16)
    return sizes


def calls_in(disasm: str, sym: str) -> List[str]:
    """The call targets of SYM in llvm-objdump -dr output."""
    out: List[str] = []
    block = re.search(r"^[0-9a-f]+ <" + re.escape(sym) + r">:\n(.*?)(?:\n\n|\Z)", disasm, re.S | re.M)
    if not block:
        return out
    for line in block.group(1).splitlines():
        m = re.search(r"R_PPC64_REL24\s+(\S+?)(?:\+0x[0-9a-f]+)?$", line)
        if not m:
            m = re.search(r"\bbl\s+0x[0-9a-f]+ <([^+>]+)(?:\+0x[0-9a-f]+)?>", line)
        if m and m.group(1) not in out and m.group(1) != sym:
            out.append(m.group(1))
    return out


def demangle(names: List[str]) -> Dict[str, str]:
    if not names:
        return {}
    p = subprocess.run(["llvm-cxxfilt"], input="\n".join(names), capture_output=True, text=True)
    out = p.stdout.splitlines() if p.returncode == 0 else names
    return {n: re.sub(r"::h[0-9a-f]{16}$", "", d) for n, d in zip(names, out)}


def dispatch_calls(dir_: str, kind: str) -> List[str]:
    """What kvmppc_handle_exit_hv() of the kind's kernel calls."""
    with open(os.path.join(dir_, f"objdump-{BUILDS[kind]}-kvm-hv.txt"), encoding="utf-8") as f:
        return calls_in(f.read(), DISPATCH)


def code_size(dir_: str, build_dir: str, kind: str, other_dispatch: List[str]) -> Dict:
    """The exit's bytes, and the bytes of what it calls: the layer it needs
    of its own (static functions of kvm-hv, kernel-crate Rust functions
    and Rust helpers, followed into what they call) is added; the C
    kernel API both exits use, and Rust's core and alloc (panics,
    formatting), are listed, not added; so are calls to local code named
    by a section (".text..."), whose size nm cannot give. The dispatch in
    kvm-hv's kvmppc_handle_exit_hv() is given on its own: its size
    differs between the two kernels only by how each calls its exit.
    The compiler may inline the exit into kvmppc_handle_mce() (the C exit
    is static with one caller in a kernel without KUnit), and that into
    the dispatch: the path total, dispatch plus each of them that is out
    of line plus the layer, compares the two kernels either way. Inlined
    into the dispatch, the exit's calls are those of the dispatch that the
    other kernel's (OTHER_DISPATCH) does not make."""
    b = BUILDS[kind]
    ko = symbols(os.path.join(dir_, f"nm-{b}-kvm-hv.ko.txt"))
    ko_local = symbols(os.path.join(dir_, f"nm-{b}-kvm-hv.ko.txt"), local=True)
    kvm = symbols(os.path.join(dir_, f"nm-{b}-kvm.ko.txt"))
    vml = symbols(os.path.join(dir_, f"nm-{b}-vmlinux.txt"))
    with open(os.path.join(dir_, f"objdump-{b}-kvm-hv.txt"), encoding="utf-8") as f:
        ko_dis = f.read()
    sym = EXITS[kind]
    if DISPATCH not in ko:
        sys.exit(f"{DISPATCH} is not in kvm-hv.ko's symbols ({b}); the dispatch cannot be sized")
    own = ko.get(sym)
    handle = ko.get("kvmppc_handle_mce")
    # The layer is followed from the innermost out-of-line function that
    # holds the exit; from all of the dispatch, it would take in kvm-hv.
    start = sym if own is not None else "kvmppc_handle_mce" if handle is not None else None
    layer: Dict[str, int] = {}
    api: Dict[str, Optional[int]] = {}
    if start:
        todo = calls_in(ko_dis, start)
    else:
        todo = [c for c in calls_in(ko_dis, DISPATCH) if c not in other_dispatch]
    vml_dis_cache: Dict[str, str] = {}
    while todo:
        c = todo.pop(0)
        if c in layer or c in api:
            continue
        if c.startswith("."):
            api[c] = None
        elif c.startswith("_R") and re.match(r"(core|alloc)::", demangle([c]).get(c, "")):
            api[c] = ko.get(c) or vml.get(c)
        elif c.startswith("_R") or c.startswith("rust_helper_") or c in ko_local or c in RUST_GLUE:
            layer[c] = ko.get(c) or vml.get(c) or 0
            if c in vml and c not in ko:
                if c not in vml_dis_cache:
                    p = subprocess.run(["llvm-objdump", "-d", "--no-show-raw-insn",
                                        f"--disassemble-symbols={c}",
                                        os.path.join(build_dir, "vmlinux")],
                                       capture_output=True, text=True, check=False)
                    if p.returncode != 0:
                        sys.exit(f"llvm-objdump --disassemble-symbols={c} failed: {p.stderr.strip()}")
                    vml_dis_cache[c] = p.stdout
                todo += calls_in(vml_dis_cache[c], c)
            else:
                todo += calls_in(ko_dis, c)
        else:
            api[c] = ko.get(c) or kvm.get(c) or vml.get(c)
    names = demangle(list(layer) + list(api))
    inlined = ("" if own is not None else
               "inlined into kvmppc_handle_mce()" if handle is not None else
               f"inlined into {DISPATCH}() with kvmppc_handle_mce(); its calls are those "
               "only this kernel's dispatch makes")
    return {"symbol": sym, "bytes": own, "inlined": inlined,
            "layer_bytes": sum(layer.values()),
            "total_bytes": (own or 0) + sum(layer.values()),
            "path_bytes": ko[DISPATCH] + (handle or 0) + (own or 0) + sum(layer.values()),
            "layer": {names.get(k, k): v for k, v in layer.items()},
            "c_api": {names.get(k, k): v for k, v in api.items()},
            "dispatch_bytes": ko[DISPATCH], "handle_mce_bytes": handle}


def runs(path: str) -> Dict[str, Dict]:
    """The newest recorded time of each command, cold and warm, of the runs
    that passed and were not forced (a line without those columns is an
    older run's, taken as it is)."""
    out: Dict[str, Dict] = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 6:
                continue
            run_id, cmd, cold, secs, clone, summary = p[:6]
            if len(p) >= 8 and (p[6] != "0" or p[7] != "0"):
                continue
            if len(p) < 8 and not re.match(r"\d+ passed, 0 failed", summary):
                continue
            key = cmd if cold == "-" else f"{cmd} ({'cold' if cold == 'yes' else 'warm'})"
            out[key] = {"run": run_id, "seconds": int(secs), "clone": clone, "result": summary}
    return out


def mmss(s: Optional[float]) -> str:
    if s is None:
        return "-"
    s = int(round(s))
    return f"{s // 60} min {s % 60} s"


MIN_PAIRS = 6


def sign_test_interval(d: List[float]) -> Dict:
    """The distribution-free interval of the median of D (a sign test): from
    the k-th smallest to the k-th largest value, with the largest k whose
    coverage, 1 - 2 P(Bin(n, 1/2) < k), is at least 95 %."""
    n = len(d)
    s = sorted(d)
    below = 0.0  # P(Bin(n, 1/2) <= k - 1)
    best = None
    for k in range(1, n // 2 + 1):
        below += math.comb(n, k - 1) / 2 ** n
        if 1 - 2 * below < 0.95:
            break
        best = (k, 1 - 2 * below)
    if best is None:
        sys.exit(f"{n} boot pairs cannot give a 95 % interval; {MIN_PAIRS} or more are needed")
    k, coverage = best
    return {"low": s[k - 1], "high": s[n - k], "coverage": coverage}


def pairs_verdict(rust: List[float], c: List[float], orders: List[str]) -> Dict:
    """Rust against C from the per-boot medians of boot pairs: RUST[i] and
    C[i] were booted next to each other, in the order ORDERS[i] ("rust c" or
    "c rust"). The difference is resolved when the sign-test interval of the
    median pair difference does not hold 0."""
    assert len(rust) == len(c) == len(orders) >= MIN_PAIRS
    d = [r - x for r, x in zip(rust, c)]
    ci = sign_test_interval(d)
    if ci["low"] > 0:
        verdict = "longer on the Rust kernel"
    elif ci["high"] < 0:
        verdict = "shorter on the Rust kernel"
    else:
        verdict = "not resolved"
    rust_first = [x for x, o in zip(d, orders) if o.startswith("rust")]
    c_first = [x for x, o in zip(d, orders) if o.startswith("c")]
    return {"verdict": verdict, "pairs": len(d), "orders": orders, "diffs": d,
            "median_diff": statistics.median(d), "low": ci["low"], "high": ci["high"],
            "coverage": ci["coverage"],
            "diff_spread": max(d) - min(d),
            # What booting second adds, if anything: half the gap between the
            # pairs that booted C first and those that booted Rust first.
            "order_effect": (statistics.fmean(c_first) - statistics.fmean(rust_first)) / 2}


def interval_agrees(cur: Dict, prev: Dict) -> str:
    """Two runs agree when their intervals of Rust minus C overlap."""
    if not prev or "low" not in prev:
        return "no previous run with boot pairs"
    span = (f" (previous: {prev['median_diff']:+.1f} us, interval {prev['low']:+.1f}.."
            f"{prev['high']:+.1f}, {prev['verdict']})")
    if cur["verdict"] == prev["verdict"] == "not resolved":
        what = "both unresolved, " + ("intervals overlap" if cur["low"] <= prev["high"] and
                                      prev["low"] <= cur["high"] else "intervals DO NOT overlap")
    elif cur["low"] <= prev["high"] and prev["low"] <= cur["high"]:
        what = "agrees (intervals overlap)"
    else:
        what = "DIFFERS (intervals do not overlap)"
    return what + span


def plot(fig_path: str, data: Dict, sizes: Dict) -> None:
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    fig, ax = plt.subplots(1, 3, figsize=(15, 4.5))
    kinds = ["rust", "c"]
    labels = ["Rust exit", "C exit"]
    ax[0].boxplot([data[k]["raw_insns"] for k in kinds], tick_labels=labels, whis=(10, 90),
                  showfliers=True)
    ax[0].set_yscale("log")
    ax[0].set_title("Instructions per machine-check exit\n(box: quartiles, whiskers: p10-p90;"
                    " high: exits that printed)")
    d = data["pairs"]["diffs"]
    ax[1].plot(range(1, len(d) + 1), d, "o")
    ax[1].axhline(0, color="grey", linewidth=1)
    ax[1].set_xlabel("boot pair")
    ax[1].set_title("Machine check to KVM_EXIT_NMI, Rust minus C:\n"
                    "difference of each boot pair's medians (us)")
    disp = [sizes[k]["dispatch_bytes"] + (sizes[k].get("handle_mce_bytes") or 0) for k in kinds]
    own = [sizes[k].get("bytes") or 0 for k in kinds]
    layer = [sizes[k].get("layer_bytes") or 0 for k in kinds]
    ax[2].bar(labels, disp, label="dispatch (kvmppc_handle_exit_hv, kvmppc_handle_mce)")
    ax[2].bar(labels, own, bottom=disp, label="the exit function, if out of line")
    ax[2].bar(labels, layer, bottom=[a + b for a, b in zip(disp, own)],
              label="abstractions it calls")
    ax[2].set_title("Code size of the path (bytes)")
    ax[2].legend()
    fig.tight_layout()
    fig.savefig(fig_path, dpi=100)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    ap.add_argument("--dir", required=True, help="out/bench")
    ap.add_argument("--logs", required=True, help="out/logs, with the bench boots' consoles")
    ap.add_argument("--out", required=True, help="out/, with the bench builds")
    ap.add_argument("--runs", required=True, help="the cache's runs.tsv")
    ap.add_argument("--events", type=int, required=True)
    ap.add_argument("--rounds", type=int, required=True, help="boot pairs of the round trip")
    ap.add_argument("--qemu", default="")
    ap.add_argument("--tree", default="", help="the tree id measured")
    ap.add_argument("--command", default="make bench")
    a = ap.parse_args()
    if a.rounds < MIN_PAIRS or a.rounds % 2:
        ap.error(f"--rounds {a.rounds}: an even number of boot pairs, {MIN_PAIRS} or more")
    with open(os.path.join(a.dir, "pairs.txt"), encoding="utf-8") as f:
        orders = [line.split(None, 1)[1].strip() for line in f]
    if len(orders) != a.rounds:
        sys.exit(f"{a.dir}/pairs.txt: {len(orders)} boot pairs, {a.rounds} expected")
    data: Dict = {}
    for k in ("rust", "c"):
        boots = [read_rtt(os.path.join(a.logs, f"boot-bench-{k}-{i}.log"), a.events)
                 for i in range(1, a.rounds + 1)]
        raw = [x for b in boots for x in b["raw_rtt_us"]]
        data[k] = {"rtt_us": stats(raw), "raw_rtt_us": raw,
                   "boot_medians": [b["rtt_us"]["median"] for b in boots]}
        data[k].update(read_counts(os.path.join(a.logs, f"boot-bench-{k}-pmu.log"), a.events))
    disp = {k: dispatch_calls(a.dir, k) for k in ("rust", "c")}
    sizes = {k: code_size(a.dir, os.path.join(a.out, f"build-{BUILDS[k]}"), k,
                          disp["c" if k == "rust" else "rust"]) for k in ("rust", "c")}
    times = runs(a.runs)
    loop = None
    if os.path.exists(os.path.join(a.dir, "loop-seconds")):
        with open(os.path.join(a.dir, "loop-seconds"), encoding="utf-8") as f:
            loop = int(f.read().strip())
    prev = {}
    if os.path.exists(os.path.join(a.dir, "previous.json")):
        with open(os.path.join(a.dir, "previous.json"), encoding="utf-8") as f:
            prev = json.load(f)
    with open(os.path.join(a.dir, "config-diff.txt"), encoding="utf-8") as f:
        config_diff = [line.rstrip("\n") for line in f]

    figures: Dict = {k: {m: data[k][m] for m in ("insns", "insns_quiet", "insns_printing", "rtt_us",
                                                 "boot_medians", "calibration")} for k in data}
    for k in ("rust", "c"):
        figures[k]["size"] = sizes[k]
    rtt_pairs = pairs_verdict(data["rust"]["boot_medians"], data["c"]["boot_medians"], orders)
    data["pairs"] = rtt_pairs
    figures["rtt_pairs_us"] = rtt_pairs
    figures.update({"loop_seconds": loop, "runs": times, "tree": a.tree, "qemu": a.qemu,
                    "events": a.events, "rounds": a.rounds, "config_diff": config_diff})
    plot(os.path.join(a.dir, "plot.png"), data, sizes)

    r, c = data["rust"], data["c"]
    exact = all(data[k]["calibration"]["loop"] == 2002 and data[k]["calibration"]["calls"] == 602
                for k in data)
    cal = r["calibration"]
    rq, cq = r["insns_quiet"], c["insns_quiet"]
    md = ["# The Rust machine-check exit against the C exit\n",
          f"`{a.command}`, tree {a.tree[:12]}, {a.qemu}, `-M powernv10` (TCG), {a.events} machine",
          "checks per kernel with FWNMI on, after 10 that are not counted. The kernels: bench-rust",
          "and bench-c of config/matrix.tsv, built from the same tree; their configurations differ",
          "only in: " + ", ".join(
              f"`{x[2:]}` ({'bench-rust' if x.startswith('>') else 'bench-c'} only)"
              for x in config_diff) + ".\n",
          "## Instructions per exit\n",
          "Counted by PMC5 (instructions completed) of the emulated PMU, from just before the",
          "call of `kvmppc_handle_mce()` in `kvmppc_handle_exit_hv()` to just after it, interrupts",
          "hard-disabled (bench/instrument.patch, on copies of the two kernels). The",
          f"count of the empty bracket, {cal['empty']}, is subtracted. Calibration, in both kernels:",
          f"a loop of 2002 instructions counts {r['calibration']['loop']} and {c['calibration']['loop']},",
          "one of 602 with 100 calls and returns, loads and stores counts "
          f"{r['calibration']['calls']} and {c['calibration']['calls']}: "
          + ("the counts are exact.\n" if exact else
             f"**not exact**: QEMU leaves {602 - r['calibration']['calls']} of the loop's instructions out "
             "of PMC5, 3 per call: the block `ld, std, blr`. QEMU does not add a translation block "
             "that ends in an indirect branch (`blr`, `bctr`) to PMC5 (`-accel "
             "tcg,one-insn-per-tb=on` does not help: PMC5 then counts nothing). So each count below "
             "leaves out every block the exit ends with a return or an indirect branch (each "
             "function's last block, each module stub): the counts are lower bounds, and the Rust "
             "exit, which makes more out-of-line calls, is the more undercounted.\n"),
          "An exit \"printed\" when the ratelimit let it report (10 per 5 s); the report goes to the",
          "console, through OPAL, whose instructions are counted too. The exits that did not print",
          "are the exit's own cost.\n",
          "| exit | exits that did not print: median | p10 | p90 | exits that printed: n | median |",
          "| --- | --- | --- | --- | --- | --- |"]
    for k, label in (("rust", "Rust"), ("c", "C")):
        q, p = data[k]["insns_quiet"], data[k]["insns_printing"]
        md.append(f"| {label} | {q.get('median', 0):g} | {q.get('p10', 0):g} | {q.get('p90', 0):g} | "
                  f"{p.get('n', 0)} | {p.get('median', 0):g} |")
    md += ["", "Rust minus C, median of the exits that did not print: "
           f"{rq.get('median', 0) - cq.get('median', 0):+g} instructions.",
           "", "## Code size\n",
           "The exit function in kvm-hv.ko, plus the abstraction layer it calls that exists for",
           "it (kernel-crate Rust functions and Rust helpers in vmlinux, followed into what they",
           "call). The C kernel functions both exits call, and Rust's core and alloc, are listed,",
           "not added. The module's call stubs (one per function called in vmlinux) are not",
           "counted. The Rust exit's layer includes the two out-of-line MSR accessors of kvm-hv",
           "that only it calls. The dispatch columns are all of `kvmppc_handle_exit_hv()` and of",
           "`kvmppc_handle_mce()`. The bench kernels have no KUnit (no `host-tests.config`), as a",
           "production kernel: the C exit is static with one caller there, and the compiler may",
           "inline it (the exit's bytes then show as inlined). The path total, both dispatch",
           "functions plus the exit plus its layer, compares the two kernels either way.\n",
           "| exit | function | bytes | abstraction layer bytes | exit total | kvmppc_handle_exit_hv bytes "
           "| kvmppc_handle_mce bytes | path total |",
           "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for k, label in (("rust", "Rust"), ("c", "C")):
        s = sizes[k]
        md.append(f"| {label} | `{s['symbol']}` | {s.get('bytes') or s.get('inlined')} | "
                  f"{s.get('layer_bytes', 0)} | {s.get('total_bytes')} | {s.get('dispatch_bytes')} | "
                  f"{s.get('handle_mce_bytes') or 'inlined'} | {s.get('path_bytes')} |")
    md.append(f"\nPath total, Rust minus C: "
              f"{sizes['rust']['path_bytes'] - sizes['c']['path_bytes']:+d} bytes.")
    for k, label in (("rust", "Rust"), ("c", "C")):
        s = sizes[k]
        if s.get("layer"):
            md.append(f"\n{label} exit's abstraction layer: " + ", ".join(
                f"`{n}` {v}" for n, v in s["layer"].items()))
        if s.get("c_api"):
            md.append(f"\n{label} exit's other calls (listed, not added): " + ", ".join(
                f"`{n}` {v}" for n, v in s["c_api"].items()))
    md += ["", "## Machine check to KVM_EXIT_NMI (as the VMM sees it)\n",
           "`bench/mce_bench.c` on the uninstrumented kernels: the time of each KVM_RUN that",
           "returns KVM_EXIT_NMI, in microseconds of the x86 host running QEMU; it includes the",
           "emulated guest entry, the access, the machine check and the exit, so it measures the",
           "two kernels under emulation, not the exit's own cost. Wall time under TCG: each",
           f"kernel booted {a.rounds} times, in pairs of alternating order (Rust C, C Rust, ...),",
           "so that a drift of the host's speed weighs on both. A boot's median moves from boot",
           "to boot of the same kernel; Rust against C is read from the pairs only, each boot's",
           "median being one sample.\n",
           "| exit | events | median | p10 | p90 | min | max | median of each boot |",
           "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for k, label in (("rust", "Rust"), ("c", "C")):
        s = data[k]["rtt_us"]
        md.append(f"| {label} | {s['n']} | {s['median']:.1f} | {s['p10']:.1f} | {s['p90']:.1f} | "
                  f"{s['min']:.1f} | {s['max']:.1f} | "
                  + ", ".join(f"{m:.1f}" for m in data[k]["boot_medians"]) + " |")
    rp = rtt_pairs
    pooled = statistics.median(data["c"]["raw_rtt_us"])
    md += ["", "Rust minus C in each pair (" + ", ".join(
               f"{'R C' if o.startswith('rust') else 'C R'}" for o in rp["orders"]) + "): "
           + ", ".join(f"{x:+.1f}" for x in rp["diffs"]) + " us.", "",
           f"Rust minus C: median {rp['median_diff']:+.1f} us "
           f"({100 * rp['median_diff'] / pooled:+.1f} % of the C round trip), "
           f"{100 * rp['coverage']:.1f} % interval {rp['low']:+.1f}..{rp['high']:+.1f} us "
           "(sign test: distribution-free, boots assumed independent). The pair differences "
           f"range over {rp['diff_spread']:.1f} us; booting second adds about "
           f"{rp['order_effect']:+.1f} us.", "",
           f"**Round trip: {rp['verdict']}**"
           + (" (the interval holds 0)." if rp["verdict"] == "not resolved" else
              " (the interval does not hold 0). This compares the two kernels under TCG: QEMU's "
              "speed on a kernel moves with its code layout too, so it is not a hardware figure."),
           "", f"For scale: the instructions counted above differ by "
           f"{rq.get('median', 0) - cq.get('median', 0):+g} per exit; what the round trip can "
           f"resolve here is about the width of the interval, {rp['high'] - rp['low']:.1f} us.",
           "", "## Against the previous bench run\n",
           "The instruction counts and sizes of one tree are deterministic: they agree when equal"
           + (f" (previous run: tree {prev.get('tree', '?')[:12]}, {prev.get('qemu', '?')})." if prev else "."),
           "The round trip is wall time, which moves with the host's load from run to run: two runs",
           "agree when their intervals of Rust minus C overlap. The medians are listed for",
           "information.", ""]
    for k, label in (("rust", "Rust"), ("c", "C")):
        pk = prev.get(k, {})
        same = (pk.get("insns_quiet", {}).get("median") == figures[k]["insns_quiet"].get("median") and
                pk.get("size", {}).get("path_bytes") == sizes[k].get("path_bytes"))
        comparable = pk and "path_bytes" in pk.get("size", {})
        md.append(f"- {label}: instructions and size: "
                  + (("equal" if same else "DIFFER") + f" (previous median "
                     f"{pk.get('insns_quiet', {}).get('median')}, {pk.get('size', {}).get('path_bytes')} path bytes)"
                     if comparable else
                     "not comparable: the previous run has no path total" if pk else "no previous run")
                  + f"; round-trip median {figures[k]['rtt_us']['median']:.1f} us"
                  + (f" (previous {pk['rtt_us']['median']:.1f} us)" if pk.get("rtt_us") else ""))
    md.append(f"- Rust minus C, round trip: {interval_agrees(rtt_pairs, prev.get('rtt_pairs_us', {}))}")
    md += ["", "## The workbench's own times\n",
           f"- edit to result (`touch arch/powerpc/kvm/book3s_hv_mce.rs; make loop`, powernv10, "
           f"measured by this bench): {mmss(loop)}"]
    for key in sorted(times):
        t = times[key]
        md.append(f"- `make {key}`: {mmss(t['seconds'])}, {t['result']} (run {t['run']}, {t['clone']})")
    md += ["", "![plot](plot.png)", ""]
    with open(os.path.join(a.dir, "report.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md))
    # Last: a run that wrote no report is not the next run's previous run.
    with open(os.path.join(a.dir, "figures.json"), "w", encoding="utf-8") as f:
        json.dump(figures, f, indent=1)
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
