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

/* Bochs 2.7's xHCI: a BAR typed 64-bit whose upper dword is not implemented
 * reads 0 whatever is written (BUGS.md high-dword-ignored) */
TEST(classes_upper_dword_reading_zero_is_high_dword_ignored)
{
    const char *ids[DIAG_MAX_CLASSES];
    /* decode off, the upper dword held 0: truncation and a refused move look alike */
    unsigned n = diagnose((struct observation){.step = OBS_BAR_HIGH, .what = OBS_READBACK,
                                               .readback_old = true, .readback_zero = true},
                          ids);
    EXPECT_EQ(n, 2);
    EXPECT_STR(ids[0], "high-dword-ignored");
    EXPECT_STR(ids[1], "move-refused");
    /* it held another value: not a revert, so not a refused move */
    n = diagnose((struct observation){.step = OBS_BAR_HIGH, .what = OBS_READBACK, .readback_zero = true}, ids);
    EXPECT(names(ids, n, "high-dword-ignored") && !names(ids, n, "move-refused"));
    n = diagnose((struct observation){.step = OBS_BAR_HIGH, .what = OBS_READBACK, .decode = true,
                                      .readback_zero = true},
                 ids);
    EXPECT(names(ids, n, "high-dword-ignored") && !names(ids, n, "write-dropped-while-decoding"));
    /* decode on and it held 0: the dropped write alone, so the hyperv profile still covers it */
    n = diagnose((struct observation){.step = OBS_BAR_HIGH, .what = OBS_READBACK, .decode = true,
                                      .readback_old = true, .readback_zero = true},
                 ids);
    EXPECT_EQ(n, 1);
    EXPECT_STR(ids[0], "write-dropped-while-decoding");
    EXPECT(profile_covers(profile_find("hyperv"), ids, n) != NULL);
    /* the low dword reading 0 is no truncation; nor is a nonzero readback */
    n = diagnose((struct observation){.step = OBS_BAR_LOW, .what = OBS_READBACK, .readback_old = true,
                                      .readback_zero = true},
                 ids);
    EXPECT_EQ(n, 1);
    EXPECT_STR(ids[0], "move-refused");
    n = diagnose((struct observation){.step = OBS_BAR_HIGH, .what = OBS_READBACK, .readback_old = true}, ids);
    EXPECT_EQ(n, 1);
    EXPECT_STR(ids[0], "move-refused");
}

/* cfg-consistency, function-isolation's header compare, restore: config
 * access that reaches another function */
TEST(classes_config_reaching_another_function)
{
    const char *ids[DIAG_MAX_CLASSES];
    /* ECAM and 0xCF8 disagree: the stale latch alone */
    unsigned n = diagnose((struct observation){.step = OBS_LOOK, .what = OBS_CFG_DIFFERS}, ids);
    EXPECT_EQ(n, 1);
    EXPECT_STR(ids[0], "cfg-latch-mix");
    /* the wrong value is a sibling function's: ignoring the function number looks the same */
    n = diagnose((struct observation){.step = OBS_LOOK, .what = OBS_CFG_DIFFERS, .sibling = true}, ids);
    EXPECT_EQ(n, 2);
    EXPECT(names(ids, n, "cfg-latch-mix") && names(ids, n, "function-aliasing"));
    n = diagnose((struct observation){.step = OBS_AS_FOUND, .what = OBS_IDENTITY, .sibling = true}, ids);
    EXPECT(names(ids, n, "function-aliasing"));
    n = diagnose((struct observation){.step = OBS_AFTER, .what = OBS_IDENTITY}, ids);
    EXPECT(names(ids, n, "cfg-latch-mix") && !names(ids, n, "function-aliasing"));
    /* after the checks, a register of a function none wrote changed */
    n = diagnose((struct observation){.step = OBS_AFTER, .what = OBS_READBACK, .other = true}, ids);
    EXPECT_EQ(n, 1);
    EXPECT_STR(ids[0], "cfg-latch-mix");
    n = diagnose((struct observation){.step = OBS_AFTER, .what = OBS_READBACK, .other = true, .sibling = true},
                 ids);
    EXPECT(names(ids, n, "cfg-latch-mix") && names(ids, n, "function-aliasing"));
    /* the readback rows of the engine's writes are not for a register nobody just wrote */
    EXPECT(!names(ids, n, "move-refused") && !names(ids, n, "cmd-readonly"));
    /* a register the checks wrote: no signature (the clean-up after a failure is not read back) */
    EXPECT_EQ(diagnose((struct observation){.step = OBS_AFTER, .what = OBS_READBACK}, ids), 0);
}

