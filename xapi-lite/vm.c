/*
 * VM lifecycle as XAPI's rules have it (xapi_vm_lifecycle.ml): which operations each power
 * state allows, VM_BAD_POWER_STATE with lower-case states, templates refused, and the
 * records that follow a VM (metrics, residence, domid). The sim backend runs the
 * operations in-process; the xen backend will run them with xl.
 */
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "allowed.h"
#include "calls.h"
#include "disks.h"
#include "hval.h"
#include "rpc_impl.h"
#include "suspend.h"

static void	power(struct xapi *, struct obj *, const char *, const char *,
		    struct rpc_reply *, struct park *);

/* allowed_operations, recomputed from XAPI's table (allowed_ops.c). */
static int
update_allowed(struct xapi *x, struct obj *vm)
{
	return allowed_vm_update(x, vm);
}

int
vm_operation(struct xapi *x, struct obj *vm, const char *op, const char *opref)
{
	struct val	*ops = hval_dup(db_get(&x->db, vm, F_VM_current_operations));

	if (ops == NULL)
		return -1;
	if (op != NULL ? hval_put(ops, opref, hval_string(op)) == -1 :
	    hval_del(ops, opref, strlen(opref)) == -1) {
		hval_free(ops);
		return -1;
	}
	return db_set(&x->db, vm, F_VM_current_operations, ops) == -1 ? -1 :
	    update_allowed(x, vm);
}

int
vm_busy(struct xapi *x, struct obj *vm, struct rpc_reply *r)
{
	struct val	*ops = db_get(&x->db, vm, F_VM_current_operations);

	if (ops->u.st.n == 0)
		return 0;
	rpc_fail(x, r, "OTHER_OPERATION_IN_PROGRESS", 4, "VM", vm->ref,
	    ops->u.st.m[0].v->u.s.p, ops->u.st.m[0].name);
	return -1;
}

int
vm_check(struct xapi *x, struct obj *vm, const char *op, struct rpc_reply *r)
{
	struct op_error	e;
	/* A clean shutdown or reboot asked of a guest that did not say it can goes ahead (the
	   ACPI buttons, as xenopsd does); a suspend or checkpoint it cannot do is refused. */
	int		strict = strcmp(op, "clean_shutdown") != 0 &&
			    strcmp(op, "clean_reboot") != 0 && strcmp(op, "shutdown") != 0;

	if (allowed_vm_check(x, vm, op, strict, &e) == 0)
		return 0;
	allowed_fail(x, r, &e);
	return -1;
}

int
rpc_created(struct xapi *x, struct obj *o, struct rpc_reply *r)
{
	struct obj	*m;
	switch (o->cls) {
	case C_VM:
		/* A VM without a domain has domid -1, as in XAPI (0 is dom0's). */
		if ((m = db_create(&x->db, C_VM_metrics)) == NULL ||
		    db_set(&x->db, o, F_VM_domid, hval_int(-1)) == -1 ||
		    db_set(&x->db, o, F_VM_metrics, hval_string(m->ref)) == -1 ||
		    db_set(&x->db, m, F_VM_metrics_install_time, hval_datetime(clock_unix())) ||
		    update_allowed(x, o) == -1)
			break;
		return 0;
	default:
		return device_created(x, o, r);
	}
	rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
	return -1;
}

int
rpc_changed(struct xapi *x, struct obj *o, struct rpc_reply *r)
{
	if (o->cls != C_VM || update_allowed(x, o) == 0)
		return 0;
	rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
	return -1;
}

