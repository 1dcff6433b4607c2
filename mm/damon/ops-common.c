// SPDX-License-Identifier: GPL-2.0
/*
 * Accessed-bit helpers and DAMOS priority scores shared by the DAMON
 * operations sets.
 *
 * DAMON finds out whether a page was accessed during a sampling interval by
 * clearing the Accessed ("young") bit of an entry that maps it at the start
 * of the interval, and testing it at the end.  Reclaim and idle page tracking
 * read the same bits, so the helpers below leave a trace for them in the
 * page-idle flags of the folio:
 *
 * - clearing a young bit that was set also sets PG_young, so that
 *   folio_referenced() still counts the access that DAMON hid from it;
 * - clearing always sets PG_idle, which folio_mark_accessed() and reclaim
 *   clear again when they see an access that did not go through a page
 *   table entry DAMON looks at (read(2), another mapping...).
 *
 * A folio then counts as accessed when the entry is young, when it is no
 * longer idle, or when a secondary MMU (KVM, a device) says it is young.
 * PG_young is deliberately not an access signal: only reclaim and idle page
 * tracking clear it, so it would keep reporting an access that DAMON has
 * already counted, sample after sample.
 */

#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/page_idle.h>
#include <linux/pagemap.h>
#include <linux/huge_mm.h>

#include "ops-common.h"

/**
 * damon_get_folio() - Get the LRU folio of a page frame.
 * @pfn:	The page frame number.
 *
 * Only folios on an LRU list are safe to hand to rmap_walk(); free, offline,
 * device and other non-LRU pages are skipped.  @pfn may point to any page of
 * the folio.
 *
 * Context: Any context that may take a folio reference.
 * Return: The folio with a reference held, to be released with folio_put(),
 * or NULL if the page is not an online page of an LRU folio.
 */
struct folio *damon_get_folio(unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);
	struct folio *folio = page ? page_folio(page) : NULL;

	/* Check the LRU flag before pinning: never pin a page DAMON skips. */
	if (!folio || !folio_test_lru(folio) || !folio_try_get(folio))
		return NULL;
	/*
	 * The reference pins the folio we found, but between the two reads of
	 * the page's folio it may have been split, or freed and reused.
	 */
	if (likely(page_folio(page) == folio && folio_test_lru(folio)))
		return folio;
	folio_put(folio);
	return NULL;
}

/**
 * damon_folio_mkold_flags() - Record in the page-idle flags that DAMON
 * cleared the Accessed bit of a mapping of a folio.
 * @folio:	The folio.
 * @was_young:	Whether the cleared bit was set.
 *
 * Context: Any context; the caller holds a reference on @folio.
 */
void damon_folio_mkold_flags(struct folio *folio, bool was_young)
{
	if (was_young)
		folio_set_young(folio);
	folio_set_idle(folio);
}

/**
 * damon_folio_young_flags() - Tell whether the page-idle flags of a folio
 * show an access since damon_folio_mkold_flags().
 * @folio:	The folio.
 *
 * Context: Any context; the caller holds a reference on @folio.
 * Return: true if @folio is no longer marked idle.
 */
bool damon_folio_young_flags(struct folio *folio)
{
	return !folio_test_idle(folio);
}

static struct folio *damon_pte_folio(pte_t entry, struct vm_area_struct *vma,
				     unsigned long addr)
{
	struct folio *folio;

	if (!pte_present(entry))
		return NULL;
	folio = vm_normal_folio(vma, addr, entry);
	if (!folio || folio_is_zone_device(folio) || !folio_try_get(folio))
		return NULL;
	return folio;
}

/**
 * damon_ptep_mkold() - Clear the Accessed bit of a page table entry.
 * @pte:	The entry, mapped.
 * @vma:	The VMA @addr is in.
 * @addr:	The virtual address @pte maps.
 *
 * Secondary MMUs are told to clear their Accessed state of the page too.
 * Entries that are not present or map no normal folio are left alone.
 *
 * Context: Process context, with the page table lock of @pte held.
 */
