#ifndef XAPI_MESSAGE_H
#define XAPI_MESSAGE_H

/*
 * XAPI's messages (alerts): objects of class message, kept in the database (so the journal
 * keeps them across restarts) and bounded: past x->message_limit of them (XAPI's
 * message_limit), or past XAPI_MESSAGES_MAX_BYTES of text, the oldest go.
 */
#include "xapi.h"

/* XAPI's names and priorities (api_messages.ml) of the messages xapi-lite raises. */
#define MSG_VM_CRASHED			"VM_CRASHED", 2
#define MSG_VM_REBOOTED			"VM_REBOOTED", 5
#define MSG_ALARM			"ALARM", 3	/* perfmon's SR alarm priority */
#define MSG_FAILED_LOGIN_ATTEMPTS	"FAILED_LOGIN_ATTEMPTS", 3
/* Atoll's own: a rollback past a schema change brought the older database back. */
#define MSG_DATABASE_RESTORED		"HOST_DATABASE_RESTORED", 2

/* Whether cls is one of XAPI's message classes (VM, Host, SR, Pool, ...). */
int	message_class_ok(const char *cls);
/* Whether the object of message class cls with this uuid exists. */
int	message_object_exists(struct xapi *x, const char *cls, const char *uuid);

/* Raises a message: a new message object, then the oldest dropped past the limits. cls
   must be a message class; the object is not checked (the raiser knows it). Returns the
   message, or NULL (out of memory: nothing made). */
struct obj *message_raise(struct xapi *x, const char *name, long long priority,
	    const char *cls, const char *obj_uuid, const char *body);

/* An edge trigger, as XAPI's alerts have: returns 1 when condition key turns on (it was
   off), 0 otherwise; off forgets it. At most XAPI_ALERT_EDGES keys are on at once (past
   that, 0: no new alert). */
int	alert_edge(struct xapi *x, const char *key, int on);
/* A rate guard for alerts clients can provoke: 1 while fewer than XAPI_ALERTS_PER_HOUR
   have been let through in the current hour (counting this one), else 0. */
int	alert_rate_ok(struct xapi *x);
/* Frees the alert state, at exit. */
void	alert_free(struct xapi *x);

#endif
