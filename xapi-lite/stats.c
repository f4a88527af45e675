/*
 * The registry of archives: one RRD per owner (the host's first, then the VMs' in the order
 * first seen), each made when the sampler first records for its owner, at most
 * XAPI_MAX_RRDS. Kept as STATEDIR/rrd/<uuid>.rrd: the files are written a few at a time
 * from housekeeping so that each is rewritten at least every STATS_SAVE_S, and all of them
 * at a clean stop. At start each file loads back unless it is damaged (then it is moved
 * aside as <uuid>.rrd.bad and the owner starts afresh) or its VM is gone (then it is
 * deleted, as XAPI deletes a destroyed VM's archive); a VM destroyed while we run loses its
 * RRD and file at the next housekeeping pass.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hval.h"
#include "rrd.h"
#include "sampler.h"
#include "stats.h"
#include "xapi_limits.h"

struct stats {
	struct rrd	**rrds;		/* the host's first when it has one */
	size_t		  n, cap;
	size_t		  cursor;	/* the next to write */
	long long	  pass_start;	/* unix s the current round of writes began */
};

/* An owner's uuid names its file: 36 characters of hex digits and dashes. */
static int
uuid_ok(const char *u)
{
	size_t	i;

	for (i = 0; u[i] != '\0'; i++)
		if (i >= RRD_UUID_LEN || !((u[i] >= '0' && u[i] <= '9') ||
		    (u[i] >= 'a' && u[i] <= 'f') || (u[i] >= 'A' && u[i] <= 'F') || u[i] == '-'))
			return 0;
	return i == RRD_UUID_LEN;
}

static struct stats *
registry(struct xapi *x)
{
	if (x->stats == NULL)
		x->stats = calloc(1, sizeof(*x->stats));
	return x->stats;
}

