// SPDX-License-Identifier: GPL-2.0
/*
 * Workload whose hot set shrinks, for the DAMON_LRU_SORT selftest.
 *
 * Usage: access_phases <total MiB> <hot MiB>
 *
 * Maps <total MiB> of private anonymous memory with 4 KiB pages, writes
 * every page of it once and prints "<buf start> <buf end>" (decimal, end
 * exclusive).  Then writes one byte of every page of the whole buffer in a
 * loop, until SIGUSR1 arrives; from then on it writes only the pages of the
 * first <hot MiB>, until killed.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Lock-free, so the signal handler may set it. */
static atomic_int shrunk;

static void on_usr1(int sig)
{
	(void)sig;
	atomic_store(&shrunk, 1);
}

static unsigned long parse(const char *arg, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || *end || end == arg) {
		fprintf(stderr, "access_phases: bad %s '%s'\n", what, arg);
		exit(2);
	}
	return v;
}

/* See access_memory.c: the asm keeps every store. */
static void touch(char *p, char val)
{
	*p = val;
	asm volatile("" : : "r"(p) : "memory");
}

int main(int argc, char *argv[])
{
	unsigned long page = sysconf(_SC_PAGESIZE);
	unsigned long total, hot, off, sz;
	struct sigaction sa = { .sa_handler = on_usr1 };
	char *buf;

	if (argc != 3) {
		fprintf(stderr, "usage: %s <total MiB> <hot MiB>\n", argv[0]);
		return 2;
	}
	total = parse(argv[1], "total size") << 20;
	hot = parse(argv[2], "hot size") << 20;
	if (!total || hot > total) {
		fprintf(stderr, "access_phases: inconsistent sizes\n");
		return 2;
	}
	if (sigaction(SIGUSR1, &sa, NULL)) {
		perror("access_phases: sigaction");
		return 1;
	}

	buf = mmap(NULL, total, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("access_phases: mmap");
		return 1;
	}
	madvise(buf, total, MADV_NOHUGEPAGE);
	for (off = 0; off < total; off += page)
		touch(buf + off, 1);
	printf("%lu %lu\n", (unsigned long)buf, (unsigned long)(buf + total));
	fflush(stdout);

	for (;;) {
		sz = atomic_load(&shrunk) ? hot : total;
		for (off = 0; off < sz; off += page)
			touch(buf + off, buf[off] + 1);
		if (!sz)
			usleep(10000);
	}
	return 0;
}
