#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Starting a kdamond with bad parameters fails cleanly.

Each case builds an otherwise valid vaddr context on a live workload,
spoils one parameter and writes "on".  The write must fail, state must
read off, pid -1, and no new kdamond thread may exist.  A final valid start
shows that the failures left nothing behind.
"""

import os

import _damon_sysfs as ds

MIB = 1 << 20


def case_dead_pid(w):
    pid = ds.dead_pid()
    if os.path.exists(f'/proc/{pid}'):
        raise ds.Failure(f'pid {pid} of a reaped child is in use')
    ds.setup('vaddr', [(pid, [])])


def case_inverted_region(w):
    ds.setup('vaddr', [(w.pid, [(w.hot_end, w.hot_start)])])


def case_inverted_region_fvaddr(w):
    ds.setup('fvaddr', [(w.pid, [(w.start, w.start + MIB),
                                 (w.end, w.end - MIB)])])


def case_overlapping_regions(w):
    ds.setup('fvaddr', [(w.pid, [(w.start, w.start + 2 * MIB),
                                 (w.start + MIB, w.start + 3 * MIB)])])


def case_min_nr_regions(w):
    ds.setup('vaddr', [(w.pid, [])], min_nr=2, max_nr=100)


def case_min_above_max(w):
    ds.setup('vaddr', [(w.pid, [])], min_nr=50, max_nr=20)


def case_sample_above_aggr(w):
    ds.setup('vaddr', [(w.pid, [])], sample_us=200000, aggr_us=100000)


CASES = [
    ('dead pid', case_dead_pid),
    ('inverted region', case_inverted_region),
    ('inverted fvaddr region', case_inverted_region_fvaddr),
    ('overlapping regions', case_overlapping_regions),
    ('min_nr_regions < 3', case_min_nr_regions),
    ('min_nr_regions > max_nr_regions', case_min_above_max),
    ('sample_us > aggr_us', case_sample_above_aggr),
]


def main(t):
    t.set_plan(2 * len(CASES) + 1)
    w = ds.Workload(16, 0, 4, 0)
    before = ds.kdamond_threads()
    for name, prepare in CASES:
        prepare(w)
        err = ds.start()
        t.ok(err != 0, f'{name}: on fails', 'on succeeded')
        st, pid = ds.state(), ds.kdamond_pid()
        # Give a wrongly started thread a moment to show up.
        ds.wait_for(lambda: ds.kdamond_threads() != before, 1)
        now = ds.kdamond_threads()
        t.ok(st == 'off' and pid == -1 and now == before,
             f'{name}: state off, pid -1, no new kdamond',
             f'state {st}, pid {pid}, kdamonds {before} -> {now}')
        ds.reset()

    ds.setup('vaddr', [(w.pid, [])])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on' and ds.kdamond_pid() > 0,
         'valid parameters start afterwards', ds.errname(err))


if __name__ == '__main__':
    ds.run(main)
