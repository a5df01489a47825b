// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the test initramfs for the emulated POWER host.
 *
 * Mounts the pseudo file systems, loads the modules listed in
 * /modules.order, checks that KVM-HV came up, runs every executable in
 * /tests in name order, then powers the machine off. Its own checks are
 * printed as "wbinit: ok N - name" or "wbinit: not ok N - name"; the
 * host side counts them, and "wbinit: done" marks a complete run.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef KVM_VM_PPC_HV
#define KVM_VM_PPC_HV 1
#endif

static int checks;

static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("wbinit: %s %d - %s", ok ? "ok" : "not ok", ++checks, name);
	if (!ok && fmt) {
		printf(" # ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
}

static void mount_or_warn(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY)
		printf("wbinit: mount %s on %s: %s\n", type, dst, strerror(errno));
}

static int load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

static void load_modules(void)
{
	char line[256];
	FILE *f = fopen("/modules.order", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char name[300];
		int ret;

		line[strcspn(line, "\n")] = 0;
		if (!line[0])
			continue;
		ret = load_module(line);
		snprintf(name, sizeof(name), "load %s", line);
		check(ret == 0, name, "%s", strerror(-ret));
	}
	fclose(f);
}

static void check_kvm(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int vm;

	check(kvm >= 0, "/dev/kvm opens", "%s", strerror(errno));
	if (kvm < 0)
		return;
	check(ioctl(kvm, KVM_GET_API_VERSION, 0) == KVM_API_VERSION,
	      "KVM_GET_API_VERSION", "not %d", KVM_API_VERSION);
	vm = ioctl(kvm, KVM_CREATE_VM, KVM_VM_PPC_HV);
	check(vm >= 0, "KVM_CREATE_VM(KVM_VM_PPC_HV)", "%s", strerror(errno));
	if (vm >= 0)
		close(vm);
	close(kvm);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void run_tests(void)
{
	struct dirent **ents;
	int n = scandir("/tests", &ents, NULL, by_name);

	for (int i = 0; i < n; i++) {
		char path[512];
		int status;
		pid_t pid;

		if (ents[i]->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/tests/%s", ents[i]->d_name);
		printf("wbinit: running %s\n", path);
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			execl(path, path, (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0) {
			check(0, path, "fork/wait: %s", strerror(errno));
			continue;
		}
		check(WIFEXITED(status) && WEXITSTATUS(status) == 0, path,
		      "exit status %d",
		      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
}

int main(void)
{
	mount_or_warn("devtmpfs", "/dev", "devtmpfs");
	mount_or_warn("proc", "/proc", "proc");
	mount_or_warn("sysfs", "/sys", "sysfs");
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("wbinit: start\n");

	load_modules();
	check_kvm();
	run_tests();

	printf("wbinit: done %d checks\n", checks);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
