// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the DAMON sysfs interface's pure helpers: parsing of the
 * written keywords and numbers, the shared value-file handlers, building
 * a &struct damon_ctx from the sysfs-side directory structures, and the
 * text of tried_regions/table.
 *
 * The fixtures are real directory structures whose kobjects are never
 * initialised: building a context only reads their values.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "../sysfs-common.h"

#define NR_TEST_REGIONS	3
#define NR_TEST_TARGETS	2

/* A context directory with two targets, the first with three regions. */
struct damon_sysfs_test_fixture {
	struct damon_sysfs_region regions[NR_TEST_REGIONS];
	struct kobject *region_items[NR_TEST_REGIONS];
	struct damon_sysfs_array sys_regions[NR_TEST_TARGETS];
	struct damon_sysfs_target targets[NR_TEST_TARGETS];
	struct kobject *target_items[NR_TEST_TARGETS];
	struct damon_sysfs_array sys_targets;
	struct damon_sysfs_intervals_goal goal;
	struct damon_sysfs_intervals intervals;
	struct damon_sysfs_range range;
	struct damon_sysfs_mon_attrs attrs;
	struct damon_sysfs_array schemes;
	struct damon_sysfs_context context;
	struct kobject *context_items[1];
	struct damon_sysfs_array contexts;
	struct damon_sysfs_kdamond kdamond;
};

static struct damon_sysfs_test_fixture *
damon_sysfs_test_fixture(struct kunit *test, enum damon_ops_id ops_id)
{
	struct damon_sysfs_test_fixture *f;
	int i;

	if (!damon_is_registered_ops(ops_id))
		kunit_skip(test, "operations set %d is not registered", ops_id);
	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	if (!f)
		kunit_skip(test, "out of memory");

	for (i = 0; i < NR_TEST_REGIONS; i++) {
		f->regions[i].ar.start = (10 + 4 * i) * PAGE_SIZE;
		f->regions[i].ar.end = (12 + 4 * i) * PAGE_SIZE;
		f->region_items[i] = &f->regions[i].kobj;
	}
	f->sys_regions[0].items = f->region_items;
	f->sys_regions[0].nr = NR_TEST_REGIONS;

	for (i = 0; i < NR_TEST_TARGETS; i++) {
		f->targets[i].pid = task_pid_nr(current);
		f->targets[i].regions = &f->sys_regions[i];
		f->target_items[i] = &f->targets[i].kobj;
	}
	f->sys_targets.items = f->target_items;
	f->sys_targets.nr = NR_TEST_TARGETS;

	f->intervals.sample_us = 2000;
	f->intervals.aggr_us = 40000;
	f->intervals.update_us = 1000000;
	f->goal.goal = (struct damon_intervals_goal){
		.access_bp = 400, .aggrs = 3,
		.min_sample_us = 1000, .max_sample_us = 100000,
	};
	f->intervals.goal = &f->goal;
	f->range.min = 20;
	f->range.max = 500;
	f->attrs.intervals = &f->intervals;
	f->attrs.nr_regions = &f->range;

	f->context.ops_id = ops_id;
	f->context.mon_attrs = &f->attrs;
	f->context.targets = &f->sys_targets;
	f->context.schemes = &f->schemes;
	f->context_items[0] = &f->context.kobj;
	f->contexts.items = f->context_items;
	f->contexts.nr = 1;
	f->kdamond.contexts = &f->contexts;
	return f;
}

/* The command @word parses to, which must be the one named @word. */
static const struct damon_sysfs_cmd *
damon_sysfs_test_cmd(struct kunit *test, const char *word)
{
	const struct damon_sysfs_cmd *cmd = damon_sysfs_find_cmd(word);

	KUNIT_ASSERT_NOT_NULL(test, cmd);
	KUNIT_EXPECT_STREQ(test, cmd->word, word);
	/* One way to run it; a request to make, and what it made to free. */
	KUNIT_EXPECT_EQ(test, !!cmd->run + !!cmd->run_dir + !!cmd->prepare, 1);
	KUNIT_EXPECT_EQ(test, !cmd->prepare, !cmd->release);
	KUNIT_EXPECT_TRUE(test, cmd->prepare || !cmd->publish);
	return cmd;
}

static void damon_sysfs_test_parse_cmd(struct kunit *test)
{
	static const char * const words[] = {
		"on", "off", "commit", "commit_schemes_quota_goals",
		"update_schemes_stats", "update_schemes_tried_regions",
		"update_schemes_tried_bytes", "clear_schemes_tried_regions",
		"update_schemes_effective_quotas",
	};
	const struct damon_sysfs_cmd *on;
	int i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		damon_sysfs_test_cmd(test, words[i]);

	on = damon_sysfs_test_cmd(test, "on");
	KUNIT_EXPECT_NOT_NULL(test, on->run);
	KUNIT_EXPECT_PTR_EQ(test, damon_sysfs_find_cmd("on\n"), on);
	KUNIT_EXPECT_PTR_NE(test, damon_sysfs_find_cmd("off\n"), on);
	KUNIT_EXPECT_NULL(test, on->prepare);
	on = damon_sysfs_test_cmd(test, "update_schemes_stats");
	KUNIT_EXPECT_NOT_NULL(test, on->prepare);
	KUNIT_EXPECT_NOT_NULL(test, on->publish);
	on = damon_sysfs_test_cmd(test, "clear_schemes_tried_regions");
	KUNIT_EXPECT_NOT_NULL(test, on->run_dir);

	KUNIT_EXPECT_NULL(test, damon_sysfs_find_cmd(""));
	KUNIT_EXPECT_NULL(test, damon_sysfs_find_cmd("o"));
	KUNIT_EXPECT_NULL(test, damon_sysfs_find_cmd("onn"));
	KUNIT_EXPECT_NULL(test, damon_sysfs_find_cmd("ON"));
	KUNIT_EXPECT_NULL(test, damon_sysfs_find_cmd("on off"));
}

