// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON debugfs interface: /sys/kernel/debug/damon (deprecated).
 *
 * Map of this file:
 *   contexts		the monitoring contexts and their directories
 *   input and output	whole writes in, formatted text out
 *   context files	attrs, target_ids, init_regions, schemes, kdamond_pid
 *   root files		monitor_on_DEPRECATED, mk_contexts, rm_contexts,
 *			DEPRECATED
 *   start-up
 *
 * The first user interface of DAMON, kept for the scripts written for it.
 * Each context directory owns a &struct damon_ctx, which its files change
 * in place while it does not run; "on" starts every context as one
 * exclusive group, so that neither the sysfs interface nor a module runs
 * at the same time, and "off" stops them.  Every handler runs with
 * damon_dbgfs_lock held, except while it waits for a kdamond.
 *
 * As the interface always did, a kdamond that ended, by "off" or because
 * its processes exited, lets go of them: its target_ids is empty after it,
 * and the next "on" needs new ones.
 */

#define pr_fmt(fmt) "damon-dbgfs: " fmt

#include <linux/align.h>
#include <linux/ctype.h>
#include <linux/damon.h>
#include <linux/dcache.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/numa.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

/* Contexts mk_contexts may add to the one of the root directory. */
#define DAMON_DBGFS_MAX_CTXS	64
/* What target_ids shows for the one target of the paddr operations set. */
#define DAMON_DBGFS_PADDR_ID	42
/* Numbers in a line of the schemes file: 18 parameters, 5 statistics. */
#define DAMON_DBGFS_SCHEME_PARAMS	18
#define DAMON_DBGFS_SCHEME_FIELDS	23
/* Largest write taken, less than the largest kmalloc() of 4 KiB pages. */
#define DAMON_DBGFS_MAX_INPUT	(SZ_4M - 1)
/* Room for one number in the output, its separator included. */
#define DAMON_DBGFS_NUM_LEN	22

/* === contexts === */

/**
 * struct damon_dbgfs_ctx - A monitoring context and its directory.
 * @list:	Link in damon_dbgfs_ctxs; the root directory's comes first.
 * @ctx:	The context.
 * @dir:	The directory of its files.
 * @name:	The name given to mk_contexts; NULL for the root directory.
 * @started:	Whether "on" started @ctx and it has not been reaped since.
 * @removed:	Set by rm_contexts before it removes @dir; a handler that
 *		was already running then finds the context gone.
 */
struct damon_dbgfs_ctx {
	struct list_head list;
	struct damon_ctx *ctx;
	struct dentry *dir;
	char *name;
	bool started;
	bool removed;
};

/* Protects damon_dbgfs_ctxs and the contexts while they do not run. */
static DEFINE_MUTEX(damon_dbgfs_lock);
static LIST_HEAD(damon_dbgfs_ctxs);
static unsigned int damon_dbgfs_nr_ctxs;
static struct dentry *damon_dbgfs_root;

static void damon_dbgfs_warn(void)
{
	pr_warn_once("the DAMON debugfs interface is deprecated: use the sysfs interface, /sys/kernel/mm/damon/admin, instead\n");
}

static bool damon_dbgfs_any_running(void)
{
	struct damon_dbgfs_ctx *c;

	list_for_each_entry(c, &damon_dbgfs_ctxs, list) {
		if (damon_is_running(c->ctx))
			return true;
	}
	return false;
}

static bool damon_dbgfs_has_pid(struct damon_ctx *ctx)
{
	return ctx->ops.id != DAMON_OPS_PADDR;
}

static void damon_dbgfs_destroy_targets(struct damon_ctx *ctx)
{
	struct damon_target *t, *next;

	damon_for_each_target_safe(t, next, ctx)
		damon_destroy_target(t);
}

/*
 * Let the contexts whose kdamond ended go of their processes.  Called by
 * every handler with damon_dbgfs_lock held, so that the first one after
 * the end sees the context as the interface always showed it.
 */
static void damon_dbgfs_reap(void)
{
	struct damon_dbgfs_ctx *c;

	list_for_each_entry(c, &damon_dbgfs_ctxs, list) {
		if (!c->started || damon_is_running(c->ctx))
			continue;
		c->started = false;
		if (damon_dbgfs_has_pid(c->ctx))
			damon_dbgfs_destroy_targets(c->ctx);
	}
}

/*
 * Take damon_dbgfs_lock for a handler of @c's files.  Return: 0 with the
 * lock held, -ENOENT without it if rm_contexts removed @c meanwhile.
 */
static int damon_dbgfs_lock_ctx(struct damon_dbgfs_ctx *c)
{
	damon_dbgfs_warn();
	mutex_lock(&damon_dbgfs_lock);
	damon_dbgfs_reap();
	if (c->removed) {
		mutex_unlock(&damon_dbgfs_lock);
		return -ENOENT;
	}
	return 0;
}

/* === input and output === */

/*
 * A whole write, NUL-terminated; free it with kvfree().  Writes at an
 * offset are refused, and so are writes of more than DAMON_DBGFS_MAX_INPUT
 * bytes, as big as the kernel of 6.12 could copy.
 */
