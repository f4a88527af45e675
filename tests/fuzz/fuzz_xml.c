/*
 * libFuzzer target: lib/xml.c tokenizes any bytes without reading past them, with and
 * without XML_BLANKS_BEFORE_DECL. Tokens come in order inside the input, each end tag
 * closes the innermost open element (kept here on a stack of our own), text and attribute
 * values decode to no more than their raw size, each attribute is found by its name, and a
 * refusal says where and why.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes s (of c's buffer) into a heap buffer of the size xml.h promises is enough, so
   ASan sees a write past it; traps on a decoding longer than the raw text. */
static int
decode(struct xml_cur *c, struct xml_span s, int flags)
{
	char	*out;
	size_t	 len;
	int	 r;

	if ((out = malloc(s.n + 1)) == NULL)
		return -1;
	if ((r = xml_decode(c, s, flags, out, s.n + 1, &len)) == 0 &&
	    (len > s.n || out[len] != '\0'))
		__builtin_trap();
	free(out);
	return r;
}

static void
check_attrs(struct xml_cur *c, const struct xml_tok *t)
{
	struct xml_span	name, v, w;
	char		n[XML_NAME_MAX + 1];
	int		i;

	for (i = 0; xml_attr_at(t, i, &name, &v); i++) {
		if (name.n == 0 || name.n > XML_NAME_MAX)
			__builtin_trap();
		memcpy(n, name.p, name.n);
		n[name.n] = '\0';
		if (xml_attr(t, n, &w) != i || w.p != v.p || w.n != v.n)
			__builtin_trap();
		if (decode(c, v, XML_TRIM) == -1)
			return;
	}
	if (i != t->nattrs)
		__builtin_trap();
}

/* Reads all of s[0..size) with xml_init's flags, checking every token. */
static void
tokenize(const char *s, size_t size, int flags)
{
	struct xml_span	stack[XML_MAX_DEPTH];
	struct xml_cur	c;
	struct xml_tok	t;
	size_t		last = 0, steps;
	int		r, depth = 0;

	xml_init(&c, s, size, flags);
	for (steps = 0; steps <= size + 1; steps++) {
		if ((r = xml_next(&c, &t)) == -1) {
			if (c.err == XML_E_NONE || c.err_at > size || c.err_line < 1 ||
			    c.why[0] == '\0' || xml_next(&c, &t) != -1)
				__builtin_trap();
			return;
		}
		if (t.at < last || t.at > size || (steps > 0 && r != XML_END && t.at == last))
			__builtin_trap();
		last = t.at;
		switch (r) {
		case XML_END:
			if (depth != 0 || t.at != size)
				__builtin_trap();
			return;
		case XML_OPEN:
			stack[depth++] = t.name;
			/* FALLTHROUGH */
		case XML_EMPTY:
			check_attrs(&c, &t);
			break;
		case XML_CLOSE:
			if (depth == 0 || stack[depth - 1].n != t.name.n ||
			    memcmp(stack[depth - 1].p, t.name.p, t.name.n) != 0)
				__builtin_trap();
			depth--;
			break;
		case XML_TEXT:
			if (t.text.p != s + t.at || t.lead < t.at || t.lead > t.at + t.text.n)
				__builtin_trap();
			decode(&c, t.text, 0);
			break;
		default:
			__builtin_trap();
		}
		if (c.err != XML_E_NONE && c.err != XML_E_ENTITY)
			__builtin_trap();
		/* A refused entity is the caller's to report; the tokenizer reads on. */
		c.err = XML_E_NONE;
	}
	__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tokenize((const char *)data, size, 0);
	tokenize((const char *)data, size, XML_BLANKS_BEFORE_DECL);
	return 0;
}