static void damon_sysfs_test_parse_ops(struct kunit *test)
{
	const char * const *words = damon_sysfs_ops_words;

	KUNIT_EXPECT_EQ(test, damon_sysfs_find_word("paddr\n", words),
			DAMON_OPS_PADDR);
	KUNIT_EXPECT_EQ(test, damon_sysfs_find_word("fvaddr", words),
			DAMON_OPS_FVADDR);
	KUNIT_EXPECT_EQ(test, damon_sysfs_find_word("vaddr", words),
			DAMON_OPS_VADDR);
	KUNIT_EXPECT_NULL(test, words[NR_DAMON_OPS]);

	KUNIT_EXPECT_EQ(test, damon_sysfs_find_word("vaddrx", words), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_find_word("", words), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_find_word("addr", words), -EINVAL);
}

/* A directory with one value of every format. */
struct damon_sysfs_test_vals {
	struct kobject kobj;
	unsigned long ul;
	int i;
	unsigned int ui;
	bool flag;
	enum damon_ops_id ops;
};

static const char * const damon_sysfs_test_ops_words[] = {
	[DAMON_OPS_VADDR] = "vaddr",
	[DAMON_OPS_FVADDR] = "fvaddr",
	[DAMON_OPS_PADDR] = "paddr",
	NULL
};

static struct damon_sysfs_file damon_sysfs_test_files[] = {
	DAMON_SYSFS_UL("ul", struct damon_sysfs_test_vals, ul),
	DAMON_SYSFS_INT("i", struct damon_sysfs_test_vals, i),
	DAMON_SYSFS_UINT("ui", struct damon_sysfs_test_vals, ui),
	DAMON_SYSFS_BOOL("flag", struct damon_sysfs_test_vals, flag),
	DAMON_SYSFS_WORD("ops", struct damon_sysfs_test_vals, ops,
			 damon_sysfs_test_ops_words),
	DAMON_SYSFS_UL_RO("ul_ro", struct damon_sysfs_test_vals, ul),
};

/* Write @buf to file @n of @v through its store handler. */
static ssize_t damon_sysfs_test_store(struct damon_sysfs_test_vals *v, int n,
				      const char *buf)
{
	struct kobj_attribute *attr = &damon_sysfs_test_files[n].kattr;

	return attr->store(&v->kobj, attr, buf, strlen(buf));
}

/* Read file @n of @v through its show handler into @buf. */
static ssize_t damon_sysfs_test_show(struct damon_sysfs_test_vals *v, int n,
				     char *buf)
{
	struct kobj_attribute *attr = &damon_sysfs_test_files[n].kattr;

	return attr->show(&v->kobj, attr, buf);
}

static void damon_sysfs_test_val_files(struct kunit *test)
{
	struct damon_sysfs_test_vals *v;
	char *buf;

	v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	if (!v || !buf)
		kunit_skip(test, "out of memory");

	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 0, "4096\n"), 5);
	KUNIT_EXPECT_EQ(test, v->ul, 4096);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 0, "-1"), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 0, "x"), -EINVAL);
	/* kstrtoul()'s range error is kept, as in the stock ABI. */
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 0,
						     "18446744073709551616"),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, v->ul, 4096);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_show(v, 0, buf), 5);
	KUNIT_EXPECT_STREQ(test, buf, "4096\n");
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 0,
						     "18446744073709551615"),
			20);
	KUNIT_EXPECT_EQ(test, v->ul, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 0, "4096"), 4);

	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 1, "-7"), 2);
	KUNIT_EXPECT_EQ(test, v->i, -7);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 1, "99999999999"),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, v->i, -7);
	damon_sysfs_test_show(v, 1, buf);
	KUNIT_EXPECT_STREQ(test, buf, "-7\n");

	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 2, "4294967295"), 10);
	KUNIT_EXPECT_EQ(test, v->ui, UINT_MAX);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 2, "4294967296"),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 2, "-1"), -EINVAL);
	KUNIT_EXPECT_EQ(test, v->ui, UINT_MAX);
	damon_sysfs_test_show(v, 2, buf);
	KUNIT_EXPECT_STREQ(test, buf, "4294967295\n");

	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 3, "Y"), 1);
	KUNIT_EXPECT_TRUE(test, v->flag);
	damon_sysfs_test_show(v, 3, buf);
	KUNIT_EXPECT_STREQ(test, buf, "Y\n");
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 3, "0"), 1);
	KUNIT_EXPECT_FALSE(test, v->flag);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 3, "maybe"), -EINVAL);
	damon_sysfs_test_show(v, 3, buf);
	KUNIT_EXPECT_STREQ(test, buf, "N\n");

	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 4, "paddr\n"), 6);
	KUNIT_EXPECT_EQ(test, v->ops, DAMON_OPS_PADDR);
	/* A failed parse leaves the previous value alone. */
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_store(v, 4, "vaddrx"), -EINVAL);
	KUNIT_EXPECT_EQ(test, v->ops, DAMON_OPS_PADDR);
	damon_sysfs_test_show(v, 4, buf);
	KUNIT_EXPECT_STREQ(test, buf, "paddr\n");

	/* A read-only file has no store handler and 0400. */
	KUNIT_EXPECT_NULL(test, damon_sysfs_test_files[5].kattr.store);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_files[5].kattr.attr.mode, 0400);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_files[0].kattr.attr.mode, 0600);
	damon_sysfs_test_show(v, 5, buf);
	KUNIT_EXPECT_STREQ(test, buf, "4096\n");
}

