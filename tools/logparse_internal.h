/* Shared by the TAP parser's files (not an interface): logparse.c (lines in,
 * YAML blocks, end of log, memory) and logparse_lines.c (one function per
 * kind of TAP line the reporter writes). */
#ifndef BARMOVE_LOGPARSE_INTERNAL_H
#define BARMOVE_LOGPARSE_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>

#include "logparse.h"

/* malloc'd copy of s[0..n) + NUL; aborts when out of memory */
char *log_copy_text(const char *s, size_t n);
/* array, grown (doubled) when count reached *cap; aborts when out of memory */
void *log_grow(void *array, size_t *cap, size_t count, size_t elem_size);
/* records an inconsistency; the first one's text is kept in p->problem */
void log_problem(struct log_parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool log_starts_with(const char *s, const char *prefix);

/* "# running N - DESC": text starts with TAP_RUNNING_PREFIX */
void log_line_running(struct log_parse *p, const char *text);
/* the other kinds: false when text is not that kind of line */
bool log_line_point(struct log_parse *p, const char *text);
bool log_line_plan(struct log_parse *p, const char *text);
bool log_line_bail(struct log_parse *p, const char *text);
bool log_line_summary(struct log_parse *p, const char *text);

#endif
