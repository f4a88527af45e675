/*
 * The HTTP side of xapi-lite: one thread, one poll() loop over the listeners and every
 * connection. XML-RPC on POST to any path (by prefix, as XAPI), JSON-RPC v1 and v2 on
 * POST /jsonrpc, CORS preflight, keep-alive, XAPI's limits (body, header time, connection
 * count); a parked event.from holds its connection until rpc_wake answers it.
 */
#define _GNU_SOURCE	/* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "buf.h"
#include "exec.h"
#include "http.h"
#include "json.h"
#include "xapi_limits.h"
#include "console.h"
#include "server.h"
#include "transfer.h"
#include "xmlrpc.h"

struct conn {
	int		 fd;
	struct buf	 in, out;
	long long	 started_ms;	/* when the current request's first byte came */
	long long	 active_ms;	/* last read or write */
	int		 proxy_ok;	/* may start with a PROXY line (loopback TCP) */
	int		 local;		/* accepted on the Unix socket */
	int		 closing;	/* close once out is written */
	struct park	*park;		/* non-NULL while an event.from waits */
	int		 dead;		/* the peer went away or broke the protocol */
	int		 eof;		/* the peer has sent all it will */
	size_t		 out_off;	/* out's first byte still to send */
	struct transfer	 xfer;		/* a disk upload or download in progress */
	int		 peer;		/* a console's far end (pty, VNC); -1 when none */
	struct buf	 peer_out;	/* what the client typed, not yet taken by peer */
	size_t		 peer_pfd;	/* peer's slot in the poll set */
	char		 client[CLIENT_ADDR_LEN];	/* PROXY source, peer address, "local" */
};

static void
conn_close(struct server *s, size_t i)
{
	struct conn	*c = s->conns[i];

	/* A waiting event.from goes with its caller; a call whose child runs (xl making a
	   domain) finishes unanswered, so nothing is left half-done. */
	if (c->park != NULL && c->park->job == NULL) {
		park_unlink(s->x, c->park);
		park_free(c->park);
	} else if (c->park != NULL)
		c->park->conn = NULL;
	transfer_end(s->x, &c->xfer, "the client went away before the transfer ended");
	if (c->peer != -1)
		close(c->peer);
	buf_free(&c->peer_out);
	close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
	s->conns[i] = s->conns[--s->nconns];
}

static void
respond(struct conn *c, int status, const char *type, const char *body, size_t len,
    int keep_alive)
{
	if (c->out.len == 0)
		c->out_off = 0;
	if (buf_printf(&c->out, "HTTP/1.1 %d %s\r\ncontent-length: %zu\r\n"
	    "content-type: %s\r\nAccess-Control-Allow-Origin: *\r\n"
	    "Access-Control-Allow-Headers: X-Requested-With\r\n%s\r\n", status,
	    http_reason(status), len, type, keep_alive ? "" : "connection: close\r\n") == -1 ||
	    buf_append(&c->out, body, len) == -1)
		keep_alive = 0;
	if (!keep_alive)
		c->closing = 1;
}

/* XAPI answers a body it cannot parse with HTTP 500 and a short HTML page. */
static void
respond_500(struct conn *c, const char *why)
{
	struct buf	b;

	buf_init(&b, 4096);
	buf_printf(&b, "<html><body><h1>HTTP 500 internal server error</h1>"
	    "An unexpected error occurred; please wait a while and try again. "
	    "If the problem persists, please contact your support representative."
	    "<h1> Additional information </h1>%s</body></html>", why);
	respond(c, 500, "text/html", b.p ? b.p : "", b.len, 0);
	buf_free(&b);
}

/* Writes r as XML-RPC into body. Returns 0 or -1. */
static int
write_xmlrpc(struct buf *body, const struct rpc_reply *r)
{
	if (r->nerr)
		return xmlrpc_write_failure(body, r->err, r->nerr);
	if (r->unwrapped)
		return xmlrpc_write_raw_response(body, r->value);
	return xmlrpc_write_success(body, r->value);
}

