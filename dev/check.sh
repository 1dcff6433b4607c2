#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: lint, kselftests on the VM kernel, damo, then KUnit and
# kselftests on the debug VM kernel, and the patch series. Runs every step
# even when one fails, then prints one line "N passed, M failed[, K
# skipped]" (N: KUnit cases and kselftests that passed) and exits non-zero
# if anything failed.
. "$(dirname "$0")/lib.sh"
cd "$TOP"

start=$(date +%s)
# CI gives the whole run 90 minutes (CHECK_BUDGET, in seconds); keep a
# margin for the summary. Every step, and every VM in it (dev/vm.sh), stops
# at CHECK_DEADLINE; a CI that knows its own start may export it instead.
CHECK_BUDGET=${CHECK_BUDGET:-5400}
export CHECK_DEADLINE=${CHECK_DEADLINE:-$(( start + CHECK_BUDGET - 300 ))}
steps=() results=()
hms() { printf '%d:%02d' $(( $1 / 60 )) $(( $1 % 60 )); }
# step NAME CMD...: run one step, bounded by what is left of the budget.
step() {
	local name=$1 t0 rc left pid; shift
	t0=$(date +%s)
	left=$(budget_left)
	if [ "$left" -lt 60 ]; then
		printf '\033[1;31mERROR: check: %s not run: out of the CI time budget\033[0m\n' "$name" >&2
		rc=124
	else
		msg "check: $name ($(hms $(( t0 - start ))) into the run, $(hms "$left") left)"
		# timeout runs the step in its own process group and kills all of
		# it (qemu, make) at the deadline; an interrupt is passed on.
		timeout -k 30 "$left" "$@" &
		pid=$!
		trap 'kill -TERM $pid 2>/dev/null; interrupted=1' INT TERM
		while :; do
			set +e; wait $pid; rc=$?; set -e
			kill -0 $pid 2>/dev/null || break
		done
		trap - INT TERM
		[ -z "${interrupted:-}" ] || die "check: interrupted"
		[ $rc != 124 ] && [ $rc != 137 ] ||
			printf '\033[1;31mERROR: check: %s ran out of the CI time budget (stopped at CHECK_DEADLINE)\033[0m\n' "$name" >&2
	fi
	steps+=("$name") results+=("$rc $(( $(date +%s) - t0 ))")
	msg "check: $name $([ $rc = 0 ] && echo ok || echo FAILED) in $(hms $(( $(date +%s) - t0 )))"
	return 0
}
sum() { # FILE -> "P F S", failing the step when it failed without counts
	cat "$1" 2>/dev/null || echo "0 0 0"
}

step tree "$TOP/dev/tree.sh"
step kernel "$TOP/dev/kernel.sh"
step lint "$TOP/dev/lint.sh"
# The debug kernel builds at the lowest CPU priority while the VM kernel's
# kselftests and damo run: the guest leaves the CPUs idle much of that time
# (tests wait for kdamonds, damo's tests sleep), and the build takes what
# the guest leaves, which hides most of it.  It has its own output
# directory and lock and touches nothing the VM steps use.  kernel-debug
# waits for it, then builds again in the foreground: up to date, or showing
# why the background build failed.
bg_pid=
if [ "${CHECK_BG_DEBUG:-1}" = 1 ]; then
	BUILD_LOCK=$BUILD/build-debug.lock DEBUG=1 \
		timeout -k 30 "$(budget_left)" nice -n 19 "$TOP/dev/kernel.sh" \
		>"$LOGS/kernel-debug-bg.log" 2>&1 &
	bg_pid=$!
	trap 'kill $bg_pid 2>/dev/null || true' EXIT
	msg "check: building the debug kernel in the background (log: $LOGS/kernel-debug-bg.log)"
