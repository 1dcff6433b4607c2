#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The "young" filter keeps a paddr "pageout" off pages in use.

With swap on zram, a paddr scheme pages out every region of the system
RAM, whatever its access frequency or age, but with a young filter,
matching Y: pages accessed since their last check are excluded.
access_memory populates 64 MiB and keeps writing a 4 MiB hot range.
Where memory cgroups are there, the workload runs in one, and a memcg
filter before the others keeps the scheme on its pages: the scheme would
otherwise page out the test's own Python and the page cache of the whole
guest, which they then read back in for minutes:

1. the cold part of the workload is paged out (RssAnon drops by more than
   a quarter of it; a young page is only paged out from its second check
   on, as the first one finds it young from its population);
2. the hot range stays resident: the workload never touches its cold
   part again, so its major faults (swap-ins) come from the hot range,
   and must be fewer than a quarter of the hot range's pages over 4 s;
3. control: committed without the filter, the same scheme pages the hot
   range out again and again, which the major faults show (more than half
   of the hot range's pages over 4 s).  This shows that step 2 can fail.
"""

import time

import _damon_sysfs as ds
import _damos as dm

TOTAL_MIB = 64
HOT_MIB = 4
WATCH = 4


def scheme(cg, filters):
    return dm.Scheme('pageout', sz=(4096, dm.ULONG_MAX),
                     filters=dm.memcg_only(cg) + filters)


def hot_faults(t, w):
    """Major faults of the workload over WATCH seconds."""
    flt0 = dm.majflt(w.pid)
    time.sleep(WATCH)
    flt = dm.majflt(w.pid) - flt0
    t.diag(f'{flt} major faults in {WATCH}s')
    return flt


def main(t):
    why = dm.Zram.setup(512)
    if why:
        ds.skip_all(why)
    t.set_plan(5)
    hot_pages = HOT_MIB * dm.MIB // dm.PAGE
    cold = (TOTAL_MIB - HOT_MIB) * dm.MIB
    cg = dm.Cgroup.create_if_available('damos_selftest_young')
    ram = dm.system_ram()
    w = ds.Workload(TOTAL_MIB, 24, HOT_MIB, 0, cgroup=cg.path if cg else None)
    rss0 = dm.rss(w.pid, 'RssAnon')
    ds.setup('paddr', [(None, [ram])], sample_us=5000, aggr_us=200000,
             max_nr=200)
    dm.set_schemes([scheme(cg, [dm.Filter('young', True)])])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'paddr pageout scheme with a young '
         'filter starts', ds.errname(err))

    start = time.monotonic()
    dropped = ds.wait_for(
        lambda: rss0 - dm.rss(w.pid, 'RssAnon') > cold // 4, 45, 1)
    rss1 = dm.rss(w.pid, 'RssAnon')
    t.diag(f'RssAnon {rss0 // dm.KIB} -> {rss1 // dm.KIB} kB in '
           f'{time.monotonic() - start:.1f}s')
    t.ok(dropped, 'young excluded: the cold part is paged out')

    flt = hot_faults(t, w)
    t.ok(flt < hot_pages // 4, 'young excluded: the hot range stays '
         f'resident (fewer than {hot_pages // 4} major faults)',
         f'{flt} major faults')

    dm.set_schemes([scheme(cg, [])])
    err = dm.cmd('commit')
    t.ok(err == 0 and ds.state() == 'on', 'commit without the filter',
         ds.errname(err))
    time.sleep(1)
    flt = hot_faults(t, w)
    t.ok(flt > hot_pages // 2,
         f'control without the filter: more than {hot_pages // 2} major '
         'faults', f'{flt} major faults')


if __name__ == '__main__':
    dm.run(main)
