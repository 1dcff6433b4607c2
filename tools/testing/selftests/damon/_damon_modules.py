# SPDX-License-Identifier: GPL-2.0
"""Helpers shared by the DAMON_RECLAIM and DAMON_LRU_SORT selftests.

- Module: the parameters of one module under /sys/module/damon_<name>/;
  it saves the inputs when created and puts them back in restore().
- WMARKS_OFF: watermarks that keep a scheme always active.
- pfn_flags(): the /proc/kpageflags flags of the pages of a process range.
- run(): like _damos.run(), plus turning the modules off and restoring
  their parameters, even when the test fails half-way.
"""

import os
import struct
import sys

import _damon_sysfs as ds
import _damos as dm

sys.dont_write_bytecode = True

# high, mid, low: the free memory rate is never above 1000 per mille nor
# below 0, so the scheme turns on at the first check and stays on.
WMARKS_OFF = {'wmarks_high': 1000, 'wmarks_mid': 1000, 'wmarks_low': 0,
              'wmarks_interval': 100000}

# Parameters that control the module rather than feed it.
CONTROLS = ('enabled', 'commit_inputs')


class Module:
    """One DAMOS-based module, by the name in damon_<name>."""

    created = []

    def __init__(self, name):
        self.name = name
        self.dir = f'/sys/module/damon_{name}/parameters'
        self.saved = {}
        if self.available() is None:
            self.saved = {p: self.read(p) for p in self.inputs()}
        Module.created.append(self)

    def available(self):
        """Return None, or why the module cannot be tested."""
        if not os.path.isdir(self.dir):
            return f'{self.dir} is missing (CONFIG_DAMON_{self.name.upper()}=n?)'
        return None

    def params(self):
        return sorted(os.listdir(self.dir))

    def inputs(self):
        """The writable parameters that are inputs."""
        return [p for p in self.params() if p not in CONTROLS and
                os.stat(f'{self.dir}/{p}').st_mode & 0o200]

    def mode(self, param):
        return os.stat(f'{self.dir}/{param}').st_mode & 0o777

    def read(self, param):
        return ds.read(f'{self.dir}/{param}')

    def write(self, param, value):
        """Write @value to @param; return the errno (0 on success)."""
        return ds.write(f'{self.dir}/{param}', value)

    def must_write(self, param, value):
        ds.must_write(f'{self.dir}/{param}', value)

    def set(self, **values):
        for param, value in values.items():
            self.must_write(param, value)

    def enable(self):
        """Write Y to enabled; return the errno."""
        return self.write('enabled', 'Y')

    def disable(self):
        return self.write('enabled', 'N')

    def commit(self):
        return self.write('commit_inputs', 'Y')

    def enabled(self):
        return self.read('enabled') == 'Y'

    def pid(self):
        return int(self.read('kdamond_pid'))

    def stat(self, name):
        return int(self.read(name))

    def stats(self, names):
        return {n: self.stat(n) for n in names}

    def restore(self):
        """Turn the module off and put the saved inputs back."""
        if self.available() is not None:
            return
        self.disable()
        for param, value in self.saved.items():
            self.write(param, value)

    @classmethod
    def restore_all(cls):
        for m in cls.created:
            m.restore()


def no_kdamond():
    """True once no kdamond thread is left (they end asynchronously)."""
    return ds.wait_for(lambda: not ds.kdamond_threads(), 10)


# === /proc/PID/pagemap and /proc/kpageflags ===

KPF_LRU = 5
KPF_ACTIVE = 6
PM_PRESENT = 1 << 63
PM_PFN_MASK = (1 << 55) - 1


def pfns(pid, start, end):
    """PFNs of the present pages of [@start, @end) in process @pid."""
    out = []
    with open(f'/proc/{pid}/pagemap', 'rb') as f:
        f.seek(start // dm.PAGE * 8)
        data = f.read((end - start) // dm.PAGE * 8)
    for (entry,) in struct.iter_unpack('<Q', data):
        if entry & PM_PRESENT and entry & PM_PFN_MASK:
            out.append(entry & PM_PFN_MASK)
    return out


def pfn_flags(pid, start, end):
    """The kpageflags words of the present pages of [@start, @end)."""
    flags = []
    with open('/proc/kpageflags', 'rb') as f:
        for pfn in pfns(pid, start, end):
            f.seek(pfn * 8)
            flags.append(struct.unpack('<Q', f.read(8))[0])
    return flags


def active_share(pid, start, end):
    """(pages on the active list, pages on an LRU list) of the range."""
    flags = pfn_flags(pid, start, end)
    lru = [f for f in flags if f & (1 << KPF_LRU)]
    return sum(1 for f in lru if f & (1 << KPF_ACTIVE)), len(lru)


def pagemap_available(pid):
    """Return None, or why pagemap and kpageflags cannot be read."""
    for path in (f'/proc/{pid}/pagemap', '/proc/kpageflags'):
        if not os.path.exists(path):
            return f'{path} is missing (CONFIG_PROC_PAGE_MONITOR=n?)'
    return None


def wait_for(cond, timeout, interval=1):
    """ds.wait_for() with a default polling interval of one second."""
    return ds.wait_for(cond, timeout, interval)


def run(main, plan=None):
    """_damos.run() that also turns the modules off and restores them."""
    def wrapped(t):
        try:
            main(t)
        finally:
            Module.restore_all()
            if not no_kdamond():
                t.diag(f'kdamonds left: {ds.kdamond_threads()}')

    dm.run(wrapped, plan)
