/*
 * VM.snapshot, VM.snapshot_with_quiesce, VM.clone, VM.copy and VM.checkpoint, as XAPI's
 * (xapi_vm_snapshot.ml, xapi_vm_clone.ml): each checks the VM, makes its new disks and
 * starts a disk job (snapshot_job.c) that makes the new VM (snapshot_copy.c); a
 * checkpoint of a running VM first saves its memory (suspend.c).
 */
#include <stdio.h>
#include <string.h>

#include "calls.h"
#include "snapshot_impl.h"
#include "suspend.h"

/* The VM of parameter 1 and the new VM's name, parameter 2 (into *name); NULL with r
   filled. */
static struct obj *
vm_and_name(struct xapi *x, struct val *p, const char **name, struct rpc_reply *r)
{
	struct obj	*vm;

	if ((vm = rpc_param_ref(x, r, p, 1, C_VM)) == NULL)
		return NULL;
	if ((*name = rpc_param_str(p, 2)) == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "new_name");
		return NULL;
	}
	return vm;
}

void
call_vm_snapshot(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*vm;
	struct val	*ignore = p->u.a.n > 3 ? p->u.a.items[3] : NULL;
	const char	**parts, *name;
	int		 n = CTX_PAIRS;
	size_t		 i;

	(void)s;
	if ((vm = vm_and_name(x, p, &name, r)) == NULL)
		return;
	/* ignore_vdis: refs only compared with the disks', as XAPI does (an unknown one
	   leaves nothing out). */
	if (ignore != NULL && ignore->type != VAL_ARRAY) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "ignore_vdis");
		return;
	}
	for (i = 0; ignore != NULL && i < ignore->u.a.n; i++)
		if (ignore->u.a.items[i]->type != VAL_STRING) {
			rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "ignore_vdis");
			return;
		}
	if (vm_check(x, vm, "snapshot", r) == -1)
		return;
	if ((parts = snap_new_parts(x, OP_SNAPSHOT, vm->ref, name, park, r)) == NULL)
		return;
	if (snap_make_disks(x, vm, OP_SNAPSHOT, NULL, ignore, parts, &n, r) == -1)
		return;
	snap_start(x, park, r, vm, parts, n);
}

/* VM.snapshot_with_quiesce needs a guest agent's VSS provider; no guest here has one, so
   XAPI's refusal (xapi_vm_snapshot.ml) is all there is. */
void
call_vm_snapshot_with_quiesce(struct xapi *x, struct obj *s, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	struct obj	*vm;
	const char	*name;

	(void)s;
	(void)park;
	if ((vm = vm_and_name(x, p, &name, r)) == NULL)
		return;
	if (vm_check(x, vm, "snapshot_with_quiesce", r) == -1)
		return;
	if (strcmp(db_str(&x->db, vm, F_VM_power_state), "Running") != 0) {
		const char	*ps = db_str(&x->db, vm, F_VM_power_state);

		rpc_fail(x, r, "VM_BAD_POWER_STATE", 3, vm->ref, "running",
		    strcmp(ps, "Halted") == 0 ? "halted" : strcmp(ps, "Paused") == 0 ?
		    "paused" : "suspended");
		return;
	}
	rpc_fail(x, r, "VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED", 1, vm->ref);
}

/* VM.clone and VM.copy: a halted VM (or a suspended snapshot) with its disks. */
static void
clone_vm(struct xapi *x, struct val *p, struct rpc_reply *r, struct park *park,
    enum disk_op op, struct obj *sr)
{
	struct obj	*vm;
	const char	**parts, *name, *ps;
	int		 n = CTX_PAIRS;

	if ((vm = vm_and_name(x, p, &name, r)) == NULL)
		return;
	if (vm_check(x, vm, snap_op_names[op], r) == -1)
		return;
	ps = db_str(&x->db, vm, F_VM_power_state);
	if (strcmp(ps, "Halted") != 0 && !(strcmp(ps, "Suspended") == 0 &&
	    db_get(&x->db, vm, F_VM_is_a_snapshot)->u.b)) {
		rpc_fail(x, r, "VM_BAD_POWER_STATE", 3, vm->ref, "halted",
		    strcmp(ps, "Running") == 0 ? "running" : strcmp(ps, "Paused") == 0 ?
		    "paused" : "suspended");
		return;
	}
	if ((parts = snap_new_parts(x, op, vm->ref, name, park, r)) == NULL)
		return;
	if (snap_make_disks(x, vm, op, sr, NULL, parts, &n, r) == -1)
		return;
	snap_start(x, park, r, vm, parts, n);
}

void
call_vm_clone(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	(void)s;
	clone_vm(x, p, r, park, OP_CLONE, NULL);
}

