// SPDX-License-Identifier: GPL-2.0
/*
 * Code shared by the DAMOS-based modules, DAMON_RECLAIM and DAMON_LRU_SORT:
 * building a physical address context from the inputs, and the module
 * parameters that start, change and stop it.
 *
 * Map of this file:
 *   System RAM			the default monitoring ranges
 *   building a context		from &struct damon_module_inputs
 *   running the module		start, stop, commit, statistics
 *   parameter handlers		enabled, commit_inputs, kdamond_pid, stats
 *   start-up			the late initcall of each module
 *
 * Locking: the handlers of module parameters run with the module parameter
 * lock held (kernel_param_lock()), which also protects the plain input
 * parameters; they take &damon_module.lock inside it.  The kdamond never
 * takes either lock, and reads no input: it only runs the functions that
 * damon_request() hands it, with contexts built beforehand.  So a handler
 * may wait for the kdamond while holding both locks.
 */

#define pr_fmt(fmt) "damon: " fmt

#include <linux/cleanup.h>
#include <linux/err.h>
#include <linux/ioport.h>
#include <linux/kstrtox.h>
#include <linux/limits.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/numa.h>
#include <linux/slab.h>
#include <linux/time64.h>
#include <kunit/visibility.h>

#include "modules-common.h"

/* === System RAM === */

/*
 * damon_module_ram_add() - Append [@start, @end) to @ram.
 *
 * The ranges come in address order.  A range that touches or overlaps the
 * last one extends it; a range beyond ULONG_MAX is cut at it.
 *
 * Return: 0 on success, -ENOMEM if out of memory.
 */
