/*
 * An XVA export's ova.xml (ova.h), as XAPI's export.ml makes it: update_table numbers the
 * refs the export names ("Ref:0", "Ref:1"... in its order, OpaqueRef:NULL included when a
 * VM field holds it), make_all takes each class's objects whose ref is in the table, and
 * each make_* rewrites its record: refs to named objects become their ids, refs to others
 * OpaqueRef:NULL, ref lists keep only named objects, and what only makes sense on this
 * host (operations, PBDs, PIFs, consoles, a VM's snapshots) is emptied. Fields make_* does
 * not touch go out as they are, as XAPI's do. The records are xapi-lite's own get_record
 * values and the text lib/xmlrpc.c's writer, ocaml-rpc's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hval.h"
#include "nitems.h"
#include "ova.h"
#include "rpc_impl.h"
#include "xmlrpc.h"

#define NULL_REF	"OpaqueRef:NULL"
#define OVA_HOSTNAME	"localhost"	/* Xapi_version.hostname */

/* How make_* rewrites a field. */
enum rule {
	LOOKUP,		/* a ref: its id, or OpaqueRef:NULL */
	FILTER,		/* a ref list: the ids of those named */
	NO_SET,		/* [] */
	NO_MAP,		/* {} */
	NO_REF,		/* OpaqueRef:NULL */
	NO_STR,		/* "" */
	NO,		/* false */
	EPOCH,		/* 19700101T00:00:00Z */
	POWER,		/* preserve_power_state ? as it is : "Halted" */
	SUSPEND,	/* preserve_power_state ? LOOKUP : NO_REF */
	ATTACHED,	/* preserve_power_state ? as it is : false */
};

struct rewrite {
	enum fld	f;
	enum rule	r;
};

/* make_host: a host named by a VM's affinity, without what belongs to it alone. */
static const struct rewrite host_rules[] = {
	{ F_host_PIFs, NO_SET }, { F_host_PBDs, NO_SET }, { F_host_PGPUs, NO_SET },
	{ F_host_PCIs, NO_SET }, { F_host_host_CPUs, NO_SET }, { F_host_license_params, NO_MAP },
	{ F_host_blobs, NO_MAP }, { F_host_external_auth_type, NO_STR },
	{ F_host_external_auth_service_name, NO_STR },
	{ F_host_external_auth_configuration, NO_MAP }, { F_host_metrics, NO_REF },
	{ F_host_patches, NO_SET }, { F_host_crashdumps, NO_SET }, { F_host_logging, NO_MAP },
	{ F_host_supported_bootloaders, NO_SET }, { F_host_cpu_configuration, NO_MAP },
	{ F_host_other_config, NO_MAP }, { F_host_capabilities, NO_SET },
	{ F_host_software_version, NO_MAP }, { F_host_sched_policy, NO_STR },
	{ F_host_ha_statefiles, NO_SET }, { F_host_ha_network_peers, NO_SET },
	{ F_host_tags, NO_SET }, { F_host_crash_dump_sr, LOOKUP },
	{ F_host_suspend_image_sr, LOOKUP }, { F_host_resident_VMs, FILTER },
};

/* make_vm without snapshot metadata (VM.export). */
static const struct rewrite vm_rules[] = {
	{ F_VM_power_state, POWER }, { F_VM_suspend_VDI, SUSPEND },
	{ F_VM_is_a_snapshot, NO }, { F_VM_snapshot_of, NO_REF }, { F_VM_snapshots, NO_SET },
	{ F_VM_snapshot_time, EPOCH }, { F_VM_transportable_snapshot_id, NO_STR },
	{ F_VM_parent, NO_REF }, { F_VM_current_operations, NO_MAP },
	{ F_VM_allowed_operations, NO_SET }, { F_VM_VIFs, FILTER }, { F_VM_VBDs, FILTER },
	{ F_VM_VGPUs, FILTER }, { F_VM_crash_dumps, NO_SET }, { F_VM_VTPMs, FILTER },
	{ F_VM_resident_on, LOOKUP }, { F_VM_affinity, LOOKUP }, { F_VM_consoles, NO_SET },
	{ F_VM_metrics, LOOKUP }, { F_VM_guest_metrics, LOOKUP },
	{ F_VM_protection_policy, NO_REF }, { F_VM_blobs, NO_MAP },
};

