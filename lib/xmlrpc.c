/*
 * XML-RPC for XenAPI. The parsers read a <methodCall> or a lone <value> document through
 * lib/xml.c (elements without attributes, character data with entities and CDATA,
 * comments, an optional declaration first) into struct val trees in the caller's arena;
 * their messages keep the words and byte offsets XAPI clients have always seen. The
 * writers print values and response envelopes byte for byte as XAPI's ocaml-rpc does: no
 * whitespace, untagged strings.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml.h"
#include "xmlrpc.h"

struct xp {
	struct arena	*a;
	struct xml_cur	 cur;
	struct xml_tok	 tok;		/* read ahead when have is 1 */
	int		 have, r;	/* r: what xml_next returned for tok */
	size_t		 here;		/* where tok starts */
	char		*err;
	size_t		 errlen;
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

/* The tokenizer's refusal in XML-RPC's words; want names what the grammar expected. */
static int
xp_xml_fail(struct xp *p, const char *want)
{
	const struct xml_cur	*c = &p->cur;

	switch (c->err) {
	case XML_E_NAME:
	case XML_E_LONG_NAME:
	case XML_E_DOCTYPE:
	case XML_E_PI:
	case XML_E_MISMATCH:
		return xp_fail(p, c->err_at, "expected %s", want);
	case XML_E_UNCLOSED:
		return xp_fail(p, c->len, "expected %s, got end of input", want);
	case XML_E_OPEN_TAG:
		return xp_fail(p, c->err_at, "unterminated tag");
	case XML_E_ATTR:
		return xp_fail(p, c->err_at, "attributes are not allowed");
	case XML_E_COMMENT:
		return xp_fail(p, c->err_at, "unterminated comment");
	case XML_E_CDATA:
		return xp_fail(p, c->err_at, "unterminated CDATA section");
	case XML_E_DECL:
		return xp_fail(p, c->err_at, "unterminated XML declaration");
	case XML_E_ENTITY:
		return xp_fail(p, c->err_at, "bad entity");
	case XML_E_DEPTH:
		return xp_fail(p, c->err_at, "nesting too deep");
	default:
		return xp_fail(p, c->err_at, "malformed tag");
	}
}

