/*
 * Transfers handed to worker processes (handoff.h, worker.h). The loop stays free: the
 * worker owns the client's socket and does the reading, hashing, compressing and writing,
 * and tells its progress and error in lines on a pipe. xapi-lite keeps a copy of the
 * socket until the worker's end has been dealt with (the handler's done has made or removed
 * records, the task is finished), so the client sees the connection close only then, as
 * XAPI closes it after the import's records exist.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "handoff.h"
#include "hval.h"
#include "log.h"
#include "loop.h"
#include "rpc_impl.h"
#include "storage.h"
#include "worker.h"
#include "xapi_limits.h"

#define LINE_MAX_BYTES	1024	/* a worker's line; a longer one is cut */
#define ERROR_PARTS	8	/* an error line's code and parameters kept */

struct handoff {
	struct handoff	*next;
	struct xapi	*x;
	pid_t		 pid;		/* 0 once reaped */
	int		 status;	/* its exit status once reaped (128 + signal) */
	int		 out;		/* its lines; -1 once at their end */
	int		 sock;		/* our copy of the client's socket */
	char		 line[LINE_MAX_BYTES];
	size_t		 linelen;
	char		*error;		/* its last "error" line, tab-separated (heap) */
	char		*said;		/* its last other line (a helper's words), for a
					   failure without an error line (heap) */
	char		 task[REF_LEN + 1];
	char		 client[CLIENT_ADDR_LEN];	/* whose transfer (conn's client) */
	int		 killed;	/* its task was cancelled: it was told to stop */
	int		 own_task;	/* made here (the client gave none): goes at the end */
	void		(*done)(struct xapi *, const char *, int, const char *const *, size_t,
			    struct rpc_reply *);
	char		 ctx[HANDOFF_CTX_LEN];
};

int
handoff_arg(struct handoff_spec *h, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	if (h->argc >= HANDOFF_MAX_ARGS)
		return -1;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n == -1)
		return -1;
	h->argv[h->argc++] = s;
	h->argv[h->argc] = NULL;
	return 0;
}

int
handoff_refuse(char *msg, size_t len, int status, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return status;
}

void
handoff_spec_free(struct handoff_spec *h)
{
	while (h->argc > 0)
		free(h->argv[--h->argc]);
	h->argv[0] = NULL;
}

struct obj *
handoff_session(struct xapi *x, const struct http_request *req)
{
	char		 ref[80];
	struct obj	*s;

	if (http_request_param(req, "session_id", ref, sizeof(ref)) != 1 ||
	    (s = db_find(&x->db, ref, strlen(ref))) == NULL || s->cls != C_session)
		return NULL;
	return s;
}

struct obj *
handoff_object(struct xapi *x, const struct http_request *req, const char *const names[],
    int cls, int *status, char *msg, size_t msglen)
{
	char		 name[128];
	struct obj	*o;
	int		 got = 0;
	size_t		 i;

	for (i = 0; names[i] != NULL && got == 0; i++)
		if ((got = http_request_param(req, names[i], name, sizeof(name))) == -1)
			break;
	if (got != 1) {
		*status = 400;
		snprintf(msg, msglen, "the %s parameter is %s\n", names[i > 0 ? i - 1 : 0],
		    got == 0 ? "missing" : "badly escaped or too long");
		return NULL;
	}
	if ((o = db_find(&x->db, name, strlen(name))) == NULL)
		o = db_find_uuid(&x->db, cls, name, strlen(name));
	if (o == NULL || (int)o->cls != cls) {
		*status = 404;
		snprintf(msg, msglen, "no such %s: %s\n", model_classes[cls].name, name);
		return NULL;
	}
	return o;
}

int
handoff_count(const struct xapi *x, const char *client)
{
	const struct handoff	*h;
	int			 n = 0;

	for (h = x->handoffs; h != NULL; h = h->next)
		n += client == NULL || strcmp(h->client, client) == 0;
	return n;
}

