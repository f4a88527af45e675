/*
 * GET /export: a VM as an XVA stream, as XAPI's export.ml and stream_vdi.ml write it.
 * xva_export_begin (in xapi-lite) checks the request as XAPI's handler does, locks the VM
 * for the export, writes its ova.xml (ova_write.c) to a temporary file and names the
 * disks; the worker (a child process owning the client's socket) sends the reply's head
 * and the tar: ova.xml, then each disk in 1 MiB chunks Ref:N/%08d, each followed by its
 * checksum member, all-zero chunks left out but the first and the last, through gzip or
 * zstd when asked. Parameters as XAPI takes them: session_id (query or cookie), ref or
 * uuid (the VM), use_compression (true or gzip, zstd, false), preserve_power_state, and
 * task_id; and checksum=sha1 (xapi-lite's: SHA-1 .checksum members, for hosts before 8.1,
 * which refuse xxhash).
 */
#define _GNU_SOURCE		/* SEEK_DATA, SEEK_HOLE, pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chunksum.h"
#include "exec.h"
#include "fdio.h"
#include "handoff.h"
#include "ova.h"
#include "rpc_impl.h"
#include "storage.h"
#include "tar.h"
#include "worker.h"

#define XVA_CHUNK		(1024 * 1024)	/* stream_vdi.ml's chunk_size */
#define XVA_KEEPALIVE_MS	5000	/* an empty chunk after this long without sending,
					   for firewalls that close idle connections */
#define XVA_WORKER_ARGS		3	/* the worker's OVA COMPRESSION CHECKSUM */
#define XVA_FIXED_ARGS		(1 + XVA_WORKER_ARGS)	/* and the kind, export-xva */
#define XVA_DISK_ARGS		3	/* ID PATH SIZE per disk */
#define XVA_MAX_DISKS		((HANDOFF_MAX_ARGS - XVA_FIXED_ARGS) / XVA_DISK_ARGS)
#define XVA_OVA_NAME		"ova.xml"	/* Xapi_globs.ova_xml_filename */
#define XVA_CONTENT_TYPE	"application/octet-stream"

/* What done needs, in the spec's ctx. */
struct export_ctx {
	char	file[512];		/* the ova.xml to remove */
	char	vm[REF_LEN + 1];
	char	opref[REF_LEN + 1];	/* the VM's current_operations key */
};

/* A disk to stream: its id in the export, its file, its size. */
struct disk {
	const char	*id;
	char		 path[512];
	long long	 size;
};

/* ---- begin and done, in xapi-lite ---- */

/* A query (or cookie) parameter that takes one of values[] (NULL-terminated): its index
   into *choice, or dflt when absent. 0, or -1 when it is something else. */
static int
choose(const struct http_request *req, const char *name, const char *const values[],
    int dflt, int *choice)
{
	char	v[32];
	int	i, got = http_request_param(req, name, v, sizeof(v));

	*choice = dflt;
	if (got == 0)
		return 0;
	for (i = 0; got == 1 && values[i] != NULL; i++)
		if (strcmp(v, values[i]) == 0) {
			*choice = i;
			return 0;
		}
	return -1;
}

/* XAPI's with_vm_locked refused the export: the task fails with its error (the
   client gets 500), as XAPI's with_context fails it. */
static int
locked_out(struct xapi *x, const struct http_request *req, struct rpc_reply *r, char *msg,
    size_t msglen)
{
	char		 task[80];
	struct obj	*t;
	size_t		 i, len = 0;

	if (http_request_param(req, "task_id", task, sizeof(task)) == 1 &&
	    (t = db_find(&x->db, task, strlen(task))) != NULL && t->cls == C_task)
		task_complete(x, t->ref, r);
	msg[0] = '\0';
	for (i = 0; i < r->nerr && len < msglen; i++)
		len += (size_t)snprintf(msg + len, msglen - len, "%s%s", i ? " " : "", r->err[i]);
	if (len < msglen - 1)
		snprintf(msg + len, msglen - len, "\n");
	return 500;
}

/* The disks whose data follows ova.xml (export.ml's export): the VM's VBDs but CDs, the
   suspend image first when the power state is kept, none on an ISO SR, each once, in
   order of id as for_each_vdi sorts them. Returns the count, or -1 with msg filled. */
