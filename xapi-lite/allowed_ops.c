/*
 * allowed_operations as XAPI computes them: one check per class (xapi_vm_lifecycle.ml
 * check_operation_error, xapi_vdi.ml, xapi_sr_operations.ml, xapi_host_helpers.ml) that
 * both refuses an operation with XAPI's error and, run over every operation xapi-lite
 * implements, lists those that would succeed now. allowed_refresh recomputes, once a
 * turn, the lists whose inputs changed since the turn before.
 */
#include <stdio.h>
#include <string.h>

#include "allowed.h"
#include "hval.h"
#include "nitems.h"
#include "rpc_impl.h"

/* The VM operations xapi-lite implements (here or on the snap and susp branches) that
   XAPI lists; XAPI's ignored_ops (shutdown, changing_memory_limits, changing_VCPUs...)
   are checked but never listed. start_on, resume_on, pool_migrate and migrate_send
   are not implemented, so none is listed; nor is
   make_into_template while VM.set_is_a_template is the model's unchecked setter. */
static const char *const vm_listed[] = { "start", "clean_shutdown", "hard_shutdown",
	"clean_reboot", "hard_reboot", "pause", "unpause", "suspend", "resume", "checkpoint",
	"snapshot", "revert", "clone", "copy", "provision", "destroy", "export",
	"changing_static_range", "changing_dynamic_range", "changing_VCPUs_live",
	"changing_shadow_memory", NULL };

enum { HALTED = 1, PAUSED = 2, SUSPENDED = 4, RUNNING = 8 };

/* XAPI's allowed_power_states, for the operations xapi-lite checks. */
static int
power_states(struct xapi *x, struct obj *vm, const char *op)
{
	static const struct {
		const char	*op;
		int		 states;
	} table[] = {
		{ "changing_shadow_memory", HALTED }, { "make_into_template", HALTED },
		{ "provision", HALTED }, { "start", HALTED }, { "start_on", HALTED },
		{ "unpause", PAUSED }, { "resume", SUSPENDED }, { "resume_on", SUSPENDED },
		{ "clean_reboot", RUNNING }, { "clean_shutdown", RUNNING },
		{ "changing_VCPUs_live", RUNNING }, { "pause", RUNNING },
		{ "snapshot_with_quiesce", RUNNING }, { "suspend", RUNNING },
		{ "changing_dynamic_range", HALTED | RUNNING },
		{ "destroy", HALTED | SUSPENDED }, { "export", HALTED | SUSPENDED },
		{ "hard_reboot", PAUSED | RUNNING },
		{ "checkpoint", PAUSED | SUSPENDED | RUNNING },
		{ "shutdown", PAUSED | SUSPENDED | RUNNING },
		{ "hard_shutdown", PAUSED | SUSPENDED | RUNNING },
		{ "revert", HALTED | PAUSED | SUSPENDED | RUNNING },
		{ "snapshot", HALTED | PAUSED | SUSPENDED | RUNNING },
	};
	size_t	i;

	if (strcmp(op, "changing_VCPUs") == 0 || strcmp(op, "changing_static_range") == 0 ||
	    strcmp(op, "changing_memory_limits") == 0)
		return HALTED | (db_get(&x->db, vm, F_VM_is_control_domain)->u.b ? RUNNING : 0);
	/* A snapshot may be cloned while suspended (a checkpoint); other VMs only with
	   the pool's allow_clone_suspended_vm, which xapi-lite does not offer. */
	if (strcmp(op, "clone") == 0 || strcmp(op, "copy") == 0)
		return HALTED | (db_get(&x->db, vm, F_VM_is_a_snapshot)->u.b ? SUSPENDED : 0);
	for (i = 0; i < nitems(table); i++)
		if (strcmp(table[i].op, op) == 0)
			return table[i].states;
	return 0;
}

static int
state_bit(const char *ps)
{
	return strcmp(ps, "Running") == 0 ? RUNNING : strcmp(ps, "Paused") == 0 ? PAUSED :
	    strcmp(ps, "Suspended") == 0 ? SUSPENDED : HALTED;
}

static int
fail(struct op_error *e, const char *code, int n, const char *p0, const char *p1,
    const char *p2, const char *p3)
{
	e->code = code;
	e->n = n;
	e->p[0] = p0;
	e->p[1] = p1;
	e->p[2] = p2;
	e->p[3] = p3;
	return -1;
}

