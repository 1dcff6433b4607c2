#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build and install the damon kselftests, run them in the test VM with
# run_kselftest.sh, print the TAP and fail on any "not ok" or on no result.
# DEBUG=1 uses .build/vm-debug. Writes .build/logs/selftests[-debug].summary.
# KSELFTEST_RUNNER=lean runs them with dev/ktap-run.sh instead of
# run_kselftest.sh: the same TAP, two processes per test instead of a dozen
# (make check's debug-kernel run, where each process start is slow).
. "$(dirname "$0")/lib.sh"

need_pkgs "${BUILD_PKGS[@]}" python3
if [ "${DEBUG:-0}" = 1 ]; then out=$BUILD/vm-debug; sfx=-debug; else out=$BUILD/vm; sfx=; fi
summary=$LOGS/selftests$sfx.summary
echo "0 0 0" > "$summary"
[ -d "$LINUX/tools/testing/selftests/damon" ] ||
	die "no tools/testing/selftests/damon in the tree (run 'make tree')"
[ -f "$out/.config" ] || die "no kernel in $out: run 'make kernel${sfx:+ DEBUG=1}'"

share=$BUILD/share/selftests$sfx
rm -rf "$share"
mkdir -p "$share"
log=$LOGS/selftests-build$sfx.log
msg "building the damon kselftests (log: $log)"
if ! { kmake O="$out" headers &&
       locked make -C "$LINUX/tools/testing/selftests" O="$out" TARGETS=damon \
		CC="ccache gcc" INSTALL_PATH="$share/kselftest" install; } >"$log" 2>&1; then
	tail -n 40 "$log"
	die "kselftest build failed; log: $log"
fi

ntests=$(cd "$share/kselftest" && ./run_kselftest.sh -l | grep -c '^damon:' || true)
[ "$ntests" -gt 0 ] || die "no damon kselftests installed"
# SELFTESTS='a.py b.py' runs only those tests (while developing them);
# SELFTESTS_SKIP='c.py' runs all but those (make check's debug-kernel run,
# see dev/selftests-debug.skip).
sel=(-c damon)
if [ -z "${SELFTESTS:-}" ] && [ -n "${SELFTESTS_SKIP:-}" ]; then
	all=$(cd "$share/kselftest" && ./run_kselftest.sh -l | sed -n 's/^damon://p')
	for t in $SELFTESTS_SKIP; do
		grep -qxF "$t" <<<"$all" || die "SELFTESTS_SKIP: no kselftest $t"
	done
	SELFTESTS=$(grep -vxF -f <(tr ' ' '\n' <<<"$SELFTESTS_SKIP") <<<"$all" || true)
	[ -n "$SELFTESTS" ] || die "SELFTESTS_SKIP leaves no kselftest to run"
	msg "not run here: $SELFTESTS_SKIP"
fi
if [ -n "${SELFTESTS:-}" ]; then
	sel=()
	for t in $SELFTESTS; do sel+=(-t "damon:$t"); done
	ntests=${#sel[@]}
	ntests=$(( ntests / 2 ))
fi
per=$(sed -n 's/^timeout=\([0-9]*\)/\1/p' "$LINUX/tools/testing/selftests/damon/settings" 2>/dev/null)
per=${per:-45}
case ${KSELFTEST_RUNNER:-standard} in
standard) runner=(./run_kselftest.sh "${sel[@]}") ;;
lean)
	names=${SELFTESTS:-$(cd "$share/kselftest" && ./run_kselftest.sh -l |
			     sed -n 's/^damon://p')}
	read -r -d '' -a list <<<"$names" || true
	runner=("$TOP/dev/ktap-run.sh" /mnt/share/kselftest/damon "$per" "${list[@]}") ;;
*) die "KSELFTEST_RUNNER must be standard or lean" ;;
esac
VM_TIMEOUT=${VM_TIMEOUT:-$(( per * ntests + 300 ))}
VM_TIMEOUT=$(clamp_timeout "$VM_TIMEOUT" "selftests$sfx")
# The runner prints a line when a test starts and ends, and kills a test
# after $per seconds: a console silent for longer than that means a stuck
# guest.
VM_SILENCE=${VM_SILENCE:-$(( per + 120 > 300 ? per + 120 : 300 ))}
export VM_TIMEOUT VM_SILENCE VM_SHARE=$share VM_LOG=$LOGS/selftests$sfx.vm.log
msg "running $ntests damon kselftests in the VM (${per}s each at most; VM timeout ${VM_TIMEOUT}s)"
# In the guest: the TAP goes to the share as it is; the console gets it with
# the seconds since the start in front. Then kmemleak (debug kernel) is
# asked for leaks with damon in their backtrace.
set +e
"$TOP/dev/vm.sh" bash -c '
	cd /mnt/share/kselftest || exit 125
	export PYTHONUNBUFFERED=1
	"${@:2}" 2>&1 | tee /mnt/share/tap |
		while IFS= read -r l; do printf "[%5d] %s\n" $SECONDS "$l"; done |
		tee /mnt/share/tap.times
	rc=${PIPESTATUS[0]}
	"$1" /mnt/share/kmemleak
	echo $? > /mnt/share/kmemleak.status
	exit $rc' - "$TOP/dev/vm-kmemleak.sh" "${runner[@]}"
rc=$?
set -e

tap=$share/tap
[ -f "$tap" ] || die "no TAP output from the VM (exit $rc)"
top='selftests: damon: '
passed=$(grep -cE "^ok [0-9]+ $top" "$tap" | head -1 || true)
skipped=$(grep -E "^ok [0-9]+ $top" "$tap" | grep -c '# SKIP' || true)
passed=$(( passed - skipped ))
failed=$(grep -cE "^not ok [0-9]+ $top" "$tap" || true)
[ $rc = 0 ] || [ "$failed" -gt 0 ] || failed=1
leaks=$(cat "$share/kmemleak.status" 2>/dev/null || echo 1)
[ "$leaks" = 0 ] || failed=$((failed + 1))
echo "$passed $failed $skipped" > "$summary"

# Each test's time: from the previous result line to its own.
times=$LOGS/selftests$sfx.times
awk -v top="$top" '
	{ t = substr($0, 2, 5) + 0; l = substr($0, 9) }
	l ~ "^(not )?ok [0-9]+ " top {
		n = l; sub("^.*" top, "", n); sub(/ .*/, "", n)
		printf "%5d %s\n", t - prev, n; prev = t
	}' "$share/tap.times" 2>/dev/null | sort -rn > "$times" || true
echo "== damon kselftests${sfx:+ (debug kernel)}: $passed passed, $failed failed, $skipped skipped"
echo "   slowest (seconds): $(head -n 5 "$times" | awk '{printf "%s %s, ", $2, $1}' | sed 's/, $//') (all: $times)"
grep -E "^not ok [0-9]+ $top" "$tap" || true
[ "$leaks" = 0 ] || echo "not ok: kmemleak found leaks with damon in their backtrace (or could not scan); report: $share/kmemleak"
[ "$failed" = 0 ] || die "kselftests failed (VM exit $rc); TAP: $tap"
[ "$passed" -gt 0 ] || die "no kselftest passed; TAP: $tap"
