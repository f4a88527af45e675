/*
 * atoll-bootopts: reads Atoll's options from the kernel command line and prints them as shell
 * assignments for dom0's start-up scripts (eval "$(atoll-bootopts)"). A value that does not
 * validate, and an atoll.* option we do not know, are reported on stderr and left out.
 */
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "inet.h"
#include "nitems.h"
#include "sha512crypt.h"

#define CMDLINE_MAX	4096	/* the kernel's own limit on x86 is 2048 */

struct bootopt {
	const char	*name;		/* as written on the command line */
	const char	*var;		/* shell variable it sets */
	int		 takes_value;	/* 0: a flag, set to 1 */
	const char	*(*check)(const char *val, size_t len);	/* NULL or what is wrong */
	const char	*expect;	/* what a good value looks like, for messages */
};

/* A host name, by lib/inet.c's rule and in its words. */
static const char *
check_hostname(const char *v, size_t len)
{
	char	name[INET_HOSTNAME_MAX + 1];

	if (len > INET_HOSTNAME_MAX)
		return "hostname is too long";
	memcpy(name, v, len);
	name[len] = '\0';
	return inet_hostname_invalid(name);
}

/* Where the installer reports or finds its files (it checks the URL whole; this names the
   obvious mistakes). */
static const char *
check_http_url(const char *v, size_t len)
{
	if (!(len > 7 && strncmp(v, "http://", 7) == 0) &&
	    !(len > 8 && strncmp(v, "https://", 8) == 0))
		return "must be an http:// or https:// URL";
	return NULL;
}

/* The image slot an installed disk's menu boots (ATOLL-BOOT's a/ or b/). */
static const char *
check_slot(const char *v, size_t len)
{
	if (len != 1 || (v[0] != 'a' && v[0] != 'b'))
		return "names no image slot";
	return NULL;
}

static const struct bootopt bootopts[] = {
	{ "atoll.password_hash", "ATOLL_PASSWORD_HASH", 1, sha512_crypt_invalid,
	  "a sha512-crypt hash such as made by 'openssl passwd -6'" },
	{ "atoll.hostname", "ATOLL_HOSTNAME", 1, check_hostname, "a host name" },
	{ "atoll.install", "ATOLL_INSTALL", 0, NULL, "no value" },
	{ "atoll.report", "ATOLL_REPORT", 1, check_http_url, "an http:// or https:// URL" },
	{ "atoll.source", "ATOLL_SOURCE", 1, check_http_url, "an http:// or https:// URL" },
	{ "atoll.slot", "ATOLL_SLOT", 1, check_slot, "a or b" },
};

/* Prints NAME='VALUE' with the value safe inside single quotes. */
static void
print_assignment(const char *var, const char *v, size_t len)
{
	size_t	i;

	printf("%s='", var);
	for (i = 0; i < len; i++) {
		if (v[i] == '\'')
			fputs("'\\''", stdout);
		else
			putchar(v[i]);
	}
	puts("'");
}

static void
apply(const struct cmdline_arg *arg)
{
	const struct bootopt	*o;
	const char		*why;
	size_t			 i;

	if (arg->keylen < 6 || memcmp(arg->key, "atoll.", 6) != 0)
		return;		/* not ours: Xen's, the kernel's or the installer's */
	for (i = 0; i < nitems(bootopts); i++) {
		o = &bootopts[i];
		if (!cmdline_is(arg, o->name))
			continue;
		if (!o->takes_value) {
			if (arg->val != NULL)
				fprintf(stderr, "atoll: boot option %s takes no value; "
				    "it is ignored\n", o->name);
			else
				printf("%s=1\n", o->var);
			return;
		}
		if (arg->val == NULL)
			why = "has no value";
		else
			why = o->check(arg->val, arg->vallen);
		if (why != NULL) {
			fprintf(stderr, "atoll: boot option %s: %s (expected %s); it is ignored\n",
			    o->name, why, o->expect);
			return;
		}
		print_assignment(o->var, arg->val, arg->vallen);
		return;
	}
	fprintf(stderr, "atoll: unknown boot option '%.*s' ignored\n", (int)arg->keylen, arg->key);
}

int
main(int argc, char *argv[])
{
	static char		 line[CMDLINE_MAX + 1];
	const char		*path = "/proc/cmdline", *pos;
	struct cmdline_arg	 arg;
	FILE			*f;
	size_t			 len, left;
	int			 r;

	if (argc == 3 && strcmp(argv[1], "--cmdline") == 0)
		path = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: atoll-bootopts [--cmdline FILE]\n"
		    "Prints Atoll's boot options (atoll.*) as shell assignments.\n");
		return 2;
	}
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "atoll-bootopts: %s: cannot open: ", path);
		perror(NULL);
		return 1;
	}
	len = fread(line, 1, sizeof(line), f);
	if (ferror(f)) {
		fprintf(stderr, "atoll-bootopts: %s: read error\n", path);
		fclose(f);
		return 1;
	}
	fclose(f);
	if (len > CMDLINE_MAX) {
		fprintf(stderr, "atoll-bootopts: %s: longer than %d bytes\n", path, CMDLINE_MAX);
		return 1;
	}

	pos = line;
	left = len;
	while ((r = cmdline_next(&pos, &left, &arg)) != 0) {
		if (r < 0) {
			fprintf(stderr, "atoll: the kernel command line has an unclosed double "
			    "quote; the word that opens it is ignored\n");
			break;
		}
		apply(&arg);
	}
	return 0;
}
