#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz: a long seeded run of the sysfs fuzzer kselftest
# (tools/testing/selftests/damon/sysfs_fuzz.py) in the VM, on the debug
# kernel unless DEBUG=0.  Prints the fuzzer's TAP and its summary line, which
# also goes to .build/logs/fuzz[-debug].summary; fails when a check failed.
#
# Environment: FUZZ_OPS (100000), FUZZ_SEED (random), FUZZ_SECS (time limit,
# 0 = none; default 0), FUZZ_WORKERS (4), FUZZ_LIMIT (stuck limit, 10 s),
# FUZZ_TAME=1 (no huge intervals), and the VM variables of dev/vm.sh.
. "$(dirname "$0")/lib.sh"

DEBUG=${DEBUG:-1}
export DEBUG
if [ "$DEBUG" = 1 ]; then sfx=-debug; else sfx=; fi
ops=${FUZZ_OPS:-100000}
secs=${FUZZ_SECS:-0}
seed=${FUZZ_SEED:-$(( (RANDOM << 15 | RANDOM) ))}

"$TOP/dev/kernel.sh"

src=$TOP/tools/testing/selftests/damon
share=$BUILD/share/fuzz$sfx
rm -rf "$share"
mkdir -p "$share/damon"
cp "$src/sysfs_fuzz.py" "$src/_damon_sysfs.py" "$share/damon/"
gcc -Wall -O2 -o "$share/damon/access_memory" "$src/access_memory.c"

# A generous VM budget: the fuzzer stops at its time limit when it has one;
# without one, allow 100 ms an operation, which the debug kernel beats.
budget=$secs
[ "$budget" != 0 ] || budget=$(( ops / 10 ))
export VM_TIMEOUT=${VM_TIMEOUT:-$(( budget + 900 ))}
export VM_SHARE=$share VM_LOG=$LOGS/fuzz$sfx.vm.log
args=(--ops "$ops" --secs "$secs" --seed "$seed")
[ -z "${FUZZ_WORKERS:-}" ] || args+=(--workers "$FUZZ_WORKERS")
[ -z "${FUZZ_LIMIT:-}" ] || args+=(--limit "$FUZZ_LIMIT")
[ "${FUZZ_TAME:-0}" != 1 ] || args+=(--tame)
msg "fuzzing: ${args[*]} (VM timeout ${VM_TIMEOUT}s)"
set +e
"$TOP/dev/vm.sh" bash -o pipefail -c \
	"python3 /mnt/share/damon/sysfs_fuzz.py ${args[*]} 2>&1 | tee /mnt/share/tap"
rc=$?
set -e

summary=$(grep -o 'sysfs_fuzz: ops=.*' "$share/tap" 2>/dev/null | tail -n 1)
[ -n "$summary" ] || summary="sysfs_fuzz: no summary (VM exit $rc)"
echo "$summary" > "$LOGS/fuzz$sfx.summary"
echo "== $summary"
[ "$rc" = 0 ] || die "fuzzing found problems (exit $rc); TAP: $share/tap"
