// SPDX-License-Identifier: GPL-2.0-only
/*
 * The workbench's benchmark VMM, not part of the series: the machine
 * check to KVM_EXIT_NMI round trip as a VMM sees it.
 *
 * A guest with FWNMI enabled loads, over and over, from a page that the
 * VMM backed with mmap(/dev/mem) of a host-physical address nothing
 * answers (QEMU powernv: any unassigned address; 0x80000000 with -m 2G):
 * each load is a real machine check on the emulated host and comes back
 * as KVM_EXIT_NMI (hardware_exit_reason 0x200, not recovered). The time of
 * each KVM_RUN that returns one is printed, 16 to a line ("wb-bench:
 * rtt_ns ..."), after WARMUP runs that are not. On a kernel with
 * bench/instrument.patch (/sys/module/kvm_hv/parameters/wb_bench_dump),
 * the counts of the warm-up runs are cleared, and the kernel is asked to
 * print the instructions it counted for each timed exit.
 *
 * Built by scripts/bench.sh into the bench kernel's KVM selftests, with
 * their library:  mce_bench [-n EVENTS] [-a ADDRESS]
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"

#define MCE_SLOT	10
#define MCE_GPA		BIT_ULL(32)
#define MCE_GVA		BIT_ULL(40)
#define MCE_SIZE	0x10000ULL
#define WARMUP		10
#define PER_LINE	16
#define MAX_EVENTS	4096	/* WB_BENCH_MAX of bench/instrument.patch */
#define DUMP		"/sys/module/kvm_hv/parameters/wb_bench_dump"

static void guest_code(void)
{
	for (;;)
		asm volatile("ld %%r0, 0(%0)" : : "b" (MCE_GVA) : "r0", "memory");
}

/* Write to the instrumentation's parameter, if the kernel has it. */
static bool bench_param(const char *what)
{
	int fd = open(DUMP, O_WRONLY);

	if (fd < 0 && errno == ENOENT)
		return false;
	TEST_ASSERT(fd >= 0, DUMP ": %s", strerror(errno));
	TEST_ASSERT(write(fd, what, strlen(what)) == (ssize_t)strlen(what),
		    DUMP " <- %s: %s", what, strerror(errno));
	close(fd);
	return true;
}

static u64 ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000ULL + b->tv_nsec - a->tv_nsec;
}

int main(int argc, char *argv[])
{
	u64 paddr = 0x80000000ULL, events = 2000, *rtt;
	struct kvm_vcpu *vcpu;
	struct kvm_regs regs;
	struct kvm_vm *vm;
	bool counted = false;
	int opt, fd;
	void *hva;

	while ((opt = getopt(argc, argv, "n:a:")) != -1) {
		switch (opt) {
		case 'n':
			events = strtoull(optarg, NULL, 0);
			break;
		case 'a':
			paddr = strtoull(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-n EVENTS] [-a ADDRESS]\n", argv[0]);
			exit(KSFT_FAIL);
		}
	}
	TEST_ASSERT(events > 0 && events <= MAX_EVENTS, "-n: 1 to %d events, not %" PRIu64,
		    MAX_EVENTS, events);
	rtt = calloc(events, sizeof(*rtt));
	TEST_ASSERT(rtt, "calloc");

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	TEST_ASSERT(fd >= 0, "/dev/mem: %s", strerror(errno));
	hva = mmap(NULL, MCE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, paddr);
	TEST_ASSERT(hva != MAP_FAILED, "mmap(/dev/mem, 0x%" PRIx64 "): %s", paddr, strerror(errno));
	close(fd);
	vm_set_user_memory_region(vm, MCE_SLOT, 0, MCE_GPA, MCE_SIZE, hva);
	virt_map(vm, MCE_GVA, MCE_GPA, MCE_SIZE / vm->page_size);
	vcpu_enable_cap(vcpu, KVM_CAP_PPC_FWNMI, 0);

	for (u64 i = 0; i < events + WARMUP; i++) {
		struct timespec t0, t1;

		if (i == WARMUP)
			counted = bench_param("reset");
		clock_gettime(CLOCK_MONOTONIC, &t0);
		vcpu_run(vcpu);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_NMI);
		TEST_ASSERT(vcpu->run->hw.hardware_exit_reason == 0x200,
			    "hardware_exit_reason 0x%llx",
			    (unsigned long long)vcpu->run->hw.hardware_exit_reason);
		TEST_ASSERT((vcpu->run->flags & KVM_RUN_PPC_NMI_DISP_MASK) ==
			    KVM_RUN_PPC_NMI_DISP_NOT_RECOV, "run->flags 0x%x",
			    vcpu->run->flags);
		if (i >= WARMUP)
			rtt[i - WARMUP] = ns_between(&t0, &t1);
		/* Past the load, as the guest's FWNMI handler would go. */
		vcpu_regs_get(vcpu, &regs);
		regs.pc += 4;
		vcpu_regs_set(vcpu, &regs);
	}

	printf("wb-bench: %" PRIu64 " machine checks at 0x%" PRIx64 ", %d warm-up runs not timed\n",
	       events, paddr, WARMUP);
	for (u64 i = 0; i < events; i += PER_LINE) {
		printf("wb-bench: rtt_ns");
		for (u64 j = i; j < i + PER_LINE && j < events; j++)
			printf(" %" PRIu64, rtt[j]);
		printf("\n");
	}
	fflush(stdout);

	if (counted)
		bench_param("dump");
	else
		printf("wb-bench: no instruction counts (kvm-hv without bench/instrument.patch)\n");
	fflush(stdout);
	kvm_vm_free(vm);
	free(rtt);
	return 0;
}
