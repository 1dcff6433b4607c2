// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON sysfs interface: /sys/kernel/mm/damon/admin.
 *
 * Map of this file:
 *   - regions/ and regions/<N>/		initial monitoring regions
 *   - targets/ and targets/<N>/		monitoring targets
 *   - monitoring_attrs/			intervals and nr_regions range
 *   - contexts/ and contexts/<N>/		monitoring contexts
 *   - building a damon_ctx			what "on" and "commit" run
 *   - kdamonds/ and kdamonds/<N>/		the "state" and "pid" files
 *   - initialisation
 *
 * The directories only keep what the user wrote.  "on" builds a fresh
 * &struct damon_ctx from them and starts it; "commit" builds another one and
 * hands it to the running kdamond through damon_request().  The running
 * context is never touched directly.  A kdamond directory keeps the context
 * it started; if the kdamond ended by itself, that stale context is
 * destroyed the next time the directory is used or when it is removed.
 */

#include <linux/err.h>
#include <linux/kstrtox.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <kunit/visibility.h>

#include "sysfs-common.h"

/* === regions/<N>/ === */

static struct damon_sysfs_region *damon_sysfs_region_alloc(void)
{
	return kzalloc(sizeof(struct damon_sysfs_region), GFP_KERNEL);
}

static ssize_t start_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct damon_sysfs_region *region = container_of(kobj,
			struct damon_sysfs_region, kobj);

	return sysfs_emit(buf, "%lu\n", READ_ONCE(region->ar.start));
}

static ssize_t start_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	struct damon_sysfs_region *region = container_of(kobj,
			struct damon_sysfs_region, kobj);
	unsigned long val;

	if (kstrtoul(buf, 0, &val))
		return -EINVAL;
	WRITE_ONCE(region->ar.start, val);
	return count;
}

static ssize_t end_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	struct damon_sysfs_region *region = container_of(kobj,
			struct damon_sysfs_region, kobj);

	return sysfs_emit(buf, "%lu\n", READ_ONCE(region->ar.end));
}

static ssize_t end_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	struct damon_sysfs_region *region = container_of(kobj,
			struct damon_sysfs_region, kobj);
	unsigned long val;

	if (kstrtoul(buf, 0, &val))
		return -EINVAL;
	WRITE_ONCE(region->ar.end, val);
	return count;
}

static void damon_sysfs_region_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_region, kobj));
}

static struct kobj_attribute damon_sysfs_region_start_attr =
		__ATTR_RW_MODE(start, 0600);

static struct kobj_attribute damon_sysfs_region_end_attr =
		__ATTR_RW_MODE(end, 0600);

static struct attribute *damon_sysfs_region_attrs[] = {
	&damon_sysfs_region_start_attr.attr,
	&damon_sysfs_region_end_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_region);

static const struct kobj_type damon_sysfs_region_ktype = {
	.release = damon_sysfs_region_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_region_groups,
};

/* === regions/ === */

static struct damon_sysfs_regions *damon_sysfs_regions_alloc(void)
{
	return kzalloc(sizeof(struct damon_sysfs_regions), GFP_KERNEL);
}

static void damon_sysfs_regions_rm_dirs(struct damon_sysfs_regions *regions)
{
	int i;

	for (i = 0; i < regions->nr; i++)
		kobject_put(&regions->regions_arr[i]->kobj);
	kfree(regions->regions_arr);
	regions->regions_arr = NULL;
	regions->nr = 0;
}

static int damon_sysfs_regions_add_dirs(struct damon_sysfs_regions *regions,
					int nr)
{
	struct damon_sysfs_region **arr, *region;
	int err, i;

	damon_sysfs_regions_rm_dirs(regions);
	if (!nr)
		return 0;

	arr = kmalloc_array(nr, sizeof(*arr), GFP_KERNEL | __GFP_NOWARN);
	if (!arr)
		return -ENOMEM;
	regions->regions_arr = arr;

	for (i = 0; i < nr; i++) {
		region = damon_sysfs_region_alloc();
		if (!region) {
			err = -ENOMEM;
			goto rm_dirs;
		}
		err = kobject_init_and_add(&region->kobj,
					   &damon_sysfs_region_ktype,
					   &regions->kobj, "%d", i);
		if (err) {
			kobject_put(&region->kobj);
			goto rm_dirs;
		}
		arr[i] = region;
		regions->nr++;
	}
	return 0;

rm_dirs:
	damon_sysfs_regions_rm_dirs(regions);
	return err;
}

static ssize_t nr_regions_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_regions *regions = container_of(kobj,
			struct damon_sysfs_regions, kobj);

	return sysfs_emit(buf, "%d\n", READ_ONCE(regions->nr));
}

static ssize_t nr_regions_store(struct kobject *kobj,
				struct kobj_attribute *attr, const char *buf,
				size_t count)
{
	struct damon_sysfs_regions *regions = container_of(kobj,
			struct damon_sysfs_regions, kobj);
	int nr, err;

	err = damon_sysfs_parse_nr(buf, &nr);
	if (err)
		return err;
	/* See damon_sysfs_lock for why this does not wait. */
	if (!mutex_trylock(&damon_sysfs_lock))
		return -EBUSY;
	err = damon_sysfs_regions_add_dirs(regions, nr);
	mutex_unlock(&damon_sysfs_lock);
	return err ? err : count;
}

static void damon_sysfs_regions_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_regions, kobj));
}

static struct kobj_attribute damon_sysfs_regions_nr_attr =
		__ATTR_RW_MODE(nr_regions, 0600);

static struct attribute *damon_sysfs_regions_attrs[] = {
	&damon_sysfs_regions_nr_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_regions);

