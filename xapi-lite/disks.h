#ifndef XAPI_DISKS_H
#define XAPI_DISKS_H

#include <stddef.h>

#define DISKS_MAX	16

/* One disk a template asks VM.provision to make (XAPI's other_config:disks). */
struct disk {
	char		device[8];	/* the VBD's userdevice: digits */
	long long	size;		/* bytes */
	char		sr[40];		/* an SR's uuid, or "" for the pool's default SR */
	int		bootable;
	char		type[16];	/* the VDI's type: system, user, ... */
};

/*
 * Parses <provision><disk device="0" size="8589934592" sr="" bootable="true"
 * type="system"/>...</provision>. Returns the number of disks (0 to DISKS_MAX), or -1 with
 * a message in err naming what is wrong.
 */
int	disks_parse(const char *s, size_t len, struct disk *out, char *err, size_t errlen);

#endif
