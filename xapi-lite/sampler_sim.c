/*
 * The sim backend's measurements: plausible values that move, so graphs have something to
 * show. Each series wanders on its own: a slow sine (a phase of its own, from an XXH64 of
 * its owner and name) plus a little noise drawn from the same hash of the step's time, so
 * a run is repeatable for a given seed. What the database says shapes them: a VM has
 * series only while Running here, a cpu<N> for each of its vCPUs, memory as its
 * memory_dynamic_max, a vbd_/vif_ pair for each of its VBDs and VIFs; the host's free
 * memory is its total less what the running VMs take.
 */
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "nitems.h"
#include "sampler_impl.h"

#define SIM_PERIOD_S	600.0		/* a wander's slow swing */
#define KIB		1024.0

/* 0..1: where series key of owner uuid is at time t. */
static double
wander(const struct sampler *s, const char *uuid, const char *key, long long t)
{
	char		text[RRD_UUID_LEN + RRD_NAME_MAX + 2];
	uint64_t	h, noise;
	double		phase;
	int		n = snprintf(text, sizeof(text), "%s/%s", uuid, key);

	if (n < 0 || (size_t)n >= sizeof(text))
		n = (int)sizeof(text) - 1;
	h = XXH64(text, (size_t)n, s->seed);
	noise = XXH64(&t, sizeof(t), h);
	phase = (double)(h % 1000) / 1000 + (double)t / SIM_PERIOD_S;
	phase -= (double)(long long)phase;
	return 0.05 + 0.85 * 4 * phase * (1 - phase) + 0.1 * (double)(noise % 1000) / 1000;
}

static int
running_here(struct xapi *x, const struct obj *vm)
{
	return strcmp(db_str(&x->db, vm, F_VM_power_state), "Running") == 0 &&
	    strcmp(db_str(&x->db, vm, F_VM_resident_on), x->host->ref) == 0;
}

/* The running VMs' memory, bytes. */
static long long
memory_used(struct xapi *x)
{
	long long	used = 0;
	size_t		i;

	for (i = 0; i < x->db.n[C_VM]; i++) {
		struct obj	*vm = x->db.objs[C_VM][i];

		if (!db_get(&x->db, vm, F_VM_is_a_template)->u.b && running_here(x, vm))
			used += db_get(&x->db, vm, F_VM_memory_dynamic_max)->u.i;
	}
	return used;
}

static void
host_step(struct xapi *x, struct sampler *s, long long t)
{
	const char	*uuid = db_str(&x->db, x->host, F_host_uuid);
	struct obj	*m = db_find(&x->db, db_str(&x->db, x->host, F_host_metrics), REF_LEN);
	struct sample	*sm = sample_begin(s, uuid, clock_ms());
	long long	 total = m != NULL ? db_get(&x->db, m, F_host_metrics_memory_total)->u.i : 0;
	long long	 free_b = total - memory_used(x);
	size_t		 i, ncpu = x->db.n[C_host_cpu];
	double		 sum = 0, v;

	if (sm == NULL)
		return;
	for (i = 0; i < ncpu; i++) {
		char	key[24];

		snprintf(key, sizeof(key), "cpu%zu", i);
		v = 0.3 * wander(s, uuid, key, t);
		sum += v;
		sample_gauge(sm, v, "cpu%zu", i);
	}
	if (ncpu > 0)
		sample_gauge(sm, sum / (double)ncpu, "cpu_avg");
	if (free_b < 0)
		free_b = 0;
	sample_gauge(sm, (double)total / KIB, "memory_total_kib");
	sample_gauge(sm, (double)free_b / KIB, "memory_free_kib");
	sample_gauge(sm, 2 * wander(s, uuid, "loadavg", t), "loadavg");
	for (i = 0; i < x->db.n[C_PIF]; i++) {
		struct obj	*pif = x->db.objs[C_PIF][i];
		const char	*dev = db_str(&x->db, pif, F_PIF_device);

		if (strcmp(db_str(&x->db, pif, F_PIF_host), x->host->ref) != 0 || dev[0] == '\0')
			continue;
		sample_gauge(sm, 50000 * wander(s, uuid, dev, t), "pif_%s_rx", dev);
		sample_gauge(sm, 20000 * wander(s, uuid, dev, t + 1), "pif_%s_tx", dev);
	}
	sample_gauge(sm, (double)sampler_own_rss_kib(), "xapi_memory_usage_kib");
	(void)sample_send(x, sm, "host", t);
	sampler_host_metrics(x, free_b);
}

