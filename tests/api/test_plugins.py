"""API tests of what Xen Orchestra asks of a host beyond the records when it connects:
host.call_plugin with XCP-ng's read-only plugins (lsblk.py, hyperthreading.py) and XAPI's
errors for the others, host.get_management_interface, SR.scan, PBD.plug and PBD.unplug,
task.set_progress, XAPI's alternative wire names and where it offers Async. The xen
backend's plugins run their host tools (stand-ins here: fake_xl.py and an lsblk script) as
jobs of the event loop.
"""
import json
import os
import time
import uuid
import xmlrpc.client

from xapi_server import MIB, ApiTest, FakeXlTest, ok

LSBLK_KEYS = ["name", "kname", "pkname", "size", "type", "ro", "mountpoint"]
SR_SCAN_MAX_NEW = 256   # xapi-lite/sr_scan.c
JOB_OUTPUT_MAX = 64 * 1024  # xapi-lite/jobs.c: what a helper's output may be


class Plugins(ApiTest):
    def setUp(self):
        self.host = ok(self.p.host.get_all(self.s))[0]

    def plugin(self, plugin, fn, args=None):
        return self.p.host.call_plugin(self.s, self.host, plugin, fn, args or {})

    def test_missing_plugin(self):
        # smartctl.py too: dom0 carries no smartmontools.
        for name in ("smartctl.py", "no-such-plugin", "../lsblk.py", ""):
            self.assertEqual(self.plugin(name, "information")["ErrorDescription"],
                             ["XENAPI_MISSING_PLUGIN", name])

    def test_unknown_function(self):
        self.assertEqual(self.plugin("lsblk.py", "nope")["ErrorDescription"],
                         ["UNKNOWN_XENAPI_PLUGIN_FUNCTION", "nope"])
        self.assertEqual(self.plugin("hyperthreading.py", "list_block_devices")
                         ["ErrorDescription"],
                         ["UNKNOWN_XENAPI_PLUGIN_FUNCTION", "list_block_devices"])

    def test_lsblk_as_xcp_ng_answers(self):
        text = ok(self.plugin("lsblk.py", "list_block_devices", {"ignored": "x"}))
        answer = json.loads(text)
        self.assertEqual(list(answer), ["blockdevices"])
        disks = answer["blockdevices"]
        self.assertTrue(disks, text)
        for disk in disks:
            self.assertEqual(list(disk), LSBLK_KEYS + ["children"], text)
            self.assertEqual((disk["pkname"], disk["type"]), ("", "disk"))
            for part in disk["children"]:
                self.assertEqual(list(part), LSBLK_KEYS, text)
                self.assertEqual(part["pkname"], disk["kname"])
                self.assertTrue(part["size"].isdigit() and part["ro"] in ("0", "1"), part)
        # The sim's SR partition is the local SR's size; as json.dumps writes it.
        size = ok(self.p.SR.get_physical_size(self.s, self.sr))
        self.assertIn(str(size), [p["size"] for p in disks[0]["children"]], text)
        self.assertEqual(json.dumps(answer), text)

    def test_hyperthreading(self):
        self.assertEqual(ok(self.plugin("hyperthreading.py", "get_hyperthreading")), "false")

    def test_bad_arguments(self):
        call = self.p.host.call_plugin
        self.assertEqual(call(self.s, self.host, "lsblk.py", "list_block_devices", "x")
                         ["ErrorDescription"], ["FIELD_TYPE_ERROR", "args"])
        self.assertEqual(call(self.s, self.host, "lsblk.py", "list_block_devices", {"a": 1})
                         ["ErrorDescription"], ["FIELD_TYPE_ERROR", "args"])
        self.assertEqual(call(self.s, self.host, 3, "list_block_devices", {})
                         ["ErrorDescription"], ["FIELD_TYPE_ERROR", "plugin"])
        self.assertEqual(call(self.s, self.host, "lsblk.py", [], {})
                         ["ErrorDescription"], ["FIELD_TYPE_ERROR", "fn"])
        self.assertEqual(call(self.s, "OpaqueRef:nope", "lsblk.py", "x", {})
                         ["ErrorDescription"], ["HANDLE_INVALID", "host", "OpaqueRef:nope"])
        self.assertEqual(call(self.s, self.host, "lsblk.py", "list_block_devices")
                         ["ErrorDescription"],
                         ["MESSAGE_PARAMETER_COUNT_MISMATCH", "host.call_plugin", "4", "3"])
        self.assertEqual(call("OpaqueRef:bad", self.host, "lsblk.py", "x", {})
                         ["ErrorDescription"][0], "SESSION_INVALID")

    def test_async_call_plugin(self):
        task = ok(self.p.Async.host.call_plugin(self.s, self.host, "hyperthreading.py",
                                                 "get_hyperthreading", {}))
        rec = self.wait_task(task)
        self.assertEqual((rec["status"], rec["result"]), ("success", "<value>false</value>"))
        task = ok(self.p.Async.host.call_plugin(self.s, self.host, "nope", "f", {}))
        rec = self.wait_task(task)
        self.assertEqual((rec["status"], rec["error_info"]),
                         ("failure", ["XENAPI_MISSING_PLUGIN", "nope"]))


