#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# KTAP output for the DAMON shell selftests.  Source it, call ktap_plan,
# report with ktap_ok / ktap_skip_all, and end with ktap_finish.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

ktap_nr=0
ktap_failed=0
ktap_planned=0

ktap_plan()
{
	ktap_planned=$1
	echo "TAP version 13"
	echo "1..$1"
}

ktap_diag()
{
	echo "# $*"
}

# ktap_ok <status> <description>: status 0 is a pass.
ktap_ok()
{
	ktap_nr=$((ktap_nr + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $ktap_nr $2"
	else
		ktap_failed=$((ktap_failed + 1))
		echo "not ok $ktap_nr $2"
	fi
}

ktap_skip_all()
{
	echo "TAP version 13"
	echo "1..0 # SKIP $*"
	exit "$KSFT_SKIP"
}

ktap_finish()
{
	if [ "$ktap_nr" -ne "$ktap_planned" ]; then
		ktap_diag "planned $ktap_planned tests but ran $ktap_nr"
		ktap_failed=$((ktap_failed + 1))
	fi
	echo "# Totals: pass:$((ktap_nr - ktap_failed)) fail:$ktap_failed" \
		"xfail:0 xpass:0 skip:0 error:0"
	if [ "$ktap_failed" -ne 0 ]; then
		exit "$KSFT_FAIL"
	fi
	exit "$KSFT_PASS"
}
