/*
 * The xen backend: the host's facts from `xl info` and `xl list`, VM power operations as
 * xl commands run as jobs of the event loop (xl create with a configuration made from the
 * VM's records, xl shutdown -w, xl destroy, xl reboot -w, xl pause, xl unpause, a hard
 * reboot as xl destroy then xl create, and for suspend.c xl save and xl restore), and a
 * once-a-second `xl list` that reconciles power states with the domains Xen runs, so a
 * guest that powers itself off is Halted, and VMs keep running across restarts of
 * xapi-lite. Domains are named by the VM's uuid.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "allowed.h"
#include "exec.h"
#include "hval.h"
#include "loop.h"
#include "message.h"
#include "nitems.h"
#include "rpc_impl.h"
#include "storage.h"
#include "suspend.h"
#include "xlcfg.h"
#include "xen.h"
#include "xlparse.h"

#define MIB		(1024LL * 1024)
#define MAX_DOMAINS	1024
#define XEN_RECONCILE_EVERY	10	/* seconds, besides xenstored's word */
#define DEVICE_MODEL	"/usr/libexec/xen-qemu-system-i386"

/* Reads a "key=value" (or key='value') line of a file dom0's scripts write: the DHCP
   client's /run/atoll/network, or the host's settings, host.conf. "" when absent. */
static void
conf_fact(const char *path, const char *key, char *out, size_t size)
{
	FILE	*f;
	char	 line[512];
	size_t	 klen = strlen(key);

	out[0] = '\0';
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, size, "%s", line + klen + 1 + (line[klen + 1] == '\'') );
			out[strcspn(out, "'")] = '\0';
			break;
		}
	fclose(f);
}

int
xen_populate(struct xapi *x, char *why, size_t whylen)
{
	struct host_facts	 f;
	struct xl_info		 info;
	struct xl_dom		 doms[8];
	struct statvfs		 sv;
	struct buf		 out;
	char			 mac[32] = "", ip[64], mask[64], gw[64], dns[128];
	char			 conf[300], proto[16], zone[128], ntp[400], ntp_mode[16], ssh[8];
	FILE			*m;
	int			 n, i;

	buf_init(&out, 64 * 1024);
	if (exec_run((const char *const[]){ "xl", "info", NULL }, &out, NULL) != 0 ||
	    xl_info_parse(out.p ? out.p : "", &info, why, whylen) == -1) {
		if (why[0] == '\0' || out.len)
			snprintf(why, whylen, "xl info failed: %s", out.p ? out.p : "");
		buf_free(&out);
		return -1;
	}
	if (exec_run((const char *const[]){ "xl", "list", NULL }, &out, NULL) != 0 ||
	    (n = xl_list_parse(out.p ? out.p : "", doms, 8, why, whylen)) < 1 ||
	    strcmp(doms[0].name, "Domain-0") != 0) {
		if (why[0] == '\0')
			snprintf(why, whylen, "xl list shows no Domain-0");
		buf_free(&out);
		return -1;
	}
	buf_free(&out);
	memset(&f, 0, sizeof(f));
	snprintf(f.hostname, sizeof(f.hostname), "%s", info.host);
	f.description = "Atoll host";
	f.cpu_model = "";
	f.cpus = info.nr_cpus;
	f.memory_total = info.total_memory_mib * MIB;
	f.dom0_memory = doms[0].mem_mib * MIB;
	f.dom0_vcpus = doms[0].vcpus;
	f.xen_version = info.xen_version;
	f.dom0_kernel = info.release;
	f.build = ATOLL_VERSION;
	f.sr_size = statvfs("/var/lib/atoll", &sv) == 0 ?
	    (long long)sv.f_blocks * (long long)sv.f_frsize : 0;
	if ((m = fopen("/sys/class/net/xenbr0/address", "r")) != NULL) {
		if (fgets(mac, sizeof(mac), m) != NULL)
			mac[strcspn(mac, "\n")] = '\0';
		fclose(m);
	}
	conf_fact("/run/atoll/network", "ip", ip, sizeof(ip));
	conf_fact("/run/atoll/network", "netmask", mask, sizeof(mask));
	conf_fact("/run/atoll/network", "gateway", gw, sizeof(gw));
	conf_fact("/run/atoll/network", "dns", dns, sizeof(dns));
	for (i = 0; dns[i]; i++)
		if (dns[i] == ' ')
			dns[i] = ',';
	/* What the host was set up with (the installer's host.conf, or host-config's since),
	   as XAPI's dbsync reads the real settings into a new database. */
	snprintf(conf, sizeof(conf), "%s/host.conf", x->statedir);
	conf_fact(conf, "proto", proto, sizeof(proto));
	conf_fact(conf, "timezone", zone, sizeof(zone));
	conf_fact(conf, "ntp", ntp, sizeof(ntp));
	conf_fact(conf, "ntp_mode", ntp_mode, sizeof(ntp_mode));
	conf_fact(conf, "ssh", ssh, sizeof(ssh));
	f.timezone = zone[0] ? zone : NULL;
	f.ntp_servers = ntp;
	f.ntp_mode = strcmp(ntp_mode, "dhcp") == 0 ? "DHCP" : strcmp(ntp_mode, "factory") == 0 ?
	    "Factory" : strcmp(ntp_mode, "disabled") == 0 || ntp[0] == '\0' ? "Disabled" :
	    "Custom";
	f.ssh_off = strcmp(ssh, "off") == 0;
	f.mac = mac;
	f.ip_mode = strcmp(proto, "static") == 0 ? "Static" : "DHCP";
	f.ip = ip;
	f.netmask = mask;
	f.gateway = gw;
	f.dns = dns;
	return host_populate(x, &f);
}

