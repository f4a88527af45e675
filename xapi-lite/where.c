/*
 * The where-expression parser and evaluator (where.h): a lexer of XAPI's few tokens and a
 * recursive descent that follows its grammar's precedence.
 */
#include <stdio.h>
#include <string.h>

#include "nitems.h"
#include "where.h"

enum tok { T_EOF, T_EQ, T_TRUE, T_FALSE, T_LPAREN, T_RPAREN, T_FIELD, T_AND, T_OR, T_NOT,
	T_IDENT, T_BAD };

struct parser {
	const char	*p, *end, *start;
	enum tok	 tok;		/* the current token */
	const char	*tp;		/* its text (T_IDENT: inside the quotes) */
	size_t		 tlen;
	size_t		 at;		/* its offset, for messages */
	struct where	*w;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

static const struct {
	const char	*word;
	enum tok	 tok;
} words[] = {
	{ "true", T_TRUE }, { "false", T_FALSE }, { "field", T_FIELD }, { "and", T_AND },
	{ "or", T_OR }, { "not", T_NOT },
};

static void
fail(struct parser *ps, const char *what)
{
	if (!ps->failed)
		snprintf(ps->err, ps->errlen, "%s at offset %zu", what, ps->at);
	ps->failed = 1;
}

/* Reads the next token into ps->tok. */
static void
next(struct parser *ps)
{
	const char	*q;
	size_t		 i, n;

	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n'))
		ps->p++;
	ps->at = (size_t)(ps->p - ps->start);
	ps->tp = ps->p;
	ps->tlen = 0;
	if (ps->p == ps->end) {
		ps->tok = T_EOF;
		return;
	}
	switch (*ps->p) {
	case '=': ps->tok = T_EQ; ps->p++; return;
	case '(': ps->tok = T_LPAREN; ps->p++; return;
	case ')': ps->tok = T_RPAREN; ps->p++; return;
	case '"':
		if ((q = memchr(ps->p + 1, '"', (size_t)(ps->end - ps->p - 1))) == NULL) {
			ps->tok = T_BAD;
			fail(ps, "unterminated string");
			return;
		}
		ps->tok = T_IDENT;
		ps->tp = ps->p + 1;
		ps->tlen = (size_t)(q - ps->tp);
		ps->p = q + 1;
		return;
	}
	for (i = 0; i < nitems(words); i++) {
		n = strlen(words[i].word);
		if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, words[i].word, n) == 0) {
			ps->tok = words[i].tok;
			ps->p += n;
			return;
		}
	}
	ps->tok = T_BAD;
	fail(ps, "unexpected character");
}

static int
node(struct parser *ps, enum where_op op)
{
	if (ps->w->nn == WHERE_MAX_NODES) {
		fail(ps, "expression too long");
		return -1;
	}
	memset(&ps->w->n[ps->w->nn], 0, sizeof(ps->w->n[0]));
	ps->w->n[ps->w->nn].op = op;
	return ps->w->nn++;
}

static int	expr(struct parser *ps, int depth);

static int
value(struct parser *ps, struct where_val *v)
{
	v->field = ps->tok == T_FIELD;
	if (v->field)
		next(ps);
	if (ps->tok != T_IDENT) {
		fail(ps, v->field ? "a quoted field name expected" :
		    "a quoted value or field expected");
		return -1;
	}
	v->p = ps->tp;
	v->len = ps->tlen;
	next(ps);
	return 0;
}

/* true, false, ( expr ), value = value */
static int
primary(struct parser *ps, int depth)
{
	int	n;

	switch (ps->tok) {
	case T_TRUE:
	case T_FALSE:
		if ((n = node(ps, ps->tok == T_TRUE ? WHERE_TRUE : WHERE_FALSE)) >= 0)
			next(ps);
		return n;
	case T_LPAREN:
		next(ps);
		if ((n = expr(ps, depth + 1)) < 0)
			return -1;
		if (ps->tok != T_RPAREN) {
			fail(ps, "')' expected");
			return -1;
		}
		next(ps);
		return n;
	default:
		if ((n = node(ps, WHERE_EQ)) < 0 || value(ps, &ps->w->n[n].l) == -1)
			return -1;
		if (ps->tok != T_EQ) {
			fail(ps, "'=' expected");
			return -1;
		}
		next(ps);
		return value(ps, &ps->w->n[n].r) == -1 ? -1 : n;
	}
}

