#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""vaddr monitoring finds the known hot range of a workload.

access_memory populates 64 MiB and keeps writing an 8 MiB sub-range.  Over
the last aggregations reported by the damon:damon_aggregated tracepoint,
the regions with nr_accesses > 0 must cover at least 80% of the hot range,
and must not claim most of the cold rest of the buffer as accessed.
"""

import statistics
import time

import _damon_sysfs as ds

LAST = 10


def accessed_bytes(snapshot, lo, hi):
    return sum(ds.overlap(r.start, r.end, lo, hi)
               for regs in snapshot for r in regs if r.nr_accesses > 0)


def main(t):
    if not ds.Trace.require(t):
        ds.skip_all('tracefs is not available')
    t.set_plan(5)
    w = ds.Workload(64, 24, 8, 0)
    ds.setup('vaddr', [(w.pid, [])], max_nr=200)
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'vaddr kdamond starts',
         ds.errname(err))

    time.sleep(5)
    snaps = ds.Trace.collect(6)[-LAST:]
    t.ok(len(snaps) >= LAST // 2, f'at least {LAST // 2} aggregations traced',
         f'got {len(snaps)}')

    sorted_ok = all(a.end <= b.start for s in snaps for regs in s
                    for a, b in zip(regs, regs[1:]))
    t.ok(snaps and sorted_ok, 'regions are sorted and disjoint')

    hot = w.hot_end - w.hot_start
    cold = (w.end - w.start) - hot
    hot_cov = [accessed_bytes(s, w.hot_start, w.hot_end) / hot for s in snaps]
    cold_cov = [(accessed_bytes(s, w.start, w.end) -
                 accessed_bytes(s, w.hot_start, w.hot_end)) / cold
                for s in snaps]
    t.diag('hot range coverage: ' + ' '.join(f'{c:.2f}' for c in hot_cov))
    t.diag('cold range coverage: ' + ' '.join(f'{c:.2f}' for c in cold_cov))
    t.ok(snaps and statistics.median(hot_cov) >= 0.8,
         'accessed regions cover >= 80% of the hot range')
    t.ok(snaps and statistics.median(cold_cov) < 0.5,
         'accessed regions cover < 50% of the cold range')


if __name__ == '__main__':
    ds.run(main)
