#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-check of dev/demo/heatmap.py on synthetic DAMON records.

Run: python3 dev/demo/test_heatmap.py
"""

import io
import os
import struct
import sys
import tempfile
import unittest
import zlib
from contextlib import redirect_stderr, redirect_stdout

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import heatmap  # noqa: E402

MIB = 1024 * 1024
LO = 0x7f3a00000000
HI = LO + 256 * MIB
STACK = (0x7ffd10000000, 0x7ffd10021000)
PHASES = [(0, 100.0, LO + 16 * MIB, LO + 40 * MIB),
          (1, 105.0, LO + 180 * MIB, LO + 204 * MIB),
          (2, 110.0, LO + 72 * MIB, LO + 96 * MIB)]
END = 115.0
AGGR = 0.1
MAX_ACC = 20


def line(t, nr, s, e, acc, age):
    return ('       kdamond.0-91      [001] .....   %.6f: damon_aggregated: '
            'target_id=0 nr_regions=%d %d-%d: %d %d' % (t, nr, s, e, acc, age))


def synth(lag=0.6, shrink=MIB):
    """DAMON-like records: the hot region follows the truth after `lag`
    seconds, and is `shrink` bytes narrower at each edge."""
    lines = ['# tracer: nop', '#']
    for k in range(int((END - 99.5) / AGGR + 0.5)):
        t = 99.5 + k * AGGR
        cur = [p for p in PHASES if p[1] + lag <= t]
        regs = []
        if cur:
            s, e = cur[-1][2] + shrink, cur[-1][3] - shrink
            regs = [(LO, s, 0), (s, e, MAX_ACC), (e, HI, 0)]
        else:
            regs = [(LO, LO + 128 * MIB, 0), (LO + 128 * MIB, HI, 0)]
        regs.append((STACK[0], STACK[1], 3))
        for s, e, a in regs:
            lines.append(line(t, len(regs), s, e, a, 1))
    return lines


def truth_lines():
    out = ['buffer 0x%x 0x%x' % (LO, HI), 'ready 99.000000']
    for n, t, s, e in PHASES:
        out.append('phase %d %.6f 0x%x 0x%x' % (n, t, s, e))
    out.append('end %.6f' % END)
    return out


def read_png(path):
    with open(path, 'rb') as f:
        data = f.read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'bad signature'
    pos, chunks = 8, {}
    while pos < len(data):
        n, = struct.unpack('>I', data[pos:pos + 4])
        tag, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        crc, = struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])
        assert crc == zlib.crc32(tag + body) & 0xffffffff, 'bad crc'
        chunks[tag] = chunks.get(tag, b'') + body
        pos += 12 + n
    w, h, depth, ctype = struct.unpack('>IIBB', chunks[b'IHDR'][:10])
    raw = zlib.decompress(chunks[b'IDAT'])
    assert len(raw) == h * (1 + 3 * w), 'bad image size'
    return w, h, depth, ctype, raw


class HeatmapTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, lines):
        with open(os.path.join(self.d, name), 'w') as f:
            f.write('\n'.join(lines) + '\n')

    def run_main(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            rc = heatmap.main([self.d] + list(args))
        return rc, out.getvalue(), err.getvalue()

    def full_set(self, **kw):
        self.write('trace.txt', synth(**kw))
        self.write('truth.txt', truth_lines())
        self.write('meta.txt', ['sample_us 5000', 'aggr_us 100000',
                                'min_nr_regions 10', 'max_nr_regions 1000'])

    def test_parse_groups_snapshots(self):
        per, bad = heatmap.parse_trace(synth())
        self.assertEqual(bad, 0)
        self.assertEqual(list(per), [0])
        snaps = per[0]
        self.assertEqual(len(snaps), 155)
        for s in snaps:
            self.assertEqual(len(s.regions), s.nr_regions)
        # Hot window plus the stack in a settled snapshot.
        late = [s for s in snaps if s.t > 101][0]
        self.assertEqual(late.wss(), 22 * MIB + STACK[1] - STACK[0])

    def test_parse_rejects_garbage(self):
        per, bad = heatmap.parse_trace([
            'x: damon_aggregated: target_id=0 nr_regions=1 10-5: 1 1',
            '1.0: damon_aggregated: target_id=0 nr_regions=1 20-10: 1 1',
            'random line'])
        self.assertEqual(per, {})
        self.assertEqual(bad, 2)

    def test_bins(self):
        regs = [(0, 50, 10, 0), (50, 100, 0, 0)]
        self.assertEqual(heatmap.bin_regions(regs, 0, 100, 4, 10),
                         [1.0, 1.0, 0.0, 0.0])
        # A region covering half a bin gives half the rate.
        self.assertEqual(heatmap.bin_regions([(0, 10, 10, 0)], 0, 100, 5, 10),
                         [0.5, 0.0, 0.0, 0.0, 0.0])

    def test_hot_ranges(self):
        snaps = heatmap.parse_trace(synth())[0][0]
        late = [s for s in snaps if 102 <= s.t < 105]
        found, peak = heatmap.hot_ranges(late, LO, HI, MAX_ACC)
        self.assertEqual(found, [(LO + 17 * MIB, LO + 39 * MIB)])
        self.assertEqual(peak, 1.0)
        self.assertEqual(heatmap.hot_ranges([], LO, HI, MAX_ACC), ([], 0.0))

    def test_ascii_report(self):
        self.full_set()
        rc, out, err = self.run_main('--color', 'never', '--cols', '64',
                                     '--min-overlap', '90')
        self.assertEqual(rc, 0, err)
        self.assertNotIn('\033', out)
        self.assertIn('(a) Heat map', out)
        self.assertIn('(b) Working set size', out)
        self.assertIn('(c) Hot ranges', out)
        # Hot window, 22 of 24 MiB found, nothing else: 91.7% and 100%.
        for n in range(3):
            row = [x for x in out.splitlines()
                   if x.split()[:1] == [str(n)] and 'of real' in x]
            self.assertEqual(len(row), 1, out)
            self.assertIn('91.7% of real', row[0])
            self.assertIn('100.0% of found', row[0])
        # Map rows are exactly --cols wide and show hot '@' cells.
        maps = [x for x in out.splitlines() if x[7:8] == '|']
        self.assertGreater(len(maps), 20)
        self.assertTrue(all(len(x.split('|')[1]) == 64 for x in maps))
        self.assertTrue(any('@' in x for x in maps))
        self.assertIn('phase 2 real', out)
        png = os.path.join(self.d, 'heatmap.png')
        self.assertIn(png, out)
        w, h, depth, ctype, raw = read_png(png)
        self.assertEqual((depth, ctype), (8, 2))
        self.assertGreater(w, 480)
        self.assertGreater(h, 155)

    def test_color_report(self):
        self.full_set()
        rc, out, _ = self.run_main('--color', 'always')
        self.assertEqual(rc, 0)
        self.assertIn('\033[48;5;', out)
        self.assertIn('\033[0m', out)

    def test_no_color_env(self):
        self.full_set()
        os.environ['NO_COLOR'] = '1'
        try:
            rc, out, _ = self.run_main()
        finally:
            del os.environ['NO_COLOR']
        self.assertEqual(rc, 0)
        self.assertNotIn('\033', out)

    def test_min_overlap_fails(self):
        self.full_set(shrink=6 * MIB)
        rc, out, err = self.run_main('--color', 'never', '--min-overlap',
                                     '90')
        self.assertEqual(rc, 1)
        self.assertIn('50.0% of real', out)
        self.assertIn('less than 90%', err)

    def test_no_records(self):
        self.write('trace.txt', ['# tracer: nop'])
        rc, _, err = self.run_main()
        self.assertEqual(rc, 1)
        self.assertIn('no damon_aggregated records', err)

    def test_missing_trace(self):
        rc, _, err = self.run_main()
        self.assertEqual(rc, 2)
        self.assertIn('trace.txt', err)

    def test_without_truth(self):
        self.write('trace.txt', synth())
        rc, out, _ = self.run_main('--color', 'never')
        self.assertEqual(rc, 0)
        self.assertIn('no ground truth', out)


if __name__ == '__main__':
    unittest.main()
