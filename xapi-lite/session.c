/*
 * Sessions: login with root's password (checked by a crypt helper program, see auth.c),
 * slowed for a client address that keeps failing, or without one on the Unix socket
 * (pre-authenticated local root), logout, the session checks every call goes through,
 * 24 h idle expiry, and at most XAPI_MAX_SESSIONS sessions with the least recently used
 * evicted first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "exec.h"
#include "hval.h"
#include "log.h"
#include "message.h"
#include "nitems.h"
#include "throttle.h"
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
	if ((s = db_create(&x->db, C_session)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	if (db_set(&x->db, s, F_session_this_host, hval_string(x->host->ref)) == -1 ||
	    db_set(&x->db, s, F_session_last_active, hval_datetime(clock_unix())) == -1 ||
	    db_set(&x->db, s, F_session_validation_time, hval_datetime(clock_unix())) == -1 ||
	    db_set(&x->db, s, F_session_is_local_superuser, hval_bool(1)) == -1 ||
	    db_set(&x->db, s, F_session_auth_user_name, hval_string(user)) == -1 ||
	    db_set(&x->db, s, F_session_originator, hval_string(originator))) {
		db_destroy(&x->db, s);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	rpc_ok(r, rpc_str(x, s->ref));
}

/* The login's context, NUL-separated: user, originator, stored hash, salt, password (the
   last three empty when the user has no hash that can match); once it has failed, the
   user and why. */
enum { CTX_USER, CTX_ORIGINATOR, CTX_HASH, CTX_SALT, CTX_PASSWORD, CTX_N };
enum { CTX_WHY = 1 };

static void	login_go(struct xapi *, struct park *, struct rpc_reply *);
static void	login_checked(struct xapi *, struct park *, struct rpc_reply *);
static void	login_refused(struct xapi *, struct park *, struct rpc_reply *);

void
session_free(struct xapi *x)
{
	throttle_free(x->throttle);
	x->throttle = NULL;
}

/* Logins of addr under way (waiting, checked, or failed and held). */
static int
client_pending(const struct xapi *x, const char *addr)
{
	const struct park	*pk;
	int			 n = 0;

	for (pk = x->parked; pk != NULL; pk = pk->next)
		if ((pk->resume == login_go || pk->resume == login_refused ||
		    (pk->job != NULL && pk->job_done == login_checked)) &&
		    strcmp(pk->client, addr) == 0)
			n++;
	return n;
}

/* Logs a login's outcome from r (the user name, never the password). */
static void
login_logged(struct xapi *x, const struct park *pk, const char *user,
    const struct rpc_reply *r)
{
	log_login(x->log, pk != NULL ? pk->client : "-", user,
	    r->nerr == 0 ? "success" : strcmp(r->err[0], "SESSION_AUTHENTICATION_FAILED") == 0 ?
	    "failure" : r->err[0]);
}

/* The failure, answered once the client's delay is over. */
static void
login_refused(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, park_ctx_part(pk, CTX_USER),
	    park_ctx_part(pk, CTX_WHY));
}

/* Fails pk with why, answered at until (the password leaves memory now). */
static void
login_held(struct xapi *x, struct park *pk, struct rpc_reply *r, const char *user,
    const char *why, long long until)
{
	const char	*parts[] = { user, why };

	park_job_end(pk);
	if (park_set_ctx(pk, parts, 2) == -1) {
		rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, user, why);
		return;
	}
	pk->resume = login_refused;
	pk->not_before_ms = until;
	r->parked = 1;
}

/* Appends <tag>text</tag>\n with text's XML specials escaped; nothing when text is empty
   or longer than 64 bytes (a client's words, bounded). */
static int
alert_field(struct buf *b, const char *tag, const char *text)
{
	const char	*p;
	int		 e = 0;

	if (text[0] == '\0' || strlen(text) > 64)
		return 0;
	e |= buf_printf(b, "<%s>", tag);
	for (p = text; *p; p++)
		e |= *p == '<' ? buf_puts(b, "&lt;") : *p == '>' ? buf_puts(b, "&gt;") :
		    *p == '&' ? buf_puts(b, "&amp;") : buf_printf(b, "%c", *p);
	e |= buf_printf(b, "</%s>\n", tag);
	return e;
}

/* The failure that makes a run of XAPI_LOGIN_ALERT_FAILURES from one address raises
   FAILED_LOGIN_ATTEMPTS on the pool, with the body XAPI's failed-login statistics have;
   once a run, and no more than the rate guard lets through. */
static void
login_alert(struct xapi *x, struct park *pk, const char *user)
{
	unsigned	n = throttle_failures(x->throttle, pk->client);
	struct buf	b;
	char		date[20];
	int		e = 0;

	if (n != XAPI_LOGIN_ALERT_FAILURES || !alert_rate_ok(x))
		return;
	hval_format_time(clock_unix(), date);
	buf_init(&b, 0);
	e |= buf_printf(&b, "<body>\n<total>%u</total>\n<known>\n", n);
	e |= alert_field(&b, "username", user);
	e |= alert_field(&b, "originator", park_ctx_part(pk, CTX_ORIGINATOR));
	e |= alert_field(&b, "ip", pk->client);
	e |= buf_printf(&b, "<number>%u</number>\n<date>%s</date>\n</known>\n</body>", n,
	    date);
	if (e == 0)
		(void)message_raise(x, MSG_FAILED_LOGIN_ATTEMPTS, "Pool",
		    db_str(&x->db, x->pool, F_pool_uuid), b.p);
	buf_free(&b);
}