/* XAPI's actions_after_* names to xl's. */
static const char *
xl_action(const char *xapi)
{
	if (strcmp(xapi, "coredump_and_destroy") == 0)
		return "coredump-destroy";
	if (strcmp(xapi, "coredump_and_restart") == 0)
		return "coredump-restart";
	if (strcmp(xapi, "rename_restart") == 0)
		return "rename-restart";
	if (strcmp(xapi, "soft_reboot") == 0)
		return "restart";
	return xapi;
}

/* The guest's name of the disk in slot userdevice, as XAPI names them: an HVM guest's
   first four are IDE (hda to hdd, the CD drive at hdd), the rest and a PV guest's xvd*. */
static const char *
disk_name(struct xapi *x, const char *type, const char *userdevice)
{
	int	n = atoi(userdevice);

	if (n < 0 || n > 25)
		n = 25;
	if (strcmp(type, "hvm") == 0 && n < 4)
		return rpc_printf(x, "hd%c", 'a' + n);
	return rpc_printf(x, "xvd%c", 'a' + n);
}

/* Writes the VM's xl configuration to path. Returns 0, or -1 with r filled. */
static int
write_config(struct xapi *x, struct obj *vm, const char *path, struct rpc_reply *r)
{
	struct xl_vm	 c;
	struct buf	 b;
	const char	*dt = db_str(&x->db, vm, F_VM_domain_type);
	struct val	*order = hval_get(db_get(&x->db, vm, F_VM_HVM_boot_params), "order", 5);
	char		 err[160];
	size_t		 i;
	FILE		*f;

	memset(&c, 0, sizeof(c));
	c.uuid = db_str(&x->db, vm, F_VM_uuid);
	if (strcmp(dt, "unspecified") == 0)
		dt = db_str(&x->db, vm, F_VM_HVM_boot_policy)[0] ? "hvm" : "pv";
	c.type = strcmp(dt, "pv_in_pvh") == 0 ? "pvh" : dt;
	c.memory_mib = db_get(&x->db, vm, F_VM_memory_dynamic_max)->u.i / MIB;
	c.maxmem_mib = db_get(&x->db, vm, F_VM_memory_static_max)->u.i / MIB;
	c.vcpus = (int)db_get(&x->db, vm, F_VM_VCPUs_at_startup)->u.i;
	c.maxvcpus = (int)db_get(&x->db, vm, F_VM_VCPUs_max)->u.i;
	c.kernel = db_str(&x->db, vm, F_VM_PV_kernel);
	c.ramdisk = db_str(&x->db, vm, F_VM_PV_ramdisk);
	c.cmdline = db_str(&x->db, vm, F_VM_PV_args);
	c.boot = order != NULL && order->type == VAL_STRING ? order->u.s.p : "cd";
	c.device_model = DEVICE_MODEL;
	c.on_poweroff = xl_action(db_str(&x->db, vm, F_VM_actions_after_shutdown));
	c.on_reboot = xl_action(db_str(&x->db, vm, F_VM_actions_after_reboot));
	c.on_crash = xl_action(db_str(&x->db, vm, F_VM_actions_after_crash));
	for (i = 0; i < x->db.n[C_VBD]; i++) {
		struct obj	*vbd = x->db.objs[C_VBD][i], *vdi;
		struct xl_disk	*d = &c.disks[c.ndisks];
		int		 cd = strcmp(db_str(&x->db, vbd, F_VBD_type), "CD") == 0;
		char		*file;

		if (strcmp(db_str(&x->db, vbd, F_VBD_VM), vm->ref) != 0)
			continue;
		if (c.ndisks == XL_MAX_DEVICES) {
			rpc_fail(x, r, "INTERNAL_ERROR", 1, "xl configuration: too many disks");
			return -1;
		}
		vdi = db_find(&x->db, db_str(&x->db, vbd, F_VBD_VDI), REF_LEN);
		/* An empty CD drive is there for HVM guests to take media later; PV has none. */
		if (vdi == NULL && (!cd || strcmp(c.type, "hvm") != 0))
			continue;
		if ((file = arena_alloc(&x->arena, 512)) == NULL) {
			rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
			return -1;
		}
		if (vdi != NULL && vdi_path(x, vdi, file, 512) == -1) {
			rpc_fail(x, r, "VDI_MISSING", 2, db_str(&x->db, vdi, F_VDI_SR), vdi->ref);
			return -1;
		}
		d->path = vdi != NULL ? file : "";
		d->vdev = disk_name(x, c.type, db_str(&x->db, vbd, F_VBD_userdevice));
		d->cdrom = cd;
		d->readonly = cd || strcmp(db_str(&x->db, vbd, F_VBD_mode), "RO") == 0 ||
		    (vdi != NULL && db_get(&x->db, vdi, F_VDI_read_only)->u.b);
		if (db_set(&x->db, vbd, F_VBD_device, hval_string(d->vdev)) == -1) {
			rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
			return -1;
		}
		c.ndisks++;
	}
	for (i = 0; i < x->db.n[C_VIF] && c.nnics < XL_MAX_DEVICES; i++) {
		struct obj	*vif = x->db.objs[C_VIF][i], *net;

		if (strcmp(db_str(&x->db, vif, F_VIF_VM), vm->ref) != 0)
			continue;
		net = db_find(&x->db, db_str(&x->db, vif, F_VIF_network), REF_LEN);
		c.nics[c.nnics].mac = db_str(&x->db, vif, F_VIF_MAC);
		c.nics[c.nnics++].bridge = net ? db_str(&x->db, net, F_network_bridge) : "";
	}
	buf_init(&b, 64 * 1024);
	if (xlcfg_write(&b, &c, err, sizeof(err)) == -1) {
		buf_free(&b);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, rpc_printf(x, "xl configuration: %s", err));
		return -1;
	}
	if ((f = fopen(path, "w")) == NULL || fwrite(b.p, 1, b.len, f) != b.len ||
	    fclose(f) != 0) {
		buf_free(&b);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, rpc_printf(x, "%s: %s", path, strerror(errno)));
		return -1;
	}
	buf_free(&b);
	return 0;
}

