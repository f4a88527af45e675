"""make bench-upgrade: upgrades under QEMU TCG, BIOS and UEFI. Installs version 1, then
measures the upgrade's downtime (the XenAPI's last answer on version 1 to its first on
version 2, `atoll-upgrade --reboot` from a tree over HTTP) with the trial boot's timeline,
and the rollback time of an image whose xapi-lite never answers and of one whose dom0
panics (the XenAPI's last answer on version 2 to its first on version 2 again, the failed
trial between). Prints a Markdown report.

Usage: python3 bench/upgrade_bench.py ISO UPGRADE_TREE
"""
import os
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "system"))
os.environ.setdefault("ATOLL_ISO", sys.argv[1] if len(sys.argv) > 1 else "out/atoll.iso")
os.environ.setdefault("ATOLL_UPGRADE_TREE", sys.argv[2] if len(sys.argv) > 2 else
                      "out/upgrade/boot")
os.environ.setdefault("ATOLL_LOGS", os.path.join(os.path.dirname(os.environ["ATOLL_ISO"]),
                                                 "bench-logs"))
from qemu_vm import Vm, base_args, free_port, net_args  # noqa: E402
from test_live import ISO, LOGS, boot_with  # noqa: E402
from test_install import (ANSWERFILE, INSTALL_TIMEOUT, PASSWORD,  # noqa: E402
                          AnswerfileServer, remaster)
from test_upgrade import TREE, TRIAL_TIMEOUT, broken_tree, version_of  # noqa: E402
from bench import cpu_model, print_timeline, ready_timeline  # noqa: E402
from host_bench import first_login, host_api  # noqa: E402

POLL_EVERY = 0.25       # seconds between the watcher's calls


class Watcher:
    """Asks the host's XenAPI for its product_version every POLL_EVERY seconds: the
    monotonic time of the last answer from each version."""

    def __init__(self, port, session):
        self.api, self.s = host_api(port), session
        self.last = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.wait(POLL_EVERY):
            try:
                h = self.api.host.get_all(self.s)["Value"][0]
                v = self.api.host.get_software_version(self.s, h)["Value"]["product_version"]
                self.last[v] = time.monotonic()
            except Exception:   # down, or the session gone with the reboot
                pass

    def close(self):
        self.stop.set()
        self.thread.join()


class Host:
    def __init__(self, firmware, work, disk, server):
        self.firmware, self.work, self.disk, self.server = firmware, work, disk, server
        self.boots = 0

    def boot(self):
        """The installed disk boots: (vm, port, session, QEMU start time, first login's
        monotonic time)."""
        self.boots += 1
        port = free_port()
        vm = Vm("bench-upgrade-%s-%d" % (self.firmware, self.boots),
                base_args(self.firmware, self.work) +
                ["-drive", "file=%s,if=virtio,format=raw" % self.disk] +
                net_args(["hostfwd=tcp:127.0.0.1:%d-:443" % port, self.server.guestfwd()]),
                LOGS)
        _, s = first_login(port, vm, PASSWORD)
        return vm, port, s, vm.started, time.monotonic()

    def reboot_into(self, vm, port, s, command, version_before):
        """command reboots into a trial: the monotonic times of the XenAPI's last answer
        on version_before, of the command and of QEMU's exit."""
        watch = Watcher(port, s)
        time.sleep(1)       # the watcher's first answers
        vm.send(command + "\n")
        asked = time.monotonic()
        vm.wait_exit(TRIAL_TIMEOUT)
        exited = time.monotonic()
        vm.close()
        watch.close()
        return watch.last[version_before], asked, exited


