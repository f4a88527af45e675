/*
 * The XML tokenizer (see xml.h): one pass over the caller's buffer, never past its end,
 * keeping only the offsets of the open elements' names. Tags, nesting, comments and CDATA
 * are checked as they are read; entities when the caller decodes text with xml_decode,
 * which owns the one entity policy: the five predefined entities and character references.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nitems.h"
#include "utf8.h"
#include "hex.h"
#include "xml.h"

#define NONE	((size_t)-1)

static int	xfail(struct xml_cur *, enum xml_error, size_t, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

static int
blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* The bytes a name starts with: ASCII letters, '_' and ':' (XML's NameStartChar). */
static int
namestart(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == ':';
}

/* The bytes of names after the first: those, digits, '.' and '-'. */
static int
namechar(char ch)
{
	return namestart(ch) || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
}

/* Whether p[i..n) starts with lit. */
static int
starts(const char *p, size_t n, size_t i, const char *lit)
{
	size_t	l = strlen(lit);

	return i <= n && n - i >= l && memcmp(p + i, lit, l) == 0;
}

/* The offset of lit in p[i..n), or NONE. */
static size_t
find(const char *p, size_t n, size_t i, const char *lit)
{
	const char	*q;

	for (; i < n; i = (size_t)(q - p) + 1) {
		if ((q = memchr(p + i, lit[0], n - i)) == NULL)
			return NONE;
		if (starts(p, n, (size_t)(q - p), lit))
			return (size_t)(q - p);
	}
	return NONE;
}

/* The line offset at is on (errors only: it counts from the start). */
static int
line_at(const struct xml_cur *c, size_t at)
{
	const char	*p = c->buf, *end = c->buf + (at < c->len ? at : c->len);
	int		 line = 1;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

/* Moves to offset to, counting lines. */
static void
advance(struct xml_cur *c, size_t to)
{
	const char	*p = c->buf + c->pos, *end = c->buf + to;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		c->line++;
		p++;
	}
	c->pos = to;
}

