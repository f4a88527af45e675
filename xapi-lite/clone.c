/*
 * Copy-on-write disk copies: a VDI's file cloned with FICLONE (a reflink: instant, the blocks
 * shared until either side writes) where the SR's file system can (XFS with reflink), else
 * the sparse extent copy VDI.copy uses. The cloning runs in a child process (main's
 * --clone-files), so the event loop keeps serving; the SR's sm_config says which way its
 * clones go.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fdio.h"
#include "hval.h"
#include "storage.h"

/* linux/fs.h's value; the static (musl) build has no kernel headers. */
#ifndef FICLONE
#define FICLONE	_IOW(0x94, 9, int)
#endif

/* Errors saying the file system cannot share these blocks, not that the clone failed. */
static int
cannot_reflink(int e)
{
	return e == EOPNOTSUPP || e == EXDEV || e == EINVAL || e == ENOTTY || e == ENOSYS;
}

int
storage_clone_file(const char *from, const char *to)
{
	int	in, out, e;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	/* What a paused guest wrote must be on the file before it is shared or read. */
	if (fsync(in) == -1 || (out = open(to, O_WRONLY | O_CLOEXEC)) == -1) {
		e = errno;
		close(in);
		errno = e;
		return -1;
	}
	if (ioctl(out, FICLONE, in) == 0) {
		close(in);
		return close(out) == -1 ? -1 : 0;
	}
	e = errno;
	close(in);
	close(out);
	if (!cannot_reflink(e)) {
		errno = e;
		return -1;
	}
	return storage_copy_file(from, to) == 0 ? 1 : -1;
}

int
storage_clone_files(int n, char *const files[])
{
	int	i, how;

	for (i = 0; i + 1 < n; i += 2) {
		if ((how = storage_clone_file(files[i], files[i + 1])) == -1) {
			/* The parent reads this line into SR_BACKEND_FAILURE's parameters. */
			printf("failed %d %s: %s\n", errno, files[i + 1], strerror(errno));
			return 1;
		}
		printf("%s\n", how == 0 ? "reflink" : "copy");
	}
	return i == n ? 0 : 2;
}

int
storage_can_reflink(const char *dir)
{
	char	a[512], b[512], block[4096];
	int	fa, fb, ok;

	snprintf(a, sizeof(a), "%s/.reflink-probe-XXXXXX", dir);
	snprintf(b, sizeof(b), "%s/.reflink-probe-XXXXXX", dir);
	if ((fa = mkstemp(a)) == -1)
		return 0;
	if ((fb = mkstemp(b)) == -1) {
		close(fa);
		unlink(a);
		return 0;
	}
	memset(block, 0x5a, sizeof(block));
	ok = write_all(fa, block, sizeof(block)) == 0 &&
	    ioctl(fb, FICLONE, fa) == 0;
	close(fa);
	close(fb);
	unlink(a);
	unlink(b);
	return ok;
}

void
storage_probe_reflink(struct xapi *x)
{
	size_t	i;

	for (i = 0; i < x->db.n[C_SR]; i++) {
		struct obj	*sr = x->db.objs[C_SR][i];
		const char	*dir = sr_dir(x, sr);
		struct val	*sm = db_get(&x->db, sr, F_SR_sm_config), *old;
		const char	*can;

		if (dir == NULL)
			continue;
		/* Atoll's own key (XAPI's file SRs have none for it): "reflink" is "true" when
		   snapshots and clones in this SR share blocks, "false" when they are sparse
		   copies. Probed at every start: the file system under the directory may have
		   changed since. */
		can = storage_can_reflink(dir) ? "true" : "false";
		old = hval_get(sm, "reflink", 7);
		if (old != NULL && old->type == VAL_STRING && strcmp(old->u.s.p, can) == 0)
			continue;
		if (hval_put(sm, "reflink", hval_string(can)) == 0)
			db_touch(&x->db, sr);
	}
}
