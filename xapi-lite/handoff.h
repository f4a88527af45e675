#ifndef XAPI_HANDOFF_H
#define XAPI_HANDOFF_H

#include <stddef.h>

#include "http.h"
#include "xapi.h"

/*
 * Transfers handed to a worker process (worker.h): GET /export, PUT /import, and the VHD
 * forms of /export_raw_vdi and /import_raw_vdi. server.c gives the connection's socket to
 * the worker; handoff.c reads the worker's progress into the task, and when it exits runs
 * the handler's done, finishes the task and (unless the worker wrote the reply) answers
 * the client.
 */

#define HANDOFF_MAX_ARGS	64
#define HANDOFF_CTX_LEN		1024

/* What a handler's begin fills in. */
struct handoff_spec {
	char		*argv[HANDOFF_MAX_ARGS + 1];	/* after "--worker": KIND ARGS... (heap) */
	int		 argc;
	/* 1: the worker writes the whole HTTP reply (a download: worker_reply_head, then the
	   body). 0 (an upload): xapi-lite sends the reply's head before the worker starts, as
	   XAPI's import does, and the outcome is the task's. Either way the connection
	   closes once the worker has exited and done has run. */
	int		 worker_answers;
	/* Runs in xapi-lite when the worker has exited; may be NULL. status is its exit
	   status (0: success); err[0..nerr) its "error" line (nerr 0: none). Fills r with the
	   task's result (rpc_ok), or an error (rpc_fail); an r left empty means "" on
	   success and INTERNAL_ERROR on failure. Cleans up whatever the worker left. */
	void		(*done)(struct xapi *x, const char *ctx, int status,
			    const char *const *err, size_t nerr, struct rpc_reply *r);
	char		 ctx[HANDOFF_CTX_LEN];	/* done's: a workdir, a ref... */
	char		 label[64];		/* the task's name_label when made here */
};

/* Appends a printf-formatted argument to h's argv. Returns 0, or -1 when full or out of
   memory. */
int	handoff_arg(struct handoff_spec *h, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* A begin's refusal: fills msg (len bytes) from the printf-formatted fmt, which ends
   with a newline, and returns status. */
int	handoff_refuse(char *msg, size_t len, int status, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/* Frees h's argv. */
void	handoff_spec_free(struct handoff_spec *h);

/* The handlers' begin: check the request (its session is valid; its task_id, if any, is
   one), pick what to transfer and fill h. Return 0, or an HTTP status with msg saying
   why (nothing made, h's argv freed by the caller). */
int	xva_export_begin(struct xapi *x, const struct http_request *req,
	    struct handoff_spec *h, char *msg, size_t msglen);	/* xva_export.c */
int	xva_import_begin(struct xapi *x, const struct http_request *req,
	    struct handoff_spec *h, char *msg, size_t msglen);	/* xva_import.c */
/* format=vhd of /export_raw_vdi and /import_raw_vdi (upload: the import). */
int	vhd_transfer_begin(struct xapi *x, const struct http_request *req, int upload,
	    struct handoff_spec *h, char *msg, size_t msglen);	/* vhd_transfer.c */

/* The session of session_id (the query, else the cookie), or NULL when there is none
   valid: the transfer is refused with 401. */
struct obj *handoff_session(struct xapi *x, const struct http_request *req);
/* A parameter that names an object of class cls by ref or uuid: the first of names[]
   present in the query (or cookie). Returns the object, NULL with *status 400 (absent or
   bad) or 404 (no such object) and msg filled. */
struct obj *handoff_object(struct xapi *x, const struct http_request *req,
	    const char *const names[], int cls, int *status, char *msg, size_t msglen);

/* The workers running now (at most XAPI_MAX_TRANSFERS), or those of client (at most
   XAPI_MAX_TRANSFERS_PER_CLIENT) when it is not NULL. */
int	handoff_count(const struct xapi *x, const char *client);
/* Starts the worker of h on socket sock (the caller may close its descriptor: handoff
   keeps a copy until the end) with prefix[0..n) as the body's first bytes, for task (a
   task_id, or NULL: one is made, as XAPI makes one, named in the reply's task-id header),
   on behalf of client (its address). The socket gets x->transfer_timeout for each read
   and write. Returns 0, or -1 (errno; nothing started, and done has cleaned up). */
int	handoff_start(struct xapi *x, struct handoff_spec *h, int sock, const void *prefix,
	    size_t n, const char *task, const char *client);
/* Each turn: reaps the workers that have exited and finishes their transfers; kills
   those whose task was cancelled. */
void	handoff_tick(struct xapi *x);
/* At start: removes what transfers cut short by a crash left behind (import work
   directories and temporary files in the SRs, export temporaries in the state). */
void	handoff_sweep(struct xapi *x);
/* At exit: stops every worker and finishes its transfer (done cleans up). */
void	handoff_stop_all(struct xapi *x);

#endif
