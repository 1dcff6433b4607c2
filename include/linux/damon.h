/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DAMON: Data Access MONitor
 *
 * The kernel API of DAMON.  A user builds a monitoring context
 * (&struct damon_ctx) holding monitoring attributes, an operations set and
 * monitoring targets, then hands it to damon_start().  A kernel thread,
 * kdamond, then samples the accesses to the targets' regions and keeps the
 * number of regions bounded whatever the targets' size.
 *
 * Ownership rule: while a context is not running, its creator owns it and may
 * change anything in it.  While its kdamond runs, the kdamond owns the
 * context's attributes, targets and regions; everybody else reads or changes
 * them only from a function that damon_request() makes the kdamond run.
 */

#ifndef _LINUX_DAMON_H
#define _LINUX_DAMON_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct pid;
struct task_struct;

/* Minimal size of a region: the granularity of the monitoring. */
#define DAMON_MIN_REGION	PAGE_SIZE

/* Denominator of the access rates given in basis points. */
#define DAMON_BP_DENOMINATOR	10000

/**
 * damon_rand() - Get a random number in [@l, @r).
 * @l:	Lower bound, inclusive.
 * @r:	Upper bound, exclusive.  Must be greater than @l.
 *
 * Context: Any context.
 * Return: A random number that is at least @l and less than @r.
 */
static inline unsigned long damon_rand(unsigned long l, unsigned long r)
{
	return l + get_random_u32_below(r - l);
}

/**
 * struct damon_addr_range - A range of addresses.
 * @start:	Start address of the range, inclusive.
 * @end:	End address of the range, exclusive.
 */
struct damon_addr_range {
	unsigned long start;
	unsigned long end;
};

/**
 * struct damon_region - A monitoring region: a range of memory that DAMON
 * assumes is accessed uniformly.
 * @ar:			The address range of the region.
 * @sampling_addr:	Address of the page whose access is checked in the
 *			current sampling interval.
 * @nr_accesses:	Number of sampling intervals of the current aggregation
 *			interval in which the region was found accessed.
 * @nr_accesses_bp:	Moving estimate of the access rate over the last
 *			aggregation interval, in basis points of the maximum
 *			(&DAMON_BP_DENOMINATOR means accessed at every sample).
 *			Unlike @nr_accesses it is meaningful at any time.
 * @last_nr_accesses:	@nr_accesses of the last completed aggregation interval.
 * @age:		Number of aggregation intervals for which the region's
 *			access frequency has stayed about the same.
 * @list:		Link in the regions list of the target.
 *
 * Regions of a target are kept sorted by address and never overlap.
 */
struct damon_region {
	struct damon_addr_range ar;
	unsigned long sampling_addr;
	unsigned int nr_accesses;
	unsigned int nr_accesses_bp;
	unsigned int last_nr_accesses;
	unsigned int age;
	struct list_head list;
};

/**
 * struct damon_target - A monitoring target.
 * @pid:		The process to monitor, for the virtual address
 *			operations sets.  A reference is held while it is set.
 *			NULL for the physical address operations set.
 * @nr_regions:		Number of regions in @regions_list.
 * @regions_list:	The regions of the target, sorted by address.
 * @list:		Link in the targets list of the context.
 */
struct damon_target {
	struct pid *pid;
	unsigned int nr_regions;
	struct list_head regions_list;
	struct list_head list;
};

/**
 * enum damon_ops_id - Identifier of an operations set.
 * @DAMON_OPS_VADDR:	Virtual address spaces of processes.
 * @DAMON_OPS_FVADDR:	Fixed, user-given virtual address ranges of processes.
 * @DAMON_OPS_PADDR:	The physical address space.
 * @NR_DAMON_OPS:	Number of operations sets.
 */
enum damon_ops_id {
	DAMON_OPS_VADDR,
	DAMON_OPS_FVADDR,
	DAMON_OPS_PADDR,
	NR_DAMON_OPS,
};

