// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON_LRU_SORT: sort the LRU lists by the access pattern DAMON finds.
 *
 * One physical address context with two schemes: move the pages of the
 * regions accessed at least hot_thres_access_freq per mille of the samples
 * to the head of their LRU lists (active), and those of the regions not
 * accessed for cold_min_age to the tail (inactive), each within half of the
 * time quota, while the free memory rate lies within the watermarks.
 * Reclaim then finds the cold pages first and keeps the hot ones.  The
 * module parameters under /sys/module/damon_lru_sort/parameters/ are the
 * interface; see Documentation/admin-guide/mm/damon/lru_sort.rst.
 */

#define pr_fmt(fmt) "damon_lru_sort: " fmt

#include <linux/damon.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/limits.h>
#include <linux/math.h>
#include <linux/numa.h>
#include <linux/time64.h>
#include <kunit/visibility.h>

#include "modules-common.h"

#ifdef MODULE_PARAM_PREFIX
#undef MODULE_PARAM_PREFIX
#endif
#define MODULE_PARAM_PREFIX "damon_lru_sort."

/* hot_thres_access_freq is in per mille of the samples. */
#define DAMON_LRU_SORT_FREQ_MAX		1000

static struct damon_lru_sort_inputs damon_lru_sort_in = {
	.common = {
		DAMON_MODULE_DEFAULT_MONITORING,
		.quota_ms = 10,
		.quota_reset_interval_ms = MSEC_PER_SEC,
		.wmarks_interval = 5 * USEC_PER_SEC,
		.wmarks_high = 200,
		.wmarks_mid = 150,
		.wmarks_low = 50,
	},
	.hot_thres_access_freq = 500,
	.cold_min_age = 120 * USEC_PER_SEC,
};

/*
 * Add to @ctx a scheme applying @action to @pattern, ranked by access
 * frequency with a weight of @weight_freq and by age, with half of the time
 * quota: the two schemes share it.
 */
static int damon_lru_sort_add_scheme(struct damon_ctx *ctx,
				     const struct damon_lru_sort_inputs *in,
				     const struct damos_access_pattern *pattern,
				     enum damos_action action,
				     unsigned int weight_freq)
{
	struct damos_quota quota = {
		.weight_nr_accesses = weight_freq,
		.weight_age = 1,
	};
	struct damos_watermarks wmarks;
	struct damos *s;

	damon_module_set_quota(&in->common, &quota);
	/* Rounded up: a quota of 1 ms must not become no quota at all. */
	quota.ms = DIV_ROUND_UP(quota.ms, 2);
	quota.sz = 0;
	damon_module_set_wmarks(&in->common, &wmarks);
	s = damon_new_scheme(pattern, action, 0, &quota, &wmarks,
			     NUMA_NO_NODE);
	if (!s)
		return -ENOMEM;
	damon_add_scheme(ctx, s);
	return 0;
}

/*
 * damon_lru_sort_new_ctx() - Translate the inputs into a context.
 *
 * Return: The context, not started, or an ERR_PTR(): -EINVAL if
 * hot_thres_access_freq is above 1000, otherwise see damon_module_new_ctx().
 */
VISIBLE_IF_KUNIT struct damon_ctx *
damon_lru_sort_new_ctx(const struct damon_lru_sort_inputs *in)
{
	struct damos_access_pattern hot = {
		.min_sz_region = PAGE_SIZE,
		.max_sz_region = ULONG_MAX,
		.max_nr_accesses = UINT_MAX,
		.min_age_region = 0,
		.max_age_region = UINT_MAX,
	};
	struct damos_access_pattern cold = {
		.min_sz_region = PAGE_SIZE,
		.max_sz_region = ULONG_MAX,
		.min_nr_accesses = 0,
		.max_nr_accesses = 0,
		.max_age_region = UINT_MAX,
	};
	struct damon_ctx *ctx;
	int err;

	if (in->hot_thres_access_freq > DAMON_LRU_SORT_FREQ_MAX)
		return ERR_PTR(-EINVAL);
	ctx = damon_module_new_ctx(&in->common);
	if (IS_ERR(ctx))
		return ctx;
	hot.min_nr_accesses = damon_max_nr_accesses(&ctx->attrs) *
		in->hot_thres_access_freq / DAMON_LRU_SORT_FREQ_MAX;
	cold.min_age_region = damon_module_age(ctx, in->cold_min_age);

	/* Hot: the most frequently accessed first, then the longest so. */
	err = damon_lru_sort_add_scheme(ctx, in, &hot, DAMOS_LRU_PRIO, 1);
	/* Cold: all have no access; the longest idle first. */
	if (!err)
		err = damon_lru_sort_add_scheme(ctx, in, &cold,
						DAMOS_LRU_DEPRIO, 0);
	if (err) {
		damon_destroy_ctx(ctx);
		return ERR_PTR(err);
	}
	return ctx;
}
EXPORT_SYMBOL_IF_KUNIT(damon_lru_sort_new_ctx);