static int
pick_disks(struct xapi *x, struct obj *vm, const struct ova_table *t, int preserve,
    struct disk disks[XVA_MAX_DISKS], char *msg, size_t msglen)
{
	struct val	*vbds = db_field(&x->db, vm, F_VM_VBDs, &x->arena);
	const char	**refs;
	size_t		  nrefs = 0, i, k;
	int		  n = 0;

	if (vbds == NULL ||
	    (refs = arena_alloc(&x->arena, (vbds->u.a.n + 1) * sizeof(*refs))) == NULL)
		return handoff_refuse(msg, msglen, -1, "%s\n", "out of memory");
	if (preserve && strcmp(db_str(&x->db, vm, F_VM_power_state), "Suspended") == 0)
		refs[nrefs++] = db_str(&x->db, vm, F_VM_suspend_VDI);
	for (i = 0; i < vbds->u.a.n; i++) {
		const char	*r = vbds->u.a.items[i]->u.s.p;
		struct obj	*vbd = db_find(&x->db, r, strlen(r));

		if (vbd != NULL && vbd->cls == C_VBD &&
		    strcmp(db_str(&x->db, vbd, F_VBD_type), "CD") != 0)
			refs[nrefs++] = db_str(&x->db, vbd, F_VBD_VDI);
	}
	for (i = 0; i < nrefs; i++) {
		struct obj	*vdi = db_find(&x->db, refs[i], strlen(refs[i])), *sr;
		const char	*id = ova_id(t, refs[i]);
		int		 dup = 0;

		/* An empty disk slot streams nothing. */
		if (vdi == NULL || vdi->cls != C_VDI || id == NULL)
			continue;
		sr = db_find(&x->db, db_str(&x->db, vdi, F_VDI_SR), REF_LEN);
		if (sr != NULL && strcmp(db_str(&x->db, sr, F_SR_content_type), "iso") == 0)
			continue;
		for (k = 0; k < (size_t)n; k++)
			dup |= strcmp(disks[k].id, id) == 0;
		if (dup)
			continue;
		if (n == XVA_MAX_DISKS)
			return handoff_refuse(msg, msglen, -1,
			    "the VM has more than %s disks to export\n",
			    rpc_printf(x, "%d", XVA_MAX_DISKS));
		if (vdi_path(x, vdi, disks[n].path, sizeof(disks[n].path)) == -1)
			return handoff_refuse(msg, msglen, -1,
			    "the VDI has no file: %s\n", vdi->ref);
		disks[n].id = id;
		disks[n].size = db_get(&x->db, vdi, F_VDI_virtual_size)->u.i;
		/* Insertion by id, compared as strings (Ref:10 before Ref:2), as XAPI. */
		for (k = (size_t)n; k > 0 && strcmp(disks[k - 1].id, id) > 0; k--) {
			struct disk	tmp = disks[k - 1];

			disks[k - 1] = disks[k];
			disks[k] = tmp;
		}
		n++;
	}
	return n;
}

/* Writes b to a new temporary file under the state directory, named into path. */
static int
ova_file(struct xapi *x, const struct buf *b, char *path, size_t len)
{
	int	fd, e;

	if ((size_t)snprintf(path, len, "%s/xva-export-XXXXXX", x->statedir) >= len ||
	    (fd = mkstemp(path)) == -1)
		return -1;
	if (write_all(fd, b->p, b->len) == -1 || close(fd) == -1) {
		e = errno;
		unlink(path);
		errno = e;
		return -1;
	}
	return 0;
}

static void
export_done(struct xapi *x, const char *ctx, int status, const char *const *err,
    size_t nerr, struct rpc_reply *r)
{
	struct export_ctx	 c;
	struct obj		*vm;

	(void)status;
	(void)err;
	(void)nerr;
	(void)r;	/* the outcome is the worker's: "" or its error */
	memcpy(&c, ctx, sizeof(c));
	(void)unlink(c.file);
	if ((vm = db_find(&x->db, c.vm, strlen(c.vm))) != NULL && vm->cls == C_VM)
		(void)vm_operation(x, vm, NULL, c.opref);
}

