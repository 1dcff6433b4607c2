// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON core: contexts and targets, the kdamond thread, start and stop.
 *
 * Map of this file:
 *   regions and targets	constructors, destructors, damon_set_regions()
 *   contexts and attributes	damon_new_ctx(), damon_set_attrs(), commit
 *   operations sets		the registry of ops sets, by id
 *   auto-tuning		of the sampling interval, toward an intervals
 *				goal
 *   kdamond			the monitoring thread and its main loop
 *   start and stop		damon_start(), damon_stop() and friends
 *
 * The region adaptation (merge, split, ages) is in regions.c; the kdamond
 * calls damon_split_to_min_nr_regions() when the regions are (re)built and
 * kdamond_aggregate() at the end of each aggregation interval.  Requests,
 * damon_request() and the kdamond side of it, are in requests.c.
 *
 * The DAMOS engine is in damos.c.  The kdamond calls it at a few points,
 * declared in core-internal.h: kdamond_init_schemes() when it starts,
 * kdamond_check_watermarks() before each sampling interval,
 * kdamond_apply_schemes() after it (through kdamond_run_schemes() in
 * requests.c, which hands it the walk requests), and damon_commit_ctx()
 * and damon_start() validate and commit schemes through it.
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
 *			see requests.c.  Nests inside kdamond_lock.
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
#include <linux/math.h>
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
		damon_region_inherit(n, o);
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
 * damon_find_target_pid() - Find the pid of a live process, to monitor it.
 * @nr:	The process id, in the caller's pid namespace.
 *
 * For &damon_target.pid of the virtual address operations sets: a process
 * that has exited and been reaped cannot be monitored, even if its pid is
 * still referenced somewhere.
 *
 * Context: Process context.
 * Return: A reference to the pid, which damon_destroy_target() drops once
 * the pid is in a target, or NULL if no live process has the id @nr.
 */
struct pid *damon_find_target_pid(pid_t nr)
{
	struct pid *pid = find_get_pid(nr);
	bool dead;

	if (!pid)
		return NULL;
	rcu_read_lock();
	dead = !pid_task(pid, PIDTYPE_PID);
	rcu_read_unlock();
	if (dead) {
		put_pid(pid);
		pid = NULL;
	}
	return pid;
}
EXPORT_SYMBOL_GPL(damon_find_target_pid);

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
	const struct damon_intervals_goal *goal = &attrs->intervals_goal;

	if (attrs->min_nr_regions < 3 ||
	    attrs->min_nr_regions > attrs->max_nr_regions)
		return -EINVAL;
	if (!attrs->sample_interval ||
	    attrs->sample_interval > attrs->aggr_interval)
		return -EINVAL;
	/* A goal of no access or of more than every access cannot be met. */
	if (goal->aggrs &&
	    (!goal->access_bp || goal->access_bp > DAMON_BP_DENOMINATOR ||
	     !goal->min_sample_us || goal->min_sample_us > goal->max_sample_us))
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
		/* A new goal, or new intervals, start a new tuning step. */
		ctx->tune_nr_aggrs = 0;
		ctx->tune_access_bp = 0;
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
 * While the context runs, an &damon_attrs.intervals_goal with non-zero
 * &damon_intervals_goal.aggrs changes the sampling and aggregation
 * intervals on its own; @attrs give the intervals it starts from.
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
 * 3 or above max_nr_regions, zero sampling interval, sampling interval
 * longer than the aggregation interval, or an intervals goal with non-zero
 * aggrs whose access_bp is 0 or above &DAMON_BP_DENOMINATOR, or whose
 * min_sample_us is 0 or above its max_sample_us), -EBUSY if @ctx is running
 * and the caller is not its kdamond.
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
 * operations set, -EBUSY if @dst is running and the caller is not its
 * kdamond, -ENOMEM if out of memory.
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
	if (!kdamond_idle_begin(ctx))
		return true;
	if (!kthread_should_stop())
		schedule_hrtimeout_range(&t, ns / 20, HRTIMER_MODE_REL);
	kdamond_idle_end(ctx);
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

