/*
 * libFuzzer target: lib/xmlrpc.c parses any bytes within an arena limit without crashing or
 * reading past them, as a call and as a lone value, and whatever call or value it accepts,
 * written back with xmlrpc_write_value, parses again to the tree XAPI's writer implies
 * (int64 as strings, control chars dropped).
 */
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "xmlrpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Returns 1 when t[0..tlen) is s[0..slen) without the control characters the writer drops. */
static int
same_text(const char *s, size_t slen, const char *t, size_t tlen)
{
	size_t	i, j = 0;

	for (i = 0; i < slen; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			continue;
		if (j >= tlen || t[j++] != s[i])
			return 0;
	}
	return j == tlen && t[tlen] == '\0';
}

/* Returns 1 when b, parsed from what xmlrpc_write_value made of a, is what XAPI would read. */
static int
same(const struct val *a, const struct val *b)
{
	char	digits[32];
	size_t	i;

	switch (a->type) {
	case VAL_INT:
		snprintf(digits, sizeof(digits), "%" PRId64, a->u.i);
		return b->type == VAL_STRING && same_text(digits, strlen(digits), b->u.s.p,
		    b->u.s.len);
	case VAL_DOUBLE:
		return b->type == VAL_DOUBLE && (isfinite(a->u.d) || isnan(b->u.d));
	default:
		break;
	}
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case VAL_NIL:
		return 1;
	case VAL_BOOL:
		return a->u.b == b->u.b;
	case VAL_STRING:
	case VAL_DATETIME:
		return same_text(a->u.s.p, a->u.s.len, b->u.s.p, b->u.s.len);
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
			if (!same_text(a->u.st.m[i].name, a->u.st.m[i].namelen, b->u.st.m[i].name,
			    b->u.st.m[i].namelen) || !same(a->u.st.m[i].v, b->u.st.m[i].v))
				return 0;
		return 1;
	default:
		return 0;
	}
}

/* Writes the call back as XML-RPC: the method name escaped by writing it as a string value. */
static int
write_call(struct buf *b, const char *method, const struct val *params)
{
	struct val	name;
	size_t		i, at;

	memset(&name, 0, sizeof(name));
	name.type = VAL_STRING;
	name.u.s.p = method;
	name.u.s.len = strlen(method);
	if (buf_puts(b, "<?xml version=\"1.0\"?><methodCall><methodName>") == -1)
		return -1;
	at = b->len;
	if (xmlrpc_write_value(b, &name) == -1)
		return -1;
	/* Drop the <value> and </value> around the escaped name. */
	memmove(b->p + at, b->p + at + 7, b->len - at - 7 - 8);
	b->len -= 15;
	b->p[b->len] = '\0';
	if (buf_puts(b, "</methodName><params>") == -1)
		return -1;
	for (i = 0; i < params->u.a.n; i++)
		if (buf_puts(b, "<param>") == -1 ||
		    xmlrpc_write_value(b, params->u.a.items[i]) == -1 ||
		    buf_puts(b, "</param>") == -1)
			return -1;
	return buf_puts(b, "</params></methodCall>");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a1, a2;
	struct buf	 b;
	struct val	*p1, *p2, *v1, *v2;
	const char	*m1, *m2;
	char		 err[160];

	arena_init(&a1, 1 << 20);
	arena_init(&a2, 16 << 20);
	buf_init(&b, 64 << 20);
	if (xmlrpc_parse_call(&a1, (const char *)data, size, &m1, &p1, err, sizeof(err)) == 0) {
		if (p1->type != VAL_ARRAY || write_call(&b, m1, p1) == -1)
			__builtin_trap();
		if (xmlrpc_parse_call(&a2, b.p, b.len, &m2, &p2, err, sizeof(err)) == -1 ||
		    strcmp(m1, m2) != 0 || !same(p1, p2))
			__builtin_trap();
		/* The envelopes must work for anything parsed. */
		buf_reset(&b);
		if (xmlrpc_write_success(&b, p1) == -1 || xmlrpc_write_raw_response(&b, p1) == -1)
			__builtin_trap();
	} else if (m1 != NULL || p1 != NULL || strncmp(err, "XML-RPC: ", 9) != 0)
		__builtin_trap();
	/* The same bytes as a document that is one value (an XVA's ova.xml). */
	arena_reset(&a1);
	arena_reset(&a2);
	buf_reset(&b);
	if (xmlrpc_parse_value(&a1, (const char *)data, size, &v1, err, sizeof(err)) == 0) {
		if (xmlrpc_write_value(&b, v1) == -1 ||
		    xmlrpc_parse_value(&a2, b.p, b.len, &v2, err, sizeof(err)) == -1 ||
		    !same(v1, v2))
			__builtin_trap();
	} else if (v1 != NULL || strncmp(err, "XML-RPC: ", 9) != 0)
		__builtin_trap();
	buf_free(&b);
	arena_free(&a2);
	arena_free(&a1);
	return 0;
}