static void damon_sysfs_test_parse_nr(struct kunit *test)
{
	int nr = -1;

	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_nr("3\n", &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 3);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_nr("0", &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 0);

	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_nr("-1", &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_nr("abc", &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_nr("", &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_nr("99999999999", &nr),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, nr, 0);
}

static void damon_sysfs_test_build_ctx(struct kunit *test)
{
	struct damon_sysfs_test_fixture *f;
	struct damon_target *t;
	struct damon_region *r;
	struct damon_ctx *ctx;
	int i = 0, j;

	f = damon_sysfs_test_fixture(test, DAMON_OPS_VADDR);
	ctx = damon_sysfs_ctx_from_dir(&f->context);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));

	KUNIT_EXPECT_EQ(test, ctx->ops.id, DAMON_OPS_VADDR);
	KUNIT_EXPECT_EQ(test, ctx->attrs.sample_interval, 2000);
	KUNIT_EXPECT_EQ(test, ctx->attrs.aggr_interval, 40000);
	KUNIT_EXPECT_EQ(test, ctx->attrs.ops_update_interval, 1000000);
	KUNIT_EXPECT_EQ(test, ctx->attrs.min_nr_regions, 20);
	KUNIT_EXPECT_EQ(test, ctx->attrs.max_nr_regions, 500);
	KUNIT_EXPECT_EQ(test, ctx->attrs.intervals_goal.access_bp, 400);
	KUNIT_EXPECT_EQ(test, ctx->attrs.intervals_goal.aggrs, 3);
	KUNIT_EXPECT_EQ(test, ctx->attrs.intervals_goal.min_sample_us, 1000);
	KUNIT_EXPECT_EQ(test, ctx->attrs.intervals_goal.max_sample_us, 100000);

	damon_for_each_target(t, ctx) {
		KUNIT_EXPECT_PTR_EQ(test, t->pid, task_pid(current));
		if (i == 0) {
			KUNIT_EXPECT_EQ(test, damon_nr_regions(t),
					NR_TEST_REGIONS);
			j = 0;
			damon_for_each_region(r, t) {
				KUNIT_EXPECT_EQ(test, r->ar.start,
						f->regions[j].ar.start);
				KUNIT_EXPECT_EQ(test, r->ar.end,
						f->regions[j].ar.end);
				j++;
			}
		} else {
			KUNIT_EXPECT_EQ(test, damon_nr_regions(t), 0);
		}
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, NR_TEST_TARGETS);
	damon_destroy_ctx(ctx);
}

static void damon_sysfs_test_build_ctx_bad_regions(struct kunit *test)
{
	struct damon_sysfs_test_fixture *f;
	struct damon_ctx *ctx;

	f = damon_sysfs_test_fixture(test, DAMON_OPS_VADDR);

	/* Overlapping neighbours. */
	f->regions[1].ar.start = f->regions[0].ar.end - PAGE_SIZE;
	ctx = damon_sysfs_ctx_from_dir(&f->context);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ctx), -EINVAL);

	/* Not sorted. */
	f->regions[1].ar.start = 0;
	f->regions[1].ar.end = PAGE_SIZE;
	ctx = damon_sysfs_ctx_from_dir(&f->context);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ctx), -EINVAL);

	/* Empty. */
	f->regions[1].ar.start = f->regions[0].ar.end;
	f->regions[1].ar.end = f->regions[1].ar.start;
	ctx = damon_sysfs_ctx_from_dir(&f->context);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ctx), -EINVAL);

	/* Touching neighbours are fine. */
	f->regions[1].ar.end = f->regions[2].ar.start;
	ctx = damon_sysfs_ctx_from_dir(&f->context);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));
	damon_destroy_ctx(ctx);
}

static void damon_sysfs_test_build_ctx_bad_pid(struct kunit *test)
{
	struct damon_sysfs_test_fixture *f;
	struct damon_ctx *ctx;

	f = damon_sysfs_test_fixture(test, DAMON_OPS_VADDR);

	f->targets[1].pid = -1;
	ctx = damon_sysfs_ctx_from_dir(&f->context);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ctx), -EINVAL);

	f->targets[1].pid = INT_MAX;
	ctx = damon_sysfs_ctx_from_dir(&f->context);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ctx), -EINVAL);
}

static void damon_sysfs_test_build_ctx_bad_attrs(struct kunit *test)
{
	struct damon_sysfs_test_fixture *f;
	struct damon_ctx *ctx;

	f = damon_sysfs_test_fixture(test, DAMON_OPS_VADDR);

	f->range.min = 600;
	f->range.max = 500;
	ctx = damon_sysfs_ctx_from_dir(&f->context);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ctx), -EINVAL);
}

static void damon_sysfs_test_build_ctx_paddr(struct kunit *test)
{
	struct damon_sysfs_test_fixture *f;
	struct damon_target *t;
	struct damon_ctx *ctx;

	f = damon_sysfs_test_fixture(test, DAMON_OPS_PADDR);

	/* The physical address space has no process: the pid is ignored. */
	f->targets[0].pid = -1;
	f->sys_targets.nr = 1;
	ctx = damon_sysfs_ctx_from_dir(&f->context);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));
	KUNIT_EXPECT_FALSE(test, damon_targets_empty(ctx));
	damon_for_each_target(t, ctx) {
		KUNIT_EXPECT_NULL(test, t->pid);
		KUNIT_EXPECT_EQ(test, damon_nr_regions(t), NR_TEST_REGIONS);
	}
	damon_destroy_ctx(ctx);
}

/* === Schemes === */

#define NR_TEST_FILTERS	3

/* A schemes/<N>/ directory with three filters and one quota goal. */
struct damon_sysfs_test_scheme {
	struct damon_sysfs_range sz, nr_accesses, age;
	struct damon_sysfs_access_pattern ap;
	struct damon_sysfs_weights weights;
	struct damon_sysfs_quota_goal goal;
	struct kobject *goal_items[1];
	struct damon_sysfs_array goals;
	struct damon_sysfs_quotas quotas;
	struct damon_sysfs_watermarks wmarks;
	struct damon_sysfs_filter filters[NR_TEST_FILTERS];
	struct kobject *filter_items[NR_TEST_FILTERS];
	struct damon_sysfs_array sys_filters;
	struct damon_sysfs_array core_filters, ops_filters;
	struct damon_sysfs_stats stats;
	struct damon_sysfs_tried_regions tried;
	struct damon_sysfs_scheme scheme;
};

