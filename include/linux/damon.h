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
 * The few fields that other threads touch while the kdamond runs say which
 * lock protects them.
 *
 * The header reads top down:
 *
 * - what is monitored: address ranges, regions, targets and their walkers;
 * - DAMOS: actions, what selects the memory they act on (access patterns,
 *   filters), what limits them (quotas, quota goals, watermarks), their
 *   statistics, and the scheme that ties all of these together;
 * - how it is monitored: operations sets, attributes, requests, contexts;
 * - the functions of the API.
 */

#ifndef _LINUX_DAMON_H
#define _LINUX_DAMON_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct damon_ctx;
struct damos;
struct pid;
struct task_struct;

/* === Monitoring targets and their regions === */

/**
 * struct damon_addr_range - A half-open range of addresses, [@start, @end).
 * @start:	First address in the range.
 * @end:	First address past the range.
 */
struct damon_addr_range {
	unsigned long start;
	unsigned long end;
};

/**
 * struct damon_size_range - A closed range of sizes, [@min, @max].
 * @min:	Smallest size in the range.
 * @max:	Largest size in the range.
 */
struct damon_size_range {
	unsigned long min;
	unsigned long max;
};

/* Granularity of the monitoring: no region is smaller, and all are aligned. */
#define DAMON_MIN_REGION	PAGE_SIZE

/* &damon_region.nr_accesses_bp of a region found accessed at every sample. */
#define DAMON_BP_DENOMINATOR	10000

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
 * @seen:		Where in the region accesses were found in the current
 *			aggregation interval.  Private to the core and the
 *			operations sets (mm/damon/ops-internal.h).
 * @hot_edges:		Which edges of the region touched accessed memory at
 *			the end of the last aggregation interval.  Private to
 *			the core and the operations sets.
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
	struct damon_addr_range seen;
	unsigned int hot_edges;
	struct list_head list;
};

/**
 * struct damon_target - Something to monitor: one address space, or a part
 * of one.
 * @list:		Link in &damon_ctx.targets.
 * @pid:		The monitored process, for the virtual address
 *			operations sets, with a reference held on it; the
 *			reference is dropped when the target is destroyed.
 *			NULL for the physical address operations set.
 * @regions_list:	The &struct damon_region list of the target, in address
 *			order.
 * @nr_regions:		Length of @regions_list.
 *
 * A target belongs to one context and follows its ownership rule.  The
 * operations set fills @regions_list when the kdamond starts, unless the user
 * did with damon_set_regions(); the core then splits and merges the regions,
 * and the operations set may move their edges in &damon_operations.update.
 */
struct damon_target {
	struct list_head list;
	struct pid *pid;
	struct list_head regions_list;
	unsigned int nr_regions;
};

#define damon_for_each_target(t, ctx) \
	list_for_each_entry(t, &(ctx)->targets, list)

#define damon_for_each_target_safe(t, next, ctx) \
	list_for_each_entry_safe(t, next, &(ctx)->targets, list)

#define damon_for_each_region(r, t) \
	list_for_each_entry(r, &(t)->regions_list, list)

#define damon_for_each_region_from(r, t) \
	list_for_each_entry_from(r, &(t)->regions_list, list)

#define damon_for_each_region_safe(r, next, t) \
	list_for_each_entry_safe(r, next, &(t)->regions_list, list)

/* The lowest region of a target that has at least one. */
static inline struct damon_region *damon_first_region(struct damon_target *t)
{
	return list_first_entry(&t->regions_list, struct damon_region, list);
}

/* The highest region of a target that has at least one. */
static inline struct damon_region *damon_last_region(struct damon_target *t)
{
	return list_last_entry(&t->regions_list, struct damon_region, list);
}

/* The region above @r; @r must not be the last one of its target. */
static inline struct damon_region *damon_next_region(struct damon_region *r)
{
	return list_next_entry(r, list);
}

/* The region below @r; @r must not be the first one of its target. */
static inline struct damon_region *damon_prev_region(struct damon_region *r)
{
	return list_prev_entry(r, list);
}

/* Size of @r in bytes. */
static inline unsigned long damon_sz_region(struct damon_region *r)
{
	return r->ar.end - r->ar.start;
}

/* === DAMON-based Operation Schemes (DAMOS) === */

