#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The tried regions of a "stat" scheme estimate a known working set.

access_memory populates 128 MiB and keeps writing exactly 32 MiB of it.
A vaddr "stat" scheme selecting accessed regions (nr_accesses >= 1) has
tried regions whose total size is the working set size.  The median of
seven snapshots, one a second, must be within 20% of 32 MiB, and the
snapshots must lie mostly in the hot range.
"""

import statistics
import time

import _damon_sysfs as ds
import _damos as dm

TOTAL_MIB = 128
HOT_MIB = 32
SNAPSHOTS = 7


def main(t):
    t.set_plan(4)
    w = ds.Workload(TOTAL_MIB, 48, HOT_MIB, 0)
    wss = HOT_MIB * dm.MIB
    ds.setup('vaddr', [(w.pid, [])], sample_us=5000, aggr_us=100000,
             max_nr=1000)
    dm.set_schemes([dm.Scheme('stat', nr=(1, dm.UINT_MAX))])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'kdamond with a stat scheme starts',
         ds.errname(err))

    time.sleep(5)
    totals, in_hot = [], []
    for _ in range(SNAPSHOTS):
        total, regions = dm.tried()
        totals.append(total)
        in_hot.append(sum(ds.overlap(r.start, r.end, w.hot_start, w.hot_end)
                          for r in regions))
        time.sleep(1)
    dm.must_cmd('clear_schemes_tried_regions')
    t.diag('estimates (MiB): ' +
           ' '.join(f'{v / dm.MIB:.1f}' for v in totals))
    est = statistics.median(totals)
    t.ok(all(v > 0 for v in totals), 'every snapshot finds accessed memory')
    t.ok(abs(est - wss) <= wss * 0.2,
         f'median estimate is within 20% of {HOT_MIB} MiB',
         f'median {est / dm.MIB:.1f} MiB')
    hot = statistics.median(in_hot)
    t.ok(hot >= est * 0.8, '>= 80% of the estimate lies in the hot range',
         f'median {hot / dm.MIB:.1f} MiB in the hot range')


if __name__ == '__main__':
    dm.run(main)