/* A power job's context (park_ctx_part): 0 the VM's ref, 1 the state it ends in, 2 the
   operation, 3 the configuration's path, 4 the operation's key in current_operations,
   5 the suspend image's path ("" but for suspend and resume), 6 the id of the loop's timer
   that ends a clean shutdown or reboot at its deadline ("0" for the others). */

/* The operations that wait for the guest, and so have a deadline. */
static int
waits_for_guest(const char *op)
{
	return strcmp(op, "clean_shutdown") == 0 || strcmp(op, "clean_reboot") == 0;
}

/* The operations that make a domain: their configuration is written first, Xen's free
   memory checked, and the new domain's id asked for after. A hard reboot is one too, once
   its xl destroy has ended the old domain (reboot_destroyed). */
static int
makes_domain(const char *op)
{
	return strcmp(op, "start") == 0 || strcmp(op, "start_paused") == 0 ||
	    strcmp(op, "resume") == 0;
}

/* XAPI's hard reboot (xenopsd's VM.reboot without a timeout) asks nothing of the guest:
   the domain is destroyed and made again from the VM's records, with a new domid. */
static int
is_hard_reboot(const char *op)
{
	return strcmp(op, "hard_reboot") == 0;
}

/* A hard reboot whose old domain is gone failed to make the new one: the VM is Halted,
   as XAPI's event thread finds it once xenopsd's create has failed. */
static void
reboot_lost(struct xapi *x, struct obj *vm)
{
	struct rpc_reply	ignored;

	memset(&ignored, 0, sizeof(ignored));
	vm_set_power(x, vm, "Halted", &ignored);
}

/* The power operation of pk has ended (well or not): the VM may take another, and a
   reconciliation that listed domains while it ran is out of date. */
static struct obj *
operation_ended(struct xapi *x, struct park *pk)
{
	const char	*ref = park_ctx_part(pk, 0);
	struct obj	*vm = db_find(&x->db, ref, strlen(ref));

	x->xen->power_ops++;
	if (x->loop != NULL)
		loop_timer_del(x->loop, atoll(park_ctx_part(pk, 6)));
	if (vm != NULL)
		(void)vm_operation(x, vm, NULL, park_ctx_part(pk, 4));
	return vm;
}

