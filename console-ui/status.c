/*
 * The status screen's text, as xsconsole's Status Display shows it: product and version,
 * host name, the management interface, the TLS certificate's and SSH host key's
 * fingerprints, CPUs, memory, VMs running and uptime. Everything the XenAPI knows comes
 * from xapi-lite; the fingerprints and uptime are this machine's own files.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "console.h"
#include "exec.h"

#define MIB	(1024LL * 1024)

int
status_host(struct console *c, char *host, size_t len)
{
	struct val	*v;

	if ((v = xenapi_call(&c->api, c->api.session, "session.get_this_host", "s",
	    c->api.session)) == NULL)
		return -1;
	snprintf(host, len, "%s", xv_str(v));
	return 0;
}

/* The management PIF's record, or NULL. */
static struct val *
management_pif(struct console *c, const char **ref)
{
	struct val	*all;
	size_t		 i;

	if ((all = xenapi_call(&c->api, c->api.session, "PIF.get_all_records", "")) == NULL ||
	    all->type != VAL_STRUCT)
		return NULL;
	for (i = 0; i < all->u.st.n; i++)
		if (xv_bool(xv_get(all->u.st.m[i].v, "management"))) {
			if (ref != NULL)
				*ref = all->u.st.m[i].name;
			return all->u.st.m[i].v;
		}
	snprintf(c->api.error, sizeof(c->api.error), "no PIF is the management interface");
	c->api.code[0] = '\0';
	return NULL;
}

int
status_management_pif(struct console *c, char *pif, size_t len)
{
	const char	*ref;

	if (management_pif(c, &ref) == NULL)
		return -1;
	snprintf(pif, len, "%s", ref);
	return 0;
}

/* "3 days, 4:05" or "17 min" from /proc/uptime. */
static void
uptime(char *out, size_t len)
{
	FILE		*f;
	double		 up = 0;
	long long	 s, days;

	snprintf(out, len, "unknown");
	if ((f = fopen("/proc/uptime", "r")) == NULL)
		return;
	if (fscanf(f, "%lf", &up) == 1) {
		s = (long long)up;
		days = s / 86400;
		if (days > 0)
			snprintf(out, len, "%lld day%s, %lld:%02lld", days, days == 1 ? "" : "s",
			    s % 86400 / 3600, s % 3600 / 60);
		else if (s >= 3600)
			snprintf(out, len, "%lld:%02lld", s / 3600, s % 3600 / 60);
		else
			snprintf(out, len, "%lld min", s / 60);
	}
	fclose(f);
}

/* The first line argv prints, after prefix when given (the rest of that line), or "". */
static void
first_line(const char *const argv[], const char *prefix, char *out, size_t len)
{
	struct buf	 b;
	const char	*p;

	out[0] = '\0';
	buf_init(&b, 64 * 1024);
	if (exec_run(argv, &b, NULL) == 0 && b.p != NULL) {
		p = prefix != NULL ? strstr(b.p, prefix) : b.p;
		if (p != NULL) {
			p += prefix != NULL ? strlen(prefix) : 0;
			snprintf(out, len, "%.*s", (int)strcspn(p, "\r\n"), p);
		}
	}
	buf_free(&b);
}

/* True when fp holds path's fingerprint as the file is now; else notes the file's
   identity for the fingerprint about to be made. */
static int
fingerprint_fresh(struct fingerprint *fp, const char *path)
{
	struct stat	st;

	if (stat(path, &st) == -1) {
		fp->known = 0;
		return 0;
	}
	if (fp->known && fp->ino == st.st_ino && fp->size == st.st_size &&
	    fp->mtime_s == st.st_mtim.tv_sec && fp->mtime_ns == st.st_mtim.tv_nsec)
		return 1;
	fp->known = 0;
	fp->ino = st.st_ino;
	fp->size = st.st_size;
	fp->mtime_s = st.st_mtim.tv_sec;
	fp->mtime_ns = st.st_mtim.tv_nsec;
	return 0;
}

/* The certificate's SHA-256 fingerprint on two lines of 16 bytes, or why not. */
static void
tls_fingerprint(struct console *c, char *out, size_t len)
{
	struct fingerprint	*fp = &c->tls_fp;

	if (!fingerprint_fresh(fp, c->cert)) {
		first_line((const char *const[]){ "openssl", "x509", "-in", c->cert,
		    "-noout", "-fingerprint", "-sha256", NULL }, "=", fp->text, sizeof(fp->text));
		fp->known = strlen(fp->text) == 95;
	}
	if (!fp->known)
		snprintf(out, len, "  (no certificate yet)");
	else
		snprintf(out, len, "  %.47s\n  %.47s", fp->text, fp->text + 48);
}

