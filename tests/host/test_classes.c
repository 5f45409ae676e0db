/* kernel/classes.c (the class table, the signature table) and
 * kernel/profiles.c (which failures a profile= turns into TODOs). */
#include "../../kernel/classes.h"
#include "../../kernel/profiles.h"
#include "harness.h"

static unsigned diagnose(struct observation o, const char **ids)
{
    return classes_diagnose(&o, ids, DIAG_MAX_CLASSES);
}

static bool names(const char **ids, unsigned n, const char *id)
{
    for (unsigned i = 0; i < n; i++)
        if (!strcmp(ids[i], id))
            return true;
    return false;
}

TEST(classes_table_is_consistent)
{
    /* every id once; every signature and profile names only known classes */
    for (unsigned i = 0; i < bug_class_count; i++) {
        EXPECT(bug_class(bug_classes[i].id) == &bug_classes[i]);
        EXPECT(bug_classes[i].section >= 'A' && bug_classes[i].section <= 'G');
        EXPECT(bug_classes[i].what[0] && bug_classes[i].where[0]);
    }
    for (unsigned i = 0; i < signature_count; i++) {
        EXPECT(signatures[i].classes[0] != NULL);
        EXPECT(signatures[i].note && !strchr(signatures[i].note, '#'));
        for (unsigned k = 0; k < 5 && signatures[i].classes[k]; k++)
            EXPECT(bug_class(signatures[i].classes[k]) != NULL);
    }
    for (unsigned i = 0; i < profile_count; i++)
        for (unsigned k = 0; k < PROFILE_MAX_CLASSES && profiles[i].classes[k].id; k++) {
            EXPECT(bug_class(profiles[i].classes[k].id) != NULL);
            EXPECT(!strchr(profiles[i].classes[k].reason, '#'));
        }
    for (unsigned i = 0; i < diagnosis_gap_count; i++)
        EXPECT(bug_class(diagnosis_gaps[i].id) != NULL);
    EXPECT(bug_class("no-such-class") == NULL);
}

TEST(classes_dropped_write_is_named_alone)
{
    const char *ids[DIAG_MAX_CLASSES];
    unsigned n = diagnose((struct observation){.step = OBS_BAR_HIGH, .what = OBS_READBACK, .decode = true,
                                               .readback_old = true},
                          ids);
    EXPECT_EQ(n, 1);
    EXPECT_STR(ids[0], "write-dropped-while-decoding");
    /* the same with decode off is a refused move */
    n = diagnose((struct observation){.step = OBS_BAR_LOW, .what = OBS_READBACK, .readback_old = true}, ids);
    EXPECT_EQ(n, 1);
    EXPECT_STR(ids[0], "move-refused");
    /* a sizing write dropped while decoding: the two look-alikes */
    n = diagnose((struct observation){.step = OBS_SIZING, .what = OBS_READBACK, .decode = true,
                                      .readback_old = true},
                 ids);
    EXPECT_EQ(n, 2);
    EXPECT(names(ids, n, "sizing-ignored-while-mapped") && names(ids, n, "write-dropped-while-decoding"));
}

TEST(classes_transients_tell_the_dword_apart)
{
    const char *ids[DIAG_MAX_CLASSES];
    unsigned n = diagnose((struct observation){.step = OBS_MSE_ON, .what = OBS_AT_TRANSIENT, .decode = true,
                                               .new_low = false},
                          ids);
    EXPECT(names(ids, n, "low-dword-ignored"));
    EXPECT(!names(ids, n, "high-write-not-acted-on"));
    n = diagnose((struct observation){.step = OBS_MSE_ON, .what = OBS_AT_TRANSIENT, .decode = true,
                                      .new_low = true},
                 ids);
    EXPECT(names(ids, n, "high-write-not-acted-on"));
    EXPECT(!names(ids, n, "low-dword-ignored"));
}

