#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The "anon" filter splits a paddr "pageout" between anonymous and other
pages.

With swap on zram, a paddr scheme pages out every cold region of the
system RAM.  The workload (_damos_buffers.py) holds 24 MiB of anonymous
memory and 24 MiB of shmem, both cold.  Where memory cgroups are there,
the workloads run in one, and a memcg filter before the anon one keeps the
scheme on their pages:

1. filter anon, matching Y (anonymous pages are excluded): the workload's
   RssShmem drops by more than half, its RssAnon stays (>= 90%);
2. committed filter anon, matching N (only anonymous pages): a second,
   fresh workload's RssAnon ends below half of its anonymous buffer, its
   RssShmem stays (>= 90%).
"""

import time

import _damon_sysfs as ds
import _damos as dm

BUF_MIB = 24
HALF = BUF_MIB * dm.MIB // 2


def scheme(matching, cg):
    # Idle for 3 s (30 aggregations), not less: the scheme covers all of
    # the RAM, and a shorter age pages out the second workload's buffer
    # while it is still being written and read back, which under a loaded
    # TCG host thrashes for minutes.  For the same reason, where cgroups
    # are there, a memcg filter first keeps out every page but those of
    # the workloads' cgroup: with anonymous pages excluded, the scheme
    # would otherwise page out the whole page cache, which the test's own
    # processes then read back in for minutes.
    return dm.Scheme('pageout', sz=(4096, dm.ULONG_MAX), nr=(0, 0),
                     age=(30, dm.UINT_MAX),
                     filters=dm.memcg_only(cg) + [dm.Filter('anon', matching)])


def main(t):
    why = dm.Zram.setup(512)
    if why:
        ds.skip_all(why)
    t.set_plan(6)
    cg = dm.Cgroup.create_if_available('damos_selftest_anon')
    path = cg.path if cg else None
    ram = dm.system_ram()
    b1 = dm.Buffers(BUF_MIB, BUF_MIB, path)
    anon0, shmem0 = dm.rss(b1.pid, 'RssAnon'), dm.rss(b1.pid, 'RssShmem')
    ds.setup('paddr', [(None, [ram])], max_nr=200)
    dm.set_schemes([scheme(True, cg)])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'paddr pageout scheme with an anon '
         'filter starts', ds.errname(err))

    start = time.monotonic()
    dropped = ds.wait_for(
        lambda: shmem0 - dm.rss(b1.pid, 'RssShmem') > HALF, 45, 1)
    t.diag(f'waited {time.monotonic() - start:.1f}s')
    time.sleep(3)
    anon1, shmem1 = dm.rss(b1.pid, 'RssAnon'), dm.rss(b1.pid, 'RssShmem')
    t.diag(f'matching Y: RssAnon {anon0 // dm.KIB} -> {anon1 // dm.KIB} kB, '
           f'RssShmem {shmem0 // dm.KIB} -> {shmem1 // dm.KIB} kB')
    t.ok(dropped, 'anon excluded: the shmem buffer is paged out')
    t.ok(anon1 >= anon0 * 0.9, 'anon excluded: anonymous memory stays')

    # Write the second workload under a stat scheme: a pageout scheme
    # would page its buffer out while it is being written and read back,
    # and on TCG that thrashes for a minute and more.
    dm.set_schemes([dm.Scheme('stat')])
    err = dm.cmd('commit')
    b2 = dm.Buffers(BUF_MIB, BUF_MIB, path)
    anon0, shmem0 = dm.rss(b2.pid, 'RssAnon'), dm.rss(b2.pid, 'RssShmem')
    dm.set_schemes([scheme(False, cg)])
    err = err or dm.cmd('commit')
    t.ok(err == 0 and ds.state() == 'on', 'commit of anon, matching N',
         ds.errname(err))
    # paddr regions keep their age across reallocation: the fresh buffer
    # may land in long-cold physical memory and be paged out before the
    # first reading, so compare with the buffer's size, not that reading.
    start = time.monotonic()
    dropped = ds.wait_for(
        lambda: dm.rss(b2.pid, 'RssAnon') < BUF_MIB * dm.MIB - HALF, 45, 1)
    t.diag(f'waited {time.monotonic() - start:.1f}s')
    time.sleep(3)
    anon1, shmem1 = dm.rss(b2.pid, 'RssAnon'), dm.rss(b2.pid, 'RssShmem')
    t.diag(f'matching N: RssAnon {anon0 // dm.KIB} -> {anon1 // dm.KIB} kB, '
           f'RssShmem {shmem0 // dm.KIB} -> {shmem1 // dm.KIB} kB')
    t.ok(dropped, 'only anon: the anonymous buffer is paged out')
    t.ok(shmem1 >= shmem0 * 0.9, 'only anon: shmem stays')


if __name__ == '__main__':
    dm.run(main)
