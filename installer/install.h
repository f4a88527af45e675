#ifndef ATOLL_INSTALL_H
#define ATOLL_INSTALL_H

#include "answerfile.h"

/* The steps install_disk reports (report_steps), for the "[n/N]" lines and the gauge. */
#define INSTALL_STEPS	8

/* Installs Atoll as the answers say (they are already checked). Returns 0, or 1 after
   failed() said what went wrong. */
int	install_disk(const struct answers *a);

/* Where Xen, the kernel and dom0.img are when the answers say "local" but there is no
   Atoll medium (a network boot): atoll.source=URL. */
void	install_fallback_source(const char *url);

/* Runs the answerfile's scripts of stage with arg. Returns 0, or -1 when one could not be
   fetched or failed. */
int	install_scripts(const struct answers *a, const char *stage, const char *arg);

#endif