class ManagementInterface(ApiTest):
    def test_the_management_pif(self):
        host = ok(self.p.host.get_all(self.s))[0]
        pifs = ok(self.p.PIF.get_all_records(self.s))
        mgmt = [r for r, p in pifs.items() if p["management"] and p["host"] == host]
        self.assertEqual(len(mgmt), 1, pifs)
        self.assertEqual(ok(self.p.host.get_management_interface(self.s, host)), mgmt[0])
        self.assertEqual(self.p.host.get_management_interface(self.s, self.sr)
                         ["ErrorDescription"], ["HANDLE_INVALID", "host", self.sr])


class Scan(ApiTest):
    def sr_dir(self, sr):
        pbd = [r for r in ok(self.p.PBD.get_all_records(self.s)).values() if r["SR"] == sr][0]
        return pbd["device_config"]["location"]

    def vdis_of(self, sr):
        return {r["location"]: ref for ref, r in ok(self.p.VDI.get_all_records(self.s)).items()
                if r["SR"] == sr}

    def test_finds_a_dropped_file_and_forgets_a_deleted_one(self):
        u = str(uuid.uuid4())
        name = os.path.join(self.sr_dir(self.sr), u + ".raw")
        with open(name, "wb") as f:
            f.truncate(8 * MIB)
            f.write(b"x" * MIB)
        # Files that are not a VDI's by their names stay unknown.
        for other in ("notauuid.raw", u + ".txt", "." + u + ".raw", u.upper() + ".raw"):
            with open(os.path.join(self.sr_dir(self.sr), other), "wb") as f:
                f.write(b"y")
        before = ok(self.p.SR.get_physical_utilisation(self.s, self.sr))
        ok(self.p.SR.scan(self.s, self.sr))
        vdi = ok(self.p.VDI.get_by_uuid(self.s, u))
        rec = ok(self.p.VDI.get_record(self.s, vdi))
        self.assertEqual((rec["SR"], rec["location"], rec["virtual_size"], rec["type"],
                          rec["managed"], rec["missing"]),
                         (self.sr, u + ".raw", str(8 * MIB), "user", True, False))
        self.assertGreaterEqual(int(rec["physical_utilisation"]), MIB)
        self.assertIn(vdi, ok(self.p.SR.get_VDIs(self.s, self.sr)))
        self.assertGreaterEqual(int(ok(self.p.SR.get_physical_utilisation(self.s, self.sr))),
                                int(before) + MIB)
        locations = self.vdis_of(self.sr)
        for other in ("notauuid.raw", u + ".txt", "." + u + ".raw", u.upper() + ".raw"):
            self.assertNotIn(other, locations)
        # A second scan finds nothing new.
        ok(self.p.SR.scan(self.s, self.sr))
        self.assertEqual(self.vdis_of(self.sr), locations)

        os.unlink(name)
        ok(self.p.SR.scan(self.s, self.sr))
        self.assertEqual(self.p.VDI.get_by_uuid(self.s, u)["ErrorDescription"],
                         ["UUID_INVALID", "VDI", u])
        self.assertNotIn(vdi, ok(self.p.SR.get_VDIs(self.s, self.sr)))

    def test_a_disk_in_use_is_kept_missing(self):
        vm, (disk,) = self.vm_with_disks("scan-kept", [MIB], lambda i: b"data")
        path = self.path(disk)
        os.rename(path, path + ".away")
        ok(self.p.SR.scan(self.s, self.sr))
        self.assertTrue(ok(self.p.VDI.get_missing(self.s, disk)))
        self.assertEqual(len(ok(self.p.VM.get_VBDs(self.s, vm))), 1)
        os.rename(path + ".away", path)
        ok(self.p.SR.scan(self.s, self.sr))
        self.assertFalse(ok(self.p.VDI.get_missing(self.s, disk)))

    def test_iso_files(self):
        iso_dir = self.sr_dir(self.iso_sr)
        with open(os.path.join(iso_dir, "install disc.iso"), "wb") as f:
            f.write(b"iso" * 1000)
        ok(self.p.SR.scan(self.s, self.iso_sr))
        iso = self.vdis_of(self.iso_sr).get("install disc.iso")
        self.assertIsNotNone(iso)
        self.assertEqual(ok(self.p.VDI.get_name_label(self.s, iso)), "install disc.iso")
        self.assertEqual(ok(self.p.VDI.get_virtual_size(self.s, iso)), "3000")
        # In a halted VM's CD drive, then gone: the drive becomes empty.
        vm = self.template_vm("scan-cd")
        cd = self.vbd(vm, iso, "3", "CD")
        os.unlink(os.path.join(iso_dir, "install disc.iso"))
        ok(self.p.SR.scan(self.s, self.iso_sr))
        self.assertNotIn("install disc.iso", self.vdis_of(self.iso_sr))
        self.assertEqual((ok(self.p.VBD.get_empty(self.s, cd)),
                          ok(self.p.VBD.get_VDI(self.s, cd))), (True, "OpaqueRef:NULL"))

    def test_at_most_so_many_new_a_scan(self):
        d = self.sr_dir(self.sr)
        made = [str(uuid.uuid4()) for _ in range(SR_SCAN_MAX_NEW + 1)]
        for u in made:
            open(os.path.join(d, u + ".raw"), "wb").close()
        ok(self.p.SR.scan(self.s, self.sr))
        found = [u for u in made if u + ".raw" in self.vdis_of(self.sr)]
        self.assertEqual(len(found), SR_SCAN_MAX_NEW)
        ok(self.p.SR.scan(self.s, self.sr))
        found = [u for u in made if u + ".raw" in self.vdis_of(self.sr)]
        self.assertEqual(len(found), SR_SCAN_MAX_NEW + 1)
        for u in made:
            os.unlink(os.path.join(d, u + ".raw"))
        ok(self.p.SR.scan(self.s, self.sr))
        self.assertFalse([u for u in made if u + ".raw" in self.vdis_of(self.sr)])

    def test_bad_sr(self):
        self.assertEqual(self.p.SR.scan(self.s, "OpaqueRef:nope")["ErrorDescription"],
                         ["HANDLE_INVALID", "SR", "OpaqueRef:nope"])


