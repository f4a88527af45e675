/*
 * dialog(1) on the console for the interactive installer and the host console (see
 * dialog.h): the terminal's type and size, one screen at a time by fork and exec (no shell)
 * with the answer on a pipe at fd 3 and dialog's complaints on another, and the gauge the
 * install's steps move. The gauge and the settings are file state: the installer's
 * report.c calls dialog_gauge() without a context.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "dialog.h"
#include "exec.h"
#include "nitems.h"

#define ANSWER_FD	3
#define DEFAULT_ROWS	25
#define DEFAULT_COLS	80
#define MAX_ROWS	22	/* of a box: the screen less the back title */

/* Who runs dialog, for messages and the log; the back title of every screen; plain ASCII
   lines instead of line drawing (a serial terminal may have none). */
static struct {
	const char	*who, *backtitle;
	FILE		*log;
	int		 ascii;
} setup = { "atoll", "Atoll", NULL, 0 };

/* The install's gauge: its dialog and the pipe to its standard input. */
static struct {
	pid_t	pid;
	int	fd;
	char	text[256];
} gauge = { 0, -1, "" };

/* Whether terminfo has a description of term. */
static int
terminfo_has(const char *term)
{
	static const char	*dirs[] = { "/etc/terminfo", "/lib/terminfo",
	    "/usr/share/terminfo" };
	char			 path[300];
	size_t			 i;

	if (term[0] == '\0' || strchr(term, '/') != NULL || term[0] == '.')
		return 0;
	for (i = 0; i < nitems(dirs); i++) {
		snprintf(path, sizeof(path), "%s/%c/%s", dirs[i], term[0], term);
		if (access(path, R_OK) == 0)
			return 1;
	}
	return 0;
}

/* The console's device name ("tty1", "hvc0"): /dev/console is the last of the kernel's
   active consoles. */
static void
console_name(char *out, size_t len)
{
	const char	*tty = ttyname(0), *last;
	char		 active[256];
	FILE		*f;
	size_t		 n;

	snprintf(out, len, "%s", tty != NULL && strncmp(tty, "/dev/", 5) == 0 ? tty + 5 : "");
	if (strcmp(out, "console") != 0)
		return;
	if ((f = fopen("/sys/class/tty/console/active", "r")) == NULL)
		return;
	if (fgets(active, sizeof(active), f) != NULL) {
		for (n = strlen(active); n > 0 && (active[n - 1] == '\n' || active[n - 1] == ' ');
		    n--)
			active[n - 1] = '\0';
		last = strrchr(active, ' ');
		snprintf(out, len, "%s", last != NULL ? last + 1 : active);
	}
	fclose(f);
}

int
dialog_console(char *err, size_t errlen)
{
	struct winsize	 ws;
	const char	*term = getenv("TERM");
	char		 name[64];

	if (!isatty(0) || !isatty(1)) {
		snprintf(err, errlen, "the screens need a terminal (the console) as standard "
		    "input and output");
		return -1;
	}
	console_name(name, sizeof(name));
	if (term == NULL || !terminfo_has(term)) {
		term = strncmp(name, "tty", 3) == 0 && name[3] >= '0' && name[3] <= '9' ?
		    "linux" : "vt102";
		if (setenv("TERM", term, 1) == -1) {
			snprintf(err, errlen, "setenv TERM: %s", strerror(errno));
			return -1;
		}
	}
	if (ioctl(0, TIOCGWINSZ, &ws) == -1)
		memset(&ws, 0, sizeof(ws));
	if (ws.ws_row == 0 || ws.ws_col == 0) {
		memset(&ws, 0, sizeof(ws));
		ws.ws_row = DEFAULT_ROWS;
		ws.ws_col = DEFAULT_COLS;
		if (ioctl(0, TIOCSWINSZ, &ws) == -1) {
			snprintf(err, errlen, "cannot set the size of the console (%s): %s", name,
			    strerror(errno));
			return -1;
		}
	}
	/* A timeout ends the whole screen with its own status rather than as Esc. */
	if (setenv("DIALOG_TIMEOUT", "5", 1) == -1) {
		snprintf(err, errlen, "setenv DIALOG_TIMEOUT: %s", strerror(errno));
		return -1;
	}
	/* Line drawing only where it is sure to show: the screen's own console. */
	setup.ascii = strcmp(term, "linux") != 0;
	if (setup.log != NULL) {
		fprintf(setup.log, "%s: console %s, TERM=%s, %ux%u\n", setup.who,
		    name[0] ? name : "?", term, ws.ws_col, ws.ws_row);
		fflush(setup.log);
	}
	return 0;
}

void
dialog_setup(const char *who, const char *backtitle, FILE *log)
{
	setup.who = who;
	setup.backtitle = backtitle;
	setup.log = log;
}

