#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The series step of make check: write the series (dev/series.sh), apply it
# with git am onto the base commit of .build/linux (6.12 minus the stock
# DAMON) in a scratch worktree, build mm/damon/ and samples/damon/ with W=1
# at every patch, the whole VM kernel at the last one, and run
# checkpatch.pl --strict on every patch.  Any failure fails the step.
. "$(dirname "$0")/lib.sh"

need_pkgs "${BUILD_PKGS[@]}" perl python3-ply python3-git
[ -f "$BUILD/vm/.config" ] || die "no $BUILD/vm/.config: run 'make kernel' first"
start=$(date +%s)
"$TOP/dev/series.sh" >/dev/null
SC=$BUILD/series-check
# The tree and the build directory sit side by side like .build/linux and
# .build/vm, so that the compiler sees the same relative paths and ccache
# hits what the VM kernel builds left.
WT=$SC/linux
O=$SC/vm
log=$LOGS/series-check.log
: >"$log"
cd "$LINUX"
BASE=$(git rev-list --max-parents=0 HEAD)
if ! git -C "$WT" rev-parse --git-dir >/dev/null 2>&1; then
	rm -rf "$WT"
	git worktree prune
	mkdir -p "$SC"
	git worktree add -q --detach "$WT" "$BASE"
fi
cd "$WT"
git am --abort >/dev/null 2>&1 || true
git reset -q --hard "$BASE"
git clean -qfdx
mkdir -p "$O"

patches=("$BUILD"/series/0[0-9][0-9][0-9]-*.patch)
patches=("${patches[@]:1}")	# not the cover letter
fail=0 i=0
declare -a rows
# Our checkpatch on our patches, with the one type that does not apply:
# MAINTAINERS of the base tree already covers every DAMON path.
cp_ignore=FILE_PATH_CHANGES
for p in "${patches[@]}"; do
	i=$((i + 1))
	name=${p##*/}
	row="$name:"
	if ! git -c user.name=series-check -c user.email=series@localhost \
		am -q "$p" >>"$log" 2>&1; then
		rows+=("$row git am FAILED"); fail=1; break
	fi
	row+=" am ok,"
	cp "$BUILD/vm/.config" "$O/.config"
	dirs=(mm/damon/)
	[ -f samples/damon/Makefile ] && dirs+=(samples/damon/)
	blog=$LOGS/series-build-$i.log
	if locked make -j"$JOBS" O="$O" CC="ccache gcc" HOSTCC="ccache gcc" \
		olddefconfig >"$blog" 2>&1 &&
	   locked make -j"$JOBS" O="$O" CC="ccache gcc" HOSTCC="ccache gcc" \
		W=1 "${dirs[@]}" >>"$blog" 2>&1 &&
	   ! grep -qE '(warning|error):' "$blog"; then
		row+=" W=1 ${dirs[*]} ok,"
	else
		row+=" W=1 ${dirs[*]} FAILED ($blog),"; fail=1
		grep -E '(warning|error):' "$blog" | head -n 20 >>"$log"
	fi
	if scripts/checkpatch.pl --strict --quiet --show-types \
		--ignore "$cp_ignore" "$p" >"$LOGS/series-checkpatch-$i.log" 2>&1; then
		row+=" checkpatch ok"
	else
		row+=" checkpatch FAILED"; fail=1
		cat "$LOGS/series-checkpatch-$i.log" >>"$log"
	fi
	rows+=("$row")
done

if [ "$(git rev-parse 'HEAD^{tree}')" != "$(git -C "$LINUX" rev-parse 'HEAD^{tree}')" ]; then
	rows+=("the applied series differs from the overlay of .build/linux"); fail=1
fi
if [ $fail = 0 ]; then
	blog=$LOGS/series-build-kernel.log
	if locked make -j"$JOBS" O="$O" CC="ccache gcc" HOSTCC="ccache gcc" \
		bzImage >"$blog" 2>&1; then
		rows+=("whole VM kernel at the last patch: ok")
	else
		rows+=("whole VM kernel at the last patch: FAILED ($blog)"); fail=1
		tail -n 40 "$blog" >>"$log"
	fi
	# Every DAMON option of the VM kernel must have taken in the series' tree.
	if ! diff <(grep DAMON "$BUILD/vm/.config") <(grep DAMON "$O/.config") >>"$log"; then
		rows+=("DAMON options differ from .build/vm/.config"); fail=1
	fi
fi

[ $fail = 0 ] || cat "$log"
printf '%s\n' "${rows[@]}"
msg "series: ${#patches[@]} patches, $(( $(date +%s) - start ))s"
[ $fail = 0 ] || die "series check failed (log: $log)"
msg "series check passed"