/* The operation is over: the VM takes its new state (with its domain's id, when known). */
static void
power_finish(struct xapi *x, struct park *pk, struct rpc_reply *r, long long domid)
{
	const char	*ref = park_ctx_part(pk, 0), *to = park_ctx_part(pk, 1);
	struct obj	*vm = operation_ended(x, pk);

	if (vm == NULL) {
		rpc_fail(x, r, "HANDLE_INVALID", 2, "VM", ref);
		return;
	}
	if (domid > 0 && db_set(&x->db, vm, F_VM_domid, hval_int(domid)) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	vm_set_power(x, vm, to, r);
	/* xl did it, whatever the records say: a saved image is kept. */
	suspend_power_ended(x, vm, park_ctx_part(pk, 2), 1);
}

/* `xl domid` answered: the new domain's id. */
static void
domid_done(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	const char	*out = pk->job->out.p ? pk->job->out.p : "";
	char		*end;
	long long	 domid = strtoll(out, &end, 10);

	power_finish(x, pk, r, pk->job->status == 0 && end != out ? domid : -1);
}

void
xen_job_failed(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	char	*text = pk->job->out.p ? pk->job->out.p : "";
	size_t	 len = strlen(text);

	if (len > 0 && text[len - 1] == '\n')
		text[len - 1] = '\0';
	rpc_fail(x, r, "INTERNAL_ERROR", 1,
	    rpc_printf(x, "xl failed (exit %d): %s", pk->job->status, text));
}

/* xl finished a power operation: the VM takes its new state, or the call fails with xl's
   own words. A new domain's id is asked for first. */
static void
power_done(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	const char	*op = park_ctx_part(pk, 2), *ref = park_ctx_part(pk, 0);
	struct obj	*vm = db_find(&x->db, ref, strlen(ref));

	if (pk->job->status != 0) {
		(void)operation_ended(x, pk);
		xen_job_failed(x, pk, r);
		if (vm != NULL && is_hard_reboot(op))
			reboot_lost(x, vm);
		if (vm != NULL)
			suspend_power_ended(x, vm, op, 0);
		return;
	}
	if (vm != NULL && (makes_domain(op) || strcmp(op, "clean_reboot") == 0 ||
	    is_hard_reboot(op)) &&
	    park_job(pk, (const char *const[]){ "xl", "domid", db_str(&x->db, vm,
	    F_VM_uuid), NULL }, NULL, domid_done) == 0) {
		r->parked = 1;
		return;
	}
	power_finish(x, pk, r, -1);
}

/* Kills pk's xl, whose operation done then ends once rpc_jobs has reaped it. */
static void
power_stop(struct xapi *x, struct park *pk,
    void (*done)(struct xapi *, struct park *, struct rpc_reply *))
{
	if (pk->job->pid > 0)
		(void)kill(pk->job->pid, SIGKILL);
	pk->job_done = done;
	loop_pending(x->loop);
}

/* A hard shutdown or reboot stopped the operation's xl: its caller hears what
   XAPI's does when VM.hard_shutdown cancels its task (Task.cancel, xenopsd's Cancelled:
   TASK_CANCELLED with the task), and the VM is the hard operation's. A clean xl that had
   ended well before it was killed did the operation; a hard reboot's step did only part
   of it, which the hard shutdown's xl destroy undoes. */
static void
power_cancelled(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	if (pk->job->status == 0 && !is_hard_reboot(park_ctx_part(pk, 2))) {
		power_done(x, pk, r);
		return;
	}
	(void)operation_ended(x, pk);
	rpc_fail(x, r, "TASK_CANCELLED", 1, rpc_printf(x, "%s", park_ctx_part(pk, 4)));
}

/* The guest did not shut down or reboot in time: xenopsd's Failed_to_shutdown, which
   xapi_xenops.ml reports as VM_SHUTDOWN_TIMEOUT with the VM and the timeout as OCaml
   prints a float ("1200."). The domain is left as it is, running. */
static void
power_timed_out(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	if (pk->job->status == 0) {
		power_done(x, pk, r);
		return;
	}
	(void)operation_ended(x, pk);
	rpc_fail(x, r, "VM_SHUTDOWN_TIMEOUT", 2, rpc_printf(x, "%s", park_ctx_part(pk, 0)),
	    rpc_printf(x, "%lld.", x->clean_shutdown_timeout));
}

/* A clean operation's deadline (the timer of id): its xl, if still waiting, is stopped. */
static void
clean_deadline(struct loop *l, long long id, void *arg)
{
	struct xapi	*x = arg;
	struct park	*pk;

	(void)l;
	for (pk = x->parked; pk != NULL; pk = pk->next)
		if (pk->job != NULL && pk->job_done == power_done &&
		    atoll(park_ctx_part(pk, 6)) == id)
			power_stop(x, pk, power_timed_out);
}

static void	reboot_destroyed(struct xapi *, struct park *, struct rpc_reply *);
static void	memory_checked(struct xapi *, struct park *, struct rpc_reply *);

/* Whether pk is a power operation's, at one of its steps (its context is as above). */
static int
power_step(const struct park *pk)
{
	return pk->job != NULL && (pk->job_done == power_done ||
	    pk->job_done == reboot_destroyed || pk->job_done == memory_checked ||
	    pk->job_done == domid_done);
}

/* A hard operation (op) goes ahead of the operations it cancels (allowed_vm_cancels):
   their xl is stopped, whichever step a hard reboot is at, and they fail. Departure:
   XAPI waits for the cancelled tasks to end before it destroys the domain; here xl
   destroy starts at once, the killed xl reaped beside it. */
static void
cancel_for(struct xapi *x, struct obj *vm, const char *op)
{
	struct park	*pk;

	for (pk = x->parked; pk != NULL; pk = pk->next)
		if (power_step(pk) &&
		    strcmp(park_ctx_part(pk, 0), vm->ref) == 0 &&
		    allowed_vm_cancels(op, park_ctx_part(pk, 2)))
			power_stop(x, pk, power_cancelled);
}

/* Starts the xl command of a power operation in pk's context that acts on the domain
   there is; pv_control says whether the guest answers PV shutdown requests. A hard
   reboot's first step is xl destroy. Returns 0 or -1. */
static int
run_op(struct park *pk, const char *uuid, int pv_control)
{
	const char	*op = park_ctx_part(pk, 2);
	const char	*img = park_ctx_part(pk, 5);
	/* -F: a guest without PV drivers gets the ACPI power button instead, and xl waits
	   for its domain to go, as xenopsd shuts down an HVM guest that cannot ack. */
	const char *const shut[] = { "xl", "shutdown", "-F", "-w", uuid, NULL };
	const char *const destroy[] = { "xl", "destroy", uuid, NULL };
	const char *const reboot[] = { "xl", "reboot", "-w", uuid, NULL };
	/* Without PV drivers the reboot is the virtual reset button: the domain stays
	   (there is no shutdown for -w to wait for). */
	const char *const reset[] = { "xl", "reboot", "-F", uuid, NULL };
	const char *const pause[] = { "xl", "pause", uuid, NULL };
	const char *const unpause[] = { "xl", "unpause", uuid, NULL };
	/* xl save destroys the domain once its memory is in the image. */
	const char *const save[] = { "xl", "save", uuid, img, NULL };
	const char *const *argv =
	    strcmp(op, "clean_shutdown") == 0 ? shut : strcmp(op, "hard_shutdown") == 0 ||
	    strcmp(op, "shutdown") == 0 || is_hard_reboot(op) ? destroy :
	    strcmp(op, "pause") == 0 ? pause : strcmp(op, "unpause") == 0 ? unpause :
	    strcmp(op, "suspend") == 0 ? save : pv_control ? reboot : reset;

	return park_job(pk, argv, NULL, is_hard_reboot(op) ? reboot_destroyed : power_done);
}

/* Starts the xl command that makes the domain of pk's operation from the configuration
   just written: xl create for a start or a hard reboot, xl restore from the image for a
   resume (the disks where they are now); paused or not. Returns 0 or -1. */
static int
run_create(struct park *pk)
{
	const char	*to = park_ctx_part(pk, 1);
	const char	*f = park_ctx_part(pk, 3);
	const char	*img = park_ctx_part(pk, 5);
	int		 paused = strcmp(to, "Paused") == 0;
	const char *const create[] = { "xl", "create", f, NULL };
	const char *const create_p[] = { "xl", "create", "-p", f, NULL };
	const char *const restore[] = { "xl", "restore", f, img, NULL };
	const char *const restore_p[] = { "xl", "restore", "-p", f, img, NULL };

	return park_job(pk, strcmp(park_ctx_part(pk, 2), "resume") == 0 ?
	    (paused ? restore_p : restore) : paused ? create_p : create, NULL, power_done);
}

/* Whether the guest of a running HVM domain has PV drivers listening for shutdown
   requests: xenstore's control/feature-shutdown, which they write (libxl's own test). */
static int
pv_control(struct xapi *x, struct obj *vm)
{
	char	path[96], v[16];

	if (allowed_vm_pv_control(x, vm))
		return 1;
	snprintf(path, sizeof(path), "/local/domain/%lld/control/feature-shutdown",
	    (long long)db_get(&x->db, vm, F_VM_domid)->u.i);
	return xsw_read(x, path, v, sizeof(v)) == 0 && strcmp(v, "1") == 0;
}

/* xl info answered: a domain needs its static maximum and a little for Xen's own tables.
   What cannot fit is refused with XAPI's error before xl makes anything. */
static void
memory_checked(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct obj	*vm = db_find(&x->db, park_ctx_part(pk, 0), strlen(park_ctx_part(pk, 0)));
	struct xl_info	 info;
	char		 err[128];
	long long	 need, have;

	if (vm == NULL) {
		(void)operation_ended(x, pk);
		rpc_fail(x, r, "HANDLE_INVALID", 2, "VM", park_ctx_part(pk, 0));
		return;
	}
	need = db_get(&x->db, vm, F_VM_memory_static_max)->u.i;
	if (pk->job->status == 0 &&
	    xl_info_parse(pk->job->out.p ? pk->job->out.p : "", &info, err, sizeof(err)) == 0) {
		have = info.free_memory_mib * MIB;
		if (need + need / 64 > have) {
			(void)operation_ended(x, pk);
			if (is_hard_reboot(park_ctx_part(pk, 2)))
				reboot_lost(x, vm);
			rpc_fail(x, r, "HOST_NOT_ENOUGH_FREE_MEMORY", 2,
			    rpc_printf(x, "%lld", need), rpc_printf(x, "%lld", have));
			return;
		}
	}
	/* Otherwise (or when Xen could not tell) xl create decides, with its own error. */
	if (run_create(pk) == -1) {
		(void)operation_ended(x, pk);
		if (is_hard_reboot(park_ctx_part(pk, 2)))
			reboot_lost(x, vm);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "cannot run xl");
		return;
	}
	r->parked = 1;
}

