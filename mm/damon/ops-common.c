// SPDX-License-Identifier: GPL-2.0
/*
 * Accessed-bit helpers shared by the DAMON operations sets.
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
	struct folio *folio;

	if (!page)
		return NULL;

	folio = page_folio(page);
	if (!folio_test_lru(folio) || !folio_try_get(folio))
		return NULL;
	/* The folio may have been split or freed and reused meanwhile. */
	if (unlikely(page_folio(page) != folio || !folio_test_lru(folio))) {
		folio_put(folio);
		return NULL;
	}
	return folio;
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
