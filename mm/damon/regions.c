// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON core: the region adaptation, run by the kdamond at the end of each
 * aggregation interval and when the operations set updates the regions.
 *
 * Map of this file:
 *   the DOC section	how the regions follow the access pattern
 *   one region		damon_split_region_at(), merging two neighbours
 *   merge		ages, merging similar neighbours
 *   split		edges of accessed parts, random splits
 *   minimum number	cutting up to min_nr_regions at the start
 *   aggregation		kdamond_aggregate(), which core.c calls
 *
 * Everything here runs in the kdamond of the context, or on a context that
 * is not running (KUnit), and changes only the regions of its targets.
 */

#include <linux/damon.h>
#include <linux/kthread.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <kunit/visibility.h>

#include <trace/events/damon.h>

#include "core-internal.h"
#include "ops-internal.h"

/**
 * DOC: region adaptation
 *
 * DAMON checks one page per region per sampling interval, so its cost is
 * proportional to the number of regions, not to the size of the monitored
 * memory.  The number of regions is kept within [min_nr_regions,
 * max_nr_regions], which bounds the cost per sampling interval whatever the
 * targets' size.  Within that budget the regions follow the access pattern:
 *
 * - At the end of each aggregation interval, adjacent regions of a target
 *   whose access counts differ by no more than a threshold are merged, as
 *   long as the merged region is not larger than the total monitored size
 *   divided by min_nr_regions.  The threshold starts at a tenth of the
 *   largest count seen; while the context still has more than
 *   max_nr_regions regions, it is doubled and merging is repeated, until it
 *   exceeds the largest possible count.  Merged regions take the
 *   size-weighted average of the counts and ages.
 * - Then regions are split, without ever going over max_nr_regions.  Pieces
 *   inherit the counts and age.  A region in which the operations set saw
 *   accessed pages in only a part (&damon_region.seen: the sampled pages
 *   found accessed, and whatever else the set reports through
 *   damon_region_seen_accessed()) is cut at the edges of that part, so
 *   that a small hot range inside a large idle region gets a region of its
 *   own as soon as one sample lands in or next to it.  Other regions are
 *   split in two at a random page boundary, but only while there are fewer
 *   than max_nr_regions / 2: random points find boundaries that no sample
 *   revealed, over a few intervals.  Every region costs its samples, so a
 *   region is split in two only: more pieces would buy samples, not
 *   boundaries.  A useless split is undone by the next merge.  Regions
 *   accessed at every sample are not split at random: they have no idle
 *   part to find.
 * - An aggregation interval in which no sampled page was accessed at all,
 *   typically because the targets did not run, neither merges (unless the
 *   context is over max_nr_regions) nor splits at random: it carries no
 *   information about boundaries, and merging on it would forget them.
 * - When the kdamond starts and after each operations update, regions are
 *   cut into pieces of even sizes until there are min_nr_regions of them,
 *   or one per page if there are fewer pages.  That takes time in proportion
 *   to the number of regions made, however many are asked for.
 *
 * A region's age counts the aggregation intervals for which its access
 * count stayed within the merge threshold of the previous one.
 */

/* === one region === */

/* Shrink @range to its intersection with @to, which may be empty. */
static void damon_clip_range(struct damon_addr_range *range,
			     const struct damon_addr_range *to)
{
	range->start = max(range->start, to->start);
	range->end = min(range->end, to->end);
	if (range->start >= range->end)
		damon_range_set_empty(range);
}

/*
 * damon_split_region_at() - Split a region in two.
 * @t:		The target of @r.
 * @r:		The region, which keeps the left piece.
 * @sz_left:	Size of the left piece, in (0, size of @r).
 *
 * The right piece inherits the monitoring results of @r.  Both pieces keep
 * their sampling address inside them.
 *
 * Return: 0 on success, -ENOMEM if out of memory.
 */
