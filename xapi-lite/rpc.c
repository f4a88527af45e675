/*
 * XenAPI dispatch: "Class.message" to a handler. Every class gets XAPI's implicit messages
 * from the model table (get_all and get_all_records unless NO_GET_ALL, get_record,
 * get_by_uuid, get_by_name_label, get_/set_ for fields, add_to_/remove_from_ for maps,
 * add_/remove_ for sets, create/destroy); explicit messages (sessions, VM lifecycle,
 * events, tasks) come from the table in calls.def. Errors carry XAPI's codes and
 * parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "calls.h"
#include "hval.h"
#include "journal.h"
#include "nitems.h"
#include "rpc_impl.h"
#include "utf8.h"
#include "xmlrpc.h"

/* ---- replies ---- */

void
rpc_fail(struct xapi *x, struct rpc_reply *r, const char *code, int n, ...)
{
	va_list	ap;
	int	i;

	r->value = NULL;
	if ((r->err = arena_alloc(&x->arena, (n + 1) * sizeof(char *))) == NULL) {
		static const char *oom[] = { "INTERNAL_ERROR", "out of memory" };

		r->err = (const char **)(uintptr_t)oom;
		r->nerr = 2;
		return;
	}
	r->err[0] = code;
	va_start(ap, n);
	/* Copies: a parameter may name an object the failing call is about to destroy. */
	for (i = 0; i < n; i++) {
		const char	*s = va_arg(ap, const char *);

		r->err[i + 1] = s != NULL ? arena_strndup(&x->arena, s, strlen(s)) : "";
		if (r->err[i + 1] == NULL)
			r->err[i + 1] = "";
	}
	va_end(ap);
	r->nerr = n + 1;
}

void
rpc_ok(struct rpc_reply *r, struct val *v)
{
	r->value = v;
	r->err = NULL;
	r->nerr = 0;
}

struct val *
rpc_val(struct xapi *x, enum val_type t)
{
	return val_new(&x->arena, t);
}

struct val *
rpc_str(struct xapi *x, const char *s)
{
	struct val	*v;

	if ((v = rpc_val(x, VAL_STRING)) != NULL) {
		v->u.s.p = s;
		v->u.s.len = strlen(s);
	}
	return v;
}

struct val *
rpc_bool(struct xapi *x, int b)
{
	struct val	*v = rpc_val(x, VAL_BOOL);

	if (v != NULL)
		v->u.b = b;
	return v;
}

struct val *
rpc_double(struct xapi *x, double d)
{
	struct val	*v = rpc_val(x, VAL_DOUBLE);

	if (v != NULL)
		v->u.d = d;
	return v;
}

const char *
rpc_printf(struct xapi *x, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (p = arena_alloc(&x->arena, n + 1)) == NULL)
		return "";
	va_start(ap, fmt);
	vsnprintf(p, n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* An array value of n slots in the arena (n filled later). */
struct val *
rpc_array(struct xapi *x, size_t cap)
{
	struct val	*a;

	if ((a = rpc_val(x, VAL_ARRAY)) == NULL)
		return NULL;
	if (cap && (a->u.a.items = arena_alloc(&x->arena, cap * sizeof(struct val *))) == NULL)
		return NULL;
	return a;
}

/* ---- parameters ---- */

const char *
rpc_param_str(struct val *params, size_t i)
{
	struct val	*v = params->u.a.items[i];

	return v->type == VAL_STRING ? v->u.s.p : NULL;
}

int
rpc_param_int(struct xapi *x, struct rpc_reply *r, struct val *params, size_t i,
    const char *name, long long *v)
{
	if (db_val_int(params->u.a.items[i], v) == 0)
		return 0;
	rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, name);
	return -1;
}

struct obj *
rpc_param_ref(struct xapi *x, struct rpc_reply *r, struct val *params, size_t i, enum cls c)
{
	struct val	*v = params->u.a.items[i];
	struct obj	*o;

	if (v->type != VAL_STRING) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, rpc_printf(x, "param %zu", i));
		return NULL;
	}
	if ((o = db_find(&x->db, v->u.s.p, v->u.s.len)) == NULL || o->cls != c) {
		rpc_fail(x, r, "HANDLE_INVALID", 2, model_classes[c].name, v->u.s.p);
		return NULL;
	}
	return o;
}

