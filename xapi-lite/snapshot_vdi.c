/*
 * VDI.snapshot and VDI.clone (xapi_vdi.ml): a disk job (snapshot_job.c) with one pair, the
 * VDI and its new copy.
 */
#include <string.h>

#include "calls.h"
#include "snapshot_impl.h"

/* VDI.snapshot and VDI.clone (vdi, driver_params): a new VDI with vdi's data. */
static void
clone_vdi(struct xapi *x, struct val *p, struct rpc_reply *r, struct park *park,
    enum disk_op op)
{
	struct obj	*vdi, *n, *sr;
	const char	**parts;

	if ((vdi = rpc_param_ref(x, r, p, 1, C_VDI)) == NULL)
		return;
	if (p->u.a.items[2]->type != VAL_STRUCT) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "driver_params");
		return;
	}
	/* The ISO library's SM has neither snapshot nor clone. */
	sr = snap_target(x, vdi, F_VDI_SR);
	if (sr != NULL && strcmp(db_str(&x->db, sr, F_SR_type), "iso") == 0) {
		rpc_fail(x, r, "SR_OPERATION_NOT_SUPPORTED", 1, sr->ref);
		return;
	}
	if ((parts = snap_new_parts(x, op, vdi->ref, "", park, r)) == NULL)
		return;
	if ((n = snap_new_vdi(x, vdi, NULL, op == OP_VDI_SNAPSHOT, r)) == NULL)
		return;
	parts[CTX_PAIRS] = vdi->ref;
	parts[CTX_PAIRS + 1] = n->ref;
	snap_start(x, park, r, NULL, parts, CTX_PAIRS + 2);
}

void
call_vdi_snapshot(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	(void)s;
	clone_vdi(x, p, r, park, OP_VDI_SNAPSHOT);
}

void
call_vdi_clone(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	(void)s;
	clone_vdi(x, p, r, park, OP_VDI_CLONE);
}
