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

int damon_check_schemes(const struct damon_operations *ops,
			struct damon_ctx *ctx);
bool damos_pattern_match(const struct damon_ctx *ctx, const struct damos *s,
			 const struct damon_region *r);
bool damos_core_filter_out(struct damon_target *t, unsigned int tidx,
			   struct damon_region *r, struct damos *s);
void damos_set_min_score(struct damon_ctx *ctx, struct damos *s);
unsigned long damos_goal_tuned_sz(unsigned long sz, unsigned long ach);
void damos_new_quota_window(struct damon_ctx *ctx, struct damos *s);
bool kdamond_apply_schemes(struct damon_ctx *ctx, struct list_head *walkers);
void damos_wmarks_update(struct damos *s, unsigned long value);

#endif /* IS_ENABLED(CONFIG_KUNIT) */

#endif /* _MM_DAMON_CORE_INTERNAL_H */
