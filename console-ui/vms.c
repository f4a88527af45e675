/*
 * Virtual machines: each with its power state and memory; start, clean shutdown, reboot,
 * force shutdown, pause and resume through the XenAPI, the ones that stop a guest
 * confirmed first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "nitems.h"

#define MIB		(1024LL * 1024)
#define VMS_MAX		200

struct vm {
	char	ref[96], name[80], state[16];
	long long memory;
};

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct vm *)a)->name, ((const struct vm *)b)->name);
}

/* The VMs (no templates, no control domain) in name order; how many, or -1. */
static int
list_vms(struct console *c, struct vm *vm, int max)
{
	struct val	*all, *r;
	size_t		 i;
	int		 n = 0;

	xenapi_reset(&c->api);
	if ((all = xenapi_call(&c->api, c->api.session, "VM.get_all_records", "")) == NULL ||
	    all->type != VAL_STRUCT)
		return -1;
	for (i = 0; i < all->u.st.n && n < max; i++) {
		r = all->u.st.m[i].v;
		if (xv_bool(xv_get(r, "is_a_template")) ||
		    xv_bool(xv_get(r, "is_control_domain")))
			continue;
		snprintf(vm[n].ref, sizeof(vm[n].ref), "%s", all->u.st.m[i].name);
		snprintf(vm[n].name, sizeof(vm[n].name), "%s", xv_field(r, "name_label"));
		snprintf(vm[n].state, sizeof(vm[n].state), "%s", xv_field(r, "power_state"));
		vm[n].memory = xv_int(xv_get(r, "memory_static_max"), 0);
		n++;
	}
	if (n > 0)
		qsort(vm, (size_t)n, sizeof(*vm), by_name);
	return n;
}

/* The operations a VM in state allows: the XenAPI message, its label, and whether it stops
   the guest (confirm first). */
static const struct op {
	const char	*state, *message, *label;
	int		 destructive;
} ops[] = {
	{ "Halted", "VM.start", "Start", 0 },
	{ "Running", "VM.clean_shutdown", "Shut down", 1 },
	{ "Running", "VM.clean_reboot", "Reboot", 1 },
	{ "Running", "VM.pause", "Pause", 0 },
	{ "Running", "VM.hard_shutdown", "Force shutdown", 1 },
	{ "Running", "VM.hard_reboot", "Hard reboot (forced)", 1 },
	{ "Paused", "VM.unpause", "Resume", 0 },
	{ "Paused", "VM.hard_shutdown", "Force shutdown", 1 },
	{ "Suspended", "VM.hard_shutdown", "Force shutdown", 1 },
};

static void
vm_actions(struct console *c, const struct vm *vm)
{
	struct dialog	 d;
	char		 text[256], tags[16][4];
	const struct op	*o = NULL;
	size_t		 i, n = 0;
	struct val	*v;

	snprintf(text, sizeof(text), "%s is %s (%lld MiB).", vm->name, vm->state,
	    vm->memory / MIB);
	ui_new(c, &d, vm->name);
	dialog_add(&d, "--cancel-label", "Back", "--no-tags", "--menu", text, "14", "60", "6",
	    NULL);
	for (i = 0; i < nitems(ops); i++)
		if (strcmp(ops[i].state, vm->state) == 0) {
			snprintf(tags[n], sizeof(tags[n]), "%zu", i + 1);
			dialog_add(&d, tags[n++], ops[i].label, NULL);
		}
	if (n == 0) {
		free(d.argv);
		ui_message(c, vm->name, "%s is %s: nothing can be done to it here.", vm->name,
		    vm->state);
		return;
	}
	if (ui_run(c, &d) != DIALOG_OK)
		return;
	i = (size_t)atoi(c->answer);
	if (i < 1 || i > nitems(ops))
		return;
	o = &ops[i - 1];
	if (o->destructive) {
		snprintf(text, sizeof(text), "%s %s? Its guest's work that is not saved may be "
		    "lost.", o->label, vm->name);
		if (ui_confirm(c, o->label, o->label, text) != DIALOG_OK)
			return;
	}
	snprintf(text, sizeof(text), "%s %s needs a login.", o->label, vm->name);
	if (auth_require(c, text) == -1)
		return;
	if (strcmp(o->message, "VM.start") == 0)
		v = xenapi_call(&c->api, c->login, o->message, "sbb", vm->ref, 0, 0);
	else
		v = xenapi_call(&c->api, c->login, o->message, "s", vm->ref);
	if (v == NULL) {
		snprintf(text, sizeof(text), "%s: %s did not work", vm->name, o->label);
		ui_api_failed(c, o->label, text);
	}
}

void
vms_menu(struct console *c)
{
	static struct vm vm[VMS_MAX];
	static char	 items[VMS_MAX][112], tags[VMS_MAX][12];
	struct dialog	 d;
	int		 i, n, r;

	for (;;) {
		if ((n = list_vms(c, vm, VMS_MAX)) == -1) {
			ui_api_failed(c, "Virtual machines", "The VMs could not be listed");
			return;
		}
		ui_new(c, &d, "Virtual machines");
		dialog_add(&d, "--cancel-label", "Back", "--extra-button", "--extra-label",
		    "Refresh", "--menu", n == 0 ? "This host has no VMs. Create them with a "
		    "XenAPI client such as Xen Orchestra." : "The host's VMs: Enter for what "
		    "can be done, F5 refreshes.", "20", "72", "12", NULL);
		for (i = 0; i < n; i++) {
			snprintf(tags[i], sizeof(tags[i]), "%d", i + 1);
			snprintf(items[i], sizeof(items[i]), "%-40.40s %-9s %6lld MiB", vm[i].name,
			    vm[i].state, vm[i].memory / MIB);
			dialog_add(&d, tags[i], items[i], NULL);
		}
		if (n == 0)
			dialog_add(&d, "-", "(none)", NULL);
		r = ui_run(c, &d);
		if (r == DIALOG_EXTRA)
			continue;
		if (r != DIALOG_OK)
			return;
		if ((i = atoi(c->answer)) >= 1 && i <= n)
			vm_actions(c, &vm[i - 1]);
	}
}
