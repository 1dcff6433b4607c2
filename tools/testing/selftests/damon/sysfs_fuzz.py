#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeded fuzzer of the whole DAMON sysfs interface.

Several worker processes act on /sys/kernel/mm/damon/admin at once.  Each
operation is one of:

- a write of a random value into a random file of the tree, found by walking
  it (so files added later get fuzzed too): a valid value, a boundary number
  (0, 1, 2^31-1, 2^32, 2^63, 2^64-1, -1, ...), a keyword, or garbage (empty,
  whitespace, overlong, binary, numbers with junk);
- a resize of an nr_* directory (kdamonds, contexts, targets, regions,
  schemes, goals, filters);
- a "state" command (on, off, commit and every scheme command), or a storm
  of on, off and commit on one kdamond;
- starting or killing a small workload (access_memory), or writing a pid of
  one into a pid_target file;
- "revive": writing a valid configuration into a kdamond and turning it on or
  committing it, so that the commands also meet running kdamonds;
- "wild": committing huge intervals or a huge min_nr_regions to a kdamond.

What must hold, each a test of the output:

1. A rejected write leaves the value of the file unchanged, and an accepted
   write of a plain number or keyword reads back.  Checked only where
   nothing else can change the file meanwhile: every checked write holds a
   per-file lock of the fuzzer, and a resize under the same kdamond during
   the check voids it.  Files whose value the kernel changes itself are
   written but not checked: kdamonds/<N>/state and pid, schemes/<N>/stats/,
   schemes/<N>/tried_regions/ and quotas/effective_bytes.
2. "off" works: retried while it fails with EBUSY, it succeeds within the
   stuck limit.
3. No read or write blocks for longer than the stuck limit (--limit, 10 s).
   The commands that wait for the kdamond (commit, commit_schemes_quota_goals
   and the update_schemes_* ones) may legitimately wait longer, for a long
   aggregation or apply interval, but must then return when the fuzzer
   interrupts them with a signal; one that does not is stuck.  Every other
   syscall, "off" included, is stuck when it exceeds the limit.
4. After the run, "off" on every kdamond and 0 in nr_kdamonds leave no
   kdamond thread.
5. The kernel log shows no splat (BUG, WARNING, KASAN, UBSAN, lockdep,
   Oops, Call Trace) printed after the start of the test.

The run ends after --ops operations or --secs seconds, whichever comes
first; the per-worker operation sequences depend only on the seed, which is
printed (the interleaving of the workers does not).  The last lines are a
summary: "sysfs_fuzz: ops=... violations=... stuck=... leaked=... splats=...
seed=... secs=...".  Each violation is printed with its file, value, error
and the values read before and after, which is a reproduction.

Options (and environment variables, which the options override):
  --seed N     (DAMON_FUZZ_SEED)     default: random
  --ops N      (DAMON_FUZZ_OPS)      default: 4000
  --secs S     (DAMON_FUZZ_SECS)     default: 45; 0 for no limit
  --workers N  (DAMON_FUZZ_WORKERS)  default: 4
  --limit S    (DAMON_FUZZ_LIMIT)    stuck limit, default: 10
  --progress S (DAMON_FUZZ_PROGRESS) print the operation count every S
                                     seconds, default: 60; 0 for never
  --tame       (DAMON_FUZZ_TAME=1)   no interval or min_nr_regions above
                                     one second or 1000, to look for other
                                     bugs while those of long waits remain

