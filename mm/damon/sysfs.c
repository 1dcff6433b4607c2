// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON sysfs interface: /sys/kernel/mm/damon/admin.
 *
 * Map of this file:
 *   - the directories		kdamonds/ down to regions/, as kind tables
 *   - building a damon_ctx	what "on" and "commit" run
 *   - the "state" commands	on, off, commit; the rest is in
 *				sysfs-schemes.c
 *   - kdamonds/<N>/ files	"state" and "pid"
 *   - start-up
 *
 * The directories only keep what the user wrote.  "on" builds a fresh
 * &struct damon_ctx from them and starts it; "commit" builds another one and
 * hands it to the running kdamond through damon_request().  The running
 * context is never touched directly.  A kdamond directory keeps the context
 * it started; if the kdamond ended by itself, that stale context is
 * destroyed the next time the directory is used or when it is removed.
 */

#include <linux/err.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/time64.h>

#include <kunit/visibility.h>

#include "sysfs-common.h"

/* === The directories === */

static struct damon_sysfs_file damon_sysfs_region_files[] = {
	DAMON_SYSFS_UL("start", struct damon_sysfs_region, ar.start),
	DAMON_SYSFS_UL("end", struct damon_sysfs_region, ar.end),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_region_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_region,
			 .files = damon_sysfs_region_files);

static const struct damon_sysfs_kind damon_sysfs_regions_kind =
	DAMON_SYSFS_ARRAY_KIND("nr_regions", &damon_sysfs_region_kind);

static struct damon_sysfs_file damon_sysfs_target_files[] = {
	DAMON_SYSFS_INT("pid_target", struct damon_sysfs_target, pid),
	{ }
};

static const struct damon_sysfs_subdir damon_sysfs_target_subdirs[] = {
	DAMON_SYSFS_SUBDIR("regions", struct damon_sysfs_target, regions,
			   &damon_sysfs_regions_kind),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_target_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_target,
			 .files = damon_sysfs_target_files,
			 .subdirs = damon_sysfs_target_subdirs);

static const struct damon_sysfs_kind damon_sysfs_targets_kind =
	DAMON_SYSFS_ARRAY_KIND("nr_targets", &damon_sysfs_target_kind);

/* The intervals a new context starts with, in microseconds. */
static const struct damon_sysfs_intervals damon_sysfs_intervals_proto = {
	.sample_us = 5 * USEC_PER_MSEC,
	.aggr_us = 100 * USEC_PER_MSEC,
	.update_us = 60 * USEC_PER_SEC,
};

static struct damon_sysfs_file damon_sysfs_intervals_files[] = {
	DAMON_SYSFS_UL("sample_us", struct damon_sysfs_intervals, sample_us),
	DAMON_SYSFS_UL("aggr_us", struct damon_sysfs_intervals, aggr_us),
	DAMON_SYSFS_UL("update_us", struct damon_sysfs_intervals, update_us),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_intervals_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_intervals,
			 .proto = &damon_sysfs_intervals_proto,
			 .files = damon_sysfs_intervals_files);

/* The bounds of the number of regions a new context starts with. */
static const struct damon_sysfs_range damon_sysfs_nr_regions_proto = {
	.min = 10,
	.max = 1000,
};

static const struct damon_sysfs_subdir damon_sysfs_mon_attrs_subdirs[] = {
	DAMON_SYSFS_SUBDIR("intervals", struct damon_sysfs_mon_attrs,
			   intervals, &damon_sysfs_intervals_kind),
	DAMON_SYSFS_SUBDIR("nr_regions", struct damon_sysfs_mon_attrs,
			   nr_regions, &damon_sysfs_range_kind,
			   .proto = &damon_sysfs_nr_regions_proto),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_mon_attrs_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_mon_attrs,
			 .subdirs = damon_sysfs_mon_attrs_subdirs);

/* Keywords of "operations", indexed by &enum damon_ops_id. */
VISIBLE_IF_KUNIT const char * const
damon_sysfs_ops_words[NR_DAMON_OPS + 1] = {
	[DAMON_OPS_VADDR] = "vaddr",
	[DAMON_OPS_FVADDR] = "fvaddr",
	[DAMON_OPS_PADDR] = "paddr",
};
EXPORT_SYMBOL_IF_KUNIT(damon_sysfs_ops_words);

