/*
 * Sessions: login with root's password (checked by a crypt helper program, see auth.c),
 * or without one on the Unix socket (pre-authenticated local root), logout, the session checks every call goes through, 24 h idle expiry, and at most
 * XAPI_MAX_SESSIONS sessions with the least recently used evicted first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "exec.h"
#include "hval.h"
#include "log.h"
#include "xapi_limits.h"
#include "rpc_impl.h"

/* The session's last use, kept in its last_active field; updated without an event. */
static void
mark_active(struct xapi *x, struct obj *s)
{
	struct val	*v = db_get(&x->db, s, F_session_last_active);
	char		 now[20];

	hval_format_time(clock_unix(), now);
	if (v->u.s.len == 18)
		memcpy((char *)(uintptr_t)v->u.s.p, now, 18);
}

static long long
idle_seconds(struct xapi *x, struct obj *s)
{
	const char	*t = db_str(&x->db, s, F_session_last_active);
	char		 now[20];

	/* Both texts are YYYYMMDDTHH:MM:SSZ; expiry only needs "a day or more ago". */
	hval_format_time(clock_unix() - XAPI_SESSION_IDLE_S, now);
	return strcmp(t, now) <= 0 ? XAPI_SESSION_IDLE_S : 0;
}

struct obj *
rpc_session(struct xapi *x, struct val *v, struct rpc_reply *r)
{
	struct obj	*s;

	if (v->type != VAL_STRING) {
		rpc_fail(x, r, "SESSION_INVALID", 1, "");
		return NULL;
	}
	if ((s = db_find(&x->db, v->u.s.p, v->u.s.len)) == NULL || s->cls != C_session) {
		rpc_fail(x, r, "SESSION_INVALID", 1, v->u.s.p);
		return NULL;
	}
	if (idle_seconds(x, s) >= XAPI_SESSION_IDLE_S) {
		db_destroy(&x->db, s);
		rpc_fail(x, r, "SESSION_INVALID", 1, v->u.s.p);
		return NULL;
	}
	mark_active(x, s);
	return s;
}

static void
evict_oldest(struct xapi *x)
{
	struct obj	*oldest = NULL;
	size_t		 i;

	for (i = 0; i < x->db.n[C_session]; i++) {
		struct obj	*s = x->db.objs[C_session][i];

		if (oldest == NULL || strcmp(db_str(&x->db, s, F_session_last_active),
		    db_str(&x->db, oldest, F_session_last_active)) < 0)
			oldest = s;
	}
	if (oldest != NULL)
		db_destroy(&x->db, oldest);
}

/* A new session for user, as login's reply. */
static void
new_session(struct xapi *x, const char *user, const char *originator, struct rpc_reply *r)
{
	struct obj	*s;

	while (x->db.n[C_session] >= XAPI_MAX_SESSIONS)
		evict_oldest(x);
	if ((s = db_create(&x->db, C_session)) == NULL)
		return rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
	if (db_set(&x->db, s, F_session_this_host, hval_string(x->host->ref)) == -1 ||
	    db_set(&x->db, s, F_session_last_active, hval_datetime(clock_unix())) == -1 ||
	    db_set(&x->db, s, F_session_validation_time, hval_datetime(clock_unix())) == -1 ||
	    db_set(&x->db, s, F_session_is_local_superuser, hval_bool(1)) == -1 ||
	    db_set(&x->db, s, F_session_auth_user_name, hval_string(user)) == -1 ||
	    db_set(&x->db, s, F_session_originator, hval_string(originator)))
		return db_destroy(&x->db, s), rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
	rpc_ok(r, rpc_str(x, s->ref));
}

/* The login's context, NUL-separated: user, originator, stored hash, salt, password. */
enum { CTX_USER, CTX_ORIGINATOR, CTX_HASH, CTX_SALT, CTX_PASSWORD, CTX_N };

/* Logs a login's outcome from r (the user name, never the password). */
static void
login_logged(struct xapi *x, const struct park *pk, const char *user,
    const struct rpc_reply *r)
{
	log_login(x->log, pk != NULL ? pk->client : "-", user,
	    r->nerr == 0 ? "success" : strcmp(r->err[0], "SESSION_AUTHENTICATION_FAILED") == 0 ?
	    "failure" : r->err[0]);
}

