#ifndef ATOLL_SUMS_H
#define ATOLL_SUMS_H

#include <stddef.h>

/*
 * SHA256SUMS beside the boot files (the ISO's boot/, a PXE tree's atoll/), as sha256sum
 * writes it: one "HEX  NAME" line a file, the digest 64 lowercase or uppercase hex digits,
 * the name a plain file name ("*NAME", sha256sum's binary mark, too). The digests
 * themselves come from the sha256sum program (sums_file), never from our code.
 */
#define SUMS_MAX	8	/* lines a SHA256SUMS may hold */
#define SUMS_NAME_MAX	64	/* a file name's bytes */

struct sums {
	size_t	n;
	struct {
		char	name[SUMS_NAME_MAX + 1];
		char	hex[65];	/* lowercase */
	} e[SUMS_MAX];
};

/* Parses len bytes of text (no NUL needed). Returns 0, or -1 with err naming the line. */
int	sums_parse(const char *text, size_t len, struct sums *s, char *err, size_t errlen);

/* The digest listed for name, or NULL. */
const char *sums_lookup(const struct sums *s, const char *name);

/* path's SHA-256 as 64 lowercase hex digits, by sha256sum. Returns 0, or -1 with err. */
int	sums_file(const char *path, char hex[65], char *err, size_t errlen);

/* Whether path's digest is the one s lists for name; err says why not. 0 or -1. */
int	sums_check(const struct sums *s, const char *name, const char *path, char *err,
	    size_t errlen);

#endif
