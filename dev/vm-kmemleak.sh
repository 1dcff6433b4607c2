#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In the test VM (debug kernel): ask kmemleak for the objects leaked so far
# and fail on any whose allocation backtrace mentions PATTERN (default
# "damon"). Usage: dev/vm-kmemleak.sh [REPORT [PATTERN]]; REPORT (default
# $SHARE/kmemleak) gets the whole kmemleak report, boot-time leaks of other
# subsystems included. Exits 0 when kmemleak is not built in.
set -uo pipefail
report=${1:-${SHARE:-/tmp}/kmemleak}
pattern=${2:-damon}
kml=/sys/kernel/debug/kmemleak

mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
if [ ! -e $kml ]; then
	echo "kmemleak: not in this kernel; nothing checked"
	exit 0
fi
# An object is reported once it is at least 5 s old and no pointer to it
# was found. A pointer may sit in a register or on a stack for a moment,
# so scan twice with a pause, as Documentation/dev-tools/kmemleak.rst says,
# and read the report after the second scan: it lists the objects still
# unreferenced then.
t0=$SECONDS
for i in 1 2; do
	[ $i = 1 ] || sleep 6
	echo "kmemleak: scan $i of 2"
	if ! echo scan > $kml; then
		echo "kmemleak: cannot scan (kmemleak disabled? see dmesg)"
		dmesg | grep -i kmemleak | tail -n 5
		exit 1
	fi
done
cat $kml > "$report"
total=$(grep -c '^unreferenced object' "$report")
# One report per "unreferenced object" paragraph; match the backtrace
# lines only (the comm of a kdamond has "damon" in it too).
hits=$(awk -v pat="$pattern" '
	/^unreferenced object/ { if (hit) print rec "\n"; rec = $0; hit = 0; bt = 0; next }
	{ rec = rec "\n" $0 }
	/^ *backtrace/ { bt = 1; next }
	bt && tolower($0) ~ pat { hit = 1 }
	END { if (hit) print rec "\n" }' "$report")
n=$(grep -c '^unreferenced object' <<<"$hits")
echo "kmemleak: $total unreferenced object(s), $n with \"$pattern\" in the backtrace (scans took $((SECONDS - t0))s; report: $report)"
[ "$n" = 0 ] && exit 0
printf '%s\n' "$hits"
exit 1
