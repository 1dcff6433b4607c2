#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build and install the damon kselftests, run them in the test VM with
# run_kselftest.sh, print the TAP and fail on any "not ok" or on no result.
# DEBUG=1 uses .build/vm-debug. Writes .build/logs/selftests[-debug].summary.
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
per=$(sed -n 's/^timeout=\([0-9]*\)/\1/p' "$LINUX/tools/testing/selftests/damon/settings" 2>/dev/null)
per=${per:-45}
export VM_TIMEOUT=${VM_TIMEOUT:-$(( per * ntests + 300 ))}
export VM_SHARE=$share VM_LOG=$LOGS/selftests$sfx.vm.log
msg "running $ntests damon kselftests in the VM (${per}s each at most; VM timeout ${VM_TIMEOUT}s)"
set +e
"$TOP/dev/vm.sh" bash -o pipefail -c \
	'cd /mnt/share/kselftest && ./run_kselftest.sh -c damon 2>&1 | tee /mnt/share/tap'
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
echo "$passed $failed $skipped" > "$summary"
echo "== damon kselftests${sfx:+ (debug kernel)}: $passed passed, $failed failed, $skipped skipped"
grep -E "^not ok [0-9]+ $top" "$tap" || true
[ "$failed" = 0 ] || die "kselftests failed (VM exit $rc); TAP: $tap"
[ "$passed" -gt 0 ] || die "no kselftest passed; TAP: $tap"
