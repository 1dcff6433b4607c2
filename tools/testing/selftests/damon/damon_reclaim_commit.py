#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""commit_inputs applies a new min_age to the running DAMON_RECLAIM.

With swap on zram, DAMON_RECLAIM starts with a min_age of one hour: for
15 s nothing is reclaimed (the statistics say zero bytes, the workload's
cold buffer stays).  Then min_age is set to 2 s and Y written to
commit_inputs: the write succeeds, commit_inputs reads N right after, the
kdamond is the same one, and the cold buffer is paged out within 90 s.
"""

import time

import _damon_modules as mods
import _damon_sysfs as ds
import _damos as dm

TOTAL_MIB = 64
HOT_MIB = 4


def main(t):
    m = mods.Module('reclaim')
    why = m.available() or dm.Zram.setup(512)
    if why:
        ds.skip_all(why)
    t.set_plan(5)
    w = ds.Workload(TOTAL_MIB, 0, HOT_MIB, 0)
    cold = (TOTAL_MIB - HOT_MIB) * dm.MIB
    m.set(min_age=3600 * 1000000, quota_ms=0, quota_sz=0, skip_anon='N',
          **mods.WMARKS_OFF)

    rss0 = dm.rss(w.pid, 'RssAnon')
    err = m.enable()
    pid = m.pid()
    t.ok(err == 0 and pid > 0, 'enabled with a min_age of one hour',
         ds.errname(err))
    time.sleep(15)
    rss1 = dm.rss(w.pid, 'RssAnon')
    reclaimed = m.stat('bytes_reclaimed_regions')
    t.diag(f'after 15s: RssAnon {rss0 // dm.KIB} -> {rss1 // dm.KIB} kB, '
           f'{reclaimed} bytes reclaimed')
    t.ok(reclaimed == 0 and rss1 >= rss0 * 95 // 100,
         'nothing is one hour old: nothing is reclaimed')

    m.must_write('min_age', 2000000)
    start = time.monotonic()
    err = m.commit()
    t.diag(f'the commit took {time.monotonic() - start:.2f}s')
    t.ok(err == 0 and m.read('commit_inputs') == 'N' and m.pid() == pid,
         'commit_inputs=Y succeeds, reads back N, same kdamond',
         f'{ds.errname(err)}, commit_inputs {m.read("commit_inputs")}, '
         f'pid {pid} -> {m.pid()}')

    start = time.monotonic()
    dropped = mods.wait_for(
        lambda: rss0 - dm.rss(w.pid, 'RssAnon') > cold * 2 // 3, 90)
    rss2 = dm.rss(w.pid, 'RssAnon')
    t.diag(f'{time.monotonic() - start:.1f}s after the commit: RssAnon '
           f'{rss2 // dm.KIB} kB, '
           f'{m.stat("bytes_reclaimed_regions")} bytes reclaimed')
    t.ok(dropped, 'the new min_age takes effect: the cold buffer goes',
         f'RssAnon dropped by {(rss0 - rss2) // dm.KIB} kB')
    t.ok(m.pid() == pid, 'without a restart of the kdamond')


if __name__ == '__main__':
    mods.run(main)
