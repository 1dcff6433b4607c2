// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON operations sets for the virtual address spaces of processes.
 *
 * Two sets live here.  vaddr (&DAMON_OPS_VADDR) monitors the whole mapped
 * address space of each target process and follows it as the process maps
 * and unmaps memory.  fvaddr (&DAMON_OPS_FVADDR) does the same access checks
 * on the ranges the user gave and never changes them.
 *
 * Map of this file:
 *   - target processes: from the struct pid to the mm, for one step only;
 *   - the three regions: where the mapped address space is;
 *   - init and update: the regions of the targets;
 *   - access checks: page table walks over a window around one address;
 *   - DAMOS: madvise() on behalf of the target;
 *   - registration.
 */

#include <linux/damon.h>
#include <linux/hugetlb.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmu_notifier.h>
#include <linux/pagewalk.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <kunit/visibility.h>

#include "ops-common.h"
#include "ops-internal.h"
#include "vaddr.h"

/* === Target processes === */

/*
 * The target holds a reference on its struct pid only: the task may exit at
 * any time.  The mm is taken for the duration of one step of the kdamond and
 * released with mmput() at its end.
 */
static struct mm_struct *damon_va_get_mm(struct damon_target *t)
{
	struct task_struct *task;
	struct mm_struct *mm;

	if (!t->pid)
		return NULL;
	task = get_pid_task(t->pid, PIDTYPE_PID);
	if (!task)
		return NULL;
	mm = get_task_mm(task);
	put_task_struct(task);
	return mm;
}

/* === The three regions === */

/**
 * DOC: three regions
 *
 * A process address space is mostly empty: code, data and heap sit near the
 * bottom, the stack near the top, and the mmap() area somewhere in between,
 * with huge unmapped gaps between the three.  Monitoring those gaps would
 * waste regions on memory that cannot be accessed, so vaddr monitors three
 * ranges: from the first mapping to the start of one of the two largest gaps
 * between mappings, from the end of that gap to the start of the other, and
 * from there to the end of the last mapping.  The smaller gaps stay inside
 * the ranges; they are cheap, since a region whose sampled page is not mapped
 * just reads as not accessed, and the adaptive merging folds them into few
 * regions.
 *
 * When two gaps have the same size, the one at the lower address counts as
 * the larger.  An address space with one gap gives two ranges, and one with
 * no gap one range.
 */

static unsigned long damon_va_range_sz(const struct damon_addr_range *r)
{
	return r->end - r->start;
}

/**
 * damon_va_three_regions() - Compute the ranges a process's mappings span,
 * leaving out the two largest gaps between them.
 * @vmi:	Iterator over the VMAs, positioned before the first one.
 * @ranges:	Filled with the ranges, sorted by address, aligned to
 *		&DAMON_MIN_REGION.
 *
 * Context: Any context that keeps the VMA tree stable: mmap_lock held for
 * read, or the tree's own lock or RCU for a private tree.
 * Return: The number of ranges filled in @ranges, 1 to 3, or 0 if there is
 * no VMA.
 */
VISIBLE_IF_KUNIT int damon_va_three_regions(struct vma_iterator *vmi,
					    struct damon_addr_range ranges[3])
{
	struct damon_addr_range first = {}, second = {}, gap, lo, hi;
	struct vm_area_struct *vma, *prev = NULL;
	unsigned long start = 0, end;
	int i, nr = 0;

	for_each_vma(*vmi, vma) {
		if (!prev) {
			start = vma->vm_start;
			prev = vma;
			continue;
		}
		gap.start = prev->vm_end;
		gap.end = vma->vm_start;
		/* Strict comparisons: the lower gap wins a tie. */
		if (damon_va_range_sz(&gap) > damon_va_range_sz(&first)) {
			second = first;
			first = gap;
		} else if (damon_va_range_sz(&gap) >
			   damon_va_range_sz(&second)) {
			second = gap;
		}
		prev = vma;
	}
	if (!prev)
		return 0;
	end = prev->vm_end;

