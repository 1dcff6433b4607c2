// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON sample: estimate the working set size of a process.
 *
 * Shows how a kernel subsystem uses the DAMON kernel API: build a context
 * with the vaddr operations set and one target, damon_start() it, read its
 * monitoring results through damon_request(), and damon_stop() it.
 *
 * The working set is the memory of the regions found accessed during the
 * last aggregation interval.  Usage:
 *
 *	# cd /sys/module/damon_sample_wss/parameters
 *	# echo $PID > target_pid
 *	# echo Y > enabled
 *	# cat wss_kib
 *	# echo N > enabled
 *
 * Monitoring ends by itself when the process exits; enabled then reads N.
 */

#define pr_fmt(fmt) "damon_sample_wss: " fmt

#include <linux/damon.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/printk.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/workqueue.h>

#ifdef MODULE_PARAM_PREFIX
#undef MODULE_PARAM_PREFIX
#endif
#define MODULE_PARAM_PREFIX "damon_sample_wss."

static int target_pid __read_mostly;
module_param(target_pid, int, 0600);
MODULE_PARM_DESC(target_pid, "Process to monitor, read when enabled is set");

static int damon_sample_wss_enabled_set(const char *val,
					const struct kernel_param *kp);

static const struct kernel_param_ops damon_sample_wss_enabled_ops = {
	.set = damon_sample_wss_enabled_set,
	.get = param_get_bool,
};

/* Protected by damon_sample_wss_lock once the sample is initialised. */
static bool enabled __read_mostly;
module_param_cb(enabled, &damon_sample_wss_enabled_ops, &enabled, 0600);
MODULE_PARM_DESC(enabled, "Monitor target_pid (Y) or stop (N)");

static unsigned long wss_kib;
module_param(wss_kib, ulong, 0400);
MODULE_PARM_DESC(wss_kib, "Latest working set size estimate, in KiB");

/*
 * Protects @damon_sample_wss_ctx, @damon_sample_wss_pid, @enabled and
 * @damon_sample_wss_ready.  The report work only trylocks it, so that the
 * parameter setter may cancel the work synchronously while holding it.
 */
static DEFINE_MUTEX(damon_sample_wss_lock);
static struct damon_ctx *damon_sample_wss_ctx;
static int damon_sample_wss_pid;
/* Set by the init function; boot parameters only record @enabled before. */
static bool damon_sample_wss_ready;

static void damon_sample_wss_report(struct work_struct *work);
static DECLARE_DELAYED_WORK(damon_sample_wss_work, damon_sample_wss_report);

/* Run by the kdamond, after an aggregation interval ended. */
static int damon_sample_wss_sum(struct damon_ctx *ctx, void *arg)
{
	unsigned long *wss = arg;
	struct damon_target *t;
	struct damon_region *r;

	*wss = 0;
	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			if (r->last_nr_accesses)
				*wss += damon_sz_region(r);
		}
	}
	return 0;
}

static void damon_sample_wss_stop(void)
{
	lockdep_assert_held(&damon_sample_wss_lock);
	cancel_delayed_work_sync(&damon_sample_wss_work);
	/* -EPERM if the kdamond already ended by itself: nothing to stop. */
	damon_stop(&damon_sample_wss_ctx, 1);
	damon_destroy_ctx(damon_sample_wss_ctx);
	damon_sample_wss_ctx = NULL;
	enabled = false;
}

/*
 * Each run asks the kdamond for the results of the next aggregation
 * interval and waits for them, so there is one report per aggregation
 * interval.  The log gets one line a second at most.
 */
