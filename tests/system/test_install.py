"""The unattended installer in QEMU: the ISO's files boot with answerfile=http://... (a
test HTTP server on the host, reached through guestfwd) and atexit=poweroff, with the ISO
as a CD and an empty virtio disk; the installer writes the disk and powers off. Then the
disk alone boots into a host that serves HTTPS with the answerfile's password and name."""
import functools
import hashlib
import http.client
import http.server
import json
import os
import re
import shutil
import subprocess
import ssl
import tarfile
import tempfile
import threading
import time
import unittest
import xmlrpc.client

from qemu_vm import (BOOT_TIMEOUT, Vm, base_args, free_port, net_args, sha512_crypt,
                     unverified_tls)
from test_live import ISO, LOGS, READY, boot_with
from xenapi_console import GuestShell, ok

INSTALL_TIMEOUT = 600       # about three times what an install takes here
PASSWORD = "atoll-install-pw"
NEW_PASSWORD = "changed-after-install"
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
# A second disk joins the local SR; QEMU's user network is configured by hand: the host gets the address its DHCP would give,
# so hostfwd reaches it.
STATIC_ANSWERFILE = """<?xml version="1.0"?>
<installation>
  <primary-disk>vda</primary-disk>
  <guest-disk>vdb</guest-disk>
  <keymap>de</keymap>
  <root-password type="plaintext">%s</root-password>
  <admin-interface hwaddr="52:54:00:12:34:56" proto="static">
    <ipaddr>10.0.2.15</ipaddr>
    <subnet>255.255.255.0</subnet>
    <gateway>10.0.2.2</gateway>
  </admin-interface>
  <name-server>10.0.2.3</name-server>
  <ntp-server>10.0.2.2</ntp-server>
  <hostname>rack7-node4</hostname>
  <timezone>Europe/Paris</timezone>
  <script stage="installation-start" type="url">http://10.0.2.100/hook.sh</script>
  <script stage="installation-complete" type="url">http://10.0.2.100/hook.sh</script>
</installation>
""" % PASSWORD
# The hook reports its stage's argument back to the test's server.
HOOK = "#!/bin/sh\nwget -q -O /dev/null \"http://10.0.2.100/called?arg=${1:-none}\"\n"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.paths.append(self.path)
        super().do_GET()

    def do_POST(self):
        """atoll.report=: the installer's JSON outcome, kept for the test."""
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.reports.append((self.path, self.headers.get("Content-Type"),
                                    json.loads(body)))
        self.send_response(204)
        self.end_headers()


class AnswerfileServer:
    """Serves a directory over HTTP (or HTTPS with a self-signed certificate) on loopback;
    QEMU's guestfwd reaches it as 10.0.2.100. paths lists what was asked for."""

    def __init__(self, directory, tls=False):
        handler = functools.partial(QuietHandler, directory=directory)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        self.httpd.paths = []
        self.httpd.reports = []
        self.guest_port = 80
        if tls:
            key, cert = os.path.join(directory, "key.pem"), os.path.join(directory, "cert.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-keyout", key, "-out", cert, "-days", "2", "-subj",
                            "/CN=answers.test"], check=True, capture_output=True)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
            with open(cert) as f:
                der = ssl.PEM_cert_to_DER_cert(f.read())
            self.fingerprint = hashlib.sha256(der).hexdigest()
            self.guest_port = 443
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def paths(self):
        return self.httpd.paths

    @property
    def reports(self):
        return self.httpd.reports

    def guestfwd(self):
        return "guestfwd=tcp:10.0.2.100:%d-cmd:socat STDIO TCP:127.0.0.1:%d" % (
            self.guest_port, self.httpd.server_address[1])

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def login(port, password):
    """An XenAPI session over HTTPS, retried while the host's services come up."""
    api = xmlrpc.client.ServerProxy("https://127.0.0.1:%d" % port, context=unverified_tls())
    r, deadline = None, time.monotonic() + 60
    while r is None and time.monotonic() < deadline:
        try:
            r = api.session.login_with_password("root", password, "1.0", "test")
        except (OSError, xmlrpc.client.ProtocolError):
            time.sleep(0.5)
    if r is None or r["Status"] != "Success":
        raise AssertionError("no XenAPI login on the installed host: %r" % (r,))
    return api, r["Value"]


