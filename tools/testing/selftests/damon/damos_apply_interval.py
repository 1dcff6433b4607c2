#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""apply_interval_us sets how often a scheme is applied.

fvaddr monitors three disjoint 1 MiB ranges of a workload with
min_nr_regions = max_nr_regions = 3, so there are exactly three regions
(disjoint regions cannot merge, and three cannot split).  Two "stat"
schemes match every region, so each application adds exactly 3 to
nr_tried and 3 MiB to sz_tried.  With 100 ms aggregations:

- scheme 0, apply_interval_us 0, is applied every aggregation;
- scheme 1, apply_interval_us 1000000, every tenth aggregation: over 10 s,
  scheme 0 must be applied 5 to 20 times as often as scheme 1, and
  scheme 1 at least twice and at most 1.5 times a second.

DAMON counts its intervals in sampling intervals, which take longer than
their nominal length on a slow (emulated, debug) machine, so the ratio is
checked rather than wall-clock rates.
"""

import time

import _damon_sysfs as ds
import _damos as dm

MIB = dm.MIB
SECS = 10


def applications(before, after):
    return (after['nr_tried'] - before['nr_tried']) / 3


def main(t):
    t.set_plan(4)
    w = ds.Workload(16, 0, 16, 0)
    ranges = [(w.start + i * 4 * MIB, w.start + i * 4 * MIB + MIB)
              for i in range(3)]
    ds.setup('fvaddr', [(w.pid, ranges)], sample_us=5000, aggr_us=100000,
             min_nr=3, max_nr=3)
    dm.set_schemes([dm.Scheme('stat', apply_us=0),
                    dm.Scheme('stat', apply_us=1000000)])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'kdamond with two stat schemes '
         'starts', ds.errname(err))

    time.sleep(2)
    t0 = time.monotonic()
    b0, b1 = dm.stats(0), dm.stats(1, update=False)
    time.sleep(SECS)
    a0, a1 = dm.stats(0), dm.stats(1, update=False)
    secs = time.monotonic() - t0
    n0, n1 = applications(b0, a0), applications(b1, a1)
    t.diag(f'over {secs:.1f}s: scheme 0 applied {n0:.1f} times, scheme 1 '
           f'{n1:.1f} times; stats {a0} and {a1}')
    t.ok(a0['sz_tried'] - b0['sz_tried'] == n0 * 3 * MIB,
         'each application tries the three 1 MiB regions')
    t.ok(2 <= n1 <= secs * 1.5,
         'apply_interval_us 1 s: applied 2 times or more, and at most 1.5 '
         'times a second')
    t.ok(n1 * 5 <= n0 <= n1 * 20, 'apply_interval_us 0 vs 1 s: 5 to 20 '
         'times more applications (10 expected)')


if __name__ == '__main__':
    dm.run(main)
