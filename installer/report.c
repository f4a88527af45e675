/*
 * The installer's voice: lines on the console or a dialog gauge, and the install log that
 * keeps every line, command and output (see report.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exec.h"
#include "report.h"

static FILE	*install_log;
static int	 step, steps = 1;
static void	(*gauge)(int, const char *);
static char	 last_error[1024];

int
report_open(void)
{
	if ((install_log = fopen(LOG_PATH, "a")) == NULL)
		return -1;
	return 0;
}

FILE *
report_log(void)
{
	return install_log;
}

void
report_gauge(void (*show)(int, const char *))
{
	gauge = show;
}

void
report_steps(int n)
{
	steps = n > 0 ? n : 1;
	step = 0;
}

static void
vsay(const char *fmt, va_list ap)
{
	va_list	copy;

	va_copy(copy, ap);
	if (gauge == NULL) {
		vprintf(fmt, ap);
		putchar('\n');
		fflush(stdout);
	}
	if (install_log != NULL) {
		vfprintf(install_log, fmt, copy);
		fputc('\n', install_log);
		fflush(install_log);
	}
	va_end(copy);
}

void
say(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

void
progress(const char *what)
{
	step++;
	say("atoll-install: [%d/%d] %s", step, steps, what);
	if (gauge != NULL)
		gauge((step - 1) * 100 / steps, what);
}

void
report_tail(int lines, char *out, size_t len)
{
	static char	text[16384];
	size_t		n;
	char		*p;
	FILE		*f;

	out[0] = '\0';
	if (install_log != NULL)
		fflush(install_log);
	if ((f = fopen(LOG_PATH, "r")) == NULL)
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
failed(const char *fmt, ...)
{
	static char	tail[8192];
	char		msg[1024];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memcpy(last_error, msg, sizeof(last_error));
	say("atoll-install: INSTALL FAILED: %s", msg);
	if (gauge == NULL) {
		report_tail(20, tail, sizeof(tail));
		printf("atoll-install: the log's last lines:\n%s", tail);
		say("atoll-install: the log is in %s", LOG_PATH);
	}
	return 1;
}

const char *
report_error(void)
{
	return last_error;
}

int
run(const char *input, char *const argv[])
{
	struct buf	out;
	int		status;

	buf_init(&out, 64 * 1024);
	status = exec_run_input(argv, input, &out, install_log);
	buf_free(&out);
	return status;
}