def remaster(iso, out, options):
    """A copy of the ISO whose serial-console install entry is the default and carries
    options, as a user edits the boot line; its boot images stay as they are."""
    work = os.path.dirname(out)
    cfg = os.path.join(work, "grub.cfg")
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", iso, "-extract",
                    "/boot/grub/grub.cfg", cfg], check=True, capture_output=True)
    with open(cfg) as f:
        text = f.read()
    entry = text.index('--id install-serial')
    line = text.index("atoll.install", entry)
    text = text[:line] + options + text[line + len("atoll.install"):]
    text = text.replace("set default=0", "set default=install-serial")
    os.chmod(cfg, 0o644)
    with open(cfg, "w") as f:
        f.write(text)
    subprocess.run(["xorriso", "-indev", iso, "-outdev", out, "-boot_image", "any", "replay",
                    "-update", cfg, "/boot/grub/grub.cfg"], check=True, capture_output=True)


class UnattendedInstall(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="atoll-install-")
        self.disk = os.path.join(self.work, "disk.img")
        with open(self.disk, "wb") as f:
            f.truncate(10 * 1024 ** 3)
        self.guest_disk = None
        self.server = None

    def tearDown(self):
        if self.server is not None:
            self.server.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def serve(self, answerfile, tls=False):
        with open(os.path.join(self.work, "answer.xml"), "w") as f:
            f.write(answerfile)
        with open(os.path.join(self.work, "hook.sh"), "w") as f:
            f.write(HOOK)
        open(os.path.join(self.work, "called"), "w").close()
        self.server = AnswerfileServer(self.work, tls)

    def test_bios_install_static_network_and_hooks(self):
        """BIOS: the answerfile over HTTP gives a guest disk, a static address, DNS, NTP, a
        time zone, a keymap and two hooks; the installed disk boots into a host that
        applies them. There a running guest's snapshot is exported over HTTPS and the
        guest destroyed; on the disk's second boot the export is imported, and the VM it
        makes starts with the guest's disk."""
        self.guest_disk = os.path.join(self.work, "guest.img")
        with open(self.guest_disk, "wb") as f:
            f.truncate(4 * 1024 ** 3)
        self.serve(STATIC_ANSWERFILE)
        # The install's own network is static too, from the command line.
        vm = boot_with("install-bios",
                       "answerfile=http://10.0.2.100/answer.xml atexit=poweroff "
                       "network_device=52:54:00:12:34:56 network_config=static:ip=10.0.2.15;"
                       "netmask=255.255.255.0;gateway=10.0.2.2;dns=10.0.2.3 "
                       "atoll.report=http://10.0.2.100/report",
                       [self.server.guestfwd()], self.disk_args() + ["-cdrom", ISO])
        self.install(vm, "rack7-node4")
        self.assertEqual([p for p in self.server.paths if p.startswith("/called")],
                         ["/called?arg=none", "/called?arg=0"],
                         "installation-start, then installation-complete with 0")
        self.assertEqual(len(self.server.reports), 1, self.server.reports)
        path, ctype, report = self.server.reports[0]
        self.assertEqual((path, ctype), ("/report", "application/json"))
        self.assertEqual((report["mac"], report["hostname"], report["status"], report["error"]),
                         ("52:54:00:12:34:56", "rack7-node4", "success", ""), report)
        self.assertGreater(report["seconds"], 0)
        self.assertIn("Atoll is installed on /dev/vda", report["log"])
        host, port = self.boot_installed("bios")
        try:
            api, s = self.assert_hostname(port, "rack7-node4")
            # The local SR spans the primary disk's third partition and the guest disk.
            sr = api.SR.get_by_name_label(s, "Local storage")["Value"][0]
            size = int(api.SR.get_physical_size(s, sr)["Value"])
            self.assertGreater(size, 9 * 1024 ** 3, "10 GiB less 4.5 for the rest, plus 4")
            host.login(PASSWORD)
            checks = {
                "cat /run/atoll/network": "ip=10.0.2.15",
                "cat /etc/resolv.conf": "nameserver 10.0.2.3",
                "ip route": "default via 10.0.2.2",
                "cat /etc/timezone": "Europe/Paris",
                "date +%Z": "CET|CEST",
                "cat /run/atoll/ntpd.conf; pidof ntpd": r"servers 10\.0\.2\.2\n\d+",
                "grep -c . /var/lib/atoll/install.log": "[1-9]",
                "cat /proc/mdstat": r"md\d+ : active linear vda3\[0\] vdb\[1\]",
                # The local SR is XFS with reflink: mkfs.xfs's geometry in the log says so
                # ("= reflink=1", where its command line has "-m reflink=1").
                "grep ' /var/lib/atoll/sr ' /proc/mounts":
                    r"(?m)^/dev/md\d+ /var/lib/atoll/sr xfs ",
                "grep -o '= *reflink=1' /var/lib/atoll/install.log": "= +reflink=1",
                # The installer made the XenAPI's certificate for the host's name and
                # static address; its first boot made none.
                "openssl x509 -in /var/lib/atoll/tls/host.pem -noout -ext subjectAltName":
                    r"DNS:rack7-node4, IP Address:10\.0\.2\.15",
                "grep -c 'host-cert make' /var/lib/atoll/install.log": "[1-9]",
                "grep -c 'TLS certificate made' /run/atoll/boot-times || true": r"(?m)^0\s*$",
            }
            for command, expected in checks.items():
                status, out = host.run(command)
                self.assertEqual(status, 0, "%s: %s" % (command, out))
                self.assertRegex(out, expected, command)
            GuestSnapshots(self, api, s, port, host, sr).run()
            moved = GuestExport(self, os.path.join(self.work, "guest.xva"))
            moved.export(api, s, port, host, sr)
            self.power_off(api, s, host)
        finally:
            host.close()
        # The installed disk boots a second time: the exported guest comes back to it.
        host, port = self.boot_installed("bios", "installed-bios-again")
        try:
            api, s = self.assert_hostname(port, "rack7-node4")
            sr = api.SR.get_by_name_label(s, "Local storage")["Value"][0]
            moved.import_back(api, s, port, host, sr)
        finally:
            host.close()

    def test_uefi_install_from_the_iso_over_https(self):
        """UEFI: OVMF boots the ISO's install entry with answerfile=https://... whose
        certificate is pinned, installs, and the disk boots into a host in UEFI mode; its
        host name, time zone, NTP, SSH and password changed through the XenAPI (as the
        console changes them) hold after a reboot."""
        self.serve(ANSWERFILE, tls=True)
        iso = os.path.join(self.work, "answer.iso")
        remaster(ISO, iso, "answerfile=https://10.0.2.100/answer.xml "
                 "answerfile_fingerprint=sha256:%s network_device=eth0 "
                 "network_config=dhcp atexit=poweroff" % self.server.fingerprint)
        vm = Vm("install-uefi", base_args("uefi", self.work) + self.disk_args() +
                ["-cdrom", iso] + net_args([self.server.guestfwd()]), LOGS)
        self.install(vm, "rack7-node3")
        host, port = self.boot_installed("uefi")
        try:
            api, s = self.assert_hostname(port, "rack7-node3")
            self.change_settings_and_reboot(api, s)
            self.assertEqual(host.wait_exit(BOOT_TIMEOUT), 0, "the host rebooted (QEMU "
                             "exits on a reboot with -no-reboot)")
        finally:
            host.close()
        # What the console and XenAPI clients changed is what the host boots with.
        host, port = self.boot_installed("uefi", "installed-uefi-rebooted")
        try:
            self.assert_hostname(port, "renamed-host", NEW_PASSWORD)
            host.login(NEW_PASSWORD)
            status, out = host.run("hostname; date +%Z; cat /run/atoll/ntpd.conf; "
                                   "pidof dropbear || echo no-sshd")
            self.assertEqual(out.split(), ["renamed-host", "CET", "servers", "10.0.2.2",
                                           "no-sshd"], out)
        finally:
            host.close()

    def change_settings_and_reboot(self, api, s):
        """Changes the host as the console does, through the XenAPI, then reboots it."""
        h = api.host.get_all(s)["Value"][0]
        for call, args in ((api.host.set_hostname_live, (h, "renamed-host")),
                           (api.host.set_timezone, (h, "Europe/Paris")),
                           (api.host.set_ntp_custom_servers, (h, ["10.0.2.2"])),
                           (api.host.set_ntp_mode, (h, "Custom")),
                           (api.host.disable_ssh, (h,)),
                           (api.session.change_password, (PASSWORD, NEW_PASSWORD)),
                           (api.host.disable, (h,)),
                           (api.host.reboot, (h,))):
            r = call(s, *args)
            self.assertEqual(r["Status"], "Success", r)

    def power_off(self, api, s, host):
        """Shuts the host down as a client does (host.disable, host.shutdown), so that
        what its SR and database hold is on the disk when QEMU exits."""
        h = api.host.get_all(s)["Value"][0]
        for call in (api.host.disable, api.host.shutdown):
            r = call(s, h)
            self.assertEqual(r["Status"], "Success", r)
        self.assertEqual(host.wait_exit(BOOT_TIMEOUT), 0, "the host powered off")

    def assert_hostname(self, port, hostname, password=None):
        """The answerfile's password (or password) logs in over HTTPS; the host has its
        name."""
        api, s = login(port, password or PASSWORD)
        h = api.host.get_all(s)["Value"][0]
        self.assertEqual(api.host.get_hostname(s, h)["Value"], hostname)
        return api, s

    def disk_args(self):
        args = ["-drive", "file=%s,if=virtio,format=raw" % self.disk]
        if self.guest_disk:
            args += ["-drive", "file=%s,if=virtio,format=raw" % self.guest_disk]
        return args

    def install(self, vm, hostname):
        try:
            vm.wait(r"atoll-install: Atoll is installed on /dev/vda \(%s\)" % hostname,
                    INSTALL_TIMEOUT, "the installer's success line")
            vm.wait_exit(120)
        finally:
            vm.close()

    def boot_installed(self, firmware, name=None):
        port = free_port()
        host = Vm(name or "installed-" + firmware, base_args(firmware, self.work) +
                  self.disk_args() + net_args(["hostfwd=tcp:127.0.0.1:%d-:443" % port]), LOGS)
        try:
            host.wait(READY, BOOT_TIMEOUT, "atoll: ready from the installed disk")
        except BaseException:
            host.close()
            raise
        return host, port


