#ifndef XAPI_CALLS_H
#define XAPI_CALLS_H

#include "xapi.h"

/* An explicit message: its class and name, arguments after the session, and handler. */
typedef void call_fn(struct xapi *x, struct obj *session, struct val *params,
    struct rpc_reply *r, struct park *park);

#define NO_SESSION	1		/* the first parameter is not a session */
#define NO_ASYNC	2		/* no Async. form (XAPI's datamodel gives it none) */
#define OPTIONAL(n)	((n) << 8)	/* this many trailing arguments may be left out */

struct call {
	const char	*cls, *msg;
	int		 nargs;
	int		 flags;
	call_fn		*fn;
};

#define CALL(cls, msg, nargs, flags, fn) call_fn fn;
#include "calls.def"
#undef CALL

#endif
