#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of report.py against the fixture logs in scripts/testdata.

Run in the toolchain chroot with the work tree assembled (report.py
imports the kernel's kunit_parser from linux/tools/testing/kunit):

    scripts/in-chroot.sh python3 scripts/report_test.py
"""
import io
import os
import tempfile
import unittest
from contextlib import redirect_stdout

import report

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata")


def fixture(name):
    return os.path.join(DATA, name)


def results_of(tag, config=None, boot_failure=""):
    tests = fixture(f"boot-{tag}.tests")
    return report.read_console(fixture(f"boot-{tag}.log"), config,
                               tests if os.path.exists(tests) else None, boot_failure)


class Lookup:
    """The results of one console, by name."""

    def __init__(self, results):
        self.results = results
        self.by_name = {}
        for r in results:
            self.by_name.setdefault(r.name, []).append(r)

    def status(self, name):
        found = self.by_name.get(name)
        if not found:
            raise AssertionError(f"no result {name!r}; have: {sorted(self.by_name)}")
        if len(found) > 1:
            raise AssertionError(f"{len(found)} results named {name!r}")
        return found[0].status

    def detail(self, name):
        self.status(name)
        return self.by_name[name][0].detail


class SelftestTap(unittest.TestCase):
    def setUp(self):
        self.r = Lookup(results_of("tap"))

    def test_console_report_must_precede_a_fwnmi_result(self):
        mct = "tap: selftest: machine_check_test: "
        self.assertEqual(self.r.status(mct + "machine_check.fwnmi_load.access: "
                                       "console report first"), "PASS")
        # A copy of a report ("# host: ...") does not count.
        self.assertEqual(self.r.status(mct + "machine_check.fwnmi_store.access: "
                                       "console report first"), "FAIL")
        self.assertEqual(self.r.status(mct + "machine_check.fwnmi_store.access"), "PASS")

    def test_only_the_fwnmi_load_and_store_cases_need_a_report(self):
        mct = "tap: selftest: machine_check_test: "
        for case in ("global.fwnmi_cap", "machine_check.no_fwnmi_load.access",
                     "ifetch.fwnmi.isi", "storm.fwnmi_exits"):
            self.assertEqual(self.r.status(mct + case), "SKIP" if "ifetch" in case else "PASS")
            self.assertNotIn(mct + case + ": console report first", self.r.by_name)

    def test_a_skip_stays_a_skip(self):
        self.assertEqual(self.r.status("tap: selftest: machine_check_test: ifetch.fwnmi.isi"),
                         "SKIP")
        self.assertEqual(self.r.detail("tap: selftest: machine_check_test: ifetch.fwnmi.isi"),
                         "no unbacked page here")
        self.assertEqual(self.r.status("tap: init: /tests/skipped_test"), "SKIP")

    def test_failed_case_and_broken_plan_fail(self):
        self.assertEqual(self.r.status("tap: selftest: other_test: first"), "PASS")
        self.assertEqual(self.r.status("tap: selftest: other_test: second"), "FAIL")
        self.assertEqual(self.r.status("tap: selftest: other_test: plan"), "FAIL")
        self.assertEqual(self.r.detail("tap: selftest: other_test: plan"),
                         "planned 3 results, printed 2")
        self.assertEqual(self.r.status("tap: init: /tests/other_test"), "FAIL")

    def test_a_harness_case_that_skips_in_its_process(self):
        # From a powernv8 console: the library's TEST_REQUIRE() in each
        # case's process prints "1..0 # SKIP - why", the harness "# SKIP
        # unknown". Neither breaks the program's plan; the why is kept.
        r = Lookup(results_of("childskip"))
        name = "childskip: selftest: interrupt_test: interrupt.trap_reaches_program_handler"
        self.assertEqual(r.status(name), "SKIP")
        self.assertEqual(r.detail(name),
                         "Requirement not met: kvm_has_cap(KVM_CAP_PPC_MMU_RADIX)")
        self.assertNotIn("childskip: selftest: interrupt_test: plan", r.by_name)
        self.assertEqual(len([x for x in r.results if x.status == "SKIP"
                              and ": selftest: interrupt_test: " in x.name]), 5)
        # It exited 0, but ran nothing: a skip, not a pass.
        self.assertEqual(r.status("childskip: init: /tests/interrupt_test"), "SKIP")
        self.assertEqual(r.detail("childskip: init: /tests/interrupt_test"), "every case skipped")

    def test_a_kept_plan_adds_no_result(self):
        self.assertNotIn("tap: selftest: machine_check_test: plan", self.r.by_name)

    def test_no_kunit_fails(self):
        self.assertEqual(self.r.status("tap: KUnit"), "FAIL")

    def test_no_kunit_fails_where_configured(self):
        r = Lookup(results_of("tap", fixture("kunit.config")))
        self.assertEqual(r.status("tap: KUnit"), "FAIL")

    def test_a_kernel_without_kunit_is_not_asked_for_it(self):
        r = Lookup(results_of("tap", fixture("nokunit.config")))
        self.assertNotIn("tap: KUnit", r.by_name)
        self.assertEqual(r.status("tap: /init ran to the end"), "PASS")

    def test_init_ran_to_the_end(self):
        self.assertEqual(self.r.status("tap: /init ran to the end"), "PASS")
        self.assertEqual(self.r.status("tap: kernel health"), "PASS")
        self.assertFalse([r for r in self.r.results if "did not" in r.detail])


class Kunit(unittest.TestCase):
    def setUp(self):
        self.r = Lookup(results_of("kunit", fixture("kunit.config")))

    def test_cases_of_every_ktap_document(self):
        self.assertEqual(self.r.status("kunit: kunit: rust_kernel_kunit."
                                       "rust_test_kunit_example_test"), "PASS")
        self.assertEqual(self.r.status("kunit: kunit: rust_kernel_bug."
                                       "warn_on_adds_a_bug_table_entry"), "PASS")
        # The second document, printed when kvm-hv loaded.
        self.assertEqual(self.r.status("kunit: kunit: kvm_hv_mce_exit.decide_is_exhaustive"),
                         "PASS")

    def test_a_failed_case_fails_and_a_skipped_one_skips(self):
        self.assertEqual(self.r.status("kunit: kunit: kvm_hv_mce_exit."
                                       "no_fwnmi_queues_with_srr1_bits"), "FAIL")
        self.assertEqual(self.r.status("kunit: kunit: rust_kernel_kunit."
                                       "rust_test_kunit_always_disabled_test"), "SKIP")

    def test_expected_suites(self):
        self.assertEqual(self.r.status("kunit: kunit suite kvm_hv_mce_exit ran"), "PASS")
        # Enabled in the .config, never printed: a failure, by name.
        self.assertEqual(self.r.status("kunit: kunit suite rust_kvec ran"), "FAIL")
        # Not enabled: not expected.
        self.assertNotIn("kunit: kunit suite rust_kernel_bitmap ran", self.r.by_name)

    def test_the_documents_parse(self):
        self.assertFalse([r for r in self.r.results if "kunit_parser" in r.name])


class CutShort(unittest.TestCase):
    """A boot that timed out in the middle of a test program."""

    def setUp(self):
        self.r = Lookup(results_of("cut", boot_failure="QEMU timed out after 600s"))

    def test_the_boot_failure_is_a_failure(self):
        self.assertEqual(self.r.status("cut: boot"), "FAIL")
        self.assertIn("QEMU timed out after 600s", self.r.detail("cut: boot"))
        self.assertEqual(self.r.status("cut: /init ran to the end"), "FAIL")

    def test_what_it_printed_counts(self):
        self.assertEqual(self.r.status("cut: selftest: machine_check_test: "
                                       "machine_check.fwnmi_load.access"), "PASS")
        self.assertEqual(self.r.status("cut: kunit: rust_kernel_bug."
                                       "warn_on_adds_a_bug_table_entry"), "PASS")

    def test_every_test_not_reached_fails_by_name(self):
        self.assertEqual(self.r.status("cut: init: /tests/machine_check_test"), "FAIL")
        self.assertIn("did not finish", self.r.detail("cut: init: /tests/machine_check_test"))
        for t in ("guest_print_test", "kvm_page_table_test"):
            self.assertEqual(self.r.status(f"cut: init: /tests/{t}"), "FAIL")
            self.assertIn("did not run", self.r.detail(f"cut: init: /tests/{t}"))
        self.assertEqual(self.r.status("cut: selftest: machine_check_test: plan"), "FAIL")


class Health(unittest.TestCase):
    def test_an_oops_fails_the_kernel(self):
        r = Lookup(results_of("oops"))
        self.assertEqual(r.status("oops: kernel health"), "FAIL")
        self.assertIn("Unable to handle kernel", r.detail("oops: kernel health"))


class RealBoot(unittest.TestCase):
    """A whole console of the host kernel on powernv10 (workbench v1, 7.3.4
    with the series), whose every result passed or skipped. Its
    machine_check_test predates kselftest_harness.h: its case names are
    not the harness's, and none of them needs a console report first."""

    def setUp(self):
        self.results = results_of("real", fixture("real.config"))
        self.r = Lookup(self.results)

    def test_counts(self):
        count = {s: sum(r.status == s for r in self.results) for s in ("PASS", "FAIL", "SKIP")}
        self.assertEqual(count, {"PASS": 428, "FAIL": 0, "SKIP": 5})
        self.assertEqual(sum(": kunit: " in r.name for r in self.results), 394)

    def test_every_expected_suite_ran(self):
        for suite in ("rust_kernel_kunit", "rust_kvec", "rust_kernel_bitmap", "rust_kernel_bug",
                      "rust_powerpc_mce", "kvm_hv_mce_exit", "rust_doctests_kernel"):
            self.assertEqual(self.r.status(f"real: kunit suite {suite} ran"), "PASS")

    def test_the_selftests(self):
        self.assertEqual(self.r.status("real: selftest: machine_check_test: storm"), "PASS")
        self.assertEqual(self.r.status("real: init: /tests/dirty_log_test"), "PASS")
        # irqfd_test and vm_types_test skip (exit status 4) there.
        self.assertEqual(self.r.status("real: init: /tests/vm_types_test"), "SKIP")


class HarnessBoot(unittest.TestCase):
    """/init's part of a console of the host kernel on powernv10 (the
    series with machine_check_test on kselftest_harness.h, before KVM's
    fix of the instruction fetch livelock), verbatim."""

    def setUp(self):
        self.results = results_of("harness", fixture("nokunit.config"))
        self.r = Lookup(self.results)

    def test_every_case_by_its_harness_name(self):
        mct = "harness: selftest: machine_check_test: "
        got = {r.name[len(mct):]: r.status for r in self.results if r.name.startswith(mct)}
        self.assertEqual(got, {
            "global.fwnmi_cap": "PASS",
            "machine_check.fwnmi_load.access": "PASS",
            "machine_check.fwnmi_load.access: console report first": "PASS",
            "machine_check.fwnmi_store.access": "PASS",
            "machine_check.fwnmi_store.access: console report first": "PASS",
            "machine_check.no_fwnmi_load.access": "PASS",
            "machine_check.no_fwnmi_store.access": "PASS",
            "ifetch.fwnmi.isi": "FAIL",
            "ifetch.no_fwnmi.isi": "FAIL",
            "storm.fwnmi_exits": "PASS",
        })

    def test_the_failed_program_fails(self):
        self.assertEqual(self.r.status("harness: init: /tests/machine_check_test"), "FAIL")
        self.assertEqual(self.r.status("harness: /init ran to the end"), "PASS")
        self.assertEqual(self.r.status("harness: kernel health"), "PASS")


class Records(unittest.TestCase):
    def test_a_result_is_one_line_of_four_fields(self):
        line = report.Result("FAIL", "a\tb", "x\ny").line()
        self.assertEqual(line, "FAIL\ta b\tx | y\t\n")

    def test_a_bad_status_is_refused(self):
        with self.assertRaises(ValueError):
            report.Result("OK", "name")

    def test_a_res_file_is_written_whole_and_a_part_file_appended(self):
        with tempfile.TemporaryDirectory() as tmp:
            res = os.path.join(tmp, "x.res")
            report.write([report.Result("PASS", "one")], res)
            report.write([report.Result("PASS", "two")], res)
            with open(res, encoding="utf-8") as f:
                self.assertEqual(f.read(), "PASS\ttwo\t\t\n")
            self.assertEqual(os.listdir(tmp), ["x.res"])
            part = os.path.join(tmp, ".x.part")
            report.write([report.Result("PASS", "one")], part)
            report.write([report.Result("SKIP", "two", "why")], part)
            with open(part, encoding="utf-8") as f:
                self.assertEqual(f.read(), "PASS\tone\t\t\nSKIP\ttwo\twhy\t\n")

    def test_the_command_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, ".boot.part")
            with redirect_stdout(io.StringIO()) as printed:
                rc = report.main(["console", fixture("boot-tap.log"), "--tests",
                                  fixture("boot-tap.tests"), "--out", out])
            self.assertEqual(rc, 1)
            self.assertIn("tap: ", printed.getvalue().splitlines()[-1])
            with open(out, encoding="utf-8") as f:
                lines = f.read().splitlines()
            self.assertTrue(lines)
            self.assertTrue(all(len(line.split("\t")) == 4 for line in lines))


