/*
 * The records of an imported XVA (xva_import.h), made once the worker has written the
 * disks, as XAPI's import.ml makes them for what xapi-lite models: one handler per class
 * in XAPI's order (hosts, SRs, VDIs, guest metrics, metrics, VMs, networks, VBDs, VIFs),
 * each object's record copied field by field where xapi-lite has the field (others are
 * ignored), its refs rewritten through the table of the archive's ids, then the snapshot
 * and parent links. Any failure undoes every record and file made; the work directory
 * always goes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hval.h"
#include "nitems.h"
#include "rpc_impl.h"
#include "storage.h"
#include "xva_import.h"
#include "xva_ova.h"

#define NULL_REF	"OpaqueRef:NULL"
#define IMPORT_TASK	"import_task"		/* Xapi_globs.import_task */
#define MAC_SEED	"mac_seed"
#define DEFAULT_TEMPLATE	"default_template"
#define GRANT_API_ACCESS	"grant_api_access"
#define VIF_MAP_KEY	"maps_to"		/* Constants.storage_migrate_vif_map_key */
#define DEVICE_MODEL	"device-model"
#define DM_DEFAULT	"qemu-upstream-compat"	/* Vm_platform's default... */
#define DM_TRAD		"qemu-trad"		/* ...which replaces this one */

/* Which fields of a record are taken: those the class's create takes (XAPI's
   create_from_record), or every stored one (the metrics, made by the database). */
enum copy { COPY_CREATE, COPY_ALL };

struct cstate {
	struct xapi		*x;
	struct xva_ova		 ova;
	struct obj		*sr;		/* the target */
	const char		*dir, *task;
	int			 restore, force;
	struct obj		**map;		/* by object: what the archive's id became */
	struct obj		**made;		/* created here, in order; NULL: since destroyed */
	size_t			 nmade;
	struct obj		**vms;		/* the VMs imported (created_vms) */
	size_t			 nvms;
	/* restore=true: the VM replaced and its devices, reset and taken again by the new
	   ones of the same uuids (xapi-lite's refs are made of the uuids: an object
	   destroyed and made again in one turn would not survive the journal's replay),
	   the rest destroyed. NULL: taken. */
	struct obj		**reuse;
	size_t			 nreuse;
	struct rpc_reply	*r;
};

/* The values XAPI's enums take, as it writes them: an XVA's are read whatever their case,
   as XAPI's rpc reading does, and anything else is refused. */
static const struct {
	enum fld	 f;
	const char	*values;	/* space-separated */
} enums[] = {
	{ F_VM_actions_after_softreboot, "soft_reboot destroy restart preserve" },
	{ F_VM_actions_after_shutdown, "destroy restart" },
	{ F_VM_actions_after_reboot, "destroy restart" },
	{ F_VM_actions_after_crash, "destroy coredump_and_destroy restart coredump_and_restart "
	    "preserve rename_restart" },
	{ F_VM_domain_type, "hvm pv pv_in_pvh pvh unspecified" },
	{ F_VM_metrics_current_domain_type, "hvm pv pv_in_pvh pvh unspecified" },
	{ F_VBD_mode, "RO RW" },
	{ F_VBD_type, "CD Disk Floppy" },
	{ F_VDI_type, "system user ephemeral suspend crashdump ha_statefile metadata redo_log "
	    "rrd pvs_cache cbt_metadata" },
	{ F_VDI_on_boot, "reset persist" },
	{ F_VIF_locking_mode, "network_default locked unlocked disabled" },
	{ F_VM_guest_metrics_can_use_hotplug_vbd, "yes no unspecified" },
	{ F_VM_guest_metrics_can_use_hotplug_vif, "yes no unspecified" },
};

static int
oom(struct cstate *c)
{
	rpc_fail(c->x, c->r, "INTERNAL_ERROR", 1, "out of memory");
	return -1;
}