static int
in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* The "1" or "true" of a map's key, as XAPI's bool_of_assoc. */
static int
map_true(const struct val *m, const char *key)
{
	const struct val	*v = hval_get(m, key, strlen(key));

	return v != NULL && v->type == VAL_STRING && (strcmp(v->u.s.p, "1") == 0 ||
	    strcasecmp(v->u.s.p, "true") == 0);
}

/* The VM's guest metrics record, or NULL. */
static struct obj *
guest_metrics(struct xapi *x, struct obj *vm)
{
	const char	*ref = db_str(&x->db, vm, F_VM_guest_metrics);
	struct obj	*g = db_find(&x->db, ref, strlen(ref));

	return g != NULL && g->cls == C_VM_guest_metrics ? g : NULL;
}

static int
has_feature(struct xapi *x, struct obj *gm, const char *feature)
{
	const struct val	*v;

	if (gm == NULL)
		return 0;
	v = hval_get(db_get(&x->db, gm, F_VM_guest_metrics_other), feature, strlen(feature));
	return v != NULL && v->type == VAL_STRING && strcmp(v->u.s.p, "1") == 0;
}

int
allowed_vm_pv_control(struct xapi *x, struct obj *vm)
{
	const char	*ps = db_str(&x->db, vm, F_VM_power_state);
	const char	*ref = db_str(&x->db, vm, F_VM_metrics), *dt;
	struct obj	*m = db_find(&x->db, ref, strlen(ref)), *gm = guest_metrics(x, vm);

	/* Not live, booted PV (XAPI reads VM_metrics.current_domain_type), or with PV
	   drivers reporting their version. */
	if (strcmp(ps, "Running") != 0 && strcmp(ps, "Paused") != 0)
		return 1;
	dt = m != NULL && m->cls == C_VM_metrics ?
	    db_str(&x->db, m, F_VM_metrics_current_domain_type) : "unspecified";
	if (strcmp(dt, "pv") == 0 || strcmp(dt, "pvh") == 0 || strcmp(dt, "pv_in_pvh") == 0)
		return 1;
	return gm != NULL && hval_get(db_get(&x->db, gm, F_VM_guest_metrics_PV_drivers_version),
	    "major", 5) != NULL;
}

/* check_op_for_feature: what an HVM guest without PV drivers cannot do. strict (for
   allowed_operations) needs the guest to have said it would cooperate. */
static int
feature_check(struct xapi *x, struct obj *vm, const char *op, int strict, struct op_error *e)
{
	struct obj		*gm = guest_metrics(x, vm);
	const struct val	*why;
	int			 implicit = allowed_vm_pv_control(x, vm);
	int			 live = state_bit(db_str(&x->db, vm, F_VM_power_state)) &
				    (RUNNING | PAUSED);

	if (live && (strcmp(op, "suspend") == 0 || strcmp(op, "checkpoint") == 0)) {
		why = gm == NULL ? NULL : hval_get(db_get(&x->db, gm, F_VM_guest_metrics_other),
		    "data-cant-suspend-reason", 24);
		if (why != NULL && why->type == VAL_STRING) {
			snprintf(e->buf, sizeof(e->buf), "%s", why->u.s.p);
			return fail(e, "VM_NON_SUSPENDABLE", 2, vm->ref, e->buf, NULL, NULL);
		}
		if (!implicit && strict && !has_feature(x, gm, "feature-suspend"))
			return fail(e, "VM_LACKS_FEATURE", 1, vm->ref, NULL, NULL, NULL);
		return 0;
	}
	if (implicit)
		return 0;
	if ((strcmp(op, "clean_shutdown") == 0 && strict &&
	    !has_feature(x, gm, "feature-shutdown") && !has_feature(x, gm, "feature-poweroff")) ||
	    (strcmp(op, "clean_reboot") == 0 && strict &&
	    !has_feature(x, gm, "feature-shutdown") && !has_feature(x, gm, "feature-reboot")) ||
	    (strcmp(op, "changing_VCPUs_live") == 0 &&
	    !has_feature(x, gm, "feature-vcpu-hotplug")))
		return fail(e, "VM_LACKS_FEATURE", 1, vm->ref, NULL, NULL, NULL);
	return 0;
}

