// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON sysfs interface: the schemes/ directory of a context.
 *
 * Map of this file:
 *   - helpers				numeric files, child directories
 *   - access_pattern/			sz/, nr_accesses/, age/
 *   - quotas/weights/, quotas/goals/	and quotas/ itself
 *   - watermarks/
 *   - filters/ and filters/<N>/
 *   - stats/
 *   - tried_regions/ and tried_regions/<N>/
 *   - schemes/<N>/ and schemes/
 *   - building the schemes of a damon_ctx
 *   - the scheme commands of "state"
 *
 * As in sysfs.c, the directories only hold what the user wrote, plus the
 * values the scheme commands copy from the running context.  Files that hold
 * a value never take &damon_sysfs_lock; files whose store creates or removes
 * directories, or frees memory a reader may use, take it with
 * mutex_trylock() (see &damon_sysfs_lock for why).
 */

#include <linux/cgroup.h>
#include <linux/err.h>
#include <linux/kstrtox.h>
#include <linux/memcontrol.h>
#include <linux/numa.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <kunit/visibility.h>

#include "sysfs-common.h"

/* === Helpers === */

static ssize_t damon_sysfs_ul_show(const unsigned long *val, char *buf)
{
	return sysfs_emit(buf, "%lu\n", READ_ONCE(*val));
}

static ssize_t damon_sysfs_ul_store(unsigned long *val, const char *buf,
				    size_t count)
{
	unsigned long v;

	if (kstrtoul(buf, 0, &v))
		return -EINVAL;
	WRITE_ONCE(*val, v);
	return count;
}

/*
 * Initialise and add the kobject @kobj of a child directory @name of
 * @parent.  On failure the kobject is put, which frees the structure.
 */
static int damon_sysfs_add_child(struct kobject *kobj,
				 const struct kobj_type *ktype,
				 struct kobject *parent, const char *name)
{
	int err;

	err = kobject_init_and_add(kobj, ktype, parent, "%s", name);
	if (err)
		kobject_put(kobj);
	return err;
}

/* Find @buf in @strs, an array of @nr keywords. */
static int damon_sysfs_find_str(const char *buf, const char * const *strs,
				int nr)
{
	int i;

	for (i = 0; i < nr; i++) {
		if (sysfs_streq(buf, strs[i]))
			return i;
	}
	return -EINVAL;
}

/* === access_pattern/ === */

static int
damon_sysfs_access_pattern_add_range(struct kobject *parent,
				     struct damon_sysfs_ul_range **range,
				     unsigned long max, const char *name)
{
	struct damon_sysfs_ul_range *r;
	int err;

	r = damon_sysfs_ul_range_alloc(0, max);
	if (!r)
		return -ENOMEM;
	err = damon_sysfs_add_child(&r->kobj, &damon_sysfs_ul_range_ktype,
				    parent, name);
	if (err)
		return err;
	*range = r;
	return 0;
}

static void
damon_sysfs_access_pattern_rm_dirs(struct damon_sysfs_access_pattern *ap)
{
	if (ap->sz)
		kobject_put(&ap->sz->kobj);
	if (ap->nr_accesses)
		kobject_put(&ap->nr_accesses->kobj);
	if (ap->age)
		kobject_put(&ap->age->kobj);
	ap->sz = NULL;
	ap->nr_accesses = NULL;
	ap->age = NULL;
}

static int
damon_sysfs_access_pattern_add_dirs(struct damon_sysfs_access_pattern *ap)
{
	int err;

	err = damon_sysfs_access_pattern_add_range(&ap->kobj, &ap->sz,
						   ULONG_MAX, "sz");
	if (err)
		goto rm_dirs;
	err = damon_sysfs_access_pattern_add_range(&ap->kobj,
						   &ap->nr_accesses,
						   UINT_MAX, "nr_accesses");
	if (err)
		goto rm_dirs;
	err = damon_sysfs_access_pattern_add_range(&ap->kobj, &ap->age,
						   UINT_MAX, "age");
	if (err)
		goto rm_dirs;
	return 0;

rm_dirs:
	damon_sysfs_access_pattern_rm_dirs(ap);
	return err;
}

static void damon_sysfs_access_pattern_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_access_pattern, kobj));
}

static const struct kobj_type damon_sysfs_access_pattern_ktype = {
	.release = damon_sysfs_access_pattern_release,
	.sysfs_ops = &kobj_sysfs_ops,
};

/* === quotas/weights/ === */

static ssize_t sz_permil_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_weights *dir = container_of(kobj,
			struct damon_sysfs_weights, kobj);

	return damon_sysfs_ul_show(&dir->sz, buf);
}

static ssize_t sz_permil_store(struct kobject *kobj,
			       struct kobj_attribute *attr,
			       const char *buf, size_t count)
{
	struct damon_sysfs_weights *dir = container_of(kobj,
			struct damon_sysfs_weights, kobj);

	return damon_sysfs_ul_store(&dir->sz, buf, count);
}

static ssize_t nr_accesses_permil_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_weights *dir = container_of(kobj,
			struct damon_sysfs_weights, kobj);

	return damon_sysfs_ul_show(&dir->nr_accesses, buf);
}

static ssize_t nr_accesses_permil_store(struct kobject *kobj,
					struct kobj_attribute *attr,
					const char *buf, size_t count)
{
	struct damon_sysfs_weights *dir = container_of(kobj,
			struct damon_sysfs_weights, kobj);

	return damon_sysfs_ul_store(&dir->nr_accesses, buf, count);
}

static ssize_t age_permil_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_weights *dir = container_of(kobj,
			struct damon_sysfs_weights, kobj);

	return damon_sysfs_ul_show(&dir->age, buf);
}

static ssize_t age_permil_store(struct kobject *kobj,
				struct kobj_attribute *attr,
				const char *buf, size_t count)
{
	struct damon_sysfs_weights *dir = container_of(kobj,
			struct damon_sysfs_weights, kobj);

	return damon_sysfs_ul_store(&dir->age, buf, count);
}

static void damon_sysfs_weights_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_weights, kobj));
}

static struct kobj_attribute damon_sysfs_weights_sz_attr =
		__ATTR_RW_MODE(sz_permil, 0600);
static struct kobj_attribute damon_sysfs_weights_nr_accesses_attr =
		__ATTR_RW_MODE(nr_accesses_permil, 0600);
static struct kobj_attribute damon_sysfs_weights_age_attr =
		__ATTR_RW_MODE(age_permil, 0600);

static struct attribute *damon_sysfs_weights_attrs[] = {
	&damon_sysfs_weights_sz_attr.attr,
	&damon_sysfs_weights_nr_accesses_attr.attr,
	&damon_sysfs_weights_age_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_weights);

static const struct kobj_type damon_sysfs_weights_ktype = {
	.release = damon_sysfs_weights_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_weights_groups,
};

/* === quotas/goals/<N>/ === */

/* Keywords of "target_metric", indexed by &enum damos_quota_goal_metric. */
static const char * const damon_sysfs_goal_metric_strs[] = {
	[DAMOS_QUOTA_USER_INPUT] = "user_input",
	[DAMOS_QUOTA_SOME_MEM_PSI_US] = "some_mem_psi_us",
};

static_assert(ARRAY_SIZE(damon_sysfs_goal_metric_strs) ==
	      NR_DAMOS_QUOTA_GOAL_METRICS);

static ssize_t target_metric_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_quota_goal *goal = container_of(kobj,
			struct damon_sysfs_quota_goal, kobj);

	return sysfs_emit(buf, "%s\n",
			  damon_sysfs_goal_metric_strs[READ_ONCE(goal->metric)]);
}

static ssize_t target_metric_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	struct damon_sysfs_quota_goal *goal = container_of(kobj,
			struct damon_sysfs_quota_goal, kobj);
	int metric;

	metric = damon_sysfs_find_str(buf, damon_sysfs_goal_metric_strs,
				      NR_DAMOS_QUOTA_GOAL_METRICS);
	if (metric < 0)
		return metric;
	WRITE_ONCE(goal->metric, metric);
	return count;
}

static ssize_t target_value_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_quota_goal *dir = container_of(kobj,
			struct damon_sysfs_quota_goal, kobj);

	return damon_sysfs_ul_show(&dir->target_value, buf);
}

