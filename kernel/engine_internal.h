/* Between the engine's own files. */
#ifndef BARMOVE_ENGINE_INTERNAL_H
#define BARMOVE_ENGINE_INTERNAL_H
#include "engine.h"

/* STEP_FILL, STEP_VERIFY, STEP_SCRIBBLE; false after check_fail */
bool engine_contents_step(struct engine *e, const struct step *s, struct check_result *r,
                          unsigned step_number);

/* A device request driven through a moved BAR (works-after-move): what one
 * driver (NVMe admin queue, virtio-rng virtqueue) supplies; engine_io_step
 * does the dispatch both share. Each returns false after check_fail. */
struct io_driver {
    const char *request;   /* "an Identify", "a virtio request": for harness messages */
    const char *no_memory; /* the harness message when DMA memory ran out */
    enum step_kind submit_kind, stale_kind, complete_kind; /* the request kind is the rest */
    bool (*buffers)(void);
    bool (*running)(void);
    bool (*submit)(struct check_result *r, const struct target *t, uint64_t at);
    bool (*complete)(struct engine *e, const struct step *s, struct check_result *r, unsigned n,
                     uint64_t at);
    bool (*stale)(struct engine *e, const struct step *s, struct check_result *r, unsigned n,
                  uint64_t where);
};
bool engine_io_step(const struct io_driver *d, struct engine *e, const struct step *s,
                    struct check_result *r, unsigned step_number);
/* the diagnosis (kernel/classes.h) of a device that does not do what was
 * asked through the BAR where it answers: its setup or its request failed */
void engine_io_failed(struct check_result *r);
/* How long a doorbell or notify that must start nothing is watched: 20 times
 * what the last request through a live doorbell took (engine_io_completed),
 * within [2 ms, 50 ms]; 50 ms before any completed. works-after-move makes
 * its device's own live request before its stale steps, so that is the
 * request measured.
 * A device that answers a live doorbell in 40 us is not given 50 ms to
 * answer a stale one (the suite's cost), one that takes 2 ms gets 40 ms. */
uint64_t engine_io_stale_wait_ns(void);
void engine_io_completed(uint64_t ns);

/* STEP_NVME_*; false after check_fail */
bool engine_nvme_step(struct engine *e, const struct step *s, struct check_result *r,
                      unsigned step_number);

/* STEP_VIRTIO_*; false after check_fail */
bool engine_virtio_step(struct engine *e, const struct step *s, struct check_result *r,
                        unsigned step_number);

#endif