class Pbd(ApiTest):
    def test_plug_and_unplug(self):
        pbd = [r for r, p in ok(self.p.PBD.get_all_records(self.s)).items()
               if p["SR"] == self.sr][0]
        attached = lambda: ok(self.p.PBD.get_currently_attached(self.s, pbd))  # noqa: E731
        self.assertTrue(attached())
        vm, (disk,) = self.vm_with_disks("pbd-user", [MIB], lambda i: b"d")
        ok(self.p.VM.start(self.s, vm, False, False))
        self.assertEqual(self.p.PBD.unplug(self.s, pbd)["ErrorDescription"],
                         ["VDI_IN_USE", disk])
        self.assertTrue(attached())
        ok(self.p.VM.hard_shutdown(self.s, vm))
        try:
            ok(self.p.PBD.unplug(self.s, pbd))
            self.assertFalse(attached())
            ok(self.p.PBD.unplug(self.s, pbd))     # already: nothing to do, as XAPI
            self.assertFalse(attached())
        finally:
            ok(self.p.PBD.plug(self.s, pbd))
        self.assertTrue(attached())
        ok(self.p.PBD.plug(self.s, pbd))
        self.assertTrue(attached())
        self.assertEqual(self.p.PBD.plug(self.s, self.sr)["ErrorDescription"],
                         ["HANDLE_INVALID", "PBD", self.sr])