class GuestSnapshots:
    """A PV guest on the installed host's XFS SR: a marker its disk holds survives a
    VM.snapshot and VM.revert, the snapshot shares the disk's blocks, VM.suspend and
    VM.resume keep the guest running (its uptime goes on), and VM.checkpoint then
    VM.revert and VM.resume bring back its memory and disk as they were."""
    DISK_BYTES = 64 * 1024 ** 2
    DATA_MIB = 16       # written before the snapshot: what the SR's used space is seen by

    def __init__(self, test, api, s, port, host, sr):
        self.t, self.api, self.s, self.port, self.host, self.sr = test, api, s, port, host, sr

    def call(self, method, *args):
        """A XenAPI call that must succeed; returns its value and the seconds it took."""
        fn = self.api
        for part in method.split("."):
            fn = getattr(fn, part)
        started = time.monotonic()
        value = ok(fn(self.s, *args))
        return value, time.monotonic() - started

    def shell(self, vm):
        return GuestShell(self.api, self.port, self.s, vm)

    def guest(self, shell, command):
        status, out = shell.run(command)
        self.t.assertEqual(status, 0, "in the guest: %s: %s" % (command, out))
        return out.strip()

    def dom0(self, command):
        status, out = self.host.run(command)
        self.t.assertEqual(status, 0, "in dom0: %s: %s" % (command, out))
        return out.strip()

    def write_mark(self, shell, mark):
        self.guest(shell, "echo %s | dd of=/dev/xvda conv=fsync 2>/dev/null" % mark)

    def read_mark(self, shell):
        return self.guest(shell, "dd if=/dev/xvda bs=512 count=1 2>/dev/null | head -n 1")

    def uptime(self, shell):
        return float(self.guest(shell, "cat /proc/uptime").split()[0])

    def power_state(self, vm):
        return ok(self.api.VM.get_power_state(self.s, vm))

    def vdi_file(self, vm):
        """The SR's file behind the VM's one disk."""
        vbds = [b for b in ok(self.api.VM.get_VBDs(self.s, vm))
                if ok(self.api.VBD.get_type(self.s, b)) == "Disk"]
        self.t.assertEqual(len(vbds), 1, vbds)
        vdi = ok(self.api.VBD.get_VDI(self.s, vbds[0]))
        return "/var/lib/atoll/sr/" + ok(self.api.VDI.get_location(self.s, vdi))

    def sr_used_kib(self):
        return int(self.dom0("sync; df -k /var/lib/atoll/sr | tail -n 1").split()[2])

    def running_guest(self, name, disk_bytes, data_mib, mark):
        """A new VM running the demo guest with a disk of disk_bytes on the SR holding
        data_mib MiB of random data after its first MiB, and mark in its first sector; it
        and its shell."""
        tpl = ok(self.api.VM.get_by_name_label(self.s, "Atoll demo guest"))[0]
        vm, _ = self.call("VM.clone", tpl, name)
        self.call("VM.set_is_a_template", vm, False)
        self.call("VM.set_PV_args", vm, "console=hvc0 quiet atoll.stay")
        vdi, _ = self.call("VDI.create", {
            "name_label": name + " disk", "SR": self.sr, "virtual_size": str(disk_bytes),
            "type": "user", "sharable": False, "read_only": False, "other_config": {}})
        self.call("VBD.create", {
            "VM": vm, "VDI": vdi, "userdevice": "0", "bootable": False, "mode": "RW",
            "type": "Disk", "empty": False, "other_config": {}, "qos_algorithm_type": "",
            "qos_algorithm_params": {}})
        self.call("VM.start", vm, False, False)
        g = self.shell(vm)
        # Through blkback on a loop device in dom0: the guest writes and reads its disk.
        self.guest(g, "dd if=/dev/urandom of=/dev/xvda bs=1048576 seek=1 count=%d "
                   "conv=fsync 2>/dev/null" % data_mib)
        self.write_mark(g, mark)
        self.t.assertEqual(self.read_mark(g), mark)
        return vm, g

    def run(self):
        t, s = self.t, self.s
        vm, g = self.running_guest("snapshots on xfs", self.DISK_BYTES, self.DATA_MIB,
                                   "ATOLL-MARK-1")

        # VM.snapshot of the running guest: the snapshot's disk is a reflink copy.
        used = self.sr_used_kib()
        snap, took = self.call("VM.snapshot", vm, "before mark 2")
        paused = self.dom0("grep -o 'paused_ms=[0-9]*' /var/log/xapi-lite.log | tail -n 1")
        print("\nVM.snapshot of a running PV guest (64 MiB disk, %d MiB data): %.3f s, %s"
              % (self.DATA_MIB, took, paused))
        grown = self.sr_used_kib() - used
        t.assertLess(grown, self.DATA_MIB * 1024 // 4,
                     "the SR's used space grew by %d KiB for a snapshot of %d MiB of data"
                     % (grown, self.DATA_MIB))
        t.assertRegex(self.dom0("filefrag -v %s" % self.vdi_file(snap)), r"shared",
                      "the snapshot's file shares its extents with the disk's")
        self.write_mark(g, "ATOLL-MARK-2")
        t.assertEqual(self.read_mark(g), "ATOLL-MARK-2")
        g.close()
        self.call("VM.revert", snap)
        t.assertEqual(self.power_state(vm), "Halted", "a snapshot without memory")
        self.call("VM.start", vm, False, False)
        g = self.shell(vm)
        t.assertEqual(self.read_mark(g), "ATOLL-MARK-1", "the disk as at the snapshot")

        # VM.suspend and VM.resume: the same guest runs on, its memory kept.
        self.guest(g, "echo before-suspend > /ram-mark")
        before = self.uptime(g)
        g.close()
        _, suspend = self.call("VM.suspend", vm)
        t.assertEqual(self.power_state(vm), "Suspended")
        _, resume = self.call("VM.resume", vm, False, False)
        t.assertEqual(self.power_state(vm), "Running")
        print("VM.suspend %.1f s, VM.resume %.1f s" % (suspend, resume))
        g = self.shell(vm)
        after = self.uptime(g)
        t.assertGreater(after, before, "the guest's uptime went on: not a new boot")
        t.assertEqual(self.guest(g, "cat /ram-mark"), "before-suspend")

        # VM.checkpoint, a change, VM.revert: suspended as at the checkpoint, then resumed.
        self.guest(g, "echo at-checkpoint > /ram-mark")
        checkpoint, took = self.call("VM.checkpoint", vm, "checkpoint")
        print("VM.checkpoint %.1f s" % took)
        t.assertEqual(self.power_state(vm), "Running", "the guest runs on after a checkpoint")
        self.guest(g, "echo after-checkpoint > /ram-mark")
        self.write_mark(g, "ATOLL-MARK-3")
        g.close()
        self.call("VM.revert", checkpoint)
        t.assertEqual(self.power_state(vm), "Suspended", "a checkpoint holds memory")
        self.call("VM.resume", vm, False, False)
        g = self.shell(vm)
        t.assertEqual(self.guest(g, "cat /ram-mark"), "at-checkpoint", "memory as it was")
        t.assertEqual(self.read_mark(g), "ATOLL-MARK-1", "the disk as it was")
        g.close()
        self.call("VM.hard_shutdown", vm)


