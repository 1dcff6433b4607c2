#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a kdamond on, commit new parameters to it while it runs, turn it
off and on again.

A workload is monitored with fvaddr on a first range.  Committing new
intervals and a second range keeps the same kdamond thread, and the
reported regions move to the new range.  A commit with min_nr_regions >
max_nr_regions fails and leaves the kdamond running.  "on" while on fails
with EBUSY.  After "off", state reads off, pid reads -1 and the thread is
gone.
"""

import errno
import os
import re

import _damon_sysfs as ds

MIB = 1 << 20
A = ds.ctx_dir() + '/monitoring_attrs'


def check_inside(t, snapshots, lo, hi, desc):
    """All regions of the snapshots are inside [lo, hi)."""
    if snapshots is None:
        t.skip(desc, 'no tracefs')
        return
    bad = [r for s in snapshots for regs in s for r in regs
           if r.start < lo or r.end > hi]
    t.ok(snapshots and not bad, desc,
         f'{len(snapshots)} snapshots, outside [{lo:#x}, {hi:#x}): '
         f'{bad[:5]}')


def thread_gone(pid):
    try:
        return not ds.read(f'/proc/{pid}/comm').startswith('kdamond')
    except OSError:
        return True


def main(t):
    t.set_plan(19)
    tracing = ds.Trace.require(t)
    w = ds.Workload(64, 0, 64, 0)
    r1 = (w.start, w.start + 16 * MIB)
    r2 = (w.start + 32 * MIB, w.start + 48 * MIB)
    ds.setup('fvaddr', [(w.pid, [r1])], max_nr=100)

    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'on: state reads on',
         f'write: {ds.errname(err)}, state {ds.state()}')
    pid = ds.kdamond_pid()
    comm = ds.read(f'/proc/{pid}/comm') if pid > 0 else None
    t.ok(pid > 0 and re.fullmatch(r'kdamond\.\d+', comm or ''),
         'pid is the kdamond thread', f'pid {pid}, comm {comm}')

    snaps = ds.Trace.collect(3)[1:] if tracing else None
    check_inside(t, snaps, *r1, 'regions stay in the first range')

    # Commit new intervals and a new range while running.
    ds.must_write(f'{A}/intervals/aggr_us', 200000)
    ds.must_write(f'{A}/intervals/update_us', 500000)
    ds.must_write(f'{ds.target_dir()}/regions/0/start', r2[0])
    ds.must_write(f'{ds.target_dir()}/regions/0/end', r2[1])
    err = ds.write(f'{ds.kd_dir()}/state', 'commit')
    t.ok(err == 0, 'commit of new intervals and range succeeds',
         ds.errname(err))
    t.ok(ds.state() == 'on' and ds.kdamond_pid() == pid,
         'kdamond keeps running with the same pid after commit',
         f'state {ds.state()}, pid {ds.kdamond_pid()} (was {pid})')
    t.ok(ds.read(f'{A}/intervals/aggr_us') == '200000',
         'committed aggr_us reads back')
    snaps = ds.Trace.collect(4)[1:] if tracing else None
    check_inside(t, snaps, *r2, 'regions move to the committed range')

    # A commit of inconsistent attributes fails and changes nothing.
    ds.must_write(f'{A}/nr_regions/min', 50)
    ds.must_write(f'{A}/nr_regions/max', 20)
    err = ds.write(f'{ds.kd_dir()}/state', 'commit')
    t.ok(err != 0, 'commit with min_nr_regions > max_nr_regions fails',
         'commit succeeded')
    t.ok(ds.state() == 'on' and ds.kdamond_pid() == pid and
         not thread_gone(pid),
         'kdamond keeps running after the failed commit',
         f'state {ds.state()}, pid {ds.kdamond_pid()} (was {pid})')
    snaps = ds.Trace.collect(3)[1:] if tracing else None
    check_inside(t, snaps, *r2, 'failed commit keeps the running range')
    ds.must_write(f'{A}/nr_regions/min', 10)
    ds.must_write(f'{A}/nr_regions/max', 100)
    err = ds.write(f'{ds.kd_dir()}/state', 'commit')
    t.ok(err == 0, 'commit of fixed attributes succeeds', ds.errname(err))

    err = ds.start()
    t.ok(err == errno.EBUSY and ds.kdamond_pid() == pid,
         'on while on fails with EBUSY', f'write: {ds.errname(err)}')

    err = ds.write(f'{ds.kd_dir()}/state', 'off')
    t.ok(err == 0 and ds.state() == 'off', 'off: state reads off',
         f'write: {ds.errname(err)}, state {ds.state()}')
    t.ok(ds.kdamond_pid() == -1, 'pid reads -1 after off',
         f'pid {ds.kdamond_pid()}')
    t.ok(ds.wait_for(lambda: thread_gone(pid), 20),
         'the kdamond thread is gone after off')

    err = ds.write(f'{ds.kd_dir()}/state', 'commit')
    t.ok(err != 0 and ds.state() == 'off', 'commit while off fails',
         f'write: {ds.errname(err)}, state {ds.state()}')

    # On and off again with the same tree.
    err = ds.start()
    pid2 = ds.kdamond_pid()
    t.ok(err == 0 and ds.state() == 'on' and pid2 > 0,
         'second on succeeds', f'write: {ds.errname(err)}, pid {pid2}')
    t.ok(os.path.exists(f'/proc/{pid2}') and pid2 in ds.kdamond_threads(),
         'second kdamond thread exists')
    err = ds.write(f'{ds.kd_dir()}/state', 'off')
    t.ok(err == 0 and ds.state() == 'off' and ds.kdamond_pid() == -1,
         'second off succeeds', f'write: {ds.errname(err)}')


if __name__ == '__main__':
    ds.run(main)
