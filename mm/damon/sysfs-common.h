/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DAMON sysfs interface: the machinery its directories share, and the
 * directory structures that sysfs.c, sysfs-schemes.c and the KUnit suite
 * use.
 *
 * Directories are data.  Each one is a structure that starts with its
 * kobject and is described by a &struct damon_sysfs_kind: the table of its
 * files, the table of its fixed subdirectories and, for a numbered directory
 * (kdamonds/, targets/, schemes/, ...), the kind of its numbered children.
 * sysfs-common.c allocates, populates, removes and frees every directory from
 * that description, and one pair of show and store handlers serves every
 * file that just holds a number, a flag or a keyword.
 *
 * The structures only keep what the user wrote, plus what the scheme
 * commands copy out of a running context.  "on" and "commit" build a fresh
 * &struct damon_ctx from them (damon_sysfs_ctx_from_dir()); a running
 * kdamond never reads them.
 */

#ifndef _MM_DAMON_SYSFS_COMMON_H
#define _MM_DAMON_SYSFS_COMMON_H

#include <linux/array_size.h>
#include <linux/build_bug.h>
#include <linux/container_of.h>
#include <linux/damon.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>

/*
 * Serialises state changes and the creation and removal of directories.
 *
 * Removing a kobject waits for the show and store handlers of the files below
 * it to return.  A handler that blocked on this mutex while the remover holds
 * it would therefore deadlock, so every handler takes it with
 * mutex_trylock() and fails with -EBUSY when it is busy.  The one exception
 * is a "state" command that copies results in after waiting for the
 * kdamond: it has given up its protection against removal first.  Nobody
 * waits for a kdamond with this mutex held.  Files that only hold a value
 * never take it.
 */
extern struct mutex damon_sysfs_lock;

/* === Files === */

/**
 * enum damon_sysfs_fmt - How a value file reads and writes its value.
 * @DAMON_SYSFS_FMT_UL:		An unsigned long, in decimal.
 * @DAMON_SYSFS_FMT_UINT:	An unsigned int, in decimal.
 * @DAMON_SYSFS_FMT_INT:	An int, in decimal.
 * @DAMON_SYSFS_FMT_BOOL:	A bool, read as "Y" or "N", written as anything
 *				kstrtobool() takes.
 * @DAMON_SYSFS_FMT_WORD:	An enum, read and written as one of the
 *				keywords of &damon_sysfs_file.words.
 * @DAMON_SYSFS_FMT_NR:		The number of children of a numbered
 *				directory.  Writing it replaces them all.
 */
enum damon_sysfs_fmt {
	DAMON_SYSFS_FMT_UL,
	DAMON_SYSFS_FMT_UINT,
	DAMON_SYSFS_FMT_INT,
	DAMON_SYSFS_FMT_BOOL,
	DAMON_SYSFS_FMT_WORD,
	DAMON_SYSFS_FMT_NR,
};

/**
 * struct damon_sysfs_file - A file of a directory.
 * @kattr:	The attribute.  Value files use damon_sysfs_val_show() and,
 *		unless read-only, damon_sysfs_val_store(); other files bring
 *		their own handlers.
 * @offset:	Offset of the value in the directory structure.  The value is
 *		an unsigned long for %DAMON_SYSFS_FMT_UL, an unsigned int for
 *		%DAMON_SYSFS_FMT_UINT, a bool for %DAMON_SYSFS_FMT_BOOL, and an
 *		int or an enum otherwise.
 * @fmt:	How the value is read and written.
 * @words:	The keywords of a %DAMON_SYSFS_FMT_WORD value, indexed by
 *		the value and ended by NULL.
 *
 * Value files neither take &damon_sysfs_lock nor check their value against
 * others: readers use READ_ONCE(), and "on" and "commit" validate.  Tables
 * of files end with an entry whose name is NULL.
 */
struct damon_sysfs_file {
	struct kobj_attribute kattr;
	size_t offset;
	enum damon_sysfs_fmt fmt;
	const char * const *words;
};

ssize_t damon_sysfs_val_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf);
ssize_t damon_sysfs_val_store(struct kobject *kobj,
			      struct kobj_attribute *attr, const char *buf,
			      size_t count);

#define __DAMON_SYSFS_ATTR(_name, _mode, _show, _store)			\
	.kattr = {							\
		.attr = { .name = _name, .mode = _mode },		\
		.show = _show,						\
		.store = _store,					\
	}

