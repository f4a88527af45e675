/*
 * VM editing as XAPI does it (xapi_vm.ml, message_forwarding.ml, xapi_vm_helpers.ml,
 * vm_memory_constraints.ml): VCPUs and memory setters with their constraints and
 * errors, each checked as the operation XAPI runs it under (changing_VCPUs,
 * changing_dynamic_range...), so the power states match allowed_operations. Changes XAPI
 * applies live (VCPUs_number_live, a running VM's dynamic range) go to Xen with `xl
 * vcpu-set` and `xl mem-set` on the xen backend, in-process on the sim.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allowed.h"
#include "calls.h"
#include "exec.h"
#include "hval.h"
#include "rpc_impl.h"

#define VCPU_RULE	"VCPU values must satisfy: 0 < VCPUs_at_startup ≤ VCPUs_max"
#define VCPU_LIVE_RULE	"VCPU values must satisfy: 0 < VCPUs ≤ VCPUs_max"

static long long
geti(struct xapi *x, struct obj *o, enum fld f)
{
	return db_get(&x->db, o, f)->u.i;
}

static int
set_int(struct xapi *x, struct obj *o, enum fld f, long long v, struct rpc_reply *r)
{
	if (db_set(&x->db, o, f, hval_int(v)) == 0)
		return 0;
	rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
	return -1;
}

/* Sets o's integer field f to v when ok, else fails with INVALID_VALUE [rule; v]; the
   call answered either way. */
static void
set_int_if(struct xapi *x, struct obj *o, enum fld f, long long v, int ok, const char *rule,
    struct rpc_reply *r)
{
	if (!ok) {
		rpc_fail(x, r, "INVALID_VALUE", 2, rule, rpc_printf(x, "%lld", v));
		return;
	}
	if (set_int(x, o, f, v, r) == 0)
		rpc_ok(r, rpc_str(x, ""));
}

static struct obj *
metrics(struct xapi *x, struct obj *vm)
{
	const char	*ref = db_str(&x->db, vm, F_VM_metrics);
	struct obj	*m = db_find(&x->db, ref, strlen(ref));

	return m != NULL && m->cls == C_VM_metrics ? m : NULL;
}

/* ---- live changes: an xl job on the xen backend ---- */

/* A live change's context (park_ctx_part): 0 the VM's ref, 1 the operation's key in
   current_operations, 2 what changed ("vcpus" or "memory"), 3 and 4 its values. */

static void	apply_live(struct xapi *, struct obj *, const char *, long long, long long,
		    struct rpc_reply *);

static void
live_done(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	const char	*ref = park_ctx_part(pk, 0);
	struct obj	*vm = db_find(&x->db, ref, strlen(ref));
	char		*text = pk->job->out.p ? pk->job->out.p : "";

	if (vm == NULL) {
		rpc_fail(x, r, "HANDLE_INVALID", 2, "VM", ref);
		return;
	}
	(void)vm_operation(x, vm, NULL, park_ctx_part(pk, 1));
	if (pk->job->status != 0) {
		text[strcspn(text, "\n")] = '\0';
		rpc_fail(x, r, "INTERNAL_ERROR", 1,
		    rpc_printf(x, "xl failed (exit %d): %s", pk->job->status, text));
		return;
	}
	apply_live(x, vm, park_ctx_part(pk, 2), strtoll(park_ctx_part(pk, 3), NULL, 10),
	    strtoll(park_ctx_part(pk, 4), NULL, 10), r);
}

/* The records of a live change that Xen has made (or the sim pretends to). */
static void
apply_live(struct xapi *x, struct obj *vm, const char *what, long long a, long long b,
    struct rpc_reply *r)
{
	struct obj	*m = metrics(x, vm);