static ssize_t target_value_store(struct kobject *kobj,
				  struct kobj_attribute *attr,
				  const char *buf, size_t count)
{
	struct damon_sysfs_quota_goal *dir = container_of(kobj,
			struct damon_sysfs_quota_goal, kobj);

	return damon_sysfs_ul_store(&dir->target_value, buf, count);
}

static ssize_t current_value_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_quota_goal *dir = container_of(kobj,
			struct damon_sysfs_quota_goal, kobj);

	return damon_sysfs_ul_show(&dir->current_value, buf);
}

static ssize_t current_value_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	struct damon_sysfs_quota_goal *dir = container_of(kobj,
			struct damon_sysfs_quota_goal, kobj);

	return damon_sysfs_ul_store(&dir->current_value, buf, count);
}

static void damon_sysfs_quota_goal_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_quota_goal, kobj));
}

static struct kobj_attribute damon_sysfs_quota_goal_metric_attr =
		__ATTR_RW_MODE(target_metric, 0600);
static struct kobj_attribute damon_sysfs_quota_goal_target_value_attr =
		__ATTR_RW_MODE(target_value, 0600);
static struct kobj_attribute damon_sysfs_quota_goal_current_value_attr =
		__ATTR_RW_MODE(current_value, 0600);

static struct attribute *damon_sysfs_quota_goal_attrs[] = {
	&damon_sysfs_quota_goal_metric_attr.attr,
	&damon_sysfs_quota_goal_target_value_attr.attr,
	&damon_sysfs_quota_goal_current_value_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_quota_goal);

static const struct kobj_type damon_sysfs_quota_goal_ktype = {
	.release = damon_sysfs_quota_goal_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_quota_goal_groups,
};

/* === quotas/goals/ === */

static void damon_sysfs_quota_goals_rm_dirs(struct damon_sysfs_quota_goals *goals)
{
	int i;

	for (i = 0; i < goals->nr; i++)
		kobject_put(&goals->goals_arr[i]->kobj);
	kfree(goals->goals_arr);
	goals->goals_arr = NULL;
	goals->nr = 0;
}

static int damon_sysfs_quota_goals_add_dirs(struct damon_sysfs_quota_goals *goals,
					    int nr)
{
	struct damon_sysfs_quota_goal *goal;
	char name[12];
	int err, i;

	damon_sysfs_quota_goals_rm_dirs(goals);
	if (!nr)
		return 0;
	goals->goals_arr = kmalloc_array(nr, sizeof(*goals->goals_arr),
					 GFP_KERNEL | __GFP_NOWARN);
	if (!goals->goals_arr)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		goal = kzalloc(sizeof(*goal), GFP_KERNEL);
		if (!goal) {
			err = -ENOMEM;
			goto rm_dirs;
		}
		snprintf(name, sizeof(name), "%d", i);
		err = damon_sysfs_add_child(&goal->kobj,
					    &damon_sysfs_quota_goal_ktype,
					    &goals->kobj, name);
		if (err)
			goto rm_dirs;
		goals->goals_arr[i] = goal;
		goals->nr++;
	}
	return 0;

rm_dirs:
	damon_sysfs_quota_goals_rm_dirs(goals);
	return err;
}

static ssize_t nr_goals_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_quota_goals *goals = container_of(kobj,
			struct damon_sysfs_quota_goals, kobj);

	return sysfs_emit(buf, "%d\n", READ_ONCE(goals->nr));
}

static ssize_t nr_goals_store(struct kobject *kobj,
			      struct kobj_attribute *attr, const char *buf,
			      size_t count)
{
	struct damon_sysfs_quota_goals *goals = container_of(kobj,
			struct damon_sysfs_quota_goals, kobj);
	int nr, err;

	err = damon_sysfs_parse_nr(buf, &nr);
	if (err)
		return err;
	/* See damon_sysfs_lock for why this does not wait. */
	if (!mutex_trylock(&damon_sysfs_lock))
		return -EBUSY;
	err = damon_sysfs_quota_goals_add_dirs(goals, nr);
	mutex_unlock(&damon_sysfs_lock);
	return err ? err : count;
}

static void damon_sysfs_quota_goals_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_quota_goals, kobj));
}

static struct kobj_attribute damon_sysfs_quota_goals_nr_attr =
		__ATTR_RW_MODE(nr_goals, 0600);

static struct attribute *damon_sysfs_quota_goals_attrs[] = {
	&damon_sysfs_quota_goals_nr_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_quota_goals);

static const struct kobj_type damon_sysfs_quota_goals_ktype = {
	.release = damon_sysfs_quota_goals_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_quota_goals_groups,
};

/* === quotas/ === */

static void damon_sysfs_quotas_rm_dirs(struct damon_sysfs_quotas *quotas)
{
	if (quotas->weights)
		kobject_put(&quotas->weights->kobj);
	if (quotas->goals) {
		damon_sysfs_quota_goals_rm_dirs(quotas->goals);
		kobject_put(&quotas->goals->kobj);
	}
	quotas->weights = NULL;
	quotas->goals = NULL;
}

static int damon_sysfs_quotas_add_dirs(struct damon_sysfs_quotas *quotas)
{
	struct damon_sysfs_quota_goals *goals;
	struct damon_sysfs_weights *weights;
	int err;

	weights = kzalloc(sizeof(*weights), GFP_KERNEL);
	if (!weights)
		return -ENOMEM;
	err = damon_sysfs_add_child(&weights->kobj, &damon_sysfs_weights_ktype,
				    &quotas->kobj, "weights");
	if (err)
		return err;
	quotas->weights = weights;

	goals = kzalloc(sizeof(*goals), GFP_KERNEL);
	if (!goals) {
		err = -ENOMEM;
		goto rm_dirs;
	}
	err = damon_sysfs_add_child(&goals->kobj,
				    &damon_sysfs_quota_goals_ktype,
				    &quotas->kobj, "goals");
	if (err)
		goto rm_dirs;
	quotas->goals = goals;
	return 0;

rm_dirs:
	damon_sysfs_quotas_rm_dirs(quotas);
	return err;
}

static ssize_t ms_show(struct kobject *kobj,
		       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_quotas *dir = container_of(kobj,
			struct damon_sysfs_quotas, kobj);

	return damon_sysfs_ul_show(&dir->ms, buf);
}

static ssize_t ms_store(struct kobject *kobj,
			struct kobj_attribute *attr,
			const char *buf, size_t count)
{
	struct damon_sysfs_quotas *dir = container_of(kobj,
			struct damon_sysfs_quotas, kobj);

	return damon_sysfs_ul_store(&dir->ms, buf, count);
}

static ssize_t bytes_show(struct kobject *kobj,
			  struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_quotas *dir = container_of(kobj,
			struct damon_sysfs_quotas, kobj);

	return damon_sysfs_ul_show(&dir->sz, buf);
}

static ssize_t bytes_store(struct kobject *kobj,
			   struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	struct damon_sysfs_quotas *dir = container_of(kobj,
			struct damon_sysfs_quotas, kobj);

	return damon_sysfs_ul_store(&dir->sz, buf, count);
}

static ssize_t reset_interval_ms_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_quotas *dir = container_of(kobj,
			struct damon_sysfs_quotas, kobj);

	return damon_sysfs_ul_show(&dir->reset_interval_ms, buf);
}

static ssize_t reset_interval_ms_store(struct kobject *kobj,
				       struct kobj_attribute *attr,
				       const char *buf, size_t count)
{
	struct damon_sysfs_quotas *dir = container_of(kobj,
			struct damon_sysfs_quotas, kobj);

	return damon_sysfs_ul_store(&dir->reset_interval_ms, buf, count);
}

static ssize_t effective_bytes_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_quotas *dir = container_of(kobj,
			struct damon_sysfs_quotas, kobj);

	return damon_sysfs_ul_show(&dir->effective_sz, buf);
}

static void damon_sysfs_quotas_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_quotas, kobj));
}

static struct kobj_attribute damon_sysfs_quotas_ms_attr =
		__ATTR_RW_MODE(ms, 0600);
static struct kobj_attribute damon_sysfs_quotas_sz_attr =
		__ATTR_RW_MODE(bytes, 0600);
static struct kobj_attribute damon_sysfs_quotas_reset_interval_ms_attr =
		__ATTR_RW_MODE(reset_interval_ms, 0600);
