#ifndef ATOLL_REPORT_H
#define ATOLL_REPORT_H

#include <stddef.h>
#include <stdio.h>

/*
 * What the installer tells its user and keeps in the install log: plain numbered lines on
 * the console (readable on a serial line), or a dialog gauge in the interactive installer.
 * Every command it runs goes to the log with its output. main.c makes the one report of a
 * run and passes it down.
 */
#define LOG_PATH	"/tmp/install.log"
#define REPORT_ERROR_MAX	1024	/* report_fail's message, as kept for report_error */

struct report {
	const char *name;	/* the program's, before each line: "atoll-install" */
	const char *log_path;	/* LOG_PATH, or the program's own log */
	const char *failed;	/* report_fail's word: "INSTALL FAILED" */
	FILE	*log;		/* log_path, appended to; NULL before report_open */
	int	 step, steps;	/* for "[step/steps]" and the gauge's percentage */
	void	(*gauge)(int percent, const char *what);	/* NULL: plain lines */
	char	 last_error[REPORT_ERROR_MAX];	/* what the last report_fail said, or "" */
};

/* An empty report (no log yet, one step), the installer's: its name, LOG_PATH, INSTALL FAILED. */
void	report_init(struct report *r);
/* Opens the log (appending). Returns 0, or -1 with errno. */
int	report_open(struct report *r);

/* From here on progress goes to show(percent, what) (a gauge) instead of the console, and
   report_say to the log only; NULL goes back to plain lines. */
void	report_gauge(struct report *r, void (*show)(int percent, const char *what));
/* The number of steps the install has, for "[n/N]" and the gauge's percentage. */
void	report_steps(struct report *r, int steps);

/* A line for the console and the log. */
void	report_say(struct report *r, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* A line for the log only (the console shows dialog screens). */
void	report_log_line(struct report *r, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The next step: "atoll-install: [3/9] partitioning" (NAME: [n/N] what). */
void	report_step(struct report *r, const char *what);
/* "INSTALL FAILED: <why>" and the log's last lines, on the console. Returns -1. */
int	report_fail(struct report *r, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* What the last report_fail said, or "". */
const char *report_error(const struct report *r);
/* The log's last lines into out, for a message box. */
void	report_tail(const struct report *r, int lines, char *out, size_t len);

/* Runs argv (with input, or nothing, on its stdin) to its end, logging its words and
   output. Returns its exit status. */
int	report_run(struct report *r, const char *input, const char *const argv[]);
#define REPORT_RUN(r, ...)	report_run(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

#endif
