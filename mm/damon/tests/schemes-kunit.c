// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite damon_schemes: the DAMOS engine of the DAMON core.  Schemes
 * run on real contexts, targets and regions, with a fake operations set
 * assigned directly to &damon_ctx.ops whose hooks record their calls.
 */

#include <kunit/test.h>
#include <linux/damon.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include "../core-internal.h"

#define PG	DAMON_MIN_REGION

/* === fake operations set === */

#define DAMOS_FAKE_MAX_CALLS	32

static struct {
	unsigned int nr_calls;
	unsigned long starts[DAMOS_FAKE_MAX_CALLS];
	unsigned long sizes[DAMOS_FAKE_MAX_CALLS];
	bool core_allowed[DAMOS_FAKE_MAX_CALLS];
	unsigned long sz_total;
	bool filter_half;
	unsigned int nr_bad_passed;
} damos_fake;

/* Applies to whole regions; filters out half of each if filter_half. */
static unsigned long damos_fake_apply(struct damon_ctx *ctx,
				      struct damon_target *t,
				      struct damon_region *r, struct damos *s,
				      unsigned long *sz_filter_passed)
{
	unsigned long sz = damon_sz_region(r);

	/* Called by kdamonds too: count what a test checks later. */
	if (*sz_filter_passed != sz)
		damos_fake.nr_bad_passed++;
	if (damos_fake.filter_half)
		*sz_filter_passed = sz / 2;

	if (damos_fake.nr_calls < DAMOS_FAKE_MAX_CALLS) {
		damos_fake.starts[damos_fake.nr_calls] = r->ar.start;
		damos_fake.sizes[damos_fake.nr_calls] = sz;
		damos_fake.core_allowed[damos_fake.nr_calls] =
			s->core_filters_allowed;
	}
	damos_fake.nr_calls++;
	damos_fake.sz_total += sz;
	return sz;
}

/* Hotter is better: the score is the access count. */
static int damos_fake_score(struct damon_ctx *ctx, struct damon_target *t,
			    struct damon_region *r, struct damos *s)
{
	return min_t(unsigned int, r->nr_accesses, DAMOS_MAX_SCORE);
}

static const struct damon_operations damos_fake_ops = {
	.id = DAMON_OPS_PADDR,
	.apply_scheme = damos_fake_apply,
	.get_scheme_score = damos_fake_score,
	.supported_actions = BIT(DAMOS_STAT) | BIT(DAMOS_PAGEOUT),
	.supported_filters = BIT(DAMOS_FILTER_TYPE_ANON),
};

/* === fixtures === */

static void damos_test_ctx_release(void *p)
{
	damon_destroy_ctx(p);
}

static struct damon_ctx *damos_test_ctx(struct kunit *test)
{
	struct damon_ctx *ctx = damon_new_ctx();

	if (!ctx)
		kunit_skip(test, "out of memory");
	if (kunit_add_action_or_reset(test, damos_test_ctx_release, ctx))
		kunit_skip(test, "out of memory");
	ctx->ops = damos_fake_ops;
	memset(&damos_fake, 0, sizeof(damos_fake));
	return ctx;
}

/* A target of @ctx with @nr regions of @pages pages each, from address 0. */
static struct damon_target *damos_test_target(struct kunit *test,
					      struct damon_ctx *ctx,
					      unsigned int nr,
					      unsigned long pages)
{
	struct damon_target *t = damon_new_target();
	unsigned int i;

	if (!t)
		kunit_skip(test, "out of memory");
	damon_add_target(ctx, t);
	for (i = 0; i < nr; i++) {
		struct damon_region *r;

		r = damon_new_region(i * pages * PG, (i + 1) * pages * PG);
		if (!r)
			kunit_skip(test, "out of memory");
		damon_add_region(r, t);
	}
	return t;
}

static const struct damos_access_pattern damos_test_any = {
	.min_sz_region = 0, .max_sz_region = ULONG_MAX,
	.min_nr_accesses = 0, .max_nr_accesses = UINT_MAX,
	.min_age_region = 0, .max_age_region = UINT_MAX,
};

/* A scheme of @ctx that matches every region, with no quota. */
static struct damos *damos_test_scheme(struct kunit *test,
				       struct damon_ctx *ctx,
				       enum damos_action action,
				       unsigned long quota_sz)
{
	struct damos_quota quota = { .sz = quota_sz };
	struct damos_watermarks wmarks = { .metric = DAMOS_WMARK_NONE };
	struct damos *s;

	s = damon_new_scheme(&damos_test_any, action, 0, &quota, &wmarks,
			     NUMA_NO_NODE);
	if (!s)
		kunit_skip(test, "out of memory");
	damon_add_scheme(ctx, s);
	return s;
}

static struct damos_filter *damos_test_filter(struct kunit *test,
					      struct damos *s,
					      enum damos_filter_type type,
					      bool matching)
{
	struct damos_filter *f = damos_new_filter(type, matching);

	if (!f)
		kunit_skip(test, "out of memory");
	damos_add_filter(s, f);
	return f;
}

static struct damon_region *damos_test_nth(struct damon_target *t,
					   unsigned int n)
{
	struct damon_region *r;

	damon_for_each_region(r, t)
		if (!n--)
			return r;
	return NULL;
}

/* One aggregation later: the next apply pass of the schemes. */
static bool damos_test_pass(struct damon_ctx *ctx, struct list_head *walkers)
{
	ctx->passed_sample_intervals +=
		ctx->attrs.aggr_interval / ctx->attrs.sample_interval;
	return kdamond_apply_schemes(ctx, walkers);
}

/* === constructors and validation === */

static void damos_test_new_scheme(struct kunit *test)
{
	struct damos_quota quota = { .ms = 3, .sz = 5 * PG, .weight_age = 7 };
	struct damos_watermarks wm = { .metric = DAMOS_WMARK_FREE_MEM_RATE,
				       .high = 9, .mid = 5, .low = 1 };
	struct damos_quota_goal *g;
	struct damos *s;

	INIT_LIST_HEAD(&quota.goals);
	g = damos_new_quota_goal(DAMOS_QUOTA_USER_INPUT, 100);
	if (!g)
		kunit_skip(test, "out of memory");
	damos_add_quota_goal(&quota, g);
	s = damon_new_scheme(&damos_test_any, DAMOS_PAGEOUT, 0, &quota, &wm, 1);
	if (!s) {
		damos_destroy_quota_goal(g);
		kunit_skip(test, "out of memory");
	}
	KUNIT_EXPECT_EQ(test, s->quota.ms, 3UL);
	KUNIT_EXPECT_EQ(test, s->quota.sz, 5 * PG);
	KUNIT_EXPECT_EQ(test, s->quota.weight_age, 7U);
	KUNIT_EXPECT_EQ(test, s->quota.esz, ULONG_MAX);
	KUNIT_EXPECT_TRUE(test, list_empty(&s->quota.goals));
	KUNIT_EXPECT_FALSE(test, s->wmarks.activated);
	KUNIT_EXPECT_EQ(test, s->next_apply_sis, 0UL);
	KUNIT_EXPECT_EQ(test, s->target_nid, 1);
	damon_destroy_scheme(s);
	damos_destroy_quota_goal(g);

	KUNIT_EXPECT_NULL(test, damos_new_filter(NR_DAMOS_FILTER_TYPES, true));
	KUNIT_EXPECT_NULL(test,
			  damos_new_quota_goal(NR_DAMOS_QUOTA_GOAL_METRICS, 1));
}

