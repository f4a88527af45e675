#ifndef XAPI_THROTTLE_H
#define XAPI_THROTTLE_H

/*
 * Failed logins by client address: each failure in a row doubles the delay the address
 * owes (XAPI_LOGIN_DELAY_MS, up to XAPI_LOGIN_DELAY_MAX_MS); a success forgets it; at most
 * XAPI_LOGIN_CLIENTS addresses are remembered, the least recently failed forgotten first.
 * Times are the caller's milliseconds (a monotonic clock).
 */
struct throttle;

/* When addr may next have a login checked and answered; 0 when it owes nothing. t may be
   NULL (nothing failed yet). */
long long	throttle_until(const struct throttle *t, const char *addr);
/* Counts a failure of addr at now (making *t on the first); returns when its delay is
   over. Out of memory: now plus the longest delay, remembering nothing. */
long long	throttle_failed(struct throttle **t, const char *addr, long long now);
/* How many logins of addr have failed in a row (0: none remembered). */
unsigned	throttle_failures(const struct throttle *t, const char *addr);
/* A success: addr is forgotten. */
void		throttle_succeeded(struct throttle *t, const char *addr);
void		throttle_free(struct throttle *t);

#endif
