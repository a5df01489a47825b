#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read the QEMU console log of a test boot into results.

A boot's console holds the kernel's messages, the KTAP documents of the
KUnit suites (one printed at boot for the built-in suites, one more by
every module that holds suites, when it loads), and /init's output: its
own checks ("wbinit: ok N - name") and the TAP of every KVM selftest it
ran. Each becomes results, one a line, in the workbench's format:

    STATUS<TAB>NAME<TAB>DETAIL<TAB>ORIGIN

(STATUS PASS, FAIL or SKIP; ORIGIN empty: a result of this run). KTAP is
parsed by the kernel's own kunit_parser (tools/testing/kunit), imported
from the work tree.

A boot that did not end well (timed out, QEMU failed, interrupted) is
read all the same: what it printed counts, and every test /init did not
get to, and every KUnit suite the .config enables that did not run,
fails by name.
"""
import argparse
import dataclasses
import fnmatch
import os
import re
import sys
from typing import Iterable, List, Optional, Sequence

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KUNIT_DIR = os.environ.get("KUNIT_DIR") or os.path.join(TOP, "linux", "tools", "testing", "kunit")

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"

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
WBINIT_DONE = re.compile(r"^wbinit: done (\d+) checks")
RUNNING = re.compile(r"^wbinit: running /tests/(\S+)")
TOOK = re.compile(r"^wbinit: /tests/(\S+) took ([\d.]+) s")
TAP_RESULT = re.compile(r"^(ok|not ok) (\d+)\b(?: -)?\s*(.*?)"
                        r"(?:\s*# (SKIP|XFAIL|TODO)\b\s*-?\s*(.*))?\s*$")
TAP_PLAN = re.compile(r"^1\.\.(\d+)\b")
# What a kselftest_harness case's own process prints when it skips
# through ksft_exit_skip() (the KVM library's TEST_REQUIRE()): the
# harness then reports the case as "# SKIP unknown".
CHILD_SKIP = re.compile(r"^1\.\.0 # SKIP\s*-?\s*(.*?)\s*$")
# The kernel's own line, not a test's copy of it ("# host: MCE: ...").
MCE_REPORT = re.compile(r"^(\[[^]]*\] )?MCE: CPU\d+: machine check \(.*\) Guest ")
# The FWNMI cases of machine_check_test (kselftest harness names,
# fixture.variant.test) whose KVM_EXIT_NMI must follow a host report on
# the console. Not the storm: its reports are ratelimited (10 per 5 s),
# and the cases before it may have spent the burst.
FWNMI_CASE = re.compile(r"machine_check\.fwnmi_(load|store)\.access")


def oneline(text: str) -> str:
    return " | ".join(part.strip() for part in str(text).replace("\t", " ").splitlines()
                      if part.strip())


@dataclasses.dataclass(frozen=True)
class Result:
    """One result: a check that passed, failed or was skipped."""
    status: str
    name: str
    detail: str = ""

    def __post_init__(self) -> None:
        if self.status not in (PASS, FAIL, SKIP):
            raise ValueError(f"bad status {self.status!r}")

    def line(self) -> str:
        return f"{self.status}\t{oneline(self.name)}\t{oneline(self.detail)}\t\n"


def verdict(ok: bool, name: str, why: str = "") -> Result:
    return Result(PASS if ok else FAIL, name, "" if ok else why)


def health(tag: str, lines: Sequence[str]) -> List[Result]:
    bad = [f"{what}: {line.strip()}" for line in lines
           for pat, what in FATAL if pat.search(line)]
    return [verdict(not bad, f"{tag}: kernel health", bad[0] if bad else "")]


def run_name(words: Sequence[str]) -> str:
    """How /init names a tests.list line's run: "PROG", or "PROG[NAME=VALUE,...]"
    for one with environment variables (the NAME=VALUE words before PROG, but
    WB_SETTLE_S=N, which is for /init)."""
    env = []
    n = 0
    for w in words:
        if "=" not in w:
            break
        n += 1
        if not w.startswith("WB_SETTLE_S="):
            env.append(w)
    prog = words[n]
    return f"{prog}[{','.join(env)}]" if env else prog


def program(name: str) -> str:
    """The program of a run's name."""
    return name.split("[", 1)[0]


