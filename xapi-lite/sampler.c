/*
 * The sampler's common part (sampler.h): a step every RRD_STEP seconds, each owner's
 * values gathered and counters made rates as rrdd's Derive data sources are (the change
 * over the time between readings; nothing for a first reading or one that went
 * backwards, as a restarted domain's counters do), then the backend's measurements handed
 * to stats_record. Owners not measured in a step are forgotten, so a VM started again
 * begins afresh. The metrics fields XO reads are written only when they change.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hval.h"
#include "sampler.h"
#include "sampler_impl.h"
#include "stats.h"

static struct owner *
owner_find(struct sampler *s, const char *uuid)
{
	struct owner	*o;
	size_t		 i;

	/* Owners come in the same order each step: the next one is usually the hint. */
	for (i = 0; i < s->nowners; i++) {
		o = s->owners[(s->hint + i) % s->nowners];
		if (strcmp(o->uuid, uuid) == 0) {
			s->hint = (s->hint + i + 1) % s->nowners;
			return o;
		}
	}
	if (strlen(uuid) > RRD_UUID_LEN)
		return NULL;
	if (s->nowners == s->cap) {
		size_t		 cap = s->cap ? s->cap * 2 : 16;
		struct owner	**p = realloc(s->owners, cap * sizeof(*p));

		if (p == NULL)
			return NULL;
		s->owners = p;
		s->cap = cap;
	}
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	memcpy(o->uuid, uuid, strlen(uuid) + 1);
	s->owners[s->nowners++] = o;
	return o;
}

/* Forgets the owners this step did not measure (VMs that stopped). */
static void
owners_prune(struct sampler *s)
{
	size_t	i, k = 0;

	for (i = 0; i < s->nowners; i++)
		if (s->owners[i]->step == s->step)
			s->owners[k++] = s->owners[i];
		else
			free(s->owners[i]);
	s->nowners = k;
	s->hint = 0;
}

struct sample *
sample_begin(struct sampler *s, const char *uuid, long long t_ms)
{
	struct sample	*sm = &s->sm;

	if ((sm->o = owner_find(s, uuid)) == NULL)
		return NULL;
	sm->o->step = s->step;
	sm->t_ms = t_ms;
	sm->n = 0;
	return sm;
}

static char *
slot(struct sample *sm, const char *fmt, va_list ap)
{
	int	n;

	if (sm->n == SAMPLER_MAX_VALUES)
		return NULL;
	n = vsnprintf(sm->text[sm->n], RRD_NAME_MAX, fmt, ap);
	/* A name the archives refuse (a device name with a space, say) drops its value
	   alone, not the owner's whole update. */
	return n > 0 && rrd_name_ok(sm->text[sm->n], (size_t)n) ? sm->text[sm->n] : NULL;
}

static void
put(struct sample *sm, char *name, double v)
{
	if (name == NULL || !isfinite(v))
		return;
	sm->names[sm->n] = name;
	sm->values[sm->n++] = v;
}

void
sample_gauge(struct sample *sm, double v, const char *fmt, ...)
{
	va_list	ap;
	char	*name;

	va_start(ap, fmt);
	name = slot(sm, fmt, ap);
	va_end(ap);
	put(sm, name, v);
}

void
sample_rate(struct sample *sm, double counter, double scale, const char *fmt, ...)
{
	struct owner	*o = sm->o;
	struct counter	*c = NULL;
	va_list		 ap;
	char		*name;
	size_t		 i;
	double		 dt;

	va_start(ap, fmt);
	name = slot(sm, fmt, ap);
	va_end(ap);
	if (name == NULL || !isfinite(counter))
		return;
	for (i = 0; i < o->n && c == NULL; i++)
		if (strcmp(o->c[i].name, name) == 0)
			c = &o->c[i];
	if (c == NULL) {
		if (o->n == SAMPLER_MAX_COUNTERS)
			return;
		c = &o->c[o->n++];
		memcpy(c->name, name, strlen(name) + 1);
		c->v = counter;
		c->t_ms = sm->t_ms;
		return;			/* a first reading: no rate yet */
	}
	dt = (double)(sm->t_ms - c->t_ms) / 1000;
	if (counter >= c->v && dt > 0)
		put(sm, name, (counter - c->v) / dt * scale);
	c->v = counter;
	c->t_ms = sm->t_ms;
}

int
sample_send(struct xapi *x, struct sample *sm, const char *owner, long long t)
{
	if (sm->n == 0)
		return 0;
	return stats_record(x, owner, sm->o->uuid, t, sm->names, sm->values, sm->n);
}