/* Writes r as JSON-RPC (v1 or v2) into body. Returns 0 or -1. */
static int
write_json(struct buf *body, const struct rpc_reply *r, int v2, const char *id)
{
	size_t	i;
	int	e = 0;

	if (v2)
		e |= buf_lit(body, "{\"jsonrpc\":\"2.0\",");
	else
		e |= buf_lit(body, "{");
	if (r->nerr == 0) {
		e |= buf_lit(body, "\"result\":");
		e |= json_write(body, r->value);
		if (!v2)
			e |= buf_lit(body, ",\"error\":null");
	} else if (v2 && !r->unwrapped) {
		e |= buf_lit(body, "\"error\":{\"code\":1,\"message\":");
		e |= json_write_string(body, r->err[0], strlen(r->err[0]));
		e |= buf_lit(body, ",\"data\":[");
		for (i = 1; i < r->nerr; i++) {
			e |= i > 1 ? buf_lit(body, ",") : 0;
			e |= json_write_string(body, r->err[i], strlen(r->err[i]));
		}
		e |= buf_lit(body, "]}");
	} else {
		e |= buf_lit(body, "\"result\":null,\"error\":[");
		for (i = 0; i < r->nerr; i++) {
			e |= i > 0 ? buf_lit(body, ",") : 0;
			e |= json_write_string(body, r->err[i], strlen(r->err[i]));
		}
		e |= buf_lit(body, "]");
	}
	e |= buf_printf(body, ",\"id\":%s}", id);
	return e ? -1 : 0;
}

#define CONSOLE_BUF	(64 * 1024)	/* a console's bytes in flight, each way */
#define HDR_GAP	256	/* room kept before a reply's body for its headers */
#define BUF_KEEP	(64 * 1024)	/* larger connection buffers are freed when idle */

/* Writes the reply straight into c->out (which is empty): a gap, the body, then the
   headers into the end of the gap, so a large body is never copied. */
static void
reply(struct server *s, struct conn *c, const struct rpc_reply *r, int json, int v2,
    const char *id, int keep_alive)
{
	static const char	*oom[] = { "INTERNAL_ERROR", "the reply is too large" };
	const char		*type = json ? "application/json" : "text/xml";
	char			 gap[HDR_GAP], hdr[HDR_GAP];
	size_t			 len;
	int			 n;

	(void)s;
	memset(gap, ' ', sizeof(gap));
	buf_reset(&c->out);
	c->out_off = 0;
	if (buf_append(&c->out, gap, sizeof(gap)) == -1 ||
	    (json ? write_json(&c->out, r, v2, id) : write_xmlrpc(&c->out, r)) == -1) {
		struct rpc_reply e = { NULL, (const char **)(uintptr_t)oom, 2, 0, 0 };

		buf_reset(&c->out);
		if (buf_append(&c->out, gap, sizeof(gap)) == -1 ||
		    (json ? write_json(&c->out, &e, v2, id) : write_xmlrpc(&c->out, &e)) == -1) {
			c->closing = 1;
			return;
		}
	}
	len = c->out.len - HDR_GAP;
	n = snprintf(hdr, sizeof(hdr), "HTTP/1.1 200 OK\r\ncontent-length: %zu\r\n"
	    "content-type: %s\r\nAccess-Control-Allow-Origin: *\r\n"
	    "Access-Control-Allow-Headers: X-Requested-With\r\n%s\r\n", len, type,
	    keep_alive ? "" : "connection: close\r\n");
	memcpy(c->out.p + HDR_GAP - n, hdr, n);
	c->out_off = HDR_GAP - n;
	if (!keep_alive)
		c->closing = 1;
}

/* Answers a parked event.from (called by rpc_wake). */
static void
answer_parked(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct server	*s = x->server;
	size_t		 i;

	park_unlink(x, pk);
	for (i = 0; i < s->nconns; i++)
		if (s->conns[i]->park == pk) {
			struct conn	*c = s->conns[i];

			reply(s, c, r, pk->json, pk->json_v2, pk->json_id ? pk->json_id : "null",
			    pk->keep_alive);
			c->park = NULL;
			break;
		}
	park_free(pk);
}

