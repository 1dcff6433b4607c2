#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A state command that waits for the kdamond locks nobody out.

"update_schemes_tried_regions" waits for the next application of the
schemes.  With apply_interval_us at 2^64 - 1 that never comes, so the
writer waits until something ends the wait.  While it waits:

- "state" and "pid" read as usual, "commit" and "update_schemes_stats" go
  through, and another kdamond directory can be changed;
- a waiting writer that catches a signal returns EINTR at once, and one
  killed with SIGKILL goes away; the kdamond keeps running;
- "off" returns within a sampling interval plus a few seconds, and the
  waiting writer then fails with ECANCELED instead of waiting on.
"""

import errno
import os
import signal
import subprocess
import sys
import time

import _damon_sysfs as ds
import _damos as dm

SAMPLE_US = 100000
# What "off" may take beyond one sampling interval, on a slow machine.
OFF_SLACK_S = 3.0

# Writes argv[2] to the file argv[1] and prints the outcome: "0", an errno,
# or "interrupted" if SIGUSR1 came while it waited.
WRITER = r'''
import os, signal, sys
class Interrupted(Exception):
    pass
def handler(signum, frame):
    raise Interrupted()
signal.signal(signal.SIGUSR1, handler)
fd = os.open(sys.argv[1], os.O_WRONLY)
print('ready', flush=True)
try:
    os.write(fd, sys.argv[2].encode())
    print('0', flush=True)
except Interrupted:
    print('interrupted', flush=True)
except OSError as e:
    print(e.errno, flush=True)
'''


class Writer:
    """A process that writes one command to a state file and waits."""

    def __init__(self, word, k=0):
        self.proc = subprocess.Popen(
            [sys.executable, '-c', WRITER, f'{ds.kd_dir(k)}/state', word],
            stdout=subprocess.PIPE, text=True)
        if self.proc.stdout.readline().strip() != 'ready':
            raise ds.Failure('the writer did not start')

    def blocked(self):
        """True while the writer sleeps in its write(2)."""
        if self.proc.poll() is not None:
            return False
        try:
            with open(f'/proc/{self.proc.pid}/stat', encoding='ascii') as f:
                st = f.read().rpartition(')')[2].split()[0]
        except OSError:
            return False
        return st in ('S', 'D', 'I')

    def result(self, timeout):
        """The outcome the writer printed, or None if it is still there
        after @timeout seconds."""
        try:
            out, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        return out.strip()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()


def timed_write(path, value):
    t0 = time.monotonic()
    err = ds.write(path, value)
    return err, time.monotonic() - t0


def main(t):
    t.set_plan(13)
    work = ds.Workload(16, 0, 4, 0)
    ds.reset()
    ds.must_write(f'{ds.KDAMONDS}/nr_kdamonds', 2)
    ds.must_write(f'{ds.kd_dir(0)}/contexts/nr_contexts', 1)
    ds.set_ctx('vaddr', [(work.pid, [])], sample_us=SAMPLE_US,
               aggr_us=10 * SAMPLE_US)
    dm.set_schemes([dm.Scheme('stat', apply_us=dm.ULONG_MAX)])
    err = ds.start()
    t.ok(err == 0 and ds.state() == 'on',
         'kdamond with a never-applied scheme starts', ds.errname(err))
    # The first application is due at once; let it go by.
    time.sleep(3 * SAMPLE_US / 1e6 + 1)

    writers = []
    try:
        waiter = Writer('update_schemes_tried_regions')
        writers.append(waiter)
        time.sleep(1)
        t.ok(waiter.blocked(), 'update_schemes_tried_regions waits',
             f'it returned {waiter.result(0)}')

        errs = {}
        try:
            errs['state'] = 0 if ds.state() == 'on' else 'not on'
        except OSError as e:
            errs['state'] = errno.errorcode.get(e.errno, e.errno)
        try:
            errs['pid'] = 0 if ds.kdamond_pid() > 0 else 'no pid'
        except OSError as e:
            errs['pid'] = errno.errorcode.get(e.errno, e.errno)
        t.ok(errs == {'state': 0, 'pid': 0},
             'state and pid read while a writer waits', errs)
        err, secs = timed_write(f'{ds.kd_dir()}/state', 'commit')
        t.ok(err == 0 and secs < OFF_SLACK_S,
             'commit goes through while a writer waits',
             f'{ds.errname(err)} after {secs:.2f} s')
        err = dm.cmd('update_schemes_stats')
        t.ok(err == 0, 'update_schemes_stats goes through', ds.errname(err))
        err = ds.write(f'{ds.kd_dir(1)}/contexts/nr_contexts', 1)
        t.ok(err == 0, 'another kdamond directory can be changed',
             ds.errname(err))

        sig = Writer('update_schemes_tried_regions')
        killed = Writer('update_schemes_tried_bytes')
        writers += [sig, killed]
        time.sleep(1)
        sig.proc.send_signal(signal.SIGUSR1)
        killed.proc.send_signal(signal.SIGKILL)
        res = sig.result(OFF_SLACK_S)
        t.ok(res == 'interrupted',
             'a waiting writer returns on a signal', f'it printed {res}')
        t.ok(killed.result(OFF_SLACK_S) is not None,
             'a waiting writer dies of SIGKILL')
        err = dm.cmd('update_schemes_stats')
        t.ok(err == 0 and ds.state() == 'on' and waiter.blocked(),
             'the kdamond and the first waiter carry on',
             f'update_schemes_stats: {ds.errname(err)}')

        err, secs = timed_write(f'{ds.kd_dir()}/state', 'off')
        t.ok(err == 0 and secs < SAMPLE_US / 1e6 + OFF_SLACK_S,
             '"off" returns promptly while a writer waits',
             f'{ds.errname(err)} after {secs:.2f} s')
        t.diag(f'"off" took {secs:.3f} s')
        res = waiter.result(OFF_SLACK_S)
        t.ok(res == str(errno.ECANCELED),
             'the waiting writer fails with ECANCELED', f'it printed {res}')
        t.ok(ds.state() == 'off' and ds.kdamond_pid() == -1,
             'state reads off and pid -1')
        t.ok(ds.wait_for(lambda: not ds.kdamond_threads(), 10),
             'no kdamond thread is left', ds.kdamond_threads())
    finally:
        for w in writers:
            w.kill()


if __name__ == '__main__':
    dm.run(main)
