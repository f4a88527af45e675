/*
 * One owner's round-robin archives, consolidated as XAPI's xapi-rrd does for the gauges
 * rrdd records (rrd.ml ds_update, rra_update): a primary data point (PDP) per RRD_STEP slot,
 * taking the value of the update that closes the slot (NaN when the update is missing, or
 * came more than RRD_HEARTBEAT s after the one before); each archive folds pdp_per_row PDPs
 * into one row, NaN when more than xff of them are unknown; a gap fills the rows it spans
 * with the PDP that ends it. Rows are aligned to their step: a row is labelled with the end
 * of its interval. rrd_xport, rrd_dump and the file format are in rrd_out.c and rrd_file.c.
 *
 * Memory, per data source: values are floats; an archive of one PDP per row keeps one ring
 * (its AVERAGE, MIN and MAX are equal, and XAPI writes it as AVERAGE only); the others keep
 * AVERAGE, plus MIN and MAX when the RRD has them. The host's RRD has them; a VM's has
 * AVERAGE only, as XAPI's default (pool other_config create_min_max_in_new_VM_RRDs unset).
 * A VM's data source: (120 + 120 + 168 + 366) x 4 = 3,096 bytes of rows, with its
 * consolidation state and name about 3.3 KB; the host's: (120 + 3 x 654) x 4 = 8,328 bytes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rrd_impl.h"

const struct rrd_archive_shape rrd_archives[RRD_NARCHIVES] = {
	{ 1, 120 }, { 12, 120 }, { 720, 168 }, { 17280, 366 },
};
const char *const rrd_cf_names[RRD_NCF] = { "AVERAGE", "MIN", "MAX" };

unsigned
rrd_ncf(const struct rrd *r, unsigned a)
{
	return a == 0 || !r->minmax ? 1 : RRD_NCF;
}

size_t
rrd_ring_offset(const struct rrd *r, unsigned a, unsigned cf)
{
	size_t		off = 0;
	unsigned	i;

	for (i = 0; i < a; i++)
		off += (size_t)rrd_ncf(r, i) * rrd_archives[i].rows;
	return a < RRD_NARCHIVES ? off + (size_t)cf * rrd_archives[a].rows : off;
}

size_t
rrd_floats_per_ds(const struct rrd *r)
{
	return rrd_ring_offset(r, RRD_NARCHIVES, 0);
}

struct rrd *
rrd_new(const char *owner, const char *uuid)
{
	struct rrd	*r;
	size_t		 ulen = strlen(uuid);

	if ((strcmp(owner, "host") != 0 && strcmp(owner, "vm") != 0) || ulen == 0 ||
	    ulen > RRD_UUID_LEN || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	memcpy(r->owner, owner, strlen(owner) + 1);
	memcpy(r->uuid, uuid, ulen + 1);
	r->minmax = strcmp(owner, "host") == 0;
	return r;
}

static void
ds_free(struct rrd_ds *d)
{
	if (d != NULL) {
		free(d->rows);
		free(d);
	}
}

void
rrd_free(struct rrd *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nds; i++)
		ds_free(r->ds[i]);
	free(r->ds);
	free(r);
}

const char *
rrd_owner(const struct rrd *r)
{
	return r->owner;
}

const char *
rrd_uuid(const struct rrd *r)
{
	return r->uuid;
}

long long
rrd_last_updated(const struct rrd *r)
{
	return r->last_updated;
}

void
rrd_cdp_reset(struct rrd_cdp *c)
{
	c->sum = 0;
	c->min = INFINITY;
	c->max = -INFINITY;
	c->known = c->unknown = 0;
}

/* A new data source, every row NaN; the PDPs of the current rows before now unknown. */
struct rrd_ds *
rrd_ds_alloc(const struct rrd *r, const char *name)
{
	struct rrd_ds	*d;
	size_t		 i, n = rrd_floats_per_ds(r), len = strlen(name);
	unsigned	 a;

	if (len == 0 || len >= RRD_NAME_MAX || (d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	if ((d->rows = malloc(n * sizeof(float))) == NULL) {
		free(d);
		return NULL;
	}
	memcpy(d->name, name, len + 1);
	d->last = NAN;
	for (i = 0; i < n; i++)
		d->rows[i] = NAN;
	for (a = 0; a < RRD_NARCHIVES; a++) {
		rrd_cdp_reset(&d->cdp[a]);
		if (r->last_updated > 0)
			d->cdp[a].unknown = (uint32_t)((r->last_updated / RRD_STEP) %
			    rrd_archives[a].pdp_per_row);
	}
	return d;
}

int
rrd_ds_append(struct rrd *r, struct rrd_ds *d)
{
	if (r->nds == r->cap) {
		size_t		 cap = r->cap ? r->cap * 2 : 8;
		struct rrd_ds	**p;

		if ((p = realloc(r->ds, cap * sizeof(*p))) == NULL)
			return -1;
		r->ds = p;
		r->cap = cap;
	}
	r->ds[r->nds++] = d;
	return 0;
}

int
rrd_name_ok(const char *name, size_t len)
{
	size_t	i;

	if (len == 0 || len >= RRD_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] <= ' ' || (unsigned char)name[i] > '~')
			return 0;
	return 1;
}

ssize_t
rrd_ds_find(const struct rrd *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->nds; i++)
		if (strcmp(r->ds[i]->name, name) == 0)
			return (ssize_t)i;
	return -1;
}