def https(port, timeout):
    """An HTTPS connection to the host's port 443 forwarded to port on loopback (its
    certificate is its own, self-signed)."""
    return http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout,
                                       context=unverified_tls())


class GuestExport:
    """A running PV guest's snapshot leaves the installed host as an XVA (GET /export/
    over HTTPS, as XO and xe download it) into a file here; the VM and the snapshot are
    destroyed, and on the installed disk's next boot the file goes back (PUT /import/ with
    a task, as xe vm-import does): the imported VM starts and its disk holds the marker
    and the data written before the snapshot."""
    DISK_BYTES = 64 * 1024 ** 2
    DATA_MIB = 8
    TRANSFER_TIMEOUT = 900      # seconds for a whole export or import under TCG
    IO_TIMEOUT = 120            # seconds without a byte moving
    TASK_TIMEOUT = 300          # seconds for the import's task to end once the body is in
    CHUNK = 1024 * 1024

    def __init__(self, test, xva):
        self.t, self.xva = test, xva
        self.mark = "ATOLL-XVA-%s" % os.urandom(4).hex()
        self.sum = None         # the md5 of the disk's data, read in the guest
        self.uuids = []         # the exported VM's and its snapshot's, destroyed since

    def helper(self, api, s, port, host, sr):
        """GuestSnapshots' calls, guest shell and dom0 commands on this boot's host."""
        return GuestSnapshots(self.t, api, s, port, host, sr)

    def log_tail(self, h):
        status, out = h.host.run("tail -n 30 /var/log/xapi-lite.log")
        return out if status == 0 else "(no xapi-lite log: %s)" % out

    def data_sum(self, h, shell):
        """The md5 of the disk's first MiBs, as the guest reads them."""
        return h.guest(shell, "dd if=/dev/xvda bs=1048576 count=%d 2>/dev/null | md5sum"
                       % (self.DATA_MIB + 1)).split()[0]

    def export(self, api, s, port, host, sr):
        t, h = self.t, self.helper(api, s, port, host, sr)
        vm, g = h.running_guest("exported guest", self.DISK_BYTES, self.DATA_MIB, self.mark)
        self.sum = self.data_sum(h, g)
        snap, _ = h.call("VM.snapshot", vm, "exported snapshot")
        # Changed after the snapshot: the export has the disk as it was at the snapshot.
        h.write_mark(g, "ATOLL-AFTER-THE-SNAPSHOT")
        g.close()

        started = time.monotonic()
        c = https(port, self.IO_TIMEOUT)
        try:
            c.request("GET", "/export/?ref=%s&session_id=%s" % (snap, s))
            r = c.getresponse()
            if r.status != 200:
                t.fail("GET /export/ of the snapshot: %d %s %r\n%r\n--- xapi-lite log\n%s"
                       % (r.status, r.reason, r.getheaders(), r.read(2000),
                          self.log_tail(h)))
            t.assertEqual(r.getheader("Content-Type"), "application/octet-stream")
            size = 0
            with open(self.xva, "wb") as f:
                while True:
                    chunk = r.read(self.CHUNK)
                    if not chunk:
                        break
                    f.write(chunk)
                    size += len(chunk)
                    t.assertLess(time.monotonic() - started, self.TRANSFER_TIMEOUT,
                                 "the export took too long (%d bytes so far)" % size)
        finally:
            c.close()
        took = time.monotonic() - started
        print("GET /export/ of a running guest's snapshot over HTTPS: %d bytes in %.1f s "
              "(%.1f MB/s)" % (size, took, size / took / 1e6))
        # A whole archive: ova.xml first, every member's data there to its end.
        try:
            with tarfile.open(self.xva, mode="r|") as tar:
                names = [m.name for m in tar]
        except tarfile.TarError as e:
            t.fail("the export (%d bytes) is not a whole tar archive: %s\n--- xapi-lite "
                   "log\n%s" % (size, e, self.log_tail(h)))
        t.assertEqual(names[0], "ova.xml", names[:5])
        t.assertGreater(len(names), self.DATA_MIB, "the disk's data chunks: %r" % names[:20])

        # Nothing of the guest is left on the host: the file here is its only copy.
        self.uuids = [ok(api.VM.get_uuid(s, v)) for v in (vm, snap)]
        vdis = [ok(api.VBD.get_VDI(s, b)) for v in (vm, snap)
                for b in ok(api.VM.get_VBDs(s, v)) if ok(api.VBD.get_type(s, b)) == "Disk"]
        h.call("VM.hard_shutdown", vm)
        h.call("VM.destroy", snap)
        h.call("VM.destroy", vm)
        for d in vdis:
            r = api.VDI.destroy(s, d)
            t.assertTrue(r["Status"] == "Success" or r["ErrorDescription"][0] == "HANDLE_INVALID", r)
        left = [ok(api.VM.get_name_label(s, v)) for v in ok(api.VM.get_all(s))]
        t.assertNotIn("exported guest", left)

    def import_back(self, api, s, port, host, sr):
        t, h = self.t, self.helper(api, s, port, host, sr)
        host.login(PASSWORD)
        for uuid in self.uuids:
            r = api.VM.get_by_uuid(s, uuid)
            t.assertEqual(r["Status"], "Failure", "the destroyed VM %s is gone: %r" % (uuid, r))
        task, _ = h.call("task.create", "import the guest", "")
        size = os.path.getsize(self.xva)
        started = time.monotonic()
        c = https(port, self.IO_TIMEOUT)
        sent_error = None
        try:
            c.putrequest("PUT", "/import/?session_id=%s&sr_id=%s&task_id=%s" % (s, sr, task))
            c.putheader("Content-Length", str(size))
            c.endheaders()
            try:
                with open(self.xva, "rb") as f:
                    while True:
                        chunk = f.read(self.CHUNK)
                        if not chunk:
                            break
                        c.send(chunk)
                        t.assertLess(time.monotonic() - started, self.TRANSFER_TIMEOUT,
                                     "the import took too long")
            except OSError as e:
                sent_error = e      # the answer says why
            r = c.getresponse()
            body = r.read()
        finally:
            c.close()
        took = time.monotonic() - started
        if r.status != 200 or sent_error is not None:
            t.fail("PUT /import/ (%d bytes): %d %s %r %r; sending: %s\n--- xapi-lite log\n%s"
                   % (size, r.status, r.reason, r.getheaders(), body[:2000], sent_error,
                      self.log_tail(h)))
        t.assertEqual(r.getheader("task-id"), task, r.getheaders())
        deadline = time.monotonic() + self.TASK_TIMEOUT
        while ok(api.task.get_status(s, task)) == "pending":
            if time.monotonic() > deadline:
                t.fail("the import's task is still pending %d s after its body: %r\n"
                       "--- xapi-lite log\n%s" % (self.TASK_TIMEOUT,
                                                   ok(api.task.get_record(s, task)),
                                                   self.log_tail(h)))
            time.sleep(0.5)
        record = ok(api.task.get_record(s, task))
        if record["status"] != "success":
            t.fail("the import's task: %r\n--- xapi-lite log\n%s" % (record, self.log_tail(h)))
        print("PUT /import/ of it over HTTPS on the next boot: %.1f s (%.1f MB/s)"
              % (took, size / took / 1e6))
        refs = re.findall(r"OpaqueRef:[0-9a-f-]{36}", record["result"])
        t.assertEqual(len(refs), 1, "the task's result names the VM: %r" % record["result"])
        h.call("task.destroy", task)
        vm = refs[0]
        r = ok(api.VM.get_record(s, vm))
        t.assertEqual((r["name_label"], r["power_state"], r["is_a_snapshot"]),
                      ("exported snapshot", "Halted", False), "the imported VM")
        t.assertNotIn(r["uuid"], self.uuids)
        # A snapshot is a template; so is what its export brings back.
        if r["is_a_template"]:
            h.call("VM.set_is_a_template", vm, False)
        h.call("VM.start", vm, False, False)
        t.assertEqual(h.power_state(vm), "Running")
        g = h.shell(vm)
        t.assertEqual(h.read_mark(g), self.mark, "the imported disk holds the marker")
        t.assertEqual(self.data_sum(h, g), self.sum, "and the data, as at the snapshot")
        g.close()
        h.call("VM.hard_shutdown", vm)


