// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON-based Operation Schemes (DAMOS): the engine that acts on the regions
 * the core monitors.
 *
 * Map of this file:
 *   schemes, filters and quota goals	constructors and destructors
 *   validation		damon_check_schemes(): what the ops set cannot do
 *   commit		damos_commit_prepare() and damos_commit_apply(),
 *			the scheme half of damon_commit_ctx()
 *   application	kdamond_apply_schemes(): filters, access pattern,
 *			quotas and their goals, the action (kdamond only)
 *   watermarks		kdamond_check_watermarks() (kdamond only)
 *   kdamond start	kdamond_init_schemes()
 *
 * The core (core.c) calls the engine at the points declared in
 * core-internal.h; the engine runs in the kdamond of a running context, or
 * in the owner of a context that does not run, and follows the ownership
 * rule of core.c.
 */

#include <linux/damon.h>
#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/psi.h>
#include <linux/slab.h>
#include <linux/vmstat.h>
#include <kunit/visibility.h>

#include <trace/events/damon.h>

#include "core-internal.h"

/* === schemes, filters and quota goals === */

/*
 * Assign the parameters of @s that its user sets, all of them: creation and
 * commit both go through here, so that neither forgets one.  The runtime
 * state is left alone; damos_derive_state() updates what depends on them.
 */
static void damos_set_params(struct damos *s,
			     const struct damos_access_pattern *pattern,
			     enum damos_action action,
			     unsigned long apply_interval_us,
			     const struct damos_quota *quota,
			     const struct damos_watermarks *wmarks,
			     int target_nid)
{
	s->pattern = *pattern;
	s->action = action;
	s->apply_interval_us = apply_interval_us;
	s->target_nid = target_nid;
	s->quota.reset_interval = quota->reset_interval;
	s->quota.ms = quota->ms;
	s->quota.sz = quota->sz;
	s->quota.weight_sz = quota->weight_sz;
	s->quota.weight_nr_accesses = quota->weight_nr_accesses;
	s->quota.weight_age = quota->weight_age;
	s->wmarks.metric = wmarks->metric;
	s->wmarks.interval = wmarks->interval;
	s->wmarks.high = wmarks->high;
	s->wmarks.mid = wmarks->mid;
	s->wmarks.low = wmarks->low;
}

/*
 * Update the kdamond-private state of @s that derives from its parameters,
 * after damos_set_params(): a quota that changed starts a new window at the
 * next application, watermarks that changed are checked at the next
 * opportunity, and a scheme without watermarks is active.  A stale window
 * or check could otherwise hold the old setting for as long as the old
 * reset or check interval, which may be very long.  A new scheme has every
 * parameter changed.
 */
static void damos_derive_state(struct damos *s, bool quota_changed,
			       bool wmarks_changed)
{
	/* No quota window yet: see damos_window_due(). */
	if (quota_changed)
		s->quota.charged_from = ULONG_MAX;
	if (wmarks_changed)
		s->wmarks.next_check = jiffies;
	if (s->wmarks.metric == DAMOS_WMARK_NONE)
		s->wmarks.activated = true;
}

/**
 * damon_new_scheme() - Allocate a new operation scheme.
 * @pattern:		The access pattern of the regions to act on.  Copied.
 * @action:		The action.
 * @apply_interval_us:	How often to apply the scheme, in microseconds; 0
 *			means every aggregation interval.
 * @quota:		The quota.  Its parameters are copied, but not its
 *			goals: the new scheme has none (add them with
 *			damos_add_quota_goal()).
 * @wmarks:		The watermarks.  Copied.
 * @target_nid:		Destination node of the migration actions.
 *
 * The scheme starts with zero statistics, no filter, an unlimited effective
 * quota, and active if its watermark metric is &DAMOS_WMARK_NONE, inactive
 * until the first watermark check otherwise.  The parameters are checked
 * only when the scheme's context is started or committed.
 *
 * Context: Process context; may sleep.
 * Return: The new scheme, or NULL if out of memory.
 */
struct damos *damon_new_scheme(const struct damos_access_pattern *pattern,
			       enum damos_action action,
			       unsigned long apply_interval_us,
			       const struct damos_quota *quota,
			       const struct damos_watermarks *wmarks,
			       int target_nid)
{
	struct damos *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	damos_set_params(s, pattern, action, apply_interval_us, quota, wmarks,
			 target_nid);
	s->quota.esz = ULONG_MAX;
	damos_derive_state(s, true, true);
	INIT_LIST_HEAD(&s->quota.goals);
	INIT_LIST_HEAD(&s->filters);
	INIT_LIST_HEAD(&s->list);
	return s;
}
EXPORT_SYMBOL_GPL(damon_new_scheme);

/**
 * damon_add_scheme() - Append a scheme to a context.
 * @ctx:	The context.
 * @s:		The scheme, not yet in any context.
 *
 * Context: Any context.  The caller owns @ctx.
 */
void damon_add_scheme(struct damon_ctx *ctx, struct damos *s)
{
	list_add_tail(&s->list, &ctx->schemes);
}
EXPORT_SYMBOL_GPL(damon_add_scheme);