static void damon_sample_wss_report(struct work_struct *work)
{
	static unsigned long next_print;
	struct damon_ctx *ctx = damon_sample_wss_ctx;
	unsigned long wss;
	struct damon_request req = {
		.fn = damon_sample_wss_sum,
		.arg = &wss,
		.after_aggregation = true,
	};

	if (!damon_is_running(ctx)) {
		/* The target exited and the kdamond ended: clean up. */
		if (!mutex_trylock(&damon_sample_wss_lock)) {
			queue_delayed_work(system_long_wq,
					   &damon_sample_wss_work, HZ / 10);
			return;
		}
		pr_info("pid %d is gone, monitoring ended\n",
			damon_sample_wss_pid);
		damon_destroy_ctx(ctx);
		damon_sample_wss_ctx = NULL;
		enabled = false;
		mutex_unlock(&damon_sample_wss_lock);
		return;
	}

	if (!damon_request(ctx, &req)) {
		WRITE_ONCE(wss_kib, wss >> 10);
		if (time_after_eq(jiffies, next_print)) {
			pr_info("pid %d wss %lu KiB\n", damon_sample_wss_pid,
				wss >> 10);
			next_print = jiffies + HZ;
		}
	}
	queue_delayed_work(system_long_wq, &damon_sample_wss_work, 0);
}

static int damon_sample_wss_start(void)
{
	struct damon_target *target;
	struct task_struct *task;
	struct damon_ctx *ctx;
	struct mm_struct *mm;
	struct pid *pid;
	int err;

	lockdep_assert_held(&damon_sample_wss_lock);
	if (target_pid <= 0)
		return -EINVAL;
	pid = find_get_pid(target_pid);
	if (!pid)
		return -ESRCH;
	/* Only a process with an address space can be monitored. */
	task = get_pid_task(pid, PIDTYPE_PID);
	mm = task ? get_task_mm(task) : NULL;
	if (task)
		put_task_struct(task);
	if (!mm) {
		err = task ? -EINVAL : -ESRCH;
		goto put_pid;
	}
	mmput(mm);

	ctx = damon_new_ctx();
	if (!ctx) {
		err = -ENOMEM;
		goto put_pid;
	}
	err = damon_select_ops(ctx, DAMON_OPS_VADDR);
	if (err)
		goto destroy_ctx;
	target = damon_new_target();
	if (!target) {
		err = -ENOMEM;
		goto destroy_ctx;
	}
	/* The target owns the pid reference from now on. */
	target->pid = pid;
	pid = NULL;
	damon_add_target(ctx, target);

	err = damon_start(&ctx, 1, false);
	if (err)
		goto destroy_ctx;

	damon_sample_wss_ctx = ctx;
	damon_sample_wss_pid = target_pid;
	WRITE_ONCE(wss_kib, 0);
	queue_delayed_work(system_long_wq, &damon_sample_wss_work, 0);
	return 0;

destroy_ctx:
	damon_destroy_ctx(ctx);
put_pid:
	put_pid(pid);
	return err;
}

static int damon_sample_wss_enabled_set(const char *val,
					const struct kernel_param *kp)
{
	bool on;
	int err;

	err = kstrtobool(val, &on);
	if (err)
		return err;

	guard(mutex)(&damon_sample_wss_lock);
	if (!damon_sample_wss_ready) {
		/* A boot parameter: the init function starts monitoring. */
		enabled = on;
		return 0;
	}
	/* The kdamond may have ended without the report work noticing yet. */
	if (damon_sample_wss_ctx && !damon_is_running(damon_sample_wss_ctx))
		damon_sample_wss_stop();

	if (on == !!damon_sample_wss_ctx)
		return 0;
	if (on) {
		err = damon_sample_wss_start();
		if (err)
			return err;
	} else {
		damon_sample_wss_stop();
	}
	enabled = on;
	return 0;
}

static int __init damon_sample_wss_init(void)
{
	int err;

	guard(mutex)(&damon_sample_wss_lock);
	damon_sample_wss_ready = true;
	if (!enabled)
		return 0;
	err = damon_sample_wss_start();
	if (err) {
		pr_err("cannot monitor pid %d: %d\n", target_pid, err);
		enabled = false;
	}
	return 0;
}

module_init(damon_sample_wss_init);

MODULE_DESCRIPTION("DAMON sample: working set size estimation");
MODULE_LICENSE("GPL");
