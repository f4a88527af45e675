/*
 * Suspend and resume as XAPI does them (xapi_xenops.ml suspend, resume): the VM's memory goes
 * into a suspend VDI on its suspend SR, the domain goes, and the VM is Suspended with
 * suspend_VDI set; resume makes the domain again from the image, then destroys the image.
 * The xen backend runs them as xen.c's power operations (xl save, xl restore); the sim
 * writes and checks a small image file. Also hard_shutdown of a Suspended VM (the image is
 * discarded) and the memory image VM.checkpoint takes (suspend.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "calls.h"
#include "exec.h"
#include "hval.h"
#include "rpc_impl.h"
#include "storage.h"
#include "suspend.h"
#include "xapi_limits.h"

/* The sim backend's image: this line, then the VM's uuid and the time it was saved. */
#define SIM_IMAGE_MAGIC	"atoll simulated suspend image 1\n"
#define SIM_IMAGE_MAX	256

/* The object of class c that ref field f of o names, or NULL. */
static struct obj *
target(struct xapi *x, struct obj *o, enum fld f, enum cls c)
{
	const char	*ref = db_str(&x->db, o, f);
	struct obj	*t = db_find(&x->db, ref, strlen(ref));

	return t != NULL && t->cls == c ? t : NULL;
}

struct obj *
suspend_choose_sr(struct xapi *x, struct obj *vm, struct rpc_reply *r)
{
	struct obj	*srs[3];
	int		 i;

	srs[0] = target(x, vm, F_VM_suspend_SR, C_SR);
	srs[1] = target(x, x->pool, F_pool_suspend_image_SR, C_SR);
	srs[2] = target(x, x->host, F_host_suspend_image_sr, C_SR);
	/* XAPI takes the first that exists and the host can see: here, one with a directory. */
	for (i = 0; i < 3; i++)
		if (srs[i] != NULL && sr_dir(x, srs[i]) != NULL)
			return srs[i];
	rpc_fail(x, r, "VM_NO_SUSPEND_SR", 1, vm->ref);
	return NULL;
}

/* XAPI's size of a suspend image: the static maximum with 26% for the save format's own
   records and a fixed margin (static_max * 1.2 * 1.05 + 100 MiB), LLONG_MAX past range. */
static long long
image_size(long long static_max)
{
	long long	m = static_max < 0 ? 0 : static_max;

	if (m / 100 >= (LLONG_MAX - XAPI_SUSPEND_IMAGE_EXTRA) / XAPI_SUSPEND_IMAGE_PERCENT - 1)
		return LLONG_MAX;
	return m / 100 * XAPI_SUSPEND_IMAGE_PERCENT +
	    m % 100 * XAPI_SUSPEND_IMAGE_PERCENT / 100 + XAPI_SUSPEND_IMAGE_EXTRA;
}

struct obj *
suspend_vdi_make(struct xapi *x, struct obj *vm, struct obj *sr, struct rpc_reply *r)
{
	struct statvfs	 sv;
	struct obj	*vdi;
	struct val	*smc;
	const char	*dir;
	long long	 need = image_size(db_get(&x->db, vm, F_VM_memory_static_max)->u.i);
	int		 fails = 0;

	if (sr == NULL && (sr = suspend_choose_sr(x, vm, r)) == NULL)
		return NULL;
	if ((dir = sr_dir(x, sr)) == NULL) {
		rpc_fail(x, r, "SR_BACKEND_FAILURE", 3, "ENODIR", "",
		    "the SR has no directory (PBD device_config:location)");
		return NULL;
	}
	if (statvfs(dir, &sv) == -1) {
		rpc_fail(x, r, "SR_BACKEND_FAILURE", 3, rpc_printf(x, "%d", errno), "",
		    rpc_printf(x, "statvfs %s: %s", dir, strerror(errno)));
		return NULL;
	}
	/* The file is sparse, so making it would not fail for room: the image would, later,
	   with the domain half saved. XAPI's answer when the SR is full comes first. */
	if ((unsigned long long)need > (unsigned long long)sv.f_bavail * sv.f_frsize) {
		rpc_fail(x, r, "SR_SUSPEND_SPACE_INSUFFICIENT", 1, sr->ref);
		return NULL;
	}
	if ((vdi = db_create(&x->db, C_VDI)) == NULL || (smc = hval_struct()) == NULL) {
		if (vdi != NULL)
			db_destroy(&x->db, vdi);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return NULL;
	}
	fails |= hval_put(smc, "vmhint", hval_string(db_str(&x->db, vm, F_VM_uuid)));
	fails |= hval_put(smc, "initial_allocation", hval_string(rpc_printf(x, "%lld", need)));
	fails |= db_set(&x->db, vdi, F_VDI_sm_config, smc);
	fails |= db_set(&x->db, vdi, F_VDI_name_label, hval_string("Suspend image"));
	fails |= db_set(&x->db, vdi, F_VDI_name_description, hval_string("Suspend image"));
	fails |= db_set(&x->db, vdi, F_VDI_SR, hval_string(sr->ref));
	fails |= db_set(&x->db, vdi, F_VDI_virtual_size, hval_int(need));
	fails |= db_set(&x->db, vdi, F_VDI_type, hval_string("suspend"));
	if (fails) {
		db_destroy(&x->db, vdi);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return NULL;
	}
	if (device_created(x, vdi, r) == -1) {
		db_destroy(&x->db, vdi);
		return NULL;
	}
	return vdi;
}

