// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON sysfs interface: the machinery every directory runs on.
 *
 * Map of this file:
 *   - parsing			keywords and "nr_*" numbers
 *   - value files		one show and one store for all of them
 *   - directories		new, add, del and release, driven by a kind
 *   - numbered directories	children 0..N-1 and their "nr_*" file
 *   - min/max ranges		the one kind every part uses
 *
 * A directory's life: damon_sysfs_dir_new() allocates it from its kind's
 * prototype and initialises the kobject, so from then on only
 * kobject_put() frees it; the caller may set values; damon_sysfs_dir_add()
 * puts it into sysfs with its files and fixed subdirectories;
 * damon_sysfs_dir_del() takes it and everything below it out again.
 */

#include <linux/array_size.h>
#include <linux/cleanup.h>
#include <linux/kstrtox.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <kunit/visibility.h>

#include "sysfs-common.h"

/* See the comment of its declaration in sysfs-common.h. */
DEFINE_MUTEX(damon_sysfs_lock);

/* === Parsing === */

/**
 * damon_sysfs_find_word() - Look a written keyword up in a table.
 * @buf:	The written string; one trailing newline is ignored.
 * @words:	The keywords, ended by NULL.
 *
 * Context: Any context.
 * Return: The index of the keyword in @words, or -EINVAL if it is not there.
 */
int damon_sysfs_find_word(const char *buf, const char * const *words)
{
	int i;

	for (i = 0; words[i]; i++) {
		if (sysfs_streq(buf, words[i]))
			return i;
	}
	return -EINVAL;
}

/**
 * damon_sysfs_parse_nr() - Parse a value written to an "nr_*" file.
 * @buf:	The written string.
 * @nr:		Where to store the number.
 *
 * Context: Any context.
 * Return: 0 on success, the error of kstrtoint() (-EINVAL for a string that
 * is not a number, -ERANGE for one that does not fit in an int), or -EINVAL
 * for a negative number.  @nr is left alone on failure.
 */
int damon_sysfs_parse_nr(const char *buf, int *nr)
{
	int val, err;

	err = kstrtoint(buf, 0, &val);
	if (err)
		return err;
	if (val < 0)
		return -EINVAL;
	*nr = val;
	return 0;
}

/* === Value files === */

static const struct damon_sysfs_kind *damon_sysfs_kind_of(struct kobject *kobj)
{
	return container_of_const(kobj->ktype, struct damon_sysfs_kind, ktype);
}

static const struct damon_sysfs_file *
damon_sysfs_file_of(struct kobj_attribute *attr)
{
	return container_of_const(attr, struct damon_sysfs_file, kattr);
}

static int damon_sysfs_array_resize(struct damon_sysfs_array *arr, int nr);

/**
 * damon_sysfs_val_show() - Show handler of every value file.
 * @kobj:	The kobject of the directory.
 * @attr:	The &damon_sysfs_file.kattr of the file.
 * @buf:	The page to print into.
 *
 * Context: Process context.
 * Return: The length of the text.
 */
ssize_t damon_sysfs_val_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	const struct damon_sysfs_file *file = damon_sysfs_file_of(attr);
	void *val = (char *)kobj + file->offset;

	switch (file->fmt) {
	case DAMON_SYSFS_FMT_UL:
		return sysfs_emit(buf, "%lu\n",
				  READ_ONCE(*(unsigned long *)val));
	case DAMON_SYSFS_FMT_UINT:
		return sysfs_emit(buf, "%u\n",
				  READ_ONCE(*(unsigned int *)val));
	case DAMON_SYSFS_FMT_BOOL:
		return sysfs_emit(buf, "%c\n",
				  READ_ONCE(*(bool *)val) ? 'Y' : 'N');
	case DAMON_SYSFS_FMT_WORD:
		return sysfs_emit(buf, "%s\n",
				  file->words[READ_ONCE(*(int *)val)]);
	default:
		return sysfs_emit(buf, "%d\n", READ_ONCE(*(int *)val));
	}
}

/*
 * Replace the children of the numbered directory @kobj by @nr new ones,
 * unless the kind limits or forbids it.
 */
