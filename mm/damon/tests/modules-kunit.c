// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite damon_modules: how DAMON_RECLAIM and DAMON_LRU_SORT turn their
 * parameters into a monitoring context and its schemes.  The contexts are
 * built from inputs given here, not from the module parameters, and are
 * never started.
 */

#include <kunit/test.h>
#include <linux/damon.h>
#include <linux/err.h>
#include <linux/ioport.h>
#include <linux/module.h>
#include <linux/sizes.h>

#include "../core-internal.h"
#include "../modules-common.h"

/* Within the first 4 GiB, so that it fits any unsigned long. */
#define DMT_START	SZ_1M
#define DMT_END		(SZ_1M + SZ_64M)

/* The inputs the modules start with, over [DMT_START, DMT_END). */
static const struct damon_module_inputs dmt_common = {
	.sample_interval = 5000,
	.aggr_interval = 100000,
	.min_nr_regions = 10,
	.max_nr_regions = 1000,
	.quota_ms = 10,
	.quota_sz = SZ_128M,
	.quota_reset_interval_ms = 1000,
	.wmarks_interval = 5000000,
	.wmarks_high = 500,
	.wmarks_mid = 400,
	.wmarks_low = 200,
	.region_start = DMT_START,
	.region_end = DMT_END,
};

static const struct damon_reclaim_inputs dmt_reclaim = {
	.common = dmt_common,
	.min_age = 120000000,
};

/* With quota_sz set, which DAMON_LRU_SORT has no parameter for and ignores. */
static const struct damon_lru_sort_inputs dmt_lru_sort = {
	.common = dmt_common,
	.hot_thres_access_freq = 500,
	.cold_min_age = 120000000,
};

/* === fixtures === */

static void dmt_ctx_release(void *p)
{
	damon_destroy_ctx(p);
}

/*
 * Let the test own @ctx, an ERR_PTR() of damon_*_new_ctx(), and return it;
 * skip on -ENOMEM, fail on another error.
 */
static struct damon_ctx *dmt_own(struct kunit *test, struct damon_ctx *ctx)
{
	if (PTR_ERR_OR_ZERO(ctx) == -ENOMEM)
		kunit_skip(test, "out of memory");
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(ctx), "error %d",
			       PTR_ERR_OR_ZERO(ctx));
	if (kunit_add_action_or_reset(test, dmt_ctx_release, ctx))
		kunit_skip(test, "out of memory");
	return ctx;
}

/* Build a context that must be refused with -EINVAL. */
static void dmt_expect_einval(struct kunit *test, struct damon_ctx *ctx,
			      const char *what)
{
	if (PTR_ERR_OR_ZERO(ctx) == -ENOMEM)
		kunit_skip(test, "out of memory");
	if (!IS_ERR(ctx))
		damon_destroy_ctx(ctx);
	KUNIT_EXPECT_EQ_MSG(test, PTR_ERR_OR_ZERO(ctx), -EINVAL,
			    "%s", what);
}

static struct damos *dmt_scheme(struct damon_ctx *ctx, unsigned int n)
{
	struct damos *s;

	damon_for_each_scheme(s, ctx)
		if (!n--)
			return s;
	return NULL;
}

static struct damos_filter *dmt_filter(struct damos *s, unsigned int n)
{
	struct damos_filter *f;

	damos_for_each_filter(f, s)
		if (!n--)
			return f;
	return NULL;
}

static struct damos_quota_goal *dmt_goal(struct damos *s, unsigned int n)
{
	struct damos_quota_goal *g;

	damos_for_each_quota_goal(g, &s->quota)
		if (!n--)
			return g;
	return NULL;
}

