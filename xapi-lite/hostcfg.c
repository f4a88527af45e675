/*
 * Applying host settings: the program given by --host-config (on an installed host,
 * /usr/lib/atoll/host-config) changes the running system and makes it persistent;
 * xapi-lite runs it as a job of the event loop and the call's reply waits for it. The
 * record changes only once it has exited 0, so a failed apply leaves the old values.
 * Without --host-config (the sim backend) the calls only record.
 *
 * The verbs, as xapi-lite runs them (one argument each, never through a shell):
 *   PROGRAM hostname NAME                      host.set_hostname_live
 *   PROGRAM network static IP NETMASK GATEWAY DNS
 *                                              PIF.reconfigure_ip, Static (GATEWAY and
 *                                              DNS may be empty; DNS is comma-separated)
 *   PROGRAM network dhcp                       PIF.reconfigure_ip, DHCP
 *   PROGRAM ntp custom SERVER...               host.set_ntp_mode Custom, or
 *                                              host.set_ntp_custom_servers in Custom mode
 *   PROGRAM ntp dhcp|factory|disabled          host.set_ntp_mode
 *   PROGRAM timezone ZONE                      host.set_timezone (ZONE is a file under
 *                                              --zoneinfo, such as Europe/Paris)
 *   PROGRAM ssh on|off                         host.enable_ssh, host.disable_ssh
 *   PROGRAM password                           session.change_password; the new
 *                                              sha512-crypt hash and a newline on stdin
 *   PROGRAM reboot | PROGRAM poweroff          host.reboot, host.shutdown (the host is
 *                                              disabled; the program stops the guests
 *                                              first, as XAPI's prepare_for_poweroff does)
 * Exit 0 is success; otherwise the call fails with INTERNAL_ERROR carrying the first line
 * the program wrote (its stdout and stderr share one pipe).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "hval.h"
#include "rpc_impl.h"

#define HOSTCFG_MAX_ARGS	40

/* The program finished: on success what follows, else its first line as the error. */
static void
hostcfg_done(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	const char	*out = pk->job->out.p ? pk->job->out.p : "";
	char		 line[200];
	size_t		 i;

	if (pk->job->status == 0) {
		pk->then(x, pk, r);
		return;
	}
	if (pk->job->status == 127) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1,
		    rpc_printf(x, "%s: cannot run it", x->host_config));
		return;
	}
	/* The first line, short and printable ASCII, so any client can show it. */
	for (i = 0; i < sizeof(line) - 1 && i < pk->job->out.len && out[i] != '\n'; i++)
		line[i] = out[i] >= ' ' && out[i] <= '~' ? out[i] : '?';
	line[i] = '\0';
	rpc_fail(x, r, "INTERNAL_ERROR", 1, i ? line :
	    rpc_printf(x, "%s failed (status %d)", x->host_config, pk->job->status));
}

void
hostcfg_run(struct xapi *x, struct park *pk, struct rpc_reply *r, const char *const argv[],
    const char *input, void (*then)(struct xapi *, struct park *, struct rpc_reply *))
{
	const char	*full[HOSTCFG_MAX_ARGS + 2];
	size_t		 n = 0;

	if (pk == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "this call needs its connection");
		return;
	}
	pk->then = then;
	if (x->host_config == NULL || argv == NULL) {
		then(x, pk, r);
		return;
	}
	full[n++] = x->host_config;
	for (; *argv != NULL && n <= HOSTCFG_MAX_ARGS; argv++)
		full[n++] = *argv;
	full[n] = NULL;
	if (park_job(pk, full, input, hostcfg_done) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1,
		    rpc_printf(x, "%s: cannot start it", x->host_config));
		return;
	}
	r->parked = 1;
}

/* The context of hostcfg_set: per field its object's ref, field number and text. */
static void
set_fields(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	const char	*p = pk->ctx, *end = pk->ctx + pk->ctxlen;

	while (p != NULL && p < end) {
		const char	*ref = p, *fnum = ref + strlen(ref) + 1;
		const char	*text = fnum + strlen(fnum) + 1;
		struct obj	*o = db_find(&x->db, ref, strlen(ref));
		enum fld	 f = (enum fld)atoi(fnum);
		struct val	*v;

		p = text + strlen(text) + 1;
		if (o == NULL)
			continue;	/* gone meanwhile */
		switch (model_fields[f].kind) {
		case K_INT:
			v = hval_int(strtoll(text, NULL, 10));
			break;
		case K_BOOL:
			v = hval_bool(strcmp(text, "true") == 0);
			break;
		case K_SET:
			v = hval_array();
			while (v != NULL && *text != '\0') {
				size_t	len = strcspn(text, "\n");

				if (hval_push(v, hval_stringn(text, len)) == -1) {
					hval_free(v);
					v = NULL;
				}
				text += len + (text[len] == '\n');
			}
			break;
		default:
			v = hval_string(text);
		}
		if (v == NULL || db_set(&x->db, o, f, v) == -1) {
			rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
			return;
		}
	}
	rpc_ok(r, rpc_str(x, ""));
}

void
hostcfg_set(struct xapi *x, struct park *pk, struct rpc_reply *r, const char *const argv[],
    const struct hostcfg_field *set, size_t n)
{
	const char	*parts[3 * 8];
	char		 fnum[8][16];
	size_t		 i;

	if (pk == NULL || n > 8) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "this call needs its connection");
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(fnum[i], sizeof(fnum[i]), "%d", (int)set[i].f);
		parts[3 * i] = set[i].o->ref;
		parts[3 * i + 1] = fnum[i];
		parts[3 * i + 2] = set[i].text;
	}
	if (park_set_ctx(pk, parts, 3 * n) == -1) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "out of memory");
		return;
	}
	hostcfg_run(x, pk, r, argv, NULL, set_fields);
}
