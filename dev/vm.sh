#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the test-VM kernel under QEMU TCG and run one command in it:
#   dev/vm.sh [CMD [ARG...]]      (no CMD: interactive shell)
# The guest's root is the host's / (read-only, 9p); the command runs in the
# current directory with $SHARE (/mnt/share) as a writable share, visible on
# the host as $VM_SHARE.  The repository is also mounted at its own path, so
# that a checkout under a directory the guest covers with tmpfs (/tmp, /root)
# stays visible. Exits with the command's exit status; fails when the
# guest hangs past $VM_TIMEOUT or its kernel log shows a splat.
#
# Environment: DEBUG=1 (use .build/vm-debug), KERNEL=bzImage, VM_MEM (2G),
# VM_SMP (2), VM_TIMEOUT (seconds, 900), VM_SHARE (dir), VM_LOG (console log),
# VM_APPEND (extra kernel arguments), VM_VERBOSE=1 (full boot log on console).
. "$(dirname "$0")/lib.sh"

need_pkgs qemu-system-x86 busybox-static
if [ "${DEBUG:-0}" = 1 ]; then out=$BUILD/vm-debug; else out=$BUILD/vm; fi
KERNEL=${KERNEL:-$out/arch/x86/boot/bzImage}
[ -f "$KERNEL" ] || die "no kernel at $KERNEL: run 'make kernel${DEBUG:+ DEBUG=$DEBUG}' first"
VM_MEM=${VM_MEM:-2G}
VM_SMP=${VM_SMP:-2}
VM_TIMEOUT=${VM_TIMEOUT:-900}
name=vm-$(date +%Y%m%d-%H%M%S)-$$
VM_SHARE=${VM_SHARE:-$BUILD/share/$name}
VM_LOG=${VM_LOG:-$LOGS/$name.log}
mkdir -p "$VM_SHARE" "$(dirname "$VM_LOG")"
VM_SHARE=$(cd "$VM_SHARE" && pwd)
rm -f "$VM_SHARE"/{cmd.sh,status,status.tmp,dmesg,interactive}

interactive=0
[ $# -gt 0 ] || interactive=1
{
	echo "cd $(printf %q "$PWD") || exit 125"
	if [ $interactive = 1 ]; then
		[ -t 0 ] && echo "stty $(stty size </dev/tty | awk '{print "rows", $1, "cols", $2}')"
		echo 'echo "Interactive DAMON VM: the share is $SHARE; exit to power off."'
		echo 'exec bash -i'
	else
		# POSIX quoting: the guest's /bin/sh reads this file.
		for a in "$@"; do printf "'%s' " "${a//\'/\'\\\'\'}"; done; echo
	fi
} > "$VM_SHARE/cmd.sh"
[ $interactive = 1 ] && touch "$VM_SHARE/interactive"

append="console=ttyS0 root=/dev/root rootfstype=9p"
append+=" rootflags=trans=virtio,version=9p2000.L,access=any ro"
append+=" init=$TOP/dev/vm-init.sh pti=on panic=-1 oops=panic"
# TCG on a loaded 2-core host runs the guest 5-20x slower than hardware:
# give RCU's stall checks (and lockdep's grace-period start check in the
# debug kernel) the same slack the tests' timeouts have.
append+=" rcupdate.rcu_cpu_stall_timeout=120"
[ "${VM_VERBOSE:-0}" = 1 ] || append+=" quiet"
append+=" ${VM_APPEND:-}"

qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp "$VM_SMP" -m "$VM_MEM"
      -nodefaults -no-reboot -display none
      -kernel "$KERNEL" -append "$append"
      -fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap
      -device virtio-9p-pci,fsdev=root,mount_tag=/dev/root
      -fsdev "local,id=share,path=$VM_SHARE,security_model=none,multidevs=remap"
      -device virtio-9p-pci,fsdev=share,mount_tag=share
      -fsdev "local,id=repo,path=$TOP,security_model=none,readonly=on,multidevs=remap"
      -device virtio-9p-pci,fsdev=repo,mount_tag=repo
      -device virtio-rng-pci)

msg "booting $KERNEL (TCG, ${VM_SMP} CPUs, $VM_MEM; share $VM_SHARE; log $VM_LOG)"
start=$(date +%s)
set +e
if [ $interactive = 1 ]; then
	"${qemu[@]}" -chardev stdio,id=con,signal=off -serial chardev:con \
		2>&1 | tee "$VM_LOG"
	qrc=${PIPESTATUS[0]}
else
	timeout -k 10 "$VM_TIMEOUT" "${qemu[@]}" -serial stdio </dev/null 2>&1 |
		tee "$VM_LOG"
	qrc=${PIPESTATUS[0]}
fi
set -e
msg "VM ran $(( $(date +%s) - start ))s"

# Scan the guest's kernel log for splats; fall back to the console log when
# the guest died before saving it.
klog=$VM_SHARE/dmesg
[ -f "$klog" ] || klog=$VM_LOG
splat='BUG:|WARNING:|KASAN:|UBSAN:|possible .*deadlock|Oops|Call Trace|Kernel panic|kernel BUG|general protection fault'
if grep -qE "$splat" "$klog"; then
	grep -nE -B5 -A40 "$splat" "$klog" | head -n 200 >&2
	die "kernel splat in the guest's log ($klog)"
fi

if [ $qrc = 124 ] || [ $qrc = 137 ]; then
	die "VM timed out after ${VM_TIMEOUT}s (set VM_TIMEOUT); log: $VM_LOG"
fi
if [ ! -f "$VM_SHARE/status" ]; then
	die "guest ended without an exit status (qemu exit $qrc); log: $VM_LOG"
fi
rc=$(cat "$VM_SHARE/status")
[ "$rc" = 0 ] || msg "guest command exited with $rc"
exit "$rc"
