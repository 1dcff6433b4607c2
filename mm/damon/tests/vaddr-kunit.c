// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite damon_vaddr: the regions of the virtual address operations
 * set, computed from real maple trees of VMAs.
 *
 * Layouts are given in pages.  The VMAs are real struct vm_area_struct
 * stored by range in a maple tree, the way an mm keeps them, and walked with
 * a VMA iterator.
 */

#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/damon.h>
#include <linux/maple_tree.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/uaccess.h>

#include "../vaddr.h"
#include "../ops-internal.h"

#define P(n)	((unsigned long)(n) * PAGE_SIZE)

/* === Fixtures === */

KUNIT_DEFINE_ACTION_WRAPPER(damon_va_test_mtree_destroy, mtree_destroy,
			    struct maple_tree *);
KUNIT_DEFINE_ACTION_WRAPPER(damon_va_test_destroy_target,
			    damon_destroy_target, struct damon_target *);

/*
 * Build a maple tree of @nr VMAs covering @layout (byte ranges), inserted in
 * the order given.  The tree is destroyed when the test ends.
 */
static struct maple_tree *damon_va_test_tree(struct kunit *test,
					     const struct damon_addr_range *layout,
					     int nr)
{
	struct vm_area_struct *vmas;
	struct maple_tree *mt;
	int i;

	mt = kunit_kzalloc(test, sizeof(*mt), GFP_KERNEL);
	vmas = kunit_kcalloc(test, max(nr, 1), sizeof(*vmas), GFP_KERNEL);
	if (!mt || !vmas)
		kunit_skip(test, "cannot allocate the VMAs");
	mt_init_flags(mt, MT_FLAGS_ALLOC_RANGE);
	if (kunit_add_action_or_reset(test, damon_va_test_mtree_destroy, mt))
		kunit_skip(test, "cannot register the tree cleanup");

	for (i = 0; i < nr; i++) {
		vmas[i].vm_start = layout[i].start;
		vmas[i].vm_end = layout[i].end;
		if (mtree_store_range(mt, layout[i].start, layout[i].end - 1,
				      &vmas[i], GFP_KERNEL))
			kunit_skip(test, "cannot store a VMA");
	}
	return mt;
}

static int damon_va_test_three(struct maple_tree *mt,
			       struct damon_addr_range ranges[3])
{
	struct vma_iterator vmi;
	int nr;

	mas_init(&vmi.mas, mt, 0);
	rcu_read_lock();
	nr = damon_va_three_regions(&vmi, ranges);
	rcu_read_unlock();
	return nr;
}

static struct damon_target *damon_va_test_target(struct kunit *test)
{
	struct damon_target *t = damon_new_target();

	if (!t)
		kunit_skip(test, "cannot allocate a target");
	if (kunit_add_action_or_reset(test, damon_va_test_destroy_target, t))
		kunit_skip(test, "cannot register the target cleanup");
	return t;
}

static void damon_va_test_expect_range(struct kunit *test,
				       const struct damon_addr_range *r,
				       unsigned long start, unsigned long end)
{
	KUNIT_EXPECT_EQ(test, r->start, start);
	KUNIT_EXPECT_EQ(test, r->end, end);
}

/* Check that @t's regions are sorted, aligned and not overlapping. */
static void damon_va_test_expect_sane(struct kunit *test,
				      struct damon_target *t)
{
	struct damon_region *r;
	unsigned long prev_end = 0;
	unsigned int nr = 0;

	damon_for_each_region(r, t) {
		KUNIT_EXPECT_LT(test, r->ar.start, r->ar.end);
		KUNIT_EXPECT_GE(test, r->ar.start, prev_end);
		KUNIT_EXPECT_EQ(test, r->ar.start % DAMON_MIN_REGION, 0UL);
		KUNIT_EXPECT_EQ(test, r->ar.end % DAMON_MIN_REGION, 0UL);
		prev_end = r->ar.end;
		nr++;
	}
	KUNIT_EXPECT_EQ(test, nr, t->nr_regions);
}

