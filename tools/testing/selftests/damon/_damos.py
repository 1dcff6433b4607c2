# SPDX-License-Identifier: GPL-2.0
"""Helpers shared by the DAMOS (schemes) selftests, on top of _damon_sysfs.

- set_schemes(): write the schemes/ directory of context 0 from Scheme
  objects; each field maps to one file of the stock 6.12 ABI.
- cmd(), stats(), tried(), effective_bytes(): the scheme commands of the
  kdamond "state" file and the files they refresh.
- Zram: a zram swap device for the tests that page memory out.
- Buffers: a process holding anonymous and shmem buffers, optionally in a
  cgroup; rss() and majflt(): what the tests measure on processes.
- Cgroup: a cgroup v2 child with the memory controller.
- run(): like _damon_sysfs.run(), plus the cleanup of the above.
"""

import os
import re
import subprocess
import sys
import time

import _damon_sysfs as ds

sys.dont_write_bytecode = True

KIB = 1 << 10
MIB = 1 << 20
PAGE = os.sysconf('SC_PAGESIZE')
ULONG_MAX = (1 << 64) - 1
UINT_MAX = (1 << 32) - 1

STATS = ('nr_tried', 'sz_tried', 'nr_applied', 'sz_applied', 'qt_exceeds')
# Stats files of later kernels, read when they exist.
STATS_EXT = ('sz_ops_filter_passed',)


def schemes_dir(k=0, c=0):
    return f'{ds.ctx_dir(k, c)}/schemes'


def scheme_dir(s=0, k=0, c=0):
    return f'{schemes_dir(k, c)}/{s}'


# === schemes/ ===

class Filter:
    """One filters/N/ directory.  @arg is the address range for 'addr',
    the target index for 'target' and the cgroup path for 'memcg'.
    @allow, unless None, is written to the "allow" file, an extension of
    the 6.12 ABI."""

    def __init__(self, ftype, matching, arg=None, allow=None):
        self.type = ftype
        self.matching = matching
        self.arg = arg
        self.allow = allow


class Scheme:
    """One schemes/N/ directory.

    @sz, @nr and @age are (min, max) pairs of the access pattern; @quota is
    a dict with any of ms, bytes, reset_ms and weights (a 3-tuple);
    @goals is a list of (metric, target_value, current_value); @wmarks is
    (metric, interval_us, high, mid, low); @filters a list of Filter.
    """

    def __init__(self, action='stat', sz=(0, ULONG_MAX), nr=(0, UINT_MAX),
                 age=(0, UINT_MAX), apply_us=0, quota=None, goals=(),
                 wmarks=None, filters=()):
        self.action = action
        self.sz = sz
        self.nr = nr
        self.age = age
        self.apply_us = apply_us
        self.quota = quota or {}
        self.goals = list(goals)
        self.wmarks = wmarks
        self.filters = list(filters)


def write_range(d, lo, hi, write=ds.must_write):
    """Write min and max of directory @d, in an order that never inverts
    the pair on the way.  Returns the first errno (0 on success)."""
    try:
        cur_min = int(ds.read(f'{d}/min'))
    except (OSError, ValueError):
        cur_min = 0
    order = [('max', hi), ('min', lo)] if hi >= cur_min else \
        [('min', lo), ('max', hi)]
    for name, value in order:
        err = write(f'{d}/{name}', value)
        if err:
            return err
    return 0


def target_idx_file(fdir):
    """The 6.12 ABI file name is damon_target_idx; the usage document calls
    it target_idx.  Use whichever exists."""
    for name in ('damon_target_idx', 'target_idx'):
        if os.path.exists(f'{fdir}/{name}'):
            return f'{fdir}/{name}'
    raise ds.Failure(f'no damon_target_idx file in {fdir}')


