/* Between the engine's own files. */
#ifndef BARMOVE_ENGINE_INTERNAL_H
#define BARMOVE_ENGINE_INTERNAL_H
#include "engine.h"

/* STEP_FILL, STEP_VERIFY, STEP_SCRIBBLE; false after check_fail */
bool engine_contents_step(struct engine *e, const struct step *s, struct check_result *r,
                          unsigned step_number);

/* STEP_NVME_*; false after check_fail */
bool engine_nvme_step(struct engine *e, const struct step *s, struct check_result *r,
                      unsigned step_number);

/* STEP_VIRTIO_*; false after check_fail */
bool engine_virtio_step(struct engine *e, const struct step *s, struct check_result *r,
                        unsigned step_number);

#endif