static void damos_test_check_schemes(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	struct damos_filter *f;

	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), 0);

	s->action = DAMOS_HUGEPAGE;	/* not supported by the fake ops */
	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), -EINVAL);
	s->action = NR_DAMOS_ACTIONS;
	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), -EINVAL);
	s->action = DAMOS_STAT;

	s->pattern.min_age_region = 5;
	s->pattern.max_age_region = 4;
	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), -EINVAL);
	s->pattern = damos_test_any;
	s->pattern.min_sz_region = 2 * PG;
	s->pattern.max_sz_region = PG;
	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), -EINVAL);
	s->pattern = damos_test_any;

	/* Watermarks in any order have a meaning: see damos_wmarks_update(). */
	s->wmarks.metric = DAMOS_WMARK_FREE_MEM_RATE;
	s->wmarks.high = 500;
	s->wmarks.mid = 600;
	s->wmarks.low = 700;
	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), 0);
	s->wmarks.metric = NR_DAMOS_WMARK_METRICS;
	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), -EINVAL);
	s->wmarks.metric = DAMOS_WMARK_NONE;

	f = damos_test_filter(test, s, DAMOS_FILTER_TYPE_ANON, true);
	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), 0);
	f->type = DAMOS_FILTER_TYPE_MEMCG;	/* not supported by the ops */
	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), -EINVAL);
	f->type = DAMOS_FILTER_TYPE_ADDR;	/* the core's: always fine */
	f->addr_range.start = 2 * PG;
	f->addr_range.end = 3 * PG;
	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), 0);
	/* Filters that match nothing are fine too. */
	f->addr_range.end = 2 * PG;
	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), 0);
	f->type = DAMOS_FILTER_TYPE_TARGET;
	f->target_idx = -1;
	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), 0);
	/* Any weight: the score arithmetic is 64 bits wide. */
	s->quota.weight_sz = UINT_MAX;
	s->quota.weight_nr_accesses = UINT_MAX;
	s->quota.weight_age = UINT_MAX;
	KUNIT_EXPECT_EQ(test, damon_check_schemes(&ctx->ops, ctx), 0);
}

/* A commit that fails validation leaves the destination as it was. */
static void damos_test_commit_invalid(struct kunit *test)
{
	struct damon_ctx *dst = damos_test_ctx(test);
	struct damon_ctx *src = damos_test_ctx(test);
	struct damos *ds = damos_test_scheme(test, dst, DAMOS_STAT, 0);
	struct damos *ss = damos_test_scheme(test, src, DAMOS_HUGEPAGE, 0);

	damos_test_scheme(test, src, DAMOS_PAGEOUT, 0);
	KUNIT_EXPECT_EQ(test, damon_commit_ctx(dst, src), -EINVAL);
	KUNIT_EXPECT_EQ(test, ds->action, DAMOS_STAT);
	KUNIT_EXPECT_TRUE(test, list_is_singular(&dst->schemes));

	ss->action = DAMOS_PAGEOUT;
	ss->pattern.min_nr_accesses = 3;
	ss->pattern.max_nr_accesses = 2;
	KUNIT_EXPECT_EQ(test, damon_commit_ctx(dst, src), -EINVAL);
	KUNIT_EXPECT_EQ(test, ds->pattern.min_nr_accesses, 0U);
	KUNIT_EXPECT_TRUE(test, list_is_singular(&dst->schemes));
}

static void damos_test_commit(struct kunit *test)
{
	struct damon_ctx *dst = damos_test_ctx(test);
	struct damon_ctx *src = damos_test_ctx(test);
	struct damos *ds = damos_test_scheme(test, dst, DAMOS_STAT, 0);
	struct damos *ss = damos_test_scheme(test, src, DAMOS_PAGEOUT, 7 * PG);
	struct damos_quota_goal *g;
	struct damos_filter *f;
	struct damos *second;

	damos_test_filter(test, ds, DAMOS_FILTER_TYPE_ADDR, true);
	f = damos_test_filter(test, ss, DAMOS_FILTER_TYPE_TARGET, false);
	f->target_idx = 3;
	f->allow = true;
	g = damos_new_quota_goal(DAMOS_QUOTA_USER_INPUT, 42);
	if (!g)
		kunit_skip(test, "out of memory");
	damos_add_quota_goal(&ss->quota, g);
	ss->pattern.min_age_region = 2;
	ss->apply_interval_us = 1000;
	damos_test_scheme(test, src, DAMOS_STAT, 0);
	ds->stat.nr_tried = 7;
	ds->stat.sz_applied = 11;
	ds->quota.charged_sz = 5;
	ds->quota.esz = 13;
	ds->quota.charged_from = 3;

	KUNIT_ASSERT_EQ(test, damon_commit_ctx(dst, src), 0);
	/* The first scheme is kept, with new parameters and old state. */
	KUNIT_ASSERT_PTR_EQ(test,
			    list_first_entry(&dst->schemes, struct damos, list),
			    ds);
	KUNIT_EXPECT_EQ(test, ds->action, DAMOS_PAGEOUT);
	KUNIT_EXPECT_EQ(test, ds->pattern.min_age_region, 2U);
	KUNIT_EXPECT_EQ(test, ds->apply_interval_us, 1000UL);
	KUNIT_EXPECT_EQ(test, ds->quota.sz, 7 * PG);
	KUNIT_EXPECT_EQ(test, ds->stat.nr_tried, 7UL);
	KUNIT_EXPECT_EQ(test, ds->stat.sz_applied, 11UL);
	KUNIT_EXPECT_EQ(test, ds->quota.charged_sz, 5UL);
	KUNIT_EXPECT_EQ(test, ds->quota.esz, 13UL);
	/* Its size quota changed: a new window starts at the next pass. */
	KUNIT_EXPECT_EQ(test, ds->quota.charged_from, ULONG_MAX);
	ds->quota.charged_from = 3;
	KUNIT_ASSERT_EQ(test, damon_commit_ctx(dst, src), 0);
	KUNIT_EXPECT_EQ(test, ds->quota.charged_from, 3UL);
	/* Filters and goals are replaced by copies. */
	KUNIT_ASSERT_TRUE(test, list_is_singular(&ds->filters));
	f = list_first_entry(&ds->filters, struct damos_filter, list);
	KUNIT_EXPECT_EQ(test, f->type, DAMOS_FILTER_TYPE_TARGET);
	KUNIT_EXPECT_EQ(test, f->target_idx, 3);
	KUNIT_EXPECT_FALSE(test, f->matching);
	KUNIT_EXPECT_TRUE(test, f->allow);
	KUNIT_ASSERT_TRUE(test, list_is_singular(&ds->quota.goals));
	g = list_first_entry(&ds->quota.goals, struct damos_quota_goal, list);
	KUNIT_EXPECT_EQ(test, g->target_value, 42UL);
	/* The extra source scheme is copied in. */
	second = list_last_entry(&dst->schemes, struct damos, list);
	KUNIT_EXPECT_PTR_NE(test, second, ds);
	KUNIT_EXPECT_EQ(test, second->action, DAMOS_STAT);
	KUNIT_EXPECT_EQ(test, second->stat.nr_tried, 0UL);

	/* Extra destination schemes go away. */
	damon_destroy_scheme(list_last_entry(&src->schemes, struct damos,
					     list));
	KUNIT_ASSERT_EQ(test, damon_commit_ctx(dst, src), 0);
	KUNIT_EXPECT_TRUE(test, list_is_singular(&dst->schemes));
	KUNIT_EXPECT_EQ(test, ds->stat.nr_tried, 7UL);
	damon_destroy_scheme(ss);
	KUNIT_ASSERT_EQ(test, damon_commit_ctx(dst, src), 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&dst->schemes));
}

/* === applying schemes === */