/**
 * damon_destroy_scheme() - Free a scheme with its filters and quota goals.
 * @s:	The scheme.  Unlinked from its context if it is in one.
 *
 * Context: Any context.  The caller owns the context of @s.
 */
void damon_destroy_scheme(struct damos *s)
{
	struct damos_quota_goal *g, *gnext;
	struct damos_filter *f, *fnext;

	damos_for_each_filter_safe(f, fnext, s)
		damos_destroy_filter(f);
	damos_for_each_quota_goal_safe(g, gnext, &s->quota)
		damos_destroy_quota_goal(g);
	list_del_init(&s->list);
	kfree(s);
}
EXPORT_SYMBOL_GPL(damon_destroy_scheme);

/**
 * damos_new_filter() - Allocate a new scheme filter.
 * @type:	What the filter looks at.
 * @matching:	Whether the filter decides for the memory that matches @type
 *		(true) or for the memory that does not (false).
 *
 * The filter keeps that memory out; the caller sets &damos_filter.allow to
 * let it in instead.  The type-specific field (&damos_filter.memcg_id,
 * &damos_filter.addr_range or &damos_filter.target_idx) starts zeroed; the
 * caller sets it.
 *
 * Context: Process context; may sleep.
 * Return: The new filter, or NULL if @type is invalid or out of memory.
 */
struct damos_filter *damos_new_filter(enum damos_filter_type type,
				      bool matching)
{
	struct damos_filter *f;

	if ((unsigned int)type >= NR_DAMOS_FILTER_TYPES)
		return NULL;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return NULL;
	f->type = type;
	f->matching = matching;
	INIT_LIST_HEAD(&f->list);
	return f;
}
EXPORT_SYMBOL_GPL(damos_new_filter);

/**
 * damos_add_filter() - Append a filter to a scheme.
 * @s:	The scheme.
 * @f:	The filter, not yet in any scheme.
 *
 * Context: Any context.  The caller owns the context of @s.
 */
void damos_add_filter(struct damos *s, struct damos_filter *f)
{
	list_add_tail(&f->list, &s->filters);
}
EXPORT_SYMBOL_GPL(damos_add_filter);

/**
 * damos_destroy_filter() - Unlink a filter from its scheme and free it.
 * @f:	The filter.
 *
 * Context: Any context.  The caller owns the context of the scheme of @f.
 */
void damos_destroy_filter(struct damos_filter *f)
{
	list_del_init(&f->list);
	kfree(f);
}
EXPORT_SYMBOL_GPL(damos_destroy_filter);

/**
 * damos_new_quota_goal() - Allocate a new quota goal.
 * @metric:		What the goal measures.
 * @target_value:	The value of @metric to reach.
 *
 * Context: Process context; may sleep.
 * Return: The new goal, or NULL if @metric is invalid or out of memory.
 */
struct damos_quota_goal *
damos_new_quota_goal(enum damos_quota_goal_metric metric,
		     unsigned long target_value)
{
	struct damos_quota_goal *g;

	if ((unsigned int)metric >= NR_DAMOS_QUOTA_GOAL_METRICS)
		return NULL;
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return NULL;
	g->metric = metric;
	g->target_value = target_value;
	INIT_LIST_HEAD(&g->list);
	return g;
}
EXPORT_SYMBOL_GPL(damos_new_quota_goal);

/**
 * damos_add_quota_goal() - Append a goal to a quota.
 * @q:	The quota.
 * @g:	The goal, not yet in any quota.
 *
 * Context: Any context.  The caller owns the context of the scheme of @q.
 */
void damos_add_quota_goal(struct damos_quota *q, struct damos_quota_goal *g)
{
	list_add_tail(&g->list, &q->goals);
}
EXPORT_SYMBOL_GPL(damos_add_quota_goal);

/**
 * damos_destroy_quota_goal() - Unlink a goal from its quota and free it.
 * @g:	The goal.
 *
 * Context: Any context.  The caller owns the context of the quota of @g.
 */
void damos_destroy_quota_goal(struct damos_quota_goal *g)
{
	list_del_init(&g->list);
	kfree(g);
}
EXPORT_SYMBOL_GPL(damos_destroy_quota_goal);

/* === validation === */

static bool damos_core_filter(enum damos_filter_type type)
{
	return type == DAMOS_FILTER_TYPE_ADDR ||
		type == DAMOS_FILTER_TYPE_TARGET;
}

static int damos_check_filter(const struct damon_operations *ops,
			      const struct damos_filter *f)
{
	if ((unsigned int)f->type >= NR_DAMOS_FILTER_TYPES)
		return -EINVAL;
	/*
	 * An empty address range and a negative target index are fine: they
	 * match nothing.  A filter the operations set would ignore is not.
	 */
	if (!damos_core_filter(f->type) &&
	    !(ops->supported_filters & BIT(f->type)))
		return -EINVAL;
	return 0;
}

/*
 * Refuse only what cannot work: an unknown enum value, an action or filter
 * the operations set would silently ignore, and an access pattern range that
 * no region can match.  Every other value has a meaning, even if an odd one:
 * watermarks in any order follow the rules of damos_wmarks_update(), and
 * the quota weights of any size enter the 64-bit score arithmetic of the
 * operations sets.
 */