class HostInstalledBeforeXfs(unittest.TestCase):
    """A host installed before snapshots has an ext4 ATOLL-SR: it is mounted as such (the
    boot mounts ATOLL-SR by the file system on it). Here ATOLL-STATE and ATOLL-SR are two
    whole disks made on this machine, and the ISO's files boot with them."""

    def test_an_ext4_sr_is_still_mounted(self):
        work = tempfile.mkdtemp(prefix="atoll-ext4-sr-")
        try:
            drives = []
            for label, size in (("ATOLL-STATE", 256), ("ATOLL-SR", 512)):
                image = os.path.join(work, label + ".img")
                with open(image, "wb") as f:
                    f.truncate(size * 1024 ** 2)
                subprocess.run(["mkfs.ext4", "-q", "-F", "-L", label, image], check=True,
                               capture_output=True)
                drives += ["-drive", "file=%s,if=virtio,format=raw" % image]
            host = boot_with("ext4-sr", "atoll.password_hash=%s" % sha512_crypt(PASSWORD),
                             (), drives)
            try:
                host.wait(READY, BOOT_TIMEOUT, "atoll: ready with the older disks")
                host.login(PASSWORD)
                status, out = host.run("grep ' /var/lib/atoll/sr ' /proc/mounts")
                self.assertEqual(status, 0, out)
                self.assertRegex(out, r"(?m)^/dev/vdb /var/lib/atoll/sr ext4 ")
            finally:
                host.close()
        finally:
            shutil.rmtree(work, ignore_errors=True)


