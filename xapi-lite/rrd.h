#ifndef XAPI_RRD_H
#define XAPI_RRD_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"

/*
 * Round-robin archives as XAPI's rrdd keeps them (ocaml/libs/xapi-rrd): one RRD per owner
 * (the host, each VM), a data source per measured quantity, a primary data point every
 * RRD_STEP seconds, and RRD_NARCHIVES archives consolidated as AVERAGE; the host's also keep
 * MIN and MAX beyond the first (a VM's do not, as XAPI's default; see rrd.c for the memory).
 * Values are gauges: the collector (stats.c) turns counters into rates before updating.
 */
#define RRD_STEP	5		/* seconds between primary data points */
#define RRD_NARCHIVES	4		/* 5 s x 120, 60 s x 120, 3600 s x 168, 86400 s x 366 */
#define RRD_NCF		3		/* AVERAGE, MIN, MAX */
#define RRD_NAME_MAX	64		/* a data source's name, with its NUL */
#define RRD_UUID_LEN	36
#define RRD_MAX_DS	256		/* data sources of one owner */

enum rrd_cf { RRD_AVERAGE, RRD_MIN, RRD_MAX, RRD_ANY_CF /* rrd_xport: every one kept */ };

/* An archive's resolution: primary points per row, and rows kept. */
struct rrd_archive_shape {
	unsigned	pdp_per_row;
	unsigned	rows;
};
extern const struct rrd_archive_shape rrd_archives[RRD_NARCHIVES];
extern const char *const rrd_cf_names[RRD_NCF];	/* "AVERAGE", "MIN", "MAX" */

struct rrd;				/* one owner's archives (rrd.c) */

/* owner: "host" or "vm". Returns NULL when out of memory. */
struct rrd *rrd_new(const char *owner, const char *uuid);
void	rrd_free(struct rrd *r);
const char *rrd_owner(const struct rrd *r);
const char *rrd_uuid(const struct rrd *r);
long long rrd_last_updated(const struct rrd *r);	/* unix s of the last update; 0: none */

/* Records the values measured at unix time t (seconds): names[i] = values[i]. A name not
   seen before becomes a data source (NaN before t); one not in this update reads NaN for
   the time it is absent. Points between the last update and t are filled as rrdd fills
   them (a gap past the archive's heartbeat is NaN). Returns 0, or -1 when out of memory
   or past RRD_MAX_DS. */
int	rrd_update(struct rrd *r, long long t, const char *const names[],
	    const double values[], size_t n);

/* Data sources, for host.get_data_sources: count, and the i-th's name and last value. */
size_t	rrd_ds_count(const struct rrd *r);
const char *rrd_ds_name(const struct rrd *r, size_t i);
double	rrd_ds_last(const struct rrd *r, size_t i);	/* NaN when none */
ssize_t	rrd_ds_find(const struct rrd *r, const char *name);	/* its i, or -1 */
/* A name a data source may have (1 to RRD_NAME_MAX - 1 printable ASCII bytes, no space):
   what the archive's file, JSON and XML carry unquoted. 1 or 0. */
int	rrd_name_ok(const char *name, size_t len);
/* forget_data_source_archives: drops name's data. Returns 0, or -1 when unknown. */
int	rrd_forget(struct rrd *r, const char *name);

/* GET /rrd_updates: appends to out the rows of the archive whose step is interval (s)
   from start (unix s; below 0: relative to the last update) for every data source of the
   n RRDs, as rrd_updates.ml writes them: JSON when json is set, else the <xport> XML;
   newest row first. The archive is XAPI's choice: the first whose step is at least
   interval and that still holds start. Each RRD's rows are placed by their own time (NaN
   where it has none). Returns 0, or -1 with why set (nothing recorded yet, an interval no
   archive has, out's cap reached or out of memory). */
int	rrd_xport(struct rrd *const rrds[], size_t n, long long start, long long interval,
	    enum rrd_cf cf, int json, struct buf *out, const char **why);

/* GET /host_rrd, /vm_rrd: the whole RRD as rrdtool's XML dump (the format XAPI sends). */
int	rrd_dump(const struct rrd *r, struct buf *out);

/* The file of one owner's archives: rrd_save writes them atomically (a temporary file,
   fsync, rename); rrd_load reads one back, refusing a damaged or foreign file with why.
   rrd_parse is rrd_load's parser over bytes in memory (tests, fuzzing). */
int	rrd_save(const struct rrd *r, const char *path);
struct rrd *rrd_load(const char *path, const char **why);
struct rrd *rrd_parse(const void *p, size_t len, const char **why);

#endif
