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
 * struct damon_sysfs_scheme - A schemes/<N>/ directory.
 * @kobj:	The kobject of the directory.
 */
struct damon_sysfs_scheme {
	struct kobject kobj;
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
#endif

#endif	/* _MM_DAMON_SYSFS_COMMON_H */