static const struct kobj_type damon_sysfs_regions_ktype = {
	.release = damon_sysfs_regions_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_regions_groups,
};

/* === targets/<N>/ === */

static struct damon_sysfs_target *damon_sysfs_target_alloc(void)
{
	return kzalloc(sizeof(struct damon_sysfs_target), GFP_KERNEL);
}

static int damon_sysfs_target_add_dirs(struct damon_sysfs_target *target)
{
	struct damon_sysfs_regions *regions;
	int err;

	regions = damon_sysfs_regions_alloc();
	if (!regions)
		return -ENOMEM;
	err = kobject_init_and_add(&regions->kobj, &damon_sysfs_regions_ktype,
				   &target->kobj, "regions");
	if (err) {
		kobject_put(&regions->kobj);
		return err;
	}
	target->regions = regions;
	return 0;
}

static void damon_sysfs_target_rm_dirs(struct damon_sysfs_target *target)
{
	damon_sysfs_regions_rm_dirs(target->regions);
	kobject_put(&target->regions->kobj);
}

static ssize_t pid_target_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_target *target = container_of(kobj,
			struct damon_sysfs_target, kobj);

	return sysfs_emit(buf, "%d\n", READ_ONCE(target->pid));
}

static ssize_t pid_target_store(struct kobject *kobj,
				struct kobj_attribute *attr, const char *buf,
				size_t count)
{
	struct damon_sysfs_target *target = container_of(kobj,
			struct damon_sysfs_target, kobj);
	int pid;

	if (kstrtoint(buf, 0, &pid))
		return -EINVAL;
	WRITE_ONCE(target->pid, pid);
	return count;
}

static void damon_sysfs_target_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_target, kobj));
}

static struct kobj_attribute damon_sysfs_target_pid_attr =
		__ATTR_RW_MODE(pid_target, 0600);

static struct attribute *damon_sysfs_target_attrs[] = {
	&damon_sysfs_target_pid_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_target);

static const struct kobj_type damon_sysfs_target_ktype = {
	.release = damon_sysfs_target_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_target_groups,
};

/* === targets/ === */

static struct damon_sysfs_targets *damon_sysfs_targets_alloc(void)
{
	return kzalloc(sizeof(struct damon_sysfs_targets), GFP_KERNEL);
}

static void damon_sysfs_targets_rm_dirs(struct damon_sysfs_targets *targets)
{
	int i;

	for (i = 0; i < targets->nr; i++) {
		damon_sysfs_target_rm_dirs(targets->targets_arr[i]);
		kobject_put(&targets->targets_arr[i]->kobj);
	}
	kfree(targets->targets_arr);
	targets->targets_arr = NULL;
	targets->nr = 0;
}

static int damon_sysfs_targets_add_dirs(struct damon_sysfs_targets *targets,
					int nr)
{
	struct damon_sysfs_target **arr, *target;
	int err, i;

	damon_sysfs_targets_rm_dirs(targets);
	if (!nr)
		return 0;

	arr = kmalloc_array(nr, sizeof(*arr), GFP_KERNEL | __GFP_NOWARN);
	if (!arr)
		return -ENOMEM;
	targets->targets_arr = arr;

	for (i = 0; i < nr; i++) {
		target = damon_sysfs_target_alloc();
		if (!target) {
			err = -ENOMEM;
			goto rm_dirs;
		}
		err = kobject_init_and_add(&target->kobj,
					   &damon_sysfs_target_ktype,
					   &targets->kobj, "%d", i);
		if (err)
			goto put_target;
		err = damon_sysfs_target_add_dirs(target);
		if (err)
			goto put_target;
		arr[i] = target;
		targets->nr++;
	}
	return 0;

put_target:
	kobject_put(&target->kobj);
rm_dirs:
	damon_sysfs_targets_rm_dirs(targets);
	return err;
}

static ssize_t nr_targets_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_targets *targets = container_of(kobj,
			struct damon_sysfs_targets, kobj);

	return sysfs_emit(buf, "%d\n", READ_ONCE(targets->nr));
}

static ssize_t nr_targets_store(struct kobject *kobj,
				struct kobj_attribute *attr, const char *buf,
				size_t count)
{
	struct damon_sysfs_targets *targets = container_of(kobj,
			struct damon_sysfs_targets, kobj);
	int nr, err;

	err = damon_sysfs_parse_nr(buf, &nr);
	if (err)
		return err;
	/* See damon_sysfs_lock for why this does not wait. */
	if (!mutex_trylock(&damon_sysfs_lock))
		return -EBUSY;
	err = damon_sysfs_targets_add_dirs(targets, nr);
	mutex_unlock(&damon_sysfs_lock);
	return err ? err : count;
}

static void damon_sysfs_targets_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_targets, kobj));
}

static struct kobj_attribute damon_sysfs_targets_nr_attr =
		__ATTR_RW_MODE(nr_targets, 0600);

static struct attribute *damon_sysfs_targets_attrs[] = {
	&damon_sysfs_targets_nr_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_targets);

static const struct kobj_type damon_sysfs_targets_ktype = {
	.release = damon_sysfs_targets_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_targets_groups,
};

/* === monitoring_attrs/intervals/ === */

static struct damon_sysfs_intervals *
damon_sysfs_intervals_alloc(unsigned long sample_us, unsigned long aggr_us,
			    unsigned long update_us)
{
	struct damon_sysfs_intervals *intervals;

	intervals = kzalloc(sizeof(*intervals), GFP_KERNEL);
	if (!intervals)
		return NULL;
	intervals->sample_us = sample_us;
	intervals->aggr_us = aggr_us;
	intervals->update_us = update_us;
	return intervals;
}

