#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Intervals near the top of their range saturate instead of wrapping.

With sample_us, aggr_us and update_us at 2^63 and at 2^64 - 1, the kdamond
must sleep through its sampling interval, not spin: it may use at most a
tenth of a CPU.  "off" must still return at once.  A time quota as large as
2^44 + 1 ms means no limit (effective_bytes reads 0), not a quota that
wrapped around to a few bytes.
"""

import os
import time

import _damon_sysfs as ds
import _damos as dm

MAX_CPU_SHARE = 0.1
OFF_S = 3.0


def cpu_seconds(pid):
    with open(f'/proc/{pid}/stat', encoding='ascii') as f:
        fields = f.read().rpartition(')')[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def main(t):
    t.set_plan(9)
    work = ds.Workload(16, 0, 4, 0)
    for us in (1 << 63, dm.ULONG_MAX):
        ds.setup('vaddr', [(work.pid, [])], sample_us=us, aggr_us=us,
                 update_us=us)
        err = ds.start()
        t.ok(err == 0 and ds.state() == 'on',
             f'a kdamond with {us} us intervals starts', ds.errname(err))
        pid = ds.kdamond_pid()
        time.sleep(0.5)
        c0, t0 = cpu_seconds(pid), time.monotonic()
        time.sleep(2)
        share = (cpu_seconds(pid) - c0) / (time.monotonic() - t0)
        t.diag(f'the kdamond used {share:.3f} of a CPU')
        t.ok(share < MAX_CPU_SHARE, 'and sleeps instead of spinning',
             f'it used {share:.2f} of a CPU')
        t0 = time.monotonic()
        err = ds.write(f'{ds.kd_dir()}/state', 'off')
        secs = time.monotonic() - t0
        t.diag(f'"off" took {secs:.3f} s')
        t.ok(err == 0 and secs < OFF_S, '"off" returns at once',
             f'{ds.errname(err)} after {secs:.2f} s')

    ds.setup('vaddr', [(work.pid, [])])
    dm.set_schemes([dm.Scheme('stat', quota={'ms': (1 << 44) + 1,
                                             'reset_ms': 100})])
    err = ds.start()
    t.ok(err == 0, 'a scheme with a huge time quota starts',
         ds.errname(err))
    time.sleep(1)
    esz = dm.effective_bytes()
    # As in stock, a quota too large to compute shows as it is, 2^64 - 1.
    t.ok(esz == 2**64 - 1, 'its effective quota is no limit',
         f'effective_bytes reads {esz}')
    t.ok(ds.write(f'{ds.kd_dir()}/state', 'off') == 0, 'and it turns off')


if __name__ == '__main__':
    dm.run(main)
