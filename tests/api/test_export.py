"""GET /export on xapi-lite: a VM as an XVA stream, as XAPI's export.ml and stream_vdi.ml
write it. The worker on its own (fd 0 a socketpair) and through the server (sim backend;
the files are real): the reply's head, a tar whose first member is ova.xml, each disk in
1 MiB chunks Ref:N/%08d each followed by its .xxhash (XXH64, checked with xxhsum) or
.checksum (SHA-1) member, all-zero chunks left out but the first and the last, holes never
read, gzip and zstd, the keep-alive chunk, ova.xml's records and ids, the VM locked while
it goes, XAPI's refusals and the failures a client sees as an early close."""
import hashlib
import io
import os
import re
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time
import unittest
import xmlrpc.client

from xapi_server import BIN, MIB, ApiTest, err, ok

NULL = "OpaqueRef:NULL"
EMPTY_XXH64 = "EF46DB3751D8E999"
KEEPALIVE_S = 5         # stream_vdi.ml's: an empty chunk after this long without sending


def xxh64(data):
    """XXH64 (seed 0) of data by xxhsum, in XAPI's upper case."""
    out = subprocess.run(["xxhsum", "-H1", "-"], input=data, check=True,
                         capture_output=True).stdout.decode()
    return out.split()[0].upper()


def recv_all(sock):
    parts = []
    while True:
        d = sock.recv(1 << 20)
        if not d:
            return b"".join(parts)
        parts.append(d)


def split_reply(data):
    """(status line, {header: value}, body) of an HTTP reply."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return lines[0], headers, body


def tar_members(body):
    """[(TarInfo, bytes)] of a whole tar, in order."""
    out = []
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:") as t:
        for m in t.getmembers():
            out.append((m, t.extractfile(m).read()))
    return out


def parse_ova(xml):
    """ova.xml (a bare XML-RPC value) as Python values."""
    doc = b"<methodResponse><params><param>" + xml + b"</param></params></methodResponse>"
    return xmlrpc.client.loads(doc.decode())[0][0]


class XvaChecks:
    """Checks of an XVA's tar shared by the worker's and the server's tests."""

    def check_tar(self, body):
        """The tar: whole blocks ending in two zero blocks, ova.xml first. Its members."""
        self.assertEqual(len(body) % 512, 0)
        self.assertEqual(body[-1024:], bytes(1024), "two zero blocks end it")
        mems = tar_members(body)
        self.assertEqual(mems[0][0].name, "ova.xml")
        for m, _ in mems:
            self.assertTrue(m.isreg(), m.name)
            self.assertEqual(m.mode, 0o400, m.name)
            self.assertEqual((m.uid, m.gid), (0, 0))
        # V7 headers as ocaml-tar writes them: no ustar magic, type flag NUL.
        self.assertEqual(body[257:265], bytes(8))
        self.assertEqual(body[156:157], b"\0")
        return mems

    def check_disk(self, mems, disk_id, data, sha1=False, keepalives=()):
        """The chunks of disk_id against data (the disk's bytes): increasing numbers, each
        the bytes at its offset with its checksum member right after; every chunk that is
        not all zeros there, and the first and the last; an empty member at each number
        of keepalives, after which numbers run one ahead of offsets. The chunk numbers."""
        ext = ".checksum" if sha1 else ".xxhash"
        ours = [(m, d) for m, d in mems if m.name.startswith(disk_id + "/")]
        self.assertEqual(len(ours) % 2, 0)
        numbers, shift = [], 0
        last_chunk = (len(data) - 1) // MIB
        for (m, d), (s, sd) in zip(ours[0::2], ours[1::2]):
            self.assertRegex(m.name, r"^%s/\d{8}$" % re.escape(disk_id))
            self.assertEqual(s.name, m.name + ext)
            self.assertEqual(m.mtime, 0)
            n = int(m.name.split("/")[1])
            self.assertTrue(not numbers or n > numbers[-1], "numbers increase")
            numbers.append(n)
            want = hashlib.sha1(d).hexdigest() if sha1 else xxh64(d)
            self.assertEqual(sd.decode(), want, m.name)
            if n in keepalives:
                self.assertEqual(d, b"", "%s: an empty keep-alive chunk" % m.name)
                shift += 1
                continue
            off = (n - shift) * MIB
            self.assertEqual(d, data[off:off + MIB], m.name)
        sent = {n - len([k for k in keepalives if k < n]) for n in numbers
                if n not in keepalives}
        for c in range(last_chunk + 1):
            chunk = data[c * MIB:(c + 1) * MIB]
            if c in (0, last_chunk) or chunk.count(0) != len(chunk):
                self.assertIn(c, sent, "chunk %d is there" % c)
            else:
                self.assertNotIn(c, sent, "all-zero chunk %d is left out" % c)
        return numbers