/* "avail_operations": the registered sets, one a line. */
static ssize_t damon_sysfs_avail_ops_show(struct kobject *kobj,
					  struct kobj_attribute *attr,
					  char *buf)
{
	enum damon_ops_id id;
	int len = 0;

	for (id = 0; id < NR_DAMON_OPS; id++) {
		if (damon_is_registered_ops(id))
			len += sysfs_emit_at(buf, len, "%s\n",
					     damon_sysfs_ops_words[id]);
	}
	return len;
}

static const struct damon_sysfs_context damon_sysfs_context_proto = {
	.ops_id = DAMON_OPS_VADDR,
};

static struct damon_sysfs_file damon_sysfs_context_files[] = {
	DAMON_SYSFS_FILE("avail_operations", 0400,
			 damon_sysfs_avail_ops_show, NULL),
	DAMON_SYSFS_WORD("operations", struct damon_sysfs_context, ops_id,
			 damon_sysfs_ops_words),
	{ }
};

static const struct damon_sysfs_subdir damon_sysfs_context_subdirs[] = {
	DAMON_SYSFS_SUBDIR("monitoring_attrs", struct damon_sysfs_context,
			   mon_attrs, &damon_sysfs_mon_attrs_kind),
	DAMON_SYSFS_SUBDIR("targets", struct damon_sysfs_context, targets,
			   &damon_sysfs_targets_kind),
	DAMON_SYSFS_SUBDIR("schemes", struct damon_sysfs_context, schemes,
			   &damon_sysfs_schemes_kind),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_context_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_context,
			 .proto = &damon_sysfs_context_proto,
			 .files = damon_sysfs_context_files,
			 .subdirs = damon_sysfs_context_subdirs);

/*
 * A kdamond runs one context at most.  As in the stock ABI, the directories
 * may be replaced while it runs: the running context does not use them, and
 * the commands that do fail with -EINVAL without one.
 */
static const struct damon_sysfs_kind damon_sysfs_contexts_kind =
	DAMON_SYSFS_ARRAY_KIND("nr_contexts", &damon_sysfs_context_kind,
			       .max_items = 1);

/* kdamonds/<N>/ and kdamonds/ are described at the end of the file. */

/* === Building a damon_ctx from a context directory === */

static int damon_sysfs_set_attrs(struct damon_ctx *ctx,
				 struct damon_sysfs_mon_attrs *dir)
{
	struct damon_attrs attrs = {
		.sample_interval = READ_ONCE(dir->intervals->sample_us),
		.aggr_interval = READ_ONCE(dir->intervals->aggr_us),
		.ops_update_interval = READ_ONCE(dir->intervals->update_us),
		.min_nr_regions = READ_ONCE(dir->nr_regions->min),
		.max_nr_regions = READ_ONCE(dir->nr_regions->max),
	};

	return damon_set_attrs(ctx, &attrs);
}

/*
 * Give @t the regions of a regions/ directory.  They must be non-empty,
 * sorted, and must not overlap; touching is fine.
 */
static int damon_sysfs_set_regions(struct damon_target *t,
				   struct damon_sysfs_array *dir)
{
	struct damon_addr_range *ranges, *prev = NULL;
	struct damon_sysfs_region *region;
	int i, err = 0;

	if (!dir->nr)
		return 0;
	ranges = kmalloc_array(dir->nr, sizeof(*ranges),
			       GFP_KERNEL | __GFP_NOWARN);
	if (!ranges)
		return -ENOMEM;
	for (i = 0; i < dir->nr && !err; i++) {
		region = damon_sysfs_item(dir, i, struct damon_sysfs_region);
		ranges[i].start = READ_ONCE(region->ar.start);
		ranges[i].end = READ_ONCE(region->ar.end);
		if (ranges[i].end <= ranges[i].start ||
		    (prev && ranges[i].start < prev->end))
			err = -EINVAL;
		prev = &ranges[i];
	}
	if (!err)
		err = damon_set_regions(t, ranges, dir->nr);
	kfree(ranges);
	return err;
}

