#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""paddr monitoring of a physical address range.

The largest "System RAM" range of /proc/iomem is monitored while a workload
writes 32 MiB.  The kdamond must run, every reported region must lie inside
the range, the regions must cover it exactly, and some accesses must be
seen.
"""

import re
import time

import _damon_sysfs as ds


def system_ram():
    """Largest top-level System RAM range as [start, end)."""
    best = None
    with open('/proc/iomem', encoding='ascii') as f:
        for line in f:
            m = re.match(r'([0-9a-f]+)-([0-9a-f]+) : System RAM$',
                         line.rstrip())
            if not m:
                continue
            start, end = int(m.group(1), 16), int(m.group(2), 16) + 1
            if best is None or end - start > best[1] - best[0]:
                best = (start, end)
    return best


def main(t):
    if not ds.Trace.require(t):
        ds.skip_all('tracefs is not available')
    t.set_plan(6)
    ram = system_ram()
    if not ram or ram[1] - ram[0] <= 1:
        raise ds.Failure(f'no usable System RAM range in /proc/iomem: {ram}')
    t.diag(f'monitoring physical range {ram[0]:#x}-{ram[1]:#x}')
    ds.Workload(32, 0, 32, 0)
    ds.setup('paddr', [(None, [ram])], max_nr=200)
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on' and ds.kdamond_pid() > 0,
         'paddr kdamond starts', ds.errname(err))

    time.sleep(3)
    snaps = ds.Trace.collect(5)
    t.ok(len(snaps) >= 5, 'at least 5 aggregations traced',
         f'got {len(snaps)}')
    outside = [r for s in snaps for regs in s for r in regs
               if r.start < ram[0] or r.end > ram[1]]
    t.ok(snaps and not outside, 'every region is inside the range',
         f'outside: {outside[:5]}')
    sizes = {sum(r.end - r.start for regs in s for r in regs) for s in snaps}
    t.ok(sizes == {ram[1] - ram[0]}, 'regions cover the range exactly',
         f'want {ram[1] - ram[0]} bytes, got {sizes}')
    t.ok(any(r.nr_accesses > 0 for s in snaps for regs in s for r in regs),
         'some accesses are seen')
    t.ok(ds.state() == 'on', 'paddr kdamond is still running')


if __name__ == '__main__':
    ds.run(main)
