// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite damon_core: the DAMON core, from region lists to running
 * kdamonds.  Contexts that run use a fake operations set assigned directly
 * to &damon_ctx.ops (operations set ids are a fixed enum).
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/damon.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/math.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include "../core-internal.h"
#include "../ops-internal.h"

#define PG	DAMON_MIN_REGION

/* === fixtures === */

static void damon_test_ctx_release(void *p)
{
	struct damon_ctx *ctx = p;

	if (damon_is_running(ctx))
		damon_stop(&ctx, 1);
	damon_destroy_ctx(ctx);
}

/* A context freed (and stopped) at the end of the test. */
static struct damon_ctx *damon_test_ctx(struct kunit *test)
{
	struct damon_ctx *ctx = damon_new_ctx();

	if (!ctx)
		kunit_skip(test, "out of memory");
	if (kunit_add_action_or_reset(test, damon_test_ctx_release, ctx))
		kunit_skip(test, "out of memory");
	return ctx;
}

/* A target of @ctx with one region per range, given in pages. */
static struct damon_target *damon_test_target(struct kunit *test,
					      struct damon_ctx *ctx,
					      const unsigned long (*pages)[2],
					      unsigned int nr)
{
	struct damon_target *t = damon_new_target();
	unsigned int i;

	if (!t)
		kunit_skip(test, "out of memory");
	damon_add_target(ctx, t);
	for (i = 0; i < nr; i++) {
		struct damon_region *r;

		r = damon_new_region(pages[i][0] * PG, pages[i][1] * PG);
		if (!r)
			kunit_skip(test, "out of memory");
		damon_add_region(r, t);
	}
	return t;
}

static struct damon_region *damon_test_nth(struct damon_target *t,
					   unsigned int n)
{
	struct damon_region *r;

	damon_for_each_region(r, t)
		if (!n--)
			return r;
	return NULL;
}

/* Regions sorted, non-overlapping, aligned, non-empty, sampling inside. */
static void damon_test_check_regions(struct kunit *test,
				     struct damon_target *t)
{
	struct damon_region *r, *prev = NULL;
	unsigned int nr = 0;

	damon_for_each_region(r, t) {
		KUNIT_EXPECT_LT(test, r->ar.start, r->ar.end);
		KUNIT_EXPECT_EQ(test, r->ar.start % PG, 0UL);
		KUNIT_EXPECT_EQ(test, r->ar.end % PG, 0UL);
		KUNIT_EXPECT_GE(test, r->sampling_addr, r->ar.start);
		KUNIT_EXPECT_LT(test, r->sampling_addr, r->ar.end);
		if (prev)
			KUNIT_EXPECT_LE(test, prev->ar.end, r->ar.start);
		prev = r;
		nr++;
	}
	KUNIT_EXPECT_EQ(test, nr, damon_nr_regions(t));
}

/* Total size of the regions of @t. */
static unsigned long damon_test_sz(struct damon_target *t)
{
	struct damon_region *r;
	unsigned long sz = 0;

	damon_for_each_region(r, t)
		sz += damon_sz_region(r);
	return sz;
}

/* === regions and targets === */

static void damon_test_regions_lifecycle(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 1}, {2, 4}, {8, 9} };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 3);
	struct damon_region *r;

	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 3U);
	damon_test_check_regions(test, t);
	damon_destroy_region(damon_test_nth(t, 1), t);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 2U);
	r = damon_first_region(t);
	KUNIT_EXPECT_EQ(test, r->ar.start, 0UL);
	KUNIT_EXPECT_EQ(test, damon_next_region(r)->ar.start, 8 * PG);

	r = damon_new_region(4 * PG, 6 * PG);
	if (!r)
		kunit_skip(test, "out of memory");
	damon_insert_region(r, damon_first_region(t), damon_last_region(t), t);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 3U);
	KUNIT_EXPECT_PTR_EQ(test, damon_test_nth(t, 1), r);
	damon_test_check_regions(test, t);
}

static void damon_test_new_region_is_clean(struct kunit *test)
{
	struct damon_region *r = damon_new_region(PG, 3 * PG);

	if (!r)
		kunit_skip(test, "out of memory");
	KUNIT_EXPECT_EQ(test, r->ar.start, PG);
	KUNIT_EXPECT_EQ(test, r->ar.end, 3 * PG);
	KUNIT_EXPECT_EQ(test, r->nr_accesses, 0U);
	KUNIT_EXPECT_EQ(test, r->nr_accesses_bp, 0U);
	KUNIT_EXPECT_EQ(test, r->last_nr_accesses, 0U);
	KUNIT_EXPECT_EQ(test, r->age, 0U);
	KUNIT_EXPECT_EQ(test, damon_sz_region(r), 2 * PG);
	kfree(r);
}

static void damon_test_destroy_target(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 4} };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t1 = damon_test_target(test, ctx, pages, 1);
	struct damon_target *t2 = damon_test_target(test, ctx, pages, 1);
	struct damon_target *lone = damon_new_target();

	if (!lone)
		kunit_skip(test, "out of memory");
	damon_destroy_target(t1);
	KUNIT_EXPECT_FALSE(test, damon_targets_empty(ctx));
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(&ctx->targets,
						   struct damon_target, list),
			    t2);
	KUNIT_EXPECT_TRUE(test, list_is_singular(&ctx->targets));
	damon_destroy_target(t2);
	KUNIT_EXPECT_TRUE(test, damon_targets_empty(ctx));
	/* A target in no context can be destroyed as well. */
	damon_destroy_target(lone);
}

static void damon_test_destroy_target_puts_pid(struct kunit *test)
{
	struct pid *pid = get_pid(task_pid(current));
	struct damon_target *t = damon_new_target();
	unsigned int before;

	if (!t) {
		put_pid(pid);
		kunit_skip(test, "out of memory");
	}
	before = refcount_read(&pid->count);
	t->pid = get_pid(pid);
	KUNIT_EXPECT_EQ(test, refcount_read(&pid->count), before + 1);
	damon_destroy_target(t);
	KUNIT_EXPECT_EQ(test, refcount_read(&pid->count), before);
	put_pid(pid);
}

/* === damon_set_regions() === */

static void damon_test_set_regions_unaligned(struct kunit *test)
{
	struct damon_addr_range ranges[] = {
		{ .start = PG + 10, .end = 3 * PG - 10 },
		{ .start = 5 * PG, .end = 6 * PG + 1 },
	};
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, NULL, 0);

	KUNIT_ASSERT_EQ(test, damon_set_regions(t, ranges, 2), 0);
	KUNIT_ASSERT_EQ(test, damon_nr_regions(t), 2U);
	damon_test_check_regions(test, t);
	KUNIT_EXPECT_EQ(test, damon_first_region(t)->ar.start, PG);
	KUNIT_EXPECT_EQ(test, damon_first_region(t)->ar.end, 3 * PG);
	KUNIT_EXPECT_EQ(test, damon_last_region(t)->ar.start, 5 * PG);
	KUNIT_EXPECT_EQ(test, damon_last_region(t)->ar.end, 7 * PG);
}

static void damon_test_set_regions_join_after_align(struct kunit *test)
{
	struct damon_addr_range ranges[] = {
		{ .start = 10, .end = 20 },
		{ .start = 30, .end = PG + 1 },
	};
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, NULL, 0);

	KUNIT_ASSERT_EQ(test, damon_set_regions(t, ranges, 2), 0);
	KUNIT_ASSERT_EQ(test, damon_nr_regions(t), 1U);
	KUNIT_EXPECT_EQ(test, damon_first_region(t)->ar.start, 0UL);
	KUNIT_EXPECT_EQ(test, damon_first_region(t)->ar.end, 2 * PG);
}

static void damon_test_set_regions_keeps_results(struct kunit *test)
{
	static const unsigned long pages[][2] = {
		{0, 4}, {4, 8}, {8, 12}, {20, 24},
	};
	/* Trim [0, 4) to [2, 4), keep [4, 8), trim [8, 12), add [12, 14). */
	struct damon_addr_range ranges[] = {
		{ .start = 2 * PG, .end = 10 * PG },
		{ .start = 11 * PG, .end = 14 * PG },
	};
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 4);
	struct damon_region *r;
	unsigned int i = 0;

	damon_for_each_region(r, t) {
		r->nr_accesses = 10 + i;
		r->last_nr_accesses = 20 + i;
		r->age = 30 + i;
		r->nr_accesses_bp = 1000 * (i + 1);
		i++;
	}
	KUNIT_ASSERT_EQ(test, damon_set_regions(t, ranges, 2), 0);
	damon_test_check_regions(test, t);
	/* [2,4) [4,8) [8,10) | [11,12) [12,14) */
	KUNIT_ASSERT_EQ(test, damon_nr_regions(t), 5U);
	KUNIT_EXPECT_EQ(test, damon_test_sz(t), 11 * PG);

	r = damon_test_nth(t, 0);
	KUNIT_EXPECT_EQ(test, r->ar.start, 2 * PG);
	KUNIT_EXPECT_EQ(test, r->ar.end, 4 * PG);
	KUNIT_EXPECT_EQ(test, r->nr_accesses, 10U);
	KUNIT_EXPECT_EQ(test, r->last_nr_accesses, 20U);
	KUNIT_EXPECT_EQ(test, r->age, 30U);
	r = damon_test_nth(t, 1);
	KUNIT_EXPECT_EQ(test, r->nr_accesses, 11U);
	KUNIT_EXPECT_EQ(test, r->nr_accesses_bp, 2000U);
	r = damon_test_nth(t, 2);
	KUNIT_EXPECT_EQ(test, r->ar.start, 8 * PG);
	KUNIT_EXPECT_EQ(test, r->ar.end, 10 * PG);
	KUNIT_EXPECT_EQ(test, r->age, 32U);
	/* The region [8, 12) straddles both ranges: both pieces keep it. */
	r = damon_test_nth(t, 3);
	KUNIT_EXPECT_EQ(test, r->ar.start, 11 * PG);
	KUNIT_EXPECT_EQ(test, r->ar.end, 12 * PG);
	KUNIT_EXPECT_EQ(test, r->age, 32U);
	r = damon_test_nth(t, 4);
	KUNIT_EXPECT_EQ(test, r->ar.start, 12 * PG);
	KUNIT_EXPECT_EQ(test, r->ar.end, 14 * PG);
	KUNIT_EXPECT_EQ(test, r->nr_accesses, 0U);
	KUNIT_EXPECT_EQ(test, r->age, 0U);
}