/* A reference to the pid @nr, or NULL if no live task has it. */
static struct pid *damon_sysfs_live_pid(int nr)
{
	struct pid *pid = find_get_pid(nr);
	bool dead;

	if (!pid)
		return NULL;
	rcu_read_lock();
	dead = !pid_task(pid, PIDTYPE_PID);
	rcu_read_unlock();
	if (dead) {
		put_pid(pid);
		pid = NULL;
	}
	return pid;
}

/* Add one target per targets/<N>/ directory to @ctx. */
static int damon_sysfs_set_targets(struct damon_ctx *ctx,
				   struct damon_sysfs_array *dir,
				   bool has_pid)
{
	struct damon_sysfs_target *sys_target;
	struct damon_target *t;
	int i, err;

	for (i = 0; i < dir->nr; i++) {
		sys_target = damon_sysfs_item(dir, i, struct damon_sysfs_target);
		t = damon_new_target();
		if (!t)
			return -ENOMEM;
		if (has_pid) {
			t->pid = damon_sysfs_live_pid(READ_ONCE(sys_target->pid));
			if (!t->pid) {
				damon_destroy_target(t);
				return -EINVAL;
			}
		}
		/* From here on, destroying @ctx frees @t. */
		damon_add_target(ctx, t);
		err = damon_sysfs_set_regions(t, sys_target->regions);
		if (err)
			return err;
	}
	return 0;
}

/**
 * damon_sysfs_ctx_from_dir() - Build a new context from a context directory.
 * @dir:	The contexts/<N>/ directory.
 *
 * Checks everything "on" and "commit" need: a registered operations set,
 * valid attributes, live target processes and sane regions.
 *
 * Context: Process context, with &damon_sysfs_lock held unless @dir is
 * private to the caller.  May sleep.
 * Return: The new context, which the caller destroys, or an ERR_PTR():
 * -EINVAL for an invalid setting, -ENOMEM when out of memory.
 */
VISIBLE_IF_KUNIT struct damon_ctx *
damon_sysfs_ctx_from_dir(struct damon_sysfs_context *dir)
{
	enum damon_ops_id ops_id = READ_ONCE(dir->ops_id);
	struct damon_ctx *ctx;
	int err;

	ctx = damon_new_ctx();
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	err = damon_select_ops(ctx, ops_id);
	if (!err)
		err = damon_sysfs_set_attrs(ctx, dir->mon_attrs);
	if (!err)
		err = damon_sysfs_set_targets(ctx, dir->targets,
					      ops_id != DAMON_OPS_PADDR);
	if (!err)
		err = damon_sysfs_add_schemes(ctx, dir->schemes);
	if (err) {
		damon_destroy_ctx(ctx);
		return ERR_PTR(err);
	}
	return ctx;
}
EXPORT_SYMBOL_IF_KUNIT(damon_sysfs_ctx_from_dir);

/* === The "state" commands === */

/*
 * Tell whether the kdamond of @kdamond runs.  A context whose kdamond ended
 * by itself is destroyed here.
 */
static bool damon_sysfs_kdamond_running(struct damon_sysfs_kdamond *kdamond)
{
	lockdep_assert_held(&damon_sysfs_lock);
	if (kdamond->damon_ctx && !damon_is_running(kdamond->damon_ctx)) {
		damon_destroy_ctx(kdamond->damon_ctx);
		kdamond->damon_ctx = NULL;
		kdamond->stopped = true;
	}
	return kdamond->damon_ctx;
}

/* The one context directory of @kdamond, or NULL if it has not one. */
static struct damon_sysfs_context *
damon_sysfs_kdamond_context(struct damon_sysfs_kdamond *kdamond)
{
	struct damon_sysfs_array *contexts = kdamond->contexts;

	if (contexts->nr != 1)
		return NULL;
	return damon_sysfs_item(contexts, 0, struct damon_sysfs_context);
}

/* Build a context from the context directory of @kdamond. */
static struct damon_ctx *
damon_sysfs_kdamond_build(struct damon_sysfs_kdamond *kdamond)
{
	struct damon_sysfs_context *dir = damon_sysfs_kdamond_context(kdamond);

	return dir ? damon_sysfs_ctx_from_dir(dir) : ERR_PTR(-EINVAL);
}