fi
step selftests "$TOP/dev/selftests.sh"
# The series check (a git am, a W=1 build of mm/damon/ and a checkpatch per
# patch, then the whole kernel) only builds: it too runs in the background,
# at the lowest priority, from here on, in the CPU time the guest leaves
# during the damo and debug steps. Its tree, build directory and lock are
# its own. The series step at the end waits for it and reports its result.
series_rc=$LOGS/series-check-bg.rc
rm -f "$series_rc"
if [ "${CHECK_BG_SERIES:-1}" = 1 ]; then
	timeout -k 30 "$(budget_left)" nice -n 19 bash -c \
		'"$1" >"$2" 2>&1; echo $? >"$3"' - "$TOP/dev/series-check.sh" \
		"$LOGS/series-check-bg.log" "$series_rc" &
	series_pid=$!
	trap 'kill $bg_pid $series_pid 2>/dev/null || true' EXIT
	msg "check: checking the series in the background (log: $LOGS/series-check-bg.log)"
fi
# damo's debugfs rounds only in make compat: dbgfs.py covers that interface
# on both kernels, and they would take about 4 minutes here.  start_stop's
# four loops of one "damo report" command run 3 times each, not 10: some
# 4 minutes of damo's Python under TCG.
step compat env DAMO_DEBUGFS=0 DAMO_REPEATS=3 "$TOP/dev/compat.sh"
step kernel-debug bash -c 'while [ -n "$1" ] && kill -0 "$1" 2>/dev/null; do
	sleep 2; done; exec env DEBUG=1 BUILD_LOCK="$3" "$2"' - "$bg_pid" \
	"$TOP/dev/kernel.sh" "$BUILD/build-debug.lock"
# The KUnit suites are built into the debug kernel: no UML build, and KASAN.
step kunit env KUNIT_VM=1 "$TOP/dev/kunit.sh"
# The debug kernel runs every kselftest but the slow ones that only measure
# an effect whose code the others also run (the list says why), with the
# lean runner: every process start is slow there.
step selftests-debug env DEBUG=1 KSELFTEST_RUNNER=lean \
	SELFTESTS_SKIP="$(sed -e 's/#.*//' "$TOP/dev/selftests-debug.skip" | xargs)" \
	"$TOP/dev/selftests.sh"
# Last: waits for the background check (or runs it here with
# CHECK_BG_SERIES=0), then writes the series again, so that the cover
# letter's testing lines are this run's results.
if [ "${CHECK_BG_SERIES:-1}" = 1 ]; then
	step series bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 2; done
		cat "$2"; "$4" >/dev/null || exit 1
		exit "$(cat "$3" 2>/dev/null || echo 1)"' - "$series_pid" \
		"$LOGS/series-check-bg.log" "$series_rc" "$TOP/dev/series.sh"
else
	step series "$TOP/dev/series-check.sh"
fi

passed=0 failed=0 skipped=0
echo
echo "== make check ($(hms $(( $(date +%s) - start ))), load $(cut -d' ' -f1-3 /proc/loadavg))"
for i in "${!steps[@]}"; do
	read -r rc secs <<<"${results[$i]}"
	p=0 f=0 s=0
	case ${steps[$i]} in
	kunit) read -r p f s < <(sum "$LOGS/kunit.summary") ;;
	selftests) read -r p f s < <(sum "$LOGS/selftests.summary") ;;
	compat) read -r p f s < <(sum "$LOGS/compat.summary") ;;
	selftests-debug) read -r p f s < <(sum "$LOGS/selftests-debug.summary") ;;
	esac
	# A step that failed without a failing test (a build, lint) counts once.
	[ "$rc" = 0 ] || [ "$f" -gt 0 ] || f=1
	printf '  %-16s %-6s %6s%s\n' "${steps[$i]}" \
		"$([ "$rc" = 0 ] && echo ok || echo FAILED)" "$(hms "$secs")" \
		"$([ $((p + f + s)) -gt 0 ] && echo ", $p passed, $f failed, $s skipped")"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
line="$passed passed, $failed failed"
[ $skipped = 0 ] || line+=", $skipped skipped"
echo "$line" > "$LOGS/check.summary"
echo "$line"
[ $failed = 0 ] && [ $passed -gt 0 ]
