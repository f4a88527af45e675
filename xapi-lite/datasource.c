/*
 * The data source calls of host and VM (xapi_host.ml, xapi_vm.ml over rrdd_server.ml):
 * get_data_sources lists an owner's data sources as data_source records (value 0, as
 * XAPI's to_API_data_source leaves it), query_data_source reads one's newest 5 s value,
 * record_data_source enables one that is being measured (each measured one already is),
 * forget_data_source_archives drops one's data (it comes back with its next sample, as
 * rrdd re-adds a default source). A VM's calls work on its RRD while it has one: without,
 * get_data_sources is empty, forget does nothing and the other two fail as rrdd does.
 */
#include <math.h>
#include <string.h>

#include "calls.h"
#include "nitems.h"
#include "rpc_impl.h"
#include "rrd.h"
#include "stats.h"

/* What rrdd says of the data sources the sampler makes (its plugins' Ds.ds_make): a name
   that is prefix, then digits (DIGITS) or any text (ANY) or nothing (EXACT), then suffix. */
enum { EXACT, DIGITS, ANY };
static const struct ds_meta {
	const char	*prefix, *suffix;
	int		 middle;
	const char	*host_desc, *vm_desc, *units;	/* desc: NULL when the owner has none */
	double		 max;
} metas[] = {
	{ "cpu_avg", "", EXACT, "Average physical cpu usage", NULL, "(fraction)", 1 },
	{ "cpu", "", DIGITS, "Physical cpu usage for cpu %s", "CPU%s usage", "(fraction)", 1 },
	{ "loadavg", "", EXACT, "Domain0 loadavg", NULL, "(fraction)", INFINITY },
	{ "memory_total_kib", "", EXACT, "Total amount of memory in the host", NULL, "KiB",
	  INFINITY },
	{ "memory_free_kib", "", EXACT, "Total amount of free memory", NULL, "KiB", INFINITY },
	{ "xapi_memory_usage_kib", "", EXACT, "Total memory allocated used by xapi daemon",
	  NULL, "KiB", INFINITY },
	{ "memory_internal_free", "", EXACT, NULL, "Memory used as reported by the guest agent",
	  "KiB", INFINITY },
	{ "memory", "", EXACT, NULL, "Memory currently allocated to VM", "B", INFINITY },
	{ "pif_", "_rx", ANY, "Bytes per second received on physical interface %s", NULL,
	  "B/s", INFINITY },
	{ "pif_", "_tx", ANY, "Bytes per second sent on physical interface %s", NULL, "B/s",
	  INFINITY },
	{ "vif_", "_rx", DIGITS, NULL, "Bytes per second received on virtual interface number "
	  "'%s'", "B/s", INFINITY },
	{ "vif_", "_tx", DIGITS, NULL, "Bytes per second transmitted on virtual interface "
	  "number '%s'", "B/s", INFINITY },
	{ "vbd_", "_read", ANY, NULL, "Reads from device '%s' in bytes per second", "B/s",
	  INFINITY },
	{ "vbd_", "_write", ANY, NULL, "Writes to device '%s' in bytes per second", "B/s",
	  INFINITY },
};

/* The metadata of name for an owner (host or VM), with the part between prefix and
   suffix into middle (RRD_NAME_MAX bytes); NULL when rrdd has none for it. */
static const struct ds_meta *
meta_of(const char *name, int host, char *middle)
{
	size_t	i, n = strlen(name);

	for (i = 0; i < nitems(metas); i++) {
		const struct ds_meta	*m = &metas[i];
		size_t			 p = strlen(m->prefix), s = strlen(m->suffix), mid;

		if ((host ? m->host_desc : m->vm_desc) == NULL || n < p + s ||
		    strncmp(name, m->prefix, p) != 0 || strcmp(name + n - s, m->suffix) != 0)
			continue;
		mid = n - p - s;
		if ((m->middle == EXACT && mid != 0) || (m->middle != EXACT && mid == 0) ||
		    (m->middle == DIGITS && strspn(name + p, "0123456789") < mid))
			continue;
		memcpy(middle, name + p, mid);
		middle[mid] = '\0';
		return m;
	}
	return NULL;
}

#define MEMBER(rec, i, nm, val) ((rec)->u.st.m[i].name = (nm), \
	(rec)->u.st.m[i].namelen = strlen(nm), (rec)->u.st.m[i].v = (val))

/* One data_source record, as the datamodel lists its fields. */
static struct val *
record(struct xapi *x, const struct rrd *r, size_t i)
{
	const char		*name = rrd_ds_name(r, i), *desc = "description not available";
	const char		*units = "unknown";
	char			 middle[RRD_NAME_MAX];
	int			 host = strcmp(rrd_owner(r), "host") == 0;
	const struct ds_meta	*m = meta_of(name, host, middle);
	double			 max = INFINITY;
	struct val		*rec = rpc_val(x, VAL_STRUCT);

	if (m != NULL) {
		desc = rpc_printf(x, host ? m->host_desc : m->vm_desc, middle);
		units = m->units;
		max = m->max;
	}
	if (rec == NULL || (rec->u.st.m = arena_alloc(&x->arena, 8 *
	    sizeof(struct val_member))) == NULL)
		return NULL;
	rec->u.st.n = 8;
	MEMBER(rec, 0, "name_label", rpc_str(x, name));
	MEMBER(rec, 1, "name_description", rpc_str(x, desc));
	MEMBER(rec, 2, "enabled", rpc_bool(x, 1));
	MEMBER(rec, 3, "standard", rpc_bool(x, 1));
	MEMBER(rec, 4, "units", rpc_str(x, units));
	MEMBER(rec, 5, "min", rpc_double(x, 0));
	MEMBER(rec, 6, "max", rpc_double(x, max));
	MEMBER(rec, 7, "value", rpc_double(x, 0));
	for (i = 0; i < 8; i++)
		if (rec->u.st.m[i].v == NULL)
			return NULL;
	return rec;
}