/**
 * enum damos_action - What a scheme does to the memory it selects.
 * @DAMOS_STAT:		Nothing: the memory is only counted in &damos.stat.
 *			Being zero, it is what a zero-filled scheme does.
 * @DAMOS_PAGEOUT:	Reclaim the memory now.
 * @DAMOS_COLD:		madvise(MADV_COLD): make the memory the first to be
 *			reclaimed.
 * @DAMOS_LRU_DEPRIO:	Move the pages to the tail of their LRU lists.
 * @DAMOS_NOHUGEPAGE:	madvise(MADV_NOHUGEPAGE).
 * @DAMOS_MIGRATE_COLD:	Migrate the memory to node &damos.target_nid, in the
 *			order of its coldness.
 * @DAMOS_WILLNEED:	madvise(MADV_WILLNEED): read the memory in ahead.
 * @DAMOS_LRU_PRIO:	Move the pages to the head of their LRU lists.
 * @DAMOS_HUGEPAGE:	madvise(MADV_HUGEPAGE).
 * @DAMOS_MIGRATE_HOT:	Migrate the memory to node &damos.target_nid, in the
 *			order of its hotness.
 * @NR_DAMOS_ACTIONS:	Number of actions.
 *
 * After the statistics-only action come the actions meant for cold memory,
 * then those meant for hot memory.  Each operations set applies only some of
 * them (&damon_operations.supported_actions).
 */
enum damos_action {
	DAMOS_STAT,
	DAMOS_PAGEOUT,
	DAMOS_COLD,
	DAMOS_LRU_DEPRIO,
	DAMOS_NOHUGEPAGE,
	DAMOS_MIGRATE_COLD,
	DAMOS_WILLNEED,
	DAMOS_LRU_PRIO,
	DAMOS_HUGEPAGE,
	DAMOS_MIGRATE_HOT,
	NR_DAMOS_ACTIONS,
};

/**
 * struct damos_access_pattern - Which regions a scheme selects.
 * @min_nr_accesses:	Lowest &damon_region.nr_accesses selected.
 * @max_nr_accesses:	Highest &damon_region.nr_accesses selected.
 * @min_age_region:	Lowest &damon_region.age selected.
 * @max_age_region:	Highest &damon_region.age selected.
 * @min_sz_region:	Smallest region selected, in bytes.
 * @max_sz_region:	Largest region selected, in bytes.
 *
 * Each line of the struct is one closed interval; a region is selected when
 * its access frequency, its age and its size all fall in theirs.
 */
struct damos_access_pattern {
	unsigned int min_nr_accesses, max_nr_accesses;
	unsigned int min_age_region, max_age_region;
	unsigned long min_sz_region, max_sz_region;
};

/**
 * enum damos_filter_type - What a DAMOS filter matches memory by.
 * @DAMOS_FILTER_TYPE_ADDR:	Its address, against &damos_filter.addr_range.
 * @DAMOS_FILTER_TYPE_TARGET:	Its monitoring target, against
 *				&damos_filter.target_idx.
 * @DAMOS_FILTER_TYPE_ANON:	Whether it is anonymous.
 * @DAMOS_FILTER_TYPE_MEMCG:	Its memory cgroup, against
 *				&damos_filter.memcg_id.
 * @DAMOS_FILTER_TYPE_YOUNG:	Whether it was accessed since the last check.
 * @DAMOS_FILTER_TYPE_ACTIVE:	Whether it is on an active LRU list.
 * @DAMOS_FILTER_TYPE_HUGEPAGE_SIZE: The size of the folio holding it, against
 *				&damos_filter.sz_range.
 * @DAMOS_FILTER_TYPE_UNMAPPED:	Whether no page table maps it.
 * @NR_DAMOS_FILTER_TYPES:	Number of filter types.
 *
 * The core applies the first two types, to whole regions or parts of them;
 * the operations set applies the others, page by page, if it lists them in
 * &damon_operations.supported_filters.  The last three come from later
 * kernels (Linux 6.15).
 */
enum damos_filter_type {
	DAMOS_FILTER_TYPE_ADDR,
	DAMOS_FILTER_TYPE_TARGET,
	DAMOS_FILTER_TYPE_ANON,
	DAMOS_FILTER_TYPE_MEMCG,
	DAMOS_FILTER_TYPE_YOUNG,
	DAMOS_FILTER_TYPE_ACTIVE,
	DAMOS_FILTER_TYPE_HUGEPAGE_SIZE,
	DAMOS_FILTER_TYPE_UNMAPPED,
	NR_DAMOS_FILTER_TYPES,
};

