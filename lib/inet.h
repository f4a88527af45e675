#ifndef ATOLL_INET_H
#define ATOLL_INET_H

#include <stddef.h>
#include <stdint.h>

/*
 * The one IPv4 address parser and the one host-name check. The installer (answerfile,
 * screens, boot options), the boot options of dom0 and xapi-lite's host settings all call
 * these, so each accepts exactly what the others do.
 */

#define INET_HOSTNAME_MAX	253	/* characters in a whole name, as a resolver takes it */
#define INET_LABEL_MAX		63	/* characters between two dots */
#define INET_ADDRSTRLEN		16	/* "255.255.255.255" and its NUL */

/* s[0..n) is a dotted quad: four decimal parts of 0 to 255, no leading zeros (inet_aton
   reads 010 as octal, so it is refused) and nothing else. Its value (host order) goes
   to *ip. Returns 1 or 0. */
int	inet_ipv4(const char *s, size_t n, uint32_t *ip);

/* m is a netmask: ones, then zeros, and not 0.0.0.0. */
int	inet_netmask(uint32_t m);

/* The same two rules on a C string: s is an IPv4 address; s is a netmask. */
int	inet_is_ipv4(const char *s);
int	inet_is_netmask(const char *s);

/* Why s is not a host name, in XAPI's words where host.set_hostname_live has them
   ("hostname empty", "hostname is too long", "hostname contains invalid characters"),
   or NULL when it is one: letters, digits, '-' and '.', at most INET_HOSTNAME_MAX
   characters, labels of 1 to INET_LABEL_MAX with no hyphen at either end. */
const char *inet_hostname_invalid(const char *s);

/* s names a server (NTP, DNS): an IPv4 address, or a host name that is not all digits
   and dots (those are a mistyped address). */
int	inet_server_ok(const char *s);

#endif
