/*
 * Reading an XVA's ova.xml (xva_ova.h) as XAPI's import does: the header record
 * (Importexport.header_of_rpc), the version check (assert_compatible) and the disks whose
 * data follows in the archive (Import.non_cdrom_vdis), in the order the export sends them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "hval.h"
#include "nitems.h"
#include "xmlrpc.h"
#include "xva_ova.h"

static int
fail(struct xva_err *e, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct xva_err *e, const char *code, const char *fmt, ...)
{
	va_list	ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->param, sizeof(e->param), fmt, ap);
	va_end(ap);
	return -1;
}

struct val *
xva_field(const struct val *snap, const char *name)
{
	if (snap == NULL || snap->type != VAL_STRUCT)
		return NULL;
	return hval_get(snap, name, strlen(name));
}

const char *
xva_str(const struct val *snap, const char *name)
{
	const struct val	*v = xva_field(snap, name);

	return v != NULL && v->type == VAL_STRING ? v->u.s.p : "";
}

int
xva_int(const struct val *snap, const char *name, long long *out)
{
	const struct val	*v = xva_field(snap, name);

	return v != NULL ? db_val_int(v, out) : -1;
}

int
xva_bool(const struct val *snap, const char *name, int dflt)
{
	const struct val	*v = xva_field(snap, name);

	if (v != NULL && v->type == VAL_BOOL)
		return v->u.b;
	if (v != NULL && v->type == VAL_STRING && strcmp(v->u.s.p, "true") == 0)
		return 1;
	if (v != NULL && v->type == VAL_STRING && strcmp(v->u.s.p, "false") == 0)
		return 0;
	return dflt;
}

const struct xva_obj *
xva_find(const struct xva_ova *o, const char *id)
{
	size_t	i;

	for (i = 0; i < o->nobjs; i++)
		if (strcmp(o->objs[i].id, id) == 0)
			return &o->objs[i];
	return NULL;
}

void
xva_disk_file(size_t i, char *out, size_t len)
{
	snprintf(out, len, "%zu", i);
}

/* The version record: every field XAPI's version_of_rpc requires, and a host no newer
   than the one xapi-lite answers for. */
static int
version(const struct val *v, struct xva_ova *o, struct xva_err *e)
{
	static const char *const strings[] = { "hostname", "date", "product_version",
		"product_brand", "build_number" };
	long long	major, minor, vsn;
	size_t		i;

	if (v == NULL || v->type != VAL_STRUCT)
		return fail(e, "IMPORT_ERROR", "ova.xml: no version record");
	for (i = 0; i < nitems(strings); i++)
		if (xva_field(v, strings[i]) == NULL)
			return fail(e, "IMPORT_ERROR", "Failed to find key '%s' in version data",
			    strings[i]);
	if (xva_int(v, "xapi_major", &major) == -1)
		return fail(e, "IMPORT_ERROR", "Failed to find key 'xapi_major' in version data");
	if (xva_int(v, "xapi_minor", &minor) == -1)
		return fail(e, "IMPORT_ERROR", "Failed to find key 'xapi_minor' in version data");
	if (major > XVA_XAPI_MAJOR || (major == XVA_XAPI_MAJOR && minor > XVA_XAPI_MINOR))
		return fail(e, "IMPORT_INCOMPATIBLE_VERSION", "%s", "");
	/* export_vsn: 0 when absent, as XAPI reads it. */
	o->export_vsn = xva_int(v, "export_vsn", &vsn) == 0 && vsn >= 0 && vsn < 1000 ?
	    (int)vsn : 0;
	return 0;
}

static int
objects(struct arena *a, const struct val *v, struct xva_ova *o, struct xva_err *e)
{
	size_t	i;

	if (v == NULL || v->type != VAL_ARRAY)
		return fail(e, "IMPORT_ERROR", "ova.xml: no objects array");
	if ((o->objs = arena_alloc(a, (v->u.a.n + 1) * sizeof(*o->objs))) == NULL)
		return fail(e, "IMPORT_ERROR", "ova.xml: out of memory");
	for (i = 0; i < v->u.a.n; i++) {
		struct val	*ob = v->u.a.items[i], *c, *id, *snap;

		c = xva_field(ob, "class");
		id = xva_field(ob, "id");
		snap = xva_field(ob, "snapshot");
		if (c == NULL || c->type != VAL_STRING || id == NULL || id->type != VAL_STRING ||
		    snap == NULL || snap->type != VAL_STRUCT)
			return fail(e, "IMPORT_ERROR", "ova.xml: object %zu has no class, id or "
			    "snapshot record", i);
		o->objs[i].cls = c->u.s.p;
		o->objs[i].id = id->u.s.p;
		o->objs[i].snap = snap;
	}
	o->nobjs = v->u.a.n;
	return 0;
}