	if (strcmp(what, "vcpus") == 0) {
		/* As Xapi_xenops.set_vcpus: the count at startup follows, and the metrics. */
		if (set_int(x, vm, F_VM_VCPUs_at_startup, a, r) == -1 ||
		    (m != NULL && set_int(x, m, F_VM_metrics_VCPUs_number, a, r) == -1))
			return;
	} else if (m != NULL && set_int(x, m, F_VM_metrics_memory_actual, b, r) == -1)
		return;
	(void)a;
	rpc_ok(r, rpc_str(x, ""));
}

/* Runs the change live: at once on the sim, with xl (vcpu-set N, or mem-set to the
   dynamic maximum, what the guest may balloon up to) on xen. */
static void
live(struct xapi *x, struct obj *vm, const char *op, const char *what, long long a,
    long long b, struct rpc_reply *r, struct park *park)
{
	char		 opref[REF_LEN + 1], uuid_op[37], n[32];
	const char	*uuid = db_str(&x->db, vm, F_VM_uuid);
	const char	*parts[5];

	if (strcmp(x->backend, "xen") != 0) {
		apply_live(x, vm, what, a, b, r);
		return;
	}
	if (park == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "a live change needs its caller");
		return;
	}
	if (park->task[0] != '\0')
		memcpy(opref, park->task, sizeof(opref));
	else {
		db_uuid(&x->db, uuid_op);
		snprintf(opref, sizeof(opref), "OpaqueRef:%s", uuid_op);
	}
	parts[0] = vm->ref;
	parts[1] = opref;
	parts[2] = what;
	parts[3] = rpc_printf(x, "%lld", a);
	parts[4] = rpc_printf(x, "%lld", b);
	if (strcmp(what, "vcpus") == 0)
		snprintf(n, sizeof(n), "%lld", a);
	else
		snprintf(n, sizeof(n), "%lldk", b / 1024);
	if (park_set_ctx(park, parts, 5) == -1 || vm_operation(x, vm, op, opref) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	if (park_job(park, (const char *const[]){ "xl", strcmp(what, "vcpus") == 0 ? "vcpu-set" :
	    "mem-set", uuid, n, NULL }, NULL, live_done) == -1) {
		(void)vm_operation(x, vm, NULL, opref);
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "cannot run xl");
		return;
	}
	r->parked = 1;
}

/* ---- VCPUs ---- */

/* The VM of parameter 1 with integer parameter 2, op allowed on it (op NULL: no check). */
static struct obj *
vm_and_int(struct xapi *x, struct val *p, const char *op, const char *name, long long *v,
    struct rpc_reply *r)
{
	struct obj	*vm;

	if ((vm = rpc_param_ref(x, r, p, 1, C_VM)) == NULL ||
	    rpc_param_int(x, r, p, 2, name, v) == -1 ||
	    (op != NULL && vm_check(x, vm, op, r) == -1))
		return NULL;
	return vm;
}

void
call_vm_set_VCPUs_max(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*vm;
	long long	 v;

	(void)s;
	(void)park;
	if ((vm = vm_and_int(x, p, "changing_VCPUs", "value", &v, r)) != NULL)
		set_int_if(x, vm, F_VM_VCPUs_max, v, v >= 1 &&
		    v >= geti(x, vm, F_VM_VCPUs_at_startup), VCPU_RULE, r);
}

/* XAPI checks no power state here: a running VM's count applies at its next start. */
void
call_vm_set_VCPUs_at_startup(struct xapi *x, struct obj *s, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	struct obj	*vm;
	long long	 v;

	(void)s;
	(void)park;
	if ((vm = vm_and_int(x, p, NULL, "value", &v, r)) == NULL)
		return;
	if (db_get(&x->db, vm, F_VM_is_control_domain)->u.b) {
		rpc_fail(x, r, "OPERATION_NOT_ALLOWED", 1,
		    "set_VCPUs_at_startup is not allowed on dom0");
		return;
	}
	set_int_if(x, vm, F_VM_VCPUs_at_startup, v, v >= 1 && v <= geti(x, vm, F_VM_VCPUs_max),
	    VCPU_RULE, r);
}