int
xva_export_begin(struct xapi *x, const struct http_request *req, struct handoff_spec *h,
    char *msg, size_t msglen)
{
	static const char *const vm_names[] = { "ref", "uuid", NULL };
	/* Handler's mapping: true and gzip compress with gzip, zstd with zstd. */
	static const char *const compressions[] = { "false", "true", "gzip", "zstd", NULL };
	static const char *const kinds[] = { "none", "gzip", "gzip", "zstd" };
	static const char *const sums[] = { "xxhash", "sha1", NULL };
	static const char *const bools[] = { "false", "true", NULL };
	struct disk		 disks[XVA_MAX_DISKS];
	struct export_ctx	 c;
	struct ova_table	 t = { NULL, 0 };
	struct rpc_reply	 r;
	struct buf		 b;
	struct obj		*vm, *tk;
	char			 task[80], uuid[37], why[256];
	int			 status, comp, sum, preserve, n, i, fails;

	memset(&c, 0, sizeof(c));
	if (handoff_session(x, req) == NULL)
		return handoff_refuse(msg, msglen, 401, "%s\n", "no valid session_id");
	if ((vm = handoff_object(x, req, vm_names, C_VM, &status, msg, msglen)) == NULL)
		return status;
	if (choose(req, "use_compression", compressions, 0, &comp) == -1)
		return handoff_refuse(msg, msglen, 400, "%s\n",
		    "use_compression must be true, gzip, zstd or false");
	if (choose(req, "checksum", sums, 0, &sum) == -1)
		return handoff_refuse(msg, msglen, 400,
		    "%s\n", "checksum must be xxhash or sha1");
	if (choose(req, "preserve_power_state", bools, 0, &preserve) == -1)
		return handoff_refuse(msg, msglen, 400,
		    "%s\n", "preserve_power_state must be true or false");
	memset(&r, 0, sizeof(r));
	if (vm_check(x, vm, "export", &r) == -1)
		return locked_out(x, req, &r, msg, msglen);

	buf_init(&b, OVA_MAX_BYTES);
	if (ova_table_vm(x, &t, vm, preserve, why, sizeof(why)) == -1) {
		ova_table_free(&t);
		return handoff_refuse(msg, msglen, 500, "%s\n", why);
	}
	status = 0;
	if ((n = pick_disks(x, vm, &t, preserve, disks, msg, msglen)) == -1)
		status = 500;
	else if (ova_write(x, &t, preserve, sum ? OVA_XAPI_MINOR_SHA1 : OVA_XAPI_MINOR_XXHASH,
	    &b) == -1)
		status = handoff_refuse(msg, msglen, 500, "%s\n",
		    "the export's ova.xml is too large (or out of memory)");
	else if (ova_file(x, &b, c.file, sizeof(c.file)) == -1)
		status = handoff_refuse(msg, msglen, 500,
		    "cannot write the export's ova.xml: %s\n",
		    strerror(errno));
	buf_free(&b);
	if (status != 0) {
		ova_table_free(&t);
		return status;
	}
	fails = handoff_arg(h, "export-xva") == -1 || handoff_arg(h, "%s", c.file) == -1 ||
	    handoff_arg(h, "%s", kinds[comp]) == -1 || handoff_arg(h, "%s", sums[sum]) == -1;
	for (i = 0; !fails && i < n; i++)
		fails = handoff_arg(h, "%s", disks[i].id) == -1 ||
		    handoff_arg(h, "%s", disks[i].path) == -1 ||
		    handoff_arg(h, "%lld", disks[i].size) == -1;
	ova_table_free(&t);
	/* The lock, keyed by the task as XAPI's with_vm_locked; an export without a
	   task_id gets a key of its own (handoff makes its task later). */
	if (http_request_param(req, "task_id", task, sizeof(task)) == 1 &&
	    (tk = db_find(&x->db, task, strlen(task))) != NULL)
		memcpy(c.opref, tk->ref, sizeof(c.opref));
	else {
		db_uuid(&x->db, uuid);
		snprintf(c.opref, sizeof(c.opref), "OpaqueRef:%s", uuid);
	}
	memcpy(c.vm, vm->ref, sizeof(c.vm));
	if (fails || vm_operation(x, vm, "export", c.opref) == -1) {
		(void)unlink(c.file);
		return handoff_refuse(msg, msglen, 500, "%s\n", "out of memory");
	}
	memcpy(h->ctx, &c, sizeof(c));
	h->done = export_done;
	h->worker_answers = 1;
	snprintf(h->label, sizeof(h->label), "VM.export");
	return 0;
}

