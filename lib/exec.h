#ifndef ATOLL_EXEC_H
#define ATOLL_EXEC_H

#include <stdio.h>
#include <sys/types.h>

#include "buf.h"

/*
 * Running other programs (xl, sgdisk, mkfs, dialog...): always by argv, never a shell; the
 * child's stdin is /dev/null and its stdout and stderr come back through one pipe.
 */
struct job {
	pid_t		pid;		/* 0 once reaped */
	int		fd;		/* read end of the output pipe; -1 once it closed */
	struct buf	out;		/* what the child wrote, up to the buffer's cap */
	int		status;		/* exit status; 128 + signal; 127 when it could not run */
	int		dropped;	/* output past the cap was dropped: out is not all of it */
};

/* Starts argv[0] (looked up in PATH) with argv. out collects at most cap bytes of output;
   the rest is read and dropped. Returns 0, or -1 with errno set (nothing started). */
int	exec_start(struct job *j, const char *const argv[], size_t cap);

/* The same, with input (at most PIPE_BUF bytes, such as a password) on the child's stdin
   instead of /dev/null, so it never shows in the process list. */
int	exec_start_input(struct job *j, const char *const argv[], size_t cap,
	    const char *input);

/* Reads what is there without blocking (call when j->fd is readable). Returns 1 once the
   child closed its output, else 0. */
int	exec_read(struct job *j);

/* Reaps the child without blocking. Returns 1 when it has exited (j->status set), else 0. */
int	exec_reap(struct job *j);

/* Frees the job's buffer and closes its pipe; a child still running is left alone. */
void	exec_free(struct job *j);

/* Runs argv to its end, blocking, logging "+ argv..." and its status to log (may be NULL).
   Returns the exit status (127: could not run, 128 + n: killed by signal n), or -1 when
   it could not be started; the output is in out (cap bytes at most). */
int	exec_run(const char *const argv[], struct buf *out, FILE *log);
/* The same with input (NUL-terminated, may be NULL) on the program's standard input. */
int	exec_run_input(const char *const argv[], const char *input, struct buf *out,
	    FILE *log);

/* Starts argv[0] (looked up in PATH) with its stdin in and its stdout out (descriptors
   the caller keeps and closes) and stderr /dev/null: a filter in a pipeline, such as a
   compressor or a hash. lowprio runs it as XAPI runs its compressors (nice 19, idle I/O
   class). Returns its pid, or -1 with errno set (nothing started). */
pid_t	exec_spawn(const char *const argv[], int in, int out, int lowprio);
/* execvp(argv[0], argv) for a child that has set itself up; returns only when it fails. */
void	exec_argv(const char *const argv[]);
/* Waits for pid (blocking). Returns its exit status as struct job's (127: could not run,
   128 + n: killed by signal n), or -1 when it is not a child. */
int	exec_wait(pid_t pid);

#endif