int damon_split_region_at(struct damon_target *t, struct damon_region *r,
			  unsigned long sz_left)
{
	struct damon_region *n;

	n = damon_new_region(r->ar.start + sz_left, r->ar.end);
	if (!n)
		return -ENOMEM;
	damon_region_inherit(n, r);
	if (r->sampling_addr >= n->ar.start)
		n->sampling_addr = r->sampling_addr;
	n->seen = r->seen;
	damon_clip_range(&n->seen, &n->ar);
	n->hot_edges = r->hot_edges & DAMON_HOT_END;
	r->hot_edges &= DAMON_HOT_START;
	r->ar.end = n->ar.start;
	if (r->sampling_addr >= r->ar.end)
		r->sampling_addr = r->ar.start;
	damon_clip_range(&r->seen, &r->ar);
	damon_insert_region(n, r, damon_next_region(r), t);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(damon_split_region_at);

/*
 * The average of @a and @b weighted by the sizes @sa and @sb, rounded down.
 * Written as the smaller value plus a share of the difference, so that no
 * product overflows: @sa + @sb, the size of a region, fits.
 */
static unsigned int damon_weighted(unsigned int a, unsigned long sa,
				   unsigned int b, unsigned long sb)
{
	if (a >= b)
		return b + mul_u64_u64_div_u64(a - b, sa, sa + sb);
	return a + mul_u64_u64_div_u64(b - a, sb, sa + sb);
}

/*
 * damon_merge_two_regions() - Merge a region into its left neighbour.
 * @t:	The target of the regions.
 * @l:	The left region, which absorbs @r.
 * @r:	The region right after @l, touching it.  Freed.
 */
VISIBLE_IF_KUNIT void damon_merge_two_regions(struct damon_target *t,
					      struct damon_region *l,
					      struct damon_region *r)
{
	unsigned long sl = damon_sz_region(l), sr = damon_sz_region(r);

	l->nr_accesses = damon_weighted(l->nr_accesses, sl,
					r->nr_accesses, sr);
	l->nr_accesses_bp = damon_weighted(l->nr_accesses_bp, sl,
					   r->nr_accesses_bp, sr);
	l->last_nr_accesses = damon_weighted(l->last_nr_accesses, sl,
					     r->last_nr_accesses, sr);
	l->age = damon_weighted(l->age, sl, r->age, sr);
	l->seen.start = min(l->seen.start, r->seen.start);
	l->seen.end = max(l->seen.end, r->seen.end);
	l->hot_edges = (l->hot_edges & DAMON_HOT_START) |
		(r->hot_edges & DAMON_HOT_END);
	l->ar.end = r->ar.end;
	damon_destroy_region(r, t);
}
EXPORT_SYMBOL_IF_KUNIT(damon_merge_two_regions);

/* === merge === */

/*
 * damon_total_nr_regions() - Number of regions of all targets of a context.
 * @ctx:	The context.
 *
 * Return: The number of regions.
 */
VISIBLE_IF_KUNIT unsigned long damon_total_nr_regions(struct damon_ctx *ctx)
{
	struct damon_target *t;
	unsigned long nr = 0;

	damon_for_each_target(t, ctx)
		nr += t->nr_regions;
	return nr;
}
EXPORT_SYMBOL_IF_KUNIT(damon_total_nr_regions);

/*
 * damon_merge_sz_limit() - Largest size a merge may produce.
 * @ctx:	The context.
 *
 * Return: The total size of the regions of @ctx divided by min_nr_regions,
 * at least &DAMON_MIN_REGION.
 */
VISIBLE_IF_KUNIT unsigned long damon_merge_sz_limit(struct damon_ctx *ctx)
{
	struct damon_target *t;
	struct damon_region *r;
	unsigned long sz = 0;

	damon_for_each_target(t, ctx)
		damon_for_each_region(r, t)
			if (check_add_overflow(sz, damon_sz_region(r), &sz))
				sz = ULONG_MAX;
	sz /= max(ctx->attrs.min_nr_regions, 1UL);
	return max_t(unsigned long, sz, DAMON_MIN_REGION);
}
EXPORT_SYMBOL_IF_KUNIT(damon_merge_sz_limit);

/*
 * kdamond_update_ages() - Age the regions at the end of an aggregation.
 * @ctx:	The context.
 * @threshold:	Largest change of the access count that keeps the age.
 */
VISIBLE_IF_KUNIT void kdamond_update_ages(struct damon_ctx *ctx,
					  unsigned int threshold)
{
	struct damon_target *t;
	struct damon_region *r;

	damon_assert_owner(ctx);
	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			unsigned int a = r->nr_accesses, b = r->last_nr_accesses;

			if (damon_yield_or_stop(ctx))
				return;
			if ((a > b ? a - b : b - a) > threshold)
				r->age = 0;
			else if (r->age < UINT_MAX)
				r->age++;
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(kdamond_update_ages);

static void damon_merge_regions_of(struct damon_ctx *ctx,
				   struct damon_target *t,
				   unsigned int threshold,
				   unsigned long sz_limit)
{
	struct damon_region *r, *next, *prev = NULL;

	damon_for_each_region_safe(r, next, t) {
		if (damon_yield_or_stop(ctx))
			return;
		if (prev && prev->ar.end == r->ar.start &&
		    abs_diff(prev->nr_accesses, r->nr_accesses) <= threshold &&
		    damon_sz_region(prev) + damon_sz_region(r) <= sz_limit)
			damon_merge_two_regions(t, prev, r);
		else
			prev = r;
	}
}

/*
 * kdamond_merge_regions() - Merge adjacent regions with similar counts.
 * @ctx:	The context.
 * @threshold:	Largest difference of access counts to merge at first.
 * @sz_limit:	Largest size of a merged region.
 *
 * Doubles @threshold and merges again while the context has more than
 * max_nr_regions regions, until @threshold exceeds the largest possible
 * access count.
 */
VISIBLE_IF_KUNIT void kdamond_merge_regions(struct damon_ctx *ctx,
					    unsigned int threshold,
					    unsigned long sz_limit)
{
	u64 max_thres = damon_max_nr_accesses(&ctx->attrs);
	u64 thres = threshold;
	struct damon_target *t;
	unsigned long nr;

	damon_assert_owner(ctx);
	for (;;) {
		nr = 0;
		damon_for_each_target(t, ctx) {
			damon_merge_regions_of(ctx, t,
					       min_t(u64, thres, UINT_MAX),
					       sz_limit);
			nr += t->nr_regions;
		}
		if (nr <= ctx->attrs.max_nr_regions || thres > max_thres ||
		    damon_yield_or_stop(ctx))
			break;
		thres = max_t(u64, thres * 2, 1);
	}
}
EXPORT_SYMBOL_IF_KUNIT(kdamond_merge_regions);

/*
 * kdamond_reset_aggregated() - Start a new aggregation interval's counts.
 * @ctx:	The context.
 */
VISIBLE_IF_KUNIT void kdamond_reset_aggregated(struct damon_ctx *ctx)
{
	struct damon_target *t;
	struct damon_region *r;

	damon_assert_owner(ctx);
	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			if (damon_yield_or_stop(ctx))
				return;
			r->last_nr_accesses = r->nr_accesses;
			r->nr_accesses = 0;
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(kdamond_reset_aggregated);

/* === split === */

/* Split @r in two at a random page boundary.  Return: whether it was. */
static bool damon_split_at_random(struct damon_ctx *ctx,
				  struct damon_target *t,
				  struct damon_region *r)
{
	unsigned long nr_pages = damon_sz_region(r) / DAMON_MIN_REGION;

	return nr_pages > 1 &&
		!damon_split_region_at(t, r, damon_rand(ctx, 1, nr_pages) *
				       DAMON_MIN_REGION);
}

/*
 * Split @r at the edges of the range found accessed in it, using at most
 * *@budget new regions.  A region accessed at every sample of the last
 * interval is not cut: its seen range is the hull of random samples, whose
 * edges are no boundary, and it counts as accessed throughout.  The pieces
 * left on either side get the edge they share with the accessed range in
 * &damon_region.hot_edges, and so do the neighbours of @r if the range
 * reaches its edges.  Return: false if @r was not split.
 */
static bool damon_split_at_seen(struct damon_target *t,
				struct damon_region *r, unsigned int max_nr_accesses,
				unsigned long *budget)
{
	bool hot = r->last_nr_accesses >= max_nr_accesses;
	struct damon_addr_range seen = hot ? r->ar : r->seen;
	struct damon_region *n;
	bool split = false;

	damon_clip_range(&seen, &r->ar);
	if (seen.start >= seen.end)
		return false;
	if (seen.start == r->ar.start && r != damon_first_region(t)) {
		n = damon_prev_region(r);
		if (n->ar.end == r->ar.start)
			n->hot_edges |= DAMON_HOT_END;
	}
	if (seen.end == r->ar.end && r != damon_last_region(t)) {
		n = damon_next_region(r);
		if (n->ar.start == r->ar.end)
			n->hot_edges |= DAMON_HOT_START;
	}
	if (hot)
		return false;
	/* The right edge first: @r keeps the left piece. */
	if (seen.end < r->ar.end && *budget &&
	    !damon_split_region_at(t, r, seen.end - r->ar.start)) {
		damon_next_region(r)->hot_edges |= DAMON_HOT_START;
		(*budget)--;
		split = true;
	}
	if (seen.start > r->ar.start && *budget &&
	    !damon_split_region_at(t, r, seen.start - r->ar.start)) {
		r->hot_edges |= DAMON_HOT_END;
		(*budget)--;
		split = true;
	}
	return split;
}

/* Whether any region was found accessed in the last aggregation interval. */
static bool damon_any_accessed(struct damon_ctx *ctx)
{
	struct damon_target *t;
	struct damon_region *r;

	damon_for_each_target(t, ctx)
		damon_for_each_region(r, t)
			if (r->last_nr_accesses)
				return true;
	return false;
}

/*
 * kdamond_split_regions() - Split regions where accesses were seen, then
 * at random points.
 * @ctx:	The context, its access counts just reset.
 *
 * A region in which the operations set saw accessed pages only in a part of
 * it (&damon_region.seen) is split at the edges of that part, unless it was
 * found accessed at every sample.  Other regions are split in two at a
 * random point, but only while the context has fewer than max_nr_regions / 2
 * regions.  Random splits are left out for regions
 * found accessed at every sample, which have no idle part to find, and for
 * every region after an interval in which nothing was found accessed,
 * whose merge was left out too.  The context never goes over
 * max_nr_regions.  Every region's seen range is emptied for the next
 * aggregation interval, and its &damon_region.hot_edges tell only the cuts
 * of this call.
 */
VISIBLE_IF_KUNIT void kdamond_split_regions(struct damon_ctx *ctx)
{
	unsigned int max_nr_accesses = damon_max_nr_accesses(&ctx->attrs);
	unsigned long nr = damon_total_nr_regions(ctx);
	unsigned long max_nr = ctx->attrs.max_nr_regions;
	unsigned long budget = max_nr > nr ? max_nr - nr : 0;
	struct damon_target *t;
	struct damon_region *r, *next;
	bool random;

	damon_assert_owner(ctx);
	random = nr < max_nr / 2 && damon_any_accessed(ctx);
	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t)
			r->hot_edges = 0;
		damon_for_each_region_safe(r, next, t) {
			if (damon_yield_or_stop(ctx))
				return;
			if (damon_split_at_seen(t, r, max_nr_accesses, &budget) ||
			    !random || !budget ||
			    r->last_nr_accesses >= max_nr_accesses)
				continue;
			if (damon_split_at_random(ctx, t, r))
				budget--;
		}
		damon_for_each_region(r, t)
			damon_region_forget_seen(r);
	}
}
EXPORT_SYMBOL_IF_KUNIT(kdamond_split_regions);

/* === minimum number === */

/* Size of @r in pages, at least 1: what damon_split_evenly() works with. */
static unsigned long damon_nr_pages(struct damon_region *r)
{
	return max(damon_sz_region(r) / DAMON_MIN_REGION, 1UL);
}

/* How many regions @ctx would have with pieces of at most @pages pages. */
static unsigned long damon_nr_pieces(struct damon_ctx *ctx,
				     unsigned long pages)
{
	struct damon_target *t;
	struct damon_region *r;
	unsigned long nr = 0;

	damon_for_each_target(t, ctx)
		damon_for_each_region(r, t)
			nr += DIV_ROUND_UP(damon_nr_pages(r), pages);
	return nr;
}

/*
 * Split @r into @nr pieces whose sizes differ by a page at most.  Return:
 * false if a split failed or the kdamond should stop, true otherwise.
 */
static bool damon_split_evenly(struct damon_ctx *ctx, struct damon_target *t,
			       struct damon_region *r, unsigned long nr)
{
	unsigned long pages = damon_nr_pages(r);
	unsigned long q = pages / nr, rem = pages % nr, i;

	for (i = 0; i + 1 < nr; i++) {
		unsigned long piece = i < rem ? q + 1 : q;

		if (damon_split_region_at(t, r, piece * DAMON_MIN_REGION))
			return false;
		r = damon_next_region(r);
		if (damon_yield_or_stop(ctx))
			return false;
	}
	return true;
}

/*
 * damon_split_to_min_nr_regions() - Reach min_nr_regions by even splits.
 * @ctx:	The context.
 *
 * Splits the regions of the context into min_nr_regions pieces in all, as
 * even as page boundaries allow, or into pages if there are not enough of
 * them.  The largest piece size that makes enough pieces is searched for by
 * bisection, then each region is cut into pieces of about that size: a few
 * dozen passes over fewer than min_nr_regions regions, and one split per
 * new region, instead of a search for the largest region before each
 * split.
 */
void damon_split_to_min_nr_regions(struct damon_ctx *ctx)
{
	unsigned long min_nr = ctx->attrs.min_nr_regions;
	unsigned long lo = 1, hi = 1, extra, nr;
	struct damon_region *r, *next;
	struct damon_target *t;

	damon_assert_owner(ctx);
	if (damon_total_nr_regions(ctx) >= min_nr)
		return;
	damon_for_each_target(t, ctx)
		damon_for_each_region(r, t)
			hi = max(hi, damon_nr_pages(r));
	/*
	 * Pieces of at most @lo pages make min_nr regions or more; pieces of
	 * at most @hi pages, fewer.  With pieces of one page there may be
	 * fewer still: then every region is cut into pages.
	 */
	if (damon_nr_pieces(ctx, 1) <= min_nr) {
		hi = 1;
	} else {
		while (hi - lo > 1) {
			unsigned long mid = lo + (hi - lo) / 2;

			if (damon_nr_pieces(ctx, mid) >= min_nr)
				lo = mid;
			else
				hi = mid;
			if (damon_yield_or_stop(ctx))
				return;
		}
	}
	/* Pieces of @hi pages, and some more where that falls short. */
	extra = min_nr - min(damon_nr_pieces(ctx, hi), min_nr);
	damon_for_each_target(t, ctx) {
		damon_for_each_region_safe(r, next, t) {
			unsigned long pages = damon_nr_pages(r);

			nr = DIV_ROUND_UP(pages, hi);
			if (extra && hi > 1) {
				unsigned long more = min(extra,
					DIV_ROUND_UP(pages, hi - 1) - nr);

				nr += more;
				extra -= more;
			}
			if (nr > 1 && !damon_split_evenly(ctx, t, r, nr))
				return;
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(damon_split_to_min_nr_regions);

/* === aggregation === */

/*
 * kdamond_aggregate() - End an aggregation interval.
 * @ctx:		The context.
 * @max_nr_accesses:	Largest access count of the interval.
 *
 * Reports each region with the damon_aggregated tracepoint, updates the
 * ages, merges, resets the counts and splits.
 */
void kdamond_aggregate(struct damon_ctx *ctx, unsigned int max_nr_accesses)
{
	unsigned int threshold = max(max_nr_accesses / 10, 1U);
	unsigned long target_id = 0;
	struct damon_target *t;
	struct damon_region *r;

	damon_assert_owner(ctx);
	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			trace_damon_aggregated(target_id, t->nr_regions, r);
			if (damon_yield_or_stop(ctx))
				return;
		}
		target_id++;
	}
	kdamond_update_ages(ctx, threshold);
	/*
	 * An interval in which no sampled page was accessed, as when the
	 * targets were not scheduled, says nothing about where the
	 * boundaries are: merging everything would throw away what the
	 * regions have learnt.
	 */
	if (max_nr_accesses ||
	    damon_total_nr_regions(ctx) > ctx->attrs.max_nr_regions)
		kdamond_merge_regions(ctx, threshold,
				      damon_merge_sz_limit(ctx));
	kdamond_reset_aggregated(ctx);
	ctx->nr_aggregations++;
	kdamond_split_regions(ctx);
}
EXPORT_SYMBOL_IF_KUNIT(kdamond_aggregate);
