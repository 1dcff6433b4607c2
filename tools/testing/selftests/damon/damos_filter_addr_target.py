#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The core filters, "addr" and "target", exclude what they should.

Regions that these filters exclude do not count as tried, so the tried
regions of a "stat" scheme matching every region show their effect:

- addr, one fvaddr target on a 64 MiB buffer, filter [16 MiB, 40 MiB) of
  it: with matching Y no tried region overlaps the range and the rest of
  the buffer is tried; with matching N (committed to the running
  kdamond) the tried regions are exactly the range.
- target, two fvaddr targets on buffers of 48 MiB and 16 MiB: filtering
  target 1 out (matching Y) leaves the 48 MiB of target 0; keeping only
  target 1 (matching N) leaves its 16 MiB.  The sizes tell the targets
  apart; every tried region also lies in the kept target's buffer.
"""

import time

import _damon_sysfs as ds
import _damos as dm

MIB = dm.MIB


def inside(regions, lo, hi):
    return all(lo <= r.start and r.end <= hi for r in regions)


def total_overlap(regions, lo, hi):
    return sum(ds.overlap(r.start, r.end, lo, hi) for r in regions)


def commit_filter(t, f, desc):
    dm.set_schemes([dm.Scheme('stat', filters=[f])])
    err = dm.cmd('commit')
    t.ok(err == 0 and ds.state() == 'on', f'commit {desc}', ds.errname(err))
    time.sleep(1)


def check_addr(t):
    w = ds.Workload(64, 0, 0, 0)
    lo, hi = w.start + 16 * MIB, w.start + 40 * MIB
    ds.setup('fvaddr', [(w.pid, [(w.start, w.end)])], max_nr=100)
    dm.set_schemes([dm.Scheme('stat', filters=[dm.Filter('addr', True,
                                                         (lo, hi))])])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'kdamond with an addr filter '
         'starts', ds.errname(err))
    time.sleep(1.5)
    total, regions = dm.tried()
    t.diag(f'addr Y: {len(regions)} regions, {total} bytes')
    t.ok(regions and total_overlap(regions, lo, hi) == 0,
         'addr filter, matching Y: no tried region in the range',
         f'{total_overlap(regions, lo, hi)} bytes in it')
    want = (w.end - w.start) - (hi - lo)
    t.ok(total == want and inside(regions, w.start, w.end),
         'addr filter, matching Y: the rest of the buffer is tried',
         f'tried {total} bytes, want {want}')

    commit_filter(t, dm.Filter('addr', False, (lo, hi)), 'matching N')
    total, regions = dm.tried()
    t.diag(f'addr N: {len(regions)} regions, {total} bytes')
    t.ok(regions and inside(regions, lo, hi) and total == hi - lo,
         'addr filter, matching N: exactly the range is tried',
         f'tried {total} bytes, want {hi - lo}; {regions[:6]}')
    ds.reset()
    w.stop()


def check_target(t):
    w0 = ds.Workload(48, 0, 0, 0)
    w1 = ds.Workload(16, 0, 0, 0)
    ds.setup('fvaddr', [(w0.pid, [(w0.start, w0.end)]),
                        (w1.pid, [(w1.start, w1.end)])], max_nr=100)
    dm.set_schemes([dm.Scheme('stat', filters=[dm.Filter('target', True, 1)])])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'kdamond with a target filter '
         'starts', ds.errname(err))
    time.sleep(1.5)
    total, regions = dm.tried()
    t.ok(total == 48 * MIB and inside(regions, w0.start, w0.end),
         'target filter, matching Y: only target 0 is tried',
         f'tried {total} bytes, want {48 * MIB}')

    commit_filter(t, dm.Filter('target', False, 1), 'matching N')
    total, regions = dm.tried()
    t.ok(total == 16 * MIB and inside(regions, w1.start, w1.end),
         'target filter, matching N: only target 1 is tried',
         f'tried {total} bytes, want {16 * MIB}')


def main(t):
    t.set_plan(9)
    check_addr(t)
    check_target(t)


if __name__ == '__main__':
    dm.run(main)
