/*
 * The console's common screens on dialog(1), and the idle rule: while the operator is
 * logged in, a screen left alone past the auto-logout time ends and logs them out.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "console.h"
#include "nitems.h"

long long
ui_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

void
ui_new(struct console *c, struct dialog *d, const char *title)
{
	long long	 left;

	dialog_new(d, title);
	/* The console's tables line up with spaces. */
	dialog_add(d, "--no-collapse", NULL);
	if (c->login[0] == '\0' || c->idle_limit_s <= 0)
		return;
	if ((left = c->idle_limit_s - (ui_now() - c->last_key)) < 1)
		left = 1;
	/* dialog's --timeout ends menus and message boxes; limit_s the input boxes, which
	   ignore it. */
	snprintf(c->timeout, sizeof(c->timeout), "%lld", left);
	dialog_add(d, "--timeout", c->timeout, NULL);
	d->limit_s = (int)left;
}

int
ui_run(struct console *c, struct dialog *d)
{
	int	r;

	r = dialog_run(d, c->answer, sizeof(c->answer));
	if (r == DIALOG_TIMEOUT && c->login[0] != '\0' && c->idle_limit_s > 0 &&
	    ui_now() - c->last_key >= c->idle_limit_s) {
		auth_logout(c);
		c->logged_out_idle = 1;
	} else if (r != DIALOG_TIMEOUT) {
		c->last_key = ui_now();
	}
	return r;
}

int
ui_message(struct console *c, const char *title, const char *fmt, ...)
{
	struct dialog	 d;
	char		 rows[8];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(c->text, sizeof(c->text), fmt, ap);
	va_end(ap);
	dialog_rows(c->text, 72, 4, rows, sizeof(rows));
	ui_new(c, &d, title);
	dialog_add(&d, "--msgbox", c->text, rows, "72", NULL);
	return ui_run(c, &d);
}

void
ui_info(struct console *c, const char *title, const char *text)
{
	struct dialog	 d;

	ui_new(c, &d, title);
	dialog_add(&d, "--infobox", text, "3", "72", NULL);
	(void)ui_run(c, &d);
}

int
ui_confirm(struct console *c, const char *title, const char *yes, const char *text)
{
	struct dialog	 d;
	char		 rows[8];

	dialog_rows(text, 72, 4, rows, sizeof(rows));
	ui_new(c, &d, title);
	dialog_add(&d, "--defaultno", "--yes-label", yes != NULL ? yes : "Yes", "--no-label",
	    "Cancel", "--yesno", text, rows, "72", NULL);
	return ui_run(c, &d);
}

int
ui_input(struct console *c, const char *title, const char *text, const char *init)
{
	struct dialog	 d;

	ui_new(c, &d, title);
	dialog_add(&d, "--inputbox", text, "10", "72", init, NULL);
	return ui_run(c, &d);
}

int
ui_password(struct console *c, const char *title, const char *text)
{
	struct dialog	 d;

	ui_new(c, &d, title);
	d.secret = 1;
	dialog_add(&d, "--insecure", "--passwordbox", text, "10", "72", NULL);
	return ui_run(c, &d);
}

/* XAPI's error codes the console explains; the others are shown as they come. */
static const struct {
	const char	*code, *words;
} explained[] = {
	{ "SESSION_AUTHENTICATION_FAILED", "The password is not right." },
	{ "HOST_NAME_INVALID", "That is not a valid host name." },
	{ "INVALID_IP_ADDRESS_SPECIFIED", "That is not a valid IPv4 address." },
	{ "INVALID_VALUE", "That is not a value this setting takes." },
	{ "INVALID_NTP_CONFIG", "That NTP setting is not accepted." },
	{ "VM_BAD_POWER_STATE", "The VM is not in a state that allows this." },
	{ "OTHER_OPERATION_IN_PROGRESS", "Another operation on it is running; try again." },
	{ "SESSION_INVALID", "The login has expired; log in again." },
};

int
ui_api_failed(struct console *c, const char *title, const char *what)
{
	const char	*words = NULL;
	size_t		 i;

	if (c->api.code[0] == '\0')
		return ui_message(c, title, "%s.\n\n%s", what, c->api.error);
	for (i = 0; i < nitems(explained); i++)
		if (strcmp(c->api.code, explained[i].code) == 0)
			words = explained[i].words;
	if (strcmp(c->api.code, "SESSION_INVALID") == 0)
		auth_logout(c);
	if (words != NULL)
		return ui_message(c, title, "%s.\n\n%s\n\n(%s)", what, words, c->api.error);
	return ui_message(c, title, "%s.\n\n%s", what, c->api.error);
}
