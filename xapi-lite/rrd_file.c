/*
 * The file of one owner's archives, little-endian throughout:
 *   "ATOLLRRD", u32 version (1), u8 owner (0 host, 1 vm), u8 MIN/MAX kept, u16 data sources,
 *   the uuid (36 bytes, NUL-padded), i64 last update (unix s),
 *   for each archive u32 PDPs per row, u32 rows, u32 newest row;
 *   for each data source u8 name length, the name, f64 last value, for each archive
 *   f64 sum, min, max and u32 known, unknown PDPs of the row being consolidated, then its
 *   rows as f32 (every ring, archive by archive);
 *   u32 CRC-32 of all that.
 * Every size is checked against what the rest implies, so a truncated, padded or damaged
 * file is refused with the reason, never half read.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32.h"
#include "fdio.h"
#include "rrd_impl.h"

#define MAGIC		"ATOLLRRD"
#define VERSION		1
#define HEAD_BYTES	(8 + 4 + 4 + RRD_UUID_LEN + 8 + RRD_NARCHIVES * 12)
#define CDP_BYTES	(3 * 8 + 2 * 4)
#define FILE_MAX	(16 * 1024 * 1024)	/* far past the largest RRD_MAX_DS makes */

static int
put(struct buf *b, uint64_t v, int n)
{
	unsigned char	c[8];
	int		i;

	for (i = 0; i < n; i++)
		c[i] = (unsigned char)(v >> (8 * i));
	return buf_append(b, c, (size_t)n);
}

static int
put_f64(struct buf *b, double d)
{
	uint64_t	v;

	memcpy(&v, &d, sizeof(v));
	return put(b, v, 8);
}

static int
serialise(const struct rrd *r, struct buf *b)
{
	char		uuid[RRD_UUID_LEN] = { 0 };
	size_t		i, k, nf = rrd_floats_per_ds(r);
	unsigned	a;
	int		e = 0;

	memcpy(uuid, r->uuid, strlen(r->uuid));
	e |= buf_lit(b, MAGIC);
	e |= put(b, VERSION, 4);
	e |= put(b, strcmp(r->owner, "host") == 0 ? 0 : 1, 1);
	e |= put(b, (uint64_t)r->minmax, 1);
	e |= put(b, r->nds, 2);
	e |= buf_append(b, uuid, RRD_UUID_LEN);
	e |= put(b, (uint64_t)r->last_updated, 8);
	for (a = 0; a < RRD_NARCHIVES; a++) {
		e |= put(b, rrd_archives[a].pdp_per_row, 4);
		e |= put(b, rrd_archives[a].rows, 4);
		e |= put(b, r->head[a], 4);
	}
	for (i = 0; i < r->nds && e == 0; i++) {
		const struct rrd_ds	*d = r->ds[i];

		e |= put(b, strlen(d->name), 1);
		e |= buf_puts(b, d->name);
		e |= put_f64(b, d->last);
		for (a = 0; a < RRD_NARCHIVES; a++) {
			e |= put_f64(b, d->cdp[a].sum);
			e |= put_f64(b, d->cdp[a].min);
			e |= put_f64(b, d->cdp[a].max);
			e |= put(b, d->cdp[a].known, 4);
			e |= put(b, d->cdp[a].unknown, 4);
		}
		for (k = 0; k < nf; k++) {
			uint32_t	v;

			memcpy(&v, &d->rows[k], sizeof(v));
			e |= put(b, v, 4);
		}
	}
	if (e == 0)
		e |= put(b, crc32_update(0, b->p, b->len), 4);
	return e ? -1 : 0;
}