/**
 * struct damos_filter - A rule that keeps memory out of a scheme's action,
 * or lets it in.
 * @list:	Link in &damos.filters.
 * @type:	What the filter matches memory by.
 * @matching:	Which memory the filter decides for: the memory that matches
 *		if true, the memory that does not if false.
 * @allow:	What it decides: let the memory in if true, keep it out if
 *		false.
 * @addr_range:	What &DAMOS_FILTER_TYPE_ADDR matches.
 * @target_idx:	What &DAMOS_FILTER_TYPE_TARGET matches: the position of the
 *		target in &damon_ctx.targets, from 0.
 * @memcg_id:	What &DAMOS_FILTER_TYPE_MEMCG matches: a memory cgroup id.
 * @sz_range:	What &DAMOS_FILTER_TYPE_HUGEPAGE_SIZE matches: folio sizes,
 *		in bytes, from @sz_range.min to @sz_range.max included.
 *
 * The core filters run first, then the filters of the operations set, each
 * group in list order.  The first filter that decides for some memory
 * decides alone: the next ones do not look at it.  Memory that no filter
 * decides for is kept out if the last filter to run lets memory in, and
 * let in otherwise; with only reject filters (@allow false), as in 6.12,
 * the filters only keep memory out.  The core filters are checked before a
 * region counts in &damos_stat.nr_tried.
 */
struct damos_filter {
	struct list_head list;
	enum damos_filter_type type;
	bool matching;
	bool allow;
	union {
		struct damon_addr_range addr_range;
		int target_idx;
		unsigned short memcg_id;
		struct damon_size_range sz_range;
	};
};

#define damos_for_each_filter(f, scheme) \
	list_for_each_entry(f, &(scheme)->filters, list)

#define damos_for_each_filter_safe(f, next, scheme) \
	list_for_each_entry_safe(f, next, &(scheme)->filters, list)

/**
 * enum damos_wmark_metric - What decides whether a scheme is active.
 * @DAMOS_WMARK_NONE:		Nothing: the scheme is always active.
 * @DAMOS_WMARK_FREE_MEM_RATE:	Free memory of the system, per mille of the
 *				total.
 * @NR_DAMOS_WMARK_METRICS:	Number of metrics.
 */
enum damos_wmark_metric {
	DAMOS_WMARK_NONE,
	DAMOS_WMARK_FREE_MEM_RATE,
	NR_DAMOS_WMARK_METRICS,
};

/**
 * struct damos_watermarks - Turn a scheme on and off with a system metric.
 * @interval:	Microseconds between two readings of @metric.
 * @metric:	The metric.
 * @high:	An active scheme is turned off when @metric goes above this.
 * @mid:	An inactive scheme is turned on when @metric is at or below
 *		this, but not below @low.
 * @low:	An active scheme is turned off when @metric goes below this.
 * @activated:	Whether the scheme is on.  Written by the kdamond.
 *
 * @metric is read in wall-clock time: while no scheme of a context is on, the
 * kdamond stops monitoring and only sleeps and reads the watermarks.
 */
struct damos_watermarks {
	unsigned long interval;
	enum damos_wmark_metric metric;
	unsigned long high, mid, low;
	bool activated;
/* private: */
	/* jiffies of the next reading of @metric. */
	unsigned long next_check;
};

/**
 * enum damos_quota_goal_metric - What a quota goal measures.
 * @DAMOS_QUOTA_USER_INPUT:	Whatever the user writes in
 *				&damos_quota_goal.current_value.
 * @DAMOS_QUOTA_SOME_MEM_PSI_US: Time, in microseconds, during which some
 *				task of the system stalled on memory, over the
 *				last quota window (the "some" line of
 *				/proc/pressure/memory).
 * @NR_DAMOS_QUOTA_GOAL_METRICS: Number of metrics.
 */
enum damos_quota_goal_metric {
	DAMOS_QUOTA_USER_INPUT,
	DAMOS_QUOTA_SOME_MEM_PSI_US,
	NR_DAMOS_QUOTA_GOAL_METRICS,
};

/**
 * struct damos_quota_goal - A value a scheme's quota is tuned to reach.
 * @list:		Link in &damos_quota.goals.
 * @metric:		What is measured.
 * @current_value:	The latest measure: written by the user for
 *			&DAMOS_QUOTA_USER_INPUT, by the kdamond at the start
 *			of each quota window for the other metrics.
 * @target_value:	The measure to reach.
 *
 * A goal below its target asks for more work from the scheme, so the quota
 * grows; one above asks for less, so the quota shrinks.  With several goals,
 * the one furthest ahead of its target decides.
 */
