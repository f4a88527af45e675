#ifndef ATOLL_REPORT_H
#define ATOLL_REPORT_H

#include <stdio.h>

/*
 * What the installer tells its user and keeps in the install log: plain numbered lines on
 * the console (readable on a serial line), or a dialog gauge in the interactive installer.
 * Every command it runs goes to the log with its output.
 */
#define LOG_PATH	"/tmp/install.log"

/* Opens the log (appending). Returns 0, or -1 with errno. */
int	report_open(void);
/* The log, for exec_run's "+ argv" lines; NULL before report_open. */
FILE	*report_log(void);

/* From here on progress goes to show(percent, what) (a gauge) instead of the console, and
   say() to the log only; NULL goes back to plain lines. */
void	report_gauge(void (*show)(int percent, const char *what));
/* The number of steps the install has, for "[n/N]" and the gauge's percentage. */
void	report_steps(int steps);

/* A line for the console and the log. */
void	say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The next step: "atoll-install: [3/9] partitioning". */
void	progress(const char *what);
/* "INSTALL FAILED: <why>" and the log's last lines, on the console. Returns 1. */
int	failed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* What the last failed() said, or "". */
const char *report_error(void);
/* The log's last lines into out, for a message box. */
void	report_tail(int lines, char *out, size_t len);

/* Runs argv (with input, or nothing, on its stdin) to its end, logging its words and
   output. Returns its exit status. */
int	run(const char *input, char *const argv[]);
#define RUN(...)	run(NULL, (char *const[]){ __VA_ARGS__, NULL })

#endif