class KunitRun(unittest.TestCase):
    """The console of a kunit.py run, as kunit-pseries.sh reads it."""

    def run_kunit(self, log, config):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.part")
            with redirect_stdout(io.StringIO()):
                rc = report.main(["kunit", fixture(log), "--config", fixture(config), "--out", out])
            with open(out, encoding="utf-8") as f:
                return rc, [line.split("\t")[:2] for line in f]

    def test_cases_and_expected_suites(self):
        rc, got = self.run_kunit("boot-kunit.log", "kunit.config")
        self.assertIn(["PASS", "kunit: kernel health"], got)
        self.assertIn(["PASS", "kunit: kunit: rust_kernel_kunit.rust_test_kunit_example_test"],
                      got)
        # The fixture's kernel has rust_kvec enabled but printed none, and a failing case.
        self.assertIn(["FAIL", "kunit: kunit suite rust_kvec ran"], got)
        self.assertIn(["FAIL", "kunit: kunit: kvm_hv_mce_exit.no_fwnmi_queues_with_srr1_bits"], got)
        self.assertEqual(rc, 1)

    def test_a_kernel_oops_fails(self):
        rc, got = self.run_kunit("boot-oops.log", "kunit.config")
        self.assertIn("FAIL", [st for st, name in got if name.endswith("kernel health")])
        self.assertEqual(rc, 1)



