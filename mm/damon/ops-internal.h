/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the DAMON core and the operations sets agree on beyond the kernel API
 * of include/linux/damon.h: the accessed range of a region and its hot
 * edges, which guide where the core splits regions.  Callers of
 * damon_start() neither read nor set them.
 */

#ifndef _MM_DAMON_OPS_INTERNAL_H
#define _MM_DAMON_OPS_INTERNAL_H

#include <linux/bits.h>
#include <linux/damon.h>

/**
 * DOC: accessed ranges and hot edges
 *
 * A region is split where its accessed part ends, when the operations set
 * can tell where that is; random split points rarely fall there.
 *
 * &damon_region.seen is the smallest range holding every page of the
 * region found accessed in the current aggregation interval, empty
 * (start >= end) if none.  The core adds the sampled page of each sample
 * found accessed; an operations set that checks more pages than the sampled
 * one reports the accessed ones with damon_region_seen_accessed().  At the
 * end of the aggregation interval the core cuts the region at the edges of
 * that range, then empties it.  A region found accessed at every sample is
 * not cut: its range is only the hull of random samples.
 *
 * &damon_region.hot_edges says which edges of the region (&DAMON_HOT_START,
 * &DAMON_HOT_END) touched accessed pages of the neighbour at the end of the
 * last aggregation interval: the core cut an accessed range off the region
 * there, or the neighbour's seen range reached the edge, or the neighbour
 * was accessed at every sample.  The accessed range may go on past the
 * edge, so an operations set may look for it there in the next aggregation
 * interval.  The core sets the bits anew at the end of every aggregation
 * interval; splits and merges keep the bits of the outer edges.
 */

/* Bits of &damon_region.hot_edges. */
#define DAMON_HOT_START	BIT(0)
#define DAMON_HOT_END	BIT(1)

void damon_region_seen_accessed(struct damon_region *r, unsigned long start,
				unsigned long end);

#endif /* _MM_DAMON_OPS_INTERNAL_H */
