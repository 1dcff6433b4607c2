# SPDX-License-Identifier: GPL-2.0
# Common helpers for the harness scripts. Source it, do not run it.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/.build
LINUX=$BUILD/linux
LOGS=$BUILD/logs
# Builds take turns on this lock; make check's background build of the
# debug kernel has one of its own (see dev/check.sh).
LOCK=${BUILD_LOCK:-$BUILD/build.lock}
mkdir -p "$BUILD" "$LOGS"

export CCACHE_DIR=${CCACHE_DIR:-/root/.ccache}
[ -w "$(dirname "$CCACHE_DIR")" ] || CCACHE_DIR=$BUILD/ccache
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# Kernel builds embed the source path; keep hits across clones anyway.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP}
export CCACHE_NOHASHDIR=1

JOBS=${JOBS:-$(nproc)}
# Reproducible builds so ccache hits: no timestamps/hostnames in the image.
export KBUILD_BUILD_TIMESTAMP=${KBUILD_BUILD_TIMESTAMP:-'Thu Jan  1 00:00:00 UTC 2026'}
export KBUILD_BUILD_USER=damon KBUILD_BUILD_HOST=dev

msg() { printf '\033[1m>>> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# need_pkgs PKG... : install the Debian packages that are missing (as root),
# or print the apt-get line and stop.
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		die "missing packages; run: sudo apt-get install -y ${missing[*]}"
	fi
	msg "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
		apt-get update
		apt-get install -y --no-install-recommends "${missing[@]}"
	fi
}

BUILD_PKGS=(build-essential flex bison bc libelf-dev libssl-dev ccache
	    cpio kmod rsync git dwarves python3 xz-utils)

# locked CMD... : run a build under the machine-wide build lock.
locked() {
	flock "$LOCK" "$@"
}

# kmake ARGS... : make in the kernel tree with ccache, under the lock.
kmake() {
	locked make -C "$LINUX" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" "$@"
}

# kconfig_verify O FRAGMENT... : every symbol a fragment asks for must end up
# with the value asked, as long as the tree defines it (symbols of code not
# written yet only warn).
kconfig_verify() {
	local out=$1 bad=0 line sym want have defined; shift
	defined=$(grep -rhoE '^[[:space:]]*(menu)?config [A-Z0-9_]+' \
			--include='Kconfig*' "$LINUX" | awk '{print "CONFIG_" $2}' | sort -u)
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) sym=${line%%=*}; want=${line#*=} ;;
		'# CONFIG_'*' is not set') sym=${line#\# }; sym=${sym%% *}; want=n ;;
		*) continue ;;
		esac
		if ! grep -qx "$sym" <<<"$defined"; then
			printf 'WARNING: %s is not defined in this tree (yet); not checked\n' "$sym" >&2
			continue
		fi
		have=$(grep -E "^$sym=|^# $sym is not set" "$out/.config" || true)
		case "$have" in
		"$sym=$want") ;;
		"# $sym is not set"|'')
			[ "$want" = n ] || { echo "$sym: want $want, got n" >&2; bad=1; } ;;
		*) echo "$sym: want $want, got ${have#*=}" >&2; bad=1 ;;
		esac
	done < <(cat "$@")
	[ $bad = 0 ] || die "config symbols above did not take (missing dependencies?)"
}

# The CI time budget. dev/check.sh exports CHECK_DEADLINE (seconds since the
# epoch) for its steps; nothing may wait past it. Without it there is no
# budget.
# budget_left: the seconds left before $CHECK_DEADLINE (a lot without one).
budget_left() {
	if [ -n "${CHECK_DEADLINE:-}" ]; then
		echo $(( CHECK_DEADLINE - $(date +%s) ))
	else
		echo 999999999
	fi
}

# clamp_timeout SECS WHAT: prints SECS, or the seconds left of the budget
# when fewer; fails (use it as t=$(clamp_timeout ...)) when less than a
# minute is left, since nothing useful fits in that.
clamp_timeout() {
	local want=$1 what=$2 left
	left=$(budget_left)
	if [ "$left" -lt 60 ]; then
		printf '\033[1;31mERROR: %s: out of the CI time budget (%ss left before CHECK_DEADLINE)\033[0m\n' \
			"$what" "$left" >&2
		return 1
	fi
	if [ "$want" -gt "$left" ]; then
		msg "$what: timeout ${want}s cut to the ${left}s left of the CI budget"
		echo "$left"
	else
		echo "$want"
	fi
}
