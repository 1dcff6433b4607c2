# SPDX-License-Identifier: GPL-2.0
"""Helpers shared by the DAMON sysfs selftests.

- Ktap: KTAP output and the kselftest exit codes.
- read()/write(): sysfs file access; write() returns the errno (0 on success)
  instead of raising, so that tests can assert on the error code.
- setup()/reset(): build and tear down a kdamonds/ tree.
- Workload: runs the access_memory program and reads its address ranges.
- Trace: collects damon:damon_aggregated events from tracefs and groups
  them into per-aggregation snapshots.
"""

import errno
import os
import re
import signal
import subprocess
import sys
import time
import traceback

sys.dont_write_bytecode = True

ADMIN = '/sys/kernel/mm/damon/admin'
KDAMONDS = ADMIN + '/kdamonds'
TRACEFS = '/sys/kernel/tracing'
HERE = os.path.dirname(os.path.abspath(__file__))

KSFT_PASS = 0
KSFT_FAIL = 1
KSFT_SKIP = 4


class Failure(Exception):
    """A setup step that the test relies on failed."""


class Ktap:
    """Minimal KTAP producer with the kselftest conventions."""

    def __init__(self, plan=None):
        self.plan = None
        self.nr = 0
        self.failed = 0
        print('TAP version 13', flush=True)
        if plan is not None:
            self.set_plan(plan)

    def set_plan(self, plan):
        self.plan = plan
        print(f'1..{plan}', flush=True)

    def diag(self, msg):
        for line in str(msg).splitlines():
            print(f'# {line}', flush=True)

    def ok(self, cond, desc, why=None):
        """Report one result; @why is printed as a diagnostic on failure."""
        self.nr += 1
        if cond:
            print(f'ok {self.nr} {desc}', flush=True)
        else:
            self.failed += 1
            if why is not None:
                self.diag(why)
            print(f'not ok {self.nr} {desc}', flush=True)
        return bool(cond)

    def skip(self, desc, why):
        self.nr += 1
        print(f'ok {self.nr} {desc} # SKIP {why}', flush=True)

    def finish(self):
        if self.plan is not None and self.nr != self.plan:
            self.diag(f'planned {self.plan} tests but ran {self.nr}')
            self.failed += 1
        print(f'# Totals: pass:{self.nr - self.failed} fail:{self.failed} '
              'xfail:0 xpass:0 skip:0 error:0', flush=True)
        sys.exit(KSFT_FAIL if self.failed else KSFT_PASS)


def skip_all(why):
    print('TAP version 13')
    print(f'1..0 # SKIP {why}', flush=True)
    sys.exit(KSFT_SKIP)


def require_damon():
    """Skip the whole test if this environment cannot run it."""
    if os.geteuid() != 0:
        skip_all('must be run as root')
    if not os.path.isdir(ADMIN):
        skip_all(f'{ADMIN} is missing (CONFIG_DAMON_SYSFS=n?)')


def run(main, plan=None):
    """Run @main(ktap) with DAMON reset before and after.

    An unexpected exception is reported as a failed test, after which
    the kdamonds, workloads and tracing are cleaned up.
    """
    require_damon()
    t = Ktap(plan)
    try:
        reset()
        main(t)
    except Exception:  # pylint: disable=broad-except
        t.diag(traceback.format_exc())
        t.ok(False, 'test ran to completion')
    finally:
        Workload.kill_all()
        Trace.disable()
        try:
            reset()
        except Exception:  # pylint: disable=broad-except
            t.diag(traceback.format_exc())
            t.ok(False, 'DAMON sysfs tree can be reset after the test')
    t.finish()


# === sysfs access ===

def read(path):
    with open(path, encoding='ascii') as f:
        return f.read().strip()


def write(path, value):
    """Write @value to @path in one write(2); return 0 or the errno."""
    try:
        fd = os.open(path, os.O_WRONLY)
    except OSError as e:
        return e.errno
    try:
        os.write(fd, str(value).encode())
        return 0
    except OSError as e:
        return e.errno
    finally:
        os.close(fd)


def must_write(path, value):
    err = write(path, value)
    if err:
        raise Failure(f'writing "{value}" to {path} failed: '
                      f'{errno.errorcode.get(err, err)}')