static void
ssh_fingerprint(struct console *c, char *out, size_t len)
{
	struct fingerprint	*fp = &c->ssh_fp;
	char			 key[300];

	snprintf(key, sizeof(key), "%s/dropbear_ed25519_host_key", c->ssh_dir);
	if (!fingerprint_fresh(fp, key)) {
		first_line((const char *const[]){ "dropbearkey", "-y", "-f", key, NULL },
		    "Fingerprint: ", fp->text, sizeof(fp->text));
		fp->known = fp->text[0] != '\0';
	}
	snprintf(out, len, "%s", fp->known ? fp->text : "(no host key yet)");
}

/* Running and all VMs, less templates and the control domain. */
static void
count_vms(struct console *c, int *running, int *all)
{
	struct val	*vms, *vm;
	size_t		 i;

	*running = *all = 0;
	if ((vms = xenapi_call(&c->api, c->api.session, "VM.get_all_records", "")) == NULL ||
	    vms->type != VAL_STRUCT)
		return;
	for (i = 0; i < vms->u.st.n; i++) {
		vm = vms->u.st.m[i].v;
		if (xv_bool(xv_get(vm, "is_a_template")) ||
		    xv_bool(xv_get(vm, "is_control_domain")))
			continue;
		(*all)++;
		*running += strcmp(xv_field(vm, "power_state"), "Running") == 0;
	}
}

int
status_text(struct console *c, char *out, size_t len)
{
	struct val	*host, *pif, *metrics, *sv;
	char		 ref[96], up[64], tls[128], ssh[160], name[256], slots[96] = "";
	const char	*other, *key;
	int		 running, all;
	long long	 mem;

	xenapi_reset(&c->api);
	uptime(up, sizeof(up));
	if ((c->api.session[0] == '\0' && xenapi_connect(&c->api) == -1) ||
	    status_host(c, ref, sizeof(ref)) == -1) {
		/* A session that went away (xapi-lite restarted) is made again next time. */
		c->api.session[0] = '\0';
		if (gethostname(name, sizeof(name)) == -1)
			snprintf(name, sizeof(name), "?");
		snprintf(out, len, "Host %s, up %s\n\nThe XenAPI service (xapi-lite) is not "
		    "answering:\n%s\n\nRetrying every %d seconds.", name, up, c->api.error,
		    REFRESH_S);
		return -1;
	}
	host = xenapi_call(&c->api, c->api.session, "host.get_record", "s", ref);
	pif = management_pif(c, NULL);
	metrics = host == NULL ? NULL : xenapi_call(&c->api, c->api.session,
	    "host_metrics.get_record", "s", xv_field(host, "metrics"));
	count_vms(c, &running, &all);
	tls_fingerprint(c, tls, sizeof(tls));
	ssh_fingerprint(c, ssh, sizeof(ssh));
	sv = xv_get(host, "software_version");
	mem = xv_int(xv_get(metrics, "memory_total"), 0);
	/* An installed host's image slots (atoll-upgrade's): the running one's version is
	   the product's; the other's, for a rollback, is said beside it. */
	other = strcmp(xv_field(sv, "atoll_slot"), "a") == 0 ? "b" :
	    strcmp(xv_field(sv, "atoll_slot"), "b") == 0 ? "a" : NULL;
	if (other != NULL) {
		key = other[0] == 'a' ? "atoll_slot_a" : "atoll_slot_b";
		snprintf(slots, sizeof(slots), " (slot %s; slot %s: %s)",
		    xv_field(sv, "atoll_slot"), other,
		    *xv_field(sv, key) ? xv_field(sv, key) : "empty");
	}
	snprintf(out, len,
	    "%s %s%s    host name: %s\n"
	    "\n"
	    "Management interface %s (%s), %s\n"
	    "  IP %s  netmask %s  gateway %s\n"
	    "  DNS %s\n"
	    "\n"
	    "%s CPUs, %lld MiB memory; %d of %d VMs running; up %s\n"
	    "TLS certificate (SHA-256):\n%s\n"
	    "SSH host key: %s",
	    xv_field(sv, "product_brand"), xv_field(sv, "product_version"), slots,
	    xv_field(host, "hostname"),
	    pif != NULL ? xv_field(pif, "device") : "none", xv_field(pif, "MAC"),
	    pif != NULL ? xv_field(pif, "ip_configuration_mode") : "<No network configured>",
	    *xv_field(pif, "IP") ? xv_field(pif, "IP") : "none",
	    *xv_field(pif, "netmask") ? xv_field(pif, "netmask") : "none",
	    *xv_field(pif, "gateway") ? xv_field(pif, "gateway") : "none",
	    *xv_field(pif, "DNS") ? xv_field(pif, "DNS") : "none",
	    xv_field(xv_get(host, "cpu_info"), "cpu_count"), mem / MIB, running, all, up,
	    tls, ssh);
	return 0;
}