def expected_tests(path: Optional[str]) -> List[str]:
    """The test runs /init was given (the initramfs's tests.list)."""
    if not path:
        return []
    with open(path, encoding="utf-8") as f:
        return [run_name(line.split()) for line in f
                if line.split() and not line.startswith("#")]


def init_checks(tag: str, lines: Sequence[str], tests: Sequence[str]) -> List[Result]:
    """/init's own checks, and a failure for every test it did not get to."""
    results = []
    done = next((m for m in map(WBINIT_DONE.match, lines) if m), None)
    results.append(verdict(done is not None, f"{tag}: /init ran to the end",
                           "no 'wbinit: done' in the console: the boot or /init "
                           "did not complete"))
    checks = [m for m in map(WBINIT.search, lines) if m]
    if done and int(done.group(1)) != len(checks):
        results.append(Result(FAIL, f"{tag}: init: all checks read",
                              f"/init made {done.group(1)} checks, {len(checks)} "
                              "found in the console"))
    reported = set()
    for m in checks:
        skip = m.group(1) == "ok" and (m.group(3) or "").startswith("SKIP")
        status = SKIP if skip else PASS if m.group(1) == "ok" else FAIL
        results.append(Result(status, f"{tag}: init: {m.group(2)}", m.group(3) or ""))
        reported.add(m.group(2))
    started = {m.group(1) for m in map(RUNNING.match, lines) if m}
    for t in tests:
        if f"/tests/{t}" in reported:
            continue
        why = ("started but did not finish before the boot ended" if t in started
               else "did not run: the boot ended before /init got to it")
        results.append(Result(FAIL, f"{tag}: init: /tests/{t}", why))
    return results


def selftests(tag: str, lines: Sequence[str]) -> List[Result]:
    """The TAP results of each test program /init ran (kselftest output).

    A program's own pass or fail is /init's check of its exit status;
    here every TAP result it printed counts, and a plan it did not keep
    fails. Kernel messages interleave with the TAP lines and are ignored;
    /init copies the tests' output through /dev/kmsg, so that a kernel
    message cannot cut a TAP line in two.
    """
    results: List[Result] = []
    prog: Optional[str] = None
    plan: Optional[int] = None
    seen: List[str] = []
    reports = 0
    child_skip = ""

    def close() -> None:
        if prog and plan is not None and plan != len(seen):
            results.append(Result(FAIL, f"{tag}: selftest: {prog}: plan",
                                  f"planned {plan} results, printed {len(seen)}"))

    for line in lines:
        m = RUNNING.match(line)
        if m:
            close()
            prog, plan, seen, child_skip = m.group(1), None, [], ""
            # A report counts for the program that caused it.
            reports = 0
            continue
        if not prog:
            continue
        if line.startswith("wbinit: "):
            close()
            prog = None
            continue
        if MCE_REPORT.match(line):
            reports += 1
        m = CHILD_SKIP.match(line)
        if m and plan is not None:
            # A harness case skipped; the program's plan stands.
            child_skip = m.group(1)
            continue
        m = TAP_PLAN.match(line)
        if m:
            plan = int(m.group(1))
            continue
        m = TAP_RESULT.match(line)
        if not m:
            continue
        ok, num, desc, directive, why = m.groups()
        if directive == "SKIP" and why in (None, "", "unknown") and child_skip:
            why = child_skip
        child_skip = ""
        # The host's machine-check report must reach the console before
        # a FWNMI case reports the exit it caused.
        if program(prog) == "machine_check_test" and FWNMI_CASE.fullmatch(desc) \
                and ok == "ok" and not directive:
            results.append(verdict(reports > 0,
                                   f"{tag}: selftest: {prog}: {desc}: console report first",
                                   "no 'MCE: CPUn: machine check ... Guest' line on the "
                                   "console before this result"))
        reports = 0
        seen.append(num)
        if directive == "SKIP":
            status = SKIP
        elif directive == "XFAIL" or ok == "ok":
            status = PASS
        else:
            status = FAIL
        results.append(Result(status, f"{tag}: selftest: {prog}: {desc or why or '#' + num}",
                              "" if status == PASS else (why or line.strip())))
    close()
    return results


def enabled_options(config: Optional[str]) -> set:
    if not config or not os.path.exists(config):
        return set()
    with open(config, encoding="utf-8") as f:
        return {m.group(1) for m in (re.match(r"^(CONFIG_\w+)=y$", line.strip()) for line in f)
                if m}


