// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON core: contexts, the kdamond thread and the region adaptation.
 *
 * Map of this file:
 *   regions and targets	constructors, destructors, damon_set_regions()
 *   contexts and attributes	damon_new_ctx(), damon_set_attrs(), commit
 *   operations sets		the registry of ops sets, by id
 *   requests			damon_request() and the kdamond side of it
 *   region adaptation		merge, split, ages (kdamond only)
 *   kdamond			the monitoring thread and its main loop
 *   start and stop		damon_start(), damon_stop() and friends
 *
 * The DAMOS engine is in damos.c.  The kdamond calls it at a few points,
 * declared in core-internal.h: kdamond_init_schemes() when it starts,
 * kdamond_check_watermarks() before each sampling interval,
 * kdamond_apply_schemes() after it, and damon_commit_ctx() and
 * damon_start() validate and commit schemes through it.
 *
 * Locking:
 *   damon_ops_lock	protects damon_registered_ops[].
 *   damon_lock		serialises damon_start() calls.
 *   ctx->run_lock	serialises the start and the stop of one context: a
 *			stop waits until the kdamond it stops has begun to
 *			run, and only one caller stops a kdamond.  Taken
 *			inside damon_lock.
 *   damon_running_lock	protects nr_running_ctxs and running_exclusive.
 *   ctx->kdamond_lock	protects ctx->kdamond and ctx->kdamond_id.  A
 *			request is queued only with it held, so that the
 *			kdamond, which cancels the queue with it held when it
 *			ends, never leaves a request behind.  A spinlock, so
 *			that the ending kdamond's unlock is its last access
 *			to a context its creator may free at once.
 *   damon_requests_lock	protects the request queue of every context;
 *			see "requests" below.  Nests inside kdamond_lock.
 *
 * While a context runs, its attributes, targets and regions belong to its
 * kdamond; other threads reach them only through damon_request().
 */

#define pr_fmt(fmt) "damon: " fmt

#include <linux/cleanup.h>
#include <linux/damon.h>
#include <linux/export.h>
#include <linux/hrtimer.h>
#include <linux/idr.h>
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#define CREATE_TRACE_POINTS
#include <trace/events/damon.h>

#include "core-internal.h"
#include "ops-internal.h"

/* Protects damon_registered_ops[]. */
static DEFINE_MUTEX(damon_ops_lock);
static struct damon_operations damon_registered_ops[NR_DAMON_OPS];
static bool damon_ops_registered[NR_DAMON_OPS];

/* Serialises damon_start() against itself. */
static DEFINE_MUTEX(damon_lock);

/* Protects nr_running_ctxs and running_exclusive. */
static DEFINE_SPINLOCK(damon_running_lock);
static unsigned int nr_running_ctxs;
static bool running_exclusive;

/* Numbers in the names of the kdamonds. */
static DEFINE_IDA(damon_kdamond_ida);

/* === regions and targets === */

/*
 * The empty range of &damon_region.seen: its start and end are neutral for
 * the min() and max() that grow it.
 */
static void damon_range_set_empty(struct damon_addr_range *range)
{
	range->start = ULONG_MAX;
	range->end = 0;
}

static void damon_region_forget_seen(struct damon_region *r)
{
	damon_range_set_empty(&r->seen);
}

/**
 * damon_new_region() - Allocate a new monitoring region.
 * @start:	Start address of the region.
 * @end:	End address of the region.
 *
 * The region starts with no access recorded and age zero.
 *
 * Context: Process context; may sleep.
 * Return: The new region, or NULL if out of memory.
 */
struct damon_region *damon_new_region(unsigned long start, unsigned long end)
{
	struct damon_region *r;

	r = kmalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	r->ar.start = start;
	r->ar.end = end;
	r->sampling_addr = start;
	r->nr_accesses = 0;
	r->nr_accesses_bp = 0;
	r->last_nr_accesses = 0;
	r->age = 0;
	damon_region_forget_seen(r);
	r->hot_edges = 0;
	INIT_LIST_HEAD(&r->list);
	return r;
}
EXPORT_SYMBOL_GPL(damon_new_region);

/**
 * damon_add_region() - Append a region to a target.
 * @r:	The region.  Must lie after every region of @t.
 * @t:	The target.
 *
 * Context: Any context.  The caller owns @t (see damon.h).
 */
void damon_add_region(struct damon_region *r, struct damon_target *t)
{
	list_add_tail(&r->list, &t->regions_list);
	t->nr_regions++;
}
EXPORT_SYMBOL_GPL(damon_add_region);

/**
 * damon_insert_region() - Insert a region between two regions of a target.
 * @r:		The region to insert.
 * @prev:	The region that will precede @r.
 * @next:	The region that will follow @r; the one after @prev.
 * @t:		The target of @prev and @next.
 *
 * Context: Any context.  The caller owns @t.
 */
void damon_insert_region(struct damon_region *r, struct damon_region *prev,
			 struct damon_region *next, struct damon_target *t)
{
	__list_add(&r->list, &prev->list, &next->list);
	t->nr_regions++;
}
EXPORT_SYMBOL_GPL(damon_insert_region);

/**
 * damon_destroy_region() - Unlink a region from its target and free it.
 * @r:	The region.
 * @t:	The target @r belongs to.
 *
 * Context: Any context.  The caller owns @t.
 */
void damon_destroy_region(struct damon_region *r, struct damon_target *t)
{
	list_del(&r->list);
	t->nr_regions--;
	kfree(r);
}
EXPORT_SYMBOL_GPL(damon_destroy_region);

static void damon_free_region_list(struct list_head *list)
{
	struct damon_region *r, *next;

	list_for_each_entry_safe(r, next, list, list) {
		list_del(&r->list);
		kfree(r);
	}
}

/*
 * Check @ranges for damon_set_regions(): sorted, non-overlapping, non-empty,
 * and still non-empty once aligned to DAMON_MIN_REGION.
 */
static int damon_check_ranges(const struct damon_addr_range *ranges,
			      unsigned int nr)
{
	unsigned int i;

	if (nr && !ranges)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		unsigned long s = ALIGN_DOWN(ranges[i].start, DAMON_MIN_REGION);
		unsigned long e = damon_align_end(ranges[i].end);

		if (ranges[i].start >= ranges[i].end || s >= e)
			return -EINVAL;
		if (i && ranges[i].start < ranges[i - 1].end)
			return -EINVAL;
	}
	return 0;
}

/*
 * Add to @out the regions that cover [@s, @e): pieces of the old regions of
 * @t where they overlap the range (keeping their monitoring results), new
 * regions elsewhere.  *@pos walks the old regions and is left at the first
 * one that may overlap the next range.
 */
static int damon_build_range(struct damon_target *t, unsigned long s,
			     unsigned long e, struct damon_region **pos,
			     struct list_head *out, unsigned int *nr_out)
{
	struct damon_region *o = *pos, *n;
	unsigned long cur = s;

