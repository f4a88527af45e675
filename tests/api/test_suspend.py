"""VM.suspend and VM.resume on xapi-lite (sim backend; the files are real): the memory image
goes into a suspend VDI (XAPI's "Suspend image", type suspend, memory_static_max * 1.26 +
100 MiB) on the suspend SR, the VM is Suspended with suspend_VDI set, and resume or
hard_shutdown removes the image. Every refusal carries XAPI's error."""
import json
import os
import time
import unittest
import xmlrpc.client

from xapi_server import PASSWORD, ApiTest, FakeXlTest, Server, ok

MIB = 1024 * 1024
NULL = "OpaqueRef:NULL"
IMAGE_MAGIC = b"atoll simulated suspend image 1\n"


class Suspend(ApiTest):
    originator = "suspend"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pool = ok(cls.p.pool.get_all(cls.s))[0]
        cls.host = ok(cls.p.host.get_all(cls.s))[0]

    def error(self, r):
        self.assertEqual(r["Status"], "Failure", r)
        return r["ErrorDescription"]

    def new_vm(self, name, disk=True):
        """A halted VM from the demo template, with a disk (so there is a VBD to watch)."""
        vm = self.template_vm(name)
        if disk:
            vdi = self.vdi(4 * MIB, name=name)
            ok(self.p.VBD.create(self.s, {
                "VM": vm, "VDI": vdi, "userdevice": "autodetect", "bootable": False,
                "mode": "RW", "type": "Disk", "empty": False, "other_config": {},
                "qos_algorithm_type": "", "qos_algorithm_params": {}}))
        return vm

    def running_vm(self, name, **kw):
        vm = self.new_vm(name, **kw)
        ok(self.p.VM.start(self.s, vm, False, False))
        return vm

    def state(self, vm):
        return ok(self.p.VM.get_power_state(self.s, vm))

    def sr_files(self, sr):
        pbd = [ok(self.p.PBD.get_record(self.s, b)) for b in ok(self.p.PBD.get_all(self.s))
               if ok(self.p.PBD.get_SR(self.s, b)) == sr][0]
        return sorted(os.listdir(pbd["device_config"]["location"]))

    def vbds_attached(self, vm):
        return [ok(self.p.VBD.get_currently_attached(self.s, b))
                for b in ok(self.p.VM.get_VBDs(self.s, vm))]

    def suspend_vdis(self):
        return [v for v in ok(self.p.VDI.get_all(self.s))
                if ok(self.p.VDI.get_type(self.s, v)) == "suspend"]

    def test_suspend_then_resume(self):
        vm = self.running_vm("suspend-resume")
        uuid = ok(self.p.VM.get_uuid(self.s, vm))
        ok(self.p.VM.suspend(self.s, vm))
        self.assertEqual(self.state(vm), "Suspended")
        vdi = ok(self.p.VM.get_suspend_VDI(self.s, vm))
        self.assertNotEqual(vdi, NULL)
        rec = ok(self.p.VDI.get_record(self.s, vdi))
        static_max = int(ok(self.p.VM.get_memory_static_max(self.s, vm)))
        self.assertEqual(rec["type"], "suspend")
        self.assertEqual(rec["name_label"], "Suspend image")
        self.assertEqual(rec["name_description"], "Suspend image")
        self.assertEqual(int(rec["virtual_size"]), static_max * 126 // 100 + 100 * MIB)
        self.assertEqual(rec["SR"], ok(self.p.pool.get_suspend_image_SR(self.s, self.pool)))
        self.assertEqual(rec["sm_config"]["vmhint"], uuid)
        self.assertEqual(rec["sm_config"]["initial_allocation"], rec["virtual_size"])
        path = self.path(vdi)
        with open(path, "rb") as f:
            head = f.read(256)
        self.assertTrue(head.startswith(IMAGE_MAGIC + b"vm " + uuid.encode() + b"\n"), head)
        # No domain while suspended, but the devices stay attached for the resume (XAPI).
        self.assertEqual(ok(self.p.VM.get_resident_on(self.s, vm)), NULL)
        self.assertEqual(ok(self.p.VM.get_domid(self.s, vm)), "-1")
        self.assertEqual(ok(self.p.VM.get_consoles(self.s, vm)), [])
        self.assertEqual(self.vbds_attached(vm), [True])
        self.assertNotIn(vm, ok(self.p.host.get_resident_VMs(self.s, self.host)))

        ok(self.p.VM.resume(self.s, vm, False, False))
        self.assertEqual(self.state(vm), "Running")
        self.assertEqual(ok(self.p.VM.get_suspend_VDI(self.s, vm)), NULL)
        self.assertEqual(self.error(self.p.VDI.get_record(self.s, vdi))[0], "HANDLE_INVALID")
        self.assertFalse(os.path.exists(path), "the image goes with the resume")
        self.assertEqual(ok(self.p.VM.get_resident_on(self.s, vm)), self.host)
        self.assertEqual(self.vbds_attached(vm), [True])
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_resume_paused(self):
        vm = self.running_vm("resume-paused")
        ok(self.p.VM.suspend(self.s, vm))
        path = self.path(ok(self.p.VM.get_suspend_VDI(self.s, vm)))
        ok(self.p.VM.resume(self.s, vm, True, False))
        self.assertEqual(self.state(vm), "Paused")
        self.assertFalse(os.path.exists(path))
        self.assertEqual(ok(self.p.VM.get_suspend_VDI(self.s, vm)), NULL)
        ok(self.p.VM.unpause(self.s, vm))
        self.assertEqual(self.state(vm), "Running")
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_resume_on_this_host_and_async(self):
        vm = self.running_vm("resume-on")
        task = ok(self.p.Async.VM.suspend(self.s, vm))
        deadline = time.monotonic() + 30
        while ok(self.p.task.get_status(self.s, task)) == "pending" and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(ok(self.p.task.get_status(self.s, task)), "success")
        self.assertEqual(self.state(vm), "Suspended")
        self.assertEqual(self.error(self.p.VM.resume_on(self.s, vm, NULL, False, False)),
                         ["HANDLE_INVALID", "host", NULL])
        ok(self.p.VM.resume_on(self.s, vm, self.host, False, False))
        self.assertEqual(self.state(vm), "Running")
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_hard_shutdown_discards_the_image(self):
        vm = self.running_vm("discard")
        ok(self.p.VM.suspend(self.s, vm))
        vdi = ok(self.p.VM.get_suspend_VDI(self.s, vm))
        path = self.path(vdi)
        self.assertTrue(os.path.exists(path))
        ok(self.p.VM.hard_shutdown(self.s, vm))
        self.assertEqual(self.state(vm), "Halted")
        self.assertEqual(ok(self.p.VM.get_suspend_VDI(self.s, vm)), NULL)
        self.assertEqual(self.error(self.p.VDI.get_record(self.s, vdi))[0], "HANDLE_INVALID")
        self.assertFalse(os.path.exists(path))
        self.assertEqual(self.vbds_attached(vm), [False])
        # Halted again, it starts afresh.
        ok(self.p.VM.start(self.s, vm, False, False))
        self.assertEqual(self.state(vm), "Running")
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_refusals_by_power_state(self):
        vm = self.new_vm("refusals", disk=False)
        self.assertEqual(self.error(self.p.VM.suspend(self.s, vm)),
                         ["VM_BAD_POWER_STATE", vm, "running", "halted"])
        self.assertEqual(self.error(self.p.VM.resume(self.s, vm, False, False)),
                         ["VM_BAD_POWER_STATE", vm, "suspended", "halted"])
        ok(self.p.VM.start(self.s, vm, False, False))
        self.assertEqual(self.error(self.p.VM.resume(self.s, vm, False, False)),
                         ["VM_BAD_POWER_STATE", vm, "suspended", "running"])
        ok(self.p.VM.pause(self.s, vm))
        self.assertEqual(self.error(self.p.VM.suspend(self.s, vm)),
                         ["VM_BAD_POWER_STATE", vm, "running", "paused"])
        ok(self.p.VM.unpause(self.s, vm))
        ok(self.p.VM.suspend(self.s, vm))
        self.assertEqual(self.error(self.p.VM.clean_shutdown(self.s, vm)),
                         ["VM_BAD_POWER_STATE", vm, "running", "suspended"])
        self.assertEqual(self.error(self.p.VM.suspend(self.s, vm)),
                         ["VM_BAD_POWER_STATE", vm, "running", "suspended"])
        self.assertEqual(self.error(self.p.VM.start(self.s, vm, False, False)),
                         ["VM_BAD_POWER_STATE", vm, "halted", "suspended"])
        self.assertEqual(self.error(self.p.VM.pause(self.s, vm)),
                         ["VM_BAD_POWER_STATE", vm, "running", "suspended"])
        self.assertEqual(self.error(self.p.VM.resume(self.s, vm, "yes", False)),
                         ["FIELD_TYPE_ERROR", "start_paused"])
        self.assertEqual(self.error(self.p.VM.resume(self.s, vm, False, 1)),
                         ["FIELD_TYPE_ERROR", "force"])
        self.assertEqual(self.state(vm), "Suspended", "refusals change nothing")
        ok(self.p.VM.hard_shutdown(self.s, vm))
        self.assertEqual(self.error(self.p.VM.hard_shutdown(self.s, vm)),
                         ["VM_BAD_POWER_STATE", vm, "paused, suspended, running", "halted"])
        tpl = ok(self.p.VM.get_by_name_label(self.s, "Atoll demo guest"))[0]
        # XAPI checks the power state before the template.
        self.assertEqual(self.error(self.p.VM.suspend(self.s, tpl)),
                         ["VM_BAD_POWER_STATE", tpl, "running", "halted"])

    def test_no_room_on_the_sr(self):
        """An image larger than the SR's free space is refused before anything is made."""
        vm = self.new_vm("no-room", disk=False)
        huge = str(1024 ** 5)       # 1 PiB of memory: no build disk has 1.26 PiB free
        ok(self.p.VM.set_memory_limits(self.s, vm, huge, huge, huge, huge))
        ok(self.p.VM.start(self.s, vm, False, False))
        before_files, before_vdis = self.sr_files(self.sr), self.suspend_vdis()
        self.assertEqual(self.error(self.p.VM.suspend(self.s, vm)),
                         ["SR_SUSPEND_SPACE_INSUFFICIENT", self.sr])
        self.assertEqual(self.state(vm), "Running")
        self.assertEqual(ok(self.p.VM.get_suspend_VDI(self.s, vm)), NULL)
        self.assertEqual(self.suspend_vdis(), before_vdis, "no suspend VDI left behind")
        self.assertEqual(self.sr_files(self.sr), before_files, "no file left behind")
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_suspend_sr_choice(self):
        """VM.suspend_SR first, then the pool's suspend_image_SR, then the host's; none:
        VM_NO_SUSPEND_SR."""
        vm = self.running_vm("sr-choice", disk=False)
        ok(self.p.VM.set_suspend_SR(self.s, vm, self.iso_sr))
        ok(self.p.VM.suspend(self.s, vm))
        vdi = ok(self.p.VM.get_suspend_VDI(self.s, vm))
        self.assertEqual(ok(self.p.VDI.get_SR(self.s, vdi)), self.iso_sr)
        ok(self.p.VM.resume(self.s, vm, False, False))
        ok(self.p.VM.set_suspend_SR(self.s, vm, NULL))
        pool_sr = ok(self.p.pool.get_suspend_image_SR(self.s, self.pool))
        host_sr = ok(self.p.host.get_suspend_image_sr(self.s, self.host))
        try:
            ok(self.p.pool.set_suspend_image_SR(self.s, self.pool, NULL))
            ok(self.p.host.set_suspend_image_sr(self.s, self.host, self.iso_sr))
            ok(self.p.VM.suspend(self.s, vm))
            vdi = ok(self.p.VM.get_suspend_VDI(self.s, vm))
            self.assertEqual(ok(self.p.VDI.get_SR(self.s, vdi)), self.iso_sr)
            ok(self.p.VM.resume(self.s, vm, False, False))
            ok(self.p.host.set_suspend_image_sr(self.s, self.host, NULL))
            self.assertEqual(self.error(self.p.VM.suspend(self.s, vm)),
                             ["VM_NO_SUSPEND_SR", vm])
            self.assertEqual(self.state(vm), "Running")
        finally:
            ok(self.p.pool.set_suspend_image_SR(self.s, self.pool, pool_sr))
            ok(self.p.host.set_suspend_image_sr(self.s, self.host, host_sr))
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_resume_checks_the_image(self):
        """A resume reads the image back: another VM's, garbage, a short file or none at
        all is refused and the VM stays Suspended with its image."""
        vm = self.running_vm("bad-image", disk=False)
        other = self.running_vm("other-image", disk=False)
        ok(self.p.VM.suspend(self.s, vm))
        ok(self.p.VM.suspend(self.s, other))
        vdi = ok(self.p.VM.get_suspend_VDI(self.s, vm))
        path = self.path(vdi)
        with open(self.path(ok(self.p.VM.get_suspend_VDI(self.s, other))), "rb") as f:
            others = f.read(256)
        size = os.path.getsize(path)
        for bad in (others, b"garbage\n", IMAGE_MAGIC, IMAGE_MAGIC + b"vm ", b"",
                    IMAGE_MAGIC[:-1] + b"2" + others[len(IMAGE_MAGIC):]):
            with open(path, "r+b") as f:
                f.write(b"\0" * 256)
                f.seek(0)
                f.write(bad)
                f.truncate(size if bad else 0)
            e = self.error(self.p.VM.resume(self.s, vm, False, False))
            self.assertEqual(e[0], "INTERNAL_ERROR", bad)
            self.assertEqual(self.state(vm), "Suspended")
            self.assertEqual(ok(self.p.VM.get_suspend_VDI(self.s, vm)), vdi)
        os.unlink(path)
        self.assertEqual(self.error(self.p.VM.resume(self.s, vm, False, False)),
                         ["VDI_MISSING", self.sr, vdi])
        self.assertEqual(self.state(vm), "Suspended")
        ok(self.p.VM.hard_shutdown(self.s, vm))
        self.assertEqual(self.error(self.p.VDI.get_record(self.s, vdi))[0], "HANDLE_INVALID")
        ok(self.p.VM.resume(self.s, other, False, False))
        ok(self.p.VM.hard_shutdown(self.s, other))

    def test_destroy_leaves_the_image(self):
        """XAPI allows VM.destroy when Halted or Suspended (xapi_vm_lifecycle.ml) and its
        destroy (xapi_vm_helpers.ml) removes the VM's devices and metrics but not its
        suspend VDI: the image stays, an ordinary VDI of its SR, until destroyed itself."""
        vm = self.running_vm("destroyed-suspended")
        vbd = ok(self.p.VM.get_VBDs(self.s, vm))[0]
        disk = ok(self.p.VBD.get_VDI(self.s, vbd))
        metrics = ok(self.p.VM.get_metrics(self.s, vm))
        self.assertEqual(self.error(self.p.VM.destroy(self.s, vm)),
                         ["VM_BAD_POWER_STATE", vm, "halted, suspended", "running"])
        ok(self.p.VM.pause(self.s, vm))
        self.assertEqual(self.error(self.p.VM.destroy(self.s, vm)),
                         ["VM_BAD_POWER_STATE", vm, "halted, suspended", "paused"])
        ok(self.p.VM.unpause(self.s, vm))
        ok(self.p.VM.suspend(self.s, vm))
        image = ok(self.p.VM.get_suspend_VDI(self.s, vm))
        path = self.path(image)
        self.assertIn("destroy", ok(self.p.VM.get_allowed_operations(self.s, vm)))
        ok(self.p.VM.destroy(self.s, vm))
        self.assertEqual(self.error(self.p.VM.get_record(self.s, vm))[0], "HANDLE_INVALID")
        self.assertEqual(self.error(self.p.VBD.get_record(self.s, vbd))[0], "HANDLE_INVALID")
        self.assertEqual(self.error(self.p.VM_metrics.get_record(self.s, metrics))[0],
                         "HANDLE_INVALID")
        rec = ok(self.p.VDI.get_record(self.s, image))
        self.assertEqual((rec["type"], rec["VBDs"]), ("suspend", []))
        self.assertEqual(ok(self.p.VDI.get_VBDs(self.s, disk)), [])
        self.assertTrue(os.path.exists(path))
        self.assertIn(image, ok(self.p.SR.get_VDIs(self.s, self.sr)))
        self.assertIn("destroy", rec["allowed_operations"])
        # Nothing else minds the image without its VM: a snapshot of it, the event
        # stream, and destroying the image at last.
        snap = ok(self.p.VDI.snapshot(self.s, image, {}))
        self.assertEqual(ok(self.p.VDI.get_snapshot_of(self.s, snap)), image)
        ok(self.p.VDI.destroy(self.s, snap))
        ok(getattr(self.p.event, "from")(self.s, ["vdi"], "", 0.1))
        ok(self.p.VDI.destroy(self.s, image))
        self.assertFalse(os.path.exists(path))
        ok(self.p.VDI.destroy(self.s, disk))

    def test_left_image_survives_a_restart(self):
        """The journal reloads a suspend VDI whose VM is gone as it is."""
        first, again = Server(), None
        try:
            p = xmlrpc.client.ServerProxy(first.url)
            s = ok(p.session.login_with_password("root", PASSWORD, "1.0", "restart"))
            tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
            vm = ok(p.VM.clone(s, tpl, "restarted"))
            ok(p.VM.set_is_a_template(s, vm, False))
            ok(p.VM.start(s, vm, False, False))
            ok(p.VM.suspend(s, vm))
            image = ok(p.VM.get_suspend_VDI(s, vm))
            before = ok(p.VDI.get_record(s, image))
            ok(p.VM.destroy(s, vm))
            self.assertEqual(first.stop(), 0, first.log_text())
            again = Server(workdir=first.dir)
            p = xmlrpc.client.ServerProxy(again.url)
            s = ok(p.session.login_with_password("root", PASSWORD, "1.0", "restart"))
            self.assertEqual(self.error(p.VM.get_record(s, vm))[0], "HANDLE_INVALID")
            after = ok(p.VDI.get_record(s, image))
            self.assertEqual({k: after[k] for k in ("uuid", "type", "SR", "VBDs", "location")},
                             {k: before[k] for k in ("uuid", "type", "SR", "VBDs", "location")})
            ok(p.VDI.destroy(s, image))
        finally:
            if again is not None:
                self.assertEqual(again.stop(), 0, again.log_text())
            first.remove()

    def test_resume_without_suspend_vdi_halts(self):
        """XAPI: a Suspended VM whose suspend_VDI is gone cannot come back; it is Halted."""
        vm = self.running_vm("lost-vdi", disk=False)
        ok(self.p.VM.suspend(self.s, vm))
        vdi = ok(self.p.VM.get_suspend_VDI(self.s, vm))
        ok(self.p.VDI.destroy(self.s, vdi))
        self.assertEqual(self.error(self.p.VM.resume(self.s, vm, False, False)),
                         ["VM_HAS_NO_SUSPEND_VDI", "VM", vm])
        self.assertEqual(self.state(vm), "Halted")
        self.assertEqual(ok(self.p.VM.get_suspend_VDI(self.s, vm)), NULL)


if __name__ == "__main__":
    unittest.main()


class SuspendOnXen(FakeXlTest):
    """The xen backend's commands, against a stand-in xl (fake_xl.py) that keeps domains in
    a file: xl save into the suspend VDI's file, xl restore [-p] from it with the VM's fresh
    configuration, and the domain that comes back is the one saved (its birth kept)."""

    originator = "suspend"

    def setUp(self):
        self.fail_with(None)

    def fail_with(self, cmd):
        path = os.path.join(self.bindir, "fail")
        if cmd is None:
            if os.path.exists(path):
                os.unlink(path)
        else:
            with open(path, "w") as f:
                f.write(cmd)

    def domains(self):
        with open(os.path.join(self.bindir, "domains")) as f:
            return json.load(f)["doms"]

    def xl_log(self):
        """The stand-in's commands so far, but the reconciliation's xl list, which may
        come at any time."""
        with open(os.path.join(self.bindir, "log")) as f:
            return [c for c in f.read().splitlines() if c != "list"]

    def running_vm(self, name):
        vm = self.template_vm(name)
        ok(self.p.VM.start(self.s, vm, False, False))
        return vm, ok(self.p.VM.get_uuid(self.s, vm))

    def test_save_and_restore(self):
        vm, uuid = self.running_vm("xen-suspend")
        born = self.domains()[uuid]["born"]
        ok(self.p.VM.suspend(self.s, vm))
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Suspended")
        vdi = ok(self.p.VM.get_suspend_VDI(self.s, vm))
        image = self.path(vdi)
        self.assertEqual(self.xl_log()[-1], "save %s %s" % (uuid, image))
        self.assertNotIn(uuid, self.domains(), "xl save leaves no domain")
        self.assertTrue(os.path.getsize(image) > 0)
        self.assertEqual(ok(self.p.VM.get_domid(self.s, vm)), "-1")

        ok(self.p.VM.resume(self.s, vm, False, False))
        cfg = os.path.join(self.server.state, "xl", uuid + ".cfg")
        self.assertIn("restore %s %s" % (cfg, image), self.xl_log())
        self.assertEqual(self.xl_log()[-1], "domid " + uuid)
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Running")
        dom = self.domains()[uuid]
        self.assertEqual(dom["born"], born, "the saved domain came back, not a new one")
        self.assertFalse(dom["paused"])
        self.assertEqual(ok(self.p.VM.get_domid(self.s, vm)), str(dom["domid"]))
        self.assertEqual(ok(self.p.VM.get_suspend_VDI(self.s, vm)), NULL)
        self.assertFalse(os.path.exists(image))

        ok(self.p.VM.suspend(self.s, vm))
        image = self.path(ok(self.p.VM.get_suspend_VDI(self.s, vm)))
        ok(self.p.VM.resume(self.s, vm, True, False))
        self.assertIn("restore -p %s %s" % (cfg, image), self.xl_log())
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Paused")
        self.assertTrue(self.domains()[uuid]["paused"])
        self.assertEqual(self.domains()[uuid]["born"], born)
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_failed_save_leaves_nothing(self):
        vm, uuid = self.running_vm("xen-save-fails")
        before = sorted(os.listdir(os.path.join(self.server.state, "sr")))
        self.fail_with("save")
        e = ok_error(self.p.VM.suspend(self.s, vm))
        self.assertEqual(e[0], "INTERNAL_ERROR")
        self.assertIn("simulated failure", e[1])
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Running")
        self.assertEqual(ok(self.p.VM.get_suspend_VDI(self.s, vm)), NULL)
        self.assertEqual(sorted(os.listdir(os.path.join(self.server.state, "sr"))), before)
        self.assertEqual(ok(self.p.VM.get_current_operations(self.s, vm)), {})
        self.fail_with(None)
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_failed_restore_keeps_the_image(self):
        vm, uuid = self.running_vm("xen-restore-fails")
        ok(self.p.VM.suspend(self.s, vm))
        vdi = ok(self.p.VM.get_suspend_VDI(self.s, vm))
        self.fail_with("restore")
        self.assertEqual(ok_error(self.p.VM.resume(self.s, vm, False, False))[0],
                         "INTERNAL_ERROR")
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Suspended")
        self.assertEqual(ok(self.p.VM.get_suspend_VDI(self.s, vm)), vdi)
        image = self.path(vdi)
        self.assertTrue(os.path.exists(image))
        self.fail_with(None)
        # Discarding the image runs no xl at all: there is no domain.
        n = len(self.xl_log())
        ok(self.p.VM.hard_shutdown(self.s, vm))
        self.assertEqual(self.xl_log()[n:], [])
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Halted")
        self.assertEqual(ok(self.p.VM.get_suspend_VDI(self.s, vm)), NULL)
        self.assertEqual(ok_error(self.p.VDI.get_record(self.s, vdi))[0], "HANDLE_INVALID")
        self.assertFalse(os.path.exists(image))


def ok_error(r):
    assert r["Status"] == "Failure", r
    return r["ErrorDescription"]