static struct damon_ctx *damon_lru_sort_new_module_ctx(void)
{
	return damon_lru_sort_new_ctx(&damon_lru_sort_in);
}

static struct damon_module damon_lru_sort =
	DAMON_MODULE_INIT(damon_lru_sort, "damon_lru_sort",
			  damon_lru_sort_new_module_ctx);

/* === Module parameters === */

#define DAMON_LRU_SORT_INPUT(name, field)				\
	module_param_named(name, damon_lru_sort_in.field, ulong, 0600)

/* The statistics of the hot scheme (0) and of the cold one (1). */
#define DAMON_LRU_SORT_STAT(name, scheme, field)			\
	DAMON_MODULE_STAT_PARAM(name, damon_lru_sort, scheme, field)

module_param_cb(enabled, &damon_module_enabled_ops, &damon_lru_sort, 0600);
module_param_cb(commit_inputs, &damon_module_commit_ops, &damon_lru_sort,
		0600);
module_param_cb(kdamond_pid, &damon_module_pid_ops, &damon_lru_sort, 0400);

DAMON_LRU_SORT_INPUT(hot_thres_access_freq, hot_thres_access_freq);
DAMON_LRU_SORT_INPUT(cold_min_age, cold_min_age);
DAMON_LRU_SORT_INPUT(quota_ms, common.quota_ms);
DAMON_LRU_SORT_INPUT(quota_reset_interval_ms, common.quota_reset_interval_ms);
DAMON_LRU_SORT_INPUT(wmarks_interval, common.wmarks_interval);
DAMON_LRU_SORT_INPUT(wmarks_high, common.wmarks_high);
DAMON_LRU_SORT_INPUT(wmarks_mid, common.wmarks_mid);
DAMON_LRU_SORT_INPUT(wmarks_low, common.wmarks_low);
DAMON_LRU_SORT_INPUT(sample_interval, common.sample_interval);
DAMON_LRU_SORT_INPUT(aggr_interval, common.aggr_interval);
DAMON_LRU_SORT_INPUT(min_nr_regions, common.min_nr_regions);
DAMON_LRU_SORT_INPUT(max_nr_regions, common.max_nr_regions);
DAMON_LRU_SORT_INPUT(monitor_region_start, common.region_start);
DAMON_LRU_SORT_INPUT(monitor_region_end, common.region_end);

DAMON_LRU_SORT_STAT(nr_lru_sort_tried_hot_regions, 0, nr_tried);
DAMON_LRU_SORT_STAT(bytes_lru_sort_tried_hot_regions, 0, sz_tried);
DAMON_LRU_SORT_STAT(nr_lru_sorted_hot_regions, 0, nr_applied);
DAMON_LRU_SORT_STAT(bytes_lru_sorted_hot_regions, 0, sz_applied);
DAMON_LRU_SORT_STAT(nr_hot_quota_exceeds, 0, qt_exceeds);
DAMON_LRU_SORT_STAT(nr_lru_sort_tried_cold_regions, 1, nr_tried);
DAMON_LRU_SORT_STAT(bytes_lru_sort_tried_cold_regions, 1, sz_tried);
DAMON_LRU_SORT_STAT(nr_lru_sorted_cold_regions, 1, nr_applied);
DAMON_LRU_SORT_STAT(bytes_lru_sorted_cold_regions, 1, sz_applied);
DAMON_LRU_SORT_STAT(nr_cold_quota_exceeds, 1, qt_exceeds);

static int __init damon_lru_sort_init(void)
{
	return damon_module_init(&damon_lru_sort);
}
late_initcall(damon_lru_sort_init);