/* === sampling interval auto-tuning === */

/*
 * damon_observed_access_bp() - Share of the access events the regions of
 * @ctx saw in the aggregation interval that just ended.
 * @ctx:	The context, just after kdamond_aggregate().
 *
 * The mean, weighted by size, of &damon_region.last_nr_accesses over the
 * most it can be, damon_max_nr_accesses().  Sizes count in units of
 * DAMON_MIN_REGION, shifted right as much as needed for the weighted sum
 * to fit in 64 bits whatever the regions cover.
 *
 * Context: The kdamond of @ctx, or the owner of @ctx while it does not run.
 * Return: The share in basis points, 0 without regions or if the kdamond is
 * being stopped.
 */
VISIBLE_IF_KUNIT unsigned int damon_observed_access_bp(struct damon_ctx *ctx)
{
	unsigned int max = damon_max_nr_accesses(&ctx->attrs), shift = 0;
	u64 units = 0, weight, sum = 0, total = 0;
	struct damon_target *t;
	struct damon_region *r;

	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			units += damon_sz_region(r) / DAMON_MIN_REGION;
			if (damon_yield_or_stop(ctx))
				return 0;
		}
	}
	/* 2^49 units times at most 10000 (below 2^14) fit in 2^63. */
	if (units >> 49)
		shift = fls64(units) - 49;
	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			weight = (damon_sz_region(r) / DAMON_MIN_REGION) >> shift;
			sum += weight *
				damon_mul_div(min(r->last_nr_accesses, max),
					      DAMON_BP_DENOMINATOR, max);
			total += weight;
			if (damon_yield_or_stop(ctx))
				return 0;
		}
	}
	return total ? div64_u64(sum, total) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(damon_observed_access_bp);

/*
 * damon_tuned_sample_interval() - The sampling interval of the next tuning
 * step.
 * @attrs:	The current attributes, with an intervals goal.
 * @seen_bp:	Share of the access events seen over the last step.
 *
 * The share of events seen grows with the sampling interval, about in
 * proportion while it is small: a region's pages have more time to be
 * accessed between two checks.  Each step multiplies the interval by the
 * square root of the goal over @seen_bp, a damped move toward it that
 * neither overshoots nor oscillates when the relation holds, and at most
 * by 2 or 1/2 per step, so that one odd step cannot throw the interval far
 * off.  Within a tenth of the goal, the interval stays.  The result is
 * kept within the bounds of the goal.
 *
 * Return: The sampling interval in microseconds.
 */
VISIBLE_IF_KUNIT unsigned long
damon_tuned_sample_interval(const struct damon_attrs *attrs,
			    unsigned int seen_bp)
{
	const struct damon_intervals_goal *goal = &attrs->intervals_goal;
	unsigned long sample = attrs->sample_interval, factor_bp;
	u64 goal_bp = goal->access_bp;

	if ((u64)seen_bp * 10 >= goal_bp * 9 &&
	    (u64)seen_bp * 10 <= goal_bp * 11)
		factor_bp = DAMON_BP_DENOMINATOR;
	else if (!seen_bp)
		factor_bp = 2 * DAMON_BP_DENOMINATOR;
	else
		factor_bp = int_sqrt64(div_u64(goal_bp * DAMON_BP_DENOMINATOR *
					       DAMON_BP_DENOMINATOR, seen_bp));
	factor_bp = clamp(factor_bp, DAMON_BP_DENOMINATOR / 2,
			  2 * DAMON_BP_DENOMINATOR);
	sample = min_t(u64, damon_mul_div(sample, factor_bp,
					  DAMON_BP_DENOMINATOR), ULONG_MAX);
	return clamp(sample, goal->min_sample_us, goal->max_sample_us);
}
EXPORT_SYMBOL_IF_KUNIT(damon_tuned_sample_interval);

