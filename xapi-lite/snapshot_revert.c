/*
 * VM.revert(snapshot), as xapi_vm_snapshot.ml's revert: the snapshot's VM, hard shut down
 * first when it runs, gets clones of the snapshot's disks (a disk job, snapshot_job.c) in
 * place of its own, and the snapshot's settings.
 */
#include <stdio.h>
#include <string.h>

#include "calls.h"
#include "exec.h"
#include "hval.h"
#include "nitems.h"
#include "snapshot_impl.h"

/* The fields revert brings back: all but these (xapi_vm_snapshot.ml's extended_do_not_copy,
   a snapshot here having no snapshot_metadata), and the VM's own metrics. */
static int
revert_keeps(enum fld f)
{
	static const enum fld kept[] = { F_VM_uuid, F_VM_suspend_VDI, F_VM_power_state,
		F_VM_parent, F_VM_current_operations, F_VM_allowed_operations,
		F_VM_guest_metrics, F_VM_resident_on, F_VM_domid, F_VM_protection_policy,
		F_VM_snapshot_schedule, F_VM_scheduled_to_be_resident_on, F_VM_tags,
		F_VM_affinity, F_VM_name_label, F_VM_is_a_snapshot, F_VM_is_a_template,
		F_VM_is_default_template, F_VM_snapshot_of, F_VM_snapshot_time,
		F_VM_transportable_snapshot_id, F_VM_metrics, F_VM_is_control_domain };
	size_t	i;

	for (i = 0; i < nitems(kept); i++)
		if (kept[i] == f)
			return 1;
	return 0;
}

/* The disks are cloned: vm becomes what the snapshot was (update_vifs_vbds_and_vgpus,
   revert_vm_fields, update_parent). 0, or -1 with r filled. */
int
snap_revert_records(struct xapi *x, struct park *pk, struct obj *snap, struct obj *vm,
    struct rpc_reply *r)
{
	size_t		 i, j, ngone = 0;
	struct obj	*old, *susp;
	const char	**gone;
	int		 f, fails = 0, n_parts = snap_ctx_count(pk);
	const char	*ps = db_str(&x->db, snap, F_VM_power_state);

	/* The VM's disks that the snapshot has a copy of go, and its drives and memory image;
	   disks the snapshot has no copy of stay, unattached. Refs first: destroying a disk
	   takes its drives with it. */
	if ((gone = arena_alloc(&x->arena, (x->db.n[C_VBD] + 1) * sizeof(*gone))) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return -1;
	}
	for (i = 0; i < x->db.n[C_VBD]; i++) {
		struct obj	*vbd = x->db.objs[C_VBD][i];

		if (strcmp(db_str(&x->db, vbd, F_VBD_VM), vm->ref) != 0 ||
		    (old = snap_disk_of(x, vbd)) == NULL)
			continue;
		for (j = 0; j < x->db.n[C_VBD]; j++) {
			struct obj	*sv = x->db.objs[C_VBD][j], *sd;

			if (strcmp(db_str(&x->db, sv, F_VBD_VM), snap->ref) == 0 &&
			    (sd = snap_disk_of(x, sv)) != NULL &&
			    strcmp(db_str(&x->db, sd, F_VDI_snapshot_of), old->ref) == 0) {
				gone[ngone++] = rpc_printf(x, "%s", old->ref);
				break;
			}
		}
	}
	snap_drop_devices(x, vm, C_VBD, F_VBD_VM);
	for (i = 0; i < ngone; i++)
		snap_remove_vdi(x, gone[i]);
	if ((susp = snap_target(x, vm, F_VM_suspend_VDI)) != NULL && susp->cls == C_VDI)
		snap_remove_vdi(x, susp->ref);
	/* The snapshots of each reverted disk now hang off its new copy. */
	for (i = CTX_PAIRS; i + 1 < (size_t)n_parts; i += 2) {
		const char	*sref = park_ctx_part(pk, (int)i);
		struct obj	*sd = db_find(&x->db, sref, strlen(sref));
		const char	*was;

		if (sd == NULL || (strcmp(park_ctx_part(pk, CTX_SUSPEND), "1") == 0 &&
		    (int)i == n_parts - 2))
			continue;
		was = rpc_printf(x, "%s", db_str(&x->db, sd, F_VDI_snapshot_of));
		for (j = 0; j < x->db.n[C_VDI]; j++)
			if (strcmp(db_str(&x->db, x->db.objs[C_VDI][j], F_VDI_snapshot_of), was) == 0)
				fails |= db_set(&x->db, x->db.objs[C_VDI][j], F_VDI_snapshot_of,
				    hval_string(park_ctx_part(pk, (int)i + 1)));
	}
	snap_drop_devices(x, vm, C_VIF, F_VIF_VM);
	if (snap_copy_devices(x, pk, snap, vm, 1, r) == -1)
		return -1;
	for (f = x->db.first[C_VM]; f < x->db.first[C_VM] + x->db.nfields[C_VM]; f++)
		if (model_fields[f].kind != K_DERIVED && !revert_keeps((enum fld)f))
			fails |= db_set(&x->db, vm, (enum fld)f, hval_dup(db_get(&x->db, snap, f)));
	fails |= db_set(&x->db, vm, F_VM_ha_always_run, hval_bool(0));
	fails |= db_set(&x->db, vm, F_VM_parent, hval_string(snap->ref));
	fails |= db_set(&x->db, vm, F_VM_suspend_VDI, hval_string(
	    strcmp(park_ctx_part(pk, CTX_SUSPEND), "1") == 0 ?
	    park_ctx_part(pk, n_parts - 1) : "OpaqueRef:NULL"));
	if (fails) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return -1;
	}
	/* The VM takes the snapshot's power state: Halted, or Suspended for a checkpoint
	   (left to VM.resume, as XAPI does). */
	return snap_set_state(x, vm, ps, r);
}

