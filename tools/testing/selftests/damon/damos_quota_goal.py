#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A user_input quota goal tunes effective_bytes in the right direction.

A vaddr "stat" scheme has no size or time quota but one user_input goal
(target_value 10000) and a reset interval of 100 ms.  While the fed-in
current_value (9000) is below the target, effective_bytes must grow; once
current_value (15000) is above it, effective_bytes must shrink below its
last value before that feed.  Only the direction is checked, over several
seconds of feedback each.
"""

import time

import _damon_sysfs as ds
import _damos as dm

TARGET = 10000
GOAL = f'{dm.scheme_dir()}/quotas/goals/0'


def feed(current):
    ds.must_write(f'{GOAL}/current_value', current)
    dm.must_cmd('commit_schemes_quota_goals')


def trend(t, secs):
    """effective_bytes every 0.5 s for @secs seconds."""
    vals = []
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        vals.append(dm.effective_bytes())
        time.sleep(0.5)
    t.diag('effective_bytes: ' + ' '.join(str(v) for v in vals))
    return vals


def main(t):
    t.set_plan(5)
    w = ds.Workload(64, 24, 8, 0)
    ds.setup('vaddr', [(w.pid, [])], sample_us=5000, aggr_us=100000)
    dm.set_schemes([dm.Scheme('stat', quota={'reset_ms': 100},
                              goals=[('user_input', TARGET, 0)])])
    t.ok(ds.read(f'{GOAL}/target_metric') == 'user_input' and
         ds.read(f'{GOAL}/target_value') == str(TARGET),
         'the goal reads back')
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'kdamond with a quota goal starts',
         ds.errname(err))

    ds.must_write(f'{GOAL}/current_value', TARGET * 9 // 10)
    err = dm.cmd('commit_schemes_quota_goals')
    t.ok(err == 0, 'commit_schemes_quota_goals succeeds', ds.errname(err))
    up = trend(t, 6)
    # The first value may predate the first quota window.
    t.ok(len(up) >= 3 and up[-1] > up[1],
         'effective_bytes grows while current_value < target_value',
         f'{up[1:2]} -> {up[-1:]}')

    feed(TARGET * 3 // 2)
    down = [up[-1]] + trend(t, 4)
    t.ok(len(down) >= 2 and down[-1] < down[0],
         'effective_bytes shrinks while current_value > target_value',
         f'{down[0]} -> {down[-1]}')


if __name__ == '__main__':
    dm.run(main)
