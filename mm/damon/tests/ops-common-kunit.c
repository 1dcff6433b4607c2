// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite damon_ops_common: the DAMOS priority scores that the
 * operations sets share (see "DAMOS priority scores" in ops-common.c).  The
 * scores are computed on a real context and real schemes; the regions are
 * never added to a target, since only their fields are read.
 */

#include <kunit/test.h>
#include <linux/damon.h>

#include "../ops-common.h"

/* 5 ms samples in 100 ms aggregations: nr_accesses goes up to 20. */
#define OPS_TEST_SAMPLE_US	5000
#define OPS_TEST_AGGR_US	100000
#define OPS_TEST_MAX_NR		(OPS_TEST_AGGR_US / OPS_TEST_SAMPLE_US)
/* Ages, in 100 ms aggregation intervals. */
#define OPS_TEST_AGE_1S		10
#define OPS_TEST_AGE_1MIN	600
#define OPS_TEST_AGE_1H		36000
#define OPS_TEST_AGE_10H	360000

static void ops_test_ctx_release(void *p)
{
	damon_destroy_ctx(p);
}

static struct damon_ctx *ops_test_ctx(struct kunit *test)
{
	struct damon_attrs attrs = {
		.sample_interval = OPS_TEST_SAMPLE_US,
		.aggr_interval = OPS_TEST_AGGR_US,
		.ops_update_interval = 1000000,
		.min_nr_regions = 10,
		.max_nr_regions = 1000,
	};
	struct damon_ctx *ctx = damon_new_ctx();

	if (!ctx)
		kunit_skip(test, "out of memory");
	if (kunit_add_action_or_reset(test, ops_test_ctx_release, ctx))
		kunit_skip(test, "out of memory");
	KUNIT_ASSERT_EQ(test, damon_set_attrs(ctx, &attrs), 0);
	KUNIT_ASSERT_EQ(test, damon_max_nr_accesses(&ctx->attrs),
			OPS_TEST_MAX_NR);
	return ctx;
}

static void ops_test_scheme_release(void *p)
{
	damon_destroy_scheme(p);
}

/* A scheme with @action and the three quota weights, in per mille. */
static struct damos *ops_test_scheme(struct kunit *test,
				     enum damos_action action,
				     unsigned int w_sz, unsigned int w_nr,
				     unsigned int w_age)
{
	struct damos_access_pattern pattern = {
		.max_sz_region = ULONG_MAX,
		.max_nr_accesses = UINT_MAX,
		.max_age_region = UINT_MAX,
	};
	struct damos_quota quota = {
		.weight_sz = w_sz,
		.weight_nr_accesses = w_nr,
		.weight_age = w_age,
	};
	struct damos_watermarks wmarks = { .metric = DAMOS_WMARK_NONE };
	struct damos *s;

	s = damon_new_scheme(&pattern, action, 0, &quota, &wmarks,
			     NUMA_NO_NODE);
	if (!s)
		kunit_skip(test, "out of memory");
	if (kunit_add_action_or_reset(test, ops_test_scheme_release, s))
		kunit_skip(test, "out of memory");
	return s;
}

static struct damon_region ops_test_region(unsigned long nr_pages,
					   unsigned int nr_accesses,
					   unsigned int age)
{
	return (struct damon_region){
		.ar = { .start = 0, .end = nr_pages * PAGE_SIZE },
		.nr_accesses = nr_accesses,
		.age = age,
	};
}