static int
xfail(struct xml_cur *c, enum xml_error e, size_t at, const char *fmt, ...)
{
	va_list	ap;

	c->err = e;
	c->err_at = at;
	c->err_line = line_at(c, at);
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* The length of the name at offset at: 0 when none starts there. */
static size_t
namelen(const struct xml_cur *c, size_t at)
{
	size_t	i = at;

	if (i == c->len || !namestart(c->buf[i]))
		return 0;
	while (i < c->len && namechar(c->buf[i]))
		i++;
	return i - at;
}

void
xml_init(struct xml_cur *c, const char *buf, size_t len, int flags)
{
	memset(c, 0, sizeof(*c));
	c->buf = buf != NULL ? buf : "";
	c->len = buf != NULL ? len : 0;
	c->line = 1;
	c->flags = flags;
}

/* A byte-order mark, then (blanks, when allowed, and) the <?xml ...?> declaration when
   there is one. */
static int
prolog(struct xml_cur *c)
{
	size_t	i, e;

	c->started = 1;
	if (starts(c->buf, c->len, 0, "\xef\xbb\xbf"))
		c->pos = 3;
	for (i = c->pos; (c->flags & XML_BLANKS_BEFORE_DECL) && i < c->len &&
	    blank(c->buf[i]); i++)
		;
	if (!starts(c->buf, c->len, i, "<?xml") ||
	    (i + 5 < c->len && !blank(c->buf[i + 5]) && c->buf[i + 5] != '?'))
		return 0;
	if ((e = find(c->buf, c->len, i + 5, "?>")) == NONE)
		return xfail(c, XML_E_DECL, i, "the <?xml declaration is never closed (no \"?>\")");
	advance(c, e + 2);
	return 0;
}

/* Character data, comments and CDATA sections up to the next tag. */
static int
text(struct xml_cur *c, struct xml_tok *t)
{
	size_t	i = c->pos, e, k;

	t->kind = XML_TEXT;
	t->blank = 1;
	t->lead = NONE;
	while (i < c->len) {
		if (c->buf[i] == '<' && starts(c->buf, c->len, i, "<!--")) {
			if ((e = find(c->buf, c->len, i + 4, "-->")) == NONE)
				return xfail(c, XML_E_COMMENT, i,
				    "a comment is never closed (no \"-->\")");
			i = e + 3;
			continue;
		}
		if (c->buf[i] == '<' && starts(c->buf, c->len, i, "<![CDATA[")) {
			if ((e = find(c->buf, c->len, i + 9, "]]>")) == NONE)
				return xfail(c, XML_E_CDATA, i,
				    "a CDATA section is never closed (no \"]]>\")");
			if (t->lead == NONE)
				t->lead = i;
			t->cdata = 1;
			for (k = i + 9; k < e; k++)
				if (!blank(c->buf[k]))
					t->blank = 0;
			i = e + 3;
			continue;
		}
		if (c->buf[i] == '<')
			break;
		if (!blank(c->buf[i])) {
			t->blank = 0;
			if (t->lead == NONE)
				t->lead = i;
		}
		i++;
	}
	if (t->lead == NONE)
		t->lead = i;
	t->text.p = c->buf + c->pos;
	t->text.n = i - c->pos;
	advance(c, i);
	return XML_TEXT;
}

/* name="value" or name='value' at *i, one of the attributes of the tag at s. */
static int
attribute(struct xml_cur *c, struct xml_tok *t, size_t s, size_t *i, size_t names[])
{
	const char	*b = c->buf;
	size_t		 a = *i, n = namelen(c, a), j = a + n;
	int		 k, tn = (int)t->name.n;
	char		 q;

	if (n == 0)
		return xfail(c, XML_E_TAG, s, "<%.*s>: expected name=\"value\", '>' or '/>'", tn,
		    t->name.p);
	if (n > XML_NAME_MAX)
		return xfail(c, XML_E_ATTR, a, "<%.*s>: an attribute's name is longer than %d "
		    "bytes", tn, t->name.p, XML_NAME_MAX);
	while (j < c->len && blank(b[j]))
		j++;
	if (j == c->len || b[j++] != '=')
		return xfail(c, XML_E_ATTR, a, "<%.*s>: attribute %.*s has no value", tn,
		    t->name.p, (int)n, b + a);
	while (j < c->len && blank(b[j]))
		j++;
	if (j == c->len || (b[j] != '"' && b[j] != '\''))
		return xfail(c, XML_E_ATTR, a, "<%.*s>: the value of %.*s is not quoted", tn,
		    t->name.p, (int)n, b + a);
	for (q = b[j++]; j < c->len && b[j] != q; j++)
		if (b[j] == '<')
			return xfail(c, XML_E_ATTR, a, "<%.*s>: '<' in the value of %.*s", tn,
			    t->name.p, (int)n, b + a);
	if (j == c->len)
		return xfail(c, XML_E_ATTR, a, "<%.*s>: the value of %.*s is never closed", tn,
		    t->name.p, (int)n, b + a);
	for (k = 0; k < t->nattrs; k++)
		if (namelen(c, names[k]) == n && memcmp(b + names[k], b + a, n) == 0)
			return xfail(c, XML_E_ATTR, a, "<%.*s>: attribute %.*s is given twice",
			    tn, t->name.p, (int)n, b + a);
	if (t->nattrs == XML_MAX_ATTRS)
		return xfail(c, XML_E_ATTR, a, "<%.*s>: more than %d attributes", tn, t->name.p,
		    XML_MAX_ATTRS);
	if (t->nattrs == 0)
		t->attrs.p = b + a;
	names[t->nattrs++] = a;
	*i = j + 1;
	t->attrs.n = (size_t)(b + *i - t->attrs.p);
	return 0;
}

/* An end tag, </name>, whose name starts at i; it must close the innermost element. */
static int
end_tag(struct xml_cur *c, struct xml_tok *t, size_t i)
{
	size_t	s = t->at, top, tl;
	int	tn = (int)t->name.n;

	while (i < c->len && blank(c->buf[i]))
		i++;
	if (i == c->len)
		return xfail(c, XML_E_OPEN_TAG, s, "</%.*s>: the tag is never closed (no '>')",
		    tn, t->name.p);
	if (c->buf[i] != '>')
		return xfail(c, XML_E_TAG, s, "</%.*s>: expected '>'", tn, t->name.p);
	if (c->depth == 0)
		return xfail(c, XML_E_MISMATCH, s, "</%.*s> closes no element", tn, t->name.p);
	top = c->open[c->depth - 1];
	tl = namelen(c, top);
	if (tl != t->name.n || memcmp(c->buf + top, t->name.p, tl) != 0)
		return xfail(c, XML_E_MISMATCH, s, "</%.*s> where </%.*s> should close <%.*s> "
		    "(line %d)", tn, t->name.p, (int)tl, c->buf + top, (int)tl, c->buf + top,
		    line_at(c, top));
	c->depth--;
	t->kind = XML_CLOSE;
	advance(c, i + 1);
	return XML_CLOSE;
}

/* A start tag, an empty-element tag or an end tag at '<'. */
static int
tag(struct xml_cur *c, struct xml_tok *t)
{
	const char	*b = c->buf;
	size_t		 s = c->pos, i = s + 1, names[XML_MAX_ATTRS];
	int		 close = 0, spaced, tn;

	if (starts(b, c->len, s, "<!DOCTYPE"))
		return xfail(c, XML_E_DOCTYPE, s, "<!DOCTYPE is not supported");
	if (i < c->len && b[i] == '?')
		return xfail(c, XML_E_PI, s, "processing instructions (<?...?>) are not "
		    "supported");
	if (i < c->len && b[i] == '/') {
		close = 1;
		i++;
	}
	t->name.p = b + i;
	t->name.n = namelen(c, i);
	tn = (int)t->name.n;
	if (t->name.n == 0)
		return xfail(c, XML_E_NAME, s, "expected an element's name after '%s'",
		    close ? "</" : "<");
	if (t->name.n > XML_NAME_MAX)
		return xfail(c, XML_E_LONG_NAME, s, "an element's name is longer than %d bytes",
		    XML_NAME_MAX);
	i += t->name.n;
	if (close)
		return end_tag(c, t, i);
	t->attrs.p = b + i;
	for (;;) {
		for (spaced = 0; i < c->len && blank(b[i]); i++)
			spaced = 1;
		if (i == c->len || (b[i] == '/' && i + 1 == c->len))
			return xfail(c, XML_E_OPEN_TAG, s, "<%.*s>: the tag is never closed "
			    "(no '>')", tn, t->name.p);
		if (b[i] == '>') {
			t->kind = XML_OPEN;
			i++;
			break;
		}
		if (b[i] == '/') {
			if (b[i + 1] != '>')
				return xfail(c, XML_E_TAG, s, "<%.*s>: expected '>' after '/'",
				    tn, t->name.p);
			t->kind = XML_EMPTY;
			i += 2;
			break;
		}
		if (!spaced)
			return xfail(c, XML_E_TAG, s, "<%.*s>: expected a space, '>' or '/>'", tn,
			    t->name.p);
		if (attribute(c, t, s, &i, names) == -1)
			return -1;
	}
	if (t->kind == XML_OPEN) {
		if (c->depth == XML_MAX_DEPTH)
			return xfail(c, XML_E_DEPTH, s, "<%.*s>: more than %d elements are open",
			    tn, t->name.p, XML_MAX_DEPTH);
		c->open[c->depth++] = (size_t)(t->name.p - b);
	}
	advance(c, i);
	return (int)t->kind;
}

int
xml_next(struct xml_cur *c, struct xml_tok *t)
{
	size_t	top;
	int	tl;

	memset(t, 0, sizeof(*t));
	if (c->err != XML_E_NONE || (!c->started && prolog(c) == -1))
		return -1;
	t->at = c->pos;
	t->line = c->line;
	if (c->pos == c->len) {
		if (c->depth == 0)
			return XML_END;
		top = c->open[c->depth - 1];
		tl = (int)namelen(c, top);
		return xfail(c, XML_E_UNCLOSED, top - 1, "<%.*s> is never closed (no </%.*s>)",
		    tl, c->buf + top, tl, c->buf + top);
	}
	if (c->buf[c->pos] != '<' || starts(c->buf, c->len, c->pos, "<!--") ||
	    starts(c->buf, c->len, c->pos, "<![CDATA["))
		return text(c, t);
	return tag(c, t);
}

int
xml_attr_at(const struct xml_tok *t, int i, struct xml_span *name, struct xml_span *value)
{
	const char	*p = t->attrs.p, *end = t->attrs.p + t->attrs.n;
	char		 q;
	int		 k;

	if (t->kind != XML_OPEN && t->kind != XML_EMPTY)
		return 0;
	/* xml_next checked the syntax; the bounds are checked again all the same. */
	for (k = 0; k < t->nattrs && p < end; k++) {
		while (p < end && blank(*p))
			p++;
		name->p = p;
		while (p < end && namechar(*p))
			p++;
		name->n = (size_t)(p - name->p);
		while (p < end && (blank(*p) || *p == '='))
			p++;
		if (p == end)
			break;
		q = *p++;
		for (value->p = p; p < end && *p != q; p++)
			;
		value->n = (size_t)(p - value->p);
		if (p < end)
			p++;
		if (k == i)
			return 1;
	}
	return 0;
}

int
xml_attr(const struct xml_tok *t, const char *name, struct xml_span *value)
{
	struct xml_span	n;
	size_t		l = strlen(name);
	int		i;

	for (i = 0; xml_attr_at(t, i, &n, value); i++)
		if (n.n == l && memcmp(n.p, name, l) == 0)
			return i;
	return -1;
}

/* Whether XML 1.0 allows character cp (its production Char). */
static int
xml_char(uint32_t cp)
{
	return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
	    (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/* The value of hex or decimal digit ch, or -1. */
static int
digit(char ch, int hex)
{
	if (hex)
		return hexval((unsigned char)ch);
	return ch >= '0' && ch <= '9' ? ch - '0' : -1;
}

/* The entity at s.p[i] ('&') as code point *cp: returns its length, or 0 when refused. */
static size_t
entity(struct xml_cur *c, struct xml_span s, size_t i, uint32_t *cp)
{
	static const struct {
		const char	*name;
		char		 ch;
	} named[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
		{ "&apos;", '\'' },
	};
	size_t		k, j, n, at = s.p >= c->buf && s.p <= c->buf + c->len ?
			    (size_t)(s.p - c->buf) + i : 0;
	uint32_t	v = 0;
	int		hex, d, digits = 0;

	for (k = 0; k < nitems(named); k++)
		if (starts(s.p, s.n, i, named[k].name)) {
			*cp = (unsigned char)named[k].ch;
			return strlen(named[k].name);
		}
	if (!starts(s.p, s.n, i, "&#")) {
		xfail(c, XML_E_ENTITY, at, "'&' must start &amp; &lt; &gt; &quot; &apos; or a "
		    "character reference such as &#65; (write & as &amp;)");
		return 0;
	}
	hex = starts(s.p, s.n, i, "&#x");
	for (j = i + 2 + (size_t)hex; j < s.n && s.p[j] != ';'; j++, digits++) {
		if ((d = digit(s.p[j], hex)) == -1)
			break;
		/* Past U+10FFFF it stays there: refused below, and no overflow. */
		v = v > 0x10ffff ? v : v * (hex ? 16 : 10) + (uint32_t)d;
	}
	if (j == s.n || s.p[j] != ';' || digits == 0) {
		xfail(c, XML_E_ENTITY, at, "a character reference is &# and decimal digits or "
		    "&#x and hex digits, then ';'");
		return 0;
	}
	if (!xml_char(v)) {
		n = j + 1 - i;
		xfail(c, XML_E_ENTITY, at, "%.*s%s is not a character XML 1.0 allows",
		    (int)(n > 16 ? 16 : n), s.p + i, n > 16 ? "..." : "");
		return 0;
	}
	*cp = v;
	return j + 1 - i;
}

/* Decoded output: what fit in out, the length in all, and (trimming) without trailing
   blanks. */
struct sink {
	char	*out;
	size_t	 size, written, total, keep;
	int	 trim, full;
};

static void
emit(struct sink *k, const char *p, size_t n)
{
	int	ws = n == 1 && blank(p[0]);

	if (ws && k->trim && k->total == 0)
		return;
	if (!k->full && k->written + n < k->size) {
		memcpy(k->out + k->written, p, n);
		k->written += n;
	} else
		k->full = 1;
	k->total += n;
	if (!ws || !k->trim)
		k->keep = k->total;
}

int
xml_decode(struct xml_cur *c, struct xml_span s, int flags, char *out, size_t size,
    size_t *len)
{
	struct sink	k = { out, size, 0, 0, 0, flags & XML_TRIM, 0 };
	size_t		i = 0, e, n;
	uint32_t	cp;
	char		u[4];

	*len = 0;
	if (size > 0)
		out[0] = '\0';
	while (i < s.n) {
		if (starts(s.p, s.n, i, "<!--")) {
			if ((e = find(s.p, s.n, i + 4, "-->")) == NONE)
				return xfail(c, XML_E_COMMENT, c->pos, "a comment is never closed "
				    "(no \"-->\")");
			i = e + 3;
		} else if (starts(s.p, s.n, i, "<![CDATA[")) {
			if ((e = find(s.p, s.n, i + 9, "]]>")) == NONE)
				return xfail(c, XML_E_CDATA, c->pos, "a CDATA section is never "
				    "closed (no \"]]>\")");
			for (i += 9; i < e; i++)
				emit(&k, s.p + i, 1);
			i = e + 3;
		} else if (s.p[i] == '&') {
			if ((n = entity(c, s, i, &cp)) == 0)
				return -1;
			emit(&k, u, utf8_put(u, cp));
			i += n;
		} else
			emit(&k, s.p + i++, 1);
	}
	*len = k.keep;
	if (size > 0)
		out[k.keep < k.written ? k.keep : k.written] = '\0';
	return 0;
}