static struct kobj_attribute damon_sysfs_quotas_effective_bytes_attr =
		__ATTR_RO_MODE(effective_bytes, 0400);

static struct attribute *damon_sysfs_quotas_attrs[] = {
	&damon_sysfs_quotas_ms_attr.attr,
	&damon_sysfs_quotas_sz_attr.attr,
	&damon_sysfs_quotas_reset_interval_ms_attr.attr,
	&damon_sysfs_quotas_effective_bytes_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_quotas);

static const struct kobj_type damon_sysfs_quotas_ktype = {
	.release = damon_sysfs_quotas_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_quotas_groups,
};

/* === watermarks/ === */

/* Keywords of "metric", indexed by &enum damos_wmark_metric. */
static const char * const damon_sysfs_wmark_metric_strs[] = {
	[DAMOS_WMARK_NONE] = "none",
	[DAMOS_WMARK_FREE_MEM_RATE] = "free_mem_rate",
};

static_assert(ARRAY_SIZE(damon_sysfs_wmark_metric_strs) ==
	      NR_DAMOS_WMARK_METRICS);

static ssize_t metric_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct damon_sysfs_watermarks *wmarks = container_of(kobj,
			struct damon_sysfs_watermarks, kobj);

	return sysfs_emit(buf, "%s\n",
			  damon_sysfs_wmark_metric_strs[READ_ONCE(wmarks->metric)]);
}

static ssize_t metric_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	struct damon_sysfs_watermarks *wmarks = container_of(kobj,
			struct damon_sysfs_watermarks, kobj);
	int metric;

	metric = damon_sysfs_find_str(buf, damon_sysfs_wmark_metric_strs,
				      NR_DAMOS_WMARK_METRICS);
	if (metric < 0)
		return metric;
	WRITE_ONCE(wmarks->metric, metric);
	return count;
}

static ssize_t interval_us_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_watermarks *dir = container_of(kobj,
			struct damon_sysfs_watermarks, kobj);

	return damon_sysfs_ul_show(&dir->interval_us, buf);
}

static ssize_t interval_us_store(struct kobject *kobj,
				 struct kobj_attribute *attr,
				 const char *buf, size_t count)
{
	struct damon_sysfs_watermarks *dir = container_of(kobj,
			struct damon_sysfs_watermarks, kobj);

	return damon_sysfs_ul_store(&dir->interval_us, buf, count);
}

static ssize_t high_show(struct kobject *kobj,
			 struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_watermarks *dir = container_of(kobj,
			struct damon_sysfs_watermarks, kobj);

	return damon_sysfs_ul_show(&dir->high, buf);
}

static ssize_t high_store(struct kobject *kobj,
			  struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct damon_sysfs_watermarks *dir = container_of(kobj,
			struct damon_sysfs_watermarks, kobj);

	return damon_sysfs_ul_store(&dir->high, buf, count);
}

static ssize_t mid_show(struct kobject *kobj,
			struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_watermarks *dir = container_of(kobj,
			struct damon_sysfs_watermarks, kobj);

	return damon_sysfs_ul_show(&dir->mid, buf);
}

static ssize_t mid_store(struct kobject *kobj,
			 struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	struct damon_sysfs_watermarks *dir = container_of(kobj,
			struct damon_sysfs_watermarks, kobj);

	return damon_sysfs_ul_store(&dir->mid, buf, count);
}

static ssize_t low_show(struct kobject *kobj,
			struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_watermarks *dir = container_of(kobj,
			struct damon_sysfs_watermarks, kobj);

	return damon_sysfs_ul_show(&dir->low, buf);
}

static ssize_t low_store(struct kobject *kobj,
			 struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	struct damon_sysfs_watermarks *dir = container_of(kobj,
			struct damon_sysfs_watermarks, kobj);

	return damon_sysfs_ul_store(&dir->low, buf, count);
}

static void damon_sysfs_watermarks_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_watermarks, kobj));
}

static struct kobj_attribute damon_sysfs_watermarks_metric_attr =
		__ATTR_RW_MODE(metric, 0600);
static struct kobj_attribute damon_sysfs_watermarks_interval_us_attr =
		__ATTR_RW_MODE(interval_us, 0600);
static struct kobj_attribute damon_sysfs_watermarks_high_attr =
		__ATTR_RW_MODE(high, 0600);
static struct kobj_attribute damon_sysfs_watermarks_mid_attr =
		__ATTR_RW_MODE(mid, 0600);
static struct kobj_attribute damon_sysfs_watermarks_low_attr =
		__ATTR_RW_MODE(low, 0600);

static struct attribute *damon_sysfs_watermarks_attrs[] = {
	&damon_sysfs_watermarks_metric_attr.attr,
	&damon_sysfs_watermarks_interval_us_attr.attr,
	&damon_sysfs_watermarks_high_attr.attr,
	&damon_sysfs_watermarks_mid_attr.attr,
	&damon_sysfs_watermarks_low_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_watermarks);

static const struct kobj_type damon_sysfs_watermarks_ktype = {
	.release = damon_sysfs_watermarks_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_watermarks_groups,
};

/* === filters/<N>/ === */

/* Keywords of "type", indexed by &enum damos_filter_type. */
static const char * const damon_sysfs_filter_type_strs[] = {
	[DAMOS_FILTER_TYPE_ANON] = "anon",
	[DAMOS_FILTER_TYPE_MEMCG] = "memcg",
	[DAMOS_FILTER_TYPE_YOUNG] = "young",
	[DAMOS_FILTER_TYPE_ADDR] = "addr",
	[DAMOS_FILTER_TYPE_TARGET] = "target",
};

static_assert(ARRAY_SIZE(damon_sysfs_filter_type_strs) ==
	      NR_DAMOS_FILTER_TYPES);

static ssize_t type_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct damon_sysfs_scheme_filter *filter = container_of(kobj,
			struct damon_sysfs_scheme_filter, kobj);

	return sysfs_emit(buf, "%s\n",
			  damon_sysfs_filter_type_strs[READ_ONCE(filter->type)]);
}

static ssize_t type_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct damon_sysfs_scheme_filter *filter = container_of(kobj,
			struct damon_sysfs_scheme_filter, kobj);
	int type;

	type = damon_sysfs_find_str(buf, damon_sysfs_filter_type_strs,
				    NR_DAMOS_FILTER_TYPES);
	if (type < 0)
		return type;
	WRITE_ONCE(filter->type, type);
	return count;
}

static ssize_t matching_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_scheme_filter *filter = container_of(kobj,
			struct damon_sysfs_scheme_filter, kobj);

	return sysfs_emit(buf, "%c\n", READ_ONCE(filter->matching) ? 'Y' : 'N');
}

static ssize_t matching_store(struct kobject *kobj,
			      struct kobj_attribute *attr, const char *buf,
			      size_t count)
{
	struct damon_sysfs_scheme_filter *filter = container_of(kobj,
			struct damon_sysfs_scheme_filter, kobj);
	bool matching;

	if (kstrtobool(buf, &matching))
		return -EINVAL;
	WRITE_ONCE(filter->matching, matching);
	return count;
}

static ssize_t memcg_path_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_scheme_filter *filter = container_of(kobj,
			struct damon_sysfs_scheme_filter, kobj);
	ssize_t len;

	/* The string may be freed by a concurrent store. */
	if (!mutex_trylock(&damon_sysfs_lock))
		return -EBUSY;
	len = sysfs_emit(buf, "%s\n",
			 filter->memcg_path ? filter->memcg_path : "");
	mutex_unlock(&damon_sysfs_lock);
	return len;
}

static ssize_t memcg_path_store(struct kobject *kobj,
				struct kobj_attribute *attr, const char *buf,
				size_t count)
{
	struct damon_sysfs_scheme_filter *filter = container_of(kobj,
			struct damon_sysfs_scheme_filter, kobj);
	char *path;

	path = kmemdup_nul(buf, count, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	strim(path);
	if (!mutex_trylock(&damon_sysfs_lock)) {
		kfree(path);
		return -EBUSY;
	}
	kfree(filter->memcg_path);
	filter->memcg_path = path;
	mutex_unlock(&damon_sysfs_lock);
	return count;
}

static ssize_t addr_start_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_scheme_filter *dir = container_of(kobj,
			struct damon_sysfs_scheme_filter, kobj);

	return damon_sysfs_ul_show(&dir->addr_start, buf);
}

