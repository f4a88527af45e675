"""Fleet installs over the network: QEMU machines boot from QEMU's own TFTP server, served
from a copy of the tree `make pxe` wrote, in which atoll-pxe enrolled them by MAC. Each
finds its own answerfile (served over HTTP from the same tree, reached through guestfwd),
installs to its virtio disk, reports to the test's server and powers off; its disk then
boots into a host that takes its own password and name. A machine the tree does not know
boots its local disk and installs nothing.

An installed host whose MAC atoll-pxe enrolls with --upgrade boots from the network into an
unattended upgrade to the tree's image (the second image make test builds): it reports
success, and its disk then boots the new version on trial, with its state.

PXE_TREE names the tree (default out/pxe), ATOLL_PXE the atoll-pxe program,
ATOLL_UPGRADE_TREE the second image's boot files."""
import os
import shutil
import subprocess
import tempfile
import unittest

from qemu_vm import BOOT_TIMEOUT, Vm, base_args, free_port
from test_live import ISO, LOGS, READY, boot_with
from test_install import ANSWERFILE as INSTALL_ANSWERFILE, INSTALL_TIMEOUT, PASSWORD, \
    AnswerfileServer, login

TREE = os.environ.get("PXE_TREE", "out/pxe")
ATOLL_PXE = os.environ.get("ATOLL_PXE", "out/bin/atoll-pxe")
ANSWERFILE = """<?xml version="1.0"?>
<installation>
  <primary-disk>vda</primary-disk>
  <root-password type="plaintext">%s</root-password>
  <hostname>%s</hostname>
</installation>
"""
HOSTS = {  # MAC: (host name, its password, firmware, loader)
    "52:54:00:a7:00:01": ("pxe-bios", "bios-node-pw", "bios", "pxelinux.0"),
    "52:54:00:a7:00:02": ("pxe-uefi", "uefi-node-pw", "uefi", "grubx64.efi"),
}


class FleetInstall(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="atoll-pxe-")
        cls.tree = os.path.join(cls.work, "tree")
        shutil.copytree(TREE, cls.tree)
        cls.server = AnswerfileServer(cls.tree)
        for mac, (name, password, _, _) in HOSTS.items():
            answers = os.path.join(cls.work, name + ".xml")
            with open(answers, "w") as f:
                f.write(ANSWERFILE % (password, name))
            subprocess.run([ATOLL_PXE, "add-host", cls.tree, "--mac", mac, "--name", name,
                            "--answerfile", answers, "--served-at", "http://10.0.2.100",
                            "--report", "http://10.0.2.100/report", "--atexit", "poweroff"],
                           check=True)

    @classmethod
    def tearDownClass(cls):
        cls.server.close()
        shutil.rmtree(cls.work, ignore_errors=True)

    def machine(self, name, firmware, mac, disk, loader=None, forwards=()):
        """A QEMU machine with this MAC; it boots from the network when loader is given."""
        netdev = "user,id=n0,restrict=on"
        if loader:
            netdev += ",tftp=%s,bootfile=%s" % (self.tree, loader)
        netdev += "".join("," + f for f in forwards)
        args = base_args(firmware, self.work) + [
            "-drive", "file=%s,if=virtio,format=raw" % disk,
            "-netdev", netdev, "-device", "e1000,netdev=n0,mac=" + mac]
        if loader:
            args += ["-boot", "n"]
        return Vm(name, args, LOGS)

    def new_disk(self, name):
        path = os.path.join(self.work, name + ".img")
        with open(path, "wb") as f:
            f.truncate(10 * 1024 ** 3)
        return path

    def install_and_boot(self, mac):
        name, password, firmware, loader = HOSTS[mac]
        disk = self.new_disk(name)
        vm = self.machine("pxe-install-" + firmware, firmware, mac, disk, loader,
                          [self.server.guestfwd()])
        try:
            vm.wait(r"atoll-install: Atoll is installed on /dev/vda \(%s\)" % name,
                    INSTALL_TIMEOUT, "the install of " + name)
            vm.wait_exit(120)
        finally:
            vm.close()
        reports = [r for _, _, r in self.server.reports if r["mac"] == mac]
        self.assertEqual([(r["hostname"], r["status"]) for r in reports], [(name, "success")],
                         self.server.reports)

        port = free_port()
        host = self.machine("pxe-installed-" + firmware, firmware, mac, disk,
                            forwards=["hostfwd=tcp:127.0.0.1:%d-:443" % port])
        try:
            host.wait(READY, BOOT_TIMEOUT, "atoll: ready from the installed disk")
            api, s = login(port, password)
            h = api.host.get_all(s)["Value"][0]
            self.assertEqual(api.host.get_hostname(s, h)["Value"], name)
        finally:
            host.close()

    def test_bios_machine_installs_itself(self):
        self.install_and_boot("52:54:00:a7:00:01")

    def test_uefi_machine_installs_itself(self):
        self.install_and_boot("52:54:00:a7:00:02")

    def test_an_unknown_machine_boots_its_own_disk(self):
        """The default, local: pxelinux hands the machine back to its disk (here one that
        cannot boot), and nothing is installed or written."""
        disk = self.new_disk("unknown")
        mark = os.urandom(1024 * 1024)
        with open(disk, "r+b") as f:
            f.write(mark)
        vm = self.machine("pxe-unknown", "bios", "52:54:00:a7:00:ff", disk, "pxelinux.0",
                          [self.server.guestfwd()])
        try:
            # (pxelinux's own words come out twice, interleaved, on a serial line that
            # also carries the screen; the firmware's are whole.)
            vm.wait(r"PXELINUX \d", BOOT_TIMEOUT, "pxelinux, from the network")
            vm.wait(r"Booting from Hard Disk", BOOT_TIMEOUT, "the firmware given the disk back")
            vm.wait(r"not a bootable disk", BOOT_TIMEOUT, "the empty disk not booting")
            self.assertNotIn("atoll-install", vm.text())
        finally:
            vm.close()
        with open(disk, "rb") as f:
            self.assertEqual(f.read(len(mark)), mark, "the disk's first MiB is unchanged")


