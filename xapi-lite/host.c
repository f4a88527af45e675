/*
 * The records of a new host, from what is known of the machine (struct host_facts): one
 * pool with one host (metrics, CPUs), its control domain, a local SR with its PBD, the
 * management PIF on network xenbr0, and the two templates every Atoll host offers. The
 * sim backend gives made-up facts (like XAPI's xenopsd simulator); the xen backend, the
 * machine's.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hval.h"
#include "kvline.h"
#include "xapi.h"

#define GIB	(1024LL * 1024 * 1024)
#define MIB	(1024LL * 1024)

struct setting {
	enum fld	 f;
	struct val	*v;
};

/* Creates an object of class c with the given fields; NULL when anything fails. */
static struct obj *
make(struct xapi *x, enum cls c, const struct setting *s, size_t n)
{
	struct obj	*o;
	size_t		 i;
	int		 fails = 0;

	if ((o = db_create(&x->db, c)) == NULL) {
		for (i = 0; i < n; i++)
			hval_free(s[i].v);
		return NULL;
	}
	for (i = 0; i < n; i++)
		fails |= db_set(&x->db, o, s[i].f, s[i].v);
	return fails ? NULL : o;
}

#define MAKE(x, c, ...) make(x, c, (const struct setting[]){ __VA_ARGS__ }, \
	sizeof((const struct setting[]){ __VA_ARGS__ }) / sizeof(struct setting))

static struct val *
map2(const char *k1, const char *v1, const char *k2, const char *v2)
{
	struct val	*m = hval_struct();

	if (m == NULL || (k1 && hval_put(m, k1, hval_string(v1))) ||
	    (k2 && hval_put(m, k2, hval_string(v2)))) {
		hval_free(m);
		return NULL;
	}
	return m;
}

static struct val *
strings(const char *const *list)
{
	struct val	*a = hval_array();

	for (; a != NULL && *list != NULL; list++)
		if (hval_push(a, hval_string(*list)) == -1) {
			hval_free(a);
			return NULL;
		}
	return a;
}

static struct obj *
template(struct xapi *x, const char *name, const char *description, int pv)
{
	return MAKE(x, C_VM,
	    { F_VM_name_label, hval_string(name) },
	    { F_VM_name_description, hval_string(description) },
	    { F_VM_is_a_template, hval_bool(1) },
	    { F_VM_is_default_template, hval_bool(1) },
	    { F_VM_memory_static_max, hval_int(pv ? 128 * MIB : 2 * GIB) },
	    { F_VM_memory_dynamic_max, hval_int(pv ? 128 * MIB : 2 * GIB) },
	    { F_VM_memory_dynamic_min, hval_int(pv ? 128 * MIB : 2 * GIB) },
	    { F_VM_memory_static_min, hval_int(pv ? 64 * MIB : 1 * GIB) },
	    { F_VM_VCPUs_max, hval_int(pv ? 1 : 2) },
	    { F_VM_VCPUs_at_startup, hval_int(pv ? 1 : 2) },
	    { F_VM_domain_type, hval_string(pv ? "pv" : "hvm") },
	    { F_VM_HVM_boot_policy, hval_string(pv ? "" : "BIOS order") },
	    { F_VM_HVM_boot_params, pv ? hval_struct() : map2("order", "dc", NULL, NULL) },
	    { F_VM_PV_kernel, hval_string(pv ? "/usr/share/atoll/guest/vmlinuz" : "") },
	    { F_VM_PV_ramdisk, hval_string(pv ? "/usr/share/atoll/guest/initrd.gz" : "") },
	    { F_VM_PV_args, hval_string(pv ? "console=hvc0 quiet" : "") },
	    { F_VM_platform, map2("acpi", "1", "apic", "true") },
	    { F_VM_domid, hval_int(-1) },
	    { F_VM_other_config, pv ? hval_struct() : map2("disks",
		"<provision><disk device=\"0\" size=\"10737418240\" sr=\"\" bootable=\"true\" "
		"type=\"system\"/></provision>", "install-methods", "cdrom") });
}