void damon_ptep_mkold(pte_t *pte, struct vm_area_struct *vma,
		      unsigned long addr)
{
	struct folio *folio = damon_pte_folio(ptep_get(pte), vma, addr);
	bool young;

	if (!folio)
		return;
	young = ptep_clear_young_notify(vma, addr, pte);
	damon_folio_mkold_flags(folio, young);
	folio_put(folio);
}

/**
 * damon_ptep_young() - Tell whether the page a page table entry maps was
 * accessed since damon_ptep_mkold().
 * @pte:	The entry, mapped.
 * @vma:	The VMA @addr is in.
 * @addr:	The virtual address @pte maps.
 *
 * Context: Process context, with the page table lock of @pte held.
 * Return: true if the entry is young, the folio is no longer idle, or a
 * secondary MMU reports the page young; false otherwise, and for entries
 * that are not present or map no normal folio.
 */
bool damon_ptep_young(pte_t *pte, struct vm_area_struct *vma,
		      unsigned long addr)
{
	pte_t entry = ptep_get(pte);
	struct folio *folio = damon_pte_folio(entry, vma, addr);
	bool young;

	if (!folio)
		return false;
	young = pte_young(entry) || damon_folio_young_flags(folio) ||
		mmu_notifier_test_young(vma->vm_mm, addr);
	folio_put(folio);
	return young;
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
static struct folio *damon_pmd_folio(pmd_t entry, struct vm_area_struct *vma,
				     unsigned long addr)
{
	struct folio *folio;

	if (!pmd_present(entry) || !pmd_trans_huge(entry))
		return NULL;
	folio = vm_normal_folio_pmd(vma, addr, entry);
	if (!folio || folio_is_zone_device(folio) || !folio_try_get(folio))
		return NULL;
	return folio;
}

/**
 * damon_pmdp_mkold() - Clear the Accessed bit of a PMD that maps a
 * transparent huge page.
 * @pmd:	The PMD.
 * @vma:	The VMA @addr is in.
 * @addr:	Any virtual address the PMD maps.
 *
 * Context: Process context, with the page table lock of @pmd held.
 */
void damon_pmdp_mkold(pmd_t *pmd, struct vm_area_struct *vma,
		      unsigned long addr)
{
	struct folio *folio;
	bool young;

	addr &= HPAGE_PMD_MASK;
	folio = damon_pmd_folio(pmdp_get(pmd), vma, addr);
	if (!folio)
		return;
	young = pmdp_clear_young_notify(vma, addr, pmd);
	damon_folio_mkold_flags(folio, young);
	folio_put(folio);
}

/**
 * damon_pmdp_young() - Tell whether the transparent huge page a PMD maps
 * was accessed since damon_pmdp_mkold().
 * @pmd:	The PMD.
 * @vma:	The VMA @addr is in.
 * @addr:	Any virtual address the PMD maps.
 *
 * Context: Process context, with the page table lock of @pmd held.
 * Return: true if the PMD is young, the folio is no longer idle, or a
 * secondary MMU reports the page young; false otherwise, and if @pmd does
 * not map a normal huge folio.
 */
bool damon_pmdp_young(pmd_t *pmd, struct vm_area_struct *vma,
		      unsigned long addr)
{
	pmd_t entry = pmdp_get(pmd);
	struct folio *folio;
	bool young;

	addr &= HPAGE_PMD_MASK;
	folio = damon_pmd_folio(entry, vma, addr);
	if (!folio)
		return false;
	young = pmd_young(entry) || damon_folio_young_flags(folio) ||
		mmu_notifier_test_young(vma->vm_mm, addr);
	folio_put(folio);
	return young;
}
#endif	/* CONFIG_TRANSPARENT_HUGEPAGE */

/* === DAMOS priority scores === */

/**
 * DOC: DAMOS priority scores
 *
 * When the quota of a scheme binds, the core applies the action to the
 * regions with the highest priority score first.  A score is built from
 * three sub-scores, each in per mille:
 *
 * - frequency: the access count of damon_nr_accesses_now(), which is
 *   &damon_region.nr_accesses at the end of an aggregation interval,
 *   relative to the largest value it can take, damon_max_nr_accesses();
 * - age: how long the region kept its access frequency, on a logarithmic
 *   time scale, so that an age of minutes still ranks above an age of
 *   seconds and only ages of hours saturate.  The age in aggregation
 *   intervals is turned into milliseconds, and the sub-score grows by 10
 *   for each quarter of a doubling: it is 40 * (ilog2(ms) + 1) plus 10 per
 *   quarter of the way to the next power of two, and reaches 1000 at 2^24
 *   ms (about 4.7 hours).  An age under one millisecond scores 0.  Age
 *   strengthens what the frequency says: for a region that was accessed in
 *   the last aggregation interval, a long age means hot for long, and the
 *   age sub-score adds to the hotness; for a region that was not accessed
 *   at all, a long age means idle for long, and 1000 minus the age
 *   sub-score is used instead;
 * - size: 50 per doubling of the region size above one page, that is
 *   50 * ilog2(size / PAGE_SIZE), capped at 1000 (reached at 2^20 pages, 4
 *   GiB with 4 KiB pages).
 *
 * The access score is the average of the frequency and age sub-scores
 * weighted by &damos_quota.weight_nr_accesses and &damos_quota.weight_age;
 * when both weights are 0, each counts as 1, so that the two sub-scores
 * count equally.  The hotness
 * is that access score, the coldness is 1000 minus it.  The size sub-score
 * is then averaged in with weight &damos_quota.weight_sz, for the hotness
 * and the coldness alike: larger regions get a bonus whatever the
 * direction, proportional to the weight.  The result, in per mille, is
 * scaled to [0, &DAMOS_MAX_SCORE] rounding down.
 *
 * Actions that act on cold memory first (pageout, cold, lru_deprio,
 * migrate_cold, nohugepage) rank regions by coldness; the others
 * (willneed, hugepage, lru_prio, migrate_hot, stat) by hotness.
 */

#define DAMON_SCORE_PERMIL		1000U
/* The age sub-score reaches its maximum at 2^DAMON_AGE_LOG_MAX ms. */
#define DAMON_AGE_LOG_MAX		24
/* Steps of the age sub-score per doubling of the age. */
#define DAMON_AGE_LOG_STEPS		4
/* The size sub-score reaches its maximum at 2^DAMON_SZ_LOG_MAX pages. */
#define DAMON_SZ_LOG_MAX		20

static unsigned int damon_freq_subscore(struct damon_ctx *ctx,
					struct damon_region *r)
{
	unsigned int max_nr = damon_max_nr_accesses(&ctx->attrs);
	unsigned int nr = min(damon_nr_accesses_now(ctx, r), max_nr);

	return div_u64((u64)nr * DAMON_SCORE_PERMIL, max_nr);
}

static unsigned int damon_age_subscore(struct damon_ctx *ctx,
				       struct damon_region *r)
{
	u64 ms = div_u64((u64)r->age * ctx->attrs.aggr_interval, USEC_PER_MSEC);
	unsigned int lg, frac, steps;

	if (!ms)
		return 0;
	lg = ilog2(ms);
	if (lg >= DAMON_AGE_LOG_MAX)
		return DAMON_SCORE_PERMIL;
	/* Which quarter of the way from 2^lg to 2^(lg + 1) ms is the age. */
	frac = (ms - (1ULL << lg)) * DAMON_AGE_LOG_STEPS >> lg;
	steps = (lg + 1) * DAMON_AGE_LOG_STEPS + frac;
	return min(steps * DAMON_SCORE_PERMIL /
		   (DAMON_AGE_LOG_MAX * DAMON_AGE_LOG_STEPS),
		   DAMON_SCORE_PERMIL);
}

static unsigned int damon_sz_subscore(struct damon_region *r)
{
	unsigned long nr_pages = damon_sz_region(r) >> PAGE_SHIFT;

	if (!nr_pages)
		return 0;
	return min_t(unsigned int, ilog2(nr_pages) * DAMON_SCORE_PERMIL /
		     DAMON_SZ_LOG_MAX, DAMON_SCORE_PERMIL);
}

/* Hotness from the frequency and the age only, in per mille. */
static unsigned int damon_access_hotness(struct damon_ctx *ctx,
					 struct damon_region *r,
					 struct damos *s)
{
	u64 w_freq = s->quota.weight_nr_accesses, w_age = s->quota.weight_age;
	unsigned int age = damon_age_subscore(ctx, r);

	if (!w_freq && !w_age) {
		w_freq = 1;
		w_age = 1;
	}
	if (!damon_nr_accesses_now(ctx, r))
		age = DAMON_SCORE_PERMIL - age;
	return div64_u64(w_freq * damon_freq_subscore(ctx, r) + w_age * age,
			 w_freq + w_age);
}

/* Average @access_permil with the size sub-score and scale the result. */
static int damon_weigh_sz(struct damon_region *r, struct damos *s,
			  unsigned int access_permil)
{
	u64 w_sz = s->quota.weight_sz, w_access;
	u64 permil;

	w_access = (u64)s->quota.weight_nr_accesses + s->quota.weight_age;
	if (!w_access)
		w_access = 2;
	permil = div64_u64(w_access * access_permil +
			   w_sz * damon_sz_subscore(r), w_access + w_sz);
	return div_u64(permil * DAMOS_MAX_SCORE, DAMON_SCORE_PERMIL);
}

/**
 * damon_hot_score() - Rank a region by how hot it is.
 * @ctx:	The monitoring context of the region.
 * @r:		The region.
 * @s:		The scheme whose quota weights are used.
 *
 * See "DAMOS priority scores" above for the formula.
 *
 * Context: Any context.
 * Return: The hotness of @r in [0, &DAMOS_MAX_SCORE]: higher for regions
 * accessed more often, for longer, and, with &damos_quota.weight_sz, for
 * larger regions.
 */
int damon_hot_score(struct damon_ctx *ctx, struct damon_region *r,
		    struct damos *s)
{
	return damon_weigh_sz(r, s, damon_access_hotness(ctx, r, s));
}

/**
 * damon_cold_score() - Rank a region by how cold it is.
 * @ctx:	The monitoring context of the region.
 * @r:		The region.
 * @s:		The scheme whose quota weights are used.
 *
 * The access part is the complement of damon_hot_score()'s; the size bonus
 * is the same.  Without size weight, damon_cold_score() is
 * &DAMOS_MAX_SCORE - damon_hot_score() up to rounding.
 *
 * Context: Any context.
 * Return: The coldness of @r in [0, &DAMOS_MAX_SCORE]: higher for regions
 * accessed less often, idle for longer, and, with &damos_quota.weight_sz,
 * larger.
 */
int damon_cold_score(struct damon_ctx *ctx, struct damon_region *r,
		     struct damos *s)
{
	return damon_weigh_sz(r, s, DAMON_SCORE_PERMIL -
			      damon_access_hotness(ctx, r, s));
}

/**
 * damon_scheme_score() - The &damon_operations.get_scheme_score hook shared
 * by the operations sets.
 * @ctx:	The monitoring context of the region.
 * @t:		The target of the region.  Unused.
 * @r:		The region.
 * @s:		The scheme to rank @r for.
 *
 * Context: Any context.
 * Return: damon_cold_score() for actions that should reach cold memory
 * first, damon_hot_score() for the others.
 */
int damon_scheme_score(struct damon_ctx *ctx, struct damon_target *t,
		       struct damon_region *r, struct damos *s)
{
	switch (s->action) {
	case DAMOS_COLD:
	case DAMOS_PAGEOUT:
	case DAMOS_NOHUGEPAGE:
	case DAMOS_LRU_DEPRIO:
	case DAMOS_MIGRATE_COLD:
		return damon_cold_score(ctx, r, s);
	default:
		return damon_hot_score(ctx, r, s);
	}
}