int
rpc_set_field(struct xapi *x, struct rpc_reply *r, struct obj *o, enum fld f, struct val *v)
{
	struct val	*c;

	if ((c = db_coerce(v, model_fields[f].kind)) == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, model_fields[f].name);
		return -1;
	}
	if (db_set(&x->db, o, f, c) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return -1;
	}
	return 0;
}

/* ---- implicit messages, from the model ---- */

static void
get_all(struct xapi *x, enum cls c, struct rpc_reply *r)
{
	struct val	*a;
	size_t		 i;

	if ((a = rpc_array(x, x->db.n[c])) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	for (i = 0; i < x->db.n[c]; i++)
		if ((a->u.a.items[a->u.a.n++] = rpc_str(x, x->db.objs[c][i]->ref)) == NULL) {
			rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
			return;
		}
	rpc_ok(r, a);
}

static void
get_all_records(struct xapi *x, enum cls c, struct rpc_reply *r, const struct park *park)
{
	struct val	*m;
	size_t		 i, n = x->db.n[c];

	/* Straight to a connection: written as the client takes it (stream.c). */
	if (park != NULL && park->stream_ok) {
		rpc_ok(r, NULL);
		r->records_of = (int)c + 1;
		return;
	}
	if ((m = rpc_val(x, VAL_STRUCT)) == NULL ||
	    (n && (m->u.st.m = arena_alloc(&x->arena, n * sizeof(struct val_member))) == NULL)) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		struct obj	*o = x->db.objs[c][i];

		m->u.st.m[i].name = o->ref;
		m->u.st.m[i].namelen = REF_LEN;
		if ((m->u.st.m[i].v = db_record(&x->db, o, &x->arena)) == NULL) {
			rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
			return;
		}
	}
	m->u.st.n = n;
	rpc_ok(r, m);
}

