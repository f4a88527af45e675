/*
 * The answerfile of an unattended install: XenServer's XML answerfile (host-installer
 * doc/answerfile.txt), fresh installs only. A hand-written reader of the XML answerfiles use
 * (elements, quoted attributes, the five predefined entities, comments, CDATA) that
 * allocates nothing and checks every value before the installer touches a disk; an error
 * names the line and the element. Elements Atoll has no use for go to warn() and are skipped.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "answerfile.h"
#include "inet.h"
#include "mac.h"
#include "sha512crypt.h"
#include "validate.h"
#include "zonename.h"

#define NAME_MAX_LEN	63	/* of element and attribute names */
#define ATTRS_MAX	8	/* on one element */
#define SKIP_DEPTH	8	/* nesting inside an element we skip */
#define VALUE_MAX	512	/* the longest text or attribute value, and its NUL */

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define LOWER		"abcdefghijklmnopqrstuvwxyz"
#define UPPER		"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS		"0123456789"
#define DISK_CHARS	LOWER UPPER DIGITS "._:+@,=-\\"	/* in a /dev/disk/by-* name */
#define IF_CHARS	LOWER UPPER DIGITS "_.-"

/* Elements that may appear once; the address elements of <admin-interface> too. */
enum { E_PRIMARY, E_PASSWORD, E_HOSTNAME, E_ADMIN, E_TIMEZONE, E_KEYMAP, E_NTP, E_SOURCE,
	E_IPADDR, E_SUBNET, E_GATEWAY, E_N };

struct attr {
	const char	*name, *val;	/* in the text; the value still has its entities */
	size_t		 nlen, vlen;
	int		 used;
};

struct tag {
	char		 name[NAME_MAX_LEN + 1];
	int		 line;
	int		 empty;		/* <name/> */
	int		 nattrs;
	struct attr	 attrs[ATTRS_MAX];
};

struct cur {
	const char	*s, *end, *start;
	const char	*counted;	/* lines are counted up to here */
	int		 line;
	char		*err;
	size_t		 errlen;
	void		(*warn)(void *, const char *);
	void		*ctx;
	struct answers	*a;
	int		 first[E_N];	/* the line each single element is on, 0 before it */
	int		 guest_line[AF_MAX_GUEST_DISKS];
	char		 ntp_source[8];
	char		 shown[48];	/* a value as a message quotes it */
};

/* What to do with each element of a container. */
struct element {
	const char	*name;
	int		(*fn)(struct cur *, struct tag *);
};

/* ============================== Reporting ============================== */

static int
lineof(struct cur *c, const char *p)
{
	if (p < c->counted) {
		c->counted = c->start;
		c->line = 1;
	}
	for (; c->counted < p; c->counted++)
		if (*c->counted == '\n')
			c->line++;
	return c->line;
}

static void
say(char *buf, size_t size, int line, const char *fmt, va_list ap)
{
	int	n;

	if (size == 0)
		return;
	n = snprintf(buf, size, "line %d: ", line);
	if (n >= 0 && (size_t)n < size)
		vsnprintf(buf + n, size - n, fmt, ap);
}

