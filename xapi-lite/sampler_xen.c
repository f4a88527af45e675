/*
 * The xen backend's measurements. One `xentop -b -d RRD_STEP -v -f` runs for as long as
 * the sampler does (restarted, with a back-off, when it dies); its frames are read from
 * the loop as they come and the latest kept. Each step then takes from it each domain's
 * CPU use and memory, and from sysfs the counters of the host's PIFs and of each VM's
 * blkback disks and vifs (made rates as rrdd's Derive sources are).
 *
 * xentop gives a domain's CPU(%) to a tenth but each vCPU's time in whole seconds only: a
 * vCPU's cpu<N> is its domain's CPU(%) shared out in proportion to how its seconds moved
 * (evenly when none did). Xen's per-pCPU idle time is not to be had from dom0 without
 * libxc (xentop 4.17 has no pCPU table, xl and xenpm would be a process each step), so
 * the host's cpu_avg is every domain's CPU time over the pCPUs' time, and each cpu<N>
 * that same average. Likewise batch xentop prints no free memory: memory_free_kib is
 * the host's total less what the domains hold (Xen's own few MiB count as free).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "loop.h"
#include "sampler_impl.h"
#include "xen.h"
#include "xentop.h"

#define XENTOP_PIPE_MAX		(4 * 1024 * 1024)	/* bytes held without a whole frame */
#define XENTOP_QUIET_MS		200		/* no more bytes: xentop's frame is whole */
#define XENTOP_BACKOFF_MIN_MS	5000		/* restarts after it died: this, doubling... */
#define XENTOP_BACKOFF_MAX_MS	300000		/* ...up to this */
#define XENTOP_STALE_MS		(3 * RRD_STEP * 1000)	/* an older frame is not used */
#define SECTOR			512.0
#define KIB			1024.0

struct sampler_xen {
	struct xapi		*x;
	pid_t			 pid;		/* xentop, 0 when none */
	int			 fd;		/* its stdout, -1 when none */
	struct buf		 in;
	long long		 quiet_timer;
	long long		 restart_ms;	/* when to start it again */
	long long		 backoff_ms;
	struct xentop_dom	*cur, *prev;	/* the latest frame, and the one before */
	size_t			 ncur, nprev;
	long long		 frame_ms;	/* when cur was read; 0: none yet */
	size_t			 hint;
};

static void xentop_close(struct sampler_xen *xs);

/* Takes a whole frame: the one before becomes prev (for the vCPUs' seconds). */
static void
take_frame(struct sampler_xen *xs, const char *p, size_t len)
{
	struct xentop_dom	*t = xs->prev;
	const char		*why = "";
	int			 n = xentop_parse(p, len, xs->prev, XENTOP_MAX_DOMAINS, &why);

	if (n < 0) {
		if (xs->x->log != NULL)
			fprintf(xs->x->log, "xapi-lite: xentop's frame is refused: %s\n", why);
		xs->nprev = 0;	/* parsed into, part way: no frame to compare the next with */
		return;
	}
	xs->prev = xs->cur;
	xs->nprev = xs->ncur;
	xs->cur = t;
	xs->ncur = (size_t)n;
	xs->frame_ms = clock_ms();
	xs->backoff_ms = XENTOP_BACKOFF_MIN_MS;
}

static void
on_quiet(struct loop *l, long long id, void *arg)
{
	struct sampler_xen	*xs = arg;

	(void)l;
	(void)id;
	xs->quiet_timer = 0;
	/* xentop sleeps between frames: what it wrote last is a whole one. */
	if (xs->in.len > 0 && xs->in.p[xs->in.len - 1] == '\n') {
		take_frame(xs, xs->in.p, xs->in.len);
		buf_reset(&xs->in);
	}
}

static void
on_output(struct loop *l, int fd, void *arg, int mask)
{
	struct sampler_xen	*xs = arg;
	char			 chunk[65536];
	ssize_t			 n;
	size_t			 end;

	(void)mask;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(&xs->in, chunk, (size_t)n) == -1) {
			buf_reset(&xs->in);	/* past XENTOP_PIPE_MAX: start again */
			break;
		}
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
		xentop_close(xs);
		return;
	}
	while ((end = xentop_frame_end(xs->in.p, xs->in.len)) > 0) {
		take_frame(xs, xs->in.p, end);
		buf_consume(&xs->in, end);
	}
	if (xs->quiet_timer > 0)
		loop_timer_del(l, xs->quiet_timer);
	xs->quiet_timer = loop_timer(l, XENTOP_QUIET_MS, on_quiet, xs);
	if (xs->quiet_timer == -1)
		xs->quiet_timer = 0;
}

