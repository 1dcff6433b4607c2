#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Plot dev/bench's runs.csv: the kernels side by side per scenario and figure.

Usage: plot.py RUNS.CSV OUT.PNG

One panel per figure, a pair of bars per scenario (median over repeats,
whiskers from the minimum to the maximum).  Needs python3-matplotlib
(Debian's /usr/bin/python3; dev/bench/bench.sh installs it).
"""
import csv
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


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    with open(argv[1]) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit('plot.py: no runs')
    names = []
    for r in rows:
        if r['scenario'] not in names:
            names.append(r['scenario'])
    kernels = [k for k in COLORS if any(r['kernel'] == k for r in rows)]
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
                   color=COLORS[k], label=k)
        ax.set_title(title, fontsize=10)
        ax.grid(axis='y', alpha=0.3)
    axes[0].legend()
    axes[-1].set_xticks(range(len(names)))
    axes[-1].set_xticklabels(names, rotation=30, ha='right')
    fig.suptitle(f'DAMON: {" vs ".join(kernels)} (median over repeats, '
                 'whiskers min-max; TCG guest)')
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    fig.savefig(argv[2], dpi=80)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
