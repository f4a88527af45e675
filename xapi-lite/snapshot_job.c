/*
 * The disk job behind every snapshot, clone, copy and revert (xapi_vm_clone.ml,
 * xapi_vm_snapshot.ml, xapi_vdi.ml): the new VDIs' records and files are made first, one
 * child clones every file (clone.c: a reflink where the SR can), and only then are the
 * records made (snapshot_copy.c, snapshot_revert.c); a failure at any step removes what
 * was made. A running VM on the xen backend is paused for the clone (crash-consistent, as
 * XAPI's snapshot is) and the pause is measured. The job's state is its park's context.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "hval.h"
#include "log.h"
#include "nitems.h"
#include "snapshot_impl.h"
#include "storage.h"

const char *const snap_op_names[] = { "snapshot", "clone", "copy", "revert",
	"vdi_snapshot", "vdi_clone", "checkpoint" };

/* The object a ref field of o points at, or NULL. */
struct obj *
snap_target(struct xapi *x, const struct obj *o, enum fld f)
{
	const char	*ref = db_str(&x->db, o, f);

	return db_find(&x->db, ref, strlen(ref));
}

int
snap_ctx_count(const struct park *pk)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < pk->ctxlen; i++)
		n += pk->ctx[i] == '\0';
	return n;
}

/* Replaces part i of pk's context. 0 or -1. */
int
snap_ctx_set(struct xapi *x, struct park *pk, int i, const char *value)
{
	int		 n = snap_ctx_count(pk), k;
	const char	**parts;

	if ((parts = arena_alloc(&x->arena, (size_t)n * sizeof(*parts))) == NULL)
		return -1;
	for (k = 0; k < n; k++)
		parts[k] = k == i ? value : arena_strndup(&x->arena, park_ctx_part(pk, k),
		    strlen(park_ctx_part(pk, k)));
	for (k = 0; k < n; k++)
		if (parts[k] == NULL)
			return -1;
	return park_set_ctx(pk, parts, (size_t)n);
}

/* Removes a VDI made for the job, with its file (its drives go too). */
void
snap_remove_vdi(struct xapi *x, const char *ref)
{
	struct obj	*vdi = db_find(&x->db, ref, strlen(ref));
	struct rpc_reply ignored;

	if (vdi == NULL || vdi->cls != C_VDI)
		return;
	memset(&ignored, 0, sizeof(ignored));
	if (device_destroying(x, vdi, &ignored) == 0)
		db_destroy(&x->db, vdi);
}

/* A new VDI like src (in sr; NULL: src's), with its file, for a disk job; NULL with r
   filled. A snapshot is marked as XAPI's VDI.snapshot marks it. */
struct obj *
snap_new_vdi(struct xapi *x, struct obj *src, struct obj *sr, int snapshot, struct rpc_reply *r)
{
	static const enum fld copied[] = { F_VDI_name_label, F_VDI_name_description,
		F_VDI_virtual_size, F_VDI_type, F_VDI_sharable, F_VDI_read_only,
		F_VDI_other_config, F_VDI_xenstore_data, F_VDI_sm_config };
	struct obj	*n;
	size_t		 i;

	if ((n = db_create(&x->db, C_VDI)) == NULL)
		goto oom;
	for (i = 0; i < nitems(copied); i++)
		if (db_set(&x->db, n, copied[i], hval_dup(db_get(&x->db, src, copied[i]))) == -1)
			goto oom_n;
	if (db_set(&x->db, n, F_VDI_SR, hval_string(sr != NULL ? sr->ref :
	    db_str(&x->db, src, F_VDI_SR))) == -1)
		goto oom_n;
	if (snapshot && (db_set(&x->db, n, F_VDI_is_a_snapshot, hval_bool(1)) == -1 ||
	    db_set(&x->db, n, F_VDI_snapshot_of, hval_string(src->ref)) == -1 ||
	    db_set(&x->db, n, F_VDI_snapshot_time, hval_datetime(clock_unix())) == -1))
		goto oom_n;
	if (device_created(x, n, r) == -1) {
		db_destroy(&x->db, n);
		return NULL;
	}
	return n;
oom_n:
	db_destroy(&x->db, n);
oom:
	rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
	return NULL;
}

/* A disk VBD's VDI, when it has a real one to clone (CD drives keep theirs, as XAPI's
   safe_clone_disks does). */
struct obj *
snap_disk_of(struct xapi *x, struct obj *vbd)
{
	struct obj	*vdi;

	if (strcmp(db_str(&x->db, vbd, F_VBD_type), "Disk") != 0 ||
	    db_get(&x->db, vbd, F_VBD_empty)->u.b)
		return NULL;
	vdi = snap_target(x, vbd, F_VBD_VDI);
	return vdi != NULL && vdi->cls == C_VDI ? vdi : NULL;
}

