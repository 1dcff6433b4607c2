#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# init of the test VM (run by the kernel as init= from the host's / mounted
# read-only over 9p). Mounts what tests need, runs /mnt/share/cmd.sh once,
# writes its exit status and the kernel log to the share, and powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux} LANG=C.UTF-8 SHARE=/mnt/share

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm
# devtmpfs has no fd links; kselftest's runner writes to /dev/stdout.
for i in 0:stdin 1:stdout 2:stderr; do ln -sf /proc/self/fd/${i%%:*} /dev/${i#*:}; done
ln -sf /proc/self/fd /dev/fd
for d in /tmp /run /root /mnt /var/tmp; do mount -t tmpfs tmpfs $d; done
chmod 1777 /tmp /var/tmp /dev/shm
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mkdir -p $SHARE
mount -t 9p -o trans=virtio,version=9p2000.L,access=any,msize=512000 share $SHARE
# The kernel boots without "quiet" so that the console log shows how far a
# stalled boot got; from here on only warnings and worse reach the console
# (everything with VM_VERBOSE=1).
[ -f $SHARE/verbose ] || echo 5 > /proc/sys/kernel/printk
# The checkout may sit under one of the tmpfs mounts above: mount it again.
top=${0%/dev/vm-init.sh}
if [ -n "$top" ] && [ ! -d "$top/dev" ]; then
	mkdir -p "$top"
	mount -t 9p -o trans=virtio,version=9p2000.L,access=any,msize=512000,ro repo "$top"
fi
hostname damon-vm
ln -s /proc/self/fd /dev/fd 2>/dev/null

poweroff() {
	sync
	umount $SHARE 2>/dev/null
	busybox reboot -f 2>/dev/null
	echo b > /proc/sysrq-trigger
}

if [ ! -f $SHARE/cmd.sh ]; then
	echo "vm-init: no $SHARE/cmd.sh" >&2
	poweroff
fi

echo "vm-init: $(uname -r), $(nproc) CPUs, up $(cut -d' ' -f1 /proc/uptime)s"
if [ -f $SHARE/interactive ]; then
	setsid -c /bin/sh $SHARE/cmd.sh </dev/ttyS0 >/dev/ttyS0 2>&1
else
	/bin/sh $SHARE/cmd.sh </dev/null
fi
echo $? > $SHARE/status.tmp
dmesg > $SHARE/dmesg
mv $SHARE/status.tmp $SHARE/status
poweroff