/* XAPI's is_allowed_concurrently, for the overlaps xapi-lite can do: a hard_shutdown
   while no other runs, and a hard_reboot while no hard_shutdown or hard_reboot does,
   each cancelling what it finds (allowed_vm_cancels); and exports side by side (of
   XAPI's long copies, clone, copy and export together), each only reading the disks.
   Departure: XAPI also lets a hard operation run beside anything else (a suspend, a
   snapshot: it cancels the suspend), and clones, copies and snapshots side by side or
   beside an export; xapi-lite refuses those overlaps. */
static int
allowed_concurrently(const char *op, const struct val *cur)
{
	size_t	i;
	int	exports = strcmp(op, "export") == 0;

	for (i = 0; i < cur->u.st.n; i++)
		if (!(exports && strcmp(cur->u.st.m[i].v->u.s.p, "export") == 0) &&
		    !allowed_vm_cancels(op, cur->u.st.m[i].v->u.s.p))
			return 0;
	return 1;
}

int
allowed_vm_cancels(const char *op, const char *running)
{
	/* message_forwarding.ml's VM.hard_shutdown and VM.hard_reboot: the operations
	   they cancel, of those xapi-lite runs as one xl job. */
	static const char *const by_hard_shutdown[] = { "clean_shutdown", "clean_reboot",
		"hard_reboot", "shutdown", NULL };
	static const char *const by_hard_reboot[] = { "clean_shutdown", "clean_reboot",
		NULL };

	return (strcmp(op, "hard_shutdown") == 0 && in_list(by_hard_shutdown, running)) ||
	    (strcmp(op, "hard_reboot") == 0 && in_list(by_hard_reboot, running));
}

/* OTHER_OPERATION_IN_PROGRESS as XAPI's report_concurrent_operations_error: one
   operation and its key, or several as {a,b} and {key1,key2}. */
static int
in_progress(struct op_error *e, struct obj *vm, const struct val *cur)
{
	size_t	i, ol = 1, kl = 1;

	for (i = 0; i < cur->u.st.n; i++) {
		ol += strlen(cur->u.st.m[i].v->u.s.p) + 1;
		kl += strlen(cur->u.st.m[i].name) + 1;
	}
	/* One operation, or more than XAPI's few overlaps: the first stands for them. */
	if (cur->u.st.n == 1 || ol >= sizeof(e->expected) || kl >= sizeof(e->buf))
		return fail(e, "OTHER_OPERATION_IN_PROGRESS", 4, "VM", vm->ref,
		    cur->u.st.m[0].v->u.s.p, cur->u.st.m[0].name);
	for (ol = kl = 0, i = 0; i < cur->u.st.n; i++) {
		ol += (size_t)snprintf(e->expected + ol, sizeof(e->expected) - ol, "%c%s",
		    i ? ',' : '{', cur->u.st.m[i].v->u.s.p);
		kl += (size_t)snprintf(e->buf + kl, sizeof(e->buf) - kl, "%c%s",
		    i ? ',' : '{', cur->u.st.m[i].name);
	}
	memcpy(e->expected + ol, "}", 2);
	memcpy(e->buf + kl, "}", 2);
	return fail(e, "OTHER_OPERATION_IN_PROGRESS", 4, "VM", vm->ref, e->expected, e->buf);
}

int
allowed_vm_check(struct xapi *x, struct obj *vm, const char *op, int strict,
    struct op_error *e)
{
	static const char *const template_ops[] = { "changing_dynamic_range",
		"changing_static_range", "changing_memory_limits", "changing_shadow_memory",
		"changing_VCPUs", "changing_NVRAM", "clone", "copy", "export",
		"metadata_export", "provision", NULL };
	static const char *const snapshot_ops[] = { "revert", "clone", "copy", "export",
		"destroy", "hard_shutdown", "metadata_export", NULL };
	static const char *const names[] = { "halted", "paused", "suspended", "running" };
	const char		*ps = db_str(&x->db, vm, F_VM_power_state);
	const struct val	*blocked, *cur = db_get(&x->db, vm, F_VM_current_operations);
	int			 states, is_template = db_get(&x->db, vm, F_VM_is_a_template)->u.b;
	int			 is_snapshot = db_get(&x->db, vm, F_VM_is_a_snapshot)->u.b;
	size_t			 i, len;

