/*
 * The HTTP handlers of the archives, as rrdd's (rrdd_http_handler.ml) behind xapi's session
 * check: GET /rrd_updates (what changed since start, every owner or those asked for),
 * GET /host_rrd and GET /vm_rrd?uuid= (one owner's whole RRD as rrdtool's dump). JSON when
 * the query has json or the Accept header prefers it, else XML. A request without a valid
 * session gets 401; a bad parameter 400 naming it; an owner without archives 404.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "nitems.h"
#include "rrd.h"
#include "rrd_http.h"
#include "stats.h"
#include "xapi_limits.h"

#define UUID_PARAM_MAX	64		/* bytes of a uuid parameter, decoded */

int
rrd_http_path(const struct http_request *req)
{
	static const char *const	paths[] = { "/rrd_updates", "/host_rrd", "/vm_rrd" };
	size_t				i;

	for (i = 0; i < nitems(paths); i++)
		if (req->path.len == strlen(paths[i]) &&
		    memcmp(req->path.p, paths[i], req->path.len) == 0)
			return 1;
	return 0;
}

static int
refuse(struct buf *body, const char **type, int status, const char *fmt, const char *what)
{
	buf_reset(body);
	buf_printf(body, fmt, what);
	buf_lit(body, "\n");
	*type = "text/plain";
	return status;
}

/* A whole signed decimal number, as Int64.of_string takes one. */
static int
integer(const char *s, long long *out)
{
	char	*end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return *s != '\0' && *end == '\0' && errno == 0 ? 0 : -1;
}

/* JSON if the query says json or the Accept header names application/json before
   text/xml (rrdd's client_prefers_json, without q-values). */
static int
wants_json(const struct http_request *req)
{
	const struct http_slice	*acc = http_header(req, "Accept");
	struct http_slice	 v;

	if (acc != NULL) {
		char		 a[256];
		const char	*j, *x;
		size_t		 n = acc->len < sizeof(a) - 1 ? acc->len : sizeof(a) - 1;

		memcpy(a, acc->p, n);
		a[n] = '\0';
		j = strstr(a, "application/json");
		x = strstr(a, "text/xml");
		if (j != NULL || x != NULL)
			return j != NULL && (x == NULL || j < x);
	}
	return http_param(req->query, '&', "json", &v);
}

/* The VM's RRD for each vm_uuid of the query into out (n at most max; *asked set when
   there is one); 0, or the status of a refusal. */
static int
vm_filter(struct xapi *x, const struct http_request *req, struct rrd **out, size_t max,
    size_t *n, int *asked, struct buf *body, const char **type)
{
	const char	*p = req->query.p, *end = req->query.p + req->query.len;

	*n = 0;
	*asked = 0;
	while (p < end) {
		const char		*amp = memchr(p, '&', (size_t)(end - p));
		struct http_slice	 v = { p + 8, (size_t)((amp ? amp : end) - p) };
		char			 uuid[UUID_PARAM_MAX];
		struct rrd		*r;

		p = amp ? amp + 1 : end;
		if (v.len < 8 || memcmp(v.p - 8, "vm_uuid=", 8) != 0)
			continue;
		v.len -= 8;
		*asked = 1;
		if (http_percent_decode(v, uuid, sizeof(uuid)) < 0)
			return refuse(body, type, 400, "the %s parameter is badly escaped or too "
			    "long", "vm_uuid");
		if (db_find_uuid(&x->db, C_VM, uuid, strlen(uuid)) == NULL)
			return refuse(body, type, 404, "no such VM: %s", uuid);
		if ((r = stats_vm_rrd(x, uuid)) != NULL && *n < max)
			out[(*n)++] = r;
	}
	return 0;
}