/* The context monitors [DMT_START, DMT_END) of paddr, with dmt_common. */
static void dmt_check_monitoring(struct kunit *test, struct damon_ctx *ctx,
				 const struct damon_module_inputs *in)
{
	struct damon_target *t;
	struct damon_region *r;
	unsigned long end = DMT_START;

	KUNIT_EXPECT_EQ(test, ctx->ops.id, DAMON_OPS_PADDR);
	KUNIT_EXPECT_EQ(test, ctx->attrs.sample_interval, in->sample_interval);
	KUNIT_EXPECT_EQ(test, ctx->attrs.aggr_interval, in->aggr_interval);
	KUNIT_EXPECT_EQ(test, ctx->attrs.min_nr_regions, in->min_nr_regions);
	KUNIT_EXPECT_EQ(test, ctx->attrs.max_nr_regions, in->max_nr_regions);
	KUNIT_ASSERT_EQ(test, list_count_nodes(&ctx->targets), (size_t)1);
	t = list_first_entry(&ctx->targets, struct damon_target, list);
	KUNIT_EXPECT_NULL(test, t->pid);
	KUNIT_ASSERT_GT(test, damon_nr_regions(t), 0U);
	/* The regions tile the range exactly. */
	damon_for_each_region(r, t) {
		KUNIT_EXPECT_EQ(test, r->ar.start, end);
		end = r->ar.end;
	}
	KUNIT_EXPECT_EQ(test, end, (unsigned long)DMT_END);
}

static void dmt_check_wmarks(struct kunit *test, struct damos *s,
			     const struct damon_module_inputs *in)
{
	KUNIT_EXPECT_EQ(test, s->wmarks.metric, DAMOS_WMARK_FREE_MEM_RATE);
	KUNIT_EXPECT_EQ(test, s->wmarks.interval, in->wmarks_interval);
	KUNIT_EXPECT_EQ(test, s->wmarks.high, in->wmarks_high);
	KUNIT_EXPECT_EQ(test, s->wmarks.mid, in->wmarks_mid);
	KUNIT_EXPECT_EQ(test, s->wmarks.low, in->wmarks_low);
}

/* === DAMON_RECLAIM === */

static void dmt_reclaim_defaults(struct kunit *test)
{
	struct damon_ctx *ctx = dmt_own(test, damon_reclaim_new_ctx(&dmt_reclaim));
	struct damos_filter *f;
	struct damos *s;

	dmt_check_monitoring(test, ctx, &dmt_reclaim.common);
	KUNIT_ASSERT_EQ(test, list_count_nodes(&ctx->schemes), (size_t)1);
	s = dmt_scheme(ctx, 0);
	KUNIT_EXPECT_EQ(test, s->action, DAMOS_PAGEOUT);
	KUNIT_EXPECT_EQ(test, s->apply_interval_us, 0UL);
	KUNIT_EXPECT_EQ(test, s->pattern.min_sz_region, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, s->pattern.max_sz_region, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, s->pattern.min_nr_accesses, 0U);
	KUNIT_EXPECT_EQ(test, s->pattern.max_nr_accesses, 0U);
	/* 120 s of 100 ms aggregation intervals. */
	KUNIT_EXPECT_EQ(test, s->pattern.min_age_region, 1200U);
	KUNIT_EXPECT_EQ(test, s->pattern.max_age_region, UINT_MAX);
	KUNIT_EXPECT_EQ(test, s->quota.ms, 10UL);
	KUNIT_EXPECT_EQ(test, s->quota.sz, (unsigned long)SZ_128M);
	KUNIT_EXPECT_EQ(test, s->quota.reset_interval, 1000UL);
	KUNIT_EXPECT_EQ(test, s->quota.weight_sz, 0U);
	KUNIT_EXPECT_EQ(test, s->quota.weight_nr_accesses, 0U);
	KUNIT_EXPECT_EQ(test, s->quota.weight_age, 1U);
	KUNIT_EXPECT_TRUE(test, list_empty(&s->quota.goals));
	dmt_check_wmarks(test, s, &dmt_reclaim.common);
	/* Only the page-level recheck of accesses. */
	KUNIT_ASSERT_EQ(test, list_count_nodes(&s->filters), (size_t)1);
	f = dmt_filter(s, 0);
	KUNIT_EXPECT_EQ(test, f->type, DAMOS_FILTER_TYPE_YOUNG);
	KUNIT_EXPECT_TRUE(test, f->matching);
	/* What damon_start() checks. */
	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), 0);
}

