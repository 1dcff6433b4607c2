// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON sysfs interface: pieces shared by its directories.
 */

#include <linux/kstrtox.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "sysfs-common.h"

/* See the comment of its declaration in sysfs-common.h. */
DEFINE_MUTEX(damon_sysfs_lock);

/**
 * damon_sysfs_parse_nr() - Parse a value written to an "nr_*" file.
 * @buf:	The written string.
 * @nr:		Where to store the number.
 *
 * Context: Any context.
 * Return: 0 on success, -EINVAL if @buf is not a decimal number that fits in
 * an int and is not negative.
 */
int damon_sysfs_parse_nr(const char *buf, int *nr)
{
	int val;

	if (kstrtoint(buf, 0, &val) || val < 0)
		return -EINVAL;
	*nr = val;
	return 0;
}

/* === A closed range of unsigned longs: "min" and "max" === */

/**
 * damon_sysfs_ul_range_alloc() - Allocate a min/max directory.
 * @min:	Initial value of "min".
 * @max:	Initial value of "max".
 *
 * The kobject is not initialised: the caller adds it with
 * kobject_init_and_add() and &damon_sysfs_ul_range_ktype.
 *
 * Context: Process context.  May sleep.
 * Return: The new directory, or NULL if out of memory.
 */
struct damon_sysfs_ul_range *damon_sysfs_ul_range_alloc(unsigned long min,
							unsigned long max)
{
	struct damon_sysfs_ul_range *range;

	range = kzalloc(sizeof(*range), GFP_KERNEL);
	if (!range)
		return NULL;
	range->min = min;
	range->max = max;
	return range;
}

static ssize_t min_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	struct damon_sysfs_ul_range *range = container_of(kobj,
			struct damon_sysfs_ul_range, kobj);

	return sysfs_emit(buf, "%lu\n", READ_ONCE(range->min));
}

static ssize_t min_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	struct damon_sysfs_ul_range *range = container_of(kobj,
			struct damon_sysfs_ul_range, kobj);
	unsigned long val;

	if (kstrtoul(buf, 0, &val))
		return -EINVAL;
	WRITE_ONCE(range->min, val);
	return count;
}

static ssize_t max_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	struct damon_sysfs_ul_range *range = container_of(kobj,
			struct damon_sysfs_ul_range, kobj);

	return sysfs_emit(buf, "%lu\n", READ_ONCE(range->max));
}

static ssize_t max_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	struct damon_sysfs_ul_range *range = container_of(kobj,
			struct damon_sysfs_ul_range, kobj);
	unsigned long val;

	if (kstrtoul(buf, 0, &val))
		return -EINVAL;
	WRITE_ONCE(range->max, val);
	return count;
}

static void damon_sysfs_ul_range_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_ul_range, kobj));
}

static struct kobj_attribute damon_sysfs_ul_range_min_attr =
		__ATTR_RW_MODE(min, 0600);

static struct kobj_attribute damon_sysfs_ul_range_max_attr =
		__ATTR_RW_MODE(max, 0600);

static struct attribute *damon_sysfs_ul_range_attrs[] = {
	&damon_sysfs_ul_range_min_attr.attr,
	&damon_sysfs_ul_range_max_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_ul_range);

const struct kobj_type damon_sysfs_ul_range_ktype = {
	.release = damon_sysfs_ul_range_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_ul_range_groups,
};