static int
xentop_open(struct sampler_xen *xs)
{
	char		 delay[16];
	const char	*argv[] = { "xentop", "-b", "-d", delay, "-v", "-f", NULL };
	int		 p[2], null;

	snprintf(delay, sizeof(delay), "%d", RRD_STEP);
	if ((null = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (pipe(p) == -1) {
		close(null);
		return -1;
	}
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	xs->pid = exec_spawn(argv, null, p[1], 0);
	close(null);
	close(p[1]);
	if (xs->pid == -1 || fcntl(p[0], F_SETFL, O_NONBLOCK) == -1 ||
	    loop_add(xs->x->loop, p[0], LOOP_IN, on_output, xs) == -1) {
		if (xs->pid > 0) {
			kill(xs->pid, SIGKILL);
			(void)exec_wait(xs->pid);
		}
		xs->pid = 0;
		close(p[0]);
		return -1;
	}
	xs->fd = p[0];
	buf_reset(&xs->in);
	return 0;
}

/* Its pipe closed (or it is to stop): ends and reaps it, and plans the restart. */
static void
xentop_close(struct sampler_xen *xs)
{
	if (xs->fd != -1) {
		loop_del(xs->x->loop, xs->fd);
		close(xs->fd);
		xs->fd = -1;
	}
	if (xs->quiet_timer > 0)
		loop_timer_del(xs->x->loop, xs->quiet_timer);
	xs->quiet_timer = 0;
	if (xs->pid > 0) {
		kill(xs->pid, SIGKILL);
		(void)exec_wait(xs->pid);
		xs->pid = 0;
	}
	buf_reset(&xs->in);
	xs->restart_ms = clock_ms() + xs->backoff_ms;
	if ((xs->backoff_ms *= 2) > XENTOP_BACKOFF_MAX_MS)
		xs->backoff_ms = XENTOP_BACKOFF_MAX_MS;
}

static double
clamp01(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

static const struct xentop_dom *
dom_named(const struct xentop_dom *d, size_t n, size_t *hint, const char *name)
{
	size_t	i, k;

	for (i = 0; i < n; i++) {
		k = (*hint + i) % n;
		if (strcmp(d[k].name, name) == 0) {
			*hint = k + 1;
			return &d[k];
		}
	}
	return NULL;
}

/* The device number blkback names a disk by (vbd-DOMID-DEVID): xvdX as Xen's PV disks,
   hda to hdd as the IDE ones. -1 for another name. */
static long
disk_devid(const char *dev)
{
	static const long	ide[] = { 3 << 8, (3 << 8) | 64, 22 << 8, (22 << 8) | 64 };

	if (strncmp(dev, "xvd", 3) == 0 && dev[3] >= 'a' && dev[3] <= 'p' && dev[4] == '\0')
		return (202 << 8) | ((dev[3] - 'a') << 4);
	if (strncmp(dev, "hd", 2) == 0 && dev[2] >= 'a' && dev[2] <= 'd' && dev[3] == '\0')
		return ide[dev[2] - 'a'];
	return -1;
}

static void
counter_file(struct sample *sm, const char *path, double scale, const char *name)
{
	double	v;

	if (sampler_read_counter(path, &v) == 0)
		sample_rate(sm, v, scale, "%s", name);
}

static void
vm_devices(struct xapi *x, struct sample *sm, const struct obj *vm, long long domid)
{
	char	path[160], name[RRD_NAME_MAX];
	size_t	i;

	for (i = 0; i < x->db.n[C_VBD]; i++) {
		struct obj	*vbd = x->db.objs[C_VBD][i];
		const char	*dev = db_str(&x->db, vbd, F_VBD_device);
		long		 devid = disk_devid(dev);

		if (devid < 0 || strcmp(db_str(&x->db, vbd, F_VBD_VM), vm->ref) != 0)
			continue;
		snprintf(path, sizeof(path),
		    "/sys/bus/xen-backend/devices/vbd-%lld-%ld/statistics/rd_sect", domid, devid);
		snprintf(name, sizeof(name), "vbd_%s_read", dev);
		counter_file(sm, path, SECTOR, name);
		memcpy(strrchr(path, '/') + 1, "wr_sect", 8);
		snprintf(name, sizeof(name), "vbd_%s_write", dev);
		counter_file(sm, path, SECTOR, name);
	}
	for (i = 0; i < x->db.n[C_VIF]; i++) {
		struct obj	*vif = x->db.objs[C_VIF][i];
		const char	*dev = db_str(&x->db, vif, F_VIF_device);

		if (dev[0] == '\0' || strspn(dev, "0123456789") != strlen(dev) ||
		    strcmp(db_str(&x->db, vif, F_VIF_VM), vm->ref) != 0)
			continue;
		/* dom0's vif device receives what the guest sends: rx and tx swap, as rrdd's. */
		snprintf(path, sizeof(path), "/sys/class/net/vif%lld.%s/statistics/tx_bytes",
		    domid, dev);
		snprintf(name, sizeof(name), "vif_%s_rx", dev);
		counter_file(sm, path, 1, name);
		memcpy(strrchr(path, '/') + 1, "rx_bytes", 9);
		snprintf(name, sizeof(name), "vif_%s_tx", dev);
		counter_file(sm, path, 1, name);
	}
}

/* Each vCPU's busy fraction into util: the domain's CPU(%) shared as its seconds moved. */
static unsigned
vcpu_shares(const struct xentop_dom *d, const struct xentop_dom *old, double *util)
{
	double		 total = 0, busy = d->cpu_pct / 100, delta[XENTOP_MAX_VCPUS];
	unsigned	 i, online = 0;

	for (i = 0; i < d->nvcpu; i++) {
		delta[i] = 0;
		if (!d->vcpu_online[i])
			continue;
		online++;
		if (old != NULL && i < old->nvcpu && old->vcpu_online[i] &&
		    d->vcpu_s[i] >= old->vcpu_s[i])
			delta[i] = (double)(d->vcpu_s[i] - old->vcpu_s[i]);
		total += delta[i];
	}
	for (i = 0; i < d->nvcpu; i++) {
		if (!d->vcpu_online[i])
			util[i] = 0;
		else if (total > 0)
			util[i] = busy * delta[i] / total;
		else
			util[i] = busy / online;
		util[i] = clamp01(util[i]);
	}
	return d->nvcpu;
}

static void
vm_step(struct xapi *x, struct sampler *s, struct obj *vm, long long t, int fresh)
{
	struct sampler_xen	*xs = s->xen;
	const char		*uuid = db_str(&x->db, vm, F_VM_uuid);
	int			 dom0 = db_get(&x->db, vm, F_VM_is_control_domain)->u.b;
	long long		 domid = db_get(&x->db, vm, F_VM_domid)->u.i;
	const struct xentop_dom	*d = NULL, *old = NULL;
	struct sample		*sm = sample_begin(s, uuid, clock_ms());
	double			 util[XENTOP_MAX_VCPUS], v;
	unsigned		 n = 0, i;
	char			 path[64], text[32];
	size_t			 hint = xs->hint;

	if (sm == NULL || domid < 0)
		return;
	if (fresh) {
		d = dom_named(xs->cur, xs->ncur, &xs->hint, dom0 ? "Domain-0" : uuid);
		old = dom_named(xs->prev, xs->nprev, &hint, dom0 ? "Domain-0" : uuid);
	}
	if (d != NULL) {
		n = vcpu_shares(d, old, util);
		for (i = 0; i < n; i++)
			if (d->vcpu_online[i])
				sample_gauge(sm, util[i], "cpu%u", i);
		sample_gauge(sm, (double)d->mem_kib * KIB, "memory");
	}
	snprintf(path, sizeof(path), "/local/domain/%lld/data/meminfo_free", domid);
	if (!dom0 && xsw_read(x, path, text, sizeof(text)) == 0 &&
	    sscanf(text, "%lf", &v) == 1 && v >= 0)
		sample_gauge(sm, v, "memory_internal_free");
	vm_devices(x, sm, vm, domid);
	(void)sample_send(x, sm, "vm", t);
	if (d != NULL)
		sampler_vm_metrics(x, sm, vm, d->mem_kib * 1024, util, n, t);
}

static void
host_step(struct xapi *x, struct sampler *s, long long t, int fresh)
{
	struct sampler_xen	*xs = s->xen;
	const char		*uuid = db_str(&x->db, x->host, F_host_uuid);
	struct obj		*m = db_find(&x->db, db_str(&x->db, x->host, F_host_metrics),
				    REF_LEN);
	struct sample		*sm = sample_begin(s, uuid, clock_ms());
	long long		 total = m != NULL ?
				    db_get(&x->db, m, F_host_metrics_memory_total)->u.i : 0;
	size_t			 i, ncpu = x->db.n[C_host_cpu];
	char			 path[160], name[RRD_NAME_MAX];
	double			 busy = 0, held = 0, load;
	FILE			*f;

	if (sm == NULL)
		return;
	if (fresh && ncpu > 0) {
		for (i = 0; i < xs->ncur; i++) {
			busy += xs->cur[i].cpu_pct / 100;
			held += (double)xs->cur[i].mem_kib * KIB;
		}
		busy = clamp01(busy / (double)ncpu);
		for (i = 0; i < ncpu; i++)
			sample_gauge(sm, busy, "cpu%zu", i);
		sample_gauge(sm, busy, "cpu_avg");
		sample_gauge(sm, (double)total / KIB, "memory_total_kib");
		sample_gauge(sm, (total > held ? (double)total - held : 0) / KIB, "memory_free_kib");
		sampler_host_metrics(x, (long long)(total > held ? (double)total - held : 0));
	}
	if ((f = fopen("/proc/loadavg", "re")) != NULL) {
		if (fscanf(f, "%lf", &load) == 1)
			sample_gauge(sm, load, "loadavg");
		fclose(f);
	}
	for (i = 0; i < x->db.n[C_PIF]; i++) {
		struct obj	*pif = x->db.objs[C_PIF][i];
		const char	*dev = db_str(&x->db, pif, F_PIF_device);

		if (strcmp(db_str(&x->db, pif, F_PIF_host), x->host->ref) != 0 ||
		    dev[0] == '\0' || strchr(dev, '/') != NULL || strcmp(dev, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/rx_bytes", dev);
		snprintf(name, sizeof(name), "pif_%s_rx", dev);
		counter_file(sm, path, 1, name);
		snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/tx_bytes", dev);
		snprintf(name, sizeof(name), "pif_%s_tx", dev);
		counter_file(sm, path, 1, name);
	}
	sample_gauge(sm, (double)sampler_own_rss_kib(), "xapi_memory_usage_kib");
	(void)sample_send(x, sm, "host", t);
}

int
sampler_xen_start(struct xapi *x, struct sampler *s)
{
	struct sampler_xen	*xs = calloc(1, sizeof(*xs));

	if (xs == NULL)
		return -1;
	xs->x = x;
	xs->fd = -1;
	xs->backoff_ms = XENTOP_BACKOFF_MIN_MS;
	buf_init(&xs->in, XENTOP_PIPE_MAX);
	xs->cur = calloc(XENTOP_MAX_DOMAINS, sizeof(*xs->cur));
	xs->prev = calloc(XENTOP_MAX_DOMAINS, sizeof(*xs->prev));
	s->xen = xs;
	if (xs->cur == NULL || xs->prev == NULL)
		return -1;
	if (xentop_open(xs) == -1 && x->log != NULL)
		fprintf(x->log, "xapi-lite: cannot start xentop (%s); retrying\n", strerror(errno));
	if (xs->pid == 0)
		xs->restart_ms = clock_ms() + xs->backoff_ms;
	return 0;
}

void
sampler_xen_step(struct xapi *x, struct sampler *s, long long t)
{
	struct sampler_xen	*xs = s->xen;
	long long		 now = clock_ms();
	int			 fresh = xs->frame_ms > 0 && now - xs->frame_ms <= XENTOP_STALE_MS;
	size_t			 i;

	if (xs->pid == 0 && now >= xs->restart_ms && xentop_open(xs) == -1)
		xentop_close(xs);		/* the next try after the back-off */
	host_step(x, s, t, fresh);
	xs->hint = 0;
	for (i = 0; i < x->db.n[C_VM]; i++) {
		struct obj	*vm = x->db.objs[C_VM][i];

		if (strcmp(db_str(&x->db, vm, F_VM_power_state), "Running") == 0 &&
		    strcmp(db_str(&x->db, vm, F_VM_resident_on), x->host->ref) == 0)
			vm_step(x, s, vm, t, fresh);
	}
}

void
sampler_xen_stop(struct xapi *x, struct sampler *s)
{
	struct sampler_xen	*xs = s->xen;

	(void)x;
	xentop_close(xs);
	buf_free(&xs->in);
	free(xs->cur);
	free(xs->prev);
	free(xs);
	s->xen = NULL;
}
