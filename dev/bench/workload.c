// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark workload: a buffer with known hot, warm and cold ranges.
 *
 * It maps an anonymous buffer populated up front, writes one byte to every
 * page once, then accesses a pattern of ranges until it is killed, and
 * writes the ground truth as it goes.  A range is either swept continuously
 * (one byte written per page, over and over) or swept once every period
 * milliseconds; everything else is never touched again.
 *
 * Kinds (-k):
 *   static   one hot range of -l KiB at -a MiB (default: the middle)
 *   move     one hot range of -l KiB that jumps to another random place
 *            after each phase; phases last -m MIN:MAX ms (uniform)
 *   scatter  -n hot ranges of 64..512 KiB (64 KiB steps) at random
 *            places, one per n-th of the buffer
 *   zipf     -n ranges of -l KiB at random places; the range of rank i
 *            (0-based) is swept every i ms (rank 0 continuously): access
 *            frequency ~ 1/i, a Zipf law of exponent 1
 *   warm     one hot range of -l KiB and one warm range of -w KiB swept
 *            every -p ms
 *
 * A range is "hot" in the ground truth when it is swept at least every
 * HOT_PERIOD_MS (10 ms, twice the benchmark's 5 ms sampling interval): its
 * pages are then found accessed in at least about half of the sampling
 * intervals, which is what "nr_accesses >= half the maximum" selects.
 * Slower ranges are written as "warm" lines and count as not hot.
 *
 * Ground truth (text file; addresses hexadecimal, [start, end); times are
 * CLOCK_MONOTONIC seconds, the clock of tracefs' "mono" trace_clock):
 *
 *   space vaddr|paddr
 *   buffer <start> <end>           (virtual, also with -P)
 *   phase <n> <time>               (then the phase's ranges:)
 *   hot <start> <end>
 *   warm <start> <end> <period ms>
 *   ready <time>
 *   phase ...                      (move: one block per later phase)
 *   count <time> <pages touched> <ns sweeping> <compute iterations>
 *         <ns computing>           (on each SIGUSR1: for the access rate)
 *
 * With -P the hot and warm lines give physical addresses, read from
 * /proc/self/pagemap (needs root), merged where the frames are contiguous;
 * for the paddr operations set.  -r seeds the random layout.
 *
 * Server mode (-c): populating costs 10-25 s per GiB in the TCG guest, so
 * the workload can populate once (-s, the largest target), print
 * "populated <time>" and then, on each SIGUSR2, read the next scenario's
 * arguments (the options above, on one line) from the command file, shrink
 * the buffer to its -s (unmapping its low end) and start over with a new
 * truth file.
 *
 * Usage: workload -s <buffer MiB> -o <truth file> [-k kind] [-l KiB]
 *                 [-a MiB] [-n N] [-m MIN:MAX] [-w KiB] [-p ms] [-r seed] [-P]
 *        workload -s <largest MiB> -c <command file>
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#define KIB 1024UL
#define MIB (1024UL * 1024UL)
#define HOT_PERIOD_MS 10
#define MAX_RANGES 256
#define COMPUTE_ITERS 8192

/* Keep the compiler from merging or dropping the stores to the buffer. */
static inline void barrier(void)
{
	__asm__ __volatile__("" : : : "memory");
}

struct range {
	char *start, *end;
	unsigned long period_ns;	/* 0: continuously */
	unsigned long len;
	unsigned long next_due;
};

static struct range ranges[MAX_RANGES];
static int nr_ranges;
static char *buf;
static unsigned long buf_len;
static long page;
static FILE *truth;
static int paddr;
static volatile sig_atomic_t count_req, cmd_req;
static volatile unsigned long long sink;
#define SEED 0x2545f4914f6cdd1dULL
static unsigned long long seed = SEED;

static void die(const char *what)
{
	fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
	exit(1);
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

static unsigned long rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned long)seed;
}

static unsigned long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000UL + ts.tv_nsec;
}

static void on_usr1(int sig)
{
	(void)sig;
	count_req = 1;
}

static void on_usr2(int sig)
{
	(void)sig;
	cmd_req = 1;
}

/* Physical address of the page at @p, or 0 when pagemap does not say. */
static unsigned long phys(int fd, char *p)
{
	uint64_t e;
	off_t off = ((unsigned long)p / page) * sizeof(e);

	if (pread(fd, &e, sizeof(e), off) != sizeof(e))
		die("pagemap");
	if (!(e & (1ULL << 63)) || !(e & ((1ULL << 55) - 1)))
		return 0;
	return (e & ((1ULL << 55) - 1)) * page;
}

/* Write one truth line per range, physical ones merged for -P. */
static void truth_range(const char *tag, struct range *r)
{
	char extra[32] = "";
	unsigned long s = 0, e = 0, a;
	char *p;
	int fd;

	if (r->period_ns)
		snprintf(extra, sizeof(extra), " %lu", r->period_ns / 1000000);
	if (!paddr) {
		fprintf(truth, "%s %lx %lx%s\n", tag, (unsigned long)r->start,
			(unsigned long)r->end, extra);
		return;
	}
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		die("/proc/self/pagemap");
	for (p = r->start; p < r->end; p += page) {
		a = phys(fd, p);
		if (!a) {
			fprintf(stderr, "workload: no PFN in pagemap (not root?)\n");
			exit(1);
		}
		if (a == e) {
			e += page;
			continue;
		}
		if (e)
			fprintf(truth, "%s %lx %lx%s\n", tag, s, e, extra);
		s = a;
		e = a + page;
	}
	if (e)
		fprintf(truth, "%s %lx %lx%s\n", tag, s, e, extra);
	close(fd);
}

static void write_phase(int n)
{
	int i;

	fprintf(truth, "phase %d %.6f\n", n, now_ns() / 1e9);
	for (i = 0; i < nr_ranges; i++) {
		unsigned long ms = ranges[i].period_ns / 1000000;

		truth_range(ms <= HOT_PERIOD_MS ? "hot" : "warm", &ranges[i]);
	}
	if (fflush(truth))
		die("truth file");
}

/* A random, @align-aligned place for @len bytes inside [lo, hi). */
static char *place(unsigned long lo, unsigned long hi, unsigned long len,
		   unsigned long align)
{
	unsigned long slots = (hi - lo - len) / align + 1;

	return buf + lo + (rnd() % slots) * align;
}

static void add(char *start, unsigned long len, unsigned long period_ms)
{
	struct range *r = &ranges[nr_ranges++];

	r->start = start;
	r->len = len;
	r->end = start + len;
	r->period_ns = period_ms * 1000000;
	r->next_due = 0;
}

static void sweep(struct range *r)
{
	char *p;

	for (p = r->start; p < r->end; p += page) {
		(*p)++;
		barrier();
	}
}

/* The current scenario's pattern, set by setup(). */
static int move;
static unsigned long hot_kib, move_min, move_max;

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s -s MiB -o truth [-k static|move|scatter|zipf|warm] [-l KiB] [-a MiB] [-n N] [-m MIN:MAX] [-w KiB] [-p ms] [-r seed] [-P]\n"
		"       %s -s MiB -c cmdfile   (server: populate once, take scenarios on SIGUSR2)\n",
		prog, prog);
	exit(2);
}

