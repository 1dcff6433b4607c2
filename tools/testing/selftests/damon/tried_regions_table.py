#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tried_regions/table holds the regions of the tried_regions/<R>/
directories, one line each, and reads far faster than they do.

The file is an extension beyond the 6.12 ABI.  Two kdamonds run in turn:

- vaddr on access_memory (64 MiB, 8 MiB hot, in 512 KiB stripes) with a
  stat scheme over every region: the table is empty before the first
  update_schemes_tried_regions and after clear_schemes_tried_regions;
  after an update, its header gives a generation and the number of lines,
  its lines are the directories' start, end, nr_accesses, age and
  sz_filter_passed in order, it reads the same in small and large pieces,
  and update_schemes_tried_bytes leaves it alone; the next update gives
  the table a higher generation, which a reader that read the old table's
  header sees when it reads the header again;
- paddr over the largest System RAM range with exactly 5000 regions and a
  stat scheme over every region: a snapshot of several pages, which must
  again match the directories.  The time to read it both ways is printed;
  reading the table must be the faster one.
"""

import os
import re
import time

import _damon_sysfs as ds
import _damos as dm

NR_LARGE = 5000


def table_path(s=0, k=0, c=0):
    return f'{dm.scheme_dir(s, k, c)}/tried_regions/table'


def read_table(chunk=1 << 20):
    """The bytes of the table, read with read(2) calls of @chunk bytes."""
    fd = os.open(table_path(), os.O_RDONLY)
    parts = []
    try:
        while True:
            part = os.read(fd, chunk)
            if not part:
                break
            parts.append(part)
    finally:
        os.close(fd)
    return b''.join(parts)


HEADER = re.compile(r'# generation ([0-9]+) regions ([0-9]+)')


def header(text):
    """(generation, number of regions) of the table's header line, or
    None if the first line is not a header."""
    m = HEADER.fullmatch(text.decode('ascii').split('\n', 1)[0])
    return (int(m[1]), int(m[2])) if m else None


def parse(text):
    """The table's lines after its header as (start, end, nr_accesses, age,
    sz_filter_passed) tuples, or None if the header is missing or does not
    count the lines, or if a line is not five decimal numbers."""
    rows = []
    head = header(text)
    lines = text.decode('ascii').splitlines()[1:]
    if not head or head[1] != len(lines):
        return None
    for line in lines:
        fields = line.split(' ')
        if len(fields) != 5 or not all(f.isdigit() for f in fields):
            return None
        rows.append(tuple(int(f) for f in fields))
    return rows


def dir_rows(regions):
    return [(r.start, r.end, r.nr_accesses, r.age, r.sz_filter_passed)
            for r in regions]


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f'line {i}: table {x}, directory {y}'
    return f'{len(a)} lines, {len(b)} directories'


def vaddr_case(t):
    w = ds.Workload(64, 24, 8, 0, stripe_kib=512)
    ds.setup('vaddr', [(w.pid, [])], sample_us=5000, aggr_us=100000)
    dm.set_schemes([dm.Scheme('stat')])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', 'vaddr kdamond with a stat scheme '
         'starts', ds.errname(err))

    st = os.stat(table_path())
    t.ok(st.st_mode & 0o777 == 0o400, 'tried_regions/table has mode 400',
         f'mode {st.st_mode & 0o777:o}')
    err = ds.write(table_path(), '0')
    t.ok(err != 0, 'tried_regions/table cannot be written', 'write succeeded')
    t.ok(read_table() == b'', 'the table is empty before the first update')

    time.sleep(3)
    dm.must_cmd('update_schemes_tried_regions')
    text = read_table()
    total, regions = dm.tried_regions()
    rows = parse(text)
    want = dir_rows(regions)
    t.diag(f'{len(regions)} tried regions, {len(text)} bytes of table')
    t.ok(rows is not None and text.endswith(b'\n'),
         'the table is a header with the number of lines, then lines of '
         '"start end nr_accesses age sz_filter_passed"', f'{text[:200]!r}')
    t.ok(regions and rows == want, 'the table lists the tried region '
         'directories in order', first_difference(rows or [], want))
    t.ok(sum(r[1] - r[0] for r in rows or []) == total,
         'the sizes in the table sum to total_bytes',
         f'total_bytes {total}')
    pieces = [read_table(n) for n in (1, 7, 100, 4096)]
    t.ok(all(p == text for p in pieces), 'reading the table in pieces of '
         '1, 7, 100 and 4096 bytes gives the same text')

    err = dm.cmd('update_schemes_tried_bytes')
    t.ok(err == 0 and read_table() == text,
         'update_schemes_tried_bytes leaves the table alone',
         ds.errname(err))

    # A reader that read the header, then the rest after an update, tells
    # by reading the header again.
    fd = os.open(table_path(), os.O_RDONLY)
    try:
        first = os.read(fd, 100)
        dm.must_cmd('update_schemes_tried_regions')
        second = os.pread(fd, 100, 0)
    finally:
        os.close(fd)
    old, new = header(first), header(second)
    t.ok(old and new and new[0] > old[0] and old[0] == (header(text) or [None])[0],
         'the next update gives the table a higher generation, seen by a '
         'reader that reads the header again', f'{first!r} -> {second!r}')
    dm.must_cmd('clear_schemes_tried_regions')
    t.ok(read_table() == b'', 'clear_schemes_tried_regions empties the '
         'table')
    ds.reset()
    w.stop()


def paddr_case(t):
    ram = dm.system_ram()
    # One sample per aggregation keeps the kdamond cheap on a slow machine.
    ds.setup('paddr', [(None, [ram])], sample_us=100000, aggr_us=100000,
             min_nr=NR_LARGE, max_nr=NR_LARGE)
    dm.set_schemes([dm.Scheme('stat')])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on', f'paddr kdamond with {NR_LARGE} '
         'regions and a stat scheme starts', ds.errname(err))
    time.sleep(2)
    dm.must_cmd('update_schemes_tried_regions')

    t0 = time.monotonic()
    text = read_table()
    table_s = time.monotonic() - t0
    t0 = time.monotonic()
    total, regions = dm.tried_regions()
    dirs_s = time.monotonic() - t0
    t.diag(f'{len(regions)} tried regions: the table ({len(text)} bytes) '
           f'reads in {table_s * 1000:.1f} ms, the directories in '
           f'{dirs_s * 1000:.1f} ms')

    rows = parse(text)
    want = dir_rows(regions)
    t.ok(len(want) == NR_LARGE and rows == want,
         f'the table of {NR_LARGE} regions lists the directories in order',
         first_difference(rows or [], want))
    t.ok(len(text) > dm.PAGE, 'the table is larger than a page',
         f'{len(text)} bytes')
    t.ok(table_s < dirs_s, 'reading the table is faster than walking the '
         'directories', f'{table_s:.3f} s against {dirs_s:.3f} s')


def main(t):
    t.set_plan(15)
    vaddr_case(t)
    paddr_case(t)


if __name__ == '__main__':
    dm.run(main)
