"""Snapshots, clones and copies on xapi-lite (sim backend; the files are real), with XAPI's
records and errors (xapi_vm_clone.ml, xapi_vm_snapshot.ml, xapi_vm_lifecycle.ml): a
snapshot keeps the disks' bytes of its moment, revert brings them back, clones are
independent, and a failure leaves nothing behind."""
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from xapi_server import DEMO_TEMPLATE, MIB, PASSWORD, ApiTest, err, ok

NULL = "OpaqueRef:NULL"


class Base(ApiTest):
    originator = "snapshots"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tpl = ok(cls.p.VM.get_by_name_label(cls.s, DEMO_TEMPLATE))[0]
        cls.net = ok(cls.p.network.get_all(cls.s))[0]

    def write(self, vdi, offset, data):
        with open(self.path(vdi), "r+b") as f:
            f.seek(offset)
            f.write(data)

    def read(self, vdi, offset, n):
        with open(self.path(vdi), "rb") as f:
            f.seek(offset)
            return f.read(n)

    def vm(self, name, disks=1, vif=True, cd=False):
        """A halted VM with disks (each marked with its index), a VIF and a CD drive."""
        return self.vm_with_disks(name, [4 * MIB] * disks, lambda i: b"disk%d" % i,
                                  self.net if vif else None, cd)

    def disks_of(self, vm):
        out = {}
        for b in ok(self.p.VM.get_VBDs(self.s, vm)):
            r = ok(self.p.VBD.get_record(self.s, b))
            if r["type"] == "Disk":
                out[r["userdevice"]] = r["VDI"]
        return out

    def files(self):
        sr_vdis = ok(self.p.SR.get_VDIs(self.s, self.sr))
        d = os.path.dirname(self.path(sr_vdis[0])) if sr_vdis else None
        return sorted(os.listdir(d)) if d else []


