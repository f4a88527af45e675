/*
 * Child processes without a shell: fork and execvp with the output on a non-blocking pipe,
 * so an event loop can poll it and reap the child when it is done (exec_start, exec_read,
 * exec_reap), or one call that waits (exec_run) and logs what it ran, for the installer;
 * and filters between descriptors the caller gives (exec_spawn, exec_wait).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"

/* POSIX keeps execvp's char *const[] for old callers and promises not to change the
   strings, so this is the one place the const goes. */
void
exec_argv(const char *const argv[])
{
	execvp(argv[0], (char *const *)(uintptr_t)argv);
}

int
exec_start(struct job *j, const char *const argv[], size_t cap)
{
	return exec_start_input(j, argv, cap, NULL);
}

int
exec_start_input(struct job *j, const char *const argv[], size_t cap,
    const char *input)
{
	int	p[2], in[2] = { -1, -1 }, null;
	pid_t	pid;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	buf_init(&j->out, cap);
	if (argv == NULL || argv[0] == NULL || (input != NULL && strlen(input) > PIPE_BUF)) {
		errno = EINVAL;
		return -1;
	}
	if (input != NULL && pipe(in) == -1)
		return -1;
	if (pipe(p) == -1) {
		if (input != NULL) {
			close(in[0]);
			close(in[1]);
		}
		return -1;
	}
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		if (input != NULL) {
			close(in[0]);
			close(in[1]);
		}
		return -1;
	}
	if (pid == 0) {
		if (input != NULL) {
			dup2(in[0], 0);
			close(in[0]);
			close(in[1]);
		} else if ((null = open("/dev/null", O_RDONLY)) != -1)
			dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		signal(SIGPIPE, SIG_DFL);
		exec_argv(argv);
		/* Only the pipe can tell the parent why. */
		(void)!write(2, "cannot run ", 11);
		(void)!write(2, argv[0], strlen(argv[0]));
		(void)!write(2, ": ", 2);
		(void)!write(2, strerror(errno), strlen(strerror(errno)));
		(void)!write(2, "\n", 1);
		_exit(127);
	}
	close(p[1]);
	if (input != NULL) {
		/* At most PIPE_BUF bytes: the write is whole and never blocks. */
		close(in[0]);
		(void)!write(in[1], input, strlen(input));
		close(in[1]);
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	j->pid = pid;
	j->fd = p[0];
	return 0;
}

int
exec_read(struct job *j)
{
	char	chunk[4096];
	ssize_t	n;

	if (j->fd == -1)
		return 1;
	for (;;) {
		n = read(j->fd, chunk, sizeof(chunk));
		if (n > 0) {
			/* Past the cap the output is dropped, but still read: the child must not
			   block on a full pipe. */
			if (j->out.max == 0 || j->out.len + n <= j->out.max) {
				if (buf_append(&j->out, chunk, n) == -1)
					j->dropped = 1;
			} else
				j->dropped = 1;
			continue;
		}
		if (n < 0 && (errno == EINTR))
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		close(j->fd);
		j->fd = -1;
		return 1;
	}
}

int
exec_reap(struct job *j)
{
	int	st;
	pid_t	r;

	if (j->pid == 0)
		return 1;
	while ((r = waitpid(j->pid, &st, WNOHANG)) == -1 && errno == EINTR)
		;
	if (r == 0)
		return 0;
	if (r == -1)
		j->status = 127;
	else if (WIFEXITED(st))
		j->status = WEXITSTATUS(st);
	else
		j->status = 128 + WTERMSIG(st);
	j->pid = 0;
	return 1;
}

void
exec_free(struct job *j)
{
	if (j->fd != -1)
		close(j->fd);
	j->fd = -1;
	buf_free(&j->out);
}

int
exec_run(const char *const argv[], struct buf *out, FILE *log)
{
	return exec_run_input(argv, NULL, out, log);
}

int
exec_run_input(const char *const argv[], const char *input, struct buf *out,
    FILE *log)
{
	struct job	j;
	struct pollfd	pfd;
	int		i;

	if (log != NULL) {
		fputs("+", log);
		for (i = 0; argv[i] != NULL; i++)
			fprintf(log, " %s", argv[i]);
		fputc('\n', log);
		fflush(log);
	}
	if (exec_start_input(&j, argv, out->max, input) == -1) {
		if (log != NULL)
			fprintf(log, "  cannot start: %s\n", strerror(errno));
		return -1;
	}
	while (!exec_read(&j)) {
		pfd.fd = j.fd;
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, -1);
	}
	while (!exec_reap(&j))
		(void)poll(NULL, 0, 10);
	buf_reset(out);
	if (j.out.len > 0 && buf_append(out, j.out.p, j.out.len) == -1)
		(void)0;	/* already capped to out->max by exec_start */
	if (log != NULL) {
		if (j.out.len > 0)
			fprintf(log, "%s%s", j.out.p, j.out.p[j.out.len - 1] == '\n' ? "" : "\n");
		fprintf(log, "  exit %d\n", j.status);
		fflush(log);
	}
	exec_free(&j);
	return j.status;
}

/* XAPI's lower_priority: nice -n 19, ionice -c 3 (the idle class). */
#define SPAWN_NICE		19
#define IOPRIO_WHO_PROCESS	1
#define IOPRIO_IDLE		(3 << 13)
#define SPAWN_FD_MIN		10	/* above the descriptors the child is given */

pid_t
exec_spawn(const char *const argv[], int in, int out, int lowprio)
{
	pid_t	pid;
	int	null;

	if (argv == NULL || argv[0] == NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((pid = fork()) == -1)
		return -1;
	if (pid > 0)
		return pid;
	/* Out of the way first, so that in and out may be any descriptors (0 and 1
	   included) without one clobbering the other. */
	if ((in = fcntl(in, F_DUPFD, SPAWN_FD_MIN)) == -1 ||
	    (out = fcntl(out, F_DUPFD, SPAWN_FD_MIN)) == -1 ||
	    dup2(in, 0) == -1 || dup2(out, 1) == -1)
		_exit(127);
	close(in);
	close(out);
	if ((null = open("/dev/null", O_WRONLY)) != -1) {
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	if (lowprio) {
		(void)setpriority(PRIO_PROCESS, 0, SPAWN_NICE);
		(void)syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_IDLE);
	}
	signal(SIGPIPE, SIG_DFL);
	exec_argv(argv);
	_exit(127);
}

int
exec_wait(pid_t pid)
{
	int	st;
	pid_t	r;

	while ((r = waitpid(pid, &st, 0)) == -1 && errno == EINTR)
		;
	if (r == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
