#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Watermarks switch a scheme off and on.

With the free_mem_rate metric (free memory in per mille), a scheme is
inactive while the rate is above "high" or below "low", and becomes active
once it is at or below "mid" (and not below "low").  A vaddr "stat" scheme
matching every region counts nr_tried only while it is active:

1. high/mid/low all below the current free rate: nr_tried stays 0;
2. all three above it: still 0;
3. metric none with the same thresholds: the scheme is always active and
   nr_tried grows;
4. free_mem_rate with the thresholds of 1: nr_tried stops growing;
5. high = mid = 1000 and low = 0: active, nr_tried grows again.

Each step is a commit to the running kdamond.
"""

import time

import _damon_sysfs as ds
import _damos as dm

INTERVAL_US = 100000
SETTLE = 1.5
WATCH = 3


def scheme(metric, high, mid, low):
    return dm.Scheme('stat', wmarks=(metric, INTERVAL_US, high, mid, low))


def commit(t, sc, desc):
    dm.set_schemes([sc])
    err = dm.cmd('commit')
    t.ok(err == 0 and ds.state() == 'on', f'commit {desc}', ds.errname(err))


def growth():
    """nr_tried growth over WATCH seconds, after SETTLE seconds."""
    time.sleep(SETTLE)
    before = dm.stats()['nr_tried']
    time.sleep(WATCH)
    after = dm.stats()['nr_tried']
    return before, after


def main(t):
    rate = dm.free_mem_rate()
    if not 100 < rate < 1000:
        ds.skip_all(f'free memory rate {rate} per mille leaves no room for '
                    'watermarks on both sides')
    t.set_plan(10)
    t.diag(f'free memory rate: {rate} per mille')
    below = (rate // 4, rate // 5, rate // 6)
    above = (1000, 1000, 1000)

    w = ds.Workload(32, 8, 4, 0)
    ds.setup('vaddr', [(w.pid, [])], sample_us=5000, aggr_us=100000)
    dm.set_schemes([scheme('free_mem_rate', *below)])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'kdamond starts with the scheme '
         'inactive', ds.errname(err))
    before, after = growth()
    t.ok(before == 0 and after == 0,
         f'free rate above high ({below[0]}): nr_tried stays 0',
         f'nr_tried {before} -> {after}')

    commit(t, scheme('free_mem_rate', *above), 'thresholds above the rate')
    before, after = growth()
    t.ok(before == 0 and after == 0,
         f'free rate below low ({above[2]}): nr_tried stays 0',
         f'nr_tried {before} -> {after}')

    commit(t, scheme('none', *below), 'metric none')
    before, after = growth()
    t.ok(after > before, 'metric none: the scheme is active',
         f'nr_tried {before} -> {after}')

    commit(t, scheme('free_mem_rate', *below), 'thresholds below the rate')
    before, after = growth()
    t.ok(after == before, 'free rate above high: nr_tried stops growing',
         f'nr_tried {before} -> {after}')

    commit(t, scheme('free_mem_rate', 1000, 1000, 0),
           'thresholds around the rate')
    before, after = growth()
    t.ok(after > before, 'free rate between low and mid: nr_tried grows',
         f'nr_tried {before} -> {after}')


if __name__ == '__main__':
    dm.run(main)
