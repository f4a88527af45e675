#ifndef XAPI_STORAGE_H
#define XAPI_STORAGE_H

#include <stddef.h>

#include "xapi.h"

/* The directory of SR sr (its PBD's device_config:location), or NULL. */
const char *sr_dir(struct xapi *x, struct obj *sr);
/* The file of VDI vdi into out. Returns 0, or -1 when it has none. */
int	vdi_path(struct xapi *x, struct obj *vdi, char *out, size_t len);
/* Brings physical_utilisation (the SR's and its VDIs'), virtual_allocation and
   physical_size of sr up to date with its files. */
void	storage_account(struct xapi *x, struct obj *sr);
/* Makes a new VDI's sparse file of virtual_size bytes and names it in location. Returns 0,
   or -1 with r filled (SR_BACKEND_FAILURE) and nothing made. */
int	storage_vdi_create(struct xapi *x, struct obj *vdi, struct rpc_reply *r);
/* Sets the file's size. Returns 0, or -1 with r filled. */
int	storage_vdi_resize(struct xapi *x, struct obj *vdi, long long size, struct rpc_reply *r);
/* Copies file from into file to (which exists, at least as large), data extents only so
   a sparse disk stays sparse. Returns 0 or -1 (errno). Run in a child: it takes time. */
int	storage_copy_file(const char *from, const char *to);
/* clone.c. Clones file from into file to (which exists): a reflink (FICLONE) when the file
   system can share the blocks, else the sparse copy above; from is flushed first. Returns 0
   (reflinked), 1 (copied) or -1 (errno). Run in a child. */
int	storage_clone_file(const char *from, const char *to);
/* main's --clone-files FROM TO [FROM TO ...]: clones each pair, printing "reflink" or
   "copy" for each, or "failed ERRNO PATH: why" and stopping. The child's exit status. */
int	storage_clone_files(int n, char *const files[]);
/* Whether files in directory dir can be reflinked (a small probe file is cloned). */
int	storage_can_reflink(const char *dir);
/* Records in every SR's sm_config whether its directory can reflink ("reflink"). */
void	storage_probe_reflink(struct xapi *x);
/* Removes the VDI's file. */
void	storage_vdi_remove(struct xapi *x, struct obj *vdi);

#endif