The kselftest run uses the defaults, so the time limit bounds it on slow
(debug) kernels: at most --secs, plus 2 * limit + 10 s waiting for stuck
workers, plus 3 * limit + 15 s for the teardown, 120 s in all, within the
timeout in "settings".  Workers stuck in the kernel are left behind.
"make fuzz" runs 100,000 operations on the debug kernel.
"""

import argparse
import errno
import fcntl
import json
import mmap
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import traceback
import zlib

import _damon_sysfs as ds

MAX_KDAMONDS = 3

# Files the kernel writes itself: fuzzed, but their value is not checked.
KERNEL_WRITTEN = re.compile(r'/kdamonds/\d+/(state|pid)$|/stats/|'
                            r'/tried_regions/|/effective_bytes$')

CMDS = ['on', 'off', 'commit', 'commit_schemes_quota_goals',
        'update_schemes_stats', 'update_schemes_tried_regions',
        'update_schemes_tried_bytes', 'clear_schemes_tried_regions',
        'update_schemes_effective_quotas', 'update_tuned_intervals']
# Commands that wait for the kdamond, possibly for a whole aggregation or
# apply interval: they may take long, but a signal must end them.
CMD_BYTES = {c.encode() for c in CMDS}
WAITING_CMDS = {'commit', 'commit_schemes_quota_goals', 'update_schemes_stats',
                'update_schemes_tried_regions', 'update_schemes_tried_bytes',
                'update_schemes_effective_quotas', 'update_tuned_intervals'}
# Commands that write files a user writes too: checks of those files that
# overlap such a command are dropped.
REWRITING_CMDS = {b'update_tuned_intervals'}

WORDS = {
    'operations': ['vaddr', 'fvaddr', 'paddr'],
    'action': ['willneed', 'cold', 'pageout', 'hugepage', 'nohugepage',
               'lru_prio', 'lru_deprio', 'migrate_hot', 'migrate_cold',
               'stat'],
    'target_metric': ['user_input', 'some_mem_psi_us'],
    'metric': ['none', 'free_mem_rate'],
    'type': ['anon', 'memcg', 'young', 'addr', 'target', 'active', 'unmapped',
             'hugepage_size'],
    'state': CMDS,
}
ALL_WORDS = sorted({w for ws in WORDS.values() for w in ws} |
                   {'Y', 'N', 'on', 'off', 'true', 'false'})

# Files holding a time, and the bounds within which it stays tame.
TIME_FILES = {'sample_us', 'aggr_us', 'update_us', 'apply_interval_us',
              'interval_us', 'reset_interval_ms', 'ms', 'min_sample_us',
              'max_sample_us'}
TAME_TIME = 1000000
TAME_NR_REGIONS = 1000

BOUNDARY = [0, 1, 2, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**63,
            2**64 - 1, 2**64, -1, -2**31, -2**63]

GARBAGE = [b'', b'\n', b' ', b'\t\n', b'  \n  ', b'\x00', b'1\x005', b'12abc',
           b' 5', b'5 5', b'+5', b'-0', b'0x', b'0x10', b'010', b'1e3', b'1.5',
           b'\xd9\xa1', b'on\n\n', b'ON', b' on', b'onoff', b'commit\x00',
           b'offx', b'/../..', b'-', b'--1', b'99999999999999999999999999']

# Worker slots in the shared memory: a header, then one slot per worker.
HDR = 64            # u64 stop flag at 0
SLOT = 512
F_START = 0         # double: monotonic start of the syscall in flight, or 0
F_SEQ = 8           # u64: number of the syscall
F_OPS = 16          # u64: operations done
F_WAIT = 24         # u64: 1 if the syscall in flight waits for a kdamond
F_GEN = 32          # u64 per kdamond and one for nr_kdamonds: resizes
NR_GEN = MAX_KDAMONDS + 1
F_DESC = 128        # what the syscall in flight is, NUL-terminated
DESC_LEN = SLOT - F_DESC

KMSG_SPLAT = re.compile(r'BUG:|WARNING:|KASAN:|UBSAN:|possible .*deadlock|'
                        r'Oops|general protection fault|kernel BUG|'
                        r'INFO: task .* blocked|rcu_.*stall|Kernel panic')
KMSG_TRACE = re.compile(r'Call Trace')


class Interrupted(Exception):
    """The monitor interrupted a syscall that took too long."""


def rel(path):
    return os.path.relpath(path, ds.ADMIN)


def kdamond_of(path):
    """Index of the generation counter that guards @path."""
    m = re.search(r'/kdamonds/(\d+)/', path)
    if not m:
        return MAX_KDAMONDS
    return min(int(m.group(1)), MAX_KDAMONDS - 1)


def show(data):
    """@data for a report: short, printable, with its length if cut."""
    if len(data) > 40:
        return f'{data[:32]!r}...({len(data)} bytes)'
    return repr(data)


class Shared:
    """The shared memory between the monitor and the workers."""

    def __init__(self, nr_workers):
        self.nr = nr_workers
        self.mem = mmap.mmap(-1, HDR + SLOT * nr_workers)

    def off(self, w, field):
        return HDR + SLOT * w + field

    def get(self, w, field, fmt='Q'):
        return struct.unpack_from(fmt, self.mem, self.off(w, field))[0]

    def put(self, w, field, val, fmt='Q'):
        struct.pack_into(fmt, self.mem, self.off(w, field), val)

    def stopping(self):
        return struct.unpack_from('Q', self.mem, 0)[0] != 0

    def stop(self):
        struct.pack_into('Q', self.mem, 0, 1)

    def desc(self, w):
        raw = bytes(self.mem[self.off(w, F_DESC):self.off(w, SLOT)])
        return raw.split(b'\0', 1)[0].decode(errors='replace')

    def set_desc(self, w, text):
        raw = text.encode(errors='replace')[:DESC_LEN - 1] + b'\0'
        self.mem[self.off(w, F_DESC):self.off(w, F_DESC) + len(raw)] = raw

    def syscall(self, w):
        """(number, start, waits, description) of worker @w's syscall.

        The worker clears the start, writes the number, and writes the
        start last.  Reading them in the other order, with the number read
        again at the end, tells a consistent view from one that mixes a
        syscall that just ended with the next one: None then, and the
        caller looks again later.  Without this, the start of a long
        syscall could be taken for that of the next one, which then looked
        stuck at once.  This relies on the stores of one process reaching
        the shared page in program order, as they do on x86, and on
        aligned 8-byte fields being copied whole.
        """
        seq = self.get(w, F_SEQ)
        start = self.get(w, F_START, 'd')
        waits = self.get(w, F_WAIT)
        desc = self.desc(w)
        if self.get(w, F_SEQ) != seq:
            return None
        return seq, start, waits, desc

    def gens(self, gen, skip):
        """Resize counters guarding kdamond @gen, without worker @skip's."""
        out = []
        for w in range(self.nr):
            if w != skip:
                out.append(self.get(w, F_GEN + 8 * gen))
                out.append(self.get(w, F_GEN + 8 * MAX_KDAMONDS))
        return out


