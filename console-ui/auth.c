/*
 * Authentication, as xsconsole has it: changes wait for the operator to log in with root's
 * password (checked by xapi-lite), a login ends by hand or after the host's auto-logout
 * time idle (host.console_idle_timeout), root's password is changed with the old one, and
 * a host whose root has no password asks for one before anything else.
 *
 * Whether root has a password is the one thing read here rather than asked of xapi-lite:
 * the XenAPI has no call that says (XAPI's datamodel has none, and xapi-lite matches it),
 * and the read changes nothing. Setting the password goes through xapi-lite
 * (session.change_password).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"

#define PASSWORD_MIN	6	/* as XAPI's clients ask */

int
auth_require(struct console *c, const char *why)
{
	char		 text[512];
	struct val	*v;

	if (c->login[0] != '\0')
		return 0;
	snprintf(text, sizeof(text), "%s\n\nLog in with root's password:", why);
	if (ui_password(c, "Log in", text) != DIALOG_OK)
		return -1;
	v = xenapi_call(&c->api, NULL, "session.login_with_password", "ssss", "root",
	    c->answer, "1.0", "atoll-console");
	explicit_bzero(c->answer, sizeof(c->answer));
	if (v == NULL || v->type != VAL_STRING) {
		ui_api_failed(c, "Log in", "You are not logged in");
		return -1;
	}
	snprintf(c->login, sizeof(c->login), "%s", xv_str(v));
	c->logged_out_idle = 0;
	auth_load_idle(c);
	return 0;
}

void
auth_logout(struct console *c)
{
	if (c->login[0] == '\0')
		return;
	(void)xenapi_call(&c->api, c->login, "session.logout", "");
	c->login[0] = '\0';
}

void
auth_load_idle(struct console *c)
{
	char		 host[96];
	struct val	*v;

	if (status_host(c, host, sizeof(host)) == -1 || (v = xenapi_call(&c->api,
	    c->api.session, "host.get_console_idle_timeout", "s", host)) == NULL)
		return;
	c->idle_limit_s = xv_int(v, 0);
}

/* Asks for a new password twice; 0 with it in pw, or -1 (cancelled). */
static int
new_password(struct console *c, const char *title, char *pw, size_t len)
{
	for (;;) {
		if (ui_password(c, title, "The new password for root:") != DIALOG_OK)
			return -1;
		snprintf(pw, len, "%s", c->answer);
		if (ui_password(c, title, "The same password again:") != DIALOG_OK) {
			explicit_bzero(pw, len);
			return -1;
		}
		if (strlen(pw) < PASSWORD_MIN)
			ui_message(c, title, "The password is too short: it needs at least %d "
			    "characters.", PASSWORD_MIN);
		else if (strcmp(pw, c->answer) != 0)
			ui_message(c, title, "The two passwords differ. Try again.");
		else
			break;
		explicit_bzero(pw, len);
	}
	explicit_bzero(c->answer, sizeof(c->answer));
	return 0;
}

/* Whether root has a password in the shadow file (read here: see the top of the file). A
   file that cannot be read asks nothing. */
static int
root_has_password(struct console *c)
{
	FILE	*f;
	char	 line[1024];
	int	 has = 1;

	if ((f = fopen(c->shadow, "r")) == NULL)
		return 1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "root:", 5) == 0)
			has = line[5] != ':' && line[5] != '!' && line[5] != '*' &&
			    line[5] != '\n';
	explicit_bzero(line, sizeof(line));
	fclose(f);
	return has;
}

void
auth_first_boot(struct console *c)
{
	char	 pw[ANSWER_MAX];

	while (!root_has_password(c)) {
		ui_message(c, "Welcome to Atoll", "root has no password yet. Choose one now: it "
		    "logs in on this console, over SSH and from XenAPI clients such as Xen "
		    "Orchestra.");
		if (new_password(c, "Set root's password", pw, sizeof(pw)) == -1)
			continue;
		if (xenapi_call(&c->api, c->api.session, "session.change_password", "ss", "",
		    pw) == NULL)
			ui_api_failed(c, "Set root's password", "The password was not set");
		else
			ui_message(c, "Set root's password", "root's password is set.");
		explicit_bzero(pw, sizeof(pw));
	}
}

static void
change_password(struct console *c)
{
	char	 old[ANSWER_MAX], pw[ANSWER_MAX];

	if (auth_require(c, "Changing root's password needs a login.") == -1)
		return;
	if (ui_password(c, "Change password", "root's current password:") != DIALOG_OK)
		return;
	snprintf(old, sizeof(old), "%s", c->answer);
	explicit_bzero(c->answer, sizeof(c->answer));
	if (new_password(c, "Change password", pw, sizeof(pw)) == 0) {
		if (xenapi_call(&c->api, c->login, "session.change_password", "ss", old,
		    pw) == NULL)
			ui_api_failed(c, "Change password", "The password was not changed");
		else
			ui_message(c, "Change password", "root's password is changed.");
	}
	explicit_bzero(old, sizeof(old));
	explicit_bzero(pw, sizeof(pw));
}

static void
change_idle(struct console *c)
{
	char		 host[96], init[32], *end;
	long		 minutes;

	if (auth_require(c, "Changing the auto-logout time needs a login.") == -1)
		return;
	auth_load_idle(c);
	snprintf(init, sizeof(init), "%lld", c->idle_limit_s / 60);
	for (;;) {
		if (ui_input(c, "Auto-logout", "Minutes of no keys after which the console logs "
		    "out (0: never):", init) != DIALOG_OK)
			return;
		minutes = strtol(c->answer, &end, 10);
		if (c->answer[0] != '\0' && *end == '\0' && minutes >= 0 && minutes <= 1440)
			break;
		ui_message(c, "Auto-logout", "\"%s\" is not a number of minutes from 0 to 1440.",
		    c->answer);
	}
	if (status_host(c, host, sizeof(host)) == -1 || xenapi_call(&c->api, c->login,
	    "host.set_console_idle_timeout", "si", host, (long long)minutes * 60) == NULL) {
		ui_api_failed(c, "Auto-logout", "The auto-logout time was not changed");
		return;
	}
	c->idle_limit_s = minutes * 60;
	ui_message(c, "Auto-logout", minutes == 0 ? "The console no longer logs out by "
	    "itself." : "The console logs out after %ld minutes with no keys.", minutes);
}

void
auth_menu(struct console *c)
{
	struct dialog	 d;

	for (;;) {
		ui_new(c, &d, "Authentication");
		dialog_add(&d, "--cancel-label", "Back", "--menu", c->login[0] != '\0' ?
		    "You are logged in as root." : "You are not logged in.", "12", "60", "4",
		    "login", c->login[0] != '\0' ? "Log out" : "Log in",
		    "password", "Change root's password",
		    "idle", "Change the auto-logout time", NULL);
		if (ui_run(c, &d) != DIALOG_OK)
			return;
		if (strcmp(c->answer, "login") == 0 && c->login[0] != '\0')
			auth_logout(c);
		else if (strcmp(c->answer, "login") == 0)
			(void)auth_require(c, "Log in to make changes.");
		else if (strcmp(c->answer, "password") == 0)
			change_password(c);
		else if (strcmp(c->answer, "idle") == 0)
			change_idle(c);
	}
}
