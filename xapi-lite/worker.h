#ifndef XAPI_WORKER_H
#define XAPI_WORKER_H

#include <stddef.h>

/*
 * Workers: child processes (main's --worker KIND ARGS...) that move one transfer's bytes
 * between a client's socket and an SR, so the event loop keeps serving everyone else.
 * handoff.c starts them. A worker has:
 *   fd 0	the client's socket: an upload's body comes from it (after fd 3's bytes), and
 *		a download's whole HTTP reply (head and body) goes to it;
 *   fd 1, 2	one pipe to xapi-lite, read a line at a time:
 *		"progress F"		0 <= F <= 1, the task's progress
 *		"error CODE\tP1\tP2..."	XAPI's error code and parameters for the task;
 *   fd 3	an upload's first body bytes, read with the request's header (may be empty);
 * and exits 0 when the transfer succeeded, else 1 after an "error" line.
 */

/* The upload a worker reads: fd 3's bytes, then the socket's, at most a length. */
struct worker_in {
	int		 fd;		/* 3, then 0 */
	long long	 left;		/* bytes still to come; -1: up to the end of the stream */
	long long	 done;		/* bytes read so far */
};

/* Starts reading the body: length is the request's Content-Length, or -1 (until the
   sender closes). XO sends 1 PiB when it does not know, and closes when done: a length
   is an upper bound, the archive's own end is where a reader stops. */
void	worker_in_init(struct worker_in *in, long long length);
/* Reads up to n bytes (fewer only at the end). Returns the count, 0 at the end, or -1
   (errno) when reading failed. */
long long worker_read(struct worker_in *in, void *p, size_t n);
/* Reads exactly n bytes. Returns 0, 1 when the body ended first (a truncated upload), or
   -1 (errno). */
int	worker_read_full(struct worker_in *in, void *p, size_t n);

/* Reports the task's progress (0..1); at most a line every 1 % so the pipe stays quiet. */
void	worker_progress(double fraction);
/* Reports XAPI's error code with its n parameters (tabs and newlines in them become
   spaces). The worker then exits 1. */
void	worker_error(const char *code, size_t n, const char *const params[]);
/* worker_error with a printf-formatted single parameter: INTERNAL_ERROR's words. */
void	worker_errorf(const char *code, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* The start of a download's reply, written to fd 0 before the body: XAPI's export head
   (HTTP/1.0 200, no length: the body ends when the connection closes; the task's ref in
   task-id, from the environment handoff gives the worker). Returns 0 or -1 (errno). */
int	worker_reply_head(const char *content_type);

/* main's --worker: runs worker KIND with its arguments; returns the exit status. */
int	worker_main(int argc, char **argv);

/* The workers (argv after KIND; see each file for its arguments). */
int	xva_export_worker(int argc, char **argv);	/* xva_export.c */
int	xva_import_worker(int argc, char **argv);	/* xva_import.c */
int	vhd_export_worker(int argc, char **argv);	/* vhd_export.c */
int	vhd_import_worker(int argc, char **argv);	/* vhd_import.c */

#endif
