// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the DAMON sysfs interface's pure helpers: parsing of the
 * written keywords and numbers, and building a &struct damon_ctx from the
 * sysfs-side directory structures.
 *
 * The fixtures are real directory structures whose kobjects are never
 * initialised: building a context only reads their values.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/sched.h>

#include "../sysfs-common.h"

#define NR_TEST_REGIONS	3
#define NR_TEST_TARGETS	2

/* A context directory with two targets, the first with three regions. */
struct damon_sysfs_test_fixture {
	struct damon_sysfs_region regions[NR_TEST_REGIONS];
	struct damon_sysfs_region *regions_arr[NR_TEST_REGIONS];
	struct damon_sysfs_regions sys_regions[NR_TEST_TARGETS];
	struct damon_sysfs_target targets[NR_TEST_TARGETS];
	struct damon_sysfs_target *targets_arr[NR_TEST_TARGETS];
	struct damon_sysfs_targets sys_targets;
	struct damon_sysfs_intervals intervals;
	struct damon_sysfs_ul_range range;
	struct damon_sysfs_attrs attrs;
	struct damon_sysfs_schemes schemes;
	struct damon_sysfs_context context;
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
		f->regions_arr[i] = &f->regions[i];
	}
	f->sys_regions[0].regions_arr = f->regions_arr;
	f->sys_regions[0].nr = NR_TEST_REGIONS;

	for (i = 0; i < NR_TEST_TARGETS; i++) {
		f->targets[i].pid = task_pid_nr(current);
		f->targets[i].regions = &f->sys_regions[i];
		f->targets_arr[i] = &f->targets[i];
	}
	f->sys_targets.targets_arr = f->targets_arr;
	f->sys_targets.nr = NR_TEST_TARGETS;

	f->intervals.sample_us = 2000;
	f->intervals.aggr_us = 40000;
	f->intervals.update_us = 1000000;
	f->range.min = 20;
	f->range.max = 500;
	f->attrs.intervals = &f->intervals;
	f->attrs.nr_regions_range = &f->range;

	f->context.ops_id = ops_id;
	f->context.attrs = &f->attrs;
	f->context.targets = &f->sys_targets;
	f->context.schemes = &f->schemes;
	return f;
}

static void damon_sysfs_test_parse_cmd(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_cmd("on"), DAMON_SYSFS_CMD_ON);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_cmd("on\n"),
			DAMON_SYSFS_CMD_ON);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_cmd("off\n"),
			DAMON_SYSFS_CMD_OFF);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_cmd("commit"),
			DAMON_SYSFS_CMD_COMMIT);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_cmd("update_schemes_stats\n"),
			DAMON_SYSFS_CMD_UPDATE_SCHEMES_STATS);
	KUNIT_EXPECT_EQ(test,
			damon_sysfs_parse_cmd("update_schemes_tried_bytes"),
			DAMON_SYSFS_CMD_UPDATE_SCHEMES_TRIED_BYTES);
	KUNIT_EXPECT_EQ(test,
			damon_sysfs_parse_cmd("update_schemes_effective_quotas"),
			DAMON_SYSFS_CMD_UPDATE_SCHEMES_EFFECTIVE_QUOTAS);

	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_cmd(""), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_cmd("o"), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_cmd("onn"), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_cmd("ON"), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_cmd("on off"), -EINVAL);
}

static void damon_sysfs_test_parse_ops(struct kunit *test)
{
	enum damon_ops_id id = NR_DAMON_OPS;

	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_ops("paddr\n", &id), 0);
	KUNIT_EXPECT_EQ(test, id, DAMON_OPS_PADDR);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_ops("fvaddr", &id), 0);
	KUNIT_EXPECT_EQ(test, id, DAMON_OPS_FVADDR);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_ops("vaddr", &id), 0);
	KUNIT_EXPECT_EQ(test, id, DAMON_OPS_VADDR);

	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_ops("vaddrx", &id), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_ops("", &id), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_parse_ops("addr", &id), -EINVAL);
	/* A failed parse leaves the previous value alone. */
	KUNIT_EXPECT_EQ(test, id, DAMON_OPS_VADDR);
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
			-EINVAL);
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
	ctx = damon_sysfs_build_ctx(&f->context);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));

	KUNIT_EXPECT_EQ(test, ctx->ops.id, DAMON_OPS_VADDR);
	KUNIT_EXPECT_EQ(test, ctx->attrs.sample_interval, 2000);
	KUNIT_EXPECT_EQ(test, ctx->attrs.aggr_interval, 40000);
	KUNIT_EXPECT_EQ(test, ctx->attrs.ops_update_interval, 1000000);
	KUNIT_EXPECT_EQ(test, ctx->attrs.min_nr_regions, 20);
	KUNIT_EXPECT_EQ(test, ctx->attrs.max_nr_regions, 500);

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
	ctx = damon_sysfs_build_ctx(&f->context);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ctx), -EINVAL);

	/* Not sorted. */
	f->regions[1].ar.start = 0;
	f->regions[1].ar.end = PAGE_SIZE;
	ctx = damon_sysfs_build_ctx(&f->context);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ctx), -EINVAL);

	/* Empty. */
	f->regions[1].ar.start = f->regions[0].ar.end;
	f->regions[1].ar.end = f->regions[1].ar.start;
	ctx = damon_sysfs_build_ctx(&f->context);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ctx), -EINVAL);

	/* Touching neighbours are fine. */
	f->regions[1].ar.end = f->regions[2].ar.start;
	ctx = damon_sysfs_build_ctx(&f->context);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));
	damon_destroy_ctx(ctx);
}

static void damon_sysfs_test_build_ctx_bad_pid(struct kunit *test)
{
	struct damon_sysfs_test_fixture *f;
	struct damon_ctx *ctx;

	f = damon_sysfs_test_fixture(test, DAMON_OPS_VADDR);

	f->targets[1].pid = -1;
	ctx = damon_sysfs_build_ctx(&f->context);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ctx), -EINVAL);

	f->targets[1].pid = INT_MAX;
	ctx = damon_sysfs_build_ctx(&f->context);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ctx), -EINVAL);
}

static void damon_sysfs_test_build_ctx_bad_attrs(struct kunit *test)
{
	struct damon_sysfs_test_fixture *f;
	struct damon_ctx *ctx;

	f = damon_sysfs_test_fixture(test, DAMON_OPS_VADDR);

	f->range.min = 600;
	f->range.max = 500;
	ctx = damon_sysfs_build_ctx(&f->context);
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
	ctx = damon_sysfs_build_ctx(&f->context);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));
	KUNIT_EXPECT_FALSE(test, damon_targets_empty(ctx));
	damon_for_each_target(t, ctx) {
		KUNIT_EXPECT_NULL(test, t->pid);
		KUNIT_EXPECT_EQ(test, damon_nr_regions(t), NR_TEST_REGIONS);
	}
	damon_destroy_ctx(ctx);
}

static struct kunit_case damon_sysfs_test_cases[] = {
	KUNIT_CASE(damon_sysfs_test_parse_cmd),
	KUNIT_CASE(damon_sysfs_test_parse_ops),
	KUNIT_CASE(damon_sysfs_test_parse_nr),
	KUNIT_CASE(damon_sysfs_test_build_ctx),
	KUNIT_CASE(damon_sysfs_test_build_ctx_bad_regions),
	KUNIT_CASE(damon_sysfs_test_build_ctx_bad_pid),
	KUNIT_CASE(damon_sysfs_test_build_ctx_bad_attrs),
	KUNIT_CASE(damon_sysfs_test_build_ctx_paddr),
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
