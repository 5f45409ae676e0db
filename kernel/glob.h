/* Shell-style wildcard matching for only=/skip= (DESIGN §6).
 * '*' matches any run of characters (also none), '?' exactly one; every other
 * character matches itself (case-sensitive; no classes, no escapes). The
 * whole text must match, not a prefix. */
#ifndef BARMOVE_GLOB_H
#define BARMOVE_GLOB_H
#include <stdbool.h>

bool glob_match(const char *pattern, const char *text);

#endif