class EnvRuns(unittest.TestCase):
    """A tests.list line with NAME=VALUE words runs under its own name."""

    LINES = ["wbinit: running /tests/dirty_log_test[KVM_PPC_MMU=hash]",
             "1..1",
             "ok 1 mode_4k",
             "wbinit: /tests/dirty_log_test[KVM_PPC_MMU=hash] took 0.1 s",
             "wbinit: ok 1 - /tests/dirty_log_test[KVM_PPC_MMU=hash]",
             "wbinit: done 1 checks"]

    def test_unexpected_skip_fails(self):
        globs = ["init: /tests/irqfd_test"]
        rs = report.unexpected_skips("t", [
            report.Result(report.SKIP, "t: init: /tests/irqfd_test", "SKIP exit status 4"),
            report.Result(report.SKIP, "t: init: /tests/dirty_log_test[KVM_PPC_MMU=hash]",
                          "every case skipped"),
            report.Result(report.PASS, "t: init: /tests/x", "")], globs)
        self.assertEqual([r.status for r in rs], [report.SKIP, report.FAIL, report.PASS])
        self.assertIn("unexpected skip: every case skipped", rs[1].detail)

    def test_expected_skips_file_parses(self):
        globs = report.expected_skips()
        self.assertIn("init: /tests/vm_types_test", globs)
        self.assertFalse(any("\t" in g or g.startswith("#") for g in globs))

    def test_run_name(self):
        self.assertEqual(report.run_name(["KVM_PPC_MMU=hash", "A=1", "t", "-b", "X=2"]),
                         "t[KVM_PPC_MMU=hash,A=1]")
        self.assertEqual(report.run_name(["t", "-b", "X=2"]), "t")
        # WB_SETTLE_S is for /init: not in the name.
        self.assertEqual(report.run_name(["WB_SETTLE_S=6", "KVM_PPC_MMU=hash", "t"]),
                         "t[KVM_PPC_MMU=hash]")
        self.assertEqual(report.run_name(["WB_SETTLE_S=6", "t"]), "t")
        self.assertEqual(report.program("t[KVM_PPC_MMU=hash]"), "t")

    def test_expected_run_is_found(self):
        with tempfile.NamedTemporaryFile("w", suffix=".list") as f:
            f.write("dirty_log_test\nKVM_PPC_MMU=hash dirty_log_test\n")
            f.flush()
            tests = report.expected_tests(f.name)
        self.assertEqual(tests, ["dirty_log_test", "dirty_log_test[KVM_PPC_MMU=hash]"])
        r = Lookup(report.init_checks("t", self.LINES, tests[1:]))
        self.assertEqual(r.status("t: init: /tests/dirty_log_test[KVM_PPC_MMU=hash]"), "PASS")
        r = Lookup(report.selftests("t", self.LINES))
        self.assertEqual(r.status("t: selftest: dirty_log_test[KVM_PPC_MMU=hash]: mode_4k"),
                         "PASS")

if __name__ == "__main__":
    unittest.main(verbosity=1)
