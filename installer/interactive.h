#ifndef ATOLL_INTERACTIVE_H
#define ATOLL_INTERACTIVE_H

#include "install.h"

/*
 * The interactive install (atoll.install): dialog screens ask for the disk, the wipe's
 * confirmation, the host name, the network, the root password, the time zone and the
 * keymap, show a summary, then install_disk runs under a gauge. x's options' atexit says
 * what the last screen promises Enter does. Returns 0 once Atoll is installed, else -1
 * (the error and the log were shown).
 */
int	interactive_install(struct install_ctx *x);

#endif