static void damon_test_set_regions_invalid(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 2}, {4, 6} };
	struct damon_addr_range overlap[] = {
		{ .start = 0, .end = 3 * PG }, { .start = 2 * PG, .end = 4 * PG },
	};
	struct damon_addr_range unsorted[] = {
		{ .start = 4 * PG, .end = 5 * PG }, { .start = 0, .end = PG },
	};
	struct damon_addr_range empty[] = {
		{ .start = 0, .end = PG }, { .start = 3 * PG, .end = 3 * PG },
	};
	struct damon_addr_range wraps[] = {
		{ .start = ULONG_MAX - 10, .end = ULONG_MAX },
	};
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 2);

	KUNIT_EXPECT_EQ(test, damon_set_regions(t, overlap, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_set_regions(t, unsorted, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_set_regions(t, empty, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_set_regions(t, wraps, 1), -EINVAL);
	/* Nothing changed. */
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 2U);
	KUNIT_EXPECT_EQ(test, damon_first_region(t)->ar.end, 2 * PG);
	KUNIT_EXPECT_EQ(test, damon_last_region(t)->ar.start, 4 * PG);
}

static void damon_test_set_regions_none(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 2}, {4, 6} };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 2);

	KUNIT_EXPECT_EQ(test, damon_set_regions(t, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&t->regions_list));
}

/* === split and merge === */

static void damon_test_split_region_at(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 10}, {20, 30} };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 2);
	struct damon_region *r = damon_first_region(t), *n;

	r->nr_accesses = 3;
	r->last_nr_accesses = 4;
	r->age = 5;
	r->nr_accesses_bp = 600;
	r->sampling_addr = 7 * PG;
	KUNIT_ASSERT_EQ(test, damon_split_region_at(t, r, 4 * PG), 0);
	n = damon_next_region(r);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 3U);
	KUNIT_EXPECT_EQ(test, r->ar.end, 4 * PG);
	KUNIT_EXPECT_EQ(test, n->ar.start, 4 * PG);
	KUNIT_EXPECT_EQ(test, n->ar.end, 10 * PG);
	KUNIT_EXPECT_EQ(test, n->nr_accesses, 3U);
	KUNIT_EXPECT_EQ(test, n->last_nr_accesses, 4U);
	KUNIT_EXPECT_EQ(test, n->age, 5U);
	KUNIT_EXPECT_EQ(test, n->nr_accesses_bp, 600U);
	KUNIT_EXPECT_PTR_EQ(test, damon_next_region(n), damon_last_region(t));
	damon_test_check_regions(test, t);
}

static void damon_test_merge_two_regions(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 1}, {1, 4} };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 2);
	struct damon_region *l = damon_first_region(t);
	struct damon_region *r = damon_last_region(t);

	l->nr_accesses = 8;
	r->nr_accesses = 4;
	l->age = 0;
	r->age = 20;
	l->nr_accesses_bp = 10000;
	r->nr_accesses_bp = 2000;
	damon_merge_two_regions(t, l, r);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 1U);
	KUNIT_EXPECT_EQ(test, l->ar.start, 0UL);
	KUNIT_EXPECT_EQ(test, l->ar.end, 4 * PG);
	/* Weighted by size: 1 page of l, 3 pages of r. */
	KUNIT_EXPECT_EQ(test, l->nr_accesses, 5U);
	KUNIT_EXPECT_EQ(test, l->age, 15U);
	KUNIT_EXPECT_EQ(test, l->nr_accesses_bp, 4000U);
}

/* Averages weighted by huge sizes do not overflow. */
static void damon_test_merge_huge_regions(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, NULL, 0);
	struct damon_region *l, *r;

	l = damon_new_region(0, 1UL << 62);
	r = damon_new_region(1UL << 62, 1UL << 63);
	if (!l || !r) {
		kfree(l);
		kfree(r);
		kunit_skip(test, "out of memory");
	}
	damon_add_region(l, t);
	damon_add_region(r, t);
	l->age = 10;
	r->age = 20;
	l->nr_accesses = 3;
	r->nr_accesses = 7;
	damon_merge_two_regions(t, l, r);
	KUNIT_EXPECT_EQ(test, l->age, 15U);
	KUNIT_EXPECT_EQ(test, l->nr_accesses, 5U);
	KUNIT_EXPECT_EQ(test, l->ar.end, 1UL << 63);
}

static void damon_test_merge_adjacent_only(struct kunit *test)
{
	/* Two touching pairs separated by a hole. */
	static const unsigned long pages[][2] = {
		{0, 2}, {2, 4}, {6, 8}, {8, 10},
	};
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 4);
	struct damon_region *r;

	damon_for_each_region(r, t)
		r->nr_accesses = 5;
	kdamond_merge_regions(ctx, 1, 100 * PG);
	KUNIT_ASSERT_EQ(test, damon_nr_regions(t), 2U);
	KUNIT_EXPECT_EQ(test, damon_first_region(t)->ar.end, 4 * PG);
	KUNIT_EXPECT_EQ(test, damon_last_region(t)->ar.start, 6 * PG);
	KUNIT_EXPECT_EQ(test, damon_last_region(t)->ar.end, 10 * PG);
	damon_test_check_regions(test, t);
}

static void damon_test_merge_threshold_and_size(struct kunit *test)
{
	static const unsigned long pages[][2] = {
		{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5},
	};
	static const unsigned int counts[] = { 0, 1, 9, 9, 9 };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 5);
	struct damon_region *r;
	unsigned int i = 0;

	damon_for_each_region(r, t)
		r->nr_accesses = counts[i++];
	/* Counts within 1 merge, but no merged region above 2 pages. */
	kdamond_merge_regions(ctx, 1, 2 * PG);
	KUNIT_ASSERT_EQ(test, damon_nr_regions(t), 3U);
	KUNIT_EXPECT_EQ(test, damon_test_nth(t, 0)->ar.end, 2 * PG);
	KUNIT_EXPECT_EQ(test, damon_test_nth(t, 1)->ar.end, 4 * PG);
	KUNIT_EXPECT_EQ(test, damon_test_nth(t, 1)->nr_accesses, 9U);
	KUNIT_EXPECT_EQ(test, damon_test_nth(t, 2)->ar.end, 5 * PG);
}

static void damon_test_merge_down_to_max(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, NULL, 0);
	struct damon_region *r;
	unsigned int i;

	ctx->attrs.min_nr_regions = 3;
	ctx->attrs.max_nr_regions = 10;
	for (i = 0; i < 40; i++) {
		r = damon_new_region(i * PG, (i + 1) * PG);
		if (!r)
			kunit_skip(test, "out of memory");
		/* Alternating counts: no merge at the first threshold. */
		r->nr_accesses = (i % 2) ? 20 : 0;
		damon_add_region(r, t);
	}
	kdamond_merge_regions(ctx, 1, damon_merge_sz_limit(ctx));
	KUNIT_EXPECT_LE(test, damon_nr_regions(t), 10U);
	KUNIT_EXPECT_EQ(test, damon_test_sz(t), 40 * PG);
	damon_test_check_regions(test, t);
}

static void damon_test_merge_sz_limit(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 100}, {200, 300} };
	struct damon_ctx *ctx = damon_test_ctx(test);

	damon_test_target(test, ctx, pages, 2);
	ctx->attrs.min_nr_regions = 10;
	KUNIT_EXPECT_EQ(test, damon_merge_sz_limit(ctx), 20 * PG);
	ctx->attrs.min_nr_regions = 1000;
	KUNIT_EXPECT_EQ(test, damon_merge_sz_limit(ctx), PG);
}

static void damon_test_split_regions(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 100}, {100, 200} };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 2);
	struct damon_region *r;

	damon_for_each_region(r, t) {
		r->last_nr_accesses = 7;
		r->age = 3;
	}
	/* 2 < 1000 / 2: every region is split in two. */
	kdamond_split_regions(ctx);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 4U);
	KUNIT_EXPECT_EQ(test, damon_test_sz(t), 200 * PG);
	KUNIT_EXPECT_EQ(test, damon_first_region(t)->ar.start, 0UL);
	KUNIT_EXPECT_EQ(test, damon_last_region(t)->ar.end, 200 * PG);
	damon_for_each_region(r, t) {
		KUNIT_EXPECT_EQ(test, r->last_nr_accesses, 7U);
		KUNIT_EXPECT_EQ(test, r->age, 3U);
		if (r != damon_last_region(t))
			KUNIT_EXPECT_EQ(test, r->ar.end,
					damon_next_region(r)->ar.start);
	}
	damon_test_check_regions(test, t);
}

static void damon_test_split_regions_bounds(struct kunit *test)
{
	static const unsigned long pages[][2] = {
		{0, 100}, {100, 200}, {200, 300},
	};
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 3);

	damon_first_region(t)->last_nr_accesses = 1;
	/* 3 regions, max 8: 3 < 4 so each is split in two. */
	ctx->attrs.min_nr_regions = 3;
	ctx->attrs.max_nr_regions = 8;
	kdamond_split_regions(ctx);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 6U);
	/* 6 >= 8 / 2: no more splits. */
	kdamond_split_regions(ctx);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 6U);
	damon_test_check_regions(test, t);
}

static void damon_test_split_tiny_regions(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 1}, {1, 2}, {5, 6} };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 3);

	kdamond_split_regions(ctx);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 3U);
	damon_split_to_min_nr_regions(ctx);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 3U);
	damon_test_check_regions(test, t);
}

static void damon_test_rand(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_ctx(test);
	/* 2^36 on 64-bit: wider than one 32-bit draw. */
	unsigned long wide = 1UL << (BITS_PER_LONG - 28);
	unsigned long x, seen = 0, top = 0;
	int i;

	for (i = 0; i < 1000; i++) {
		x = damon_rand(ctx, 1000, 1003);
		KUNIT_ASSERT_GE(test, x, 1000UL);
		KUNIT_ASSERT_LT(test, x, 1003UL);
		seen |= BIT(x - 1000);
	}
	KUNIT_EXPECT_EQ(test, seen, 7UL);
	/* A span above 2^32 reaches its upper half, not only its start. */
	for (i = 0; i < 1000; i++) {
		x = damon_rand(ctx, 1000, 1000 + wide);
		KUNIT_ASSERT_GE(test, x, 1000UL);
		KUNIT_ASSERT_LT(test, x, 1000 + wide);
		top = max(top, x - 1000);
	}
	KUNIT_EXPECT_GE(test, top, wide / 2);
}

