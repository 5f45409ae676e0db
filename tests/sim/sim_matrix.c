/* The kill matrix (DESIGN §7): for each bug class, the mutant that shows it
 * in the model and the checks that must fail against it (at level=strict).
 * A mutant is killed when every check named here says "not ok"; other checks
 * may fail too. Adding a mutant is one line here plus its decision in
 * sim_mutants_*.c; adding a check that catches one is its id added here.
 *
 * The names are class ids copied from the team's bug-class catalogue
 * (../shared/BUGS.md, 2026-11), which the build never reads; the check ids
 * are those of tests/guest/ (an unknown one stops the simulator before it
 * runs anything). BUGS.md classes with no mutant here: the hardware-like
 * transient-decoded and sizing-on-moves-live (the correct model does both),
 * the facts of section G, and the classes whose check is not written yet
 * (rom-bar-ignored). */
#include <string.h>

#include "sim_matrix.h"
#include "sim_mutants.h"
#include "sim_mutants_function.h"

const struct mutant sim_mutants[] = {
    /* A. memory decode */
    {"mse-clear-keeps-mapping", {"decode-toggle", "move-dark"}, {.remap = mse_clear_keeps_mapping}},
    {"mse-set-no-remap", {"decode-toggle"}, {.remap = mse_set_no_remap}},
    {"cmd-width-sensitive", {"decode-toggle-width"}, {.remap = cmd_width_sensitive}},
    {"cmd-other-bits-remap", {"cmd-other-bits"}, {.remap = cmd_other_bits_remap}},
    {"cmd-write-lost", {"decode-toggle"}, {.remap = cmd_write_lost}},
    {"cmd-readonly", {"decode-toggle"}, {.accept = cmd_readonly}},
    {"others-reenabled", {"others-stay-dark"}, {.remap = others_reenabled}},
    /* B. BAR writes */
    {"write-dropped-while-decoding", {"move-on-lo-hi", "move-on-hi-lo"},
     {.accept = write_dropped_while_decoding}},
    {"write-deferred-to-mse-edge", {"move-on-lo-hi", "move-on-hi-lo"},
     {.remap = write_deferred_to_mse_edge}},
    {"low-dword-ignored", {"move-off-hi-lo", "move-low-only"}, {.remap = low_dword_ignored}},
    {"high-dword-ignored", {"cross-4g", "move-high-only"}, {.remap = high_dword_ignored}},
    {"high-write-not-acted-on", {"move-high-only", "cross-4g"}, {.remap = high_write_not_acted_on}},
    {"stale-alias-after-move", {"move-off-lo-hi", "move-dark"},
     {.remap = stale_alias_remap, .route = stale_alias_route}},
    {"dark-move-keeps-old-live", {"move-dark"}, {.remap = dark_move_keeps_old_live}},
    {"map-while-dark", {"move-dark", "move-off-lo-hi", "move-off-hi-lo"}, {.remap = map_while_dark}},
    {"move-refused", {"move-off-lo-hi", "cross-4g"}, {.accept = move_refused}},
    {"subdword-bar-write", {"move-bytewise"}, {.accept = subdword_bar_write}},
    {"bar-mask-not-applied", {"bar-mask"},
     {.accept = bar_mask_not_applied_accept, .remap = bar_mask_not_applied_remap}},
    /* BUGS.md names swap too; here a move is inserted at MSE on, when a swap overlaps nothing */
    {"insert-fails-silently", {"overlap-dark"}, {.remap = insert_fails_silently}},
    /* C. sizing */
    {"sizing-keeps-old", {"size-on"}, {.remap = sizing_keeps_old}},
    {"sizing-on-loses-mapping", {"size-on"}, {.remap = sizing_on_loses_mapping}},
    {"sizing-ignored-while-mapped", {"size-on"}, {.accept = sizing_ignored_while_mapped}},
    {"sizing-pattern-exact", {"size-off"}, {.accept = sizing_pattern_exact}},
    {"sizing-on-corrupts", {"size-on"},
     {.accept = sizing_on_corrupts_accept, .remap = sizing_on_corrupts_remap}},
    {"sizing-desync", {"size-then-move"}, {.remap = sizing_desync}},
    /* D. overlap, aliasing, identity */
    {"overlap-alias", {"overlap-dark"}, {.remap = overlap_alias_remap, .route = overlap_alias_route}},
    {"overlap-loser-unmapped", {"overlap-dark"}, {.remap = overlap_loser_unmapped}},
    {"swap-misroutes", {"swap"}, {.remap = swap_misroutes_remap, .route = swap_misroutes_route}},
    {"same-base-confusion", {"overlap-dark", "swap"}, {.remap = same_base_remap, .route = same_base_route}},
    {"coarse-block-overlap", {"pack-tight"}, {.remap = coarse_block_overlap}},
    {"function-aliasing", {"function-isolation"}, {.cfg_route = function_aliasing}},
    {"cfg-latch-mix", {"cfg-consistency"}, {.cfg_route = cfg_latch_mix}},
    /* E. what sits behind the BAR */
    {"ram-bar-not-relocated", {"contents"}, {.remap = ram_bar_not_relocated}},
    {"contents-lost", {"contents"}, {.remap = contents_lost}},
    {"doorbell-stale", {"works-after-move"}, {.route = doorbell_stale_route}},
    {"msix-stays", {"msix-follows"}, {.remap = msix_stays}},
    {"msix-ignores-mse", {"msix-follows"}, {.remap = msix_ignores_mse}},
    {"msix-wiped-on-bar-write", {"rewrite-same"}, {.remap = msix_wiped_on_bar_write}},
    /* F. bridges */
    {"bridge-window-ignored", {"bridge-window"}, {.forwards = bridge_window_ignored}},
};

const unsigned sim_mutant_count = sizeof sim_mutants / sizeof sim_mutants[0];

const struct mutant *sim_mutant(const char *name)
{
    for (unsigned i = 0; i < sim_mutant_count; i++)
        if (!strcmp(sim_mutants[i].name, name))
            return &sim_mutants[i];
    return NULL;
}