/*
 * The handlers reach a value through &damon_sysfs_file.offset alone, so the
 * table macros check, at build time, that the member has the type the
 * format reads and writes: a table entry naming a member of another type
 * does not compile, instead of reading or writing past it.  The member is
 * the variable argument, a designator such as "ar.start" or "permil[0]".
 */

/* Offset of the member of @_type, which must be of type @_ctype. */
#define __DAMON_SYSFS_OFFSET(_ctype, _type, ...)			\
	(offsetof(_type, __VA_ARGS__) +					\
	 BUILD_BUG_ON_ZERO(!__builtin_types_compatible_p(		\
			typeof_member(_type, __VA_ARGS__), _ctype)))

/*
 * Offset of the enum member of @_type.  Keyword files read and write it as an
 * int; the compiler picks an enum's underlying type, so only the size is
 * checked.
 */
#define __DAMON_SYSFS_ENUM_OFFSET(_type, ...)				\
	(offsetof(_type, __VA_ARGS__) +					\
	 BUILD_BUG_ON_ZERO(sizeof_field(_type, __VA_ARGS__) != sizeof(int)))

#define __DAMON_SYSFS_VAL(_name, _mode, _store, _offset, _fmt, ...)	\
	{								\
		__DAMON_SYSFS_ATTR(_name, _mode, damon_sysfs_val_show,	\
				   _store),				\
		.offset = _offset,					\
		.fmt = _fmt,						\
		__VA_ARGS__						\
	}
#define __DAMON_SYSFS_RW(_name, _offset, _fmt, ...)			\
	__DAMON_SYSFS_VAL(_name, 0600, damon_sysfs_val_store, _offset,	\
			  _fmt, __VA_ARGS__)

/* A read-write unsigned long file. */
#define DAMON_SYSFS_UL(_name, _type, _member)				\
	__DAMON_SYSFS_RW(_name,						\
		__DAMON_SYSFS_OFFSET(unsigned long, _type, _member),	\
		DAMON_SYSFS_FMT_UL)
/* A read-only unsigned long file. */
#define DAMON_SYSFS_UL_RO(_name, _type, _member)			\
	__DAMON_SYSFS_VAL(_name, 0400, NULL,				\
		__DAMON_SYSFS_OFFSET(unsigned long, _type, _member),	\
		DAMON_SYSFS_FMT_UL)
/* A read-write unsigned int file. */
#define DAMON_SYSFS_UINT(_name, _type, _member)				\
	__DAMON_SYSFS_RW(_name,						\
		__DAMON_SYSFS_OFFSET(unsigned int, _type, _member),	\
		DAMON_SYSFS_FMT_UINT)
/* A read-write int file. */
#define DAMON_SYSFS_INT(_name, _type, _member)				\
	__DAMON_SYSFS_RW(_name,						\
		__DAMON_SYSFS_OFFSET(int, _type, _member),		\
		DAMON_SYSFS_FMT_INT)
/* A read-write "Y"/"N" file. */
#define DAMON_SYSFS_BOOL(_name, _type, _member)				\
	__DAMON_SYSFS_RW(_name,						\
		__DAMON_SYSFS_OFFSET(bool, _type, _member),		\
		DAMON_SYSFS_FMT_BOOL)
/* A read-write keyword file; @_words is indexed by the enum @_member. */
#define DAMON_SYSFS_WORD(_name, _type, _member, _words)			\
	__DAMON_SYSFS_RW(_name, __DAMON_SYSFS_ENUM_OFFSET(_type, _member), \
			 DAMON_SYSFS_FMT_WORD, .words = _words)
/* The "nr_*" file of a numbered directory. */
#define DAMON_SYSFS_NR(_name)						\
	__DAMON_SYSFS_RW(_name,						\
		__DAMON_SYSFS_OFFSET(int, struct damon_sysfs_array, nr),	\
		DAMON_SYSFS_FMT_NR)
/* A file with handlers of its own. */
#define DAMON_SYSFS_FILE(_name, _mode, _show, _store)			\
	{ __DAMON_SYSFS_ATTR(_name, _mode, _show, _store) }

int damon_sysfs_find_word(const char *buf, const char * const *words);
int damon_sysfs_parse_nr(const char *buf, int *nr);

/* === Directories === */

struct damon_sysfs_array;