/* Runs one call and answers it, or parks it. */
static void
call(struct server *s, struct conn *c, const char *method, struct val *params, int json,
    int v2, const char *id, int keep_alive)
{
	struct rpc_reply	 r;
	struct park		*pk;

	if ((pk = calloc(1, sizeof(*pk))) == NULL) {
		respond_500(c, "out of memory");
		return;
	}
	pk->conn = c;
	pk->local = c->local;
	memcpy(pk->client, c->client, sizeof(pk->client));
	rpc_call(s->x, method, params, &r, pk);
	if (!r.parked) {
		park_free(pk);
		reply(s, c, &r, json, v2, id, keep_alive);
		log_call(s->log, c->client, method, r.nerr ? r.err[0] : "Success");
		return;
	}
	pk->json = json;
	pk->json_v2 = v2;
	pk->keep_alive = keep_alive;
	pk->json_id = json ? strdup(id) : NULL;
	pk->next = s->x->parked;
	s->x->parked = pk;
	c->park = pk;
	log_call(s->log, c->client, method, "parked");
}

static void
handle_jsonrpc(struct server *s, struct conn *c, const char *body, size_t len, int keep_alive)
{
	struct val	*doc, *method = NULL, *params = NULL, *id = NULL, *ver = NULL;
	struct buf	 idtext;
	char		 err[160];
	size_t		 i;

	if (json_parse(&s->x->arena, body, len, &doc, err, sizeof(err)) == -1)
		return respond_500(c, err);
	if (doc->type != VAL_STRUCT)
		return respond_500(c, "JSON-RPC: the request is not an object");
	for (i = 0; i < doc->u.st.n; i++) {
		const char	*k = doc->u.st.m[i].name;

		if (strcmp(k, "method") == 0)
			method = doc->u.st.m[i].v;
		else if (strcmp(k, "params") == 0)
			params = doc->u.st.m[i].v;
		else if (strcmp(k, "id") == 0)
			id = doc->u.st.m[i].v;
		else if (strcmp(k, "jsonrpc") == 0)
			ver = doc->u.st.m[i].v;
	}
	if (method == NULL || method->type != VAL_STRING)
		return respond_500(c, "JSON-RPC: no method");
	if (params == NULL) {
		static struct val empty = { .type = VAL_ARRAY };

		params = &empty;
	}
	if (params->type != VAL_ARRAY)
		return respond_500(c, "JSON-RPC: params is not an array");
	buf_init(&idtext, 4096);
	if (id == NULL || json_write(&idtext, id) == -1) {
		buf_free(&idtext);
		return respond_500(c, "JSON-RPC: no id (notifications are not accepted)");
	}
	call(s, c, method->u.s.p, params, 1,
	    ver != NULL && ver->type == VAL_STRING && strcmp(ver->u.s.p, "2.0") == 0,
	    idtext.p, keep_alive);
	buf_free(&idtext);
}

static void
handle_xmlrpc(struct server *s, struct conn *c, const char *body, size_t len, int keep_alive)
{
	const char	*method;
	struct val	*params;
	char		 err[160];

	if (xmlrpc_parse_call(&s->x->arena, body, len, &method, &params, err, sizeof(err)) == -1)
		return respond_500(c, err);
	call(s, c, method, params, 0, 0, NULL, keep_alive);
}

static int
path_is(const struct http_slice *p, const char *s)
{
	return p->len == strlen(s) && memcmp(p->p, s, p->len) == 0;
}

/* The body's first bytes, read with the headers, go into the upload; 1 when it is done. */
static int
upload_some(struct server *s, struct conn *c, const char *p, size_t n, size_t *used)
{
	size_t	take = (size_t)(c->xfer.end - c->xfer.off) < n ?
	    (size_t)(c->xfer.end - c->xfer.off) : n;

	*used = take;
	if (take > 0 && transfer_put(&c->xfer, p, take) == -1) {
		char	why[160];
		int	m = snprintf(why, sizeof(why), "cannot write the VDI: %s\n", strerror(errno));

		transfer_end(s->x, &c->xfer, why);
		respond(c, 500, "text/plain", why, (size_t)m, 0);
		return 1;
	}
	if (c->xfer.off < c->xfer.end)
		return 0;
	transfer_end(s->x, &c->xfer, NULL);
	respond(c, 200, "text/plain", "", 0, 1);
	return 1;
}