static int	bad(struct cstate *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* Fails the import with code and one printf-formatted parameter. Returns -1. */
static int
bad(struct cstate *c, const char *code, const char *fmt, ...)
{
	char	words[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(words, sizeof(words), fmt, ap);
	va_end(ap);
	rpc_fail(c->x, c->r, code, 1, words);
	return -1;
}

static int
not_found(struct cstate *c, const char *id)
{
	rpc_fail(c->x, c->r, "IMPORT_ERROR_FAILED_TO_FIND_OBJECT", 1, id);
	return -1;
}

/* The object ref field f of o names, or NULL. */
static struct obj *
target(const struct cstate *c, const struct obj *o, enum fld f)
{
	const char	*ref = db_str(&c->x->db, o, f);

	return db_find(&c->x->db, ref, strlen(ref));
}

/* What the archive's object id became, or NULL (Import.lookup). */
static struct obj *
lookup(const struct cstate *c, const char *id)
{
	const struct xva_obj	*o = xva_find(&c->ova, id);

	return o != NULL ? c->map[o - c->ova.objs] : NULL;
}

static void
made(struct cstate *c, struct obj *o)
{
	c->made[c->nmade++] = o;
}

/* The canonical form of enum value s of field f (NULL: not one of its values); s itself
   for an enum without a table here. */
static const char *
enum_value(enum fld f, const char *s, char *out, size_t len)
{
	const char	*p, *e;
	size_t		 i, n = strlen(s);

	for (i = 0; i < nitems(enums); i++) {
		if (enums[i].f != f)
			continue;
		for (p = enums[i].values; *p != '\0'; p = *e ? e + 1 : e) {
			e = p + strcspn(p, " ");
			if ((size_t)(e - p) == n && strncasecmp(p, s, n) == 0 && n < len) {
				memcpy(out, p, n);
				out[n] = '\0';
				return out;
			}
		}
		return NULL;
	}
	return s;
}

/* Record value v for field f as the database keeps it, read as leniently as XAPI's rpc
   reading (numbers and booleans from strings, enums in any case); NULL when it is not
   one (heap). */
static struct val *
convert(enum fld f, const struct val *v)
{
	char		 buf[64], *end;
	const char	*e;
	double		 d;

	switch (model_fields[f].kind) {
	case K_ENUM:
		if (v->type != VAL_STRING || (e = enum_value(f, v->u.s.p, buf, sizeof(buf))) == NULL)
			return NULL;
		return hval_string(e);
	case K_FLOAT:
		if (v->type == VAL_STRING && v->u.s.len > 0) {
			d = strtod(v->u.s.p, &end);
			return end == v->u.s.p + v->u.s.len ? hval_double(d) : NULL;
		}
		break;
	case K_BOOL:
		if (v->type == VAL_STRING && (strcmp(v->u.s.p, "true") == 0 ||
		    strcmp(v->u.s.p, "false") == 0))
			return hval_bool(v->u.s.p[0] == 't');
		break;
	default:
		break;
	}
	return db_coerce(v, model_fields[f].kind);
}

/* Sets field f of o from the archive's value v (its own field name in messages). 0, or
   -1 with the failure in r. */
static int
set_from(struct cstate *c, struct obj *o, const struct xva_obj *src, enum fld f,
    const struct val *v)
{
	struct val	*n;

	if ((n = convert(f, v)) == NULL)
		return bad(c, "IMPORT_ERROR", "ova.xml: %s %s: field %s has a value of the wrong "
		    "type or not one of its values", src->cls, src->id, model_fields[f].name);
	return db_set(&c->x->db, o, f, n) == -1 ? oom(c) : 0;
}

static int
skipped(enum fld f, const enum fld *skip, size_t nskip)
{
	size_t	i;

	for (i = 0; i < nskip; i++)
		if (skip[i] == f)
			return 1;
	return 0;
}

/* Copies the fields of src's record that o's class has (which: how), but those of skip[]
   and the uuid, the operations and refs the caller rewrites. 0, or -1 with r filled. */
static int
copy_fields(struct cstate *c, struct obj *o, const struct xva_obj *src, enum copy how,
    const enum fld *skip, size_t nskip)
{
	const struct val	*snap = src->snap;
	size_t			 i;
	int			 f;

	for (i = 0; i < snap->u.st.n; i++) {
		f = model_field(o->cls, snap->u.st.m[i].name, snap->u.st.m[i].namelen);
		if (f < 0 || model_fields[f].kind == K_DERIVED || skipped((enum fld)f, skip, nskip))
			continue;
		if (strcmp(model_fields[f].name, "uuid") == 0 ||
		    strcmp(model_fields[f].name, "allowed_operations") == 0 ||
		    strcmp(model_fields[f].name, "current_operations") == 0)
			continue;
		if (how == COPY_CREATE && model_fields[f].access == RO)
			continue;
		if (set_from(c, o, src, (enum fld)f, snap->u.st.m[i].v) == -1)
			return -1;
	}
	return 0;
}

/* Field f of o, a map, with key set to value (NULL: removed). 0 or -1. */
static int
map_put(struct cstate *c, struct obj *o, enum fld f, const char *key, const char *value)
{
	struct val	*m = db_get(&c->x->db, o, f);

	if (value == NULL) {
		hval_del(m, key, strlen(key));
		db_touch(&c->x->db, o);
		return 0;
	}
	if (hval_put(m, key, hval_string(value)) == -1)
		return oom(c);
	db_touch(&c->x->db, o);
	return 0;
}

static int
uuid_ok(const char *u)
{
	size_t	i;

	for (i = 0; i < 36; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23 ? u[i] != '-' :
		    !((u[i] >= '0' && u[i] <= '9') || (u[i] >= 'a' && u[i] <= 'f') ||
		    (u[i] >= 'A' && u[i] <= 'F')))
			return 0;
	return u[36] == '\0';
}

/* o with every field but its uuid back to what a new object has. o, or NULL. */
static struct obj *
reset(struct cstate *c, struct obj *o)
{
	struct db	*db = &c->x->db;
	struct obj	*blank;
	int		 f, fails = 0;

	if ((blank = db_create(db, o->cls)) == NULL)
		return NULL;
	for (f = db->first[o->cls]; f < db->first[o->cls] + db->nfields[o->cls]; f++)
		if (model_fields[f].kind != K_DERIVED && strcmp(model_fields[f].name, "uuid") != 0)
			fails |= db_set(db, o, (enum fld)f, hval_dup(db_get(db, blank, (enum fld)f)));
	db_destroy(db, blank);
	return fails ? NULL : o;
}

/* The index of ref among the objects kept for reuse, or -1. */
static long
reusable(const struct cstate *c, const char *ref)
{
	size_t	i;

	for (i = 0; i < c->nreuse; i++)
		if (c->reuse[i] != NULL && strcmp(c->reuse[i]->ref, ref) == 0)
			return (long)i;
	return -1;
}

/* The object to fill for the archive's object k, of class cls: with restore=true a VM,
   VBD or VIF keeps its uuid (a replaced one's object reset, or a new one when the uuid
   is free), else a new object. NULL when out of memory. */
static struct obj *
obtain(struct cstate *c, enum cls cls, size_t k)
{
	const char	*uuid = xva_str(c->ova.objs[k].snap, "uuid");
	char		 ref[REF_LEN + 1];
	struct obj	*o;
	long		 i;

	if (c->restore && (cls == C_VM || cls == C_VBD || cls == C_VIF) && uuid_ok(uuid)) {
		snprintf(ref, sizeof(ref), "OpaqueRef:%s", uuid);
		if ((i = reusable(c, ref)) >= 0 && c->reuse[i]->cls == cls) {
			o = c->reuse[i];
			c->reuse[i] = NULL;
			return reset(c, o);
		}
		if (db_find(&c->x->db, ref, REF_LEN) == NULL)
			return db_create_ref(&c->x->db, cls, ref);
	}
	return db_create(&c->x->db, cls);
}

/* A new object of class cls for the archive's object k: the record's fields copied.
   NULL with r filled. */
static struct obj *
new_from(struct cstate *c, enum cls cls, size_t k, enum copy how, const enum fld *skip,
    size_t nskip)
{
	struct obj	*o;

	if ((o = obtain(c, cls, k)) == NULL) {
		oom(c);
		return NULL;
	}
	made(c, o);
	if (copy_fields(c, o, &c->ova.objs[k], how, skip, nskip) == -1)
		return NULL;
	return o;
}

/* ---- the handlers, in XAPI's order ---- */

/* A host of the archive is this one when its uuid is (for the VMs' affinity). */
static int
do_host(struct cstate *c, size_t k)
{
	if (strcmp(xva_str(c->ova.objs[k].snap, "uuid"),
	    db_str(&c->x->db, c->x->host, F_host_uuid)) == 0)
		c->map[k] = c->x->host;
	return 0;
}

/* Every SR but an ISO library's is the target. */
static int
do_sr(struct cstate *c, size_t k)
{
	if (strcmp(xva_str(c->ova.objs[k].snap, "content_type"), "iso") != 0)
		c->map[k] = c->sr;
	return 0;
}

/* The index of object k among the disks the worker wrote, or -1. */
static long
disk_of(const struct cstate *c, size_t k)
{
	size_t	i;

	for (i = 0; i < c->ova.ndisks; i++)
		if (c->ova.disks[i].obj == k)
			return (long)i;
	return -1;
}

/* Moves the worker's file of disk i into the SR as new VDI vdi's. 0, or -1 with r
   filled. */
static int
adopt_disk(struct cstate *c, struct obj *vdi, long i)
{
	char	from[600], name[32], to[512];

	if (db_set(&c->x->db, vdi, F_VDI_location, hval_string(rpc_printf(c->x, "%s.raw",
	    db_str(&c->x->db, vdi, F_VDI_uuid)))) == -1 ||
	    db_set(&c->x->db, vdi, F_VDI_managed, hval_bool(1)) == -1)
		return oom(c);
	xva_disk_file((size_t)i, name, sizeof(name));
	snprintf(from, sizeof(from), "%s/%s", c->dir, name);
	if (vdi_path(c->x, vdi, to, sizeof(to)) == -1 || rename(from, to) == -1) {
		rpc_fail(c->x, c->r, "SR_BACKEND_FAILURE", 3, rpc_printf(c->x, "%d", errno), "",
		    rpc_printf(c->x, "moving the imported disk %s into the SR: %s",
		    c->ova.disks[i].id, strerror(errno)));
		return -1;
	}
	return 0;
}

/*
 * A VDI: on an ISO library in the archive, the ISO of the same location here if there is
 * one (else the drive is ejected); else a new VDI in the target SR, on the disk the worker
 * wrote for it (a VDI the archive sends no data for gets an empty one).
 */
static int
do_vdi(struct cstate *c, size_t k)
{
	static const enum fld	 skip[] = { F_VDI_SR, F_VDI_location };
	const struct val	*snap = c->ova.objs[k].snap;
	const struct xva_obj	*sr = xva_find(&c->ova, xva_str(snap, "SR"));
	struct obj		*vdi, *s;
	size_t			 i;
	long			 disk;

	if (sr == NULL)
		return not_found(c, xva_str(snap, "SR"));
	if (strcmp(xva_str(sr->snap, "content_type"), "iso") == 0) {
		for (i = 0; i < c->x->db.n[C_VDI]; i++) {
			vdi = c->x->db.objs[C_VDI][i];
			s = target(c, vdi, F_VDI_SR);
			if (s != NULL && strcmp(db_str(&c->x->db, s, F_SR_content_type), "iso") == 0 &&
			    strcmp(db_str(&c->x->db, s, F_SR_type), "udev") != 0 &&
			    strcmp(db_str(&c->x->db, vdi, F_VDI_location),
			    xva_str(snap, "location")) == 0) {
				c->map[k] = vdi;
				break;
			}
		}
		return 0;
	}
	if ((vdi = new_from(c, C_VDI, k, COPY_CREATE, skip, nitems(skip))) ==
	    NULL)
		return -1;
	if (db_set(&c->x->db, vdi, F_VDI_SR, hval_string(c->sr->ref)) == -1)
		return oom(c);
	if (c->task[0] != '\0' && map_put(c, vdi, F_VDI_sm_config, IMPORT_TASK, c->task) == -1)
		return -1;
	if (db_get(&c->x->db, vdi, F_VDI_virtual_size)->u.i < 0)
		return bad(c, "IMPORT_ERROR", "ova.xml: VDI %s has a negative virtual_size",
		    c->ova.objs[k].id);
	disk = disk_of(c, k);
	if ((disk >= 0 ? adopt_disk(c, vdi, disk) : device_created(c->x, vdi, c->r)) == -1) {
		/* Nothing of its file is left to remove. */
		db_set(&c->x->db, vdi, F_VDI_location, hval_string(""));
		return -1;
	}
	c->map[k] = vdi;
	return 0;
}

/* Guest metrics and metrics: new objects with the archive's figures. */
static int
do_metrics(struct cstate *c, size_t k)
{
	enum cls	 cls = strcmp(c->ova.objs[k].cls, "VM_metrics") == 0 ? C_VM_metrics :
			    C_VM_guest_metrics;
	struct obj	*m;

	if ((m = new_from(c, cls, k, COPY_ALL, NULL, 0)) == NULL)
		return -1;
	c->map[k] = m;
	return 0;
}

/* Whether the archive's record of a VM boots with a device model (has_qemu). */
static int
hvm_record(const struct val *snap)
{
	const char	*dt = xva_str(snap, "domain_type");

	if (strcasecmp(dt, "unspecified") == 0 || dt[0] == '\0')
		return xva_str(snap, "HVM_boot_policy")[0] != '\0';
	return strcasecmp(dt, "hvm") == 0;
}

static int
vm_uuid_of_snap(const struct cstate *c, const struct val *snap, const char **uuid);

/*
 * assert_can_restore_backup: a VM restored (restore=true) keeps its mac_seed, which
 * another VM here may only share when they are the same VM (or its snapshots).
 */
static int
check_mac_seeds(struct cstate *c)
{
	const struct val	*a;
	const char		*seed, *u1, *u2;
	size_t			 i, j;
	int			 sa, sb, same;

	for (i = 0; i < c->ova.nobjs; i++) {
		if (strcmp(c->ova.objs[i].cls, "VM") != 0)
			continue;
		a = c->ova.objs[i].snap;
		if ((seed = xva_str(xva_field(a, "other_config"), MAC_SEED))[0] == '\0')
			continue;
		for (j = 0; j < c->x->db.n[C_VM]; j++) {
			struct obj	*b = c->x->db.objs[C_VM][j];
			struct val	*s = hval_get(db_get(&c->x->db, b, F_VM_other_config),
					    MAC_SEED, strlen(MAC_SEED));
			struct obj	*of;

			if (s == NULL || s->type != VAL_STRING || strcmp(s->u.s.p, seed) != 0)
				continue;
			sa = xva_bool(a, "is_a_snapshot", 0);
			sb = db_get(&c->x->db, b, F_VM_is_a_snapshot)->u.b;
			of = target(c, b, F_VM_snapshot_of);
			u2 = sb ? (of != NULL ? db_str(&c->x->db, of, F_VM_uuid) : NULL) :
			    db_str(&c->x->db, b, F_VM_uuid);
			if (sa)
				same = vm_uuid_of_snap(c, a, &u1) == 0 && u2 != NULL &&
				    strcmp(u1, u2) == 0;
			else
				same = u2 != NULL && strcmp(xva_str(a, "uuid"), u2) == 0;
			if (!same)
				return rpc_fail(c->x, c->r, "DUPLICATE_MAC_SEED", 1, seed), -1;
		}
	}
	return 0;
}

/* The uuid of the VM a snapshot in the archive was taken of, when it is there too. */
static int
vm_uuid_of_snap(const struct cstate *c, const struct val *snap, const char **uuid)
{
	const struct xva_obj	*of = xva_find(&c->ova, xva_str(snap, "snapshot_of"));

	if (of == NULL || strcmp(of->cls, "VM") != 0)
		return -1;
	*uuid = xva_str(of->snap, "uuid");
	return 0;
}

/* The VM of the archive's record is a default template already here (Default_template):
   whether it is, with *found the VM of its name. */
static int
default_template(struct cstate *c, const struct val *snap, struct obj **found)
{
	const char	*name = xva_str(snap, "name_label");
	size_t		 i;

	if (!xva_bool(snap, "is_default_template", 0) && !(xva_bool(snap, "is_a_template", 0) &&
	    strcmp(xva_str(xva_field(snap, "other_config"), DEFAULT_TEMPLATE), "true") == 0))
		return 0;
	for (i = 0; i < c->x->db.n[C_VM]; i++)
		if (strcmp(db_str(&c->x->db, c->x->db.objs[C_VM][i], F_VM_name_label), name) == 0) {
			*found = c->x->db.objs[C_VM][i];
			return 1;
		}
	return 0;
}

/* restore=true and a VM of the same uuid here: it is replaced, when halted and older
   (force: a running one is skipped, an older version taken). 0 go on, 1 skip the VM,
   -1 with r filled. */
static int
replace_vm(struct cstate *c, const struct val *snap)
{
	static const struct {
		enum cls	cls;
		enum fld	vm;
	} devs[] = { { C_VBD, F_VBD_VM }, { C_VIF, F_VIF_VM } };
	struct db	*db = &c->x->db;
	struct obj	*old, *m;
	const char	*ps;
	long long	 version = 0;
	size_t		 i, d;

	if (!c->restore || (old = db_find_uuid(db, C_VM, xva_str(snap, "uuid"),
	    strlen(xva_str(snap, "uuid")))) == NULL)
		return 0;
	ps = db_str(db, old, F_VM_power_state);
	if (strcmp(ps, "Halted") != 0) {
		if (c->force)
			return 1;
		rpc_fail(c->x, c->r, "VM_BAD_POWER_STATE", 3, old->ref, "Halted", ps);
		return -1;
	}
	(void)xva_int(snap, "version", &version);
	if (db_get(db, old, F_VM_version)->u.i >= version && !c->force) {
		rpc_fail(c->x, c->r, "VM_TO_IMPORT_IS_NOT_NEWER_VERSION", 3, old->ref,
		    rpc_printf(c->x, "%lld", (long long)db_get(db, old, F_VM_version)->u.i),
		    rpc_printf(c->x, "%lld", version));
		return -1;
	}
	/* XAPI destroys it with its VBDs and VIFs (its disks stay): here they wait to be
	   taken again or destroyed at the end. */
	if ((m = target(c, old, F_VM_metrics)) != NULL)
		db_destroy(db, m);
	if (db_set(db, old, F_VM_metrics, hval_string(NULL_REF)) == -1)
		return oom(c);
	c->reuse[c->nreuse++] = old;
	for (d = 0; d < 2; d++)
		for (i = 0; i < db->n[devs[d].cls]; i++)
			if (strcmp(db_str(db, db->objs[devs[d].cls][i], devs[d].vm), old->ref) == 0)
				c->reuse[c->nreuse++] = db->objs[devs[d].cls][i];
	return 0;
}

/* A fresh generation id, as Xapi_vm_helpers.fresh_genid: none stays none. */
static const char *
fresh_genid(struct cstate *c, const char *current)
{
	unsigned long long	r[2];

	if (current[0] == '\0')
		return "";
	if (read(c->x->db.random_fd, r, sizeof(r)) != (ssize_t)sizeof(r))
		r[0] = r[1] = (unsigned long long)clock_ms();
	return rpc_printf(c->x, "%llu:%llu", r[0] >> 1, r[1] >> 1);
}

/* The VM's record adjusted as do_import does before VM.create_from_record. */
static int
vm_record(struct cstate *c, struct obj *vm, const struct val *snap)
{
	struct db	*db = &c->x->db;
	const char	*dt = db_str(db, vm, F_VM_domain_type), *hrp;
	struct val	*dm, *plat;
	long long	 max, min, version = 0;
	char		 seed[37];
	int		 template = db_get(db, vm, F_VM_is_a_template)->u.b, fails = 0;

	if (strcmp(dt, "unspecified") == 0)
		fails |= db_set(db, vm, F_VM_domain_type, hval_string(
		    db_str(db, vm, F_VM_HVM_boot_policy)[0] != '\0' ? "hvm" : "pv"));
	if (map_put(c, vm, F_VM_other_config, GRANT_API_ACCESS, NULL) == -1)
		return -1;
	if (!c->restore) {
		db_uuid(db, seed);
		if (map_put(c, vm, F_VM_other_config, MAC_SEED, seed) == -1)
			return -1;
	}
	if (!c->force && map_put(c, vm, F_VM_other_config, DEFAULT_TEMPLATE, NULL) == -1)
		return -1;
	if (c->task[0] != '\0' && map_put(c, vm, F_VM_other_config, IMPORT_TASK, c->task) == -1)
		return -1;
	fails |= db_set(db, vm, F_VM_is_default_template,
	    hval_bool(c->force && xva_bool(snap, "is_default_template", 0)));
	if (!template)
		fails |= db_set(db, vm, F_VM_generation_id, hval_string(fresh_genid(c,
		    db_str(db, vm, F_VM_generation_id))));
	/* Exported before ballooning (no parent field): memory pinned at static_max. */
	if (xva_field(snap, "parent") == NULL) {
		max = db_get(db, vm, F_VM_memory_static_max)->u.i;
		min = db_get(db, vm, F_VM_memory_static_min)->u.i;
		fails |= db_set(db, vm, F_VM_memory_dynamic_max, hval_int(max));
		fails |= db_set(db, vm, F_VM_memory_dynamic_min, hval_int(max));
		fails |= db_set(db, vm, F_VM_memory_target, hval_int(max));
		fails |= db_set(db, vm, F_VM_memory_static_min, hval_int(min < max ? min : max));
	}
	(void)xva_int(snap, "version", &version);
	fails |= db_set(db, vm, F_VM_version, hval_int(c->restore ? version + 1 : 0));
	fails |= db_set(db, vm, F_VM_protection_policy, hval_string(NULL_REF));
	fails |= db_set(db, vm, F_VM_snapshot_schedule, hval_string(NULL_REF));
	fails |= db_set(db, vm, F_VM_appliance, hval_string(NULL_REF));
	/* Pre-Boston restart priorities were the order. */
	hrp = db_str(db, vm, F_VM_ha_restart_priority);
	if (strlen(hrp) == 1 && hrp[0] >= '0' && hrp[0] <= '3') {
		fails |= db_set(db, vm, F_VM_order, hval_int(hrp[0] - '0'));
		fails |= db_set(db, vm, F_VM_ha_restart_priority, hval_string("restart"));
	}
	/* ensure_device_model_profile_present */
	plat = db_get(db, vm, F_VM_platform);
	dm = hval_get(plat, DEVICE_MODEL, strlen(DEVICE_MODEL));
	if (!template && dm != NULL && dm->type == VAL_STRING && strcmp(dm->u.s.p, DM_TRAD) == 0)
		fails |= map_put(c, vm, F_VM_platform, DEVICE_MODEL, DM_DEFAULT);
	else if (!template && dm == NULL && strcmp(db_str(db, vm, F_VM_domain_type), "hvm") == 0)
		fails |= map_put(c, vm, F_VM_platform, DEVICE_MODEL, DM_DEFAULT);
	return fails ? oom(c) : 0;
}

/* The VM's links to objects of the archive and to this host's, once it exists. */
static int
vm_links(struct cstate *c, struct obj *vm, size_t k)
{
	struct db	*db = &c->x->db;
	const struct val *snap = c->ova.objs[k].snap;
	struct obj	*o, *m;
	int		 fails = 0;

	o = lookup(c, xva_str(snap, "affinity"));
	fails |= db_set(db, vm, F_VM_affinity, hval_string(o != NULL && o->cls == C_host ?
	    o->ref : NULL_REF));
	o = target(c, vm, F_VM_suspend_SR);
	if (o == NULL || o->cls != C_SR)
		fails |= db_set(db, vm, F_VM_suspend_SR, hval_string(NULL_REF));
	if ((o = lookup(c, xva_str(snap, "metrics"))) != NULL && o->cls == C_VM_metrics) {
		/* The archive's metrics replace those the VM was made with. */
		m = target(c, vm, F_VM_metrics);
		fails |= db_set(db, vm, F_VM_metrics, hval_string(o->ref));
		if (m != NULL) {
			size_t	i;

			for (i = 0; i < c->nmade; i++)
				if (c->made[i] == m)
					c->made[i] = NULL;
			db_destroy(db, m);
		}
	}
	o = lookup(c, xva_str(snap, "guest_metrics"));
	fails |= db_set(db, vm, F_VM_guest_metrics, hval_string(o != NULL &&
	    o->cls == C_VM_guest_metrics ? o->ref : NULL_REF));
	return fails ? oom(c) : 0;
}

/* A suspended VM stays suspended on its image (when the archive brought it). */
static int
vm_state(struct cstate *c, struct obj *vm, const struct val *snap)
{
	struct obj	*image, *m;
	const char	*id = xva_str(snap, "suspend_VDI");

	if (strcasecmp(xva_str(snap, "power_state"), "Suspended") != 0)
		return 0;
	if ((image = lookup(c, id)) == NULL || image->cls != C_VDI) {
		if (c->force)
			return 0;
		return not_found(c, id);
	}
	if (db_set(&c->x->db, vm, F_VM_power_state, hval_string("Suspended")) == -1 ||
	    db_set(&c->x->db, vm, F_VM_suspend_VDI, hval_string(image->ref)) == -1)
		return oom(c);
	if ((m = target(c, vm, F_VM_metrics)) != NULL &&
	    db_set(&c->x->db, m, F_VM_metrics_current_domain_type,
	    hval_string(vm_domain_type(c->x, vm))) == -1)
		return oom(c);
	return rpc_changed(c->x, vm, c->r);
}

/* The RO fields XAPI's import sets on a VM after making it. */
static const enum fld vm_after[] = { F_VM_is_control_domain, F_VM_is_a_snapshot,
	F_VM_snapshot_info, F_VM_snapshot_of, F_VM_snapshot_time,
	F_VM_transportable_snapshot_id, F_VM_parent, F_VM_bios_strings, F_VM_memory_overhead };

static int
do_vm(struct cstate *c, size_t k)
{
	static const enum fld	 skip[] = { F_VM_power_state, F_VM_suspend_VDI, F_VM_affinity };
	const struct val	*snap = c->ova.objs[k].snap;
	struct obj		*vm, *m;
	struct val		*v;
	size_t			 i;
	int			 r;

	if (default_template(c, snap, &vm)) {
		c->map[k] = vm;
		c->vms[c->nvms++] = vm;
		return 0;
	}
	if ((r = replace_vm(c, snap)) != 0)
		return r == 1 ? 0 : -1;
	if ((vm = new_from(c, C_VM, k, COPY_CREATE, skip, nitems(skip))) ==
	    NULL)
		return -1;
	for (i = 0; i < nitems(vm_after); i++)
		if ((v = xva_field(snap, model_fields[vm_after[i]].name)) != NULL &&
		    set_from(c, vm, &c->ova.objs[k], vm_after[i], v) == -1)
			return -1;
	if (vm_record(c, vm, snap) == -1 ||
	    db_set(&c->x->db, vm, F_VM_power_state, hval_string("Halted")) == -1)
		return -1;
	if (rpc_created(c->x, vm, c->r) == -1)
		return -1;
	if ((m = target(c, vm, F_VM_metrics)) != NULL)
		made(c, m);
	if (vm_links(c, vm, k) == -1 || vm_state(c, vm, snap) == -1)
		return -1;
	c->map[k] = vm;
	c->vms[c->nvms++] = vm;
	return 0;
}

/* A network by name, else by bridge, else a new one (Import.Net). */
static int
do_network(struct cstate *c, size_t k)
{
	const struct val	*snap = c->ova.objs[k].snap;
	struct obj		*net;
	size_t			 i;
	int			 f;

	for (f = 0; f < 2; f++)
		for (i = 0; i < c->x->db.n[C_network]; i++) {
			net = c->x->db.objs[C_network][i];
			if (strcmp(db_str(&c->x->db, net, f == 0 ? F_network_name_label :
			    F_network_bridge), xva_str(snap, f == 0 ? "name_label" : "bridge")) == 0) {
				c->map[k] = net;
				return 0;
			}
		}
	if ((net = new_from(c, C_network, k, COPY_CREATE, NULL, 0)) == NULL)
		return -1;
	if (c->task[0] != '\0' && map_put(c, net, F_network_other_config, IMPORT_TASK,
	    c->task) == -1)
		return -1;
	c->map[k] = net;
	return 0;
}

/* With restore=true, a device of the same uuid here (but the replaced VM's) is taken as
   it is. */
static int
existing_device(struct cstate *c, size_t k, enum cls cls)
{
	const char	*uuid = xva_str(c->ova.objs[k].snap, "uuid");
	struct obj	*o;

	if (!c->restore || uuid[0] == '\0' ||
	    (o = db_find_uuid(&c->x->db, cls, uuid, strlen(uuid))) == NULL ||
	    reusable(c, o->ref) >= 0)
		return 0;
	c->map[k] = o;
	return 1;
}

/* The new VM of a device's record, or NULL with r filled. */
static struct obj *
device_vm(struct cstate *c, const struct val *snap)
{
	struct obj	*vm = lookup(c, xva_str(snap, "VM"));

	if (vm == NULL || vm->cls != C_VM)
		not_found(c, xva_str(snap, "VM"));
	return vm != NULL && vm->cls == C_VM ? vm : NULL;
}

/* A VBD on the new VM: its disk the new VDI; a CD drive whose disc is not here is
   ejected; a disk drive without its disk is left out. */
static int
do_vbd(struct cstate *c, size_t k)
{
	static const enum fld	 skip[] = { F_VBD_VM, F_VBD_VDI, F_VBD_device,
		F_VBD_currently_attached, F_VBD_empty };
	const struct val	*snap = c->ova.objs[k].snap;
	const struct xva_obj	*orig;
	struct obj		*vm, *vdi, *vbd;
	int			 cd, fails = 0;

	if (existing_device(c, k, C_VBD))
		return 0;
	if ((vm = device_vm(c, snap)) == NULL)
		return -1;
	orig = xva_find(&c->ova, xva_str(snap, "VM"));
	vdi = lookup(c, xva_str(snap, "VDI"));
	if (vdi != NULL && vdi->cls != C_VDI)
		vdi = NULL;
	cd = strcasecmp(xva_str(snap, "type"), "CD") == 0;
	if (xva_bool(snap, "currently_attached", 0) && vdi == NULL &&
	    !(cd && hvm_record(orig->snap))) {
		rpc_fail(c->x, c->r, "IMPORT_ERROR_ATTACHED_DISKS_NOT_FOUND", 0);
		return -1;
	}
	if (vdi == NULL && !cd && strcasecmp(xva_str(snap, "type"), "Floppy") != 0)
		return 0;
	if ((vbd = new_from(c, C_VBD, k, COPY_CREATE, skip, nitems(skip))) ==
	    NULL)
		return -1;
	fails |= db_set(&c->x->db, vbd, F_VBD_VM, hval_string(vm->ref));
	fails |= db_set(&c->x->db, vbd, F_VBD_VDI, hval_string(vdi != NULL ? vdi->ref : NULL_REF));
	fails |= db_set(&c->x->db, vbd, F_VBD_empty, hval_bool(vdi == NULL));
	fails |= db_set(&c->x->db, vbd, F_VBD_device, hval_string(""));
	/* A suspended VM's drives stay attached for its resume. */
	fails |= db_set(&c->x->db, vbd, F_VBD_currently_attached, hval_bool(
	    strcmp(db_str(&c->x->db, vm, F_VM_power_state), "Suspended") == 0 &&
	    xva_bool(snap, "currently_attached", 0)));
	if (fails)
		return oom(c);
	if (device_created(c->x, vbd, c->r) == -1)
		return -1;
	c->map[k] = vbd;
	return 0;
}

/* A VIF on the new VM and the network found or made for its own; a new MAC unless
   restoring. */
static int
do_vif(struct cstate *c, size_t k)
{
	static const enum fld	 skip[] = { F_VIF_VM, F_VIF_network, F_VIF_MAC,
		F_VIF_currently_attached };
	const struct val	*snap = c->ova.objs[k].snap;
	struct obj		*vm, *net, *vif;
	int			 fails = 0;

	if (existing_device(c, k, C_VIF))
		return 0;
	if ((vm = device_vm(c, snap)) == NULL)
		return -1;
	if ((net = lookup(c, xva_str(snap, "network"))) == NULL || net->cls != C_network)
		return not_found(c, xva_str(snap, "network"));
	if ((vif = new_from(c, C_VIF, k, COPY_CREATE, skip, nitems(skip))) ==
	    NULL)
		return -1;
	fails |= db_set(&c->x->db, vif, F_VIF_VM, hval_string(vm->ref));
	fails |= db_set(&c->x->db, vif, F_VIF_network, hval_string(net->ref));
	fails |= db_set(&c->x->db, vif, F_VIF_MAC, hval_string(c->restore ?
	    xva_str(snap, "MAC") : ""));
	fails |= db_set(&c->x->db, vif, F_VIF_currently_attached, hval_bool(
	    strcmp(db_str(&c->x->db, vm, F_VM_power_state), "Halted") != 0 &&
	    xva_bool(snap, "currently_attached", 0)));
	if (fails || map_put(c, vif, F_VIF_other_config, VIF_MAP_KEY, NULL) == -1)
		return oom(c);
	if (device_created(c->x, vif, c->r) == -1)
		return -1;
	c->map[k] = vif;
	return 0;
}

/* The handlers, in the order XAPI's import runs them. */
static const struct {
	const char	*cls;
	int		(*handle)(struct cstate *, size_t);
} handlers[] = {
	{ "host", do_host },
	{ "SR", do_sr },
	{ "VDI", do_vdi },
	{ "VM_guest_metrics", do_metrics },
	{ "VM_metrics", do_metrics },
	{ "VM", do_vm },
	{ "network", do_network },
	{ "VBD", do_vbd },
	{ "VIF", do_vif },
};

/* update_snapshot_and_parent_links: the ids of the archive in snapshot_of and parent
   become the new VMs' refs (a parent not imported: none). */
static int
links(struct cstate *c)
{
	struct db	*db = &c->x->db;
	struct obj	*vm, *to;
	const char	*id;
	size_t		 i;

	for (i = 0; i < c->nmade; i++) {
		if ((vm = c->made[i]) == NULL || vm->cls != C_VM)
			continue;
		id = db_str(db, vm, F_VM_snapshot_of);
		if (db_get(db, vm, F_VM_is_a_snapshot)->u.b && strcmp(id, NULL_REF) != 0 &&
		    id[0] != '\0') {
			if ((to = lookup(c, id)) == NULL || to->cls != C_VM)
				return not_found(c, id);
			if (db_set(db, vm, F_VM_snapshot_of, hval_string(to->ref)) == -1)
				return oom(c);
		} else if (db_find(db, id, strlen(id)) == NULL &&
		    db_set(db, vm, F_VM_snapshot_of, hval_string(NULL_REF)) == -1)
			return oom(c);
		id = db_str(db, vm, F_VM_parent);
		to = lookup(c, id);
		if (db_set(db, vm, F_VM_parent, hval_string(to != NULL && to->cls == C_VM ?
		    to->ref : NULL_REF)) == -1)
			return oom(c);
	}
	return 0;
}

/* The task's result: the VMs imported but their snapshots, or the snapshots when that is
   all there was (complete_import), each once. */
static int
result(struct cstate *c)
{
	struct val	*a;
	size_t		 i, j;
	int		 snaps;

	if ((a = rpc_array(c->x, c->nvms)) == NULL)
		return oom(c);
	for (i = 0, snaps = 1; i < c->nvms; i++)
		snaps &= db_get(&c->x->db, c->vms[i], F_VM_is_a_snapshot)->u.b;
	for (i = 0; i < c->nvms; i++) {
		if (!snaps && db_get(&c->x->db, c->vms[i], F_VM_is_a_snapshot)->u.b)
			continue;
		for (j = 0; j < a->u.a.n; j++)
			if (strcmp(a->u.a.items[j]->u.s.p, c->vms[i]->ref) == 0)
				break;
		if (j == a->u.a.n && (a->u.a.items[a->u.a.n++] = rpc_str(c->x,
		    rpc_printf(c->x, "%s", c->vms[i]->ref))) == NULL)
			return oom(c);
	}
	rpc_ok(c->r, a);
	return 0;
}

/* Destroys the replaced VM's objects not taken again. */
static void
drop_reuse(struct cstate *c)
{
	size_t	i;

	for (i = 0; i < c->nreuse; i++)
		if (c->reuse[i] != NULL)
			db_destroy(&c->x->db, c->reuse[i]);
	c->nreuse = 0;
}

/* Undoes every record made (and the VDIs' files), newest first. */
static void
undo(struct cstate *c)
{
	size_t	i;

	for (i = c->nmade; i-- > 0;) {
		if (c->made[i] == NULL)
			continue;
		if (c->made[i]->cls == C_VDI)
			storage_vdi_remove(c->x, c->made[i]);
		db_destroy(&c->x->db, c->made[i]);
	}
	c->nmade = 0;
}

/* Removes the work directory and whatever the worker left in it. */
static void
remove_workdir(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[600];

	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			(void)unlink(path);
		}
		closedir(d);
	}
	(void)rmdir(dir);
}