static void dmt_reclaim_options(struct kunit *test)
{
	struct damon_reclaim_inputs in = dmt_reclaim;
	struct damon_ctx *ctx;
	struct damos_quota_goal *g;
	struct damos_filter *f;
	struct damos *s;

	in.skip_anon = true;
	in.quota_mem_pressure_us = 1000;
	in.quota_autotune_feedback = 4200;
	in.min_age = 250000;
	in.common.quota_ms = 0;
	in.common.quota_sz = 0;
	ctx = dmt_own(test, damon_reclaim_new_ctx(&in));
	s = dmt_scheme(ctx, 0);
	KUNIT_ASSERT_NOT_NULL(test, s);
	/* 250 ms is two whole aggregation intervals. */
	KUNIT_EXPECT_EQ(test, s->pattern.min_age_region, 2U);
	KUNIT_EXPECT_EQ(test, s->quota.ms, 0UL);
	KUNIT_EXPECT_EQ(test, s->quota.sz, 0UL);

	/* Anonymous pages are kept out before the page-level recheck. */
	KUNIT_ASSERT_EQ(test, list_count_nodes(&s->filters), (size_t)2);
	f = dmt_filter(s, 0);
	KUNIT_EXPECT_EQ(test, f->type, DAMOS_FILTER_TYPE_ANON);
	KUNIT_EXPECT_TRUE(test, f->matching);
	f = dmt_filter(s, 1);
	KUNIT_EXPECT_EQ(test, f->type, DAMOS_FILTER_TYPE_YOUNG);
	KUNIT_EXPECT_TRUE(test, f->matching);

	KUNIT_ASSERT_EQ(test, list_count_nodes(&s->quota.goals), (size_t)2);
	g = dmt_goal(s, 0);
	KUNIT_EXPECT_EQ(test, g->metric, DAMOS_QUOTA_SOME_MEM_PSI_US);
	KUNIT_EXPECT_EQ(test, g->target_value, 1000UL);
	g = dmt_goal(s, 1);
	KUNIT_EXPECT_EQ(test, g->metric, DAMOS_QUOTA_USER_INPUT);
	KUNIT_EXPECT_EQ(test, g->target_value, 10000UL);
	KUNIT_EXPECT_EQ(test, g->current_value, 4200UL);
	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), 0);
}

static void dmt_reclaim_ages(struct kunit *test)
{
	struct damon_reclaim_inputs in = dmt_reclaim;
	struct damon_ctx *ctx;

	in.min_age = 0;
	ctx = dmt_own(test, damon_reclaim_new_ctx(&in));
	KUNIT_EXPECT_EQ(test, dmt_scheme(ctx, 0)->pattern.min_age_region, 0U);

	/* Ages are counted in unsigned int: a longer time saturates. */
	in.min_age = ULONG_MAX;
	in.common.sample_interval = 1;
	in.common.aggr_interval = 1;
	ctx = dmt_own(test, damon_reclaim_new_ctx(&in));
	KUNIT_EXPECT_EQ(test, dmt_scheme(ctx, 0)->pattern.min_age_region,
			UINT_MAX);
}

