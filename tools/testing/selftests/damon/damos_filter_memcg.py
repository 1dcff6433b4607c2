#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The "memcg" filter limits a paddr "pageout" by memory cgroup.

With swap on zram, a paddr scheme pages out every cold region of the
system RAM.  One workload (_damos_buffers.py, 32 MiB of cold anonymous
memory) runs in a cgroup v2 child with the memory controller, another one
outside of it.  The scheme has an anon filter, matching N, after the memcg
one, so that it pages out anonymous memory only:

1. "on" with a memcg_path that does not exist fails with EINVAL (or the
   write of the path does), and nothing runs;
2. filter memcg, matching N (pages outside the cgroup are excluded): the
   RssAnon of the workload inside drops by more than half of its buffer,
   the one outside stays (>= 90%);
3. committed matching Y (pages of the cgroup are excluded): the workload
   outside is paged out, a fresh one inside stays;
4. a commit with a memcg_path that does not exist fails with EINVAL and
   the kdamond keeps running its old scheme: same pid, the action reads
   back, and the stats still advance.
"""

import errno
import time

import _damon_sysfs as ds
import _damos as dm

BUF_MIB = 32
HALF = BUF_MIB * dm.MIB // 2
BAD_PATH = '/damos_selftest_no_such_cgroup'
FILTER = f'{dm.scheme_dir()}/filters/0'


def scheme(matching, path):
    # The anon filter keeps the page cache out: with matching Y, the memcg
    # filter alone lets the scheme page out every other cold page of the
    # system, and the test's own processes then fault theirs back in for
    # minutes on the debug kernel.
    return dm.Scheme('pageout', sz=(4096, dm.ULONG_MAX), nr=(0, 0),
                     age=(5, dm.UINT_MAX),
                     filters=[dm.Filter('memcg', matching, path),
                              dm.Filter('anon', False)])


def set_bad_path():
    """Write a memcg_path that does not exist; return the write's errno."""
    dm.set_schemes([scheme(False, '/')])
    return ds.write(f'{FILTER}/memcg_path', BAD_PATH)


def drops(w, before, timeout=45):
    """Wait for the RssAnon of @w to drop by HALF from @before."""
    return ds.wait_for(lambda: before - dm.rss(w.pid, 'RssAnon') > HALF,
                       timeout, 1)


def main(t):
    why = dm.Cgroup.available() or dm.Zram.setup(512)
    if why:
        ds.skip_all(why)
    t.set_plan(11)
    cg = dm.Cgroup('damos_selftest_memcg').create()
    ram = dm.system_ram()

    ds.setup('paddr', [(None, [ram])], max_nr=200)
    werr = set_bad_path()
    err = werr or ds.start()
    t.ok(err == errno.EINVAL and ds.state() == 'off',
         'a memcg_path that does not exist fails with EINVAL',
         f'memcg_path write {ds.errname(werr)}, on {ds.errname(err)}, '
         f'state {ds.state()}')

    t0 = time.monotonic()
    inside = dm.Buffers(BUF_MIB, 1, cg.path)
    t1 = time.monotonic()
    outside = dm.Buffers(BUF_MIB, 1)
    t2 = time.monotonic()
    in0 = dm.rss(inside.pid, 'RssAnon')
    out0 = dm.rss(outside.pid, 'RssAnon')
    dm.set_schemes([scheme(False, cg.memcg_path)])
    t3 = time.monotonic()
    err = ds.start()
    t.diag(f'workload in the cgroup started in {t1 - t0:.1f}s, the other '
           f'in {t2 - t1:.1f}s; schemes written in {t3 - t2:.1f}s, "on" '
           f'took {time.monotonic() - t3:.1f}s')
    t.ok(err == 0 and ds.state() == 'on', 'paddr pageout scheme with a memcg '
         'filter starts', ds.errname(err))
    pid = ds.kdamond_pid()
    t.ok(drops(inside, in0),
         'only the cgroup: the workload inside is paged out')
    time.sleep(3)
    out1 = dm.rss(outside.pid, 'RssAnon')
    t.ok(out1 >= out0 * 0.9, 'only the cgroup: the workload outside stays',
         f'RssAnon {out0 // dm.KIB} -> {out1 // dm.KIB} kB')

    out2 = dm.rss(outside.pid, 'RssAnon')
    dm.set_schemes([scheme(True, cg.memcg_path)])
    err = dm.cmd('commit')
    t.ok(err == 0 and ds.state() == 'on', 'commit of memcg, matching Y',
         ds.errname(err))
    inside2 = dm.Buffers(BUF_MIB, 1, cg.path)
    in0 = dm.rss(inside2.pid, 'RssAnon')
    t.ok(drops(outside, out2),
         'cgroup excluded: the workload outside is paged out')
    time.sleep(3)
    in1 = dm.rss(inside2.pid, 'RssAnon')
    t.ok(in1 >= in0 * 0.9, 'cgroup excluded: a workload inside stays',
         f'RssAnon {in0 // dm.KIB} -> {in1 // dm.KIB} kB')

    werr = ds.write(f'{FILTER}/memcg_path', BAD_PATH)
    err = werr or dm.cmd('commit')
    t.ok(err == errno.EINVAL, 'commit of a memcg_path that does not exist '
         'fails with EINVAL', f'memcg_path write {ds.errname(werr)}, '
         f'commit {ds.errname(err)}')
    t.ok(ds.state() == 'on' and ds.kdamond_pid() == pid,
         'the kdamond keeps running after the failed commit',
         f'state {ds.state()}, pid {ds.kdamond_pid()} (was {pid})')
    t.ok(ds.read(f'{dm.scheme_dir()}/action') == 'pageout',
         'the action reads back')
    st0 = dm.stats()
    time.sleep(2)
    st1 = dm.stats()
    t.ok(st1['nr_tried'] > st0['nr_tried'],
         'the old scheme still runs: nr_tried advances',
         f'{st0} -> {st1}')


if __name__ == '__main__':
    dm.run(main)
