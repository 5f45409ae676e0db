/* Hazard: the hypervisor moves the BAR's registers but leaves the device's
 * doorbells behind: the doorbell (NVMe SQ tail, virtio notify; an ioeventfd)
 * still works at the old address, or still works with MSE=0, or the device
 * no longer takes requests at its new address (BUGS.md doorbell-stale:
 * crosvm, kvmtool, cloud-hypervisor).
 * Expect: an NVMe admin Identify Controller (queues in guest RAM, doorbell
 * in BAR0) completes through the BAR's new address with the vendor id
 * config space shows; a doorbell written at the old address, or at the new
 * one while MSE=0, completes nothing within 50 ms; the submission still
 * completes through the live doorbell afterwards, and again back home.
 * Classes: doorbell-stale. (virtio-rng, the other request DESIGN §4 names,
 * is not driven yet.) */
#include "../../drivers/pci.h"
#include "relocation.h"

static bool build_works(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    uint64_t to;
    if (!take_move_slot(t, SLOT_PREFER_HIGH, r, &to))
        return false;
    /* the controller DMAs its queues and the identify data: Bus Master on
     * (firmware may have left it off; the restore puts COMMAND back) */
    uint16_t cmd = shadow_command(e->shadow, t->fn);
    engine_command(e, 0, (uint16_t)((cmd & ~PCI_COMMAND_MEMORY) | PCI_COMMAND_MASTER), 2,
                   "MSE off, bus master on");
    steps_write_bar(e, to, t->is64, false);
    engine_mse(e, 0, true, 2, "MSE on");
    engine_nvme(e, 0, STEP_NVME_IDENTIFY, false, "Identify at new");
    engine_nvme(e, 0, STEP_NVME_SUBMIT, false, "submit Identify at new");
    engine_nvme(e, 0, STEP_NVME_STALE, true, "doorbell at old address");
    engine_mse(e, 0, false, 2, "MSE off");
    engine_nvme(e, 0, STEP_NVME_STALE, false, "doorbell at new while dark");
    engine_mse(e, 0, true, 2, "MSE on");
    engine_nvme(e, 0, STEP_NVME_COMPLETE, false, "doorbell at new completes");
    engine_restore_steps(e, 0);
    engine_nvme(e, 0, STEP_NVME_IDENTIFY, false, "Identify at home");
    engine_command(e, 0, cmd, 2, "restore: COMMAND as found");
    return true;
}

BAR_CHECK(works_after_move, "works-after-move", CHECK_REQUIRED, TARGET_NVME, build_works);
