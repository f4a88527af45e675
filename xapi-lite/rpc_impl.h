#ifndef XAPI_RPC_IMPL_H
#define XAPI_RPC_IMPL_H

/* Helpers shared by the call handlers (rpc.c, session.c, vm.c, event.c, task.c). */
#include <stdarg.h>

#include "xapi.h"

/* Fills r with error code and n string parameters (arena or static memory). */
void	rpc_fail(struct xapi *x, struct rpc_reply *r, const char *code, int n, ...);
/* Fills r with a success value. */
void	rpc_ok(struct rpc_reply *r, struct val *v);
/* New arena values: an empty one of type t, a string (not copied), a boolean, a double,
   an array with room. */
struct val *rpc_val(struct xapi *x, enum val_type t);
struct val *rpc_str(struct xapi *x, const char *s);
struct val *rpc_bool(struct xapi *x, int b);
struct val *rpc_double(struct xapi *x, double d);
struct val *rpc_array(struct xapi *x, size_t cap);
/* printf into the arena; "" when out of memory. */
const char *rpc_printf(struct xapi *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parameter i as a string, or NULL when it is not one. */
const char *rpc_param_str(struct val *params, size_t i);
/* Parameter i as an integer into *v: 0, or -1 with r filled (FIELD_TYPE_ERROR naming
   name). */
int	rpc_param_int(struct xapi *x, struct rpc_reply *r, struct val *params, size_t i,
	    const char *name, long long *v);
/* Parameter i as a ref to an object of class c, or NULL with r filled (HANDLE_INVALID). */
struct obj *rpc_param_ref(struct xapi *x, struct rpc_reply *r, struct val *params, size_t i,
	    enum cls c);
/* Sets field f of o from a request value, checking its type. Returns 0, or -1 with r filled. */
int	rpc_set_field(struct xapi *x, struct rpc_reply *r, struct obj *o, enum fld f,
	    struct val *v);

/* The session named by v, refreshed; or NULL with r filled (SESSION_INVALID). */
struct obj *rpc_session(struct xapi *x, struct val *v, struct rpc_reply *r);
/* Runs method as a task; r gets the task's ref. */
void	rpc_async(struct xapi *x, const char *method, struct val *params, struct rpc_reply *r,
	    void (*dispatch)(struct xapi *, const char *, struct val *, struct rpc_reply *,
	    struct park *));
/* Hooks of class.create and class.destroy: fill in what XAPI derives (a VM's metrics, a
   VIF's MAC) or refuse (VM_BAD_POWER_STATE). Return 0, or -1 with r filled. */
int	rpc_created(struct xapi *x, struct obj *o, struct rpc_reply *r);
int	rpc_destroying(struct xapi *x, struct obj *o, struct rpc_reply *r);
/* Hook after a field of o was set: recomputes what depends on it (a VM's allowed
   operations). Returns 0, or -1 with r filled. */
int	rpc_changed(struct xapi *x, struct obj *o, struct rpc_reply *r);

/* devices.c: checks and derived fields of VBDs, VIFs and VDIs at create and destroy
   (0, or -1 with r filled), and the devices following their VM's power state. */
int	device_created(struct xapi *x, struct obj *o, struct rpc_reply *r);
int	device_destroying(struct xapi *x, struct obj *o, struct rpc_reply *r);
void	device_power(struct xapi *x, struct obj *vm, int up);

#endif