static void
get_by_name_label(struct xapi *x, enum cls c, const char *label, struct rpc_reply *r)
{
	struct val	*a;
	size_t		 i;
	int		 f = model_field(c, "name_label", 10);

	if ((a = rpc_array(x, x->db.n[c])) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	for (i = 0; i < x->db.n[c]; i++)
		if (strcmp(db_str(&x->db, x->db.objs[c][i], f), label) == 0)
			a->u.a.items[a->u.a.n++] = rpc_str(x, x->db.objs[c][i]->ref);
	rpc_ok(r, a);
}

/* class.create(record): fields given in the record, XAPI's defaults for the rest. */
static void
create(struct xapi *x, enum cls c, struct val *rec, struct rpc_reply *r)
{
	struct obj	*o;
	size_t		 i;
	int		 f;

	if (rec->type != VAL_STRUCT) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "args");
		return;
	}
	/* Check every field before anything exists. */
	for (i = 0; i < rec->u.st.n; i++) {
		struct val	*t;

		f = model_field(c, rec->u.st.m[i].name, rec->u.st.m[i].namelen);
		if (f < 0 || model_fields[f].access == RO)
			continue;
		if ((t = db_coerce(rec->u.st.m[i].v, model_fields[f].kind)) == NULL) {
			rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, model_fields[f].name);
			return;
		}
		hval_free(t);
	}
	if ((o = db_create(&x->db, c)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	for (i = 0; i < rec->u.st.n; i++) {
		f = model_field(c, rec->u.st.m[i].name, rec->u.st.m[i].namelen);
		if (f >= 0 && model_fields[f].access != RO &&
		    rpc_set_field(x, r, o, f, rec->u.st.m[i].v) == -1) {
			db_destroy(&x->db, o);
			return;
		}
	}
	if (rpc_created(x, o, r) == -1) {
		db_destroy(&x->db, o);
		return;
	}
	rpc_ok(r, rpc_str(x, o->ref));
}

/* Returns the field named by a message's suffix, or -1 (always for a class without
   field calls). */
static int
field_of(enum cls c, const char *msg, const char *prefix)
{
	size_t	n = strlen(prefix);

	if (strncmp(msg, prefix, n) != 0 || (model_classes[c].flags & NO_FIELD_CALLS))
		return -1;
	return model_field(c, msg + n, strlen(msg + n));
}

/* The implicit messages. Returns 0 when msg is one of them (r is filled), -1 otherwise. */
static int
implicit(struct xapi *x, enum cls c, const char *msg, struct val *p, struct rpc_reply *r,
    const char *method, const struct park *park)
{
	size_t		 argc = p->u.a.n - 1;	/* after the session */
	struct obj	*o;
	struct val	*v, *k;
	int		 f, expect = -1;
	enum kind	 kind;

#define ARGS(n) do {							\
	expect = (n);							\
	if (argc != (size_t)(n)) {					\
		rpc_fail(x, r, "MESSAGE_PARAMETER_COUNT_MISMATCH", 3, method, \
		    rpc_printf(x, "%d", (n)), rpc_printf(x, "%zu", argc)); \
		return 0;						\
	}								\
} while (0)

	if (strcmp(msg, "get_all") == 0 && !(model_classes[c].flags & NO_GET_ALL)) {
		ARGS(0);
		get_all(x, c, r);
	} else if (strcmp(msg, "get_all_records") == 0 &&
	    !(model_classes[c].flags & NO_GET_ALL)) {
		ARGS(0);
		get_all_records(x, c, r, park);
	} else if (strcmp(msg, "get_record") == 0) {
		ARGS(1);
		if ((o = rpc_param_ref(x, r, p, 1, c)) != NULL)
			rpc_ok(r, db_record(&x->db, o, &x->arena));
	} else if (strcmp(msg, "get_by_uuid") == 0) {
		ARGS(1);
		v = p->u.a.items[1];
		if (v->type != VAL_STRING)
			rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "uuid");
		else if ((o = db_find_uuid(&x->db, c, v->u.s.p, v->u.s.len)) == NULL)
			rpc_fail(x, r, "UUID_INVALID", 2, model_classes[c].name, v->u.s.p);
		else
			rpc_ok(r, rpc_str(x, o->ref));
	} else if (strcmp(msg, "get_by_name_label") == 0 && (model_classes[c].flags & BY_NAME)) {
		ARGS(1);
		if (rpc_param_str(p, 1) == NULL)
			rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "label");
		else
			get_by_name_label(x, c, rpc_param_str(p, 1), r);
	} else if (strcmp(msg, "create") == 0 && (model_classes[c].flags & CREATE)) {
		ARGS(1);
		create(x, c, p->u.a.items[1], r);
	} else if (strcmp(msg, "destroy") == 0 && (model_classes[c].flags & DESTROY)) {
		ARGS(1);
		if ((o = rpc_param_ref(x, r, p, 1, c)) != NULL && rpc_destroying(x, o, r) == 0) {
			db_destroy(&x->db, o);
			rpc_ok(r, rpc_str(x, ""));
		}
	} else if ((f = field_of(c, msg, "get_")) >= 0) {
		ARGS(1);
		if ((o = rpc_param_ref(x, r, p, 1, c)) != NULL)
			rpc_ok(r, db_field(&x->db, o, f, &x->arena));
	} else if ((f = field_of(c, msg, "set_")) >= 0 && model_fields[f].access == RW) {
		ARGS(2);
		if ((o = rpc_param_ref(x, r, p, 1, c)) != NULL &&
		    rpc_set_field(x, r, o, f, p->u.a.items[2]) == 0 && rpc_changed(x, o, r) == 0)
			rpc_ok(r, rpc_str(x, ""));
	} else if ((f = field_of(c, msg, "add_to_")) >= 0 && model_fields[f].access == RW &&
	    model_fields[f].kind == K_MAP) {
		ARGS(3);
		k = p->u.a.items[2];
		v = p->u.a.items[3];
		if ((o = rpc_param_ref(x, r, p, 1, c)) == NULL)
			return 0;
		if (k->type != VAL_STRING || v->type != VAL_STRING)
			return rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, model_fields[f].name), 0;
		if (hval_get(db_get(&x->db, o, f), k->u.s.p, k->u.s.len) != NULL)
			return rpc_fail(x, r, "MAP_DUPLICATE_KEY", 4, model_classes[c].name,
			    model_fields[f].name, o->ref + 10, k->u.s.p), 0;
		if (hval_put(db_get(&x->db, o, f), k->u.s.p, hval_dup(v)) == -1)
			return rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory"), 0;
		db_touch(&x->db, o);
		rpc_ok(r, rpc_str(x, ""));
	} else if ((f = field_of(c, msg, "remove_from_")) >= 0 &&
	    model_fields[f].access == RW && model_fields[f].kind == K_MAP) {
		ARGS(2);
		k = p->u.a.items[2];
		if ((o = rpc_param_ref(x, r, p, 1, c)) == NULL)
			return 0;
		if (k->type != VAL_STRING)
			return rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, model_fields[f].name), 0;
		if (hval_del(db_get(&x->db, o, f), k->u.s.p, k->u.s.len))
			db_touch(&x->db, o);
		rpc_ok(r, rpc_str(x, ""));
	} else if (((f = field_of(c, msg, "add_")) >= 0 || (f = field_of(c, msg, "remove_")) >= 0) &&
	    model_fields[f].access == RW &&
	    ((kind = model_fields[f].kind) == K_SET || kind == K_REFSET)) {
		ARGS(2);
		v = p->u.a.items[2];
		if ((o = rpc_param_ref(x, r, p, 1, c)) == NULL)
			return 0;
		if (v->type != VAL_STRING)
			return rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, model_fields[f].name), 0;
		/* Sets hold each value once: remove, then add back for add_. */
		hval_remove_string(db_get(&x->db, o, f), v->u.s.p, v->u.s.len);
		if (msg[3] == '_' && hval_push(db_get(&x->db, o, f), hval_dup(v)) == -1)
			return rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory"), 0;
		db_touch(&x->db, o);
		rpc_ok(r, rpc_str(x, ""));
	} else
		return -1;
	(void)expect;
	return 0;
