#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch --strict over our kernel files, kernel-doc -Wall over the public
# header and mm/damon, and a W=1 C=2 (sparse) build of mm/damon and
# samples/damon in .build/vm. Any warning fails.
. "$(dirname "$0")/lib.sh"

# checkpatch runs scripts/spdxcheck.py in a tree: it needs ply and git.
need_pkgs "${BUILD_PKGS[@]}" sparse perl python3-ply python3-git
cd "$LINUX"
fail=0
paths=(mm/damon include/linux/damon.h include/trace/events/damon.h samples/damon)
mapfile -t files < <(git ls-files -- "${paths[@]}" |
	grep -E '\.[ch]$|(^|/)Kconfig$|(^|/)Makefile$' | grep -v '^samples/damon/Kconfig$' || true)
# Our Kconfig placeholders are not code.
mapfile -t files < <(for f in "${files[@]}"; do
	grep -q '^# placeholder: ' "$f" || echo "$f"; done)
[ ${#files[@]} -gt 0 ] && [ -f samples/damon/Kconfig ] &&
	! grep -q '^# placeholder: ' samples/damon/Kconfig && files+=(samples/damon/Kconfig)

msg "checkpatch --strict on ${#files[@]} files"
log=$LOGS/lint-checkpatch.log
if [ ${#files[@]} -gt 0 ]; then
	scripts/checkpatch.pl --strict --quiet --show-types -f "${files[@]}" \
		>"$log" 2>&1 || true
	if grep -qE '^(ERROR|WARNING|CHECK):' "$log"; then
		cat "$log"; fail=1
	fi
fi

msg "kernel-doc -none -Wall"
kd=()
for f in include/linux/damon.h mm/damon/*.c; do [ -f "$f" ] && kd+=("$f"); done
if [ ${#kd[@]} -gt 0 ]; then
	out=$(scripts/kernel-doc -none -Wall "${kd[@]}" 2>&1 || true)
	if [ -n "$out" ]; then echo "$out"; fail=1; fi
fi

if [ -f "$BUILD/vm/.config" ] && grep -q '^CONFIG_DAMON=y' "$BUILD/vm/.config"; then
	msg "W=1 C=2 build of mm/damon/ (sparse)"
	dirs=(mm/damon/)
	grep -q '^CONFIG_SAMPLES_DAMON=y' "$BUILD/vm/.config" && dirs+=(samples/damon/)
	log=$LOGS/lint-build.log
	if ! kmake O="$BUILD/vm" W=1 C=2 "${dirs[@]}" >"$log" 2>&1; then
		cat "$log"; fail=1
	elif grep -E '(warning|error):' "$log"; then
		fail=1
	fi
else
	echo "lint: .build/vm has no CONFIG_DAMON=y; run 'make kernel' (skipping the W=1 C=2 build)" >&2
	fail=1
fi

msg "unit tests of the demo's renderer"
if ! python3 "$TOP/dev/demo/test_heatmap.py" >"$LOGS/lint-demo.log" 2>&1; then
	cat "$LOGS/lint-demo.log"; fail=1
fi

[ $fail = 0 ] || die "lint found problems"
msg "lint clean"