class Snapshots(Base):
    def test_snapshot_record_as_xapi_makes_it(self):
        vm, vdis = self.vm("recorded", disks=2, cd=True)
        before = time.time()
        snap = ok(self.p.VM.snapshot(self.s, vm, "snap one"))
        r = ok(self.p.VM.get_record(self.s, snap))
        self.assertTrue(r["is_a_snapshot"])
        self.assertTrue(r["is_a_template"])
        self.assertEqual(r["snapshot_of"], vm)
        self.assertEqual(r["name_label"], "snap one")
        self.assertEqual(r["power_state"], "Halted")
        self.assertEqual(r["snapshot_info"], {"disk-snapshot-type": "crash_consistent",
                                              "power-state-at-snapshot": "Halted"})
        self.assertGreaterEqual(time.mktime(time.strptime(
            r["snapshot_time"].value, "%Y%m%dT%H:%M:%SZ")) - time.timezone, int(before) - 1)
        self.assertIn(snap, ok(self.p.VM.get_snapshots(self.s, vm)))
        self.assertEqual(ok(self.p.VM.get_parent(self.s, vm)), snap)
        self.assertIn(vm, ok(self.p.VM.get_children(self.s, snap)))
        # Disks: new VDIs, snapshots of the VM's; the CD drive stays as it was.
        disks = self.disks_of(snap)
        self.assertEqual(sorted(disks), ["0", "1"])
        for dev, d in disks.items():
            v = ok(self.p.VDI.get_record(self.s, d))
            self.assertTrue(v["is_a_snapshot"])
            self.assertEqual(v["snapshot_of"], vdis[int(dev)])
            self.assertIn(d, ok(self.p.VDI.get_snapshots(self.s, vdis[int(dev)])))
            self.assertNotEqual(d, vdis[int(dev)])
        kinds = sorted(ok(self.p.VBD.get_type(self.s, b))
                       for b in ok(self.p.VM.get_VBDs(self.s, snap)))
        self.assertEqual(kinds, ["CD", "Disk", "Disk"])
        vif_vm = ok(self.p.VM.get_VIFs(self.s, vm))[0]
        vif_snap = ok(self.p.VM.get_VIFs(self.s, snap))[0]
        self.assertEqual(ok(self.p.VIF.get_MAC(self.s, vif_snap)),
                         ok(self.p.VIF.get_MAC(self.s, vif_vm)))
        # XO makes the snapshot a non-template, which XAPI allows.
        ok(self.p.VM.set_is_a_template(self.s, snap, False))
        self.assertFalse(ok(self.p.VM.get_is_a_template(self.s, snap)))

    def test_revert_brings_back_the_old_bytes(self):
        vm, (d,) = self.vm("reverted")
        self.write(d, MIB, b"before")
        description = ok(self.p.VM.get_name_description(self.s, vm))
        snap = ok(self.p.VM.snapshot(self.s, vm, "before"))
        self.write(d, MIB, b"after!")
        self.write(d, 2 * MIB, b"more")
        ok(self.p.VM.set_name_description(self.s, vm, "changed since"))
        ok(self.p.VM.revert(self.s, snap))
        (now,) = self.disks_of(vm).values()
        self.assertEqual(self.read(now, MIB, 6), b"before")
        self.assertEqual(self.read(now, 2 * MIB, 4), b"\0\0\0\0")
        self.assertEqual(ok(self.p.VM.get_name_label(self.s, vm)), "reverted")
        self.assertEqual(ok(self.p.VM.get_name_description(self.s, vm)), description)
        self.assertFalse(ok(self.p.VM.get_is_a_snapshot(self.s, vm)))
        self.assertEqual(ok(self.p.VM.get_parent(self.s, vm)), snap)
        # The old disk is gone; the snapshot's disk now hangs off the new one.
        self.assertEqual(err(self.p.VDI.get_record(self.s, d)), ["HANDLE_INVALID", "VDI", d])
        (sd,) = self.disks_of(snap).values()
        self.assertEqual(ok(self.p.VDI.get_snapshot_of(self.s, sd)), now)
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Halted")
        # The snapshot is untouched, and can be reverted to again.
        self.write(now, MIB, b"third!")
        ok(self.p.VM.revert(self.s, snap))
        (again,) = self.disks_of(vm).values()
        self.assertEqual(self.read(again, MIB, 6), b"before")

    def test_revert_of_a_running_vm_shuts_it_down_first(self):
        vm, (d,) = self.vm("running")
        ok(self.p.VM.start(self.s, vm, False, False))
        self.write(d, 0, b"first")
        snap = ok(self.p.VM.snapshot(self.s, vm, "live"))
        self.assertEqual(ok(self.p.VM.get_snapshot_info(self.s, snap))[
            "power-state-at-snapshot"], "Running")
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Running")
        self.assertRegex(self.server.log_text(), r"VM\.snapshot paused_ms=\d+")
        self.write(d, 0, b"second")
        ok(self.p.VM.revert(self.s, snap))
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Halted")
        (now,) = self.disks_of(vm).values()
        self.assertEqual(self.read(now, 0, 6), b"first\0")

    def test_checkpoint_then_revert_resumes_at_the_checkpoint(self):
        vm, (d,) = self.vm("checkpointed")
        ok(self.p.VM.start(self.s, vm, False, False))
        self.write(d, 0, b"at the checkpoint")
        cp = ok(self.p.VM.checkpoint(self.s, vm, "cp"))
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Running")
        r = ok(self.p.VM.get_record(self.s, cp))
        self.assertTrue(r["is_a_snapshot"])
        self.assertEqual(r["power_state"], "Suspended")
        self.assertEqual(r["snapshot_info"]["power-state-at-snapshot"], "Running")
        image = r["suspend_VDI"]
        self.assertEqual(ok(self.p.VDI.get_type(self.s, image)), "suspend")
        memory = self.read(image, 0, 4096)
        self.assertNotEqual(memory.strip(b"\0"), b"")
        self.assertEqual(ok(self.p.VM.get_suspend_VDI(self.s, vm)), NULL)
        self.write(d, 0, b"after  the checkpoint")
        # Revert: the VM is Suspended with a copy of the image, and resumes from there.
        ok(self.p.VM.revert(self.s, cp))
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Suspended")
        susp = ok(self.p.VM.get_suspend_VDI(self.s, vm))
        self.assertNotIn(susp, (NULL, image))
        self.assertEqual(self.read(susp, 0, 4096), memory)
        (now,) = self.disks_of(vm).values()
        self.assertEqual(self.read(now, 0, 17), b"at the checkpoint")
        ok(self.p.VM.resume(self.s, vm, False, False))
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Running")
        ok(self.p.VM.hard_shutdown(self.s, vm))
        self.assertEqual(err(self.p.VM.checkpoint(self.s, vm, "halted")),
                         ["VM_BAD_POWER_STATE", vm, "paused, suspended, running", "halted"])
        self.assertEqual(err(self.p.VM.checkpoint(self.s, cp, "of a snapshot")),
                         ["VM_IS_SNAPSHOT", cp, "checkpoint"])

    def test_a_chain_of_ten(self):
        vm, (d,) = self.vm("chain")
        snaps = []
        for i in range(10):
            self.write(d, 0, b"gen%02d" % i)
            snaps.append(ok(self.p.VM.snapshot(self.s, vm, "gen %d" % i)))
        self.assertEqual(sorted(ok(self.p.VM.get_snapshots(self.s, vm))), sorted(snaps))
        self.assertEqual(ok(self.p.VM.get_parent(self.s, snaps[0])), NULL)
        for a, b in zip(snaps, snaps[1:]):
            self.assertEqual(ok(self.p.VM.get_parent(self.s, b)), a)
            self.assertEqual(ok(self.p.VM.get_children(self.s, a)), [b])
        self.assertEqual(ok(self.p.VM.get_parent(self.s, vm)), snaps[-1])
        self.assertEqual(len(ok(self.p.VDI.get_snapshots(self.s, d))), 10)
        for i, snap in enumerate(snaps):
            (sd,) = self.disks_of(snap).values()
            self.assertEqual(self.read(sd, 0, 5), b"gen%02d" % i)
        # Back to the fourth: every snapshot of the disk now hangs off the new disk.
        ok(self.p.VM.revert(self.s, snaps[3]))
        (now,) = self.disks_of(vm).values()
        self.assertEqual(self.read(now, 0, 5), b"gen03")
        self.assertEqual(len(ok(self.p.VDI.get_snapshots(self.s, now))), 10)
        self.assertEqual(ok(self.p.VM.get_parent(self.s, vm)), snaps[3])
        # A new snapshot after the revert branches off the fourth.
        branch = ok(self.p.VM.snapshot(self.s, vm, "branch"))
        self.assertEqual(ok(self.p.VM.get_parent(self.s, branch)), snaps[3])
        self.assertEqual(sorted(ok(self.p.VM.get_children(self.s, snaps[3]))),
                         sorted([snaps[4], branch]))

    def test_ignore_vdis_leaves_a_disk_out(self):
        vm, vdis = self.vm("ignoring", disks=2)
        snap = ok(self.p.VM.snapshot(self.s, vm, "one disk", [vdis[1]]))
        self.assertEqual(sorted(self.disks_of(snap)), ["0"])
        # An unknown ref is compared like any other (XAPI does not look it up).
        snap = ok(self.p.VM.snapshot(self.s, vm, "both", ["OpaqueRef:nonsense"]))
        self.assertEqual(sorted(self.disks_of(snap)), ["0", "1"])
        self.assertEqual(err(self.p.VM.snapshot(self.s, vm, "bad", "not a list")),
                         ["FIELD_TYPE_ERROR", "ignore_vdis"])
        self.assertEqual(err(self.p.VM.snapshot(self.s, vm, "bad", [3])),
                         ["FIELD_TYPE_ERROR", "ignore_vdis"])

    def test_clone_of_a_snapshot(self):
        vm, (d,) = self.vm("snapshot source")
        self.write(d, 0, b"moment")
        snap = ok(self.p.VM.snapshot(self.s, vm, "moment"))
        self.write(d, 0, b"later!")
        new = ok(self.p.VM.clone(self.s, snap, "from the snapshot"))
        r = ok(self.p.VM.get_record(self.s, new))
        self.assertFalse(r["is_a_snapshot"])
        self.assertEqual(r["snapshot_of"], NULL)
        self.assertEqual(r["parent"], NULL)
        # XAPI: a clone keeps the original's is_a_template, which a snapshot has.
        self.assertTrue(r["is_a_template"])
        (nd,) = self.disks_of(new).values()
        self.assertEqual(self.read(nd, 0, 6), b"moment")
        self.assertFalse(ok(self.p.VDI.get_is_a_snapshot(self.s, nd)))

    def test_vm_clone_and_copy_copy_the_disks(self):
        vm, (d0, d1) = self.vm("cloned", disks=2)
        self.write(d1, 3 * MIB, b"deep")
        for how in ("clone", "copy"):
            new = ok(self.p.VM.clone(self.s, vm, "a clone")) if how == "clone" else \
                ok(self.p.VM.copy(self.s, vm, "a copy", NULL))
            disks = self.disks_of(new)
            self.assertEqual(sorted(disks), ["0", "1"])
            self.assertNotIn(disks["0"], (d0, d1))
            self.assertEqual(self.read(disks["0"], 0, 5), b"disk0")
            self.assertEqual(self.read(disks["1"], 3 * MIB, 4), b"deep")
            self.assertEqual(ok(self.p.VDI.get_SR(self.s, disks["1"])), self.sr)
            # Independent afterwards, both ways.
            self.write(disks["1"], 3 * MIB, b"mine")
            self.assertEqual(self.read(d1, 3 * MIB, 4), b"deep")
            self.write(d0, 0, b"DISK0")
            self.assertEqual(self.read(disks["0"], 0, 5), b"disk0")
            self.write(d0, 0, b"disk0")
            vif = ok(self.p.VM.get_VIFs(self.s, new))[0]
            self.assertNotEqual(ok(self.p.VIF.get_MAC(self.s, vif)), ok(self.p.VIF.get_MAC(
                self.s, ok(self.p.VM.get_VIFs(self.s, vm))[0])))
            self.assertIn("mac_seed", ok(self.p.VM.get_other_config(self.s, new)))
            self.assertEqual(ok(self.p.VM.get_parent(self.s, new)), NULL)
            vbd = [b for b in ok(self.p.VM.get_VBDs(self.s, new))][0]
            self.assertEqual(ok(self.p.VBD.get_other_config(self.s, vbd)), {"owner": ""})

    def test_async_clone_finishes_its_task(self):
        vm, (d,) = self.vm("async")
        task = ok(self.p.Async.VM.clone(self.s, vm, "async clone"))
        rec = self.wait_task(task)
        self.assertEqual(rec["status"], "success", rec)
        new = re.sub(r"<[^>]*>", "", rec["result"])
        self.assertEqual(ok(self.p.VM.get_name_label(self.s, new)), "async clone")
        task = ok(self.p.Async.VM.snapshot(self.s, vm, "async snapshot"))
        self.assertEqual(self.wait_task(task)["status"], "success")
        self.assertEqual(ok(self.p.VM.get_current_operations(self.s, vm)), {})

    def test_vdi_snapshot_and_clone(self):
        d = self.vdi()
        self.write(d, 0, b"vdi data")
        snap = ok(self.p.VDI.snapshot(self.s, d, {}))
        r = ok(self.p.VDI.get_record(self.s, snap))
        self.assertTrue(r["is_a_snapshot"])
        self.assertEqual(r["snapshot_of"], d)
        self.assertIn(snap, ok(self.p.VDI.get_snapshots(self.s, d)))
        self.assertEqual(r["virtual_size"], str(4 * MIB))
        self.assertEqual(self.read(snap, 0, 8), b"vdi data")
        clone = ok(self.p.VDI.clone(self.s, snap, {}))
        c = ok(self.p.VDI.get_record(self.s, clone))
        self.assertFalse(c["is_a_snapshot"])
        self.assertEqual(c["snapshot_of"], NULL)
        self.assertEqual(self.read(clone, 0, 8), b"vdi data")
        self.assertEqual(err(self.p.VDI.snapshot(self.s, d, "x")),
                         ["FIELD_TYPE_ERROR", "driver_params"])
        iso = ok(self.p.VDI.create(self.s, {
            "name_label": "cd", "SR": self.iso_sr, "virtual_size": "4096", "type": "user",
            "sharable": False, "read_only": True, "other_config": {}}))
        self.assertEqual(err(self.p.VDI.clone(self.s, iso, {})),
                         ["SR_OPERATION_NOT_SUPPORTED", self.iso_sr])

    def test_the_sr_says_whether_it_reflinks(self):
        sm = ok(self.p.SR.get_sm_config(self.s, self.sr))
        self.assertIn(sm.get("reflink"), ("true", "false"))
        probe = tempfile.mkdtemp(dir=os.path.dirname(self.path(self.vdi())))
        try:
            with open(os.path.join(probe, "a"), "wb") as f:
                f.write(b"x" * 4096)
            can = subprocess.run(["cp", "--reflink=always", os.path.join(probe, "a"),
                                  os.path.join(probe, "b")], capture_output=True).returncode
        finally:
            shutil.rmtree(probe)
        self.assertEqual(sm["reflink"], "true" if can == 0 else "false")

    def test_destroy_orders(self):
        # A VM with snapshots: they stay, and its children hang off its parent.
        vm, (d,) = self.vm("destroyed first")
        s1 = ok(self.p.VM.snapshot(self.s, vm, "s1"))
        s2 = ok(self.p.VM.snapshot(self.s, vm, "s2"))
        ok(self.p.VM.destroy(self.s, vm))
        self.assertEqual(ok(self.p.VM.get_snapshot_of(self.s, s1)), vm)
        self.assertEqual(ok(self.p.VM.get_parent(self.s, s2)), s1)
        self.assertEqual(err(self.p.VM.revert(self.s, s2)), ["VM_REVERT_FAILED", s2, vm])
        # ...and a clone of one still works.
        again = ok(self.p.VM.clone(self.s, s2, "saved"))
        self.assertEqual(self.read(list(self.disks_of(again).values())[0], 0, 5), b"disk0")
        # Destroying a snapshot in the middle rebases its child.
        ok(self.p.VM.destroy(self.s, s1))
        self.assertEqual(ok(self.p.VM.get_parent(self.s, s2)), NULL)
        ok(self.p.VM.destroy(self.s, s2))
        # Snapshot first, then the VM.
        vm, (d,) = self.vm("snapshot destroyed first")
        s = ok(self.p.VM.snapshot(self.s, vm, "s"))
        ok(self.p.VM.destroy(self.s, s))
        self.assertEqual(ok(self.p.VM.get_snapshots(self.s, vm)), [])
        # The VM was the snapshot's child: it hangs off the snapshot's parent now.
        self.assertEqual(ok(self.p.VM.get_parent(self.s, vm)), NULL)
        ok(self.p.VM.destroy(self.s, vm))
        # A VDI snapshot, then its source; and the other way round.
        d = self.vdi()
        sd = ok(self.p.VDI.snapshot(self.s, d, {}))
        path = self.path(sd)
        ok(self.p.VDI.destroy(self.s, sd))
        self.assertFalse(os.path.exists(path))
        self.assertEqual(ok(self.p.VDI.get_snapshots(self.s, d)), [])
        ok(self.p.VDI.destroy(self.s, d))
        d = self.vdi()
        self.write(d, 0, b"kept")
        sd = ok(self.p.VDI.snapshot(self.s, d, {}))
        ok(self.p.VDI.destroy(self.s, d))
        self.assertEqual(self.read(sd, 0, 4), b"kept")
        ok(self.p.VDI.destroy(self.s, sd))

    def test_refusals(self):
        vm, _ = self.vm("refused")
        self.assertEqual(err(self.p.VM.revert(self.s, vm)),
                         ["REVERT_ONLY_ALLOWED_ON_SNAPSHOT"])
        self.assertEqual(err(self.p.VM.revert(self.s, self.tpl)),
                         ["VM_IS_TEMPLATE", self.tpl, "revert"])
        self.assertEqual(err(self.p.VM.snapshot(self.s, self.tpl, "t")),
                         ["VM_IS_TEMPLATE", self.tpl, "snapshot"])
        snap = ok(self.p.VM.snapshot(self.s, vm, "s"))
        self.assertEqual(err(self.p.VM.snapshot(self.s, snap, "of a snapshot")),
                         ["VM_IS_SNAPSHOT", snap, "snapshot"])
        self.assertEqual(err(self.p.VM.snapshot_with_quiesce(self.s, vm, "q")),
                         ["VM_BAD_POWER_STATE", vm, "running", "halted"])
        ok(self.p.VM.start(self.s, vm, False, False))
        self.assertEqual(err(self.p.VM.snapshot_with_quiesce(self.s, vm, "q")),
                         ["VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED", vm])
        self.assertEqual(err(self.p.VM.clone(self.s, vm, "running")),
                         ["VM_BAD_POWER_STATE", vm, "halted", "running"])
        ok(self.p.VM.hard_shutdown(self.s, vm))
        self.assertEqual(err(self.p.VM.snapshot(self.s, "OpaqueRef:nope", "x")),
                         ["HANDLE_INVALID", "VM", "OpaqueRef:nope"])
        self.assertEqual(err(self.p.VM.snapshot(self.s, vm, 7)),
                         ["FIELD_TYPE_ERROR", "new_name"])
        self.assertEqual(err(self.p.VM.snapshot(self.s, vm))[0],
                         "MESSAGE_PARAMETER_COUNT_MISMATCH")
        self.assertEqual(err(self.p.VM.copy(self.s, vm, "x", "OpaqueRef:nope")),
                         ["HANDLE_INVALID", "SR", "OpaqueRef:nope"])
        dom0 = [v for v in ok(self.p.VM.get_all(self.s))
                if ok(self.p.VM.get_is_control_domain(self.s, v))][0]
        self.assertEqual(err(self.p.VM.snapshot(self.s, dom0, "dom0"))[0],
                         "OPERATION_NOT_ALLOWED")


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("mount"), "needs to mount a tmpfs")
class FullSR(Base):
    """An SR with no room left: the snapshot fails with SR_BACKEND_FAILURE and leaves no
    record and no file."""

    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix="xapi-lite-full-")
        with open(os.path.join(cls.workdir, "shadow"), "w") as f:
            from xapi_server import crypt
            f.write("root:%s:19000:0:99999:7:::\n" % crypt(PASSWORD))
        cls.mnt = os.path.join(cls.workdir, "state", "sr")
        os.makedirs(cls.mnt)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", cls.mnt],
                          capture_output=True).returncode != 0:
            raise unittest.SkipTest("cannot mount a tmpfs")
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            subprocess.run(["umount", cls.mnt])
            shutil.rmtree(cls.workdir, ignore_errors=True)

    def test_snapshot_without_room_leaves_nothing(self):
        vm, (d,) = self.vm("full", vif=False)
        ok(self.p.VDI.resize(self.s, d, str(16 * MIB)))
        self.write(d, 0, os.urandom(8 * MIB))
        vdis = sorted(ok(self.p.VDI.get_all(self.s)))
        vms = sorted(ok(self.p.VM.get_all(self.s)))
        files = self.files()
        e = err(self.p.VM.snapshot(self.s, vm, "no room"))
        self.assertEqual(e[0], "SR_BACKEND_FAILURE")
        self.assertIn("No space left", e[3])
        self.assertEqual(sorted(ok(self.p.VDI.get_all(self.s))), vdis)
        self.assertEqual(sorted(ok(self.p.VM.get_all(self.s))), vms)
        self.assertEqual(self.files(), files)
        self.assertEqual(ok(self.p.VM.get_parent(self.s, vm)), NULL)
        self.assertEqual(ok(self.p.VM.get_current_operations(self.s, vm)), {})
        self.assertIn("snapshot", ok(self.p.VM.get_allowed_operations(self.s, vm)))
        e = err(self.p.VM.clone(self.s, vm, "no room either"))
        self.assertEqual(e[0], "SR_BACKEND_FAILURE")
        self.assertEqual(sorted(ok(self.p.VDI.get_all(self.s))), vdis)
        self.assertEqual(self.files(), files)


if __name__ == "__main__":
    unittest.main()
