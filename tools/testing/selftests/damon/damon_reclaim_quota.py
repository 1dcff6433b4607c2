#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""DAMON_RECLAIM keeps to its size quota and still reaches the cold buffer.

With swap on zram, DAMON_RECLAIM over all of the System RAM with a min_age
of 2 s, no time quota and a size quota of 64 MiB per second must page out
more than a third of the workload's cold 60 MiB within 180 s, although
most of the RAM is free memory that is just as old and that the quota is
spent on too.  Meanwhile the bytes it tried stay within the quota (64 MiB
per started window, plus one window of slack), and nr_quota_exceeds
counts the windows that ran out.
"""

import time

import _damon_modules as mods
import _damon_sysfs as ds
import _damos as dm

TOTAL_MIB = 64
HOT_MIB = 4
QUOTA = 64 * dm.MIB


def main(t):
    m = mods.Module('reclaim')
    why = m.available() or dm.Zram.setup(512)
    if why:
        ds.skip_all(why)
    t.set_plan(4)
    w = ds.Workload(TOTAL_MIB, 0, HOT_MIB, 0)
    cold = (TOTAL_MIB - HOT_MIB) * dm.MIB
    m.set(min_age=2000000, quota_ms=0, quota_sz=QUOTA,
          quota_reset_interval_ms=1000, skip_anon='N', **mods.WMARKS_OFF)

    rss0 = dm.rss(w.pid, 'RssAnon')
    start = time.monotonic()
    err = m.enable()
    t.ok(err == 0 and m.enabled(), 'enabled with a size quota',
         ds.errname(err))

    dropped = mods.wait_for(
        lambda: rss0 - dm.rss(w.pid, 'RssAnon') > cold // 3, 180)
    tried = m.stat('bytes_reclaim_tried_regions')
    secs = time.monotonic() - start
    rss1 = dm.rss(w.pid, 'RssAnon')
    exceeds = m.stat('nr_quota_exceeds')
    t.diag(f'{secs:.1f}s: RssAnon {rss0 // dm.KIB} -> {rss1 // dm.KIB} kB, '
           f'{tried} bytes tried, {m.stat("bytes_reclaimed_regions")} '
           f'reclaimed, {exceeds} quota exceeds')
    t.ok(dropped, 'the cold buffer is paged out within the quota',
         f'RssAnon dropped by {(rss0 - rss1) // dm.KIB} kB')
    # One window starts at once, then one per second; allow one more.
    t.ok(tried <= QUOTA * (int(secs) + 2),
         'the bytes tried stay within the size quota',
         f'{tried} bytes in {secs:.1f}s')
    t.ok(exceeds > 0, 'nr_quota_exceeds counts the windows that ran out')


if __name__ == '__main__':
    mods.run(main)
