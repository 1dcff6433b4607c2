/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DAMON sysfs interface: structures and helpers shared by sysfs.c,
 * sysfs-schemes.c and the KUnit suite.
 *
 * Every directory under /sys/kernel/mm/damon/admin is one structure with an
 * embedded kobject.  The structures only hold what the user wrote; a running
 * kdamond never reads them.  "on" and "commit" build a fresh &struct
 * damon_ctx from them (damon_sysfs_build_ctx()).
 */

#ifndef _MM_DAMON_SYSFS_COMMON_H
#define _MM_DAMON_SYSFS_COMMON_H

#include <linux/damon.h>
#include <linux/kobject.h>
#include <linux/mutex.h>

/*
 * Serialises state changes and the creation and removal of directories.
 *
 * Removing a kobject waits for the show and store handlers of the files below
 * it to return.  A handler that blocked on this mutex while the remover holds
 * it would therefore deadlock, so every handler takes it with
 * mutex_trylock() and fails with -EBUSY when it is busy.  Files that only
 * hold a value never take it.
 */
extern struct mutex damon_sysfs_lock;

extern const struct kobj_type damon_sysfs_ul_range_ktype;

/**
 * struct damon_sysfs_ul_range - A directory holding a closed range of
 * unsigned longs, as files "min" and "max".
 * @kobj:	The kobject of the directory.
 * @min:	Value of the "min" file.
 * @max:	Value of the "max" file.
 */
struct damon_sysfs_ul_range {
	struct kobject kobj;
	unsigned long min;
	unsigned long max;
};

struct damon_sysfs_ul_range *damon_sysfs_ul_range_alloc(unsigned long min,
							unsigned long max);

int damon_sysfs_parse_nr(const char *buf, int *nr);

/**
 * enum damon_sysfs_cmd - A command written to a kdamond's "state" file.
 * @DAMON_SYSFS_CMD_ON:		Start the kdamond.
 * @DAMON_SYSFS_CMD_OFF:	Stop the kdamond.
 * @DAMON_SYSFS_CMD_COMMIT:	Apply the files' values to the running kdamond.
 * @DAMON_SYSFS_CMD_COMMIT_SCHEMES_QUOTA_GOALS:	Apply the quota goals.
 * @DAMON_SYSFS_CMD_UPDATE_SCHEMES_STATS:	Refresh the schemes' stats files.
 * @DAMON_SYSFS_CMD_UPDATE_SCHEMES_TRIED_REGIONS: Refresh tried_regions/.
 * @DAMON_SYSFS_CMD_UPDATE_SCHEMES_TRIED_BYTES:	Refresh tried_regions/total_bytes.
 * @DAMON_SYSFS_CMD_CLEAR_SCHEMES_TRIED_REGIONS: Empty tried_regions/.
 * @DAMON_SYSFS_CMD_UPDATE_SCHEMES_EFFECTIVE_QUOTAS: Refresh effective_bytes.
 * @NR_DAMON_SYSFS_CMDS:	Number of commands.
 *
 * Commands from @DAMON_SYSFS_CMD_COMMIT_SCHEMES_QUOTA_GOALS on are handled by
 * damon_sysfs_schemes_cmd().
 */
enum damon_sysfs_cmd {
	DAMON_SYSFS_CMD_ON,
	DAMON_SYSFS_CMD_OFF,
	DAMON_SYSFS_CMD_COMMIT,
	DAMON_SYSFS_CMD_COMMIT_SCHEMES_QUOTA_GOALS,
	DAMON_SYSFS_CMD_UPDATE_SCHEMES_STATS,
	DAMON_SYSFS_CMD_UPDATE_SCHEMES_TRIED_REGIONS,
	DAMON_SYSFS_CMD_UPDATE_SCHEMES_TRIED_BYTES,
	DAMON_SYSFS_CMD_CLEAR_SCHEMES_TRIED_REGIONS,
	DAMON_SYSFS_CMD_UPDATE_SCHEMES_EFFECTIVE_QUOTAS,
	NR_DAMON_SYSFS_CMDS,
};