/* CONNECT /console: after 200, the connection carries the console both ways. */
static void
begin_console(struct server *s, struct conn *c, const struct http_request *req, size_t hdr)
{
	char	msg[160];
	int	fd = console_open(s->x, req, msg, sizeof(msg));

	if (fd < 0) {
		respond(c, -fd, "text/plain", msg, strlen(msg), 0);
		return;
	}
	buf_consume(&c->in, hdr);
	c->peer = fd;
	buf_init(&c->peer_out, CONSOLE_BUF);
	if (buf_lit(&c->out, "HTTP/1.1 200 OK\r\n\r\n") == -1)
		c->dead = 1;
	/* Bytes sent right after the request are the console's. */
	if (c->in.len > 0 && buf_append(&c->peer_out, c->in.p, c->in.len) == 0)
		buf_consume(&c->in, c->in.len);
}

/* Moves console bytes: the client's to the peer, the peer's to the client (while the
   client keeps up). Returns -1 when either end has gone. */
static int
console_pump(struct conn *c, short peer_events)
{
	char	chunk[16384];
	ssize_t	n;

	while (c->peer_out.len > 0) {
		if ((n = write(c->peer, c->peer_out.p, c->peer_out.len)) == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		buf_consume(&c->peer_out, (size_t)n);
	}
	if (peer_events & (POLLERR | POLLNVAL))
		return -1;
	if (!(peer_events & (POLLIN | POLLHUP)))
		return 0;
	while (c->out.len < CONSOLE_BUF) {
		if ((n = read(c->peer, chunk, sizeof(chunk))) == 0)
			return -1;
		if (n == -1)
			/* A pty whose guest went away reads EIO. */
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (buf_append(&c->out, chunk, (size_t)n) == -1)
			return -1;
	}
	return 0;
}

/* PUT /import_raw_vdi and GET /export_raw_vdi: the connection streams until it is done. */
static void
begin_transfer(struct server *s, struct conn *c, const struct http_request *req, size_t hdr)
{
	int	upload = path_is(&req->path, "/import_raw_vdi"), status, m;
	char	msg[256], head[160];
	size_t	used;

	if (!path_is(&req->method, upload ? "PUT" : "GET")) {
		respond(c, 405, "text/plain", "method not allowed\n", 19, 0);
		return;
	}
	if ((status = transfer_begin(s->x, req, upload, &c->xfer, msg, sizeof(msg))) != 0) {
		/* Refused: whatever body follows is never read. */
		respond(c, status, "text/plain", msg, strlen(msg), 0);
		return;
	}
	buf_consume(&c->in, hdr);
	if (upload) {
		(void)upload_some(s, c, c->in.p, c->in.len, &used);
		buf_consume(&c->in, used);
		return;
	}
	m = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\ncontent-length: %lld\r\n"
	    "content-type: application/octet-stream\r\n\r\n", c->xfer.end);
	if (buf_append(&c->out, head, (size_t)m) == -1)
		c->dead = 1;
}

