#ifndef XAPI_SERVER_H
#define XAPI_SERVER_H

#include <stdio.h>

#include "log.h"
#include "loop.h"
#include "xapi_limits.h"
#include "xapi.h"

#define SERVER_MAX_LISTEN	8
#define SERVER_MAX_CONNS	(XAPI_MAX_CONNECTIONS + XAPI_MAX_LOCAL_CONNECTIONS)

struct server;

struct listener {
	struct server	*s;
	int		 fd;
	int		 proxy_ok;	/* loopback TCP: stunnel may send a PROXY line */
	int		 local;		/* the Unix socket: local root, pre-authenticated */
};

struct conn;

struct server {
	struct xapi	*x;
	struct loop	*loop;
	struct listener	 listen[SERVER_MAX_LISTEN];
	size_t		 nlisten;
	struct conn	*conns[SERVER_MAX_CONNS];
	size_t		 nconns;
	size_t		 ntcp, nlocal;	/* of nconns: TCP's and the Unix socket's */
	size_t		 body_bytes;	/* large request bodies admitted, all connections */
	int		(*commit)(struct xapi *);	/* makes changes durable; -1: not */
	int		 wake_fd;	/* readable when a child exited (SIGCHLD); -1: none */
	int		 fd_limit;	/* descriptors this process may open */
	/* Of them, what connections may hold (sockets, console peers, transfers' files):
	   the rest is the process's own and XAPI_FD_RESERVE for helpers. */
	int		 conn_fds_max;
};

/* listen.c: listens on "ADDR:PORT" (IPv4), or on a Unix socket at path (replacing a stale
   one), registering the listener with s->loop. Return 0, or -1 with errno set. */
int	server_listen_tcp(struct server *s, const char *addr);
int	server_listen_unix(struct server *s, const char *path);
/* Registers the listeners' and the wake pipe's callbacks (after the listeners are open).
   Returns 0, or -1 with errno set. */
int	server_start(struct server *s);
/* One turn of the loop: waits up to a second for work and does it, then makes this turn's
   changes durable and sends the replies. Returns 0, or -1 when polling failed. */
int	server_poll(struct server *s);
/* Closes every connection (answering no parked call) and listener. */
void	server_close(struct server *s);

#endif
