"""API test: xapi-lite --backend sim's transfers driven by Xen Orchestra's own XenAPI
client, the npm package `xen-api` (tests/api/xo/transfers.mjs), called as
@xen-orchestra/xapi calls it: VM_export (GET /export/, uncompressed, zstd and gzip),
VM_import (PUT /import/ of a stream of unknown length: xen-api's probe with an empty body,
then a Content-Length of 1 PiB and the connection cut once sent; and of a known length),
VDI_exportContent and VDI_importContent as VHD (/export_raw_vdi/ and /import_raw_vdi/ with
format=vhd, base= for a delta). Here: the VM's disks come back byte for byte, the VHDs
read as the disk with qemu-img, the probe alone makes nothing, nothing is left pending.

Needs Node.js >= 18 and npm as test_xo.py does (its prepare() installs xen-api), and
qemu-img, zstd and gzip.

Run from the repo root:
    XAPI_LITE=out/bin/xapi-lite PYTHONPATH=tests/api python3 -m unittest -v test_xo_transfers
"""
import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time
import unittest

import test_snapshots
from test_snapshots import NULL
from test_xo import XO_DIR, require_client, run_node
from xapi_server import MIB, ok

SCRIPT = os.path.join(XO_DIR, "transfers.mjs")
NODE_TIMEOUT = 600      # seconds; the script gives each step 120 s
PROBE_TIMEOUT = 30      # seconds for the answer to a probe, and for its task to end
PIB = 1125899906842624  # xen-api's Content-Length for a stream of unknown length
VHD_BLOCK = 2 * MIB


