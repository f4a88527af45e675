/*
 * The failed logins' table (see throttle.h): one slot per client address, searched
 * linearly (a few microseconds for XAPI_LOGIN_CLIENTS, once per login).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "throttle.h"
#include "xapi.h"
#include "xapi_limits.h"

struct throttle_client {
	char		 addr[CLIENT_ADDR_LEN];
	unsigned	 failures;	/* in a row */
	long long	 until_ms;	/* its logins are neither checked nor answered before */
	long long	 failed_ms;	/* its last failure: the least recent is forgotten first */
};

struct throttle {
	struct throttle_client	c[XAPI_LOGIN_CLIENTS];
	size_t			n;
};

static struct throttle_client *
find(const struct throttle *t, const char *addr)
{
	size_t	i;

	for (i = 0; t != NULL && i < t->n; i++)
		if (strcmp(t->c[i].addr, addr) == 0)
			return (struct throttle_client *)(uintptr_t)&t->c[i];
	return NULL;
}

long long
throttle_until(const struct throttle *t, const char *addr)
{
	const struct throttle_client	*c = find(t, addr);

	return c != NULL ? c->until_ms : 0;
}

long long
throttle_failed(struct throttle **tp, const char *addr, long long now)
{
	struct throttle		*t = *tp;
	struct throttle_client	*c;
	long long		 delay = XAPI_LOGIN_DELAY_MS;
	size_t			 i, oldest = 0;

	if (t == NULL && (t = *tp = calloc(1, sizeof(*t))) == NULL)
		return now + XAPI_LOGIN_DELAY_MAX_MS;
	if ((c = find(t, addr)) == NULL) {
		if (t->n < XAPI_LOGIN_CLIENTS)
			c = &t->c[t->n++];
		else {
			for (i = 1; i < t->n; i++)
				if (t->c[i].failed_ms < t->c[oldest].failed_ms)
					oldest = i;
			c = &t->c[oldest];
		}
		memset(c, 0, sizeof(*c));
		snprintf(c->addr, sizeof(c->addr), "%s", addr);
	}
	if (c->failures < 64)
		c->failures++;
	for (i = 1; i < c->failures && delay < XAPI_LOGIN_DELAY_MAX_MS; i++)
		delay *= 2;
	c->failed_ms = now;
	c->until_ms = now + (delay < XAPI_LOGIN_DELAY_MAX_MS ? delay : XAPI_LOGIN_DELAY_MAX_MS);
	return c->until_ms;
}

unsigned
throttle_failures(const struct throttle *t, const char *addr)
{
	const struct throttle_client	*c = find(t, addr);

	return c != NULL ? c->failures : 0;
}

void
throttle_succeeded(struct throttle *t, const char *addr)
{
	struct throttle_client	*c = find(t, addr);

	if (c != NULL)
		*c = t->c[--t->n];
}

void
throttle_free(struct throttle *t)
{
	free(t);
}