	blocked = hval_get(db_get(&x->db, vm, F_VM_blocked_operations), op, strlen(op));
	if (blocked != NULL && blocked->type == VAL_STRING) {
		snprintf(e->buf, sizeof(e->buf), "%s", blocked->u.s.p);
		return fail(e, "OPERATION_BLOCKED", 2, vm->ref, e->buf, NULL, NULL);
	}
	states = power_states(x, vm, op);
	if (!(states & state_bit(ps))) {
		/* XAPI's list: the expected states in its order, then the actual one. */
		e->expected[0] = '\0';
		for (i = 0; i < 4; i++)
			if (states & (1 << i)) {
				len = strlen(e->expected);
				snprintf(e->expected + len, sizeof(e->expected) - len, "%s%s",
				    len ? ", " : "", names[i]);
			}
		i = state_bit(ps) == RUNNING ? 3 : state_bit(ps) == SUSPENDED ? 2 :
		    state_bit(ps) == PAUSED ? 1 : 0;
		return fail(e, "VM_BAD_POWER_STATE", 3, vm->ref, e->expected, names[i], NULL);
	}
	if (cur->u.st.n > 0 && !allowed_concurrently(op, cur))
		return in_progress(e, vm, cur);
	if (is_template && !is_snapshot && !in_list(template_ops, op) &&
	    !(strcmp(op, "destroy") == 0 && !db_get(&x->db, vm, F_VM_is_default_template)->u.b &&
	    !map_true(db_get(&x->db, vm, F_VM_other_config), "default_template")))
		return fail(e, "VM_IS_TEMPLATE", 2, vm->ref, op, NULL, NULL);
	if (is_snapshot && !in_list(snapshot_ops, op))
		return fail(e, "VM_IS_SNAPSHOT", 2, vm->ref, op, NULL, NULL);
	if (strcmp(op, "provision") == 0 && !is_template)
		return fail(e, "PROVISION_ONLY_ALLOWED_ON_TEMPLATE", 0, NULL, NULL, NULL, NULL);
	if (strcmp(op, "revert") == 0 && !is_snapshot)
		return fail(e, "REVERT_ONLY_ALLOWED_ON_SNAPSHOT", 0, NULL, NULL, NULL, NULL);
	/* Departure: XAPI lets dom0's memory be changed (through Xen's command line, on the
	   next boot); xapi-lite's dom0 is set by the boot options only, so every operation
	   on it is refused as XAPI refuses most. */
	if (db_get(&x->db, vm, F_VM_is_control_domain)->u.b)
		return fail(e, "OPERATION_NOT_ALLOWED", 1,
		    strcmp(op, "changing_VCPUs") == 0 || strcmp(op, "destroy") == 0 ?
		    "This operation is not allowed on dom0" :
		    "This operation is not allowed on a control domain", NULL, NULL, NULL);
	if (feature_check(x, vm, op, strict, e) == -1)
		return -1;
	if (strcmp(op, "snapshot_with_quiesce") == 0)
		return fail(e, "VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED", 1, vm->ref, NULL, NULL,
		    NULL);
	return 0;
}

void
allowed_fail(struct xapi *x, struct rpc_reply *r, const struct op_error *e)
{
	const char	*p[4];
	int		 i;

	/* e's strings may be its own: copy them into the arena. */
	for (i = 0; i < e->n; i++)
		p[i] = rpc_printf(x, "%s", e->p[i]);
	rpc_fail(x, r, e->code, e->n, e->n > 0 ? p[0] : NULL, e->n > 1 ? p[1] : NULL,
	    e->n > 2 ? p[2] : NULL, e->n > 3 ? p[3] : NULL);
}

/* Sets o's allowed_operations to the listed operations that check lets through, only
   when that changes them (an unchanged list makes no event). 0 or -1. */
