/*
 * The in-memory database: objects of every class with one value per field, an index by
 * reference, generations for event.from, and tombstones for deletions. Defaults and record
 * shapes come from the model table, never from per-class code.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "hval.h"

static uint64_t
hash_ref(const char *s, size_t len)
{
	uint64_t	h = 1469598103934665603ULL;

	while (len--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static int
index_put(struct db *db, struct obj *o)
{
	size_t	 i, cap;
	struct obj **idx;

	if ((db->icount + 1) * 2 > db->icap) {
		cap = db->icap ? db->icap * 2 : 1024;
		if ((idx = calloc(cap, sizeof(*idx))) == NULL)
			return -1;
		for (i = 0; i < db->icap; i++) {
			struct obj	*p = db->index[i];
			size_t		 j;

			if (p == NULL)
				continue;
			for (j = hash_ref(p->ref, REF_LEN) & (cap - 1); idx[j]; j = (j + 1) & (cap - 1))
				;
			idx[j] = p;
		}
		free(db->index);
		db->index = idx;
		db->icap = cap;
	}
	for (i = hash_ref(o->ref, REF_LEN) & (db->icap - 1); db->index[i];
	    i = (i + 1) & (db->icap - 1))
		;
	db->index[i] = o;
	db->icount++;
	return 0;
}

static void
index_del(struct db *db, struct obj *o)
{
	size_t	i, j, k;

	for (i = hash_ref(o->ref, REF_LEN) & (db->icap - 1); db->index[i] != o;
	    i = (i + 1) & (db->icap - 1))
		;
	/* Backward-shift deletion keeps every probe chain unbroken. */
	db->index[i] = NULL;
	for (j = (i + 1) & (db->icap - 1); db->index[j]; j = (j + 1) & (db->icap - 1)) {
		k = hash_ref(db->index[j]->ref, REF_LEN) & (db->icap - 1);
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			db->index[i] = db->index[j];
			db->index[j] = NULL;
			i = j;
		}
	}
	db->icount--;
}

