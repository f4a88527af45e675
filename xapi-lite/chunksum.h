#ifndef XAPI_CHUNKSUM_H
#define XAPI_CHUNKSUM_H

#include <stddef.h>

/*
 * The checksums that follow each 1 MiB chunk of an XVA's disk data, as XAPI writes them:
 * Ref:N/%08d.xxhash (XXH64, from the xxhash library's header) or, for hosts older than
 * 8.1, Ref:N/%08d.checksum (SHA-1, by the openssl program: no hash is written here).
 */

#define CHUNK_XXHASH_LEN	16	/* hex digits */
#define CHUNK_SHA1_LEN		40

/* The XXH64 of p[0..n) as XAPI's .xxhash member holds it ("%016LX": upper case),
   NUL-terminated. */
void	chunk_xxhash(const void *p, size_t n, char out[CHUNK_XXHASH_LEN + 1]);
/* The SHA-1 of p[0..n) as a .checksum member holds it, NUL-terminated, by an openssl
   helper process. Returns 0, or -1 (errno) when openssl could not run or failed. */
int	chunk_sha1(const void *p, size_t n, char out[CHUNK_SHA1_LEN + 1]);

#endif
