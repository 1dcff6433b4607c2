#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Drive this kernel's DAMON through damo, the user-space tool, in the VM.

    compat.py --damo DIR --workload BIN --out DIR [--tests 'T ...']
              [--no-damo-debugfs] [--damo-repeats N]

Copies damo from DIR to /tmp/damo (damo's tests write into their own
directory), adapts the copy's timing bounds to TCG (ADAPT below), sets up
swap on zram, starts the hot/cold workload and runs every check in CHECKS,
then damo's own test directories listed in --tests.  Those run their
rounds through the deprecated debugfs interface too whenever
/sys/kernel/debug/damon exists; --no-damo-debugfs unmounts debugfs while
they run, so that they test the sysfs interface only.  --damo-repeats
runs each of tests/start_stop's four loops of one damo report command N
times instead of 10.  Each check prints
"ok N name" or "not ok N name" with what failed: the damo command, its
output, the sysfs write that failed and its errno, and which of damo's
scheme values the kernel refuses on its own (a probe through sysfs).
Writes OUT/results ("ok|not ok|skip NAME" per line) and OUT/detail.log (the
kdamond sysfs tree and kernel log at each failure).  Exits 0 when every
check passed.
"""

import argparse
import contextlib
import errno
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True

ADMIN = '/sys/kernel/mm/damon/admin'
KDAMONDS = ADMIN + '/kdamonds'
TRACING = '/sys/kernel/tracing'
DEBUGFS = '/sys/kernel/debug'
DEBUGFS_DAMON = DEBUGFS + '/damon'
DAMO_COPY = '/tmp/damo'
MIB = 1 << 20

# damo's tests assume native speed where TCG is 5-20x slower.  Each entry
# edits the throw-away copy in /tmp/damo: (file, old text, new text, count
# of occurrences expected, why).  A count that does not match fails the
# step, so a newer damo cannot silently run unadapted.
ADAPT = [
    ('tests/record/test.sh',
     '"$damo" validate', '"$damo" validate --aggr 75000 200000', 2,
     'aggregation intervals measured in the record run up to 1.6x long on '
     'TCG (default bound 75-125 ms)'),
    ('tests/start_stop/test.sh',
     '"$damo" validate 2>', '"$damo" validate --aggr 75000 200000 2>', 1,
     'same bound as tests/record, before the tune'),
    ('tests/start_stop/test.sh',
     'validate --aggr 180000 225000', 'validate --aggr 180000 360000', 1,
     'same 1.6x slack after "damo tune --aggr 200000"'),
    ('tests/schemes/test.sh',
     '\tsleep 5\n\trss=$(ps -o rss=, --pid "$workload_pid")\n'
     '\tif [ "$rss" -lt 800000 ]',
     '\twait_faulted "$workload_pid"\n'
     '\trss=$(ps -o rss=, --pid "$workload_pid")\n'
     '\tif [ "$rss" -lt 800000 ]', 2,
     'the two checks that expect alloc_1gb_spin\'s 1 GiB resident wait '
     'until it has faulted it in, then 5 s: on TCG its fault rate varies '
     'from 20 to 800 MiB/s from one second to the next'),
    ('tests/schemes/test.sh',
     '\tsleep 5\n\trss=$(ps -o rss=, --pid "$workload_pid")\n'
     '\tif [ "$rss" -gt 500000 ]',
     '\twait_faulted "$workload_pid"\n\tsleep 5\n'
     '\trss=$(ps -o rss=, --pid "$workload_pid")\n'
     '\tif [ "$rss" -gt 500000 ]', 1,
     'the check that expects pageout to have shrunk alloc_1gb_spin below '
     '500 MB waits until it has faulted its 1 GiB in, then 10 s: on TCG '
     'the faults and the pageout to zram both run at a fraction of native '
     'speed, and the debugfs round of the test runs it twice'),
    ('tests/schemes/test.sh',
     '\ntest_filters() {\n',
     '\n# Added by make compat: wait until the process $1 has taken the\n'
     '# 262,144 faults of touching 1 GiB (at most 240 s), then 5 s more.\n'
     'wait_faulted() {\n'
     '\tlocal i flt\n'
     '\tfor i in $(seq 240); do\n'
     '\t\tflt=$(awk \'{print $10 + $12}\' "/proc/$1/stat")\n'
     '\t\t[ "$flt" -ge 262144 ] && break\n'
     '\t\tsleep 1\n'
     '\tdone\n'
     '\tsleep 5\n'
     '\techo "make compat: pid $1 took $flt faults in ${i} s;" \\\n'
     '\t\t"$(grep VmSwap "/proc/$1/status")"\n'
     '}\n\ntest_filters() {\n', 1,
     'the helper of the edit above; its line shows whether the workload '
     'was swapped out'),
    ('tests/schemes/test.sh',
     '\t\ttest_filters || exit 1\n',
     '\t\t[ "$damon_interface" != sysfs ] || test_filters || exit 1\n', 1,
     'test_filters does not pass the interface of its round to damo, so '
     'its debugfs round repeats the sysfs one: run it once'),
    ('tests/schemes/stairs.py',
     'time_for_stair = 3\n', 'time_for_stair = 12\n', 1,
     'each damo command takes 4-9 s on TCG: a 6 s workload ends before '
     'the first "damo report", whose stale stats of the previous kdamond '
     'then fail schemes-stat or schemes-speed-limit'),
]


class Fail(Exception):
    """A check failed; the message says what and why."""


def log(*args):
    print(*args, flush=True)


def read(path):
    with open(path, encoding='ascii') as f:
        return f.read().strip()


def write(path, val):
    """Write @val to the sysfs file @path; return None or the errno name."""
    try:
        with open(path, 'w', encoding='ascii') as f:
            f.write(str(val))
    except OSError as e:
        return f'{errno_name(e.errno)} ({os.strerror(e.errno)})'
    return None


def errno_name(num):
    return errno.errorcode.get(num, str(num))


def indent(text, prefix='    '):
    return '\n'.join(prefix + line for line in text.rstrip().splitlines())


class Env:
    """State shared by the checks: the workload, paths, the output files."""

    def __init__(self, args):
        self.out = args.out
        self.workload_bin = args.workload
        self.detail = open(os.path.join(args.out, 'detail.log'), 'w',
                           encoding='utf-8')
        self.results = open(os.path.join(args.out, 'results'), 'w',
                            encoding='utf-8')
        self.tmp = '/tmp/compat'
        self.pid = None
        self.hot = self.cold = None
        self.probed = set()
        self.klog_seen = 0
        self.nr = 0
        self.nr_failed = 0
        self.damo_debugfs = args.damo_debugfs
        self.damo_repeats = args.damo_repeats


ENV = None


# ---------------------------------------------------------------------------
# damo

def damo(*args, timeout=180, check=True):
    """Run damo; return its output.  A non-zero exit raises Fail with the
    command, its output, and a probe of the values the kernel refused."""
    cmd = [os.path.join(DAMO_COPY, 'damo')] + [str(a) for a in args]
    try:
        res = subprocess.run(cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True,
                             timeout=timeout, cwd=ENV.tmp, check=False)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else e.stdout
        raise Fail(f'`{shown(cmd)}` did not end in {timeout}s:\n'
                   + indent(damo_errors(out or '')))
    if res.returncode and check:
        raise Fail(f'`{shown(cmd)}` exited {res.returncode}:\n'
                   + indent(damo_errors(res.stdout)) + probe(res.stdout))
    return res.stdout


def shown(cmd):
    return ' '.join(['damo'] + [a if a and ' ' not in a else repr(a)
                                for a in cmd[1:]])


TRACE_RE = re.compile(r"^(read|write) '")


def damo_errors(out):
    """damo's output without its --debug_damon trace, plus the last sysfs
    writes before a failing one."""
    lines = out.splitlines()
    msgs = [line for line in lines
            if not TRACE_RE.match(line) and not line.startswith(('fvaddr',
                                                                   'paddr'))]
    writes = [line for line in lines if line.startswith("write '")]
    text = '\n'.join(msgs[-30:])
    if writes and 'failed' in out:
        text += ('\nlast sysfs writes damo made (--debug_damon):\n'
                 + indent('\n'.join(w.replace(KDAMONDS + '/', '')
                                    for w in writes[-6:]), '  '))
    return text


WRITE_RE = re.compile(r"^write '(.*)' to '" + KDAMONDS +
                      r"/0/contexts/0/schemes/0/(.*)'$")
FAILED_RE = re.compile(r"writing (\S+) to (\S+) failed \((.*)\)")


def probe(out):
    """When damo failed on 'on' or 'commit', find which of the scheme values
    it wrote the kernel refuses: write each alone into a fresh vaddr kdamond
    (a stat scheme otherwise at the kernel's defaults) and turn it on, and
    then commit it into a running one.  Returns a report, or ''."""
    m = FAILED_RE.search(out)
    if not m or m.group(1) not in ('on', 'commit') or ENV.pid is None:
        return ''
    values = {}
    for line in out.splitlines():
        w = WRITE_RE.match(line)
        if w:
            values[w.group(2)] = w.group(1)
    if not values:
        return ''
    key = tuple(sorted(values.items()))
    if key in ENV.probed:
        return ('\n  (the scheme values were probed at an earlier failure '
                'above)')
    ENV.probed.add(key)
    # A filter or a quota goal is one unit: its files mean nothing alone.
    units = {}
    for rel, val in values.items():
        m = re.match(r'((?:filters|quotas/goals)/\d+)/', rel)
        if rel.endswith(('nr_filters', 'nr_goals')):
            continue
        units.setdefault(m.group(1) if m else rel, {})[rel] = val
    lines = []
    refused = []
    for unit, vals in units.items():
        res_on = probe_one(values, vals, 'on')
        res_commit = probe_one(values, vals, 'commit')
        if res_on != 'ok' or res_commit != 'ok':
            shown_vals = ', '.join(f'{k[len(unit) + 1:] or k}={v}'
                                   for k, v in vals.items())
            refused.append(f'{unit} ({shown_vals}): on {res_on}, '
                           f'commit {res_commit}'
                           if len(vals) > 1 else
                           f'{unit} = {list(vals.values())[0]}: on '
                           f'{res_on}, commit {res_commit}')
    res_on = probe_one(values, values, 'on')
    res_commit = probe_one(values, values, 'commit')
    lines.append(f'all {len(values)} values damo wrote to schemes/0: '
                 f'on {res_on}, commit {res_commit}')
    if refused:
        lines.append('refused alone (each written into an otherwise '
                     'default scheme):')
        lines += ['  ' + r for r in refused]
    else:
        lines.append('no single value is refused alone')
    stop_all()
    return ('\n  probe (sysfs, kdamond 0, vaddr on the workload):\n'
            + indent('\n'.join(lines), '    '))


def probe_one(all_values, values, how):
    """Set a vaddr kdamond up with one scheme holding @values, then 'on' it
    ('on') or commit it into a running kdamond ('commit')."""
    stop_all()
    ctx = KDAMONDS + '/0/contexts/0'
    steps = [(KDAMONDS + '/nr_kdamonds', 1),
             (KDAMONDS + '/0/contexts/nr_contexts', 1),
             (ctx + '/operations', 'vaddr'),
             (ctx + '/targets/nr_targets', 1),
             (ctx + '/targets/0/pid_target', ENV.pid)]
    if how == 'commit':
        for path, val in steps:
            err = write(path, val)
            if err:
                return f'setup {path} {err}'
        err = write(KDAMONDS + '/0/state', 'on')
        if err:
            return f'(on without a scheme: {err})'
        steps = []
    steps.append((ctx + '/schemes/nr_schemes', 1))
    for rel, val in values.items():
        # Filters and goals need their directory first.
        m = re.match(r'(filters|quotas/goals)/\d+/', rel)
        if m:
            nr = 'nr_filters' if m.group(1) == 'filters' else 'nr_goals'
            nr_path = f'{ctx}/schemes/0/{m.group(1)}/{nr}'
            if not any(p == nr_path for p, _ in steps):
                steps.append((nr_path, all_values.get(
                    f'{m.group(1)}/{nr}', 1)))
        if rel.endswith(('nr_filters', 'nr_goals')):
            continue
        steps.append((ctx + '/schemes/0/' + rel, val))
    for path, val in steps:
        err = write(path, val)
        if err:
            return f'write {path.replace(ctx + "/", "")} {err}'
    err = write(KDAMONDS + '/0/state', how)
    return err or 'ok'


def stop_all():
    """Turn every kdamond off through sysfs and remove them."""
    try:
        nr = int(read(KDAMONDS + '/nr_kdamonds'))
    except OSError:
        return
    for i in range(nr):
        if read(f'{KDAMONDS}/{i}/state') == 'on':
            write(f'{KDAMONDS}/{i}/state', 'off')
    for _ in range(100):
        if not kdamond_threads():
            break
        time.sleep(0.1)
    write(KDAMONDS + '/nr_kdamonds', 0)


def kdamond_threads():
    """pids of the kdamond kernel threads."""
    pids = []
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            if read(f'/proc/{d}/comm').startswith('kdamond'):
                pids.append(int(d))
        except OSError:
            pass
    return pids


def dump_tree():
    lines = []
    for root, _, files in sorted(os.walk(KDAMONDS)):
        for f in sorted(files):
            path = os.path.join(root, f)
            try:
                val = read(path).replace('\n', ' ')
            except OSError as e:
                val = f'<{errno_name(e.errno)}>'
            lines.append(f'{path[len(KDAMONDS) + 1:]} = {val}')
    return '\n'.join(lines)


def new_klog():
    try:
        out = subprocess.run(['dmesg'], capture_output=True, text=True,
                             check=False).stdout.splitlines()
    except OSError:
        return ''
    new = out[ENV.klog_seen:]
    ENV.klog_seen = len(out)
    return '\n'.join(new)


# ---------------------------------------------------------------------------
# what the checks look at

def running_kdamond(idx=0):
    """The pid of kdamond @idx, failing unless it is on."""
    state = read(f'{KDAMONDS}/{idx}/state')
    if state != 'on':
        raise Fail(f'kdamonds/{idx}/state reads "{state}", not "on"')
    pid = int(read(f'{KDAMONDS}/{idx}/pid'))
    if pid <= 0 or not os.path.exists(f'/proc/{pid}'):
        raise Fail(f'kdamonds/{idx}/pid reads {pid}: no such thread')
    return pid


def vaddr_running():
    try:
        return (read(KDAMONDS + '/0/state') == 'on' and
                read(KDAMONDS + '/0/contexts/0/operations') == 'vaddr' and
                read(KDAMONDS + '/0/contexts/0/targets/0/pid_target') ==
                str(ENV.pid))
    except OSError:
        return False


def ensure_stopped():
    """No kdamond running: `damo stop`, then sysfs if that did not do."""
    if kdamond_threads():
        damo('stop', check=False)
    stop_all()


def ensure_vaddr():
    """kdamond 0 monitoring the workload, started by `damo start` if an
    earlier check did not leave it running."""
    if vaddr_running():
        return
    ensure_stopped()
    try:
        damo('start', '--target_pid', ENV.pid)
    except Fail as e:
        raise Fail(f'(needs a running kdamond, which it starts) {e}')


REGION_RE = re.compile(r'^R\s+(\d+)\s+(\d+)\s+([\d.]+)\s+(\d+)$')


def access_snapshot(*extra):
    """Regions of a `damo report access` snapshot: (start, end, rate %,
    age us).  Fails if an access rate exceeds 100%: a region cannot be
    found accessed in more samples than an aggregation interval has."""
    # The snapshot's head and tail are set too: damo 3.3.0's default tail
    # for a scheme with filters computes a memory bandwidth from each
    # region's sz_filter_passed, which kernels before 6.14 do not have
    # (TypeError on None).
    out = damo('report', 'access', '--raw_number', '--format', 'set',
               'region', 'R <start address> <end address> <access rate> '
               '<age>', '--format', 'set', 'snapshot_head', '',
               '--format', 'set', 'snapshot_tail', '', *extra,
               '--debug_damon')
    regions = []
    for line in out.splitlines():
        m = REGION_RE.match(line.strip())
        if m:
            regions.append((int(m.group(1)), int(m.group(2)),
                            float(m.group(3)), int(m.group(4))))
    if not regions:
        raise Fail('`damo report access` printed no region:\n'
                   + indent(damo_errors(out)))
    over = [r for r in regions if r[2] > 100]
    if over:
        raise Fail(f'{len(over)} of {len(regions)} regions have an access '
                   'rate over 100% (start end rate% age_us):\n'
                   + indent('\n'.join(' '.join(str(x) for x in r)
                                      for r in over[:10])))
    return regions


def overlap(regions, lo, hi, accessed=None):
    """Bytes of [lo, hi) that @regions cover (only accessed or only idle
    ones when @accessed is True or False)."""
    total = 0
    for start, end, rate, _ in regions:
        if accessed is not None and (rate > 0) != accessed:
            continue
        total += max(0, min(end, hi) - max(start, lo))
    return total


def proc_kb(pid, field):
    with open(f'/proc/{pid}/status', encoding='ascii') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    raise Fail(f'no {field} in /proc/{pid}/status')


class Trace:
    """Collect one damon trace event from tracefs while a block runs."""

    def __init__(self, event):
        self.enable = f'{TRACING}/events/damon/{event}/enable'
        self.event = event
        self.events = []

    def __enter__(self):
        if not os.path.exists(self.enable):
            raise Fail(f'{self.enable} is missing')
        write(TRACING + '/trace', '')
        write(self.enable, 1)
        return self

    def __exit__(self, *exc):
        write(self.enable, 0)
        pat = re.compile(r'\s(\d+\.\d+): ' + self.event + r': (.*)$')
        with open(TRACING + '/trace', encoding='utf-8',
                  errors='replace') as f:
            for line in f:
                m = pat.search(line)
                if m:
                    self.events.append((float(m.group(1)), m.group(2)))
        return False

    def rounds(self):
        """Start times of the event bursts: kdamond emits one event per
        region within a few ms, once per aggregation (or application)."""
        stamps = [t for t, _ in self.events]
        return [t for i, t in enumerate(stamps)
                if i == 0 or t - stamps[i - 1] > 0.02]

    def ranges(self):
        """[start, end) of each event's region."""
        out = []
        for _, text in self.events:
            m = re.search(r' (\d+)-(\d+): ', text)
            if m:
                out.append((int(m.group(1)), int(m.group(2))))
        return out


def aggregation_period(secs):
    """Median traced time between two aggregations over @secs seconds, and
    the number of periods seen."""
    with Trace('damon_aggregated') as tr:
        time.sleep(secs)
    starts = tr.rounds()
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    if len(gaps) < 3:
        raise Fail(f'{len(starts)} aggregations traced in {secs}s')
    return statistics.median(gaps), len(gaps)


def system_ram():
    best = (0, 0)
    with open('/proc/iomem', encoding='ascii') as f:
        for line in f:
            m = re.match(r'([0-9a-f]+)-([0-9a-f]+) : System RAM$',
                         line.rstrip())
            if m:
                lo, hi = int(m.group(1), 16), int(m.group(2), 16) + 1
                if hi - lo > best[1] - best[0]:
                    best = (lo, hi)
    return best


def wait_for(cond, secs, step=1.0):
    """Poll @cond until it returns a true value or @secs pass; return the
    last value."""
    end = time.time() + secs
    while True:
        val = cond()
        if val or time.time() > end:
            return val
        time.sleep(step)


# ---------------------------------------------------------------------------
# the checks: each returns a short note or raises Fail

# Features of later kernels that this kernel has, by damo's names.
EXTENSIONS = {'sysfs/allow_filter', 'sysfs/intervals_goal',
              'sysfs/sz_ops_filter_passed',
              'sysfs/schemes_filters_core_ops_dirs',
              'sysfs/schemes_filters_hugepage_size',
              'sysfs/schemes_filters_unmapped',
              'sysfs/schemes_filters_active',
              'trace/damon_monitor_intervals_tune', 'interface/damon_stat',
              'stat/aggr_interval', 'stat/negative_idle_time'}


def check_features():
    sys.path.insert(0, os.path.join(DAMO_COPY, 'src'))
    import _damon_features  # damo's own list, with the merge version

    def upto_612(f):
        try:
            major, minor = (int(x) for x in f.upstreamed_version.split('.'))
        except ValueError:
            return False
        return (major, minor) <= (6, 12)

    want = {f.name for f in _damon_features.features_list
            if f.name.startswith(('sysfs/', 'trace/')) and upto_612(f)}
    out = damo('features', 'supported')
    have = set(out.split())
    missing = sorted(want - have)
    if missing:
        raise Fail('damo does not detect these features of stock 6.12: '
                   + ', '.join(missing) + '\n' + indent(out))
    missing = sorted(EXTENSIONS - have)
    if missing:
        raise Fail('damo does not detect these features of later kernels '
                   'that this kernel has: ' + ', '.join(missing) + '\n'
                   + indent(out))
    return (f'{len(want)} sysfs and trace features of 6.12 detected, and '
            f'{len(EXTENSIONS)} of later kernels: '
            + ', '.join(sorted(EXTENSIONS)))


def check_start_vaddr():
    ensure_stopped()
    damo('start', '--target_pid', ENV.pid, '--debug_damon')
    kd = running_kdamond()
    ctx = KDAMONDS + '/0/contexts/0'
    ops = read(ctx + '/operations')
    target = read(ctx + '/targets/0/pid_target')
    if ops != 'vaddr' or target != str(ENV.pid):
        raise Fail(f'operations "{ops}", pid_target "{target}"; expected '
                   f'vaddr and {ENV.pid}')
    return f'kdamond {kd} monitors pid {ENV.pid}'


def check_report_access_vaddr():
    ensure_vaddr()
    hot_lo, hot_hi = ENV.hot
    cold_lo, cold_hi = ENV.cold
    half = hot_hi - hot_lo
    last = {}

    def good():
        regions = access_snapshot()
        last['regions'] = regions
        last['hot'] = overlap(regions, hot_lo, hot_hi, accessed=True)
        last['cold'] = overlap(regions, cold_lo, cold_hi, accessed=True)
        return last['hot'] >= half * 0.75 and last['cold'] <= half * 0.1

    # Regions split and merge towards the access pattern over a few
    # aggregation intervals: poll.
    if not wait_for(good, 90, 3):
        raise Fail('expected >= 75% of the hot half and <= 10% of the cold '
                   f'half accessed; got {last.get("hot", 0) / MIB:.1f} and '
                   f'{last.get("cold", 0) / MIB:.1f} of {half / MIB:.0f} '
                   'MiB\nlast snapshot (start end rate% age_us):\n'
                   + indent('\n'.join(' '.join(str(x) for x in r)
                                      for r in last.get('regions', []))))
    return (f'hot half {last["hot"] / MIB:.1f} MiB accessed, cold half '
            f'{last["cold"] / MIB:.1f} MiB, {len(last["regions"])} regions')


def check_tune():
    ensure_vaddr()
    kd = running_kdamond()
    aggr_file = KDAMONDS + '/0/contexts/0/monitoring_attrs/intervals/aggr_us'
    before, _ = aggregation_period(4)
    damo('tune', '--target_pid', ENV.pid, '--monitoring_intervals', 5000,
         200000, 1000000, '--debug_damon')
    val = read(aggr_file)
    if val != '200000':
        raise Fail(f'aggr_us reads {val} after the tune, not 200000')
    kd2 = running_kdamond()
    if kd2 != kd:
        raise Fail(f'the tune restarted the kdamond (pid {kd} -> {kd2}); '
                   'it must commit into the running one')
    after, n = aggregation_period(6)
    if not (after >= 1.5 * before and 0.15 <= after <= 1.0):
        raise Fail(f'traced aggregation period {after * 1000:.0f} ms after '
                   f'the tune ({n} periods), {before * 1000:.0f} ms '
                   'before: the running kdamond did not take 200 ms')
    return (f'aggregation {before * 1000:.0f} ms -> {after * 1000:.0f} ms '
            f'(traced), same kdamond {kd}')


def check_stop():
    ensure_vaddr()
    damo('stop', '--debug_damon')
    left = wait_for(lambda: not kdamond_threads(), 10, 0.5)
    if not left:
        raise Fail('kdamond threads left after `damo stop`: '
                   + ' '.join(str(p) for p in kdamond_threads()))
    nr = int(read(KDAMONDS + '/nr_kdamonds'))
    on = [i for i in range(nr) if read(f'{KDAMONDS}/{i}/state') != 'off']
    if on:
        raise Fail(f'kdamonds {on} not off after `damo stop`')
    return 'no kdamond thread left'


def check_paddr():
    ensure_stopped()
    damo('start', '--ops', 'paddr', '--debug_damon')
    try:
        kd = running_kdamond()
        ops = read(KDAMONDS + '/0/contexts/0/operations')
        if ops != 'paddr':
            raise Fail(f'operations reads "{ops}"')
        lo, hi = system_ram()
        last = {}

        def good():
            regions = access_snapshot()
            last['regions'] = regions
            last['cover'] = overlap(regions, lo, hi)
            last['hot'] = overlap(regions, lo, hi, accessed=True)
            return last['cover'] >= 0.9 * (hi - lo) and last['hot'] > 0

        if not wait_for(good, 60, 3):
            raise Fail(f'regions cover {last.get("cover", 0) / MIB:.0f} MiB '
                       f'of the {(hi - lo) / MIB:.0f} MiB System RAM range '
                       f'{lo:#x}-{hi:#x} (want >= 90%), '
                       f'{last.get("hot", 0) / MIB:.1f} MiB seen accessed '
                       '(want > 0)')
    finally:
        damo('stop', check=False)
    return (f'kdamond {kd}: {last["cover"] / MIB:.0f} MiB of System RAM '
            f'monitored, {last["hot"] / MIB:.1f} MiB accessed')


def record_file():
    return os.path.join(ENV.tmp, 'damon.data')


def check_record():
    path = record_file()
    ensure_stopped()
    damo('record', ENV.pid, '--timeout', 15, '-o', path, '--debug_damon',
         timeout=300)
    if not os.path.isfile(path) or os.path.getsize(path) == 0:
        raise Fail(f'`damo record` wrote no {path}')
    out = damo('report', 'access', '--input', path, '--raw_number',
               '--format', 'set', 'snapshot_head', 'S', '--format', 'set',
               'region', '')
    nr = sum(1 for line in out.splitlines() if line == 'S')
    if nr < 10:
        raise Fail(f'{nr} snapshots recorded in 15 s (want >= 10):\n'
                   + indent(out[-2000:]))
    if kdamond_threads():
        raise Fail('kdamond left running after `damo record` ended')
    return f'{nr} snapshots, {os.path.getsize(path)} bytes'


def check_heatmap():
    path = record_file()
    if not os.path.isfile(path):
        raise Fail('no record to draw (damo record failed)')
    lo, hi = ENV.hot[0], ENV.cold[1]
    out = damo('report', 'heatmap', '--input', path, '--output', 'raw',
               '--resol', 20, 16, '--address_range', lo, hi, '--abs_addr')
    hot, cold = [], []
    for line in out.splitlines():
        f = line.split()
        if len(f) != 3:
            continue
        try:
            addr, heat = int(f[1]), float(f[2])
        except ValueError:
            continue
        if math.isnan(heat):  # no snapshot covers the cell
            continue
        if ENV.hot[0] <= addr < ENV.hot[1]:
            hot.append(heat)
        elif ENV.cold[0] <= addr < ENV.cold[1]:
            cold.append(heat)
    if not hot or not cold:
        raise Fail('heatmap has no point in the hot or the cold half:\n'
                   + indent(out[-3000:]))
    h, c = statistics.mean(hot), statistics.mean(cold)
    if not (h > 0 and c <= h / 4):
        raise Fail(f'mean heat {h:.2f} in the hot half, {c:.2f} in the cold '
                   'half (want hot > 0 and cold <= hot / 4); raw heatmap:\n'
                   + indent(out[:3000]))
    return f'mean heat: hot half {h:.2f}, cold half {c:.2f}'


def check_wss():
    path = record_file()
    if not os.path.isfile(path):
        raise Fail('no record to read (damo record failed)')
    out = damo('report', 'wss', '--input', path, '--raw_number', '--range',
               50, 51, 1)
    wss = None
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 2 and f[0] == '50':
            wss = int(f[1])
    if wss is None:
        raise Fail('no 50th percentile in `damo report wss`:\n' + indent(out))
    half = ENV.hot[1] - ENV.hot[0]
    if not 0.5 * half <= wss <= 1.75 * half:
        raise Fail(f'median working set {wss / MIB:.1f} MiB; the hot half '
                   f'is {half / MIB:.0f} MiB (want 0.5x to 1.75x)')
    return f'median working set {wss / MIB:.1f} MiB (hot half ' \
        f'{half / MIB:.0f} MiB)'


def scheme_stats():
    out = damo('report', 'damon', '--damos_stats', '--damos_stat_fields',
               'nr_tried', 'sz_tried', '--raw')
    st = {k: int(v) for k, v in re.findall(r'^(\w+): (\d+)$', out, re.M)}
    if set(st) != {'nr_tried', 'sz_tried'}:
        raise Fail('`damo report damon --damos_stats` printed:\n'
                   + indent(out))
    return st


def tried_within(lo, hi):
    """The tried regions of scheme 0 and their total size, failing unless
    they lie in [@lo, @hi) and cover 90-100% of it."""
    regions = access_snapshot('--input', 'tried_regions_of', 0, 0, 0)
    outside = [r for r in regions if r[0] < lo or r[1] > hi]
    total = sum(r[1] - r[0] for r in regions)
    if outside or not 0.9 * (hi - lo) <= total <= hi - lo:
        raise Fail(f'tried regions of the scheme cover {total} bytes '
                   f'(want 90-100% of [{lo}, {hi}), {hi - lo} bytes), '
                   f'{len(outside)} reach outside:\n'
                   + indent('\n'.join(' '.join(str(x) for x in r)
                                      for r in regions)))
    return regions, total


def check_addr_filter():
    lo, hi = ENV.cold
    ensure_stopped()
    damo('start', '--target_pid', ENV.pid, '--damos_action', 'stat',
         '--damos_filter', 'reject', 'none', 'addr', lo, hi, '--debug_damon')
    try:
        running_kdamond()
        fdir = core_filters_dir()
        filt = {f: read(f'{fdir}/0/{f}') for f in
                ('type', 'matching', 'addr_start', 'addr_end')}
        if filt != {'type': 'addr', 'matching': 'N', 'addr_start': str(lo),
                    'addr_end': str(hi)}:
            raise Fail(f'filter 0 reads {filt}')
        time.sleep(3)
        regions, total = tried_within(lo, hi)
        # sz_tried counts only bytes in the range: over a window, at most
        # the range once per application of the scheme (traced; the
        # trace spans both stats reads).
        with Trace('damos_before_apply') as tr:
            st0 = scheme_stats()
            time.sleep(5)
            st1 = scheme_stats()
        nr_tried = st1['nr_tried'] - st0['nr_tried']
        sz_tried = st1['sz_tried'] - st0['sz_tried']
        applied = len(tr.rounds())
        out_of_range = [r for r in tr.ranges() if r[0] < lo or r[1] > hi]
        if not tr.events or out_of_range:
            raise Fail(f'{len(tr.events)} damos_before_apply events, '
                       f'{len(out_of_range)} for regions out of [{lo}, '
                       f'{hi}): ' + str(out_of_range[:5]))
        if not nr_tried or not 0 < sz_tried <= applied * (hi - lo):
            raise Fail(f'nr_tried +{nr_tried}, sz_tried +{sz_tried} over '
                       f'{applied} traced applications of the scheme: want '
                       f'sz_tried in (0, {applied} x {hi - lo}]')
    finally:
        damo('stop', check=False)
    return (f'{len(regions)} tried regions, {total / MIB:.1f} MiB, all in '
            f'the cold half; sz_tried +{sz_tried / MIB:.0f} MiB over '
            f'{applied} applications')


def core_filters_dir():
    """Where damo writes an addr filter: core_filters/ when the kernel has
    it (as later kernels do), filters/ otherwise."""
    sdir = KDAMONDS + '/0/contexts/0/schemes/0'
    if os.path.isdir(sdir + '/core_filters'):
        return sdir + '/core_filters'
    return sdir + '/filters'


def check_allow_filter():
    lo, hi = ENV.cold
    ensure_stopped()
    damo('start', '--target_pid', ENV.pid, '--damos_action', 'stat',
         '--damos_filter', 'allow', 'addr', lo, hi, '--debug_damon')
    try:
        running_kdamond()
        fdir = core_filters_dir()
        filt = {f: read(f'{fdir}/0/{f}') for f in
                ('type', 'matching', 'allow', 'addr_start', 'addr_end')}
        if filt != {'type': 'addr', 'matching': 'Y', 'allow': 'Y',
                    'addr_start': str(lo), 'addr_end': str(hi)}:
            raise Fail(f'filter 0 reads {filt}')
        time.sleep(3)
        regions, total = tried_within(lo, hi)
    finally:
        damo('stop', check=False)
    return (f'{len(regions)} tried regions, {total / MIB:.1f} MiB, all in '
            'the allowed cold half')


def check_autotune():
    ensure_stopped()
    damo('start', '--target_pid', ENV.pid, '--monitoring_intervals_autotune',
         '--debug_damon')
    try:
        running_kdamond()
        attrs = KDAMONDS + '/0/contexts/0/monitoring_attrs/intervals'
        goal = {f: read(f'{attrs}/intervals_goal/{f}') for f in
                ('access_bp', 'aggrs', 'min_sample_us', 'max_sample_us')}
        if goal != {'access_bp': '400', 'aggrs': '3',
                    'min_sample_us': '5000', 'max_sample_us': '10000000'}:
            raise Fail(f'intervals_goal reads {goal}')
        with Trace('damon_monitor_intervals_tune') as tr:
            time.sleep(10)
            # report access writes update_tuned_intervals first.
            regions = access_snapshot()
        sample = int(read(f'{attrs}/sample_us'))
        aggr = int(read(f'{attrs}/aggr_us'))
        if not 5000 <= sample <= 10000000 or aggr != sample * 20:
            raise Fail(f'after `damo report access`, sample_us {sample} and '
                       f'aggr_us {aggr}: want 5 ms to 10 s, 20 samples per '
                       'aggregation')
        if not regions:
            raise Fail('`damo report access` showed no region')
    finally:
        damo('stop', check=False)
    return (f'goal 4% over 3 aggregations; sampling interval {sample} us '
            f'after {len(tr.events)} tuning steps, {len(regions)} regions '
            'reported')


def check_pageout():
    if not ENV.swap:
        raise Fail(f'no swap: {ENV.swap_err}')
    rss0 = proc_kb(ENV.pid, 'VmRSS')
    half_kb = (ENV.hot[1] - ENV.hot[0]) // 1024
    if rss0 < 1.8 * half_kb:
        raise Fail(f'workload RSS {rss0} kB before the scheme: the cold half '
                   'is not resident to start with')
    ensure_stopped()
    damo('start', '--target_pid', ENV.pid, '--damos_action', 'pageout',
         '--damos_access_rate', '0%', '0%', '--damos_age', '2s', 'max',
         '--debug_damon')
    try:
        running_kdamond()
        gone = wait_for(lambda: rss0 - proc_kb(ENV.pid, 'VmRSS') >=
                        0.75 * half_kb, 120, 2)
        rss1 = proc_kb(ENV.pid, 'VmRSS')
        swap = proc_kb(ENV.pid, 'VmSwap')
        applied = read(KDAMONDS + '/0/contexts/0/schemes/0/stats/sz_applied')
        if not gone:
            raise Fail(f'workload RSS {rss0} -> {rss1} kB in 120 s (want a '
                       f'drop >= {int(0.75 * half_kb)} kB); VmSwap {swap} '
                       f'kB; sz_applied reads {applied} (stale: stats '
                       'refresh only on request)')
        if rss1 < 0.8 * half_kb:
            raise Fail(f'RSS fell to {rss1} kB: the hot half was paged out '
                       'too')
    finally:
        damo('stop', check=False)
    return f'RSS {rss0} -> {rss1} kB, VmSwap {swap} kB'


CHECKS = [
    ('features', check_features),
    ('start-vaddr', check_start_vaddr),
    ('report-access-vaddr', check_report_access_vaddr),
    ('tune-aggr', check_tune),
    ('start-paddr-report-access', check_paddr),
    ('record', check_record),
    ('report-heatmap', check_heatmap),
    ('report-wss', check_wss),
    ('stat-addr-filter', check_addr_filter),
    ('allow-addr-filter', check_allow_filter),
    ('intervals-autotune', check_autotune),
    ('pageout-cold-half', check_pageout),
    ('stop', check_stop),
]


# ---------------------------------------------------------------------------
# damo's own tests

# tests/<dir> of damo -> the kernel module it drives (None: the DAMON sysfs
# interface).  A module test fails, not skips, when its module is missing.
DAMO_TESTS = {
    'start_stop': None,
    'record': None,
    'schemes': None,
    'damon_reclaim': 'damon_reclaim',
    'damon_lru_sort': 'damon_lru_sort',
}


DAMO_TEST_TIMEOUT = 900


def meminfo():
    """The memory figures damo's RSS thresholds depend on, in MiB."""
    keys = ('MemTotal', 'MemAvailable', 'Shmem', 'SwapTotal', 'SwapFree')
    vals = {}
    with open('/proc/meminfo', encoding='ascii') as f:
        for line in f:
            key, val = line.split(':', 1)
            if key in keys:
                vals[key] = int(val.split()[0]) // 1024
    return ', '.join(f'{k} {vals.get(k, "?")}' for k in keys) + ' (MiB)'


def run_damo_test(name, bindir):
    module = DAMO_TESTS.get(name)
    if module and not os.path.isdir(f'/sys/module/{module}/parameters'):
        raise Fail(f'/sys/module/{module}/parameters is missing: the kernel '
                   f'has no {module} (its test would only print SKIP)')
    stop_all()
    log(f'# before tests/{name}: {meminfo()}')
    with debugfs_hidden(not ENV.damo_debugfs) as hidden:
        note, skips = damo_test_script(name, bindir)
    if hidden:
        note += '; no debugfs round'
    if name == 'start_stop' and ENV.damo_repeats != DAMO_REPEATS:
        note += (f'; report loops run {ENV.damo_repeats} times, '
                 f'not {DAMO_REPEATS}')
    return note, skips


@contextlib.contextmanager
def debugfs_hidden(hide):
    """Unmount debugfs for the block when @hide and it is mounted (damo's
    scripts add a debugfs round whenever /sys/kernel/debug/damon exists);
    yield whether it did."""
    if not hide or not os.path.isdir(DEBUGFS_DAMON):
        yield False
        return
    subprocess.run(['umount', DEBUGFS], check=True)
    log(f'# {DEBUGFS} unmounted: no debugfs round (--no-damo-debugfs)')
    try:
        yield True
    finally:
        subprocess.run(['mount', '-t', 'debugfs', 'debugfs', DEBUGFS],
                       check=True)


def damo_test_script(name, bindir):
    """Run tests/@name/test.sh of damo's copy; return its PASS lines."""
    test = os.path.join(DAMO_COPY, 'tests', name, 'test.sh')
    env = dict(os.environ, PATH=bindir + ':' + os.environ['PATH'])
    t0 = time.time()
    # Each line goes to the console as it comes: damo's tests sleep for
    # minutes in all, and a silent console would look like a stuck guest.
    proc = subprocess.Popen(['bash', test], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env,
                            start_new_session=True)
    timer = threading.Timer(DAMO_TEST_TIMEOUT, os.killpg,
                            (proc.pid, signal.SIGKILL))
    timer.start()
    lines = []
    for line in proc.stdout:
        line = line.rstrip('\n')
        lines.append(line)
        log(f'# tests/{name}: {line}')
    rc = proc.wait()
    if not timer.is_alive():
        rc = f'timeout ({DAMO_TEST_TIMEOUT} s)'
    timer.cancel()
    secs = time.time() - t0
    while lines and not lines[-1].strip():
        lines.pop()
    fails = [line for line in lines if line.startswith('FAIL')]
    skips = [line for line in lines if line.startswith('SKIP')]
    stop_all()
    if rc != 0 or fails or not lines or lines[-1] != f'PASS {name}':
        raise Fail(f'tests/{name}/test.sh exited {rc} after {secs:.0f} s:\n'
                   + indent('\n'.join(lines[-40:])))
    return (f'{secs:.0f} s: ' + '; '.join(
        line for line in lines if line.startswith('PASS'))), skips


# ---------------------------------------------------------------------------
# setup and the runner

def report(name, ok, note, skip=False):
    ENV.nr += 1
    if skip:
        status = 'skip'
        log(f'ok {ENV.nr} {name} # SKIP {note}')
    elif ok:
        status = 'ok'
        log(f'ok {ENV.nr} {name} - {note}')
    else:
        status = 'not ok'
        ENV.nr_failed += 1
        log(f'not ok {ENV.nr} {name}\n{indent(note, "  ")}')
    ENV.results.write(f'{status} {name}\n')
    ENV.results.flush()


def run_check(name, fn, *args):
    new_klog()
    t0 = time.time()
    extra = None
    try:
        note = fn(*args)
        if isinstance(note, tuple):
            note, extra = note
        ok = True
    except Fail as e:
        note, ok = str(e), False
    except Exception as e:  # a bug here, or an unexpected kernel reply
        note, ok = f'{type(e).__name__}: {e}', False
    note = f'{note} ({time.time() - t0:.0f} s)' if ok else note
    if not ok:
        klog = new_klog()
        if klog:
            note += '\nkernel log meanwhile:\n' + indent(klog)
        ENV.detail.write(f'=== {name}: not ok\n{note}\n--- kdamonds\n'
                         f'{dump_tree()}\n\n')
        ENV.detail.flush()
    report(name, ok, note)
    for line in extra or []:
        report(f'{name}: {line[5:]}', False, line, skip=True)
    return ok


# How many times damo's tests/start_stop runs each of its report loops.
DAMO_REPEATS = 10


def start_stop_repeats(n):
    """The ADAPT entry that runs tests/start_stop's loops @n times."""
    return ('tests/start_stop/test.sh', f'for i in {{1..{DAMO_REPEATS}}}',
            f'for i in {{1..{n}}}', 4,
            f'--damo-repeats {n}: each loop runs one "damo report" command, '
            f'which takes 4-18 s of Python on TCG')


def adapt_damo(src, repeats=DAMO_REPEATS):
    """Copy damo to DAMO_COPY, make it runnable and apply ADAPT, and
    start_stop_repeats(@repeats) when @repeats is not damo's own."""
    shutil.rmtree(DAMO_COPY, ignore_errors=True)
    shutil.copytree(src, DAMO_COPY, symlinks=True)
    for root, dirs, files in os.walk(DAMO_COPY):
        for n in dirs + files:
            p = os.path.join(root, n)
            if not os.path.islink(p):
                os.chmod(p, os.stat(p).st_mode | 0o200)
    entry = os.path.join(DAMO_COPY, 'damo')
    os.remove(entry)
    os.symlink('src/damo.py', entry)
    os.chmod(os.path.join(DAMO_COPY, 'src/damo.py'), 0o755)
    edits = ADAPT + ([start_stop_repeats(repeats)]
                     if repeats != DAMO_REPEATS else [])
    for rel, old, new, count, why in edits:
        path = os.path.join(DAMO_COPY, rel)
        with open(path, encoding='utf-8') as f:
            text = f.read()
        found = text.count(old)
        if found != count:
            raise Fail(f'adapting {rel}: "{old}" found {found} times, '
                       f'expected {count} (another damo version?)')
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text.replace(old, new))
        log(f'# adapted {rel}: "{old}" -> "{new}" ({why})')


