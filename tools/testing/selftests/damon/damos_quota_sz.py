#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A size quota bounds what a scheme applies per reset interval.

An fvaddr "cold" scheme selects every cold region of the 64 MiB buffer of
access_memory (about 60 MiB each aggregation of 100 ms) under a quota of
512 KiB per 500 ms.  (fvaddr keeps the scheme on mapped memory, where the
action succeeds, rather than walking the whole address space.)
Over about 10 s, sz_applied may grow by at most 512 KiB per started reset
interval (plus one window of timing slack), must grow at all, and
qt_exceeds must count the exceeded quota.  effective_bytes reads the size
quota, as nothing else limits it.
"""

import math
import time

import _damon_sysfs as ds
import _damos as dm

QUOTA = 512 * dm.KIB
RESET_MS = 500


def main(t):
    t.set_plan(6)
    w = ds.Workload(64, 24, 4, 0)
    ds.setup('fvaddr', [(w.pid, [(w.start, w.end)])], sample_us=5000,
             aggr_us=100000)
    dm.set_schemes([dm.Scheme('cold', sz=(4096, dm.ULONG_MAX), nr=(0, 0),
                              quota={'bytes': QUOTA,
                                     'reset_ms': RESET_MS})])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'kdamond with a quota starts',
         ds.errname(err))

    time.sleep(3)
    t0 = time.monotonic()
    st0 = dm.stats()
    t1 = time.monotonic()
    time.sleep(10)
    t2 = time.monotonic()
    st1 = dm.stats()
    t3 = time.monotonic()
    # The two snapshots were taken somewhere within [t0, t1] and [t2, t3].
    windows = math.ceil((t3 - t0) * 1000 / RESET_MS) + 1
    applied = st1['sz_applied'] - st0['sz_applied']
    t.diag(f'stats {st0} -> {st1} over {t2 - t1:.1f}-{t3 - t0:.1f}s; '
           f'applied {applied} bytes, limit {windows} x {QUOTA}')
    t.ok(applied > 0, 'the scheme applies its action')
    t.ok(applied <= windows * QUOTA,
         'sz_applied grows by at most the quota per reset interval',
         f'{applied} > {windows} x {QUOTA}')
    t.ok(st1['sz_tried'] - st0['sz_tried'] >= applied,
         'sz_tried grows at least as much as sz_applied')
    t.ok(st1['qt_exceeds'] > st0['qt_exceeds'], 'qt_exceeds counts')

    eff = dm.effective_bytes()
    t.ok(eff == QUOTA, 'effective_bytes is the size quota',
         f'effective_bytes {eff}')


if __name__ == '__main__':
    dm.run(main)
