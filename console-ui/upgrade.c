/*
 * Upgrade from URL: the upgrade program (atoll-upgrade) writes the image at a URL into the
 * host's other slot, its steps on a gauge as it goes; then, once asked, the host reboots
 * (host.disable, host.reboot, as the power menu does) into the new image's trial boot. The
 * status screen shows the outcome after the reboot: the running slot and its version, or
 * the old one again with the rollback's XenAPI message.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "dialog.h"
#include "exec.h"
#include "upgrade_exit.h"

#define UPGRADE_OUTPUT_MAX	(64 * 1024)
#define UPGRADE_URL_MAX		512

/* The last "[n/N] what" step in out (NUL-terminated) onto the gauge. */
static void
show_step(const char *out)
{
	const char	*p, *last = NULL;
	char		 what[80];
	int		 n, total, at = 0;

	for (p = out; *p != '\0'; p++)
		if (*p == '[' && (p == out || p[-1] == ' '))
			last = p;
	if (last == NULL || sscanf(last, "[%d/%d] %n", &n, &total, &at) != 2 || at == 0 ||
	    total <= 0 || n < 1 || n > total)
		return;
	snprintf(what, sizeof(what), "%.*s", (int)strcspn(last + at, "\n"), last + at);
	dialog_gauge((n - 1) * 100 / total, what);
}

/* Runs the program on url with a gauge. Returns its exit status (-1: not started); out
   holds what it said. */
static int
run_upgrade(struct console *c, const char *url, struct job *j)
{
	struct pollfd	pfd;
	size_t		seen = 0;

	if (exec_start(j, (const char *const[]){ c->upgrade, url, NULL },
	    UPGRADE_OUTPUT_MAX) == -1)
		return -1;
	(void)dialog_gauge_start("Upgrade from URL", "Writing the new image into the other slot: it is checked "
	    "against its SHA256SUMS before and after.");
	while (j->fd != -1) {
		pfd.fd = j->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 1000) > 0 && exec_read(j) == 1)
			break;
		if (j->out.len != seen && j->out.p != NULL) {
			show_step(j->out.p);
			seen = j->out.len;
		}
	}
	dialog_gauge_stop();
	while (!exec_reap(j))
		(void)poll(NULL, 0, 50);
	return j->status;
}

/* The program's reason for failing, from its output. */
static void
reason(const struct job *j, char *out, size_t len)
{
	const char	*p = j->out.p != NULL ? strstr(j->out.p, UPGRADE_FAILED_WORDS) : NULL;

	if (p == NULL)
		snprintf(out, len, "the upgrade program failed (status %d)", j->status);
	else
		snprintf(out, len, "%.*s", (int)strcspn(p + strlen(UPGRADE_FAILED_WORDS), "\n"),
		    p + strlen(UPGRADE_FAILED_WORDS));
}

void
upgrade_menu(struct console *c)
{
	struct job	 j;
	char		 url[UPGRADE_URL_MAX], why[400], host[96];
	int		 st;

	if (auth_require(c, "Upgrading the host needs a login.") == -1)
		return;
	if (ui_input(c, "Upgrade from URL", "The Atoll image to upgrade to: the URL of a tree "
	    "(xen.gz, vmlinuz, dom0.img, SHA256SUMS), such as a PXE tree's atoll/ or an "
	    "ISO's boot/, or the path of an ISO on this host.", "https://") != DIALOG_OK)
		return;
	if (strlen(c->answer) >= sizeof(url)) {
		ui_message(c, "Upgrade from URL", "Nothing was changed: the URL is longer than "
		    "%d bytes.", UPGRADE_URL_MAX - 1);
		return;
	}
	memcpy(url, c->answer, strlen(c->answer) + 1);
	if (url[0] == '\0' || strcmp(url, "https://") == 0)
		return;
	memset(&j, 0, sizeof(j));
	st = run_upgrade(c, url, &j);
	if (st != 0) {
		if (st == -1)
			snprintf(why, sizeof(why), "%s cannot be run", c->upgrade);
		else
			reason(&j, why, sizeof(why));
		exec_free(&j);
		ui_message(c, "Upgrade from URL", "Nothing was changed: %s", why);
		return;
	}
	exec_free(&j);
	xenapi_reset(&c->api);
	if (ui_confirm(c, "Upgrade from URL", "Reboot", "The new image is in the other slot. "
	    "The next boot tries it once: it stays if the host comes up healthy, and the "
	    "running image boots again by itself if not.\n\nReboot into it now? Running VMs "
	    "are shut down first.") != DIALOG_OK) {
		ui_message(c, "Upgrade from URL", "The new image waits in the other slot for the "
		    "next reboot.");
		return;
	}
	if (status_host(c, host, sizeof(host)) == -1 ||
	    xenapi_call(&c->api, c->login, "host.disable", "s", host) == NULL ||
	    xenapi_call(&c->api, c->login, "host.reboot", "s", host) == NULL) {
		ui_api_failed(c, "Upgrade from URL", "The host did not reboot");
		(void)xenapi_call(&c->api, c->login, "host.enable", "s", host);
		return;
	}
	ui_message(c, "Upgrade from URL", "The host is rebooting into the new image.");
}
