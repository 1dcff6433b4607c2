/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Functions of the DAMON virtual address operations sets that are static in
 * production builds and visible to the damon_vaddr KUnit suite (see
 * include/kunit/visibility.h).
 */

#ifndef _MM_DAMON_VADDR_H
#define _MM_DAMON_VADDR_H

#include <linux/damon.h>
#include <linux/mm_types.h>

#if IS_ENABLED(CONFIG_KUNIT)

int damon_va_three_regions(struct vma_iterator *vmi,
			   struct damon_addr_range ranges[3]);
unsigned long damon_va_piece_size(unsigned long sz_total,
				  unsigned long min_nr_regions);
int damon_va_evenly_split_region(struct damon_target *t,
				 struct damon_region *r,
				 unsigned int nr_pieces);
int damon_va_split_regions(struct damon_target *t, unsigned long sz_piece);
void damon_va_window(const struct damon_region *r, unsigned long addr,
		     unsigned long *start, unsigned long *end);
bool damon_va_walk_one(struct mm_struct *mm, struct damon_region *r,
		       const struct damon_attrs *attrs, bool mkold);

#endif /* IS_ENABLED(CONFIG_KUNIT) */

#endif /* _MM_DAMON_VADDR_H */
