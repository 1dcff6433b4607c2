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
 * Locking:
 *   damon_ops_lock	protects damon_registered_ops[].
 *   damon_lock		serialises damon_start() calls.
 *   damon_running_lock	protects nr_running_ctxs and running_exclusive.
 *   ctx->kdamond_lock	protects ctx->kdamond and ctx->kdamond_id.  A
 *			request is queued only with it held, so that the
 *			kdamond, which cancels the queue with it held when it
 *			ends, never leaves a request behind.
 *   ctx->request_lock	protects ctx->requests.  Nests inside kdamond_lock.
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
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#define CREATE_TRACE_POINTS
#include <trace/events/damon.h>

#include "core-internal.h"

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

/*
 * The kdamond of @ctx owns the context while it runs.  Code that changes a
 * context's monitoring state must run either on a context that is not
 * running or in its kdamond.
 */
static void damon_assert_owner(struct damon_ctx *ctx)
{
	struct task_struct *kdamond = READ_ONCE(ctx->kdamond);

	WARN_ON_ONCE(kdamond && kdamond != current);
}

static bool damon_in_kdamond(struct damon_ctx *ctx)
{
	return READ_ONCE(ctx->kdamond) == current;
}

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
		unsigned long e = ALIGN(ranges[i].end, DAMON_MIN_REGION);

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
		unsigned long e = ALIGN(ranges[i].end, DAMON_MIN_REGION);

		/* Alignment may make neighbouring ranges touch: join them. */
		for (i++; i < nr; i++) {
			if (ALIGN_DOWN(ranges[i].start, DAMON_MIN_REGION) > e)
				break;
			e = max(e, ALIGN(ranges[i].end, DAMON_MIN_REGION));
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
	if (accessed)
		r->nr_accesses++;
}
EXPORT_SYMBOL_GPL(damon_update_region_access);

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
	mutex_init(&ctx->kdamond_lock);
	ctx->kdamond_id = -1;
	spin_lock_init(&ctx->request_lock);
	INIT_LIST_HEAD(&ctx->requests);
	return ctx;
}
EXPORT_SYMBOL_GPL(damon_new_ctx);

/**
 * damon_destroy_ctx() - Free a context with its targets and regions.
 * @ctx:	The context.  Must not be running.
 *
 * Context: Process context; may sleep.
 */