/* The SR of VDI object vdi, as find_in_export finds it; NULL with e filled. */
static const struct xva_obj *
sr_of(const struct xva_ova *o, const struct xva_obj *vdi, struct xva_err *e)
{
	const char		*id = xva_str(vdi->snap, "SR");
	const struct xva_obj	*sr = xva_find(o, id);

	if (sr == NULL)
		fail(e, "IMPORT_ERROR_FAILED_TO_FIND_OBJECT", "%s", id);
	return sr;
}

static int
disk_cmp(const void *a, const void *b)
{
	return strcmp(((const struct xva_disk *)a)->id, ((const struct xva_disk *)b)->id);
}

/* Adds VDI object k to the disks once. 0, or -1 with e filled. */
static int
add_disk(struct xva_ova *o, size_t k, struct xva_err *e)
{
	size_t		i;
	long long	size;

	for (i = 0; i < o->ndisks; i++)
		if (o->disks[i].obj == k)
			return 0;
	if (xva_int(o->objs[k].snap, "virtual_size", &size) == -1 || size < 0)
		return fail(e, "IMPORT_ERROR", "ova.xml: VDI %s has no virtual_size", o->objs[k].id);
	o->disks[o->ndisks].id = o->objs[k].id;
	o->disks[o->ndisks].size = size;
	o->disks[o->ndisks++].obj = k;
	return 0;
}

/*
 * The disks streamed: the VDIs of VBDs that are not CD drives and of suspend images,
 * but those on an ISO SR (ejected, never sent). Every VDI's SR must be in the archive,
 * as XAPI's VDI handler requires.
 */
static int
disks(struct arena *a, struct xva_ova *o, struct xva_err *e)
{
	const struct xva_obj	*vdi, *sr;
	size_t			 i;

	if ((o->disks = arena_alloc(a, (o->nobjs + 1) * sizeof(*o->disks))) == NULL)
		return fail(e, "IMPORT_ERROR", "ova.xml: out of memory");
	o->ndisks = 0;
	for (i = 0; i < o->nobjs; i++) {
		if (strcmp(o->objs[i].cls, "VDI") != 0)
			continue;
		if ((sr = sr_of(o, &o->objs[i], e)) == NULL)
			return -1;
		if (strcasecmp(xva_str(o->objs[i].snap, "type"), "suspend") == 0 &&
		    strcmp(xva_str(sr->snap, "content_type"), "iso") != 0 &&
		    add_disk(o, i, e) == -1)
			return -1;
	}
	for (i = 0; i < o->nobjs; i++) {
		if (strcmp(o->objs[i].cls, "VBD") != 0 ||
		    strcasecmp(xva_str(o->objs[i].snap, "type"), "CD") == 0)
			continue;
		vdi = xva_find(o, xva_str(o->objs[i].snap, "VDI"));
		if (vdi == NULL || strcmp(vdi->cls, "VDI") != 0)
			return fail(e, "IMPORT_ERROR_FAILED_TO_FIND_OBJECT", "%s",
			    xva_str(o->objs[i].snap, "VDI"));
		if ((sr = sr_of(o, vdi, e)) == NULL)
			return -1;
		if (strcmp(xva_str(sr->snap, "content_type"), "iso") != 0 &&
		    add_disk(o, (size_t)(vdi - o->objs), e) == -1)
			return -1;
	}
	qsort(o->disks, o->ndisks, sizeof(*o->disks), disk_cmp);
	return 0;
}

int
xva_ova_parse(struct arena *a, const char *text, size_t len, struct xva_ova *o,
    struct xva_err *e)
{
	struct val	*root;
	char		 why[160];

	memset(o, 0, sizeof(*o));
	if (xmlrpc_parse_value(a, text, len, &root, why, sizeof(why)) == -1)
		return fail(e, "IMPORT_ERROR", "ova.xml: %s", why);
	if (root->type != VAL_STRUCT)
		return fail(e, "IMPORT_ERROR", "ova.xml: not a struct of version and objects");
	if (version(xva_field(root, "version"), o, e) == -1 ||
	    objects(a, xva_field(root, "objects"), o, e) == -1 || disks(a, o, e) == -1)
		return -1;
	return 0;
}
