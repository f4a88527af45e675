/*
 * SHA256SUMS: the boot files' digests, checked before the installer writes a slot and
 * again on the copies it wrote (see sums.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "exec.h"
#include "hex.h"
#include "sums.h"

#define HEX_LEN		64

static int
hex_digits(const char *p)
{
	size_t	i;

	for (i = 0; i < HEX_LEN; i++)
		if (hexval((unsigned char)p[i]) == -1)
			return 0;
	return 1;
}

/* One line (without its newline) into s. Returns 0, or -1 with err. */
static int
parse_line(const char *p, size_t len, struct sums *s, char *err, size_t errlen)
{
	const char	*name;
	size_t		 nlen, i;

	if (len < HEX_LEN + 3 || !hex_digits(p) || p[HEX_LEN] != ' ' ||
	    (p[HEX_LEN + 1] != ' ' && p[HEX_LEN + 1] != '*')) {
		snprintf(err, errlen, "not a digest of 64 hex digits, two spaces and a file name");
		return -1;
	}
	name = p + HEX_LEN + 2;
	nlen = len - HEX_LEN - 2;
	if (nlen > SUMS_NAME_MAX) {
		snprintf(err, errlen, "a file name longer than %d bytes", SUMS_NAME_MAX);
		return -1;
	}
	for (i = 0; i < nlen; i++)
		if (!isgraph((unsigned char)name[i]) || name[i] == '/') {
			snprintf(err, errlen, "the file name is not a plain file name");
			return -1;
		}
	if (s->n == SUMS_MAX) {
		snprintf(err, errlen, "more than %d files", SUMS_MAX);
		return -1;
	}
	memcpy(s->e[s->n].name, name, nlen);
	s->e[s->n].name[nlen] = '\0';
	if (sums_lookup(s, s->e[s->n].name) != NULL) {
		snprintf(err, errlen, "%s is listed twice", s->e[s->n].name);
		return -1;
	}
	for (i = 0; i < HEX_LEN; i++)
		s->e[s->n].hex[i] = "0123456789abcdef"[hexval((unsigned char)p[i])];
	s->e[s->n].hex[HEX_LEN] = '\0';
	s->n++;
	return 0;
}

int
sums_parse(const char *text, size_t len, struct sums *s, char *err, size_t errlen)
{
	const char	*p = text, *end = text + len, *nl;
	char		 why[128];
	int		 line = 0;

	s->n = 0;
	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (parse_line(p, (size_t)((nl != NULL ? nl : end) - p), s, why,
		    sizeof(why)) == -1) {
			snprintf(err, errlen, "SHA256SUMS line %d: %s", line, why);
			return -1;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (s->n == 0) {
		snprintf(err, errlen, "SHA256SUMS lists no file");
		return -1;
	}
	return 0;
}

const char *
sums_lookup(const struct sums *s, const char *name)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->e[i].name, name) == 0)
			return s->e[i].hex;
	return NULL;
}

int
sums_file(const char *path, char hex[65], char *err, size_t errlen)
{
	struct buf	out;
	int		rc = -1;

	buf_init(&out, 4096);
	if (exec_run((const char *const[]){ "sha256sum", path, NULL }, &out, NULL) != 0 ||
	    out.len < HEX_LEN + 1 || !hex_digits(out.p) || out.p[HEX_LEN] != ' ')
		snprintf(err, errlen, "sha256sum %s failed: %.*s", path,
		    out.p != NULL ? (int)strcspn(out.p, "\n") : 0, out.p != NULL ? out.p : "");
	else {
		memcpy(hex, out.p, HEX_LEN);
		hex[HEX_LEN] = '\0';
		rc = 0;
	}
	buf_free(&out);
	return rc;
}

int
sums_check(const struct sums *s, const char *name, const char *path, char *err,
    size_t errlen)
{
	const char	*want = sums_lookup(s, name);
	char		 got[HEX_LEN + 1];

	if (want == NULL) {
		snprintf(err, errlen, "SHA256SUMS does not list %s", name);
		return -1;
	}
	if (sums_file(path, got, err, errlen) == -1)
		return -1;
	if (strcmp(got, want) != 0) {
		snprintf(err, errlen, "%s's SHA-256 is %s, not %s as SHA256SUMS says", path, got,
		    want);
		return -1;
	}
	return 0;
}