int
rpc_destroying(struct xapi *x, struct obj *o, struct rpc_reply *r)
{
	struct obj	*m;
	size_t		 i;
	int		 again;

	if (o->cls != C_VM)
		return device_destroying(x, o, r);
	if (vm_check(x, o, "destroy", r) == -1)
		return -1;
	/* Its children hang off its parent now, as XAPI's VM.destroy rebases them; its
	   snapshots stay (their snapshot_of names it still, as in XAPI). */
	for (i = 0; i < x->db.n[C_VM]; i++)
		if (strcmp(db_str(&x->db, x->db.objs[C_VM][i], F_VM_parent), o->ref) == 0 &&
		    db_set(&x->db, x->db.objs[C_VM][i], F_VM_parent,
		    hval_dup(db_get(&x->db, o, F_VM_parent))) == -1) {
			rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
			return -1;
		}
	/* The VM's devices and metrics go with it; its disks (VDIs) stay. */
	do {
		again = 0;
		for (i = 0; i < x->db.n[C_VBD] && !again; i++)
			if (strcmp(db_str(&x->db, x->db.objs[C_VBD][i], F_VBD_VM), o->ref) == 0)
				db_destroy(&x->db, x->db.objs[C_VBD][i]), again = 1;
		for (i = 0; i < x->db.n[C_VIF] && !again; i++)
			if (strcmp(db_str(&x->db, x->db.objs[C_VIF][i], F_VIF_VM), o->ref) == 0)
				db_destroy(&x->db, x->db.objs[C_VIF][i]), again = 1;
		for (i = 0; i < x->db.n[C_console] && !again; i++)
			if (strcmp(db_str(&x->db, x->db.objs[C_console][i], F_console_VM), o->ref) == 0)
				db_destroy(&x->db, x->db.objs[C_console][i]), again = 1;
	} while (again);
	m = db_find(&x->db, db_str(&x->db, o, F_VM_metrics), REF_LEN);
	if (m != NULL)
		db_destroy(&x->db, m);
	return 0;
}

struct obj *
vm_for(struct xapi *x, struct val *p, struct rpc_reply *r, const char *op)
{
	struct obj	*vm;

	if ((vm = rpc_param_ref(x, r, p, 1, C_VM)) == NULL || vm_check(x, vm, op, r) == -1)
		return NULL;
	return vm;
}

const char *
vm_domain_type(struct xapi *x, struct obj *vm)
{
	const char	*dt = db_str(&x->db, vm, F_VM_domain_type);

	if (strcmp(dt, "unspecified") != 0)
		return dt;
	return db_str(&x->db, vm, F_VM_HVM_boot_policy)[0] != '\0' ? "hvm" : "pv";
}

/* A running VM has a console, as XAPI makes it at start: a text one (vt100) for PV and PVH
   guests, the device model's VNC (rfb) for HVM; reached at its location's /console.
   A halted VM has none. Returns 0 or -1. */
static int
consoles(struct xapi *x, struct obj *vm, int up)
{
	const char	*dt = db_str(&x->db, vm, F_VM_domain_type);
	struct obj	*c;
	size_t		 i;
	int		 hvm;

	for (i = x->db.n[C_console]; i-- > 0;) {
		c = x->db.objs[C_console][i];
		if (strcmp(db_str(&x->db, c, F_console_VM), vm->ref) != 0)
			continue;
		if (up)
			return 0;
		db_destroy(&x->db, c);
	}
	if (!up || db_get(&x->db, vm, F_VM_is_control_domain)->u.b)
		return 0;
	hvm = strcmp(dt, "hvm") == 0 || (strcmp(dt, "unspecified") == 0 &&
	    db_str(&x->db, vm, F_VM_HVM_boot_policy)[0] != '\0');
	if ((c = db_create(&x->db, C_console)) == NULL)
		return -1;
	return db_set(&x->db, c, F_console_VM, hval_string(vm->ref)) == -1 ||
	    db_set(&x->db, c, F_console_protocol, hval_string(hvm ? "rfb" : "vt100")) == -1 ||
	    db_set(&x->db, c, F_console_location, hval_string(rpc_printf(x,
	    "https://%s/console?uuid=%s", db_str(&x->db, x->host, F_host_address),
	    db_str(&x->db, c, F_console_uuid)))) == -1 ? -1 : 0;
}

