/*
 * The screens that only show: storage repositories with their size and use, and the
 * hardware (CPUs, memory and NICs from the XenAPI, disks from /sys/block as xsconsole reads
 * them locally).
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"

#define GIB	(1024.0 * 1024 * 1024)

static void
show(struct console *c, const char *title)
{
	struct dialog	 d;

	ui_new(c, &d, title);
	dialog_add(&d, "--ok-label", "Back", "--msgbox", c->text, "22", "74", NULL);
	(void)ui_run(c, &d);
}

/* Appends to the screen's text. */
static void
add(struct console *c, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
add(struct console *c, size_t *len, const char *fmt, ...)
{
	va_list	ap;

	if (*len >= sizeof(c->text))
		return;
	va_start(ap, fmt);
	*len += (size_t)vsnprintf(c->text + *len, sizeof(c->text) - *len, fmt, ap);
	va_end(ap);
}

void
storage_screen(struct console *c)
{
	struct val	*all, *sr;
	size_t		 i, len = 0;
	double		 size, used;

	xenapi_reset(&c->api);
	if ((all = xenapi_call(&c->api, c->api.session, "SR.get_all_records", "")) == NULL) {
		ui_api_failed(c, "Storage", "The storage repositories could not be listed");
		return;
	}
	add(c, &len, "%-28s %-6s %10s %10s %5s\n", "Storage repository", "type", "size",
	    "used", "use");
	for (i = 0; all->type == VAL_STRUCT && i < all->u.st.n; i++) {
		sr = all->u.st.m[i].v;
		size = (double)xv_int(xv_get(sr, "physical_size"), 0);
		used = (double)xv_int(xv_get(sr, "physical_utilisation"), 0);
		add(c, &len, "%-28.28s %-6.6s %6.1f GiB %6.1f GiB %4.0f%%\n",
		    xv_field(sr, "name_label"), xv_field(sr, "type"), size / GIB, used / GIB,
		    size > 0 ? 100 * used / size : 0);
	}
	show(c, "Storage");
}

/* The machine's disks: name, size and model from /sys/block. */
static void
disks(struct console *c, size_t *len)
{
	DIR		*dir;
	struct dirent	*e;
	char		 path[300], model[64];
	unsigned long long sectors;
	FILE		*f;

	if ((dir = opendir("/sys/block")) == NULL)
		return;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.' || strncmp(e->d_name, "loop", 4) == 0 ||
		    strncmp(e->d_name, "ram", 3) == 0 || strncmp(e->d_name, "zram", 4) == 0 ||
		    strncmp(e->d_name, "md", 2) == 0 || strncmp(e->d_name, "dm-", 3) == 0)
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/size", e->d_name);
		sectors = 0;
		if ((f = fopen(path, "r")) != NULL) {
			if (fscanf(f, "%llu", &sectors) != 1)
				sectors = 0;
			fclose(f);
		}
		model[0] = '\0';
		snprintf(path, sizeof(path), "/sys/block/%s/device/model", e->d_name);
		if ((f = fopen(path, "r")) != NULL) {
			if (fgets(model, sizeof(model), f) == NULL)
				model[0] = '\0';
			model[strcspn(model, "\n")] = '\0';
			fclose(f);
		}
		if (sectors > 0)
			add(c, len, "  %-10s %8.1f GiB  %s\n", e->d_name,
			    (double)sectors * 512 / GIB, model);
	}
	closedir(dir);
}

void
hardware_screen(struct console *c)
{
	struct val	*cpus, *pifs, *metrics, *cpu = NULL, *pif;
	char		 host[96];
	size_t		 i, len = 0;

	xenapi_reset(&c->api);
	if (status_host(c, host, sizeof(host)) == -1 ||
	    (cpus = xenapi_call(&c->api, c->api.session, "host_cpu.get_all_records", "")) ==
	    NULL || (pifs = xenapi_call(&c->api, c->api.session, "PIF.get_all_records", "")) ==
	    NULL) {
		ui_api_failed(c, "Hardware", "The hardware could not be listed");
		return;
	}
	metrics = xenapi_call(&c->api, c->api.session, "host_metrics.get_record", "s",
	    xv_str(xenapi_call(&c->api, c->api.session, "host.get_metrics", "s", host)));
	if (cpus->type == VAL_STRUCT && cpus->u.st.n > 0)
		cpu = cpus->u.st.m[0].v;
	add(c, &len, "Processors: %zu x %s (%lld MHz)\n", cpus->type == VAL_STRUCT ?
	    cpus->u.st.n : 0, xv_field(cpu, "modelname"), xv_int(xv_get(cpu, "speed"), 0));
	add(c, &len, "Memory: %.1f GiB\n\nNetwork interfaces:\n",
	    (double)xv_int(xv_get(metrics, "memory_total"), 0) / GIB);
	for (i = 0; pifs->type == VAL_STRUCT && i < pifs->u.st.n; i++) {
		pif = pifs->u.st.m[i].v;
		add(c, &len, "  %-10s %s%s\n", xv_field(pif, "device"), xv_field(pif, "MAC"),
		    xv_bool(xv_get(pif, "management")) ? "  (management)" : "");
	}
	add(c, &len, "\nDisks:\n");
	disks(c, &len);
	show(c, "Hardware");
}
