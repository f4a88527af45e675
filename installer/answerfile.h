#ifndef ATOLL_ANSWERFILE_H
#define ATOLL_ANSWERFILE_H

#include <stddef.h>

#include "inet.h"
#include "zonename.h"

/*
 * An unattended install's answers, read from XenServer's XML answerfile (host-installer
 * doc/answerfile.txt): a fresh install, or an upgrade of the Atoll on a disk
 * (<installation mode="upgrade"><existing-installation>). Every string is NUL-terminated
 * and checked.
 */
#define AF_MAX_GUEST_DISKS	8
#define AF_MAX_DNS		3
#define AF_MAX_NTP		4
#define AF_MAX_SCRIPTS		8

struct af_script {
	char	stage[32];	/* installation-start, filesystem-populated, installation-complete */
	char	url[512];	/* http://, https:// or file:/// */
};

struct answers {
	char	mode[16];		/* "fresh" or "upgrade" */
	/* The disk to install to, or the installed one in an upgrade: "sda", "nvme0n1"
	   ("/dev/" removed) or "/dev/disk/by-..." */
	char	primary_disk[256];
	char	guest_disks[AF_MAX_GUEST_DISKS][256];	/* the same forms, none the primary */
	int	nguest_disks;
	char	password[256];		/* the root password, or its crypt hash */
	int	password_is_hash;	/* type="hash" (the default) or "plaintext" */
	char	hostname[INET_HOSTNAME_MAX + 1];	/* default "atoll" */
	/* The management interface, by name or by MAC: one of these, or neither when there
	   is no <admin-interface>. */
	char	iface_name[32];		/* name="eth0" */
	char	iface_hwaddr[18];	/* hwaddr="52:54:00:12:34:56", lower-cased */
	char	proto[8];		/* "dhcp" (the default) or "static" */
	char	ipaddr[16], subnet[16], gateway[16];	/* dotted IPv4, static only */
	char	dns[AF_MAX_DNS][16];
	int	ndns;
	char	timezone[ZONE_NAME_MAX + 1];	/* default "UTC" */
	char	ntp[AF_MAX_NTP][256];	/* host names or IPv4 addresses */
	int	nntp;
	char	keymap[32];		/* default "us" */
	struct af_script scripts[AF_MAX_SCRIPTS];
	int	nscripts;
	char	source_type[8];		/* "local" (the default) or "url" */
	char	source_url[512];	/* http:// or https://, with type "url" */
};

/*
 * Parses the answerfile text[0..len) into a. Returns 0, or -1 with *a zeroed and err naming
 * the line, the element and what is expected (line 4: <hostname>: "bad name!" is not a host
 * name ...); err never quotes a password. Elements and attributes Atoll does not use are
 * not errors: warn(ctx, msg) is called for each, msg naming it and its line ("line 9:
 * <foo> is not understood and is ignored"); warn may be NULL. Nothing is allocated.
 */
int	answerfile_parse(const char *text, size_t len, struct answers *a, char *err,
	    size_t errlen, void (*warn)(void *ctx, const char *msg), void *ctx);

#endif
