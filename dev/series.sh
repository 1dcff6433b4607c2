#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make series: split our overlay (the second commit of .build/linux) into
# the patch series of dev/series.py and write it with a cover letter to
# .build/series/.
. "$(dirname "$0")/lib.sh"

"$TOP/dev/tree.sh"
OUT=$BUILD/series
cd "$LINUX"
BASE=$(git rev-list --max-parents=0 HEAD)
[ "$(git rev-parse HEAD~1)" = "$BASE" ] || die "$LINUX: HEAD is not the overlay commit"

# The patches are the repository's author's; dated like its HEAD so that
# the same repository gives the same series.
author="$(git -C "$TOP" config user.name || git -C "$TOP" log -1 --format=%an) <$(
	git -C "$TOP" config user.email || git -C "$TOP" log -1 --format=%ae)>"
date=$(git -C "$TOP" log -1 --format=%aD 2>/dev/null || date -R)
tip=$(python3 "$TOP/dev/series.py" "$LINUX" "$BASE" HEAD "$author" "$date")

rm -rf "$OUT"
mkdir -p "$OUT"
git -c user.name="${author% <*}" -c user.email="$(sed 's/.*<\(.*\)>/\1/' <<<"$author")" \
	format-patch -q --cover-letter --no-signature -o "$OUT" "$BASE..$tip"
n=$(git rev-list --count "$BASE..$tip")

# The cover letter: what DAMON is, what the series adds, how it was tested.
cover=$OUT/0000-cover-letter.patch
blurb=$(mktemp)
trap 'rm -f "$blurb"' EXIT
summary() { [ -s "$LOGS/$1.summary" ] && read -r p f s <"$LOGS/$1.summary" &&
	echo "$p passed, $f failed, $s skipped" || echo "not run in this checkout"; }
{
	cat <<-EOF
	DAMON, the Data Access MONitor, tells which parts of memory are accessed
	how often at a cost that does not grow with the memory size: it keeps
	each monitored address space as a bounded number of regions, samples
	one page per region, and merges and splits regions as the access
	pattern shows itself.  DAMOS (DAMON-based Operation Schemes) then
	applies memory management actions (pageout, LRU sorting, THP hints,
	statistics) to the regions of a given access pattern, under quotas and
	watermarks.

	This series is a new implementation of DAMON for 6.12, written from
	scratch against the 6.12 user ABI: it applies on 6.12 with the DAMON
	files removed, and provides the same sysfs interface (same files,
	values, defaults and errors), the same DAMON_RECLAIM and
	DAMON_LRU_SORT module parameters and the same deprecated debugfs
	files, so that the user-space tool (damo) and existing scripts run
	unchanged.  The differences from 6.12, each
	where 6.12 crashes or silently ignores a setting, are listed in the
	admin guide.  The kernel API in include/linux/damon.h is new.

	The patches, in order: the monitoring core and its public header; the
	DAMOS engine; the virtual and the physical address operations sets;
	the tracepoints; the sysfs interface, then its schemes directories;
	the deprecated debugfs interface; DAMON_RECLAIM, DAMON_LRU_SORT and
	DAMON_STAT; KUnit suites; kselftests; the admin guide and ABI; the
	design document; a sample.
	Each patch builds: mm/damon/Kconfig and mm/damon/Makefile grow with
	the series, and each patch adds its own hooks to the files of the
	earlier ones.

	Testing (x86_64 VM kernel under QEMU):
	- every patch builds mm/damon/ and samples/damon/ with W=1 and passes
	  checkpatch.pl --strict; the whole kernel builds at the last one;
	- KUnit, $(cat "$LOGS/kunit.where" 2>/dev/null || echo "on UML"): $(summary kunit);
	- kselftests (tools/testing/selftests/damon): $(summary selftests);
	- kselftests on a KASAN, lockdep and kmemleak kernel: $(summary selftests-debug);
	- damo 3.3.0 driving the kernel, and damo's own tests: $(summary compat).
	EOF
	if [ -s "$BUILD/bench/table.txt" ]; then
		cat <<-EOF

		Accuracy and overhead against the 6.12 DAMON on the same source and
		configuration, in the same VM (medians over the repeats; TCG makes
		the timing figures noisy, the accuracy ones are robust):

		EOF
		sed 's/^/  /' "$BUILD/bench/table.txt"
	else
		printf '\nNo benchmark results in this checkout (make bench writes them).\n'
	fi
} >"$blurb"
python3 - "$cover" "$blurb" "$n" <<'EOF'
import sys
cover, blurb, n = sys.argv[1], open(sys.argv[2]).read().rstrip('\n'), sys.argv[3]
s = open(cover).read()
s = s.replace('*** SUBJECT HERE ***', 'mm/damon: DAMON, the data access monitor, for 6.12')
s = s.replace('*** BLURB HERE ***', blurb)
open(cover, 'w').write(s)
EOF
msg "wrote $n patches and a cover letter to $OUT (series tip $tip)"
ls "$OUT"