/* === Three regions === */

/* Heap, a few libraries, the stack: the usual process layout. */
static const struct damon_addr_range damon_va_test_layout[] = {
	{ P(10), P(20) },	/* text and data */
	{ P(20), P(25) },	/* heap, adjacent */
	{ P(200), P(210) },	/* a library */
	{ P(212), P(220) },	/* another one, small gap */
	{ P(300), P(305) },	/* stack guard area */
	{ P(307), P(330) },	/* stack */
};

static void damon_va_test_three_regions(struct kunit *test)
{
	struct maple_tree *mt = damon_va_test_tree(test, damon_va_test_layout,
					ARRAY_SIZE(damon_va_test_layout));
	struct damon_addr_range r[3];

	KUNIT_ASSERT_EQ(test, damon_va_test_three(mt, r), 3);
	/* Gaps of 175 and 80 pages go; those of 2 pages stay inside. */
	damon_va_test_expect_range(test, &r[0], P(10), P(25));
	damon_va_test_expect_range(test, &r[1], P(200), P(220));
	damon_va_test_expect_range(test, &r[2], P(300), P(330));
}

static void damon_va_test_three_regions_unsorted(struct kunit *test)
{
	static const struct damon_addr_range layout[] = {
		{ P(307), P(330) }, { P(20), P(25) }, { P(212), P(220) },
		{ P(10), P(20) }, { P(300), P(305) }, { P(200), P(210) },
	};
	struct maple_tree *mt = damon_va_test_tree(test, layout,
						   ARRAY_SIZE(layout));
	struct damon_addr_range r[3];

	KUNIT_ASSERT_EQ(test, damon_va_test_three(mt, r), 3);
	damon_va_test_expect_range(test, &r[0], P(10), P(25));
	damon_va_test_expect_range(test, &r[1], P(200), P(220));
	damon_va_test_expect_range(test, &r[2], P(300), P(330));
}

/* The largest gap comes last and the second largest first. */
static void damon_va_test_three_regions_gap_order(struct kunit *test)
{
	static const struct damon_addr_range layout[] = {
		{ P(0), P(4) }, { P(50), P(60) }, { P(61), P(70) },
		{ P(75), P(80) }, { P(500), P(501) },
	};
	struct maple_tree *mt = damon_va_test_tree(test, layout,
						   ARRAY_SIZE(layout));
	struct damon_addr_range r[3];

	KUNIT_ASSERT_EQ(test, damon_va_test_three(mt, r), 3);
	damon_va_test_expect_range(test, &r[0], P(0), P(4));
	damon_va_test_expect_range(test, &r[1], P(50), P(80));
	damon_va_test_expect_range(test, &r[2], P(500), P(501));
}

/* Three gaps of the same size: the two lower ones are left out. */
static void damon_va_test_three_regions_tied_gaps(struct kunit *test)
{
	static const struct damon_addr_range layout[] = {
		{ P(0), P(10) }, { P(20), P(30) }, { P(40), P(50) },
		{ P(60), P(70) },
	};
	struct maple_tree *mt = damon_va_test_tree(test, layout,
						   ARRAY_SIZE(layout));
	struct damon_addr_range r[3];

	KUNIT_ASSERT_EQ(test, damon_va_test_three(mt, r), 3);
	damon_va_test_expect_range(test, &r[0], P(0), P(10));
	damon_va_test_expect_range(test, &r[1], P(20), P(30));
	damon_va_test_expect_range(test, &r[2], P(40), P(70));
}

/* One clear winner, then a tie for second place: the lower gap wins. */
static void damon_va_test_three_regions_tied_second(struct kunit *test)
{
	static const struct damon_addr_range layout[] = {
		{ P(0), P(1) }, { P(6), P(7) }, { P(12), P(13) },
		{ P(100), P(101) },
	};
	struct maple_tree *mt = damon_va_test_tree(test, layout,
						   ARRAY_SIZE(layout));
	struct damon_addr_range r[3];

	KUNIT_ASSERT_EQ(test, damon_va_test_three(mt, r), 3);
	damon_va_test_expect_range(test, &r[0], P(0), P(1));
	damon_va_test_expect_range(test, &r[1], P(6), P(13));
	damon_va_test_expect_range(test, &r[2], P(100), P(101));
}

