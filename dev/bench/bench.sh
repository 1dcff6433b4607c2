#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: build dev/bench/workload on the host, boot the VM kernel once
# with enough memory for the largest target, run dev/bench/run in it, and
# summarise the result with dev/bench/summarise.py into .build/bench/
# (results.csv, table.txt).  See dev/bench/README for the method.
#
# Environment: BENCH_MEM (VM memory, default 10G), BENCH_SECS (20),
# BENCH_WARMUP_SECS (5), BENCH_SCENARIOS (override the scenario list, see
# dev/bench/run), KERNEL (another bzImage, e.g. for a side-by-side run).
. "$(dirname "$0")/../lib.sh"

OUT=$BUILD/bench
mkdir -p "$OUT"
CC=${CC:-gcc}
src=$TOP/dev/bench/workload.c
if [ ! -x "$OUT/workload" ] || [ "$src" -nt "$OUT/workload" ]; then
	$CC -O2 -Wall -Wextra -Werror -o "$OUT/workload.tmp" "$src"
	mv "$OUT/workload.tmp" "$OUT/workload"
fi

mem=${BENCH_MEM:-10G}
# name:buffer_mib:hot_offset_mib:hot_mib:trace
overhead="ovh-256M:256:120:16:0 ovh-1G:1024:504:16:0"
accuracy="acc-1G-5pct:1024:400:51:1"
if [ -n "${BENCH_SCENARIOS:-}" ]; then
	scenarios=$BENCH_SCENARIOS
else
	avail_mib=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
	need_mib=$(numfmt --from=iec "$mem" | awk '{ print int($1 / 1048576) + 1024 }')
	if [ "$avail_mib" -ge "$need_mib" ]; then
		scenarios="$overhead ovh-8G:8192:4088:16:0 $accuracy"
	else
		msg "only ${avail_mib} MiB available on the host, ${need_mib} needed: no 8 GiB scenario"
		mem=2G
		scenarios="$overhead $accuracy"
	fi
fi

share=$OUT/share
rm -rf "$share"
mkdir -p "$share"
host_load=$(cut -d' ' -f1-3 /proc/loadavg)
export VM_SHARE=$share VM_LOG=$LOGS/bench.vm.log VM_MEM=$mem
export VM_TIMEOUT=${VM_TIMEOUT:-900}
export BENCH_SECS=${BENCH_SECS:-20} BENCH_WARMUP_SECS=${BENCH_WARMUP_SECS:-5}
# The guest gets the knobs through the command line it runs.
# shellcheck disable=SC2086
"$TOP/dev/vm.sh" env BENCH_SECS="$BENCH_SECS" \
	BENCH_WARMUP_SECS="$BENCH_WARMUP_SECS" \
	"$TOP/dev/bench/run" /mnt/share/out $scenarios
{
	echo "host_loadavg_start $host_load"
	echo "host_loadavg_end $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "vm_mem $mem"
	echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$share/out/host.txt"
python3 "$TOP/dev/bench/summarise.py" "$share/out" "$OUT"
