#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the test-VM kernel under QEMU TCG and run one command in it:
#   dev/vm.sh [CMD [ARG...]]      (no CMD: interactive shell)
# The guest's root is the host's / (read-only, 9p); the command runs in the
# current directory with $SHARE (/mnt/share) as a writable share, visible on
# the host as $VM_SHARE.  The repository is also mounted at its own path, so
# that a checkout under a directory the guest covers with tmpfs (/tmp, /root)
# stays visible. Exits with the command's exit status; fails when the
# guest hangs past $VM_TIMEOUT, stays silent for $VM_SILENCE, or its kernel
# log shows a splat.
#
# The whole boot log goes to $VM_LOG; the terminal shows the console from
# the init script's "vm-init: ..." line on (everything with VM_VERBOSE=1).
# A guest that prints nothing on its console for $VM_SILENCE seconds is
# killed and the tail of its console printed; when that happens before the
# command started (a stalled boot) the VM is booted once more.
#
# Environment: DEBUG=1 (use .build/vm-debug), KERNEL=bzImage, VM_MEM (2G),
# VM_SMP (2), VM_MACHINE (q35), VM_TIMEOUT (seconds, 900; never past
# $CHECK_DEADLINE, see dev/check.sh), VM_SILENCE (seconds, 300),
# VM_BOOT_TRIES (2), VM_SHARE (dir), VM_LOG (console log), VM_APPEND (extra
# kernel arguments), VM_VERBOSE=1 (boot log on the terminal too).
. "$(dirname "$0")/lib.sh"

need_pkgs qemu-system-x86 busybox-static
if [ "${DEBUG:-0}" = 1 ]; then out=$BUILD/vm-debug; else out=$BUILD/vm; fi
KERNEL=${KERNEL:-$out/arch/x86/boot/bzImage}
[ -f "$KERNEL" ] || die "no kernel at $KERNEL: run 'make kernel${DEBUG:+ DEBUG=$DEBUG}' first"
VM_MEM=${VM_MEM:-2G}
VM_SMP=${VM_SMP:-2}
VM_TIMEOUT=${VM_TIMEOUT:-900}
VM_SILENCE=${VM_SILENCE:-300}
VM_BOOT_TRIES=${VM_BOOT_TRIES:-2}
name=vm-$(date +%Y%m%d-%H%M%S)-$$
VM_SHARE=${VM_SHARE:-$BUILD/share/$name}
VM_LOG=${VM_LOG:-$LOGS/$name.log}
mkdir -p "$VM_SHARE" "$(dirname "$VM_LOG")"
VM_SHARE=$(cd "$VM_SHARE" && pwd)
rm -f "$VM_SHARE"/{cmd.sh,status,status.tmp,dmesg,interactive,verbose}

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
[ "${VM_VERBOSE:-0}" = 1 ] && touch "$VM_SHARE/verbose"

append="console=ttyS0 root=/dev/root rootfstype=9p"
# The root is read-only and the VM short-lived: let the guest cache it
# (cache=loose), or every exec and Python import goes back to the host;
# that took the debug kernel's init script from 32 s to 10 s.
append+=" rootflags=trans=virtio,version=9p2000.L,access=any,msize=512000,cache=loose ro"
append+=" init=$TOP/dev/vm-init.sh pti=on panic=-1 oops=panic"
# TCG on a loaded 2-core host runs the guest 5-20x slower than hardware:
# give RCU's stall checks (and lockdep's grace-period start check in the
# debug kernel) the same slack the tests' timeouts have.
append+=" rcupdate.rcu_cpu_stall_timeout=120"
# The boot log always goes to $VM_LOG (a stalled boot shows where it
# stalled); only an interactive shell boots quietly.
[ $interactive = 0 ] || [ "${VM_VERBOSE:-0}" = 1 ] || append+=" quiet"
append+=" ${VM_APPEND:-}"

# q35, not QEMU's default pc (i440fx): the pc machine's ACPI _PRT method
# builds its 128-entry PCI interrupt routing table in an AML loop, and
# Linux runs it again for each PCI device it enables. Under KASAN, kmemleak
# and lockdep on TCG one run takes 30 s or more, ACPICA stops it at its
# 30-second loop limit (AE_AML_LOOP_TIMEOUT), and the virtio device left
# without an interrupt stalls the 9p root mount. q35 returns a static table.
qemu=(qemu-system-x86_64 -machine "${VM_MACHINE:-q35}" -accel tcg -cpu max
      -smp "$VM_SMP" -m "$VM_MEM"
      -nodefaults -no-reboot -display none
      -kernel "$KERNEL" -append "$append"
      -fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap
      -device virtio-9p-pci,fsdev=root,mount_tag=/dev/root
      -fsdev "local,id=share,path=$VM_SHARE,security_model=none,multidevs=remap"
      -device virtio-9p-pci,fsdev=share,mount_tag=share
      -fsdev "local,id=repo,path=$TOP,security_model=none,readonly=on,multidevs=remap"
      -device virtio-9p-pci,fsdev=repo,mount_tag=repo
      -device virtio-rng-pci)