static ssize_t addr_start_store(struct kobject *kobj,
				struct kobj_attribute *attr,
				const char *buf, size_t count)
{
	struct damon_sysfs_scheme_filter *dir = container_of(kobj,
			struct damon_sysfs_scheme_filter, kobj);

	return damon_sysfs_ul_store(&dir->addr_start, buf, count);
}

static ssize_t addr_end_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_scheme_filter *dir = container_of(kobj,
			struct damon_sysfs_scheme_filter, kobj);

	return damon_sysfs_ul_show(&dir->addr_end, buf);
}

static ssize_t addr_end_store(struct kobject *kobj,
			      struct kobj_attribute *attr,
			      const char *buf, size_t count)
{
	struct damon_sysfs_scheme_filter *dir = container_of(kobj,
			struct damon_sysfs_scheme_filter, kobj);

	return damon_sysfs_ul_store(&dir->addr_end, buf, count);
}

static ssize_t damon_target_idx_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_scheme_filter *filter = container_of(kobj,
			struct damon_sysfs_scheme_filter, kobj);

	return sysfs_emit(buf, "%d\n", READ_ONCE(filter->target_idx));
}

static ssize_t damon_target_idx_store(struct kobject *kobj,
				      struct kobj_attribute *attr,
				      const char *buf, size_t count)
{
	struct damon_sysfs_scheme_filter *filter = container_of(kobj,
			struct damon_sysfs_scheme_filter, kobj);
	int idx;

	if (kstrtoint(buf, 0, &idx) || idx < 0)
		return -EINVAL;
	WRITE_ONCE(filter->target_idx, idx);
	return count;
}

static void damon_sysfs_scheme_filter_release(struct kobject *kobj)
{
	struct damon_sysfs_scheme_filter *filter = container_of(kobj,
			struct damon_sysfs_scheme_filter, kobj);

	kfree(filter->memcg_path);
	kfree(filter);
}

static struct kobj_attribute damon_sysfs_scheme_filter_type_attr =
		__ATTR_RW_MODE(type, 0600);
static struct kobj_attribute damon_sysfs_scheme_filter_matching_attr =
		__ATTR_RW_MODE(matching, 0600);
static struct kobj_attribute damon_sysfs_scheme_filter_memcg_path_attr =
		__ATTR_RW_MODE(memcg_path, 0600);
static struct kobj_attribute damon_sysfs_scheme_filter_addr_start_attr =
		__ATTR_RW_MODE(addr_start, 0600);
static struct kobj_attribute damon_sysfs_scheme_filter_addr_end_attr =
		__ATTR_RW_MODE(addr_end, 0600);
static struct kobj_attribute damon_sysfs_scheme_filter_target_idx_attr =
		__ATTR_RW_MODE(damon_target_idx, 0600);

static struct attribute *damon_sysfs_scheme_filter_attrs[] = {
	&damon_sysfs_scheme_filter_type_attr.attr,
	&damon_sysfs_scheme_filter_matching_attr.attr,
	&damon_sysfs_scheme_filter_memcg_path_attr.attr,
	&damon_sysfs_scheme_filter_addr_start_attr.attr,
	&damon_sysfs_scheme_filter_addr_end_attr.attr,
	&damon_sysfs_scheme_filter_target_idx_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_scheme_filter);

static const struct kobj_type damon_sysfs_scheme_filter_ktype = {
	.release = damon_sysfs_scheme_filter_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_scheme_filter_groups,
};

/* === filters/ === */

static void
damon_sysfs_scheme_filters_rm_dirs(struct damon_sysfs_scheme_filters *filters)
{
	int i;

	for (i = 0; i < filters->nr; i++)
		kobject_put(&filters->filters_arr[i]->kobj);
	kfree(filters->filters_arr);
	filters->filters_arr = NULL;
	filters->nr = 0;
}

static int
damon_sysfs_scheme_filters_add_dirs(struct damon_sysfs_scheme_filters *filters,
				    int nr)
{
	struct damon_sysfs_scheme_filter *filter;
	char name[12];
	int err, i;

	damon_sysfs_scheme_filters_rm_dirs(filters);
	if (!nr)
		return 0;
	filters->filters_arr = kmalloc_array(nr, sizeof(*filters->filters_arr),
					     GFP_KERNEL | __GFP_NOWARN);
	if (!filters->filters_arr)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		filter = kzalloc(sizeof(*filter), GFP_KERNEL);
		if (!filter) {
			err = -ENOMEM;
			goto rm_dirs;
		}
		snprintf(name, sizeof(name), "%d", i);
		err = damon_sysfs_add_child(&filter->kobj,
					    &damon_sysfs_scheme_filter_ktype,
					    &filters->kobj, name);
		if (err)
			goto rm_dirs;
		filters->filters_arr[i] = filter;
		filters->nr++;
	}
	return 0;

rm_dirs:
	damon_sysfs_scheme_filters_rm_dirs(filters);
	return err;
}

static ssize_t nr_filters_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_scheme_filters *filters = container_of(kobj,
			struct damon_sysfs_scheme_filters, kobj);

	return sysfs_emit(buf, "%d\n", READ_ONCE(filters->nr));
}

static ssize_t nr_filters_store(struct kobject *kobj,
				struct kobj_attribute *attr, const char *buf,
				size_t count)
{
	struct damon_sysfs_scheme_filters *filters = container_of(kobj,
			struct damon_sysfs_scheme_filters, kobj);
	int nr, err;

	err = damon_sysfs_parse_nr(buf, &nr);
	if (err)
		return err;
	/* See damon_sysfs_lock for why this does not wait. */
	if (!mutex_trylock(&damon_sysfs_lock))
		return -EBUSY;
	err = damon_sysfs_scheme_filters_add_dirs(filters, nr);
	mutex_unlock(&damon_sysfs_lock);
	return err ? err : count;
}

static void damon_sysfs_scheme_filters_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_scheme_filters, kobj));
}

static struct kobj_attribute damon_sysfs_scheme_filters_nr_attr =
		__ATTR_RW_MODE(nr_filters, 0600);

static struct attribute *damon_sysfs_scheme_filters_attrs[] = {
	&damon_sysfs_scheme_filters_nr_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_scheme_filters);

static const struct kobj_type damon_sysfs_scheme_filters_ktype = {
	.release = damon_sysfs_scheme_filters_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_scheme_filters_groups,
};

/* === stats/ === */

static ssize_t nr_tried_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_stats *dir = container_of(kobj,
			struct damon_sysfs_stats, kobj);

	return damon_sysfs_ul_show(&dir->stat.nr_tried, buf);
}

static ssize_t sz_tried_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_stats *dir = container_of(kobj,
			struct damon_sysfs_stats, kobj);

	return damon_sysfs_ul_show(&dir->stat.sz_tried, buf);
}

static ssize_t nr_applied_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_stats *dir = container_of(kobj,
			struct damon_sysfs_stats, kobj);

	return damon_sysfs_ul_show(&dir->stat.nr_applied, buf);
}

static ssize_t sz_applied_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_stats *dir = container_of(kobj,
			struct damon_sysfs_stats, kobj);

	return damon_sysfs_ul_show(&dir->stat.sz_applied, buf);
}

static ssize_t qt_exceeds_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_stats *dir = container_of(kobj,
			struct damon_sysfs_stats, kobj);

	return damon_sysfs_ul_show(&dir->stat.qt_exceeds, buf);
}

static void damon_sysfs_stats_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_stats, kobj));
}

static struct kobj_attribute damon_sysfs_stats_nr_tried_attr =
		__ATTR_RO_MODE(nr_tried, 0400);
static struct kobj_attribute damon_sysfs_stats_sz_tried_attr =
		__ATTR_RO_MODE(sz_tried, 0400);
static struct kobj_attribute damon_sysfs_stats_nr_applied_attr =
		__ATTR_RO_MODE(nr_applied, 0400);
static struct kobj_attribute damon_sysfs_stats_sz_applied_attr =
		__ATTR_RO_MODE(sz_applied, 0400);
static struct kobj_attribute damon_sysfs_stats_qt_exceeds_attr =
		__ATTR_RO_MODE(qt_exceeds, 0400);