_Static_assert(sizeof(struct export_ctx) <= HANDOFF_CTX_LEN, "export_ctx fits ctx");

/* ---- the worker ---- */

/* Where the tar goes: the socket, or a compressor's stdin. */
struct out {
	int		 fd;
	pid_t		 helper;	/* the compressor, or -1 */
	const char	*program;
	unsigned char	*buf;		/* a chunk with its members' headers and padding */
	int		 sha1;
	long long	 last_sent_ms;	/* for the keep-alive */
	long long	 covered, total;	/* bytes of the disks gone by, of all */
};

/* A write to the client that failed: XAPI's CLIENT_ERROR; or, through a compressor
   that could not run, that. */
static int
put(struct out *o, const void *p, size_t n)
{
	int	e, st;

	if (write_all(o->fd, p, n) == 0)
		return 0;
	e = errno;
	if (o->helper != -1) {
		close(o->fd);
		o->fd = -1;
		st = exec_wait(o->helper);
		o->helper = -1;
		if (st == 127) {
			worker_errorf("INTERNAL_ERROR", "cannot run %s", o->program);
			return -1;
		}
	}
	worker_errorf("CLIENT_ERROR", "writing the export: %s", strerror(e));
	return -1;
}

/* One chunk member and its checksum member (stream_vdi.ml's write_block), the chunk's
   len bytes already at o->buf + TAR_BLOCK. */
static int
put_chunk(struct out *o, const char *id, int number, size_t len)
{
	unsigned char	*p = o->buf;
	char		 name[TAR_NAME_MAX + 1], sumname[TAR_NAME_MAX + 16];
	char		 sum[CHUNK_SHA1_LEN + 1];
	size_t		 at = TAR_BLOCK + len, slen;

	snprintf(name, sizeof(name), "%s/%08d", id, number);
	snprintf(sumname, sizeof(sumname), "%s%s", name, o->sha1 ? ".checksum" : ".xxhash");
	if (o->sha1) {
		if (chunk_sha1(p + TAR_BLOCK, len, sum) == -1) {
			worker_errorf("INTERNAL_ERROR", "cannot run openssl for a SHA-1: %s",
			    strerror(errno));
			return -1;
		}
	} else
		chunk_xxhash(p + TAR_BLOCK, len, sum);
	slen = strlen(sum);
	if (tar_header(p, name, len, 0) == -1 ||
	    tar_header(p + at + tar_padding(len), sumname, slen, 0) == -1) {
		worker_errorf("INTERNAL_ERROR", "a member's name does not fit: %s", sumname);
		return -1;
	}
	memset(p + at, 0, tar_padding(len));
	at += tar_padding(len) + TAR_BLOCK;
	memcpy(p + at, sum, slen);
	memset(p + at + slen, 0, tar_padding(slen));
	at += slen + tar_padding(slen);
	/* The clock restarts as the chunk goes, however long the client takes it. */
	o->last_sent_ms = clock_ms();
	return put(o, p, at);
}