static int damon_sysfs_store_nr(struct kobject *kobj, int nr)
{
	const struct damon_sysfs_kind *kind = damon_sysfs_kind_of(kobj);
	struct damon_sysfs_array *arr;
	int err;

	if (kind->max_items && nr > kind->max_items)
		return -EINVAL;
	arr = container_of(kobj, struct damon_sysfs_array, kobj);
	/* See damon_sysfs_lock for why this does not wait. */
	scoped_cond_guard(mutex_try, return -EBUSY, &damon_sysfs_lock) {
		if (kind->busy && kind->busy(arr))
			err = -EBUSY;
		else
			err = damon_sysfs_array_resize(arr, nr);
	}
	return err;
}

/**
 * damon_sysfs_val_store() - Store handler of every writable value file.
 * @kobj:	The kobject of the directory.
 * @attr:	The &damon_sysfs_file.kattr of the file.
 * @buf:	The written string.
 * @count:	Its length.
 *
 * Numbers are parsed by the kstrto*() function of their type, whose error
 * the write returns: -EINVAL for a string that is not a number, -ERANGE for
 * one that does not fit.  A failed write leaves the value as it was.
 *
 * Context: Process context.  May sleep.
 * Return: @count, the error of the kstrto*() parser, -EINVAL for an unknown
 * keyword or a negative "nr_*" value, or, for an "nr_*" file, -EINVAL above
 * the limit of its kind, -EBUSY while &damon_sysfs_lock is held or the
 * directory's kind says it is busy, and -ENOMEM when out of memory.
 */
ssize_t damon_sysfs_val_store(struct kobject *kobj,
			      struct kobj_attribute *attr, const char *buf,
			      size_t count)
{
	const struct damon_sysfs_file *file = damon_sysfs_file_of(attr);
	void *val = (char *)kobj + file->offset;
	unsigned long ul;
	unsigned int ui;
	bool flag;
	int i, err;

	switch (file->fmt) {
	case DAMON_SYSFS_FMT_UL:
		err = kstrtoul(buf, 0, &ul);
		if (!err)
			WRITE_ONCE(*(unsigned long *)val, ul);
		break;
	case DAMON_SYSFS_FMT_UINT:
		err = kstrtouint(buf, 0, &ui);
		if (!err)
			WRITE_ONCE(*(unsigned int *)val, ui);
		break;
	case DAMON_SYSFS_FMT_BOOL:
		err = kstrtobool(buf, &flag);
		if (!err)
			WRITE_ONCE(*(bool *)val, flag);
		break;
	case DAMON_SYSFS_FMT_WORD:
		i = damon_sysfs_find_word(buf, file->words);
		err = min(i, 0);
		if (!err)
			WRITE_ONCE(*(int *)val, i);
		break;
	case DAMON_SYSFS_FMT_NR:
		err = damon_sysfs_parse_nr(buf, &i);
		if (!err)
			err = damon_sysfs_store_nr(kobj, i);
		break;
	default:
		err = kstrtoint(buf, 0, &i);
		if (!err)
			WRITE_ONCE(*(int *)val, i);
		break;
	}
	return err ? err : count;
}

/* === Directories === */

/* Where @kobj keeps the pointer to its subdirectory @sub. */
static void **damon_sysfs_subdir_slot(struct kobject *kobj,
				      const struct damon_sysfs_subdir *sub)
{
	return (void **)((char *)kobj + sub->offset);
}

/**
 * damon_sysfs_release() - Release function of every directory.
 * @kobj:	The kobject whose last reference went.
 *
 * Context: Process context.
 */
void damon_sysfs_release(struct kobject *kobj)
{
	const struct damon_sysfs_kind *kind = damon_sysfs_kind_of(kobj);

	if (kind->release)
		kind->release(kobj);
	/* The kobject starts the structure. */
	kfree(kobj);
}

/**
 * damon_sysfs_dir_new() - Allocate a directory that is not in sysfs yet.
 * @kind:	Its kind.
 * @proto:	Its initial values, or NULL for those of @kind.
 *
 * The kobject is initialised: free the directory with kobject_put(), or hand
 * it to damon_sysfs_dir_add() or damon_sysfs_array_push().
 *
 * Context: Process context.  May sleep.
 * Return: The kobject of the new directory, or NULL if out of memory.
 */
