/*
 * XAPI's /console handler: `CONNECT /console?uuid=<console>` (or ref=), authenticated by
 * session_id in the query or a cookie, answers 200 and then carries the guest's console
 * both ways: a PV guest's text console is the pty xenconsoled gives it, an HVM guest's is
 * the VNC server of its device model. Where both are is in xenstore.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"
#include "http.h"

static int
refuse(char *msg, size_t len, int status, const char *why)
{
	snprintf(msg, len, "%s\n", why);
	return status;
}

/* The guest's console/<key> in xenstore into out. Returns 0 or -1. */
static int
console_key(struct xapi *x, long long domid, const char *key, char *out, size_t len)
{
	char	path[64];

	snprintf(path, sizeof(path), "/local/domain/%lld/console/%s", domid, key);
	return xsw_read(x, path, out, len);
}

/* The guest's pty, raw, so bytes pass as they are. */
static int
open_tty(struct xapi *x, long long domid, char *msg, size_t len)
{
	struct termios	 t;
	char		 tty[64];
	int		 fd;

	if (console_key(x, domid, "tty", tty, sizeof(tty)) == -1 ||
	    strncmp(tty, "/dev/pts/", 9) != 0)
		return -refuse(msg, len, 503, "the guest's console has no tty (yet)");
	if ((fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -refuse(msg, len, 503, "the guest's console tty cannot be opened");
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		(void)tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

/* The device model's VNC server on loopback. */
static int
open_vnc(struct xapi *x, long long domid, char *msg, size_t len)
{
	struct sockaddr_in	 sin;
	char			 port[16];
	long			 p;
	int			 fd;

	if (console_key(x, domid, "vnc-port", port, sizeof(port)) == -1 ||
	    (p = strtol(port, NULL, 10)) <= 0 || p > 65535)
		return -refuse(msg, len, 503, "the guest's device model shows no VNC port");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)p);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1) {
		if (fd != -1)
			close(fd);
		return -refuse(msg, len, 503, "the guest's VNC server does not answer");
	}
	return fd;
}

int
console_open(struct xapi *x, const struct http_request *req, char *msg, size_t len)
{
	char		 sess[80], id[80];
	struct obj	*s, *c = NULL, *vm;
	long long	 domid;

	if (http_request_param(req, "session_id", sess, sizeof(sess)) != 1 ||
	    (s = db_find(&x->db, sess, strlen(sess))) == NULL || s->cls != C_session)
		return -refuse(msg, len, 401, "no valid session_id");
	if (http_request_param(req, "ref", id, sizeof(id)) == 1)
		c = db_find(&x->db, id, strlen(id));
	else if (http_request_param(req, "uuid", id, sizeof(id)) == 1)
		c = db_find_uuid(&x->db, C_console, id, strlen(id));
	else
		return -refuse(msg, len, 400, "name the console with uuid= or ref=");
	if (c == NULL || c->cls != C_console ||
	    (vm = db_find(&x->db, db_str(&x->db, c, F_console_VM), REF_LEN)) == NULL)
		return -refuse(msg, len, 404, "no such console");
	if ((domid = db_get(&x->db, vm, F_VM_domid)->u.i) <= 0)
		return -refuse(msg, len, 503, "the VM is not running");
	if (strcmp(x->backend, "xen") != 0) {
		int	fd;

		if (strcmp(db_str(&x->db, c, F_console_protocol), "rfb") == 0)
			return -refuse(msg, len, 503, "the simulated host has no VNC servers");
		if ((fd = console_sim_open(x)) == -1)
			return -refuse(msg, len, 503, "cannot open the simulated console");
		return fd;
	}
	return strcmp(db_str(&x->db, c, F_console_protocol), "rfb") == 0 ?
	    open_vnc(x, domid, msg, len) : open_tty(x, domid, msg, len);
}
