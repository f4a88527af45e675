#ifndef XAPI_SUSPEND_H
#define XAPI_SUSPEND_H

#include "xapi.h"

/*
 * suspend.c: a VM's memory in a suspend VDI (XAPI's "Suspend image", type suspend): VM.suspend
 * and VM.resume, hard_shutdown of a Suspended VM, and the memory image VM.checkpoint takes.
 */

/* The SR for vm's suspend image, as XAPI chooses it: the VM's suspend_SR, else the pool's
   suspend_image_SR, else the host's suspend_image_sr (the first that is an SR with a
   directory). NULL with r filled (VM_NO_SUSPEND_SR [vm]) when there is none. */
struct obj *suspend_choose_sr(struct xapi *x, struct obj *vm, struct rpc_reply *r);

/* Makes a suspend VDI for vm on sr (NULL: suspend_choose_sr's), as XAPI's suspend makes
   it: "Suspend image", type suspend, memory_static_max * XAPI_SUSPEND_IMAGE_PERCENT / 100
   + XAPI_SUSPEND_IMAGE_EXTRA bytes, sm_config vmhint and initial_allocation; an empty
   sparse file. Returns the VDI (not yet anyone's suspend_VDI), or NULL with r filled and
   nothing made: SR_SUSPEND_SPACE_INSUFFICIENT [sr] when the SR's free space is less than
   that size, VM_NO_SUSPEND_SR, SR_BACKEND_FAILURE. */
struct obj *suspend_vdi_make(struct xapi *x, struct obj *vm, struct obj *sr,
	    struct rpc_reply *r);
/* Destroys a suspend VDI (record and file); the SR's space figures follow. */
void	suspend_vdi_drop(struct xapi *x, struct obj *vdi);

/*
 * The memory image of a checkpoint (VM.checkpoint): makes a suspend VDI for vm on sr (NULL:
 * chosen as VM.suspend chooses) with suspend_vdi_make, and saves the domain's memory into
 * it while the domain stays: on the xen backend `xl save -c <uuid> <file>` (the domain goes
 * on running), or with leave_paused `xl save -p <uuid> <file>` (the domain is left paused,
 * for the caller to snapshot the disks at the same instant and then unpause it); on the sim
 * backend a small image (the VM's uuid and the time) written in-process. vm must be Running
 * with its domain up; no power state, current_operations or suspend_VDI is touched: the
 * caller records the operation and decides whose suspend_VDI the image becomes.
 *
 * pk's context (ctx) is the caller's: it is kept for done, as it was. done(x, pk, r) is
 * called once the image is written: on success r holds the new VDI's ref as its value
 * (rpc_ok, a string); on failure r holds XAPI's error (xl's own words in INTERNAL_ERROR)
 * and nothing is left behind (the VDI and its file are gone). done makes the call's reply
 * in r, or parks it again (r->parked) on another job of pk.
 *
 * Returns 0 when done has been or will be called (xen: r->parked, done runs when xl has
 * finished; sim: done has already run, r is what it made), or -1 with r filled and done
 * not called (SR_SUSPEND_SPACE_INSUFFICIENT, VM_NO_SUSPEND_SR, SR_BACKEND_FAILURE...).
 * It uses pk->job and pk->then while it runs.
 */
int	suspend_save_image(struct xapi *x, struct obj *vm, struct obj *sr, int leave_paused,
	    struct park *pk, struct rpc_reply *r,
	    void (*done)(struct xapi *, struct park *, struct rpc_reply *));

/* xen.c's hook: power operation op of vm has ended, ok or not (the VM in its new state when
   ok). A failed suspend's image goes, with suspend_VDI; so does a resumed one's. */
void	suspend_power_ended(struct xapi *x, struct obj *vm, const char *op, int ok);

/* vm.c's hook, hard_shutdown of a Suspended VM, as XAPI's: the suspend VDI is destroyed,
   suspend_VDI is null, and the VM Halted. r gets the reply. */
void	suspend_discard(struct xapi *x, struct obj *vm, struct rpc_reply *r);

#endif