static int
all_zero(const unsigned char *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/* Where the file's data is, for skipping its holes without reading them. */
struct extent {
	off_t	data, hole;	/* the data extent at or after the last offset asked */
	int	known;
	int	flat;		/* no SEEK_DATA here: everything is read */
};

/* Whether [off, off + len) of fd may hold data. */
static int
may_hold_data(int fd, off_t off, off_t len, struct extent *e)
{
	if (e->flat)
		return 1;
	if (!e->known || off >= e->hole) {
		if ((e->data = lseek(fd, off, SEEK_DATA)) == -1) {
			if (errno != ENXIO) {
				e->flat = 1;
				return 1;
			}
			e->data = e->hole = (off_t)LLONG_MAX;	/* no data after off */
		} else if ((e->hole = lseek(fd, e->data, SEEK_HOLE)) == -1) {
			e->flat = 1;
			return 1;
		}
		e->known = 1;
	}
	return e->data < off + len;
}

/* Reads exactly len bytes at off. 0, or -1 after an error line. */
static int
read_at(const struct disk *d, int fd, unsigned char *p, size_t len, long long off)
{
	ssize_t	got;
	size_t	done = 0;

	while (done < len) {
		if ((got = pread(fd, p + done, len - done, off + (long long)done)) == -1) {
			if (errno == EINTR)
				continue;
			worker_errorf("INTERNAL_ERROR", "reading %s at %lld: %s", d->path,
			    off + (long long)done, strerror(errno));
			return -1;
		}
		if (got == 0) {
			worker_errorf("INTERNAL_ERROR", "%s ends at %lld, before the VDI's "
			    "virtual size (%lld)", d->path, off + (long long)done, d->size);
			return -1;
		}
		done += (size_t)got;
	}
	return 0;
}

/* stream_vdi.ml's send_one for a raw file: every chunk in turn, those that are all zeros
   left out but the first and the last, an empty member (the next number, the same
   offset) when nothing went for XVA_KEEPALIVE_MS. Holes are passed over unread. */
static int
put_disk(struct out *o, const struct disk *d)
{
	struct extent	 e = { 0, 0, 0, 0 };
	unsigned char	*data = o->buf + TAR_BLOCK;
	long long	 off = 0;
	int		 number = 0, fd, rc = -1;

	if ((fd = open(d->path, O_RDONLY | O_CLOEXEC)) == -1) {
		worker_errorf("INTERNAL_ERROR", "cannot open %s: %s", d->path, strerror(errno));
		return -1;
	}
	o->last_sent_ms = clock_ms();
	while (off < d->size) {
		size_t	len = d->size - off < XVA_CHUNK ? (size_t)(d->size - off) : XVA_CHUNK;
		int	edge = off == 0 || (long long)len == d->size - off, send;

		if (!edge && clock_ms() - o->last_sent_ms > XVA_KEEPALIVE_MS) {
			if (put_chunk(o, d->id, number++, 0) == -1)
				goto out;
			continue;
		}
		send = edge;
		if (edge || may_hold_data(fd, (off_t)off, (off_t)len, &e)) {
			if (read_at(d, fd, data, len, off) == -1)
				goto out;
			send |= !all_zero(data, len);
		}
		if (send && put_chunk(o, d->id, number, len) == -1)
			goto out;
		number++;
		off += (long long)len;
		o->covered += (long long)len;
		worker_progress((double)o->covered / (double)o->total);
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

/* ova.xml, the first member, dated now as XAPI dates it. */
static int
put_ova(struct out *o, const char *path)
{
	static const unsigned char	zeros[TAR_BLOCK];
	struct stat			st;
	ssize_t				got;
	int				fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &st) == -1) {
		worker_errorf("INTERNAL_ERROR", "cannot read %s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (tar_header(o->buf, XVA_OVA_NAME, (unsigned long long)st.st_size,
	    (long long)time(NULL)) == -1 || put(o, o->buf, TAR_BLOCK) == -1)
		goto out;
	for (;;) {
		if ((got = read(fd, o->buf, XVA_CHUNK)) == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			worker_errorf("INTERNAL_ERROR", "reading %s: %s", path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		if (put(o, o->buf, (size_t)got) == -1)
			goto out;
	}
	rc = put(o, zeros, tar_padding((unsigned long long)st.st_size));
out:
	close(fd);
	return rc;
}

/* The compressor between the worker and the socket, as XAPI's Xapi_compression runs it
   (no options: gzip's level 6, zstd's 3; nice 19, idle I/O). */
static int
start_compressor(struct out *o, const char *kind)
{
	char		 prog[8];
	const char	*argv[2] = { prog, NULL };
	int	 p[2];

	o->program = kind;
	snprintf(prog, sizeof(prog), "%s", kind);
	if (pipe2(p, O_CLOEXEC) == -1 ||
	    (o->helper = exec_spawn(argv, p[0], 0, 1)) == -1) {
		worker_errorf("INTERNAL_ERROR", "cannot start %s: %s", kind, strerror(errno));
		return -1;
	}
	close(p[0]);
	o->fd = p[1];
	return 0;
}

/* The end of the stream: the compressor must have done its part. */
static int
end_compressor(struct out *o)
{
	int	st;

	if (o->helper == -1)
		return 0;
	close(o->fd);
	o->fd = -1;
	if ((st = exec_wait(o->helper)) == 0)
		return 0;
	if (st == 127)
		worker_errorf("INTERNAL_ERROR", "cannot run %s", o->program);
	else if (st > 128)
		worker_errorf("INTERNAL_ERROR", "%s failed to compress: killed by signal %d",
		    o->program, st - 128);
	else
		worker_errorf("INTERNAL_ERROR", "%s failed to compress: exit code %d",
		    o->program, st);
	return -1;
}

/* export-xva OVA COMPRESSION CHECKSUM [ID PATH SIZE]...: COMPRESSION none, gzip or zstd;
   CHECKSUM xxhash or sha1. */
int
xva_export_worker(int argc, char **argv)
{
	static const unsigned char	 end[2 * TAR_BLOCK];
	struct out			 o = { 0, -1, NULL, NULL, 0, 0, 0, 0 };
	struct disk			*disks = NULL;
	int				 n, i, rc = 1;
	char				*endp;

	if (argc < XVA_WORKER_ARGS || (argc - (XVA_WORKER_ARGS)) % XVA_DISK_ARGS != 0 ||
	    (strcmp(argv[1], "none") != 0 && strcmp(argv[1], "gzip") != 0 &&
	    strcmp(argv[1], "zstd") != 0) ||
	    (strcmp(argv[2], "xxhash") != 0 && strcmp(argv[2], "sha1") != 0)) {
		worker_errorf("INTERNAL_ERROR", "export-xva: usage: OVA none|gzip|zstd "
		    "xxhash|sha1 [ID PATH SIZE]...");
		return 1;
	}
	o.sha1 = strcmp(argv[2], "sha1") == 0;
	n = (argc - (XVA_WORKER_ARGS)) / XVA_DISK_ARGS;
	if ((disks = calloc((size_t)n + 1, sizeof(*disks))) == NULL ||
	    (o.buf = malloc(XVA_CHUNK + 4 * TAR_BLOCK)) == NULL) {
		worker_errorf("INTERNAL_ERROR", "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		char	**a = argv + (XVA_WORKER_ARGS) + XVA_DISK_ARGS * i;

		disks[i].id = a[0];
		errno = 0;
		disks[i].size = strtoll(a[2], &endp, 10);
		if (a[2][0] == '\0' || *endp != '\0' || errno != 0 || disks[i].size < 0 ||
		    (size_t)snprintf(disks[i].path, sizeof(disks[i].path), "%s", a[1]) >=
		    sizeof(disks[i].path)) {
			worker_errorf("INTERNAL_ERROR", "export-xva: bad disk %s %s %s", a[0],
			    a[1], a[2]);
			goto out;
		}
		o.total += disks[i].size;
	}
	/* A client that goes away is an error to report, not a signal to die of. */
	signal(SIGPIPE, SIG_IGN);
	if (worker_reply_head(XVA_CONTENT_TYPE) == -1) {
		worker_errorf("CLIENT_ERROR", "writing the reply's head: %s", strerror(errno));
		goto out;
	}
	if (strcmp(argv[1], "none") != 0 && start_compressor(&o, argv[1]) == -1)
		goto out;
	worker_progress(0);
	if (put_ova(&o, argv[0]) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (put_disk(&o, &disks[i]) == -1)
			goto out;
	/* We no longer write the end-of-tar checksum table: two zero blocks end it. */
	if (put(&o, end, sizeof(end)) == -1 || end_compressor(&o) == -1)
		goto out;
	rc = 0;
out:
	if (rc != 0 && o.helper != -1 && o.fd != -1) {
		close(o.fd);
		(void)exec_wait(o.helper);
	}
	free(o.buf);
	free(disks);
	return rc;
}