static void damos_test_pattern_match(struct kunit *test)
{
	struct damos_access_pattern p = {
		.min_sz_region = 2 * PG, .max_sz_region = 4 * PG,
		.min_nr_accesses = 3, .max_nr_accesses = 5,
		.min_age_region = 1, .max_age_region = 2,
	};
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos_quota quota = {};
	struct damos_watermarks wm = {};
	struct damon_region *r;
	struct damos *s;

	s = damon_new_scheme(&p, DAMOS_STAT, 0, &quota, &wm, 0);
	r = damon_new_region(0, 2 * PG);
	if (!s || !r) {
		kfree(r);
		if (s)
			damon_destroy_scheme(s);
		kunit_skip(test, "out of memory");
	}
	r->nr_accesses = 3;
	r->age = 1;
	KUNIT_EXPECT_TRUE(test, damos_pattern_match(ctx, s, r));	/* all mins */
	r->ar.end = 4 * PG;
	r->nr_accesses = 5;
	r->age = 2;
	KUNIT_EXPECT_TRUE(test, damos_pattern_match(ctx, s, r));	/* all maxs */
	r->ar.end = 5 * PG;
	KUNIT_EXPECT_FALSE(test, damos_pattern_match(ctx, s, r));
	r->ar.end = PG;
	KUNIT_EXPECT_FALSE(test, damos_pattern_match(ctx, s, r));
	r->ar.end = 3 * PG;
	r->nr_accesses = 6;
	KUNIT_EXPECT_FALSE(test, damos_pattern_match(ctx, s, r));
	r->nr_accesses = 2;
	KUNIT_EXPECT_FALSE(test, damos_pattern_match(ctx, s, r));
	r->nr_accesses = 4;
	r->age = 0;
	KUNIT_EXPECT_FALSE(test, damos_pattern_match(ctx, s, r));
	r->age = 3;
	KUNIT_EXPECT_FALSE(test, damos_pattern_match(ctx, s, r));
	kfree(r);
	damon_destroy_scheme(s);
}

static void damos_test_apply_stats_and_age(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damon_target *t = damos_test_target(test, ctx, 3, 2);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	struct damon_region *r;

	damon_for_each_region(r, t)
		r->age = 5;
	KUNIT_EXPECT_TRUE(test, damos_test_pass(ctx, NULL));
	KUNIT_EXPECT_EQ(test, s->stat.nr_tried, 3UL);
	KUNIT_EXPECT_EQ(test, s->stat.sz_tried, 6 * PG);
	KUNIT_EXPECT_EQ(test, s->stat.nr_applied, 3UL);
	KUNIT_EXPECT_EQ(test, s->stat.sz_applied, 6 * PG);
	KUNIT_EXPECT_EQ(test, damos_fake.nr_calls, 3U);
	/* DAMOS_STAT leaves the ages alone... */
	damon_for_each_region(r, t)
		KUNIT_EXPECT_EQ(test, r->age, 5U);
	/* ...other actions reset them. */
	s->action = DAMOS_PAGEOUT;
	s->pattern.min_sz_region = 2 * PG;
	damos_test_nth(t, 1)->ar.end -= PG;	/* too small now */
	KUNIT_EXPECT_TRUE(test, damos_test_pass(ctx, NULL));
	KUNIT_EXPECT_EQ(test, damos_test_nth(t, 0)->age, 0U);
	KUNIT_EXPECT_EQ(test, damos_test_nth(t, 1)->age, 5U);
	KUNIT_EXPECT_EQ(test, damos_test_nth(t, 2)->age, 0U);
	KUNIT_EXPECT_EQ(test, s->stat.nr_applied, 5UL);
}

static void damos_test_no_apply_hook(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damon_target *t = damos_test_target(test, ctx, 2, 1);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_PAGEOUT, 0);

	ctx->ops.apply_scheme = NULL;
	damos_test_nth(t, 0)->age = 4;
	KUNIT_EXPECT_TRUE(test, damos_test_pass(ctx, NULL));
	KUNIT_EXPECT_EQ(test, s->stat.nr_tried, 2UL);
	KUNIT_EXPECT_EQ(test, s->stat.nr_applied, 0UL);
	/* Tried, though nothing was applied: the age restarts all the same. */
	KUNIT_EXPECT_EQ(test, damos_test_nth(t, 0)->age, 0U);
}

static void damos_test_target_filter(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	struct damos_filter *f;

	damos_test_target(test, ctx, 2, 1);
	damos_test_target(test, ctx, 3, 1);
	f = damos_test_filter(test, s, DAMOS_FILTER_TYPE_TARGET, true);
	f->target_idx = 1;
	damos_test_pass(ctx, NULL);
	KUNIT_EXPECT_EQ(test, s->stat.nr_tried, 2UL);

	f->matching = false;	/* exclude all but target 1 */
	damos_test_pass(ctx, NULL);
	KUNIT_EXPECT_EQ(test, s->stat.nr_tried, 5UL);
	KUNIT_EXPECT_EQ(test, damos_fake.nr_calls, 5U);
}

static void damos_test_addr_filter(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damon_target *t = damos_test_target(test, ctx, 1, 10);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	struct damos_filter *f;

	f = damos_test_filter(test, s, DAMOS_FILTER_TYPE_ADDR, true);
	/* Unaligned: widened to [3, 6) pages. */
	f->addr_range.start = 3 * PG + 100;
	f->addr_range.end = 6 * PG - 100;
	damos_test_pass(ctx, NULL);
	/* The region is split at the range boundaries... */
	KUNIT_ASSERT_EQ(test, damon_nr_regions(t), 3U);
	KUNIT_EXPECT_EQ(test, damos_test_nth(t, 0)->ar.end, 3 * PG);
	KUNIT_EXPECT_EQ(test, damos_test_nth(t, 1)->ar.end, 6 * PG);
	KUNIT_EXPECT_EQ(test, damos_test_nth(t, 2)->ar.end, 10 * PG);
	/* ...and only the part in the range is excluded. */
	KUNIT_EXPECT_EQ(test, s->stat.nr_tried, 2UL);
	KUNIT_EXPECT_EQ(test, s->stat.sz_tried, 7 * PG);
	KUNIT_EXPECT_EQ(test, damos_fake.starts[0], 0UL);
	KUNIT_EXPECT_EQ(test, damos_fake.starts[1], 6 * PG);

	f->matching = false;
	damos_test_pass(ctx, NULL);
	KUNIT_EXPECT_EQ(test, s->stat.sz_tried, 10 * PG);
	KUNIT_EXPECT_EQ(test, damos_fake.starts[2], 3 * PG);
	KUNIT_EXPECT_EQ(test, damos_fake.nr_calls, 3U);
}

/* The filters run in order: the first that excludes a region wins. */
static void damos_test_filters_in_order(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	struct damos_filter *f;

	damos_test_target(test, ctx, 4, 1);
	f = damos_test_filter(test, s, DAMOS_FILTER_TYPE_ADDR, false);
	f->addr_range.start = PG;
	f->addr_range.end = 3 * PG;
	f = damos_test_filter(test, s, DAMOS_FILTER_TYPE_ADDR, true);
	f->addr_range.start = 2 * PG;
	f->addr_range.end = 4 * PG;
	damos_test_pass(ctx, NULL);
	KUNIT_EXPECT_EQ(test, s->stat.nr_tried, 1UL);
	KUNIT_EXPECT_EQ(test, damos_fake.starts[0], PG);
}

/* Replace the filters of @s by target filters for the @nr targets @idx. */
static void damos_test_target_filters(struct kunit *test, struct damos *s,
				      const int *idx, const bool *matching,
				      const bool *allow, int nr)
{
	struct damos_filter *f, *next;
	int i;

	damos_for_each_filter_safe(f, next, s)
		damos_destroy_filter(f);
	for (i = 0; i < nr; i++) {
		f = damos_test_filter(test, s, DAMOS_FILTER_TYPE_TARGET,
				      matching[i]);
		f->target_idx = idx[i];
		f->allow = allow[i];
	}
}

/* How many of the three one-region targets of @s's context one pass tries. */
static unsigned long damos_test_nr_tried(struct damon_ctx *ctx,
					 struct damos *s)
{
	unsigned long before = s->stat.nr_tried;

	damos_test_pass(ctx, NULL);
	return s->stat.nr_tried - before;
}

/*
 * The first filter that decides for a region decides; a region no filter
 * decides for is kept out if the last filter allows, and tried otherwise.
 */
