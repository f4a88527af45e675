# Shared by dom0's start-up scripts: paths and small helpers. Sourced, never run.
PATH=/usr/lib/atoll/bin:/usr/lib/xen-4.17/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

ATOLL_RUN=/run/atoll		# what start-up learned: boot options, network
ATOLL_STATE=/var/lib/atoll	# persistent on an installed host, RAM when live

# Modules a host boot loads only once it is ready (boot/modules, boot/ready): file systems.
ATOLL_LATE_MODULES="overlay ext4 xfs vfat nls_cp437 nls_iso8859-1 nls_utf8 isofs"
SR_MOUNTING=$ATOLL_RUN/sr-mounting	# there while boot/state mounts the SR
NETWORK_STARTING=$ATOLL_RUN/network-starting	# there while boot/network brings xenbr0 up

# say MESSAGE: one line on every console the kernel writes to (serial and screen alike).
say() {
	for c in $(cat /sys/class/tty/console/active 2>/dev/null); do
		[ -c "/dev/$c" ] && echo "$*" > "/dev/$c" 2>/dev/null
	done
	logger -t atoll -- "$*" 2>/dev/null || true
}

# fail MESSAGE: report a start-up step that did not work; start-up goes on without it.
fail() {
	say "atoll: error: $*"
	exit 1
}

# wait_while TENTHS COMMAND...: runs COMMAND every tenth of a second while it succeeds, for
# TENTHS tenths at most; false when it still succeeds then (the deadline passed).
wait_while() {
	_tenths=$1
	shift
	while "$@"; do
		[ "$_tenths" -gt 0 ] || return 1
		sleep 0.1
		_tenths=$((_tenths - 1))
	done
}

# ethernet_nics: the physical Ethernet NICs' names, in the kernel's order.
ethernet_nics() {
	for _d in /sys/class/net/*; do
		[ -e "$_d/device" ] && [ "$(cat "$_d/type")" = 1 ] && echo "${_d##*/}"
	done
	return 0
}

# install_boot: true when this boot installs Atoll rather than running the host.
install_boot() {
	[ "$(cat "$ATOLL_RUN/mode" 2>/dev/null)" = install ]
}

# stage NAME: notes dom0's uptime at NAME in $ATOLL_RUN/boot-times, for the boot timeline
# of make bench-iso (builtins only: no process started). Each boot step notes its own start.
stage() {
	[ -d "$ATOLL_RUN" ] && read -r up _ < /proc/uptime && echo "$up $1" >> "$ATOLL_RUN/boot-times"
	return 0
} 2>/dev/null
case $0 in
*/lib/atoll/boot/*) stage "${0##*/}" ;;
esac

# bootopts: loads the atoll.* options that the options step recorded.
bootopts() {
	[ -r "$ATOLL_RUN/bootopts" ] && . "$ATOLL_RUN/bootopts"
	return 0
}

# set_hostname NAME: the running host's name, /etc/hostname and /etc/hosts. A name may be
# 253 characters (lib/inet.h); the kernel keeps 64, so a longer one gives it its first label.
set_hostname() {
	kernel_name=$1
	[ ${#1} -le 64 ] || kernel_name=${1%%.*}
	hostname "$kernel_name"
	echo "$1" > /etc/hostname
	printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\t\tlocalhost\n' "$1" > /etc/hosts
}
