#ifndef XAPI_SAMPLER_H
#define XAPI_SAMPLER_H

#include "xapi.h"

/*
 * What the host and its running VMs measure, every RRD_STEP seconds, as rrdd's names:
 * host cpu<N>, cpu_avg, memory_total_kib, memory_free_kib, loadavg, pif_<dev>_rx/_tx,
 * xapi_memory_usage_kib; VM cpu<N>, memory, memory_internal_free, vbd_<dev>_read/_write,
 * vif_<N>_rx/_tx. The xen backend reads one long-running xentop and sysfs; the sim backend
 * makes plausible moving values. Each sample goes to stats_record (stats.h); the sampler
 * also fills host_metrics.memory_free and VM_metrics.VCPUs_utilisation.
 */
int	sampler_start(struct xapi *x);	/* 0, or -1 (stats go on without samples) */
void	sampler_tick(struct xapi *x);	/* called often; samples when a step is due */
void	sampler_stop(struct xapi *x);

#endif
