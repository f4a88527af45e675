/*
 * Remote access: SSH on or off (host.enable_ssh, host.disable_ssh), as xsconsole's Remote
 * Service Configuration.
 */
#include <stdio.h>

#include "console.h"

void
remote_menu(struct console *c)
{
	char		 host[96];
	struct val	*v;
	int		 on;

	xenapi_reset(&c->api);
	if (status_host(c, host, sizeof(host)) == -1 || (v = xenapi_call(&c->api,
	    c->api.session, "host.get_ssh_enabled", "s", host)) == NULL) {
		ui_api_failed(c, "Remote access", "Whether SSH is on could not be read");
		return;
	}
	on = xv_bool(v);
	snprintf(c->text, sizeof(c->text), "SSH is %s: root %s log in over the network with "
	    "its password.\n\nTurn SSH %s?", on ? "on" : "off", on ? "can" : "cannot",
	    on ? "off" : "on");
	if (ui_confirm(c, "Remote access", on ? "Turn off" : "Turn on", c->text) != DIALOG_OK ||
	    auth_require(c, "Changing remote access needs a login.") == -1)
		return;
	if (xenapi_call(&c->api, c->login, on ? "host.disable_ssh" : "host.enable_ssh", "s",
	    host) == NULL)
		ui_api_failed(c, "Remote access", "SSH was not changed");
	else
		ui_message(c, "Remote access", "SSH is now %s.", on ? "off" : "on");
}