class Refusals(unittest.TestCase):
    """A bad answerfile, a disk too small, a missing disk, the boot medium, an HTTPS server
    whose certificate is not the pinned one: each is refused with its message before
    anything is written, and the machine powers off (atexit=poweroff)."""

    def refused(self, name, answerfile, disk_bytes, message, tls=False, options="",
                extra=(), served=None):
        """An install that fails with message and leaves the disk as it was; served(work)
        puts more files beside the answerfile."""
        work = tempfile.mkdtemp(prefix="atoll-refusal-")
        server = None
        try:
            with open(os.path.join(work, "answer.xml"), "w") as f:
                f.write(answerfile)
            if served is not None:
                served(work)
            server = AnswerfileServer(work, tls)
            disk = os.path.join(work, "disk.img")
            mark = os.urandom(1024 * 1024)
            with open(disk, "wb") as f:
                f.write(mark)
                f.truncate(disk_bytes)
            url = "%s://10.0.2.100/answer.xml" % ("https" if tls else "http")
            vm = boot_with("refusal-" + name,
                           "answerfile=%s atexit=poweroff %s" % (url, options),
                           [server.guestfwd()],
                           ["-drive", "file=%s,if=virtio,format=raw" % disk, "-cdrom", ISO] +
                           list(extra))
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

    def test_the_boot_medium(self):
        """The ISO written to a USB stick (here a second virtio disk) is not a target."""
        self.refused("medium", ANSWERFILE.replace(">vda<", ">vdb<"), 10 * 1024 ** 3,
                     r"<primary-disk> /dev/vdb is the Atoll medium this machine booted from",
                     extra=["-drive", "file=%s,if=virtio,format=raw,readonly=on" % ISO])

    def test_boot_files_that_are_not_the_ones_their_sums_list(self):
        """<source type="url"> whose dom0.img is not the one SHA256SUMS lists: refused
        before the disk is touched."""
        boot = os.path.join(os.path.dirname(os.path.abspath(ISO)), "boot")

        def served(work):
            os.mkdir(os.path.join(work, "boot"))
            for name in ("xen.gz", "vmlinuz", "dom0.img"):
                os.symlink(os.path.join(boot, name), os.path.join(work, "boot", name))
            with open(os.path.join(boot, "SHA256SUMS")) as f:
                sums = re.sub(r"(?m)^[0-9a-f]{64}(?=  dom0\.img$)", "0" * 64, f.read())
            with open(os.path.join(work, "boot", "SHA256SUMS"), "w") as f:
                f.write(sums)

        self.refused("sums", ANSWERFILE.replace(
            '<source type="local"/>', '<source type="url">http://10.0.2.100/boot</source>'),
            10 * 1024 ** 3, r"the boot files: \S*/dom0\.img's SHA-256 is [0-9a-f]{64}, "
            r"not 0{64} as SHA256SUMS says", served=served)

    def test_a_certificate_that_is_not_the_pinned_one(self):
        self.refused("fingerprint", ANSWERFILE, 10 * 1024 ** 3,
                     r"answerfile=https://10\.0\.2\.100/answer\.xml: the server's certificate "
                     r"has the fingerprint sha256:[0-9a-f]{64}, not the pinned sha256:0{64}",
                     tls=True, options="answerfile_fingerprint=sha256:" + "0" * 64)


if __name__ == "__main__":
    unittest.main(verbosity=2)