void
call_vm_copy(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	const char	*ref = rpc_param_str(p, 3);
	struct obj	*sr = NULL;

	(void)s;
	if (ref == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "sr");
		return;
	}
	/* A null SR: each disk is copied into its own SR, as XAPI's Disk_op_copy None. */
	if (strcmp(ref, "OpaqueRef:NULL") != 0 && (sr = rpc_param_ref(x, r, p, 3, C_SR)) == NULL)
		return;
	clone_vm(x, p, r, park, OP_COPY, sr);
}

/* The memory image is saved (r: its VDI, or the failure): the domain is paused on xen
   (xl save -p), so the disks are cloned at the same instant, then it goes on running. */
static void
image_done(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct obj	*vm = snap_subject(x, pk);
	const char	**parts, *image;
	int		 n = snap_ctx_count(pk), k;

	if (r->err != NULL) {
		if (vm != NULL)
			(void)vm_operation(x, vm, NULL, park_ctx_part(pk, CTX_OPREF));
		return;
	}
	image = rpc_printf(x, "%s", r->value->u.s.p);
	memset(r, 0, sizeof(*r));
	if (vm == NULL || (parts = arena_alloc(&x->arena, (size_t)(CTX_PAIRS + 2 *
	    (x->db.n[C_VBD] + 2)) * sizeof(*parts))) == NULL) {
		(void)snap_ctx_set(x, pk, CTX_IMAGE, image);
		snap_finish(x, pk, r, 0);
		return;
	}
	for (k = 0; k < n; k++)
		parts[k] = rpc_printf(x, "%s", park_ctx_part(pk, k));
	parts[CTX_IMAGE] = image;
	parts[CTX_PAUSED] = "1";
	parts[CTX_PAUSED_MS] = rpc_printf(x, "%lld", clock_ms());
	if (snap_make_disks(x, vm, OP_CHECKPOINT, NULL, NULL, parts, &n, r) == -1 ||
	    park_set_ctx(pk, parts, (size_t)n) == -1) {
		const char	*why = r->err != NULL && r->nerr > 3 ? r->err[3] :
		    "out of memory";

		(void)park_set_ctx(pk, parts, CTX_PAIRS);
		(void)snap_ctx_set(x, pk, CTX_ERROR, why);
		memset(r, 0, sizeof(*r));
	} else if (n > CTX_PAIRS) {
		if (snap_start_clone(x, pk) == 0) {
			r->parked = 1;
			return;
		}
		(void)snap_ctx_set(x, pk, CTX_ERROR, "cannot start the clone");
	}
	/* No disks, or no clone: straight to the unpause (xen), or the end. */
	if (x->xen != NULL && snap_unpause(x, pk, vm) == 0) {
		r->parked = 1;
		return;
	}
	if (x->xen == NULL)
		snap_log_pause(x, pk);
	snap_finish(x, pk, r, park_ctx_part(pk, CTX_ERROR)[0] == '\0');
}

/* VM.checkpoint(vm, new_name): a snapshot with the memory too, as XAPI's checkpoint: a
   running VM's memory saved to a suspend VDI (the domain goes on running) that becomes the
   snapshot's suspend_VDI, the snapshot Suspended; reverting to it leaves the VM Suspended,
   for VM.resume to go on from that moment. A suspended VM's image is cloned with its
   disks; a paused one is snapshotted without memory, the snapshot Halted. */
void
call_vm_checkpoint(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*vm;
	const char	**parts, *name, *ps;
	int		 n = CTX_PAIRS;

	(void)s;
	if ((vm = vm_and_name(x, p, &name, r)) == NULL)
		return;
	ps = db_str(&x->db, vm, F_VM_power_state);
	if (strcmp(ps, "Halted") == 0 && !db_get(&x->db, vm, F_VM_is_control_domain)->u.b) {
		rpc_fail(x, r, "VM_BAD_POWER_STATE", 3, vm->ref, "paused, suspended, running",
		    "halted");
		return;
	}
	if (vm_check(x, vm, "checkpoint", r) == -1)
		return;
	if ((parts = snap_new_parts(x, OP_CHECKPOINT, vm->ref, name, park, r)) == NULL)
		return;
	if (strcmp(ps, "Running") != 0) {
		if (snap_make_disks(x, vm, OP_CHECKPOINT, NULL, NULL, parts, &n, r) == -1)
			return;
		snap_start(x, park, r, vm, parts, n);
		return;
	}
	if (park == NULL || park_set_ctx(park, parts, CTX_PAIRS) == -1 ||
	    vm_operation(x, vm, "checkpoint", parts[CTX_OPREF]) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		(void)vm_operation(x, vm, NULL, parts[CTX_OPREF]);
		return;
	}
	if (suspend_save_image(x, vm, NULL, x->xen != NULL, park, r, image_done) == -1)
		(void)vm_operation(x, vm, NULL, parts[CTX_OPREF]);
}