static char *damon_dbgfs_input(const char __user *buf, size_t count,
			       loff_t *ppos)
{
	char *kbuf;

	if (*ppos)
		return ERR_PTR(-EINVAL);
	if (count > DAMON_DBGFS_MAX_INPUT)
		return ERR_PTR(-ENOMEM);
	kbuf = kvmalloc(count + 1, GFP_KERNEL);
	if (!kbuf)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(kbuf, buf, count)) {
		kvfree(kbuf);
		return ERR_PTR(-EFAULT);
	}
	kbuf[count] = '\0';
	return kbuf;
}

/*
 * Parse the next unsigned decimal number of *@pos into @val and move *@pos
 * past it.  Return: 0, -ENODATA at the end of the input, -EINVAL if the
 * next word is not a number that fits an unsigned long.
 */
static int damon_dbgfs_next_ul(char **pos, unsigned long *val)
{
	char *word = skip_spaces(*pos), *end = word, saved;
	int err;

	if (!*word)
		return -ENODATA;
	while (*end && !isspace(*end))
		end++;
	saved = *end;
	*end = '\0';
	err = kstrtoul(word, 10, val);
	*end = saved;
	*pos = end;
	return err ? -EINVAL : 0;
}

/* The first word of @buf, cut there, or NULL if it has none. */
static char *damon_dbgfs_word(char *buf)
{
	char *word = skip_spaces(buf), *end = word;

	if (!*word)
		return NULL;
	while (*end && !isspace(*end))
		end++;
	if (*skip_spaces(end))
		return NULL;
	*end = '\0';
	return word;
}

/**
 * struct damon_dbgfs_out - Text being formatted for a read.
 * @buf:	The buffer.
 * @size:	Its size.
 * @len:	Bytes written so far.
 */
struct damon_dbgfs_out {
	char *buf;
	size_t size;
	size_t len;
};

static int damon_dbgfs_out_alloc(struct damon_dbgfs_out *out, size_t size)
{
	out->buf = kvmalloc(size, GFP_KERNEL);
	out->size = size;
	out->len = 0;
	return out->buf ? 0 : -ENOMEM;
}

static __printf(2, 3) void damon_dbgfs_printf(struct damon_dbgfs_out *out,
					      const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	out->len += vscnprintf(out->buf + out->len, out->size - out->len, fmt,
			       args);
	va_end(args);
}

static ssize_t damon_dbgfs_out_read(struct damon_dbgfs_out *out,
				    char __user *buf, size_t count,
				    loff_t *ppos)
{
	ssize_t ret = simple_read_from_buffer(buf, count, ppos, out->buf,
					      out->len);

	kvfree(out->buf);
	return ret;
}

/* === context files === */

/*
 * A context file's text: at most @max_nums(ctx) numbers, each followed by
 * a separator, formatted by @show(ctx, out) with damon_dbgfs_lock held.
 * @max_nums may refuse the read with a negative error code instead.
 */
static ssize_t damon_dbgfs_ctx_read(struct file *file, char __user *buf,
				    size_t count, loff_t *ppos,
				    long (*max_nums)(struct damon_ctx *ctx),
				    void (*show)(struct damon_ctx *ctx,
						 struct damon_dbgfs_out *out))
{
	struct damon_dbgfs_ctx *c = file->private_data;
	struct damon_dbgfs_out out;
	long nr;
	int err;

	err = damon_dbgfs_lock_ctx(c);
	if (err)
		return err;
	nr = max_nums(c->ctx);
	err = nr < 0 ? nr : damon_dbgfs_out_alloc(&out, (nr + 1) *
						  DAMON_DBGFS_NUM_LEN);
	if (!err)
		show(c->ctx, &out);
	mutex_unlock(&damon_dbgfs_lock);
	if (err)
		return err;
	return damon_dbgfs_out_read(&out, buf, count, ppos);
}

/*
 * A write to a context file: @parse(text, arg) reads the whole write into
 * @arg, if @parse is given; then @apply(ctx, text, arg) sets it, with
 * damon_dbgfs_lock held and the context not running.  What @parse builds
 * and @apply does not take stays in @arg for the caller to free.
 */
static ssize_t damon_dbgfs_ctx_write(struct file *file,
				     const char __user *buf, size_t count,
				     loff_t *ppos,
				     int (*parse)(char *text, void *arg),
				     int (*apply)(struct damon_ctx *ctx,
						  char *text, void *arg),
				     void *arg)
{
	struct damon_dbgfs_ctx *c = file->private_data;
	char *kbuf;
	int err = 0;

	kbuf = damon_dbgfs_input(buf, count, ppos);
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);
	if (parse)
		err = parse(kbuf, arg);
	if (!err)
		err = damon_dbgfs_lock_ctx(c);
	if (!err) {
		if (damon_is_running(c->ctx))
			err = -EBUSY;
		else
			err = apply(c->ctx, kbuf, arg);
		mutex_unlock(&damon_dbgfs_lock);
	}
	kvfree(kbuf);
	return err ? err : count;
}

