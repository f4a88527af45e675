#ifndef XAPI_SERVER_H
#define XAPI_SERVER_H

#include <poll.h>
#include <stdio.h>

#include "xapi_limits.h"
#include "xapi.h"
#include "log.h"

#define SERVER_MAX_LISTEN	8

struct listener {
	int	fd;
	int	proxy_ok;	/* loopback TCP: stunnel may send a PROXY line */
	int	local;		/* the Unix socket: local root, pre-authenticated */
};

struct conn;

struct server {
	struct xapi	*x;
	struct listener	 listen[SERVER_MAX_LISTEN];
	size_t		 nlisten;
	struct conn	*conns[XAPI_MAX_CONNECTIONS];
	size_t		 nconns;
	FILE		*log;		/* NULL: no log */
	int		(*commit)(struct xapi *);	/* makes changes durable; -1 fatal */
	int		 wake_fd;	/* readable when a child exited (SIGCHLD); -1: none */
	/* listeners, connections, their consoles, jobs, the wake pipe, xenstored */
	struct pollfd	 pfd[SERVER_MAX_LISTEN + 3 * XAPI_MAX_CONNECTIONS + 2];
};

/* Listens on "ADDR:PORT" (IPv4). Returns 0, or -1 with errno set. */
int	server_listen_tcp(struct server *s, const char *addr);
/* Listens on a Unix socket at path (replacing a stale one). Returns 0 or -1. */
int	server_listen_unix(struct server *s, const char *path);
/* Waits up to a second for work and does it. Returns 0, or -1 when polling fails. */
int	server_poll(struct server *s);
/* Closes every connection (answering no parked call) and listener. */
void	server_close(struct server *s);

#endif
