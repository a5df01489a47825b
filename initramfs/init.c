// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the test initramfs for the emulated POWER host.
 *
 * Mounts the pseudo file systems, loads the modules listed in
 * /modules.order, checks that KVM-HV came up, runs the test programs
 * /tests/list names, then powers the machine off. Its own checks are
 * printed as "wbinit: ok N - name" or "wbinit: not ok N - name"; the
 * host side counts them, and "wbinit: done" marks a complete run.
 *
 * Everything /init and the tests print goes to the console through
 * /dev/kmsg, a line a record. Written to the console directly, a line
 * could be cut in two by a kernel message printed meanwhile (a machine
 * check report, say), and the host side would misread it.
 */
#define _GNU_SOURCE
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
#include <time.h>
#include <signal.h>
#include <unistd.h>

#ifndef KVM_VM_PPC_HV
#define KVM_VM_PPC_HV 1
#endif

static int checks;
static pid_t logger = -1;

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

/*
 * Copy lines from @in to /dev/kmsg, a write() a line; a record holds at
 * most 1024 bytes, so longer lines are split. Should /dev/kmsg refuse a
 * line, it goes to @console instead: nothing is lost.
 */
static void copy_lines(int in, int kmsg, int console)
{
	char buf[960], rec[sizeof(buf) + 8];
	size_t len = 0;

	for (;;) {
		ssize_t n = read(in, buf + len, sizeof(buf) - len);
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0)
			len += n;
		/* Every whole line; at the end, or when full, what is left. */
		while ((nl = memchr(buf, '\n', len)) ||
		       (len && (n <= 0 || len == sizeof(buf)))) {
			size_t line = nl ? (size_t)(nl - buf) : len;
			int r = snprintf(rec, sizeof(rec), "<14>%.*s\n", (int)line, buf);

			if (write(kmsg, rec, r) != r)
				(void)!write(console, rec + 4, r - 4);
			line += !!nl;
			memmove(buf, buf + line, len - line);
			len -= line;
		}
		if (n <= 0)
			return;
	}
}

/*
 * From here on, standard output and error of /init and of everything it
 * starts go to a pipe, and a child process copies them to /dev/kmsg.
 */
static void log_through_kmsg(void)
{
	int fds[2], kmsg, console, sysctl;

	sysctl = open("/proc/sys/kernel/printk_devkmsg", O_WRONLY | O_CLOEXEC);
	check(sysctl >= 0 && write(sysctl, "on\n", 3) == 3,
	      "/dev/kmsg takes every line (printk_devkmsg=on)", "%s",
	      strerror(errno));
	if (sysctl >= 0)
		close(sysctl);
	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	console = dup(STDOUT_FILENO);
	if (kmsg < 0 || console < 0 || pipe(fds)) {
		check(0, "console through /dev/kmsg", "%s", strerror(errno));
		return;
	}
	logger = fork();
	if (logger < 0) {
		check(0, "console through /dev/kmsg", "fork: %s", strerror(errno));
		return;
	}
	if (logger == 0) {
		close(fds[1]);
		copy_lines(fds[0], kmsg, console);
		_exit(0);
	}
	close(fds[0]);
	close(kmsg);
	close(console);
	fflush(stdout);
	dup2(fds[1], STDOUT_FILENO);
	dup2(fds[1], STDERR_FILENO);
	close(fds[1]);
}

/*
 * Let the logger copy what is left. A process that still holds the pipe
 * (an orphan of a killed test) must not stop the power-off.
 */
static void stop_logging(void)
{
	int console;

	if (logger < 0)
		return;
	console = open("/dev/console", O_WRONLY | O_CLOEXEC);
	fflush(stdout);
	close(STDOUT_FILENO);
	close(STDERR_FILENO);
	if (console >= 0) {
		dup2(console, STDOUT_FILENO);
		dup2(console, STDERR_FILENO);
		close(console);
	}
	for (int ms = 0; waitpid(logger, NULL, WNOHANG) == 0; ms += 100) {
		if (ms >= 10000) {
			printf("wbinit: the console logger did not finish\n");
			kill(logger, SIGKILL);
			break;
		}
		usleep(100 * 1000);
	}
}

/*
 * The kernel parameter wbinit.smt=off takes every thread but the first
 * of each core offline, as ppc64_cpu --smt=off does: KVM-HV on POWER8
 * runs guests only on cores whose other threads it can take over, which
 * are those brought up and then taken offline (not those that
 * smt-enabled=off or maxcpus= never start).
 */
static void smt_off(void)
{
	char path[128], buf[64];
	int cpu, n = 0, failed = 0;

	for (cpu = 1; ; cpu++) {
		FILE *f;
		int fd;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", cpu);
		if (access(path, F_OK))
			break;
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", cpu);
		f = fopen(path, "r");
		if (!f)
			continue;	/* offline already */
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
		if (atoi(buf) == cpu)
			continue;	/* the first thread of its core */
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, "0", 1) != 1) {
			printf("wbinit: cpu%d stays online: %s\n", cpu, strerror(errno));
			failed++;
		} else {
			n++;
		}
		if (fd >= 0)
			close(fd);
	}
	check(!failed && n > 0, "wbinit.smt=off: secondary threads offline",
	      "%d offline, %d failed", n, failed);
}

