#ifndef XAPI_XAPI_H
#define XAPI_XAPI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "value.h"

/* A client's address as text: the PROXY line's source from stunnel, else the peer's IPv4
   address, or "local" on the Unix socket. */
#define CLIENT_ADDR_LEN	48

/* A reply to one call: a value, or XAPI's error code and parameters. */
struct rpc_reply {
	struct val	 *value;	/* success (arena or db memory) */
	const char	**err;		/* failure: code, then parameters (arena) */
	size_t		  nerr;
	int		  unwrapped;	/* system.listMethods: no Status envelope */
	int		  parked;	/* event.from is waiting; the reply comes later */
	int		  records_of;	/* get_all_records to stream (stream.c): class + 1 */
};

struct xapi;
struct handoff;
struct job;
struct loop;
struct xen_state;
struct stats;
struct sim_console;
struct sampler;
struct alerts;

/* A call waiting: event.from for a change or its deadline, or a call for a child process. */
struct park {
	struct park	*next;
	void		*conn;		/* the connection to answer */
	int		 json;		/* reply as JSON-RPC (else XML-RPC) */
	int		 json_v2;
	int		 keep_alive;
	char		*json_id;	/* the request's id, as JSON text (heap) */
	char		 session[REF_LEN + 1];
	char		 task[REF_LEN + 1];	/* an Async call: the task to finish, not a conn */
	char		*classes;	/* the subscription, '\n'-separated (heap) */
	uint64_t	 token;
	long long	 deadline_ms;
	int		 legacy;	/* event.next: answer a plain event list */
	/* A call waiting for a child process (a password check, an xl command): */
	struct job	*job;
	void		(*job_done)(struct xapi *, struct park *, struct rpc_reply *);
	char		*ctx;		/* what job_done needs (heap, freed with the park) */
	size_t		 ctxlen;
	int		 attempt;	/* job_done's own count of jobs tried */
	int		 local;		/* came through the --unix listener (pre-authenticated) */
	int		 stream_ok;	/* the caller can take a streamed reply (records_of) */
	char		 client[CLIENT_ADDR_LEN];	/* the caller's address (see conn) */
	/* What follows the host-config program's success (hostcfg.c). */
	void		(*then)(struct xapi *, struct park *, struct rpc_reply *);
	/* A call waiting for its time (a failed login's delay) or for a crypt helper:
	   rpc_jobs runs resume once now_ms reaches not_before_ms and, when ticket is set
	   (its place in auth.c's queue), a helper is free for it. */
	void		(*resume)(struct xapi *, struct park *, struct rpc_reply *);
	long long	 not_before_ms;
	uint64_t	 ticket;
	int		 crypt;		/* its job is a crypt helper (auth.c counts them) */
};

/* A session's event.register subscription, for the legacy event.next. */
struct reg {
	struct reg	*next;
	char		 session[REF_LEN + 1];
	char		 task[REF_LEN + 1];	/* an Async call: the task to finish, not a conn */
	char		*classes;	/* '\n'-separated (heap) */
	uint64_t	 token;		/* events after this generation are still to deliver */
};