/* === DAMON-based Operation Schemes (DAMOS) === */

/**
 * enum damos_action - What a scheme does to the regions it selects.
 * @DAMOS_WILLNEED:	madvise(MADV_WILLNEED) the region.
 * @DAMOS_COLD:		madvise(MADV_COLD) the region.
 * @DAMOS_PAGEOUT:	Reclaim the region.
 * @DAMOS_HUGEPAGE:	madvise(MADV_HUGEPAGE) the region.
 * @DAMOS_NOHUGEPAGE:	madvise(MADV_NOHUGEPAGE) the region.
 * @DAMOS_LRU_PRIO:	Move the region's pages to the head of their LRU lists.
 * @DAMOS_LRU_DEPRIO:	Move the region's pages to the tail of their LRU lists.
 * @DAMOS_MIGRATE_HOT:	Migrate the region to &damos.target_nid, hot pages
 *			first.
 * @DAMOS_MIGRATE_COLD:	Migrate the region to &damos.target_nid, cold pages
 *			first.
 * @DAMOS_STAT:		Do nothing but count the region in the statistics.
 * @NR_DAMOS_ACTIONS:	Number of actions.
 *
 * An operations set supports a subset of the actions, given by
 * &damon_operations.supported_actions.
 */
enum damos_action {
	DAMOS_WILLNEED,
	DAMOS_COLD,
	DAMOS_PAGEOUT,
	DAMOS_HUGEPAGE,
	DAMOS_NOHUGEPAGE,
	DAMOS_LRU_PRIO,
	DAMOS_LRU_DEPRIO,
	DAMOS_MIGRATE_HOT,
	DAMOS_MIGRATE_COLD,
	DAMOS_STAT,
	NR_DAMOS_ACTIONS,
};

/**
 * struct damos_access_pattern - The access pattern a scheme selects.
 * @min_sz_region:	Minimum size of a region, in bytes.
 * @max_sz_region:	Maximum size of a region, in bytes.
 * @min_nr_accesses:	Minimum &damon_region.nr_accesses of a region.
 * @max_nr_accesses:	Maximum &damon_region.nr_accesses of a region.
 * @min_age_region:	Minimum &damon_region.age of a region.
 * @max_age_region:	Maximum &damon_region.age of a region.
 *
 * All bounds are inclusive.  A region matches when each of its three
 * properties lies within the bounds.
 */
struct damos_access_pattern {
	unsigned long min_sz_region;
	unsigned long max_sz_region;
	unsigned int min_nr_accesses;
	unsigned int max_nr_accesses;
	unsigned int min_age_region;
	unsigned int max_age_region;
};

/**
 * enum damos_quota_goal_metric - What a quota goal measures.
 * @DAMOS_QUOTA_USER_INPUT:	A value the user feeds in
 *				&damos_quota_goal.current_value.
 * @DAMOS_QUOTA_SOME_MEM_PSI_US: System-wide "some" memory pressure stall
 *				time, in microseconds, accumulated during the
 *				last quota reset interval.
 * @NR_DAMOS_QUOTA_GOAL_METRICS: Number of metrics.
 */
enum damos_quota_goal_metric {
	DAMOS_QUOTA_USER_INPUT,
	DAMOS_QUOTA_SOME_MEM_PSI_US,
	NR_DAMOS_QUOTA_GOAL_METRICS,
};

/**
 * struct damos_quota_goal - A goal the quota of a scheme is tuned toward.
 * @metric:		The metric.
 * @target_value:	The value of @metric to reach.
 * @current_value:	The last value of @metric: set by the user for
 *			&DAMOS_QUOTA_USER_INPUT, measured by the kdamond
 *			otherwise.
 *
 * While @current_value is below @target_value the goal is not reached and the
 * effective quota grows; above it, it shrinks.
 */
