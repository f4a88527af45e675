"""Whole-system tests: the live ISO boots under QEMU on BIOS and UEFI, from CD and as a USB
stick, reaches "atoll: ready", and dom0 runs Xen's toolstack and a PV guest.

Run by make test (python3 -m unittest); ATOLL_ISO names the image, ATOLL_LOGS where serial
logs go.
"""
import os
import re
import subprocess
import tempfile
import unittest

from qemu_vm import BOOT_TIMEOUT, COMMAND_TIMEOUT, Vm, base_args, net_args, sha512_crypt

ISO = os.environ.get("ATOLL_ISO", "out/atoll.iso")
LOGS = os.environ.get("ATOLL_LOGS", "out/test-logs")
READY = r"atoll: ready (\S+) (\S+)\n"
PASSWORD = "atoll-test-pw"


def boot_iso(name, firmware, medium):
    vm_args = base_args(firmware, tempfile.gettempdir())
    if medium == "cdrom":
        vm_args += ["-cdrom", ISO]
    else:
        # The ISO written to a USB stick, as dd does: the hybrid MBR/GPT must boot it.
        vm_args += ["-drive", "if=none,id=stick,format=raw,snapshot=on,file=" + ISO,
                    "-device", "qemu-xhci,id=xhci",
                    "-device", "usb-storage,bus=xhci.0,drive=stick,bootindex=1"]
    return Vm(name, vm_args + net_args(), LOGS)


class LiveBoot(unittest.TestCase):
    def check_ready(self, vm):
        m = vm.wait(READY, BOOT_TIMEOUT, "atoll: ready")
        self.assertEqual(m.group(2).decode(), "10.0.2.15", "the DHCP address of QEMU's network")
        self.assertNotIn("atoll: error", vm.text(), "no start-up step failed:\n" + vm.tail())
        print("\n  %s: ready after %.1f s" % (vm.name, vm.elapsed()), flush=True)

    def first_boot_password(self, vm):
        """Without atoll.password_hash root has no password: the console asks for one."""
        vm.mark = 0
        vm.wait(r"root has no password yet", COMMAND_TIMEOUT, "the first-boot password prompt")
        vm.wait(r"New password: ", COMMAND_TIMEOUT, "New password")
        vm.send(PASSWORD + "\n")
        vm.wait(r"Retype password: ", COMMAND_TIMEOUT, "Retype password")
        vm.send(PASSWORD + "\n")
        vm.login(PASSWORD)

    def check_toolstack_and_guest(self, vm):
        status, out = vm.run("pidof syslogd klogd xapi-lite stunnel4 | wc -w")
        self.assertEqual(out.split()[-1], "4", "syslogd, klogd, xapi-lite and stunnel run")
        status, out = vm.run("xl list")
        self.assertEqual(status, 0, out)
        self.assertRegex(out, r"Domain-0\s+0\s+\d+\s+\d+\s+r", "xl list shows Domain-0 running")
        status, out = vm.run("xl create -c /usr/share/atoll/guest/demo.cfg", BOOT_TIMEOUT)
        self.assertIn("atoll-guest: hello from a PV guest", out)
        self.assertEqual(status, 0, out)

    def test_bios_cdrom(self):
        vm = boot_iso("bios-cdrom", "bios", "cdrom")
        try:
            self.check_ready(vm)
            self.first_boot_password(vm)
            self.check_toolstack_and_guest(vm)
        finally:
            vm.close()

    def test_uefi_cdrom(self):
        vm = boot_iso("uefi-cdrom", "uefi", "cdrom")
        try:
            self.check_ready(vm)
            self.first_boot_password(vm)
            self.check_toolstack_and_guest(vm)
        finally:
            vm.close()

    def test_bios_usb_stick(self):
        vm = boot_iso("bios-usb", "bios", "usb")
        try:
            self.check_ready(vm)
        finally:
            vm.close()

    def test_uefi_usb_stick(self):
        vm = boot_iso("uefi-usb", "uefi", "usb")
        try:
            self.check_ready(vm)
        finally:
            vm.close()


def boot_with(name, dom0_options, forwards=(), extra=()):
    """Boots the ISO's own three files with a dom0 command line of our choosing (and extra
    QEMU arguments: disks, the ISO as a CD)."""
    return Vm(name, boot_args(dom0_options, forwards, extra), LOGS)


def boot_args(dom0_options, forwards=(), extra=()):
    """QEMU's command line for boot_with: the ISO's Xen, dom0 kernel and image, extracted
    (left in a temporary directory of their own), started directly."""
    work = tempfile.mkdtemp(prefix="atoll-files-")
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", ISO, "-extract", "/boot",
                    work], check=True, capture_output=True)
    # QEMU's multiboot loader wants Xen uncompressed.
    with open(os.path.join(work, "xen"), "wb") as xen:
        subprocess.run(["zcat", os.path.join(work, "xen.gz")], stdout=xen, check=True)
    with open(os.path.join(work, "grub", "grub.cfg")) as f:
        grub_cfg = f.read()
    xen_args = re.search(r"multiboot2 /boot/xen.gz (.*)", grub_cfg).group(1)
    vm_args = base_args("bios", work) + [
        "-kernel", os.path.join(work, "xen"), "-append", xen_args,
        "-initrd", "%s console=hvc0 quiet %s,%s" % (os.path.join(work, "vmlinuz"),
                                             dom0_options, os.path.join(work, "dom0.img"))]
    return vm_args + list(extra) + net_args(forwards)


class BootOptions(unittest.TestCase):
    """The ISO's own three files, started with a command line of our choosing."""

    def test_password_hash_and_unknown_option(self):
        vm = boot_with("options", "atoll.password_hash=%s atoll.hostname=rack7-node3 "
                            "atoll.bogus=1" % sha512_crypt(PASSWORD))
        try:
            vm.wait(r"atoll: unknown boot option 'atoll.bogus' ignored", BOOT_TIMEOUT,
                    "the report of the unknown option")
            vm.wait(READY, BOOT_TIMEOUT, "atoll: ready")
            # The password from the hash works and nothing asks for another.
            vm.mark = 0
            self.assertNotIn("root has no password", vm.text())
            vm.wait(r"login: ", COMMAND_TIMEOUT, "the login prompt")
            vm.send("root\n")
            vm.wait(r"Password: ", COMMAND_TIMEOUT, "the password prompt")
            vm.send("not-the-password\n")
            vm.wait(r"Login incorrect", COMMAND_TIMEOUT, "a wrong password refused")
            vm.login(PASSWORD)
            status, out = vm.run("hostname")
            self.assertIn("rack7-node3", out)
        finally:
            vm.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
