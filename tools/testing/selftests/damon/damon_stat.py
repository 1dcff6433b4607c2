#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""DAMON_STAT (from later kernels) sums the physical memory's access pattern
up in read-only module parameters, cheaply.

- the parameters exist with their modes; "enabled" reads N;
- "enabled" Y starts one kdamond, and a sysfs kdamond then cannot start
  (EBUSY): both would sample the same Accessed bits;
- with a workload that writes 256 MiB all the time, once results of an
  aggregation interval that saw it are out (up to four of the intervals,
  which the auto-tuning may have grown), the bandwidth estimate is above
  32 MiB/s and the least idle memory shows a negative idle time (accessed
  for that long) in one of the results seen (not necessarily the last: a
  region whose access count just changed has age 0, hence an idle time
  of 0);
- once the workload is gone, the estimate falls below a quarter of the
  busy one within four aggregation intervals and stays there over 12 s,
  in which aggr_interval_us is positive, the 101
  memory_idle_ms_percentiles do not decrease, and the kdamond uses little
  CPU (printed; the bound is generous);
- "enabled" N stops the kdamond.
"""

import errno
import os
import time

import _damon_sysfs as ds
import _damos as dm

PARAMS = '/sys/module/damon_stat/parameters'
FILES = {'enabled': 0o600, 'estimated_memory_bandwidth': 0o400,
         'memory_idle_ms_percentiles': 0o400, 'aggr_interval_us': 0o400}
BUSY_SECS = 6
QUIET_SECS = 12
# The workload writes 256 MiB all the time; a quiet guest's estimate stays
# below a few MiB/s.
BUSY_FLOOR = 32 << 20


def param(name):
    return ds.read(f'{PARAMS}/{name}')


def percentiles():
    return [int(v) for v in param('memory_idle_ms_percentiles').split(',')]


def cpu_ticks(pid):
    with open(f'/proc/{pid}/stat', encoding='ascii') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return int(fields[11]) + int(fields[12])


def phase_limit():
    """How long to wait for results that saw a change: four aggregation
    intervals, within 60 s and 600 s."""
    return min(max(60, 4 * int(param('aggr_interval_us')) / 1e6), 600)


def bandwidth_over(secs):
    """The mean of the bandwidth estimate, read every half second."""
    vals = []
    end = time.monotonic() + secs
    while time.monotonic() < end:
        vals.append(int(param('estimated_memory_bandwidth')))
        time.sleep(0.5)
    return sum(vals) / len(vals)


def main(t):
    if not os.path.isdir(PARAMS):
        ds.skip_all('no DAMON_STAT (CONFIG_DAMON_STAT)')
    t.set_plan(8)
    ds.reset()
    modes = {n: os.stat(f'{PARAMS}/{n}').st_mode & 0o777 for n in FILES}
    t.ok(modes == FILES and param('enabled') == 'N', 'the parameters exist '
         'with their modes, and enabled reads N', f'{modes}')

    before = set(ds.kdamond_threads())
    ds.must_write(f'{PARAMS}/enabled', 'Y')
    try:
        new = set(ds.kdamond_threads()) - before
        t.ok(param('enabled') == 'Y' and len(new) == 1, 'enabled Y starts '
             'one kdamond', f'enabled {param("enabled")}, new {new}')
        pid = new.pop() if new else None

        ds.setup('paddr', [(None, [dm.system_ram()])])
        err = ds.start()
        t.ok(err == errno.EBUSY, 'a sysfs kdamond cannot start while '
             'DAMON_STAT runs', ds.errname(err))
        ds.reset()

        # The results change once per aggregation interval, which the
        # auto-tuning grows to seconds when few pages are accessed (tens
        # of seconds under TCG, where even the workload's sweeps are
        # slow): each phase waits for the first results that saw it, up
        # to a few aggregation intervals.
        w = ds.Workload(256, 0, 256, 0)
        t0 = time.monotonic()
        least = []

        def busy_seen():
            least.append(percentiles()[0])
            return int(param('estimated_memory_bandwidth')) > BUSY_FLOOR \
                and least[-1] < 0

        ds.wait_for(busy_seen, phase_limit(), 0.5)
        busy = bandwidth_over(BUSY_SECS)
        pcts = percentiles()
        least.append(pcts[0])
        t.diag(f'busy: bandwidth {busy / dm.MIB:.1f} MiB/s, idle ms at '
               f'0/50/100%: {pcts[0]}/{pcts[50]}/{pcts[100]}, aggregation '
               f'{param("aggr_interval_us")} us, first seen after '
               f'{time.monotonic() - t0:.0f} s')
        w.stop()
        # An accessed region whose access count just changed has age 0,
        # hence an idle time of 0: look at every snapshot of the phase.
        t.ok(min(least) < 0, 'the least idle memory has been accessed '
             '(negative idle time)', f'least idle times seen {least}, '
             f'last percentiles {pcts}')

        t0 = time.monotonic()
        dropped = ds.wait_for(
            lambda: 4 * int(param('estimated_memory_bandwidth')) < busy,
            phase_limit(), 0.5)
        t.diag(f'the estimate fell after {time.monotonic() - t0:.0f} s')
        ticks0 = cpu_ticks(pid) if pid else 0
        quiet = bandwidth_over(QUIET_SECS)
        ticks = cpu_ticks(pid) - ticks0 if pid else 0
        share = ticks / os.sysconf('SC_CLK_TCK') / QUIET_SECS
        pcts = percentiles()
        aggr = int(param('aggr_interval_us'))
        t.diag(f'quiet: kdamond CPU {share * 100:.1f}% of one CPU, '
               f'bandwidth {quiet / dm.MIB:.1f} MiB/s, aggregation '
               f'{aggr} us, idle ms at 0/50/100%: {pcts[0]}/{pcts[50]}/'
               f'{pcts[100]}')
        t.ok(aggr > 0 and len(pcts) == 101 and
             all(a <= b for a, b in zip(pcts, pcts[1:])),
             'aggr_interval_us is positive and the 101 percentiles do not '
             'decrease', f'aggr {aggr}, percentiles {pcts}')
        t.ok(pid and share < 0.25, 'the kdamond takes little CPU on a quiet '
             'system', f'{share * 100:.1f}% of one CPU')
        t.ok(busy > BUSY_FLOOR and dropped and busy > 4 * quiet,
             'the bandwidth estimate of the workload is above 32 MiB/s, and '
             'falls well below that once the workload is gone',
             f'busy {busy:.0f}, quiet {quiet:.0f} bytes/s')
    finally:
        ds.write(f'{PARAMS}/enabled', 'N')
    gone = ds.wait_for(lambda: not set(ds.kdamond_threads()) - before, 30)
    t.ok(gone and param('enabled') == 'N', 'enabled N stops the kdamond',
         f'enabled {param("enabled")}, threads {ds.kdamond_threads()}')


if __name__ == '__main__':
    dm.run(main)