void
call_vm_set_VCPUs_number_live(struct xapi *x, struct obj *s, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	struct obj	*vm;
	long long	 v, max;

	(void)s;
	if ((vm = vm_and_int(x, p, "changing_VCPUs_live", "nvcpu", &v, r)) == NULL)
		return;
	/* xenopsd's Invalid_vcpus carries the maximum, and XAPI reports that number. */
	max = geti(x, vm, F_VM_VCPUs_max);
	if (v < 1 || v > max) {
		rpc_fail(x, r, "INVALID_VALUE", 2, VCPU_LIVE_RULE, rpc_printf(x, "%lld", max));
		return;
	}
	live(x, vm, "changing_VCPUs_live", "vcpus", v, 0, r, park);
}

/* ---- memory ---- */

/* Vm_memory_constraints.assert_valid: static_min <= dynamic_min <= dynamic_max <=
   static_max, else MEMORY_CONSTRAINT_VIOLATION_ORDER. (XAPI pins dynamic to static_max
   without its DMC feature or for nested virtualisation: xapi-lite has DMC.) */
static int
memory_valid(struct xapi *x, const long long m[4], struct rpc_reply *r)
{
	if (m[0] <= m[1] && m[1] <= m[2] && m[2] <= m[3])
		return 0;
	rpc_fail(x, r, "MEMORY_CONSTRAINT_VIOLATION_ORDER", 0);
	return -1;
}

/* Sets static_min, dynamic_min, dynamic_max, static_max from m, and the target to the
   dynamic minimum, as XAPI does (the field is unused but validated elsewhere). */
static int
memory_set(struct xapi *x, struct obj *vm, const long long m[4], struct rpc_reply *r)
{
	return set_int(x, vm, F_VM_memory_static_min, m[0], r) == -1 ||
	    set_int(x, vm, F_VM_memory_dynamic_min, m[1], r) == -1 ||
	    set_int(x, vm, F_VM_memory_target, m[1], r) == -1 ||
	    set_int(x, vm, F_VM_memory_dynamic_max, m[2], r) == -1 ||
	    set_int(x, vm, F_VM_memory_static_max, m[3], r) == -1 ? -1 : 0;
}

/* The checked limits m set on vm, the call answered. */
static void
memory_apply(struct xapi *x, struct obj *vm, const long long m[4], struct rpc_reply *r)
{
	if (memory_valid(x, m, r) == 0 && memory_set(x, vm, m, r) == 0)
		rpc_ok(r, rpc_str(x, ""));
}

static void
memory_now(struct xapi *x, struct obj *vm, long long m[4])
{
	m[0] = geti(x, vm, F_VM_memory_static_min);
	m[1] = geti(x, vm, F_VM_memory_dynamic_min);
	m[2] = geti(x, vm, F_VM_memory_dynamic_max);
	m[3] = geti(x, vm, F_VM_memory_static_max);
}

/* which: 1 the dynamic pair, 0 the static one; lo/hi the new values. */
static void
memory_range(struct xapi *x, struct obj *vm, int dynamic, long long lo, long long hi,
    struct rpc_reply *r, struct park *park)
{
	long long	m[4];

	if (vm_check(x, vm, dynamic ? "changing_dynamic_range" : "changing_static_range",
	    r) == -1)
		return;
	memory_now(x, vm, m);
	m[dynamic ? 1 : 0] = lo;
	m[dynamic ? 2 : 3] = hi;
	if (memory_valid(x, m, r) == -1 || memory_set(x, vm, m, r) == -1)
		return;
	if (dynamic && strcmp(db_str(&x->db, vm, F_VM_power_state), "Running") == 0)
		live(x, vm, "changing_dynamic_range", "memory", lo, hi, r, park);
	else
		rpc_ok(r, rpc_str(x, ""));
}

