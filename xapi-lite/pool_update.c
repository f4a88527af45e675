/*
 * pool_update, as XenServer offers it: an update ISO is uploaded into a VDI
 * (VDI.create, PUT /import_raw_vdi), pool_update.introduce reads it, precheck asks
 * whether it can go on this host, apply installs it, host.reboot boots it. Here the ISO
 * is an Atoll ISO and the update a new image: the upgrade program (--upgrade, on an
 * installed host atoll-upgrade) reads it (--inspect), checks it (--check) and writes it
 * into the other boot slot, to be tried once at the next boot and kept once healthy. An
 * update counts as applied on the host while the host runs its version, or its trial
 * boot is waiting (pool_update_reconcile): a trial rolled back takes it off again.
 * Without the program (the sim backend) introduce, precheck and apply fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "exec.h"
#include "hval.h"
#include "kvline.h"
#include "rpc_impl.h"
#include "storage.h"
#include "upgrade_exit.h"

#define REASON_MAX		300	/* bytes of the program's reason an error carries */
#define UPDATE_GUIDANCE		"restartHost"	/* a new image takes a reboot */

/* The program's reason for failing, short and printable (in the arena). */
static const char *
reason(struct xapi *x, const struct park *pk)
{
	const char	*out = pk->job->out.p ? pk->job->out.p : "";
	const char	*p = out, *hit = NULL, *end = out + pk->job->out.len;
	char		 line[REASON_MAX];
	size_t		 i, n = strlen(UPGRADE_FAILED_WORDS);

	for (; p + n <= end; p++)
		if (memcmp(p, UPGRADE_FAILED_WORDS, n) == 0) {
			hit = p + n;
			break;
		}
	if (hit == NULL)
		return rpc_printf(x, "%s failed (status %d)", x->upgrade, pk->job->status);
	for (i = 0; i < sizeof(line) - 1 && hit + i < end && hit[i] != '\n'; i++)
		line[i] = hit[i] >= ' ' && hit[i] <= '~' ? hit[i] : '?';
	line[i] = '\0';
	return rpc_printf(x, "%s", line);
}

/* The line of the program's output that starts with prefix, into line; its length or -1. */
static long
output_line(const struct park *pk, const char *prefix, char *line, size_t len)
{
	const char	*out = pk->job->out.p ? pk->job->out.p : "", *p, *nl;
	size_t		 n = strlen(prefix), total = pk->job->out.len;

	for (p = out; p < out + total; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(out + total - p))) == NULL)
			nl = out + total;
		if ((size_t)(nl - p) > n && (size_t)(nl - p) - n < len &&
		    memcmp(p, prefix, n) == 0) {
			memcpy(line, p + n, (size_t)(nl - p) - n);
			line[nl - p - n] = '\0';
			return nl - p - (long)n;
		}
	}
	return -1;
}

/* Starts the program with verb (or none) on vdi's file; done gets the park. ctx holds
   the refs done needs. Returns 0 (parked) or -1 with r filled. */
static int
run(struct xapi *x, struct park *pk, struct rpc_reply *r, const char *verb, struct obj *vdi,
    const char *const ctx[], size_t nctx,
    void (*done)(struct xapi *, struct park *, struct rpc_reply *))
{
	char	path[512];

	if (pk == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "this call needs its connection");
		return -1;
	}
	if (x->upgrade == NULL) {
		rpc_fail(x, r, "INVALID_UPDATE", 1, "this host has no upgrade program "
		    "(xapi-lite runs without --upgrade)");
		return -1;
	}
	if (vdi == NULL || vdi->cls != C_VDI || vdi_path(x, vdi, path, sizeof(path)) == -1) {
		rpc_fail(x, r, "CANNOT_FIND_UPDATE", 0);
		return -1;
	}
	if (park_set_ctx(pk, ctx, nctx) == -1 ||
	    park_job(pk, verb != NULL ? (const char *const[]){ x->upgrade, verb, path, NULL } :
	    (const char *const[]){ x->upgrade, path, NULL }, NULL, done) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, rpc_printf(x, "%s: cannot start it",
		    x->upgrade));
		return -1;
	}
	r->parked = 1;
	return 0;
}