	for (; &o->list != &t->regions_list; o = damon_next_region(o)) {
		unsigned long ps, pe;

		if (o->ar.end <= s)
			continue;
		if (o->ar.start >= e)
			break;
		ps = max(o->ar.start, s);
		pe = min(o->ar.end, e);
		if (ps > cur) {
			n = damon_new_region(cur, ps);
			if (!n)
				return -ENOMEM;
			list_add_tail(&n->list, out);
			(*nr_out)++;
		}
		n = damon_new_region(ps, pe);
		if (!n)
			return -ENOMEM;
		n->nr_accesses = o->nr_accesses;
		n->nr_accesses_bp = o->nr_accesses_bp;
		n->last_nr_accesses = o->last_nr_accesses;
		n->age = o->age;
		if (o->sampling_addr >= ps && o->sampling_addr < pe)
			n->sampling_addr = o->sampling_addr;
		list_add_tail(&n->list, out);
		(*nr_out)++;
		cur = pe;
		/* A region straddling @e may overlap the next range, too. */
		if (o->ar.end > e)
			break;
	}
	*pos = o;
	if (cur < e) {
		n = damon_new_region(cur, e);
		if (!n)
			return -ENOMEM;
		list_add_tail(&n->list, out);
		(*nr_out)++;
	}
	return 0;
}

/*
 * Build in @out the regions damon_set_regions() would give @t, without
 * touching @t.  On failure @out is emptied.
 */
static int damon_build_regions(struct damon_target *t,
			       const struct damon_addr_range *ranges,
			       unsigned int nr, struct list_head *out,
			       unsigned int *nr_out)
{
	struct damon_region *pos;
	unsigned int i = 0;
	int err;

	*nr_out = 0;
	err = damon_check_ranges(ranges, nr);
	if (err)
		return err;
	pos = list_first_entry(&t->regions_list, struct damon_region, list);
	while (i < nr) {
		unsigned long s = ALIGN_DOWN(ranges[i].start, DAMON_MIN_REGION);
		unsigned long e = damon_align_end(ranges[i].end);

		/* Alignment may make neighbouring ranges touch: join them. */
		for (i++; i < nr; i++) {
			if (ALIGN_DOWN(ranges[i].start, DAMON_MIN_REGION) > e)
				break;
			e = max(e, damon_align_end(ranges[i].end));
		}
		err = damon_build_range(t, s, e, &pos, out, nr_out);
		if (err) {
			damon_free_region_list(out);
			*nr_out = 0;
			return err;
		}
	}
	return 0;
}

/* Replace the regions of @t with the @nr regions in @list. */
static void damon_install_regions(struct damon_target *t,
				  struct list_head *list, unsigned int nr)
{
	damon_free_region_list(&t->regions_list);
	list_splice_init(list, &t->regions_list);
	t->nr_regions = nr;
}

/**
 * damon_set_regions() - Make the regions of a target cover given ranges.
 * @t:		The target.
 * @ranges:	Address ranges, sorted by address and not overlapping.
 * @nr_ranges:	Number of entries in @ranges.  Zero removes every region.
 *
 * Afterwards the regions of @t cover exactly the union of @ranges, each
 * range widened to &DAMON_MIN_REGION boundaries.  Where an existing region
 * overlaps a range, the overlapping part keeps its monitoring results; parts
 * of regions outside every range are dropped and uncovered parts of the
 * ranges get new regions.  Nothing changes if an error is returned.
 *
 * Context: Process context; may sleep.  On a running context, call it only
 * from a function run by damon_request().
 * Return: 0 on success, -EINVAL if @ranges are unsorted, overlap or contain
 * an empty range, -ENOMEM if out of memory.
 */
int damon_set_regions(struct damon_target *t, struct damon_addr_range *ranges,
		      unsigned int nr_ranges)
{
	LIST_HEAD(regions);
	unsigned int nr;
	int err;

	err = damon_build_regions(t, ranges, nr_ranges, &regions, &nr);
	if (err)
		return err;
	damon_install_regions(t, &regions, nr);
	return 0;
}
EXPORT_SYMBOL_GPL(damon_set_regions);

/**
 * damon_update_region_access() - Account one sample of a region.
 * @r:		The region.
 * @accessed:	Whether the region was found accessed in this sample.
 * @attrs:	The attributes of the region's context.
 *
 * Called by &damon_operations.check_accesses once per region and sampling
 * interval.  Counts the access in &damon_region.nr_accesses and updates
 * &damon_region.nr_accesses_bp, an exponentially weighted moving average of
 * the per-sample access state whose window is one aggregation interval.
 *
 * Context: The kdamond of the region's context.
 */
void damon_update_region_access(struct damon_region *r, bool accessed,
				const struct damon_attrs *attrs)
{
	unsigned int window = damon_max_nr_accesses(attrs);
	unsigned int bp = min_t(unsigned int, r->nr_accesses_bp,
				DAMON_BP_DENOMINATOR);

	/*
	 * Move 1/W of the way towards the sample (DENOMINATOR or 0), rounding
	 * the step up: the rate reaches both ends and never leaves them.
	 */
	if (accessed)
		bp += DIV_ROUND_UP(DAMON_BP_DENOMINATOR - bp, window);
	else
		bp -= DIV_ROUND_UP(bp, window);
	r->nr_accesses_bp = bp;
	if (accessed) {
		r->nr_accesses++;
		damon_region_seen_accessed(r, r->sampling_addr,
					   r->sampling_addr + 1);
	}
}
EXPORT_SYMBOL_GPL(damon_update_region_access);

/**
 * damon_region_seen_accessed() - Record where in a region accesses were seen.
 * @r:		The region.
 * @start:	Start of the range found accessed.
 * @end:	End of the range found accessed.
 *
 * Grows &damon_region.seen to cover [@start, @end), clipped to the region
 * and widened to whole &DAMON_MIN_REGION units.  At the end of the
 * aggregation interval the region is split at the edges of the range, so
 * that accessed and idle memory end up in different regions.  The access
 * counts are not changed: damon_update_region_access() does that for the
 * sampled page.
 *
 * Context: The kdamond of the region's context.
 */
void damon_region_seen_accessed(struct damon_region *r, unsigned long start,
				unsigned long end)
{
	start = ALIGN_DOWN(max(start, r->ar.start), DAMON_MIN_REGION);
	end = min(ALIGN(end, DAMON_MIN_REGION), r->ar.end);
	if (start >= end)
		return;
	r->seen.start = min(r->seen.start, start);
	r->seen.end = max(r->seen.end, end);
}
EXPORT_SYMBOL_GPL(damon_region_seen_accessed);

/**
 * damon_new_target() - Allocate a new monitoring target.
 *
 * The target has no region and no pid.
 *
 * Context: Process context; may sleep.
 * Return: The new target, or NULL if out of memory.
 */
struct damon_target *damon_new_target(void)
{
	struct damon_target *t;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	INIT_LIST_HEAD(&t->regions_list);
	INIT_LIST_HEAD(&t->list);
	return t;
}
EXPORT_SYMBOL_GPL(damon_new_target);

/**
 * damon_add_target() - Append a target to a context.
 * @ctx:	The context.
 * @t:		The target, not yet in any context.
 *
 * Context: Any context.  The caller owns @ctx.
 */
void damon_add_target(struct damon_ctx *ctx, struct damon_target *t)
{
	list_add_tail(&t->list, &ctx->targets);
}
EXPORT_SYMBOL_GPL(damon_add_target);

/**
 * damon_targets_empty() - Tell whether a context has no target.
 * @ctx:	The context.
 *
 * Context: Any context.  The caller owns @ctx.
 * Return: true if @ctx has no target.
 */
bool damon_targets_empty(struct damon_ctx *ctx)
{
	return list_empty(&ctx->targets);
}
EXPORT_SYMBOL_GPL(damon_targets_empty);

