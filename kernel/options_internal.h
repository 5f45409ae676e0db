/* Shared by the command-line parser's files (not an interface): options.c
 * (words, the option table walk, selection) and options_values.c (one small
 * function per value syntax, and the table of options). */
#ifndef BARMOVE_OPTIONS_INTERNAL_H
#define BARMOVE_OPTIONS_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>

#include "options.h"

/* A word of the command line, split at its first '=' (value NULL: no '='). */
struct arg {
    const char *word;
    size_t word_len;
    size_t key_len;
    const char *value;
    size_t value_len;
};

struct parser {
    struct options *o;
    const struct arg *arg; /* the word being parsed, for messages */
    char *err;
    size_t err_size;
};

typedef int (*option_fn)(struct parser *p, const char *value, size_t len);

struct option_spec {
    const char *name;
    bool repeatable;
    option_fn parse;    /* NULL: a flag, which takes no value */
    size_t flag_offset; /* of the flag's bool in struct options */
};

/* Every option, options_table_count entries (at most 32: a bit each in "seen"). */
extern const struct option_spec options_table[];
extern const unsigned options_table_count;

/* "'WORD': why" into p->err (a very long word shortened); returns -1. */
int options_fail(struct parser *p, const char *why);
/* s[0..n) is exactly literal */
bool options_span_is(const char *s, size_t n, const char *literal);
/* Index of the first c in s[0..n), n if none. */
size_t options_first_index(const char *s, size_t n, char c);

#endif