void
dialog_new(struct dialog *d, const char *title)
{
	memset(d, 0, sizeof(*d));
	d->title = title;
	dialog_add(d, "dialog", "--backtitle", setup.backtitle, "--output-fd", "3",
	    "--no-mouse", "--cr-wrap", "--title", title, NULL);
	if (setup.ascii)
		dialog_add(d, "--ascii-lines", NULL);
}

void
dialog_add(struct dialog *d, ...)
{
	va_list		 ap;
	const char	*w, **v;

	va_start(ap, d);
	while ((w = va_arg(ap, const char *)) != NULL) {
		if (d->n + 2 > d->cap) {
			if ((v = realloc(d->argv, (d->cap * 2 + 32) * sizeof(*v))) == NULL) {
				d->oom = 1;
				break;
			}
			d->argv = v;
			d->cap = d->cap * 2 + 32;
		}
		d->argv[d->n++] = w;
		d->argv[d->n] = NULL;
	}
	va_end(ap);
}

void
dialog_rows(const char *text, int cols, int extra, char *out, size_t len)
{
	const char	*p = text;
	int		 rows = 1, col = 0, word, width = cols - 4;

	while (*p != '\0') {
		if (*p == '\n') {
			rows++;
			col = 0;
			p++;
			continue;
		}
		word = (int)strcspn(p, " \n");
		if (word == 0) {
			col++;
			p++;
			continue;
		}
		if (col > 0 && col + word > width) {
			rows++;
			col = 0;
		}
		rows += word / (width > 0 ? width : 1);
		col += word % (width > 0 ? width : 1);
		p += word;
	}
	rows += extra;
	snprintf(out, len, "%d", rows < MAX_ROWS ? rows : MAX_ROWS);
}

/* The child's side: the console stays fds 0 and 1, complaints go to err, the answer to fd
   3. Never returns. */
