#ifndef ATOLL_INSTALL_H
#define ATOLL_INSTALL_H

#include "answerfile.h"
#include "options.h"
#include "report.h"

/* The steps install_disk reports (report_steps), for the "[n/N]" lines and the gauge. */
#define INSTALL_STEPS	8

/* One run of the installer, made in main.c and passed down: its report (console, gauge,
   log) and the kernel command line's options. */
struct install_ctx {
	struct report			 report;
	const struct install_options	*options;
};

/* Installs Atoll as the answers say (they are already checked). When the answers say
   "local" and there is no Atoll medium (a network boot), Xen, the kernel and dom0.img come
   from x's atoll.source=URL. Whichever way it ends, what it mounted is unmounted again.
   Returns 0, or -1 after report_fail said what went wrong. */
int	install_disk(struct install_ctx *x, const struct answers *a);

/* Runs the answerfile's scripts of stage with arg. Returns 0, or -1 when one could not be
   fetched or failed. */
int	install_scripts(struct install_ctx *x, const struct answers *a, const char *stage,
	    const char *arg);

#endif
