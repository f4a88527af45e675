#ifndef XAPI_XENTOP_H
#define XAPI_XENTOP_H

#include <stddef.h>

/*
 * What `xentop -b -v -f` prints each frame (Xen 4.17's tools/xentop): a header line, then
 * per domain its row (NAME STATE CPU(sec) CPU(%) MEM(k) ... VCPUS ...) and its
 * "VCPUs(sec):" line (five vCPUs a line, continued on lines of their own). Batch mode
 * prints no summary. The parser is a pure function over bytes (xentop.c).
 */
#define XENTOP_NAME_MAX		64	/* a domain's name, with its NUL (xapi-lite's: uuids) */
#define XENTOP_MAX_VCPUS	128	/* Xen's limit of an HVM guest */
#define XENTOP_MAX_DOMAINS	512	/* rows of one frame; a frame with more is refused */
#define XENTOP_LINE_MAX		4096	/* one line; a longer one is refused */

struct xentop_dom {
	char			name[XENTOP_NAME_MAX];
	char			state[7];	/* "--b---": dying shutdown blocked crashed
						   paused running */
	unsigned long long	cpu_s;		/* CPU time so far, whole seconds */
	double			cpu_pct;	/* over xentop's last interval; 100 = one CPU */
	long long		mem_kib;
	long long		maxmem_kib;	/* -1: "no limit" */
	unsigned		vcpus;		/* the VCPUS column */
	unsigned		nvcpu;		/* entries of vcpu_s: highest vCPU listed + 1 */
	unsigned long long	vcpu_s[XENTOP_MAX_VCPUS];	/* each online vCPU's seconds */
	unsigned char		vcpu_online[XENTOP_MAX_VCPUS];	/* listed (online) */
};

/* Where the first frame of p ends: the offset of the header line that starts the next
   one, or 0 when p holds no second header yet (the frame may be incomplete). */
size_t	xentop_frame_end(const char *p, size_t len);

/* Parses one frame (a header line, then domains; complete lines) into doms (max rows).
   Returns the number of domains, or -1 with why naming the problem (nothing kept). */
int	xentop_parse(const char *p, size_t len, struct xentop_dom *doms, size_t max,
	    const char **why);

#endif
