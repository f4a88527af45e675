"""make bench-pxe: network installs under QEMU TCG. Measures one BIOS machine from QEMU's
start (network boot) to its installer's success report arriving at the HTTP server, and
how long pxelinux.0 over TFTP and lpxelinux.0 over HTTP take to load Xen, the kernel and
dom0.img (from the loader's banner to Xen's first line). Prints a Markdown report.

Usage: python3 bench/pxe_bench.py PXE_TREE ATOLL_PXE [RUNS]
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "system"))
os.environ.setdefault("ATOLL_LOGS", os.path.join(os.path.dirname(sys.argv[1].rstrip("/")),
                                                 "bench-logs"))
from qemu_vm import BOOT_TIMEOUT, Vm, base_args  # noqa: E402
from test_live import LOGS  # noqa: E402
from test_install import INSTALL_TIMEOUT, AnswerfileServer  # noqa: E402
from bench import cpu_model  # noqa: E402

MAC = "52:54:00:b0:00:01"
ANSWERFILE = """<?xml version="1.0"?>
<installation>
  <primary-disk>vda</primary-disk>
  <root-password type="plaintext">atoll-bench-pw</root-password>
  <hostname>pxe-bench</hostname>
</installation>
"""


def machine(name, work, tree, bootfile, server, disk=None):
    netdev = "user,id=n0,restrict=on,tftp=%s,bootfile=%s,%s" % (tree, bootfile,
                                                               server.guestfwd())
    args = base_args("bios", work) + ["-boot", "n", "-netdev", netdev,
                                      "-device", "e1000,netdev=n0,mac=" + MAC]
    if disk:
        args += ["-drive", "file=%s,if=virtio,format=raw" % disk]
    return Vm(name, args, LOGS)


def install_time(work, tree, server, n):
    """Seconds from QEMU's start to the success report's arrival."""
    disk = os.path.join(work, "disk.img")
    with open(disk, "wb") as f:
        f.truncate(10 * 1024 ** 3)
    server.reports.clear()
    vm = machine("bench-pxe-install-%d" % n, work, tree, "pxelinux.0", server, disk)
    try:
        deadline = time.monotonic() + INSTALL_TIMEOUT
        while not server.reports and time.monotonic() < deadline:
            time.sleep(0.1)
        assert server.reports and server.reports[0][2]["status"] == "success", \
            "no success report: %r\n%s" % (server.reports, vm.tail())
        return vm.elapsed()
    finally:
        vm.close()


def load_time(work, tree, bootfile, server, n):
    """Seconds from the loader's banner to Xen's first line: the three files loaded."""
    vm = machine("bench-pxe-load-%s-%d" % (bootfile.split("/")[-1], n), work, tree,
                 bootfile, server)
    try:
        vm.wait(r"PXELINUX \d", BOOT_TIMEOUT, "the loader's banner")
        start = vm.elapsed()
        vm.wait(r"\(XEN\) Xen version", BOOT_TIMEOUT, "Xen's first line")
        return vm.elapsed() - start
    finally:
        vm.close()


def main():
    src, atoll_pxe = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    work = tempfile.mkdtemp(prefix="atoll-bench-pxe-")
    try:
        tree = os.path.join(work, "tree")
        shutil.copytree(src, tree)
        server = AnswerfileServer(tree)
        answers = os.path.join(work, "answer.xml")
        with open(answers, "w") as f:
            f.write(ANSWERFILE)
        subprocess.run([atoll_pxe, "add-host", tree, "--mac", MAC, "--answerfile", answers,
                        "--served-at", "http://10.0.2.100", "--report",
                        "http://10.0.2.100/report", "--atexit", "poweroff"], check=True)
        installs = [install_time(work, tree, server, n) for n in range(runs)]
        # Loading alone: the live entry, so nothing installs.
        subprocess.run([atoll_pxe, "remove-host", tree, "--mac", MAC], check=True)
        subprocess.run([atoll_pxe, "set-default", tree, "live"], check=True)
        tftp = [load_time(work, tree, "pxelinux.0", server, n) for n in range(runs)]
        http = [load_time(work, tree, "http://10.0.2.100/lpxelinux.0", server, n)
                for n in range(runs)]
        server.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    size = sum(os.path.getsize(os.path.join(src, "atoll", f))
               for f in ("xen.gz", "vmlinuz", "dom0.img")) / 1024 ** 2
    med = statistics.median
    print("## Network installs (`make bench-pxe`)")
    print()
    print("Machine: %s, %d cores; QEMU TCG (no KVM), 2 vCPUs and 2 GiB, e1000 with QEMU's "
          "iPXE ROM, QEMU's own TFTP server" % (cpu_model(), os.cpu_count()))
    print()
    print("| measure | value | target |")
    print("|---|---|---|")
    print("| one host, PXE start -> installed and reporting success, BIOS, median of %d "
          "(all) | %.1f s (%s) | <= 90 s |" % (runs, med(installs),
                                               ", ".join("%.1f" % t for t in installs)))
    print("| loading Xen, vmlinuz and dom0.img (%.1f MiB), `pxelinux.0` over TFTP, median "
          "(all) | %.1f s (%s) | |" % (size, med(tftp), ", ".join("%.1f" % t for t in tftp)))
    print("| the same, `lpxelinux.0` over HTTP, median (all) | %.1f s (%s) | |"
          % (med(http), ", ".join("%.1f" % t for t in http)))
    print("| TFTP / HTTP load time ratio | %.2f | |" % (med(tftp) / med(http)))


if __name__ == "__main__":
    main()
