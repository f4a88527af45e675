/*
 * Snapshots, clones and copies, as XAPI makes them (xapi_vm_clone.ml, xapi_vm_snapshot.ml,
 * xapi_vdi.ml): VM.snapshot, VM.clone, VM.copy, VM.revert, VDI.snapshot and VDI.clone.
 * The new VDIs' records and files are made first, one child clones every file
 * (clone.c: a reflink where the SR can), and only then are the VM's records made; a
 * failure at any step removes what was made. A running VM on the xen backend is paused
 * for the clone (crash-consistent, as XAPI's snapshot is) and the pause is measured.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "exec.h"
#include "hval.h"
#include "log.h"
#include "rpc_impl.h"
#include "storage.h"
#include "suspend.h"

/* What a disk job makes. */
enum disk_op { OP_SNAPSHOT, OP_CLONE, OP_COPY, OP_REVERT, OP_VDI_SNAPSHOT, OP_VDI_CLONE,
	OP_CHECKPOINT };

static const char *const op_names[] = { "snapshot", "clone", "copy", "revert",
	"vdi_snapshot", "vdi_clone", "checkpoint" };

#define IS_SNAPSHOT(op)	((op) == OP_SNAPSHOT || (op) == OP_CHECKPOINT)

/* A disk job's context (park_ctx_part): */
enum {
	CTX_OP,		/* op_names[] */
	CTX_SUBJECT,	/* the VM (or VDI) operated on */
	CTX_NAME,	/* the new VM's name */
	CTX_OPREF,	/* the operation's key in the VM's current_operations */
	CTX_PAUSED,	/* "1" when this call paused the domain */
	CTX_PAUSED_MS,	/* when the pause was done */
	CTX_ERROR,	/* why the clone failed ("" while it has not) */
	CTX_SUSPEND,	/* "1" when the last pair is the VM's suspend image */
	CTX_IMAGE,	/* a checkpoint's memory image, saved for it ("" for the others) */
	CTX_PAIRS	/* then pairs: a source VDI's ref, its new VDI's ref */
};

/* The object a ref field of o points at, or NULL. */
static struct obj *
target(struct xapi *x, const struct obj *o, enum fld f)
{
	const char	*ref = db_str(&x->db, o, f);

	return db_find(&x->db, ref, strlen(ref));
}

static int
ctx_count(const struct park *pk)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < pk->ctxlen; i++)
		n += pk->ctx[i] == '\0';
	return n;
}