/* A hard reboot's xl destroy ended: the new domain is made as a start makes it, Xen's
   free memory asked first. A destroy that failed left the domain, and the VM Running. */
static void
reboot_destroyed(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct obj	*vm;

	if (pk->job->status != 0) {
		(void)operation_ended(x, pk);
		xen_job_failed(x, pk, r);
		return;
	}
	if (park_job(pk, (const char *const[]){ "xl", "info", NULL }, NULL,
	    memory_checked) == -1) {
		if ((vm = operation_ended(x, pk)) != NULL)
			reboot_lost(x, vm);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "cannot run xl");
		return;
	}
	r->parked = 1;
}

int
xen_power(struct xapi *x, struct obj *vm, const char *op, const char *to, struct rpc_reply *r,
    struct park *park)
{
	return xen_power_image(x, vm, op, to, NULL, r, park);
}

int
xen_power_image(struct xapi *x, struct obj *vm, const char *op, const char *to,
    const char *image, struct rpc_reply *r, struct park *park)
{
	const char	*uuid = db_str(&x->db, vm, F_VM_uuid);
	char		 path[512], opref[REF_LEN + 1], timer[24];
	long long	 deadline = 0;
	size_t		 len;

	if (park == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "a power operation needs its caller");
		return -1;
	}
	if (image == NULL)
		image = "";
	snprintf(path, sizeof(path), "%s/%s.cfg", x->rundir, uuid);
	/* A hard reboot's configuration is written before its domain goes, so records that
	   cannot make one (a disk's file missing) refuse it with the VM still running. */
	if ((makes_domain(op) || is_hard_reboot(op)) && write_config(x, vm, path, r) == -1)
		return -1;
	/* The operation's key is its task's, as in XAPI; a synchronous call gets its own. */
	if (park->task[0] != '\0')
		memcpy(opref, park->task, sizeof(opref));
	else {
		char	uuid_op[37];

		db_uuid(&x->db, uuid_op);
		snprintf(opref, sizeof(opref), "OpaqueRef:%s", uuid_op);
	}
	/* A clean shutdown or reboot fails at its deadline rather than wait for a guest
	   that ignores it (no OS, a hung one), as XAPI's does. */
	if (waits_for_guest(op) && x->loop != NULL && (deadline = loop_timer(x->loop,
	    x->clean_shutdown_timeout * 1000, clean_deadline, x)) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return -1;
	}
	snprintf(timer, sizeof(timer), "%lld", deadline);
	len = strlen(vm->ref) + strlen(to) + strlen(op) + strlen(path) + strlen(opref) +
	    strlen(image) + strlen(timer) + 7;
	if ((park->ctx = malloc(len)) == NULL || vm_operation(x, vm, op, opref) == -1) {
		if (deadline > 0)
			loop_timer_del(x->loop, deadline);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return -1;
	}
	park->ctxlen = len;
	snprintf(park->ctx, len, "%s%c%s%c%s%c%s%c%s%c%s%c%s", vm->ref, 0, to, 0, op, 0, path,
	    0, opref, 0, image, 0, timer);
	if (strcmp(op, "hard_shutdown") == 0 || strcmp(op, "hard_reboot") == 0)
		cancel_for(x, vm, op);
	/* A new domain first asks Xen for its free memory (memory_checked goes on from there). */
	if (makes_domain(op) ?
	    park_job(park, (const char *const[]){ "xl", "info", NULL }, NULL, memory_checked) :
	    run_op(park, uuid, pv_control(x, vm)) == -1) {
		if (deadline > 0)
			loop_timer_del(x->loop, deadline);
		(void)vm_operation(x, vm, NULL, opref);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "cannot run xl");
		return -1;
	}
	r->parked = 1;
	return 0;
}

