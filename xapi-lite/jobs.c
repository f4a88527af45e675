/*
 * Calls that wait for a child process: the call parks with its job, the loop polls the
 * job's output pipe, and once the child has exited its completion function makes the reply
 * (or starts the next job). The loop never waits for a child. Calls that wait for a time
 * (a failed login's delay) or for a crypt helper (auth.c's queue) resume from here too.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "exec.h"
#include "loop.h"
#include "xapi.h"
#include "xapi_limits.h"

typedef void park_fn(struct xapi *, struct park *, struct rpc_reply *);

#define JOB_OUTPUT_MAX	(64 * 1024)

int
park_job(struct park *pk, const char *const argv[], const char *input,
    void (*done)(struct xapi *, struct park *, struct rpc_reply *))
{
	if (pk->job != NULL)
		exec_free(pk->job);		/* the finished one this follows */
	else if ((pk->job = calloc(1, sizeof(*pk->job))) == NULL)
		return -1;
	if (exec_start_input(pk->job, argv, JOB_OUTPUT_MAX, input) == -1) {
		int	e = errno;	/* EMFILE: the caller may free some */

		free(pk->job);
		pk->job = NULL;
		errno = e;
		return -1;
	}
	pk->job_done = done;
	pk->crypt = 0;
	return 0;
}

/* A job's output is read in rpc_jobs, every turn; its pipe only wakes the loop. */
static void
on_job_output(struct loop *l, int fd, void *arg, int mask)
{
	(void)l;
	(void)fd;
	(void)arg;
	(void)mask;
}

void
park_job_end(struct park *pk)
{
	if (pk->job == NULL)
		return;
	exec_free(pk->job);
	free(pk->job);
	pk->job = NULL;
	pk->crypt = 0;
}

/* r is pk's reply: an Async call's task gets it, else answer sends it. */
static void
finish(struct xapi *x, struct park *pk, struct rpc_reply *r, park_fn *answer)
{
	if (pk->task[0] != '\0') {
		task_complete(x, pk->task, r);
		park_unlink(x, pk);
		park_free(pk);
	} else
		answer(x, pk, r);
}

/* Runs pk's resume: it answers, or parks again (on a job, a time or the queue). */
static void
resume(struct xapi *x, struct park *pk, park_fn *answer)
{
	park_fn		*fn = pk->resume;
	struct rpc_reply r;

	pk->resume = NULL;
	pk->ticket = 0;
	memset(&r, 0, sizeof(r));
	fn(x, pk, &r);
	if (!r.parked)
		finish(x, pk, &r, answer);
}

void
rpc_jobs(struct xapi *x, void (*answer)(struct xapi *, struct park *, struct rpc_reply *))
{
	struct park	*pk, *next;
	struct rpc_reply r;
	int		 n;

	for (pk = x->parked; pk != NULL; pk = next) {
		next = pk->next;
		if (pk->job == NULL)
			continue;
		/* Done when the child has exited, whether or not its pipe closed: a daemon it
		   left behind (xl's) may hold the pipe open. */
		(void)exec_read(pk->job);
		if (!exec_reap(pk->job))
			continue;
		(void)exec_read(pk->job);
		memset(&r, 0, sizeof(r));
		/* done reads the job's output and status; it may start another job on the same
		   park (r.parked) instead of answering. */
		pk->job_done(x, pk, &r);
		if (r.parked)
			continue;
		park_job_end(pk);
		finish(x, pk, &r, answer);
	}
	/* Calls whose time has come; then queued ones, oldest first, while helpers are free
	   (no more than there are helpers: each one started takes one). */
	for (pk = x->parked; pk != NULL; pk = next) {
		next = pk->next;
		if (pk->job == NULL && pk->resume != NULL && pk->ticket == 0 &&
		    x->now_ms >= pk->not_before_ms)
			resume(x, pk, answer);
	}
	for (n = 0; n < XAPI_MAX_CRYPT_HELPERS && (pk = auth_next(x)) != NULL; n++)
		resume(x, pk, answer);
	/* The pipes of the jobs still running wake the next turn (registered for that turn
	   only: a job's pipe closes where the loop does not see it). */
	for (pk = x->parked; pk != NULL; pk = pk->next)
		if (pk->job != NULL && pk->job->fd != -1)
			(void)loop_add(x->loop, pk->job->fd, LOOP_IN | LOOP_ONCE, on_job_output, x);
}

long long
rpc_next_due(const struct xapi *x)
{
	const struct park	*pk;
	long long		 due = -1;

	for (pk = x->parked; pk != NULL; pk = pk->next)
		if (pk->job == NULL && pk->resume != NULL &&
		    (due == -1 || pk->not_before_ms < due))
			due = pk->not_before_ms;
	return due;
}

const char *
park_ctx_part(const struct park *pk, int n)
{
	const char	*p = pk->ctx;

	while (n-- > 0)
		p += strlen(p) + 1;
	return p;
}

int
park_set_ctx(struct park *pk, const char *const parts[], size_t n)
{
	char	*ctx;
	size_t	 i, len = 0;

	for (i = 0; i < n; i++)
		len += strlen(parts[i]) + 1;
	if ((ctx = malloc(len ? len : 1)) == NULL)
		return -1;
	for (len = 0, i = 0; i < n; i++) {
		memcpy(ctx + len, parts[i], strlen(parts[i]) + 1);
		len += strlen(parts[i]) + 1;
	}
	if (pk->ctx != NULL) {
		/* It may hold a password. */
		memset(pk->ctx, 0, pk->ctxlen);
		free(pk->ctx);
	}
	pk->ctx = ctx;
	pk->ctxlen = len;
	return 0;
}

void
park_unlink(struct xapi *x, struct park *pk)
{
	struct park	**pp;

	for (pp = &x->parked; *pp != NULL; pp = &(*pp)->next)
		if (*pp == pk) {
			*pp = pk->next;
			return;
		}
}

void
park_release_all(struct xapi *x)
{
	struct park	*pk;

	while ((pk = x->parked) != NULL) {
		x->parked = pk->next;
		if (pk->job != NULL) {
			exec_free(pk->job);	/* its child is left to end */
			free(pk->job);
			pk->job = NULL;
		}
		park_free(pk);
	}
}

void
park_free(struct park *pk)
{
	if (pk->job != NULL) {
		if (pk->job->pid > 0) {
			kill(pk->job->pid, SIGKILL);
			waitpid(pk->job->pid, NULL, 0);
		}
		exec_free(pk->job);
		free(pk->job);
	}
	if (pk->ctx != NULL) {
		/* It may hold a password. */
		memset(pk->ctx, 0, pk->ctxlen);
		free(pk->ctx);
	}
	free(pk->classes);
	free(pk->json_id);
	free(pk);
}
