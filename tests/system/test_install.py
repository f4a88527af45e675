"""The unattended installer in QEMU: the ISO's files boot with answerfile=http://... (a
test HTTP server on the host, reached through guestfwd) and atexit=poweroff, with the ISO
as a CD and an empty virtio disk; the installer writes the disk and powers off. Then the
disk alone boots into a host that serves HTTPS with the answerfile's password and name."""
import functools
import http.server
import os
import shutil
import ssl
import tempfile
import threading
import time
import unittest
import xmlrpc.client

from qemu_vm import BOOT_TIMEOUT, Vm, base_args, free_port, net_args
from test_live import ISO, LOGS, READY, boot_with

INSTALL_TIMEOUT = 600       # about three times what an install takes here
PASSWORD = "atoll-install-pw"
ANSWERFILE = """<?xml version="1.0"?>
<installation srtype="ext">
  <primary-disk>vda</primary-disk>
  <keymap>us</keymap>
  <root-password type="plaintext">%s</root-password>
  <source type="local"/>
  <admin-interface name="eth0" proto="dhcp"/>
  <hostname>rack7-node3</hostname>
  <timezone>Europe/Paris</timezone>
</installation>
""" % PASSWORD


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class AnswerfileServer:
    """Serves a directory over HTTP on loopback; QEMU's guestfwd reaches it as 10.0.2.100."""

    def __init__(self, directory):
        handler = functools.partial(QuietHandler, directory=directory)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def guestfwd(self):
        return "guestfwd=tcp:10.0.2.100:80-cmd:socat STDIO TCP:127.0.0.1:%d" % \
            self.httpd.server_address[1]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class UnattendedInstall(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="atoll-install-")
        with open(os.path.join(self.work, "answer.xml"), "w") as f:
            f.write(ANSWERFILE)
        self.server = AnswerfileServer(self.work)
        self.disk = os.path.join(self.work, "disk.img")
        with open(self.disk, "wb") as f:
            f.truncate(10 * 1024 ** 3)

    def tearDown(self):
        self.server.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def test_bios_install_then_the_disk_boots_a_host(self):
        self.install_then_boot("bios")

    def test_uefi_boot_of_the_installed_disk(self):
        """The same disk layout boots in UEFI mode, through GRUB at the removable path."""
        self.install_then_boot("uefi")

    def install_then_boot(self, firmware):
        disk = ["-drive", "file=%s,if=virtio,format=raw" % self.disk]
        vm = boot_with("install-" + firmware,
                       "answerfile=http://10.0.2.100/answer.xml atexit=poweroff",
                       [self.server.guestfwd()], disk + ["-cdrom", ISO])
        try:
            vm.wait(r"atoll-install: Atoll is installed on /dev/vda \(rack7-node3\)",
                    INSTALL_TIMEOUT, "the installer's success line")
            vm.wait_exit(120)
        finally:
            vm.close()

        port = free_port()
        host = Vm("installed-" + firmware, base_args(firmware, self.work) + disk +
                  net_args(["hostfwd=tcp:127.0.0.1:%d-:443" % port]), LOGS)
        try:
            host.wait(READY, BOOT_TIMEOUT, "atoll: ready from the installed disk")
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            api = xmlrpc.client.ServerProxy("https://127.0.0.1:%d" % port, context=ctx)
            r, deadline = None, time.monotonic() + 60
            while r is None and time.monotonic() < deadline:
                try:
                    r = api.session.login_with_password("root", PASSWORD, "1.0", "test")
                except (OSError, xmlrpc.client.ProtocolError):
                    time.sleep(0.5)
            self.assertEqual(r["Status"], "Success", r)
            s = r["Value"]
            h = api.host.get_all(s)["Value"][0]
            self.assertEqual(api.host.get_hostname(s, h)["Value"], "rack7-node3")
            api("close")()
        finally:
            host.close()


class Refusals(unittest.TestCase):
    """A bad answerfile, a disk too small and a missing disk: each is refused with its
    message before anything is written, and the machine powers off (atexit=poweroff)."""

    def refused(self, name, answerfile, disk_bytes, message):
        work = tempfile.mkdtemp(prefix="atoll-refusal-")
        server = None
        try:
            with open(os.path.join(work, "answer.xml"), "w") as f:
                f.write(answerfile)
            server = AnswerfileServer(work)
            disk = os.path.join(work, "disk.img")
            mark = os.urandom(1024 * 1024)
            with open(disk, "wb") as f:
                f.write(mark)
                f.truncate(disk_bytes)
            vm = boot_with("refusal-" + name,
                           "answerfile=http://10.0.2.100/answer.xml atexit=poweroff",
                           [server.guestfwd()],
                           ["-drive", "file=%s,if=virtio,format=raw" % disk, "-cdrom", ISO])
            try:
                vm.wait(r"INSTALL FAILED: " + message, INSTALL_TIMEOUT, "the refusal")
                vm.wait_exit(120)
            finally:
                vm.close()
            with open(disk, "rb") as f:
                self.assertEqual(f.read(len(mark)), mark, "the disk's first MiB is unchanged")
        finally:
            if server is not None:
                server.close()
            shutil.rmtree(work, ignore_errors=True)

    def test_a_bad_value(self):
        self.refused("value", ANSWERFILE.replace("rack7-node3", "rack7_node3"),
                     10 * 1024 ** 3, r"answerfile: line 8: <hostname>: .*rack7_node3")

    def test_a_disk_too_small(self):
        self.refused("small", ANSWERFILE, 4 * 1024 ** 3,
                     r"<primary-disk> /dev/vda: the disk has 4294967296 bytes \(4\.0 GiB\); "
                     r"Atoll needs at least 8589934592 bytes")

    def test_a_missing_disk(self):
        self.refused("missing", ANSWERFILE.replace(">vda<", ">sdz<"), 10 * 1024 ** 3,
                     r"<primary-disk> sdz: no such disk; this machine has: vda \(10\.0 GiB\)")


if __name__ == "__main__":
    unittest.main(verbosity=2)
