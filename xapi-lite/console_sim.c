/*
 * The simulated host's text consoles: console_open on the sim backend gets one end of a
 * socketpair, and the other end is a tiny line console served here, on the loop. It shows
 * a banner and a prompt, echoes what is typed as a terminal would, and answers each line
 * with "sim: <line>". Enough for a client (CONNECT or WebSocket) to see bytes go both
 * ways; it is no shell. Its output is bounded: when xapi-lite's end stops taking bytes,
 * it stops reading, so a client that types without reading fills nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "console.h"
#include "loop.h"

#define SIM_BANNER	"\r\nAtoll simulated console\r\n"
#define SIM_PROMPT	"sim# "
#define SIM_ANSWER	"sim: "
#define SIM_LINE_MAX	256		/* longer lines are echoed, and answered cut short */
#define SIM_READ	256		/* typed bytes taken at once */
#define SIM_OUT_MAX	(16 * 1024)	/* its output waiting for xapi-lite's end */
/* The most output one typed byte can make (a newline ending an empty line: CRLF, the
   answer's CRLF and the prompt), so a read never overfills the output. */
#define SIM_PER_BYTE	(2 + sizeof(SIM_ANSWER) + 2 + sizeof(SIM_PROMPT))

struct sim_console {
	struct sim_console	*next;
	struct xapi		*x;
	int			 fd;
	struct buf		 out;
	char			 line[SIM_LINE_MAX];
	size_t			 nline;
};

static void	on_sim(struct loop *, int, void *, int);

static void
sim_free(struct sim_console *sc)
{
	struct sim_console	**pp;

	for (pp = &sc->x->sim_consoles; *pp != NULL; pp = &(*pp)->next)
		if (*pp == sc) {
			*pp = sc->next;
			break;
		}
	loop_del(sc->x->loop, sc->fd);
	close(sc->fd);
	buf_free(&sc->out);
	free(sc);
}

/* One typed byte: echoed, and a line's end answered. Returns 0 or -1. */
static int
sim_byte(struct sim_console *sc, char ch)
{
	int	e = 0;

	if (ch == '\r' || ch == '\n') {
		e |= buf_lit(&sc->out, "\r\n");
		if (sc->nline > 0) {
			e |= buf_lit(&sc->out, SIM_ANSWER);
			e |= buf_append(&sc->out, sc->line, sc->nline);
			e |= buf_lit(&sc->out, "\r\n");
		}
		e |= buf_lit(&sc->out, SIM_PROMPT);
		sc->nline = 0;
		return e ? -1 : 0;
	}
	if (sc->nline < SIM_LINE_MAX)
		sc->line[sc->nline++] = ch;
	return buf_append(&sc->out, &ch, 1);
}

/* Takes what was typed while its output has room, sends what it can, and watches for
   what it waits on. Returns -1 when xapi-lite's end has gone. */
static int
sim_pump(struct sim_console *sc)
{
	char	in[SIM_READ];
	ssize_t	n, i;

	while (SIM_OUT_MAX - sc->out.len >= SIM_READ * SIM_PER_BYTE + SIM_LINE_MAX) {
		if ((n = read(sc->fd, in, sizeof(in))) == 0)
			return -1;
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return -1;
		}
		for (i = 0; i < n; i++)
			if (sim_byte(sc, in[i]) == -1)
				return -1;
	}
	while (sc->out.len > 0) {
		if ((n = write(sc->fd, sc->out.p, sc->out.len)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return -1;
		}
		buf_consume(&sc->out, (size_t)n);
	}
	return loop_add(sc->x->loop, sc->fd,
	    (SIM_OUT_MAX - sc->out.len >= SIM_READ * SIM_PER_BYTE + SIM_LINE_MAX ? LOOP_IN : 0) |
	    (sc->out.len > 0 ? LOOP_OUT : 0), on_sim, sc);
}

static void
on_sim(struct loop *l, int fd, void *arg, int mask)
{
	struct sim_console	*sc = arg;

	(void)l;
	(void)fd;
	(void)mask;
	if (sim_pump(sc) == -1)
		sim_free(sc);
}

int
console_sim_open(struct xapi *x)
{
	struct sim_console	*sc;
	int			 sv[2];

	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == -1) {
		free(sc);
		return -1;
	}
	sc->x = x;
	sc->fd = sv[1];
	buf_init(&sc->out, SIM_OUT_MAX);
	if (buf_lit(&sc->out, SIM_BANNER SIM_PROMPT) == -1 ||
	    loop_add(x->loop, sc->fd, LOOP_IN | LOOP_OUT, on_sim, sc) == -1) {
		buf_free(&sc->out);
		close(sv[0]);
		close(sv[1]);
		free(sc);
		return -1;
	}
	sc->next = x->sim_consoles;
	x->sim_consoles = sc;
	return sv[0];
}

void
console_sim_close_all(struct xapi *x)
{
	while (x->sim_consoles != NULL)
		sim_free(x->sim_consoles);
}