/* Reads the work directory's ova.xml into c->ova (arena a). 0, or -1 with r filled. */
static int
read_ova(struct cstate *c, struct arena *a)
{
	struct xva_err	 e;
	struct stat	 st;
	char		 path[600], *text;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd;

	snprintf(path, sizeof(path), "%s/%s", c->dir, XVA_OVA_XML);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &st) == -1 ||
	    st.st_size > XVA_OVA_XML_MAX ||
	    (text = arena_alloc(a, (size_t)st.st_size + 1)) == NULL) {
		if (fd != -1)
			close(fd);
		return bad(c, "INTERNAL_ERROR", "the import's %s cannot be read", path);
	}
	while (got < (size_t)st.st_size && (n = read(fd, text + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (xva_ova_parse(a, text, got, &c->ova, &e) == -1)
		return e.param[0] != '\0' ? bad(c, e.code, "%s", e.param) :
		    (rpc_fail(c->x, c->r, e.code, 0), -1);
	return 0;
}

/* The worker failed: its error line is the task's. */
static void
worker_failed(struct xapi *x, int status, const char *const *err, size_t nerr,
    struct rpc_reply *r)
{
	size_t	i;

	if (nerr == 0) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, rpc_printf(x, "the import's worker failed "
		    "(status %d)", status));
		return;
	}
	if ((r->err = arena_alloc(&x->arena, nerr * sizeof(*r->err))) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	for (i = 0; i < nerr; i++)
		if ((r->err[i] = arena_strndup(&x->arena, err[i], strlen(err[i]))) == NULL)
			r->err[i] = "";
	r->nerr = nerr;
	r->value = NULL;
}

/* Makes the records; 0, or -1 with r filled and everything made undone. */
static int
commit(struct cstate *c)
{
	struct arena	 a;
	size_t		 i, h;
	int		 fails = 0;

	arena_init(&a, XVA_OVA_ARENA_MAX);
	if (read_ova(c, &a) == -1 || (c->restore && check_mac_seeds(c) == -1)) {
		arena_free(&a);
		return -1;
	}
	/* Each object makes at most two (a VM and its metrics). */
	c->map = calloc(c->ova.nobjs + 1, sizeof(*c->map));
	c->made = calloc(2 * c->ova.nobjs + 1, sizeof(*c->made));
	c->vms = calloc(c->ova.nobjs + 1, sizeof(*c->vms));
	c->reuse = calloc(c->ova.nobjs + 1 + c->x->db.n[C_VBD] + c->x->db.n[C_VIF],
	    sizeof(*c->reuse));
	if (c->map == NULL || c->made == NULL || c->vms == NULL || c->reuse == NULL)
		fails = oom(c);
	for (h = 0; !fails && h < nitems(handlers); h++)
		for (i = 0; !fails && i < c->ova.nobjs; i++)
			if (strcmp(c->ova.objs[i].cls, handlers[h].cls) == 0)
				fails = handlers[h].handle(c, i) == -1;
	if (!fails)
		fails = links(c) == -1 || result(c) == -1;
	if (fails)
		undo(c);
	drop_reuse(c);
	free(c->reuse);
	free(c->map);
	free(c->made);
	free(c->vms);
	arena_free(&a);
	return fails ? -1 : 0;
}

void
xva_import_done(struct xapi *x, const char *ctx, int status, const char *const *err,
    size_t nerr, struct rpc_reply *r)
{
	struct cstate	 c;
	char		 copy[1024], *part[XVA_CTX__COUNT], *p;
	int		 i;

	snprintf(copy, sizeof(copy), "%s", ctx);
	for (i = 0, p = copy; i < XVA_CTX__COUNT; i++) {
		part[i] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
		else
			p = copy + strlen(copy);
	}
	memset(&c, 0, sizeof(c));
	c.x = x;
	c.r = r;
	c.dir = part[XVA_CTX_DIR];
	c.task = part[XVA_CTX_TASK];
	c.restore = strcmp(part[XVA_CTX_RESTORE], "1") == 0;
	c.force = strcmp(part[XVA_CTX_FORCE], "1") == 0;
	c.sr = db_find(&x->db, part[XVA_CTX_SR], strlen(part[XVA_CTX_SR]));
	if (status != 0)
		worker_failed(x, status, err, nerr, r);
	else if (c.sr == NULL || c.sr->cls != C_SR)
		rpc_fail(x, r, "HANDLE_INVALID", 2, "SR", part[XVA_CTX_SR]);
	else
		(void)commit(&c);
	remove_workdir(c.dir);
	if (c.sr != NULL && c.sr->cls == C_SR)
		storage_account(x, c.sr);
}
