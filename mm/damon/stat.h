/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DAMON_STAT (stat.c): what its KUnit suite reaches.
 */

#ifndef _MM_DAMON_STAT_H
#define _MM_DAMON_STAT_H

#include <linux/damon.h>

/* Idle times at 0, 1, ..., 100 percent of the memory. */
#define DAMON_STAT_NR_PERCENTILES	101

/**
 * struct damon_stat_region - A region as the idle time percentiles see it.
 * @sz:		Size of the region, in bytes.
 * @idle_ms:	How long the region has been idle, in milliseconds, or,
 *		negative, how long it has been accessed.
 */
struct damon_stat_region {
	unsigned long sz;
	long idle_ms;
};

#if IS_ENABLED(CONFIG_KUNIT)

void damon_stat_percentiles(struct damon_stat_region *regions,
			    unsigned int nr, long *out);
struct damon_stat_region damon_stat_region_of(struct damon_region *r,
					      unsigned long aggr_us);
unsigned long damon_stat_bandwidth_of(struct damon_ctx *ctx);

#endif	/* IS_ENABLED(CONFIG_KUNIT) */

#endif	/* _MM_DAMON_STAT_H */
