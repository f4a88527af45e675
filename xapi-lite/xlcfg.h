#ifndef XAPI_XLCFG_H
#define XAPI_XLCFG_H

#include <stddef.h>

#include "buf.h"

#define XL_MAX_DEVICES	16

/* A disk or CD drive: the backing file and the guest's device name. */
struct xl_disk {
	const char	*path;		/* a file in an SR; "" for an empty CD drive */
	const char	*vdev;		/* xvda, hdc, ... */
	int		 cdrom;
	int		 readonly;
};

/* A network interface plugged into a bridge. */
struct xl_nic {
	const char	*mac;		/* aa:bb:cc:dd:ee:ff */
	const char	*bridge;	/* xenbr0 */
};

/* What xl needs to start a guest; the xen backend fills it from the VM's records. */
struct xl_vm {
	const char	*uuid;		/* also the domain's name: unique, unlike name_label */
	const char	*type;		/* "pv", "pvh" or "hvm" */
	long long	 memory_mib, maxmem_mib;
	int		 vcpus, maxvcpus;
	const char	*kernel, *ramdisk, *cmdline;	/* direct boot (PV, PVH); NULL if none */
	const char	*boot;		/* HVM boot order, such as "dc" */
	const char	*device_model;	/* HVM: the qemu-system-xen to run */
	const char	*on_poweroff, *on_reboot, *on_crash;	/* destroy, restart, ... */
	struct xl_disk	 disks[XL_MAX_DEVICES];
	int		 ndisks;
	struct xl_nic	 nics[XL_MAX_DEVICES];
	int		 nnics;
};

/* Appends vm as an xl domain configuration. Returns 0, or -1 with err naming the field
   that cannot go into one (nothing is appended then). */
int	xlcfg_write(struct buf *b, const struct xl_vm *vm, char *err, size_t errlen);

#endif
