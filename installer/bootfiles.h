#ifndef ATOLL_BOOTFILES_H
#define ATOLL_BOOTFILES_H

#include <stddef.h>

#include "report.h"
#include "sums.h"

/*
 * The three boot files an Atoll slot holds (xen.gz, vmlinuz, dom0.img) and their
 * SHA256SUMS, in a directory: a medium's boot/, a download, a slot of ATOLL-BOOT.
 */
#define BOOTFILES_N	3

/* The f-th file's name. */
const char *bootfiles_name(size_t f);

/* URL/<each file> and URL/SHA256SUMS into dir, each checked for what it starts with, in
   RAM before it is written; an HTTPS server's certificate is checked against fingerprint
   (fetch_url's: "" for the CA bundle). Returns 0, or -1 with err. */
int	bootfiles_download(struct report *r, const char *url, const char *fingerprint,
	    const char *dir, char *err, size_t errlen);

/* dir/SHA256SUMS into sums. Returns 0, or -1 with err. */
int	bootfiles_read_sums(const char *dir, struct sums *sums, char *err, size_t errlen);

/* Whether dir's files are the ones sums lists. Returns 0, or -1 with err. */
int	bootfiles_check(struct report *r, const char *dir, const struct sums *sums, char *err,
	    size_t errlen);

/* Both: dir/SHA256SUMS into sums, and dir's files checked against it. Returns 0, or -1
   with err. */
int	bootfiles_verify(struct report *r, const char *dir, struct sums *sums, char *err,
	    size_t errlen);

/* Removes what bootfiles_download wrote into dir. */
void	bootfiles_remove(const char *dir);

#endif
