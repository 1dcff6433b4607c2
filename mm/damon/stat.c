// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON_STAT: a summary of how the system's memory is accessed, cheap
 * enough to leave on.
 *
 * One physical address context over every System RAM resource, without
 * schemes, whose intervals tune themselves toward 4% of the access events
 * (sampling between 5 ms and 10 s), so that it costs little whatever the
 * machine and its load.  At the end of every aggregation interval the
 * kdamond sums its regions up into read-only module parameters under
 * /sys/module/damon_stat/parameters/: estimated_memory_bandwidth,
 * memory_idle_ms_percentiles, and aggr_interval_us, the interval they
 * cover.  See Documentation/admin-guide/mm/damon/stat.rst.
 */

#define pr_fmt(fmt) "damon_stat: " fmt

#include <linux/damon.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/sprintf.h>
#include <linux/time64.h>
#include <kunit/visibility.h>

#include "modules-common.h"
#include "stat.h"

#ifdef MODULE_PARAM_PREFIX
#undef MODULE_PARAM_PREFIX
#endif
#define MODULE_PARAM_PREFIX "damon_stat."

/*
 * The monitoring the module runs.  The intervals are where the tuning
 * starts; the goal is the one Linux 6.17's DAMON_STAT documents.
 */
static const struct damon_module_inputs damon_stat_in = {
	DAMON_MODULE_DEFAULT_MONITORING,
};

static const struct damon_intervals_goal damon_stat_goal = {
	.access_bp = 400,
	.aggrs = 3,
	.min_sample_us = 5 * USEC_PER_MSEC,
	.max_sample_us = 10 * USEC_PER_SEC,
};

/* Protects the results below, which the kdamond writes and readers copy. */
static DEFINE_SPINLOCK(damon_stat_lock);
static unsigned long damon_stat_bandwidth;
static long damon_stat_idle_ms[DAMON_STAT_NR_PERCENTILES];
static unsigned long damon_stat_aggr_us;

static int damon_stat_cmp(const void *a, const void *b)
{
	const struct damon_stat_region *l = a, *r = b;

	return l->idle_ms < r->idle_ms ? -1 : l->idle_ms > r->idle_ms;
}

/**
 * damon_stat_percentiles() - The idle times at each percentile of memory.
 * @regions:	The regions, sorted here by idle time.
 * @nr:		Number of @regions, at least 1.
 * @out:	Where to write DAMON_STAT_NR_PERCENTILES idle times.
 *
 * @out[P] is the idle time of the region that holds the byte at P percent
 * of the memory, the memory being ordered from the least idle (the most
 * negative time: accessed for the longest) to the most idle: @out[0] is the
 * least idle region's time, @out[100] the most idle one's.
 *
 * Context: Process context; sorts @regions in place.
 */
VISIBLE_IF_KUNIT void damon_stat_percentiles(struct damon_stat_region *regions,
					     unsigned int nr, long *out)
{
	u64 total = 0, below = 0, want;
	unsigned int i = 0, p;

	sort(regions, nr, sizeof(*regions), damon_stat_cmp, NULL);
	for (i = 0; i < nr; i++)
		total += regions[i].sz;
	i = 0;
	for (p = 0; p < DAMON_STAT_NR_PERCENTILES; p++) {
		want = div_u64(total * p, DAMON_STAT_NR_PERCENTILES - 1);
		/* The first region whose end reaches @want holds it. */
		while (i < nr - 1 && below + regions[i].sz <= want)
			below += regions[i++].sz;
		out[p] = regions[i].idle_ms;
	}
}
EXPORT_SYMBOL_IF_KUNIT(damon_stat_percentiles);

/**
 * damon_stat_region_of() - How idle a region is, for the percentiles.
 * @r:		The region, just after an aggregation.
 * @aggr_us:	The aggregation interval, in microseconds.
 *
 * A region not accessed in the last aggregation interval has been idle for
 * its age; one that was has been accessed for its age, which counts as a
 * negative idle time, so that the hottest memory sorts first.
 *
 * Return: The region's size and idle time in milliseconds.
 */
VISIBLE_IF_KUNIT struct damon_stat_region
damon_stat_region_of(struct damon_region *r, unsigned long aggr_us)
{
	u64 us, ms;

	if (check_mul_overflow((u64)r->age, (u64)aggr_us, &us))
		us = U64_MAX;
	/* At most U64_MAX / 1000: far from overflowing a long. */
	ms = div_u64(us, USEC_PER_MSEC);
	return (struct damon_stat_region){
		.sz = damon_sz_region(r),
		.idle_ms = r->last_nr_accesses ? -(long)ms : (long)ms,
	};
}
EXPORT_SYMBOL_IF_KUNIT(damon_stat_region_of);

/*
 * damon_stat_bandwidth_of() - Bytes per second the regions were seen
 * accessed in the last aggregation interval of @ctx: each region counts
 * its size once for each sampling interval in which it was seen accessed.
 */