static void damon_va_test_three_regions_one_gap(struct kunit *test)
{
	static const struct damon_addr_range layout[] = {
		{ P(30), P(40) }, { P(40), P(45) }, { P(90), P(99) },
	};
	struct maple_tree *mt = damon_va_test_tree(test, layout,
						   ARRAY_SIZE(layout));
	struct damon_addr_range r[3];

	KUNIT_ASSERT_EQ(test, damon_va_test_three(mt, r), 2);
	damon_va_test_expect_range(test, &r[0], P(30), P(45));
	damon_va_test_expect_range(test, &r[1], P(90), P(99));
}

static void damon_va_test_three_regions_no_gap(struct kunit *test)
{
	static const struct damon_addr_range layout[] = {
		{ P(30), P(40) }, { P(40), P(45) },
	};
	struct maple_tree *mt = damon_va_test_tree(test, layout,
						   ARRAY_SIZE(layout));
	struct damon_addr_range r[3];

	KUNIT_ASSERT_EQ(test, damon_va_test_three(mt, r), 1);
	damon_va_test_expect_range(test, &r[0], P(30), P(45));
}

static void damon_va_test_three_regions_empty(struct kunit *test)
{
	struct maple_tree *mt = damon_va_test_tree(test, NULL, 0);
	struct damon_addr_range r[3];

	KUNIT_EXPECT_EQ(test, damon_va_test_three(mt, r), 0);
}

/* VMA bounds off the DAMON_MIN_REGION grid are rounded outwards. */
static void damon_va_test_three_regions_aligned(struct kunit *test)
{
	const struct damon_addr_range layout[] = {
		{ P(1) + 8, P(3) - 8 },
		{ P(3) + 8, P(3) + 64 },	/* gap inside one page */
		{ P(9) + 16, P(10) },
		{ P(20), P(21) + 1 },
	};
	struct maple_tree *mt = damon_va_test_tree(test, layout,
						   ARRAY_SIZE(layout));
	struct damon_addr_range r[3];
	int i, nr;

	nr = damon_va_test_three(mt, r);
	KUNIT_ASSERT_EQ(test, nr, 3);
	damon_va_test_expect_range(test, &r[0], P(1), P(4));
	damon_va_test_expect_range(test, &r[1], P(9), P(10));
	damon_va_test_expect_range(test, &r[2], P(20), P(22));
	for (i = 0; i < nr; i++) {
		KUNIT_EXPECT_EQ(test, r[i].start % DAMON_MIN_REGION, 0UL);
		KUNIT_EXPECT_EQ(test, r[i].end % DAMON_MIN_REGION, 0UL);
	}
}

/* One of the two largest gaps vanishes in the rounding: ranges merge. */
static void damon_va_test_three_regions_gap_vanishes(struct kunit *test)
{
	const struct damon_addr_range layout[] = {
		{ P(1) + 8, P(3) - 8 },
		{ P(3) + 8, P(5) - 100 },
		{ P(9) + 16, P(10) },
	};
	struct maple_tree *mt = damon_va_test_tree(test, layout,
						   ARRAY_SIZE(layout));
	struct damon_addr_range r[3];

	KUNIT_ASSERT_EQ(test, damon_va_test_three(mt, r), 2);
	damon_va_test_expect_range(test, &r[0], P(1), P(5));
	damon_va_test_expect_range(test, &r[1], P(9), P(10));
}

/* === Splitting to min_nr_regions === */

