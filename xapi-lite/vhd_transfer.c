/*
 * The VHD forms of XAPI's raw disk transfers, GET /export_raw_vdi?format=vhd[&base=VDI]
 * and PUT /import_raw_vdi?format=vhd, handed to the export-vhd and import-vhd workers
 * (vhd_export.c, vhd_import.c). The checks are XAPI's handlers' and those of the dom0
 * VBD it plugs for the copy (server.c has checked the method, the task_id and that the
 * body is not chunked): a valid session, a VDI by ref or uuid; for an upload a length, a
 * VDI that may be written and that no running VM has attached. A base must be a VDI of
 * the same size.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "handoff.h"
#include "rpc_impl.h"
#include "storage.h"
#include "vhd.h"

/* The largest length taken: XO's "length unknown" (1 PiB), an upper bound only. */
#define MAX_UPLOAD	(1LL << 50)
#define TEMP_PREFIX	"/.import-"	/* a dot: never a VDI's location */

/* The running (or paused) VM with vdi attached, or NULL. A suspended VM's disks are
   offline (XAPI's sharing check skips them too). */
static struct obj *
attached_to(struct xapi *x, struct obj *vdi)
{
	struct obj	*vbd, *vm;
	size_t		 i;

	for (i = 0; i < x->db.n[C_VBD]; i++) {
		vbd = x->db.objs[C_VBD][i];
		if (strcmp(db_str(&x->db, vbd, F_VBD_VDI), vdi->ref) != 0 ||
		    !db_get(&x->db, vbd, F_VBD_currently_attached)->u.b)
			continue;
		vm = db_find(&x->db, db_str(&x->db, vbd, F_VBD_VM), REF_LEN);
		if (vm != NULL && strcmp(db_str(&x->db, vm, F_VM_power_state), "Suspended") != 0)
			return vm;
	}
	return NULL;
}

/* ctx: the VDI's ref, its file, and the import's new file ("" for an export). */
static void
vhd_done(struct xapi *x, const char *ctx, int status, const char *const *err, size_t nerr,
    struct rpc_reply *r)
{
	char		 buf[HANDOFF_CTX_LEN], *path, *temp;
	struct obj	*vdi, *sr;

	(void)err;
	(void)nerr;
	snprintf(buf, sizeof(buf), "%s", ctx);
	if ((path = strchr(buf, '\t')) == NULL)
		return;
	*path++ = '\0';
	if ((temp = strchr(path, '\t')) != NULL) {
		*temp++ = '\0';
		(void)unlink(temp);	/* left by a worker that died */
	}
	vdi = db_find(&x->db, buf, strlen(buf));
	/* A VDI destroyed meanwhile: the import's rename brought its file back. */
	if (vdi == NULL && temp != NULL && status == 0)
		(void)unlink(path);
	if (vdi != NULL &&
	    (sr = db_find(&x->db, db_str(&x->db, vdi, F_VDI_SR), REF_LEN)) != NULL)
		storage_account(x, sr);
	/* XAPI's result: the VDI. A failure is the worker's error (handoff's default). */
	if (status == 0)
		rpc_ok(r, rpc_str(x, vdi != NULL ? vdi->ref : ""));
}

static int
begin_export(struct xapi *x, const struct http_request *req, struct obj *vdi,
    const char *path, struct handoff_spec *h, char *msg, size_t msglen)
{
	static const char *const base_names[] = { "base", NULL };
	struct obj	*base = NULL;
	char		 bpath[512], b[80];
	long long	 size = (long long)db_get(&x->db, vdi, F_VDI_virtual_size)->u.i;
	int		 status;

	if (http_request_param(req, "base", b, sizeof(b)) != 0 &&	/* present */
	    (base = handoff_object(x, req, base_names, C_VDI, &status, msg, msglen)) == NULL)
		return status;
	if (base != NULL && db_get(&x->db, base, F_VDI_virtual_size)->u.i != size)
		return handoff_refuse(msg, msglen, 400,
		    "the base VDI's size differs from the VDI's: %s\n",
		    base->ref);
	if (base != NULL && vdi_path(x, base, bpath, sizeof(bpath)) == -1)
		return handoff_refuse(msg, msglen, 500,
		    "the base VDI has no file: %s\n", base->ref);
	if (handoff_arg(h, "export-vhd") == -1 || handoff_arg(h, "%s", path) == -1 ||
	    handoff_arg(h, "%lld", size) == -1 || handoff_arg(h, "%s", vdi->ref) == -1 ||
	    handoff_arg(h, "%s", db_str(&x->db, vdi, F_VDI_uuid)) == -1 ||
	    (base != NULL && (handoff_arg(h, "%s", bpath) == -1 ||
	    handoff_arg(h, "%s", db_str(&x->db, base, F_VDI_uuid)) == -1)))
		return handoff_refuse(msg, msglen, 500, "out of memory\n");
	h->worker_answers = 1;
	snprintf(h->ctx, sizeof(h->ctx), "%s\t%s", vdi->ref, path);
	snprintf(h->label, sizeof(h->label), "VDI.export_raw_vdi");
	return 0;
}

