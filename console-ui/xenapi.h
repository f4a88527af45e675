#ifndef ATOLL_CONSOLE_XENAPI_H
#define ATOLL_CONSOLE_XENAPI_H

#include "arena.h"
#include "value.h"

/*
 * The console's XenAPI client: JSON-RPC calls to xapi-lite over its Unix socket, one
 * connection per call (xapi-lite is local and answers in microseconds). Replies live in
 * the client's arena until xenapi_reset.
 */
struct xenapi {
	char		 socket[108];
	struct arena	 arena;
	char		 session[96];	/* the console's own session, made by preauth ("" if none) */
	char		 code[64];	/* the last call's XAPI error code; "" when the call never
					   got an answer (then error says why) */
	char		 error[512];	/* the last failure: "CODE: param, param" or why */
	const char	*params[8];	/* the last error's parameters (arena), NULL-terminated */
};

void	xenapi_init(struct xenapi *x, const char *socket);
/* Forgets every reply. */
void	xenapi_reset(struct xenapi *x);
void	xenapi_free(struct xenapi *x);

/*
 * Calls method with session (NULL: none, as login takes) followed by the arguments args
 * describes, a letter each: s a string, b a bool (int), i an int64 (long long), a a string
 * set (const char *const *, NULL-terminated). Returns the result, or NULL with code and
 * error set.
 */
struct val *xenapi_call(struct xenapi *x, const char *session, const char *method,
	    const char *args, ...);

/* Takes xapi-lite's HTTP response (resp[0..resplen)) apart: the JSON-RPC result, or NULL
   with code and error set from its error member or saying what is wrong with it. */
struct val *xenapi_reply(struct xenapi *x, const char *resp, size_t resplen);

/* Logs the console in over the socket with no password (xapi-lite trusts its Unix socket,
   as XAPI does): fills x->session. Returns 0 or -1 (code and error say why). */
int	xenapi_connect(struct xenapi *x);

/* Ends the console's own session, if it has one. */
void	xenapi_disconnect(struct xenapi *x);

/* A struct member by name, or NULL; a string's text or "" (also for NULL and other types);
   an int or dflt; a bool or 0. */
struct val	*xv_get(const struct val *st, const char *name);
const char	*xv_str(const struct val *v);
long long	 xv_int(const struct val *v, long long dflt);
int		 xv_bool(const struct val *v);
/* A member of a struct as a string: xv_str(xv_get(st, name)). */
const char	*xv_field(const struct val *st, const char *name);

#endif