static int damos_check_scheme(const struct damon_operations *ops,
			      const struct damos *s)
{
	const struct damos_access_pattern *p = &s->pattern;
	const struct damos_watermarks *w = &s->wmarks;
	const struct damos_quota *q = &s->quota;
	struct damos_quota_goal *g;
	struct damos_filter *f;
	int err;

	if ((unsigned int)s->action >= NR_DAMOS_ACTIONS ||
	    !(ops->supported_actions & BIT(s->action)))
		return -EINVAL;
	if (p->min_sz_region > p->max_sz_region ||
	    p->min_nr_accesses > p->max_nr_accesses ||
	    p->min_age_region > p->max_age_region)
		return -EINVAL;
	if ((unsigned int)w->metric >= NR_DAMOS_WMARK_METRICS)
		return -EINVAL;
	damos_for_each_quota_goal(g, (struct damos_quota *)q)
		if ((unsigned int)g->metric >= NR_DAMOS_QUOTA_GOAL_METRICS)
			return -EINVAL;
	damos_for_each_filter(f, (struct damos *)s) {
		err = damos_check_filter(ops, f);
		if (err)
			return err;
	}
	return 0;
}

/*
 * damon_check_schemes() - Check the schemes of @ctx against @ops.
 *
 * Return: 0 if every scheme is valid and @ops supports its action and
 * filters, -EINVAL otherwise.
 */
int damon_check_schemes(const struct damon_operations *ops,
			struct damon_ctx *ctx)
{
	struct damos *s;
	int err;

	damon_for_each_scheme(s, ctx) {
		err = damos_check_scheme(ops, s);
		if (err)
			return err;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(damon_check_schemes);

/* === commit === */

/*
 * What damon_commit_ctx() prepared for one scheme of the source: copies of
 * its filters and goals for the destination scheme at the same position, or
 * a whole new scheme when the destination has none there.
 */
struct damos_commit_scheme {
	struct damos *fresh;
	struct list_head filters;
	struct list_head goals;
};

static void damos_free_commit(struct damos_commit_scheme *cs, unsigned int nr)
{
	struct damos_quota_goal *g, *gnext;
	struct damos_filter *f, *fnext;
	unsigned int i;

	if (!cs)
		return;
	for (i = 0; i < nr; i++) {
		list_for_each_entry_safe(f, fnext, &cs[i].filters, list)
			damos_destroy_filter(f);
		list_for_each_entry_safe(g, gnext, &cs[i].goals, list)
			damos_destroy_quota_goal(g);
		if (cs[i].fresh)
			damon_destroy_scheme(cs[i].fresh);
	}
	kfree(cs);
}

/*
 * Copy the filters and goals of @src to @dst whole: neither has state of its
 * own beyond its parameters (a goal's PSI baseline goes with it), so each
 * copy is one kmemdup() that cannot miss a field added later.
 */
static int damos_copy_filters(struct list_head *dst, struct damos *src)
{
	struct damos_filter *f, *n;

	damos_for_each_filter(f, src) {
		n = kmemdup(f, sizeof(*f), GFP_KERNEL);
		if (!n)
			return -ENOMEM;
		list_add_tail(&n->list, dst);
	}
	return 0;
}

static int damos_copy_goals(struct list_head *dst, struct damos *src)
{
	struct damos_quota_goal *g, *n;

	damos_for_each_quota_goal(g, &src->quota) {
		n = kmemdup(g, sizeof(*g), GFP_KERNEL);
		if (!n)
			return -ENOMEM;
		list_add_tail(&n->list, dst);
	}
	return 0;
}

/*
 * Allocate everything committing the schemes of @src to @dst needs.  On
 * success *@csp holds the number of schemes of @src entries.
 */
int damos_commit_prepare(struct damon_ctx *dst, struct damon_ctx *src,
			 struct damos_commit_scheme **csp)
{
	unsigned int nr = list_count_nodes(&src->schemes), i = 0;
	struct damos_commit_scheme *cs;
	struct damos *ds, *ss;
	int err = 0;

	*csp = NULL;
	if (!nr)
		return 0;
	cs = kcalloc(nr, sizeof(*cs), GFP_KERNEL);
	if (!cs)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		INIT_LIST_HEAD(&cs[i].filters);
		INIT_LIST_HEAD(&cs[i].goals);
	}
	ds = list_first_entry(&dst->schemes, struct damos, list);
	i = 0;
	damon_for_each_scheme(ss, src) {
		struct damos_commit_scheme *c = &cs[i++];

		if (&ds->list == &dst->schemes) {
			c->fresh = damon_new_scheme(&ss->pattern, ss->action,
						    ss->apply_interval_us,
						    &ss->quota, &ss->wmarks,
						    ss->target_nid);
			if (!c->fresh) {
				err = -ENOMEM;
				break;
			}
		} else {
			ds = list_next_entry(ds, list);
		}
		err = damos_copy_filters(&c->filters, ss);
		if (!err)
			err = damos_copy_goals(&c->goals, ss);
		if (err)
			break;
	}
	if (err) {
		damos_free_commit(cs, nr);
		return err;
	}
	*csp = cs;
	return 0;
}

/*
 * Schedule the next application of @s one apply interval from now, with the
 * intervals of @attrs.  Schemes without an apply interval follow the
 * aggregation intervals instead.
 */
void damos_arm(struct damon_ctx *ctx, const struct damon_attrs *attrs,
	       struct damos *s)
{
	unsigned long sis = damon_interval_sis(attrs, s->apply_interval_us);

