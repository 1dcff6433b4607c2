#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A paddr "stat" scheme without filters costs nothing per page.

A paddr kdamond monitors the largest System RAM range with at most 100
regions, first without a scheme, then with a "stat" scheme that matches
every region at every aggregation, the way tools snapshot the monitoring
results.  The scheme only counts the regions it tries: the kdamond's CPU
time must not grow by more than a tenth of a CPU, whatever the size of the
memory.  The stats must show that the scheme was applied to all of it.
"""

import os
import time

import _damon_sysfs as ds
import _damos as dm

MEASURE_S = 5.0
AGGR_US = 100000
MAX_EXTRA_CPU_SHARE = 0.1


def cpu_seconds(pid):
    with open(f'/proc/{pid}/stat', encoding='ascii') as f:
        fields = f.read().rpartition(')')[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def cpu_share(pid, secs):
    c0, t0 = cpu_seconds(pid), time.monotonic()
    time.sleep(secs)
    return (cpu_seconds(pid) - c0) / (time.monotonic() - t0)


def main(t):
    t.set_plan(4)
    ram = dm.system_ram()
    size = ram[1] - ram[0]
    t.diag(f'monitoring {size >> 20} MiB of physical memory')
    ds.setup('paddr', [(None, [ram])], aggr_us=AGGR_US, max_nr=100)
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'paddr kdamond starts',
         ds.errname(err))
    pid = ds.kdamond_pid()
    time.sleep(1)
    base = cpu_share(pid, MEASURE_S)

    dm.set_schemes([dm.Scheme('stat')])
    err = dm.cmd('commit')
    t.ok(err == 0, 'a stat scheme over all of it is committed',
         ds.errname(err))
    time.sleep(1)
    st0 = dm.stats()
    t0 = time.monotonic()
    share = cpu_share(pid, MEASURE_S)
    st1 = dm.stats()
    secs = time.monotonic() - t0
    passes = (st1['sz_tried'] - st0['sz_tried']) / size
    t.diag(f'kdamond CPU: {base:.3f} without the scheme, {share:.3f} '
           'with it')
    if passes:
        extra_ms = max(share - base, 0) * secs * 1000 / passes
        t.diag(f'{passes:.1f} passes over all of it, {extra_ms:.2f} ms of '
               'CPU each')
    t.ok(passes >= 0.5 * secs * 1e6 / AGGR_US,
         'the scheme tries all the memory at each aggregation',
         f'{passes:.1f} passes in {secs:.1f} s')
    t.ok(share - base < MAX_EXTRA_CPU_SHARE,
         f'the scheme costs less than {MAX_EXTRA_CPU_SHARE} of a CPU',
         f'{base:.3f} -> {share:.3f}')


if __name__ == '__main__':
    dm.run(main)
