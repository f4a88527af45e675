#ifndef XAPI_STREAM_H
#define XAPI_STREAM_H

#include <stddef.h>

#include "buf.h"
#include "xapi.h"

/* A get_all_records reply written a chunk at a time, so its size in memory stays about
   XAPI_REPLY_CHUNK whatever the number of records. */
struct stream {
	int		 cls;		/* the class; -1: no stream */
	char		(*refs)[REF_LEN + 1];	/* its objects when the call was made (heap) */
	size_t		 n, next;	/* refs, and the next to write */
	size_t		 written;	/* records written (JSON puts commas between) */
	int		 json;		/* JSON-RPC, else XML-RPC */
	int		 chunked;	/* HTTP/1.1: chunked; 1.0: the body ends with the connection */
	char		*tail;		/* the envelope after the records (heap) */
	size_t		 taillen;
};

/* Starts the reply to a get_all_records of class cls on out: the HTTP head and the
   envelope's start. The records are those of cls now; one destroyed before it is written is
   left out, and each is as it is when written. Returns 0, or -1 (nothing written, st
   unused). */
int	stream_begin(struct stream *st, struct xapi *x, int cls, int json, int v2,
	    const char *id, int http11, int keep_alive, struct buf *out);
/* Appends the next records (about XAPI_REPLY_CHUNK bytes), and the envelope's end after
   the last. Uses x's arena and resets it. Returns 1 when the reply is complete (st freed),
   0 when more is to come, -1 when out of memory (st freed; the connection must close). */
int	stream_fill(struct stream *st, struct xapi *x, struct buf *out);
/* Frees what a stream holds; it is unused afterwards. */
void	stream_free(struct stream *st);

#endif
