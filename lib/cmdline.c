/*
 * Kernel command line splitting, exactly as Linux's next_arg() (kernel/params.c): words are
 * separated by blanks, a double quote protects blanks until the next one, the first '='
 * splits key from value, and the quotes around a value ("k=v" or k="v") are dropped.
 * Slices point into the caller's buffer; nothing is allocated.
 */
#include <string.h>

#include "cmdline.h"

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0';
}

int
cmdline_next(const char **pos, size_t *left, struct cmdline_arg *arg)
{
	const char	*p = *pos, *end = *pos + *left, *word, *eq = NULL;
	int		 in_quote = 0, quoted = 0;

	while (p < end && is_blank(*p))
		p++;
	if (p == end) {
		*pos = p;
		*left = 0;
		return 0;
	}
	/* A word may open with a quote: "key=value with blanks". */
	if (*p == '"') {
		p++;
		in_quote = quoted = 1;
	}
	word = p;
	for (; p < end && (in_quote || !is_blank(*p)); p++) {
		if (*p == '=' && eq == NULL)
			eq = p;
		if (*p == '"')
			in_quote = !in_quote;
	}

	arg->key = word;
	arg->keylen = (eq ? eq : p) - word;
	arg->val = NULL;
	arg->vallen = 0;
	if (eq != NULL) {
		arg->val = eq + 1;
		arg->vallen = p - (eq + 1);
		if (arg->vallen > 0 && arg->val[0] == '"') {
			arg->val++;
			arg->vallen--;
			if (arg->vallen > 0 && arg->val[arg->vallen - 1] == '"')
				arg->vallen--;
		} else if (quoted && arg->vallen > 0 && arg->val[arg->vallen - 1] == '"')
			arg->vallen--;
	} else if (quoted && arg->keylen > 0 && word[arg->keylen - 1] == '"')
		arg->keylen--;
	*pos = p;
	*left = end - p;
	return in_quote ? -1 : 1;
}

int
cmdline_is(const struct cmdline_arg *arg, const char *name)
{
	return arg->keylen == strlen(name) && memcmp(arg->key, name, arg->keylen) == 0;
}
