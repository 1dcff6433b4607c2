#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The deprecated debugfs interface, file by file, as its old users drive it.

Round-trips of valid values and refusals of bad ones for attrs,
target_ids, init_regions and schemes (18 numbers a scheme, as the tools
write them, 2^64-1 and clamped ages included); then a stat scheme on a
real process, turned on and off through monitor_on_DEPRECATED, whose
counts must move; EBUSY for writes while it runs and for the sysfs
interface at the same time; the end of a kdamond whose process exits,
with a reader of the schemes file racing it; mk_contexts and
rm_contexts; and inputs no tool writes.
"""

import errno
import os
import threading
import time

import _damon_sysfs as ds

DBGFS = '/sys/kernel/debug/damon'
ROOT_FILES = ['DEPRECATED', 'attrs', 'target_ids', 'init_regions',
              'schemes', 'monitor_on_DEPRECATED', 'kdamond_pid',
              'mk_contexts', 'rm_contexts']
CTX_FILES = ['attrs', 'init_regions', 'kdamond_pid', 'schemes',
             'target_ids']
U64_MAX = 2**64 - 1
UINT_MAX = 2**32 - 1
PAGE = os.sysconf('SC_PAGE_SIZE')


def path(name, ctx=None):
    return f'{DBGFS}/{ctx}/{name}' if ctx else f'{DBGFS}/{name}'


def rd(name, ctx=None):
    """The content of a file, or the errno name of a failed read."""
    try:
        with open(path(name, ctx), encoding='ascii') as f:
            return f.read()
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def wr(name, value, ctx=None):
    return ds.write(path(name, ctx), value)


def scheme_line(action=5, min_sz=0, max_sz=U64_MAX, max_acc=UINT_MAX,
                min_age=0, max_age=UINT_MAX, wmarks=(0, 0, 0, 0, 0)):
    """18 numbers: pattern, action, quota (ms sz reset), weights, wmarks."""
    return ' '.join(str(v) for v in
                    [min_sz, max_sz, 0, max_acc, min_age, max_age, action,
                     0, 0, 0, 0, 0, 0, *wmarks])


def stats(ctx=None):
    """The statistics of each line of the schemes file."""
    return [[int(v) for v in line.split()[18:]]
            for line in rd('schemes', ctx).splitlines()]


def contexts():
    return sorted(e for e in os.listdir(DBGFS)
                  if os.path.isdir(os.path.join(DBGFS, e)))


def reset():
    if rd('monitor_on_DEPRECATED').strip() == 'on':
        wr('monitor_on_DEPRECATED', 'off')
    for name in contexts():
        wr('rm_contexts', name)
    for name in ('target_ids', 'schemes', 'init_regions'):
        wr(name, '\n')
    wr('attrs', '5000 100000 1000000 10 1000')


def refuses(t, name, bad, kept):
    """Each write of @bad (value: why) fails with EINVAL; @name keeps
    reading @kept."""
    for value, why in bad.items():
        err = wr(name, value)
        t.ok(err == errno.EINVAL and rd(name) == kept,
             f'{name} refuses {why} with EINVAL and keeps its value',
             f'{ds.errname(err)}, reads {rd(name)!r}')


def empties(t, name, want):
    """An empty write succeeds, and @name then reads @want."""
    err = wr(name, '\n')
    t.ok(err == 0 and rd(name) == want, f'an empty write to {name} '
         'leaves nothing in it', f'{ds.errname(err)}, reads {rd(name)!r}')


def check_files(t):
    missing = [f for f in ROOT_FILES if not os.path.exists(path(f))]
    t.ok(not missing, 'the root directory has the 6.12 files',
         f'missing: {missing}')
    t.ok('sysfs' in rd('DEPRECATED'), 'DEPRECATED names the replacement',
         rd('DEPRECATED'))


def check_attrs(t):
    good = '5000 100000 1000000 10 1000'
    t.ok(wr('attrs', good) == 0 and rd('attrs') == good + '\n',
         'attrs reads back what was written', rd('attrs'))
    bad = {'1 2 3': 'too few numbers', 'a b c d e': 'not numbers',
           '5000 100000 1000000 2 1000': 'min_nr_regions below 3',
           '5000 100000 1000000 100 10': 'min above max regions',
           '200000 100000 1000000 10 1000': 'sampling above aggregation',
           '0 100000 1000000 10 1000': 'zero sampling interval',
           '-1 100000 1000000 10 1000': 'a negative number'}
    refuses(t, 'attrs', bad, good + '\n')


def check_target_ids(t, w):
    err = wr('target_ids', f'{w.pid}\n')
    t.ok(err == 0 and rd('target_ids') == f'{w.pid}\n',
         'target_ids reads back a live pid', f'{ds.errname(err)}, '
         f'reads {rd("target_ids")!r}')
    err = wr('target_ids', 'paddr\n')
    t.ok(err == 0 and rd('target_ids') == '42\n',
         'target_ids takes "paddr" and reads 42', f'{ds.errname(err)}, '
         f'reads {rd("target_ids")!r}')
    wr('target_ids', f'{w.pid}')
    refuses(t, 'target_ids', {ds.dead_pid(): 'the pid of an exited process',
                              'abc': 'a word', 2**40: 'a pid beyond int'},
            f'{w.pid}\n')
    empties(t, 'target_ids', '\n')


def check_init_regions(t, w):
    wr('target_ids', f'{w.pid}')
    good = f'0 {w.start} {w.hot_start}\n0 {w.hot_start} {w.end}\n'
    err = wr('init_regions', good.replace('\n', ' '))
    t.ok(err == 0 and rd('init_regions') == good,
         'init_regions reads back two ranges of target 0',
         f'{ds.errname(err)}, reads {rd("init_regions")!r}')
    bad = {f'1 {w.start} {w.end}': 'an unknown target index',
           f'42 {w.start} {w.end}': 'a pid in place of the index',
           f'0 {w.end} {w.start}': 'an inverted range',
           f'0 {w.start} {w.end} 0 {w.hot_start} {w.end}': 'overlaps',
           f'0 {w.hot_start} {w.end} 0 {w.start} {w.hot_start}':
           'ranges out of address order',
           f'0 {w.start}': 'an incomplete range'}
    refuses(t, 'init_regions', bad, good)
    err = wr('init_regions', f'0 {w.start + 1} {w.start + 100} '
             f'0 {w.start + 200} {w.start + 300}')
    t.ok(err == 0 and rd('init_regions') ==
         f'0 {w.start} {w.start + PAGE}\n',
         'sub-page ranges are widened to a page and merged',
         f'{ds.errname(err)}, reads {rd("init_regions")!r}')
    empties(t, 'init_regions', '')


def check_schemes(t):
    ones = ' '.join(['1'] * 18)
    err = wr('schemes', ones)
    t.ok(err == 0 and rd('schemes') == ones + ' 0 0 0 0 0\n',
         'schemes reads back 18 numbers and five zero statistics',
         f'{ds.errname(err)}, reads {rd("schemes")!r}')
    # damo writes 2^64-1 bytes and the age bound in aggregation intervals.
    line = scheme_line(max_age=U64_MAX // 100000)
    err = wr('schemes', line + '\n' + scheme_line(action=2) + '\n')
    lines = rd('schemes').splitlines()
    t.ok(err == 0 and len(lines) == 2 and
         lines[0].split()[:6] == ['0', str(U64_MAX), '0', str(UINT_MAX),
                                  '0', str(UINT_MAX)],
         'two schemes; 2^64-1 bytes kept, an age beyond 32 bits clamped',
         f'{ds.errname(err)}, reads {lines}')
    kept = rd('schemes')
    bad = {scheme_line(action=6): 'action 6',
           scheme_line(wmarks=(2, 0, 0, 0, 0)): 'watermark metric 2',
           scheme_line(wmarks=(1, 100, 300, 500, 100)): 'inverted marks',
           scheme_line(min_sz=8192, max_sz=4096): 'an inverted size range',
           ' '.join(['1'] * 17): '17 numbers',
           ones + ' garbage': 'trailing garbage',
           str(2**64) + ' ' + ' '.join(['1'] * 17): '2^64'}
    refuses(t, 'schemes', bad, kept)
    empties(t, 'schemes', '')


def check_on_off(t):
    w = ds.Workload(32, 8, 8, 0)
    wr('attrs', '5000 100000 1000000 10 1000')
    wr('target_ids', f'{w.pid}')
    wr('schemes', scheme_line())
    err = wr('monitor_on_DEPRECATED', 'on\n')
    pid = rd('kdamond_pid').strip()
    t.ok(err == 0 and rd('monitor_on_DEPRECATED') == 'on\n' and
         pid.isdigit() and int(pid) in ds.kdamond_threads(),
         'on starts a kdamond whose pid kdamond_pid shows',
         f'{ds.errname(err)}, kdamond_pid {pid!r}')
    t.ok(ds.wait_for(lambda: stats() and stats()[0][0] > 0, 30),
         'the stat scheme tries regions while it runs', rd('schemes'))
    busy = {'attrs': '5000 100000 1000000 10 1000',
            'target_ids': f'{w.pid}', 'init_regions': '',
            'schemes': scheme_line(), 'mk_contexts': 'foo',
            'monitor_on_DEPRECATED': 'on'}
    errs = {f: ds.errname(wr(f, v)) for f, v in busy.items()}
    t.ok(all(e == 'EBUSY' for e in errs.values()),
         'writes while it runs fail with EBUSY', errs)
    t.ok(rd('init_regions') == 'EBUSY' and
         rd('target_ids') == f'{w.pid}\n',
         'init_regions cannot be read while it runs; target_ids can',
         f'{rd("init_regions")!r}, {rd("target_ids")!r}')
    ds.setup('vaddr', [(w.pid, [])])
    err = ds.start()
    t.ok(err == errno.EBUSY, 'the sysfs interface cannot start meanwhile',
         ds.errname(err))
    ds.reset()
    err = wr('monitor_on_DEPRECATED', 'off')
    t.ok(err == 0 and rd('monitor_on_DEPRECATED') == 'off\n' and
         rd('kdamond_pid') == 'none\n' and
         ds.wait_for(lambda: int(pid) not in ds.kdamond_threads(), 20),
         'off stops it: kdamond_pid reads none, the thread is gone',
         f'{ds.errname(err)}, kdamond_pid {rd("kdamond_pid")!r}')
    t.ok(rd('target_ids') == '\n' and stats() and stats()[0][0] > 0,
         'the ended kdamond let the process go; the statistics stay',
         f'{rd("target_ids")!r}, {rd("schemes")!r}')
    err = wr('monitor_on_DEPRECATED', 'off')
    t.ok(err == errno.EPERM, 'off while off fails with EPERM',
         ds.errname(err))
    err = wr('monitor_on_DEPRECATED', 'on')
    t.ok(err == errno.EINVAL, 'on without a target fails with EINVAL',
         ds.errname(err))
    ds.setup('vaddr', [(w.pid, [])])
    ds.start()
    wr('target_ids', f'{w.pid}')
    err = wr('monitor_on_DEPRECATED', 'on')
    t.ok(err == errno.EBUSY, 'on while a sysfs kdamond runs fails with '
         'EBUSY', ds.errname(err))
    ds.reset()
    w.stop()


def check_target_exit(t):
    w = ds.Workload(16, 0, 4, 5)
    wr('target_ids', f'{w.pid}')
    wr('schemes', scheme_line())
    err = wr('monitor_on_DEPRECATED', 'on')
    errors = []
    done = threading.Event()

    def reader():
        while not done.is_set():
            text = rd('schemes')
            if not text.endswith('\n'):
                errors.append(text)

    thread = threading.Thread(target=reader)
    thread.start()
    exited = w.wait(60)
    off = ds.wait_for(
        lambda: rd('monitor_on_DEPRECATED') == 'off\n', 30)
    time.sleep(0.5)
    done.set()
    thread.join()
    t.ok(err == 0 and exited and off and rd('kdamond_pid') == 'none\n',
         'the kdamond ends by itself when its process exits',
         f'on: {ds.errname(err)}, kdamond_pid {rd("kdamond_pid")!r}')
    t.ok(not errors and rd('target_ids') == '\n',
         'reads of schemes racing the end all succeed; no target is left',
         f'failed reads: {errors[:3]}, target_ids {rd("target_ids")!r}')


def check_contexts(t):
    err = wr('mk_contexts', 'foo\n')
    files = sorted(os.listdir(path('foo'))) if os.path.isdir(path('foo')) \
        else []
    t.ok(err == 0 and files == CTX_FILES,
         'mk_contexts makes a directory with the context files',
         f'{ds.errname(err)}, files {files}')
    for value, want, why in (('foo', errno.EEXIST, 'an existing name'),
                             ('a/b', errno.EINVAL, 'a name with a slash'),
                             ('  ', errno.EINVAL, 'no name')):
        err = wr('mk_contexts', value)
        t.ok(err == want, f'mk_contexts refuses {why}', ds.errname(err))
    w = ds.Workload(16, 0, 4, 0)
    wr('target_ids', f'{w.pid}')
    err = wr('monitor_on_DEPRECATED', 'on')
    t.ok(err == errno.EINVAL, 'on fails with EINVAL while a context has '
         'no target', ds.errname(err))
    wr('target_ids', f'{w.pid}', 'foo')
    before = set(ds.kdamond_threads())
    err = wr('monitor_on_DEPRECATED', 'on')
    new = set(ds.kdamond_threads()) - before
    pids = {rd('kdamond_pid').strip(), rd('kdamond_pid', 'foo').strip()}
    t.ok(err == 0 and len(new) == 2 and pids == {str(p) for p in new},
         'on starts one kdamond per context',
         f'{ds.errname(err)}, new threads {new}, kdamond_pid {pids}')
    err = wr('rm_contexts', 'foo')
    t.ok(err == errno.EBUSY, 'rm_contexts fails with EBUSY while on',
         ds.errname(err))
    wr('monitor_on_DEPRECATED', 'off')
    err = wr('rm_contexts', 'bar')
    t.ok(err == errno.ENOENT, 'rm_contexts of an unknown name: ENOENT',
         ds.errname(err))
    err = wr('rm_contexts', 'foo')
    t.ok(err == 0 and not os.path.exists(path('foo')),
         'rm_contexts removes the directory', ds.errname(err))
    names = [f'c{i}' for i in range(100)]
    errs = [wr('mk_contexts', n) for n in names]
    made = [n for n, e in zip(names, errs) if e == 0]
    t.ok(0 < len(made) < len(names) and
         all(e == errno.ENOSPC for e in errs[len(made):]),
         'mk_contexts stops at a limit with ENOSPC',
         f'{len(made)} made, then {set(map(ds.errname, errs[len(made):]))}')
    for n in made:
        wr('rm_contexts', n)
    w.stop()


def check_bad_input(t):
    kept = rd('attrs')
    err = wr('attrs', 'x' * (1 << 20))
    t.ok(err == errno.EINVAL and rd('attrs') == kept,
         'a 1 MiB write of garbage fails with EINVAL', ds.errname(err))
    kept = rd('schemes')
    err = wr('schemes', '1 ' * (32 << 20))
    t.ok(err == errno.ENOMEM and rd('schemes') == kept,
         'a 64 MiB write fails with ENOMEM', ds.errname(err))
    fd = os.open(path('attrs'), os.O_WRONLY)
    try:
        os.lseek(fd, 3, os.SEEK_SET)
        os.write(fd, b'5000 100000 1000000 10 1000')
        err = 0
    except OSError as e:
        err = e.errno
    os.close(fd)
    t.ok(err == errno.EINVAL, 'a write at an offset fails with EINVAL',
         ds.errname(err))
    wr('target_ids', ' '.join([str(os.getpid())] * 10000))
    text = rd('target_ids')
    fd = os.open(path('target_ids'), os.O_RDONLY)
    pieces = []
    while True:
        piece = os.read(fd, 4000)
        if not piece:
            break
        pieces.append(piece.decode())
    os.close(fd)
    t.ok(len(text.split()) == 10000 and ''.join(pieces) == text,
         '10,000 targets read back whole and in 4000-byte pieces',
         f'{len(text.split())} ids')
    wr('target_ids', '\n')


def main(t):
    t.set_plan(61)
    reset()
    w = ds.Workload(16, 4, 4, 0)
    try:
        check_files(t)
        check_attrs(t)
        check_target_ids(t, w)
        check_init_regions(t, w)
        check_schemes(t)
        check_on_off(t)
        check_target_exit(t)
        check_contexts(t)
        check_bad_input(t)
    finally:
        w.stop()
        reset()


if __name__ == '__main__':
    ds.require_damon()
    if not os.path.isdir(DBGFS):
        ds.skip_all(f'{DBGFS} is missing (CONFIG_DAMON_DBGFS_DEPRECATED=n?)')
    ds.run(main)
