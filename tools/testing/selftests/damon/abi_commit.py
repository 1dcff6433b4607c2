#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
""""on" and "commit" take the boundary values of the stock 6.12 ABI.

A vaddr kdamond monitors a workload with a hot range, with one "stat"
scheme written the way damo writes an "every region" scheme: size up to
ULONG_MAX, nr_accesses up to ULONG_MAX, age up to ULONG_MAX microseconds
divided by the aggregation interval, a reset interval of ULONG_MAX.  "on"
must succeed.

Then each case writes boundary values to some files of the running tree
and commits.  The commit must succeed (or fail with the stock error code,
for the few settings stock also refuses or this implementation documents
as refused), the kdamond must keep running, the files must read back what
was written, and where the effect is observable the running scheme must
behave as the values mean: through its tried regions (total_bytes, or the
access counts of the tried regions) or through whether its stats advance.
Before each case the base setting is committed again.

Last, "on" with many boundary values at once must succeed.
"""

import errno

import _damon_sysfs as ds
import _damos as dm

ULONG_MAX = (1 << 64) - 1
UINT_MAX = (1 << 32) - 1
INT_MAX = (1 << 31) - 1
INT_MIN = -(1 << 31)

C = ds.ctx_dir()
A = C + '/monitoring_attrs'
T = ds.target_dir()
S = dm.scheme_dir()
P = S + '/access_pattern'
Q = S + '/quotas'
W = S + '/watermarks'
F = S + '/filters/0'

AGGR_US = 100000