/* === schemes/ (sysfs-schemes.c) === */

/**
 * struct damon_sysfs_access_pattern - The access_pattern/ directory.
 * @kobj:		The kobject of the directory.
 * @sz:			The sz/ directory, in bytes.
 * @nr_accesses:	The nr_accesses/ directory.
 * @age:		The age/ directory, in aggregation intervals.
 */
struct damon_sysfs_access_pattern {
	struct kobject kobj;
	struct damon_sysfs_ul_range *sz;
	struct damon_sysfs_ul_range *nr_accesses;
	struct damon_sysfs_ul_range *age;
};

/**
 * struct damon_sysfs_weights - The quotas/weights/ directory.
 * @kobj:		The kobject of the directory.
 * @sz:			Value of "sz_permil".
 * @nr_accesses:	Value of "nr_accesses_permil".
 * @age:		Value of "age_permil".
 */
struct damon_sysfs_weights {
	struct kobject kobj;
	unsigned long sz;
	unsigned long nr_accesses;
	unsigned long age;
};

/**
 * struct damon_sysfs_quota_goal - A quotas/goals/<N>/ directory.
 * @kobj:		The kobject of the directory.
 * @metric:		Value of "target_metric".
 * @target_value:	Value of "target_value".
 * @current_value:	Value of "current_value".
 */
struct damon_sysfs_quota_goal {
	struct kobject kobj;
	enum damos_quota_goal_metric metric;
	unsigned long target_value;
	unsigned long current_value;
};

/**
 * struct damon_sysfs_quota_goals - The quotas/goals/ directory.
 * @kobj:	The kobject of the directory.
 * @goals_arr:	The numbered child directories.
 * @nr:		Number of entries in @goals_arr, the value of "nr_goals".
 *		Changed only with &damon_sysfs_lock held.
 */
struct damon_sysfs_quota_goals {
	struct kobject kobj;
	struct damon_sysfs_quota_goal **goals_arr;
	int nr;
};

/**
 * struct damon_sysfs_quotas - The quotas/ directory.
 * @kobj:		The kobject of the directory.
 * @weights:		The weights/ directory.
 * @goals:		The goals/ directory.
 * @ms:			Value of "ms".
 * @sz:			Value of "bytes".
 * @reset_interval_ms:	Value of "reset_interval_ms".
 * @effective_sz:	Value of "effective_bytes", copied from the running
 *			scheme by update_schemes_effective_quotas.
 */
struct damon_sysfs_quotas {
	struct kobject kobj;
	struct damon_sysfs_weights *weights;
	struct damon_sysfs_quota_goals *goals;
	unsigned long ms;
	unsigned long sz;
	unsigned long reset_interval_ms;
	unsigned long effective_sz;
};

/**
 * struct damon_sysfs_watermarks - The watermarks/ directory.
 * @kobj:		The kobject of the directory.
 * @metric:		Value of "metric".
 * @interval_us:	Value of "interval_us".
 * @high:		Value of "high".
 * @mid:		Value of "mid".
 * @low:		Value of "low".
 */
struct damon_sysfs_watermarks {
	struct kobject kobj;
	enum damos_wmark_metric metric;
	unsigned long interval_us;
	unsigned long high;
	unsigned long mid;
	unsigned long low;
};

/**
 * struct damon_sysfs_scheme_filter - A filters/<N>/ directory.
 * @kobj:		The kobject of the directory.
 * @type:		Value of "type".
 * @matching:		Value of "matching".
 * @memcg_path:		Value of "memcg_path", or NULL when empty.
 *			Protected by &damon_sysfs_lock.
 * @addr_start:		Value of "addr_start".
 * @addr_end:		Value of "addr_end".
 * @target_idx:		Value of "damon_target_idx".
 */