static struct obj *
metrics_of(struct xapi *x, const struct obj *o, enum fld f)
{
	return db_find(&x->db, db_str(&x->db, o, f), REF_LEN);
}

void
sampler_host_metrics(struct xapi *x, long long memory_free)
{
	struct obj	*m = metrics_of(x, x->host, F_host_metrics);

	if (m != NULL && memory_free >= 0 &&
	    db_get(&x->db, m, F_host_metrics_memory_free)->u.i != memory_free)
		(void)db_set(&x->db, m, F_host_metrics_memory_free, hval_int(memory_free));
}

/* Whether map holds exactly the n values of util, as text with two decimals. */
static int
same_util(const struct val *map, const double *util, unsigned n)
{
	char		 key[16], text[32];
	struct val	*v;
	unsigned	 i;

	if (map->type != VAL_STRUCT || map->u.st.n != n)
		return 0;
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%u", i);
		snprintf(text, sizeof(text), "%.2f", util[i]);
		v = hval_get(map, key, strlen(key));
		if (v == NULL || v->type != VAL_STRING || strcmp(v->u.s.p, text) != 0)
			return 0;
	}
	return 1;
}

void
sampler_vm_metrics(struct xapi *x, struct sample *sm, struct obj *vm,
    long long memory_actual, const double *util, unsigned n, long long t)
{
	struct obj	*m = metrics_of(x, vm, F_VM_metrics);
	struct val	*map;
	char		 key[16], text[32];
	unsigned	 i;

	if (m == NULL)
		return;
	if (memory_actual > 0 &&
	    db_get(&x->db, m, F_VM_metrics_memory_actual)->u.i != memory_actual)
		(void)db_set(&x->db, m, F_VM_metrics_memory_actual, hval_int(memory_actual));
	if (util == NULL || t - sm->o->metrics_at < SAMPLER_METRICS_S ||
	    same_util(db_get(&x->db, m, F_VM_metrics_VCPUs_utilisation), util, n))
		return;
	if ((map = hval_struct()) == NULL)
		return;
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%u", i);
		snprintf(text, sizeof(text), "%.2f", util[i]);
		if (hval_put(map, key, hval_string(text)) == -1) {
			hval_free(map);
			return;
		}
	}
	if (db_set(&x->db, m, F_VM_metrics_VCPUs_utilisation, map) == 0)
		sm->o->metrics_at = t;
}

/* A small file's text (a /proc or sysfs value), NUL-terminated. Returns 0, or -1. */
static int
read_text(const char *path, char *text, size_t size)
{
	ssize_t	 n;
	int	 fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return -1;
	n = read(fd, text, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	return 0;
}

long long
sampler_own_rss_kib(void)
{
	char		 text[128];
	long long	 size, rss;
	long		 page = sysconf(_SC_PAGESIZE);

	if (read_text("/proc/self/statm", text, sizeof(text)) == -1 ||
	    sscanf(text, "%lld %lld", &size, &rss) != 2 || page <= 0)
		return -1;
	return rss * (page / 1024);
}

int
sampler_read_counter(const char *path, double *out)
{
	char	 text[32], *end;

	if (read_text(path, text, sizeof(text)) == -1)
		return -1;
	errno = 0;
	*out = (double)strtoull(text, &end, 10);
	return end != text && (*end == '\n' || *end == '\0') && errno == 0 ? 0 : -1;
}

int
sampler_start(struct xapi *x)
{
	struct sampler	*s;
	int		 rc;

	if (x->sampler != NULL)
		return 0;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	x->sampler = s;
	s->next_ms = clock_ms();
	rc = x->xen != NULL ? sampler_xen_start(x, s) : sampler_sim_start(x, s);
	if (rc == -1)
		sampler_stop(x);
	return rc;
}

void
sampler_tick(struct xapi *x)
{
	struct sampler	*s = x->sampler;
	long long	 now = clock_ms();

	if (s == NULL || now < s->next_ms)
		return;
	/* Steps keep their cadence; after a stall (a long call) the next is a step away. */
	s->next_ms += RRD_STEP * 1000;
	if (s->next_ms <= now)
		s->next_ms = now + RRD_STEP * 1000;
	s->step++;
	if (s->xen != NULL)
		sampler_xen_step(x, s, clock_unix());
	else
		sampler_sim_step(x, s, clock_unix());
	owners_prune(s);
}

void
sampler_stop(struct xapi *x)
{
	struct sampler	*s = x->sampler;
	size_t		 i;

	if (s == NULL)
		return;
	if (s->xen != NULL)
		sampler_xen_stop(x, s);
	for (i = 0; i < s->nowners; i++)
		free(s->owners[i]);
	free(s->owners);
	free(s);
	x->sampler = NULL;
}
