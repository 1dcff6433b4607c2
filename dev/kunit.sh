#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run DAMON's KUnit suites on UML (build dir .build/kunit), or with
# KUNIT_VM=1 in the debug kernel in the VM (make check: no UML build, and
# the suites run under KASAN and lockdep). Writes .build/logs/kunit.summary
# ("PASSED FAILED SKIPPED") for dev/check.sh.
. "$(dirname "$0")/lib.sh"

need_pkgs "${BUILD_PKGS[@]}"
summary=$LOGS/kunit.summary
echo "0 0 0" > "$summary"
rm -f "$LOGS/kunit.where"
[ -f "$LINUX/mm/damon/tests/.kunitconfig" ] ||
	die "no mm/damon/tests/.kunitconfig in the tree (run 'make tree'; does the repo have it?)"

log=$LOGS/kunit.log
set +e
if [ "${KUNIT_VM:-0}" = 1 ]; then
	# The debug kernel has the suites built in (dev/kernel.sh); boot it
	# with them enabled and parse what they print.
	grep -qx 'CONFIG_DAMON_KUNIT_TEST=y' "$BUILD/vm-debug/.config" 2>/dev/null ||
		die "no KUnit suites in $BUILD/vm-debug: run 'make kernel DEBUG=1'"
	msg "KUnit suites in the debug kernel, in the VM (log: $log)"
	rm -f "$LOGS/kunit.vm.log"
	DEBUG=1 VM_LOG=$LOGS/kunit.vm.log \
		VM_APPEND="kunit.enable=1 kunit.filter_glob=damon*" \
		"$TOP/dev/vm.sh" true
	rc=$?
	(cd "$LINUX" && python3 tools/testing/kunit/kunit.py parse \
		"$LOGS/kunit.vm.log") 2>&1 | tee "$log"
	[ "${PIPESTATUS[0]}" = 0 ] || rc=1
else
	msg "kunit.py run --kunitconfig=mm/damon/tests (log: $log)"
	(cd "$LINUX" && locked python3 tools/testing/kunit/kunit.py run \
		--kunitconfig=mm/damon/tests --build_dir="$BUILD/kunit" \
		--jobs="$JOBS" --make_options "CC=ccache gcc" \
		--make_options "HOSTCC=ccache gcc" "$@") 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
fi
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
if [ "${KUNIT_VM:-0}" = 1 ]; then
	echo "in the KASAN and lockdep VM kernel"
else
	echo "on UML"
fi > "$LOGS/kunit.where"

[ $rc = 0 ] || die "kunit.py failed (exit $rc); log: $log"
[ "${ran:-0}" -gt 0 ] && [ "$passed" -gt 0 ] || die "KUnit ran no test; log: $log"
msg "KUnit: $passed passed, $failed failed, $skipped skipped"
