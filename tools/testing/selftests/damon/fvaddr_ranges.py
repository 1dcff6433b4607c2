#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""fvaddr monitors exactly the given address ranges.

Three disjoint ranges of a workload's buffer are given; only the middle one
is written by the workload.  Every reported region must lie inside one of
the ranges, together they must cover the ranges exactly, and the accessed
regions must cover most of the hot middle range.
"""

import statistics
import time

import _damon_sysfs as ds

MIB = 1 << 20


def main(t):
    if not ds.Trace.require(t):
        ds.skip_all('tracefs is not available')
    t.set_plan(5)
    w = ds.Workload(64, 20, 16, 0)
    ranges = [(w.start + 4 * MIB, w.start + 12 * MIB),
              (w.hot_start, w.hot_end),
              (w.start + 48 * MIB, w.start + 52 * MIB)]
    ds.setup('fvaddr', [(w.pid, ranges)], max_nr=100)
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'fvaddr kdamond starts',
         ds.errname(err))

    time.sleep(3)
    snaps = ds.Trace.collect(5)[-10:]
    t.ok(len(snaps) >= 5, 'at least 5 aggregations traced',
         f'got {len(snaps)}')

    outside = [r for s in snaps for regs in s for r in regs
               if not any(lo <= r.start and r.end <= hi for lo, hi in ranges)]
    t.ok(snaps and not outside, 'every region is inside a given range',
         f'outside: {outside[:5]}')

    want = sum(hi - lo for lo, hi in ranges)
    sizes = {sum(r.end - r.start for regs in s for r in regs) for s in snaps}
    t.ok(sizes == {want}, 'regions cover the given ranges exactly',
         f'want {want} bytes, got {sizes}')

    hot = w.hot_end - w.hot_start
    cov = [sum(ds.overlap(r.start, r.end, w.hot_start, w.hot_end)
               for regs in s for r in regs if r.nr_accesses > 0) / hot
           for s in snaps]
    t.diag('hot range coverage: ' + ' '.join(f'{c:.2f}' for c in cov))
    t.ok(snaps and statistics.median(cov) >= 0.8,
         'accessed regions cover >= 80% of the hot range')


if __name__ == '__main__':
    ds.run(main)
