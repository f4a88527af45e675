/*
 * The host settings a console changes, as XAPI's calls: host name, management IP, NTP,
 * time zone, SSH, console idle timeout, enable/disable, reboot and shutdown. Each checks
 * its arguments with XAPI's errors, then hostcfg.c applies it (the host-config program)
 * and records the new values once that succeeded.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calls.h"
#include "hval.h"
#include "inet.h"
#include "rpc_impl.h"
#include "zonename.h"

#define NTP_MAX_SERVERS	16

/* Parameter i as a string, or NULL with r filled. */
static const char *
str_param(struct xapi *x, struct rpc_reply *r, struct val *p, size_t i, const char *name)
{
	const char	*s = rpc_param_str(p, i);

	if (s == NULL)
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, name);
	return s;
}

void
call_host_set_hostname_live(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	static const char	 stem[] = "Control domain on host: ";
	struct obj		*host, *dom0;
	struct hostcfg_field	 set[2];
	const char		*name, *why, *label;
	size_t			 n = 0;

	(void)session;
	if ((host = rpc_param_ref(x, r, p, 1, C_host)) == NULL ||
	    (name = str_param(x, r, p, 2, "hostname")) == NULL)
		return;
	if ((why = inet_hostname_invalid(name)) != NULL) {
		rpc_fail(x, r, "HOST_NAME_INVALID", 1, why);
		return;
	}
	set[n++] = (struct hostcfg_field){ host, F_host_hostname, name };
	/* XAPI renames the control domain when it has its default name (its name_label
	   and the host's stay the user's). */
	dom0 = db_find(&x->db, db_str(&x->db, host, F_host_control_domain), REF_LEN);
	if (dom0 != NULL && strncmp(label = db_str(&x->db, dom0, F_VM_name_label), stem,
	    sizeof(stem) - 1) == 0)
		set[n++] = (struct hostcfg_field){ dom0, F_VM_name_label,
		    rpc_printf(x, "%s%s", stem, name) };
	hostcfg_set(x, park, r, (const char *const[]){ "hostname", name, NULL }, set, n);
}

/* ---- NTP ---- */

static const char *const ntp_modes[] = { "DHCP", "Custom", "Factory", "Disabled", NULL };

/* The ntp verb's arguments for mode (servers for Custom), in the arena; NULL when out of
   memory. */
static const char **
ntp_argv(struct xapi *x, const char *mode, const struct val *servers)
{
	const char	**argv;
	size_t		  i, n = servers != NULL ? servers->u.a.n : 0;

	if ((argv = arena_alloc(&x->arena, (n + 3) * sizeof(*argv))) == NULL)
		return NULL;
	argv[0] = "ntp";
	argv[1] = strcmp(mode, "DHCP") == 0 ? "dhcp" : strcmp(mode, "Custom") == 0 ? "custom" :
	    strcmp(mode, "Factory") == 0 ? "factory" : "disabled";
	for (i = 0; i < n; i++)
		argv[i + 2] = servers->u.a.items[i]->u.s.p;
	argv[n + 2] = NULL;
	return argv;
}

/* A set's members, one a line, in the arena. */
static const char *
lines(struct xapi *x, const struct val *set)
{
	struct buf	 b;
	const char	*s;
	size_t		 i;

	buf_init(&b, 0);
	for (i = 0; i < set->u.a.n; i++)
		if (buf_append_grow(&b, set->u.a.items[i]->u.s.p, set->u.a.items[i]->u.s.len) == -1 ||
		    (i + 1 < set->u.a.n && buf_append_grow(&b, "\n", 1) == -1))
			break;
	s = rpc_printf(x, "%.*s", (int)b.len, b.p ? b.p : "");
	buf_free(&b);
	return s;
}

