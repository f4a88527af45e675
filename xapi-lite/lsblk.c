/*
 * lsblk's KEY="VALUE" lines into the lsblk.py plugin's JSON (see lsblk.h). A line is
 * pairs separated by blanks; a value is "quoted" (lsblk writes a quote inside one as
 * \x22, so the next quote ends it) or a bare word. Anything else is refused, naming the
 * line, as the plugin fails on a line it cannot use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lsblk.h"

struct pair {
	const char	*k, *v;
	size_t		 klen, vlen;
};

struct dev {
	struct pair	 p[LSBLK_MAX_PAIRS];
	int		 n;
	int		 first_child, last_child, next;	/* indexes, -1: none */
};

static int
fail(char *err, size_t errlen, size_t line, const char *what)
{
	snprintf(err, errlen, "lsblk output line %zu: %s", line, what);
	return -1;
}

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int
key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '-' || c == ':' || c == '.';
}

/* The value of key (upper case, as lsblk writes it) in d, or NULL. */
static const struct pair *
find(const struct dev *d, const char *key)
{
	size_t	len = strlen(key), i;
	int	j;

	for (j = 0; j < d->n; j++) {
		if (d->p[j].klen != len)
			continue;
		for (i = 0; i < len; i++)
			if ((d->p[j].k[i] | 0x20) != (key[i] | 0x20))
				break;
		if (i == len)
			return &d->p[j];
	}
	return NULL;
}

/* Parses one line (s..end) into d. Returns 0 or -1 with err. */
static int
parse_line(const char *s, const char *end, struct dev *d, size_t line, char *err,
    size_t errlen)
{
	const struct pair	*dup;
	struct pair		 p;

	d->n = 0;
	d->first_child = d->last_child = d->next = -1;
	for (;;) {
		while (s < end && blank(*s))
			s++;
		if (s == end)
			return 0;
		p.k = s;
		while (s < end && key_char(*s))
			s++;
		p.klen = (size_t)(s - p.k);
		if (p.klen == 0 || s == end || *s != '=')
			return fail(err, errlen, line, "not KEY=\"VALUE\" pairs");
		if (p.klen > LSBLK_MAX_KEY)
			return fail(err, errlen, line, "a key is too long");
		s++;
		if (s < end && *s == '"') {
			p.v = ++s;
			while (s < end && *s != '"')
				s++;
			if (s == end)
				return fail(err, errlen, line, "a quoted value has no closing quote");
			p.vlen = (size_t)(s - p.v);
			s++;
			if (s < end && !blank(*s))
				return fail(err, errlen, line, "no blank after a quoted value");
		} else {
			p.v = s;
			while (s < end && !blank(*s))
				s++;
			p.vlen = (size_t)(s - p.v);
		}
		/* A key given twice keeps its place and takes the later value. */
		d->p[d->n] = p;
		for (dup = d->p; dup < d->p + d->n; dup++)
			if (dup->klen == p.klen && memcmp(dup->k, p.k, p.klen) == 0)
				break;
		if (dup < d->p + d->n) {
			d->p[dup - d->p].v = p.v;
			d->p[dup - d->p].vlen = p.vlen;
		} else if (++d->n == LSBLK_MAX_PAIRS && s < end) {
			while (s < end && blank(*s))
				s++;
			if (s < end)
				return fail(err, errlen, line, "too many pairs");
		}
	}
}

static int
write_string(struct buf *b, const char *s, size_t len)
{
	return json_write_string(b, s, len);
}

/* Device i and, under "children", those whose parent it is. */
static int
write_dev(struct buf *b, const struct dev *devs, int i)
{
	const struct dev	*d = &devs[i];
	char			 key[LSBLK_MAX_KEY];
	size_t			 k;
	int			 j, c, fails = 0;

	fails |= buf_lit(b, "{");
	for (j = 0; j < d->n; j++) {
		for (k = 0; k < d->p[j].klen; k++)
			key[k] = d->p[j].k[k] >= 'A' && d->p[j].k[k] <= 'Z' ?
			    (char)(d->p[j].k[k] | 0x20) : d->p[j].k[k];
		if (j > 0)
			fails |= buf_lit(b, ", ");
		fails |= write_string(b, key, d->p[j].klen);
		fails |= buf_lit(b, ": ");
		fails |= write_string(b, d->p[j].v, d->p[j].vlen);
	}
	if (d->first_child >= 0) {
		fails |= buf_lit(b, ", \"children\": [");
		for (c = d->first_child; c >= 0 && !fails; c = devs[c].next) {
			if (c != d->first_child)
				fails |= buf_lit(b, ", ");
			fails |= write_dev(b, devs, c);
		}
		fails |= buf_lit(b, "]");
	}
	fails |= buf_lit(b, "}");
	return fails ? -1 : 0;
}

int
lsblk_to_json(const char *text, size_t len, struct buf *out, char *err, size_t errlen)
{
	const char		*end = text + len, *s = text, *nl;
	const struct pair	*kname, *pkname, *other;
	struct dev		*devs;
	size_t			 line = 0, start = out->len;
	int			 n = 0, i, first_top = -1, last_top = -1, fails = 0;

	err[0] = '\0';
	/* Like the plugin: blanks around the whole output go, every line left must count. */
	while (s < end && blank(*s))
		s++;
	while (end > s && blank(end[-1]))
		end--;
	if ((devs = calloc(LSBLK_MAX_DEVICES, sizeof(*devs))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	do {
		line++;
		if (n == LSBLK_MAX_DEVICES) {
			snprintf(err, errlen, "lsblk output: more than %d devices", LSBLK_MAX_DEVICES);
			goto bad;
		}
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		if (memchr(s, '\0', (size_t)(nl - s)) != NULL) {
			fail(err, errlen, line, "a NUL byte");
			goto bad;
		}
		if (parse_line(s, nl, &devs[n], line, err, errlen) == -1)
			goto bad;
		s = nl + (nl < end);
		if ((kname = find(&devs[n], "KNAME")) == NULL ||
		    (pkname = find(&devs[n], "PKNAME")) == NULL) {
			fail(err, errlen, line, "no KNAME or no PKNAME");
			goto bad;
		}
		if (pkname->vlen == 0) {
			if (last_top >= 0)
				devs[last_top].next = n;
			else
				first_top = n;
			last_top = n;
		} else {
			for (i = n - 1; i >= 0; i--)
				if ((other = find(&devs[i], "KNAME")) != NULL &&
				    other->vlen == pkname->vlen &&
				    memcmp(other->v, pkname->v, pkname->vlen) == 0)
					break;
			if (i < 0) {
				fail(err, errlen, line, "its PKNAME is no earlier line's KNAME");
				goto bad;
			}
			if (devs[i].last_child >= 0)
				devs[devs[i].last_child].next = n;
			else
				devs[i].first_child = n;
			devs[i].last_child = n;
		}
		n++;
	} while (s < end);
	fails |= buf_lit(out, "{\"blockdevices\": [");
	for (i = first_top; i >= 0 && !fails; i = devs[i].next) {
		if (i != first_top)
			fails |= buf_lit(out, ", ");
		fails |= write_dev(out, devs, i);
	}
	fails |= buf_lit(out, "]}");
	if (fails) {
		snprintf(err, errlen, "lsblk output: the answer is too long");
		goto bad;
	}
	free(devs);
	return 0;
bad:
	free(devs);
	if (out->len > start) {
		out->len = start;
		out->p[start] = '\0';
	}
	return -1;
}