static void populate(unsigned long len)
{
	char *p;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		die("mmap");
	/*
	 * Touch every page once.  MAP_POPULATE has already faulted them in
	 * with one system call: a fault per page costs a TLB flush per page
	 * in the PTI-enabled TCG guest, minutes for 8 GiB.
	 */
	for (p = buf; p < buf + len; p += page) {
		*p = 1;
		barrier();
	}
	buf_len = len;
}

/*
 * Parse one scenario's arguments and lay its ranges out in the buffer
 * (mapped and populated first, or shrunk to -s), then write the ground
 * truth up to "ready".  Returns the time phase 0 started.
 */
static unsigned long setup(int argc, char **argv, int server)
{
	unsigned long size_mib = 1024, warm_kib = 64 * KIB, off_mib = ~0UL;
	unsigned long n = 48, warm_ms = 50, t;
	const char *kind = "static", *path = NULL, *cmdfile = NULL;
	char *p;
	int opt, i;

	seed = SEED;
	hot_kib = 16 * KIB;
	move_min = 1000;
	move_max = 2000;
	paddr = 0;
	optind = 1;
	while ((opt = getopt(argc, argv, "s:o:k:l:a:n:m:w:p:r:Pc:")) != -1) {
		switch (opt) {
		case 's':
			size_mib = parse_num(optarg, "buffer size");
			break;
		case 'o':
			path = optarg;
			break;
		case 'k':
			kind = optarg;
			break;
		case 'l':
			hot_kib = parse_num(optarg, "hot length");
			break;
		case 'a':
			off_mib = parse_num(optarg, "hot offset");
			break;
		case 'n':
			n = parse_num(optarg, "range count");
			break;
		case 'm':
			if (sscanf(optarg, "%lu:%lu", &move_min, &move_max) != 2 ||
			    !move_min || move_max < move_min) {
				fprintf(stderr, "workload: bad -m '%s'\n", optarg);
				exit(2);
			}
			break;
		case 'w':
			warm_kib = parse_num(optarg, "warm length");
			break;
		case 'p':
			warm_ms = parse_num(optarg, "warm period");
			break;
		case 'r':
			seed ^= parse_num(optarg, "seed") * 0x9e3779b97f4a7c15ULL;
			break;
		case 'P':
			paddr = 1;
			break;
		case 'c':
			cmdfile = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (!buf) {
		if (!size_mib)
			usage(argv[0]);
		populate(size_mib * MIB);
	} else if (size_mib * MIB < buf_len) {
		/*
		 * Shrink from below: the freed range joins the unmapped gap
		 * under the mmap area, the biggest one, which the vaddr ops
		 * leave out.  Cutting the top instead would leave a hole
		 * between the buffer and the libraries that DAMON monitors.
		 */
		unsigned long cut = buf_len - size_mib * MIB;

		if (munmap(buf, cut))
			die("munmap");
		buf += cut;
		buf_len = size_mib * MIB;
	} else if (size_mib * MIB > buf_len) {
		fprintf(stderr, "workload: cannot grow the buffer to %lu MiB\n",
			size_mib);
		exit(2);
	}
	if (cmdfile && !server)
		return 0;
	hot_kib = (hot_kib + 3) / 4 * 4;
	if (strcmp(kind, "warm"))
		warm_kib = 0;
	if (!path || !hot_kib || hot_kib * KIB + warm_kib * KIB > buf_len ||
	    !n || n > MAX_RANGES || n * 512 * KIB > buf_len) {
		fprintf(stderr, "workload: need -o, and ranges that fit the buffer\n");
		exit(2);
	}

	nr_ranges = 0;
	move = !strcmp(kind, "move");
	if (!strcmp(kind, "static") || move) {
		if (off_mib == ~0UL || move)
			p = buf + (buf_len / 2 - hot_kib * KIB / 2) / MIB * MIB;
		else
			p = buf + off_mib * MIB;
		if (p + hot_kib * KIB > buf + buf_len) {
			fprintf(stderr, "workload: hot range outside the buffer\n");
			exit(2);
		}
		add(p, hot_kib * KIB, 0);
	} else if (!strcmp(kind, "scatter")) {
		unsigned long slot = buf_len / n / (64 * KIB) * (64 * KIB);

		for (i = 0; i < (int)n; i++) {
			unsigned long len = (1 + rnd() % 8) * 64 * KIB;

			add(place(i * slot, (i + 1) * slot, len, 64 * KIB), len, 0);
		}
	} else if (!strcmp(kind, "zipf")) {
		unsigned long slot = buf_len / n / page * page;

		if (hot_kib * KIB > slot) {
			fprintf(stderr, "workload: -n ranges of -l KiB do not fit\n");
			exit(2);
		}
		for (i = 0; i < (int)n; i++)
			add(place(i * slot, (i + 1) * slot, hot_kib * KIB, page),
			    hot_kib * KIB, i);
	} else if (!strcmp(kind, "warm")) {
		/* Hot in the first half, warm in the second. */
		add(place(0, buf_len / 2, hot_kib * KIB, MIB), hot_kib * KIB, 0);
		add(place(buf_len / 2, buf_len, warm_kib * KIB, MIB),
		    warm_kib * KIB, warm_ms);
	} else {
		fprintf(stderr, "workload: unknown kind '%s'\n", kind);
		exit(2);
	}

	if (truth)
		fclose(truth);
	truth = fopen(path, "w");
	if (!truth)
		die(path);
	fprintf(truth, "space %s\nkind %s\nbuffer %lx %lx\n",
		paddr ? "paddr" : "vaddr", kind, (unsigned long)buf,
		(unsigned long)(buf + buf_len));
	t = now_ns();
	write_phase(0);
	fprintf(truth, "ready %.6f\n", now_ns() / 1e9);
	if (fflush(truth))
		die(path);
	return t;
}

/* Read the next scenario's arguments from @cmdfile and set it up. */
static unsigned long command(const char *cmdfile, const char *prog)
{
	static char line[4096];
	char *args[64], *tok, *save = NULL;
	int n = 0;
	FILE *f = fopen(cmdfile, "r");

	if (!f || !fgets(line, sizeof(line), f))
		die(cmdfile);
	fclose(f);
	args[n++] = (char *)prog;
	for (tok = strtok_r(line, " \t\n", &save); tok && n < 63;
	     tok = strtok_r(NULL, " \t\n", &save))
		args[n++] = tok;
	args[n] = NULL;
	return setup(n, args, 1);
}

static unsigned long phase_len(void)
{
	return (move_min + rnd() % (move_max - move_min + 1)) * 1000000;
}

int main(int argc, char **argv)
{
	unsigned long touched = 0, t, t2, phase_end = 0;
	unsigned long sweep_ns = 0, comp_ns = 0, comp_iters = 0;
	const char *cmdfile = NULL;
	sigset_t set, old;
	char *p, *prev;
	int i, phase = 0;

	page = sysconf(_SC_PAGESIZE);
	if (page != 4096) {
		fprintf(stderr, "workload: 4 KiB pages only\n");
		return 2;
	}
	for (i = 1; i < argc - 1; i++)
		if (!strcmp(argv[i], "-c"))
			cmdfile = argv[i + 1];
	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr2);
	t = setup(argc, argv, 0);
	if (cmdfile) {
		/* Server: say so, then wait for the first scenario. */
		printf("populated %.6f\n", now_ns() / 1e9);
		fflush(stdout);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigprocmask(SIG_BLOCK, &set, &old);
		while (!cmd_req)
			sigsuspend(&old);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	if (move)
		phase_end = t + phase_len();

	for (;;) {
		if (cmd_req) {
			cmd_req = 0;
			t = command(cmdfile, argv[0]);
			phase = 0;
			touched = sweep_ns = comp_ns = comp_iters = 0;
			if (move)
				phase_end = t + phase_len();
		}
		t = now_ns();
		if (move && t >= phase_end) {
			/* Somewhere else, at least one hot length away. */
			prev = ranges[0].start;
			do {
				p = place(0, buf_len, hot_kib * KIB, MIB);
			} while (p < prev + hot_kib * KIB && p + hot_kib * KIB > prev);
			ranges[0].start = p;
			ranges[0].end = p + hot_kib * KIB;
			write_phase(++phase);
			phase_end = t + phase_len();
		}
		if (count_req) {
			count_req = 0;
			fprintf(truth, "count %.6f %lu %lu %lu %lu\n", t / 1e9,
				touched, sweep_ns, comp_iters, comp_ns);
			fflush(truth);
		}
		for (i = 0; i < nr_ranges; i++) {
			struct range *r = &ranges[i];

			if (r->period_ns) {
				if (t < r->next_due)
					continue;
				r->next_due = r->next_due + r->period_ns > t ?
					r->next_due + r->period_ns : t + r->period_ns;
			}
			sweep(r);
			touched += r->len / page;
		}
		/*
		 * A fixed bit of computation after each round, timed apart
		 * from the sweeps: the host preempts both alike, so pages per
		 * sweep second over iterations per compute second gives the
		 * memory slowdown with the host's noise taken out.
		 */
		t2 = now_ns();
		sweep_ns += t2 - t;
		for (i = 0; i < COMPUTE_ITERS; i++)
			sink = sink * 6364136223846793005ULL + 1442695040888963407ULL;
		t = now_ns();
		comp_ns += t - t2;
		comp_iters += COMPUTE_ITERS;
	}
	return 0;
}
