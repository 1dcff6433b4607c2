#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: our DAMON side by side with the stock 6.12 DAMON.  Builds both
# benchmark kernels with dev/bench/kernel.sh (ours from make tree's
# .build/linux into .build/vm-bench, the stock one from the untouched
# Debian source into .build/vm-stock, same configuration) and
# dev/bench/workload, then boots the VM once per kernel, runs dev/bench/run
# there (every scenario, BENCH_REPEATS times in a row), and summarises
# both with dev/bench/summarise.py (table.txt, results.csv, runs.csv,
# history.csv) and dev/bench/plot.py (bench.png) into .build/bench/.  See
# dev/bench/README for the method.
#
# Environment:
#   BENCH_KERNELS    ours|stock|both (both), or auto|tune: "auto" is our
#                    kernel with the interval auto-tuning on (BENCH_GOAL,
#                    default "400 3 5000 10000000", see dev/bench/run),
#                    "tune" runs ours and auto and compares the two;
#                    "pareto" runs ours, stock, and stock again with
#                    min_nr_regions raised to each of BENCH_STOCK_MIN
#                    (default "50 200 500"; runs named stock-minN), for
#                    the accuracy-against-CPU comparison and pareto.png.
#                    A list of those names runs just them.
#   BENCH_REPEATS    runs of each scenario per kernel (3; 1 with BENCH_QUICK=1)
#   BENCH_SCENARIOS  scenario names from the lists below, or full
#                    name:MiB:ops:max_nr_regions:workload-args specs
#   BENCH_QUICK=1    iteration mode: 3 small scenarios, short windows, 2G VM
#   BENCH_BUILD=0    use the kernels already built
#   BENCH_MEM        VM memory (10G), BENCH_SECS (10), BENCH_WARMUP_SECS (3),
#                    BENCH_BASE_SECS (2): see dev/bench/run
#   BENCH_PERF=1     profile each kdamond with perf: runs/<kernel>/out/
#                    r<repeat>/<scenario>/perf*.txt (disturbs the figures)
. "$(dirname "$0")/../lib.sh"

OUT=$BUILD/bench
mkdir -p "$OUT"
CC=${CC:-gcc}
src=$TOP/dev/bench/workload.c
if [ ! -x "$OUT/workload" ] || [ "$src" -nt "$OUT/workload" ]; then
	$CC -O2 -Wall -Wextra -Werror -o "$OUT/workload.tmp" "$src"
	mv "$OUT/workload.tmp" "$OUT/workload"
fi

# name:buffer MiB:ops:max_nr_regions:workload arguments (commas for spaces)
ALL=(
	# An 8 MiB hot set in targets of growing size: kdamond CPU by size,
	# 3% down to 0.1% hot (sz-8G is the "0.1% hot in 8 GiB" hard case).
	sz-256M:256:vaddr:1000:-k,static,-l,8192
	sz-1G:1024:vaddr:1000:-k,static,-l,8192
	sz-4G:4096:vaddr:1000:-k,static,-l,8192
	sz-8G:8192:vaddr:1000:-k,static,-l,8192
	# 16 MiB hot set jumping somewhere else every 1-2 s.
	move-1G:1024:vaddr:1000:-k,move,-l,16384,-m,1000:2000
	# 48 hot ranges of 64-512 KiB scattered over 1 GiB, and the same with
	# at most 100 regions.
	scat-1G:1024:vaddr:1000:-k,scatter,-n,48
	scat-1G-coarse:1024:vaddr:100:-k,scatter,-n,48
	# 32 ranges of 256 KiB swept every 0, 1, 2, ... 31 ms (Zipf).
	zipf-1G:1024:vaddr:1000:-k,zipf,-n,32,-l,256
	# 16 MiB hot plus 64 MiB warm, swept every 50 ms.
	warm-1G:1024:vaddr:1000:-k,warm,-l,16384,-w,65536,-p,50
	# Physical address space: 16 MiB hot in a 1 GiB buffer, all RAM.
	paddr-1G:1024:paddr:1000:-k,static,-l,16384
)
QUICK=(sz-256M move-256M:256:vaddr:1000:-k,move,-l,8192,-m,1000:2000
       scat-256M:256:vaddr:1000:-k,scatter,-n,32)

quick=${BENCH_QUICK:-0}
repeats=${BENCH_REPEATS:-$([ "$quick" = 1 ] && echo 1 || echo 3)}
if [ "$quick" = 1 ]; then
	: "${BENCH_SECS:=5}" "${BENCH_WARMUP_SECS:=2}" "${BENCH_BASE_SECS:=1}"
	: "${BENCH_MEM:=2G}"
fi
mem=${BENCH_MEM:-10G}
case ${BENCH_KERNELS:-both} in
both) kernels=(ours stock) ;;
tune) kernels=(ours auto) ;;
pareto)
	kernels=(ours stock)
	for m in ${BENCH_STOCK_MIN:-50 200 500}; do kernels+=("stock-min$m"); done ;;
*) read -r -a kernels <<< "$BENCH_KERNELS" ;;
esac
for k in "${kernels[@]}"; do
	[[ "$k" =~ ^(ours|stock|auto|stock-min[1-9][0-9]*)$ ]] ||
		die "BENCH_KERNELS: '$k' is none of both, tune, pareto, ours, stock, auto, stock-minN"
