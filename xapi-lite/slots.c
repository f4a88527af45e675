/*
 * A VM's device slots as XAPI counts them (xapi_vm_helpers.ml allowed_VBD_devices and
 * allowed_VIF_devices, device_number.ml): disks 0 to 254 (an HVM guest's first four on
 * IDE), network interfaces 0 to 15, minus the slots the VM's devices hold; the first free
 * one is what "autodetect" resolves to. Device names ("3", "xvdd", "hda", "d3p1") are
 * parsed as XAPI's Device_number parses them.
 */
#include <stdio.h>
#include <string.h>

#include "calls.h"
#include "nitems.h"
#include "rpc_impl.h"
#include "slots.h"
#include "xapi_limits.h"

/* A disk's bus: the one an HVM guest's first four disks have, and the rest. */
enum bus { BUS_XEN, BUS_SCSI, BUS_FLOPPY, BUS_IDE };

struct devnum {
	enum bus	bus;
	long		disk, partition;
};

/* Digits only, up to max; -1 otherwise (the rest of s from *end). */
static long
digits(const char *s, const char **end, long max)
{
	long	n = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((n = n * 10 + (*s - '0')) > max)
			return -1;
	*end = s;
	return n;
}

/* Device_number.make: the bus's limits of disk and partition. */
static int
make(enum bus bus, long disk, long part, struct devnum *d)
{
	static const long max[][2] = { { (1L << 20) - 1, 15 }, { 15, 15 }, { 2, 0 },
		{ 19, 63 } };

	if (disk < 0 || disk > max[bus][0] || part < 0 || part > max[bus][1])
		return -1;
	d->bus = bus;
	d->disk = disk;
	d->partition = part;
	return 0;
}

/* of_disk_number: slot n of an HVM guest below 4 is IDE, else Xen. */
static int
of_number(int hvm, long n, struct devnum *d)
{
	return make(hvm && n < 4 ? BUS_IDE : BUS_XEN, n, 0, d);
}

/* of_linux_device: xvd/sd/hd/fd and base-26 letters with a partition number, or dNpM. */
static int
of_linux(const char *s, struct devnum *d)
{
	static const struct {
		const char	*prefix;
		enum bus	 bus;
	} buses[] = { { "xvd", BUS_XEN }, { "sd", BUS_SCSI }, { "fd", BUS_FLOPPY },
		{ "hd", BUS_IDE } };
	const char	*e;
	long		 disk = 0, part = 0;
	size_t		 i, n;

	for (i = 0; i < nitems(buses); i++) {
		n = strlen(buses[i].prefix);
		if (strncmp(s, buses[i].prefix, n) != 0)
			continue;
		s += n;
		if (*s < 'a' || *s > 'z')
			return -1;
		for (; *s >= 'a' && *s <= 'z'; s++)
			if ((disk = disk * 26 + (*s - 'a' + 1)) > 1L << 21)
				return -1;
		if (*s != '\0' && ((part = digits(s, &e, 1L << 20)) == -1 || *e != '\0'))
			return -1;
		return make(buses[i].bus, disk - 1, part, d);
	}
	if (*s != 'd' || (disk = digits(s + 1, &e, 1L << 21)) == -1)
		return -1;
	if (*e == 'p' && ((part = digits(e + 1, &e, 1L << 20)) == -1))
		return -1;
	return *e != '\0' ? -1 : make(BUS_XEN, disk, part, d);
}

/* Device_number.of_string: a slot number, else a Linux name. */
static int
of_string(int hvm, const char *s, struct devnum *d)
{
	const char	*e;
	long		 n;

	if ((n = digits(s, &e, 1L << 21)) >= 0 && *e == '\0')
		return of_number(hvm, n, d);
	return of_linux(s, d);
}

static int
same(const struct devnum *a, const struct devnum *b)
{
	return a->bus == b->bus && a->disk == b->disk && a->partition == b->partition;
}

static int
is_hvm(struct xapi *x, struct obj *vm)
{
	return strcmp(vm_domain_type(x, vm), "hvm") == 0;
}

/* Whether one of vm's VBDs other than self names one of the nwant devices of want: XAPI
   reads every VBD's device and userdevice both as an HVM and as a PV name. */
