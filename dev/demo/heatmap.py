#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Render what DAMON saw during the `make run` demo.

Input (a directory written by dev/demo/run, or the files one by one):
  trace.txt  lines of the damon:damon_aggregated tracepoint, as tracefs or
             `perf script` print them:
             "... <secs>: damon_aggregated: target_id=T nr_regions=N S-E: A G"
  truth.txt  the workload's ground truth (see workload.c)
  meta.txt   "key value" lines: sample_us, aggr_us, ... (optional)

Output, in the terminal:
  (a) a heat map of address (columns) x time (rows), in ANSI 256 colours,
      or ASCII shades when NO_COLOR is set or stdout is not a terminal;
  (b) the working set size (bytes in regions with nr_accesses > 0) over time;
  (c) per phase, the hot ranges DAMON found next to the real one.
And the heat map as a PNG file.  Standard library only.
"""

import argparse
import math
import os
import re
import shutil
import struct
import sys
import zlib

MIB = 1024 * 1024
PAGE = 4096

TRACE_RE = re.compile(
    r'(\d+\.\d+):\s+(?:damon:)?damon_aggregated:\s+target_id=(\d+)\s+'
    r'nr_regions=(\d+)\s+(\d+)-(\d+):\s+(\d+)\s+(\d+)')


# === Input ===================================================================

class Snapshot:
    """The regions of one target reported at one aggregation."""

    def __init__(self, t, nr_regions):
        self.t = t
        self.nr_regions = nr_regions
        self.regions = []       # (start, end, nr_accesses, age)

    def wss(self):
        return sum(e - s for s, e, a, _ in self.regions if a > 0)


def parse_trace(lines):
    """Group tracepoint lines into per-target lists of snapshots.

    One aggregation reports nr_regions lines per target, in address order; a
    new snapshot begins when that many lines were seen or the address goes
    back.
    """
    per_target = {}
    current = {}
    bad = 0
    for line in lines:
        m = TRACE_RE.search(line)
        if not m:
            if 'damon_aggregated' in line:
                bad += 1
            continue
        t = float(m.group(1))
        tid, nr = int(m.group(2)), int(m.group(3))
        start, end = int(m.group(4)), int(m.group(5))
        acc, age = int(m.group(6)), int(m.group(7))
        if end <= start:
            bad += 1
            continue
        snap = current.get(tid)
        if (snap is None or len(snap.regions) >= snap.nr_regions or
                start < snap.regions[-1][1]):
            snap = Snapshot(t, nr)
            current[tid] = snap
            per_target.setdefault(tid, []).append(snap)
        snap.regions.append((start, end, acc, age))
    return per_target, bad


def parse_truth(lines):
    truth = {'buffer': None, 'phases': [], 'end': None, 'ready': None}
    for line in lines:
        f = line.split()
        try:
            if f[:1] == ['buffer'] and len(f) == 3:
                truth['buffer'] = (int(f[1], 16), int(f[2], 16))
            elif f[:1] == ['phase'] and len(f) == 5:
                truth['phases'].append((int(f[1]), float(f[2]),
                                        int(f[3], 16), int(f[4], 16)))
            elif f[:1] == ['end'] and len(f) == 2:
                truth['end'] = float(f[1])
            elif f[:1] == ['ready'] and len(f) == 2:
                truth['ready'] = float(f[1])
        except ValueError:
            pass
    return truth


def parse_meta(lines):
    meta = {}
    for line in lines:
        f = line.split(None, 1)
        if len(f) == 2:
            meta[f[0]] = f[1].strip()
    return meta


# === Binning =================================================================

def bin_regions(regions, lo, hi, ncols, max_acc):
    """Access rate (0..1) of each of ncols equal bins of [lo, hi)."""
    vals = [0.0] * ncols
    bw = (hi - lo) / ncols
    for s, e, a, _ in regions:
        s, e = max(s, lo), min(e, hi)
        if s >= e or a <= 0:
            continue
        r = min(1.0, a / max_acc)
        b0 = int((s - lo) / bw)
        b1 = min(ncols - 1, int((e - 1 - lo) / bw))
        for b in range(b0, b1 + 1):
            bs = lo + b * bw
            ov = min(e, bs + bw) - max(s, bs)
            if ov > 0:
                vals[b] += r * ov / bw
    return [min(1.0, v) for v in vals]


def rows_of(snaps, t0, t1, row_secs):
    """Put snapshots into rows of row_secs each: a list of lists."""
    n = max(1, int((t1 - t0) / row_secs + 0.999))
    rows = [[] for _ in range(n)]
    for s in snaps:
        i = int((s.t - t0) / row_secs)
        if 0 <= i < n:
            rows[i].append(s)
    return rows


def mean_bins(snaps, lo, hi, ncols, max_acc):
    if not snaps:
        return None
    acc = [0.0] * ncols
    for s in snaps:
        for i, v in enumerate(bin_regions(s.regions, lo, hi, ncols, max_acc)):
            acc[i] += v
    return [v / len(snaps) for v in acc]


def hot_ranges(snaps, lo, hi, max_acc, frac=0.5):
    """Ranges of [lo, hi) whose mean access rate is >= frac of the peak."""
    gran = PAGE
    while (hi - lo) // gran > (1 << 17):
        gran *= 2
    n = (hi - lo + gran - 1) // gran
    diff = [0.0] * (n + 1)
    for snap in snaps:
        for s, e, a, _ in snap.regions:
            s, e = max(s, lo), min(e, hi)
            if s >= e or a <= 0:
                continue
            r = min(1.0, a / max_acc)
            diff[(s - lo) // gran] += r
            diff[(e - lo + gran - 1) // gran] -= r
    level, avg = 0.0, []
    for i in range(n):
        level += diff[i]
        avg.append(level / max(1, len(snaps)))
    peak = max(avg) if avg else 0.0
    if peak <= 0:
        return [], 0.0
    thr = peak * frac
    found, start = [], None
    for i, v in enumerate(avg + [0.0]):
        if v >= thr and start is None:
            start = i
        elif v < thr and start is not None:
            found.append((lo + start * gran, min(hi, lo + i * gran)))
            start = None
    return found, peak


def overlap(ranges, s, e):
    return sum(max(0, min(b, e) - max(a, s)) for a, b in ranges)


# === Terminal output =========================================================

# Heat palette: cold navy -> purple -> red -> orange -> pale yellow.
STOPS = [(0.0, (24, 24, 60)), (0.25, (100, 20, 130)), (0.5, (200, 30, 40)),
         (0.75, (255, 150, 0)), (1.0, (255, 255, 170))]
SHADES = ' .:-=+*#%@'
NODATA = (0, 0, 0)


def heat_rgb(v):
    if v is None:
        return NODATA
    v = min(1.0, max(0.0, v))
    for (v0, c0), (v1, c1) in zip(STOPS, STOPS[1:]):
        if v <= v1:
            k = (v - v0) / (v1 - v0)
            return tuple(int(a + (b - a) * k) for a, b in zip(c0, c1))
    return STOPS[-1][1]


def xterm256(rgb):
    return 16 + sum(36 // 6 ** i * round(c / 255 * 5)
                    for i, c in enumerate(rgb))


class Term:
    def __init__(self, color):
        self.color = color

    def cell(self, v):
        if not self.color:
            if v is None:
                return '?'
            return SHADES[min(len(SHADES) - 1, int(v * len(SHADES)))]
        return '\033[48;5;%dm ' % xterm256(heat_rgb(v))

    def cells(self, vals):
        """A row of cells; one colour escape per run of equal colours."""
        if not self.color:
            return ''.join(self.cell(v) for v in vals)
        out, last = [], None
        for v in vals:
            c = xterm256(heat_rgb(v))
            out.append(' ' if c == last else '\033[48;5;%dm ' % c)
            last = c
        return ''.join(out)

    def reset(self):
        return '\033[0m' if self.color else ''

    def bold(self, s):
        if not self.color:
            return s
        body = s.rstrip('\n')
        return '\033[1m%s\033[0m%s' % (body, s[len(body):])


def fmt_mib(b):
    return '%.1f' % (b / MIB)


def print_heatmap(out, term, rows, bins, t0, origin, row_secs, lo, hi, ncols,
                  truth):
    out.write(term.bold('(a) Heat map: address (columns, %s MiB from 0x%x, '
                        '%s MiB a column) x time (rows, %.2g s each)\n'
                        % (fmt_mib(hi - lo), lo, '%.2f' % ((hi - lo) / ncols
                                                         / MIB), row_secs)))
    legend = term.cells([i / 9 for i in range(10)]) + term.reset()
    out.write('        cold %s hot   (nr_accesses / max); the "real" lines '
              'mark the workload\'s hot window\n' % legend)
    phases = truth['phases'] if truth else []
    next_phase = 0
    for i, b in enumerate(bins):
        t = t0 + i * row_secs
        while (next_phase < len(phases) and
               phases[next_phase][1] < t + row_secs):
            n, _, s, e = phases[next_phase]
            c0 = max(0, int((s - lo) / (hi - lo) * ncols))
            c1 = min(ncols, max(c0 + 1, int((e - lo) / (hi - lo) * ncols
                                            + 0.5)))
            line = '-' * c0 + '[' + '=' * max(0, c1 - c0 - 2) + ']'
            line = (line + '-' * ncols)[:ncols]
            out.write('%-7s %s  phase %d real\n' % ('', line, n))
            next_phase += 1
        cells = term.cells(b) if b else '?' * ncols
        wss = rows[i] and sum(s.wss() for s in rows[i]) / len(rows[i])
        out.write('%6.1fs|%s%s|%s\n'
                  % (t - origin, cells, term.reset(),
                     ' wss %s MiB' % fmt_mib(wss) if rows[i] else ''))
    step = (hi - lo) / MIB / 4
    axis = ''
    for k in range(5):
        lab = '%d' % round(k * step)
        pos = min(ncols - len(lab), int(k * ncols / 4))
        axis = axis.ljust(pos) + lab
    out.write('%7s%s  MiB into the buffer\n\n' % ('', axis))


def print_wss(out, term, rows, t0, origin, row_secs, height=8):
    vals = [sum(s.wss() for s in r) / len(r) if r else 0 for r in rows]
    # Fold to at most 100 columns.
    k = max(1, (len(vals) + 99) // 100)
    cols = [max(vals[i:i + k]) for i in range(0, len(vals), k)]
    top = max(cols) if cols else 0
    out.write(term.bold('(b) Working set size over time (bytes in regions '
                        'with nr_accesses > 0), one column per %.2g s\n'
                        % (row_secs * k)))
    if top <= 0:
        out.write('    no region was ever accessed\n\n')
        return
    blocks = ' ▁▂▃▄▅▆▇█' if term.color else None
    wide = max(1, 60 // len(cols))
    for lvl in range(height, 0, -1):
        line = ''
        for v in cols:
            h = v / top * height
            if h >= lvl:
                c = blocks[8] if blocks else '#'
            elif h > lvl - 1 and blocks:
                c = blocks[int((h - lvl + 1) * 8)]
            elif h > lvl - 1 and h - lvl + 1 >= 0.5:
                c = '.'
            else:
                c = ' '
            line += c * wide
        label = '%7s MiB' % fmt_mib(top * lvl / height) \
            if lvl in (height, height // 2) else ''
        out.write('%11s |%s\n' % (label, line))
    out.write('%11s +%s\n' % ('0 MiB', '-' * len(cols) * wide))
    first = '%gs' % round(t0 - origin, 1)
    last = '%gs' % round(t0 + len(vals) * row_secs - origin, 1)
    out.write('%12s%s%s%s\n\n' % ('', first,
                                  ' ' * max(1, len(cols) * wide - len(first) -
                                            len(last)), last))


def print_phases(out, term, snaps, truth, max_acc, settle):
    out.write(term.bold('(c) Hot ranges per phase: DAMON\'s (mean access '
                        'rate >= half the peak, after %.1f s of settling) vs '
                        'the real ones\n' % settle))
    lo, hi = truth['buffer']
    phases = truth['phases']
    results = []
    out.write('  %-5s %-12s %-22s %-34s %s\n' % ('phase', 'time', 'real '
                                                 '(MiB in buffer)',
                                                 'DAMON found (MiB in buffer)',
                                                 'overlap'))
    for i, (n, ts, s, e) in enumerate(phases):
        te = phases[i + 1][1] if i + 1 < len(phases) else (
            truth['end'] or (snaps[-1].t if snaps else ts))
        inside = [x for x in snaps if ts + settle <= x.t <= te]
        found, _ = hot_ranges(inside, lo, hi, max_acc)
        found.sort(key=lambda r: r[1] - r[0], reverse=True)
        inter = overlap(found, s, e)
        fsz = sum(b - a for a, b in found)
        recall = 100.0 * inter / (e - s)
        prec = 100.0 * inter / fsz if fsz else 0.0
        shown = ', '.join('%s-%s' % (fmt_mib(a - lo), fmt_mib(b - lo))
                          for a, b in sorted(found[:3]))
        if len(found) > 3:
            shown += ' +%d more' % (len(found) - 3)
        if not inside:
            shown, recall, prec = '(no snapshot)', 0.0, 0.0
        elif not found:
            shown = '(nothing accessed)'
        out.write('  %-5d %-12s %-22s %-34s %5.1f%% of real, %5.1f%% of '
                  'found\n' % (n, '%.1f-%.1fs' % (ts - phases[0][1],
                                                  te - phases[0][1]),
                               '%s-%s' % (fmt_mib(s - lo), fmt_mib(e - lo)),
                               shown, recall, prec))
        results.append((n, recall, prec))
    out.write('\n')
    return results


# === PNG =====================================================================

# 3x5 glyphs for the labels, one row of 3 bits per line, top first.
FONT = {
    '0': '7,5,5,5,7', '1': '2,6,2,2,7', '2': '7,1,7,4,7', '3': '7,1,3,1,7',
    '4': '5,5,7,1,1', '5': '7,4,7,1,7', '6': '7,4,7,5,7', '7': '7,1,1,2,2',
    '8': '7,5,7,5,7', '9': '7,5,7,1,7', '.': '0,0,0,0,2', 's': '0,3,6,1,6',
    'M': '5,7,7,5,5', 'i': '2,0,2,2,2', 'B': '6,5,6,5,6', 'W': '5,5,7,7,5',
    'S': '3,4,2,1,6', ' ': '0,0,0,0,0', 'p': '0,6,5,6,4', '-': '0,0,7,0,0',
}


class Canvas:
    def __init__(self, w, h, bg=(255, 255, 255)):
        self.w, self.h = w, h
        self.px = [bytearray(bytes(bg) * w) for _ in range(h)]

    def put(self, x, y, rgb):
        if 0 <= x < self.w and 0 <= y < self.h:
            self.px[y][3 * x:3 * x + 3] = bytes(rgb)

    def rect(self, x, y, w, h, rgb):
        for yy in range(max(0, y), min(self.h, y + h)):
            for xx in range(max(0, x), min(self.w, x + w)):
                self.px[yy][3 * xx:3 * xx + 3] = bytes(rgb)

    def text(self, x, y, s, rgb=(0, 0, 0), scale=2):
        for ch in s:
            rows = FONT.get(ch, FONT[' ']).split(',')
            for r, bits in enumerate(rows):
                for c in range(3):
                    if int(bits) & (4 >> c):
                        self.rect(x + c * scale, y + r * scale, scale, scale,
                                  rgb)
            x += 4 * scale

    def save(self, path):
        raw = b''.join(b'\x00' + bytes(row) for row in self.px)

        def chunk(tag, data):
            return (struct.pack('>I', len(data)) + tag + data +
                    struct.pack('>I', zlib.crc32(tag + data) & 0xffffffff))
        png = (b'\x89PNG\r\n\x1a\n' +
               chunk(b'IHDR', struct.pack('>IIBBBBB', self.w, self.h, 8, 2,
                                          0, 0, 0)) +
               chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))
        with open(path, 'wb') as f:
            f.write(png)


def write_png(path, snaps, origin, lo, hi, max_acc, truth, width=480):
    """One pixel row per snapshot (taller if few), WSS bars on the right."""
    per = max(1, min(4, 600 // max(1, len(snaps))))
    left, top, gap, wssw = 44, 12, 10, 120
    mapw, maph = width, per * len(snaps)
    cv = Canvas(left + mapw + gap + wssw + 40, top + maph + 30)
    top_wss = max([s.wss() for s in snaps] + [1])
    phases = truth['phases'] if truth else []
    for i, snap in enumerate(snaps):
        y = top + i * per
        for x, v in enumerate(bin_regions(snap.regions, lo, hi, mapw,
                                          max_acc)):
            cv.rect(left + x, y, 1, per, heat_rgb(v))
        cv.rect(left + mapw + gap, y, int(snap.wss() / top_wss * wssw), per,
                (70, 130, 180))
        # The real hot window of the phase this snapshot belongs to.
        cur = [p for p in phases if p[1] <= snap.t]
        if cur and (not truth['end'] or snap.t <= truth['end']):
            _, _, s, e = cur[-1]
            for a in (s, e):
                x = int((a - lo) / (hi - lo) * mapw)
                cv.rect(left + min(mapw - 1, x), y, 1, per, (0, 230, 90))
    # Phase starts: a tick left of the map and the phase number.
    for n, ts, _, _ in phases:
        idx = sum(1 for s in snaps if s.t < ts)
        y = top + idx * per
        cv.rect(left - 6, y, 6, 1, (0, 0, 0))
        cv.text(2, y + 2, 'p%d' % n)
    # Time labels every ~5 s, on the right of the WSS bars.
    t0, t1 = snaps[0].t, snaps[-1].t
    step = 5 if t1 - t0 > 12 else 1
    for k in range(int((t0 - origin) // step * step), int(t1 - origin) + 1,
                   step):
        idx = sum(1 for s in snaps if s.t < origin + k)
        if idx == 0 and k != 0:
            continue
        y = top + idx * per
        if idx < len(snaps):
            cv.rect(left + mapw, y, 4, 1, (0, 0, 0))
            cv.rect(left + mapw + gap + wssw + 2, y, 4, 1, (0, 0, 0))
            cv.text(left + mapw + gap + wssw + 8, y + 2, '%ds' % k)
    for k in range(5):
        x = left + int(k * (mapw - 1) / 4)
        lab = '%d' % round(k * (hi - lo) / MIB / 4)
        cv.rect(x, top + maph, 1, 4, (0, 0, 0))
        cv.text(min(x - len(lab) * 4, left + mapw - len(lab) * 8),
                top + maph + 6, lab)
    cv.text(left + mapw // 2 - 16, top + maph + 18, 'MiB')
    cv.text(left + mapw + gap, top + maph + 6, 'WSS')
    cv.text(left + mapw + gap, top + maph + 18, fmt_mib(top_wss) + ' MiB')
    cv.save(path)
    return cv.w, cv.h


# === Main ====================================================================

def read_lines(path):
    with open(path, errors='replace') as f:
        return f.read().splitlines()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('dir', nargs='?', help='directory with trace.txt, '
                    'truth.txt and meta.txt (from dev/demo/run)')
    ap.add_argument('--trace', help='damon_aggregated records')
    ap.add_argument('--truth', help='the workload\'s ground truth')
    ap.add_argument('--meta', help='monitoring attributes')
    ap.add_argument('--png', help='PNG output (default: DIR/heatmap.png)')
    ap.add_argument('--cols', type=int, default=0,
                    help='heat map columns (default: 80, less on a narrow '
                    'terminal)')
    ap.add_argument('--row-secs', type=float, default=0,
                    help='seconds per heat map row (default: about 30 rows)')
    ap.add_argument('--settle', type=float, default=-1,
                    help='seconds of each phase to skip before judging the '
                    'hot ranges (default: a quarter of a phase, at most 2)')
    ap.add_argument('--min-overlap', type=float, default=None,
                    help='fail unless DAMON\'s hot ranges cover at least '
                    'this %% of every real one')
    ap.add_argument('--color', choices=['auto', 'always', 'never'],
                    default='auto')
    args = ap.parse_args(argv)

    d = args.dir or '.'
    trace = args.trace or os.path.join(d, 'trace.txt')
    truth_p = args.truth or os.path.join(d, 'truth.txt')
    meta_p = args.meta or os.path.join(d, 'meta.txt')
    png = args.png or os.path.join(d, 'heatmap.png')
    out = sys.stdout

    try:
        per_target, bad = parse_trace(read_lines(trace))
    except OSError as e:
        print('heatmap: %s' % e, file=sys.stderr)
        return 2
    truth = parse_truth(read_lines(truth_p)) if os.path.exists(truth_p) \
        else None
    meta = parse_meta(read_lines(meta_p)) if os.path.exists(meta_p) else {}
    if bad:
        print('heatmap: warning: %d malformed damon_aggregated lines skipped'
              % bad, file=sys.stderr)
    if not per_target:
        print('heatmap: no damon_aggregated records in %s' % trace,
              file=sys.stderr)
        return 1
    tid = max(per_target, key=lambda k: len(per_target[k]))
    snaps = per_target[tid]
    if truth and truth['phases'] and truth['end']:
        # Keep a second before the first phase and none after the last.
        kept = [x for x in snaps
                if truth['phases'][0][1] - 1 <= x.t <= truth['end']]
        if kept:
            snaps = kept

    try:
        max_acc = int(meta['aggr_us']) // int(meta['sample_us'])
    except (KeyError, ValueError, ZeroDivisionError):
        max_acc = 0
    if max_acc <= 0:
        max_acc = max(a for s in snaps for _, _, a, _ in s.regions) or 1

    if truth and truth['buffer']:
        lo, hi = truth['buffer']
    else:
        truth = None
        lo = min(s.regions[0][0] for s in snaps)
        hi = max(s.regions[-1][1] for s in snaps)

    t0 = snaps[0].t
    t1 = snaps[-1].t + 1e-6
    if truth and truth['phases']:
        if truth['phases'][0][1] > t1 or (truth['end'] or t1) < t0:
            print('heatmap: warning: the trace (%.1f-%.1f s) and the '
                  'workload\'s phases (%.1f s on) do not overlap; clocks '
                  'differ?' % (t0, t1, truth['phases'][0][1]),
                  file=sys.stderr)
            truth['phases'] = []

    color = args.color == 'always' or (args.color == 'auto' and
                                       out.isatty() and
                                       not os.environ.get('NO_COLOR'))
    term = Term(color)
    ncols = args.cols
    if ncols <= 0:
        width = shutil.get_terminal_size((120, 40)).columns
        ncols = max(20, min(80, width - 30))
    row_secs = args.row_secs
    if row_secs <= 0:
        row_secs = max(0.5, round((t1 - t0) / 30 * 2) / 2)
    # Time 0 is the start of the first phase; rows are aligned on it.
    origin = truth['phases'][0][1] if truth and truth['phases'] else t0
    t0 = origin - math.ceil(max(0.0, origin - t0) / row_secs) * row_secs

    out.write(term.bold('DAMON demo: %d snapshots of target %d over %.1f s; '
                        'max nr_accesses %d' % (len(snaps), tid, t1 - t0,
                                                max_acc)))
    if meta:
        out.write(' (sample %s us, aggr %s us, regions %s..%s)'
                  % (meta.get('sample_us', '?'), meta.get('aggr_us', '?'),
                     meta.get('min_nr_regions', '?'),
                     meta.get('max_nr_regions', '?')))
    out.write('\n\n')

    rows = rows_of(snaps, t0, t1, row_secs)
    bins = [mean_bins(r, lo, hi, ncols, max_acc) for r in rows]
    print_heatmap(out, term, rows, bins, t0, origin, row_secs, lo, hi, ncols,
                  truth)
    print_wss(out, term, rows, t0, origin, row_secs)

    rc = 0
    if truth and truth['phases']:
        phases = truth['phases']
        plen = ((truth['end'] or t1) - phases[0][1]) / len(phases)
        settle = args.settle if args.settle >= 0 else min(2.0, plen / 4)
        res = print_phases(out, term, snaps, truth, max_acc, settle)
        if args.min_overlap is not None:
            low = [n for n, recall, _ in res if recall < args.min_overlap]
            if low:
                print('heatmap: phases %s: DAMON covered less than %.0f%% of '
                      'the real hot window' % (low, args.min_overlap),
                      file=sys.stderr)
                rc = 1
    else:
        out.write('(c) no ground truth: hot ranges not compared\n\n')

    try:
        w, h = write_png(png, snaps, origin, lo, hi, max_acc, truth)
        out.write('Heat map PNG (%dx%d): %s\n' % (w, h, os.path.abspath(png)))
    except OSError as e:
        print('heatmap: %s: %s' % (png, e), file=sys.stderr)
        rc = rc or 2
    return rc


if __name__ == '__main__':
    sys.exit(main())
