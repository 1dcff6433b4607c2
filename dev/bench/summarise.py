#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise a dev/bench/run output directory: table, CSV, history.

Usage: summarise.py OUTDIR BENCHDIR     (writes BENCHDIR/results.csv and
                                         table.txt, appends history.csv)
       summarise.py --history BENCHDIR  (medians over history.csv)

Exits non-zero only when something could not be measured.
"""
import csv
import os
import re
import statistics
import sys

TRACE_RE = re.compile(r'\s(\d+\.\d+): damon_aggregated: target_id=(\d+) '
                      r'nr_regions=(\d+) (\d+)-(\d+): (\d+) (\d+)')
FIELDS = ['date', 'scenario', 'buffer_mib', 'hot_mib', 'kdamond_ms_per_s',
          'cpu_pct', 'snapshots', 'recall', 'precision', 'f1',
          'recall_half', 'precision_half', 'f1_half', 'mean_regions',
          'max_regions', 'guest_loadavg', 'host_loadavg']


def read_kv(path):
    kv = {}
    with open(path) as f:
        for line in f:
            parts = line.split(None, 1)
            if len(parts) == 2:
                kv[parts[0]] = parts[1].strip()
    return kv


def read_truth(path):
    truth = {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) == 3 and w[0] in ('buffer', 'hot'):
                truth[w[0]] = (int(w[1], 16), int(w[2], 16))
    if 'buffer' not in truth or 'hot' not in truth:
        raise ValueError(f'{path}: no buffer or hot line')
    return truth


def overlap(a0, a1, b0, b1):
    return max(0, min(a1, b1) - max(a0, b0))


def snapshots(path):
    """Yield (time, [(start, end, nr_accesses)]) per aggregation of target 0.

    Regions of one target are reported in address order, so a start
    address that does not grow begins the next aggregation.
    """
    cur, t0, last = [], None, None
    with open(path, errors='replace') as f:
        for line in f:
            m = TRACE_RE.search(line)
            if not m or m.group(2) != '0':
                continue
            t = float(m.group(1))
            start, end, nr = int(m.group(4)), int(m.group(5)), int(m.group(6))
            if last is not None and start <= last:
                yield t0, cur
                cur = []
            if not cur:
                t0 = t
            cur.append((start, end, nr))
            last = start
    if cur:
        yield t0, cur


def score(regions, buf, hot, threshold):
    hot_len = hot[1] - hot[0]
    acc = hit = 0
    for s, e, nr in regions:
        if nr < threshold:
            continue
        acc += overlap(s, e, *buf)
        hit += overlap(s, e, *hot)
    recall = hit / hot_len
    precision = hit / acc if acc else 0.0
    f1 = 2 * recall * precision / (recall + precision) if hit else 0.0
    return recall, precision, f1


def accuracy(d, meta, row):
    truth = read_truth(os.path.join(d, 'truth.txt'))
    warmup = float(meta.get('warmup_s', '5'))
    snaps = list(snapshots(os.path.join(d, 'trace.txt')))
    if not snaps:
        raise ValueError(f'{d}: no damon_aggregated records')
    first = snaps[0][0]
    # Drop the warm-up and the last, possibly incomplete, aggregation.
    use = [r for t, r in snaps[:-1] if t - first >= warmup]
    if not use:
        raise ValueError(f'{d}: no snapshot after the {warmup}s warm-up')
    res = {'any': [], 'half': []}
    for regions in use:
        res['any'].append(score(regions, truth['buffer'], truth['hot'], 1))
        top = max(nr for _, _, nr in regions)
        res['half'].append(score(regions, truth['buffer'], truth['hot'],
                                 max(1, (top + 1) // 2)))
    for key, suffix in (('any', ''), ('half', '_half')):
        for i, name in enumerate(('recall', 'precision', 'f1')):
            row[name + suffix] = round(
                statistics.median(x[i] for x in res[key]), 4)
    nrs = [len(r) for r in use]
    row['snapshots'] = len(use)
    row['mean_regions'] = round(statistics.mean(nrs), 1)
    row['max_regions'] = max(nrs)


def regions(d, row):
    snaps = list(snapshots(os.path.join(d, 'regions.txt')))[:-1]
    if snaps:
        nrs = [len(r) for _, r in snaps]
        row['mean_regions'] = round(statistics.mean(nrs), 1)
        row['max_regions'] = max(nrs)


def overhead(d, row):
    with open(os.path.join(d, 'cpu.txt')) as f:
        (t0, r0), (t1, r1) = [map(float, line.split()) for line in f][:2]
    if t1 <= t0:
        raise ValueError(f'{d}: bad measurement window')
    ms = (r1 - r0) / (t1 - t0)
    row['kdamond_ms_per_s'] = round(ms, 3)
    row['cpu_pct'] = round(ms / 10, 3)


def fmt(v, spec):
    return format(v, spec) if isinstance(v, (int, float)) else '-'


def table(rows, title):
    out = [title,
           f'{"scenario":<14} {"MiB":>5} {"hot":>4} {"kdamond ms/s":>12} '
           f'{"CPU%":>6} {"recall":>6} {"prec":>6} {"F1":>6} '
           f'{"F1>=max/2":>9} {"regions":>8}']
    for r in rows:
        out.append(f'{r["scenario"]:<14} {r["buffer_mib"]:>5} '
                   f'{r["hot_mib"]:>4} '
                   f'{fmt(r.get("kdamond_ms_per_s"), ".2f"):>12} '
                   f'{fmt(r.get("cpu_pct"), ".2f"):>6} '
                   f'{fmt(r.get("recall"), ".3f"):>6} '
                   f'{fmt(r.get("precision"), ".3f"):>6} '
                   f'{fmt(r.get("f1"), ".3f"):>6} '
                   f'{fmt(r.get("f1_half"), ".3f"):>9} '
                   f'{fmt(r.get("mean_regions"), ".0f"):>8}')
    ovh = {r['scenario']: r.get('kdamond_ms_per_s') for r in rows}
    for big, small in (('ovh-8G', 'ovh-1G'), ('ovh-8G', 'ovh-256M'),
                       ('ovh-1G', 'ovh-256M')):
        if isinstance(ovh.get(big), float) and ovh.get(small):
            out.append(f'kdamond CPU ratio {big[4:]}/{small[4:]}: '
                       f'{ovh[big] / ovh[small]:.2f}')
    return '\n'.join(out)


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def history(bench):
    with open(os.path.join(bench, 'history.csv')) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit('no history')
    by = {}
    for r in rows:
        by.setdefault(r['scenario'], []).append(r)
    med = []
    for name, rs in by.items():
        m = {'scenario': name, 'buffer_mib': rs[0]['buffer_mib'],
             'hot_mib': rs[0]['hot_mib']}
        for k in FIELDS[4:15]:
            vals = [num(r.get(k)) for r in rs]
            vals = [v for v in vals if v is not None]
            if vals:
                m[k] = float(statistics.median(vals))
        med.append(m)
    print(table(med, f'medians over {len(rows)} rows of history.csv'))
    for name, rs in by.items():
        print(f'{name}: kdamond ms/s per run: '
              + ' '.join(r['kdamond_ms_per_s'] for r in rs)
              + (' F1: ' + ' '.join(r['f1'] for r in rs)
                 if rs[0].get('f1') else ''))


def main(argv):
    if len(argv) == 3 and argv[1] == '--history':
        history(argv[2])
        return 0
    if len(argv) != 3:
        sys.exit(__doc__)
    outdir, bench = argv[1], argv[2]
    host = {}
    if os.path.exists(os.path.join(outdir, 'host.txt')):
        host = read_kv(os.path.join(outdir, 'host.txt'))
    rows, failed = [], []
    for name in sorted(os.listdir(outdir)):
        d = os.path.join(outdir, name)
        if not os.path.isfile(os.path.join(d, 'meta.txt')):
            continue
        meta = read_kv(os.path.join(d, 'meta.txt'))
        row = {'date': host.get('date', ''), 'scenario': name,
               'buffer_mib': meta.get('buffer_mib'),
               'hot_mib': meta.get('hot_mib'),
               'guest_loadavg': meta.get('loadavg', ''),
               'host_loadavg': host.get('host_loadavg_start', '')}
        try:
            overhead(d, row)
            if os.path.exists(os.path.join(d, 'trace.txt')):
                accuracy(d, meta, row)
            elif os.path.exists(os.path.join(d, 'regions.txt')):
                regions(d, row)
        except (OSError, ValueError) as e:
            failed.append(f'{name}: {e}')
        rows.append(row)
    if not rows:
        failed.append(f'{outdir}: no scenario measured')
    rows.sort(key=lambda r: (r['scenario'][:3], int(r['buffer_mib'] or 0)))
    text = table(rows, f'DAMON benchmark {host.get("date", "")} '
                 f'(host load {host.get("host_loadavg_start", "?")}; '
                 'timing figures are noisy on a shared machine)')
    print(text)
    with open(os.path.join(bench, 'table.txt'), 'w') as f:
        f.write(text + '\n')
    for path, mode in (('results.csv', 'w'), ('history.csv', 'a')):
        path = os.path.join(bench, path)
        new = mode == 'w' or not os.path.exists(path)
        with open(path, mode, newline='') as f:
            w = csv.DictWriter(f, FIELDS)
            if new:
                w.writeheader()
            w.writerows(rows)
    for msg in failed:
        print(f'bench: cannot measure: {msg}', file=sys.stderr)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
