/*
 * Network and management interface: DHCP or a static address, DNS servers, the host name,
 * NTP servers (PIF.reconfigure_ip, host.set_hostname_live, host.set_ntp_*), and a test
 * that pings the gateway. xapi-lite checks every value and says what is wrong.
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "console.h"
#include "exec.h"

#define NTP_MAX		8

/* The management PIF's current settings. */
struct addr {
	char	pif[96], mode[16], ip[ANSWER_MAX], netmask[ANSWER_MAX], gateway[ANSWER_MAX];
	char	dns[ANSWER_MAX];
};

static int
load(struct console *c, struct addr *a)
{
	struct val	*r;

	memset(a, 0, sizeof(*a));
	if (status_management_pif(c, a->pif, sizeof(a->pif)) == -1 ||
	    (r = xenapi_call(&c->api, c->api.session, "PIF.get_record", "s", a->pif)) == NULL)
		return -1;
	snprintf(a->mode, sizeof(a->mode), "%s", xv_field(r, "ip_configuration_mode"));
	snprintf(a->ip, sizeof(a->ip), "%s", xv_field(r, "IP"));
	snprintf(a->netmask, sizeof(a->netmask), "%s", xv_field(r, "netmask"));
	snprintf(a->gateway, sizeof(a->gateway), "%s", xv_field(r, "gateway"));
	snprintf(a->dns, sizeof(a->dns), "%s", xv_field(r, "DNS"));
	return 0;
}

static int
reconfigure(struct console *c, const struct addr *a, const char *title)
{
	if (xenapi_call(&c->api, c->login, "PIF.reconfigure_ip", "ssssss", a->pif, a->mode,
	    a->ip, a->netmask, a->gateway, a->dns) == NULL) {
		ui_api_failed(c, title, "The management interface was not changed");
		return -1;
	}
	return 0;
}

/* The static address form, filled from a; the answer's lines back into a. */
static int
static_form(struct console *c, struct addr *a)
{
	struct dialog	 d;
	char		*line[4], *p = c->answer;
	int		 i;

	ui_new(c, &d, "Static address");
	dialog_add(&d, "--cancel-label", "Back", "--form", "The management interface's "
	    "address (DNS servers separated by commas):", "13", "72", "4",
	    "IP address", "1", "1", a->ip, "1", "16", "40", "63",
	    "Netmask", "2", "1", a->netmask, "2", "16", "40", "63",
	    "Gateway", "3", "1", a->gateway, "3", "16", "40", "63",
	    "DNS servers", "4", "1", a->dns, "4", "16", "40", "255", NULL);
	if (ui_run(c, &d) != DIALOG_OK)
		return -1;
	for (i = 0; i < 4; i++) {
		line[i] = p;
		p += strcspn(p, "\n");
		if (*p == '\n')
			*p++ = '\0';
	}
	snprintf(a->ip, sizeof(a->ip), "%s", line[0]);
	snprintf(a->netmask, sizeof(a->netmask), "%s", line[1]);
	snprintf(a->gateway, sizeof(a->gateway), "%s", line[2]);
	snprintf(a->dns, sizeof(a->dns), "%s", line[3]);
	return 0;
}

static void
interface(struct console *c)
{
	struct dialog	 d;
	struct addr	 a;

	if (auth_require(c, "Configuring the management interface needs a login.") == -1)
		return;
	if (load(c, &a) == -1) {
		ui_api_failed(c, "Management interface", "Its settings could not be read");
		return;
	}
	ui_new(c, &d, "Management interface");
	dialog_add(&d, "--cancel-label", "Back", "--default-item",
	    strcmp(a.mode, "Static") == 0 ? "Static" : "DHCP", "--menu",
	    "How the management interface gets its address:", "11", "60", "2",
	    "DHCP", "from a DHCP server", "Static", "an address given here", NULL);
	if (ui_run(c, &d) != DIALOG_OK)
		return;
	if (strcmp(c->answer, "DHCP") == 0) {
		snprintf(a.mode, sizeof(a.mode), "DHCP");
		a.ip[0] = a.netmask[0] = a.gateway[0] = a.dns[0] = '\0';
		if (reconfigure(c, &a, "Management interface") == 0)
			ui_message(c, "Management interface", "The management interface now gets "
			    "its address by DHCP.");
		return;
	}
	snprintf(a.mode, sizeof(a.mode), "Static");
	/* A refused address comes back to the form with what was typed. */
	while (static_form(c, &a) == 0)
		if (reconfigure(c, &a, "Static address") == 0) {
			ui_message(c, "Management interface", "The management interface is now "
			    "%s, netmask %s, gateway %s.", a.ip, a.netmask,
			    a.gateway[0] ? a.gateway : "none");
			return;
		}
}

static void
dns(struct console *c)
{
	struct addr	 a;

	if (auth_require(c, "Changing the DNS servers needs a login.") == -1)
		return;
	if (load(c, &a) == -1) {
		ui_api_failed(c, "DNS servers", "The settings could not be read");
		return;
	}
	if (strcmp(a.mode, "Static") != 0) {
		ui_message(c, "DNS servers", "The management interface uses DHCP, which gives the "
		    "DNS servers. Configure a static address to choose them here.");
		return;
	}
	while (ui_input(c, "DNS servers", "DNS servers, separated by commas:", a.dns) ==
	    DIALOG_OK) {
		snprintf(a.dns, sizeof(a.dns), "%s", c->answer);
		if (reconfigure(c, &a, "DNS servers") == 0) {
			ui_message(c, "DNS servers", "The DNS servers are now: %s",
			    a.dns[0] ? a.dns : "none");
			return;
		}
	}
}

