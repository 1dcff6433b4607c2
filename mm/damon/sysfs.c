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
 * hands it to the running kdamond through a &struct damon_request.  The
 * running context is never touched directly.  A kdamond directory keeps the
 * context it started; if the kdamond ended by itself, that stale context is
 * destroyed the next time the directory is used or when it is removed.
 *
 * No handler waits for a kdamond with a lock held: a command the kdamond
 * carries out is queued under the locks, and waited for after they are
 * dropped.  "off" needs only the lock of the context pointers, so it works
 * whatever other writers do.
 */

#include <linux/err.h>
#include <linux/kernfs.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/time64.h>
#include <linux/workqueue.h>

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

/* A new goal, all zero, turns the auto-tuning off. */
static struct damon_sysfs_file damon_sysfs_intervals_goal_files[] = {
	DAMON_SYSFS_UL("access_bp", struct damon_sysfs_intervals_goal,
		       goal.access_bp),
	DAMON_SYSFS_UL("aggrs", struct damon_sysfs_intervals_goal, goal.aggrs),
	DAMON_SYSFS_UL("min_sample_us", struct damon_sysfs_intervals_goal,
		       goal.min_sample_us),
	DAMON_SYSFS_UL("max_sample_us", struct damon_sysfs_intervals_goal,
		       goal.max_sample_us),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_intervals_goal_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_intervals_goal,
			 .files = damon_sysfs_intervals_goal_files);

static struct damon_sysfs_file damon_sysfs_intervals_files[] = {
	DAMON_SYSFS_UL("sample_us", struct damon_sysfs_intervals, sample_us),
	DAMON_SYSFS_UL("aggr_us", struct damon_sysfs_intervals, aggr_us),
	DAMON_SYSFS_UL("update_us", struct damon_sysfs_intervals, update_us),
	{ }
};

static const struct damon_sysfs_subdir damon_sysfs_intervals_subdirs[] = {
	DAMON_SYSFS_SUBDIR("intervals_goal", struct damon_sysfs_intervals,
			   goal, &damon_sysfs_intervals_goal_kind),
	{ }
};

static const struct damon_sysfs_kind damon_sysfs_intervals_kind =
	DAMON_SYSFS_KIND(struct damon_sysfs_intervals,
			 .proto = &damon_sysfs_intervals_proto,
			 .files = damon_sysfs_intervals_files,
			 .subdirs = damon_sysfs_intervals_subdirs);

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
	struct damon_intervals_goal *goal = &dir->intervals->goal->goal;
	struct damon_attrs attrs = {
		.sample_interval = READ_ONCE(dir->intervals->sample_us),
		.aggr_interval = READ_ONCE(dir->intervals->aggr_us),
		.ops_update_interval = READ_ONCE(dir->intervals->update_us),
		.min_nr_regions = READ_ONCE(dir->nr_regions->min),
		.max_nr_regions = READ_ONCE(dir->nr_regions->max),
		.intervals_goal = {
			.access_bp = READ_ONCE(goal->access_bp),
			.aggrs = READ_ONCE(goal->aggrs),
			.min_sample_us = READ_ONCE(goal->min_sample_us),
			.max_sample_us = READ_ONCE(goal->max_sample_us),
		},
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
			int nr = READ_ONCE(sys_target->pid);

			t->pid = damon_find_target_pid(nr);
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
 * Protects &damon_sysfs_kdamond.damon_ctx of every kdamond directory.
 *
 * Taken inside &damon_sysfs_lock where both are needed, but also alone, and
 * then with mutex_lock(): it is held only for short sections that never
 * wait for a kdamond's work nor for sysfs (checking whether a context runs,
 * starting it, detaching it, queueing a request on it).  "off" and the
 * reads of "state" and "pid" take this lock only, so that they work
 * whatever another writer holding &damon_sysfs_lock does.
 */
static DEFINE_MUTEX(damon_sysfs_ctx_lock);

/* A stopped context that "off" leaves to a worker to free. */
struct damon_sysfs_stopped_ctx {
	struct work_struct work;
	struct damon_ctx *ctx;
};

static void damon_sysfs_free_ctx_fn(struct work_struct *work)
{
	struct damon_sysfs_stopped_ctx *stopped =
		container_of(work, struct damon_sysfs_stopped_ctx, work);

	damon_destroy_ctx(stopped->ctx);
	kfree(stopped);
}

/*
 * Free the stopped context @ctx in a worker: with many regions that takes
 * long (200,000 regions, 17 s on a KASAN kernel under emulation), and "off"
 * must return as soon as the kdamond has stopped.  Without memory for the
 * work item, free it here.
 */