/**
 * struct damon_sysfs_subdir - A fixed subdirectory of a directory.
 * @name:	Its name.
 * @kind:	Its kind.
 * @proto:	Its initial values, or NULL for those of @kind.
 * @offset:	Offset, in the parent structure, of the pointer to it.
 *
 * Tables of subdirectories end with an entry whose name is NULL.
 */
struct damon_sysfs_subdir {
	const char *name;
	const struct damon_sysfs_kind *kind;
	const void *proto;
	size_t offset;
};

/* Subdirectory @_name of kind @_kind, pointed to by @_member of @_type. */
#define DAMON_SYSFS_SUBDIR(_name, _type, _member, _kind, ...)		\
	{								\
		.name = _name,						\
		.kind = _kind,						\
		.offset = offsetof(_type, _member),			\
		__VA_ARGS__						\
	}

/**
 * struct damon_sysfs_kind - What one kind of directory looks like.
 * @ktype:	Its kobj_type.  Every kind shares the release function and
 *		the sysfs operations; DAMON_SYSFS_KIND() fills both in.
 * @size:	Size of the structure, whose first member is the kobject.
 * @proto:	Initial values of a new directory, with a zeroed kobject, or
 *		NULL to start from zeroes.
 * @files:	Its files, or NULL for none.
 * @bin_files:	Its binary files, whose contents may exceed a page and are
 *		read at an offset, ended by NULL, or NULL for none.
 * @subdirs:	Its fixed subdirectories, or NULL for none.  They are
 *		created in this order and removed in the reverse one.
 * @item:	For a numbered directory, the kind of its children; the
 *		structure then starts with a &struct damon_sysfs_array.
 * @max_items:	For a numbered directory, the most children it may have, or
 *		0 for no limit.  Larger numbers are refused with -EINVAL.
 * @busy:	Optional, for a numbered directory.  Called with
 *		&damon_sysfs_lock held before its children are replaced; if it
 *		returns true, they are not, and the write fails with -EBUSY.
 * @teardown:	Optional.  Called with &damon_sysfs_lock held right before
 *		the directory is removed, to drop what it holds besides
 *		directories.
 * @release:	Optional.  Called when the last reference goes, before the
 *		structure is freed, to free memory the structure owns.
 *
 * The hooks take the kobject of the directory; container_of() gives the
 * structure.
 */
struct damon_sysfs_kind {
	const struct kobj_type ktype;
	size_t size;
	const void *proto;
	struct damon_sysfs_file *files;
	const struct bin_attribute *const *bin_files;
	const struct damon_sysfs_subdir *subdirs;
	const struct damon_sysfs_kind *item;
	int max_items;
	bool (*busy)(struct damon_sysfs_array *arr);
	void (*teardown)(struct kobject *kobj);
	void (*release)(struct kobject *kobj);
};

void damon_sysfs_release(struct kobject *kobj);

/*
 * Describe a kind of directory whose structure is @_type and whose kobject
 * is @_kobj, which must be the first thing in @_type.
 */
#define DAMON_SYSFS_KIND_AT(_type, _kobj, ...)				\
	{								\
		.ktype = {						\
			.release = damon_sysfs_release,			\
			.sysfs_ops = &kobj_sysfs_ops,			\
		},							\
		.size = sizeof(_type) +					\
			BUILD_BUG_ON_ZERO(offsetof(_type, _kobj)),	\
		__VA_ARGS__						\
	}
#define DAMON_SYSFS_KIND(_type, ...)					\
	DAMON_SYSFS_KIND_AT(_type, kobj, __VA_ARGS__)

/*
 * Describe a numbered directory whose "nr_*" file is @_nr_file and whose
 * children are of kind @_item.
 */
#define DAMON_SYSFS_ARRAY_KIND(_nr_file, _item, ...)			\
	DAMON_SYSFS_KIND(struct damon_sysfs_array,			\
		.files = (struct damon_sysfs_file []) {			\
			DAMON_SYSFS_NR(_nr_file),			\
			{ }						\
		},							\
		.item = _item,						\
		__VA_ARGS__)

struct kobject *damon_sysfs_dir_new(const struct damon_sysfs_kind *kind,
				    const void *proto);
int damon_sysfs_dir_add(struct kobject *kobj, struct kobject *parent,
			const char *name);
void damon_sysfs_dir_del(struct kobject *kobj);

/**
 * struct damon_sysfs_array - A numbered directory: children named 0, 1, ...
 * @kobj:	The kobject of the directory.
 * @items:	The kobjects of the children, in order.
 * @nr:		Number of children, the value of its "nr_*" file.
 * @room:	Number of entries allocated in @items.
 *
 * Children are added and removed only with &damon_sysfs_lock held.
 */
