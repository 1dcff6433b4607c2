// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON sysfs interface: the schemes/ directory of a context.
 *
 * Map of this file:
 *   - keywords			of action, type, metric, target_metric
 *   - the directories		schemes/<N>/ and everything below, as kind
 *				tables
 *   - building the schemes	what "on" and "commit" add to a damon_ctx
 *   - the scheme commands	of a kdamond's "state" file
 *
 * As in sysfs.c, the directories only hold what the user wrote, plus the
 * values the scheme commands copy from the running context.  Only two files
 * have handlers of their own, each with a mutex that its readers take:
 * "memcg_path", whose string may be freed by a store, and tried_regions/
 * "table", which update_schemes_tried_regions replaces.
 */

#include <linux/cgroup.h>
#include <linux/err.h>
#include <linux/limits.h>
#include <linux/memcontrol.h>
#include <linux/minmax.h>
#include <linux/numa.h>
#include <linux/slab.h>
#include <linux/sprintf.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <kunit/visibility.h>

#include "sysfs-common.h"

/* === Keywords of the enum files, each table ended by NULL === */

/* Keywords of "target_metric", indexed by &enum damos_quota_goal_metric. */
static const char * const
damon_sysfs_goal_metric_words[NR_DAMOS_QUOTA_GOAL_METRICS + 1] = {
	[DAMOS_QUOTA_USER_INPUT] = "user_input",
	[DAMOS_QUOTA_SOME_MEM_PSI_US] = "some_mem_psi_us",
};

/* Keywords of "metric", indexed by &enum damos_wmark_metric. */
static const char * const
damon_sysfs_wmark_metric_words[NR_DAMOS_WMARK_METRICS + 1] = {
	[DAMOS_WMARK_NONE] = "none",
	[DAMOS_WMARK_FREE_MEM_RATE] = "free_mem_rate",
};

/* Keywords of "type", indexed by &enum damos_filter_type. */
static const char * const
damon_sysfs_filter_type_words[NR_DAMOS_FILTER_TYPES + 1] = {
	[DAMOS_FILTER_TYPE_ANON] = "anon",
	[DAMOS_FILTER_TYPE_MEMCG] = "memcg",
	[DAMOS_FILTER_TYPE_YOUNG] = "young",
	[DAMOS_FILTER_TYPE_ACTIVE] = "active",
	[DAMOS_FILTER_TYPE_HUGEPAGE_SIZE] = "hugepage_size",
	[DAMOS_FILTER_TYPE_UNMAPPED] = "unmapped",
	[DAMOS_FILTER_TYPE_ADDR] = "addr",
	[DAMOS_FILTER_TYPE_TARGET] = "target",
};

/* Keywords of "action", indexed by &enum damos_action. */
static const char * const
damon_sysfs_action_words[NR_DAMOS_ACTIONS + 1] = {
	[DAMOS_WILLNEED] = "willneed",
	[DAMOS_COLD] = "cold",
	[DAMOS_PAGEOUT] = "pageout",
	[DAMOS_HUGEPAGE] = "hugepage",
	[DAMOS_NOHUGEPAGE] = "nohugepage",
	[DAMOS_LRU_PRIO] = "lru_prio",
	[DAMOS_LRU_DEPRIO] = "lru_deprio",
	[DAMOS_MIGRATE_HOT] = "migrate_hot",
	[DAMOS_MIGRATE_COLD] = "migrate_cold",
	[DAMOS_STAT] = "stat",
};

/* === The directories === */

/*
 * A new access_pattern/ starts with every range at [0, 0], as in the stock
 * ABI: until the ranges are written, only empty regions would match, so a
 * new scheme does nothing.
 */
static const struct damon_sysfs_subdir damon_sysfs_access_pattern_subdirs[] = {
	DAMON_SYSFS_SUBDIR("sz", struct damon_sysfs_access_pattern, sz,
			   &damon_sysfs_range_kind),
	DAMON_SYSFS_SUBDIR("nr_accesses", struct damon_sysfs_access_pattern,
			   nr_accesses, &damon_sysfs_range_kind),
	DAMON_SYSFS_SUBDIR("age", struct damon_sysfs_access_pattern, age,
			   &damon_sysfs_range_kind),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_access_pattern_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_access_pattern,
			 .subdirs = damon_sysfs_access_pattern_subdirs);

static struct damon_sysfs_file damon_sysfs_weights_files[] = {
	DAMON_SYSFS_UINT("sz_permil", struct damon_sysfs_weights, permil[0]),
	DAMON_SYSFS_UINT("nr_accesses_permil", struct damon_sysfs_weights,
			 permil[1]),
	DAMON_SYSFS_UINT("age_permil", struct damon_sysfs_weights, permil[2]),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_weights_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_weights,
			 .files = damon_sysfs_weights_files);

static struct damon_sysfs_file damon_sysfs_goal_files[] = {
	DAMON_SYSFS_WORD("target_metric", struct damon_sysfs_quota_goal,
			 goal.metric, damon_sysfs_goal_metric_words),
	DAMON_SYSFS_UL("target_value", struct damon_sysfs_quota_goal,
		       goal.target_value),
	DAMON_SYSFS_UL("current_value", struct damon_sysfs_quota_goal,
		       goal.current_value),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_goal_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_quota_goal,
			 .files = damon_sysfs_goal_files);

static const struct damon_sysfs_kind damon_sysfs_goals_kind =
	DAMON_SYSFS_ARRAY_KIND("nr_goals", &damon_sysfs_goal_kind);

static struct damon_sysfs_file damon_sysfs_quotas_files[] = {
	DAMON_SYSFS_UL("ms", struct damon_sysfs_quotas, time_ms),
	DAMON_SYSFS_UL("bytes", struct damon_sysfs_quotas, bytes),
	DAMON_SYSFS_UL("reset_interval_ms", struct damon_sysfs_quotas,
		       reset_ms),
	DAMON_SYSFS_UL_RO("effective_bytes", struct damon_sysfs_quotas,
			  effective_bytes),
	{ }
};

