/*
 * The xen backend's own client of xenstored's socket. One connection holds watches on
 * @introduceDomain and @releaseDomain: xenstored fires them when a domain appears or goes
 * (a guest that powered itself off), and each wakes a reconciliation at once instead of at
 * the next poll. A second connection answers plain reads (a console's tty, a VNC port)
 * synchronously: xenstored is local and answers in microseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "fdio.h"
#include "loop.h"
#include "xapi.h"
#include "xen.h"
#include "xs.h"

#define XS_SOCKET	"/run/xenstored/socket"
#define XS_TOKEN	"atoll"

static int
xs_connect(void)
{
	struct sockaddr_un	sun;
	struct timeval		tv = { 2, 0 };
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", XS_SOCKET);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* A xenstored that stops answering must not hold the loop for long. */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void	on_watch(struct loop *, int, void *, int);

int
xsw_open(struct xapi *x)
{
	const char	*intro[] = { "@introduceDomain", XS_TOKEN };
	const char	*release[] = { "@releaseDomain", XS_TOKEN };
	struct buf	 b;
	int		 fd;

	if ((fd = xs_connect()) == -1)
		return -1;
	buf_init(&b, 0);
	if (xs_request(&b, XS_WATCH, 1, intro, 2) == -1 ||
	    xs_request(&b, XS_WATCH, 2, release, 2) == -1 || write_all(fd, b.p, b.len) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1) {
		buf_free(&b);
		close(fd);
		return -1;
	}
	buf_free(&b);
	if (loop_add(x->loop, fd, LOOP_IN, on_watch, x) == -1) {
		close(fd);
		return -1;
	}
	buf_init(&x->xen->xs_in, 2 * (16 + XS_PAYLOAD_MAX));
	x->xen->xs_fd = fd;
	return 0;
}

void
xsw_close(struct xapi *x)
{
	struct xen_state	*xs = x->xen;

	if (xs->xs_fd != -1) {
		loop_del(x->loop, xs->xs_fd);
		close(xs->xs_fd);
	}
	xs->xs_fd = -1;
	buf_free(&xs->xs_in);
	if (xs->xs_read_fd != -1)
		close(xs->xs_read_fd);
	xs->xs_read_fd = -1;
}

/* What xenstored sent on the watch connection: each event wants a reconciliation. */
static void
on_watch(struct loop *l, int fd, void *arg, int mask)
{
	struct xapi	*x = arg;
	char		chunk[4096];
	struct xs_msg	m;
	ssize_t		n;
	long		used;

	(void)l;
	(void)mask;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(&x->xen->xs_in, chunk, (size_t)n) == -1)
			break;
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
		/* xenstored went away: the periodic reconciliation carries on alone. */
		xsw_close(x);
		return;
	}
	while ((used = xs_parse(x->xen->xs_in.p, x->xen->xs_in.len, &m)) > 0) {
		if (m.type == XS_WATCH_EVENT)
			x->xen->reconcile_wanted = 1;
		buf_consume(&x->xen->xs_in, (size_t)used);
	}
	/* At once, not at the next housekeeping. */
	if (x->xen->reconcile_wanted && !x->xen->reconciling)
		(void)xen_reconcile(x);
	if (used == -1)
		xsw_close(x);
}

int
xsw_read(struct xapi *x, const char *path, char *out, size_t len)
{
	int		*read_fd = &x->xen->xs_read_fd;
	const char	*strs[] = { path };
	struct buf	 b;
	struct xs_msg	 m;
	char		 in[16 + XS_PAYLOAD_MAX];
	size_t		 have = 0;
	ssize_t		 n;
	long		 used = 0;

	if (*read_fd == -1 && (*read_fd = xs_connect()) == -1)
		return -1;
	buf_init(&b, 0);
	if (xs_request(&b, XS_READ, 1, strs, 1) == -1 || write_all(*read_fd, b.p, b.len) == -1) {
		buf_free(&b);
		goto broken;
	}
	buf_free(&b);
	while ((used = xs_parse(in, have, &m)) == 0) {
		if ((n = read(*read_fd, in + have, sizeof(in) - have)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			goto broken;
		}
		have += (size_t)n;
	}
	if (used < 0)
		goto broken;
	if (m.type == XS_ERROR)
		return -1;		/* ENOENT and the like: the connection is fine */
	return xs_string(&m, 0, out, len);
broken:
	close(*read_fd);
	*read_fd = -1;
	return -1;
}