def errname(err):
    return 'success' if err == 0 else errno.errorcode.get(err, str(err))


def kd_dir(k=0):
    return f'{KDAMONDS}/{k}'


def ctx_dir(k=0, c=0):
    return f'{KDAMONDS}/{k}/contexts/{c}'


def target_dir(t=0, k=0, c=0):
    return f'{ctx_dir(k, c)}/targets/{t}'


def numbered_dirs(path):
    """Sorted list of the numbered subdirectories of @path."""
    return sorted(int(e) for e in os.listdir(path)
                  if e.isdigit() and os.path.isdir(os.path.join(path, e)))


def state(k=0):
    return read(f'{kd_dir(k)}/state')


def kdamond_pid(k=0):
    return int(read(f'{kd_dir(k)}/pid'))


def wait_for(cond, timeout, interval=0.2):
    """Poll @cond until it is true or @timeout seconds passed."""
    deadline = time.monotonic() + timeout
    while True:
        if cond():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def wait_state(want, timeout, k=0):
    return wait_for(lambda: state(k) == want, timeout)


def kdamond_threads():
    """Map of pid to comm for every kdamond thread in the system."""
    found = {}
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            comm = read(f'/proc/{entry}/comm')
        except OSError:
            continue
        if comm.startswith('kdamond'):
            found[int(entry)] = comm
    return found


def reset():
    """Turn every kdamond off and remove the whole kdamonds/ tree."""
    nr = int(read(f'{KDAMONDS}/nr_kdamonds'))
    for k in range(nr):
        if state(k) == 'on':
            write(f'{kd_dir(k)}/state', 'off')
    for k in range(nr):
        if not wait_state('off', 30, k):
            raise Failure(f'kdamond {k} does not turn off')
    if not wait_for(lambda: write(f'{KDAMONDS}/nr_kdamonds', 0) == 0, 30):
        raise Failure('cannot write 0 to nr_kdamonds')


def setup(ops, targets=(), sample_us=5000, aggr_us=100000,
          update_us=1000000, min_nr=10, max_nr=1000):
    """Build kdamond 0 with one context.

    @targets is a list of (pid, [(start, end), ...]); pid may be None for
    paddr.  Nothing is started.
    """
    reset()
    must_write(f'{KDAMONDS}/nr_kdamonds', 1)
    must_write(f'{kd_dir()}/contexts/nr_contexts', 1)
    set_ctx(ops, targets, sample_us, aggr_us, update_us, min_nr, max_nr)


def set_ctx(ops, targets=(), sample_us=5000, aggr_us=100000,
            update_us=1000000, min_nr=10, max_nr=1000):
    """Write the parameters of context 0 of kdamond 0."""
    c = ctx_dir()
    must_write(f'{c}/operations', ops)
    attrs = f'{c}/monitoring_attrs'
    must_write(f'{attrs}/intervals/sample_us', sample_us)
    must_write(f'{attrs}/intervals/aggr_us', aggr_us)
    must_write(f'{attrs}/intervals/update_us', update_us)
    # Order the writes so that min <= max holds at every step.
    must_write(f'{attrs}/nr_regions/max', max(max_nr, min_nr))
    must_write(f'{attrs}/nr_regions/min', min_nr)
    must_write(f'{attrs}/nr_regions/max', max_nr)
    must_write(f'{c}/targets/nr_targets', len(targets))
    for t, (pid, ranges) in enumerate(targets):
        d = target_dir(t)
        if pid is not None:
            must_write(f'{d}/pid_target', pid)
        must_write(f'{d}/regions/nr_regions', len(ranges))
        for r, (start, end) in enumerate(ranges):
            must_write(f'{d}/regions/{r}/start', start)
            must_write(f'{d}/regions/{r}/end', end)


def start(k=0):
    """Turn kdamond @k on; return the errno of the write."""
    return write(f'{kd_dir(k)}/state', 'on')


# === workloads ===

def cgroup_joiner(cgroup):
    """A preexec_fn that moves the child into the cgroup directory
    @cgroup, if any, before it runs, so that all its memory is charged
    there."""
    if not cgroup:
        return None

    def join():
        with open(f'{cgroup}/cgroup.procs', 'w', encoding='ascii') as f:
            f.write(str(os.getpid()))
    return join