static const struct damon_sysfs_subdir damon_sysfs_quotas_subdirs[] = {
	DAMON_SYSFS_SUBDIR("weights", struct damon_sysfs_quotas, weights,
			   &damon_sysfs_weights_kind),
	DAMON_SYSFS_SUBDIR("goals", struct damon_sysfs_quotas, goals,
			   &damon_sysfs_goals_kind),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_quotas_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_quotas,
			 .files = damon_sysfs_quotas_files,
			 .subdirs = damon_sysfs_quotas_subdirs);

static struct damon_sysfs_file damon_sysfs_watermarks_files[] = {
	DAMON_SYSFS_WORD("metric", struct damon_sysfs_watermarks, wm.metric,
			 damon_sysfs_wmark_metric_words),
	DAMON_SYSFS_UL("interval_us", struct damon_sysfs_watermarks,
		       wm.interval),
	DAMON_SYSFS_UL("high", struct damon_sysfs_watermarks, wm.high),
	DAMON_SYSFS_UL("mid", struct damon_sysfs_watermarks, wm.mid),
	DAMON_SYSFS_UL("low", struct damon_sysfs_watermarks, wm.low),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_watermarks_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_watermarks,
			 .files = damon_sysfs_watermarks_files);

/*
 * Protects &damon_sysfs_filter.memcg_path.  Unlike &damon_sysfs_lock, it is
 * never held while a directory is removed, so the handlers of memcg_path may
 * wait for it; it nests inside &damon_sysfs_lock.
 */
static DEFINE_MUTEX(damon_sysfs_memcg_path_lock);

static struct damon_sysfs_filter *to_filter(struct kobject *kobj)
{
	return container_of(kobj, struct damon_sysfs_filter, kobj);
}

static ssize_t damon_sysfs_memcg_path_show(struct kobject *kobj,
					   struct kobj_attribute *attr,
					   char *buf)
{
	const char *path;

	guard(mutex)(&damon_sysfs_memcg_path_lock);
	path = to_filter(kobj)->memcg_path;
	return sysfs_emit(buf, "%s\n", path ?: "");
}

static ssize_t damon_sysfs_memcg_path_store(struct kobject *kobj,
					    struct kobj_attribute *attr,
					    const char *buf, size_t count)
{
	char *path __free(kfree) = kmemdup_nul(buf, count, GFP_KERNEL);

	if (!path)
		return -ENOMEM;
	strim(path);
	scoped_guard(mutex, &damon_sysfs_memcg_path_lock)
		swap(to_filter(kobj)->memcg_path, path);
	return count;
}

static void damon_sysfs_filter_release(struct kobject *kobj)
{
	kfree(to_filter(kobj)->memcg_path);
}

static struct damon_sysfs_file damon_sysfs_filter_files[] = {
	DAMON_SYSFS_WORD("type", struct damon_sysfs_filter, type,
			 damon_sysfs_filter_type_words),
	DAMON_SYSFS_BOOL("matching", struct damon_sysfs_filter, matching),
	DAMON_SYSFS_BOOL("allow", struct damon_sysfs_filter, allow),
	DAMON_SYSFS_FILE("memcg_path", 0600, damon_sysfs_memcg_path_show,
			 damon_sysfs_memcg_path_store),
	DAMON_SYSFS_UL("addr_start", struct damon_sysfs_filter, range.start),
	DAMON_SYSFS_UL("addr_end", struct damon_sysfs_filter, range.end),
	DAMON_SYSFS_INT("damon_target_idx", struct damon_sysfs_filter,
			target_idx),
	DAMON_SYSFS_UL("min", struct damon_sysfs_filter, sz_range.min),
	DAMON_SYSFS_UL("max", struct damon_sysfs_filter, sz_range.max),
	{ }
};

/* A new filter matches anonymous pages, and keeps out the others. */
static const struct damon_sysfs_filter damon_sysfs_filter_proto = {
	.type = DAMOS_FILTER_TYPE_ANON,
};

static const struct damon_sysfs_kind damon_sysfs_filter_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_filter,
			 .proto = &damon_sysfs_filter_proto,
			 .files = damon_sysfs_filter_files,
			 .release = damon_sysfs_filter_release);

static const struct damon_sysfs_kind damon_sysfs_filters_kind =
	DAMON_SYSFS_ARRAY_KIND("nr_filters", &damon_sysfs_filter_kind);

static struct damon_sysfs_file damon_sysfs_stats_files[] = {
	DAMON_SYSFS_UL_RO("nr_tried", struct damon_sysfs_stats,
			  stat.nr_tried),
	DAMON_SYSFS_UL_RO("sz_tried", struct damon_sysfs_stats,
			  stat.sz_tried),
	DAMON_SYSFS_UL_RO("nr_applied", struct damon_sysfs_stats,
			  stat.nr_applied),
	DAMON_SYSFS_UL_RO("sz_applied", struct damon_sysfs_stats,
			  stat.sz_applied),
	DAMON_SYSFS_UL_RO("sz_ops_filter_passed", struct damon_sysfs_stats,
			  stat.sz_ops_filter_passed),
	DAMON_SYSFS_UL_RO("qt_exceeds", struct damon_sysfs_stats,
			  stat.qt_exceeds),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_stats_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_stats,
			 .files = damon_sysfs_stats_files);

static struct damon_sysfs_file damon_sysfs_tried_region_files[] = {
	DAMON_SYSFS_UL_RO("start", struct damon_sysfs_tried_region, ar.start),
	DAMON_SYSFS_UL_RO("end", struct damon_sysfs_tried_region, ar.end),
	DAMON_SYSFS_UL_RO("nr_accesses", struct damon_sysfs_tried_region,
			  nr_accesses),
	DAMON_SYSFS_UL_RO("age", struct damon_sysfs_tried_region, age),
	DAMON_SYSFS_UL_RO("sz_filter_passed", struct damon_sysfs_tried_region,
			  sz_filter_passed),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_tried_region_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_tried_region,
			 .files = damon_sysfs_tried_region_files);