struct damon_sysfs_scheme_filter {
	struct kobject kobj;
	enum damos_filter_type type;
	bool matching;
	char *memcg_path;
	unsigned long addr_start;
	unsigned long addr_end;
	int target_idx;
};

/**
 * struct damon_sysfs_scheme_filters - The filters/ directory.
 * @kobj:	The kobject of the directory.
 * @filters_arr: The numbered child directories.
 * @nr:		Number of entries in @filters_arr, the value of "nr_filters".
 *		Changed only with &damon_sysfs_lock held.
 */
struct damon_sysfs_scheme_filters {
	struct kobject kobj;
	struct damon_sysfs_scheme_filter **filters_arr;
	int nr;
};

/**
 * struct damon_sysfs_stats - The stats/ directory.
 * @kobj:	The kobject of the directory.
 * @stat:	Values of the files, copied from the running scheme by
 *		update_schemes_stats.
 */
struct damon_sysfs_stats {
	struct kobject kobj;
	struct damos_stat stat;
};

/**
 * struct damon_sysfs_scheme_region - A tried_regions/<N>/ directory.
 * @kobj:		The kobject of the directory.
 * @ar:			Values of "start" and "end".
 * @nr_accesses:	Value of "nr_accesses".
 * @age:		Value of "age".
 * @list:		Link in the list a tried-regions walk collects,
 *			before the directory is added.
 */
struct damon_sysfs_scheme_region {
	struct kobject kobj;
	struct damon_addr_range ar;
	unsigned long nr_accesses;
	unsigned long age;
	struct list_head list;
};

/**
 * struct damon_sysfs_scheme_regions - The tried_regions/ directory.
 * @kobj:		The kobject of the directory.
 * @regions_list:	The numbered child directories, in order.  Changed
 *			only with &damon_sysfs_lock held.
 * @nr:			Number of entries in @regions_list.
 * @total_bytes:	Value of "total_bytes".
 */
struct damon_sysfs_scheme_regions {
	struct kobject kobj;
	struct list_head regions_list;
	int nr;
	unsigned long total_bytes;
};

/**
 * struct damon_sysfs_scheme - A schemes/<N>/ directory.
 * @kobj:		The kobject of the directory.
 * @action:		Value of the "action" file.
 * @target_nid:		Value of the "target_nid" file.
 * @apply_interval_us:	Value of the "apply_interval_us" file.
 * @access_pattern:	The access_pattern/ directory.
 * @quotas:		The quotas/ directory.
 * @watermarks:		The watermarks/ directory.
 * @filters:		The filters/ directory.
 * @stats:		The stats/ directory.
 * @tried_regions:	The tried_regions/ directory.
 */
struct damon_sysfs_scheme {
	struct kobject kobj;
	enum damos_action action;
	int target_nid;
	unsigned long apply_interval_us;
	struct damon_sysfs_access_pattern *access_pattern;
	struct damon_sysfs_quotas *quotas;
	struct damon_sysfs_watermarks *watermarks;
	struct damon_sysfs_scheme_filters *filters;
	struct damon_sysfs_stats *stats;
	struct damon_sysfs_scheme_regions *tried_regions;
};

/**
 * struct damon_sysfs_schemes - The schemes/ directory of a context.
 * @kobj:	The kobject of the directory.
 * @schemes_arr: The numbered child directories.
 * @nr:		Number of entries in @schemes_arr, the value of "nr_schemes".
 *		Changed only with &damon_sysfs_lock held.
 */
struct damon_sysfs_schemes {
	struct kobject kobj;
	struct damon_sysfs_scheme **schemes_arr;
	int nr;
};

extern const struct kobj_type damon_sysfs_schemes_ktype;