class TaskProgress(ApiTest):
    def test_set_progress(self):
        task = ok(self.p.task.create(self.s, "xo", "a task of XO's"))
        ok(self.p.task.set_progress(self.s, task, 0.25))
        self.assertEqual(ok(self.p.task.get_progress(self.s, task)), 0.25)
        # XAPI checks no range (Xapi_task.set_progress).
        ok(self.p.task.set_progress(self.s, task, 1.5))
        self.assertEqual(ok(self.p.task.get_progress(self.s, task)), 1.5)
        for bad in ("half", [], {}):
            self.assertEqual(self.p.task.set_progress(self.s, task, bad)["ErrorDescription"],
                             ["FIELD_TYPE_ERROR", "value"])
        self.assertEqual(ok(self.p.task.get_progress(self.s, task)), 1.5)
        self.assertEqual(self.p.task.set_progress(self.s, "OpaqueRef:nope", 0.5)
                         ["ErrorDescription"], ["HANDLE_INVALID", "task", "OpaqueRef:nope"])
        self.assertEqual(self.p.task.set_progress(self.s, task)["ErrorDescription"],
                         ["MESSAGE_PARAMETER_COUNT_MISMATCH", "task.set_progress", "2", "1"])
        ok(self.p.task.destroy(self.s, task))


