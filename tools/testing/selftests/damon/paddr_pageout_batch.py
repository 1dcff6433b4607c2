#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A paddr "pageout" pass keeps little memory off the LRU lists, and "off"
ends it promptly.

Without swap, anonymous memory cannot be paged out: a paddr scheme that
pages out every region of the System RAM isolates each anonymous folio
from its LRU list, fails to reclaim it and puts it back, over and over.
_damos_buffers.py holds 256 MiB of anonymous memory.  While the scheme
runs (min_nr_regions 3, so that a region spans hundreds of MiB), the
anonymous LRU size of /proc/meminfo, sampled as fast as Python can, must
never fall by more than 32 MiB below what it was before "on": a pass
reclaims in small batches instead of isolating its whole region first.
"off" must return within 5 s, and the kdamond must be gone.
"""

import os
import time

import _damon_sysfs as ds
import _damos as dm

BUF_MIB = 256
MAX_DIP = 32 * dm.MIB
SAMPLE_SECS = 4


def anon_lru():
    """Bytes of anonymous memory on the LRU lists."""
    info = {}
    with open('/proc/meminfo', encoding='ascii') as f:
        for line in f:
            name, _, value = line.partition(':')
            info[name] = int(value.split()[0]) * dm.KIB
    return info['Active(anon)'] + info['Inactive(anon)']


def swap_in_use():
    with open('/proc/swaps', encoding='ascii') as f:
        return len(f.read().splitlines()) > 1


def main(t):
    if swap_in_use():
        ds.skip_all('a swap device is active: anonymous memory could be '
                    'paged out for real')
    t.set_plan(5)
    w = dm.Buffers(BUF_MIB, 1)
    ds.setup('paddr', [(None, [dm.system_ram()])], min_nr=3, max_nr=10)
    dm.set_schemes([dm.Scheme('pageout', sz=(0, dm.ULONG_MAX),
                              nr=(0, dm.UINT_MAX), age=(0, dm.UINT_MAX))])
    base = min(anon_lru() for _ in range(20))
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'paddr pageout scheme over the '
         'System RAM starts', ds.errname(err))

    low, n = base, 0
    end = time.monotonic() + SAMPLE_SECS
    while time.monotonic() < end:
        low = min(low, anon_lru())
        n += 1
    st = dm.stats()
    t.diag(f'anonymous LRU {base // dm.KIB} kB before, lowest '
           f'{low // dm.KIB} kB in {n} samples; stats {st}')
    t.ok(st['nr_tried'] > 0, 'the scheme was applied', f'stats {st}')
    t.ok(base - low <= MAX_DIP, 'the anonymous LRU never dips by more than '
         f'{MAX_DIP // dm.MIB} MiB', f'dipped by {(base - low) // dm.KIB} kB')
    t.ok(os.path.exists(f'/proc/{w.pid}'), 'the workload is alive')

    pid = ds.kdamond_pid()
    start = time.monotonic()
    err = ds.write(f'{ds.kd_dir()}/state', 'off')
    secs = time.monotonic() - start
    gone = ds.wait_for(lambda: not os.path.exists(f'/proc/{pid}'), 5)
    t.diag(f'"off" took {secs:.2f} s')
    t.ok(err == 0 and secs < 5 and gone,
         '"off" returns within 5 s and the kdamond is gone',
         f'off {ds.errname(err)} in {secs:.2f} s, kdamond {pid}')


if __name__ == '__main__':
    dm.run(main)