/* Known values of the formula, computed by hand. */
static void damon_test_score_values(struct kunit *test)
{
	struct damon_ctx *ctx = ops_test_ctx(test);
	struct damos *s = ops_test_scheme(test, DAMOS_STAT, 0, 0, 0);
	struct damos *age_only = ops_test_scheme(test, DAMOS_STAT, 0, 0, 1000);
	struct damon_region r;

	/* Always accessed, age 0: (1000 + 0) / 2 = 500 per mille, 49. */
	r = ops_test_region(1, OPS_TEST_MAX_NR, 0);
	KUNIT_EXPECT_EQ(test, damon_hot_score(ctx, &r, s), 49);
	/* Never accessed, age 0: (0 + (1000 - 0)) / 2 = 500, 49 both ways. */
	r = ops_test_region(1, 0, 0);
	KUNIT_EXPECT_EQ(test, damon_hot_score(ctx, &r, s), 49);
	KUNIT_EXPECT_EQ(test, damon_cold_score(ctx, &r, s), 49);
	/*
	 * Accessed once, aged 1000 ms: ilog2(1000) = 9, a quarter step of
	 * (1000 - 512) * 4 / 512 = 3, so 43 steps of 96: 447 per mille, 44.
	 */
	r = ops_test_region(1, 1, OPS_TEST_AGE_1S);
	KUNIT_EXPECT_EQ(test, damon_hot_score(ctx, &r, age_only), 44);
	/* Always accessed for 10 hours: saturated, the highest score. */
	r = ops_test_region(1, OPS_TEST_MAX_NR, OPS_TEST_AGE_10H);
	KUNIT_EXPECT_EQ(test, damon_hot_score(ctx, &r, s), DAMOS_MAX_SCORE);
	KUNIT_EXPECT_EQ(test, damon_cold_score(ctx, &r, s), 0);
	/* Never accessed for 10 hours: the coldest. */
	r = ops_test_region(1, 0, OPS_TEST_AGE_10H);
	KUNIT_EXPECT_EQ(test, damon_hot_score(ctx, &r, s), 0);
	KUNIT_EXPECT_EQ(test, damon_cold_score(ctx, &r, s), DAMOS_MAX_SCORE);
}

/* Hotness grows with the access frequency, coldness shrinks. */
static void damon_test_score_frequency(struct kunit *test)
{
	struct damon_ctx *ctx = ops_test_ctx(test);
	struct damos *s = ops_test_scheme(test, DAMOS_STAT, 0, 1000, 0);
	struct damon_region r;
	int last_hot = -1, last_cold = DAMOS_MAX_SCORE + 1, hot, cold;
	unsigned int nr;

	for (nr = 0; nr <= OPS_TEST_MAX_NR; nr += 4) {
		r = ops_test_region(1, nr, OPS_TEST_AGE_1S);
		hot = damon_hot_score(ctx, &r, s);
		cold = damon_cold_score(ctx, &r, s);
		KUNIT_EXPECT_GT(test, hot, last_hot);
		KUNIT_EXPECT_LT(test, cold, last_cold);
		last_hot = hot;
		last_cold = cold;
	}
	/* More accesses than the maximum count as the maximum. */
	r = ops_test_region(1, OPS_TEST_MAX_NR * 3, OPS_TEST_AGE_1S);
	KUNIT_EXPECT_EQ(test, damon_hot_score(ctx, &r, s), DAMOS_MAX_SCORE);
	/* With frequency weight only, the age does not matter. */
	r = ops_test_region(1, 5, OPS_TEST_AGE_10H);
	hot = damon_hot_score(ctx, &r, s);
	r = ops_test_region(1, 5, 0);
	KUNIT_EXPECT_EQ(test, damon_hot_score(ctx, &r, s), hot);
}

/*
 * Age makes an accessed region hotter and an idle one colder, on a log scale
 * that does not saturate within an hour.
 */
static void damon_test_score_age(struct kunit *test)
{
	static const unsigned int ages[] = {
		0, OPS_TEST_AGE_1S, OPS_TEST_AGE_1MIN, OPS_TEST_AGE_1H,
	};
	struct damon_ctx *ctx = ops_test_ctx(test);
	struct damos *s = ops_test_scheme(test, DAMOS_STAT, 0, 0, 0);
	int last_warm = -1, last_idle = DAMOS_MAX_SCORE + 1, warm, idle;
	struct damon_region r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ages); i++) {
		r = ops_test_region(1, 2, ages[i]);
		warm = damon_hot_score(ctx, &r, s);
		r = ops_test_region(1, 0, ages[i]);
		idle = damon_hot_score(ctx, &r, s);
		KUNIT_EXPECT_GT(test, warm, last_warm);
		KUNIT_EXPECT_LT(test, idle, last_idle);
		last_warm = warm;
		last_idle = idle;
	}
	/* An hour is not the maximum yet: ten hours rank higher. */
	r = ops_test_region(1, 2, OPS_TEST_AGE_10H);
	KUNIT_EXPECT_GT(test, damon_hot_score(ctx, &r, s), last_warm);
}