static void damon_sysfs_free_ctx(struct damon_ctx *ctx)
{
	struct damon_sysfs_stopped_ctx *stopped;

	stopped = kmalloc(sizeof(*stopped), GFP_KERNEL);
	if (!stopped) {
		damon_destroy_ctx(ctx);
		return;
	}
	stopped->ctx = ctx;
	INIT_WORK(&stopped->work, damon_sysfs_free_ctx_fn);
	queue_work(system_unbound_wq, &stopped->work);
}

/*
 * Tell whether the kdamond of @kdamond runs.  A context whose kdamond ended
 * by itself is destroyed here.
 */
static bool damon_sysfs_kdamond_running(struct damon_sysfs_kdamond *kdamond)
{
	lockdep_assert_held(&damon_sysfs_ctx_lock);
	if (kdamond->damon_ctx && !damon_is_running(kdamond->damon_ctx)) {
		damon_sysfs_free_ctx(kdamond->damon_ctx);
		kdamond->damon_ctx = NULL;
		kdamond->stopped = true;
	}
	return kdamond->damon_ctx;
}

/* damon_sysfs_kdamond_running() for a caller without damon_sysfs_ctx_lock. */
static bool damon_sysfs_kdamond_on(struct damon_sysfs_kdamond *kdamond)
{
	guard(mutex)(&damon_sysfs_ctx_lock);
	return damon_sysfs_kdamond_running(kdamond);
}

/*
 * The one context directory of @kdamond, or NULL if it has not one (or no
 * longer has a contexts/ directory: it is being removed).
 */
