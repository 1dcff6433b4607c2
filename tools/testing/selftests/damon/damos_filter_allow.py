#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Allow filters (filters/<F>/allow, from later kernels) let exactly the
memory they allow into a scheme.

One fvaddr target on a 64 MiB buffer, with a "stat" scheme over every
region and "addr" filters on offsets of the buffer (in MiB).  Regions the
core filters keep out do not count as tried, so the tried regions show what
the filters let in:

- allow [16, 40): only the range, as the last filter allows;
- allow [16, 40), then reject [48, 56): all but [48, 56), as memory no
  filter decides for passes when the last filter rejects;
- reject [16, 40), then allow [8, 48): [8, 16) and [40, 48), as the first
  filter that decides wins;
- allow all but [16, 40) (matching N): all but the range.

"allow" reads "N" in a new filter, reads back what was written, and
refuses what is not a boolean.
"""

import errno
import time

import _damon_sysfs as ds
import _damos as dm

MIB = dm.MIB


def overlap(regions, lo, hi):
    return sum(ds.overlap(r.start, r.end, lo, hi) for r in regions)


def main(t):
    t.set_plan(10)
    w = ds.Workload(64, 0, 0, 0)

    def rng(lo, hi):
        return (w.start + lo * MIB, w.start + hi * MIB)

    def allow(lo, hi, matching=True):
        return dm.Filter('addr', matching, rng(lo, hi), allow=True)

    def reject(lo, hi):
        return dm.Filter('addr', True, rng(lo, hi), allow=False)

    def tried(desc, filters, want_mib, kept_out):
        """Commit @filters, then check that @want_mib MiB are tried, none
        of them in the (lo, hi) MiB ranges of @kept_out."""
        dm.set_schemes([dm.Scheme('stat', filters=filters)])
        err = dm.cmd('commit')
        time.sleep(1.5)
        total, regions = dm.tried()
        out = sum(overlap(regions, *rng(lo, hi)) for lo, hi in kept_out)
        t.diag(f'{desc}: {len(regions)} regions, {total} bytes')
        t.ok(err == 0 and total == want_mib * MIB and out == 0 and
             all(w.start <= r.start and r.end <= w.end for r in regions),
             f'{desc}: {want_mib} MiB tried',
             f'commit {ds.errname(err)}, tried {total} bytes, '
             f'{out} bytes where none should be')

    ds.setup('fvaddr', [(w.pid, [(w.start, w.end)])], max_nr=100)
    dm.set_schemes([dm.Scheme('stat', filters=[dm.Filter('addr', True,
                                                         rng(16, 40))])])
    fdir = f'{dm.scheme_dir()}/filters/0'
    t.ok(ds.read(f'{fdir}/allow') == 'N', 'a new filter does not allow',
         ds.read(f'{fdir}/allow'))
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'kdamond with a reject filter '
         'starts', ds.errname(err))
    time.sleep(1.5)
    total, regions = dm.tried()
    t.ok(total == 40 * MIB and overlap(regions, *rng(16, 40)) == 0,
         'reject [16, 40): the rest is tried, as in 6.12',
         f'tried {total} bytes')

    tried('allow [16, 40)', [allow(16, 40)], 24, [(0, 16), (40, 64)])
    t.ok(ds.read(f'{fdir}/allow') == 'Y', '"allow" reads back Y',
         ds.read(f'{fdir}/allow'))
    tried('allow [16, 40), reject [48, 56)', [allow(16, 40), reject(48, 56)],
          56, [(48, 56)])
    tried('reject [16, 40), allow [8, 48)', [reject(16, 40), allow(8, 48)],
          16, [(0, 8), (16, 40), (48, 64)])
    tried('allow all but [16, 40)', [allow(16, 40, matching=False)], 40,
          [(16, 40)])

    err = ds.write(f'{fdir}/allow', '0')
    got = ds.read(f'{fdir}/allow')
    t.ok(err == 0 and got == 'N', '"allow" takes "0" as N',
         f'{ds.errname(err)}, reads {got}')
    err = ds.write(f'{fdir}/allow', 'maybe')
    got = ds.read(f'{fdir}/allow')
    t.ok(err == errno.EINVAL and got == 'N', '"allow" refuses "maybe" with '
         'EINVAL and keeps its value', f'{ds.errname(err)}, reads {got}')

if __name__ == '__main__':
    dm.run(main)