static int
set_allowed(struct xapi *x, struct obj *o, enum fld f, const char *const *ops,
    int (*check)(struct xapi *, struct obj *, const char *, int, struct op_error *))
{
	const struct val	*old = db_get(&x->db, o, f);
	struct op_error		 e;
	struct val		*a;
	size_t			 n = 0;
	int			 same = 1;

	if ((a = hval_array()) == NULL)
		return -1;
	for (; *ops != NULL; ops++) {
		if (check(x, o, *ops, 1, &e) == -1)
			continue;
		if (hval_push(a, hval_string(*ops)) == -1) {
			hval_free(a);
			return -1;
		}
		same &= old != NULL && old->type == VAL_ARRAY && n < old->u.a.n &&
		    old->u.a.items[n]->type == VAL_STRING &&
		    strcmp(old->u.a.items[n]->u.s.p, *ops) == 0;
		n++;
	}
	if (same && old != NULL && old->type == VAL_ARRAY && old->u.a.n == n) {
		hval_free(a);
		return 0;
	}
	return db_set(&x->db, o, f, a);
}

int
allowed_vm_update(struct xapi *x, struct obj *vm)
{
	return set_allowed(x, vm, F_VM_allowed_operations, vm_listed, allowed_vm_check);
}

/* ---- VDI (xapi_vdi.ml check_operation_error) ---- */

static const char *const vdi_listed[] = { "clone", "copy", "snapshot", "resize", "destroy",
	NULL };

int
allowed_vdi_check(struct xapi *x, struct obj *vdi, const char *op, int strict,
    struct op_error *e)
{
	const struct val	*cur = db_get(&x->db, vdi, F_VDI_current_operations);
	const char		*srref = db_str(&x->db, vdi, F_VDI_SR);
	struct obj		*sr = db_find(&x->db, srref, strlen(srref));
	int			 attached = 0, attached_rw = 0;
	size_t			 i;

	(void)strict;
	for (i = 0; i < cur->u.st.n; i++)
		if (strcmp(cur->u.st.m[i].v->u.s.p, "copy") != 0)
			return fail(e, "OTHER_OPERATION_IN_PROGRESS", 4, "VDI", vdi->ref,
			    cur->u.st.m[i].v->u.s.p, cur->u.st.m[i].name);
	for (i = 0; i < x->db.n[C_VBD]; i++) {
		struct obj	*vbd = x->db.objs[C_VBD][i];

		if (strcmp(db_str(&x->db, vbd, F_VBD_VDI), vdi->ref) != 0 ||
		    !db_get(&x->db, vbd, F_VBD_currently_attached)->u.b)
			continue;
		attached = 1;
		attached_rw |= strcmp(db_str(&x->db, vbd, F_VBD_mode), "RW") == 0;
	}
	/* Snapshots and clones are taken live; a copy needs no writer; the rest no user. */
	if (strcmp(op, "snapshot") != 0 && strcmp(op, "clone") != 0 &&
	    (strcmp(op, "copy") == 0 ? attached_rw : attached))
		return fail(e, "VDI_IN_USE", 2, vdi->ref, op, NULL, NULL);
	/* The ISO library holds uploaded media: no snapshots, clones or resizing (XAPI's
	   ISO SR has no VDI_SNAPSHOT, VDI_CLONE or VDI_RESIZE). */
	if (sr != NULL && strcmp(db_str(&x->db, sr, F_SR_type), "iso") == 0 &&
	    strcmp(op, "copy") != 0 && strcmp(op, "destroy") != 0)
		return fail(e, "SR_OPERATION_NOT_SUPPORTED", 1, sr->ref, NULL, NULL, NULL);
	return 0;
}

/* ---- SR, host, pool ---- */

static const char *const sr_listed[] = { "vdi_create", "vdi_destroy", "vdi_resize",
	"vdi_clone", "vdi_snapshot", NULL };

static int
sr_check(struct xapi *x, struct obj *sr, const char *op, int strict, struct op_error *e)
{
	(void)strict;
	if (strcmp(db_str(&x->db, sr, F_SR_type), "iso") == 0 &&
	    strcmp(op, "vdi_create") != 0 && strcmp(op, "vdi_destroy") != 0)
		return fail(e, "SR_OPERATION_NOT_SUPPORTED", 1, sr->ref, NULL, NULL, NULL);
	return 0;
}

/* Of XAPI's host operations: provision and vm_start (VM.provision and VM.start run
   here), vm_resume (VM.resume), enable, and reboot and shutdown once it is disabled. */
