/*
 * The listeners: TCP on an IPv4 address (loopback ones take stunnel's PROXY line) and the
 * Unix socket of local root. Each is non-blocking and close-on-exec; server_start hands
 * them to the loop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "server.h"

/* The kernel's queue of connections not yet accepted: as long as it allows, so a burst
   waits there instead of being refused while the loop evicts idle ones. */
#define LISTEN_BACKLOG	SOMAXCONN

static int
listen_fd(int fd, const struct sockaddr *sa, socklen_t len)
{
	int	one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, sa, len) == -1 || listen(fd, LISTEN_BACKLOG) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1) {
		int	e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return 0;
}

static void
add_listener(struct server *s, int fd, int proxy_ok, int local)
{
	struct listener	*l = &s->listen[s->nlisten++];

	l->s = s;
	l->fd = fd;
	l->proxy_ok = proxy_ok;
	l->local = local;
}

int
server_listen_tcp(struct server *s, const char *addr)
{
	struct sockaddr_in	 sin;
	char			 host[64], *colon, *end;
	long			 port;
	int			 fd;

	if (s->nlisten == SERVER_MAX_LISTEN || strlen(addr) >= sizeof(host)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(host, addr, strlen(addr) + 1);
	if ((colon = strrchr(host, ':')) == NULL) {
		errno = EINVAL;
		return -1;
	}
	*colon = '\0';
	port = strtol(colon + 1, &end, 10);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	if (*end != '\0' || port < 1 || port > 65535 ||
	    inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sin.sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    listen_fd(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		return -1;
	add_listener(s, fd, sin.sin_addr.s_addr == htonl(INADDR_LOOPBACK), 0);
	return 0;
}

int
server_listen_unix(struct server *s, const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	if (s->nlisten == SERVER_MAX_LISTEN || strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    listen_fd(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		return -1;
	chmod(path, 0600);
	add_listener(s, fd, 0, 1);	/* mode 0600: only root reaches it */
	return 0;
}
