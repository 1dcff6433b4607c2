#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A large min_nr_regions is reached quickly, and "off" still works.

A paddr kdamond monitors the largest System RAM range with min_nr_regions
and max_nr_regions at 200,000.  The range is one region at first, which
the kdamond splits into 200,000 when it starts; every sampling interval
then visits 200,000 regions.  "on" and "off" must each return within a
few seconds, and the first aggregation must report 200,000 regions soon
after the start.
"""

import re
import time

import _damon_sysfs as ds
import _damos as dm

NR_REGIONS = 200000
# Generous bounds for a slow (emulated) machine.
ON_OFF_S = 10.0
FIRST_AGGREGATION_S = 60.0

NR_RE = re.compile(r'damon_aggregated: target_id=\d+ nr_regions=(\d+) ')


def first_nr_regions(timeout):
    """nr_regions of the first damon_aggregated event within @timeout s."""
    tracefs = ds.TRACEFS
    with open(f'{tracefs}/trace', 'w', encoding='ascii'):
        pass
    ds.must_write(f'{tracefs}/tracing_on', 1)
    ds.must_write(ds.Trace.enable_file, 1)
    found = None
    deadline = time.monotonic() + timeout
    try:
        while found is None and time.monotonic() < deadline:
            time.sleep(0.5)
            with open(f'{tracefs}/trace', encoding='ascii') as f:
                for line in f:
                    m = NR_RE.search(line)
                    if m:
                        found = int(m.group(1))
                        break
    finally:
        ds.must_write(ds.Trace.enable_file, 0)
    return found


def main(t):
    if not ds.Trace.require(t):
        ds.skip_all('tracefs is not available')
    t.set_plan(5)
    ram = dm.system_ram()
    if (ram[1] - ram[0]) // dm.PAGE < NR_REGIONS:
        ds.skip_all(f'System RAM {ram} has fewer than {NR_REGIONS} pages')
    # One sample per aggregation: the first report comes after one pass.
    ds.setup('paddr', [(None, [ram])], sample_us=100000, aggr_us=100000,
             min_nr=NR_REGIONS, max_nr=NR_REGIONS)

    t0 = time.monotonic()
    err = ds.start()
    secs = time.monotonic() - t0
    t.ok(err == 0 and secs < ON_OFF_S,
         f'"on" with min_nr_regions {NR_REGIONS} returns promptly',
         f'{ds.errname(err)} after {secs:.2f} s')
    t.diag(f'"on" took {secs:.3f} s')

    t0 = time.monotonic()
    nr = first_nr_regions(FIRST_AGGREGATION_S)
    t.ok(nr == NR_REGIONS, f'the first aggregation reports {NR_REGIONS} '
         'regions', f'it reports {nr}')
    t.diag(f'first aggregation seen {time.monotonic() - t0:.1f} s later')

    time.sleep(1)
    t0 = time.monotonic()
    err = ds.write(f'{ds.kd_dir()}/state', 'off')
    secs = time.monotonic() - t0
    t.ok(err == 0 and secs < ON_OFF_S, '"off" returns promptly',
         f'{ds.errname(err)} after {secs:.2f} s')
    t.diag(f'"off" took {secs:.3f} s')
    t.ok(ds.state() == 'off', 'the kdamond is off')

    # Right after "on", while the kdamond splits the range.
    ds.must_write(f'{ds.kd_dir()}/state', 'on')
    t0 = time.monotonic()
    err = ds.write(f'{ds.kd_dir()}/state', 'off')
    secs = time.monotonic() - t0
    t.ok(err == 0 and secs < ON_OFF_S, '"off" right after "on" returns '
         'promptly', f'{ds.errname(err)} after {secs:.2f} s')
    t.diag(f'"off" right after "on" took {secs:.3f} s')


if __name__ == '__main__':
    ds.run(main)