/* An SR of the host: a directory of the state directory, plugged through its PBD. */
static struct obj *
make_sr(struct xapi *x, struct obj *host, const char *label, const char *description,
    const char *type, const char *content, const char *subdir, long long size)
{
	struct obj	*sr;
	char		 dir[300];

	snprintf(dir, sizeof(dir), "%s/%s", x->statedir, subdir);
	if ((sr = MAKE(x, C_SR,
	    { F_SR_name_label, hval_string(label) },
	    { F_SR_name_description, hval_string(description) },
	    { F_SR_type, hval_string(type) },
	    { F_SR_content_type, hval_string(content) },
	    { F_SR_physical_size, hval_int(size) })) == NULL ||
	    MAKE(x, C_PBD,
	    { F_PBD_host, hval_string(host->ref) },
	    { F_PBD_SR, hval_string(sr->ref) },
	    { F_PBD_device_config, map2("location", dir, NULL, NULL) },
	    { F_PBD_currently_attached, hval_bool(1) }) == NULL)
		return NULL;
	return sr;
}

/* The host's time zone, NTP and SSH settings from f. */
static int
settings(struct xapi *x, struct obj *host, const struct host_facts *f)
{
	struct val	*servers = hval_array();
	char		 list[400], *p, *w;
	int		 fails = servers == NULL;

	snprintf(list, sizeof(list), "%s", f->ntp_servers != NULL ? f->ntp_servers : "");
	for (p = list; !fails && (w = strtok_r(p, " ", &p)) != NULL; )
		fails |= hval_push(servers, hval_string(w));
	if (fails) {
		hval_free(servers);
		return -1;
	}
	fails |= db_set(&x->db, host, F_host_ntp_custom_servers, servers);
	fails |= db_set(&x->db, host, F_host_ntp_mode, hval_string(f->ntp_mode));
	fails |= db_set(&x->db, host, F_host_ssh_enabled, hval_bool(!f->ssh_off));
	if (f->timezone != NULL)
		fails |= db_set(&x->db, host, F_host_timezone, hval_string(f->timezone));
	return fails ? -1 : 0;
}

/* key of the host's software_version set to v; 1 when that changed it. */
static int
software_key(struct xapi *x, const char *key, const char *v)
{
	struct val	*sv = db_get(&x->db, x->host, F_host_software_version);
	struct val	*old = hval_get(sv, key, strlen(key));

	if (old != NULL && old->type == VAL_STRING && strcmp(old->u.s.p, v) == 0)
		return 0;
	return hval_put(sv, key, hval_string(v)) == 0;
}

void
host_software_version(struct xapi *x, const char *slots)
{
	static const char *const	keys[][2] = { { "running", "atoll_slot" },
		{ "boot", "atoll_slot_boot" }, { "a", "atoll_slot_a" }, { "b", "atoll_slot_b" } };
	char				line[KVLINE_MAX], v[64];
	long				n = 0;
	size_t				i;
	int				changed;

	if (x->host == NULL)
		return;
	/* A database an older build wrote names that build. */
	changed = software_key(x, "product_version", ATOLL_VERSION);
	changed |= software_key(x, "build_number", ATOLL_VERSION);
	if (slots != NULL && (n = kvline_read(slots, line)) < 0)
		n = 0;
	for (i = 0; n > 0 && i < sizeof(keys) / sizeof(keys[0]); i++)
		if (kvline_get(line, (size_t)n, keys[i][0], v, sizeof(v)) == 1)
			changed |= software_key(x, keys[i][1], v);
	if (changed)
		db_touch(&x->db, x->host);
}