/* vm's VBDs and VIFs, as vbd_<device>_read/_write and vif_<device>_rx/_tx. */
static void
vm_devices(struct xapi *x, struct sampler *s, struct sample *sm, const struct obj *vm,
    const char *uuid, long long t)
{
	size_t	i;

	for (i = 0; i < x->db.n[C_VBD]; i++) {
		struct obj	*vbd = x->db.objs[C_VBD][i];
		const char	*dev = db_str(&x->db, vbd, F_VBD_device);

		if (dev[0] == '\0' || strcmp(db_str(&x->db, vbd, F_VBD_VM), vm->ref) != 0)
			continue;
		sample_gauge(sm, 400000 * wander(s, uuid, dev, t), "vbd_%s_read", dev);
		sample_gauge(sm, 100000 * wander(s, uuid, dev, t + 1), "vbd_%s_write", dev);
	}
	for (i = 0; i < x->db.n[C_VIF]; i++) {
		struct obj	*vif = x->db.objs[C_VIF][i];
		const char	*dev = db_str(&x->db, vif, F_VIF_device);

		if (dev[0] == '\0' || strcmp(db_str(&x->db, vif, F_VIF_VM), vm->ref) != 0)
			continue;
		sample_gauge(sm, 30000 * wander(s, uuid, dev, t + 2), "vif_%s_rx", dev);
		sample_gauge(sm, 10000 * wander(s, uuid, dev, t + 3), "vif_%s_tx", dev);
	}
}

static void
vm_step(struct xapi *x, struct sampler *s, struct obj *vm, long long t)
{
	const char	*uuid = db_str(&x->db, vm, F_VM_uuid);
	long long	 mem = db_get(&x->db, vm, F_VM_memory_dynamic_max)->u.i;
	long long	 nvcpu = db_get(&x->db, vm, F_VM_VCPUs_at_startup)->u.i;
	struct sample	*sm = sample_begin(s, uuid, clock_ms());
	double		 util[SAMPLER_MAX_VCPUS];
	long long	 i;

	if (sm == NULL)
		return;
	if (nvcpu > (long long)(nitems(util)))
		nvcpu = (long long)(nitems(util));
	for (i = 0; i < nvcpu; i++) {
		char	key[24];

		snprintf(key, sizeof(key), "cpu%lld", i);
		util[i] = 0.5 * wander(s, uuid, key, t);
		sample_gauge(sm, util[i], "cpu%lld", i);
	}
	sample_gauge(sm, (double)mem, "memory");
	sample_gauge(sm, (double)mem / KIB * (0.3 + 0.4 * wander(s, uuid, "free", t)),
	    "memory_internal_free");
	vm_devices(x, s, sm, vm, uuid, t);
	(void)sample_send(x, sm, "vm", t);
	sampler_vm_metrics(x, sm, vm, mem, util, nvcpu > 0 ? (unsigned)nvcpu : 0, t);
}

int
sampler_sim_start(struct xapi *x, struct sampler *s)
{
	(void)x;
	s->seed = 15;		/* the same wander every run */
	return 0;
}

void
sampler_sim_step(struct xapi *x, struct sampler *s, long long t)
{
	size_t	i;

	host_step(x, s, t);
	for (i = 0; i < x->db.n[C_VM]; i++) {
		struct obj	*vm = x->db.objs[C_VM][i];

		if (!db_get(&x->db, vm, F_VM_is_a_template)->u.b && running_here(x, vm))
			vm_step(x, s, vm, t);
	}
}
