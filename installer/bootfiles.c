/*
 * The boot files and their SHA256SUMS (see bootfiles.h): downloaded, checked by
 * sha256sum against the list, removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bootfiles.h"
#include "buf.h"
#include "fdio.h"
#include "fetch.h"

#define FILE_MAX	(512U << 20)	/* a boot file's bytes, held in RAM */
#define SUMS_FILE_MAX	4096		/* SHA256SUMS's bytes: a few lines */

/* Each with what it starts with. */
static const struct {
	const char	*name;
	const char	*magic;		/* its first bytes */
	size_t		 mlen;
} files[BOOTFILES_N] = {
	{ "xen.gz", "\x1f\x8b", 2 },		/* gzip */
	{ "vmlinuz", "\x1f\x8b", 2 },		/* a gzip'd ELF (hypervisor/kernel-gz.sh) */
	{ "dom0.img", "\x02\x21\x4c\x18", 4 },	/* lz4, legacy frame */
};

const char *
bootfiles_name(size_t f)
{
	return files[f].name;
}

/* url/name (url without its trailing slashes, ulen bytes) into dir/name; magic (may be
   NULL) is what it must start with. Returns 0, or -1 with err. */
static int
download_one(struct report *r, const char *url, size_t ulen, const char *fingerprint,
    const char *name, const char *magic, size_t mlen, size_t max, const char *dir, char *err,
    size_t errlen)
{
	struct buf	 b;
	char		 u[1200], path[300];
	int		 fd, rc = -1;

	snprintf(u, sizeof(u), "%.*s/%s", (int)ulen, url, name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf_init(&b, max);
	if (fetch_url(r, u, fingerprint, &b, err, errlen) == -1)
		goto out;
	if (magic != NULL && (b.len < mlen || memcmp(b.p, magic, mlen) != 0)) {
		snprintf(err, errlen, "%s is not Atoll's %s (%zu bytes)", u, name, b.len);
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1 || write_all(fd, b.p != NULL ? b.p : "", b.len) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	close(fd);
	report_say(r, "%s: %s: %zu bytes", r->name, u, b.len);
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

int
bootfiles_download(struct report *r, const char *url, const char *fingerprint,
    const char *dir, char *err, size_t errlen)
{
	size_t	f, ulen = strlen(url);

	while (ulen > 0 && url[ulen - 1] == '/')
		ulen--;
	for (f = 0; f < BOOTFILES_N; f++)
		if (download_one(r, url, ulen, fingerprint, files[f].name, files[f].magic,
		    files[f].mlen, FILE_MAX, dir, err, errlen) == -1)
			return -1;
	return download_one(r, url, ulen, fingerprint, "SHA256SUMS", NULL, 0, SUMS_FILE_MAX,
	    dir, err, errlen);
}

int
bootfiles_read_sums(const char *dir, struct sums *sums, char *err, size_t errlen)
{
	char	path[300], text[SUMS_FILE_MAX + 1];
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof(path), "%s/SHA256SUMS", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n == -1 || n > SUMS_FILE_MAX) {
		snprintf(err, errlen, "%s: %s", path, n == -1 ? strerror(errno) :
		    "longer than a SHA256SUMS of the boot files can be");
		return -1;
	}
	return sums_parse(text, (size_t)n, sums, err, errlen);
}

int
bootfiles_check(struct report *r, const char *dir, const struct sums *sums, char *err,
    size_t errlen)
{
	char	path[300];
	size_t	f;

	for (f = 0; f < BOOTFILES_N; f++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[f].name);
		if (sums_check(sums, files[f].name, path, err, errlen) == -1)
			return -1;
	}
	report_log_line(r, "%s: %s: the boot files match SHA256SUMS", r->name, dir);
	return 0;
}

int
bootfiles_verify(struct report *r, const char *dir, struct sums *sums, char *err,
    size_t errlen)
{
	if (bootfiles_read_sums(dir, sums, err, errlen) == -1)
		return -1;
	return bootfiles_check(r, dir, sums, err, errlen);
}

void
bootfiles_remove(const char *dir)
{
	char	path[300];
	size_t	f;

	for (f = 0; f < BOOTFILES_N; f++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[f].name);
		(void)unlink(path);
	}
	snprintf(path, sizeof(path), "%s/SHA256SUMS", dir);
	(void)unlink(path);
}