	s->next_apply_sis = damon_sis_after(ctx->passed_sample_intervals, sis);
}

/* Give @dst the parameters of @src, keeping its runtime state. */
static void damos_commit_params(struct damos *dst, struct damos *src)
{
	const struct damos_watermarks *dw = &dst->wmarks, *sw = &src->wmarks;
	const struct damos_quota *dq = &dst->quota, *sq = &src->quota;
	bool quota_changed = dq->reset_interval != sq->reset_interval ||
		dq->ms != sq->ms || dq->sz != sq->sz;
	bool wmarks_changed = dw->metric != sw->metric ||
		dw->interval != sw->interval || dw->high != sw->high ||
		dw->mid != sw->mid || dw->low != sw->low;

	damos_set_params(dst, &src->pattern, src->action,
			 src->apply_interval_us, &src->quota, &src->wmarks,
			 src->target_nid);
	damos_derive_state(dst, quota_changed, wmarks_changed);
}

/*
 * Commit the schemes prepared by damos_commit_prepare(): cannot fail.
 * Frees @cs.  In the kdamond, a scheme that is new or whose apply interval
 * changed gets its next application one apply interval from now, with the
 * intervals of @src.
 */
void damos_commit_apply(struct damon_ctx *dst, struct damos_commit_scheme *cs,
			unsigned int nr, struct damon_ctx *src)
{
	bool running = damon_in_kdamond(dst);
	struct damos *ds, *next, *ss;
	unsigned int i = 0;

	ss = list_first_entry(&src->schemes, struct damos, list);
	damon_for_each_scheme_safe(ds, next, dst) {
		struct damos_quota_goal *g, *gnext;
		struct damos_filter *f, *fnext;

		if (i >= nr) {
			damon_destroy_scheme(ds);
			continue;
		}
		if (running && ds->apply_interval_us != ss->apply_interval_us) {
			ds->apply_interval_us = ss->apply_interval_us;
			damos_arm(dst, &src->attrs, ds);
		}
		damos_commit_params(ds, ss);
		damos_for_each_filter_safe(f, fnext, ds)
			damos_destroy_filter(f);
		list_splice_tail_init(&cs[i].filters, &ds->filters);
		damos_for_each_quota_goal_safe(g, gnext, &ds->quota)
			damos_destroy_quota_goal(g);
		list_splice_tail_init(&cs[i].goals, &ds->quota.goals);
		ss = list_next_entry(ss, list);
		i++;
	}
	for (; i < nr; i++) {
		struct damos *fresh = cs[i].fresh;

		list_splice_tail_init(&cs[i].filters, &fresh->filters);
		list_splice_tail_init(&cs[i].goals, &fresh->quota.goals);
		if (running)
			damos_arm(dst, &src->attrs, fresh);
		damon_add_scheme(dst, fresh);
		cs[i].fresh = NULL;
	}
	damos_free_commit(cs, nr);
}

/* === application === */

/**
 * DOC: scheme application
 *
 * At the end of each aggregation interval, before the ages are updated and
 * the regions merged, the kdamond applies every scheme that is active (its
 * watermarks allow it) and due (its apply interval, counted in sampling
 * intervals, has passed; 0 means every aggregation).  For each region of
 * each target, in order:
 *
 * - The core filters (address and target) run in their list order, and the
 *   first that decides for the region decides (see &struct damos_filter).
 *   An address filter whose range covers only part of a region first splits
 *   the region at the range boundaries, widened to &DAMON_MIN_REGION, so
 *   that the filter decides for the part inside (or outside) the range only.
 *   The extra regions are merged back by the next merge step.
 * - The region must match the access pattern: size in bytes, nr_accesses of
 *   the interval that just ended, and age.
 * - If the quota binds, the region must have a score of at least the
 *   window's threshold, and a region larger than what is left of the quota
 *   is split so that only the part that fits is tried.
 * - The region then counts as tried; pending tried-regions requests see it
 *   (see damon_request()), and the action is applied to it by the ops.
 *
 * A quota window lasts &damos_quota.reset_interval.  At its start the
 * effective size quota (&damos_quota.esz) is recomputed as the smallest of
 * the size quota, the bytes the time quota allows at the throughput the
 * action has shown so far (1 MiB per millisecond is assumed until the action
 * has been applied once), and the size the quota goals tune.  If the
 * regions that match the scheme are larger than the quota, a score
 * threshold is chosen from a histogram of the scores weighted by region
 * size, so that about esz bytes of the highest-scored regions pass it.  The
 * bytes tried are charged to the window; once esz bytes are charged, the
 * scheme stops until the next window, which resumes at the target and
 * address where the last one stopped, so that no region starves.
 *
 * The goals feedback loop keeps its own quota (in &damos_quota.esz_bp, in
 * bytes).  Each window it computes each goal's achievement, current value
 * over target value in basis points, and takes the largest: below 10000
 * the quota grows by up to 2x (the further from the goal, the more); above,
 * it shrinks in proportion, by at most a half; it never goes below
 * &DAMON_MIN_REGION.
 */

/* Bytes per ms assumed for a time quota before any measurement: 1 MiB. */
#define DAMOS_INIT_SZ_PER_MS	(1024UL * 1024)
/* Starting point of the goals feedback loop without a static limit. */
#define DAMOS_GOAL_INIT_SZ	(1024UL * 1024)

/*
 * damos_pattern_match() - Tell whether @r matches the access pattern of @s,
 * with the access count of damon_nr_accesses_now().
 */
VISIBLE_IF_KUNIT bool damos_pattern_match(const struct damon_ctx *ctx,
					  const struct damos *s,
					  const struct damon_region *r)
{
	const struct damos_access_pattern *p = &s->pattern;
	unsigned long sz = r->ar.end - r->ar.start;
	unsigned int nr_accesses = damon_nr_accesses_now(ctx, r);

	return sz >= p->min_sz_region && sz <= p->max_sz_region &&
		nr_accesses >= p->min_nr_accesses &&
		nr_accesses <= p->max_nr_accesses &&
		r->age >= p->min_age_region && r->age <= p->max_age_region;
}
EXPORT_SYMBOL_IF_KUNIT(damos_pattern_match);

/*
 * Make @r lie wholly inside or wholly outside @f's range, splitting it if
 * needed, and tell whether it is inside.  Returns -ENOMEM if a split failed.
 */
static int damos_addr_filter_match(struct damon_target *t,
				   struct damon_region *r,
				   const struct damos_filter *f)
{
	unsigned long fs = ALIGN_DOWN(f->addr_range.start, DAMON_MIN_REGION);
	unsigned long fe = damon_align_end(f->addr_range.end);

	if (r->ar.start < fs && r->ar.end > fs) {
		if (damon_split_region_at(t, r, fs - r->ar.start))
			return -ENOMEM;
	} else if (r->ar.start < fe && r->ar.end > fe) {
		if (damon_split_region_at(t, r, fe - r->ar.start))
			return -ENOMEM;
	}
	return r->ar.start >= fs && r->ar.end <= fe;
}

static bool damos_has_ops_filter(struct damos *s)
{
	struct damos_filter *f;

	damos_for_each_filter(f, s)
		if (!damos_core_filter(f->type))
			return true;
	return false;
}

/*
 * damos_core_filter_out() - Tell whether the core filters of @s exclude @r.
 * @t:		The target of @r.
 * @tidx:	Index of @t in its context.
 * @r:		The region.  May be split: it then keeps its left part.
 * @s:		The scheme.
 *
 * The first core filter that decides for @r decides; if it lets @r in, the
 * ops filters are skipped (&damos.core_filters_allowed).  A region that no
 * core filter decides for is left to the ops filters if there are any, and
 * is otherwise kept out if the last core filter lets memory in.
 */
VISIBLE_IF_KUNIT bool damos_core_filter_out(struct damon_target *t,
					    unsigned int tidx,
					    struct damon_region *r,
					    struct damos *s)
{
	struct damos_filter *f;
	bool last_allows = false;
	int match;

