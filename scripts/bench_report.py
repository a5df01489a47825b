#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the bench report (report.md, plot.png, figures.json) from what
scripts/bench.sh gathered: the bench boots' consoles, the built objects'
symbols and disassembly, and the workbench's recorded run times.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from typing import Dict, List, Optional

WARMUP = 10
EXITS = {"rust": "kvmppc_handle_mce_exit_rust", "c": "kvmppc_handle_mce_exit"}
BUILDS = {"rust": "host", "c": "host-c"}
CALIBRATION = re.compile(r"wb-bench: calibration: empty (\d+), mtctr \+ 1000 x \(nop, bdnz\) (\d+)")


def stats(values: List[float]) -> Dict[str, float]:
    v = sorted(values)
    if not v:
        return {"n": 0}

    def pct(p: float) -> float:
        return v[min(len(v) - 1, int(round(p * (len(v) - 1))))]
    return {"n": len(v), "median": statistics.median(v), "p10": pct(0.10), "p90": pct(0.90),
            "min": v[0], "max": v[-1], "mean": statistics.fmean(v)}


def read_boot(log: str) -> Dict:
    rtt: List[int] = []
    insns: List[int] = []
    cal = None
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            i = line.find("wb-bench: ")
            if i < 0:
                continue
            line = line[i:].strip()
            if line.startswith("wb-bench: rtt_ns"):
                rtt += [int(x) for x in line.split()[2:]]
            elif line.startswith("wb-bench: insns"):
                insns += [int(x) for x in line.split()[2:]]
            elif CALIBRATION.match(line):
                m = CALIBRATION.match(line)
                cal = {"empty": int(m.group(1)), "loop": int(m.group(2))}
    if cal is None or not rtt or not insns:
        sys.exit(f"{log}: no bench output (calibration {cal is not None}, "
                 f"{len(rtt)} round trips, {len(insns)} counts)")
    # The kernel counted the VMM's warm-up runs too.
    insns = insns[WARMUP:]
    net = [n - cal["empty"] for n in insns]
    med = statistics.median(net)
    printing = [n for n in net if n > 4 * med]
    quiet = [n for n in net if n <= 4 * med]
    return {"rtt_us": stats([r / 1000 for r in rtt]), "insns": stats(net),
            "insns_quiet": stats(quiet), "insns_printing": stats(printing),
            "calibration": cal, "raw_rtt_us": [r / 1000 for r in rtt], "raw_insns": net}


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


def code_size(dir_: str, build_dir: str, kind: str) -> Dict:
    """The exit's bytes, and the bytes of what it calls: the layer it needs
    of its own (static functions of kvm-hv, kernel-crate Rust functions
    and Rust helpers, followed into what they call) is added; the C
    kernel API both exits use is listed, not added."""
    b = BUILDS[kind]
    ko = symbols(os.path.join(dir_, f"nm-{b}-kvm-hv.ko.txt"))
    ko_local = symbols(os.path.join(dir_, f"nm-{b}-kvm-hv.ko.txt"), local=True)
    kvm = symbols(os.path.join(dir_, f"nm-{b}-kvm.ko.txt"))
    vml = symbols(os.path.join(dir_, f"nm-{b}-vmlinux.txt"))
    with open(os.path.join(dir_, f"objdump-{b}-kvm-hv.txt"), encoding="utf-8") as f:
        ko_dis = f.read()
    sym = EXITS[kind]
    if sym not in ko:
        return {"symbol": sym, "bytes": None, "note": "not an out-of-line function in kvm-hv.ko"}
    own = ko[sym]
    layer: Dict[str, int] = {}
    api: Dict[str, Optional[int]] = {}
    todo = [(c, "kvm-hv.ko") for c in calls_in(ko_dis, sym)]
    vml_dis_cache: Dict[str, str] = {}
    while todo:
        c, where = todo.pop(0)
        if c in layer or c in api:
            continue
        if c.startswith("_R") or c.startswith("rust_helper_") or c in ko_local:
            size = ko.get(c) or vml.get(c) or 0
            layer[c] = size
            if c in vml and c not in ko:
                if c not in vml_dis_cache:
                    p = subprocess.run(["llvm-objdump", "-d", "--no-show-raw-insn",
                                        f"--disassemble-symbols={c}",
                                        os.path.join(build_dir, "vmlinux")],
                                       capture_output=True, text=True)
                    vml_dis_cache[c] = p.stdout
                todo += [(x, "vmlinux") for x in calls_in(vml_dis_cache[c], c)]
            else:
                todo += [(x, "kvm-hv.ko") for x in calls_in(ko_dis, c)]
        else:
            api[c] = ko.get(c) or kvm.get(c) or vml.get(c)
    names = demangle(list(layer))
    return {"symbol": sym, "bytes": own, "layer_bytes": sum(layer.values()),
            "total_bytes": own + sum(layer.values()),
            "layer": {names.get(k, k): v for k, v in layer.items()},
            "c_api": api}


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
            key = cmd if cold == "-" else f"{cmd} ({'cold' if cold == 'yes' else 'warm'})"
            out[key] = {"run": run_id, "seconds": int(secs), "clone": clone, "result": summary}
    return out