static struct attribute *damon_sysfs_stats_attrs[] = {
	&damon_sysfs_stats_nr_tried_attr.attr,
	&damon_sysfs_stats_sz_tried_attr.attr,
	&damon_sysfs_stats_nr_applied_attr.attr,
	&damon_sysfs_stats_sz_applied_attr.attr,
	&damon_sysfs_stats_qt_exceeds_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_stats);

static const struct kobj_type damon_sysfs_stats_ktype = {
	.release = damon_sysfs_stats_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_stats_groups,
};

/* === tried_regions/<N>/ === */

static ssize_t start_show(struct kobject *kobj,
			  struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_scheme_region *dir = container_of(kobj,
			struct damon_sysfs_scheme_region, kobj);

	return damon_sysfs_ul_show(&dir->ar.start, buf);
}

static ssize_t end_show(struct kobject *kobj,
			struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_scheme_region *dir = container_of(kobj,
			struct damon_sysfs_scheme_region, kobj);

	return damon_sysfs_ul_show(&dir->ar.end, buf);
}

static ssize_t nr_accesses_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_scheme_region *dir = container_of(kobj,
			struct damon_sysfs_scheme_region, kobj);

	return damon_sysfs_ul_show(&dir->nr_accesses, buf);
}

static ssize_t age_show(struct kobject *kobj,
			struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_scheme_region *dir = container_of(kobj,
			struct damon_sysfs_scheme_region, kobj);

	return damon_sysfs_ul_show(&dir->age, buf);
}

static void damon_sysfs_scheme_region_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_scheme_region, kobj));
}

static struct kobj_attribute damon_sysfs_scheme_region_start_attr =
		__ATTR_RO_MODE(start, 0400);
static struct kobj_attribute damon_sysfs_scheme_region_end_attr =
		__ATTR_RO_MODE(end, 0400);
static struct kobj_attribute damon_sysfs_scheme_region_nr_accesses_attr =
		__ATTR_RO_MODE(nr_accesses, 0400);
static struct kobj_attribute damon_sysfs_scheme_region_age_attr =
		__ATTR_RO_MODE(age, 0400);

static struct attribute *damon_sysfs_scheme_region_attrs[] = {
	&damon_sysfs_scheme_region_start_attr.attr,
	&damon_sysfs_scheme_region_end_attr.attr,
	&damon_sysfs_scheme_region_nr_accesses_attr.attr,
	&damon_sysfs_scheme_region_age_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_scheme_region);

static const struct kobj_type damon_sysfs_scheme_region_ktype = {
	.release = damon_sysfs_scheme_region_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_scheme_region_groups,
};

/* === tried_regions/ === */

/*
 * Most tried_regions/<N>/ directories one update_schemes_tried_regions makes
 * per scheme; total_bytes still counts every tried region.
 */
#define DAMON_SYSFS_MAX_TRIED_REGIONS	8192

static void
damon_sysfs_scheme_regions_rm_dirs(struct damon_sysfs_scheme_regions *regions)
{
	struct damon_sysfs_scheme_region *r, *next;

	list_for_each_entry_safe(r, next, &regions->regions_list, list) {
		list_del(&r->list);
		kobject_put(&r->kobj);
	}
	regions->nr = 0;
}

static ssize_t total_bytes_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_scheme_regions *dir = container_of(kobj,
			struct damon_sysfs_scheme_regions, kobj);

	return damon_sysfs_ul_show(&dir->total_bytes, buf);
}

static void damon_sysfs_scheme_regions_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_scheme_regions, kobj));
}

static struct kobj_attribute damon_sysfs_scheme_regions_total_bytes_attr =
		__ATTR_RO_MODE(total_bytes, 0400);

static struct attribute *damon_sysfs_scheme_regions_attrs[] = {
	&damon_sysfs_scheme_regions_total_bytes_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_scheme_regions);

static const struct kobj_type damon_sysfs_scheme_regions_ktype = {
	.release = damon_sysfs_scheme_regions_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_scheme_regions_groups,
};

/* === schemes/<N>/ === */

/* Keywords of "action", indexed by &enum damos_action. */
static const char * const damon_sysfs_action_strs[] = {
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

static_assert(ARRAY_SIZE(damon_sysfs_action_strs) == NR_DAMOS_ACTIONS);

static struct damon_sysfs_scheme *damon_sysfs_scheme_alloc(void)
{
	struct damon_sysfs_scheme *scheme;

	scheme = kzalloc(sizeof(*scheme), GFP_KERNEL);
	if (!scheme)
		return NULL;
	scheme->action = DAMOS_STAT;
	scheme->target_nid = NUMA_NO_NODE;
	return scheme;
}

static void damon_sysfs_scheme_rm_dirs(struct damon_sysfs_scheme *scheme)
{
	if (scheme->access_pattern) {
		damon_sysfs_access_pattern_rm_dirs(scheme->access_pattern);
		kobject_put(&scheme->access_pattern->kobj);
	}
	if (scheme->quotas) {
		damon_sysfs_quotas_rm_dirs(scheme->quotas);
		kobject_put(&scheme->quotas->kobj);
	}
	if (scheme->watermarks)
		kobject_put(&scheme->watermarks->kobj);
	if (scheme->filters) {
		damon_sysfs_scheme_filters_rm_dirs(scheme->filters);
		kobject_put(&scheme->filters->kobj);
	}
	if (scheme->stats)
		kobject_put(&scheme->stats->kobj);
	if (scheme->tried_regions) {
		damon_sysfs_scheme_regions_rm_dirs(scheme->tried_regions);
		kobject_put(&scheme->tried_regions->kobj);
	}
	scheme->access_pattern = NULL;
	scheme->quotas = NULL;
	scheme->watermarks = NULL;
	scheme->filters = NULL;
	scheme->stats = NULL;
	scheme->tried_regions = NULL;
}

static int damon_sysfs_scheme_add_dirs(struct damon_sysfs_scheme *scheme)
{
	struct damon_sysfs_access_pattern *ap;
	struct damon_sysfs_quotas *quotas;
	struct damon_sysfs_watermarks *wmarks;
	struct damon_sysfs_scheme_filters *filters;
	struct damon_sysfs_stats *stats;
	struct damon_sysfs_scheme_regions *regions;
	int err = -ENOMEM;

	ap = kzalloc(sizeof(*ap), GFP_KERNEL);
	if (!ap)
		goto rm_dirs;
	err = damon_sysfs_add_child(&ap->kobj,
				    &damon_sysfs_access_pattern_ktype,
				    &scheme->kobj, "access_pattern");
	if (err)
		goto rm_dirs;
	scheme->access_pattern = ap;
	err = damon_sysfs_access_pattern_add_dirs(ap);
	if (err)
		goto rm_dirs;

	err = -ENOMEM;
	quotas = kzalloc(sizeof(*quotas), GFP_KERNEL);
	if (!quotas)
		goto rm_dirs;
	err = damon_sysfs_add_child(&quotas->kobj, &damon_sysfs_quotas_ktype,
				    &scheme->kobj, "quotas");
	if (err)
		goto rm_dirs;
	scheme->quotas = quotas;
	err = damon_sysfs_quotas_add_dirs(quotas);
	if (err)
		goto rm_dirs;

	err = -ENOMEM;
	wmarks = kzalloc(sizeof(*wmarks), GFP_KERNEL);
	if (!wmarks)
		goto rm_dirs;
	err = damon_sysfs_add_child(&wmarks->kobj,
				    &damon_sysfs_watermarks_ktype,
				    &scheme->kobj, "watermarks");
	if (err)
		goto rm_dirs;
	scheme->watermarks = wmarks;

	err = -ENOMEM;
	filters = kzalloc(sizeof(*filters), GFP_KERNEL);
	if (!filters)
		goto rm_dirs;
	err = damon_sysfs_add_child(&filters->kobj,
				    &damon_sysfs_scheme_filters_ktype,
				    &scheme->kobj, "filters");
	if (err)
		goto rm_dirs;
	scheme->filters = filters;

	err = -ENOMEM;
	stats = kzalloc(sizeof(*stats), GFP_KERNEL);
	if (!stats)
		goto rm_dirs;
	err = damon_sysfs_add_child(&stats->kobj, &damon_sysfs_stats_ktype,
				    &scheme->kobj, "stats");
	if (err)
		goto rm_dirs;
	scheme->stats = stats;

	err = -ENOMEM;
	regions = kzalloc(sizeof(*regions), GFP_KERNEL);
	if (!regions)
		goto rm_dirs;
	INIT_LIST_HEAD(&regions->regions_list);
	err = damon_sysfs_add_child(&regions->kobj,
				    &damon_sysfs_scheme_regions_ktype,
				    &scheme->kobj, "tried_regions");
	if (err)
		goto rm_dirs;
	scheme->tried_regions = regions;
	return 0;

rm_dirs:
	damon_sysfs_scheme_rm_dirs(scheme);
	return err;
}

static ssize_t action_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct damon_sysfs_scheme *scheme = container_of(kobj,
			struct damon_sysfs_scheme, kobj);

	return sysfs_emit(buf, "%s\n",
			  damon_sysfs_action_strs[READ_ONCE(scheme->action)]);
}

