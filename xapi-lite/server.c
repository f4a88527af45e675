/*
 * The HTTP side of xapi-lite, on the event loop (lib/loop.c): listeners, connections and
 * consoles register themselves, and each turn reads and answers what came, makes the
 * turn's changes durable (one fsync), then sends the replies. XML-RPC on POST to any path
 * (by prefix, as XAPI), JSON-RPC v1 and v2 on POST /jsonrpc, CORS preflight, keep-alive
 * and pipelining, a parked event.from holding its connection until rpc_wake answers it.
 * Hostile clients are held to the limits of xapi_limits.h: a connection must complete a
 * request soon after it opens, the oldest unproven ones make room for new ones (per client
 * address and in all), large bodies share one budget, and big replies are streamed.
 */
#define _GNU_SOURCE	/* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "http.h"
#include "json.h"
#include "console.h"
#include "rrd_http.h"
#include "handoff.h"
#include "server.h"
#include "stream.h"
#include "transfer.h"
#include "websocket.h"
#include "xmlrpc.h"

#define CONSOLE_BUF	(64 * 1024)	/* a console's bytes in flight, each way */
#define HDR_GAP		256	/* room kept before a reply's body for its headers */
#define BUF_KEEP	(64 * 1024)	/* larger connection buffers are freed when idle */
/* What a connection may hold before its request's header says more: a header and a small
   body (those never wait for the budget, so a login always gets in), or several small
   pipelined requests. */
#define CONN_ALLOW	(XAPI_MAX_HDR_BYTES + XAPI_SMALL_BODY)

struct conn {
	struct server	*s;
	size_t		 slot;		/* index in s->conns */
	int		 fd;
	struct buf	 in, out;
	size_t		 out_off;	/* out's first byte still to send */
	size_t		 allow;		/* bytes in may hold now */
	size_t		 reserved;	/* this request's body, counted in s->body_bytes */
	long long	 accepted_ms;	/* when the connection came */
	long long	 started_ms;	/* when the current request's first byte came */
	long long	 active_ms;	/* last read or write */
	int		 proxy_ok;	/* may start with a PROXY line (loopback TCP) */
	int		 local;		/* accepted on the Unix socket */
	int		 admitted;	/* its client address is settled and counted */
	int		 proven;	/* it has sent a whole request */
	int		 http11;	/* the current request's HTTP minor version */
	int		 closing;	/* close once out is written */
	int		 dead;		/* the peer went away or broke the protocol */
	int		 eof;		/* the peer has sent all it will */
	int		 pending;	/* requests wait in `in` with no event to announce them */
	int		 held;		/* ...and are held up (by a parked call, a stream) */
	int		 wrote;		/* this turn's replies include a write's */
	struct park	*park;		/* non-NULL while a call waits */
	struct stream	 stream;	/* a reply being written a chunk at a time */
	struct transfer	 xfer;		/* a disk upload or download in progress */
	int		 peer;		/* a console's far end (pty, VNC); -1 when none */
	struct buf	 peer_out;	/* what the client typed, not yet taken by peer */
	struct ws_conn	 ws;		/* a console over a WebSocket (websocket.h) */
	char		 client[CLIENT_ADDR_LEN];	/* PROXY source, peer address, "local" */
};

static void	on_conn(struct loop *, int, void *, int);
static void	on_peer(struct loop *, int, void *, int);
static int	console_pump(struct conn *, int);
static void	console_gone(struct conn *);
static int	make_room(struct server *, const struct conn *, int, int);

static void
release_body(struct server *s, struct conn *c)
{
	s->body_bytes -= c->reserved;
	c->reserved = 0;
	c->allow = CONN_ALLOW;
}

static void
conn_close(struct server *s, struct conn *c)
{
	/* A waiting event.from goes with its caller; a call whose child runs (xl making a
	   domain) finishes unanswered, so nothing is left half-done. */
	if (c->park != NULL && c->park->job == NULL) {
		park_unlink(s->x, c->park);
		park_free(c->park);
	} else if (c->park != NULL)
		c->park->conn = NULL;
	transfer_end(s->x, &c->xfer, "the client went away before the transfer ended");
	stream_free(&c->stream);
	if (c->peer != -1) {
		loop_del(s->loop, c->peer);
		close(c->peer);
	}
	buf_free(&c->peer_out);
	if (c->ws.fd != -1)
		close(c->ws.fd);
	buf_free(&c->ws.rx);
	loop_del(s->loop, c->fd);
	close(c->fd);
	release_body(s, c);
	buf_free(&c->in);
	buf_free(&c->out);
	if (c->local)
		s->nlocal--;
	else
		s->ntcp--;
	s->conns[c->slot] = s->conns[--s->nconns];
	s->conns[c->slot]->slot = c->slot;
	free(c);
}

/* Unsent bytes of out. */
static size_t
unsent(const struct conn *c)
{
	return c->out.len - c->out_off;
}

static void
respond(struct conn *c, int status, const char *type, const char *body, size_t len,
    int keep_alive)
{
	if (unsent(c) == 0) {
		buf_reset(&c->out);
		c->out_off = 0;
	}
	if (buf_printf(&c->out, "HTTP/1.1 %d %s\r\ncontent-length: %zu\r\n"
	    "content-type: %s\r\nAccess-Control-Allow-Origin: *\r\n"
	    "Access-Control-Allow-Headers: X-Requested-With\r\n%s\r\n", status,
	    http_reason(status), len, type, keep_alive ? "" : "connection: close\r\n") == -1 ||
	    buf_append(&c->out, body, len) == -1)
		keep_alive = 0;
	if (!keep_alive)
		c->closing = 1;
}

/* Appends s with HTML's special characters escaped. Returns 0 or -1. */
static int
html_text(struct buf *b, const char *s)
{
	int	e = 0;

	for (; *s != '\0' && e == 0; s++)
		switch (*s) {
		case '<':	e = buf_lit(b, "&lt;"); break;
		case '>':	e = buf_lit(b, "&gt;"); break;
		case '&':	e = buf_lit(b, "&amp;"); break;
		case '"':	e = buf_lit(b, "&quot;"); break;
		case '\'':	e = buf_lit(b, "&#39;"); break;
		default:	e = buf_append(b, s, 1); break;
		}
	return e;
}

