/* The profiles (profiles.h), from ../shared/BUGS.md "Profiles" and the
 * evidence of its classes (read 2026-11; the build never reads it). Both
 * vendors drop a BAR write while the BAR decodes, and an all-ones sizing
 * write is dropped the same way, so both list the two classes that
 * behaviour looks like from inside a guest (kernel/classes.c). The names
 * here are the ones options.c accepts (options_profile_names). */
#include "profiles.h"

#include <string.h>

const struct profile profiles[] = {
    {"spec", {{0}}},
    {"hyperv",
     {{"write-dropped-while-decoding",
       "hyperv: BAR writes while decoding are silently ignored (documented)",
       "Linux pci-hyperv.c prepopulate_bars, commit ac82fc832708; OpenVMM pci_core cfg_space_emu.rs write_bar"},
      {"sizing-ignored-while-mapped",
       "hyperv: BAR writes while decoding are silently ignored, sizing too (documented)",
       "as write-dropped-while-decoding: the all-ones write is a BAR write"}}},
    {"xen-vpci",
     {{"write-dropped-while-decoding", "xen-vpci: ignored BAR write while mapped (documented)",
       "Xen vPCI header.c bar_write, gitlab 197"},
      {"sizing-ignored-while-mapped", "xen-vpci: all-ones ignored while mapped (documented)",
       "Xen vPCI header.c bar_write + vpci_hw_read32 (hardware domain)"}}},
};
const unsigned profile_count = sizeof profiles / sizeof profiles[0];

const struct profile *profile_find(const char *name)
{
    for (unsigned i = 0; i < profile_count; i++)
        if (!strcmp(profiles[i].name, name))
            return &profiles[i];
    return NULL;
}

static const struct profile_class *documented(const struct profile *p, const char *id)
{
    for (unsigned k = 0; k < PROFILE_MAX_CLASSES && p->classes[k].id; k++)
        if (!strcmp(p->classes[k].id, id))
            return &p->classes[k];
    return NULL;
}

const char *profile_covers(const struct profile *p, const char *const *ids, unsigned n)
{
    const char *reason = NULL;
    if (!p || !n)
        return NULL;
    for (unsigned i = 0; i < n; i++) {
        const struct profile_class *c = documented(p, ids[i]);
        if (!c)
            return NULL;
        if (!reason)
            reason = c->reason;
    }
    return reason;
}