static const char *const host_listed[] = { "provision", "vm_start", "vm_resume", "enable",
	"reboot", "shutdown", NULL };

static int
host_check(struct xapi *x, struct obj *host, const char *op, int strict, struct op_error *e)
{
	(void)strict;
	if (db_get(&x->db, host, F_host_enabled)->u.b &&
	    (strcmp(op, "reboot") == 0 || strcmp(op, "shutdown") == 0))
		return fail(e, "HOST_NOT_DISABLED", 0, NULL, NULL, NULL, NULL);
	return 0;
}

static int
vdi_check(struct xapi *x, struct obj *o, const char *op, int strict, struct op_error *e)
{
	return allowed_vdi_check(x, o, op, strict, e);
}

/* Whether o changed after generation gen. */
static int
changed(const struct obj *o, uint64_t gen)
{
	return o != NULL && o->modified > gen;
}

/* Whether what changed after gen may touch every list: a destroyed object one could
   depend on (a VBD a VDI counted, a VM a snapshot named, a VM's metrics), or an SR, PBD,
   host or pool. Sessions, tasks, consoles and messages come and go touching none. */
static int
changed_widely(struct xapi *x, uint64_t gen)
{
	static const enum cls	 wide[] = { C_SR, C_PBD, C_host, C_pool };
	static const enum cls	 gone[] = { C_VM, C_VM_metrics, C_VM_guest_metrics, C_VBD,
		C_VDI, C_SR, C_PBD, C_host };
	size_t			 i, k;

	for (i = x->db.ntombs; i-- > 0 && x->db.tombs[i].gen > gen;)
		for (k = 0; k < nitems(gone); k++)
			if (x->db.tombs[i].cls == gone[k])
				return 1;
	for (k = 0; k < nitems(wide); k++)
		for (i = 0; i < x->db.n[wide[k]]; i++)
			if (changed(x->db.objs[wide[k]][i], gen))
				return 1;
	return 0;
}

/* The object a ref field of o names, or NULL. */
static struct obj *
named(struct xapi *x, struct obj *o, enum fld f)
{
	const char	*ref = db_str(&x->db, o, f);

	return db_find(&x->db, ref, strlen(ref));
}

void
allowed_refresh(struct xapi *x)
{
	uint64_t	 gen = x->allowed_gen;
	size_t		 i;
	int		 all;

	if (gen == x->db.gen)
		return;
	/* Only the lists whose inputs changed since the last refresh: a VM's follow it, its
	   metrics and guest metrics; a VDI's follow it and the VBDs on it. A login or a
	   task's progress recomputes nothing, whatever the number of VMs. */
	all = changed_widely(x, gen);
	for (i = 0; i < x->db.n[C_VM]; i++) {
		struct obj	*vm = x->db.objs[C_VM][i];

		if (all || changed(vm, gen) || changed(named(x, vm, F_VM_metrics), gen) ||
		    changed(named(x, vm, F_VM_guest_metrics), gen))
			(void)allowed_vm_update(x, vm);
	}
	for (i = 0; i < x->db.n[C_VDI]; i++)
		if (all || changed(x->db.objs[C_VDI][i], gen))
			(void)set_allowed(x, x->db.objs[C_VDI][i], F_VDI_allowed_operations,
			    vdi_listed, vdi_check);
	for (i = 0; !all && i < x->db.n[C_VBD]; i++) {
		struct obj	*vdi = named(x, x->db.objs[C_VBD][i], F_VBD_VDI);

		if (changed(x->db.objs[C_VBD][i], gen) && vdi != NULL && vdi->cls == C_VDI)
			(void)set_allowed(x, vdi, F_VDI_allowed_operations, vdi_listed, vdi_check);
	}
	for (i = 0; all && i < x->db.n[C_SR]; i++)
		(void)set_allowed(x, x->db.objs[C_SR][i], F_SR_allowed_operations, sr_listed,
		    sr_check);
	for (i = 0; all && i < x->db.n[C_host]; i++)
		(void)set_allowed(x, x->db.objs[C_host][i], F_host_allowed_operations,
		    host_listed, host_check);
	/* The pool's operations (HA, clustering, repositories...) are none of ours: its
	   list stays empty. */
	x->allowed_gen = x->db.gen;
}