static int damon_sysfs_turn_on(struct damon_sysfs_kdamond *kdamond)
{
	struct damon_ctx *ctx;
	int err;

	if (damon_sysfs_kdamond_running(kdamond))
		return -EBUSY;
	kdamond->stopped = false;
	ctx = damon_sysfs_kdamond_build(kdamond);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	err = damon_start(&ctx, 1, false);
	if (err)
		damon_destroy_ctx(ctx);
	else
		kdamond->damon_ctx = ctx;
	return err;
}

/*
 * As in the stock ABI, "off" on a kdamond that this directory started and
 * that has stopped since fails with -EPERM, and with -EINVAL if it never
 * started one.
 */
static int damon_sysfs_turn_off(struct damon_sysfs_kdamond *kdamond)
{
	int err;

	if (!damon_sysfs_kdamond_running(kdamond))
		return kdamond->stopped ? -EPERM : -EINVAL;
	err = damon_stop(&kdamond->damon_ctx, 1);
	if (!err) {
		damon_destroy_ctx(kdamond->damon_ctx);
		kdamond->damon_ctx = NULL;
		kdamond->stopped = true;
	}
	return err;
}

/* Called by the kdamond: apply the fresh context @arg to @ctx. */
static int damon_sysfs_commit_fn(struct damon_ctx *ctx, void *arg)
{
	return damon_commit_ctx(ctx, arg);
}

static int damon_sysfs_commit(struct damon_sysfs_kdamond *kdamond)
{
	struct damon_request req = {
		.fn = damon_sysfs_commit_fn,
	};
	struct damon_ctx *fresh;
	int err;

	if (!damon_sysfs_kdamond_running(kdamond))
		return -EINVAL;
	/* nr_contexts cannot change while the kdamond runs. */
	fresh = damon_sysfs_kdamond_build(kdamond);
	if (IS_ERR(fresh))
		return PTR_ERR(fresh);
	req.arg = fresh;
	err = damon_request(kdamond->damon_ctx, &req);
	damon_destroy_ctx(fresh);
	return err ? err : req.result;
}

static const struct damon_sysfs_cmd damon_sysfs_kdamond_cmds[] = {
	{ .word = "on", .run = damon_sysfs_turn_on },
	{ .word = "off", .run = damon_sysfs_turn_off },
	{ .word = "commit", .run = damon_sysfs_commit },
	{ }
};

/*
 * damon_sysfs_find_cmd() - Find the command written to "state".
 *
 * Return: The command, or NULL for an unknown one.
 */
VISIBLE_IF_KUNIT const struct damon_sysfs_cmd *
damon_sysfs_find_cmd(const char *buf)
{
	const struct damon_sysfs_cmd *tables[] = {
		damon_sysfs_kdamond_cmds,
		damon_sysfs_schemes_cmds,
	};
	const struct damon_sysfs_cmd *cmd;
	int i;

	for (i = 0; i < ARRAY_SIZE(tables); i++) {
		for (cmd = tables[i]; cmd->word; cmd++) {
			if (sysfs_streq(buf, cmd->word))
				return cmd;
		}
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(damon_sysfs_find_cmd);

/*
 * damon_sysfs_run_cmd() - Run a "state" command on a kdamond directory.
 *
 * Context: Process context, with &damon_sysfs_lock held.  May sleep.
 * Return: 0 on success, or the error for the writer.
 */
VISIBLE_IF_KUNIT int damon_sysfs_run_cmd(struct damon_sysfs_kdamond *kdamond,
					 const struct damon_sysfs_cmd *cmd)
{
	struct damon_sysfs_context *dir;

	lockdep_assert_held(&damon_sysfs_lock);
	if (cmd->run)
		return cmd->run(kdamond);
	if (!damon_sysfs_kdamond_running(kdamond))
		return -EINVAL;
	dir = damon_sysfs_kdamond_context(kdamond);
	if (!dir)
		return -EINVAL;
	return cmd->run_schemes(kdamond->damon_ctx, dir->schemes);
}
EXPORT_SYMBOL_IF_KUNIT(damon_sysfs_run_cmd);

/* === kdamonds/<N>/ and kdamonds/ === */

static struct damon_sysfs_kdamond *to_kdamond(struct kobject *kobj)
{
	return container_of(kobj, struct damon_sysfs_kdamond, kobj);
}

static ssize_t damon_sysfs_state_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	bool on;

	/* See damon_sysfs_lock for why this does not wait. */
	scoped_cond_guard(mutex_try, return -EBUSY, &damon_sysfs_lock)
		on = damon_sysfs_kdamond_running(to_kdamond(kobj));
	return sysfs_emit(buf, "%s\n", on ? "on" : "off");
}

static ssize_t damon_sysfs_state_store(struct kobject *kobj,
				       struct kobj_attribute *attr,
				       const char *buf, size_t count)
{
	const struct damon_sysfs_cmd *cmd = damon_sysfs_find_cmd(buf);
	int err;

	if (!cmd)
		return -EINVAL;
	scoped_cond_guard(mutex_try, return -EBUSY, &damon_sysfs_lock)
		err = damon_sysfs_run_cmd(to_kdamond(kobj), cmd);
	return err ? err : count;
}

static ssize_t damon_sysfs_pid_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_kdamond *kdamond = to_kdamond(kobj);
	int pid = -1;

	scoped_cond_guard(mutex_try, return -EBUSY, &damon_sysfs_lock) {
		if (damon_sysfs_kdamond_running(kdamond))
			pid = damon_kdamond_pid(kdamond->damon_ctx);
	}
	return sysfs_emit(buf, "%d\n", pid);
}