static ssize_t damon_dbgfs_attrs_read(struct file *file, char __user *buf,
				      size_t count, loff_t *ppos)
{
	struct damon_dbgfs_ctx *c = file->private_data;
	struct damon_attrs a;
	char text[5 * DAMON_DBGFS_NUM_LEN];
	int len, err;

	err = damon_dbgfs_lock_ctx(c);
	if (err)
		return err;
	/* No intervals goal here: a running kdamond keeps them as they are. */
	a = c->ctx->attrs;
	mutex_unlock(&damon_dbgfs_lock);
	len = scnprintf(text, sizeof(text), "%lu %lu %lu %lu %lu\n",
			a.sample_interval, a.aggr_interval,
			a.ops_update_interval, a.min_nr_regions,
			a.max_nr_regions);
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

static int damon_dbgfs_attrs_parse(char *pos, void *arg)
{
	unsigned long *v = arg;
	int i;

	for (i = 0; i < 5; i++) {
		if (damon_dbgfs_next_ul(&pos, &v[i]))
			return -EINVAL;
	}
	return 0;
}

static int damon_dbgfs_attrs_apply(struct damon_ctx *ctx, char *text,
				   void *arg)
{
	struct damon_attrs attrs = ctx->attrs;
	unsigned long *v = arg;

	attrs.sample_interval = v[0];
	attrs.aggr_interval = v[1];
	attrs.ops_update_interval = v[2];
	attrs.min_nr_regions = v[3];
	attrs.max_nr_regions = v[4];
	return damon_set_attrs(ctx, &attrs);
}

static ssize_t damon_dbgfs_attrs_write(struct file *file,
				       const char __user *buf, size_t count,
				       loff_t *ppos)
{
	unsigned long v[5];

	return damon_dbgfs_ctx_write(file, buf, count, ppos,
				     damon_dbgfs_attrs_parse,
				     damon_dbgfs_attrs_apply, v);
}

/* Targets are not added or removed while the kdamond runs. */
static long damon_dbgfs_target_ids_nums(struct damon_ctx *ctx)
{
	return list_count_nodes(&ctx->targets);
}

static void damon_dbgfs_target_ids_show(struct damon_ctx *ctx,
					struct damon_dbgfs_out *out)
{
	struct damon_target *t;

	damon_for_each_target(t, ctx) {
		damon_dbgfs_printf(out, "%s%d", out->len ? " " : "",
				   damon_dbgfs_has_pid(ctx) ? pid_vnr(t->pid) :
				   DAMON_DBGFS_PADDR_ID);
	}
	damon_dbgfs_printf(out, "\n");
}

static ssize_t damon_dbgfs_target_ids_read(struct file *file,
					   char __user *buf, size_t count,
					   loff_t *ppos)
{
	return damon_dbgfs_ctx_read(file, buf, count, ppos,
				    damon_dbgfs_target_ids_nums,
				    damon_dbgfs_target_ids_show);
}

/**
 * struct damon_dbgfs_targets - What a target_ids write asks for.
 * @list:	The new targets.
 * @paddr:	Whether it asks for the physical address space.
 */
struct damon_dbgfs_targets {
	struct list_head list;
	bool paddr;
};

/*
 * Build one target per pid of @pos, or a single target without a pid if
 * @pos is "paddr".  Return: 0, -EINVAL for a word that is not the pid of a
 * live process, -ENOMEM.
 */
static int damon_dbgfs_targets_parse(char *pos, void *arg)
{
	struct damon_dbgfs_targets *targets = arg;
	struct damon_target *t;
	unsigned long nr;
	char *word;
	int err;

	word = skip_spaces(pos);
	targets->paddr = !strncmp(word, "paddr", 5) &&
		!*skip_spaces(word + 5);
	if (targets->paddr) {
		t = damon_new_target();
		if (!t)
			return -ENOMEM;
		list_add_tail(&t->list, &targets->list);
		return 0;
	}
	while (!(err = damon_dbgfs_next_ul(&pos, &nr))) {
		t = damon_new_target();
		if (!t)
			return -ENOMEM;
		list_add_tail(&t->list, &targets->list);
		if (nr <= INT_MAX)
			t->pid = damon_find_target_pid(nr);
		if (!t->pid)
			return -EINVAL;
	}
	return err == -ENODATA ? 0 : err;
}

static int damon_dbgfs_targets_apply(struct damon_ctx *ctx, char *text,
				     void *arg)
{
	struct damon_dbgfs_targets *targets = arg;
	struct damon_target *t, *next;
	int err;

	err = damon_select_ops(ctx, targets->paddr ? DAMON_OPS_PADDR :
			       DAMON_OPS_VADDR);
	if (err)
		return err;
	damon_dbgfs_destroy_targets(ctx);
	list_for_each_entry_safe(t, next, &targets->list, list) {
		list_del_init(&t->list);
		damon_add_target(ctx, t);
	}
	return 0;
}

static ssize_t damon_dbgfs_target_ids_write(struct file *file,
					    const char __user *buf,
					    size_t count, loff_t *ppos)
{
	struct damon_dbgfs_targets targets = {
		.list = LIST_HEAD_INIT(targets.list),
	};
	struct damon_target *t, *next;
	ssize_t ret;

	ret = damon_dbgfs_ctx_write(file, buf, count, ppos,
				    damon_dbgfs_targets_parse,
				    damon_dbgfs_targets_apply, &targets);
	list_for_each_entry_safe(t, next, &targets.list, list)
		damon_destroy_target(t);
	return ret;
}

/* The regions belong to the kdamond while it runs: no read then. */
static long damon_dbgfs_init_regions_nums(struct damon_ctx *ctx)
{
	struct damon_target *t;
	long nr = 0;

	if (damon_is_running(ctx))
		return -EBUSY;
	damon_for_each_target(t, ctx)
		nr += 3 * damon_nr_regions(t);
	return nr;
}

static void damon_dbgfs_init_regions_show(struct damon_ctx *ctx,
					  struct damon_dbgfs_out *out)
{
	struct damon_target *t;
	struct damon_region *r;
	int idx = 0;

	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t)
			damon_dbgfs_printf(out, "%d %lu %lu\n", idx,
					   r->ar.start, r->ar.end);
		idx++;
	}
}

