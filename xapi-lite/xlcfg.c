/*
 * xl domain configurations from what a VM's records say: type, memory, vCPUs, direct-boot
 * kernel or HVM boot order and device model, disks, CD drives and network interfaces, and
 * what to do on power-off, reboot and crash. Values are checked, never escaped: a value
 * xl's parser would read differently is refused with the field's name.
 */
#include <stdio.h>
#include <string.h>

#include "mac.h"
#include "xlcfg.h"

static int
fail(char *err, size_t errlen, const char *what, const char *why)
{
	if (errlen > 0)
		snprintf(err, errlen, "%s %s", what, why);
	return -1;
}

/* A value that can sit between xl's double quotes and mean itself. */
static int
plain(const char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || *s == ',' || (unsigned char)*s < 0x20 ||
		    (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

static int
one_of(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static int
check(const struct xl_vm *vm, char *err, size_t errlen)
{
	static const char *const types[] = { "pv", "pvh", "hvm", NULL };
	static const char *const actions[] = { "destroy", "restart", "preserve",
		"coredump-destroy", "coredump-restart", "rename-restart", NULL };
	const char	*strs[] = { vm->kernel, vm->ramdisk, vm->cmdline, vm->boot,
		vm->device_model };
	int		 i;

	if (vm->uuid == NULL || strlen(vm->uuid) != 36 || !plain(vm->uuid))
		return fail(err, errlen, "uuid", "is not a uuid");
	if (vm->type == NULL || !one_of(vm->type, types))
		return fail(err, errlen, "domain_type", "must be pv, pvh or hvm");
	if (vm->memory_mib < 1 || vm->maxmem_mib < vm->memory_mib)
		return fail(err, errlen, "memory", "must be at least 1 MiB and at most its maximum");
	if (vm->vcpus < 1 || vm->maxvcpus < vm->vcpus || vm->maxvcpus > 128)
		return fail(err, errlen, "VCPUs", "must be 1 to VCPUs_max (at most 128)");
	for (i = 0; i < 5; i++)
		if (strs[i] != NULL && !plain(strs[i]))
			return fail(err, errlen, "boot settings",
			    "hold a quote, backslash, comma or control character");
	if (strcmp(vm->type, "hvm") != 0 && (vm->kernel == NULL || vm->kernel[0] == '\0'))
		return fail(err, errlen, "PV_kernel", "is needed for a pv or pvh guest");
	if (strcmp(vm->type, "hvm") == 0 && (vm->device_model == NULL || vm->device_model[0] == '\0'))
		return fail(err, errlen, "device model", "is needed for an hvm guest");
	if (vm->boot != NULL && strspn(vm->boot, "acdn") != strlen(vm->boot))
		return fail(err, errlen, "HVM_boot_params order", "may hold only a, c, d and n");
	if (!one_of(vm->on_poweroff, actions) || !one_of(vm->on_reboot, actions) ||
	    !one_of(vm->on_crash, actions))
		return fail(err, errlen, "actions_after", "are not actions xl knows");
	if (vm->ndisks < 0 || vm->ndisks > XL_MAX_DEVICES || vm->nnics < 0 ||
	    vm->nnics > XL_MAX_DEVICES)
		return fail(err, errlen, "devices", "are too many");
	for (i = 0; i < vm->ndisks; i++) {
		const struct xl_disk	*d = &vm->disks[i];

		if (!plain(d->path) || (d->path[0] == '\0' && !d->cdrom))
			return fail(err, errlen, "disk", "has a bad path");
		if (d->vdev[0] == '\0' || strspn(d->vdev, "abcdefghijklmnopqrstuvwxyz0123456789") !=
		    strlen(d->vdev))
			return fail(err, errlen, "disk", "has a bad device name");
	}
	for (i = 0; i < vm->nnics; i++)
		if (!mac_valid(vm->nics[i].mac) || vm->nics[i].bridge[0] == '\0' ||
		    !plain(vm->nics[i].bridge) || strchr(vm->nics[i].bridge, '=') != NULL)
			return fail(err, errlen, "VIF", "has a bad MAC or bridge");
	return 0;
}

int
xlcfg_write(struct buf *b, const struct xl_vm *vm, char *err, size_t errlen)
{
	size_t	start = b->len;
	int	i, e = 0;

	if (check(vm, err, errlen) == -1)
		return -1;
	e |= buf_printf(b, "name = \"%s\"\nuuid = \"%s\"\ntype = \"%s\"\n", vm->uuid, vm->uuid,
	    vm->type);
	e |= buf_printf(b, "memory = %lld\nmaxmem = %lld\nvcpus = %d\nmaxvcpus = %d\n",
	    vm->memory_mib, vm->maxmem_mib, vm->vcpus, vm->maxvcpus);
	if (vm->kernel != NULL && vm->kernel[0] != '\0') {
		e |= buf_printf(b, "kernel = \"%s\"\n", vm->kernel);
		if (vm->ramdisk != NULL && vm->ramdisk[0] != '\0')
			e |= buf_printf(b, "ramdisk = \"%s\"\n", vm->ramdisk);
		e |= buf_printf(b, "cmdline = \"%s\"\n", vm->cmdline ? vm->cmdline : "");
	}
	if (strcmp(vm->type, "hvm") == 0) {
		e |= buf_printf(b, "device_model_version = \"qemu-xen\"\n"
		    "device_model_override = \"%s\"\nboot = \"%s\"\n", vm->device_model,
		    vm->boot != NULL && vm->boot[0] != '\0' ? vm->boot : "cd");
		e |= buf_lit(b, "serial = \"pty\"\nvnc = 1\nvnclisten = \"127.0.0.1\"\n");
	}
	e |= buf_printf(b, "on_poweroff = \"%s\"\non_reboot = \"%s\"\non_crash = \"%s\"\n",
	    vm->on_poweroff, vm->on_reboot, vm->on_crash);
	e |= buf_lit(b, "disk = [");
	for (i = 0; i < vm->ndisks; i++) {
		const struct xl_disk	*d = &vm->disks[i];

		e |= buf_printf(b, "%s\"format=raw, vdev=%s, access=%s%s%s%s\"", i ? ", " : " ",
		    d->vdev, d->readonly || d->cdrom ? "ro" : "rw", d->cdrom ? ", devtype=cdrom" : "",
		    d->path[0] ? ", target=" : "", d->path);
	}
	e |= buf_puts(b, vm->ndisks ? " ]\n" : "]\n");
	e |= buf_lit(b, "vif = [");
	for (i = 0; i < vm->nnics; i++)
		e |= buf_printf(b, "%s\"mac=%s, bridge=%s\"", i ? ", " : " ", vm->nics[i].mac,
		    vm->nics[i].bridge);
	e |= buf_puts(b, vm->nnics ? " ]\n" : "]\n");
	if (e) {
		b->len = start;
		if (b->p != NULL)
			b->p[start] = '\0';
		return fail(err, errlen, "configuration", "is too large");
	}
	return 0;
}