/* Takes the worker's lines: progress goes to the task, the last error is kept. */
static void
take_line(struct xapi *x, struct handoff *h, char *line)
{
	struct obj	*t;
	double		 f;
	char		*end;

	if (strncmp(line, "progress ", 9) == 0) {
		f = strtod(line + 9, &end);
		if (end != line + 9 && f >= 0 && f <= 1 && h->task[0] != '\0' &&
		    (t = db_find(&x->db, h->task, REF_LEN)) != NULL)
			(void)db_set(&x->db, t, F_task_progress, hval_double(f));
	} else if (strncmp(line, "error ", 6) == 0) {
		free(h->error);
		h->error = strdup(line + 6);
	} else if (line[0] != '\0') {
		free(h->said);
		h->said = strdup(line);
	}
}

/* Reads what the worker wrote; at the end of its output, closes the pipe. */
static void
on_output(struct loop *l, int fd, void *arg, int mask)
{
	struct handoff	*h = arg;
	struct xapi	*x = h->x;
	char		 chunk[4096];
	ssize_t		 n, i;

	(void)mask;
	for (;;) {
		if ((n = read(fd, chunk, sizeof(chunk))) == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;
		for (i = 0; i < n; i++) {
			if (chunk[i] != '\n') {
				if (h->linelen < sizeof(h->line) - 1)
					h->line[h->linelen++] = chunk[i];
				continue;
			}
			h->line[h->linelen] = '\0';
			take_line(x, h, h->line);
			h->linelen = 0;
		}
	}
	loop_del(l, fd);
	close(fd);
	h->out = -1;
}

/* Splits the error line into code and parameters (in place). */
static size_t
error_parts(char *line, const char *parts[ERROR_PARTS])
{
	size_t	n = 0;
	char	*p = line, *tab;

	while (p != NULL && n < ERROR_PARTS) {
		parts[n++] = p;
		if ((tab = strchr(p, '\t')) != NULL)
			*tab++ = '\0';
		p = tab;
	}
	return n;
}

/* The worker has ended: done cleans up or commits, the task gets the outcome, and our
   copy of the socket closes (the client's connection ends now). */
static void
finish(struct xapi *x, struct handoff *h)
{
	struct rpc_reply	 r;
	const char		*parts[ERROR_PARTS];
	size_t			 nparts = 0;
	struct obj		*t = h->task[0] ? db_find(&x->db, h->task, REF_LEN) : NULL;
	int			 cancelled = t != NULL &&
			    strcmp(db_str(&x->db, t, F_task_status), "pending") != 0;

	memset(&r, 0, sizeof(r));
	if (h->error != NULL && h->status != 0)
		nparts = error_parts(h->error, parts);
	if (h->done != NULL)
		h->done(x, h->ctx, cancelled ? 1 : h->status, parts, nparts, &r);
	if (r.value == NULL && r.nerr == 0) {
		if (h->status == 0)
			rpc_ok(&r, rpc_str(x, ""));
		else if (nparts > 0) {
			r.err = arena_alloc(&x->arena, nparts * sizeof(*r.err));
			if (r.err != NULL) {
				memcpy(r.err, parts, nparts * sizeof(*r.err));
				r.nerr = nparts;
			}
		}
		if (r.value == NULL && r.nerr == 0)
			rpc_fail(x, &r, "INTERNAL_ERROR", 1, rpc_printf(x,
			    "the transfer failed (exit status %d)%s%s", h->status,
			    h->said != NULL ? ": " : "", h->said != NULL ? h->said : ""));
	}
	/* A cancelled task says so already (task.cancel). One made for a request without a
	   task_id ends with the request, as XAPI's does (XO's probe leaves nothing). */
	if (t != NULL && h->own_task)
		db_destroy(&x->db, t);
	else if (t != NULL && !cancelled)
		task_complete(x, h->task, &r);
	close(h->sock);
	free(h->error);
	free(h->said);
	arena_reset(&x->arena);
}

void
handoff_tick(struct xapi *x)
{
	struct handoff	**hp = &x->handoffs, *h;
	struct obj	 *t;
	int		  st;

	while ((h = *hp) != NULL) {
		/* task.cancel: the worker stops (its done removes what it made). */
		if (!h->killed && h->task[0] != '\0' && h->pid > 0 &&
		    ((t = db_find(&x->db, h->task, REF_LEN)) == NULL ||
		    strcmp(db_str(&x->db, t, F_task_status), "pending") != 0)) {
			kill(h->pid, SIGTERM);
			h->killed = 1;
		}
		if (h->pid > 0 && waitpid(h->pid, &st, WNOHANG) == h->pid) {
			h->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			h->pid = 0;
		}
		/* Its output is read to the end first (a helper it left may hold the pipe:
		   then what it has not written yet is lost, the worker's own lines are not). */
		if (h->pid == 0 && h->out != -1)
			on_output(x->loop, h->out, h, LOOP_IN);
		if (h->pid != 0) {
			hp = &h->next;
			continue;
		}
		*hp = h->next;
		finish(x, h);
		free(h);
	}
}

void
handoff_stop_all(struct xapi *x)
{
	struct handoff	*h;

	/* A worker cut short leaves its task failed and its files removed by done. */
	for (h = x->handoffs; h != NULL; h = h->next)
		if (h->pid > 0) {
			kill(h->pid, SIGTERM);
			h->killed = 1;
		}
	while (x->handoffs != NULL) {
		int	st;

		for (h = x->handoffs; h != NULL; h = h->next)
			if (h->pid > 0 && waitpid(h->pid, &st, 0) == h->pid) {
				h->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
				h->pid = 0;
			}
		handoff_tick(x);
	}
}

/* The reply's head for an upload, sent before the body is read, as XAPI's import does. */
static int
upload_head(int sock, const char *task)
{
	char	head[256];
	int	n = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nConnection: close\r\n"
	    "Cache-Control: no-cache, no-store\r\ntask-id: %s\r\n"
	    "content-type: application/octet-stream\r\n\r\n", task);

	return write_all(sock, head, (size_t)n);
}

