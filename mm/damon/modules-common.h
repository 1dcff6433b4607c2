/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Code shared by the modules: DAMON_RECLAIM, DAMON_LRU_SORT and DAMON_STAT.
 *
 * Each module keeps its inputs in plain variables that module parameters
 * point to, and a &struct damon_module that holds its running state.  The
 * parameters that control the module or show its state have their handlers
 * here (damon_module_*_ops).
 */

#ifndef _MM_DAMON_MODULES_COMMON_H
#define _MM_DAMON_MODULES_COMMON_H

#include <linux/damon.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/stddef.h>
#include <linux/time64.h>

/**
 * struct damon_module_inputs - The inputs every DAMOS-based module has.
 * @sample_interval:	Sampling interval, in microseconds.
 * @aggr_interval:	Aggregation interval, in microseconds.
 * @min_nr_regions:	Fewest monitoring regions.
 * @max_nr_regions:	Most monitoring regions.
 * @quota_ms:		Time quota of the module, in milliseconds per quota
 *			window; 0 for none.
 * @quota_sz:		Size quota, in bytes per quota window; 0 for none.
 * @quota_reset_interval_ms: Length of a quota window, in milliseconds.
 * @wmarks_interval:	Microseconds between two watermark checks.
 * @wmarks_high:	High free memory watermark, per mille.
 * @wmarks_mid:		Middle free memory watermark, per mille.
 * @wmarks_low:		Low free memory watermark, per mille.
 * @region_start:	First physical address to monitor.
 * @region_end:		First physical address past the monitored range.
 *			@region_start and @region_end both 0 mean every System
 *			RAM resource.
 *
 * Each field is the variable of the module parameter of the same name
 * (monitor_region_start and monitor_region_end for the last two).  They are
 * read only with the module parameter lock held.
 */
struct damon_module_inputs {
	unsigned long sample_interval;
	unsigned long aggr_interval;
	unsigned long min_nr_regions;
	unsigned long max_nr_regions;
	unsigned long quota_ms;
	unsigned long quota_sz;
	unsigned long quota_reset_interval_ms;
	unsigned long wmarks_interval;
	unsigned long wmarks_high;
	unsigned long wmarks_mid;
	unsigned long wmarks_low;
	unsigned long region_start;
	unsigned long region_end;
};

/*
 * The monitoring attributes every module starts with: those of a new sysfs
 * context (5 ms sampling, 100 ms aggregation, 10 to 1000 regions).
 */
#define DAMON_MODULE_DEFAULT_MONITORING				\
	.sample_interval = 5 * USEC_PER_MSEC,				\
	.aggr_interval = 100 * USEC_PER_MSEC,				\
	.min_nr_regions = 10,						\
	.max_nr_regions = 1000

/**
 * struct damon_reclaim_inputs - The inputs of DAMON_RECLAIM.
 * @common:		The inputs every module has.
 * @min_age:		Microseconds without access after which a region is
 *			cold.
 * @quota_mem_pressure_us: Memory pressure stall time, in microseconds per
 *			quota window, to tune the quota to; 0 for none.
 * @quota_autotune_feedback: Feedback of the user, in basis points of the
 *			goal; 0 for none.
 * @skip_anon:		Leave anonymous pages alone.
 */
struct damon_reclaim_inputs {
	struct damon_module_inputs common;
	unsigned long min_age;
	unsigned long quota_mem_pressure_us;
	unsigned long quota_autotune_feedback;
	bool skip_anon;
};

/**
 * struct damon_lru_sort_inputs - The inputs of DAMON_LRU_SORT.
 * @common:		The inputs every module has (@common.quota_sz is not
 *			used).
 * @hot_thres_access_freq: Access frequency, per mille of the samples of an
 *			aggregation interval, from which a region is hot.
 * @cold_min_age:	Microseconds without access after which a region is
 *			cold.
 */
struct damon_lru_sort_inputs {
	struct damon_module_inputs common;
	unsigned long hot_thres_access_freq;
	unsigned long cold_min_age;
};

/*
 * The System RAM ranges damon_module_new_ctx() monitors by default:
 * @nr ranges in an array of @size.
 */
struct damon_module_ram {
	struct damon_addr_range *ranges;
	unsigned int nr;
	unsigned int size;
};

/* Most schemes a module runs. */
#define DAMON_MODULE_MAX_SCHEMES	2

/**
 * struct damon_module - The running state of a DAMOS-based module.
 * @name:		Name of the module, for messages.
 * @new_ctx:		Build a context, not started, from the inputs of the
 *			module; return it or an ERR_PTR().  Called with the
 *			module parameter lock held.
 * @lock:		Protects the fields below.  Taken inside the module
 *			parameter lock.
 * @ctx:		The context of the last successful start, or NULL.  It
 *			is kept after it stopped, for its statistics.
 * @ready:		Whether the late initcall ran: before, nothing can be
 *			started, and @enable_at_init records what the kernel
 *			command line asked for.
 * @enable_at_init:	Start the module when it gets ready.
 */
struct damon_module {
	const char *name;
	struct damon_ctx *(*new_ctx)(void);
	struct mutex lock;	/* protects the fields below */
	struct damon_ctx *ctx;
	bool ready;
	bool enable_at_init;
};

#define DAMON_MODULE_INIT(var, modname, fn) {			\
	.name = modname,					\
	.new_ctx = fn,						\
	.lock = __MUTEX_INITIALIZER((var).lock),		\
}

/**
 * struct damon_module_stat - A statistic that a module parameter shows.
 * @module:	The module.
 * @scheme:	Position of the scheme in the context of the module.
 * @offset:	Offset of the counter in &struct damos_stat.
 */
struct damon_module_stat {
	struct damon_module *module;
	unsigned int scheme;
	size_t offset;
};

extern const struct kernel_param_ops damon_module_enabled_ops;
extern const struct kernel_param_ops damon_module_commit_ops;
extern const struct kernel_param_ops damon_module_pid_ops;
extern const struct kernel_param_ops damon_module_stat_ops;

/* One read-only statistic, @field of &struct damos_stat of scheme @sidx. */
#define DAMON_MODULE_STAT_PARAM(pname, m, sidx, field)			\
	static struct damon_module_stat damon_module_stat_##pname = {	\
		.module = &(m),						\
		.scheme = (sidx),					\
		.offset = offsetof(struct damos_stat, field),		\
	};								\
	module_param_cb(pname, &damon_module_stat_ops,			\
			&damon_module_stat_##pname, 0400)

struct damon_ctx *damon_module_new_ctx(const struct damon_module_inputs *in);
void damon_module_set_quota(const struct damon_module_inputs *in,
			    struct damos_quota *quota);
void damon_module_set_wmarks(const struct damon_module_inputs *in,
			     struct damos_watermarks *wmarks);
unsigned int damon_module_age(const struct damon_ctx *ctx, unsigned long us);
int damon_module_init(struct damon_module *m);

#if IS_ENABLED(CONFIG_KUNIT)

int damon_module_ram_add(struct damon_module_ram *ram, u64 start, u64 end);
struct damon_ctx *damon_reclaim_new_ctx(const struct damon_reclaim_inputs *in);
struct damon_ctx *
damon_lru_sort_new_ctx(const struct damon_lru_sort_inputs *in);

#endif	/* IS_ENABLED(CONFIG_KUNIT) */

#endif	/* _MM_DAMON_MODULES_COMMON_H */