static void damos_test_allow_filters(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	static const bool y[] = { true, true }, n[] = { false, false };
	static const bool reject_allow[] = { false, true };
	static const bool allow_reject[] = { true, false };
	static const int t1[] = { 1 }, t0_t1[] = { 0, 1 }, t1_t0[] = { 1, 0 };
	int i;

	for (i = 0; i < 3; i++)
		damos_test_target(test, ctx, 1, 1);

	/* Only target 1 is let in: the others are kept out. */
	damos_test_target_filters(test, s, t1, y, y, 1);
	KUNIT_EXPECT_EQ(test, damos_test_nr_tried(ctx, s), 1UL);
	/* Target 0 out, target 1 in, target 2 out as the last filter allows. */
	damos_test_target_filters(test, s, t0_t1, y, reject_allow, 2);
	KUNIT_EXPECT_EQ(test, damos_test_nr_tried(ctx, s), 1UL);
	/* Target 1 in, target 0 out, target 2 in as the last one rejects. */
	damos_test_target_filters(test, s, t1_t0, y, allow_reject, 2);
	KUNIT_EXPECT_EQ(test, damos_test_nr_tried(ctx, s), 2UL);
	/* "Allow all but target 1": target 1 is decided for by no filter. */
	damos_test_target_filters(test, s, t1, n, y, 1);
	KUNIT_EXPECT_EQ(test, damos_test_nr_tried(ctx, s), 2UL);
	/* A reject filter alone keeps the 6.12 behaviour. */
	damos_test_target_filters(test, s, t1, y, n, 1);
	KUNIT_EXPECT_EQ(test, damos_test_nr_tried(ctx, s), 2UL);
}

/*
 * With ops filters, the regions no core filter decides for are left to
 * them; a region a core filter let in skips them.
 */
static void damos_test_allow_filters_ops(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	static const bool y[] = { true };
	static const int t1[] = { 1 };
	struct damos_filter *f;
	int i;

	for (i = 0; i < 3; i++)
		damos_test_target(test, ctx, 1, 1);
	damos_test_target_filters(test, s, t1, y, y, 1);
	f = damos_test_filter(test, s, DAMOS_FILTER_TYPE_ANON, true);
	KUNIT_EXPECT_EQ(test, damos_test_nr_tried(ctx, s), 3UL);
	KUNIT_ASSERT_EQ(test, damos_fake.nr_calls, 3U);
	KUNIT_EXPECT_FALSE(test, damos_fake.core_allowed[0]);
	KUNIT_EXPECT_TRUE(test, damos_fake.core_allowed[1]);
	KUNIT_EXPECT_FALSE(test, damos_fake.core_allowed[2]);

	/* Without the ops filter, the core decides alone again. */
	damos_destroy_filter(f);
	KUNIT_EXPECT_EQ(test, damos_test_nr_tried(ctx, s), 1UL);
}

static void damos_test_quota_resumes(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_PAGEOUT, 3 * PG);
	unsigned int i;

	damos_test_target(test, ctx, 4, 1);
	damos_test_target(test, ctx, 4, 1);
	s->quota.reset_interval = 0;	/* a new window at each pass */
	damos_test_pass(ctx, NULL);
	KUNIT_EXPECT_EQ(test, s->quota.esz, 3 * PG);
	KUNIT_EXPECT_EQ(test, s->stat.sz_applied, 3 * PG);
	KUNIT_EXPECT_EQ(test, s->stat.qt_exceeds, 1UL);
	damos_test_pass(ctx, NULL);
	damos_test_pass(ctx, NULL);
	/*
	 * Each window goes on where the last one stopped, across targets:
	 * every region is reached once, in order, none twice.
	 */
	KUNIT_ASSERT_EQ(test, damos_fake.nr_calls, 8U);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, damos_fake.starts[i], i * PG);
		KUNIT_EXPECT_EQ(test, damos_fake.starts[i + 4], i * PG);
	}
	/* The third window reached the end before its quota was used. */
	KUNIT_EXPECT_EQ(test, s->stat.qt_exceeds, 2UL);
}

/* Within one window, nothing more is charged once the quota is used. */
static void damos_test_quota_window(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_PAGEOUT, 2 * PG);

	damos_test_target(test, ctx, 4, 1);
	/* 5 ms samples, 100 ms aggregations: a window every 60 samples */
	s->quota.reset_interval = 300;
	damos_test_pass(ctx, NULL);
	damos_test_pass(ctx, NULL);
	damos_test_pass(ctx, NULL);
	KUNIT_EXPECT_EQ(test, s->stat.sz_applied, 2 * PG);
	KUNIT_EXPECT_EQ(test, s->stat.qt_exceeds, 1UL);
	damos_test_pass(ctx, NULL);	/* 300 ms later: a new window */
	KUNIT_EXPECT_EQ(test, s->stat.sz_applied, 4 * PG);
	KUNIT_EXPECT_EQ(test, damos_fake.starts[2], 2 * PG);
}

/* qt_exceeds counts the windows that ran out, each once. */
static void damos_test_qt_exceeds(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_PAGEOUT, PG / 2);
	struct damos *exact = damos_test_scheme(test, ctx, DAMOS_PAGEOUT,
						2 * PG);

	damos_test_target(test, ctx, 2, 1);
	/* A window every 60 samples, a pass every 20. */
	s->quota.reset_interval = 300;
	exact->quota.reset_interval = 300;
	/* Less than a page: every pass of the window stops at once. */
	damos_test_pass(ctx, NULL);
	damos_test_pass(ctx, NULL);
	damos_test_pass(ctx, NULL);
	KUNIT_EXPECT_EQ(test, s->stat.sz_applied, 0UL);
	KUNIT_EXPECT_EQ(test, s->stat.qt_exceeds, 1UL);
	/* Used up by the last region: the window ran out all the same. */
	KUNIT_EXPECT_EQ(test, exact->stat.sz_applied, 2 * PG);
	KUNIT_EXPECT_EQ(test, exact->stat.qt_exceeds, 1UL);
	damos_test_pass(ctx, NULL);	/* a new window */
	KUNIT_EXPECT_EQ(test, s->stat.qt_exceeds, 2UL);
	KUNIT_EXPECT_EQ(test, exact->stat.qt_exceeds, 2UL);
}

/*
 * Quota values up to ULONG_MAX are fine: what cannot be computed saturates,
 * and the time quota of ULONG_MAX ms allows everything.
 */
static void damos_test_quota_saturate(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_PAGEOUT, 0);
	struct damos_quota *q = &s->quota;
	struct damos_quota_goal *g;
	unsigned long last;

	q->ms = ULONG_MAX;
	damos_new_quota_window(ctx, s);
	KUNIT_EXPECT_EQ(test, q->esz, ULONG_MAX);
	q->total_charged_sz = ULONG_MAX / 2;
	q->total_charged_ns = 1;
	q->ms = ULONG_MAX / NSEC_PER_MSEC;
	damos_new_quota_window(ctx, s);
	KUNIT_EXPECT_EQ(test, q->esz, ULONG_MAX);
	q->ms = 0;

	g = damos_new_quota_goal(DAMOS_QUOTA_USER_INPUT, 1);
	if (!g)
		kunit_skip(test, "out of memory");
	damos_add_quota_goal(q, g);
	q->sz = ULONG_MAX;
	damos_new_quota_window(ctx, s);
	last = q->esz;
	/* Far beyond the goal: the quota halves, nothing overflows. */
	g->current_value = ULONG_MAX;
	damos_new_quota_window(ctx, s);
	KUNIT_EXPECT_EQ(test, q->esz, last / 2);
	g->target_value = ULONG_MAX;
	g->current_value = 0;
	damos_new_quota_window(ctx, s);
	KUNIT_EXPECT_GT(test, q->esz, last / 2);
}

/* A region larger than what is left of the quota is split. */
static void damos_test_quota_split(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damon_target *t = damos_test_target(test, ctx, 1, 10);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_PAGEOUT, 3 * PG);

	s->quota.reset_interval = 0;
	damos_test_pass(ctx, NULL);
	KUNIT_ASSERT_EQ(test, damos_fake.nr_calls, 1U);
	KUNIT_EXPECT_EQ(test, damos_fake.sizes[0], 3 * PG);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 2U);
	damos_test_pass(ctx, NULL);
	KUNIT_ASSERT_EQ(test, damos_fake.nr_calls, 2U);
	KUNIT_EXPECT_EQ(test, damos_fake.starts[1], 3 * PG);
	KUNIT_EXPECT_EQ(test, damos_fake.sizes[1], 3 * PG);
}