static struct damon_sysfs_file damon_sysfs_tried_regions_files[] = {
	DAMON_SYSFS_UL_RO("total_bytes", struct damon_sysfs_tried_regions,
			  total_bytes),
	{ }
};

/*
 * Protects &damon_sysfs_tried_regions.table.  Like
 * damon_sysfs_memcg_path_lock, it is never held while a directory is
 * removed, so that "table" readers may wait for it; it nests inside
 * &damon_sysfs_lock.
 */
static DEFINE_MUTEX(damon_sysfs_tried_table_lock);

static struct damon_sysfs_tried_regions *
to_tried_regions(struct kobject *kobj)
{
	return container_of(kobj, struct damon_sysfs_tried_regions, arr.kobj);
}

/**
 * damon_sysfs_tried_table_read() - Read handler of tried_regions/table.
 * @file:	The open file.
 * @kobj:	The kobject of the tried_regions/ directory.
 * @attr:	The attribute of "table".
 * @buf:	Where to copy the text.
 * @off:	Offset in the table to read from.
 * @count:	Most bytes to copy; sysfs asks for at most a page at a time.
 *
 * Each call copies from the table as it is at that moment: a reader that
 * needs more than one call sees one snapshot unless the table is replaced
 * between its calls.  Such a reader can tell by reading the header line
 * again after its last call: each table has a generation of its own.
 *
 * Context: Process context.  Takes and releases a mutex.
 * Return: The number of bytes copied, 0 at or past the end.
 */
VISIBLE_IF_KUNIT ssize_t
damon_sysfs_tried_table_read(struct file *file, struct kobject *kobj,
			     struct bin_attribute *attr, char *buf, loff_t off,
			     size_t count)
{
	struct damon_sysfs_tried_regions *trdir = to_tried_regions(kobj);

	guard(mutex)(&damon_sysfs_tried_table_lock);
	if (off < 0 || off >= (loff_t)trdir->table_len)
		return 0;
	count = min_t(size_t, count, trdir->table_len - off);
	memcpy(buf, trdir->table + off, count);
	return count;
}
EXPORT_SYMBOL_IF_KUNIT(damon_sysfs_tried_table_read);

static struct bin_attribute damon_sysfs_tried_table_attr = {
	.attr = { .name = "table", .mode = 0400 },
	.read = damon_sysfs_tried_table_read,
};

static const struct bin_attribute *const damon_sysfs_tried_regions_bins[] = {
	&damon_sysfs_tried_table_attr,
	NULL
};

static void damon_sysfs_tried_regions_release(struct kobject *kobj)
{
	kvfree(to_tried_regions(kobj)->table);
}

/* Numbered, but filled by the scheme commands: it has no "nr_*" file. */
static const struct damon_sysfs_kind damon_sysfs_tried_regions_kind =
	DAMON_SYSFS_KIND_AT(struct damon_sysfs_tried_regions, arr.kobj,
			    .files = damon_sysfs_tried_regions_files,
			    .bin_files = damon_sysfs_tried_regions_bins,
			    .item = &damon_sysfs_tried_region_kind,
			    .release = damon_sysfs_tried_regions_release);

/* A new scheme only counts, and migrates nowhere. */
static const struct damon_sysfs_scheme damon_sysfs_scheme_proto = {
	.action = DAMOS_STAT,
	.target_nid = NUMA_NO_NODE,
};

static struct damon_sysfs_file damon_sysfs_scheme_files[] = {
	DAMON_SYSFS_WORD("action", struct damon_sysfs_scheme, action,
			 damon_sysfs_action_words),
	DAMON_SYSFS_INT("target_nid", struct damon_sysfs_scheme, target_nid),
	DAMON_SYSFS_UL("apply_interval_us", struct damon_sysfs_scheme,
		       apply_interval_us),
	{ }
};

static const struct damon_sysfs_subdir damon_sysfs_scheme_subdirs[] = {
	DAMON_SYSFS_SUBDIR("access_pattern", struct damon_sysfs_scheme,
			   access_pattern, &damon_sysfs_access_pattern_kind),
	DAMON_SYSFS_SUBDIR("quotas", struct damon_sysfs_scheme, quotas,
			   &damon_sysfs_quotas_kind),
	DAMON_SYSFS_SUBDIR("watermarks", struct damon_sysfs_scheme,
			   watermarks, &damon_sysfs_watermarks_kind),
	DAMON_SYSFS_SUBDIR("filters", struct damon_sysfs_scheme, filters,
			   &damon_sysfs_filters_kind),
	DAMON_SYSFS_SUBDIR("core_filters", struct damon_sysfs_scheme,
			   core_filters, &damon_sysfs_filters_kind),
	DAMON_SYSFS_SUBDIR("ops_filters", struct damon_sysfs_scheme,
			   ops_filters, &damon_sysfs_filters_kind),
	DAMON_SYSFS_SUBDIR("stats", struct damon_sysfs_scheme, stats,
			   &damon_sysfs_stats_kind),
	DAMON_SYSFS_SUBDIR("tried_regions", struct damon_sysfs_scheme,
			   tried_regions, &damon_sysfs_tried_regions_kind),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_scheme_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_scheme,
			 .proto = &damon_sysfs_scheme_proto,
			 .files = damon_sysfs_scheme_files,
			 .subdirs = damon_sysfs_scheme_subdirs);

/* The kind of the schemes/ directory of a context, used by sysfs.c. */
const struct damon_sysfs_kind damon_sysfs_schemes_kind =
	DAMON_SYSFS_ARRAY_KIND("nr_schemes", &damon_sysfs_scheme_kind);

/* === Building the schemes of a damon_ctx === */

