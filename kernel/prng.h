/* Seeded PRNG (splitmix64): the same seed= gives the same moves and slots. */
#ifndef BARMOVE_PRNG_H
#define BARMOVE_PRNG_H
#include <stdint.h>

struct prng {
    uint64_t state;
};

void prng_seed(struct prng *p, uint64_t seed);
uint64_t prng_next(struct prng *p);
/* uniform in [0, bound), bound > 0, without modulo bias */
uint64_t prng_below(struct prng *p, uint64_t bound);

#endif