# The init script prints this line just before it runs the command.
started='^vm-init: [^ ]+, [0-9]+ CPUs'

# boot_once TRY: one run of the VM, its console in $VM_LOG. Sets qrc (qemu's
# exit status), stop ("" or why the VM was killed), stalled (1 when killed
# for its silence) and booted (seconds to the command's start, "" when it
# never started).
boot_once() {
	local try=$1 t0 now limit size last=-1 quiet_since tpid
	limit=$(clamp_timeout "$VM_TIMEOUT" "VM") || exit 1
	msg "booting $KERNEL (TCG, ${VM_SMP} CPUs, $VM_MEM; share $VM_SHARE; log $VM_LOG${try:+; try $try})"
	rm -f "$VM_SHARE"/{status,status.tmp,dmesg}
	: > "$VM_LOG"
	t0=$(date +%s)
	quiet_since=$t0
	stop='' stalled='' booted=''
	"${qemu[@]}" -serial stdio </dev/null >"$VM_LOG" 2>&1 &
	qpid=$!
	# The terminal gets the console from the command's start on.
	tail -n +1 -s 0.5 --pid=$qpid -f "$VM_LOG" |
		if [ "${VM_VERBOSE:-0}" = 1 ]; then cat; else
			awk -v re="$started" 'on || $0 ~ re { on = 1; print; fflush() }'
		fi &
	tpid=$!
	while kill -0 $qpid 2>/dev/null; do
		sleep 1
		now=$(date +%s)
		size=$(stat -c %s "$VM_LOG")
		if [ "$size" != "$last" ]; then
			last=$size quiet_since=$now
			if [ -z "$booted" ] && grep -qE "$started" "$VM_LOG"; then
				booted=$((now - t0))
			fi
		fi
		if [ $((now - quiet_since)) -ge "$VM_SILENCE" ]; then
			stop="silent for ${VM_SILENCE}s (VM_SILENCE)" stalled=1
		elif [ $((now - t0)) -ge "$limit" ]; then
			stop="timed out after ${limit}s (VM_TIMEOUT)"
		else
			continue
		fi
		kill -TERM $qpid 2>/dev/null || true
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 $qpid 2>/dev/null || break
			sleep 1
		done
		kill -KILL $qpid 2>/dev/null || true
		break
	done
	set +e
	wait $qpid
	qrc=$?
	wait $tpid
	set -e
	msg "VM ran $(( $(date +%s) - t0 ))s${booted:+, the command started after ${booted}s}"
	if [ -n "$stop" ]; then
		printf '\033[1;31m>>> VM %s%s; the last lines of its console:\033[0m\n' "$stop" \
			"$([ -n "$booted" ] || echo ' while booting')" >&2
		tail -n 40 "$VM_LOG" | sed 's/^/    | /' >&2
	fi
}

set +e
if [ $interactive = 1 ]; then
	msg "booting $KERNEL (TCG, ${VM_SMP} CPUs, $VM_MEM; share $VM_SHARE; log $VM_LOG)"
	"${qemu[@]}" -chardev stdio,id=con,signal=off -serial chardev:con \
		2>&1 | tee "$VM_LOG"
	qrc=${PIPESTATUS[0]}
	stop=
else
	set -e
	try=1
	log0=$VM_LOG
	while :; do
		boot_once "$([ "$try" = 1 ] || echo "$try/$VM_BOOT_TRIES")"
		# Only a boot that never reached the command is tried again: the
		# command has not run, so nothing is lost or done twice.
		[ -n "$stalled" ] && [ -z "$booted" ] && [ "$try" -lt "$VM_BOOT_TRIES" ] || break
		mv "$VM_LOG" "$log0.stalled-$try"
		msg "the boot stalled; booting again (its log: $log0.stalled-$try)"
		try=$((try + 1))
	done
fi
set -e

# Scan the guest's kernel log for splats; fall back to the console log when
# the guest died before saving it.
klog=$VM_SHARE/dmesg
[ -f "$klog" ] || klog=$VM_LOG
splat='BUG:|WARNING:|KASAN:|UBSAN:|possible .*deadlock|Oops|Call Trace|Kernel panic|kernel BUG|general protection fault'
if grep -qE "$splat" "$klog"; then
	grep -nE -B5 -A40 "$splat" "$klog" | head -n 200 >&2
	die "kernel splat in the guest's log ($klog)"
fi

[ -z "$stop" ] || die "VM $stop$([ -n "$booted" ] || echo ' while booting'); log: $VM_LOG"
if [ ! -f "$VM_SHARE/status" ]; then
	die "guest ended without an exit status (qemu exit $qrc); log: $VM_LOG"
fi
rc=$(cat "$VM_SHARE/status")
[ "$rc" = 0 ] || msg "guest command exited with $rc"
exit "$rc"
