/*
 * XAPI's raw disk transfers: PUT /import_raw_vdi writes the request body into a VDI's file
 * and GET /export_raw_vdi sends the file, both streamed by the server's loop a socket read
 * or write at a time, never held in memory. Parameters as XAPI takes them: session_id (the
 * query or a cookie), vdi (ref or uuid), format (raw; vhd streams go to a worker,
 * vhd_transfer.c), task_id (a task to finish). An upload larger than the VDI is refused
 * before a byte is written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "handoff.h"
#include "http.h"
#include "rpc_impl.h"
#include "storage.h"
#include "transfer.h"

int
transfer_begin(struct xapi *x, const struct http_request *req, int upload,
    struct transfer *t, char *msg, size_t msglen)
{
	char		 vdiname[80], format[16] = "raw", task[80] = "", path[512];
	struct obj	*vdi, *tk = NULL;
	long long	 size;

	t->fd = -1;
	if (handoff_session(x, req) == NULL)
		return handoff_refuse(msg, msglen, 401, "no valid session_id\n");
	if (http_request_param(req, "vdi", vdiname, sizeof(vdiname)) != 1)
		return handoff_refuse(msg, msglen, 400, "the vdi parameter is missing\n");
	if ((vdi = db_find(&x->db, vdiname, strlen(vdiname))) == NULL)
		vdi = db_find_uuid(&x->db, C_VDI, vdiname, strlen(vdiname));
	if (vdi == NULL || vdi->cls != C_VDI)
		return handoff_refuse(msg, msglen, 404, "no such VDI: %s\n", vdiname);
	if (http_request_param(req, "format", format, sizeof(format)) == -1 ||
	    strcmp(format, "raw") != 0)
		return handoff_refuse(msg, msglen, 400,
		    "the format must be raw or vhd, not %s\n", format);
	if (http_request_param(req, "task_id", task, sizeof(task)) == 1 &&
	    ((tk = db_find(&x->db, task, strlen(task))) == NULL || tk->cls != C_task))
		return handoff_refuse(msg, msglen, 404, "no such task: %s\n", task);
	size = db_get(&x->db, vdi, F_VDI_virtual_size)->u.i;
	if (upload && req->content_length < 0)
		return handoff_refuse(msg, msglen, 411,
		    "the upload needs a Content-Length\n");
	if (upload && req->content_length > size) {
		snprintf(msg, msglen, "the upload (%lld bytes) is larger than the VDI (%lld bytes)\n",
		    req->content_length, size);
		return 413;
	}
	if (vdi_path(x, vdi, path, sizeof(path)) == -1)
		return handoff_refuse(msg, msglen, 500,
		    "the VDI has no file: %s\n", vdi->ref);
	if ((t->fd = open(path, (upload ? O_WRONLY : O_RDONLY) | O_CLOEXEC)) == -1)
		return handoff_refuse(msg, msglen, 500,
		    "cannot open the VDI's file: %s\n", strerror(errno));
	t->upload = upload;
	t->off = 0;
	t->end = upload ? req->content_length : size;
	memcpy(t->vdi, vdi->ref, sizeof(t->vdi));
	snprintf(t->task, sizeof(t->task), "%s", tk != NULL ? tk->ref : "");
	return 0;
}

int
transfer_put(struct transfer *t, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = pwrite(t->fd, p, n, t->off)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		t->off += w;
	}
	return 0;
}

int
transfer_send(struct transfer *t, int sock)
{
	ssize_t	n;
	off_t	off = t->off;

	while (t->off < t->end) {
		n = sendfile(sock, t->fd, &off, (size_t)(t->end - t->off > (1 << 20) ?
		    (1 << 20) : t->end - t->off));
		if (n == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (n == 0) {
			errno = EIO;	/* the file is shorter than the VDI says */
			return -1;
		}
		t->off = off;
	}
	return 0;
}

void
transfer_end(struct xapi *x, struct transfer *t, const char *error)
{
	struct obj	*vdi = db_find(&x->db, t->vdi, strlen(t->vdi)), *sr;
	struct rpc_reply r;

	if (t->fd == -1)
		return;
	close(t->fd);
	t->fd = -1;
	if (vdi != NULL && (sr = db_find(&x->db, db_str(&x->db, vdi, F_VDI_SR), REF_LEN)) != NULL)
		storage_account(x, sr);
	if (t->task[0] == '\0')
		return;
	memset(&r, 0, sizeof(r));
	if (error != NULL)
		rpc_fail(x, &r, "INTERNAL_ERROR", 1, error);
	else
		rpc_ok(&r, rpc_str(x, vdi != NULL ? vdi->ref : ""));
	task_complete(x, t->task, &r);
}
