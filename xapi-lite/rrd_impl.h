#ifndef XAPI_RRD_IMPL_H
#define XAPI_RRD_IMPL_H

#include <stdint.h>
#include <sys/types.h>

#include "rrd.h"

/* What rrd.c, rrd_out.c and rrd_file.c share: the archives' layout. */
#define RRD_HEARTBEAT	300		/* s: a longer silence makes unknown PDPs (rrdd's mrhb) */
#define RRD_XFF		0.5		/* a row with more unknown PDPs than this share is NaN */
#define RRD_TIME_MAX	(1LL << 40)	/* unix s past any update (year 36812): times beyond are
					   refused, so no sum of them overflows */

/* A row being consolidated: what its PDPs so far add up to. */
struct rrd_cdp {
	double		sum, min, max;	/* of the known PDPs */
	uint32_t	known, unknown;	/* PDPs counted */
};

struct rrd_ds {
	char		 name[RRD_NAME_MAX];
	double		 last;		/* the value last recorded; NaN: none yet */
	struct rrd_cdp	 cdp[RRD_NARCHIVES];
	float		*rows;		/* every ring, archive by archive (rrd_ring_offset) */
};

struct rrd {
	char		  owner[8];	/* "host" or "vm" */
	char		  uuid[RRD_UUID_LEN + 1];
	int		  minmax;	/* the consolidated archives keep MIN and MAX too */
	long long	  last_updated;	/* unix s; 0: never */
	unsigned	  head[RRD_NARCHIVES];	/* each archive's newest row */
	struct rrd_ds	**ds;
	size_t		  nds, cap;
};

/* Rings of archive a: 1, or RRD_NCF when the RRD keeps MIN and MAX there. */
unsigned rrd_ncf(const struct rrd *r, unsigned a);
/* Where archive a's ring of cf starts in a data source's rows; floats per data source. */
size_t	rrd_ring_offset(const struct rrd *r, unsigned a, unsigned cf);
size_t	rrd_floats_per_ds(const struct rrd *r);
/* Row i (0: the newest) of data source ds in archive a, consolidated as cf. */
float	rrd_row(const struct rrd *r, size_t ds, unsigned a, unsigned cf, unsigned i);
struct rrd_ds *rrd_ds_alloc(const struct rrd *r, const char *name);
int	rrd_ds_append(struct rrd *r, struct rrd_ds *d);
void	rrd_cdp_reset(struct rrd_cdp *c);
double	rrd_cdp_value(const struct rrd_cdp *c, unsigned pdp_per_row, unsigned cf);
/* Appends v as XAPI's Rrd_utils.f_to_s writes it ("NaN", "Infinity", "0.0", else
   %.15g; single, a float's value: as few digits as give the float back). */
int	rrd_num(struct buf *b, double v, int single);

#endif
