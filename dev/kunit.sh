#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run DAMON's KUnit suites on UML (build dir .build/kunit). Writes
# .build/logs/kunit.summary ("PASSED FAILED SKIPPED") for dev/check.sh.
. "$(dirname "$0")/lib.sh"

need_pkgs "${BUILD_PKGS[@]}"
summary=$LOGS/kunit.summary
echo "0 0 0" > "$summary"
[ -f "$LINUX/mm/damon/tests/.kunitconfig" ] ||
	die "no mm/damon/tests/.kunitconfig in the tree (run 'make tree'; does the repo have it?)"

log=$LOGS/kunit.log
msg "kunit.py run --kunitconfig=mm/damon/tests (log: $log)"
set +e
(cd "$LINUX" && locked python3 tools/testing/kunit/kunit.py run \
	--kunitconfig=mm/damon/tests --build_dir="$BUILD/kunit" \
	--jobs="$JOBS" --make_options "CC=ccache gcc" \
	--make_options "HOSTCC=ccache gcc" "$@") 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# "Testing complete. Ran 12 tests: passed: 11, failed: 1, skipped: 0"
line=$(grep -a 'Testing complete. Ran' "$log" | tail -n 1 | sed 's/\x1b\[[0-9;]*m//g')
ran=$(sed -n 's/.*Ran \([0-9]*\) tests.*/\1/p' <<<"$line")
passed=$(sed -n 's/.*passed: \([0-9]*\).*/\1/p' <<<"$line")
failed=$(sed -n 's/.*failed: \([0-9]*\).*/\1/p' <<<"$line")
skipped=$(sed -n 's/.*skipped: \([0-9]*\).*/\1/p' <<<"$line")
crashed=$(sed -n 's/.*crashed: \([0-9]*\).*/\1/p' <<<"$line")
passed=${passed:-0} failed=$(( ${failed:-0} + ${crashed:-0} )) skipped=${skipped:-0}
[ $rc = 0 ] || [ $failed -gt 0 ] || failed=1
echo "$passed $failed $skipped" > "$summary"

[ $rc = 0 ] || die "kunit.py failed (exit $rc); log: $log"
[ "${ran:-0}" -gt 0 ] && [ "$passed" -gt 0 ] || die "KUnit ran no test; log: $log"
msg "KUnit: $passed passed, $failed failed, $skipped skipped"
