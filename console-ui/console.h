#ifndef ATOLL_CONSOLE_H
#define ATOLL_CONSOLE_H

#include <stddef.h>
#include <sys/types.h>

#include "dialog.h"
#include "xenapi.h"

/*
 * atoll-console: the host's text console (Atoll's xsconsole). Every screen is a dialog(1)
 * box; every change goes through xapi-lite on its Unix socket. One file a menu.
 */
#define REFRESH_S	5	/* the status screen redraws this often */
#define ANSWER_MAX	4096

/* A file's fingerprint as the status screen shows it, made again only when the file
   changes: a redraw would otherwise start openssl or dropbearkey every REFRESH_S. */
struct fingerprint {
	int		known;		/* text belongs to the file as ino, size, mtime say */
	ino_t		ino;
	off_t		size;
	long long	mtime_s, mtime_ns;
	char		text[160];
};

/* What the console knows: its XenAPI connection and the operator's login. */
struct console {
	struct xenapi	 api;
	char		 login[96];	/* the operator's session, "" when logged out */
	long long	 idle_limit_s;	/* auto-logout after this long idle (0: never) */
	long long	 last_key;	/* monotonic seconds of the operator's last answer */
	int		 logged_out_idle; /* set when auto-logout happened, for the status */
	const char	*cert;		/* the TLS certificate whose fingerprint is shown */
	const char	*ssh_dir;	/* the SSH host keys */
	struct fingerprint tls_fp, ssh_fp;
	const char	*state_dir;	/* where bug reports go */
	const char	*host_config;	/* the program that applies host settings (the keymap) */
	const char	*upgrade;	/* the upgrade program (atoll-upgrade) */
	const char	*shadow;	/* root's password hash, to know whether it has one */
	char		 timeout[24];	/* the --timeout word of the screen being built */
	char		 answer[ANSWER_MAX];
	char		 text[8192];	/* a screen's text being built */
};

/* ui.c: the screens' common shapes. Each returns a DIALOG_ status (or -1: dialog failed).
   While the operator is logged in and idle past the limit, a screen ends as
   DIALOG_TIMEOUT and logs them out. A screen is begun with ui_new (dialog_new with the
   idle limit), then its box added, then ui_run; the answer is in c->answer. */
void	ui_new(struct console *c, struct dialog *d, const char *title);
int	ui_run(struct console *c, struct dialog *d);
int	ui_message(struct console *c, const char *title, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Shows text while the console works (the box stays until the next screen). */
void	ui_info(struct console *c, const char *title, const char *text);
/* Yes is "Yes", or label; the default is No. DIALOG_OK means yes. */
int	ui_confirm(struct console *c, const char *title, const char *yes, const char *text);
/* An input box holding init; the answer is in c->answer. */
int	ui_input(struct console *c, const char *title, const char *text, const char *init);
int	ui_password(struct console *c, const char *title, const char *text);
/* The last XenAPI failure in words an operator reads, under what (e.g. "The host name
   was not changed"). */
int	ui_api_failed(struct console *c, const char *title, const char *what);
/* Seconds of a monotonic clock. */
long long	ui_now(void);

/* auth.c */
/* The operator is logged in, or logs in now (asking for root's password). 0 or -1. */
int	auth_require(struct console *c, const char *why);
void	auth_logout(struct console *c);
/* Root has no password (a live boot without atoll.password_hash=): ask for one, twice,
   until it is set. */
void	auth_first_boot(struct console *c);
void	auth_menu(struct console *c);
/* Reads the host's auto-logout time into c->idle_limit_s. */
void	auth_load_idle(struct console *c);

/* status.c: the home screen's text, made fresh; 0, or -1 when xapi-lite did not answer
   (the text says so). */
int	status_text(struct console *c, char *out, size_t len);
/* The host's and management PIF's references, for the menus that change them. */
int	status_host(struct console *c, char *host, size_t len);
int	status_management_pif(struct console *c, char *pif, size_t len);

void	network_menu(struct console *c);
void	vms_menu(struct console *c);
void	storage_screen(struct console *c);
void	hardware_screen(struct console *c);
void	locale_menu(struct console *c);
void	remote_menu(struct console *c);
void	support_menu(struct console *c);
void	power_menu(struct console *c);
/* upgrade.c: Upgrade from URL. */
void	upgrade_menu(struct console *c);
void	shell_run(struct console *c);

#endif
