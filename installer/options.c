/*
 * The installer's kernel command line options: XenServer's answerfile=, network_device= and
 * network_config= (so existing PXE menus work) and Atoll's own. The line is split by
 * lib/cmdline.c exactly as Linux splits it; each value of ours is checked whole before the
 * installer acts on it, and an error names the option and its value. Nothing is allocated.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "inet.h"
#include "mac.h"
#include "nitems.h"
#include "options.h"

#define LOWER		"abcdefghijklmnopqrstuvwxyz"
#define UPPER		"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS		"0123456789"
#define IF_CHARS	LOWER UPPER DIGITS "_.-"
#define IFNAME_MAX	15	/* IFNAMSIZ less its NUL */
#define SHOW_MAX	80	/* of a value quoted in a message */

/* Static fields, as bits of what has been seen. */
enum { F_IP = 1, F_NETMASK = 2, F_GATEWAY = 4, F_DNS = 8 };

struct cur {
	struct install_options	*o;
	char			*err;
	size_t			 errlen;
	const char		*name;		/* the option being read */
	const char		*val;		/* and its value */
	size_t			 vallen;
	char			 shown[SHOW_MAX + 1];	/* the value, as messages quote it */
	char			 part[SHOW_MAX + 1];	/* a piece of it, likewise */
};

struct option {
	const char	*name;
	int		(*fn)(struct cur *, const char *, size_t);
	const char	*expect;	/* good values, for messages */
};

/* ============================== Reporting ============================== */

/* s[0..n) as messages quote it: printable ASCII, '?' for other bytes, long ones cut. */
static const char *
show(char *buf, size_t size, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n && i < size - 1; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (i < n && i >= 3)
		memcpy(buf + i - 3, "...", 3);
	buf[i] = '\0';
	return buf;
}

#define PART(c, s, n)	show((c)->part, sizeof((c)->part), (s), (n))

static int	fail(struct cur *, const char *, ...) __attribute__((format(printf, 2, 3)));

