#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Several processes write the DAMON sysfs tree at the same time: one
# resizes the targets, one the regions and their bounds, one the
# attributes and operations, and one turns the kdamond on, commits and
# turns it off.  Single writes may fail (EBUSY, ENOENT, EINVAL); what must
# hold is that no writer hangs, that the tree is consistent afterwards and
# that a kdamond can still be started on it.  The harness checks dmesg for
# kernel warnings.
#
# The writers are this script run again as "concurrent_writes.sh --writer
# <function>" under timeout(1).
# shellcheck disable=SC2317  # writer functions are called through "$@"

cd "$(dirname "$0")" || exit 1
. ./_ktap.sh

admin=/sys/kernel/mm/damon/admin
kds=$admin/kdamonds
ctx=$kds/0/contexts/0
secs=${DAMON_STRESS_SECS:-8}

[ "$(id -u)" -eq 0 ] || ktap_skip_all "must be run as root"
[ -d "$admin" ] || ktap_skip_all "$admin is missing (CONFIG_DAMON_SYSFS=n?)"

nr_ok=0
nr_failed=0

put()
{
	if echo "$2" 2>/dev/null > "$1"; then
		nr_ok=$((nr_ok + 1))
		return 0
	fi
	nr_failed=$((nr_failed + 1))
	return 1
}

stop_all()
{
	local k n

	n=$(cat "$kds/nr_kdamonds")
	for ((k = 0; k < n; k++)); do
		put "$kds/$k/state" off
	done
	for ((k = 0; k < 100; k++)); do
		put "$kds/nr_kdamonds" 0 && return 0
		sleep 0.2
	done
	return 1
}

# Runs "$@" in a loop for $secs seconds.
hammer()
{
	local end=$((SECONDS + secs))

	while [ "$SECONDS" -lt "$end" ]; do
		"$@"
	done
}

resize_targets()
{
	local n=$((1 + RANDOM % 3)) t

	put "$ctx/targets/nr_targets" "$n"
	for ((t = 0; t < n; t++)); do
		put "$ctx/targets/$t/pid_target" "$wpid"
	done
}

resize_regions()
{
	local t=$((RANDOM % 3)) n=$((RANDOM % 4)) r base
	local d=$ctx/targets/$t/regions

	put "$d/nr_regions" "$n"
	# Region r lies in [r + 1, r + 2) MiB.  Filling new (zeroed) regions
	# from the last one, end first, keeps the set valid at every step.
	for ((r = n - 1; r >= 0; r--)); do
		base=$(((r + 1) * 1048576))
		put "$d/$r/end" "$((base + 65536 * (RANDOM % 8 + 1)))"
		put "$d/$r/start" "$base"
	done
}

change_attrs()
{
	local ops=(vaddr fvaddr paddr vaddr)
	local a=$ctx/monitoring_attrs

	put "$ctx/operations" "${ops[RANDOM % 4]}"
	put "$a/intervals/sample_us" $((1000 + RANDOM % 10000))
	put "$a/intervals/aggr_us" $((20000 + RANDOM % 100000))
	put "$a/intervals/update_us" $((100000 + RANDOM % 1000000))
	# Mostly valid bounds, so that "on" and "commit" often get through.
	put "$a/nr_regions/min" $((3 + RANDOM % 10))
	put "$a/nr_regions/max" $((20 + RANDOM % 100))
	put "$ctx/schemes/nr_schemes" $((RANDOM % 2))
}

toggle_state()
{
	local cmd try

	# The other writers often leave the tree briefly invalid (a new
	# target without its pid yet, a region without its end), so retry.
	for cmd in on commit \
		   commit off; do
		for ((try = 0; try < 50; try++)); do
			put "$kds/0/state" "$cmd" && break
		done
		cat "$kds/0/pid" "$kds/0/state" > /dev/null 2>&1
	done
}

