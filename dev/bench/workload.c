// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark workload: a buffer with one known hot range.
 *
 * It maps an anonymous buffer populated up front, writes one byte to
 * every page once, writes its ground truth, then writes one
 * byte per page over the hot range again and again until it is killed.
 * The rest of the buffer is never touched again.
 *
 * Ground truth (text file, addresses in hexadecimal, [start, end)):
 *
 *   buffer <start> <end>
 *   hot <start> <end>
 *   ready
 *
 * Usage: workload -s <buffer MiB> -a <hot offset MiB> -l <hot MiB>
 *                 -o <truth file>
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#define MIB (1024UL * 1024UL)

/* Keep the compiler from merging or dropping the stores to the buffer. */
static inline void barrier(void)
{
	__asm__ __volatile__("" : : : "memory");
}

static unsigned long parse_num(const char *arg, const char *what)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || end == arg || *end) {
		fprintf(stderr, "workload: bad %s '%s'\n", what, arg);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long size_mib = 1024, hot_off_mib = 0, hot_mib = 16;
	const char *truth = NULL;
	char *buf, *hot, *hot_end, *p;
	long page = sysconf(_SC_PAGESIZE);
	FILE *f;
	int opt;

	while ((opt = getopt(argc, argv, "s:a:l:o:")) != -1) {
		switch (opt) {
		case 's':
			size_mib = parse_num(optarg, "buffer size");
			break;
		case 'a':
			hot_off_mib = parse_num(optarg, "hot offset");
			break;
		case 'l':
			hot_mib = parse_num(optarg, "hot length");
			break;
		case 'o':
			truth = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: %s -s MiB -a MiB -l MiB -o truth\n",
				argv[0]);
			return 2;
		}
	}
	if (!truth || !size_mib || !hot_mib || page <= 0 ||
	    hot_off_mib + hot_mib > size_mib) {
		fprintf(stderr, "workload: need -o, and a hot range inside the buffer\n");
		return 2;
	}

	buf = mmap(NULL, size_mib * MIB, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED) {
		fprintf(stderr, "workload: mmap %lu MiB: %s\n", size_mib,
			strerror(errno));
		return 1;
	}
	/*
	 * Touch every page once.  MAP_POPULATE has already faulted them in
	 * with one system call: a fault per page costs a TLB flush per page
	 * in the PTI-enabled TCG guest, minutes for 8 GiB.
	 */
	for (p = buf; p < buf + size_mib * MIB; p += page) {
		*p = 1;
		barrier();
	}

	hot = buf + hot_off_mib * MIB;
	hot_end = hot + hot_mib * MIB;
	f = fopen(truth, "w");
	if (!f) {
		fprintf(stderr, "workload: %s: %s\n", truth, strerror(errno));
		return 1;
	}
	fprintf(f, "buffer %lx %lx\nhot %lx %lx\nready\n",
		(unsigned long)buf, (unsigned long)(buf + size_mib * MIB),
		(unsigned long)hot, (unsigned long)hot_end);
	if (fclose(f)) {
		fprintf(stderr, "workload: %s: %s\n", truth, strerror(errno));
		return 1;
	}

	for (;;) {
		for (p = hot; p < hot_end; p += page) {
			(*p)++;
			barrier();
		}
	}
	return 0;
}
