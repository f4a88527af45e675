"""make bench: sizes of what we ship, boot time to "atoll: ready" (median of 3 boots each on
BIOS and UEFI, QEMU TCG) with a timeline of its stages, and dom0's memory at idle. Prints a
Markdown report.

The timeline: firmware, loader and Xen from the host's time of marker lines on the serial
console (qemu_vm stamps each line of its log); dom0's stages from the uptimes its boot steps
note in /run/atoll/boot-times, put on the host's clock by the `atoll: ready` line, whose
uptime is the file's last.

Usage: python3 bench/bench.py ISO DOM0_ROOT_DIR [BOOTS]
"""
import os
import platform
import re
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


# Serial console lines that start a stage before dom0 runs: (stage, regex), in boot order.
# The first of a firmware's markers that appears starts its row.
CONSOLE_MARKS = [
    ("firmware (SeaBIOS / OVMF)", r"SeaBIOS|BdsDxe|UEFI"),
    ("loader (isolinux / GRUB, with its menu's timeout)", r"ISOLINUX|GNU GRUB|Welcome to GRUB"),
    ("Xen: start to dom0's domain made", r"\(XEN\) Xen version"),
    ("Xen: dom0's kernel unpacked and loaded", r"\(XEN\) d0 has maximum"),
    ("Xen: dom0's memory and page tables", r"\(XEN\)  Xen  kernel:"),
    ("dom0 kernel (to the first boot step)", r"\(XEN\) Freed \d+kB init memory"),
]
LOG_LINE = re.compile(r"^\[\s*([0-9.]+)\] (.*)$")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\r")


def console_times(log_path, marks=CONSOLE_MARKS):
    """{stage: host seconds} of marks' first lines in a Vm's stamped log."""
    found = {}
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LOG_LINE.match(line)
            if not m:
                continue
            text = ANSI.sub("", m.group(2))
            for stage, pattern in marks:
                if stage not in found and re.search(pattern, text):
                    found[stage] = float(m.group(1))
    return found


def timeline(vm, ready_at=None):
    """[(stage, host seconds it starts)] of one boot, logged in, ending with ready (at
    ready_at, else when the log shows the line)."""
    if ready_at is None:
        ready_at = console_times(vm.log_path, [("ready", r"atoll: ready ")])["ready"]
    _, out = vm.run("cat /run/atoll/boot-times")
    noted = [(float(l.split(" ", 1)[0]), l.split(" ", 1)[1].strip())
             for l in out.splitlines() if re.match(r"^[0-9.]+ \S", l)]
    if not noted or noted[-1][1] != "atoll: ready":
        raise AssertionError("%s: /run/atoll/boot-times does not end with atoll: ready:\n%s"
                             % (vm.name, out))
    offset = ready_at - noted[-1][0]     # the host's time at dom0's uptime 0
    marks = console_times(vm.log_path)
    stages = [(stage, marks[stage]) for stage, _ in CONSOLE_MARKS if stage in marks]
    stages += [(name, offset + up) for up, name in noted if name != "atoll: ready"]
    return stages + [("`atoll: ready` on the console", ready_at)]


def ready_timeline(vm):
    """timeline() of a logged-in boot whose `atoll: ready` may still be to come (a login
    can come first)."""
    vm.mark = 0
    vm.wait(READY, BOOT_TIMEOUT, "atoll: ready")
    return timeline(vm)


def log_in(vm):
    """Logs in on the serial console, setting the first-boot password."""
    vm.mark = 0
    vm.wait(r"New password: ", 90)
    vm.send(PASSWORD + "\n")
    vm.wait(r"Retype password: ", 90)
    vm.send(PASSWORD + "\n")
    vm.login(PASSWORD)


def idle_memory(vm):
    """Reads dom0's memory use (logged in)."""
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
    timelines = {}
    memory = None
    for firmware in ("bios", "uefi"):
        times[firmware] = []
        timelines[firmware] = []
        for n in range(boots):
            vm, seconds = boot(firmware, n, logs)
            try:
                times[firmware].append(seconds)
                log_in(vm)
                timelines[firmware].append(timeline(vm, seconds))
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
    print("| `dom0.img` compressed (lz4) | %.1f MiB | |" % (os.path.getsize(dom0_img) / MIB))
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

    for firmware in ("bios", "uefi"):
        print()
        print_timeline("the %s boots" % ("SeaBIOS" if firmware == "bios" else "OVMF"),
                       timelines[firmware])


def print_timeline(what, boots):
    """The stages of boots as a table: each one's start after QEMU's and its length, the
    medians over boots (a stage missing from a boot is left out of its medians)."""
    print("Timeline of %s, median of %d (s after QEMU's start; a stage lasts until the next "
          "starts):" % (what, len(boots)))
    print()
    print("| stage | starts at | takes |")
    print("|---|---|---|")
    order = []
    starts, lengths = {}, {}
    for stages in boots:
        for i, (stage, at) in enumerate(stages):
            if stage not in order:
                order.append(stage)
            starts.setdefault(stage, []).append(at)
            if i + 1 < len(stages):
                lengths.setdefault(stage, []).append(stages[i + 1][1] - at)
    for stage in order:
        took = lengths.get(stage)
        print("| %s | %.2f | %s |" % (stage, statistics.median(starts[stage]),
                                      "%.2f" % statistics.median(took) if took else ""))


if __name__ == "__main__":
    main()
