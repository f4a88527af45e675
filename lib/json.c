/*
 * JSON (RFC 8259) for JSON-RPC. The parser is strict recursive descent over a length-bounded
 * input: it never reads past len, builds the struct val tree in the caller's arena, checks
 * UTF-8, joins \u surrogate pairs and stops at RPC_MAX_DEPTH. The writer is compact and
 * always emits valid JSON, whatever bytes the tree holds.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "json.h"
#include "utf8.h"

struct jp {
	struct arena	*a;
	const char	*s;
	size_t		 len, pos;
	char		*err;
	size_t		 errlen;
};

static int	jp_value(struct jp *, int, struct val **);

static int
jp_fail(struct jp *p, size_t at, const char *what)
{
	if (p->err != NULL && p->errlen > 0)
		snprintf(p->err, p->errlen, "JSON: %s at byte %zu", what, at);
	return -1;
}

static void
jp_ws(struct jp *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
	    p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads 4 hex digits at s (the caller checked they are inside the string). */
static int
hex4(const char *s, uint32_t *out)
{
	uint32_t	v = 0;
	int		i, d;

	for (i = 0; i < 4; i++) {
		if ((d = hexval((unsigned char)s[i])) == -1)
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

/* Parses the string whose opening quote is at pos into an arena copy. */
static int
jp_string(struct jp *p, const char **out, size_t *outlen)
{
	size_t		 start = p->pos, end, i, n = 0;
	const char	*s = p->s;
	char		*o;
	uint32_t	 cp, lo;

	for (end = start + 1; end < p->len && s[end] != '"'; end++)
		if (s[end] == '\\')
			end++;
	if (end >= p->len)
		return jp_fail(p, start, "unterminated string");
	/* Decoding never makes a string longer. */
	if ((o = arena_alloc(p->a, end - start)) == NULL)
		return jp_fail(p, start, "out of memory");
	for (i = start + 1; i < end; ) {
		unsigned char	c = (unsigned char)s[i];
		size_t		k;

		if (c == '\\') {
			/* The scan above guarantees s[i + 1] is before end. */
			switch (s[i + 1]) {
			case '"':	o[n++] = '"'; break;
			case '\\':	o[n++] = '\\'; break;
			case '/':	o[n++] = '/'; break;
			case 'b':	o[n++] = '\b'; break;
			case 'f':	o[n++] = '\f'; break;
			case 'n':	o[n++] = '\n'; break;
			case 'r':	o[n++] = '\r'; break;
			case 't':	o[n++] = '\t'; break;
			case 'u':
				if (end - i < 6 || hex4(s + i + 2, &cp) == -1)
					return jp_fail(p, i, "bad \\u escape");
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return jp_fail(p, i, "lone surrogate");
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (end - i < 12 || s[i + 6] != '\\' || s[i + 7] != 'u' ||
					    hex4(s + i + 8, &lo) == -1 || lo < 0xdc00 || lo > 0xdfff)
						return jp_fail(p, i, "lone surrogate");
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					i += 6;
				}
				n += utf8_put(o + n, cp);
				i += 6;
				continue;
			default:
				return jp_fail(p, i, "bad escape");
			}
			i += 2;
		} else if (c < 0x20) {
			return jp_fail(p, i, "control character in string");
		} else if ((k = utf8_seq((const unsigned char *)s + i, end - i)) == 0) {
			return jp_fail(p, i, "invalid UTF-8");
		} else {
			memcpy(o + n, s + i, k);
			n += k;
			i += k;
		}
	}
	o[n] = '\0';
	*out = o;
	*outlen = n;
	p->pos = end + 1;
	return 0;
}

static int
jp_number(struct jp *p, struct val **out)
{
	const char	*s = p->s;
	size_t		 start = p->pos, i = start;
	int		 neg = 0, isint = 1;
	uint64_t	 mag = 0;
	char		 small[64], *txt, *endp;
	double		 d;

	if (s[i] == '-') {
		neg = 1;
		i++;
	}
	if (i >= p->len || !is_digit(s[i]))
		return jp_fail(p, start, "bad number");
	if (s[i] == '0')
		i++;
	else
		while (i < p->len && is_digit(s[i]))
			i++;
	if (i < p->len && s[i] == '.') {
		isint = 0;
		if (++i >= p->len || !is_digit(s[i]))
			return jp_fail(p, start, "bad number");
		while (i < p->len && is_digit(s[i]))
			i++;
	}
	if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
		isint = 0;
		if (++i < p->len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= p->len || !is_digit(s[i]))
			return jp_fail(p, start, "bad number");
		while (i < p->len && is_digit(s[i]))
			i++;
	}
	p->pos = i;
	if (isint) {
		size_t	j;
		int	fits = 1;

		for (j = start + neg; j < i; j++) {
			unsigned	dgt = (unsigned)(s[j] - '0');

			if (mag > (UINT64_MAX - dgt) / 10) {
				fits = 0;
				break;
			}
			mag = mag * 10 + dgt;
		}
		if (fits && mag <= (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX)) {
			if ((*out = val_new(p->a, VAL_INT)) == NULL)
				return jp_fail(p, start, "out of memory");
			if (neg)
				(*out)->u.i = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
				    -(int64_t)mag;
			else
				(*out)->u.i = (int64_t)mag;
			return 0;
		}
	}
	/* strtod needs a NUL-terminated copy: the input may end right after the number. */
	if (i - start < sizeof(small)) {
		memcpy(small, s + start, i - start);
		small[i - start] = '\0';
		txt = small;
	} else if ((txt = arena_strndup(p->a, s + start, i - start)) == NULL)
		return jp_fail(p, start, "out of memory");
	errno = 0;
	d = strtod(txt, &endp);
	if (endp != txt + (i - start))
		return jp_fail(p, start, "bad number");
	if (isinf(d))
		return jp_fail(p, start, "number out of range");
	if ((*out = val_new(p->a, VAL_DOUBLE)) == NULL)
		return jp_fail(p, start, "out of memory");
	(*out)->u.d = d;
	return 0;
}