static struct damon_sysfs_test_scheme *
damon_sysfs_test_scheme(struct kunit *test)
{
	struct damon_sysfs_test_scheme *f;
	int i;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	if (!f)
		kunit_skip(test, "out of memory");
	f->sz.min = PAGE_SIZE;
	f->sz.max = 16 * PAGE_SIZE;
	f->nr_accesses.min = 0;
	f->nr_accesses.max = 5;
	f->age.min = 3;
	f->age.max = 300;
	f->ap.sz = &f->sz;
	f->ap.nr_accesses = &f->nr_accesses;
	f->ap.age = &f->age;

	f->weights.permil[0] = 1;
	f->weights.permil[1] = 2;
	f->weights.permil[2] = 3;
	f->goal.goal.metric = DAMOS_QUOTA_USER_INPUT;
	f->goal.goal.target_value = 10000;
	f->goal.goal.current_value = 42;
	f->goal_items[0] = &f->goal.kobj;
	f->goals.items = f->goal_items;
	f->goals.nr = 1;
	f->quotas.weights = &f->weights;
	f->quotas.goals = &f->goals;
	f->quotas.time_ms = 10;
	f->quotas.bytes = 1 << 20;
	f->quotas.reset_ms = 1000;

	f->wmarks.wm.metric = DAMOS_WMARK_FREE_MEM_RATE;
	f->wmarks.wm.interval = 5000;
	f->wmarks.wm.high = 900;
	f->wmarks.wm.mid = 500;
	f->wmarks.wm.low = 100;

	f->filters[0].type = DAMOS_FILTER_TYPE_ADDR;
	f->filters[0].matching = true;
	f->filters[0].range.start = PAGE_SIZE;
	f->filters[0].range.end = 4 * PAGE_SIZE;
	f->filters[1].type = DAMOS_FILTER_TYPE_TARGET;
	f->filters[1].target_idx = 1;
	f->filters[1].allow = true;
	f->filters[2].type = DAMOS_FILTER_TYPE_ANON;
	f->filters[2].matching = true;
	for (i = 0; i < NR_TEST_FILTERS; i++)
		f->filter_items[i] = &f->filters[i].kobj;
	f->sys_filters.items = f->filter_items;
	f->sys_filters.nr = NR_TEST_FILTERS;

	f->scheme.action = DAMOS_PAGEOUT;
	f->scheme.target_nid = NUMA_NO_NODE;
	f->scheme.apply_interval_us = 20000;
	f->scheme.access_pattern = &f->ap;
	f->scheme.quotas = &f->quotas;
	f->scheme.watermarks = &f->wmarks;
	f->scheme.filters = &f->sys_filters;
	f->scheme.core_filters = &f->core_filters;
	f->scheme.ops_filters = &f->ops_filters;
	f->scheme.stats = &f->stats;
	f->scheme.tried_regions = &f->tried;
	return f;
}

/* damon_sysfs_scheme_from_dir() with the sysfs lock held, as "on" calls it. */
static struct damos *damon_sysfs_test_locked_build(struct damon_sysfs_scheme *s)
{
	struct damos *scheme;

	mutex_lock(&damon_sysfs_lock);
	scheme = damon_sysfs_scheme_from_dir(s);
	mutex_unlock(&damon_sysfs_lock);
	return scheme;
}

/*
 * core_filters/ takes the filters of the core, ops_filters/ the others;
 * their filters come before those of filters/, and a filter of the wrong
 * layer fails the build.  The hugepage_size filter takes min and max.
 */
static void damon_sysfs_test_build_filter_layers(struct kunit *test)
{
	struct damon_sysfs_test_scheme *f = damon_sysfs_test_scheme(test);
	const enum damos_filter_type want[] = {
		DAMOS_FILTER_TYPE_ADDR, DAMOS_FILTER_TYPE_HUGEPAGE_SIZE,
		DAMOS_FILTER_TYPE_TARGET,
	};
	struct kobject *core_items[1], *ops_items[1], *any_items[1];
	struct damos_filter *filter;
	struct damos *s;
	int i = 0;

	f->filters[2].type = DAMOS_FILTER_TYPE_HUGEPAGE_SIZE;
	f->filters[2].sz_range.min = SZ_2M;
	f->filters[2].sz_range.max = SZ_1G;
	core_items[0] = f->filter_items[0];
	ops_items[0] = f->filter_items[2];
	any_items[0] = f->filter_items[1];
	f->core_filters = (struct damon_sysfs_array){ .items = core_items,
						      .nr = 1 };
	f->ops_filters = (struct damon_sysfs_array){ .items = ops_items,
						     .nr = 1 };
	f->sys_filters = (struct damon_sysfs_array){ .items = any_items,
						     .nr = 1 };
	s = damon_sysfs_test_locked_build(&f->scheme);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	damos_for_each_filter(filter, s) {
		if (i < ARRAY_SIZE(want))
			KUNIT_EXPECT_EQ(test, filter->type, want[i]);
		if (filter->type == DAMOS_FILTER_TYPE_HUGEPAGE_SIZE) {
			KUNIT_EXPECT_EQ(test, filter->sz_range.min,
					(unsigned long)SZ_2M);
			KUNIT_EXPECT_EQ(test, filter->sz_range.max,
					(unsigned long)SZ_1G);
		}
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, 3);
	damon_destroy_scheme(s);

	/* An ops filter in core_filters/, a core one in ops_filters/. */
	core_items[0] = f->filter_items[2];
	s = damon_sysfs_test_locked_build(&f->scheme);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(s), -EINVAL);
	core_items[0] = f->filter_items[0];
	ops_items[0] = f->filter_items[1];
	s = damon_sysfs_test_locked_build(&f->scheme);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(s), -EINVAL);
}