static ssize_t damon_dbgfs_init_regions_read(struct file *file,
					     char __user *buf, size_t count,
					     loff_t *ppos)
{
	return damon_dbgfs_ctx_read(file, buf, count, ppos,
				    damon_dbgfs_init_regions_nums,
				    damon_dbgfs_init_regions_show);
}

/**
 * struct damon_dbgfs_range - A range of init_regions, for one target.
 * @idx:	Index of the target in target_ids.
 * @start:	Start address.
 * @end:	End address, past @start.
 */
struct damon_dbgfs_range {
	unsigned long idx, start, end;
};

/*
 * Parse the ranges of @pos into a new array of *@nr ranges, checked against
 * @nr_targets targets: known target indices, non-empty ranges, and the
 * ranges of each target in address order without overlaps.
 */
static struct damon_dbgfs_range *
damon_dbgfs_parse_ranges(char *pos, unsigned int nr_targets, size_t *nr)
{
	size_t max = strlen(pos) / 6 + 1, i, j;
	struct damon_dbgfs_range *ranges;
	int err = 0;

	ranges = kvmalloc_array(max, sizeof(*ranges), GFP_KERNEL);
	if (!ranges)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < max; i++) {
		struct damon_dbgfs_range *rg = &ranges[i];

		err = damon_dbgfs_next_ul(&pos, &rg->idx);
		if (err == -ENODATA) {
			err = 0;
			break;
		}
		if (!err)
			err = damon_dbgfs_next_ul(&pos, &rg->start);
		if (!err)
			err = damon_dbgfs_next_ul(&pos, &rg->end);
		/* An end in the last page could not be widened to a page. */
		if (err || rg->idx >= nr_targets || rg->start >= rg->end ||
		    rg->end > ALIGN_DOWN(ULONG_MAX, DAMON_MIN_REGION)) {
			err = -EINVAL;
			break;
		}
		for (j = i; j-- > 0;) {
			if (ranges[j].idx != rg->idx)
				continue;
			if (ranges[j].end > rg->start)
				err = -EINVAL;
			break;
		}
		if (err)
			break;
	}
	if (err) {
		kvfree(ranges);
		return ERR_PTR(err);
	}
	*nr = i;
	return ranges;
}

/*
 * Give every target of @ctx a region per range of its index, widened to
 * whole pages as the sysfs interface does; ranges that then overlap make
 * one region.
 */
static int damon_dbgfs_set_regions(struct damon_ctx *ctx,
				   struct damon_dbgfs_range *ranges, size_t nr)
{
	struct damon_region **fresh, *r, *next, *last;
	struct damon_target *t;
	unsigned long idx = 0, start, end;
	size_t i;
	int err = 0;

	/* Allocate first, so that a failure changes nothing. */
	fresh = kvcalloc(max_t(size_t, nr, 1), sizeof(*fresh), GFP_KERNEL);
	if (!fresh)
		return -ENOMEM;
	for (i = 0; i < nr && !err; i++) {
		fresh[i] = damon_new_region(0, 0);
		if (!fresh[i])
			err = -ENOMEM;
	}
	damon_for_each_target(t, ctx) {
		if (err)
			break;
		damon_for_each_region_safe(r, next, t)
			damon_destroy_region(r, t);
		last = NULL;
		/* The ranges of a target are in address order. */
		for (i = 0; i < nr; i++) {
			if (ranges[i].idx != idx)
				continue;
			start = ALIGN_DOWN(ranges[i].start, DAMON_MIN_REGION);
			end = ALIGN(ranges[i].end, DAMON_MIN_REGION);
			if (last && start < last->ar.end) {
				last->ar.end = max(last->ar.end, end);
				continue;
			}
			r = fresh[i];
			fresh[i] = NULL;
			r->ar.start = start;
			r->ar.end = end;
			r->sampling_addr = start;
			damon_add_region(r, t);
			last = r;
		}
		idx++;
	}
	for (i = 0; i < nr; i++)
		kfree(fresh[i]);
	kvfree(fresh);
	return err;
}

