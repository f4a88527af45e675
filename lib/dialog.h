#ifndef ATOLL_DIALOG_H
#define ATOLL_DIALOG_H

#include <stddef.h>
#include <stdio.h>

/*
 * The screens of the interactive installer and the host console: Debian's dialog program,
 * run by argv on the console (stdin and stdout stay the terminal), its answer read from a
 * pipe on fd 3 (--output-fd 3).
 */
#define DIALOG_OK	0	/* OK, Yes */
#define DIALOG_CANCEL	1	/* Cancel, No */
#define DIALOG_HELP	2	/* the Help button */
#define DIALOG_EXTRA	3	/* the Extra button (--extra-button) */
#define DIALOG_TIMEOUT	5	/* --timeout passed with no key (dialog_console sets it so) */
#define DIALOG_ESC	255	/* Esc */

/* One dialog command line, built word by word. The words are not copied: they must last
   until dialog_run. */
struct dialog {
	const char	**argv;
	size_t		  n, cap;
	int		  oom;		/* a word could not be added: dialog_run fails */
	int		  secret;	/* the answer is a password: never logged */
	int		  limit_s;	/* > 0: the screen ends as DIALOG_TIMEOUT after this many
					   seconds (for the boxes dialog's --timeout misses) */
	const char	 *title;	/* for the log */
};

/* Who runs the screens (for messages and the log), the back title every screen shows, and
   the log each screen's outcome goes to (NULL: none). */
void	dialog_setup(const char *who, const char *backtitle, FILE *log);

/*
 * Gets the console ready for dialog: standard input must be a terminal; TERM is kept when
 * set (and known to terminfo), else "linux" on a virtual console and "vt102" on a serial
 * one; a console of unknown size (a serial line, Xen's hvc0) is told it has 25 rows of 80
 * columns; screens draw lines with plain ASCII unless TERM is "linux". Returns 0, or -1
 * with err saying why.
 */
int	dialog_console(char *err, size_t errlen);

/* Starts d: "dialog", the options every screen shares, then --title title. */
void	dialog_new(struct dialog *d, const char *title);
/* Appends words to d, up to a NULL. */
void	dialog_add(struct dialog *d, ...) __attribute__((sentinel));

/* The height of a box cols wide that shows text (word-wrapped, with its newlines) and
   extra rows of its own (4 for a message or a yes/no box), at most a 25-row screen's, as
   a word for dialog in out. dialog 1.3 sizes such boxes badly by itself. */
void	dialog_rows(const char *text, int cols, int extra, char *out, size_t len);

/*
 * Runs d on the console and frees its words. What dialog answers (one trailing newline
 * removed) goes into answer[0..len). Returns one of the DIALOG_ statuses, or -1 when dialog
 * could not run or reported an error (the log says what).
 */
int	dialog_run(struct dialog *d, char *answer, size_t len);

/* A dialog --gauge on the console, titled title and saying text: an install's or an
   upgrade's progress. Returns 0 or -1. */
int	dialog_gauge_start(const char *title, const char *text);
/* Moves the gauge to percent with what under text: report_gauge's show(). */
void	dialog_gauge(int percent, const char *what);
/* Shows 100 % and ends the gauge. */
void	dialog_gauge_stop(void);

#endif