struct damon_sysfs_schemes *damon_sysfs_schemes_alloc(void);
void damon_sysfs_schemes_rm_dirs(struct damon_sysfs_schemes *schemes);
int damon_sysfs_add_schemes(struct damon_ctx *ctx,
			    struct damon_sysfs_schemes *sysfs_schemes);
int damon_sysfs_schemes_cmd(enum damon_sysfs_cmd cmd, struct damon_ctx *ctx,
			    struct damon_sysfs_schemes *sysfs_schemes);

/* === The monitoring directories (sysfs.c) === */

/**
 * struct damon_sysfs_region - A regions/<N>/ directory.
 * @kobj:	The kobject of the directory.
 * @ar:		Values of the "start" and "end" files.
 */
struct damon_sysfs_region {
	struct kobject kobj;
	struct damon_addr_range ar;
};

/**
 * struct damon_sysfs_regions - The regions/ directory of a target.
 * @kobj:	The kobject of the directory.
 * @regions_arr: The numbered child directories.
 * @nr:		Number of entries in @regions_arr.  Changed only with
 *		&damon_sysfs_lock held.
 */
struct damon_sysfs_regions {
	struct kobject kobj;
	struct damon_sysfs_region **regions_arr;
	int nr;
};

/**
 * struct damon_sysfs_target - A targets/<N>/ directory.
 * @kobj:	The kobject of the directory.
 * @regions:	The regions/ directory.
 * @pid:	Value of the "pid_target" file.
 */
struct damon_sysfs_target {
	struct kobject kobj;
	struct damon_sysfs_regions *regions;
	int pid;
};

/**
 * struct damon_sysfs_targets - The targets/ directory of a context.
 * @kobj:	The kobject of the directory.
 * @targets_arr: The numbered child directories.
 * @nr:		Number of entries in @targets_arr.  Changed only with
 *		&damon_sysfs_lock held.
 */
struct damon_sysfs_targets {
	struct kobject kobj;
	struct damon_sysfs_target **targets_arr;
	int nr;
};

/**
 * struct damon_sysfs_intervals - The monitoring_attrs/intervals/ directory.
 * @kobj:	The kobject of the directory.
 * @sample_us:	Value of the "sample_us" file.
 * @aggr_us:	Value of the "aggr_us" file.
 * @update_us:	Value of the "update_us" file.
 */
struct damon_sysfs_intervals {
	struct kobject kobj;
	unsigned long sample_us;
	unsigned long aggr_us;
	unsigned long update_us;
};

/**
 * struct damon_sysfs_attrs - The monitoring_attrs/ directory.
 * @kobj:	The kobject of the directory.
 * @intervals:	The intervals/ directory.
 * @nr_regions_range: The nr_regions/ directory.
 */
struct damon_sysfs_attrs {
	struct kobject kobj;
	struct damon_sysfs_intervals *intervals;
	struct damon_sysfs_ul_range *nr_regions_range;
};

/**
 * struct damon_sysfs_context - A contexts/<N>/ directory.
 * @kobj:	The kobject of the directory.
 * @ops_id:	Value of the "operations" file.
 * @attrs:	The monitoring_attrs/ directory.
 * @targets:	The targets/ directory.
 * @schemes:	The schemes/ directory.
 */
struct damon_sysfs_context {
	struct kobject kobj;
	enum damon_ops_id ops_id;
	struct damon_sysfs_attrs *attrs;
	struct damon_sysfs_targets *targets;
	struct damon_sysfs_schemes *schemes;
};

#if IS_ENABLED(CONFIG_KUNIT)
int damon_sysfs_parse_cmd(const char *buf);
int damon_sysfs_parse_ops(const char *buf, enum damon_ops_id *id);
struct damon_ctx *damon_sysfs_build_ctx(struct damon_sysfs_context *sys_ctx);
struct damos *damon_sysfs_build_scheme(struct damon_sysfs_scheme *sys_scheme);
#endif

#endif	/* _MM_DAMON_SYSFS_COMMON_H */