static int damon_dbgfs_init_regions_apply(struct damon_ctx *ctx, char *text,
					  void *arg)
{
	struct damon_dbgfs_range *ranges;
	size_t nr;
	int err;

	ranges = damon_dbgfs_parse_ranges(text, list_count_nodes(&ctx->targets),
					  &nr);
	if (IS_ERR(ranges))
		return PTR_ERR(ranges);
	err = damon_dbgfs_set_regions(ctx, ranges, nr);
	kvfree(ranges);
	return err;
}

static ssize_t damon_dbgfs_init_regions_write(struct file *file,
					      const char __user *buf,
					      size_t count, loff_t *ppos)
{
	return damon_dbgfs_ctx_write(file, buf, count, ppos, NULL,
				     damon_dbgfs_init_regions_apply, NULL);
}

/*
 * The actions of the schemes file, by their number there: the first six
 * actions DAMON had, in their order then.
 */
static const enum damos_action damon_dbgfs_actions[] = {
	DAMOS_WILLNEED,
	DAMOS_COLD,
	DAMOS_PAGEOUT,
	DAMOS_HUGEPAGE,
	DAMOS_NOHUGEPAGE,
	DAMOS_STAT,
};

static int damon_dbgfs_action_nr(enum damos_action action)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(damon_dbgfs_actions); i++) {
		if (damon_dbgfs_actions[i] == action)
			return i;
	}
	return -1;
}

/* Format one line per scheme of @arg's context; run by its kdamond. */
static int damon_dbgfs_format_schemes(struct damon_ctx *ctx, void *arg)
{
	struct damon_dbgfs_out *out = arg;
	struct damos *s;

	damon_for_each_scheme(s, ctx) {
		const struct damos_access_pattern *p = &s->pattern;
		const struct damos_quota *q = &s->quota;
		const struct damos_watermarks *w = &s->wmarks;
		const struct damos_stat *st = &s->stat;

		damon_dbgfs_printf(out, "%lu %lu %u %u %u %u %d ",
				   p->min_sz_region, p->max_sz_region,
				   p->min_nr_accesses, p->max_nr_accesses,
				   p->min_age_region, p->max_age_region,
				   damon_dbgfs_action_nr(s->action));
		damon_dbgfs_printf(out, "%lu %lu %lu %u %u %u ",
				   q->ms, q->sz, q->reset_interval,
				   q->weight_sz, q->weight_nr_accesses,
				   q->weight_age);
		damon_dbgfs_printf(out, "%d %lu %lu %lu %lu ", w->metric,
				   w->interval, w->high, w->mid, w->low);
		damon_dbgfs_printf(out, "%lu %lu %lu %lu %lu\n", st->nr_tried,
				   st->sz_tried, st->nr_applied,
				   st->sz_applied, st->qt_exceeds);
	}
	return 0;
}

static ssize_t damon_dbgfs_schemes_read(struct file *file, char __user *buf,
					size_t count, loff_t *ppos)
{
	struct damon_dbgfs_ctx *c = file->private_data;
	struct damon_request req = { .fn = damon_dbgfs_format_schemes };
	struct damon_dbgfs_out out;
	int err;

again:
	err = damon_dbgfs_lock_ctx(c);
	if (err)
		return err;
	/* Schemes are not added or removed while the kdamond runs. */
	err = damon_dbgfs_out_alloc(&out, (list_count_nodes(&c->ctx->schemes)
					   * DAMON_DBGFS_SCHEME_FIELDS + 1) *
				    DAMON_DBGFS_NUM_LEN);
	if (err) {
		mutex_unlock(&damon_dbgfs_lock);
		return err;
	}
	if (!damon_is_running(c->ctx)) {
		damon_dbgfs_format_schemes(c->ctx, &out);
		mutex_unlock(&damon_dbgfs_lock);
		return damon_dbgfs_out_read(&out, buf, count, ppos);
	}
	/* The statistics belong to the kdamond: it formats them. */
	req.arg = &out;
	err = damon_request_queue(c->ctx, &req);
	mutex_unlock(&damon_dbgfs_lock);
	if (!err)
		err = damon_request_wait(&req);
	if (err) {
		kvfree(out.buf);
		/* The kdamond ended meanwhile: read the schemes it left. */
		if (err == -ESRCH || err == -ECANCELED)
			goto again;
		return err;
	}
	return damon_dbgfs_out_read(&out, buf, count, ppos);
}

/*
 * Build the scheme of the 18 numbers @v: the access pattern, the action,
 * the quota with its weights, the watermarks.  Return: the scheme, or an
 * ERR_PTR: -EINVAL for an unknown action or metric, an inverted range or
 * inverted watermarks, or a number too big for its field, -ENOMEM.
 */
static struct damos *damon_dbgfs_new_scheme(const unsigned long *v)
{
	struct damos_access_pattern pattern = {
		.min_sz_region = v[0],
		.max_sz_region = v[1],
		.min_nr_accesses = min(v[2], (unsigned long)UINT_MAX),
		.max_nr_accesses = min(v[3], (unsigned long)UINT_MAX),
		.min_age_region = min(v[4], (unsigned long)UINT_MAX),
		.max_age_region = min(v[5], (unsigned long)UINT_MAX),
	};
	struct damos_quota quota = {
		.ms = v[7],
		.sz = v[8],
		.reset_interval = v[9],
		.weight_sz = v[10],
		.weight_nr_accesses = v[11],
		.weight_age = v[12],
	};
	struct damos_watermarks wmarks = {
		.metric = v[13],
		.interval = v[14],
		.high = v[15],
		.mid = v[16],
		.low = v[17],
	};
	struct damos *s;