/**
 * damon_destroy_target() - Free a target and its regions.
 * @t:	The target.
 *
 * Unlinks @t from its context if it is in one and drops its pid reference.
 *
 * Context: Process context.  The caller owns the context of @t.
 */
void damon_destroy_target(struct damon_target *t)
{
	list_del_init(&t->list);
	damon_free_region_list(&t->regions_list);
	put_pid(t->pid);
	kfree(t);
}
EXPORT_SYMBOL_GPL(damon_destroy_target);

/**
 * damon_nr_regions() - Number of regions of a target.
 * @t:	The target.
 *
 * Context: Any context.  The caller owns the context of @t.
 * Return: The number of regions of @t.
 */
unsigned int damon_nr_regions(struct damon_target *t)
{
	return t->nr_regions;
}
EXPORT_SYMBOL_GPL(damon_nr_regions);

/* === contexts and attributes === */

/**
 * damon_new_ctx() - Allocate a new monitoring context.
 *
 * The context gets the default attributes (sampling 5 ms, aggregation
 * 100 ms, ops update 60 s, 10 to 1000 regions), no operations set and no
 * target.
 *
 * Context: Process context; may sleep.
 * Return: The new context, or NULL if out of memory.
 */
struct damon_ctx *damon_new_ctx(void)
{
	struct damon_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return NULL;
	ctx->attrs.sample_interval = 5 * USEC_PER_MSEC;
	ctx->attrs.aggr_interval = 100 * USEC_PER_MSEC;
	ctx->attrs.ops_update_interval = 60 * USEC_PER_SEC;
	ctx->attrs.min_nr_regions = 10;
	ctx->attrs.max_nr_regions = 1000;
	INIT_LIST_HEAD(&ctx->targets);
	INIT_LIST_HEAD(&ctx->schemes);
	mutex_init(&ctx->run_lock);
	spin_lock_init(&ctx->kdamond_lock);
	ctx->kdamond_id = -1;
	INIT_LIST_HEAD(&ctx->requests);
	prandom_seed_state(&ctx->rnd_state, get_random_u64());
	return ctx;
}
EXPORT_SYMBOL_GPL(damon_new_ctx);

/**
 * damon_rand() - Pick a number uniformly in [@l, @r).
 * @ctx:	The context whose kdamond picks it.
 * @l:		Smallest number that may be picked.
 * @r:		One past the largest number that may be picked; greater than
 *		@l.
 *
 * The operations sets use it to choose the sampling address of each region
 * at every sampling interval, and the core to choose where to split one.
 * That is a number per region and sampling interval, which need not be
 * unpredictable: a pseudo-random generator of the context's own, seeded
 * from get_random_u64() when the context is created, costs a few
 * instructions where get_random_u32() costs a share of its batch refills.
 *
 * Context: The kdamond of @ctx, or its owner while it does not run.
 * Return: The number picked.
 */
unsigned long damon_rand(struct damon_ctx *ctx, unsigned long l,
			 unsigned long r)
{
	u64 span = r - l, x = prandom_u32_state(&ctx->rnd_state);

	if (span <= U32_MAX)
		return l + ((x * span) >> 32);
	x = x << 32 | prandom_u32_state(&ctx->rnd_state);
	return l + mul_u64_u64_shr(x, span, 64);
}
EXPORT_SYMBOL_GPL(damon_rand);

/**
 * damon_destroy_ctx() - Free a context with its targets, regions and schemes.
 * @ctx:	The context.  Must not be running.
 *
 * Context: Process context; may sleep.
 */
void damon_destroy_ctx(struct damon_ctx *ctx)
{
	struct damon_target *t, *next;
	struct damos *s, *snext;

	if (WARN_ON(damon_is_running(ctx)))
		return;
	damon_for_each_target_safe(t, next, ctx)
		damon_destroy_target(t);
	damon_for_each_scheme_safe(s, snext, ctx)
		damon_destroy_scheme(s);
	mutex_destroy(&ctx->run_lock);
	kfree(ctx);
}
EXPORT_SYMBOL_GPL(damon_destroy_ctx);

/**
 * damon_max_nr_accesses() - Largest possible &damon_region.nr_accesses.
 * @attrs:	The monitoring attributes.
 *
 * Context: Any context.
 * Return: The number of sampling intervals in an aggregation interval, at
 * least 1.
 */
unsigned int damon_max_nr_accesses(const struct damon_attrs *attrs)
{
	unsigned long nr = 1;

	if (attrs->sample_interval)
		nr = attrs->aggr_interval / attrs->sample_interval;
	return clamp_t(unsigned long, nr, 1, UINT_MAX);
}
EXPORT_SYMBOL_GPL(damon_max_nr_accesses);

/**
 * damon_nr_accesses_now() - Access count of a region over the last
 * aggregation interval's worth of samples, at any time.
 * @ctx:	The context of the region.
 * @r:		The region.
 *
 * &damon_region.nr_accesses counts the samples of the current aggregation
 * interval only, so in the middle of one it is short of what it will be at
 * its end.  This is the moving sum of the last W samples, W being
 * damon_max_nr_accesses(): the accessed samples of the current interval so
 * far, plus the share of &damon_region.last_nr_accesses that falls on the
 * samples still to come, as if the previous interval's accesses were spread
 * evenly over it.  It is &damon_region.nr_accesses at the end of an
 * aggregation interval and &damon_region.last_nr_accesses right after one.
 * Schemes applied in the middle of an aggregation interval match and rank
 * regions with it.
 *
 * Context: The kdamond of @ctx, or the owner of @ctx while it does not run.
 * Return: The count, at most W unless &damon_region.nr_accesses is already
 * more.
 */
unsigned int damon_nr_accesses_now(const struct damon_ctx *ctx,
				   const struct damon_region *r)
{
	unsigned int window = damon_max_nr_accesses(&ctx->attrs);
	unsigned long left = 0;
	u64 sum;

	if (ctx->next_aggregation_sis > ctx->passed_sample_intervals)
		left = min_t(unsigned long, ctx->next_aggregation_sis -
			     ctx->passed_sample_intervals, window);
	sum = r->nr_accesses + div_u64((u64)r->last_nr_accesses * left +
				       window / 2, window);
	return max_t(u64, min_t(u64, sum, window), r->nr_accesses);
}
EXPORT_SYMBOL_GPL(damon_nr_accesses_now);

static int damon_check_attrs(const struct damon_attrs *attrs)
{
	if (attrs->min_nr_regions < 3 ||
	    attrs->min_nr_regions > attrs->max_nr_regions)
		return -EINVAL;
	if (!attrs->sample_interval ||
	    attrs->sample_interval > attrs->aggr_interval)
		return -EINVAL;
	return 0;
}

static unsigned int damon_rescale(unsigned int v, unsigned long mul,
				  unsigned long div)
{
	return min_t(u64, damon_mul_div(v, mul, div), UINT_MAX);
}

/*
 * Convert the monitoring results of @ctx from its current attributes to
 * @new, so that the values keep their meaning: access counts to the new
 * number of samples per aggregation and ages to the new aggregation length.
 * The access rates in basis points do not depend on the attributes.
 */