struct damon_sysfs_array {
	struct kobject kobj;
	struct kobject **items;
	int nr;
	int room;
};

/* The structure of type @type of child @i of @arr. */
#define damon_sysfs_item(arr, i, type)					\
	container_of((arr)->items[i], type, kobj)

void damon_sysfs_array_clear(struct damon_sysfs_array *arr);
int damon_sysfs_array_reserve(struct damon_sysfs_array *arr, int nr);
int damon_sysfs_array_push(struct damon_sysfs_array *arr,
			   struct kobject *item);

/**
 * struct damon_sysfs_range - A directory with a closed range of unsigned
 * longs, in files "min" and "max".
 * @kobj:	The kobject of the directory.
 * @min:	Value of "min".
 * @max:	Value of "max".
 */
struct damon_sysfs_range {
	struct kobject kobj;
	unsigned long min;
	unsigned long max;
};

extern const struct damon_sysfs_kind damon_sysfs_range_kind;

/* === The monitoring directories (sysfs.c) === */

/**
 * struct damon_sysfs_region - A regions/<N>/ directory.
 * @kobj:	The kobject of the directory.
 * @ar:		Values of "start" and "end".
 */
struct damon_sysfs_region {
	struct kobject kobj;
	struct damon_addr_range ar;
};

/**
 * struct damon_sysfs_target - A targets/<N>/ directory.
 * @kobj:	The kobject of the directory.
 * @pid:	Value of "pid_target".
 * @regions:	The regions/ directory, of &struct damon_sysfs_region.
 */
struct damon_sysfs_target {
	struct kobject kobj;
	int pid;
	struct damon_sysfs_array *regions;
};

/**
 * struct damon_sysfs_intervals_goal - The intervals/intervals_goal/
 * directory, an extension from later kernels.
 * @kobj:	The kobject of the directory.
 * @goal:	Values of "access_bp", "aggrs", "min_sample_us" and
 *		"max_sample_us".
 */
struct damon_sysfs_intervals_goal {
	struct kobject kobj;
	struct damon_intervals_goal goal;
};

/**
 * struct damon_sysfs_intervals - The monitoring_attrs/intervals/ directory.
 * @kobj:	The kobject of the directory.
 * @sample_us:	Value of "sample_us".
 * @aggr_us:	Value of "aggr_us".
 * @update_us:	Value of "update_us".
 * @goal:	The intervals_goal/ directory.
 */
struct damon_sysfs_intervals {
	struct kobject kobj;
	unsigned long sample_us;
	unsigned long aggr_us;
	unsigned long update_us;
	struct damon_sysfs_intervals_goal *goal;
};

/**
 * struct damon_sysfs_mon_attrs - The monitoring_attrs/ directory.
 * @kobj:	The kobject of the directory.
 * @intervals:	The intervals/ directory.
 * @nr_regions:	The nr_regions/ directory.
 */
struct damon_sysfs_mon_attrs {
	struct kobject kobj;
	struct damon_sysfs_intervals *intervals;
	struct damon_sysfs_range *nr_regions;
};

/**
 * struct damon_sysfs_context - A contexts/<N>/ directory.
 * @kobj:	The kobject of the directory.
 * @ops_id:	Value of "operations".
 * @mon_attrs:	The monitoring_attrs/ directory.
 * @targets:	The targets/ directory, of &struct damon_sysfs_target.
 * @schemes:	The schemes/ directory, of &struct damon_sysfs_scheme.
 */
struct damon_sysfs_context {
	struct kobject kobj;
	enum damon_ops_id ops_id;
	struct damon_sysfs_mon_attrs *mon_attrs;
	struct damon_sysfs_array *targets;
	struct damon_sysfs_array *schemes;
};

/**
 * struct damon_sysfs_kdamond - A kdamonds/<N>/ directory.
 * @kobj:	The kobject of the directory.
 * @contexts:	The contexts/ directory, of &struct damon_sysfs_context.
 * @damon_ctx:	The context this directory last started, or NULL.  It may
 *		have stopped by itself since.  Protected by damon_sysfs_ctx_lock
 *		of sysfs.c.
 * @stopped:	Whether the last "on" started a kdamond that has stopped
 *		since, by "off" or by itself: "off" then fails with -EPERM
 *		rather than -EINVAL.  Protected by damon_sysfs_ctx_lock.
 */