static int
jp_literal(struct jp *p, const char *word, struct val **out, enum val_type type, int b)
{
	size_t	n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return jp_fail(p, p->pos, "bad literal");
	if ((*out = val_new(p->a, type)) == NULL)
		return jp_fail(p, p->pos, "out of memory");
	(*out)->u.b = b;
	p->pos += n;
	return 0;
}

static int
jp_array(struct jp *p, int depth, struct val **out)
{
	struct val	*v, *item, **items = NULL;
	size_t		 n = 0, cap = 0, start = p->pos;

	if (depth > RPC_MAX_DEPTH)
		return jp_fail(p, start, "nesting too deep");
	if ((v = val_new(p->a, VAL_ARRAY)) == NULL)
		return jp_fail(p, start, "out of memory");
	p->pos++;
	jp_ws(p);
	if (p->pos < p->len && p->s[p->pos] == ']') {
		p->pos++;
		*out = v;
		return 0;
	}
	for (;;) {
		if (jp_value(p, depth, &item) == -1)
			return -1;
		if (n == cap && (items = arena_grow(p->a, items, n, &cap, sizeof(*items))) == NULL)
			return jp_fail(p, p->pos, "out of memory");
		items[n++] = item;
		jp_ws(p);
		if (p->pos >= p->len)
			return jp_fail(p, start, "unterminated array");
		if (p->s[p->pos] == ']')
			break;
		if (p->s[p->pos] != ',')
			return jp_fail(p, p->pos, "expected ',' or ']'");
		p->pos++;
	}
	p->pos++;
	v->u.a.items = items;
	v->u.a.n = n;
	*out = v;
	return 0;
}

static int
jp_object(struct jp *p, int depth, struct val **out)
{
	struct val		*v;
	struct val_member	*m = NULL, mem;
	size_t			 n = 0, cap = 0, start = p->pos;

	if (depth > RPC_MAX_DEPTH)
		return jp_fail(p, start, "nesting too deep");
	if ((v = val_new(p->a, VAL_STRUCT)) == NULL)
		return jp_fail(p, start, "out of memory");
	p->pos++;
	jp_ws(p);
	if (p->pos < p->len && p->s[p->pos] == '}') {
		p->pos++;
		*out = v;
		return 0;
	}
	for (;;) {
		jp_ws(p);
		if (p->pos >= p->len)
			return jp_fail(p, start, "unterminated object");
		if (p->s[p->pos] != '"')
			return jp_fail(p, p->pos, "expected a string key");
		if (jp_string(p, &mem.name, &mem.namelen) == -1)
			return -1;
		jp_ws(p);
		if (p->pos >= p->len)
			return jp_fail(p, start, "unterminated object");
		if (p->s[p->pos] != ':')
			return jp_fail(p, p->pos, "expected ':'");
		p->pos++;
		if (jp_value(p, depth, &mem.v) == -1)
			return -1;
		if (n == cap && (m = arena_grow(p->a, m, n, &cap, sizeof(*m))) == NULL)
			return jp_fail(p, p->pos, "out of memory");
		m[n++] = mem;
		jp_ws(p);
		if (p->pos >= p->len)
			return jp_fail(p, start, "unterminated object");
		if (p->s[p->pos] == '}')
			break;
		if (p->s[p->pos] != ',')
			return jp_fail(p, p->pos, "expected ',' or '}'");
		p->pos++;
	}
	p->pos++;
	v->u.st.m = m;
	v->u.st.n = n;
	*out = v;
	return 0;
}