/* VM.set_memory_dynamic_range and set_memory_static_range (vm, min, max). */
static void
range_call(struct xapi *x, struct val *p, int dynamic, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*vm;
	long long	 lo, hi;

	if ((vm = rpc_param_ref(x, r, p, 1, C_VM)) != NULL &&
	    rpc_param_int(x, r, p, 2, "min", &lo) == 0 &&
	    rpc_param_int(x, r, p, 3, "max", &hi) == 0)
		memory_range(x, vm, dynamic, lo, hi, r, park);
}

void
call_vm_set_memory_dynamic_range(struct xapi *x, struct obj *s, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	(void)s;
	range_call(x, p, 1, r, park);
}

void
call_vm_set_memory_static_range(struct xapi *x, struct obj *s, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	(void)s;
	range_call(x, p, 0, r, park);
}

/* The single-field setters, which XAPI turns into the range setters with the other end
   as it is. */
#define ONE_END(name, dynamic, high)						\
void										\
name(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,	\
    struct park *park)								\
{										\
	struct obj	*vm;							\
	long long	 v, m[4];						\
										\
	(void)s;								\
	if ((vm = vm_and_int(x, p, NULL, "value", &v, r)) == NULL)		\
		return;								\
	memory_now(x, vm, m);							\
	memory_range(x, vm, dynamic, high ? m[dynamic ? 1 : 0] : v,		\
	    high ? v : m[dynamic ? 2 : 3], r, park);				\
}

ONE_END(call_vm_set_memory_dynamic_min, 1, 0)
ONE_END(call_vm_set_memory_dynamic_max, 1, 1)
ONE_END(call_vm_set_memory_static_min, 0, 0)
ONE_END(call_vm_set_memory_static_max, 0, 1)

void
call_vm_set_memory_limits(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	static const char *const names[4] = { "static_min", "static_max", "dynamic_min",
		"dynamic_max" };
	struct obj	*vm;
	long long	 in[4], m[4];
	int		 i;

	(void)s;
	(void)park;
	if ((vm = rpc_param_ref(x, r, p, 1, C_VM)) == NULL)
		return;
	for (i = 0; i < 4; i++)
		if (rpc_param_int(x, r, p, 2 + i, names[i], &in[i]) == -1)
			return;
	if (vm_check(x, vm, "changing_memory_limits", r) == -1)
		return;
	m[0] = in[0];
	m[1] = in[2];
	m[2] = in[3];
	m[3] = in[1];
	memory_apply(x, vm, m, r);
}

/* VM.set_memory: every limit but static_min set to value. */
void
call_vm_set_memory(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*vm;
	long long	 v, m[4];

	(void)s;
	(void)park;
	if ((vm = vm_and_int(x, p, "changing_memory_limits", "value", &v, r)) == NULL)
		return;
	m[0] = geti(x, vm, F_VM_memory_static_min);
	m[1] = m[2] = m[3] = v;
	memory_apply(x, vm, m, r);
}

/* ---- the rest of what XO's VM page edits ---- */

/* OCaml's string_of_float: %.12g, with a '.' when that reads as an integer. */
static const char *
ocaml_float(struct xapi *x, double d)
{
	const char	*s = rpc_printf(x, "%.12g", d);

	return strpbrk(s, ".eninf") != NULL ? s : rpc_printf(x, "%s.", s);
}

void
call_vm_set_HVM_shadow_multiplier(struct xapi *x, struct obj *s, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	struct obj	*vm;
	struct val	*v = p->u.a.items[2];
	double		 d;

	(void)s;
	(void)park;
	if ((vm = rpc_param_ref(x, r, p, 1, C_VM)) == NULL)
		return;
	if (v->type != VAL_DOUBLE && v->type != VAL_INT) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "value");
		return;
	}
	d = v->type == VAL_DOUBLE ? v->u.d : (double)v->u.i;
	if (vm_check(x, vm, "changing_shadow_memory", r) == -1)
		return;
	if (!(d >= 1.0)) {
		rpc_fail(x, r, "INVALID_VALUE", 2, "multiplier", ocaml_float(x, d));
		return;
	}
	if (db_set(&x->db, vm, F_VM_HVM_shadow_multiplier, hval_double(d)) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	rpc_ok(r, rpc_str(x, ""));
}