int
db_init(struct db *db)
{
	int	f, c;

	memset(db, 0, sizeof(*db));
	for (c = 0; c < C__COUNT; c++)
		db->first[c] = -1;
	for (f = 0; f < F__COUNT; f++) {
		c = model_fields[f].cls;
		if (db->first[c] == -1)
			db->first[c] = f;
		db->nfields[c]++;
	}
	if ((db->random_fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	return 0;
}

static void
obj_free(struct db *db, struct obj *o)
{
	int	i;

	for (i = 0; i < db->nfields[o->cls]; i++)
		hval_free(o->v[i]);
	free(o);
}

void
db_free(struct db *db)
{
	size_t	i;
	int	c;

	for (c = 0; c < C__COUNT; c++) {
		for (i = 0; i < db->n[c]; i++)
			obj_free(db, db->objs[c][i]);
		free(db->objs[c]);
	}
	free(db->index);
	free(db->tombs);
	for (i = 0; i < F__COUNT; i++)
		free(db->rc[i].pairs);
	if (db->random_fd != -1)
		close(db->random_fd);
}

void
db_uuid(struct db *db, char out[37])
{
	unsigned char	 b[16];
	static const char hex[] = "0123456789abcdef";
	int		 i, j = 0;

	if (read(db->random_fd, b, sizeof(b)) != (ssize_t)sizeof(b))
		for (i = 0; i < 16; i++)
			b[i] = (unsigned char)rand();
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = hex[b[i] >> 4];
		out[j++] = hex[b[i] & 15];
	}
	out[j] = '\0';
}

static struct val *
default_value(const struct field_desc *fd)
{
	switch (fd->kind) {
	case K_STRING:	return hval_string(fd->dflt != NULL ? fd->dflt : "");
	case K_INT:	return hval_int(0);
	case K_FLOAT:	return hval_double(0);
	case K_BOOL:	return hval_bool(fd->dflt != NULL);
	case K_DATETIME: return hval_datetime(0);
	case K_ENUM:	return hval_string(fd->dflt);
	case K_REF:	return hval_string("OpaqueRef:NULL");
	case K_REFSET:
	case K_SET:
	case K_INTSET:	return hval_array();
	case K_MAP:	return hval_struct();
	case K_DERIVED:	return NULL;
	}
	return NULL;
}

struct obj *
db_create(struct db *db, enum cls c)
{
	return db_create_ref(db, c, NULL);
}

struct obj *
db_create_ref(struct db *db, enum cls c, const char *ref)
{
	struct obj	 *o, **objs;
	char		  uuid[37];
	int		  i, n = db->nfields[c];

	if ((o = calloc(1, sizeof(*o) + n * sizeof(o->v[0]))) == NULL)
		return NULL;
	o->cls = c;
	for (i = 0; i < n; i++) {
		const struct field_desc	*fd = &model_fields[db->first[c] + i];

		if (fd->kind != K_DERIVED && (o->v[i] = default_value(fd)) == NULL)
			goto fail;
	}
	db_uuid(db, uuid);
	memcpy(o->ref, "OpaqueRef:", 10);
	memcpy(o->ref + 10, ref != NULL ? ref + 10 : uuid, 36);
	o->ref[REF_LEN] = '\0';
	if (ref != NULL)
		memcpy(uuid, ref + 10, 36);
	i = model_field(c, "uuid", 4);
	if (i >= 0 && db_set(db, o, i, hval_string(uuid)) == -1)
		goto fail;
	if (db->n[c] == db->cap[c]) {
		size_t	cap = db->cap[c] ? db->cap[c] * 2 : 16;

		if ((objs = realloc(db->objs[c], cap * sizeof(*objs))) == NULL)
			goto fail;
		db->objs[c] = objs;
		db->cap[c] = cap;
	}
	if (index_put(db, o) == -1)
		goto fail;
	db->objs[c][db->n[c]++] = o;
	o->created = o->modified = ++db->gen;
	return o;
fail:
	obj_free(db, o);
	return NULL;
}

void
db_destroy(struct db *db, struct obj *o)
{
	enum cls	 c = o->cls;
	size_t		 i;

	for (i = 0; i < db->n[c]; i++)
		if (db->objs[c][i] == o) {
			memmove(&db->objs[c][i], &db->objs[c][i + 1],
			    (db->n[c] - i - 1) * sizeof(o));
			db->n[c]--;
			break;
		}
	index_del(db, o);
	if (db->ntombs == db->tcap) {
		size_t		 cap = db->tcap ? db->tcap * 2 : 64;
		struct tomb	*t = realloc(db->tombs, cap * sizeof(*t));

		if (t != NULL) {
			db->tombs = t;
			db->tcap = cap;
		}
	}
	++db->gen;
	if (db->ntombs < db->tcap) {
		db->tombs[db->ntombs].cls = c;
		memcpy(db->tombs[db->ntombs].ref, o->ref, sizeof(o->ref));
		db->tombs[db->ntombs].gen = db->gen;
		db->ntombs++;
	}
	obj_free(db, o);
}

struct obj *
db_find(const struct db *db, const char *ref, size_t len)
{
	size_t	i;

	if (len != REF_LEN || db->icap == 0)
		return NULL;
	for (i = hash_ref(ref, len) & (db->icap - 1); db->index[i]; i = (i + 1) & (db->icap - 1))
		if (memcmp(db->index[i]->ref, ref, len) == 0)
			return db->index[i];
	return NULL;
}

struct obj *
db_find_uuid(const struct db *db, enum cls c, const char *uuid, size_t len)
{
	char	ref[REF_LEN + 1];

	/* A ref is "OpaqueRef:" and the object's uuid (sessions excepted). */
	if (len != 36)
		return NULL;
	memcpy(ref, "OpaqueRef:", 10);
	memcpy(ref + 10, uuid, 36);
	{
		struct obj	*o = db_find(db, ref, REF_LEN);

		return o != NULL && o->cls == c ? o : NULL;
	}
}

struct val *
db_get(const struct db *db, const struct obj *o, enum fld f)
{
	return o->v[f - db->first[o->cls]];
}

const char *
db_str(const struct db *db, const struct obj *o, enum fld f)
{
	struct val	*v = db_get(db, o, f);

	return v != NULL && (v->type == VAL_STRING || v->type == VAL_DATETIME) ? v->u.s.p : "";
}

void
db_touch(struct db *db, struct obj *o)
{
	o->modified = ++db->gen;
}

int
db_set(struct db *db, struct obj *o, enum fld f, struct val *v)
{
	int	i = f - db->first[o->cls];

	if (v == NULL)
		return -1;
	hval_free(o->v[i]);
	o->v[i] = v;
	db_touch(db, o);
	return 0;
}

static int
pair_cmp(const void *a, const void *b)
{
	const struct rpair	*x = a, *y = b;

	return x->target < y->target ? -1 : x->target > y->target;
}

/* The (target, referrer) pairs of ref field f of class c, current as of db->gen. */
static struct rcache *
rcache(struct db *db, enum cls c, enum fld f)
{
	struct rcache	*rc = &db->rc[f];
	size_t		 i;

	if (rc->gen == db->gen)
		return rc;
	rc->n = 0;
	for (i = 0; i < db->n[c]; i++) {
		const struct obj	*from = db->objs[c][i];
		const struct val	*r = db_get(db, from, f);
		const struct obj	*t;

		/* OpaqueRef:NULL and dangling refs point at nothing. */
		if (r->u.s.len != REF_LEN || (t = db_find(db, r->u.s.p, REF_LEN)) == NULL)
			continue;
		if (rc->n == rc->cap) {
			size_t		 cap = rc->cap ? rc->cap * 2 : 64;
			struct rpair	*p = realloc(rc->pairs, cap * sizeof(*p));

			if (p == NULL)
				return NULL;
			rc->pairs = p;
			rc->cap = cap;
		}
		rc->pairs[rc->n].target = t;
		rc->pairs[rc->n++].from = from;
	}
	/* No refs: pairs is still NULL, which qsort must not get even for 0 items. */
	if (rc->n > 0)
		qsort(rc->pairs, rc->n, sizeof(*rc->pairs), pair_cmp);
	rc->gen = db->gen;
	return rc;
}

struct val *
db_field(const struct db *cdb, const struct obj *o, enum fld f, struct arena *a)
{
	const struct field_desc	*fd = &model_fields[f];
	struct db		*db = (struct db *)(uintptr_t)cdb;	/* the cache only */
	struct rcache		*rc;
	struct val		*set, *s;
	size_t			 lo, hi, first, i;

	if (fd->kind != K_DERIVED)
		return db_get(db, o, f);
	/* A ref set computed from the other side's ref field, by binary search. */
	if ((set = val_new(a, VAL_ARRAY)) == NULL ||
	    (rc = rcache(db, fd->other_cls, fd->other_fld)) == NULL)
		return NULL;
	for (lo = 0, hi = rc->n; lo < hi;) {
		size_t	mid = lo + (hi - lo) / 2;

		if (rc->pairs[mid].target < o)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (first = lo; hi < rc->n && rc->pairs[hi].target == o; hi++)
		;
	if (hi > first &&
	    (set->u.a.items = arena_alloc(a, (hi - first) * sizeof(struct val *))) == NULL)
		return NULL;
	for (i = first; i < hi; i++) {
		if ((s = val_new(a, VAL_STRING)) == NULL)
			return NULL;
		s->u.s.p = rc->pairs[i].from->ref;
		s->u.s.len = REF_LEN;
		set->u.a.items[set->u.a.n++] = s;
	}
	return set;
}

struct val *
db_record(const struct db *db, const struct obj *o, struct arena *a)
{
	struct val	*rec;
	int		 i, n = db->nfields[o->cls];

	if ((rec = val_new(a, VAL_STRUCT)) == NULL ||
	    (rec->u.st.m = arena_alloc(a, n * sizeof(struct val_member))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		enum fld	 f = db->first[o->cls] + i;
		struct val	*v;

		if ((v = db_field(db, o, f, a)) == NULL)
			return NULL;
		rec->u.st.m[i].name = model_fields[f].name;
		rec->u.st.m[i].namelen = strlen(model_fields[f].name);
		rec->u.st.m[i].v = v;
	}
	rec->u.st.n = n;
	return rec;
}

/* Reads an int64 as XAPI accepts it: an int, or a string of digits. Returns 0 or -1. */
int
db_val_int(const struct val *v, long long *out)
{
	char	*end;

	if (v->type == VAL_INT || v->type == VAL_INT32) {
		*out = v->u.i;
		return 0;
	}
	if (v->type == VAL_STRING && v->u.s.len > 0) {
		const char	*s = v->u.s.p;

		/* Digits after an optional '-' (strtoll would skip blanks and take '+'), all
		   of the string, in range: strtoll clamps what is not (ERANGE). */
		if (s[s[0] == '-'] < '0' || s[s[0] == '-'] > '9')
			return -1;
		errno = 0;
		*out = strtoll(s, &end, 10);
		return end == s + v->u.s.len && errno == 0 ? 0 : -1;
	}
	return -1;
}

struct val *
db_coerce(const struct val *v, enum kind k)
{
	size_t		 i;
	long long	 n;
	struct val	*c;

	switch (k) {
	case K_STRING:
	case K_ENUM:
	case K_REF:
		return v->type == VAL_STRING ? hval_dup(v) : NULL;
	case K_DATETIME:
		if (v->type != VAL_STRING && v->type != VAL_DATETIME)
			return NULL;
		if ((c = hval_dup(v)) != NULL)
			c->type = VAL_DATETIME;
		return c;
	case K_INT:
		return db_val_int(v, &n) == 0 ? hval_int(n) : NULL;
	case K_FLOAT:
		if (v->type == VAL_DOUBLE)
			return hval_double(v->u.d);
		return db_val_int(v, &n) == 0 ? hval_double((double)n) : NULL;
	case K_BOOL:
		return v->type == VAL_BOOL ? hval_bool(v->u.b) : NULL;
	case K_SET:
	case K_REFSET:
		if (v->type != VAL_ARRAY)
			return NULL;
		for (i = 0; i < v->u.a.n; i++)
			if (v->u.a.items[i]->type != VAL_STRING)
				return NULL;
		return hval_dup(v);
	case K_INTSET:
		if (v->type != VAL_ARRAY || (c = hval_array()) == NULL)
			return NULL;
		for (i = 0; i < v->u.a.n; i++)
			if (db_val_int(v->u.a.items[i], &n) == -1 || hval_push(c, hval_int(n))) {
				hval_free(c);
				return NULL;
			}
		return c;
	case K_MAP:
		if (v->type != VAL_STRUCT)
			return NULL;
		for (i = 0; i < v->u.st.n; i++)
			if (v->u.st.m[i].v->type != VAL_STRING)
				return NULL;
		return hval_dup(v);
	case K_DERIVED:
		return NULL;
	}
	return NULL;
}

