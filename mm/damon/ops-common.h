/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Accessed-bit helpers and DAMOS priority scores shared by the DAMON
 * operations sets.
 */

#ifndef _MM_DAMON_OPS_COMMON_H
#define _MM_DAMON_OPS_COMMON_H

#include <linux/damon.h>
#include <linux/mm_types.h>
#include <linux/pgtable.h>

struct folio *damon_get_folio(unsigned long pfn);

void damon_ptep_mkold(pte_t *pte, struct vm_area_struct *vma,
		      unsigned long addr);
bool damon_ptep_young(pte_t *pte, struct vm_area_struct *vma,
		      unsigned long addr);

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
void damon_pmdp_mkold(pmd_t *pmd, struct vm_area_struct *vma,
		      unsigned long addr);
bool damon_pmdp_young(pmd_t *pmd, struct vm_area_struct *vma,
		      unsigned long addr);
#endif

void damon_folio_mkold_flags(struct folio *folio, bool was_young);
bool damon_folio_young_flags(struct folio *folio);

int damon_hot_score(struct damon_ctx *ctx, struct damon_region *r,
		    struct damos *s);
int damon_cold_score(struct damon_ctx *ctx, struct damon_region *r,
		     struct damos *s);
int damon_scheme_score(struct damon_ctx *ctx, struct damon_target *t,
		       struct damon_region *r, struct damos *s);

#endif	/* _MM_DAMON_OPS_COMMON_H */
