/*
 * Events as XAPI's event.from has them: a subscription ("*", a class, or class/ref), a token
 * "%020llu,%020llu" (database generation, message generation), at most one event per
 * object with its latest snapshot, deletions from tombstones, valid_ref_counts, and a
 * long-poll that parks the request instead of blocking anyone else.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "calls.h"
#include "hval.h"
#include "rpc_impl.h"

#define MAX_SUBS	64

struct sub {
	int	 cls;		/* -1: every class */
	char	 ref[REF_LEN + 1];	/* "" : every object of the class */
};

/* Parses the subscription; returns how many, or -1 with *bad naming the bad entry. */
static int
parse_subs(struct val *classes, struct sub *subs, const char **bad)
{
	size_t	i, n = 0;

	if (classes->type != VAL_ARRAY) {
		*bad = "";
		return -1;
	}
	for (i = 0; i < classes->u.a.n && n < MAX_SUBS; i++) {
		struct val	*v = classes->u.a.items[i];
		const char	*slash;
		size_t		 clen;

		if (v->type != VAL_STRING) {
			*bad = "";
			return -1;
		}
		subs[n].ref[0] = '\0';
		if (strcmp(v->u.s.p, "*") == 0) {
			subs[n++].cls = -1;
			continue;
		}
		slash = strchr(v->u.s.p, '/');
		clen = slash ? (size_t)(slash - v->u.s.p) : v->u.s.len;
		if ((subs[n].cls = model_class_ci(v->u.s.p, clen)) < 0 ||
		    (slash && strlen(slash + 1) != REF_LEN)) {
			*bad = v->u.s.p;
			return -1;
		}
		if (slash)
			memcpy(subs[n].ref, slash + 1, REF_LEN + 1);
		n++;
	}
	return (int)n;
}

static int
wanted(const struct sub *subs, int n, enum cls c, const char *ref)
{
	int	i;

	for (i = 0; i < n; i++)
		if (subs[i].cls == -1 || (subs[i].cls == (int)c &&
		    (subs[i].ref[0] == '\0' || strcmp(subs[i].ref, ref) == 0)))
			return 1;
	return 0;
}

static int
parse_token(const char *t, uint64_t *gen)
{
	char	*end;

	if (t[0] == '\0') {
		*gen = 0;
		return 0;
	}
	if (strlen(t) != 41 || t[20] != ',')
		return -1;
	*gen = strtoull(t, &end, 10);
	if (end != t + 20)
		return -1;
	strtoull(t + 21, &end, 10);
	return *end == '\0' ? 0 : -1;
}

static struct val *
event_record(struct xapi *x, uint64_t gen, const char *cls, const char *op, const char *ref,
    struct val *snapshot)
{
	struct val	*e;
	int		 n = snapshot ? 6 : 5;

	if ((e = rpc_val(x, VAL_STRUCT)) == NULL ||
	    (e->u.st.m = arena_alloc(&x->arena, n * sizeof(struct val_member))) == NULL)
		return NULL;
#define MEMBER(i, nm, val) (e->u.st.m[i].name = nm, e->u.st.m[i].namelen = strlen(nm), \
	e->u.st.m[i].v = (val))
	MEMBER(0, "id", rpc_str(x, rpc_printf(x, "%" PRIu64, gen)));
	MEMBER(1, "timestamp", rpc_str(x, "0.0"));
	MEMBER(2, "class", rpc_str(x, cls));
	MEMBER(3, "operation", rpc_str(x, op));
	MEMBER(4, "ref", rpc_str(x, ref));
	if (snapshot)
		MEMBER(5, "snapshot", snapshot);
#undef MEMBER
	e->u.st.n = n;
	return e;
}

/* Collects the events after token for subs. Returns the batch, or NULL on ENOMEM;
   *count gets the number of events. */
