/* profile= (DESIGN 6; BUGS.md "Profiles"): the classes a vendor documents
 * as its deliberate behaviour. Under a profile, a failure whose diagnosed
 * classes all belong to it is reported "not ok ... # TODO <reason>" and does
 * not fail the run; every other failure still does. "spec" documents none. */
#ifndef BARMOVE_PROFILES_H
#define BARMOVE_PROFILES_H
#include <stdbool.h>

#define PROFILE_MAX_CLASSES 4

struct profile_class {
    const char *id;       /* kernel/classes.h */
    const char *reason;   /* the TODO text: no '#' */
    const char *evidence; /* where the vendor documents it */
};

struct profile {
    const char *name;
    struct profile_class classes[PROFILE_MAX_CLASSES];
};

extern const struct profile profiles[];
extern const unsigned profile_count;

/* by name, or NULL */
const struct profile *profile_find(const char *name);
/* the reason when every one of ids[0..n) is documented by p (n > 0), else NULL */
const char *profile_covers(const struct profile *p, const char *const *ids, unsigned n);

#endif
