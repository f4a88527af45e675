#ifndef XAPI_STATS_H
#define XAPI_STATS_H

#include "xapi.h"

/*
 * The collector (stats.c): every RRD_STEP seconds it samples the host and its running
 * VMs (Xen through one long-running xentop, sysfs for VBD and VIF counters; the sim
 * backend makes plausible moving values), feeds their RRDs, fills host_metrics.memory_free
 * and VM_metrics.VCPUs_utilisation, and keeps the archives under STATEDIR/rrd across
 * restarts (every STATS_SAVE_S and on a clean stop).
 */
#define STATS_SAVE_S	600		/* archives written at least this often */

struct rrd;

int	stats_start(struct xapi *x);	/* loads saved archives; starts sampling */
void	stats_tick(struct xapi *x);	/* from housekeeping: samples when a step is due */
void	stats_stop(struct xapi *x);	/* writes every archive; stops the helper */

/* The RRD of the host, or of the VM with this uuid; NULL when it has none. */
struct rrd *stats_host_rrd(struct xapi *x);
struct rrd *stats_vm_rrd(struct xapi *x, const char *uuid);
/* Every RRD (the host's first); their count. */
size_t	stats_all(struct xapi *x, struct rrd *const **rrds);

#endif