/* What a running HVM guest's PV drivers say they can do, into its guest metrics' other
   map as XAPI's guest agent puts it there (xenstore control/feature-*, and
   data/cant_suspend_reason): allowed_operations reads it. Nothing is made for a guest
   that says nothing. */
static void
guest_features(struct xapi *x, struct obj *vm, long long domid)
{
	static const char *const keys[][2] = {
		{ "control/feature-shutdown", "feature-shutdown" },
		{ "control/feature-poweroff", "feature-poweroff" },
		{ "control/feature-reboot", "feature-reboot" },
		{ "control/feature-suspend", "feature-suspend" },
		{ "control/feature-vcpu-hotplug", "feature-vcpu-hotplug" },
		{ "data/cant_suspend_reason", "data-cant-suspend-reason" } };
	const char	*ref = db_str(&x->db, vm, F_VM_guest_metrics);
	struct obj	*gm = db_find(&x->db, ref, strlen(ref));
	struct val	*other, *old;
	char		 path[128], v[256];
	size_t		 i;
	int		 changed = 0;

	if ((other = hval_struct()) == NULL)
		return;
	for (i = 0; i < nitems(keys); i++) {
		snprintf(path, sizeof(path), "/local/domain/%lld/%s", domid, keys[i][0]);
		if (xsw_read(x, path, v, sizeof(v)) == 0 &&
		    hval_put(other, keys[i][1], hval_string(v)) == -1) {
			hval_free(other);
			return;
		}
	}
	old = gm != NULL && gm->cls == C_VM_guest_metrics ?
	    db_get(&x->db, gm, F_VM_guest_metrics_other) : NULL;
	if (old == NULL)
		changed = other->u.st.n > 0;
	else if (old->u.st.n != other->u.st.n)
		changed = 1;
	else
		for (i = 0; i < other->u.st.n && !changed; i++) {
			struct val	*o = hval_get(old, other->u.st.m[i].name,
					    other->u.st.m[i].namelen);

			changed = o == NULL || o->type != VAL_STRING ||
			    strcmp(o->u.s.p, other->u.st.m[i].v->u.s.p) != 0;
		}
	if (!changed) {
		hval_free(other);
		return;
	}
	if (old == NULL && ((gm = db_create(&x->db, C_VM_guest_metrics)) == NULL ||
	    db_set(&x->db, vm, F_VM_guest_metrics, hval_string(gm->ref)) == -1)) {
		hval_free(other);
		return;
	}
	(void)db_set(&x->db, gm, F_VM_guest_metrics_other, other);
}

