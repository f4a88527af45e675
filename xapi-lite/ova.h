#ifndef XAPI_OVA_H
#define XAPI_OVA_H

#include <stddef.h>

#include "buf.h"
#include "xapi.h"

/*
 * The ova.xml of an XVA export, as XAPI's export.ml writes it: an XML-RPC struct (no XML
 * declaration) of version (hostname, date, product_version, product_brand, build_number,
 * xapi_major, xapi_minor, export_vsn) and objects, a list of {class, id "Ref:N", snapshot:
 * the object's full record} in which references become the exported objects' ids.
 */

#define OVA_MAX_OBJECTS	1024		/* refs an export may name; a VM has far fewer */
#define OVA_ID_LEN	16		/* "Ref:" and a number, NUL-terminated */
#define OVA_MAX_BYTES	(16 * 1024 * 1024)	/* the ova.xml of one VM */
#define OVA_EXPORT_VSN	2		/* Xapi_globs.export_vsn: inline chunk checksums */

/*
 * The xapi version an export claims. XAPI's import refuses an export from a newer xapi
 * than its own, so an export claims the first xapi whose format it is: XXH64 checksums
 * came with xapi 1.170; SHA-1 ones and export_vsn 2 were there by xapi 1.3.
 */
#define OVA_XAPI_MAJOR		1
#define OVA_XAPI_MINOR_XXHASH	170
#define OVA_XAPI_MINOR_SHA1	3

/* The refs an export names, each with its id, in the order XAPI numbers them. A ref that
   names nothing (OpaqueRef:NULL, a dangling one) gets an id too, as in XAPI. */
struct ova_table {
	struct ova_ref {
		char	*ref;			/* heap */
		char	 id[OVA_ID_LEN];	/* "Ref:N" */
	}	*e;
	size_t	 n;
};

/* XAPI's update_table for VM.export: vm, its VIFs and their networks, its VBDs and their
   VDIs and those VDIs' SRs, the suspend image's VDI when preserve and vm is suspended,
   then vm's metrics, guest metrics, resident_on and affinity. Returns 0, or -1 with why
   (a VBD whose VDI does not exist, too many objects, out of memory). */
int	ova_table_vm(struct xapi *x, struct ova_table *t, struct obj *vm, int preserve,
	    char *why, size_t whylen);
/* ref's id in t ("Ref:N"), or NULL when the export does not name it. */
const char *ova_id(const struct ova_table *t, const char *ref);
/* Appends the ova.xml of the objects in t to b: the host's records (a VM's affinity), the
   VMs, their metrics and guest metrics, VBDs, VIFs, networks, VDIs and SRs, each record as
   export.ml's make_* makes it (refs to exported objects become ids, others
   OpaqueRef:NULL; lists keep only exported objects; what belongs to the host is left
   out), claiming xapi_minor (OVA_XAPI_MINOR_*). Returns 0, or -1 (out of memory, or
   past OVA_MAX_BYTES). Uses x's arena. */
int	ova_write(struct xapi *x, const struct ova_table *t, int preserve, int xapi_minor,
	    struct buf *b);
void	ova_table_free(struct ova_table *t);

#endif