/* Ages times huge aggregation intervals saturate instead of wrapping. */
static void damon_test_score_huge_interval(struct kunit *test)
{
	struct damon_ctx *ctx = ops_test_ctx(test);
	struct damos *age_only = ops_test_scheme(test, DAMOS_STAT, 0, 0, 1000);
	struct damon_attrs attrs = ctx->attrs;
	struct damon_region r;

	attrs.aggr_interval = 1UL << 63;
	KUNIT_ASSERT_EQ(test, damon_set_attrs(ctx, &attrs), 0);
	/* Two aggregation intervals of 2^63 us: far beyond 2^24 ms. */
	r = ops_test_region(1, 1, 2);
	KUNIT_EXPECT_EQ(test, damon_hot_score(ctx, &r, age_only),
			DAMOS_MAX_SCORE);
	r = ops_test_region(1, 0, 2);
	KUNIT_EXPECT_EQ(test, damon_cold_score(ctx, &r, age_only),
			DAMOS_MAX_SCORE);
}

/* Zero access weights are equal weights; weights shift the balance. */
static void damon_test_score_weights(struct kunit *test)
{
	struct damon_ctx *ctx = ops_test_ctx(test);
	struct damos *none = ops_test_scheme(test, DAMOS_STAT, 0, 0, 0);
	struct damos *equal = ops_test_scheme(test, DAMOS_STAT, 0, 300, 300);
	struct damos *freq = ops_test_scheme(test, DAMOS_STAT, 0, 900, 100);
	struct damos *age = ops_test_scheme(test, DAMOS_STAT, 0, 100, 900);
	/* Accessed at every sample, but only just started. */
	struct damon_region r = ops_test_region(1, OPS_TEST_MAX_NR, 0);

	KUNIT_EXPECT_EQ(test, damon_hot_score(ctx, &r, none),
			damon_hot_score(ctx, &r, equal));
	KUNIT_EXPECT_GT(test, damon_hot_score(ctx, &r, freq),
			damon_hot_score(ctx, &r, equal));
	KUNIT_EXPECT_LT(test, damon_hot_score(ctx, &r, age),
			damon_hot_score(ctx, &r, equal));
}

/* Without size weight, coldness is the complement of hotness. */
static void damon_test_score_cold_complement(struct kunit *test)
{
	struct damon_ctx *ctx = ops_test_ctx(test);
	struct damos *s = ops_test_scheme(test, DAMOS_STAT, 0, 700, 300);
	struct damon_region r;
	unsigned int nr, age;
	int sum;

	for (nr = 0; nr <= OPS_TEST_MAX_NR; nr += 5) {
		for (age = 0; age <= OPS_TEST_AGE_1H; age = age * 7 + 1) {
			r = ops_test_region(16, nr, age);
			sum = damon_hot_score(ctx, &r, s) +
				damon_cold_score(ctx, &r, s);
			/* Each rounds down once. */
			KUNIT_EXPECT_GE(test, sum, DAMOS_MAX_SCORE - 1);
			KUNIT_EXPECT_LE(test, sum, DAMOS_MAX_SCORE);
		}
	}
}

/* The size weight favours larger regions, for hot and cold alike. */
static void damon_test_score_size(struct kunit *test)
{
	struct damon_ctx *ctx = ops_test_ctx(test);
	struct damos *sized = ops_test_scheme(test, DAMOS_STAT, 500, 500, 500);
	struct damos *unsized = ops_test_scheme(test, DAMOS_STAT, 0, 500, 500);
	struct damon_region small = ops_test_region(1, 3, OPS_TEST_AGE_1S);
	struct damon_region big = ops_test_region(1UL << 16, 3,
						  OPS_TEST_AGE_1S);

	KUNIT_EXPECT_GT(test, damon_hot_score(ctx, &big, sized),
			damon_hot_score(ctx, &small, sized));
	KUNIT_EXPECT_GT(test, damon_cold_score(ctx, &big, sized),
			damon_cold_score(ctx, &small, sized));
	KUNIT_EXPECT_EQ(test, damon_hot_score(ctx, &big, unsized),
			damon_hot_score(ctx, &small, unsized));
	KUNIT_EXPECT_EQ(test, damon_cold_score(ctx, &big, unsized),
			damon_cold_score(ctx, &small, unsized));
}