	if (v[6] >= ARRAY_SIZE(damon_dbgfs_actions) ||
	    v[13] >= NR_DAMOS_WMARK_METRICS ||
	    v[10] > UINT_MAX || v[11] > UINT_MAX || v[12] > UINT_MAX)
		return ERR_PTR(-EINVAL);
	if (pattern.min_sz_region > pattern.max_sz_region ||
	    pattern.min_nr_accesses > pattern.max_nr_accesses ||
	    pattern.min_age_region > pattern.max_age_region)
		return ERR_PTR(-EINVAL);
	if (wmarks.high < wmarks.mid || wmarks.mid < wmarks.low)
		return ERR_PTR(-EINVAL);
	s = damon_new_scheme(&pattern, damon_dbgfs_actions[v[6]], 0, &quota,
			     &wmarks, NUMA_NO_NODE);
	return s ? s : ERR_PTR(-ENOMEM);
}

/* Build in the list @arg the schemes of @pos, 18 numbers each. */
static int damon_dbgfs_schemes_parse(char *pos, void *arg)
{
	struct list_head *schemes = arg;
	unsigned long v[DAMON_DBGFS_SCHEME_PARAMS];
	struct damos *s;
	int i, err;

	for (;;) {
		for (i = 0; i < ARRAY_SIZE(v); i++) {
			err = damon_dbgfs_next_ul(&pos, &v[i]);
			if (err)
				break;
		}
		/* The input may end only where a scheme does. */
		if (err == -ENODATA && !i)
			return 0;
		if (err)
			return -EINVAL;
		s = damon_dbgfs_new_scheme(v);
		if (IS_ERR(s))
			return PTR_ERR(s);
		list_add_tail(&s->list, schemes);
	}
}

static int damon_dbgfs_schemes_apply(struct damon_ctx *ctx, char *text,
				     void *arg)
{
	struct list_head *schemes = arg;
	struct damos *s, *next;

	damon_for_each_scheme_safe(s, next, ctx)
		damon_destroy_scheme(s);
	list_for_each_entry_safe(s, next, schemes, list) {
		list_del_init(&s->list);
		damon_add_scheme(ctx, s);
	}
	return 0;
}

static ssize_t damon_dbgfs_schemes_write(struct file *file,
					 const char __user *buf, size_t count,
					 loff_t *ppos)
{
	struct damos *s, *next;
	LIST_HEAD(schemes);
	ssize_t ret;

	ret = damon_dbgfs_ctx_write(file, buf, count, ppos,
				    damon_dbgfs_schemes_parse,
				    damon_dbgfs_schemes_apply, &schemes);
	list_for_each_entry_safe(s, next, &schemes, list) {
		list_del_init(&s->list);
		damon_destroy_scheme(s);
	}
	return ret;
}

static ssize_t damon_dbgfs_kdamond_pid_read(struct file *file,
					    char __user *buf, size_t count,
					    loff_t *ppos)
{
	struct damon_dbgfs_ctx *c = file->private_data;
	char text[DAMON_DBGFS_NUM_LEN];
	int pid, len, err;

	err = damon_dbgfs_lock_ctx(c);
	if (err)
		return err;
	pid = damon_kdamond_pid(c->ctx);
	mutex_unlock(&damon_dbgfs_lock);
	if (pid < 0)
		len = scnprintf(text, sizeof(text), "none\n");
	else
		len = scnprintf(text, sizeof(text), "%d\n", pid);
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

/* === root files === */

/* The contexts, in list order, for damon_start() and damon_stop(). */
static struct damon_ctx **damon_dbgfs_ctx_array(void)
{
	struct damon_dbgfs_ctx *c;
	struct damon_ctx **ctxs;
	unsigned int i = 0;

	ctxs = kcalloc(damon_dbgfs_nr_ctxs, sizeof(*ctxs), GFP_KERNEL);
	if (!ctxs)
		return NULL;
	list_for_each_entry(c, &damon_dbgfs_ctxs, list)
		ctxs[i++] = c->ctx;
	return ctxs;
}

static int damon_dbgfs_turn_on(void)
{
	struct damon_dbgfs_ctx *c;
	struct damon_ctx **ctxs;
	int err;

	if (damon_dbgfs_any_running())
		return -EBUSY;
	list_for_each_entry(c, &damon_dbgfs_ctxs, list) {
		if (damon_targets_empty(c->ctx))
			return -EINVAL;
	}
	ctxs = damon_dbgfs_ctx_array();
	if (!ctxs)
		return -ENOMEM;
	err = damon_start(ctxs, damon_dbgfs_nr_ctxs, true);
	kfree(ctxs);
	if (err)
		return err;
	list_for_each_entry(c, &damon_dbgfs_ctxs, list)
		c->started = true;
	return 0;
}

/*
 * Stop the contexts still running; those whose processes all exited have
 * stopped already.  Return: 0, or -EPERM if none was running.
 */
static int damon_dbgfs_turn_off(void)
{
	struct damon_ctx **ctxs;

	if (!damon_dbgfs_any_running())
		return -EPERM;
	ctxs = damon_dbgfs_ctx_array();
	if (!ctxs)
		return -ENOMEM;
	damon_stop(ctxs, damon_dbgfs_nr_ctxs);
	kfree(ctxs);
	damon_dbgfs_reap();
	return 0;
}

static ssize_t damon_dbgfs_monitor_on_read(struct file *file,
					   char __user *buf, size_t count,
					   loff_t *ppos)
{
	const char *text;

	damon_dbgfs_warn();
	mutex_lock(&damon_dbgfs_lock);
	text = damon_dbgfs_any_running() ? "on\n" : "off\n";
	mutex_unlock(&damon_dbgfs_lock);
	return simple_read_from_buffer(buf, count, ppos, text, strlen(text));
}

/*
 * The writers of the root files take one word: call @fn with it, or with
 * NULL if the write is not one word, with damon_dbgfs_lock held.
 */
static ssize_t damon_dbgfs_root_write(const char __user *buf, size_t count,
				      loff_t *ppos,
				      int (*fn)(const char *word, void *arg),
				      void *arg)
{
	char *kbuf;
	int err;

	kbuf = damon_dbgfs_input(buf, count, ppos);
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);
	damon_dbgfs_warn();
	mutex_lock(&damon_dbgfs_lock);
	damon_dbgfs_reap();
	err = fn(damon_dbgfs_word(kbuf), arg);
	mutex_unlock(&damon_dbgfs_lock);
	kvfree(kbuf);
	return err ? err : count;
}

