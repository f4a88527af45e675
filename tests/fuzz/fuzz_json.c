/*
 * libFuzzer target: lib/json.c parses any bytes within an arena limit without crashing or
 * reading past them, and whatever it accepts, json_write turns into JSON that parses again
 * to the same tree (doubles may turn into ints and back, as %.16g allows).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Returns 1 when b, parsed from json_write(a), is the same value. */
static int
same(const struct val *a, const struct val *b)
{
	size_t	i;

	if (a->type == VAL_DOUBLE || b->type == VAL_DOUBLE)
		return (a->type == VAL_DOUBLE || a->type == VAL_INT) &&
		    (b->type == VAL_DOUBLE || b->type == VAL_INT);
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case VAL_NIL:
		return 1;
	case VAL_BOOL:
		return a->u.b == b->u.b;
	case VAL_INT:
	case VAL_INT32:
		return a->u.i == b->u.i;
	case VAL_STRING:
	case VAL_DATETIME:
		return a->u.s.len == b->u.s.len && memcmp(a->u.s.p, b->u.s.p, a->u.s.len) == 0 &&
		    b->u.s.p[b->u.s.len] == '\0';
	case VAL_ARRAY:
		if (a->u.a.n != b->u.a.n)
			return 0;
		for (i = 0; i < a->u.a.n; i++)
			if (!same(a->u.a.items[i], b->u.a.items[i]))
				return 0;
		return 1;
	case VAL_STRUCT:
		if (a->u.st.n != b->u.st.n)
			return 0;
		for (i = 0; i < a->u.st.n; i++)
			if (a->u.st.m[i].namelen != b->u.st.m[i].namelen ||
			    memcmp(a->u.st.m[i].name, b->u.st.m[i].name, a->u.st.m[i].namelen) ||
			    !same(a->u.st.m[i].v, b->u.st.m[i].v))
				return 0;
		return 1;
	default:
		return 0;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a1, a2;
	struct buf	 b;
	struct val	*v1, *v2;
	char		 err[128];

	arena_init(&a1, 1 << 20);
	arena_init(&a2, 16 << 20);
	buf_init(&b, 64 << 20);
	if (json_parse(&a1, (const char *)data, size, &v1, err, sizeof(err)) == 0) {
		if (json_write(&b, v1) == -1)
			__builtin_trap();
		if (json_parse(&a2, b.p, b.len, &v2, err, sizeof(err)) == -1 || !same(v1, v2))
			__builtin_trap();
	} else if (v1 != NULL || err[0] == '\0' || strncmp(err, "JSON: ", 6) != 0)
		__builtin_trap();
	buf_free(&b);
	arena_free(&a2);
	arena_free(&a1);
	return 0;
}
