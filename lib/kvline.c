/*
 * KEY=VALUE records on one line (lib/kvline.h), read with lib/cmdline.c's splitter so that
 * a record reads the way a kernel command line does. Nothing is allocated by the readers.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "fdio.h"
#include "kvline.h"

/* Printable ASCII and blanks only, every quote closed. */
static int
record_ok(const char *line, size_t len)
{
	size_t	i, quotes = 0;

	if (len > KVLINE_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char	c = line[i];

		if ((c < ' ' || c >= 0x7f) && c != '\t' && c != '\n' && c != '\r')
			return 0;
		quotes += c == '"';
	}
	return quotes % 2 == 0;
}

static int
clean(const char *s, const char *forbid)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < ' ' || (unsigned char)*s >= 0x7f ||
		    strchr(forbid, *s) != NULL)
			return 0;
	return 1;
}

int
kvline_get(const char *line, size_t len, const char *key, char *out, size_t outlen)
{
	const char		*pos = line;
	size_t			 left = len;
	struct cmdline_arg	 a;
	int			 r;

	if (outlen > 0)
		out[0] = '\0';
	if (!record_ok(line, len))
		return -1;
	while ((r = cmdline_next(&pos, &left, &a)) == 1) {
		if (!cmdline_is(&a, key))
			continue;
		if (a.vallen >= outlen)
			return -1;
		memcpy(out, a.val ? a.val : "", a.vallen);
		out[a.vallen] = '\0';
		/* A quoted value holds blanks, never a line break or a quote of its own. */
		if (!clean(out, "\"")) {
			out[0] = '\0';
			return -1;
		}
		return 1;
	}
	return r == -1 ? -1 : 0;
}

int
kvline_put(struct buf *b, const char *key, const char *value)
{
	const char	*q = strchr(value, ' ') != NULL || value[0] == '\0' ? "\"" : "";

	if (key[0] == '\0' || !clean(key, "\"= ") || !clean(value, "\""))
		return -1;
	return buf_printf(b, "%s%s=%s%s%s", b->len > 0 ? " " : "", key, q, value, q);
}

long
kvline_read(const char *path, char *line)
{
	ssize_t	n;
	size_t	len = 0;
	char	more;
	int	fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	/* Up to a record's bytes, then one more read: anything left makes it too long. */
	for (;;) {
		n = len < KVLINE_MAX ? read(fd, line + len, KVLINE_MAX - len) : read(fd, &more, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		if (len == KVLINE_MAX) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
		len += n;
	}
	close(fd);
	return (long)len;
}

int
kvline_write(const char *path, const struct buf *b)
{
	struct buf	line;
	int		rc, e;

	buf_init(&line, 0);
	if (buf_append(&line, b->p != NULL ? b->p : "", b->len) == -1 ||
	    buf_lit(&line, "\n") == -1) {
		buf_free(&line);
		errno = ENOMEM;
		return -1;
	}
	rc = write_file_whole(path, line.p, line.len, 0600);
	e = errno;
	buf_free(&line);
	errno = e;
	return rc;
}