static void kdamond_rescale_results(struct damon_ctx *ctx,
				    const struct damon_attrs *new)
{
	unsigned int old_max = damon_max_nr_accesses(&ctx->attrs);
	unsigned int new_max = damon_max_nr_accesses(new);
	struct damon_target *t;
	struct damon_region *r;

	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			if (damon_yield_or_stop(ctx))
				return;
			r->nr_accesses = min(damon_rescale(r->nr_accesses,
							   new_max, old_max),
					     new_max);
			r->last_nr_accesses =
				min(damon_rescale(r->last_nr_accesses,
						  new_max, old_max), new_max);
			r->age = damon_rescale(r->age, ctx->attrs.aggr_interval,
					       new->aggr_interval);
			r->nr_accesses_bp = min_t(unsigned int,
						  r->nr_accesses_bp,
						  DAMON_BP_DENOMINATOR);
		}
	}
}

/*
 * Apply valid @attrs; the caller owns @ctx.  In the kdamond, an interval
 * that changed restarts from now, and so does every scheme's apply interval
 * when the sampling or aggregation interval changed.
 */
static void __damon_set_attrs(struct damon_ctx *ctx,
			      const struct damon_attrs *attrs)
{
	unsigned long now = ctx->passed_sample_intervals, aggr, update;
	const struct damon_attrs *old = &ctx->attrs;
	bool resample = attrs->sample_interval != old->sample_interval ||
		attrs->aggr_interval != old->aggr_interval;
	struct damos *s;

	if (damon_in_kdamond(ctx)) {
		kdamond_rescale_results(ctx, attrs);
		aggr = damon_interval_sis(attrs, attrs->aggr_interval);
		update = damon_interval_sis(attrs, attrs->ops_update_interval);
		if (resample)
			ctx->next_aggregation_sis = damon_sis_after(now, aggr);
		if (resample ||
		    attrs->ops_update_interval != old->ops_update_interval)
			ctx->next_ops_update_sis = damon_sis_after(now, update);
		if (resample) {
			damon_for_each_scheme(s, ctx)
				damos_arm(ctx, attrs, s);
		}
	}
	ctx->attrs = *attrs;
}

/**
 * damon_set_attrs() - Set the monitoring attributes of a context.
 * @ctx:	The context.
 * @attrs:	The new attributes.
 *
 * On a running context the monitoring results are converted to the new
 * attributes: access counts are scaled to the new maximum of
 * &damon_region.nr_accesses, ages to the new aggregation interval.  The
 * current aggregation and ops update intervals restart if their length
 * changed, and so does the apply interval of every scheme if the sampling
 * or aggregation interval changed.
 *
 * Context: Process context.  On a running context, only from a function run
 * by damon_request().
 * Return: 0 on success, -EINVAL if @attrs are invalid (min_nr_regions below
 * 3 or above max_nr_regions, zero sampling interval, or sampling interval
 * longer than the aggregation interval), -EBUSY if @ctx is running and the
 * caller is not its kdamond.
 */
int damon_set_attrs(struct damon_ctx *ctx, const struct damon_attrs *attrs)
{
	int err;

	err = damon_check_attrs(attrs);
	if (err)
		return err;
	if (!damon_in_kdamond(ctx) && WARN_ON_ONCE(damon_is_running(ctx)))
		return -EBUSY;
	__damon_set_attrs(ctx, attrs);
	return 0;
}
EXPORT_SYMBOL_GPL(damon_set_attrs);

/* What damon_commit_ctx() prepared for one target of the source. */
struct damon_commit_target {
	struct damon_target *fresh;	/* replaces or extends dst's target */
	struct list_head regions;	/* new regions, if has_regions */
	unsigned int nr_regions;
	bool has_regions;
};

static int damon_commit_build_regions(struct damon_target *dst,
				      struct damon_target *src,
				      struct damon_commit_target *ct)
{
	struct damon_addr_range *ranges;
	struct damon_region *r;
	unsigned int i = 0;
	int err;

	if (!src->nr_regions)
		return 0;
	ranges = kmalloc_array(src->nr_regions, sizeof(*ranges), GFP_KERNEL);
	if (!ranges)
		return -ENOMEM;
	damon_for_each_region(r, src)
		ranges[i++] = r->ar;
	err = damon_build_regions(dst, ranges, i, &ct->regions,
				  &ct->nr_regions);
	kfree(ranges);
	if (!err)
		ct->has_regions = true;
	return err;
}

static void damon_commit_free(struct damon_commit_target *cts, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		damon_free_region_list(&cts[i].regions);
		if (cts[i].fresh)
			damon_destroy_target(cts[i].fresh);
	}
	kfree(cts);
}

/*
 * Prepare everything damon_commit_ctx() needs to allocate, so that applying
 * it cannot fail.
 */
static int damon_commit_prepare(struct damon_ctx *dst, struct damon_ctx *src,
				struct damon_commit_target *cts)
{
	struct damon_target *dt, *st;
	unsigned int i = 0;
	int err;

	dt = list_first_entry(&dst->targets, struct damon_target, list);
	damon_for_each_target(st, src) {
		struct damon_commit_target *ct = &cts[i++];
		bool have_dst = &dt->list != &dst->targets;

		INIT_LIST_HEAD(&ct->regions);
		if (!have_dst || dt->pid != st->pid) {
			ct->fresh = damon_new_target();
			if (!ct->fresh)
				return -ENOMEM;
			ct->fresh->pid = get_pid(st->pid);
		}
		err = damon_commit_build_regions(ct->fresh ? ct->fresh : dt,
						 st, ct);
		if (err)
			return err;
		if (have_dst)
			dt = list_next_entry(dt, list);
	}
	return 0;
}

/* Whether a target of @ctx has no region, as a new target of vaddr. */
static bool damon_any_target_empty(struct damon_ctx *ctx)
{
	struct damon_target *t;

	damon_for_each_target(t, ctx) {
		if (!t->nr_regions)
			return true;
	}
	return false;
}

/**
 * damon_commit_ctx() - Make a context monitor like another one.
 * @dst:	The context to change.
 * @src:	The context to copy the attributes, operations set and
 *		targets from.  Not changed.
 *
 * Targets are matched by position.  A target of @dst whose pid differs from
 * that of its @src counterpart is replaced by a new one, extra targets of
 * @dst are destroyed and extra targets of @src are copied.  A @src target
 * with regions gives its ranges to its @dst counterpart with
 * damon_set_regions(), which keeps the monitoring results of overlapping
 * regions; a @src target without regions leaves them as they are.  If @dst
 * is running and a target is left without regions, its next operations
 * update is made due at once, so that the target gets regions; otherwise
 * the regions given stay until the next operations update, as when the
 * kdamond starts.
 *
 * Schemes are matched by position, too.  A @dst scheme takes the parameters
 * of its @src counterpart (access pattern, action, intervals, target node,
 * quota and watermark parameters; its filters and quota goals are replaced
 * by copies of those of @src) but keeps its runtime state: statistics,
 * quota charge and effective quota, activation.  A scheme whose quota
 * changed starts a new quota window at its next application, and one whose
 * watermarks changed checks them at once.  Extra schemes of @dst are
 * destroyed and extra schemes of @src are copied.  On a running @dst, a new
 * scheme, a scheme whose apply interval changed, and every scheme if the
 * sampling or aggregation interval changed, are next applied one apply
 * interval after the commit.  On error @dst is left unchanged.
 *
 * Context: Process context; may sleep.  On a running @dst, only from a
 * function run by damon_request() on @dst.
 * Return: 0 on success, -EINVAL if @src has invalid attributes, regions or
 * schemes (see damon_start()) or if @dst is running and @src has another
 * operations set, -EBUSY if @dst is
 * running and the caller is not its kdamond, -ENOMEM if out of memory.
 */
