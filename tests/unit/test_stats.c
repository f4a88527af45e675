/* Unit tests of xapi-lite/stats.c, the registry of archives, over a real database and state
   directory: an RRD made on first sight (the host's first), XAPI_MAX_RRDS owners and no
   more, archives written at a clean stop and loaded at the next start, a damaged file moved
   aside, a destroyed VM's archives and file gone (while running and at start). The sampler
   is not part of these tests: they record the samples themselves through stats_record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rrd.h"
#include "sampler.h"
#include "stats.h"
#include "tap.h"
#include "xapi_limits.h"

/* What stats.c takes from the rest of xapi-lite: the clock (main.c) and the sampler's
   calls, which do nothing here. */
long long
clock_unix(void)
{
	return (long long)time(NULL);
}

int
sampler_start(struct xapi *x)
{
	(void)x;
	return 0;
}

void
sampler_tick(struct xapi *x)
{
	(void)x;
}

void
sampler_stop(struct xapi *x)
{
	(void)x;
}

static int
record(struct xapi *x, const char *owner, const char *uuid, long long t, double v)
{
	const char	*names[1] = { strcmp(owner, "host") == 0 ? "loadavg" : "cpu0" };

	return stats_record(x, owner, uuid, t, names, &v, 1);
}

static int
exists(const char *dir, const char *uuid, const char *suffix)
{
	char	path[512];

	snprintf(path, sizeof(path), "%s/rrd/%s%s", dir, uuid, suffix);
	return access(path, F_OK) == 0;
}

int
main(void)
{
	static struct xapi	 x;
	char			 dir[] = "/tmp/test_stats.XXXXXX", uuid[40], path[512];
	char			 host_uuid[40], vm1[40], vm2[40];
	struct obj		*v1, *v2;
	struct rrd *const	*all;
	long long		 t = 1700000000;
	size_t			 n, i;
	int			 bad = 0;
	FILE			*f;

	ok(mkdtemp(dir) != NULL && db_init(&x.db) == 0, "a state directory and a database");
	snprintf(x.statedir, sizeof(x.statedir), "%s", dir);
	x.host = db_create(&x.db, C_host);
	v1 = db_create(&x.db, C_VM);
	v2 = db_create(&x.db, C_VM);
	/* Copies: the database's strings go with their objects. */
	snprintf(host_uuid, sizeof(host_uuid), "%s", db_str(&x.db, x.host, F_host_uuid));
	snprintf(vm1, sizeof(vm1), "%s", db_str(&x.db, v1, F_VM_uuid));
	snprintf(vm2, sizeof(vm2), "%s", db_str(&x.db, v2, F_VM_uuid));
	ok(stats_start(&x) == 0, "started on an empty directory");
	ok(stats_all(&x, &all) == 0 && stats_host_rrd(&x) == NULL, "no RRD before a sample");

	ok(record(&x, "vm", vm1, t, 1) == 0 && record(&x, "host", host_uuid, t, 2) == 0 &&
	    record(&x, "vm", vm2, t, 3) == 0, "samples of a VM, the host, another VM");
	n = stats_all(&x, &all);
	ok(n == 3 && all[0] == stats_host_rrd(&x) && strcmp(rrd_owner(all[0]), "host") == 0,
	    "three RRDs, the host's first");
	ok(stats_vm_rrd(&x, vm1) != NULL && stats_vm_rrd(&x, host_uuid) == NULL &&
	    stats_vm_rrd(&x, "nope") == NULL, "a VM's found by its uuid, no other");
	ok(record(&x, "vm", vm1, t + 5, 4) == 0 && stats_all(&x, &all) == 3 &&
	    rrd_last_updated(stats_vm_rrd(&x, vm1)) == t + 5, "a second sample updates the RRD");
	ok(record(&x, "sr", vm1, t, 1) == -1 && record(&x, "vm", "../../etc/passwd", t, 1) == -1,
	    "an unknown owner kind or a uuid that is not one refused");

	/* The limit. */
	for (i = 3; i < XAPI_MAX_RRDS; i++) {
		snprintf(uuid, sizeof(uuid), "00000000-0000-0000-0000-%012zu", i);
		bad |= record(&x, "vm", uuid, t, 1);
	}
	ok(bad == 0 && stats_all(&x, &all) == XAPI_MAX_RRDS, "XAPI_MAX_RRDS owners recorded");
	ok(record(&x, "vm", "00000000-0000-0000-0000-999999999999", t, 1) == -1 &&
	    stats_all(&x, &all) == XAPI_MAX_RRDS, "one more refused");
	ok(record(&x, "vm", vm2, t + 5, 1) == 0, "the ones there still record");
	/* Those VMs are not in the database: housekeeping drops them. */
	stats_tick(&x);
	ok(stats_all(&x, &all) == 3, "housekeeping drops the RRDs of VMs not in the database "
	    "(%zu left)", stats_all(&x, &all));

	stats_stop(&x);
	ok(x.stats == NULL && exists(dir, host_uuid, ".rrd") && exists(dir, vm1, ".rrd") &&
	    exists(dir, vm2, ".rrd"), "a clean stop writes every archive");

	/* Restart: vm2 destroyed meanwhile, vm1's file damaged, a write cut short left. */
	db_destroy(&x.db, v2);
	snprintf(path, sizeof(path), "%s/rrd/%s.rrd", dir, vm1);
	f = fopen(path, "r+b");
	ok(f != NULL && fseek(f, 200, SEEK_SET) == 0 && fputc('!', f) != EOF && fclose(f) == 0,
	    "vm1's file damaged");
	snprintf(path, sizeof(path), "%s/rrd/%s.rrd.tmp", dir, host_uuid);
	f = fopen(path, "wb");
	ok(f != NULL && fclose(f) == 0, "a temporary file left");
	ok(stats_start(&x) == 0, "started again");
	n = stats_all(&x, &all);
	ok(n == 1 && stats_host_rrd(&x) != NULL &&
	    rrd_last_updated(stats_host_rrd(&x)) == t, "the host's archives are back as they were");
	ok(stats_vm_rrd(&x, vm1) == NULL && exists(dir, vm1, ".rrd.bad") &&
	    !exists(dir, vm1, ".rrd"), "the damaged file moved aside, its VM starts afresh");
	ok(stats_vm_rrd(&x, vm2) == NULL && !exists(dir, vm2, ".rrd"),
	    "the destroyed VM's file deleted, not loaded");
	ok(!exists(dir, host_uuid, ".rrd.tmp"), "the temporary file removed");

	/* A VM destroyed while running. */
	ok(record(&x, "vm", vm1, t + 10, 5) == 0 && stats_vm_rrd(&x, vm1) != NULL,
	    "vm1 records again");
	stats_stop(&x);
	ok(stats_start(&x) == 0 && stats_vm_rrd(&x, vm1) != NULL, "and is kept across a stop");
	db_destroy(&x.db, v1);
	stats_tick(&x);
	ok(stats_vm_rrd(&x, vm1) == NULL && !exists(dir, vm1, ".rrd"),
	    "a destroyed VM's RRD and file go at the next housekeeping");
	stats_stop(&x);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		note("could not remove %s", dir);
	db_free(&x.db);
	return done_testing();
}