static void damon_test_seen_accessed(struct kunit *test)
{
	static const unsigned long pages[][2] = { {10, 20} };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 1);
	struct damon_region *r = damon_first_region(t);

	KUNIT_EXPECT_GE(test, r->seen.start, r->seen.end);
	/* Clipped to the region. */
	damon_region_seen_accessed(r, 0, 30 * PG);
	KUNIT_EXPECT_EQ(test, r->seen.start, 10 * PG);
	KUNIT_EXPECT_EQ(test, r->seen.end, 20 * PG);

	r = damon_new_region(10 * PG, 20 * PG);
	if (!r)
		kunit_skip(test, "out of memory");
	damon_add_region(r, t);
	/* Widened to whole pages, then grown to the hull. */
	damon_region_seen_accessed(r, 12 * PG + 1, 12 * PG + 2);
	KUNIT_EXPECT_EQ(test, r->seen.start, 12 * PG);
	KUNIT_EXPECT_EQ(test, r->seen.end, 13 * PG);
	damon_region_seen_accessed(r, 15 * PG, 16 * PG);
	KUNIT_EXPECT_EQ(test, r->seen.start, 12 * PG);
	KUNIT_EXPECT_EQ(test, r->seen.end, 16 * PG);
	/* Outside the region: ignored. */
	damon_region_seen_accessed(r, 25 * PG, 26 * PG);
	KUNIT_EXPECT_EQ(test, r->seen.end, 16 * PG);
	/* An accessed sample counts as seen, an idle one does not. */
	r->sampling_addr = 18 * PG;
	damon_update_region_access(r, false, &ctx->attrs);
	KUNIT_EXPECT_EQ(test, r->seen.end, 16 * PG);
	damon_update_region_access(r, true, &ctx->attrs);
	KUNIT_EXPECT_EQ(test, r->seen.end, 19 * PG);
}

static void damon_test_seen_split_and_merge(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 100}, {100, 200} };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 2);
	struct damon_region *l = damon_first_region(t);
	struct damon_region *r = damon_last_region(t);

	/* Each piece keeps the part of the seen range inside it. */
	damon_region_seen_accessed(l, 30 * PG, 70 * PG);
	KUNIT_ASSERT_EQ(test, damon_split_region_at(t, l, 50 * PG), 0);
	KUNIT_EXPECT_EQ(test, l->seen.start, 30 * PG);
	KUNIT_EXPECT_EQ(test, l->seen.end, 50 * PG);
	KUNIT_EXPECT_EQ(test, damon_next_region(l)->seen.start, 50 * PG);
	KUNIT_EXPECT_EQ(test, damon_next_region(l)->seen.end, 70 * PG);
	/* A piece the range does not reach has none. */
	KUNIT_ASSERT_EQ(test, damon_split_region_at(t, l, 10 * PG), 0);
	KUNIT_EXPECT_GE(test, l->seen.start, l->seen.end);

	/* A merge takes the hull; an empty range adds nothing. */
	damon_region_seen_accessed(r, 150 * PG, 160 * PG);
	l = damon_prev_region(r);
	damon_merge_two_regions(t, l, r);
	KUNIT_EXPECT_EQ(test, l->seen.start, 50 * PG);
	KUNIT_EXPECT_EQ(test, l->seen.end, 160 * PG);
	r = damon_first_region(t);
	damon_merge_two_regions(t, r, damon_next_region(r));
	KUNIT_EXPECT_EQ(test, r->seen.start, 30 * PG);
	KUNIT_EXPECT_EQ(test, r->seen.end, 50 * PG);
	damon_test_check_regions(test, t);

	/* Hot edges stay with the piece that has the edge. */
	r->hot_edges = DAMON_HOT_START | DAMON_HOT_END;
	KUNIT_ASSERT_EQ(test, damon_split_region_at(t, r, 20 * PG), 0);
	KUNIT_EXPECT_EQ(test, r->hot_edges, DAMON_HOT_START);
	KUNIT_EXPECT_EQ(test, damon_next_region(r)->hot_edges, DAMON_HOT_END);
	damon_merge_two_regions(t, r, damon_next_region(r));
	KUNIT_EXPECT_EQ(test, r->hot_edges, DAMON_HOT_START | DAMON_HOT_END);
}

static void damon_test_split_at_seen(struct kunit *test)
{
	static const unsigned long pages[][2] = {
		{0, 100}, {100, 200}, {200, 300},
	};
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 3);
	struct damon_region *r;

	/* No random splits: nothing was accessed in the last interval. */
	damon_region_seen_accessed(damon_test_nth(t, 0), 40 * PG, 50 * PG);
	/* A seen range touching an edge cuts only the other one. */
	damon_region_seen_accessed(damon_test_nth(t, 1), 100 * PG, 120 * PG);
	/* A region seen accessed throughout is not cut. */
	damon_region_seen_accessed(damon_test_nth(t, 2), 200 * PG, 300 * PG);
	kdamond_split_regions(ctx);
	KUNIT_ASSERT_EQ(test, damon_nr_regions(t), 6U);
	KUNIT_EXPECT_EQ(test, damon_test_nth(t, 1)->ar.start, 40 * PG);
	KUNIT_EXPECT_EQ(test, damon_test_nth(t, 1)->ar.end, 50 * PG);
	KUNIT_EXPECT_EQ(test, damon_test_nth(t, 3)->ar.start, 100 * PG);
	KUNIT_EXPECT_EQ(test, damon_test_nth(t, 3)->ar.end, 120 * PG);
	KUNIT_EXPECT_EQ(test, damon_test_nth(t, 5)->ar.start, 200 * PG);
	/*
	 * The pieces next to a cut-off range know which edge touches it, and
	 * so do the neighbours of a region whose seen range reaches its edge.
	 */
	KUNIT_EXPECT_EQ(test, damon_test_nth(t, 0)->hot_edges, DAMON_HOT_END);
	KUNIT_EXPECT_EQ(test, damon_test_nth(t, 1)->hot_edges, 0U);
	KUNIT_EXPECT_EQ(test, damon_test_nth(t, 2)->hot_edges,
			DAMON_HOT_START | DAMON_HOT_END);
	KUNIT_EXPECT_EQ(test, damon_test_nth(t, 3)->hot_edges, 0U);
	KUNIT_EXPECT_EQ(test, damon_test_nth(t, 4)->hot_edges,
			DAMON_HOT_START | DAMON_HOT_END);
	KUNIT_EXPECT_EQ(test, damon_test_nth(t, 5)->hot_edges, 0U);
	/* The seen ranges are forgotten for the next interval. */
	damon_for_each_region(r, t)
		KUNIT_EXPECT_GE(test, r->seen.start, r->seen.end);
	damon_test_check_regions(test, t);

	/* Never over max_nr_regions: one new region allowed, right edge. */
	ctx->attrs.max_nr_regions = 7;
	r = damon_first_region(t);
	damon_region_seen_accessed(r, 10 * PG, 20 * PG);
	kdamond_split_regions(ctx);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 7U);
	KUNIT_EXPECT_EQ(test, r->ar.end, 20 * PG);
	/* Only the cuts of the last call are told. */
	KUNIT_EXPECT_EQ(test, r->hot_edges, 0U);
	KUNIT_EXPECT_EQ(test, damon_next_region(r)->hot_edges,
			DAMON_HOT_START);
	damon_for_each_region(r, t)
		if (r->ar.start >= 40 * PG)
			KUNIT_EXPECT_EQ(test, r->hot_edges, 0U);
	damon_test_check_regions(test, t);

	/* Accessed at every sample: neither cut nor split at random. */
	ctx->attrs.max_nr_regions = 1000;
	r = damon_last_region(t);
	r->last_nr_accesses = damon_max_nr_accesses(&ctx->attrs);
	damon_region_seen_accessed(r, 210 * PG, 220 * PG);
	kdamond_split_regions(ctx);
	KUNIT_EXPECT_EQ(test, r->ar.start, 200 * PG);
	KUNIT_EXPECT_EQ(test, r->ar.end, 300 * PG);
	KUNIT_EXPECT_GT(test, damon_nr_regions(t), 7U);
	/* It counts as accessed up to its edges, even if not seen there. */
	KUNIT_EXPECT_TRUE(test, damon_prev_region(r)->hot_edges &
			  DAMON_HOT_END);
	damon_test_check_regions(test, t);
}

static void damon_test_aggregate_idle(struct kunit *test)
{
	static const unsigned long pages[][2] = {
		{0, 5}, {5, 10}, {10, 15}, {15, 40},
	};
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 4);

	ctx->attrs.min_nr_regions = 3;
	ctx->attrs.max_nr_regions = 20;
	/* Nothing accessed: no merge, no random split. */
	kdamond_aggregate(ctx, 0);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 4U);
	/* Unless the context is over max_nr_regions (size limit 13 pages). */
	ctx->attrs.max_nr_regions = 3;
	kdamond_aggregate(ctx, 0);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 3U);
	KUNIT_EXPECT_EQ(test, damon_test_sz(t), 40 * PG);
	damon_test_check_regions(test, t);
}

static void damon_test_split_to_min(struct kunit *test)
{
	static const unsigned long pages1[][2] = { {0, 64} };
	static const unsigned long pages2[][2] = { {100, 104} };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t1 = damon_test_target(test, ctx, pages1, 1);
	struct damon_target *t2 = damon_test_target(test, ctx, pages2, 1);

	ctx->attrs.min_nr_regions = 10;
	damon_split_to_min_nr_regions(ctx);
	KUNIT_EXPECT_EQ(test, damon_total_nr_regions(ctx), 10UL);
	/* The largest regions are split first: t1 gets all the splits. */
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t1), 9U);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t2), 1U);
	KUNIT_EXPECT_EQ(test, damon_test_sz(t1), 64 * PG);
	damon_test_check_regions(test, t1);
	damon_test_check_regions(test, t2);
}

/* Regions of uneven sizes get pieces in proportion; a page stays whole. */
static void damon_test_split_to_min_uneven(struct kunit *test)
{
	static const unsigned long pages[][2] = {
		{0, 1}, {1, 101}, {200, 203},
	};
	static const unsigned long tiny[][2] = { {0, 4} };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 3);
	struct damon_region *r;

	ctx->attrs.min_nr_regions = 20;
	damon_split_to_min_nr_regions(ctx);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 20U);
	KUNIT_EXPECT_EQ(test, damon_first_region(t)->ar.end, PG);
	damon_for_each_region(r, t)
		KUNIT_EXPECT_LE(test, damon_sz_region(r), 6 * PG);
	KUNIT_EXPECT_EQ(test, damon_test_sz(t), 104 * PG);
	damon_test_check_regions(test, t);

	/* Fewer pages than min_nr_regions: one region per page. */
	ctx = damon_test_ctx(test);
	t = damon_test_target(test, ctx, tiny, 1);
	ctx->attrs.min_nr_regions = 10;
	damon_split_to_min_nr_regions(ctx);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 4U);
	damon_test_check_regions(test, t);
}