/* count PDPs of value pdp into the row being consolidated. */
static void
cdp_add(struct rrd_cdp *c, double pdp, unsigned long long count)
{
	if (count == 0)
		return;
	if (isnan(pdp)) {
		c->unknown += (uint32_t)count;
		return;
	}
	c->known += (uint32_t)count;
	c->sum += pdp * (double)count;
	if (pdp < c->min)
		c->min = pdp;
	if (pdp > c->max)
		c->max = pdp;
}

/* The row a finished consolidation makes for cf: NaN past the xff of unknown PDPs. */
double
rrd_cdp_value(const struct rrd_cdp *c, unsigned pdp_per_row, unsigned cf)
{
	if (c->unknown > (uint32_t)(RRD_XFF * pdp_per_row) || c->known == 0)
		return NAN;
	return cf == RRD_AVERAGE ? c->sum / c->known : cf == RRD_MIN ? c->min : c->max;
}

/* Archive a gets the PDPs of elapsed slots from slot proc on, pdps[i] for data source i. */
static void
archive_update(struct rrd *r, unsigned a, long long proc, unsigned long long elapsed,
    const double *pdps)
{
	const struct rrd_archive_shape	*s = &rrd_archives[a];
	unsigned long long		 offset = s->pdp_per_row -
					    (unsigned long long)(proc % s->pdp_per_row);
	unsigned long long		 steps, fill, k;
	unsigned			 cf, ncf = rrd_ncf(r, a);
	size_t				 i;

	steps = elapsed < offset ? 0 : (elapsed - offset) / s->pdp_per_row + 1;
	for (i = 0; i < r->nds; i++)
		cdp_add(&r->ds[i]->cdp[a], pdps[i], elapsed < offset ? elapsed : offset);
	if (steps == 0)
		return;
	/* The row just completed, then the rows the gap spans: each the closing PDP. */
	fill = steps - 1 < s->rows ? steps - 1 : s->rows;
	for (k = 0; k <= fill; k++) {
		r->head[a] = (r->head[a] + 1) % s->rows;
		for (i = 0; i < r->nds; i++) {
			struct rrd_ds	*d = r->ds[i];

			for (cf = 0; cf < ncf; cf++)
				d->rows[rrd_ring_offset(r, a, cf) + r->head[a]] = (float)(k == 0 ?
				    rrd_cdp_value(&d->cdp[a], s->pdp_per_row, cf) : pdps[i]);
		}
	}
	for (i = 0; i < r->nds; i++) {
		rrd_cdp_reset(&r->ds[i]->cdp[a]);
		cdp_add(&r->ds[i]->cdp[a], pdps[i], (elapsed - offset) % s->pdp_per_row);
	}
}