/* What no power operation of ours did, seen by the reconciliation: a running VM's domain
   crashed (VM_CRASHED), or it runs again under a new domid, rebooted by its guest or
   restarted after a crash (VM_REBOOTED). XAPI's names and priorities. */
static void
unexpected_change(struct xapi *x, struct obj *vm, const char *ps, const struct xl_dom *dom)
{
	long long	 domid = db_get(&x->db, vm, F_VM_domid)->u.i;
	const char	*what, *name = db_str(&x->db, vm, F_VM_name_label);
	char		 body[320];
	size_t		 n = strlen(name);

	if (strcmp(ps, "Running") != 0 && strcmp(ps, "Paused") != 0)
		return;
	what = dom->crashed ? "crashed" : domid > 0 && dom->domid != domid ? "rebooted" : NULL;
	if (what == NULL)
		return;
	/* XAPI's body for its VM messages; a long name cut, on a character's first byte. */
	for (n = n > 200 ? 200 : n; n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80; n--)
		;
	snprintf(body, sizeof(body), "VM '%.*s' (uuid: %s) %s", (int)n, name,
	    db_str(&x->db, vm, F_VM_uuid), what);
	if (dom->crashed)
		(void)message_raise(x, MSG_VM_CRASHED, "VM", db_str(&x->db, vm, F_VM_uuid), body);
	else
		(void)message_raise(x, MSG_VM_REBOOTED, "VM", db_str(&x->db, vm, F_VM_uuid),
		    body);
}