static ssize_t damon_sysfs_interval_show(unsigned long *interval, char *buf)
{
	return sysfs_emit(buf, "%lu\n", READ_ONCE(*interval));
}

static ssize_t damon_sysfs_interval_store(unsigned long *interval,
					  const char *buf, size_t count)
{
	unsigned long val;

	if (kstrtoul(buf, 0, &val))
		return -EINVAL;
	WRITE_ONCE(*interval, val);
	return count;
}

static struct damon_sysfs_intervals *to_intervals(struct kobject *kobj)
{
	return container_of(kobj, struct damon_sysfs_intervals, kobj);
}

static ssize_t sample_us_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return damon_sysfs_interval_show(&to_intervals(kobj)->sample_us, buf);
}

static ssize_t sample_us_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *buf,
			       size_t count)
{
	return damon_sysfs_interval_store(&to_intervals(kobj)->sample_us, buf,
					  count);
}

static ssize_t aggr_us_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return damon_sysfs_interval_show(&to_intervals(kobj)->aggr_us, buf);
}

static ssize_t aggr_us_store(struct kobject *kobj,
			     struct kobj_attribute *attr, const char *buf,
			     size_t count)
{
	return damon_sysfs_interval_store(&to_intervals(kobj)->aggr_us, buf,
					  count);
}

static ssize_t update_us_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return damon_sysfs_interval_show(&to_intervals(kobj)->update_us, buf);
}

static ssize_t update_us_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *buf,
			       size_t count)
{
	return damon_sysfs_interval_store(&to_intervals(kobj)->update_us, buf,
					  count);
}

static void damon_sysfs_intervals_release(struct kobject *kobj)
{
	kfree(to_intervals(kobj));
}

static struct kobj_attribute damon_sysfs_intervals_sample_us_attr =
		__ATTR_RW_MODE(sample_us, 0600);

static struct kobj_attribute damon_sysfs_intervals_aggr_us_attr =
		__ATTR_RW_MODE(aggr_us, 0600);

static struct kobj_attribute damon_sysfs_intervals_update_us_attr =
		__ATTR_RW_MODE(update_us, 0600);

static struct attribute *damon_sysfs_intervals_attrs[] = {
	&damon_sysfs_intervals_sample_us_attr.attr,
	&damon_sysfs_intervals_aggr_us_attr.attr,
	&damon_sysfs_intervals_update_us_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_intervals);

static const struct kobj_type damon_sysfs_intervals_ktype = {
	.release = damon_sysfs_intervals_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_intervals_groups,
};

/* === monitoring_attrs/ === */

static struct damon_sysfs_attrs *damon_sysfs_attrs_alloc(void)
{
	return kzalloc(sizeof(struct damon_sysfs_attrs), GFP_KERNEL);
}

static int damon_sysfs_attrs_add_dirs(struct damon_sysfs_attrs *attrs)
{
	struct damon_sysfs_intervals *intervals;
	struct damon_sysfs_ul_range *range;
	int err;

	/* The defaults of the stock interface. */
	intervals = damon_sysfs_intervals_alloc(5000, 100000, 60000000);
	if (!intervals)
		return -ENOMEM;
	err = kobject_init_and_add(&intervals->kobj,
				   &damon_sysfs_intervals_ktype, &attrs->kobj,
				   "intervals");
	if (err)
		goto put_intervals;

	range = damon_sysfs_ul_range_alloc(10, 1000);
	if (!range) {
		err = -ENOMEM;
		goto put_intervals;
	}
	err = kobject_init_and_add(&range->kobj, &damon_sysfs_ul_range_ktype,
				   &attrs->kobj, "nr_regions");
	if (err)
		goto put_range;

	attrs->intervals = intervals;
	attrs->nr_regions_range = range;
	return 0;

put_range:
	kobject_put(&range->kobj);
put_intervals:
	kobject_put(&intervals->kobj);
	return err;
}

static void damon_sysfs_attrs_rm_dirs(struct damon_sysfs_attrs *attrs)
{
	kobject_put(&attrs->nr_regions_range->kobj);
	kobject_put(&attrs->intervals->kobj);
}

static void damon_sysfs_attrs_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_attrs, kobj));
}

static struct attribute *damon_sysfs_attrs_attrs[] = {
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_attrs);

static const struct kobj_type damon_sysfs_attrs_ktype = {
	.release = damon_sysfs_attrs_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_attrs_groups,
};

/* === contexts/<N>/ === */

/* Keywords of the "operations" file, indexed by &enum damon_ops_id. */
static const char * const damon_sysfs_ops_strs[] = {
	[DAMON_OPS_VADDR] = "vaddr",
	[DAMON_OPS_FVADDR] = "fvaddr",
	[DAMON_OPS_PADDR] = "paddr",
};

static_assert(ARRAY_SIZE(damon_sysfs_ops_strs) == NR_DAMON_OPS);

/*
 * damon_sysfs_parse_ops() - Parse a keyword written to "operations".
 *
 * Return: 0 with the set in @id, or -EINVAL for an unknown keyword.  Whether
 * the set is registered is checked only by "on" and "commit".
 */
VISIBLE_IF_KUNIT int damon_sysfs_parse_ops(const char *buf,
					   enum damon_ops_id *id)
{
	enum damon_ops_id i;

	for (i = 0; i < NR_DAMON_OPS; i++) {
		if (sysfs_streq(buf, damon_sysfs_ops_strs[i])) {
			*id = i;
			return 0;
		}
	}
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(damon_sysfs_parse_ops);

static struct damon_sysfs_context *damon_sysfs_context_alloc(void)
{
	struct damon_sysfs_context *context;