static void dmt_reclaim_invalid(struct kunit *test)
{
	struct damon_reclaim_inputs in;
	struct damon_target *t;
	struct damon_ctx *ctx;

	in = dmt_reclaim;
	in.common.region_start = DMT_END;
	in.common.region_end = DMT_START;
	dmt_expect_einval(test, damon_reclaim_new_ctx(&in), "inverted range");

	in = dmt_reclaim;
	in.common.region_end = DMT_START;
	dmt_expect_einval(test, damon_reclaim_new_ctx(&in), "empty range");

	in = dmt_reclaim;
	in.common.region_start = 0;
	in.common.region_end = DMT_END;
	ctx = dmt_own(test, damon_reclaim_new_ctx(&in));
	t = list_first_entry(&ctx->targets, struct damon_target, list);
	KUNIT_EXPECT_EQ(test, damon_first_region(t)->ar.start, 0UL);

	in = dmt_reclaim;
	in.common.min_nr_regions = 2;
	dmt_expect_einval(test, damon_reclaim_new_ctx(&in),
			  "fewer than 3 regions");

	in = dmt_reclaim;
	in.common.min_nr_regions = 1001;
	dmt_expect_einval(test, damon_reclaim_new_ctx(&in),
			  "min_nr_regions above max_nr_regions");

	in = dmt_reclaim;
	in.common.sample_interval = 0;
	in.common.aggr_interval = 0;
	dmt_expect_einval(test, damon_reclaim_new_ctx(&in),
			  "zero intervals");

	in = dmt_reclaim;
	in.common.sample_interval = in.common.aggr_interval + 1;
	dmt_expect_einval(test, damon_reclaim_new_ctx(&in),
			  "sampling interval above the aggregation interval");

	in = dmt_reclaim;
	in.common.wmarks_mid = in.common.wmarks_high + 1;
	dmt_expect_einval(test, damon_reclaim_new_ctx(&in),
			  "mid watermark above high");
	in = dmt_reclaim;
	in.common.wmarks_low = in.common.wmarks_mid + 1;
	dmt_expect_einval(test, damon_reclaim_new_ctx(&in),
			  "low watermark above mid");
}

/*
 * Two System RAM resources for a kernel that has none, as UML: far above
 * any real memory, and apart, so that they stay two regions.
 */
static struct resource dmt_fake_ram[] = {
	DEFINE_RES_NAMED(0x7e0000000000UL, 0x400000, "System RAM",
			 IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY),
	DEFINE_RES_NAMED(0x7f0000000000UL, 0x200000, "System RAM",
			 IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY),
};

/* Whether @r lies within one of dmt_fake_ram[]. */
static bool dmt_in_fake_ram(struct damon_region *r)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(dmt_fake_ram); i++) {
		if (r->ar.start >= dmt_fake_ram[i].start &&
		    r->ar.end <= dmt_fake_ram[i].end + 1)
			return true;
	}
	return false;
}

/* 0-0 means every System RAM resource. */
static void dmt_reclaim_system_ram(struct kunit *test)
{
	struct damon_reclaim_inputs in = dmt_reclaim;
	struct damon_region *r, *prev = NULL;
	bool fake = false;
	struct damon_target *t;
	struct damon_ctx *ctx;
	int i, err;

	in.common.region_start = 0;
	in.common.region_end = 0;
	ctx = damon_reclaim_new_ctx(&in);
	if (PTR_ERR_OR_ZERO(ctx) == -EINVAL) {
		for (i = 0; i < ARRAY_SIZE(dmt_fake_ram); i++) {
			err = request_resource(&iomem_resource,
					       &dmt_fake_ram[i]);
			KUNIT_ASSERT_EQ(test, err, 0);
		}
		fake = true;
		ctx = damon_reclaim_new_ctx(&in);
		for (i = 0; i < ARRAY_SIZE(dmt_fake_ram); i++)
			release_resource(&dmt_fake_ram[i]);
	}
	ctx = dmt_own(test, ctx);
	t = list_first_entry(&ctx->targets, struct damon_target, list);
	KUNIT_ASSERT_GT(test, damon_nr_regions(t), 0U);
	damon_for_each_region(r, t) {
		KUNIT_EXPECT_LT(test, r->ar.start, r->ar.end);
		if (prev)
			KUNIT_EXPECT_LE(test, prev->ar.end, r->ar.start);
		prev = r;
	}
	if (!fake)
		return;
	/* Every byte of both resources, and nothing else. */
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t) >= 2, true);
	r = damon_first_region(t);
	KUNIT_EXPECT_EQ(test, r->ar.start, dmt_fake_ram[0].start);
	KUNIT_EXPECT_EQ(test, damon_last_region(t)->ar.end,
			dmt_fake_ram[1].end + 1);
	damon_for_each_region(r, t)
		KUNIT_EXPECT_TRUE(test, dmt_in_fake_ram(r));
}