/* Every score stays in [0, DAMOS_MAX_SCORE], extreme inputs included. */
static void damon_test_score_bounds(struct kunit *test)
{
	static const unsigned int nrs[] = { 0, 1, OPS_TEST_MAX_NR, UINT_MAX };
	static const unsigned int ages[] = { 0, 1, OPS_TEST_AGE_1H, UINT_MAX };
	static const unsigned int weights[] = { 0, 1, 1000, 1000000 };
	struct damon_ctx *ctx = ops_test_ctx(test);
	struct damon_region r;
	struct damos *s;
	unsigned int i, j, k;
	int score;

	for (i = 0; i < ARRAY_SIZE(weights); i++) {
		s = ops_test_scheme(test, DAMOS_STAT, weights[i],
				    weights[ARRAY_SIZE(weights) - 1 - i],
				    weights[i]);
		for (j = 0; j < ARRAY_SIZE(nrs); j++) {
			for (k = 0; k < ARRAY_SIZE(ages); k++) {
				r = ops_test_region(1, nrs[j], ages[k]);
				r.ar.end = ULONG_MAX & PAGE_MASK;
				score = damon_hot_score(ctx, &r, s);
				KUNIT_EXPECT_GE(test, score, 0);
				KUNIT_EXPECT_LE(test, score, DAMOS_MAX_SCORE);
				score = damon_cold_score(ctx, &r, s);
				KUNIT_EXPECT_GE(test, score, 0);
				KUNIT_EXPECT_LE(test, score, DAMOS_MAX_SCORE);
			}
		}
	}
}

/* The get_scheme_score hook ranks cold first for the cold actions only. */
static void damon_test_scheme_score_direction(struct kunit *test)
{
	static const enum damos_action cold[] = {
		DAMOS_PAGEOUT, DAMOS_COLD, DAMOS_LRU_DEPRIO,
		DAMOS_MIGRATE_COLD, DAMOS_NOHUGEPAGE,
	};
	static const enum damos_action hot[] = {
		DAMOS_WILLNEED, DAMOS_HUGEPAGE, DAMOS_LRU_PRIO,
		DAMOS_MIGRATE_HOT, DAMOS_STAT,
	};
	struct damon_ctx *ctx = ops_test_ctx(test);
	struct damon_region busy = ops_test_region(1, OPS_TEST_MAX_NR,
						   OPS_TEST_AGE_1MIN);
	struct damon_region idle = ops_test_region(1, 0, OPS_TEST_AGE_1MIN);
	struct damos *s;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cold); i++) {
		s = ops_test_scheme(test, cold[i], 0, 0, 0);
		KUNIT_EXPECT_GT(test, damon_scheme_score(ctx, NULL, &idle, s),
				damon_scheme_score(ctx, NULL, &busy, s));
		KUNIT_EXPECT_EQ(test, damon_scheme_score(ctx, NULL, &idle, s),
				damon_cold_score(ctx, &idle, s));
	}
	for (i = 0; i < ARRAY_SIZE(hot); i++) {
		s = ops_test_scheme(test, hot[i], 0, 0, 0);
		KUNIT_EXPECT_GT(test, damon_scheme_score(ctx, NULL, &busy, s),
				damon_scheme_score(ctx, NULL, &idle, s));
		KUNIT_EXPECT_EQ(test, damon_scheme_score(ctx, NULL, &busy, s),
				damon_hot_score(ctx, &busy, s));
	}
}

static struct kunit_case damon_ops_common_cases[] = {
	KUNIT_CASE(damon_test_score_values),
	KUNIT_CASE(damon_test_score_frequency),
	KUNIT_CASE(damon_test_score_age),
	KUNIT_CASE(damon_test_score_huge_interval),
	KUNIT_CASE(damon_test_score_weights),
	KUNIT_CASE(damon_test_score_cold_complement),
	KUNIT_CASE(damon_test_score_size),
	KUNIT_CASE(damon_test_score_bounds),
	KUNIT_CASE(damon_test_scheme_score_direction),
	{},
};

static struct kunit_suite damon_ops_common_suite = {
	.name = "damon_ops_common",
	.test_cases = damon_ops_common_cases,
};

kunit_test_suite(damon_ops_common_suite);