/*
 * Reaching a large min_nr_regions from one region takes time in proportion
 * to the number of regions, and gives pieces of even sizes.  A search for
 * the largest region before each split takes minutes here (UML), and longer
 * with KASAN, where the linear way takes 11 s under TCG.
 */
static void damon_test_split_to_min_large(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 1UL << 20} };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 1);
	unsigned long min_sz = ULONG_MAX, max_sz = 0, begin;
	struct damon_region *r;

	ctx->attrs.min_nr_regions = 200000;
	ctx->attrs.max_nr_regions = 200000;
	begin = jiffies;
	damon_split_to_min_nr_regions(ctx);
	/* KASAN under emulation (make check's debug kernel) is slow. */
	KUNIT_EXPECT_LT(test, jiffies - begin,
			(IS_ENABLED(CONFIG_KASAN) ? 60UL : 10UL) * HZ);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 200000U);
	damon_for_each_region(r, t) {
		min_sz = min(min_sz, damon_sz_region(r));
		max_sz = max(max_sz, damon_sz_region(r));
	}
	KUNIT_EXPECT_LE(test, max_sz - min_sz, PG);
	KUNIT_EXPECT_EQ(test, damon_test_sz(t), (1UL << 20) * PG);
	damon_test_check_regions(test, t);
}

/* === aggregation, ages and access rates === */

static void damon_test_update_ages(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 1}, {2, 3}, {4, 5} };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 3);
	struct damon_region *a = damon_test_nth(t, 0);
	struct damon_region *b = damon_test_nth(t, 1);
	struct damon_region *c = damon_test_nth(t, 2);

	a->nr_accesses = 10;
	a->last_nr_accesses = 0;
	a->age = 7;
	b->nr_accesses = 5;
	b->last_nr_accesses = 7;
	b->age = 7;
	c->nr_accesses = 0;
	c->last_nr_accesses = 3;
	c->age = 7;
	kdamond_update_ages(ctx, 2);
	KUNIT_EXPECT_EQ(test, a->age, 0U);
	KUNIT_EXPECT_EQ(test, b->age, 8U);
	KUNIT_EXPECT_EQ(test, c->age, 0U);
}

static void damon_test_reset_aggregated(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 1}, {2, 3} };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 2);

	damon_first_region(t)->nr_accesses = 4;
	damon_last_region(t)->nr_accesses = 9;
	damon_last_region(t)->nr_accesses_bp = 900;
	kdamond_reset_aggregated(ctx);
	KUNIT_EXPECT_EQ(test, damon_first_region(t)->nr_accesses, 0U);
	KUNIT_EXPECT_EQ(test, damon_first_region(t)->last_nr_accesses, 4U);
	KUNIT_EXPECT_EQ(test, damon_last_region(t)->nr_accesses, 0U);
	KUNIT_EXPECT_EQ(test, damon_last_region(t)->last_nr_accesses, 9U);
	KUNIT_EXPECT_EQ(test, damon_last_region(t)->nr_accesses_bp, 900U);
}

static void damon_test_aggregate(struct kunit *test)
{
	static const unsigned long pages[][2] = {
		{0, 50}, {50, 100}, {100, 150}, {150, 200},
	};
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_target *t = damon_test_target(test, ctx, pages, 4);
	struct damon_region *r;
	unsigned int i = 0;

	ctx->attrs.min_nr_regions = 3;
	ctx->attrs.max_nr_regions = 20;
	damon_for_each_region(r, t)
		r->nr_accesses = (i++ < 2) ? 20 : 0;
	kdamond_aggregate(ctx, 20);
	KUNIT_EXPECT_EQ(test, ctx->nr_aggregations, 1UL);
	/*
	 * No merge (above the 66-page size limit), then the idle regions are
	 * split in two; the regions accessed at every sample are not.
	 */
	KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 6U);
	KUNIT_EXPECT_GE(test, damon_nr_regions(t), 3U);
	KUNIT_EXPECT_LE(test, damon_nr_regions(t), 20U);
	KUNIT_EXPECT_EQ(test, damon_test_sz(t), 200 * PG);
	damon_for_each_region(r, t) {
		KUNIT_EXPECT_EQ(test, r->nr_accesses, 0U);
		KUNIT_EXPECT_EQ(test, r->last_nr_accesses,
				r->ar.end <= 100 * PG ? 20U : 0U);
		/* The hot half changed by more than the threshold. */
		KUNIT_EXPECT_EQ(test, r->age, r->ar.end <= 100 * PG ? 0U : 1U);
	}
	damon_test_check_regions(test, t);
}

static void damon_test_update_region_access(struct kunit *test)
{
	struct damon_attrs attrs = {
		.sample_interval = 5000, .aggr_interval = 100000,
	};
	struct damon_region *r = damon_new_region(0, PG);
	unsigned int i, prev;

	if (!r)
		kunit_skip(test, "out of memory");
	damon_update_region_access(r, true, &attrs);
	KUNIT_EXPECT_EQ(test, r->nr_accesses, 1U);
	/* One step is 1/20 of the way. */
	KUNIT_EXPECT_EQ(test, r->nr_accesses_bp, 500U);
	for (i = 0; i < 1000; i++) {
		prev = r->nr_accesses_bp;
		damon_update_region_access(r, true, &attrs);
		KUNIT_EXPECT_GE(test, r->nr_accesses_bp, prev);
		KUNIT_EXPECT_LE(test, r->nr_accesses_bp, DAMON_BP_DENOMINATOR);
	}
	KUNIT_EXPECT_EQ(test, r->nr_accesses_bp, DAMON_BP_DENOMINATOR);
	KUNIT_EXPECT_EQ(test, r->nr_accesses, 1001U);
	for (i = 0; i < 1000; i++) {
		prev = r->nr_accesses_bp;
		damon_update_region_access(r, false, &attrs);
		KUNIT_EXPECT_LE(test, r->nr_accesses_bp, prev);
	}
	KUNIT_EXPECT_EQ(test, r->nr_accesses_bp, 0U);
	KUNIT_EXPECT_EQ(test, r->nr_accesses, 1001U);
	kfree(r);
}

/* === attributes === */

static void damon_test_max_nr_accesses(struct kunit *test)
{
	struct damon_attrs attrs = {
		.sample_interval = 5000, .aggr_interval = 100000,
	};

	KUNIT_EXPECT_EQ(test, damon_max_nr_accesses(&attrs), 20U);
	attrs.aggr_interval = 5000;
	KUNIT_EXPECT_EQ(test, damon_max_nr_accesses(&attrs), 1U);
	attrs.aggr_interval = 1000;
	KUNIT_EXPECT_EQ(test, damon_max_nr_accesses(&attrs), 1U);
}

/* damon_set_attrs() must refuse @bad and leave @ctx as it was. */
static void damon_test_attrs_refused(struct kunit *test, struct damon_ctx *ctx,
				     const struct damon_attrs *bad)
{
	struct damon_attrs before = ctx->attrs;

	KUNIT_EXPECT_EQ(test, damon_set_attrs(ctx, bad), -EINVAL);
	KUNIT_EXPECT_MEMEQ(test, &ctx->attrs, &before, sizeof(before));
}

static void damon_test_set_attrs(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_attrs valid = {
		.sample_interval = 1000, .aggr_interval = 20000,
		.ops_update_interval = 1000000,
		.min_nr_regions = 3, .max_nr_regions = 3,
	};
	struct damon_attrs bad;

	KUNIT_EXPECT_EQ(test, ctx->attrs.sample_interval, 5000UL);
	KUNIT_EXPECT_EQ(test, ctx->attrs.aggr_interval, 100000UL);
	KUNIT_EXPECT_EQ(test, ctx->attrs.ops_update_interval, 60000000UL);
	KUNIT_EXPECT_EQ(test, ctx->attrs.min_nr_regions, 10UL);
	KUNIT_EXPECT_EQ(test, ctx->attrs.max_nr_regions, 1000UL);

	/* At least three regions are required. */
	bad = valid;
	bad.min_nr_regions = 2;
	damon_test_attrs_refused(test, ctx, &bad);
	/* The region bounds are crossed. */
	bad.min_nr_regions = valid.min_nr_regions;
	bad.max_nr_regions = bad.min_nr_regions - 1;
	damon_test_attrs_refused(test, ctx, &bad);
	/* No sampling interval, then one longer than aggregation. */
	bad.max_nr_regions = valid.max_nr_regions;
	bad.sample_interval = 0;
	damon_test_attrs_refused(test, ctx, &bad);
	bad.sample_interval = valid.aggr_interval + 1;
	damon_test_attrs_refused(test, ctx, &bad);

	KUNIT_EXPECT_EQ(test, damon_set_attrs(ctx, &valid), 0);
	KUNIT_EXPECT_EQ(test, ctx->attrs.sample_interval, 1000UL);
	KUNIT_EXPECT_EQ(test, ctx->attrs.max_nr_regions, 3UL);
}

/* === operations sets === */

static void damon_test_ops_registry(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_operations ops = { .id = NR_DAMON_OPS };
	enum damon_ops_id id;

	KUNIT_EXPECT_EQ(test, damon_register_ops(&ops), -EINVAL);
	ops.id = (enum damon_ops_id)-1;
	KUNIT_EXPECT_EQ(test, damon_register_ops(&ops), -EINVAL);
	KUNIT_EXPECT_FALSE(test, damon_is_registered_ops(NR_DAMON_OPS));
	KUNIT_EXPECT_EQ(test, damon_select_ops(ctx, NR_DAMON_OPS), -EINVAL);

	for (id = 0; id < NR_DAMON_OPS; id++) {
		if (!damon_is_registered_ops(id)) {
			KUNIT_EXPECT_EQ(test, damon_select_ops(ctx, id),
					-EINVAL);
			continue;
		}
		ops.id = id;
		KUNIT_EXPECT_EQ(test, damon_register_ops(&ops), -EBUSY);
		KUNIT_EXPECT_EQ(test, damon_select_ops(ctx, id), 0);
		KUNIT_EXPECT_EQ(test, ctx->ops.id, id);
	}
}

/* === running contexts, with a fake operations set === */