int damon_commit_ctx(struct damon_ctx *dst, struct damon_ctx *src)
{
	struct damos_commit_scheme *css;
	struct damon_commit_target *cts;
	struct damon_target *dt, *next;
	unsigned int nr_src, i = 0;
	bool running;
	int err;

	err = damon_check_attrs(&src->attrs);
	if (err)
		return err;
	running = damon_in_kdamond(dst);
	if (!running && WARN_ON_ONCE(damon_is_running(dst)))
		return -EBUSY;
	if (running && src->ops.id != dst->ops.id)
		return -EINVAL;
	err = damon_check_schemes(running ? &dst->ops : &src->ops, src);
	if (err)
		return err;

	nr_src = list_count_nodes(&src->targets);
	cts = kcalloc(max(nr_src, 1U), sizeof(*cts), GFP_KERNEL);
	if (!cts)
		return -ENOMEM;
	for (i = 0; i < nr_src; i++)
		INIT_LIST_HEAD(&cts[i].regions);
	err = damon_commit_prepare(dst, src, cts);
	if (!err)
		err = damos_commit_prepare(dst, src, &css);
	if (err) {
		damon_commit_free(cts, nr_src);
		return err;
	}

	/* Nothing can fail from here on. */
	i = 0;
	damon_for_each_target_safe(dt, next, dst) {
		struct damon_commit_target *ct = &cts[i];

		if (i++ >= nr_src) {
			damon_destroy_target(dt);
			continue;
		}
		if (ct->fresh) {
			list_add_tail(&ct->fresh->list, &dt->list);
			damon_destroy_target(dt);
			dt = ct->fresh;
			ct->fresh = NULL;
		}
		if (ct->has_regions)
			damon_install_regions(dt, &ct->regions, ct->nr_regions);
	}
	for (; i < nr_src; i++) {
		struct damon_commit_target *ct = &cts[i];

		if (ct->has_regions)
			damon_install_regions(ct->fresh, &ct->regions,
					      ct->nr_regions);
		damon_add_target(dst, ct->fresh);
		ct->fresh = NULL;
	}
	damon_commit_free(cts, nr_src);
	damos_commit_apply(dst, css, list_count_nodes(&src->schemes), src);

	/* After the regions, so that kept results are rescaled as well. */
	__damon_set_attrs(dst, &src->attrs);
	if (!running)
		dst->ops = src->ops;
	else if (damon_any_target_empty(dst))
		dst->next_ops_update_sis = dst->passed_sample_intervals;
	return 0;
}
EXPORT_SYMBOL_GPL(damon_commit_ctx);

/* === operations sets === */

static bool __damon_is_registered_ops(enum damon_ops_id id)
{
	lockdep_assert_held(&damon_ops_lock);
	return damon_ops_registered[id];
}

/**
 * damon_register_ops() - Register an operations set.
 * @ops:	The operations set.  &damon_operations.id says which.  It is
 *		copied.
 *
 * Context: Process context; may sleep.
 * Return: 0 on success, -EINVAL if the id is invalid, -EBUSY if an
 * operations set with the same id is already registered.
 */
int damon_register_ops(struct damon_operations *ops)
{
	if ((unsigned int)ops->id >= NR_DAMON_OPS)
		return -EINVAL;
	guard(mutex)(&damon_ops_lock);
	if (__damon_is_registered_ops(ops->id))
		return -EBUSY;
	damon_registered_ops[ops->id] = *ops;
	damon_ops_registered[ops->id] = true;
	return 0;
}
EXPORT_SYMBOL_GPL(damon_register_ops);

/**
 * damon_is_registered_ops() - Tell whether an operations set is registered.
 * @id:	The id of the operations set.
 *
 * Context: Process context; may sleep.
 * Return: true if @id is valid and registered.
 */
bool damon_is_registered_ops(enum damon_ops_id id)
{
	if ((unsigned int)id >= NR_DAMON_OPS)
		return false;
	guard(mutex)(&damon_ops_lock);
	return __damon_is_registered_ops(id);
}
EXPORT_SYMBOL_GPL(damon_is_registered_ops);

/**
 * damon_select_ops() - Give a context a registered operations set.
 * @ctx:	The context.  Must not be running.
 * @id:		The id of the operations set.
 *
 * Context: Process context; may sleep.
 * Return: 0 on success, -EINVAL if @id is invalid or not registered, -EBUSY
 * if @ctx is running.
 */
int damon_select_ops(struct damon_ctx *ctx, enum damon_ops_id id)
{
	if ((unsigned int)id >= NR_DAMON_OPS)
		return -EINVAL;
	if (damon_is_running(ctx))
		return -EBUSY;
	guard(mutex)(&damon_ops_lock);
	if (!__damon_is_registered_ops(id))
		return -EINVAL;
	ctx->ops = damon_registered_ops[id];
	return 0;
}
EXPORT_SYMBOL_GPL(damon_select_ops);

/* === requests === */

/**
 * DOC: requests
 *
 * A request is queued on &damon_ctx.requests, where it stays until the
 * kdamond claims it to call its function: at the next safe point between
 * two samplings, or after the next aggregation if it asks for one.  A walk
 * request is claimed for each application of the schemes until every
 * active scheme has walked it, and put back on the queue in between.  While
 * a request is on the queue its waiter may take it back, when a signal ends
 * the wait.  Once claimed, it is the kdamond's until the kdamond completes
 * it or puts it back, which takes no longer than the function or one
 * application of the schemes: a waiter interrupted then waits for that,
 * uninterruptibly, and a walk request it gave up is dropped instead of put
 * back.
 *
 * One lock protects the queues of all contexts, damon_requests_lock, rather
 * than a lock in each context: a waiter that gives up must learn whether
 * its request is still queued without touching the context, which may be
 * gone by then.  A context that has a request on its queue is alive: its
 * kdamond cancels the whole queue, under the lock, before it clears
 * &damon_ctx.kdamond, and only then may the context be freed.
 */

/*
 * Protects the &damon_ctx.requests queues, the state of the requests on
 * them, and &damon_ctx.kdamond_idle.  Nests inside &damon_ctx.kdamond_lock.
 */
static DEFINE_SPINLOCK(damon_requests_lock);

/**
 * damon_request_queue() - Queue a request for a running kdamond.
 * @ctx:	The running context.
 * @req:	The request: @req->fn, @req->arg, @req->after_aggregation and
 *		@req->walk_fn set by the caller.  Must stay valid until
 *		damon_request_wait() returns.
 *
 * The first half of damon_request(), for callers that must not hold their
 * own locks while they wait: @ctx must stay valid during this call only.
 * A request that was queued must be waited for with damon_request_wait().
 *
 * Context: Process context.  Not from the kdamond of @ctx itself.
 * Return: 0 if @req was queued, -EINVAL if @req->fn is NULL, -ESRCH if
 * @ctx is not running, -EDEADLK if called by the kdamond of @ctx.
 */
