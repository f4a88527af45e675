/*
 * atoll-bootopts: reads Atoll's options from the kernel command line and prints them as shell
 * assignments for dom0's start-up scripts (eval "$(atoll-bootopts)"). A value that does not
 * validate, and an atoll.* option we do not know, are reported on stderr and left out.
 */
#include <stdio.h>
#include <string.h>

#include "cmdline.h"

#define CMDLINE_MAX	4096	/* the kernel's own limit on x86 is 2048 */

struct bootopt {
	const char	*name;		/* as written on the command line */
	const char	*var;		/* shell variable it sets */
	int		 takes_value;	/* 0: a flag, set to 1 */
	const char	*(*check)(const char *val, size_t len);	/* NULL or what is wrong */
	const char	*expect;	/* what a good value looks like, for messages */
};

static int
is_b64(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '.' || c == '/';
}

/* sha512-crypt: $6$[rounds=N$]salt$hash, salt 1-16 and hash 86 characters of ./0-9A-Za-z. */
static const char *
check_sha512_crypt(const char *v, size_t len)
{
	const char	*end = v + len, *p;
	size_t		 n;

	if (len < 3 || memcmp(v, "$6$", 3) != 0)
		return "does not start with $6$";
	p = v + 3;
	if ((size_t)(end - p) > 7 && memcmp(p, "rounds=", 7) == 0) {
		for (p += 7, n = 0; p < end && *p >= '0' && *p <= '9'; p++, n++)
			;
		if (n == 0 || n > 9 || p == end || *p != '$')
			return "has a bad rounds= field";
		p++;
	}
	for (n = 0; p < end && *p != '$'; p++, n++)
		if (!is_b64(*p))
			return "has a bad character in its salt";
	if (n == 0 || n > 16 || p == end)
		return "has no salt of 1 to 16 characters";
	for (p++, n = 0; p < end; p++, n++)
		if (!is_b64(*p))
			return "has a bad character in its hash";
	if (n != 86)
		return "has a hash that is not 86 characters long";
	return NULL;
}

/* RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. */
static const char *
check_hostname(const char *v, size_t len)
{
	size_t	 i, label = 0;

	if (len == 0 || len > 253)
		return "must be 1 to 253 characters long";
	for (i = 0; i < len; i++) {
		char	c = v[i];

		if (c == '.') {
			if (label == 0 || v[i - 1] == '-')
				return "has an empty label or a label that ends with '-'";
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-'))
			return "may hold only letters, digits, '-' and '.'";
		if (c == '-' && label == 0)
			return "has a label that starts with '-'";
		if (++label > 63)
			return "has a label longer than 63 characters";
	}
	if (label == 0 || v[len - 1] == '-')
		return "has an empty label or a label that ends with '-'";
	return NULL;
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

static const struct bootopt bootopts[] = {
	{ "atoll.password_hash", "ATOLL_PASSWORD_HASH", 1, check_sha512_crypt,
	  "a sha512-crypt hash such as made by 'openssl passwd -6'" },
	{ "atoll.hostname", "ATOLL_HOSTNAME", 1, check_hostname, "a host name" },
	{ "atoll.install", "ATOLL_INSTALL", 0, NULL, "no value" },
	{ "atoll.report", "ATOLL_REPORT", 1, check_http_url, "an http:// or https:// URL" },
	{ "atoll.source", "ATOLL_SOURCE", 1, check_http_url, "an http:// or https:// URL" },
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
	for (i = 0; i < sizeof(bootopts) / sizeof(bootopts[0]); i++) {
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
			fprintf(stderr, "atoll: boot option %s %s (expected %s); it is ignored\n",
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
