#ifndef XAPI_ALLOWED_H
#define XAPI_ALLOWED_H

#include "xapi.h"

/* Why an operation would be refused: XAPI's error code and up to four parameters
   (pointing into the database, static text or the struct itself). */
struct op_error {
	const char	*code;
	int		 n;
	const char	*p[4];
	char		 expected[64];	/* VM_BAD_POWER_STATE's list of states */
	char		 buf[256];	/* a value copied from a record */
};

/* XAPI's check_operation_error for VM operation op ("start", "changing_VCPUs"...):
   0 when it would be accepted now, -1 with e filled. strict is XAPI's: 1 for
   allowed_operations (needs the guest's cooperation advertised), 0 before doing it. */
int	allowed_vm_check(struct xapi *x, struct obj *vm, const char *op, int strict,
	    struct op_error *e);
/* 1 when VM operation op (hard_shutdown, hard_reboot) may start while operation running
   is in progress, cancelling it (XAPI's VM.hard_shutdown and hard_reboot); else 0. */
int	allowed_vm_cancels(const char *op, const char *running);
/* The same for VDI operations ("resize", "copy", "destroy"...). */
int	allowed_vdi_check(struct xapi *x, struct obj *vdi, const char *op, int strict,
	    struct op_error *e);
/* Fills r with e (copied into the arena). */
void	allowed_fail(struct xapi *x, struct rpc_reply *r, const struct op_error *e);
/* 1 when a live VM can be asked to shut down, reboot or suspend itself: not live, booted
   PV or PVH, or with PV drivers (XAPI's implicit support); else 0. */
int	allowed_vm_pv_control(struct xapi *x, struct obj *vm);
/* Recomputes vm's allowed_operations now (0 or -1). */
int	allowed_vm_update(struct xapi *x, struct obj *vm);
/* Recomputes every VM's, VDI's, SR's and host's allowed_operations when the database has
   changed since the last time (the loop's commit hook calls it once a turn). */
void	allowed_refresh(struct xapi *x);

#endif