if [ "$1" = --writer ]; then
	case "$2" in
	resize_targets|resize_regions|change_attrs|toggle_state)
		hammer "$2"
		ktap_diag "$2: $nr_ok writes succeeded, $nr_failed failed"
		# Exit 3 if the stress did not get a single write through.
		[ "$nr_ok" -gt 0 ] || exit 3
		exit 0
		;;
	esac
	exit 2
fi

ktap_plan 9

nr_kdamond_threads()
{
	grep -l '^kdamond' /proc/[0-9]*/comm 2>/dev/null | wc -l
}

stop_all
threads_before=$(nr_kdamond_threads)
sleep 1000 &
wpid=$!
put "$kds/nr_kdamonds" 1
put "$kds/0/contexts/nr_contexts" 1
put "$ctx/operations" vaddr
put "$ctx/targets/nr_targets" 1
put "$ctx/targets/0/pid_target" "$wpid"
put "$kds/0/state" on
[ "$(cat "$kds/0/state")" = on ]
ktap_ok $? "kdamond starts before the stress"

pids=()
for w in resize_targets resize_regions change_attrs toggle_state; do
	wpid=$wpid DAMON_STRESS_SECS=$secs timeout $((secs + 60)) \
		"./$(basename "$0")" --writer "$w" &
	pids+=($!)
done
hung=0
idle=0
for p in "${pids[@]}"; do
	wait "$p"
	case $? in
	0) ;;
	3) idle=$((idle + 1)) ;;
	*) hung=$((hung + 1)) ;;
	esac
done
[ "$hung" -eq 0 ]
ktap_ok $? "all ${#pids[@]} writers finish in time ($hung did not)"
[ "$idle" -eq 0 ]
ktap_ok $? "every writer gets writes through ($idle did not)"

put "$kds/0/state" off
st=$(cat "$kds/0/state")
pid=$(cat "$kds/0/pid")
[ "$st" = off ] && [ "$pid" = -1 ]
ktap_ok $? "off: state reads off ($st), pid reads -1 ($pid)"

# Every nr_* file agrees with the directories that exist.
consistent=0
check_nr()
{
	local dir=$1 file=$2 n found

	n=$(cat "$dir/$file") || return 1
	found=$(find "$dir" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*' | wc -l)
	if [ "$n" -ne "$found" ] || { [ "$n" -gt 0 ] && [ ! -d "$dir/$((n - 1))" ]; }; then
		ktap_diag "$dir: $file reads $n, $found directories"
		consistent=1
	fi
}
check_nr "$kds" nr_kdamonds
check_nr "$kds/0/contexts" nr_contexts
check_nr "$ctx/targets" nr_targets
check_nr "$ctx/schemes" nr_schemes
for d in "$ctx"/targets/[0-9]*; do
	[ -d "$d" ] && check_nr "$d/regions" nr_regions
done
ktap_ok $consistent "nr_* files match the directories"

# The tree still works: a clean configuration starts and stops.
put "$ctx/operations" vaddr
put "$ctx/monitoring_attrs/nr_regions/max" 1000
put "$ctx/monitoring_attrs/nr_regions/min" 10
put "$ctx/monitoring_attrs/intervals/sample_us" 5000
put "$ctx/monitoring_attrs/intervals/aggr_us" 100000
put "$ctx/monitoring_attrs/intervals/update_us" 1000000
put "$ctx/schemes/nr_schemes" 0
put "$ctx/targets/nr_targets" 1
put "$ctx/targets/0/pid_target" "$wpid"
put "$ctx/targets/0/regions/nr_regions" 0
put "$kds/0/state" on
[ "$(cat "$kds/0/state")" = on ] && [ "$(cat "$kds/0/pid")" -gt 0 ]
ktap_ok $? "a clean configuration starts after the stress"
put "$kds/0/state" off
[ "$(cat "$kds/0/state")" = off ]
ktap_ok $? "and turns off"

stop_all
ktap_ok $? "nr_kdamonds can be reset to 0"
left=$(nr_kdamond_threads)
[ "$left" -eq "$threads_before" ]
ktap_ok $? "no kdamond thread is left ($left, $threads_before before)"

kill "$wpid"
wait "$wpid" 2>/dev/null
ktap_finish