/* Whether ref is one of the strings of array ignore (NULL: none). */
static int
ignored(const struct val *ignore, const char *ref)
{
	size_t	i;

	for (i = 0; ignore != NULL && i < ignore->u.a.n; i++)
		if (strcmp(ignore->u.a.items[i]->u.s.p, ref) == 0)
			return 1;
	return 0;
}

/* The pairs (source, new VDI) of vm's disks into parts (from index CTX_PAIRS), each new
   VDI made. *nparts grows. 0, or -1 with r filled and nothing left. */
int
snap_make_disks(struct xapi *x, struct obj *vm, enum disk_op op, struct obj *sr,
    const struct val *ignore, const char **parts, int *nparts, struct rpc_reply *r)
{
	size_t		 i;
	struct obj	*src, *n, *susp;
	int		 first = *nparts, k;

	for (i = 0; i < x->db.n[C_VBD]; i++) {
		struct obj	*vbd = x->db.objs[C_VBD][i];

		if (strcmp(db_str(&x->db, vbd, F_VBD_VM), vm->ref) != 0 ||
		    (src = snap_disk_of(x, vbd)) == NULL || ignored(ignore, src->ref))
			continue;
		if ((n = snap_new_vdi(x, src, sr, IS_SNAPSHOT(op), r)) == NULL)
			goto undo;
		parts[(*nparts)++] = src->ref;
		parts[(*nparts)++] = n->ref;
	}
	/* A suspended VM's memory image goes with its clone (a snapshot leaves it). */
	susp = snap_target(x, vm, F_VM_suspend_VDI);
	if (op != OP_SNAPSHOT && susp != NULL && susp->cls == C_VDI) {
		if ((n = snap_new_vdi(x, susp, sr, 0, r)) == NULL)
			goto undo;
		parts[(*nparts)++] = susp->ref;
		parts[(*nparts)++] = n->ref;
		parts[CTX_SUSPEND] = "1";
	}
	return 0;
undo:
	for (k = first + 1; k < *nparts; k += 2)
		snap_remove_vdi(x, parts[k]);
	*nparts = first;
	return -1;
}

/* The operation's key: the task's, as in XAPI, or a fresh one for a synchronous call. */
static const char *
op_key(struct xapi *x, struct park *park)
{
	char	uuid[37];

	if (park != NULL && park->task[0] != '\0')
		return rpc_printf(x, "%s", park->task);
	db_uuid(&x->db, uuid);
	return rpc_printf(x, "OpaqueRef:%s", uuid);
}

static void	domain_unpaused(struct xapi *, struct park *, struct rpc_reply *);
static void	disks_cloned(struct xapi *, struct park *, struct rpc_reply *);
static void	domain_paused(struct xapi *, struct park *, struct rpc_reply *);

/* Starts the child that clones every pair's file. 0 or -1. */
int
snap_start_clone(struct xapi *x, struct park *pk)
{
	int		  n = snap_ctx_count(pk), i, k = 2;
	const char	**argv;

	if ((argv = arena_alloc(&x->arena, (size_t)(n - CTX_PAIRS + 3) * sizeof(*argv))) ==
	    NULL)
		return -1;
	argv[0] = "/proc/self/exe";
	argv[1] = "--clone-files";
	for (i = CTX_PAIRS; i + 1 < n; i += 2) {
		const char	*ref;
		struct obj	*o;
		char		*path;

		for (int side = 0; side < 2; side++) {
			ref = park_ctx_part(pk, i + side);
			o = db_find(&x->db, ref, strlen(ref));
			if (o == NULL || (path = arena_alloc(&x->arena, 512)) == NULL ||
			    vdi_path(x, o, path, 512) == -1)
				return -1;
			argv[k++] = path;
		}
	}
	argv[k] = NULL;
	return park_job(pk, argv, NULL, disks_cloned);
}

/* The VM a job is about, or NULL. */
struct obj *
snap_subject(struct xapi *x, struct park *pk)
{
	const char	*ref = park_ctx_part(pk, CTX_SUBJECT);

	return db_find(&x->db, ref, strlen(ref));
}

static enum disk_op
job_op(const struct park *pk)
{
	const char	*name = park_ctx_part(pk, CTX_OP);
	int		 i;

	for (i = 0; i < (int)(nitems(snap_op_names)); i++)
		if (strcmp(name, snap_op_names[i]) == 0)
			return (enum disk_op)i;
	return OP_CLONE;
}

/* The pause starts now (the sim's, which pauses nothing, too). 0 or -1. */
static int
mark_paused(struct xapi *x, struct park *pk)
{
	return snap_ctx_set(x, pk, CTX_PAUSED, "1") == -1 ||
	    snap_ctx_set(x, pk, CTX_PAUSED_MS, rpc_printf(x, "%lld", clock_ms())) == -1 ? -1 : 0;
}

