#ifndef XAPI_XVA_OVA_H
#define XAPI_XVA_OVA_H

#include <stddef.h>

#include "arena.h"
#include "value.h"

/*
 * An XVA's ova.xml, as XAPI's export writes it and its import reads it (importexport.ml):
 * one XML-RPC struct of the exporter's version and the objects (class, id "Ref:N",
 * snapshot: the record, its refs rewritten to ids). Read by the import's worker
 * (xva_import.c), which streams the disks, and again by xva_commit.c, which makes the
 * records; both find the same disks here.
 */

#define XVA_OVA_XML		"ova.xml"
#define XVA_OVA_XML_MAX		(16 * 1024 * 1024)	/* bytes of ova.xml read */
#define XVA_OVA_ARENA_MAX	(8 * XVA_OVA_XML_MAX)	/* ...and of its parsed tree */
/* The XAPI xapi-lite answers for: an XVA from a newer one is refused, as XAPI does. */
#define XVA_XAPI_MAJOR		26
#define XVA_XAPI_MINOR		17
#define XVA_EXPORT_VSN		2	/* inline checksums, no checksum table at the end */

struct xva_obj {
	const char	*cls;		/* "VM", "VDI"... */
	const char	*id;		/* "Ref:12" */
	struct val	*snap;		/* the record */
};

/* A disk whose data the archive carries (Import.non_cdrom_vdis), in XAPI's order. */
struct xva_disk {
	const char	*id;
	long long	 size;		/* virtual_size */
	size_t		 obj;		/* index in objs */
};

struct xva_ova {
	int		 export_vsn;	/* 0: no inline checksums; < 2: a checksum table at the end */
	struct xva_obj	*objs;
	size_t		 nobjs;
	struct xva_disk	*disks;		/* sorted by id, as XAPI's export streams them */
	size_t		 ndisks;
};

/* Why an ova.xml was refused: XAPI's error code and its one parameter (may be empty). */
struct xva_err {
	const char	*code;
	char		 param[256];
};

/* Parses ova.xml text into o (everything in a): the version checked as XAPI's
   assert_compatible, each VDI's SR found, the streamed disks listed. Returns 0, or -1
   with e filled. */
int	xva_ova_parse(struct arena *a, const char *text, size_t len, struct xva_ova *o,
	    struct xva_err *e);

/* The object of the archive with this id, or NULL. */
const struct xva_obj *xva_find(const struct xva_ova *o, const char *id);
/* Field name of a record: the value, or NULL when absent (or the record not a struct). */
struct val	*xva_field(const struct val *snap, const char *name);
/* ...as a string: "" when absent or not a string. */
const char	*xva_str(const struct val *snap, const char *name);
/* ...as an int64 (an int or a string of digits): 0, or -1 when absent or not one. */
int	xva_int(const struct val *snap, const char *name, long long *out);
/* ...as a bool: 1 or 0 (absent: dflt). */
int	xva_bool(const struct val *snap, const char *name, int dflt);

/* The name of disk i's file in the import's work directory. */
void	xva_disk_file(size_t i, char *out, size_t len);

#endif
