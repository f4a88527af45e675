/*
 * Password checks without hand-written cryptography: this file reads root's sha512-crypt
 * hash and its salt; a proven crypt implementation run as a helper (openssl passwd -6, or
 * busybox mkpasswd) hashes the offered password with that salt, as a job of the event loop
 * started and read here for both login (session.c) and session.change_password
 * (passwd.c), and the two are compared here. A new hash is written here too. At most
 * XAPI_MAX_CRYPT_HELPERS helpers run at once; more calls wait in a queue, first come first
 * served among those free to start.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "xapi.h"
#include "xapi_limits.h"

int
auth_hash(const char *file, const char *user, char *hash, size_t size)
{
	FILE	*f;
	char	 line[1024];
	size_t	 ulen = strlen(user);
	int	 found = 0;

	if ((f = fopen(file, "r")) == NULL)
		return -1;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char	*start = line + ulen + 1, *end;

		if (strncmp(line, user, ulen) != 0 || line[ulen] != ':')
			continue;
		if ((end = strchr(start, ':')) == NULL)
			end = start + strcspn(start, "\n");
		if ((size_t)(end - start) >= size)
			break;
		memcpy(hash, start, end - start);
		hash[end - start] = '\0';
		found = 1;
	}
	fclose(f);
	/* Only sha512-crypt ($6$[rounds=N$]salt$hash): a locked or empty entry never
	   matches, and a hash we cannot reproduce is as good as none. */
	return found && strncmp(hash, "$6$", 3) == 0;
}

int
auth_salt(const char *hash, char *salt, size_t size)
{
	const char	*s = hash + 3, *e, *p;
	size_t		 n;

	if (strncmp(hash, "$6$", 3) != 0)
		return -1;
	/* rounds=N$ stays with the salt: openssl passwd -6 -salt and mkpasswd -S both take
	   it so, and both then print it as the stored hash has it. */
	p = s;
	if (strncmp(p, "rounds=", 7) == 0) {
		for (p += 7, n = 0; *p >= '0' && *p <= '9'; p++, n++)
			;
		if (n == 0 || n > 9 || *p++ != '$')
			return -1;
	}
	if ((e = strchr(p, '$')) == NULL || e == p || (size_t)(e - s) >= size)
		return -1;
	memcpy(salt, s, e - s);
	salt[e - s] = '\0';
	return 0;
}

int
auth_same(const char *stored, const char *made)
{
	size_t		i, len = strlen(stored);
	unsigned char	diff = 0;

	if (len != strlen(made))
		return 0;
	for (i = 0; i < len; i++)
		diff |= (unsigned char)(stored[i] ^ made[i]);
	return diff == 0;
}

void
auth_helper_argv(const char *argv[], int mkpasswd, const char *salt)
{
	int	n = 0;

	if (mkpasswd) {
		argv[n++] = "mkpasswd";
		argv[n++] = "-m";
		argv[n++] = "sha512";
		if (salt != NULL) {
			argv[n++] = "-S";
			argv[n++] = salt;
		}
		argv[n++] = "-P";
		argv[n++] = "0";
	} else {
		argv[n++] = "openssl";
		argv[n++] = "passwd";
		argv[n++] = "-6";
		if (salt != NULL) {
			argv[n++] = "-salt";
			argv[n++] = salt;
		}
		argv[n++] = "-stdin";
	}
	argv[n] = NULL;
}