struct damon_sysfs_kdamond {
	struct kobject kobj;
	struct damon_sysfs_array *contexts;
	struct damon_ctx *damon_ctx;
	bool stopped;
};

/**
 * struct damon_sysfs_cmd - A command of a kdamond's "state" file.
 * @word:	What the user writes.
 * @run:	Runs a command on the kdamond directory itself ("on",
 *		"off"), which takes the locks it needs.
 * @run_dir:	Runs a command on the directories of the context @dir alone,
 *		with &damon_sysfs_lock held.  Fails with -EINVAL without being
 *		called if the kdamond does not run.
 * @prepare:	For a command the kdamond runs: fills in &damon_request.fn,
 *		&damon_request.arg and maybe &damon_request.walk_fn of @req
 *		from the context @dir, with &damon_sysfs_lock held.  The
 *		command fails with -EINVAL without calling it if the kdamond
 *		does not run.
 * @publish:	Optional, with @prepare: copies into @dir what the kdamond
 *		left in &damon_request.arg of @req, with &damon_sysfs_lock
 *		held.  Called only if the kdamond called the request's
 *		function and it returned 0.
 * @release:	With @prepare: frees what @prepare allocated for @req.  Called
 *		last, without any lock held.
 *
 * A command has one of @run, @run_dir and @prepare, and they return 0 or an
 * error for the writer.  The writer of a @prepare command waits for the
 * kdamond without holding any lock, so the request must not touch the
 * directories: it works on what @prepare copied out of them, and @publish
 * copies its results back.
 */
struct damon_sysfs_cmd {
	const char *word;
	int (*run)(struct damon_sysfs_kdamond *kdamond);
	int (*run_dir)(struct damon_sysfs_context *dir);
	int (*prepare)(struct damon_sysfs_context *dir,
		       struct damon_request *req);
	int (*publish)(struct damon_sysfs_context *dir,
		       struct damon_request *req);
	void (*release)(struct damon_request *req);
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
	struct damon_sysfs_range *sz;
	struct damon_sysfs_range *nr_accesses;
	struct damon_sysfs_range *age;
};

/**
 * struct damon_sysfs_weights - The quotas/weights/ directory.
 * @kobj:		The kobject of the directory.
 * @permil:		Values of "sz_permil", "nr_accesses_permil" and
 *			"age_permil", in this order.
 */
struct damon_sysfs_weights {
	struct kobject kobj;
	unsigned int permil[3];
};

/**
 * struct damon_sysfs_quota_goal - A quotas/goals/<N>/ directory.
 * @kobj:	The kobject of the directory.
 * @goal:	Values of "target_metric", "target_value" and
 *		"current_value", in the public fields of a quota goal.
 */
struct damon_sysfs_quota_goal {
	struct kobject kobj;
	struct damos_quota_goal goal;
};

/**
 * struct damon_sysfs_quotas - The quotas/ directory.
 * @kobj:		The kobject of the directory.
 * @time_ms:		Value of "ms".
 * @bytes:		Value of "bytes".
 * @reset_ms:		Value of "reset_interval_ms".
 * @effective_bytes:	Value of "effective_bytes", copied from the running
 *			scheme by update_schemes_effective_quotas.
 * @weights:		The weights/ directory.
 * @goals:		The goals/ directory, of
 *			&struct damon_sysfs_quota_goal.
 */
struct damon_sysfs_quotas {
	struct kobject kobj;
	unsigned long time_ms;
	unsigned long bytes;
	unsigned long reset_ms;
	unsigned long effective_bytes;
	struct damon_sysfs_weights *weights;
	struct damon_sysfs_array *goals;
};

/**
 * struct damon_sysfs_watermarks - The watermarks/ directory.
 * @kobj:	The kobject of the directory.
 * @wm:		Values of its files, in the public fields of a set of
 *		watermarks.
 */
struct damon_sysfs_watermarks {
	struct kobject kobj;
	struct damos_watermarks wm;
};

/**
 * struct damon_sysfs_filter - A filters/<N>/ directory.
 * @kobj:		The kobject of the directory.
 * @type:		Value of "type".
 * @matching:		Value of "matching".
 * @allow:		Value of "allow", an extension of the 6.12 ABI from
 *			later kernels.
 * @target_idx:		Value of "damon_target_idx".
 * @range:		Values of "addr_start" and "addr_end".
 * @sz_range:		Values of "min" and "max", an extension of the 6.12
 *			ABI from later kernels.
 * @memcg_path:		Value of "memcg_path", or NULL when empty.
 *			Protected by a mutex of sysfs-schemes.c.
 */