struct damos_quota_goal {
	struct list_head list;
	enum damos_quota_goal_metric metric;
	unsigned long current_value;
	unsigned long target_value;
/* private: */
	/* Cumulative PSI stall time, in microseconds, at the last measure. */
	u64 last_psi_total;
};

#define damos_for_each_quota_goal(g, quota) \
	list_for_each_entry(g, &(quota)->goals, list)

#define damos_for_each_quota_goal_safe(g, next, quota) \
	list_for_each_entry_safe(g, next, &(quota)->goals, list)

/**
 * struct damos_quota - How much a scheme may do per quota window.
 * @reset_interval:	Length of a quota window, in milliseconds.
 * @sz:			Bytes the action may be applied to per window; 0 for
 *			no limit.
 * @ms:			Milliseconds the action may take per window; 0 for no
 *			limit.
 * @goals:		The &struct damos_quota_goal list that tunes the quota.
 * @weight_nr_accesses:	Relative weight of a region's access frequency in
 *			its score.
 * @weight_age:		Relative weight of a region's age in its score.
 * @weight_sz:		Relative weight of a region's size in its score.
 * @esz:		The effective quota of the current window, in bytes:
 *			the tightest of @sz, of what @ms allows at the speed
 *			the action has shown so far, and of what @goals ask
 *			for.  ULONG_MAX when none of them applies.  Written by
 *			the kdamond when a window starts.
 *
 * When a scheme selects more than @esz bytes, the kdamond asks
 * &damon_operations.get_scheme_score for a score of each region (the weights
 * say how much each property counts) and serves the best-scored regions
 * first.  A window that runs out resumes, in the next one, at the region
 * where it stopped, so that no region is starved.
 */
struct damos_quota {
	unsigned long reset_interval;
	unsigned long sz;
	unsigned long ms;
	struct list_head goals;
	unsigned int weight_nr_accesses;
	unsigned int weight_age;
	unsigned int weight_sz;
	unsigned long esz;
/* private: */
	/* The current window: when it began, in sampling intervals, ... */
	unsigned long charged_from;
	/* ... bytes charged so far, ... */
	unsigned long charged_sz;
	/* ... the lowest score it still serves, ... */
	unsigned int min_score;
	/* ... and whether it ran out, counted in &damos_stat.qt_exceeds. */
	bool ran_out;
	/* Where the last window ran out, to resume from there. */
	struct damon_target *charge_target_from;
	unsigned long charge_addr_from;
	/* Time and bytes charged since the scheme started: its speed. */
	unsigned long total_charged_ns;
	unsigned long total_charged_sz;
	/* The quota the goals ask for, in bytes. */
	unsigned long esz_bp;
};

/**
 * struct damos_stat - What a scheme has done since it was installed.
 * @nr_tried:	Regions it selected and tried to apply its action to.
 * @sz_tried:	Their total size, in bytes.
 * @nr_applied:	Regions the action was applied to, at least in part.
 * @sz_applied:	Bytes the action was applied to.
 * @sz_ops_filter_passed: Bytes of the tried regions that passed the filters
 *		the operations set applies (all of a region without such
 *		filters).
 * @qt_exceeds:	Quota windows that ran out: in which the bytes the scheme
 *		was applied to reached its effective quota.  Each window
 *		counts once.
 *
 * Written by the kdamond only.
 */
struct damos_stat {
	unsigned long nr_tried, sz_tried;
	unsigned long nr_applied, sz_applied;
	unsigned long sz_ops_filter_passed;
	unsigned long qt_exceeds;
};

/**
 * struct damos - A DAMON-based operation scheme: an action applied to the
 * regions of an access pattern.
 * @action:		The action.
 * @target_nid:		The node the migration actions move memory to.
 * @pattern:		Which regions are selected.
 * @filters:		The &struct damos_filter list that keeps memory of the
 *			selected regions out of the action.
 * @apply_interval_us:	How often the scheme is applied, in microseconds; 0
 *			for the end of every aggregation interval.  A shorter
 *			interval than the aggregation interval is fine: see
 *			damon_nr_accesses_now().
 * @wmarks:		When the scheme is active.
 * @quota:		How much the scheme may do.
 * @stat:		What the scheme has done.
 *
 * Whenever the scheme is due and active, the kdamond goes through the regions
 * that match @pattern, lets @filters keep memory out, and applies @action to
 * the rest within @quota.  A region that any action but &DAMOS_STAT was
 * tried on starts aging again from zero, whether or not the action found
 * something to act on in it.
 */
