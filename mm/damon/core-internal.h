/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Functions of the DAMON core that are static in production builds and
 * visible to the damon_core KUnit suite (see include/kunit/visibility.h).
 */

#ifndef _MM_DAMON_CORE_INTERNAL_H
#define _MM_DAMON_CORE_INTERNAL_H

#include <linux/damon.h>

#if IS_ENABLED(CONFIG_KUNIT)

int damon_split_region_at(struct damon_target *t, struct damon_region *r,
			  unsigned long sz_left);
void damon_merge_two_regions(struct damon_target *t, struct damon_region *l,
			     struct damon_region *r);
unsigned long damon_total_nr_regions(struct damon_ctx *ctx);
unsigned long damon_merge_sz_limit(struct damon_ctx *ctx);
void kdamond_update_ages(struct damon_ctx *ctx, unsigned int threshold);
void kdamond_merge_regions(struct damon_ctx *ctx, unsigned int threshold,
			   unsigned long sz_limit);
void kdamond_reset_aggregated(struct damon_ctx *ctx);
void kdamond_split_regions(struct damon_ctx *ctx);
void damon_split_to_min_nr_regions(struct damon_ctx *ctx);
void kdamond_aggregate(struct damon_ctx *ctx, unsigned int max_nr_accesses);

#endif /* IS_ENABLED(CONFIG_KUNIT) */

#endif /* _MM_DAMON_CORE_INTERNAL_H */
