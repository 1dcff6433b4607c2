// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite damon_stat: how DAMON_STAT sums regions up into its idle time
 * percentiles and its bandwidth estimate.  No context is started.
 */

#include <kunit/test.h>
#include <linux/damon.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/time64.h>

#include "../stat.h"

/* Percentiles of memory sorted by idle time, each region by its size. */
static void damon_stat_test_percentiles(struct kunit *test)
{
	/* 10% accessed for 2 s, 40% idle 0 ms... out of order on purpose. */
	struct damon_stat_region regions[] = {
		{ .sz = 50 * SZ_1M, .idle_ms = 9000 },
		{ .sz = 10 * SZ_1M, .idle_ms = -2000 },
		{ .sz = 40 * SZ_1M, .idle_ms = 0 },
	};
	long out[DAMON_STAT_NR_PERCENTILES];
	int p;

	damon_stat_percentiles(regions, ARRAY_SIZE(regions), out);
	KUNIT_EXPECT_EQ(test, out[0], -2000L);
	KUNIT_EXPECT_EQ(test, out[9], -2000L);
	/* The byte at 10% is the first of the second region. */
	KUNIT_EXPECT_EQ(test, out[10], 0L);
	KUNIT_EXPECT_EQ(test, out[49], 0L);
	KUNIT_EXPECT_EQ(test, out[50], 9000L);
	KUNIT_EXPECT_EQ(test, out[100], 9000L);
	for (p = 1; p < DAMON_STAT_NR_PERCENTILES; p++)
		KUNIT_EXPECT_LE(test, out[p - 1], out[p]);

	/* One region is every percentile. */
	damon_stat_percentiles(regions, 1, out);
	for (p = 0; p < DAMON_STAT_NR_PERCENTILES; p++)
		KUNIT_EXPECT_EQ(test, out[p], regions[0].idle_ms);
}

/* Idle regions count their age as idle time, accessed ones negatively. */
static void damon_stat_test_region_of(struct kunit *test)
{
	struct damon_region r = {
		.ar = { .start = 0, .end = SZ_2M },
		.age = 30,
	};
	struct damon_stat_region sr;

	sr = damon_stat_region_of(&r, 100000);
	KUNIT_EXPECT_EQ(test, sr.sz, (unsigned long)SZ_2M);
	KUNIT_EXPECT_EQ(test, sr.idle_ms, 3000L);
	r.last_nr_accesses = 1;
	sr = damon_stat_region_of(&r, 100000);
	KUNIT_EXPECT_EQ(test, sr.idle_ms, -3000L);
	/* Saturated, not wrapped. */
	r.age = UINT_MAX;
	sr = damon_stat_region_of(&r, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, sr.idle_ms, -(long)(U64_MAX / USEC_PER_MSEC));
}

static void damon_stat_test_destroy_ctx(void *ctx)
{
	damon_destroy_ctx(ctx);
}

/* Each region counts its size once per sample it was seen accessed in. */
static void damon_stat_test_bandwidth(struct kunit *test)
{
	struct damon_ctx *ctx = damon_new_ctx();
	struct damon_attrs attrs;
	struct damon_target *t;
	struct damon_region *r;

	if (!ctx || kunit_add_action_or_reset(test, damon_stat_test_destroy_ctx,
					      ctx))
		kunit_skip(test, "out of memory");
	attrs = ctx->attrs;
	attrs.sample_interval = 5000;
	attrs.aggr_interval = 500000;
	KUNIT_ASSERT_EQ(test, damon_set_attrs(ctx, &attrs), 0);
	t = damon_new_target();
	if (!t)
		kunit_skip(test, "out of memory");
	damon_add_target(ctx, t);
	r = damon_new_region(0, SZ_4M);
	if (!r)
		kunit_skip(test, "out of memory");
	damon_add_region(r, t);
	KUNIT_EXPECT_EQ(test, damon_stat_bandwidth_of(ctx), 0UL);
	/* 4 MiB seen 10 times in half a second: 80 MiB/s. */
	r->last_nr_accesses = 10;
	KUNIT_EXPECT_EQ(test, damon_stat_bandwidth_of(ctx),
			(unsigned long)SZ_16M * 5);
	/* Saturated, not wrapped, however large the region and count. */
	r->ar.end = ULONG_MAX & PAGE_MASK;
	r->last_nr_accesses = UINT_MAX;
	KUNIT_EXPECT_EQ(test, damon_stat_bandwidth_of(ctx), ULONG_MAX);
}

static struct kunit_case damon_stat_test_cases[] = {
	KUNIT_CASE(damon_stat_test_percentiles),
	KUNIT_CASE(damon_stat_test_region_of),
	KUNIT_CASE(damon_stat_test_bandwidth),
	{},
};

static struct kunit_suite damon_stat_test_suite = {
	.name = "damon_stat",
	.test_cases = damon_stat_test_cases,
};

kunit_test_suite(damon_stat_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for DAMON_STAT");
MODULE_LICENSE("GPL");