/* === DAMON_LRU_SORT === */

static void dmt_lru_sort_defaults(struct kunit *test)
{
	struct damon_ctx *ctx;
	struct damos *hot, *cold;

	ctx = dmt_own(test, damon_lru_sort_new_ctx(&dmt_lru_sort));
	dmt_check_monitoring(test, ctx, &dmt_lru_sort.common);
	KUNIT_ASSERT_EQ(test, list_count_nodes(&ctx->schemes), (size_t)2);
	hot = dmt_scheme(ctx, 0);
	cold = dmt_scheme(ctx, 1);

	KUNIT_EXPECT_EQ(test, hot->action, DAMOS_LRU_PRIO);
	/* 50% of the 20 samples of an aggregation interval. */
	KUNIT_EXPECT_EQ(test, hot->pattern.min_nr_accesses, 10U);
	KUNIT_EXPECT_EQ(test, hot->pattern.max_nr_accesses, UINT_MAX);
	KUNIT_EXPECT_EQ(test, hot->pattern.min_age_region, 0U);
	KUNIT_EXPECT_EQ(test, hot->pattern.max_age_region, UINT_MAX);
	KUNIT_EXPECT_EQ(test, hot->pattern.min_sz_region, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, hot->quota.weight_nr_accesses, 1U);
	KUNIT_EXPECT_EQ(test, hot->quota.weight_age, 1U);

	KUNIT_EXPECT_EQ(test, cold->action, DAMOS_LRU_DEPRIO);
	KUNIT_EXPECT_EQ(test, cold->pattern.min_nr_accesses, 0U);
	KUNIT_EXPECT_EQ(test, cold->pattern.max_nr_accesses, 0U);
	KUNIT_EXPECT_EQ(test, cold->pattern.min_age_region, 1200U);
	KUNIT_EXPECT_EQ(test, cold->pattern.max_age_region, UINT_MAX);
	KUNIT_EXPECT_EQ(test, cold->quota.weight_nr_accesses, 0U);
	KUNIT_EXPECT_EQ(test, cold->quota.weight_age, 1U);

	/* Half of the time quota each, no size quota. */
	KUNIT_EXPECT_EQ(test, hot->quota.ms, 5UL);
	KUNIT_EXPECT_EQ(test, cold->quota.ms, 5UL);
	KUNIT_EXPECT_EQ(test, hot->quota.sz, 0UL);
	KUNIT_EXPECT_EQ(test, cold->quota.sz, 0UL);
	KUNIT_EXPECT_EQ(test, hot->quota.reset_interval, 1000UL);
	KUNIT_EXPECT_EQ(test, cold->quota.reset_interval, 1000UL);
	KUNIT_EXPECT_TRUE(test, list_empty(&hot->filters));
	KUNIT_EXPECT_TRUE(test, list_empty(&cold->filters));
	dmt_check_wmarks(test, hot, &dmt_lru_sort.common);
	dmt_check_wmarks(test, cold, &dmt_lru_sort.common);
	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), 0);
}