static struct {
	int init, cleanup, prepare, check, update;
	bool valid, accessed;
} damon_fake;

static void damon_fake_init(struct damon_ctx *ctx)
{
	WRITE_ONCE(damon_fake.init, damon_fake.init + 1);
}

static void damon_fake_cleanup(struct damon_ctx *ctx)
{
	WRITE_ONCE(damon_fake.cleanup, damon_fake.cleanup + 1);
}

static void damon_fake_prepare(struct damon_ctx *ctx)
{
	WRITE_ONCE(damon_fake.prepare, damon_fake.prepare + 1);
}

/* Every region is seen accessed at every sample if damon_fake.accessed. */
static unsigned int damon_fake_check(struct damon_ctx *ctx)
{
	bool accessed = READ_ONCE(damon_fake.accessed);
	unsigned int max_nr_accesses = 0;
	struct damon_target *t;
	struct damon_region *r;

	WRITE_ONCE(damon_fake.check, damon_fake.check + 1);
	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			damon_update_region_access(r, accessed, &ctx->attrs);
			max_nr_accesses = max(max_nr_accesses, r->nr_accesses);
		}
	}
	return max_nr_accesses;
}

static void damon_fake_update(struct damon_ctx *ctx)
{
	WRITE_ONCE(damon_fake.update, damon_fake.update + 1);
}

static bool damon_fake_target_valid(struct damon_target *t)
{
	return READ_ONCE(damon_fake.valid);
}

static const struct damon_operations damon_fake_ops = {
	.id = DAMON_OPS_PADDR,
	.init = damon_fake_init,
	.update = damon_fake_update,
	.prepare_access_checks = damon_fake_prepare,
	.check_accesses = damon_fake_check,
	.target_valid = damon_fake_target_valid,
	.cleanup = damon_fake_cleanup,
};

/* A context with fast attributes, the fake ops and one 16-page target. */
static struct damon_ctx *damon_test_runnable_ctx(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 16} };
	struct damon_attrs attrs = {
		.sample_interval = 1000, .aggr_interval = 10000,
		.ops_update_interval = 50000,
		.min_nr_regions = 3, .max_nr_regions = 100,
	};
	struct damon_ctx *ctx = damon_test_ctx(test);

	KUNIT_ASSERT_EQ(test, damon_set_attrs(ctx, &attrs), 0);
	ctx->ops = damon_fake_ops;
	damon_test_target(test, ctx, pages, 1);
	return ctx;
}

static bool damon_test_wait_stopped(struct damon_ctx *ctx)
{
	int i;

	for (i = 0; i < 500 && damon_is_running(ctx); i++)
		usleep_range(10000, 20000);
	return !damon_is_running(ctx);
}

static void damon_test_start_errors(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_ctx *ctxs[2] = { ctx, ctx };

	KUNIT_EXPECT_EQ(test, damon_start(&ctx, 0, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_start(&ctx, 1, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 1), -EPERM);
	KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 0), -EINVAL);
	KUNIT_EXPECT_FALSE(test, damon_is_running(ctx));
	KUNIT_EXPECT_EQ(test, damon_kdamond_pid(ctx), -1);

	ctx = damon_test_runnable_ctx(test);
	ctxs[0] = ctx;
	ctxs[1] = ctx;
	KUNIT_EXPECT_EQ(test, damon_start(ctxs, 2, false), -EINVAL);
	KUNIT_EXPECT_FALSE(test, damon_is_running(ctx));
}

static void damon_test_start_stop(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_runnable_ctx(test);

	KUNIT_ASSERT_EQ(test, damon_start(&ctx, 1, false), 0);
	KUNIT_EXPECT_TRUE(test, damon_is_running(ctx));
	KUNIT_EXPECT_GT(test, damon_kdamond_pid(ctx), 0);
	KUNIT_EXPECT_EQ(test, damon_start(&ctx, 1, false), -EBUSY);
	msleep(100);
	KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 1), 0);
	KUNIT_EXPECT_FALSE(test, damon_is_running(ctx));
	KUNIT_EXPECT_EQ(test, damon_kdamond_pid(ctx), -1);
	KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 1), -EPERM);

	KUNIT_EXPECT_EQ(test, damon_fake.init, 1);
	KUNIT_EXPECT_EQ(test, damon_fake.cleanup, 1);
	KUNIT_EXPECT_GT(test, damon_fake.prepare, 0);
	KUNIT_EXPECT_GT(test, damon_fake.check, 0);
	/* Split to min_nr_regions at start; adaptation keeps [3, 100]. */
	KUNIT_EXPECT_GE(test, damon_total_nr_regions(ctx), 3UL);
	KUNIT_EXPECT_LE(test, damon_total_nr_regions(ctx), 100UL);
	KUNIT_EXPECT_GT(test, ctx->nr_aggregations, 0UL);

	/* A stopped context can start again. */
	KUNIT_EXPECT_EQ(test, damon_start(&ctx, 1, false), 0);
	KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 1), 0);
	KUNIT_EXPECT_EQ(test, damon_fake.init, 2);
}

static void damon_test_start_exclusive(struct kunit *test)
{
	struct damon_ctx *a = damon_test_runnable_ctx(test);
	struct damon_ctx *b = damon_test_runnable_ctx(test);

	KUNIT_ASSERT_EQ(test, damon_start(&a, 1, true), 0);
	KUNIT_EXPECT_EQ(test, damon_start(&b, 1, false), -EBUSY);
	KUNIT_EXPECT_EQ(test, damon_start(&b, 1, true), -EBUSY);
	KUNIT_EXPECT_FALSE(test, damon_is_running(b));
	KUNIT_EXPECT_EQ(test, damon_stop(&a, 1), 0);

	KUNIT_ASSERT_EQ(test, damon_start(&b, 1, false), 0);
	KUNIT_EXPECT_EQ(test, damon_start(&a, 1, true), -EBUSY);
	KUNIT_EXPECT_EQ(test, damon_start(&a, 1, false), 0);
	KUNIT_EXPECT_EQ(test, damon_stop(&a, 1), 0);
	KUNIT_EXPECT_EQ(test, damon_stop(&b, 1), 0);
}

static void damon_test_kdamond_ends_by_itself(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_runnable_ctx(test);

	KUNIT_ASSERT_EQ(test, damon_start(&ctx, 1, false), 0);
	WRITE_ONCE(damon_fake.valid, false);
	KUNIT_ASSERT_TRUE(test, damon_test_wait_stopped(ctx));
	KUNIT_EXPECT_EQ(test, damon_kdamond_pid(ctx), -1);
	KUNIT_EXPECT_EQ(test, damon_fake.cleanup, 1);
	KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 1), -EPERM);
}

/* damon_start() refuses attributes that were set without damon_set_attrs(). */
static void damon_test_start_invalid_attrs(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_runnable_ctx(test);
	struct damon_ctx *bad = damon_test_runnable_ctx(test);
	struct damon_ctx *ctxs[2] = { ctx, bad };
	struct damon_attrs good = ctx->attrs;

	bad->attrs.min_nr_regions = good.max_nr_regions + 1;
	KUNIT_EXPECT_EQ(test, damon_start(&bad, 1, false), -EINVAL);
	bad->attrs = good;
	bad->attrs.min_nr_regions = 2;
	KUNIT_EXPECT_EQ(test, damon_start(&bad, 1, false), -EINVAL);
	bad->attrs = good;
	bad->attrs.aggr_interval = good.sample_interval - 1;
	KUNIT_EXPECT_EQ(test, damon_start(&bad, 1, false), -EINVAL);
	/* One invalid context keeps the whole group from starting. */
	KUNIT_EXPECT_EQ(test, damon_start(ctxs, 2, false), -EINVAL);
	KUNIT_EXPECT_FALSE(test, damon_is_running(ctx));
	bad->attrs = good;
	bad->attrs.sample_interval = 0;
	KUNIT_EXPECT_EQ(test, damon_start(&bad, 1, false), -EINVAL);
	KUNIT_EXPECT_FALSE(test, damon_is_running(bad));
	KUNIT_EXPECT_EQ(test, damon_fake.init, 0);
}

/* A thread that starts or stops one context in a loop until told to end. */
struct damon_test_racer {
	struct damon_ctx *ctx;
	bool starter;
	bool end;
	unsigned long nr_started;
	int err;
	struct completion done;
};

static int damon_test_racer_fn(void *p)
{
	struct damon_test_racer *r = p;
	int err;

	while (!READ_ONCE(r->end)) {
		if (r->starter) {
			err = damon_start(&r->ctx, 1, false);
			if (!err)
				r->nr_started++;
			else if (err != -EBUSY)
				r->err = err;
		} else {
			damon_stop(&r->ctx, 1);
		}
		cond_resched();
	}
	complete(&r->done);
	return 0;
}

#define DAMON_TEST_NR_RACERS	3

/*
 * One thread starts a context while two others stop it, for two seconds.
 * No call may hang, the context must end up stopped, and no running
 * context may be left counted: an exclusive start works afterwards.
 */
static void damon_test_start_stop_race(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_runnable_ctx(test);
	struct damon_ctx *other = damon_test_runnable_ctx(test);
	struct damon_test_racer *racers;
	struct task_struct *tsk;
	bool hung = false;
	int i, nr = 0;

	racers = kunit_kcalloc(test, DAMON_TEST_NR_RACERS, sizeof(*racers),
			       GFP_KERNEL);
	if (!racers)
		kunit_skip(test, "out of memory");
	for (i = 0; i < DAMON_TEST_NR_RACERS; i++) {
		racers[i].ctx = ctx;
		racers[i].starter = !i;
		init_completion(&racers[i].done);
		tsk = kthread_run(damon_test_racer_fn, &racers[i],
				  "damon_test_race%d", i);
		if (IS_ERR(tsk))
			break;
		nr++;
	}
	if (nr == DAMON_TEST_NR_RACERS)
		msleep(2000);
	for (i = 0; i < nr; i++)
		WRITE_ONCE(racers[i].end, true);
	for (i = 0; i < nr; i++)
		hung |= !wait_for_completion_timeout(&racers[i].done,
						     20 * HZ);
	/* A hung thread holds locks: nothing more can be checked. */
	KUNIT_ASSERT_FALSE_MSG(test, hung, "damon_start() or damon_stop() hangs");
	if (nr < DAMON_TEST_NR_RACERS)
		kunit_skip(test, "cannot create a thread");
	KUNIT_EXPECT_EQ(test, racers[0].err, 0);
	KUNIT_EXPECT_GT(test, racers[0].nr_started, 0UL);
	kunit_info(test, "%lu starts raced with two stoppers",
		   racers[0].nr_started);

	damon_stop(&ctx, 1);
	KUNIT_EXPECT_FALSE(test, damon_is_running(ctx));
	KUNIT_EXPECT_EQ(test, damon_kdamond_pid(ctx), -1);
	KUNIT_EXPECT_EQ(test, damon_fake.init, damon_fake.cleanup);
	KUNIT_EXPECT_EQ(test, damon_start(&other, 1, true), 0);
	KUNIT_EXPECT_EQ(test, damon_stop(&other, 1), 0);
}

