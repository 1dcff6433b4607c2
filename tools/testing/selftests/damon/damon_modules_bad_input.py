#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""DAMON_RECLAIM and DAMON_LRU_SORT refuse bad inputs and never leak a
kdamond.

For each module:

1. every parameter of the stock 6.12 ABI exists, with its mode;
2. each invalid combination of inputs makes "Y" to enabled fail with
   EINVAL, and leaves enabled N, kdamond_pid -1 and no kdamond thread;
3. a word that is not a boolean is refused by enabled and commit_inputs;
   the read-only parameters cannot be written;
4. a commit of invalid inputs to the running module fails with EINVAL, and
   the module runs on with the same kdamond, which a valid commit then
   keeps as well;
5. the module is exclusive: the other module and a sysfs kdamond cannot
   start while it runs, and it cannot start while they run;
6. 100 cycles of enabled Y and N succeed and leave no kdamond.
"""

import errno

import _damon_modules as mods
import _damon_sysfs as ds

COMMON = {
    'enabled': 0o600, 'commit_inputs': 0o600, 'kdamond_pid': 0o400,
    'quota_ms': 0o600, 'quota_reset_interval_ms': 0o600,
    'wmarks_interval': 0o600, 'wmarks_high': 0o600, 'wmarks_mid': 0o600,
    'wmarks_low': 0o600, 'sample_interval': 0o600, 'aggr_interval': 0o600,
    'min_nr_regions': 0o600, 'max_nr_regions': 0o600,
    'monitor_region_start': 0o600, 'monitor_region_end': 0o600,
}


def stat_params(tried, applied, exceeds):
    return {f'nr_{tried}': 0o400, f'bytes_{tried}': 0o400,
            f'nr_{applied}': 0o400, f'bytes_{applied}': 0o400,
            f'nr_{exceeds}': 0o400}


PARAMS = {
    'reclaim': {
        **COMMON, 'min_age': 0o600, 'quota_sz': 0o600,
        'quota_mem_pressure_us': 0o600, 'quota_autotune_feedback': 0o600,
        'skip_anon': 0o600,
        **stat_params('reclaim_tried_regions', 'reclaimed_regions',
                      'quota_exceeds'),
    },
    'lru_sort': {
        **COMMON, 'hot_thres_access_freq': 0o600, 'cold_min_age': 0o600,
        **stat_params('lru_sort_tried_hot_regions', 'lru_sorted_hot_regions',
                      'hot_quota_exceeds'),
        **stat_params('lru_sort_tried_cold_regions',
                      'lru_sorted_cold_regions', 'cold_quota_exceeds'),
    },
}

# Each a list of (parameter, value) written in order on top of the
# defaults.
BAD = [
    ('min_nr_regions below 3', [('min_nr_regions', 2)]),
    ('min_nr_regions above max_nr_regions',
     [('max_nr_regions', 20), ('min_nr_regions', 21)]),
    ('zero sampling and aggregation intervals',
     [('sample_interval', 0), ('aggr_interval', 0)]),
    ('sampling interval above the aggregation interval',
     [('sample_interval', 200000), ('aggr_interval', 100000)]),
    ('wmarks_mid above wmarks_high',
     [('wmarks_high', 300), ('wmarks_mid', 400), ('wmarks_low', 100)]),
    ('wmarks_low above wmarks_mid',
     [('wmarks_high', 500), ('wmarks_mid', 300), ('wmarks_low', 400)]),
    ('monitor_region_start above monitor_region_end',
     [('monitor_region_start', 1 << 30), ('monitor_region_end', 1 << 20)]),
    ('empty monitored region',
     [('monitor_region_start', 1 << 30), ('monitor_region_end', 1 << 30)]),
    ('monitor_region_start set, monitor_region_end 0',
     [('monitor_region_start', 1 << 30), ('monitor_region_end', 0)]),
]

BAD_LRU_SORT = [
    ('hot_thres_access_freq above 1000', [('hot_thres_access_freq', 1001)]),
]

CYCLES = 100


def off_and_clean(m):
    return (not m.enabled() and m.pid() == -1 and
            not ds.kdamond_threads())


def check_abi(t, m):
    want = PARAMS[m.name]
    have = {p: m.mode(p) for p in m.params()}
    missing = sorted(set(want) - set(have))
    wrong = sorted(p for p in want if p in have and have[p] != want[p])
    t.ok(not missing and not wrong, f'{m.name}: every 6.12 parameter, with '
         'its mode', f'missing {missing}, wrong modes {wrong}')


def check_bad(t, m):
    failures = []
    for what, writes in BAD + (BAD_LRU_SORT if m.name == 'lru_sort' else []):
        m.restore()
        for param, value in writes:
            m.must_write(param, value)
        err = m.enable()
        if err != errno.EINVAL or not off_and_clean(m):
            failures.append(f'{what}: {ds.errname(err)}, enabled '
                            f'{m.read("enabled")}, pid {m.pid()}')
            m.disable()
    m.restore()
    t.ok(not failures, f'{m.name}: invalid inputs fail with EINVAL and '
         'start nothing', '\n'.join(failures))


def check_words(t, m):
    errs = {
        'enabled=maybe': m.write('enabled', 'maybe'),
        'commit_inputs=maybe': m.write('commit_inputs', 'maybe'),
        'kdamond_pid': m.write('kdamond_pid', 1),
    }
    stat = next(p for p in m.params() if p.startswith('bytes_'))
    errs[stat] = m.write(stat, 0)
    t.ok(errs['enabled=maybe'] == errno.EINVAL and
         errs['commit_inputs=maybe'] == errno.EINVAL and
         errs['kdamond_pid'] in (errno.EACCES, errno.EPERM) and
         errs[stat] in (errno.EACCES, errno.EPERM) and off_and_clean(m),
         f'{m.name}: bad words and read-only parameters are refused',
         {k: ds.errname(v) for k, v in errs.items()})


def check_commit(t, m):
    m.restore()
    m.set(**mods.WMARKS_OFF)
    err = m.enable()
    pid = m.pid()
    bad = m.write('min_nr_regions', 2) or m.commit()
    running = m.enabled() and m.pid() == pid
    m.must_write('min_nr_regions', 10)
    good = m.commit()
    t.ok(err == 0 and pid > 0 and bad == errno.EINVAL and running and
         good == 0 and m.enabled() and m.pid() == pid,
         f'{m.name}: an invalid commit fails with EINVAL and the module '
         'runs on', f'enable {ds.errname(err)}, bad commit '
         f'{ds.errname(bad)}, running after it {running}, good commit '
         f'{ds.errname(good)}')


def check_exclusive(t, m, other):
    m.restore()
    other.restore()
    err = m.enable()
    other_err = other.enable()
    ds.setup('paddr', [(None, [(1 << 20, 2 << 20)])])
    sysfs_err = ds.start()
    m.disable()
    ok = ds.start() == 0
    mine_err = m.enable()
    ds.reset()
    t.ok(err == 0 and other_err == errno.EBUSY and not other.enabled() and
         sysfs_err == errno.EBUSY and ok and mine_err == errno.EBUSY and
         not m.enabled(),
         f'{m.name}: runs alone',
         f'enable {ds.errname(err)}, other {ds.errname(other_err)}, sysfs '
         f'{ds.errname(sysfs_err)}, sysfs alone {ok}, enable beside '
         f'sysfs {ds.errname(mine_err)}')


def check_cycles(t, m):
    m.restore()
    failures = []
    for i in range(CYCLES):
        err = m.enable()
        pid = m.pid()
        if err or pid <= 0:
            failures.append(f'cycle {i}: Y: {ds.errname(err)}, pid {pid}')
            break
        err = m.disable()
        if err or m.pid() != -1:
            failures.append(f'cycle {i}: N: {ds.errname(err)}')
            break
    t.ok(not failures and mods.no_kdamond() and off_and_clean(m),
         f'{m.name}: {CYCLES} enable/disable cycles leave no kdamond',
         '\n'.join(failures) + f' kdamonds {ds.kdamond_threads()}')


def main(t):
    reclaim = mods.Module('reclaim')
    lru_sort = mods.Module('lru_sort')
    why = reclaim.available() or lru_sort.available()
    if why:
        ds.skip_all(why)
    t.set_plan(12)
    for m, other in ((reclaim, lru_sort), (lru_sort, reclaim)):
        check_abi(t, m)
        check_bad(t, m)
        check_words(t, m)
        check_commit(t, m)
        check_exclusive(t, m, other)
        check_cycles(t, m)


if __name__ == '__main__':
    mods.run(main)
