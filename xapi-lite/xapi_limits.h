#ifndef XAPI_LIMITS_H
#define XAPI_LIMITS_H

/* Every limit xapi-lite enforces, in one place (XAPI's values where it has them). */
#define XAPI_MAX_HDR_BYTES	8192		/* request line and headers; else 431 */
#define XAPI_MAX_HEADERS	64		/* else 431 */
#define XAPI_MAX_BODY		(300 * 1024)	/* RPC body (http_limit_max_rpc_size); else 413 */
#define XAPI_HEADER_TIMEOUT_MS	10000		/* whole header read; else 408 */
#define XAPI_IDLE_TIMEOUT_MS	300000		/* keep-alive connection with nothing to do */
#define XAPI_MAX_CONNECTIONS	800
#define XAPI_MAX_SESSIONS	400		/* oldest evicted beyond */
#define XAPI_SESSION_IDLE_S	86400
#define XAPI_MAX_REPLY		(256 * 1024 * 1024)

#endif