int damon_request_queue(struct damon_ctx *ctx, struct damon_request *req)
{
	int err = 0;

	if (!req->fn)
		return -EINVAL;
	init_completion(&req->done);
	req->canceled = false;
	req->claimed = false;
	req->abandoned = false;
	req->aggregated = false;
	req->walk_seq = 0;
	req->result = 0;

	spin_lock(&ctx->kdamond_lock);
	if (!ctx->kdamond) {
		err = -ESRCH;
	} else if (WARN_ON_ONCE(ctx->kdamond == current)) {
		err = -EDEADLK;
	} else {
		spin_lock(&damon_requests_lock);
		list_add_tail(&req->list, &ctx->requests);
		/* An idle kdamond sleeps for a watermark interval: wake it. */
		if (ctx->kdamond_idle)
			wake_up_process(ctx->kdamond);
		spin_unlock(&damon_requests_lock);
	}
	spin_unlock(&ctx->kdamond_lock);
	return err;
}
EXPORT_SYMBOL_GPL(damon_request_queue);

/**
 * damon_request_wait() - Wait for a queued request to be done.
 * @req:	A request damon_request_queue() queued.
 *
 * Waits until the kdamond has called @req->fn, or has dropped @req because
 * it ended.  A signal ends the wait: if the kdamond has not claimed @req
 * yet, @req is taken off its queue and never called; otherwise the wait
 * goes on until the kdamond is done with it, which it is within the call
 * of @req->fn or the pass of the schemes that walks it.  @req is the
 * caller's again when this returns, and the context is not touched.
 *
 * Context: Process context; sleeps.
 * Return: 0 if @req->fn was called (its return value is in @req->result),
 * -ECANCELED if the kdamond ended first, -EINTR if a signal came first.
 */
int damon_request_wait(struct damon_request *req)
{
	bool taken_back = false;

	if (wait_for_completion_interruptible(&req->done)) {
		spin_lock(&damon_requests_lock);
		if (!req->claimed) {
			list_del(&req->list);
			taken_back = true;
		} else {
			req->abandoned = true;
		}
		spin_unlock(&damon_requests_lock);
		if (taken_back)
			return -EINTR;
		wait_for_completion(&req->done);
	}
	if (req->canceled)
		return req->abandoned ? -EINTR : -ECANCELED;
	return 0;
}
EXPORT_SYMBOL_GPL(damon_request_wait);

/**
 * damon_request() - Make the kdamond of a context call a function.
 * @ctx:	The running context.
 * @req:	The request: @req->fn, @req->arg, @req->after_aggregation and
 *		@req->walk_fn set by the caller.  Must stay valid until this
 *		returns.
 *
 * Queues @req and waits until the kdamond has called @req->fn with @ctx and
 * @req->arg, at a point between two samplings where the function may read
 * and change the context, its targets and regions freely.  A request with
 * @req->after_aggregation set is called only after an aggregation interval
 * that ended after it was queued.  A request with @req->walk_fn set waits
 * until every active scheme has been applied once, however long that takes:
 * @req->walk_fn is called for each region each scheme tries in that
 * application, and @req->fn right after the last of them, so that it sees
 * the statistics they left.  If the context has no scheme, or no scheme is
 * active because of its watermarks, it is called at the next safe point
 * without a walk.  If the kdamond ends before calling it, the request is
 * dropped.  A signal ends the wait as described for damon_request_wait().
 *
 * Context: Process context; sleeps.  Not from the kdamond of @ctx itself.
 * @ctx must stay valid until this returns.
 * Return: 0 if @req->fn was called (its return value is in @req->result),
 * -EINVAL if @req->fn is NULL, -ESRCH if @ctx is not running, -EDEADLK if
 * called by the kdamond of @ctx, -ECANCELED if the kdamond ended first,
 * -EINTR if a signal came first.
 */
int damon_request(struct damon_ctx *ctx, struct damon_request *req)
{
	int err = damon_request_queue(ctx, req);

	return err ? err : damon_request_wait(req);
}
EXPORT_SYMBOL_GPL(damon_request);

/* Call a claimed request.  After complete() it may be gone: hands off. */
static void kdamond_call_request(struct damon_ctx *ctx,
				 struct damon_request *req)
{
	list_del(&req->list);
	req->result = req->fn(ctx, req->arg);
	complete(&req->done);
}

/* Drop the requests of @list, claimed or queued, without calling them. */
static void damon_cancel_request_list(struct list_head *list)
{
	struct damon_request *req, *next;

	list_for_each_entry_safe(req, next, list, list) {
		list_del(&req->list);
		req->claimed = true;
		req->canceled = true;
		complete(&req->done);
	}
}

/*
 * Whether every active scheme of @ctx has walked @req, which is true at once
 * when none is active.  A request the kdamond has not numbered yet was
 * walked by none.
 */
static bool kdamond_walk_done(struct damon_ctx *ctx,
			      struct damon_request *req)
{
	struct damos *s;

	damon_for_each_scheme(s, ctx) {
		if (s->wmarks.activated &&
		    (!req->walk_seq || s->walk_seq < req->walk_seq))
			return false;
	}
	return true;
}

/* Whether a request may be called at a safe point. */
static bool kdamond_request_due(struct damon_ctx *ctx,
				struct damon_request *req)
{
	/* A commit may have removed or deactivated the awaited schemes. */
	if (req->walk_fn && !kdamond_walk_done(ctx, req))
		return false;
	return !req->after_aggregation || req->aggregated;
}

/*
 * Claim the queued requests of @ctx into @claimed: every one if @all, else
 * those @walk selects (the walkers of a pass of the schemes, or those due
 * at a safe point).
 */
static void kdamond_claim_requests(struct damon_ctx *ctx,
				   struct list_head *claimed, bool all,
				   bool walk)
{
	struct damon_request *req, *next;

	spin_lock(&damon_requests_lock);
	list_for_each_entry_safe(req, next, &ctx->requests, list) {
		if (!all && (walk ? !req->walk_fn :
			     !kdamond_request_due(ctx, req)))
			continue;
		req->claimed = true;
		list_move_tail(&req->list, claimed);
	}
	spin_unlock(&damon_requests_lock);
}

/*
 * Put the claimed walk requests of @claimed back at the head of the queue of
 * @ctx, in their order, to wait for the schemes that have not walked them
 * yet; drop those whose waiter gave up.
 */
static void kdamond_unclaim_walks(struct damon_ctx *ctx,
				  struct list_head *claimed)
{
	struct damon_request *req, *next;

	spin_lock(&damon_requests_lock);
	list_for_each_entry_safe(req, next, claimed, list) {
		if (req->abandoned) {
			list_del(&req->list);
			req->canceled = true;
			complete(&req->done);
			continue;
		}
		req->claimed = false;
	}
	list_splice(claimed, &ctx->requests);
	spin_unlock(&damon_requests_lock);
}

/*
 * The safe point: call the requests that are due, or every request if
 * @all, as when no aggregation and no pass of the schemes is to come.
 */
static void kdamond_handle_requests(struct damon_ctx *ctx, bool all)
{
	struct damon_request *req, *next;
	LIST_HEAD(claimed);

	kdamond_claim_requests(ctx, &claimed, all, false);
	list_for_each_entry_safe(req, next, &claimed, list)
		kdamond_call_request(ctx, req);
}

/* An aggregation interval ended: the requests queued so far waited for it. */
static void kdamond_requests_aggregated(struct damon_ctx *ctx)
{
	struct damon_request *req;

	spin_lock(&damon_requests_lock);
	list_for_each_entry(req, &ctx->requests, list)
		req->aggregated = true;
	spin_unlock(&damon_requests_lock);
}

/* === region adaptation === */

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
	n->nr_accesses = r->nr_accesses;
	n->nr_accesses_bp = r->nr_accesses_bp;
	n->last_nr_accesses = r->last_nr_accesses;
	n->age = r->age;
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
VISIBLE_IF_KUNIT void damon_split_to_min_nr_regions(struct damon_ctx *ctx)
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

