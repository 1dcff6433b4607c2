#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Allow filters decide folio by folio in a paddr "pageout" scheme.

The paddr operations apply the "memcg" and "anon" filters to each folio, so
"allow" (an extension from later kernels) changes what is paged out, not
only which regions are tried.  With swap on zram, a paddr scheme pages out
every cold region of the system RAM; one workload (_damos_buffers.py, 32
MiB of cold anonymous memory) runs in a cgroup v2 child with the memory
controller, another one outside of it:

1. one filter, memcg of the cgroup, allow Y: the last filter allows, so
   the memory no filter decides for (the other workload's) is kept out.
   The RssAnon of the workload inside drops by more than half of its
   buffer, the one outside stays (>= 90%);
2. committed: memcg of the cgroup, allow N, then anon, allow Y: the first
   filter that decides wins, so the anonymous memory outside the cgroup
   is paged out and a fresh workload inside stays.
"""

import time

import _damon_sysfs as ds
import _damos as dm

BUF_MIB = 32
HALF = BUF_MIB * dm.MIB // 2


def scheme(filters):
    return dm.Scheme('pageout', sz=(4096, dm.ULONG_MAX), nr=(0, 0),
                     age=(5, dm.UINT_MAX), filters=filters)


def drops(w, before, timeout=45):
    """Wait for the RssAnon of @w to drop by HALF from @before."""
    return ds.wait_for(lambda: before - dm.rss(w.pid, 'RssAnon') > HALF,
                       timeout, 1)


def main(t):
    why = dm.Cgroup.available() or dm.Zram.setup(512)
    if why:
        ds.skip_all(why)
    t.set_plan(6)
    cg = dm.Cgroup('damos_selftest_allow').create()
    ram = dm.system_ram()

    ds.setup('paddr', [(None, [ram])], max_nr=200)
    inside = dm.Buffers(BUF_MIB, 1, cg.path)
    outside = dm.Buffers(BUF_MIB, 1)
    in0 = dm.rss(inside.pid, 'RssAnon')
    out0 = dm.rss(outside.pid, 'RssAnon')
    t.ok(in0 >= BUF_MIB * dm.MIB * 0.9 and out0 >= BUF_MIB * dm.MIB * 0.9,
         'both workloads have their buffer resident',
         f'RssAnon inside {in0 // dm.KIB} kB, outside {out0 // dm.KIB} kB')

    dm.set_schemes([scheme([dm.Filter('memcg', True, cg.memcg_path,
                                      allow=True)])])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'paddr pageout scheme with an '
         'allowing memcg filter starts', ds.errname(err))
    t.ok(drops(inside, in0), 'memcg allowed: the workload inside is paged '
         'out')
    time.sleep(3)
    out1 = dm.rss(outside.pid, 'RssAnon')
    t.ok(out1 >= out0 * 0.9, 'memcg allowed: the workload outside, which '
         'no filter decides for, stays',
         f'RssAnon {out0 // dm.KIB} -> {out1 // dm.KIB} kB')

    out2 = dm.rss(outside.pid, 'RssAnon')
    dm.set_schemes([scheme([
        dm.Filter('memcg', True, cg.memcg_path, allow=False),
        dm.Filter('anon', True, allow=True)])])
    err = dm.cmd('commit')
    inside2 = dm.Buffers(BUF_MIB, 1, cg.path)
    in3 = dm.rss(inside2.pid, 'RssAnon')
    t.ok(err == 0 and drops(outside, out2), 'memcg rejected, then anon '
         'allowed: the workload outside is paged out', ds.errname(err))
    time.sleep(3)
    in4 = dm.rss(inside2.pid, 'RssAnon')
    t.ok(in4 >= in3 * 0.9, 'memcg rejected, then anon allowed: a workload '
         'inside stays, as the first filter decides',
         f'RssAnon {in3 // dm.KIB} -> {in4 // dm.KIB} kB')


if __name__ == '__main__':
    dm.run(main)