static int	fail(struct cur *, int, const char *, ...) __attribute__((format(printf, 3, 4)));
static int	efail(struct cur *, const struct tag *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	note(struct cur *, int, const char *, ...) __attribute__((format(printf, 3, 4)));

/* "line N: message" into err; returns -1. */
static int
fail(struct cur *c, int line, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	say(c->err, c->errlen, line, fmt, ap);
	va_end(ap);
	return -1;
}

/* "line N: <element>: message" into err; returns -1. */
static int
efail(struct cur *c, const struct tag *t, const char *fmt, ...)
{
	char	msg[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail(c, t->line, "<%s>: %s", t->name, msg);
}

/* A warning: "line N: message" to warn(). */
static void
note(struct cur *c, int line, const char *fmt, ...)
{
	char	msg[320];
	va_list	ap;

	if (c->warn == NULL)
		return;
	va_start(ap, fmt);
	say(msg, sizeof(msg), line, fmt, ap);
	va_end(ap);
	c->warn(c->ctx, msg);
}

/* s as messages quote it: printable ASCII, '?' for other bytes, long ones cut with "...". */
static const char *
show(struct cur *c, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n && s[i] != '\0' && i < sizeof(c->shown) - 1; i++)
		c->shown[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (i < n && s[i] != '\0')
		memcpy(c->shown + i - 3, "...", 3);
	c->shown[i] = '\0';
	return c->shown;
}

#define SHOW(c, s)	show((c), (s), (size_t)-1)

/* ============================== Reading XML ============================== */

static int
blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static int
blanks(struct cur *c)
{
	const char	*p = c->s;

	while (c->s < c->end && blank(*c->s))
		c->s++;
	return c->s != p;
}

static int
at(const struct cur *c, const char *l)
{
	size_t	n = strlen(l);

	return (size_t)(c->end - c->s) >= n && memcmp(c->s, l, n) == 0;
}

static int
lit(struct cur *c, const char *l)
{
	if (!at(c, l))
		return 0;
	c->s += strlen(l);
	return 1;
}

/* Reads a name ([A-Za-z_:][A-Za-z0-9_:.-]*); returns its length, 0 when there is none. */
static size_t
name(struct cur *c)
{
	const char	*p = c->s;

	while (c->s < c->end && *c->s != '\0' && (strchr(LOWER UPPER "_:", *c->s) != NULL ||
	    (c->s > p && strchr(DIGITS "-.", *c->s) != NULL)))
		c->s++;
	return c->s - p;
}

/* Skips past close, the end of what began at open (a comment, CDATA, <?xml ...?>). */
static int
until(struct cur *c, const char *close, const char *open, const char *what)
{
	size_t	n = strlen(close);

	for (; (size_t)(c->end - c->s) >= n; c->s++)
		if (memcmp(c->s, close, n) == 0) {
			c->s += n;
			return 0;
		}
	c->s = c->end;
	return fail(c, lineof(c, open), "%s is never closed (no \"%s\")", what, close);
}

/* Skips blanks and comments. */
static int
misc(struct cur *c)
{
	const char	*open;

	for (;;) {
		blanks(c);
		open = c->s;
		if (!lit(c, "<!--"))
			return 0;
		if (until(c, "-->", open, "a comment") == -1)
			return -1;
	}
}

static int
unclosed(struct cur *c, const char *tname, int line)
{
	return fail(c, line, "<%s> is never closed (no </%s>)", tname, tname);
}

/* Reads name="value" or name='value' into t. */
static int
attribute(struct cur *c, struct tag *t)
{
	struct attr	*x;
	const char	*aname = c->s, *val;
	size_t		 nlen = name(c);
	char		 q;
	int		 i;

	if (nlen == 0)
		return efail(c, t, "expected name=\"value\", '>' or '/>'");
	if (nlen > NAME_MAX_LEN)
		return efail(c, t, "an attribute's name is longer than %d bytes", NAME_MAX_LEN);
	blanks(c);
	if (!lit(c, "="))
		return efail(c, t, "attribute %.*s has no value", (int)nlen, aname);
	blanks(c);
	if (c->s == c->end || (*c->s != '"' && *c->s != '\''))
		return efail(c, t, "the value of %.*s is not quoted", (int)nlen, aname);
	q = *c->s++;
	for (val = c->s; c->s < c->end && *c->s != q; c->s++)
		if (*c->s == '<')
			return efail(c, t, "'<' in the value of %.*s", (int)nlen, aname);
	if (c->s == c->end)
		return efail(c, t, "the value of %.*s is never closed", (int)nlen, aname);
	for (i = 0; i < t->nattrs; i++)
		if (t->attrs[i].nlen == nlen && memcmp(t->attrs[i].name, aname, nlen) == 0)
			return efail(c, t, "attribute %.*s is given twice", (int)nlen, aname);
	if (t->nattrs == ATTRS_MAX)
		return efail(c, t, "more than %d attributes", ATTRS_MAX);
	x = &t->attrs[t->nattrs++];
	x->name = aname;
	x->nlen = nlen;
	x->val = val;
	x->vlen = c->s++ - val;
	x->used = 0;
	return 0;
}

/* Reads a start tag, <name attr="value" ...> or <name .../>, at c->s. */
static int
starttag(struct cur *c, struct tag *t)
{
	size_t	n;

	memset(t, 0, sizeof(*t));
	t->line = lineof(c, c->s);
	c->s++;
	if ((n = name(c)) == 0)
		return fail(c, t->line, "expected an element's name after '<'");
	if (n > NAME_MAX_LEN)
		return fail(c, t->line, "an element's name is longer than %d bytes", NAME_MAX_LEN);
	memcpy(t->name, c->s - n, n);
	for (;;) {
		int	spaced = blanks(c);

		if (lit(c, "/>")) {
			t->empty = 1;
			return 0;
		}
		if (lit(c, ">"))
			return 0;
		if (c->s == c->end)
			return efail(c, t, "the tag is never closed (no '>')");
		if (!spaced)
			return efail(c, t, "expected a space, '>' or '/>'");
		if (attribute(c, t) == -1)
			return -1;
	}
}

/* Reads the end tag of tname (opened on line) at c->s, "</". */
static int
endtag(struct cur *c, const char *tname, int line)
{
	int	here = lineof(c, c->s);
	size_t	n;

	c->s += 2;
	n = name(c);
	if (n != strlen(tname) || memcmp(c->s - n, tname, n) != 0)
		return fail(c, here, "</%.*s> where </%s> should close <%s> (line %d)",
		    (int)(n > NAME_MAX_LEN ? NAME_MAX_LEN : n), c->s - n, tname, tname, line);
	blanks(c);
	if (!lit(c, ">"))
		return fail(c, here, "</%s>: expected '>'", tname);
	return 0;
}

/* Text being decoded into a field: blanks before and after dropped, overflow noted. */
struct sink {
	char	*p;
	size_t	 size, len, keep;	/* keep: the length without trailing blanks */
	int	 over;
};

static void
put(struct sink *k, char ch)
{
	if (blank(ch) && k->len == 0)
		return;
	if (k->len + 1 >= k->size) {
		if (!blank(ch))
			k->over = 1;
		return;
	}
	k->p[k->len++] = ch;
	if (!blank(ch))
		k->keep = k->len;
}

static const struct {
	const char	*name;
	char		 ch;
} entities[] = {
	{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' }, { "quot;", '"' }, { "apos;", '\'' },
};

/* Decodes s[0..n), with the predefined entities, into k. */
static int
decode(struct cur *c, const struct tag *t, const char *s, size_t n, struct sink *k)
{
	size_t	i, j, l = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != '&') {
			put(k, s[i]);
			continue;
		}
		for (j = 0; j < nitems(entities); j++) {
			l = strlen(entities[j].name);
			if (n - i - 1 >= l && memcmp(s + i + 1, entities[j].name, l) == 0)
				break;
		}
		if (j == nitems(entities))
			return fail(c, lineof(c, s + i), "<%s>: '&' must start &amp; &lt; &gt; "
			    "&quot; or &apos; (write & as &amp;)", t->name);
		put(k, entities[j].ch);
		i += l;
	}
	return 0;
}

/* Reads the text of t, up to and with its end tag, into buf (trimmed). */
static int
content(struct cur *c, const struct tag *t, char *buf, size_t size)
{
	struct sink	 k = { buf, size, 0, 0, 0 };
	const char	*p;

	while (!t->empty) {
		for (p = c->s; c->s < c->end && *c->s != '<'; c->s++)
			;
		if (decode(c, t, p, c->s - p, &k) == -1)
			return -1;
		p = c->s;
		if (c->s == c->end)
			return unclosed(c, t->name, t->line);
		if (lit(c, "<!--")) {
			if (until(c, "-->", p, "a comment") == -1)
				return -1;
		} else if (lit(c, "<![CDATA[")) {
			if (until(c, "]]>", p, "a CDATA section") == -1)
				return -1;
			for (p += 9; p < c->s - 3; p++)
				put(&k, *p);
		} else if (at(c, "</")) {
			if (endtag(c, t->name, t->line) == -1)
				return -1;
			break;
		} else {
			return fail(c, lineof(c, c->s), "<%s> holds text, not elements", t->name);
		}
	}
	buf[k.keep] = '\0';
	if (k.over)
		return efail(c, t, "longer than %zu bytes", size - 1);
	return 0;
}

/* Skips the content of t, whatever it holds, and its end tag. */
static int
skip(struct cur *c, const struct tag *t)
{
	struct tag	 in;
	char		 names[SKIP_DEPTH][NAME_MAX_LEN + 1];
	int		 lines[SKIP_DEPTH], depth = 0;
	const char	*open;

	while (!t->empty) {
		while (c->s < c->end && *c->s != '<')
			c->s++;
		open = c->s;
		if (c->s == c->end)
			return depth == 0 ? unclosed(c, t->name, t->line) :
			    unclosed(c, names[depth - 1], lines[depth - 1]);
		if (lit(c, "<!--")) {
			if (until(c, "-->", open, "a comment") == -1)
				return -1;
		} else if (lit(c, "<![CDATA[")) {
			if (until(c, "]]>", open, "a CDATA section") == -1)
				return -1;
		} else if (at(c, "</")) {
			if (depth == 0)
				return endtag(c, t->name, t->line);
			depth--;
			if (endtag(c, names[depth], lines[depth]) == -1)
				return -1;
		} else {
			if (starttag(c, &in) == -1)
				return -1;
			if (in.empty)
				continue;
			if (depth == SKIP_DEPTH)
				return efail(c, &in, "more than %d levels deep in <%s>", SKIP_DEPTH,
				    t->name);
			memcpy(names[depth], in.name, sizeof(in.name));
			lines[depth++] = in.line;
		}
	}
	return 0;
}

/* Reads the elements in t, each by its entry in tab; unknown ones are skipped. */
static int
children(struct cur *c, const struct tag *t, const struct element *tab, size_t n)
{
	struct tag	child;
	size_t		i;

	while (!t->empty) {
		if (misc(c) == -1)
			return -1;
		if (c->s == c->end)
			return unclosed(c, t->name, t->line);
		if (at(c, "</"))
			return endtag(c, t->name, t->line);
		if (*c->s != '<') {
			for (i = 0; c->s + i < c->end && c->s[i] != '<'; i++)
				;
			while (blank(c->s[i - 1]))
				i--;
			return fail(c, lineof(c, c->s), "<%s>: text \"%s\" where only elements "
			    "may be", t->name, show(c, c->s, i));
		}
		if (starttag(c, &child) == -1)
			return -1;
		for (i = 0; i < n && strcmp(tab[i].name, child.name) != 0; i++)
			;
		if (i < n) {
			if (tab[i].fn(c, &child) == -1)
				return -1;
		} else {
			note(c, child.line, "<%s> is not understood and is ignored", child.name);
			if (skip(c, &child) == -1)
				return -1;
		}
	}
	return 0;
}

/* ============================== Attributes ============================== */

/* Reads attribute aname of t into buf: 1 when there, 0 when not ("" in buf), or -1. */
static int
attr(struct cur *c, struct tag *t, const char *aname, char *buf, size_t size)
{
	struct sink	 k = { buf, size, 0, 0, 0 };
	struct attr	*x;
	int		 i;

	buf[0] = '\0';
	for (i = 0; i < t->nattrs; i++) {
		x = &t->attrs[i];
		if (x->nlen != strlen(aname) || memcmp(x->name, aname, x->nlen) != 0)
			continue;
		x->used = 1;
		if (decode(c, t, x->val, x->vlen, &k) == -1)
			return -1;
		buf[k.keep] = '\0';
		if (k.over)
			return efail(c, t, "%s is longer than %zu bytes", aname, size - 1);
		return 1;
	}
	return 0;
}

/* Warns of the attributes of t nothing asked for. */
static void
unused(struct cur *c, const struct tag *t)
{
	int	i;

	for (i = 0; i < t->nattrs; i++)
		if (!t->attrs[i].used)
			note(c, t->line, "<%s>: attribute %.*s is not understood and is ignored",
			    t->name, (int)t->attrs[i].nlen, t->attrs[i].name);
}

/* Whether v is one of the space-separated words. */
static int
oneof(const char *v, const char *words)
{
	size_t		 n = strlen(v);
	const char	*p = words;

	while (n > 0) {
		if (strncmp(p, v, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		if ((p = strchr(p, ' ')) == NULL)
			break;
		p++;
	}
	return 0;
}

/* A boolean attribute (true, yes, false, no): 1 or 0, def when absent, or -1. */
static int
boolattr(struct cur *c, struct tag *t, const char *aname, int def)
{
	char	v[VALUE_MAX];
	int	r;

	if ((r = attr(c, t, aname, v, sizeof(v))) <= 0)
		return r == 0 ? def : -1;
	if (oneof(v, "true yes"))
		return 1;
	if (oneof(v, "false no"))
		return 0;
	return efail(c, t, "%s=\"%s\" is not true, yes, false or no", aname, SHOW(c, v));
}

/* ============================== Values ============================== */

static int
once(struct cur *c, const struct tag *t, int e)
{
	if (c->first[e] != 0)
		return efail(c, t, "given again (first on line %d); it may appear once",
		    c->first[e]);
	c->first[e] = t->line;
	return 0;
}

static int
store(struct cur *c, const struct tag *t, char *dst, size_t size, const char *v)
{
	size_t	n = strlen(v);

	if (n >= size)
		return efail(c, t, "longer than %zu bytes", size - 1);
	memcpy(dst, v, n + 1);
	return 0;
}

/* Whether all of s is made of chars, and there is some. */
static int
only(const char *s, const char *chars)
{
	return s[0] != '\0' && strspn(s, chars) == strlen(s);
}

/* http://host..., https://host... or (files) file:///path, printable ASCII without spaces. */
static int
url_ok(const char *s, int files)
{
	const char	*p;

	if (strncmp(s, "http://", 7) == 0)
		p = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		p = s + 8;
	else if (files && strncmp(s, "file:///", 8) == 0)
		p = s + 8;
	else
		return 0;
	if (*p == '\0' || *p == '/')
		return 0;
	for (; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return 0;
	return 1;
}

/* A disk: sda or /dev/sda (stored as sda), or /dev/disk/by-<kind>/<name>. */
static int
disk(struct cur *c, const struct tag *t, const char *v, char *out, size_t size)
{
	const char	*p, *kind = v + 13;
	int		 ok;

	if (strncmp(v, "/dev/disk/by-", 13) == 0) {
		for (p = kind; *p != '\0' && strchr(LOWER "-", *p) != NULL; p++)
			;
		ok = p > kind && *p == '/' && only(p + 1, DISK_CHARS) && strstr(v, "..") == NULL;
		p = v;
	} else {
		p = strncmp(v, "/dev/", 5) == 0 ? v + 5 : v;
		ok = only(p, LOWER DIGITS);
	}
	if (!ok)
		return efail(c, t, "\"%s\" is not a disk: give a name such as sda or nvme0n1, "
		    "or a /dev/disk/by-id/ path", SHOW(c, v));
	return store(c, t, out, size, p);
}

/* ============================== Elements ============================== */

static int
el_primary(struct cur *c, struct tag *t)
{
	char	v[VALUE_MAX];
	int	r;

	if (once(c, t, E_PRIMARY) == -1)
		return -1;
	if ((r = boolattr(c, t, "guest-storage", 1)) == 1)
		r = boolattr(c, t, "gueststorage", 1);
	if (r == -1)
		return -1;
	if (r == 0)
		note(c, t->line, "<primary-disk>: guest-storage=\"false\" is ignored: Atoll "
		    "always makes its local SR on the rest of the primary disk");
	if ((r = boolattr(c, t, "sr-at-end", 1)) == -1)
		return -1;
	if (r == 0)
		note(c, t->line, "<primary-disk>: sr-at-end=\"false\" is ignored: the local SR "
		    "is always the last partition");
	if ((r = attr(c, t, "preserve-first-partition", v, sizeof(v))) == -1)
		return -1;
	if (r == 1 && !oneof(v, "true yes false no if-utility"))
		return efail(c, t, "preserve-first-partition=\"%s\" is not true, yes, false, no "
		    "or if-utility", SHOW(c, v));
	if (oneof(v, "true yes"))
		note(c, t->line, "<primary-disk>: preserve-first-partition=\"%s\" is ignored: "
		    "the whole disk is partitioned afresh", v);
	unused(c, t);
	if (content(c, t, v, sizeof(v)) == -1)
		return -1;
	return disk(c, t, v, c->a->primary_disk, sizeof(c->a->primary_disk));
}

static int
el_guest_disk(struct cur *c, struct tag *t)
{
	struct answers	*a = c->a;
	char		 v[VALUE_MAX];
	int		 i;

	unused(c, t);
	if (content(c, t, v, sizeof(v)) == -1)
		return -1;
	if (a->nguest_disks == AF_MAX_GUEST_DISKS)
		return efail(c, t, "more than %d guest disks", AF_MAX_GUEST_DISKS);
	if (disk(c, t, v, a->guest_disks[a->nguest_disks], sizeof(a->guest_disks[0])) == -1)
		return -1;
	for (i = 0; i < a->nguest_disks; i++)
		if (strcmp(a->guest_disks[i], a->guest_disks[a->nguest_disks]) == 0)
			return efail(c, t, "\"%s\" is already a guest disk (line %d)",
			    SHOW(c, a->guest_disks[i]), c->guest_line[i]);
	c->guest_line[a->nguest_disks++] = t->line;
	return 0;
}

static const struct element guest_disks_elements[] = {
	{ "guest-disk", el_guest_disk },
};

static int
el_guest_disks(struct cur *c, struct tag *t)
{
	unused(c, t);
	return children(c, t, guest_disks_elements, nitems(guest_disks_elements));
}

/* Never quotes the value: it may be a password. */
static int
el_password(struct cur *c, struct tag *t)
{
	struct answers	*a = c->a;
	char		 v[VALUE_MAX];
	const char	*why;
	int		 r;

	if (once(c, t, E_PASSWORD) == -1 || (r = attr(c, t, "type", v, sizeof(v))) == -1)
		return -1;
	if (r == 0 || strcmp(v, "hash") == 0)
		a->password_is_hash = 1;
	else if (strcmp(v, "plaintext") == 0)
		a->password_is_hash = 0;
	else
		return efail(c, t, "type=\"%s\" is not plaintext or hash", SHOW(c, v));
	unused(c, t);
	if (content(c, t, v, sizeof(v)) == -1)
		return -1;
	if (a->password_is_hash && strcmp(v, "!!") == 0)
		return efail(c, t, "\"!!\" (no password until first boot) is refused: an "
		    "unattended install needs a password");
	if (a->password_is_hash && (why = sha512_crypt_invalid(v, strlen(v))) != NULL)
		return efail(c, t, "not a sha512-crypt hash: it %s (make one with 'openssl "
		    "passwd -6'; for a password in clear write type=\"plaintext\")", why);
	if ((why = validate_password(v)) != NULL)
		return efail(c, t, "%s", why);
	return store(c, t, a->password, sizeof(a->password), v);
}

static int
el_hostname(struct cur *c, struct tag *t)
{
	char		 v[VALUE_MAX];
	const char	*why;

	if (once(c, t, E_HOSTNAME) == -1 || content(c, t, v, sizeof(v)) == -1)
		return -1;
	unused(c, t);
	if ((why = inet_hostname_invalid(v)) != NULL)
		return efail(c, t, "\"%s\" is not a host name (%s; letters, digits, '-', '.')",
		    SHOW(c, v), why);
	return store(c, t, c->a->hostname, sizeof(c->a->hostname), v);
}

/* <ipaddr>, <subnet>, <gateway> (and their old names) in <admin-interface>. */
static int
address(struct cur *c, struct tag *t, int e, char *dst, size_t size)
{
	char		v[VALUE_MAX];
	uint32_t	ip;

	if (once(c, t, e) == -1 || content(c, t, v, sizeof(v)) == -1)
		return -1;
	unused(c, t);
	if (!inet_ipv4(v, strlen(v), &ip))
		return efail(c, t, "\"%s\" is not an IPv4 address (such as 192.0.2.10)",
		    SHOW(c, v));
	if (e == E_SUBNET && !inet_netmask(ip))
		return efail(c, t, "\"%s\" is not a netmask (such as 255.255.255.0)", v);
	if (strcmp(c->a->proto, "static") != 0) {
		note(c, t->line, "<%s> is ignored: the interface's proto is %s", t->name,
		    c->a->proto);
		return 0;
	}
	return store(c, t, dst, size, v);
}

static int
el_ipaddr(struct cur *c, struct tag *t)
{
	return address(c, t, E_IPADDR, c->a->ipaddr, sizeof(c->a->ipaddr));
}

static int
el_subnet(struct cur *c, struct tag *t)
{
	return address(c, t, E_SUBNET, c->a->subnet, sizeof(c->a->subnet));
}

static int
el_gateway(struct cur *c, struct tag *t)
{
	return address(c, t, E_GATEWAY, c->a->gateway, sizeof(c->a->gateway));
}

/* Elements Atoll accepts and has no use for. */
static int
el_ignored(struct cur *c, struct tag *t)
{
	note(c, t->line, "<%s> is not supported by Atoll and is ignored", t->name);
	return skip(c, t);
}

static const struct element admin_elements[] = {
	{ "ipaddr", el_ipaddr },
	{ "ip", el_ipaddr },		/* [D] */
	{ "subnet", el_subnet },
	{ "subnet-mask", el_subnet },	/* [D] */
	{ "gateway", el_gateway },
	{ "ipv6", el_ignored },
	{ "gatewayv6", el_ignored },
};

static int
el_admin(struct cur *c, struct tag *t)
{
	static const struct {
		int		 e;
		const char	*name;
	} need[] = { { E_IPADDR, "ipaddr" }, { E_SUBNET, "subnet" }, { E_GATEWAY, "gateway" } };
	struct answers	*a = c->a;
	char		 v[VALUE_MAX];
	int		 named, byhw;
	size_t		 i;

	if (once(c, t, E_ADMIN) == -1 || (named = attr(c, t, "name", v, sizeof(v))) == -1)
		return -1;
	if (named && (!only(v, IF_CHARS) || strlen(v) > 15 || oneof(v, ". ..")))
		return efail(c, t, "name=\"%s\" is not an interface name (such as eth0)",
		    SHOW(c, v));
	if (named && store(c, t, a->iface_name, sizeof(a->iface_name), v) == -1)
		return -1;
	if ((byhw = attr(c, t, "hwaddr", v, sizeof(v))) == -1)
		return -1;
	if (named + byhw != 1)
		return efail(c, t, "needs one of name=\"eth0\" or hwaddr=\"52:54:00:12:34:56\", "
		    "not %s", named ? "both" : "neither");
	if (byhw && !mac_valid(v))
		return efail(c, t, "hwaddr=\"%s\" is not a MAC address (such as "
		    "52:54:00:12:34:56)", SHOW(c, v));
	for (i = 0; byhw && i < sizeof(a->iface_hwaddr); i++)
		a->iface_hwaddr[i] = v[i] >= 'A' && v[i] <= 'F' ? v[i] - 'A' + 'a' : v[i];
	if (attr(c, t, "proto", v, sizeof(v)) == -1)
		return -1;
	if (strcmp(v, "none") == 0)
		return efail(c, t, "proto=\"none\" is refused: the host needs a management "
		    "network (dhcp or static)");
	if (v[0] != '\0' && !oneof(v, "dhcp static"))
		return efail(c, t, "proto=\"%s\" is not dhcp or static", SHOW(c, v));
	if (v[0] != '\0')
		memcpy(a->proto, v, strlen(v) + 1);
	if (attr(c, t, "protov6", v, sizeof(v)) == -1)
		return -1;
	if (v[0] != '\0' && strcmp(v, "none") != 0)
		note(c, t->line, "<admin-interface>: protov6=\"%s\" is ignored: the management "
		    "network is IPv4 only", SHOW(c, v));
	if (attr(c, t, "vlan", v, sizeof(v)) == 1)
		note(c, t->line, "<admin-interface>: vlan=\"%s\" is ignored: the management "
		    "network is untagged", SHOW(c, v));
	unused(c, t);
	if (children(c, t, admin_elements, nitems(admin_elements)) == -1)
		return -1;
	for (i = 0; strcmp(a->proto, "static") == 0 && i < nitems(need); i++)
		if (c->first[need[i].e] == 0)
			return efail(c, t, "proto=\"static\" needs <%s>", need[i].name);
	return 0;
}

static int
el_dns(struct cur *c, struct tag *t)
{
	struct answers	*a = c->a;
	char		 v[VALUE_MAX];
	uint32_t	 ip;

	if (content(c, t, v, sizeof(v)) == -1)
		return -1;
	unused(c, t);
	if (!inet_ipv4(v, strlen(v), &ip))
		return efail(c, t, "\"%s\" is not an IPv4 address (such as 192.0.2.53)",
		    SHOW(c, v));
	if (a->ndns == AF_MAX_DNS)
		return efail(c, t, "more than %d name servers", AF_MAX_DNS);
	return store(c, t, a->dns[a->ndns++], sizeof(a->dns[0]), v);
}

static int
el_timezone(struct cur *c, struct tag *t)
{
	char	v[VALUE_MAX];

	if (once(c, t, E_TIMEZONE) == -1 || content(c, t, v, sizeof(v)) == -1)
		return -1;
	unused(c, t);
	if (!zone_name_ok(v))
		return efail(c, t, "\"%s\" is not a time zone (such as UTC or Europe/Paris)",
		    SHOW(c, v));
	return store(c, t, c->a->timezone, sizeof(c->a->timezone), v);
}

static int
el_keymap(struct cur *c, struct tag *t)
{
	char	v[VALUE_MAX];

	if (once(c, t, E_KEYMAP) == -1 || content(c, t, v, sizeof(v)) == -1)
		return -1;
	unused(c, t);
	if (!validate_keymap(v))
		return efail(c, t, "\"%s\" is not a keymap (such as us, uk or de-latin1)",
		    SHOW(c, v));
	return store(c, t, c->a->keymap, sizeof(c->a->keymap), v);
}

static int
el_ntp_server(struct cur *c, struct tag *t)
{
	struct answers	*a = c->a;
	char		 v[VALUE_MAX];

	if (content(c, t, v, sizeof(v)) == -1)
		return -1;
	unused(c, t);
	if (!inet_server_ok(v))
		return efail(c, t, "\"%s\" is not a host name or an IPv4 address", SHOW(c, v));
	if (a->nntp == AF_MAX_NTP)
		return efail(c, t, "more than %d NTP servers", AF_MAX_NTP);
	return store(c, t, a->ntp[a->nntp++], sizeof(a->ntp[0]), v);
}

/* <ntp source="..."/>: its rules are checked once all <ntp-server>s are in. */
static int
el_ntp(struct cur *c, struct tag *t)
{
	char	v[VALUE_MAX];
	int	r;

	if (once(c, t, E_NTP) == -1 || (r = attr(c, t, "source", v, sizeof(v))) == -1)
		return -1;
	if (r == 0)
		return efail(c, t, "needs source=\"manual\", \"dhcp\", \"default\" or \"none\"");
	if (!oneof(v, "manual dhcp default none"))
		return efail(c, t, "source=\"%s\" is not manual, dhcp, default or none",
		    SHOW(c, v));
	memcpy(c->ntp_source, v, strlen(v) + 1);
	if (oneof(v, "dhcp default"))
		note(c, t->line, "<ntp>: source=\"%s\" is not supported and is ignored: Atoll "
		    "only uses the servers in <ntp-server>", v);
	unused(c, t);
	if (content(c, t, v, sizeof(v)) == -1)
		return -1;
	if (v[0] != '\0')
		return efail(c, t, "holds no text (write <ntp source=\"...\"/>)");
	return 0;
}

static int
el_script(struct cur *c, struct tag *t)
{
	struct answers		*a = c->a;
	struct af_script	*s;
	char			 v[VALUE_MAX];
	int			 r;

	if (a->nscripts == AF_MAX_SCRIPTS)
		return efail(c, t, "more than %d scripts", AF_MAX_SCRIPTS);
	s = &a->scripts[a->nscripts];
	if ((r = attr(c, t, "stage", v, sizeof(v))) == -1)
		return -1;
	if (r == 0)
		return efail(c, t, "needs stage=\"installation-start\", \"filesystem-populated\" "
		    "or \"installation-complete\"");
	if (!oneof(v, "installation-start filesystem-populated installation-complete"))
		return efail(c, t, "stage=\"%s\" is not installation-start, filesystem-populated "
		    "or installation-complete", SHOW(c, v));
	memcpy(s->stage, v, strlen(v) + 1);
	if ((r = attr(c, t, "type", v, sizeof(v))) == -1)
		return -1;
	if (r == 0)
		return efail(c, t, "needs type=\"url\"");
	if (strcmp(v, "url") != 0)
		return efail(c, t, "type=\"%s\" is not supported: only type=\"url\"", SHOW(c, v));
	unused(c, t);
	if (content(c, t, v, sizeof(v)) == -1)
		return -1;
	if (!url_ok(v, 1))
		return efail(c, t, "\"%s\" is not an http://, https:// or file:/// URL",
		    SHOW(c, v));
	if (store(c, t, s->url, sizeof(s->url), v) == -1)
		return -1;
	a->nscripts++;
	return 0;
}

static int
el_source(struct cur *c, struct tag *t)
{
	struct answers	*a = c->a;
	char		 v[VALUE_MAX];
	int		 r;

	if (once(c, t, E_SOURCE) == -1 || (r = attr(c, t, "type", v, sizeof(v))) == -1)
		return -1;
	if (r == 0)
		return efail(c, t, "needs type=\"local\" or type=\"url\"");
	if (!oneof(v, "local url"))
		return efail(c, t, "type=\"%s\" is not supported: only type=\"local\" or "
		    "type=\"url\"", SHOW(c, v));
	memcpy(a->source_type, v, strlen(v) + 1);
	unused(c, t);
	if (content(c, t, v, sizeof(v)) == -1)
		return -1;
	if (strcmp(a->source_type, "local") == 0) {
		if (v[0] != '\0')
			note(c, t->line, "<source>: the text is ignored with type=\"local\"");
		return 0;
	}
	if (!url_ok(v, 0))
		return efail(c, t, "\"%s\" is not an http:// or https:// URL", SHOW(c, v));
	return store(c, t, a->source_url, sizeof(a->source_url), v);
}

static const struct element top_elements[] = {
	{ "primary-disk", el_primary },
	{ "guest-disk", el_guest_disk },
	{ "guest-disks", el_guest_disks },
	{ "root-password", el_password },
	{ "hostname", el_hostname },
	{ "admin-interface", el_admin },
	{ "name-server", el_dns },
	{ "nameserver", el_dns },		/* [D] */
	{ "timezone", el_timezone },
	{ "keymap", el_keymap },
	{ "ntp", el_ntp },
	{ "ntp-server", el_ntp_server },
	{ "ntp-servers", el_ntp_server },	/* [D] */
	{ "script", el_script },
	{ "source", el_source },
	{ "bootloader", el_ignored },
	{ "network-backend", el_ignored },
	{ "ui-confirmation-prompt", el_ignored },
};

/* What can only be checked once the whole answerfile is read. */
static int
finish(struct cur *c, const struct tag *root)
{
	struct answers	*a = c->a;
	int		 i;

	if (c->first[E_PRIMARY] == 0)
		return efail(c, root, "<primary-disk> is missing: it names the disk to install to");
	if (c->first[E_PASSWORD] == 0)
		return efail(c, root, "<root-password> is missing: an unattended install needs "
		    "one");
	for (i = 0; i < a->nguest_disks; i++)
		if (strcmp(a->guest_disks[i], a->primary_disk) == 0)
			return fail(c, c->guest_line[i], "<guest-disk>: \"%s\" is the primary "
			    "disk", SHOW(c, a->primary_disk));
	if (strcmp(c->ntp_source, "manual") == 0 && a->nntp == 0)
		return fail(c, c->first[E_NTP], "<ntp>: source=\"manual\" needs at least one "
		    "<ntp-server>");
	if (c->ntp_source[0] != '\0' && strcmp(c->ntp_source, "manual") != 0 && a->nntp > 0)
		return fail(c, c->first[E_NTP], "<ntp>: <ntp-server> is only allowed with "
		    "source=\"manual\"");
	return 0;
}

static int
document(struct cur *c)
{
	struct tag	root;
	char		v[VALUE_MAX];
	int		r;

	lit(c, "\xef\xbb\xbf");
	blanks(c);
	if (at(c, "<?xml") && (c->end - c->s == 5 || blank(c->s[5]) || c->s[5] == '?') &&
	    until(c, "?>", c->s, "the <?xml declaration") == -1)
		return -1;
	if (misc(c) == -1)
		return -1;
	if (c->s == c->end)
		return fail(c, lineof(c, c->s), "no <installation> element");
	if (at(c, "<!DOCTYPE"))
		return fail(c, lineof(c, c->s), "<!DOCTYPE is not supported; the answerfile "
		    "starts with <installation>");
	if (*c->s != '<')
		return fail(c, lineof(c, c->s), "expected <installation>");
	if (starttag(c, &root) == -1)
		return -1;
	if (strcmp(root.name, "restore") == 0 || strcmp(root.name, "upgrade") == 0)
		return efail(c, &root, "only fresh installs are supported (<installation> or "
		    "<installation mode=\"fresh\">)");
	if (strcmp(root.name, "installation") != 0)
		return efail(c, &root, "the answerfile must be an <installation> element");
	if ((r = attr(c, &root, "mode", v, sizeof(v))) == -1)
		return -1;
	if (r == 1 && strcmp(v, "fresh") != 0)
		return efail(c, &root, "mode=\"%s\": only fresh installs are supported "
		    "(mode=\"fresh\" or no mode)", SHOW(c, v));
	if ((r = attr(c, &root, "sr-type", v, sizeof(v))) == 0)
		r = attr(c, &root, "srtype", v, sizeof(v));
	if (r == -1)
		return -1;
	if (r == 1 && strcmp(v, "ext") != 0)
		note(c, root.line, "<installation>: sr-type=\"%s\" is ignored: the local SR is "
		    "always ext", SHOW(c, v));
	unused(c, &root);
	if (children(c, &root, top_elements, nitems(top_elements)) == -1 || misc(c) == -1)
		return -1;
	if (c->s != c->end)
		return fail(c, lineof(c, c->s), "text after </installation>");
	return finish(c, &root);
}

int
answerfile_parse(const char *text, size_t len, struct answers *a, char *err, size_t errlen,
    void (*warn)(void *ctx, const char *msg), void *ctx)
{
	struct cur	c;

	memset(&c, 0, sizeof(c));
	if (text == NULL) {
		text = "";
		len = 0;
	}
	c.s = c.start = c.counted = text;
	c.end = text + len;
	c.line = 1;
	c.err = err;
	c.errlen = err == NULL ? 0 : errlen;
	c.warn = warn;
	c.ctx = ctx;
	c.a = a;
	if (c.errlen > 0)
		err[0] = '\0';
	memset(a, 0, sizeof(*a));
	memcpy(a->mode, "fresh", 6);
	memcpy(a->hostname, "atoll", 6);
	memcpy(a->proto, "dhcp", 5);
	memcpy(a->timezone, "UTC", 4);
	memcpy(a->keymap, "us", 3);
	memcpy(a->source_type, "local", 6);
	if (document(&c) == -1) {
		memset(a, 0, sizeof(*a));
		return -1;
	}
	return 0;
}
