/*
 * The image slots' records in an installed host's state (bootslots.h), read and written as
 * lib/kvline.h records, whole or not at all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvline.h"
#include "bootslots.h"

int
slot_index(const char *slot)
{
	if (strcmp(slot, "a") == 0)
		return 0;
	return strcmp(slot, "b") == 0 ? 1 : -1;
}

const char *
slot_other(const char *slot)
{
	return strcmp(slot, "a") == 0 ? "b" : "a";
}

int
version_ok(const char *v)
{
	size_t	n = strspn(v, "0123456789.");

	return v[0] >= '0' && v[0] <= '9' && strlen(v) < SLOT_VERSION_MAX &&
	    strspn(v + n, "0123456789.abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-~+") == strlen(v + n);
}

int
version_cmp(const char *a, const char *b)
{
	unsigned long	x, y;
	char		*ea, *eb;

	while (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
		x = strtoul(a, &ea, 10);
		y = strtoul(b, &eb, 10);
		if (x != y)
			return x < y ? -1 : 1;
		a = ea;
		b = eb;
		if (*a != '.' || *b != '.')
			break;
		a++;
		b++;
	}
	/* 1.0 is older than 1.0.1; then what is left, as text ("" first). */
	if (*a == '.' && *b != '.')
		return 1;
	if (*b == '.' && *a != '.')
		return -1;
	return strcmp(a, b) < 0 ? -1 : strcmp(a, b) > 0;
}

/* dir/name's record into line; its length, 0 when there is none, -1 with err. */
static long
read_record(const char *dir, const char *name, char *line, char *err, size_t errlen)
{
	char	path[300];
	long	n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((n = kvline_read(path, line)) == -1)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return n;
}

static int
write_record(const char *dir, const char *name, const struct buf *b)
{
	char	path[300];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return kvline_write(path, b);
}

/* key's value of line into out; "" when missing. Returns 0, or -1 with err naming file. */
static int
field(const char *line, long len, const char *key, char *out, size_t outlen,
    const char *file, char *err, size_t errlen)
{
	if (kvline_get(line, (size_t)len, key, out, outlen) != -1)
		return 0;
	snprintf(err, errlen, "%s: its %s= is damaged or too long", file, key);
	return -1;
}

static int
slot_field(const char *line, long len, const char *key, char *out, const char *file,
    char *err, size_t errlen)
{
	if (field(line, len, key, out, 2, file, err, errlen) == -1)
		return -1;
	if (out[0] != '\0' && slot_index(out) == -1) {
		snprintf(err, errlen, "%s: %s=%s is not slot a or b", file, key, out);
		return -1;
	}
	return 0;
}

static int
version_field(const char *line, long len, const char *key, char *out, const char *file,
    char *err, size_t errlen)
{
	if (field(line, len, key, out, SLOT_VERSION_MAX, file, err, errlen) == -1)
		return -1;
	if (out[0] != '\0' && !version_ok(out)) {
		snprintf(err, errlen, "%s: %s=%s is not a version", file, key, out);
		return -1;
	}
	return 0;
}

int
slots_read(const char *dir, struct slots *s, char *err, size_t errlen)
{
	char	line[KVLINE_MAX];
	long	n;

	memset(s, 0, sizeof(*s));
	if ((n = read_record(dir, "slots", line, err, errlen)) <= 0)
		return (int)n;
	if (slot_field(line, n, "boot", s->boot, "slots", err, errlen) == -1 ||
	    version_field(line, n, "a", s->version[0], "slots", err, errlen) == -1 ||
	    version_field(line, n, "b", s->version[1], "slots", err, errlen) == -1)
		return -1;
	return 0;
}

int
slots_write(const char *dir, const struct slots *s)
{
	struct buf	b;
	int		rc;

	buf_init(&b, KVLINE_MAX);
	rc = kvline_put(&b, "boot", s->boot) | kvline_put(&b, "a", s->version[0]) |
	    kvline_put(&b, "b", s->version[1]);
	rc = rc != 0 ? -1 : write_record(dir, "slots", &b);
	buf_free(&b);
	return rc;
}

int
trial_read(const char *dir, struct trial *t, char *err, size_t errlen)
{
	char	line[KVLINE_MAX], booted[4];
	long	n;

	memset(t, 0, sizeof(*t));
	if ((n = read_record(dir, "trial", line, err, errlen)) <= 0)
		return (int)n;
	if (slot_field(line, n, "slot", t->slot, "trial", err, errlen) == -1 ||
	    version_field(line, n, "version", t->version, "trial", err, errlen) == -1 ||
	    version_field(line, n, "from", t->from, "trial", err, errlen) == -1 ||
	    field(line, n, "booted", booted, sizeof(booted), "trial", err, errlen) == -1 ||
	    field(line, n, "reason", t->reason, sizeof(t->reason), "trial", err, errlen) == -1)
		return -1;
	if (t->slot[0] == '\0') {
		snprintf(err, errlen, "trial: names no slot");
		return -1;
	}
	t->booted = strcmp(booted, "1") == 0;
	return 1;
}

int
trial_write(const char *dir, const struct trial *t)
{
	struct buf	b;
	int		rc;

	buf_init(&b, KVLINE_MAX);
	rc = kvline_put(&b, "slot", t->slot) | kvline_put(&b, "version", t->version) |
	    kvline_put(&b, "from", t->from);
	if (t->booted)
		rc |= kvline_put(&b, "booted", "1");
	if (t->reason[0] != '\0')
		rc |= kvline_put(&b, "reason", t->reason);
	rc = rc != 0 ? -1 : write_record(dir, "trial", &b);
	buf_free(&b);
	return rc;
}

int
trial_remove(const char *dir)
{
	char	path[300];

	snprintf(path, sizeof(path), "%s/trial", dir);
	return unlink(path) == -1 && errno != ENOENT ? -1 : 0;
}

int
slots_last(const char *dir, const char *result, const struct trial *t, long long now)
{
	struct buf	b;
	char		when[24];
	int		rc;

	snprintf(when, sizeof(when), "%lld", now);
	buf_init(&b, KVLINE_MAX);
	rc = kvline_put(&b, "result", result) | kvline_put(&b, "version", t->version) |
	    kvline_put(&b, "slot", t->slot) | kvline_put(&b, "from", t->from) |
	    kvline_put(&b, "reason", t->reason) | kvline_put(&b, "time", when);
	rc = rc != 0 ? -1 : write_record(dir, "last", &b);
	buf_free(&b);
	return rc;
}
