/*
 * Technical support: a bug report, as xsconsole's Save Bug Report: atoll-bugreport writes
 * an archive of the logs and the configuration to the state partition, and the console
 * shows where it is.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "console.h"
#include "exec.h"

static void
bugreport(struct console *c)
{
	struct buf	 out;
	int		 r;

	if (auth_require(c, "A bug report holds the host's logs and settings; it needs a "
	    "login.") == -1)
		return;
	ui_info(c, "Bug report", "Writing the bug report...");
	buf_init(&out, 64 * 1024);
	r = exec_run((const char *const[]){ "atoll-bugreport", c->state_dir,
	    NULL }, &out, NULL);
	if (r == 0 && out.p != NULL) {
		/* Its directory and its name on lines of their own: a box does not wrap a path. */
		const char	*base = strrchr(out.p, '/');
		int		 dir = base != NULL ? (int)(base - out.p) : 0;

		base = base != NULL ? base + 1 : out.p;
		ui_message(c, "Bug report", "The bug report is written, in %.*s:\n\n  %.*s\n\n"
		    "Copy it off the host (scp, or a USB stick) and attach it to your report.",
		    dir, out.p, (int)strcspn(base, "\n"), base);
	}
	else
		ui_message(c, "Bug report", "The bug report could not be written.\n\n%s",
		    out.p != NULL ? out.p : "");
	buf_free(&out);
}

void
support_menu(struct console *c)
{
	struct dialog	 d;

	for (;;) {
		ui_new(c, &d, "Technical support");
		dialog_add(&d, "--cancel-label", "Back", "--menu", "", "10", "60", "1",
		    "bugreport", "Save a bug report", NULL);
		if (ui_run(c, &d) != DIALOG_OK)
			return;
		bugreport(c);
	}
}
