/*
 * xapi-lite: Atoll's XenAPI service. Parses the command line, builds the database for the
 * chosen backend, opens the listeners and runs the loop until SIGTERM; SIGHUP reopens the
 * log. The only mutable globals are the signal flags.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "allowed.h"
#include "handoff.h"
#include "hval.h"
#include "journal.h"
#include "loop.h"
#include "message.h"
#include "schema.h"
#include "rpc_impl.h"
#include "server.h"
#include "stats.h"
#include "storage.h"
#include "worker.h"
#include "xapi_limits.h"
#include "xapi.h"

static volatile sig_atomic_t stop, reopen;
static int	child_exited_fd = -1;	/* the self-pipe SIGCHLD writes to */

static void
on_child(int sig)
{
	int	saved = errno;

	(void)sig;
	(void)!write(child_exited_fd, "c", 1);
	errno = saved;
}

/* The loop's commit hook, once a turn before any reply leaves. Never fatal: -1 says the
   changes of this turn's writes are not on disk (they stay in memory, the journal is
   read-only and retries them): those replies must be journal_error's INTERNAL_ERROR. */
static int
commit(struct xapi *x)
{
	allowed_refresh(x);
	return journal_commit(x->journal, &x->db);
}

/* After a load: the pool and the host it names as master. */
static int
find_pool(struct xapi *x)
{
	if (x->db.n[C_pool] == 0)
		return -1;
	x->pool = x->db.objs[C_pool][0];
	x->host = db_find(&x->db, db_str(&x->db, x->pool, F_pool_master), REF_LEN);
	return x->host != NULL ? 0 : -1;
}

/* After a load: operations that were running when the last process stopped are over (the
   reconciliation finds what they left). */
static int
forget_operations(struct xapi *x)
{
	struct rpc_reply	r;
	size_t			i;

	for (i = 0; i < x->db.n[C_VM]; i++) {
		struct obj	*vm = x->db.objs[C_VM][i];

		if (db_get(&x->db, vm, F_VM_current_operations)->u.st.n == 0)
			continue;
		if (db_set(&x->db, vm, F_VM_current_operations, hval_struct()) == -1 ||
		    rpc_changed(x, vm, &r) == -1)
			return -1;
	}
	return 0;
}

/* After a load: the host is enabled again, as XAPI enables it when it starts (a host
   disabled for a reboot comes back enabled). */
static int
enable_host(struct xapi *x)
{
	struct rpc_reply	r;

	if (db_get(&x->db, x->host, F_host_enabled)->u.b)
		return 0;
	if (db_set(&x->db, x->host, F_host_enabled, hval_bool(1)) == -1 ||
	    rpc_changed(x, x->host, &r) == -1)
		return -1;
	return 0;
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		reopen = 1;
	else
		stop = 1;
}

long long
clock_ms(void)
{
	return loop_clock();
}

/* Housekeeping once a second, on the loop's timer. */
static void
on_housekeeping(struct loop *l, long long id, void *arg)
{
	struct xapi	*x = arg;

	(void)id;
	housekeeping(x);
	if (loop_timer(l, 1000, on_housekeeping, x) == -1)
		fprintf(stderr, "xapi-lite: out of memory for the housekeeping timer\n");
}

/* As many descriptors as the loop watches: connections at their caps, their consoles,
   jobs and files stay within them. */
static void
raise_fd_limit(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	rl.rlim_cur = rl.rlim_max < XAPI_MAX_FDS ? rl.rlim_max : XAPI_MAX_FDS;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}

long long
clock_unix(void)
{
	return (long long)time(NULL);
}

