#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A kdamond with several targets stops by itself only when all are gone.

Two processes are monitored by one vaddr kdamond.  Killing the first one
must not stop it; killing the second one must.  The stopped kdamond's tree
can then be pointed at a new process and started again.
"""

import time

import _damon_sysfs as ds


def main(t):
    t.set_plan(6)
    first = ds.Workload(16, 0, 4, 0)
    second = ds.Workload(16, 0, 4, 0)
    ds.setup('vaddr', [(first.pid, []), (second.pid, [])])
    err = ds.start()
    pid = ds.kdamond_pid()
    t.ok(err == 0 and ds.state() == 'on' and pid > 0,
         'kdamond monitors two processes', ds.errname(err))

    first.stop()
    time.sleep(3)
    t.ok(ds.state() == 'on' and ds.kdamond_pid() == pid and
         pid in ds.kdamond_threads(),
         'kdamond keeps running while one target is left',
         f'state {ds.state()}, pid {ds.kdamond_pid()} (was {pid})')

    second.stop()
    t.ok(ds.wait_state('off', 60) and ds.kdamond_pid() == -1,
         'kdamond stops by itself once no target is left',
         f'state {ds.state()}, pid {ds.kdamond_pid()}')
    t.ok(ds.wait_for(lambda: pid not in ds.kdamond_threads(), 20),
         'the kdamond thread is gone')

    third = ds.Workload(16, 0, 4, 0)
    ds.must_write(f'{ds.ctx_dir()}/targets/nr_targets', 1)
    ds.must_write(f'{ds.target_dir()}/pid_target', third.pid)
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on' and ds.kdamond_pid() > 0,
         'the stopped kdamond starts again on a new process',
         ds.errname(err))
    err = ds.write(f'{ds.kd_dir()}/state', 'off')
    t.ok(err == 0 and ds.state() == 'off', 'and turns off',
         ds.errname(err))


if __name__ == '__main__':
    ds.run(main)
