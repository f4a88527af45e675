#ifndef ATOLL_INTERACTIVE_H
#define ATOLL_INTERACTIVE_H

/*
 * The interactive install (atoll.install): dialog screens ask for the disk, the wipe's
 * confirmation, the host name, the network, the root password, the time zone and the
 * keymap, show a summary, then install_disk runs under a gauge. Returns 0 once Atoll is
 * installed, else 1 (the error and the log were shown).
 */
int	interactive_install(void);

#endif
