#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""When its only monitored process exits, the kdamond ends by itself.

A workload that lives for a few seconds is monitored with vaddr.  After it
exits, state must read off, pid -1, and the thread must be gone, without
anyone writing "off".
"""

import _damon_sysfs as ds

LIFETIME = 6


def main(t):
    t.set_plan(4)
    w = ds.Workload(16, 0, 4, LIFETIME)
    ds.setup('vaddr', [(w.pid, [])])
    err = ds.start()
    pid = ds.kdamond_pid()
    t.ok(err == 0 and w.alive() and ds.state() == 'on' and pid > 0,
         'kdamond runs while the workload lives',
         f'write: {ds.errname(err)}, workload alive {w.alive()}, pid {pid}')

    t.ok(w.wait(60), 'workload exits by itself')
    off = ds.wait_state('off', 60)
    t.ok(off and ds.kdamond_pid() == -1,
         'state reads off and pid -1 after the target exits',
         f'state {ds.state()}, pid {ds.kdamond_pid()}')
    t.ok(ds.wait_for(lambda: pid not in ds.kdamond_threads(), 20),
         'the kdamond thread is gone')


if __name__ == '__main__':
    ds.run(main)
