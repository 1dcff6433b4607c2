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
 *
 * The DAMOS actions go through the same folios, one by one: each LRU folio
 * of the region first passes the scheme's anon, memcg and young filters,
 * then the action (reclaim, LRU position, migration) is applied to it.  A
 * "stat" scheme without such filters visits no folio at all.
 */

#include <linux/damon.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/memcontrol.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/mm_inline.h>
#include <linux/page_idle.h>
#include <linux/pagemap.h>
#include <linux/rmap.h>
#include <linux/swap.h>

#include "../internal.h"
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

static void damon_pa_mkold_folio(struct folio *folio)
{
	struct rmap_walk_control rwc = {
		.rmap_one = damon_pa_mkold_one,
		.anon_lock = folio_lock_anon_vma_read,
	};

	if (!damon_pa_folio_mapped(folio) || damon_pa_rmap_walk(folio, &rwc))
		folio_set_idle(folio);
}

static void damon_pa_mkold(unsigned long paddr)
{
	struct folio *folio = damon_get_folio(PHYS_PFN(paddr));

	if (!folio)
		return;
	damon_pa_mkold_folio(folio);
	folio_put(folio);
}

/* Result of the last young check, for the regions sampling the same folio. */
struct damon_pa_young_result {
	bool young;
	unsigned long start;
	unsigned long end;
};

static bool damon_pa_young_folio(struct folio *folio)
{
	bool accessed = false;
	struct rmap_walk_control rwc = {
		.arg = &accessed,
		.rmap_one = damon_pa_young_one,
		.anon_lock = folio_lock_anon_vma_read,
	};

	accessed = damon_folio_young_flags(folio);
	/* If the folio is locked, it stays not accessed. */
	if (!accessed && damon_pa_folio_mapped(folio))
		damon_pa_rmap_walk(folio, &rwc);
	return accessed;
}

static bool damon_pa_young(unsigned long paddr,
			   struct damon_pa_young_result *last)
{
	struct folio *folio;
	bool accessed;

	if (paddr >= last->start && paddr < last->end)
		return last->young;

	folio = damon_get_folio(PHYS_PFN(paddr));
	if (!folio)
		return false;

	accessed = damon_pa_young_folio(folio);
	last->young = accessed;
	last->start = PFN_PHYS(folio_pfn(folio));
	last->end = last->start + folio_size(folio);
	folio_put(folio);
	return accessed;
}

/*
 * The hooks run in the kdamond only.  With many regions a pass takes long:
 * end it early when the kdamond is being stopped, so that damon_stop() need
 * not wait for it.
 */
static bool damon_pa_yield_or_stop(void)
{
	cond_resched();
	return kthread_should_stop();
}

static void damon_pa_prepare_access_checks(struct damon_ctx *ctx)
{
	struct damon_target *t;
	struct damon_region *r;

	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			r->sampling_addr = damon_rand(ctx, r->ar.start,
						      r->ar.end);
			damon_pa_mkold(r->sampling_addr);
			if (damon_pa_yield_or_stop())
				return;
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
			if (damon_pa_yield_or_stop())
				return max_nr_accesses;
		}
	}
	return max_nr_accesses;
}

/* Physical memory does not go away: a target stays valid. */
static bool damon_pa_target_valid(struct damon_target *t)
{
	return true;
}

/* === DAMOS === */

/*
 * Tell whether @folio is of the kind @f looks at.  A young folio is made old
 * again, so that the next check of the filter sees only the accesses made
 * after this one.  Without CONFIG_MEMCG no folio belongs to a memory cgroup,
 * and a memcg filter matches nothing.
 */
static bool damon_pa_filter_match(struct damos_filter *f, struct folio *folio)
{
	struct mem_cgroup *memcg;
	bool match = false;

	switch (f->type) {
	case DAMOS_FILTER_TYPE_ANON:
		match = folio_test_anon(folio);
		break;
	case DAMOS_FILTER_TYPE_MEMCG:
		rcu_read_lock();
		memcg = folio_memcg_check(folio);
		match = memcg && mem_cgroup_id(memcg) == f->memcg_id;
		rcu_read_unlock();
		break;
	case DAMOS_FILTER_TYPE_YOUNG:
		match = damon_pa_young_folio(folio);
		if (match)
			damon_pa_mkold_folio(folio);
		break;
	case DAMOS_FILTER_TYPE_ACTIVE:
		match = folio_test_active(folio);
		break;
	case DAMOS_FILTER_TYPE_HUGEPAGE_SIZE:
		match = folio_size(folio) >= f->sz_range.min &&
			folio_size(folio) <= f->sz_range.max;
		break;
	case DAMOS_FILTER_TYPE_UNMAPPED:
		match = !folio_mapped(folio);
		break;
	default:
		break;
	}
	return match;
}