	s->core_filters_allowed = false;
	damos_for_each_filter(f, s) {
		switch (f->type) {
		case DAMOS_FILTER_TYPE_TARGET:
			match = f->target_idx >= 0 &&
				(unsigned int)f->target_idx == tidx;
			break;
		case DAMOS_FILTER_TYPE_ADDR:
			match = damos_addr_filter_match(t, r, f);
			/* Could not isolate the range: do not touch it. */
			if (match < 0)
				return true;
			break;
		default:
			continue;
		}
		if (match == f->matching) {
			s->core_filters_allowed = f->allow;
			return !f->allow;
		}
		last_allows = f->allow;
	}
	return last_allows && !damos_has_ops_filter(s);
}
EXPORT_SYMBOL_IF_KUNIT(damos_core_filter_out);

static unsigned int damos_region_score(struct damon_ctx *ctx,
				       struct damon_target *t,
				       struct damon_region *r, struct damos *s)
{
	int score;

	if (!ctx->ops.get_scheme_score)
		return 0;
	score = ctx->ops.get_scheme_score(ctx, t, r, s);
	return clamp(score, 0, DAMOS_MAX_SCORE);
}

/*
 * damos_set_min_score() - Choose the score threshold of a quota window.
 *
 * Sums the sizes of the regions that match the pattern of @s per score, and
 * picks the highest threshold whose regions still reach the effective
 * quota.  0 when they all fit.
 */
VISIBLE_IF_KUNIT void damos_set_min_score(struct damon_ctx *ctx,
					  struct damos *s)
{
	struct damos_quota *q = &s->quota;
	unsigned long *hist, sum = 0;
	struct damon_target *t;
	struct damon_region *r;
	int score;