class FleetUpgrade(unittest.TestCase):
    """The tree serves the second image; the host was installed from the ISO."""
    MAC = "52:54:00:a7:00:10"
    machine = FleetInstall.machine
    new_disk = FleetInstall.new_disk

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="atoll-pxe-upgrade-")
        cls.tree = os.path.join(cls.work, "tree")
        shutil.copytree(TREE, cls.tree)
        upgrade = os.environ.get("ATOLL_UPGRADE_TREE", "out/upgrade/boot")
        for f in ("xen.gz", "vmlinuz", "dom0.img", "SHA256SUMS"):
            shutil.copy(os.path.join(upgrade, f), os.path.join(cls.tree, "atoll", f))
        with open(os.path.join(cls.tree, "answer.xml"), "w") as f:
            f.write(INSTALL_ANSWERFILE)
        cls.server = AnswerfileServer(cls.tree)
        subprocess.run([ATOLL_PXE, "add-host", cls.tree, "--mac", cls.MAC, "--name",
                        "upgraded", "--upgrade", "vda", "--served-at", "http://10.0.2.100",
                        "--report", "http://10.0.2.100/report", "--atexit", "poweroff"],
                       check=True)

    tearDownClass = classmethod(FleetInstall.tearDownClass.__func__)

    def test_bios_machine_upgrades_itself(self):
        disk = self.new_disk("installed")
        vm = boot_with("pxe-upgrade-install", "answerfile=http://10.0.2.100/answer.xml "
                       "atexit=poweroff", [self.server.guestfwd()],
                       ["-drive", "file=%s,if=virtio,format=raw" % disk, "-cdrom", ISO])
        try:
            vm.wait(r"atoll-install: Atoll is installed on /dev/vda \(rack7-node3\)",
                    INSTALL_TIMEOUT, "the install of version 1")
            vm.wait_exit(120)
        finally:
            vm.close()

        vm = self.machine("pxe-upgrade", "bios", self.MAC, disk, "pxelinux.0",
                          [self.server.guestfwd()])
        try:
            vm.wait(r"atoll-install: Atoll on /dev/vda is upgraded", INSTALL_TIMEOUT,
                    "the unattended upgrade")
            self.assertIn("atoll-upgrade: version ", vm.text())
            vm.wait_exit(120)
        finally:
            vm.close()
        reports = [r for _, _, r in self.server.reports if r["mac"] == self.MAC]
        self.assertEqual([r["status"] for r in reports], ["success"], self.server.reports)

        port = free_port()
        host = self.machine("pxe-upgraded", "bios", self.MAC, disk,
                            forwards=["hostfwd=tcp:127.0.0.1:%d-:443" % port])
        try:
            m = host.wait(READY, BOOT_TIMEOUT, "atoll: ready from the upgraded disk")
            self.assertIn("this boot tries slot b", host.text())
            api, s = login(port, PASSWORD)
            h = api.host.get_all(s)["Value"][0]
            self.assertEqual(api.host.get_hostname(s, h)["Value"], "rack7-node3",
                             "the host keeps its name and password")
            sv = api.host.get_software_version(s, h)["Value"]
            self.assertEqual((sv["product_version"], sv["atoll_slot"]),
                             (m.group(1).decode(), "b"), sv)
            self.assertNotEqual(sv["atoll_slot_a"], sv["atoll_slot_b"], sv)
        finally:
            host.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