def measure(firmware, iso, work, server, v2):
    disk = os.path.join(work, "disk-%s.img" % firmware)
    with open(disk, "wb") as f:
        f.truncate(10 * 1024 ** 3)
    drives = ["-drive", "file=%s,if=virtio,format=raw" % disk]
    if firmware == "bios":      # the ISO's own files, booted with the answerfile's options
        install = boot_with("bench-upgrade-install-bios", "answerfile=http://10.0.2.100/"
                            "answer.xml atexit=poweroff", [server.guestfwd()],
                            drives + ["-cdrom", ISO])
    else:                       # OVMF booting the ISO remastered with them
        install = Vm("bench-upgrade-install-uefi", base_args(firmware, work) + drives +
                     ["-cdrom", iso] + net_args([server.guestfwd()]), LOGS)
    try:
        install.wait(r"atoll-install: Atoll is installed", INSTALL_TIMEOUT, "the success line")
        install.wait_exit(120)
    finally:
        install.close()
    host = Host(firmware, work, disk, server)
    rows = []
    vm, port, s, _, _ = host.boot()
    vm.login(PASSWORD)
    v1 = host_api(port).host.get_software_version(
        s, host_api(port).host.get_all(s)["Value"][0])["Value"]["product_version"]

    last, asked, exited = host.reboot_into(vm, port, s, "atoll-upgrade --reboot "
                                           "http://10.0.2.100/v2/", v1)
    vm, port, s, started, first = host.boot()
    vm.login(PASSWORD)
    trial = ready_timeline(vm)
    rows.append(("upgrade %s -> %s: downtime (last answer on %s -> first on %s)"
                 % (v1, v2, v1, v2), first - last))
    rows.append(("  of which the check, copy and shutdown (command -> QEMU exits)",
                 exited - asked))
    rows.append(("  of which the trial boot (QEMU start -> first login)", first - started))

    for kind in ("silent", "panic"):
        broken_tree(work, "%s-%s" % (kind, firmware), kind)
        last, asked, _ = host.reboot_into(vm, port, s, "atoll-upgrade --reboot "
                                          "http://10.0.2.100/%s-%s/" % (kind, firmware), v2)
        trial_vm = Vm("bench-upgrade-%s-%s-trial" % (firmware, kind),
                      base_args(firmware, work) +
                      ["-drive", "file=%s,if=virtio,format=raw" % disk] +
                      net_args([server.guestfwd()]), LOGS)
        try:
            trial_vm.wait_exit(TRIAL_TIMEOUT)
            trial_took = trial_vm.elapsed()
        finally:
            trial_vm.close()
        vm, port, s, started, first = host.boot()
        vm.login(PASSWORD)
        what = ("xapi-lite never answers" if kind == "silent" else "dom0 panics")
        rows.append(("rollback, %s: last answer on %s -> first on %s again" % (what, v2, v2),
                     first - last))
        rows.append(("  of which the failed trial (QEMU start -> its reboot)", trial_took))
    vm.close()
    return rows, trial


def main():
    tree = os.path.abspath(TREE)
    v2 = version_of(tree)
    work = tempfile.mkdtemp(prefix="atoll-upgrade-bench-")
    try:
        os.symlink(tree, os.path.join(work, "v2"))
        with open(os.path.join(work, "answer.xml"), "w") as f:
            f.write(ANSWERFILE)
        server = AnswerfileServer(work)
        iso = os.path.join(work, "install.iso")
        remaster(ISO, iso, "answerfile=http://10.0.2.100/answer.xml network_device=eth0 "
                 "network_config=dhcp atexit=poweroff")
        results = {fw: measure(fw, iso, work, server, v2) for fw in ("bios", "uefi")}
        server.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("## Upgrades and rollbacks (issue 17)")
    print()
    print("Machine: %s, %d cores; QEMU TCG (no KVM), one run each" % (cpu_model(),
                                                                   os.cpu_count()))
    print()
    print("| measure | BIOS | UEFI |")
    print("|---|---|---|")
    for i, (what, _) in enumerate(results["bios"][0]):
        print("| %s | %.1f s | %.1f s |" % (what, results["bios"][0][i][1],
                                             results["uefi"][0][i][1]))
    print()
    for fw in ("bios", "uefi"):
        print_timeline("the trial boot of the upgrade, %s" % fw.upper(), [results[fw][1]])
        print()


if __name__ == "__main__":
    main()