	q->min_score = 0;
	if (q->esz == ULONG_MAX)
		return;
	hist = kcalloc(DAMOS_MAX_SCORE + 1, sizeof(*hist), GFP_KERNEL);
	if (!hist)
		return;
	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			if (damon_yield_or_stop(ctx))
				break;
			if (!damos_pattern_match(ctx, s, r))
				continue;
			hist[damos_region_score(ctx, t, r, s)] +=
				damon_sz_region(r);
		}
	}
	for (score = DAMOS_MAX_SCORE; score >= 0; score--) {
		sum += hist[score];
		if (sum >= q->esz) {
			q->min_score = score;
			break;
		}
	}
	kfree(hist);
}
EXPORT_SYMBOL_IF_KUNIT(damos_set_min_score);

static unsigned long damos_psi_some_mem_total_us(void)
{
#if IS_ENABLED(CONFIG_PSI)
	return div_u64(READ_ONCE(psi_system.total[PSI_AVGS][PSI_MEM_SOME]),
		       NSEC_PER_USEC);
#else
	return 0;
#endif
}

static void damos_measure_goal(struct damos_quota_goal *g)
{
	u64 now;

	switch (g->metric) {
	case DAMOS_QUOTA_SOME_MEM_PSI_US:
		now = damos_psi_some_mem_total_us();
		g->current_value = now - g->last_psi_total;
		g->last_psi_total = now;
		break;
	default:
		break;
	}
}

/* Achievement of @g, in basis points of its target. */
static unsigned long damos_goal_achievement(const struct damos_quota_goal *g)
{
	if (!g->target_value)
		return g->current_value ? ULONG_MAX : DAMON_BP_DENOMINATOR;
	return min_t(u64, damon_mul_div(g->current_value, DAMON_BP_DENOMINATOR,
					g->target_value), ULONG_MAX);
}

/*
 * damos_goal_tuned_sz() - One step of the goals feedback loop.
 * @sz:		The goal-tuned quota of the last window, in bytes.
 * @ach:	The achievement of the goals, in basis points.
 *
 * Return: The goal-tuned quota of the next window.
 */
VISIBLE_IF_KUNIT unsigned long damos_goal_tuned_sz(unsigned long sz,
						   unsigned long ach)
{
	if (ach < DAMON_BP_DENOMINATOR) {
		unsigned long grow = mult_frac(sz, DAMON_BP_DENOMINATOR - ach,
					       DAMON_BP_DENOMINATOR);

		sz = grow > ULONG_MAX / 2 - sz ? ULONG_MAX / 2 : sz + grow;
	} else if (ach > DAMON_BP_DENOMINATOR) {
		sz = max(mul_u64_u64_div_u64(sz, DAMON_BP_DENOMINATOR, ach),
			 (u64)sz / 2);
	}
	return max(sz, DAMON_MIN_REGION);
}
EXPORT_SYMBOL_IF_KUNIT(damos_goal_tuned_sz);

/*
 * Bytes the time quota of @q allows, at the throughput measured so far.
 * Saturates: a quota too large to compute allows everything.
 */
static unsigned long damos_time_quota_sz(const struct damos_quota *q)
{
	u64 ns = damon_mul_div(q->ms, NSEC_PER_MSEC, 1);
	u64 sz;

	if (q->total_charged_ns && q->total_charged_sz)
		sz = damon_mul_div(ns, q->total_charged_sz, q->total_charged_ns);
	else
		sz = damon_mul_div(q->ms, DAMOS_INIT_SZ_PER_MS, 1);
	return min_t(u64, max_t(u64, sz, DAMON_MIN_REGION), ULONG_MAX);
}

/*
 * damos_new_quota_window() - Start a new quota window for @s: reset the
 * charge, recompute the effective quota and the score threshold.
 */
VISIBLE_IF_KUNIT void damos_new_quota_window(struct damon_ctx *ctx,
					     struct damos *s)
{
	struct damos_quota *q = &s->quota;
	unsigned long esz = ULONG_MAX;
	struct damos_quota_goal *g;

	q->charged_sz = 0;
	q->charged_from = ctx->passed_sample_intervals;
	q->ran_out = false;
	if (q->ms)
		esz = min(esz, damos_time_quota_sz(q));
	if (q->sz)
		esz = min(esz, q->sz);
	if (!list_empty(&q->goals)) {
		unsigned long ach = 0;

		damos_for_each_quota_goal(g, q) {
			damos_measure_goal(g);
			ach = max(ach, damos_goal_achievement(g));
		}
		if (!q->esz_bp)
			q->esz_bp = esz != ULONG_MAX ? esz : DAMOS_GOAL_INIT_SZ;
		else
			q->esz_bp = damos_goal_tuned_sz(q->esz_bp, ach);
		esz = min(esz, q->esz_bp);
	}
	q->esz = esz;
	damos_set_min_score(ctx, s);
}
EXPORT_SYMBOL_IF_KUNIT(damos_new_quota_window);

static bool damos_window_due(struct damon_ctx *ctx, struct damos *s)
{
	struct damos_quota *q = &s->quota;
	unsigned long now = ctx->passed_sample_intervals;

	/* charged_from is ULONG_MAX until the first window starts. */
	if (now < q->charged_from)
		return true;
	return now - q->charged_from >=
		damon_interval_sis(&ctx->attrs,
				   min(q->reset_interval,
				       ULONG_MAX / USEC_PER_MSEC) *
				   USEC_PER_MSEC);
}

