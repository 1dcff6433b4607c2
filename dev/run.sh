#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make run: build the demo workload on the host, boot the VM and run
# dev/demo/run in it with its output on the share (.build/demo/share/out),
# then render what DAMON saw with dev/demo/heatmap.py on the host.
. "$(dirname "$0")/lib.sh"

[ -x "$TOP/dev/demo/run" ] || die "dev/demo/run does not exist yet: no demo to run"
[ -x "$TOP/dev/demo/build" ] && "$TOP/dev/demo/build" >/dev/null
share=$BUILD/demo/share
rm -rf "$share"
mkdir -p "$share"
export VM_SHARE=$share VM_LOG=$LOGS/run.vm.log VM_TIMEOUT=${VM_TIMEOUT:-900}
"$TOP/dev/vm.sh" "$TOP/dev/demo/run" /mnt/share/out
if [ -f "$TOP/dev/demo/heatmap.py" ]; then
	python3 "$TOP/dev/demo/heatmap.py" "$share/out"
fi
msg "demo output: $share/out"