#undef ARGS
}

/* ---- the call table ---- */

static const struct call calls[] = {
#define CALL(cls, msg, nargs, flags, fn) { #cls, #msg, nargs, flags, fn },
#include "calls.def"
#undef CALL
};

static const struct call *
find_call(const char *cls, size_t clen, const char *msg)
{
	size_t	i;

	for (i = 0; i < nitems(calls); i++)
		if (strlen(calls[i].cls) == clen && memcmp(calls[i].cls, cls, clen) == 0 &&
		    strcmp(calls[i].msg, msg) == 0)
			return &calls[i];
	return NULL;
}

/* The class a wire name without dots starts with, followed by '_' ("VM_guest_metrics" in
   "VM_guest_metrics_get_all", not "VM"): its length, or 0. */
static size_t
class_prefix(const char *name)
{
	size_t	i, n, best = 0;

	for (i = 0; i < C__COUNT; i++) {
		n = strlen(model_classes[i].name);
		if (n > best && strncmp(name, model_classes[i].name, n) == 0 && name[n] == '_')
			best = n;
	}
	for (i = 0; i < nitems(calls); i++) {
		n = strlen(calls[i].cls);
		if (n > best && strncmp(name, calls[i].cls, n) == 0 && name[n] == '_')
			best = n;
	}
	return best;
}

/* XAPI's servers also take every call by its alternative wire name, with '_' for the
   '.' after the class ("event_from", "VM_guest_metrics_get_all"), as older clients and
   XAPI's Python examples send them, also after "Async." ("Async.VM_start"); "Async_" is
   no prefix (XAPI's server_helpers: the X_y form does not work with it). The dotted
   name, or method itself when it is not one. */
static const char *
dotted(struct xapi *x, const char *method)
{
	size_t	n;

	if (strchr(method, '.') != NULL || (n = class_prefix(method)) == 0)
		return method;
	return rpc_printf(x, "%.*s.%s", (int)n, method, method + n + 1);
}

/* Whether XAPI offers an Async form of method (dotted): explicit messages unless the
   datamodel says not (NO_ASYNC), and of the implicit ones only create and destroy, never
   the getters, setters and get_all* (datamodel_utils: msg_async false). */
static int
has_async(const char *method)
{
	const char		*dot = strchr(method, '.');
	const struct call	*call;

	if (dot == NULL)
		return 0;
	if ((call = find_call(method, (size_t)(dot - method), dot + 1)) != NULL)
		return !(call->flags & NO_ASYNC);
	return strcmp(dot + 1, "create") == 0 || strcmp(dot + 1, "destroy") == 0;
}