class WireNames(ApiTest):
    def call(self, name, *args):
        return getattr(self.p, name)(*args)

    def test_underscore_aliases(self):
        self.assertEqual(sorted(ok(self.call("VM_get_all", self.s))),
                         sorted(ok(self.p.VM.get_all(self.s))))
        self.assertIn("token", ok(self.call("event_from", self.s, ["VM"], "", 0.0)))
        host = ok(self.p.host.get_all(self.s))[0]
        self.assertEqual(ok(self.call("host_call_plugin", self.s, host, "hyperthreading.py",
                                      "get_hyperthreading", {})), "false")
        task = ok(self.call("Async.host_get_management_interface", self.s, host))
        self.assertEqual(self.wait_task(task)["status"], "success")
        self.assertEqual(self.call("Async_VM_get_all", self.s)["ErrorDescription"],
                         ["MESSAGE_METHOD_UNKNOWN", "Async_VM_get_all"])

    def test_async_only_where_xapi_has_it(self):
        methods = self.p.system.listMethods()
        self.assertFalse([m for m in methods if m.startswith("Async")])
        for m in ("host.call_plugin", "host.get_management_interface", "SR.scan",
                  "PBD.plug", "PBD.unplug", "task.set_progress"):
            self.assertIn(m, methods)
        vm = ok(self.p.VM.get_all(self.s))[0]
        for name, args, rpc in (
                ("Async.VM.get_name_label", (vm,), "VM.get_name_label"),
                ("Async.VM_get_name_label", (vm,), "VM_get_name_label"),
                ("Async.VM.get_all_records", (), "VM.get_all_records"),
                ("Async.VM.set_name_label", (vm, "x"), "VM.set_name_label"),
                ("Async.task.set_progress", ("OpaqueRef:x", 0.5), "task.set_progress"),
                ("Async.session.logout", (), "session.logout"),
                ("Async.task.create", ("l", "d"), "task.create"),
                ("Async.event.inject", ("VM", vm), "event.inject"),
                ("Async.event.from", (["VM"], "", 0.0), "event.from")):
            self.assertEqual(self.call(name, self.s, *args)["ErrorDescription"],
                             ["Fault", "No async mode for this operation (rpc: %s)" % rpc],
                             name)
        self.assertNotEqual(ok(self.p.VM.get_name_label(self.s, vm)), "x", "not run")
        # ...after the session check, as XAPI's dispatcher.
        self.assertEqual(self.call("Async.VM.get_name_label", "OpaqueRef:bad", vm)
                         ["ErrorDescription"][0], "SESSION_INVALID")
        # XAPI's task.cancel, event.register and event.unregister have one.
        other = ok(self.p.task.create(self.s, "to cancel", ""))
        task = ok(self.p.Async.task.cancel(self.s, other))
        self.assertEqual(self.wait_task(task)["status"], "success")
        self.assertEqual(ok(self.p.task.get_status(self.s, other)), "cancelled")
        for name in ("Async.event.register", "Async.event.unregister"):
            task = ok(self.call(name, self.s, ["VM"]))
            self.assertEqual(self.wait_task(task)["status"], "success", name)
        # The implicit create and destroy have an Async form.
        vdi = self.vdi()
        task = ok(self.p.Async.VDI.destroy(self.s, vdi))
        self.assertEqual(self.wait_task(task)["status"], "success")


LSBLK_SCRIPT = """#!/bin/sh
# A stand-in for lsblk: logs its arguments; ./lsblk-out is what it prints, ./lsblk-fail
# makes it fail, ./lsblk-hang makes it wait until that file is gone.
dir=$(dirname "$0")
echo "$@" >> "$dir/lsblk-args"
while [ -e "$dir/lsblk-hang" ]; do sleep 0.05; done
if [ -e "$dir/lsblk-fail" ]; then echo "lsblk: cannot" >&2; exit 3; fi
cat "$dir/lsblk-out"
"""

XEN_LSBLK = (
    'NAME="sda" KNAME="sda" PKNAME="" SIZE="64424509440" TYPE="disk" RO="0" MOUNTPOINT=""\n'
    'NAME="sda1" KNAME="sda1" PKNAME="sda" SIZE="8589934592" TYPE="part" RO="0" '
    'MOUNTPOINT="/"\n'
    'NAME="sr0" KNAME="sr0" PKNAME="" SIZE="1073741312" TYPE="rom" RO="1" MOUNTPOINT=""\n')