/* Whether @f is one of the filters applied here, folio by folio. */
static bool damon_pa_folio_filter(struct damos_filter *f)
{
	return f->type != DAMOS_FILTER_TYPE_ADDR &&
		f->type != DAMOS_FILTER_TYPE_TARGET;
}

static bool damon_pa_has_folio_filter(struct damos *s)
{
	struct damos_filter *f;

	damos_for_each_filter(f, s)
		if (damon_pa_folio_filter(f))
			return true;
	return false;
}

/*
 * Apply the ops filters of @s in order, unless a core filter let the region
 * in: the first that decides for @folio decides.  A folio no filter decides
 * for is kept out if the last filter lets memory in.  True if @folio is kept
 * out.
 */
static bool damon_pa_filter_out(struct damos *s, struct folio *folio)
{
	struct damos_filter *f;
	bool last_allows = false;

	if (s->core_filters_allowed)
		return false;
	damos_for_each_filter(f, s) {
		if (!damon_pa_folio_filter(f))
			continue;
		if (damon_pa_filter_match(f, folio) == f->matching)
			return !f->allow;
		last_allows = f->allow;
	}
	return last_allows;
}

/*
 * Where the actions of a pass over a region stand: the folios isolated for
 * reclaim or migration and the pages they hold, and the bytes the action
 * was applied to.
 */
struct damon_pa_apply {
	struct damos *s;
	struct list_head folios;
	unsigned long nr_pages;
	unsigned long applied;
	unsigned long passed;
};

/*
 * Pages a pass isolates before it reclaims or migrates them.  A region can
 * span all of the memory: isolating all of it first would take it off the
 * LRU lists, where the reclaim of every other task looks for memory, and
 * keep a stopping kdamond busy for as long as the whole region takes.
 */
#define DAMON_PA_BATCH_PAGES	512

/* Isolate @folio from its LRU list into @a->folios. */
static bool damon_pa_isolate(struct damon_pa_apply *a, struct folio *folio)
{
	if (!folio_isolate_lru(folio))
		return false;
	list_add_tail(&folio->lru, &a->folios);
	a->nr_pages += folio_nr_pages(folio);
	return true;
}

/*
 * Apply the action of @a->s to @folio, which passed the filters.  Returns
 * true if the folio counts as applied now; reclaim and migration count their
 * folios only once they are done.
 */
static bool damon_pa_apply_folio(struct damon_pa_apply *a,
				 struct folio *folio)
{
	switch (a->s->action) {
	case DAMOS_PAGEOUT:
		/*
		 * Clear the references DAMON's own sampling moved into the
		 * folio flags: the folio goes because DAMON found it cold.
		 */
		folio_clear_referenced(folio);
		folio_test_clear_young(folio);
		damon_pa_isolate(a, folio);
		return false;
	case DAMOS_LRU_PRIO:
		folio_activate(folio);
		return true;
	case DAMOS_LRU_DEPRIO:
		folio_deactivate(folio);
		return true;
	case DAMOS_MIGRATE_HOT:
	case DAMOS_MIGRATE_COLD:
		if (folio_nid(folio) == a->s->target_nid)
			return false;
		if (damon_pa_isolate(a, folio))
			node_stat_mod_folio(folio, NR_ISOLATED_ANON +
					    folio_is_file_lru(folio),
					    folio_nr_pages(folio));
		return false;
	case DAMOS_STAT:
		return true;
	default:
		return false;
	}
}

static unsigned long damon_pa_migrate(struct list_head *folios, int nid)
{
	struct migration_target_control mtc = {
		.nid = nid,
		.gfp_mask = GFP_HIGHUSER_MOVABLE | __GFP_THISNODE |
			__GFP_NOWARN | __GFP_NORETRY,
		.reason = MR_DAMON,
	};
	unsigned int nr_succeeded = 0;

	if (list_empty(folios))
		return 0;
	migrate_pages(folios, alloc_migration_target, NULL,
		      (unsigned long)&mtc, MIGRATE_ASYNC, MR_DAMON,
		      &nr_succeeded);
	putback_movable_pages(folios);
	return (unsigned long)nr_succeeded * PAGE_SIZE;
}

/* Reclaim or migrate the folios isolated so far, as the action says. */
static void damon_pa_flush(struct damon_pa_apply *a)
{
	switch (a->s->action) {
	case DAMOS_PAGEOUT:
		if (!list_empty(&a->folios))
			a->applied += reclaim_pages(&a->folios) * PAGE_SIZE;
		break;
	case DAMOS_MIGRATE_HOT:
	case DAMOS_MIGRATE_COLD:
		a->applied += damon_pa_migrate(&a->folios, a->s->target_nid);
		break;
	default:
		break;
	}
	a->nr_pages = 0;
}

