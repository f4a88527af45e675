#ifndef XAPI_CONSOLE_H
#define XAPI_CONSOLE_H

#include <stddef.h>

#include "http.h"
#include "xapi.h"

/* Checks a CONNECT or WebSocket /console request and opens the console's far end (a PV guest's pty, an
   HVM guest's VNC socket), non-blocking. Returns its descriptor, or minus an HTTP status
   with msg saying why. */
int	console_open(struct xapi *x, const struct http_request *req, char *msg, size_t len);

/* The simulated host's text console (console_sim.c): one end of a socketpair whose other
   end the loop serves as a small line console. Returns the descriptor, or -1 (errno). */
int	console_sim_open(struct xapi *x);
/* Ends every simulated console (at exit). */
void	console_sim_close_all(struct xapi *x);

#endif