	if (first.start < second.start) {
		lo = first;
		hi = second;
	} else {
		lo = second;
		hi = first;
	}

	/* An empty gap means there were fewer than two gaps. */
	if (damon_va_range_sz(&lo)) {
		ranges[nr].start = start;
		ranges[nr++].end = lo.start;
		start = lo.end;
	}
	if (damon_va_range_sz(&hi)) {
		ranges[nr].start = start;
		ranges[nr++].end = hi.start;
		start = hi.end;
	}
	ranges[nr].start = start;
	ranges[nr++].end = end;

	/* Align, merging ranges whose gap vanishes in the rounding. */
	for (i = 0; i < nr; i++) {
		ranges[i].start = ALIGN_DOWN(ranges[i].start, DAMON_MIN_REGION);
		ranges[i].end = ALIGN(ranges[i].end, DAMON_MIN_REGION);
		if (i && ranges[i].start <= ranges[i - 1].end) {
			ranges[i - 1].end = ranges[i].end;
			memmove(&ranges[i], &ranges[i + 1],
				sizeof(ranges[0]) * (nr - i - 1));
			nr--;
			i--;
		}
	}
	return nr;
}
EXPORT_SYMBOL_IF_KUNIT(damon_va_three_regions);

/* Compute the ranges of a target; 0 if it has no mm or no mapping. */
static int damon_va_target_ranges(struct damon_target *t,
				  struct damon_addr_range ranges[3])
{
	struct mm_struct *mm = damon_va_get_mm(t);
	int nr;

	if (!mm)
		return 0;
	mmap_read_lock(mm);
	{
		VMA_ITERATOR(vmi, mm, 0);

		nr = damon_va_three_regions(&vmi, ranges);
	}
	mmap_read_unlock(mm);
	mmput(mm);
	return nr;
}

/* === Init and update === */

/**
 * damon_va_piece_size() - Compute the size of the pieces the initial regions
 * are split into.
 * @sz_total:		Total size of the regions of the context.
 * @min_nr_regions:	The number of regions the context should have.
 *
 * Context: Any context.
 * Return: @sz_total / @min_nr_regions aligned down to &DAMON_MIN_REGION, and
 * at least &DAMON_MIN_REGION.
 */
VISIBLE_IF_KUNIT unsigned long damon_va_piece_size(unsigned long sz_total,
						   unsigned long min_nr_regions)
{
	unsigned long sz;

	if (!min_nr_regions)
		min_nr_regions = 1;
	sz = ALIGN_DOWN(sz_total / min_nr_regions, DAMON_MIN_REGION);
	return max_t(unsigned long, sz, DAMON_MIN_REGION);
}
EXPORT_SYMBOL_IF_KUNIT(damon_va_piece_size);

/**
 * damon_va_evenly_split_region() - Split a region into pieces of the same
 * size.
 * @t:		The target @r belongs to.
 * @r:		The region.
 * @nr_pieces:	The number of pieces.
 *
 * The pieces are aligned to &DAMON_MIN_REGION; the last one takes what the
 * alignment leaves over.  New pieces start with no access history.
 *
 * Context: Process context; the caller owns @t.
 * Return: 0 on success, -EINVAL if @nr_pieces is 0 or @r is too small for
 * @nr_pieces pieces of &DAMON_MIN_REGION, -ENOMEM if a piece could not be
 * allocated (@r then still covers the same range, in fewer pieces).
 */