def setup_swap():
    """Swap on zram0 (damo's schemes test pages 1 GiB out)."""
    sysdir = '/sys/block/zram0'
    if not os.path.isdir(sysdir):
        return f'{sysdir} is missing (CONFIG_ZRAM?)'
    write(sysdir + '/reset', 1)
    err = write(sysdir + '/disksize', '2G')
    if err:
        return f'zram0/disksize: {err}'
    for cmd in (['mkswap', '/dev/zram0'], ['swapon', '/dev/zram0']):
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if res.returncode:
            return f'{" ".join(cmd)}: {res.stderr.strip()}'
    return None


def start_workload():
    rng = os.path.join(ENV.tmp, 'hotcold.range')
    proc = subprocess.Popen([ENV.workload_bin, '64', rng])
    ENV.pid = proc.pid
    if not wait_for(lambda: os.path.exists(rng) and os.path.getsize(rng),
                    60, 0.2):
        raise Fail('the workload did not start')
    lo, hi = (int(x) for x in open(rng, encoding='ascii').read().split())
    mid = lo + (hi - lo) // 2
    ENV.hot, ENV.cold = (lo, mid), (mid, hi)
    return proc


def main():
    global ENV
    ap = argparse.ArgumentParser()
    ap.add_argument('--damo', required=True)
    ap.add_argument('--workload', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--tests', default='')
    ap.add_argument('--no-damo-debugfs', dest='damo_debugfs',
                    action='store_false',
                    help="hide debugfs from damo's test directories")
    ap.add_argument('--damo-repeats', type=int, default=DAMO_REPEATS,
                    help="times each of tests/start_stop's loops runs")
    ap.add_argument('--checks', default='',
                    help='run only these checks (default: all)')
    args = ap.parse_args()
    ENV = Env(args)
    only = args.checks.split()
    os.makedirs(ENV.tmp, exist_ok=True)
    t0 = time.time()

    # damo's tests call sudo; the guest runs as root.
    bindir = os.path.join(ENV.tmp, 'bin')
    os.makedirs(bindir, exist_ok=True)
    with open(os.path.join(bindir, 'sudo'), 'w', encoding='ascii') as f:
        f.write('#!/bin/sh\nexec "$@"\n')
    os.chmod(os.path.join(bindir, 'sudo'), 0o755)
    os.environ['PATH'] = bindir + ':' + os.environ['PATH']

    try:
        if args.damo_repeats < 1:
            raise Fail('--damo-repeats must be 1 or more')
        adapt_damo(args.damo, args.damo_repeats)
    except (Fail, OSError) as e:
        report('setup', False, f'copying damo from {args.damo}: {e}')
        return 1
    ENV.swap_err = setup_swap()
    ENV.swap = ENV.swap_err is None
    log(f'# damo {damo("version").strip()} from {args.damo}; swap: '
        f'{"zram0" if ENV.swap else ENV.swap_err}')
    new_klog()
    try:
        workload = start_workload()
    except Fail as e:
        report('setup', False, str(e))
        return 1
    log(f'# workload pid {ENV.pid}: hot {ENV.hot[0]:#x}-{ENV.hot[1]:#x}, '
        f'cold {ENV.cold[0]:#x}-{ENV.cold[1]:#x}')
    for name, fn in CHECKS:
        if not only or name in only:
            run_check(name, fn)
    ensure_stopped()
    workload.send_signal(signal.SIGKILL)
    workload.wait()

    for name in args.tests.split():
        if name not in DAMO_TESTS:
            report(f'damo-tests/{name}', False, 'unknown damo test')
            continue
        run_check(f'damo-tests/{name}', run_damo_test, name, bindir)
    log(f'# {ENV.nr} checks, {ENV.nr_failed} failed, '
        f'{time.time() - t0:.0f} s')
    return 1 if ENV.nr_failed else 0


if __name__ == '__main__':
    sys.exit(main())
