/*
 * session.change_password: root's old password checked as a login checks it (unless root
 * has none yet and the session is the Unix socket's local root: first boot), the new one
 * hashed by the crypt helper with a random salt, handed to the host-config program
 * (`password`, the hash on stdin) to persist, then written into --password-file. Each
 * step is a job of the event loop; no password is logged.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "calls.h"
#include "exec.h"
#include "rpc_impl.h"

#define USER	"root"		/* XAPI changes the local superuser's password only */

/* The context, NUL-separated: stored hash, its salt, old and new password, new hash. */
enum { CTX_HASH, CTX_SALT, CTX_OLD, CTX_NEW, CTX_NEWHASH, CTX_N };

static void	old_checked(struct xapi *, struct park *, struct rpc_reply *);
static void	new_hashed(struct xapi *, struct park *, struct rpc_reply *);

/* The helper's hash of part of pk's context; NULL when it did not run (r filled), or when
   it is retried with mkpasswd (r->parked). */
static const char *
helper_output(struct xapi *x, struct park *pk, struct rpc_reply *r, int part,
    const char *salt, void (*done)(struct xapi *, struct park *, struct rpc_reply *))
{
	const char	*out;
	int		 again;

	if ((out = auth_crypt_result(x, pk, park_ctx_part(pk, part), salt, done,
	    &again)) == NULL && again)
		r->parked = 1;
	else if (out == NULL)
		rpc_fail(x, r, "CHANGE_PASSWORD_REJECTED", 1,
		    "no password helper (openssl or mkpasswd) could run");
	return out;
}

/* Hashes the new password: the call has its helper's place (queued, or the old password's
   helper has just finished). */
static void
hash_new(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	if (auth_crypt(x, pk, park_ctx_part(pk, CTX_NEW), NULL, new_hashed) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "cannot start the password helper");
		return;
	}
	r->parked = 1;
}

/* Its turn in the helpers' queue: check the old password. */
static void
check_old(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	if (auth_crypt(x, pk, park_ctx_part(pk, CTX_OLD), park_ctx_part(pk, CTX_SALT),
	    old_checked) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "cannot start the password helper");
		return;
	}
	r->parked = 1;
}

static void
old_checked(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	const char	*made;

	if ((made = helper_output(x, pk, r, CTX_OLD, park_ctx_part(pk, CTX_SALT),
	    old_checked)) == NULL)
		return;
	if (!auth_same(park_ctx_part(pk, CTX_HASH), made)) {
		rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, USER,
		    "Authentication failure");
		return;
	}
	hash_new(x, pk, r);
}

/* The program has kept the hash: now this host's password file. */
static void
write_hash(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	if (auth_set_hash(x->password_file, USER, park_ctx_part(pk, CTX_NEWHASH)) == -1) {
		rpc_fail(x, r, "CHANGE_PASSWORD_REJECTED", 1, errno == ENOENT ?
		    rpc_printf(x, "%s has no %s entry", x->password_file, USER) :
		    rpc_printf(x, "cannot write %s: %s", x->password_file, strerror(errno)));
		return;
	}
	rpc_ok(r, rpc_str(x, ""));
}

static void
new_hashed(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	const char	*parts[CTX_N], *made;
	char		 hash[256], input[260];
	int		 i;

	if ((made = helper_output(x, pk, r, CTX_NEW, NULL, new_hashed)) == NULL)
		return;
	if (strncmp(made, "$6$", 3) != 0 || strchr(made, ':') != NULL ||
	    strlen(made) >= sizeof(hash)) {
		rpc_fail(x, r, "CHANGE_PASSWORD_REJECTED", 1,
		    "the password helper made no sha512-crypt hash");
		return;
	}
	memcpy(hash, made, strlen(made) + 1);
	for (i = 0; i < CTX_NEWHASH; i++)
		parts[i] = park_ctx_part(pk, i);
	parts[CTX_NEWHASH] = hash;
	if (park_set_ctx(pk, parts, CTX_N) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	snprintf(input, sizeof(input), "%s\n", hash);
	hostcfg_run(x, pk, r, (const char *const[]){ "password", NULL }, input, write_hash);
}

void
call_session_change_password(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	const char	*old = rpc_param_str(p, 1), *new = rpc_param_str(p, 2);
	const char	*parts[CTX_N];
	char		 hash[256] = "", salt[64] = "";
	int		 found;

	if (old == NULL || new == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, old == NULL ? "old_pwd" : "new_pwd");
		return;
	}
	if (new[0] == '\0') {
		rpc_fail(x, r, "CHANGE_PASSWORD_REJECTED", 1,
		    "the new password must not be empty");
		return;
	}
	if (strlen(new) > 4000 || strchr(new, '\n') != NULL) {
		rpc_fail(x, r, "CHANGE_PASSWORD_REJECTED", 1,
		    "the new password must be one line of at most 4000 bytes");
		return;
	}
	if ((found = auth_hash(x->password_file, USER, hash, sizeof(hash))) == -1) {
		rpc_fail(x, r, "CHANGE_PASSWORD_REJECTED", 1,
		    "cannot read the password file");
		return;
	}
	/* First boot: root has no password that can match (locked or empty), and only the
	   Unix socket's local root may set one without the old. */
	if (found == 0 && !session_preauth(x, session->ref)) {
		rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, USER,
		    "Authentication failure");
		return;
	}
	if (found == 1 && (strlen(old) > 4000 || strchr(old, '\n') != NULL ||
	    auth_salt(hash, salt, sizeof(salt)) == -1)) {
		rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, USER,
		    "Authentication failure");
		return;
	}
	if (park == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "this call needs its connection");
		return;
	}
	parts[CTX_HASH] = hash;
	parts[CTX_SALT] = salt;
	parts[CTX_OLD] = found == 1 ? old : "";
	parts[CTX_NEW] = new;
	parts[CTX_NEWHASH] = "";
	if (park_set_ctx(park, parts, CTX_N) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	auth_queue(x, park, r, found == 0 ? hash_new : check_old);
}