void
vm_set_power(struct xapi *x, struct obj *vm, const char *ps, struct rpc_reply *r)
{
	struct obj	*m = db_find(&x->db, db_str(&x->db, vm, F_VM_metrics), REF_LEN);
	int		 suspended = strcmp(ps, "Suspended") == 0, fails = 0;
	/* A Suspended VM has no domain (no residence, domid or console), as a Halted one. */
	int		 up = strcmp(ps, "Halted") != 0 && !suspended;

	fails |= db_set(&x->db, vm, F_VM_power_state, hval_string(ps));
	fails |= db_set(&x->db, vm, F_VM_resident_on,
	    hval_string(up ? x->host->ref : "OpaqueRef:NULL"));
	/* The simulated host numbers domains itself; Xen's come from the xen backend. */
	if (up && db_get(&x->db, vm, F_VM_domid)->u.i <= 0 && strcmp(x->backend, "sim") == 0)
		fails |= db_set(&x->db, vm, F_VM_domid, hval_int(++x->sim_domids));
	else if (!up)
		fails |= db_set(&x->db, vm, F_VM_domid, hval_int(-1));
	if (m != NULL) {
		long long	mem = db_get(&x->db, vm, F_VM_memory_dynamic_max)->u.i;
		long long	vcpus = db_get(&x->db, vm, F_VM_VCPUs_at_startup)->u.i;

		fails |= db_set(&x->db, m, F_VM_metrics_memory_actual, hval_int(up ? mem : 0));
		fails |= db_set(&x->db, m, F_VM_metrics_VCPUs_number, hval_int(up ? vcpus : 0));
		fails |= db_set(&x->db, m, F_VM_metrics_last_updated, hval_datetime(clock_unix()));
		fails |= db_set(&x->db, m, F_VM_metrics_current_domain_type,
		    hval_string(up ? vm_domain_type(x, vm) : "unspecified"));
		if (up && strcmp(ps, "Running") == 0)
			fails |= db_set(&x->db, m, F_VM_metrics_start_time,
			    hval_datetime(clock_unix()));
	}
	fails |= update_allowed(x, vm);
	fails |= consoles(x, vm, up);
	/* ...but its devices stay attached, as XAPI keeps them for the resume. */
	if (!suspended)
		device_power(x, vm, up);
	if (fails)
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
	else
		rpc_ok(r, rpc_str(x, ""));
}

void
call_vm_start(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*vm;

	(void)s;
	if (p->u.a.items[2]->type != VAL_BOOL || p->u.a.items[3]->type != VAL_BOOL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "start_paused");
		return;
	}
	if ((vm = vm_for(x, p, r, "start")) != NULL)
		power(x, vm, p->u.a.items[2]->u.b ? "start_paused" : "start",
		    p->u.a.items[2]->u.b ? "Paused" : "Running", r, park);
}

/* Moves vm to power state to by op: at once on the sim backend, by an xl job on xen. */
static void
power(struct xapi *x, struct obj *vm, const char *op, const char *to, struct rpc_reply *r,
    struct park *park)
{
	if (strcmp(x->backend, "xen") == 0)
		(void)xen_power(x, vm, op, to, r, park);
	else
		vm_set_power(x, vm, to, r);
}

/* The transitions that check XAPI's rules for op and move to another state. */
static void
transition(struct xapi *x, struct val *p, struct rpc_reply *r, struct park *park,
    const char *op, const char *to)
{
	struct obj	*vm;

	if ((vm = vm_for(x, p, r, op)) != NULL)
		power(x, vm, op, to, r, park);
}

#define TRANSITION(name, op, to)						\
void										\
name(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,	\
    struct park *park)								\
{										\
	(void)s;								\
	transition(x, p, r, park, op, to);					\
}

TRANSITION(call_vm_clean_shutdown, "clean_shutdown", "Halted")
TRANSITION(call_vm_shutdown, "shutdown", "Halted")
TRANSITION(call_vm_clean_reboot, "clean_reboot", "Running")
TRANSITION(call_vm_hard_reboot, "hard_reboot", "Running")
TRANSITION(call_vm_pause, "pause", "Paused")
TRANSITION(call_vm_unpause, "unpause", "Running")

/* hard_shutdown of a Suspended VM discards its image, as XAPI's does. */
void
call_vm_hard_shutdown(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*vm;

	(void)s;
	if ((vm = vm_for(x, p, r, "hard_shutdown")) == NULL)
		return;
	if (strcmp(db_str(&x->db, vm, F_VM_power_state), "Suspended") == 0)
		suspend_discard(x, vm, r);
	else
		power(x, vm, "hard_shutdown", "Halted", r, park);
}

/* A provisioned template is a VM, as XAPI's provision makes it (xapi_vm.ml). */
static void
provisioned(struct xapi *x, struct obj *vm, struct rpc_reply *r)
{
	if (db_set(&x->db, vm, F_VM_is_a_template, hval_bool(0)) == -1)
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
	else
		rpc_ok(r, rpc_str(x, ""));
}