/* Replaces part i of pk's context. 0 or -1. */
static int
ctx_set(struct xapi *x, struct park *pk, int i, const char *value)
{
	int		 n = ctx_count(pk), k;
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
static void
remove_vdi(struct xapi *x, const char *ref)
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
static struct obj *
new_vdi(struct xapi *x, struct obj *src, struct obj *sr, int snapshot, struct rpc_reply *r)
{
	static const enum fld copied[] = { F_VDI_name_label, F_VDI_name_description,
		F_VDI_virtual_size, F_VDI_type, F_VDI_sharable, F_VDI_read_only,
		F_VDI_other_config, F_VDI_xenstore_data, F_VDI_sm_config };
	struct obj	*n;
	size_t		 i;

	if ((n = db_create(&x->db, C_VDI)) == NULL)
		goto oom;
	for (i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
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
static struct obj *
disk_of(struct xapi *x, struct obj *vbd)
{
	struct obj	*vdi;

	if (strcmp(db_str(&x->db, vbd, F_VBD_type), "Disk") != 0 ||
	    db_get(&x->db, vbd, F_VBD_empty)->u.b)
		return NULL;
	vdi = target(x, vbd, F_VBD_VDI);
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
static int
make_disks(struct xapi *x, struct obj *vm, enum disk_op op, struct obj *sr,
    const struct val *ignore, const char **parts, int *nparts, struct rpc_reply *r)
{
	size_t		 i;
	struct obj	*src, *n, *susp;
	int		 first = *nparts, k;

	for (i = 0; i < x->db.n[C_VBD]; i++) {
		struct obj	*vbd = x->db.objs[C_VBD][i];

		if (strcmp(db_str(&x->db, vbd, F_VBD_VM), vm->ref) != 0 ||
		    (src = disk_of(x, vbd)) == NULL || ignored(ignore, src->ref))
			continue;
		if ((n = new_vdi(x, src, sr, IS_SNAPSHOT(op), r)) == NULL)
			goto undo;
		parts[(*nparts)++] = src->ref;
		parts[(*nparts)++] = n->ref;
	}
	/* A suspended VM's memory image goes with its clone (a snapshot leaves it). */
	susp = target(x, vm, F_VM_suspend_VDI);
	if (op != OP_SNAPSHOT && susp != NULL && susp->cls == C_VDI) {
		if ((n = new_vdi(x, susp, sr, 0, r)) == NULL)
			goto undo;
		parts[(*nparts)++] = susp->ref;
		parts[(*nparts)++] = n->ref;
		parts[CTX_SUSPEND] = "1";
	}
	return 0;
undo:
	for (k = first + 1; k < *nparts; k += 2)
		remove_vdi(x, parts[k]);
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

static void	disks_cloned(struct xapi *, struct park *, struct rpc_reply *);
static void	domain_paused(struct xapi *, struct park *, struct rpc_reply *);
static void	domain_unpaused(struct xapi *, struct park *, struct rpc_reply *);
static void	finish(struct xapi *, struct park *, struct rpc_reply *, int);

/* Starts the child that clones every pair's file. 0 or -1. */
static int
start_clone(struct xapi *x, struct park *pk)
{
	int	 n = ctx_count(pk), i, k = 2;
	char	**argv;

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
static struct obj *
subject(struct xapi *x, struct park *pk)
{
	const char	*ref = park_ctx_part(pk, CTX_SUBJECT);

	return db_find(&x->db, ref, strlen(ref));
}

static enum disk_op
job_op(const struct park *pk)
{
	const char	*name = park_ctx_part(pk, CTX_OP);
	int		 i;

	for (i = 0; i < (int)(sizeof(op_names) / sizeof(op_names[0])); i++)
		if (strcmp(name, op_names[i]) == 0)
			return (enum disk_op)i;
	return OP_CLONE;
}

/* The first step of a job whose records are ready: pause a running domain (xen), or
   clone at once. The call is parked, or finished with r filled. */
static void
begin(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct obj	*vm = subject(x, pk);
	enum disk_op	 op = job_op(pk);

	if (ctx_count(pk) == CTX_PAIRS) {
		finish(x, pk, r, 1);
		return;
	}
	if (op == OP_SNAPSHOT && x->xen != NULL && vm != NULL &&
	    strcmp(db_str(&x->db, vm, F_VM_power_state), "Running") == 0) {
		if (park_job(pk, (char *const[]){ "xl", "pause", (char *)(uintptr_t)db_str(&x->db,
		    vm, F_VM_uuid), NULL }, NULL, domain_paused) == -1) {
			finish(x, pk, r, 0);
			return;
		}
		r->parked = 1;
		return;
	}
	/* The sim pauses nothing; the clone's own time stands for the pause. */
	if (op == OP_SNAPSHOT && vm != NULL && x->xen == NULL &&
	    strcmp(db_str(&x->db, vm, F_VM_power_state), "Running") == 0 &&
	    (ctx_set(x, pk, CTX_PAUSED, "1") == -1 ||
	    ctx_set(x, pk, CTX_PAUSED_MS, rpc_printf(x, "%lld", clock_ms())) == -1)) {
		finish(x, pk, r, 0);
		return;
	}
	if (start_clone(x, pk) == -1) {
		(void)ctx_set(x, pk, CTX_ERROR, "cannot start the clone");
		finish(x, pk, r, 0);
		return;
	}
	r->parked = 1;
}

static void
domain_paused(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	if (pk->job->status != 0) {
		(void)ctx_set(x, pk, CTX_ERROR, rpc_printf(x, "xl pause failed (exit %d): %s",
		    pk->job->status, pk->job->out.p ? pk->job->out.p : ""));
		finish(x, pk, r, 0);
		return;
	}
	if (ctx_set(x, pk, CTX_PAUSED, "1") == -1 ||
	    ctx_set(x, pk, CTX_PAUSED_MS, rpc_printf(x, "%lld", clock_ms())) == -1 ||
	    start_clone(x, pk) == -1) {
		(void)ctx_set(x, pk, CTX_ERROR, "cannot start the clone");
		/* Unpause before failing: the guest must not stay stopped. */
		if (park_job(pk, (char *const[]){ "xl", "unpause", (char *)(uintptr_t)db_str(
		    &x->db, subject(x, pk), F_VM_uuid), NULL }, NULL, domain_unpaused) == 0) {
			r->parked = 1;
			return;
		}
		finish(x, pk, r, 0);
		return;
	}
	r->parked = 1;
}

/* The pause is over: its length goes to the call log, where a bench reads it. */
static void
log_pause(struct xapi *x, struct park *pk)
{
	long long	ms = clock_ms() - atoll(park_ctx_part(pk, CTX_PAUSED_MS));

	log_call(x->log, pk->client, "VM.snapshot", rpc_printf(x, "paused_ms=%lld", ms));
}

static void
disks_cloned(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct obj	*vm = subject(x, pk);
	char		*out = pk->job->out.p ? pk->job->out.p : "", *line;

	if (pk->job->status != 0) {
		line = strstr(out, "failed ");
		if (line != NULL)
			line[strcspn(line, "\n")] = '\0';
		(void)ctx_set(x, pk, CTX_ERROR, line != NULL ? line + 7 : rpc_printf(x,
		    "the clone child failed (exit %d)", pk->job->status));
	}
	if (strcmp(park_ctx_part(pk, CTX_PAUSED), "1") == 0 && x->xen != NULL && vm != NULL) {
		if (park_job(pk, (char *const[]){ "xl", "unpause", (char *)(uintptr_t)db_str(
		    &x->db, vm, F_VM_uuid), NULL }, NULL, domain_unpaused) == 0) {
			r->parked = 1;
			return;
		}
		(void)ctx_set(x, pk, CTX_ERROR, "cannot run xl unpause");
	} else if (strcmp(park_ctx_part(pk, CTX_PAUSED), "1") == 0)
		log_pause(x, pk);
	finish(x, pk, r, park_ctx_part(pk, CTX_ERROR)[0] == '\0');
}

static void
domain_unpaused(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	log_pause(x, pk);
	if (pk->job->status != 0 && park_ctx_part(pk, CTX_ERROR)[0] == '\0')
		(void)ctx_set(x, pk, CTX_ERROR, rpc_printf(x, "xl unpause failed (exit %d): %s",
		    pk->job->status, pk->job->out.p ? pk->job->out.p : ""));
	finish(x, pk, r, park_ctx_part(pk, CTX_ERROR)[0] == '\0');
}

/* ---- the records a finished job makes ---- */

/* A copy of VBD vbd for vm, on vdi (NULL: its own VDI), as Xapi_vbd_helpers.copy. */
static int
copy_vbd(struct xapi *x, struct obj *vbd, struct obj *vm, const char *vdi, int owner,
    struct rpc_reply *r)
{
	static const enum fld copied[] = { F_VBD_VDI, F_VBD_userdevice, F_VBD_bootable,
		F_VBD_mode, F_VBD_type, F_VBD_unpluggable, F_VBD_empty, F_VBD_other_config,
		F_VBD_qos_algorithm_type, F_VBD_qos_algorithm_params, F_VBD_device };
	struct obj	*n;
	size_t		 i;
	int		 fails = 0;

	if ((n = db_create(&x->db, C_VBD)) == NULL)
		return rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory"), -1;
	for (i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
		fails |= db_set(&x->db, n, copied[i], hval_dup(db_get(&x->db, vbd, copied[i])));
	fails |= db_set(&x->db, n, F_VBD_VM, hval_string(vm->ref));
	if (vdi != NULL)
		fails |= db_set(&x->db, n, F_VBD_VDI, hval_string(vdi));
	/* CA-58405: the new VM owns its new disks, whoever owned the originals. */
	if (owner && hval_get(db_get(&x->db, n, F_VBD_other_config), "owner", 5) == NULL)
		fails |= hval_put(db_get(&x->db, n, F_VBD_other_config), "owner",
		    hval_string(""));
	if (fails) {
		db_destroy(&x->db, n);
		return rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory"), -1;
	}
	if (device_created(x, n, r) == -1) {
		db_destroy(&x->db, n);
		return -1;
	}
	return 0;
}

/* A copy of VIF vif for vm, as Xapi_vif_helpers.copy: a snapshot keeps the MAC, a clone
   gets a new one. */
static int
copy_vif(struct xapi *x, struct obj *vif, struct obj *vm, int keep_mac, struct rpc_reply *r)
{
	static const enum fld copied[] = { F_VIF_device, F_VIF_network, F_VIF_MTU,
		F_VIF_other_config, F_VIF_qos_algorithm_type, F_VIF_qos_algorithm_params,
		F_VIF_locking_mode, F_VIF_ipv4_allowed, F_VIF_ipv6_allowed };
	struct obj	*n;
	size_t		 i;
	int		 fails = 0;

	if ((n = db_create(&x->db, C_VIF)) == NULL)
		return rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory"), -1;
	for (i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
		fails |= db_set(&x->db, n, copied[i], hval_dup(db_get(&x->db, vif, copied[i])));
	fails |= db_set(&x->db, n, F_VIF_VM, hval_string(vm->ref));
	if (keep_mac) {
		fails |= db_set(&x->db, n, F_VIF_MAC, hval_dup(db_get(&x->db, vif, F_VIF_MAC)));
		fails |= db_set(&x->db, n, F_VIF_MAC_autogenerated,
		    hval_dup(db_get(&x->db, vif, F_VIF_MAC_autogenerated)));
	}
	if (fails) {
		db_destroy(&x->db, n);
		return rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory"), -1;
	}
	if (device_created(x, n, r) == -1) {
		db_destroy(&x->db, n);
		return -1;
	}
	return 0;
}

/* The new VDI cloned from src in the job's pairs, or NULL. */
static const char *
pair_of(const struct park *pk, const char *src)
{
	int	n = ctx_count(pk), i;

	for (i = CTX_PAIRS; i + 1 < n; i += 2)
		if (strcmp(park_ctx_part(pk, i), src) == 0)
			return park_ctx_part(pk, i + 1);
	return NULL;
}

/* The new VM's record, as copy_vm_record makes it. NULL with r filled. */
static struct obj *
copy_vm_record(struct xapi *x, struct obj *vm, enum disk_op op, const char *name,
    struct rpc_reply *r)
{
	int		 snap = IS_SNAPSHOT(op), f, fails = 0;
	const char	*ps = db_str(&x->db, vm, F_VM_power_state);
	struct obj	*n;
	struct val	*oc, *info;
	char		 seed[37];

	if ((n = db_create(&x->db, C_VM)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return NULL;
	}
	for (f = x->db.first[C_VM]; f < x->db.first[C_VM] + x->db.nfields[C_VM]; f++) {
		const struct field_desc	*fd = &model_fields[f];

		if (fd->kind == K_DERIVED || fd->access == RO || f == F_VM_uuid)
			continue;
		fails |= db_set(&x->db, n, f, hval_dup(db_get(&x->db, vm, f)));
	}
	fails |= db_set(&x->db, n, F_VM_memory_overhead,
	    hval_dup(db_get(&x->db, vm, F_VM_memory_overhead)));
	fails |= db_set(&x->db, n, F_VM_bios_strings,
	    hval_dup(db_get(&x->db, vm, F_VM_bios_strings)));
	/* What XAPI gives every new copy rather than the original's. */
	fails |= db_set(&x->db, n, F_VM_name_label, hval_string(name));
	fails |= db_set(&x->db, n, F_VM_power_state, hval_string("Halted"));
	fails |= db_set(&x->db, n, F_VM_suspend_VDI, hval_string("OpaqueRef:NULL"));
	fails |= db_set(&x->db, n, F_VM_blocked_operations, hval_struct());
	fails |= db_set(&x->db, n, F_VM_ha_always_run, hval_bool(0));
	fails |= db_set(&x->db, n, F_VM_protection_policy, hval_string("OpaqueRef:NULL"));
	fails |= db_set(&x->db, n, F_VM_snapshot_schedule, hval_string("OpaqueRef:NULL"));
	fails |= db_set(&x->db, n, F_VM_appliance, hval_string("OpaqueRef:NULL"));
	fails |= db_set(&x->db, n, F_VM_suspend_SR, hval_string("OpaqueRef:NULL"));
	fails |= db_set(&x->db, n, F_VM_start_delay, hval_int(0));
	fails |= db_set(&x->db, n, F_VM_shutdown_delay, hval_int(0));
	fails |= db_set(&x->db, n, F_VM_order, hval_int(0));
	fails |= db_set(&x->db, n, F_VM_version, hval_int(0));
	fails |= db_set(&x->db, n, F_VM_is_a_template,
	    hval_bool(snap || db_get(&x->db, vm, F_VM_is_a_template)->u.b));
	fails |= db_set(&x->db, n, F_VM_is_a_snapshot, hval_bool(snap));
	if (snap) {
		fails |= db_set(&x->db, n, F_VM_snapshot_of, hval_string(vm->ref));
		fails |= db_set(&x->db, n, F_VM_snapshot_time, hval_datetime(clock_unix()));
		/* Xapi_vm_clone.snapshot_info: crash-consistent, and the state it was in. */
		if ((info = hval_struct()) == NULL ||
		    hval_put(info, "disk-snapshot-type", hval_string("crash_consistent")) == -1 ||
		    hval_put(info, "power-state-at-snapshot", hval_string(ps)) == -1)
			fails = 1;
		fails |= db_set(&x->db, n, F_VM_snapshot_info, info);
		/* A snapshot sits where its VM was in the tree; the VM now grows from it. */
		fails |= db_set(&x->db, n, F_VM_parent,
		    hval_dup(db_get(&x->db, vm, F_VM_parent)));
	}
	/* other_config: a clone gets a new MAC seed; default-template marks go; a template's
	   name is kept as base_template_name. */
	oc = db_get(&x->db, n, F_VM_other_config);
	hval_del(oc, "default_template", 16);
	hval_del(oc, "xensource_internal", 18);
	if (!snap) {
		db_uuid(&x->db, seed);
		fails |= hval_put(oc, "mac_seed", hval_string(seed));
	}
	if (db_get(&x->db, vm, F_VM_is_a_template)->u.b &&
	    hval_get(oc, "base_template_name", 18) == NULL)
		fails |= hval_put(oc, "base_template_name",
		    hval_dup(db_get(&x->db, vm, F_VM_name_label)));
	if (fails || rpc_created(x, n, r) == -1) {
		db_destroy(&x->db, n);
		if (!fails)
			return NULL;
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return NULL;
	}
	return n;
}

/* Destroys what a VM owns but the records of a VM (VBDs, VIFs). */
static void
drop_devices(struct xapi *x, struct obj *vm, enum cls c, enum fld vmf)
{
	size_t	i;

	for (i = x->db.n[c]; i-- > 0;)
		if (strcmp(db_str(&x->db, x->db.objs[c][i], vmf), vm->ref) == 0)
			db_destroy(&x->db, x->db.objs[c][i]);
}

/* Gives the new VM from's VBDs (on the new disks) and VIFs. 0, or -1 with r filled. */
static int
copy_devices(struct xapi *x, struct park *pk, struct obj *from, struct obj *to, int keep_mac,
    struct rpc_reply *r)
{
	size_t		 i, nvbd = x->db.n[C_VBD], nvif = x->db.n[C_VIF];
	struct obj	*src;
	const char	*n;

	for (i = 0; i < nvbd; i++) {
		struct obj	*vbd = x->db.objs[C_VBD][i];

		if (strcmp(db_str(&x->db, vbd, F_VBD_VM), from->ref) != 0)
			continue;
		src = disk_of(x, vbd);
		n = src != NULL ? pair_of(pk, src->ref) : NULL;
		/* A disk left out (ignore_vdis) has no drive in the snapshot. */
		if (src != NULL && n == NULL)
			continue;
		if (copy_vbd(x, vbd, to, n, src != NULL, r) == -1)
			return -1;
	}
	for (i = 0; i < nvif; i++) {
		struct obj	*vif = x->db.objs[C_VIF][i];

		if (strcmp(db_str(&x->db, vif, F_VIF_VM), from->ref) == 0 &&
		    copy_vif(x, vif, to, keep_mac, r) == -1)
			return -1;
	}
	return 0;
}

/* Puts a VM without a domain in power state ps: Halted, or Suspended (its memory image in
   suspend_VDI, nothing running). 0, or -1 with r filled. */
static int
set_state(struct xapi *x, struct obj *vm, const char *ps, struct rpc_reply *r)
{
	if (strcmp(ps, "Suspended") != 0) {
		vm_set_power(x, vm, "Halted", r);
		return r->err != NULL ? -1 : 0;
	}
	if (db_set(&x->db, vm, F_VM_power_state, hval_string(ps)) == -1 ||
	    db_set(&x->db, vm, F_VM_resident_on, hval_string("OpaqueRef:NULL")) == -1 ||
	    db_set(&x->db, vm, F_VM_domid, hval_int(-1)) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return -1;
	}
	return rpc_changed(x, vm, r);
}

/* The new VM of a snapshot, clone or copy. NULL with r filled (and nothing left). */
static struct obj *
make_vm(struct xapi *x, struct park *pk, struct obj *vm, enum disk_op op,
    struct rpc_reply *r)
{
	struct obj	*n;
	int		 n_parts = ctx_count(pk);

	if ((n = copy_vm_record(x, vm, op, park_ctx_part(pk, CTX_NAME), r)) == NULL)
		return NULL;
	if (copy_devices(x, pk, vm, n, IS_SNAPSHOT(op), r) == -1)
		goto undo;
	/* A suspended original's image was cloned with the disks; a running one's
	   checkpoint took its image for the snapshot (Xapi_vm_clone.clone). */
	if (strcmp(park_ctx_part(pk, CTX_SUSPEND), "1") == 0 ||
	    park_ctx_part(pk, CTX_IMAGE)[0] != '\0') {
		if (db_set(&x->db, n, F_VM_suspend_VDI, hval_string(park_ctx_part(pk,
		    park_ctx_part(pk, CTX_IMAGE)[0] != '\0' ? CTX_IMAGE : n_parts - 1))) == -1) {
			rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
			goto undo;
		}
		if (set_state(x, n, "Suspended", r) == -1)
			goto undo;
	}
	if (IS_SNAPSHOT(op) &&
	    db_set(&x->db, vm, F_VM_parent, hval_string(n->ref)) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		goto undo;
	}
	return n;
undo:
	drop_devices(x, n, C_VBD, F_VBD_VM);
	drop_devices(x, n, C_VIF, F_VIF_VM);
	{
		struct obj	*m = target(x, n, F_VM_metrics);

		if (m != NULL)
			db_destroy(&x->db, m);
	}
	db_destroy(&x->db, n);
	return NULL;
}

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

	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (kept[i] == f)
			return 1;
	return 0;
}

/* The disks are cloned: vm becomes what the snapshot was (update_vifs_vbds_and_vgpus,
   revert_vm_fields, update_parent). 0, or -1 with r filled. */
static int
revert_records(struct xapi *x, struct park *pk, struct obj *snap, struct obj *vm,
    struct rpc_reply *r)
{
	size_t		 i, j, ngone = 0;
	struct obj	*old, *susp;
	const char	**gone;
	int		 f, fails = 0, n_parts = ctx_count(pk);
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
		    (old = disk_of(x, vbd)) == NULL)
			continue;
		for (j = 0; j < x->db.n[C_VBD]; j++) {
			struct obj	*sv = x->db.objs[C_VBD][j], *sd;

			if (strcmp(db_str(&x->db, sv, F_VBD_VM), snap->ref) == 0 &&
			    (sd = disk_of(x, sv)) != NULL &&
			    strcmp(db_str(&x->db, sd, F_VDI_snapshot_of), old->ref) == 0) {
				gone[ngone++] = rpc_printf(x, "%s", old->ref);
				break;
			}
		}
	}
	drop_devices(x, vm, C_VBD, F_VBD_VM);
	for (i = 0; i < ngone; i++)
		remove_vdi(x, gone[i]);
	if ((susp = target(x, vm, F_VM_suspend_VDI)) != NULL && susp->cls == C_VDI)
		remove_vdi(x, susp->ref);
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
	drop_devices(x, vm, C_VIF, F_VIF_VM);
	if (copy_devices(x, pk, snap, vm, 1, r) == -1)
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
	return set_state(x, vm, ps, r);
}

/* The job is over (ok: every file cloned): the records it makes, or everything made for
   it removed and the failure reported. */
static void
finish(struct xapi *x, struct park *pk, struct rpc_reply *r, int ok)
{
	enum disk_op	 op = job_op(pk);
	struct obj	*s = subject(x, pk), *vm = s, *n;
	int		 parts = ctx_count(pk), i;
	const char	*err = park_ctx_part(pk, CTX_ERROR);

	if (s != NULL && op == OP_REVERT)
		vm = target(x, s, F_VM_snapshot_of);
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
			else if (revert_records(x, pk, s, vm, r) == 0)
				rpc_ok(r, rpc_str(x, ""));
			break;
		default:
			if ((n = make_vm(x, pk, s, op, r)) != NULL)
				rpc_ok(r, rpc_str(x, rpc_printf(x, "%s", n->ref)));
			break;
		}
		if (r->err == NULL) {
			struct obj	*sr;

			for (i = CTX_PAIRS + 1; i < parts; i += 2)
				if ((n = db_find(&x->db, park_ctx_part(pk, i), REF_LEN)) != NULL &&
				    (sr = target(x, n, F_VDI_SR)) != NULL)
					storage_account(x, sr);
			return;
		}
	} else if (err[0] != '\0')
		rpc_fail(x, r, "SR_BACKEND_FAILURE", 3, "EIO", "", err);
	else if (r->err == NULL)
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "the disk job failed");
	for (i = CTX_PAIRS + 1; i < parts; i += 2)
		remove_vdi(x, park_ctx_part(pk, i));
	if (park_ctx_part(pk, CTX_IMAGE)[0] != '\0')
		remove_vdi(x, park_ctx_part(pk, CTX_IMAGE));
}

/* Makes the job's context and starts it: op on subject, the new disks already in parts
   (nparts of them, from CTX_PAIRS). r is parked or filled; on a failure before the job
   starts, the new disks are removed. */
static void
start(struct xapi *x, struct park *park, struct rpc_reply *r, struct obj *vm,
    const char **parts, int nparts)
{
	int	i;

	if (park == NULL || park_set_ctx(park, parts, (size_t)nparts) == -1 ||
	    (vm != NULL && vm_operation(x, vm, parts[CTX_OP], parts[CTX_OPREF]) == -1)) {
		for (i = CTX_PAIRS + 1; i < nparts; i += 2)
			remove_vdi(x, parts[i]);
		if (vm != NULL)
			(void)vm_operation(x, vm, NULL, parts[CTX_OPREF]);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	begin(x, park, r);
}

/* The context's fixed parts; room for the pairs of every VBD and a suspend image. */
static const char **
new_parts(struct xapi *x, enum disk_op op, const char *subject_ref, const char *name,
    struct park *park)
{
	const char	**parts;
	size_t		  room = CTX_PAIRS + 2 * (x->db.n[C_VBD] + 2);

	if ((parts = arena_alloc(&x->arena, room * sizeof(*parts))) == NULL)
		return NULL;
	parts[CTX_OP] = op_names[op];
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

/* XAPI's checks of an operation on a VM (xapi_vm_lifecycle.ml check_operation_error, the
   parts that apply): the control domain, other operations, templates and snapshots. */
static int
vm_checks(struct xapi *x, struct obj *vm, const char *op, struct rpc_reply *r)
{
	int	snap = db_get(&x->db, vm, F_VM_is_a_snapshot)->u.b;

	if (db_get(&x->db, vm, F_VM_is_control_domain)->u.b) {
		rpc_fail(x, r, "OPERATION_NOT_ALLOWED", 1,
		    "operations on the control domain are not allowed");
		return -1;
	}
	if (vm_busy(x, vm, r) == -1)
		return -1;
	/* check_template: a template takes clone and copy, not snapshot or revert. */
	if (db_get(&x->db, vm, F_VM_is_a_template)->u.b && !snap &&
	    strcmp(op, "clone") != 0 && strcmp(op, "copy") != 0) {
		rpc_fail(x, r, "VM_IS_TEMPLATE", 2, vm->ref, op);
		return -1;
	}
	/* check_snapshot: a snapshot takes revert, clone, copy, export, destroy. */
	if (snap && strcmp(op, "revert") != 0 && strcmp(op, "clone") != 0 &&
	    strcmp(op, "copy") != 0) {
		rpc_fail(x, r, "VM_IS_SNAPSHOT", 2, vm->ref, op);
		return -1;
	}
	if (!snap && strcmp(op, "revert") == 0) {
		rpc_fail(x, r, "REVERT_ONLY_ALLOWED_ON_SNAPSHOT", 0);
		return -1;
	}
	return 0;
}

void
call_vm_snapshot(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*vm;
	struct val	*ignore = p->u.a.n > 3 ? p->u.a.items[3] : NULL;
	const char	**parts, *name = rpc_param_str(p, 2);
	int		 n = CTX_PAIRS;
	size_t		 i;

	(void)s;
	if ((vm = rpc_param_ref(x, r, p, 1, C_VM)) == NULL)
		return;
	if (name == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "new_name");
		return;
	}
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
	if (vm_checks(x, vm, "snapshot", r) == -1)
		return;
	if ((parts = new_parts(x, OP_SNAPSHOT, vm->ref, name, park)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	if (make_disks(x, vm, OP_SNAPSHOT, NULL, ignore, parts, &n, r) == -1)
		return;
	start(x, park, r, vm, parts, n);
}

/* VM.snapshot_with_quiesce needs a guest agent's VSS provider; no guest here has one, so
   XAPI's refusal (xapi_vm_snapshot.ml) is all there is. */
void
call_vm_snapshot_with_quiesce(struct xapi *x, struct obj *s, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	struct obj	*vm;

	(void)s;
	(void)park;
	if ((vm = rpc_param_ref(x, r, p, 1, C_VM)) == NULL)
		return;
	if (rpc_param_str(p, 2) == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "new_name");
		return;
	}
	if (vm_checks(x, vm, "snapshot_with_quiesce", r) == -1)
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
	struct obj	*vm = rpc_param_ref(x, r, p, 1, C_VM);
	const char	**parts, *name = rpc_param_str(p, 2), *ps;
	int		 n = CTX_PAIRS;

	if (vm == NULL)
		return;
	if (name == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "new_name");
		return;
	}
	if (vm_checks(x, vm, op_names[op], r) == -1)
		return;
	ps = db_str(&x->db, vm, F_VM_power_state);
	if (strcmp(ps, "Halted") != 0 && !(strcmp(ps, "Suspended") == 0 &&
	    db_get(&x->db, vm, F_VM_is_a_snapshot)->u.b)) {
		rpc_fail(x, r, "VM_BAD_POWER_STATE", 3, vm->ref, "halted",
		    strcmp(ps, "Running") == 0 ? "running" : strcmp(ps, "Paused") == 0 ?
		    "paused" : "suspended");
		return;
	}
	if ((parts = new_parts(x, op, vm->ref, name, park)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	if (make_disks(x, vm, op, sr, NULL, parts, &n, r) == -1)
		return;
	start(x, park, r, vm, parts, n);
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

/* The hard shutdown before a revert (xen): the domain is gone; the revert goes on. */
static void
revert_shut(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct obj	*snap = subject(x, pk), *vm = snap ? target(x, snap, F_VM_snapshot_of) : NULL;

	if (pk->job->status != 0 || vm == NULL) {
		(void)ctx_set(x, pk, CTX_ERROR, rpc_printf(x, "xl destroy failed (exit %d): %s",
		    pk->job->status, pk->job->out.p ? pk->job->out.p : ""));
		finish(x, pk, r, 0);
		return;
	}
	vm_set_power(x, vm, "Halted", r);
	memset(r, 0, sizeof(*r));
	if (start_clone(x, pk) == -1) {
		(void)ctx_set(x, pk, CTX_ERROR, "cannot start the clone");
		finish(x, pk, r, 0);
		return;
	}
	r->parked = 1;
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
	if ((snap = rpc_param_ref(x, r, p, 1, C_VM)) == NULL || vm_checks(x, snap, "revert", r) == -1)
		return;
	if ((vm = target(x, snap, F_VM_snapshot_of)) == NULL || vm->cls != C_VM) {
		/* Departure: XAPI makes a new VM from the snapshot's metadata here. */
		rpc_fail(x, r, "VM_REVERT_FAILED", 2, snap->ref, db_str(&x->db, snap,
		    F_VM_snapshot_of));
		return;
	}
	if (vm_busy(x, vm, r) == -1)
		return;
	if ((parts = new_parts(x, OP_REVERT, snap->ref, "", park)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	if (make_disks(x, snap, OP_REVERT, NULL, NULL, parts, &n, r) == -1)
		return;
	ps = db_str(&x->db, vm, F_VM_power_state);
	if (strcmp(ps, "Running") != 0 && strcmp(ps, "Paused") != 0) {
		start(x, park, r, vm, parts, n);
		return;
	}
	if (x->xen == NULL) {
		vm_set_power(x, vm, "Halted", r);
		memset(r, 0, sizeof(*r));
		start(x, park, r, vm, parts, n);
		return;
	}
	if (park == NULL || park_set_ctx(park, parts, (size_t)n) == -1 ||
	    vm_operation(x, vm, "revert", parts[CTX_OPREF]) == -1 ||
	    park_job(park, (char *const[]){ "xl", "destroy", (char *)(uintptr_t)db_str(&x->db,
	    vm, F_VM_uuid), NULL }, NULL, revert_shut) == -1) {
		int	i;

		(void)vm_operation(x, vm, NULL, parts[CTX_OPREF]);
		for (i = CTX_PAIRS + 1; i < n; i += 2)
			remove_vdi(x, parts[i]);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "cannot run xl");
		return;
	}
	r->parked = 1;
}

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
	sr = target(x, vdi, F_VDI_SR);
	if (sr != NULL && strcmp(db_str(&x->db, sr, F_SR_type), "iso") == 0) {
		rpc_fail(x, r, "SR_OPERATION_NOT_SUPPORTED", 1, sr->ref);
		return;
	}
	if ((parts = new_parts(x, op, vdi->ref, "", park)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	if ((n = new_vdi(x, vdi, NULL, op == OP_VDI_SNAPSHOT, r)) == NULL)
		return;
	parts[CTX_PAIRS] = vdi->ref;
	parts[CTX_PAIRS + 1] = n->ref;
	start(x, park, r, NULL, parts, CTX_PAIRS + 2);
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

/* The memory image is saved (r: its VDI, or the failure): the domain is paused on xen
   (xl save -p), so the disks are cloned at the same instant, then it goes on running. */
static void
image_done(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct obj	*vm = subject(x, pk);
	const char	**parts, *image;
	int		 n = ctx_count(pk), k;

	if (r->err != NULL) {
		if (vm != NULL)
			(void)vm_operation(x, vm, NULL, park_ctx_part(pk, CTX_OPREF));
		return;
	}
	image = rpc_printf(x, "%s", r->value->u.s.p);
	memset(r, 0, sizeof(*r));
	if (vm == NULL || (parts = arena_alloc(&x->arena, (size_t)(CTX_PAIRS + 2 *
	    (x->db.n[C_VBD] + 2)) * sizeof(*parts))) == NULL) {
		(void)ctx_set(x, pk, CTX_IMAGE, image);
		finish(x, pk, r, 0);
		return;
	}
	for (k = 0; k < n; k++)
		parts[k] = rpc_printf(x, "%s", park_ctx_part(pk, k));
	parts[CTX_IMAGE] = image;
	parts[CTX_PAUSED] = "1";
	parts[CTX_PAUSED_MS] = rpc_printf(x, "%lld", clock_ms());
	if (make_disks(x, vm, OP_CHECKPOINT, NULL, NULL, parts, &n, r) == -1 ||
	    park_set_ctx(pk, parts, (size_t)n) == -1) {
		const char	*why = r->err != NULL && r->nerr > 3 ? r->err[3] :
		    "out of memory";

		(void)park_set_ctx(pk, parts, CTX_PAIRS);
		(void)ctx_set(x, pk, CTX_ERROR, why);
		memset(r, 0, sizeof(*r));
	} else if (n > CTX_PAIRS) {
		if (start_clone(x, pk) == 0) {
			r->parked = 1;
			return;
		}
		(void)ctx_set(x, pk, CTX_ERROR, "cannot start the clone");
	}
	/* No disks, or no clone: straight to the unpause (xen), or the end. */
	if (x->xen != NULL && park_job(pk, (char *const[]){ "xl", "unpause",
	    (char *)(uintptr_t)db_str(&x->db, vm, F_VM_uuid), NULL }, NULL,
	    domain_unpaused) == 0) {
		r->parked = 1;
		return;
	}
	if (x->xen == NULL)
		log_pause(x, pk);
	finish(x, pk, r, park_ctx_part(pk, CTX_ERROR)[0] == '\0');
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
	const char	**parts, *name = rpc_param_str(p, 2), *ps;
	int		 n = CTX_PAIRS;

	(void)s;
	if ((vm = rpc_param_ref(x, r, p, 1, C_VM)) == NULL)
		return;
	if (name == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "new_name");
		return;
	}
	ps = db_str(&x->db, vm, F_VM_power_state);
	if (strcmp(ps, "Halted") == 0 && !db_get(&x->db, vm, F_VM_is_control_domain)->u.b) {
		rpc_fail(x, r, "VM_BAD_POWER_STATE", 3, vm->ref, "paused, suspended, running",
		    "halted");
		return;
	}
	if (vm_checks(x, vm, "checkpoint", r) == -1)
		return;
	if ((parts = new_parts(x, OP_CHECKPOINT, vm->ref, name, park)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	if (strcmp(ps, "Running") != 0) {
		if (make_disks(x, vm, OP_CHECKPOINT, NULL, NULL, parts, &n, r) == -1)
			return;
		start(x, park, r, vm, parts, n);
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
