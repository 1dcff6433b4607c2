#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A "stat" scheme's stats and tried regions agree with each other and with
the scheme's access pattern.

A vaddr kdamond monitors access_memory (64 MiB, 8 MiB hot) with a stat
scheme for cold regions of at least 64 KiB (nr_accesses 0..1, age 3..max):

- update_schemes_stats makes nr_tried and sz_tried grow over time, and
  the applied stats never exceed them;
- clear_schemes_tried_regions leaves no region directory;
- update_schemes_tried_bytes fills total_bytes but creates no directory;
- update_schemes_tried_regions creates directories whose sizes sum to
  total_bytes, each a sorted, disjoint region that matches the pattern;
- the cumulative stats cover the tried regions of one application.
"""

import time

import _damon_sysfs as ds
import _damos as dm

PATTERN = {'sz': (64 * dm.KIB, dm.ULONG_MAX), 'nr': (0, 1),
           'age': (3, dm.UINT_MAX)}


def matches(r):
    return (PATTERN['sz'][0] <= r.size() <= PATTERN['sz'][1] and
            PATTERN['nr'][0] <= r.nr_accesses <= PATTERN['nr'][1] and
            PATTERN['age'][0] <= r.age <= PATTERN['age'][1])


def main(t):
    t.set_plan(11)
    w = ds.Workload(64, 24, 8, 0)
    ds.setup('vaddr', [(w.pid, [])], sample_us=5000, aggr_us=100000)
    dm.set_schemes([dm.Scheme('stat', **PATTERN)])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'kdamond with a stat scheme starts',
         ds.errname(err))

    time.sleep(3)
    st1 = dm.stats()
    time.sleep(3)
    st2 = dm.stats()
    t.diag(f'stats: {st1} -> {st2}')
    t.ok(st2['nr_tried'] > st1['nr_tried'] > 0, 'nr_tried grows')
    t.ok(st2['sz_tried'] > st1['sz_tried'] > 0, 'sz_tried grows')
    # Whether a stat scheme counts its regions as applied differs between
    # implementations; it can never apply more than it tried.
    t.ok(st2['nr_applied'] <= st2['nr_tried'] and
         st2['sz_applied'] <= st2['sz_tried'],
         'applied stats do not exceed tried stats')

    d = f'{dm.scheme_dir()}/tried_regions'
    dm.must_cmd('clear_schemes_tried_regions')
    t.ok(not ds.numbered_dirs(d), 'clear_schemes_tried_regions leaves no '
         'region directory', f'{ds.numbered_dirs(d)}')

    err = dm.cmd('update_schemes_tried_bytes')
    total, regions = dm.tried_regions()
    t.ok(err == 0 and total > 0 and not regions,
         'update_schemes_tried_bytes sets total_bytes only',
         f'write {ds.errname(err)}, total_bytes {total}, '
         f'{len(regions)} region directories')

    total, regions = dm.tried()
    sizes = sum(r.size() for r in regions)
    t.diag(f'{len(regions)} tried regions, total_bytes {total}: '
           f'{regions[:8]}')
    t.ok(regions and total == sizes,
         'total_bytes is the sum of the tried regions\' sizes',
         f'total_bytes {total}, sum {sizes}')
    ordered = all(r.start < r.end for r in regions) and \
        all(a.end <= b.start for a, b in zip(regions, regions[1:]))
    t.ok(regions and ordered, 'tried regions are non-empty, sorted and '
         'disjoint')
    bad = [r for r in regions if not matches(r)]
    t.ok(regions and not bad, 'every tried region matches the access '
         'pattern', f'outside the pattern: {bad[:8]}')

    st3 = dm.stats()
    t.ok(st3['sz_tried'] >= total and st3['nr_tried'] >= len(regions),
         'cumulative stats cover one application\'s tried regions',
         f'stats {st3}, tried {len(regions)} regions, {total} bytes')

    dm.must_cmd('clear_schemes_tried_regions')
    total, regions = dm.tried_regions()
    t.ok(not regions, 'clear_schemes_tried_regions removes the directories',
         f'{len(regions)} left')


if __name__ == '__main__':
    dm.run(main)
