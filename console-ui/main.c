/*
 * atoll-console: what an operator sees on the host's screen or serial line. The status
 * screen, refreshed, with the menus beside it; every change through xapi-lite on its Unix
 * socket. init keeps it running on tty1.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "fdio.h"

#define VERSION_TEXT	"atoll-console " ATOLL_VERSION

/* F5 is dialog's Extra button (labelled Refresh) in menus, as xsconsole's refresh key. */
static char	rcfile[64];

static void
remove_rc(void)
{
	if (rcfile[0] != '\0')
		unlink(rcfile);
}

static int
key_bindings(void)
{
	static const char	 rc[] = "bindkey menubox F5 EXTRA\nbindkey menu F5 EXTRA\n";
	const char		*tmp = getenv("TMPDIR");
	int			 fd;

	snprintf(rcfile, sizeof(rcfile), "%s/atoll-console-XXXXXX", tmp != NULL ? tmp : "/tmp");
	if ((fd = mkstemp(rcfile)) == -1) {
		rcfile[0] = '\0';
		return -1;
	}
	atexit(remove_rc);
	if (write_all(fd, rc, sizeof(rc) - 1) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	return setenv("DIALOGRC", rcfile, 1);
}

/* The root menu, as xsconsole's; its tags are what the home screen answers. */
static int
home(struct console *c)
{
	struct dialog	 d;
	char		 secs[16];
	long long	 wait = REFRESH_S, left;
	int		 r;

	(void)status_text(c, c->text, sizeof(c->text));
	if (c->login[0] != '\0' && c->idle_limit_s > 0) {
		left = c->idle_limit_s - (ui_now() - c->last_key);
		wait = left < 1 ? 1 : left < wait ? left : wait;
	}
	snprintf(secs, sizeof(secs), "%lld", wait);
	dialog_new(&d, c->login[0] != '\0' ? "Status (logged in as root)" :
	    c->logged_out_idle ? "Status (logged out: idle)" : "Status");
	dialog_add(&d, "--timeout", secs, "--no-collapse", "--no-tags", "--no-cancel",
	    "--extra-button", "--extra-label", "Refresh", "--ok-label", "Select", "--menu",
	    c->text, "22", "76", "6",
	    "network", "Network and management interface",
	    "auth", c->login[0] != '\0' ? "Authentication (logged in)" : "Authentication",
	    "vms", "Virtual machines",
	    "storage", "Storage",
	    "hardware", "Hardware",
	    "keyboard", "Keyboard and time zone",
	    "remote", "Remote access (SSH)",
	    "support", "Technical support",
	    "upgrade", "Upgrade from URL",
	    "power", "Power: reboot or shut down",
	    "shell", "Local command shell",
	    "quit", "Quit", NULL);
	r = ui_run(c, &d);
	return r;
}

static void
usage(void)
{
	fprintf(stderr, "usage: atoll-console [--socket PATH] [--cert FILE] [--ssh-dir DIR]\n"
	    "                     [--state DIR] [--shadow FILE] [--host-config PROGRAM]\n"
	    "                     [--upgrade PROGRAM] [--status]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static struct console	 c;
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "cert", required_argument, NULL, 'c' },
		{ "ssh-dir", required_argument, NULL, 'k' },
		{ "state", required_argument, NULL, 'd' },
		{ "shadow", required_argument, NULL, 'p' },
		{ "host-config", required_argument, NULL, 'h' },
		{ "upgrade", required_argument, NULL, 'u' },
		{ "status", no_argument, NULL, 'S' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*socket = "/var/lib/atoll/xapi.sock";
	char		 err[256] = "";
	int		 ch, r, status_only = 0;

	c.cert = "/var/lib/atoll/tls/host.pem";
	c.ssh_dir = "/var/lib/atoll/ssh";
	c.state_dir = "/var/lib/atoll";
	c.shadow = "/etc/shadow";
	c.host_config = "/usr/lib/atoll/host-config";
	c.upgrade = "/usr/sbin/atoll-upgrade";
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's': socket = optarg; break;
		case 'c': c.cert = optarg; break;
		case 'k': c.ssh_dir = optarg; break;
		case 'd': c.state_dir = optarg; break;
		case 'p': c.shadow = optarg; break;
		case 'h': c.host_config = optarg; break;
		case 'u': c.upgrade = optarg; break;
		case 'S': status_only = 1; break;
		case 'V': puts(VERSION_TEXT); return 0;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (strlen(socket) >= sizeof(c.api.socket)) {
		fprintf(stderr, "atoll-console: --socket %s: the path is too long\n", socket);
		return 2;
	}
	if (status_only) {
		/* The status screen's text on standard output, for scripts and SSH users. */
		xenapi_init(&c.api, socket);
		r = status_text(&c, c.text, sizeof(c.text));
		puts(c.text);
		xenapi_disconnect(&c.api);
		xenapi_free(&c.api);
		return r == 0 ? 0 : 1;
	}
	/* The console is not left by Ctrl-C or Ctrl-\; Quit or the shell leave it. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	dialog_setup("atoll-console", "Atoll host console", NULL);
	if (dialog_console(err, sizeof(err)) == -1 || key_bindings() == -1) {
		fprintf(stderr, "atoll-console: %s\n", err[0] ? err : "cannot write dialog's "
		    "key bindings");
		return 1;
	}
	xenapi_init(&c.api, socket);
	c.last_key = ui_now();
	/* Until xapi-lite answers there is only the status screen saying so. */
	while (status_text(&c, c.text, sizeof(c.text)) == -1) {
		struct dialog	d;
		char		secs[16];

		snprintf(secs, sizeof(secs), "%d", REFRESH_S);
		dialog_new(&d, "Status");
		dialog_add(&d, "--timeout", secs, "--ok-label", "Retry", "--msgbox", c.text,
		    "14", "76", NULL);
		if (dialog_run(&d, c.answer, sizeof(c.answer)) == -1)
			sleep(REFRESH_S);
	}
	auth_first_boot(&c);
	for (;;) {
		r = home(&c);
		if (r == -1) {
			sleep(1);	/* dialog could not run: do not spin */
			continue;
		}
		if (r != DIALOG_OK)
			continue;	/* Refresh, a timeout, Esc */
		xenapi_reset(&c.api);
		if (strcmp(c.answer, "network") == 0)
			network_menu(&c);
		else if (strcmp(c.answer, "auth") == 0)
			auth_menu(&c);
		else if (strcmp(c.answer, "vms") == 0)
			vms_menu(&c);
		else if (strcmp(c.answer, "storage") == 0)
			storage_screen(&c);
		else if (strcmp(c.answer, "hardware") == 0)
			hardware_screen(&c);
		else if (strcmp(c.answer, "keyboard") == 0)
			locale_menu(&c);
		else if (strcmp(c.answer, "remote") == 0)
			remote_menu(&c);
		else if (strcmp(c.answer, "support") == 0)
			support_menu(&c);
		else if (strcmp(c.answer, "upgrade") == 0)
			upgrade_menu(&c);
		else if (strcmp(c.answer, "power") == 0)
			power_menu(&c);
		else if (strcmp(c.answer, "shell") == 0)
			shell_run(&c);
		else if (strcmp(c.answer, "quit") == 0)
			break;
	}
	auth_logout(&c);
	xenapi_disconnect(&c.api);
	xenapi_free(&c.api);
	fputs("\033[H\033[2J", stdout);
	return 0;
}
