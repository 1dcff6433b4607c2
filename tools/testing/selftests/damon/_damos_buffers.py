#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Workload of the DAMOS filter selftests: cold anonymous and shmem memory.

Usage: _damos_buffers.py <anon MiB> <shmem MiB>

Maps <anon MiB> of private anonymous memory and <shmem MiB> of a shared
mapping of an unlinked tmpfs file, writes every page of both once, prints
"<anon start> <anon end> <shmem start> <shmem end>" and sleeps until
killed.  The shmem pages are not anonymous (RssShmem in /proc/PID/status),
so the two buffers tell the anon filter's two sides apart.
"""

import ctypes
import mmap
import os
import signal
import sys
import tempfile


def populate(m, size):
    page = mmap.PAGESIZE
    chunk = b'\x5a' * (1 << 20)
    for off in range(0, size, len(chunk)):
        n = min(len(chunk), size - off)
        m[off:off + n] = chunk[:n]
    # Make sure every page was really written.
    for off in range(0, size, page):
        if m[off] != 0x5a:
            sys.exit(f'page at offset {off} was not populated')


def address(m):
    return ctypes.addressof(ctypes.c_char.from_buffer(m))


def main():
    if len(sys.argv) != 3:
        sys.exit(f'usage: {sys.argv[0]} <anon MiB> <shmem MiB>')
    anon_sz = int(sys.argv[1]) << 20
    shmem_sz = int(sys.argv[2]) << 20
    if anon_sz <= 0 or shmem_sz <= 0:
        sys.exit('sizes must be positive')

    anon = mmap.mmap(-1, anon_sz, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    shm_dir = '/dev/shm' if os.path.isdir('/dev/shm') else None
    with tempfile.TemporaryFile(dir=shm_dir) as f:
        f.truncate(shmem_sz)
        shmem = mmap.mmap(f.fileno(), shmem_sz, flags=mmap.MAP_SHARED)
    if hasattr(anon, 'madvise') and hasattr(mmap, 'MADV_NOHUGEPAGE'):
        anon.madvise(mmap.MADV_NOHUGEPAGE)
    populate(anon, anon_sz)
    populate(shmem, shmem_sz)
    a, s = address(anon), address(shmem)
    print(a, a + anon_sz, s, s + shmem_sz, flush=True)
    while True:
        signal.pause()


if __name__ == '__main__':
    main()