/*
 * With intervals near 2^63 or 2^64 - 1 microseconds, the kdamond sleeps
 * through its first sampling interval instead of spinning, and still stops
 * at once.
 */
static void damon_test_huge_intervals(struct kunit *test)
{
	static const unsigned long intervals[] = { 1UL << 63, ULONG_MAX };
	unsigned long begin;
	int i;

	for (i = 0; i < ARRAY_SIZE(intervals); i++) {
		struct damon_ctx *ctx = damon_test_runnable_ctx(test);
		struct damon_attrs attrs = ctx->attrs;

		attrs.sample_interval = intervals[i];
		attrs.aggr_interval = intervals[i];
		attrs.ops_update_interval = intervals[i];
		KUNIT_ASSERT_EQ(test, damon_set_attrs(ctx, &attrs), 0);
		WRITE_ONCE(damon_fake.prepare, 0);
		WRITE_ONCE(damon_fake.check, 0);
		KUNIT_ASSERT_EQ(test, damon_start(&ctx, 1, false), 0);
		msleep(200);
		KUNIT_EXPECT_LE(test, READ_ONCE(damon_fake.prepare), 1);
		KUNIT_EXPECT_EQ(test, READ_ONCE(damon_fake.check), 0);
		begin = jiffies;
		KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 1), 0);
		KUNIT_EXPECT_LT(test, jiffies - begin, (unsigned long)HZ);
	}
}

/* === requests === */

struct damon_test_req_arg {
	struct damon_ctx *ctx;
	pid_t pid;
	unsigned long nr_aggregations;
	bool ran;
};

static int damon_test_req_fn(struct damon_ctx *ctx, void *p)
{
	struct damon_test_req_arg *arg = p;

	arg->ran = true;
	arg->pid = task_pid_nr(current);
	arg->nr_aggregations = ctx->nr_aggregations;
	return ctx == arg->ctx ? 42 : -1;
}

static void damon_test_request(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_runnable_ctx(test);
	struct damon_test_req_arg arg = { .ctx = ctx };
	struct damon_request req = { .fn = damon_test_req_fn, .arg = &arg };

	KUNIT_EXPECT_EQ(test, damon_request(ctx, &req), -ESRCH);
	KUNIT_EXPECT_FALSE(test, arg.ran);
	KUNIT_ASSERT_EQ(test, damon_start(&ctx, 1, false), 0);
	KUNIT_EXPECT_EQ(test, damon_request(ctx, &req), 0);
	KUNIT_EXPECT_TRUE(test, arg.ran);
	KUNIT_EXPECT_EQ(test, req.result, 42);
	KUNIT_EXPECT_EQ(test, arg.pid, damon_kdamond_pid(ctx));

	req.fn = NULL;
	KUNIT_EXPECT_EQ(test, damon_request(ctx, &req), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 1), 0);
	req.fn = damon_test_req_fn;
	KUNIT_EXPECT_EQ(test, damon_request(ctx, &req), -ESRCH);
}

static void damon_test_request_after_aggregation(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_runnable_ctx(test);
	struct damon_test_req_arg before = { .ctx = ctx }, after = before;
	struct damon_request req = { .fn = damon_test_req_fn, .arg = &before };

	KUNIT_ASSERT_EQ(test, damon_start(&ctx, 1, false), 0);
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
	req.arg = &after;
	req.after_aggregation = true;
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
	KUNIT_EXPECT_TRUE(test, after.ran);
	KUNIT_EXPECT_GT(test, after.nr_aggregations, before.nr_aggregations);
	KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 1), 0);
}

struct damon_test_requester {
	struct damon_ctx *ctx;
	struct damon_request req;
	struct damon_test_req_arg arg;
	struct completion queued, done;
	int ret;
};

static int damon_test_requester_fn(void *p)
{
	struct damon_test_requester *rq = p;

	complete(&rq->queued);
	rq->ret = damon_request(rq->ctx, &rq->req);
	complete(&rq->done);
	return 0;
}

static void damon_test_request_canceled_on_stop(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_runnable_ctx(test);
	struct damon_attrs attrs = ctx->attrs;
	struct damon_test_requester *rq;
	struct task_struct *tsk;

	rq = kunit_kzalloc(test, sizeof(*rq), GFP_KERNEL);
	if (!rq)
		kunit_skip(test, "out of memory");
	/* An aggregation interval far longer than the test. */
	attrs.aggr_interval = 600 * USEC_PER_SEC;
	KUNIT_ASSERT_EQ(test, damon_set_attrs(ctx, &attrs), 0);
	rq->ctx = ctx;
	rq->arg.ctx = ctx;
	rq->req.fn = damon_test_req_fn;
	rq->req.arg = &rq->arg;
	rq->req.after_aggregation = true;
	init_completion(&rq->queued);
	init_completion(&rq->done);

	KUNIT_ASSERT_EQ(test, damon_start(&ctx, 1, false), 0);
	tsk = kthread_run(damon_test_requester_fn, rq, "damon_test_req");
	if (IS_ERR(tsk)) {
		damon_stop(&ctx, 1);
		kunit_skip(test, "cannot create a thread");
	}
	wait_for_completion(&rq->queued);
	msleep(50);
	KUNIT_EXPECT_FALSE(test, completion_done(&rq->done));
	KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 1), 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&rq->done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, rq->ret, -ECANCELED);
	KUNIT_EXPECT_FALSE(test, rq->arg.ran);
}

static int damon_test_signaled_requester_fn(void *p)
{
	struct damon_test_requester *rq = p;

	allow_signal(SIGINT);
	complete(&rq->queued);
	rq->ret = damon_request(rq->ctx, &rq->req);
	complete(&rq->done);
	return 0;
}

/*
 * A request that waits for a long aggregation interval gives up on a
 * signal: it returns -EINTR, its function is never called, and the kdamond
 * goes on serving other requests.
 */
static void damon_test_request_interrupted(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_runnable_ctx(test);
	struct damon_test_req_arg arg = { .ctx = ctx };
	struct damon_request req = { .fn = damon_test_req_fn, .arg = &arg };
	struct damon_attrs attrs = ctx->attrs;
	struct damon_test_requester *rq;
	struct task_struct *tsk;
	bool returned;

	rq = kunit_kzalloc(test, sizeof(*rq), GFP_KERNEL);
	if (!rq)
		kunit_skip(test, "out of memory");
	attrs.aggr_interval = 600 * USEC_PER_SEC;
	KUNIT_ASSERT_EQ(test, damon_set_attrs(ctx, &attrs), 0);
	rq->ctx = ctx;
	rq->arg.ctx = ctx;
	rq->req.fn = damon_test_req_fn;
	rq->req.arg = &rq->arg;
	rq->req.after_aggregation = true;
	init_completion(&rq->queued);
	init_completion(&rq->done);

	KUNIT_ASSERT_EQ(test, damon_start(&ctx, 1, false), 0);
	tsk = kthread_run(damon_test_signaled_requester_fn, rq,
			  "damon_test_req");
	if (IS_ERR(tsk))
		kunit_skip(test, "cannot create a thread");
	get_task_struct(tsk);
	wait_for_completion(&rq->queued);
	msleep(50);
	KUNIT_EXPECT_FALSE(test, completion_done(&rq->done));
	send_sig(SIGINT, tsk, 1);
	returned = wait_for_completion_timeout(&rq->done, 5 * HZ);
	KUNIT_EXPECT_TRUE(test, returned);
	if (!returned) {
		/* Stopping the kdamond drops the request. */
		damon_stop(&ctx, 1);
		wait_for_completion(&rq->done);
	}
	put_task_struct(tsk);
	KUNIT_EXPECT_EQ(test, rq->ret, -EINTR);
	KUNIT_EXPECT_FALSE(test, rq->arg.ran);

	KUNIT_ASSERT_TRUE(test, damon_is_running(ctx));
	KUNIT_EXPECT_EQ(test, damon_request(ctx, &req), 0);
	KUNIT_EXPECT_TRUE(test, arg.ran);
	KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 1), 0);
}

struct damon_test_rescale {
	struct damon_attrs attrs;
	unsigned int nr_accesses, last_nr_accesses, age;
	unsigned long sis_left;
	int err;
};

static int damon_test_rescale_fn(struct damon_ctx *ctx, void *p)
{
	struct damon_test_rescale *rs = p;
	struct damon_target *t;
	struct damon_region *r;

	t = list_first_entry(&ctx->targets, struct damon_target, list);
	r = damon_first_region(t);
	r->nr_accesses = 500;
	r->last_nr_accesses = 200;
	r->age = 10;
	rs->err = damon_set_attrs(ctx, &rs->attrs);
	rs->nr_accesses = r->nr_accesses;
	rs->last_nr_accesses = r->last_nr_accesses;
	rs->age = r->age;
	rs->sis_left = ctx->next_aggregation_sis - ctx->passed_sample_intervals;
	return 0;
}

static void damon_test_set_attrs_online(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_runnable_ctx(test);
	struct damon_test_rescale rs = {};
	struct damon_request req = { .fn = damon_test_rescale_fn, .arg = &rs };
	struct damon_attrs attrs = ctx->attrs;

	/* 1000 samples per aggregation, then 2000 of them. */
	attrs.aggr_interval = USEC_PER_SEC;
	KUNIT_ASSERT_EQ(test, damon_set_attrs(ctx, &attrs), 0);
	rs.attrs = attrs;
	rs.attrs.aggr_interval = 2 * USEC_PER_SEC;

	KUNIT_ASSERT_EQ(test, damon_start(&ctx, 1, false), 0);
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
	KUNIT_EXPECT_EQ(test, rs.err, 0);
	KUNIT_EXPECT_EQ(test, rs.nr_accesses, 1000U);
	KUNIT_EXPECT_EQ(test, rs.last_nr_accesses, 400U);
	KUNIT_EXPECT_EQ(test, rs.age, 5U);
	KUNIT_EXPECT_EQ(test, rs.sis_left, 2000UL);
	KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 1), 0);
	KUNIT_EXPECT_EQ(test, ctx->attrs.aggr_interval, 2 * USEC_PER_SEC);
}

