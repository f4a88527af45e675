/*
 * The answerfile of an unattended install: XenServer's XML answerfile (host-installer
 * doc/answerfile.txt), fresh installs only. The XML is lib/xml.c's to read; this file owns
 * the schema: which elements and attributes there are, and the check of every value before
 * the installer touches a disk. An error names the line and the element. Elements Atoll
 * has no use for go to warn() and are skipped. Nothing is allocated.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "answerfile.h"
#include "inet.h"
#include "mac.h"
#include "nitems.h"
#include "sha512crypt.h"
#include "validate.h"
#include "xml.h"
#include "zonename.h"

#define SKIP_DEPTH	8	/* nesting inside an element we skip */
#define VALUE_MAX	512	/* the longest text or attribute value, and its NUL */

#define LOWER		"abcdefghijklmnopqrstuvwxyz"
#define UPPER		"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS		"0123456789"
#define DISK_CHARS	LOWER UPPER DIGITS "._:+@,=-\\"	/* in a /dev/disk/by-* name */
#define IF_CHARS	LOWER UPPER DIGITS "_.-"

/* Elements that may appear once; the address elements of <admin-interface> too. */
enum { E_PRIMARY, E_PASSWORD, E_HOSTNAME, E_ADMIN, E_TIMEZONE, E_KEYMAP, E_NTP, E_SOURCE,
	E_IPADDR, E_SUBNET, E_GATEWAY, E_EXISTING, E_N };

/* A start tag being read: the token, and which attributes were asked for (bit i for the
   i-th; XML_MAX_ATTRS fits). */
struct tag {
	struct xml_tok	 tok;
	char		 name[XML_NAME_MAX + 1];
	int		 line;
	int		 empty;		/* <name/> */
	unsigned	 used;
};

_Static_assert(XML_MAX_ATTRS <= sizeof(unsigned) * 8, "struct tag's used has a bit for each "
    "attribute");

struct cur {
	struct xml_cur	 x;
	char		*err;
	size_t		 errlen;
	void		(*warn)(void *, const char *);
	void		*ctx;
	struct answers	*a;
	int		 first[E_N];	/* the line each single element is on, 0 before it */
	int		 guest_line[AF_MAX_GUEST_DISKS];
	char		 ntp_source[8];
	char		 shown[48];	/* a value as a message quotes it */
	int		 rooted;	/* the root's start tag is read (depth 0 is
					   before or after it) */
};

/* What to do with each element of a container. */
struct element {
	const char	*name;
	int		(*fn)(struct cur *, struct tag *);
};

/* ============================== Reporting ============================== */

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