struct kobject *damon_sysfs_dir_new(const struct damon_sysfs_kind *kind,
				    const void *proto)
{
	struct kobject *kobj;

	if (!proto)
		proto = kind->proto;
	if (proto)
		kobj = kmemdup(proto, kind->size, GFP_KERNEL);
	else
		kobj = kzalloc(kind->size, GFP_KERNEL);
	if (kobj)
		kobject_init(kobj, &kind->ktype);
	return kobj;
}

/* Create fixed subdirectory @sub of @kobj. */
static int damon_sysfs_subdir_add(struct kobject *kobj,
				  const struct damon_sysfs_subdir *sub)
{
	struct kobject *child;
	int err;

	child = damon_sysfs_dir_new(sub->kind, sub->proto);
	if (!child)
		return -ENOMEM;
	err = damon_sysfs_dir_add(child, kobj, sub->name);
	if (err)
		return err;
	*damon_sysfs_subdir_slot(kobj, sub) = child;
	return 0;
}

/**
 * damon_sysfs_dir_add() - Put a new directory into sysfs.
 * @kobj:	The kobject from damon_sysfs_dir_new().
 * @parent:	The parent directory.
 * @name:	The name of the directory.
 *
 * Creates the files, the binary files and the fixed subdirectories the kind
 * describes.  The directory is consumed: on failure, everything is undone and
 * freed.
 *
 * Context: Process context, with &damon_sysfs_lock held.  May sleep.
 * Return: 0 on success, -ENOMEM when out of memory, or the error of the
 * kobject or sysfs core.
 */
int damon_sysfs_dir_add(struct kobject *kobj, struct kobject *parent,
			const char *name)
{
	const struct damon_sysfs_kind *kind = damon_sysfs_kind_of(kobj);
	const struct bin_attribute *const *bin;
	const struct damon_sysfs_subdir *sub;
	struct damon_sysfs_file *file;
	int err;

	lockdep_assert_held(&damon_sysfs_lock);
	err = kobject_add(kobj, parent, "%s", name);
	if (err)
		goto put;
	for (file = kind->files; file && file->kattr.attr.name; file++) {
		err = sysfs_create_file(kobj, &file->kattr.attr);
		if (err)
			goto put;
	}
	for (bin = kind->bin_files; bin && *bin; bin++) {
		err = sysfs_create_bin_file(kobj, *bin);
		if (err)
			goto put;
	}
	for (sub = kind->subdirs; sub && sub->name; sub++) {
		err = damon_sysfs_subdir_add(kobj, sub);
		if (err)
			goto del;
	}
	return 0;

del:
	damon_sysfs_dir_del(kobj);
	return err;
put:
	kobject_put(kobj);
	return err;
}

/**
 * damon_sysfs_dir_del() - Remove a directory and everything below it.
 * @kobj:	The kobject of the directory.
 *
 * Runs the teardown hook of the kind, removes the numbered children and the
 * fixed subdirectories that exist, then removes the directory from sysfs and
 * drops the reference of its creator.  Whoever else holds a reference (a
 * waiting "state" writer) keeps the memory, not the name.
 *
 * Context: Process context, with &damon_sysfs_lock held.  May sleep.
 */
void damon_sysfs_dir_del(struct kobject *kobj)
{
	const struct damon_sysfs_kind *kind = damon_sysfs_kind_of(kobj);
	struct damon_sysfs_array *arr;
	void **slot;
	int n = 0;

	lockdep_assert_held(&damon_sysfs_lock);
	if (kind->teardown)
		kind->teardown(kobj);
	if (kind->item) {
		arr = container_of(kobj, struct damon_sysfs_array, kobj);
		damon_sysfs_array_clear(arr);
	}
	while (kind->subdirs && kind->subdirs[n].name)
		n++;
	/* From the last subdirectory created back to the first. */
	while (n--) {
		slot = damon_sysfs_subdir_slot(kobj, &kind->subdirs[n]);
		if (*slot)
			damon_sysfs_dir_del(*slot);
		*slot = NULL;
	}
	/*
	 * Leave sysfs now, not at the last kobject_put(): a "state" writer
	 * waiting for its kdamond holds a reference, and a new directory of
	 * the same name may be added before that writer returns.
	 */
	kobject_del(kobj);
	kobject_put(kobj);
}

/* === Numbered directories === */

/**
 * damon_sysfs_array_clear() - Remove every child of a numbered directory.
 * @arr:	The numbered directory.
 *
 * Context: Process context, with &damon_sysfs_lock held.  May sleep.
 */
