/* libFuzzer target: installer/options.c reads any bytes without reading past them or past
   err, and what it accepts is NUL-terminated and one of the forms options.h promises. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mac.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(f)	(memchr((f), '\0', sizeof(f)) != NULL)
#define ONLY(s, chars)	(strspn((s), (chars)) == strlen(s))

/* A dotted quad of up to 15 characters, digits and three dots. */
static int
quad(const char *s)
{
	size_t	n = strlen(s), dots = 0, i;

	for (i = 0; i < n; i++)
		dots += s[i] == '.';
	return n >= 7 && n <= 15 && dots == 3 && ONLY(s, "0123456789.");
}

static int
word(const char *s, const char *a, const char *b, const char *c)
{
	return strcmp(s, a) == 0 || strcmp(s, b) == 0 || (c != NULL && strcmp(s, c) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct install_options	o;
	char				err[200], tiny[4];
	size_t				n;
	int				i, r;

	/* Guards after err catch any write past errlen. */
	memset(tiny, 'G', sizeof(tiny));
	r = options_parse((const char *)data, size, &o, tiny, 2);
	if (tiny[2] != 'G' || tiny[3] != 'G' || memchr(tiny, '\0', 2) == NULL)
		__builtin_trap();

	memset(err, 'G', sizeof(err));
	if (options_parse((const char *)data, size, &o, err, 160) != r)
		__builtin_trap();	/* the same input, the same answer */
	for (n = 160; n < sizeof(err); n++)
		if (err[n] != 'G')
			__builtin_trap();
	if (!TERMINATED(err))
		__builtin_trap();
	if (r == -1) {
		if (err[0] == '\0')
			__builtin_trap();
		return 0;
	}
	if (r != 0 || err[0] != '\0')
		__builtin_trap();

	if (!TERMINATED(o.answerfile) || !TERMINATED(o.fingerprint) || !TERMINATED(o.atexit) ||
	    !TERMINATED(o.net_device) || !TERMINATED(o.net_proto) || !TERMINATED(o.net_ip) ||
	    !TERMINATED(o.net_netmask) || !TERMINATED(o.net_gateway))
		__builtin_trap();
	if (o.answerfile[0] != '\0' && strncmp(o.answerfile, "file:///", 8) != 0 &&
	    strncmp(o.answerfile, "http://", 7) != 0 && strncmp(o.answerfile, "https://", 8) != 0)
		__builtin_trap();
	for (n = 0; o.answerfile[n] != '\0'; n++)
		if ((unsigned char)o.answerfile[n] <= ' ' || (unsigned char)o.answerfile[n] >= 0x7f)
			__builtin_trap();
	if (o.interactive != 0 && o.interactive != 1)
		__builtin_trap();
	if (o.fingerprint[0] != '\0' && (strlen(o.fingerprint) != 64 ||
	    !ONLY(o.fingerprint, "0123456789abcdef")))
		__builtin_trap();
	if (!word(o.atexit, "reboot", "poweroff", "shell"))
		__builtin_trap();
	if (o.net_device[0] != '\0' && strcmp(o.net_device, "all") != 0 &&
	    !(mac_valid(o.net_device) && ONLY(o.net_device, "0123456789abcdef:")) &&
	    !(strlen(o.net_device) <= 15 && ONLY(o.net_device, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")))
		__builtin_trap();
	if (!word(o.net_proto, "dhcp", "static", NULL))
		__builtin_trap();
	if (o.net_ndns < 0 || o.net_ndns > OPT_MAX_DNS)
		__builtin_trap();
	if (strcmp(o.net_proto, "dhcp") == 0) {
		if (o.net_ip[0] != '\0' || o.net_netmask[0] != '\0' || o.net_gateway[0] != '\0' ||
		    o.net_ndns != 0)
			__builtin_trap();
	} else if (!quad(o.net_ip) || !quad(o.net_netmask) ||
	    (o.net_gateway[0] != '\0' && !quad(o.net_gateway)))
		__builtin_trap();
	for (i = 0; i < OPT_MAX_DNS; i++)
		if (!TERMINATED(o.net_dns[i]) || (i < o.net_ndns) != (o.net_dns[i][0] != '\0') ||
		    (i < o.net_ndns && !quad(o.net_dns[i])))
			__builtin_trap();
	return 0;
}