/* The hard shutdown before a revert (xen): the domain is gone; the revert goes on. */
static void
revert_shut(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct obj	*snap = snap_subject(x, pk), *vm;

	vm = snap != NULL ? snap_target(x, snap, F_VM_snapshot_of) : NULL;

	if (pk->job->status != 0 || vm == NULL) {
		snap_xl_failed(x, pk, "destroy");
		snap_finish(x, pk, r, 0);
		return;
	}
	vm_set_power(x, vm, "Halted", r);
	memset(r, 0, sizeof(*r));
	snap_clone_files(x, pk, r);
}

/* VM.revert(snapshot): the snapshot's VM, hard shut down first when it runs, gets clones
   of the snapshot's disks in place of its own, and the snapshot's settings. The clones are
   made before the old disks go (XAPI frees the old ones first): a failure leaves the VM
   as it was. */
void
call_vm_revert(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*snap, *vm;
	const char	**parts, *ps;
	int		 n = CTX_PAIRS;

	(void)s;
	if ((snap = rpc_param_ref(x, r, p, 1, C_VM)) == NULL || vm_check(x, snap, "revert", r) == -1)
		return;
	if ((vm = snap_target(x, snap, F_VM_snapshot_of)) == NULL || vm->cls != C_VM) {
		/* Departure: XAPI makes a new VM from the snapshot's metadata here. */
		rpc_fail(x, r, "VM_REVERT_FAILED", 2, snap->ref, db_str(&x->db, snap,
		    F_VM_snapshot_of));
		return;
	}
	if (vm_busy(x, vm, r) == -1)
		return;
	if ((parts = snap_new_parts(x, OP_REVERT, snap->ref, "", park, r)) == NULL)
		return;
	if (snap_make_disks(x, snap, OP_REVERT, NULL, NULL, parts, &n, r) == -1)
		return;
	ps = db_str(&x->db, vm, F_VM_power_state);
	if (strcmp(ps, "Running") != 0 && strcmp(ps, "Paused") != 0) {
		snap_start(x, park, r, vm, parts, n);
		return;
	}
	if (x->xen == NULL) {
		vm_set_power(x, vm, "Halted", r);
		memset(r, 0, sizeof(*r));
		snap_start(x, park, r, vm, parts, n);
		return;
	}
	if (park == NULL || park_set_ctx(park, parts, (size_t)n) == -1 ||
	    vm_operation(x, vm, "revert", parts[CTX_OPREF]) == -1 ||
	    park_job(park, (const char *const[]){ "xl", "destroy", db_str(&x->db,
	    vm, F_VM_uuid), NULL }, NULL, revert_shut) == -1) {
		(void)vm_operation(x, vm, NULL, parts[CTX_OPREF]);
		snap_remove_new_vdis(x, parts, n);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "cannot run xl");
		return;
	}
	r->parked = 1;
}
