/*
 * atoll-install: turns a bare machine into an Atoll host. The kernel command line says how
 * (options.h): answerfile=URL installs unattended from a XenServer-style answerfile,
 * atoll.install asks the questions with dialog screens. Every value is checked before any
 * disk is touched; every command run, with its output, goes to the install log, which ends
 * up on ATOLL-STATE.
 *
 *   atoll-install --mode      prints "install" when the command line asks for an install,
 *                             else "host"
 *   atoll-install --network   prints the install network's settings as shell variables
 *                             (for the network step of an install boot)
 *   atoll-install             installs as the command line says; exit 0 on success
 *
 * Called as atoll-upgrade (a link to it), it upgrades an installed host (upgrade.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "answerfile.h"
#include "buf.h"
#include "cmdline.h"
#include "fetch.h"
#include "install.h"
#include "interactive.h"
#include "options.h"
#include "outcome.h"
#include "report.h"
#include "upgrade.h"

#define CMDLINE_MAX	4096	/* the kernel's COMMAND_LINE_SIZE on x86 is 2048 */

/* /proc/cmdline into cmdline (size bytes) and its options into o. */
static int
read_options(char *cmdline, size_t size, struct install_options *o, char *err,
    size_t errlen)
{
	size_t	len;
	FILE	*f;

	if ((f = fopen("/proc/cmdline", "r")) == NULL) {
		cmdline[0] = '\0';
		snprintf(err, errlen, "/proc/cmdline: %s", strerror(errno));
		return -1;
	}
	len = fread(cmdline, 1, size - 1, f);
	fclose(f);
	cmdline[len] = '\0';
	return options_parse(cmdline, len, o, err, errlen);
}

/* An install boot names answerfile= or atoll.install, even when a value is bad (the
   install then reports it). */
static int
install_boot(const char *cmdline)
{
	const char		*pos = cmdline;
	size_t			 left = strlen(cmdline);
	struct cmdline_arg	 a;

	while (cmdline_next(&pos, &left, &a) == 1)
		if (cmdline_is(&a, "answerfile") || cmdline_is(&a, "atoll.install"))
			return 1;
	return 0;
}

/* NET_DEVICE=... lines for the install boot's network step; values are checked words. */
static void
print_network(const struct install_options *o)
{
	int	i;

	printf("NET_DEVICE='%s'\nNET_PROTO='%s'\nNET_IP='%s'\nNET_NETMASK='%s'\n"
	    "NET_GATEWAY='%s'\nNET_DNS='", o->net_device, o->net_proto, o->net_ip,
	    o->net_netmask, o->net_gateway);
	for (i = 0; i < o->net_ndns; i++)
		printf("%s%s", i ? " " : "", o->net_dns[i]);
	printf("'\n");
}

/* answerfile_parse's warnings, said on the report (ctx). */
static void
warned(void *ctx, const char *msg)
{
	report_say(ctx, "atoll-install: warning: answerfile %s", msg);
}

/* The management NIC's MAC (the network step records the NIC), or "". */
static void
management_mac(char *out, size_t len)
{
	char	nic[64] = "", path[128];
	FILE	*f;

	out[0] = '\0';
	if ((f = fopen("/run/atoll/management-nic", "r")) != NULL) {
		if (fgets(nic, sizeof(nic), f) == NULL)
			nic[0] = '\0';
		fclose(f);
	}
	nic[strcspn(nic, "\n/")] = '\0';
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", nic);
	if (nic[0] == '\0' || (f = fopen(path, "r")) == NULL)
		return;
	if (fgets(out, (int)len, f) == NULL)
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
}

/* atoll.report=: how it went, to the operator's server. hostname is the answers' ("" when
   none were read). */
static void
send_outcome(struct install_ctx *x, const char *hostname, int rc, time_t started)
{
	char		tail[1500], mac[32];
	struct outcome	out;

	management_mac(mac, sizeof(mac));
	report_tail(&x->report, 15, tail, sizeof(tail));
	out.mac = mac;
	out.hostname = hostname;
	out.success = rc == 0;
	out.seconds = (long)(time(NULL) - started);
	out.error = report_error(&x->report);
	out.log = tail;
	outcome_send(&x->report, x->options->report, &out);
}

/* The unattended install: the answerfile into a, then the disk. Returns 0 or -1. */
static int
unattended(struct install_ctx *x, struct answers *a)
{
	struct report	*r = &x->report;
	struct buf	 text;
	char		 err[2048];
	int		 rc;

	report_steps(r, INSTALL_STEPS + 1);
	report_step(r, "reading the answerfile");
	buf_init(&text, 1 << 20);
	if (fetch_url(r, x->options->answerfile, x->options->fingerprint, &text, err,
	    sizeof(err)) == -1) {
		buf_free(&text);
		return report_fail(r, "answerfile=%s", err);
	}
	rc = answerfile_parse(text.p ? text.p : "", text.len, a, err, sizeof(err), warned, r);
	buf_free(&text);
	if (rc == -1)
		return report_fail(r, "answerfile: %s", err);
	rc = install_disk(x, a);
	/* The hook hears how it went, success or not (XenServer's installation-complete). */
	if (install_scripts(x, a, "installation-complete", rc == 0 ? "0" : "1") == -1 &&
	    rc == 0)
		rc = report_fail(r, "the installation-complete script failed (see the log)");
	return rc;
}

int
main(int argc, char *argv[])
{
	struct install_options	o;
	struct install_ctx	x;
	struct answers		a;	/* an unattended install's, once read */
	char			cmdline[CMDLINE_MAX], err[1024];
	time_t			started;
	int			bad, rc;
	const char		*self = strrchr(argv[0], '/');

	if (strcmp(self != NULL ? self + 1 : argv[0], "atoll-upgrade") == 0)
		return upgrade_main(argc, argv);
	bad = read_options(cmdline, sizeof(cmdline), &o, err, sizeof(err)) == -1;
	if (argc == 2 && strcmp(argv[1], "--mode") == 0) {
		puts(install_boot(cmdline) ? "install" : "host");
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--network") == 0) {
		if (bad) {
			fprintf(stderr, "atoll-install: %s\n", err);
			return 1;
		}
		print_network(&o);
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: atoll-install [--mode | --network]\n");
		return 2;
	}
	report_init(&x.report);
	x.options = &o;
	memset(&a, 0, sizeof(a));
	if (report_open(&x.report) == -1) {
		fprintf(stderr, "atoll-install: %s: %s\n", LOG_PATH, strerror(errno));
		return 1;
	}
	started = time(NULL);
	if (bad)
		rc = report_fail(&x.report, "%s", err);
	else if (o.answerfile[0] != '\0')
		rc = unattended(&x, &a);
	else
		rc = interactive_install(&x);
	if (!bad && o.report[0] != '\0')
		send_outcome(&x, a.hostname, rc, started);
	return rc == 0 ? 0 : 1;
}