static void damon_sysfs_test_build_scheme(struct kunit *test)
{
	struct damon_sysfs_test_scheme *f = damon_sysfs_test_scheme(test);
	struct damos_quota_goal *goal;
	struct damos_filter *filter;
	struct damos *s;
	int i = 0;

	s = damon_sysfs_test_locked_build(&f->scheme);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));

	KUNIT_EXPECT_EQ(test, s->action, DAMOS_PAGEOUT);
	KUNIT_EXPECT_EQ(test, s->target_nid, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, s->apply_interval_us, 20000);
	KUNIT_EXPECT_EQ(test, s->pattern.min_sz_region, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, s->pattern.max_sz_region, 16 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, s->pattern.min_nr_accesses, 0);
	KUNIT_EXPECT_EQ(test, s->pattern.max_nr_accesses, 5);
	KUNIT_EXPECT_EQ(test, s->pattern.min_age_region, 3);
	KUNIT_EXPECT_EQ(test, s->pattern.max_age_region, 300);

	KUNIT_EXPECT_EQ(test, s->quota.ms, 10);
	KUNIT_EXPECT_EQ(test, s->quota.sz, 1 << 20);
	KUNIT_EXPECT_EQ(test, s->quota.reset_interval, 1000);
	KUNIT_EXPECT_EQ(test, s->quota.weight_sz, 1);
	KUNIT_EXPECT_EQ(test, s->quota.weight_nr_accesses, 2);
	KUNIT_EXPECT_EQ(test, s->quota.weight_age, 3);
	damos_for_each_quota_goal(goal, &s->quota) {
		KUNIT_EXPECT_EQ(test, goal->metric, DAMOS_QUOTA_USER_INPUT);
		KUNIT_EXPECT_EQ(test, goal->target_value, 10000);
		KUNIT_EXPECT_EQ(test, goal->current_value, 42);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, 1);

	KUNIT_EXPECT_EQ(test, s->wmarks.metric, DAMOS_WMARK_FREE_MEM_RATE);
	KUNIT_EXPECT_EQ(test, s->wmarks.interval, 5000);
	KUNIT_EXPECT_EQ(test, s->wmarks.high, 900);
	KUNIT_EXPECT_EQ(test, s->wmarks.mid, 500);
	KUNIT_EXPECT_EQ(test, s->wmarks.low, 100);

	/* The filters keep the order of their directories. */
	i = 0;
	damos_for_each_filter(filter, s) {
		KUNIT_EXPECT_EQ(test, filter->type, f->filters[i].type);
		KUNIT_EXPECT_EQ(test, filter->matching, f->filters[i].matching);
		KUNIT_EXPECT_EQ(test, filter->allow, f->filters[i].allow);
		if (i == 0) {
			KUNIT_EXPECT_EQ(test, filter->addr_range.start,
					PAGE_SIZE);
			KUNIT_EXPECT_EQ(test, filter->addr_range.end,
					4 * PAGE_SIZE);
		} else if (i == 1) {
			KUNIT_EXPECT_EQ(test, filter->target_idx, 1);
		}
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, NR_TEST_FILTERS);
	damon_destroy_scheme(s);
}

static void damon_sysfs_test_build_scheme_bad(struct kunit *test)
{
	struct damon_sysfs_test_scheme *f = damon_sysfs_test_scheme(test);
	struct damos *s;

	/* Inverted ranges. */
	f->sz.min = f->sz.max + 1;
	s = damon_sysfs_test_locked_build(&f->scheme);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(s), -EINVAL);
	f->sz.min = 0;
	f->age.min = 301;
	s = damon_sysfs_test_locked_build(&f->scheme);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(s), -EINVAL);
	f->age.min = 0;

	/* A memcg filter without a path, then with one that names nothing. */
	f->filters[1].type = DAMOS_FILTER_TYPE_MEMCG;
	s = damon_sysfs_test_locked_build(&f->scheme);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(s), -EINVAL);
	f->filters[1].memcg_path = "/damon-kunit-no-such-cgroup";
	s = damon_sysfs_test_locked_build(&f->scheme);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(s), -EINVAL);
	f->filters[1].memcg_path = NULL;

	/* Back to a valid setting: it builds again. */
	f->filters[1].type = DAMOS_FILTER_TYPE_YOUNG;
	s = damon_sysfs_test_locked_build(&f->scheme);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	damon_destroy_scheme(s);
}

/*
 * Values the core keeps in narrower types are clamped, as tools write
 * ULONG_MAX for "no upper bound"; odd but meaningful values are kept.
 */
static void damon_sysfs_test_build_scheme_clamp(struct kunit *test)
{
	struct damon_sysfs_test_scheme *f = damon_sysfs_test_scheme(test);
	struct damos_filter *filter;
	struct damos *s;

	f->nr_accesses.max = ULONG_MAX;
	f->age.min = (unsigned long)UINT_MAX + 1;
	f->age.max = ULONG_MAX / 100000;
	f->sz.max = ULONG_MAX;
	f->weights.permil[1] = UINT_MAX;
	/* Inverted watermarks. */
	f->wmarks.wm.high = 100;
	f->wmarks.wm.low = 900;
	/* An empty address range and a negative target index. */
	f->filters[0].range.start = 8 * PAGE_SIZE;
	f->filters[0].range.end = 8 * PAGE_SIZE;
	f->filters[1].target_idx = -1;

	s = damon_sysfs_test_locked_build(&f->scheme);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	KUNIT_EXPECT_EQ(test, s->pattern.max_nr_accesses, UINT_MAX);
	KUNIT_EXPECT_EQ(test, s->pattern.min_age_region, UINT_MAX);
	KUNIT_EXPECT_EQ(test, s->pattern.max_age_region, UINT_MAX);
	KUNIT_EXPECT_EQ(test, s->pattern.max_sz_region, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, s->quota.weight_nr_accesses, UINT_MAX);
	KUNIT_EXPECT_EQ(test, s->wmarks.high, 100);
	KUNIT_EXPECT_EQ(test, s->wmarks.low, 900);
	filter = list_first_entry(&s->filters, struct damos_filter, list);
	KUNIT_EXPECT_EQ(test, filter->addr_range.start, 8 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, filter->addr_range.end, 8 * PAGE_SIZE);
	filter = list_next_entry(filter, list);
	KUNIT_EXPECT_EQ(test, filter->target_idx, -1);
	damon_destroy_scheme(s);
}

