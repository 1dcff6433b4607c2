#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Valid and invalid writes to every file of the DAMON sysfs tree.

A valid value reads back as written.  Garbage fails with EINVAL and leaves
the previous value in place.  Read-only files refuse writes.
"""

import errno
import os

import _damon_sysfs as ds

K = ds.kd_dir()
C = ds.ctx_dir()
A = C + '/monitoring_attrs'
T = ds.target_dir()
R = T + '/regions'

NOT_NUMBERS = ['abc', '12abc', '1.5', '0x']
NOT_UNSIGNED = NOT_NUMBERS + ['-1']

# Writing an nr_* file may recreate the directories below it, so the
# directories a later case needs are created again after such a case.
REBUILD = {
    'nr_kdamonds': [f'{K}/contexts/nr_contexts', f'{C}/targets/nr_targets',
                    f'{R}/nr_regions'],
    'nr_contexts': [f'{C}/targets/nr_targets', f'{R}/nr_regions'],
    'nr_targets': [f'{R}/nr_regions'],
}

# (file, values that read back as written, invalid values)
CASES = [
    (f'{ds.KDAMONDS}/nr_kdamonds', ['1'], NOT_UNSIGNED),
    (f'{K}/contexts/nr_contexts', ['0', '1'], NOT_UNSIGNED + ['2']),
    (f'{C}/operations', ['vaddr', 'fvaddr', 'paddr'],
     ['foo', 'vaddrx', 'VADDR']),
    (f'{A}/intervals/sample_us', ['1', '12345', '5000'], NOT_UNSIGNED),
    (f'{A}/intervals/aggr_us', ['54321', '100000'], NOT_UNSIGNED),
    (f'{A}/intervals/update_us', ['777777', '1000000'], NOT_UNSIGNED),
    # intervals_goal/: extensions from later kernels.
    (f'{A}/intervals/intervals_goal/access_bp', ['400', '0'], NOT_UNSIGNED),
    (f'{A}/intervals/intervals_goal/aggrs', ['3', '0'], NOT_UNSIGNED),
    (f'{A}/intervals/intervals_goal/min_sample_us', ['5000', '0'],
     NOT_UNSIGNED),
    (f'{A}/intervals/intervals_goal/max_sample_us', ['10000000', '0'],
     NOT_UNSIGNED),
    (f'{A}/nr_regions/min', ['15', '10'], NOT_UNSIGNED),
    (f'{A}/nr_regions/max', ['2000', '1000'], NOT_UNSIGNED),
    (f'{C}/targets/nr_targets', ['2', '1'], NOT_UNSIGNED),
    (f'{T}/pid_target', [str(os.getpid()), '1'], NOT_NUMBERS),
    (f'{R}/nr_regions', ['3', '1'], NOT_UNSIGNED),
    (f'{R}/0/start', ['4096', '0'], NOT_UNSIGNED),
    (f'{R}/0/end', ['8192', '1048576'], NOT_UNSIGNED),
    (f'{C}/schemes/nr_schemes', ['2', '0'], NOT_UNSIGNED),
]

READ_ONLY = [f'{K}/pid', f'{C}/avail_operations']


def short(path):
    return os.path.relpath(path, ds.ADMIN)


def check_file(t, path, valid, invalid):
    for v in valid:
        err = ds.write(path, v)
        got = ds.read(path) if err == 0 else None
        t.ok(err == 0 and got == v, f'{short(path)}: "{v}" reads back',
             f'write: {ds.errname(err)}, read back "{got}"')
    before = ds.read(path)
    for v in invalid:
        err = ds.write(path, v)
        after = ds.read(path)
        t.ok(err == errno.EINVAL and after == before,
             f'{short(path)}: "{v}" is refused with EINVAL',
             f'write: {ds.errname(err)}, value "{before}" -> "{after}"')


def main(t):
    plan = sum(len(v) + len(i) for _, v, i in CASES)
    plan += 2 * len(READ_ONLY) + 5
    t.set_plan(plan)

    ds.must_write(f'{ds.KDAMONDS}/nr_kdamonds', 1)
    for nr_file in REBUILD['nr_kdamonds']:
        ds.must_write(nr_file, 1)

    avail = ds.read(f'{C}/avail_operations').split()
    for ops in ['vaddr', 'fvaddr', 'paddr']:
        t.ok(ops in avail, f'avail_operations lists {ops}', f'got {avail}')

    for path, valid, invalid in CASES:
        check_file(t, path, valid, invalid)
        for nr_file in REBUILD.get(os.path.basename(path), []):
            ds.must_write(nr_file, 1)

    for path in READ_ONLY:
        before = ds.read(path)
        err = ds.write(path, '1')
        t.ok(err != 0, f'{short(path)}: read-only, write refused',
             'write succeeded')
        t.ok(ds.read(path) == before, f'{short(path)}: value unchanged')

    # Keywords written the way echo(1) does, with a trailing newline.
    err = ds.write(f'{C}/operations', 'fvaddr\n')
    t.ok(err == 0 and ds.read(f'{C}/operations') == 'fvaddr',
         'operations accepts a trailing newline', ds.errname(err))

    err = ds.write(f'{K}/state', 'foo')
    t.ok(err == errno.EINVAL and ds.state() == 'off',
         'state: "foo" is refused with EINVAL', ds.errname(err))


if __name__ == '__main__':
    ds.run(main)