/* With a binding quota, the highest-scored regions are picked. */
static void damos_test_min_score(struct kunit *test)
{
	static const unsigned int nr_accesses[] = { 1, 5, 3, 9 };
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damon_target *t = damos_test_target(test, ctx, 4, 2);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_PAGEOUT, 4 * PG);
	unsigned int i;

	for (i = 0; i < 4; i++)
		damos_test_nth(t, i)->nr_accesses = nr_accesses[i];
	s->quota.reset_interval = 1000;
	damos_test_pass(ctx, NULL);
	KUNIT_EXPECT_EQ(test, s->quota.min_score, 5U);
	KUNIT_ASSERT_EQ(test, damos_fake.nr_calls, 2U);
	KUNIT_EXPECT_EQ(test, damos_fake.starts[0], 2 * PG);
	KUNIT_EXPECT_EQ(test, damos_fake.starts[1], 6 * PG);

	/* A quota the regions fit in needs no threshold. */
	s->quota.sz = 100 * PG;
	damos_new_quota_window(ctx, s);
	KUNIT_EXPECT_EQ(test, s->quota.min_score, 0U);
}

static void damos_test_esz(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_PAGEOUT, 0);
	struct damos_quota *q = &s->quota;

	damos_new_quota_window(ctx, s);
	KUNIT_EXPECT_EQ(test, q->esz, ULONG_MAX);
	q->sz = 5 * PG;
	damos_new_quota_window(ctx, s);
	KUNIT_EXPECT_EQ(test, q->esz, 5 * PG);
	/* No throughput measured yet: 1 MiB per ms. */
	q->sz = 0;
	q->ms = 2;
	damos_new_quota_window(ctx, s);
	KUNIT_EXPECT_EQ(test, q->esz, 2UL << 20);
	/* 10 MiB in 5 ms: 2 MiB per ms. */
	q->total_charged_sz = 10UL << 20;
	q->total_charged_ns = 5 * NSEC_PER_MSEC;
	q->ms = 3;
	damos_new_quota_window(ctx, s);
	KUNIT_EXPECT_EQ(test, q->esz, 6UL << 20);
	/*
	 * Huge time quotas saturate to no limit, not to a wrapped-around
	 * one, before and after a throughput is measured.
	 */
	q->total_charged_sz = 0;
	q->total_charged_ns = 0;
	q->ms = (1UL << 44) + 1;
	damos_new_quota_window(ctx, s);
	KUNIT_EXPECT_EQ(test, q->esz, ULONG_MAX);
	q->total_charged_sz = 1UL << 40;
	q->total_charged_ns = 1;
	q->ms = ULONG_MAX / 1000;
	damos_new_quota_window(ctx, s);
	KUNIT_EXPECT_EQ(test, q->esz, ULONG_MAX);
	q->total_charged_sz = 10UL << 20;
	q->total_charged_ns = 5 * NSEC_PER_MSEC;
	q->ms = 3;
	/* The smallest limit wins. */
	q->sz = 1UL << 20;
	damos_new_quota_window(ctx, s);
	KUNIT_EXPECT_EQ(test, q->esz, 1UL << 20);
	KUNIT_EXPECT_EQ(test, q->charged_sz, 0UL);
}

static void damos_test_goal_feedback(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_PAGEOUT, 0);
	struct damos_quota_goal *g;
	unsigned long sz, last;

	sz = damos_goal_tuned_sz(1UL << 20, 5000);
	KUNIT_EXPECT_GT(test, sz, 1UL << 20);
	KUNIT_EXPECT_LE(test, sz, 2UL << 20);
	sz = damos_goal_tuned_sz(1UL << 20, 20000);
	KUNIT_EXPECT_LT(test, sz, 1UL << 20);
	KUNIT_EXPECT_GE(test, sz, 1UL << 19);
	KUNIT_EXPECT_EQ(test, damos_goal_tuned_sz(1UL << 20, 10000), 1UL << 20);
	KUNIT_EXPECT_EQ(test, damos_goal_tuned_sz(PG, 1000000), PG);
	KUNIT_EXPECT_EQ(test, damos_goal_tuned_sz(PG + 1, 20000), PG);

	g = damos_new_quota_goal(DAMOS_QUOTA_USER_INPUT, 1000);
	if (!g)
		kunit_skip(test, "out of memory");
	damos_add_quota_goal(&s->quota, g);
	damos_new_quota_window(ctx, s);
	last = s->quota.esz;
	KUNIT_EXPECT_NE(test, last, ULONG_MAX);
	g->current_value = 100;		/* far from the goal: grow */
	damos_new_quota_window(ctx, s);
	KUNIT_EXPECT_GT(test, s->quota.esz, last);
	last = s->quota.esz;
	g->current_value = 3000;	/* beyond the goal: shrink */
	damos_new_quota_window(ctx, s);
	KUNIT_EXPECT_LT(test, s->quota.esz, last);
	/* A static limit still caps the tuned quota. */
	s->quota.sz = PG;
	damos_new_quota_window(ctx, s);
	KUNIT_EXPECT_EQ(test, s->quota.esz, PG);
}

static void damos_test_wmarks(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	static const struct {
		unsigned long value;
		bool active;
	} steps[] = {
		{ 900, false }, { 600, false }, { 400, true }, { 700, true },
		{ 850, false }, { 500, true }, { 199, false }, { 200, true },
	};
	unsigned int i;

	KUNIT_EXPECT_TRUE(test, s->wmarks.activated);
	damos_wmarks_update(s, 1000);	/* metric none: always active */
	KUNIT_EXPECT_TRUE(test, s->wmarks.activated);

	s->wmarks.metric = DAMOS_WMARK_FREE_MEM_RATE;
	s->wmarks.high = 800;
	s->wmarks.mid = 500;
	s->wmarks.low = 200;
	s->wmarks.activated = false;
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		damos_wmarks_update(s, steps[i].value);
		KUNIT_EXPECT_EQ_MSG(test, s->wmarks.activated, steps[i].active,
				    "step %u, value %lu", i, steps[i].value);
	}

	/* An inactive scheme is not applied. */
	damos_test_target(test, ctx, 1, 1);
	s->wmarks.activated = false;
	KUNIT_EXPECT_FALSE(test, damos_test_pass(ctx, NULL));
	KUNIT_EXPECT_EQ(test, s->stat.nr_tried, 0UL);
}

static void damos_test_apply_interval(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	struct damos *every = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	unsigned int i;

	damos_test_target(test, ctx, 1, 1);
	/* 5 ms samples, 100 ms aggregations, applied every 300 ms */
	s->apply_interval_us = 300 * USEC_PER_MSEC;
	for (i = 0; i < 7; i++)
		damos_test_pass(ctx, NULL);
	/* at 100 ms (first pass), 400 ms and 700 ms */
	KUNIT_EXPECT_EQ(test, s->stat.nr_tried, 3UL);
	KUNIT_EXPECT_EQ(test, every->stat.nr_tried, 7UL);
}

/*
 * In the middle of an aggregation interval the access count is the moving
 * sum of damon_nr_accesses_now(), with which schemes whose apply interval is
 * shorter than the aggregation interval match regions.
 */