/* A wrong password (or a user without one): counted against the client (throttle.c),
   which waits longer for this answer and for its next check. */
static void
login_failed(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	const char	*user = park_ctx_part(pk, CTX_USER);
	long long	 until = throttle_failed(&x->throttle, pk->client, x->now_ms);
	struct park	*q;

	log_login(x->log, pk->client, user, "failure");
	login_alert(x, pk, user);
	for (q = x->parked; q != NULL; q = q->next)
		if (q->resume == login_go && strcmp(q->client, pk->client) == 0 &&
		    q->not_before_ms < until)
			q->not_before_ms = until;
	login_held(x, pk, r, user, "Authentication failure", until);
}

/* The client's turn (its delay over, a helper free): check the password. */
static void
login_go(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	if (park_ctx_part(pk, CTX_HASH)[0] == '\0') {
		login_failed(x, pk, r);
		return;
	}
	if (auth_crypt(x, pk, park_ctx_part(pk, CTX_PASSWORD), park_ctx_part(pk, CTX_SALT),
	    login_checked) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "cannot start the password helper");
		login_logged(x, pk, park_ctx_part(pk, CTX_USER), r);
		return;
	}
	r->parked = 1;
}

/* The helper finished: its output is the password's hash with the stored salt. */
static void
login_checked(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	const char	*user = park_ctx_part(pk, CTX_USER), *made;
	int		 again;

	made = auth_crypt_result(x, pk, park_ctx_part(pk, CTX_PASSWORD),
	    park_ctx_part(pk, CTX_SALT), login_checked, &again);
	if (again) {
		r->parked = 1;
		return;
	}
	if (made != NULL && !auth_same(park_ctx_part(pk, CTX_HASH), made)) {
		login_failed(x, pk, r);
		return;
	}
	if (made == NULL)
		rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, user,
		    "no password helper (openssl or mkpasswd) could run");
	else {
		throttle_succeeded(x->throttle, pk->client);
		new_session(x, user, park_ctx_part(pk, CTX_ORIGINATOR), r);
	}
	login_logged(x, pk, user, r);
}

int
session_preauth(const struct xapi *x, const char *ref)
{
	size_t	i, n = nitems(x->preauth);

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
	size_t	n = nitems(x->preauth);

	if (strcmp(user, "root") != 0) {
		rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, user,
		    "Authentication failure");
		return;
	}
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
	int		 found, good;

	if (user == NULL || pw == NULL) {
		rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, user ? user : "",
		    "The username and password must be strings");
		return;
	}
	if (originator == NULL)
		originator = "";
	if (park != NULL && park->local && pw[0] == '\0') {
		login_preauth(x, user, originator, r);
		return;
	}
	if (park == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "a login needs its connection");
		return;
	}
	/* Unchecked, and answered no sooner than a failure, so refusals are no faster to
	   ask for than guesses. */
	if (client_pending(x, park->client) >= XAPI_LOGIN_PER_CLIENT) {
		long long	until = throttle_until(x->throttle, park->client);

		if (until < x->now_ms + XAPI_LOGIN_DELAY_MS)
			until = x->now_ms + XAPI_LOGIN_DELAY_MS;
		log_login(x->log, park->client, user, "refused");
		login_held(x, park, r, user, "too many logins under way from this address",
		    until);
		return;
	}
	/* Root only, as XAPI without external authentication: another account of the
	   password file must not get a session, every one of which is local superuser's. */
	if ((found = strcmp(user, "root") == 0 ? auth_hash(x->password_file, user, hash,
	    sizeof(hash)) : 0) == -1) {
		rpc_fail(x, r, "SESSION_AUTHENTICATION_FAILED", 2, user,
		    "cannot read the password file");
		return;
	}
	good = found == 1 && strlen(pw) <= 4000 && strchr(pw, '\n') == NULL &&
	    auth_salt(hash, salt, sizeof(salt)) == 0;
	parts[CTX_USER] = user;
	parts[CTX_ORIGINATOR] = originator;
	parts[CTX_HASH] = good ? hash : "";
	parts[CTX_SALT] = good ? salt : "";
	parts[CTX_PASSWORD] = good ? pw : "";
	if (park_set_ctx(park, parts, CTX_N) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	/* Checked by a helper process when the client's turn comes (a wrong user fails
	   then too, as slowly); the loop serves others meanwhile. */
	if ((park->not_before_ms = throttle_until(x->throttle, park->client)) > x->now_ms)
		log_login(x->log, park->client, user, "delayed");
	if (good) {
		auth_queue(x, park, r, login_go);
		return;
	}
	park->resume = login_go;
	r->parked = 1;
}

void
call_session_login(struct xapi *x, struct obj *session, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	const char	*user = rpc_param_str(p, 0);

	(void)session;
	login(x, p, r, park);
	/* A parked login is logged once its outcome is known. */
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
