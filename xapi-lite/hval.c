/*
 * Heap-owned value trees for the database: deep copies of request values, constructors,
 * and the small edits XenAPI's map and set calls make (put, get, delete, push, remove).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hval.h"

static struct val *
new_val(enum val_type t)
{
	struct val	*v;

	if ((v = calloc(1, sizeof(*v))) != NULL)
		v->type = t;
	return v;
}

struct val *
hval_stringn(const char *s, size_t len)
{
	struct val	*v;
	char		*p;

	if ((v = new_val(VAL_STRING)) == NULL)
		return NULL;
	if ((p = malloc(len + 1)) == NULL) {
		free(v);
		return NULL;
	}
	memcpy(p, s, len);
	p[len] = '\0';
	v->u.s.p = p;
	v->u.s.len = len;
	return v;
}

struct val *
hval_string(const char *s)
{
	return hval_stringn(s, strlen(s));
}

struct val *
hval_int(long long i)
{
	struct val	*v;

	if ((v = new_val(VAL_INT)) != NULL)
		v->u.i = i;
	return v;
}

struct val *
hval_bool(int b)
{
	struct val	*v;

	if ((v = new_val(VAL_BOOL)) != NULL)
		v->u.b = b != 0;
	return v;
}

struct val *
hval_double(double d)
{
	struct val	*v;

	if ((v = new_val(VAL_DOUBLE)) != NULL)
		v->u.d = d;
	return v;
}

void
hval_format_time(long long t, char out[20])
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(out, 20, "%Y%m%dT%H:%M:%SZ", &tm);
}

struct val *
hval_datetime(long long t)
{
	char		 text[20];
	struct val	*v;

	hval_format_time(t, text);
	if ((v = hval_string(text)) != NULL)
		v->type = VAL_DATETIME;
	return v;
}

struct val *
hval_array(void)
{
	return new_val(VAL_ARRAY);
}

struct val *
hval_struct(void)
{
	return new_val(VAL_STRUCT);
}

void
hval_free(struct val *v)
{
	size_t	i;

	if (v == NULL)
		return;
	switch (v->type) {
	case VAL_STRING:
	case VAL_DATETIME:
		free((char *)(uintptr_t)v->u.s.p);
		break;
	case VAL_ARRAY:
		for (i = 0; i < v->u.a.n; i++)
			hval_free(v->u.a.items[i]);
		free(v->u.a.items);
		break;
	case VAL_STRUCT:
		for (i = 0; i < v->u.st.n; i++) {
			free((char *)(uintptr_t)v->u.st.m[i].name);
			hval_free(v->u.st.m[i].v);
		}
		free(v->u.st.m);
		break;
	default:
		break;
	}
	free(v);
}

int
hval_push(struct val *a, struct val *item)
{
	struct val	**items;

	if (item == NULL)
		return -1;
	if ((items = realloc(a->u.a.items, (a->u.a.n + 1) * sizeof(*items))) == NULL) {
		hval_free(item);
		return -1;
	}
	items[a->u.a.n++] = item;
	a->u.a.items = items;
	return 0;
}

struct val *
hval_get(const struct val *s, const char *key, size_t keylen)
{
	size_t	i;

	for (i = 0; i < s->u.st.n; i++)
		if (s->u.st.m[i].namelen == keylen && memcmp(s->u.st.m[i].name, key, keylen) == 0)
			return s->u.st.m[i].v;
	return NULL;
}

int
hval_put(struct val *s, const char *key, struct val *v)
{
	struct val_member	*m;
	size_t			 i, len = strlen(key);
	char			*name;

	if (v == NULL)
		return -1;
	for (i = 0; i < s->u.st.n; i++)
		if (s->u.st.m[i].namelen == len && memcmp(s->u.st.m[i].name, key, len) == 0) {
			hval_free(s->u.st.m[i].v);
			s->u.st.m[i].v = v;
			return 0;
		}
	if ((name = malloc(len + 1)) == NULL ||
	    (m = realloc(s->u.st.m, (s->u.st.n + 1) * sizeof(*m))) == NULL) {
		free(name);
		hval_free(v);
		return -1;
	}
	memcpy(name, key, len + 1);
	m[s->u.st.n].name = name;
	m[s->u.st.n].namelen = len;
	m[s->u.st.n].v = v;
	s->u.st.m = m;
	s->u.st.n++;
	return 0;
}

int
hval_del(struct val *s, const char *key, size_t keylen)
{
	size_t	i;

	for (i = 0; i < s->u.st.n; i++)
		if (s->u.st.m[i].namelen == keylen && memcmp(s->u.st.m[i].name, key, keylen) == 0) {
			free((char *)(uintptr_t)s->u.st.m[i].name);
			hval_free(s->u.st.m[i].v);
			memmove(&s->u.st.m[i], &s->u.st.m[i + 1],
			    (s->u.st.n - i - 1) * sizeof(s->u.st.m[0]));
			s->u.st.n--;
			return 1;
		}
	return 0;
}

int
hval_remove_string(struct val *a, const char *str, size_t len)
{
	size_t	i = 0;
	int	removed = 0;

	while (i < a->u.a.n) {
		struct val	*it = a->u.a.items[i];

		if (it->type == VAL_STRING && it->u.s.len == len && memcmp(it->u.s.p, str, len) == 0) {
			hval_free(it);
			memmove(&a->u.a.items[i], &a->u.a.items[i + 1],
			    (a->u.a.n - i - 1) * sizeof(a->u.a.items[0]));
			a->u.a.n--;
			removed++;
		} else
			i++;
	}
	return removed;
}

struct val *
hval_dup(const struct val *v)
{
	struct val	*c;
	size_t		 i;

	switch (v->type) {
	case VAL_STRING:
	case VAL_DATETIME:
		if ((c = hval_stringn(v->u.s.p, v->u.s.len)) != NULL)
			c->type = v->type;
		return c;
	case VAL_ARRAY:
		if ((c = hval_array()) == NULL)
			return NULL;
		for (i = 0; i < v->u.a.n; i++)
			if (hval_push(c, hval_dup(v->u.a.items[i])) == -1) {
				hval_free(c);
				return NULL;
			}
		return c;
	case VAL_STRUCT:
		if ((c = hval_struct()) == NULL)
			return NULL;
		for (i = 0; i < v->u.st.n; i++)
			if (hval_put(c, v->u.st.m[i].name, hval_dup(v->u.st.m[i].v)) == -1) {
				hval_free(c);
				return NULL;
			}
		return c;
	default:
		if ((c = new_val(v->type)) != NULL)
			c->u = v->u;
		return c;
	}
}
