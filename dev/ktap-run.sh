#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of dev/selftests.sh with KSELFTEST_RUNNER=lean: runs the named
# damon kselftests of an installed kselftest tree one after the other and
# prints the same TAP as run_kselftest.sh (the "selftests: damon: NAME"
# lines, "# SKIP" for exit code 4, "# TIMEOUT" for a test that ran out of
# time, the test's output prefixed with "# ").
#
# The standard runner starts a dozen processes per test (basename, tr,
# stdbuf, two timeouts, a perl prefixer, subshells) and greps the test list
# for each test it is asked for; on the debug kernel under TCG each process
# start costs 0.2-0.7 s.  This one starts two per test: timeout and sed.
# make check uses it for the debug kernel's run only; the VM kernel's run
# keeps run_kselftest.sh, so that the standard runner stays tested.
#
# Usage: ktap-run.sh DIR TIMEOUT TEST...
set -u

dir=$1 per=$2
shift 2
cd "$dir" || exit 125
echo "TAP version 13"
echo "1..$#"
i=0
for t in "$@"; do
	i=$((i + 1))
	hdr="selftests: damon: $t"
	echo "# $hdr"
	if [ ! -x "./$t" ]; then
		echo "# Warning: file $t is missing or not executable"
		echo "not ok $i $hdr"
		continue
	fi
	# timeout makes the test a process group of its own and signals all
	# of it (workloads the test started included) when time is up.
	timeout -k 10 "$per" "./$t" 2>&1 | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	case $rc in
	0) echo "ok $i $hdr" ;;
	4) echo "ok $i $hdr # SKIP" ;;
	124 | 137)
		echo "#"
		echo "not ok $i $hdr # TIMEOUT $per seconds" ;;
	*) echo "not ok $i $hdr # exit=$rc" ;;
	esac
done