/*
 * Attributes near the top of their range, set on a running context: ages
 * are rescaled without overflow, and the next aggregation and operations
 * update are not due at once because an addition wrapped around.
 */
static void damon_test_set_attrs_online_huge(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_runnable_ctx(test);
	struct damon_test_req_arg before = { .ctx = ctx }, after = before;
	struct damon_request req;
	struct damon_attrs attrs = ctx->attrs;
	struct damon_test_rescale rs = {};
	int nr_updates;

	attrs.aggr_interval = 1UL << 62;
	KUNIT_ASSERT_EQ(test, damon_set_attrs(ctx, &attrs), 0);
	rs.attrs = attrs;
	rs.attrs.aggr_interval = 1UL << 61;
	req = (struct damon_request){ .fn = damon_test_rescale_fn, .arg = &rs };
	KUNIT_ASSERT_EQ(test, damon_start(&ctx, 1, false), 0);
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
	KUNIT_EXPECT_EQ(test, rs.err, 0);
	KUNIT_EXPECT_EQ(test, rs.age, 20U);

	/* One sampling interval is one microsecond: nearly everything. */
	rs.attrs.sample_interval = 1;
	rs.attrs.aggr_interval = ULONG_MAX;
	rs.attrs.ops_update_interval = ULONG_MAX;
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
	KUNIT_EXPECT_EQ(test, rs.err, 0);
	req = (struct damon_request){ .fn = damon_test_req_fn, .arg = &before };
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
	nr_updates = READ_ONCE(damon_fake.update);
	msleep(50);
	req.arg = &after;
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
	KUNIT_EXPECT_EQ(test, after.nr_aggregations, before.nr_aggregations);
	KUNIT_EXPECT_EQ(test, READ_ONCE(damon_fake.update), nr_updates);
	KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 1), 0);
}

/* === sampling interval auto-tuning === */

static void damon_test_tuned_sample_interval(struct kunit *test)
{
	struct damon_attrs a = {
		.sample_interval = 10000, .aggr_interval = 200000,
		.intervals_goal = { .access_bp = 400, .aggrs = 3,
				    .min_sample_us = 1000,
				    .max_sample_us = 100000 },
	};

	/* At the goal, or within a tenth of it, the interval stays. */
	KUNIT_EXPECT_EQ(test, damon_tuned_sample_interval(&a, 400), 10000UL);
	KUNIT_EXPECT_EQ(test, damon_tuned_sample_interval(&a, 361), 10000UL);
	KUNIT_EXPECT_EQ(test, damon_tuned_sample_interval(&a, 440), 10000UL);
	/* Too few events: longer, by the square root of goal / seen. */
	KUNIT_EXPECT_EQ(test, damon_tuned_sample_interval(&a, 100), 20000UL);
	KUNIT_EXPECT_EQ(test, damon_tuned_sample_interval(&a, 200), 14142UL);
	KUNIT_EXPECT_EQ(test, damon_tuned_sample_interval(&a, 0), 20000UL);
	/* Too many: shorter, by at most half. */
	KUNIT_EXPECT_EQ(test, damon_tuned_sample_interval(&a, 1600), 5000UL);
	KUNIT_EXPECT_EQ(test, damon_tuned_sample_interval(&a, 10000), 5000UL);
	/* Within the bounds, even when the interval is outside of them. */
	a.sample_interval = 80000;
	KUNIT_EXPECT_EQ(test, damon_tuned_sample_interval(&a, 0), 100000UL);
	a.sample_interval = 1500;
	KUNIT_EXPECT_EQ(test, damon_tuned_sample_interval(&a, 10000), 1000UL);
	a.sample_interval = 500;
	KUNIT_EXPECT_EQ(test, damon_tuned_sample_interval(&a, 400), 1000UL);
	/* No overflow at the top. */
	a.sample_interval = ULONG_MAX - 1;
	a.intervals_goal.max_sample_us = ULONG_MAX;
	KUNIT_EXPECT_EQ(test, damon_tuned_sample_interval(&a, 0),
			ULONG_MAX);
}

static void damon_test_observed_access_bp(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 10}, {10, 40} };
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_attrs attrs = ctx->attrs;
	struct damon_target *t;
	struct damon_region *r;

	KUNIT_EXPECT_EQ(test, damon_observed_access_bp(ctx), 0U);
	attrs.sample_interval = 1000;
	attrs.aggr_interval = 20000;
	KUNIT_ASSERT_EQ(test, damon_set_attrs(ctx, &attrs), 0);
	t = damon_test_target(test, ctx, pages, 2);
	/* A quarter of the bytes at every sample, the rest never. */
	damon_first_region(t)->last_nr_accesses = 20;
	KUNIT_EXPECT_EQ(test, damon_observed_access_bp(ctx), 2500U);
	/* A count above the maximum counts as the maximum. */
	damon_first_region(t)->last_nr_accesses = 30;
	KUNIT_EXPECT_EQ(test, damon_observed_access_bp(ctx), 2500U);
	damon_test_nth(t, 1)->last_nr_accesses = 10;
	KUNIT_EXPECT_EQ(test, damon_observed_access_bp(ctx), 6250U);

	/* Regions covering the whole address space do not overflow. */
	r = damon_new_region(40 * PG, ALIGN_DOWN(ULONG_MAX, PG));
	if (!r)
		kunit_skip(test, "out of memory");
	r->last_nr_accesses = 20;
	damon_add_region(r, damon_test_target(test, ctx, NULL, 0));
	KUNIT_EXPECT_EQ(test, damon_observed_access_bp(ctx), 9999U);
}

struct damon_test_intervals {
	unsigned long sample, aggr;
};

static int damon_test_intervals_fn(struct damon_ctx *ctx, void *p)
{
	struct damon_test_intervals *iv = p;

	iv->sample = ctx->attrs.sample_interval;
	iv->aggr = ctx->attrs.aggr_interval;
	return 0;
}

/* The running intervals of @ctx, once they are @sample, or after 2 s. */
static struct damon_test_intervals
damon_test_wait_intervals(struct kunit *test, struct damon_ctx *ctx,
			  unsigned long sample)
{
	struct damon_test_intervals iv = {};
	struct damon_request req = { .fn = damon_test_intervals_fn,
				     .arg = &iv };
	int i;

	for (i = 0; i < 200; i++) {
		KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
		if (iv.sample == sample)
			break;
		usleep_range(10000, 20000);
	}
	return iv;
}

/*
 * A running context with an intervals goal lengthens its intervals while
 * nothing is accessed, and shortens them while everything is, within the
 * bounds of the goal and keeping the samples per aggregation interval.
 */
static void damon_test_tune_intervals_running(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_runnable_ctx(test);
	struct damon_attrs attrs = ctx->attrs;
	struct damon_test_intervals iv;

	attrs.intervals_goal = (struct damon_intervals_goal){
		.access_bp = 400, .aggrs = 1,
		.min_sample_us = 250, .max_sample_us = 4000,
	};
	KUNIT_ASSERT_EQ(test, damon_set_attrs(ctx, &attrs), 0);
	KUNIT_ASSERT_EQ(test, damon_start(&ctx, 1, false), 0);
	iv = damon_test_wait_intervals(test, ctx, 4000);
	KUNIT_EXPECT_EQ(test, iv.sample, 4000UL);
	KUNIT_EXPECT_EQ(test, iv.aggr, 40000UL);

	WRITE_ONCE(damon_fake.accessed, true);
	iv = damon_test_wait_intervals(test, ctx, 250);
	KUNIT_EXPECT_EQ(test, iv.sample, 250UL);
	KUNIT_EXPECT_EQ(test, iv.aggr, 2500UL);
	KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 1), 0);
}

static atomic_t damon_test_nr_after_aggregation;

static void damon_test_after_aggregation_fn(struct damon_ctx *ctx)
{
	atomic_inc(&damon_test_nr_after_aggregation);
}

/* The after_aggregation hook runs once per aggregation interval. */
static void damon_test_after_aggregation(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_runnable_ctx(test);
	struct damon_test_req_arg arg = { .ctx = ctx };
	struct damon_request req = { .fn = damon_test_req_fn, .arg = &arg };
	int nr;

	atomic_set(&damon_test_nr_after_aggregation, 0);
	ctx->after_aggregation = damon_test_after_aggregation_fn;
	KUNIT_ASSERT_EQ(test, damon_start(&ctx, 1, false), 0);
	msleep(100);
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
	nr = atomic_read(&damon_test_nr_after_aggregation);
	KUNIT_EXPECT_GT(test, nr, 0);
	/* One call per aggregation, give or take the one in flight. */
	KUNIT_EXPECT_LE(test, abs(nr - (int)arg.nr_aggregations), 1);
	KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 1), 0);
}

static void damon_test_intervals_goal_invalid(struct kunit *test)
{
	struct damon_ctx *ctx = damon_test_ctx(test);
	struct damon_attrs attrs = ctx->attrs;
	struct damon_intervals_goal *goal = &attrs.intervals_goal;
	const struct damon_intervals_goal valid = {
		.access_bp = 400, .aggrs = 3,
		.min_sample_us = 5000, .max_sample_us = 5000,
	};

	*goal = valid;
	KUNIT_EXPECT_EQ(test, damon_set_attrs(ctx, &attrs), 0);
	goal->access_bp = 0;
	KUNIT_EXPECT_EQ(test, damon_set_attrs(ctx, &attrs), -EINVAL);
	goal->access_bp = DAMON_BP_DENOMINATOR + 1;
	KUNIT_EXPECT_EQ(test, damon_set_attrs(ctx, &attrs), -EINVAL);
	*goal = valid;
	goal->min_sample_us = 0;
	KUNIT_EXPECT_EQ(test, damon_set_attrs(ctx, &attrs), -EINVAL);
	goal->min_sample_us = 5001;
	KUNIT_EXPECT_EQ(test, damon_set_attrs(ctx, &attrs), -EINVAL);
	/* Without aggrs, the goal is off and not checked. */
	goal->aggrs = 0;
	KUNIT_EXPECT_EQ(test, damon_set_attrs(ctx, &attrs), 0);
}

/* === damon_commit_ctx() === */