static void
child(const char *const argv[], int in, int err, int answer)
{
	if (in != -1)
		dup2(in, 0);
	if (err != -1)
		dup2(err, 2);
	if (answer != -1) {
		if (answer == ANSWER_FD)
			fcntl(answer, F_SETFD, 0);
		else
			dup2(answer, ANSWER_FD);
	}
	signal(SIGPIPE, SIG_DFL);
	exec_argv(argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* A pipe whose ends close on exec (the child gets its own copies). */
static int
cloexec_pipe(int p[2])
{
	if (pipe(p) == -1)
		return -1;
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

/* Reads fds[0] into a and fds[1] into b until both close, or until deadline_ms of the
   monotonic clock (0: none). Returns 0, or -1 when the deadline came first. */
static int
drain(int fds[2], struct buf *a, struct buf *b, long long deadline_ms)
{
	struct pollfd	pfd[2];
	struct buf	*to[2] = { a, b };
	char		chunk[1024];
	ssize_t		n;
	int		i, open = 2, wait = -1, late = 0;
	struct timespec	now;

	while (open > 0) {
		if (deadline_ms > 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			wait = (int)(deadline_ms - (now.tv_sec * 1000LL + now.tv_nsec / 1000000));
			if (wait <= 0) {
				late = 1;
				break;
			}
		}
		for (i = 0; i < 2; i++) {
			pfd[i].fd = fds[i];
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (poll(pfd, 2, wait) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			if (fds[i] == -1 || pfd[i].revents == 0)
				continue;
			if ((n = read(fds[i], chunk, sizeof(chunk))) > 0) {
				(void)buf_append(to[i], chunk, (size_t)n);	/* capped */
			} else if (n == 0 || errno != EINTR) {
				close(fds[i]);
				fds[i] = -1;
				open--;
			}
		}
	}
	for (i = 0; i < 2; i++)
		if (fds[i] != -1)
			close(fds[i]);
	return late ? -1 : 0;
}

int
dialog_run(struct dialog *d, char *answer, size_t len)
{
	struct buf	 out, complaint;
	int		 ans[2] = { -1, -1 }, err[2] = { -1, -1 }, fds[2], st, status = -1;
	int		 late;
	long long	 deadline = 0;
	pid_t		 pid;
	FILE		*log = setup.log;
	const char	*p;

	answer[0] = '\0';
	buf_init(&out, 64 * 1024);
	buf_init(&complaint, 4096);
	if (d->oom || d->argv == NULL) {
		buf_lit(&complaint, "out of memory");
		goto done;
	}
	if (cloexec_pipe(ans) == -1 || cloexec_pipe(err) == -1) {
		buf_printf(&complaint, "pipe: %s", strerror(errno));
		goto done;
	}
	fflush(stdout);
	if ((pid = fork()) == -1) {
		buf_printf(&complaint, "fork: %s", strerror(errno));
		goto done;
	}
	if (pid == 0)
		child(d->argv, -1, err[1], ans[1]);
	close(ans[1]);
	close(err[1]);
	ans[1] = err[1] = -1;
	fds[0] = ans[0];
	fds[1] = err[0];
	ans[0] = err[0] = -1;
	if (d->limit_s > 0) {
		struct timespec	now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		deadline = now.tv_sec * 1000LL + now.tv_nsec / 1000000 + d->limit_s * 1000LL;
	}
	late = drain(fds, &out, &complaint, deadline) == -1;
	if (late)
		kill(pid, SIGTERM);	/* dialog puts the terminal back as it goes */
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			st = 127 << 8;
			break;
		}
	status = late ? DIALOG_TIMEOUT : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	/* dialog exits 255 on Esc and on errors alike; only errors say something. A timeout
	   says "timeout" and is no answer (dialog 1.3 may end one as Esc). */
	if (status == DIALOG_ESC && complaint.p != NULL && strstr(complaint.p, "timeout"))
		status = DIALOG_TIMEOUT;
	if (status == DIALOG_TIMEOUT) {
		if (out.p != NULL)
			out.p[out.len = 0] = '\0';
	} else if (status != DIALOG_OK && status != DIALOG_CANCEL && status != DIALOG_HELP &&
	    status != DIALOG_EXTRA && (status != DIALOG_ESC || complaint.len > 0))
		status = -1;
	if (out.p != NULL && out.len > 0 && out.p[out.len - 1] == '\n')
		out.p[--out.len] = '\0';
	if (status != -1 && out.len >= len) {
		buf_printf(&complaint, "the answer is longer than %zu bytes", len - 1);
		status = -1;
	}
	if (status != -1 && out.p != NULL)
		memcpy(answer, out.p, out.len + 1);
done:
	if (log != NULL && status != DIALOG_TIMEOUT) {
		fprintf(log, "%s: screen \"%s\": %s", setup.who, d->title,
		    status == DIALOG_OK ? "OK" : status == DIALOG_CANCEL ? "Cancel/No" :
		    status == DIALOG_ESC ? "Esc" : status == DIALOG_HELP ? "Help" :
		    status == DIALOG_EXTRA ? "Extra" : "failed");
		if (status == DIALOG_OK && answer[0] != '\0' && d->secret)
			fprintf(log, " (the answer is not logged)");
		else if (status == DIALOG_OK && answer[0] != '\0') {
			/* A form's fields, a line each, on one line. */
			fputs(" \"", log);
			for (p = answer; *p != '\0'; p++)
				if (*p == '\n')
					fputs("\", \"", log);
				else
					fputc(*p, log);
			fputc('"', log);
		}
		if (status == -1)
			fprintf(log, ": status %d: %s", WIFEXITED(st) ? WEXITSTATUS(st) : -1,
			    complaint.p != NULL ? complaint.p : "?");
		fputc('\n', log);
		fflush(log);
	}
	if (ans[0] != -1)
		close(ans[0]);
	if (ans[1] != -1)
		close(ans[1]);
	if (err[0] != -1)
		close(err[0]);
	if (err[1] != -1)
		close(err[1]);
	if (out.p != NULL)
		explicit_bzero(out.p, out.len);
	buf_free(&out);
	buf_free(&complaint);
	free(d->argv);
	d->argv = NULL;
	d->n = d->cap = 0;
	return status;
}

int
dialog_gauge_start(const char *title, const char *text)
{
	struct dialog	 d;
	int		 p[2], null;
	pid_t		 pid;

	snprintf(gauge.text, sizeof(gauge.text), "%s", text);
	dialog_new(&d, title);
	dialog_add(&d, "--gauge", gauge.text, "9", "70", "0", NULL);
	if (d.oom || cloexec_pipe(p) == -1) {
		free(d.argv);
		return -1;
	}
	/* A gauge answers nothing, but dialog opens its --output-fd all the same. */
	if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1) {
		close(p[0]);
		close(p[1]);
		free(d.argv);
		return -1;
	}
	fflush(stdout);
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		close(null);
		free(d.argv);
		return -1;
	}
	if (pid == 0)
		child(d.argv, p[0], -1, null);
	free(d.argv);
	close(null);
	close(p[0]);
	gauge.pid = pid;
	gauge.fd = p[1];
	return 0;
}

void
dialog_gauge(int percent, const char *what)
{
	if (gauge.fd == -1)
		return;
	/* A gauge that went away only loses its updates (SIGPIPE is ignored). */
	dprintf(gauge.fd, "XXX\n%d\n%s\n\n%s\nXXX\n", percent, gauge.text, what);
}

void
dialog_gauge_stop(void)
{
	int	st;

	if (gauge.fd == -1)
		return;
	dialog_gauge(100, "done");
	close(gauge.fd);
	gauge.fd = -1;
	while (waitpid(gauge.pid, &st, 0) == -1 && errno == EINTR)
		;
	gauge.pid = 0;
}
