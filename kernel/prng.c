#include "prng.h"

void prng_seed(struct prng *p, uint64_t seed)
{
    p->state = seed;
}

uint64_t prng_next(struct prng *p)
{
    uint64_t z = (p->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t prng_below(struct prng *p, uint64_t bound)
{
    uint64_t limit = -bound % bound; /* values below this would bias the result */
    uint64_t v;
    do
        v = prng_next(p);
    while (v < limit);
    return v % bound;
}
