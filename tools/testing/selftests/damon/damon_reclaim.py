#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""DAMON_RECLAIM pages out a cold buffer and keeps a hot loop resident.

access_memory populates 96 MiB of anonymous memory and keeps writing its
first 4 MiB.  With swap on zram, DAMON_RECLAIM over all of the System RAM,
with a min_age of 2 s, no quota and watermarks that never turn it off, must
lower the workload's anonymous RSS by more than two thirds of the cold
92 MiB within 90 s.  The hot loop must take fewer major faults than a
quarter of its pages, and the statistics must count at least the bytes the
workload lost.  Turning the module off ends its kdamond and keeps the
statistics.
"""

import time

import _damon_modules as mods
import _damon_sysfs as ds
import _damos as dm

TOTAL_MIB = 96
HOT_MIB = 4
STATS = ('nr_reclaim_tried_regions', 'bytes_reclaim_tried_regions',
         'nr_reclaimed_regions', 'bytes_reclaimed_regions',
         'nr_quota_exceeds')


def main(t):
    m = mods.Module('reclaim')
    why = m.available() or dm.Zram.setup(512)
    if why:
        ds.skip_all(why)
    t.set_plan(7)
    w = ds.Workload(TOTAL_MIB, 0, HOT_MIB, 0)
    cold = (TOTAL_MIB - HOT_MIB) * dm.MIB
    hot_pages = HOT_MIB * dm.MIB // dm.PAGE
    m.set(min_age=2000000, sample_interval=5000, aggr_interval=100000,
          quota_ms=0, quota_sz=0, skip_anon='N', **mods.WMARKS_OFF)

    rss0 = dm.rss(w.pid, 'RssAnon')
    flt0 = dm.majflt(w.pid)
    err = m.enable()
    pid = m.pid()
    t.ok(err == 0 and m.enabled() and pid > 0 and
         pid in ds.kdamond_threads(), 'enabled=Y starts a kdamond',
         f'{ds.errname(err)}, enabled {m.read("enabled")}, pid {pid}')

    start = time.monotonic()
    dropped = mods.wait_for(
        lambda: rss0 - dm.rss(w.pid, 'RssAnon') > cold * 2 // 3, 90)
    secs = time.monotonic() - start
    # Let it run on: the hot loop must stay resident.
    time.sleep(5)
    rss1 = dm.rss(w.pid, 'RssAnon')
    flt = dm.majflt(w.pid) - flt0
    t.diag(f'RssAnon {rss0 // dm.KIB} kB -> {rss1 // dm.KIB} kB, '
           f'{secs:.1f}s to drop by 2/3 of the cold {cold // dm.KIB} kB')
    t.ok(dropped and rss0 - rss1 > cold * 2 // 3,
         'the cold buffer is paged out',
         f'RssAnon dropped by {(rss0 - rss1) // dm.KIB} kB')
    t.diag(f'{flt} major faults of the workload in '
           f'{time.monotonic() - start:.1f}s ({hot_pages} hot pages)')
    t.ok(flt < hot_pages // 4, 'the hot loop takes few major faults',
         f'{flt} major faults')

    # Each statistic is read on its own while the module runs: read what
    # was reclaimed first, so that what was tried, read later, includes it.
    done = m.stats(('nr_reclaimed_regions', 'bytes_reclaimed_regions'))
    st = m.stats(STATS)
    t.diag(f'stats: {st}')
    t.ok(done['nr_reclaimed_regions'] > 0 and
         st['nr_reclaim_tried_regions'] >= done['nr_reclaimed_regions'] and
         done['bytes_reclaimed_regions'] >= (rss0 - rss1) * 9 // 10 and
         st['bytes_reclaim_tried_regions'] >=
         done['bytes_reclaimed_regions'],
         'the statistics count what was reclaimed',
         f'RSS drop {rss0 - rss1}')

    err = m.disable()
    t.ok(err == 0 and not m.enabled() and m.pid() == -1 and
         mods.no_kdamond(), 'enabled=N ends the kdamond',
         f'{ds.errname(err)}, enabled {m.read("enabled")}, pid {m.pid()}, '
         f'kdamonds {ds.kdamond_threads()}')
    after = m.stats(STATS)
    t.ok(all(after[k] >= st[k] for k in STATS),
         'the statistics are kept once off', f'{after}')
    time.sleep(1)
    t.ok(m.stats(STATS) == after, 'the statistics stop changing once off')


if __name__ == '__main__':
    mods.run(main)