int
rrd_save(const struct rrd *r, const char *path)
{
	struct buf	 b;
	char		 tmp[600];
	int		 fd, e = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	buf_init(&b, FILE_MAX);
	if (serialise(r, &b) == -1) {
		buf_free(&b);
		errno = ENOMEM;
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1) {
		buf_free(&b);
		return -1;
	}
	if (write_all(fd, b.p, b.len) == -1)
		e = errno;
	if (e == 0 && fsync(fd) == -1)
		e = errno;
	if (close(fd) == -1 && e == 0)
		e = errno;
	if (e == 0 && rename(tmp, path) == -1)
		e = errno;
	buf_free(&b);
	if (e != 0) {
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

/* A reader over the file's bytes that refuses to go past their end. */
struct rd {
	const unsigned char	*p;
	size_t			 len, off;
};

static int
get(struct rd *d, int n, uint64_t *v)
{
	int	i;

	*v = 0;
	if (d->len - d->off < (size_t)n)
		return -1;
	for (i = 0; i < n; i++)
		*v |= (uint64_t)d->p[d->off + (size_t)i] << (8 * i);
	d->off += (size_t)n;
	return 0;
}

static int
get_f64(struct rd *d, double *out)
{
	uint64_t	v;

	if (get(d, 8, &v) == -1)
		return -1;
	memcpy(out, &v, sizeof(*out));
	return 0;
}

/* One data source's record; why says what is wrong with it. */
static struct rrd_ds *
parse_ds(struct rrd *r, struct rd *d, const char **why)
{
	char		 name[RRD_NAME_MAX];
	uint64_t	 len, v;
	size_t		 i, nf = rrd_floats_per_ds(r);
	unsigned	 a;
	struct rrd_ds	*ds;

	*why = "a data source is cut short";
	if (get(d, 1, &len) == -1 || d->len - d->off < len)
		return NULL;
	if (len == 0 || len >= RRD_NAME_MAX) {
		*why = "a data source's name has a bad length";
		return NULL;
	}
	memcpy(name, d->p + d->off, len);
	name[len] = '\0';
	d->off += len;
	if (!rrd_name_ok(name, len)) {
		*why = "a data source's name has a character that no name has";
		return NULL;
	}
	if (rrd_ds_find(r, name) >= 0) {
		*why = "a data source appears twice";
		return NULL;
	}
	if ((ds = rrd_ds_alloc(r, name)) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	*why = "a data source is cut short";
	if (get_f64(d, &ds->last) == -1)
		goto fail;
	for (a = 0; a < RRD_NARCHIVES; a++) {
		struct rrd_cdp	*c = &ds->cdp[a];
		uint64_t	 known, unknown;

		if (get_f64(d, &c->sum) == -1 || get_f64(d, &c->min) == -1 ||
		    get_f64(d, &c->max) == -1 || get(d, 4, &known) == -1 ||
		    get(d, 4, &unknown) == -1)
			goto fail;
		if (known + unknown > rrd_archives[a].pdp_per_row) {
			*why = "a row being consolidated counts more points than a row has";
			goto fail;
		}
		c->known = (uint32_t)known;
		c->unknown = (uint32_t)unknown;
	}
	if (d->len - d->off < nf * 4)
		goto fail;
	for (i = 0; i < nf; i++) {
		uint32_t	f;

		get(d, 4, &v);
		f = (uint32_t)v;
		memcpy(&ds->rows[i], &f, sizeof(f));
	}
	return ds;
fail:
	free(ds->rows);
	free(ds);
	return NULL;
}

struct rrd *
rrd_parse(const void *p, size_t len, const char **why)
{
	struct rd	 d = { p, len, 0 };
	char		 uuid[RRD_UUID_LEN + 1];
	uint64_t	 version, owner, minmax, nds, last, v;
	struct rrd	*r;
	size_t		 i;
	unsigned	 a;

	*why = NULL;
	if (len < HEAD_BYTES + 4) {
		*why = "the file is too short to hold archives";
		return NULL;
	}
	if (memcmp(p, MAGIC, 8) != 0) {
		*why = "the file does not hold archives (no ATOLLRRD at its start)";
		return NULL;
	}
	d.off = 8;
	get(&d, 4, &version);
	if (version != VERSION) {
		*why = "the file's version is not one this xapi-lite reads";
		return NULL;
	}
	{
		uint64_t	crc;
		struct rd	t = { p, len, len - 4 };

		get(&t, 4, &crc);
		if (crc32_update(0, p, len - 4) != (uint32_t)crc) {
			*why = "the file's checksum does not match: it is damaged or cut short";
			return NULL;
		}
	}
	d.len = len - 4;
	get(&d, 1, &owner);
	get(&d, 1, &minmax);
	get(&d, 2, &nds);
	memcpy(uuid, d.p + d.off, RRD_UUID_LEN);
	uuid[RRD_UUID_LEN] = '\0';
	d.off += RRD_UUID_LEN;
	get(&d, 8, &last);
	if (owner > 1 || minmax > 1) {
		*why = "the file's owner or archive kinds are not ones there are";
		return NULL;
	}
	if (nds > RRD_MAX_DS) {
		*why = "the file holds more data sources than an owner may have";
		return NULL;
	}
	if ((int64_t)last < 0 || (int64_t)last > RRD_TIME_MAX) {
		*why = "the file's last update is not a time archives have";
		return NULL;
	}
	if (strlen(uuid) == 0 || (r = rrd_new(owner == 0 ? "host" : "vm", uuid)) == NULL) {
		*why = strlen(uuid) == 0 ? "the file names no owner" : "out of memory";
		return NULL;
	}
	r->minmax = (int)minmax;
	r->last_updated = (long long)last;
	for (a = 0; a < RRD_NARCHIVES; a++) {
		uint64_t	ppr, rows;

		get(&d, 4, &ppr);
		get(&d, 4, &rows);
		get(&d, 4, &v);
		if (ppr != rrd_archives[a].pdp_per_row || rows != rrd_archives[a].rows ||
		    v >= rows) {
			*why = "the file's archives are not the shape this xapi-lite keeps";
			rrd_free(r);
			return NULL;
		}
		r->head[a] = (unsigned)v;
	}
	for (i = 0; i < nds; i++) {
		struct rrd_ds	*ds = parse_ds(r, &d, why);

		if (ds == NULL || rrd_ds_append(r, ds) == -1) {
			if (ds != NULL) {
				free(ds->rows);
				free(ds);
				*why = "out of memory";
			}
			rrd_free(r);
			return NULL;
		}
	}
	if (d.off != d.len) {
		*why = "the file has bytes past its last data source";
		rrd_free(r);
		return NULL;
	}
	return r;
}

struct rrd *
rrd_load(const char *path, const char **why)
{
	struct stat	 st;
	unsigned char	*p;
	struct rrd	*r;
	size_t		 off = 0;
	int		 fd;

	*why = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size > FILE_MAX) {
		*why = "not a regular file of a size archives have";
		close(fd);
		return NULL;
	}
	if ((p = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	while (off < (size_t)st.st_size) {
		ssize_t	n = read(fd, p + off, (size_t)st.st_size - off);

		if (n == 0)
			break;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*why = strerror(errno);
			free(p);
			close(fd);
			return NULL;
		}
		off += (size_t)n;
	}
	close(fd);
	r = rrd_parse(p, off, why);
	free(p);
	return r;
}