VISIBLE_IF_KUNIT int damon_va_evenly_split_region(struct damon_target *t,
						  struct damon_region *r,
						  unsigned int nr_pieces)
{
	struct damon_region *prev = r, *next, *piece;
	unsigned long sz_piece, start, end;
	unsigned int i;

	if (!nr_pieces)
		return -EINVAL;
	sz_piece = ALIGN_DOWN(damon_sz_region(r) / nr_pieces, DAMON_MIN_REGION);
	if (!sz_piece)
		return -EINVAL;
	if (nr_pieces == 1)
		return 0;

	next = damon_next_region(r);
	end = r->ar.end;
	r->ar.end = r->ar.start + sz_piece;
	for (i = 1, start = r->ar.end; i < nr_pieces; i++, start += sz_piece) {
		piece = damon_new_region(start,
					 i == nr_pieces - 1 ? end :
					 start + sz_piece);
		if (!piece) {
			prev->ar.end = end;
			return -ENOMEM;
		}
		damon_insert_region(piece, prev, next, t);
		prev = piece;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(damon_va_evenly_split_region);

/**
 * damon_va_split_regions() - Split every region of a target into pieces of
 * about a given size.
 * @t:		The target.
 * @sz_piece:	The size of the pieces, a multiple of &DAMON_MIN_REGION.
 *
 * A region of size sz becomes DIV_ROUND_UP(sz, @sz_piece) pieces, so that
 * the target ends up with at least its size / @sz_piece regions.
 *
 * Context: Process context; the caller owns @t.
 * Return: 0 on success, or the first error of
 * damon_va_evenly_split_region().
 */
VISIBLE_IF_KUNIT int damon_va_split_regions(struct damon_target *t,
					    unsigned long sz_piece)
{
	struct damon_region *r, *next;
	unsigned long nr_pieces;
	int err;

	if (!sz_piece)
		return -EINVAL;
	damon_for_each_region_safe(r, next, t) {
		nr_pieces = min(DIV_ROUND_UP(damon_sz_region(r), sz_piece),
				damon_sz_region(r) / DAMON_MIN_REGION);
		if (nr_pieces <= 1)
			continue;
		err = damon_va_evenly_split_region(t, r, nr_pieces);
		if (err)
			return err;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(damon_va_split_regions);

/*
 * Give each target that has no region yet the three regions of its address
 * space, then split the regions in pieces so that the context starts with
 * about min_nr_regions regions.  A target whose user gave it regions keeps
 * their ranges until the first update.
 */
static void damon_va_init(struct damon_ctx *ctx)
{
	struct damon_addr_range ranges[3];
	unsigned long sz_total = 0, sz_piece;
	struct damon_region *r;
	struct damon_target *t;
	int nr;

	damon_for_each_target(t, ctx) {
		if (!t->nr_regions) {
			nr = damon_va_target_ranges(t, ranges);
			if (nr)
				damon_set_regions(t, ranges, nr);
		}
		damon_for_each_region(r, t)
			sz_total += damon_sz_region(r);
	}
	if (!sz_total)
		return;

	sz_piece = damon_va_piece_size(sz_total, ctx->attrs.min_nr_regions);
	damon_for_each_target(t, ctx)
		/* On -ENOMEM a target just starts with fewer regions. */
		damon_va_split_regions(t, sz_piece);
}

/*
 * Follow mmap() and munmap(): regions that stay inside the new ranges keep
 * their access history, the others are trimmed or dropped, and new mappings
 * get new regions.
 */
static void damon_va_update(struct damon_ctx *ctx)
{
	struct damon_addr_range ranges[3];
	struct damon_target *t;
	int nr;

	damon_for_each_target(t, ctx) {
		nr = damon_va_target_ranges(t, ranges);
		if (nr)
			damon_set_regions(t, ranges, nr);
	}
}

/* === Access checks === */

/*
 * A pass of prepare or check holds the target's mmap_lock for read across
 * the target's regions, which come in address order, so that consecutive
 * regions of one VMA look the VMA up once.  Before each region, the lock is
 * dropped if a writer waits for it (mmap(), munmap(), mprotect(), and the
 * page faults queued behind them) or the CPU is wanted elsewhere: nobody
 * waits for more than one region's walk.
 *
 * The walk does not stop at the sampled page.  It covers an aligned window of
 * DAMON_VA_WINDOW_PAGES pages around it, clipped to the region and its VMA:
 * 512 bytes of page table entries on 64-bit, in the page table the walk maps
 * anyway.  prepare clears the Accessed bits that are set in the window, and
 * check reports the pages whose bit is set again with
 * damon_region_seen_accessed().  The access count stays the sampled page's
 * alone; the window only tells the core which part of the region is
 * accessed, so that the region is split at the edges of that part instead
 * of at a random point.  Regions found accessed at every sample of the last
 * aggregation interval skip the window: they have no idle part to find, and
 * their pages, all young, would cost the most to clear.
 *
 * A region with a hot edge (&damon_region.hot_edges: the core cut an
 * accessed range off it there, or found the neighbour accessed up to it)
 * places its window at that edge instead, for the aggregation interval that
 * follows: the seen range that made the cut is the hull of a few samples,
 * and the accessed range often goes on past it.  Each sample puts the
 * window right after the part of the region found accessed from the edge
 * so far, so the windows crawl along an accessed range, up to 64 pages a
 * sample, and stay where it ends.  Until the crawl finds something, half of
 * the samples keep their window around them, so that an edge with nothing
 * behind it does not stop the search of the rest of the region.  The
 * sampled page is then checked on its own.
 */
#define DAMON_VA_WINDOW_PAGES	64

/* State of a pass over a target's regions, and of one region's walk. */
struct damon_va_walk {
	struct mm_struct *mm;
	/* The VMA of the last walk, or NULL once mmap_lock was dropped. */
	struct vm_area_struct *vma;
	struct damon_region *region;
	bool mkold;
	/* Whether the sampled page was found accessed (check only). */
	bool young;
	/* Range the result holds for when it is a huge mapping, or empty. */
	unsigned long huge_start;
	unsigned long huge_end;
};

/* Clear or check the entries of [@addr, @end), one page table's worth. */
static void damon_va_check_ptes(pmd_t *pmd, unsigned long addr,
				unsigned long end, struct mm_walk *walk)
{
	struct damon_va_walk *w = walk->private;
	unsigned long sampled = ALIGN_DOWN(w->region->sampling_addr, PAGE_SIZE);
	spinlock_t *ptl;	/* The page table lock of the entries. */
	pte_t *start_pte, *pte;
	pte_t entry;

	start_pte = pte_offset_map_lock(walk->mm, pmd, addr, &ptl);
	if (!start_pte) {
		/* The table went away under us: look at the PMD again. */
		walk->action = ACTION_AGAIN;
		return;
	}
	/* The map entered an RCU read-side section that sparse cannot see. */
	__acquire(RCU);
	for (pte = start_pte; addr < end; pte++, addr += PAGE_SIZE) {
		if (addr == sampled) {
			if (w->mkold)
				damon_ptep_mkold(pte, walk->vma, addr);
			else
				w->young = damon_ptep_young(pte, walk->vma,
							    addr);
			continue;
		}
		entry = ptep_get(pte);
		if (!pte_present(entry) || !pte_young(entry))
			continue;
		if (w->mkold)
			damon_ptep_mkold(pte, walk->vma, addr);
		else
			damon_region_seen_accessed(w->region, addr,
						   addr + PAGE_SIZE);
	}
	pte_unmap_unlock(start_pte, ptl);
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/* Check a PMD that mapped a transparent huge page, if it still does. */
static void damon_va_check_thp(pmd_t *pmd, unsigned long addr,
			       struct mm_walk *walk)
{
	struct damon_va_walk *w = walk->private;
	spinlock_t *ptl;	/* The page table lock of the entry. */
	pmd_t entry;

	ptl = pmd_lock(walk->mm, pmd);
	entry = pmdp_get(pmd);
	if (!pmd_present(entry) || !pmd_trans_huge(entry))
		goto out;
	addr &= HPAGE_PMD_MASK;
	if (w->mkold) {
		damon_pmdp_mkold(pmd, walk->vma, addr);
	} else if ((w->region->sampling_addr & HPAGE_PMD_MASK) == addr) {
		w->young = damon_pmdp_young(pmd, walk->vma, addr);
		w->huge_start = addr;
		w->huge_end = addr + HPAGE_PMD_SIZE;
	} else if (damon_pmdp_young(pmd, walk->vma, addr)) {
		damon_region_seen_accessed(w->region, addr,
					   addr + HPAGE_PMD_SIZE);
	}
out:
	spin_unlock(ptl);
}
#else
static void damon_va_check_thp(pmd_t *pmd, unsigned long addr,
			       struct mm_walk *walk)
{
}
#endif	/* CONFIG_TRANSPARENT_HUGEPAGE */

static int damon_va_check_pmd(pmd_t *pmd, unsigned long addr,
			      unsigned long next, struct mm_walk *walk)
{
	pmd_t entry = pmdp_get(pmd);

	/*
	 * The walk never descends itself: it would split a huge PMD.  One
	 * that is split or migrated meanwhile misses this sample.
	 */
	walk->action = ACTION_CONTINUE;
	if (!pmd_present(entry))
		return 0;
	if (pmd_leaf(entry))
		damon_va_check_thp(pmd, addr, walk);
	else
		damon_va_check_ptes(pmd, addr, next, walk);
	return 0;
}

#ifdef CONFIG_HUGETLB_PAGE
/*
 * There is no generic test-and-clear of the Accessed bit for hugetlb
 * entries, so the entry is rewritten under its lock.  A Dirty bit the CPU
 * sets between the read and the write can be lost; hugetlb folios are never
 * written back, so nothing depends on it.
 */
static void damon_va_hugetlb_mkold(pte_t *pte, pte_t entry,
				   struct folio *folio, unsigned long addr,
				   struct mm_walk *walk)
{
	unsigned long sz = huge_page_size(hstate_vma(walk->vma));
	bool young = pte_young(entry);

	if (young)
		set_huge_pte_at(walk->mm, addr, pte, pte_mkold(entry), sz);
#ifdef CONFIG_MMU_NOTIFIER
	young |= mmu_notifier_clear_young(walk->mm, addr, addr + sz);
#endif
	damon_folio_mkold_flags(folio, young);
}

static int damon_va_check_hugetlb(pte_t *pte, unsigned long hmask,
				  unsigned long addr, unsigned long next,
				  struct mm_walk *walk)
{
	struct damon_va_walk *w = walk->private;
	struct hstate *h = hstate_vma(walk->vma);
	struct folio *folio;
	spinlock_t *ptl;	/* The page table lock of the entry. */
	pte_t entry;
	bool young;

	addr &= hmask;
	ptl = huge_pte_lock(h, walk->mm, pte);
	entry = huge_ptep_get(walk->mm, addr, pte);
	if (!pte_present(entry))
		goto out;
	folio = pfn_folio(pte_pfn(entry));
	if (!folio_try_get(folio))
		goto out;
	young = !w->mkold && (pte_young(entry) ||
			      damon_folio_young_flags(folio) ||
			      mmu_notifier_test_young(walk->mm, addr));
	if (w->mkold) {
		damon_va_hugetlb_mkold(pte, entry, folio, addr, walk);
	} else if ((w->region->sampling_addr & hmask) == addr) {
		w->young = young;
		w->huge_start = addr;
		w->huge_end = addr + huge_page_size(h);
	} else if (young) {
		damon_region_seen_accessed(w->region, addr,
					   addr + huge_page_size(h));
	}
	folio_put(folio);
out:
	spin_unlock(ptl);
	return 0;
}
#else
#define damon_va_check_hugetlb	NULL
#endif	/* CONFIG_HUGETLB_PAGE */

static const struct mm_walk_ops damon_va_check_ops = {
	.pmd_entry = damon_va_check_pmd,
	.hugetlb_entry = damon_va_check_hugetlb,
	.walk_lock = PGWALK_RDLOCK,
};

/*
 * The window of @r for its sample at @addr, into [*@start, *@end): see the
 * comment above DAMON_VA_WINDOW_PAGES.
 */
VISIBLE_IF_KUNIT void damon_va_window(const struct damon_region *r,
				      unsigned long addr, unsigned long *start,
				      unsigned long *end)
{
	unsigned long sz = DAMON_VA_WINDOW_PAGES * PAGE_SIZE;
	/* The sampled address is random: its low bits choose. */
	unsigned long bits = addr >> PAGE_SHIFT;
	unsigned int edge = r->hot_edges;
	bool found;

	if (edge == (DAMON_HOT_START | DAMON_HOT_END))
		edge = bits & 1 ? DAMON_HOT_START : DAMON_HOT_END;
	if (edge == DAMON_HOT_START) {
		found = r->seen.start == r->ar.start;
		*start = found ? r->seen.end : r->ar.start;
		*end = min(*start + sz, r->ar.end);
	} else if (edge == DAMON_HOT_END) {
		found = r->seen.end == r->ar.end;
		*end = found ? r->seen.start : r->ar.end;
		*start = *end - min(sz, *end - r->ar.start);
	} else {
		found = false;
		*start = *end = 0;
	}
	/*
	 * Until the crawl finds accessed pages at the edge, half of the
	 * samples keep their window around them, to go on searching the rest
	 * of the region.
	 */
	if (*start < *end && (found || (bits & 2)))
		return;
	*start = max(ALIGN_DOWN(addr, sz), r->ar.start);
	*end = min(ALIGN_DOWN(addr, sz) + sz, r->ar.end);
}
EXPORT_SYMBOL_IF_KUNIT(damon_va_window);

/*
 * Walk [@start, @end), which one page middle directory entry covers, from
 * the page global directory down, without the generic walker: a sample and
 * its window cover at most 64 entries of one or two page tables, and the
 * walker's set-up costs more than the walk.  Entries that are missing or
 * change meanwhile miss this sample.
 */
static void damon_va_walk_pmd(struct damon_va_walk *w,
			      struct vm_area_struct *vma, unsigned long start,
			      unsigned long end)
{
	struct mm_walk walk = {
		.ops = &damon_va_check_ops,
		.mm = w->mm,
		.vma = vma,
		.private = w,
	};
	pgd_t *pgd = pgd_offset(w->mm, start);
	p4d_t *p4d;
	pud_t *pud;

	if (pgd_none_or_clear_bad(pgd))
		return;
	p4d = p4d_offset(pgd, start);
	if (p4d_none_or_clear_bad(p4d))
		return;
	pud = pud_offset(p4d, start);
	if (pud_none(*pud) || pud_leaf(*pud) || pud_bad(*pud))
		return;
	damon_va_check_pmd(pmd_offset(pud, start), start, end, &walk);
}

/* Walk the mapped part of [@start, @end), in one VMA. */
static void damon_va_walk_range(struct damon_va_walk *w, unsigned long start,
				unsigned long end)
{
	struct vm_area_struct *vma = w->vma;
	unsigned long next;

	if (!vma || start < vma->vm_start || start >= vma->vm_end)
		vma = find_vma(w->mm, start);
	w->vma = vma;
	/* walk_page_range() would skip VM_PFNMAP too. */
	if (!vma || vma->vm_start >= end || (vma->vm_flags & VM_PFNMAP))
		return;
	start = max(start, vma->vm_start);
	end = min(end, vma->vm_end);
	if (is_vm_hugetlb_page(vma)) {
		walk_page_range_vma(vma, start, end, &damon_va_check_ops, w);
		return;
	}
	for (; start < end; start = next) {
		next = pmd_addr_end(start, end);
		damon_va_walk_pmd(w, vma, start, next);
	}
}

/*
 * Walk the sampled page of @r and its window, or only the sampled page if
 * the window is skipped.  Called with the mmap_lock of @w->mm held for
 * read, which it may drop and take again.
 */
static void damon_va_walk_region(struct damon_va_walk *w,
				 struct damon_region *r,
				 const struct damon_attrs *attrs)
{
	unsigned long addr = ALIGN_DOWN(r->sampling_addr, PAGE_SIZE);
	unsigned long start = addr, end = addr + PAGE_SIZE;

	if (mmap_lock_is_contended(w->mm) || need_resched()) {
		mmap_read_unlock(w->mm);
		cond_resched();
		mmap_read_lock(w->mm);
		w->vma = NULL;
	}
	w->region = r;
	if (r->last_nr_accesses < damon_max_nr_accesses(attrs))
		damon_va_window(r, addr, &start, &end);
	if (addr < start || addr >= end)
		damon_va_walk_range(w, addr, addr + PAGE_SIZE);
	damon_va_walk_range(w, start, end);
}

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * Clear (@mkold) or check the sampled page of @r and its window in @mm, as
 * a pass over the regions of a target does; return whether the sampled
 * page was found accessed.
 */
VISIBLE_IF_KUNIT bool damon_va_walk_one(struct mm_struct *mm,
					struct damon_region *r,
					const struct damon_attrs *attrs,
					bool mkold)
{
	struct damon_va_walk w = { .mm = mm, .mkold = mkold };

	mmap_read_lock(mm);
	damon_va_walk_region(&w, r, attrs);
	mmap_read_unlock(mm);
	return w.young;
}
EXPORT_SYMBOL_IF_KUNIT(damon_va_walk_one);
#endif

static void damon_va_prepare_access_checks(struct damon_ctx *ctx)
{
	struct damon_va_walk w = { .mkold = true };
	struct damon_target *t;
	struct damon_region *r;

	damon_for_each_target(t, ctx) {
		w.mm = damon_va_get_mm(t);
		w.vma = NULL;
		if (w.mm)
			mmap_read_lock(w.mm);
		damon_for_each_region(r, t) {
			/* Many regions take long: a stop need not wait. */
			if (kthread_should_stop())
				break;
			r->sampling_addr = damon_rand(ctx, r->ar.start,
						      r->ar.end);
			if (w.mm)
				damon_va_walk_region(&w, r, &ctx->attrs);
		}
		if (w.mm) {
			mmap_read_unlock(w.mm);
			mmput(w.mm);
		}
	}
}

/*
 * A huge page is sampled at most once per check: regions that sample other
 * addresses of the huge page checked last reuse its result, which the walk
 * would give again anyway.
 */
static bool damon_va_young(struct damon_va_walk *w, struct damon_region *r,
			   const struct damon_attrs *attrs)
{
	if (r->sampling_addr < w->huge_start ||
	    r->sampling_addr >= w->huge_end) {
		w->young = false;
		w->huge_start = 0;
		w->huge_end = 0;
		damon_va_walk_region(w, r, attrs);
	}
	if (w->young && w->huge_start != w->huge_end)
		damon_region_seen_accessed(r, w->huge_start, w->huge_end);
	return w->young;
}

static unsigned int damon_va_check_accesses(struct damon_ctx *ctx)
{
	unsigned int max_nr_accesses = 0;
	struct damon_va_walk w;
	struct damon_target *t;
	struct damon_region *r;
	bool accessed;

	damon_for_each_target(t, ctx) {
		memset(&w, 0, sizeof(w));
		w.mm = damon_va_get_mm(t);
		if (w.mm)
			mmap_read_lock(w.mm);
		damon_for_each_region(r, t) {
			if (kthread_should_stop())
				break;
			accessed = w.mm && damon_va_young(&w, r, &ctx->attrs);
			damon_update_region_access(r, accessed, &ctx->attrs);
			max_nr_accesses = max(max_nr_accesses, r->nr_accesses);
		}
		if (w.mm) {
			mmap_read_unlock(w.mm);
			mmput(w.mm);
		}
	}
	return max_nr_accesses;
}

static bool damon_va_target_valid(struct damon_target *t)
{
	bool valid;

	if (!t->pid)
		return false;
	rcu_read_lock();
	valid = !!pid_task(t->pid, PIDTYPE_PID);
	rcu_read_unlock();
	return valid;
}

/* === DAMOS === */

/*
 * madvise() @behavior on the region for the target process, as
 * process_madvise() would, one mapping at a time.  A single call over the
 * whole region would stop at the first mapping it refuses (MADV_PAGEOUT
 * refuses VM_PFNMAP ones such as [vvar], which sits among the libraries)
 * and fail on the unmapped gaps that vaddr regions span, leaving both the
 * advice and its count short.  Return the bytes of the mappings that took
 * the advice.
 */
static unsigned long damon_va_madvise(struct damon_target *t,
				      struct damon_region *r, int behavior)
{
	unsigned long addr = r->ar.start, end = r->ar.end, sz = 0;
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	unsigned long next;
	bool found;

	if (!IS_ENABLED(CONFIG_ADVISE_SYSCALLS))
		return 0;
	mm = damon_va_get_mm(t);
	if (!mm)
		return 0;
	while (addr < end) {
		/* Mappings may change between the calls: look each up anew. */
		mmap_read_lock(mm);
		vma = find_vma(mm, addr);
		found = vma && vma->vm_start < end;
		if (found) {
			addr = max(addr, vma->vm_start);
			next = min(end, vma->vm_end);
		}
		mmap_read_unlock(mm);
		if (!found)
			break;
		if (!do_madvise(mm, addr, next - addr, behavior))
			sz += next - addr;
		addr = next;
		cond_resched();
	}
	mmput(mm);
	return sz;
}

static unsigned long damon_va_apply_scheme(struct damon_ctx *ctx,
					   struct damon_target *t,
					   struct damon_region *r,
					   struct damos *s,
					   unsigned long *sz_filter_passed)
{
	switch (s->action) {
	case DAMOS_WILLNEED:
		return damon_va_madvise(t, r, MADV_WILLNEED);
	case DAMOS_COLD:
		return damon_va_madvise(t, r, MADV_COLD);
	case DAMOS_PAGEOUT:
		return damon_va_madvise(t, r, MADV_PAGEOUT);
	case DAMOS_HUGEPAGE:
		return damon_va_madvise(t, r, MADV_HUGEPAGE);
	case DAMOS_NOHUGEPAGE:
		return damon_va_madvise(t, r, MADV_NOHUGEPAGE);
	case DAMOS_STAT:
		return damon_sz_region(r);
	default:
		return 0;
	}
}

/*
 * The madvise() actions need the madvise() code, which CONFIG_ADVISE_SYSCALLS
 * builds.  No filter is applied here: the core applies the address and
 * target filters, and refuses the others for these operations sets.
 */
#define DAMON_VA_MADVISE_ACTIONS	(BIT(DAMOS_WILLNEED) | BIT(DAMOS_COLD) | \
					 BIT(DAMOS_PAGEOUT) |		\
					 BIT(DAMOS_HUGEPAGE) |		\
					 BIT(DAMOS_NOHUGEPAGE))
#define DAMON_VA_ACTIONS	(BIT(DAMOS_STAT) |				\
				 (IS_ENABLED(CONFIG_ADVISE_SYSCALLS) ?		\
				  DAMON_VA_MADVISE_ACTIONS : 0))

/* === Registration === */

static struct damon_operations damon_va_ops = {
	.id = DAMON_OPS_VADDR,
	.init = damon_va_init,
	.update = damon_va_update,
	.prepare_access_checks = damon_va_prepare_access_checks,
	.check_accesses = damon_va_check_accesses,
	.get_scheme_score = damon_scheme_score,
	.apply_scheme = damon_va_apply_scheme,
	.target_valid = damon_va_target_valid,
	.supported_actions = DAMON_VA_ACTIONS,
};

static struct damon_operations damon_fva_ops = {
	.id = DAMON_OPS_FVADDR,
	.prepare_access_checks = damon_va_prepare_access_checks,
	.check_accesses = damon_va_check_accesses,
	.get_scheme_score = damon_scheme_score,
	.apply_scheme = damon_va_apply_scheme,
	.target_valid = damon_va_target_valid,
	.supported_actions = DAMON_VA_ACTIONS,
};

static int __init damon_va_initcall(void)
{
	int err;

	err = damon_register_ops(&damon_va_ops);
	if (err)
		return err;
	return damon_register_ops(&damon_fva_ops);
}

subsys_initcall(damon_va_initcall);