def expected_suites(config: Optional[str]) -> List[str]:
    """Suites config/kunit-suites.txt expects from a kernel built with CONFIG."""
    enabled = enabled_options(config)
    want = []
    with open(os.path.join(TOP, "config", "kunit-suites.txt"), encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if len(fields) == 2 and not fields[0].startswith("#") and fields[0] in enabled:
                want.append(fields[1])
    return want


def ktap_documents(lines: Sequence[str]) -> List[List[str]]:
    """The KUnit KTAP documents, which come before the first test program."""
    end = next((i for i, line in enumerate(lines) if RUNNING.match(line)), len(lines))
    starts = [i for i, line in enumerate(lines[:end]) if KTAP_START.match(line)]
    return [list(lines[a:b]) for a, b in zip(starts, starts[1:] + [end])]


def kunit(tag: str, lines: Sequence[str], config: Optional[str],
          kunit_dir: str = KUNIT_DIR) -> List[Result]:
    """Every KUnit case of every KTAP document, parsed by kunit_parser."""
    sys.path.insert(0, kunit_dir)
    try:
        import kunit_parser  # pylint: disable=import-outside-toplevel
        import kunit_printer  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.remove(kunit_dir)
    status_of = {kunit_parser.TestStatus.SUCCESS: PASS,
                 kunit_parser.TestStatus.SKIPPED: SKIP}

    def cases(test, prefix: str = ""):
        for sub in test.subtests:
            name = f"{prefix}.{sub.name}" if prefix else sub.name
            if sub.subtests:
                yield from cases(sub, name)
            else:
                yield name, sub.status

    def errors(test) -> int:
        return test.counts.errors + sum(errors(sub) for sub in test.subtests)

    results: List[Result] = []
    found = []
    for n, doc in enumerate(ktap_documents(lines), 1):
        test = kunit_parser.parse_run_tests(doc, kunit_printer.null_printer)
        if test.status == kunit_parser.TestStatus.FAILURE_TO_PARSE_TESTS or errors(test):
            results.append(Result(FAIL, f"{tag}: kunit_parser (KTAP document {n})",
                                  f"{errors(test)} parse error(s), status {test.status.name}"))
        found += list(cases(test))
    # A kernel built without KUnit (the bench's) is not asked for it; one
    # whose configuration is not known is.
    no_kunit = bool(config and os.path.exists(config) and "CONFIG_KUNIT" not in enabled_options(config))
    if not found and not no_kunit:
        results.append(Result(FAIL, f"{tag}: KUnit", "no KUnit test case ran"))
    for suite in expected_suites(config):
        ran = any(name.split(".")[0] == suite for name, _ in found)
        results.append(verdict(ran, f"{tag}: kunit suite {suite} ran",
                               "enabled in .config but absent from the console"))
    for name, status in found:
        st = status_of.get(status, FAIL)
        results.append(Result(st, f"{tag}: kunit: {name}", "" if st == PASS else status.name))
    return results


def tag_of(log: str) -> str:
    return re.sub(r"^boot-|\.log$", "", os.path.basename(log))


def read_console(log: str, config: Optional[str] = None, tests: Optional[str] = None,
                 boot_failure: str = "", kunit_dir: str = KUNIT_DIR) -> List[Result]:
    tag = tag_of(log)
    with open(log, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    results = []
    if boot_failure:
        results.append(Result(FAIL, f"{tag}: boot", f"{boot_failure}; see {log}"))
    results += health(tag, lines)
    checks = init_checks(tag, lines, expected_tests(tests))
    cases = selftests(tag, lines)
    results += all_skipped(tag, checks, cases)
    results += cases
    results += kunit(tag, lines, config, kunit_dir)
    return results


EXPECTED_SKIPS = os.path.join(TOP, "config", "expected-skips.txt")


def expected_skips(path: str = EXPECTED_SKIPS) -> List[str]:
    """The globs of config/expected-skips.txt."""
    globs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                globs.append(line.split("\t", 1)[0])
    return globs


def unexpected_skips(tag: str, results: List[Result], globs: Sequence[str]) -> List[Result]:
    """RESULTS, with every SKIP that no glob names made a FAIL."""
    out = []
    for r in results:
        short = r.name[len(tag) + 2:] if r.name.startswith(f"{tag}: ") else r.name
        if r.status == SKIP and not any(fnmatch.fnmatchcase(short, g) for g in globs):
            r = Result(FAIL, r.name, f"unexpected skip: {r.detail or 'no reason given'} "
                       "(config/expected-skips.txt lists the expected ones)")
        out.append(r)
    return out


def all_skipped(tag: str, checks: List[Result], cases: List[Result]) -> List[Result]:
    """/init's checks, where a program that exited 0 with every case of
    its TAP output skipped (kselftest_harness does) is a skip, not a pass."""
    statuses: dict = {}
    for r in cases:
        prog = r.name[len(f"{tag}: selftest: "):].split(": ", 1)[0]
        statuses.setdefault(prog, set()).add(r.status)
    out = []
    for r in checks:
        prog = r.name[len(f"{tag}: init: /tests/"):] if r.name.startswith(
            f"{tag}: init: /tests/") else None
        if r.status == PASS and prog and statuses.get(prog) == {SKIP}:
            r = Result(SKIP, r.name, "every case skipped")
        out.append(r)
    return out


def write(results: Iterable[Result], out: str) -> None:
    """Append to OUT (a stage's part file), or write it whole: a temporary
    file renamed into place."""
    text = "".join(r.line() for r in results)
    if out.endswith(".part"):
        with open(out, "a", encoding="utf-8") as f:
            f.write(text)
        return
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, out)


def cmd_console(args: argparse.Namespace) -> int:
    log = os.path.abspath(args.log)
    tag = tag_of(log)
    results = read_console(log, args.config, args.tests, args.boot_failure or "")
    results = unexpected_skips(tag_of(log), results, expected_skips())
    out = args.out or os.path.join(TOP, "out", "results", f"boot-{tag}.res")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    write(results, out)

    with open(log, encoding="utf-8", errors="replace") as f:
        took = [(m.group(1), float(m.group(2))) for m in map(TOOK.match, f) if m]
    if took:
        print(f"{tag}: KVM selftests ran in {sum(t for _, t in took):.0f} s ("
              + ", ".join(f"{n} {t:.0f} s" for n, t in took) + ")")
    for r in results:
        if r.status != PASS:
            print(f"{r.status}: {r.name}" + (f" ({r.detail})" if r.detail else ""))
    passed = sum(r.status == PASS for r in results)
    failed = sum(r.status == FAIL for r in results)
    print(f"{tag}: {passed} passed, {failed} failed (console: {log})")
    return 1 if failed else 0


def cmd_kunit(args: argparse.Namespace) -> int:
    """A console of kunit.py's own run (kunit.py exec --raw_output=all):
    the kernel's health and every KUnit case, as in a boot's console."""
    log = os.path.abspath(args.log)
    tag = tag_of(log)
    with open(log, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    results = health(tag, lines) + kunit(tag, lines, args.config)
    write(results, args.out)
    for r in results:
        if r.status != PASS:
            print(f"{r.status}: {r.name}" + (f" ({r.detail})" if r.detail else ""))
    passed = sum(r.status == PASS for r in results)
    failed = sum(r.status == FAIL for r in results)
    print(f"{tag}: {passed} passed, {failed} failed (console: {log})")
    return 1 if failed else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("console", help="read a boot's console log")
    p.add_argument("log", help="the console log, out/logs/boot-TAG.log")
    p.add_argument("--config", help="the kernel's .config: its expected KUnit suites must run")
    p.add_argument("--tests", help="the initramfs's tests.list: each must report")
    p.add_argument("--out", help="append to this .part file, or write this .res file "
                   "(default out/results/boot-TAG.res)")
    p.add_argument("--boot-failure", help="how the boot ended badly (timed out, ...)")
    p.set_defaults(func=cmd_console)
    p = sub.add_parser("kunit", help="read the console of a kunit.py run")
    p.add_argument("log", help="the console, as kunit.py exec --raw_output=all prints it")
    p.add_argument("--config", required=True,
                   help="the kernel's .config: its expected KUnit suites must run")
    p.add_argument("--out", required=True, help="append to this .part file, or write this .res file")
    p.set_defaults(func=cmd_kunit)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