/* Handles at most one complete request from c->in. Returns 1 when one was handled. */
static int
handle(struct server *s, struct conn *c)
{
	struct http_request	 req;
	struct http_slice	 client;
	const char		*why = NULL;
	int			 n, ka;

	if (c->in.len == 0)
		return 0;
	/* stunnel's PROXY line comes first, once: wait until it can be told apart. */
	if (c->proxy_ok && c->in.len < 6 && memcmp(c->in.p, "PROXY ", c->in.len) == 0)
		return 0;
	if (c->proxy_ok && c->in.len >= 6 && memcmp(c->in.p, "PROXY ", 6) == 0) {
		if ((n = http_parse_proxy_v1(c->in.p, c->in.len, &client)) == -2)
			return 0;
		if (n < 0) {
			respond(c, 400, "text/plain", "bad PROXY line\n", 15, 0);
			return 0;
		}
		/* client points into c->in: copied before the line is consumed. */
		snprintf(c->client, sizeof(c->client), "%.*s", (int)client.len, client.p);
		buf_consume(&c->in, n);
	}
	c->proxy_ok = 0;
	if ((n = http_parse_request(c->in.p, c->in.len, &req, &why)) == -2) {
		if (c->in.len > XAPI_MAX_HDR_BYTES)
			respond(c, 431, "text/plain", "request header too large\n", 25, 0);
		return 0;
	}
	if (n < 0) {
		char	msg[128];
		int	m = snprintf(msg, sizeof(msg), "bad request: %s\n", why);

		respond(c, 400, "text/plain", msg, (size_t)m, 0);
		return 0;
	}
	ka = req.keep_alive;
	if (path_is(&req.method, "CONNECT") && path_is(&req.path, "/console")) {
		begin_console(s, c, &req, (size_t)n);
		arena_reset(&s->x->arena);
		c->started_ms = 0;
		return 1;
	}
	if (path_is(&req.path, "/import_raw_vdi") || path_is(&req.path, "/export_raw_vdi")) {
		if (req.chunked)
			respond(c, 411, "text/plain", "chunked bodies are not supported\n", 33, 0);
		else
			begin_transfer(s, c, &req, (size_t)n);
		arena_reset(&s->x->arena);
		c->started_ms = 0;
		return 1;
	}
	if (req.chunked) {
		respond(c, 411, "text/plain", "chunked bodies are not supported\n", 33, 0);
		return 0;
	}
	if (req.content_length > XAPI_MAX_BODY) {
		respond(c, 413, "text/plain", "request body too large\n", 23, 0);
		return 0;
	}
	if (req.content_length > 0 && c->in.len - n < (size_t)req.content_length)
		return 0;
	{
		const char	*body = c->in.p + n;
		size_t		 len = req.content_length > 0 ? (size_t)req.content_length : 0;

		if (path_is(&req.method, "OPTIONS"))
			respond(c, 200, "text/plain", "", 0, ka);
		else if (path_is(&req.method, "POST") && path_is(&req.path, "/jsonrpc"))
			handle_jsonrpc(s, c, body, len, ka);
		else if (path_is(&req.method, "POST"))
			handle_xmlrpc(s, c, body, len, ka);
		else if (path_is(&req.method, "GET") && path_is(&req.path, "/"))
			respond(c, 200, "text/html", "<html><body>Atoll xapi-lite</body></html>",
			    42, ka);
		else
			respond(c, 404, "text/plain", "not found\n", 10, ka);
		buf_consume(&c->in, n + len);
	}
	arena_reset(&s->x->arena);
	c->started_ms = c->in.len ? s->x->now_ms : 0;
	return 1;
}