class Worker:
    """One fuzzing process."""

    def __init__(self, idx, args, shared, tmp):
        self.idx = idx
        self.args = args
        self.sh = shared
        self.rng = random.Random(f'{args.seed}:{idx}')
        self.log = open(f'{tmp}/worker{idx}.jsonl', 'w', encoding='ascii')
        self.lockfd = os.open(f'{tmp}/locks', os.O_RDWR)
        self.files = []
        self.modes = {}
        self.walk_age = 0
        self.in_syscall = False
        self.seq = 0
        self.ops = 0
        self.workloads = []
        self.stats = {'checked': 0, 'rejected': 0, 'accepted': 0,
                      'interrupted': 0, 'busy_files': 0}
        self.cmds = {}
        self.prog = os.path.join(ds.HERE, 'access_memory')

    # --- bookkeeping ---

    def record(self, kind, **info):
        info['kind'] = kind
        info['worker'] = self.idx
        self.log.write(json.dumps(info) + '\n')
        self.log.flush()

    def count_op(self):
        self.ops += 1
        self.sh.put(self.idx, F_OPS, self.ops)

    def syscall(self, desc, waiting, fn, *args):
        """Run @fn(*args) as one tracked syscall; return its errno or 0."""
        # No start, then the number: see Shared.syscall() for why.  The
        # start is cleared here too because a signal handled at the top of
        # the "finally" below skips the clearing there.
        self.seq += 1
        self.sh.put(self.idx, F_START, 0.0, 'd')
        self.sh.put(self.idx, F_SEQ, self.seq)
        self.sh.set_desc(self.idx, desc)
        self.sh.put(self.idx, F_WAIT, 1 if waiting else 0)
        self.sh.put(self.idx, F_START, time.monotonic(), 'd')
        self.in_syscall = True
        try:
            return fn(*args)
        finally:
            self.in_syscall = False
            self.sh.put(self.idx, F_START, 0.0, 'd')

    def on_signal(self, signum, frame):
        if self.in_syscall:
            raise Interrupted()

    # --- sysfs access ---

    @staticmethod
    def _read(path):
        fd = os.open(path, os.O_RDONLY)
        try:
            return os.read(fd, 8192).decode('latin-1').strip()
        finally:
            os.close(fd)

    @staticmethod
    def _write(path, data):
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    def read(self, path):
        """The value of @path, or None if it cannot be read now."""
        try:
            return self.syscall(f'read {rel(path)}', False, self._read, path)
        except OSError:
            return None

    def write(self, path, data, waiting=False):
        """Write @data to @path; return 0, an errno, or 'EINTR-fuzzer'."""
        self.count_op()
        try:
            self.syscall(f'write {rel(path)} {show(data)}', waiting,
                         self._write, path, data)
            err = 0
        except OSError as e:
            err = e.errno
        except Interrupted:
            self.stats['interrupted'] += 1
            err = 'EINTR-fuzzer'
        if path.endswith('/state') and data.strip() in CMD_BYTES:
            # How the commands fared, to see what the run covered.
            res = err if err == 'EINTR-fuzzer' else ds.errname(err)
            key = f'{data.strip().decode()} {res}'
            self.cmds[key] = self.cmds.get(key, 0) + 1
        return err

    def gens(self, path):
        g = self.sh.gens(kdamond_of(path), self.idx)
        return None if any(v & 1 for v in g) else g

    def bump_gen(self, path):
        field = F_GEN + 8 * kdamond_of(path)
        self.sh.put(self.idx, field, self.sh.get(self.idx, field) + 1)

    def lock(self, path, how):
        slot = zlib.crc32(path.encode()) % 65536
        try:
            fcntl.lockf(self.lockfd, how, 1, slot)
            return True
        except OSError:
            return False

    def write_state(self, path, data):
        """Write the command @data to the state file @path."""
        waiting = data.strip() in CMD_BYTES and \
            data.strip().decode() in WAITING_CMDS
        if data.strip() not in REWRITING_CMDS:
            return self.write(path, data, waiting)
        self.bump_gen(path)
        try:
            return self.write(path, data, waiting)
        finally:
            self.bump_gen(path)

    def checked_write(self, path, data, expect=None):
        """Write @data to @path and check what the file reads afterwards.

        @expect is what an accepted write must read back, or None.  Returns
        the errno of the write (0 on success).
        """
        is_nr = os.path.basename(path).startswith('nr_')
        if KERNEL_WRITTEN.search(path):
            return self.write(path, data)
        if not self.lock(path, fcntl.LOCK_EX | fcntl.LOCK_NB):
            self.stats['busy_files'] += 1
            return None
        try:
            g1 = self.gens(path)
            before = self.read(path)
            if is_nr:
                self.bump_gen(path)
            try:
                err = self.write(path, data)
            finally:
                if is_nr:
                    self.bump_gen(path)
            after = self.read(path)
            g2 = self.gens(path)
        finally:
            self.lock(path, fcntl.LOCK_UN)
        if err == 'EINTR-fuzzer' or g1 is None or g1 != g2 or \
                before is None or after is None:
            return err
        self.stats['checked'] += 1
        if err:
            self.stats['rejected'] += 1
            if after != before:
                self.record('violation', cls='rejected-changed',
                            path=rel(path), value=show(data),
                            err=errno.errorcode.get(err, err),
                            before=before, after=after)
        else:
            self.stats['accepted'] += 1
            if expect is not None and after != expect:
                self.record('violation', cls='accepted-lost', path=rel(path),
                            value=show(data), before=before, after=after,
                            expected=expect)
        if is_nr and (err or after != before):
            self.walk_age = 10**9
        return err

    # --- the tree ---

    def walk(self):
        """Find every file under the admin directory."""
        files = []
        stack = [ds.ADMIN]
        while stack:
            d = stack.pop()
            try:
                entries = list(os.scandir(d))
            except OSError:
                continue
            if d.endswith('/tried_regions'):
                # Keep the walk short: two regions are enough.
                entries = [e for e in entries
                           if not e.name.isdigit() or int(e.name) < 2]
            for e in entries:
                try:
                    if e.is_dir(follow_symlinks=False):
                        stack.append(e.path)
                    elif e.is_file(follow_symlinks=False):
                        files.append(e.path)
                except OSError:
                    continue
        self.files = sorted(files)
        self.walk_age = 0

    def mode(self, path):
        if path not in self.modes:
            try:
                self.modes[path] = os.stat(path).st_mode & 0o777
            except OSError:
                return 0
        return self.modes[path]

    def pick_file(self, pred=None):
        self.walk_age += 1
        if not self.files or self.walk_age > 40:
            self.walk()
        cands = self.files if pred is None else \
            [f for f in self.files if pred(f)]
        if not cands:
            return None
        # Times and region bounds decide the most; give them more turns.
        for _ in range(4):
            f = self.rng.choice(cands)
            name = os.path.basename(f)
            if name in TIME_FILES or f.endswith('nr_regions/min') or \
                    self.rng.random() < 0.3:
                return f
        return f

    def kdamonds(self):
        try:
            return ds.numbered_dirs(ds.KDAMONDS)
        except OSError:
            return []

    # --- values ---

    def workload_range(self):
        """The [start, end) of a workload's buffer, or None."""
        for w in self.rng.sample(self.workloads, len(self.workloads)):
            try:
                with open(f'/proc/{w.pid}/maps', encoding='ascii') as f:
                    best = None
                    for line in f:
                        lo, hi = [int(v, 16) for v in
                                  line.split()[0].split('-')]
                        if best is None or hi - lo > best[1] - best[0]:
                            best = (lo, hi)
                    return best
            except (OSError, ValueError):
                continue
        return None

    def valid(self, path):
        """A value the file should take, and what it then reads."""
        name = os.path.basename(path)
        rng = self.rng
        tame = self.args.tame
        if name in WORDS:
            word = rng.choice(WORDS[name])
            return word.encode(), (None if name == 'state' else word)
        if name in ('matching', 'allow'):
            word = rng.choice(['Y', 'N', 'y', 'n', '1', '0', 'true', 'off'])
            return word.encode(), ('Y' if word in {'Y', 'y', '1', 'true'}
                                   else 'N')
        if name == 'memcg_path':
            word = rng.choice(['/', '/damon_fuzz', '/nonexistent'])
            return word.encode(), word
        if name == 'pid_target':
            live = [w.pid for w in self.workloads if w.poll() is None]
            pid = rng.choice(live) if live and rng.random() < 0.8 else \
                rng.choice([os.getpid(), ds.dead_pid(), 1])
            return str(pid).encode(), str(pid)
        if name.startswith('nr_'):
            val = rng.choice([0, 1, 1, 1, 2, 2, 3, 4])
            if name == 'nr_kdamonds':
                val = min(val, MAX_KDAMONDS)
            return str(val).encode(), str(val)
        if name in TIME_FILES:
            val = rng.choice([0, 1, 100, 1000, 5000, 10000, 50000, 100000,
                              200000, 1000000])
            if not tame and rng.random() < 0.1:
                val = rng.choice([10**7, 10**9, 2**40, 2**62])
        elif path.endswith('nr_regions/min') or \
                path.endswith('nr_regions/max'):
            val = rng.choice([0, 1, 2, 3, 10, 20, 100, 1000])
            if not tame and rng.random() < 0.1:
                val = rng.choice([10000, 100000, 1000000])
        elif name in ('start', 'end', 'addr_start', 'addr_end'):
            r = self.workload_range()
            if r and rng.random() < 0.8:
                val = rng.randrange(r[0], r[1] + 1, 4096)
            else:
                val = rng.randrange(0, 2**47, 4096)
        elif name in ('min', 'max'):
            val = rng.choice([0, 1, 5, 100, 4096, 2**20, 2**32 - 1])
        else:
            val = rng.choice([0, 1, 2, 10, 100, 500, 1000, 10000])
        if name == 'target_nid' and rng.random() < 0.5:
            val = -1
        return str(val).encode(), str(val)

    def tame_ok(self, path, data):
        """Whether --tame lets @data go to @path."""
        if not self.args.tame:
            return True
        name = os.path.basename(path)
        limit = TAME_TIME if name in TIME_FILES else \
            TAME_NR_REGIONS if path.endswith(('nr_regions/min',
                                              'nr_regions/max')) else None
        if limit is None:
            return True
        try:
            return int(data.strip(), 0) <= limit
        except ValueError:
            return True

    def value(self, path):
        """A random value for @path: valid, boundary, keyword or garbage."""
        rng = self.rng
        kind = rng.choices(['valid', 'boundary', 'word', 'garbage'],
                           [50, 20, 10, 20])[0]
        expect = None
        if kind == 'valid':
            data, expect = self.valid(path)
        elif kind == 'boundary':
            val = rng.choice(BOUNDARY)
            data = str(val).encode()
            if 0 <= val < 2**64 and os.path.basename(path) not in WORDS:
                expect = str(val)
        elif kind == 'word':
            data = rng.choice(ALL_WORDS).encode()
        else:
            choice = rng.randrange(4)
            if choice == 0:
                data = rng.choice(GARBAGE)
            elif choice == 1:
                data = rng.choice([b'1', b'a', b' ']) * \
                    rng.choice([4095, 4096, 4097, 10000])
            elif choice == 2:
                data = rng.randbytes(rng.randrange(1, 64))
            else:
                data = str(rng.choice(BOUNDARY[:4])).encode() + \
                    rng.choice([b' ', b'\t', b'\n\n', b'x', b'\x00'])
        if expect is not None and rng.random() < 0.5:
            data += b'\n'
        # A numeric expectation holds only for files that hold numbers.
        if expect is not None and expect.lstrip('-').isdigit():
            cur = self.read(path)
            if cur is None or not cur.lstrip('-').isdigit():
                expect = None
        return data, expect

    # --- operations ---

    def op_write(self):
        path = self.pick_file()
        if path is None:
            return
        data, expect = self.value(path)
        if not self.tame_ok(path, data):
            return
        if not self.mode(path) & 0o200:
            expect = None
        if os.path.basename(path) == 'state':
            self.write_state(path, data)
        else:
            self.checked_write(path, data, expect)

    def op_read(self):
        path = self.pick_file()
        if path is not None:
            self.read(path)

    def op_resize(self):
        path = self.pick_file(lambda f: os.path.basename(f).startswith('nr_'))
        if path is None:
            return
        data, expect = self.valid(path)
        self.checked_write(path, data, expect)

    def op_state(self):
        ks = self.kdamonds()
        if not ks:
            return
        k = self.rng.choice(ks)
        cmd = self.rng.choice(CMDS)
        self.write_state(f'{ds.kd_dir(k)}/state', cmd.encode())

    def op_storm(self):
        ks = self.kdamonds()
        if not ks:
            return
        k = self.rng.choice(ks)
        for _ in range(self.rng.randrange(5, 21)):
            cmd = self.rng.choice(['on', 'off', 'commit'])
            self.write(f'{ds.kd_dir(k)}/state', cmd.encode(),
                       cmd in WAITING_CMDS)

    def op_off(self):
        """Turn a kdamond off, retrying while the interface is busy."""
        ks = self.kdamonds()
        if not ks:
            return
        k = self.rng.choice(ks)
        deadline = time.monotonic() + self.args.limit
        while True:
            err = self.write(f'{ds.kd_dir(k)}/state', b'off')
            if err != errno.EBUSY:
                return
            if time.monotonic() > deadline:
                others = [self.sh.desc(w) for w in range(self.sh.nr)
                          if w != self.idx]
                self.record('violation', cls='off-lockout',
                            path=rel(f'{ds.kd_dir(k)}/state'),
                            value="'off'", err='EBUSY',
                            detail=f'EBUSY for {self.args.limit}s; '
                            f'the other workers do: {others}')
                return
            time.sleep(0.05)

    def spawn(self):
        mib = self.rng.choice([2, 4, 8, 16])
        secs = self.rng.choice([0, 0, 2, 10, 30])
        if os.access(self.prog, os.X_OK):
            argv = [self.prog, str(mib), '0', str(max(1, mib // 2)),
                    str(secs)]
        else:
            argv = ['sleep', str(secs or 3600)]
        self.count_op()
        try:
            self.workloads.append(self.syscall(
                f'spawn {argv}', False, lambda: subprocess.Popen(
                    argv, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL)))
        except Interrupted:
            pass

    def reap(self):
        for w in list(self.workloads):
            if w.poll() is not None:
                self.workloads.remove(w)

    def op_proc(self):
        self.reap()
        r = self.rng.random()
        if r < 0.4 and len(self.workloads) < 2:
            self.spawn()
        elif r < 0.7 and self.workloads:
            w = self.rng.choice(self.workloads)
            self.count_op()
            self.workloads.remove(w)
            self.syscall(f'kill {w.pid}', False,
                         lambda: (w.kill(), w.wait()))
        else:
            path = self.pick_file(lambda f: f.endswith('/pid_target'))
            if path is not None:
                if not self.workloads:
                    self.spawn()
                data, expect = self.valid(path)
                self.checked_write(path, data, expect)

    def op_revive(self):
        """Give a kdamond a valid configuration and start or commit it."""
        rng = self.rng
        ks = self.kdamonds()
        if not ks:
            return
        k = rng.choice(ks)
        kd = ds.kd_dir(k)
        cw = self.checked_write
        if self.read(f'{kd}/contexts/nr_contexts') != '1':
            cw(f'{kd}/contexts/nr_contexts', b'1', '1')
        c = f'{kd}/contexts/0'
        ops = rng.choice(WORDS['operations'])
        cw(f'{c}/operations', ops.encode(), ops)
        a = f'{c}/monitoring_attrs'
        sample = rng.choice([1000, 5000, 10000])
        aggr = sample * rng.choice([2, 5, 10, 20])
        for name, val in [('intervals/sample_us', sample),
                          ('intervals/aggr_us', aggr),
                          ('intervals/update_us', rng.choice([aggr, 10**6])),
                          ('nr_regions/max', rng.choice([100, 200, 1000])),
                          ('nr_regions/min', rng.choice([3, 10, 20]))]:
            cw(f'{a}/{name}', str(val).encode(), str(val))
        nr_targets = rng.choice([1, 1, 2])
        cw(f'{c}/targets/nr_targets', str(nr_targets).encode(),
           str(nr_targets))
        if ops != 'paddr' and not self.workloads:
            self.spawn()
        for t in range(nr_targets):
            td = f'{c}/targets/{t}'
            nr_regions = 1 if ops == 'fvaddr' else rng.choice([0, 0, 1])
            r = self.workload_range() if ops != 'paddr' else \
                (1 << 20, 65 << 20)
            if r is None:
                nr_regions = 0
            if ops != 'paddr' and self.workloads:
                pid = str(rng.choice(self.workloads).pid)
                cw(f'{td}/pid_target', pid.encode(), pid)
            cw(f'{td}/regions/nr_regions', str(nr_regions).encode(),
               str(nr_regions))
            if nr_regions:
                cw(f'{td}/regions/0/start', str(r[0]).encode(), str(r[0]))
                cw(f'{td}/regions/0/end', str(r[1]).encode(), str(r[1]))
        if rng.random() < 0.5:
            n = rng.choice([0, 1, 2])
            cw(f'{c}/schemes/nr_schemes', str(n).encode(), str(n))
        cmd = 'commit' if self.read(f'{kd}/state') == 'on' else 'on'
        self.write(f'{kd}/state', cmd.encode(), cmd in WAITING_CMDS)

    def op_wild(self):
        """Commit huge intervals or a huge min_nr_regions to a kdamond.

        Random writes reach such settings too, but rarely together with a
        running kdamond and a waiting command; this makes them common.
        """
        if self.args.tame:
            return
        ks = self.kdamonds()
        if not ks:
            return
        k = self.rng.choice(ks)
        a = f'{ds.ctx_dir(k)}/monitoring_attrs'
        if self.rng.random() < 0.5:
            big = str(self.rng.choice([10**7, 10**10, 2**40, 2**62, 2**63,
                                       2**64 - 1]))
            names = ['intervals/aggr_us', 'intervals/sample_us']
        else:
            big = str(self.rng.choice([10**5, 10**6, 2**31 - 1, 2**32]))
            names = ['nr_regions/max', 'nr_regions/min']
        for name in names:
            self.checked_write(f'{a}/{name}', big.encode(), big)
        cmd = self.rng.choice(['on', 'commit'])
        self.write(f'{ds.kd_dir(k)}/state', cmd.encode(), cmd in WAITING_CMDS)

    OPS = [('write', 50), ('resize', 10), ('state', 15), ('storm', 2),
           ('off', 3), ('proc', 7), ('revive', 5), ('wild', 1), ('read', 8)]

    def run(self, nr_ops, deadline):
        signal.signal(signal.SIGUSR1, self.on_signal)
        names = [n for n, _ in self.OPS]
        weights = [w for _, w in self.OPS]
        try:
            while self.ops < nr_ops and not self.sh.stopping() and \
                    time.monotonic() < deadline:
                op = self.rng.choices(names, weights)[0]
                try:
                    getattr(self, 'op_' + op)()
                except Interrupted:
                    self.stats['interrupted'] += 1
                except (OSError, ValueError, subprocess.SubprocessError):
                    # The tree changed under us (ENOENT and such).
                    self.walk_age = 10**9
        except Exception:  # pylint: disable=broad-except
            self.record('error', trace=traceback.format_exc())
        finally:
            for w in self.workloads:
                w.kill()
                w.wait()
            self.record('stats', ops=self.ops, cmds=self.cmds, **self.stats)


def kdamond_config(desc):
    """What a stuck syscall's kdamond was told to run, for its report."""
    m = re.search(r'kdamonds/(\d+)/', desc)
    if not m:
        return ''
    c = ds.ctx_dir(int(m.group(1)))
    out = []
    for name in ('operations', 'monitoring_attrs/intervals/sample_us',
                 'monitoring_attrs/intervals/aggr_us',
                 'monitoring_attrs/intervals/update_us',
                 'monitoring_attrs/nr_regions/min',
                 'monitoring_attrs/nr_regions/max', 'schemes/nr_schemes'):
        try:
            out.append(f'{os.path.basename(name)}={ds.read(f"{c}/{name}")}')
        except OSError:
            pass
    try:
        for s in ds.numbered_dirs(f'{c}/schemes'):
            out.append(f'scheme{s}.apply_interval_us=' +
                       ds.read(f'{c}/schemes/{s}/apply_interval_us'))
    except OSError:
        pass
    return ' [its files now: ' + ' '.join(out) + ']'


def kernel_stack(pid):
    """The functions of the kernel stack of @pid, innermost first."""
    try:
        with open(f'/proc/{pid}/stack', encoding='ascii') as f:
            frames = [line.split()[1].split('+')[0] for line in f
                      if len(line.split()) > 1]
    except OSError:
        return '?'
    return ' < '.join(frames[:6]) or 'none'


def system_view(pid, desc=''):
    """Where worker @pid waits, what the kdamonds do and how loaded the
    guest is: tells a wait in DAMON from a guest that stalls as a whole.
    For the kill of a workload (@desc), also where the workload is."""
    out = [f'stack: {kernel_stack(pid)}']
    m = re.match(r'kill (\d+)$', desc)
    if m:
        try:
            state = ds.read(f'/proc/{m[1]}/status').split('State:')[1]
            state = state.split('\n')[0].strip()
        except (OSError, IndexError):
            state = 'gone'
        out.append(f'workload {m[1]} ({state}): {kernel_stack(m[1])}')
    for kpid, comm in sorted(ds.kdamond_threads().items()):
        out.append(f'{comm}: {kernel_stack(kpid)}')
    try:
        out.append('load ' + ' '.join(ds.read('/proc/loadavg').split()[:3]))
        out.append('memory pressure ' + ', '.join(
            ' '.join(line.split()[:2]) for line in
            ds.read('/proc/pressure/memory').splitlines()))
    except OSError:
        pass
    return ' {' + '; '.join(out) + '}'


class Monitor:
    """Watches the syscalls of the workers; finds the stuck ones."""

    def __init__(self, args, shared, pids):
        self.args = args
        self.sh = shared
        self.pids = pids
        self.signaled = {}      # (worker, seq) -> time of the signal
        self.stuck = {}         # (worker, seq) -> description
        self.waits = []         # interrupted waits: description
        self.slow = {}          # (worker, seq) -> description
        self.t0 = time.monotonic()

    def scan(self):
        now = time.monotonic()
        for w in range(self.sh.nr):
            view = self.sh.syscall(w)
            if view is None:
                continue
            seq, start, waits, desc = view
            key = (w, seq)
            for old in [k for k in self.signaled
                        if k[0] == w and (k != key or not start)]:
                # The syscall returned after the signal.
                back = (f'; returned {now - self.signaled[old]:.1f}s after '
                        'the signal')
                if old in self.stuck:
                    self.stuck[old] += back
                else:
                    self.waits.append(self.slow[old] + back)
                del self.signaled[old]
            if not start or now - start < self.args.limit:
                continue
            if key not in self.signaled:
                self.slow[key] = (f'worker {w}: {desc}: over '
                                  f'{self.args.limit:.0f}s at '
                                  f'{now - self.t0:.0f}s'
                                  + kdamond_config(desc)
                                  + system_view(self.pids[w], desc))
                self.signaled[key] = now
                if not waits:
                    self.stuck[key] = self.slow[key] + \
                        ' (not a waiting command)'
                try:
                    os.kill(self.pids[w], signal.SIGUSR1)
                except OSError:
                    pass
            elif key not in self.stuck and \
                    now - self.signaled[key] > self.args.limit:
                self.stuck[key] = self.slow[key] + \
                    f' (still there {self.args.limit:.0f}s after a signal)'

    def run(self, deadline):
        """Until every worker ended, or gave up on the stuck ones."""
        alive = set(self.pids)
        give_up = None
        next_progress = self.t0 + self.args.progress
        while alive:
            for pid in list(alive):
                if os.waitpid(pid, os.WNOHANG)[0]:
                    alive.discard(pid)
            self.scan()
            now = time.monotonic()
            if now >= deadline and not self.sh.stopping():
                self.sh.stop()
            if self.sh.stopping() and give_up is None:
                give_up = now + 2 * self.args.limit + 10
            if give_up is not None and now > give_up:
                break
            ops = sum(self.sh.get(w, F_OPS) for w in range(self.sh.nr))
            if ops >= self.args.ops:
                self.sh.stop()
            if self.args.progress > 0 and now >= next_progress:
                # A long run must not look like a hung guest.
                print(f'# progress: {ops} operations in {now - self.t0:.0f}s',
                      flush=True)
                next_progress = now + self.args.progress
            time.sleep(0.2)
        return alive


def kmsg_open():
    """Open the kernel log at its end, to read what comes after."""
    try:
        fd = os.open('/dev/kmsg', os.O_RDONLY | os.O_NONBLOCK)
        os.lseek(fd, 0, os.SEEK_END)
        return fd
    except OSError:
        return None


def kmsg_read(fd):
    lines = []
    while fd is not None:
        try:
            rec = os.read(fd, 8192).decode(errors='replace')
        except BlockingIOError:
            break
        except OSError as e:
            if e.errno == errno.EPIPE:  # overwritten records: go on
                continue
            break
        lines.append(rec.split(';', 1)[-1].rstrip('\n'))
    return lines


def splats(lines):
    """The number of splats in @lines and an excerpt around them."""
    heads = [i for i, l in enumerate(lines) if KMSG_SPLAT.search(l)]
    if not heads:
        heads = [i for i, l in enumerate(lines) if KMSG_TRACE.search(l)]
    excerpt = []
    for i in heads[:3]:
        excerpt += lines[max(0, i - 2):i + 25]
    return len(heads), excerpt


def kill_descendants(pids):
    """SIGKILL the workloads the (stuck) workers @pids left behind."""
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat', encoding='ascii') as f:
                ppid = int(f.read().rsplit(')', 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid in pids:
            try:
                os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass


def teardown(limit):
    """Turn every kdamond off and remove them.

    Returns the reports of the "off" and nr_kdamonds writes that kept
    failing, and the kdamond threads left.
    """
    problems = []
    deadline = time.monotonic() + limit
    try:
        ks = ds.numbered_dirs(ds.KDAMONDS)
    except OSError:
        ks = []
    for k in ks:
        err = errno.EBUSY
        while err == errno.EBUSY and time.monotonic() < deadline:
            err = ds.write(f'{ds.kd_dir(k)}/state', 'off')
            if err == errno.EBUSY:
                time.sleep(0.1)
        if err == errno.EBUSY:
            problems.append(f'off on kdamond {k}: EBUSY for {limit}s')
    deadline = time.monotonic() + limit
    err = errno.EBUSY
    while err and time.monotonic() < deadline:
        err = ds.write(f'{ds.KDAMONDS}/nr_kdamonds', '0')
        if err:
            time.sleep(0.1)
    if err:
        problems.append(f'nr_kdamonds 0: {ds.errname(err)}')
    ds.wait_for(lambda: not ds.kdamond_threads(), limit)
    return problems, ds.kdamond_threads()


def setup_tree(pid):
    """Two kdamonds with one of everything, monitoring @pid, to start
    from."""
    ds.reset()
    ds.must_write(f'{ds.KDAMONDS}/nr_kdamonds', 2)
    for k in range(2):
        c = ds.ctx_dir(k)
        ds.must_write(f'{ds.kd_dir(k)}/contexts/nr_contexts', 1)
        ds.must_write(f'{c}/targets/nr_targets', 1)
        ds.must_write(f'{c}/targets/0/pid_target', pid)
        ds.must_write(f'{c}/targets/0/regions/nr_regions', 1)
        ds.must_write(f'{c}/schemes/nr_schemes', 1)
        s = f'{c}/schemes/0'
        ds.must_write(f'{s}/quotas/goals/nr_goals', 1)
        ds.must_write(f'{s}/filters/nr_filters', 1)
    if os.path.exists('/sys/fs/cgroup/cgroup.controllers'):
        try:
            os.mkdir('/sys/fs/cgroup/damon_fuzz')
        except OSError:
            pass


def env_default(name, default, conv=int):
    val = os.environ.get(name)
    return conv(val) if val not in (None, '') else default


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--seed', type=int,
                   default=env_default('DAMON_FUZZ_SEED', None))
    p.add_argument('--ops', type=int,
                   default=env_default('DAMON_FUZZ_OPS', 4000))
    p.add_argument('--secs', type=float,
                   default=env_default('DAMON_FUZZ_SECS', 45, float))
    p.add_argument('--workers', type=int,
                   default=env_default('DAMON_FUZZ_WORKERS', 4))
    p.add_argument('--limit', type=float,
                   default=env_default('DAMON_FUZZ_LIMIT', 10, float))
    p.add_argument('--progress', type=float,
                   default=env_default('DAMON_FUZZ_PROGRESS', 60, float))
    p.add_argument('--tame', action='store_true',
                   default=env_default('DAMON_FUZZ_TAME', 0) == 1)
    args = p.parse_args()
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(2**32)
    return args


def fuzz(t, args, tmp):
    """Run the workers and the monitor; return what the checks need."""
    with open(f'{tmp}/locks', 'wb') as f:
        f.truncate(65536)
    shared = Shared(args.workers)
    start = time.monotonic()
    deadline = start + args.secs if args.secs > 0 else float('inf')
    per_worker = -(-args.ops // args.workers)
    pids = []
    for w in range(args.workers):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
                Worker(w, args, shared, tmp).run(per_worker, deadline)
            except BaseException:  # pylint: disable=broad-except
                code = 1
            os._exit(code)
        pids.append(pid)
    mon = Monitor(args, shared, pids)
    left = mon.run(deadline)
    secs = time.monotonic() - start
    ops = sum(shared.get(w, F_OPS) for w in range(args.workers))
    if left:
        t.diag(f'{len(left)} workers are still stuck in the kernel')
        kill_descendants(left)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
    return mon, ops, secs


def report(t, args, tmp, mon, ops, secs, leaks, problems, nsplats, excerpt):
    viol, errors, stats, cmds = [], [], {}, {}
    for name in sorted(os.listdir(tmp)):
        if not name.endswith('.jsonl'):
            continue
        with open(f'{tmp}/{name}', encoding='ascii') as f:
            for line in f:
                rec = json.loads(line)
                if rec['kind'] == 'violation':
                    viol.append(rec)
                elif rec['kind'] == 'error':
                    errors.append(rec)
                elif rec['kind'] == 'stats':
                    for k, v in rec['cmds'].items():
                        cmds[k] = cmds.get(k, 0) + v
                    for k, v in rec.items():
                        if isinstance(v, int) and k != 'worker':
                            stats[k] = stats.get(k, 0) + v
    stats.pop('ops', None)
    t.diag(f'{ops} operations in {secs:.1f}s by {args.workers} workers; '
           + ', '.join(f'{k} {v}' for k, v in sorted(stats.items())))
    t.diag('state commands: ' + ', '.join(f'{k}: {v}' for k, v in
                                          sorted(cmds.items())))
    for w in mon.waits[:10]:
        t.diag(f'interrupted wait: {w}')

    def listed(cls):
        found = [v for v in viol if v['cls'] == cls]
        for v in found[:10]:
            t.diag(f"{cls}: {v['path']} <- {v['value']}: "
                   + ', '.join(f'{k} {v[k]}' for k in
                               ('err', 'before', 'after', 'expected',
                                'detail') if k in v))
        return found

    t.ok(not listed('rejected-changed'),
         'a rejected write leaves the value unchanged')
    t.ok(not listed('accepted-lost'), 'an accepted write reads back')
    lockouts = listed('off-lockout')
    for p in problems:
        t.diag(f'teardown: {p}')
    t.ok(not lockouts and not problems,
         f'"off" and nr_kdamonds are never busy for {args.limit}s')
    for s in list(mon.stuck.values())[:10]:
        t.diag(f'stuck: {s}')
    t.ok(not mon.stuck, f'no syscall blocks for {args.limit}s '
         '(waiting commands end on a signal)')
    t.ok(not leaks, 'no kdamond thread is left after off and nr_kdamonds 0',
         f'left: {leaks}')
    for line in excerpt:
        t.diag(f'dmesg: {line}')
    t.ok(not nsplats, 'no kernel splat in dmesg')
    for e in errors:
        t.diag(f"worker {e['worker']}: {e['trace']}")
    t.ok(not errors, 'every worker of the fuzzer ran to completion')
    nviol = len(viol) + len(problems)
    t.diag(f'sysfs_fuzz: ops={ops} violations={nviol} stuck={len(mon.stuck)} '
           f'leaked={len(leaks)} splats={nsplats} seed={args.seed} '
           f'secs={secs:.0f}')


def teardown_bounded(args, tmp):
    """teardown() in a child, so that a write that never returns cannot
    hang the test: (problems, kdamond threads left)."""
    out = f'{tmp}/teardown.json'
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            problems, leaks = teardown(args.limit)
            with open(out, 'w', encoding='ascii') as f:
                json.dump([problems, leaks], f)
            code = 0
        finally:
            os._exit(code)
    if ds.wait_for(lambda: os.waitpid(pid, os.WNOHANG)[0] != 0,
                   3 * args.limit + 15) and os.path.exists(out):
        with open(out, encoding='ascii') as f:
            problems, leaks = json.load(f)
        return problems, leaks
    return ['teardown blocked in the kernel'], ds.kdamond_threads()


def main():
    args = parse_args()
    ds.require_damon()
    t = ds.Ktap(7)
    t.diag(f'seed {args.seed} (rerun with --seed {args.seed} or '
           f'DAMON_FUZZ_SEED={args.seed}); ops {args.ops}, secs {args.secs}, '
           f'workers {args.workers}, limit {args.limit}s'
           + (', tame' if args.tame else ''))
    kmsg = kmsg_open()
    tmp = tempfile.mkdtemp(prefix='damon_fuzz.')
    try:
        if os.access(os.path.join(ds.HERE, 'access_memory'), os.X_OK):
            pid = ds.Workload(8, 0, 4, 0).pid
        else:
            pid = os.getpid()
        setup_tree(pid)
        mon, ops, secs = fuzz(t, args, tmp)
        problems, leaks = teardown_bounded(args, tmp)
        nsplats, excerpt = splats(kmsg_read(kmsg))
        report(t, args, tmp, mon, ops, secs, leaks, problems, nsplats,
               excerpt)
    except Exception:  # pylint: disable=broad-except
        t.diag(traceback.format_exc())
        t.ok(False, 'the fuzzer ran to completion')
    finally:
        ds.Workload.kill_all()
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            os.rmdir('/sys/fs/cgroup/damon_fuzz')
        except OSError:
            pass
    t.finish()


if __name__ == '__main__':
    main()
