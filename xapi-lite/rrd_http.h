#ifndef XAPI_RRD_HTTP_H
#define XAPI_RRD_HTTP_H

#include "buf.h"
#include "http.h"
#include "xapi.h"

/* 1 when req's path is one of the archives' (rrd_http.c): /rrd_updates, /host_rrd, /vm_rrd. */
int	rrd_http_path(const struct http_request *req);
/* Answers such a request: fills body (its cap bounds the reply) and *type, returns the
   HTTP status (200, or 400, 401, 404, 405, 500, 503 with a plain-text reason). */
int	rrd_http(struct xapi *x, const struct http_request *req, struct buf *body,
	    const char **type);

#endif
