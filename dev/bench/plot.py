#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Plot dev/bench's runs.csv: the kernels side by side per scenario and figure.

Usage: plot.py RUNS.CSV OUT.PNG [PARETO.PNG]

One panel per figure, a bar per kernel and scenario (median over repeats,
whiskers from the minimum to the maximum).  PARETO.PNG: one panel per
scenario, F1 against kdamond CPU, one point per kernel (medians), the
stock points at each min_nr_regions joined by a line.  Needs
python3-matplotlib (Debian's /usr/bin/python3; dev/bench/bench.sh installs
it).
"""
import csv
import math
import re
import statistics
import sys

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

PANELS = [('f1', 'F1 (nr_accesses >= max/2)'),
          ('detect_med_s', 'time to detect, median (s)'),
          ('detect_max_s', 'time to detect, worst phase (s)'),
          ('mean_regions', 'regions (mean)'),
          ('kdamond_ms_per_s', 'kdamond CPU (ms/s)'),
          ('slowdown_pct', 'workload slowdown, wall clock (%)'),
          ('slowdown_norm_pct', 'workload slowdown, host noise out (%)')]
COLORS = {'ours': '#1f77b4', 'stock': '#ff7f0e', 'auto': '#2ca02c'}
STOCK_MIN_RE = re.compile(r'^stock-min(\d+)$')


def kernel_order(rows):
    """Kernels of @rows: those of COLORS, then stock-minN by N."""
    have = {r['kernel'] for r in rows}
    more = sorted((k for k in have if STOCK_MIN_RE.match(k)),
                  key=lambda k: int(STOCK_MIN_RE.match(k).group(1)))
    return [k for k in COLORS if k in have] + more


def color(kernel):
    if kernel in COLORS:
        return COLORS[kernel]
    # stock-minN: darker oranges as N grows.
    n = int(STOCK_MIN_RE.match(kernel).group(1))
    shade = min(1.0, math.log10(n) / 3)
    return (0.8 - 0.5 * shade, 0.35 - 0.25 * shade, 0.0)


def median_of(rows, scenario, kernel, key):
    vals = [float(r[key]) for r in rows
            if r['scenario'] == scenario and r['kernel'] == kernel
            and r.get(key) not in (None, '')]
    return statistics.median(vals) if vals else None


def pareto(rows, names, kernels, out):
    """F1 against kdamond CPU per scenario, one point per kernel."""
    cols = min(3, len(names))
    nrows = (len(names) + cols - 1) // cols
    fig, axes = plt.subplots(nrows, cols, figsize=(5 * cols, 4 * nrows),
                             squeeze=False)
    for ax, n in zip(axes.flat, names):
        curve = []
        for k in kernels:
            x = median_of(rows, n, k, 'kdamond_ms_per_s')
            y = median_of(rows, n, k, 'f1')
            if x is None or y is None:
                continue
            m = STOCK_MIN_RE.match(k)
            if k == 'stock' or m:
                curve.append((x, y, m.group(1) if m else '10'))
            ax.plot([x], [y], 'o' if k != 'ours' else '*',
                    markersize=8 if k != 'ours' else 14, color=color(k),
                    label=k)
        if len(curve) > 1:
            curve.sort()
            ax.plot([c[0] for c in curve], [c[1] for c in curve], '-',
                    color=COLORS['stock'], alpha=0.5)
        for x, y, m in curve:
            ax.annotate(f'min {m}', (x, y), fontsize=7,
                        textcoords='offset points', xytext=(4, -10))
        ax.set_title(n, fontsize=10)
        ax.set_xlabel('kdamond CPU (ms/s)')
        ax.set_ylabel('F1')
        ax.set_ylim(-0.05, 1.05)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(names):]:
        ax.axis('off')
    axes.flat[0].legend(fontsize=7)
    fig.suptitle('DAMON: accuracy against CPU (medians over repeats; up '
                 'and left is better; TCG guest)')
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    fig.savefig(out, dpi=80)


def main(argv):
    if len(argv) not in (3, 4):
        sys.exit(__doc__)
    with open(argv[1]) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit('plot.py: no runs')
    names = []
    for r in rows:
        if r['scenario'] not in names:
            names.append(r['scenario'])
    kernels = kernel_order(rows)
    fig, axes = plt.subplots(len(PANELS), 1, figsize=(12, 3 * len(PANELS)),
                             sharex=True)
    width = 0.8 / len(kernels)
    for ax, (key, title) in zip(axes, PANELS):
        for j, k in enumerate(kernels):
            med, lo, hi, xs = [], [], [], []
            for i, n in enumerate(names):
                vals = [float(r[key]) for r in rows
                        if r['scenario'] == n and r['kernel'] == k
                        and r.get(key) not in (None, '')]
                if not vals:
                    continue
                m = statistics.median(vals)
                xs.append(i + (j - (len(kernels) - 1) / 2) * width)
                med.append(m)
                lo.append(m - min(vals))
                hi.append(max(vals) - m)
            ax.bar(xs, med, width, yerr=[lo, hi], capsize=3,
                   color=color(k), label=k)
        ax.set_title(title, fontsize=10)
        ax.grid(axis='y', alpha=0.3)
    axes[0].legend()
    axes[-1].set_xticks(range(len(names)))
    axes[-1].set_xticklabels(names, rotation=30, ha='right')
    fig.suptitle(f'DAMON: {" vs ".join(kernels)} (median over repeats, '
                 'whiskers min-max; TCG guest)')
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    fig.savefig(argv[2], dpi=80)
    if len(argv) == 4:
        pareto(rows, names, kernels, argv[3])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
