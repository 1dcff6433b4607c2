#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Bad scheme parameters fail with EINVAL, at write time or at on/commit.

Each case builds a valid vaddr context with one "stat" scheme on a live
workload, spoils one parameter and writes "on".  Unknown keywords (action,
filter type, watermark metric, goal metric) may be refused by the write
itself, which then leaves the old value readable; otherwise "on" must
fail.  Inverted access pattern ranges must make "on" fail (or their
writes, if checked early).  Either way the error is EINVAL and no kdamond
runs.  (Watermarks in any order are valid, as in the stock ABI.)

Then a running kdamond gets the same bad parameters by "commit": each
commit fails with EINVAL, and the kdamond keeps its old scheme (a stat
scheme for cold regions): it runs with the same pid, and its stats and
tried regions still advance and match the old access pattern.
"""

import errno
import time

import _damon_sysfs as ds
import _damos as dm

S = dm.scheme_dir()


def keyword(path, value, old):
    """Spoil a keyword file: return (write errno, readback ok)."""
    def spoil():
        err = ds.write(path, value)
        return err, (ds.read(path) == old) if err else True
    return spoil


def writes(pairs):
    """Write (path, value) pairs in order; return the first errno."""
    for path, value in pairs:
        err = ds.write(path, value)
        if err:
            return err
    return 0


def inverted(d, lo, hi):
    def spoil():
        return writes([(f'{d}/max', hi), (f'{d}/min', lo)]), True
    return spoil


def cases():
    """(description, scheme to start from, spoiler)."""
    base = dm.Scheme('stat', nr=(0, 0))
    filt = dm.Scheme('stat', nr=(0, 0),
                     filters=[dm.Filter('addr', True, (0, 1 << 20))])
    goal = dm.Scheme('stat', nr=(0, 0), quota={'reset_ms': 100},
                     goals=[('user_input', 100, 50)])
    ap = f'{S}/access_pattern'
    return [
        ('unknown action', base,
         keyword(f'{S}/action', 'no_such_action', 'stat')),
        ('unknown filter type', filt,
         keyword(f'{S}/filters/0/type', 'no_such_type', 'addr')),
        ('unknown watermark metric', base,
         keyword(f'{S}/watermarks/metric', 'no_such_metric', 'none')),
        ('unknown goal metric', goal,
         keyword(f'{S}/quotas/goals/0/target_metric', 'no_such_metric',
                 'user_input')),
        ('sz min > max', base, inverted(f'{ap}/sz', 8192, 4096)),
        ('nr_accesses min > max', base, inverted(f'{ap}/nr_accesses', 5, 2)),
        ('age min > max', base, inverted(f'{ap}/age', 20, 10)),
    ]


def check_on(t, w, desc, sc, spoil):
    ds.setup('vaddr', [(w.pid, [])])
    dm.set_schemes([sc])
    werr, readback = spoil()
    err = werr or ds.start()
    t.ok(err == errno.EINVAL and ds.state() == 'off' and readback,
         f'on: {desc} fails with EINVAL',
         f'write {ds.errname(werr)}, on {ds.errname(err)}, state '
         f'{ds.state()}, old value reads back: {readback}')
    if ds.state() == 'on':
        ds.write(f'{ds.kd_dir()}/state', 'off')
        ds.wait_state('off', 30)


def check_commit(t, desc, sc, spoil, pid):
    dm.set_schemes([sc])
    werr, _ = spoil()
    err = werr or dm.cmd('commit')
    running = ds.state() == 'on' and ds.kdamond_pid() == pid
    t.ok(err == errno.EINVAL and running,
         f'commit: {desc} fails with EINVAL, the kdamond keeps running',
         f'write {ds.errname(werr)}, commit {ds.errname(err)}, state '
         f'{ds.state()}, pid {ds.kdamond_pid()} (was {pid})')


def main(t):
    all_cases = cases()
    t.set_plan(2 * len(all_cases) + 4)
    w = ds.Workload(32, 8, 4, 0)
    for desc, sc, spoil in all_cases:
        check_on(t, w, desc, sc, spoil)

    # The old scheme: stat for regions with no access at all.
    ds.setup('vaddr', [(w.pid, [])])
    dm.set_schemes([dm.Scheme('stat', nr=(0, 0))])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'a valid scheme starts',
         ds.errname(err))
    pid = ds.kdamond_pid()
    for desc, sc, spoil in all_cases:
        check_commit(t, desc, sc, spoil, pid)

    st0 = dm.stats()
    time.sleep(2)
    st1 = dm.stats()
    t.ok(st1['nr_tried'] > st0['nr_tried'],
         'after the failed commits the stats still advance',
         f'{st0} -> {st1}')
    time.sleep(1)
    _, regions = dm.tried()
    bad = [r for r in regions if r.nr_accesses != 0]
    t.ok(regions and not bad, 'tried regions still match the old pattern '
         '(nr_accesses 0..0)', f'{len(regions)} regions, off pattern: '
         f'{bad[:5]}')
    t.ok(ds.state() == 'on' and ds.kdamond_pid() == pid,
         'the same kdamond is still running')


if __name__ == '__main__':
    dm.run(main)