static int
vbd_names_any(struct xapi *x, struct obj *vm, const struct obj *self,
    const struct devnum *want, int nwant)
{
	const enum fld	 f[2] = { F_VBD_device, F_VBD_userdevice };
	struct devnum	 d;
	size_t		 i;
	int		 k, h, m;

	for (i = 0; i < x->db.n[C_VBD]; i++) {
		struct obj	*vbd = x->db.objs[C_VBD][i];

		if (vbd == self || strcmp(db_str(&x->db, vbd, F_VBD_VM), vm->ref) != 0)
			continue;
		for (k = 0; k < 2; k++)
			for (h = 0; h < 2; h++)
				for (m = 0; m < nwant; m++)
					if (of_string(h, db_str(&x->db, vbd, f[k]), &d) == 0 &&
					    same(&d, &want[m]))
						return 1;
	}
	return 0;
}

/* Whether disk slot n is held by one of vm's VBDs other than self. */
static int
vbd_slot_used(struct xapi *x, struct obj *vm, const struct obj *self, long n)
{
	struct devnum	 want;

	if (of_number(is_hvm(x, vm), n, &want) == -1)
		return 1;
	return vbd_names_any(x, vm, self, &want, 1);
}

static int
vif_slot_used(struct xapi *x, struct obj *vm, const struct obj *self, long n)
{
	const char	*e;
	size_t		 i;

	for (i = 0; i < x->db.n[C_VIF]; i++) {
		struct obj	*vif = x->db.objs[C_VIF][i];

		if (vif != self && strcmp(db_str(&x->db, vif, F_VIF_VM), vm->ref) == 0 &&
		    digits(db_str(&x->db, vif, F_VIF_device), &e, 1L << 30) == n)
			return 1;
	}
	return 0;
}

/* XAPI's ranges: the control domain has one disk slot more. */
static long
vbd_slots(struct xapi *x, struct obj *vm)
{
	return db_get(&x->db, vm, F_VM_is_control_domain)->u.b && !is_hvm(x, vm) ?
	    XAPI_VBD_SLOTS + 1 : XAPI_VBD_SLOTS;
}

long
slot_vbd_free(struct xapi *x, struct obj *vm, const struct obj *self)
{
	long	n, max = vbd_slots(x, vm);

	for (n = 0; n < max; n++)
		if (!vbd_slot_used(x, vm, self, n))
			return n;
	return -1;
}

long
slot_vif_free(struct xapi *x, struct obj *vm, const struct obj *self)
{
	long	n;

	for (n = 0; n < XAPI_VIF_SLOTS; n++)
		if (!vif_slot_used(x, vm, self, n))
			return n;
	return -1;
}

int
slot_vbd_valid(const char *userdevice)
{
	struct devnum	d;

	/* Xapi_vbd_helpers.valid_device: autodetect, or a name a PV guest could have. */
	return strcmp(userdevice, "autodetect") == 0 || of_string(0, userdevice, &d) == 0;
}

int
slot_vbd_clash(struct xapi *x, struct obj *vm, const struct obj *self, const char *userdevice)
{
	struct devnum	 mine[2];
	int		 h, nmine = 0;

	for (h = 0; h < 2; h++)
		if (of_string(h, userdevice, &mine[nmine]) == 0)
			nmine++;
	return vbd_names_any(x, vm, self, mine, nmine);
}

long
slot_vif_number(const char *device)
{
	const char	*e;
	long		 n = digits(device, &e, 1L << 30);

	return n >= 0 && *e == '\0' ? n : -1;
}

int
slot_vif_clash(struct xapi *x, struct obj *vm, const struct obj *self, long n)
{
	return vif_slot_used(x, vm, self, n);
}

/* The free slots as XAPI lists them: numbers as strings, lowest first. */
static void
allowed(struct xapi *x, struct val *p, struct rpc_reply *r, int vbd)
{
	struct obj	*vm;
	struct val	*a;
	long		 n, max;

	if ((vm = rpc_param_ref(x, r, p, 1, C_VM)) == NULL)
		return;
	max = vbd ? vbd_slots(x, vm) : XAPI_VIF_SLOTS;
	if ((a = rpc_array(x, (size_t)max)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	for (n = 0; n < max; n++)
		if (!(vbd ? vbd_slot_used(x, vm, NULL, n) : vif_slot_used(x, vm, NULL, n)))
			a->u.a.items[a->u.a.n++] = rpc_str(x, rpc_printf(x, "%ld", n));
	rpc_ok(r, a);
}

void
call_vm_get_allowed_VBD_devices(struct xapi *x, struct obj *s, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	(void)s;
	(void)park;
	allowed(x, p, r, 1);
}

void
call_vm_get_allowed_VIF_devices(struct xapi *x, struct obj *s, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	(void)s;
	(void)park;
	allowed(x, p, r, 0);
}
