/*
 * Local storage: an SR is a directory (its PBD's device_config:location) and each VDI is
 * one sparse raw file in it, named by the VDI's location. Creating a VDI makes the file,
 * resizing grows it, destroying removes it; sizes on disk follow into
 * physical_utilisation. The same on both backends: the files are real either way.
 */
#define _GNU_SOURCE		/* SEEK_DATA, SEEK_HOLE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "hval.h"
#include "message.h"
#include "rpc_impl.h"
#include "storage.h"
#include "xapi_limits.h"

const char *
sr_dir(struct xapi *x, struct obj *sr)
{
	struct val	*loc;
	size_t		 i;

	for (i = 0; i < x->db.n[C_PBD]; i++) {
		struct obj	*pbd = x->db.objs[C_PBD][i];

		if (strcmp(db_str(&x->db, pbd, F_PBD_SR), sr->ref) != 0)
			continue;
		loc = hval_get(db_get(&x->db, pbd, F_PBD_device_config), "location", 8);
		if (loc != NULL && loc->type == VAL_STRING && loc->u.s.p[0] == '/')
			return loc->u.s.p;
	}
	return NULL;
}

int
vdi_path(struct xapi *x, struct obj *vdi, char *out, size_t len)
{
	const char	*ref = db_str(&x->db, vdi, F_VDI_SR), *loc, *dir;
	struct obj	*sr = db_find(&x->db, ref, strlen(ref));
	int		 n;

	loc = db_str(&x->db, vdi, F_VDI_location);
	/* A location is one file name in the SR's directory, never a path out of it. */
	if (sr == NULL || (dir = sr_dir(x, sr)) == NULL || loc[0] == '\0' || loc[0] == '.' ||
	    strchr(loc, '/') != NULL)
		return -1;
	n = snprintf(out, len, "%s/%s", dir, loc);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* XAPI's storage failures: SR_BACKEND_FAILURE [code, stdout, stderr]. */
static int
backend_failure(struct xapi *x, struct rpc_reply *r, const char *path, const char *what)
{
	int	e = errno;

	rpc_fail(x, r, "SR_BACKEND_FAILURE", 3, rpc_printf(x, "%d", e), "",
	    rpc_printf(x, "%s %s: %s", what, path, strerror(e)));
	return -1;
}

/* An SR XAPI_SR_FULL_PERCENT full raises ALARM once until it is less full again, with
   the body XAPI's perfmon writes for its physical_utilisation alarm (XO reads it). */
static void
sr_full_alarm(struct xapi *x, struct obj *sr)
{
	long long	used = db_get(&x->db, sr, F_SR_physical_utilisation)->u.i;
	long long	size = db_get(&x->db, sr, F_SR_physical_size)->u.i;
	char		body[256];
	int		full = size > 0 && used * 100 >= size * XAPI_SR_FULL_PERCENT;

	if (!alert_edge(x, sr->ref, full))
		return;
	snprintf(body, sizeof(body), "value: %f\nconfig:\n<variable>\n"
	    "\t<name value=\"physical_utilisation\"/>\n"
	    "\t<alarm_trigger_level value=\"%g\"/>\n</variable>\n",
	    (double)used / (double)size, XAPI_SR_FULL_PERCENT / 100.0);
	(void)message_raise(x, MSG_ALARM, "SR", db_str(&x->db, sr, F_SR_uuid), body);
}

void
storage_account(struct xapi *x, struct obj *sr)
{
	struct statvfs	 sv;
	struct stat	 st;
	long long	 used = 0, alloc = 0;
	char		 path[512];
	const char	*dir = sr_dir(x, sr);
	size_t		 i;

	for (i = 0; i < x->db.n[C_VDI]; i++) {
		struct obj	*vdi = x->db.objs[C_VDI][i];

		if (strcmp(db_str(&x->db, vdi, F_VDI_SR), sr->ref) != 0)
			continue;
		if (vdi_path(x, vdi, path, sizeof(path)) == 0 && stat(path, &st) == 0) {
			if (db_get(&x->db, vdi, F_VDI_physical_utilisation)->u.i !=
			    (long long)st.st_blocks * 512)
				db_set(&x->db, vdi, F_VDI_physical_utilisation,
				    hval_int((long long)st.st_blocks * 512));
			used += (long long)st.st_blocks * 512;
		}
		alloc += db_get(&x->db, vdi, F_VDI_virtual_size)->u.i;
	}
	if (db_get(&x->db, sr, F_SR_physical_utilisation)->u.i != used)
		db_set(&x->db, sr, F_SR_physical_utilisation, hval_int(used));
	if (db_get(&x->db, sr, F_SR_virtual_allocation)->u.i != alloc)
		db_set(&x->db, sr, F_SR_virtual_allocation, hval_int(alloc));
	if (dir != NULL && statvfs(dir, &sv) == 0 &&
	    db_get(&x->db, sr, F_SR_physical_size)->u.i !=
	    (long long)sv.f_blocks * (long long)sv.f_frsize)
		db_set(&x->db, sr, F_SR_physical_size,
		    hval_int((long long)sv.f_blocks * (long long)sv.f_frsize));
	sr_full_alarm(x, sr);
}

int
storage_vdi_create(struct xapi *x, struct obj *vdi, struct rpc_reply *r)
{
	const char	*ref = db_str(&x->db, vdi, F_VDI_SR);
	struct obj	*sr = db_find(&x->db, ref, strlen(ref));
	int		 iso = sr != NULL && strcmp(db_str(&x->db, sr, F_SR_type), "iso") == 0;
	char		 path[512];
	int		 fd;

	if (db_set(&x->db, vdi, F_VDI_location, hval_string(rpc_printf(x, "%s.%s",
	    db_str(&x->db, vdi, F_VDI_uuid), iso ? "iso" : "raw"))) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return -1;
	}
	if (vdi_path(x, vdi, path, sizeof(path)) == -1) {
		rpc_fail(x, r, "SR_BACKEND_FAILURE", 3, "ENODIR", "",
		    "the SR has no directory (PBD device_config:location)");
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1)
		return backend_failure(x, r, path, "create");
	/* Sparse: the file takes no room until the guest writes. */
	if (ftruncate(fd, db_get(&x->db, vdi, F_VDI_virtual_size)->u.i) == -1) {
		backend_failure(x, r, path, "size");
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	storage_account(x, sr);
	return 0;
}

int
storage_vdi_resize(struct xapi *x, struct obj *vdi, long long size, struct rpc_reply *r)
{
	char	path[512];

	if (vdi_path(x, vdi, path, sizeof(path)) == 0 && truncate(path, size) == -1)
		return backend_failure(x, r, path, "resize");
	return 0;
}

int
storage_copy_file(const char *from, const char *to)
{
	char	chunk[65536];
	off_t	data, hole = 0, end;
	ssize_t	n;
	int	in, out, fails = 0;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((out = open(to, O_WRONLY | O_CLOEXEC)) == -1) {
		close(in);
		return -1;
	}
	end = lseek(in, 0, SEEK_END);
	/* Only the extents that hold data: holes stay holes in the copy. */
	while (!fails && hole < end) {
		if ((data = lseek(in, hole, SEEK_DATA)) == -1) {
			fails = errno != ENXIO;		/* ENXIO: no data after hole */
			break;
		}
		if ((hole = lseek(in, data, SEEK_HOLE)) == -1)
			fails = 1;
		while (!fails && data < hole) {
			n = pread(in, chunk, (size_t)(hole - data) < sizeof(chunk) ?
			    (size_t)(hole - data) : sizeof(chunk), data);
			if (n <= 0 || pwrite(out, chunk, (size_t)n, data) != n)
				fails = 1;
			data += n;
		}
	}
	if (close(out) == -1)
		fails = 1;
	close(in);
	return fails ? -1 : 0;
}

void
storage_vdi_remove(struct xapi *x, struct obj *vdi)
{
	char	path[512];

	if (vdi_path(x, vdi, path, sizeof(path)) == 0)
		(void)unlink(path);
}
