#ifndef ATOLL_LOOP_H
#define ATOLL_LOOP_H

/*
 * A poll() event loop in the shape of Redis's ae.c: descriptors registered with a mask and
 * a callback, timers, and one turn at a time (loop_run_once) so the caller can do its own
 * work between turns.
 */

#define LOOP_IN		1	/* readable (or hung up, or in error) */
#define LOOP_OUT	2	/* writable */
#define LOOP_ONCE	4	/* loop_add: the registration lasts for the next turn only */

struct loop;

/* Called with the events that happened (LOOP_IN, LOOP_OUT) on fd. */
typedef void	loop_fn(struct loop *l, int fd, void *arg, int mask);
/* Called once, when a timer is due; the timer is gone by then. */
typedef void	loop_timer_fn(struct loop *l, long long id, void *arg);

/* A loop for descriptors 0 to maxfd - 1. NULL with errno set. */
struct loop	*loop_new(int maxfd);
/* Frees the loop (the descriptors are the caller's). */
void		 loop_free(struct loop *l);

/* Watches fd for mask (LOOP_IN | LOOP_OUT, 0 to keep it registered but not polled),
   replacing an earlier registration. Returns 0, or -1 with errno ERANGE (fd outside the
   loop's range) or ENOMEM. */
int		 loop_add(struct loop *l, int fd, int mask, loop_fn *fn, void *arg);
/* Stops watching fd (call before closing it). Unknown fds are ignored. */
void		 loop_del(struct loop *l, int fd);
/* The mask fd is watched for, or -1 when it is not registered. */
int		 loop_mask(const struct loop *l, int fd);

/* Calls fn(arg) once ms milliseconds from now. Returns the timer's id (> 0) or -1. */
long long	 loop_timer(struct loop *l, long long ms, loop_timer_fn *fn, void *arg);
/* Cancels a timer that has not fired. Unknown ids are ignored. */
void		 loop_timer_del(struct loop *l, long long id);

/* Makes the next turn not wait: there is work that no descriptor will announce. */
void		 loop_pending(struct loop *l);

/* One turn: waits up to max_ms (less when a timer is due, 0 after loop_pending, -1 for no
   limit), calls the callbacks of the descriptors that are ready and of the timers that are
   due. Returns the number of callbacks called, or -1 with errno when poll() failed (EINTR
   is not a failure). */
int		 loop_run_once(struct loop *l, int max_ms);

/* The monotonic clock in milliseconds, as of the last turn's wake-up. */
long long	 loop_now(const struct loop *l);
/* The monotonic clock now, in milliseconds. */
long long	 loop_clock(void);

#endif
