/* The mutants' decisions (sim_mutants_*.c), one BUGS.md class each, grouped
 * as BUGS.md groups them. Each replaces one or two members of struct policy
 * (sim.h) and is named in the table of sim_matrix.c. A mutant's state lives
 * in its own file: every run is a fresh process (sim_run.c), so it starts
 * zeroed. */
#ifndef BARMOVE_SIM_MUTANTS_H
#define BARMOVE_SIM_MUTANTS_H
#include "sim.h"

/* A. memory decode (sim_mutants_decode.c), and F. bridges */
void mse_clear_keeps_mapping(const struct cfg_write *w);
void mse_set_no_remap(const struct cfg_write *w);
void cmd_width_sensitive(const struct cfg_write *w);
void cmd_other_bits_remap(const struct cfg_write *w);
bool cmd_readonly(struct cfg_write *w);
void cmd_write_lost(const struct cfg_write *w);
void others_reenabled(const struct cfg_write *w);
bool bridge_window_ignored(const struct sim_fn *bridge, uint64_t phys);

/* B. BAR writes (sim_mutants_writes.c) */
bool write_dropped_while_decoding(struct cfg_write *w);
void write_deferred_to_mse_edge(const struct cfg_write *w);
void low_dword_ignored(const struct cfg_write *w);
void high_dword_ignored(const struct cfg_write *w);
void high_write_not_acted_on(const struct cfg_write *w);
void stale_alias_remap(const struct cfg_write *w);
bool stale_alias_route(uint64_t phys, unsigned width, struct hit *h);
void map_while_dark(const struct cfg_write *w);
bool move_refused(struct cfg_write *w);
void dark_move_keeps_old_live(const struct cfg_write *w);

/* C. sizing (sim_mutants_sizing.c) */
void sizing_keeps_old(const struct cfg_write *w);
void sizing_on_loses_mapping(const struct cfg_write *w);
bool sizing_ignored_while_mapped(struct cfg_write *w);
bool sizing_pattern_exact(struct cfg_write *w);
bool sizing_on_corrupts_accept(struct cfg_write *w);
void sizing_on_corrupts_remap(const struct cfg_write *w);

/* D. overlap, aliasing, identity (sim_mutants_overlap.c) */
void overlap_alias_remap(const struct cfg_write *w);
bool overlap_alias_route(uint64_t phys, unsigned width, struct hit *h);
void overlap_loser_unmapped(const struct cfg_write *w);
void insert_fails_silently(const struct cfg_write *w);
void swap_misroutes_remap(const struct cfg_write *w);
bool swap_misroutes_route(uint64_t phys, unsigned width, struct hit *h);
void same_base_remap(const struct cfg_write *w);
bool same_base_route(uint64_t phys, unsigned width, struct hit *h);

/* E. what sits behind the BAR (sim_mutants_behind.c) */
bool doorbell_stale_route(uint64_t phys, unsigned width, struct hit *h);
void ram_bar_not_relocated(const struct cfg_write *w);
void contents_lost(const struct cfg_write *w);
void msix_stays(const struct cfg_write *w);
void msix_ignores_mse(const struct cfg_write *w);
void msix_wiped_on_bar_write(const struct cfg_write *w);

/* B, C, D for the second table's write checks (sim_mutants_more.c) */
bool subdword_bar_write(struct cfg_write *w);
bool bar_mask_not_applied_accept(struct cfg_write *w);
void bar_mask_not_applied_remap(const struct cfg_write *w);
void sizing_desync(const struct cfg_write *w);
void coarse_block_overlap(const struct cfg_write *w);

#endif