/* Makes the disks the template lists in other_config:disks: a VDI on the named SR (or the
   pool's default) and a VBD for each; then the list is gone, as XAPI does. */
void
call_vm_provision(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct disk	 disks[DISKS_MAX];
	struct obj	*vm, *srs[DISKS_MAX], *vdi, *vbd;
	struct val	*list;
	const char	*name;
	char		 err[128];
	size_t		 i;
	int		 n, k, fails = 0;

	(void)s;
	(void)park;
	if ((vm = rpc_param_ref(x, r, p, 1, C_VM)) == NULL)
		return;
	if (vm_check(x, vm, "provision", r) == -1)
		return;
	list = hval_get(db_get(&x->db, vm, F_VM_other_config), "disks", 5);
	if (list == NULL) {
		provisioned(x, vm, r);
		return;
	}
	if ((n = disks_parse(list->u.s.p, list->u.s.len, disks, err, sizeof(err))) == -1) {
		rpc_fail(x, r, "INVALID_VALUE", 2, "other_config:disks", err);
		return;
	}
	/* Check every disk before making any. */
	for (k = 0; k < n; k++) {
		srs[k] = disks[k].sr[0] == '\0' ?
		    db_find(&x->db, db_str(&x->db, x->pool, F_pool_default_SR), REF_LEN) :
		    db_find_uuid(&x->db, C_SR, disks[k].sr, strlen(disks[k].sr));
		if (srs[k] == NULL) {
			rpc_fail(x, r, "UUID_INVALID", 2, "SR", disks[k].sr);
			return;
		}
		for (i = 0; i < x->db.n[C_VBD]; i++)
			if (strcmp(db_str(&x->db, x->db.objs[C_VBD][i], F_VBD_VM), vm->ref) == 0 &&
			    strcmp(db_str(&x->db, x->db.objs[C_VBD][i], F_VBD_userdevice),
			    disks[k].device) == 0) {
				rpc_fail(x, r, "DEVICE_ALREADY_EXISTS", 1, disks[k].device);
				return;
			}
	}
	for (k = 0; k < n && !fails; k++) {
		name = rpc_printf(x, "%s %s", db_str(&x->db, vm, F_VM_name_label), disks[k].device);
		if ((vdi = db_create(&x->db, C_VDI)) == NULL ||
		    (vbd = db_create(&x->db, C_VBD)) == NULL) {
			rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
			return;
		}
		fails |= db_set(&x->db, vdi, F_VDI_name_label, hval_string(name));
		fails |= db_set(&x->db, vdi, F_VDI_SR, hval_string(srs[k]->ref));
		fails |= db_set(&x->db, vdi, F_VDI_virtual_size, hval_int(disks[k].size));
		fails |= db_set(&x->db, vdi, F_VDI_type, hval_string(disks[k].type));
		if (!fails && device_created(x, vdi, r) == -1) {
			/* No room for the file: this disk is not made (r says why). */
			db_destroy(&x->db, vbd);
			db_destroy(&x->db, vdi);
			return;
		}
		fails |= db_set(&x->db, vbd, F_VBD_VM, hval_string(vm->ref));
		fails |= db_set(&x->db, vbd, F_VBD_VDI, hval_string(vdi->ref));
		fails |= db_set(&x->db, vbd, F_VBD_userdevice, hval_string(disks[k].device));
		fails |= db_set(&x->db, vbd, F_VBD_bootable, hval_bool(disks[k].bootable));
		fails |= db_set(&x->db, vbd, F_VBD_type, hval_string("Disk"));
	}
	if (fails) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	hval_del(db_get(&x->db, vm, F_VM_other_config), "disks", 5);
	db_touch(&x->db, vm);
	provisioned(x, vm, r);
}

void
call_host_get_servertime(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct val	*v;
	char		 now[20];

	(void)s;
	(void)park;
	if (rpc_param_ref(x, r, p, 1, C_host) == NULL)
		return;
	hval_format_time(clock_unix(), now);
	if ((v = rpc_str(x, rpc_printf(x, "%s", now))) != NULL)
		v->type = VAL_DATETIME;
	rpc_ok(r, v);
}