/* XAPI answers a body it cannot parse with HTTP 500 and a short HTML page. */
static void
respond_500(struct conn *c, const char *why)
{
	struct buf	b;

	buf_init(&b, 4096);
	if (buf_lit(&b, "<html><body><h1>HTTP 500 internal server error</h1>"
	    "An unexpected error occurred; please wait a while and try again. "
	    "If the problem persists, please contact your support representative."
	    "<h1> Additional information </h1>") == -1 || html_text(&b, why) == -1 ||
	    buf_lit(&b, "</body></html>") == -1)
		buf_reset(&b);
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

/* Appends the reply to out: a gap, the body, then the headers into the end of the gap, so a
   large body is never copied; behind replies still unsent (pipelining) it is moved down
   to follow them. */
static void
reply(struct conn *c, const struct rpc_reply *r, int json, int v2, const char *id,
    int keep_alive)
{
	static const char	*oom[] = { "INTERNAL_ERROR", "the reply is too large" };
	const char		*type = json ? "application/json" : "text/xml";
	char			 gap[HDR_GAP], hdr[HDR_GAP];
	size_t			 start, len;
	int			 n;

	if (unsent(c) == 0) {
		buf_reset(&c->out);
		c->out_off = 0;
	}
	start = c->out.len;
	memset(gap, ' ', sizeof(gap));
	if (buf_append(&c->out, gap, sizeof(gap)) == -1 ||
	    (json ? write_json(&c->out, r, v2, id) : write_xmlrpc(&c->out, r)) == -1) {
		struct rpc_reply e = { NULL, (const char **)(uintptr_t)oom, 2, 0, 0, 0 };

		c->out.len = start;
		if (buf_append(&c->out, gap, sizeof(gap)) == -1 ||
		    (json ? write_json(&c->out, &e, v2, id) : write_xmlrpc(&c->out, &e)) == -1) {
			c->out.len = start;
			c->closing = 1;
			return;
		}
	}
	len = c->out.len - start - HDR_GAP;
	n = snprintf(hdr, sizeof(hdr), "HTTP/1.1 200 OK\r\ncontent-length: %zu\r\n"
	    "content-type: %s\r\nAccess-Control-Allow-Origin: *\r\n"
	    "Access-Control-Allow-Headers: X-Requested-With\r\n%s\r\n", len, type,
	    keep_alive ? "" : "connection: close\r\n");
	memcpy(c->out.p + start + HDR_GAP - n, hdr, (size_t)n);
	if (start == 0)
		c->out_off = HDR_GAP - (size_t)n;
	else {
		memmove(c->out.p + start, c->out.p + start + HDR_GAP - n, (size_t)n + len);
		c->out.len = start + (size_t)n + len;
		c->out.p[c->out.len] = '\0';
	}
	if (!keep_alive)
		c->closing = 1;
}

static void	ws_upgrade(struct conn *, struct park *);

/* Answers a parked call (called by rpc_wake and rpc_jobs). */
static void
answer_parked(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct conn	*c = pk->conn;

	park_unlink(x, pk);
	if (c != NULL && c->park == pk) {
		c->park = NULL;
		if (c->ws.fd != -1)
			ws_upgrade(c, pk);
		else
			reply(c, r, pk->json, pk->json_v2, pk->json_id ? pk->json_id : "null",
			    pk->keep_alive);
		c->wrote = 1;	/* a job's end may have changed anything */
	}
	park_free(pk);
}

/* Runs one call and answers it, streams its reply, or parks it. */
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
	pk->stream_ok = 1;
	memcpy(pk->client, c->client, sizeof(pk->client));
	rpc_call(s->x, method, params, &r, pk);
	if (r.records_of) {
		park_free(pk);
		if (stream_begin(&c->stream, s->x, r.records_of - 1, json, v2, id, c->http11,
		    keep_alive, &c->out) == -1) {
			static const char *oom[] = { "INTERNAL_ERROR", "out of memory" };
			struct rpc_reply e = { NULL, (const char **)(uintptr_t)oom, 2, 0, 0, 0 };

			reply(c, &e, json, v2, id, keep_alive);
		} else if (!keep_alive || !c->http11)
			c->closing = 1;	/* once the stream has ended */
		log_call(s->x->log, c->client, method, "Success");
		return;
	}
	if (!r.parked) {
		park_free(pk);
		reply(c, &r, json, v2, id, keep_alive);
		c->wrote |= rpc_writes(method);
		log_call(s->x->log, c->client, method, r.nerr ? r.err[0] : "Success");
		return;
	}
	pk->json = json;
	pk->json_v2 = v2;
	pk->keep_alive = keep_alive;
	pk->json_id = json ? strdup(id) : NULL;
	pk->next = s->x->parked;
	s->x->parked = pk;
	c->park = pk;
	log_call(s->x->log, c->client, method, "parked");
}