void
call_host_set_ntp_mode(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	struct obj	 *host;
	const char	 *mode, **argv;
	struct val	 *servers;
	size_t		  i;

	(void)session;
	if ((host = rpc_param_ref(x, r, p, 1, C_host)) == NULL ||
	    (mode = str_param(x, r, p, 2, "value")) == NULL)
		return;
	for (i = 0; ntp_modes[i] != NULL && strcmp(ntp_modes[i], mode) != 0; i++)
		;
	if (ntp_modes[i] == NULL) {
		rpc_fail(x, r, "INVALID_VALUE", 2, "value", mode);
		return;
	}
	/* XAPI does nothing when the mode is unchanged. */
	if (strcmp(db_str(&x->db, host, F_host_ntp_mode), mode) == 0) {
		rpc_ok(r, rpc_str(x, ""));
		return;
	}
	servers = db_get(&x->db, host, F_host_ntp_custom_servers);
	if (strcmp(mode, "Custom") == 0 && servers->u.a.n == 0) {
		rpc_fail(x, r, "INVALID_NTP_CONFIG", 1,
		    "Can't set ntp_mode to Custom when ntp_custom_servers is empty");
		return;
	}
	if ((argv = ntp_argv(x, mode, strcmp(mode, "Custom") == 0 ? servers : NULL)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	hostcfg_set(x, park, r, argv, &(struct hostcfg_field){ host, F_host_ntp_mode, mode }, 1);
}

void
call_host_set_ntp_custom_servers(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	struct obj	 *host;
	struct val	 *servers = p->u.a.items[2];
	const char	**argv = NULL;
	size_t		  i;
	int		  custom;

	(void)session;
	if ((host = rpc_param_ref(x, r, p, 1, C_host)) == NULL)
		return;
	if (servers->type != VAL_ARRAY) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "value");
		return;
	}
	for (i = 0; i < servers->u.a.n; i++)
		if (servers->u.a.items[i]->type != VAL_STRING) {
			rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "value");
			return;
		}
	/* XAPI takes any text; a server the NTP daemon cannot use is refused here. */
	for (i = 0; i < servers->u.a.n; i++)
		if (!inet_server_ok(servers->u.a.items[i]->u.s.p) ||
		    strchr(servers->u.a.items[i]->u.s.p, '\n') != NULL) {
			rpc_fail(x, r, "INVALID_NTP_CONFIG", 1, rpc_printf(x,
			    "%s is not a host name or an IPv4 address",
			    servers->u.a.items[i]->u.s.p));
			return;
		}
	if (servers->u.a.n > NTP_MAX_SERVERS) {
		rpc_fail(x, r, "INVALID_NTP_CONFIG", 1,
		    rpc_printf(x, "at most %d NTP servers", NTP_MAX_SERVERS));
		return;
	}
	custom = strcmp(db_str(&x->db, host, F_host_ntp_mode), "Custom") == 0;
	if (custom && servers->u.a.n == 0) {
		rpc_fail(x, r, "INVALID_NTP_CONFIG", 1,
		    "Can't set ntp_custom_servers empty when ntp_mode is Custom");
		return;
	}
	/* In another mode XAPI only records them, for a later switch to Custom. */
	if (custom && (argv = ntp_argv(x, "Custom", servers)) == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	hostcfg_set(x, park, r, argv,
	    &(struct hostcfg_field){ host, F_host_ntp_custom_servers, lines(x, servers) }, 1);
}

/* ---- time zone, SSH, console ---- */

/* zone is a TZif file under the zoneinfo directory. */
static int
zone_exists(struct xapi *x, const char *zone)
{
	struct stat	st;
	char		path[512], magic[4];
	int		fd, ok;

	if (!zone_name_ok(zone) ||
	    snprintf(path, sizeof(path), "%s/%s", x->zoneinfo, zone) >= (int)sizeof(path) ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return 0;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "TZif", 4) == 0;
	close(fd);
	return ok;
}

