#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A vaddr "pageout" scheme for cold regions reclaims a cold buffer.

access_memory populates 64 MiB and keeps writing a 4 MiB hot range.  With
swap on zram, a scheme paging out regions of at least 4 KiB that were not
accessed (nr_accesses 0..0) for at least 10 aggregations must lower the
workload's anonymous RSS by more than half of the cold 60 MiB within 60 s,
while the hot range stays resident: the workload never touches the cold
part again, so its major faults (swap-ins) come from the hot range, and
must stay below the hot range's page count.  The stats count what was
paged out: sz_applied is at least the drop of RssAnon, since every page
paged out lies in a mapping that took the advice, even where a region
also spans unmapped gaps or a mapping madvise() refuses ([vvar] sits
among the libraries).
"""

import time

import _damon_sysfs as ds
import _damos as dm

TOTAL_MIB = 64
HOT_MIB = 4


def main(t):
    why = dm.Zram.setup(256)
    if why:
        ds.skip_all(why)
    t.set_plan(5)
    w = ds.Workload(TOTAL_MIB, 24, HOT_MIB, 0)
    cold = (TOTAL_MIB - HOT_MIB) * dm.MIB
    hot_pages = HOT_MIB * dm.MIB // dm.PAGE
    ds.setup('vaddr', [(w.pid, [])], sample_us=5000, aggr_us=100000)
    dm.set_schemes([dm.Scheme('pageout', sz=(4096, dm.ULONG_MAX), nr=(0, 0),
                              age=(10, dm.UINT_MAX))])

    rss0 = dm.rss(w.pid, 'RssAnon')
    flt0 = dm.majflt(w.pid)
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'kdamond with a pageout scheme '
         'starts', ds.errname(err))

    start = time.monotonic()
    dropped = ds.wait_for(
        lambda: rss0 - dm.rss(w.pid, 'RssAnon') > cold // 2, 60, 1)
    secs = time.monotonic() - start
    # Let the scheme run on for a while: the hot range must stay.
    time.sleep(3)
    rss1 = dm.rss(w.pid, 'RssAnon')
    t.diag(f'RssAnon {rss0 // dm.KIB} kB -> {rss1 // dm.KIB} kB '
           f'({secs:.1f}s to drop by half the cold size)')
    t.ok(dropped and rss0 - rss1 > cold // 2,
         'anonymous RSS drops by more than half of the cold buffer',
         f'dropped by {(rss0 - rss1) // dm.KIB} kB of {cold // dm.KIB} kB')

    flt = dm.majflt(w.pid) - flt0
    t.diag(f'{flt} major faults in {time.monotonic() - start:.1f}s')
    t.ok(flt < hot_pages, 'the hot range stays resident: fewer major '
         f'faults than its {hot_pages} pages', f'{flt} major faults')

    st = dm.stats()
    t.diag(f'stats: {st}')
    t.ok(st['nr_tried'] > 0 and st['nr_applied'] > 0,
         'stats count tried and applied regions')
    t.ok(st['sz_applied'] >= rss0 - rss1 and
         st['sz_tried'] >= st['sz_applied'],
         'sz_applied accounts for the paged-out memory and sz_tried >= it',
         f'sz_applied {st["sz_applied"]}, sz_tried {st["sz_tried"]}, '
         f'RSS drop {rss0 - rss1}')


if __name__ == '__main__':
    dm.run(main)
