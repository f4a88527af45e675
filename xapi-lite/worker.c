/*
 * What every worker shares (worker.h): reading an upload's body (the bytes xapi-lite read
 * with the header, then the socket, never past the length), writing all of a buffer, and
 * the lines that tell xapi-lite the task's progress and error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "nitems.h"
#include "worker.h"

#define PREFIX_FD	3
#define SOCKET_FD	0

void
worker_in_init(struct worker_in *in, long long length)
{
	in->fd = PREFIX_FD;
	in->left = length;
	in->done = 0;
}

long long
worker_read(struct worker_in *in, void *p, size_t n)
{
	ssize_t	got;

	if (in->left == 0 || n == 0)
		return 0;
	if (in->left > 0 && (long long)n > in->left)
		n = (size_t)in->left;
	for (;;) {
		if ((got = read(in->fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			if (in->fd == PREFIX_FD && errno == EBADF)
				got = 0;	/* no prefix given */
			else
				return -1;
		}
		if (got == 0 && in->fd == PREFIX_FD) {
			in->fd = SOCKET_FD;
			continue;
		}
		break;
	}
	in->done += got;
	if (in->left > 0)
		in->left -= got;
	return got;
}

int
worker_read_full(struct worker_in *in, void *p, size_t n)
{
	char		*q = p;
	long long	 got;

	while (n > 0) {
		if ((got = worker_read(in, q, n)) == -1)
			return -1;
		if (got == 0)
			return 1;
		q += got;
		n -= (size_t)got;
	}
	return 0;
}

void
worker_progress(double fraction)
{
	static int	last = -1;
	int		pct;

	if (fraction < 0)
		fraction = 0;
	if (fraction > 1)
		fraction = 1;
	if ((pct = (int)(fraction * 100)) == last)
		return;
	last = pct;
	printf("progress %.2f\n", pct / 100.0);
	fflush(stdout);
}

/* Writes s with tabs and newlines made spaces: they separate the line's fields. */
static void
put_field(const char *s)
{
	for (; *s != '\0'; s++)
		putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

void
worker_error(const char *code, size_t n, const char *const params[])
{
	size_t	i;

	fputs("error ", stdout);
	put_field(code);
	for (i = 0; i < n; i++) {
		putchar('\t');
		put_field(params[i] != NULL ? params[i] : "");
	}
	putchar('\n');
	fflush(stdout);
}

void
worker_errorf(const char *code, const char *fmt, ...)
{
	char		 words[512];
	const char	*p[1] = { words };
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(words, sizeof(words), fmt, ap);
	va_end(ap);
	worker_error(code, 1, p);
}

int
worker_reply_head(const char *content_type)
{
	const char	*task = getenv("XAPI_TASK_ID");
	char		 head[512];
	int		 n;

	/* XAPI's export head: HTTP/1.0, no length, the task named. */
	n = snprintf(head, sizeof(head), "HTTP/1.0 200 OK\r\nConnection: close\r\n"
	    "Cache-Control: no-cache, no-store\r\n%s%s%scontent-type: %s\r\n\r\n",
	    task != NULL ? "task-id: " : "", task != NULL ? task : "",
	    task != NULL ? "\r\n" : "", content_type);
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	return write_all(SOCKET_FD, head, (size_t)n);
}

static const struct {
	const char	*kind;
	int		(*run)(int, char **);
} workers[] = {
	{ "export-xva", xva_export_worker },
	{ "import-xva", xva_import_worker },
	{ "export-vhd", vhd_export_worker },
	{ "import-vhd", vhd_import_worker },
};

int
worker_main(int argc, char **argv)
{
	size_t	i;

	for (i = 0; argc >= 1 && i < nitems(workers); i++)
		if (strcmp(argv[0], workers[i].kind) == 0)
			return workers[i].run(argc - 1, argv + 1);
	fprintf(stderr, "xapi-lite: --worker %s: no such worker\n", argc >= 1 ? argv[0] : "");
	return 2;
}
