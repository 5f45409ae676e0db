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
 * The same for virtio-rng (modern virtio-pci, the common config's BAR): one
 * 16-byte device-writable buffer on queue 0 comes back filled when queue 0
 * is notified where the BAR answers, and not within 50 ms when notified at
 * the old address or while MSE=0.
 * Classes: doorbell-stale. */
#include <string.h>

#include "../../drivers/pci.h"
#include "relocation.h"

static bool build_works(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    uint64_t to;
    if (!take_move_slot(t, SLOT_PREFER_HIGH, r, &to))
        return false;
    bool nvme = !strcmp(t->probe.type->name, "nvme-aqa");
    /* the device DMAs its queues and the identify data / random bytes: Bus Master on
     * (firmware may have left it off; the restore puts COMMAND back) */
    uint16_t cmd = shadow_command(e->shadow, t->fn);
    engine_command(e, 0, (uint16_t)((cmd & ~PCI_COMMAND_MEMORY) | PCI_COMMAND_MASTER), 2,
                   "MSE off, bus master on");
    steps_write_bar(e, to, t->is64, false);
    engine_mse(e, 0, true, 2, "MSE on");
    if (nvme) {
        engine_nvme(e, 0, STEP_NVME_IDENTIFY, false, "Identify at new");
        engine_nvme(e, 0, STEP_NVME_SUBMIT, false, "submit Identify at new");
        engine_nvme(e, 0, STEP_NVME_STALE, true, "doorbell at old address");
        engine_mse(e, 0, false, 2, "MSE off");
        engine_nvme(e, 0, STEP_NVME_STALE, false, "doorbell at new while dark");
        engine_mse(e, 0, true, 2, "MSE on");
        engine_nvme(e, 0, STEP_NVME_COMPLETE, false, "doorbell at new completes");
        engine_restore_steps(e, 0);
        engine_nvme(e, 0, STEP_NVME_IDENTIFY, false, "Identify at home");
    } else {
        engine_virtio(e, 0, STEP_VIRTIO_REQUEST, false, "rng request at new");
        engine_virtio(e, 0, STEP_VIRTIO_SUBMIT, false, "submit rng request at new");
        engine_virtio(e, 0, STEP_VIRTIO_STALE, true, "notify at old address");
        engine_mse(e, 0, false, 2, "MSE off");
        engine_virtio(e, 0, STEP_VIRTIO_STALE, false, "notify at new while dark");
        engine_mse(e, 0, true, 2, "MSE on");
        engine_virtio(e, 0, STEP_VIRTIO_COMPLETE, false, "notify at new completes");
        engine_restore_steps(e, 0);
        engine_virtio(e, 0, STEP_VIRTIO_REQUEST, false, "rng request at home");
    }
    engine_command(e, 0, cmd, 2, "restore: COMMAND as found");
    return true;
}

BAR_CHECK(works_after_move, "works-after-move", CHECK_REQUIRED, TARGET_WORKS, build_works);
