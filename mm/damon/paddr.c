// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON operations set for the physical address space (&DAMON_OPS_PADDR).
 *
 * The targets have no pid and the regions are the physical address ranges
 * the user gave; they never change.  The access check of a sampled page goes
 * through its folio: the Accessed bits of every page table entry that maps
 * the folio, found by reverse mapping, and the folio's page-idle flags for
 * folios that are not mapped, such as the page cache of read(2) and write(2).
 *
 * Only folios on an LRU list are looked at, as idle page tracking does: they
 * are the user memory, and the only folios that are safe to hand to
 * rmap_walk().  Free, offline, device, slab, hugetlb and other pages are not
 * touched and read as not accessed.
 */

#include <linux/damon.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/page_idle.h>
#include <linux/pagemap.h>
#include <linux/rmap.h>

#include "ops-common.h"

/* === Reverse mapping walks === */

static bool damon_pa_mkold_one(struct folio *folio, struct vm_area_struct *vma,
			       unsigned long addr, void *arg)
{
	DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, addr, 0);

	while (page_vma_mapped_walk(&pvmw)) {
		if (pvmw.pte)
			damon_ptep_mkold(pvmw.pte, vma, pvmw.address);
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
		else
			damon_pmdp_mkold(pvmw.pmd, vma, pvmw.address);
#endif
	}
	return true;
}

static bool damon_pa_young_one(struct folio *folio, struct vm_area_struct *vma,
			       unsigned long addr, void *arg)
{
	DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, addr, 0);
	bool *accessed = arg;

	/* Let the walk end by itself: it drops its locks on the way out. */
	while (page_vma_mapped_walk(&pvmw)) {
		if (*accessed)
			continue;
		if (pvmw.pte)
			*accessed = damon_ptep_young(pvmw.pte, vma,
						     pvmw.address);
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
		else
			*accessed = damon_pmdp_young(pvmw.pmd, vma,
						     pvmw.address);
#endif
	}
	/* One access is enough: stop the rmap walk. */
	return !*accessed;
}

/*
 * Walk the mappings of @folio with @rwc.  File and KSM folios must be locked
 * for the walk; when somebody else holds the lock, do not wait for it: the
 * kdamond must not stall behind I/O.
 *
 * Return: false if the folio could not be locked, true otherwise.
 */
static bool damon_pa_rmap_walk(struct folio *folio,
			       struct rmap_walk_control *rwc)
{
	bool need_lock = !folio_test_anon(folio) || folio_test_ksm(folio);

	if (need_lock && !folio_trylock(folio))
		return false;
	rmap_walk(folio, rwc);
	if (need_lock)
		folio_unlock(folio);
	return true;
}

/* rmap_walk() itself copes with a folio that lost its mapping meanwhile. */
static bool damon_pa_folio_mapped(struct folio *folio)
{
	return folio_mapped(folio);
}

/* === Access checks === */

static void damon_pa_mkold(unsigned long paddr)
{
	struct rmap_walk_control rwc = {
		.rmap_one = damon_pa_mkold_one,
		.anon_lock = folio_lock_anon_vma_read,
	};
	struct folio *folio = damon_get_folio(PHYS_PFN(paddr));

	if (!folio)
		return;
	if (!damon_pa_folio_mapped(folio) || damon_pa_rmap_walk(folio, &rwc))
		folio_set_idle(folio);
	folio_put(folio);
}

/* Result of the last young check, for the regions sampling the same folio. */
struct damon_pa_young_result {
	bool young;
	unsigned long start;
	unsigned long end;
};

static bool damon_pa_young(unsigned long paddr,
			   struct damon_pa_young_result *last)
{
	bool accessed = false;
	struct rmap_walk_control rwc = {
		.arg = &accessed,
		.rmap_one = damon_pa_young_one,
		.anon_lock = folio_lock_anon_vma_read,
	};
	struct folio *folio;

	if (paddr >= last->start && paddr < last->end)
		return last->young;

	folio = damon_get_folio(PHYS_PFN(paddr));
	if (!folio)
		return false;

	accessed = damon_folio_young_flags(folio);
	/* If the folio is locked, it stays not accessed. */
	if (!accessed && damon_pa_folio_mapped(folio))
		damon_pa_rmap_walk(folio, &rwc);

	last->young = accessed;
	last->start = PFN_PHYS(folio_pfn(folio));
	last->end = last->start + folio_size(folio);
	folio_put(folio);
	return accessed;
}

static void damon_pa_prepare_access_checks(struct damon_ctx *ctx)
{
	struct damon_target *t;
	struct damon_region *r;

	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			r->sampling_addr = damon_rand(r->ar.start, r->ar.end);
			damon_pa_mkold(r->sampling_addr);
			cond_resched();
		}
	}
}

static unsigned int damon_pa_check_accesses(struct damon_ctx *ctx)
{
	struct damon_pa_young_result last = {};
	unsigned int max_nr_accesses = 0;
	struct damon_target *t;
	struct damon_region *r;
	bool accessed;

	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			accessed = damon_pa_young(r->sampling_addr, &last);
			damon_update_region_access(r, accessed, &ctx->attrs);
			max_nr_accesses = max(max_nr_accesses, r->nr_accesses);
			cond_resched();
		}
	}
	return max_nr_accesses;
}

/* Physical memory does not go away: a target stays valid. */
static bool damon_pa_target_valid(struct damon_target *t)
{
	return true;
}

/* === Registration === */

static struct damon_operations damon_pa_ops = {
	.id = DAMON_OPS_PADDR,
	.prepare_access_checks = damon_pa_prepare_access_checks,
	.check_accesses = damon_pa_check_accesses,
	.target_valid = damon_pa_target_valid,
};

static int __init damon_pa_initcall(void)
{
	return damon_register_ops(&damon_pa_ops);
}

subsys_initcall(damon_pa_initcall);