static int
file_path(struct xapi *x, const char *uuid, const char *suffix, char *out, size_t len)
{
	int	n = snprintf(out, len, "%s/rrd/%s%s", x->statedir, uuid, suffix);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Adds r, the host's at the front. Returns 0, or -1 (the limit, out of memory). */
static int
insert(struct stats *s, struct rrd *r)
{
	if (s->n >= XAPI_MAX_RRDS)
		return -1;
	if (s->n == s->cap) {
		size_t		 cap = s->cap ? s->cap * 2 : 16;
		struct rrd	**p = realloc(s->rrds, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		s->rrds = p;
		s->cap = cap;
	}
	if (strcmp(rrd_owner(r), "host") == 0) {
		memmove(&s->rrds[1], &s->rrds[0], s->n * sizeof(s->rrds[0]));
		s->rrds[0] = r;
	} else
		s->rrds[s->n] = r;
	s->n++;
	return 0;
}

static ssize_t
find(const struct stats *s, const char *owner, const char *uuid)
{
	size_t	i;

	for (i = 0; s != NULL && i < s->n; i++)
		if (strcmp(rrd_uuid(s->rrds[i]), uuid) == 0 &&
		    strcmp(rrd_owner(s->rrds[i]), owner) == 0)
			return (ssize_t)i;
	return -1;
}

static void
drop(struct xapi *x, size_t i)
{
	struct stats	*s = x->stats;
	char		 path[512];

	if (file_path(x, rrd_uuid(s->rrds[i]), ".rrd", path, sizeof(path)) == 0 &&
	    unlink(path) == -1 && errno != ENOENT)
		fprintf(stderr, "xapi-lite: cannot delete %s: %s\n", path, strerror(errno));
	rrd_free(s->rrds[i]);
	memmove(&s->rrds[i], &s->rrds[i + 1], (s->n - i - 1) * sizeof(s->rrds[0]));
	s->n--;
	if (s->cursor > i)
		s->cursor--;
}

/* 1 when the owner still exists: the host itself, or a VM of the database. */
static int
owner_exists(struct xapi *x, const char *owner, const char *uuid)
{
	if (strcmp(owner, "host") == 0)
		return x->host != NULL && strcmp(db_str(&x->db, x->host, F_host_uuid), uuid) == 0;
	return db_find_uuid(&x->db, C_VM, uuid, strlen(uuid)) != NULL;
}

int
stats_record(struct xapi *x, const char *owner, const char *uuid, long long t,
    const char *const names[], const double values[], size_t n)
{
	struct stats	*s = registry(x);
	struct rrd	*r;
	ssize_t		 i;

	if (s == NULL || (strcmp(owner, "host") != 0 && strcmp(owner, "vm") != 0) ||
	    !uuid_ok(uuid))
		return -1;
	if ((i = find(s, owner, uuid)) >= 0)
		return rrd_update(s->rrds[i], t, names, values, n);
	if (s->n >= XAPI_MAX_RRDS || (r = rrd_new(owner, uuid)) == NULL)
		return -1;
	if (rrd_update(r, t, names, values, n) == -1 || insert(s, r) == -1) {
		rrd_free(r);
		return -1;
	}
	return 0;
}

struct rrd *
stats_host_rrd(struct xapi *x)
{
	struct stats	*s = x->stats;

	return s != NULL && s->n > 0 && strcmp(rrd_owner(s->rrds[0]), "host") == 0 ?
	    s->rrds[0] : NULL;
}

struct rrd *
stats_vm_rrd(struct xapi *x, const char *uuid)
{
	ssize_t	i = find(x->stats, "vm", uuid);

	return i < 0 ? NULL : x->stats->rrds[i];
}

size_t
stats_all(struct xapi *x, struct rrd *const **rrds)
{
	static struct rrd *const	none[1] = { NULL };

	*rrds = x->stats != NULL ? x->stats->rrds : none;
	return x->stats != NULL ? x->stats->n : 0;
}

static void
save(struct xapi *x, struct rrd *r)
{
	char	path[512];

	if (file_path(x, rrd_uuid(r), ".rrd", path, sizeof(path)) == -1 || rrd_save(r, path) == -1)
		fprintf(stderr, "xapi-lite: cannot write the archives of %s %s: %s\n",
		    rrd_owner(r), rrd_uuid(r), strerror(errno));
}

/* Loads the file name of the archives' directory, or moves it aside / deletes it. */
static void
load_one(struct xapi *x, const char *name)
{
	char		 uuid[RRD_UUID_LEN + 1], path[512], aside[520];
	size_t		 len = strlen(name);
	const char	*why = NULL;
	struct rrd	*r;

	if (len > 4 && strcmp(name + len - 4, ".tmp") == 0) {
		/* A write cut short: the file it was to replace is still whole. */
		if (snprintf(path, sizeof(path), "%s/rrd/%s", x->statedir, name) <
		    (int)sizeof(path))
			unlink(path);
		return;
	}
	if (len != RRD_UUID_LEN + 4 || strcmp(name + RRD_UUID_LEN, ".rrd") != 0)
		return;
	memcpy(uuid, name, RRD_UUID_LEN);
	uuid[RRD_UUID_LEN] = '\0';
	if (!uuid_ok(uuid) || file_path(x, uuid, ".rrd", path, sizeof(path)) == -1)
		return;
	if ((r = rrd_load(path, &why)) == NULL || strcmp(rrd_uuid(r), uuid) != 0) {
		if (why == NULL)
			why = r != NULL ? "it holds the archives of another owner" : strerror(errno);
		snprintf(aside, sizeof(aside), "%s.bad", path);
		fprintf(stderr, "xapi-lite: %s: %s; moved aside as %s, its owner's statistics "
		    "start afresh\n", path, why, aside);
		if (rename(path, aside) == -1)
			unlink(path);
		rrd_free(r);
		return;
	}
	if (!owner_exists(x, rrd_owner(r), uuid) || find(x->stats, rrd_owner(r), uuid) >= 0 ||
	    insert(x->stats, r) == -1) {
		/* The VM is gone (or a host that is not this one): its archives go too. */
		if (!owner_exists(x, rrd_owner(r), uuid))
			unlink(path);
		rrd_free(r);
	}
}

int
stats_start(struct xapi *x)
{
	char		 dir[400];
	DIR		*d;
	struct dirent	*e;

	if (registry(x) == NULL)
		return -1;
	x->stats->pass_start = clock_unix();
	if (snprintf(dir, sizeof(dir), "%s/rrd", x->statedir) >= (int)sizeof(dir))
		return -1;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "xapi-lite: cannot make %s: %s; statistics are not kept\n", dir,
		    strerror(errno));
	} else if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			load_one(x, e->d_name);
		closedir(d);
	}
	if (sampler_start(x) == -1)
		fprintf(stderr, "xapi-lite: the sampler did not start; no new statistics\n");
	return 0;
}

/* Drops the RRDs of VMs no longer in the database. */
static void
prune(struct xapi *x)
{
	struct stats	*s = x->stats;
	size_t		 i;

	for (i = s->n; i-- > 0;)
		if (!owner_exists(x, rrd_owner(s->rrds[i]), rrd_uuid(s->rrds[i])))
			drop(x, i);
}

void
stats_tick(struct xapi *x)
{
	struct stats	*s;
	long long	 now = clock_unix();
	size_t		 due, k;

	sampler_tick(x);
	if ((s = x->stats) == NULL)
		return;
	prune(x);
	/* Spread the writes: this pass must have written all of them by pass_start +
	   STATS_SAVE_S (half of it, to keep a margin), so write as many as are due by now. */
	if (s->cursor >= s->n) {
		if (now - s->pass_start < STATS_SAVE_S / 2)
			return;
		s->cursor = 0;
		s->pass_start = now;
	}
	due = (size_t)((now - s->pass_start + 1) * (long long)s->n / (STATS_SAVE_S / 2)) + 1;
	for (k = s->cursor; k < due && k < s->n; k++)
		save(x, s->rrds[k]);
	s->cursor = k;
}

void
stats_stop(struct xapi *x)
{
	struct stats	*s = x->stats;
	size_t		 i;

	sampler_stop(x);
	if (s == NULL)
		return;
	prune(x);
	for (i = 0; i < s->n; i++) {
		save(x, s->rrds[i]);
		rrd_free(s->rrds[i]);
	}
	free(s->rrds);
	free(s);
	x->stats = NULL;
}