void
snap_xl_failed(struct xapi *x, struct park *pk, const char *what)
{
	(void)snap_ctx_set(x, pk, CTX_ERROR, rpc_printf(x, "xl %s failed (exit %d): %s", what,
	    pk->job->status, pk->job->out.p ? pk->job->out.p : ""));
}

void
snap_clone_files(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	if (snap_start_clone(x, pk) == -1) {
		(void)snap_ctx_set(x, pk, CTX_ERROR, "cannot start the clone");
		snap_finish(x, pk, r, 0);
		return;
	}
	r->parked = 1;
}

int
snap_unpause(struct xapi *x, struct park *pk, struct obj *vm)
{
	return park_job(pk, (const char *const[]){ "xl", "unpause", db_str(&x->db,
	    vm, F_VM_uuid), NULL }, NULL, domain_unpaused);
}

/* The first step of a job whose records are ready: pause a running domain (xen), or
   clone at once. The call is parked, or finished with r filled. */
static void
begin(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct obj	*vm = snap_subject(x, pk);
	enum disk_op	 op = job_op(pk);

	if (snap_ctx_count(pk) == CTX_PAIRS) {
		snap_finish(x, pk, r, 1);
		return;
	}
	if (op == OP_SNAPSHOT && x->xen != NULL && vm != NULL &&
	    strcmp(db_str(&x->db, vm, F_VM_power_state), "Running") == 0) {
		if (park_job(pk, (const char *const[]){ "xl", "pause", db_str(&x->db,
		    vm, F_VM_uuid), NULL }, NULL, domain_paused) == -1) {
			snap_finish(x, pk, r, 0);
			return;
		}
		r->parked = 1;
		return;
	}
	/* The sim pauses nothing; the clone's own time stands for the pause. */
	if (op == OP_SNAPSHOT && vm != NULL && x->xen == NULL &&
	    strcmp(db_str(&x->db, vm, F_VM_power_state), "Running") == 0 &&
	    mark_paused(x, pk) == -1) {
		snap_finish(x, pk, r, 0);
		return;
	}
	snap_clone_files(x, pk, r);
}

static void
domain_paused(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	if (pk->job->status != 0) {
		snap_xl_failed(x, pk, "pause");
		snap_finish(x, pk, r, 0);
		return;
	}
	if (mark_paused(x, pk) == -1 || snap_start_clone(x, pk) == -1) {
		(void)snap_ctx_set(x, pk, CTX_ERROR, "cannot start the clone");
		/* Unpause before failing: the guest must not stay stopped. */
		if (snap_unpause(x, pk, snap_subject(x, pk)) == 0) {
			r->parked = 1;
			return;
		}
		snap_finish(x, pk, r, 0);
		return;
	}
	r->parked = 1;
}

/* The pause is over: its length goes to the call log, where a bench reads it. */
void
snap_log_pause(struct xapi *x, struct park *pk)
{
	long long	ms = clock_ms() - atoll(park_ctx_part(pk, CTX_PAUSED_MS));

	log_call(x->log, pk->client, "VM.snapshot", rpc_printf(x, "paused_ms=%lld", ms));
}

static void
disks_cloned(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct obj	*vm = snap_subject(x, pk);
	char		*out = pk->job->out.p ? pk->job->out.p : "", *line;

	if (pk->job->status != 0) {
		line = strstr(out, "failed ");
		if (line != NULL)
			line[strcspn(line, "\n")] = '\0';
		(void)snap_ctx_set(x, pk, CTX_ERROR, line != NULL ? line + 7 : rpc_printf(x,
		    "the clone child failed (exit %d)", pk->job->status));
	}
	if (strcmp(park_ctx_part(pk, CTX_PAUSED), "1") == 0 && x->xen != NULL && vm != NULL) {
		if (snap_unpause(x, pk, vm) == 0) {
			r->parked = 1;
			return;
		}
		(void)snap_ctx_set(x, pk, CTX_ERROR, "cannot run xl unpause");
	} else if (strcmp(park_ctx_part(pk, CTX_PAUSED), "1") == 0)
		snap_log_pause(x, pk);
	snap_finish(x, pk, r, park_ctx_part(pk, CTX_ERROR)[0] == '\0');
}

static void
domain_unpaused(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	snap_log_pause(x, pk);
	if (pk->job->status != 0 && park_ctx_part(pk, CTX_ERROR)[0] == '\0')
		snap_xl_failed(x, pk, "unpause");
	snap_finish(x, pk, r, park_ctx_part(pk, CTX_ERROR)[0] == '\0');
}