static void
handle_jsonrpc(struct server *s, struct conn *c, const char *body, size_t len, int keep_alive)
{
	struct val	*doc, *method = NULL, *params = NULL, *id = NULL, *ver = NULL;
	struct buf	 idtext;
	char		 err[160];
	size_t		 i;

	if (json_parse(&s->x->arena, body, len, &doc, err, sizeof(err)) == -1) {
		respond_500(c, err);
		return;
	}
	if (doc->type != VAL_STRUCT) {
		respond_500(c, "JSON-RPC: the request is not an object");
		return;
	}
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
	if (method == NULL || method->type != VAL_STRING) {
		respond_500(c, "JSON-RPC: no method");
		return;
	}
	if (params == NULL) {
		static struct val empty = { .type = VAL_ARRAY };

		params = &empty;
	}
	if (params->type != VAL_ARRAY) {
		respond_500(c, "JSON-RPC: params is not an array");
		return;
	}
	buf_init(&idtext, 4096);
	if (id == NULL || json_write(&idtext, id) == -1) {
		buf_free(&idtext);
		respond_500(c, "JSON-RPC: no id (notifications are not accepted)");
		return;
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

	if (xmlrpc_parse_call(&s->x->arena, body, len, &method, &params, err,
	    sizeof(err)) == -1) {
		respond_500(c, err);
		return;
	}
	call(s, c, method, params, 0, 0, NULL, keep_alive);
}

static int
path_is(const struct http_slice *p, const char *s)
{
	return p->len == strlen(s) && memcmp(p->p, s, p->len) == 0;
}

/* p is s or s followed by a slash: XO sends "/export/?ref=...", others "/export?ref=". */
static int
path_is_dir(const struct http_slice *p, const char *s)
{
	size_t	n = strlen(s);

	return (p->len == n || (p->len == n + 1 && p->p[n] == '/')) && memcmp(p->p, s, n) == 0;
}

/* The body's first bytes, read with the headers, go into the upload; 1 when it is done. */
static int
upload_some(struct server *s, struct conn *c, const char *p, size_t n, size_t *used)
{
	size_t	take = (size_t)(c->xfer.end - c->xfer.off) < n ?
	    (size_t)(c->xfer.end - c->xfer.off) : n;
	char	why[160];
	int	m;

	*used = take;
	/* The VDI may be destroyed while its data arrives: the upload fails then. */
	if (take > 0 && db_find(&s->x->db, c->xfer.vdi, REF_LEN) == NULL) {
		m = snprintf(why, sizeof(why), "the VDI %s was destroyed during the upload\n",
		    c->xfer.vdi);
		transfer_end(s->x, &c->xfer, why);
		respond(c, 500, "text/plain", why, (size_t)m, 0);
		return 1;
	}
	if (take > 0 && transfer_put(&c->xfer, p, take) == -1) {
		m = snprintf(why, sizeof(why), "cannot write the VDI: %s\n", strerror(errno));
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

/* The connection carries the console at fd both ways from now on. Returns 0, or -1 with
   the refusal answered. */
static int
carry_console(struct server *s, struct conn *c, int fd)
{
	if (loop_add(s->loop, fd, LOOP_IN, on_peer, c) == -1) {
		close(fd);
		respond(c, 503, "text/plain", "too many open files\n", 20, 0);
		return -1;
	}
	c->peer = fd;
	(void)make_room(s, c, c->local, 0);	/* proven itself: c stays in any case */
	buf_init(&c->peer_out, CONSOLE_BUF);
	return 0;
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
	if (carry_console(s, c, fd) == -1)
		return;
	buf_consume(&c->in, hdr);
	if (buf_lit(&c->out, "HTTP/1.1 200 OK\r\n\r\n") == -1)
		c->dead = 1;
	/* Bytes sent right after the request are the console's. */
	if (c->in.len > 0 && buf_append(&c->peer_out, c->in.p, c->in.len) == 0)
		buf_consume(&c->in, c->in.len);
}

/* The accept value's helper has exited: the park's answer (ws_upgrade) reads it. */
static void
ws_hash_done(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	char	accept[WS_ACCEPT_LEN + 1];

	(void)x;
	(void)r;
	if (ws_accept_value(pk->job, accept) == 0) {
		const char	*parts[] = { accept };

		(void)park_set_ctx(pk, parts, 1);
	}
}

/* WebSocket key hashes under way: every parked handshake, its client gone or not (a
   helper runs on for a client that closed). */
static int
ws_handshakes(const struct server *s)
{
	const struct park	*pk;
	int			 n = 0;

	for (pk = s->x->parked; pk != NULL; pk = pk->next)
		n += pk->job_done == ws_hash_done;
	return n;
}

/* GET /console with Upgrade: websocket: the session and console are checked and the
   console opened as for CONNECT, then the connection parks while a helper hashes the key;
   ws_upgrade answers 101 and starts the frames. */
static void
begin_websocket(struct server *s, struct conn *c, const struct http_request *req, size_t hdr)
{
	char		 msg[160], key[WS_KEY_LEN + 1];
	int		 fd = console_open(s->x, req, msg, sizeof(msg)), status, binary = 0, m;
	struct park	*pk;

	if (fd < 0) {
		respond(c, -fd, "text/plain", msg, strlen(msg), 0);
		return;
	}
	if ((status = ws_check_handshake(req, key, &binary, msg, sizeof(msg))) != 0) {
		close(fd);
		if (status != 426) {
			respond(c, status, "text/plain", msg, strlen(msg), 0);
			return;
		}
		/* RFC 6455 4.4: the versions spoken go with the refusal. */
		if (buf_printf(&c->out, "HTTP/1.1 426 Upgrade Required\r\n"
		    "Sec-WebSocket-Version: 13\r\ncontent-length: %zu\r\n"
		    "content-type: text/plain\r\nconnection: close\r\n\r\n%s", strlen(msg),
		    msg) == -1)
			c->dead = 1;
		c->closing = 1;
		return;
	}
	if (ws_handshakes(s) >= WS_MAX_HANDSHAKES) {
		close(fd);
		m = snprintf(msg, sizeof(msg), "busy: too many WebSocket handshakes at once "
		    "(%d); try again\n", WS_MAX_HANDSHAKES);
		respond(c, 503, "text/plain", msg, (size_t)m, 0);
		return;
	}
	if ((pk = calloc(1, sizeof(*pk))) == NULL || ws_hash_start(pk, key, ws_hash_done) == -1) {
		free(pk);
		close(fd);
		respond(c, 503, "text/plain", "cannot start the WebSocket key's hash\n", 38, 0);
		return;
	}
	pk->conn = c;
	pk->local = c->local;
	pk->next = s->x->parked;
	s->x->parked = pk;
	c->park = pk;
	c->ws.fd = fd;
	c->ws.binary = binary;
	buf_consume(&c->in, hdr);
	log_call(s->x->log, c->client, "console websocket", "parked");
}

/* The key's hash is back: 101, then frames. Frames the client sent early wait in `in`. */
static void
ws_upgrade(struct conn *c, struct park *pk)
{
	int	fd = c->ws.fd;

	c->ws.fd = -1;
	if (pk->ctx == NULL) {
		close(fd);
		respond_500(c, "the WebSocket key's hash failed");
		return;
	}
	if (carry_console(c->s, c, fd) == -1)
		return;
	buf_init(&c->ws.rx, WS_RX_MAX);
	c->ws.on = 1;
	if (ws_write_101(&c->out, park_ctx_part(pk, 0), c->ws.binary) == -1)
		c->dead = 1;
	if (c->in.len > WS_RX_MAX) {
		(void)ws_close(&c->ws, &c->out, WS_CLOSE_TOO_BIG, "frame too large");
		c->closing = 1;
	} else if (c->in.len > 0 && buf_append(&c->ws.rx, c->in.p, c->in.len) == 0)
		buf_consume(&c->in, c->in.len);
	if (!c->closing && console_pump(c, 0) == -1)
		console_gone(c);
}

/* Moves console bytes: the client's to the peer, the peer's to the client (while the
   client keeps up). Returns -1 when either end has gone. */
static int
console_pump(struct conn *c, int peer_events)
{
	char	chunk[16384];
	ssize_t	n;
	size_t	before;

	/* A WebSocket's frames are unwrapped into peer_out first (a close ends it), again
	   as long as the far end takes them and frames are taken. */
	do {
		before = c->ws.rx.len;
		if (c->ws.on && ws_take(&c->ws, &c->peer_out, &c->out, CONSOLE_BUF) == 1)
			c->closing = 1;
		while (c->peer_out.len > 0) {
			if ((n = write(c->peer, c->peer_out.p, c->peer_out.len)) == -1)
				return errno == EAGAIN || errno == EINTR ? 0 : -1;
			buf_consume(&c->peer_out, (size_t)n);
		}
	} while (c->ws.on && !c->closing && c->ws.rx.len > 0 && c->ws.rx.len != before);
	if (!(peer_events & LOOP_IN))
		return 0;
	while (c->out.len < CONSOLE_BUF) {
		if ((n = read(c->peer, chunk, sizeof(chunk))) == 0)
			return -1;
		if (n == -1)
			/* A pty whose guest went away reads EIO. */
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (c->ws.on && (c->ws.closed || ws_send(&c->out, chunk, (size_t)n) == -1))
			return -1;
		if (!c->ws.on && buf_append(&c->out, chunk, (size_t)n) == -1)
			return -1;
	}
	return 0;
}

/* PUT /import_raw_vdi and GET /export_raw_vdi: the connection streams until it is done. */
static void
begin_transfer(struct server *s, struct conn *c, const struct http_request *req, size_t hdr)
{
	int	upload = path_is_dir(&req->path, "/import_raw_vdi"), status, m;
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
	(void)make_room(s, c, c->local, 0);	/* the file is one more; c stays anyway */
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

/* Which transfer a worker process does for req, or 0 when it is not one. */
enum { HANDOFF_NONE, HANDOFF_EXPORT, HANDOFF_IMPORT, HANDOFF_VHD_EXPORT, HANDOFF_VHD_IMPORT };

static int
handoff_kind(const struct http_request *req)
{
	char	format[16];

	if (path_is_dir(&req->path, "/export"))
		return HANDOFF_EXPORT;
	if (path_is_dir(&req->path, "/import"))
		return HANDOFF_IMPORT;
	if (http_request_param(req, "format", format, sizeof(format)) != 1 ||
	    strcmp(format, "vhd") != 0)
		return HANDOFF_NONE;
	if (path_is_dir(&req->path, "/export_raw_vdi"))
		return HANDOFF_VHD_EXPORT;
	if (path_is_dir(&req->path, "/import_raw_vdi"))
		return HANDOFF_VHD_IMPORT;
	return HANDOFF_NONE;
}

/* GET /export, PUT /import and the VHD disk streams: a worker process takes the
   connection's socket (handoff.c), and the connection leaves the loop. */
static void
begin_handoff(struct server *s, struct conn *c, const struct http_request *req, size_t hdr,
    int kind)
{
	struct handoff_spec	 h;
	struct obj		*tk = NULL;
	char			 msg[256], task[80];
	int			 upload = kind == HANDOFF_IMPORT || kind == HANDOFF_VHD_IMPORT;
	int			 status, got;
	size_t			 n = 0;

	if (!path_is(&req->method, upload ? "PUT" : "GET")) {
		respond(c, 405, "text/plain", "method not allowed\n", 19, 0);
		return;
	}
	if (req->chunked) {
		respond(c, 411, "text/plain", "chunked bodies are not supported\n", 33, 0);
		return;
	}
	if ((got = http_request_param(req, "task_id", task, sizeof(task))) == 1 &&
	    ((tk = db_find(&s->x->db, task, strlen(task))) == NULL || tk->cls != C_task)) {
		int	m = snprintf(msg, sizeof(msg), "no such task: %s\n", task);

		respond(c, 404, "text/plain", msg, (size_t)m, 0);
		return;
	}
	/* Xen Orchestra's probe for a redirect before a streamed import: an empty body and
	   no task. It is answered, and nothing is made. */
	if (kind == HANDOFF_IMPORT && req->content_length == 0 && got == 0) {
		respond(c, 200, "text/plain", "", 0, 0);
		return;
	}
	if (handoff_count(s->x, NULL) >= XAPI_MAX_TRANSFERS ||
	    handoff_count(s->x, c->client) >= XAPI_MAX_TRANSFERS_PER_CLIENT) {
		int	m = snprintf(msg, sizeof(msg), "busy: too many exports and imports at "
		    "once (%d, %d of one client); try again\n", XAPI_MAX_TRANSFERS,
		    XAPI_MAX_TRANSFERS_PER_CLIENT);

		respond(c, 503, "text/plain", msg, (size_t)m, 0);
		return;
	}
	memset(&h, 0, sizeof(h));
	if (kind == HANDOFF_EXPORT)
		status = xva_export_begin(s->x, req, &h, msg, sizeof(msg));
	else if (kind == HANDOFF_IMPORT)
		status = xva_import_begin(s->x, req, &h, msg, sizeof(msg));
	else
		status = vhd_transfer_begin(s->x, req, upload, &h, msg, sizeof(msg));
	if (status != 0) {
		handoff_spec_free(&h);
		respond(c, status, "text/plain", msg, strlen(msg), 0);
		return;
	}
	/* The body's bytes read with the header go to the worker first. */
	if (upload) {
		n = c->in.len - hdr;
		if (req->content_length >= 0 && (long long)n > req->content_length)
			n = (size_t)req->content_length;
	}
	if (handoff_start(s->x, &h, c->fd, c->in.p + hdr, n, tk != NULL ? tk->ref : NULL,
	    c->client) == -1) {
		int	m = snprintf(msg, sizeof(msg), "cannot start the transfer: %s\n",
		    strerror(errno));

		handoff_spec_free(&h);
		respond(c, 503, "text/plain", msg, (size_t)m, 0);
		return;
	}
	handoff_spec_free(&h);
	/* The worker has the socket now: this side neither reads nor writes it again. */
	c->dead = 1;
}

/* The oldest connection of this kind (TCP or local; of client when not NULL) that has not
   yet sent a whole request, other than self; or NULL. */
static struct conn *
oldest_unproven(struct server *s, int local, const char *client, const struct conn *self)
{
	struct conn	*best = NULL;
	size_t		 i;

	for (i = 0; i < s->nconns; i++) {
		struct conn	*c = s->conns[i];

		if (c == self || c->proven || c->dead || c->local != local ||
		    (client != NULL && (!c->admitted || strcmp(c->client, client) != 0)))
			continue;
		if (best == NULL || c->accepted_ms < best->accepted_ms)
			best = c;
	}
	return best;
}

/* Descriptors held for connections: each one's socket, a console's far end, a transfer's
   file, and a worker's transfer (our copy of its socket, its pipe). Counted, not guessed
   from how high the numbers go: a closed connection's low number goes to the next one,
   while the high ones stay taken. */
static int
conn_fds(const struct server *s)
{
	size_t	i;
	int	n = 2 * handoff_count(s->x, NULL);

	for (i = 0; i < s->nconns; i++)
		n += 1 + (s->conns[i]->peer != -1) + (s->conns[i]->xfer.fd != -1) +
		    (s->conns[i]->ws.fd != -1);
	/* A simulated console's other end is this process's too (console_sim.c). */
	if (strcmp(s->x->backend, "sim") == 0)
		for (i = 0; i < s->nconns; i++)
			n += s->conns[i]->peer != -1;
	return n;
}

/* Closes unproven connections (local's kind first, then the other) while connections
   hold more than their share of descriptors and extra more are wanted (a newcomer not yet
   counted). Returns 0 once within the share, -1 when no unproven connection is left. */
static int
make_room(struct server *s, const struct conn *self, int local, int extra)
{
	struct conn	*victim;

	while (conn_fds(s) + extra > s->conn_fds_max) {
		if ((victim = oldest_unproven(s, local, NULL, self)) == NULL &&
		    (victim = oldest_unproven(s, !local, NULL, self)) == NULL)
			return -1;
		conn_close(s, victim);
	}
	return 0;
}

/* x->shed_idle: a helper found no descriptor free. */
static int
shed_idle(struct xapi *x, int n)
{
	struct server	*s = x->shed_arg;
	struct conn	*victim;
	int		 closed;

	for (closed = 0; closed < n; closed++) {
		if ((victim = oldest_unproven(s, 0, NULL, NULL)) == NULL &&
		    (victim = oldest_unproven(s, 1, NULL, NULL)) == NULL)
			break;
		conn_close(s, victim);
	}
	return closed;
}

/* Counts c against its client address's cap, once the address is known. A client at its
   cap loses its oldest connection that has not sent a request yet; with none, c goes.
   Returns 0, or -1 when c must close. */
static int
admit(struct server *s, struct conn *c)
{
	struct conn	*victim;
	size_t		 i, n = 0;

	c->admitted = 1;
	if (c->local)
		return 0;
	for (i = 0; i < s->nconns; i++)
		if (s->conns[i] != c && !s->conns[i]->dead && s->conns[i]->admitted &&
		    !s->conns[i]->local && strcmp(s->conns[i]->client, c->client) == 0)
			n++;
	if (n < XAPI_MAX_CONNECTIONS_PER_CLIENT)
		return 0;
	if ((victim = oldest_unproven(s, 0, c->client, c)) == NULL)
		return -1;
	/* Closed now, not at the end of the turn: a burst of connections must not hold
	   the descriptors of the ones it pushed out. (A connection moved into its slot
	   keeps its pending flag and is taken up in the next turn.) */
	conn_close(s, victim);
	return 0;
}

/* Handles at most one complete request from c->in. Returns 1 when one was handled. */
static int
handle(struct server *s, struct conn *c)
{
	struct http_request	 req;
	struct http_slice	 client;
	const char		*why = NULL;
	int			 n, ka, kind;

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
		/* Copied before the line leaves the buffer the slice points into. */
		if (client.len > 0)
			snprintf(c->client, sizeof(c->client), "%.*s", (int)client.len, client.p);
		buf_consume(&c->in, n);
	}
	c->proxy_ok = 0;
	if (!c->admitted && admit(s, c) == -1) {
		c->dead = 1;
		return 0;
	}
	if ((n = http_parse_request(c->in.p, c->in.len, &req, &why)) == -2) {
		if (c->in.len > XAPI_MAX_HDR_BYTES)
			respond(c, 431, "text/plain", "request header too large\n", 25, 0);
		return 0;
	}
	if (n < 0) {
		char	msg[128];
		int	m = snprintf(msg, sizeof(msg), "bad request: %s\n", why);

		/* The header's size and count are limits, not a malformed request. */
		respond(c, strcmp(why, "too many headers") == 0 ? 431 : 400, "text/plain", msg,
		    (size_t)m, 0);
		return 0;
	}
	if (n > XAPI_MAX_HDR_BYTES) {
		respond(c, 431, "text/plain", "request header too large\n", 25, 0);
		return 0;
	}
	ka = req.keep_alive;
	c->http11 = req.minor_version == 1;
	if (path_is(&req.method, "CONNECT") && path_is(&req.path, "/console")) {
		c->proven = 1;
		begin_console(s, c, &req, (size_t)n);
		arena_reset(&s->x->arena);
		c->started_ms = 0;
		return 1;
	}
	if (path_is(&req.method, "GET") && path_is(&req.path, "/console")) {
		c->proven = 1;
		begin_websocket(s, c, &req, (size_t)n);
		arena_reset(&s->x->arena);
		c->started_ms = 0;
		return 1;
	}
	if ((kind = handoff_kind(&req)) != HANDOFF_NONE) {
		c->proven = 1;
		begin_handoff(s, c, &req, (size_t)n, kind);
		arena_reset(&s->x->arena);
		c->started_ms = 0;
		return 1;
	}
	if (path_is_dir(&req.path, "/import_raw_vdi") || path_is_dir(&req.path, "/export_raw_vdi")) {
		c->proven = 1;
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
	if (req.content_length > 0 && c->in.len - n < (size_t)req.content_length) {
		size_t	body = (size_t)req.content_length;

		/* A large body waits in memory only within the budget all connections share. */
		if (c->reserved == 0 && body > XAPI_SMALL_BODY) {
			if (s->body_bytes + body > XAPI_MAX_BUFFERED_BYTES) {
				static const char busy[] = "busy: too many large requests "
				    "at once; try again\n";

				respond(c, 503, "text/plain", busy, sizeof(busy) - 1, 0);
				return 0;
			}
			c->reserved = body;
			s->body_bytes += body;
			c->allow = (size_t)n + body;
		}
		return 0;
	}
	{
		const char	*body = c->in.p + n;
		size_t		 len = req.content_length > 0 ? (size_t)req.content_length : 0;

		c->proven = 1;
		if (path_is(&req.method, "OPTIONS"))
			respond(c, 200, "text/plain", "", 0, ka);
		else if (path_is(&req.method, "POST") && path_is(&req.path, "/jsonrpc"))
			handle_jsonrpc(s, c, body, len, ka);
		else if (path_is(&req.method, "POST"))
			handle_xmlrpc(s, c, body, len, ka);
		else if (rrd_http_path(&req)) {
			/* The archives: /rrd_updates, /host_rrd, /vm_rrd (rrd_http.c). */
			struct buf	 b;
			const char	*type = "text/plain";
			int		 st;

			buf_init(&b, XAPI_MAX_REPLY - HDR_GAP);
			st = rrd_http(s->x, &req, &b, &type);
			respond(c, st, type, b.p ? b.p : "", b.len, ka);
			buf_free(&b);
		} else if (path_is(&req.method, "GET") && path_is(&req.path, "/"))
		{
			static const char page[] = "<html><body>Atoll xapi-lite</body></html>";

			respond(c, 200, "text/html", page, sizeof(page) - 1, ka);
		}
		else
			respond(c, 404, "text/plain", "not found\n", 10, ka);
		buf_consume(&c->in, n + len);
		release_body(s, c);
	}
	arena_reset(&s->x->arena);
	c->started_ms = c->in.len ? s->x->now_ms : 0;
	return 1;
}

/* Handles the complete requests c holds, in order, while nothing holds them up. */
static void
process(struct server *s, struct conn *c)
{
	c->pending = 0;
	for (;;) {
		if (c->dead || c->closing || c->xfer.fd != -1 || c->peer != -1)
			return;
		/* Behind a parked call, a stream or a client slow to read: taken up again
		   once that is over (conn_flush). */
		if (c->park != NULL || c->stream.cls >= 0 || unsent(c) >= XAPI_REPLY_CHUNK) {
			c->held = 1;
			return;
		}
		if (!handle(s, c))
			return;
	}
}

/* How many more bytes c may read now. */
static size_t
room(const struct conn *c)
{
	if (c->xfer.fd != -1)
		return 16384;
	if (c->ws.on)
		return c->ws.rx.max - c->ws.rx.len;
	if (c->peer != -1)
		return c->peer_out.max - c->peer_out.len;
	return c->allow > c->in.len ? c->allow - c->in.len : 0;
}

/* Reads what is there; returns -1 when the connection must close. */
static int
conn_read(struct server *s, struct conn *c)
{
	char	chunk[16384];
	ssize_t	n;
	size_t	r;

	/* A full allowance waits for handle() to take a request out (or refuse it); the rest
	   stays in the socket. An upload's body never stays in the buffer, nor do a console's
	   keys. */
	while ((r = room(c)) > 0) {
		n = read(c->fd, chunk, r < sizeof(chunk) ? r : sizeof(chunk));
		if (n == 0) {
			c->eof = 1;	/* what came before is still handled */
			return 0;
		}
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->active_ms = s->x->now_ms;
		if (c->peer != -1) {
			if (buf_append(c->ws.on ? &c->ws.rx : &c->peer_out, chunk, (size_t)n) == -1)
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
		if (buf_append(&c->in, chunk, (size_t)n) == -1)
			return -1;	/* out of memory */
	}
	return 0;
}

/* The client's socket is ready. */
static void
on_conn(struct loop *l, int fd, void *arg, int mask)
{
	struct conn	*c = arg;

	(void)l;
	(void)fd;
	if (!(mask & LOOP_IN) || c->dead)
		return;
	/* A parked caller is not read: only its hang-up wakes this. */
	if (c->park != NULL && loop_mask(c->s->loop, c->fd) == 0) {
		c->dead = 1;
		return;
	}
	c->dead = conn_read(c->s, c) == -1;
	process(c->s, c);
	/* Keys typed into a console go on to its far end at once. */
	if (!c->dead && c->peer != -1 && !c->closing && console_pump(c, 0) == -1)
		console_gone(c);
	/* A console's client has gone: what is on its way still leaves. Other connections
	   answer what they were asked first (conn_flush). */
	if (c->eof && c->peer != -1)
		c->closing = 1;
}

/* One end of a console has gone: the connection closes once out has left; a WebSocket's
   client is told with a close frame. */
static void
console_gone(struct conn *c)
{
	if (c->ws.on)
		(void)ws_close(&c->ws, &c->out, WS_CLOSE_NORMAL, "the console has closed");
	c->closing = 1;
}

/* A console's far end is ready. */
static void
on_peer(struct loop *l, int fd, void *arg, int mask)
{
	struct conn	*c = arg;

	(void)l;
	(void)fd;
	if (!c->dead && !c->closing && console_pump(c, mask) == -1)
		console_gone(c);
}

static void
on_accept(struct loop *l, int lfd, void *arg, int mask)
{
	struct listener		*ls = arg;
	struct server		*s = ls->s;
	struct conn		*c, *victim;
	struct sockaddr_in	 peer;
	socklen_t		 plen;
	int			 fd, full;

	(void)l;
	(void)mask;
	for (;;) {
		plen = sizeof(peer);
		memset(&peer, 0, sizeof(peer));
		if ((fd = accept4(lfd, (struct sockaddr *)&peer, &plen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
			/* Out of descriptors all the same (files, jobs): an unproven
			   connection makes room. */
			if ((errno == EMFILE || errno == ENFILE) &&
			    ((victim = oldest_unproven(s, ls->local, NULL, NULL)) != NULL ||
			    (victim = oldest_unproven(s, !ls->local, NULL, NULL)) != NULL)) {
				conn_close(s, victim);
				continue;
			}
			return;
		}
		/* Full: the oldest connection that has not sent a request makes room; when
		   every one has, the newcomer goes. The same when connections would hold
		   more descriptors than their share, so that XAPI_FD_RESERVE stay free for
		   password helpers, xl and files. */
		full = ls->local ? s->nlocal == XAPI_MAX_LOCAL_CONNECTIONS :
		    s->ntcp == XAPI_MAX_CONNECTIONS;
		if (full && (victim = oldest_unproven(s, ls->local, NULL, NULL)) != NULL) {
			conn_close(s, victim);
			full = 0;
		}
		if (!full && make_room(s, NULL, ls->local, 1) == -1)
			full = 1;
		if (full || (c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		if (loop_add(s->loop, fd, LOOP_IN, on_conn, c) == -1) {
			free(c);
			close(fd);
			continue;
		}
		c->s = s;
		c->fd = fd;
		c->xfer.fd = -1;
		c->peer = -1;
		c->ws.fd = -1;
		c->stream.cls = -1;
		c->allow = CONN_ALLOW;
		buf_init(&c->in, XAPI_MAX_HDR_BYTES + XAPI_MAX_BODY + 512);
		buf_init(&c->out, XAPI_MAX_REPLY);
		c->accepted_ms = c->active_ms = s->x->now_ms;
		c->proxy_ok = ls->proxy_ok;
		c->local = ls->local;
		if (ls->local || peer.sin_family != AF_INET ||
		    inet_ntop(AF_INET, &peer.sin_addr, c->client, sizeof(c->client)) == NULL)
			snprintf(c->client, sizeof(c->client), "local");
		c->slot = s->nconns;
		s->conns[s->nconns++] = c;
		if (c->local)
			s->nlocal++;
		else
			s->ntcp++;
		/* Its address is known now unless a PROXY line may still name another. */
		if (!c->proxy_ok && admit(s, c) == -1)
			c->dead = 1;
	}
}

static void
on_wake(struct loop *l, int fd, void *arg, int mask)
{
	char	drain[64];

	(void)l;
	(void)arg;
	(void)mask;
	while (read(fd, drain, sizeof(drain)) > 0)
		;
}

/* Sends what is ready; returns -1 when the connection must close. */
static int
conn_write(struct server *s, struct conn *c)
{
	ssize_t	n;

	while (unsent(c) > 0) {
		n = write(c->fd, c->out.p + c->out_off, unsent(c));
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->out_off += (size_t)n;
		c->active_ms = s->x->now_ms;
	}
	/* Sent: keep small buffers for the next reply, give large ones back (a stream
	   refills its own). */
	if (c->out.cap > BUF_KEEP && c->stream.cls < 0)
		buf_free(&c->out);
	else
		buf_reset(&c->out);
	c->out_off = 0;
	if (c->in.len == 0 && c->in.cap > BUF_KEEP)
		buf_free(&c->in);
	return c->closing && c->stream.cls < 0 ? -1 : 0;
}

/* After the commit: sends c's replies and the next part of its stream or download, then
   applies the deadlines. Returns -1 when c must close. */
static int
conn_flush(struct server *s, struct conn *c)
{
	long long	now = s->x->now_ms;

	if (c->dead)
		return -1;
	if (c->stream.cls >= 0 && unsent(c) < XAPI_REPLY_CHUNK &&
	    stream_fill(&c->stream, s->x, &c->out) == -1)
		return -1;
	if ((unsent(c) > 0 || c->closing) && conn_write(s, c) == -1)
		return -1;
	/* A download: the file follows its headers, as fast as the socket takes. */
	if (unsent(c) == 0 && c->xfer.fd != -1 && !c->xfer.upload) {
		long long	before = c->xfer.off;

		if (db_find(&s->x->db, c->xfer.vdi, REF_LEN) == NULL) {
			transfer_end(s->x, &c->xfer, "the VDI was destroyed during the download");
			return -1;
		}
		if (transfer_send(&c->xfer, c->fd) == -1)
			return -1;
		if (c->xfer.off != before)
			c->active_ms = now;
		if (c->xfer.off == c->xfer.end)
			transfer_end(s->x, &c->xfer, NULL);
	}
	if (c->park != NULL)
		return 0;
	/* A WebSocket's frames that waited for the client to read (pongs) or the console to
	   take (data). */
	if (c->ws.on && c->ws.rx.len > 0 && !c->closing && console_pump(c, 0) == -1)
		console_gone(c);
	/* Requests that waited behind a call, a stream or unsent replies. */
	if (c->held && c->stream.cls < 0 && unsent(c) < XAPI_REPLY_CHUNK) {
		c->held = 0;
		c->pending = 1;
	}
	/* The peer has finished sending and everything it asked is answered. */
	if (c->eof && !c->held && !c->pending && !c->closing && c->stream.cls < 0 &&
	    unsent(c) == 0)
		return -1;
	/* A new connection must send a whole request soon, and so must each request once
	   its first byte came. */
	if ((!c->proven && now - c->accepted_ms > XAPI_HEADER_TIMEOUT_MS) ||
	    (c->in.len && c->started_ms && now - c->started_ms > XAPI_HEADER_TIMEOUT_MS)) {
		if (c->in.len == 0)
			return -1;
		respond(c, 408, "text/plain", "request timeout\n", 16, 0);
		(void)conn_write(s, c);
		return -1;
	}
	/* An open console may be quiet for as long as its user likes. */
	if (unsent(c) == 0 && c->peer == -1 && c->stream.cls < 0 && c->xfer.fd == -1 &&
	    now - c->active_ms > XAPI_IDLE_TIMEOUT_MS)
		return -1;
	return 0;
}

/* What the loop watches c for in the next turn. */
static void
conn_watch(struct server *s, struct conn *c)
{
	int	mask = 0;

	/* Not read: a parked caller (only its hang-up is seen), or a full allowance until a
	   request (or a console's keys) leaves it. */
	if (c->park == NULL && room(c) > 0 && !c->closing && !c->eof)
		mask |= LOOP_IN;
	if (unsent(c) > 0 || c->stream.cls >= 0 || (c->xfer.fd != -1 && !c->xfer.upload))
		mask |= LOOP_OUT;
	(void)loop_add(s->loop, c->fd, mask, on_conn, c);
	if (c->peer != -1)
		(void)loop_add(s->loop, c->peer, (unsent(c) < CONSOLE_BUF ? LOOP_IN : 0) |
		    (c->peer_out.len ? LOOP_OUT : 0), on_peer, c);
	if (c->pending)
		loop_pending(s->loop);
}

int
server_start(struct server *s)
{
	struct rlimit	rl;
	size_t		i;
	int		fd, own = 0;

	s->fd_limit = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < XAPI_MAX_FDS ?
	    (int)rl.rlim_cur : XAPI_MAX_FDS;
	/* Connections get what the process has not opened yet (listeners, journal, log,
	   the wake pipe), less the reserve; at least one, or nobody could ever get in. */
	for (fd = 0; fd < s->fd_limit; fd++)
		own += fcntl(fd, F_GETFD) != -1;
	s->conn_fds_max = s->fd_limit - own - XAPI_FD_RESERVE;
	if (s->conn_fds_max < 1)
		s->conn_fds_max = 1;
	s->x->shed_idle = shed_idle;
	s->x->shed_arg = s;
	for (i = 0; i < s->nlisten; i++)
		if (loop_add(s->loop, s->listen[i].fd, LOOP_IN, on_accept, &s->listen[i]) == -1)
			return -1;
	if (s->wake_fd != -1 && loop_add(s->loop, s->wake_fd, LOOP_IN, on_wake, s) == -1)
		return -1;
	return 0;
}

void
server_close(struct server *s)
{
	size_t	i;

	while (s->nconns > 0)
		conn_close(s, s->conns[s->nconns - 1]);
	console_sim_close_all(s->x);
	for (i = 0; i < s->nlisten; i++) {
		loop_del(s->loop, s->listen[i].fd);
		close(s->listen[i].fd);
	}
	s->nlisten = 0;
}

int
server_poll(struct server *s)
{
	size_t		i;
	long long	due;
	int		commit_failed, wait;

	/* Parked event.from calls check their deadlines ten times a second; a delayed
	   answer (a slowed login) wakes the loop when it is due. */
	wait = s->x->parked ? 100 : 1000;
	if ((due = rpc_next_due(s->x)) != -1)
		wait = due <= loop_clock() ? 0 : due - loop_clock() < wait ?
		    (int)(due - loop_clock()) : wait;
	if (loop_run_once(s->loop, wait) == -1)
		return -1;
	s->x->now_ms = loop_now(s->loop);
	/* Requests already buffered (pipelined, or behind an answered parked call). */
	for (i = 0; i < s->nconns; i++)
		if (s->conns[i]->pending && !s->conns[i]->dead)
			process(s, s->conns[i]);
	if (s->x->parked != NULL) {
		rpc_jobs(s->x, answer_parked);
		rpc_wake(s->x, answer_parked);
		arena_reset(&s->x->arena);
	}
	handoff_tick(s->x);
	log_flush(s->x->log);
	/* One fsync for every change of this turn, before any reply leaves. When it fails
	   (the journal then refuses writes until it can write again), no client hears of a
	   change that is not on disk: a connection with a write's reply this turn closes
	   unanswered. */
	commit_failed = s->commit != NULL && s->commit(s->x) == -1;
	/* Walk backwards: closing moves the last connection into the hole. */
	for (i = s->nconns; i-- > 0;) {
		struct conn	*c = s->conns[i];

		if (c->wrote && commit_failed)
			c->dead = 1;
		c->wrote = 0;
		if (conn_flush(s, c) == -1)
			conn_close(s, c);
		else
			conn_watch(s, c);
	}
	return 0;
}