static void
accept_on(struct server *s, const struct listener *l)
{
	struct conn		*c;
	struct sockaddr_in	 peer;
	socklen_t		 plen;
	int			 fd;

	for (;;) {
		plen = sizeof(peer);
		memset(&peer, 0, sizeof(peer));
		if ((fd = accept4(l->fd, (struct sockaddr *)&peer, &plen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
			break;
		if (s->nconns == XAPI_MAX_CONNECTIONS || (c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->xfer.fd = -1;
		c->peer = -1;
		buf_init(&c->in, XAPI_MAX_HDR_BYTES + XAPI_MAX_BODY + 512);
		buf_init(&c->out, XAPI_MAX_REPLY);
		c->active_ms = s->x->now_ms;
		c->proxy_ok = l->proxy_ok;
		c->local = l->local;
		if (l->local || peer.sin_family != AF_INET ||
		    inet_ntop(AF_INET, &peer.sin_addr, c->client, sizeof(c->client)) == NULL)
			snprintf(c->client, sizeof(c->client), "local");
		s->conns[s->nconns++] = c;
	}
}

/* Reads what is there; returns -1 when the connection must close. */
static int
conn_read(struct server *s, struct conn *c)
{
	char	chunk[16384];
	ssize_t	n;

	for (;;) {
		/* A full buffer waits for handle() to take a request out (or refuse it); the
		   rest stays in the socket. An upload's body never stays in the buffer, nor do
		   a console's keys. */
		size_t	room = c->xfer.fd != -1 ? sizeof(chunk) : c->peer != -1 ?
		    c->peer_out.max - c->peer_out.len : c->in.max - c->in.len;

		if (room == 0)
			return 0;
		n = read(c->fd, chunk, room < sizeof(chunk) ? room : sizeof(chunk));
		if (n == 0) {
			c->eof = 1;	/* what came before is still handled */
			return 0;
		}
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->active_ms = s->x->now_ms;
		if (c->peer != -1) {
			if (buf_append(&c->peer_out, chunk, (size_t)n) == -1)
				return -1;
			continue;
		}
		if (c->xfer.fd != -1 && c->xfer.upload) {
			size_t	used;

			if (upload_some(s, c, chunk, (size_t)n, &used) && c->closing)
				return 0;
			if (used == (size_t)n)
				continue;
			memmove(chunk, chunk + used, (size_t)n - used);	/* the next request */
			n -= (ssize_t)used;
		}
		if (c->in.len == 0)
			c->started_ms = s->x->now_ms;
		if (buf_append(&c->in, chunk, n) == -1)
			return -1;	/* out of memory */
	}
}

static int
conn_write(struct server *s, struct conn *c)
{
	ssize_t	n;

	while (c->out.len > c->out_off) {
		n = write(c->fd, c->out.p + c->out_off, c->out.len - c->out_off);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->out_off += n;
		c->active_ms = s->x->now_ms;
	}
	/* Sent: keep small buffers for the next reply, give large ones back. */
	if (c->out.cap > BUF_KEEP)
		buf_free(&c->out);
	else
		buf_reset(&c->out);
	c->out_off = 0;
	if (c->in.len == 0 && c->in.cap > BUF_KEEP)
		buf_free(&c->in);
	return c->closing ? -1 : 0;
}

void
server_close(struct server *s)
{
	size_t	i;

	while (s->nconns > 0)
		conn_close(s, s->nconns - 1);
	for (i = 0; i < s->nlisten; i++)
		close(s->listen[i].fd);
	s->nlisten = 0;
}

int
server_poll(struct server *s)
{
	struct pollfd	*pfd = s->pfd;
	struct park	*pk;
	size_t		 i, nl = s->nlisten, njobs, npfd;
	int		 timeout;

	s->x->server = s;
	{
		for (i = 0; i < nl; i++) {
			pfd[i].fd = s->listen[i].fd;
			pfd[i].events = POLLIN;
		}
		njobs = 0;	/* descriptors after the connections' own */
		for (i = 0; i < s->nconns; i++) {
			struct conn	*c = s->conns[i];

			pfd[nl + i].fd = c->fd;
			/* Not read: a parked caller, or a full buffer (conn_read) until a
			   request (or a console's keys) leaves it. */
			pfd[nl + i].events = (c->park || c->in.len >= c->in.max ||
			    (c->peer != -1 && c->peer_out.len >= c->peer_out.max) ? 0 : POLLIN) |
			    (c->out.len || (c->xfer.fd != -1 && !c->xfer.upload) ? POLLOUT : 0);
			if (c->peer == -1)
				continue;
			/* A console's far end: read while the client keeps up. */
			c->peer_pfd = nl + s->nconns + njobs++;
			pfd[c->peer_pfd].fd = c->peer;
			pfd[c->peer_pfd].events = (c->out.len < CONSOLE_BUF ? POLLIN : 0) |
			    (c->peer_out.len ? POLLOUT : 0);
		}
		/* The output pipes of the children parked calls wait for. */
		for (pk = s->x->parked; pk != NULL && njobs < XAPI_MAX_CONNECTIONS; pk = pk->next)
			if (pk->job != NULL && pk->job->fd != -1) {
				pfd[nl + s->nconns + njobs].fd = pk->job->fd;
				pfd[nl + s->nconns + njobs++].events = POLLIN;
			}
		if (s->x->xs_fd != -1) {
			pfd[nl + s->nconns + njobs].fd = s->x->xs_fd;
			pfd[nl + s->nconns + njobs++].events = POLLIN;
		}
		timeout = s->x->parked ? 100 : 1000;
		if (s->wake_fd != -1) {
			pfd[nl + s->nconns + njobs].fd = s->wake_fd;
			pfd[nl + s->nconns + njobs++].events = POLLIN;
		}
		npfd = nl + s->nconns + njobs;
		if (poll(pfd, npfd, timeout) == -1 && errno != EINTR)
			return -1;
		s->x->now_ms = clock_ms();
		if (s->wake_fd != -1) {
			char	drain[64];

			while (read(s->wake_fd, drain, sizeof(drain)) > 0)
				;
		}
		for (i = 0; i < nl; i++)
			if (pfd[i].revents & POLLIN)
				accept_on(s, &s->listen[i]);
		/* xenstored said a domain came or went: look at once. */
		if (s->x->xs_fd != -1)
			xsw_ready(s->x);
		if (s->x->reconcile_wanted && !s->x->reconciling)
			(void)xen_reconcile(s->x);
		/* Read and handle every request first; replies wait in each out buffer. */
		for (i = 0; i < s->nconns; i++) {
			struct conn	*c = s->conns[i];
			short		 ev = pfd[nl + i].fd == c->fd ? pfd[nl + i].revents : 0;

			if (c->park != NULL && (ev & (POLLHUP | POLLERR)))
				c->dead = 1;	/* a watcher that went away */
			else if (ev & (POLLIN | POLLHUP | POLLERR))
				c->dead = conn_read(s, c) == -1;
			while (!c->dead && c->park == NULL && !c->closing && c->out.len == 0 &&
			    c->xfer.fd == -1 && c->peer == -1 && handle(s, c))
				;
			/* A console: when either end goes, what is on its way still leaves. */
			if (!c->dead && c->peer != -1 && !c->closing &&
			    console_pump(c, c->peer_pfd < npfd && pfd[c->peer_pfd].fd == c->peer ?
			    pfd[c->peer_pfd].revents : 0) == -1)
				c->closing = 1;
			/* The peer has finished sending: answer what it asked, then close. */
			if (c->eof && c->park == NULL)
				c->closing = 1;
		}
		if (s->x->parked != NULL) {
			rpc_jobs(s->x, answer_parked);
			rpc_wake(s->x, answer_parked);
			arena_reset(&s->x->arena);
		}
		log_flush(s->log);
		/* One fsync for every change of this turn, before any reply leaves. */
		if (s->commit != NULL && s->commit(s->x) == -1)
			return -1;
		/* Walk backwards: closing moves the last connection into the hole. */
		for (i = s->nconns; i-- > 0;) {
			struct conn	*c = s->conns[i];
			int		 dead = c->dead;

			if (!dead && (c->out.len || c->closing))
				dead = conn_write(s, c) == -1;
			/* A download: the file follows its headers, as fast as the socket takes. */
			if (!dead && c->out.len == 0 && c->xfer.fd != -1 && !c->xfer.upload) {
				long long	before = c->xfer.off;

				if (transfer_send(&c->xfer, c->fd) == -1)
					dead = 1;
				else if (c->xfer.off != before)
					c->active_ms = s->x->now_ms;
				if (!dead && c->xfer.off == c->xfer.end)
					transfer_end(s->x, &c->xfer, NULL);
			}
			if (!dead && c->park == NULL && c->in.len && c->started_ms &&
			    s->x->now_ms - c->started_ms > XAPI_HEADER_TIMEOUT_MS) {
				respond(c, 408, "text/plain", "request timeout\n", 16, 0);
				dead = conn_write(s, c) == -1;
			}
			/* An open console may be quiet for as long as its user likes. */
			if (!dead && c->park == NULL && c->out.len == 0 && c->peer == -1 &&
			    s->x->now_ms - c->active_ms > XAPI_IDLE_TIMEOUT_MS)
				dead = 1;
			if (dead)
				conn_close(s, i);
		}
	}
	return 0;
}
