/* Unit tests of lib/exec.c against real programs: output, status, no shell, caps. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "exec.h"
#include "loop.h"
#include "tap.h"

/* An argv of the words given, NULL-ended. */
#define ARGV(...)	((const char *const[]){ __VA_ARGS__, NULL })

#define JOB_DEADLINE_MS	30000	/* generous: each job here is done in well under a second */

/* Reads j's output to its end and reaps it; -1 (the child killed) when it is not done
   within JOB_DEADLINE_MS, so a hung child fails the test rather than hanging it. */
static int
finish(struct job *j)
{
	long long	deadline = loop_clock() + JOB_DEADLINE_MS;

	while (!exec_read(j)) {
		if (loop_clock() > deadline)
			goto late;
		(void)poll(&(struct pollfd){ .fd = j->fd, .events = POLLIN }, 1, 1000);
	}
	while (!exec_reap(j)) {
		if (loop_clock() > deadline)
			goto late;
		(void)poll(NULL, 0, 10);
	}
	return 0;
late:
	note("job %d not done within %d ms", (int)j->pid, JOB_DEADLINE_MS);
	if (j->pid > 0)
		(void)kill(j->pid, SIGKILL);
	return -1;
}

int
main(void)
{
	struct buf	 out, big;
	FILE		*log = tmpfile();
	char		 logtext[512] = "";
	struct job	 j;
	int		 status;

	buf_init(&out, 1024);
	status = exec_run(ARGV("echo", "hello", "world"), &out, log);
	ok(status == 0 && strcmp(out.p, "hello world\n") == 0, "output and status 0");

	status = exec_run(ARGV("sh", "-c", "echo oops >&2; exit 3"), &out, log);
	ok(status == 3 && strcmp(out.p, "oops\n") == 0, "stderr is captured, status 3");

	status = exec_run(ARGV("echo", "a; rm -rf /tmp/nothing"), &out, log);
	ok(status == 0 && strcmp(out.p, "a; rm -rf /tmp/nothing\n") == 0,
	    "arguments are never read by a shell");

	status = exec_run(ARGV("atoll-no-such-program"), &out, log);
	ok(status == 127 && strstr(out.p, "cannot run atoll-no-such-program") != NULL,
	    "a missing program: 127 and why");

	status = exec_run(ARGV("sh", "-c", "kill -9 $$"), &out, log);
	ok(status == 128 + 9, "killed by a signal: 128 + its number");

	status = exec_run(ARGV("cat"), &out, log);
	ok(status == 0 && out.len == 0, "stdin is /dev/null");

	buf_init(&big, 100);
	status = exec_run(ARGV("sh", "-c", "yes | head -c 200000"), &big, NULL);
	ok(status == 0 && big.len <= 100, "output past the cap is dropped, the child finishes");
	buf_free(&big);

	ok(exec_start(&j, (const char *const[]){ NULL }, 0) == -1, "an empty argv is refused");

	ok(exec_start_input(&j, ARGV("cat"), 0, "secret\n") == 0,
	    "input on stdin");
	ok(finish(&j) == 0 && j.status == 0 && strcmp(j.out.p, "secret\n") == 0,
	    "the child reads it");
	exec_free(&j);

	ok(exec_start(&j, ARGV("sh", "-c", "sleep 0.2; echo late"), 0) == 0 &&
	    exec_reap(&j) == 0, "exec_reap does not block on a running child");
	ok(finish(&j) == 0 && j.status == 0 && strcmp(j.out.p, "late\n") == 0, "then reaps it");
	exec_free(&j);

	ok(exec_start(&j, ARGV("sh", "-c", "yes | head -c 20000"), 100) == 0,
	    "a job with a cap");
	ok(finish(&j) == 0 && j.status == 0 && j.out.len <= 100 && j.dropped,
	    "output past it is dropped, and says so");
	exec_free(&j);
	ok(exec_start(&j, ARGV("echo", "short"), 100) == 0, "a short one");
	ok(finish(&j) == 0 && strcmp(j.out.p, "short\n") == 0 && !j.dropped,
	    "all of it: nothing dropped");
	exec_free(&j);

	rewind(log);
	logtext[fread(logtext, 1, sizeof(logtext) - 1, log)] = '\0';
	ok(strstr(logtext, "+ echo hello world\nhello world\n  exit 0\n") != NULL,
	    "every command is logged with its output and status");
	fclose(log);
	buf_free(&out);
	return done_testing();
}