/* Async.method of a message without an Async form: XAPI's do_dispatch answers a fault
   after the session check. Returns 1 when r is filled so. */
static int
no_async_mode(struct xapi *x, const char *method, const char *given, struct val *params,
    struct rpc_reply *r)
{
	const char		*dot = strchr(method, '.');
	const struct call	*call = dot ? find_call(method, (size_t)(dot - method), dot + 1) :
	    NULL;

	if (dot == NULL || (call == NULL && model_class(method, (size_t)(dot - method)) < 0) ||
	    has_async(method))
		return 0;
	if (call == NULL || !(call->flags & NO_SESSION)) {
		if (params->u.a.n == 0) {
			rpc_fail(x, r, "SESSION_INVALID", 1, "");
			return 1;
		}
		if (rpc_session(x, params->u.a.items[0], r) == NULL)
			return 1;
	}
	rpc_fail(x, r, "Fault", 1,
	    rpc_printf(x, "No async mode for this operation (rpc: %s)", given));
	return 1;
}

/* system.listMethods: every sync wire name, implicit ones included (XO reads its classes
   from the *.get_all_records entries). */
static void
list_methods(struct xapi *x, struct rpc_reply *r)
{
	struct buf	 names;
	struct val	*a;
	size_t		 i, n = 0, cap = 8192;
	int		 c, f;
	const char	*nm;

	buf_init(&names, 0);
	if ((a = rpc_array(x, cap)) == NULL)
		goto oom;
#define ADD(...) do {							\
	if (n == cap || (nm = rpc_printf(x, __VA_ARGS__))[0] == '\0')	\
		goto oom;						\
	a->u.a.items[n++] = rpc_str(x, nm);				\
} while (0)
	ADD("system.listMethods");
	for (i = 0; i < nitems(calls); i++)
		ADD("%s.%s", calls[i].cls, calls[i].msg);
	for (c = 0; c < C__COUNT; c++) {
		const struct class_desc	*cd = &model_classes[c];

		if (!(cd->flags & NO_GET_ALL)) {
			ADD("%s.get_all", cd->name);
			ADD("%s.get_all_records", cd->name);
		}
		ADD("%s.get_record", cd->name);
		ADD("%s.get_by_uuid", cd->name);
		if (cd->flags & BY_NAME)
			ADD("%s.get_by_name_label", cd->name);
		if (cd->flags & CREATE)
			ADD("%s.create", cd->name);
		if (cd->flags & DESTROY)
			ADD("%s.destroy", cd->name);
		for (f = 0; f < F__COUNT; f++) {
			const struct field_desc	*fd = &model_fields[f];

			if (fd->cls != (enum cls)c || (cd->flags & NO_FIELD_CALLS))
				continue;
			ADD("%s.get_%s", cd->name, fd->name);
			if (fd->access != RW)
				continue;
			ADD("%s.set_%s", cd->name, fd->name);
			if (fd->kind == K_MAP) {
				ADD("%s.add_to_%s", cd->name, fd->name);
				ADD("%s.remove_from_%s", cd->name, fd->name);
			} else if (fd->kind == K_SET || fd->kind == K_REFSET) {
				ADD("%s.add_%s", cd->name, fd->name);
				ADD("%s.remove_%s", cd->name, fd->name);
			}
		}
	}
#undef ADD
	a->u.a.n = n;
	buf_free(&names);
	rpc_ok(r, a);
	r->unwrapped = 1;
	return;
oom:
	buf_free(&names);
	rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
}

/* Runs a call synchronously (the Async. prefix already removed). */
static void
dispatch(struct xapi *x, const char *method, struct val *params, struct rpc_reply *r,
    struct park *park)
{
	const char		*dot, *msg;
	const struct call	*call;
	struct obj		*session = NULL;
	size_t			 argc;
	int			 c;

	if ((dot = strchr(method, '.')) == NULL) {
		rpc_fail(x, r, "MESSAGE_METHOD_UNKNOWN", 1, method);
		return;
	}
	msg = dot + 1;
	call = find_call(method, dot - method, msg);
	c = model_class(method, dot - method);
	if (call == NULL && c < 0) {
		rpc_fail(x, r, "MESSAGE_METHOD_UNKNOWN", 1, method);
		return;
	}