static struct val *
collect(struct xapi *x, const struct sub *subs, int nsubs, uint64_t token, size_t *count)
{
	struct val	*batch, *events, *counts, *e;
	size_t		 i, n = 0, cap = 16, c;

	if ((events = rpc_array(x, cap)) == NULL)
		return NULL;
#define PUSH(ev) do {								\
	if ((e = (ev)) == NULL)							\
		return NULL;							\
	if (n == cap) {								\
		struct val **items = arena_alloc(&x->arena, 2 * cap * sizeof(*items)); \
		if (items == NULL)						\
			return NULL;						\
		memcpy(items, events->u.a.items, n * sizeof(*items));		\
		events->u.a.items = items;					\
		cap *= 2;							\
	}									\
	events->u.a.items[n++] = e;						\
} while (0)
	for (c = 0; c < C__COUNT; c++)
		for (i = 0; i < x->db.n[c]; i++) {
			struct obj	*o = x->db.objs[c][i];

			if (o->modified <= token || !wanted(subs, nsubs, c, o->ref))
				continue;
			/* XAPI's message events come from its message store, with id 0. */
			PUSH(event_record(x, c == C_message ? 0 : o->modified,
			    model_classes[c].lcname,
			    o->created > token ? "add" : "mod", o->ref,
			    db_record(&x->db, o, &x->arena)));
		}
	for (i = 0; i < x->db.ntombs; i++) {
		struct tomb	*t = &x->db.tombs[i];

		if (t->gen > token && token > 0 && wanted(subs, nsubs, t->cls, t->ref))
			PUSH(event_record(x, t->cls == C_message ? 0 : t->gen,
			    model_classes[t->cls].lcname, "del",
			    t->ref, NULL));
	}
#undef PUSH
	events->u.a.n = n;
	*count = n;

	if ((counts = rpc_val(x, VAL_STRUCT)) == NULL ||
	    (counts->u.st.m = arena_alloc(&x->arena, C__COUNT * sizeof(struct val_member))) == NULL)
		return NULL;
	/* Every table's row count, whatever the subscription, as XAPI reports them. */
	for (c = 0; c < C__COUNT; c++) {
		struct val	*v;

		if (c == C_message)
			continue;	/* not in XAPI's database */
		if ((v = rpc_val(x, VAL_INT32)) == NULL)
			return NULL;
		v->u.i = (int64_t)x->db.n[c];
		counts->u.st.m[counts->u.st.n].name = model_classes[c].lcname;
		counts->u.st.m[counts->u.st.n].namelen = strlen(model_classes[c].lcname);
		counts->u.st.m[counts->u.st.n++].v = v;
	}

	if ((batch = rpc_val(x, VAL_STRUCT)) == NULL ||
	    (batch->u.st.m = arena_alloc(&x->arena, 3 * sizeof(struct val_member))) == NULL)
		return NULL;
	batch->u.st.m[0] = (struct val_member){ "events", 6, events };
	batch->u.st.m[1] = (struct val_member){ "valid_ref_counts", 16, counts };
	batch->u.st.m[2] = (struct val_member){ "token", 5,
	    rpc_str(x, rpc_printf(x, "%020" PRIu64 ",%020d", x->db.gen, 0)) };
	batch->u.st.n = 3;
	return batch;
}

/* The subscription as '\n'-separated text (heap), or NULL. */
static char *
subs_text(const struct val *classes, const char *also)
{
	struct buf	b;
	size_t		i;

	buf_init(&b, 0);
	if (also != NULL && buf_puts(&b, also) == -1)
		goto fail;
	for (i = 0; i < classes->u.a.n; i++)
		if (buf_printf(&b, "%s\n", classes->u.a.items[i]->u.s.p) == -1)
			goto fail;
	return b.p != NULL ? b.p : calloc(1, 1);
fail:
	buf_free(&b);
	return NULL;
}

/* Parses saved subscription text; returns the count, or -1. */
static int
subs_parse(struct xapi *x, const char *text, struct sub *subs)
{
	struct val	*classes;
	const char	*line, *p, *bad;
	size_t		 n;

	for (n = 0, p = text; *p; p++)
		n += *p == '\n';
	if ((classes = rpc_array(x, n)) == NULL)
		return -1;
	for (line = text; (p = strchr(line, '\n')) != NULL; line = p + 1)
		classes->u.a.items[classes->u.a.n++] =
		    rpc_str(x, rpc_printf(x, "%.*s", (int)(p - line), line));
	return parse_subs(classes, subs, &bad);
}

