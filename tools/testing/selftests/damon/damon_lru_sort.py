#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""DAMON_LRU_SORT puts hot pages on the active list and cold ones on the
inactive list.

access_phases populates 32 MiB of anonymous memory, which starts on the
inactive list, and keeps writing all of it.  DAMON_LRU_SORT over all of the
System RAM (hot from 20% of the samples, cold after 3 s idle, no quota,
watermarks that never turn it off) must move at least 80% of the buffer's
pages to the active list within 120 s.  Then the workload writes only the
first half: within 120 s, at least 70% of the second half must be back on
the inactive list while at least 70% of the first half stays active.  The
page flags come from /proc/PID/pagemap and /proc/kpageflags; the
statistics must count both kinds of work.
"""

import signal
import subprocess
import time

import _damon_modules as mods
import _damon_sysfs as ds
import _damos as dm

TOTAL_MIB = 32
HOT_MIB = 16
STATS = ('nr_lru_sort_tried_hot_regions', 'bytes_lru_sort_tried_hot_regions',
         'nr_lru_sorted_hot_regions', 'bytes_lru_sorted_hot_regions',
         'nr_hot_quota_exceeds',
         'nr_lru_sort_tried_cold_regions', 'bytes_lru_sort_tried_cold_regions',
         'nr_lru_sorted_cold_regions', 'bytes_lru_sorted_cold_regions',
         'nr_cold_quota_exceeds')


class Phases(ds.Workload):
    """An access_phases process: all of the buffer hot until shrink()."""

    # pylint: disable=super-init-not-called
    def __init__(self, total_mib, hot_mib):
        prog = f'{ds.HERE}/access_phases'
        self.proc = subprocess.Popen([prog, str(total_mib), str(hot_mib)],
                                     stdout=subprocess.PIPE, text=True)
        ds.Workload.running.append(self)
        self.pid = self.proc.pid
        line = self.proc.stdout.readline()
        try:
            self.start, self.end = [int(v) for v in line.split()]
        except ValueError:
            self.stop()
            raise ds.Failure(f'access_phases printed "{line.strip()}"')
        self.mid = self.start + hot_mib * dm.MIB

    def shrink(self):
        self.proc.send_signal(signal.SIGUSR1)


def share(w, start, end):
    """(active, on an LRU list) pages of [start, end) of @w, and a text."""
    active, lru = mods.active_share(w.pid, start, end)
    return active, lru, f'{active}/{lru} active'


def main(t):
    m = mods.Module('lru_sort')
    why = m.available()
    if why:
        ds.skip_all(why)
    w = Phases(TOTAL_MIB, HOT_MIB)
    why = mods.pagemap_available(w.pid)
    if why:
        ds.skip_all(why)
    t.set_plan(6)
    pages = TOTAL_MIB * dm.MIB // dm.PAGE
    half = pages // 2
    # A pass over the buffer may take several sampling intervals on a slow
    # (TCG, KASAN) machine; a 50% threshold would then not call it hot.
    m.set(hot_thres_access_freq=200, cold_min_age=3000000,
          sample_interval=5000, aggr_interval=100000, quota_ms=0,
          **mods.WMARKS_OFF)

    _, _, before = share(w, w.start, w.end)
    t.diag(f'before: {before} of {pages} pages')
    err = m.enable()
    t.ok(err == 0 and m.enabled() and m.pid() > 0,
         'enabled=Y starts a kdamond', ds.errname(err))

    start = time.monotonic()
    ok = mods.wait_for(
        lambda: share(w, w.start, w.end)[0] >= pages * 8 // 10, 120)
    t.diag(f'all hot, {time.monotonic() - start:.1f}s: '
           f'{share(w, w.start, w.end)[2]} of {pages} pages')
    t.ok(ok, 'hot pages go to the active list')

    w.shrink()
    start = time.monotonic()
    ok = mods.wait_for(
        lambda: share(w, w.mid, w.end)[0] <= half * 3 // 10, 120)
    hot_active, _, hot_txt = share(w, w.start, w.mid)
    _, _, cold_txt = share(w, w.mid, w.end)
    t.diag(f'first half hot, {time.monotonic() - start:.1f}s: first half '
           f'{hot_txt}, second half {cold_txt} (of {half} pages each)')
    t.ok(ok, 'pages no longer accessed go back to the inactive list')
    t.ok(hot_active >= half * 7 // 10, 'pages still hot stay active')

    # Each statistic is read on its own while the module runs: read the
    # sorted bytes first, so that the tried bytes read later include them.
    sorted_hot = m.stat('bytes_lru_sorted_hot_regions')
    st = m.stats(STATS)
    t.diag(f'stats: {st}')
    t.ok(st['nr_lru_sorted_hot_regions'] > 0 and
         st['bytes_lru_sorted_hot_regions'] > 0 and
         st['nr_lru_sorted_cold_regions'] > 0 and
         st['bytes_lru_sorted_cold_regions'] > 0 and
         st['bytes_lru_sort_tried_hot_regions'] >= sorted_hot,
         'the statistics count the sorted hot and cold regions')

    err = m.disable()
    t.ok(err == 0 and not m.enabled() and m.pid() == -1 and
         mods.no_kdamond(), 'enabled=N ends the kdamond', ds.errname(err))


if __name__ == '__main__':
    mods.run(main)