static ssize_t action_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	struct damon_sysfs_scheme *scheme = container_of(kobj,
			struct damon_sysfs_scheme, kobj);
	int action;

	action = damon_sysfs_find_str(buf, damon_sysfs_action_strs,
				      NR_DAMOS_ACTIONS);
	if (action < 0)
		return action;
	WRITE_ONCE(scheme->action, action);
	return count;
}

static ssize_t target_nid_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_scheme *scheme = container_of(kobj,
			struct damon_sysfs_scheme, kobj);

	return sysfs_emit(buf, "%d\n", READ_ONCE(scheme->target_nid));
}

static ssize_t target_nid_store(struct kobject *kobj,
				struct kobj_attribute *attr, const char *buf,
				size_t count)
{
	struct damon_sysfs_scheme *scheme = container_of(kobj,
			struct damon_sysfs_scheme, kobj);
	int nid;

	if (kstrtoint(buf, 0, &nid))
		return -EINVAL;
	WRITE_ONCE(scheme->target_nid, nid);
	return count;
}

static ssize_t apply_interval_us_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_scheme *dir = container_of(kobj,
			struct damon_sysfs_scheme, kobj);

	return damon_sysfs_ul_show(&dir->apply_interval_us, buf);
}

static ssize_t apply_interval_us_store(struct kobject *kobj,
				       struct kobj_attribute *attr,
				       const char *buf, size_t count)
{
	struct damon_sysfs_scheme *dir = container_of(kobj,
			struct damon_sysfs_scheme, kobj);

	return damon_sysfs_ul_store(&dir->apply_interval_us, buf, count);
}

static void damon_sysfs_scheme_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_scheme, kobj));
}

static struct kobj_attribute damon_sysfs_scheme_action_attr =
		__ATTR_RW_MODE(action, 0600);
static struct kobj_attribute damon_sysfs_scheme_target_nid_attr =
		__ATTR_RW_MODE(target_nid, 0600);
static struct kobj_attribute damon_sysfs_scheme_apply_interval_us_attr =
		__ATTR_RW_MODE(apply_interval_us, 0600);

static struct attribute *damon_sysfs_scheme_attrs[] = {
	&damon_sysfs_scheme_action_attr.attr,
	&damon_sysfs_scheme_target_nid_attr.attr,
	&damon_sysfs_scheme_apply_interval_us_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_scheme);

static const struct kobj_type damon_sysfs_scheme_ktype = {
	.release = damon_sysfs_scheme_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_scheme_groups,
};

/* === schemes/ === */

/**
 * damon_sysfs_schemes_alloc() - Allocate a schemes/ directory.
 *
 * The kobject is not initialised: the caller adds it with
 * kobject_init_and_add() and &damon_sysfs_schemes_ktype.
 *
 * Context: Process context.  May sleep.
 * Return: The new directory, or NULL if out of memory.
 */
struct damon_sysfs_schemes *damon_sysfs_schemes_alloc(void)
{
	return kzalloc(sizeof(struct damon_sysfs_schemes), GFP_KERNEL);
}

/**
 * damon_sysfs_schemes_rm_dirs() - Remove the numbered scheme directories.
 * @schemes:	The schemes/ directory.
 *
 * Context: Process context, with &damon_sysfs_lock held or @schemes not
 * reachable by anybody else.  May sleep.
 */
void damon_sysfs_schemes_rm_dirs(struct damon_sysfs_schemes *schemes)
{
	int i;

	for (i = 0; i < schemes->nr; i++) {
		damon_sysfs_scheme_rm_dirs(schemes->schemes_arr[i]);
		kobject_put(&schemes->schemes_arr[i]->kobj);
	}
	kfree(schemes->schemes_arr);
	schemes->schemes_arr = NULL;
	schemes->nr = 0;
}

static int damon_sysfs_schemes_add_dirs(struct damon_sysfs_schemes *schemes,
					int nr)
{
	struct damon_sysfs_scheme **arr, *scheme;
	int err, i;

	damon_sysfs_schemes_rm_dirs(schemes);
	if (!nr)
		return 0;

	arr = kmalloc_array(nr, sizeof(*arr), GFP_KERNEL | __GFP_NOWARN);
	if (!arr)
		return -ENOMEM;
	schemes->schemes_arr = arr;

	for (i = 0; i < nr; i++) {
		scheme = damon_sysfs_scheme_alloc();
		if (!scheme) {
			err = -ENOMEM;
			goto rm_dirs;
		}
		err = kobject_init_and_add(&scheme->kobj,
					   &damon_sysfs_scheme_ktype,
					   &schemes->kobj, "%d", i);
		if (err)
			goto put_scheme;
		err = damon_sysfs_scheme_add_dirs(scheme);
		if (err)
			goto put_scheme;
		arr[i] = scheme;
		schemes->nr++;
	}
	return 0;

put_scheme:
	kobject_put(&scheme->kobj);
rm_dirs:
	damon_sysfs_schemes_rm_dirs(schemes);
	return err;
}

static ssize_t nr_schemes_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_schemes *schemes = container_of(kobj,
			struct damon_sysfs_schemes, kobj);

	return sysfs_emit(buf, "%d\n", READ_ONCE(schemes->nr));
}

static ssize_t nr_schemes_store(struct kobject *kobj,
				struct kobj_attribute *attr, const char *buf,
				size_t count)
{
	struct damon_sysfs_schemes *schemes = container_of(kobj,
			struct damon_sysfs_schemes, kobj);
	int nr, err;

	err = damon_sysfs_parse_nr(buf, &nr);
	if (err)
		return err;
	/* See damon_sysfs_lock for why this does not wait. */
	if (!mutex_trylock(&damon_sysfs_lock))
		return -EBUSY;
	err = damon_sysfs_schemes_add_dirs(schemes, nr);
	mutex_unlock(&damon_sysfs_lock);
	return err ? err : count;
}

static void damon_sysfs_schemes_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_schemes, kobj));
}

static struct kobj_attribute damon_sysfs_schemes_nr_attr =
		__ATTR_RW_MODE(nr_schemes, 0600);

static struct attribute *damon_sysfs_schemes_attrs[] = {
	&damon_sysfs_schemes_nr_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_schemes);

const struct kobj_type damon_sysfs_schemes_ktype = {
	.release = damon_sysfs_schemes_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_schemes_groups,
};

/* === Building the schemes of a damon_ctx === */

#ifdef CONFIG_MEMCG
/*
 * Find the id of the memory cgroup whose path, relative to the cgroup root,
 * is @path, by walking every memory cgroup.
 */
static int damon_sysfs_memcg_path_to_id(const char *path, unsigned short *id)
{
	struct mem_cgroup *memcg;
	char *buf;
	int err = -EINVAL;

	if (!path)
		return -EINVAL;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (memcg = mem_cgroup_iter(NULL, NULL, NULL); memcg;
	     memcg = mem_cgroup_iter(NULL, memcg, NULL)) {
		/* Skip cgroups that are going away. */
		if (!mem_cgroup_online(memcg))
			continue;
		if (cgroup_path(memcg->css.cgroup, buf, PATH_MAX) < 0)
			continue;
		if (!strcmp(buf, path)) {
			*id = mem_cgroup_id(memcg);
			err = 0;
			mem_cgroup_iter_break(NULL, memcg);
			break;
		}
	}
	kfree(buf);
	return err;
}
#else
static int damon_sysfs_memcg_path_to_id(const char *path, unsigned short *id)
{
	return -EINVAL;
}
#endif

static int damon_sysfs_add_filter(struct damos *s,
				  struct damon_sysfs_scheme_filter *sys_filter)
{
	struct damos_filter *filter;
	int err;

