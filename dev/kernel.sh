#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the test-VM kernel: tinyconfig + dev/configs/vm.config (+ debug.config
# and the KUnit suites with DEBUG=1) into .build/vm (.build/vm-debug).
. "$(dirname "$0")/lib.sh"

need_pkgs "${BUILD_PKGS[@]}"
frags=("$TOP/dev/configs/vm.config")
out=$BUILD/vm
if [ "${DEBUG:-0}" = 1 ]; then
	frags+=("$TOP/dev/configs/debug.config"
		"$LINUX/mm/damon/tests/.kunitconfig"
		"$TOP/dev/configs/debug-kunit.config")
	out=$BUILD/vm-debug
fi
# What the kselftests say they need, as long as they exist.
st=$LINUX/tools/testing/selftests/damon/config
[ -f "$st" ] && frags+=("$st")
mkdir -p "$out"

# Regenerate .config only when a fragment or the Kconfig files changed.
sum=$(cat "${frags[@]}" | sha1sum | cut -d' ' -f1)
kcsum=$(cd "$LINUX" && git ls-files -z -- '*Kconfig*' 'samples/damon/*' 'mm/damon/*' |
	xargs -0 stat -c '%n %Y %s' 2>/dev/null | sha1sum | cut -d' ' -f1)
if [ "$(cat "$out/.config.stamp" 2>/dev/null)" != "$sum $kcsum" ] || [ ! -f "$out/.config" ]; then
	msg "configuring $out"
	# merge_config.sh runs the tinyconfig target with the fragments.
	locked bash -c "cd '$LINUX' && scripts/kconfig/merge_config.sh -n -O '$out' \
		kernel/configs/tiny-base.config kernel/configs/tiny.config arch/x86/configs/tiny.config ${frags[*]} \
		>'$out/merge_config.log' 2>&1" ||
		{ cat "$out/merge_config.log"; die "configuration failed"; }
	kmake O="$out" olddefconfig >/dev/null
	kconfig_verify "$out" "${frags[@]}"
	echo "$sum $kcsum" > "$out/.config.stamp"
fi

log=$LOGS/kernel-${out##*/}.log
msg "building $out (log: $log)"
start=$(date +%s)
if ! kmake O="$out" bzImage >"$log" 2>&1; then
	tail -n 60 "$log"
	# No stale image for the steps that boot it (make check goes on).
	rm -f "$out/arch/x86/boot/bzImage"
	die "kernel build failed (full log: $log)"
fi
grep -E '(warning|error):' "$log" | head -n 20 || true
msg "built $out/arch/x86/boot/bzImage in $(( $(date +%s) - start ))s"