static void damon_va_test_piece_size(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, damon_va_piece_size(P(100), 10), P(10));
	/* Aligned down to DAMON_MIN_REGION. */
	KUNIT_EXPECT_EQ(test, damon_va_piece_size(P(105), 10), P(10));
	KUNIT_EXPECT_EQ(test, damon_va_piece_size(P(19), 10), P(1));
	/* Never below DAMON_MIN_REGION, even for a tiny total. */
	KUNIT_EXPECT_EQ(test, damon_va_piece_size(P(3), 10),
			(unsigned long)DAMON_MIN_REGION);
	KUNIT_EXPECT_EQ(test, damon_va_piece_size(0, 10),
			(unsigned long)DAMON_MIN_REGION);
	/* min_nr_regions 0 does not divide by zero. */
	KUNIT_EXPECT_EQ(test, damon_va_piece_size(P(8), 0), P(8));
}

static void damon_va_test_evenly_split(struct kunit *test)
{
	struct damon_addr_range ranges[] = {
		{ P(0), P(10) }, { P(50), P(60) },
	};
	struct damon_target *t = damon_va_test_target(test);
	static const unsigned long expect[][2] = {
		{ P(0), P(3) }, { P(3), P(6) }, { P(6), P(10) },
		{ P(50), P(60) },
	};
	struct damon_region *r;
	int i = 0;

	KUNIT_ASSERT_EQ(test, damon_set_regions(t, ranges, 2), 0);
	/* The last piece takes the remainder: 3, 3 and 4 pages. */
	r = damon_first_region(t);
	KUNIT_ASSERT_EQ(test, damon_va_evenly_split_region(t, r, 3), 0);
	KUNIT_EXPECT_EQ(test, t->nr_regions, 4U);
	damon_for_each_region(r, t) {
		if (i >= ARRAY_SIZE(expect))
			break;
		KUNIT_EXPECT_EQ(test, r->ar.start, expect[i][0]);
		KUNIT_EXPECT_EQ(test, r->ar.end, expect[i][1]);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, 4);
	damon_va_test_expect_sane(test, t);
}

