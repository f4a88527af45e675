/*
 * Sessions: login with root's password (checked by a crypt helper program, see auth.c),
 * logout, the session checks every call goes through, 24 h idle expiry, and at most
 * XAPI_MAX_SESSIONS sessions with the least recently used evicted first.
 */
#include <string.h>

#include "calls.h"
#include "hval.h"
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

void
call_session_login(struct xapi *x, struct obj *session, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	const char	*user = rpc_param_str(p, 0), *pw = rpc_param_str(p, 1), *why = NULL;
	const char	*originator = p->u.a.n > 3 ? rpc_param_str(p, 3) : "";
	struct obj	*s;
	int		 ok;

	(void)session;
	(void)park;
	if (user == NULL || pw == NULL)
		return rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, user ? user : "",
		    "The username and password must be strings");
	if ((ok = auth_check(x->password_file, user, pw, &why)) != 1)
		return rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, user,
		    ok == 0 ? "Authentication failure" : why);
	while (x->db.n[C_session] >= XAPI_MAX_SESSIONS)
		evict_oldest(x);
	if ((s = db_create(&x->db, C_session)) == NULL)
		return rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
	if (db_set(&x->db, s, F_session_this_host, hval_string(x->host->ref)) == -1 ||
	    db_set(&x->db, s, F_session_last_active, hval_datetime(clock_unix())) == -1 ||
	    db_set(&x->db, s, F_session_validation_time, hval_datetime(clock_unix())) == -1 ||
	    db_set(&x->db, s, F_session_is_local_superuser, hval_bool(1)) == -1 ||
	    db_set(&x->db, s, F_session_auth_user_name, hval_string(user)) == -1 ||
	    db_set(&x->db, s, F_session_originator, hval_string(originator ? originator : "")))
		return db_destroy(&x->db, s), rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
	rpc_ok(r, rpc_str(x, s->ref));
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
