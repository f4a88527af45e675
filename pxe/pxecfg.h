#ifndef ATOLL_PXECFG_H
#define ATOLL_PXECFG_H

#include <stddef.h>

#include "mac.h"

#define PXE_NAME_MAX		63		/* a host's name, without its NUL */
#define PXE_URL_MAX		900		/* a URL, without its NUL */
#define PXE_ANSWERFILE_MAX	(1024 * 1024)	/* a copied answerfile, in bytes */
#define PXE_CFG_MAX		8192		/* a rendered config and its NUL */
/*
 * dom0's command line: Xen copies it into 1024 bytes (MAX_GUEST_CMDLINE) and cuts what does
 * not fit, after appending options of its own (" noapic", " acpi=off"); 64 are kept for them.
 */
#define PXE_DOM0_CMDLINE_MAX	(1023 - 64)
#define PXE_FILE_LEN		21		/* "01-aa-bb-cc-dd-ee-ff" and its NUL */

/* What a tree boots when no host config matches the machine. */
enum pxe_mode { PXE_LOCAL, PXE_LIVE, PXE_INSTALL };

/* One machine's unattended install. */
struct pxe_host {
	char	name[PXE_NAME_MAX + 1];
	char	mac[MAC_STRLEN];		/* aa:bb:cc:dd:ee:ff */
	char	answerfile[PXE_URL_MAX + 1];	/* http:// or https:// */
	char	report[PXE_URL_MAX + 1];	/* "" for none */
	char	source[PXE_URL_MAX + 1];	/* the tree's atoll/ over HTTP, or "" */
	char	atexit[16];			/* reboot, poweroff or shell */
};

/*
 * Returns 0 when s is a host name (1 to PXE_NAME_MAX letters, digits, '.', '_' or '-'),
 * else -1 with err saying why.
 */
int	pxecfg_check_name(const char *s, char *err, size_t errlen);

/*
 * Returns 0 when s is a URL the configs can carry: http:// or https://, a host, at most
 * PXE_URL_MAX bytes of printable ASCII without a space or any of ' " \ $ ; ` { } (they go
 * into GRUB scripts and kernel command lines). Else -1 with err naming the character.
 */
int	pxecfg_check_url(const char *s, char *err, size_t errlen);

/*
 * Returns 0 when every field of h is one the configs can carry (the checks above, mac as
 * mac_format writes it, atexit one of its words) and dom0's command line fits what Xen
 * passes on; else -1 with err naming the field.
 */
int	pxecfg_check_host(const struct pxe_host *h, char *err, size_t errlen);

/* "01-aa-bb-cc-dd-ee-ff", the pxelinux name of the machine m, into out. Returns out. */
char	*pxecfg_file_name(char out[PXE_FILE_LEN], const unsigned char m[MAC_LEN]);

/* Reads local, live or install into *m. Returns 0, or -1 for any other word. */
int	pxecfg_mode(const char *s, enum pxe_mode *m);

/* Returns "local", "live" or "install". */
const char	*pxecfg_mode_name(enum pxe_mode m);

/*
 * Render a config into out[0..len) with its NUL. Each returns 0, or -1 when a field of h
 * fails pxecfg_check_host or the text does not fit.
 *   host_pxelinux   pxelinux.cfg/01-<mac>: BIOS, pxelinux and lpxelinux
 *   host_grub       grub.cfg-01-<mac>: UEFI, GRUB
 *   default_*       pxelinux.cfg/default and grub.cfg, for machines without their own
 */
int	pxecfg_host_pxelinux(char *out, size_t len, const struct pxe_host *h);
int	pxecfg_host_grub(char *out, size_t len, const struct pxe_host *h);
int	pxecfg_default_pxelinux(char *out, size_t len, enum pxe_mode m);
int	pxecfg_default_grub(char *out, size_t len, enum pxe_mode m);

/*
 * Reads back what a host config says of itself (its first line) into h: name, mac and
 * answerfile; report, source and atexit are left empty. Returns 0, or -1 when text[0..len) is not
 * a config these functions wrote.
 */
int	pxecfg_read_host(const char *text, size_t len, struct pxe_host *h);

/* Likewise for a default config's mode. Returns 0 or -1. */
int	pxecfg_read_default(const char *text, size_t len, enum pxe_mode *m);

#endif