/* The scheme directory at position @i of @schemes, or NULL past the end. */
static struct damon_sysfs_scheme *
damon_sysfs_nth_scheme(struct damon_sysfs_array *schemes, int i)
{
	if (i >= schemes->nr)
		return NULL;
	return damon_sysfs_item(schemes, i, struct damon_sysfs_scheme);
}

#ifdef CONFIG_MEMCG
/*
 * Find the id of the online memory cgroup whose path, relative to the cgroup
 * root, is @path.
 */
static int damon_sysfs_memcg_id(const char *path, unsigned short *id)
{
	struct mem_cgroup *memcg = NULL;
	int err = -EINVAL;
	char *buf;

	if (!path)
		return -EINVAL;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while ((memcg = mem_cgroup_iter(NULL, memcg, NULL))) {
		/* Skip cgroups that are going away. */
		if (!mem_cgroup_online(memcg) ||
		    cgroup_path(memcg->css.cgroup, buf, PATH_MAX) < 0 ||
		    strcmp(buf, path))
			continue;
		*id = mem_cgroup_id(memcg);
		mem_cgroup_iter_break(NULL, memcg);
		err = 0;
		break;
	}
	kfree(buf);
	return err;
}
#else
static int damon_sysfs_memcg_id(const char *path, unsigned short *id)
{
	return -EINVAL;
}
#endif

/* Which filters a filters directory takes. */
enum damon_sysfs_filter_layer {
	DAMON_SYSFS_FILTERS_ANY,	/* filters/ */
	DAMON_SYSFS_FILTERS_CORE,	/* core_filters/: addr and target */
	DAMON_SYSFS_FILTERS_OPS,	/* ops_filters/: the others */
};

/*
 * Add the filter of a filters/<N>/ directory to @s.  -EINVAL if its type
 * is not one that its directory, of @layer, takes.
 */
static int damon_sysfs_add_filter(struct damos *s,
				  struct damon_sysfs_filter *dir,
				  enum damon_sysfs_filter_layer layer)
{
	enum damos_filter_type type = READ_ONCE(dir->type);
	bool core = type == DAMOS_FILTER_TYPE_ADDR ||
		type == DAMOS_FILTER_TYPE_TARGET;
	struct damos_filter *filter;
	int err = 0;

	if ((layer == DAMON_SYSFS_FILTERS_CORE && !core) ||
	    (layer == DAMON_SYSFS_FILTERS_OPS && core))
		return -EINVAL;
	filter = damos_new_filter(type, READ_ONCE(dir->matching));
	if (!filter)
		return -ENOMEM;
	filter->allow = READ_ONCE(dir->allow);
	switch (filter->type) {
	case DAMOS_FILTER_TYPE_MEMCG:
		scoped_guard(mutex, &damon_sysfs_memcg_path_lock)
			err = damon_sysfs_memcg_id(dir->memcg_path,
						   &filter->memcg_id);
		break;
	case DAMOS_FILTER_TYPE_ADDR:
		/* An empty range matches no memory. */
		filter->addr_range.start = READ_ONCE(dir->range.start);
		filter->addr_range.end = READ_ONCE(dir->range.end);
		break;
	case DAMOS_FILTER_TYPE_TARGET:
		filter->target_idx = READ_ONCE(dir->target_idx);
		break;
	case DAMOS_FILTER_TYPE_HUGEPAGE_SIZE:
		/* An inverted range matches no folio. */
		filter->sz_range.min = READ_ONCE(dir->sz_range.min);
		filter->sz_range.max = READ_ONCE(dir->sz_range.max);
		break;
	default:
		break;
	}
	if (err)
		damos_destroy_filter(filter);
	else
		damos_add_filter(s, filter);
	return err;
}

/*
 * Append the goals of the quotas/goals/ directory of @dir to @goals.  On
 * failure, those already appended stay for the caller to free.
 */
static int damon_sysfs_build_goals(struct damon_sysfs_scheme *dir,
				   struct list_head *goals)
{
	struct damon_sysfs_array *arr = dir->quotas->goals;
	struct damos_quota_goal *goal, *sys_goal;
	int i;

	for (i = 0; i < arr->nr; i++) {
		sys_goal = &damon_sysfs_item(arr, i,
					     struct damon_sysfs_quota_goal)->goal;
		goal = damos_new_quota_goal(READ_ONCE(sys_goal->metric),
					    READ_ONCE(sys_goal->target_value));
		if (!goal)
			return -ENOMEM;
		goal->current_value = READ_ONCE(sys_goal->current_value);
		list_add_tail(&goal->list, goals);
	}
	return 0;
}

/*
 * Give @s the quota goals and the filters of its directory: those of
 * core_filters/, then of ops_filters/, then of filters/.  Each layer runs
 * its filters in that order.
 */
static int damon_sysfs_add_goals_filters(struct damos *s,
					 struct damon_sysfs_scheme *dir)
{
	struct {
		struct damon_sysfs_array *arr;
		enum damon_sysfs_filter_layer layer;
	} dirs[] = {
		{ dir->core_filters, DAMON_SYSFS_FILTERS_CORE },
		{ dir->ops_filters, DAMON_SYSFS_FILTERS_OPS },
		{ dir->filters, DAMON_SYSFS_FILTERS_ANY },
	};
	struct damon_sysfs_filter *filter;
	int d, i, err;

	err = damon_sysfs_build_goals(dir, &s->quota.goals);
	if (err)
		return err;
	for (d = 0; d < ARRAY_SIZE(dirs); d++) {
		for (i = 0; i < dirs[d].arr->nr; i++) {
			filter = to_filter(dirs[d].arr->items[i]);
			err = damon_sysfs_add_filter(s, filter, dirs[d].layer);
			if (err)
				return err;
		}
	}
	return 0;
}

