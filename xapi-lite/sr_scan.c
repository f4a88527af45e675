/*
 * SR.scan of a local SR, as XAPI's file and ISO SRs (SM's FileSR and ISOSR) scan: the
 * records are brought in line with the SR's directory.
 *   - A file no VDI names is introduced: in a file SR one named UUID.raw (the VDI takes
 *     that uuid, as FileSR's UUID.vhd), in an ISO SR any NAME.iso (named NAME.iso, as
 *     ISOSR names them). At most SR_SCAN_MAX_NEW a scan; the next scan takes the rest.
 *   - A VDI whose file has gone is forgotten (VDI.db_forget: a CD drive holding it
 *     becomes empty). One still in a VM's disks, plugged, a suspend image or busy is kept,
 *     marked missing, so nothing that uses it is left pointing at nothing.
 *   - The space figures are recomputed (storage_account).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "calls.h"
#include "hval.h"
#include "rpc_impl.h"
#include "storage.h"

#define SR_SCAN_MAX_NEW	256	/* VDIs one scan introduces */

/* Whether s (len bytes) is a uuid as xapi-lite writes them (lower-case 8-4-4-4-12). */
static int
is_uuid(const char *s, size_t len)
{
	size_t	i;

	if (len != 36)
		return 0;
	for (i = 0; i < 36; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23 ? s[i] != '-' :
		    !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Whether a VDI of sr has location name. */
static int
known(struct xapi *x, struct obj *sr, const char *name)
{
	size_t	i;

	for (i = 0; i < x->db.n[C_VDI]; i++)
		if (strcmp(db_str(&x->db, x->db.objs[C_VDI][i], F_VDI_SR), sr->ref) == 0 &&
		    strcmp(db_str(&x->db, x->db.objs[C_VDI][i], F_VDI_location), name) == 0)
			return 1;
	return 0;
}

/* A new VDI record for file name (st its stat) of sr. Returns 0 or -1 (out of memory). */
static int
introduce(struct xapi *x, struct obj *sr, const char *name, const struct stat *st, int iso)
{
	char		 ref[REF_LEN + 1];
	struct obj	*vdi;
	int		 fails = 0;

	if (iso)
		vdi = db_create(&x->db, C_VDI);
	else {
		snprintf(ref, sizeof(ref), "OpaqueRef:%.36s", name);
		if (db_find(&x->db, ref, strlen(ref)) != NULL)
			return 0;	/* that uuid is taken: not this VDI's file */
		vdi = db_create_ref(&x->db, C_VDI, ref);
	}
	if (vdi == NULL)
		return -1;
	fails |= db_set(&x->db, vdi, F_VDI_SR, hval_string(sr->ref));
	fails |= db_set(&x->db, vdi, F_VDI_location, hval_string(name));
	fails |= db_set(&x->db, vdi, F_VDI_name_label, hval_string(iso ? name : ""));
	fails |= db_set(&x->db, vdi, F_VDI_virtual_size, hval_int((long long)st->st_size));
	fails |= db_set(&x->db, vdi, F_VDI_physical_utilisation,
	    hval_int((long long)st->st_blocks * 512));
	fails |= db_set(&x->db, vdi, F_VDI_managed, hval_bool(1));
	if (fails) {
		db_destroy(&x->db, vdi);
		return -1;
	}
	return 0;
}

/* Introduces the files of sr's directory that no VDI names. Returns 0, or -1 with r
   filled. */
static int
find_new(struct xapi *x, struct obj *sr, const char *dir, int iso, struct rpc_reply *r)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		 path[512];
	size_t		 len;
	int		 made = 0;

	if ((d = opendir(dir)) == NULL) {
		rpc_fail(x, r, "SR_BACKEND_FAILURE", 3, rpc_printf(x, "%d", errno), "",
		    rpc_printf(x, "open %s: %s", dir, strerror(errno)));
		return -1;
	}
	while (made < SR_SCAN_MAX_NEW && (e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || (iso ? len <= 4 || strcmp(e->d_name + len - 4, ".iso") :
		    len != 40 || strcmp(e->d_name + 36, ".raw") || !is_uuid(e->d_name, 36)))
			continue;
		if (known(x, sr, e->d_name) ||
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    lstat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (introduce(x, sr, e->d_name, &st, iso) == -1) {
			closedir(d);
			rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
			return -1;
		}
		made++;
	}
	closedir(d);
	return 0;
}

/* Whether vdi must be kept though its file is gone: a disk of a VM, a plugged drive, a
   suspended VM's image, or an operation running on it (an unplugged CD drive may let go of it). */
static int
still_used(struct xapi *x, struct obj *vdi)
{
	struct obj	*vbd;
	size_t		 i;

	if (db_get(&x->db, vdi, F_VDI_current_operations)->u.st.n > 0)
		return 1;
	for (i = 0; i < x->db.n[C_VM]; i++)
		if (strcmp(db_str(&x->db, x->db.objs[C_VM][i], F_VM_suspend_VDI), vdi->ref) == 0)
			return 1;
	for (i = 0; i < x->db.n[C_VBD]; i++) {
		vbd = x->db.objs[C_VBD][i];
		if (strcmp(db_str(&x->db, vbd, F_VBD_VDI), vdi->ref) == 0 &&
		    (db_get(&x->db, vbd, F_VBD_currently_attached)->u.b ||
		    strcmp(db_str(&x->db, vbd, F_VBD_type), "CD") != 0))
			return 1;
	}
	return 0;
}

/* Forgets (or marks missing) the VDIs of sr whose files have gone. Returns 0 or -1. */
static int
forget_gone(struct xapi *x, struct obj *sr)
{
	struct obj	*vdi, *vbd;
	struct stat	 st;
	char		 path[512];
	size_t		 i, j;
	int		 fails = 0;

	for (i = x->db.n[C_VDI]; i-- > 0;) {
		vdi = x->db.objs[C_VDI][i];
		if (strcmp(db_str(&x->db, vdi, F_VDI_SR), sr->ref) != 0 ||
		    vdi_path(x, vdi, path, sizeof(path)) == -1)
			continue;	/* not this SR's, or no file of its own */
		if (lstat(path, &st) == 0) {
			if (db_get(&x->db, vdi, F_VDI_missing)->u.b)
				fails |= db_set(&x->db, vdi, F_VDI_missing, hval_bool(0));
			continue;
		}
		if (errno != ENOENT)
			continue;
		if (still_used(x, vdi)) {
			if (!db_get(&x->db, vdi, F_VDI_missing)->u.b)
				fails |= db_set(&x->db, vdi, F_VDI_missing, hval_bool(1));
			continue;
		}
		for (j = 0; j < x->db.n[C_VBD]; j++) {
			vbd = x->db.objs[C_VBD][j];
			if (strcmp(db_str(&x->db, vbd, F_VBD_VDI), vdi->ref) == 0) {
				fails |= db_set(&x->db, vbd, F_VBD_VDI, hval_string("OpaqueRef:NULL"));
				fails |= db_set(&x->db, vbd, F_VBD_empty, hval_bool(1));
			}
		}
		db_destroy(&x->db, vdi);
	}
	return fails ? -1 : 0;
}

void
call_sr_scan(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*sr;
	const char	*type, *dir;
	int		 iso;

	(void)s;
	(void)park;
	if ((sr = rpc_param_ref(x, r, p, 1, C_SR)) == NULL)
		return;
	type = db_str(&x->db, sr, F_SR_type);
	iso = strcmp(type, "iso") == 0;
	if ((iso || strcmp(type, "file") == 0) && (dir = sr_dir(x, sr)) != NULL) {
		if (forget_gone(x, sr) == -1) {
			rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
			return;
		}
		if (find_new(x, sr, dir, iso, r) == -1)
			return;
	}
	storage_account(x, sr);
	rpc_ok(r, rpc_str(x, ""));
}
