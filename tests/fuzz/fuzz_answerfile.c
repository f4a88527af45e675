/* libFuzzer target: installer/answerfile.c reads any bytes without reading past them, and
   what it accepts (a fresh install or an upgrade) is all NUL-terminated and within its
   limits. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "answerfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
warned(void *ctx, const char *msg)
{
	if (strncmp(msg, "line ", 5) != 0)
		__builtin_trap();
	(*(int *)ctx)++;
}

#define TERMINATED(f)	(memchr((f), '\0', sizeof(f)) != NULL)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct answers	a;
	char			err[160];
	int			i, fresh, warnings = 0;

	if (answerfile_parse((const char *)data, size, &a, err, sizeof(err), warned,
	    &warnings) == -1) {
		if (strncmp(err, "line ", 5) != 0 || a.primary_disk[0] != '\0')
			__builtin_trap();
		return 0;
	}
	if (!TERMINATED(a.mode) || !TERMINATED(a.primary_disk) || !TERMINATED(a.password) ||
	    !TERMINATED(a.hostname) || !TERMINATED(a.iface_name) || !TERMINATED(a.iface_hwaddr) ||
	    !TERMINATED(a.proto) || !TERMINATED(a.ipaddr) || !TERMINATED(a.subnet) ||
	    !TERMINATED(a.gateway) || !TERMINATED(a.timezone) || !TERMINATED(a.keymap) ||
	    !TERMINATED(a.source_type) || !TERMINATED(a.source_url))
		__builtin_trap();
	/* A fresh install has its password; an upgrade (the installed disk) keeps its own. */
	if (strcmp(a.mode, "fresh") != 0 && strcmp(a.mode, "upgrade") != 0)
		__builtin_trap();
	fresh = strcmp(a.mode, "fresh") == 0;
	if (a.primary_disk[0] == '\0' || (fresh && a.password[0] == '\0') ||
	    a.nguest_disks < 0 || a.nguest_disks > AF_MAX_GUEST_DISKS ||
	    a.ndns < 0 || a.ndns > AF_MAX_DNS || a.nntp < 0 || a.nntp > AF_MAX_NTP ||
	    a.nscripts < 0 || a.nscripts > AF_MAX_SCRIPTS)
		__builtin_trap();
	for (i = 0; i < a.nguest_disks; i++)
		if (!TERMINATED(a.guest_disks[i]) ||
		    (fresh && strcmp(a.guest_disks[i], a.primary_disk) == 0))
			__builtin_trap();
	for (i = 0; i < a.ndns; i++)
		if (!TERMINATED(a.dns[i]))
			__builtin_trap();
	for (i = 0; i < a.nntp; i++)
		if (!TERMINATED(a.ntp[i]))
			__builtin_trap();
	for (i = 0; i < a.nscripts; i++)
		if (!TERMINATED(a.scripts[i].stage) || !TERMINATED(a.scripts[i].url))
			__builtin_trap();
	return 0;
}