class XoTransfers(test_snapshots.Base):
    """Base: write() into a VDI's file, vbd(), disks_of(), the template and a network."""
    originator = "xo-transfers"

    def setUp(self):
        require_client(self)
        for tool in ("qemu-img", "zstd", "gzip"):
            self.assertIsNotNone(shutil.which(tool), "%s not found on PATH" % tool)
        self.work = tempfile.mkdtemp(prefix="xo-transfers-")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------
    def content(self, vdi):
        with open(self.path(vdi), "rb") as f:
            return f.read()

    def counts(self):
        return (len(ok(self.p.VM.get_all(self.s))), len(ok(self.p.VDI.get_all(self.s))))

    def pending_tasks(self):
        return [t for t in ok(self.p.task.get_all(self.s))
                if ok(self.p.task.get_status(self.s, t)) == "pending"]

    def wait_tasks(self, want, what):
        """Waits until the tasks are want (XAPI destroys the task it made for a request
        without task_id once the request is done)."""
        deadline = time.monotonic() + PROBE_TIMEOUT
        while True:
            now = set(ok(self.p.task.get_all(self.s)))
            if now == want:
                return
            if time.monotonic() > deadline:
                self.fail("%s: after %d s, tasks %r" % (what, PROBE_TIMEOUT, [
                    ok(self.p.task.get_record(self.s, t)) for t in now - want]))
            time.sleep(0.1)

    def wait_no_pending_task(self, what):
        deadline = time.monotonic() + PROBE_TIMEOUT
        while True:
            pending = self.pending_tasks()
            if not pending:
                return
            if time.monotonic() > deadline:
                self.fail("%s: tasks still pending after %d s: %r" % (
                    what, PROBE_TIMEOUT,
                    [ok(self.p.task.get_record(self.s, t)) for t in pending]))
            time.sleep(0.1)

    def probe(self, target, length):
        """What xen-api's putResource sends first for a stream: a PUT of target without
        task_id, announcing length, with no body; it reads the answer's head and closes.
        Returns the status line."""
        c = socket.create_connection(("127.0.0.1", self.server.port), PROBE_TIMEOUT)
        try:
            c.settimeout(PROBE_TIMEOUT)
            c.sendall(("PUT %s HTTP/1.1\r\ncontent-length: %d\r\nHost: 127.0.0.1:%d\r\n"
                       "Connection: keep-alive\r\n\r\n"
                       % (target, length, self.server.port)).encode())
            head = b""
            while b"\r\n" not in head:
                try:
                    chunk = c.recv(4096)
                except socket.timeout:
                    self.fail("PUT %s (Content-Length %d, no body): no answer in %d s: XAPI "
                              "answers 200 before it reads the body, and xen-api waits for "
                              "that answer before it sends anything" % (
                                  target.split("?")[0], length, PROBE_TIMEOUT))
                if not chunk:
                    break
                head += chunk
            return head.split(b"\r\n")[0].decode(errors="replace")
        finally:
            c.close()

    def make_vm(self):
        """A halted VM with a VIF, an empty CD drive and three disks: 32 MiB with data in
        five of its 2 MiB blocks, 4 MiB with 64 KiB of data, 2 MiB of zeros."""
        vm = ok(self.p.VM.clone(self.s, self.tpl, "xo transfers"))
        ok(self.p.VM.set_is_a_template(self.s, vm, False))
        disks = [self.vdi(32 * MIB, name="system"), self.vdi(4 * MIB, name="data"),
                 self.vdi(2 * MIB, name="empty")]
        for i, d in enumerate(disks):
            self.vbd(vm, d, str(i))
        self.vbd(vm, NULL, "3", "CD", True)
        ok(self.p.VIF.create(self.s, {
            "device": "0", "network": self.net, "VM": vm, "MAC": "", "MTU": "1500",
            "other_config": {}, "qos_algorithm_type": "", "qos_algorithm_params": {}}))
        self.write(disks[0], 0, b"disk0 boot sector")
        self.write(disks[0], 3 * MIB, os.urandom(MIB))
        self.write(disks[0], 9 * MIB + 7, os.urandom(100))
        self.write(disks[0], 12 * MIB, os.urandom(MIB))
        self.write(disks[0], 32 * MIB - 4096, os.urandom(4096))
        self.write(disks[1], MIB, os.urandom(64 * 1024))
        return vm, disks

    def run_client(self, spec):
        path = os.path.join(self.work, "spec.json")
        with open(path, "w") as f:
            json.dump(spec, f)
        out = run_node(self, self.server, [SCRIPT, self.server.url, "root", path],
                       NODE_TIMEOUT, 25)
        self.assertIn("PASS xen-api transfers", out)
        print("\n" + out)
        line = [l for l in out.splitlines() if l.startswith("RESULT ")][-1]
        return json.loads(line[len("RESULT "):])

    def members(self, data, what):
        """The names in a tar archive held in data."""
        try:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r|") as tar:
                names = [m.name for m in tar]
        except tarfile.TarError as e:
            self.fail("%s is not a tar archive: %s" % (what, e))
        return names

    def vhd_as_raw(self, vhd):
        """The disk a VHD file holds, read by qemu-img (its size from the footer's
        current size, as XAPI's vhd-tool writes it)."""
        raw = vhd + ".raw"
        r = subprocess.run(["qemu-img", "convert", "-O", "raw", "--image-opts",
                            "driver=vpc,force_size_calc=current_size,file.filename=" + vhd,
                            raw], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, "qemu-img reads %s: %s" % (vhd, r.stderr))
        with open(raw, "rb") as f:
            return f.read()

    # --- the tests ---------------------------------------------------------------------
    def test_a_probe_alone_makes_nothing(self):
        """xen-api's probe (an empty body announcing 1 PiB, or 0 for a known length) gets
        XAPI's 200 at once; the connection closed then, no VM or VDI is made and no task
        is left (XAPI destroys the task it made for it); a VHD import's probe leaves the disk as it was."""
        vdi = self.vdi(4 * MIB, name="probed")
        mark = os.urandom(MIB)
        self.write(vdi, MIB, mark)
        before = self.counts()
        tasks = set(ok(self.p.task.get_all(self.s)))
        probes = [("/import/?session_id=%s&sr_id=%s" % (self.s, self.sr), PIB),
                  ("/import/?session_id=%s&sr_id=%s" % (self.s, self.sr), 0),
                  ("/import_raw_vdi/?session_id=%s&format=vhd&vdi=%s" % (self.s, vdi), 0)]
        for target, length in probes:
            what = "the probe of PUT %s with Content-Length %d" % (target.split("?")[0], length)
            self.assertRegex(self.probe(target, length), r"^HTTP/1\.[01] 200 ", what)
            self.wait_no_pending_task(what)
            self.assertEqual(self.counts(), before, "(VMs, VDIs) after " + what)
            data = self.content(vdi)
            self.assertTrue(len(data) == 4 * MIB and data[MIB:2 * MIB] == mark and
                            data[:MIB] == bytes(MIB) and data[2 * MIB:] == bytes(2 * MIB),
                            "the VDI is as it was after " + what)
        self.wait_tasks(tasks, "after the probes")

    def test_xen_api_moves_a_vm_and_a_disk_as_xo_does(self):
        vm, disks = self.make_vm()
        # A snapshot of the system disk, then two of its 2 MiB blocks change: the delta.
        base = ok(self.p.VDI.snapshot(self.s, disks[0], {}))
        self.write(disks[0], VHD_BLOCK + 12345, os.urandom(5000))
        self.write(disks[0], 12 * MIB + 4096, os.urandom(64 * 1024))
        originals = [self.content(d) for d in disks]
        sizes = [ok(self.p.VDI.get_virtual_size(self.s, d)) for d in disks]
        vm_record = ok(self.p.VM.get_record(self.s, vm))
        before = self.counts()
        tasks_before = set(ok(self.p.task.get_all(self.s)))

        got = self.run_client({"vm": vm, "sr": self.sr, "vdi": disks[0], "base": base,
                               "workdir": self.work})

        # The three exports: XVA archives, compressed as asked.
        def read(name):
            with open(os.path.join(self.work, name), "rb") as f:
                return f.read()
        xva = read("vm.xva")
        names = self.members(xva, "the uncompressed export")
        self.assertEqual(names[0], "ova.xml", names[:5])
        self.assertTrue(any(n.startswith("Ref:") for n in names), names[:10])
        for name, magic, tool in (("vm.xva.zst", b"\x28\xb5\x2f\xfd", "zstd"),
                                  ("vm.xva.gz", b"\x1f\x8b", "gzip")):
            data = read(name)
            self.assertEqual(data[:len(magic)], magic, "%s starts with %s's magic" % (name, tool))
            plain = subprocess.run([tool, "-dc"], input=data, capture_output=True,
                                   check=True).stdout
            self.assertEqual(self.members(plain, name), names,
                             "%s holds the same files as the uncompressed export" % name)
        for name, e in got["exports"].items():
            self.assertEqual(e["contentType"], "application/octet-stream", name)

        # The three imports: each a new VM, halted, with the VIF, the CD drive and the
        # disks, byte for byte.
        imported = got["imports"]
        self.assertEqual(len(set(imported.values())), 3, imported)
        for name, new in imported.items():
            self.assertNotEqual(new, vm)
            r = ok(self.p.VM.get_record(self.s, new))
            self.assertEqual((r["name_label"], r["power_state"], r["is_a_template"],
                              r["is_a_snapshot"]),
                             (vm_record["name_label"], "Halted", False, False), name)
            self.assertEqual((r["memory_static_max"], r["VCPUs_max"], r["PV_kernel"]),
                             (vm_record["memory_static_max"], vm_record["VCPUs_max"],
                              vm_record["PV_kernel"]), name)
            self.assertEqual(len(r["VIFs"]), 1, "%s: the VIF" % name)
            cds = [b for b in r["VBDs"] if ok(self.p.VBD.get_type(self.s, b)) == "CD"]
            self.assertEqual(len(cds), 1, "%s: the CD drive" % name)
            new_disks = self.disks_of(new)
            self.assertEqual(sorted(new_disks), ["0", "1", "2"], name)
            for i in range(3):
                d = new_disks[str(i)]
                self.assertNotIn(d, disks, "%s: a new VDI" % name)
                self.assertEqual(ok(self.p.VDI.get_SR(self.s, d)), self.sr)
                self.assertEqual(ok(self.p.VDI.get_virtual_size(self.s, d)), sizes[i])
                self.assertTrue(self.content(d) == originals[i],
                                "%s: disk %d holds the exported bytes" % (name, i))

        # The VHDs: qemu-img reads the whole one as the disk, the snapshot's as the
        # snapshot; the delta holds the changed blocks only. Imported, each gives the disk.
        full = os.path.join(self.work, "disk.vhd")
        self.assertTrue(self.vhd_as_raw(full) == originals[0], "qemu-img reads disk.vhd as the disk")
        self.assertTrue(self.vhd_as_raw(os.path.join(self.work, "base.vhd")) ==
                        self.content(base), "qemu-img reads base.vhd as the snapshot")
        self.assertLess(got["vhd"]["full"], 6 * (VHD_BLOCK + 4096) + 64 * 1024,
                        "the whole VHD: five blocks hold data (of sixteen)")
        self.assertLess(got["vhd"]["delta"], 3 * (VHD_BLOCK + 4096),
                        "the delta VHD: two blocks changed since the snapshot")
        self.assertTrue(self.content(got["vhd"]["imported"]) == originals[0],
                        "the VDI the whole VHD was imported into holds the disk")
        self.assertTrue(self.content(got["vhd"]["chained"]) == originals[0],
                        "the snapshot's VHD, then the delta, imported: the disk")
        print("VHD: whole %d bytes, delta %d bytes (32 MiB disk)"
              % (got["vhd"]["full"], got["vhd"]["delta"]))

        # Exactly what the imports made, and no task left pending.
        self.assertEqual(self.counts(), (before[0] + 3, before[1] + 3 * 3 + 2))
        self.wait_no_pending_task("after the transfers")
        left = [ok(self.p.task.get_record(self.s, t)) for t in ok(self.p.task.get_all(self.s))
                if t not in tasks_before]
        self.assertEqual([t for t in left if t["status"] == "failure"], [],
                         "no transfer's task failed")


if __name__ == "__main__":
    unittest.main(verbosity=2)