int
auth_set_hash(const char *file, const char *user, const char *hash)
{
	FILE	*in, *out;
	char	 line[1024], tmp[4096];
	size_t	 ulen = strlen(user);
	int	 found = 0, fd, e;

	if (snprintf(tmp, sizeof(tmp), "%s.new", file) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((in = fopen(file, "r")) == NULL)
		return -1;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1 ||
	    (out = fdopen(fd, "w")) == NULL) {
		e = errno;
		if (fd != -1)
			close(fd);
		fclose(in);
		errno = e;
		return -1;
	}
	while (fgets(line, sizeof(line), in) != NULL) {
		char	*rest;

		if (!found && strncmp(line, user, ulen) == 0 && line[ulen] == ':') {
			/* user:hash:the rest, as it was */
			rest = strchr(line + ulen + 1, ':');
			fprintf(out, "%s:%s%s", user, hash, rest != NULL ? rest : "\n");
			found = 1;
		} else
			fputs(line, out);
	}
	e = ferror(in) ? EIO : 0;
	fclose(in);
	if (fflush(out) == EOF || fsync(fd) == -1 || ferror(out))
		e = errno ? errno : EIO;
	if (fclose(out) == EOF && e == 0)
		e = errno;
	if (e == 0 && !found)
		e = ENOENT;
	if (e == 0 && (chmod(tmp, 0600) == -1 || rename(tmp, file) == -1))
		e = errno;
	if (e != 0) {
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

/* Starting a helper takes its input's and its output's pipe, both ends (stderr shares the
   output's); a running one keeps its output's read end. Those of the running helpers and
   of the one starting come out of the descriptors connections leave free. */
#define HELPER_START_FDS	4
_Static_assert(XAPI_FD_RESERVE >= XAPI_MAX_CRYPT_HELPERS + HELPER_START_FDS,
    "XAPI_FD_RESERVE cannot hold the crypt helpers' pipes");

int
auth_crypt(struct xapi *x, struct park *pk, const char *password, const char *salt,
    void (*done)(struct xapi *, struct park *, struct rpc_reply *))
{
	const char	*argv[8];
	char		 input[4100];
	int	 started;

	auth_helper_argv(argv, pk->attempt, salt);
	snprintf(input, sizeof(input), "%s\n", password);
	/* The reserve used up by other children and files: idle connections make room. */
	while ((started = park_job(pk, argv, input, done)) == -1 &&
	    (errno == EMFILE || errno == ENFILE) && x->shed_idle != NULL &&
	    x->shed_idle(x, HELPER_START_FDS) > 0)
		;
	if (started == -1)
		return -1;
	pk->crypt = 1;
	return 0;
}

void
auth_queue(struct xapi *x, struct park *pk, struct rpc_reply *r,
    void (*start)(struct xapi *, struct park *, struct rpc_reply *))
{
	pk->resume = start;
	pk->ticket = ++x->tickets;
	r->parked = 1;
}

/* Whether a crypt helper runs for client. */
static int
client_busy(const struct xapi *x, const char *client)
{
	const struct park	*pk;

	for (pk = x->parked; pk != NULL; pk = pk->next)
		if (pk->job != NULL && pk->crypt && strcmp(pk->client, client) == 0)
			return 1;
	return 0;
}

void
auth_free(struct xapi *x)
{
	struct park	**pp = &x->parked, *pk;

	/* A password check has nobody left to answer; other jobs (xl) are left to end. */
	while ((pk = *pp) != NULL)
		if (pk->crypt || pk->ticket != 0) {
			*pp = pk->next;
			park_free(pk);
		} else
			pp = &pk->next;
}

struct park *
auth_next(struct xapi *x)
{
	struct park	*pk, *first = NULL;
	int		 running = 0;

	for (pk = x->parked; pk != NULL; pk = pk->next)
		running += pk->job != NULL && pk->crypt;
	if (running >= XAPI_MAX_CRYPT_HELPERS)
		return NULL;
	/* A client that owes a delay, or has its helper running, lets the others by: one
	   address cannot hold the queue. */
	for (pk = x->parked; pk != NULL; pk = pk->next)
		if (pk->ticket != 0 && pk->job == NULL && x->now_ms >= pk->not_before_ms &&
		    (first == NULL || pk->ticket < first->ticket) && !client_busy(x, pk->client))
			first = pk;
	return first;
}

const char *
auth_crypt_result(struct xapi *x, struct park *pk, const char *password, const char *salt,
    void (*done)(struct xapi *, struct park *, struct rpc_reply *), int *again)
{
	char	*out = pk->job->out.p ? pk->job->out.p : "";

	*again = 0;
	out[strcspn(out, "\n")] = '\0';
	if (pk->job->status == 127 && pk->attempt == 0) {
		/* No openssl here (dom0 has busybox): the same with mkpasswd. */
		pk->attempt = 1;
		if (auth_crypt(x, pk, password, salt, done) == 0) {
			*again = 1;
			return NULL;
		}
	}
	/* A mkpasswd that could not start has taken the job with it (park_job frees it). */
	return pk->job != NULL && pk->job->status == 0 ? out : NULL;
}
