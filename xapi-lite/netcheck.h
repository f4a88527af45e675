#ifndef XAPI_NETCHECK_H
#define XAPI_NETCHECK_H

/* Checks of the names and addresses host settings take (netcheck.c). */

/* s is a dotted-quad IPv4 address (inet_ipv4's rule). */
int	net_ipv4(const char *s);
/* s is a netmask: an IPv4 address of contiguous ones then zeros, not 0.0.0.0. */
int	net_netmask(const char *s);
/* s is an NTP server: an IPv4 address, or a host name (inet_hostname_invalid's rule)
   that is not all digits and dots. */
int	net_server(const char *s);
/* s names a time zone file safely below a zoneinfo directory: "Area/City" made of letters,
   digits, '_', '-', '+' and '/', no "." or ".." component. */
int	net_zone_name(const char *s);

#endif