/* The job is over (ok: every file cloned): the records it makes, or everything made for
   it removed and the failure reported. */
void
snap_finish(struct xapi *x, struct park *pk, struct rpc_reply *r, int ok)
{
	enum disk_op	 op = job_op(pk);
	struct obj	*s = snap_subject(x, pk), *vm = s, *n;
	int		 parts = snap_ctx_count(pk), i;
	const char	*err = park_ctx_part(pk, CTX_ERROR);

	if (s != NULL && op == OP_REVERT)
		vm = snap_target(x, s, F_VM_snapshot_of);
	if (vm != NULL && vm->cls == C_VM)
		(void)vm_operation(x, vm, NULL, park_ctx_part(pk, CTX_OPREF));
	if (ok && s == NULL) {
		rpc_fail(x, r, "HANDLE_INVALID", 2, op >= OP_VDI_SNAPSHOT ? "VDI" : "VM",
		    park_ctx_part(pk, CTX_SUBJECT));
		ok = 0;
	}
	if (ok) {
		memset(r, 0, sizeof(*r));
		switch (op) {
		case OP_VDI_SNAPSHOT:
		case OP_VDI_CLONE:
			rpc_ok(r, rpc_str(x, rpc_printf(x, "%s", park_ctx_part(pk,
			    CTX_PAIRS + 1))));
			break;
		case OP_REVERT:
			if (vm == NULL)
				rpc_fail(x, r, "VM_REVERT_FAILED", 2, s->ref,
				    db_str(&x->db, s, F_VM_snapshot_of));
			else if (snap_revert_records(x, pk, s, vm, r) == 0)
				rpc_ok(r, rpc_str(x, ""));
			break;
		default:
			if ((n = snap_make_vm(x, pk, s, op, r)) != NULL)
				rpc_ok(r, rpc_str(x, rpc_printf(x, "%s", n->ref)));
			break;
		}
		if (r->err == NULL) {
			struct obj	*sr;

			for (i = CTX_PAIRS + 1; i < parts; i += 2)
				if ((n = db_find(&x->db, park_ctx_part(pk, i), REF_LEN)) != NULL &&
				    (sr = snap_target(x, n, F_VDI_SR)) != NULL)
					storage_account(x, sr);
			return;
		}
	} else if (err[0] != '\0')
		rpc_fail(x, r, "SR_BACKEND_FAILURE", 3, "EIO", "", err);
	else if (r->err == NULL)
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "the disk job failed");
	for (i = CTX_PAIRS + 1; i < parts; i += 2)
		snap_remove_vdi(x, park_ctx_part(pk, i));
	if (park_ctx_part(pk, CTX_IMAGE)[0] != '\0')
		snap_remove_vdi(x, park_ctx_part(pk, CTX_IMAGE));
}

void
snap_remove_new_vdis(struct xapi *x, const char **parts, int nparts)
{
	int	i;

	for (i = CTX_PAIRS + 1; i < nparts; i += 2)
		snap_remove_vdi(x, parts[i]);
}

/* Makes the job's context and starts it: op on subject, the new disks already in parts
   (nparts of them, from CTX_PAIRS). r is parked or filled; on a failure before the job
   starts, the new disks are removed. */
void
snap_start(struct xapi *x, struct park *park, struct rpc_reply *r, struct obj *vm,
    const char **parts, int nparts)
{
	if (park == NULL || park_set_ctx(park, parts, (size_t)nparts) == -1 ||
	    (vm != NULL && vm_operation(x, vm, parts[CTX_OP], parts[CTX_OPREF]) == -1)) {
		snap_remove_new_vdis(x, parts, nparts);
		if (vm != NULL)
			(void)vm_operation(x, vm, NULL, parts[CTX_OPREF]);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	begin(x, park, r);
}

/* The context's fixed parts; room for the pairs of every VBD and a suspend image. */
const char **
snap_new_parts(struct xapi *x, enum disk_op op, const char *subject_ref, const char *name,
    struct park *park, struct rpc_reply *r)
{
	const char	**parts;
	size_t		  room = CTX_PAIRS + 2 * (x->db.n[C_VBD] + 2);

	if ((parts = arena_alloc(&x->arena, room * sizeof(*parts))) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return NULL;
	}
	parts[CTX_OP] = snap_op_names[op];
	parts[CTX_SUBJECT] = subject_ref;
	parts[CTX_NAME] = name;
	parts[CTX_OPREF] = op_key(x, park);
	parts[CTX_PAUSED] = "";
	parts[CTX_PAUSED_MS] = "0";
	parts[CTX_ERROR] = "";
	parts[CTX_SUSPEND] = "";
	parts[CTX_IMAGE] = "";
	return parts;
}