/* The i-th NUL-separated part of pk's context. */
static const char *
ctx_part(const struct park *pk, int i)
{
	const char	*p = pk->ctx;

	while (i-- > 0)
		p += strlen(p) + 1;
	return p;
}

static struct obj *
ctx_obj(struct xapi *x, const struct park *pk, int i)
{
	const char	*ref = ctx_part(pk, i);

	return db_find(&x->db, ref, strlen(ref));
}

/* Whether set v holds ref. */
static int
holds(const struct val *v, const char *ref)
{
	size_t	i;

	for (i = 0; i < v->u.a.n; i++)
		if (strcmp(v->u.a.items[i]->u.s.p, ref) == 0)
			return 1;
	return 0;
}

/* set f of o without or with ref (each value once), touched only when that changes it.
   Returns 0 or -1. */
static int
refset(struct xapi *x, struct obj *o, enum fld f, const char *ref, int in)
{
	struct val	*v = db_get(&x->db, o, f);

	if (holds(v, ref) == in)
		return 0;
	hval_remove_string(v, ref, strlen(ref));
	if (in && hval_push(v, hval_string(ref)) == -1)
		return -1;
	db_touch(&x->db, o);
	return 0;
}

/* ---- introduce ---- */

static struct obj *
update_of_version(struct xapi *x, const char *version)
{
	size_t	i;

	for (i = 0; i < x->db.n[C_pool_update]; i++)
		if (strcmp(db_str(&x->db, x->db.objs[C_pool_update][i], F_pool_update_version),
		    version) == 0)
			return x->db.objs[C_pool_update][i];
	return NULL;
}

static void
introduce_done(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct obj	*vdi = ctx_obj(x, pk, 0), *u, *old;
	char		 line[KVLINE_MAX], version[64], bytes[24];
	long		 n;
	struct val	*guidance;
	int		 fails = 0;

	if (pk->job->status == UPGRADE_EXIT_BUSY) {
		rpc_fail(x, r, "OTHER_OPERATION_IN_PROGRESS", 2, "VDI", ctx_part(pk, 0));
		return;
	}
	if (pk->job->status != 0 ||
	    (n = output_line(pk, UPGRADE_INSPECT_PREFIX, line, sizeof(line))) < 0 ||
	    kvline_get(line, (size_t)n, "version", version, sizeof(version)) != 1 ||
	    kvline_get(line, (size_t)n, "bytes", bytes, sizeof(bytes)) != 1) {
		rpc_fail(x, r, "INVALID_UPDATE", 1, pk->job->status != 0 ? reason(x, pk) :
		    "the upgrade program did not say what the image is");
		return;
	}
	if (vdi == NULL) {
		rpc_fail(x, r, "CANNOT_FIND_UPDATE", 0);	/* destroyed meanwhile */
		return;
	}
	/* XAPI's rule: the same update again is the one there, unless another VDI holds it. */
	if ((old = update_of_version(x, version)) != NULL) {
		struct obj	*held = db_find(&x->db, db_str(&x->db, old, F_pool_update_vdi),
				    strlen(db_str(&x->db, old, F_pool_update_vdi)));

		if (held != NULL && held != vdi) {
			rpc_fail(x, r, "UPDATE_ALREADY_EXISTS", 1,
			    db_str(&x->db, old, F_pool_update_uuid));
			return;
		}
		if (db_set(&x->db, old, F_pool_update_vdi, hval_string(vdi->ref)) == -1)
			goto oom;
		rpc_ok(r, rpc_str(x, old->ref));
		return;
	}
	if ((u = db_create(&x->db, C_pool_update)) == NULL ||
	    (guidance = hval_array()) == NULL)
		goto oom;
	fails |= hval_push(guidance, hval_string(UPDATE_GUIDANCE));
	fails |= db_set(&x->db, u, F_pool_update_after_apply_guidance, guidance);
	fails |= db_set(&x->db, u, F_pool_update_name_label,
	    hval_string(rpc_printf(x, "Atoll %s", version)));
	fails |= db_set(&x->db, u, F_pool_update_name_description,
	    hval_string(rpc_printf(x, "Atoll %s: Xen, dom0 and xapi-lite, written into the "
	    "host's other boot slot and tried once at the next boot", version)));
	fails |= db_set(&x->db, u, F_pool_update_version, hval_string(version));
	fails |= db_set(&x->db, u, F_pool_update_installation_size,
	    hval_int(strtoll(bytes, NULL, 10)));
	fails |= db_set(&x->db, u, F_pool_update_vdi, hval_string(vdi->ref));
	if (fails)
		goto oom;
	rpc_ok(r, rpc_str(x, u->ref));
	return;
oom:
	rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
}

