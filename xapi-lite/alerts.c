/*
 * Alerts other programs leave for the XenAPI: a file in the state directory's alerts/
 * (atoll-upgrade writes one when a trial boot is rolled back or committed), one
 * lib/kvline.h record: name=NAME priority=N body="...". Every few seconds each file becomes
 * a message on the host and is removed; a file that is not such a record is removed too,
 * and logged. At most ALERT_FILES_PER_SCAN are taken a scan, so a directory flooded with
 * files costs one bounded turn at a time.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "db.h"
#include "kvline.h"
#include "message.h"
#include "xapi.h"

#define ALERT_NAME_MAX		64
#define ALERT_BODY_MAX		1024

/* path's record as a message on the host. Returns 0, or -1 when it is not an alert. */
static int
raise_file(struct xapi *x, const char *path)
{
	char	line[KVLINE_MAX], name[ALERT_NAME_MAX], prio[8], body[ALERT_BODY_MAX], *end;
	long	n, p;

	if ((n = kvline_read(path, line)) <= 0 ||
	    kvline_get(line, (size_t)n, "name", name, sizeof(name)) != 1 || name[0] == '\0' ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") != strlen(name) ||
	    kvline_get(line, (size_t)n, "priority", prio, sizeof(prio)) != 1 ||
	    kvline_get(line, (size_t)n, "body", body, sizeof(body)) != 1)
		return -1;
	p = strtol(prio, &end, 10);
	if (end == prio || *end != '\0' || p < 1 || p > 5)
		return -1;
	(void)message_raise(x, name, p, "Host", db_str(&x->db, x->host, F_host_uuid), body);
	return 0;
}

void
alerts_scan(struct xapi *x)
{
	char		 dir[300], path[600];
	struct dirent	*e;
	DIR		*d;
	int		 taken = 0;

	if (x->host == NULL)
		return;
	snprintf(dir, sizeof(dir), "%s/" ALERTS_DIR, x->statedir);
	if ((d = opendir(dir)) == NULL)
		return;
	while (taken < ALERT_FILES_PER_SCAN && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strstr(e->d_name, ".tmp") != NULL)
			continue;	/* a record still being written */
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (raise_file(x, path) == -1 && x->log != NULL)
			fprintf(x->log, "xapi-lite: %s is not an alert record; removed\n", path);
		unlink(path);
		taken++;
	}
	closedir(d);
}
