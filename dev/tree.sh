#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build .build/linux: Debian's linux-source-6.12 (or $KSRC) minus the stock
# DAMON as commit 1, our kernel paths overlaid as commit 2.
. "$(dirname "$0")/lib.sh"

# Stock DAMON paths removed from the base; also our overlay paths.
STOCK=(mm/damon include/linux/damon.h include/trace/events/damon.h
       Documentation/admin-guide/mm/damon Documentation/mm/damon
       Documentation/ABI/testing/sysfs-kernel-mm-damon
       tools/testing/selftests/damon samples/damon)
OVERLAY=("${STOCK[@]}")

need_pkgs "${BUILD_PKGS[@]}"
STAMP=$BUILD/linux.stamp

if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] && grep -q '^PATCHLEVEL = 12$' "$KSRC/Makefile" ||
		die "KSRC=$KSRC is not a Linux 6.12 source tree"
	KSRC=$(cd "$KSRC" && pwd)
	version="ksrc $KSRC $(git -C "$KSRC" rev-parse HEAD 2>/dev/null || stat -c %Y "$KSRC/Makefile")"
else
	need_pkgs linux-source-6.12
	version="linux-source-6.12 $(dpkg-query -W -f='${Version}' linux-source-6.12)"
fi

# Adopt a tree whose base commit already names this version.
if [ ! -f "$STAMP" ] && [ -d "$LINUX/.git" ] &&
   git -C "$LINUX" log --format=%s "$(git -C "$LINUX" rev-list --max-parents=0 HEAD)" |
	grep -qF "${version#linux-source-6.12 }"; then
	echo "$version" > "$STAMP"
fi

if [ "$(cat "$STAMP" 2>/dev/null)" != "$version" ] || [ ! -d "$LINUX/.git" ]; then
	msg "creating base tree from $version"
	rm -rf "$LINUX" "$STAMP" "$BUILD"/linux.new
	mkdir -p "$BUILD/linux.new"
	if [ -n "${KSRC:-}" ]; then
		rsync -a --exclude=/.git "$KSRC/" "$BUILD/linux.new/"
	else
		tar -xf /usr/src/linux-source-6.12.tar.xz -C "$BUILD/linux.new" \
			--strip-components=1
	fi
	mv "$BUILD/linux.new" "$LINUX"
	cd "$LINUX"
	removed=$( (find "${STOCK[@]}" \( -type f -o -type l \) 2>/dev/null || true) | sort)
	rm -rf "${STOCK[@]}"
	git init -q -b base .
	git add -A -f .
	git -c user.name=damon-harness -c user.email=damon@localhost \
		commit -q -m "Linux $(make -s kernelversion) ($version) without stock DAMON" \
		-m "Removed the $(grep -c . <<<"$removed") files of the stock DAMON:" \
		-m "$removed"
	echo "$version" > "$STAMP"
fi

cd "$LINUX"
BASE=$(git rev-list --max-parents=0 HEAD)

# Files of ours, as git sees them in the repo (tracked or new, not ignored).
ours=$(cd "$TOP" && git ls-files -co --exclude-standard -- "${OVERLAY[@]}")
present=()
for p in "${OVERLAY[@]}"; do [ -e "$p" ] && present+=("$p"); done
if [ ${#present[@]} -gt 0 ]; then
	# Delete from the tree what the repo no longer has.
	comm -23 <(find "${present[@]}" \( -type f -o -type l \) | sort) \
		 <(sort <<<"$ours") | while read -r f; do
		grep -q '^# placeholder: ' "$f" 2>/dev/null || rm -f "$f"
	done
	find "${present[@]}" -depth -type d -empty -delete 2>/dev/null || true
fi
if [ -n "$ours" ]; then
	rsync -a --files-from=<(echo "$ours") "$TOP/" "$LINUX/"
fi
# mm/Kconfig sources mm/damon/Kconfig (and the samples patch sources samples/damon/Kconfig): keep the tree
# configurable before the repository has them.
for k in mm/damon/Kconfig samples/damon/Kconfig; do
	if [ ! -f "$k" ]; then
		mkdir -p "${k%/*}"
		echo "# placeholder: no $k in the repository yet" > "$k"
	fi
done

# Small edits to shared kernel files: restore anything else we touched, then
# apply each patch once.
patches=("$TOP"/dev/tree-patches/*.patch)
[ -e "${patches[0]}" ] || patches=()
patched=$(for p in "${patches[@]}"; do git apply --numstat "$p" | cut -f3; done | sort -u)
excl=(); for p in "${OVERLAY[@]}"; do excl+=(":(exclude)$p"); done
git diff --name-only "$BASE" -- . "${excl[@]}" |
	{ grep -vxF -f <(echo "$patched") || true; } | xargs -r git checkout -q "$BASE" --
for p in "${patches[@]}"; do
	if ! git apply --reverse --check "$p" 2>/dev/null; then
		git checkout -q "$BASE" -- $(git apply --numstat "$p" | cut -f3)
		git apply "$p" || die "tree patch $p does not apply"
	fi
done

# One overlay commit on top of the base, rewritten only when the tree changed.
addp=()
for p in "${OVERLAY[@]}" $patched; do
	if [ -e "$p" ] || [ -n "$(git ls-files -- "$p")" ]; then addp+=("$p"); fi
done
git add -A -f -- "${addp[@]}"
tree=$(git write-tree)
if [ "$(git rev-parse HEAD)" = "$BASE" ] || [ "$tree" != "$(git rev-parse 'HEAD^{tree}')" ]; then
	git reset -q --soft "$BASE"
	rev=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo none)
	git -c user.name=damon-harness -c user.email=damon@localhost \
		commit -q --allow-empty -m "mm/damon: DAMON from scratch" \
		-m "Overlay of the damon repository at $rev$(git -C "$TOP" diff --quiet HEAD -- "${OVERLAY[@]}" 2>/dev/null || echo ' plus uncommitted changes')."
	msg "tree updated: $(git diff --shortstat HEAD~1)"
else
	msg "tree up to date"
fi