/* Drop the context the directory kept; the caller made sure it stopped. */
static void damon_sysfs_kdamond_teardown(struct kobject *kobj)
{
	struct damon_sysfs_kdamond *kdamond = to_kdamond(kobj);

	if (kdamond->damon_ctx)
		damon_destroy_ctx(kdamond->damon_ctx);
	kdamond->damon_ctx = NULL;
}

static struct damon_sysfs_file damon_sysfs_kdamond_files[] = {
	DAMON_SYSFS_FILE("state", 0600, damon_sysfs_state_show,
			 damon_sysfs_state_store),
	DAMON_SYSFS_FILE("pid", 0400, damon_sysfs_pid_show, NULL),
	{ }
};

static const struct damon_sysfs_subdir damon_sysfs_kdamond_subdirs[] = {
	DAMON_SYSFS_SUBDIR("contexts", struct damon_sysfs_kdamond, contexts,
			   &damon_sysfs_contexts_kind),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_kdamond_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_kdamond,
			 .files = damon_sysfs_kdamond_files,
			 .subdirs = damon_sysfs_kdamond_subdirs,
			 .teardown = damon_sysfs_kdamond_teardown);

/* kdamonds/<N>/ directories go only while none of them runs. */
static bool damon_sysfs_kdamonds_busy(struct damon_sysfs_array *kdamonds)
{
	int i;

	for (i = 0; i < kdamonds->nr; i++) {
		if (damon_sysfs_kdamond_running(to_kdamond(kdamonds->items[i])))
			return true;
	}
	return false;
}

static const struct damon_sysfs_kind damon_sysfs_kdamonds_kind =
	DAMON_SYSFS_ARRAY_KIND("nr_kdamonds", &damon_sysfs_kdamond_kind,
			       .busy = damon_sysfs_kdamonds_busy);

/* === Start-up === */

static int __init damon_sysfs_init(void)
{
	struct kobject *damon, *admin, *kdamonds;
	int err = -ENOMEM;

	damon = kobject_create_and_add("damon", mm_kobj);
	if (!damon)
		return err;
	admin = kobject_create_and_add("admin", damon);
	if (!admin)
		goto put_damon;
	kdamonds = damon_sysfs_dir_new(&damon_sysfs_kdamonds_kind, NULL);
	if (!kdamonds)
		goto put_admin;
	/* Directories come and go under the lock, even this early. */
	scoped_guard(mutex, &damon_sysfs_lock)
		err = damon_sysfs_dir_add(kdamonds, admin, "kdamonds");
	if (err)
		goto put_admin;
	return 0;

put_admin:
	kobject_put(admin);
put_damon:
	kobject_put(damon);
	return err;
}
subsys_initcall(damon_sysfs_init);