void
suspend_vdi_drop(struct xapi *x, struct obj *vdi)
{
	struct obj	*sr = target(x, vdi, F_VDI_SR, C_SR);

	storage_vdi_remove(x, vdi);
	db_destroy(&x->db, vdi);
	if (sr != NULL)
		storage_account(x, sr);
}

/* The sim's image of the VM with uuid into the VDI's file at path. Returns 0, or -1 with
   errno set. */
static int
sim_image_write(const char *path, const char *uuid)
{
	char	text[SIM_IMAGE_MAX];
	int	n, fd, e;

	n = snprintf(text, sizeof(text), "%svm %s\ntime %lld\n", SIM_IMAGE_MAGIC, uuid,
	    clock_unix());
	if (n < 0 || (size_t)n >= sizeof(text)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	if (pwrite(fd, text, (size_t)n, 0) != n) {
		e = errno;
		close(fd);
		errno = e ? e : EIO;
		return -1;
	}
	return close(fd);
}

/* Whether the file at path holds the sim's image of the VM with uuid. Returns 0, or -1
   with errno set: ENOENT when the file is gone, EINVAL when it holds something else. */
static int
sim_image_check(const char *path, const char *uuid)
{
	char	got[SIM_IMAGE_MAX], want[SIM_IMAGE_MAX];
	ssize_t	n;
	int	fd, len;

	len = snprintf(want, sizeof(want), "%svm %s\n", SIM_IMAGE_MAGIC, uuid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = pread(fd, got, sizeof(got), 0);
	close(fd);
	if (len < 0 || (size_t)len >= sizeof(want) || n < len || memcmp(got, want, (size_t)len)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* The VM forgets its image: suspend_VDI is null and the VDI, if any, is destroyed. */
static void
forget_image(struct xapi *x, struct obj *vm)
{
	struct obj	*vdi = target(x, vm, F_VM_suspend_VDI, C_VDI);

	(void)db_set(&x->db, vm, F_VM_suspend_VDI, hval_string("OpaqueRef:NULL"));
	if (vdi != NULL)
		suspend_vdi_drop(x, vdi);
}

void
call_vm_suspend(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*vm, *vdi, *sr;
	char		 path[512];

	(void)s;
	if ((vm = vm_for(x, p, r, "suspend")) == NULL)
		return;
	if ((vdi = suspend_vdi_make(x, vm, NULL, r)) == NULL)
		return;
	if (vdi_path(x, vdi, path, sizeof(path)) == -1 ||
	    db_set(&x->db, vm, F_VM_suspend_VDI, hval_string(vdi->ref)) == -1) {
		suspend_vdi_drop(x, vdi);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	if (strcmp(x->backend, "xen") == 0) {
		/* suspend_power_ended forgets the image if xl save fails. */
		if (xen_power_image(x, vm, "suspend", "Suspended", path, r, park) == -1)
			forget_image(x, vm);
		return;
	}
	if (sim_image_write(path, db_str(&x->db, vm, F_VM_uuid)) == -1) {
		rpc_fail(x, r, "SR_BACKEND_FAILURE", 3, rpc_printf(x, "%d", errno), "",
		    rpc_printf(x, "write %s: %s", path, strerror(errno)));
		forget_image(x, vm);
		return;
	}
	if ((sr = target(x, vdi, F_VDI_SR, C_SR)) != NULL)
		storage_account(x, sr);
	vm_set_power(x, vm, "Suspended", r);
}

/* Resumes a Suspended vm from its image, into Paused or Running. */
static void
resume(struct xapi *x, struct obj *vm, int paused, struct rpc_reply *r, struct park *park)
{
	struct obj	*vdi = target(x, vm, F_VM_suspend_VDI, C_VDI);
	const char	*to = paused ? "Paused" : "Running";
	char		 path[512];

	/* XAPI: a Suspended VM without its image cannot come back; it is Halted. */
	if (vdi == NULL) {
		struct rpc_reply	ignored;

		memset(&ignored, 0, sizeof(ignored));
		forget_image(x, vm);
		vm_set_power(x, vm, "Halted", &ignored);
		rpc_fail(x, r, "VM_HAS_NO_SUSPEND_VDI", 2, "VM", vm->ref);
		return;
	}
	if (vdi_path(x, vdi, path, sizeof(path)) == -1 || access(path, F_OK) == -1) {
		rpc_fail(x, r, "VDI_MISSING", 2, db_str(&x->db, vdi, F_VDI_SR), vdi->ref);
		return;
	}
	if (strcmp(x->backend, "xen") == 0) {
		/* suspend_power_ended destroys the image once the domain is back. */
		(void)xen_power_image(x, vm, "resume", to, path, r, park);
		return;
	}
	if (sim_image_check(path, db_str(&x->db, vm, F_VM_uuid)) == -1) {
		if (errno == ENOENT)
			rpc_fail(x, r, "VDI_MISSING", 2, db_str(&x->db, vdi, F_VDI_SR), vdi->ref);
		else
			rpc_fail(x, r, "INTERNAL_ERROR", 1, rpc_printf(x,
			    "the suspend VDI %s holds no image of this VM", vdi->ref));
		return;
	}
	forget_image(x, vm);
	vm_set_power(x, vm, to, r);
}

/* What VM.resume and VM.resume_on share: start_paused and force at parameters i and i + 1,
   then the VM (parameter 1) checked for op, then the resume. force skips XAPI's CPU
   compatibility check, which a single host does not need. */
static void
resume_call(struct xapi *x, struct val *p, size_t i, const char *op, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*vm;

	if (p->u.a.items[i]->type != VAL_BOOL || p->u.a.items[i + 1]->type != VAL_BOOL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1,
		    p->u.a.items[i]->type != VAL_BOOL ? "start_paused" : "force");
		return;
	}
	if ((vm = vm_for(x, p, r, op)) != NULL)
		resume(x, vm, p->u.a.items[i]->u.b, r, park);
}

/* VM.resume(vm, start_paused, force). */
void
call_vm_resume(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	(void)s;
	resume_call(x, p, 2, "resume", r, park);
}

/* VM.resume_on(vm, host, start_paused, force): the one host is this one. */
void
call_vm_resume_on(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	(void)s;
	if (rpc_param_ref(x, r, p, 2, C_host) != NULL)
		resume_call(x, p, 3, "resume_on", r, park);
}

void
suspend_power_ended(struct xapi *x, struct obj *vm, const char *op, int ok)
{
	struct obj	*vdi = target(x, vm, F_VM_suspend_VDI, C_VDI), *sr;

	if ((strcmp(op, "suspend") == 0 && !ok) || (strcmp(op, "resume") == 0 && ok))
		forget_image(x, vm);
	else if (strcmp(op, "suspend") == 0 && vdi != NULL &&
	    (sr = target(x, vdi, F_VDI_SR, C_SR)) != NULL)
		storage_account(x, sr);
}

void
suspend_discard(struct xapi *x, struct obj *vm, struct rpc_reply *r)
{
	forget_image(x, vm);
	vm_set_power(x, vm, "Halted", r);
}

/* A checkpoint image's context, in front of the caller's (park_ctx_part): 0 the VM's ref,
   1 the image's VDI. */

/* Size of the checkpoint's own part of pk's context. */
static size_t
own_ctx_len(const struct park *pk)
{
	return strlen(park_ctx_part(pk, 0)) + 1 + strlen(park_ctx_part(pk, 1)) + 1;
}

/* `xl save -c` (or -p) has finished: the caller's done gets the VDI, or the error with the
   VDI gone; its context is as it was. */
static void
image_saved(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	void		(*done)(struct xapi *, struct park *, struct rpc_reply *) = pk->then;
	const char	*ref = park_ctx_part(pk, 1);
	struct obj	*vdi = db_find(&x->db, ref, strlen(ref)), *sr;
	size_t		 own = own_ctx_len(pk);

	if (vdi != NULL && vdi->cls != C_VDI)
		vdi = NULL;
	if (pk->job->status != 0) {
		xen_job_failed(x, pk, r);
		if (vdi != NULL)
			suspend_vdi_drop(x, vdi);
	} else if (vdi == NULL)
		rpc_fail(x, r, "HANDLE_INVALID", 2, "VDI", ref);
	else {
		if ((sr = target(x, vdi, F_VDI_SR, C_SR)) != NULL)
			storage_account(x, sr);
		rpc_ok(r, rpc_str(x, rpc_printf(x, "%s", vdi->ref)));
	}
	/* The caller's context back where it was. */
	memmove(pk->ctx, pk->ctx + own, pk->ctxlen - own);
	pk->ctxlen -= own;
	if (pk->ctxlen == 0) {
		free(pk->ctx);
		pk->ctx = NULL;
	}
	pk->then = NULL;
	done(x, pk, r);
}

int
suspend_save_image(struct xapi *x, struct obj *vm, struct obj *sr, int leave_paused,
    struct park *pk, struct rpc_reply *r,
    void (*done)(struct xapi *, struct park *, struct rpc_reply *))
{
	struct obj	*vdi;
	const char	*uuid = db_str(&x->db, vm, F_VM_uuid);
	char		 path[512], *ctx;
	size_t		 own, len;

	if (pk == NULL || done == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "a checkpoint image needs its caller");
		return -1;
	}
	if ((vdi = suspend_vdi_make(x, vm, sr, r)) == NULL)
		return -1;
	if (vdi_path(x, vdi, path, sizeof(path)) == -1) {
		suspend_vdi_drop(x, vdi);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "the suspend VDI has no file");
		return -1;
	}
	if (strcmp(x->backend, "xen") != 0) {
		if (sim_image_write(path, uuid) == -1) {
			rpc_fail(x, r, "SR_BACKEND_FAILURE", 3, rpc_printf(x, "%d", errno), "",
			    rpc_printf(x, "write %s: %s", path, strerror(errno)));
			suspend_vdi_drop(x, vdi);
			return -1;
		}
		if ((sr = target(x, vdi, F_VDI_SR, C_SR)) != NULL)
			storage_account(x, sr);
		rpc_ok(r, rpc_str(x, rpc_printf(x, "%s", vdi->ref)));
		done(x, pk, r);
		return 0;
	}
	/* Our part of the context goes in front of the caller's, which image_saved restores. */
	own = strlen(vm->ref) + 1 + strlen(vdi->ref) + 1;
	len = own + (pk->ctx != NULL ? pk->ctxlen : 0);
	if ((ctx = malloc(len)) == NULL) {
		suspend_vdi_drop(x, vdi);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return -1;
	}
	snprintf(ctx, own, "%s%c%s", vm->ref, 0, vdi->ref);
	ctx[own - 1] = '\0';
	if (pk->ctx != NULL)
		memcpy(ctx + own, pk->ctx, pk->ctxlen);
	if (park_job(pk, (const char *const[]){ "xl", "save", leave_paused ? "-p" : "-c",
	    uuid, path, NULL }, NULL, image_saved) == -1) {
		free(ctx);
		suspend_vdi_drop(x, vdi);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "cannot run xl");
		return -1;
	}
	free(pk->ctx);
	pk->ctx = ctx;
	pk->ctxlen = len;
	pk->then = done;
	r->parked = 1;
	return 0;
}
