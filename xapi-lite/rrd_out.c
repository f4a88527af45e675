/*
 * The archives as XAPI writes them: rrd_updates.ml's export (GET /rrd_updates, JSON with
 * every number a string as XAPI 23.31 and later write them, or the <xport> XML) and
 * rrd.ml's to_xml, rrdtool's dump (GET /host_rrd, /vm_rrd).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rrd_impl.h"

/* 10^(i - 5), for i from 0 (1e-5) to 20 (1e15): exact to the double nearest. */
static const double	pow10s[] = {
	1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15,
};
#define POW10(k)	pow10s[(k) + 5]

static int
put_uint(struct buf *b, unsigned long long u)
{
	char	d[24];
	int	n = 0;

	do
		d[sizeof(d) - 1 - n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	return buf_append(b, d + sizeof(d) - n, (size_t)n);
}

/* A float between 1e-5 and 1e9 as %g would write it with the fewest of 8 or 9 significant
   digits that give the float back, trailing zeros dropped (an export writes hundreds of
   thousands of them: printf would be most of its time). -1 when out of that range. */
static int
put_single(struct buf *b, double v)
{
	double			a = v < 0 ? -v : v, scale;
	unsigned long long	m, m8;
	int			e, digits = 9, point, i;
	char			dig[12], txt[40];
	size_t			n = 0;

	if (!(a >= 1e-5 && a < 1e9))
		return -1;
	for (e = 8; e > -5 && a < POW10(e); e--)
		;
	/* m: the 9 digits; a carry past them moves the point. */
	scale = POW10(8 - e);
	m = (unsigned long long)(a * scale + 0.5);
	if (m >= 1000000000ULL) {
		e++;
		scale = POW10(8 - e);
		m = (unsigned long long)(a * scale + 0.5);
	}
	m8 = (m + 5) / 10;
	if (m8 < 100000000ULL && (float)((double)m8 / POW10(7 - e)) == (float)a) {
		m = m8;
		digits = 8;
	}
	while (digits > 1 && m % 10 == 0 && digits - 1 > e) {
		m /= 10;
		digits--;
	}
	for (i = digits - 1; i >= 0; i--, m /= 10)
		dig[i] = (char)('0' + m % 10);
	if (v < 0)
		txt[n++] = '-';
	point = e + 1;		/* digits before the point */
	if (point <= 0) {
		txt[n++] = '0';
		txt[n++] = '.';
		for (i = 0; i < -point; i++)
			txt[n++] = '0';
		for (i = 0; i < digits; i++)
			txt[n++] = dig[i];
	} else
		for (i = 0; i < digits || i < point; i++) {
			if (i == point)
				txt[n++] = '.';
			txt[n++] = i < digits ? dig[i] : '0';
		}
	return buf_append(b, txt, n);
}

int
rrd_num(struct buf *b, double v, int single)
{
	if (isnan(v))
		return buf_lit(b, "NaN");
	if (isinf(v))
		return v > 0 ? buf_lit(b, "Infinity") : buf_lit(b, "-Infinity");
	if (v == 0)
		return buf_lit(b, "0.0");
	if ((v < 0 ? -v : v) < 1e15 && v == (double)(long long)v) {
		if (v < 0 && buf_lit(b, "-") == -1)
			return -1;
		return put_uint(b, (unsigned long long)(v < 0 ? -v : v));
	}
	if (single) {
		size_t	len = b->len;

		if (put_single(b, v) == 0)
			return 0;
		b->len = len;
		return buf_printf(b, "%.9g", v);
	}
	return buf_printf(b, "%.15g", v);
}

/* Text for XML and JSON: a name is printable ASCII (rrd_name_ok, in rrd_update and the file). */
static int
put_text(struct buf *b, const char *s, int json)
{
	int	e = 0;

	for (; *s != '\0' && e == 0; s++) {
		if (json && (*s == '"' || *s == '\\'))
			e = buf_printf(b, "\\%c", *s);
		else if (!json && *s == '<')
			e = buf_lit(b, "&lt;");
		else if (!json && *s == '>')
			e = buf_lit(b, "&gt;");
		else if (!json && *s == '&')
			e = buf_lit(b, "&amp;");
		else if (!json && *s == '"')
			e = buf_lit(b, "&quot;");
		else
			e = buf_append(b, s, 1);
	}
	return e;
}

/* One column of the export: a ring, and where its RRD's newest row sits. */
struct column {
	const struct rrd	*r;
	size_t			 ds;
	unsigned		 cf;
	const float		*ring;
	long long		 back0;		/* rows from its RRD's newest to the export's
						   first (below 0: the RRD is behind) */
};

/* XAPI's find_best_rras over archives that keep cf: the first whose step is at least
   pdp_interval PDPs and that still holds start; else the coarsest that could. */
static int
choose_archive(long long last, long long start, long long pdp_interval, unsigned cf)
{
	long long	last_pdp = last / RRD_STEP * RRD_STEP, since;
	unsigned	a, first = cf == RRD_MIN || cf == RRD_MAX ? 1 : 0;
	int		pass;

	for (pass = 0; pass < 2; pass++) {
		const struct rrd_archive_shape	*c = &rrd_archives[RRD_NARCHIVES - 1];

		since = pass == 0 ? start : 1 + last_pdp - (long long)RRD_STEP * c->rows *
		    c->pdp_per_row;
		for (a = first; a < RRD_NARCHIVES; a++)
			if ((long long)rrd_archives[a].pdp_per_row >= pdp_interval &&
			    since > last_pdp - (long long)RRD_STEP * rrd_archives[a].rows *
			    rrd_archives[a].pdp_per_row)
				return (int)a;
	}
	return -1;
}

static int
put_field(struct buf *b, int json, const char *tag, long long v)
{
	if (json)
		return buf_printf(b, "\"%s\":\"%lld\",", tag, v);
	return buf_printf(b, "<%s>%lld</%s>", tag, v, tag);
}

int
rrd_xport(struct rrd *const rrds[], size_t n, long long start, long long interval,
    enum rrd_cf cf, int json, struct buf *out, const char **why)
{
	struct column	*cols;
	size_t		 ncols = 0, i, j, k, nrows = 0;
	long long	 last = 0, step, end, first, t;
	unsigned	 c, cf0, cf1;
	int		 a, e = 0;

	for (i = 0; i < n; i++)
		if (rrds[i]->last_updated > last)
			last = rrds[i]->last_updated;
	if (last == 0) {
		*why = "no statistics have been recorded yet";
		return -1;
	}
	if (start < 0)
		start += last;
	/* Far past or future starts mean the same as these, and their arithmetic stays in
	   range. */
	if (start < -RRD_TIME_MAX)
		start = -RRD_TIME_MAX;
	if (start > RRD_TIME_MAX)
		start = RRD_TIME_MAX;
	if (interval < 0 ||
	    (a = choose_archive(last, start, interval / RRD_STEP, cf)) < 0) {
		*why = "interval: no archive has a step that long";
		return -1;
	}
	step = (long long)RRD_STEP * rrd_archives[a].pdp_per_row;
	end = last / step * step;
	first = start / step * step + step;
	while (nrows < rrd_archives[a].rows && end - (long long)nrows * step >= start)
		nrows++;
	for (i = 0; i < n; i++)
		ncols += rrds[i]->nds * RRD_NCF;
	if ((cols = calloc(ncols ? ncols : 1, sizeof(*cols))) == NULL) {
		*why = "out of memory";
		return -1;
	}
	cf0 = cf == RRD_ANY_CF ? RRD_AVERAGE : cf;
	cf1 = cf == RRD_ANY_CF ? RRD_MAX : cf;
	ncols = 0;
	for (i = 0; i < n; i++) {
		const struct rrd	*r = rrds[i];

		/* As rrd_updates.ml: for each RRD, each archive kept (AVERAGE, MIN, MAX),
		   each data source. */
		for (c = cf0; c <= cf1; c++) {
			unsigned	ring = rrd_ncf(r, (unsigned)a) == 1 ? 0 : c;

			if (c != RRD_AVERAGE && rrd_ncf(r, (unsigned)a) == 1)
				continue;
			for (j = 0; j < r->nds; j++) {
				struct column	*col = &cols[ncols++];

				col->r = r;
				col->ds = j;
				col->cf = c;
				col->ring = r->last_updated == 0 ? NULL :
				    r->ds[j]->rows + rrd_ring_offset(r, (unsigned)a, ring);
				col->back0 = (r->last_updated / step * step - end) / step;
			}
		}
	}
	e |= json ? buf_lit(out, "{\"meta\":{") :
	    buf_lit(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xport><meta>");
	e |= put_field(out, json, "start", first);
	e |= put_field(out, json, "step", step);
	e |= put_field(out, json, "end", end);
	e |= put_field(out, json, "rows", (long long)nrows);
	e |= put_field(out, json, "columns", (long long)ncols);
	e |= json ? buf_lit(out, "\"legend\":[") : buf_lit(out, "<legend>");
	for (k = 0; k < ncols && e == 0; k++) {
		const struct column	*col = &cols[k];

		e |= json ? buf_lit(out, "\"") : buf_lit(out, "<entry>");
		e |= buf_printf(out, "%s:%s:%s:", rrd_cf_names[col->cf], col->r->owner,
		    col->r->uuid);
		e |= put_text(out, col->r->ds[col->ds]->name, json);
		e |= json ? buf_puts(out, k + 1 < ncols ? "\"," : "\"") : buf_lit(out, "</entry>");
	}
	e |= json ? buf_lit(out, "]},\"data\":[") : buf_lit(out, "</legend></meta><data>");
	for (i = 0, t = end; i < nrows && e == 0; i++, t -= step) {
		unsigned	rows = rrd_archives[a].rows;

		e |= json ? buf_printf(out, "%s{\"t\":\"%lld\",\"values\":[", i ? "," : "", t) :
		    buf_printf(out, "<row><t>%lld</t>", t);
		for (k = 0; k < ncols && e == 0; k++) {
			const struct column	*col = &cols[k];
			/* The ring's slot for this row, without a division per value. */
			long long		 back = col->back0 + (long long)i;
			double			 v = NAN;

			if (col->ring != NULL && back >= 0 && back < rows) {
				long long	slot = (long long)col->r->head[a] - back;

				v = col->ring[slot < 0 ? slot + rows : slot];
			}
			e |= json ? buf_lit(out, "\"") : buf_lit(out, "<v>");
			e |= rrd_num(out, v, 1);
			e |= json ? (k + 1 < ncols ? buf_lit(out, "\",") : buf_lit(out, "\"")) :
			    buf_lit(out, "</v>");
		}
		e |= json ? buf_lit(out, "]}") : buf_lit(out, "</row>");
	}
	e |= json ? buf_lit(out, "]}") : buf_lit(out, "</data></xport>");
	free(cols);
	if (e) {
		*why = "the reply would be too large";
		return -1;
	}
	return 0;
}

static int
tag_num(struct buf *b, const char *tag, double v, int single)
{
	int	e = buf_printf(b, "<%s>", tag);

	e |= rrd_num(b, v, single);
	return e | buf_printf(b, "</%s>", tag);
}

int
rrd_dump(const struct rrd *r, struct buf *out)
{
	size_t		i;
	unsigned	a, c, row;
	int		e = 0;

	e |= buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rrd><version>0003"
	    "</version><step>%d</step><lastupdate>%lld</lastupdate>", RRD_STEP,
	    r->last_updated);
	for (i = 0; i < r->nds && e == 0; i++) {
		const struct rrd_ds	*d = r->ds[i];

		e |= buf_lit(out, "<ds><name>");
		e |= put_text(out, d->name, 0);
		e |= buf_lit(out, "</name><type>GAUGE</type>");
		e |= tag_num(out, "minimal_heartbeat", RRD_HEARTBEAT, 0);
		e |= tag_num(out, "min", -INFINITY, 0);
		e |= tag_num(out, "max", INFINITY, 0);
		/* rrd.ml writes an unknown last value as 0.0 */
		e |= tag_num(out, "last_ds", isnan(d->last) ? 0 : d->last, 0);
		e |= tag_num(out, "value", isnan(d->last) ? 0 : d->last, 0);
		e |= buf_lit(out, "<unknown_sec>0</unknown_sec></ds>");
	}
	for (a = 0; a < RRD_NARCHIVES && e == 0; a++)
		for (c = 0; c < rrd_ncf(r, a) && e == 0; c++) {
			e |= buf_printf(out, "<rra><cf>%s</cf><pdp_per_row>%u</pdp_per_row>"
			    "<params>", rrd_cf_names[c], rrd_archives[a].pdp_per_row);
			e |= tag_num(out, "xff", RRD_XFF, 0);
			e |= buf_lit(out, "</params><cdp_prep>");
			for (i = 0; i < r->nds && e == 0; i++) {
				const struct rrd_cdp	*p = &r->ds[i]->cdp[a];
				double			 v = c == RRD_AVERAGE ? (p->known ?
				    p->sum / p->known : 0) : c == RRD_MIN ? p->min : p->max;

				e |= buf_lit(out, "<ds><primary_value>0.0</primary_value>"
				    "<secondary_value>0.0</secondary_value>");
				e |= tag_num(out, "value", v, 0);
				e |= buf_printf(out, "<unknown_datapoints>%u</unknown_datapoints>"
				    "</ds>", p->unknown);
			}
			e |= buf_lit(out, "</cdp_prep><database>");
			/* Oldest row first, as rrdtool dumps. */
			for (row = rrd_archives[a].rows; row-- > 0 && e == 0;) {
				e |= buf_lit(out, "<row>");
				for (i = 0; i < r->nds && e == 0; i++)
					e |= tag_num(out, "v", rrd_row(r, i, a,
					    rrd_ncf(r, a) == 1 ? 0 : c, row), 1);
				e |= buf_lit(out, "</row>");
			}
			e |= buf_lit(out, "</database></rra>");
		}
	e |= buf_lit(out, "</rrd>");
	return e ? -1 : 0;
}