/* Everything xapi-lite holds; main() owns it and passes it down. */
struct xapi {
	struct db	 db;
	struct arena	 arena;		/* per request; reset after each reply */
	const char	*password_file;
	const char	*host_config;	/* --host-config PROGRAM; NULL: records only */
	const char	*upgrade;	/* --upgrade PROGRAM (atoll-upgrade); NULL: no updates */
	const char	*zoneinfo;	/* --zoneinfo DIR: the time zones host.set_timezone knows */
	/* Sessions made by the Unix socket's pre-authentication (session.c), newest last. */
	char		 preauth[16][REF_LEN + 1];
	unsigned	 npreauth;
	const char	*backend;	/* "sim" or "xen" */
	long long	 clean_shutdown_timeout; /* seconds (--clean-shutdown-timeout) */
	long long	 transfer_timeout;	/* seconds a transfer's client may stall
					   (--transfer-timeout) */
	struct obj	*pool, *host;	/* the one pool and the local host */
	struct park	*parked;
	struct handoff	*handoffs;	/* transfers in worker processes (handoff.c) */
	struct reg	*regs;
	struct journal	*journal;
	FILE		*log;		/* the call log (log.c); NULL: none */
	struct throttle	*throttle;	/* client addresses with failed logins (throttle.c) */
	uint64_t	 tickets;	/* auth.c: the last ticket of the crypt helpers' queue */
	long long	 now_ms;	/* monotonic clock, refreshed by the loop */
	long long	 heartbeat;	/* unix time of the last pool heartbeat */
	long long	 sr_accounted;	/* ...and of the last update of the SRs' space figures */
	long long	 alerts_scanned;	/* ...and of the last scan for alerts (alerts.c) */
	char		 statedir[256];	/* --state: the journal, and the SRs' directories */
	char		 rundir[300];	/* the xen backend's xl configurations */
	struct xen_state *xen;		/* the xen backend's (xen.h); NULL on the sim */
	struct stats	*stats;		/* the archives (stats.c); NULL: none */
	struct sampler	*sampler;	/* what feeds them (sampler.h); NULL: none */
	long long	 sim_domids;	/* the sim backend's last domain id */
	struct loop	*loop;		/* the event loop everything registers with */
	struct sim_console *sim_consoles; /* the sim backend's open consoles (console_sim.c) */
	uint64_t	 allowed_gen;	/* db generation allowed_refresh last saw */
	/* The server's: closes up to n connections that have not sent a request, giving
	   their descriptors to a helper that could not start without; how many it closed. */
	int		(*shed_idle)(struct xapi *, int n);
	void		*shed_arg;
	/* Messages (message.c): how many are kept (--message-limit), and the alerts' state. */
	long long	 message_limit;
	struct alerts	*alerts;
};

struct journal;

/* Runs one call. params is an array; r is filled (arena memory). conn identifies the caller
   for a parked event.from. */
void	rpc_call(struct xapi *x, const char *method, struct val *params, struct rpc_reply *r,
	    struct park *park);
/* 1 when a call may change the persistent database (refused while the journal is
   read-only), 0 for reads and calls on what lives only in memory (sessions, tasks,
   event subscriptions). */
int	rpc_writes(const char *method);

/* Re-runs parked event.from calls; answers (answer(park, reply)) those that now have events,
   whose deadline passed, or whose session is gone. */
void	rpc_wake(struct xapi *x, void (*answer)(struct xapi *, struct park *,
	    struct rpc_reply *));

/* Collects the child processes of parked calls: for each that finished, job_done makes
   the reply (or parks the call on a new job) and answer sends it. */
void	rpc_jobs(struct xapi *x, void (*answer)(struct xapi *, struct park *,
	    struct rpc_reply *));

/* Starts argv with input on its stdin as the job of park pk; done makes the reply when it
   has finished. Returns 0, or -1 (nothing started). */
int	park_job(struct park *pk, const char *const argv[], const char *input,
	    void (*done)(struct xapi *, struct park *, struct rpc_reply *));
/* In done: frees pk's finished job, so the call can wait for something else (resume). */
void	park_job_end(struct park *pk);
/* The earliest not_before_ms of a call waiting for its time, or -1 when none waits: the
   loop should run rpc_jobs by then. */
long long rpc_next_due(const struct xapi *x);

/* Replaces pk's context with the n strings of parts, NUL-separated (the old one is wiped).
   Returns 0 or -1. */
int	park_set_ctx(struct park *pk, const char *const parts[], size_t n);
/* Frees a park that is off every list; a child still running is killed and reaped. */
void	park_free(struct park *pk);
/* At exit: frees every park left (their callers are gone), leaving the children of those
   with a job to end on their own (an xl create or shutdown is not cut short). */
void	park_release_all(struct xapi *x);
/* Part n of a park's context when it holds NUL-separated strings. */
const char *park_ctx_part(const struct park *pk, int n);
/* Takes pk off x's list of parked calls. */
void	park_unlink(struct xapi *x, struct park *pk);

/* task.c: a new pending task on this host, or NULL (out of memory). */
struct obj *task_new(struct xapi *x, const char *label, const char *description);
/* task.c: finishes an Async call's task with its reply (status, result, error_info). */
void	task_complete(struct xapi *x, const char *task, const struct rpc_reply *r);

/* vm.c: moves vm to power state ps with everything that follows (residence, domid,
   metrics, allowed operations, devices); r gets the reply. */
void	vm_set_power(struct xapi *x, struct obj *vm, const char *ps, struct rpc_reply *r);
/* vm_operation records op as running under opref in current_operations (op NULL: it has
   ended), with allowed_operations to match; 0 or -1. vm_busy fails r with
   OTHER_OPERATION_IN_PROGRESS (-1) while one runs, else 0. */