class Workload:
    """An access_memory process; see access_memory.c for the arguments."""

    running = []

    def __init__(self, total_mib=64, hot_off_mib=24, hot_mib=8, secs=0,
                 stripe_kib=0, cgroup=None):
        prog = os.path.join(HERE, 'access_memory')
        args = [prog, str(total_mib), str(hot_off_mib), str(hot_mib),
                str(secs)]
        if stripe_kib:
            args.append(str(stripe_kib))
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                                     text=True,
                                     preexec_fn=cgroup_joiner(cgroup))
        Workload.running.append(self)
        self.pid = self.proc.pid
        line = self.proc.stdout.readline()
        try:
            self.start, self.end, self.hot_start, self.hot_end = \
                [int(v) for v in line.split()]
        except ValueError:
            self.stop()
            raise Failure(f'access_memory printed "{line.strip()}"')

    def alive(self):
        return self.proc.poll() is None

    def wait(self, timeout):
        """Wait for the exit; return False on timeout."""
        try:
            self.proc.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc.stdout.close()
        if self in Workload.running:
            Workload.running.remove(self)

    @classmethod
    def kill_all(cls):
        for w in list(cls.running):
            w.stop()


def dead_pid():
    """Return the pid of a process that has exited and been reaped."""
    proc = subprocess.Popen(['true'])
    proc.wait()
    return proc.pid


# === tracing ===

EVENT_RE = re.compile(r'damon_aggregated: target_id=(\d+) nr_regions=(\d+) '
                      r'(\d+)-(\d+): (\d+) (\d+)')


class Region:
    """One damon_aggregated event."""

    def __init__(self, m):
        (self.target, self.nr_regions, self.start, self.end,
         self.nr_accesses, self.age) = [int(v) for v in m.groups()]

    def __repr__(self):
        return (f'{self.target}:{self.start:#x}-{self.end:#x}'
                f'({self.nr_accesses},{self.age})')


class Trace:
    """The damon:damon_aggregated tracepoint."""

    enable_file = f'{TRACEFS}/events/damon/damon_aggregated/enable'

    @classmethod
    def require(cls, t):
        """Mount tracefs if needed; return False (after a skip) if absent."""
        if not os.path.isdir(f'{TRACEFS}/events'):
            subprocess.run(['mount', '-t', 'tracefs', 'nodev', TRACEFS],
                           stderr=subprocess.DEVNULL, check=False)
        if not os.path.isdir(f'{TRACEFS}/events'):
            return False
        if not os.path.exists(cls.enable_file):
            raise Failure(f'tracefs has no {cls.enable_file}')
        return True

    @classmethod
    def disable(cls):
        if os.path.exists(cls.enable_file):
            write(cls.enable_file, 0)

    @classmethod
    def collect(cls, secs):
        """Trace for @secs seconds; return the complete snapshots.

        A snapshot is a list of per-target region lists, in target order.
        It is complete when each target has as many events as its
        nr_regions field says; a partial one (at the start of the buffer)
        is dropped.
        """
        with open(f'{TRACEFS}/trace', 'w', encoding='ascii'):
            pass
        must_write(f'{TRACEFS}/tracing_on', 1)
        must_write(cls.enable_file, 1)
        time.sleep(secs)
        must_write(cls.enable_file, 0)
        with open(f'{TRACEFS}/trace', encoding='ascii') as f:
            events = [Region(m) for m in EVENT_RE.finditer(f.read())]
        return group_snapshots(events)


def group_snapshots(events):
    snapshots = []
    cur = []
    for ev in events:
        if cur:
            last = cur[-1][-1]
            if ev.target < last.target or (ev.target == last.target and
                                           ev.start < last.end):
                snapshots.append(cur)
                cur = []
        if not cur or cur[-1][-1].target != ev.target:
            cur.append([])
        cur[-1].append(ev)
    if cur:
        snapshots.append(cur)
    return [s for s in snapshots
            if all(len(regs) == regs[0].nr_regions for regs in s)]


def overlap(a_start, a_end, b_start, b_end):
    return max(0, min(a_end, b_end) - max(a_start, b_start))
