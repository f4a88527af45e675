/*
 * suspend_save_image, the memory image VM.checkpoint takes (suspend.h): on the sim backend a
 * small image written at once, on the xen backend `xl save -c` (or -p) run as the park's job
 * against the stand-in xl of the API tests; the caller's context comes back as it was, and a
 * failed save leaves no VDI and no file. Run from the top of the tree.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"
#include "hval.h"
#include "rpc_impl.h"
#include "storage.h"
#include "suspend.h"
#include "tap.h"

/* main.c's clocks, which this test does not link. */
long long
clock_unix(void)
{
	return (long long)time(NULL);
}

long long
clock_ms(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

#define JOB_DEADLINE_MS	30000	/* generous: the stand-in xl saves at once */

static int	calls;
static char	result[128], seen_ctx[64];

static void
done(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	calls++;
	snprintf(result, sizeof(result), "%s", r->err != NULL ? r->err[0] : r->value->u.s.p);
	snprintf(seen_ctx, sizeof(seen_ctx), "%s|%s", pk->ctx != NULL ? pk->ctx : "",
	    pk->ctx != NULL ? park_ctx_part(pk, 1) : "");
	rpc_ok(r, rpc_str(x, "the caller's reply"));
}

/* Files in dir (not . and ..). */
static int
files_in(const char *dir)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	int		 n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Runs suspend_save_image for a new Running VM on backend; leaves the image's text in
   image (or "") and returns the reply's value ("" on an error). */
static const char *
save(struct xapi *x, const char *state, int paused, char *image, size_t size)
{
	struct park	*pk = calloc(1, sizeof(*pk));
	struct rpc_reply r;
	struct obj	*vm = db_create(&x->db, C_VM), *vdi;
	char		 path[512];
	const char	*value;
	FILE		*f;
	size_t		 n;
	long long	 deadline;

	db_set(&x->db, vm, F_VM_memory_static_max, hval_int(256LL << 20));
	db_set(&x->db, vm, F_VM_power_state, hval_string("Running"));
	if (strcmp(x->backend, "xen") == 0) {
		char	cmd[700];

		snprintf(path, sizeof(path), "%s/vm.cfg", state);
		if ((f = fopen(path, "w")) != NULL) {
			fprintf(f, "name = \"%s\"\n", db_str(&x->db, vm, F_VM_uuid));
			fclose(f);
		}
		snprintf(cmd, sizeof(cmd), "xl create %s", path);
		ok(system(cmd) == 0, "the stand-in xl made the domain");
	}
	pk->ctx = malloc(6);
	memcpy(pk->ctx, "ab\0cd\0", 6);
	pk->ctxlen = 6;
	calls = 0;
	memset(&r, 0, sizeof(r));
	ok(suspend_save_image(x, vm, NULL, paused, pk, &r, done) == 0, "%s: started",
	    x->backend);
	ok(r.parked == (strcmp(x->backend, "xen") == 0), "%s: parked only on xen", x->backend);
	deadline = clock_ms() + JOB_DEADLINE_MS;
	while (r.parked && pk->job != NULL && clock_ms() < deadline) {
		(void)exec_read(pk->job);
		if (!exec_reap(pk->job)) {
			usleep(10000);
			continue;
		}
		(void)exec_read(pk->job);
		memset(&r, 0, sizeof(r));
		pk->job_done(x, pk, &r);
	}
	if (r.parked && pk->job != NULL)
		note("%s: the save still runs after %d ms", x->backend, JOB_DEADLINE_MS);
	ok(calls == 1, "done called once");
	ok(strcmp(seen_ctx, "ab|cd") == 0 && pk->ctxlen == 6, "the caller's context is back: %s",
	    seen_ctx);
	ok(r.value != NULL && strcmp(r.value->u.s.p, "the caller's reply") == 0,
	    "done made the reply");
	image[0] = '\0';
	value = result;
	if ((vdi = db_find(&x->db, value, strlen(value))) != NULL &&
	    vdi_path(x, vdi, path, sizeof(path)) == 0 && (f = fopen(path, "r")) != NULL) {
		n = fread(image, 1, size - 1, f);
		image[n] = '\0';
		fclose(f);
		ok(strcmp(db_str(&x->db, vdi, F_VDI_type), "suspend") == 0, "a suspend VDI");
		ok(db_get(&x->db, vdi, F_VDI_virtual_size)->u.i ==
		    (256LL << 20) * 126 / 100 + (100LL << 20), "XAPI's size");
	}
	park_free(pk);
	return value;
}

int
main(void)
{
	struct xapi	 x;
	char		 state[] = "/tmp/test_suspend_image.XXXXXX", dir[600], image[256];
	char		 bin[700], path[4096];
	const char	*v;
	FILE		*f;

	memset(&x, 0, sizeof(x));
	arena_init(&x.arena, 16 * 1024 * 1024);
	if (mkdtemp(state) == NULL || db_init(&x.db) == -1)
		return 1;
	snprintf(x.statedir, sizeof(x.statedir), "%s", state);
	snprintf(dir, sizeof(dir), "%s/sr", state);
	mkdir(dir, 0700);
	snprintf(bin, sizeof(bin), "%s/iso", state);
	mkdir(bin, 0700);
	x.backend = "sim";
	ok(sim_populate(&x) == 0, "a simulated host");

	v = save(&x, state, 0, image, sizeof(image));
	ok(strncmp(v, "OpaqueRef:", 10) == 0, "sim: the VDI's ref (%s)", v);
	ok(strncmp(image, "atoll simulated suspend image 1\nvm ", 35) == 0, "sim: the image");

	/* The stand-in xl, first on PATH. */
	snprintf(bin, sizeof(bin), "%s/bin", state);
	mkdir(bin, 0700);
	snprintf(path, sizeof(path), "%s/bin/xl", state);
	if (getcwd(image, sizeof(image)) == NULL)
		return 1;
	snprintf(dir, sizeof(dir), "%s/tests/api/fake_xl.py", image);
	ok(symlink(dir, path) == 0, "the stand-in xl");
	setenv("FAKE_XL_DIR", bin, 1);
	snprintf(path, sizeof(path), "%s:%s", bin, getenv("PATH"));
	setenv("PATH", path, 1);
	x.backend = "xen";

	v = save(&x, state, 0, image, sizeof(image));
	ok(strncmp(v, "OpaqueRef:", 10) == 0, "xen: the VDI's ref (%s)", v);
	ok(strncmp(image, "fake xl image\n", 14) == 0, "xen: xl wrote the image");
	v = save(&x, state, 1, image, sizeof(image));
	ok(strncmp(image, "fake xl image\n", 14) == 0, "xen, left paused: the image");

	snprintf(dir, sizeof(dir), "%s/sr", state);
	snprintf(path, sizeof(path), "%s/fail", bin);
	if ((f = fopen(path, "w")) != NULL) {
		fputs("save", f);
		fclose(f);
	}
	{
		int	before = files_in(dir);
		size_t	vdis = x.db.n[C_VDI];

		v = save(&x, state, 0, image, sizeof(image));
		ok(strcmp(v, "INTERNAL_ERROR") == 0, "xen: a failed save is xl's error (%s)", v);
		ok(files_in(dir) == before && x.db.n[C_VDI] == vdis, "...and leaves nothing");
	}
	snprintf(path, sizeof(path), "rm -rf %s", state);
	(void)system(path);
	db_free(&x.db);
	arena_free(&x.arena);
	return done_testing();
}
