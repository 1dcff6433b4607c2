// SPDX-License-Identifier: GPL-2.0
/*
 * Workload with a known hot range for the DAMON selftests.
 *
 * Usage: access_memory <total MiB> <hot offset MiB> <hot MiB> <seconds>
 *                      [stripe KiB]
 *
 * Maps <total MiB> of private anonymous memory and writes every page of it
 * once, so that the whole buffer is populated.  Then prints one line to
 * stdout, "<buf start> <buf end> <hot start> <hot end>" (decimal addresses,
 * end exclusive), and writes one byte of every page of the hot range in a
 * loop until <seconds> have passed (0 means until killed).  With a non-zero
 * stripe size, only the even-numbered stripes of the hot range are written,
 * which gives the monitor many small hot and cold areas.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static unsigned long parse(const char *arg, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || *end || end == arg) {
		fprintf(stderr, "access_memory: bad %s '%s'\n", what, arg);
		exit(2);
	}
	return v;
}

/*
 * Write one byte of a page.  The empty asm, which may read and write any
 * memory, keeps the compiler from dropping the store or merging the stores
 * of successive passes: every call really writes to the page.
 */
static void touch(char *p, char val)
{
	*p = val;
	asm volatile("" : : "r"(p) : "memory");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char *argv[])
{
	unsigned long total, hot_off, hot_sz, secs, stripe = 0;
	unsigned long page = sysconf(_SC_PAGESIZE);
	char *buf, *hot;
	unsigned long off;
	double deadline;

	if (argc != 5 && argc != 6) {
		fprintf(stderr,
			"usage: %s <total MiB> <hot offset MiB> <hot MiB> <seconds> [stripe KiB]\n",
			argv[0]);
		return 2;
	}
	total = parse(argv[1], "total size") << 20;
	hot_off = parse(argv[2], "hot offset") << 20;
	hot_sz = parse(argv[3], "hot size") << 20;
	secs = parse(argv[4], "duration");
	if (argc == 6)
		stripe = parse(argv[5], "stripe size") << 10;
	if (!total || hot_off > total || hot_sz > total - hot_off ||
	    (stripe && stripe % page)) {
		fprintf(stderr, "access_memory: inconsistent sizes\n");
		return 2;
	}

	buf = mmap(NULL, total, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("access_memory: mmap");
		return 1;
	}
	/* Keep 4 KiB mappings even if THP is set to "always". */
	madvise(buf, total, MADV_NOHUGEPAGE);
	for (off = 0; off < total; off += page)
		touch(buf + off, 1);

	hot = buf + hot_off;
	printf("%lu %lu %lu %lu\n", (unsigned long)buf,
	       (unsigned long)(buf + total), (unsigned long)hot,
	       (unsigned long)(hot + hot_sz));
	fflush(stdout);

	deadline = now() + secs;
	while (!secs || now() < deadline) {
		for (off = 0; off < hot_sz; off += page) {
			if (stripe && (off / stripe) % 2)
				continue;
			touch(hot + off, hot[off] + 1);
		}
		if (!hot_sz)
			usleep(10000);
	}
	munmap(buf, total);
	return 0;
}
