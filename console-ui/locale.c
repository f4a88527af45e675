/*
 * Keyboard and time zone. The zone is the host's (host.set_timezone, checked by xapi-lite
 * against tzdata). The keymap does not go through xapi-lite: the XenAPI has no call or
 * field for the console's keymap (XAPI's datamodel has none, and xapi-lite matches it), so,
 * as xsconsole runs loadkeys itself, this console runs `host-config keymap NAME`, the same
 * program xapi-lite runs for the host's settings, which loads it and saves it with them.
 */
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "console.h"
#include "exec.h"

#define KEYMAPS		"/usr/share/keymaps/i386/*/*.kmap.gz"

static void
timezone(struct console *c)
{
	char		 host[96], zone[ANSWER_MAX];
	struct val	*v;

	if (auth_require(c, "Changing the time zone needs a login.") == -1)
		return;
	if (status_host(c, host, sizeof(host)) == -1 || (v = xenapi_call(&c->api,
	    c->api.session, "host.get_timezone", "s", host)) == NULL) {
		ui_api_failed(c, "Time zone", "The time zone could not be read");
		return;
	}
	snprintf(zone, sizeof(zone), "%s", xv_str(v));
	while (ui_input(c, "Time zone", "The host's time zone, as Region/City (Europe/Paris, "
	    "America/New_York) or UTC:", zone) == DIALOG_OK) {
		snprintf(zone, sizeof(zone), "%s", c->answer);
		if (xenapi_call(&c->api, c->login, "host.set_timezone", "ss", host, zone) !=
		    NULL) {
			ui_message(c, "Time zone", "The host's time zone is now %s.", zone);
			return;
		}
		ui_api_failed(c, "Time zone", "The time zone was not changed");
	}
}

/* The keymap's name from its file: /usr/share/keymaps/i386/azerty/fr.kmap.gz -> fr. */
static void
keymap_name(const char *path, char *out, size_t len)
{
	const char	*base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	snprintf(out, len, "%.*s", (int)strcspn(base, "."), base);
}

static void
keyboard(struct console *c)
{
	struct dialog	 d;
	glob_t		 g;
	char		**names = NULL, path[512];
	struct buf	 out;
	size_t		 i, n;
	int		 r;

	if (glob(KEYMAPS, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
		ui_message(c, "Keyboard", "This host carries no keymaps.");
		return;
	}
	n = g.gl_pathc;
	if ((names = calloc(n, sizeof(*names))) == NULL) {
		globfree(&g);
		return;
	}
	ui_new(c, &d, "Keyboard");
	dialog_add(&d, "--cancel-label", "Back", "--no-items", "--menu",
	    "The console's keyboard layout:", "20", "50", "12", NULL);
	for (i = 0; i < n; i++) {
		if ((names[i] = malloc(64)) == NULL)
			break;
		keymap_name(g.gl_pathv[i], names[i], 64);
		dialog_add(&d, names[i], NULL);
	}
	r = ui_run(c, &d);
	for (i = 0; i < n && strcmp(c->answer, names[i] != NULL ? names[i] : "") != 0; i++)
		;
	if (r == DIALOG_OK && i < n &&
	    auth_require(c, "Changing the keyboard layout needs a login.") == 0) {
		snprintf(path, sizeof(path), "%s", names[i]);
		buf_init(&out, 4096);
		if (exec_run((const char *const[]){ c->host_config, "keymap", path,
		    NULL }, &out, NULL) == 0)
			ui_message(c, "Keyboard", "The keyboard layout is now %s.", path);
		else
			ui_message(c, "Keyboard", "The keyboard layout was not changed.\n\n%s",
			    out.p != NULL ? out.p : "");
		buf_free(&out);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	globfree(&g);
}

void
locale_menu(struct console *c)
{
	struct dialog	 d;

	for (;;) {
		xenapi_reset(&c->api);
		ui_new(c, &d, "Keyboard and time zone");
		dialog_add(&d, "--cancel-label", "Back", "--menu", "", "10", "50", "2",
		    "keyboard", "Keyboard layout", "timezone", "Time zone", NULL);
		if (ui_run(c, &d) != DIALOG_OK)
			return;
		if (strcmp(c->answer, "keyboard") == 0)
			keyboard(c);
		else
			timezone(c);
	}
}