static void damon_va_test_evenly_split_errors(struct kunit *test)
{
	struct damon_addr_range range = { P(10), P(13) };
	struct damon_target *t = damon_va_test_target(test);
	struct damon_region *r;

	KUNIT_ASSERT_EQ(test, damon_set_regions(t, &range, 1), 0);
	r = damon_first_region(t);

	KUNIT_EXPECT_EQ(test, damon_va_evenly_split_region(t, r, 0), -EINVAL);
	/* Four pieces of three pages would be smaller than a page. */
	KUNIT_EXPECT_EQ(test, damon_va_evenly_split_region(t, r, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_va_evenly_split_region(t, r, 1), 0);
	KUNIT_EXPECT_EQ(test, t->nr_regions, 1U);
	damon_va_test_expect_range(test, &r->ar, P(10), P(13));

	KUNIT_EXPECT_EQ(test, damon_va_split_regions(t, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->nr_regions, 1U);
}

/* The three regions of a layout, split for min_nr_regions of 10. */
static void damon_va_test_split_to_min(struct kunit *test)
{
	struct maple_tree *mt = damon_va_test_tree(test, damon_va_test_layout,
					ARRAY_SIZE(damon_va_test_layout));
	struct damon_target *t = damon_va_test_target(test);
	unsigned long sz_total = 0, sz_piece;
	struct damon_addr_range r[3];
	struct damon_region *region;
	int nr, i;

	nr = damon_va_test_three(mt, r);
	KUNIT_ASSERT_EQ(test, nr, 3);
	KUNIT_ASSERT_EQ(test, damon_set_regions(t, r, nr), 0);
	damon_for_each_region(region, t)
		sz_total += damon_sz_region(region);
	KUNIT_EXPECT_EQ(test, sz_total, P(65));

	sz_piece = damon_va_piece_size(sz_total, 10);
	KUNIT_ASSERT_EQ(test, damon_va_split_regions(t, sz_piece), 0);
	/* At least min_nr_regions, at most one extra piece per range. */
	KUNIT_EXPECT_GE(test, t->nr_regions, 10U);
	KUNIT_EXPECT_LE(test, t->nr_regions, 13U);
	damon_va_test_expect_sane(test, t);

	/* Every region lies inside one range, and they cover all of them. */
	sz_total = 0;
	damon_for_each_region(region, t) {
		bool inside = false;

		for (i = 0; i < nr; i++)
			inside |= region->ar.start >= r[i].start &&
				region->ar.end <= r[i].end;
		KUNIT_EXPECT_TRUE(test, inside);
		KUNIT_EXPECT_LE(test, damon_sz_region(region), 2 * sz_piece);
		sz_total += damon_sz_region(region);
	}
	KUNIT_EXPECT_EQ(test, sz_total, P(65));
}

/* A target smaller than min_nr_regions pages ends up with one-page regions. */
static void damon_va_test_split_small_target(struct kunit *test)
{
	struct damon_addr_range ranges[] = { { P(0), P(2) }, { P(8), P(9) } };
	struct damon_target *t = damon_va_test_target(test);
	unsigned long sz_piece;
	struct damon_region *r;

	KUNIT_ASSERT_EQ(test, damon_set_regions(t, ranges, 2), 0);
	sz_piece = damon_va_piece_size(P(3), 10);
	KUNIT_ASSERT_EQ(test, damon_va_split_regions(t, sz_piece), 0);
	KUNIT_EXPECT_EQ(test, t->nr_regions, 3U);
	damon_for_each_region(r, t)
		KUNIT_EXPECT_EQ(test, damon_sz_region(r),
				(unsigned long)DAMON_MIN_REGION);
	damon_va_test_expect_sane(test, t);
}

/*
 * The init hook builds regions only for targets that have none: the ranges
 * the user gave stay, in pieces, until the first update.
 */
static void damon_va_test_init_keeps_user_regions(struct kunit *test)
{
	struct damon_addr_range ranges[] = { { P(0), P(4) }, { P(8), P(12) } };
	struct damon_ctx *ctx = damon_new_ctx();
	struct damon_target *t = damon_new_target();
	unsigned long sz_total = 0;
	struct damon_region *r;

	if (!ctx || !t) {
		if (t)
			damon_destroy_target(t);
		if (ctx)
			damon_destroy_ctx(ctx);
		kunit_skip(test, "out of memory");
	}
	damon_add_target(ctx, t);
	if (damon_select_ops(ctx, DAMON_OPS_VADDR) || !ctx->ops.init) {
		damon_destroy_ctx(ctx);
		kunit_skip(test, "no vaddr operations set");
	}
	KUNIT_ASSERT_EQ(test, damon_set_regions(t, ranges, 2), 0);
	ctx->ops.init(ctx);
	damon_for_each_region(r, t) {
		KUNIT_EXPECT_TRUE(test, r->ar.end <= P(4) ||
				  (r->ar.start >= P(8) && r->ar.end <= P(12)));
		sz_total += damon_sz_region(r);
	}
	KUNIT_EXPECT_EQ(test, sz_total, P(8));
	KUNIT_EXPECT_GE(test, t->nr_regions, 2U);
	damon_va_test_expect_sane(test, t);
	damon_destroy_ctx(ctx);
}

/* === Update === */

/*
 * A library is unmapped (and the area past the stack grows): regions in the
 * kept ranges keep their access history, the unmapped area is no longer
 * monitored.
 */
static void damon_va_test_update_after_munmap(struct kunit *test)
{
	struct maple_tree *mt = damon_va_test_tree(test, damon_va_test_layout,
					ARRAY_SIZE(damon_va_test_layout));
	struct damon_target *t = damon_va_test_target(test);
	struct damon_addr_range r[3];
	struct damon_region *region;
	void *lib;
	int nr;

	KUNIT_ASSERT_EQ(test, damon_va_test_three(mt, r), 3);
	KUNIT_ASSERT_EQ(test, damon_set_regions(t, r, 3), 0);
	KUNIT_ASSERT_EQ(test, damon_va_split_regions(t, P(5)), 0);
	damon_for_each_region(region, t) {
		region->nr_accesses = region->ar.start / PAGE_SIZE;
		region->age = 7;
	}

	/* munmap() of the library at [200, 210). */
	lib = mtree_load(mt, P(200));
	KUNIT_ASSERT_NOT_NULL(test, lib);
	KUNIT_ASSERT_PTR_EQ(test, mtree_erase(mt, P(200)), lib);
	nr = damon_va_test_three(mt, r);
	KUNIT_ASSERT_EQ(test, nr, 3);
	damon_va_test_expect_range(test, &r[1], P(212), P(220));
	KUNIT_ASSERT_EQ(test, damon_set_regions(t, r, nr), 0);
	damon_va_test_expect_sane(test, t);

	damon_for_each_region(region, t) {
		/* Nothing of the unmapped library is left. */
		KUNIT_EXPECT_FALSE(test, region->ar.start < P(212) &&
				   region->ar.end > P(200));
		/* Regions that started where they did kept their history. */
		if (region->ar.start != P(212)) {
			KUNIT_EXPECT_EQ(test, region->nr_accesses,
					region->ar.start / PAGE_SIZE);
			KUNIT_EXPECT_EQ(test, region->age, 7U);
		}
	}
}

/*
 * Expect the window of @r for a sample in page @page to be pages
 * [@start, @end).
 */
static void damon_va_test_expect_window(struct kunit *test,
					const struct damon_region *r,
					unsigned long page, unsigned long start,
					unsigned long end)
{
	unsigned long s, e;

	damon_va_window(r, P(page) + 123, &s, &e);
	KUNIT_EXPECT_EQ_MSG(test, s, P(start), "sample in page %lu", page);
	KUNIT_EXPECT_EQ_MSG(test, e, P(end), "sample in page %lu", page);
}

/*
 * Sampled pages are chosen for their low bits: bit 1 set lets a crawl that
 * found nothing yet take the sample, bit 0 picks the start edge when both
 * edges are hot.
 */
static void damon_va_test_window(struct kunit *test)
{
	struct damon_region r = {
		.ar = { P(100), P(1000) },
		.seen = { ULONG_MAX, 0 },
	};

	/* Aligned 64 pages around the sample, clipped to the region. */
	damon_va_test_expect_window(test, &r, 300, 256, 320);
	damon_va_test_expect_window(test, &r, 110, 100, 128);
	damon_va_test_expect_window(test, &r, 990, 960, 1000);

	/* A hot start: crawl from it, or search around half of the samples. */
	r.hot_edges = DAMON_HOT_START;
	damon_va_test_expect_window(test, &r, 302, 100, 164);
	damon_va_test_expect_window(test, &r, 300, 256, 320);
	/* Once found accessed from the edge, always go on past it. */
	r.seen.start = P(100);
	r.seen.end = P(150);
	damon_va_test_expect_window(test, &r, 300, 150, 214);
	/* Nothing left to crawl: back to the sample. */
	r.seen.end = P(1000);
	damon_va_test_expect_window(test, &r, 302, 256, 320);

	/* A hot end, the same way backwards. */
	r.hot_edges = DAMON_HOT_END;
	r.seen.start = ULONG_MAX;
	r.seen.end = 0;
	damon_va_test_expect_window(test, &r, 302, 936, 1000);
	damon_va_test_expect_window(test, &r, 300, 256, 320);
	r.seen.start = P(900);
	r.seen.end = P(1000);
	damon_va_test_expect_window(test, &r, 300, 836, 900);

	/* Both: bit 0 of the sampled page picks the edge. */
	r.hot_edges = DAMON_HOT_START | DAMON_HOT_END;
	r.seen.start = ULONG_MAX;
	r.seen.end = 0;
	damon_va_test_expect_window(test, &r, 303, 100, 164);
	damon_va_test_expect_window(test, &r, 302, 936, 1000);

	/* A region smaller than the window is crawled whole. */
	r.ar.end = P(120);
	r.hot_edges = DAMON_HOT_END;
	damon_va_test_expect_window(test, &r, 102, 100, 120);
}

/*
 * A window that crosses the end of a page table: check finds the accessed
 * pages on both sides of the boundary, and prepare clears them on both
 * sides.  The sampled page, away from the window, is walked on its own.
 */
static void damon_va_test_window_across_tables(struct kunit *test)
{
	struct damon_attrs attrs = {
		.sample_interval = 5000,
		.aggr_interval = 100000,
	};
	struct damon_region r = { .hot_edges = DAMON_HOT_START };
	unsigned long map, b, addr;

	map = kunit_vm_mmap(test, NULL, 0, 3 * PMD_SIZE,
			    PROT_READ | PROT_WRITE,
			    MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (!map || IS_ERR_VALUE(map))
		kunit_skip(test, "cannot map user memory");
	/*
	 * Keep [b - PMD_SIZE / 2, b + PMD_SIZE / 2) around a page table
	 * boundary b: no huge page fits in what is left.
	 */
	b = ALIGN(map + PMD_SIZE / 2, PMD_SIZE);
	vm_munmap(map, b - PMD_SIZE / 2 - map);
	vm_munmap(b + PMD_SIZE / 2, map + 3 * PMD_SIZE - b - PMD_SIZE / 2);
	r.ar.start = b - PMD_SIZE / 2;
	r.ar.end = b + PMD_SIZE / 2;

	/* Accessed: 32 pages on each side of b, and the sampled page. */
	for (addr = b - P(32); addr < b + P(32); addr += PAGE_SIZE)
		KUNIT_ASSERT_EQ(test, put_user(1, (char __user *)addr), 0);
	r.sampling_addr = b + P(128);
	KUNIT_ASSERT_EQ(test, put_user(1, (char __user *)r.sampling_addr), 0);

	/* Found accessed from the start up to b - 32 pages: crawl on. */
	r.seen.start = r.ar.start;
	r.seen.end = b - P(32);
	KUNIT_EXPECT_TRUE(test, damon_va_walk_one(current->mm, &r, &attrs,
						  false));
	KUNIT_EXPECT_EQ(test, r.seen.end, b + P(32));

	/* The same window and sample again, cleared, then checked. */
	r.seen.end = b - P(32);
	damon_va_walk_one(current->mm, &r, &attrs, true);
	KUNIT_EXPECT_FALSE(test, damon_va_walk_one(current->mm, &r, &attrs,
						   false));
	KUNIT_EXPECT_EQ(test, r.seen.end, b - P(32));
}

static struct kunit_case damon_va_test_cases[] = {
	KUNIT_CASE(damon_va_test_three_regions),
	KUNIT_CASE(damon_va_test_three_regions_unsorted),
	KUNIT_CASE(damon_va_test_three_regions_gap_order),
	KUNIT_CASE(damon_va_test_three_regions_tied_gaps),
	KUNIT_CASE(damon_va_test_three_regions_tied_second),
	KUNIT_CASE(damon_va_test_three_regions_one_gap),
	KUNIT_CASE(damon_va_test_three_regions_no_gap),
	KUNIT_CASE(damon_va_test_three_regions_empty),
	KUNIT_CASE(damon_va_test_three_regions_aligned),
	KUNIT_CASE(damon_va_test_three_regions_gap_vanishes),
	KUNIT_CASE(damon_va_test_piece_size),
	KUNIT_CASE(damon_va_test_evenly_split),
	KUNIT_CASE(damon_va_test_evenly_split_errors),
	KUNIT_CASE(damon_va_test_split_to_min),
	KUNIT_CASE(damon_va_test_split_small_target),
	KUNIT_CASE(damon_va_test_init_keeps_user_regions),
	KUNIT_CASE(damon_va_test_update_after_munmap),
	KUNIT_CASE(damon_va_test_window),
	KUNIT_CASE(damon_va_test_window_across_tables),
	{}
};

static struct kunit_suite damon_va_test_suite = {
	.name = "damon_vaddr",
	.test_cases = damon_va_test_cases,
};

kunit_test_suite(damon_va_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit suite of the DAMON virtual address operations sets");
MODULE_LICENSE("GPL");
