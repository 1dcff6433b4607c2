#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: lint, KUnit, kselftests on the VM kernel and on the debug VM
# kernel. Runs every step even when one fails, then prints one line
# "N passed, M failed[, K skipped]" (N: KUnit cases and kselftests that
# passed) and exits non-zero if anything failed.
. "$(dirname "$0")/lib.sh"
cd "$TOP"

start=$(date +%s)
steps=() results=()
step() {
	local name=$1 t0=$(date +%s) rc; shift
	msg "check: $name"
	set +e; "$@"; rc=$?; set -e
	steps+=("$name") results+=("$rc $(( $(date +%s) - t0 ))")
	return 0
}
sum() { # FILE -> "P F S", failing the step when it failed without counts
	cat "$1" 2>/dev/null || echo "0 0 0"
}

step tree "$TOP/dev/tree.sh"
step kernel "$TOP/dev/kernel.sh"
step lint "$TOP/dev/lint.sh"
step kunit "$TOP/dev/kunit.sh"
step selftests "$TOP/dev/selftests.sh"
step compat "$TOP/dev/compat.sh"
step kernel-debug env DEBUG=1 "$TOP/dev/kernel.sh"
step selftests-debug env DEBUG=1 "$TOP/dev/selftests.sh"

passed=0 failed=0 skipped=0
echo
echo "== make check ($(( $(date +%s) - start ))s)"
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
	printf '  %-16s %s  (%ss%s)\n' "${steps[$i]}" \
		"$([ "$rc" = 0 ] && echo ok || echo FAILED)" "$secs" \
		"$([ $((p + f + s)) -gt 0 ] && echo ", $p passed, $f failed, $s skipped")"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
line="$passed passed, $failed failed"
[ $skipped = 0 ] || line+=", $skipped skipped"
echo "$line" > "$LOGS/check.summary"
echo "$line"
[ $failed = 0 ] && [ $passed -gt 0 ]
