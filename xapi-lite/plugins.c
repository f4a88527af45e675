/*
 * host.call_plugin: the read-only XCP-ng host plugins Atoll has the data of, answering as
 * XCP-ng's do (their functions return a JSON text). As XAPI: a plugin the host does not
 * have is XENAPI_MISSING_PLUGIN [name]; an unknown function of one it has is what XAPI's
 * plugin framework answers, UNKNOWN_XENAPI_PLUGIN_FUNCTION [fn]; a function that fails
 * gives XCP-ng's error_wrapped error: code, then [message, details, backtrace] (no Python
 * backtrace here: ""). On the xen backend a function runs the host tool the plugin runs,
 * as a job of the event loop; on the sim one it answers from the simulated host's facts.
 *
 *   lsblk.py          list_block_devices   `lsblk -P -b -o ...` as JSON (lsblk.h)
 *   hyperthreading.py get_hyperthreading   "true" when `xl info` says threads_per_core > 1
 *
 * smartctl.py is not here: dom0 carries no smartmontools, so, as on a host without the
 * plugin, it is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "exec.h"
#include "hval.h"
#include "lsblk.h"
#include "nitems.h"
#include "rpc_impl.h"
#include "xlparse.h"

typedef void plugin_fn(struct xapi *x, struct park *pk, struct rpc_reply *r);

struct plugin_call {
	const char	*plugin, *fn;
	plugin_fn	*run;
};

static plugin_fn list_block_devices, get_hyperthreading;

static const struct plugin_call plugin_calls[] = {
	{ "lsblk.py", "list_block_devices", list_block_devices },
	{ "hyperthreading.py", "get_hyperthreading", get_hyperthreading },
};

#define PLUGIN_ERR_TEXT	200	/* bytes of a tool's output an error carries */

/* The tool's output, short and printable ASCII, so any client can show it. */
static const char *
job_text(struct xapi *x, const struct park *pk)
{
	const char	*out = pk->job->out.p ? pk->job->out.p : "";
	char		 t[PLUGIN_ERR_TEXT + 1];
	size_t		 i;

	for (i = 0; i < PLUGIN_ERR_TEXT && i < pk->job->out.len; i++)
		t[i] = out[i] >= ' ' && out[i] <= '~' ? out[i] : '?';
	t[i] = '\0';
	return rpc_printf(x, "%s", t);
}

/* The plugin's error for a tool that failed (xcpngutils' run_command and error_wrapped):
   not found is the OSError's errno and words, another exit its status and output. */
static void
tool_failed(struct xapi *x, struct park *pk, struct rpc_reply *r, const char *cmd,
    const char *tool)
{
	if (pk->job->status == 127) {
		rpc_fail(x, r, "2", 3, "No such file or directory", tool, "");
		return;
	}
	rpc_fail(x, r, rpc_printf(x, "%d", pk->job->status), 3,
	    rpc_printf(x, "Command '%s' failed with code: %d", cmd, pk->job->status),
	    rpc_printf(x, "stdout: '%s', stderr: ''", job_text(x, pk)), "");
}

/* lsblk's lines into the answer, or the plugin's error ("-1": its parse failed). */
static void
lsblk_answer(struct xapi *x, struct rpc_reply *r, const char *text, size_t len)
{
	struct buf	 json;
	char		 err[160];

	buf_init(&json, LSBLK_OUTPUT_MAX);
	if (lsblk_to_json(text, len, &json, err, sizeof(err)) == -1)
		rpc_fail(x, r, "-1", 3, rpc_printf(x, "%s", err), "", "");
	else
		rpc_ok(r, rpc_str(x, rpc_printf(x, "%s", json.p)));
	buf_free(&json);
}

static void
lsblk_done(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	if (pk->job->status != 0) {
		tool_failed(x, pk, r, "['lsblk', '-P', '-b', '-o', "
		    "'NAME,KNAME,PKNAME,SIZE,TYPE,RO,MOUNTPOINT']", "lsblk");
		return;
	}
	if (pk->job->dropped) {
		rpc_fail(x, r, "-1", 3, rpc_printf(x, "lsblk output: more than %zu bytes",
		    pk->job->out.max), "", "");
		return;
	}
	lsblk_answer(x, r, pk->job->out.p ? pk->job->out.p : "", pk->job->out.len);
}

