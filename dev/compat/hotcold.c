// SPDX-License-Identifier: GPL-2.0
/*
 * Workload for the damo compatibility step: one anonymous mapping, written
 * whole once, whose first half is then written again and again (hot) while
 * the second half is left alone (cold).
 *
 *	hotcold [MIB] [OUT]
 *
 * Maps MIB MiB (default 64), writes "start end" (the hot half is
 * [start, start + size / 2), the cold half the rest) to OUT (default
 * stdout) once the whole mapping is resident, then loops until killed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	size_t sz = (argc > 1 ? strtoul(argv[1], NULL, 0) : 64) << 20;
	const size_t page = 4096;
	volatile unsigned char *buf;
	unsigned long round = 0;
	FILE *out = stdout;
	size_t i;

	buf = mmap(NULL, sz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	/* Keep the cold half in 4 KiB pages that pageout can reclaim. */
	madvise((void *)buf, sz, MADV_NOHUGEPAGE);
	for (i = 0; i < sz; i += page)
		buf[i] = (unsigned char)(i / page) | 1;

	if (argc > 2) {
		out = fopen(argv[2], "w");
		if (!out) {
			perror(argv[2]);
			return 1;
		}
	}
	fprintf(out, "%lu %lu\n", (unsigned long)buf,
		(unsigned long)buf + sz);
	fclose(out);

	for (;;) {
		for (i = 0; i < sz / 2; i += page)
			buf[i] = (unsigned char)round;
		round++;
	}
}