void
call_host_set_timezone(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	struct obj	*host;
	const char	*zone;

	(void)session;
	if ((host = rpc_param_ref(x, r, p, 1, C_host)) == NULL ||
	    (zone = str_param(x, r, p, 2, "value")) == NULL)
		return;
	if (!zone_exists(x, zone)) {
		rpc_fail(x, r, "INVALID_VALUE", 2, "timezone", zone);
		return;
	}
	hostcfg_set(x, park, r, (const char *const[]){ "timezone", zone, NULL },
	    &(struct hostcfg_field){ host, F_host_timezone, zone }, 1);
}

static void
ssh(struct xapi *x, struct val *p, struct rpc_reply *r, struct park *park, int on)
{
	struct obj	*host;

	if ((host = rpc_param_ref(x, r, p, 1, C_host)) != NULL)
		hostcfg_set(x, park, r, (const char *const[]){ "ssh", on ? "on" : "off", NULL },
		    &(struct hostcfg_field){ host, F_host_ssh_enabled, on ? "true" : "false" },
		    1);
}

void
call_host_enable_ssh(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	(void)session;
	ssh(x, p, r, park, 1);
}

void
call_host_disable_ssh(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	(void)session;
	ssh(x, p, r, park, 0);
}

void
call_host_set_console_idle_timeout(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	struct obj	*host;
	long long	 t;

	(void)session;
	if ((host = rpc_param_ref(x, r, p, 1, C_host)) == NULL ||
	    rpc_param_int(x, r, p, 2, "value", &t) == -1)
		return;
	if (t < 0) {
		rpc_fail(x, r, "INVALID_VALUE", 2, "console_timeout",
		    rpc_printf(x, "%lld", t));
		return;
	}
	/* Only the database: the console reads it from there. */
	hostcfg_set(x, park, r, NULL, &(struct hostcfg_field){ host,
	    F_host_console_idle_timeout, rpc_printf(x, "%lld", t) }, 1);
}

/* ---- enable, disable, reboot, shutdown ---- */

static void
enable(struct xapi *x, struct val *p, struct rpc_reply *r, struct park *park, int on)
{
	struct obj	*host;

	if ((host = rpc_param_ref(x, r, p, 1, C_host)) != NULL)
		hostcfg_set(x, park, r, NULL,
		    &(struct hostcfg_field){ host, F_host_enabled, on ? "true" : "false" }, 1);
}

void
call_host_disable(struct xapi *x, struct obj *session, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	(void)session;
	/* The optional auto_enable (XAPI 25.31) matters to a toolstack restart only. */
	if (p->u.a.n > 2 && p->u.a.items[2]->type != VAL_BOOL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "auto_enable");
		return;
	}
	enable(x, p, r, park, 0);
}

void
call_host_enable(struct xapi *x, struct obj *session, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	(void)session;
	enable(x, p, r, park, 1);
}

/* XAPI refuses both unless the host is disabled; running guests are shut down on the way
   (its prepare_for_poweroff), here by the program. Without one nothing happens. */
static void
power(struct xapi *x, struct val *p, struct rpc_reply *r, struct park *park,
    const char *verb)
{
	struct obj	*host;

	if ((host = rpc_param_ref(x, r, p, 1, C_host)) == NULL)
		return;
	if (db_get(&x->db, host, F_host_enabled)->u.b) {
		rpc_fail(x, r, "HOST_NOT_DISABLED", 0);
		return;
	}
	hostcfg_set(x, park, r, (const char *const[]){ verb, NULL }, NULL, 0);
}

void
call_host_reboot(struct xapi *x, struct obj *session, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	(void)session;
	power(x, p, r, park, "reboot");
}

void
call_host_shutdown(struct xapi *x, struct obj *session, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	(void)session;
	power(x, p, r, park, "poweroff");
}

/* ---- the management interface ---- */

/* Whether every entry of a comma-separated DNS list is an IPv4 address; 0 with r filled
   when not. */
