#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise dev/bench runs: figures per run, medians per kernel, one table.

Usage: summarise.py RUNSDIR BENCHDIR    (writes BENCHDIR/table.txt,
                                         results.csv, runs.csv, appends
                                         history.csv)
       summarise.py --history BENCHDIR  (medians over history.csv)

RUNSDIR holds one directory per kernel (ours, stock, auto: ours with the
interval auto-tuning on, and stock-minN: stock with min_nr_regions N),
each with dev/bench/run's output in out/r<repeat>/<scenario>/ and
host.txt.  The table compares ours with stock, or, without stock, auto
with ours; with stock-minN runs it adds, per scenario, the stock run whose
CPU comes closest to ours without exceeding it (the CPU-matched stock) and
its F1.  Python 3 standard library only.  Exits non-zero when something
could not be measured.
"""
import csv
import os
import re
import statistics
import sys

TRACE_RE = re.compile(r'\s(\d+\.\d+): damon_aggregated: target_id=(\d+) '
                      r'nr_regions=(\d+) (\d+)-(\d+): (\d+) (\d+)')
REP_RE = re.compile(r'^r(\d+)$')
KERNELS = ('ours', 'stock', 'auto')
STOCK_MIN_RE = re.compile(r'^stock-min(\d+)$')
RECALL_DETECTED = 0.8

# (key, label, format, better): better is 'hi', 'lo' or '' (no verdict).
FIGURES = [
    ('f1', 'F1', '.3f', 'hi'),
    ('precision', 'precision', '.3f', 'hi'),
    ('recall', 'recall', '.3f', 'hi'),
    ('detect_med_s', 'detect median s', '.2f', 'lo'),
    ('detect_max_s', 'detect worst s', '.2f', 'lo'),
    ('missed', 'phases missed', '.0f', 'lo'),
    ('mean_regions', 'regions mean', '.0f', ''),
    ('max_regions', 'regions max', '.0f', ''),
    ('kdamond_ms_per_s', 'kdamond ms/s', '.1f', 'lo'),
    ('slowdown_pct', 'slowdown %', '.1f', 'lo'),
    ('slowdown_norm_pct', 'slowdown norm %', '.1f', 'lo'),
    ('tuned_sample_ms', 'tuned sample ms', '.1f', ''),
]
RUN_FIELDS = (['date', 'kernel', 'repeat', 'scenario', 'ops', 'buffer_mib',
               'max_nr_regions', 'hot_kib', 'snapshots', 'phases']
              + [f[0] for f in FIGURES]
              + ['base_rate', 'mon_rate', 'trace_lost', 'guest_loadavg',
                 'host_loadavg'])
HARD = ('scat-', 'zipf-', 'move-', 'sz-8G')


def read_kv(path):
    kv = {}
    with open(path) as f:
        for line in f:
            parts = line.split(None, 1)
            if len(parts) == 2:
                kv[parts[0]] = parts[1].strip()
    return kv


def read_truth(path):
    """The buffer, the phases [(time, [hot ranges])] and the counts."""
    t = {'space': 'vaddr', 'buffer': None, 'phases': [], 'counts': []}
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == 'space':
                t['space'] = w[1]
            elif w[0] == 'buffer':
                t['buffer'] = (int(w[1], 16), int(w[2], 16))
            elif w[0] == 'phase':
                t['phases'].append((float(w[2]), []))
            elif w[0] == 'hot' and t['phases']:
                t['phases'][-1][1].append((int(w[1], 16), int(w[2], 16)))
            elif w[0] == 'count':
                t['counts'].append((float(w[1]),) +
                                   tuple(int(x) for x in w[2:]))
    if not t['buffer'] or not t['phases']:
        raise ValueError(f'{path}: no buffer or phase')
    return t


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


def overlap(a0, a1, b0, b1):
    return max(0, min(a1, b1) - max(a0, b0))


def score(regions, hot, universe, thr=None):
    """Byte-level recall, precision, F1 of regions with nr_accesses >= thr,
    by default half the snapshot's maximum."""
    if thr is None:
        top = max(nr for _, _, nr in regions)
        thr = max(1, (top + 1) // 2)
    hot_len = sum(e - s for s, e in hot)
    acc = hit = 0
    for s, e, nr in regions:
        if nr < thr:
            continue
        acc += overlap(s, e, *universe) if universe else e - s
        for h0, h1 in hot:
            hit += overlap(s, e, h0, h1)
    recall = hit / hot_len if hot_len else 0.0
    precision = hit / acc if acc else 0.0
    f1 = 2 * recall * precision / (recall + precision) if hit else 0.0
    return recall, precision, f1


def measure(d, row):
    meta = read_kv(os.path.join(d, 'meta.txt'))
    truth = read_truth(os.path.join(d, 'truth.txt'))
    row.update(ops=meta.get('ops'), buffer_mib=meta.get('buffer_mib'),
               max_nr_regions=meta.get('max_nr_regions'),
               guest_loadavg=meta.get('loadavg', ''),
               trace_lost=meta.get('trace_lost', ''))
    row['hot_kib'] = sum(e - s for s, e in truth['phases'][0][1]) // 1024

    with open(os.path.join(d, 'cpu.txt')) as f:
        (t0, r0), (t1, r1) = [map(float, line.split()) for line in f][:2]
    if t1 <= t0:
        raise ValueError(f'{d}: bad measurement window')
    row['kdamond_ms_per_s'] = (r1 - r0) / (t1 - t0)
    if meta.get('intervals_goal', 'none') != 'none':
        row['tuned_sample_ms'] = int(meta['tuned_sample_us']) / 1000

    # counts: an unmonitored window, the measured window, another
    # unmonitored window (CLOCK_MONOTONIC, like the trace).  The slowdown
    # compares the measured window with the mean of the unmonitored ones.
    c = truth['counts']
    if len(c) < 4:
        raise ValueError(f'{d}: {len(c)} access counts, 6 expected')

    def rate(i):
        return (c[i + 1][1] - c[i][1]) / (c[i + 1][0] - c[i][0])
    base = [rate(0)] + ([rate(4)] if len(c) >= 6 else [])
    base = statistics.mean(base)
    mon = rate(2)
    row['base_rate'] = round(base)
    row['mon_rate'] = round(mon)
    row['slowdown_pct'] = (1 - mon / base) * 100

    # The same with the host's noise taken out: pages per second of
    # sweeping over compute iterations per second of computing.
    def speed(i):
        a, b = c[i], c[i + 1]
        return ((b[1] - a[1]) / (b[2] - a[2])) / ((b[3] - a[3]) / (b[4] - a[4]))
    if len(c) >= 6 and all(len(x) >= 5 for x in c):
        base_n = statistics.mean([speed(0), speed(4)])
        row['slowdown_norm_pct'] = (1 - speed(2) / base_n) * 100
    w0, w1 = c[2][0], c[3][0]

    snaps = list(snapshots(os.path.join(d, 'trace.txt')))
    if not snaps:
        raise ValueError(f'{d}: no damon_aggregated records')
    aggr = float(meta.get('aggr_us', 100000)) / 1e6
    # Detection counts regions at half the highest possible nr_accesses:
    # relative to the snapshot's own maximum, every region is "hot" in the
    # first aggregations, when no region is hot enough to stand out.
    det_thr = max(1, int(meta.get('aggr_us', 100000)) //
                  int(meta.get('sample_us', 5000)) // 2)
    on = snaps[0][0] - aggr         # about when kdamond started
    use = [(t, r) for t, r in snaps[:-1] if w0 <= t <= w1]
    if not use:
        raise ValueError(f'{d}: no snapshot inside the measured window')
    universe = truth['buffer'] if truth['space'] == 'vaddr' else None
    phases = truth['phases']

    def phase_at(t):
        i = 0
        while i + 1 < len(phases) and phases[i + 1][0] <= t:
            i += 1
        return i

    scores = [score(r, phases[phase_at(t)][1], universe) for t, r in use]
    for i, k in enumerate(('recall', 'precision', 'f1')):
        row[k] = statistics.mean(s[i] for s in scores)
    nrs = [len(r) for _, r in use]
    row['snapshots'] = len(use)
    row['mean_regions'] = statistics.mean(nrs)
    row['max_regions'] = max(nrs)

    # Time to detect: per phase that starts inside the window, from its
    # start to the first snapshot of the phase with recall >= 0.8; a phase
    # that ends first counts its whole length, and as missed.  Without
    # phase changes in the window (static hot sets): from kdamond's start
    # to the first such snapshot.
    starts = [(i, p[0]) for i, p in enumerate(phases) if w0 <= p[0] < w1]
    if not starts:
        starts = [(phase_at(on), on)]
    det, missed = [], 0
    for i, ps in starts:
        pe = phases[i + 1][0] if i + 1 < len(phases) else w1
        pe = min(pe, w1)
        found = None
        for t, r in snaps:
            if t <= ps or t > pe:
                continue
            if score(r, phases[i][1], universe, det_thr)[0] >= \
                    RECALL_DETECTED:
                found = t - ps
                break
        if found is None:
            missed += 1
            found = pe - ps
        det.append(found)
    row['phases'] = len(starts)
    row['detect_med_s'] = statistics.median(det)
    row['detect_max_s'] = max(det)
    row['missed'] = missed


def spread(vals):
    vals = [v for v in vals if isinstance(v, (int, float))]
    if not vals:
        return None
    return statistics.median(vals), min(vals), max(vals)


def cell(s, spec):
    if s is None:
        return '-'
    med, lo, hi = s
    if lo == hi:
        return format(med, spec)
    return f'{format(med, spec)} ({format(lo, spec)}-{format(hi, spec)})'


def ratio(a, b):
    if a is None or b is None or not b[0]:
        return None
    return a[0] / b[0]


def summary(rows):
    """{scenario: {kernel: {figure: (median, min, max)}}}, scenario order."""
    order, out = [], {}
    for r in rows:
        if r['scenario'] not in out:
            order.append(r['scenario'])
            out[r['scenario']] = {}
        out[r['scenario']].setdefault(r['kernel'], []).append(r)
    res = {}
    for name in order:
        res[name] = {}
        for k, rs in out[name].items():
            res[name][k] = {f[0]: spread([r.get(f[0]) for r in rs])
                            for f in FIGURES}
            res[name][k]['n'] = len(rs)
    return order, res


def verdicts(order, res):
    """The issue's targets, scenario by scenario, as text lines."""
    lines = []
    for name in order:
        o, s = res[name].get('ours'), res[name].get('stock')
        if not o or not s or not o['f1'] or not s['f1']:
            continue
        notes = []
        hard = name.startswith(HARD)
        if o['f1'][0] < s['f1'][0]:
            notes.append('F1 below stock')
        if hard and (1 - o['f1'][0]) > (1 - s['f1'][0]) / 2:
            notes.append('error not halved')
        for k in ('detect_med_s', 'detect_max_s'):
            if o[k] and s[k] and o[k][0] > s[k][0] / 2:
                notes.append(f'{k[7:10]} detection not halved')
        if (o['kdamond_ms_per_s'] and s['kdamond_ms_per_s'] and
                o['kdamond_ms_per_s'][0] > s['kdamond_ms_per_s'][0]):
            notes.append('CPU above stock')
        lines.append(f'  {name:<16} {"met" if not notes else "; ".join(notes)}')
    return lines


def flatness(order, res, pair):
    lines = []
    sz = [n for n in order if n.startswith('sz-')]
    for k in pair:
        vals = [(n, res[n][k]['kdamond_ms_per_s']) for n in sz
                if k in res[n] and res[n][k]['kdamond_ms_per_s']]
        if len(vals) < 2:
            continue
        ms = [v[1][0] for v in vals]
        lines.append(f'  {k:<6} ' + '  '.join(
            f'{n[3:]} {v[0]:.1f}' for n, v in vals)
            + f'   max/min {max(ms) / min(ms):.2f}'
            + f'   largest/smallest {ms[-1] / ms[0]:.2f}')
    return lines


def compared(rows):
    """The two kernels the table puts side by side."""
    have = {r['kernel'] for r in rows}
    if 'stock' in have or 'auto' not in have:
        return 'ours', 'stock'
    return 'auto', 'ours'


def table(order, res, title, pair):
    a, b = pair
    out = [title, '',
           f'{"scenario":<16} {"figure":<16} {a:>24} {b:>24} '
           f'{a + "/" + b:>10}']
    for name in order:
        first = True
        for key, label, spec, _ in FIGURES:
            o = res[name].get(a, {}).get(key)
            s = res[name].get(b, {}).get(key)
            if o is None and s is None:
                continue
            r = ratio(o, s)
            out.append(f'{name if first else "":<16} {label:<16} '
                       f'{cell(o, spec):>24} {cell(s, spec):>24} '
                       f'{format(r, ".2f") if r is not None else "-":>10}')
            first = False
    flat = flatness(order, res, pair)
    if flat:
        out += ['', 'kdamond ms/s by target size (target: flat within 20%):']
        out += flat
    v = verdicts(order, res) if pair == ('ours', 'stock') else []
    if v:
        out += ['', 'targets (F1 >= stock; hard: error <= stock/2; '
                'detection <= stock/2; CPU <= stock):']
        out += v
    m = cpu_matched(order, res) if pair == ('ours', 'stock') else []
    if m:
        out += ['', 'CPU-matched stock: kdamond ms/s / F1 of ours and of '
                'stock at each min_nr_regions; the stock point with the '
                'most CPU not above ours:']
        out += m
    return '\n'.join(out)


def kernels_in(runsdir):
    """The kernel directories of @runsdir: KERNELS, then stock-minN by N."""
    found = os.listdir(runsdir) if os.path.isdir(runsdir) else []
    more = sorted((k for k in found if STOCK_MIN_RE.match(k)),
                  key=lambda k: int(STOCK_MIN_RE.match(k).group(1)))
    return list(KERNELS) + more


def stock_curve(res_name):
    """[(min_nr_regions, figures)] of the stock runs of one scenario."""
    curve = []
    for k, figs in res_name.items():
        m = STOCK_MIN_RE.match(k)
        if k == 'stock' or m:
            curve.append((int(m.group(1)) if m else 10, figs))
    return sorted(curve, key=lambda c: c[0])


def cpu_matched(order, res):
    """Per scenario: ours, each stock point, and the CPU-matched stock."""
    lines = []
    for name in order:
        o = res[name].get('ours')
        curve = [(m, f) for m, f in stock_curve(res[name])
                 if f['kdamond_ms_per_s'] and f['f1']]
        if not o or not o['kdamond_ms_per_s'] or not o['f1'] or len(curve) < 2:
            continue
        cpu = o['kdamond_ms_per_s'][0]
        points = '  '.join(f'{m}: {f["kdamond_ms_per_s"][0]:.1f}/'
                           f'{f["f1"][0]:.3f}' for m, f in curve)
        under = [(m, f) for m, f in curve if f['kdamond_ms_per_s'][0] <= cpu]
        if under:
            m, f = max(under, key=lambda c: c[1]['kdamond_ms_per_s'][0])
            verdict = (f'matched min {m}: F1 {f["f1"][0]:.3f} against ours '
                       f'{o["f1"][0]:.3f}')
        else:
            verdict = 'every stock point costs more CPU than ours'
        lines.append(f'  {name:<16} ours {cpu:.1f}/{o["f1"][0]:.3f}; '
                     f'stock by min_nr_regions {points}; {verdict}')
    return lines


def load_runs(runsdir):
    rows, failed = [], []
    for kernel in kernels_in(runsdir):
        kdir = os.path.join(runsdir, kernel)
        if not os.path.isdir(kdir):
            continue
        host = {}
        if os.path.exists(os.path.join(kdir, 'host.txt')):
            host = read_kv(os.path.join(kdir, 'host.txt'))
        outdir = os.path.join(kdir, 'out')
        if not os.path.isdir(outdir):
            failed.append(f'{kernel}: no output')
            continue
        for rep in sorted(os.listdir(outdir)):
            m = REP_RE.match(rep)
            if not m:
                continue
            for name in sorted(os.listdir(os.path.join(outdir, rep))):
                d = os.path.join(outdir, rep, name)
                if not os.path.isfile(os.path.join(d, 'meta.txt')):
                    continue
                row = {'date': host.get('date', ''), 'kernel': kernel,
                       'repeat': int(m.group(1)), 'scenario': name,
                       'host_loadavg': host.get('host_loadavg_start', '')}
                try:
                    measure(d, row)
                except (OSError, ValueError, ZeroDivisionError) as e:
                    failed.append(f'{kernel}/{rep}/{name}: {e}')
                    continue
                rows.append(row)
    return rows, failed


def scenario_order(runsdir):
    path = os.path.join(runsdir, 'scenarios.txt')
    if os.path.exists(path):
        with open(path) as f:
            return [line.split(':', 1)[0] for line in f if line.strip()]
    return []


def trio(s):
    return [round(v, 4) for v in s] if s else ['', '', '']


def rounded(row):
    return {k: (round(v, 4) if isinstance(v, float) else v)
            for k, v in row.items()}


def history(bench):
    with open(os.path.join(bench, 'history.csv')) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit('no history')
    for r in rows:
        for f in FIGURES:
            try:
                r[f[0]] = float(r[f[0]])
            except (KeyError, TypeError, ValueError):
                r[f[0]] = None
    order, res = summary(rows)
    print(table(order, res, f'medians over {len(rows)} runs in history.csv',
                compared(rows)))


def main(argv):
    if len(argv) == 3 and argv[1] == '--history':
        history(argv[2])
        return 0
    if len(argv) != 3:
        sys.exit(__doc__)
    runsdir, bench = argv[1], argv[2]
    rows, failed = load_runs(runsdir)
    if not rows:
        failed.append(f'{runsdir}: no scenario measured')
    known = scenario_order(runsdir)
    rows.sort(key=lambda r: (known.index(r['scenario'])
                             if r['scenario'] in known else len(known),
                             r['scenario'], r['kernel'], r['repeat']))
    order, res = summary(rows)
    pair = compared(rows)
    a, b = pair
    loads = sorted({r['host_loadavg'] for r in rows if r['host_loadavg']})
    reps = max((r['repeat'] for r in rows), default=0)
    date = min((r['date'] for r in rows if r['date']), default='')
    text = table(order, res,
                 f'DAMON {a} vs {b}, {date}, {reps} repeat(s): '
                 'median (min-max) over repeats\n'
                 f'host load at each boot: {", ".join(loads) or "?"}; '
                 'TCG guest, timing figures are noisy', pair)
    print(text)
    with open(os.path.join(bench, 'table.txt'), 'w') as f:
        f.write(text + '\n')
    with open(os.path.join(bench, 'runs.csv'), 'w', newline='') as f:
        w = csv.DictWriter(f, RUN_FIELDS, extrasaction='ignore')
        w.writeheader()
        w.writerows(rounded(r) for r in rows)
    hist = os.path.join(bench, 'history.csv')
    new = not os.path.exists(hist)
    if not new:
        with open(hist) as f:
            new = f.readline().strip().split(',') != RUN_FIELDS
        if new:
            os.replace(hist, hist + '.old')
    with open(hist, 'a', newline='') as f:
        w = csv.DictWriter(f, RUN_FIELDS, extrasaction='ignore')
        if new:
            w.writeheader()
        w.writerows(rounded(r) for r in rows)
    with open(os.path.join(bench, 'results.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['scenario', 'figure', f'{a}_median', f'{a}_min',
                    f'{a}_max', f'{b}_median', f'{b}_min', f'{b}_max',
                    f'{a}_over_{b}', f'repeats_{a}', f'repeats_{b}'])
        for name in order:
            o, s = res[name].get(a, {}), res[name].get(b, {})
            for key, _, _, _ in FIGURES:
                a, b = o.get(key), s.get(key)
                r = ratio(a, b)
                w.writerow([name, key] + trio(a) + trio(b)
                           + [round(r, 4) if r is not None else '',
                              o.get('n', 0), s.get('n', 0)])
    for msg in failed:
        print(f'bench: cannot measure: {msg}', file=sys.stderr)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
