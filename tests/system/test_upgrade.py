"""Upgrades in QEMU: a host installed from the ISO (version 1) moves to a second image built
from the same tree with another version (make test builds it: ATOLL_UPGRADE_TREE, its boot
files, with its ISO beside them). The new image goes in through the XenAPI's pool_update,
as Xen Orchestra installs an update, under BIOS and UEFI, boots once on trial and stays once
healthy; an image whose dom0 panics and one whose xapi-lite never answers (given to
atoll-upgrade as a URL) come back to the slot they came from by themselves, with a XenAPI
message saying why; atoll-upgrade --rollback goes back and up again. QEMU runs with
-no-reboot: each reboot ends QEMU, and the test boots the disk again, as the machine's reset
would."""
import hashlib
import http.client
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from qemu_vm import BOOT_TIMEOUT, Vm, base_args, free_port, net_args, unverified_tls
from test_install import (ANSWERFILE, INSTALL_TIMEOUT, PASSWORD, AnswerfileServer, login,
                          remaster)
from test_live import ISO, LOGS, READY, boot_with

TREE = os.environ.get("ATOLL_UPGRADE_TREE", "out/upgrade/boot")
BOOT_FILES = ("xen.gz", "vmlinuz", "dom0.img")
# A trial whose xapi-lite never answers gives up after boot/ready's XAPI_WAIT (90 s).
TRIAL_TIMEOUT = BOOT_TIMEOUT + 3 * 90
BROKEN_VERSION = "99.0"     # newer than both: no --allow-downgrade needed


def version_of(tree):
    """VERSION_ID in the tree's dom0.img, as atoll-upgrade reads it."""
    out = subprocess.run("lz4 -dc < %s/dom0.img | cpio -i --quiet --to-stdout etc/os-release"
                         % tree, shell=True, check=True, capture_output=True, text=True).stdout
    return re.search(r"VERSION_ID=(\S+)", out).group(1)


def cpio_lz4(root, out):
    """root's files as an lz4 (legacy frame) newc cpio, the form of dom0.img."""
    subprocess.run("cd %s && find . | cpio -o -H newc -R 0:0 --quiet | lz4 -l -9 -q > %s"
                   % (root, out), shell=True, check=True)


def write_sums(tree):
    with open(os.path.join(tree, "SHA256SUMS"), "w") as f:
        for name in BOOT_FILES:
            with open(os.path.join(tree, name), "rb") as g:
                f.write("%s  %s\n" % (hashlib.sha256(g.read()).hexdigest(), name))


def broken_tree(work, name, kind):
    """The upgrade tree's Xen and kernel with a dom0 image that breaks: "panic" has no
    init at all (the kernel panics), "silent" is the real image whose xapi-lite never
    answers. Both say they are BROKEN_VERSION."""
    tree = os.path.join(work, name)
    root = os.path.join(work, name + "-root")
    os.makedirs(os.path.join(root, "etc"))
    os.makedirs(tree)
    for f in ("xen.gz", "vmlinuz"):
        shutil.copy(os.path.join(TREE, f), tree)
    release = 'NAME="Atoll"\nID=atoll\nVERSION_ID=%s\n' % BROKEN_VERSION
    if kind == "silent":
        # One archive, as the build makes them: the real image, changed and packed again.
        subprocess.run("cd %s && lz4 -dc < %s | cpio -i -d -m --quiet"
                       % (root, os.path.abspath(os.path.join(TREE, "dom0.img"))),
                       shell=True, check=True)
        with open(os.path.join(root, "etc", "os-release")) as f:
            release = re.sub(r"(?m)^VERSION_ID=.*$", "VERSION_ID=" + BROKEN_VERSION, f.read())
        run = os.path.join(root, "usr", "lib", "atoll", "xapi-lite-run")
        with open(run, "w") as f:
            f.write("#!/bin/sh\n# never answers\nexec sleep 100000\n")
        os.chmod(run, 0o755)
    with open(os.path.join(root, "etc", "os-release"), "w") as f:
        f.write(release)
    cpio_lz4(root, os.path.join(tree, "dom0.img"))
    shutil.rmtree(root)
    write_sums(tree)
    return tree


