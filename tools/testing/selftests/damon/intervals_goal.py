#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The sampling interval auto-tuning (monitoring_attrs/intervals/
intervals_goal/, an extension from later kernels) moves the intervals toward
the goal, within its bounds.

- the four files of intervals_goal/ exist with mode 600 and read 0 (tuning
  off), and read back what was written;
- "update_tuned_intervals" fails with EINVAL on a kdamond that is off;
- a goal whose min_sample_us is above its max_sample_us makes "on" fail
  with EINVAL;
- fvaddr on a 16 MiB buffer nobody touches, goal 1% of the access events:
  the sampling interval grows to max_sample_us, and the aggregation
  interval with it (20 samples each), as "update_tuned_intervals" shows in
  sample_us and aggr_us; every damon_monitor_intervals_tune event is within
  the bounds;
- fvaddr on a 4 MiB buffer written all the time, same goal: the sampling
  interval shrinks to min_sample_us;
- a commit with aggrs 0 turns the tuning off and gives the kdamond the
  intervals in the files (which update_tuned_intervals had overwritten).
"""

import errno
import os
import re
import time

import _damon_sysfs as ds
import _damos as dm

GOAL = f'{ds.ctx_dir()}/monitoring_attrs/intervals/intervals_goal'
INTERVALS = f'{ds.ctx_dir()}/monitoring_attrs/intervals'
NAMES = ['access_bp', 'aggrs', 'min_sample_us', 'max_sample_us']
EVENT = f'{ds.TRACEFS}/events/damon/damon_monitor_intervals_tune/enable'
TUNE_RE = re.compile(r'damon_monitor_intervals_tune: sample_us=(\d+)')
MIN_US = 2000
MAX_US = 40000


def set_goal(access_bp, aggrs, min_us, max_us):
    for name, val in zip(NAMES, (access_bp, aggrs, min_us, max_us)):
        ds.must_write(f'{GOAL}/{name}', val)


def tuned():
    """(sample_us, aggr_us) after update_tuned_intervals, or None."""
    if dm.cmd('update_tuned_intervals'):
        return None
    return (int(ds.read(f'{INTERVALS}/sample_us')),
            int(ds.read(f'{INTERVALS}/aggr_us')))


def wait_tuned(sample_us, timeout=60):
    """Wait for the tuned sampling interval to be @sample_us; return the
    last (sample_us, aggr_us) seen."""
    last = [None]

    def reached():
        last[0] = tuned()
        return last[0] is not None and last[0][0] == sample_us
    ds.wait_for(reached, timeout, 0.5)
    return last[0]


def trace_start():
    with open(f'{ds.TRACEFS}/trace', 'w', encoding='ascii'):
        pass
    ds.must_write(f'{ds.TRACEFS}/tracing_on', 1)
    ds.must_write(EVENT, 1)


def trace_stop():
    """The sample_us values of the events since trace_start()."""
    ds.must_write(EVENT, 0)
    with open(f'{ds.TRACEFS}/trace', encoding='ascii') as f:
        return [int(m[1]) for m in TUNE_RE.finditer(f.read())]


def main(t):
    t.set_plan(11)
    if not ds.Trace.require(t):
        ds.skip_all('no tracefs')
    idle = ds.Workload(16, 0, 0, 0)
    ds.setup('fvaddr', [(idle.pid, [(idle.start, idle.end)])],
             sample_us=5000, aggr_us=100000)

    modes = [os.stat(f'{GOAL}/{n}').st_mode & 0o777 for n in NAMES]
    values = [ds.read(f'{GOAL}/{n}') for n in NAMES]
    t.ok(modes == [0o600] * 4 and values == ['0'] * 4,
         'intervals_goal/ has four files of mode 600 that read 0',
         f'modes {[oct(m) for m in modes]}, values {values}')
    set_goal(100, 1, MIN_US, MAX_US)
    values = [ds.read(f'{GOAL}/{n}') for n in NAMES]
    t.ok(values == ['100', '1', str(MIN_US), str(MAX_US)],
         'the intervals_goal files read back what was written', f'{values}')
    err = dm.cmd('update_tuned_intervals')
    t.ok(err == errno.EINVAL, 'update_tuned_intervals on a kdamond that is '
         'off fails with EINVAL', ds.errname(err))

    set_goal(100, 1, MAX_US + 1, MAX_US)
    err = ds.start()
    t.ok(err == errno.EINVAL and ds.state() == 'off', 'a goal with '
         'min_sample_us above max_sample_us makes "on" fail with EINVAL',
         f'on {ds.errname(err)}, state {ds.state()}')

    set_goal(100, 1, MIN_US, MAX_US)
    trace_start()
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'fvaddr with an intervals goal '
         'starts', ds.errname(err))
    got = wait_tuned(MAX_US)
    t.ok(got == (MAX_US, MAX_US * 20), 'nothing accessed: the intervals grow '
         f'to max_sample_us, 20 samples per aggregation', f'got {got}')
    events = trace_stop()
    t.ok(events and all(MIN_US <= v <= MAX_US for v in events) and
         events[-1] == MAX_US, 'each damon_monitor_intervals_tune event is '
         'within the bounds, the last at max_sample_us', f'events {events}')

    # update_tuned_intervals wrote the tuned intervals to the files.
    set_goal(0, 0, 0, 0)
    ds.must_write(f'{INTERVALS}/sample_us', 5000)
    ds.must_write(f'{INTERVALS}/aggr_us', 100000)
    err = dm.cmd('commit')
    time.sleep(2)
    got = tuned()
    t.ok(err == 0 and got == (5000, 100000), 'a commit with aggrs 0 gives '
         'the kdamond the intervals in the files, and they stay',
         f'commit {ds.errname(err)}, intervals {got}')
    ds.reset()
    idle.stop()

    busy = ds.Workload(4, 0, 4, 0)
    ds.setup('fvaddr', [(busy.pid, [(busy.start, busy.end)])],
             sample_us=MAX_US, aggr_us=MAX_US * 20)
    set_goal(100, 1, MIN_US, MAX_US)
    trace_start()
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'fvaddr on a busy buffer with an '
         'intervals goal starts', ds.errname(err))
    got = wait_tuned(MIN_US)
    t.ok(got == (MIN_US, MIN_US * 20), 'everything accessed: the intervals '
         'shrink to min_sample_us', f'got {got}')
    events = trace_stop()
    t.ok(events and all(MIN_US <= v <= MAX_US for v in events),
         'each damon_monitor_intervals_tune event is within the bounds',
         f'events {events}')
    ds.reset()
    busy.stop()


if __name__ == '__main__':
    dm.run(main)