static int
dns_ok(struct xapi *x, struct rpc_reply *r, const char *dns)
{
	char	one[64];
	size_t	n;

	if (*dns == '\0')
		return 1;
	for (;; dns += n + 1) {
		n = strcspn(dns, ",");
		if (n < sizeof(one)) {
			memcpy(one, dns, n);
			one[n] = '\0';
		}
		if (n == 0 || n >= sizeof(one) || !inet_is_ipv4(one)) {
			rpc_fail(x, r, "INVALID_IP_ADDRESS_SPECIFIED", 1, "DNS");
			return 0;
		}
		if (dns[n] == '\0')
			break;
	}
	return 1;
}

void
call_pif_reconfigure_ip(struct xapi *x, struct obj *session, struct val *p,
    struct rpc_reply *r, struct park *park)
{
	static const char *const names[] = { "mode", "IP", "netmask", "gateway", "DNS" };
	struct hostcfg_field	 set[6];
	const char		*a[5];
	struct obj		*pif;
	size_t			 i, n = 0;
	int			 mgmt, stat;

	(void)session;
	if ((pif = rpc_param_ref(x, r, p, 1, C_PIF)) == NULL)
		return;
	for (i = 0; i < 5; i++)
		if ((a[i] = str_param(x, r, p, i + 2, names[i])) == NULL)
			return;
	if (strcmp(a[0], "None") != 0 && strcmp(a[0], "DHCP") != 0 &&
	    strcmp(a[0], "Static") != 0) {
		rpc_fail(x, r, "INVALID_VALUE", 2, "mode", a[0]);
		return;
	}
	stat = strcmp(a[0], "Static") == 0;
	/* XAPI's order: Static needs IP and netmask; any given address must be one. */
	if (stat && !inet_is_ipv4(a[1])) {
		rpc_fail(x, r, "INVALID_IP_ADDRESS_SPECIFIED", 1, "IP");
		return;
	}
	if (stat && !inet_is_ipv4(a[2])) {
		rpc_fail(x, r, "INVALID_IP_ADDRESS_SPECIFIED", 1, "netmask");
		return;
	}
	for (i = 1; i < 4; i++)
		if (a[i][0] != '\0' && !inet_is_ipv4(a[i])) {
			rpc_fail(x, r, "INVALID_IP_ADDRESS_SPECIFIED", 1, names[i]);
			return;
		}
	/* Beyond XAPI: a mask such as 255.0.255.0 is no netmask, with XAPI's error. */
	if (a[2][0] != '\0' && !inet_is_netmask(a[2])) {
		rpc_fail(x, r, "INVALID_IP_ADDRESS_SPECIFIED", 1, "netmask");
		return;
	}
	/* XAPI drops what is no IPv4 address from DNS; a console's typo is refused instead. */
	if (!dns_ok(x, r, a[4]))
		return;
	mgmt = db_get(&x->db, pif, F_PIF_management)->u.b;
	if (mgmt && strcmp(a[0], "None") == 0) {
		rpc_fail(x, r, "PIF_IS_MANAGEMENT_INTERFACE", 1, pif->ref);
		return;
	}
	set[n++] = (struct hostcfg_field){ pif, F_PIF_ip_configuration_mode, a[0] };
	set[n++] = (struct hostcfg_field){ pif, F_PIF_IP, a[1] };
	set[n++] = (struct hostcfg_field){ pif, F_PIF_netmask, a[2] };
	set[n++] = (struct hostcfg_field){ pif, F_PIF_gateway, a[3] };
	set[n++] = (struct hostcfg_field){ pif, F_PIF_DNS, a[4] };
	/* A DHCP address is known after the lease: host.address keeps the old one until
	   then. */
	if (mgmt && stat)
		set[n++] = (struct hostcfg_field){ x->host, F_host_address, a[1] };
	hostcfg_set(x, park, r, stat ? (const char *const[]){ "network", "static", a[1], a[2],
	    a[3], a[4], NULL } : strcmp(a[0], "DHCP") == 0 ?
	    (const char *const[]){ "network", "dhcp", NULL } : NULL, set, n);
}