static const struct rewrite vif_rules[] = {
	{ F_VIF_currently_attached, ATTACHED }, { F_VIF_network, LOOKUP },
	{ F_VIF_VM, LOOKUP }, { F_VIF_current_operations, NO_MAP },
	{ F_VIF_allowed_operations, NO_SET },
};

static const struct rewrite vbd_rules[] = {
	{ F_VBD_currently_attached, ATTACHED }, { F_VBD_VDI, LOOKUP }, { F_VBD_VM, LOOKUP },
	{ F_VBD_current_operations, NO_MAP }, { F_VBD_allowed_operations, NO_SET },
};

static const struct rewrite network_rules[] = {
	{ F_network_VIFs, FILTER }, { F_network_PIFs, NO_SET },
	{ F_network_current_operations, NO_MAP }, { F_network_allowed_operations, NO_SET },
};

static const struct rewrite vdi_rules[] = {
	{ F_VDI_VBDs, FILTER }, { F_VDI_crash_dumps, NO_SET }, { F_VDI_SR, LOOKUP },
	{ F_VDI_current_operations, NO_MAP }, { F_VDI_allowed_operations, NO_SET },
};

static const struct rewrite sr_rules[] = {
	{ F_SR_VDIs, FILTER }, { F_SR_PBDs, NO_SET }, { F_SR_current_operations, NO_MAP },
	{ F_SR_allowed_operations, NO_SET },
};

#define RULES(c, t)	{ c, t, nitems(t) }

/* make_all's classes, in its order; those XAPI has and xapi-lite does not (VGPUs, PVS,
   VTPMs) never appear. */
static const struct {
	enum cls		 cls;
	const struct rewrite	*rules;
	size_t			 n;
} classes[] = {
	RULES(C_host, host_rules), RULES(C_VM, vm_rules), { C_VM_metrics, NULL, 0 },
	{ C_VM_guest_metrics, NULL, 0 }, RULES(C_VBD, vbd_rules), RULES(C_VIF, vif_rules),
	RULES(C_network, network_rules), RULES(C_VDI, vdi_rules), RULES(C_SR, sr_rules),
};

/* ---- the table ---- */

const char *
ova_id(const struct ova_table *t, const char *ref)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->e[i].ref, ref) == 0)
			return t->e[i].id;
	return NULL;
}