struct damos_quota_goal {
	enum damos_quota_goal_metric metric;
	unsigned long target_value;
	unsigned long current_value;
/* private: */
	/* PSI total, in microseconds, at the last measurement. */
	u64 last_psi_total;
	/* Link in &damos_quota.goals. */
	struct list_head list;
};

/**
 * struct damos_quota - Limits on how much a scheme may do.
 * @reset_interval:	Length of a quota window, in milliseconds.
 * @ms:			Time the scheme may spend applying its action per
 *			window, in milliseconds.  0 means no time limit.
 * @sz:			Bytes the scheme may apply its action to per window.
 *			0 means no size limit.
 * @goals:		Goals (&struct damos_quota_goal) that tune the quota.
 * @weight_sz:		Weight of the region size in the priority score, per
 *			mille.
 * @weight_nr_accesses:	Weight of the access frequency in the priority score,
 *			per mille.
 * @weight_age:		Weight of the age in the priority score, per mille.
 * @esz:		The effective size quota of the current window, in
 *			bytes: the smallest of @sz, the bytes @ms allows at the
 *			measured throughput of the action, and the goal-tuned
 *			quota.  ULONG_MAX when nothing limits the scheme.
 *			Written by the kdamond.
 *
 * When the regions a scheme selects exceed @esz, the operations set ranks
 * them with &damon_operations.get_scheme_score and the action is applied to
 * the highest-ranked ones first.  The next window resumes where the last one
 * stopped, so that no region starves.
 */
struct damos_quota {
	unsigned long reset_interval;
	unsigned long ms;
	unsigned long sz;
	struct list_head goals;
	unsigned int weight_sz;
	unsigned int weight_nr_accesses;
	unsigned int weight_age;
	unsigned long esz;
/* private: */
	unsigned long total_charged_sz;
	unsigned long total_charged_ns;
	unsigned long charged_sz;
	unsigned long charged_from;
	struct damon_target *charge_target_from;
	unsigned long charge_addr_from;
	unsigned long esz_bp;
	unsigned int min_score;
};

/**
 * enum damos_wmark_metric - What the watermarks of a scheme measure.
 * @DAMOS_WMARK_NONE:		Nothing: the scheme is always active.
 * @DAMOS_WMARK_FREE_MEM_RATE:	Free memory of the system, per mille.
 * @NR_DAMOS_WMARK_METRICS:	Number of metrics.
 */
enum damos_wmark_metric {
	DAMOS_WMARK_NONE,
	DAMOS_WMARK_FREE_MEM_RATE,
	NR_DAMOS_WMARK_METRICS,
};

/**
 * struct damos_watermarks - When a scheme is active.
 * @metric:	The metric.
 * @interval:	How often @metric is checked, in microseconds.
 * @high:	Above this value, the scheme is deactivated.
 * @mid:	At or below this value, and not below @low, an inactive scheme
 *		is activated.
 * @low:	Below this value, the scheme is deactivated.
 * @activated:	Whether the scheme is active.  Written by the kdamond.
 *
 * While no scheme of a context is active, the kdamond neither monitors nor
 * applies anything; it only checks the watermarks every @interval.  The
 * watermarks are checked in wall-clock time, since the kdamond does not
 * sample while it idles.
 */
struct damos_watermarks {
	enum damos_wmark_metric metric;
	unsigned long interval;
	unsigned long high;
	unsigned long mid;
	unsigned long low;
	bool activated;
/* private: */
	/* jiffies at which @metric is checked next. */
	unsigned long next_check;
};

/**
 * enum damos_filter_type - What a DAMOS filter looks at.
 * @DAMOS_FILTER_TYPE_ANON:	Anonymous pages.  Applied by the ops set.
 * @DAMOS_FILTER_TYPE_MEMCG:	Pages of a memory cgroup.  Applied by the ops
 *				set.
 * @DAMOS_FILTER_TYPE_YOUNG:	Pages accessed since the last check.  Applied
 *				by the ops set.
 * @DAMOS_FILTER_TYPE_ADDR:	An address range.  Applied by the core.
 * @DAMOS_FILTER_TYPE_TARGET:	A monitoring target.  Applied by the core.
 * @NR_DAMOS_FILTER_TYPES:	Number of filter types.
 */