static void damon_sysfs_test_build_ctx_schemes(struct kunit *test)
{
	struct damon_sysfs_test_fixture *f;
	struct damon_sysfs_test_scheme *s0, *s1;
	struct kobject *items[2];
	struct damon_ctx *ctx;
	struct damos *s;
	int i = 0;

	f = damon_sysfs_test_fixture(test, DAMON_OPS_VADDR);
	s0 = damon_sysfs_test_scheme(test);
	s1 = damon_sysfs_test_scheme(test);
	s1->scheme.action = DAMOS_STAT;
	s1->sys_filters.nr = 0;
	items[0] = &s0->scheme.kobj;
	items[1] = &s1->scheme.kobj;
	f->schemes.items = items;
	f->schemes.nr = 2;

	mutex_lock(&damon_sysfs_lock);
	ctx = damon_sysfs_ctx_from_dir(&f->context);
	mutex_unlock(&damon_sysfs_lock);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));
	damon_for_each_scheme(s, ctx) {
		KUNIT_EXPECT_EQ(test, s->action,
				i ? DAMOS_STAT : DAMOS_PAGEOUT);
		KUNIT_EXPECT_EQ(test, list_empty(&s->filters), i == 1);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, 2);
	damon_destroy_ctx(ctx);

	/* A bad second scheme fails the whole context, without a leak. */
	s1->age.min = s1->age.max + 1;
	mutex_lock(&damon_sysfs_lock);
	ctx = damon_sysfs_ctx_from_dir(&f->context);
	mutex_unlock(&damon_sysfs_lock);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ctx), -EINVAL);
}

/* A running context with two schemes that are never due, and goals. */
static struct damon_ctx *damon_sysfs_test_goals_ctx(struct kunit *test)
{
	struct damos_access_pattern pattern = { .max_sz_region = ULONG_MAX };
	struct damos_watermarks wm = { .metric = DAMOS_WMARK_NONE };
	struct damos_quota quota = {};
	struct damon_attrs attrs;
	struct damos_quota_goal *g;
	struct damon_target *t;
	struct damon_region *r;
	struct damon_ctx *ctx;
	struct damos *s;
	int i;

	ctx = damon_new_ctx();
	if (!ctx)
		return NULL;
	ctx->ops.supported_actions = BIT(DAMOS_STAT);
	attrs = ctx->attrs;
	attrs.sample_interval = 1000;
	attrs.aggr_interval = 5000;
	t = damon_new_target();
	r = damon_new_region(0, 4 * PAGE_SIZE);
	if (damon_set_attrs(ctx, &attrs) || !t || !r)
		goto fail;
	damon_add_target(ctx, t);
	damon_add_region(r, t);
	t = NULL;
	r = NULL;
	for (i = 0; i < 2; i++) {
		s = damon_new_scheme(&pattern, DAMOS_STAT, 3600 * USEC_PER_SEC,
				     &quota, &wm, NUMA_NO_NODE);
		if (!s)
			goto fail;
		damon_add_scheme(ctx, s);
		g = damos_new_quota_goal(i ? DAMOS_QUOTA_USER_INPUT :
					 DAMOS_QUOTA_SOME_MEM_PSI_US, 5);
		if (!g)
			goto fail;
		g->last_psi_total = 77;
		damos_add_quota_goal(&s->quota, g);
	}
	if (damon_start(&ctx, 1, false))
		goto fail;
	return ctx;
fail:
	kfree(r);
	if (t)
		damon_destroy_target(t);
	damon_destroy_ctx(ctx);
	return NULL;
}

/*
 * commit_schemes_quota_goals replaces the goal list of each running scheme
 * by that of its directory: goals can be added, removed and change metric.
 */
static void damon_sysfs_test_commit_goals(struct kunit *test)
{
	static const struct {
		enum damos_quota_goal_metric metric;
		unsigned long target;
	} want[] = {
		{ DAMOS_QUOTA_SOME_MEM_PSI_US, 100 },
		{ DAMOS_QUOTA_USER_INPUT, 200 },
		{ DAMOS_QUOTA_USER_INPUT, 300 },
	};
	/* Two scheme directories, with the goals above and with none. */
	struct {
		struct damon_sysfs_quota_goal goals[ARRAY_SIZE(want)];
		struct kobject *goal_items[ARRAY_SIZE(want)];
		struct damon_sysfs_array sys_goals[2];
		struct damon_sysfs_quotas quotas[2];
		struct damon_sysfs_scheme dirs[2];
		struct kobject *dir_items[2];
		struct damon_sysfs_array schemes;
		struct damon_sysfs_context cdir;
	} *f;
	const struct damon_sysfs_cmd *cmd;
	struct damon_request req = {};
	struct damos_quota_goal *g;
	struct damon_ctx *ctx;
	struct damos *s;
	int i, err;

	/* On the heap: the directory structures are large under KASAN. */
	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	if (!f)
		kunit_skip(test, "out of memory");
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		f->goals[i].goal.metric = want[i].metric;
		f->goals[i].goal.target_value = want[i].target;
		f->goals[i].goal.current_value = i;
		f->goal_items[i] = &f->goals[i].kobj;
	}
	f->sys_goals[0].items = f->goal_items;
	f->sys_goals[0].nr = ARRAY_SIZE(want);
	for (i = 0; i < 2; i++) {
		f->quotas[i].goals = &f->sys_goals[i];
		f->dirs[i].quotas = &f->quotas[i];
		f->dir_items[i] = &f->dirs[i].kobj;
	}
	f->schemes.items = f->dir_items;
	f->schemes.nr = 2;
	f->cdir.schemes = &f->schemes;
	ctx = damon_sysfs_test_goals_ctx(test);
	if (!ctx)
		kunit_skip(test, "cannot start a context");
	cmd = damon_sysfs_test_cmd(test, "commit_schemes_quota_goals");
	mutex_lock(&damon_sysfs_lock);
	err = cmd->prepare(&f->cdir, &req);
	mutex_unlock(&damon_sysfs_lock);
	if (!err) {
		err = damon_request(ctx, &req);
		if (!err)
			err = req.result;
		cmd->release(&req);
	}
	damon_stop(&ctx, 1);
	KUNIT_EXPECT_EQ(test, err, 0);

	s = list_first_entry(&ctx->schemes, struct damos, list);
	i = 0;
	damos_for_each_quota_goal(g, &s->quota) {
		if (i < ARRAY_SIZE(want)) {
			KUNIT_EXPECT_EQ(test, g->metric, want[i].metric);
			KUNIT_EXPECT_EQ(test, g->target_value, want[i].target);
			KUNIT_EXPECT_EQ(test, g->current_value, i);
		}
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, ARRAY_SIZE(want));
	/* The PSI goal kept its position and metric: it keeps measuring. */
	g = list_first_entry(&s->quota.goals, struct damos_quota_goal, list);
	KUNIT_EXPECT_EQ(test, g->last_psi_total, 77);
	/* An empty goals/ directory removes the goals of its scheme. */
	s = list_next_entry(s, list);
	KUNIT_EXPECT_TRUE(test, list_empty(&s->quota.goals));
	damon_destroy_ctx(ctx);
}