/* XAPI's add: a ref the table does not have yet gets the next id. 0 or -1. */
static int
add(struct ova_table *t, const char *ref, char *why, size_t whylen)
{
	if (ova_id(t, ref) != NULL)
		return 0;
	if (t->n == OVA_MAX_OBJECTS) {
		snprintf(why, whylen, "the export would name more than %d objects",
		    OVA_MAX_OBJECTS);
		return -1;
	}
	if (t->e == NULL && (t->e = calloc(OVA_MAX_OBJECTS, sizeof(*t->e))) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	if ((t->e[t->n].ref = strdup(ref)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	snprintf(t->e[t->n].id, OVA_ID_LEN, "Ref:%zu", t->n);
	t->n++;
	return 0;
}

static int
add_field(struct xapi *x, struct ova_table *t, struct obj *o, enum fld f, char *why,
    size_t whylen)
{
	return add(t, db_str(&x->db, o, f), why, whylen);
}

/* The object ref names if it is of class c, else NULL. */
static struct obj *
object(struct xapi *x, const char *ref, enum cls c)
{
	struct obj	*o = db_find(&x->db, ref, strlen(ref));

	return o != NULL && o->cls == c ? o : NULL;
}

/* add_vdi: the VDI and its SR. XAPI reads the VDI's record: one that does not exist
   fails the export. */
static int
add_vdi(struct xapi *x, struct ova_table *t, const char *ref, char *why, size_t whylen)
{
	struct obj	*vdi = object(x, ref, C_VDI);

	if (add(t, ref, why, whylen) == -1)
		return -1;
	if (vdi == NULL) {
		snprintf(why, whylen, "HANDLE_INVALID VDI %s", ref);
		return -1;
	}
	return add_field(x, t, vdi, F_VDI_SR, why, whylen);
}

int
ova_table_vm(struct xapi *x, struct ova_table *t, struct obj *vm, int preserve,
    char *why, size_t whylen)
{
	struct val	*vifs, *vbds;
	struct obj	*o;
	size_t		 i;
	int		 fails;

	t->e = NULL;
	t->n = 0;
	if (add(t, vm->ref, why, whylen) == -1 ||
	    (vifs = db_field(&x->db, vm, F_VM_VIFs, &x->arena)) == NULL ||
	    (vbds = db_field(&x->db, vm, F_VM_VBDs, &x->arena)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	for (i = 0; i < vifs->u.a.n; i++)
		if ((o = object(x, vifs->u.a.items[i]->u.s.p, C_VIF)) != NULL &&
		    (add(t, o->ref, why, whylen) == -1 ||
		    add_field(x, t, o, F_VIF_network, why, whylen) == -1))
			return -1;
	for (i = 0; i < vbds->u.a.n; i++) {
		if ((o = object(x, vbds->u.a.items[i]->u.s.p, C_VBD)) == NULL)
			continue;
		if (add(t, o->ref, why, whylen) == -1 || (!db_get(&x->db, o, F_VBD_empty)->u.b &&
		    add_vdi(x, t, db_str(&x->db, o, F_VBD_VDI), why, whylen) == -1))
			return -1;
	}
	/* xapi-lite has no VGPUs, PVS proxies or VTPMs to follow; snapshots and the parent
	   are for metadata exports only. */
	if (preserve && strcmp(db_str(&x->db, vm, F_VM_power_state), "Suspended") == 0 &&
	    object(x, db_str(&x->db, vm, F_VM_suspend_VDI), C_VDI) != NULL &&
	    add_vdi(x, t, db_str(&x->db, vm, F_VM_suspend_VDI), why, whylen) == -1)
		return -1;
	fails = add_field(x, t, vm, F_VM_metrics, why, whylen) == -1 ||
	    add_field(x, t, vm, F_VM_guest_metrics, why, whylen) == -1 ||
	    add_field(x, t, vm, F_VM_resident_on, why, whylen) == -1 ||
	    add_field(x, t, vm, F_VM_affinity, why, whylen) == -1;
	return fails ? -1 : 0;
}

void
ova_table_free(struct ova_table *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		free(t->e[i].ref);
	free(t->e);
	t->e = NULL;
	t->n = 0;
}

/* ---- the records ---- */

/* ref's id, or OpaqueRef:NULL (XAPI's lookup). */
static struct val *
lookup(struct xapi *x, const struct ova_table *t, const struct val *ref)
{
	const char	*id = ref->type == VAL_STRING ? ova_id(t, ref->u.s.p) : NULL;

	return rpc_str(x, id != NULL ? id : NULL_REF);
}

/* The ids of the named refs of list (XAPI's filter). */
static struct val *
filter(struct xapi *x, const struct ova_table *t, const struct val *list)
{
	struct val	*a = rpc_array(x, list->u.a.n), *v;
	const char	*id;
	size_t		 i;

	for (i = 0; a != NULL && i < list->u.a.n; i++) {
		if (list->u.a.items[i]->type != VAL_STRING ||
		    (id = ova_id(t, list->u.a.items[i]->u.s.p)) == NULL)
			continue;
		if ((v = rpc_str(x, id)) == NULL)
			return NULL;
		a->u.a.items[a->u.a.n++] = v;
	}
	return a;
}

/* What rule makes of value v. NULL when out of memory. */
static struct val *
rewrite(struct xapi *x, const struct ova_table *t, enum rule r, int preserve,
    struct val *v)
{
	char		 epoch[20];
	struct val	*d;

	switch (r) {
	case LOOKUP:
		return lookup(x, t, v);
	case FILTER:
		return filter(x, t, v);
	case NO_SET:
		return rpc_array(x, 0);
	case NO_MAP:
		return rpc_val(x, VAL_STRUCT);
	case NO_REF:
		return rpc_str(x, NULL_REF);
	case NO_STR:
		return rpc_str(x, "");
	case NO:
		return rpc_bool(x, 0);
	case EPOCH:
		hval_format_time(0, epoch);
		if ((d = rpc_str(x, rpc_printf(x, "%s", epoch))) != NULL)
			d->type = VAL_DATETIME;
		return d;
	case POWER:
		return preserve ? v : rpc_str(x, "Halted");
	case SUSPEND:
		return preserve ? lookup(x, t, v) : rpc_str(x, NULL_REF);
	case ATTACHED:
		return preserve ? v : rpc_bool(x, 0);
	}
	return NULL;
}

/* o's record as make_* makes it, or NULL. */
static struct val *
snapshot(struct xapi *x, const struct ova_table *t, struct obj *o,
    const struct rewrite *rules, size_t n, int preserve)
{
	struct val	*rec = db_record(&x->db, o, &x->arena);
	size_t		 i;

	if (rec == NULL)
		return NULL;
	/* db_record's members are the class's fields in order: field f is member
	   f - first. Its values are the database's: replace, never edit. */
	for (i = 0; i < n; i++) {
		size_t	m = (size_t)(rules[i].f - x->db.first[o->cls]);

		if ((rec->u.st.m[m].v = rewrite(x, t, rules[i].r, preserve,
		    rec->u.st.m[m].v)) == NULL)
			return NULL;
	}
	return rec;
}

/* A struct of n members in the arena, named names[i], values to fill. */
static struct val *
record(struct xapi *x, const char *const names[], size_t n)
{
	struct val	*s = rpc_val(x, VAL_STRUCT);
	size_t		 i;

	if (s == NULL || (s->u.st.m = arena_alloc(&x->arena, n * sizeof(*s->u.st.m))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		s->u.st.m[i].name = names[i];
		s->u.st.m[i].namelen = strlen(names[i]);
		s->u.st.m[i].v = NULL;
	}
	s->u.st.n = n;
	return s;
}

static struct val *
integer(struct xapi *x, long long i)
{
	struct val	*v = rpc_val(x, VAL_INT);

	if (v != NULL)
		v->u.i = i;
	return v;
}

/* A key of the host's software_version, or "". */
static struct val *
software(struct xapi *x, const char *key)
{
	const struct val	*v = hval_get(db_get(&x->db, x->host, F_host_software_version),
				    key, strlen(key));

	return rpc_str(x, v != NULL && v->type == VAL_STRING ? v->u.s.p : "");
}

/* importexport.ml's rpc_of_version. */
static struct val *
version(struct xapi *x, int xapi_minor)
{
	static const char *const names[] = { "hostname", "date", "product_version",
		"product_brand", "build_number", "xapi_major", "xapi_minor", "export_vsn" };
	struct val	*v = record(x, names, 8);

	if (v == NULL)
		return NULL;
	v->u.st.m[0].v = rpc_str(x, OVA_HOSTNAME);
	v->u.st.m[1].v = software(x, "date");
	v->u.st.m[2].v = software(x, "product_version");
	v->u.st.m[3].v = software(x, "product_brand");
	v->u.st.m[4].v = software(x, "build_number");
	v->u.st.m[5].v = integer(x, OVA_XAPI_MAJOR);
	v->u.st.m[6].v = integer(x, xapi_minor);
	v->u.st.m[7].v = integer(x, OVA_EXPORT_VSN);
	return v;
}

int
ova_write(struct xapi *x, const struct ova_table *t, int preserve, int xapi_minor,
    struct buf *b)
{
	static const char *const top[] = { "version", "objects" };
	static const char *const fields[] = { "class", "id", "snapshot" };
	struct val	*h = record(x, top, 2), *objs = rpc_array(x, t->n), *ob;
	size_t		 k, i, m;

	if (h == NULL || objs == NULL || (h->u.st.m[0].v = version(x, xapi_minor)) == NULL)
		return -1;
	for (m = 0; m < h->u.st.m[0].v->u.st.n; m++)
		if (h->u.st.m[0].v->u.st.m[m].v == NULL)
			return -1;
	h->u.st.m[1].v = objs;
	for (k = 0; k < nitems(classes); k++)
		for (i = 0; i < x->db.n[classes[k].cls]; i++) {
			struct obj	*o = x->db.objs[classes[k].cls][i];
			const char	*id = ova_id(t, o->ref);

			if (id == NULL)
				continue;
			/* The table holds each ref once, so objs has room. */
			if ((ob = record(x, fields, 3)) == NULL ||
			    (ob->u.st.m[0].v = rpc_str(x, model_classes[o->cls].name)) == NULL ||
			    (ob->u.st.m[1].v = rpc_str(x, id)) == NULL ||
			    (ob->u.st.m[2].v = snapshot(x, t, o, classes[k].rules, classes[k].n,
			    preserve)) == NULL)
				return -1;
			objs->u.a.items[objs->u.a.n++] = ob;
		}
	return xmlrpc_write_value(b, h);
}
