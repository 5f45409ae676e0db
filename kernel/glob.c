/* Iterative wildcard match with one backtrack point: linear in practice and
 * never recursive, so a hostile pattern ("*a*a*a*...") cannot blow the stack. */
#include "glob.h"

#include <stddef.h>

bool glob_match(const char *pattern, const char *text)
{
    const char *star = NULL;  /* the last '*' seen in the pattern */
    const char *resume = NULL; /* where in text that '*' is to absorb next */

    while (*text) {
        if (*pattern == '*') {
            star = pattern++;
            resume = text;
        } else if (*pattern == '?' || *pattern == *text) {
            pattern++;
            text++;
        } else if (star) {
            /* mismatch after a '*': let the '*' swallow one more character */
            pattern = star + 1;
            text = ++resume;
        } else {
            return false;
        }
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}
