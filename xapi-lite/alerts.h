#ifndef XAPI_ALERTS_H
#define XAPI_ALERTS_H

#include "xapi.h"

/* The state directory's folder of alerts other programs leave for the XenAPI (alerts.c). */
#define ALERTS_DIR		"alerts"
#define ALERTS_EVERY		5	/* seconds between scans */
#define ALERT_FILES_PER_SCAN	16	/* files taken in one scan */

/* Raises the alerts waiting in the state directory as messages on the host, and removes
   their files. */
void	alerts_scan(struct xapi *x);

#endif
