/*
 * The message class's calls, as XAPI's xapi_message.ml has them: create (checking the class
 * and that the object exists), destroy, destroy_many, destroy_all, get (one object's since
 * a time), get_since, get_all, get_record, get_by_uuid, get_all_records and
 * get_all_records_where. Messages have none of the implicit field calls (XAPI keeps them
 * out of its database).
 */
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "datetime.h"
#include "hval.h"
#include "message.h"
#include "nitems.h"
#include "rpc_impl.h"
#include "where.h"
#include "xapi_limits.h"

/* The unix time of a message's timestamp. */
static long long
stamp(struct xapi *x, const struct obj *m)
{
	const char	*t = db_str(&x->db, m, F_message_timestamp);
	long long	 v = 0;

	(void)datetime_parse(t, strlen(t), &v);
	return v;
}

/* Parameter i as a DateTime (an XML-RPC dateTime or a string): 0, or -1 with r filled. */
static int
param_time(struct xapi *x, struct rpc_reply *r, struct val *p, size_t i, const char *name,
    long long *t)
{
	struct val	*v = p->u.a.items[i];

	if ((v->type != VAL_STRING && v->type != VAL_DATETIME) ||
	    datetime_parse(v->u.s.p, v->u.s.len, t) == -1) {
		rpc_fail(x, r, "INVALID_VALUE", 2, name,
		    v->type == VAL_STRING || v->type == VAL_DATETIME ? v->u.s.p : "");
		return -1;
	}
	return 0;
}

typedef int keep_fn(struct xapi *x, const struct obj *m, void *ctx);

/* r gets the map of every message keep accepts (all when keep is NULL) to its record. */
static void
records(struct xapi *x, struct rpc_reply *r, keep_fn *keep, void *ctx)
{
	struct val	*map;
	size_t		 i, n = x->db.n[C_message];
	int		 k;

	if ((map = rpc_val(x, VAL_STRUCT)) == NULL ||
	    (n && (map->u.st.m = arena_alloc(&x->arena, n * sizeof(struct val_member))) == NULL)) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		struct obj	*m = x->db.objs[C_message][i];
		struct val_member *e = &map->u.st.m[map->u.st.n];

		if (keep != NULL && (k = keep(x, m, ctx)) <= 0) {
			if (k < 0)
				return;		/* r filled */
			continue;
		}
		e->name = m->ref;
		e->namelen = REF_LEN;
		if ((e->v = db_record(&x->db, m, &x->arena)) == NULL) {
			rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
			return;
		}
		map->u.st.n++;
	}
	rpc_ok(r, map);
}

void
call_message_create(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	const char	*name = rpc_param_str(p, 1), *cls = rpc_param_str(p, 3);
	const char	*uuid = rpc_param_str(p, 4), *body = rpc_param_str(p, 5);
	long long	 priority;
	struct obj	*m;

	(void)s;
	(void)park;
	if (name == NULL || cls == NULL || uuid == NULL || body == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, name == NULL ? "name" : cls == NULL ?
		    "cls" : uuid == NULL ? "obj_uuid" : "body");
		return;
	}
	if (rpc_param_int(x, r, p, 2, "priority", &priority) == -1)
		return;
	if (!message_class_ok(cls)) {
		rpc_fail(x, r, "INVALID_VALUE", 2, "cls", cls);
		return;
	}
	/* Not XAPI's: a bound on what one client can make the store hold. */
	if (strlen(name) > XAPI_MESSAGE_BODY_MAX || strlen(body) > XAPI_MESSAGE_BODY_MAX) {
		rpc_fail(x, r, "INVALID_VALUE", 2, strlen(name) > XAPI_MESSAGE_BODY_MAX ?
		    "name" : "body", rpc_printf(x, "longer than %d bytes", XAPI_MESSAGE_BODY_MAX));
		return;
	}
	if (!message_object_exists(x, cls, uuid)) {
		rpc_fail(x, r, "UUID_INVALID", 2, cls, uuid);
		return;
	}
	if ((m = message_raise(x, name, priority, cls, uuid, body)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	rpc_ok(r, rpc_str(x, m->ref));
}

void
call_message_destroy(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*m;

	(void)s;
	(void)park;
	if ((m = rpc_param_ref(x, r, p, 1, C_message)) == NULL)
		return;
	db_destroy(&x->db, m);
	rpc_ok(r, rpc_str(x, ""));
}

void
call_message_destroy_many(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct val	*set = p->u.a.items[1];
	struct obj	*m;
	size_t		 i;

	(void)s;
	(void)park;
	if (set->type != VAL_ARRAY) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "messages");
		return;
	}
	/* XAPI destroys them in turn and stops at the first that is not a message. */
	for (i = 0; i < set->u.a.n; i++) {
		struct val	*v = set->u.a.items[i];

		if (v->type != VAL_STRING ||
		    (m = db_find(&x->db, v->u.s.p, v->u.s.len)) == NULL || m->cls != C_message) {
			rpc_fail(x, r, "HANDLE_INVALID", 2, "message",
			    v->type == VAL_STRING ? v->u.s.p : "");
			return;
		}
		db_destroy(&x->db, m);
	}
	rpc_ok(r, rpc_str(x, ""));
}

/* destroy_all's filters (XAPI's): each one given must hold. */
struct destroy_filter {
	int		 before_set, after_set, priority_set;
	long long	 before, after, priority;
};

/* Reads filter key of filters into *out (a DateTime, or an int when is_int): 0 when absent
   or good (*set tells which), or -1 with r filled (INVALID_VALUE [key; value]). */
