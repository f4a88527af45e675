/*
 * The provisioning list XAPI's templates carry in other_config:disks: a <provision>
 * element with one empty <disk/> element per disk, its attributes saying slot, size, SR,
 * whether it boots and its type. Strict: anything else is an error that says where.
 */
#include <stdio.h>
#include <string.h>

#include "disks.h"

struct cur {
	const char	*s, *end, *start;
	char		*err;
	size_t		 errlen;
};

static int
fail(struct cur *c, const char *what)
{
	if (c->errlen > 0)
		snprintf(c->err, c->errlen, "other_config:disks: %s at byte %zu", what,
		    (size_t)(c->s - c->start));
	return -1;
}

static void
blanks(struct cur *c)
{
	while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' || *c->s == '\n' || *c->s == '\r'))
		c->s++;
}

static int
lit(struct cur *c, const char *l)
{
	size_t	n = strlen(l);

	if ((size_t)(c->end - c->s) < n || memcmp(c->s, l, n) != 0)
		return 0;
	c->s += n;
	return 1;
}

/* Reads name="value" into the right field of d. */
static int
attribute(struct cur *c, struct disk *d, unsigned *seen)
{
	const char	*name = c->s, *val;
	size_t		 nlen, vlen, i;

	while (c->s < c->end && *c->s >= 'a' && *c->s <= 'z')
		c->s++;
	nlen = c->s - name;
	if (nlen == 0 || !lit(c, "=\""))
		return fail(c, "expected name=\"value\"");
	for (val = c->s; c->s < c->end && *c->s != '"'; c->s++)
		if (*c->s == '<' || *c->s == '&' || (unsigned char)*c->s < 0x20)
			return fail(c, "bad character in a value");
	if (c->s == c->end)
		return fail(c, "unterminated value");
	vlen = c->s++ - val;
#define IS(n) (nlen == sizeof(n) - 1 && memcmp(name, n, nlen) == 0)
	if (IS("device")) {
		if (vlen == 0 || vlen >= sizeof(d->device))
			return fail(c, "device must be 1 to 7 digits");
		for (i = 0; i < vlen; i++)
			if (val[i] < '0' || val[i] > '9')
				return fail(c, "device must be digits");
		memcpy(d->device, val, vlen);
		d->device[vlen] = '\0';
		*seen |= 1;
	} else if (IS("size")) {
		if (vlen == 0 || vlen > 18)
			return fail(c, "size must be 1 to 18 digits");
		for (d->size = 0, i = 0; i < vlen; i++) {
			if (val[i] < '0' || val[i] > '9')
				return fail(c, "size must be digits");
			d->size = d->size * 10 + (val[i] - '0');
		}
		*seen |= 2;
	} else if (IS("sr")) {
		if (vlen != 0 && vlen != 36)
			return fail(c, "sr must be empty or an SR's uuid");
		memcpy(d->sr, val, vlen);
		d->sr[vlen] = '\0';
	} else if (IS("bootable")) {
		if (vlen == 4 && memcmp(val, "true", 4) == 0)
			d->bootable = 1;
		else if (vlen == 5 && memcmp(val, "false", 5) == 0)
			d->bootable = 0;
		else
			return fail(c, "bootable must be true or false");
	} else if (IS("type")) {
		if (vlen == 0 || vlen >= sizeof(d->type))
			return fail(c, "type must be 1 to 15 characters");
		memcpy(d->type, val, vlen);
		d->type[vlen] = '\0';
	} else if (!IS("ionice")) {	/* XAPI writes ionice too; it has no use here */
		return fail(c, "unknown attribute");
	}
#undef IS
	return 0;
}

int
disks_parse(const char *s, size_t len, struct disk *out, char *err, size_t errlen)
{
	struct cur	c = { s, s + len, s, err, errlen };
	int		n = 0;

	blanks(&c);
	/* An XML declaration first, as Python's minidom writes one (XAPI's xml-light reads
	   it): skipped up to its "?>". */
	if (lit(&c, "<?xml")) {
		while (c.s + 1 < c.end && !(c.s[0] == '?' && c.s[1] == '>'))
			c.s++;
		if (!lit(&c, "?>"))
			return fail(&c, "unterminated XML declaration");
		blanks(&c);
	}
	if (!lit(&c, "<provision>"))
		return fail(&c, "expected <provision>");
	for (;;) {
		unsigned	seen = 0;
		struct disk	*d;

		blanks(&c);
		if (lit(&c, "</provision>"))
			break;
		if (!lit(&c, "<disk"))
			return fail(&c, "expected <disk or </provision>");
		if (n == DISKS_MAX)
			return fail(&c, "more than 16 disks");
		d = &out[n];
		memset(d, 0, sizeof(*d));
		memcpy(d->type, "system", 7);
		for (;;) {
			blanks(&c);
			if (lit(&c, "/>"))
				break;
			if (attribute(&c, d, &seen) == -1)
				return -1;
		}
		if ((seen & 3) != 3)
			return fail(&c, "a disk needs device and size");
		n++;
	}
	blanks(&c);
	if (c.s != c.end)
		return fail(&c, "text after </provision>");
	return n;
}
