/*
 * Reboot or shut down the host (host.disable, then host.reboot or host.shutdown, as
 * xsconsole does), warning first when VMs run and asking twice; and the local shell, for
 * an operator who is logged in.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.h"

/* How many VMs run here, less the control domain. */
static int
running_vms(struct console *c)
{
	struct val	*all, *r;
	size_t		 i;
	int		 n = 0;

	if ((all = xenapi_call(&c->api, c->api.session, "VM.get_all_records", "")) == NULL ||
	    all->type != VAL_STRUCT)
		return 0;
	for (i = 0; i < all->u.st.n; i++) {
		r = all->u.st.m[i].v;
		n += !xv_bool(xv_get(r, "is_control_domain")) &&
		    strcmp(xv_field(r, "power_state"), "Running") == 0;
	}
	return n;
}

static void
power(struct console *c, int reboot)
{
	const char	*what = reboot ? "Reboot" : "Shut down";
	char		 host[96], text[512];
	int		 n;

	xenapi_reset(&c->api);
	if (auth_require(c, reboot ? "Rebooting the host needs a login." :
	    "Shutting down the host needs a login.") == -1)
		return;
	n = running_vms(c);
	if (n == 0)
		snprintf(text, sizeof(text), "%s the host?", what);
	else
		snprintf(text, sizeof(text), "%s the host?\n\n%d VM%s running on it; %s will "
		    "be shut down first.", what, n, n == 1 ? " is" : "s are", n == 1 ? "it" :
		    "they");
	if (ui_confirm(c, what, what, text) != DIALOG_OK)
		return;
	snprintf(text, sizeof(text), "Really %s the host now? This is the last question.",
	    reboot ? "reboot" : "shut down");
	if (ui_confirm(c, what, what, text) != DIALOG_OK)
		return;
	if (status_host(c, host, sizeof(host)) == -1 ||
	    xenapi_call(&c->api, c->login, "host.disable", "s", host) == NULL) {
		ui_api_failed(c, what, "The host could not be disabled for it");
		return;
	}
	if (xenapi_call(&c->api, c->login, reboot ? "host.reboot" : "host.shutdown", "s",
	    host) == NULL) {
		ui_api_failed(c, what, reboot ? "The host did not reboot" :
		    "The host did not shut down");
		(void)xenapi_call(&c->api, c->login, "host.enable", "s", host);
		return;
	}
	ui_message(c, what, reboot ? "The host is rebooting." : "The host is shutting down.");
}

void
power_menu(struct console *c)
{
	struct dialog	 d;

	ui_new(c, &d, "Reboot or shut down");
	dialog_add(&d, "--cancel-label", "Back", "--menu", "", "10", "50", "2",
	    "reboot", "Reboot the host", "shutdown", "Shut down the host", NULL);
	if (ui_run(c, &d) == DIALOG_OK)
		power(c, strcmp(c->answer, "reboot") == 0);
}

void
shell_run(struct console *c)
{
	pid_t	 pid;
	int	 st;

	if (auth_require(c, "The local shell needs a login.") == -1)
		return;
	/* dialog leaves its last screen; the shell starts on a clean one. */
	fputs("\033[H\033[2J", stdout);
	fputs("Local shell: type exit to return to the console.\n\n", stdout);
	fflush(stdout);
	if ((pid = fork()) == -1) {
		ui_message(c, "Local shell", "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "-sh", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	c->last_key = ui_now();
}