static void damos_test_apply_mid_interval(struct kunit *test)
{
	static const struct damos_access_pattern busy = {
		.max_sz_region = ULONG_MAX,
		.min_nr_accesses = 15, .max_nr_accesses = UINT_MAX,
		.max_age_region = UINT_MAX,
	};
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damon_target *t = damos_test_target(test, ctx, 1, 4);
	struct damos *every = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	struct damos *fast = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	struct damos *hot = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	struct damon_region *r = damon_first_region(t);
	unsigned int i;

	/* 5 ms samples, 100 ms aggregations: 20 samples per aggregation. */
	ctx->next_aggregation_sis = 20;
	r->last_nr_accesses = 20;
	r->nr_accesses = 0;
	/* Accessed at every sample last time, at none so far now. */
	ctx->passed_sample_intervals = 5;
	KUNIT_EXPECT_EQ(test, damon_nr_accesses_now(ctx, r), 15U);
	r->nr_accesses = 3;
	KUNIT_EXPECT_EQ(test, damon_nr_accesses_now(ctx, r), 18U);
	ctx->passed_sample_intervals = 20;
	KUNIT_EXPECT_EQ(test, damon_nr_accesses_now(ctx, r), 3U);
	r->nr_accesses = 0;

	/* Every 10 ms, that is every other sample, from the second one. */
	fast->apply_interval_us = 10 * USEC_PER_MSEC;
	fast->next_apply_sis = 2;
	hot->apply_interval_us = 10 * USEC_PER_MSEC;
	hot->next_apply_sis = 2;
	hot->pattern = busy;
	for (i = 1; i <= 20; i++) {
		ctx->passed_sample_intervals = i;
		kdamond_apply_schemes(ctx, NULL);
	}
	KUNIT_EXPECT_EQ(test, every->stat.nr_tried, 1UL);
	KUNIT_EXPECT_EQ(test, fast->stat.nr_tried, 10UL);
	/* 20 - i is 15 or more up to sample 5: applied at 2 and 4. */
	KUNIT_EXPECT_EQ(test, hot->stat.nr_tried, 2UL);
	KUNIT_EXPECT_EQ(test, fast->next_apply_sis, 22UL);
}

struct damos_test_walk {
	unsigned int nr;
	unsigned long sz;
};

static void damos_test_walk_fn(void *arg, struct damon_ctx *ctx,
			       struct damon_target *t, struct damon_region *r,
			       struct damos *s, unsigned long sz_filter_passed)
{
	struct damos_test_walk *w = arg;

	w->nr++;
	w->sz += sz_filter_passed;
}

/* The walkers of a pass see each tried region. */
static void damos_test_walk(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	struct damos_test_walk w = {};
	struct damon_request req = {
		.arg = &w, .walk_fn = damos_test_walk_fn,
	};
	struct damos_filter *f;
	LIST_HEAD(walkers);

	damos_test_target(test, ctx, 5, 1);
	f = damos_test_filter(test, s, DAMOS_FILTER_TYPE_ADDR, true);
	f->addr_range.start = 0;
	f->addr_range.end = PG;
	/* As the kdamond numbers a walk when it takes the request. */
	req.walk_seq = 1;
	list_add(&req.list, &walkers);
	KUNIT_EXPECT_TRUE(test, damos_test_pass(ctx, &walkers));
	KUNIT_EXPECT_EQ(test, w.nr, 4U);
	KUNIT_EXPECT_EQ(test, w.sz, 4 * PG);
	KUNIT_EXPECT_EQ(test, (unsigned long)w.nr, s->stat.nr_tried);
	/* A scheme serves a walk once. */
	KUNIT_EXPECT_EQ(test, s->walk_seq, 1UL);
	KUNIT_EXPECT_TRUE(test, damos_test_pass(ctx, &walkers));
	KUNIT_EXPECT_EQ(test, w.nr, 4U);
	KUNIT_EXPECT_EQ(test, s->stat.nr_tried, 8UL);
	/* Without filters of the ops, all of each region passed them. */
	KUNIT_EXPECT_EQ(test, s->stat.sz_ops_filter_passed, 8 * PG);
}

/*
 * What the ops report as having passed their filters goes to the walkers
 * and to sz_ops_filter_passed, and nothing else changes.
 */
static void damos_test_ops_filter_passed(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos *s = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	struct damos_test_walk w = {};
	struct damon_request req = {
		.arg = &w, .walk_fn = damos_test_walk_fn, .walk_seq = 1,
	};
	LIST_HEAD(walkers);

	damos_test_target(test, ctx, 4, 2);
	damos_fake.filter_half = true;
	list_add(&req.list, &walkers);
	KUNIT_EXPECT_TRUE(test, damos_test_pass(ctx, &walkers));
	KUNIT_EXPECT_EQ(test, w.nr, 4U);
	KUNIT_EXPECT_EQ(test, w.sz, 4 * PG);
	KUNIT_EXPECT_EQ(test, s->stat.sz_ops_filter_passed, 4 * PG);
	KUNIT_EXPECT_EQ(test, s->stat.sz_tried, 8 * PG);
	KUNIT_EXPECT_EQ(test, s->stat.sz_applied, 8 * PG);
	/* The ops got the size of the region to start from. */
	KUNIT_EXPECT_EQ(test, damos_fake.nr_bad_passed, 0U);
}

/* === with a running kdamond === */

static void damos_test_stop(void *p)
{
	struct damon_ctx *ctx = p;

	damon_stop(&ctx, 1);
}

/* Start @ctx with 1 ms samples and 5 ms aggregations; stopped at the end. */
static void damos_test_start(struct kunit *test, struct damon_ctx *ctx)
{
	struct damon_attrs attrs = ctx->attrs;

	attrs.sample_interval = 1000;
	attrs.aggr_interval = 5000;
	KUNIT_ASSERT_EQ(test, damon_set_attrs(ctx, &attrs), 0);
	KUNIT_ASSERT_EQ(test, damon_start(&ctx, 1, false), 0);
	if (kunit_add_action_or_reset(test, damos_test_stop, ctx))
		kunit_skip(test, "out of memory");
}

struct damos_test_stats {
	struct damos_test_walk walk;
	unsigned long nr_tried;
};

static int damos_test_read_stats(struct damon_ctx *ctx, void *arg)
{
	struct damos_test_stats *st = arg;
	struct damos *s = list_first_entry(&ctx->schemes, struct damos, list);

	st->nr_tried = s->stat.nr_tried;
	return 0;
}

static void damos_test_stats_walk_fn(void *arg, struct damon_ctx *ctx,
				     struct damon_target *t,
				     struct damon_region *r, struct damos *s,
				     unsigned long sz_filter_passed)
{
	struct damos_test_stats *st = arg;

	damos_test_walk_fn(&st->walk, ctx, t, r, s, sz_filter_passed);
}

/* A walk request sees one whole pass, then reads the stats it left. */
static void damos_test_request_walk(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos_test_stats st = {};
	struct damon_request req = {
		.fn = damos_test_read_stats,
		.walk_fn = damos_test_stats_walk_fn,
		.arg = &st,
	};

	damos_test_target(test, ctx, 1, 4);
	damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	damos_test_start(test, ctx);
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
	/* damon_split_to_min_nr_regions() made one region per page. */
	KUNIT_EXPECT_EQ(test, st.walk.nr, 4U);
	KUNIT_EXPECT_EQ(test, st.walk.sz, 4 * PG);
	KUNIT_EXPECT_GE(test, st.nr_tried, 4UL);
	KUNIT_EXPECT_EQ(test, st.nr_tried % 4, 0UL);
}

struct damos_test_rearm {
	struct damon_ctx *src;
	unsigned long now, next_before, next_after;
	unsigned long fresh_next;
	int err;
};

/* Commit @arg's source in the kdamond and see when the scheme is due. */
static int damos_test_rearm_fn(struct damon_ctx *ctx, void *arg)
{
	struct damos_test_rearm *r = arg;
	struct damos *s = list_first_entry(&ctx->schemes, struct damos, list);

	r->now = ctx->passed_sample_intervals;
	r->next_before = s->next_apply_sis;
	r->err = damon_commit_ctx(ctx, r->src);
	r->next_after = s->next_apply_sis;
	r->fresh_next = list_last_entry(&ctx->schemes, struct damos,
					list)->next_apply_sis;
	return 0;
}

static void damos_test_rearm_commit(struct kunit *test, struct damon_ctx *ctx,
				    struct damos_test_rearm *r)
{
	struct damon_request req = {
		.fn = damos_test_rearm_fn,
		.arg = r,
	};

	KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
	KUNIT_ASSERT_EQ(test, r->err, 0);
}

/*
 * A commit assigns every parameter a user sets, those of the filters and
 * goals included, and keeps the runtime state: a parameter that a copy
 * forgets shows here.
 */