done
goal=${BENCH_GOAL:-400 3 5000 10000000}
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPEATS must be a positive number"

# Names resolve against the lists above; full specs pass through.
if [ -n "${BENCH_SCENARIOS:-}" ]; then
	read -r -a want <<< "$BENCH_SCENARIOS"
elif [ "$quick" = 1 ]; then
	want=("${QUICK[@]}")
else
	want=("${ALL[@]}")
fi
scenarios=()
for w in "${want[@]}"; do
	if [[ "$w" == *:* ]]; then
		scenarios+=("$w")
		continue
	fi
	found=
	for s in "${ALL[@]}" "${QUICK[@]}"; do
		[ "${s%%:*}" = "$w" ] && [[ "$s" == *:* ]] && { found=$s; break; }
	done
	[ -n "$found" ] || die "unknown scenario '$w'"
	scenarios+=("$found")
done

# The largest target must fit the VM, and the VM the host.
need_mib=0
for s in "${scenarios[@]}"; do
	IFS=: read -r _ sz _ <<< "$s"
	[ "$sz" -gt "$need_mib" ] && need_mib=$sz
done
mem_mib=$(numfmt --from=iec "$mem" | awk '{ print int($1 / 1048576) }')
avail_mib=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
if [ $((need_mib + 1536)) -gt "$mem_mib" ] || [ $((mem_mib + 1024)) -gt "$avail_mib" ]; then
	die "scenarios need ${need_mib} MiB in a VM of $mem (host: ${avail_mib} MiB available); set BENCH_MEM or BENCH_SCENARIOS"
fi

declare -A image=([ours]=$BUILD/vm-bench/arch/x86/boot/bzImage
		  [auto]=$BUILD/vm-bench/arch/x86/boot/bzImage
		  [stock]=$BUILD/vm-stock/arch/x86/boot/bzImage)
declare -A source=([ours]=ours [auto]=ours [stock]=stock)
declare -A min_nr=()
for k in "${kernels[@]}"; do
	if [[ "$k" == stock-min* ]]; then
		image[$k]=${image[stock]} source[$k]=stock min_nr[$k]=${k#stock-min}
	fi
done
built=
for k in "${kernels[@]}"; do
	if [ "${BENCH_BUILD:-1}" = 1 ] && [[ " $built " != *" ${source[$k]} "* ]]; then
		"$TOP/dev/bench/kernel.sh" "${source[$k]}"
		built+=" ${source[$k]}"
	fi
	[ -f "${image[$k]}" ] || die "no $k kernel at ${image[$k]}"
done

runs=$OUT/runs
rm -rf "$runs"
mkdir -p "$runs"
printf '%s\n' "${scenarios[@]}" > "$runs/scenarios.txt"
# The guest populates the largest target once and shrinks it from one
# scenario to the next: run them largest first (the table keeps the order
# above).
mapfile -t order < <(printf '%s\n' "${scenarios[@]}" | sort -s -t: -k2,2nr)
secs=${BENCH_SECS:-10} warm=${BENCH_WARMUP_SECS:-3} base=${BENCH_BASE_SECS:-2}
# Per scenario: the windows, plus populating (about 40 s for 8 GiB under
# TCG) and the trace dump; plus the boot.
timeout=$(( ${#scenarios[@]} * repeats * (secs + warm + 2 * base + 30) + need_mib / 16 + 300 ))
start=$(date +%s)
failed=0
for k in "${kernels[@]}"; do
	dir=$runs/$k
	mkdir -p "$dir"
	msg "bench: $k kernel, ${#scenarios[@]} scenarios, $repeats repeat(s) each"
	host_load=$(cut -d' ' -f1-3 /proc/loadavg)
	kgoal=
	[ "$k" != auto ] || kgoal=$goal
	if ! VM_SHARE=$dir VM_LOG=$LOGS/bench-$k.vm.log VM_MEM=$mem \
	     VM_TIMEOUT=${VM_TIMEOUT:-$timeout} KERNEL=${image[$k]} \
	     "$TOP/dev/vm.sh" env BENCH_SECS="$secs" BENCH_WARMUP_SECS="$warm" \
			BENCH_BASE_SECS="$base" BENCH_REPEATS="$repeats" \
			BENCH_GOAL="$kgoal" BENCH_PERF="${BENCH_PERF:-0}" \
			BENCH_MIN_NR="${min_nr[$k]:-10}" \
			"$TOP/dev/bench/run" /mnt/share/out "${order[@]}"; then
		msg "bench: the $k run failed; going on with the others"
		failed=1
	fi
	{
		echo "host_loadavg_start $host_load"
		echo "host_loadavg_end $(cut -d' ' -f1-3 /proc/loadavg)"
		echo "vm_mem $mem"
		echo "kernel_image ${image[$k]}"
		echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	} > "$dir/host.txt"
done
msg "bench: VM runs took $(( $(date +%s) - start ))s"

python3 "$TOP/dev/bench/summarise.py" "$runs" "$OUT" || failed=1
need_pkgs python3-matplotlib
/usr/bin/python3 "$TOP/dev/bench/plot.py" "$OUT/runs.csv" "$OUT/bench.png" \
	"$OUT/pareto.png" || failed=1
msg "bench: table $OUT/table.txt, CSV $OUT/results.csv and runs.csv, plots $OUT/bench.png and pareto.png"
exit $failed
