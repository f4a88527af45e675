#ifndef ATOLL_ZONENAME_H
#define ATOLL_ZONENAME_H

/*
 * The one check of a time zone's name, before it becomes a path below a zoneinfo
 * directory: the installer (answerfile and screens) and xapi-lite's host.set_timezone
 * take the same names.
 */

#define ZONE_NAME_MAX	63	/* tzdata's longest is 32 ("America/Argentina/ComodRivadavia") */

/* s is a tzdata name: UTC, Europe/Paris, America/Argentina/Buenos_Aires, Etc/GMT+5.
   Letters, digits, '_', '+', '-' and '/'; a letter or digit first; no empty part (so no
   leading, trailing or double '/'); no '.' (so no ".." part); at most ZONE_NAME_MAX. */
int	zone_name_ok(const char *s);

#endif
