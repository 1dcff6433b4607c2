// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON_RECLAIM: proactive reclaim of the memory DAMON finds cold.
 *
 * One physical address context with one scheme: page out the regions that
 * were not accessed for min_age, oldest first when the quotas bind, while
 * the free memory rate lies within the watermarks.  Pages found accessed
 * since the last access check are kept, so that a hot page sitting in a
 * region that looks cold is not evicted.  The module parameters under
 * /sys/module/damon_reclaim/parameters/ are the interface; see
 * Documentation/admin-guide/mm/damon/reclaim.rst.
 */

#define pr_fmt(fmt) "damon_reclaim: " fmt

#include <linux/damon.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/limits.h>
#include <linux/numa.h>
#include <linux/sizes.h>
#include <linux/time64.h>
#include <kunit/visibility.h>

#include "modules-common.h"

#ifdef MODULE_PARAM_PREFIX
#undef MODULE_PARAM_PREFIX
#endif
#define MODULE_PARAM_PREFIX "damon_reclaim."

/* The goal of quota_autotune_feedback: 10000 basis points, that is 100%. */
#define DAMON_RECLAIM_FEEDBACK_GOAL	10000

static struct damon_reclaim_inputs damon_reclaim_in = {
	.common = {
		DAMON_MODULE_DEFAULT_MONITORING,
		.quota_ms = 10,
		.quota_sz = SZ_128M,
		.quota_reset_interval_ms = MSEC_PER_SEC,
		.wmarks_interval = 5 * USEC_PER_SEC,
		.wmarks_high = 500,
		.wmarks_mid = 400,
		.wmarks_low = 200,
	},
	.min_age = 120 * USEC_PER_SEC,
};

/*
 * damon_reclaim_new_ctx() - Translate the inputs into a context.
 *
 * Return: The context, not started, or an ERR_PTR() (see
 * damon_module_new_ctx()).
 */
VISIBLE_IF_KUNIT struct damon_ctx *
damon_reclaim_new_ctx(const struct damon_reclaim_inputs *in)
{
	struct damos_access_pattern pattern = {
		.min_sz_region = PAGE_SIZE,
		.max_sz_region = ULONG_MAX,
		.min_nr_accesses = 0,
		.max_nr_accesses = 0,
		.max_age_region = UINT_MAX,
	};
	/* Oldest first: the longer a region has been idle, the colder. */
	struct damos_quota quota = {
		.weight_age = 1,
	};
	struct damos_watermarks wmarks;
	struct damos_quota_goal *goal;
	struct damos_filter *filter;
	struct damon_ctx *ctx;
	struct damos *s;

	ctx = damon_module_new_ctx(&in->common);
	if (IS_ERR(ctx))
		return ctx;
	pattern.min_age_region = damon_module_age(ctx, in->min_age);
	damon_module_set_quota(&in->common, &quota);
	damon_module_set_wmarks(&in->common, &wmarks);
	s = damon_new_scheme(&pattern, DAMOS_PAGEOUT, 0, &quota, &wmarks,
			     NUMA_NO_NODE);
	if (!s)
		goto nomem;
	damon_add_scheme(ctx, s);

	/* The cheap filter first: the young one walks the page tables. */
	if (in->skip_anon) {
		filter = damos_new_filter(DAMOS_FILTER_TYPE_ANON, true);
		if (!filter)
			goto nomem;
		damos_add_filter(s, filter);
	}
	/* Check each page again: keep those accessed since the last check. */
	filter = damos_new_filter(DAMOS_FILTER_TYPE_YOUNG, true);
	if (!filter)
		goto nomem;
	damos_add_filter(s, filter);

	if (in->quota_mem_pressure_us) {
		goal = damos_new_quota_goal(DAMOS_QUOTA_SOME_MEM_PSI_US,
					    in->quota_mem_pressure_us);
		if (!goal)
			goto nomem;
		damos_add_quota_goal(&s->quota, goal);
	}
	if (in->quota_autotune_feedback) {
		goal = damos_new_quota_goal(DAMOS_QUOTA_USER_INPUT,
					    DAMON_RECLAIM_FEEDBACK_GOAL);
		if (!goal)
			goto nomem;
		goal->current_value = in->quota_autotune_feedback;
		damos_add_quota_goal(&s->quota, goal);
	}
	return ctx;

nomem:
	damon_destroy_ctx(ctx);
	return ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_IF_KUNIT(damon_reclaim_new_ctx);

static struct damon_ctx *damon_reclaim_new_module_ctx(void)
{
	return damon_reclaim_new_ctx(&damon_reclaim_in);
}

static struct damon_module damon_reclaim =
	DAMON_MODULE_INIT(damon_reclaim, "damon_reclaim",
			  damon_reclaim_new_module_ctx);

/* === Module parameters === */

#define DAMON_RECLAIM_INPUT(name, field, type)				\
	module_param_named(name, damon_reclaim_in.field, type, 0600)

module_param_cb(enabled, &damon_module_enabled_ops, &damon_reclaim, 0600);
module_param_cb(commit_inputs, &damon_module_commit_ops, &damon_reclaim,
		0600);
module_param_cb(kdamond_pid, &damon_module_pid_ops, &damon_reclaim, 0400);

DAMON_RECLAIM_INPUT(min_age, min_age, ulong);
DAMON_RECLAIM_INPUT(quota_ms, common.quota_ms, ulong);
DAMON_RECLAIM_INPUT(quota_sz, common.quota_sz, ulong);
DAMON_RECLAIM_INPUT(quota_reset_interval_ms, common.quota_reset_interval_ms,
		    ulong);
DAMON_RECLAIM_INPUT(quota_mem_pressure_us, quota_mem_pressure_us, ulong);
DAMON_RECLAIM_INPUT(quota_autotune_feedback, quota_autotune_feedback, ulong);
DAMON_RECLAIM_INPUT(wmarks_interval, common.wmarks_interval, ulong);
DAMON_RECLAIM_INPUT(wmarks_high, common.wmarks_high, ulong);
DAMON_RECLAIM_INPUT(wmarks_mid, common.wmarks_mid, ulong);
DAMON_RECLAIM_INPUT(wmarks_low, common.wmarks_low, ulong);
DAMON_RECLAIM_INPUT(sample_interval, common.sample_interval, ulong);
DAMON_RECLAIM_INPUT(aggr_interval, common.aggr_interval, ulong);
DAMON_RECLAIM_INPUT(min_nr_regions, common.min_nr_regions, ulong);
DAMON_RECLAIM_INPUT(max_nr_regions, common.max_nr_regions, ulong);
DAMON_RECLAIM_INPUT(monitor_region_start, common.region_start, ulong);
DAMON_RECLAIM_INPUT(monitor_region_end, common.region_end, ulong);
DAMON_RECLAIM_INPUT(skip_anon, skip_anon, bool);

DAMON_MODULE_STAT_PARAM(nr_reclaim_tried_regions, damon_reclaim, 0,
			nr_tried);
DAMON_MODULE_STAT_PARAM(bytes_reclaim_tried_regions, damon_reclaim, 0,
			sz_tried);
DAMON_MODULE_STAT_PARAM(nr_reclaimed_regions, damon_reclaim, 0, nr_applied);
DAMON_MODULE_STAT_PARAM(bytes_reclaimed_regions, damon_reclaim, 0,
			sz_applied);
DAMON_MODULE_STAT_PARAM(nr_quota_exceeds, damon_reclaim, 0, qt_exceeds);

static int __init damon_reclaim_init(void)
{
	return damon_module_init(&damon_reclaim);
}
late_initcall(damon_reclaim_init);