/* The index of names[i]: the sampler sends its names in the same order every time, so
   the i-th data source is tried first. */
static ssize_t
ds_index(const struct rrd *r, const char *name, size_t i)
{
	return i < r->nds && strcmp(r->ds[i]->name, name) == 0 ? (ssize_t)i :
	    rrd_ds_find(r, name);
}

int
rrd_update(struct rrd *r, long long t, const char *const names[], const double values[],
    size_t n)
{
	double		 pdps[RRD_MAX_DS];
	size_t		 i, fresh = 0;
	ssize_t		 k;
	unsigned	 a;

	if (t <= 0 || t > RRD_TIME_MAX || n > RRD_MAX_DS)
		return -1;
	for (i = 0; i < n; i++) {
		if (!rrd_name_ok(names[i], strlen(names[i])))
			return -1;
		if (ds_index(r, names[i], i) < 0)
			fresh++;
	}
	if (r->nds + fresh > RRD_MAX_DS)
		return -1;
	for (i = 0; fresh > 0 && i < n; i++)
		if (rrd_ds_find(r, names[i]) < 0) {
			struct rrd_ds	*d = rrd_ds_alloc(r, names[i]);

			if (d == NULL || rrd_ds_append(r, d) == -1) {
				ds_free(d);
				return -1;
			}
		}
	for (i = 0; i < r->nds; i++)
		pdps[i] = NAN;
	for (i = 0; i < n; i++) {
		k = ds_index(r, names[i], i);
		pdps[k] = values[i];
		r->ds[k]->last = values[i];
	}
	if (r->last_updated == 0) {
		/* The first update: the rows before it are unknown. */
		r->last_updated = t;
		for (i = 0; i < r->nds; i++)
			for (a = 0; a < RRD_NARCHIVES; a++)
				r->ds[i]->cdp[a].unknown = (uint32_t)((t / RRD_STEP) %
				    rrd_archives[a].pdp_per_row);
		return 0;
	}
	/* A clock gone back: the values count as the latest, the archives wait for time
	   to pass the last update again. */
	if (t <= r->last_updated)
		return 0;
	if (t - r->last_updated > RRD_HEARTBEAT)
		for (i = 0; i < r->nds; i++)
			pdps[i] = NAN;
	{
		long long	proc = r->last_updated / RRD_STEP, occu = t / RRD_STEP;

		if (occu > proc)
			for (a = 0; a < RRD_NARCHIVES; a++)
				archive_update(r, a, proc, (unsigned long long)(occu - proc),
				    pdps);
	}
	r->last_updated = t;
	return 0;
}

size_t
rrd_ds_count(const struct rrd *r)
{
	return r->nds;
}

const char *
rrd_ds_name(const struct rrd *r, size_t i)
{
	return r->ds[i]->name;
}

double
rrd_ds_last(const struct rrd *r, size_t i)
{
	return r->ds[i]->rows[rrd_ring_offset(r, 0, 0) + r->head[0]];
}

float
rrd_row(const struct rrd *r, size_t ds, unsigned a, unsigned cf, unsigned i)
{
	unsigned	rows = rrd_archives[a].rows;

	return r->ds[ds]->rows[rrd_ring_offset(r, a, cf) + (r->head[a] + rows - i % rows) % rows];
}

int
rrd_forget(struct rrd *r, const char *name)
{
	ssize_t	k = rrd_ds_find(r, name);

	if (k < 0)
		return -1;
	ds_free(r->ds[k]);
	memmove(&r->ds[k], &r->ds[k + 1], (r->nds - (size_t)k - 1) * sizeof(r->ds[0]));
	r->nds--;
	return 0;
}