void
call_pool_update_introduce(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *pk)
{
	struct obj	*vdi;

	(void)session;
	if ((vdi = rpc_param_ref(x, r, p, 1, C_VDI)) != NULL)
		(void)run(x, pk, r, "--inspect", vdi, (const char *const[]){ vdi->ref }, 1,
		    introduce_done);
}

/* ---- precheck and apply ---- */

/* The program's refusal as XAPI's precheck errors. */
static void
refused(struct xapi *x, struct park *pk, struct rpc_reply *r, struct obj *u)
{
	const char	*name = db_str(&x->db, u, F_pool_update_name_label);

	switch (pk->job->status) {
	case UPGRADE_EXIT_BUSY:
		rpc_fail(x, r, "OTHER_OPERATION_IN_PROGRESS", 2, "pool_update", u->ref);
		break;
	case UPGRADE_EXIT_BAD_IMAGE:
		rpc_fail(x, r, "INVALID_UPDATE", 1, reason(x, pk));
		break;
	case UPGRADE_EXIT_OLDER:
		rpc_fail(x, r, "UPDATE_PRECHECK_FAILED_WRONG_SERVER_VERSION", 3, name,
		    ATOLL_VERSION, rpc_printf(x, "%s or older", db_str(&x->db, u,
		    F_pool_update_version)));
		break;
	case UPGRADE_EXIT_GUESTS:
		rpc_fail(x, r, "PATCH_PRECHECK_FAILED_VM_RUNNING", 1, u->ref);
		break;
	case UPGRADE_EXIT_NO_ROOM:
		rpc_fail(x, r, "UPDATE_PRECHECK_FAILED_OUT_OF_SPACE", 3, name, reason(x, pk),
		    rpc_printf(x, "%lld",
		    (long long)db_get(&x->db, u, F_pool_update_installation_size)->u.i));
		break;
	default:
		rpc_fail(x, r, "UPDATE_PRECHECK_FAILED_UNKNOWN_ERROR", 2, name, reason(x, pk));
	}
}

static void
precheck_done(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct obj	*u = ctx_obj(x, pk, 0);

	if (u == NULL)
		rpc_fail(x, r, "CANNOT_FIND_UPDATE", 0);
	else if (pk->job->status != 0)
		refused(x, pk, r, u);
	else
		rpc_ok(r, rpc_str(x, "ok"));	/* livepatch_status: no live patch, a reboot */
}

/* The update (parameter 1) and the host (parameter 2, when given), or NULL with r filled. */
static struct obj *
update_and_host(struct xapi *x, struct val *p, struct rpc_reply *r, int with_host)
{
	struct obj	*u = rpc_param_ref(x, r, p, 1, C_pool_update);

	if (u != NULL && with_host && rpc_param_ref(x, r, p, 2, C_host) == NULL)
		return NULL;
	return u;
}

static struct obj *
update_vdi(struct xapi *x, struct obj *u)
{
	const char	*ref = db_str(&x->db, u, F_pool_update_vdi);

	return db_find(&x->db, ref, strlen(ref));
}

void
call_pool_update_precheck(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *pk)
{
	struct obj	*u;

	(void)session;
	if ((u = update_and_host(x, p, r, 1)) != NULL)
		(void)run(x, pk, r, "--check", update_vdi(x, u),
		    (const char *const[]){ u->ref }, 1, precheck_done);
}

/* u applied on the host (1) or not (0), both sides and the reboot it waits for. */
static int
mark(struct xapi *x, struct obj *u, int on, int needs_reboot)
{
	return refset(x, u, F_pool_update_hosts, x->host->ref, on) |
	    refset(x, x->host, F_host_updates, u->ref, on) |
	    refset(x, x->host, F_host_updates_requiring_reboot, u->ref, on && needs_reboot);
}

