#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The number of regions stays within [min_nr_regions, max_nr_regions].

Two workloads pull the count in opposite directions: one writes every
other MiB of its buffer, which asks for many regions (more than the
maximum of 40), and one touches nothing after populating, which would
merge into a couple of dozen regions without the minimum of 60.  After the
first aggregations, each reported aggregation must respect the bounds.
"""

import time

import _damon_sysfs as ds


def check(t, w, lo, hi, desc):
    ds.setup('vaddr', [(w.pid, [])], min_nr=lo, max_nr=hi)
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', f'{desc}: kdamond starts',
         ds.errname(err))
    time.sleep(3)
    snaps = ds.Trace.collect(5)
    counts = [len(s[0]) for s in snaps]
    t.diag(f'{desc}: regions per aggregation: {counts}')
    t.ok(len(counts) >= 5, f'{desc}: at least 5 aggregations traced')
    t.ok(counts and all(lo <= n <= hi for n in counts),
         f'{desc}: every aggregation has {lo}..{hi} regions')
    ds.reset()
    w.stop()


def main(t):
    if not ds.Trace.require(t):
        ds.skip_all('tracefs is not available')
    t.set_plan(6)
    check(t, ds.Workload(128, 0, 128, 0, 1024), 20, 40, 'striped workload')
    check(t, ds.Workload(64, 0, 0, 0), 60, 120, 'idle workload')


if __name__ == '__main__':
    ds.run(main)