/* Forget a resume point whose target is gone. */
static void damos_check_resume_point(struct damon_ctx *ctx, struct damos *s)
{
	struct damon_target *t;

	if (!s->quota.charge_target_from)
		return;
	damon_for_each_target(t, ctx)
		if (t == s->quota.charge_target_from)
			return;
	s->quota.charge_target_from = NULL;
}

/* Show @r to the walkers that @s has not served yet. */
static void damos_walk(struct list_head *walkers, struct damon_ctx *ctx,
		       struct damon_target *t, struct damon_region *r,
		       struct damos *s, unsigned long sz_filter_passed)
{
	struct damon_request *req;

	if (!walkers)
		return;
	list_for_each_entry(req, walkers, list) {
		if (req->walk_seq > s->walk_seq)
			req->walk_fn(req->arg, ctx, t, r, s, sz_filter_passed);
	}
}

/* Context index in the tracepoint: a kdamond has one context. */
#define DAMOS_TRACE_CTX_IDX	0

static void damos_apply_region(struct damon_ctx *ctx, struct damon_target *t,
			       unsigned int tidx, struct damon_region *r,
			       struct damos *s, unsigned int sidx,
			       struct list_head *walkers)
{
	unsigned long sz = damon_sz_region(r), applied = 0, passed = sz;
	struct damos_quota *q = &s->quota;
	u64 begin;

	s->stat.nr_tried++;
	s->stat.sz_tried += sz;
	if (trace_damos_before_apply_enabled())
		trace_damos_before_apply(DAMOS_TRACE_CTX_IDX, sidx, tidx, r,
					 t->nr_regions);
	begin = ktime_get_ns();
	/* The bytes that pass the ops filters are known once they apply. */
	if (ctx->ops.apply_scheme)
		applied = ctx->ops.apply_scheme(ctx, t, r, s, &passed);
	q->total_charged_ns += ktime_get_ns() - begin;
	q->total_charged_sz += sz;
	q->charged_sz += sz;
	s->stat.sz_ops_filter_passed += passed;
	damos_walk(walkers, ctx, t, r, s, passed);
	if (applied) {
		s->stat.nr_applied++;
		s->stat.sz_applied += applied;
	}
	/*
	 * Even if the action found nothing to act on (free memory, pages the
	 * filters kept): otherwise the region would be tried, and charged to
	 * the quota, at every pass, and as the oldest it would crowd out the
	 * regions the action can do something with.
	 */
	if (s->action != DAMOS_STAT)
		r->age = 0;
}

/* Bytes the current window of @q may still charge, in whole pages. */
static unsigned long damos_quota_left(const struct damos_quota *q)
{
	unsigned long left = q->esz > q->charged_sz ? q->esz - q->charged_sz : 0;

	return ALIGN_DOWN(left, DAMON_MIN_REGION);
}

/* The current quota window of @s ran out: count it, once. */
static void damos_quota_run_out(struct damos *s)
{
	if (s->quota.ran_out)
		return;
	s->quota.ran_out = true;
	s->stat.qt_exceeds++;
}

/*
 * Apply @s to the regions of @t from @r on.  Returns false if the quota
 * stopped it.
 */
static bool damos_apply_target(struct damon_ctx *ctx, struct damon_target *t,
			       unsigned int tidx, struct damon_region *r,
			       struct damos *s, unsigned int sidx,
			       struct list_head *walkers)
{
	struct damos_quota *q = &s->quota;
	bool limited = q->esz != ULONG_MAX;

	for (; &r->list != &t->regions_list; r = damon_next_region(r)) {
		unsigned long left;

		if (damon_yield_or_stop(ctx))
			return false;
		if (damos_core_filter_out(t, tidx, r, s))
			continue;
		if (!damos_pattern_match(ctx, s, r))
			continue;
		if (!limited) {
			damos_apply_region(ctx, t, tidx, r, s, sidx, walkers);
			continue;
		}
		left = damos_quota_left(q);
		if (!left) {
			q->charge_target_from = t;
			q->charge_addr_from = r->ar.start;
			damos_quota_run_out(s);
			return false;
		}
		if (damos_region_score(ctx, t, r, s) < q->min_score)
			continue;
		if (damon_sz_region(r) > left &&
		    damon_split_region_at(t, r, left))
			continue;
		damos_apply_region(ctx, t, tidx, r, s, sidx, walkers);
		if (!damos_quota_left(q))
			damos_quota_run_out(s);
	}
	return true;
}

/* One pass of @s over the regions, resuming where the last one stopped. */
static void damos_apply_scheme(struct damon_ctx *ctx, struct damos *s,
			       unsigned int sidx, struct list_head *walkers)
{
	struct damos_quota *q = &s->quota;
	struct damon_target *t, *from;
	unsigned int tidx = 0;

	if (q->esz != ULONG_MAX && q->charged_sz >= q->esz)
		return;
	damos_check_resume_point(ctx, s);
	from = q->charge_target_from;
	q->charge_target_from = NULL;
	damon_for_each_target(t, ctx) {
		struct damon_region *r;

		if (from && t != from) {
			tidx++;
			continue;
		}
		r = damon_first_region(t);
		if (from) {
			unsigned long addr = q->charge_addr_from;

			/* Skip what the last window already covered. */
			while (&r->list != &t->regions_list &&
			       r->ar.end <= addr)
				r = damon_next_region(r);
			if (&r->list != &t->regions_list &&
			    r->ar.start < addr &&
			    !damon_split_region_at(t, r, ALIGN_DOWN(addr -
					r->ar.start, DAMON_MIN_REGION)))
				r = damon_next_region(r);
			from = NULL;
		}
		if (!damos_apply_target(ctx, t, tidx, r, s, sidx, walkers))
			return;
		tidx++;
	}
}

