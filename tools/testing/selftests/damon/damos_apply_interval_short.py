#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""apply_interval_us shorter than the aggregation interval.

fvaddr monitors three disjoint 1 MiB ranges of a workload that writes them
all the time, with min_nr_regions = max_nr_regions = 3, so each application
of a "stat" scheme that matches every region adds exactly 3 to nr_tried.
With 5 ms samples and 100 ms aggregations:

- scheme 0, apply_interval_us 0, is applied once per aggregation interval;
- scheme 1, apply_interval_us 10000, about ten times per aggregation
  interval: 4 to 15 times as often as scheme 0 over the same seconds;
- scheme 2, also every 10 ms, matches only regions whose access count is
  at least 60% of what scheme 0 sees at the end of aggregation intervals.
  In the middle of an interval the count so far is short of that most of
  the time; the moving-sum estimate is not, so scheme 2 must be applied at
  least 75% as often as scheme 1, and the counts of its tried regions must
  reach its bound;
- then a fourth scheme arrives by commit with an apply interval of an hour:
  it is not applied, until another commit gives it 10 ms, after which it
  is applied at once, not an hour later.  (While it waits, no tried
  regions are asked for: that would wait for its first application.)
"""

import time

import _damon_sysfs as ds
import _damos as dm

MIB = dm.MIB
SECS = 5


def applications(before, after):
    return (after['nr_tried'] - before['nr_tried']) / 3


def all_stats(nr=3):
    first = dm.stats(0)
    return [first] + [dm.stats(s, update=False) for s in range(1, nr)]


def schemes(min_nr, last_apply_us=None):
    ss = [dm.Scheme('stat', apply_us=0),
          dm.Scheme('stat', apply_us=10000),
          dm.Scheme('stat', apply_us=10000, nr=(min_nr, dm.ULONG_MAX))]
    if last_apply_us is not None:
        ss.append(dm.Scheme('stat', apply_us=last_apply_us))
    return ss


def main(t):
    t.set_plan(8)
    w = ds.Workload(16, 0, 16, 0)
    ranges = [(w.start + i * 4 * MIB, w.start + i * 4 * MIB + MIB)
              for i in range(3)]
    ds.setup('fvaddr', [(w.pid, ranges)], sample_us=5000, aggr_us=100000,
             min_nr=3, max_nr=3)
    dm.set_schemes(schemes(0))
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'kdamond with three stat schemes '
         'starts', ds.errname(err))

    time.sleep(2)
    # How often the ranges are found accessed per aggregation interval.
    _, regions = dm.tried(0)
    counts = sorted(r.nr_accesses for r in regions)
    full = counts[len(counts) // 2] if counts else 0
    t.diag(f'end-of-interval counts of the ranges: {counts}')
    t.ok(full >= 5, 'the ranges are found accessed', f'counts {counts}')
    bound = max(3, full * 6 // 10)
    dm.set_schemes(schemes(bound))
    err = dm.cmd('commit')
    t.ok(err == 0, f'commit of nr_accesses min {bound} for scheme 2',
         ds.errname(err))

    time.sleep(1)
    t0 = time.monotonic()
    before = all_stats()
    time.sleep(SECS)
    after = all_stats()
    secs = time.monotonic() - t0
    n = [applications(b, a) for b, a in zip(before, after)]
    t.diag(f'over {secs:.1f}s: applied {n[0]:.1f}, {n[1]:.1f} and '
           f'{n[2]:.1f} times')
    t.ok(n[0] >= 2 and 4 * n[0] <= n[1] <= 15 * n[0],
         'apply_interval_us 10 ms under 100 ms aggregations: 4 to 15 times '
         'as many applications as apply_interval_us 0 (10 expected)')
    t.ok(n[2] >= 0.75 * n[1], 'in the middle of aggregation intervals, '
         f'regions match nr_accesses min {bound} on the moving sum')
    _, regions = dm.tried(2)
    low = [r for r in regions if r.nr_accesses < bound]
    t.ok(regions and not low, 'the tried regions of scheme 2 have counts '
         f'of {bound} or more', f'{len(regions)} regions, below: {low}')

    dm.set_schemes(schemes(bound, 3600 * 1000000))
    err = dm.cmd('commit')
    b3 = dm.stats(3)
    time.sleep(2)
    a3 = dm.stats(3)
    t.ok(err == 0 and applications(b3, a3) == 0, 'a new scheme with an '
         'apply interval of an hour is not applied at once',
         f'commit {ds.errname(err)}, {b3} -> {a3}')

    dm.set_schemes(schemes(bound, 10000))
    err = dm.cmd('commit')
    b3 = dm.stats(3)
    time.sleep(1)
    a3 = dm.stats(3)
    t.ok(err == 0 and applications(b3, a3) >= 5, 'after a commit of 10 ms, '
         'it is applied at once', f'commit {ds.errname(err)}, {b3} -> {a3}')


if __name__ == '__main__':
    dm.run(main)