static int damon_dbgfs_monitor_on(const char *word, void *arg)
{
	if (word && !strcmp(word, "on"))
		return damon_dbgfs_turn_on();
	if (word && !strcmp(word, "off"))
		return damon_dbgfs_turn_off();
	return -EINVAL;
}

static ssize_t damon_dbgfs_monitor_on_write(struct file *file,
					    const char __user *buf,
					    size_t count, loff_t *ppos)
{
	return damon_dbgfs_root_write(buf, count, ppos, damon_dbgfs_monitor_on,
				      NULL);
}

static const char damon_dbgfs_deprecation[] =
	"The DAMON debugfs interface is deprecated and will be removed.\n"
	"Use the sysfs interface, /sys/kernel/mm/damon/admin, instead.\n"
	"If you cannot, tell damon@lists.linux.dev and linux-mm@kvack.org why.\n";

static ssize_t damon_dbgfs_deprecated_read(struct file *file,
					   char __user *buf, size_t count,
					   loff_t *ppos)
{
	return simple_read_from_buffer(buf, count, ppos,
				       damon_dbgfs_deprecation,
				       sizeof(damon_dbgfs_deprecation) - 1);
}

static int damon_dbgfs_add_ctx(const char *name);

static int damon_dbgfs_mk_context(const char *name, void *arg)
{
	if (!name || strlen(name) > NAME_MAX || strchr(name, '/'))
		return -EINVAL;
	if (damon_dbgfs_any_running())
		return -EBUSY;
	return damon_dbgfs_add_ctx(name);
}

static ssize_t damon_dbgfs_mk_contexts_write(struct file *file,
					     const char __user *buf,
					     size_t count, loff_t *ppos)
{
	return damon_dbgfs_root_write(buf, count, ppos, damon_dbgfs_mk_context,
				      NULL);
}

static void damon_dbgfs_free_ctx(struct damon_dbgfs_ctx *c)
{
	if (c->ctx)
		damon_destroy_ctx(c->ctx);
	kfree(c->name);
	kfree(c);
}

/* Take the context @name out of the list, into *@arg, to remove it. */
static int damon_dbgfs_rm_context(const char *name, void *arg)
{
	struct damon_dbgfs_ctx **found = arg, *c;

	if (!name)
		return -EINVAL;
	if (damon_dbgfs_any_running())
		return -EBUSY;
	list_for_each_entry(c, &damon_dbgfs_ctxs, list) {
		if (c->name && !strcmp(c->name, name)) {
			list_del(&c->list);
			damon_dbgfs_nr_ctxs--;
			c->removed = true;
			*found = c;
			return 0;
		}
	}
	return -ENOENT;
}

static ssize_t damon_dbgfs_rm_contexts_write(struct file *file,
					     const char __user *buf,
					     size_t count, loff_t *ppos)
{
	struct damon_dbgfs_ctx *found = NULL;
	ssize_t ret;

	ret = damon_dbgfs_root_write(buf, count, ppos, damon_dbgfs_rm_context,
				     &found);
	if (found) {
		/* Waits for the handlers of its files, which need the lock. */
		debugfs_remove(found->dir);
		damon_dbgfs_free_ctx(found);
	}
	return ret;
}

#define DAMON_DBGFS_FOPS(_name, _read, _write)				\
	static const struct file_operations _name = {			\
		.owner = THIS_MODULE,					\
		.open = simple_open,					\
		.read = _read,						\
		.write = _write,					\
		.llseek = default_llseek,				\
	}

