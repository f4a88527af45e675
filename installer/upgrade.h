#ifndef ATOLL_UPGRADE_H
#define ATOLL_UPGRADE_H

#include "report.h"
#include "upgrade_exit.h"

/*
 * atoll-upgrade: a new Atoll image into an installed host's other slot, booted once on
 * trial and kept only when it comes up healthy (see upgrade.c). atoll-install runs it when
 * called by that name. Returns the exit status.
 */
int	upgrade_main(int argc, char *argv[]);

/* The installer's upgrade (answerfile mode="upgrade"): the image in dir (checked against
   its SHA256SUMS) into the slot the disk does not boot by default, on trial at its next
   boot, on the disk whose ATOLL-BOOT and ATOLL-STATE partitions are boot_dev and
   state_dev (mounted meanwhile, at the host's places). Reports 4 steps on r. Returns 0,
   or -1 after report_fail said why. */
int	upgrade_installed(struct report *r, const char *boot_dev, const char *state_dev,
	    const char *dir);

#endif
