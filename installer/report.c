/*
 * The installer's voice: lines on the console or a dialog gauge, and the install log that
 * keeps every line, command and output (see report.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exec.h"
#include "report.h"

#define TAIL_READ	16384	/* how much of the log's end report_tail reads */
#define FAIL_TAIL_LINES	20	/* the log's lines report_fail shows on the console */

void
report_init(struct report *r)
{
	memset(r, 0, sizeof(*r));
	r->name = "atoll-install";
	r->log_path = LOG_PATH;
	r->failed = "INSTALL FAILED";
	r->steps = 1;
}

int
report_open(struct report *r)
{
	if ((r->log = fopen(r->log_path, "a")) == NULL)
		return -1;
	return 0;
}

void
report_gauge(struct report *r, void (*show)(int, const char *))
{
	r->gauge = show;
}

void
report_steps(struct report *r, int n)
{
	r->steps = n > 0 ? n : 1;
	r->step = 0;
}

static void
vlog(struct report *r, const char *fmt, va_list ap)
{
	if (r->log == NULL)
		return;
	vfprintf(r->log, fmt, ap);
	fputc('\n', r->log);
	fflush(r->log);
}

static void
vsay(struct report *r, const char *fmt, va_list ap)
{
	va_list	copy;

	va_copy(copy, ap);
	if (r->gauge == NULL) {
		vprintf(fmt, ap);
		putchar('\n');
		fflush(stdout);
	}
	vlog(r, fmt, copy);
	va_end(copy);
}

void
report_say(struct report *r, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsay(r, fmt, ap);
	va_end(ap);
}

void
report_log_line(struct report *r, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(r, fmt, ap);
	va_end(ap);
}

void
report_step(struct report *r, const char *what)
{
	r->step++;
	report_say(r, "%s: [%d/%d] %s", r->name, r->step, r->steps, what);
	if (r->gauge != NULL)
		r->gauge((r->step - 1) * 100 / r->steps, what);
}

void
report_tail(const struct report *r, int lines, char *out, size_t len)
{
	char	 text[TAIL_READ];
	size_t	 n;
	char	*p;
	FILE	*f;

	out[0] = '\0';
	if (r->log != NULL)
		fflush(r->log);
	if ((f = fopen(r->log_path, "r")) == NULL)
		return;
	if (fseek(f, -(long)sizeof(text) + 1, SEEK_END) == -1)
		rewind(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (p = text + n; p > text && lines >= 0; p--)
		if (p[-1] == '\n')
			lines--;
	snprintf(out, len, "%s", p + (p > text));
}

int
report_fail(struct report *r, const char *fmt, ...)
{
	char	tail[TAIL_READ / 2];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(r->last_error, sizeof(r->last_error), fmt, ap);
	va_end(ap);
	report_say(r, "%s: %s: %s", r->name, r->failed, r->last_error);
	if (r->gauge == NULL) {
		report_tail(r, FAIL_TAIL_LINES, tail, sizeof(tail));
		printf("%s: the log's last lines:\n%s", r->name, tail);
		report_say(r, "%s: the log is in %s", r->name, r->log_path);
	}
	return -1;
}

const char *
report_error(const struct report *r)
{
	return r->last_error;
}

int
report_run(struct report *r, const char *input, const char *const argv[])
{
	struct buf	out;
	int		status;

	buf_init(&out, 64 * 1024);
	status = exec_run_input(argv, input, &out, r->log);
	buf_free(&out);
	return status;
}