/* the sweep after every relocation check (tests/guest/relocation.c) */
TEST(classes_sweep_observations)
{
    const char *ids[DIAG_MAX_CLASSES];
    /* another BAR of a function the check wrote (or a bridge it toggled) answers nowhere */
    unsigned n = diagnose((struct observation){.step = OBS_AFTER, .what = OBS_NOWHERE, .decode = true}, ids);
    EXPECT(names(ids, n, "mse-set-no-remap") && names(ids, n, "cmd-write-lost"));
    EXPECT(!names(ids, n, "overlap-loser-unmapped"));
    n = diagnose((struct observation){.step = OBS_AFTER, .what = OBS_NOWHERE, .decode = true,
                                      .probe = OBS_PROBE_MSIX},
                 ids);
    EXPECT(names(ids, n, "msix-wiped-on-bar-write") && names(ids, n, "mse-set-no-remap"));
    /* a BAR of a function the check never wrote */
    n = diagnose((struct observation){.step = OBS_AFTER, .what = OBS_NOWHERE, .decode = true, .other = true},
                 ids);
    EXPECT(names(ids, n, "overlap-loser-unmapped") && !names(ids, n, "mse-set-no-remap"));
    EXPECT(!names(ids, n, "contents-lost"));
    n = diagnose((struct observation){.step = OBS_AFTER, .what = OBS_NOWHERE, .decode = true, .other = true,
                                      .probe = OBS_PROBE_RAM},
                 ids);
    EXPECT(names(ids, n, "contents-lost"));
    n = diagnose((struct observation){.step = OBS_AFTER, .what = OBS_NOWHERE, .decode = true, .other = true,
                                      .overlap = true},
                 ids);
    EXPECT(names(ids, n, "overlap-alias"));
    n = diagnose((struct observation){.step = OBS_AFTER, .what = OBS_NOWHERE, .decode = true, .other = true,
                                      .sibling = true},
                 ids);
    EXPECT(names(ids, n, "function-aliasing"));
    /* moved along by the check's writes, or still at an address it moved the target to */
    n = diagnose((struct observation){.step = OBS_AFTER, .what = OBS_ELSEWHERE, .decode = true, .other = true},
                 ids);
    EXPECT(names(ids, n, "same-base-confusion") && names(ids, n, "cfg-latch-mix"));
    n = diagnose((struct observation){.step = OBS_AFTER, .what = OBS_AT_OLD, .decode = true}, ids);
    EXPECT(names(ids, n, "write-deferred-to-mse-edge") && names(ids, n, "move-refused"));
    n = diagnose((struct observation){.step = OBS_AFTER, .what = OBS_AT_OLD, .decode = true,
                                      .probe = OBS_PROBE_MSIX},
                 ids);
    EXPECT(names(ids, n, "msix-stays"));
    /* at its address and at one of the check's: a stale alias */
    n = diagnose((struct observation){.step = OBS_AFTER, .what = OBS_AT_BOTH, .decode = true, .other = true},
                 ids);
    EXPECT(names(ids, n, "stale-alias-after-move"));
    /* a BAR whose decode is off answers: re-enabled by the check */
    n = diagnose((struct observation){.step = OBS_AFTER, .what = OBS_AT_RECORDED, .other = true}, ids);
    EXPECT(names(ids, n, "others-reenabled"));
    /* the same damage seen before the check wrote anything: an earlier check left it */
    n = diagnose((struct observation){.step = OBS_AS_FOUND, .what = OBS_NOWHERE, .decode = true}, ids);
    EXPECT(names(ids, n, "overlap-loser-unmapped") && !names(ids, n, "mse-set-no-remap"));
}

/* every kind of observation some check makes is named by some row */
TEST(classes_every_observed_kind_has_a_signature)
{
    for (unsigned w = 0; w < OBS_WHAT_KINDS; w++) {
        bool found = false;
        for (unsigned i = 0; i < signature_count; i++)
            found |= (signatures[i].whats >> w) & 1u;
        host_expect(found, "an obs_what no signature names", __FILE__, __LINE__);
    }
    for (unsigned k = 0; k < OBS_STEP_KINDS; k++) {
        bool found = false;
        for (unsigned i = 0; i < signature_count; i++)
            found |= ((signatures[i].steps >> k) & 1u) && signatures[i].steps != (1u << OBS_STEP_KINDS) - 1;
        host_expect(found, "an obs_step no specific signature names", __FILE__, __LINE__);
    }
    /* no known gap left: every mutant's failures name its class (tests/sim) */
    EXPECT_EQ(diagnosis_gap_count, 0);
}

/* Bochs's stale TLB: seen only once the translation was dropped; and a BAR
 * refused in a shared 64 KiB block */
TEST(classes_stale_read_and_shared_block)
{
    const char *ids[DIAG_MAX_CLASSES];
    unsigned n = diagnose((struct observation){.step = OBS_BAR_LOW, .what = OBS_STALE_READ, .decode = true},
                          ids);
    EXPECT_EQ(n, 1);
    EXPECT_STR(ids[0], "stale-unmapped-cache");
    n = diagnose((struct observation){.step = OBS_MSE_ON, .what = OBS_NOWHERE, .decode = true,
                                      .same_block = true},
                 ids);
    EXPECT(names(ids, n, "coarse-block-overlap"));
    n = diagnose((struct observation){.step = OBS_MSE_ON, .what = OBS_NOWHERE, .decode = true}, ids);
    EXPECT(!names(ids, n, "coarse-block-overlap"));
}