def mmss(s: Optional[float]) -> str:
    if s is None:
        return "-"
    s = int(round(s))
    return f"{s // 60} min {s % 60} s"


def agrees(cur: Dict, prev: Dict) -> str:
    """Whether two runs' medians each lie within the other's p10..p90."""
    if not prev or not cur or "median" not in prev or "median" not in cur:
        return "no previous run"
    ok = prev["p10"] <= cur["median"] <= prev["p90"] and cur["p10"] <= prev["median"] <= cur["p90"]
    return ("agrees" if ok else "DIFFERS") + f" (previous median {prev['median']:g})"


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
    ax[0].set_title("Instructions per machine-check exit\n(box: quartiles, whiskers: p10-p90)")
    ax[1].boxplot([data[k]["raw_rtt_us"] for k in kinds], tick_labels=labels, whis=(10, 90),
                  showfliers=False)
    ax[1].set_title("Machine check to KVM_EXIT_NMI, as the VMM sees it (us)")
    own = [sizes[k].get("bytes") or 0 for k in kinds]
    layer = [sizes[k].get("layer_bytes") or 0 for k in kinds]
    ax[2].bar(labels, own, label="the exit function")
    ax[2].bar(labels, layer, bottom=own, label="abstractions it calls")
    ax[2].set_title("Code size (bytes)")
    ax[2].legend()
    fig.tight_layout()
    fig.savefig(fig_path, dpi=100)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--logs", required=True)
    ap.add_argument("--runs", required=True)
    ap.add_argument("--events", type=int, required=True)
    ap.add_argument("--command", default="make bench")
    a = ap.parse_args()
    data = {k: read_boot(os.path.join(a.logs, f"boot-bench-{k}.log")) for k in ("rust", "c")}
    sizes = {k: code_size(a.dir, os.path.join(os.path.dirname(a.dir), f"build-{BUILDS[k]}"), k)
             for k in ("rust", "c")}
    times = runs(a.runs)
    loop = None
    if os.path.exists(os.path.join(a.dir, "loop-seconds")):
        with open(os.path.join(a.dir, "loop-seconds"), encoding="utf-8") as f:
            loop = int(f.read().strip())
    prev = {}
    if os.path.exists(os.path.join(a.dir, "previous.json")):
        with open(os.path.join(a.dir, "previous.json"), encoding="utf-8") as f:
            prev = json.load(f)

    figures = {k: {m: data[k][m] for m in ("insns", "insns_quiet", "insns_printing", "rtt_us",
                                           "calibration")} for k in data}
    for k in figures:
        figures[k]["size"] = sizes[k]
    figures["loop_seconds"] = loop
    figures["runs"] = times
    with open(os.path.join(a.dir, "figures.json"), "w", encoding="utf-8") as f:
        json.dump(figures, f, indent=1)
    plot(os.path.join(a.dir, "plot.png"), data, sizes)

    r, c = data["rust"], data["c"]
    cal = r["calibration"]
    exact = all(data[k]["calibration"]["loop"] - data[k]["calibration"]["empty"] == 2001
                for k in data)
    md = [f"# The Rust machine-check exit against the C exit\n",
          f"`{a.command}`: the host kernel (Rust exit) and the host-c kernel (C exit), built from",
          "the same tree and configuration, each with bench/instrument.patch, booted on",
          f"`-M powernv10` (QEMU TCG); {a.events} machine checks each with FWNMI on.\n",
          "## Instructions per exit\n",
          "Counted by PMC5 (instructions completed) of the emulated PMU, from just before the",
          "exit's dispatch in `kvmppc_handle_exit_hv()` to just after it, interrupts hard-disabled.",
          "QEMU's TCG adds a translation block's instructions to PMC5 when the block ends; the",
          "instrumentation starts the count with an `mtspr` to MMCR0 and stops it with `isync`,",
          "both of which end a block, so the count between them is exact. The calibration checks",
          f"it: an empty region counts {cal['empty']} (subtracted below), and a loop of `mtctr` and",
          f"1000 x (`nop`, `bdnz`) counts {cal['loop']} = {cal['empty']} + {cal['loop'] - cal['empty']}",
          "(2001 expected): " + ("exact, in both kernels.\n" if exact else
                                 "**NOT exact: the counts below are approximate.**\n"),
          "| exit | median | p10 | p90 | min | max | exits that printed the report (median) |",
          "| --- | --- | --- | --- | --- | --- | --- |"]
    for k, label in (("rust", "Rust"), ("c", "C")):
        s, p = data[k]["insns"], data[k]["insns_printing"]
        md.append(f"| {label} | {s['median']:g} | {s['p10']:g} | {s['p90']:g} | {s['min']:g} | "
                  f"{s['max']:g} | {p.get('n', 0)} ({p.get('median', 0):g}) |")
    md += ["", "Most exits do not print (the host report is ratelimited to 10 per 5 s); the",
           "median is the exit without the report. Rust minus C, median: "
           f"{r['insns']['median'] - c['insns']['median']:+g} instructions.",
           "", "## Code size\n",
           "The exit function in kvm-hv.ko, plus the abstraction layer it calls that exists for",
           "it (kernel-crate Rust functions and Rust helpers in vmlinux, followed into what they",
           "call). The C kernel functions both exits call are listed, not added.\n",
           "| exit | function | bytes | abstraction layer bytes | total |",
           "| --- | --- | --- | --- | --- |"]
    for k, label in (("rust", "Rust"), ("c", "C")):
        s = sizes[k]
        md.append(f"| {label} | `{s['symbol']}` | {s.get('bytes')} | {s.get('layer_bytes', 0)} | "
                  f"{s.get('total_bytes', s.get('bytes'))} |")
    for k, label in (("rust", "Rust"), ("c", "C")):
        s = sizes[k]
        if s.get("layer"):
            md.append(f"\n{label} exit's abstraction layer: " + ", ".join(
                f"`{n}` {v}" for n, v in s["layer"].items()))
        if s.get("c_api"):
            md.append(f"\n{label} exit's C calls: " + ", ".join(
                f"`{n}` {v}" for n, v in s["c_api"].items()))
    md += ["", "## Machine check to KVM_EXIT_NMI (as the VMM sees it)\n",
           "`bench/mce_bench.c`: the time of each KVM_RUN that returns KVM_EXIT_NMI, in",
           "microseconds of the x86 host running QEMU; it includes the emulated guest entry,",
           "the access, the machine check and the exit. Wall time under TCG: compare the two",
           "exits within one run, not across machines.\n",
           "| exit | n | median | p10 | p90 | min | max |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for k, label in (("rust", "Rust"), ("c", "C")):
        s = data[k]["rtt_us"]
        md.append(f"| {label} | {s['n']} | {s['median']:.1f} | {s['p10']:.1f} | {s['p90']:.1f} | "
                  f"{s['min']:.1f} | {s['max']:.1f} |")
    md += ["", "## Against the previous bench run\n",
           "A figure agrees when each run's median lies within the other's p10..p90.\n"]
    for k, label in (("rust", "Rust"), ("c", "C")):
        pk = prev.get(k, {})
        md.append(f"- {label}, instructions: {agrees(figures[k]['insns'], pk.get('insns', {}))}; "
                  f"round trip: {agrees(figures[k]['rtt_us'], pk.get('rtt_us', {}))}")
    md += ["", "## The workbench's own times\n",
           f"- edit to result (`touch arch/powerpc/kvm/book3s_hv_mce.rs; make loop`, powernv10, "
           f"measured by this bench): {mmss(loop)}"]
    for key in sorted(times):
        t = times[key]
        md.append(f"- `make {key.split(' ')[0]}`{(' ' + ' '.join(key.split(' ')[1:])) if ' ' in key else ''}: "
                  f"{mmss(t['seconds'])}, {t['result']} (run {t['run']}, {t['clone']})")
    md += ["", "![plot](plot.png)", ""]
    with open(os.path.join(a.dir, "report.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md))
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