/*
 * A deadline counted in sampling intervals of @old_us, converted to the
 * same time from @now in sampling intervals of @new_us.  A deadline that
 * is due stays due, and one never reached (ULONG_MAX) is left alone.
 */
static unsigned long damon_retime_sis(unsigned long now, unsigned long sis,
				      unsigned long old_us,
				      unsigned long new_us)
{
	u64 left;

	if (sis <= now || sis == ULONG_MAX)
		return sis;
	left = max_t(u64, damon_mul_div(sis - now, old_us, new_us), 1);
	return damon_sis_after(now, min_t(u64, left, ULONG_MAX));
}

/*
 * Give the running @ctx the sampling interval @sample, and the aggregation
 * interval that keeps the number of samples per aggregation interval, so
 * that access counts keep their scale.  Unlike damon_set_attrs(), which
 * restarts every deadline, the deadlines in flight keep their time: the
 * next ops update, each scheme's next application and the start of its
 * quota window.  The aggregation interval, which just ended, restarts.
 */
static void kdamond_set_tuned_intervals(struct damon_ctx *ctx,
					unsigned long sample)
{
	unsigned long nr_samples = damon_max_nr_accesses(&ctx->attrs);
	unsigned long now = ctx->passed_sample_intervals;
	unsigned long old = ctx->attrs.sample_interval;
	struct damon_attrs attrs = ctx->attrs;
	struct damos *s;

	sample = min(sample, ULONG_MAX / nr_samples);
	if (sample == old)
		return;
	attrs.sample_interval = sample;
	attrs.aggr_interval = sample * nr_samples;
	kdamond_rescale_results(ctx, &attrs);
	ctx->next_ops_update_sis = damon_retime_sis(now,
						    ctx->next_ops_update_sis,
						    old, sample);
	damon_for_each_scheme(s, ctx) {
		s->next_apply_sis = damon_retime_sis(now, s->next_apply_sis,
						     old, sample);
		if (s->quota.charged_from < now)
			s->quota.charged_from = now -
				min_t(u64, damon_mul_div(now -
							 s->quota.charged_from,
							 old, sample), now);
	}
	ctx->attrs = attrs;
	ctx->next_aggregation_sis =
		damon_sis_after(now, damon_interval_sis(&attrs,
							attrs.aggr_interval));
	trace_damon_monitor_intervals_tune(sample);
}

/*
 * Called by the kdamond at the end of each aggregation interval of a
 * context with an intervals goal: count the share of access events seen,
 * and every &damon_intervals_goal.aggrs intervals, tune the intervals.
 */
static void kdamond_tune_intervals(struct damon_ctx *ctx)
{
	const struct damon_intervals_goal *goal = &ctx->attrs.intervals_goal;
	unsigned int seen_bp;

	ctx->tune_access_bp += damon_observed_access_bp(ctx);
	if (++ctx->tune_nr_aggrs < goal->aggrs)
		return;
	seen_bp = div64_u64(ctx->tune_access_bp, ctx->tune_nr_aggrs);
	ctx->tune_nr_aggrs = 0;
	ctx->tune_access_bp = 0;
	kdamond_set_tuned_intervals(ctx,
				    damon_tuned_sample_interval(&ctx->attrs,
								seen_bp));
}

/* What damon_start() hands a new kdamond. */
struct kdamond_start {
	struct damon_ctx *ctx;
	struct completion started;
};

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
	ctx->tune_nr_aggrs = 0;
	ctx->tune_access_bp = 0;

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
			if (ctx->attrs.intervals_goal.aggrs)
				kdamond_tune_intervals(ctx);
			if (ctx->after_aggregation && !kthread_should_stop())
				ctx->after_aggregation(ctx);
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
	kdamond_cancel_requests(ctx);
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
