#ifndef XAPI_XAPI_H
#define XAPI_XAPI_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "db.h"
#include "value.h"

/* A reply to one call: a value, or XAPI's error code and parameters. */
struct rpc_reply {
	struct val	 *value;	/* success (arena or db memory) */
	const char	**err;		/* failure: code, then parameters (arena) */
	size_t		  nerr;
	int		  unwrapped;	/* system.listMethods: no Status envelope */
	int		  parked;	/* event.from is waiting; the reply comes later */
};

/* An event.from call waiting for a change or its deadline. */
struct park {
	struct park	*next;
	void		*conn;		/* the connection to answer */
	int		 json;		/* reply as JSON-RPC (else XML-RPC) */
	int		 json_v2;
	int		 keep_alive;
	char		*json_id;	/* the request's id, as JSON text (heap) */
	char		 session[REF_LEN + 1];
	char		*classes;	/* the subscription, '\n'-separated (heap) */
	uint64_t	 token;
	long long	 deadline_ms;
	int		 legacy;	/* event.next: answer a plain event list */
};

/* A session's event.register subscription, for the legacy event.next. */
struct reg {
	struct reg	*next;
	char		 session[REF_LEN + 1];
	char		*classes;	/* '\n'-separated (heap) */
	uint64_t	 token;		/* events after this generation are still to deliver */
};

/* Everything xapi-lite holds; main() owns it and passes it down. */
struct xapi {
	struct db	 db;
	struct arena	 arena;		/* per request; reset after each reply */
	const char	*password_file;
	const char	*backend;	/* "sim" or "xen" */
	struct obj	*pool, *host;	/* the one pool and the local host */
	struct park	*parked;
	struct reg	*regs;
	struct server	*server;
	struct journal	*journal;
	long long	 now_ms;	/* monotonic clock, refreshed by the loop */
	long long	 heartbeat;	/* unix time of the last pool heartbeat */
};

struct server;
struct journal;

/* Runs one call. params is an array; r is filled (arena memory). conn identifies the caller
   for a parked event.from. */
void	rpc_call(struct xapi *x, const char *method, struct val *params, struct rpc_reply *r,
	    struct park *park);

/* Re-runs parked event.from calls; answers (answer(park, reply)) those that now have events,
   whose deadline passed, or whose session is gone. */
void	rpc_wake(struct xapi *x, void (*answer)(struct xapi *, struct park *,
	    struct rpc_reply *));

/* Fills the database with the simulated host. Returns 0 or -1. */
int	sim_populate(struct xapi *x);

/* Checks user's password against the shadow-style file with a crypt helper program.
   Returns 1 when it matches, 0 when not, -1 with *why on a failure to check. */
int	auth_check(const char *file, const char *user, const char *password, const char **why);

/* Task collection, stale subscriptions and the heartbeat; call about once a second. */
void	housekeeping(struct xapi *x);
/* Frees what housekeeping tracks, at exit. */
void	housekeeping_free(struct xapi *x);

/* Milliseconds of a monotonic clock, and seconds of the real one. */
long long	clock_ms(void);
long long	clock_unix(void);

#endif