/*
 * Read access_pattern/ into @p.  Every range must have min <= max.  The
 * core keeps the nr_accesses and age bounds in unsigned ints, which no
 * region ever exceeds: larger bounds, such as the ULONG_MAX that tools
 * write for "no upper bound", are clamped to UINT_MAX with the same meaning.
 */
static int damon_sysfs_get_pattern(struct damon_sysfs_access_pattern *dir,
				   struct damos_access_pattern *p)
{
	struct damon_sysfs_range *ranges[] = {
		dir->sz, dir->nr_accesses, dir->age,
	};
	unsigned long lo[ARRAY_SIZE(ranges)], hi[ARRAY_SIZE(ranges)];
	int i;

	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		lo[i] = READ_ONCE(ranges[i]->min);
		hi[i] = READ_ONCE(ranges[i]->max);
		if (lo[i] > hi[i])
			return -EINVAL;
	}
	*p = (struct damos_access_pattern) {
		.min_sz_region = lo[0],
		.max_sz_region = hi[0],
		.min_nr_accesses = min_t(unsigned long, lo[1], UINT_MAX),
		.max_nr_accesses = min_t(unsigned long, hi[1], UINT_MAX),
		.min_age_region = min_t(unsigned long, lo[2], UINT_MAX),
		.max_age_region = min_t(unsigned long, hi[2], UINT_MAX),
	};
	return 0;
}

/*
 * damon_sysfs_scheme_from_dir() - Build a scheme from a schemes/<N>/
 * directory.
 *
 * Context: Process context, with &damon_sysfs_lock held.  May sleep.
 * Return: The new scheme, or an ERR_PTR(): -EINVAL for an invalid setting,
 * -ENOMEM when out of memory.
 */
VISIBLE_IF_KUNIT struct damos *
damon_sysfs_scheme_from_dir(struct damon_sysfs_scheme *dir)
{
	struct damon_sysfs_watermarks *sys_wm = dir->watermarks;
	struct damon_sysfs_quotas *sys_quota = dir->quotas;
	unsigned int *weight = sys_quota->weights->permil;
	struct damos_access_pattern pattern;
	struct damos_watermarks wm;
	struct damos_quota quota;
	struct damos *s;
	int err;

	err = damon_sysfs_get_pattern(dir->access_pattern, &pattern);
	if (err)
		return ERR_PTR(err);
	quota = (struct damos_quota) {
		.ms = READ_ONCE(sys_quota->time_ms),
		.sz = READ_ONCE(sys_quota->bytes),
		.reset_interval = READ_ONCE(sys_quota->reset_ms),
		.weight_sz = READ_ONCE(weight[0]),
		.weight_nr_accesses = READ_ONCE(weight[1]),
		.weight_age = READ_ONCE(weight[2]),
	};
	wm = (struct damos_watermarks) {
		.metric = READ_ONCE(sys_wm->wm.metric),
		.interval = READ_ONCE(sys_wm->wm.interval),
		.high = READ_ONCE(sys_wm->wm.high),
		.mid = READ_ONCE(sys_wm->wm.mid),
		.low = READ_ONCE(sys_wm->wm.low),
	};
	s = damon_new_scheme(&pattern, READ_ONCE(dir->action),
			     READ_ONCE(dir->apply_interval_us), &quota, &wm,
			     READ_ONCE(dir->target_nid));
	if (!s)
		return ERR_PTR(-ENOMEM);
	err = damon_sysfs_add_goals_filters(s, dir);
	if (err) {
		damon_destroy_scheme(s);
		return ERR_PTR(err);
	}
	return s;
}
EXPORT_SYMBOL_IF_KUNIT(damon_sysfs_scheme_from_dir);

/**
 * damon_sysfs_add_schemes() - Add the schemes of a schemes/ directory to a
 * context that is being built.
 * @ctx:	The new context, not running yet.
 * @schemes:	The schemes/ directory.
 *
 * Called by "on" and "commit" while they build a fresh context.  The schemes
 * are added in the order of their directories.  Combinations that only the
 * core can judge, such as an action the operations set does not support,
 * are refused later by damon_start() or damon_commit_ctx().
 *
 * Context: Process context, with &damon_sysfs_lock held.  May sleep.
 * Return: 0 on success, -EINVAL for an invalid setting (an inverted
 * access pattern range, a memcg path that names no cgroup), -ENOMEM when out
 * of memory.  On failure, the schemes already added stay in @ctx, for
 * its destroyer to free.
 */
int damon_sysfs_add_schemes(struct damon_ctx *ctx,
			    struct damon_sysfs_array *schemes)
{
	struct damon_sysfs_scheme *dir;
	struct damos *s;
	int i;

	for (i = 0; (dir = damon_sysfs_nth_scheme(schemes, i)); i++) {
		s = damon_sysfs_scheme_from_dir(dir);
		if (IS_ERR(s))
			return PTR_ERR(s);
		damon_add_scheme(ctx, s);
	}
	return 0;
}

/* === The scheme commands === */

/*
 * The commands the kdamond runs copy what they need out of the
 * schemes/<N>/ directories before they queue their request, and copy its
 * results back once it is done: the writer waits without damon_sysfs_lock,
 * so the directories may change meanwhile, and the kdamond never touches
 * them.  Each command maps the schemes of the running context to the
 * directories by position; the extra ones on either side are left alone.
 */

/**
 * struct damon_sysfs_scheme_vals - What "update_schemes_stats" and
 * "update_schemes_effective_quotas" copy out of the running schemes.
 * @nr:		Number of schemes/<N>/ directories when the command started.
 * @nr_copied:	Number of entries of @vals the kdamond filled in.
 * @vals:	One entry per scheme, in order: its statistics or its
 *		effective quota.
 */
struct damon_sysfs_scheme_vals {
	int nr;
	int nr_copied;
	union {
		struct damos_stat stat;
		unsigned long esz;
	} vals[];
};