int	vm_operation(struct xapi *x, struct obj *vm, const char *op, const char *opref);
int	vm_busy(struct xapi *x, struct obj *vm, struct rpc_reply *r);
/* The VM of parameter 1 if XAPI would let op run on it now (vm_check); else NULL with r
   filled. */
struct obj *vm_for(struct xapi *x, struct val *p, struct rpc_reply *r, const char *op);
/* 0 when XAPI's rules (allowed_ops.c) let op run on vm now, else -1 with r filled. */
int	vm_check(struct xapi *x, struct obj *vm, const char *op, struct rpc_reply *r);
/* The domain type vm boots with: its domain_type, or for "unspecified" what its
   HVM_boot_policy implies ("hvm" or "pv"), as XAPI upgrades it. */
const char *vm_domain_type(struct xapi *x, struct obj *vm);

/* xen.c: the xen backend. xen_new makes x->xen (0, or -1), xen_free frees it (and closes
   xenstored's connections); xen_tick is its part of housekeeping (reconnect to xenstored,
   reconcile when it said so or now and then). xen_populate fills an empty database with this machine's host
   (0, or -1 with why); xen_power runs power operation op ("start", "clean_shutdown"...)
   as an xl job that ends in state to (0 with r parked, or -1 with r filled);
   xen_reconcile starts an `xl list` that brings power states up to date (0 or -1). */
int	xen_populate(struct xapi *x, char *why, size_t whylen);
int	xen_power(struct xapi *x, struct obj *vm, const char *op, const char *to,
	    struct rpc_reply *r, struct park *park);
int	xen_reconcile(struct xapi *x);
/* xen_power with the suspend image's path for suspend (xl save into it) and resume (xl
   restore from it, paused when to is "Paused"); NULL for the other operations. */
int	xen_power_image(struct xapi *x, struct obj *vm, const char *op, const char *to,
	    const char *image, struct rpc_reply *r, struct park *park);
/* In a job's done: fills r with INTERNAL_ERROR carrying the failed xl command's status and
   its own words. */
void	xen_job_failed(struct xapi *x, struct park *pk, struct rpc_reply *r);
int	xen_new(struct xapi *x);
void	xen_free(struct xapi *x);
void	xen_tick(struct xapi *x);

/* xswatch.c: the xen backend's client of xenstored. xsw_open connects, watches domains
   coming and going and registers with x->loop (0, or -1); each event sets
   reconcile_wanted; xsw_close drops the connections; xsw_read reads a xenstore path into
   out (0, or -1 when absent or xenstored cannot be reached). */
int	xsw_open(struct xapi *x);
void	xsw_close(struct xapi *x);
int	xsw_read(struct xapi *x, const char *path, char *out, size_t len);

/* What the host's records are made from. */
struct host_facts {
	char		 hostname[64];
	const char	*description, *cpu_model, *xen_version, *dom0_kernel, *build;
	int		 cpus, dom0_vcpus;
	long long	 memory_total, dom0_memory, sr_size;	/* bytes */
	const char	*mac, *ip_mode, *ip, *netmask, *gateway, *dns;	/* management NIC */
	/* The host's settings when known (NULL: XAPI's defaults): time zone, NTP mode and
	   its custom servers (space-separated), and whether SSH is off. */
	const char	*timezone, *ntp_mode, *ntp_servers;
	int		 ssh_off;
};

/* Fills an empty database with a host made from f. Returns 0 or -1. */
int	host_populate(struct xapi *x, const struct host_facts *f);
/* The same with the simulated host's facts. */
int	sim_populate(struct xapi *x);
/* The host's software_version as this build and its image slots have it: product_version
   and build_number this build's (a database an older build wrote names that one), and
   atoll_slot, atoll_slot_boot, atoll_slot_a and atoll_slot_b from the record slots (the
   running slot, the default, each one's version; NULL or missing: left as they are). */
void	host_software_version(struct xapi *x, const char *slots);
#define HOST_SLOTS_RECORD	"/run/atoll/slots"	/* atoll-upgrade's, for the xen backend */

/* pool_update.c: each update applied on the host while the host runs its version or its
   trial boot (trial_record, atoll-upgrade's; NULL: none) waits, and needing a reboot in
   the second case only. */
void	pool_update_reconcile(struct xapi *x, const char *trial_record);
#define UPGRADE_TRIAL_RECORD	"/var/lib/atoll/upgrade/trial"

