"""make bench: sizes of what we ship, boot time to "atoll: ready" (median of 3 boots each on
BIOS and UEFI, QEMU TCG), and dom0's memory at idle. Prints a Markdown report.

Usage: python3 bench/bench.py ISO DOM0_ROOT_DIR [BOOTS]
"""
import os
import platform
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "system"))
from qemu_vm import BOOT_TIMEOUT, Vm, base_args, net_args  # noqa: E402

READY = r"atoll: ready (\S+) (\S+)\n"
PASSWORD = "atoll-bench-pw"
MIB = 1024 * 1024


def boot(firmware, n, logs):
    vm = Vm("bench-%s-%d" % (firmware, n),
            base_args(firmware, tempfile.gettempdir()) + ["-cdrom", ISO] + net_args(), logs)
    return vm, vm.wait(READY, BOOT_TIMEOUT, "atoll: ready") and vm.elapsed()


def idle_memory(vm):
    """Logs in (setting the first-boot password) and reads dom0's memory use."""
    vm.mark = 0
    vm.wait(r"New password: ", 90)
    vm.send(PASSWORD + "\n")
    vm.wait(r"Retype password: ", 90)
    vm.send(PASSWORD + "\n")
    vm.login(PASSWORD)
    _, pss = vm.run("cat /proc/[0-9]*/smaps_rollup | awk '/^Pss:/{s+=$2}END{print s}'")
    _, meminfo = vm.run("cat /proc/meminfo")
    info = dict((l.split(":")[0], int(l.split()[1])) for l in meminfo.splitlines()
                if ":" in l and l.split()[1:2] and l.split()[1].isdigit())
    return int(pss.strip().splitlines()[-1]), info


def unpacked_size(root):
    return int(subprocess.run(["du", "-sb", root], capture_output=True, text=True,
                              check=True).stdout.split()[0])


def cpu_model():
    """The machine's CPU model, as /proc/cpuinfo names it (for the reports)."""
    try:
        with open("/proc/cpuinfo") as f:
            return next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "x86_64"


def main():
    global ISO
    ISO, root = sys.argv[1], sys.argv[2]
    boots = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    logs = os.path.join(os.path.dirname(ISO), "bench-logs")
    dom0_img = os.path.join(os.path.dirname(ISO), "boot", "dom0.img")

    times = {}
    memory = None
    for firmware in ("bios", "uefi"):
        times[firmware] = []
        for n in range(boots):
            vm, seconds = boot(firmware, n, logs)
            try:
                times[firmware].append(seconds)
                if memory is None:
                    memory = idle_memory(vm)
            finally:
                vm.close()
            print("  %s boot %d: ready after %.1f s" % (firmware, n + 1, seconds),
                  file=sys.stderr, flush=True)

    pss, info = memory
    cpu = cpu_model()
    print("Machine: %s, %d cores, %.0f GiB RAM; QEMU TCG (no KVM), %d boots each"
          % (cpu, os.cpu_count(), os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
             / (1 << 30), boots))
    print()
    print("| measure | value | target |")
    print("|---|---|---|")
    print("| `out/atoll.iso` | %.1f MiB | <= 64 MiB |" % (os.path.getsize(ISO) / MIB))
    print("| `dom0.img` compressed (zstd) | %.1f MiB | |" % (os.path.getsize(dom0_img) / MIB))
    print("| dom0 image unpacked | %.1f MiB | |" % (unpacked_size(root) / MIB))
    for firmware in ("bios", "uefi"):
        t = times[firmware]
        print("| QEMU start -> `atoll: ready`, %s, median (all) | %.1f s (%s) | %s |"
              % ("SeaBIOS" if firmware == "bios" else "OVMF", statistics.median(t),
                 ", ".join("%.1f" % x for x in t), "<= 20 s" if firmware == "bios" else ""))
    print("| UEFI / BIOS boot time ratio | %.2f | |"
          % (statistics.median(times["uefi"]) / statistics.median(times["bios"])))
    print("| dom0 userland at idle (sum of processes' Pss) | %.1f MiB | <= 64 MiB |"
          % (pss / 1024))
    print("| dom0 RAM file system at idle (Shmem) | %.1f MiB | |" % (info["Shmem"] / 1024))
    print("| dom0 memory in use at idle (MemTotal - MemAvailable) | %.1f MiB of %.0f MiB | |"
          % ((info["MemTotal"] - info["MemAvailable"]) / 1024, info["MemTotal"] / 1024))


if __name__ == "__main__":
    main()