static int
filter(struct xapi *x, struct rpc_reply *r, struct val *filters, const char *key,
    int is_int, int *set, long long *out)
{
	struct val	*v = hval_get(filters, key, strlen(key));
	int		 bad;

	if (v == NULL)
		return 0;
	*set = 1;
	bad = is_int ? db_val_int(v, out) == -1 : v->type != VAL_STRING ||
	    datetime_parse(v->u.s.p, v->u.s.len, out) == -1;
	if (!bad)
		return 0;
	rpc_fail(x, r, "INVALID_VALUE", 2, key, v->type == VAL_STRING ? v->u.s.p : "");
	return -1;
}

void
call_message_destroy_all(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct val		*filters = p->u.a.items[1];
	struct destroy_filter	 f;
	size_t			 i;

	(void)s;
	(void)park;
	memset(&f, 0, sizeof(f));
	if (filters->type != VAL_STRUCT) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "filters");
		return;
	}
	if (filter(x, r, filters, "before", 0, &f.before_set, &f.before) == -1 ||
	    filter(x, r, filters, "after", 0, &f.after_set, &f.after) == -1 ||
	    filter(x, r, filters, "priority", 1, &f.priority_set, &f.priority) == -1)
		return;
	for (i = x->db.n[C_message]; i-- > 0;) {
		struct obj	*m = x->db.objs[C_message][i];
		long long	 t = stamp(x, m);

		if ((f.before_set && !(t < f.before)) || (f.after_set && !(t > f.after)) ||
		    (f.priority_set && db_get(&x->db, m, F_message_priority)->u.i != f.priority))
			continue;
		db_destroy(&x->db, m);
	}
	rpc_ok(r, rpc_str(x, ""));
}

struct of_object {
	const char	*cls, *uuid;
	long long	 since;
};

static int
keep_of_object(struct xapi *x, const struct obj *m, void *ctx)
{
	const struct of_object	*o = ctx;

	return strcmp(db_str(&x->db, m, F_message_cls), o->cls) == 0 &&
	    strcmp(db_str(&x->db, m, F_message_obj_uuid), o->uuid) == 0 &&
	    stamp(x, m) > o->since;
}

void
call_message_get(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct of_object	o;

	(void)s;
	(void)park;
	o.cls = rpc_param_str(p, 1);
	o.uuid = rpc_param_str(p, 2);
	if (o.cls == NULL || !message_class_ok(o.cls)) {
		rpc_fail(x, r, "INVALID_VALUE", 2, "cls", o.cls != NULL ? o.cls : "");
		return;
	}
	if (o.uuid == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "obj_uuid");
		return;
	}
	if (param_time(x, r, p, 3, "since", &o.since) == -1)
		return;
	/* XAPI's get names neither the class nor the uuid in this error. */
	if (!message_object_exists(x, o.cls, o.uuid)) {
		rpc_fail(x, r, "UUID_INVALID", 0);
		return;
	}
	records(x, r, keep_of_object, &o);
}

/* XAPI compares get_since's cutoff with the creation time to the microsecond: a message
   made in the cutoff's second is after it (but for one made at its very start). */
static int
keep_since(struct xapi *x, const struct obj *m, void *ctx)
{
	return stamp(x, m) >= *(const long long *)ctx;
}

void
call_message_get_since(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	long long	since;

	(void)s;
	(void)park;
	if (param_time(x, r, p, 1, "since", &since) == 0)
		records(x, r, keep_since, &since);
}

struct where_row {
	struct xapi		*x;
	const struct obj	*m;
	struct rpc_reply	*r;
	const struct where	*w;
};

/* The fields XAPI's get_all_records_where knows, as text. */
static const char *
message_field(void *ctx, const char *name, size_t len)
{
	const struct where_row	*row = ctx;
	struct xapi		*x = row->x;
	static const struct {
		const char	*name;
		enum fld	 f;
	} fields[] = {
		{ "name", F_message_name }, { "uuid", F_message_uuid },
		{ "priority", F_message_priority }, { "cls", F_message_cls },
		{ "obj_uuid", F_message_obj_uuid }, { "timestamp", F_message_timestamp },
		{ "body", F_message_body },
	};
	size_t			 i;

	for (i = 0; i < nitems(fields); i++)
		if (strlen(fields[i].name) == len && memcmp(fields[i].name, name, len) == 0) {
			if (fields[i].f == F_message_priority)
				return rpc_printf(x, "%lld",
				    (long long)db_get(&x->db, row->m, F_message_priority)->u.i);
			return db_str(&x->db, row->m, fields[i].f);
		}
	return NULL;
}

static int
keep_where(struct xapi *x, const struct obj *m, void *ctx)
{
	struct where_row	*row = ctx;
	const char		*unknown;
	size_t			 ulen;
	int			 k;

	row->m = m;
	if ((k = where_eval(row->w, message_field, row, &unknown, &ulen)) < 0)
		rpc_fail(x, row->r, "INTERNAL_ERROR", 3, "missing field",
		    rpc_printf(x, "%.*s", (int)ulen, unknown), "");
	return k;
}

void
call_message_get_all_records_where(struct xapi *x, struct obj *s, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	struct val		*e = p->u.a.items[1];
	struct where		*w;
	struct where_row	 row;
	char			 why[128];

	(void)s;
	(void)park;
	if (e->type != VAL_STRING) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "expr");
		return;
	}
	if ((w = arena_alloc(&x->arena, sizeof(*w))) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	/* XAPI: INVALID_VALUE [expression; the parser's exception]. */
	if (where_parse(e->u.s.p, e->u.s.len, w, why, sizeof(why)) == -1) {
		rpc_fail(x, r, "INVALID_VALUE", 2, e->u.s.p, why);
		return;
	}
	row.x = x;
	row.r = r;
	row.w = w;
	records(x, r, keep_where, &row);
}
