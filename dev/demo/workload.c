// SPDX-License-Identifier: GPL-2.0
/*
 * Workload for the `make run` demo: a buffer whose hot window moves.
 *
 * The buffer is mapped and populated once, then the program waits for
 * SIGUSR1 (sent once DAMON is on) and runs a number of phases.  In each
 * phase it writes one byte per page over a window of the buffer, again
 * and again, and leaves the rest of the buffer alone.  The window moves
 * to a new place at each phase.
 *
 * As it goes it appends its ground truth to a text file, one line per
 * fact, with CLOCK_MONOTONIC times in seconds:
 *
 *   buffer <start> <end>                  (hexadecimal, [start, end))
 *   ready <time>
 *   phase <n> <time> <hot start> <hot end>
 *   end <time>
 *
 * With -k it then waits for a second SIGUSR1 (or a minute) before it
 * exits, so that the monitoring can be turned off while it still lives.
 *
 * Usage: workload [-s buffer MiB] [-w window MiB] [-p phases]
 *                 [-t seconds per phase] [-o truth file] [-k]
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#define MIB (1024UL * 1024UL)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Where each phase puts its window, in 1/16ths of the free space. */
static const unsigned int window_pos[] = { 1, 12, 5, 15, 8, 0, 10, 3 };

/* Keep the compiler from folding or dropping the stores to the window. */
static void barrier(void)
{
	__asm__ __volatile__("" : : : "memory");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait for SIGUSR1 (blocked in @set), at most a minute. */
static int wait_usr1(const sigset_t *set)
{
	struct timespec wait_max = { .tv_sec = 60 };

	if (sigtimedwait(set, NULL, &wait_max) < 0 && errno != EAGAIN) {
		fprintf(stderr, "workload: sigtimedwait: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

static unsigned long parse_num(const char *arg, const char *what,
			       unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || end == arg || *end || v < min || v > max) {
		fprintf(stderr, "workload: bad %s '%s' (want %lu..%lu)\n",
			what, arg, min, max);
		exit(2);
	}
	return v;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"Usage: %s [-s buffer MiB] [-w window MiB] [-p phases]\n"
		"\t[-t seconds per phase] [-o truth file] [-k]\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long size_mib = 256, win_mib = 24, nr_phases = 5, secs = 5;
	const char *out_path = NULL;
	size_t size, win, page = sysconf(_SC_PAGESIZE);
	unsigned char *buf;
	sigset_t set;
	FILE *out = stdout;
	unsigned long p;
	int opt, keep = 0;

	while ((opt = getopt(argc, argv, "s:w:p:t:o:kh")) != -1) {
		switch (opt) {
		case 's':
			size_mib = parse_num(optarg, "buffer size", 2, 65536);
			break;
		case 'w':
			win_mib = parse_num(optarg, "window size", 1, 65536);
			break;
		case 'p':
			nr_phases = parse_num(optarg, "phase count", 1, 100);
			break;
		case 't':
			secs = parse_num(optarg, "phase seconds", 1, 3600);
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'k':
			keep = 1;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);
	if (win_mib >= size_mib) {
		fprintf(stderr,
			"workload: window (%lu MiB) must be smaller than the buffer (%lu MiB)\n",
			win_mib, size_mib);
		return 2;
	}
	size = size_mib * MIB;
	win = win_mib * MIB;

	if (out_path) {
		out = fopen(out_path, "w");
		if (!out) {
			fprintf(stderr, "workload: %s: %s\n", out_path,
				strerror(errno));
			return 1;
		}
	}
	setvbuf(out, NULL, _IOLBF, 0);

	/* Block SIGUSR1 before anyone can learn our pid and send it. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);

	/* Populated up front: faulting it in page by page is slow in TCG. */
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED) {
		fprintf(stderr, "workload: mmap %lu MiB: %s\n", size_mib,
			strerror(errno));
		return 1;
	}
	/* 4 KiB pages so that DAMON can see the window's real edges. */
	madvise(buf, size, MADV_NOHUGEPAGE);

	fprintf(out, "buffer 0x%lx 0x%lx\n", (unsigned long)buf,
		(unsigned long)buf + size);
	fprintf(out, "ready %.6f\n", now());

	/* Go when told to, or after a minute anyway. */
	if (wait_usr1(&set))
		return 1;

	for (p = 0; p < nr_phases; p++) {
		size_t slot = (size - win) / 16;
		size_t off = (slot * window_pos[p % ARRAY_SIZE(window_pos)]) & ~(page - 1);
		unsigned char *lo = buf + off, *hi = lo + win;
		double start = now(), stop = start + secs;
		unsigned long pass = 0;

		fprintf(out, "phase %lu %.6f 0x%lx 0x%lx\n", p, start,
			(unsigned long)lo, (unsigned long)hi);
		while (now() < stop) {
			unsigned char *q;

			for (q = lo; q < hi; q += page)
				*q += 1;
			barrier();
			pass++;
		}
		fprintf(stderr, "workload: phase %lu: %lu passes\n", p, pass);
	}
	fprintf(out, "end %.6f\n", now());
	if (keep && wait_usr1(&set))
		return 1;
	if (out != stdout)
		fclose(out);
	munmap(buf, size);
	return 0;
}