/* The reconciliation: power states from what Xen runs. */
static void
reconcile_done(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct xl_dom	*doms;
	char		 err[128];
	size_t		 i;
	int		 n, d;

	rpc_ok(r, rpc_str(x, ""));
	x->xen->reconciling = 0;
	/* A power operation that ended while xl listed may have been listed half-done. */
	if (x->xen->power_ops_listed != x->xen->power_ops)
		return;
	if (pk->job->status != 0 || (doms = calloc(MAX_DOMAINS, sizeof(*doms))) == NULL)
		return;
	if ((n = xl_list_parse(pk->job->out.p ? pk->job->out.p : "", doms, MAX_DOMAINS, err,
	    sizeof(err))) < 0) {
		free(doms);
		return;
	}
	for (i = 0; i < x->db.n[C_VM]; i++) {
		struct obj	*vm = x->db.objs[C_VM][i];
		const char	*ps = db_str(&x->db, vm, F_VM_power_state), *now = "Halted";

		/* A VM under a power operation is left to it: its domain may be half made. */
		if (db_get(&x->db, vm, F_VM_is_control_domain)->u.b ||
		    db_get(&x->db, vm, F_VM_is_a_template)->u.b ||
		    db_get(&x->db, vm, F_VM_current_operations)->u.st.n > 0)
			continue;
		for (d = 0; d < n; d++)
			if (strcmp(doms[d].name, db_str(&x->db, vm, F_VM_uuid)) == 0) {
				/* A domain shut down (or crashed) but not yet gone counts as
				   gone. */
				now = doms[d].shutdown || doms[d].dying || doms[d].crashed ?
				    "Halted" :
				    doms[d].paused ? "Paused" : "Running";
				break;
			}
		if (d < n)
			unexpected_change(x, vm, ps, &doms[d]);
		if (strcmp(ps, now) != 0 && strcmp(ps, "Suspended") != 0) {
			struct rpc_reply	ignored;

			memset(&ignored, 0, sizeof(ignored));
			vm_set_power(x, vm, now, &ignored);
		}
		if (d < n && db_get(&x->db, vm, F_VM_domid)->u.i != doms[d].domid)
			db_set(&x->db, vm, F_VM_domid, hval_int(doms[d].domid));
		if (d < n && strcmp(now, "Halted") != 0 && strcmp(vm_domain_type(x, vm), "hvm") == 0)
			guest_features(x, vm, doms[d].domid);
	}
	free(doms);
}

int
xen_reconcile(struct xapi *x)
{
	struct park	*pk;

	/* A job nobody waits for: its park answers no one. */
	if ((pk = calloc(1, sizeof(*pk))) == NULL)
		return -1;
	if (park_job(pk, (const char *const[]){ "xl", "list", NULL }, NULL,
	    reconcile_done) == -1) {
		park_free(pk);
		return -1;
	}
	pk->next = x->parked;
	x->parked = pk;
	x->xen->power_ops_listed = x->xen->power_ops;
	x->xen->reconciling = 1;
	x->xen->reconcile_wanted = 0;
	x->xen->reconciled_at = clock_unix();
	return 0;
}

int
xen_new(struct xapi *x)
{
	if ((x->xen = calloc(1, sizeof(*x->xen))) == NULL)
		return -1;
	x->xen->xs_fd = -1;
	x->xen->xs_read_fd = -1;
	return 0;
}

void
xen_free(struct xapi *x)
{
	if (x->xen == NULL)
		return;
	xsw_close(x);
	free(x->xen);
	x->xen = NULL;
}

void
xen_tick(struct xapi *x)
{
	struct xen_state	*xs = x->xen;
	long long		 now = clock_unix();

	/* xenstored's watches say when a domain comes or goes; without them (xenstored
	   unreachable) it is asked once a second. */
	if (xs->xs_fd == -1 && now - xs->reconciled_at >= XEN_RECONCILE_EVERY)
		(void)xsw_open(x);
	if (!xs->reconciling && (xs->reconcile_wanted || xs->xs_fd == -1 ||
	    now - xs->reconciled_at >= XEN_RECONCILE_EVERY))
		(void)xen_reconcile(x);
}