/* A string parameter 2 that is one of values, else INVALID_VALUE [field; value]. */
static const char *
param_enum(struct xapi *x, struct val *p, const char *field, const char *const *values,
    struct rpc_reply *r)
{
	const char	*v = rpc_param_str(p, 2);

	if (v == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "value");
		return NULL;
	}
	for (; *values != NULL; values++)
		if (strcmp(*values, v) == 0)
			return v;
	rpc_fail(x, r, "INVALID_VALUE", 2, field, v);
	return NULL;
}

static void
set_two(struct xapi *x, struct obj *vm, enum fld f1, const char *v1, enum fld f2,
    const char *v2, struct rpc_reply *r)
{
	if (db_set(&x->db, vm, f1, hval_string(v1)) == -1 ||
	    (v2 != NULL && db_set(&x->db, vm, f2, hval_string(v2)) == -1)) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	rpc_ok(r, rpc_str(x, ""));
}

/* The HVM boot policy follows the domain type and the other way round, as XAPI keeps
   them (derive_hvm_boot_policy, derive_domain_type). */
void
call_vm_set_domain_type(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	static const char *const types[] = { "hvm", "pv", "pv_in_pvh", "pvh", NULL };
	struct obj	*vm;
	const char	*v;

	(void)s;
	(void)park;
	if ((vm = rpc_param_ref(x, r, p, 1, C_VM)) == NULL)
		return;
	if (rpc_param_str(p, 2) != NULL && strcmp(rpc_param_str(p, 2), "unspecified") == 0) {
		rpc_fail(x, r, "INVALID_VALUE", 2, "domain_type", "unspecified");
		return;
	}
	if ((v = param_enum(x, p, "domain_type", types, r)) != NULL)
		set_two(x, vm, F_VM_domain_type, v, F_VM_HVM_boot_policy,
		    strcmp(v, "hvm") == 0 ? "BIOS order" : "", r);
}

void
call_vm_set_HVM_boot_policy(struct xapi *x, struct obj *s, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	struct obj	*vm;
	const char	*v;

	(void)s;
	(void)park;
	if ((vm = rpc_param_ref(x, r, p, 1, C_VM)) == NULL)
		return;
	if ((v = rpc_param_str(p, 2)) == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "value");
		return;
	}
	set_two(x, vm, F_VM_HVM_boot_policy, v, F_VM_domain_type, v[0] ? "hvm" : "pv", r);
}

/* XAPI sets it as given (validate_actions_after_crash runs at start). */
void
call_vm_set_actions_after_crash(struct xapi *x, struct obj *s, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	static const char *const actions[] = { "destroy", "coredump_and_destroy", "restart",
		"coredump_and_restart", "preserve", "rename_restart", NULL };
	struct obj	*vm;
	const char	*v;

	(void)s;
	(void)park;
	if ((vm = rpc_param_ref(x, r, p, 1, C_VM)) != NULL &&
	    (v = param_enum(x, p, "actions_after_crash", actions, r)) != NULL)
		set_two(x, vm, F_VM_actions_after_crash, v, F_VM_actions_after_crash, NULL, r);
}

/* start_delay, shutdown_delay and order: non-negative, in XAPI's words. */
#define NON_NEGATIVE(name, field, what)						\
void										\
name(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,	\
    struct park *park)								\
{										\
	struct obj	*vm;							\
	long long	 v;							\
										\
	(void)s;								\
	(void)park;								\
	if ((vm = vm_and_int(x, p, NULL, "value", &v, r)) != NULL)		\
		set_int_if(x, vm, field, v, v >= 0, what " must be non-negative", r); \
}

NON_NEGATIVE(call_vm_set_start_delay, F_VM_start_delay, "start_delay")
NON_NEGATIVE(call_vm_set_shutdown_delay, F_VM_shutdown_delay, "shutdown_delay")
NON_NEGATIVE(call_vm_set_order, F_VM_order, "order")
