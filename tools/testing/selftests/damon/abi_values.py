#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every file of the admin tree takes the values of the stock 6.12 ABI.

With one kdamond, context, target, region, scheme, quota goal and filter:

- every new file reads its stock default;
- every writable file takes the boundary values tools write (0, 1, 2^32,
  the largest value of its type, its keywords) and reads them back as
  written;
- values out of its type fail with the error code of the stock ABI (ERANGE
  for a number too large, EINVAL for garbage, a negative unsigned number or
  an unknown keyword) and leave the file unchanged;
- the state commands fail with the stock error codes: on while on EBUSY, on
  without a context EINVAL, off never started EINVAL, off after the kdamond
  stopped (by off or by itself) EPERM, unknown words EINVAL, nr_kdamonds
  while running EBUSY.

What "on" and "commit" do with these values is checked by abi_commit.py.
"""

import errno
import os

import _damon_sysfs as ds

ULONG_MAX = (1 << 64) - 1
UINT_MAX = (1 << 32) - 1
INT_MAX = (1 << 31) - 1
INT_MIN = -(1 << 31)

K = ds.kd_dir()
C = ds.ctx_dir()
A = C + '/monitoring_attrs'
T = ds.target_dir()
S = C + '/schemes/0'
Q = S + '/quotas'
G = Q + '/goals/0'
W = S + '/watermarks'
F = S + '/filters/0'

GARBAGE = [('abc', errno.EINVAL), ('12abc', errno.EINVAL),
           ('1.5', errno.EINVAL), ('0x', errno.EINVAL)]
# An unsigned long, as kstrtoul() parses it.
UL_OK = ['0', '1', str(1 << 32), str(ULONG_MAX), ('0x10', '16'),
         ('010', '8')]
UL_BAD = GARBAGE + [('-1', errno.EINVAL), (str(ULONG_MAX + 1), errno.ERANGE),
                    (str(1 << 70), errno.ERANGE)]
# An unsigned int, as kstrtouint() parses it.
UINT_OK = ['0', '1', '1000', str(UINT_MAX)]
UINT_BAD = GARBAGE + [('-1', errno.EINVAL), (str(1 << 32), errno.ERANGE),
                      (str(ULONG_MAX), errno.ERANGE)]
# An int, as kstrtoint() parses it.
INT_OK = ['-1', '0', '1', str(INT_MAX), str(INT_MIN)]
INT_BAD = GARBAGE + [(str(INT_MAX + 1), errno.ERANGE),
                     (str(INT_MIN - 1), errno.ERANGE),
                     (str(ULONG_MAX), errno.ERANGE)]
# A count of numbered directories: kstrtoint(), then not negative.
NR_BAD = GARBAGE + [('-1', errno.EINVAL), (str(INT_MAX + 1), errno.ERANGE),
                    (str(ULONG_MAX), errno.ERANGE)]
BOOL_OK = [('Y', 'Y'), ('N', 'N'), ('1', 'Y'), ('0', 'N'), ('y', 'Y'),
           ('n', 'N'), ('on', 'Y'), ('off', 'N')]
BOOL_BAD = [('maybe', errno.EINVAL), ('2', errno.EINVAL)]


def words(*kw):
    return list(kw), [('no_such_word', errno.EINVAL),
                      (kw[0].upper(), errno.EINVAL), (kw[0] + 'x',
                                                      errno.EINVAL)]


ACTIONS = words('stat', 'willneed', 'cold', 'pageout', 'hugepage',
                'nohugepage', 'lru_prio', 'lru_deprio', 'migrate_hot',
                'migrate_cold')

# (file, default, accepted values, refused values).  An accepted value is
# the string written, or (written, read back).  The defaults are those of
# the stock 6.12 sysfs interface.
FILES = [
    (f'{C}/operations', 'vaddr', *words('vaddr', 'fvaddr', 'paddr')),
    (f'{A}/intervals/sample_us', '5000', UL_OK, UL_BAD),
    (f'{A}/intervals/aggr_us', '100000', UL_OK, UL_BAD),
    (f'{A}/intervals/update_us', '60000000', UL_OK, UL_BAD),
    (f'{A}/nr_regions/min', '10', UL_OK, UL_BAD),
    (f'{A}/nr_regions/max', '1000', UL_OK, UL_BAD),
    (f'{T}/pid_target', '0', INT_OK, INT_BAD),
    (f'{T}/regions/0/start', '0', UL_OK, UL_BAD),
    (f'{T}/regions/0/end', '0', UL_OK, UL_BAD),
    (f'{S}/action', 'stat', *ACTIONS),
    (f'{S}/target_nid', '-1', INT_OK, INT_BAD),
    (f'{S}/apply_interval_us', '0', UL_OK, UL_BAD),
    (f'{S}/access_pattern/sz/min', '0', UL_OK, UL_BAD),
    (f'{S}/access_pattern/sz/max', '0', UL_OK, UL_BAD),
    (f'{S}/access_pattern/nr_accesses/min', '0', UL_OK, UL_BAD),
    (f'{S}/access_pattern/nr_accesses/max', '0', UL_OK, UL_BAD),
    (f'{S}/access_pattern/age/min', '0', UL_OK, UL_BAD),
    (f'{S}/access_pattern/age/max', '0', UL_OK, UL_BAD),
    (f'{Q}/ms', '0', UL_OK, UL_BAD),
    (f'{Q}/bytes', '0', UL_OK, UL_BAD),
    (f'{Q}/reset_interval_ms', '0', UL_OK, UL_BAD),
    (f'{Q}/weights/sz_permil', '0', UINT_OK, UINT_BAD),
    (f'{Q}/weights/nr_accesses_permil', '0', UINT_OK, UINT_BAD),
    (f'{Q}/weights/age_permil', '0', UINT_OK, UINT_BAD),
    (f'{G}/target_metric', 'user_input',
     *words('user_input', 'some_mem_psi_us')),
    (f'{G}/target_value', '0', UL_OK, UL_BAD),
    (f'{G}/current_value', '0', UL_OK, UL_BAD),
    (f'{W}/metric', 'none', *words('none', 'free_mem_rate')),
    (f'{W}/interval_us', '0', UL_OK, UL_BAD),
    (f'{W}/high', '0', UL_OK, UL_BAD),
    (f'{W}/mid', '0', UL_OK, UL_BAD),
    (f'{W}/low', '0', UL_OK, UL_BAD),
    (f'{F}/type', 'anon', *words('anon', 'memcg', 'young', 'addr',
                                 'target')),
    (f'{F}/matching', 'N', BOOL_OK, BOOL_BAD),
    (f'{F}/memcg_path', '', ['/', '/a/b', ('\n', '')], []),
    (f'{F}/addr_start', '0', UL_OK, UL_BAD),
    (f'{F}/addr_end', '0', UL_OK, UL_BAD),
    (f'{F}/damon_target_idx', '0', INT_OK, INT_BAD),
]

# Read-only files and their defaults.
READ_ONLY = [
    (f'{K}/pid', '-1'),
    (f'{Q}/effective_bytes', '0'),
    (f'{S}/stats/nr_tried', '0'),
    (f'{S}/stats/sz_tried', '0'),
    (f'{S}/stats/nr_applied', '0'),
    (f'{S}/stats/sz_applied', '0'),
    (f'{S}/stats/qt_exceeds', '0'),
    (f'{S}/tried_regions/total_bytes', '0'),
]

# The nr_* files below kdamond 0, in the order they must be written, with
# the largest value each one takes (nr_contexts: one context per kdamond).
NR_FILES = [
    (f'{K}/contexts/nr_contexts', 1),
    (f'{C}/targets/nr_targets', 3),
    (f'{T}/regions/nr_regions', 3),
    (f'{C}/schemes/nr_schemes', 3),
    (f'{Q}/goals/nr_goals', 3),
    (f'{S}/filters/nr_filters', 3),
]


def short(path):
    return os.path.relpath(path, ds.ADMIN)


def build():
    """Create one of every numbered directory below kdamond 0."""
    ds.reset()
    ds.must_write(f'{ds.KDAMONDS}/nr_kdamonds', 1)
    for path, _ in NR_FILES:
        ds.must_write(path, 1)


def check_defaults(t):
    build()
    for path, default, _, _ in FILES:
        got = ds.read(path)
        t.ok(got == default, f'{short(path)} reads "{default}" when new',
             f'got "{got}"')
    for path, default in READ_ONLY:
        got = ds.read(path)
        t.ok(got == default, f'{short(path)} reads "{default}" when new',
             f'got "{got}"')
    for path, _ in NR_FILES:
        t.ok(ds.read(path) == '1', f'{short(path)} reads back 1')


def check_refused(t, path, value, want):
    before = ds.read(path)
    err = ds.write(path, value)
    after = ds.read(path)
    t.ok(err == want and after == before,
         f'{short(path)}: "{value}" fails with {ds.errname(want)}',
         f'write: {ds.errname(err)}, "{before}" -> "{after}"')


def check_files(t):
    for path, _, good, bad in FILES:
        for v in good:
            value, want = v if isinstance(v, tuple) else (v, v)
            err = ds.write(path, value)
            got = ds.read(path) if err == 0 else None
            t.ok(err == 0 and got == want,
                 f'{short(path)}: "{value}" reads back "{want}"',
                 f'write: {ds.errname(err)}, read back "{got}"')
        for value, want in bad:
            check_refused(t, path, value, want)
    for path, default in READ_ONLY:
        err = ds.write(path, '1')
        t.ok(err != 0 and ds.read(path) == default,
             f'{short(path)} is read-only', f'write: {ds.errname(err)}')


def check_nr_files(t):
    for path, largest in NR_FILES:
        for value, want in NR_BAD:
            check_refused(t, path, value, want)
        if largest == 1:
            check_refused(t, path, '2', errno.EINVAL)
        err = ds.write(path, largest)
        t.ok(err == 0 and ds.read(path) == str(largest) and
             len(ds.numbered_dirs(os.path.dirname(path))) == largest,
             f'{short(path)}: {largest} makes {largest} directories',
             f'write: {ds.errname(err)}')
        ds.must_write(path, 1)
    for value, want in NR_BAD:
        check_refused(t, f'{ds.KDAMONDS}/nr_kdamonds', value, want)


def check_state(t):
    """The state commands and their stock error codes."""
    w = ds.Workload(16, 0, 4, 0)
    ds.setup('vaddr', [(w.pid, [])])
    state = f'{K}/state'

    for word in ('foo', 'ON', 'on off', 'commitx'):
        err = ds.write(state, word)
        t.ok(err == errno.EINVAL and ds.state() == 'off',
             f'state: "{word}" fails with EINVAL', ds.errname(err))
    err = ds.write(state, 'off')
    t.ok(err == errno.EINVAL, 'off on a kdamond never started: EINVAL',
         ds.errname(err))
    for word in ('commit', 'update_schemes_stats',
                 'update_schemes_tried_regions', 'commit_schemes_quota_goals'):
        err = ds.write(state, word)
        t.ok(err == errno.EINVAL, f'{word} while off: EINVAL',
             ds.errname(err))

    ds.must_write(f'{K}/contexts/nr_contexts', 0)
    err = ds.write(state, 'on')
    t.ok(err == errno.EINVAL and ds.state() == 'off',
         'on without a context: EINVAL', ds.errname(err))
    ds.setup('vaddr', [(w.pid, [])])

    err = ds.write(state, 'on')
    t.ok(err == 0 and ds.state() == 'on', 'on: started', ds.errname(err))
    err = ds.write(state, 'on')
    t.ok(err == errno.EBUSY, 'on while on: EBUSY', ds.errname(err))
    err = ds.write(f'{ds.KDAMONDS}/nr_kdamonds', 2)
    t.ok(err == errno.EBUSY and ds.read(f'{ds.KDAMONDS}/nr_kdamonds') == '1',
         'nr_kdamonds while on: EBUSY', ds.errname(err))
    # As in stock, the context directory may be replaced while it runs.
    err = ds.write(f'{K}/contexts/nr_contexts', 1)
    t.ok(err == 0 and ds.state() == 'on', 'nr_contexts while on: accepted',
         ds.errname(err))
    ds.set_ctx('vaddr', [(w.pid, [])])
    err = ds.write(state, 'commit')
    t.ok(err == 0 and ds.state() == 'on', 'commit of the new context',
         ds.errname(err))

    err = ds.write(state, 'off')
    t.ok(err == 0 and ds.state() == 'off', 'off: stopped', ds.errname(err))
    err = ds.write(state, 'off')
    t.ok(err == errno.EPERM, 'off again: EPERM', ds.errname(err))
    err = ds.write(state, 'commit')
    t.ok(err == errno.EINVAL, 'commit after off: EINVAL', ds.errname(err))

    # A kdamond that stops by itself.
    err = ds.write(state, 'on')
    t.ok(err == 0 and ds.state() == 'on', 'on again', ds.errname(err))
    w.stop()
    t.ok(ds.wait_state('off', 60), 'the kdamond stops when its target exits')
    err = ds.write(state, 'off')
    t.ok(err == errno.EPERM, 'off after it stopped by itself: EPERM',
         ds.errname(err))
    # A failed "on" forgets the kdamond that ran before.
    err = ds.write(state, 'on')
    t.ok(err == errno.EINVAL, 'on with an exited target: EINVAL',
         ds.errname(err))
    err = ds.write(state, 'off')
    t.ok(err == errno.EINVAL, 'off after a failed on: EINVAL',
         ds.errname(err))


def main(t):
    build()
    check_defaults(t)
    check_files(t)
    check_nr_files(t)
    check_state(t)


if __name__ == '__main__':
    ds.run(main)