/* auth.c: reads user's sha512-crypt hash from a shadow-style file into hash. Returns 1, 0
   when the user has none that can match (absent, locked, another scheme), or -1 when the
   file cannot be read. */
int	auth_hash(const char *file, const char *user, char *hash, size_t size);
/* The salt of a $6$ hash into salt (size bytes), with its rounds=N$ when it has one, as
   the crypt helpers take it. Returns 0 or -1. */
int	auth_salt(const char *hash, char *salt, size_t size);
/* Compares a stored hash with one a helper made, in time independent of where they differ. */
int	auth_same(const char *stored, const char *made);
/* The crypt helper's argv (8 slots): openssl passwd, or busybox mkpasswd when mkpasswd is
   set, hashing the password on stdin with salt, or with a random salt when salt is NULL. */
void	auth_helper_argv(const char *argv[], int mkpasswd, const char *salt);
/* Starts the crypt helper as pk's job on password with salt (NULL: a random one): openssl,
   or mkpasswd once pk->attempt says openssl was missing. done gets the result. Only for a
   call auth_next chose, or in done (the call keeps its helper's place). Out of descriptors,
   idle connections give theirs up (x->shed_idle) and it tries again. 0 or -1. */
int	auth_crypt(struct xapi *x, struct park *pk, const char *password, const char *salt,
	    void (*done)(struct xapi *, struct park *, struct rpc_reply *));
/* Queues pk (r->parked) for a crypt helper: start runs as its resume once one of the
   XAPI_MAX_CRYPT_HELPERS is free for it, and calls auth_crypt. */
void	auth_queue(struct xapi *x, struct park *pk, struct rpc_reply *r,
	    void (*start)(struct xapi *, struct park *, struct rpc_reply *));
/* The queued call to start now, or NULL: the oldest ticket among those whose not_before_ms
   has passed and whose client address has no helper running, while fewer than
   XAPI_MAX_CRYPT_HELPERS run. */
struct park *auth_next(struct xapi *x);
/* At exit, after the connections have closed: ends the crypt helpers still running (and
   frees their calls, and the queued ones). */
void	auth_free(struct xapi *x);
/* In done: the hash the helper printed, or NULL when it could not run. When openssl was
   missing and mkpasswd has been started in its place, NULL with *again set: park the call. */
const char *auth_crypt_result(struct xapi *x, struct park *pk, const char *password,
	    const char *salt, void (*done)(struct xapi *, struct park *, struct rpc_reply *), int *again);
/* Replaces user's hash in a shadow-style file atomically (a new file renamed over it, every
   other line kept, mode 0600). Returns 0, or -1 with errno set (ENOENT: no such user). */
int	auth_set_hash(const char *file, const char *user, const char *hash);

/* session.c: whether session ref was made by the Unix socket's pre-authentication. */
int	session_preauth(const struct xapi *x, const char *ref);
/* Frees the failed logins' table (throttle.c), at exit. */
void	session_free(struct xapi *x);

/* hostcfg.c: runs `--host-config VERB ARGS...` (argv: VERB ARGS..., NULL-terminated; input
   on its stdin, may be NULL) as pk's job, then calls then once it has exited 0, or at once
   without --host-config or when argv is NULL (a setting only recorded); a failure fills r with INTERNAL_ERROR. r->parked while it runs. */
void	hostcfg_run(struct xapi *x, struct park *pk, struct rpc_reply *r,
	    const char *const argv[], const char *input,
	    void (*then)(struct xapi *, struct park *, struct rpc_reply *));
/* A field hostcfg_set sets once the program succeeded: text is a string, enum, int,
   "true"/"false", or a set's members separated by newlines. */
struct hostcfg_field {
	const struct obj	*o;
	enum fld		 f;
	const char		*text;
};
/* hostcfg_run, then sets the n fields and replies "" (nothing changes on a failure). */
void	hostcfg_set(struct xapi *x, struct park *pk, struct rpc_reply *r,
	    const char *const argv[], const struct hostcfg_field *set, size_t n);

/* Task collection, stale subscriptions and the heartbeat; call about once a second. */
void	housekeeping(struct xapi *x);
/* Frees what housekeeping tracks, at exit. */
void	housekeeping_free(struct xapi *x);

/* Milliseconds of a monotonic clock, and seconds of the real one. */
long long	clock_ms(void);
long long	clock_unix(void);

#endif