	context = kzalloc(sizeof(*context), GFP_KERNEL);
	if (!context)
		return NULL;
	context->ops_id = DAMON_OPS_VADDR;
	return context;
}

static int damon_sysfs_context_add_dirs(struct damon_sysfs_context *context)
{
	struct damon_sysfs_attrs *attrs;
	struct damon_sysfs_targets *targets;
	struct damon_sysfs_schemes *schemes;
	int err;

	attrs = damon_sysfs_attrs_alloc();
	if (!attrs)
		return -ENOMEM;
	err = kobject_init_and_add(&attrs->kobj, &damon_sysfs_attrs_ktype,
				   &context->kobj, "monitoring_attrs");
	if (err)
		goto put_attrs;
	err = damon_sysfs_attrs_add_dirs(attrs);
	if (err)
		goto put_attrs;

	targets = damon_sysfs_targets_alloc();
	if (!targets) {
		err = -ENOMEM;
		goto rm_attrs;
	}
	err = kobject_init_and_add(&targets->kobj, &damon_sysfs_targets_ktype,
				   &context->kobj, "targets");
	if (err)
		goto put_targets;

	schemes = damon_sysfs_schemes_alloc();
	if (!schemes) {
		err = -ENOMEM;
		goto put_targets;
	}
	err = kobject_init_and_add(&schemes->kobj, &damon_sysfs_schemes_ktype,
				   &context->kobj, "schemes");
	if (err)
		goto put_schemes;

	context->attrs = attrs;
	context->targets = targets;
	context->schemes = schemes;
	return 0;

put_schemes:
	kobject_put(&schemes->kobj);
put_targets:
	kobject_put(&targets->kobj);
rm_attrs:
	damon_sysfs_attrs_rm_dirs(attrs);
put_attrs:
	kobject_put(&attrs->kobj);
	return err;
}

static void damon_sysfs_context_rm_dirs(struct damon_sysfs_context *context)
{
	damon_sysfs_schemes_rm_dirs(context->schemes);
	kobject_put(&context->schemes->kobj);
	damon_sysfs_targets_rm_dirs(context->targets);
	kobject_put(&context->targets->kobj);
	damon_sysfs_attrs_rm_dirs(context->attrs);
	kobject_put(&context->attrs->kobj);
}

static ssize_t avail_operations_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	enum damon_ops_id id;
	int len = 0;

	for (id = 0; id < NR_DAMON_OPS; id++) {
		if (!damon_is_registered_ops(id))
			continue;
		len += sysfs_emit_at(buf, len, "%s\n",
				     damon_sysfs_ops_strs[id]);
	}
	return len;
}

static ssize_t operations_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_context *context = container_of(kobj,
			struct damon_sysfs_context, kobj);

	return sysfs_emit(buf, "%s\n",
			  damon_sysfs_ops_strs[READ_ONCE(context->ops_id)]);
}

static ssize_t operations_store(struct kobject *kobj,
				struct kobj_attribute *attr, const char *buf,
				size_t count)
{
	struct damon_sysfs_context *context = container_of(kobj,
			struct damon_sysfs_context, kobj);
	enum damon_ops_id id;

	if (damon_sysfs_parse_ops(buf, &id))
		return -EINVAL;
	WRITE_ONCE(context->ops_id, id);
	return count;
}

static void damon_sysfs_context_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_context, kobj));
}

static struct kobj_attribute damon_sysfs_context_avail_operations_attr =
		__ATTR_RO_MODE(avail_operations, 0400);

static struct kobj_attribute damon_sysfs_context_operations_attr =
		__ATTR_RW_MODE(operations, 0600);

static struct attribute *damon_sysfs_context_attrs[] = {
	&damon_sysfs_context_avail_operations_attr.attr,
	&damon_sysfs_context_operations_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_context);

static const struct kobj_type damon_sysfs_context_ktype = {
	.release = damon_sysfs_context_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_context_groups,
};

/* === contexts/ === */

/**
 * struct damon_sysfs_contexts - The contexts/ directory of a kdamond.
 * @kobj:		The kobject of the directory.
 * @contexts_arr:	The numbered child directories.
 * @nr:			Number of entries in @contexts_arr, 0 or 1.  Changed
 *			only with &damon_sysfs_lock held.
 */
struct damon_sysfs_contexts {
	struct kobject kobj;
	struct damon_sysfs_context **contexts_arr;
	int nr;
};

/**
 * struct damon_sysfs_kdamond - A kdamonds/<N>/ directory.
 * @kobj:	The kobject of the directory.
 * @contexts:	The contexts/ directory.
 * @damon_ctx:	The context this directory last started, or NULL.  It may
 *		have stopped by itself since.  Protected by &damon_sysfs_lock.
 */
struct damon_sysfs_kdamond {
	struct kobject kobj;
	struct damon_sysfs_contexts *contexts;
	struct damon_ctx *damon_ctx;
};

static bool damon_sysfs_kdamond_running(struct damon_sysfs_kdamond *kdamond);

static struct damon_sysfs_contexts *damon_sysfs_contexts_alloc(void)
{
	return kzalloc(sizeof(struct damon_sysfs_contexts), GFP_KERNEL);
}

static void damon_sysfs_contexts_rm_dirs(struct damon_sysfs_contexts *contexts)
{
	int i;

	for (i = 0; i < contexts->nr; i++) {
		damon_sysfs_context_rm_dirs(contexts->contexts_arr[i]);
		kobject_put(&contexts->contexts_arr[i]->kobj);
	}
	kfree(contexts->contexts_arr);
	contexts->contexts_arr = NULL;
	contexts->nr = 0;
}