/* The helper finished: its output is the password's hash with the stored salt. */
static void
login_checked(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	const char	*user = park_ctx_part(pk, CTX_USER), *made;
	int		 again;

	made = auth_crypt_result(pk, park_ctx_part(pk, CTX_PASSWORD),
	    park_ctx_part(pk, CTX_SALT), login_checked, &again);
	if (again) {
		r->parked = 1;
		return;
	}
	if (made == NULL)
		rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, user,
		    "no password helper (openssl or mkpasswd) could run");
	else if (!auth_same(park_ctx_part(pk, CTX_HASH), made))
		rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, user,
		    "Authentication failure");
	else
		new_session(x, user, park_ctx_part(pk, CTX_ORIGINATOR), r);
	login_logged(x, pk, user, r);
}

int
session_preauth(const struct xapi *x, const char *ref)
{
	size_t	i, n = sizeof(x->preauth) / sizeof(x->preauth[0]);

	for (i = 0; i < n; i++)
		if (strcmp(x->preauth[i], ref) == 0)
			return 1;
	return 0;
}

/* The Unix socket is local root's, as XAPI treats its own: root with an empty password
   gets a session unchecked. It is remembered (in memory only) for change_password's first
   boot. */
static void
login_preauth(struct xapi *x, const char *user, const char *originator, struct rpc_reply *r)
{
	size_t	n = sizeof(x->preauth) / sizeof(x->preauth[0]);

	if (strcmp(user, "root") != 0)
		return rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, user,
		    "Authentication failure");
	new_session(x, user, originator, r);
	if (r->nerr == 0 && r->value != NULL)
		snprintf(x->preauth[x->npreauth++ % n], sizeof(x->preauth[0]), "%s",
		    r->value->u.s.p);
}

static void
login(struct xapi *x, struct val *p, struct rpc_reply *r, struct park *park)
{
	const char	*user = rpc_param_str(p, 0), *pw = rpc_param_str(p, 1);
	const char	*originator = p->u.a.n > 3 ? rpc_param_str(p, 3) : "";
	const char	*parts[CTX_N];
	char		 hash[256], salt[64];
	int		 found;

	if (user == NULL || pw == NULL)
		return rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, user ? user : "",
		    "The username and password must be strings");
	if (originator == NULL)
		originator = "";
	if (park != NULL && park->local && pw[0] == '\0')
		return login_preauth(x, user, originator, r);
	if (strlen(pw) > 4000 || strchr(pw, '\n') != NULL ||
	    (found = auth_hash(x->password_file, user, hash, sizeof(hash))) == 0 ||
	    auth_salt(hash, salt, sizeof(salt)) == -1)
		return rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, user,
		    "Authentication failure");
	if (found == -1)
		return rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, user,
		    "cannot read the password file");
	if (park == NULL)
		return rpc_fail(x, r, "INTERNAL_ERROR", 1, "a login needs its connection");
	/* The hash is made by a helper process; the loop serves others meanwhile. */
	parts[CTX_USER] = user;
	parts[CTX_ORIGINATOR] = originator;
	parts[CTX_HASH] = hash;
	parts[CTX_SALT] = salt;
	parts[CTX_PASSWORD] = pw;
	if (park_set_ctx(park, parts, CTX_N) == -1)
		return rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
	if (auth_crypt(park, pw, salt, login_checked) == -1)
		return rpc_fail(x, r, "INTERNAL_ERROR", 1, "cannot start the password helper");
	r->parked = 1;
}

void
call_session_login(struct xapi *x, struct obj *session, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	const char	*user = rpc_param_str(p, 0);

	(void)session;
	login(x, p, r, park);
	/* A parked login is logged when the helper has answered. */
	if (!r->parked)
		login_logged(x, park, user != NULL ? user : "", r);
}

void
call_session_logout(struct xapi *x, struct obj *session, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	(void)p;
	(void)park;
	db_destroy(&x->db, session);
	rpc_ok(r, rpc_str(x, ""));
}

void
call_session_get_this_host(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	struct obj	*s;

	(void)session;
	(void)park;
	if ((s = rpc_param_ref(x, r, p, 1, C_session)) != NULL)
		rpc_ok(r, rpc_str(x, db_str(&x->db, s, F_session_this_host)));
}

void
call_session_get_this_user(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	struct obj	*s;

	(void)session;
	(void)park;
	if ((s = rpc_param_ref(x, r, p, 1, C_session)) != NULL)
		rpc_ok(r, rpc_str(x, db_str(&x->db, s, F_session_this_user)));
}
