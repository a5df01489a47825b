#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read test results and keep them in out/results/*.res.

  report.py console LOG [CONFIG]
                            judge a QEMU console log: kernel health, /init
                            completion, /init's checks, the TAP results of
                            the KVM selftests /init ran, and the KUnit
                            results (parsed by the kernel's kunit.py);
                            with the kernel's .config, also that every
                            suite config/kunit-suites.txt expects ran
  report.py add STAGE NAME STATUS [DETAIL]
                            record one result of a host-side stage
  report.py summary         print every result that did not pass and end
                            with "N passed, N failed[, N skipped]"

A .res file has one result a line: STATUS<TAB>NAME<TAB>DETAIL, STATUS
being PASS, FAIL or SKIP. Exit status: non-zero when something failed.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.environ.get("RESULTS_DIR") or os.path.join(TOP, "out", "results")
KUNIT = os.path.join(TOP, "linux", "tools", "testing", "kunit", "kunit.py")

# Console lines that mean the kernel is not healthy, whatever the tests say.
FATAL = [
    (re.compile(r"Kernel panic - not syncing"), "kernel panic"),
    (re.compile(r"\bOops\b|Oops:"), "kernel oops"),
    (re.compile(r"\bBUG: |kernel BUG at"), "kernel BUG"),
    (re.compile(r"WARNING: .* at |------------\[ cut here \]"), "kernel WARN"),
    (re.compile(r"Unable to handle kernel"), "bad kernel access"),
    (re.compile(r"Call Trace:"), "kernel call trace"),
    (re.compile(r"watchdog: BUG: soft lockup|rcu: INFO: .* stall"), "lockup or stall"),
]
KTAP_START = re.compile(r"^(\[[^]]*\] )?KTAP version \d+\s*$")
WBINIT = re.compile(r"wbinit: (ok|not ok) \d+ - (.*?)(?: # (.*))?$")
RUNNING = re.compile(r"^wbinit: running /tests/(\S+)")
TOOK = re.compile(r"^wbinit: /tests/(\S+) took ([\d.]+) s")
TAP_RESULT = re.compile(r"^(ok|not ok) (\d+)\b(?: -)?\s*(.*?)"
                        r"(?:\s*# (SKIP|XFAIL|TODO)\b\s*-?\s*(.*))?\s*$")
TAP_PLAN = re.compile(r"^1\.\.(\d+)\b")
# The kernel's own line, not a test's copy of it ("# host: MCE: ...").
MCE_REPORT = re.compile(r"^(\[[^]]*\] )?MCE: CPU\d+: machine check \(.*\) Guest ")


def oneline(text):
    return " | ".join(line.strip() for line in text.splitlines() if line.strip())


def write(path, results):
    os.makedirs(RESULTS, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for status, name, detail in results:
            f.write(f"{status}\t{name}\t{oneline(detail)}\n")


def kunit_cases(group, prefix=""):
    """Yield (name, status) for every test case in kunit.py's JSON."""
    name = group["name"] if group["name"] != "KUnit Test Group" else ""
    path = f"{prefix}.{name}" if prefix and name else (name or prefix)
    for case in group["test_cases"]:
        yield f"{path}.{case['name']}" if path else case["name"], case["status"]
    for sub in group["sub_groups"]:
        yield from kunit_cases(sub, path)


def expected_suites(config):
    """Suites config/kunit-suites.txt expects from a kernel built with CONFIG."""
    enabled = set()
    for line in open(config, encoding="utf-8"):
        m = re.match(r"^(CONFIG_\w+)=y$", line.strip())
        if m:
            enabled.add(m.group(1))
    want = []
    for line in open(os.path.join(TOP, "config", "kunit-suites.txt"), encoding="utf-8"):
        f = line.split()
        if len(f) == 2 and not f[0].startswith("#") and f[0] in enabled:
            want.append(f[1])
    return want


def kunit_parse(doc):
    """Parse one KTAP document with kunit.py: its cases, or why it failed."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "ktap.log")
        js = os.path.join(tmp, "ktap.json")
        with open(src, "w", encoding="utf-8") as f:
            f.write("\n".join(doc) + "\n")
        p = subprocess.run([sys.executable, KUNIT, "parse", f"--json={js}", src],
                           capture_output=True, text=True)
        data = open(js, encoding="utf-8").read() if os.path.exists(js) else ""
        if p.returncode not in (0, 1) or not data.strip():
            return (p.stdout + p.stderr).strip()[-300:] or f"kunit.py exited with {p.returncode}"
        return list(kunit_cases(json.loads(data)))


def selftests(tag, lines):
    """The TAP results of each test program /init ran (kselftest output).

    A program's own pass or fail is /init's check of its exit status;
    here every TAP result it printed counts, and a plan it did not keep
    fails. Kernel messages interleave with the TAP lines and are ignored;
    /init copies the tests' output through /dev/kmsg, so that a kernel
    message cannot cut a TAP line in two.
    """
    results = []
    prog, plan, seen = None, None, []
    reports = 0

    def close():
        if prog and plan is not None and plan != len(seen):
            results.append(("FAIL", f"{tag}: selftest: {prog}: plan",
                            f"planned {plan} results, printed {len(seen)}"))

    for line in lines:
        m = RUNNING.match(line)
        if m:
            close()
            prog, plan, seen = m.group(1), None, []
            continue
        if not prog:
            continue
        if line.startswith("wbinit: "):
            close()
            prog = None
            continue
        if MCE_REPORT.match(line):
            reports += 1
        m = TAP_PLAN.match(line)
        if m:
            plan = int(m.group(1))
            continue
        m = TAP_RESULT.match(line)
        if not m:
            continue
        ok, num, desc, directive, why = m.groups()
        # The host's machine-check report must reach the console before
        # a FWNMI case reports the exit it caused.
        if prog == "machine_check_test" and re.fullmatch(r"fwnmi_(load|store|ifetch)", desc) \
                and ok == "ok" and not directive:
            results.append(("PASS" if reports else "FAIL",
                             f"{tag}: selftest: {prog}: {desc}: console report first",
                             "" if reports else "no 'MCE: CPUn: machine check ... Guest' "
                             "line on the console before this result"))
        reports = 0
        name = desc or why or f"#{num}"
        seen.append(num)
        if directive == "SKIP":
            status = "SKIP"
        elif directive == "XFAIL" or ok == "ok":
            status = "PASS"
        else:
            status = "FAIL"
        results.append((status, f"{tag}: selftest: {prog}: {name}",
                        "" if status == "PASS" else (why or line.strip())))
    close()
    return results


def console(log, config=None):
    log = os.path.abspath(log)
    tag = os.path.basename(log)
    tag = re.sub(r"^boot-|\.log$", "", tag)
    results = []
    text = open(log, encoding="utf-8", errors="replace").read()
    lines = text.splitlines()

    health = [f"{what}: {line.strip()}" for line in lines
              for pat, what in FATAL if pat.search(line)]
    results.append(("FAIL" if health else "PASS", f"{tag}: kernel health",
                     health[0] if health else ""))

    done = any(line.startswith("wbinit: done") for line in lines)
    results.append(("PASS" if done else "FAIL", f"{tag}: /init ran to the end",
                    "" if done else "no 'wbinit: done' in the console: "
                    "the boot or /init did not complete"))

    m = re.search(r"wbinit: done (\d+) checks", text)
    seen = sum(bool(WBINIT.search(line)) for line in lines)
    if m and int(m.group(1)) != seen:
        results.append(("FAIL", f"{tag}: init: all checks read",
                        f"/init made {m.group(1)} checks, {seen} found in the console"))
    for line in lines:
        m = WBINIT.search(line)
        if m:
            skip = m.group(1) == "ok" and (m.group(3) or "").startswith("SKIP")
            results.append(("SKIP" if skip else "PASS" if m.group(1) == "ok" else "FAIL",
                            f"{tag}: init: {m.group(2)}", m.group(3) or ""))

    results += selftests(tag, lines)

    # Built-in suites print one KTAP document at boot, and every module
    # that holds suites prints one more when it loads. kunit.py parses one
    # document, so hand it each in turn.
    # The selftests' TAP comes after them: stop at the first test program.
    end = next((i for i, line in enumerate(lines) if RUNNING.match(line)), len(lines))
    starts = [i for i, line in enumerate(lines[:end]) if KTAP_START.match(line)]
    docs = [lines[a:b] for a, b in zip(starts, starts[1:] + [end])]
    cases = []
    for n, doc in enumerate(docs):
        got = kunit_parse(doc)
        if isinstance(got, str):
            results.append(("FAIL", f"{tag}: kunit.py parse (KTAP document {n + 1})", got))
        else:
            cases += got
    if not cases:
        results.append(("FAIL", f"{tag}: KUnit", "no KUnit test case ran"))
    for suite in expected_suites(config) if config else []:
        ran = any(name.split(".")[0] == suite for name, _ in cases)
        results.append(("PASS" if ran else "FAIL", f"{tag}: kunit suite {suite} ran",
                        "" if ran else "enabled in .config but absent from the console"))
    for name, status in cases:
        st = {"PASS": "PASS", "SKIP": "SKIP"}.get(status, "FAIL")
        results.append((st, f"{tag}: kunit: {name}", "" if st == "PASS" else status))

    took = [(m.group(1), float(m.group(2))) for m in
            (TOOK.match(line) for line in lines) if m]
    if took:
        print(f"{tag}: KVM selftests ran in {sum(t for _, t in took):.0f} s ("
              + ", ".join(f"{n} {t:.0f} s" for n, t in took) + ")")

    write(os.path.join(RESULTS, f"boot-{tag}.res"), results)
    failed = [r for r in results if r[0] == "FAIL"]
    for r in results:
        if r[0] != "PASS":
            print(f"{r[0]}: {r[1]}" + (f" ({r[2]})" if r[2] else ""))
    passed = sum(r[0] == "PASS" for r in results)
    print(f"{tag}: {passed} passed, {len(failed)} failed (console: {log})")
    return 1 if failed else 0


def add(stage, name, status, detail=""):
    if status not in ("PASS", "FAIL", "SKIP"):
        sys.exit(f"bad status {status}")
    path = os.path.join(RESULTS, f"{stage}.res")
    os.makedirs(RESULTS, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"{status}\t{name}\t{oneline(detail)}\n")
    return 0


def summary():
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    files = sorted(os.listdir(RESULTS)) if os.path.isdir(RESULTS) else []
    for fn in files:
        if not fn.endswith(".res"):
            continue
        for line in open(os.path.join(RESULTS, fn), encoding="utf-8"):
            status, name, detail = (line.rstrip("\n").split("\t") + ["", ""])[:3]
            counts[status] += 1
            if status != "PASS":
                print(f"{status}: {name}" + (f" ({detail})" if detail else ""))
    line = f"{counts['PASS']} passed, {counts['FAIL']} failed"
    if counts["SKIP"]:
        line += f", {counts['SKIP']} skipped"
    print(line)
    return 1 if counts["FAIL"] or not counts["PASS"] else 0


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["console"] and len(a) in (2, 3):
        sys.exit(console(*a[1:]))
    if a[:1] == ["add"] and len(a) in (4, 5):
        sys.exit(add(*a[1:]))
    if a == ["summary"]:
        sys.exit(summary())
    sys.exit(__doc__)
