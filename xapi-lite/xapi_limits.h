#ifndef XAPI_LIMITS_H
#define XAPI_LIMITS_H

/* Every limit xapi-lite enforces, in one place (XAPI's values where it has them). */
#define XAPI_MAX_HDR_BYTES	8192		/* request line and headers; else 431 */
#define XAPI_MAX_HEADERS	64		/* else 431 */
#define XAPI_MAX_BODY		(300 * 1024)	/* RPC body (http_limit_max_rpc_size); else 413 */
#define XAPI_HEADER_TIMEOUT_MS	10000		/* a request, headers and body, from its first
						   byte; and a new connection's first request */
#define XAPI_IDLE_TIMEOUT_MS	300000		/* keep-alive connection with nothing to do,
						   once it has completed a request */
#define XAPI_MAX_CONNECTIONS	800		/* TCP (direct and through stunnel) */
#define XAPI_MAX_CONNECTIONS_PER_CLIENT	64	/* TCP connections from one client address */
#define XAPI_MAX_LOCAL_CONNECTIONS	64	/* the Unix socket's, apart from TCP's */
#define XAPI_MAX_BUFFERED_BYTES	(24 * 1024 * 1024)	/* request bodies held, all connections;
							   a body past it gets 503 */
#define XAPI_SMALL_BODY	(16 * 1024)	/* bodies up to this are never held to the budget */
#define XAPI_REPLY_CHUNK	(256 * 1024)	/* a streamed reply is made this much at a time */
#define XAPI_MAX_FDS		4096		/* descriptors the loop watches (RLIMIT_NOFILE) */
#define XAPI_FD_RESERVE		32		/* kept free of connections: helpers, files */
#define XAPI_MAX_SESSIONS	400		/* oldest evicted beyond */
#define XAPI_SESSION_IDLE_S	86400
#define XAPI_MAX_REPLY		(256 * 1024 * 1024)
#define XAPI_LOG_FIELD_MAX	200		/* bytes of a method name or value in the log */
#define XAPI_LOG_MAX_BYTES	(1024 * 1024)	/* the --log file becomes FILE.1 past this */
#define XAPI_LOGIN_DELAY_MS	250		/* after a client's first failed login; doubles */
#define XAPI_LOGIN_DELAY_MAX_MS	8000		/* ...up to this */
#define XAPI_LOGIN_CLIENTS	1024		/* client addresses whose failures are remembered */
#define XAPI_LOGIN_PER_CLIENT	4		/* logins of one address under way at once (queued,
						   checked, or failed and held); more are refused */
#define XAPI_MAX_CRYPT_HELPERS	4		/* password-check helpers running at once */
#define XAPI_JOURNAL_RESERVE	(4 * 1024 * 1024)	/* disk reserved past the journal's end:
							   a full disk turns it read-only first */
#define XAPI_SUSPEND_IMAGE_PERCENT	126	/* a suspend image: memory_static_max * 1.2 * 1.05 */
#define XAPI_SUSPEND_IMAGE_EXTRA	(100LL * 1024 * 1024)	/* ...plus this; an SR with less
							   free space refuses the suspend */
#define XAPI_VBD_SLOTS		255		/* a VM's disk slots, 0 to 254 (XAPI's
						   allowed_VBD_devices; dom0 has 256) */
#define XAPI_CLEAN_SHUTDOWN_TIMEOUT_S	1200	/* a clean shutdown or reboot not done by then
					   fails with VM_SHUTDOWN_TIMEOUT (XAPI's
					   domain_shutdown_total_timeout); the default of
					   --clean-shutdown-timeout, which allows no more */
#define XAPI_MAX_TRANSFERS	8		/* exports and imports running at once (each a
						   worker process); more get 503 */
#define XAPI_MAX_TRANSFERS_PER_CLIENT	4	/* ...of them from one client address */
#define XAPI_TRANSFER_IDLE_S	600		/* a transfer whose client sends or takes
						   nothing this long fails (--transfer-timeout) */
#define XAPI_VIF_SLOTS		16		/* its network slots, 0 to 15 */
#define XAPI_MAX_RRDS		2049		/* archives kept: the host's and 2,048 VMs'
						   (about 23 KB each); a new owner past it is
						   not recorded */

/* Messages (alerts; message.c). */
#define XAPI_MAX_MESSAGES	10000		/* kept at most, the oldest dropped (XAPI's
						   message_limit); the default of --message-limit */
#define XAPI_MESSAGES_MAX_BYTES	(16 * 1024 * 1024)	/* their names and bodies, all
							   together; the oldest dropped past it */
#define XAPI_MESSAGE_BODY_MAX	(16 * 1024)	/* a message.create's body or name; else
						   INVALID_VALUE */
#define XAPI_ALERT_EDGES	64		/* conditions on at once (an SR almost full) */
#define XAPI_ALERTS_PER_HOUR	10		/* FAILED_LOGIN_ATTEMPTS raised an hour, at most */
#define XAPI_LOGIN_ALERT_FAILURES	3	/* failed logins in a row of one address that
						   raise FAILED_LOGIN_ATTEMPTS (once a run) */
#define XAPI_SR_FULL_PERCENT	90		/* an SR this full raises ALARM (once a crossing) */

#endif