int
host_populate(struct xapi *x, const struct host_facts *f)
{
	struct obj	*pool, *host, *hm, *dom0, *sr, *net, *pif, *pm, *dm;
	char		 dom0_name[96], cpus[16];
	long long	 now = clock_unix();
	int		 i;

	snprintf(dom0_name, sizeof(dom0_name), "Control domain on host: %s", f->hostname);
	snprintf(cpus, sizeof(cpus), "%d", f->cpus);
	if ((hm = MAKE(x, C_host_metrics,
	    { F_host_metrics_memory_total, hval_int(f->memory_total) },
	    { F_host_metrics_live, hval_bool(1) },
	    { F_host_metrics_last_updated, hval_datetime(now) })) == NULL)
		return -1;
	if ((host = MAKE(x, C_host,
	    { F_host_name_label, hval_string(f->hostname) },
	    { F_host_name_description, hval_string(f->description) },
	    { F_host_hostname, hval_string(f->hostname) },
	    { F_host_address, hval_string(f->ip) },
	    { F_host_enabled, hval_bool(1) },
	    { F_host_metrics, hval_string(hm->ref) },
	    { F_host_API_version_major, hval_int(2) },
	    { F_host_API_version_minor, hval_int(23) },
	    { F_host_API_version_vendor, hval_string("XenSource") },
	    { F_host_software_version, map2("product_brand", "Atoll",
		"product_version", ATOLL_VERSION) },
	    { F_host_cpu_info, map2("cpu_count", cpus, "socket_count", "1") },
	    { F_host_sched_policy, hval_string("credit") },
	    { F_host_memory_overhead, hval_int(64 * MIB) },
	    { F_host_capabilities, strings((const char *const[]){ "xen-3.0-x86_64",
		"hvm-3.0-x86_32", "hvm-3.0-x86_64", NULL }) },
	    { F_host_other_config, map2("agent_start_time", "0", "boot_time", "0") })) == NULL)
		return -1;
	/* software_version wants a few more keys XO reads. */
	hval_put(db_get(&x->db, host, F_host_software_version), "build_number",
	    hval_string(f->build));
	hval_put(db_get(&x->db, host, F_host_software_version), "platform_version",
	    hval_string(f->xen_version));
	hval_put(db_get(&x->db, host, F_host_software_version), "xen", hval_string(f->xen_version));
	hval_put(db_get(&x->db, host, F_host_software_version), "linux",
	    hval_string(f->dom0_kernel));
	if (f->ntp_mode != NULL && settings(x, host, f) == -1)
		return -1;
	x->host = host;
	for (i = 0; i < f->cpus; i++)
		if (MAKE(x, C_host_cpu,
		    { F_host_cpu_host, hval_string(host->ref) },
		    { F_host_cpu_number, hval_int(i) },
		    { F_host_cpu_vendor, hval_string("AuthenticAMD") },
		    { F_host_cpu_modelname, hval_string(f->cpu_model) },
		    { F_host_cpu_speed, hval_int(2400) }) == NULL)
			return -1;

	if ((dm = MAKE(x, C_VM_metrics,
	    { F_VM_metrics_memory_actual, hval_int(f->dom0_memory) },
	    { F_VM_metrics_VCPUs_number, hval_int(f->dom0_vcpus) },
	    { F_VM_metrics_start_time, hval_datetime(now) },
	    { F_VM_metrics_current_domain_type, hval_string("pv") })) == NULL)
		return -1;
	if ((dom0 = MAKE(x, C_VM,
	    { F_VM_name_label, hval_string(dom0_name) },
	    { F_VM_is_control_domain, hval_bool(1) },
	    { F_VM_power_state, hval_string("Running") },
	    { F_VM_resident_on, hval_string(host->ref) },
	    { F_VM_domid, hval_int(0) },
	    { F_VM_domain_type, hval_string("pv") },
	    { F_VM_metrics, hval_string(dm->ref) },
	    { F_VM_memory_static_max, hval_int(f->dom0_memory) },
	    { F_VM_memory_dynamic_max, hval_int(f->dom0_memory) },
	    { F_VM_VCPUs_max, hval_int(f->dom0_vcpus) },
	    { F_VM_VCPUs_at_startup, hval_int(f->dom0_vcpus) })) == NULL ||
	    db_set(&x->db, host, F_host_control_domain, hval_string(dom0->ref)) == -1)
		return -1;

	/* Two SRs, directories of the state directory (an installed host mounts ATOLL-SR on
	   the first): sparse raw disks, and the ISO library for install media. */
	if ((sr = make_sr(x, host, "Local storage", "Sparse raw files on ATOLL-SR", "file",
	    "user", "sr", f->sr_size)) == NULL ||
	    make_sr(x, host, "ISO library", "Install media uploaded to this host", "iso", "iso",
	    "iso", f->sr_size) == NULL)
		return -1;

	if ((net = MAKE(x, C_network,
	    { F_network_name_label, hval_string("Pool-wide network associated with eth0") },
	    { F_network_bridge, hval_string("xenbr0") },
	    { F_network_MTU, hval_int(1500) })) == NULL ||
	    (pm = MAKE(x, C_PIF_metrics,
	    { F_PIF_metrics_carrier, hval_bool(1) },
	    { F_PIF_metrics_speed, hval_int(1000) },
	    { F_PIF_metrics_duplex, hval_bool(1) })) == NULL ||
	    (pif = MAKE(x, C_PIF,
	    { F_PIF_device, hval_string("eth0") },
	    { F_PIF_network, hval_string(net->ref) },
	    { F_PIF_host, hval_string(host->ref) },
	    { F_PIF_MAC, hval_string(f->mac) },
	    { F_PIF_MTU, hval_int(1500) },
	    { F_PIF_VLAN, hval_int(-1) },
	    { F_PIF_metrics, hval_string(pm->ref) },
	    { F_PIF_physical, hval_bool(1) },
	    { F_PIF_currently_attached, hval_bool(1) },
	    { F_PIF_management, hval_bool(1) },
	    { F_PIF_ip_configuration_mode, hval_string(f->ip_mode) },
	    { F_PIF_IP, hval_string(f->ip) },
	    { F_PIF_netmask, hval_string(f->netmask) },
	    { F_PIF_gateway, hval_string(f->gateway) },
	    { F_PIF_DNS, hval_string(f->dns) })) == NULL)
		return -1;

	if ((pool = MAKE(x, C_pool,
	    { F_pool_name_label, hval_string("") },
	    { F_pool_master, hval_string(host->ref) },
	    { F_pool_default_SR, hval_string(sr->ref) },
	    { F_pool_suspend_image_SR, hval_string(sr->ref) },
	    { F_pool_crash_dump_SR, hval_string(sr->ref) },
	    { F_pool_cpu_info, map2("cpu_count", cpus, "socket_count", "1") })) == NULL)
		return -1;
	x->pool = pool;

	if (template(x, "Atoll demo guest", "A tiny PV guest that prints a banner", 1) == NULL ||
	    template(x, "Other install media", "Install any OS from an ISO (HVM)", 0) == NULL)
		return -1;
	return 0;
}

int
sim_populate(struct xapi *x)
{
	struct host_facts	f = {
		.description = "Atoll host (simulated)", .cpus = 4,
		.cpu_model = "Simulated CPU", .memory_total = 16 * GIB,
		.dom0_memory = 768 * MIB, .dom0_vcpus = 2, .xen_version = "4.17",
		.dom0_kernel = "6.1", .build = "sim", .sr_size = 100 * GIB,
		.mac = "52:54:00:12:34:56", .ip_mode = "DHCP", .ip = "10.0.2.15",
		.netmask = "255.255.255.0", .gateway = "10.0.2.2", .dns = "10.0.2.3",
	};

	snprintf(f.hostname, sizeof(f.hostname), "atoll");
	gethostname(f.hostname, sizeof(f.hostname) - 1);
	return host_populate(x, &f);
}