/* Parses one value; depth counts the arrays and objects around it. */
static int
jp_value(struct jp *p, int depth, struct val **out)
{
	struct val	*v;
	char		 c;

	jp_ws(p);
	if (p->pos >= p->len)
		return jp_fail(p, p->pos, "unexpected end of input");
	switch ((c = p->s[p->pos])) {
	case '{':
		return jp_object(p, depth + 1, out);
	case '[':
		return jp_array(p, depth + 1, out);
	case '"':
		if ((v = val_new(p->a, VAL_STRING)) == NULL)
			return jp_fail(p, p->pos, "out of memory");
		if (jp_string(p, &v->u.s.p, &v->u.s.len) == -1)
			return -1;
		*out = v;
		return 0;
	case 't':
		return jp_literal(p, "true", out, VAL_BOOL, 1);
	case 'f':
		return jp_literal(p, "false", out, VAL_BOOL, 0);
	case 'n':
		return jp_literal(p, "null", out, VAL_NIL, 0);
	default:
		if (c == '-' || is_digit(c))
			return jp_number(p, out);
		return jp_fail(p, p->pos, "unexpected character");
	}
}

int
json_parse(struct arena *a, const char *s, size_t len, struct val **out, char *err,
    size_t errlen)
{
	struct jp	 p = { a, s, len, 0, err, errlen };
	struct val	*v;

	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (jp_value(&p, 0, &v) == -1)
		return -1;
	jp_ws(&p);
	if (p.pos != len)
		return jp_fail(&p, p.pos, "garbage after the document");
	*out = v;
	return 0;
}

static int
jw_string(struct buf *b, const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, run = 0, k;
	char			 esc[8];

	if (buf_append(b, "\"", 1) == -1)
		return -1;
	while (i < len) {
		unsigned char	c = u[i];
		const char	*rep = NULL;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80 && (k = utf8_seq(u + i, len - i)) != 0) {
			i += k;
			continue;
		}
		/* Flush the plain run before this byte, then write its escape. */
		if (buf_append(b, s + run, i - run) == -1)
			return -1;
		switch (c) {
		case '"':	rep = "\\\""; break;
		case '\\':	rep = "\\\\"; break;
		case '\b':	rep = "\\b"; break;
		case '\f':	rep = "\\f"; break;
		case '\n':	rep = "\\n"; break;
		case '\r':	rep = "\\r"; break;
		case '\t':	rep = "\\t"; break;
		default:
			if (c >= 0x80)
				rep = "\\ufffd";
			else {
				snprintf(esc, sizeof(esc), "\\u%04x", c);
				rep = esc;
			}
		}
		if (buf_puts(b, rep) == -1)
			return -1;
		run = ++i;
	}
	if (buf_append(b, s + run, len - run) == -1 || buf_append(b, "\"", 1) == -1)
		return -1;
	return 0;
}

static int
jw_double(struct buf *b, double d)
{
	char	txt[48];

	if (!isfinite(d))
		return buf_lit(b, "null");
	snprintf(txt, sizeof(txt), "%.16g", d);
	/* Near DBL_MAX 16 digits can round past it; 17 always read back as finite. */
	if (isinf(strtod(txt, NULL)))
		snprintf(txt, sizeof(txt), "%.17g", d);
	return buf_puts(b, txt);
}

static int
jw_value(struct buf *b, const struct val *v)
{
	size_t	i;

	switch (v->type) {
	case VAL_NIL:
		return buf_lit(b, "null");
	case VAL_BOOL:
		return buf_puts(b, v->u.b ? "true" : "false");
	case VAL_INT:
	case VAL_INT32:
		return buf_printf(b, "%" PRId64, v->u.i);
	case VAL_DOUBLE:
		return jw_double(b, v->u.d);
	case VAL_STRING:
	case VAL_DATETIME:
		return jw_string(b, v->u.s.p, v->u.s.len);
	case VAL_ARRAY:
		if (buf_append(b, "[", 1) == -1)
			return -1;
		for (i = 0; i < v->u.a.n; i++)
			if ((i > 0 && buf_append(b, ",", 1) == -1) ||
			    jw_value(b, v->u.a.items[i]) == -1)
				return -1;
		return buf_append(b, "]", 1);
	case VAL_STRUCT:
		if (buf_append(b, "{", 1) == -1)
			return -1;
		for (i = 0; i < v->u.st.n; i++)
			if ((i > 0 && buf_append(b, ",", 1) == -1) ||
			    jw_string(b, v->u.st.m[i].name, v->u.st.m[i].namelen) == -1 ||
			    buf_append(b, ":", 1) == -1 || jw_value(b, v->u.st.m[i].v) == -1)
				return -1;
		return buf_append(b, "}", 1);
	}
	return -1;
}

/* Undoes a failed write so the buffer is as the caller left it. */
static int
jw_undo(struct buf *b, size_t len)
{
	b->len = len;
	if (b->p != NULL)
		b->p[len] = '\0';
	return -1;
}

int
json_write(struct buf *b, const struct val *v)
{
	size_t	len = b->len;

	if (jw_value(b, v) == -1)
		return jw_undo(b, len);
	return 0;
}

int
json_write_string(struct buf *b, const char *s, size_t len)
{
	size_t	blen = b->len;

	if (jw_string(b, s, len) == -1)
		return jw_undo(b, blen);
	return 0;
}
