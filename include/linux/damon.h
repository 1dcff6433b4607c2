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
 * @target_valid:	Tell whether a target can still be monitored.
 * @cleanup:	Release what @init and @update set up.
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
 * @cleanup is called once when the kdamond ends.
 */
struct damon_operations {
	enum damon_ops_id id;
	void (*init)(struct damon_ctx *ctx);
	void (*update)(struct damon_ctx *ctx);
	void (*prepare_access_checks)(struct damon_ctx *ctx);
	unsigned int (*check_accesses)(struct damon_ctx *ctx);
	bool (*target_valid)(struct damon_target *t);
	void (*cleanup)(struct damon_ctx *ctx);
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
	int result;
/* private: */
	struct completion done;
	bool canceled;
	struct list_head list;
};

/**
 * struct damon_ctx - A monitoring context.
 * @attrs:	The monitoring attributes.  Change them with damon_set_attrs().
 * @ops:	The operations set.  Set it with damon_select_ops().
 * @targets:	The monitoring targets (&struct damon_target).
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
 */
struct damon_ctx {
	struct damon_attrs attrs;
	struct damon_operations ops;
	struct list_head targets;

/* private: */
	struct mutex kdamond_lock;
	struct task_struct *kdamond;
	int kdamond_id;
	spinlock_t request_lock;
	struct list_head requests;
	unsigned long passed_sample_intervals;
	unsigned long next_aggregation_sis;
	unsigned long next_ops_update_sis;
	unsigned long nr_aggregations;
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