struct damos {
	enum damos_action action;
	int target_nid;
	struct damos_access_pattern pattern;
	struct list_head filters;
	unsigned long apply_interval_us;
	struct damos_watermarks wmarks;
	struct damos_quota quota;
	struct damos_stat stat;
/* private: */
	/* Link in &damon_ctx.schemes. */
	struct list_head list;
	/*
	 * &damon_ctx.passed_sample_intervals at which the scheme is due, if
	 * it has an apply interval.
	 */
	unsigned long next_apply_sis;
	/*
	 * Highest &damon_request.walk_seq the scheme has served: it walks
	 * the requests above it, the next time it is applied.
	 */
	unsigned long walk_seq;
	/*
	 * Whether a core filter let the region being applied in: the filters
	 * of the operations set then leave it alone.  Set by the kdamond
	 * before it calls &damon_operations.apply_scheme.
	 */
	bool core_filters_allowed;
};

#define damon_for_each_scheme(s, ctx) \
	list_for_each_entry(s, &(ctx)->schemes, list)

#define damon_for_each_scheme_safe(s, next, ctx) \
	list_for_each_entry_safe(s, next, &(ctx)->schemes, list)

/* === Operations sets, attributes and contexts === */

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

/* Highest score &damon_operations.get_scheme_score may give a region. */
#define DAMOS_MAX_SCORE		99

/**
 * struct damon_operations - An operations set: what DAMON needs to know
 * about one kind of address space.
 * @id:	Identifier of the set.
 * @supported_actions:	BIT() of each &enum damos_action the set can apply.
 * @supported_filters:	BIT() of each &enum damos_filter_type the set
 *			applies itself.  A scheme with a filter that neither
 *			the set nor the core applies is refused.
 * @init:	Build the first regions of each target that has none.
 * @cleanup:	Free what @init and @update set up.
 * @target_valid:	Say whether a target can still be monitored (its
 *			process may have exited).
 * @update:	Follow changes of the address spaces, for example mmap() and
 *		munmap(), by moving region edges.
 * @prepare_access_checks:	Pick the sampling address of each region and
 *				clear its Accessed state.
 * @check_accesses:	Check whether the page at each region's sampling
 *			address was accessed since @prepare_access_checks, and
 *			account the result with damon_update_region_access().
 *			It may also report other pages of the region it found
 *			accessed, which guides the split of the region (see
 *			mm/damon/ops-internal.h).
 * @get_scheme_score:	Rank a region for a scheme whose quota binds: return a
 *			score in [0, &DAMOS_MAX_SCORE], the higher the sooner
 *			the scheme's action should reach the region.
 * @apply_scheme:	Apply a scheme's action to a region, after the filters
 *			of &supported_filters, and return how many bytes it
 *			was applied to.  The filters are skipped when a core
 *			filter let the region in (the private
 *			core_filters_allowed of &struct damos).  The bytes
 *			that passed the filters applied here, whether or not
 *			the action then succeeded on them, go to
 *			*@sz_filter_passed, which holds the size of the
 *			region on entry: a hook that applies no filter to the
 *			region leaves it alone.
 *
 * Any hook may be NULL.  Only the kdamond of the context calls them, in
 * process context, one at a time; they may sleep.  In the life of a kdamond:
 *
 * - @init, once, first of all;
 * - @target_valid, for every target, once per sampling interval: a target
 *   found invalid is no longer monitored, and the kdamond stops when none is
 *   left;
 * - @update, once per &damon_attrs.ops_update_interval;
 * - @prepare_access_checks when a sampling interval begins, and
 *   @check_accesses when it ends, returning the highest
 *   &damon_region.nr_accesses it saw;
 * - @get_scheme_score and @apply_scheme when a scheme is applied, for the
 *   regions it selected;
 * - @cleanup, once, last of all.
 */