DAMON_DBGFS_FOPS(damon_dbgfs_attrs_fops, damon_dbgfs_attrs_read,
		 damon_dbgfs_attrs_write);
DAMON_DBGFS_FOPS(damon_dbgfs_target_ids_fops, damon_dbgfs_target_ids_read,
		 damon_dbgfs_target_ids_write);
DAMON_DBGFS_FOPS(damon_dbgfs_init_regions_fops, damon_dbgfs_init_regions_read,
		 damon_dbgfs_init_regions_write);
DAMON_DBGFS_FOPS(damon_dbgfs_schemes_fops, damon_dbgfs_schemes_read,
		 damon_dbgfs_schemes_write);
DAMON_DBGFS_FOPS(damon_dbgfs_kdamond_pid_fops, damon_dbgfs_kdamond_pid_read,
		 NULL);
DAMON_DBGFS_FOPS(damon_dbgfs_monitor_on_fops, damon_dbgfs_monitor_on_read,
		 damon_dbgfs_monitor_on_write);
DAMON_DBGFS_FOPS(damon_dbgfs_mk_contexts_fops, NULL,
		 damon_dbgfs_mk_contexts_write);
DAMON_DBGFS_FOPS(damon_dbgfs_rm_contexts_fops, NULL,
		 damon_dbgfs_rm_contexts_write);
DAMON_DBGFS_FOPS(damon_dbgfs_deprecated_fops, damon_dbgfs_deprecated_read,
		 NULL);

struct damon_dbgfs_file {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
};

static const struct damon_dbgfs_file damon_dbgfs_ctx_files[] = {
	{ "attrs", 0600, &damon_dbgfs_attrs_fops },
	{ "target_ids", 0600, &damon_dbgfs_target_ids_fops },
	{ "init_regions", 0600, &damon_dbgfs_init_regions_fops },
	{ "schemes", 0600, &damon_dbgfs_schemes_fops },
	{ "kdamond_pid", 0400, &damon_dbgfs_kdamond_pid_fops },
};

static const struct damon_dbgfs_file damon_dbgfs_root_files[] = {
	{ "monitor_on_DEPRECATED", 0600, &damon_dbgfs_monitor_on_fops },
	{ "mk_contexts", 0200, &damon_dbgfs_mk_contexts_fops },
	{ "rm_contexts", 0200, &damon_dbgfs_rm_contexts_fops },
	{ "DEPRECATED", 0400, &damon_dbgfs_deprecated_fops },
};

/*
 * Add a context with its files in the directory @name, or in the root
 * directory if @name is NULL.  Called with damon_dbgfs_lock held.
 */
static int damon_dbgfs_add_ctx(const char *name)
{
	struct damon_dbgfs_ctx *c;
	int i, err;

	if (damon_dbgfs_nr_ctxs > DAMON_DBGFS_MAX_CTXS)
		return -ENOSPC;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->ctx = damon_new_ctx();
	if (name)
		c->name = kstrdup(name, GFP_KERNEL);
	if (!c->ctx || (name && !c->name)) {
		damon_dbgfs_free_ctx(c);
		return -ENOMEM;
	}
	err = damon_select_ops(c->ctx, DAMON_OPS_VADDR);
	if (err) {
		damon_dbgfs_free_ctx(c);
		return err;
	}
	if (name) {
		/* Tell the writer rather than the kernel log about a clash. */
		c->dir = debugfs_lookup(name, damon_dbgfs_root);
		if (c->dir) {
			dput(c->dir);
			c->dir = NULL;
			damon_dbgfs_free_ctx(c);
			return -EEXIST;
		}
		c->dir = debugfs_create_dir(name, damon_dbgfs_root);
		if (IS_ERR(c->dir)) {
			err = PTR_ERR(c->dir);
			damon_dbgfs_free_ctx(c);
			return err;
		}
	} else {
		c->dir = damon_dbgfs_root;
	}
	for (i = 0; i < ARRAY_SIZE(damon_dbgfs_ctx_files); i++) {
		const struct damon_dbgfs_file *f = &damon_dbgfs_ctx_files[i];

		debugfs_create_file(f->name, f->mode, c->dir, c, f->fops);
	}
	list_add_tail(&c->list, &damon_dbgfs_ctxs);
	damon_dbgfs_nr_ctxs++;
	return 0;
}

/* === start-up === */

static int __init damon_dbgfs_init(void)
{
	int i, err;

	damon_dbgfs_root = debugfs_create_dir("damon", NULL);
	if (IS_ERR(damon_dbgfs_root))
		return PTR_ERR(damon_dbgfs_root);
	for (i = 0; i < ARRAY_SIZE(damon_dbgfs_root_files); i++) {
		const struct damon_dbgfs_file *f = &damon_dbgfs_root_files[i];

		debugfs_create_file(f->name, f->mode, damon_dbgfs_root, NULL,
				    f->fops);
	}
	mutex_lock(&damon_dbgfs_lock);
	err = damon_dbgfs_add_ctx(NULL);
	mutex_unlock(&damon_dbgfs_lock);
	if (err) {
		debugfs_remove(damon_dbgfs_root);
		pr_err("no debugfs interface: %d\n", err);
	}
	return err;
}
late_initcall(damon_dbgfs_init);