static void damon_sysfs_test_cmds_not_running(struct kunit *test)
{
	const struct damon_sysfs_cmd *cmd;
	struct damon_sysfs_test_fixture *f;
	int nr = 0;

	f = damon_sysfs_test_fixture(test, DAMON_OPS_VADDR);
	/* Every scheme command needs a running kdamond. */
	for (cmd = damon_sysfs_schemes_cmds; cmd->word; cmd++) {
		KUNIT_EXPECT_NULL(test, cmd->run);
		KUNIT_EXPECT_EQ(test, damon_sysfs_run_cmd(&f->kdamond, cmd),
				-EINVAL);
		nr++;
	}
	/* So do "off" and "commit". */
	cmd = damon_sysfs_test_cmd(test, "off");
	KUNIT_EXPECT_EQ(test, damon_sysfs_run_cmd(&f->kdamond, cmd), -EINVAL);
	cmd = damon_sysfs_test_cmd(test, "commit");
	KUNIT_EXPECT_EQ(test, damon_sysfs_run_cmd(&f->kdamond, cmd), -EINVAL);
	/* "off" after the kdamond stopped fails with EPERM, as in stock. */
	f->kdamond.stopped = true;
	cmd = damon_sysfs_test_cmd(test, "off");
	KUNIT_EXPECT_EQ(test, damon_sysfs_run_cmd(&f->kdamond, cmd), -EPERM);
	cmd = damon_sysfs_test_cmd(test, "update_schemes_stats");
	KUNIT_EXPECT_EQ(test, damon_sysfs_run_cmd(&f->kdamond, cmd), -EINVAL);
	KUNIT_EXPECT_EQ(test, nr, 6);
	KUNIT_EXPECT_NULL(test, f->kdamond.damon_ctx);
}

/*
 * A removed directory leaves sysfs at once, even while someone (a "state"
 * writer waiting for its kdamond) still holds a reference: a new child of
 * the same number can then be added.
 */
static void damon_sysfs_test_readd_held(struct kunit *test)
{
	const struct damon_sysfs_kind *item_kind = damon_sysfs_schemes_kind.item;
	struct kobject *parent, *kobj, *old, *new;
	struct damon_sysfs_array *arr;
	int err;

	kobj = damon_sysfs_dir_new(&damon_sysfs_schemes_kind, NULL);
	old = damon_sysfs_dir_new(item_kind, NULL);
	new = damon_sysfs_dir_new(item_kind, NULL);
	parent = kobject_create_and_add("damon_sysfs_kunit", NULL);
	if (!kobj || !old || !new || !parent) {
		kobject_put(kobj);
		kobject_put(old);
		kobject_put(new);
		kobject_put(parent);
		kunit_skip(test, "out of memory");
	}
	arr = container_of(kobj, struct damon_sysfs_array, kobj);
	/* The reference a waiting writer would hold. */
	kobject_get(old);

	mutex_lock(&damon_sysfs_lock);
	err = damon_sysfs_dir_add(kobj, parent, "schemes");
	if (err) {
		/* @kobj went; @old still has both its references. */
		mutex_unlock(&damon_sysfs_lock);
		kobject_put(old);
		kobject_put(old);
		kobject_put(new);
		kobject_put(parent);
		KUNIT_FAIL(test, "cannot add a directory: %d", err);
		return;
	}
	err = damon_sysfs_array_reserve(arr, 1);
	if (!err)
		KUNIT_EXPECT_EQ(test, damon_sysfs_array_push(arr, old), 0);
	else
		kobject_put(old);
	/* As writing 1 into nr_schemes does. */
	if (!err)
		err = damon_sysfs_array_reserve(arr, 1);
	if (!err) {
		KUNIT_EXPECT_EQ(test, damon_sysfs_array_push(arr, new), 0);
		KUNIT_EXPECT_EQ(test, arr->nr, 1);
	} else {
		kobject_put(new);
	}
	KUNIT_EXPECT_EQ(test, err, 0);
	damon_sysfs_dir_del(kobj);
	mutex_unlock(&damon_sysfs_lock);
	kobject_put(old);
	kobject_put(parent);
}

#define NR_TEST_TRIED	3

