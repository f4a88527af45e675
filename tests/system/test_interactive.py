"""The interactive installer in QEMU: the ISO's files boot with atoll.install and
atexit=poweroff, with the ISO as a CD and an empty virtio disk, and the test answers every
dialog screen on the serial console as a user would, reading the screen as tmux renders it:
the disk, the wipe (its default, Back, first), a bad host name then a good one, DHCP, two
passwords that differ then the same twice, a time zone by region and city, a keymap, the
summary. The installer writes the disk and powers off; then the disk alone boots into a host
that serves HTTPS with the chosen password and host name and keeps the chosen time zone and
keymap."""
import os
import shutil
import tempfile
import unittest

from qemu_vm import BOOT_TIMEOUT, COMMAND_TIMEOUT, Screen, Vm, base_args, free_port, net_args
from test_live import ISO, LOGS, READY, boot_args
from test_install import INSTALL_TIMEOUT, login

PASSWORD = "atoll-dialog-pw"
HOSTNAME = "rack7-node3"


class InteractiveInstall(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="atoll-interactive-")
        self.disk = os.path.join(self.work, "disk.img")
        with open(self.disk, "wb") as f:
            f.truncate(10 * 1024 ** 3)

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def answer_the_screens(self, s):
        # The disk: vda, empty; the CD booted from is not offered.
        # Waits for the disk's line, not the title: over a serial line the box is drawn
        # a piece at a time, and the title comes well before the list.
        screen = s.wait(r"vda +10\.0 GiB +VirtIO disk +empty", BOOT_TIMEOUT,
                        "the welcome and disk screen listing vda")
        self.assertIn("Welcome to Atoll", screen)
        self.assertNotIn("sr0", screen)
        s.keys("Enter")
        # The wipe's default is Back: Enter returns to the disks; then Erase.
        s.wait(r"Erase vda and install Atoll on it\?", COMMAND_TIMEOUT, "the wipe screen")
        s.keys("Enter")
        s.wait(r"Choose the disk", COMMAND_TIMEOUT, "the disk screen again")
        s.keys("Enter")
        s.wait(r"Erase vda and install Atoll on it\?", COMMAND_TIMEOUT, "the wipe screen")
        s.keys("e")
        # A bad host name is refused and asked again.
        s.wait(r"The host's name", COMMAND_TIMEOUT, "the host name screen")
        s.keys("C-u")
        s.type("rack7_node3")
        s.keys("Enter")
        s.wait(r'"rack7_node3" is not a host name', COMMAND_TIMEOUT, "the refusal")
        s.keys("Enter")
        s.wait(r"The host's name", COMMAND_TIMEOUT, "the host name screen again")
        s.keys("C-u")
        s.type(HOSTNAME)
        s.keys("Enter")
        # DHCP, the default.
        s.wait(r"Automatically \(DHCP\)", COMMAND_TIMEOUT, "the network screen")
        s.keys("Enter")
        # Two passwords that differ: told, and asked again.
        s.wait(r"The password of root", COMMAND_TIMEOUT, "the password screen")
        s.type(PASSWORD)
        s.keys("Enter")
        s.wait(r"The same password again", COMMAND_TIMEOUT, "the second password")
        s.type(PASSWORD + "-typo")
        s.keys("Enter")
        s.wait(r"The two passwords are not", COMMAND_TIMEOUT, "the mismatch message")
        s.keys("Enter")
        s.wait(r"The password of root", COMMAND_TIMEOUT, "the password screen again")
        s.type(PASSWORD)
        s.keys("Enter")
        s.wait(r"The same password again", COMMAND_TIMEOUT, "the second password")
        s.type(PASSWORD)
        s.keys("Enter")
        # The time zone: the region Europe, then the city Paris (the first with a P).
        s.wait(r"choose a region, then a city", COMMAND_TIMEOUT, "the time zone screen")
        s.keys("e", "Enter")
        s.wait(r"Time zone: Europe", COMMAND_TIMEOUT, "Europe's cities")
        s.keys("p", "Enter")
        # The keymap: from us, the second beginning with d (de, then de-latin1).
        s.wait(r"The keyboard layout", COMMAND_TIMEOUT, "the keymap screen")
        s.keys("d", "d", "Enter")
        screen = s.wait(r"Install, or start over\?", COMMAND_TIMEOUT, "the summary")
        for line in (r"Disk: +vda, 10\.0 GiB, VirtIO disk \(ERASED\)",
                     r"Host name: +" + HOSTNAME, r"Network: +DHCP",
                     r"Time zone: +Europe/Paris", r"Keymap: +de-latin1"):
            self.assertRegex(screen, line)
        s.keys("Enter")

    def test_every_screen_then_the_disk_boots_a_host(self):
        disk = ["-drive", "file=%s,if=virtio,format=raw" % self.disk]
        s = Screen("interactive", boot_args("atoll.install atexit=poweroff", (),
                                            disk + ["-cdrom", ISO]), LOGS)
        try:
            self.answer_the_screens(s)
            s.wait(r"Installing Atoll on /dev/vda", COMMAND_TIMEOUT, "the gauge")
            screen = s.wait(r"Atoll is installed on /dev/vda|installation failed",
                            INSTALL_TIMEOUT, "the end of the install")
            self.assertIn("Atoll is installed on /dev/vda", screen)
            self.assertIn("to power the machine off", screen)
            print("\n  installed after %.1f s" % s.elapsed(), flush=True)
            s.keys("Enter")
            s.wait_exit(120)
        finally:
            s.close()

        port = free_port()
        host = Vm("interactive-installed", base_args("bios", self.work) + disk +
                  net_args(["hostfwd=tcp:127.0.0.1:%d-:443" % port]), LOGS)
        try:
            host.wait(READY, BOOT_TIMEOUT, "atoll: ready from the installed disk")
            api, sid = login(port, PASSWORD)
            h = api.host.get_all(sid)["Value"][0]
            self.assertEqual(api.host.get_hostname(sid, h)["Value"], HOSTNAME)
            api("close")()
            # The settings the host keeps, read on its serial console. Its login prompt
            # came before "ready": an empty name brings a new one.
            host.send("\n")
            host.login(PASSWORD)
            status, out = host.run("cat /var/lib/atoll/host.conf")
            self.assertEqual(status, 0, out)
            for line in ("hostname=" + HOSTNAME, "timezone=Europe/Paris", "keymap=de-latin1",
                         "proto=dhcp"):
                self.assertIn(line + "\n", out.replace("\r", ""))
        finally:
            host.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
