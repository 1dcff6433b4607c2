#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""stats/sz_ops_filter_passed and tried_regions/<R>/sz_filter_passed (an
extension from later kernels) count the bytes that passed the filters of
the operations set.

A paddr "stat" scheme over the largest System RAM range, with a workload
that keeps 64 MiB of anonymous memory resident:

- without filters, all of each tried region passes: every region's
  sz_filter_passed is its size, and sz_ops_filter_passed grows exactly as
  sz_tried does;
- with an "anon" filter that rejects, some but not all bytes pass, and
  fewer than with no filter;
- with an "anon" filter that allows, at least most of the workload's
  buffer passes, and no more than the anonymous memory of the system
  (AnonPages of /proc/meminfo, with slack for what changed meanwhile);
- the stats file grows by less than sz_tried while a filter rejects.
"""

import time

import _damon_sysfs as ds
import _damos as dm

BUF_MIB = 64


def meminfo(name):
    with open('/proc/meminfo', encoding='ascii') as f:
        for line in f:
            if line.startswith(name + ':'):
                return int(line.split()[1]) * dm.KIB
    raise ds.Failure(f'no {name} in /proc/meminfo')


def snapshot():
    """(sum of region sizes, sum of sz_filter_passed, regions)."""
    _, regions = dm.tried()
    return (sum(r.size() for r in regions),
            sum(r.sz_filter_passed or 0 for r in regions), regions)


def main(t):
    t.set_plan(6)
    buf = dm.Buffers(BUF_MIB, 1)
    ram = dm.system_ram()
    ds.setup('paddr', [(None, [ram])], sample_us=100000, aggr_us=200000,
             max_nr=200)
    dm.set_schemes([dm.Scheme('stat')])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'paddr stat scheme starts',
         ds.errname(err))
    time.sleep(1)

    total, passed, regions = snapshot()
    whole = all(r.sz_filter_passed == r.size() for r in regions)
    st0 = dm.stats()
    time.sleep(2)
    st1 = dm.stats()
    t.ok(regions and whole and
         st1['sz_ops_filter_passed'] - st0['sz_ops_filter_passed'] ==
         st1['sz_tried'] - st0['sz_tried'] > 0,
         'without filters, all of each tried region passes',
         f'{len(regions)} regions, sz_filter_passed all equal to the size: '
         f'{whole}; stats {st0} -> {st1}')

    dm.set_schemes([dm.Scheme('stat', filters=[
        dm.Filter('anon', True, allow=False)])])
    dm.must_cmd('commit')
    time.sleep(1)
    total, rejected, _ = snapshot()
    t.ok(0 < rejected < total, 'an anon filter that rejects lets some bytes '
         'pass, not all', f'{rejected} of {total} bytes passed')
    st0 = dm.stats()
    time.sleep(2)
    st1 = dm.stats()
    d_pass = st1['sz_ops_filter_passed'] - st0['sz_ops_filter_passed']
    d_tried = st1['sz_tried'] - st0['sz_tried']
    t.ok(0 < d_pass < d_tried, 'sz_ops_filter_passed grows by less than '
         'sz_tried while a filter rejects',
         f'+{d_pass} passed, +{d_tried} tried')

    dm.set_schemes([dm.Scheme('stat', filters=[
        dm.Filter('anon', True, allow=True)])])
    dm.must_cmd('commit')
    time.sleep(1)
    total, allowed, _ = snapshot()
    anon = meminfo('AnonPages')
    t.ok(BUF_MIB * dm.MIB * 0.75 <= allowed <= anon * 1.25, 'an anon filter '
         'that allows lets most of the buffer pass, and no more than the '
         'anonymous memory', f'{allowed} bytes passed, buffer '
         f'{BUF_MIB * dm.MIB}, AnonPages {anon}')
    t.ok(allowed < total and allowed + rejected <= total * 1.1,
         'what the allowing and the rejecting filters pass adds up to at '
         'most the tried bytes', f'{allowed} + {rejected} of {total}')


if __name__ == '__main__':
    dm.run(main)