static int
updates(struct xapi *x, const struct http_request *req, int json, struct buf *body,
    const char **type)
{
	static const char *const	cfs[] = { "AVERAGE", "MIN", "MAX" };
	char				 v[64];
	long long			 start, interval = 0;
	enum rrd_cf			 cf = RRD_ANY_CF;
	struct rrd *const		*all;
	struct rrd			**pick;
	size_t				 n = stats_all(x, &all), k = 0, i, nvm = 0;
	int				 host, got, status, asked;
	const char			*why = NULL;

	if ((got = http_request_param(req, "start", v, sizeof(v))) != 1 || integer(v, &start))
		return refuse(body, type, 400, "the %s parameter is missing or not a whole number",
		    "start");
	if ((got = http_request_param(req, "interval", v, sizeof(v))) == -1 ||
	    (got == 1 && (integer(v, &interval) == -1 || interval < 0)))
		return refuse(body, type, 400, "the %s parameter is not a whole number of seconds",
		    "interval");
	if ((got = http_request_param(req, "cf", v, sizeof(v))) == -1)
		return refuse(body, type, 400, "the %s parameter is badly escaped", "cf");
	if (got == 1) {
		for (i = 0; i < RRD_NCF && strcmp(v, cfs[i]) != 0; i++)
			;
		if (i == RRD_NCF)
			return refuse(body, type, 400, "the %s parameter is not AVERAGE, MIN or MAX",
			    "cf");
		cf = (enum rrd_cf)i;
	}
	got = http_request_param(req, "host", v, sizeof(v));
	host = got == 1 && strcmp(v, "true") == 0;
	if ((pick = calloc(n + 1, sizeof(*pick))) == NULL)
		return refuse(body, type, 503, "%s", "out of memory");
	if (host && stats_host_rrd(x) != NULL)
		pick[k++] = stats_host_rrd(x);
	if ((status = vm_filter(x, req, pick + k, n, &nvm, &asked, body, type)) != 0) {
		free(pick);
		return status;
	}
	if (asked)
		k += nvm;	/* only the VMs asked for */
	else
		for (i = 0; i < n; i++)
			if (strcmp(rrd_owner(all[i]), "vm") == 0)
				pick[k++] = all[i];
	status = rrd_xport(pick, k, start, interval, cf, json, body, &why);
	free(pick);
	if (status == -1) {
		int	code = strncmp(why, "interval", 8) == 0 ? 400 :
			    strstr(why, "recorded") != NULL ? 503 : 500;

		return refuse(body, type, code, "%s", why);
	}
	*type = json ? "application/json" : "text/xml";
	return 200;
}

int
rrd_http(struct xapi *x, const struct http_request *req, struct buf *body, const char **type)
{
	char		 sess[80], uuid[UUID_PARAM_MAX];
	struct obj	*s;
	struct rrd	*r;
	int		 json = wants_json(req), got;

	if (req->method.len != 3 || memcmp(req->method.p, "GET", 3) != 0)
		return refuse(body, type, 405, "%s", "only GET is served here");
	if (http_request_param(req, "session_id", sess, sizeof(sess)) != 1 ||
	    (s = db_find(&x->db, sess, strlen(sess))) == NULL || s->cls != C_session)
		return refuse(body, type, 401, "%s", "no valid session_id");
	if (req->path.len == strlen("/rrd_updates"))
		return updates(x, req, json, body, type);
	if (req->path.len == strlen("/host_rrd")) {
		if ((r = stats_host_rrd(x)) == NULL)
			return refuse(body, type, 404, "%s", "the host has no archives yet");
	} else {
		if ((got = http_request_param(req, "uuid", uuid, sizeof(uuid))) != 1)
			return refuse(body, type, 400, "the %s parameter is missing or badly escaped",
			    "uuid");
		if (db_find_uuid(&x->db, C_VM, uuid, strlen(uuid)) == NULL)
			return refuse(body, type, 404, "no such VM: %s", uuid);
		if ((r = stats_vm_rrd(x, uuid)) == NULL)
			return refuse(body, type, 404, "the VM %s has no archives", uuid);
	}
	if (rrd_dump(r, body) == -1)
		return refuse(body, type, 500, "%s", "the reply would be too large");
	*type = "text/xml";
	return 200;
}