void damon_destroy_ctx(struct damon_ctx *ctx)
{
	struct damon_target *t, *next;

	if (WARN_ON(damon_is_running(ctx)))
		return;
	damon_for_each_target_safe(t, next, ctx)
		damon_destroy_target(t);
	mutex_destroy(&ctx->kdamond_lock);
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

/* An interval of @attrs, in sampling intervals: at least 1. */
static unsigned long damon_interval_sis(const struct damon_attrs *attrs,
					unsigned long interval)
{
	return max(interval / attrs->sample_interval, 1UL);
}

static unsigned int damon_rescale(unsigned int v, unsigned long mul,
				  unsigned long div)
{
	return min_t(u64, div64_u64((u64)v * mul, div), UINT_MAX);
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

/* Apply valid @attrs; the caller owns @ctx. */
static void __damon_set_attrs(struct damon_ctx *ctx,
			      const struct damon_attrs *attrs)
{
	if (damon_in_kdamond(ctx)) {
		kdamond_rescale_results(ctx, attrs);
		ctx->next_aggregation_sis = ctx->passed_sample_intervals +
			damon_interval_sis(attrs, attrs->aggr_interval);
		ctx->next_ops_update_sis = ctx->passed_sample_intervals +
			damon_interval_sis(attrs, attrs->ops_update_interval);
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
 * &damon_region.nr_accesses, ages to the new aggregation interval, and the
 * current aggregation and ops update intervals restart.
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

static unsigned int damon_nr_targets(struct damon_ctx *ctx)
{
	struct damon_target *t;
	unsigned int nr = 0;

	damon_for_each_target(t, ctx)
		nr++;
	return nr;
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
 * is running, its next operations update is made due at once, so that new
 * targets get regions.  On error @dst is left unchanged.
 *
 * Context: Process context; may sleep.  On a running @dst, only from a
 * function run by damon_request() on @dst.
 * Return: 0 on success, -EINVAL if @src has invalid attributes or regions or
 * if @dst is running and @src has another operations set, -EBUSY if @dst is
 * running and the caller is not its kdamond, -ENOMEM if out of memory.
 */
int damon_commit_ctx(struct damon_ctx *dst, struct damon_ctx *src)
{
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

	nr_src = damon_nr_targets(src);
	cts = kcalloc(max(nr_src, 1U), sizeof(*cts), GFP_KERNEL);
	if (!cts)
		return -ENOMEM;
	for (i = 0; i < nr_src; i++)
		INIT_LIST_HEAD(&cts[i].regions);
	err = damon_commit_prepare(dst, src, cts);
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

	/* After the regions, so that kept results are rescaled as well. */
	__damon_set_attrs(dst, &src->attrs);
	if (!running)
		dst->ops = src->ops;
	else
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
 * damon_request() - Make the kdamond of a context call a function.
 * @ctx:	The running context.
 * @req:	The request: @req->fn, @req->arg and @req->after_aggregation
 *		set by the caller.  Must stay valid until this returns.
 *
 * Queues @req and waits until the kdamond has called @req->fn with @ctx and
 * @req->arg, at a point between two samplings where the function may read
 * and change the context, its targets and regions freely.  A request with
 * @req->after_aggregation set is called only after an aggregation interval
 * that ended after it was queued.  If the kdamond ends before calling it,
 * the request is dropped.
 *
 * Context: Process context; sleeps.  Not from the kdamond of @ctx itself.
 * Return: 0 if @req->fn was called (its return value is in @req->result),
 * -EINVAL if @req->fn is NULL, -ESRCH if @ctx is not running, -EDEADLK if
 * called by the kdamond of @ctx, -ECANCELED if the kdamond ended first.
 */
int damon_request(struct damon_ctx *ctx, struct damon_request *req)
{
	if (!req->fn)
		return -EINVAL;
	init_completion(&req->done);
	req->canceled = false;
	req->result = 0;

	mutex_lock(&ctx->kdamond_lock);
	if (!ctx->kdamond) {
		mutex_unlock(&ctx->kdamond_lock);
		return -ESRCH;
	}
	if (WARN_ON_ONCE(ctx->kdamond == current)) {
		mutex_unlock(&ctx->kdamond_lock);
		return -EDEADLK;
	}
	spin_lock(&ctx->request_lock);
	list_add_tail(&req->list, &ctx->requests);
	spin_unlock(&ctx->request_lock);
	mutex_unlock(&ctx->kdamond_lock);

	wait_for_completion(&req->done);
	return req->canceled ? -ECANCELED : 0;
}
EXPORT_SYMBOL_GPL(damon_request);

/*
 * Requests taken off ctx->requests by the kdamond: @waiting wait for the end
 * of the current aggregation interval, @ready may run at the next safe
 * point.  Only the kdamond touches them.
 */
struct kdamond_requests {
	struct list_head waiting;
	struct list_head ready;
};

/* After complete() the request may be gone: touch it no more. */
static void kdamond_call_request(struct damon_ctx *ctx,
				 struct damon_request *req)
{
	list_del(&req->list);
	req->result = req->fn(ctx, req->arg);
	complete(&req->done);
}

static void damon_cancel_request_list(struct list_head *list)
{
	struct damon_request *req, *next;

	list_for_each_entry_safe(req, next, list, list) {
		list_del(&req->list);
		req->canceled = true;
		complete(&req->done);
	}
}

/* The safe point: run the requests that are due. */
static void kdamond_handle_requests(struct damon_ctx *ctx,
				    struct kdamond_requests *q)
{
	struct damon_request *req, *next;
	LIST_HEAD(queued);

	spin_lock(&ctx->request_lock);
	list_splice_tail_init(&ctx->requests, &queued);
	spin_unlock(&ctx->request_lock);

	list_for_each_entry_safe(req, next, &q->ready, list)
		kdamond_call_request(ctx, req);
	list_for_each_entry_safe(req, next, &queued, list) {
		if (req->after_aggregation)
			list_move_tail(&req->list, &q->waiting);
		else
			kdamond_call_request(ctx, req);
	}
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
 * - Then, if the context has fewer than max_nr_regions / 2 regions, every
 *   region is split into two pieces at a random page boundary (three if
 *   fewer than max_nr_regions / 3), without ever going over max_nr_regions.
 *   Pieces inherit the counts and age.  A random split point lets a
 *   boundary between differently accessed areas be found over a few
 *   intervals; a wrong split is undone by the next merge.
 * - When the kdamond starts and after each operations update, regions are
 *   split in halves, largest first, until there are min_nr_regions of them
 *   or none can be split.
 *
 * A region's age counts the aggregation intervals for which its access
 * count stayed within the merge threshold of the previous one.
 */

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
VISIBLE_IF_KUNIT int damon_split_region_at(struct damon_target *t,
					   struct damon_region *r,
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
	r->ar.end = n->ar.start;
	if (r->sampling_addr >= r->ar.end)
		r->sampling_addr = r->ar.start;
	damon_insert_region(n, r, damon_next_region(r), t);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(damon_split_region_at);

static unsigned int damon_weighted(unsigned int a, unsigned long sa,
				   unsigned int b, unsigned long sb)
{
	return div64_u64((u64)a * sa + (u64)b * sb, sa + sb);
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
			sz += damon_sz_region(r);
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

			if ((a > b ? a - b : b - a) > threshold)
				r->age = 0;
			else if (r->age < UINT_MAX)
				r->age++;
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(kdamond_update_ages);

static void damon_merge_regions_of(struct damon_target *t,
				   unsigned int threshold,
				   unsigned long sz_limit)
{
	struct damon_region *r, *next, *prev = NULL;

	damon_for_each_region_safe(r, next, t) {
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
			damon_merge_regions_of(t, min_t(u64, thres, UINT_MAX),
					       sz_limit);
			nr += t->nr_regions;
		}
		if (nr <= ctx->attrs.max_nr_regions || thres > max_thres)
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
			r->last_nr_accesses = r->nr_accesses;
			r->nr_accesses = 0;
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(kdamond_reset_aggregated);

/*
 * Split @r into up to @nr_pieces pieces at random page boundaries, using at
 * most *@budget new regions.
 */
static void damon_split_randomly(struct damon_target *t,
				 struct damon_region *r, unsigned int nr_pieces,
				 unsigned long *budget)
{
	unsigned int i;

	for (i = 1; i < nr_pieces && *budget; i++) {
		unsigned long nr_pages = damon_sz_region(r) / DAMON_MIN_REGION;
		unsigned long left;

		if (nr_pages < 2)
			return;
		left = damon_rand(1, nr_pages) * DAMON_MIN_REGION;
		if (damon_split_region_at(t, r, left))
			return;
		(*budget)--;
		/* Go on with the larger piece. */
		if (damon_sz_region(damon_next_region(r)) > damon_sz_region(r))
			r = damon_next_region(r);
	}
}

/*
 * kdamond_split_regions() - Split regions into random pieces.
 * @ctx:	The context.
 *
 * Does nothing unless the context has fewer than max_nr_regions / 2
 * regions; splits each region in two, or in three if there are fewer than
 * max_nr_regions / 3, never going over max_nr_regions.
 */
VISIBLE_IF_KUNIT void kdamond_split_regions(struct damon_ctx *ctx)
{
	unsigned long nr = damon_total_nr_regions(ctx);
	unsigned long max_nr = ctx->attrs.max_nr_regions;
	unsigned int nr_pieces;
	unsigned long budget;
	struct damon_target *t;
	struct damon_region *r, *next;

	damon_assert_owner(ctx);
	if (nr >= max_nr / 2)
		return;
	nr_pieces = nr < max_nr / 3 ? 3 : 2;
	budget = max_nr - nr;
	damon_for_each_target(t, ctx) {
		damon_for_each_region_safe(r, next, t) {
			if (!budget)
				return;
			damon_split_randomly(t, r, nr_pieces, &budget);
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(kdamond_split_regions);

static struct damon_region *damon_largest_region(struct damon_ctx *ctx,
						 struct damon_target **tp)
{
	struct damon_region *r, *largest = NULL;
	struct damon_target *t;

	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			if (!largest ||
			    damon_sz_region(r) > damon_sz_region(largest)) {
				largest = r;
				*tp = t;
			}
		}
	}
	return largest;
}

/*
 * damon_split_to_min_nr_regions() - Reach min_nr_regions by even splits.
 * @ctx:	The context.
 *
 * Splits the largest region of the context in halves (at a page boundary)
 * until the context has min_nr_regions regions or its largest region is a
 * single page.
 */
VISIBLE_IF_KUNIT void damon_split_to_min_nr_regions(struct damon_ctx *ctx)
{
	unsigned long nr = damon_total_nr_regions(ctx);

	damon_assert_owner(ctx);
	while (nr < ctx->attrs.min_nr_regions) {
		struct damon_target *t = NULL;
		struct damon_region *r = damon_largest_region(ctx, &t);
		unsigned long nr_pages;

		if (!r)
			return;
		nr_pages = damon_sz_region(r) / DAMON_MIN_REGION;
		if (nr_pages < 2)
			return;
		if (damon_split_region_at(t, r, nr_pages / 2 * DAMON_MIN_REGION))
			return;
		nr++;
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
		damon_for_each_region(r, t)
			trace_damon_aggregated(target_id, t->nr_regions, r);
		target_id++;
	}
	kdamond_update_ages(ctx, threshold);
	kdamond_merge_regions(ctx, threshold, damon_merge_sz_limit(ctx));
	kdamond_reset_aggregated(ctx);
	ctx->nr_aggregations++;
	kdamond_split_regions(ctx);
}
EXPORT_SYMBOL_IF_KUNIT(kdamond_aggregate);

/* === kdamond === */

/*
 * Sleep for @usecs, or until kthread_stop().  One hrtimer sleep in TASK_IDLE
 * state: it does not count as load, and the wake-up of kthread_stop() ends
 * it early.
 */
static void kdamond_sleep(unsigned long usecs)
{
	ktime_t t = ns_to_ktime((u64)usecs * NSEC_PER_USEC);

	set_current_state(TASK_IDLE);
	if (kthread_should_stop()) {
		__set_current_state(TASK_RUNNING);
		return;
	}
	schedule_hrtimeout_range(&t, (u64)usecs * NSEC_PER_USEC / 20,
				 HRTIMER_MODE_REL);
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

static int kdamond_fn(void *data)
{
	struct kdamond_start *start = data;
	struct damon_ctx *ctx = start->ctx;
	struct kdamond_requests q;
	unsigned int max_nr_accesses = 0;

	/* @start lives on the stack of damon_start(): not used after this. */
	complete(&start->started);
	INIT_LIST_HEAD(&q.waiting);
	INIT_LIST_HEAD(&q.ready);
	ctx->passed_sample_intervals = 0;
	ctx->nr_aggregations = 0;
	ctx->next_aggregation_sis =
		damon_interval_sis(&ctx->attrs, ctx->attrs.aggr_interval);
	ctx->next_ops_update_sis =
		damon_interval_sis(&ctx->attrs, ctx->attrs.ops_update_interval);

	if (ctx->ops.init)
		ctx->ops.init(ctx);
	damon_split_to_min_nr_regions(ctx);

	while (!kthread_should_stop()) {
		kdamond_handle_requests(ctx, &q);
		if (kthread_should_stop() || !kdamond_has_valid_target(ctx))
			break;

		if (ctx->ops.prepare_access_checks)
			ctx->ops.prepare_access_checks(ctx);
		kdamond_sleep(ctx->attrs.sample_interval);
		if (ctx->ops.check_accesses)
			max_nr_accesses = ctx->ops.check_accesses(ctx);
		ctx->passed_sample_intervals++;

		if (ctx->passed_sample_intervals >= ctx->next_aggregation_sis) {
			kdamond_aggregate(ctx, max_nr_accesses);
			ctx->next_aggregation_sis =
				ctx->passed_sample_intervals +
				damon_interval_sis(&ctx->attrs,
						   ctx->attrs.aggr_interval);
			list_splice_tail_init(&q.waiting, &q.ready);
		}
		if (ctx->passed_sample_intervals >= ctx->next_ops_update_sis) {
			ctx->next_ops_update_sis =
				ctx->passed_sample_intervals +
				damon_interval_sis(&ctx->attrs,
						   ctx->attrs.ops_update_interval);
			if (ctx->ops.update)
				ctx->ops.update(ctx);
			damon_split_to_min_nr_regions(ctx);
		}
	}

	if (ctx->ops.cleanup)
		ctx->ops.cleanup(ctx);
	damon_cancel_request_list(&q.ready);
	damon_cancel_request_list(&q.waiting);

	mutex_lock(&ctx->kdamond_lock);
	WRITE_ONCE(ctx->kdamond, NULL);
	ida_free(&damon_kdamond_ida, ctx->kdamond_id);
	ctx->kdamond_id = -1;
	/* New requests see kdamond == NULL; cancel those queued before. */
	spin_lock(&ctx->request_lock);
	damon_cancel_request_list(&ctx->requests);
	spin_unlock(&ctx->request_lock);
	kdamond_running_put(1);
	mutex_unlock(&ctx->kdamond_lock);
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
 * Context: Process context; may sleep.
 * Return: true if @ctx has a kdamond.
 */
bool damon_is_running(struct damon_ctx *ctx)
{
	guard(mutex)(&ctx->kdamond_lock);
	return __damon_is_running(ctx);
}
EXPORT_SYMBOL_GPL(damon_is_running);

/**
 * damon_kdamond_pid() - Pid of a context's kdamond.
 * @ctx:	The context.
 *
 * Context: Process context; may sleep.
 * Return: The pid of the kdamond of @ctx, or -1 if it is not running.
 */
int damon_kdamond_pid(struct damon_ctx *ctx)
{
	guard(mutex)(&ctx->kdamond_lock);
	if (!__damon_is_running(ctx))
		return -1;
	return task_pid_nr(ctx->kdamond);
}
EXPORT_SYMBOL_GPL(damon_kdamond_pid);

static int __damon_start(struct damon_ctx *ctx)
{
	struct kdamond_start start = { .ctx = ctx };
	struct task_struct *tsk;
	int id;

	id = ida_alloc(&damon_kdamond_ida, GFP_KERNEL);
	if (id < 0)
		return id;
	guard(mutex)(&ctx->kdamond_lock);
	if (__damon_is_running(ctx)) {
		ida_free(&damon_kdamond_ida, id);
		return -EBUSY;
	}
	init_completion(&start.started);
	tsk = kthread_create(kdamond_fn, &start, "kdamond.%d", id);
	if (IS_ERR(tsk)) {
		ida_free(&damon_kdamond_ida, id);
		return PTR_ERR(tsk);
	}
	ctx->kdamond_id = id;
	WRITE_ONCE(ctx->kdamond, tsk);
	wake_up_process(tsk);
	/*
	 * Wait until kdamond_fn() runs: a kthread stopped before that would
	 * never run it, and so never clean up.  It cannot end before we drop
	 * kdamond_lock.
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
 * target or appears twice, -EBUSY if a context is already running, an
 * exclusive group is running, or @exclusive is set while any context runs,
 * another negative error code if a thread could not be created.
 */
int damon_start(struct damon_ctx **ctxs, int nr_ctxs, bool exclusive)
{
	int i, j, err = 0;

	if (!ctxs || nr_ctxs < 1)
		return -EINVAL;
	for (i = 0; i < nr_ctxs; i++) {
		if (!ctxs[i] || damon_targets_empty(ctxs[i]))
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

	mutex_lock(&ctx->kdamond_lock);
	tsk = ctx->kdamond;
	if (tsk)
		get_task_struct(tsk);
	mutex_unlock(&ctx->kdamond_lock);
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
 * -ECANCELED).  The contexts stay owned by their creator.
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