class XenPlugins(FakeXlTest):
    """The xen backend: the plugins run lsblk and xl info, as XCP-ng's do."""

    def setUp(self):
        self.host = ok(self.p.host.get_all(self.s))[0]
        self.put("lsblk", LSBLK_SCRIPT)
        os.chmod(os.path.join(self.bindir, "lsblk"), 0o755)
        self.put("lsblk-out", XEN_LSBLK)
        for f in ("lsblk-fail", "lsblk-hang", "threads-per-core", "lsblk-args"):
            if os.path.exists(os.path.join(self.bindir, f)):
                os.unlink(os.path.join(self.bindir, f))

    def put(self, name, text):
        with open(os.path.join(self.bindir, name), "w") as f:
            f.write(text)

    def plugin(self, plugin, fn):
        return self.p.host.call_plugin(self.s, self.host, plugin, fn, {})

    def test_lsblk(self):
        answer = ok(self.plugin("lsblk.py", "list_block_devices"))
        with open(os.path.join(self.bindir, "lsblk-args")) as f:
            self.assertEqual(f.read(), "-P -b -o NAME,KNAME,PKNAME,SIZE,TYPE,RO,MOUNTPOINT\n")
        self.assertEqual(json.loads(answer), {"blockdevices": [
            {"name": "sda", "kname": "sda", "pkname": "", "size": "64424509440",
             "type": "disk", "ro": "0", "mountpoint": "", "children": [
                 {"name": "sda1", "kname": "sda1", "pkname": "sda", "size": "8589934592",
                  "type": "part", "ro": "0", "mountpoint": "/"}]},
            {"name": "sr0", "kname": "sr0", "pkname": "", "size": "1073741312",
             "type": "rom", "ro": "1", "mountpoint": ""}]})
        self.assertEqual(json.dumps(json.loads(answer)), answer)

    def test_lsblk_fails(self):
        self.put("lsblk-fail", "")
        self.assertEqual(self.plugin("lsblk.py", "list_block_devices")["ErrorDescription"], [
            "3", "Command '['lsblk', '-P', '-b', '-o', "
            "'NAME,KNAME,PKNAME,SIZE,TYPE,RO,MOUNTPOINT']' failed with code: 3",
            "stdout: 'lsblk: cannot?', stderr: ''", ""])
        os.unlink(os.path.join(self.bindir, "lsblk-fail"))
        self.put("lsblk-out", 'NAME="sda1" KNAME="sda1" PKNAME="sda"\n')
        self.assertEqual(self.plugin("lsblk.py", "list_block_devices")["ErrorDescription"], [
            "-1", "lsblk output line 1: its PKNAME is no earlier line's KNAME", "", ""])

    def test_lsblk_output_past_the_jobs_cap(self):
        line = 'NAME="sda" KNAME="sda" PKNAME="" SIZE="1" TYPE="disk" RO="0" MOUNTPOINT=""\n'
        self.put("lsblk-out", line * (JOB_OUTPUT_MAX // len(line) + 1))
        self.assertEqual(self.plugin("lsblk.py", "list_block_devices")["ErrorDescription"],
                         ["-1", "lsblk output: more than %d bytes" % JOB_OUTPUT_MAX, "", ""])
        self.put("lsblk-out", line * (JOB_OUTPUT_MAX // len(line) - 1))
        self.assertEqual(len(json.loads(ok(self.plugin("lsblk.py", "list_block_devices")))
                             ["blockdevices"]), JOB_OUTPUT_MAX // len(line) - 1)

    def test_lsblk_does_not_block_the_loop(self):
        self.put("lsblk-hang", "")
        task = ok(self.p.Async.host.call_plugin(self.s, self.host, "lsblk.py",
                                                 "list_block_devices", {}))
        deadline = time.monotonic() + 30
        while not os.path.exists(os.path.join(self.bindir, "lsblk-args")):
            self.assertLess(time.monotonic(), deadline, "lsblk did not start")
            time.sleep(0.05)
        # While it runs, other calls are answered.
        self.assertTrue(ok(self.p.VM.get_all(self.s)))
        self.assertEqual(ok(self.p.task.get_status(self.s, task)), "pending")
        os.unlink(os.path.join(self.bindir, "lsblk-hang"))
        rec = self.wait_task(task)
        self.assertEqual(rec["status"], "success", rec)
        value = xmlrpc.client.loads(
            "<methodResponse><params><param>%s</param></params></methodResponse>"
            % rec["result"])[0][0]
        self.assertEqual(json.loads(value)["blockdevices"][0]["kname"], "sda")

    def test_hyperthreading(self):
        self.assertEqual(self.plugin("hyperthreading.py", "get_hyperthreading")
                         ["ErrorDescription"],
                         ["-1", "xl info: no threads_per_core line", "", ""])
        self.put("threads-per-core", "2")
        self.assertEqual(ok(self.plugin("hyperthreading.py", "get_hyperthreading")), "true")
        self.put("threads-per-core", "1")
        self.assertEqual(ok(self.plugin("hyperthreading.py", "get_hyperthreading")), "false")
