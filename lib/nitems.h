#ifndef ATOLL_NITEMS_H
#define ATOLL_NITEMS_H

/* The number of elements of array a (an array, never a pointer). */
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#endif
