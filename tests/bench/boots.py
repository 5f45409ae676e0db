"""One timed QEMU boot for the benchmark: command lines per boot path and
kernel, the run itself (wall time from QEMU's start to its exit), and what
the serial log says (the guest's exit code, barmove's `# writes:` line)."""
import os
import re
import shutil
import subprocess
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
B = os.path.join(ROOT, "build")
OUT = os.path.join(B, "bench")
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
MKCFGDISK = os.path.join(ROOT, "scripts", "mkcfgdisk.sh")

# The device set the Linux route was measured with (issue 9): one ivshmem, one
# NVMe. The floor kernel writes to the NVMe (FLOOR_DEV): a plain MMIO BAR.
BENCH_DEVICES = ["-object", "memory-backend-ram,id=shm0,size=64M,share=on",
                 "-device", "ivshmem-plain,memdev=shm0,addr=0x3", "-device", "nvme,serial=bench0,addr=0x4"]
FLOOR_DEV = {"bench": "4.0", "scaling": "3.0"}  # the first NVMe of each device set

# boot paths: name -> (boot, firmware)
PATHS = {"kernel-q35": ("kernel", "none"), "iso-q35-seabios": ("iso", "seabios"),
         "iso-q35-ovmf": ("iso", "ovmf")}

# kernels: name -> (-kernel image, ISO)
KERNELS = {"empty": ("bench/floor32.elf", "bench/floor.iso"),
           "floor": ("bench/floor32.elf", "bench/floor.iso"),
           "suite": ("barmove32.elf", "barmove.iso")}

WRITES_RE = re.compile(r"^# writes: (.*)$", re.M)
BY_DEVICE_RE = re.compile(r"^# writes by device: (.*)$", re.M)


def nvme_slot(i):
    """(slot, function) of the i-th NVMe controller of nvme_devices"""
    return 3 + i // 8, i % 8


def nvme_devices(count):
    """count NVMe controllers on q35's root bus, eight functions a slot from
    slot 3 on (slots 1, 2 and 31 hold VGA, the NIC and the ICH9 functions)."""
    args = []
    for i in range(count):
        slot, fn = nvme_slot(i)
        mf = ",multifunction=on" if fn == 0 else ""
        args += ["-device", "nvme,serial=n%d,addr=0x%x.%d%s" % (i, slot, fn, mf)]
    return args


def _ovmf(kind):
    d = "/usr/share/OVMF"
    four = os.path.join(d, "OVMF_%s_4M.fd" % kind)
    return four if os.path.exists(four) else os.path.join(d, "OVMF_%s.fd" % kind)


def command(path, kernel, args, devices, accel, tag):
    """The QEMU command line; writes the barmove.cfg drive and OVMF vars it needs."""
    boot, firmware = PATHS[path]
    image, iso = KERNELS[kernel]
    tmp = os.path.join(OUT, "tmp")
    os.makedirs(tmp, exist_ok=True)
    cmd = [QEMU, "-machine", "q35", "-accel", accel, "-m", "256M", "-no-reboot",
           "-display", "none", "-monitor", "none",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if firmware == "ovmf":
        vars_copy = os.path.join(tmp, tag + ".OVMF_VARS.fd")
        shutil.copyfile(_ovmf("VARS"), vars_copy)
        cmd += ["-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + _ovmf("CODE"),
                "-drive", "if=pflash,format=raw,unit=1,file=" + vars_copy]
    if boot == "kernel":
        cmd += ["-kernel", os.path.join(B, image), "-append", args]
    else:
        img = os.path.join(tmp, tag + ".cfg.img")
        subprocess.run([MKCFGDISK, img, args, "0", "0"], check=True)
        cmd += ["-cdrom", os.path.join(B, iso), "-drive", "file=%s,format=raw" % img, "-boot", "d"]
    return cmd + devices


class Boot:
    """One finished boot: seconds, the guest's exit code (None: no isa-debug-exit
    status), its serial log, and the parsed `# writes:` counts (suite only)."""

    def __init__(self, seconds, rc, log):
        self.seconds, self.log = seconds, log
        self.code = (rc - 1) // 2 if rc > 0 and rc % 2 == 1 else None
        m = WRITES_RE.search(log)
        self.writes = dict((k, int(v)) for k, v in
                           (kv.split("=") for kv in m.group(1).split())) if m else None
        d = BY_DEVICE_RE.findall(log)
        if self.writes is not None and d:
            # "BB:DD.F=MSE,DARK,LIVE ...", over as many lines as it takes: each
            # device's share, replayed on it by the floor
            self.writes["by-device"] = " ".join(d).split()

    def ok(self, kernel):
        if kernel == "suite":
            return self.code in (0, 1) and "\nbarmove: " in self.log
        return self.code == 0 and "floor: " in self.log


def run(path, kernel, args, devices, accel="tcg", timeout=600, trace=None, tag=None):
    """Boot once; trace=FILE adds QEMU's -trace pci_cfg_write log (not for timing)."""
    tag = tag or "%s.%s.%s" % (path, kernel, accel)
    logdir = os.path.join(OUT, "logs")
    os.makedirs(logdir, exist_ok=True)
    serial = os.path.join(logdir, tag + ".log")
    cmd = command(path, kernel, args, devices, accel, tag)
    cmd += ["-serial", "file:" + serial]
    if os.path.exists(serial):  # tags repeat every round: an old log must not pass for this boot
        os.remove(serial)
    if trace:
        cmd += ["-trace", "pci_cfg_write", "-D", trace]
    start = time.perf_counter()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        rc = -1
    seconds = time.perf_counter() - start
    if not os.path.exists(serial):  # QEMU did not start (its own exit 1 looks like the guest's exit 0)
        why = "timed out" if rc == -1 else " ".join(p.stderr.decode(errors="replace").strip().splitlines()[-1:])
        raise RuntimeError("%s: QEMU wrote no serial log (exit %s): %s" % (tag, rc, why))
    with open(serial, errors="replace") as f:
        log = f.read().replace("\r", "")
    return Boot(seconds, rc, log)


def floor_args(writes, dev):
    """the floor kernel's command line for the suite's counted writes: each
    device's share on that device (a framebuffer or RAM BAR costs QEMU more per
    remap than a register BAR), or all on dev when the suite gave no split"""
    if writes.get("by-device"):
        return " ".join("w=" + d for d in writes["by-device"])
    return "mse=%d bar=%d live=%d dev=%s" % (writes["mse-toggles"], writes["bar-dark"], writes["bar-live"], dev)


def kernel_args(kernel, suite_args, writes, dev=FLOOR_DEV["bench"]):
    if kernel == "suite":
        return suite_args
    if kernel == "floor":
        return floor_args(writes, dev)
    return ""