static void damos_test_commit_every_param(struct kunit *test)
{
	const struct damos_access_pattern pattern = {
		.min_sz_region = PG, .max_sz_region = 9 * PG,
		.min_nr_accesses = 2, .max_nr_accesses = 8,
		.min_age_region = 3, .max_age_region = 7,
	};
	struct damon_ctx *dst = damos_test_ctx(test);
	struct damon_ctx *src = damos_test_ctx(test);
	struct damos *ds = damos_test_scheme(test, dst, DAMOS_STAT, 0);
	struct damos *ss = damos_test_scheme(test, src, DAMOS_PAGEOUT, 0);
	struct damos_quota_goal *g;
	struct damos_filter *f;

	ss->pattern = pattern;
	ss->target_nid = 1;
	ss->apply_interval_us = 5000;
	ss->quota.reset_interval = 11;
	ss->quota.ms = 12;
	ss->quota.sz = 13 * PG;
	ss->quota.weight_sz = 14;
	ss->quota.weight_nr_accesses = 15;
	ss->quota.weight_age = 16;
	ss->wmarks.metric = DAMOS_WMARK_FREE_MEM_RATE;
	ss->wmarks.interval = 17;
	ss->wmarks.high = 900;
	ss->wmarks.mid = 800;
	ss->wmarks.low = 100;
	f = damos_test_filter(test, ss, DAMOS_FILTER_TYPE_ADDR, false);
	f->addr_range.start = 2 * PG;
	f->addr_range.end = 5 * PG;
	damos_test_filter(test, ss, DAMOS_FILTER_TYPE_ANON, true);
	g = damos_new_quota_goal(DAMOS_QUOTA_USER_INPUT, 42);
	if (!g)
		kunit_skip(test, "out of memory");
	g->current_value = 21;
	damos_add_quota_goal(&ss->quota, g);
	ds->stat.nr_applied = 4;
	ds->quota.total_charged_sz = 6;

	KUNIT_ASSERT_EQ(test, damon_commit_ctx(dst, src), 0);
	KUNIT_EXPECT_EQ(test, ds->action, DAMOS_PAGEOUT);
	KUNIT_EXPECT_EQ(test, ds->target_nid, 1);
	KUNIT_EXPECT_EQ(test, ds->apply_interval_us, 5000UL);
	KUNIT_EXPECT_EQ(test, ds->pattern.min_sz_region, PG);
	KUNIT_EXPECT_EQ(test, ds->pattern.max_sz_region, 9 * PG);
	KUNIT_EXPECT_EQ(test, ds->pattern.min_nr_accesses, 2U);
	KUNIT_EXPECT_EQ(test, ds->pattern.max_nr_accesses, 8U);
	KUNIT_EXPECT_EQ(test, ds->pattern.min_age_region, 3U);
	KUNIT_EXPECT_EQ(test, ds->pattern.max_age_region, 7U);
	KUNIT_EXPECT_EQ(test, ds->quota.reset_interval, 11UL);
	KUNIT_EXPECT_EQ(test, ds->quota.ms, 12UL);
	KUNIT_EXPECT_EQ(test, ds->quota.sz, 13 * PG);
	KUNIT_EXPECT_EQ(test, ds->quota.weight_sz, 14U);
	KUNIT_EXPECT_EQ(test, ds->quota.weight_nr_accesses, 15U);
	KUNIT_EXPECT_EQ(test, ds->quota.weight_age, 16U);
	KUNIT_EXPECT_EQ(test, ds->wmarks.metric, DAMOS_WMARK_FREE_MEM_RATE);
	KUNIT_EXPECT_EQ(test, ds->wmarks.interval, 17UL);
	KUNIT_EXPECT_EQ(test, ds->wmarks.high, 900UL);
	KUNIT_EXPECT_EQ(test, ds->wmarks.mid, 800UL);
	KUNIT_EXPECT_EQ(test, ds->wmarks.low, 100UL);
	KUNIT_EXPECT_EQ(test, ds->stat.nr_applied, 4UL);
	KUNIT_EXPECT_EQ(test, ds->quota.total_charged_sz, 6UL);

	KUNIT_ASSERT_EQ(test, list_count_nodes(&ds->filters), 2UL);
	f = list_first_entry(&ds->filters, struct damos_filter, list);
	KUNIT_EXPECT_EQ(test, f->type, DAMOS_FILTER_TYPE_ADDR);
	KUNIT_EXPECT_FALSE(test, f->matching);
	KUNIT_EXPECT_EQ(test, f->addr_range.start, 2 * PG);
	KUNIT_EXPECT_EQ(test, f->addr_range.end, 5 * PG);
	f = list_last_entry(&ds->filters, struct damos_filter, list);
	KUNIT_EXPECT_EQ(test, f->type, DAMOS_FILTER_TYPE_ANON);
	KUNIT_EXPECT_TRUE(test, f->matching);
	KUNIT_ASSERT_TRUE(test, list_is_singular(&ds->quota.goals));
	g = list_first_entry(&ds->quota.goals, struct damos_quota_goal, list);
	KUNIT_EXPECT_EQ(test, g->metric, DAMOS_QUOTA_USER_INPUT);
	KUNIT_EXPECT_EQ(test, g->current_value, 21UL);
	KUNIT_EXPECT_EQ(test, g->target_value, 42UL);
}

/*
 * A commit that changes the apply interval of a scheme, or the sampling or
 * aggregation interval, makes the scheme due one new apply interval later;
 * one that changes neither leaves it alone.  A new scheme is due one apply
 * interval after the commit.
 */
static void damos_test_commit_rearm(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damon_ctx *src = damos_test_ctx(test);
	struct damos_test_rearm r = { .src = src };
	struct damon_target *t;
	struct damos *s, *ss;

	damos_test_target(test, ctx, 1, 4);
	s = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	s->apply_interval_us = 3600 * USEC_PER_SEC;
	damos_test_start(test, ctx);

	/* The source: the same target and attributes, apply every 10 ms. */
	t = damon_new_target();
	if (!t)
		kunit_skip(test, "out of memory");
	damon_add_target(src, t);
	src->attrs = ctx->attrs;
	ss = damos_test_scheme(test, src, DAMOS_STAT, 0);
	ss->apply_interval_us = 10 * USEC_PER_MSEC;
	damos_test_rearm_commit(test, ctx, &r);
	/* 1 ms samples: due 10 samples after the commit, not in an hour. */
	KUNIT_EXPECT_EQ(test, r.next_after, r.now + 10);

	/* Nothing changed: the next application stays where it was. */
	damos_test_rearm_commit(test, ctx, &r);
	KUNIT_EXPECT_EQ(test, r.next_after, r.next_before);

	/* A new aggregation interval: due one apply interval from now. */
	src->attrs.aggr_interval *= 2;
	damos_test_rearm_commit(test, ctx, &r);
	KUNIT_EXPECT_EQ(test, r.next_after, r.now + 10);

	/* A new scheme: due one apply interval after it arrives. */
	ss = damos_test_scheme(test, src, DAMOS_STAT, 0);
	ss->apply_interval_us = 7 * USEC_PER_MSEC;
	damos_test_rearm_commit(test, ctx, &r);
	KUNIT_EXPECT_EQ(test, r.fresh_next, r.now + 7);
}

struct damos_test_walker {
	struct damon_ctx *ctx;
	struct damos_test_stats st;
	struct damon_request req;
	struct completion queued, done;
	int ret;
};

static int damos_test_walker_fn(void *p)
{
	struct damos_test_walker *w = p;

	allow_signal(SIGINT);
	complete(&w->queued);
	w->ret = damon_request(w->ctx, &w->req);
	complete(&w->done);
	return 0;
}

/*
 * Start @ctx, then a thread that makes a walk request of @w on it; wait
 * @ms, check that the request still waits, and interrupt the thread with a
 * signal.  Return: the request's return value, or 1 if it had returned
 * before the signal.
 */
