"""PUT /import: VMs from XVA archives as XAPI takes them (plain, gzip, zstd; a real length
or Xen Orchestra's 1 PiB with the sender closing its side), their disks byte for byte and
their records as XAPI's import makes them; broken archives refused with XAPI's errors and
nothing left behind: no new records, no files in the SR's directory."""
import hashlib
import io
import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
import unittest
import xmlrpc.client

from xapi_server import BIN, MIB, PASSWORD, ApiTest, Server, ok
import xva_build
from xva_build import CHUNK, Disk, Xva

GIB = 1024 * MIB
PIB = 1 << 50


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(4 * MIB)
            if not b:
                return h.hexdigest()
            h.update(b)


def read_to_close(c):
    """What the server sent until it closed the connection. An import that fails leaves
    the rest of the body unread, and the close then comes as a reset: what came before
    it (the reply's head) counts."""
    parts = []
    try:
        for part in iter(lambda: c.recv(1 << 16), b""):
            parts.append(part)
    except ConnectionResetError:
        pass
    return b"".join(parts)


class ImportTest(ApiTest):

    def restart(self):
        """Stops the server and starts it again on the same state."""
        cls = type(self)
        self.assertEqual(cls.server.stop(), 0, cls.server.log_text())
        cls.server = Server(workdir=cls.server.dir)
        cls.p = xmlrpc.client.ServerProxy(cls.server.url)
        cls.s = ok(cls.p.session.login_with_password("root", PASSWORD, "1.0", "api-test"))

    def sr_dir(self, sr=None):
        sr = sr or self.sr
        pbd = [ok(self.p.PBD.get_record(self.s, b)) for b in ok(self.p.PBD.get_all(self.s))
               if ok(self.p.PBD.get_SR(self.s, b)) == sr][0]
        return pbd["device_config"]["location"]

    def put(self, body, query="", length=None, shutdown=False, task=True, path="/import/"):
        """PUTs body to path; returns (the task's record, the response). length: the
        Content-Length sent (None: the body's); shutdown: the sender closes its side once
        the body is sent, then reads the answer."""
        t = ok(self.p.task.create(self.s, "import", "test")) if task else None
        target = "%s?session_id=%s%s%s" % (path, self.s, "&task_id=" + t if t else "", query)
        with socket.create_connection(("127.0.0.1", self.server.port), 60) as c:
            c.sendall(("PUT %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (
                target, len(body) if length is None else length)).encode())
            try:
                c.sendall(body)
                if shutdown:
                    c.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                pass
            answer = read_to_close(c)
        rec = self.wait_task(t, 120) if t else None
        if rec is not None:
            rec["ref"] = t
        return rec, answer

    def snapshot_state(self):
        return (set(ok(self.p.VM.get_all(self.s))), set(ok(self.p.VDI.get_all(self.s))),
                set(ok(self.p.VBD.get_all(self.s))), set(ok(self.p.VIF.get_all(self.s))),
                set(ok(self.p.network.get_all(self.s))), sorted(os.listdir(self.sr_dir())))

    def refused(self, body, code, words=None, **kw):
        """body is refused with XAPI's error code (and words in its parameters), and
        nothing is left: no records, no files."""
        before = self.snapshot_state()
        task, answer = self.put(body, **kw)
        # The head came before the body was read (as XAPI's); a reset for the body left
        # unread may still beat it to the client.
        self.assertTrue(answer == b"" or answer.startswith(b"HTTP/1.1 200 OK\r\n"),
                        answer[:200])
        self.assertEqual(task["status"], "failure", task)
        self.assertEqual(task["error_info"][0], code, task["error_info"])
        if words is not None:
            self.assertIn(words, " ".join(task["error_info"][1:]), task["error_info"])
        self.assertEqual(self.snapshot_state(), before, "something was left behind")
        return task

    def imported(self, task):
        self.assertEqual(task["status"], "success", task["error_info"])
        self.assertTrue(task["result"].startswith("<value><array><data><value>OpaqueRef:"),
                        task["result"])
        refs = task["result"].replace("<value><array><data>", "").replace(
            "</data></array></value>", "").replace("<value>", "").split("</value>")
        return [r for r in refs if r]

    def no_workdir(self):
        self.assertEqual([f for f in os.listdir(self.sr_dir()) if f.startswith(".")], [])

    def vm_disks(self, vm):
        """userdevice -> (VBD record, VDI record) of vm's drives."""
        out = {}
        for vbd in ok(self.p.VM.get_VBDs(self.s, vm)):
            r = ok(self.p.VBD.get_record(self.s, vbd))
            vdi = r["VDI"]
            out[r["userdevice"]] = (r, ok(self.p.VDI.get_record(self.s, vdi))
                                    if vdi != "OpaqueRef:NULL" else None, vdi)
        return out

    def two_disk_vm(self, name="imported"):
        x = Xva()
        vm = x.vm(name)
        # A sparse 4 GiB disk with data here and there, and a small one full of it.
        big = Disk(4 * GIB, {0: os.urandom(CHUNK), 7: b"\x01" * CHUNK,
                             1500: os.urandom(CHUNK), 3000: os.urandom(CHUNK // 2) * 2,
                             4095: os.urandom(CHUNK)})
        small = Disk(8 * MIB, {n: os.urandom(CHUNK) for n in range(8)})
        x.disk(vm, big, "0", bootable=True, name="system")
        x.disk(vm, small, "1", mode="RO", name="data")
        x.cd(vm, "3")
        net = x.network("Pool-wide network associated with eth0", "xenbr0")
        x.vif(vm, net, "0")
        return x, big, small

    def check_two_disk_vm(self, vm, big, small, name="imported"):
        rec = ok(self.p.VM.get_record(self.s, vm))
        self.assertEqual(rec["name_label"], name)
        self.assertEqual(rec["power_state"], "Halted")
        self.assertFalse(rec["is_a_template"])
        self.assertFalse(rec["is_a_snapshot"])
        self.assertEqual(rec["VCPUs_max"], "2")
        self.assertEqual(rec["memory_static_max"], str(256 * MIB))
        self.assertEqual(rec["domain_type"], "hvm")
        self.assertEqual(rec["version"], "0")
        self.assertNotEqual(rec["metrics"], "OpaqueRef:NULL")
        self.assertIn("mac_seed", rec["other_config"])
        disks = self.vm_disks(vm)
        self.assertEqual(sorted(disks), ["0", "1", "3"])
        vbd, vdi, ref = disks["0"]
        self.assertEqual((vbd["type"], vbd["mode"], vbd["bootable"], vbd["device"],
                          vbd["empty"]), ("Disk", "RW", True, "", False))
        self.assertEqual((vdi["name_label"], vdi["virtual_size"], vdi["SR"]),
                         ("system", str(4 * GIB), self.sr))
        self.assertEqual(vdi["other_config"], {"k": "v"})
        self.assertEqual(file_sha256(self.path(ref)), big.image_sha256(), "every byte")
        self.assertLess(os.stat(self.path(ref)).st_blocks * 512, 64 * MIB, "still sparse")
        vbd, vdi, ref = disks["1"]
        self.assertEqual((vbd["mode"], vbd["bootable"], vdi["virtual_size"], vdi["read_only"]),
                         ("RO", False, str(8 * MIB), True))
        self.assertEqual(file_sha256(self.path(ref)), small.image_sha256())
        vbd, vdi, ref = disks["3"]
        self.assertEqual((vbd["type"], vbd["empty"], ref), ("CD", True, "OpaqueRef:NULL"),
                         "the ISO is not here: the drive is ejected")
        vifs = ok(self.p.VM.get_VIFs(self.s, vm))
        self.assertEqual(len(vifs), 1)
        vif = ok(self.p.VIF.get_record(self.s, vifs[0]))
        net = ok(self.p.network.get_by_name_label(
            self.s, "Pool-wide network associated with eth0"))
        self.assertEqual([vif["network"]], net, "the network of the same name")
        self.assertNotEqual(vif["MAC"], "aa:bb:cc:00:11:22", "a new MAC, as XAPI")
        self.assertTrue(vif["MAC_autogenerated"])
        self.assertEqual(vif["device"], "0")

    def test_import_two_disks_every_byte(self):
        x, big, small = self.two_disk_vm()
        body = x.tar()
        task, answer = self.put(body, "&sr_id=%s" % self.sr)
        self.assertTrue(answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer[:200])
        self.assertIn(b"task-id: ", answer)
        vms = self.imported(task)
        self.assertEqual(len(vms), 1)
        self.check_two_disk_vm(vms[0], big, small)
        self.no_workdir()
        self.assertEqual(ok(self.p.VM.get_other_config(self.s, vms[0]))["import_task"],
                         task["ref"])
        # The SR's figures follow: the new disks' sizes are allocated.
        self.assertGreaterEqual(int(ok(self.p.SR.get_virtual_allocation(self.s, self.sr))),
                                4 * GIB + 8 * MIB)

    def test_import_gzip_and_zstd(self):
        for name, pack in (("gzip", xva_build.gzipped), ("zstd", xva_build.zstded)):
            with self.subTest(name):
                x = Xva()
                vm = x.vm("packed " + name)
                d = Disk(3 * MIB + 512, {0: os.urandom(CHUNK), 3: os.urandom(512)})
                x.disk(vm, d, "0")
                body = pack(x.tar())
                self.assertEqual(body[:2] == b"\x1f\x8b", name == "gzip")
                vms = self.imported(self.put(body)[0])
                self.assertEqual(ok(self.p.VM.get_name_label(self.s, vms[0])), "packed " + name)
                vdi = self.vm_disks(vms[0])["0"][2]
                self.assertEqual(file_sha256(self.path(vdi)), d.image_sha256())
                self.no_workdir()

    def test_xo_sends_a_pib_and_closes_its_side(self):
        for name, pack in (("plain", bytes), ("gzip", xva_build.gzipped)):
            with self.subTest(name):
                x = Xva()
                vm = x.vm("pib " + name)
                d = Disk(2 * MIB, {1: os.urandom(CHUNK)})
                x.disk(vm, d, "0")
                task, answer = self.put(pack(x.tar()), length=PIB, shutdown=True,
                                        path="/import")
                self.assertTrue(answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer[:200])
                vms = self.imported(task)
                vdi = self.vm_disks(vms[0])["0"][2]
                self.assertEqual(file_sha256(self.path(vdi)), d.image_sha256())

    def test_a_pib_length_and_the_sender_waiting_for_the_answer(self):
        # The archive's end is where reading stops: the answer comes without the sender
        # closing anything.
        x = Xva()
        x.disk(x.vm("waits"), Disk(MIB, {0: b"w" * CHUNK}), "0")
        body = x.tar()
        t = ok(self.p.task.create(self.s, "import", "waits"))
        with socket.create_connection(("127.0.0.1", self.server.port), 60) as c:
            c.sendall(("PUT /import/?session_id=%s&task_id=%s HTTP/1.1\r\nContent-Length: %d"
                       "\r\n\r\n" % (self.s, t, PIB)).encode() + body)
            self.imported(self.wait_task(t, 60))
            c.settimeout(30)
            answer = c.makefile("rb").read()
        self.assertTrue(answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer[:200])

    def test_pax_headers(self):
        # A tar that writes pax headers (here a pax global header first, and one per
        # member for the long names Python gives non-ASCII ones) is read as ocaml-tar does.
        x = Xva()
        vm = x.vm("pax")
        d = Disk(MIB, {0: os.urandom(CHUNK)})
        x.disk(vm, d, "0")
        f = io.BytesIO()
        with tarfile.open(fileobj=f, mode="w", format=tarfile.PAX_FORMAT,
                          pax_headers={"comment": "global"}) as t:
            for name, data in x.members():
                ti = tarfile.TarInfo(name)
                ti.size, ti.pax_headers = len(data), {"comment": "caf\u00e9"}
                t.addfile(ti, io.BytesIO(data))
        vms = self.imported(self.put(f.getvalue())[0])
        self.assertEqual(file_sha256(self.path(self.vm_disks(vms[0])["0"][2])),
                         d.image_sha256())

    def test_sha1_checksums_the_default_sr_and_gnu_headers(self):
        x = Xva()
        vm = x.vm("sha1")
        d = Disk(2 * MIB, {0: os.urandom(CHUNK), 1: os.urandom(CHUNK)})
        x.disk(vm, d, "0")
        # No sr_id: the pool's default SR.
        vms = self.imported(self.put(x.tar(checksum="sha1", fmt=tarfile.GNU_FORMAT))[0])
        vdi = self.vm_disks(vms[0])["0"]
        self.assertEqual(vdi[1]["SR"], ok(self.p.pool.get_default_SR(
            self.s, ok(self.p.pool.get_all(self.s))[0])))
        self.assertEqual(file_sha256(self.path(vdi[2])), d.image_sha256())

    def test_keepalive_chunks_shift_the_rest(self):
        # XAPI's export sends an empty chunk to keep the connection alive and numbers the
        # next one on: the data that follows lands where the previous chunk ended.
        x = Xva()
        vm = x.vm("keepalive")
        a, b, c = os.urandom(CHUNK), os.urandom(CHUNK), os.urandom(CHUNK)
        x.disk(vm, Disk(4 * MIB, {}), "0")
        ref = sorted(x.disks)[0]
        members = [("ova.xml", x.ova_xml())]
        for n, data in ((0, a), (2, b""), (3, b), (4, c)):
            name = "%s/%08d" % (ref, n)
            members += [(name, data), (name + ".xxhash", xva_build.xxh64(data).encode())]
        vms = self.imported(self.put(x.tar(members=members))[0])
        with open(self.path(self.vm_disks(vms[0])["0"][2]), "rb") as f:
            self.assertEqual(f.read(), a + bytes(CHUNK) + b + c)

    def test_snapshots_come_with_their_vm(self):
        x = Xva()
        vm = x.vm("with snapshots")
        snap = x.vm("its snapshot", is_a_snapshot=True, snapshot_of=vm, is_a_template=True,
                    snapshot_time="20260101T00:00:00Z")
        x.snap(vm)["parent"] = snap
        x.disk(vm, Disk(MIB, {0: b"v" * CHUNK}), "0")
        x.disk(snap, Disk(MIB, {0: b"s" * CHUNK}), "0")
        vms = self.imported(self.put(x.tar())[0])
        self.assertEqual(len(vms), 1, "the VM only, as XAPI returns")
        snaps = ok(self.p.VM.get_snapshots(self.s, vms[0]))
        self.assertEqual(len(snaps), 1)
        rec = ok(self.p.VM.get_record(self.s, snaps[0]))
        self.assertEqual((rec["name_label"], rec["is_a_snapshot"], rec["snapshot_of"]),
                         ("its snapshot", True, vms[0]))
        self.assertEqual(ok(self.p.VM.get_parent(self.s, vms[0])), snaps[0])
        with open(self.path(self.vm_disks(snaps[0])["0"][2]), "rb") as f:
            self.assertEqual(f.read(), b"s" * CHUNK)
        # Only snapshots: they are the result.
        y = Xva()
        s2 = y.vm("lone snapshot", is_a_snapshot=True, is_a_template=True)
        y.disk(s2, Disk(MIB, {}), "0")
        only = self.imported(self.put(y.tar())[0])
        self.assertEqual(ok(self.p.VM.get_name_label(self.s, only[0])), "lone snapshot")

    def test_restore_keeps_the_uuids_and_macs(self):
        x = Xva()
        vm = x.vm("restored")
        x.disk(vm, Disk(MIB, {}), "0")
        net = x.network("a network of its own", "xapi9")
        vif = x.vif(vm, net, "1")
        vms = self.imported(self.put(x.tar(), "&restore=true")[0])
        rec = ok(self.p.VM.get_record(self.s, vms[0]))
        self.assertEqual(rec["uuid"], x.snap(vm)["uuid"])
        self.assertEqual(rec["version"], "4", "the version counts restores")
        self.assertEqual(rec["other_config"]["mac_seed"], x.snap(vm)["other_config"]["mac_seed"])
        v = ok(self.p.VIF.get_record(self.s, rec["VIFs"][0]))
        self.assertEqual((v["uuid"], v["MAC"]), (x.snap(vif)["uuid"], "aa:bb:cc:00:11:22"))
        # A network of a name and bridge not here is made, marked with the import's task.
        n = ok(self.p.network.get_record(self.s, v["network"]))
        self.assertEqual((n["name_label"], n["bridge"]), ("a network of its own", "xapi9"))
        self.assertIn("import_task", n["other_config"])
        # Again: the same version is not newer.
        task = self.refused(x.tar(), "VM_TO_IMPORT_IS_NOT_NEWER_VERSION", query="&restore=true")
        self.assertEqual(task["error_info"][1:], [vms[0], "4", "3"])
        # A newer one replaces it (the same ref: xapi-lite's refs are made of the uuids);
        # the replaced VM's disk stays, as XAPI's.
        old_vdi = ok(self.p.VBD.get_VDI(self.s, rec["VBDs"][0]))
        x.snap(vm)["version"] = 10
        again = self.imported(self.put(x.tar(), "&restore=true")[0])
        self.assertEqual(again, vms)
        self.assertEqual(ok(self.p.VM.get_version(self.s, vms[0])), "11")
        self.assertEqual(ok(self.p.VM.get_VIFs(self.s, vms[0])), rec["VIFs"])
        self.assertEqual(len(ok(self.p.VM.get_VBDs(self.s, vms[0]))), 1)
        self.assertNotEqual(ok(self.p.VBD.get_VDI(self.s, ok(self.p.VM.get_VBDs(
            self.s, vms[0]))[0])), old_vdi)
        self.assertEqual(ok(self.p.VDI.get_virtual_size(self.s, old_vdi)), str(MIB))
        # ...and it is all there after a restart (the journal's replay).
        self.restart()
        self.assertEqual(ok(self.p.VM.get_version(self.s, vms[0])), "11")
        self.assertEqual(ok(self.p.VM.get_VIFs(self.s, vms[0])), rec["VIFs"])
        self.assertEqual(len(ok(self.p.VM.get_VBDs(self.s, vms[0]))), 1)

    def test_a_suspended_vm_keeps_its_image(self):
        x = Xva()
        image = Disk(2 * MIB, {0: (b"memory" * 1000).ljust(CHUNK, b"\0")})
        vm = x.vm("suspended", power_state="Suspended")
        x.disk(vm, Disk(MIB, {0: b"d" * CHUNK}), "0")
        ref = x.add("VDI", {"uuid": "f" * 8 + "-0000-4000-8000-" + "0" * 12,
                            "name_label": "image", "SR": x.sr, "virtual_size": image.size,
                            "type": "suspend"})
        x.disks[ref] = image
        x.snap(vm)["suspend_VDI"] = ref
        vms = self.imported(self.put(x.tar())[0])
        rec = ok(self.p.VM.get_record(self.s, vms[0]))
        self.assertEqual(rec["power_state"], "Suspended")
        self.assertEqual(ok(self.p.VDI.get_type(self.s, rec["suspend_VDI"])), "suspend")
        self.assertEqual(file_sha256(self.path(rec["suspend_VDI"])), image.image_sha256())
        ok(self.p.VM.hard_shutdown(self.s, vms[0]))

    def test_xo_generated_xva(self):
        # Xen Orchestra's own XVAs (@xen-orchestra/xva): power_state in lower case,
        # numbers as strings, refs to nothing, the last chunk padded to 1 MiB.
        x = Xva(xapi=(1, 20))
        vm = x.vm("from xva", power_state="halted", affinity="Ref:53",
                  guest_metrics="Ref:53", resident_on="Ref:53", metrics="OpaqueRef:NULL",
                  HVM_shadow_multiplier="1", user_version="1", domid="-1",
                  snapshot_time="19700101T00:00:00Z", memory_overhead="11534336")
        d = Disk(2 * MIB, {0: os.urandom(CHUNK), 1: os.urandom(CHUNK)})
        x.disk(vm, d, "1", bootable=True)
        vms = self.imported(self.put(x.tar())[0])
        rec = ok(self.p.VM.get_record(self.s, vms[0]))
        self.assertEqual((rec["power_state"], rec["affinity"], rec["guest_metrics"],
                          rec["HVM_shadow_multiplier"]),
                         ("Halted", "OpaqueRef:NULL", "OpaqueRef:NULL", 1.0))
        self.assertEqual(rec["platform"].get("device-model"), "qemu-upstream-compat")

    def test_bad_archives_are_refused_and_leave_nothing(self):
        x, big, small = self.two_disk_vm("never")
        good = x.tar()
        self.refused(good[:len(good) // 2], "IMPORT_ERROR_PREMATURE_EOF")
        # A real Content-Length that stops short of the archive's end.
        self.refused(good, "IMPORT_ERROR_PREMATURE_EOF", length=len(good) - 3 * 512 - CHUNK)

        # A flipped byte in a chunk's data.
        def flip(name, data):
            if name.endswith("/00001500"):
                return data[:100] + bytes([data[100] ^ 1]) + data[101:]
            return data
        self.refused(x.tar(tamper=flip), "IMPORT_ERROR", "checksum failed")

        # A checksum member that is not the chunk's.
        def wrong(name, data):
            return b"0123456789ABCDEF" if name.endswith("00000007.xxhash") else data
        task = self.refused(x.tar(tamper=wrong), "IMPORT_ERROR", "checksum failed")
        self.assertIn("original = 0123456789ABCDEF", task["error_info"][1])

        # A chunk without its checksum member.
        def nosum(name, data):
            return None if name.endswith("00000007.xxhash") else data
        self.refused(x.tar(tamper=nosum), "IMPORT_ERROR", "unsupported checksum file")

        # A member that belongs to no disk.
        members = x.members() + [("Ref:999/00000000", b"x" * 512)]
        self.refused(x.tar(members=members), "IMPORT_ERROR", "belongs to no disk")

        # The first member is not ova.xml.
        members = x.members()
        task = self.refused(x.tar(members=members[1:]), "IMPORT_ERROR_UNEXPECTED_FILE")
        self.assertEqual(task["error_info"][1], "ova.xml")
        task = self.refused(xva_build.gzipped(x.tar(members=[("hello.txt", b"hi")] + members)),
                            "IMPORT_ERROR_UNEXPECTED_FILE")
        self.assertEqual(task["error_info"][1:], ["ova.xml", "hello.txt"])

        # A broken tar header.
        broken = bytearray(good)
        broken[512 + ((len(x.ova_xml()) + 511) // 512) * 512 + 10] ^= 0x40
        self.refused(bytes(broken), "IMPORT_ERROR", "checksum does not match")

        # Not an archive at all, and a gzip stream cut short.
        self.refused(b"hello, this is no XVA" * 100, "IMPORT_ERROR", "not an XVA")
        gz = xva_build.gzipped(good)
        self.refused(gz[:len(gz) * 3 // 5], "IMPORT_ERROR", "gzip could not decompress")

        # ova.xml that is not XML-RPC, and one of a newer XAPI.
        self.refused(x.tar(members=[("ova.xml", b"<value><struct>")]), "IMPORT_ERROR",
                     "ova.xml")
        newer = Xva(xapi=(99, 0))
        newer.disk(newer.vm("newer"), Disk(MIB, {}), "0")
        self.refused(newer.tar(), "IMPORT_INCOMPATIBLE_VERSION")

    def test_a_disk_larger_than_the_sr_is_refused(self):
        x = Xva()
        vm = x.vm("too large")
        x.disk(vm, Disk(MIB, {0: b"a" * CHUNK}), "0")
        x.disk(vm, Disk(1 << 62, {}), "1")
        task = self.refused(x.tar(), "SR_FULL")
        self.assertEqual(task["error_info"][1], str(1 << 62))

    def test_force_lets_a_bad_checksum_through(self):
        x = Xva()
        vm = x.vm("forced")
        d = Disk(MIB, {0: b"f" * CHUNK})
        x.disk(vm, d, "0")
        members = [(n, b"0000000000000000" if n.endswith(".xxhash") else data)
                   for n, data in x.members()]
        self.refused(x.tar(members=members), "IMPORT_ERROR", "checksum failed")
        vms = self.imported(self.put(x.tar(members=members), "&force=true")[0])
        with open(self.path(self.vm_disks(vms[0])["0"][2]), "rb") as f:
            self.assertEqual(f.read(), b"f" * CHUNK)

    def test_old_exports_with_a_checksum_table(self):
        # export_vsn 0 (no inline checksums) and 1 (inline ones too) end with a table of
        # every chunk's SHA-1.
        for vsn in (0, 1):
            with self.subTest(vsn=vsn):
                x = Xva(export_vsn=vsn)
                vm = x.vm("vsn %d" % vsn)
                d = Disk(2 * MIB, {0: os.urandom(CHUNK), 1: os.urandom(CHUNK)})
                x.disk(vm, d, "0")
                members = x.members(checksum="sha1" if vsn else None)
                chunks = [(n, data) for n, data in members if n.count("/") and
                          not n.endswith(".checksum")]
                table = {n: xva_build.sha1(data) for n, data in chunks}
                vms = self.imported(self.put(x.tar(members=members + [
                    ("checksum.xml", xva_build.value(table).encode())]))[0])
                self.assertEqual(file_sha256(self.path(self.vm_disks(vms[0])["0"][2])),
                                 d.image_sha256())
                table[chunks[1][0]] = "0" * 40
                self.refused(x.tar(members=members + [
                    ("checksum.xml", xva_build.value(table).encode())]),
                    "IMPORT_ERROR_SOME_CHECKSUMS_FAILED")

    def test_round_trip_with_export(self):
        # GET /export of a VM, then PUT /import of what came: the same VM again, its disks
        # byte for byte (holes and all), plain and zstd.
        net = ok(self.p.network.get_all(self.s))[0]
        src, vdis = self.vm_with_disks("round trip", (6 * MIB + 4096, 2 * MIB),
                                       lambda i: b"disk %d" % i, net, cd=True)
        with open(self.path(vdis[0]), "r+b") as f:
            f.seek(3 * MIB + 17)
            f.write(os.urandom(5000))
            f.seek(6 * MIB)
            f.write(b"the last bytes")
        for comp in ("false", "zstd"):
            with self.subTest(compression=comp):
                t = ok(self.p.task.create(self.s, "export", ""))
                with socket.create_connection(("127.0.0.1", self.server.port), 60) as c:
                    c.sendall(("GET /export/?ref=%s&session_id=%s&task_id=%s&use_compression=%s"
                               " HTTP/1.1\r\n\r\n" % (src, self.s, t, comp)).encode())
                    reply = read_to_close(c)
                self.assertEqual(self.wait_task(t)["status"], "success")
                head, _, body = reply.partition(b"\r\n\r\n")
                self.assertTrue(head.startswith(b"HTTP/1.0 200 OK"), head)
                vms = self.imported(self.put(body, length=PIB, shutdown=True)[0])
                a, b = (ok(self.p.VM.get_record(self.s, v)) for v in (src, vms[0]))
                for field in ("name_label", "VCPUs_max", "memory_static_max", "platform",
                              "HVM_boot_policy", "domain_type", "is_a_template"):
                    self.assertEqual(a[field], b[field], field)
                self.assertNotEqual(a["uuid"], b["uuid"])
                old, new = self.vm_disks(src), self.vm_disks(vms[0])
                self.assertEqual(sorted(old), sorted(new))
                for dev in old:
                    self.assertEqual((old[dev][0]["type"], old[dev][0]["mode"],
                                      old[dev][0]["bootable"], old[dev][0]["empty"]),
                                     (new[dev][0]["type"], new[dev][0]["mode"],
                                      new[dev][0]["bootable"], new[dev][0]["empty"]), dev)
                    if old[dev][1] is None:
                        continue
                    self.assertEqual(new[dev][1]["virtual_size"], old[dev][1]["virtual_size"])
                    self.assertEqual(file_sha256(self.path(new[dev][2])),
                                     file_sha256(self.path(old[dev][2])), dev)
                vif = ok(self.p.VIF.get_record(self.s, b["VIFs"][0]))
                self.assertEqual(vif["network"], net)

    def test_bad_requests(self):
        for query, status in (("session_id=OpaqueRef:nope", 401), ("", 401),
                              ("session_id=%s&sr_id=OpaqueRef:nope" % self.s, 404),
                              ("session_id=%s&sr_uuid=nope" % self.s, 404),
                              ("session_id=%s&sr_id=%s" % (self.s, self.iso_sr), 400),
                              ("session_id=%s&task_id=nope" % self.s, 404)):
            with self.subTest(query=query):
                before = self.snapshot_state()
                # Refused on its head: no body sent, so none lies unread when it closes.
                with socket.create_connection(("127.0.0.1", self.server.port), 30) as c:
                    c.sendall(("PUT /import/?%s HTTP/1.1\r\nContent-Length: 100000\r\n"
                               "\r\n" % query).encode())
                    answer = c.makefile("rb").read()
                self.assertTrue(answer.startswith(b"HTTP/1.1 %d " % status), answer[:200])
                self.assertEqual(self.snapshot_state(), before)


class Worker(unittest.TestCase):
    """xapi-lite --worker import-xva WORKDIR LENGTH FREE SIZE FORCE on its own, as handoff.c
    starts it: fd 0 the client's socket (a socketpair's end), fd 3 the body's first bytes."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="xva-import-test-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_worker(self, body, prefix_len, length, free=1 << 40, size=1 << 41, shutdown=True):
        """(exit status, its lines): the body's first prefix_len bytes through fd 3, the
        rest through the socket."""
        a, b = socket.socketpair()
        with tempfile.TemporaryFile() as pre:
            pre.write(body[:prefix_len])
            pre.seek(0)
            fd = pre.fileno()
            proc = subprocess.Popen(
                [BIN, "--worker", "import-xva", self.dir, str(length), str(free), str(size),
                 "0"], stdin=b, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                close_fds=False, preexec_fn=lambda: os.dup2(fd, 3))
        b.close()
        try:
            a.sendall(body[prefix_len:])
            if shutdown:
                a.shutdown(socket.SHUT_WR)
            out = proc.communicate(timeout=60)[0].decode()
        finally:
            a.close()
        return proc.returncode, out.splitlines()

    def test_prefix_then_socket_and_the_archives_end(self):
        x = Xva()
        d = Disk(2 * MIB, {0: os.urandom(CHUNK), 1: os.urandom(CHUNK)})
        x.disk(x.vm("worker"), d, "0")
        body = x.tar()
        # A 1 PiB length, the sender never closing: the archive's end stops it.
        rc, lines = self.run_worker(body, 700, PIB, shutdown=False)
        self.assertEqual(rc, 0, lines)
        self.assertEqual(lines[-1], "progress 1.00")
        self.assertTrue(all(l.startswith("progress ") for l in lines), lines)
        self.assertEqual(file_sha256(os.path.join(self.dir, "0")), d.image_sha256())
        with open(os.path.join(self.dir, "ova.xml"), "rb") as f:
            self.assertEqual(f.read(), x.ova_xml())

    def test_data_past_the_srs_free_space(self):
        x = Xva()
        x.disk(x.vm("full"), Disk(3 * MIB, {n: os.urandom(CHUNK) for n in range(3)}), "0")
        rc, lines = self.run_worker(x.tar(), 0, -1, free=2 * MIB + 5)
        self.assertEqual(rc, 1)
        self.assertEqual(lines[-1], "error SR_FULL\t%d\t%d" % (3 * MIB, 2 * MIB + 5))

    def test_bad_arguments(self):
        r = subprocess.run([BIN, "--worker", "import-xva", self.dir], capture_output=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"WORKDIR LENGTH FREE SIZE FORCE", r.stderr)


if __name__ == "__main__":
    unittest.main()
