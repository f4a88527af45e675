/*
 * What Xen Orchestra asks of the local storage and network when it connects, beyond the
 * records: PBD.plug and PBD.unplug (currently_attached, as Xapi_pbd) and
 * host.get_management_interface. SR.scan is sr_scan.c's.
 */
#include <string.h>

#include "calls.h"
#include "hval.h"
#include "rpc_impl.h"
#include "storage.h"

/* PBD.plug: attaching an attached PBD does nothing, as on XAPI. */
void
call_pbd_plug(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*pbd, *sr;

	(void)s;
	(void)park;
	if ((pbd = rpc_param_ref(x, r, p, 1, C_PBD)) == NULL)
		return;
	if (!db_get(&x->db, pbd, F_PBD_currently_attached)->u.b &&
	    db_set(&x->db, pbd, F_PBD_currently_attached, hval_bool(1)) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	sr = db_find(&x->db, db_str(&x->db, pbd, F_PBD_SR), strlen(db_str(&x->db, pbd, F_PBD_SR)));
	if (sr != NULL)
		storage_account(x, sr);
	rpc_ok(r, rpc_str(x, ""));
}

/* PBD.unplug: refused, as Xapi_pbd.unplug refuses it, with VDI_IN_USE naming the SR's
   VDIs that a VM resident on the PBD's host has attached (a non-empty VBD plugged). */
void
call_pbd_unplug(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*pbd, *vbd, *vm, *vdi;
	const char	*sr, *host, **err;
	size_t		 i, n = 0;

	(void)s;
	(void)park;
	if ((pbd = rpc_param_ref(x, r, p, 1, C_PBD)) == NULL)
		return;
	if (!db_get(&x->db, pbd, F_PBD_currently_attached)->u.b) {
		rpc_ok(r, rpc_str(x, ""));
		return;
	}
	sr = db_str(&x->db, pbd, F_PBD_SR);
	host = db_str(&x->db, pbd, F_PBD_host);
	if ((err = arena_alloc(&x->arena, (x->db.n[C_VBD] + 1) * sizeof(*err))) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	err[n++] = "VDI_IN_USE";
	for (i = 0; i < x->db.n[C_VBD]; i++) {
		vbd = x->db.objs[C_VBD][i];
		if (!db_get(&x->db, vbd, F_VBD_currently_attached)->u.b ||
		    db_get(&x->db, vbd, F_VBD_empty)->u.b)
			continue;
		vm = db_find(&x->db, db_str(&x->db, vbd, F_VBD_VM),
		    strlen(db_str(&x->db, vbd, F_VBD_VM)));
		vdi = db_find(&x->db, db_str(&x->db, vbd, F_VBD_VDI),
		    strlen(db_str(&x->db, vbd, F_VBD_VDI)));
		if (vm != NULL && vdi != NULL &&
		    strcmp(db_str(&x->db, vm, F_VM_resident_on), host) == 0 &&
		    strcmp(db_str(&x->db, vdi, F_VDI_SR), sr) == 0)
			err[n++] = vdi->ref;
	}
	if (n > 1) {
		r->err = err;
		r->nerr = n;
		return;
	}
	if (db_set(&x->db, pbd, F_PBD_currently_attached, hval_bool(0)) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	rpc_ok(r, rpc_str(x, ""));
}

/* host.get_management_interface: the host's PIF with management set; XAPI's Not_found
   (as INTERNAL_ERROR) when it has none. */
void
call_host_get_management_interface(struct xapi *x, struct obj *s, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	struct obj	*host, *pif;
	size_t		 i;

	(void)s;
	(void)park;
	if ((host = rpc_param_ref(x, r, p, 1, C_host)) == NULL)
		return;
	for (i = 0; i < x->db.n[C_PIF]; i++) {
		pif = x->db.objs[C_PIF][i];
		if (db_get(&x->db, pif, F_PIF_management)->u.b &&
		    strcmp(db_str(&x->db, pif, F_PIF_host), host->ref) == 0) {
			rpc_ok(r, rpc_str(x, pif->ref));
			return;
		}
	}
	rpc_fail(x, r, "INTERNAL_ERROR", 1, "Not_found");
}