/* Whether @s is due: at the end of an aggregation interval or its own. */
static bool damos_due(struct damon_ctx *ctx, struct damos *s)
{
	unsigned long now = ctx->passed_sample_intervals;

	if (!s->apply_interval_us)
		return now >= ctx->next_aggregation_sis;
	return now >= s->next_apply_sis;
}

/* Whether kdamond_apply_schemes() applies any scheme now. */
bool damos_any_due(struct damon_ctx *ctx)
{
	struct damos *s;

	damon_for_each_scheme(s, ctx)
		if (s->wmarks.activated && damos_due(ctx, s))
			return true;
	return false;
}

/*
 * kdamond_apply_schemes() - Apply the schemes that are active and due.
 * @ctx:	The context, after a sampling interval.
 * @walkers:	Requests whose walk_fn sees the tried regions, or NULL.
 *
 * Called after every sampling interval, before the end of an aggregation
 * interval is handled.  Each scheme that is due walks the requests of
 * @walkers it has not served yet.
 *
 * Return: true if at least one scheme was applied.
 */
bool kdamond_apply_schemes(struct damon_ctx *ctx, struct list_head *walkers)
{
	struct damon_request *last;
	unsigned int sidx = 0;
	bool applied = false;
	struct damos *s;

	damon_assert_owner(ctx);
	damon_for_each_scheme(s, ctx) {
		if (!s->wmarks.activated || !damos_due(ctx, s)) {
			sidx++;
			continue;
		}
		if (s->apply_interval_us)
			damos_arm(ctx, &ctx->attrs, s);
		if (damos_window_due(ctx, s))
			damos_new_quota_window(ctx, s);
		damos_apply_scheme(ctx, s, sidx++, walkers);
		if (walkers && !list_empty(walkers)) {
			last = list_last_entry(walkers, struct damon_request,
					       list);
			s->walk_seq = last->walk_seq;
		}
		applied = true;
	}
	return applied;
}
EXPORT_SYMBOL_IF_KUNIT(kdamond_apply_schemes);

/* === watermarks === */

/* Free memory of the system, per mille of the total RAM. */
static unsigned long damos_free_mem_rate(void)
{
	unsigned long total = totalram_pages();

	if (!total)
		return 0;
	return global_zone_page_state(NR_FREE_PAGES) * 1000 / total;
}

/*
 * damos_wmarks_update() - The watermark state machine: deactivate @s above
 * high or below low, activate it at or below mid.  Between mid and high, it
 * keeps its state.
 */
VISIBLE_IF_KUNIT void damos_wmarks_update(struct damos *s, unsigned long value)
{
	struct damos_watermarks *w = &s->wmarks;

	if (w->metric == DAMOS_WMARK_NONE)
		w->activated = true;
	else if (value > w->high || value < w->low)
		w->activated = false;
	else if (value <= w->mid)
		w->activated = true;
}
EXPORT_SYMBOL_IF_KUNIT(damos_wmarks_update);

/*
 * kdamond_check_watermarks() - Check the watermarks that are due.
 * @ctx:	The context.
 *
 * Return: true if the context has schemes and none of them is active.
 */
bool kdamond_check_watermarks(struct damon_ctx *ctx)
{
	bool any_active = false;
	struct damos *s;

	damon_for_each_scheme(s, ctx) {
		struct damos_watermarks *w = &s->wmarks;

		if (w->metric == DAMOS_WMARK_NONE) {
			w->activated = true;
		} else if (time_after_eq(jiffies, w->next_check)) {
			w->next_check = jiffies + usecs_to_jiffies(w->interval);
			damos_wmarks_update(s, damos_free_mem_rate());
		}
		any_active |= w->activated;
	}
	return !list_empty(&ctx->schemes) && !any_active;
}

/* Shortest watermark check interval of @ctx, in microseconds. */
unsigned long damos_min_wmarks_interval(struct damon_ctx *ctx)
{
	unsigned long min_us = ULONG_MAX;
	struct damos *s;

	damon_for_each_scheme(s, ctx)
		min_us = min(min_us, s->wmarks.interval);
	return clamp(min_us, 1000UL, 60UL * USEC_PER_SEC);
}

/* === kdamond start === */

/* Reset the scheme runtime state that counts in sampling intervals. */
void kdamond_init_schemes(struct damon_ctx *ctx)
{
	struct damos *s;

	damon_for_each_scheme(s, ctx) {
		damos_arm(ctx, &ctx->attrs, s);
		/* The kdamond numbers its walks from 1. */
		s->walk_seq = 0;
		s->wmarks.next_check = jiffies;
		/* Start a quota window at the first pass. */
		s->quota.charged_from = ULONG_MAX;
	}
}