/*
 * A test program that runs longer than this is killed and fails. It is
 * well below boot.sh's limit for the whole boot, so that a hung test is
 * named and the other results are kept. The kernel parameter
 * wbinit.timeout=SECONDS sets it.
 */
static int test_timeout_s = 180;

static void read_cmdline(void)
{
	char buf[4096], *p;
	FILE *f = fopen("/proc/cmdline", "r");
	size_t n;

	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strstr(buf, "wbinit.timeout=");
	if (p) {
		int t = atoi(p + strlen("wbinit.timeout="));

		check(t > 0, "wbinit.timeout is a positive number of seconds",
		      "'%.20s'", p);
		if (t > 0)
			test_timeout_s = t;
	}
	printf("wbinit: per-test time limit %d s\n", test_timeout_s);
	if (strstr(buf, "wbinit.smt=off"))
		smt_off();
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * Run argv, with the NAME=VALUE strings of env (NULL-terminated) added to
 * its environment, in a process group of its own, and kill what is left
 * of the group when it ends or after test_timeout_s. Returns 1 if it
 * timed out, 0 if not, -errno if it could not be run or waited for.
 */
static int run_one(char *argv[], char *env[], int *status)
{
	struct timespec t0;
	int ret = 0;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		setpgid(0, 0);
		for (; *env; env++)
			putenv(*env);
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	for (;;) {
		pid_t done = waitpid(pid, status, WNOHANG);

		if (done == pid)
			break;
		if (done < 0) {
			ret = -errno;
			break;
		}
		if (seconds_since(&t0) >= test_timeout_s) {
			kill(-pid, SIGKILL);
			waitpid(pid, status, 0);
			ret = 1;
			break;
		}
		usleep(100 * 1000);
	}
	/* Nothing it started may run on into the next test. */
	kill(-pid, SIGKILL);
	return ret;
}

/*
 * Run the programs that /tests/list names, one a line with its
 * arguments, in order, each after the NAME=VALUE words that come before
 * it (environment variables for it; they name the run too, as
 * "/tests/PROG[NAME=VALUE,...]"), but for WB_SETTLE_S=N, which is for
 * this runner: wait N seconds before the run. Exit status 4 is
 * kselftest's "skipped".
 */
static void run_tests(void)
{
	FILE *f = fopen("/tests/list", "r");
	char line[512];

	check(f != NULL, "/tests/list opens", "%s", strerror(errno));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *argv[32], *env[8], *tok, *save = NULL;
		int argc = 0, envc = 0, settle = 0, status, code, timed_out;
		struct timespec t0;
		char path[300], name[600];
		size_t len;

		line[strcspn(line, "\n")] = 0;
		for (tok = strtok_r(line, " ", &save); tok && argc < 31;
		     tok = strtok_r(NULL, " ", &save)) {
			if (!argc && !strncmp(tok, "WB_SETTLE_S=", 12))
				settle = atoi(tok + 12);
			else if (!argc && envc < 7 && tok[0] != '#' && strchr(tok, '='))
				env[envc++] = tok;
			else
				argv[argc++] = tok;
		}
		if (!argc || argv[0][0] == '#')
			continue;
		argv[argc] = NULL;
		env[envc] = NULL;
		snprintf(path, sizeof(path), "/tests/%s", argv[0]);
		argv[0] = path;
		len = snprintf(name, sizeof(name), "%s", path);
		for (int i = 0; i < envc && len < sizeof(name); i++)
			len += snprintf(name + len, sizeof(name) - len, "%c%s",
					i ? ',' : '[', env[i]);
		if (envc && len < sizeof(name))
			snprintf(name + len, sizeof(name) - len, "]");

		if (settle > 0) {
			printf("wbinit: waiting %d s before %s\n", settle, name);
			fflush(stdout);
			sleep(settle);
		}
		printf("wbinit: running %s\n", name);
		fflush(stdout);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		timed_out = run_one(argv, env, &status);
		printf("wbinit: %s took %.1f s\n", name, seconds_since(&t0));
		if (timed_out < 0) {
			check(0, name, "fork/wait: %s", strerror(-timed_out));
			continue;
		}
		code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (code == 4) {
			printf("wbinit: ok %d - %s # SKIP exit status 4\n", ++checks, name);
			continue;
		}
		if (timed_out)
			check(0, name, "exit status %d, killed after %d s", code,
			      test_timeout_s);
		else
			check(code == 0, name, "exit status %d", code);
	}
	fclose(f);
}

int main(void)
{
	mount_or_warn("devtmpfs", "/dev", "devtmpfs");
	mount_or_warn("proc", "/proc", "proc");
	mount_or_warn("sysfs", "/sys", "sysfs");
	/* glibc's sem_open() needs only the directory; there is no tmpfs. */
	mkdir("/dev/shm", 01777);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("wbinit: start\n");

	log_through_kmsg();
	read_cmdline();
	load_modules();
	check_kvm();
	run_tests();

	printf("wbinit: done %d checks\n", checks);
	stop_logging();
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