static int damon_sysfs_contexts_add_dirs(struct damon_sysfs_contexts *contexts,
					 int nr)
{
	struct damon_sysfs_context **arr, *context;
	int err, i;

	damon_sysfs_contexts_rm_dirs(contexts);
	if (!nr)
		return 0;

	arr = kmalloc_array(nr, sizeof(*arr), GFP_KERNEL | __GFP_NOWARN);
	if (!arr)
		return -ENOMEM;
	contexts->contexts_arr = arr;

	for (i = 0; i < nr; i++) {
		context = damon_sysfs_context_alloc();
		if (!context) {
			err = -ENOMEM;
			goto rm_dirs;
		}
		err = kobject_init_and_add(&context->kobj,
					   &damon_sysfs_context_ktype,
					   &contexts->kobj, "%d", i);
		if (err)
			goto put_context;
		err = damon_sysfs_context_add_dirs(context);
		if (err)
			goto put_context;
		arr[i] = context;
		contexts->nr++;
	}
	return 0;

put_context:
	kobject_put(&context->kobj);
rm_dirs:
	damon_sysfs_contexts_rm_dirs(contexts);
	return err;
}

static ssize_t nr_contexts_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_contexts *contexts = container_of(kobj,
			struct damon_sysfs_contexts, kobj);

	return sysfs_emit(buf, "%d\n", READ_ONCE(contexts->nr));
}

static ssize_t nr_contexts_store(struct kobject *kobj,
				 struct kobj_attribute *attr, const char *buf,
				 size_t count)
{
	struct damon_sysfs_contexts *contexts = container_of(kobj,
			struct damon_sysfs_contexts, kobj);
	struct damon_sysfs_kdamond *kdamond = container_of(contexts->kobj.parent,
			struct damon_sysfs_kdamond, kobj);
	int nr, err;

	err = damon_sysfs_parse_nr(buf, &nr);
	/* A kdamond runs one context at most. */
	if (err || nr > 1)
		return -EINVAL;
	/* See damon_sysfs_lock for why this does not wait. */
	if (!mutex_trylock(&damon_sysfs_lock))
		return -EBUSY;
	if (damon_sysfs_kdamond_running(kdamond))
		err = -EBUSY;
	else
		err = damon_sysfs_contexts_add_dirs(contexts, nr);
	mutex_unlock(&damon_sysfs_lock);
	return err ? err : count;
}

static void damon_sysfs_contexts_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_contexts, kobj));
}

static struct kobj_attribute damon_sysfs_contexts_nr_attr =
		__ATTR_RW_MODE(nr_contexts, 0600);

static struct attribute *damon_sysfs_contexts_attrs[] = {
	&damon_sysfs_contexts_nr_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_contexts);

static const struct kobj_type damon_sysfs_contexts_ktype = {
	.release = damon_sysfs_contexts_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_contexts_groups,
};

/* === Building a damon_ctx from a context directory === */

static int damon_sysfs_set_attrs(struct damon_ctx *ctx,
				 struct damon_sysfs_attrs *sys_attrs)
{
	struct damon_sysfs_intervals *intervals = sys_attrs->intervals;
	struct damon_sysfs_ul_range *range = sys_attrs->nr_regions_range;
	struct damon_attrs attrs = {
		.sample_interval = READ_ONCE(intervals->sample_us),
		.aggr_interval = READ_ONCE(intervals->aggr_us),
		.ops_update_interval = READ_ONCE(intervals->update_us),
		.min_nr_regions = READ_ONCE(range->min),
		.max_nr_regions = READ_ONCE(range->max),
	};

	return damon_set_attrs(ctx, &attrs);
}

/*
 * Copy the regions of a target directory into @t.  The ranges must be
 * non-empty, sorted and must not overlap.
 */
static int damon_sysfs_set_regions(struct damon_target *t,
				   struct damon_sysfs_regions *sys_regions)
{
	struct damon_addr_range *ranges;
	int i, nr = sys_regions->nr, err = -EINVAL;

	if (!nr)
		return 0;
	ranges = kmalloc_array(nr, sizeof(*ranges), GFP_KERNEL | __GFP_NOWARN);
	if (!ranges)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		struct damon_sysfs_region *region = sys_regions->regions_arr[i];

		ranges[i].start = READ_ONCE(region->ar.start);
		ranges[i].end = READ_ONCE(region->ar.end);
		if (ranges[i].start >= ranges[i].end)
			goto free_ranges;
		if (i && ranges[i - 1].end > ranges[i].start)
			goto free_ranges;
	}
	err = damon_set_regions(t, ranges, nr);
free_ranges:
	kfree(ranges);
	return err;
}

static bool damon_sysfs_ops_use_pid(enum damon_ops_id id)
{
	return id == DAMON_OPS_VADDR || id == DAMON_OPS_FVADDR;
}

/* Get a reference to the pid @nr, if a task with that pid is alive. */
static struct pid *damon_sysfs_get_live_pid(int nr)
{
	struct pid *pid = find_get_pid(nr);
	bool alive;

	if (!pid)
		return NULL;
	rcu_read_lock();
	alive = !!pid_task(pid, PIDTYPE_PID);
	rcu_read_unlock();
	if (!alive) {
		put_pid(pid);
		return NULL;
	}
	return pid;
}

static int damon_sysfs_add_target(struct damon_ctx *ctx,
				  struct damon_sysfs_target *sys_target,
				  enum damon_ops_id ops_id)
{
	struct damon_target *t;

	t = damon_new_target();
	if (!t)
		return -ENOMEM;
	if (damon_sysfs_ops_use_pid(ops_id)) {
		t->pid = damon_sysfs_get_live_pid(READ_ONCE(sys_target->pid));
		if (!t->pid) {
			damon_destroy_target(t);
			return -EINVAL;
		}
	}
	/* From here on, destroying @ctx frees @t. */
	damon_add_target(ctx, t);
	return damon_sysfs_set_regions(t, sys_target->regions);
}