	filter = damos_new_filter(sys_filter->type,
				  READ_ONCE(sys_filter->matching));
	if (!filter)
		return -ENOMEM;
	switch (filter->type) {
	case DAMOS_FILTER_TYPE_MEMCG:
		/* memcg_path may be freed by a store without the lock. */
		lockdep_assert_held(&damon_sysfs_lock);
		err = damon_sysfs_memcg_path_to_id(sys_filter->memcg_path,
						   &filter->memcg_id);
		if (err) {
			damos_destroy_filter(filter);
			return err;
		}
		break;
	case DAMOS_FILTER_TYPE_ADDR:
		filter->addr_range.start = READ_ONCE(sys_filter->addr_start);
		filter->addr_range.end = READ_ONCE(sys_filter->addr_end);
		if (filter->addr_range.start >= filter->addr_range.end) {
			damos_destroy_filter(filter);
			return -EINVAL;
		}
		break;
	case DAMOS_FILTER_TYPE_TARGET:
		filter->target_idx = READ_ONCE(sys_filter->target_idx);
		break;
	default:
		break;
	}
	damos_add_filter(s, filter);
	return 0;
}

static int damon_sysfs_add_filters(struct damos *s,
				   struct damon_sysfs_scheme_filters *filters)
{
	int i, err;

	for (i = 0; i < filters->nr; i++) {
		err = damon_sysfs_add_filter(s, filters->filters_arr[i]);
		if (err)
			return err;
	}
	return 0;
}

static int damon_sysfs_add_goals(struct damos *s,
				 struct damon_sysfs_quota_goals *goals)
{
	struct damon_sysfs_quota_goal *sys_goal;
	struct damos_quota_goal *goal;
	int i;

	for (i = 0; i < goals->nr; i++) {
		sys_goal = goals->goals_arr[i];
		goal = damos_new_quota_goal(READ_ONCE(sys_goal->metric),
					    READ_ONCE(sys_goal->target_value));
		if (!goal)
			return -ENOMEM;
		goal->current_value = READ_ONCE(sys_goal->current_value);
		damos_add_quota_goal(&s->quota, goal);
	}
	return 0;
}

/* Read a min/max directory, failing if min > max or max > @limit. */
static int damon_sysfs_read_range(struct damon_sysfs_ul_range *range,
				  unsigned long limit, unsigned long *min,
				  unsigned long *max)
{
	*min = READ_ONCE(range->min);
	*max = READ_ONCE(range->max);
	if (*min > *max || *max > limit)
		return -EINVAL;
	return 0;
}

/*
 * damon_sysfs_build_scheme() - Build a scheme from a schemes/<N>/ directory.
 *
 * Return: The new scheme, or an ERR_PTR(): -EINVAL for an invalid setting,
 * -ENOMEM when out of memory.
 */
