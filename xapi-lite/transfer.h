#ifndef XAPI_TRANSFER_H
#define XAPI_TRANSFER_H

#include <stddef.h>

#include "http.h"
#include "xapi.h"

/* One disk transfer on a connection. */
struct transfer {
	int		 fd;		/* the VDI's file; -1 when none runs */
	int		 upload;	/* the body goes into the file (else the file goes out) */
	long long	 off, end;	/* bytes done, and where it stops */
	char		 vdi[REF_LEN + 1];
	char		 task[REF_LEN + 1];	/* the task_id to finish, or "" */
};

/* Checks a PUT /import_raw_vdi (upload) or GET /export_raw_vdi and opens the VDI's file.
   Returns 0 with t running, or an HTTP status with msg saying why (nothing opened). */
int	transfer_begin(struct xapi *x, const struct http_request *req, int upload,
	    struct transfer *t, char *msg, size_t msglen);
/* Upload: writes n bytes of the body at t->off. Returns 0, or -1 (errno). */
int	transfer_put(struct transfer *t, const char *p, size_t n);
/* Download: sends what socket sock takes now. Returns 0, or -1 (errno) when it fails. */
int	transfer_send(struct transfer *t, int sock);
/* Closes the file, updates the SR's space figures, and finishes the task: with the VDI as
   result, or failed with error. */
void	transfer_end(struct xapi *x, struct transfer *t, const char *error);

#endif