/* Read at most seven bytes of "table" of @tried at @off into @buf. */
static ssize_t damon_sysfs_test_read7(struct damon_sysfs_tried_regions *tried,
				      char *buf, loff_t off)
{
	return damon_sysfs_tried_table_read(NULL, &tried->arr.kobj, NULL, buf,
					    off, 7);
}

/*
 * tried_regions/table has a header with its generation and one line per
 * tried region, as its directories show it, and reads the same in one piece
 * or in small ones.
 */
static void damon_sysfs_test_tried_table(struct kunit *test)
{
	struct damon_sysfs_tried_region regions[NR_TEST_TRIED] = {
		{ .ar = { 4096, 8192 }, .nr_accesses = 0, .age = 7,
		  .sz_filter_passed = 4096 },
		{ .ar = { 8192, 20480 }, .nr_accesses = 20, .age = 0 },
		{ .ar = { ULONG_MAX - 1, ULONG_MAX },
		  .nr_accesses = ULONG_MAX, .age = ULONG_MAX,
		  .sz_filter_passed = ULONG_MAX },
	};
	struct kobject *items[NR_TEST_TRIED];
	struct damon_sysfs_tried_regions tried = {
		.arr = { .items = items, .nr = NR_TEST_TRIED },
	};
	size_t size = DAMON_SYSFS_TRIED_HEADER_MAX +
		NR_TEST_TRIED * DAMON_SYSFS_TRIED_LINE_MAX + 1;
	char huge_line[2 * DAMON_SYSFS_TRIED_LINE_MAX];
	char huge_header[2 * DAMON_SYSFS_TRIED_HEADER_MAX];
	char *table, *want, *got;
	size_t len, pos;
	ssize_t n;
	int i;

	for (i = 0; i < NR_TEST_TRIED; i++)
		items[i] = &regions[i].kobj;
	table = kunit_kzalloc(test, size, GFP_KERNEL);
	got = kunit_kzalloc(test, size, GFP_KERNEL);
	want = kunit_kzalloc(test, size, GFP_KERNEL);
	if (!table || !got || !want)
		kunit_skip(test, "out of memory");
	snprintf(huge_line, sizeof(huge_line), "%lu %lu %lu %lu %lu\n",
		 ULONG_MAX - 1, ULONG_MAX, ULONG_MAX, ULONG_MAX, ULONG_MAX);
	/* The longest line fits in the room given per line. */
	KUNIT_EXPECT_LE(test, strlen(huge_line),
			(size_t)DAMON_SYSFS_TRIED_LINE_MAX);
	snprintf(huge_header, sizeof(huge_header),
		 "# generation %llu regions %d\n", U64_MAX, INT_MAX);
	/* So does the longest header. */
	KUNIT_EXPECT_LE(test, strlen(huge_header),
			(size_t)DAMON_SYSFS_TRIED_HEADER_MAX);
	snprintf(want, size, "# generation 42 regions 3\n"
		 "4096 8192 0 7 4096\n8192 20480 20 0 0\n%s", huge_line);

	len = damon_sysfs_tried_table_fill(&tried.arr, 42, table, size);
	KUNIT_EXPECT_EQ(test, len, strlen(want));
	KUNIT_EXPECT_STREQ(test, table, want);

	tried.table = table;
	tried.table_len = len;
	/* Seven bytes at a time, as a reader with a small buffer would. */
	for (pos = 0; pos < size; pos += n) {
		n = damon_sysfs_test_read7(&tried, got + pos, pos);
		KUNIT_ASSERT_GE(test, n, 0);
		if (!n)
			break;
		KUNIT_EXPECT_LE(test, n, 7);
	}
	KUNIT_EXPECT_EQ(test, pos, len);
	KUNIT_EXPECT_STREQ(test, got, want);
	/* Near the end, a read gets what is left; past it, nothing. */
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_read7(&tried, got, len - 1), 1);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_read7(&tried, got, len), 0);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_read7(&tried, got, len + 1), 0);
	/* An empty table reads as nothing. */
	tried.table = NULL;
	tried.table_len = 0;
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_read7(&tried, got, 0), 0);

	/* No directory, no line, not even the header. */
	tried.arr.nr = 0;
	KUNIT_EXPECT_EQ(test, damon_sysfs_tried_table_fill(&tried.arr, 43,
							   table, size), 0);
}

static struct kunit_case damon_sysfs_test_cases[] = {
	KUNIT_CASE(damon_sysfs_test_parse_cmd),
	KUNIT_CASE(damon_sysfs_test_parse_ops),
	KUNIT_CASE(damon_sysfs_test_parse_nr),
	KUNIT_CASE(damon_sysfs_test_val_files),
	KUNIT_CASE(damon_sysfs_test_build_ctx),
	KUNIT_CASE(damon_sysfs_test_build_ctx_bad_regions),
	KUNIT_CASE(damon_sysfs_test_build_ctx_bad_pid),
	KUNIT_CASE(damon_sysfs_test_build_ctx_bad_attrs),
	KUNIT_CASE(damon_sysfs_test_build_ctx_paddr),
	KUNIT_CASE(damon_sysfs_test_build_scheme),
	KUNIT_CASE(damon_sysfs_test_build_filter_layers),
	KUNIT_CASE(damon_sysfs_test_build_scheme_bad),
	KUNIT_CASE(damon_sysfs_test_build_scheme_clamp),
	KUNIT_CASE(damon_sysfs_test_build_ctx_schemes),
	KUNIT_CASE(damon_sysfs_test_cmds_not_running),
	KUNIT_CASE(damon_sysfs_test_commit_goals),
	KUNIT_CASE(damon_sysfs_test_readd_held),
	KUNIT_CASE(damon_sysfs_test_tried_table),
	{},
};

static struct kunit_suite damon_sysfs_test_suite = {
	.name = "damon_sysfs",
	.test_cases = damon_sysfs_test_cases,
};

kunit_test_suite(damon_sysfs_test_suite);

MODULE_DESCRIPTION("KUnit tests of the DAMON sysfs interface");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