VISIBLE_IF_KUNIT int damon_module_ram_add(struct damon_module_ram *ram,
					  u64 start, u64 end)
{
	struct damon_addr_range *last, *bigger;
	unsigned int size;

	end = min_t(u64, end, ULONG_MAX);
	if (start >= end)
		return 0;
	if (ram->nr) {
		last = &ram->ranges[ram->nr - 1];
		if (start <= last->end && start >= last->start) {
			last->end = max_t(unsigned long, last->end, end);
			return 0;
		}
	}
	if (ram->nr == ram->size) {
		size = ram->size ? ram->size * 2 : 4;
		bigger = krealloc_array(ram->ranges, size, sizeof(*bigger),
					GFP_KERNEL);
		if (!bigger)
			return -ENOMEM;
		ram->ranges = bigger;
		ram->size = size;
	}
	ram->ranges[ram->nr].start = start;
	ram->ranges[ram->nr].end = end;
	ram->nr++;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(damon_module_ram_add);

static int damon_module_ram_walk(struct resource *res, void *arg)
{
	/* Resource ends are inclusive. */
	return damon_module_ram_add(arg, res->start, (u64)res->end + 1);
}

/*
 * Give @t one region per System RAM resource, joining those that touch.
 * Memory between two resources (holes, device memory) is not monitored:
 * it holds no page that a scheme could act on, and would only cost the
 * quota its size.
 */
static int damon_module_set_ram(struct damon_target *t)
{
	struct damon_module_ram ram = {};
	int err;

	/* -EINVAL if there is no System RAM at all. */
	err = walk_system_ram_res(0, U64_MAX, &ram, damon_module_ram_walk);
	if (!err)
		err = ram.nr ? damon_set_regions(t, ram.ranges, ram.nr) :
			-EINVAL;
	kfree(ram.ranges);
	return err;
}

/* === Building a context === */

/*
 * The physical address operations set has no update hook: the ops update
 * interval only paces how often the core restores the minimum number of
 * regions.
 */
#define DAMON_MODULE_OPS_UPDATE_US	USEC_PER_SEC

static int damon_module_set_region(struct damon_target *t,
				   const struct damon_module_inputs *in)
{
	struct damon_addr_range range = {
		.start = in->region_start,
		.end = in->region_end,
	};

	if (!range.start && !range.end)
		return damon_module_set_ram(t);
	if (range.start >= range.end)
		return -EINVAL;
	return damon_set_regions(t, &range, 1);
}

/**
 * damon_module_new_ctx() - Build the context of a module, without schemes.
 * @in:	The inputs of the module.
 *
 * The context monitors the physical address space with the attributes of
 * @in, through one target: the range of @in, or every System RAM resource
 * if that range is 0-0.
 *
 * Context: Process context; may sleep.  With the module parameter lock held
 * if @in are the module's parameters.
 * Return: The context, or an ERR_PTR(): -EINVAL if the attributes are
 * invalid (see damon_set_attrs()), the watermarks are not in the order
 * high >= mid >= low, the range is empty or inverted, or no System RAM is
 * found; -ENOMEM if out of memory.
 */
struct damon_ctx *damon_module_new_ctx(const struct damon_module_inputs *in)
{
	struct damon_attrs attrs = {
		.sample_interval = in->sample_interval,
		.aggr_interval = in->aggr_interval,
		.ops_update_interval = DAMON_MODULE_OPS_UPDATE_US,
		.min_nr_regions = in->min_nr_regions,
		.max_nr_regions = in->max_nr_regions,
	};
	struct damon_target *t;
	struct damon_ctx *ctx;
	int err;

	/*
	 * The core accepts any order, as the stock sysfs ABI does, but a
	 * module with inverted watermarks would never or always run.
	 */
	if (in->wmarks_high < in->wmarks_mid || in->wmarks_mid < in->wmarks_low)
		return ERR_PTR(-EINVAL);
	ctx = damon_new_ctx();
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	err = damon_select_ops(ctx, DAMON_OPS_PADDR);
	if (err)
		goto destroy_ctx;
	err = damon_set_attrs(ctx, &attrs);
	if (err)
		goto destroy_ctx;
	t = damon_new_target();
	if (!t) {
		err = -ENOMEM;
		goto destroy_ctx;
	}
	/* From here on, destroying @ctx frees @t. */
	damon_add_target(ctx, t);
	err = damon_module_set_region(t, in);
	if (err)
		goto destroy_ctx;
	return ctx;

destroy_ctx:
	damon_destroy_ctx(ctx);
	return ERR_PTR(err);
}

/**
 * damon_module_set_quota() - Fill the limits of a quota from the inputs.
 * @in:		The inputs of the module.
 * @quota:	The quota.  Its time and size limits and its window are set;
 *		the weights are left to the caller.
 *
 * Context: Any context.
 */
void damon_module_set_quota(const struct damon_module_inputs *in,
			    struct damos_quota *quota)
{
	quota->ms = in->quota_ms;
	quota->sz = in->quota_sz;
	quota->reset_interval = in->quota_reset_interval_ms;
}

/**
 * damon_module_set_wmarks() - Fill watermarks from the inputs.
 * @in:		The inputs of the module.
 * @wmarks:	The watermarks, on the free memory rate.
 *
 * Context: Any context.
 */
void damon_module_set_wmarks(const struct damon_module_inputs *in,
			     struct damos_watermarks *wmarks)
{
	wmarks->metric = DAMOS_WMARK_FREE_MEM_RATE;
	wmarks->interval = in->wmarks_interval;
	wmarks->high = in->wmarks_high;
	wmarks->mid = in->wmarks_mid;
	wmarks->low = in->wmarks_low;
}

/**
 * damon_module_age() - Convert a time to a region age.
 * @ctx:	A context with valid attributes.
 * @us:		The time, in microseconds.
 *
 * Context: Any context.
 * Return: The number of whole aggregation intervals of @ctx in @us, at most
 * UINT_MAX.
 */
unsigned int damon_module_age(const struct damon_ctx *ctx, unsigned long us)
{
	return min_t(unsigned long, us / ctx->attrs.aggr_interval, UINT_MAX);
}

/* === Running the module === */

static bool damon_module_running(struct damon_module *m)
{
	lockdep_assert_held(&m->lock);
	return m->ctx && damon_is_running(m->ctx);
}

/*
 * Build a context from the inputs and start it.  The context of the last
 * start, kept for its statistics, goes only once the new one runs.
 */
static int damon_module_start(struct damon_module *m)
{
	struct damon_ctx *ctx;
	int err;

	lockdep_assert_held(&m->lock);
	if (damon_module_running(m))
		return 0;
	ctx = m->new_ctx();
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	/*
	 * Exclusive: another context over the same memory would clear the
	 * Accessed bits this one samples, and each would see half the truth.
	 */
	err = damon_start(&ctx, 1, true);
	if (err) {
		damon_destroy_ctx(ctx);
		return err;
	}
	if (m->ctx)
		damon_destroy_ctx(m->ctx);
	m->ctx = ctx;
	return 0;
}

static void damon_module_stop(struct damon_module *m)
{
	lockdep_assert_held(&m->lock);
	/* -EPERM means it had already stopped: just as good. */
	if (m->ctx)
		damon_stop(&m->ctx, 1);
}

/* Run by the kdamond: apply the fresh context @arg. */
static int damon_module_commit_fn(struct damon_ctx *ctx, void *arg)
{
	return damon_commit_ctx(ctx, arg);
}

/*
 * Apply the inputs to the running context.  Returns once the kdamond has
 * applied them, or with an error and the running context unchanged.
 */
static int damon_module_commit(struct damon_module *m)
{
	struct damon_request req = {
		.fn = damon_module_commit_fn,
	};
	struct damon_ctx *fresh;
	int err;

	lockdep_assert_held(&m->lock);
	/* A stopped module reads every input when it starts. */
	if (!damon_module_running(m))
		return 0;
	fresh = m->new_ctx();
	if (IS_ERR(fresh))
		return PTR_ERR(fresh);
	req.arg = fresh;
	err = damon_request(m->ctx, &req);
	damon_destroy_ctx(fresh);
	if (err == -ESRCH || err == -ECANCELED)
		return 0;
	return err ? err : req.result;
}

/* Copy the statistics of the schemes of @ctx to the array @arg. */
static int damon_module_stats_fn(struct damon_ctx *ctx, void *arg)
{
	struct damos_stat *stats = arg;
	unsigned int i = 0;
	struct damos *s;

	damon_for_each_scheme(s, ctx) {
		if (i >= DAMON_MODULE_MAX_SCHEMES)
			break;
		stats[i++] = s->stat;
	}
	return 0;
}

/*
 * Fill @stats with the statistics of the schemes of the module: from the
 * kdamond if it runs, else from the context it left.  All zero if the
 * module never started.
 */
static void damon_module_read_stats(struct damon_module *m,
				    struct damos_stat *stats)
{
	struct damon_request req = {
		.fn = damon_module_stats_fn,
		.arg = stats,
	};

	lockdep_assert_held(&m->lock);
	if (!m->ctx || !damon_request(m->ctx, &req))
		return;
	/* Not running: the context is ours to read. */
	if (!damon_is_running(m->ctx))
		damon_module_stats_fn(m->ctx, stats);
}

/* === Parameter handlers === */

/* A boolean parameter given on the command line without a value is Y. */
static int damon_module_parse_bool(const char *val, bool *res)
{
	return kstrtobool(val ? val : "Y", res);
}

static int damon_module_enabled_set(const char *val,
				    const struct kernel_param *kp)
{
	struct damon_module *m = kp->arg;
	bool enable;
	int err;

	err = damon_module_parse_bool(val, &enable);
	if (err)
		return err;
	guard(mutex)(&m->lock);
	/* The command line, before anything can start: see damon_module_init() */
	if (!m->ready) {
		m->enable_at_init = enable;
		return 0;
	}
	if (!enable) {
		damon_module_stop(m);
		return 0;
	}
	return damon_module_start(m);
}

static int damon_module_enabled_get(char *buf, const struct kernel_param *kp)
{
	struct damon_module *m = kp->arg;
	bool on;

	scoped_guard(mutex, &m->lock)
		on = m->ready ? damon_module_running(m) : m->enable_at_init;
	return scnprintf(buf, PAGE_SIZE, "%c\n", on ? 'Y' : 'N');
}

/* "enabled": writing Y starts the module, N stops it; reads whether it runs. */
const struct kernel_param_ops damon_module_enabled_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = damon_module_enabled_set,
	.get = damon_module_enabled_get,
};