static void
apply_done(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct obj	*u = ctx_obj(x, pk, 0);
	int		 pool = ctx_part(pk, 1)[0] == 'p';

	if (u == NULL) {
		rpc_fail(x, r, "CANNOT_FIND_UPDATE", 0);
		return;
	}
	if (pk->job->status != 0) {
		/* pool_apply names the hosts that failed; apply says why, as precheck does. */
		if (pool)
			rpc_fail(x, r, "UPDATE_POOL_APPLY_FAILED", 1, x->host->ref);
		else if (pk->job->status >= UPGRADE_EXIT_BAD_IMAGE)
			refused(x, pk, r, u);
		else
			rpc_fail(x, r, "UPDATE_APPLY_FAILED", 1, reason(x, pk));
		return;
	}
	if (mark(x, u, 1, 1) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	rpc_ok(r, rpc_str(x, ""));
}

static void
apply(struct xapi *x, struct val *p, struct rpc_reply *r, struct park *pk, int pool)
{
	struct obj	*u;

	if ((u = update_and_host(x, p, r, !pool)) == NULL)
		return;
	if (holds(db_get(&x->db, u, F_pool_update_hosts), x->host->ref)) {
		rpc_fail(x, r, pool ? "UPDATE_ALREADY_APPLIED_IN_POOL" : "UPDATE_ALREADY_APPLIED",
		    1, u->ref);
		return;
	}
	(void)run(x, pk, r, NULL, update_vdi(x, u),
	    (const char *const[]){ u->ref, pool ? "pool" : "host" }, 2, apply_done);
}

void
call_pool_update_apply(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *pk)
{
	(void)session;
	apply(x, p, r, pk, 0);
}

void
call_pool_update_pool_apply(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *pk)
{
	(void)session;
	apply(x, p, r, pk, 1);
}

/* ---- clean and destroy ---- */

/* The VDI goes (as VDI.destroy would let it), the update stays, applied or not. */
void
call_pool_update_pool_clean(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *pk)
{
	struct obj	*u, *vdi;

	(void)session;
	(void)pk;
	if ((u = update_and_host(x, p, r, 0)) == NULL)
		return;
	if ((vdi = update_vdi(x, u)) != NULL && vdi->cls == C_VDI) {
		if (rpc_destroying(x, vdi, r) == -1)
			return;
		db_destroy(&x->db, vdi);
	}
	if (db_set(&x->db, u, F_pool_update_vdi, hval_string("OpaqueRef:NULL")) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	rpc_ok(r, rpc_str(x, ""));
}

void
call_pool_update_destroy(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *pk)
{
	struct obj	*u;

	(void)session;
	(void)pk;
	if ((u = update_and_host(x, p, r, 0)) == NULL)
		return;
	if (db_get(&x->db, u, F_pool_update_hosts)->u.a.n != 0) {
		rpc_fail(x, r, "UPDATE_IS_APPLIED", 0);
		return;
	}
	db_destroy(&x->db, u);
	rpc_ok(r, rpc_str(x, ""));
}

/* ---- at start ---- */

void
pool_update_reconcile(struct xapi *x, const char *trial_record)
{
	char	line[KVLINE_MAX], version[64] = "", booted[8] = "";
	long	n = trial_record != NULL ? kvline_read(trial_record, line) : 0;
	size_t	i;

	if (x->host == NULL)
		return;
	if (n > 0) {
		(void)kvline_get(line, (size_t)n, "version", version, sizeof(version));
		(void)kvline_get(line, (size_t)n, "booted", booted, sizeof(booted));
	}
	for (i = 0; i < x->db.n[C_pool_update]; i++) {
		struct obj	*u = x->db.objs[C_pool_update][i];
		const char	*v = db_str(&x->db, u, F_pool_update_version);
		int		 running = strcmp(v, ATOLL_VERSION) == 0;
		/* Written and not yet booted: a trial still to come. */
		int		 waiting = strcmp(v, version) == 0 && strcmp(booted, "1") != 0;

		(void)mark(x, u, running || waiting, waiting && !running);
	}
}