def write_filters(d, filters):
    ds.must_write(f'{d}/filters/nr_filters', len(filters))
    for i, f in enumerate(filters):
        fd = f'{d}/filters/{i}'
        ds.must_write(f'{fd}/type', f.type)
        ds.must_write(f'{fd}/matching', 'Y' if f.matching else 'N')
        if f.allow is not None:
            ds.must_write(f'{fd}/allow', 'Y' if f.allow else 'N')
        if f.type == 'addr':
            ds.must_write(f'{fd}/addr_start', f.arg[0])
            ds.must_write(f'{fd}/addr_end', f.arg[1])
        elif f.type == 'target':
            ds.must_write(target_idx_file(fd), f.arg)
        elif f.type == 'memcg':
            ds.must_write(f'{fd}/memcg_path', f.arg)


def write_scheme(s, sc, k=0, c=0):
    d = scheme_dir(s, k, c)
    ds.must_write(f'{d}/action', sc.action)
    ds.must_write(f'{d}/apply_interval_us', sc.apply_us)
    ap = f'{d}/access_pattern'
    write_range(f'{ap}/sz', *sc.sz)
    write_range(f'{ap}/nr_accesses', *sc.nr)
    write_range(f'{ap}/age', *sc.age)
    q = f'{d}/quotas'
    ds.must_write(f'{q}/ms', sc.quota.get('ms', 0))
    ds.must_write(f'{q}/bytes', sc.quota.get('bytes', 0))
    ds.must_write(f'{q}/reset_interval_ms', sc.quota.get('reset_ms', 0))
    for name, value in zip(('sz_permil', 'nr_accesses_permil', 'age_permil'),
                           sc.quota.get('weights', (0, 0, 0))):
        ds.must_write(f'{q}/weights/{name}', value)
    ds.must_write(f'{q}/goals/nr_goals', len(sc.goals))
    for i, (metric, target, current) in enumerate(sc.goals):
        ds.must_write(f'{q}/goals/{i}/target_metric', metric)
        ds.must_write(f'{q}/goals/{i}/target_value', target)
        ds.must_write(f'{q}/goals/{i}/current_value', current)
    w = f'{d}/watermarks'
    metric, interval, high, mid, low = sc.wmarks or ('none', 0, 0, 0, 0)
    ds.must_write(f'{w}/metric', metric)
    ds.must_write(f'{w}/interval_us', interval)
    # high >= mid >= low at every step when going up or down.
    for name, value in sorted((('high', high), ('mid', mid), ('low', low)),
                              key=lambda nv: -nv[1]):
        ds.must_write(f'{w}/{name}', value)
    write_filters(d, sc.filters)


def set_schemes(schemes, k=0, c=0):
    """Make schemes/ of context @c hold exactly @schemes."""
    ds.must_write(f'{schemes_dir(k, c)}/nr_schemes', len(schemes))
    for s, sc in enumerate(schemes):
        write_scheme(s, sc, k, c)


# === state commands and the files they refresh ===

def cmd(command, k=0):
    """Write @command to the state file of kdamond @k; return the errno."""
    return ds.write(f'{ds.kd_dir(k)}/state', command)


def must_cmd(command, k=0):
    err = cmd(command, k)
    if err:
        raise ds.Failure(f'"{command}" to state failed: {ds.errname(err)}')


def stats(s=0, k=0, c=0, update=True):
    """Stats of scheme @s as a dict, after update_schemes_stats."""
    if update:
        must_cmd('update_schemes_stats', k)
    d = f'{scheme_dir(s, k, c)}/stats'
    names = STATS + tuple(n for n in STATS_EXT if os.path.exists(f'{d}/{n}'))
    return {name: int(ds.read(f'{d}/{name}')) for name in names}


class TriedRegion:
    def __init__(self, d):
        self.start = int(ds.read(f'{d}/start'))
        self.end = int(ds.read(f'{d}/end'))
        self.nr_accesses = int(ds.read(f'{d}/nr_accesses'))
        self.age = int(ds.read(f'{d}/age'))
        # An extension from later kernels: None where absent.
        try:
            self.sz_filter_passed = int(ds.read(f'{d}/sz_filter_passed'))
        except FileNotFoundError:
            self.sz_filter_passed = None

    def size(self):
        return self.end - self.start

    def __repr__(self):
        return (f'{self.start:#x}-{self.end:#x}'
                f'({self.nr_accesses},{self.age})')


