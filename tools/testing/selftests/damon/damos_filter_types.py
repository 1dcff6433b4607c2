#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The filter directories and types of later kernels (6.15): core_filters/
and ops_filters/ beside filters/, and the unmapped, hugepage_size and
active types, checked through what a paddr "stat" scheme lets pass
(tried_regions/<R>/sz_filter_passed).

- both directories exist, empty, and their filters have "min" and "max";
- an ops filter in core_filters/, or a core one in ops_filters/, makes
  "on" fail with EINVAL;
- with 64 MiB of unmapped shmem (a file in /dev/shm) and 64 MiB of mapped
  anonymous memory resident: "unmapped" that allows lets most of the file
  pass, and "unmapped" that rejects most of the anonymous buffer;
- with a 64 MiB anonymous buffer backed by transparent huge pages,
  "hugepage_size" of [2 MiB, 2 MiB] lets at least half of the huge pages
  pass, and no more than the system's huge pages;
- "active" and its opposite each let pass no more than the active and the
  inactive LRU lists hold, with slack.
"""

import errno
import mmap
import os
import time

import _damon_sysfs as ds
import _damos as dm

MIB = dm.MIB
BUF = 64 * MIB
SHM = '/dev/shm/damos_filter_types'


def meminfo(name):
    with open('/proc/meminfo', encoding='ascii') as f:
        for line in f:
            if line.startswith(name + ':'):
                return int(line.split()[1]) * dm.KIB
    return 0


def set_filters(layer, filters):
    """Write @filters, (type, matching, allow, extra files), to @layer."""
    d = f'{dm.scheme_dir()}/{layer}'
    ds.must_write(f'{d}/nr_filters', len(filters))
    for i, (ftype, matching, allow, extra) in enumerate(filters):
        ds.must_write(f'{d}/{i}/type', ftype)
        ds.must_write(f'{d}/{i}/matching', 'Y' if matching else 'N')
        ds.must_write(f'{d}/{i}/allow', 'Y' if allow else 'N')
        for name, val in extra.items():
            ds.must_write(f'{d}/{i}/{name}', val)


def passed(filters):
    """Bytes the ops filters @filters let pass in one application."""
    set_filters('ops_filters', filters)
    dm.must_cmd('commit')
    time.sleep(1)
    _, regions = dm.tried()
    return sum(r.sz_filter_passed or 0 for r in regions)


def main(t):
    t.set_plan(7)
    ram = dm.system_ram()
    ds.setup('paddr', [(None, [ram])], sample_us=100000, aggr_us=200000,
             max_nr=200)
    dm.set_schemes([dm.Scheme('stat')])
    sdir = dm.scheme_dir()
    set_filters('ops_filters', [('anon', True, False, {})])
    extra = [ds.read(f'{sdir}/ops_filters/0/{n}') for n in ('min', 'max')]
    t.ok(ds.read(f'{sdir}/core_filters/nr_filters') == '0' and
         extra == ['0', '0'], 'core_filters/ and ops_filters/ exist, and a '
         'filter has min and max', f'min, max {extra}')

    set_filters('core_filters', [('anon', True, False, {})])
    err1 = ds.start()
    set_filters('core_filters', [])
    set_filters('ops_filters', [('addr', True, False, {})])
    err2 = ds.start()
    t.ok(err1 == errno.EINVAL and err2 == errno.EINVAL,
         'a filter in the directory of the other layer makes "on" fail '
         'with EINVAL', f'{ds.errname(err1)}, {ds.errname(err2)}')
    set_filters('ops_filters', [])

    with open(SHM, 'wb') as f:
        f.write(b'\x5a' * BUF)
    buf = dm.Buffers(BUF // MIB, 1)
    try:
        err = ds.start()
        if err:
            raise ds.Failure(f'"on" failed: {ds.errname(err)}')
        unmapped = passed([('unmapped', True, True, {})])
        mapped = passed([('unmapped', True, False, {})])
        t.ok(unmapped >= BUF * 0.75, '"unmapped" that allows lets the '
             'unmapped file pass', f'{unmapped >> 20} MiB passed')
        t.ok(mapped >= BUF * 0.75, '"unmapped" that rejects lets the mapped '
             'buffer pass', f'{mapped >> 20} MiB passed')
    finally:
        os.unlink(SHM)

    m = mmap.mmap(-1, BUF + 2 * MIB,
                  flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    thp0 = meminfo('AnonHugePages')
    m.madvise(mmap.MADV_HUGEPAGE)
    for off in range(0, BUF + 2 * MIB, 4096):
        m[off] = 1
    thp = meminfo('AnonHugePages') - thp0
    huge = passed([('hugepage_size', True, True,
                    {'min': 2 * MIB, 'max': 2 * MIB})])
    allhuge = meminfo('AnonHugePages') + meminfo('ShmemHugePages') + \
        meminfo('FileHugePages')
    t.ok(thp >= 16 * MIB and thp / 2 <= huge <= allhuge * 1.1 + 4 * MIB,
         '"hugepage_size" of 2 MiB lets the huge pages pass',
         f'{huge >> 20} MiB passed, {thp >> 20} MiB of new huge pages, '
         f'{allhuge >> 20} MiB in the system')
    m.close()

    active = passed([('active', True, True, {})])
    inactive = passed([('active', True, False, {})])
    act = meminfo('Active(anon)') + meminfo('Active(file)')
    inact = meminfo('Inactive(anon)') + meminfo('Inactive(file)')
    t.diag(f'active {active >> 20} MiB passed of {act >> 20} MiB, inactive '
           f'{inactive >> 20} MiB of {inact >> 20} MiB')
    t.ok(0 < active <= act * 1.5 + 16 * MIB,
         '"active" lets pass no more than the active lists hold')
    t.ok(0 < inactive <= inact * 1.5 + 16 * MIB,
         '"active" that rejects lets pass no more than the inactive lists '
         'hold')
    buf.stop()


if __name__ == '__main__':
    dm.run(main)
