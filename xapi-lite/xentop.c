/*
 * xentop's batch output (xentop.h), read line by line. A domain's row is found by its
 * STATE column (six letters of "dsbcpr" or '-', in that order): what comes before is the
 * name (xentop right-aligns it, -f leaves it whole), what follows are numbers, of which
 * the columns up to VCPUS are read and the rest (network and disk totals, which the
 * sampler takes from sysfs) are not. Anything the format does not allow refuses the frame.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xentop.h"

#define MAX_TOKENS	40		/* a row has 20 columns, "no limit" two */

struct tok {
	const char	*p;
	size_t		 n;
};

static size_t
tokens(const char *p, size_t n, struct tok *t, size_t max)
{
	size_t	i = 0, k = 0;

	while (i < n) {
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i == n)
			break;
		if (k == max)
			return max + 1;
		t[k].p = p + i;
		while (i < n && p[i] != ' ' && p[i] != '\t')
			i++;
		t[k].n = (size_t)(p + i - t[k].p);
		k++;
	}
	return k;
}

static int
is(const struct tok *t, const char *s)
{
	return t->n == strlen(s) && memcmp(t->p, s, t->n) == 0;
}

static int
uint_of(const char *p, size_t n, unsigned long long *out)
{
	unsigned long long	v = 0;
	size_t			i;

	if (n == 0 || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		if (v > (~0ULL - (unsigned)(p[i] - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	*out = v;
	return 0;
}

static int
tok_uint(const struct tok *t, unsigned long long *out)
{
	return uint_of(t->p, t->n, out);
}

/* "12.5": digits, a point, digits (xentop's %.1f of a figure that is never negative). */
static int
tok_pct(const struct tok *t, double *out)
{
	char	s[32], *end;
	size_t	i;

	if (t->n == 0 || t->n >= sizeof(s))
		return -1;
	for (i = 0; i < t->n; i++)
		if ((t->p[i] < '0' || t->p[i] > '9') && t->p[i] != '.')
			return -1;
	memcpy(s, t->p, t->n);
	s[t->n] = '\0';
	*out = strtod(s, &end);
	return *end == '\0' && isfinite(*out) ? 0 : -1;
}

static int
is_state(const struct tok *t)
{
	static const char	letters[] = "dsbcpr";
	size_t			i;

	if (t->n != 6)
		return 0;
	for (i = 0; i < 6; i++)
		if (t->p[i] != '-' && t->p[i] != letters[i])
			return 0;
	return 1;
}

static int
is_header(const struct tok *t, size_t n)
{
	return n >= 2 && is(&t[0], "NAME") && is(&t[1], "STATE");
}

/* A domain's row into d. 0, or -1 with why. */
static int
row(const struct tok *t, size_t n, struct xentop_dom *d, const char **why)
{
	unsigned long long	v;
	size_t			k, namelen, i;
	double			pct;

	for (k = 1; k + 1 < n && !(is_state(&t[k]) && tok_uint(&t[k + 1], &v) == 0); k++)
		;
	if (k + 1 >= n)
		return *why = "a domain's row has no STATE column", -1;
	namelen = (size_t)(t[k - 1].p + t[k - 1].n - t[0].p);
	if (namelen >= XENTOP_NAME_MAX)
		return *why = "a domain's name is too long", -1;
	for (i = 0; i < namelen; i++)
		if ((unsigned char)t[0].p[i] < 0x20 || t[0].p[i] == 0x7f)
			return *why = "a domain's name has a control character", -1;
	memset(d, 0, sizeof(*d));
	memcpy(d->name, t[0].p, namelen);
	memcpy(d->state, t[k].p, 6);
	t += k + 1;
	n -= k + 1;
	/* CPU(sec) CPU(%) MEM(k) MEM(%) MAXMEM(k) MAXMEM(%) VCPUS, MAXMEM maybe "no limit". */
	if (n < 7 || tok_uint(&t[0], &d->cpu_s) == -1 || tok_pct(&t[1], &d->cpu_pct) == -1)
		return *why = "a domain's CPU columns are not numbers", -1;
	if (tok_uint(&t[2], &v) == -1 || v > (unsigned long long)1 << 50 ||
	    tok_pct(&t[3], &pct) == -1)
		return *why = "a domain's MEM columns are not numbers", -1;
	d->mem_kib = (long long)v;
	if (is(&t[4], "no") && is(&t[5], "limit")) {
		d->maxmem_kib = -1;
		t++;
		n--;
	} else if (tok_uint(&t[4], &v) == 0 && v <= (unsigned long long)1 << 50)
		d->maxmem_kib = (long long)v;
	else
		return *why = "a domain's MAXMEM column is not a number", -1;
	if (n < 7 || (!is(&t[5], "n/a") && tok_pct(&t[5], &pct) == -1))
		return *why = "a domain's MAXMEM(%) column is not a number", -1;
	if (tok_uint(&t[6], &v) == -1 || v > XENTOP_MAX_VCPUS)
		return *why = "a domain's VCPUS column is not a number of vCPUs", -1;
	d->vcpus = (unsigned)v;
	return 0;
}

/* " 0:  12s  1:  3s" pairs of a VCPUs(sec) line (or its continuation) into d. */
static int
vcpus(const struct tok *t, size_t n, struct xentop_dom *d, const char **why)
{
	unsigned long long	id, s;
	size_t			i;

	if (n % 2 != 0)
		return *why = "a VCPUs(sec) line is cut short", -1;
	for (i = 0; i < n; i += 2) {
		if (t[i].n < 2 || t[i].p[t[i].n - 1] != ':' ||
		    uint_of(t[i].p, t[i].n - 1, &id) == -1 ||
		    t[i + 1].n < 2 || t[i + 1].p[t[i + 1].n - 1] != 's' ||
		    uint_of(t[i + 1].p, t[i + 1].n - 1, &s) == -1)
			return *why = "a VCPUs(sec) entry is not N: SECONDSs", -1;
		if (id >= XENTOP_MAX_VCPUS)
			return *why = "a VCPUs(sec) entry names a vCPU past Xen's limit", -1;
		d->vcpu_s[id] = s;
		d->vcpu_online[id] = 1;
		if (id + 1 > d->nvcpu)
			d->nvcpu = (unsigned)id + 1;
	}
	return 0;
}

static size_t
line_len(const char *p, size_t len)
{
	const char	*nl = memchr(p, '\n', len);

	return nl != NULL ? (size_t)(nl - p) : len;
}

size_t
xentop_frame_end(const char *p, size_t len)
{
	struct tok	t[2];
	size_t		off = 0, n;
	int		headers = 0;

	while (off < len) {
		n = line_len(p + off, len - off);
		if (off + n == len)
			break;		/* the last line is not complete yet */
		if (tokens(p + off, n < 64 ? n : 64, t, 2) >= 2 && is_header(t, 2) &&
		    ++headers == 2)
			return off;
		off += n + 1;
	}
	return 0;
}

int
xentop_parse(const char *p, size_t len, struct xentop_dom *doms, size_t max,
    const char **why)
{
	struct tok	t[MAX_TOKENS];
	size_t		off = 0, n, k, ndom = 0;
	int		header = 0, in_vcpus = 0;

	while (off < len) {
		n = line_len(p + off, len - off);
		if (off + n == len)
			return *why = "the frame's last line is cut short", -1;
		if (n > XENTOP_LINE_MAX)
			return *why = "a line is too long", -1;
		if ((k = tokens(p + off, n, t, MAX_TOKENS)) > MAX_TOKENS)
			return *why = "a line has too many columns", -1;
		off += n + 1;
		if (k == 0) {
			in_vcpus = 0;
			continue;
		}
		if (is_header(t, k)) {
			if (header)
				return *why = "two header lines in one frame", -1;
			header = 1;
			continue;
		}
		if (!header)
			return *why = "the frame does not begin with xentop's header", -1;
		if (is(&t[0], "VCPUs(sec):")) {
			if (ndom == 0)
				return *why = "a VCPUs(sec) line before any domain", -1;
			if (vcpus(t + 1, k - 1, &doms[ndom - 1], why) == -1)
				return -1;
			in_vcpus = 1;
			continue;
		}
		/* The VCPUs(sec) line goes on after every fifth vCPU, indented. */
		if (in_vcpus && (p[off - n - 1] == ' ') && t[0].n >= 2 &&
		    t[0].p[t[0].n - 1] == ':') {
			if (vcpus(t, k, &doms[ndom - 1], why) == -1)
				return -1;
			continue;
		}
		in_vcpus = 0;
		/* -n's and -x's lines and tmem's, when asked for: not read. */
		if ((t[0].n >= 4 && memcmp(t[0].p, "Net", 3) == 0 && t[0].p[3] >= '0' &&
		    t[0].p[3] <= '9') || is(&t[0], "VBD") || is(&t[0], "Tmem:"))
			continue;
		if (ndom == max)
			return *why = "the frame has more domains than the limit", -1;
		if (row(t, k, &doms[ndom], why) == -1)
			return -1;
		ndom++;
	}
	if (!header)
		return *why = "the frame has no header line", -1;
	return (int)ndom;
}