	if (call == NULL || !(call->flags & NO_SESSION)) {
		if (params->u.a.n == 0) {
			rpc_fail(x, r, "MESSAGE_PARAMETER_COUNT_MISMATCH", 3, method,
			    call ? rpc_printf(x, "%d", call->nargs) : "1", "0");
			return;
		}
		if ((session = rpc_session(x, params->u.a.items[0], r)) == NULL)
			return;
	}
	if (call != NULL) {
		argc = params->u.a.n - (session != NULL);
		if (argc < (size_t)call->nargs ||
		    argc > (size_t)call->nargs + (size_t)((call->flags >> 8) & 0xf)) {
			rpc_fail(x, r, "MESSAGE_PARAMETER_COUNT_MISMATCH", 3, method,
			    rpc_printf(x, "%d", call->nargs), rpc_printf(x, "%zu", argc));
			return;
		}
		call->fn(x, session, params, r, park);
		return;
	}
	if (implicit(x, c, msg, params, r, method, park) == -1)
		rpc_fail(x, r, "MESSAGE_METHOD_UNKNOWN", 1, method);
}

/* The first string in v (recursively) that is not UTF-8, or NULL. */
static const char *
bad_utf8(const struct val *v)
{
	const char	*bad;
	size_t		 i;

	switch (v->type) {
	case VAL_STRING:
		return utf8_valid(v->u.s.p, v->u.s.len) ? NULL : v->u.s.p;
	case VAL_ARRAY:
		for (i = 0; i < v->u.a.n; i++)
			if ((bad = bad_utf8(v->u.a.items[i])) != NULL)
				return bad;
		return NULL;
	case VAL_STRUCT:
		for (i = 0; i < v->u.st.n; i++)
			if (!utf8_valid(v->u.st.m[i].name, v->u.st.m[i].namelen))
				return v->u.st.m[i].name;
			else if ((bad = bad_utf8(v->u.st.m[i].v)) != NULL)
				return bad;
		return NULL;
	default:
		return NULL;
	}
}

int
rpc_writes(const char *method)
{
	const char	*dot = strchr(method, '.');
	int		 c;

	if (strncmp(method, "Async.", 6) == 0)
		return rpc_writes(method + 6);
	/* The host plugins here only read. */
	if (dot == NULL || strcmp(method, "system.listMethods") == 0 ||
	    strncmp(dot + 1, "get_", 4) == 0 || strcmp(method, "host.call_plugin") == 0)
		return 0;
	/* Sessions, tasks and event subscriptions live only in memory; event.inject marks an
	   object changed. */
	if ((c = model_class(method, dot - method)) == C_session || c == C_task)
		return 0;
	if (dot - method == 5 && strncmp(method, "event", 5) == 0)
		return strcmp(dot + 1, "inject") == 0;
	return c >= 0;	/* no such class: MESSAGE_METHOD_UNKNOWN says so */
}

void
rpc_call(struct xapi *x, const char *method, struct val *params, struct rpc_reply *r,
    struct park *park)
{
	const char	*bad, *given, *async = NULL;

	memset(r, 0, sizeof(*r));
	if (params == NULL || params->type != VAL_ARRAY) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "params is not an array");
		return;
	}
	if ((bad = bad_utf8(params)) != NULL) {
		rpc_fail(x, r, "INVALID_VALUE", 2, "Invalid UTF-8 string in parameter", bad);
		return;
	}
	if (strcmp(method, "system_listMethods") == 0 || strcmp(method, "system.listMethods") == 0) {
		list_methods(x, r);
		return;
	}
	if (strncmp(method, "Async.", 6) == 0) {
		given = method + 6;
		async = dotted(x, given);
		if (no_async_mode(x, async, given, params, r))
			return;
		method = rpc_printf(x, "Async.%s", async);
	} else
		method = dotted(x, method);
	/* A full disk: reads answer, writes wait until the journal can take them again. */
	if (x->journal != NULL && !journal_writable(x->journal) && rpc_writes(method)) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, journal_error(x->journal));
		return;
	}
	if (async != NULL) {
		rpc_async(x, async, params, r, dispatch);
		return;
	}
	dispatch(x, method, params, r, park);
}
