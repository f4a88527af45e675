#ifndef ATOLL_OPTIONS_H
#define ATOLL_OPTIONS_H

#include <stddef.h>

/*
 * The installer's kernel command line options (XenServer's, so existing PXE menus work):
 *   answerfile=file:///PATH | http://URL | https://URL   an unattended install
 *   atoll.install                                        the interactive one
 *   answerfile_fingerprint=sha256:<64 hex digits>        pins the HTTPS server's certificate
 *   network_device=eth0 | <MAC> | all                    the NIC that fetches the answerfile
 *   network_config=dhcp | static:ip=A;netmask=M;gateway=G;dns=D1,D2
 *   atexit=reboot | poweroff | shell                     after a success (default reboot)
 *   atoll.report=http://URL | https://URL                where to POST the outcome (JSON)
 *   atoll.source=http://URL | https://URL                where xen.gz, vmlinuz and dom0.img
 *                                                        are when no Atoll medium is found
 * Words that are not these are not the installer's and are left alone.
 */
#define OPT_MAX_DNS	3

struct install_options {
	char	answerfile[1024];	/* "" when none */
	int	interactive;		/* atoll.install */
	char	fingerprint[65];	/* lower-case hex of the certificate's SHA-256, or "" */
	char	atexit[16];		/* "reboot" (the default), "poweroff", "shell" */
	char	report[1024];		/* atoll.report=, or "" */
	char	source[1024];		/* atoll.source=, or "" */
	char	net_device[32];		/* "" (the first NIC with link), "eth0", a lower-case
					   MAC "52:54:00:12:34:56", or "all" */
	char	net_proto[8];		/* "dhcp" (the default) or "static" */
	char	net_ip[16], net_netmask[16], net_gateway[16];	/* dotted IPv4, static */
	char	net_dns[OPT_MAX_DNS][16];
	int	net_ndns;
};

/*
 * Reads the command line text[0..len) into o (defaults first; a later word overrides an
 * earlier one, as in Linux). Returns 0, or -1 with err naming the option, its value and
 * what is expected ("network_config=static:ip=10.0.0.300: ip is not an IPv4 address").
 * A value is checked whole: a URL's scheme and length, the fingerprint's 64 hex digits,
 * each static field (ip and netmask required, the netmask contiguous, at most 3 DNS
 * servers). Nothing is allocated.
 */
int	options_parse(const char *text, size_t len, struct install_options *o, char *err,
	    size_t errlen);

#endif
