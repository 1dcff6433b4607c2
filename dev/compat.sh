#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make compat: boot the VM kernel and drive its DAMON through damo 3.3.0,
# the user-space tool (dev/compat/compat.py: start, report access, tune,
# record, heatmap, wss, an addr-filtered stat scheme, an allow filter,
# interval auto-tuning, pageout, stop), then run damo's own kernel-facing
# tests (DAMO_TESTS). Prints one line per check and fails on any failure.
# Writes .build/logs/compat.summary.
#
# damo is found at $DAMO_DIR, else $TOP/../shared/damo, else
# /work/shared/damo; it is never modified (the guest runs a copy).
. "$(dirname "$0")/lib.sh"

# damo's test directories to run, in order. damon_reclaim and damon_lru_sort
# drive the DAMON_RECLAIM and DAMON_LRU_SORT modules; a missing module
# fails them (damo's script would only print SKIP).
DAMO_TESTS=${DAMO_TESTS-start_stop record schemes damon_reclaim damon_lru_sort}
# COMPAT_CHECKS='name ...' runs only those checks of dev/compat/compat.py.
COMPAT_CHECKS=${COMPAT_CHECKS-}
# damo's record and schemes tests add a round through the deprecated debugfs
# interface when the kernel has one. DAMO_DEBUGFS=0 hides debugfs from them
# (make check: dbgfs.py tests that interface on both kernels, and the
# rounds take about 4 minutes under TCG).
DAMO_DEBUGFS=${DAMO_DEBUGFS:-1}
# damo's tests/start_stop runs each of four "damo report" commands 10 times
# in a row; DAMO_REPEATS=N runs them N times (make check: 3).
DAMO_REPEATS=${DAMO_REPEATS:-10}

summary=$LOGS/compat.summary
echo "0 0 0" > "$summary"
need_pkgs "${BUILD_PKGS[@]}" python3 procps util-linux linux-perf
[ -f "$BUILD/vm/.config" ] || die "no kernel in $BUILD/vm: run 'make kernel'"

damo=
for d in ${DAMO_DIR:+"$DAMO_DIR"} "$TOP/../shared/damo" /work/shared/damo; do
	if [ -f "$d/src/damo.py" ]; then damo=$(cd "$d" && pwd); break; fi
done
if [ -z "$damo" ]; then
	echo "0 1 0" > "$summary"
	die "damo not found: set DAMO_DIR to a damo 3.3.0 checkout (looked in ${DAMO_DIR:+$DAMO_DIR, }$TOP/../shared/damo, /work/shared/damo)"
fi

share=$BUILD/share/compat
rm -rf "$share"
mkdir -p "$share"
gcc -O2 -Wall -o "$share/hotcold" "$TOP/dev/compat/hotcold.c"
# The guest sees the host's / read-only, except /tmp, /root, /run (tmpfs
# there): give it damo through the share when it lives under one of those.
case $damo in
/tmp/*|/root/*|/run/*|/mnt/*|/var/tmp/*)
	cp -r "$damo" "$share/damo-src"
	damo=/mnt/share/damo-src ;;
esac

export VM_TIMEOUT=${VM_TIMEOUT:-2400}
# damo's tests print as they go (compat.py passes it on), but one step may
# sleep for a while: allow more silence than the default.
export VM_SILENCE=${VM_SILENCE:-600}
export VM_SHARE=$share VM_LOG=$LOGS/compat.vm.log
msg "damo $damo against the VM kernel (tests: $DAMO_TESTS; debugfs rounds: $([ "$DAMO_DEBUGFS" = 1 ] && echo yes || echo no); start_stop loops: $DAMO_REPEATS; VM timeout ${VM_TIMEOUT}s)"
t0=$(date +%s)
set +e
"$TOP/dev/vm.sh" python3 "$TOP/dev/compat/compat.py" --damo "$damo" \
	--workload /mnt/share/hotcold --out /mnt/share --tests "$DAMO_TESTS" \
	--checks "$COMPAT_CHECKS" --damo-repeats "$DAMO_REPEATS" \
	$([ "$DAMO_DEBUGFS" = 1 ] || echo --no-damo-debugfs)
rc=$?
set -e
secs=$(( $(date +%s) - t0 ))

res=$share/results
[ -f "$res" ] || die "no results from the VM (exit $rc); log: $VM_LOG"
passed=$(grep -c '^ok ' "$res" || true)
failed=$(grep -c '^not ok ' "$res" || true)
skipped=$(grep -c '^skip ' "$res" || true)
[ "$rc" = 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "$passed $failed $skipped" > "$summary"
echo "== damo compat: $passed passed, $failed failed, $skipped skipped (${secs}s; details: $share/detail.log)"
grep '^not ok ' "$res" || true
[ "$failed" = 0 ] || die "damo compat checks failed (VM exit $rc); log: $VM_LOG"
[ "$passed" -gt 0 ] || die "no damo compat check passed; log: $VM_LOG"
