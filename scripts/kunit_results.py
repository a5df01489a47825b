#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn kunit.py's --json output into the workbench's results, one case a
line (STATUS TAB NAME): PASS, SKIP, FAIL, ERROR (crashed: kunit_json puts
a suite that printed no case, or a case lost to a crash, at the top level,
often without a name), and MISSING for each suite config/kunit-suites.txt
expects of the kernel's .config that printed nothing.
    kunit_results.py RESULTS.json KERNEL.config
"""
import json
import sys
from typing import Dict, Iterator, List, Tuple

import report

PREFIX = "kunit (pseries)"


def cases(group: Dict, path: List[str]) -> Iterator[Tuple[str, str]]:
    for n, c in enumerate(group.get("test_cases", []), 1):
        name = c.get("name") or f"case {n} (no name: crashed before it printed one)"
        yield ".".join(path + [name]), c.get("status", "ERROR")
    for g in group.get("sub_groups", []):
        yield from cases(g, path + [g.get("name") or "(no name)"])


def results(top: Dict, expected: List[str]) -> List[Tuple[str, str]]:
    out = []
    seen = set()
    for g in top.get("sub_groups", []):
        seen.add(g.get("name"))
        out += [(st, f"{PREFIX}: {name}") for name, st in cases(g, [g.get("name") or "(no name)"])]
    # Suites with no case, or what a crash cut off.
    for n, c in enumerate(top.get("test_cases", []), 1):
        name = c.get("name") or f"top-level entry {n} (no name: crashed)"
        seen.add(c.get("name"))
        out.append((c.get("status", "ERROR"), f"{PREFIX}: {name}"))
    out += [("MISSING", f"{PREFIX}: suite {s}") for s in expected if s not in seen]
    return out


def main(argv: List[str]) -> int:
    if len(argv) != 3:
        sys.exit("usage: kunit_results.py RESULTS.json KERNEL.config")
    with open(argv[1], encoding="utf-8") as f:
        top = json.load(f)
    for st, name in results(top, report.expected_suites(argv[2])):
        print(f"{st}\t{report.oneline(name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