static int
begin_import(struct xapi *x, const struct http_request *req, struct obj *vdi,
    const char *path, struct handoff_spec *h, char *msg, size_t msglen)
{
	struct obj	*vm;
	char		 temp[512], token[37], task[80];
	const char	*slash = strrchr(path, '/');
	int		 n;

	if (req->content_length < 0)
		return handoff_refuse(msg, msglen, 411,
		    "the upload needs a Content-Length\n");
	/* XO first sends an empty body and no task to look for a redirect, and takes only a
	   success: XAPI answers 200 before it reads anything. Nothing is written. With a
	   task, the worker fails it as vhd-tool would. */
	if (req->content_length == 0 && http_request_param(req, "task_id", task,
	    sizeof(task)) == 0) {
		msg[0] = '\0';
		return 200;
	}
	if (req->content_length > 0 && req->content_length < VHD_FOOTER_SIZE)
		return handoff_refuse(msg, msglen, 400,
		    "the upload is too short to be a VHD\n");
	if (req->content_length > MAX_UPLOAD)
		return handoff_refuse(msg, msglen, 413,
		    "the upload is longer than any VHD\n");
	if (db_get(&x->db, vdi, F_VDI_read_only)->u.b)
		return handoff_refuse(msg, msglen, 403,
		    "VDI_READONLY: the VDI is read-only: %s\n", vdi->ref);
	if ((vm = attached_to(x, vdi)) != NULL)
		return handoff_refuse(msg, msglen, 409,
		    "VDI_IN_USE: the VDI is attached to a running VM: %s\n",
		    vm->ref);
	db_uuid(&x->db, token);
	n = snprintf(temp, sizeof(temp), "%.*s%s%s", (int)(slash - path), path, TEMP_PREFIX,
	    token);
	if (n < 0 || (size_t)n >= sizeof(temp))
		return handoff_refuse(msg, msglen, 500,
		    "the VDI's file has too long a path\n");
	if (handoff_arg(h, "import-vhd") == -1 || handoff_arg(h, "%s", path) == -1 ||
	    handoff_arg(h, "%lld", (long long)db_get(&x->db, vdi, F_VDI_virtual_size)->u.i) == -1 ||
	    handoff_arg(h, "%lld", req->content_length) == -1 ||
	    handoff_arg(h, "%s", temp) == -1)
		return handoff_refuse(msg, msglen, 500, "out of memory\n");
	h->worker_answers = 0;
	snprintf(h->ctx, sizeof(h->ctx), "%s\t%s\t%s", vdi->ref, path, temp);
	snprintf(h->label, sizeof(h->label), "VDI.import");
	return 0;
}

int
vhd_transfer_begin(struct xapi *x, const struct http_request *req, int upload,
    struct handoff_spec *h, char *msg, size_t msglen)
{
	static const char *const vdi_names[] = { "vdi", NULL };
	/* Room for the ref, the file and the new file in ctx. */
	char		 format[16] = "", path[448];
	struct obj	*vdi;
	int		 status;

	if (handoff_session(x, req) == NULL)
		return handoff_refuse(msg, msglen, 401, "no valid session_id\n");
	if (http_request_param(req, "format", format, sizeof(format)) != 1 ||
	    strcmp(format, "vhd") != 0)
		return handoff_refuse(msg, msglen, 400,
		    "not the vhd format: %s\n", format);
	if ((vdi = handoff_object(x, req, vdi_names, C_VDI, &status, msg, msglen)) == NULL)
		return status;
	if (vdi_path(x, vdi, path, sizeof(path)) == -1 || strchr(path, '/') == NULL)
		return handoff_refuse(msg, msglen, 500,
		    "the VDI has no file: %s\n", vdi->ref);
	h->done = vhd_done;
	return upload ? begin_import(x, req, vdi, path, h, msg, msglen) :
	    begin_export(x, req, vdi, path, h, msg, msglen);
}