def tried_regions(s=0, k=0, c=0):
    """(total_bytes, [TriedRegion]) of scheme @s as the files read now."""
    d = f'{scheme_dir(s, k, c)}/tried_regions'
    regions = [TriedRegion(f'{d}/{r}') for r in ds.numbered_dirs(d)]
    return int(ds.read(f'{d}/total_bytes')), regions


def tried(s=0, k=0, c=0):
    """update_schemes_tried_regions, then tried_regions()."""
    must_cmd('update_schemes_tried_regions', k)
    return tried_regions(s, k, c)


def effective_bytes(s=0, k=0, c=0):
    must_cmd('update_schemes_effective_quotas', k)
    return int(ds.read(f'{scheme_dir(s, k, c)}/quotas/effective_bytes'))


def sleep_until(deadline):
    time.sleep(max(0.0, deadline - time.monotonic()))


# === processes ===

def status(pid):
    """/proc/PID/status as a dict of name to the first field (kB values
    as kB)."""
    out = {}
    with open(f'/proc/{pid}/status', encoding='ascii') as f:
        for line in f:
            name, _, value = line.partition(':')
            fields = value.split()
            if fields:
                out[name] = fields[0]
    return out


def rss(pid, kind='VmRSS'):
    """Resident bytes of @pid: VmRSS, RssAnon, RssFile or RssShmem."""
    return int(status(pid).get(kind, 0)) * KIB


def majflt(pid):
    """Major faults of @pid: swap-ins, for an anonymous working set."""
    with open(f'/proc/{pid}/stat', encoding='ascii') as f:
        fields = f.read().rpartition(')')[2].split()
    return int(fields[9])



def system_ram():
    """Largest top-level System RAM range of /proc/iomem, [start, end)."""
    best = None
    with open('/proc/iomem', encoding='ascii') as f:
        for line in f:
            m = re.match(r'([0-9a-f]+)-([0-9a-f]+) : System RAM$',
                         line.rstrip())
            if not m:
                continue
            start, end = int(m.group(1), 16), int(m.group(2), 16) + 1
            if best is None or end - start > best[1] - best[0]:
                best = (start, end)
    if not best or best[0] >= best[1]:
        raise ds.Failure('no System RAM range in /proc/iomem')
    return best


def free_mem_rate():
    """System free memory in per mille of the total, as DAMOS computes it
    (free pages over total RAM pages)."""
    info = {}
    with open('/proc/meminfo', encoding='ascii') as f:
        for line in f:
            name, _, value = line.partition(':')
            info[name] = int(value.split()[0])
    return info['MemFree'] * 1000 // info['MemTotal']


class Buffers(ds.Workload):
    """A _damos_buffers.py process: anonymous and shmem buffers that it
    populates once and never touches again.  With @cgroup, the process
    joins that cgroup directory before it allocates anything, so that its
    memory is charged there."""

    # pylint: disable=super-init-not-called
    def __init__(self, anon_mib, shmem_mib, cgroup=None):
        prog = os.path.join(ds.HERE, '_damos_buffers.py')
        self.proc = subprocess.Popen(
            [sys.executable, prog, str(anon_mib), str(shmem_mib)],
            stdout=subprocess.PIPE, text=True,
            preexec_fn=ds.cgroup_joiner(cgroup))
        ds.Workload.running.append(self)
        self.pid = self.proc.pid
        line = self.proc.stdout.readline().split()
        if len(line) != 4:
            self.stop()
            raise ds.Failure(f'_damos_buffers.py printed "{line}"')
        (self.anon_start, self.anon_end, self.shmem_start,
         self.shmem_end) = [int(v) for v in line]


