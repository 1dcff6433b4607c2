#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""DAMON_RECLAIM with skip_anon=Y leaves anonymous memory alone.

With swap on zram, the workload (_damos_buffers.py) holds 24 MiB of
anonymous memory and 24 MiB of shmem, both cold.  DAMON_RECLAIM with
skip_anon=Y, a min_age of 2 s and no quota must page out more than half of
the shmem within 60 s, while the anonymous RSS stays at 90% or more.
"""

import time

import _damon_modules as mods
import _damon_sysfs as ds
import _damos as dm

BUF_MIB = 24


def main(t):
    m = mods.Module('reclaim')
    why = m.available() or dm.Zram.setup(512)
    if why:
        ds.skip_all(why)
    t.set_plan(3)
    t0 = time.monotonic()
    b = dm.Buffers(BUF_MIB, BUF_MIB)
    t.diag(f'workload populated in {time.monotonic() - t0:.1f}s')
    m.set(min_age=2000000, quota_ms=0, quota_sz=0, skip_anon='Y',
          **mods.WMARKS_OFF)
    anon0, shmem0 = dm.rss(b.pid, 'RssAnon'), dm.rss(b.pid, 'RssShmem')
    t0 = time.monotonic()
    err = m.enable()
    t.diag(f'enabled in {time.monotonic() - t0:.1f}s')
    t.ok(err == 0 and m.enabled(), 'enabled with skip_anon=Y',
         ds.errname(err))

    start = time.monotonic()
    dropped = mods.wait_for(
        lambda: shmem0 - dm.rss(b.pid, 'RssShmem') > BUF_MIB * dm.MIB // 2,
        60)
    time.sleep(5)
    anon1, shmem1 = dm.rss(b.pid, 'RssAnon'), dm.rss(b.pid, 'RssShmem')
    t.diag(f'{time.monotonic() - start:.1f}s: RssAnon {anon0 // dm.KIB} -> '
           f'{anon1 // dm.KIB} kB, RssShmem {shmem0 // dm.KIB} -> '
           f'{shmem1 // dm.KIB} kB')
    t.ok(dropped, 'the shmem buffer is paged out')
    t.ok(anon1 >= anon0 * 9 // 10, 'anonymous memory stays')


if __name__ == '__main__':
    mods.run(main)