class Upgrade(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="atoll-upgrade-")
        self.disk = os.path.join(self.work, "disk.img")
        with open(self.disk, "wb") as f:
            f.truncate(10 * 1024 ** 3)
        os.symlink(os.path.abspath(TREE), os.path.join(self.work, "v2"))
        with open(os.path.join(self.work, "answer.xml"), "w") as f:
            f.write(ANSWERFILE)
        self.server = AnswerfileServer(self.work)
        os.symlink(os.path.abspath(os.path.join(os.path.dirname(ISO), "boot")),
                   os.path.join(self.work, "v1"))
        self.v2 = version_of(TREE)
        self.boots = 0

    def tearDown(self):
        self.server.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def install(self, vm):
        try:
            vm.wait(r"atoll-install: Atoll is installed on /dev/vda", INSTALL_TIMEOUT,
                    "the installer's success line")
            vm.wait_exit(120)
        finally:
            vm.close()

    def boot(self, firmware, timeout=BOOT_TIMEOUT):
        """The installed disk boots; returns (host, port, version) once it is ready."""
        self.boots += 1
        port = free_port()
        host = Vm("upgrade-%s-%d" % (firmware, self.boots), base_args(firmware, self.work) +
                  ["-drive", "file=%s,if=virtio,format=raw" % self.disk] +
                  net_args(["hostfwd=tcp:127.0.0.1:%d-:443" % port,
                            self.server.guestfwd()]), LOGS)
        self.addCleanup(host.close)     # whatever fails, no machine is left running
        try:
            m = host.wait(READY, timeout, "atoll: ready from the installed disk")
            # The login prompt came before the ready line: a new line asks for another.
            host.send("\n")
            host.login(PASSWORD)
        except BaseException:
            host.close()
            raise
        return host, port, m.group(1).decode()

    def shell(self, host, command, timeout=300):
        status, out = host.run(command, timeout)
        self.assertEqual(status, 0, "%s: %s" % (command, out))
        return out

    def reboot(self, host, command):
        """command ends in a reboot: QEMU exits (-no-reboot)."""
        host.send(command + "\n")
        self.assertEqual(host.wait_exit(TRIAL_TIMEOUT), 0, "QEMU exits on the reboot")
        host.close()

    def status(self, host):
        return self.shell(host, "atoll-upgrade --status")

    def messages(self, port, name, timeout=60):
        """The messages called name, once there is one (xapi-lite raises the alerts
        atoll-upgrade leaves every 5 s)."""
        api, s = login(port, PASSWORD)
        deadline = time.monotonic() + timeout
        while True:
            got = [m for m in api.message.get_all_records(s)["Value"].values()
                   if m["name"] == name]
            if got or time.monotonic() > deadline:
                return got
            time.sleep(1)

    def kept(self, port, hostname, vm):
        """The host kept its name and the VM; returns (api, session, host)."""
        api, s = login(port, PASSWORD)
        h = api.host.get_all(s)["Value"][0]
        self.assertEqual(api.host.get_hostname(s, h)["Value"], hostname)
        self.assertEqual(api.VM.get_by_name_label(s, "kept across upgrades")["Value"], [vm])
        return api, s, h

    def software_version(self, port):
        api, s = login(port, PASSWORD)
        h = api.host.get_all(s)["Value"][0]
        return api.host.get_software_version(s, h)["Value"]

    def https(self, port, method, target, body=None):
        c = http.client.HTTPSConnection("127.0.0.1", port, timeout=600,
                                        context=unverified_tls())
        c.request(method, target, body)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data

    def xenapi_upgrade(self, host, port, vm):
        """The upgrade ISO in through the XenAPI, as Xen Orchestra installs a XenServer
        update: a VDI, PUT /import_raw_vdi, pool_update.introduce, precheck (refused while
        vm runs, then passing), pool_apply, the VDI destroyed, host.disable, host.reboot.
        Returns the update once QEMU has exited on the reboot."""
        api, s = login(port, PASSWORD)
        h = api.host.get_all(s)["Value"][0]
        with open(os.path.join(os.path.dirname(TREE), "atoll.iso"), "rb") as f:
            data = f.read()
        sr = [r for r in api.SR.get_all(s)["Value"]
              if api.SR.get_content_type(s, r)["Value"] not in ("iso", "disk")][0]
        vdi = api.VDI.create(s, {
            "name_label": "[XO] Patch ISO", "name_description": "small temporary VDI "
            "to store a patch ISO", "SR": sr, "virtual_size": str(len(data)),
            "type": "user", "sharable": False, "read_only": False,
            "other_config": {}})["Value"]
        status, body = self.https(port, "PUT", "/import_raw_vdi/?format=raw&vdi=%s&"
                                  "session_id=%s" % (vdi, s), data)
        self.assertEqual(status, 200, body)
        r = api.pool_update.introduce(s, vdi)
        self.assertEqual(r["Status"], "Success", r)
        update = r["Value"]
        rec = api.pool_update.get_record(s, update)["Value"]
        self.assertEqual((rec["name_label"], rec["version"], rec["after_apply_guidance"]),
                         ("Atoll " + self.v2, self.v2, ["restartHost"]), rec)
        # XAPI's precheck refuses while VMs run; shut down, it passes.
        api.VM.set_is_a_template(s, vm, False)
        api.VM.set_PV_args(s, vm, "console=hvc0 quiet atoll.stay")  # it stays up
        self.assertEqual(api.VM.start(s, vm, False, False)["Status"], "Success")
        self.assertEqual(api.pool_update.precheck(s, update, h)["ErrorDescription"],
                         ["PATCH_PRECHECK_FAILED_VM_RUNNING", update])
        self.assertEqual(api.VM.hard_shutdown(s, vm)["Status"], "Success")
        self.assertEqual(api.pool_update.precheck(s, update, h),
                         {"Status": "Success", "Value": "ok"})
        r = api.pool_update.pool_apply(s, update)
        self.assertEqual(r["Status"], "Success", r)
        self.assertEqual(api.host.get_updates_requiring_reboot(s, h)["Value"], [update])
        self.assertEqual(api.VDI.destroy(s, vdi)["Status"], "Success")
        self.assertEqual(api.host.disable(s, h)["Status"], "Success")
        self.assertEqual(api.host.reboot(s, h)["Status"], "Success")
        self.assertEqual(host.wait_exit(TRIAL_TIMEOUT), 0, "QEMU exits on the reboot")
        host.close()
        return update

    def test_uefi_upgrade_through_the_xenapi(self):
        """UEFI: version 1 installed from the ISO, a VM made and the host renamed; the
        upgrade ISO goes in through the XenAPI (xenapi_upgrade); it boots once through
        GRUB's next_entry and stays, with the name, the VM and the update applied."""
        iso = os.path.join(self.work, "install.iso")
        remaster(ISO, iso, "answerfile=http://10.0.2.100/answer.xml network_device=eth0 "
                 "network_config=dhcp atexit=poweroff")
        self.install(Vm("upgrade-install-uefi", base_args("uefi", self.work) +
                        ["-drive", "file=%s,if=virtio,format=raw" % self.disk, "-cdrom", iso] +
                        net_args([self.server.guestfwd()]), LOGS))
        host, port, v1 = self.boot("uefi")
        try:
            api, s = login(port, PASSWORD)
            h = api.host.get_all(s)["Value"][0]
            api.host.set_hostname_live(s, h, "uefi-upgraded")
            tpl = api.VM.get_by_name_label(s, "Atoll demo guest")["Value"][0]
            vm = api.VM.clone(s, tpl, "kept across upgrades")["Value"]
            update = self.xenapi_upgrade(host, port, vm)
        finally:
            host.close()

        host, port, version = self.boot("uefi")
        try:
            self.assertEqual(version, self.v2)
            self.assertIn("this boot tries slot b", host.text())
            st = self.status(host)
            self.assertIn("boots slot b\nslot a: %s\nslot b: %s\n" % (v1, self.v2), st)
            self.assertIn("result=upgraded", st)
            # GRUB cleared its one-time entry: the default is the committed slot's.
            out = self.shell(host, "mkdir -p /tmp/b && modprobe -a vfat nls_cp437 nls_utf8 && "
                             "mount -t vfat -o iocharset=utf8,codepage=437 LABEL=ATOLL-BOOT "
                             "/tmp/b && "
                             "head -c 60 /tmp/b/EFI/BOOT/grubenv; echo; "
                             "grep -c 'atoll.slot=b' /tmp/b/EFI/BOOT/grub.cfg; umount /tmp/b")
            self.assertNotIn("next_entry=atoll", out)
            api, s, h = self.kept(port, "uefi-upgraded", vm)
            self.assertEqual(api.pool_update.get_hosts(s, update)["Value"], [h])
            self.assertEqual(api.host.get_updates_requiring_reboot(s, h)["Value"], [])
            self.assertEqual(self.software_version(port)["product_version"], self.v2)
        finally:
            host.close()

    def test_bios_upgrade_rollback_and_failed_trials(self):
        """BIOS: version 1 installed, a VM made and the host renamed; atoll-upgrade --check
        takes the upgrade tree's URL; the upgrade ISO goes in through the XenAPI, boots on
        trial in slot b and stays, with the VM and the name; --rollback goes back to
        slot a and again up to b; a dom0 that panics and a xapi-lite that never answers
        each come back to slot b by themselves, with a message saying why."""
        self.install(boot_with("upgrade-install-bios", "answerfile=http://10.0.2.100/answer.xml "
                               "atexit=poweroff", [self.server.guestfwd()],
                               ["-drive", "file=%s,if=virtio,format=raw" % self.disk,
                                "-cdrom", ISO]))
        host, port, v1 = self.boot("bios")
        self.assertNotEqual(v1, self.v2)
        api, s = login(port, PASSWORD)
        h = api.host.get_all(s)["Value"][0]
        tpl = api.VM.get_by_name_label(s, "Atoll demo guest")["Value"][0]
        vm = api.VM.clone(s, tpl, "kept across upgrades")["Value"]
        api.VM.set_is_a_template(s, vm, False)
        api.host.set_hostname_live(s, h, "upgraded-host")
        tampered = os.path.join(self.work, "tampered")
        shutil.copytree(TREE, tampered)
        with open(os.path.join(tampered, "vmlinuz"), "r+b") as f:
            f.seek(4096)
            f.write(b"tampered")
        out = self.shell(host, "atoll-upgrade http://10.0.2.100/v2/ --check")
        self.assertIn("would go into slot b", out)
        self.xenapi_upgrade(host, port, vm)

        host, port, version = self.boot("bios")
        try:
            self.assertEqual(version, self.v2)
            self.assertIn("this boot tries slot b", host.text())
            st = self.status(host)
            self.assertRegex(st, r"running slot b, Atoll %s\nboots slot b\nslot a: %s\n"
                             r"slot b: %s\n" % (re.escape(self.v2), re.escape(v1),
                                                re.escape(self.v2)))
            self.assertIn("result=upgraded", st)
            self.assertIn("Atoll %s (slot b; slot a: %s)" % (self.v2, v1),
                          self.shell(host, "atoll-console --status"), "the console's status")
            self.kept(port, "upgraded-host", vm)
            self.assertEqual(len(self.messages(port, "HOST_UPGRADED")), 1)
            sv = self.software_version(port)
            self.assertEqual((sv["product_version"], sv["atoll_slot"], sv["atoll_slot_a"],
                              sv["atoll_slot_b"]), (self.v2, "b", v1, self.v2), sv)
            # A downgrade needs its flag, a source must be there and match its sums.
            for source, why in (("http://10.0.2.100/v1/", "older than the running"),
                                ("/var/lib/atoll/nothing-here", "No such file"),
                                ("http://10.0.2.100/tampered/", "SHA256SUMS")):
                status, out = host.run("atoll-upgrade --check %s" % source, 300)
                self.assertNotEqual(status, 0, out)
                self.assertRegex(out, "UPGRADE FAILED: .*%s" % why)
            # The old slot is one --rollback away.
            self.reboot(host, "atoll-upgrade --rollback --reboot")
        except BaseException:
            host.close()
            raise

        host, port, version = self.boot("bios")
        self.assertEqual(version, v1, "back on slot a")
        self.assertIn("running slot a", self.status(host))
        self.reboot(host, "atoll-upgrade --rollback --reboot")
        host, port, version = self.boot("bios")
        self.assertEqual(version, self.v2, "and up again on slot b")

        for kind, why in (("panic", "did not come up healthy"),
                          ("silent", "xapi-lite has not answered")):
            broken_tree(self.work, kind, kind)
            self.reboot(host, "atoll-upgrade --reboot http://10.0.2.100/%s/" % kind)
            # The trial boot fails by itself and reboots (QEMU exits).
            trial = Vm("upgrade-bios-%s-trial" % kind, base_args("bios", self.work) +
                       ["-drive", "file=%s,if=virtio,format=raw" % self.disk] +
                       net_args([self.server.guestfwd()]), LOGS)
            try:
                self.assertEqual(trial.wait_exit(TRIAL_TIMEOUT), 0,
                                 "the %s trial reboots by itself" % kind)
            finally:
                trial.close()
            host, port, version = self.boot("bios")
            self.assertEqual(version, self.v2, "the %s trial is rolled back" % kind)
            self.assertIn("back on slot b", host.text())
            st = self.status(host)
            self.assertIn("result=rolled-back version=%s slot=a" % BROKEN_VERSION, st)
            msgs = self.messages(port, "HOST_UPGRADE_ROLLED_BACK")
            self.assertTrue(any(why in m["body"] for m in msgs), msgs)
        host.close()
