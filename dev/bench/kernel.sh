#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build a benchmark kernel: dev/bench/kernel.sh ours|stock
#
# Both are configured alike: tinyconfig + dev/configs/vm.config + the damon
# kselftests' config + dev/bench/bench.config (pagemap for the paddr
# scenario's ground truth); only CONFIG_LOCALVERSION differs, so that
# uname -r tells them apart.
#   ours   .build/linux (make tree: the base tree plus our DAMON) into
#          .build/vm-bench
#   stock  Debian's linux-source-6.12 with its own DAMON left in place,
#          unpacked into .build/linux-stock (again when the package version
#          changes), into .build/vm-stock.  The stock DAMON is only ever
#          compiled here, as a comparison; none of it enters our tree.
. "$(dirname "$0")/../lib.sh"

need_pkgs "${BUILD_PKGS[@]}" linux-source-6.12
which=${1:-}
case $which in
ours)
	[ -d "$LINUX/.git" ] || die "no $LINUX: run make tree first"
	out=$BUILD/vm-bench
	localversion=-damon
	version="tree $(git -C "$LINUX" rev-parse HEAD)"
	;;
stock)
	LINUX=$BUILD/linux-stock
	out=$BUILD/vm-stock
	localversion=-damon-stock
	STAMP=$BUILD/linux-stock.stamp
	version="linux-source-6.12 $(dpkg-query -W -f='${Version}' linux-source-6.12)"
	if [ "$(cat "$STAMP" 2>/dev/null)" != "$version" ] || [ ! -f "$LINUX/Makefile" ]; then
		msg "unpacking the stock tree from $version into $LINUX"
		rm -rf "$LINUX" "$STAMP" "$LINUX.new" "$out"
		mkdir -p "$LINUX.new"
		tar -xf /usr/src/linux-source-6.12.tar.xz -C "$LINUX.new" --strip-components=1
		[ -d "$LINUX.new/mm/damon" ] || die "no mm/damon in the $version tarball"
		mv "$LINUX.new" "$LINUX"
		echo "$version" > "$STAMP"
	fi
	;;
*)
	die "usage: $0 ours|stock"
	;;
esac

mkdir -p "$out"
# vm.config with its LOCALVERSION replaced by ours.
grep -v '^CONFIG_LOCALVERSION=' "$TOP/dev/configs/vm.config" > "$out/vm.config.tmp"
echo "CONFIG_LOCALVERSION=\"$localversion\"" >> "$out/vm.config.tmp"
mv "$out/vm.config.tmp" "$out/vm.config"
frags=("$out/vm.config")
st=$TOP/tools/testing/selftests/damon/config
[ -f "$st" ] && frags+=("$st")
frags+=("$TOP/dev/bench/bench.config")

sum=$(cat "${frags[@]}" | sha1sum | cut -d' ' -f1)
# Configure again when a fragment or a Kconfig file changed.
newer=
[ -f "$out/.config" ] &&
	newer=$(find "$LINUX" -name 'Kconfig*' -newer "$out/.config" -print -quit 2>/dev/null || true)
if [ "$(cat "$out/.config.stamp" 2>/dev/null)" != "$sum" ] || [ ! -f "$out/.config" ] || [ -n "$newer" ]; then
	msg "configuring $out"
	locked bash -c "cd '$LINUX' && scripts/kconfig/merge_config.sh -n -O '$out' \
		kernel/configs/tiny-base.config kernel/configs/tiny.config arch/x86/configs/tiny.config ${frags[*]} \
		>'$out/merge_config.log' 2>&1" ||
		{ cat "$out/merge_config.log"; die "configuration failed"; }
	kmake O="$out" olddefconfig >/dev/null
	# Every symbol the fragments set, DAMON's included, must hold in both
	# kernels, or the comparison is not like for like.
	kconfig_verify "$out" "${frags[@]}"
	for s in DAMON DAMON_VADDR DAMON_PADDR DAMON_SYSFS PROC_PAGE_MONITOR; do
		grep -qx "CONFIG_$s=y" "$out/.config" || die "CONFIG_$s is not set in $out/.config"
	done
	echo "$sum" > "$out/.config.stamp"
fi

log=$LOGS/kernel-${out##*/}.log
msg "building the $which benchmark kernel $out ($version; log: $log)"
start=$(date +%s)
if ! kmake O="$out" bzImage >"$log" 2>&1; then
	tail -n 60 "$log"
	die "$which kernel build failed (full log: $log)"
fi
msg "built $out/arch/x86/boot/bzImage in $(( $(date +%s) - start ))s"