static int damon_sysfs_add_targets(struct damon_ctx *ctx,
				   struct damon_sysfs_targets *sys_targets,
				   enum damon_ops_id ops_id)
{
	int i, err;

	for (i = 0; i < sys_targets->nr; i++) {
		err = damon_sysfs_add_target(ctx, sys_targets->targets_arr[i],
					     ops_id);
		if (err)
			return err;
	}
	return 0;
}

/*
 * damon_sysfs_build_ctx() - Build a new context from a context directory.
 *
 * Checks everything "on" and "commit" need: a registered operations set,
 * valid attributes, live target processes and sane regions.
 *
 * Context: Process context, with &damon_sysfs_lock held unless @sys_ctx is
 * private to the caller.
 * Return: The new context, which the caller destroys, or an ERR_PTR():
 * -EINVAL for an invalid setting, -ENOMEM when out of memory.
 */
VISIBLE_IF_KUNIT struct damon_ctx *
damon_sysfs_build_ctx(struct damon_sysfs_context *sys_ctx)
{
	enum damon_ops_id ops_id = READ_ONCE(sys_ctx->ops_id);
	struct damon_ctx *ctx;
	int err;

	ctx = damon_new_ctx();
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	err = damon_select_ops(ctx, ops_id);
	if (err)
		goto destroy_ctx;
	err = damon_sysfs_set_attrs(ctx, sys_ctx->attrs);
	if (err)
		goto destroy_ctx;
	err = damon_sysfs_add_targets(ctx, sys_ctx->targets, ops_id);
	if (err)
		goto destroy_ctx;
	err = damon_sysfs_add_schemes(ctx, sys_ctx->schemes);
	if (err)
		goto destroy_ctx;
	return ctx;

destroy_ctx:
	damon_destroy_ctx(ctx);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_IF_KUNIT(damon_sysfs_build_ctx);

/* === kdamonds/<N>/ === */

/* Keywords of the "state" file, indexed by &enum damon_sysfs_cmd. */
static const char * const damon_sysfs_cmd_strs[] = {
	[DAMON_SYSFS_CMD_ON] = "on",
	[DAMON_SYSFS_CMD_OFF] = "off",
	[DAMON_SYSFS_CMD_COMMIT] = "commit",
	[DAMON_SYSFS_CMD_COMMIT_SCHEMES_QUOTA_GOALS] =
		"commit_schemes_quota_goals",
	[DAMON_SYSFS_CMD_UPDATE_SCHEMES_STATS] = "update_schemes_stats",
	[DAMON_SYSFS_CMD_UPDATE_SCHEMES_TRIED_REGIONS] =
		"update_schemes_tried_regions",
	[DAMON_SYSFS_CMD_UPDATE_SCHEMES_TRIED_BYTES] =
		"update_schemes_tried_bytes",
	[DAMON_SYSFS_CMD_CLEAR_SCHEMES_TRIED_REGIONS] =
		"clear_schemes_tried_regions",
	[DAMON_SYSFS_CMD_UPDATE_SCHEMES_EFFECTIVE_QUOTAS] =
		"update_schemes_effective_quotas",
};

static_assert(ARRAY_SIZE(damon_sysfs_cmd_strs) == NR_DAMON_SYSFS_CMDS);

/*
 * damon_sysfs_parse_cmd() - Parse a command written to "state".
 *
 * Return: The &enum damon_sysfs_cmd, or -EINVAL for an unknown command.
 */
VISIBLE_IF_KUNIT int damon_sysfs_parse_cmd(const char *buf)
{
	int i;

	for (i = 0; i < NR_DAMON_SYSFS_CMDS; i++) {
		if (sysfs_streq(buf, damon_sysfs_cmd_strs[i]))
			return i;
	}
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(damon_sysfs_parse_cmd);

/*
 * Tell whether the kdamond of @kdamond runs.  A context whose kdamond ended
 * by itself is destroyed here.
 */
static bool damon_sysfs_kdamond_running(struct damon_sysfs_kdamond *kdamond)
{
	lockdep_assert_held(&damon_sysfs_lock);
	if (!kdamond->damon_ctx)
		return false;
	if (damon_is_running(kdamond->damon_ctx))
		return true;
	damon_destroy_ctx(kdamond->damon_ctx);
	kdamond->damon_ctx = NULL;
	return false;
}

static struct damon_sysfs_context *
damon_sysfs_kdamond_context(struct damon_sysfs_kdamond *kdamond)
{
	if (kdamond->contexts->nr != 1)
		return NULL;
	return kdamond->contexts->contexts_arr[0];
}

static int damon_sysfs_turn_on(struct damon_sysfs_kdamond *kdamond)
{
	struct damon_sysfs_context *sys_ctx;
	struct damon_ctx *ctx;
	int err;

	if (damon_sysfs_kdamond_running(kdamond))
		return -EBUSY;
	sys_ctx = damon_sysfs_kdamond_context(kdamond);
	if (!sys_ctx)
		return -EINVAL;
	ctx = damon_sysfs_build_ctx(sys_ctx);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	err = damon_start(&ctx, 1, false);
	if (err) {
		damon_destroy_ctx(ctx);
		return err;
	}
	kdamond->damon_ctx = ctx;
	return 0;
}

static int damon_sysfs_turn_off(struct damon_sysfs_kdamond *kdamond)
{
	int err;

	if (!damon_sysfs_kdamond_running(kdamond))
		return -EINVAL;
	err = damon_stop(&kdamond->damon_ctx, 1);
	if (err)
		return err;
	damon_destroy_ctx(kdamond->damon_ctx);
	kdamond->damon_ctx = NULL;
	return 0;
}

/* Called by the kdamond: apply the fresh context @arg to @ctx. */
static int damon_sysfs_commit_fn(struct damon_ctx *ctx, void *arg)
{
	return damon_commit_ctx(ctx, arg);
}

static int damon_sysfs_commit(struct damon_sysfs_kdamond *kdamond)
{
	struct damon_sysfs_context *sys_ctx;
	struct damon_request req = {
		.fn = damon_sysfs_commit_fn,
	};
	struct damon_ctx *fresh;
	int err;

	if (!damon_sysfs_kdamond_running(kdamond))
		return -EINVAL;
	/* nr_contexts cannot change while the kdamond runs. */
	sys_ctx = damon_sysfs_kdamond_context(kdamond);
	if (!sys_ctx)
		return -EINVAL;
	fresh = damon_sysfs_build_ctx(sys_ctx);
	if (IS_ERR(fresh))
		return PTR_ERR(fresh);
	req.arg = fresh;
	err = damon_request(kdamond->damon_ctx, &req);
	if (!err)
		err = req.result;
	damon_destroy_ctx(fresh);
	return err;
}

static int damon_sysfs_handle_cmd(struct damon_sysfs_kdamond *kdamond,
				  enum damon_sysfs_cmd cmd)
{
	struct damon_sysfs_context *sys_ctx;
	bool running;

	lockdep_assert_held(&damon_sysfs_lock);
	switch (cmd) {
	case DAMON_SYSFS_CMD_ON:
		return damon_sysfs_turn_on(kdamond);
	case DAMON_SYSFS_CMD_OFF:
		return damon_sysfs_turn_off(kdamond);
	case DAMON_SYSFS_CMD_COMMIT:
		return damon_sysfs_commit(kdamond);
	default:
		running = damon_sysfs_kdamond_running(kdamond);
		sys_ctx = damon_sysfs_kdamond_context(kdamond);
		return damon_sysfs_schemes_cmd(cmd,
				running ? kdamond->damon_ctx : NULL,
				sys_ctx ? sys_ctx->schemes : NULL);
	}
}

static struct damon_sysfs_kdamond *damon_sysfs_kdamond_alloc(void)
{
	return kzalloc(sizeof(struct damon_sysfs_kdamond), GFP_KERNEL);
}

static int damon_sysfs_kdamond_add_dirs(struct damon_sysfs_kdamond *kdamond)
{
	struct damon_sysfs_contexts *contexts;
	int err;

	contexts = damon_sysfs_contexts_alloc();
	if (!contexts)
		return -ENOMEM;
	err = kobject_init_and_add(&contexts->kobj,
				   &damon_sysfs_contexts_ktype, &kdamond->kobj,
				   "contexts");
	if (err) {
		kobject_put(&contexts->kobj);
		return err;
	}
	kdamond->contexts = contexts;
	return 0;
}

/* The caller made sure that the kdamond does not run. */
static void damon_sysfs_kdamond_rm_dirs(struct damon_sysfs_kdamond *kdamond)
{
	if (kdamond->damon_ctx) {
		damon_destroy_ctx(kdamond->damon_ctx);
		kdamond->damon_ctx = NULL;
	}
	damon_sysfs_contexts_rm_dirs(kdamond->contexts);
	kobject_put(&kdamond->contexts->kobj);
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct damon_sysfs_kdamond *kdamond = container_of(kobj,
			struct damon_sysfs_kdamond, kobj);
	bool running;

	/* See damon_sysfs_lock for why this does not wait. */
	if (!mutex_trylock(&damon_sysfs_lock))
		return -EBUSY;
	running = damon_sysfs_kdamond_running(kdamond);
	mutex_unlock(&damon_sysfs_lock);
	return sysfs_emit(buf, "%s\n", running ? "on" : "off");
}

static ssize_t state_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	struct damon_sysfs_kdamond *kdamond = container_of(kobj,
			struct damon_sysfs_kdamond, kobj);
	int cmd, err;

	cmd = damon_sysfs_parse_cmd(buf);
	if (cmd < 0)
		return cmd;
	/* See damon_sysfs_lock for why this does not wait. */
	if (!mutex_trylock(&damon_sysfs_lock))
		return -EBUSY;
	err = damon_sysfs_handle_cmd(kdamond, cmd);
	mutex_unlock(&damon_sysfs_lock);
	return err ? err : count;
}

static ssize_t pid_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	struct damon_sysfs_kdamond *kdamond = container_of(kobj,
			struct damon_sysfs_kdamond, kobj);
	int pid = -1;

	/* See damon_sysfs_lock for why this does not wait. */
	if (!mutex_trylock(&damon_sysfs_lock))
		return -EBUSY;
	if (damon_sysfs_kdamond_running(kdamond))
		pid = damon_kdamond_pid(kdamond->damon_ctx);
	mutex_unlock(&damon_sysfs_lock);
	return sysfs_emit(buf, "%d\n", pid);
}