static void dmt_lru_sort_thresholds(struct kunit *test)
{
	static const struct {
		unsigned long freq;
		unsigned int min_nr;
	} freqs[] = { { 0, 0 }, { 1, 0 }, { 50, 1 }, { 999, 19 },
		      { 1000, 20 } };
	static const struct {
		unsigned long in, each;
	} quotas[] = { { 0, 0 }, { 1, 1 }, { 7, 4 }, { 10, 5 } };
	struct damon_lru_sort_inputs in;
	struct damon_ctx *ctx;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(freqs); i++) {
		in = dmt_lru_sort;
		in.hot_thres_access_freq = freqs[i].freq;
		ctx = dmt_own(test, damon_lru_sort_new_ctx(&in));
		KUNIT_EXPECT_EQ_MSG(test,
				    dmt_scheme(ctx, 0)->pattern.min_nr_accesses,
				    freqs[i].min_nr, "freq %lu", freqs[i].freq);
	}
	/* Rounded up, so that a quota never turns into no quota. */
	for (i = 0; i < ARRAY_SIZE(quotas); i++) {
		in = dmt_lru_sort;
		in.common.quota_ms = quotas[i].in;
		ctx = dmt_own(test, damon_lru_sort_new_ctx(&in));
		KUNIT_EXPECT_EQ(test, dmt_scheme(ctx, 0)->quota.ms,
				quotas[i].each);
		KUNIT_EXPECT_EQ(test, dmt_scheme(ctx, 1)->quota.ms,
				quotas[i].each);
	}
	in = dmt_lru_sort;
	in.cold_min_age = 50000;
	ctx = dmt_own(test, damon_lru_sort_new_ctx(&in));
	KUNIT_EXPECT_EQ(test, dmt_scheme(ctx, 1)->pattern.min_age_region, 0U);

	in = dmt_lru_sort;
	in.hot_thres_access_freq = 1001;
	dmt_expect_einval(test, damon_lru_sort_new_ctx(&in),
			  "frequency above 1000 per mille");
	in = dmt_lru_sort;
	in.common.min_nr_regions = 2;
	dmt_expect_einval(test, damon_lru_sort_new_ctx(&in),
			  "fewer than 3 regions");
}

/* === default monitoring ranges === */

static void dmt_ram_add(struct kunit *test)
{
	struct damon_module_ram ram = {};
	unsigned int i;

	/* Empty ranges are ignored. */
	KUNIT_EXPECT_EQ(test, damon_module_ram_add(&ram, 0x5000, 0x5000), 0);
	KUNIT_EXPECT_EQ(test, ram.nr, 0U);
	if (damon_module_ram_add(&ram, 0x1000, 0xa0000) ||
	    damon_module_ram_add(&ram, 0x100000, 0x80000000) ||
	    /* Touching the last one: joined to it. */
	    damon_module_ram_add(&ram, 0x80000000, 0x90000000))
		goto nomem;
	KUNIT_EXPECT_EQ(test, ram.nr, 2U);
	KUNIT_EXPECT_EQ(test, ram.ranges[1].start, 0x100000UL);
	KUNIT_EXPECT_EQ(test, ram.ranges[1].end, 0x90000000UL);
	/* More ranges than the first array holds. */
	for (i = 0; i < 5; i++) {
		if (damon_module_ram_add(&ram, 0xa0000000UL + i * 0x200000,
					 0xa0100000UL + i * 0x200000))
			goto nomem;
	}
	KUNIT_EXPECT_EQ(test, ram.nr, 7U);
	KUNIT_EXPECT_GE(test, ram.size, ram.nr);
	KUNIT_EXPECT_EQ(test, ram.ranges[0].start, 0x1000UL);
	KUNIT_EXPECT_EQ(test, ram.ranges[0].end, 0xa0000UL);
	for (i = 0; i < 5; i++) {
		KUNIT_EXPECT_EQ(test, ram.ranges[2 + i].start,
				0xa0000000UL + i * 0x200000);
		KUNIT_EXPECT_EQ(test, ram.ranges[2 + i].end,
				0xa0100000UL + i * 0x200000);
	}
	kfree(ram.ranges);
	return;

nomem:
	kfree(ram.ranges);
	kunit_skip(test, "out of memory");
}

static struct kunit_case damon_modules_cases[] = {
	KUNIT_CASE(dmt_reclaim_defaults),
	KUNIT_CASE(dmt_reclaim_options),
	KUNIT_CASE(dmt_reclaim_ages),
	KUNIT_CASE(dmt_reclaim_invalid),
	KUNIT_CASE(dmt_reclaim_system_ram),
	KUNIT_CASE(dmt_lru_sort_defaults),
	KUNIT_CASE(dmt_lru_sort_thresholds),
	KUNIT_CASE(dmt_ram_add),
	{}
};

static struct kunit_suite damon_modules_suite = {
	.name = "damon_modules",
	.test_cases = damon_modules_cases,
};

kunit_test_suite(damon_modules_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for DAMON_RECLAIM and DAMON_LRU_SORT");
MODULE_LICENSE("GPL");