struct damon_operations {
	enum damon_ops_id id;
	unsigned long supported_actions;
	unsigned long supported_filters;
	void (*init)(struct damon_ctx *ctx);
	void (*cleanup)(struct damon_ctx *ctx);
	bool (*target_valid)(struct damon_target *t);
	void (*update)(struct damon_ctx *ctx);
	void (*prepare_access_checks)(struct damon_ctx *ctx);
	unsigned int (*check_accesses)(struct damon_ctx *ctx);
	int (*get_scheme_score)(struct damon_ctx *ctx, struct damon_target *t,
				struct damon_region *r, struct damos *scheme);
	unsigned long (*apply_scheme)(struct damon_ctx *ctx,
				      struct damon_target *t,
				      struct damon_region *r, struct damos *scheme,
				      unsigned long *sz_filter_passed);
};

/**
 * struct damon_intervals_goal - Goal of the sampling interval auto-tuning.
 * @access_bp:		Share of the access events that could be seen that the
 *			regions should see, in basis points of
 *			&DAMON_BP_DENOMINATOR: the mean of nr_accesses over
 *			the most it can be, weighted by region size.
 * @aggrs:		Aggregation intervals per tuning step; 0 turns the
 *			tuning off.
 * @min_sample_us:	Shortest sampling interval the tuning sets.
 * @max_sample_us:	Longest sampling interval the tuning sets.
 *
 * Every @aggrs aggregation intervals, the kdamond compares the share of
 * access events the regions saw in them with @access_bp, and lengthens the
 * sampling interval when they saw too few, shortens it when they saw too
 * many.  The aggregation interval follows, so that the number of samples
 * per aggregation interval does not change.
 */
struct damon_intervals_goal {
	unsigned long access_bp;
	unsigned long aggrs;
	unsigned long min_sample_us;
	unsigned long max_sample_us;
};

/**
 * struct damon_attrs - How finely and how often a context monitors.
 * @sample_interval:	Microseconds between two access checks of a region.
 * @aggr_interval:	Microseconds over which the checks are summed up in
 *			&damon_region.nr_accesses before the regions are merged
 *			and split again.
 * @ops_update_interval: Microseconds between two calls of
 *			&damon_operations.update.
 * @min_nr_regions:	Fewest regions the context keeps, over all targets.
 * @max_nr_regions:	Most regions the context keeps, over all targets.
 * @intervals_goal:	Goal of the sampling interval auto-tuning, which
 *			changes @sample_interval and @aggr_interval of a
 *			running context when &damon_intervals_goal.aggrs is
 *			not 0.
 *
 * A region is found accessed at most @aggr_interval / @sample_interval times
 * per aggregation interval.  The region count stays in [@min_nr_regions,
 * @max_nr_regions] unless the targets are too small to hold @min_nr_regions
 * regions of &DAMON_MIN_REGION bytes.
 */
struct damon_attrs {
	unsigned long sample_interval;
	unsigned long aggr_interval;
	unsigned long ops_update_interval;
	unsigned long min_nr_regions, max_nr_regions;
	struct damon_intervals_goal intervals_goal;
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
 * @walk_fn:		Optional.  If set, the request first waits until
 *			every active scheme has been applied once, and
 *			@walk_fn is called with @arg for every region each
 *			scheme tries in that application, with the bytes of
 *			the region that passed the scheme's filters: the
 *			whole region if the scheme has no filter the ops
 *			apply, otherwise the bytes a &DAMOS_STAT scheme was
 *			applied to, and 0 for other actions.  @fn is called
 *			after the last of these applications.
 * @result:		Return value of @fn, set once it has been called.
 * @done:		Private: completed when @fn has been called or dropped.
 * @canceled:		Private: true when @fn was dropped without a call.
 * @claimed:		Private: true once the kdamond took the request off
 *			the queue to call it; its waiter can no longer take
 *			it back.
 * @abandoned:		Private: true once the waiter gave up on the request
 *			while it was claimed.
 * @aggregated:		Private: true once an aggregation interval ended
 *			after the request was queued.
 * @walk_seq:		Private: orders the walks, see &damos.walk_seq.
 * @list:		Private: link in the context's request queue, then in
 *			the kdamond's list of claimed requests.
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
	bool claimed;
	bool abandoned;
	bool aggregated;
	struct list_head list;
	unsigned long walk_seq;
};