/* not expr (taking all that follows), or a chain of primaries joined by and/or. */
static int
expr(struct parser *ps, int depth)
{
	int		 n, l, r;
	enum where_op	 op;

	if (depth > WHERE_MAX_DEPTH) {
		fail(ps, "expression nested too deep");
		return -1;
	}
	if (ps->tok == T_NOT) {
		next(ps);
		if ((n = node(ps, WHERE_NOT)) < 0 || (l = expr(ps, depth + 1)) < 0)
			return -1;
		ps->w->n[n].a = l;
		return n;
	}
	if ((l = primary(ps, depth)) < 0)
		return -1;
	while (ps->tok == T_AND || ps->tok == T_OR) {
		op = ps->tok == T_AND ? WHERE_AND : WHERE_OR;
		next(ps);
		if ((n = node(ps, op)) < 0)
			return -1;
		if (ps->tok == T_NOT) {
			if ((r = expr(ps, depth + 1)) < 0)
				return -1;
		} else if ((r = primary(ps, depth)) < 0)
			return -1;
		ps->w->n[n].a = l;
		ps->w->n[n].b = r;
		l = n;
	}
	return l;
}

int
where_parse(const char *text, size_t len, struct where *w, char *err, size_t errlen)
{
	struct parser	ps;

	memset(&ps, 0, sizeof(ps));
	ps.p = ps.start = text;
	ps.end = text + len;
	ps.w = w;
	ps.err = err;
	ps.errlen = errlen;
	w->nn = 0;
	next(&ps);
	if (ps.failed)
		return -1;
	if (ps.tok == T_EOF) {
		fail(&ps, "empty expression");
		return -1;
	}
	if ((w->root = expr(&ps, 0)) < 0 || ps.failed)
		return -1;
	if (ps.tok != T_EOF) {
		fail(&ps, "end of expression expected");
		return -1;
	}
	return 0;
}

struct eval {
	where_lookup	 *lookup;
	void		 *ctx;
	const char	**unknown;
	size_t		 *unknown_len;
};

static const char *
side(const struct eval *e, const struct where_val *v, size_t *len)
{
	const char	*s;

	if (!v->field) {
		*len = v->len;
		return v->p;
	}
	if ((s = e->lookup(e->ctx, v->p, v->len)) == NULL) {
		*e->unknown = v->p;
		*e->unknown_len = v->len;
		return NULL;
	}
	*len = strlen(s);
	return s;
}

static int
eval(const struct where *w, const struct eval *e, int i)
{
	const struct where_node	*n = &w->n[i];
	const char		*l, *r;
	size_t			 ll, rl;
	int			 a;

	switch (n->op) {
	case WHERE_TRUE:
		return 1;
	case WHERE_FALSE:
		return 0;
	case WHERE_NOT:
		return (a = eval(w, e, n->a)) < 0 ? -1 : !a;
	case WHERE_AND:
		if ((a = eval(w, e, n->a)) <= 0)
			return a;
		return eval(w, e, n->b);
	case WHERE_OR:
		if ((a = eval(w, e, n->a)) != 0)
			return a;
		return eval(w, e, n->b);
	case WHERE_EQ:
		if ((l = side(e, &n->l, &ll)) == NULL || (r = side(e, &n->r, &rl)) == NULL)
			return -1;
		return ll == rl && memcmp(l, r, ll) == 0;
	}
	return -1;
}

int
where_eval(const struct where *w, where_lookup *lookup, void *ctx, const char **unknown,
    size_t *unknown_len)
{
	struct eval	e = { lookup, ctx, unknown, unknown_len };

	return eval(w, &e, w->root);
}
