/*
 * Raising messages (message.h): one function every raiser uses, the limits that drop the
 * oldest, and the alerts' edge triggers and rate guard.
 */
#include <stdlib.h>
#include <string.h>

#include "hval.h"
#include "message.h"
#include "nitems.h"
#include "xapi_limits.h"

struct alerts {
	char		 edges[XAPI_ALERT_EDGES][REF_LEN + 16];	/* conditions on */
	size_t		 nedges;
	long long	 hour_started;	/* unix time the rate guard's hour began */
	unsigned	 in_hour;	/* alerts let through in it */
};

/* XAPI's message classes (datamodel's Message.cls) and the classes they name here. */
static const struct {
	const char	*name;
	int		 cls;		/* -1: none in xapi-lite (no object can match) */
} classes[] = {
	{ "VM", C_VM }, { "Host", C_host }, { "SR", C_SR }, { "Pool", C_pool },
	{ "VMPP", -1 }, { "VMSS", -1 }, { "PVS_proxy", -1 }, { "VDI", C_VDI },
	{ "Certificate", -1 },
};

static int
class_index(const char *cls)
{
	size_t	i;

	for (i = 0; i < nitems(classes); i++)
		if (strcmp(classes[i].name, cls) == 0)
			return (int)i;
	return -1;
}

int
message_class_ok(const char *cls)
{
	return class_index(cls) >= 0;
}

int
message_object_exists(struct xapi *x, const char *cls, const char *uuid)
{
	int	i = class_index(cls);

	return i >= 0 && classes[i].cls >= 0 &&
	    db_find_uuid(&x->db, classes[i].cls, uuid, strlen(uuid)) != NULL;
}

/* The text a message holds, for the byte budget. */
static size_t
message_bytes(struct xapi *x, const struct obj *m)
{
	return db_get(&x->db, m, F_message_name)->u.s.len +
	    db_get(&x->db, m, F_message_body)->u.s.len +
	    db_get(&x->db, m, F_message_obj_uuid)->u.s.len;
}

/* Drops the oldest messages (the first in creation order) past the count and the bytes. */
static void
enforce_limits(struct xapi *x)
{
	size_t	i, bytes = 0;
	size_t	limit = x->message_limit > 0 ? (size_t)x->message_limit : XAPI_MAX_MESSAGES;

	for (i = 0; i < x->db.n[C_message]; i++)
		bytes += message_bytes(x, x->db.objs[C_message][i]);
	while (x->db.n[C_message] > 1 &&
	    (x->db.n[C_message] > limit || bytes > XAPI_MESSAGES_MAX_BYTES)) {
		bytes -= message_bytes(x, x->db.objs[C_message][0]);
		db_destroy(&x->db, x->db.objs[C_message][0]);
	}
}

struct obj *
message_raise(struct xapi *x, const char *name, long long priority, const char *cls,
    const char *obj_uuid, const char *body)
{
	struct obj	*m;

	if ((m = db_create(&x->db, C_message)) == NULL)
		return NULL;
	if (db_set(&x->db, m, F_message_name, hval_string(name)) == -1 ||
	    db_set(&x->db, m, F_message_priority, hval_int(priority)) == -1 ||
	    db_set(&x->db, m, F_message_cls, hval_string(cls)) == -1 ||
	    db_set(&x->db, m, F_message_obj_uuid, hval_string(obj_uuid)) == -1 ||
	    db_set(&x->db, m, F_message_timestamp, hval_datetime(clock_unix())) == -1 ||
	    db_set(&x->db, m, F_message_body, hval_string(body)) == -1) {
		db_destroy(&x->db, m);
		return NULL;
	}
	enforce_limits(x);
	return m;
}

static struct alerts *
alerts(struct xapi *x)
{
	if (x->alerts == NULL)
		x->alerts = calloc(1, sizeof(*x->alerts));
	return x->alerts;
}

int
alert_edge(struct xapi *x, const char *key, int on)
{
	struct alerts	*a;
	size_t		 i;

	/* Nothing on yet and nothing turning on: no state to make (most calls). */
	if ((!on && x->alerts == NULL) || (a = alerts(x)) == NULL)
		return 0;
	for (i = 0; i < a->nedges; i++)
		if (strcmp(a->edges[i], key) == 0)
			break;
	if (!on) {
		if (i < a->nedges)
			memcpy(a->edges[i], a->edges[--a->nedges], sizeof(a->edges[i]));
		return 0;
	}
	if (i < a->nedges || a->nedges == XAPI_ALERT_EDGES ||
	    strlen(key) >= sizeof(a->edges[0]))
		return 0;
	memcpy(a->edges[a->nedges++], key, strlen(key) + 1);
	return 1;
}

int
alert_rate_ok(struct xapi *x)
{
	struct alerts	*a = alerts(x);
	long long	 now = clock_unix();

	if (a == NULL)
		return 0;
	if (now - a->hour_started >= 3600 || now < a->hour_started) {
		a->hour_started = now;
		a->in_hour = 0;
	}
	if (a->in_hour >= XAPI_ALERTS_PER_HOUR)
		return 0;
	a->in_hour++;
	return 1;
}

void
alert_free(struct xapi *x)
{
	free(x->alerts);
	x->alerts = NULL;
}
