#ifndef XAPI_NETCHECK_H
#define XAPI_NETCHECK_H

/* Checks of the names and addresses host settings take (netcheck.c). */

/* Why s is not a host name as XAPI's host.set_hostname_live accepts (its reason text),
   nor one a resolver takes (253 characters, labels of 1 to 63 with no hyphen at either
   end), or NULL when it is one. */
const char *net_hostname_invalid(const char *s);
/* s is a dotted-quad IPv4 address. */
int	net_ipv4(const char *s);
/* s is a netmask: an IPv4 address of contiguous ones then zeros, not 0.0.0.0. */
int	net_netmask(const char *s);
/* s is an NTP server: an IPv4 address, or a DNS name (labels of letters, digits and inner
   hyphens, at most 253 characters) that is not all digits and dots. */
int	net_server(const char *s);
/* s names a time zone file safely below a zoneinfo directory: "Area/City" made of letters,
   digits, '_', '-', '+' and '/', no "." or ".." component. */
int	net_zone_name(const char *s);

#endif
