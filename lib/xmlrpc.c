/*
 * XML-RPC for XenAPI. The parsers read just the XML a <methodCall> or a lone <value>
 * document needs (elements without attributes, character data with entities and CDATA,
 * comments, an optional declaration), never past len, into struct val trees in the
 * caller's arena. The writers print values and response envelopes byte for byte as XAPI's
 * ocaml-rpc does: no whitespace, untagged strings.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xmlrpc.h"

struct xp {
	struct arena	*a;
	const char	*s;
	size_t		 len, pos;
	char		*err;
	size_t		 errlen;
};

enum tag_kind { TAG_OPEN, TAG_CLOSE, TAG_EMPTY };

struct tag {
	enum tag_kind	 kind;
	const char	*name;
	size_t		 namelen, at;
};

/* Decoded character data: an arena copy, NUL-terminated. */
struct text {
	char	*p;
	size_t	 len, at;
	int	 blank;		/* only whitespace */
};

static int	xp_value(struct xp *, int, struct val **);

static int	xp_fail(struct xp *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static int
xp_fail(struct xp *p, size_t at, const char *fmt, ...)
{
	va_list	ap;
	char	msg[128];

	if (p->err == NULL || p->errlen == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "XML-RPC: %s at byte %zu", msg, at);
	return -1;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
is_namechar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '.' || c == '_' || c == '-' || c == ':';
}

/* Returns 1 when the input at i starts with the NUL-terminated lit. */
static int
at_lit(const struct xp *p, size_t i, const char *lit)
{
	size_t	n = strlen(lit);

	return i <= p->len && p->len - i >= n && memcmp(p->s + i, lit, n) == 0;
}

/* Returns the offset of lit at or after i, or (size_t)-1. */
static size_t
find_lit(const struct xp *p, size_t i, const char *lit)
{
	for (; i < p->len; i++)
		if (p->s[i] == lit[0] && at_lit(p, i, lit))
			return i;
	return (size_t)-1;
}

/* Skips whitespace and comments between elements. */
static int
xp_misc(struct xp *p)
{
	size_t	e;

	for (;;) {
		while (p->pos < p->len && is_ws(p->s[p->pos]))
			p->pos++;
		if (!at_lit(p, p->pos, "<!--"))
			return 0;
		if ((e = find_lit(p, p->pos + 4, "-->")) == (size_t)-1)
			return xp_fail(p, p->pos, "unterminated comment");
		p->pos = e + 3;
	}
}

/* Reads the next tag after whitespace and comments; want names it in error messages. */
static int
xp_tag(struct xp *p, struct tag *t, const char *want)
{
	size_t	i;

	if (xp_misc(p) == -1)
		return -1;
	t->at = i = p->pos;
	if (i >= p->len)
		return xp_fail(p, i, "expected %s, got end of input", want);
	if (p->s[i] != '<')
		return xp_fail(p, i, "expected %s", want);
	t->kind = TAG_OPEN;
	if (++i < p->len && p->s[i] == '/') {
		t->kind = TAG_CLOSE;
		i++;
	}
	t->name = p->s + i;
	while (i < p->len && is_namechar(p->s[i]))
		i++;
	if ((t->namelen = (size_t)(p->s + i - t->name)) == 0)
		return xp_fail(p, t->at, "expected %s", want);
	while (i < p->len && is_ws(p->s[i]))
		i++;
	if (i >= p->len)
		return xp_fail(p, t->at, "unterminated tag");
	if (p->s[i] == '>') {
		p->pos = i + 1;
		return 0;
	}
	if (p->s[i] == '/' && t->kind == TAG_OPEN) {
		if (i + 1 >= p->len)
			return xp_fail(p, t->at, "unterminated tag");
		if (p->s[i + 1] == '>') {
			t->kind = TAG_EMPTY;
			p->pos = i + 2;
			return 0;
		}
	}
	if (t->kind == TAG_OPEN && is_namechar(p->s[i]))
		return xp_fail(p, i, "attributes are not allowed");
	return xp_fail(p, t->at, "malformed tag");
}

static int
tag_is(const struct tag *t, const char *name)
{
	return t->namelen == strlen(name) && memcmp(t->name, name, t->namelen) == 0;
}

/* Reads <name> (or <name/> when empty_ok). Returns TAG_OPEN or TAG_EMPTY, or -1. */
static int
xp_open(struct xp *p, const char *name, int empty_ok)
{
	struct tag	t;
	char		want[64];

	snprintf(want, sizeof(want), "<%s>", name);
	if (xp_tag(p, &t, want) == -1)
		return -1;
	if (!tag_is(&t, name) || t.kind == TAG_CLOSE || (t.kind == TAG_EMPTY && !empty_ok))
		return xp_fail(p, t.at, "expected %s", want);
	return (int)t.kind;
}

static int
xp_close(struct xp *p, const char *name)
{
	struct tag	t;
	char		want[64];

	snprintf(want, sizeof(want), "</%s>", name);
	if (xp_tag(p, &t, want) == -1)
		return -1;
	if (t.kind != TAG_CLOSE || !tag_is(&t, name))
		return xp_fail(p, t.at, "expected %s", want);
	return 0;
}

/* Parses the entity at i (at '&') into code point *cp; returns its length or 0. */
static size_t
xp_entity(const struct xp *p, size_t i, size_t end, uint32_t *cp)
{
	static const struct {
		const char	*lit;
		uint32_t	 cp;
	} named[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' },
		{ "&apos;", '\'' },
	};
	size_t		k, j;
	uint32_t	v = 0;
	int		hex;

	for (k = 0; k < sizeof(named) / sizeof(named[0]); k++)
		if (end - i >= strlen(named[k].lit) && at_lit(p, i, named[k].lit)) {
			*cp = named[k].cp;
			return strlen(named[k].lit);
		}
	if (end - i < 4 || p->s[i + 1] != '#')
		return 0;
	hex = p->s[i + 2] == 'x';
	for (j = i + 2 + hex; j < end && p->s[j] != ';'; j++) {
		char		c = p->s[j];
		uint32_t	d;

		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (hex && c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (hex && c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return 0;
		v = v * (hex ? 16 : 10) + d;
		if (v > 0x10ffff)
			return 0;
	}
	if (j >= end || j == i + 2 + hex || v == 0 || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return j + 1 - i;
}

/*
 * Reads character data (with entities, CDATA sections and comments) up to the next tag into
 * an arena copy. Decoding never makes text longer, so one allocation of the raw size does.
 */
static int
xp_text(struct xp *p, struct text *t)
{
	size_t		end = p->pos, e, i, n = 0, k;
	uint32_t	cp;

	t->at = p->pos;
	t->blank = 1;
	while (end < p->len) {
		if (p->s[end] != '<') {
			end++;
			continue;
		}
		if (at_lit(p, end, "<![CDATA[")) {
			if ((e = find_lit(p, end + 9, "]]>")) == (size_t)-1)
				return xp_fail(p, end, "unterminated CDATA section");
			end = e + 3;
		} else if (at_lit(p, end, "<!--")) {
			if ((e = find_lit(p, end + 4, "-->")) == (size_t)-1)
				return xp_fail(p, end, "unterminated comment");
			end = e + 3;
		} else
			break;
	}
	if ((t->p = arena_alloc(p->a, end - p->pos + 1)) == NULL)
		return xp_fail(p, p->pos, "out of memory");
	for (i = p->pos; i < end; ) {
		char	c = p->s[i];

		if (c == '<' && at_lit(p, i, "<![CDATA[")) {
			e = find_lit(p, i + 9, "]]>");
			for (k = i + 9; k < e; k++)
				if (!is_ws(p->s[k]))
					t->blank = 0;
			memcpy(t->p + n, p->s + i + 9, e - (i + 9));
			n += e - (i + 9);
			i = e + 3;
		} else if (c == '<') {
			i = find_lit(p, i + 4, "-->") + 3;
		} else if (c == '&') {
			if ((k = xp_entity(p, i, end, &cp)) == 0)
				return xp_fail(p, i, "bad entity");
			n += utf8_put(t->p + n, cp);
			t->blank = 0;
			i += k;
		} else {
			if (!is_ws(c))
				t->blank = 0;
			t->p[n++] = c;
			i++;
		}
	}
	t->p[n] = '\0';
	t->len = n;
	p->pos = end;
	return 0;
}

/* Sets t to an empty string (of its own, as trim() writes to it). */
static int
xp_notext(struct xp *p, size_t at, struct text *t)
{
	if ((t->p = arena_alloc(p->a, 1)) == NULL)
		return xp_fail(p, at, "out of memory");
	t->p[0] = '\0';
	t->len = 0;
	t->at = at;
	t->blank = 1;
	return 0;
}

/* Drops leading and trailing whitespace from decoded text. */
static void
trim(struct text *t)
{
	while (t->len > 0 && is_ws(t->p[0])) {
		t->p++;
		t->len--;
	}
	while (t->len > 0 && is_ws(t->p[t->len - 1]))
		t->len--;
	t->p[t->len] = '\0';
}

/* Reads the text of a leaf element whose open tag was read, and its close tag. */
static int
xp_leaf(struct xp *p, const struct tag *open, struct text *t)
{
	char	name[32];

	if (open->kind == TAG_EMPTY)
		return xp_notext(p, open->at, t);
	snprintf(name, sizeof(name), "%.*s", (int)open->namelen, open->name);
	if (xp_text(p, t) == -1 || xp_close(p, name) == -1)
		return -1;
	return 0;
}

static int
xp_int(struct xp *p, struct text *t, int64_t *out)
{
	size_t		i = 0;
	int		neg = 0;
	uint64_t	mag = 0;

	trim(t);
	if (t->len > 0 && (t->p[0] == '-' || t->p[0] == '+'))
		neg = t->p[i++] == '-';
	if (i == t->len)
		return xp_fail(p, t->at, "bad integer");
	for (; i < t->len; i++) {
		unsigned	d = (unsigned)(t->p[i] - '0');

		if (t->p[i] < '0' || t->p[i] > '9')
			return xp_fail(p, t->at, "bad integer");
		if (mag > ((uint64_t)INT64_MAX + 1 - d) / 10)
			return xp_fail(p, t->at, "integer out of range");
		mag = mag * 10 + d;
	}
	if (!neg && mag > (uint64_t)INT64_MAX)
		return xp_fail(p, t->at, "integer out of range");
	*out = neg ? (mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag) :
	    (int64_t)mag;
	return 0;
}

static int
xp_array(struct xp *p, const struct tag *open, int depth, struct val *v)
{
	struct val	**items = NULL, *item;
	struct tag	  t;
	size_t		  n = 0, cap = 0;
	int		  r;

	if (depth > RPC_MAX_DEPTH)
		return xp_fail(p, open->at, "nesting too deep");
	if (open->kind == TAG_EMPTY)
		return 0;
	if ((r = xp_open(p, "data", 1)) == -1)
		return -1;
	while (r == TAG_OPEN) {
		if (xp_tag(p, &t, "<value> or </data>") == -1)
			return -1;
		if (t.kind == TAG_CLOSE && tag_is(&t, "data"))
			break;
		if (t.kind == TAG_CLOSE || !tag_is(&t, "value"))
			return xp_fail(p, t.at, "expected <value> or </data>");
		if (t.kind == TAG_EMPTY) {
			if ((item = val_new(p->a, VAL_STRING)) == NULL)
				return xp_fail(p, t.at, "out of memory");
			item->u.s.p = "";
		} else if (xp_value(p, depth, &item) == -1)
			return -1;
		if (n == cap && (items = arena_grow(p->a, items, n, &cap, sizeof(*items))) == NULL)
			return xp_fail(p, p->pos, "out of memory");
		items[n++] = item;
	}
	if (xp_close(p, "array") == -1)
		return -1;
	v->u.a.items = items;
	v->u.a.n = n;
	return 0;
}

static int
xp_struct(struct xp *p, const struct tag *open, int depth, struct val *v)
{
	struct val_member	*m = NULL, mem;
	struct tag		 t;
	struct text		 name;
	size_t			 n = 0, cap = 0;
	int			 r;

	if (depth > RPC_MAX_DEPTH)
		return xp_fail(p, open->at, "nesting too deep");
	if (open->kind == TAG_EMPTY)
		return 0;
	for (;;) {
		if (xp_tag(p, &t, "<member> or </struct>") == -1)
			return -1;
		if (t.kind == TAG_CLOSE && tag_is(&t, "struct"))
			break;
		if (t.kind != TAG_OPEN || !tag_is(&t, "member"))
			return xp_fail(p, t.at, "expected <member> or </struct>");
		if ((r = xp_open(p, "name", 1)) == -1)
			return -1;
		if (r == TAG_EMPTY) {
			if (xp_notext(p, p->pos, &name) == -1)
				return -1;
		} else if (xp_text(p, &name) == -1 || xp_close(p, "name") == -1)
			return -1;
		mem.name = name.p;
		mem.namelen = name.len;
		if ((r = xp_open(p, "value", 1)) == -1)
			return -1;
		if (r == TAG_EMPTY) {
			if ((mem.v = val_new(p->a, VAL_STRING)) == NULL)
				return xp_fail(p, p->pos, "out of memory");
			mem.v->u.s.p = "";
		} else if (xp_value(p, depth, &mem.v) == -1)
			return -1;
		if (xp_close(p, "member") == -1)
			return -1;
		if (n == cap && (m = arena_grow(p->a, m, n, &cap, sizeof(*m))) == NULL)
			return xp_fail(p, p->pos, "out of memory");
		m[n++] = mem;
	}
	v->u.st.m = m;
	v->u.st.n = n;
	return 0;
}

/*
 * Parses what follows a <value> open tag, through </value>. depth counts the arrays and
 * structs around the value.
 */
static int
xp_value(struct xp *p, int depth, struct val **out)
{
	struct val	*v;
	struct text	 txt, leaf;
	struct tag	 t;
	char		*endp;

	if (xp_text(p, &txt) == -1 || xp_tag(p, &t, "</value>") == -1)
		return -1;
	if ((v = val_new(p->a, VAL_STRING)) == NULL)
		return xp_fail(p, t.at, "out of memory");
	*out = v;
	if (t.kind == TAG_CLOSE && tag_is(&t, "value")) {
		/* No type tag: the text is a string, whitespace and all. */
		v->u.s.p = txt.p;
		v->u.s.len = txt.len;
		return 0;
	}
	if (t.kind == TAG_CLOSE || !txt.blank)
		return xp_fail(p, t.at, "expected </value>");
	if (tag_is(&t, "string") || tag_is(&t, "base64") || tag_is(&t, "dateTime.iso8601")) {
		if (xp_leaf(p, &t, &leaf) == -1)
			return -1;
		if (tag_is(&t, "dateTime.iso8601"))
			v->type = VAL_DATETIME;
		v->u.s.p = leaf.p;
		v->u.s.len = leaf.len;
	} else if (tag_is(&t, "int") || tag_is(&t, "i4") || tag_is(&t, "i8")) {
		v->type = VAL_INT;
		if (xp_leaf(p, &t, &leaf) == -1 || xp_int(p, &leaf, &v->u.i) == -1)
			return -1;
	} else if (tag_is(&t, "boolean")) {
		v->type = VAL_BOOL;
		if (xp_leaf(p, &t, &leaf) == -1)
			return -1;
		trim(&leaf);
		if (leaf.len != 1 || (leaf.p[0] != '0' && leaf.p[0] != '1'))
			return xp_fail(p, leaf.at, "bad boolean");
		v->u.b = leaf.p[0] == '1';
	} else if (tag_is(&t, "double")) {
		v->type = VAL_DOUBLE;
		if (xp_leaf(p, &t, &leaf) == -1)
			return -1;
		trim(&leaf);
		/* leaf.p is NUL-terminated; a NUL inside stops strtod short and fails here. */
		v->u.d = strtod(leaf.p, &endp);
		if (leaf.len == 0 || endp != leaf.p + leaf.len)
			return xp_fail(p, leaf.at, "bad double");
	} else if (tag_is(&t, "array")) {
		v->type = VAL_ARRAY;
		if (xp_array(p, &t, depth + 1, v) == -1)
			return -1;
	} else if (tag_is(&t, "struct")) {
		v->type = VAL_STRUCT;
		if (xp_struct(p, &t, depth + 1, v) == -1)
			return -1;
	} else if (tag_is(&t, "nil")) {
		v->type = VAL_NIL;
		if (t.kind == TAG_OPEN && xp_close(p, "nil") == -1)
			return -1;
	} else
		return xp_fail(p, t.at, "unknown tag <%.*s>", (int)(t.namelen > 40 ? 40 :
		    t.namelen), t.name);
	return xp_close(p, "value");
}

/* The method name: whitespace trimmed, not empty, no control characters. */
static int
xp_method(struct xp *p, const char **method)
{
	struct text	t;
	size_t		i;

	if (xp_open(p, "methodName", 0) == -1 || xp_text(p, &t) == -1 ||
	    xp_close(p, "methodName") == -1)
		return -1;
	trim(&t);
	if (t.len == 0)
		return xp_fail(p, t.at, "empty methodName");
	for (i = 0; i < t.len; i++)
		if ((unsigned char)t.p[i] < 0x20 || t.p[i] == 0x7f)
			return xp_fail(p, t.at, "control character in methodName");
	*method = t.p;
	return 0;
}

static int
xp_params(struct xp *p, struct val *params)
{
	struct val	**items = NULL, *item;
	struct tag	  t;
	size_t		  n = 0, cap = 0;
	int		  r;

	if (xp_tag(p, &t, "<params> or </methodCall>") == -1)
		return -1;
	if (t.kind == TAG_CLOSE && tag_is(&t, "methodCall"))
		return 0;
	if (t.kind == TAG_CLOSE || !tag_is(&t, "params"))
		return xp_fail(p, t.at, "expected <params> or </methodCall>");
	while (t.kind == TAG_OPEN) {
		if (xp_tag(p, &t, "<param> or </params>") == -1)
			return -1;
		if (t.kind == TAG_CLOSE && tag_is(&t, "params"))
			break;
		if (t.kind != TAG_OPEN || !tag_is(&t, "param"))
			return xp_fail(p, t.at, "expected <param> or </params>");
		if ((r = xp_open(p, "value", 1)) == -1)
			return -1;
		if (r == TAG_EMPTY) {
			if ((item = val_new(p->a, VAL_STRING)) == NULL)
				return xp_fail(p, p->pos, "out of memory");
			item->u.s.p = "";
		} else if (xp_value(p, 0, &item) == -1)
			return -1;
		if (xp_close(p, "param") == -1)
			return -1;
		if (n == cap && (items = arena_grow(p->a, items, n, &cap, sizeof(*items))) == NULL)
			return xp_fail(p, p->pos, "out of memory");
		items[n++] = item;
	}
	params->u.a.items = items;
	params->u.a.n = n;
	return xp_close(p, "methodCall");
}

/* Skips a byte-order mark and an XML declaration at the document's start. */
static int
xp_prolog(struct xp *p)
{
	size_t	e;

	if (p->err != NULL && p->errlen > 0)
		p->err[0] = '\0';
	if (at_lit(p, 0, "\xef\xbb\xbf"))
		p->pos = 3;
	if (at_lit(p, p->pos, "<?xml") && p->pos + 5 < p->len &&
	    (is_ws(p->s[p->pos + 5]) || p->s[p->pos + 5] == '?')) {
		if ((e = find_lit(p, p->pos + 5, "?>")) == (size_t)-1)
			return xp_fail(p, p->pos, "unterminated XML declaration");
		p->pos = e + 2;
	}
	return 0;
}

int
xmlrpc_parse_call(struct arena *a, const char *s, size_t len, const char **method,
    struct val **params, char *err, size_t errlen)
{
	struct xp	 p = { a, s, len, 0, err, errlen };
	struct val	*v;
	const char	*name = NULL;

	*method = NULL;
	*params = NULL;
	if (xp_prolog(&p) == -1)
		return -1;
	if ((v = val_new(p.a, VAL_ARRAY)) == NULL)
		return xp_fail(&p, p.pos, "out of memory");
	if (xp_open(&p, "methodCall", 0) == -1 || xp_method(&p, &name) == -1 ||
	    xp_params(&p, v) == -1 || xp_misc(&p) == -1)
		return -1;
	if (p.pos != len)
		return xp_fail(&p, p.pos, "garbage after </methodCall>");
	*method = name;
	*params = v;
	return 0;
}

int
xmlrpc_parse_value(struct arena *a, const char *s, size_t len, struct val **value,
    char *err, size_t errlen)
{
	struct xp	 p = { a, s, len, 0, err, errlen };
	struct val	*v;
	int		 r;

	*value = NULL;
	if (xp_prolog(&p) == -1 || (r = xp_open(&p, "value", 1)) == -1)
		return -1;
	if (r == TAG_EMPTY) {
		if ((v = val_new(p.a, VAL_STRING)) == NULL)
			return xp_fail(&p, p.pos, "out of memory");
		v->u.s.p = "";
	} else if (xp_value(&p, 0, &v) == -1)
		return -1;
	if (xp_misc(&p) == -1)
		return -1;
	if (p.pos != len)
		return xp_fail(&p, p.pos, "garbage after </value>");
	*value = v;
	return 0;
}

/* Appends s[0..len) escaped as XAPI does: &<>" as entities, control characters dropped. */
/* Bytes the writer must escape (&<>") or drop (control characters but tab, LF and CR). */
static const unsigned char xml_special[256] = {
	[0] = 1, [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, [7] = 1, [8] = 1,
	[11] = 1, [12] = 1, [14] = 1, [15] = 1, [16] = 1, [17] = 1, [18] = 1, [19] = 1,
	[20] = 1, [21] = 1, [22] = 1, [23] = 1, [24] = 1, [25] = 1, [26] = 1, [27] = 1,
	[28] = 1, [29] = 1, [30] = 1, [31] = 1,
	['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1,
};

static int
xw_text(struct buf *b, const char *s, size_t len)
{
	size_t	i, run = 0;

	for (i = 0; i < len; i++) {
		unsigned char	 c = (unsigned char)s[i];
		const char	*rep;

		if (!xml_special[c])
			continue;
		switch (c) {
		case '&':	rep = "&amp;"; break;
		case '<':	rep = "&lt;"; break;
		case '>':	rep = "&gt;"; break;
		case '"':	rep = "&quot;"; break;
		default:	rep = ""; break;
		}
		if (buf_append(b, s + run, i - run) == -1 || buf_puts(b, rep) == -1)
			return -1;
		run = i + 1;
	}
	return buf_append(b, s + run, len - run);
}

static int
xw_value(struct buf *b, const struct val *v)
{
	size_t	i;

	switch (v->type) {
	case VAL_NIL:
		return buf_lit(b, "<value><nil/></value>");
	case VAL_BOOL:
		return buf_puts(b, v->u.b ? "<value><boolean>1</boolean></value>" :
		    "<value><boolean>0</boolean></value>");
	case VAL_INT:
		return buf_printf(b, "<value>%" PRId64 "</value>", v->u.i);
	case VAL_INT32:
		return buf_printf(b, "<value><i4>%" PRId64 "</i4></value>", v->u.i);
	case VAL_DOUBLE:
		if (!isfinite(v->u.d))
			return buf_lit(b, "<value><double>NaN</double></value>");
		return buf_printf(b, "<value><double>%.16g</double></value>", v->u.d);
	case VAL_STRING:
		if (buf_lit(b, "<value>") == -1 || xw_text(b, v->u.s.p, v->u.s.len) == -1)
			return -1;
		return buf_lit(b, "</value>");
	case VAL_DATETIME:
		if (buf_lit(b, "<value><dateTime.iso8601>") == -1 ||
		    xw_text(b, v->u.s.p, v->u.s.len) == -1)
			return -1;
		return buf_lit(b, "</dateTime.iso8601></value>");
	case VAL_ARRAY:
		if (buf_lit(b, "<value><array><data>") == -1)
			return -1;
		for (i = 0; i < v->u.a.n; i++)
			if (xw_value(b, v->u.a.items[i]) == -1)
				return -1;
		return buf_lit(b, "</data></array></value>");
	case VAL_STRUCT:
		if (buf_lit(b, "<value><struct>") == -1)
			return -1;
		for (i = 0; i < v->u.st.n; i++)
			if (buf_lit(b, "<member><name>") == -1 ||
			    xw_text(b, v->u.st.m[i].name, v->u.st.m[i].namelen) == -1 ||
			    buf_lit(b, "</name>") == -1 || xw_value(b, v->u.st.m[i].v) == -1 ||
			    buf_lit(b, "</member>") == -1)
				return -1;
		return buf_lit(b, "</struct></value>");
	}
	return -1;
}

/* Undoes a failed write so the buffer is as the caller left it. */
static int
xw_undo(struct buf *b, size_t len)
{
	b->len = len;
	if (b->p != NULL)
		b->p[len] = '\0';
	return -1;
}

int
xmlrpc_write_value(struct buf *b, const struct val *v)
{
	size_t	len = b->len;

	if (xw_value(b, v) == -1)
		return xw_undo(b, len);
	return 0;
}

#define RESPONSE_HEAD	"<?xml version=\"1.0\"?><methodResponse><params><param>"
#define RESPONSE_TAIL	"</param></params></methodResponse>"

int
xmlrpc_write_success(struct buf *b, const struct val *v)
{
	size_t	len = b->len;

	if (buf_puts(b, RESPONSE_HEAD "<value><struct><member><name>Status</name>"
	    "<value>Success</value></member><member><name>Value</name>") == -1 ||
	    xw_value(b, v) == -1 ||
	    buf_puts(b, "</member></struct></value>" RESPONSE_TAIL) == -1)
		return xw_undo(b, len);
	return 0;
}

int
xmlrpc_write_failure(struct buf *b, const char *const *codes, size_t n)
{
	size_t	len = b->len, i;

	if (buf_puts(b, RESPONSE_HEAD "<value><struct><member><name>Status</name>"
	    "<value>Failure</value></member><member><name>ErrorDescription</name>"
	    "<value><array><data>") == -1)
		return xw_undo(b, len);
	for (i = 0; i < n; i++) {
		const char	*c = codes[i] != NULL ? codes[i] : "";

		if (buf_lit(b, "<value>") == -1 || xw_text(b, c, strlen(c)) == -1 ||
		    buf_lit(b, "</value>") == -1)
			return xw_undo(b, len);
	}
	if (buf_puts(b, "</data></array></value></member></struct></value>"
	    RESPONSE_TAIL) == -1)
		return xw_undo(b, len);
	return 0;
}

int
xmlrpc_write_raw_response(struct buf *b, const struct val *v)
{
	size_t	len = b->len;

	if (buf_puts(b, RESPONSE_HEAD) == -1 || xw_value(b, v) == -1 ||
	    buf_puts(b, RESPONSE_TAIL) == -1)
		return xw_undo(b, len);
	return 0;
}