/* What lib/xml.c refused, and where; a DOCTYPE before the root is told what comes first. */
static int
xml_fail(struct cur *c)
{
	return fail(c, c->x.err_line, "%s%s", c->x.why, c->x.err == XML_E_DOCTYPE &&
	    !c->rooted ? "; the answerfile starts with <installation>" : "");
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

/*
 * Text where elements should be: an error naming its first line and quoting it, or the
 * content of the CDATA section it starts with (blanks around it dropped, unless that
 * leaves nothing).
 */
static int
stray_text(struct cur *c, const struct xml_tok *tok, const char *where)
{
	const char	*p = tok->text.p, *lead = c->x.buf + tok->lead, *s, *e;
	const char	*end = tok->text.p + tok->text.n;
	size_t		 n = (size_t)(end - lead);
	int		 line = tok->line;

	for (; p < lead; p++)
		line += *p == '\n';
	if (where == NULL)
		return fail(c, line, "text after </installation>");
	if (n >= 9 && memcmp(lead, "<![CDATA[", 9) == 0) {
		/* xml_next found its "]]>". */
		for (s = e = lead + 9; end - e >= 3 && memcmp(e, "]]>", 3) != 0; e++)
			;
	} else
		for (s = e = lead; e < end && *e != '<'; e++)
			;
	for (p = s; p < e && blank(*p); p++)
		;
	if (p < e) {		/* not all blanks: drop those around */
		s = p;
		while (blank(e[-1]))
			e--;
	}
	return fail(c, line, "<%s>: text \"%s\" where only elements may be", where,
	    show(c, s, (size_t)(e - s)));
}

/* The next token but blank text (and comments; a CDATA section, even of blanks, is text
   that is not allowed between elements): its kind, or -1 with the error in err. */
static int
next(struct cur *c, struct xml_tok *tok)
{
	int	r;

	while ((r = xml_next(&c->x, tok)) == XML_TEXT && tok->blank && !tok->cdata)
		;
	return r == -1 ? xml_fail(c) : r;
}

static void
tag_of(const struct xml_tok *tok, struct tag *t)
{
	memset(t, 0, sizeof(*t));
	t->tok = *tok;
	memcpy(t->name, tok->name.p, tok->name.n);
	t->line = tok->line;
	t->empty = tok->kind == XML_EMPTY;
}

/* Reads the text of t, up to and with its end tag, into buf (trimmed); a NUL in it would
   cut the value short, so it is refused. */
static int
content(struct cur *c, const struct tag *t, char *buf, size_t size)
{
	struct xml_tok	tok;
	size_t		n = 0;
	int		r;

	buf[0] = '\0';
	if (t->empty)
		return 0;
	if ((r = xml_next(&c->x, &tok)) == XML_TEXT) {
		if (xml_decode(&c->x, tok.text, XML_TRIM, buf, size, &n) == -1)
			return fail(c, c->x.err_line, "<%s>: %s", t->name, c->x.why);
		r = xml_next(&c->x, &tok);
	}
	if (r == -1)
		return xml_fail(c);
	if (r != XML_CLOSE)
		return fail(c, tok.line, "<%s> holds text, not elements", t->name);
	if (n >= size)
		return efail(c, t, "longer than %zu bytes", size - 1);
	if (memchr(buf, '\0', n) != NULL)
		return efail(c, t, "holds a NUL byte");
	return 0;
}

/* Skips the content of t, whatever it holds, and its end tag. */
static int
skip(struct cur *c, const struct tag *t)
{
	struct xml_tok	tok;
	int		r, depth = 0;

	while (!t->empty) {
		if ((r = xml_next(&c->x, &tok)) == -1)
			return xml_fail(c);
		if (r == XML_CLOSE && depth-- == 0)
			break;
		if (r == XML_OPEN && depth++ == SKIP_DEPTH)
			return fail(c, tok.line, "<%.*s>: more than %d levels deep in <%s>",
			    (int)tok.name.n, tok.name.p, SKIP_DEPTH, t->name);
	}
	return 0;
}

static int	text_el(struct cur *, struct tag *, const char *);

/* Reads the elements in t, each by its entry in tab or the text table; unknown ones are
   skipped. */
static int
children(struct cur *c, const struct tag *t, const struct element *tab, size_t n)
{
	struct xml_tok	tok;
	struct tag	child;
	size_t		i;
	int		r;

	while (!t->empty) {
		if ((r = next(c, &tok)) == -1)
			return -1;
		if (r == XML_CLOSE || r == XML_END)
			break;
		if (r == XML_TEXT)
			return stray_text(c, &tok, t->name);
		tag_of(&tok, &child);
		for (i = 0; i < n && strcmp(tab[i].name, child.name) != 0; i++)
			;
		if (i < n)
			r = tab[i].fn(c, &child);
		else
			r = text_el(c, &child, t->name);
		if (r == -1)
			return -1;
	}
	return 0;
}

/* ============================== Attributes ============================== */

/* Reads attribute aname of t into buf: 1 when there, 0 when not ("" in buf), or -1 (a NUL
   in it too). */
static int
attr(struct cur *c, struct tag *t, const char *aname, char *buf, size_t size)
{
	struct xml_span	v;
	size_t		n;
	int		i;

	buf[0] = '\0';
	if ((i = xml_attr(&t->tok, aname, &v)) == -1)
		return 0;
	t->used |= 1u << i;
	if (xml_decode(&c->x, v, XML_TRIM, buf, size, &n) == -1)
		return fail(c, c->x.err_line, "<%s>: %s", t->name, c->x.why);
	if (n >= size)
		return efail(c, t, "%s is longer than %zu bytes", aname, size - 1);
	if (memchr(buf, '\0', n) != NULL)
		return efail(c, t, "%s holds a NUL byte", aname);
	return 1;
}

/* Warns of the attributes of t nothing asked for. */
static void
unused(struct cur *c, const struct tag *t)
{
	struct xml_span	name, v;
	int		i;

	for (i = 0; xml_attr_at(&t->tok, i, &name, &v); i++)
		if (!(t->used & 1u << i))
			note(c, t->line, "<%s>: attribute %.*s is not understood and is ignored",
			    t->name, (int)name.n, name.p);
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

/* ============================== Text-only elements ============================== */

static int
is_hostname(const char *s)
{
	return inet_hostname_invalid(s) == NULL;
}

/* An element of text alone, checked by ok and kept in a field of struct answers, or in the
   next entry of a list of them. */
struct text_el {
	const char	*in, *name;	/* the container, the element */
	int		 once;		/* E_*, or -1 for a list's entries */
	size_t		 field, size;	/* the field (offsetof), or a list's; one entry's size */
	size_t		 count;		/* a list's: offsetof the int counting its entries */
	int		 max;		/* a list's entries; 0 for a single field */
	const char	*entries;	/* a list's, for "more than 3 name servers" */
	int		(*ok)(const char *);
	const char	*expects;	/* for "\"x\" is not <expects>" */
	int		 static_only;	/* kept with proto="static" alone */
	const char	*(*why)(const char *);	/* NULL, or says why not after that */
};

#define FIELD(f)		offsetof(struct answers, f), \
				sizeof(((struct answers *)0)->f), 0, 0, NULL
#define LIST(f, n, max, what)	offsetof(struct answers, f), \
				sizeof(((struct answers *)0)->f[0]), \
				offsetof(struct answers, n), max, what

#define HOST_NAME	"a host name (letters, digits, '-', '.')"
#define NAME_SERVER	"an IPv4 address (such as 192.0.2.53)"
#define NTP_SERVER	"a host name or an IPv4 address"
#define ADDRESS		"an IPv4 address (such as 192.0.2.10)"
#define NETMASK		"a netmask (such as 255.255.255.0)"
#define TIME_ZONE	"a time zone (such as UTC or Europe/Paris)"
#define KEYMAP		"a keymap (such as us, uk or de-latin1)"

/* [D]: the old name of the element above it, still read. */
static const struct text_el texts[] = {
	{ "installation", "hostname", E_HOSTNAME, FIELD(hostname), is_hostname, HOST_NAME, 0,
	    inet_hostname_invalid },
	{ "installation", "name-server", -1, LIST(dns, ndns, AF_MAX_DNS, "name servers"),
	    inet_is_ipv4, NAME_SERVER, 0, NULL },
	{ "installation", "nameserver", -1, LIST(dns, ndns, AF_MAX_DNS, "name servers"),
	    inet_is_ipv4, NAME_SERVER, 0, NULL },						/* [D] */
	{ "installation", "timezone", E_TIMEZONE, FIELD(timezone), zone_name_ok,
	    TIME_ZONE, 0, NULL },
	{ "installation", "keymap", E_KEYMAP, FIELD(keymap), validate_keymap, KEYMAP, 0, NULL },
	{ "installation", "ntp-server", -1, LIST(ntp, nntp, AF_MAX_NTP, "NTP servers"),
	    inet_server_ok, NTP_SERVER, 0, NULL },
	{ "installation", "ntp-servers", -1, LIST(ntp, nntp, AF_MAX_NTP, "NTP servers"),
	    inet_server_ok, NTP_SERVER, 0, NULL },					/* [D] */
	{ "admin-interface", "ipaddr", E_IPADDR, FIELD(ipaddr), inet_is_ipv4, ADDRESS, 1, NULL },
	{ "admin-interface", "ip", E_IPADDR, FIELD(ipaddr), inet_is_ipv4, ADDRESS, 1,
	    NULL },								/* [D] */
	{ "admin-interface", "subnet", E_SUBNET, FIELD(subnet), inet_is_netmask, NETMASK, 1, NULL },
	{ "admin-interface", "subnet-mask", E_SUBNET, FIELD(subnet), inet_is_netmask, NETMASK,
	    1, NULL },							/* [D] */
	{ "admin-interface", "gateway", E_GATEWAY, FIELD(gateway), inet_is_ipv4, ADDRESS, 1, NULL },
};

/* Reads t, in the container named in, by its entry in texts; skips it, with a warning,
   when there is none. */
static int
text_el(struct cur *c, struct tag *t, const char *in)
{
	const struct text_el	*e;
	char			 v[VALUE_MAX], *dst;
	int			*count = NULL;
	size_t			 i;

	for (i = 0; i < nitems(texts) && (strcmp(texts[i].in, in) != 0 ||
	    strcmp(texts[i].name, t->name) != 0); i++)
		;
	if (i == nitems(texts)) {
		note(c, t->line, "<%s> is not understood and is ignored", t->name);
		return skip(c, t);
	}
	e = &texts[i];
	if (e->once >= 0 && once(c, t, e->once) == -1)
		return -1;
	if (content(c, t, v, sizeof(v)) == -1)
		return -1;
	unused(c, t);
	if (!e->ok(v))
		return efail(c, t, "\"%s\" is not %s%s%s", SHOW(c, v), e->expects,
		    e->why != NULL ? ": " : "", e->why != NULL ? e->why(v) : "");
	if (e->max > 0) {
		count = (int *)(void *)((char *)c->a + e->count);
		if (*count == e->max)
			return efail(c, t, "more than %d %s", e->max, e->entries);
	}
	if (e->static_only && strcmp(c->a->proto, "static") != 0) {
		note(c, t->line, "<%s> is ignored: the interface's proto is %s", t->name,
		    c->a->proto);
		return 0;
	}
	dst = (char *)c->a + e->field + (count != NULL ? (size_t)(*count)++ * e->size : 0);
	return store(c, t, dst, e->size, v);
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

/* Elements Atoll accepts and has no use for. */
/* An upgrade's disk, in <primary-disk>'s forms. */
static int
el_existing(struct cur *c, struct tag *t)
{
	char	v[VALUE_MAX];

	if (once(c, t, E_EXISTING) == -1)
		return -1;
	unused(c, t);
	if (content(c, t, v, sizeof(v)) == -1)
		return -1;
	return disk(c, t, v, c->a->primary_disk, sizeof(c->a->primary_disk));
}

static int
el_ignored(struct cur *c, struct tag *t)
{
	note(c, t->line, "<%s> is not supported by Atoll and is ignored", t->name);
	return skip(c, t);
}

/* <ipaddr>, <subnet> and <gateway> are in texts. */
static const struct element admin_elements[] = {
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

/* <hostname>, <name-server>, <timezone>, <keymap> and <ntp-server> are in texts. */
static const struct element top_elements[] = {
	{ "primary-disk", el_primary },
	{ "existing-installation", el_existing },
	{ "guest-disk", el_guest_disk },
	{ "guest-disks", el_guest_disks },
	{ "root-password", el_password },
	{ "admin-interface", el_admin },
	{ "ntp", el_ntp },
	{ "script", el_script },
	{ "source", el_source },
	{ "bootloader", el_ignored },
	{ "network-backend", el_ignored },
	{ "ui-confirmation-prompt", el_ignored },
};

/* An upgrade keeps the host's disks and settings: it needs the disk, and says what of a
   fresh install's answers it leaves alone. */
static int
finish_upgrade(struct cur *c, const struct tag *root)
{
	static const struct {
		int		 e;
		const char	*name;
	} kept[] = { { E_PASSWORD, "root-password" }, { E_HOSTNAME, "hostname" },
	    { E_ADMIN, "admin-interface" }, { E_TIMEZONE, "timezone" }, { E_KEYMAP, "keymap" },
	    { E_NTP, "ntp" } };
	size_t	i;

	if (c->first[E_PRIMARY] != 0)
		return fail(c, c->first[E_PRIMARY], "<primary-disk> is for fresh installs: an "
		    "upgrade names the installed disk in <existing-installation>");
	if (c->first[E_EXISTING] == 0)
		return efail(c, root, "mode=\"upgrade\" needs <existing-installation>: it names "
		    "the disk Atoll is installed on");
	for (i = 0; i < nitems(kept); i++)
		if (c->first[kept[i].e] != 0)
			note(c, c->first[kept[i].e], "<%s> is ignored in an upgrade: the host "
			    "keeps its own", kept[i].name);
	if (c->a->nguest_disks > 0)
		note(c, c->guest_line[0], "<guest-disk> is ignored in an upgrade: the host "
		    "keeps its disks");
	return 0;
}

/* What can only be checked once the whole answerfile is read. */
static int
finish(struct cur *c, const struct tag *root)
{
	struct answers	*a = c->a;
	int		 i;

	if (strcmp(a->mode, "upgrade") == 0)
		return finish_upgrade(c, root);
	if (c->first[E_EXISTING] != 0)
		return fail(c, c->first[E_EXISTING], "<existing-installation> is for upgrades "
		    "(<installation mode=\"upgrade\">)");
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
	struct xml_tok	tok;
	struct tag	root;
	char		v[VALUE_MAX];
	int		r;

	if ((r = next(c, &tok)) == -1)
		return -1;
	if (r == XML_END)
		return fail(c, tok.line, "no <installation> element");
	if (r != XML_OPEN && r != XML_EMPTY)
		return fail(c, tok.line, "expected <installation>");
	tag_of(&tok, &root);
	c->rooted = 1;
	if (strcmp(root.name, "restore") == 0 || strcmp(root.name, "upgrade") == 0)
		return efail(c, &root, "the answerfile is an <installation> element, "
		    "mode=\"fresh\" (the default) or mode=\"upgrade\"");
	if (strcmp(root.name, "installation") != 0)
		return efail(c, &root, "the answerfile must be an <installation> element");
	if ((r = attr(c, &root, "mode", v, sizeof(v))) == -1)
		return -1;
	if (r == 1 && strcmp(v, "fresh") != 0 && strcmp(v, "upgrade") != 0)
		return efail(c, &root, "mode=\"%s\": Atoll does fresh installs and upgrades "
		    "(mode=\"fresh\", the default, or mode=\"upgrade\"); a restore is "
		    "atoll-upgrade --rollback on the host", SHOW(c, v));
	if (r == 1)
		memcpy(c->a->mode, v, strlen(v) + 1);
	if ((r = attr(c, &root, "sr-type", v, sizeof(v))) == 0)
		r = attr(c, &root, "srtype", v, sizeof(v));
	if (r == -1)
		return -1;
	if (r == 1 && strcmp(v, "ext") != 0)
		note(c, root.line, "<installation>: sr-type=\"%s\" is ignored: the local SR is "
		    "always ext", SHOW(c, v));
	unused(c, &root);
	if (children(c, &root, top_elements, nitems(top_elements)) == -1 ||
	    (r = next(c, &tok)) == -1)
		return -1;
	if (r == XML_TEXT)
		return stray_text(c, &tok, NULL);
	if (r != XML_END)
		return fail(c, tok.line, "text after </installation>");
	return finish(c, &root);
}

int
answerfile_parse(const char *text, size_t len, struct answers *a, char *err, size_t errlen,
    void (*warn)(void *ctx, const char *msg), void *ctx)
{
	struct cur	c;

	memset(&c, 0, sizeof(c));
	xml_init(&c.x, text, len, XML_BLANKS_BEFORE_DECL);
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