void damon_sysfs_array_clear(struct damon_sysfs_array *arr)
{
	int i;

	lockdep_assert_held(&damon_sysfs_lock);
	for (i = 0; i < arr->nr; i++)
		damon_sysfs_dir_del(arr->items[i]);
	kfree(arr->items);
	arr->items = NULL;
	arr->room = 0;
	WRITE_ONCE(arr->nr, 0);
}

/**
 * damon_sysfs_array_reserve() - Empty a numbered directory and make room
 * for new children.
 * @arr:	The numbered directory.
 * @nr:		How many children damon_sysfs_array_push() may add.
 *
 * Context: Process context, with &damon_sysfs_lock held.  May sleep.
 * Return: 0 on success, -ENOMEM when out of memory.
 */
int damon_sysfs_array_reserve(struct damon_sysfs_array *arr, int nr)
{
	damon_sysfs_array_clear(arr);
	if (!nr)
		return 0;
	arr->items = kmalloc_array(nr, sizeof(*arr->items),
				   GFP_KERNEL | __GFP_NOWARN);
	if (!arr->items)
		return -ENOMEM;
	arr->room = nr;
	return 0;
}

/**
 * damon_sysfs_array_push() - Add the next child of a numbered directory.
 * @arr:	The numbered directory, with room from
 *		damon_sysfs_array_reserve().
 * @item:	The child, from damon_sysfs_dir_new() with the kind of
 *		@arr's children.  It is consumed, also on failure.
 *
 * Context: Process context, with &damon_sysfs_lock held.  May sleep.
 * Return: 0 on success, -ENOSPC if there is no room left, or the error of
 * damon_sysfs_dir_add().
 */
int damon_sysfs_array_push(struct damon_sysfs_array *arr,
			   struct kobject *item)
{
	char name[12];
	int err;

	lockdep_assert_held(&damon_sysfs_lock);
	if (WARN_ON_ONCE(arr->nr >= arr->room)) {
		kobject_put(item);
		return -ENOSPC;
	}
	snprintf(name, sizeof(name), "%d", arr->nr);
	err = damon_sysfs_dir_add(item, &arr->kobj, name);
	if (err)
		return err;
	arr->items[arr->nr] = item;
	WRITE_ONCE(arr->nr, arr->nr + 1);
	return 0;
}

/*
 * Replace the children of @arr by @nr new ones.  The new directories are
 * allocated before the old ones go, so that running out of memory for them
 * (a huge @nr, say) changes nothing.  Only a failure of sysfs while they
 * are added, after the old ones went, leaves @arr empty.
 */
static int damon_sysfs_array_resize(struct damon_sysfs_array *arr, int nr)
{
	const struct damon_sysfs_kind *item_kind =
		damon_sysfs_kind_of(&arr->kobj)->item;
	struct kobject **fresh;
	int i, err = 0;

	if (!nr) {
		damon_sysfs_array_clear(arr);
		return 0;
	}
	fresh = kmalloc_array(nr, sizeof(*fresh), GFP_KERNEL | __GFP_NOWARN);
	if (!fresh)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		fresh[i] = damon_sysfs_dir_new(item_kind, NULL);
		if (!fresh[i]) {
			while (i--)
				kobject_put(fresh[i]);
			kfree(fresh);
			return -ENOMEM;
		}
		cond_resched();
	}
	damon_sysfs_array_clear(arr);
	arr->items = fresh;
	arr->room = nr;
	for (i = 0; i < nr; i++) {
		/* The push consumes fresh[i], which becomes items[i]. */
		if (!err)
			err = damon_sysfs_array_push(arr, fresh[i]);
		else
			kobject_put(fresh[i]);
	}
	if (err)
		damon_sysfs_array_clear(arr);
	return err;
}

/* === min/max ranges === */

static struct damon_sysfs_file damon_sysfs_range_files[] = {
	DAMON_SYSFS_UL("min", struct damon_sysfs_range, min),
	DAMON_SYSFS_UL("max", struct damon_sysfs_range, max),
	{ }
};

/*
 * The kind of every min/max directory.  Its users give the initial bounds
 * with a prototype in their &struct damon_sysfs_subdir.
 */
const struct damon_sysfs_kind damon_sysfs_range_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_range,
			 .files = damon_sysfs_range_files);
