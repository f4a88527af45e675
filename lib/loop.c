/*
 * The event loop (see loop.h). Registrations live in an array indexed by descriptor and a
 * dense list of the registered ones, from which each turn builds its pollfd set; a
 * registration's generation tells a callback's stale event from one for a descriptor
 * closed and reopened in the same turn. Timers are few (housekeeping, delayed answers): an
 * unsorted array scanned each turn.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "loop.h"

struct reg {
	loop_fn		*fn;
	void		*arg;
	int		 on;		/* registered */
	int		 mask;
	int		 pos;		/* index in loop.fds */
	unsigned	 gen;
};

struct timer {
	long long	 id, at;
	loop_timer_fn	*fn;
	void		*arg;
};

struct loop {
	struct reg	*regs;		/* by descriptor */
	int		 maxfd;
	int		*fds;		/* the registered descriptors, dense */
	int		 nfds;
	struct pollfd	*pfd;		/* one turn's set... */
	struct entry {			/* ...and what each entry was registered with */
		loop_fn		*fn;
		void		*arg;
		unsigned	 gen;
		int		 once;
	}		*turn;
	struct timer	*timers;
	size_t		 ntimers, tcap;
	long long	 next_id, now;
	int		 pending;
};

long long
loop_clock(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

struct loop *
loop_new(int maxfd)
{
	struct loop	*l;

	if (maxfd < 1) {
		errno = EINVAL;
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->regs = calloc((size_t)maxfd, sizeof(*l->regs));
	l->fds = calloc((size_t)maxfd, sizeof(*l->fds));
	l->pfd = calloc((size_t)maxfd, sizeof(*l->pfd));
	l->turn = calloc((size_t)maxfd, sizeof(*l->turn));
	if (l->regs == NULL || l->fds == NULL || l->pfd == NULL || l->turn == NULL) {
		loop_free(l);
		errno = ENOMEM;
		return NULL;
	}
	l->maxfd = maxfd;
	l->now = loop_clock();
	return l;
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	free(l->regs);
	free(l->fds);
	free(l->pfd);
	free(l->turn);
	free(l->timers);
	free(l);
}

int
loop_add(struct loop *l, int fd, int mask, loop_fn *fn, void *arg)
{
	struct reg	*r;

	if (fn == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (fd < 0 || fd >= l->maxfd) {
		errno = ERANGE;
		return -1;
	}
	r = &l->regs[fd];
	if (!r->on) {
		r->on = 1;
		r->pos = l->nfds;
		l->fds[l->nfds++] = fd;
		r->gen++;
	}
	r->mask = mask;
	r->fn = fn;
	r->arg = arg;
	return 0;
}

void
loop_del(struct loop *l, int fd)
{
	struct reg	*r;
	int		 last;

	if (fd < 0 || fd >= l->maxfd || !l->regs[fd].on)
		return;
	r = &l->regs[fd];
	last = l->fds[--l->nfds];
	l->fds[r->pos] = last;
	l->regs[last].pos = r->pos;
	r->on = 0;
	r->gen++;
}

int
loop_mask(const struct loop *l, int fd)
{
	if (fd < 0 || fd >= l->maxfd || !l->regs[fd].on)
		return -1;
	return l->regs[fd].mask & (LOOP_IN | LOOP_OUT);
}

long long
loop_timer(struct loop *l, long long ms, loop_timer_fn *fn, void *arg)
{
	struct timer	*t;

	if (l->ntimers == l->tcap) {
		size_t	cap = l->tcap ? 2 * l->tcap : 16;

		if ((t = realloc(l->timers, cap * sizeof(*t))) == NULL)
			return -1;
		l->timers = t;
		l->tcap = cap;
	}
	t = &l->timers[l->ntimers++];
	t->id = ++l->next_id;
	t->at = loop_clock() + (ms > 0 ? ms : 0);
	t->fn = fn;
	t->arg = arg;
	return t->id;
}

void
loop_timer_del(struct loop *l, long long id)
{
	size_t	i;

	for (i = 0; i < l->ntimers; i++)
		if (l->timers[i].id == id) {
			l->timers[i] = l->timers[--l->ntimers];
			return;
		}
}

void
loop_pending(struct loop *l)
{
	l->pending = 1;
}

long long
loop_now(const struct loop *l)
{
	return l->now;
}

/* Fires every timer due by now; each is removed before its callback runs. */
static int
run_timers(struct loop *l)
{
	int	called = 0;
	size_t	i = 0;

	while (i < l->ntimers) {
		struct timer	t = l->timers[i];

		if (t.at > l->now) {
			i++;
			continue;
		}
		l->timers[i] = l->timers[--l->ntimers];
		t.fn(l, t.id, t.arg);
		called++;
		i = 0;	/* the callback may have added or removed timers */
	}
	return called;
}

int
loop_run_once(struct loop *l, int max_ms)
{
	int	n = 0, i, timeout = max_ms, called = 0;
	size_t	t;

	for (i = 0; i < l->nfds; i++) {
		int		 fd = l->fds[i];
		struct reg	*r = &l->regs[fd];

		l->pfd[n].fd = fd;
		l->pfd[n].events = (r->mask & LOOP_IN ? POLLIN : 0) |
		    (r->mask & LOOP_OUT ? POLLOUT : 0);
		l->pfd[n].revents = 0;
		l->turn[n].fn = r->fn;
		l->turn[n].arg = r->arg;
		l->turn[n].once = (r->mask & LOOP_ONCE) != 0;
		l->turn[n++].gen = r->gen;
	}
	/* One-turn registrations end with this turn's set (their callbacks are in turn[]). */
	for (i = 0; i < n; i++)
		if (l->turn[i].once)
			loop_del(l, l->pfd[i].fd);
	l->now = loop_clock();
	for (t = 0; t < l->ntimers; t++) {
		long long	wait = l->timers[t].at - l->now;

		if (wait < 0)
			wait = 0;
		if (timeout < 0 || wait < timeout)
			timeout = (int)wait;
	}
	if (l->pending)
		timeout = 0;
	l->pending = 0;
	if (poll(l->pfd, (nfds_t)n, timeout) == -1 && errno != EINTR)
		return -1;
	l->now = loop_clock();
	for (i = 0; i < n; i++) {
		struct pollfd	*p = &l->pfd[i];
		struct reg	*r = &l->regs[p->fd];
		int		 mask = 0;

		if (p->revents == 0)
			continue;
		/* Deleted, or closed and reopened, by an earlier callback: not this event's.
		   A one-turn registration was deleted above (one generation on) unless a
		   callback has registered the descriptor again since. */
		if (l->turn[i].once ? r->gen != l->turn[i].gen + 1 || r->on :
		    r->gen != l->turn[i].gen || !r->on)
			continue;
		if (p->revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
			mask |= LOOP_IN;
		if (p->revents & (POLLOUT | POLLERR))
			mask |= LOOP_OUT;
		if (l->turn[i].once) {
			l->turn[i].fn(l, p->fd, l->turn[i].arg, mask);
		} else
			r->fn(l, p->fd, r->arg, mask);
		called++;
	}
	return called + run_timers(l);
}