/* The body's first bytes as a file the worker reads as fd 3 (-1 when there are none). */
static int
prefix_file(const void *prefix, size_t n)
{
	int	fd;

	if (n == 0)
		return -1;
	if ((fd = memfd_create("upload-prefix", MFD_CLOEXEC)) == -1)
		return -2;
	if (write_all(fd, prefix, n) == -1 || lseek(fd, 0, SEEK_SET) == -1) {
		close(fd);
		return -2;
	}
	return fd;
}

int
handoff_start(struct xapi *x, struct handoff_spec *spec, int sock, const void *prefix,
    size_t n, const char *task, const char *client)
{
	struct timeval	 idle = { .tv_sec = x->transfer_timeout };
	sigset_t	 all, old;
	struct handoff	*h;
	struct obj	*t = NULL;
	char		*argv[HANDOFF_MAX_ARGS + 3];
	int		 p[2], pre, fl, e, i;
	pid_t		 pid;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return -1;
	h->x = x;
	h->out = h->sock = -1;
	if (task == NULL) {
		/* XAPI makes a task for a transfer without one, and names it in the reply. */
		if ((t = task_new(x, spec->label[0] ? spec->label : "transfer", "")) == NULL) {
			free(h);
			errno = ENOMEM;
			return -1;
		}
		task = t->ref;
		h->own_task = 1;
	}
	snprintf(h->task, sizeof(h->task), "%s", task);
	snprintf(h->client, sizeof(h->client), "%s", client);
	/* The worker reads and writes the socket as ordinary blocking I/O, and gives up
	   when its client stalls; the flag and the timeouts belong to the socket, shared
	   with our copy, which we no longer read. */
	if ((fl = fcntl(sock, F_GETFL)) == -1 || fcntl(sock, F_SETFL, fl & ~O_NONBLOCK) == -1 ||
	    setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle)) == -1 ||
	    setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &idle, sizeof(idle)) == -1 ||
	    (h->sock = fcntl(sock, F_DUPFD_CLOEXEC, 0)) == -1)
		goto fail;
	if (!spec->worker_answers && upload_head(sock, h->task) == -1)
		goto fail;
	if ((pre = prefix_file(prefix, n)) == -2)
		goto fail;
	if (pipe2(p, O_CLOEXEC) == -1) {
		if (pre != -1)
			close(pre);
		goto fail;
	}
	argv[0] = "/proc/self/exe";
	argv[1] = "--worker";
	for (i = 0; i < spec->argc; i++)
		argv[i + 2] = spec->argv[i];
	argv[i + 2] = NULL;
	/* Signals wait until the child has given up xapi-lite's handlers: a task.cancel's
	   SIGTERM between fork and exec must not land in a handler of ours. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if ((pid = fork()) == -1) {
		e = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(p[0]);
		close(p[1]);
		if (pre != -1)
			close(pre);
		errno = e;
		goto fail;
	}
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		/* Only 0 to 3 reach the worker: everything else here is close-on-exec. */
		dup2(sock, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		if (pre == 3)
			fcntl(3, F_SETFD, 0);
		else if (pre != -1)
			dup2(pre, 3);
		else
			close(3);
		setenv("XAPI_TASK_ID", h->task, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(p[1]);
	if (pre != -1)
		close(pre);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	h->pid = pid;
	h->out = p[0];
	/* Unwatched (no room in the loop), it is read by handoff_tick once the worker has
	   exited; a worker writes little. */
	(void)loop_add(x->loop, h->out, LOOP_IN, on_output, h);
	h->done = spec->done;
	memcpy(h->ctx, spec->ctx, sizeof(h->ctx));
	h->next = x->handoffs;
	x->handoffs = h;
	return 0;
fail:
	e = errno;
	if (h->sock != -1)
		close(h->sock);
	if (t != NULL)
		db_destroy(&x->db, t);
	free(h);
	/* What begin made (a work directory, a temporary file) goes. */
	if (spec->done != NULL) {
		struct rpc_reply	r;

		memset(&r, 0, sizeof(r));
		spec->done(x, spec->ctx, 1, NULL, 0, &r);
	}
	errno = e;
	return -1;
}

/* Removes dir/name, a file or a directory of files (an import's work directory). */
static void
remove_entry(const char *dir, const char *name)
{
	char		 path[1024], inner[1280];
	DIR		*d;
	struct dirent	*e;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return;
	if (unlink(path) == 0 || errno != EISDIR)
		return;
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.' || (strcmp(e->d_name, ".") != 0 &&
			    strcmp(e->d_name, "..") != 0)) {
				snprintf(inner, sizeof(inner), "%s/%s", path, e->d_name);
				unlink(inner);
			}
		closedir(d);
	}
	rmdir(path);
}

/* Removes the entries of dir whose names start with one of prefixes[]. */
static void
sweep_dir(const char *dir, const char *const prefixes[])
{
	DIR		*d;
	struct dirent	*e;
	size_t		 i;

	if (dir == NULL || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		for (i = 0; prefixes[i] != NULL; i++)
			if (strncmp(e->d_name, prefixes[i], strlen(prefixes[i])) == 0) {
				remove_entry(dir, e->d_name);
				break;
			}
	closedir(d);
}

void
handoff_sweep(struct xapi *x)
{
	/* The names xva_import.c, vhd_transfer.c and xva_export.c give what they make: a
	   dot keeps the SR's ones from ever being a VDI's location. */
	static const char *const in_sr[] = { ".xva-import.", ".import-", NULL };
	static const char *const in_state[] = { "xva-export-", NULL };
	size_t		 i;

	for (i = 0; i < x->db.n[C_SR]; i++)
		sweep_dir(sr_dir(x, x->db.objs[C_SR][i]), in_sr);
	sweep_dir(x->statedir, in_state);
}