/* "name=value: message" into err; returns -1. */
static int
fail(struct cur *c, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (c->errlen == 0)
		return -1;
	show(c->shown, sizeof(c->shown), c->val, c->vallen);
	n = snprintf(c->err, c->errlen, "%s=%s: ", c->name, c->shown);
	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ============================== Values ============================== */

static int
is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static char
lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* Whether s[0..n) is the NUL-terminated word w. */
static int
is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* Copies s[0..n) and a NUL into dst, which the caller knows is large enough. */
static void
copy(char *dst, const char *s, size_t n)
{
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* ============================== Options ============================== */

/*
 * file:///PATH (when files is set), http://HOST... or https://HOST..., printable ASCII
 * without blanks (a URL has none; one here is a quoting mistake), into dst.
 */
static int
url(struct cur *c, const char *v, size_t n, int files, char *dst, size_t size)
{
	const char	*p, *host, *end = v + n;
	size_t		 i, skip;

	if (files && n >= 8 && memcmp(v, "file:///", 8) == 0)
		skip = 0;	/* a path, no host */
	else if (n >= 7 && memcmp(v, "http://", 7) == 0)
		skip = 7;
	else if (n >= 8 && memcmp(v, "https://", 8) == 0)
		skip = 8;
	else
		return fail(c, files ? "expected file:///PATH, http://URL or https://URL" :
		    "expected http://URL or https://URL");
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f)
			return fail(c, "a URL may hold only printable ASCII, without blanks");
	if (n >= size)
		return fail(c, "longer than %zu bytes", size - 1);
	if (skip == 0 && n == 8)
		return fail(c, "no file after file:///");
	if (skip > 0) {
		/* The host: after any user@, before any :port, /path, ?query or #fragment. */
		host = v + skip;
		for (p = host; p < end && *p != '/' && *p != '?' && *p != '#'; p++)
			if (*p == '@')
				host = p + 1;
		if (host == p || *host == ':')
			return fail(c, "the URL has no host");
	}
	copy(dst, v, n);
	return 0;
}

static int
opt_answerfile(struct cur *c, const char *v, size_t n)
{
	return url(c, v, n, 1, c->o->answerfile, sizeof(c->o->answerfile));
}

/* Where the installer reports how the install went (an HTTP POST). */
static int
opt_report(struct cur *c, const char *v, size_t n)
{
	return url(c, v, n, 0, c->o->report, sizeof(c->o->report));
}

/* Where the boot files are for a machine booted from the network (a PXE tree's atoll/). */
static int
opt_source(struct cur *c, const char *v, size_t n)
{
	return url(c, v, n, 0, c->o->source, sizeof(c->o->source));
}

/* sha256: and 64 hex digits, in either case, bare or in pairs separated by ':' (openssl). */
static int
opt_fingerprint(struct cur *c, const char *v, size_t n)
{
	static const char	 prefix[] = "sha256:";
	char			*out = c->o->fingerprint;
	size_t			 i, plen = sizeof(prefix) - 1;
	int			 colons;

	for (i = 0; i < plen && i < n; i++)
		if (lower(v[i]) != prefix[i])
			break;
	if (i < plen)
		return fail(c, "expected sha256: and the certificate's 64 hex digits");
	v += plen;
	n -= plen;
	if (n == 64)
		colons = 0;
	else if (n == 64 + 31)
		colons = 1;
	else
		return fail(c, "expected 64 hex digits after sha256: (or 32 pairs separated by "
		    "':'), not %zu characters", n);
	for (i = 0; i < n; i++) {
		if (colons && i % 3 == 2) {
			if (v[i] != ':')
				return fail(c, "expected 32 pairs of hex digits separated by ':'");
			continue;
		}
		if (colons && v[i] == ':')
			return fail(c, "expected 32 pairs of hex digits separated by ':'");
		if (!is_hex(v[i]))
			return fail(c, "'%s' is not a hex digit", PART(c, v + i, 1));
		*out++ = lower(v[i]);
	}
	*out = '\0';
	return 0;
}

/* all, an interface name (eth0) or a MAC (stored lower-case). */
static int
opt_device(struct cur *c, const char *v, size_t n)
{
	char	mac[18];
	size_t	i;

	if (n == 17) {
		copy(mac, v, n);
		if (mac_valid(mac)) {
			for (i = 0; i < n; i++)
				c->o->net_device[i] = lower(mac[i]);
			c->o->net_device[n] = '\0';
			return 0;
		}
	}
	for (i = 0; i < n && v[i] != '\0' && strchr(IF_CHARS, v[i]) != NULL; i++)
		;
	if (i != n || n == 0 || n > IFNAME_MAX || is(v, n, ".") || is(v, n, ".."))
		return fail(c, "expected all, an interface name such as eth0 (1 to %d letters, "
		    "digits, '_', '.' or '-') or a MAC such as 52:54:00:12:34:56", IFNAME_MAX);
	copy(c->o->net_device, v, n);
	return 0;
}

/* The dns field: 1 to OPT_MAX_DNS addresses separated by ','. */
static int
static_dns(struct cur *c, const char *v, size_t n)
{
	struct install_options	*o = c->o;
	const char		*end = v + n, *s, *e;
	uint32_t		 ip;

	if (n == 0)
		return fail(c, "dns is empty (expected dns=D1,D2)");
	for (s = v;; s = e + 1) {
		if ((e = memchr(s, ',', end - s)) == NULL)
			e = end;
		if (!inet_ipv4(s, e - s, &ip))
			return fail(c, "dns server \"%s\" is not an IPv4 address",
			    PART(c, s, e - s));
		if (o->net_ndns == OPT_MAX_DNS)
			return fail(c, "dns has more than %d servers", OPT_MAX_DNS);
		copy(o->net_dns[o->net_ndns++], s, e - s);
		if (e == end)
			return 0;
	}
}

/* ip=A;netmask=M;gateway=G;dns=D1,D2: fields in any order, each once, ip and netmask needed. */
static int
net_static(struct cur *c, const char *v, size_t n)
{
	static const struct {
		const char	*name;
		int		 bit;
	} fields[] = {
		{ "ip", F_IP }, { "netmask", F_NETMASK }, { "gateway", F_GATEWAY }, { "dns", F_DNS },
	};
	struct install_options	*o = c->o;
	const char		*end = v + n, *f, *e, *eq, *fv;
	char			*dst;
	size_t			 i, fvlen;
	uint32_t		 ip;
	int			 seen = 0;

	for (f = v; n > 0; f = e + 1) {
		if ((e = memchr(f, ';', end - f)) == NULL)
			e = end;
		if (e == f)
			return fail(c, "an empty field (fields are separated by one ';')");
		if ((eq = memchr(f, '=', e - f)) == NULL)
			return fail(c, "field \"%s\" has no value (expected name=value)",
			    PART(c, f, e - f));
		for (i = 0; i < nitems(fields); i++)
			if (is(f, eq - f, fields[i].name))
				break;
		if (i == nitems(fields))
			return fail(c, "unknown field \"%s\" (expected ip, netmask, gateway or dns)",
			    PART(c, f, eq - f));
		if (seen & fields[i].bit)
			return fail(c, "%s is given twice", fields[i].name);
		seen |= fields[i].bit;
		fv = eq + 1;
		fvlen = e - fv;
		if (fields[i].bit == F_DNS) {
			if (static_dns(c, fv, fvlen) == -1)
				return -1;
		} else {
			if (!inet_ipv4(fv, fvlen, &ip))
				return fail(c, "%s is not an IPv4 address", fields[i].name);
			if (fields[i].bit == F_NETMASK && !inet_netmask(ip))
				return fail(c, "netmask is not a netmask such as 255.255.255.0");
			dst = fields[i].bit == F_IP ? o->net_ip :
			    fields[i].bit == F_NETMASK ? o->net_netmask : o->net_gateway;
			copy(dst, fv, fvlen);
		}
		if (e == end)
			break;
	}
	if (!(seen & F_IP))
		return fail(c, "ip is required");
	if (!(seen & F_NETMASK))
		return fail(c, "netmask is required");
	return 0;
}

/* dhcp or static:FIELDS; a second network_config= replaces the first whole. */
static int
opt_config(struct cur *c, const char *v, size_t n)
{
	struct install_options	*o = c->o;

	memset(o->net_proto, 0, sizeof(o->net_proto));
	memset(o->net_ip, 0, sizeof(o->net_ip));
	memset(o->net_netmask, 0, sizeof(o->net_netmask));
	memset(o->net_gateway, 0, sizeof(o->net_gateway));
	memset(o->net_dns, 0, sizeof(o->net_dns));
	o->net_ndns = 0;
	if (is(v, n, "dhcp")) {
		snprintf(o->net_proto, sizeof(o->net_proto), "dhcp");
		return 0;
	}
	if (n < 7 || memcmp(v, "static:", 7) != 0)
		return fail(c, "expected dhcp or static:ip=A;netmask=M[;gateway=G][;dns=D1,D2]");
	snprintf(o->net_proto, sizeof(o->net_proto), "static");
	return net_static(c, v + 7, n - 7);
}

static int
opt_atexit(struct cur *c, const char *v, size_t n)
{
	if (!is(v, n, "reboot") && !is(v, n, "poweroff") && !is(v, n, "shell"))
		return fail(c, "expected reboot, poweroff or shell");
	copy(c->o->atexit, v, n);
	return 0;
}

static const struct option options[] = {
	{ "answerfile", opt_answerfile, "file:///PATH, http://URL or https://URL" },
	{ "answerfile_fingerprint", opt_fingerprint, "sha256: and 64 hex digits" },
	{ "network_device", opt_device, "all, an interface name or a MAC" },
	{ "network_config", opt_config, "dhcp or static:ip=A;netmask=M[;gateway=G][;dns=D1,D2]" },
	{ "atexit", opt_atexit, "reboot, poweroff or shell" },
	{ "atoll.report", opt_report, "http://URL or https://URL" },
	{ "atoll.source", opt_source, "http://URL or https://URL" },
};

int
options_parse(const char *text, size_t len, struct install_options *o, char *err,
    size_t errlen)
{
	struct cur		 c;
	struct cmdline_arg	 a;
	const char		*pos = text;
	size_t			 left = len, i;
	int			 r;

	memset(o, 0, sizeof(*o));
	snprintf(o->atexit, sizeof(o->atexit), "reboot");
	snprintf(o->net_proto, sizeof(o->net_proto), "dhcp");
	if (errlen > 0)
		err[0] = '\0';
	memset(&c, 0, sizeof(c));
	c.o = o;
	c.err = err;
	c.errlen = errlen;

	while ((r = cmdline_next(&pos, &left, &a)) != 0) {
		/* Linux would take the rest as one word; its meaning is anyone's guess. */
		if (r == -1) {
			if (errlen > 0)
				snprintf(err, errlen, "the command line has an unclosed double quote");
			return -1;
		}
		if (cmdline_is(&a, "atoll.install")) {
			o->interactive = 1;
			continue;
		}
		for (i = 0; i < nitems(options); i++)
			if (cmdline_is(&a, options[i].name))
				break;
		if (i == nitems(options))
			continue;	/* Xen's, the kernel's, dom0's: not ours */
		if (a.val == NULL) {
			if (errlen > 0)
				snprintf(err, errlen, "%s needs a value: %s=%s", options[i].name,
				    options[i].name, options[i].expect);
			return -1;
		}
		c.name = options[i].name;
		c.val = a.val;
		c.vallen = a.vallen;
		if (options[i].fn(&c, a.val, a.vallen) == -1)
			return -1;
	}
	return 0;
}
