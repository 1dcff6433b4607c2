#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writing the nr_* files creates and removes the numbered directories at
every level of the DAMON sysfs tree: grow, shrink, down to 0 and up again.
A count too large to allocate fails with ENOMEM and changes nothing.
"""

import errno
import os

import _damon_sysfs as ds

K = ds.kd_dir()
C = ds.ctx_dir()

# (directory holding the nr_* file, its name, sequence of counts)
LEVELS = [
    (ds.KDAMONDS, 'nr_kdamonds', [3, 1, 0, 2, 1]),
    (f'{K}/contexts', 'nr_contexts', [1, 0, 1]),
    (f'{C}/targets', 'nr_targets', [4, 2, 0, 3, 1]),
    (f'{C}/targets/0/regions', 'nr_regions', [5, 2, 0, 3]),
    (f'{C}/schemes', 'nr_schemes', [3, 1, 0, 2]),
]


def check_level(t, parent, name, counts):
    rel = os.path.relpath(f'{parent}/{name}', ds.ADMIN)
    for n in counts:
        err = ds.write(f'{parent}/{name}', n)
        got = ds.read(f'{parent}/{name}')
        dirs = ds.numbered_dirs(parent)
        t.ok(err == 0 and got == str(n) and dirs == list(range(n)),
             f'{rel} = {n}: directories 0..{n - 1} exist',
             f'write: {ds.errname(err)}, reads "{got}", dirs {dirs}')


# More directories than a kmalloc()ed array of pointers can hold.
HUGE = 2**31 - 1


def check_huge(t, parent, name):
    rel = os.path.relpath(f'{parent}/{name}', ds.ADMIN)
    before = ds.read(f'{parent}/{name}')
    err = ds.write(f'{parent}/{name}', HUGE)
    got = ds.read(f'{parent}/{name}')
    dirs = ds.numbered_dirs(parent)
    t.ok(err == errno.ENOMEM and got == before and
         dirs == list(range(int(before))),
         f'{rel} = {HUGE} fails with ENOMEM and keeps {before} directories',
         f'write: {ds.errname(err)}, reads "{got}", dirs {dirs}')


def main(t):
    t.set_plan(sum(len(c) for _, _, c in LEVELS) + 3 + len(LEVELS) - 1)
    for parent, name, counts in LEVELS:
        check_level(t, parent, name, counts)
    # Every level but nr_contexts, which refuses more than 1 with EINVAL.
    for parent, name, _ in LEVELS:
        if name != 'nr_contexts':
            check_huge(t, parent, name)

    # A second target with regions, then remove everything from the top.
    ds.must_write(f'{C}/targets/nr_targets', 2)
    ds.must_write(f'{C}/targets/1/regions/nr_regions', 2)
    t.ok(ds.numbered_dirs(f'{C}/targets/1/regions') == [0, 1] and
         os.path.isfile(f'{C}/targets/1/regions/1/end'),
         'regions of a second target are created')
    ds.must_write(f'{ds.KDAMONDS}/nr_kdamonds', 0)
    t.ok(ds.numbered_dirs(ds.KDAMONDS) == [] and not os.path.exists(K),
         'nr_kdamonds = 0 removes a populated tree')
    entries = sorted(os.listdir(ds.KDAMONDS))
    t.ok(entries == ['nr_kdamonds'], 'kdamonds/ holds only nr_kdamonds',
         f'entries: {entries}')


if __name__ == '__main__':
    ds.run(main)
