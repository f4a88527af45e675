"""make bench-install: the unattended installer under QEMU TCG. Measures QEMU start ->
power-off for an install from an answerfile over HTTP (BIOS, and UEFI from the ISO), then
QEMU start -> the first successful XenAPI login over HTTPS on the installed disk. Prints a
Markdown report.

Usage: python3 bench/install_bench.py ISO [RUNS]
"""
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "system"))
os.environ.setdefault("ATOLL_ISO", sys.argv[1] if len(sys.argv) > 1 else "out/atoll.iso")
os.environ.setdefault("ATOLL_LOGS", os.path.join(os.path.dirname(os.environ["ATOLL_ISO"]),
                                                 "bench-logs"))
from qemu_vm import Vm, base_args, free_port, net_args  # noqa: E402
from test_live import ISO, LOGS, boot_with  # noqa: E402
from test_install import (ANSWERFILE, INSTALL_TIMEOUT, PASSWORD,  # noqa: E402
                          AnswerfileServer, remaster)
from bench import cpu_model, print_timeline, ready_timeline  # noqa: E402
from host_bench import first_login, host_api, suspend_resume  # noqa: E402

URL = "answerfile=http://10.0.2.100/answer.xml atexit=poweroff"


def new_disk(work):
    path = os.path.join(work, "disk.img")
    with open(path, "wb") as f:
        f.truncate(10 * 1024 ** 3)
    return ["-drive", "file=%s,if=virtio,format=raw" % path]


def install(vm):
    """Seconds from QEMU's start to the installed machine's power-off."""
    try:
        vm.wait(r"atoll-install: Atoll is installed", INSTALL_TIMEOUT, "the success line")
        vm.wait_exit(120)
        return vm.elapsed()
    finally:
        vm.close()


def login_time(work, disk, firmware, n, measure=None):
    """Seconds to the first login on the installed disk; with measure, also what
    measure(api, session, host, port) returns, run then."""
    port = free_port()
    host = Vm("bench-installed-%s-%d" % (firmware, n), base_args(firmware, work) + disk +
              net_args(["hostfwd=tcp:127.0.0.1:%d-:443" % port]), LOGS)
    try:
        api = host_api(port)
        took, s = first_login(port, host, PASSWORD)
        if measure is None:
            return took
        host.login(PASSWORD)
        return took, measure(api, s, host, port)
    finally:
        host.close()


def main():
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    work = tempfile.mkdtemp(prefix="atoll-bench-install-")
    try:
        with open(os.path.join(work, "answer.xml"), "w") as f:
            f.write(ANSWERFILE)
        server = AnswerfileServer(work)
        bios, logins, timelines = [], [], []
        for n in range(runs):
            disk = new_disk(work)
            bios.append(install(boot_with("bench-install-bios-%d" % n, URL,
                                          [server.guestfwd()], disk + ["-cdrom", ISO])))
            took, stages = login_time(work, disk, "bios", n,
                                      lambda api, s, host, port: ready_timeline(host))
            logins.append(took)
            timelines.append(sorted(stages + [("first XenAPI login over HTTPS", took)],
                                    key=lambda stage: stage[1]))
        # UEFI: OVMF boots the ISO's own GRUB, its install entry carrying the answerfile.
        iso = os.path.join(work, "answer.iso")
        remaster(ISO, iso, URL)
        disk = new_disk(work)
        uefi = install(Vm("bench-install-uefi", base_args("uefi", work) + disk +
                          ["-cdrom", iso] + net_args([server.guestfwd()]), LOGS))
        # The UEFI host also suspends and resumes a 128 MiB guest into its XFS SR.
        uefi_login, (suspend_s, image_mib, resume_s) = login_time(work, disk, "uefi", 0,
                                                                  suspend_resume)
        server.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("## The installer (`make bench-install`)")
    print()
    print("Machine: %s, %d cores; QEMU TCG (no KVM), 2 vCPUs and 2 GiB, a 10 GiB virtio "
          "disk" % (cpu_model(), os.cpu_count()))
    print()
    print("| measure | value | target |")
    print("|---|---|---|")
    print("| unattended install, QEMU start -> power-off, BIOS, median of %d (all) "
          "| %.1f s (%s) | <= 60 s |" % (runs, statistics.median(bios),
                                         ", ".join("%.1f" % t for t in bios)))
    print("| unattended install, QEMU start -> power-off, UEFI (OVMF, from the ISO) "
          "| %.1f s | |" % uefi)
    print("| installed host, QEMU start -> first HTTPS login, BIOS, median of %d (all) "
          "| %.1f s (%s) | <= 25 s |" % (runs, statistics.median(logins),
                                         ", ".join("%.1f" % t for t in logins)))
    print("| installed host, QEMU start -> first HTTPS login, UEFI | %.1f s | |" % uefi_login)
    print("| installed host, `VM.suspend` of a running 128 MiB guest (image size) "
          "| %.1f s (%.0f MiB) | |" % (suspend_s, image_mib))
    print("| installed host, `VM.resume` of it | %.1f s | |" % resume_s)
    print()
    print_timeline("the installed host's BIOS boots", timelines)


if __name__ == "__main__":
    main()