/* The sim's disk: dom0's root partition and the local SR's, on one made-up disk. */
static void
sim_lsblk(struct xapi *x, struct rpc_reply *r)
{
	const long long	 root = 8LL << 30;
	long long	 sr = 0;
	size_t		 i;
	const char	*text;

	for (i = 0; i < x->db.n[C_SR]; i++)
		if (strcmp(db_str(&x->db, x->db.objs[C_SR][i], F_SR_type), "udev") != 0)
			sr = db_get(&x->db, x->db.objs[C_SR][i], F_SR_physical_size)->u.i;
	text = rpc_printf(x,
	    "NAME=\"sda\" KNAME=\"sda\" PKNAME=\"\" SIZE=\"%lld\" TYPE=\"disk\" RO=\"0\" "
	    "MOUNTPOINT=\"\"\n"
	    "NAME=\"sda1\" KNAME=\"sda1\" PKNAME=\"sda\" SIZE=\"%lld\" TYPE=\"part\" RO=\"0\" "
	    "MOUNTPOINT=\"/\"\n"
	    "NAME=\"sda2\" KNAME=\"sda2\" PKNAME=\"sda\" SIZE=\"%lld\" TYPE=\"part\" RO=\"0\" "
	    "MOUNTPOINT=\"/var/lib/atoll\"\n", root + sr, root, sr);
	lsblk_answer(x, r, text, strlen(text));
}

static void
list_block_devices(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	const char	*argv[] = LSBLK_ARGV;

	if (strcmp(x->backend, "xen") != 0) {
		sim_lsblk(x, r);
		return;
	}
	if (park_job(pk, argv, NULL, lsblk_done) == -1) {
		rpc_fail(x, r, "2", 3, "cannot start lsblk", "lsblk", "");
		return;
	}
	r->parked = 1;
}

static void
xl_info_done(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	struct xl_info	 info;
	char		 err[120];

	if (pk->job->status != 0) {
		tool_failed(x, pk, r, "['xl', 'info']", "xl");
		return;
	}
	if (xl_info_parse(pk->job->out.p ? pk->job->out.p : "", &info, err, sizeof(err)) == -1) {
		rpc_fail(x, r, "-1", 3, rpc_printf(x, "%s", err), "", "");
		return;
	}
	if (info.threads_per_core == 0) {
		rpc_fail(x, r, "-1", 3, "xl info: no threads_per_core line", "", "");
		return;
	}
	rpc_ok(r, rpc_str(x, info.threads_per_core > 1 ? "true" : "false"));
}

static void
get_hyperthreading(struct xapi *x, struct park *pk, struct rpc_reply *r)
{
	const struct val	*t;

	if (strcmp(x->backend, "xen") != 0) {
		/* The sim's CPUs: what host.cpu_info says, one thread per core unless told. */
		t = hval_get(db_get(&x->db, x->host, F_host_cpu_info), "threads_per_core",
		    strlen("threads_per_core"));
		rpc_ok(r, rpc_str(x, t != NULL && t->type == VAL_STRING && atoi(t->u.s.p) > 1 ?
		    "true" : "false"));
		return;
	}
	if (park_job(pk, (const char *const[]){ "xl", "info", NULL }, NULL, xl_info_done) == -1) {
		rpc_fail(x, r, "2", 3, "cannot start xl", "xl", "");
		return;
	}
	r->parked = 1;
}

/* Whether args is XAPI's (string -> string) map. */
static int
string_map(const struct val *args)
{
	size_t	i;

	if (args->type != VAL_STRUCT)
		return 0;
	for (i = 0; i < args->u.st.n; i++)
		if (args->u.st.m[i].v->type != VAL_STRING)
			return 0;
	return 1;
}

void
call_host_call_plugin(struct xapi *x, struct obj *s, struct val *p, struct rpc_reply *r,
    struct park *park)
{
	const char	*plugin, *fn;
	size_t		 i;
	int		 known = 0;

	(void)s;
	if (rpc_param_ref(x, r, p, 1, C_host) == NULL)
		return;
	if ((plugin = rpc_param_str(p, 2)) == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "plugin");
		return;
	}
	if ((fn = rpc_param_str(p, 3)) == NULL) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "fn");
		return;
	}
	if (!string_map(p->u.a.items[4])) {
		rpc_fail(x, r, "FIELD_TYPE_ERROR", 1, "args");
		return;
	}
	if (park == NULL) {
		rpc_fail(x, r, "INTERNAL_ERROR", 1, "this call needs its connection");
		return;
	}
	for (i = 0; i < nitems(plugin_calls); i++) {
		if (strcmp(plugin_calls[i].plugin, plugin) != 0)
			continue;
		known = 1;
		if (strcmp(plugin_calls[i].fn, fn) == 0) {
			plugin_calls[i].run(x, park, r);
			return;
		}
	}
	if (known)
		rpc_fail(x, r, "UNKNOWN_XENAPI_PLUGIN_FUNCTION", 1, fn);
	else
		rpc_fail(x, r, "XENAPI_MISSING_PLUGIN", 1, plugin);
}