/**
 * struct damon_ctx - A monitoring context.
 * @ops:	The operations set.  Set it with damon_select_ops().
 * @attrs:	The monitoring attributes.  Change them with damon_set_attrs().
 * @targets:	The &struct damon_target list.
 * @schemes:	The &struct damos list, in the order the schemes are applied.
 * @after_aggregation: Optional.  Called by the kdamond at the end of every
 *		aggregation interval, once the regions were merged and split
 *		and the counts of the interval moved to
 *		&damon_region.last_nr_accesses, to read the results in place.
 *		It runs in the kdamond, like a function of damon_request(),
 *		and should be quick.  Set it before the context starts.
 * @run_lock:	Serialises starting and stopping the context.
 * @kdamond_lock: Protects @kdamond and @kdamond_id.
 * @kdamond:	The thread monitoring the context, or NULL when the context
 *		does not run.  Protected by @kdamond_lock.
 * @kdamond_id:	Number in the name of @kdamond.  Protected by @kdamond_lock.
 * @requests:	The &struct damon_request queue of the kdamond.  Protected by
 *		a lock of the core shared by all contexts (see "requests" in
 *		mm/damon/core.c).
 * @kdamond_idle: True while the kdamond sleeps because no scheme is active,
 *		so that damon_request() wakes it up.  Protected by the lock
 *		of @requests.
 * @passed_sample_intervals:	Sampling intervals completed since the kdamond
 *				started.  Kdamond only.
 * @nr_aggregations:		Aggregation intervals completed since the
 *				kdamond started.  Kdamond only.
 * @next_aggregation_sis:	@passed_sample_intervals at the end of the
 *				current aggregation interval.  Kdamond only.
 * @next_ops_update_sis:	@passed_sample_intervals at which
 *				&damon_operations.update is due.  Kdamond only.
 * @tune_nr_aggrs:		Aggregation intervals completed since the last
 *				step of the sampling interval auto-tuning.
 *				Kdamond only.
 * @tune_access_bp:		Sum of the shares of access events seen in
 *				those intervals, in basis points.  Kdamond
 *				only.
 * @rnd_state:	State of damon_rand().  Kdamond only.
 *
 * The first five fields follow the ownership rule of the header comment.
 */
struct damon_ctx {
	struct damon_operations ops;
	struct damon_attrs attrs;
	struct list_head targets;
	struct list_head schemes;
	void (*after_aggregation)(struct damon_ctx *ctx);

	/* The fields below belong to the core. */
	struct mutex run_lock;
	spinlock_t kdamond_lock;	/* protects @kdamond, @kdamond_id */
	struct task_struct *kdamond;
	int kdamond_id;

	struct list_head requests;
	bool kdamond_idle;

	unsigned long passed_sample_intervals;
	unsigned long nr_aggregations;
	unsigned long next_aggregation_sis;
	unsigned long next_ops_update_sis;
	unsigned long tune_nr_aggrs;
	u64 tune_access_bp;
	struct rnd_state rnd_state;
};

/* === The kernel API === */

#ifdef CONFIG_DAMON

struct damon_ctx *damon_new_ctx(void);
void damon_destroy_ctx(struct damon_ctx *ctx);
int damon_set_attrs(struct damon_ctx *ctx, const struct damon_attrs *attrs);
unsigned int damon_max_nr_accesses(const struct damon_attrs *attrs);
unsigned int damon_nr_accesses_now(const struct damon_ctx *ctx,
				   const struct damon_region *r);
int damon_commit_ctx(struct damon_ctx *dst, struct damon_ctx *src);

int damon_register_ops(struct damon_operations *ops);
bool damon_is_registered_ops(enum damon_ops_id id);
int damon_select_ops(struct damon_ctx *ctx, enum damon_ops_id id);
unsigned long damon_rand(struct damon_ctx *ctx, unsigned long l,
			 unsigned long r);

int damon_start(struct damon_ctx **ctxs, int nr_ctxs, bool exclusive);
int damon_stop(struct damon_ctx **ctxs, int nr_ctxs);
bool damon_is_running(struct damon_ctx *ctx);
int damon_kdamond_pid(struct damon_ctx *ctx);
int damon_request(struct damon_ctx *ctx, struct damon_request *req);
int damon_request_queue(struct damon_ctx *ctx, struct damon_request *req);
int damon_request_wait(struct damon_request *req);

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
struct pid *damon_find_target_pid(pid_t nr);
void damon_add_target(struct damon_ctx *ctx, struct damon_target *t);
void damon_destroy_target(struct damon_target *t);
bool damon_targets_empty(struct damon_ctx *ctx);
unsigned int damon_nr_regions(struct damon_target *t);

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

#endif	/* CONFIG_DAMON */

#endif	/* _LINUX_DAMON_H */
