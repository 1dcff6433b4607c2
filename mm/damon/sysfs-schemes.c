// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON sysfs interface: the schemes/ directory of a context.
 *
 * For now a scheme directory is empty.  The DAMOS files go into
 * &struct damon_sysfs_scheme and its _add_dirs/_rm_dirs functions, the
 * conversion into &struct damon_ctx into damon_sysfs_add_schemes(), and the
 * scheme commands of the "state" file into damon_sysfs_schemes_cmd().
 */

#include <linux/slab.h>
#include <linux/sysfs.h>

#include "sysfs-common.h"

/* === schemes/<N>/ === */

static struct damon_sysfs_scheme *damon_sysfs_scheme_alloc(void)
{
	return kzalloc(sizeof(struct damon_sysfs_scheme), GFP_KERNEL);
}

static int damon_sysfs_scheme_add_dirs(struct damon_sysfs_scheme *scheme)
{
	return 0;
}

static void damon_sysfs_scheme_rm_dirs(struct damon_sysfs_scheme *scheme)
{
}

static void damon_sysfs_scheme_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct damon_sysfs_scheme, kobj));
}

static struct attribute *damon_sysfs_scheme_attrs[] = {
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

/* === Conversion and commands === */

/**
 * damon_sysfs_add_schemes() - Add the schemes of a schemes/ directory to a
 * context that is being built.
 * @ctx:		The new context, not running yet.
 * @sysfs_schemes:	The schemes/ directory.
 *
 * Called by "on" and "commit" while they build a fresh context.  There are
 * no scheme files yet, so nothing is added.
 *
 * Context: Process context, with &damon_sysfs_lock held.  May sleep.
 * Return: 0 on success, a negative error code otherwise.
 */
int damon_sysfs_add_schemes(struct damon_ctx *ctx,
			    struct damon_sysfs_schemes *sysfs_schemes)
{
	return 0;
}

/**
 * damon_sysfs_schemes_cmd() - Run a scheme command of a "state" file.
 * @cmd:		The command, from
 *			%DAMON_SYSFS_CMD_COMMIT_SCHEMES_QUOTA_GOALS on.
 * @ctx:		The running context of the kdamond, or NULL if it is
 *			not running.
 * @sysfs_schemes:	The schemes/ directory of the kdamond's context.
 *
 * Reads or changes @ctx only through damon_request().
 *
 * Context: Process context, with &damon_sysfs_lock held.  May sleep.
 * Return: 0 on success, -EINVAL if the kdamond is not running.
 */
int damon_sysfs_schemes_cmd(enum damon_sysfs_cmd cmd, struct damon_ctx *ctx,
			    struct damon_sysfs_schemes *sysfs_schemes)
{
	lockdep_assert_held(&damon_sysfs_lock);
	if (!ctx)
		return -EINVAL;
	return 0;
}
