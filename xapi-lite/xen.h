#ifndef XAPI_XEN_H
#define XAPI_XEN_H

#include "buf.h"

/* The xen backend's own state, owned by xen.c and xswatch.c (struct xapi's xen; NULL on
   the sim backend). */
struct xen_state {
	int		 reconciling;	/* an `xl list` reconciliation is running */
	int		 reconcile_wanted; /* xenstored said a domain came or went */
	long long	 reconciled_at;	/* unix time the last one started */
	unsigned	 power_ops;	/* power operations ended so far */
	unsigned	 power_ops_listed; /* ...when the running reconciliation began: if one
					   ended under it, what it listed is out of date */
	int		 xs_fd;		/* xswatch.c's watch connection; -1 when none */
	struct buf	 xs_in;
	int		 xs_read_fd;	/* its connection for plain reads; -1 when none */
};

#endif