static bool damon_pa_valid_nid(int nid)
{
	return nid >= 0 && nid < MAX_NUMNODES && node_online(nid);
}

/*
 * Apply the action of @s to the LRU folios of @r that pass its filters.
 * Other pages are skipped.  A folio that straddles a boundary of @r counts
 * with its part inside @r only, except for reclaim and migration, which
 * count what they actually moved.  DAMOS_STAT does nothing to the memory:
 * without a filter to apply, the whole region counts and no folio is
 * visited, so that a "stat" scheme costs nothing per page.
 *
 * When it applies filters, the bytes of the folios that passed them go to
 * *@sz_filter_passed, whatever the action then did with them.
 *
 * Return: the bytes the action was applied to; for DAMOS_STAT, the bytes
 * of the LRU folios that passed the filters, or the size of @r if it has no
 * filter applied here.
 */
static unsigned long damon_pa_apply_scheme(struct damon_ctx *ctx,
					   struct damon_target *t,
					   struct damon_region *r,
					   struct damos *s,
					   unsigned long *sz_filter_passed)
{
	struct damon_pa_apply a = {
		.s = s,
		.folios = LIST_HEAD_INIT(a.folios),
	};
	bool filtered = !s->core_filters_allowed && damon_pa_has_folio_filter(s);
	unsigned long addr = r->ar.start, start, end, sz;
	struct folio *folio;

	if ((s->action == DAMOS_MIGRATE_HOT ||
	     s->action == DAMOS_MIGRATE_COLD) &&
	    !damon_pa_valid_nid(s->target_nid))
		return 0;
	/* A core filter that allowed the region skips the folio filters. */
	if (s->action == DAMOS_STAT && !filtered)
		return damon_sz_region(r);

	while (addr < r->ar.end) {
		/* What is isolated still gets flushed below. */
		if (damon_pa_yield_or_stop())
			break;
		folio = damon_get_folio(PHYS_PFN(addr));
		if (!folio) {
			addr = PAGE_ALIGN(addr + 1);
			continue;
		}
		start = PFN_PHYS(folio_pfn(folio));
		end = start + folio_size(folio);
		sz = min(end, r->ar.end) - max(start, addr);
		if (!damon_pa_filter_out(s, folio)) {
			a.passed += sz;
			if (damon_pa_apply_folio(&a, folio))
				a.applied += sz;
		}
		folio_put(folio);
		addr = end;
		if (a.nr_pages >= DAMON_PA_BATCH_PAGES)
			damon_pa_flush(&a);
	}
	damon_pa_flush(&a);
	if (filtered)
		*sz_filter_passed = a.passed;
	return a.applied;
}

#define DAMON_PA_MIGRATE_ACTIONS	(BIT(DAMOS_MIGRATE_HOT) |		\
					 BIT(DAMOS_MIGRATE_COLD))
#define DAMON_PA_ACTIONS	(BIT(DAMOS_PAGEOUT) | BIT(DAMOS_LRU_PRIO) |	\
				 BIT(DAMOS_LRU_DEPRIO) | BIT(DAMOS_STAT) |	\
				 (IS_ENABLED(CONFIG_MIGRATION) ?		\
				  DAMON_PA_MIGRATE_ACTIONS : 0))
#define DAMON_PA_FILTERS	(BIT(DAMOS_FILTER_TYPE_ANON) |			\
				 BIT(DAMOS_FILTER_TYPE_MEMCG) |			\
				 BIT(DAMOS_FILTER_TYPE_YOUNG) |			\
				 BIT(DAMOS_FILTER_TYPE_ACTIVE) |		\
				 BIT(DAMOS_FILTER_TYPE_HUGEPAGE_SIZE) |		\
				 BIT(DAMOS_FILTER_TYPE_UNMAPPED))

/* === Registration === */

static struct damon_operations damon_pa_ops = {
	.id = DAMON_OPS_PADDR,
	.prepare_access_checks = damon_pa_prepare_access_checks,
	.check_accesses = damon_pa_check_accesses,
	.get_scheme_score = damon_scheme_score,
	.apply_scheme = damon_pa_apply_scheme,
	.target_valid = damon_pa_target_valid,
	.supported_actions = DAMON_PA_ACTIONS,
	.supported_filters = DAMON_PA_FILTERS,
};

static int __init damon_pa_initcall(void)
{
	return damon_register_ops(&damon_pa_ops);
}

subsys_initcall(damon_pa_initcall);
