/* Unit tests of lib/loop.c: registration limits, events, one-turn registrations, stale
   events of a reused descriptor, timers, and a pending turn that does not wait. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "tap.h"

struct seen {
	int	calls, fd, mask;
};

static void
on_fd(struct loop *l, int fd, void *arg, int mask)
{
	struct seen	*s = arg;

	(void)l;
	s->calls++;
	s->fd = fd;
	s->mask = mask;
}

/* Closes the other pipe's read end and opens a new descriptor in its place. */
struct swap {
	int		 victim, reopened;
	struct seen	*newcomer;	/* registered on the reopened number */
};

static void
on_close_other(struct loop *l, int fd, void *arg, int mask)
{
	struct swap	*sw = arg;

	(void)fd;
	(void)mask;
	loop_del(l, sw->victim);
	close(sw->victim);
	sw->reopened = open("/dev/null", O_RDONLY);	/* takes the lowest free number */
	(void)loop_add(l, sw->reopened, LOOP_IN, on_fd, sw->newcomer);
}

static int	order[4], norder;

static void
on_timer(struct loop *l, long long id, void *arg)
{
	(void)l;
	(void)id;
	order[norder++] = *(int *)arg;
}

int
main(void)
{
	struct loop	*l;
	struct seen	 a, b;
	struct swap	 sw;
	int		 p[2], q[2], one = 1, two = 2, three = 3, n;
	long long	 t0, id;

	ok(loop_new(0) == NULL && errno == EINVAL, "a loop for no descriptors is refused");
	l = loop_new(64);
	ok(l != NULL, "a loop for 64 descriptors");
	ok(loop_add(l, 64, LOOP_IN, on_fd, &a) == -1 && errno == ERANGE, "fd 64 is out of range");
	ok(loop_add(l, -1, LOOP_IN, on_fd, &a) == -1 && errno == ERANGE, "fd -1 is out of range");
	ok(loop_add(l, 3, LOOP_IN, NULL, &a) == -1 && errno == EINVAL, "a callback is required");
	ok(loop_mask(l, 3) == -1, "an unregistered descriptor has no mask");

	ok(pipe(p) == 0 && pipe(q) == 0, "two pipes");
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ok(loop_add(l, p[0], LOOP_IN, on_fd, &a) == 0 && loop_mask(l, p[0]) == LOOP_IN,
	    "registered for reading");
	ok(loop_add(l, q[1], LOOP_OUT, on_fd, &b) == 0, "registered for writing");
	n = loop_run_once(l, 1000);
	ok(n == 1 && a.calls == 0 && b.calls == 1 && b.mask == LOOP_OUT && b.fd == q[1],
	    "only the writable one is called (%d)", n);
	loop_del(l, q[1]);
	ok(write(p[1], "x", 1) == 1, "a byte in the pipe");
	n = loop_run_once(l, 1000);
	ok(n == 1 && a.calls == 1 && a.mask == LOOP_IN && a.fd == p[0], "readable is called");
	ok(loop_add(l, p[0], 0, on_fd, &a) == 0 && loop_mask(l, p[0]) == 0, "mask 0 keeps it");
	t0 = loop_clock();
	n = loop_run_once(l, 50);
	ok(n == 0 && a.calls == 1 && loop_clock() - t0 >= 40, "not polled with mask 0: waited");
	loop_del(l, p[0]);
	ok(loop_mask(l, p[0]) == -1, "deleted");

	/* One-turn registrations: called in the turn after they were made, then gone. */
	memset(&a, 0, sizeof(a));
	ok(loop_add(l, p[0], LOOP_IN | LOOP_ONCE, on_fd, &a) == 0, "one-turn registration");
	n = loop_run_once(l, 1000);
	ok(n == 1 && a.calls == 1 && loop_mask(l, p[0]) == -1, "called once, then unregistered");
	n = loop_run_once(l, 0);
	ok(n == 0 && a.calls == 1, "not called again though still readable");

	/* A descriptor closed by an earlier callback, its number reused: its event is stale. */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ok(write(q[1], "y", 1) == 1, "both pipes readable");
	sw.victim = q[0];
	sw.newcomer = &b;
	ok(loop_add(l, p[0], LOOP_IN, on_close_other, &sw) == 0 &&
	    loop_add(l, q[0], LOOP_IN, on_fd, &a) == 0, "the first closes the second");
	(void)loop_run_once(l, 1000);
	ok(sw.reopened == q[0] && a.calls == 0 && b.calls == 0,
	    "the closed pipe's event reaches neither it nor the newcomer on its number");
	loop_del(l, p[0]);
	(void)loop_run_once(l, 0);
	ok(b.calls == 1, "the newcomer gets its own events from the next turn");
	loop_del(l, sw.reopened);
	close(sw.reopened);

	/* Timers: due ones fire in a turn, in any order of registration; a deleted one never. */
	id = loop_timer(l, 30, on_timer, &two);
	(void)loop_timer(l, 0, on_timer, &one);
	(void)loop_timer(l, 60, on_timer, &three);
	loop_timer_del(l, id);
	t0 = loop_clock();
	while (norder < 2 && loop_clock() - t0 < 2000)
		(void)loop_run_once(l, -1);
	ok(norder == 2 && order[0] == 1 && order[1] == 3, "timers fire when due; deleted not");
	ok(loop_clock() - t0 >= 50, "the loop slept until the last timer");

	/* Pending work: the next turn does not wait. */
	loop_pending(l);
	t0 = loop_clock();
	(void)loop_run_once(l, 5000);
	ok(loop_clock() - t0 < 1000, "a pending turn does not wait");
	loop_free(l);
	close(p[0]);
	close(p[1]);
	close(q[1]);
	return done_testing();
}