static struct damon_sysfs_context *
damon_sysfs_kdamond_context(struct damon_sysfs_kdamond *kdamond)
{
	struct damon_sysfs_array *contexts = kdamond->contexts;

	lockdep_assert_held(&damon_sysfs_lock);
	if (!contexts || contexts->nr != 1)
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

/* Build and start a context, with damon_sysfs_lock held. */
static int __damon_sysfs_turn_on(struct damon_sysfs_kdamond *kdamond)
{
	struct damon_ctx *ctx;
	int err;

	if (damon_sysfs_kdamond_on(kdamond))
		return -EBUSY;
	/* Only "on" sets damon_ctx, and only with damon_sysfs_lock held. */
	ctx = damon_sysfs_kdamond_build(kdamond);
	guard(mutex)(&damon_sysfs_ctx_lock);
	/* "off" after a failed "on" fails as if none had started. */
	kdamond->stopped = false;
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	err = damon_start(&ctx, 1, false);
	if (err)
		damon_destroy_ctx(ctx);
	else
		kdamond->damon_ctx = ctx;
	return err;
}

static int damon_sysfs_turn_on(struct damon_sysfs_kdamond *kdamond)
{
	int err;

	/* See damon_sysfs_lock for why this does not wait. */
	if (!mutex_trylock(&damon_sysfs_lock))
		return -EBUSY;
	err = __damon_sysfs_turn_on(kdamond);
	mutex_unlock(&damon_sysfs_lock);
	return err;
}

/*
 * "off" detaches the context and stops it without &damon_sysfs_lock, so
 * that it works while another writer holds that lock.  The requests that
 * wait on the context are canceled when its kdamond ends.  As in the stock
 * ABI, "off" on a kdamond that this directory started and that has stopped
 * since fails with -EPERM, and with -EINVAL if it never started one.
 */
static int damon_sysfs_turn_off(struct damon_sysfs_kdamond *kdamond)
{
	struct damon_ctx *ctx;

	scoped_guard(mutex, &damon_sysfs_ctx_lock) {
		if (!damon_sysfs_kdamond_running(kdamond))
			return kdamond->stopped ? -EPERM : -EINVAL;
		ctx = kdamond->damon_ctx;
		kdamond->damon_ctx = NULL;
		kdamond->stopped = true;
	}
	/* -EPERM if it ended by itself meanwhile: it is off all the same. */
	damon_stop(&ctx, 1);
	damon_sysfs_free_ctx(ctx);
	return 0;
}

/* Called by the kdamond: apply the fresh context @arg to @ctx. */
static int damon_sysfs_commit_fn(struct damon_ctx *ctx, void *arg)
{
	return damon_commit_ctx(ctx, arg);
}

static int damon_sysfs_commit_prepare(struct damon_sysfs_context *dir,
				      struct damon_request *req)
{
	struct damon_ctx *fresh = damon_sysfs_ctx_from_dir(dir);

	if (IS_ERR(fresh))
		return PTR_ERR(fresh);
	req->fn = damon_sysfs_commit_fn;
	req->arg = fresh;
	return 0;
}

static void damon_sysfs_commit_release(struct damon_request *req)
{
	damon_destroy_ctx(req->arg);
}

/* The intervals "update_tuned_intervals" copies out of the context. */
struct damon_sysfs_tuned {
	unsigned long sample_us;
	unsigned long aggr_us;
};

/* Called by the kdamond. */
static int damon_sysfs_tuned_fn(struct damon_ctx *ctx, void *arg)
{
	struct damon_sysfs_tuned *tuned = arg;

	tuned->sample_us = ctx->attrs.sample_interval;
	tuned->aggr_us = ctx->attrs.aggr_interval;
	return 0;
}

static int damon_sysfs_tuned_prepare(struct damon_sysfs_context *dir,
				     struct damon_request *req)
{
	struct damon_sysfs_tuned *tuned = kzalloc(sizeof(*tuned), GFP_KERNEL);

	if (!tuned)
		return -ENOMEM;
	req->fn = damon_sysfs_tuned_fn;
	req->arg = tuned;
	return 0;
}

static int damon_sysfs_tuned_publish(struct damon_sysfs_context *dir,
				     struct damon_request *req)
{
	struct damon_sysfs_intervals *intervals = dir->mon_attrs->intervals;
	struct damon_sysfs_tuned *tuned = req->arg;

	WRITE_ONCE(intervals->sample_us, tuned->sample_us);
	WRITE_ONCE(intervals->aggr_us, tuned->aggr_us);
	return 0;
}

static void damon_sysfs_tuned_release(struct damon_request *req)
{
	kfree(req->arg);
}

static const struct damon_sysfs_cmd damon_sysfs_kdamond_cmds[] = {
	{ .word = "on", .run = damon_sysfs_turn_on },
	{ .word = "off", .run = damon_sysfs_turn_off },
	{ .word = "commit", .prepare = damon_sysfs_commit_prepare,
	  .release = damon_sysfs_commit_release },
	{ .word = "update_tuned_intervals",
	  .prepare = damon_sysfs_tuned_prepare,
	  .publish = damon_sysfs_tuned_publish,
	  .release = damon_sysfs_tuned_release },
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
 * The context directory of @kdamond if its kdamond runs, NULL otherwise.
 * Called with damon_sysfs_lock held, which keeps the directories in place;
 * NULL too if they do not hold exactly one context.
 */
static struct damon_sysfs_context *
damon_sysfs_running_context(struct damon_sysfs_kdamond *kdamond)
{
	if (!damon_sysfs_kdamond_on(kdamond))
		return NULL;
	return damon_sysfs_kdamond_context(kdamond);
}

/*
 * Prepare the request of @cmd from the context directory of @kdamond and
 * queue it on the running context, with damon_sysfs_lock held.
 */
static int __damon_sysfs_queue_cmd(struct damon_sysfs_kdamond *kdamond,
				   const struct damon_sysfs_cmd *cmd,
				   struct damon_request *req)
{
	struct damon_sysfs_context *dir = damon_sysfs_running_context(kdamond);
	int err;

	if (!dir)
		return -EINVAL;
	err = cmd->prepare(dir, req);
	if (err)
		return err;
	/* "off" may have come meanwhile: look again. */
	scoped_guard(mutex, &damon_sysfs_ctx_lock) {
		if (damon_sysfs_kdamond_running(kdamond))
			err = damon_request_queue(kdamond->damon_ctx, req);
		else
			err = -EINVAL;
	}
	if (err)
		cmd->release(req);
	return err;
}

/*
 * Run a command that the kdamond runs.  The writer waits for it without
 * holding a lock, so "off" and the other writers go on meanwhile, and a
 * signal ends the wait.  The results are then copied into the directories,
 * if they are still there.
 */
static int damon_sysfs_request_cmd(struct damon_sysfs_kdamond *kdamond,
				   const struct damon_sysfs_cmd *cmd)
{
	struct damon_sysfs_context *dir;
	struct damon_request req = { };
	int err;

	/* See damon_sysfs_lock for why this does not wait. */
	if (!mutex_trylock(&damon_sysfs_lock))
		return -EBUSY;
	err = __damon_sysfs_queue_cmd(kdamond, cmd, &req);
	mutex_unlock(&damon_sysfs_lock);
	if (err)
		return err;
	err = damon_request_wait(&req);
	if (!err)
		err = req.result;
	if (!err && cmd->publish) {
		/*
		 * Waiting here is safe: the caller no longer holds the active
		 * reference of the "state" file that a remover holding
		 * damon_sysfs_lock would wait for.
		 */
		if (mutex_lock_interruptible(&damon_sysfs_lock)) {
			err = -EINTR;
		} else {
			dir = damon_sysfs_kdamond_context(kdamond);
			err = dir ? cmd->publish(dir, &req) : -ECANCELED;
			mutex_unlock(&damon_sysfs_lock);
		}
	}
	cmd->release(&req);
	return err;
}

/*
 * damon_sysfs_run_cmd() - Run a "state" command on a kdamond directory.
 *
 * Context: Process context, without &damon_sysfs_lock and
 * damon_sysfs_ctx_lock.  May sleep; a command the kdamond runs waits for
 * it, interruptibly.  If the command copies results into the directories,
 * the caller must have given up its active reference of the "state" file
 * (see sysfs_break_active_protection()) and hold a reference of @kdamond.
 * Return: 0 on success, or the error for the writer.
 */
VISIBLE_IF_KUNIT int damon_sysfs_run_cmd(struct damon_sysfs_kdamond *kdamond,
					 const struct damon_sysfs_cmd *cmd)
{
	struct damon_sysfs_context *dir;
	int err;

	if (cmd->run)
		return cmd->run(kdamond);
	if (cmd->prepare)
		return damon_sysfs_request_cmd(kdamond, cmd);
	/* See damon_sysfs_lock for why this does not wait. */
	if (!mutex_trylock(&damon_sysfs_lock))
		return -EBUSY;
	dir = damon_sysfs_running_context(kdamond);
	err = dir ? cmd->run_dir(dir) : -EINVAL;
	mutex_unlock(&damon_sysfs_lock);
	return err;
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
	bool on = damon_sysfs_kdamond_on(to_kdamond(kobj));

	return sysfs_emit(buf, "%s\n", on ? "on" : "off");
}

/*
 * sysfs_break_active_protection(), for a directory that may be being
 * removed.  sysfs_remove_dir() clears @kobj->sd before it waits for the
 * active references of the files, so a writer that got in just before
 * finds it NULL: the directory is going, and the write fails with -ENOENT.
 * Until this writer gives up its active reference, that wait keeps the
 * kernfs nodes, and the directory's reference keeps @kobj.
 */
static struct kernfs_node *
damon_sysfs_break_active_protection(struct kobject *kobj,
				    const struct attribute *attr)
{
	struct kernfs_node *dir = READ_ONCE(kobj->sd), *kn;

	if (!dir)
		return NULL;
	kobject_get(kobj);
	kn = kernfs_find_and_get(dir, attr->name);
	if (kn)
		kernfs_break_active_protection(kn);
	else
		kobject_put(kobj);
	return kn;
}

static ssize_t damon_sysfs_state_store(struct kobject *kobj,
				       struct kobj_attribute *attr,
				       const char *buf, size_t count)
{
	const struct damon_sysfs_cmd *cmd = damon_sysfs_find_cmd(buf);
	struct kernfs_node *kn;
	int err;

	if (!cmd)
		return -EINVAL;
	/*
	 * A command may wait for the kdamond, then for damon_sysfs_lock to
	 * copy its results.  Let a removal of the directory go on meanwhile:
	 * the reference taken here keeps @kobj itself.
	 */
	kn = damon_sysfs_break_active_protection(kobj, &attr->attr);
	if (!kn)
		return -ENOENT;
	err = damon_sysfs_run_cmd(to_kdamond(kobj), cmd);
	sysfs_unbreak_active_protection(kn);
	return err ? err : count;
}

static ssize_t damon_sysfs_pid_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_kdamond *kdamond = to_kdamond(kobj);
	int pid = -1;

	scoped_guard(mutex, &damon_sysfs_ctx_lock) {
		if (damon_sysfs_kdamond_running(kdamond))
			pid = damon_kdamond_pid(kdamond->damon_ctx);
	}
	return sysfs_emit(buf, "%d\n", pid);
}

/* Drop the context the directory kept; the caller made sure it stopped. */
static void damon_sysfs_kdamond_teardown(struct kobject *kobj)
{
	struct damon_sysfs_kdamond *kdamond = to_kdamond(kobj);

	guard(mutex)(&damon_sysfs_ctx_lock);
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

	guard(mutex)(&damon_sysfs_ctx_lock);
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
