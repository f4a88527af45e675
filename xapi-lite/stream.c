/*
 * Streamed replies: get_all_records of a large class (10,000 VMs are 65 MiB of XML) is
 * written record by record as the client takes it, never held whole. The envelope comes
 * from the same writers as every other reply (the empty struct of a reply with no records
 * is where the records go), so the bytes are those a whole reply would have.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "stream.h"
#include "xapi_limits.h"
#include "xmlrpc.h"

#define CHUNK_HEAD	10	/* "%08zx\r\n" */

/* The envelope of a reply whose value is an empty struct, split where its members go. */
static int
envelope(struct buf *b, int json, int v2, const char *id, size_t *split)
{
	static struct val	 empty = { .type = VAL_STRUCT };
	const char		*mark, *at;

	if (json) {
		if ((v2 ? buf_lit(b, "{\"jsonrpc\":\"2.0\",\"result\":") :
		    buf_lit(b, "{\"result\":")) == -1 ||
		    json_write(b, &empty) == -1 ||
		    buf_printf(b, "%s,\"id\":%s}", v2 ? "" : ",\"error\":null", id) == -1)
			return -1;
		mark = "{}";
	} else {
		if (xmlrpc_write_success(b, &empty) == -1)
			return -1;
		mark = "<struct></struct>";
	}
	if ((at = strstr(b->p, mark)) == NULL)
		return -1;
	*split = (size_t)(at - b->p) + (json ? 1 : 8);
	return 0;
}

int
stream_begin(struct stream *st, struct xapi *x, int cls, int json, int v2, const char *id,
    int http11, int keep_alive, struct buf *out)
{
	struct buf	env;
	size_t		split, i, len = out->len;

	memset(st, 0, sizeof(*st));
	st->cls = -1;
	buf_init(&env, 0);
	if (envelope(&env, json, v2, id, &split) == -1)
		goto fail;
	if ((st->refs = malloc((x->db.n[cls] ? x->db.n[cls] : 1) * sizeof(*st->refs))) == NULL ||
	    (st->tail = malloc(env.len - split + 1)) == NULL)
		goto fail;
	for (i = 0; i < x->db.n[cls]; i++)
		memcpy(st->refs[i], x->db.objs[cls][i]->ref, REF_LEN + 1);
	st->n = x->db.n[cls];
	st->taillen = env.len - split;
	memcpy(st->tail, env.p + split, st->taillen);
	st->json = json;
	st->chunked = http11;
	if (buf_printf(out, "HTTP/1.%d 200 OK\r\n%s"
	    "content-type: %s\r\nAccess-Control-Allow-Origin: *\r\n"
	    "Access-Control-Allow-Headers: X-Requested-With\r\n%s\r\n", http11,
	    http11 ? "transfer-encoding: chunked\r\n" : "",
	    json ? "application/json" : "text/xml",
	    http11 && keep_alive ? "" : "connection: close\r\n") == -1)
		goto fail;
	if (st->chunked && buf_printf(out, "%08zx\r\n", split) == -1)
		goto fail;
	if (buf_append(out, env.p, split) == -1 || (st->chunked && buf_lit(out, "\r\n") == -1))
		goto fail;
	buf_free(&env);
	st->cls = cls;
	return 0;
fail:
	out->len = len;
	buf_free(&env);
	stream_free(st);
	return -1;
}

/* Appends one record as a member of the records' struct. Returns 0 or -1. */
static int
write_record(struct stream *st, struct xapi *x, struct buf *out, const struct obj *o)
{
	struct val	*rec;

	if ((rec = db_record(&x->db, o, &x->arena)) == NULL)
		return -1;
	if (st->json)
		return (st->written > 0 && buf_lit(out, ",") == -1) ||
		    json_write_string(out, o->ref, REF_LEN) == -1 || buf_lit(out, ":") == -1 ||
		    json_write(out, rec) == -1 ? -1 : 0;
	return buf_lit(out, "<member><name>") == -1 || buf_append(out, o->ref, REF_LEN) == -1 ||
	    buf_lit(out, "</name>") == -1 || xmlrpc_write_value(out, rec) == -1 ||
	    buf_lit(out, "</member>") == -1 ? -1 : 0;
}

int
stream_fill(struct stream *st, struct xapi *x, struct buf *out)
{
	size_t	start = out->len, data;
	int	done = 0;
	char	head[CHUNK_HEAD + 1];

	if (st->chunked && buf_append(out, "00000000\r\n", CHUNK_HEAD) == -1)
		goto fail;
	data = out->len;
	while (st->next < st->n && out->len - data < XAPI_REPLY_CHUNK) {
		const struct obj	*o = db_find(&x->db, st->refs[st->next], REF_LEN);

		/* Destroyed since the call: left out. */
		if (o != NULL && o->cls == (enum cls)st->cls) {
			if (write_record(st, x, out, o) == -1)
				goto fail;
			st->written++;
		}
		st->next++;
		arena_reset(&x->arena);
	}
	if (st->next == st->n) {
		if (buf_append(out, st->tail, st->taillen) == -1)
			goto fail;
		done = 1;
	}
	if (st->chunked) {
		snprintf(head, sizeof(head), "%08zx\r\n", out->len - data);
		memcpy(out->p + start, head, CHUNK_HEAD);
		if (buf_lit(out, "\r\n") == -1 || (done && buf_lit(out, "0\r\n\r\n") == -1))
			goto fail;
	}
	if (done)
		stream_free(st);
	return done;
fail:
	arena_reset(&x->arena);
	stream_free(st);
	return -1;
}

void
stream_free(struct stream *st)
{
	free(st->refs);
	free(st->tail);
	st->refs = NULL;
	st->tail = NULL;
	st->cls = -1;
}
