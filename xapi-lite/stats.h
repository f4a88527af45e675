#ifndef XAPI_STATS_H
#define XAPI_STATS_H

#include <stddef.h>

#include "xapi.h"

/*
 * The archives of the host and its VMs (stats.c): one RRD per owner, fed by the sampler
 * (sampler.h) through stats_record, kept under STATEDIR/rrd across restarts (written every
 * STATS_SAVE_S and on a clean stop, each file atomically).
 */
#define STATS_SAVE_S	600		/* archives written at least this often */

struct rrd;

int	stats_start(struct xapi *x);	/* loads saved archives; starts the sampler */
void	stats_tick(struct xapi *x);	/* from housekeeping: the sampler's turn, saving */
void	stats_stop(struct xapi *x);	/* stops the sampler; writes every archive */

/* The sampler's measurements of one owner ("host" or "vm", its uuid) at unix time t:
   names[i] = values[i], gauges (rates already made of counters). Returns 0, or -1. */
int	stats_record(struct xapi *x, const char *owner, const char *uuid, long long t,
	    const char *const names[], const double values[], size_t n);

/* The RRD of the host, or of the VM with this uuid; NULL when it has none. */
struct rrd *stats_host_rrd(struct xapi *x);
struct rrd *stats_vm_rrd(struct xapi *x, const char *uuid);
/* Every RRD (the host's first); returns their count. */
size_t	stats_all(struct xapi *x, struct rrd *const **rrds);

#endif