static int damos_test_walk_interrupted(struct kunit *test,
				       struct damon_ctx *ctx,
				       struct damos_test_walker *w,
				       unsigned int ms)
{
	struct task_struct *tsk;
	bool returned;

	w->ctx = ctx;
	w->req.fn = damos_test_read_stats;
	w->req.walk_fn = damos_test_stats_walk_fn;
	w->req.arg = &w->st;
	init_completion(&w->queued);
	init_completion(&w->done);
	damos_test_start(test, ctx);
	tsk = kthread_run(damos_test_walker_fn, w, "damos_test_walk");
	if (IS_ERR(tsk))
		kunit_skip(test, "cannot create a thread");
	get_task_struct(tsk);
	wait_for_completion(&w->queued);
	msleep(ms);
	if (completion_done(&w->done)) {
		put_task_struct(tsk);
		return 1;
	}
	send_sig(SIGINT, tsk, 1);
	returned = wait_for_completion_timeout(&w->done, 5 * HZ);
	KUNIT_EXPECT_TRUE(test, returned);
	if (!returned) {
		damon_stop(&ctx, 1);
		wait_for_completion(&w->done);
	}
	put_task_struct(tsk);
	return w->ret;
}

/*
 * A walk request waits until every active scheme has been applied, which a
 * scheme applied every 2^64 - 1 microseconds never is.  A signal ends the
 * wait with -EINTR, and the kdamond keeps serving other requests.
 */
static void damos_test_request_walk_interrupted(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos_test_stats st = {};
	struct damon_request req = { .fn = damos_test_read_stats, .arg = &st };
	struct damos_test_walker *w;
	struct damos *s;

	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	if (!w)
		kunit_skip(test, "out of memory");
	damos_test_target(test, ctx, 1, 4);
	s = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	s->apply_interval_us = ULONG_MAX;
	KUNIT_EXPECT_EQ(test, damos_test_walk_interrupted(test, ctx, w, 50),
			-EINTR);
	KUNIT_EXPECT_EQ(test, w->st.walk.nr, 0U);
	KUNIT_ASSERT_TRUE(test, damon_is_running(ctx));
	KUNIT_EXPECT_EQ(test, damon_request(ctx, &req), 0);
	KUNIT_EXPECT_EQ(test, st.nr_tried, 0UL);
}

/*
 * A walk request waits until every active scheme has walked it: a scheme
 * applied at every aggregation walks it once, however often it is applied
 * meanwhile, and the request waits on for a scheme that is never applied,
 * until a signal ends the wait.
 */
static void damos_test_request_walk_every_scheme(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos_test_walker *w;
	struct damos *never;

	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	if (!w)
		kunit_skip(test, "out of memory");
	damos_test_target(test, ctx, 1, 4);
	damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	never = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	never->apply_interval_us = ULONG_MAX;
	/* Some 20 aggregations, each applying the first scheme. */
	KUNIT_EXPECT_EQ(test, damos_test_walk_interrupted(test, ctx, w, 100),
			-EINTR);
	/* The first scheme walked the four regions, once. */
	KUNIT_EXPECT_EQ(test, w->st.walk.nr, 4U);
	KUNIT_EXPECT_TRUE(test, damon_is_running(ctx));
}

static unsigned int damos_test_nr_prepares;

static void damos_test_count_prepare(struct damon_ctx *ctx)
{
	WRITE_ONCE(damos_test_nr_prepares, damos_test_nr_prepares + 1);
}

static int damos_test_nop(struct damon_ctx *ctx, void *arg)
{
	return 0;
}

/*
 * While no scheme is active the kdamond does not monitor, and a request
 * wakes it up instead of waiting for the end of a long watermark interval.
 */
static void damos_test_idle(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damon_request req = { .fn = damos_test_nop };
	struct damos *s;
	unsigned long begin;

	damos_test_target(test, ctx, 1, 4);
	s = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	/* Active only with no free memory at all: never, here. */
	s->wmarks.metric = DAMOS_WMARK_FREE_MEM_RATE;
	s->wmarks.interval = 60 * USEC_PER_SEC;
	s->wmarks.activated = false;
	ctx->ops.prepare_access_checks = damos_test_count_prepare;
	WRITE_ONCE(damos_test_nr_prepares, 0);
	damos_test_start(test, ctx);
	msleep(50);
	begin = jiffies;
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
	KUNIT_EXPECT_LT(test, jiffies - begin, (unsigned long)HZ);
	KUNIT_EXPECT_EQ(test, READ_ONCE(damos_test_nr_prepares), 0U);
	KUNIT_EXPECT_FALSE(test, s->wmarks.activated);
}

/*
 * A walk or after-aggregation request made while every scheme is inactive
 * has no pass to wait for: it completes at once, having walked nothing.
 */
static void damos_test_idle_walk(struct kunit *test)
{
	struct damon_ctx *ctx = damos_test_ctx(test);
	struct damos_test_stats st = {};
	struct damon_request walk = {
		.fn = damos_test_read_stats,
		.walk_fn = damos_test_stats_walk_fn,
		.arg = &st,
	};
	struct damon_request aggr = {
		.fn = damos_test_nop,
		.after_aggregation = true,
	};
	struct damos *s;
	unsigned long begin;

	damos_test_target(test, ctx, 1, 4);
	s = damos_test_scheme(test, ctx, DAMOS_STAT, 0);
	s->wmarks.metric = DAMOS_WMARK_FREE_MEM_RATE;
	s->wmarks.interval = 60 * USEC_PER_SEC;
	s->wmarks.activated = false;
	damos_test_start(test, ctx);
	msleep(50);
	begin = jiffies;
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &walk), 0);
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &aggr), 0);
	KUNIT_EXPECT_LT(test, jiffies - begin, (unsigned long)HZ);
	KUNIT_EXPECT_EQ(test, st.walk.nr, 0U);
	KUNIT_EXPECT_EQ(test, st.nr_tried, 0UL);
}

static struct kunit_case damon_schemes_cases[] = {
	KUNIT_CASE(damos_test_new_scheme),
	KUNIT_CASE(damos_test_check_schemes),
	KUNIT_CASE(damos_test_commit_invalid),
	KUNIT_CASE(damos_test_commit),
	KUNIT_CASE(damos_test_commit_every_param),
	KUNIT_CASE(damos_test_pattern_match),
	KUNIT_CASE(damos_test_apply_stats_and_age),
	KUNIT_CASE(damos_test_no_apply_hook),
	KUNIT_CASE(damos_test_target_filter),
	KUNIT_CASE(damos_test_addr_filter),
	KUNIT_CASE(damos_test_filters_in_order),
	KUNIT_CASE(damos_test_allow_filters),
	KUNIT_CASE(damos_test_allow_filters_ops),
	KUNIT_CASE(damos_test_quota_resumes),
	KUNIT_CASE(damos_test_quota_window),
	KUNIT_CASE(damos_test_qt_exceeds),
	KUNIT_CASE(damos_test_quota_saturate),
	KUNIT_CASE(damos_test_quota_split),
	KUNIT_CASE(damos_test_min_score),
	KUNIT_CASE(damos_test_esz),
	KUNIT_CASE(damos_test_goal_feedback),
	KUNIT_CASE(damos_test_wmarks),
	KUNIT_CASE(damos_test_apply_interval),
	KUNIT_CASE(damos_test_apply_mid_interval),
	KUNIT_CASE(damos_test_walk),
	KUNIT_CASE(damos_test_ops_filter_passed),
	KUNIT_CASE(damos_test_request_walk),
	KUNIT_CASE(damos_test_commit_rearm),
	KUNIT_CASE(damos_test_request_walk_interrupted),
	KUNIT_CASE(damos_test_request_walk_every_scheme),
	KUNIT_CASE(damos_test_idle),
	KUNIT_CASE(damos_test_idle_walk),
	{}
};

static struct kunit_suite damon_schemes_suite = {
	.name = "damon_schemes",
	.test_cases = damon_schemes_cases,
};

kunit_test_suite(damon_schemes_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the DAMOS engine of the DAMON core");
MODULE_LICENSE("GPL");