enum damos_filter_type {
	DAMOS_FILTER_TYPE_ANON,
	DAMOS_FILTER_TYPE_MEMCG,
	DAMOS_FILTER_TYPE_YOUNG,
	DAMOS_FILTER_TYPE_ADDR,
	DAMOS_FILTER_TYPE_TARGET,
	NR_DAMOS_FILTER_TYPES,
};

/**
 * struct damos_filter - Excludes memory from the action of a scheme.
 * @type:		What the filter looks at.
 * @matching:		If true, memory that matches @type is excluded;
 *			otherwise memory that does not match is excluded.
 * @memcg_id:		The memory cgroup, for &DAMOS_FILTER_TYPE_MEMCG.
 * @addr_range:		The address range, for &DAMOS_FILTER_TYPE_ADDR.
 * @target_idx:		Index of the target in the context, for
 *			&DAMOS_FILTER_TYPE_TARGET.
 * @list:		Link in &damos.filters.
 *
 * The filters of a scheme are applied in order: memory excluded by a filter
 * is not seen by the later ones.  The core applies the address and target
 * filters before a region counts as tried; the operations set applies the
 * others, per page, when it applies the action.
 */
struct damos_filter {
	enum damos_filter_type type;
	bool matching;
	union {
		unsigned short memcg_id;
		struct damon_addr_range addr_range;
		int target_idx;
	};
	struct list_head list;
};

/**
 * struct damos_stat - Statistics of a scheme.
 * @nr_tried:	Number of regions the scheme tried to apply its action to.
 * @sz_tried:	Total size of those regions, in bytes.
 * @nr_applied:	Number of regions the action was applied to.
 * @sz_applied:	Bytes the action was applied to.
 * @qt_exceeds:	Number of times the quota was exceeded.
 */
struct damos_stat {
	unsigned long nr_tried;
	unsigned long sz_tried;
	unsigned long nr_applied;
	unsigned long sz_applied;
	unsigned long qt_exceeds;
};

/**
 * struct damos - A DAMON-based operation scheme.
 * @pattern:		The access pattern of the regions to act on.
 * @action:		The action.
 * @apply_interval_us:	How often the scheme is applied, in microseconds.
 *			0 means every aggregation interval.
 * @target_nid:		Destination node of the migration actions.
 * @quota:		The quota.
 * @wmarks:		The watermarks.
 * @filters:		The filters (&struct damos_filter), in order.
 * @stat:		The statistics.  Written by the kdamond.
 *
 * Each time a scheme is applied, its action is applied to every region that
 * matches @pattern and passes the core filters, within @quota, while
 * @wmarks say it is active.  The age of a region an action other than
 * &DAMOS_STAT was applied to is reset to zero.
 */
struct damos {
	struct damos_access_pattern pattern;
	enum damos_action action;
	unsigned long apply_interval_us;
	int target_nid;
	struct damos_quota quota;
	struct damos_watermarks wmarks;
	struct list_head filters;
	struct damos_stat stat;
/* private: */
	/* &damon_ctx.passed_sample_intervals when the scheme is due next. */
	unsigned long next_apply_sis;
	/* Link in &damon_ctx.schemes. */
	struct list_head list;
};

/* Highest priority score &damon_operations.get_scheme_score may return. */
#define DAMOS_MAX_SCORE		99

struct damon_ctx;

