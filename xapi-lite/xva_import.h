#ifndef XAPI_XVA_IMPORT_H
#define XAPI_XVA_IMPORT_H

#include <stddef.h>

#include "xapi.h"

/*
 * PUT /import: xva_import.c's begin (handoff.h) checks the request and gives the worker a
 * work directory in the SR's directory; once the worker has exited, xva_import_done
 * (xva_commit.c) makes the records from what it left there.
 */

/* The name of an import's work directory in the SR's directory: a dot, so it is never
   a VDI's location (vdi_path refuses those). */
#define XVA_WORKDIR_TEMPLATE	".xva-import.XXXXXX"

/* The parts of the context begin gives done, one a line. */
enum { XVA_CTX_DIR, XVA_CTX_SR, XVA_CTX_RESTORE, XVA_CTX_FORCE, XVA_CTX_TASK, XVA_CTX__COUNT };

/* The handoff's done: on the worker's success the records of the XVA (VMs, VDIs on the
   disks it wrote, VBDs, VIFs, networks, metrics) as XAPI's import makes them, r the
   task's result (the new VMs' refs); on any failure nothing is left and r carries the
   error. The work directory is always removed. */
void	xva_import_done(struct xapi *x, const char *ctx, int status, const char *const *err,
	    size_t nerr, struct rpc_reply *r);

#endif
