#ifndef XAPI_CONSOLE_H
#define XAPI_CONSOLE_H

#include <stddef.h>

#include "http.h"
#include "xapi.h"

/* Checks a CONNECT /console request and opens the console's far end (a PV guest's pty, an
   HVM guest's VNC socket), non-blocking. Returns its descriptor, or minus an HTTP status
   with msg saying why. */
int	console_open(struct xapi *x, const struct http_request *req, char *msg, size_t len);

#endif
