#ifndef XAPI_SAMPLER_IMPL_H
#define XAPI_SAMPLER_IMPL_H

/*
 * What the sampler's common part (sampler.c) and its backends (sampler_xen.c,
 * sampler_sim.c) share: one owner's values of a step gathered in a struct sample, counters
 * made rates against the owner's previous reading, then handed to stats_record.
 */
#include <stdint.h>

#include "rrd.h"
#include "xapi.h"

#define SAMPLER_MAX_VALUES	RRD_MAX_DS	/* one owner's values in one step */
#define SAMPLER_MAX_COUNTERS	64		/* counters remembered for one owner */
#define SAMPLER_MAX_VCPUS	128		/* a VM's vCPUs measured (Xen's HVM limit) */
#define SAMPLER_METRICS_S	60		/* VM_metrics.VCPUs_utilisation rewritten at
						   most this often (each write is an event
						   and a journal record) */

/* A counter's previous reading. */
struct counter {
	char		 name[RRD_NAME_MAX];
	double		 v;
	long long	 t_ms;
};

/* What the sampler keeps of one owner between steps. */
struct owner {
	char		 uuid[RRD_UUID_LEN + 1];
	struct counter	 c[SAMPLER_MAX_COUNTERS];
	size_t		 n;
	uint64_t	 step;		/* the last step it was measured in */
	long long	 metrics_at;	/* unix time its VM_metrics were last written */
};

/* One owner's values of this step. */
struct sample {
	struct owner	*o;
	long long	 t_ms;		/* when the counters were read (monotonic) */
	size_t		 n;
	const char	*names[SAMPLER_MAX_VALUES];
	double		 values[SAMPLER_MAX_VALUES];
	char		 text[SAMPLER_MAX_VALUES][RRD_NAME_MAX];
};

struct sampler_xen;

struct sampler {
	long long	 next_ms;	/* monotonic time the next step is due */
	uint64_t	 step;		/* steps taken */
	struct owner	**owners;	/* measured at the last step */
	size_t		 nowners, cap;
	size_t		 hint;		/* where the last lookup found its owner */
	struct sample	 sm;		/* reused for every owner */
	struct sampler_xen *xen;	/* sampler_xen.c's; NULL on the sim */
	uint64_t	 seed;		/* sampler_sim.c's wander */
};

/* Starts gathering uuid's values read at t_ms; NULL when out of memory. */
struct sample *sample_begin(struct sampler *s, const char *uuid, long long t_ms);
/* A gauge; NaN and infinities are left out. The name is printf-formatted. */
void	sample_gauge(struct sample *sm, double v, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* A counter's reading: its rate per second times scale since the owner's last reading of
   it. None the first time, nor when it went backwards (the domain restarted) or no time
   passed. */
void	sample_rate(struct sample *sm, double counter, double scale, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/* Hands the values to stats_record as owner's ("host" or "vm") at unix time t. */
int	sample_send(struct xapi *x, struct sample *sm, const char *owner, long long t);

/* host_metrics.memory_free (bytes), when it changed. */
void	sampler_host_metrics(struct xapi *x, long long memory_free);
/* vm's VM_metrics: memory_actual (bytes) when it changed; VCPUs_utilisation (util[i] for
   vCPU i, n of them) when it changed, at most every SAMPLER_METRICS_S. */
void	sampler_vm_metrics(struct xapi *x, struct sample *sm, struct obj *vm,
	    long long memory_actual, const double *util, unsigned n, long long t);

/* The RSS of this process in KiB (/proc/self/statm), or -1. */
long long sampler_own_rss_kib(void);
/* Reads a sysfs counter file: 0, or -1 when absent or not a number. */
int	sampler_read_counter(const char *path, double *out);

/* The backends: start (0 or -1), one step at unix time t, stop. */
int	sampler_xen_start(struct xapi *x, struct sampler *s);
void	sampler_xen_step(struct xapi *x, struct sampler *s, long long t);
void	sampler_xen_stop(struct xapi *x, struct sampler *s);
int	sampler_sim_start(struct xapi *x, struct sampler *s);
void	sampler_sim_step(struct xapi *x, struct sampler *s, long long t);

#endif