static void damon_sysfs_kdamond_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_kdamond, kobj));
}

static struct kobj_attribute damon_sysfs_kdamond_state_attr =
		__ATTR_RW_MODE(state, 0600);

static struct kobj_attribute damon_sysfs_kdamond_pid_attr =
		__ATTR_RO_MODE(pid, 0400);

static struct attribute *damon_sysfs_kdamond_attrs[] = {
	&damon_sysfs_kdamond_state_attr.attr,
	&damon_sysfs_kdamond_pid_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_kdamond);

static const struct kobj_type damon_sysfs_kdamond_ktype = {
	.release = damon_sysfs_kdamond_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_kdamond_groups,
};

/* === kdamonds/ === */

/**
 * struct damon_sysfs_kdamonds - The kdamonds/ directory.
 * @kobj:		The kobject of the directory.
 * @kdamonds_arr:	The numbered child directories.
 * @nr:			Number of entries in @kdamonds_arr.  Changed only
 *			with &damon_sysfs_lock held.
 */
struct damon_sysfs_kdamonds {
	struct kobject kobj;
	struct damon_sysfs_kdamond **kdamonds_arr;
	int nr;
};

static struct damon_sysfs_kdamonds *damon_sysfs_kdamonds_alloc(void)
{
	return kzalloc(sizeof(struct damon_sysfs_kdamonds), GFP_KERNEL);
}