/**
 * struct damon_operations - An operations set: how DAMON sees one kind of
 * address space.
 * @id:	Identifier of the set.
 * @init:	Set up the initial regions of the targets.
 * @update:	Refresh the target's regions, for example after mmap() or
 *		munmap().
 * @prepare_access_checks:	Pick the sampling address of each region and
 *				clear its Accessed state.
 * @check_accesses:	Check whether the page at each region's sampling
 *			address was accessed since @prepare_access_checks, and
 *			account the result with damon_update_region_access().
 * @get_scheme_score:	Rank a region for a scheme whose quota binds: return a
 *			score in [0, &DAMOS_MAX_SCORE], higher for the
 *			regions the scheme's action should reach first.
 * @apply_scheme:	Apply the action of a scheme to a region, honouring
 *			the filters the operations set handles, and return the
 *			number of bytes the action was applied to.
 * @target_valid:	Tell whether a target can still be monitored.
 * @cleanup:	Release what @init and @update set up.
 * @supported_actions:	Bitmap of the &enum damos_action values the set can
 *			apply (BIT(action)).
 * @supported_filters:	Bitmap of the &enum damos_filter_type values of
 *			filters that the set applies (BIT(type)).  Filters of
 *			the other types that the core does not apply either
 *			are refused.
 *
 * Every hook is optional.  All hooks are called by the kdamond of the
 * context, in process context, and may sleep.  None is called concurrently
 * with another hook of the same context.
 *
 * @init is called once when the kdamond starts, before any other hook.
 * @update is called once every &damon_attrs.ops_update_interval.
 * @prepare_access_checks is called at the start of each sampling interval,
 * @check_accesses at its end; @check_accesses returns the maximum
 * &damon_region.nr_accesses it saw.  @target_valid is called once per
 * sampling interval for each target; a target for which it returns false is
 * no longer monitored, and the kdamond ends when no target is valid.
 * @get_scheme_score and @apply_scheme are called at the end of an
 * aggregation interval, for regions that a scheme selected.
 * @cleanup is called once when the kdamond ends.
 */
struct damon_operations {
	enum damon_ops_id id;
	void (*init)(struct damon_ctx *ctx);
	void (*update)(struct damon_ctx *ctx);
	void (*prepare_access_checks)(struct damon_ctx *ctx);
	unsigned int (*check_accesses)(struct damon_ctx *ctx);
	int (*get_scheme_score)(struct damon_ctx *ctx, struct damon_target *t,
				struct damon_region *r, struct damos *scheme);
	unsigned long (*apply_scheme)(struct damon_ctx *ctx,
				      struct damon_target *t,
				      struct damon_region *r, struct damos *scheme);
	bool (*target_valid)(struct damon_target *t);
	void (*cleanup)(struct damon_ctx *ctx);
	unsigned long supported_actions;
	unsigned long supported_filters;
};

/**
 * struct damon_attrs - Monitoring attributes.
 * @sample_interval:	The sampling interval, in microseconds.
 * @aggr_interval:	The aggregation interval, in microseconds.
 * @ops_update_interval: The interval of &damon_operations.update, in
 *			microseconds.
 * @min_nr_regions:	Minimum number of regions of a context.
 * @max_nr_regions:	Maximum number of regions of a context.
 *
 * The number of regions of a context stays within [@min_nr_regions,
 * @max_nr_regions] as long as the targets are large enough to make
 * @min_nr_regions regions of &DAMON_MIN_REGION size.  The maximum value
 * &damon_region.nr_accesses can take is @aggr_interval / @sample_interval.
 */
struct damon_attrs {
	unsigned long sample_interval;
	unsigned long aggr_interval;
	unsigned long ops_update_interval;
	unsigned long min_nr_regions;
	unsigned long max_nr_regions;
};

/**
 * struct damon_request - A function for a running kdamond to call.
 * @fn:			The function.  Called by the kdamond with the
 *			context it monitors and @arg, in process context, at a
 *			point where it may read and change the context freely.
 * @arg:		Argument of @fn.
 * @after_aggregation:	If true, call @fn only once the next aggregation
 *			interval has ended, so that &damon_region.last_nr_accesses
 *			reflects an interval that completed after the request.
 * @walk_fn:		Optional.  If set, the request first waits for the
 *			next time the schemes are applied, and @walk_fn is
 *			called with @arg for every region a scheme tries
 *			then, with the bytes of the region that passed the
 *			scheme's filters: the whole region if the scheme has
 *			no filter the ops apply, otherwise the bytes a
 *			&DAMOS_STAT scheme was applied to, and 0 for other
 *			actions.  @fn is called after that pass.
 * @result:		Return value of @fn, set once it has been called.
 * @done:		Private: completed when @fn has been called or dropped.
 * @canceled:		Private: true when @fn was dropped without a call.
 * @list:		Private: link in the context's request queue.
 *
 * Filled by the caller of damon_request(), usually on its stack.
 */
