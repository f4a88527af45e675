/*
 * Tasks: Async.Class.message runs the call as a task whose record carries status, progress,
 * the result as XAPI encodes it (an XML-RPC value, as text) and error_info; task.create,
 * task.cancel and task.destroy, by whoever XAPI lets.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "calls.h"
#include "hval.h"
#include "rpc_impl.h"
#include "xmlrpc.h"

struct obj *
task_new(struct xapi *x, const char *label, const char *description)
{
	struct obj	*t;

	if ((t = db_create(&x->db, C_task)) == NULL)
		return NULL;
	if (db_set(&x->db, t, F_task_name_label, hval_string(label)) == -1 ||
	    db_set(&x->db, t, F_task_name_description, hval_string(description)) == -1 ||
	    db_set(&x->db, t, F_task_created, hval_datetime(clock_unix())) == -1 ||
	    db_set(&x->db, t, F_task_resident_on, hval_string(x->host->ref)) == -1) {
		db_destroy(&x->db, t);
		return NULL;
	}
	return t;
}

void
task_complete(struct xapi *x, const char *ref, const struct rpc_reply *inner)
{
	struct obj	*t = db_find(&x->db, ref, strlen(ref));
	struct val	*errs;
	struct buf	 b;
	size_t		 i;
	int		 fails = 0;

	if (t == NULL)
		return;		/* destroyed meanwhile */
	fails |= db_set(&x->db, t, F_task_progress, hval_double(1.0));
	fails |= db_set(&x->db, t, F_task_finished, hval_datetime(clock_unix()));
	if (inner->nerr == 0) {
		buf_init(&b, 0);
		fails |= xmlrpc_write_value(&b, inner->value);
		fails |= db_set(&x->db, t, F_task_result, hval_stringn(b.p ? b.p : "", b.len));
		buf_free(&b);
		fails |= db_set(&x->db, t, F_task_status, hval_string("success"));
	} else {
		if ((errs = hval_array()) == NULL)
			fails = 1;
		for (i = 0; errs != NULL && i < inner->nerr; i++)
			fails |= hval_push(errs, hval_string(inner->err[i]));
		fails |= db_set(&x->db, t, F_task_error_info, errs);
		/* TaskHelper.failed: a task that ends in TASK_CANCELLED is cancelled. */
		fails |= db_set(&x->db, t, F_task_status, hval_string(
		    strcmp(inner->err[0], "TASK_CANCELLED") == 0 ? "cancelled" : "failure"));
	}
	(void)fails;	/* out of memory: the task stays as it was, pending */
}

void
rpc_async(struct xapi *x, const char *method, struct val *params, struct rpc_reply *r,
    void (*dispatch)(struct xapi *, const char *, struct val *, struct rpc_reply *,
    struct park *))
{
	struct rpc_reply	 inner;
	struct park		*pk;
	struct obj		*t;

	if (strncmp(method, "system.", 7) == 0) {
		rpc_fail(x, r, "MESSAGE_METHOD_UNKNOWN", 1,
		    rpc_printf(x, "Async.%s", method));
		return;
	}
	/* The session must be good before a task exists. */
	if (params->u.a.n == 0 || rpc_session(x, params->u.a.items[0], r) == NULL) {
		if (params->u.a.n == 0)
			rpc_fail(x, r, "SESSION_INVALID", 1, "");
		return;
	}
	if ((t = task_new(x, rpc_printf(x, "Async.%s", method), "")) == NULL ||
	    (pk = calloc(1, sizeof(*pk))) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	memcpy(pk->task, t->ref, sizeof(pk->task));
	memset(&inner, 0, sizeof(inner));
	dispatch(x, method, params, &inner, pk);
	if (inner.parked) {
		/* It waits for a child process; the task finishes when that does. */
		pk->next = x->parked;
		x->parked = pk;
	} else {
		task_complete(x, t->ref, &inner);
		park_free(pk);
	}
	rpc_ok(r, rpc_str(x, t->ref));
}

void
call_task_create(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*t;

	(void)s;
	(void)park;
	if (rpc_param_str(p, 1) == NULL || rpc_param_str(p, 2) == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "label");
		return;
	}
	if ((t = task_new(x, rpc_param_str(p, 1), rpc_param_str(p, 2))) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	rpc_ok(r, rpc_str(x, t->ref));
}

/*
 * XAPI's rule for task.cancel and task.destroy (TaskHelper.assert_op_valid): a session may
 * act on the tasks of its own user (auth_user_sid), and on anyone's with the permission
 * task.destroy/any, which pool-admin (the local superuser) and pool-operator hold. Every
 * session here is the local superuser's (only root logs in), so every session may act on
 * every task, as on XAPI; any other would be refused as XAPI refuses it. Returns 0, or -1
 * with r filled.
 */
static int
task_op_allowed(struct xapi *x, struct obj *s, struct rpc_reply *r)
{
	if (db_get(&x->db, s, F_session_is_local_superuser)->u.b)
		return 0;
	rpc_fail(x, r, "RBAC_PERMISSION_DENIED", 2, "task.destroy/any",
	    "No permission in user session");
	return -1;
}

void
call_task_cancel(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*t;

	(void)park;
	if ((t = rpc_param_ref(x, r, p, 1, C_task)) == NULL || task_op_allowed(x, s, r) == -1)
		return;
	if (strcmp(db_str(&x->db, t, F_task_status), "pending") != 0) {
		rpc_fail(x, r, "OPERATION_NOT_ALLOWED", 1, "the task is not pending");
		return;
	}
	if (db_set(&x->db, t, F_task_status, hval_string("cancelled")) == -1 ||
	    db_set(&x->db, t, F_task_finished, hval_datetime(clock_unix())) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	rpc_ok(r, rpc_str(x, ""));
}

void
call_task_destroy(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*t;

	(void)park;
	if ((t = rpc_param_ref(x, r, p, 1, C_task)) == NULL || task_op_allowed(x, s, r) == -1)
		return;
	db_destroy(&x->db, t);
	rpc_ok(r, rpc_str(x, ""));
}

/* task.set_progress: as XAPI, any float on a task the session may act on (XAPI checks no
   range); a value that is not a finite number is refused, so no record holds NaN. */
void
call_task_set_progress(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	struct obj	*t;
	struct val	*v = p->u.a.items[2];
	double		 d;

	(void)park;
	if ((t = rpc_param_ref(x, r, p, 1, C_task)) == NULL || task_op_allowed(x, s, r) == -1)
		return;
	if (v->type == VAL_DOUBLE)
		d = v->u.d;
	else if (v->type == VAL_INT || v->type == VAL_INT32)
		d = (double)v->u.i;
	else {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "value");
		return;
	}
	if (!isfinite(d)) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "value");
		return;
	}
	if (db_set(&x->db, t, F_task_progress, hval_double(d)) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	rpc_ok(r, rpc_str(x, ""));
}