/*
 * kdamond_aggregate() - End an aggregation interval.
 * @ctx:		The context.
 * @max_nr_accesses:	Largest access count of the interval.
 *
 * Reports each region with the damon_aggregated tracepoint, updates the
 * ages, merges, resets the counts and splits.
 */
VISIBLE_IF_KUNIT void kdamond_aggregate(struct damon_ctx *ctx,
					unsigned int max_nr_accesses)
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

/* === kdamond === */

/*
 * kdamond_wait_watermarks() - Idle while no scheme is active.
 * @ctx:	The context.
 *
 * Sleeps for the shortest watermark interval if @ctx has schemes and none
 * is active.  kthread_stop() and damon_request() end the sleep early.  No
 * aggregation and no pass of the schemes happen while idle, so the requests
 * waiting for one are called at once instead, and walks see no region.
 *
 * Return: true if the kdamond idled, false if it should monitor.
 */
static bool kdamond_wait_watermarks(struct damon_ctx *ctx)
{
	ktime_t t;
	u64 ns;

	if (!kdamond_check_watermarks(ctx))
		return false;
	kdamond_handle_requests(ctx, true);
	ns = (u64)damos_min_wmarks_interval(ctx) * NSEC_PER_USEC;
	t = ns_to_ktime(ns);
	spin_lock(&damon_requests_lock);
	if (!list_empty(&ctx->requests)) {
		spin_unlock(&damon_requests_lock);
		return true;
	}
	ctx->kdamond_idle = true;
	set_current_state(TASK_IDLE);
	spin_unlock(&damon_requests_lock);
	if (!kthread_should_stop())
		schedule_hrtimeout_range(&t, ns / 20, HRTIMER_MODE_REL);
	__set_current_state(TASK_RUNNING);
	spin_lock(&damon_requests_lock);
	ctx->kdamond_idle = false;
	spin_unlock(&damon_requests_lock);
	return true;
}

/*
 * Sleep for @usecs, or until kthread_stop().  One hrtimer sleep in TASK_IDLE
 * state: it does not count as load, and the wake-up of kthread_stop() ends
 * it early.  A sleep longer than ktime_t can count, some 292 years, lasts
 * until that wake-up.
 */
static void kdamond_sleep(unsigned long usecs)
{
	u64 ns = usecs > KTIME_MAX / NSEC_PER_USEC ? KTIME_MAX :
		(u64)usecs * NSEC_PER_USEC;
	ktime_t t = ns_to_ktime(ns);

	set_current_state(TASK_IDLE);
	if (kthread_should_stop()) {
		__set_current_state(TASK_RUNNING);
		return;
	}
	schedule_hrtimeout_range(&t, ns / 20, HRTIMER_MODE_REL);
	__set_current_state(TASK_RUNNING);
}

static bool kdamond_has_valid_target(struct damon_ctx *ctx)
{
	struct damon_target *t;

	if (!ctx->ops.target_valid)
		return !damon_targets_empty(ctx);
	damon_for_each_target(t, ctx) {
		if (ctx->ops.target_valid(t))
			return true;
	}
	return false;
}

static void kdamond_running_put(unsigned int nr)
{
	spin_lock(&damon_running_lock);
	nr_running_ctxs -= nr;
	if (!nr_running_ctxs)
		running_exclusive = false;
	spin_unlock(&damon_running_lock);
}

/* What damon_start() hands a new kdamond. */
struct kdamond_start {
	struct damon_ctx *ctx;
	struct completion started;
};

/*
 * Apply the schemes that are due, with the walk requests queued so far,
 * numbered from *@walk_seq on in the order they came.  The walkers every
 * active scheme has now walked are called; the others wait on the queue.
 */
static void kdamond_run_schemes(struct damon_ctx *ctx,
				unsigned long *walk_seq)
{
	struct damon_request *req, *next;
	LIST_HEAD(walkers);

	if (!damos_any_due(ctx))
		return;
	kdamond_claim_requests(ctx, &walkers, false, true);
	list_for_each_entry(req, &walkers, list) {
		if (!req->walk_seq)
			req->walk_seq = ++*walk_seq;
	}
	kdamond_apply_schemes(ctx, &walkers);
	/* A pass cut short by a stop walked only a part of the regions. */
	if (kthread_should_stop()) {
		damon_cancel_request_list(&walkers);
		return;
	}
	list_for_each_entry_safe(req, next, &walkers, list) {
		if (kdamond_walk_done(ctx, req))
			kdamond_call_request(ctx, req);
	}
	kdamond_unclaim_walks(ctx, &walkers);
}

/* The sampling interval count one @interval from now, saturated. */
static unsigned long kdamond_sis_after(struct damon_ctx *ctx,
				       unsigned long interval)
{
	return damon_sis_after(ctx->passed_sample_intervals,
			       damon_interval_sis(&ctx->attrs, interval));
}

static int kdamond_fn(void *data)
{
	struct kdamond_start *start = data;
	struct damon_ctx *ctx = start->ctx;
	unsigned int max_nr_accesses = 0;
	unsigned long walk_seq = 0;

	/* @start lives on the stack of damon_start(): not used after this. */
	complete(&start->started);
	ctx->passed_sample_intervals = 0;
	ctx->nr_aggregations = 0;
	ctx->next_aggregation_sis =
		damon_interval_sis(&ctx->attrs, ctx->attrs.aggr_interval);
	ctx->next_ops_update_sis =
		damon_interval_sis(&ctx->attrs, ctx->attrs.ops_update_interval);

	kdamond_init_schemes(ctx);
	if (ctx->ops.init)
		ctx->ops.init(ctx);
	damon_split_to_min_nr_regions(ctx);

	while (!kthread_should_stop()) {
		kdamond_handle_requests(ctx, false);
		if (kthread_should_stop() || !kdamond_has_valid_target(ctx))
			break;
		if (kdamond_wait_watermarks(ctx))
			continue;

		if (ctx->ops.prepare_access_checks)
			ctx->ops.prepare_access_checks(ctx);
		kdamond_sleep(ctx->attrs.sample_interval);
		if (ctx->ops.check_accesses)
			max_nr_accesses = ctx->ops.check_accesses(ctx);
		ctx->passed_sample_intervals++;

		kdamond_run_schemes(ctx, &walk_seq);
		if (ctx->passed_sample_intervals >= ctx->next_aggregation_sis) {
			kdamond_aggregate(ctx, max_nr_accesses);
			ctx->next_aggregation_sis =
				kdamond_sis_after(ctx, ctx->attrs.aggr_interval);
			kdamond_requests_aggregated(ctx);
		}
		if (ctx->passed_sample_intervals >= ctx->next_ops_update_sis) {
			ctx->next_ops_update_sis =
				kdamond_sis_after(ctx,
						  ctx->attrs.ops_update_interval);
			if (ctx->ops.update)
				ctx->ops.update(ctx);
			damon_split_to_min_nr_regions(ctx);
		}
	}

	if (ctx->ops.cleanup)
		ctx->ops.cleanup(ctx);

	spin_lock(&ctx->kdamond_lock);
	WRITE_ONCE(ctx->kdamond, NULL);
	ida_free(&damon_kdamond_ida, ctx->kdamond_id);
	ctx->kdamond_id = -1;
	/* New requests see kdamond == NULL; cancel those queued before. */
	spin_lock(&damon_requests_lock);
	damon_cancel_request_list(&ctx->requests);
	spin_unlock(&damon_requests_lock);
	kdamond_running_put(1);
	/*
	 * A spinlock, not a mutex: the creator may free @ctx as soon as it
	 * sees kdamond == NULL, and unlike mutex_unlock(), spin_unlock() does
	 * not touch the lock after another CPU can take it.
	 */
	spin_unlock(&ctx->kdamond_lock);
	/* @ctx may be freed from here on. */
	return 0;
}