VISIBLE_IF_KUNIT struct damos *
damon_sysfs_build_scheme(struct damon_sysfs_scheme *sys_scheme)
{
	struct damon_sysfs_access_pattern *ap = sys_scheme->access_pattern;
	struct damon_sysfs_quotas *sys_quotas = sys_scheme->quotas;
	struct damon_sysfs_weights *weights = sys_quotas->weights;
	struct damon_sysfs_watermarks *sys_wmarks = sys_scheme->watermarks;
	struct damos_access_pattern pattern;
	struct damos_watermarks wmarks;
	struct damos_quota quota;
	unsigned long min, max;
	struct damos *s;
	int err;

	err = damon_sysfs_read_range(ap->sz, ULONG_MAX, &min, &max);
	if (err)
		return ERR_PTR(err);
	pattern.min_sz_region = min;
	pattern.max_sz_region = max;
	err = damon_sysfs_read_range(ap->nr_accesses, UINT_MAX, &min, &max);
	if (err)
		return ERR_PTR(err);
	pattern.min_nr_accesses = min;
	pattern.max_nr_accesses = max;
	err = damon_sysfs_read_range(ap->age, UINT_MAX, &min, &max);
	if (err)
		return ERR_PTR(err);
	pattern.min_age_region = min;
	pattern.max_age_region = max;

	if (READ_ONCE(weights->sz) > UINT_MAX ||
	    READ_ONCE(weights->nr_accesses) > UINT_MAX ||
	    READ_ONCE(weights->age) > UINT_MAX)
		return ERR_PTR(-EINVAL);
	quota = (struct damos_quota) {
		.reset_interval = READ_ONCE(sys_quotas->reset_interval_ms),
		.ms = READ_ONCE(sys_quotas->ms),
		.sz = READ_ONCE(sys_quotas->sz),
		.weight_sz = READ_ONCE(weights->sz),
		.weight_nr_accesses = READ_ONCE(weights->nr_accesses),
		.weight_age = READ_ONCE(weights->age),
	};
	wmarks = (struct damos_watermarks) {
		.metric = READ_ONCE(sys_wmarks->metric),
		.interval = READ_ONCE(sys_wmarks->interval_us),
		.high = READ_ONCE(sys_wmarks->high),
		.mid = READ_ONCE(sys_wmarks->mid),
		.low = READ_ONCE(sys_wmarks->low),
	};

	s = damon_new_scheme(&pattern, READ_ONCE(sys_scheme->action),
			     READ_ONCE(sys_scheme->apply_interval_us), &quota,
			     &wmarks, READ_ONCE(sys_scheme->target_nid));
	if (!s)
		return ERR_PTR(-ENOMEM);
	err = damon_sysfs_add_goals(s, sys_quotas->goals);
	if (err)
		goto destroy_scheme;
	err = damon_sysfs_add_filters(s, sys_scheme->filters);
	if (err)
		goto destroy_scheme;
	return s;

destroy_scheme:
	damon_destroy_scheme(s);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_IF_KUNIT(damon_sysfs_build_scheme);

/**
 * damon_sysfs_add_schemes() - Add the schemes of a schemes/ directory to a
 * context that is being built.
 * @ctx:		The new context, not running yet.
 * @sysfs_schemes:	The schemes/ directory.
 *
 * Called by "on" and "commit" while they build a fresh context.  The schemes
 * are added in the order of their directories.  Combinations that only the
 * core can judge, such as an action the operations set does not support,
 * are refused later by damon_start() or damon_commit_ctx().
 *
 * Context: Process context, with &damon_sysfs_lock held.  May sleep.
 * Return: 0 on success, -EINVAL for an invalid setting (an inverted range,
 * an empty address filter, a memcg path that names no cgroup), -ENOMEM when
 * out of memory.  On failure, the schemes already added stay in @ctx, for
 * its destroyer to free.
 */
int damon_sysfs_add_schemes(struct damon_ctx *ctx,
			    struct damon_sysfs_schemes *sysfs_schemes)
{
	struct damos *s;
	int i;

	for (i = 0; i < sysfs_schemes->nr; i++) {
		s = damon_sysfs_build_scheme(sysfs_schemes->schemes_arr[i]);
		if (IS_ERR(s))
			return PTR_ERR(s);
		damon_add_scheme(ctx, s);
	}
	return 0;
}

/* === Scheme commands === */

/*
 * Each command below maps the schemes of the running context to the
 * schemes/<N>/ directories by position; the extra ones on either side are
 * left alone.  The request functions run in the kdamond while the state
 * writer holds damon_sysfs_lock, so the directories cannot go away.
 */

static int damon_sysfs_stats_fn(struct damon_ctx *ctx, void *arg)
{
	struct damon_sysfs_schemes *sysfs_schemes = arg;
	struct damon_sysfs_stats *stats;
	struct damos *s;
	int i = 0;

	damon_for_each_scheme(s, ctx) {
		if (i >= sysfs_schemes->nr)
			break;
		stats = sysfs_schemes->schemes_arr[i++]->stats;
		WRITE_ONCE(stats->stat.nr_tried, s->stat.nr_tried);
		WRITE_ONCE(stats->stat.sz_tried, s->stat.sz_tried);
		WRITE_ONCE(stats->stat.nr_applied, s->stat.nr_applied);
		WRITE_ONCE(stats->stat.sz_applied, s->stat.sz_applied);
		WRITE_ONCE(stats->stat.qt_exceeds, s->stat.qt_exceeds);
	}
	return 0;
}

static int damon_sysfs_effective_quotas_fn(struct damon_ctx *ctx, void *arg)
{
	struct damon_sysfs_schemes *sysfs_schemes = arg;
	unsigned long esz;
	struct damos *s;
	int i = 0;

	damon_for_each_scheme(s, ctx) {
		if (i >= sysfs_schemes->nr)
			break;
		/* As for "bytes", 0 means that nothing limits the scheme. */
		esz = s->quota.esz == ULONG_MAX ? 0 : s->quota.esz;
		WRITE_ONCE(sysfs_schemes->schemes_arr[i++]->quotas->effective_sz,
			   esz);
	}
	return 0;
}

static int damon_sysfs_quota_goals_fn(struct damon_ctx *ctx, void *arg)
{
	struct damon_sysfs_schemes *sysfs_schemes = arg;
	struct damon_sysfs_quota_goals *sys_goals;
	struct damos_quota_goal *goal;
	struct damos *s;
	int i, j;

	/* Check every scheme first, so that a failure changes nothing. */
	i = 0;
	damon_for_each_scheme(s, ctx) {
		if (i >= sysfs_schemes->nr)
			break;
		sys_goals = sysfs_schemes->schemes_arr[i++]->quotas->goals;
		j = 0;
		damos_for_each_quota_goal(goal, &s->quota)
			j++;
		if (j != sys_goals->nr)
			return -EINVAL;
	}
	i = 0;
	damon_for_each_scheme(s, ctx) {
		if (i >= sysfs_schemes->nr)
			break;
		sys_goals = sysfs_schemes->schemes_arr[i++]->quotas->goals;
		j = 0;
		damos_for_each_quota_goal(goal, &s->quota) {
			goal->target_value =
				READ_ONCE(sys_goals->goals_arr[j]->target_value);
			goal->current_value =
				READ_ONCE(sys_goals->goals_arr[j]->current_value);
			j++;
		}
	}
	return 0;
}

/**
 * struct damon_sysfs_tried - What a tried-regions walk collects for one
 * scheme.
 * @regions:		Collected &struct damon_sysfs_scheme_region, with
 *			uninitialised kobjects.
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
 * @tried:		One entry per schemes/<N>/ directory.
 * @nr:			Number of entries in @tried.
 * @collect:		Whether to collect the regions or only their sizes.
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
	struct damon_sysfs_scheme_region *region;
	struct damon_sysfs_tried *tried;
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
	region = kzalloc(sizeof(*region), GFP_KERNEL);
	if (!region)
		return;
	region->ar = r->ar;
	region->nr_accesses = r->nr_accesses;
	region->age = r->age;
	list_add_tail(&region->list, &tried->regions);
	tried->nr++;
}

/* The request function of a walk: the walk did everything. */
static int damon_sysfs_tried_fn(struct damon_ctx *ctx, void *arg)
{
	return 0;
}

/* Turn the regions a walk collected into tried_regions/<N>/ directories. */
static int damon_sysfs_add_tried_dirs(struct damon_sysfs_scheme_regions *dir,
				      struct damon_sysfs_tried *tried)
{
	const struct kobj_type *ktype = &damon_sysfs_scheme_region_ktype;
	struct damon_sysfs_scheme_region *r, *next;
	int err = 0;

	list_for_each_entry_safe(r, next, &tried->regions, list) {
		list_del(&r->list);
		if (!err) {
			err = kobject_init_and_add(&r->kobj, ktype, &dir->kobj,
						   "%d", dir->nr);
			if (err) {
				kobject_put(&r->kobj);
				continue;
			}
			list_add_tail(&r->list, &dir->regions_list);
			dir->nr++;
		} else {
			kfree(r);
		}
	}
	return err;
}

static int damon_sysfs_update_tried(struct damon_ctx *ctx,
				    struct damon_sysfs_schemes *sysfs_schemes,
				    bool collect)
{
	struct damon_sysfs_tried_walk walk = {
		.nr = sysfs_schemes->nr,
		.collect = collect,
	};
	struct damon_request req = {
		.fn = damon_sysfs_tried_fn,
		.walk_fn = damon_sysfs_tried_walk_fn,
		.arg = &walk,
	};
	struct damon_sysfs_scheme_regions *dir;
	struct damon_sysfs_scheme_region *r, *next;
	int i, err, ret = 0;

	if (!walk.nr)
		return 0;
	walk.tried = kcalloc(walk.nr, sizeof(*walk.tried), GFP_KERNEL);
	if (!walk.tried)
		return -ENOMEM;
	for (i = 0; i < walk.nr; i++)
		INIT_LIST_HEAD(&walk.tried[i].regions);
	for (i = 0; collect && i < walk.nr; i++) {
		dir = sysfs_schemes->schemes_arr[i]->tried_regions;
		damon_sysfs_scheme_regions_rm_dirs(dir);
	}

	ret = damon_request(ctx, &req);
	for (i = 0; i < walk.nr; i++) {
		dir = sysfs_schemes->schemes_arr[i]->tried_regions;
		if (!ret) {
			WRITE_ONCE(dir->total_bytes, walk.tried[i].total_bytes);
			err = damon_sysfs_add_tried_dirs(dir, &walk.tried[i]);
			if (err)
				ret = err;
		}
		list_for_each_entry_safe(r, next, &walk.tried[i].regions,
					 list) {
			list_del(&r->list);
			kfree(r);
		}
	}
	kfree(walk.tried);
	return ret;
}

static void
damon_sysfs_clear_tried(struct damon_sysfs_schemes *sysfs_schemes)
{
	struct damon_sysfs_scheme_regions *dir;
	int i;

	for (i = 0; i < sysfs_schemes->nr; i++) {
		dir = sysfs_schemes->schemes_arr[i]->tried_regions;
		damon_sysfs_scheme_regions_rm_dirs(dir);
		WRITE_ONCE(dir->total_bytes, 0);
	}
}

/**
 * damon_sysfs_schemes_cmd() - Run a scheme command of a "state" file.
 * @cmd:		The command, from
 *			%DAMON_SYSFS_CMD_COMMIT_SCHEMES_QUOTA_GOALS on.
 * @ctx:		The running context of the kdamond, or NULL if it is
 *			not running.
 * @sysfs_schemes:	The schemes/ directory of the kdamond's context.
 *
 * Reads or changes @ctx only through damon_request(), and returns once the
 * files are current.  The schemes of @ctx and the schemes/<N>/ directories
 * are matched by position.
 *
 * Context: Process context, with &damon_sysfs_lock held.  May sleep.
 * Return: 0 on success, -EINVAL if the kdamond is not running, if the
 * command is unknown, or, for commit_schemes_quota_goals, if a scheme has
 * not as many goals as its directory; -ENOMEM when out of memory, or the
 * error of damon_request().
 */
int damon_sysfs_schemes_cmd(enum damon_sysfs_cmd cmd, struct damon_ctx *ctx,
			    struct damon_sysfs_schemes *sysfs_schemes)
{
	struct damon_request req = {
		.arg = sysfs_schemes,
	};
	int err;

	lockdep_assert_held(&damon_sysfs_lock);
	if (!ctx || !sysfs_schemes)
		return -EINVAL;
	switch (cmd) {
	case DAMON_SYSFS_CMD_UPDATE_SCHEMES_STATS:
		req.fn = damon_sysfs_stats_fn;
		break;
	case DAMON_SYSFS_CMD_UPDATE_SCHEMES_EFFECTIVE_QUOTAS:
		req.fn = damon_sysfs_effective_quotas_fn;
		break;
	case DAMON_SYSFS_CMD_COMMIT_SCHEMES_QUOTA_GOALS:
		req.fn = damon_sysfs_quota_goals_fn;
		break;
	case DAMON_SYSFS_CMD_UPDATE_SCHEMES_TRIED_REGIONS:
		return damon_sysfs_update_tried(ctx, sysfs_schemes, true);
	case DAMON_SYSFS_CMD_UPDATE_SCHEMES_TRIED_BYTES:
		return damon_sysfs_update_tried(ctx, sysfs_schemes, false);
	case DAMON_SYSFS_CMD_CLEAR_SCHEMES_TRIED_REGIONS:
		damon_sysfs_clear_tried(sysfs_schemes);
		return 0;
	default:
		return -EINVAL;
	}
	err = damon_request(ctx, &req);
	return err ? err : req.result;
}