struct damon_sysfs_filter {
	struct kobject kobj;
	enum damos_filter_type type;
	bool matching;
	bool allow;
	int target_idx;
	struct damon_addr_range range;
	struct damon_size_range sz_range;
	char *memcg_path;
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
 * struct damon_sysfs_tried_region - A tried_regions/<N>/ directory.
 * @kobj:		The kobject of the directory.
 * @ar:			Values of "start" and "end".
 * @nr_accesses:	Value of "nr_accesses".
 * @age:		Value of "age".
 * @sz_filter_passed:	Value of "sz_filter_passed".
 * @list:		Link in the list a tried-regions walk collects,
 *			before the directory is added.
 */
struct damon_sysfs_tried_region {
	struct kobject kobj;
	struct damon_addr_range ar;
	unsigned long nr_accesses;
	unsigned long age;
	unsigned long sz_filter_passed;
	struct list_head list;
};

/*
 * Longest line of tried_regions/table: five unsigned longs of up to 20
 * digits, each followed by a space or, the last one, a newline.
 */
#define DAMON_SYSFS_TRIED_LINE_MAX	(5 * 21)

/*
 * Longest first line of tried_regions/table, "# generation G regions N": G
 * has up to 20 digits, N up to 10.
 */
#define DAMON_SYSFS_TRIED_HEADER_MAX	64

/**
 * struct damon_sysfs_tried_regions - The tried_regions/ directory.
 * @arr:		The numbered directory, of
 *			&struct damon_sysfs_tried_region.
 * @total_bytes:	Value of "total_bytes".
 * @table:		Contents of "table": a header line, then one line per
 *			numbered directory, in order; NULL when there is no
 *			directory.  Protected by
 *			damon_sysfs_tried_table_lock of sysfs-schemes.c.
 * @table_len:		Length of @table.  Protected likewise.
 */
struct damon_sysfs_tried_regions {
	struct damon_sysfs_array arr;
	unsigned long total_bytes;
	char *table;
	size_t table_len;
};

/**
 * struct damon_sysfs_scheme - A schemes/<N>/ directory.
 * @kobj:		The kobject of the directory.
 * @action:		Value of "action".
 * @target_nid:		Value of "target_nid".
 * @apply_interval_us:	Value of "apply_interval_us".
 * @access_pattern:	The access_pattern/ directory.
 * @quotas:		The quotas/ directory.
 * @watermarks:		The watermarks/ directory.
 * @filters:		The filters/ directory, of &struct damon_sysfs_filter.
 * @core_filters:	The core_filters/ directory, likewise, for filters of
 *			the core only (an extension from later kernels).
 * @ops_filters:	The ops_filters/ directory, likewise, for filters of
 *			the operations set only (likewise).
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
	struct damon_sysfs_array *filters;
	struct damon_sysfs_array *core_filters;
	struct damon_sysfs_array *ops_filters;
	struct damon_sysfs_stats *stats;
	struct damon_sysfs_tried_regions *tried_regions;
};

extern const struct damon_sysfs_kind damon_sysfs_schemes_kind;
extern const struct damon_sysfs_cmd damon_sysfs_schemes_cmds[];

int damon_sysfs_add_schemes(struct damon_ctx *ctx,
			    struct damon_sysfs_array *schemes);

#if IS_ENABLED(CONFIG_KUNIT)
extern const char * const damon_sysfs_ops_words[];
const struct damon_sysfs_cmd *damon_sysfs_find_cmd(const char *buf);
int damon_sysfs_run_cmd(struct damon_sysfs_kdamond *kdamond,
			const struct damon_sysfs_cmd *cmd);
struct damon_ctx *damon_sysfs_ctx_from_dir(struct damon_sysfs_context *dir);
struct damos *damon_sysfs_scheme_from_dir(struct damon_sysfs_scheme *dir);
size_t damon_sysfs_tried_table_fill(struct damon_sysfs_array *arr, u64 gen,
				    char *buf, size_t size);
ssize_t damon_sysfs_tried_table_read(struct file *file, struct kobject *kobj,
				     struct bin_attribute *attr, char *buf,
				     loff_t off, size_t count);
#endif

#endif	/* _MM_DAMON_SYSFS_COMMON_H */
