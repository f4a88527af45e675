/*
 * Password checks without hand-written cryptography: the stored sha512-crypt hash's salt
 * is given to a proven crypt implementation run as a helper (openssl passwd -6, or busybox
 * mkpasswd), which hashes the password read from a pipe; the results are compared.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xapi.h"

#define HASH_MAX	256

/* Reads user's hash from a shadow-style file into hash. Returns 1, 0 (no such user), -1. */
static int
read_hash(const char *file, const char *user, char *hash, size_t size)
{
	FILE	*f;
	char	 line[1024];
	size_t	 ulen = strlen(user);
	int	 found = 0;

	if ((f = fopen(file, "r")) == NULL)
		return -1;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char	*end;

		if (strncmp(line, user, ulen) != 0 || line[ulen] != ':')
			continue;
		if ((end = strchr(line + ulen + 1, ':')) == NULL)
			end = line + strcspn(line, "\n");
		if ((size_t)(end - (line + ulen + 1)) >= size)
			break;
		memcpy(hash, line + ulen + 1, end - (line + ulen + 1));
		hash[end - (line + ulen + 1)] = '\0';
		found = 1;
	}
	fclose(f);
	return found;
}

/* Runs argv with password on its stdin; puts its first output line in out. Returns 0/-1. */
static int
run_helper(char *const argv[], const char *password, char *out, size_t size)
{
	int	 in[2], res[2], status;
	pid_t	 pid;
	ssize_t	 n, got = 0;

	if (pipe(in) == -1)
		return -1;
	if (pipe(res) == -1) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if ((pid = fork()) == -1)
		goto fail;
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(res[1], 1);
		close(in[0]); close(in[1]); close(res[0]); close(res[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(res[1]);
	/* A password is short; the pipe holds it without blocking. */
	if (write(in[1], password, strlen(password)) == -1 || write(in[1], "\n", 1) == -1)
		(void)0;
	close(in[1]);
	while (got < (ssize_t)size - 1 && (n = read(res[0], out + got, size - 1 - got)) > 0)
		got += n;
	close(res[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	out[got] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && got > 0 ? 0 : -1;
fail:
	close(in[0]); close(in[1]); close(res[0]); close(res[1]);
	return -1;
}

int
auth_check(const char *file, const char *user, const char *password, const char **why)
{
	char		 hash[HASH_MAX], salt[HASH_MAX], made[HASH_MAX];
	const char	*s, *e;
	unsigned char	 diff = 0;
	size_t		 i, len;
	int		 r;

	if (strchr(password, '\n') != NULL)
		return 0;
	if ((r = read_hash(file, user, hash, sizeof(hash))) != 1) {
		*why = r == 0 ? "Authentication failure" : "cannot read the password file";
		return r == 0 ? 0 : -1;
	}
	/* Only sha512-crypt ($6$salt$hash); a locked or empty entry never matches. */
	if (strncmp(hash, "$6$", 3) != 0 || strncmp(hash + 3, "rounds=", 7) == 0)
		return 0;
	s = hash + 3;
	if ((e = strchr(s, '$')) == NULL || (size_t)(e - s) >= sizeof(salt))
		return 0;
	memcpy(salt, s, e - s);
	salt[e - s] = '\0';
	{
		char *const openssl[] = { "openssl", "passwd", "-6", "-salt", salt, "-stdin", NULL };
		char *const mkpasswd[] = { "mkpasswd", "-m", "sha512", "-S", salt, "-P", "0", NULL };

		if (run_helper(openssl, password, made, sizeof(made)) == -1 &&
		    run_helper(mkpasswd, password, made, sizeof(made)) == -1) {
			*why = "no password helper (openssl or mkpasswd) could run";
			return -1;
		}
	}
	if ((len = strlen(hash)) != strlen(made))
		return 0;
	for (i = 0; i < len; i++)
		diff |= (unsigned char)(hash[i] ^ made[i]);
	return diff == 0;
}
