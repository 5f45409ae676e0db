/* Reads f to its end into a malloc'd buffer (not NUL-terminated); *len gets
 * the byte count. NULL when memory runs out; the caller checks ferror(f). */
#ifndef BARMOVE_READALL_H
#define BARMOVE_READALL_H
#include <stddef.h>
#include <stdio.h>

char *read_all(FILE *f, size_t *len);
/* The whole file at path ("-": standard input); NULL after telling stderr
 * "PROG: PATH: why" when it cannot be opened or read. */
char *read_path(const char *prog, const char *path, size_t *len);

#endif