# The base scheme and attributes, as damo writes them.
BASE = [
    (f'{A}/intervals/sample_us', 5000),
    (f'{A}/intervals/aggr_us', AGGR_US),
    (f'{A}/intervals/update_us', 1000000),
    (f'{A}/nr_regions/min', 10),
    (f'{A}/nr_regions/max', 1000),
    (f'{T}/regions/nr_regions', 0),
    (f'{C}/schemes/nr_schemes', 1),
    (f'{S}/action', 'stat'),
    (f'{S}/apply_interval_us', 0),
    (f'{S}/target_nid', -1),
    (f'{P}/sz/min', 0),
    (f'{P}/sz/max', ULONG_MAX),
    (f'{P}/nr_accesses/min', 0),
    (f'{P}/nr_accesses/max', ULONG_MAX),
    (f'{P}/age/min', 0),
    (f'{P}/age/max', ULONG_MAX // AGGR_US),
    (f'{Q}/ms', 0),
    (f'{Q}/bytes', 0),
    (f'{Q}/reset_interval_ms', ULONG_MAX),
    (f'{Q}/weights/sz_permil', 0),
    (f'{Q}/weights/nr_accesses_permil', 0),
    (f'{Q}/weights/age_permil', 0),
    (f'{Q}/goals/nr_goals', 0),
    (f'{W}/metric', 'none'),
    (f'{W}/interval_us', 0),
    (f'{W}/high', 0),
    (f'{W}/mid', 0),
    (f'{W}/low', 0),
    (f'{S}/filters/nr_filters', 0),
]


def write_all(pairs):
    for path, value in pairs:
        ds.must_write(path, value)


# === what a case checks after its commit ===

def tried_total(nonzero):
    """total_bytes of the tried regions is (non)zero."""
    def check():
        total, regions = dm.tried()
        ok = (total > 0) == nonzero
        return ok, f'total_bytes {total}, {len(regions)} regions'
    return check


def tried_hot():
    """Some tried region has been found accessed: the hot range."""
    def check():
        for _ in range(10):
            total, regions = dm.tried()
            if any(r.nr_accesses > 0 for r in regions):
                return True, ''
        return False, f'total_bytes {total}, no accessed region in ' \
            f'{regions[:8]}'
    return check


def tried_above(sz):
    def check():
        total, _ = dm.tried()
        return total >= sz, f'total_bytes {total}'
    return check


def advances(yes, secs=1.0):
    """nr_tried does (not) advance over @secs."""
    def check():
        ds.wait_for(lambda: False, 0.3)
        before = dm.stats()
        ds.wait_for(lambda: False, secs)
        after = dm.stats()
        ok = (after['nr_tried'] > before['nr_tried']) == yes
        return ok, f'{before} -> {after}'
    return check


def quota_runs_out():
    """Nothing is tried, and windows run out."""
    def check():
        ds.wait_for(lambda: False, 0.5)
        before = dm.stats()
        ds.wait_for(lambda: False, 1.0)
        after = dm.stats()
        ok = (after['nr_tried'] == before['nr_tried'] and
              after['qt_exceeds'] > before['qt_exceeds'])
        return ok, f'{before} -> {after}'
    return check


def esz_is(want):
    def check():
        ds.wait_for(lambda: False, 0.5)
        got = dm.effective_bytes()
        return got == want, f'effective_bytes {got}'
    return check


def commands_work(*words):
    def check():
        errs = {w: dm.cmd(w) for w in words}
        return not any(errs.values()), f'{errs}'
    return check


def both(*checks):
    def check():
        whys = []
        for c in checks:
            ok, why = c()
            whys.append(why)
            if not ok:
                return False, '; '.join(whys)
        return True, ''
    return check


# === the cases: (description, writes, commit errno, check) ===

NOTHING = [(f'{P}/sz/max', 0)]


def cases():
    cs = [
        ('nr_accesses max 2^32: no upper bound',
         [(f'{P}/nr_accesses/max', 1 << 32)], 0, tried_hot()),
        ('nr_accesses max UINT_MAX', [(f'{P}/nr_accesses/max', UINT_MAX)],
         0, tried_hot()),
        ('nr_accesses min ULONG_MAX: matches nothing',
         [(f'{P}/nr_accesses/min', ULONG_MAX)], 0, tried_total(False)),
        ('age min 2^32: matches nothing',
         [(f'{P}/age/min', 1 << 32), (f'{P}/age/max', ULONG_MAX)], 0,
         tried_total(False)),
        ('age max 2^32', [(f'{P}/age/max', 1 << 32)], 0,
         tried_total(True)),
        ('sz max 0: matches nothing', [(f'{P}/sz/max', 0)], 0,
         tried_total(False)),
        ('sz min and max ULONG_MAX: matches nothing',
         [(f'{P}/sz/min', ULONG_MAX)], 0, tried_total(False)),
        ('nr_accesses min 5 > max 2 (refused, documented)',
         [(f'{P}/nr_accesses/min', 5), (f'{P}/nr_accesses/max', 2)],
         errno.EINVAL, None),
        ('apply_interval_us ULONG_MAX: never applied',
         [(f'{S}/apply_interval_us', ULONG_MAX)], 0, advances(False)),
        ('apply_interval_us 1: applied', [(f'{S}/apply_interval_us', 1)],
         0, advances(True)),
        ('quota bytes 1: every window runs out at once',
         [(f'{Q}/bytes', 1), (f'{Q}/reset_interval_ms', 100)], 0,
         quota_runs_out()),
        ('quota ms, bytes ULONG_MAX, weights UINT_MAX',
         [(f'{Q}/ms', ULONG_MAX), (f'{Q}/bytes', ULONG_MAX),
          (f'{Q}/weights/sz_permil', UINT_MAX),
          (f'{Q}/weights/nr_accesses_permil', UINT_MAX),
          (f'{Q}/weights/age_permil', UINT_MAX)], 0,
         both(advances(True), esz_is(ULONG_MAX))),
        ('quota bytes 2^32, reset 1 ms',
         [(f'{Q}/bytes', 1 << 32), (f'{Q}/reset_interval_ms', 1)], 0,
         both(advances(True), esz_is(1 << 32))),
        ('goals: some_mem_psi_us and user_input at the extremes',
         [(f'{Q}/reset_interval_ms', 100), (f'{Q}/goals/nr_goals', 2),
          (f'{Q}/goals/0/target_metric', 'some_mem_psi_us'),
          (f'{Q}/goals/0/target_value', 0),
          (f'{Q}/goals/0/current_value', ULONG_MAX),
          (f'{Q}/goals/1/target_metric', 'user_input'),
          (f'{Q}/goals/1/target_value', ULONG_MAX),
          (f'{Q}/goals/1/current_value', 0)], 0,
         both(commands_work('commit_schemes_quota_goals',
                            'update_schemes_effective_quotas'),
              advances(True))),
        ('watermarks free_mem_rate 1000/1000/0: active',
         [(f'{W}/metric', 'free_mem_rate'), (f'{W}/high', 1000),
          (f'{W}/mid', 1000)], 0, advances(True)),
        ('watermarks ULONG_MAX: below low, inactive',
         [(f'{W}/metric', 'free_mem_rate'), (f'{W}/high', ULONG_MAX),
          (f'{W}/mid', ULONG_MAX), (f'{W}/low', ULONG_MAX)], 0,
         both(advances(False), tried_total(False))),
        ('watermarks inverted (mid above high): above high, inactive',
         [(f'{W}/metric', 'free_mem_rate'), (f'{W}/high', 0),
          (f'{W}/mid', 1000)], 0, advances(False)),
        ('watermarks none, interval ULONG_MAX: active',
         [(f'{W}/interval_us', ULONG_MAX), (f'{W}/high', ULONG_MAX)], 0,
         advances(True)),
        ('addr filter [0, ULONG_MAX) matching: keeps all out',
         [(f'{S}/filters/nr_filters', 1), (f'{F}/type', 'addr'),
          (f'{F}/addr_start', 0), (f'{F}/addr_end', ULONG_MAX),
          (f'{F}/matching', 'Y')], 0, tried_total(False)),
        ('addr filter [0, ULONG_MAX) not matching: keeps none out',
         [(f'{S}/filters/nr_filters', 1), (f'{F}/type', 'addr'),
          (f'{F}/addr_start', 0), (f'{F}/addr_end', ULONG_MAX),
          (f'{F}/matching', 'N')], 0, tried_total(True)),
        ('empty addr filter not matching: keeps all out',
         [(f'{S}/filters/nr_filters', 1), (f'{F}/type', 'addr'),
          (f'{F}/matching', 'N')], 0, tried_total(False)),
        ('target filter, index -1, matching: keeps none out',
         [(f'{S}/filters/nr_filters', 1), (f'{F}/type', 'target'),
          (f'{F}/damon_target_idx', -1), (f'{F}/matching', 'Y')], 0,
         tried_total(True)),
        ('target filter, index INT_MAX, not matching: keeps all out',
         [(f'{S}/filters/nr_filters', 1), (f'{F}/type', 'target'),
          (f'{F}/damon_target_idx', INT_MAX), (f'{F}/matching', 'N')], 0,
         tried_total(False)),
        ('anon filter on vaddr (refused, documented)',
         [(f'{S}/filters/nr_filters', 1)], errno.EINVAL, None),
        ('target_nid INT_MAX', [(f'{S}/target_nid', INT_MAX)], 0,
         advances(True)),
        ('target_nid INT_MIN', [(f'{S}/target_nid', INT_MIN)], 0,
         advances(True)),
        ('sample_us 0 (refused, documented)',
         [(f'{A}/intervals/sample_us', 0)], errno.EINVAL, None),
        ('sample_us above aggr_us',
         [(f'{A}/intervals/sample_us', AGGR_US + 1)], errno.EINVAL, None),
        ('sample_us = aggr_us = 1000',
         [(f'{A}/intervals/sample_us', 1000),
          (f'{A}/intervals/aggr_us', 1000)], 0, advances(True)),
        ('update_us 0', [(f'{A}/intervals/update_us', 0)], 0,
         advances(True)),
        ('update_us ULONG_MAX',
         [(f'{A}/intervals/update_us', ULONG_MAX)], 0, advances(True)),
        ('aggr_us ULONG_MAX', [(f'{A}/intervals/aggr_us', ULONG_MAX)], 0,
         None),
        ('nr_regions min 2', [(f'{A}/nr_regions/min', 2)], errno.EINVAL,
         None),
        ('nr_regions min above max', [(f'{A}/nr_regions/min', 2000)],
         errno.EINVAL, None),
        ('nr_regions 3..3',
         [(f'{A}/nr_regions/min', 3), (f'{A}/nr_regions/max', 3)], 0,
         tried_total(True)),
        ('nr_regions max ULONG_MAX',
         [(f'{A}/nr_regions/max', ULONG_MAX)], 0, tried_total(True)),
        ('pid_target -1', [(f'{T}/pid_target', -1)], errno.EINVAL, None),
        ('pid_target INT_MAX', [(f'{T}/pid_target', INT_MAX)],
         errno.EINVAL, None),
        ('empty region (refused, documented)',
         [(f'{T}/regions/nr_regions', 1), (f'{T}/regions/0/start', 4096),
          (f'{T}/regions/0/end', 4096)], errno.EINVAL, None),
        ('inverted region',
         [(f'{T}/regions/nr_regions', 1), (f'{T}/regions/0/start', 8192),
          (f'{T}/regions/0/end', 4096)], errno.EINVAL, None),
        # Last: the vaddr target keeps this region until its next update.
        ('region [0, ULONG_MAX) kept until the next update',
         [(f'{A}/intervals/update_us', ULONG_MAX),
          (f'{T}/regions/nr_regions', 1), (f'{T}/regions/0/start', 0),
          (f'{T}/regions/0/end', ULONG_MAX)], 0, tried_above(1 << 63)),
    ]
    for action in ('willneed', 'cold', 'pageout', 'hugepage',
                   'nohugepage'):
        cs.append((f'action {action} (matching nothing)',
                   NOTHING + [(f'{S}/action', action)], 0, None))
    for action in ('lru_prio', 'lru_deprio', 'migrate_hot',
                   'migrate_cold'):
        cs.append((f'action {action}: not for vaddr (refused, '
                   'documented)', NOTHING + [(f'{S}/action', action)],
                   errno.EINVAL, None))
    return cs


def run_case(t, pid, desc, writes, want, check):
    write_all(BASE)
    err = dm.cmd('commit')
    if err:
        raise ds.Failure(f'committing the base setting: {ds.errname(err)}')
    bad = [(p, v) for p, v in writes if ds.write(p, v)]
    err = dm.cmd('commit')
    running = ds.state() == 'on' and ds.kdamond_pid() == pid
    readback = [(p, v, ds.read(p)) for p, v in writes
                if ds.read(p) != str(v)]
    why = (f'writes refused: {bad}; commit {ds.errname(err)}; '
           f'running {running}; read back: {readback}')
    ok = not bad and err == want and running and not readback
    if ok and check and not want:
        ok, more = check()
        why += f'; {more}'
    t.ok(ok, f'commit: {desc}', why)


def on_with_everything(t, w):
    """"on" with many boundary values at once."""
    ds.write(f'{ds.kd_dir()}/state', 'off')
    ds.setup('vaddr', [(w.pid, [])])
    write_all(BASE)
    write_all([(f'{P}/nr_accesses/max', 1 << 32),
               (f'{P}/age/max', ULONG_MAX),
               (f'{S}/apply_interval_us', 10000),
               (f'{S}/target_nid', INT_MAX),
               (f'{Q}/ms', ULONG_MAX), (f'{Q}/bytes', ULONG_MAX),
               # The goal tunes the quota per window: let windows end.
               (f'{Q}/reset_interval_ms', 100),
               (f'{Q}/weights/sz_permil', UINT_MAX),
               (f'{Q}/goals/nr_goals', 1),
               (f'{Q}/goals/0/target_value', ULONG_MAX),
               (f'{W}/metric', 'free_mem_rate'),
               (f'{W}/interval_us', ULONG_MAX), (f'{W}/high', ULONG_MAX),
               (f'{W}/mid', ULONG_MAX),
               (f'{S}/filters/nr_filters', 1), (f'{F}/type', 'target'),
               (f'{F}/damon_target_idx', INT_MIN),
               (f'{F}/matching', 'Y'),
               (f'{A}/nr_regions/max', ULONG_MAX),
               (f'{A}/intervals/update_us', ULONG_MAX)])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'on with boundary values in '
         'every scheme file', ds.errname(err))
    ok, why = advances(True)()
    t.ok(ok, 'and its scheme is applied', why)


def main(t):
    w = ds.Workload(32, 8, 8, 0)
    BASE.append((f'{T}/pid_target', w.pid))
    ds.setup('vaddr', [(w.pid, [])])
    write_all(BASE)
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'on with the scheme damo writes',
         ds.errname(err))
    if err:
        return
    pid = ds.kdamond_pid()
    ok, why = tried_hot()()
    t.ok(ok, 'the running scheme tries the hot range', why)
    for desc, writes, want, check in cases():
        run_case(t, pid, desc, writes, want, check)
    on_with_everything(t, w)


if __name__ == '__main__':
    dm.run(main)