/* The next token, read ahead and left unread: its kind, or -1. */
static int
xp_peek(struct xp *p)
{
	if (!p->have) {
		p->r = xml_next(&p->cur, &p->tok);
		p->here = p->r == -1 ? p->cur.pos : p->tok.at;
		p->have = 1;
	}
	return p->r;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Whether tok is text a document may have between its elements: whitespace and comments,
   but no CDATA section, even of blanks (XAPI's xmlm refuses one too). */
static int
xp_between(const struct xml_tok *tok)
{
	return tok->blank && !tok->cdata;
}

/* Reads the next tag after whitespace and comments (xp_between); want names it in error
   messages. */
static int
xp_tag(struct xp *p, struct xml_tok *t, const char *want)
{
	int	r;

	while ((r = xp_peek(p)) == XML_TEXT && xp_between(&p->tok))
		p->have = 0;
	if (r == -1)
		return xp_xml_fail(p, want);
	if (r == XML_END)
		return xp_fail(p, p->tok.at, "expected %s, got end of input", want);
	if (r == XML_TEXT)
		return xp_fail(p, p->tok.lead, "expected %s", want);
	p->have = 0;
	*t = p->tok;
	if (t->nattrs > 0)
		return xp_fail(p, (size_t)(t->attrs.p - p->cur.buf), "attributes are not allowed");
	return 0;
}

static int
tag_is(const struct xml_tok *t, const char *name)
{
	return t->name.n == strlen(name) && memcmp(t->name.p, name, t->name.n) == 0;
}

/* Reads <name> (or <name/> when empty_ok). Returns XML_OPEN or XML_EMPTY, or -1. */
static int
xp_open(struct xp *p, const char *name, int empty_ok)
{
	struct xml_tok	t;
	char		want[64];

	snprintf(want, sizeof(want), "<%s>", name);
	if (xp_tag(p, &t, want) == -1)
		return -1;
	if (!tag_is(&t, name) || t.kind == XML_CLOSE || (t.kind == XML_EMPTY && !empty_ok))
		return xp_fail(p, t.at, "expected %s", want);
	return (int)t.kind;
}

static int
xp_close(struct xp *p, const char *name)
{
	struct xml_tok	t;
	char		want[XML_NAME_MAX + 4];

	snprintf(want, sizeof(want), "</%s>", name);
	if (xp_tag(p, &t, want) == -1)
		return -1;
	if (t.kind != XML_CLOSE || !tag_is(&t, name))
		return xp_fail(p, t.at, "expected %s", want);
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

/*
 * Reads character data (with entities, CDATA sections and comments) up to the next tag into
 * an arena copy. Decoding never makes text longer, so one allocation of the raw size does.
 */
static int
xp_text(struct xp *p, struct text *t)
{
	/* A refusal is left for the tag the caller reads next, which knows what it wanted. */
	if (xp_peek(p) != XML_TEXT)
		return xp_notext(p, p->here, t);
	p->have = 0;
	t->at = p->tok.at;
	t->blank = p->tok.blank;
	if ((t->p = arena_alloc(p->a, p->tok.text.n + 1)) == NULL)
		return xp_fail(p, t->at, "out of memory");
	if (xml_decode(&p->cur, p->tok.text, 0, t->p, p->tok.text.n + 1, &t->len) == -1)
		return xp_xml_fail(p, "");
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
xp_leaf(struct xp *p, const struct xml_tok *open, struct text *t)
{
	char	name[XML_NAME_MAX + 1];

	if (open->kind == XML_EMPTY)
		return xp_notext(p, open->at, t);
	snprintf(name, sizeof(name), "%.*s", (int)open->name.n, open->name.p);
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
xp_array(struct xp *p, const struct xml_tok *open, int depth, struct val *v)
{
	struct val	**items = NULL, *item;
	struct xml_tok	  t;
	size_t		  n = 0, cap = 0;
	int		  r;

	if (depth > RPC_MAX_DEPTH)
		return xp_fail(p, open->at, "nesting too deep");
	if (open->kind == XML_EMPTY)
		return 0;
	if ((r = xp_open(p, "data", 1)) == -1)
		return -1;
	while (r == XML_OPEN) {
		if (xp_tag(p, &t, "<value> or </data>") == -1)
			return -1;
		if (t.kind == XML_CLOSE && tag_is(&t, "data"))
			break;
		if (t.kind == XML_CLOSE || !tag_is(&t, "value"))
			return xp_fail(p, t.at, "expected <value> or </data>");
		if (t.kind == XML_EMPTY) {
			if ((item = val_new(p->a, VAL_STRING)) == NULL)
				return xp_fail(p, t.at, "out of memory");
			item->u.s.p = "";
		} else if (xp_value(p, depth, &item) == -1)
			return -1;
		if (n == cap && (items = arena_grow(p->a, items, n, &cap, sizeof(*items))) == NULL)
			return xp_fail(p, p->cur.pos, "out of memory");
		items[n++] = item;
	}
	if (xp_close(p, "array") == -1)
		return -1;
	v->u.a.items = items;
	v->u.a.n = n;
	return 0;
}

static int
xp_struct(struct xp *p, const struct xml_tok *open, int depth, struct val *v)
{
	struct val_member	*m = NULL, mem;
	struct xml_tok		 t;
	struct text		 name;
	size_t			 n = 0, cap = 0;
	int			 r;

	if (depth > RPC_MAX_DEPTH)
		return xp_fail(p, open->at, "nesting too deep");
	if (open->kind == XML_EMPTY)
		return 0;
	for (;;) {
		if (xp_tag(p, &t, "<member> or </struct>") == -1)
			return -1;
		if (t.kind == XML_CLOSE && tag_is(&t, "struct"))
			break;
		if (t.kind != XML_OPEN || !tag_is(&t, "member"))
			return xp_fail(p, t.at, "expected <member> or </struct>");
		if ((r = xp_open(p, "name", 1)) == -1)
			return -1;
		if (r == XML_EMPTY) {
			if (xp_notext(p, p->cur.pos, &name) == -1)
				return -1;
		} else if (xp_text(p, &name) == -1 || xp_close(p, "name") == -1)
			return -1;
		mem.name = name.p;
		mem.namelen = name.len;
		if ((r = xp_open(p, "value", 1)) == -1)
			return -1;
		if (r == XML_EMPTY) {
			if ((mem.v = val_new(p->a, VAL_STRING)) == NULL)
				return xp_fail(p, p->cur.pos, "out of memory");
			mem.v->u.s.p = "";
		} else if (xp_value(p, depth, &mem.v) == -1)
			return -1;
		if (xp_close(p, "member") == -1)
			return -1;
		if (n == cap && (m = arena_grow(p->a, m, n, &cap, sizeof(*m))) == NULL)
			return xp_fail(p, p->cur.pos, "out of memory");
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
	struct xml_tok	 t;
	char		*endp;

	if (xp_text(p, &txt) == -1 || xp_tag(p, &t, "</value>") == -1)
		return -1;
	if ((v = val_new(p->a, VAL_STRING)) == NULL)
		return xp_fail(p, t.at, "out of memory");
	*out = v;
	if (t.kind == XML_CLOSE && tag_is(&t, "value")) {
		/* No type tag: the text is a string, whitespace and all. */
		v->u.s.p = txt.p;
		v->u.s.len = txt.len;
		return 0;
	}
	if (t.kind == XML_CLOSE || !txt.blank)
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
		if (t.kind == XML_OPEN && xp_close(p, "nil") == -1)
			return -1;
	} else
		return xp_fail(p, t.at, "unknown tag <%.*s>", (int)(t.name.n > 40 ? 40 :
		    t.name.n), t.name.p);
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
	struct xml_tok	  t;
	size_t		  n = 0, cap = 0;
	int		  r;

	if (xp_tag(p, &t, "<params> or </methodCall>") == -1)
		return -1;
	if (t.kind == XML_CLOSE && tag_is(&t, "methodCall"))
		return 0;
	if (t.kind == XML_CLOSE || !tag_is(&t, "params"))
		return xp_fail(p, t.at, "expected <params> or </methodCall>");
	while (t.kind == XML_OPEN) {
		if (xp_tag(p, &t, "<param> or </params>") == -1)
			return -1;
		if (t.kind == XML_CLOSE && tag_is(&t, "params"))
			break;
		if (t.kind != XML_OPEN || !tag_is(&t, "param"))
			return xp_fail(p, t.at, "expected <param> or </params>");
		if ((r = xp_open(p, "value", 1)) == -1)
			return -1;
		if (r == XML_EMPTY) {
			if ((item = val_new(p->a, VAL_STRING)) == NULL)
				return xp_fail(p, p->cur.pos, "out of memory");
			item->u.s.p = "";
		} else if (xp_value(p, 0, &item) == -1)
			return -1;
		if (xp_close(p, "param") == -1)
			return -1;
		if (n == cap && (items = arena_grow(p->a, items, n, &cap, sizeof(*items))) == NULL)
			return xp_fail(p, p->cur.pos, "out of memory");
		items[n++] = item;
	}
	params->u.a.items = items;
	params->u.a.n = n;
	return xp_close(p, "methodCall");
}

/*
 * After the document's element: only whitespace and comments, as between elements (no
 * CDATA section). root names the element in the message.
 */
static int
xp_end(struct xp *p, const char *root)
{
	int	r;

	while ((r = xp_peek(p)) == XML_TEXT && xp_between(&p->tok))
		p->have = 0;
	if (r == XML_END)
		return 0;
	if (r == -1 && p->cur.err == XML_E_COMMENT)
		return xp_xml_fail(p, "");
	return xp_fail(p, r == -1 ? p->cur.err_at : r == XML_TEXT ? p->tok.lead : p->tok.at,
	    "garbage after </%s>", root);
}

static void
xp_init(struct xp *p, struct arena *a, const char *s, size_t len, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->a = a;
	xml_init(&p->cur, s, len, 0);	/* no blanks before the declaration */
	p->err = err;
	p->errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
}

int
xmlrpc_parse_call(struct arena *a, const char *s, size_t len, const char **method,
    struct val **params, char *err, size_t errlen)
{
	struct xp	 p;
	struct val	*v;
	const char	*name = NULL;

	*method = NULL;
	*params = NULL;
	xp_init(&p, a, s, len, err, errlen);
	if ((v = val_new(p.a, VAL_ARRAY)) == NULL)
		return xp_fail(&p, 0, "out of memory");
	if (xp_open(&p, "methodCall", 0) == -1 || xp_method(&p, &name) == -1 ||
	    xp_params(&p, v) == -1 || xp_end(&p, "methodCall") == -1)
		return -1;
	*method = name;
	*params = v;
	return 0;
}

int
xmlrpc_parse_value(struct arena *a, const char *s, size_t len, struct val **value,
    char *err, size_t errlen)
{
	struct xp	 p;
	struct val	*v;
	int		 r;

	*value = NULL;
	xp_init(&p, a, s, len, err, errlen);
	if ((r = xp_open(&p, "value", 1)) == -1)
		return -1;
	if (r == XML_EMPTY) {
		if ((v = val_new(p.a, VAL_STRING)) == NULL)
			return xp_fail(&p, p.cur.pos, "out of memory");
		v->u.s.p = "";
	} else if (xp_value(&p, 0, &v) == -1)
		return -1;
	if (xp_end(&p, "value") == -1)
		return -1;
	*value = v;
	return 0;
}

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
