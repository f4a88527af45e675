#ifndef XAPI_SNAPSHOT_IMPL_H
#define XAPI_SNAPSHOT_IMPL_H

/* What the disk jobs share: the job and its context (snapshot_job.c), the records of a
   new VM (snapshot_copy.c), and the calls that start them (snapshot.c, snapshot_revert.c,
   snapshot_vdi.c). */
#include "rpc_impl.h"

/* What a disk job makes. */
enum disk_op { OP_SNAPSHOT, OP_CLONE, OP_COPY, OP_REVERT, OP_VDI_SNAPSHOT, OP_VDI_CLONE,
	OP_CHECKPOINT };

/* The operations' names, by enum disk_op: a VM's current_operations and the job's CTX_OP. */
extern const char *const snap_op_names[];

#define IS_SNAPSHOT(op)	((op) == OP_SNAPSHOT || (op) == OP_CHECKPOINT)

/* A disk job's context (park_ctx_part): */
enum {
	CTX_OP,		/* snap_op_names[] */
	CTX_SUBJECT,	/* the VM (or VDI) operated on */
	CTX_NAME,	/* the new VM's name */
	CTX_OPREF,	/* the operation's key in the VM's current_operations */
	CTX_PAUSED,	/* "1" when this call paused the domain */
	CTX_PAUSED_MS,	/* when the pause was done */
	CTX_ERROR,	/* why the clone failed ("" while it has not) */
	CTX_SUSPEND,	/* "1" when the last pair is the VM's suspend image */
	CTX_IMAGE,	/* a checkpoint's memory image, saved for it ("" for the others) */
	CTX_PAIRS	/* then pairs: a source VDI's ref, its new VDI's ref */
};

/* ---- snapshot_job.c: the job ---- */

/* The object a ref field of o points at, or NULL. */
struct obj	*snap_target(struct xapi *x, const struct obj *o, enum fld f);
/* How many parts pk's context has. */
int	 snap_ctx_count(const struct park *pk);
/* Replaces part i of pk's context. 0 or -1. */
int	 snap_ctx_set(struct xapi *x, struct park *pk, int i, const char *value);
/* The VM (or VDI) a job is about, or NULL. */
struct obj	*snap_subject(struct xapi *x, struct park *pk);
/* Removes a VDI made for the job, with its file (its drives go too). */
void	 snap_remove_vdi(struct xapi *x, const char *ref);
/* A new VDI like src (in sr; NULL: src's), with its file; NULL with r filled. */
struct obj	*snap_new_vdi(struct xapi *x, struct obj *src, struct obj *sr, int snapshot,
	    struct rpc_reply *r);
/* A disk VBD's VDI when it has a real one to clone, or NULL (a CD keeps its own). */
struct obj	*snap_disk_of(struct xapi *x, struct obj *vbd);
/* The pairs (source, new VDI) of vm's disks but those in ignore (NULL: none) into parts
   from *nparts, which grows. 0, or -1 with r filled and nothing left. */
int	 snap_make_disks(struct xapi *x, struct obj *vm, enum disk_op op, struct obj *sr,
	    const struct val *ignore, const char **parts, int *nparts, struct rpc_reply *r);
/* The context's fixed parts, with room for every pair; NULL with r filled. */
const char	**snap_new_parts(struct xapi *x, enum disk_op op, const char *subject_ref,
	    const char *name, struct park *park, struct rpc_reply *r);
/* Removes the new VDIs of parts (nparts of them, the pairs from CTX_PAIRS). */
void	 snap_remove_new_vdis(struct xapi *x, const char **parts, int nparts);
/* Sets the context (nparts parts) and starts the job on vm (NULL: a VDI's). r is parked
   or filled; on a failure before the start, the new disks are removed. */
void	 snap_start(struct xapi *x, struct park *park, struct rpc_reply *r, struct obj *vm,
	    const char **parts, int nparts);
/* Starts the child that clones every pair's file. 0 or -1. */
int	 snap_start_clone(struct xapi *x, struct park *pk);
/* Starts the clone child, the call parked; when it cannot start, the job ends with r
   filled. */
void	 snap_clone_files(struct xapi *x, struct park *pk, struct rpc_reply *r);
/* Parks xl unpause of vm's domain, after which the job ends. 0 or -1. */
int	 snap_unpause(struct xapi *x, struct park *pk, struct obj *vm);
/* The job's error: xl's command what failed, with its status and output. */
void	 snap_xl_failed(struct xapi *x, struct park *pk, const char *what);
/* Logs the length of the pause that began at CTX_PAUSED_MS. */
void	 snap_log_pause(struct xapi *x, struct park *pk);
/* Ends the job (ok: every file cloned): its records made and r answered, or everything
   made for it removed and the failure in r. */
void	 snap_finish(struct xapi *x, struct park *pk, struct rpc_reply *r, int ok);

/* ---- snapshot_copy.c: the new VM's records ---- */

/* The new VM of a snapshot, clone or copy of vm, on the job's new disks. NULL with r
   filled (and nothing left). */
struct obj	*snap_make_vm(struct xapi *x, struct park *pk, struct obj *vm, enum disk_op op,
	    struct rpc_reply *r);
/* Gives to from's VBDs (on the job's new disks) and VIFs. 0, or -1 with r filled. */
int	 snap_copy_devices(struct xapi *x, struct park *pk, struct obj *from, struct obj *to,
	    int keep_mac, struct rpc_reply *r);
/* Destroys the objects of class c whose field vmf is vm. */
void	 snap_drop_devices(struct xapi *x, struct obj *vm, enum cls c, enum fld vmf);
/* Puts a VM without a domain in power state ps (Halted or Suspended). 0, or -1 with r
   filled. */
int	 snap_set_state(struct xapi *x, struct obj *vm, const char *ps, struct rpc_reply *r);

/* ---- snapshot_revert.c ---- */

/* The disks are cloned: vm becomes what snapshot snap was. 0, or -1 with r filled. */
int	 snap_revert_records(struct xapi *x, struct park *pk, struct obj *snap, struct obj *vm,
	    struct rpc_reply *r);

#endif