static int damon_module_commit_set(const char *val,
				   const struct kernel_param *kp)
{
	struct damon_module *m = kp->arg;
	bool commit;
	int err;

	err = damon_module_parse_bool(val, &commit);
	if (err || !commit)
		return err;
	guard(mutex)(&m->lock);
	if (!m->ready)
		return 0;
	return damon_module_commit(m);
}

/* A commit is over when the write that asked for it returns. */
static int damon_module_commit_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "N\n");
}

/* "commit_inputs": writing Y applies the inputs to the running module. */
const struct kernel_param_ops damon_module_commit_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = damon_module_commit_set,
	.get = damon_module_commit_get,
};

static int damon_module_pid_get(char *buf, const struct kernel_param *kp)
{
	struct damon_module *m = kp->arg;
	int pid = -1;

	scoped_guard(mutex, &m->lock) {
		if (m->ctx)
			pid = damon_kdamond_pid(m->ctx);
	}
	return scnprintf(buf, PAGE_SIZE, "%d\n", pid);
}

/* "kdamond_pid": the pid of the kdamond, -1 if it does not run. */
const struct kernel_param_ops damon_module_pid_ops = {
	.get = damon_module_pid_get,
};

static int damon_module_stat_get(char *buf, const struct kernel_param *kp)
{
	const struct damon_module_stat *st = kp->arg;
	struct damos_stat stats[DAMON_MODULE_MAX_SCHEMES] = {};
	unsigned long value;

	if (WARN_ON_ONCE(st->scheme >= DAMON_MODULE_MAX_SCHEMES ||
			 st->offset > sizeof(stats[0]) - sizeof(value)))
		return -EINVAL;
	scoped_guard(mutex, &st->module->lock)
		damon_module_read_stats(st->module, stats);
	memcpy(&value, (char *)&stats[st->scheme] + st->offset, sizeof(value));
	return scnprintf(buf, PAGE_SIZE, "%lu\n", value);
}

/* A statistic of a scheme, as of now. */
const struct kernel_param_ops damon_module_stat_ops = {
	.get = damon_module_stat_get,
};

/* === Start-up === */

/**
 * damon_module_init() - Make a module ready, and start it if asked to.
 * @m:	The module.
 *
 * Until this is called, writing Y to "enabled" (which only the kernel
 * command line can do that early) only records the wish: the operations
 * sets and the memory to monitor may not be set up yet.  Called from a late
 * initcall, it starts the module if the wish was Y.  A failure to start is
 * logged, and the module stays off.
 *
 * Context: Process context; may sleep.  Takes the module parameter lock.
 * Return: 0, or the error that kept the module from starting.
 */
int damon_module_init(struct damon_module *m)
{
	int err = 0;

	kernel_param_lock(THIS_MODULE);
	mutex_lock(&m->lock);
	m->ready = true;
	if (m->enable_at_init) {
		err = damon_module_start(m);
		if (err)
			pr_err("%s: enabled on the command line, but cannot start: %d\n",
			       m->name, err);
	}
	mutex_unlock(&m->lock);
	kernel_param_unlock(THIS_MODULE);
	return err;
}