VISIBLE_IF_KUNIT unsigned long damon_stat_bandwidth_of(struct damon_ctx *ctx)
{
	unsigned long aggr_us = ctx->attrs.aggr_interval;
	struct damon_target *t;
	struct damon_region *r;
	u64 bytes = 0, b, per_us;

	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			if (check_mul_overflow((u64)damon_sz_region(r),
					       (u64)r->last_nr_accesses, &b) ||
			    check_add_overflow(bytes, b, &bytes))
				return ULONG_MAX;
		}
	}
	/* Saturate rather than overflow the bytes per second. */
	if (bytes <= div_u64(U64_MAX, USEC_PER_SEC))
		return min_t(u64, div64_u64(bytes * USEC_PER_SEC, aggr_us),
			     ULONG_MAX);
	per_us = div64_u64(bytes, aggr_us);
	if (per_us > div_u64(ULONG_MAX, USEC_PER_SEC))
		return ULONG_MAX;
	return per_us * USEC_PER_SEC;
}
EXPORT_SYMBOL_IF_KUNIT(damon_stat_bandwidth_of);

/* Called by the kdamond at the end of every aggregation interval. */
static void damon_stat_after_aggregation(struct damon_ctx *ctx)
{
	long idle_ms[DAMON_STAT_NR_PERCENTILES];
	unsigned long aggr_us = ctx->attrs.aggr_interval, bandwidth;
	struct damon_stat_region *regions;
	unsigned int nr = 0, i = 0;
	struct damon_target *t;
	struct damon_region *r;

	damon_for_each_target(t, ctx)
		nr += damon_nr_regions(t);
	if (!nr)
		return;
	regions = kvmalloc_array(nr, sizeof(*regions), GFP_KERNEL);
	if (!regions)
		return;
	damon_for_each_target(t, ctx)
		damon_for_each_region(r, t)
			regions[i++] = damon_stat_region_of(r, aggr_us);
	damon_stat_percentiles(regions, nr, idle_ms);
	kvfree(regions);
	bandwidth = damon_stat_bandwidth_of(ctx);

	spin_lock(&damon_stat_lock);
	damon_stat_bandwidth = bandwidth;
	memcpy(damon_stat_idle_ms, idle_ms, sizeof(idle_ms));
	damon_stat_aggr_us = aggr_us;
	spin_unlock(&damon_stat_lock);
}

/* Build the context of the module; called with its lock held. */
static struct damon_ctx *damon_stat_new_ctx(void)
{
	struct damon_attrs attrs;
	struct damon_ctx *ctx;
	int err;

	ctx = damon_module_new_ctx(&damon_stat_in);
	if (IS_ERR(ctx))
		return ctx;
	attrs = ctx->attrs;
	attrs.intervals_goal = damon_stat_goal;
	err = damon_set_attrs(ctx, &attrs);
	if (err) {
		damon_destroy_ctx(ctx);
		return ERR_PTR(err);
	}
	ctx->after_aggregation = damon_stat_after_aggregation;
	/* Nothing measured yet by this run. */
	spin_lock(&damon_stat_lock);
	damon_stat_bandwidth = 0;
	memset(damon_stat_idle_ms, 0, sizeof(damon_stat_idle_ms));
	damon_stat_aggr_us = attrs.aggr_interval;
	spin_unlock(&damon_stat_lock);
	return ctx;
}

static struct damon_module damon_stat = {
	.name = "damon_stat",
	.new_ctx = damon_stat_new_ctx,
	.lock = __MUTEX_INITIALIZER(damon_stat.lock),
	.enable_at_init = IS_ENABLED(CONFIG_DAMON_STAT_ENABLED_DEFAULT),
};

/* "enabled": Y starts the monitoring, N stops it. */
module_param_cb(enabled, &damon_module_enabled_ops, &damon_stat, 0600);

static int damon_stat_ulong_get(char *buf, const struct kernel_param *kp)
{
	unsigned long val;

	spin_lock(&damon_stat_lock);
	val = *(unsigned long *)kp->arg;
	spin_unlock(&damon_stat_lock);
	return scnprintf(buf, PAGE_SIZE, "%lu\n", val);
}

static const struct kernel_param_ops damon_stat_ulong_ops = {
	.get = damon_stat_ulong_get,
};

/* Bytes per second, as of the last aggregation interval. */
module_param_cb(estimated_memory_bandwidth, &damon_stat_ulong_ops,
		&damon_stat_bandwidth, 0400);
/* The aggregation interval the results cover, in microseconds. */
module_param_cb(aggr_interval_us, &damon_stat_ulong_ops,
		&damon_stat_aggr_us, 0400);

/* The 101 idle times, comma-separated, as module_param_array() shows. */
static int damon_stat_idle_get(char *buf, const struct kernel_param *kp)
{
	long idle_ms[DAMON_STAT_NR_PERCENTILES];
	int len = 0, p;

	spin_lock(&damon_stat_lock);
	memcpy(idle_ms, damon_stat_idle_ms, sizeof(idle_ms));
	spin_unlock(&damon_stat_lock);
	for (p = 0; p < DAMON_STAT_NR_PERCENTILES; p++)
		len += scnprintf(buf + len, PAGE_SIZE - len, "%s%ld",
				 p ? "," : "", idle_ms[p]);
	len += scnprintf(buf + len, PAGE_SIZE - len, "\n");
	return len;
}

static const struct kernel_param_ops damon_stat_idle_ops = {
	.get = damon_stat_idle_get,
};

module_param_cb(memory_idle_ms_percentiles, &damon_stat_idle_ops, NULL,
		0400);

static int __init damon_stat_init(void)
{
	return damon_module_init(&damon_stat);
}
late_initcall(damon_stat_init);
