/* libFuzzer target: replaying any bytes as a journal (xapi-lite/journal_load.c) stops at
   the first bad record without reading past the data, and what it applied stays a
   database that frees cleanly. */
#include <stdint.h>
#include <string.h>

#include "db.h"
#include "journal_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jfile	f;
	struct db	db;

	if (db_init(&db) == -1)
		return 0;
	memset(&f, 0, sizeof(f));
	f.name = "db.journal";
	f.exists = 1;
	buf_init(&f.data, 0);
	if (size > 0 && buf_append(&f.data, data, size) == -1) {
		db_free(&db);
		return 0;
	}
	jfile_replay(&f, &db);
	if (f.good > size || (f.what == NULL && f.good != size))
		__builtin_trap();	/* it claims bytes it was not given, or stopped silently */
	jfile_free(&f);
	db_free(&db);
	return 0;
}