static void damon_test_commit_ctx(struct kunit *test)
{
	static const unsigned long dpages[][2] = { {0, 8} };
	static const unsigned long spages[][2] = { {4, 12} };
	struct damon_ctx *dst = damon_test_ctx(test);
	struct damon_ctx *src = damon_test_ctx(test);
	struct damon_target *dt, *st;
	struct damon_region *r;

	damon_first_region(damon_test_target(test, dst, dpages, 1))->age = 9;
	damon_test_target(test, dst, dpages, 1);
	damon_test_target(test, dst, dpages, 1);
	src->attrs.sample_interval = 2000;
	src->ops = damon_fake_ops;
	damon_test_target(test, src, spages, 1);
	damon_test_target(test, src, NULL, 0);

	KUNIT_ASSERT_EQ(test, damon_commit_ctx(dst, src), 0);
	KUNIT_EXPECT_EQ(test, dst->attrs.sample_interval, 2000UL);
	KUNIT_EXPECT_PTR_EQ(test, dst->ops.init, damon_fake_ops.init);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&dst->targets), 2UL);

	dt = list_first_entry(&dst->targets, struct damon_target, list);
	KUNIT_ASSERT_EQ(test, damon_nr_regions(dt), 2U);
	r = damon_first_region(dt);
	KUNIT_EXPECT_EQ(test, r->ar.start, 4 * PG);
	KUNIT_EXPECT_EQ(test, r->ar.end, 8 * PG);
	KUNIT_EXPECT_EQ(test, r->age, 9U);
	KUNIT_EXPECT_EQ(test, damon_last_region(dt)->ar.end, 12 * PG);
	KUNIT_EXPECT_EQ(test, damon_last_region(dt)->age, 0U);
	/* The second src target has no regions: dst keeps its own. */
	dt = list_next_entry(dt, list);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(dt), 1U);
	KUNIT_EXPECT_EQ(test, damon_first_region(dt)->ar.end, 8 * PG);

	/* src is not changed. */
	st = list_first_entry(&src->targets, struct damon_target, list);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(st), 1U);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&src->targets), 2UL);
}

static void damon_test_commit_ctx_adds_and_replaces(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 8} };
	struct damon_ctx *dst = damon_test_ctx(test);
	struct damon_ctx *src = damon_test_ctx(test);
	struct pid *pid = task_pid(current);
	struct damon_target *old, *t;
	unsigned int refs;

	old = damon_test_target(test, dst, pages, 1);
	t = damon_test_target(test, src, pages, 1);
	refs = refcount_read(&pid->count);
	t->pid = get_pid(pid);
	t = damon_test_target(test, src, pages, 1);
	t->pid = get_pid(pid);

	KUNIT_ASSERT_EQ(test, damon_commit_ctx(dst, src), 0);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&dst->targets), 2UL);
	list_for_each_entry(t, &dst->targets, list) {
		KUNIT_EXPECT_PTR_NE(test, t, old);
		KUNIT_EXPECT_PTR_EQ(test, t->pid, pid);
		KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 1U);
	}
	/* Two references for src's targets, two for dst's. */
	KUNIT_EXPECT_EQ(test, refcount_read(&pid->count), refs + 4);
}

static void damon_test_commit_ctx_invalid(struct kunit *test)
{
	static const unsigned long pages[][2] = { {0, 8} };
	struct damon_ctx *dst = damon_test_ctx(test);
	struct damon_ctx *src = damon_test_ctx(test);

	damon_test_target(test, dst, pages, 1);
	damon_test_target(test, src, pages, 1);
	damon_test_target(test, src, pages, 1);
	src->attrs.min_nr_regions = 1;
	KUNIT_EXPECT_EQ(test, damon_commit_ctx(dst, src), -EINVAL);
	KUNIT_EXPECT_EQ(test, dst->attrs.min_nr_regions, 10UL);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&dst->targets), 1UL);
}

struct damon_test_commit {
	struct damon_ctx *src;
	int err;
	unsigned long next_update, passed;
};

static int damon_test_commit_fn(struct damon_ctx *ctx, void *p)
{
	struct damon_test_commit *c = p;

	c->err = damon_commit_ctx(ctx, c->src);
	c->next_update = ctx->next_ops_update_sis;
	c->passed = ctx->passed_sample_intervals;
	return 0;
}

static void damon_test_commit_ctx_running(struct kunit *test)
{
	static const unsigned long pages[][2] = { {100, 120} };
	struct damon_ctx *ctx = damon_test_runnable_ctx(test);
	struct damon_ctx *src = damon_test_ctx(test);
	struct damon_test_commit c = { .src = src };
	struct damon_request req = { .fn = damon_test_commit_fn, .arg = &c };
	struct damon_target *t;

	src->attrs = ctx->attrs;
	src->ops = damon_fake_ops;
	src->ops.id = DAMON_OPS_VADDR;
	damon_test_target(test, src, pages, 1);
	damon_test_target(test, src, pages, 1);

	KUNIT_ASSERT_EQ(test, damon_start(&ctx, 1, false), 0);
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
	KUNIT_EXPECT_EQ(test, c.err, -EINVAL);

	src->ops.id = damon_fake_ops.id;
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
	KUNIT_EXPECT_EQ(test, c.err, 0);
	/* Every target has regions: they stay until the next ops update. */
	KUNIT_EXPECT_GT(test, c.next_update, c.passed);
	/* A target left without regions makes an ops update due at once. */
	t = damon_new_target();
	if (!t)
		kunit_skip(test, "out of memory");
	damon_add_target(src, t);
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
	KUNIT_EXPECT_EQ(test, c.err, 0);
	KUNIT_EXPECT_EQ(test, c.next_update, c.passed);
	damon_destroy_target(t);
	KUNIT_ASSERT_EQ(test, damon_request(ctx, &req), 0);
	KUNIT_EXPECT_EQ(test, c.err, 0);
	/* Let the 50 ms update interval pass. */
	msleep(100);
	KUNIT_EXPECT_EQ(test, damon_stop(&ctx, 1), 0);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&ctx->targets), 2UL);
	KUNIT_EXPECT_GT(test, damon_fake.update, 0);
	list_for_each_entry(t, &ctx->targets, list) {
		KUNIT_EXPECT_GE(test, damon_nr_regions(t), 1U);
		KUNIT_EXPECT_EQ(test, damon_test_sz(t), 20 * PG);
		damon_test_check_regions(test, t);
	}
}

/* === the suite === */

/* Every case starts with fresh counters and valid targets for the fake ops. */
static int damon_test_init(struct kunit *test)
{
	memset(&damon_fake, 0, sizeof(damon_fake));
	damon_fake.valid = true;
	return 0;
}

/* In the order of the sections above: from data structures to kdamonds. */
static struct kunit_case damon_core_cases[] = {
	/* regions and targets */
	KUNIT_CASE(damon_test_regions_lifecycle),
	KUNIT_CASE(damon_test_new_region_is_clean),
	KUNIT_CASE(damon_test_destroy_target),
	KUNIT_CASE(damon_test_destroy_target_puts_pid),
	/* damon_set_regions() */
	KUNIT_CASE(damon_test_set_regions_unaligned),
	KUNIT_CASE(damon_test_set_regions_join_after_align),
	KUNIT_CASE(damon_test_set_regions_keeps_results),
	KUNIT_CASE(damon_test_set_regions_invalid),
	KUNIT_CASE(damon_test_set_regions_none),
	/* split and merge */
	KUNIT_CASE(damon_test_split_region_at),
	KUNIT_CASE(damon_test_merge_two_regions),
	KUNIT_CASE(damon_test_merge_huge_regions),
	KUNIT_CASE(damon_test_merge_adjacent_only),
	KUNIT_CASE(damon_test_merge_threshold_and_size),
	KUNIT_CASE(damon_test_merge_down_to_max),
	KUNIT_CASE(damon_test_merge_sz_limit),
	KUNIT_CASE(damon_test_split_regions),
	KUNIT_CASE(damon_test_split_regions_bounds),
	KUNIT_CASE(damon_test_split_tiny_regions),
	KUNIT_CASE(damon_test_rand),
	KUNIT_CASE(damon_test_seen_accessed),
	KUNIT_CASE(damon_test_seen_split_and_merge),
	KUNIT_CASE(damon_test_split_at_seen),
	KUNIT_CASE(damon_test_split_to_min),
	KUNIT_CASE(damon_test_split_to_min_uneven),
	KUNIT_CASE_SLOW(damon_test_split_to_min_large),
	/* aggregation, ages and access rates */
	KUNIT_CASE(damon_test_update_ages),
	KUNIT_CASE(damon_test_reset_aggregated),
	KUNIT_CASE(damon_test_aggregate),
	KUNIT_CASE(damon_test_aggregate_idle),
	KUNIT_CASE(damon_test_update_region_access),
	/* attributes and operations sets */
	KUNIT_CASE(damon_test_max_nr_accesses),
	KUNIT_CASE(damon_test_set_attrs),
	KUNIT_CASE(damon_test_ops_registry),
	/* running contexts */
	KUNIT_CASE(damon_test_start_errors),
	KUNIT_CASE(damon_test_start_stop),
	KUNIT_CASE(damon_test_start_exclusive),
	KUNIT_CASE(damon_test_kdamond_ends_by_itself),
	KUNIT_CASE(damon_test_start_invalid_attrs),
	KUNIT_CASE_SLOW(damon_test_start_stop_race),
	KUNIT_CASE(damon_test_huge_intervals),
	/* requests */
	KUNIT_CASE(damon_test_request),
	KUNIT_CASE(damon_test_request_after_aggregation),
	KUNIT_CASE(damon_test_request_canceled_on_stop),
	KUNIT_CASE(damon_test_request_interrupted),
	KUNIT_CASE(damon_test_set_attrs_online),
	KUNIT_CASE(damon_test_set_attrs_online_huge),
	/* sampling interval auto-tuning */
	KUNIT_CASE(damon_test_tuned_sample_interval),
	KUNIT_CASE(damon_test_observed_access_bp),
	KUNIT_CASE(damon_test_tune_intervals_running),
	KUNIT_CASE(damon_test_intervals_goal_invalid),
	KUNIT_CASE(damon_test_after_aggregation),
	/* damon_commit_ctx() */
	KUNIT_CASE(damon_test_commit_ctx),
	KUNIT_CASE(damon_test_commit_ctx_adds_and_replaces),
	KUNIT_CASE(damon_test_commit_ctx_invalid),
	KUNIT_CASE(damon_test_commit_ctx_running),
	{}
};

static struct kunit_suite damon_core_suite = {
	.name = "damon_core",
	.init = damon_test_init,
	.test_cases = damon_core_cases,
};

kunit_test_suite(damon_core_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the DAMON core");
MODULE_LICENSE("GPL");
