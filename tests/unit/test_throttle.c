/* Unit tests of xapi-lite/throttle.c: the delay doubles per failure in a row up to its
   maximum, a success forgets the address, and past XAPI_LOGIN_CLIENTS addresses the least
   recently failed is forgotten first. */
#include <stdio.h>

#include "tap.h"
#include "throttle.h"
#include "xapi_limits.h"

static void
doubling(void)
{
	struct throttle	*t = NULL;
	long long	 now = 1000, want = XAPI_LOGIN_DELAY_MS, got;
	int		 i;

	ok(throttle_until(t, "192.0.2.1") == 0, "nothing failed yet: no delay (NULL table)");
	for (i = 1; i <= 12; i++) {
		got = throttle_failed(&t, "192.0.2.1", now) - now;
		ok(got == want, "failure %d: %lld ms (want %lld)", i, got, want);
		want = want * 2 < XAPI_LOGIN_DELAY_MAX_MS ? want * 2 : XAPI_LOGIN_DELAY_MAX_MS;
		now += got;
	}
	ok(throttle_until(t, "192.0.2.1") == now, "the address owes its last delay");
	ok(throttle_failures(t, "192.0.2.1") == 12, "twelve failures in a row counted (%u)",
	    throttle_failures(t, "192.0.2.1"));
	ok(throttle_failures(t, "192.0.2.2") == 0 && throttle_failures(NULL, "192.0.2.1") == 0,
	    "none for another address, or with no table");
	ok(throttle_until(t, "192.0.2.2") == 0, "another address owes nothing");
	for (i = 0; i < 1000; i++)
		got = throttle_failed(&t, "192.0.2.1", now) - now;
	ok(got == XAPI_LOGIN_DELAY_MAX_MS, "a thousand more: still the maximum (%lld)", got);
	throttle_succeeded(t, "192.0.2.1");
	ok(throttle_until(t, "192.0.2.1") == 0, "a success forgets the address");
	ok(throttle_failed(&t, "192.0.2.1", now) - now == XAPI_LOGIN_DELAY_MS,
	    "...so its next failure starts again at the first delay");
	throttle_succeeded(t, "192.0.2.99");
	throttle_succeeded(NULL, "192.0.2.99");
	ok(1, "a success from an unknown address (or with no table) changes nothing");
	throttle_free(t);
}

static void
forgetting(void)
{
	struct throttle	*t = NULL;
	char		 addr[32];
	long long	 now = 5000;
	int		 i, kept = 0;

	/* A fails twice, then every other slot fills, each failing later than A. */
	throttle_failed(&t, "198.51.100.1", now++);
	throttle_failed(&t, "198.51.100.1", now++);
	for (i = 1; i < XAPI_LOGIN_CLIENTS; i++) {
		snprintf(addr, sizeof(addr), "10.0.%d.%d", i / 256, i % 256);
		throttle_failed(&t, addr, now++);
	}
	ok(throttle_until(t, "198.51.100.1") != 0, "%d addresses: all remembered",
	    XAPI_LOGIN_CLIENTS);
	/* B refails: it is now more recent than A. One more new address takes A's slot. */
	throttle_failed(&t, "10.0.0.1", now++);
	throttle_failed(&t, "203.0.113.1", now);
	ok(throttle_until(t, "198.51.100.1") == 0, "one more: the least recently failed "
	    "(198.51.100.1) forgotten");
	ok(throttle_until(t, "203.0.113.1") == now + XAPI_LOGIN_DELAY_MS, "the new one kept");
	ok(throttle_until(t, "10.0.0.1") == now - 1 + 2 * XAPI_LOGIN_DELAY_MS,
	    "a refailed one kept, with its count");
	for (i = 1; i < XAPI_LOGIN_CLIENTS; i++) {
		snprintf(addr, sizeof(addr), "10.0.%d.%d", i / 256, i % 256);
		kept += throttle_until(t, addr) != 0;
	}
	ok(kept == XAPI_LOGIN_CLIENTS - 1, "every other address kept (%d)", kept);
	ok(throttle_failed(&t, "198.51.100.1", now) - now == XAPI_LOGIN_DELAY_MS,
	    "the forgotten address starts again at the first delay");
	throttle_free(t);
}

int
main(void)
{
	doubling();
	forgetting();
	return done_testing();
}