TEST(classes_look_alikes_and_conditions)
{
    const char *ids[DIAG_MAX_CLASSES];
    /* still answering after MSE off: several look alike */
    unsigned n = diagnose((struct observation){.step = OBS_MSE_OFF, .what = OBS_AT_RECORDED}, ids);
    EXPECT(names(ids, n, "mse-clear-keeps-mapping") && names(ids, n, "cmd-width-sensitive"));
    /* the probe kind and the overlap narrow it */
    n = diagnose((struct observation){.step = OBS_BAR_LOW, .what = OBS_NOWHERE, .decode = true}, ids);
    EXPECT(!names(ids, n, "msix-wiped-on-bar-write") && !names(ids, n, "overlap-alias"));
    n = diagnose((struct observation){.step = OBS_BAR_LOW, .what = OBS_NOWHERE, .decode = true,
                                      .probe = OBS_PROBE_MSIX, .overlap = true},
                 ids);
    EXPECT(names(ids, n, "msix-wiped-on-bar-write") && names(ids, n, "overlap-alias"));
    EXPECT(!names(ids, n, "function-aliasing"));
    n = diagnose((struct observation){.step = OBS_AS_FOUND, .what = OBS_NOWHERE, .decode = true,
                                      .overlap = true, .sibling = true},
                 ids);
    EXPECT(names(ids, n, "function-aliasing"));
    /* a BAR found dark before the check wrote: address-keyed books an earlier check confused */
    n = diagnose((struct observation){.step = OBS_AS_FOUND, .what = OBS_NOWHERE, .decode = true}, ids);
    EXPECT(names(ids, n, "same-base-confusion") && names(ids, n, "overlap-loser-unmapped"));
    n = diagnose((struct observation){.step = OBS_AS_FOUND, .what = OBS_NOWHERE, .decode = false}, ids);
    EXPECT(!names(ids, n, "same-base-confusion"));
    n = diagnose((struct observation){.step = OBS_AS_FOUND, .what = OBS_ELSEWHERE, .decode = true}, ids);
    EXPECT(names(ids, n, "same-base-confusion"));
    n = diagnose((struct observation){.step = OBS_CONTENTS, .what = OBS_CONTENTS_LOST, .decode = true}, ids);
    EXPECT(names(ids, n, "contents-lost"));
    n = diagnose((struct observation){.step = OBS_IO, .what = OBS_DOORBELL_STALE, .decode = false}, ids);
    EXPECT(names(ids, n, "doorbell-stale"));
    n = diagnose((struct observation){.step = OBS_IO, .what = OBS_IO_FAILED, .decode = true}, ids);
    EXPECT(names(ids, n, "doorbell-stale"));
    /* the join, and no match at all */
    char buf[64];
    classes_join(ids, 0, buf, sizeof buf);
    EXPECT_STR(buf, "unknown");
    const char *two[] = {"a", "b"};
    classes_join(two, 2, buf, sizeof buf);
    EXPECT_STR(buf, "a, b");
}

TEST(profiles_cover_only_all_documented)
{
    const struct profile *spec = profile_find("spec"), *hv = profile_find("hyperv"),
                         *xen = profile_find("xen-vpci");
    EXPECT(spec && hv && xen && !profile_find("bochs"));
    const char *dropped[] = {"write-dropped-while-decoding"};
    const char *sizing[] = {"sizing-ignored-while-mapped", "write-dropped-while-decoding"};
    const char *mixed[] = {"write-dropped-while-decoding", "move-refused"};
    const char *low[] = {"low-dword-ignored"};
    EXPECT(profile_covers(spec, dropped, 1) == NULL);
    EXPECT(profile_covers(hv, dropped, 1) != NULL);
    EXPECT(profile_covers(xen, dropped, 1) != NULL);
    EXPECT(profile_covers(hv, sizing, 2) != NULL);
    EXPECT(profile_covers(xen, sizing, 2) != NULL);
    EXPECT(profile_covers(hv, mixed, 2) == NULL); /* one class not documented: still a failure */
    EXPECT(profile_covers(hv, low, 1) == NULL);
    EXPECT(profile_covers(hv, dropped, 0) == NULL); /* no diagnosis: never a TODO */
    EXPECT(profile_covers(NULL, dropped, 1) == NULL);
    EXPECT(strstr(profile_covers(hv, dropped, 1), "hyperv") != NULL);
}
