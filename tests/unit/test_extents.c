/* Unit tests of xapi-lite/extents.c on real files: data and holes found by FIEMAP and by
   SEEK_DATA alike, more extents than one batch, and two maps of one file sharing every
   block (the physical addresses agree) while a copy of it shares only its holes. */
#define _GNU_SOURCE	/* fallocate */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extents.h"
#include "tap.h"

#define KIB		1024ull
#define MIB		(1024 * KIB)
#define SIZE		(64 * MIB)
#define PIECES		100	/* more than a batch */
#define PIECE		(4 * KIB)
#define STRIDE		(256 * KIB)

static char	dir[] = "/tmp/test_extents.XXXXXX";

static int
make(const char *name, int pieces)
{
	char	path[256], buf[PIECE];
	int	fd, i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    ftruncate(fd, SIZE) == -1)
		return -1;
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < pieces; i++)
		if (pwrite(fd, buf, sizeof(buf), (off_t)(i * STRIDE)) != (ssize_t)sizeof(buf))
			return -1;
	/* Data at 40 MiB, then a piece allocated but never written (reads as zeros). */
	if (pwrite(fd, buf, sizeof(buf), 40 * MIB) != (ssize_t)sizeof(buf) ||
	    fallocate(fd, 0, 50 * MIB, MIB) == -1 || fsync(fd) == -1)
		return -1;
	return fd;
}

static void
test_map(int fd, int fiemap)
{
	struct extents		e;
	struct extent_piece	p;
	int			i, found = 0;

	i = extents_init(&e, fd, SIZE, fiemap);
	ok(i == 0 && e.fiemap <= fiemap, "mapped (fiemap %d, in use %d)", fiemap, e.fiemap);
	for (i = 0; i < PIECES; i++)
		found += extents_any_data(&e, (uint64_t)i * STRIDE, (uint64_t)i * STRIDE + 1) == 1 &&
		    extents_any_data(&e, (uint64_t)i * STRIDE + 64 * KIB,
		    (uint64_t)(i + 1) * STRIDE) == 0;
	ok(found == PIECES, "%d of %d pieces found, the gaps between them holes", found, PIECES);
	ok(extents_any_data(&e, 30 * MIB, 40 * MIB) == 0 &&
	    extents_any_data(&e, 30 * MIB, 40 * MIB + 1) == 1, "the piece at 40 MiB, after a hole");
	ok(extents_any_data(&e, 60 * MIB, SIZE) == 0, "the end is a hole");
	i = extents_at(&e, 0, &p);
	ok(i == 0 && p.data && p.end >= PIECE && p.end < STRIDE, "at 0: data to %llu",
	    (unsigned long long)p.end);
	/* SEEK_DATA may count the allocated but unwritten piece at 50 MiB as a hole. */
	i = extents_at(&e, 41 * MIB, &p);
	ok(i == 0 && !p.data && p.end > 41 * MIB &&
	    p.end <= (e.fiemap ? 50 * MIB : SIZE), "at 41 MiB: a hole to %llu",
	    (unsigned long long)p.end);
	/* Going back works too (a new batch). */
	ok(extents_any_data(&e, 0, 1) == 1, "back at 0");
	if (e.fiemap)
		ok(extents_at(&e, 50 * MIB, &p) == 0 && p.data && p.unwritten &&
		    p.phys != EXTENTS_NO_PHYS, "allocated, unwritten: data reading as zeros");
}

static void
test_shared(int fd, int copy)
{
	struct extents	x, y, c, s1, s2;

	if (extents_init(&x, fd, SIZE, 1) != 0 || extents_init(&y, fd, SIZE, 1) != 0 ||
	    extents_init(&c, copy, SIZE, 1) != 0 || extents_init(&s1, fd, SIZE, 0) != 0 ||
	    extents_init(&s2, fd, SIZE, 0) != 0) {
		ok(0, "mapped");
		return;
	}
	ok(extents_shared(&s1, &s2, 30 * MIB, 40 * MIB) == 1 &&
	    extents_shared(&s1, &s2, 0, STRIDE) == 0,
	    "without FIEMAP only holes are known shared");
	ok(extents_shared(&x, &c, 30 * MIB, 40 * MIB) == 1 &&
	    extents_shared(&x, &c, 0, STRIDE) == 0 && extents_shared(&x, &c, 40 * MIB,
	    42 * MIB) == 0, "a copy shares its holes, not its data");
	if (!x.fiemap) {
		note("no FIEMAP on this file system: physical comparisons not tested");
		return;
	}
	ok(extents_shared(&x, &y, 0, SIZE) == 1, "a file shares all of itself");
	ok(extents_shared(&x, &y, 40 * MIB + 1, 40 * MIB + 2) == 1 &&
	    extents_shared(&x, &y, 50 * MIB, 51 * MIB) == 1, "mid-extent, and unwritten");
}

int
main(void)
{
	char	path[256];
	int	fd, copy;

	if (mkdtemp(dir) == NULL || (fd = make("a", PIECES)) == -1 ||
	    (copy = make("b", PIECES)) == -1) {
		ok(0, "test files made");
		return done_testing();
	}
	test_map(fd, 1);
	test_map(fd, 0);
	test_shared(fd, copy);
	close(fd);
	close(copy);
	snprintf(path, sizeof(path), "%s/a", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/b", dir);
	unlink(path);
	rmdir(dir);
	return done_testing();
}