struct damon_request {
	int (*fn)(struct damon_ctx *ctx, void *arg);
	void *arg;
	bool after_aggregation;
	void (*walk_fn)(void *arg, struct damon_ctx *ctx, struct damon_target *t,
			struct damon_region *r, struct damos *scheme,
			unsigned long sz_filter_passed);
	int result;
	/* The fields below belong to the core. */
	struct completion done;
	bool canceled;
	struct list_head list;
};

/**
 * struct damon_ctx - A monitoring context.
 * @attrs:	The monitoring attributes.  Change them with damon_set_attrs().
 * @ops:	The operations set.  Set it with damon_select_ops().
 * @targets:	The monitoring targets (&struct damon_target).
 * @schemes:	The operation schemes (&struct damos), in order.
 * @kdamond_lock: Protects @kdamond.
 * @kdamond:	The kdamond thread of the context, or NULL while not running.
 *		Protected by @kdamond_lock.
 * @kdamond_id:	Number in the name of @kdamond.  Protected by @kdamond_lock.
 * @request_lock: Protects @requests.
 * @requests:	Queue of &struct damon_request for the kdamond.  Protected by
 *		@request_lock.
 * @passed_sample_intervals:	Number of sampling intervals the kdamond has
 *				completed.  Used only by the kdamond.
 * @next_aggregation_sis:	@passed_sample_intervals at which the current
 *				aggregation interval ends.  Kdamond only.
 * @next_ops_update_sis:	@passed_sample_intervals at which the next
 *				&damon_operations.update is due.  Kdamond only.
 * @nr_aggregations:		Number of aggregation intervals completed since
 *				the kdamond started.  Kdamond only.
 * @kdamond_idle:	True while the kdamond sleeps because no scheme is
 *			active, so that damon_request() wakes it up.
 *			Protected by @request_lock.
 */
struct damon_ctx {
	struct damon_attrs attrs;
	struct damon_operations ops;
	struct list_head targets;
	struct list_head schemes;

	/* The fields below belong to the core. */
	spinlock_t kdamond_lock;
	struct task_struct *kdamond;
	int kdamond_id;
	spinlock_t request_lock;	/* protects @requests */
	struct list_head requests;
	unsigned long passed_sample_intervals;
	unsigned long next_aggregation_sis;
	unsigned long next_ops_update_sis;
	unsigned long nr_aggregations;
	bool kdamond_idle;
};

static inline struct damon_region *damon_next_region(struct damon_region *r)
{
	return container_of(r->list.next, struct damon_region, list);
}

static inline struct damon_region *damon_prev_region(struct damon_region *r)
{
	return container_of(r->list.prev, struct damon_region, list);
}

static inline struct damon_region *damon_first_region(struct damon_target *t)
{
	return list_first_entry(&t->regions_list, struct damon_region, list);
}

static inline struct damon_region *damon_last_region(struct damon_target *t)
{
	return list_last_entry(&t->regions_list, struct damon_region, list);
}

static inline unsigned long damon_sz_region(struct damon_region *r)
{
	return r->ar.end - r->ar.start;
}

#define damon_for_each_region(r, t) \
	list_for_each_entry(r, &(t)->regions_list, list)

#define damon_for_each_region_from(r, t) \
	list_for_each_entry_from(r, &(t)->regions_list, list)

