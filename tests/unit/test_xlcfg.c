/* Unit tests of xapi-lite/xlcfg.c: the xl configurations of a PV and an HVM guest, and the
   values it refuses. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "tap.h"
#include "xlcfg.h"

static const struct xl_vm pv = {
	.uuid = "0f0e0d0c-0b0a-4908-8706-050403020100", .type = "pv",
	.memory_mib = 128, .maxmem_mib = 128, .vcpus = 1, .maxvcpus = 1,
	.kernel = "/usr/share/atoll/guest/vmlinuz", .ramdisk = "/usr/share/atoll/guest/initrd.gz",
	.cmdline = "console=hvc0 quiet",
	.on_poweroff = "destroy", .on_reboot = "restart", .on_crash = "restart",
	.nics = { { "02:16:3e:00:00:01", "xenbr0" } }, .nnics = 1,
};

static const char pv_cfg[] =
	"name = \"0f0e0d0c-0b0a-4908-8706-050403020100\"\n"
	"uuid = \"0f0e0d0c-0b0a-4908-8706-050403020100\"\n"
	"type = \"pv\"\n"
	"memory = 128\nmaxmem = 128\nvcpus = 1\nmaxvcpus = 1\n"
	"kernel = \"/usr/share/atoll/guest/vmlinuz\"\n"
	"ramdisk = \"/usr/share/atoll/guest/initrd.gz\"\n"
	"cmdline = \"console=hvc0 quiet\"\n"
	"on_poweroff = \"destroy\"\non_reboot = \"restart\"\non_crash = \"restart\"\n"
	"disk = []\n"
	"vif = [ \"mac=02:16:3e:00:00:01, bridge=xenbr0\" ]\n";

static const struct xl_vm hvm = {
	.uuid = "00000000-0000-4000-8000-000000000001", .type = "hvm",
	.memory_mib = 1024, .maxmem_mib = 2048, .vcpus = 2, .maxvcpus = 4,
	.boot = "dc", .device_model = "/usr/libexec/xen-qemu-system-i386",
	.on_poweroff = "destroy", .on_reboot = "restart", .on_crash = "destroy",
	.disks = { { "/var/lib/atoll/sr/a.raw", "xvda", 0, 0 },
		   { "/var/lib/atoll/iso/debian.iso", "hdc", 1, 1 },
		   { "", "hdd", 1, 1 } }, .ndisks = 3,
};

static const char hvm_cfg[] =
	"name = \"00000000-0000-4000-8000-000000000001\"\n"
	"uuid = \"00000000-0000-4000-8000-000000000001\"\n"
	"type = \"hvm\"\n"
	"memory = 1024\nmaxmem = 2048\nvcpus = 2\nmaxvcpus = 4\n"
	"device_model_version = \"qemu-xen\"\n"
	"device_model_override = \"/usr/libexec/xen-qemu-system-i386\"\n"
	"boot = \"dc\"\n"
	"serial = \"pty\"\nvnc = 1\nvnclisten = \"127.0.0.1\"\n"
	"on_poweroff = \"destroy\"\non_reboot = \"restart\"\non_crash = \"destroy\"\n"
	"disk = [ \"format=raw, vdev=xvda, access=rw, target=/var/lib/atoll/sr/a.raw\", "
	"\"format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/var/lib/atoll/iso/debian.iso\", "
	"\"format=raw, vdev=hdd, access=ro, devtype=cdrom\" ]\n"
	"vif = []\n";

/* Writes vm after "x"; returns 0 or -1, with the text or the error in out. */
static int
write_cfg(const struct xl_vm *vm, char *out, size_t size)
{
	struct buf	b;
	char		err[128];
	int		r;

	buf_init(&b, 0);
	buf_puts(&b, "x");
	r = xlcfg_write(&b, vm, err, sizeof(err));
	snprintf(out, size, "%s", r == 0 ? b.p + 1 : err);
	if (r == -1 && strcmp(b.p, "x") != 0)
		r = -2;		/* a refusal must append nothing */
	buf_free(&b);
	return r;
}

#define REFUSED(field, value, want) do {					\
	struct xl_vm	v_ = pv;						\
	char		o_[2048];						\
	v_.field = value;							\
	ok(write_cfg(&v_, o_, sizeof(o_)) == -1 && strstr(o_, want) != NULL,	\
	    "refuses " #field " = " #value ": %s", o_);			\
} while (0)

int
main(void)
{
	char		 out[4096];
	struct xl_vm	 v;

	if (!ok(write_cfg(&pv, out, sizeof(out)) == 0 && strcmp(out, pv_cfg) == 0,
	    "the demo guest (PV, direct boot, one VIF)"))
		note("got:\n%s", out);
	if (!ok(write_cfg(&hvm, out, sizeof(out)) == 0 && strcmp(out, hvm_cfg) == 0,
	    "an HVM guest with a disk, an ISO and an empty CD drive"))
		note("got:\n%s", out);

	REFUSED(uuid, "not-a-uuid", "uuid");
	REFUSED(type, "kvm", "domain_type");
	REFUSED(memory_mib, 0, "memory");
	REFUSED(maxmem_mib, 64, "memory");
	REFUSED(vcpus, 0, "VCPUs");
	REFUSED(maxvcpus, 500, "VCPUs");
	REFUSED(kernel, NULL, "PV_kernel");
	REFUSED(cmdline, "console=hvc0\" extra=\"x", "quote");
	REFUSED(cmdline, "a\nb", "control");
	REFUSED(on_crash, "explode", "actions_after");
	v = hvm;
	v.device_model = NULL;
	ok(write_cfg(&v, out, sizeof(out)) == -1 && strstr(out, "device model"), "%s", out);
	v = hvm;
	v.boot = "dz";
	ok(write_cfg(&v, out, sizeof(out)) == -1 && strstr(out, "order"), "%s", out);
	v = hvm;
	v.disks[0].path = "/a,b";
	ok(write_cfg(&v, out, sizeof(out)) == -1 && strstr(out, "disk"), "%s", out);
	v = hvm;
	v.disks[0].vdev = "xvda/../x";
	ok(write_cfg(&v, out, sizeof(out)) == -1 && strstr(out, "device name"), "%s", out);
	v = pv;
	v.nics[0].mac = "02:16:3e:00:00";
	ok(write_cfg(&v, out, sizeof(out)) == -1 && strstr(out, "VIF"), "%s", out);
	v = pv;
	v.nics[0].bridge = "xenbr0, script=/bin/evil";
	ok(write_cfg(&v, out, sizeof(out)) == -1 && strstr(out, "VIF"), "%s", out);
	return done_testing();
}
