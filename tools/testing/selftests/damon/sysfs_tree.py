#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every directory and file of the DAMON sysfs tree exists, has the mode of
the ABI (0600, or 0400 for read-only files) and can be read.

The tree is populated with one kdamond, context, target, region and scheme;
of the scheme only the existence of schemes/0/ is checked here.
"""

import os
import stat

import _damon_sysfs as ds

K = 'kdamonds/0'
C = K + '/contexts/0'
T = C + '/targets/0'

DIRS = ['', 'kdamonds', K, K + '/contexts', C, C + '/monitoring_attrs',
        C + '/monitoring_attrs/intervals', C + '/monitoring_attrs/nr_regions',
        C + '/targets', T, T + '/regions', T + '/regions/0', C + '/schemes',
        C + '/schemes/0']

FILES = [
    ('kdamonds/nr_kdamonds', 0o600),
    (K + '/state', 0o600),
    (K + '/pid', 0o400),
    (K + '/contexts/nr_contexts', 0o600),
    (C + '/avail_operations', 0o400),
    (C + '/operations', 0o600),
    (C + '/monitoring_attrs/intervals/sample_us', 0o600),
    (C + '/monitoring_attrs/intervals/aggr_us', 0o600),
    (C + '/monitoring_attrs/intervals/update_us', 0o600),
    (C + '/monitoring_attrs/nr_regions/min', 0o600),
    (C + '/monitoring_attrs/nr_regions/max', 0o600),
    (C + '/targets/nr_targets', 0o600),
    (T + '/pid_target', 0o600),
    (T + '/regions/nr_regions', 0o600),
    (T + '/regions/0/start', 0o600),
    (T + '/regions/0/end', 0o600),
    (C + '/schemes/nr_schemes', 0o600),
]


def main(t):
    t.set_plan(len(DIRS) + len(FILES))
    ds.must_write(f'{ds.KDAMONDS}/nr_kdamonds', 1)
    ds.must_write(f'{ds.kd_dir()}/contexts/nr_contexts', 1)
    ds.must_write(f'{ds.ctx_dir()}/targets/nr_targets', 1)
    ds.must_write(f'{ds.target_dir()}/regions/nr_regions', 1)
    ds.must_write(f'{ds.ctx_dir()}/schemes/nr_schemes', 1)

    for d in DIRS:
        path = os.path.join(ds.ADMIN, d)
        t.ok(os.path.isdir(path), f'directory admin/{d} exists')

    for f, mode in FILES:
        path = os.path.join(ds.ADMIN, f)
        try:
            st = os.stat(path)
        except OSError as e:
            t.ok(False, f'{f} mode {mode:o}', f'stat {path}: {e}')
            continue
        why = []
        if not stat.S_ISREG(st.st_mode):
            why.append('not a regular file')
        if stat.S_IMODE(st.st_mode) != mode:
            why.append(f'mode is {stat.S_IMODE(st.st_mode):o}')
        try:
            ds.read(path)
        except OSError as e:
            why.append(f'read fails: {e}')
        t.ok(not why, f'{f} mode {mode:o}', ', '.join(why))


if __name__ == '__main__':
    ds.run(main)