static void
hostname(struct console *c)
{
	char		 host[96], now[ANSWER_MAX];
	struct val	*v;

	if (auth_require(c, "Changing the host name needs a login.") == -1)
		return;
	if (status_host(c, host, sizeof(host)) == -1 || (v = xenapi_call(&c->api,
	    c->api.session, "host.get_hostname", "s", host)) == NULL) {
		ui_api_failed(c, "Host name", "The host name could not be read");
		return;
	}
	snprintf(now, sizeof(now), "%s", xv_str(v));
	while (ui_input(c, "Host name", "The host's name (letters, digits and hyphens):",
	    now) == DIALOG_OK) {
		snprintf(now, sizeof(now), "%s", c->answer);
		if (xenapi_call(&c->api, c->login, "host.set_hostname_live", "ss", host,
		    now) != NULL) {
			ui_message(c, "Host name", "The host is now called %s.", now);
			return;
		}
		ui_api_failed(c, "Host name", "The host name was not changed");
	}
}

/* Splits list at blanks and commas into at most max words (in place). */
static size_t
words(char *list, const char **w, size_t max)
{
	size_t	 n = 0;
	char	*p = list;

	while (*p != '\0' && n < max) {
		p += strspn(p, " ,\t");
		if (*p == '\0')
			break;
		w[n++] = p;
		p += strcspn(p, " ,\t");
		if (*p != '\0')
			*p++ = '\0';
	}
	w[n] = NULL;
	return n;
}

static void
ntp(struct console *c)
{
	char		 host[96], now[ANSWER_MAX], list[ANSWER_MAX];
	const char	*w[NTP_MAX + 1];
	struct val	*v;
	size_t		 i, len = 0;

	if (auth_require(c, "Changing the NTP servers needs a login.") == -1)
		return;
	now[0] = '\0';
	if (status_host(c, host, sizeof(host)) == -1 || (v = xenapi_call(&c->api,
	    c->api.session, "host.get_ntp_custom_servers", "s", host)) == NULL) {
		ui_api_failed(c, "NTP servers", "The NTP servers could not be read");
		return;
	}
	for (i = 0; v->type == VAL_ARRAY && i < v->u.a.n && len < sizeof(now); i++)
		len += (size_t)snprintf(now + len, sizeof(now) - len, "%s%s", i ? " " : "",
		    xv_str(v->u.a.items[i]));
	while (ui_input(c, "NTP servers", "NTP servers (names or addresses, separated by "
	    "spaces; none turns NTP off):", now) == DIALOG_OK) {
		snprintf(now, sizeof(now), "%s", c->answer);
		snprintf(list, sizeof(list), "%s", c->answer);
		if (words(list, w, NTP_MAX) == 0) {
			if (xenapi_call(&c->api, c->login, "host.set_ntp_mode", "ss", host,
			    "Disabled") != NULL) {
				ui_message(c, "NTP servers", "NTP is off.");
				return;
			}
		} else if (xenapi_call(&c->api, c->login, "host.set_ntp_custom_servers", "sa",
		    host, w) != NULL && xenapi_call(&c->api, c->login, "host.set_ntp_mode",
		    "ss", host, "Custom") != NULL) {
			ui_message(c, "NTP servers", "The host sets its clock from: %s", now);
			return;
		}
		ui_api_failed(c, "NTP servers", "The NTP servers were not changed");
	}
}

/* Pings the gateway three times and shows what ping said. */
static void
test_network(struct console *c)
{
	struct addr	 a;
	struct buf	 out;
	int		 r;

	if (load(c, &a) == -1) {
		ui_api_failed(c, "Test the network", "The settings could not be read");
		return;
	}
	if (a.gateway[0] == '\0') {
		ui_message(c, "Test the network", "The management interface has no gateway to "
		    "ping.");
		return;
	}
	snprintf(c->text, sizeof(c->text), "Pinging the gateway %.64s three times...", a.gateway);
	ui_info(c, "Test the network", c->text);
	buf_init(&out, 16 * 1024);
	r = exec_run((const char *const[]){ "ping", "-c", "3", "-W", "2",
	    a.gateway, NULL }, &out, NULL);
	ui_message(c, "Test the network", "%s\n\n%s", r == 0 ? "The gateway answers." :
	    "The gateway does not answer.", out.p != NULL ? out.p : "");
	buf_free(&out);
}

void
network_menu(struct console *c)
{
	struct dialog	 d;

	for (;;) {
		xenapi_reset(&c->api);
		ui_new(c, &d, "Network and management interface");
		dialog_add(&d, "--cancel-label", "Back", "--menu", "", "14", "64", "5",
		    "interface", "Configure the management interface",
		    "dns", "DNS servers", "hostname", "Host name", "ntp", "Network time (NTP)",
		    "test", "Test the network", NULL);
		if (ui_run(c, &d) != DIALOG_OK)
			return;
		if (strcmp(c->answer, "interface") == 0)
			interface(c);
		else if (strcmp(c->answer, "dns") == 0)
			dns(c);
		else if (strcmp(c->answer, "hostname") == 0)
			hostname(c);
		else if (strcmp(c->answer, "ntp") == 0)
			ntp(c);
		else if (strcmp(c->answer, "test") == 0)
			test_network(c);
	}
}
