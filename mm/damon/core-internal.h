/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the DAMON core (core.c, regions.c, requests.c) and its DAMOS
 * engine (damos.c):
 *   helpers	small helpers of the core that the engine uses too
 *   regions	the region adaptation (regions.c) that the others call
 *   requests	the kdamond side of the requests (requests.c)
 *   engine	the points at which core.c calls the engine
 *   KUnit	functions static in production builds and visible to the
 *		damon_core and damon_schemes suites (include/kunit/visibility.h)
 */

#ifndef _MM_DAMON_CORE_INTERNAL_H
#define _MM_DAMON_CORE_INTERNAL_H

#include <linux/align.h>
#include <linux/bug.h>
#include <linux/damon.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/sched.h>

/* === helpers === */

/*
 * The kdamond of @ctx owns the context while it runs.  Code that changes a
 * context's monitoring state must run either on a context that is not
 * running or in its kdamond.
 */
static inline void damon_assert_owner(struct damon_ctx *ctx)
{
	struct task_struct *kdamond = READ_ONCE(ctx->kdamond);

	WARN_ON_ONCE(kdamond && kdamond != current);
}

static inline bool damon_in_kdamond(struct damon_ctx *ctx)
{
	return READ_ONCE(ctx->kdamond) == current;
}

/* An interval of @attrs, in sampling intervals: at least 1. */
static inline unsigned long damon_interval_sis(const struct damon_attrs *attrs,
					       unsigned long interval)
{
	return max(interval / attrs->sample_interval, 1UL);
}

/*
 * The sampling interval count @sis after @now, saturated: a deadline past
 * ULONG_MAX is never reached.
 */
static inline unsigned long damon_sis_after(unsigned long now,
					    unsigned long sis)
{
	return now + min(sis, ULONG_MAX - now);
}

/*
 * Called at each step of a long loop over regions: give the CPU away if
 * needed, and tell whether the kdamond running the loop is being stopped.
 * The loop then ends early, leaving the regions consistent, so that
 * damon_stop() never waits for a whole pass over many regions.  Outside a
 * kdamond (in KUnit) the loops always run to their end.
 */
static inline bool damon_yield_or_stop(struct damon_ctx *ctx)
{
	cond_resched();
	return damon_in_kdamond(ctx) && kthread_should_stop();
}

/*
 * The end of a range rounded up to DAMON_MIN_REGION.  An end in the last
 * unit of the address space cannot be: it is rounded down instead.
 */
static inline unsigned long damon_align_end(unsigned long end)
{
	unsigned long last = ALIGN_DOWN(ULONG_MAX, DAMON_MIN_REGION);

	return end > last ? last : ALIGN(end, DAMON_MIN_REGION);
}

/*
 * The empty range of &damon_region.seen: its start and end are neutral for
 * the min() and max() that grow it.
 */
static inline void damon_range_set_empty(struct damon_addr_range *range)
{
	range->start = ULONG_MAX;
	range->end = 0;
}

static inline void damon_region_forget_seen(struct damon_region *r)
{
	damon_range_set_empty(&r->seen);
}

/* A region @n cut out of @o starts with the access counts and age of @o. */
static inline void damon_region_inherit(struct damon_region *n,
					const struct damon_region *o)
{
	n->nr_accesses = o->nr_accesses;
	n->nr_accesses_bp = o->nr_accesses_bp;
	n->last_nr_accesses = o->last_nr_accesses;
	n->age = o->age;
}

/* @a * @b / @c, or U64_MAX if the quotient does not fit; @c is not 0. */
static inline u64 damon_mul_div(u64 a, u64 b, u64 c)
{
	/* The quotient fits if the high half of the product is below @c. */
	if (mul_u64_u64_shr(a, b, 64) >= c)
		return U64_MAX;
	return mul_u64_u64_div_u64(a, b, c);
}

/* === regions === */

int damon_split_region_at(struct damon_target *t, struct damon_region *r,
			  unsigned long sz_left);
void damon_split_to_min_nr_regions(struct damon_ctx *ctx);
void kdamond_aggregate(struct damon_ctx *ctx, unsigned int max_nr_accesses);

/* === requests === */

void kdamond_handle_requests(struct damon_ctx *ctx, bool all);
void kdamond_requests_aggregated(struct damon_ctx *ctx);
void kdamond_run_schemes(struct damon_ctx *ctx, unsigned long *walk_seq);
bool kdamond_idle_begin(struct damon_ctx *ctx);
void kdamond_idle_end(struct damon_ctx *ctx);
void kdamond_cancel_requests(struct damon_ctx *ctx);

/* === engine === */

/* What damon_commit_ctx() prepares for the schemes; see damos.c. */
struct damos_commit_scheme;

int damon_check_schemes(const struct damon_operations *ops,
			struct damon_ctx *ctx);
int damos_commit_prepare(struct damon_ctx *dst, struct damon_ctx *src,
			 struct damos_commit_scheme **csp);
void damos_commit_apply(struct damon_ctx *dst, struct damos_commit_scheme *cs,
			unsigned int nr, struct damon_ctx *src);
void damos_arm(struct damon_ctx *ctx, const struct damon_attrs *attrs,
	       struct damos *s);
void kdamond_init_schemes(struct damon_ctx *ctx);
bool damos_any_due(struct damon_ctx *ctx);
bool kdamond_apply_schemes(struct damon_ctx *ctx, struct list_head *walkers);
bool kdamond_check_watermarks(struct damon_ctx *ctx);
unsigned long damos_min_wmarks_interval(struct damon_ctx *ctx);

/* === KUnit === */

#if IS_ENABLED(CONFIG_KUNIT)

void damon_merge_two_regions(struct damon_target *t, struct damon_region *l,
			     struct damon_region *r);
unsigned long damon_total_nr_regions(struct damon_ctx *ctx);
unsigned long damon_merge_sz_limit(struct damon_ctx *ctx);
void kdamond_update_ages(struct damon_ctx *ctx, unsigned int threshold);
void kdamond_merge_regions(struct damon_ctx *ctx, unsigned int threshold,
			   unsigned long sz_limit);
void kdamond_reset_aggregated(struct damon_ctx *ctx);
void kdamond_split_regions(struct damon_ctx *ctx);
unsigned int damon_observed_access_bp(struct damon_ctx *ctx);
unsigned long damon_tuned_sample_interval(const struct damon_attrs *attrs,
					  unsigned int seen_bp);

bool damos_pattern_match(const struct damon_ctx *ctx, const struct damos *s,
			 const struct damon_region *r);
bool damos_core_filter_out(struct damon_target *t, unsigned int tidx,
			   struct damon_region *r, struct damos *s);
void damos_set_min_score(struct damon_ctx *ctx, struct damos *s);
unsigned long damos_goal_tuned_sz(unsigned long sz, unsigned long ach);
void damos_new_quota_window(struct damon_ctx *ctx, struct damos *s);
void damos_wmarks_update(struct damos *s, unsigned long value);

#endif /* IS_ENABLED(CONFIG_KUNIT) */

#endif /* _MM_DAMON_CORE_INTERNAL_H */