static int damon_sysfs_vals_prepare(struct damon_sysfs_context *dir,
				    struct damon_request *req,
				    int (*fn)(struct damon_ctx *, void *))
{
	struct damon_sysfs_scheme_vals *v;
	int nr = dir->schemes->nr;

	v = kzalloc(struct_size(v, vals, nr), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	v->nr = nr;
	req->fn = fn;
	req->arg = v;
	return 0;
}

static void damon_sysfs_free_arg(struct damon_request *req)
{
	kfree(req->arg);
}

static int damon_sysfs_stats_fn(struct damon_ctx *ctx, void *arg)
{
	struct damon_sysfs_scheme_vals *v = arg;
	struct damos *s;

	damon_for_each_scheme(s, ctx) {
		if (v->nr_copied >= v->nr)
			break;
		v->vals[v->nr_copied++].stat = s->stat;
	}
	return 0;
}

static int damon_sysfs_stats_prepare(struct damon_sysfs_context *dir,
				     struct damon_request *req)
{
	return damon_sysfs_vals_prepare(dir, req, damon_sysfs_stats_fn);
}

static int damon_sysfs_stats_publish(struct damon_sysfs_context *dir,
				     struct damon_request *req)
{
	struct damon_sysfs_scheme_vals *v = req->arg;
	struct damon_sysfs_scheme *sdir;
	struct damos_stat *stat;
	int i;

	for (i = 0; i < v->nr_copied; i++) {
		sdir = damon_sysfs_nth_scheme(dir->schemes, i);
		if (!sdir)
			break;
		stat = &sdir->stats->stat;
		WRITE_ONCE(stat->nr_tried, v->vals[i].stat.nr_tried);
		WRITE_ONCE(stat->sz_tried, v->vals[i].stat.sz_tried);
		WRITE_ONCE(stat->nr_applied, v->vals[i].stat.nr_applied);
		WRITE_ONCE(stat->sz_applied, v->vals[i].stat.sz_applied);
		WRITE_ONCE(stat->sz_ops_filter_passed,
			   v->vals[i].stat.sz_ops_filter_passed);
		WRITE_ONCE(stat->qt_exceeds, v->vals[i].stat.qt_exceeds);
	}
	return 0;
}

/* Whether @q limits its scheme by size, by time or by goals. */
static bool damon_sysfs_quota_set(const struct damos_quota *q)
{
	return q->ms || q->sz || !list_empty(&q->goals);
}

static int damon_sysfs_esz_fn(struct damon_ctx *ctx, void *arg)
{
	struct damon_sysfs_scheme_vals *v = arg;
	struct damos *s;

	damon_for_each_scheme(s, ctx) {
		if (v->nr_copied >= v->nr)
			break;
		/* As for "bytes", 0 means that no quota is set. */
		v->vals[v->nr_copied++].esz =
			damon_sysfs_quota_set(&s->quota) ? s->quota.esz : 0;
	}
	return 0;
}

static int damon_sysfs_esz_prepare(struct damon_sysfs_context *dir,
				   struct damon_request *req)
{
	return damon_sysfs_vals_prepare(dir, req, damon_sysfs_esz_fn);
}

static int damon_sysfs_esz_publish(struct damon_sysfs_context *dir,
				   struct damon_request *req)
{
	struct damon_sysfs_scheme_vals *v = req->arg;
	struct damon_sysfs_scheme *sdir;
	int i;

	for (i = 0; i < v->nr_copied; i++) {
		sdir = damon_sysfs_nth_scheme(dir->schemes, i);
		if (!sdir)
			break;
		WRITE_ONCE(sdir->quotas->effective_bytes, v->vals[i].esz);
	}
	return 0;
}

/*
 * The quota goals of each schemes/<N>/ directory, built by the "state"
 * writer for the kdamond to take: @goals has one list per directory.
 */
struct damon_sysfs_goals {
	struct list_head *goals;
	int nr;
};

/*
 * Give each running scheme the goals built from its directory, in place of
 * its own.  A goal that keeps its position and its PSI metric keeps
 * measuring from where the old one was.
 */
static int damon_sysfs_goals_fn(struct damon_ctx *ctx, void *arg)
{
	struct damos_quota_goal *old, *new, *next;
	struct damon_sysfs_goals *built = arg;
	struct damos *s;
	int i = 0;

	damon_for_each_scheme(s, ctx) {
		if (i >= built->nr)
			break;
		new = list_first_entry(&built->goals[i], struct damos_quota_goal,
				       list);
		damos_for_each_quota_goal_safe(old, next, &s->quota) {
			if (&new->list != &built->goals[i]) {
				if (new->metric == old->metric)
					new->last_psi_total =
						old->last_psi_total;
				new = list_next_entry(new, list);
			}
			damos_destroy_quota_goal(old);
		}
		list_splice_tail_init(&built->goals[i++], &s->quota.goals);
	}
	return 0;
}

/* Free the goals the kdamond did not take, and @req->arg. */
static void damon_sysfs_goals_release(struct damon_request *req)
{
	struct damon_sysfs_goals *built = req->arg;
	struct damos_quota_goal *g, *next;
	int i;

	for (i = 0; i < built->nr; i++) {
		list_for_each_entry_safe(g, next, &built->goals[i], list)
			damos_destroy_quota_goal(g);
	}
	kfree(built->goals);
	kfree(built);
}

/*
 * commit_schemes_quota_goals: replace the goals of each running scheme by
 * those of its directory, so that goals can be added, removed or changed.
 */
static int damon_sysfs_goals_prepare(struct damon_sysfs_context *dir,
				     struct damon_request *req)
{
	struct damon_sysfs_scheme *sdir;
	struct damon_sysfs_goals *built;
	int i, err = 0;

	built = kzalloc(sizeof(*built), GFP_KERNEL);
	if (!built)
		return -ENOMEM;
	built->nr = dir->schemes->nr;
	built->goals = kcalloc(built->nr, sizeof(*built->goals), GFP_KERNEL);
	if (!built->goals) {
		kfree(built);
		return -ENOMEM;
	}
	req->fn = damon_sysfs_goals_fn;
	req->arg = built;
	for (i = 0; i < built->nr; i++)
		INIT_LIST_HEAD(&built->goals[i]);
	for (i = 0; i < built->nr && !err; i++) {
		sdir = damon_sysfs_nth_scheme(dir->schemes, i);
		err = damon_sysfs_build_goals(sdir, &built->goals[i]);
	}
	if (err)
		damon_sysfs_goals_release(req);
	return err;
}

/*
 * Most tried_regions/<N>/ directories one update_schemes_tried_regions makes
 * per scheme; total_bytes still counts every tried region.
 */
#define DAMON_SYSFS_MAX_TRIED_REGIONS	8192

/**
 * struct damon_sysfs_tried - What a tried-regions walk collects for one
 * scheme.
 * @regions:		Collected &struct damon_sysfs_tried_region, not
 *			added to sysfs yet.
 * @nr:			Number of entries in @regions.
 * @total_bytes:	Total size of the tried regions.
 */
struct damon_sysfs_tried {
	struct list_head regions;
	int nr;
	unsigned long total_bytes;
};

/**
 * struct damon_sysfs_tried_walk - Argument of a tried-regions walk.
 * @tried:	One entry per schemes/<N>/ directory.
 * @nr:		Number of entries in @tried.
 * @collect:	Whether to collect the regions or only their sizes.
 */
struct damon_sysfs_tried_walk {
	struct damon_sysfs_tried *tried;
	int nr;
	bool collect;
};

/* Called by the kdamond, in process context, for every tried region. */
static void damon_sysfs_tried_walk_fn(void *arg, struct damon_ctx *ctx,
				      struct damon_target *t,
				      struct damon_region *r,
				      struct damos *scheme,
				      unsigned long sz_filter_passed)
{
	struct damon_sysfs_tried_walk *walk = arg;
	struct damon_sysfs_tried_region *region;
	struct damon_sysfs_tried *tried;
	struct kobject *kobj;
	struct damos *s;
	int idx = 0;

	damon_for_each_scheme(s, ctx) {
		if (s == scheme)
			break;
		idx++;
	}
	if (idx >= walk->nr)
		return;
	tried = &walk->tried[idx];
	tried->total_bytes += damon_sz_region(r);
	if (!walk->collect || tried->nr >= DAMON_SYSFS_MAX_TRIED_REGIONS)
		return;
	kobj = damon_sysfs_dir_new(&damon_sysfs_tried_region_kind, NULL);
	if (!kobj)
		return;
	region = container_of(kobj, struct damon_sysfs_tried_region, kobj);
	region->ar = r->ar;
	region->nr_accesses = damon_nr_accesses_now(ctx, r);
	region->age = r->age;
	region->sz_filter_passed = sz_filter_passed;
	list_add_tail(&region->list, &tried->regions);
	tried->nr++;
}

/* The request function of a walk: the walk did everything. */
static int damon_sysfs_tried_fn(struct damon_ctx *ctx, void *arg)
{
	return 0;
}

static void damon_sysfs_tried_release(struct damon_request *req)
{
	struct damon_sysfs_tried_walk *walk = req->arg;
	struct damon_sysfs_tried_region *r, *next;
	int i;

	for (i = 0; i < walk->nr; i++) {
		list_for_each_entry_safe(r, next, &walk->tried[i].regions,
					 list) {
			list_del(&r->list);
			kobject_put(&r->kobj);
		}
	}
	kfree(walk->tried);
	kfree(walk);
}

static int damon_sysfs_tried_prepare(struct damon_sysfs_context *dir,
				     struct damon_request *req, bool collect)
{
	struct damon_sysfs_tried_walk *walk;
	int i;

	walk = kzalloc(sizeof(*walk), GFP_KERNEL);
	if (!walk)
		return -ENOMEM;
	walk->nr = dir->schemes->nr;
	walk->collect = collect;
	walk->tried = kcalloc(walk->nr, sizeof(*walk->tried), GFP_KERNEL);
	if (walk->nr && !walk->tried) {
		kfree(walk);
		return -ENOMEM;
	}
	for (i = 0; i < walk->nr; i++)
		INIT_LIST_HEAD(&walk->tried[i].regions);
	req->fn = damon_sysfs_tried_fn;
	/* Without a scheme directory, there is no pass to wait for. */
	if (walk->nr)
		req->walk_fn = damon_sysfs_tried_walk_fn;
	req->arg = walk;
	return 0;
}

static int damon_sysfs_tried_regions_prepare(struct damon_sysfs_context *dir,
					     struct damon_request *req)
{
	return damon_sysfs_tried_prepare(dir, req, true);
}

static int damon_sysfs_tried_bytes_prepare(struct damon_sysfs_context *dir,
					   struct damon_request *req)
{
	return damon_sysfs_tried_prepare(dir, req, false);
}

/**
 * damon_sysfs_tried_table_fill() - Write the lines of tried_regions/table.
 * @arr:	The tried_regions/ directory, of
 *		&struct damon_sysfs_tried_region.
 * @gen:	Generation of the table, for its header.
 * @buf:	Where to write the lines.
 * @size:	Size of @buf: DAMON_SYSFS_TRIED_HEADER_MAX bytes, plus
 *		DAMON_SYSFS_TRIED_LINE_MAX bytes per child of @arr, plus one
 *		for the terminating NUL.
 *
 * Writes the header, "# generation @gen regions N" where N is the number of
 * children of @arr, then one line, "start end nr_accesses age
 * sz_filter_passed" in decimal as the files of the child show them, per
 * child of @arr, in order.  With no child, writes nothing.
 *
 * Context: Any context, with the children of @arr kept from changing:
 * &damon_sysfs_lock held.
 * Return: The length of the text, without the NUL.
 */
VISIBLE_IF_KUNIT size_t
damon_sysfs_tried_table_fill(struct damon_sysfs_array *arr, u64 gen,
			     char *buf, size_t size)
{
	struct damon_sysfs_tried_region *r;
	size_t len;
	int i;

	if (!arr->nr)
		return 0;
	len = scnprintf(buf, size, "# generation %llu regions %d\n", gen,
			arr->nr);
	for (i = 0; i < arr->nr; i++) {
		r = damon_sysfs_item(arr, i, struct damon_sysfs_tried_region);
		len += scnprintf(buf + len, size - len, "%lu %lu %lu %lu %lu\n",
				 r->ar.start, r->ar.end, r->nr_accesses,
				 r->age, r->sz_filter_passed);
	}
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(damon_sysfs_tried_table_fill);

/* Make @table, of @len bytes, the contents of "table" of @trdir. */
static void
damon_sysfs_tried_table_set(struct damon_sysfs_tried_regions *trdir,
			    char *table, size_t len)
{
	if (!len) {
		kvfree(table);
		table = NULL;
	}
	scoped_guard(mutex, &damon_sysfs_tried_table_lock) {
		swap(trdir->table, table);
		trdir->table_len = len;
	}
	kvfree(table);
}

/*
 * Generation of the last tried_regions/table made, of any scheme: each new
 * table gets the next one, so that a reader can tell that the table changed
 * between two of its reads.  Protected by &damon_sysfs_lock.
 */
static u64 damon_sysfs_tried_table_gen;

/*
 * Replace the numbered directories of @trdir by the regions of @tried, which
 * leave @tried, and "table" by their lines.  The room for the table is
 * taken first, and the table is written from the directories that were
 * made, so that both show the same regions whatever fails: on failure,
 * both may show fewer regions than were tried, or none.
 */
static int
damon_sysfs_tried_publish_one(struct damon_sysfs_tried_regions *trdir,
			      struct damon_sysfs_tried *tried)
{
	struct damon_sysfs_tried_region *r, *next;
	size_t size = 0, len = 0;
	char *table = NULL;
	int err = 0;

	if (tried->nr) {
		size = DAMON_SYSFS_TRIED_HEADER_MAX +
			(size_t)tried->nr * DAMON_SYSFS_TRIED_LINE_MAX + 1;
		table = kvmalloc(size, GFP_KERNEL);
		if (!table)
			err = -ENOMEM;
	}
	if (err)
		damon_sysfs_array_clear(&trdir->arr);
	else
		err = damon_sysfs_array_reserve(&trdir->arr, tried->nr);
	list_for_each_entry_safe(r, next, &tried->regions, list) {
		list_del(&r->list);
		if (err)
			kobject_put(&r->kobj);
		else
			err = damon_sysfs_array_push(&trdir->arr, &r->kobj);
	}
	if (table)
		len = damon_sysfs_tried_table_fill(&trdir->arr,
						   ++damon_sysfs_tried_table_gen,
						   table, size);
	damon_sysfs_tried_table_set(trdir, table, len);
	return err;
}

/*
 * Hand what the walk collected to the tried_regions/ directories.  The
 * regions handed over, or freed on failure, leave the walk.
 */
static int damon_sysfs_tried_publish(struct damon_sysfs_context *dir,
				     struct damon_request *req)
{
	struct damon_sysfs_tried_walk *walk = req->arg;
	struct damon_sysfs_tried_regions *trdir;
	struct damon_sysfs_scheme *sdir;
	struct damon_sysfs_tried *tried;
	int i, err, ret = 0;

	for (i = 0; i < walk->nr; i++) {
		sdir = damon_sysfs_nth_scheme(dir->schemes, i);
		if (!sdir)
			break;
		tried = &walk->tried[i];
		trdir = sdir->tried_regions;
		WRITE_ONCE(trdir->total_bytes, tried->total_bytes);
		if (!walk->collect)
			continue;
		err = damon_sysfs_tried_publish_one(trdir, tried);
		if (!ret)
			ret = err;
	}
	return ret;
}

static int damon_sysfs_clear_tried(struct damon_sysfs_context *dir)
{
	struct damon_sysfs_scheme *sdir;
	int i;

	for (i = 0; (sdir = damon_sysfs_nth_scheme(dir->schemes, i)); i++) {
		damon_sysfs_array_clear(&sdir->tried_regions->arr);
		damon_sysfs_tried_table_set(sdir->tried_regions, NULL, 0);
		WRITE_ONCE(sdir->tried_regions->total_bytes, 0);
	}
	return 0;
}

/*
 * The scheme commands of a kdamond's "state" file, ended by an empty entry.
 * sysfs.c runs them only while the kdamond runs.
 */
const struct damon_sysfs_cmd damon_sysfs_schemes_cmds[] = {
	{ .word = "commit_schemes_quota_goals",
	  .prepare = damon_sysfs_goals_prepare,
	  .release = damon_sysfs_goals_release },
	{ .word = "update_schemes_stats",
	  .prepare = damon_sysfs_stats_prepare,
	  .publish = damon_sysfs_stats_publish,
	  .release = damon_sysfs_free_arg },
	{ .word = "update_schemes_tried_regions",
	  .prepare = damon_sysfs_tried_regions_prepare,
	  .publish = damon_sysfs_tried_publish,
	  .release = damon_sysfs_tried_release },
	{ .word = "update_schemes_tried_bytes",
	  .prepare = damon_sysfs_tried_bytes_prepare,
	  .publish = damon_sysfs_tried_publish,
	  .release = damon_sysfs_tried_release },
	{ .word = "clear_schemes_tried_regions",
	  .run_dir = damon_sysfs_clear_tried },
	{ .word = "update_schemes_effective_quotas",
	  .prepare = damon_sysfs_esz_prepare,
	  .publish = damon_sysfs_esz_publish,
	  .release = damon_sysfs_free_arg },
	{ }
};