/* === start and stop === */

static bool __damon_is_running(struct damon_ctx *ctx)
{
	lockdep_assert_held(&ctx->kdamond_lock);
	return ctx->kdamond;
}

/**
 * damon_is_running() - Tell whether a context's kdamond is running.
 * @ctx:	The context.
 *
 * Context: Any context that may take a spinlock.
 * Return: true if @ctx has a kdamond.
 */
bool damon_is_running(struct damon_ctx *ctx)
{
	bool running;

	spin_lock(&ctx->kdamond_lock);
	running = __damon_is_running(ctx);
	spin_unlock(&ctx->kdamond_lock);
	return running;
}
EXPORT_SYMBOL_GPL(damon_is_running);

/**
 * damon_kdamond_pid() - Pid of a context's kdamond.
 * @ctx:	The context.
 *
 * Context: Any context that may take a spinlock.
 * Return: The pid of the kdamond of @ctx, or -1 if it is not running.
 */
int damon_kdamond_pid(struct damon_ctx *ctx)
{
	int pid = -1;

	spin_lock(&ctx->kdamond_lock);
	if (__damon_is_running(ctx))
		pid = task_pid_nr(ctx->kdamond);
	spin_unlock(&ctx->kdamond_lock);
	return pid;
}
EXPORT_SYMBOL_GPL(damon_kdamond_pid);

static int __damon_start(struct damon_ctx *ctx)
{
	struct kdamond_start start = { .ctx = ctx };
	struct task_struct *tsk;
	int id;

	lockdep_assert_held(&damon_lock);
	/* A damon_stop() that sees the new kdamond waits for it to run. */
	guard(mutex)(&ctx->run_lock);
	id = ida_alloc(&damon_kdamond_ida, GFP_KERNEL);
	if (id < 0)
		return id;
	init_completion(&start.started);
	/* Runs only once woken below, after @ctx knows its kdamond. */
	tsk = kthread_create(kdamond_fn, &start, "kdamond.%d", id);
	if (IS_ERR(tsk)) {
		ida_free(&damon_kdamond_ida, id);
		return PTR_ERR(tsk);
	}
	spin_lock(&ctx->kdamond_lock);
	ctx->kdamond_id = id;
	WRITE_ONCE(ctx->kdamond, tsk);
	spin_unlock(&ctx->kdamond_lock);
	wake_up_process(tsk);
	/*
	 * Wait until kdamond_fn() runs: a kthread stopped before that would
	 * never run it, and so never clean up.  damon_stop() cannot stop it
	 * meanwhile: it needs run_lock.
	 */
	wait_for_completion(&start.started);
	return 0;
}

/**
 * damon_start() - Start monitoring with a group of contexts.
 * @ctxs:	The contexts.
 * @nr_ctxs:	Number of entries in @ctxs.
 * @exclusive:	If true, no other context may start until the whole group
 *		has stopped.
 *
 * Starts one kdamond thread, named "kdamond.N", per context.  If one cannot
 * start, those already started are stopped again.
 *
 * Context: Process context; may sleep.
 * Return: 0 on success, -EINVAL if @nr_ctxs is below 1 or a context has no
 * target, appears twice, has attributes damon_set_attrs() would refuse, or
 * has an invalid scheme (an inverted access pattern, inverted watermarks, an
 * invalid metric, an out-of-range quota weight, an empty address filter, or
 * an action or filter type its operations set does not support), -EBUSY if
 * a context is already running, an exclusive group is running, or
 * @exclusive is set while any context runs, another negative error code if
 * a thread could not be created.
 */
int damon_start(struct damon_ctx **ctxs, int nr_ctxs, bool exclusive)
{
	int i, j, err = 0;

	if (!ctxs || nr_ctxs < 1)
		return -EINVAL;
	for (i = 0; i < nr_ctxs; i++) {
		if (!ctxs[i] || damon_targets_empty(ctxs[i]))
			return -EINVAL;
		/* The attributes may have been set without damon_set_attrs(). */
		if (damon_check_attrs(&ctxs[i]->attrs))
			return -EINVAL;
		if (damon_check_schemes(&ctxs[i]->ops, ctxs[i]))
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (ctxs[j] == ctxs[i])
				return -EINVAL;
	}

	guard(mutex)(&damon_lock);
	for (i = 0; i < nr_ctxs; i++)
		if (damon_is_running(ctxs[i]))
			return -EBUSY;
	spin_lock(&damon_running_lock);
	if (nr_running_ctxs && (running_exclusive || exclusive)) {
		err = -EBUSY;
	} else {
		nr_running_ctxs += nr_ctxs;
		running_exclusive = exclusive;
	}
	spin_unlock(&damon_running_lock);
	if (err)
		return err;

	for (i = 0; i < nr_ctxs; i++) {
		err = __damon_start(ctxs[i]);
		if (err) {
			kdamond_running_put(nr_ctxs - i);
			if (i)
				damon_stop(ctxs, i);
			return err;
		}
	}
	return 0;
}
EXPORT_SYMBOL_GPL(damon_start);

static int __damon_stop(struct damon_ctx *ctx)
{
	struct task_struct *tsk;

	/*
	 * Only one kthread_stop() may wait for a thread: the thread's exit
	 * wakes one waiter.  Whoever comes second finds kdamond cleared.
	 */
	guard(mutex)(&ctx->run_lock);
	spin_lock(&ctx->kdamond_lock);
	tsk = ctx->kdamond;
	if (tsk)
		get_task_struct(tsk);
	spin_unlock(&ctx->kdamond_lock);
	if (!tsk)
		return -EPERM;
	/* Outside kdamond_lock: the kdamond takes it on its way out. */
	kthread_stop(tsk);
	put_task_struct(tsk);
	return 0;
}

/**
 * damon_stop() - Stop the kdamonds of a group of contexts.
 * @ctxs:	The contexts.
 * @nr_ctxs:	Number of entries in @ctxs.
 *
 * Stops every running context of @ctxs and waits until their kdamonds have
 * ended.  Pending requests are dropped (damon_request() returns
 * -ECANCELED).  The contexts stay owned by their creator.  It may race with
 * damon_start() and with other damon_stop() calls on the same contexts:
 * a kdamond still starting is stopped once it runs, and a kdamond that
 * another call stops is waited for by that call only.
 *
 * Context: Process context; sleeps.  Not from a kdamond of @ctxs.
 * Return: 0 on success, -EINVAL if @nr_ctxs is below 1, -EPERM if a context
 * was not running (the others are stopped all the same).
 */
int damon_stop(struct damon_ctx **ctxs, int nr_ctxs)
{
	int i, err = 0;

	if (!ctxs || nr_ctxs < 1)
		return -EINVAL;
	for (i = 0; i < nr_ctxs; i++) {
		int ret = __damon_stop(ctxs[i]);

		if (ret && !err)
			err = ret;
	}
	return err;
}
EXPORT_SYMBOL_GPL(damon_stop);
