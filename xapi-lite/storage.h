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
/* Removes the VDI's file. */
void	storage_vdi_remove(struct xapi *x, struct obj *vdi);

#endif
