#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Split the overlay commit of .build/linux into the patch series.

Called by dev/series.sh as: series.py LINUX_REPO BASE OVERLAY AUTHOR DATE.
Creates one commit per step of STEPS on top of BASE in the repository of
the tree (refs/heads/series) and prints its hash.  Every path that OVERLAY
changes against BASE must belong to exactly one step, and the last commit's
tree must be OVERLAY's: the series is exactly our patch, nothing more.

mm/damon/Kconfig and mm/damon/Makefile are split too, so that every patch
builds: a step's version of them is the final one with the config entries
of later steps left out (a step names the symbols it introduces) and with
the objects that are not in the tree yet left out.  The files therefore
first appear with the core and grow with each step, and the last step's
versions are the real ones.  Other files an earlier step owns get the
hunks of a later one (the core's calls into the DAMOS engine, the
tracepoint calls, the schemes/ directory of the sysfs interface) through
EDITS, the same way.
"""

import fnmatch
import os
import re
import subprocess
import sys

# (short name, path globs, Kconfig symbols (globs), subject, body).
# Paths go to the first step whose globs match them; then to the first
# step whose FALLBACK globs match (private headers a later restructuring may
# add: they are shared by the core and the operations sets).
STEPS = [
    ('core',
     ['include/linux/damon.h', 'mm/damon/core.c', 'mm/damon/core-internal.h',
      'mm/damon/regions.c', 'mm/damon/requests.c', 'mm/damon/Kconfig',
      'mm/damon/Makefile'],
     ['DAMON'],
     'mm/damon: add the data access monitoring core',
     '''Memory management decisions (reclaim, tiering, THP, LRU order) need to
know which memory is accessed how often, but finding out page by page
costs time proportional to the memory size, and the Accessed bits alone
say nothing about frequency.

Add DAMON, the Data Access MONitor core.  It keeps the monitored address
space of each target as a bounded number of regions, samples one page per
region at every sampling interval, and counts per region the intervals in
which the page was accessed.  At every aggregation interval it merges
neighbouring regions whose counts are alike and splits regions where the
access pattern differs, so the cost stays bounded by the maximum number of
regions whatever the memory size, while the regions follow the access
pattern.  How accesses are checked is left to an operations set.

include/linux/damon.h is the kernel API: damon_start(), damon_stop(),
damon_commit_ctx() and damon_request() to run code in the kdamond.

An intervals goal, from Linux 6.15, comes with it and is off unless asked
for: with it, the kdamond tunes its sampling and aggregation intervals
toward a share of the access events it can see.'''),
    ('damos',
     ['mm/damon/damos.c', 'mm/damon/damos*.h'],
     [],
     'mm/damon: add DAMON-based operation schemes (DAMOS)',
     '''Knowing the access pattern is only half of the job: most users want to
act on it, for example page out what has been idle for a while, and
writing a monitoring loop for each such policy is wasteful.

Add DAMOS, the DAMON-based Operation Schemes engine.  A scheme names an
action and the access pattern (size, access rate, age) of the regions it
applies to; the kdamond applies it at its apply interval.  Filters select
or leave out memory by type, address, target or page properties; a quota
bounds the time and the bytes an action may take per window, spending
them on the regions the operations set scores highest, and may tune
itself toward goals (PSI, free memory, a user-fed value); watermarks on
a system metric turn a scheme on and off.  The operations sets apply the
actions.

Requests that walk the schemes (damon_request_wait() callers with a
walk_fn) see every region each active scheme tried, which the sysfs
interface needs for its tried regions, and a kdamond whose schemes are
all off sleeps for their watermark interval, waking up for requests.

Two features of later kernels come with it, each off unless asked for:
filters that allow memory as well as reject it (Linux 6.15), and the
count of the bytes that pass the filters of the operations set (6.14).'''),
    ('vaddr',
     ['mm/damon/ops-common.[ch]', 'mm/damon/vaddr.[ch]'],
     ['DAMON_VADDR'],
     'mm/damon/vaddr: add the virtual address space operations sets',
     '''The core leaves checking accesses to operations sets.  Add the two for
process address spaces: vaddr, which builds and updates the monitoring
regions from the target's memory mappings, leaving out the big unmapped
gaps between heap, mmap area and stack, and fvaddr, which monitors fixed
ranges the user gives.

Both clear and read the Accessed bits of the page table entries through
page table walks, in cooperation with reclaim and idle page tracking
(PAGE_IDLE_FLAG), and read a small window of neighbouring entries around
each sample, which the walk maps anyway, so that the core finds the edges
of accessed ranges instead of waiting for a random split to hit them.
ops-common.c holds what the physical address set will share: the page
helpers and the scores DAMOS quotas prioritise regions by.  The DAMOS
actions for virtual addresses are madvise() on behalf of the target.'''),
    ('paddr',
     ['mm/damon/paddr.c'],
     ['DAMON_PADDR'],
     'mm/damon/paddr: add the physical address space operations set',
     '''Proactive reclaim and LRU sorting need the access pattern of the whole
system's memory, not of one process.  Add the paddr operations set: it
finds the accesses to a physical page through the Accessed bits of every
page table entry mapping it, reached through the reverse map, and leaves
pages that are not on an LRU list alone.

Its DAMOS actions act on folios: pageout reclaims them, lru_prio and
lru_deprio move them between the active and inactive lists, and the
anon, memcg and young filters are checked per folio.'''),
    ('tracepoints',
     ['include/trace/events/damon.h'],
     [],
     'mm/damon: add tracepoints',
     '''The results of DAMON are most useful as a stream that user space can
record and analyse after the fact, and the recording should cost nothing
when nobody listens.

Add three tracepoints: damon_aggregated reports every region at the end
of each aggregation interval, damos_before_apply every region a scheme
is about to act on, and damon_monitor_intervals_tune every change the
intervals goal makes to the sampling interval.  The user-space tool
records the first two; the third comes from Linux 6.15.'''),
    ('sysfs',
     ['mm/damon/sysfs-common.[ch]', 'mm/damon/sysfs.c'],
     ['DAMON_SYSFS'],
     'mm/damon/sysfs: add the sysfs interface',
     '''User space needs a way to run DAMON without writing kernel code.  Add
/sys/kernel/mm/damon/admin: kdamonds, their contexts, targets and
monitoring attributes as directories and files, with the same files,
values, defaults and errors as the 6.12 interface, so that the existing
user-space tool (damo) and scripts work unchanged.

Each directory is described as data (its files, fixed subdirectories and
numbered children), and one piece of code creates, fills and removes all
of them; value files are checked against their members' types at build
time.  "on" and "commit" build a fresh context from the files and hand it
to the core, so a running kdamond never reads them.

Beyond 6.12, and without changing any of its files: the intervals_goal/
directory and the update_tuned_intervals command, as Linux 6.15 has
them, so that damo recognises them.'''),
    ('sysfs-schemes',
     ['mm/damon/sysfs-schemes.c'],
     [],
     'mm/damon/sysfs: add the schemes directories',
     '''With the monitoring part of the interface in place, user space still
cannot use DAMOS.  Add the schemes/ directory of a context: each scheme's
action, access pattern, apply interval, quotas with their goals,
watermarks, filters, statistics and tried regions, with the files,
values, defaults and errors of 6.12, and the "state" commands that copy
the statistics, the tried regions and the effective quotas out of the
running context and commit new quota goals.

Beyond 6.12, and without changing any of its files: filters/<F>/allow,
stats/sz_ops_filter_passed and tried_regions/<R>/sz_filter_passed, as
later kernels have them so that damo recognises them; and
tried_regions/table, all tried regions of a scheme in one file, which no
kernel has.'''),
    ('dbgfs',
     ['mm/damon/dbgfs.c'],
     ['DAMON_DBGFS*'],
     'mm/damon/dbgfs: add the deprecated debugfs interface',
     '''Scripts written for the first DAMON releases drive it through files
under <debugfs>/damon, an interface 6.12 still has, deprecated.  Add it
as a thin layer over the same kernel API the sysfs interface uses, built
only with CONFIG_DAMON_DBGFS_DEPRECATED: attrs, target_ids, init_regions,
schemes and kdamond_pid for each context, monitor_on_DEPRECATED,
mk_contexts and rm_contexts, with the 6.12 formats.  Its contexts run as
one exclusive group, so that it and the sysfs interface never run at the
same time, and its first use warns once that it is deprecated.'''),
    ('modules',
     ['mm/damon/modules-common.[ch]', 'mm/damon/reclaim.c',
      'mm/damon/lru_sort.c', 'mm/damon/stat.[ch]'],
     ['DAMON_RECLAIM', 'DAMON_LRU_SORT', 'DAMON_STAT',
      'DAMON_STAT_ENABLED_DEFAULT'],
     'mm/damon: add DAMON_RECLAIM, DAMON_LRU_SORT and DAMON_STAT',
     '''Two uses of DAMOS are common enough to be worth a switch that needs no
user-space tool: reclaiming memory that has been idle for a while before
memory runs short, and sorting the LRU lists by the access pattern so
that reclaim finds cold pages first.

Add them as built-in modules driven by module parameters, with the
parameters, defaults and statistics of 6.12.  Both build a physical
address monitoring context with one or two schemes from their parameters
and commit new parameters into the running context; modules-common.c
holds what they share.

Add DAMON_STAT as well, from later kernels: a physical address context
with self-tuning intervals and no scheme, whose kdamond sums the regions
up after every aggregation interval into a memory bandwidth estimate and
the percentiles of idle time, cheap enough to be left on.'''),
    ('kunit',
     ['mm/damon/tests/*'],
     ['*_KUNIT_TEST'],
     'mm/damon/tests: add KUnit suites',
     '''Most of DAMON's logic (region adaptation, scheme matching, quota
scoring, the translation of sysfs values into a context, the modules'
parameters) can be checked without a workload.  Add KUnit suites for the
core, the DAMOS engine, the vaddr operations set, the operations' scores,
the sysfs interface and the modules, with a .kunitconfig to run them all
with kunit.py.'''),
    ('selftests',
     ['tools/testing/selftests/damon/*'],
     [],
     'selftests/damon: add tests of the sysfs interface and the modules',
     '''What KUnit cannot see is the interface as user space drives it and the
monitoring of real workloads.  Add kselftests that write the sysfs files
as the user-space tools do (every value the 6.12 ABI accepts, bad input,
concurrent writers, directory resizing, a fuzzer), start and stop
kdamonds, check the regions and schemes on small workloads with known
hot ranges, and drive DAMON_RECLAIM and DAMON_LRU_SORT through their
parameters.'''),
    ('admin-doc',
     ['Documentation/admin-guide/mm/damon/*',
      'Documentation/ABI/testing/sysfs-kernel-mm-damon'],
     [],
     'Documentation/admin-guide/mm/damon: document the user interfaces',
     '''Document for administrators how to start DAMON, every file of the sysfs
interface with its values and errors, DAMON_RECLAIM and DAMON_LRU_SORT,
and where this implementation differs from 6.12 and why; describe the
sysfs files in the ABI document.'''),
    ('design-doc',
     ['Documentation/mm/damon/*'],
     [],
     'Documentation/mm/damon: document the design and the kernel API',
     '''Document for developers why the mechanisms work: the region adaptation
and its bounds, how the edges of accessed areas are found, the kdamond
loop, requests and commits, the DAMOS engine; and pull the kernel-doc of
the API into the kernel API page.'''),
    ('samples',
     ['samples/damon/*', 'samples/Kconfig', 'samples/Makefile'],
     [],
     'samples/damon: add a working set size estimation sample',
     '''Show how kernel code uses the DAMON API: a sample module that monitors
the process given by one parameter with the vaddr operations set and
exposes its working set size, the memory of the regions found accessed
in the last aggregation interval, in another, read through
damon_request().'''),
]
FALLBACK = {'core': ['mm/damon/*.h']}

# Hunks that a step adds to files of earlier steps, so that the earlier
# patches do not carry what a later one introduces.  Each entry is (step,
# path, first, last, before): in the final file, the span from the one
# occurrence of @first to the end of the first occurrence of @last after it
# (just @first when @last is empty) comes with @step; the patches before
# @step have @before in its place.  A span that is not found exactly once
# fails the series: update the entry along with the code.
EDITS = [
    # the DAMOS engine
    ('damos', 'include/linux/damon.h',
     ' * - DAMOS: actions, what selects the memory they act on (access '
     'patterns,\n', ' *   statistics, and the scheme that ties all of these '
     'together;\n', ''),
    ('damos', 'include/linux/damon.h',
     'struct damon_ctx;\nstruct damos;\n', '', 'struct damon_ctx;\n'),
    ('damos', 'include/linux/damon.h',
     '/* === DAMON-based Operation Schemes (DAMOS) === */\n',
     '\tlist_for_each_entry_safe(s, next, &(ctx)->schemes, list)\n\n', ''),
    ('damos', 'include/linux/damon.h',
     '/* Highest score &damon_operations.get_scheme_score may give a '
     'region. */\n', '#define DAMOS_MAX_SCORE\t\t99\n\n', ''),
    ('damos', 'include/linux/damon.h',
     ' * @supported_actions:\t', ' *\t\t\tthe set nor the core applies is '
     'refused.\n', ''),
    ('damos', 'include/linux/damon.h',
     ' * @get_scheme_score:\t', ' *\t\t\tregion leaves it alone.\n', ''),
    ('damos', 'include/linux/damon.h',
     ' * - @get_scheme_score and @apply_scheme when a scheme is applied, for '
     'the\n *   regions it selected;\n', '', ''),
    ('damos', 'include/linux/damon.h',
     '\tunsigned long supported_actions;\n\tunsigned long supported_filters;\n',
     '', ''),
    ('damos', 'include/linux/damon.h',
     '\tint (*get_scheme_score)(', '\t\t\t\t      unsigned long '
     '*sz_filter_passed);\n', ''),
    ('damos', 'include/linux/damon.h',
     ' * @walk_fn:\t', ' *\t\t\tafter the last of these applications.\n', ''),
    ('damos', 'include/linux/damon.h',
     ' * @walk_seq:\t\tPrivate: orders the walks, see &damos.walk_seq.\n', '',
     ''),
    ('damos', 'include/linux/damon.h',
     '\tvoid (*walk_fn)(', 'unsigned long sz_filter_passed);\n', ''),
    ('damos', 'include/linux/damon.h',
     '\tstruct list_head list;\n\tunsigned long walk_seq;\n};\n', '',
     '\tstruct list_head list;\n};\n'),
    ('damos', 'include/linux/damon.h',
     ' * @schemes:\tThe &struct damos list, in the order the schemes are '
     'applied.\n', '', ''),
    ('damos', 'include/linux/damon.h',
     ' * @kdamond_idle: ', ' *\t\tof @requests.\n', ''),
    ('damos', 'include/linux/damon.h',
     ' * The first five fields follow', '', ' * The first four fields follow'),
    ('damos', 'include/linux/damon.h',
     '\tstruct list_head schemes;\n', '', ''),
    ('damos', 'include/linux/damon.h',
     '\tbool kdamond_idle;\n', '', ''),
    ('damos', 'include/linux/damon.h',
     '\nstruct damos *damon_new_scheme(',
     'void damos_destroy_quota_goal(struct damos_quota_goal *g);\n', ''),
    ('damos', 'mm/damon/core-internal.h',
     ' * Private to the DAMON core (core.c, regions.c, requests.c) and its '
     'DAMOS\n * engine (damos.c):\n', '',
     ' * Private to the DAMON core (core.c, regions.c, requests.c):\n'),
    ('damos', 'mm/damon/core-internal.h',
     ' *   engine\t', '\n', ''),
    ('damos', 'mm/damon/core-internal.h',
     'small helpers of the core that the engine uses too\n', '',
     'small helpers of the core\n'),
    ('damos', 'mm/damon/core-internal.h',
     'void kdamond_run_schemes(', 'void kdamond_idle_end(struct damon_ctx '
     '*ctx);\n', ''),
    ('damos', 'mm/damon/core-internal.h',
     '/* === engine === */\n', 'unsigned long damos_min_wmarks_interval('
     'struct damon_ctx *ctx);\n\n', ''),
    ('damos', 'mm/damon/core-internal.h',
     '\nbool damos_pattern_match(', 'void damos_wmarks_update(struct damos '
     '*s, unsigned long value);\n', ''),
    ('damos', 'mm/damon/core.c',
     ' * The DAMOS engine is in damos.c.', ' * and damon_start() validate and '
     'commit schemes through it.\n *\n', ''),
    ('damos', 'mm/damon/core.c',
     '\tINIT_LIST_HEAD(&ctx->schemes);\n', '', ''),
    ('damos', 'mm/damon/core.c',
     'Free a context with its targets, regions and schemes.\n', '',
     'Free a context with its targets and regions.\n'),
    ('damos', 'mm/damon/core.c',
     '\tstruct damos *s, *snext;\n', '', ''),
    ('damos', 'mm/damon/core.c',
     '\tdamon_for_each_scheme_safe(s, snext, ctx)\n'
     '\t\tdamon_destroy_scheme(s);\n', '', ''),
    ('damos', 'mm/damon/core.c',
     ' * Schemes applied in the middle of an aggregation interval match and '
     'rank\n * regions with it.\n', '', ''),
    ('damos', 'mm/damon/core.c',
     ' * that changed restarts from now, and so does every scheme\'s apply '
     'interval\n * when the sampling or aggregation interval changed.\n', '',
     ' * that changed restarts from now.\n'),
    ('damos', 'mm/damon/core.c',
     '\t\tattrs->aggr_interval != old->aggr_interval;\n\tstruct damos *s;\n',
     '', '\t\tattrs->aggr_interval != old->aggr_interval;\n'),
    ('damos', 'mm/damon/core.c',
     '\t\tif (resample) {\n\t\t\tdamon_for_each_scheme(s, ctx)\n'
     '\t\t\t\tdamos_arm(ctx, attrs, s);\n\t\t}\n', '', ''),
    ('damos', 'mm/damon/core.c',
     ' * changed, and so does the apply interval of every scheme if the '
     'sampling\n * or aggregation interval changed.\n', '', ' * changed.\n'),
    ('damos', 'mm/damon/core.c',
     ' * Schemes are matched by position, too.',
     ' * interval after the commit.  On error @dst is left unchanged.\n',
     ' * On error @dst is left unchanged.\n'),
    ('damos', 'mm/damon/core.c',
     ' * Return: 0 on success, -EINVAL if @src has invalid attributes, '
     'regions or\n', ' * kdamond, -ENOMEM if out of memory.\n',
     ' * Return: 0 on success, -EINVAL if @src has invalid attributes or '
     'regions\n * (see damon_start()) or if @dst is running and @src has '
     'another operations\n * set, -EBUSY if @dst is running and the caller '
     'is not its kdamond, -ENOMEM\n * if out of memory.\n'),
    ('damos', 'mm/damon/core.c',
     '\tstruct damos_commit_scheme *css;\n', '', ''),
    ('damos', 'mm/damon/core.c',
     '\terr = damon_check_schemes(running ? &dst->ops : &src->ops, src);\n'
     '\tif (err)\n\t\treturn err;\n', '', ''),
    ('damos', 'mm/damon/core.c',
     '\tif (!err)\n\t\terr = damos_commit_prepare(dst, src, &css);\n', '', ''),
    ('damos', 'mm/damon/core.c',
     '\tdamos_commit_apply(dst, css, list_count_nodes(&src->schemes), '
     'src);\n', '', ''),
    ('damos', 'mm/damon/core.c',
     '/*\n * kdamond_wait_watermarks() - ',
     '\tkdamond_idle_end(ctx);\n\treturn true;\n}\n\n', ''),
    ('damos', 'mm/damon/core.c',
     ' * next ops update, each scheme\'s next application and the start of '
     'its\n * quota window.  The aggregation interval, which just ended, '
     'restarts.\n', '',
     ' * next ops update.  The aggregation interval, which just ended, '
     'restarts.\n'),
    ('damos', 'mm/damon/core.c',
     '\tstruct damon_attrs attrs = ctx->attrs;\n\tstruct damos *s;\n', '',
     '\tstruct damon_attrs attrs = ctx->attrs;\n'),
    ('damos', 'mm/damon/core.c',
     '\tdamon_for_each_scheme(s, ctx) {\n\t\ts->next_apply_sis = '
     'damon_retime_sis(', '\t\t\t\t\t\t\t old, sample), now);\n\t}\n', ''),
    ('damos', 'mm/damon/core.c',
     '\tunsigned long walk_seq = 0;\n', '', ''),
    ('damos', 'mm/damon/core.c',
     '\tkdamond_init_schemes(ctx);\n', '', ''),
    ('damos', 'mm/damon/core.c',
     '\t\tif (kdamond_wait_watermarks(ctx))\n\t\t\tcontinue;\n', '', ''),
    ('damos', 'mm/damon/core.c',
     '\t\tkdamond_run_schemes(ctx, &walk_seq);\n', '', ''),
    ('damos', 'mm/damon/core.c',
     ' * target, appears twice, has attributes damon_set_attrs() would '
     'refuse, or\n', ' * a thread could not be created.\n',
     ' * target, appears twice or has attributes damon_set_attrs() would '
     'refuse,\n * -EBUSY if a context is already running, an exclusive group '
     'is running,\n * or @exclusive is set while any context runs, another '
     'negative error\n * code if a thread could not be created.\n'),
    ('damos', 'mm/damon/core.c',
     '\t\tif (damon_check_schemes(&ctxs[i]->ops, ctxs[i]))\n'
     '\t\t\treturn -EINVAL;\n', '', ''),
    ('damos', 'mm/damon/requests.c',
     'claiming, calling, walking and cancelling requests\n', '',
     'claiming, calling and cancelling requests\n'),
    ('damos', 'mm/damon/requests.c',
     ' * two samplings, or after the next aggregation if it asks for one.  A '
     'walk\n', ' * back.\n',
     ' * two samplings, or after the next aggregation if it asks for one.  '
     'While\n * a request is on the queue its waiter may take it back, when '
     'a signal ends\n * the wait.  Once claimed, it is the kdamond\'s until '
     'the kdamond completes\n * it, which takes no longer than the function: '
     'a waiter interrupted then\n * waits for that, uninterruptibly.\n'),
    ('damos', 'mm/damon/requests.c',
     ' * Protects the &damon_ctx.requests queues, the state of the requests '
     'on\n * them, and &damon_ctx.kdamond_idle.  Nests inside '
     '&damon_ctx.kdamond_lock.\n', '',
     ' * Protects the &damon_ctx.requests queues and the state of the '
     'requests on\n * them.  Nests inside &damon_ctx.kdamond_lock.\n'),
    ('damos', 'mm/damon/requests.c',
     '@req->arg, @req->after_aggregation and\n *\t\t@req->walk_fn set by '
     'the caller.  Must stay valid until\n *\t\tdamon_request_wait() '
     'returns.\n', '', '@req->arg and\n *\t\t@req->after_aggregation set '
     'by the caller.  Must stay valid until\n *\t\tdamon_request_wait() '
     'returns.\n'),
    ('damos', 'mm/damon/requests.c',
     '\treq->walk_seq = 0;\n', '', ''),
    ('damos', 'mm/damon/requests.c',
     '\t\t/* An idle kdamond sleeps for a watermark interval: wake it. */\n',
     '\t\t\twake_up_process(ctx->kdamond);\n', ''),
    ('damos', 'mm/damon/requests.c',
     ' * of @req->fn or the pass of the schemes that walks it.  @req is the\n'
     ' * caller\'s again when this returns, and the context is not '
     'touched.\n', '',
     ' * of @req->fn.  @req is the caller\'s again when this returns, and '
     'the\n * context is not touched.\n'),
    ('damos', 'mm/damon/requests.c',
     '@req->arg, @req->after_aggregation and\n *\t\t@req->walk_fn set by '
     'the caller.  Must stay valid until this\n *\t\treturns.\n', '',
     '@req->arg and\n *\t\t@req->after_aggregation set by the caller.  '
     'Must stay valid\n *\t\tuntil this returns.\n'),
    ('damos', 'mm/damon/requests.c',
     ' * that ended after it was queued.  A request with @req->walk_fn set '
     'waits\n', ' * dropped.  A signal ends the wait as described for '
     'damon_request_wait().\n',
     ' * that ended after it was queued.  If the kdamond ends before calling '
     'it,\n * the request is dropped.  A signal ends the wait as described '
     'for\n * damon_request_wait().\n'),
    ('damos', 'mm/damon/requests.c',
     '/*\n * Whether every active scheme of @ctx has walked @req',
     '\treturn true;\n}\n\n', ''),
    ('damos', 'mm/damon/requests.c',
     '\t/* A commit may have removed or deactivated the awaited schemes. */\n',
     '\t\treturn false;\n', ''),
    ('damos', 'mm/damon/requests.c',
     ' * those @walk selects (the walkers of a pass of the schemes, or those '
     'due\n * at a safe point).\n', '', ' * those due at a safe point.\n'),
    ('damos', 'mm/damon/requests.c',
     '\t\t\t\t   struct list_head *claimed, bool all,\n\t\t\t\t   bool walk)\n',
     '', '\t\t\t\t   struct list_head *claimed, bool all)\n'),
    ('damos', 'mm/damon/requests.c',
     '\t\tif (!all && (walk ? !req->walk_fn :\n', '\t\t\t     '
     '!kdamond_request_due(ctx, req)))\n',
     '\t\tif (!all && !kdamond_request_due(ctx, req))\n'),
    ('damos', 'mm/damon/requests.c',
     '/*\n * Put the claimed walk requests of @claimed back',
     '\tspin_unlock(&damon_requests_lock);\n}\n\n', ''),
    ('damos', 'mm/damon/requests.c',
     ' * @all, as when no aggregation and no pass of the schemes is to '
     'come.\n', '', ' * @all.\n'),
    ('damos', 'mm/damon/requests.c',
     '\tkdamond_claim_requests(ctx, &claimed, all, false);\n', '',
     '\tkdamond_claim_requests(ctx, &claimed, all);\n'),
    ('damos', 'mm/damon/requests.c',
     '/*\n * Apply the schemes that are due, with the walk requests',
     '\tkdamond_unclaim_walks(ctx, &walkers);\n}\n\n', ''),
    ('damos', 'mm/damon/requests.c',
     '/*\n * The kdamond of @ctx is about to sleep for a watermark interval',
     '\tctx->kdamond_idle = false;\n\tspin_unlock(&damon_requests_lock);\n'
     '}\n\n', ''),
    # tracepoints
    ('tracepoints', 'mm/damon/core.c',
     '#include <kunit/visibility.h>\n\n#define CREATE_TRACE_POINTS\n'
     '#include <trace/events/damon.h>\n', '',
     '#include <kunit/visibility.h>\n'),
    ('tracepoints', 'mm/damon/core.c',
     '\ttrace_damon_monitor_intervals_tune(sample);\n', '', ''),
    ('tracepoints', 'mm/damon/regions.c',
     '#include <kunit/visibility.h>\n\n#include <trace/events/damon.h>\n',
     '', '#include <kunit/visibility.h>\n'),
    ('tracepoints', 'mm/damon/regions.c',
     ' * Reports each region with the damon_aggregated tracepoint, updates '
     'the\n * ages, merges, resets the counts and splits.\n', '',
     ' * Updates the ages, merges, resets the counts and splits.\n'),
    ('tracepoints', 'mm/damon/regions.c',
     '\tunsigned long target_id = 0;\n\tstruct damon_target *t;\n'
     '\tstruct damon_region *r;\n\n\tdamon_assert_owner(ctx);\n',
     '\t\ttarget_id++;\n\t}\n', '\n\tdamon_assert_owner(ctx);\n'),
    ('tracepoints', 'mm/damon/damos.c',
     '#include <kunit/visibility.h>\n\n#include <trace/events/damon.h>\n',
     '', '#include <kunit/visibility.h>\n'),
    ('tracepoints', 'mm/damon/damos.c',
     '/* Context index in the tracepoint: a kdamond has one context. */\n',
     '#define DAMOS_TRACE_CTX_IDX\t0\n\n', ''),
    ('tracepoints', 'mm/damon/damos.c',
     '\tif (trace_damos_before_apply_enabled())\n',
     '\t\t\t\t\t t->nr_regions);\n', ''),
    # the schemes/ directories
    ('sysfs-schemes', 'mm/damon/sysfs.c',
     ' *   - the "state" commands\ton, off, commit; the rest is in\n'
     ' *\t\t\t\tsysfs-schemes.c\n', '',
     ' *   - the "state" commands\ton, off, commit\n'),
    ('sysfs-schemes', 'mm/damon/sysfs.c',
     '\tDAMON_SYSFS_SUBDIR("schemes", struct damon_sysfs_context, schemes,\n',
     '\t\t\t   &damon_sysfs_schemes_kind),\n', ''),
    ('sysfs-schemes', 'mm/damon/sysfs.c',
     '\tif (!err)\n\t\terr = damon_sysfs_add_schemes(ctx, dir->schemes);\n',
     '', ''),
    ('sysfs-schemes', 'mm/damon/sysfs.c',
     '\t\tdamon_sysfs_schemes_cmds,\n', '', ''),
    ('sysfs-schemes', 'mm/damon/sysfs-common.h',
     ' * directory structures that sysfs.c, sysfs-schemes.c and the KUnit '
     'suite\n * use.\n', '',
     ' * directory structures that sysfs.c and the KUnit suite use.\n'),
    ('sysfs-schemes', 'mm/damon/sysfs-common.h',
     ' * (kdamonds/, targets/, schemes/, ...)', '',
     ' * (kdamonds/, targets/, ...)'),
    ('sysfs-schemes', 'mm/damon/sysfs-common.h',
     ' * The structures only keep what the user wrote, plus what the scheme\n'
     ' * commands copy out of a running context.', '',
     ' * The structures only keep what the user wrote.'),
    ('sysfs-schemes', 'mm/damon/sysfs-common.h',
     ' * @schemes:\tThe schemes/ directory, of &struct damon_sysfs_scheme.\n',
     '', ''),
    ('sysfs-schemes', 'mm/damon/sysfs-common.h',
     '\tstruct damon_sysfs_array *schemes;\n};\n', '', '};\n'),
    ('sysfs-schemes', 'mm/damon/sysfs-common.h',
     '/* === schemes/ (sysfs-schemes.c) === */\n',
     '\t\t\t    struct damon_sysfs_array *schemes);\n\n', ''),
    ('sysfs-schemes', 'mm/damon/sysfs-common.h',
     'struct damos *damon_sysfs_scheme_from_dir(',
     'loff_t off, size_t count);\n', ''),
]


def git(*args, inp=None, env=None):
    return subprocess.run(['git', '-C', REPO] + list(args), input=inp,
                          capture_output=True, text=True, check=True,
                          env=env).stdout


def die(msg):
    sys.exit('series: ' + msg)


def step_of(path):
    for i, step in enumerate(STEPS):
        if any(fnmatch.fnmatchcase(path, g) for g in step[1]):
            return i
    for i, step in enumerate(STEPS):
        if any(fnmatch.fnmatchcase(path, g) for g in FALLBACK.get(step[0], [])):
            return i
    die(f'{path} belongs to no step: add it to STEPS in dev/series.py')


def kconfig_for(text, upto):
    """The Kconfig text without the entries of steps after @upto."""
    out, keep = [], True
    for line in text.splitlines(keepends=True):
        m = re.match(r'(menu)?config\s+(\w+)', line)
        if m:
            sym = m.group(2)
            owners = [i for i, s in enumerate(STEPS)
                      if any(fnmatch.fnmatchcase(sym, g) for g in s[2])]
            if not owners:
                die(f'Kconfig symbol {sym} belongs to no step: '
                    'add it to STEPS in dev/series.py')
            keep = owners[0] <= upto
        elif re.match(r'(endmenu|menu|if|endif|source|comment)\b', line):
            keep = True
        if keep:
            out.append(line)
    return ''.join(out)


def makefile_for(text, present, d):
    """The Makefile text without the objects whose files are not in the
    tree, and without obj- lines left with none."""
    out = []
    for line in text.splitlines(keepends=True):
        if line.startswith('obj-'):
            lhs, rhs = line.split('=', 1)
            objs = rhs.split()
            kept = [o for o in objs
                    if (f'{d}/{o[:-2]}.c' in present if o.endswith('.o') else
                        f'{d}/{o}Makefile' in present)]
            if not kept:
                continue
            if kept != objs:
                line = re.sub(r'\S+(\s+\S+)*', ' '.join(kept), rhs, count=1)
                line = lhs + '=' + line
        out.append(line)
    return ''.join(out)


def step_index(name):
    for i, step in enumerate(STEPS):
        if step[0] == name:
            return i
    die(f'EDITS names an unknown step {name}')


def edited_for(path, text, upto):
    """@text, the final @path, without the EDITS of steps after @upto."""
    for name, p, first, last, before in reversed(EDITS):
        if p != path or step_index(name) <= upto:
            continue
        if text.count(first) != 1:
            die(f'{path}: the start of an edit of step {name} is found '
                f'{text.count(first)} times, not once: {first!r}')
        start = text.index(first)
        end = start + len(first)
        if last:
            at = text.find(last, end)
            if at < 0:
                die(f'{path}: the end of an edit of step {name} is not '
                    f'found after its start: {last!r}')
            end = at + len(last)
        text = text[:start] + before + text[end:]
    return text


REPO, BASE, OVERLAY, AUTHOR, DATE = sys.argv[1:6]
name, email = re.match(r'(.*) <(.*)>', AUTHOR).groups()
env = dict(os.environ, GIT_INDEX_FILE=os.path.join(REPO, '.git', 'series.index'),
           GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_AUTHOR_DATE=DATE,
           GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email,
           GIT_COMMITTER_DATE=DATE)

changed = {}
for line in git('diff', '--no-renames', '--name-status', BASE, OVERLAY).splitlines():
    st, path = line.split('\t', 1)
    changed[path] = st
groups = [[] for _ in STEPS]
for path in sorted(changed):
    groups[step_of(path)].append(path)

final = {}
for line in git('ls-tree', '-r', OVERLAY, '--', *changed).splitlines():
    meta, path = line.split('\t', 1)
    mode, _, sha = meta.split()
    final[path] = (mode, sha)
split = {'mm/damon/Kconfig': kconfig_for, 'mm/damon/Makefile': makefile_for}
edited = {e[1] for e in EDITS}
for e in EDITS:
    if e[1] not in final:
        die(f'EDITS names {e[1]}, which the overlay does not change')
    if step_index(e[0]) <= step_of(e[1]):
        die(f'EDITS: step {e[0]} comes no later than {e[1]} itself')

git('read-tree', BASE, env=env)
parent, present = BASE, set()
for i, step in enumerate(STEPS):
    if not groups[i]:
        die(f'step {step[0]} has no files')
    present.update(p for p in groups[i] if p in final)
    todo = set(groups[i]) | {p for p in split if p in present} | \
        {p for p in edited if p in present}
    for path in sorted(todo):
        if path not in final:
            git('update-index', '--force-remove', '--', path, env=env)
            continue
        mode, sha = final[path]
        if path in split or path in edited:
            text = git('cat-file', 'blob', sha)
            if path in edited:
                text = edited_for(path, text, i)
            if split.get(path) is kconfig_for:
                text = kconfig_for(text, i)
            elif split.get(path) is makefile_for:
                text = makefile_for(text, present, os.path.dirname(path))
            sha = git('hash-object', '-w', '--stdin', inp=text).strip()
        git('update-index', '--add', '--cacheinfo', f'{mode},{sha},{path}',
            env=env)
    tree = git('write-tree', env=env).strip()
    msg = f'{step[3]}\n\n{step[4]}\n\nSigned-off-by: {AUTHOR}\n'
    parent = git('commit-tree', tree, '-p', parent, inp=msg, env=env).strip()

if git('rev-parse', parent + '^{tree}') != git('rev-parse', OVERLAY + '^{tree}'):
    die('the series does not add up to the overlay commit')
git('update-ref', 'refs/heads/series', parent)
print(parent)