static void
list(struct xapi *x, const struct rrd *r, struct rpc_reply *rep)
{
	size_t		 i, n = r != NULL ? rrd_ds_count(r) : 0;
	struct val	*a = rpc_array(x, n);

	for (i = 0; a != NULL && i < n; i++)
		if ((a->u.a.items[a->u.a.n++] = record(x, r, i)) == NULL)
			a = NULL;
	if (a == NULL)
		rpc_fail(x, rep, "INTERNAL_ERROR", 1, "out of memory");
	else
		rpc_ok(rep, a);
}

/* rrdd's Datasource_missing, as xapi passes it on. */
static void
missing(struct xapi *x, struct rpc_reply *rep, const char *what)
{
	rpc_fail(x, rep, "INTERNAL_ERROR", 1, rpc_printf(x,
	    "Rrd_interface.Rrdd_error(Datasource_missing(%s))", what));
}

/* The owner's RRD (the host's, or the VM's of parameter 1) and the data source name of
   parameter 2. Returns 0, or -1 with rep filled. */
static int
args(struct xapi *x, struct val *p, struct rpc_reply *rep, int vm, int named,
    struct rrd **r, const char **name, const char **uuid)
{
	struct obj	*o = rpc_param_ref(x, rep, p, 1, vm ? C_VM : C_host);

	if (o == NULL)
		return -1;
	if (named && (*name = rpc_param_str(p, 2)) == NULL) {
		rpc_fail(x, rep, "FIELD_TYPE_ERROR", 1, "data_source");
		return -1;
	}
	*uuid = db_str(&x->db, o, vm ? F_VM_uuid : F_host_uuid);
	*r = vm ? stats_vm_rrd(x, *uuid) : stats_host_rrd(x);
	return 0;
}

static void
get_sources(struct xapi *x, struct val *p, struct rpc_reply *rep, int vm)
{
	struct rrd	*r;
	const char	*name, *uuid;

	if (args(x, p, rep, vm, 0, &r, &name, &uuid) == 0)
		list(x, r, rep);
}

static void
query(struct xapi *x, struct val *p, struct rpc_reply *rep, int vm)
{
	struct rrd	*r;
	const char	*name, *uuid;
	ssize_t		 i;

	if (args(x, p, rep, vm, 1, &r, &name, &uuid) == -1)
		return;
	if (r == NULL) {
		missing(x, rep, vm ? rpc_printf(x, "VM: %s", uuid) : "No host datasource!");
		return;
	}
	if ((i = rrd_ds_find(r, name)) >= 0) {
		rpc_ok(rep, rpc_double(x, rrd_ds_last(r, (size_t)i)));
		return;
	}
	/* query_named_ds raises Invalid_data_source, which rrdd wraps as an internal error. */
	rpc_fail(x, rep, "INTERNAL_ERROR", 1, rpc_printf(x, "Rrd_interface.Rrdd_error("
	    "Rrdd_internal_error(Rrd.Invalid_data_source(\"%s\")))", name));
}

static void
record_source(struct xapi *x, struct val *p, struct rpc_reply *rep, int vm)
{
	struct rrd	*r;
	const char	*name, *uuid;

	if (args(x, p, rep, vm, 1, &r, &name, &uuid) == -1)
		return;
	if (r == NULL) {
		/* The host's: nothing to add to (Option.iter); a VM's: missing. */
		if (vm)
			missing(x, rep, rpc_printf(x, "VM: %s", uuid));
		else
			rpc_ok(rep, rpc_val(x, VAL_NIL));
		return;
	}
	if (rrd_ds_find(r, name) >= 0) {
		rpc_ok(rep, rpc_val(x, VAL_NIL));
		return;
	}
	/* Every source measured is recorded: one not in the RRD is not measured. */
	missing(x, rep, name);
}

static void
forget(struct xapi *x, struct val *p, struct rpc_reply *rep, int vm)
{
	struct rrd	*r;
	const char	*name, *uuid;

	if (args(x, p, rep, vm, 1, &r, &name, &uuid) == -1)
		return;
	if (r != NULL)
		rrd_forget(r, name);	/* XAPI's rrd_remove_ds: an unknown name is no error */
	rpc_ok(rep, rpc_val(x, VAL_NIL));
}

#define HANDLER(fn, body)						\
void									\
fn(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,	\
    struct park *park)							\
{									\
	(void)s;							\
	(void)park;							\
	body;								\
}

HANDLER(call_host_get_data_sources, get_sources(x, p, r, 0))
HANDLER(call_host_query_data_source, query(x, p, r, 0))
HANDLER(call_host_record_data_source, record_source(x, p, r, 0))
HANDLER(call_host_forget_data_source_archives, forget(x, p, r, 0))
HANDLER(call_vm_get_data_sources, get_sources(x, p, r, 1))
HANDLER(call_vm_query_data_source, query(x, p, r, 1))
HANDLER(call_vm_record_data_source, record_source(x, p, r, 1))
HANDLER(call_vm_forget_data_source_archives, forget(x, p, r, 1))