# === environment ===

class Zram:
    """zram0 as swap, for the tests that page memory out."""

    dev = '/dev/zram0'
    sysdir = '/sys/block/zram0'
    active = False

    @classmethod
    def setup(cls, size_mib=512):
        """Return None, or why swap on zram cannot be set up."""
        if not os.path.isdir(cls.sysdir):
            return f'{cls.sysdir} is missing (CONFIG_ZRAM=n?)'
        if not os.path.exists(cls.dev):
            return f'{cls.dev} is missing'
        with open('/proc/swaps', encoding='ascii') as f:
            if cls.dev in f.read():
                return f'{cls.dev} is already in use as swap'
        ds.write(f'{cls.sysdir}/reset', 1)
        ds.must_write(f'{cls.sysdir}/disksize', f'{size_mib}M')
        for argv in (['mkswap', cls.dev], ['swapon', cls.dev]):
            try:
                res = subprocess.run(argv, capture_output=True, text=True,
                                     check=False)
            except OSError as e:
                return f'cannot run {argv[0]}: {e}'
            if res.returncode:
                raise ds.Failure(f'{" ".join(argv)}: {res.stderr.strip()}')
        cls.active = True
        return None

    @classmethod
    def teardown(cls):
        if not cls.active:
            return
        subprocess.run(['swapoff', cls.dev], capture_output=True,
                       check=False)
        ds.write(f'{cls.sysdir}/reset', 1)
        cls.active = False


class Cgroup:
    """A child of the cgroup v2 root with the memory controller."""

    root = '/sys/fs/cgroup'
    created = []

    def __init__(self, name):
        self.name = name
        self.path = f'{self.root}/{name}'
        self.memcg_path = f'/{name}'

    @classmethod
    def available(cls):
        """Return None, or why a memory cgroup cannot be created."""
        ctrl = f'{cls.root}/cgroup.controllers'
        if not os.path.exists(ctrl):
            return f'no cgroup v2 mounted at {cls.root}'
        if 'memory' not in ds.read(ctrl).split():
            return 'the memory controller is not available (CONFIG_MEMCG=n?)'
        return None

    @classmethod
    def create_if_available(cls, name):
        """The new cgroup @name, or None where memory cgroups are not
        available.  For tests that keep their paddr schemes off the rest of
        the guest where they can (see memcg_only()), and run without that
        fence elsewhere."""
        return None if cls.available() else cls(name).create()

    def create(self):
        sub = f'{self.root}/cgroup.subtree_control'
        if 'memory' not in ds.read(sub).split():
            ds.must_write(sub, '+memory')
        self.remove()
        os.mkdir(self.path)
        Cgroup.created.append(self)
        return self

    def remove(self):
        if not os.path.isdir(self.path):
            return
        # Move leftover processes out, then remove the directory.
        for pid in ds.read(f'{self.path}/cgroup.procs').split():
            ds.write(f'{self.root}/cgroup.procs', pid)
        for _ in range(50):
            try:
                os.rmdir(self.path)
                break
            except OSError:
                time.sleep(0.1)
        if self in Cgroup.created:
            Cgroup.created.remove(self)

    @classmethod
    def remove_all(cls):
        for cg in list(cls.created):
            cg.remove()


def memcg_only(cg):
    """The filters that keep a paddr scheme on the pages of @cg (a Cgroup),
    rejecting all others; none when @cg is None."""
    return [Filter('memcg', False, cg.memcg_path)] if cg else []


def run(main, plan=None):
    """_damon_sysfs.run() that also removes the swap device and cgroups.

    Processes and kdamonds go first, so that swapoff has little to read
    back and the cgroups are empty.
    """
    def wrapped(t):
        try:
            main(t)
        finally:
            ds.Workload.kill_all()
            try:
                ds.reset()
            finally:
                Zram.teardown()
                Cgroup.remove_all()

    ds.run(wrapped, plan)