static struct reg *
find_reg(struct xapi *x, const char *session)
{
	struct reg	*g;

	for (g = x->regs; g != NULL; g = g->next)
		if (strcmp(g->session, session) == 0)
			return g;
	return NULL;
}

void
call_event_from(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct sub	 subs[MAX_SUBS];
	const char	*bad = "", *token = rpc_param_str(p, 2);
	struct val	*batch, *tv = p->u.a.items[3];
	uint64_t	 gen;
	double		 timeout;
	size_t		 count;
	long long	 n;
	int		 nsubs;

	if ((nsubs = parse_subs(p->u.a.items[1], subs, &bad)) < 0) {
		rpc_fail(x, r, "EVENT_SUBSCRIPTION_PARSE_FAILURE", 1, bad);
		return;
	}
	if (token == NULL || parse_token(token, &gen) == -1) {
		rpc_fail(x, r, "EVENT_FROM_TOKEN_PARSE_FAILURE", 1, token ? token : "");
		return;
	}
	if (tv->type == VAL_DOUBLE)
		timeout = tv->u.d;
	else if (db_val_int(tv, &n) == 0)
		timeout = (double)n;
	else if (tv->type == VAL_STRING)
		timeout = strtod(tv->u.s.p, NULL);
	else {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "timeout");
		return;
	}

	if ((batch = collect(x, subs, nsubs, gen, &count)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	if (count > 0 || timeout <= 0 || park == NULL) {
		rpc_ok(r, batch);
		return;
	}

	/* Nothing yet: park until a change or the deadline. */
	memcpy(park->session, s->ref, sizeof(park->session));
	park->token = gen;
	park->deadline_ms = x->now_ms + (long long)(timeout * 1000);
	if ((park->classes = subs_text(p->u.a.items[1], NULL)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	r->parked = 1;
}

void
rpc_wake(struct xapi *x, void (*answer)(struct xapi *, struct park *, struct rpc_reply *))
{
	struct park	*pk, *next;
	struct sub	 subs[MAX_SUBS];
	struct val	*batch;
	struct reg	*g;
	struct rpc_reply r;
	size_t		 count = 0;
	int		 nsubs;

	for (pk = x->parked; pk != NULL; pk = next) {
		next = pk->next;
		if (pk->job != NULL || pk->resume != NULL)
			continue;		/* waits for a child or a time, not for events */
		memset(&r, 0, sizeof(r));
		if (db_find(&x->db, pk->session, REF_LEN) == NULL) {
			rpc_fail(x, &r, "SESSION_INVALID", 1, pk->session);
			answer(x, pk, &r);
			continue;
		}
		/* Nothing changed since it parked, and time is left: nothing to do. */
		if (x->db.gen <= pk->token && x->now_ms < pk->deadline_ms)
			continue;
		if ((nsubs = subs_parse(x, pk->classes, subs)) < 0 ||
		    (batch = collect(x, subs, nsubs, pk->token, &count)) == NULL)
			continue;
		if (count == 0 && x->now_ms < pk->deadline_ms)
			continue;
		if (pk->legacy) {
			if ((g = find_reg(x, pk->session)) != NULL)
				g->token = x->db.gen;
			rpc_ok(&r, batch->u.st.m[0].v);		/* the events alone */
		} else
			rpc_ok(&r, batch);
		answer(x, pk, &r);
	}
}

void
call_event_register(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct sub	 subs[MAX_SUBS];
	struct reg	*g;
	const char	*bad = "";
	char		*text;

	(void)park;
	if (parse_subs(p->u.a.items[1], subs, &bad) < 0) {
		rpc_fail(x, r, "EVENT_SUBSCRIPTION_PARSE_FAILURE", 1, bad);
		return;
	}
	if ((g = find_reg(x, s->ref)) == NULL) {
		if ((g = calloc(1, sizeof(*g))) == NULL) {
			rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
			return;
		}
		memcpy(g->session, s->ref, sizeof(g->session));
		g->token = x->db.gen;
		g->next = x->regs;
		x->regs = g;
	}
	if ((text = subs_text(p->u.a.items[1], g->classes)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	free(g->classes);
	g->classes = text;
	rpc_ok(r, rpc_str(x, ""));
}

void
call_event_unregister(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct reg	*g, **gp;
	struct val	*classes = p->u.a.items[1];
	size_t		 i, len;
	char		*line, *nl;

	(void)park;
	if (classes->type != VAL_ARRAY) {
		rpc_fail(x, r, "EVENT_SUBSCRIPTION_PARSE_FAILURE", 1, "");
		return;
	}
	if ((g = find_reg(x, s->ref)) == NULL) {
		rpc_ok(r, rpc_str(x, ""));
		return;
	}
	/* Drop each named class from the saved text. */
	for (i = 0; i < classes->u.a.n; i++) {
		if (classes->u.a.items[i]->type != VAL_STRING)
			continue;
		len = classes->u.a.items[i]->u.s.len;
		for (line = g->classes; (nl = strchr(line, '\n')) != NULL;) {
			if ((size_t)(nl - line) == len &&
			    memcmp(line, classes->u.a.items[i]->u.s.p, len) == 0)
				memmove(line, nl + 1, strlen(nl + 1) + 1);
			else
				line = nl + 1;
		}
	}
	if (g->classes[0] == '\0') {
		for (gp = &x->regs; *gp != g; gp = &(*gp)->next)
			;
		*gp = g->next;
		free(g->classes);
		free(g);
	}
	rpc_ok(r, rpc_str(x, ""));
}

void
call_event_next(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct sub	 subs[MAX_SUBS];
	struct reg	*g;
	struct val	*batch;
	size_t		 count;
	int		 nsubs;

	(void)p;
	if ((g = find_reg(x, s->ref)) == NULL) {
		rpc_fail(x, r, "SESSION_NOT_REGISTERED", 1, s->ref);
		return;
	}
	if ((nsubs = subs_parse(x, g->classes, subs)) < 0 ||
	    (batch = collect(x, subs, nsubs, g->token, &count)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	if (count > 0 || park == NULL) {
		g->token = x->db.gen;
		rpc_ok(r, batch->u.st.m[0].v);
		return;
	}
	/* event.next blocks until there is something; clients time out on their side. */
	memcpy(park->session, s->ref, sizeof(park->session));
	park->token = g->token;
	park->deadline_ms = x->now_ms + 86400LL * 1000;
	park->legacy = 1;
	if ((park->classes = strdup(g->classes)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	r->parked = 1;
}

void
call_event_inject(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	const char	*cls = rpc_param_str(p, 1), *ref = rpc_param_str(p, 2);
	struct obj	*o;
	int		 c;

	(void)s;
	(void)park;
	if (cls == NULL || ref == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "class");
		return;
	}
	if ((c = model_class_ci(cls, strlen(cls))) < 0) {
		rpc_fail(x, r, "EVENT_SUBSCRIPTION_PARSE_FAILURE", 1, cls);
		return;
	}
	if ((o = db_find(&x->db, ref, strlen(ref))) == NULL || o->cls != (enum cls)c) {
		rpc_fail(x, r, "HANDLE_INVALID", 2, model_classes[c].name, ref);
		return;
	}
	/* The token just before the injected change, so event.from from it reports it. */
	db_touch(&x->db, o);
	rpc_ok(r, rpc_str(x, rpc_printf(x, "%020" PRIu64 ",%020d", x->db.gen - 1, 0)));
}

void
call_event_get_current_id(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct val	*v;

	(void)s;
	(void)p;
	(void)park;
	if ((v = rpc_val(x, VAL_INT)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	v->u.i = (int64_t)x->db.gen;
	rpc_ok(r, v);
}