#define damon_for_each_region_safe(r, next, t) \
	list_for_each_entry_safe(r, next, &(t)->regions_list, list)

#define damon_for_each_target(t, ctx) \
	list_for_each_entry(t, &(ctx)->targets, list)

#define damon_for_each_target_safe(t, next, ctx) \
	list_for_each_entry_safe(t, next, &(ctx)->targets, list)

#define damon_for_each_scheme(s, ctx) \
	list_for_each_entry(s, &(ctx)->schemes, list)

#define damon_for_each_scheme_safe(s, next, ctx) \
	list_for_each_entry_safe(s, next, &(ctx)->schemes, list)

#define damos_for_each_filter(f, scheme) \
	list_for_each_entry(f, &(scheme)->filters, list)

#define damos_for_each_filter_safe(f, next, scheme) \
	list_for_each_entry_safe(f, next, &(scheme)->filters, list)

#define damos_for_each_quota_goal(g, quota) \
	list_for_each_entry(g, &(quota)->goals, list)

#define damos_for_each_quota_goal_safe(g, next, quota) \
	list_for_each_entry_safe(g, next, &(quota)->goals, list)

#ifdef CONFIG_DAMON

struct damon_region *damon_new_region(unsigned long start, unsigned long end);
void damon_add_region(struct damon_region *r, struct damon_target *t);
void damon_insert_region(struct damon_region *r, struct damon_region *prev,
			 struct damon_region *next, struct damon_target *t);
void damon_destroy_region(struct damon_region *r, struct damon_target *t);
int damon_set_regions(struct damon_target *t, struct damon_addr_range *ranges,
		      unsigned int nr_ranges);
void damon_update_region_access(struct damon_region *r, bool accessed,
				const struct damon_attrs *attrs);

struct damon_target *damon_new_target(void);
void damon_add_target(struct damon_ctx *ctx, struct damon_target *t);
bool damon_targets_empty(struct damon_ctx *ctx);
void damon_destroy_target(struct damon_target *t);
unsigned int damon_nr_regions(struct damon_target *t);

struct damon_ctx *damon_new_ctx(void);
void damon_destroy_ctx(struct damon_ctx *ctx);
int damon_set_attrs(struct damon_ctx *ctx, const struct damon_attrs *attrs);
unsigned int damon_max_nr_accesses(const struct damon_attrs *attrs);
int damon_commit_ctx(struct damon_ctx *dst, struct damon_ctx *src);

struct damos *damon_new_scheme(const struct damos_access_pattern *pattern,
			       enum damos_action action,
			       unsigned long apply_interval_us,
			       const struct damos_quota *quota,
			       const struct damos_watermarks *wmarks,
			       int target_nid);
void damon_add_scheme(struct damon_ctx *ctx, struct damos *s);
void damon_destroy_scheme(struct damos *s);

struct damos_filter *damos_new_filter(enum damos_filter_type type,
				      bool matching);
void damos_add_filter(struct damos *s, struct damos_filter *f);
void damos_destroy_filter(struct damos_filter *f);

struct damos_quota_goal *
damos_new_quota_goal(enum damos_quota_goal_metric metric,
		     unsigned long target_value);
void damos_add_quota_goal(struct damos_quota *q, struct damos_quota_goal *g);
void damos_destroy_quota_goal(struct damos_quota_goal *g);

int damon_register_ops(struct damon_operations *ops);
bool damon_is_registered_ops(enum damon_ops_id id);
int damon_select_ops(struct damon_ctx *ctx, enum damon_ops_id id);

bool damon_is_running(struct damon_ctx *ctx);
int damon_kdamond_pid(struct damon_ctx *ctx);
int damon_start(struct damon_ctx **ctxs, int nr_ctxs, bool exclusive);
int damon_stop(struct damon_ctx **ctxs, int nr_ctxs);
int damon_request(struct damon_ctx *ctx, struct damon_request *req);

#endif	/* CONFIG_DAMON */

#endif	/* _LINUX_DAMON_H */