static void damon_sysfs_kdamonds_rm_dirs(struct damon_sysfs_kdamonds *kdamonds)
{
	int i;

	for (i = 0; i < kdamonds->nr; i++) {
		damon_sysfs_kdamond_rm_dirs(kdamonds->kdamonds_arr[i]);
		kobject_put(&kdamonds->kdamonds_arr[i]->kobj);
	}
	kfree(kdamonds->kdamonds_arr);
	kdamonds->kdamonds_arr = NULL;
	kdamonds->nr = 0;
}

static int damon_sysfs_kdamonds_add_dirs(struct damon_sysfs_kdamonds *kdamonds,
					 int nr)
{
	struct damon_sysfs_kdamond **arr, *kdamond;
	int err, i;

	damon_sysfs_kdamonds_rm_dirs(kdamonds);
	if (!nr)
		return 0;

	arr = kmalloc_array(nr, sizeof(*arr), GFP_KERNEL | __GFP_NOWARN);
	if (!arr)
		return -ENOMEM;
	kdamonds->kdamonds_arr = arr;

	for (i = 0; i < nr; i++) {
		kdamond = damon_sysfs_kdamond_alloc();
		if (!kdamond) {
			err = -ENOMEM;
			goto rm_dirs;
		}
		err = kobject_init_and_add(&kdamond->kobj,
					   &damon_sysfs_kdamond_ktype,
					   &kdamonds->kobj, "%d", i);
		if (err)
			goto put_kdamond;
		err = damon_sysfs_kdamond_add_dirs(kdamond);
		if (err)
			goto put_kdamond;
		arr[i] = kdamond;
		kdamonds->nr++;
	}
	return 0;

put_kdamond:
	kobject_put(&kdamond->kobj);
rm_dirs:
	damon_sysfs_kdamonds_rm_dirs(kdamonds);
	return err;
}

static bool damon_sysfs_kdamonds_busy(struct damon_sysfs_kdamonds *kdamonds)
{
	int i;

	for (i = 0; i < kdamonds->nr; i++) {
		if (damon_sysfs_kdamond_running(kdamonds->kdamonds_arr[i]))
			return true;
	}
	return false;
}

static ssize_t nr_kdamonds_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_kdamonds *kdamonds = container_of(kobj,
			struct damon_sysfs_kdamonds, kobj);

	return sysfs_emit(buf, "%d\n", READ_ONCE(kdamonds->nr));
}

static ssize_t nr_kdamonds_store(struct kobject *kobj,
				 struct kobj_attribute *attr, const char *buf,
				 size_t count)
{
	struct damon_sysfs_kdamonds *kdamonds = container_of(kobj,
			struct damon_sysfs_kdamonds, kobj);
	int nr, err;

	err = damon_sysfs_parse_nr(buf, &nr);
	if (err)
		return err;
	/* See damon_sysfs_lock for why this does not wait. */
	if (!mutex_trylock(&damon_sysfs_lock))
		return -EBUSY;
	if (damon_sysfs_kdamonds_busy(kdamonds))
		err = -EBUSY;
	else
		err = damon_sysfs_kdamonds_add_dirs(kdamonds, nr);
	mutex_unlock(&damon_sysfs_lock);
	return err ? err : count;
}

static void damon_sysfs_kdamonds_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_kdamonds, kobj));
}

static struct kobj_attribute damon_sysfs_kdamonds_nr_attr =
		__ATTR_RW_MODE(nr_kdamonds, 0600);

static struct attribute *damon_sysfs_kdamonds_attrs[] = {
	&damon_sysfs_kdamonds_nr_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_kdamonds);

static const struct kobj_type damon_sysfs_kdamonds_ktype = {
	.release = damon_sysfs_kdamonds_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_kdamonds_groups,
};

/* === Initialisation === */

static int __init damon_sysfs_init(void)
{
	struct damon_sysfs_kdamonds *kdamonds;
	struct kobject *damon_kobj, *admin_kobj;
	int err;

	damon_kobj = kobject_create_and_add("damon", mm_kobj);
	if (!damon_kobj)
		return -ENOMEM;
	admin_kobj = kobject_create_and_add("admin", damon_kobj);
	if (!admin_kobj) {
		err = -ENOMEM;
		goto put_damon;
	}
	kdamonds = damon_sysfs_kdamonds_alloc();
	if (!kdamonds) {
		err = -ENOMEM;
		goto put_admin;
	}
	err = kobject_init_and_add(&kdamonds->kobj, &damon_sysfs_kdamonds_ktype,
				   admin_kobj, "kdamonds");
	if (err)
		goto put_kdamonds;
	return 0;

put_kdamonds:
	kobject_put(&kdamonds->kobj);
put_admin:
	kobject_put(admin_kobj);
put_damon:
	kobject_put(damon_kobj);
	return err;
}
subsys_initcall(damon_sysfs_init);