class Worker(XvaChecks, unittest.TestCase):
    """xapi-lite --worker export-xva OVA COMPRESSION CHECKSUM [ID PATH SIZE]... with fd 0 a
    socketpair's end, as handoff.c starts it."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="xva-export-test-")
        self.ova = os.path.join(self.dir, "ova.xml")
        self.ova_text = b"<value><struct><member><name>version</name>" \
            b"<value>a stand-in</value></member></struct></value>"
        with open(self.ova, "wb") as f:
            f.write(self.ova_text)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def disk(self, name, size, writes=()):
        """A sparse file of size bytes with data written at (offset, bytes) pairs."""
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.truncate(size)
            for off, d in writes:
                f.seek(off)
                f.write(d)
        return path

    def contents(self, path, size):
        with open(path, "rb") as f:
            return f.read(size)

    def run_worker(self, args, reader=recv_all, env=None):
        """(exit status, its lines, the bytes it read from files, what the client got)."""
        a, b = socket.socketpair()
        proc = subprocess.Popen([BIN, "--worker", "export-xva"] + args, stdin=b,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        b.close()
        try:
            data = reader(a)
        finally:
            a.close()
        lines = proc.stdout.read().decode().splitlines()
        # Its I/O counters, read while it is a zombie, then reaped.
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        with open("/proc/%d/io" % proc.pid) as f:
            rchar = int(re.search(r"rchar: (\d+)", f.read()).group(1))
        proc.wait(30)
        proc.stdout.close()
        return proc.returncode, lines, rchar, data

    def test_reply_head_then_ova_first(self):
        path = self.disk("d", 2 * MIB, [(5, b"hello")])
        before = int(time.time())
        rc, lines, _, data = self.run_worker([self.ova, "none", "xxhash", "Ref:4", path,
                                              str(2 * MIB)])
        self.assertEqual(rc, 0, lines)
        status, headers, body = split_reply(data)
        self.assertEqual(status, "HTTP/1.0 200 OK")
        self.assertEqual(headers["content-type"], "application/octet-stream")
        self.assertNotIn("content-length", headers)
        mems = self.check_tar(body)
        self.assertEqual(mems[0][1], self.ova_text)
        self.assertTrue(before <= mems[0][0].mtime <= time.time() + 1, "dated now")
        self.assertEqual(self.check_disk(mems, "Ref:4", self.contents(path, 2 * MIB)), [0, 1])
        self.assertEqual(lines[0], "progress 0.00")
        self.assertEqual(lines[-1], "progress 1.00")
        self.assertFalse([x for x in lines if not x.startswith("progress ")], lines)

    def test_sparse_4gib_disk_reads_only_its_data(self):
        size = 4096 * MIB
        writes = [(3 * MIB + 17, b"three"), (10 * MIB, bytes(MIB)),   # allocated zeros
                  (1024 * MIB, bytes(range(256)) * 4096), (2053 * MIB - 5, b"0123456789")]
        path = self.disk("sparse", size, writes)
        rc, lines, rchar, data = self.run_worker([self.ova, "none", "xxhash", "Ref:1", path,
                                                  str(size)])
        self.assertEqual(rc, 0, lines)
        mems = self.check_tar(split_reply(data)[2])
        names = [m.name for m, _ in mems]
        self.assertEqual(names, ["ova.xml"] + [
            "Ref:1/%08d%s" % (n, e) for n in (0, 3, 1024, 2052, 2053, 4095)
            for e in ("", ".xxhash")])
        for m, d in mems[1::2]:
            n = int(m.name.split("/")[1])
            want = bytearray(MIB)
            for off, w in writes:
                for i, byte in enumerate(w):
                    if n * MIB <= off + i < (n + 1) * MIB:
                        want[off + i - n * MIB] = byte
            self.assertEqual(d, bytes(want), m.name)
            self.assertEqual(mems[mems.index((m, d)) + 1][1].decode(), xxh64(d))
        # The holes were passed over: a few chunks read, not 4 GiB.
        self.assertLess(rchar, 32 * MIB)

    def test_short_last_chunk_and_disk_order(self):
        a = self.disk("a", 3 * MIB + 100, [(3 * MIB + 99, b"z")])
        b = self.disk("b", MIB)          # all zeros: its only chunk is first and last
        c = self.disk("c", 0)            # nothing to send
        rc, lines, _, data = self.run_worker([self.ova, "none", "xxhash", "Ref:10", a,
                                              str(3 * MIB + 100), "Ref:2", b, str(MIB),
                                              "Ref:3", c, "0"])
        self.assertEqual(rc, 0, lines)
        mems = self.check_tar(split_reply(data)[2])
        self.assertEqual([m.name for m, _ in mems], [
            "ova.xml", "Ref:10/00000000", "Ref:10/00000000.xxhash", "Ref:10/00000003",
            "Ref:10/00000003.xxhash", "Ref:2/00000000", "Ref:2/00000000.xxhash"],
            "disks in the order given, the last chunk short")
        self.assertEqual(mems[3][0].size, 100)
        self.assertEqual(mems[3][1], bytes(99) + b"z")
        self.assertEqual(mems[5][1], bytes(MIB))

    def test_sha1_checksums(self):
        path = self.disk("d", 3 * MIB, [(MIB, b"x" * 1000)])
        rc, lines, _, data = self.run_worker([self.ova, "none", "sha1", "Ref:0", path,
                                              str(3 * MIB)])
        self.assertEqual(rc, 0, lines)
        mems = self.check_tar(split_reply(data)[2])
        self.assertEqual(self.check_disk(mems, "Ref:0", self.contents(path, 3 * MIB),
                                         sha1=True), [0, 1, 2])
        self.assertRegex(mems[2][1].decode(), r"^[0-9a-f]{40}$", "lower case, as Sha1.to_hex")

    def compressed(self, kind, program):
        path = self.disk("d", 5 * MIB, [(2 * MIB, b"compressible " * 5000)])
        rc, lines, _, data = self.run_worker([self.ova, kind, "xxhash", "Ref:7", path,
                                              str(5 * MIB)])
        self.assertEqual(rc, 0, lines)
        status, _, body = split_reply(data)
        self.assertEqual(status, "HTTP/1.0 200 OK")
        plain = subprocess.run([program, "-dc"], input=body, check=True,
                               capture_output=True).stdout
        self.assertLess(len(body), len(plain) // 10)
        mems = self.check_tar(plain)
        self.assertEqual(self.check_disk(mems, "Ref:7", self.contents(path, 5 * MIB)),
                         [0, 2, 4])
        return body

    def test_gzip(self):
        self.assertEqual(self.compressed("gzip", "gzip")[:2], b"\x1f\x8b")

    def test_zstd(self):
        self.assertEqual(self.compressed("zstd", "zstd")[:4], b"\x28\xb5\x2f\xfd")

    def test_keepalive_after_a_stall(self):
        """The client takes nothing for longer than XAPI's 5 s while chunk 0 is going:
        then an empty member takes the next number and the data follow one number on."""
        data = bytes(range(251)) * (4 * MIB // 251 + 1)
        path = self.disk("d", 4 * MIB, [(0, data[:4 * MIB])])

        def stall(sock):
            got = b""
            # The head, ova.xml and the start of chunk 0: the worker is inside chunk 0's
            # write, which the socket's buffer cannot take whole.
            while got.count(b"Ref:5/00000000") == 0 or len(got) < 8192:
                got += sock.recv(4096)
            time.sleep(KEEPALIVE_S + 1.5)      # the stall itself: time must pass
            return got + recv_all(sock)

        rc, lines, _, out = self.run_worker([self.ova, "none", "xxhash", "Ref:5", path,
                                             str(4 * MIB)], reader=stall)
        self.assertEqual(rc, 0, lines)
        mems = self.check_tar(split_reply(out)[2])
        self.assertEqual(self.check_disk(mems, "Ref:5", data[:4 * MIB], keepalives=(1,)),
                         [0, 1, 2, 3, 4])
        self.assertEqual(mems[3][0].size, 0)
        self.assertEqual(mems[4][1].decode(), EMPTY_XXH64)

    def failing(self, args, env=None, reader=recv_all):
        rc, lines, _, data = self.run_worker(args, env=env, reader=reader)
        self.assertEqual(rc, 1, lines)
        errors = [x for x in lines if x.startswith("error ")]
        self.assertEqual(len(errors), 1, lines)
        # What the client sees: the stream ends early, without the tar's end.
        self.assertNotEqual(data[-1024:], bytes(1024))
        return errors[0][len("error "):].split("\t"), data

    def test_missing_disk_file(self):
        e, data = self.failing([self.ova, "none", "xxhash", "Ref:0",
                                os.path.join(self.dir, "gone"), str(MIB)])
        self.assertEqual(e[0], "INTERNAL_ERROR")
        self.assertIn("cannot open", e[1])
        self.assertTrue(data.startswith(b"HTTP/1.0 200 OK\r\n"))

    def test_file_shorter_than_the_disk(self):
        path = self.disk("d", MIB, [(0, b"x")])
        e, _ = self.failing([self.ova, "none", "xxhash", "Ref:0", path, str(3 * MIB)])
        self.assertEqual(e[0], "INTERNAL_ERROR")
        self.assertIn("before the VDI's virtual size", e[1])

    def test_bad_arguments(self):
        path = self.disk("d", MIB)
        for args in ([self.ova, "bzip2", "xxhash"], [self.ova, "none", "md5"],
                     [self.ova, "none", "xxhash", "Ref:0", path],
                     [self.ova, "none", "xxhash", "Ref:0", path, "12x"],
                     [self.ova, "none", "xxhash", "Ref:0", path, "-1"]):
            rc, lines, _, data = self.run_worker(args)
            self.assertEqual(rc, 1, args)
            self.assertTrue(lines and lines[-1].startswith("error INTERNAL_ERROR\t"), lines)
            self.assertEqual(data, b"", "nothing sent: %r" % args)

    def test_client_going_away(self):
        path = self.disk("d", 16 * MIB, [(0, b"\1" * (16 * MIB))])

        def hang_up(sock):
            got = sock.recv(4096)
            sock.shutdown(socket.SHUT_RDWR)
            return got

        e, _ = self.failing([self.ova, "none", "xxhash", "Ref:0", path, str(16 * MIB)],
                            reader=hang_up)
        self.assertEqual(e[0], "CLIENT_ERROR")

    def test_compressor_that_cannot_run(self):
        path = self.disk("d", 4 * MIB, [(0, b"\1" * (4 * MIB))])
        env = dict(os.environ, PATH=self.dir)
        e, _ = self.failing([self.ova, "zstd", "xxhash", "Ref:0", path, str(4 * MIB)],
                            env=env)
        self.assertEqual(e, ["INTERNAL_ERROR", "cannot run zstd"])


class Export(XvaChecks, ApiTest):
    """GET /export through the server, as Xen Orchestra asks for it."""
    originator = "export"

    @property
    def net(self):
        return ok(self.p.network.get_all(self.s))[0]

    @property
    def host(self):
        return ok(self.p.host.get_all(self.s))[0]

    def write(self, vdi, off, data):
        with open(self.path(vdi), "r+b") as f:
            f.seek(off)
            f.write(data)

    def disk_bytes(self, vdi):
        with open(self.path(vdi), "rb") as f:
            return f.read()

    def new_vm(self, name, sizes=(4 * MIB,), vif=True, cd=True):
        """A halted VM with a disk per size (data at its start and 1 MiB + 5), a VIF and
        an empty CD drive."""
        vm, vdis = self.vm_with_disks(name, sizes, lambda i: b"disk %d of %s" % (
            i, name.encode()), self.net if vif else None, cd)
        for d, size in zip(vdis, sizes):
            if size > 2 * MIB:
                self.write(d, MIB + 5, b"more")
        return vm, vdis

    def get(self, target):
        """(status line, headers, body) of GET target."""
        with socket.create_connection(("127.0.0.1", self.server.port), 60) as c:
            c.sendall(("GET %s HTTP/1.1\r\nHost: atoll\r\n\r\n" % target).encode())
            return split_reply(recv_all(c))

    def export(self, vm, extra="", path="/export/", wait=True):
        """The XVA of vm; its task succeeded, and (wait) the VM is unlocked after."""
        task = ok(self.p.task.create(self.s, "export", ""))
        status, headers, body = self.get("%s?ref=%s&session_id=%s&task_id=%s%s" % (
            path, vm, self.s, task, extra))
        self.assertEqual(status, "HTTP/1.0 200 OK", body[:300])
        self.assertEqual(headers.get("task-id"), task)
        rec = self.wait_task(task)
        self.assertEqual(rec["status"], "success", rec)
        self.assertEqual(rec["progress"], 1.0)
        if wait:
            self.no_leftovers(vm)
        return body

    def no_leftovers(self, vm):
        """The VM unlocked and the export's temporary ova.xml gone, once done has run."""
        deadline = time.monotonic() + 30
        while ok(self.p.VM.get_current_operations(self.s, vm)):
            self.assertLess(time.monotonic(), deadline, "the VM stayed locked")
            time.sleep(0.05)
        self.assertFalse([f for f in os.listdir(self.server.state)
                          if f.startswith("xva-export-")])

    def objects(self, mems):
        raw = mems[0][1]
        ova = parse_ova(raw)
        self.assertEqual(sorted(ova), ["objects", "version"])
        return raw, ova["version"], ova["objects"]

    def by_class(self, objs, cls):
        return [o for o in objs if o["class"] == cls]

    def test_a_halted_vm_with_its_records_and_disks(self):
        vm, vdis = self.new_vm("halted one", sizes=(4 * MIB, 3 * MIB + 4096))
        mems = self.check_tar(self.export(vm))
        raw, version, objs = self.objects(mems)
        # version as importexport.ml's rpc_of_version: its keys in order, ints untagged.
        self.assertIn(b"<member><name>hostname</name><value>localhost</value></member>"
                      b"<member><name>date</name>", raw)
        self.assertIn(b"<member><name>xapi_major</name><value>1</value></member>"
                      b"<member><name>xapi_minor</name><value>170</value></member>"
                      b"<member><name>export_vsn</name><value>2</value></member>", raw)
        sv = ok(self.p.host.get_software_version(self.s, self.host))
        self.assertEqual(version["product_brand"], sv["product_brand"])
        self.assertEqual(version["product_version"], sv["product_version"])
        self.assertEqual(version["build_number"], sv["build_number"])
        self.assertTrue(raw.startswith(b"<value><struct><member><name>version</name>"))
        # make_all's order of classes, the VM Ref:0, every id unique.
        order = ["host", "VM", "VM_metrics", "VM_guest_metrics", "VBD", "VIF", "network",
                 "VDI", "SR"]
        classes = [o["class"] for o in objs]
        self.assertEqual(classes, sorted(classes, key=order.index))
        self.assertEqual(classes.count("VM"), 1)
        self.assertEqual(classes.count("VBD"), 3)
        self.assertEqual(classes.count("VDI"), 2)
        self.assertEqual(classes.count("SR"), 1)
        self.assertEqual(classes.count("network"), 1)
        self.assertEqual(classes.count("VIF"), 1)
        self.assertEqual(classes.count("VM_metrics"), 1)
        ids = {o["id"]: o for o in objs}
        self.assertEqual(len(ids), len(objs))
        self.assertTrue(all(re.match(r"^Ref:\d+$", i) for i in ids))
        v = self.by_class(objs, "VM")[0]
        self.assertEqual(v["id"], "Ref:0")
        r = v["snapshot"]
        want = ok(self.p.VM.get_record(self.s, vm))
        self.assertEqual(r["uuid"], want["uuid"])
        self.assertEqual(r["name_label"], "halted one")
        self.assertEqual(r["memory_static_max"], want["memory_static_max"])
        self.assertEqual(sorted(r), sorted(want), "the full record")
        self.assertEqual(r["power_state"], "Halted")
        self.assertEqual((r["allowed_operations"], r["current_operations"]), ([], {}))
        self.assertEqual((r["consoles"], r["snapshots"], r["crash_dumps"]), ([], [], []))
        self.assertEqual((r["is_a_snapshot"], r["snapshot_of"], r["parent"]),
                         (False, NULL, NULL))
        self.assertEqual(str(r["snapshot_time"]), "19700101T00:00:00Z")
        self.assertEqual(r["suspend_VDI"], NULL)
        self.assertEqual(sorted(r["VBDs"]), sorted(o["id"] for o in self.by_class(objs, "VBD")))
        self.assertEqual(r["VIFs"], [self.by_class(objs, "VIF")[0]["id"]])
        self.assertEqual(r["metrics"], self.by_class(objs, "VM_metrics")[0]["id"])
        # XAPI's table numbers OpaqueRef:NULL too (a halted VM's resident_on, its
        # affinity, no guest metrics): those fields hold an id that names no object.
        null_id = r["resident_on"]
        self.assertRegex(null_id, r"^Ref:\d+$")
        self.assertNotIn(null_id, ids)
        self.assertEqual(r["affinity"], null_id)
        self.assertEqual(r["guest_metrics"], null_id)
        # Every VBD's VM is Ref:0; a disk's VDI is an exported VDI, the empty CD's is
        # the id of OpaqueRef:NULL.
        vdi_ids = {o["snapshot"]["uuid"]: o["id"] for o in self.by_class(objs, "VDI")}
        for o in self.by_class(objs, "VBD"):
            b = o["snapshot"]
            self.assertEqual(b["VM"], "Ref:0")
            self.assertFalse(b["currently_attached"])
            self.assertEqual((b["allowed_operations"], b["current_operations"]), ([], {}))
            if b["type"] == "CD":
                self.assertEqual(b["VDI"], null_id)
            else:
                self.assertIn(b["VDI"], vdi_ids.values())
                self.assertEqual(ids[b["VDI"]]["snapshot"]["VBDs"], [o["id"]])
        vif = self.by_class(objs, "VIF")[0]["snapshot"]
        net = self.by_class(objs, "network")[0]
        self.assertEqual((vif["VM"], vif["network"]), ("Ref:0", net["id"]))
        self.assertEqual(net["snapshot"]["VIFs"], [self.by_class(objs, "VIF")[0]["id"]])
        self.assertEqual(net["snapshot"]["PIFs"], [])
        sr = self.by_class(objs, "SR")[0]
        self.assertEqual(sr["snapshot"]["uuid"], ok(self.p.SR.get_uuid(self.s, self.sr)))
        self.assertEqual(sorted(sr["snapshot"]["VDIs"]), sorted(vdi_ids.values()),
                         "only the exported VDIs")
        self.assertEqual(sr["snapshot"]["PBDs"], [])
        for d in vdis:
            rec = ok(self.p.VDI.get_record(self.s, d))
            o = ids[vdi_ids[rec["uuid"]]]["snapshot"]
            self.assertEqual(o["virtual_size"], rec["virtual_size"], "the importer's size")
            self.assertEqual(o["SR"], sr["id"])
            self.check_disk(mems, vdi_ids[rec["uuid"]], self.disk_bytes(d))
        # The disks in the order of their ids as strings, as for_each_vdi sorts them.
        disk_ids = [m.name.split("/")[0] for m, _ in mems[1:]]
        self.assertEqual(disk_ids, sorted(disk_ids))

    def test_uuid_and_either_path(self):
        vm, vdis = self.new_vm("by uuid", cd=False, vif=False)
        uuid = ok(self.p.VM.get_uuid(self.s, vm))
        for path in ("/export", "/export/"):
            status, headers, body = self.get("%s?uuid=%s&session_id=%s" % (path, uuid, self.s))
            self.assertEqual(status, "HTTP/1.0 200 OK", body[:300])
            self.assertTrue(headers["task-id"].startswith("OpaqueRef:"))
            mems = self.check_tar(body)
            vdi = self.by_class(self.objects(mems)[2], "VDI")[0]
            self.check_disk(mems, vdi["id"], self.disk_bytes(vdis[0]))
            # The task made for a request without task_id ends with it, as XAPI's.
            deadline = time.monotonic() + 30
            while self.p.task.get_status(self.s, headers["task-id"])["Status"] == "Success":
                self.assertLess(time.monotonic(), deadline, "the export's task stayed")
                time.sleep(0.05)
            self.assertEqual(self.p.task.get_status(self.s, headers["task-id"])
                             ["ErrorDescription"][0], "HANDLE_INVALID")
        self.no_leftovers(vm)

    def test_compressed_and_sha1(self):
        vm, vdis = self.new_vm("packed", sizes=(3 * MIB,), vif=False, cd=False)
        for extra, magic, program in (("&use_compression=true", b"\x1f\x8b", "gzip"),
                                      ("&use_compression=gzip", b"\x1f\x8b", "gzip"),
                                      ("&use_compression=zstd", b"\x28\xb5\x2f\xfd", "zstd")):
            body = self.export(vm, extra)
            self.assertTrue(body.startswith(magic), extra)
            plain = subprocess.run([program, "-dc"], input=body, check=True,
                                   capture_output=True).stdout
            mems = self.check_tar(plain)
            vdi = self.by_class(self.objects(mems)[2], "VDI")[0]
            self.check_disk(mems, vdi["id"], self.disk_bytes(vdis[0]))
        mems = self.check_tar(self.export(vm, "&use_compression=false&checksum=sha1"))
        raw, _, objs = self.objects(mems)
        self.assertIn(b"<member><name>xapi_minor</name><value>3</value></member>", raw,
                      "old hosts refuse an export from a newer xapi than theirs")
        vdi = self.by_class(objs, "VDI")[0]
        self.check_disk(mems, vdi["id"], self.disk_bytes(vdis[0]), sha1=True)
        self.assertFalse([m for m, _ in mems if m.name.endswith(".xxhash")])

    def big_export(self, name):
        """A VM with 64 MiB of data, more than the sockets' buffers take, its task and
        the connection of its export (head not read yet)."""
        vm, vdis = self.new_vm(name, sizes=(64 * MIB,), vif=False, cd=False)
        self.write(vdis[0], 0, b"\1" * (64 * MIB))
        task = ok(self.p.task.create(self.s, "export", ""))
        c = socket.create_connection(("127.0.0.1", self.server.port), 60)
        c.sendall(("GET /export/?ref=%s&session_id=%s&task_id=%s HTTP/1.1\r\n\r\n" % (
            vm, self.s, task)).encode())
        return vm, task, c

    def test_the_vm_is_locked_while_it_goes(self):
        vm, task, c = self.big_export("locked")
        with c:
            got = c.recv(65536)
            self.assertTrue(got.startswith(b"HTTP/1.0 200 OK"))
            # 64 MiB do not fit the socket's buffers: the worker is still at it.
            self.assertEqual(ok(self.p.VM.get_current_operations(self.s, vm)),
                             {task: "export"})
            self.assertNotIn("start", ok(self.p.VM.get_allowed_operations(self.s, vm)))
            self.assertEqual(err(self.p.VM.start(self.s, vm, False, False))[0],
                             "OTHER_OPERATION_IN_PROGRESS")
            # Another export goes beside it, as XAPI's long copies do.
            self.assertIn("export", ok(self.p.VM.get_allowed_operations(self.s, vm)))
            other = self.export(vm, wait=False)
            self.assertEqual(len(self.check_tar(other)), 1 + 2 * 64)
            rest = recv_all(c)
        mems = self.check_tar(split_reply(got + rest)[2])
        self.assertEqual(self.wait_task(task)["status"], "success")
        self.no_leftovers(vm)
        self.assertIn("export", ok(self.p.VM.get_allowed_operations(self.s, vm)))
        self.assertEqual(len(mems), 1 + 2 * 64)

    def test_a_client_that_hangs_up_fails_the_task(self):
        vm, task, c = self.big_export("dropped")
        with c:
            self.assertTrue(c.recv(4096).startswith(b"HTTP/1.0 200 OK"))
            c.shutdown(socket.SHUT_RDWR)
        rec = self.wait_task(task)
        self.assertEqual(rec["status"], "failure")
        self.assertEqual(rec["error_info"][0], "CLIENT_ERROR")
        self.no_leftovers(vm)

    def test_running_vm_refused_as_xapi_does(self):
        vm, _ = self.new_vm("running one", vif=False, cd=False)
        ok(self.p.VM.start(self.s, vm, False, False))
        try:
            self.assertNotIn("export", ok(self.p.VM.get_allowed_operations(self.s, vm)))
            task = ok(self.p.task.create(self.s, "export", ""))
            status, _, body = self.get("/export/?ref=%s&session_id=%s&task_id=%s" % (
                vm, self.s, task))
            self.assertTrue(status.startswith("HTTP/1.1 500"), status)
            self.assertIn(b"VM_BAD_POWER_STATE", body)
            rec = self.wait_task(task)
            self.assertEqual(rec["status"], "failure")
            self.assertEqual(rec["error_info"],
                             ["VM_BAD_POWER_STATE", vm, "halted, suspended", "running"])
            self.assertEqual(ok(self.p.VM.get_current_operations(self.s, vm)), {})

            # A snapshot of it goes (XO's way of exporting a running VM).
            snap = ok(self.p.VM.snapshot(self.s, vm, "for export"))
            mems = self.check_tar(self.export(snap))
            objs = self.objects(mems)[2]
            r = self.by_class(objs, "VM")[0]["snapshot"]
            self.assertEqual(r["uuid"], ok(self.p.VM.get_uuid(self.s, snap)))
            self.assertEqual((r["is_a_snapshot"], r["snapshot_of"], r["power_state"]),
                             (False, NULL, "Halted"), "no snapshot metadata in an export")
            snap_vdi = ok(self.p.VBD.get_VDI(self.s, [
                b for b in ok(self.p.VM.get_VBDs(self.s, snap))
                if ok(self.p.VBD.get_type(self.s, b)) == "Disk"][0]))
            vdi = self.by_class(objs, "VDI")[0]
            self.assertEqual(vdi["snapshot"]["uuid"], ok(self.p.VDI.get_uuid(self.s, snap_vdi)))
            self.check_disk(mems, vdi["id"], self.disk_bytes(snap_vdi))
        finally:
            ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_suspended_vm_with_and_without_its_power_state(self):
        vm, vdis = self.new_vm("suspended one", vif=False, cd=False)
        ok(self.p.VM.start(self.s, vm, False, False))
        ok(self.p.VM.suspend(self.s, vm))
        try:
            image = ok(self.p.VM.get_suspend_VDI(self.s, vm))
            image_uuid = ok(self.p.VDI.get_uuid(self.s, image))
            mems = self.check_tar(self.export(vm))
            objs = self.objects(mems)[2]
            r = self.by_class(objs, "VM")[0]["snapshot"]
            self.assertEqual((r["power_state"], r["suspend_VDI"]), ("Halted", NULL))
            self.assertNotIn(image_uuid, [o["snapshot"]["uuid"]
                                          for o in self.by_class(objs, "VDI")])

            mems = self.check_tar(self.export(vm, "&preserve_power_state=true"))
            objs = self.objects(mems)[2]
            r = self.by_class(objs, "VM")[0]["snapshot"]
            self.assertEqual(r["power_state"], "Suspended")
            img = [o for o in self.by_class(objs, "VDI") if o["snapshot"]["uuid"] == image_uuid]
            self.assertEqual(len(img), 1, "the suspend image goes with it")
            self.assertEqual(r["suspend_VDI"], img[0]["id"])
            self.check_disk(mems, img[0]["id"], self.disk_bytes(image))
            self.check_disk(mems, [o["id"] for o in self.by_class(objs, "VDI")
                                   if o["id"] != img[0]["id"]][0], self.disk_bytes(vdis[0]))
        finally:
            ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_a_host_named_by_affinity_goes_without_its_own_things(self):
        vm, _ = self.new_vm("with affinity", vif=False, cd=False)
        ok(self.p.VM.set_affinity(self.s, vm, self.host))
        objs = self.objects(self.check_tar(self.export(vm)))[2]
        hosts = self.by_class(objs, "host")
        self.assertEqual(len(hosts), 1)
        self.assertEqual(objs[0]["class"], "host", "hosts come first")
        h = hosts[0]["snapshot"]
        self.assertEqual(h["uuid"], ok(self.p.host.get_uuid(self.s, self.host)))
        self.assertEqual((h["PIFs"], h["PBDs"], h["host_CPUs"], h["software_version"],
                          h["other_config"], h["capabilities"], h["metrics"]),
                         ([], [], [], {}, {}, [], NULL))
        self.assertEqual(h["resident_VMs"], [])
        r = self.by_class(objs, "VM")[0]["snapshot"]
        self.assertEqual(r["affinity"], hosts[0]["id"])
        self.assertNotEqual(r["resident_on"], hosts[0]["id"])

    def test_bad_requests(self):
        vm, _ = self.new_vm("refusals", vif=False, cd=False)
        q = "ref=%s&session_id=%s" % (vm, self.s)
        for target, code in (
                ("/export/?ref=%s" % vm, 401),
                ("/export/?ref=%s&session_id=OpaqueRef:nope" % vm, 401),
                ("/export/?session_id=%s" % self.s, 400),
                ("/export/?ref=OpaqueRef:00000000-0000-0000-0000-000000000000&session_id=%s"
                 % self.s, 404),
                ("/export/?uuid=no-such-uuid&session_id=%s" % self.s, 404),
                ("/export/?ref=%s&session_id=%s" % (self.net, self.s), 404),
                ("/export/?%s&use_compression=bzip2" % q, 400),
                ("/export/?%s&checksum=md5" % q, 400),
                ("/export/?%s&preserve_power_state=yes" % q, 400),
                ("/export/?%s&task_id=OpaqueRef:nope" % q, 404)):
            status, _, body = self.get(target)
            self.assertTrue(status.startswith("HTTP/1.1 %d" % code), (target, status, body))
        self.no_leftovers(vm)
        self.assertFalse([t for t in ok(self.p.task.get_all_records(self.s)).values()
                          if t["name_label"] == "VM.export" and t["status"] == "pending"])


if __name__ == "__main__":
    unittest.main()