/* A whole number of seconds from min to max, or -1. */
static long long
seconds_arg(const char *s, long long min, long long max)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || s[0] == '-' || s[0] == '+' ||
	    s[0] == ' ' || n < min || n > max)
		return -1;
	return n;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: xapi-lite --backend sim|xen --state DIR [--listen ADDR:PORT]...\n"
	    "                 [--unix PATH] [--password-file FILE] [--log FILE|-]\n"
	    "                 [--host-config PROGRAM] [--upgrade PROGRAM] [--zoneinfo DIR]\n"
	    "                 [--clean-shutdown-timeout SECONDS] [--transfer-timeout SECONDS]\n"
	    "       xapi-lite --help | --version\n"
	    "Serves the XenAPI (XML-RPC on POST /, JSON-RPC on POST /jsonrpc).\n"
	    "  --backend sim    an in-process simulated host (tests, demos)\n"
	    "  --backend xen    this host's Xen (dom0 only)\n"
	    "  --state DIR      where the database lives\n"
	    "  --listen A:P     TCP listener, repeatable (default 127.0.0.1:80)\n"
	    "  --unix PATH      Unix-socket listener (local clients)\n"
	    "  --password-file  shadow-style file with root's sha512-crypt hash"
	    " (default /etc/shadow)\n"
	    "  --log FILE|-     one line per call; - is standard error\n"
	    "  --host-config P  applies host settings (hostname, network, time, ssh, password,\n"
	    "                   reboot); without it they are only recorded\n"
	    "  --upgrade P      reads, checks and installs Atoll images for pool_update\n"
	    "                   (atoll-upgrade); without it pool_update calls fail\n"
	    "  --zoneinfo DIR   the time zone files (default /usr/share/zoneinfo)\n"
	    "  --clean-shutdown-timeout S\n"
	    "                   a clean shutdown or reboot (xen backend) not done after S\n"
	    "                   seconds fails, the guest left running (1 to %d, the default)\n"
	    "  --transfer-timeout S\n"
	    "                   an export or import whose client sends or takes nothing for S\n"
	    "                   seconds fails (1 to %d, the default)\n"
	    "  --message-limit N\n"
	    "                   messages (alerts) kept, the oldest dropped (1 to %d, the\n"
	    "                   default)\n",
	    XAPI_CLEAN_SHUTDOWN_TIMEOUT_S, XAPI_TRANSFER_IDLE_S, XAPI_MAX_MESSAGES);
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "state", required_argument, NULL, 's' },
		{ "listen", required_argument, NULL, 'l' },
		{ "unix", required_argument, NULL, 'u' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'L' },
		{ "host-config", required_argument, NULL, 'H' },
		{ "upgrade", required_argument, NULL, 'U' },
		{ "zoneinfo", required_argument, NULL, 'z' },
		{ "clean-shutdown-timeout", required_argument, NULL, 'T' },
		{ "transfer-timeout", required_argument, NULL, 't' },
		{ "message-limit", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct server	 s;
	struct xapi		 x;
	struct journal		 j;
	char			 why[1024];
	int			 loaded, schema, restored;
	struct sigaction	 sa;
	const char		*listens[SERVER_MAX_LISTEN], *unix_path = NULL;
	const char		*state = NULL, *log_path = NULL;
	size_t			 nlistens = 0, i;
	int			 ch;

	/* A child of VDI.copy: copy a disk's data, then exit. */
	if (argc == 4 && strcmp(argv[1], "--copy-sparse") == 0)
		return storage_copy_file(argv[2], argv[3]) == 0 ? 0 : 1;
	/* A child of a snapshot or clone: clone the disks' files, then exit. */
	if (argc >= 4 && strcmp(argv[1], "--clone-files") == 0)
		return storage_clone_files(argc - 2, argv + 2);
	/* A transfer's worker (worker.h): export or import a VM or a disk, then exit. */
	if (argc >= 3 && strcmp(argv[1], "--worker") == 0)
		return worker_main(argc - 2, argv + 2);
	memset(&x, 0, sizeof(x));
	x.password_file = "/etc/shadow";
	x.zoneinfo = "/usr/share/zoneinfo";
	x.clean_shutdown_timeout = XAPI_CLEAN_SHUTDOWN_TIMEOUT_S;
	x.transfer_timeout = XAPI_TRANSFER_IDLE_S;
	x.message_limit = XAPI_MAX_MESSAGES;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'b': x.backend = optarg; break;
		case 's': state = optarg; break;
		case 'l':
			if (nlistens == SERVER_MAX_LISTEN - 1) {
				fprintf(stderr, "xapi-lite: at most %d --listen\n",
				    SERVER_MAX_LISTEN - 1);
				return 2;
			}
			listens[nlistens++] = optarg;
			break;
		case 'u': unix_path = optarg; break;
		case 'p': x.password_file = optarg; break;
		case 'L': log_path = optarg; break;
		case 'H': x.host_config = optarg; break;
		case 'U': x.upgrade = optarg; break;
		case 'z': x.zoneinfo = optarg; break;
		case 'T':
			if ((x.clean_shutdown_timeout = seconds_arg(optarg, 1,
			    XAPI_CLEAN_SHUTDOWN_TIMEOUT_S)) == -1) {
				fprintf(stderr, "xapi-lite: --clean-shutdown-timeout %s: not a "
				    "number of seconds from 1 to %d\n", optarg,
				    XAPI_CLEAN_SHUTDOWN_TIMEOUT_S);
				return 2;
			}
			break;
		case 't':
			if ((x.transfer_timeout = seconds_arg(optarg, 1,
			    XAPI_TRANSFER_IDLE_S)) == -1) {
				fprintf(stderr, "xapi-lite: --transfer-timeout %s: not a number of "
				    "seconds from 1 to %d\n", optarg, XAPI_TRANSFER_IDLE_S);
				return 2;
			}
			break;
		case 'M':
			if ((x.message_limit = seconds_arg(optarg, 1, XAPI_MAX_MESSAGES)) == -1) {
				fprintf(stderr, "xapi-lite: --message-limit %s: not a number from "
				    "1 to %d\n", optarg, XAPI_MAX_MESSAGES);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("xapi-lite %s\n", ATOLL_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || x.backend == NULL || state == NULL) {
		fprintf(stderr, "xapi-lite: %s\n", optind != argc ? "unexpected argument" :
		    x.backend == NULL ? "--backend sim|xen is required" : "--state DIR is required");
		usage(stderr);
		return 2;
	}
	if (strcmp(x.backend, "sim") != 0 && strcmp(x.backend, "xen") != 0) {
		fprintf(stderr, "xapi-lite: backend '%s': unknown (sim or xen)\n", x.backend);
		return 2;
	}
	if (mkdir(state, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "xapi-lite: --state %s: %s\n", state, strerror(errno));
		return 1;
	}
	if (access(x.password_file, R_OK) == -1) {
		fprintf(stderr, "xapi-lite: --password-file %s: %s\n", x.password_file,
		    strerror(errno));
		return 1;
	}
	/* Only a warning: the XenAPI still serves; each setting then fails with why. */
	if (x.host_config != NULL && access(x.host_config, X_OK) == -1)
		fprintf(stderr, "xapi-lite: --host-config %s: %s; host settings will fail\n",
		    x.host_config, strerror(errno));
	if (x.upgrade != NULL && access(x.upgrade, X_OK) == -1)
		fprintf(stderr, "xapi-lite: --upgrade %s: %s; pool_update calls will fail\n",
		    x.upgrade, strerror(errno));
	if (nlistens == 0 && unix_path == NULL)
		listens[nlistens++] = "127.0.0.1:80";

	if (log_path != NULL && (x.log = log_open(log_path)) == NULL) {
		fprintf(stderr, "xapi-lite: --log %s: %s\n", log_path, strerror(errno));
		return 1;
	}
	arena_init(&x.arena, 64 * 1024 * 1024);
	if (db_init(&x.db) == -1) {
		fprintf(stderr, "xapi-lite: %s\n", strerror(errno));
		return 1;
	}
	if (schema_open(state, &schema, &restored, why, sizeof(why)) == -1) {
		fprintf(stderr, "xapi-lite: %s\n", why);
		return 1;
	}
	if (restored)
		fprintf(stderr, "xapi-lite: %s held a database of schema %d, newer than this "
		    "build reads (%d): it is in %s/" SCHEMA_NEWER "; the copy from before the "
		    "upgrade (" SCHEMA_BEFORE_UPGRADE ") is back\n", state, restored,
		    SCHEMA_CURRENT, state);
	if ((loaded = journal_open(&j, state, &x.db, x.log, why, sizeof(why))) == -1) {
		fprintf(stderr, "xapi-lite: %s\n", why);
		return 1;
	}
	/* The SRs' directories, and the xen backend's xl configurations. */
	snprintf(x.statedir, sizeof(x.statedir), "%s", state);
	snprintf(x.rundir, sizeof(x.rundir), "%s/xl", state);
	{
		const char	*dirs[] = { "sr", "iso", "xl" };

		for (i = 0; i < 3; i++) {
			char	d[300];

			snprintf(d, sizeof(d), "%s/%s", state, dirs[i]);
			if (mkdir(d, 0700) == -1 && errno != EEXIST) {
				fprintf(stderr, "xapi-lite: %s: %s\n", d, strerror(errno));
				return 1;
			}
		}
	}
	if (!loaded && strcmp(x.backend, "xen") == 0) {
		char	reason[256] = "";

		if (xen_populate(&x, reason, sizeof(reason)) == -1) {
			fprintf(stderr, "xapi-lite: the xen backend cannot read this host: %s\n",
			    reason[0] ? reason : strerror(errno));
			return 1;
		}
	} else if (!loaded && sim_populate(&x) == -1) {
		fprintf(stderr, "xapi-lite: cannot build the database in %s: %s\n", state,
		    strerror(errno));
		return 1;
	}
	if (!loaded && journal_snapshot(&j, &x.db) == -1) {
		fprintf(stderr, "xapi-lite: cannot write the first snapshot in %s: %s\n", state,
		    strerror(errno));
		return 1;
	}
	if (loaded && find_pool(&x) == -1) {
		fprintf(stderr, "xapi-lite: --state %s holds no pool and host\n", state);
		return 1;
	}
	if (schema_migrate(state, schema, stderr) == -1) {
		fprintf(stderr, "xapi-lite: %s/db.schema: %s\n", state, strerror(errno));
		return 1;
	}
	if (restored && x.host != NULL && message_raise(&x, MSG_DATABASE_RESTORED, "Host",
	    db_str(&x.db, x.host, F_host_uuid), rpc_printf(&x, "This host's database was "
	    "written by a newer Atoll (schema %d); this one reads schema %d, so the copy kept "
	    "from before the upgrade is back and the newer database is in %s/" SCHEMA_NEWER
	    ". Changes made since the upgrade are in that one only.", restored,
	    SCHEMA_CURRENT, state)) == NULL) {
		fprintf(stderr, "xapi-lite: out of memory\n");
		return 1;
	}
	if (loaded && (forget_operations(&x) == -1 || enable_host(&x) == -1)) {
		fprintf(stderr, "xapi-lite: out of memory\n");
		return 1;
	}
	host_software_version(&x, strcmp(x.backend, "xen") == 0 ? HOST_SLOTS_RECORD : NULL);
	pool_update_reconcile(&x, strcmp(x.backend, "xen") == 0 ? UPGRADE_TRIAL_RECORD : NULL);
	storage_probe_reflink(&x);
	handoff_sweep(&x);
	x.journal = &j;
	raise_fd_limit();
	if ((x.loop = loop_new(XAPI_MAX_FDS)) == NULL ||
	    (strcmp(x.backend, "xen") == 0 && xen_new(&x) == -1)) {
		fprintf(stderr, "xapi-lite: %s\n", strerror(errno));
		return 1;
	}
	/* Without xenstored's watches the reconciliation polls (housekeeping retries). */
	if (x.xen != NULL && xsw_open(&x) == -1)
		fprintf(stderr, "xapi-lite: xenstored's socket: %s; polling xl list instead\n",
		    strerror(errno));
	/* The archives of the host and its VMs, and the sampler that feeds them. */
	stats_start(&x);
	s.commit = commit;
	s.x = &x;
	s.loop = x.loop;
	for (i = 0; i < nlistens; i++)
		if (server_listen_tcp(&s, listens[i]) == -1) {
			fprintf(stderr, "xapi-lite: --listen %s: %s\n", listens[i], strerror(errno));
			return 1;
		}
	if (unix_path != NULL && server_listen_unix(&s, unix_path) == -1) {
		fprintf(stderr, "xapi-lite: --unix %s: %s\n", unix_path, strerror(errno));
		return 1;
	}
	/* Children (password helpers, xl) wake the loop when they exit. */
	{
		int	p[2];

		if (pipe(p) == -1 || fcntl(p[0], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(p[1], F_SETFL, O_NONBLOCK) == -1) {
			fprintf(stderr, "xapi-lite: pipe: %s\n", strerror(errno));
			return 1;
		}
		fcntl(p[0], F_SETFD, FD_CLOEXEC);
		fcntl(p[1], F_SETFD, FD_CLOEXEC);
		s.wake_fd = p[0];
		child_exited_fd = p[1];
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	x.now_ms = clock_ms();
	x.heartbeat = clock_unix();	/* the first beat a minute from now */
	if (server_start(&s) == -1) {
		fprintf(stderr, "xapi-lite: %s\n", strerror(errno));
		return 1;
	}
	on_housekeeping(x.loop, 0, &x);
	while (!stop) {
		if (server_poll(&s) == -1) {
			fprintf(stderr, "xapi-lite: poll: %s\n", strerror(errno));
			return 1;
		}
		if (reopen && log_path != NULL && strcmp(log_path, "-") != 0) {
			reopen = 0;
			if (x.log != NULL)
				fclose(x.log);
			j.log = x.log = log_open(log_path);
		} else if (x.log != NULL && x.log != stderr)
			j.log = x.log = log_rotate(x.log, log_path);
	}
	server_close(&s);
	handoff_stop_all(&x);
	stats_stop(&x);
	auth_free(&x);
	park_release_all(&x);
	xen_free(&x);
	housekeeping_free(&x);
	session_free(&x);
	alert_free(&x);
	/* A clean stop leaves a fresh snapshot, so the next start replays no journal. */
	if (journal_commit(&j, &x.db) == -1 || journal_snapshot(&j, &x.db) == -1)
		fprintf(stderr, "xapi-lite: the final snapshot failed (%s); the journal has every "
		    "change that was acknowledged\n", journal_error(&j) != NULL ?
		    journal_error(&j) : strerror(errno));
	if (unix_path != NULL)
		unlink(unix_path);
	journal_close(&j);
	if (x.log != NULL && x.log != stderr)
		fclose(x.log);
	db_free(&x.db);
	arena_free(&x.arena);
	loop_free(x.loop);
	return 0;
}
