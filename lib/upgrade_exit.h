#ifndef ATOLL_UPGRADE_EXIT_H
#define ATOLL_UPGRADE_EXIT_H

/*
 * What atoll-upgrade tells the programs that run it (xapi-lite's pool_update calls): its
 * exit statuses beyond 0 (done), 1 (failed) and 2 (usage), which name the refusal that
 * stopped it, and --inspect's answer.
 */
#define UPGRADE_EXIT_BAD_IMAGE	3	/* unreadable, or not matching its SHA256SUMS */
#define UPGRADE_EXIT_OLDER	4	/* older than the running version */
#define UPGRADE_EXIT_GUESTS	5	/* VMs are running */
#define UPGRADE_EXIT_NO_ROOM	6	/* the other slot cannot hold it */
#define UPGRADE_EXIT_BUSY	7	/* another atoll-upgrade is running */

/* --inspect's last line on stdout: "image version=V bytes=N" (kvline.h's form after it). */
#define UPGRADE_INSPECT_PREFIX	"image "
/* What precedes the reason of a failure on its output. */
#define UPGRADE_FAILED_WORDS	"UPGRADE FAILED: "

#endif
