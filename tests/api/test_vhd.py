"""VHD disk streams on xapi-lite (sim backend; the files are real), over HTTP as Xen
Orchestra uses them: GET /export_raw_vdi?format=vhd[&base=SNAPSHOT] streams a dynamic or
differencing VHD the way XAPI's vhd-tool does, which qemu-img reads back to the VDI's
bytes; PUT /import_raw_vdi?format=vhd takes qemu-img's VHDs and ours, applies a delta onto
a copy of its base, and refuses a bad VHD leaving the VDI as it was."""
import hashlib
import http.client
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import unittest

from xapi_server import DEMO_TEMPLATE, MIB, ApiTest, err, ok

GIB = 1024 * MIB
BLOCK = 2 * MIB
SECTOR = 512
UNUSED = 0xFFFFFFFF


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(8 * MIB), b""):
            h.update(chunk)
    return h.hexdigest()


def checksum(b, at):
    """The one's-complement byte sum of b with its checksum field (at) as zeros."""
    return ~(sum(b[:at]) + sum(b[at + 4:])) & 0xFFFFFFFF


def with_checksum(b, at):
    b = bytearray(b)
    b[at:at + 4] = struct.pack(">I", checksum(b, at))
    return bytes(b)


def blocks_of(vhd):
    """The BAT of a VHD's bytes: {block index: byte offset}."""
    table, entries = struct.unpack(">QxxxxI", vhd[512 + 16:512 + 32])
    out = {}
    for i in range(entries):
        (s,) = struct.unpack(">I", vhd[table + 4 * i:table + 4 * i + 4])
        if s != UNUSED:
            out[i] = s * SECTOR
    return out


def make_vhd(disk_type, size, blocks, table_offset=1536):
    """A VHD as XO's vhd-lib streams one (the BAT right after the header): blocks maps a
    block index to (bitmap, data) in the order they go, each 2 MiB of data."""
    footer = bytearray(512)
    struct.pack_into(">8sIIQI4sIIQQHBBI", footer, 0, b"conectix", 2, 0x10000, 512, 0,
                     b"xo  ", 0x10000, 0x5769326B, size, size, 0, 0, 0, disk_type)
    footer[68:84] = os.urandom(16)
    footer = with_checksum(footer, 64)
    entries = (size + BLOCK - 1) // BLOCK
    header = bytearray(1024)
    struct.pack_into(">8sQQIII", header, 0, b"cxsparse", 2**64 - 1, table_offset, 0x10000,
                     entries, BLOCK)
    header = with_checksum(header, 36)
    bat_size = (entries * 4 + 511) // 512 * 512
    bat = bytearray(b"\xff" * bat_size)
    at = table_offset + bat_size
    body = b""
    for i, (bitmap, data) in blocks.items():
        struct.pack_into(">I", bat, 4 * i, at // 512)
        body += bitmap + data
        at += len(bitmap) + len(data)
    head = footer + header
    return head + bytes(table_offset - len(head)) + bytes(bat) + body + footer


def bitmap(*sectors):
    b = bytearray(512)
    for s in sectors:
        b[s // 8] |= 0x80 >> (s % 8)
    return bytes(b)


class Vhd(ApiTest):
    originator = "vhd"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="vhd-test-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)

    def export(self, vdi, extra="", to=None, path="/export_raw_vdi/"):
        """GET the VHD of vdi into file to (default: a new one); (status, headers, file)."""
        to = to or os.path.join(self.tmp, "export-%d.vhd" % time.monotonic_ns())
        c = self.conn()
        c.request("GET", "%s?format=vhd&vdi=%s&session_id=%s%s" % (path, vdi, self.s, extra))
        r = c.getresponse()
        with open(to, "wb") as f:
            for chunk in iter(lambda: r.read(MIB), b""):
                f.write(chunk)
        c.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, to

    def put(self, vdi, body, extra="", path="/import_raw_vdi/"):
        """PUT body (bytes or a file's path) as vdi's VHD; (status, body), or (None, None)
        when the connection was cut while the body was still going out: as XAPI's, an
        import that finds the VHD bad stops reading, and the outcome is the task's."""
        if isinstance(body, str):
            with open(body, "rb") as f:
                body = f.read()
        c = self.conn()
        try:
            c.request("PUT", "%s?format=vhd&vdi=%s&session_id=%s%s"
                      % (path, vdi, self.s, extra), body)
            r = c.getresponse()
            return r.status, r.read()
        except (ConnectionResetError, BrokenPipeError):
            return None, None
        finally:
            c.close()

    def put_task(self, vdi, body):
        """PUT with a task; the task's record once it is done."""
        task = ok(self.p.task.create(self.s, "import", "a VHD"))
        status, _ = self.put(vdi, body, "&task_id=" + task)
        self.assertIn(status, (200, None), "XAPI's import answers before it reads the body")
        return self.wait_task(task, 120)

    def write(self, vdi, offset, data):
        with open(self.path(vdi), "r+b") as f:
            f.seek(offset)
            f.write(data)

    def qemu(self, *args):
        return subprocess.run(["qemu-img"] + list(args), check=True, capture_output=True,
                              text=True).stdout

    def to_raw(self, vhd):
        raw = vhd + ".raw"
        self.qemu("convert", "-f", "vpc", "-O", "raw", vhd, raw)
        return raw

    def leftovers(self, vdi):
        d = os.path.dirname(self.path(vdi))
        return [n for n in os.listdir(d) if n.startswith(".import")]

    def scattered(self, vdi, size):
        """Data in a few places of vdi (of size > 20 MiB): the first sector, mid-block,
        across a block boundary, the last bytes, and a block of written zeros (which
        stays out)."""
        self.assertGreater(size, 10 * BLOCK)
        self.write(vdi, 0, os.urandom(SECTOR))
        self.write(vdi, 3 * BLOCK + 12345, os.urandom(70000))
        self.write(vdi, 6 * BLOCK - 1000, os.urandom(3000))
        self.write(vdi, 9 * BLOCK, bytes(BLOCK))
        self.write(vdi, size - 10, os.urandom(10))

    def test_export_is_read_by_qemu_img(self):
        size = 32 * MIB + 3 * SECTOR        # the last block partly past the disk's end
        vdi = self.vdi(size)
        self.scattered(vdi, size)
        task = ok(self.p.task.create(self.s, "export", "a VHD"))
        status, headers, vhd = self.export(vdi, "&task_id=" + task)
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/vhd")
        self.assertEqual(headers["task-id"], task)
        rec = self.wait_task(task)
        self.assertEqual(rec["status"], "success", rec["error_info"])
        self.assertIn(vdi, rec["result"])
        info = self.qemu("info", "--output=json", vhd)
        self.assertIn('"format": "vpc"', info)
        self.assertIn('"virtual-size": %d' % size, info)
        self.assertEqual(sha256(self.to_raw(vhd)), sha256(self.path(vdi)))

        data = open(vhd, "rb").read()
        # vhd-tool's layout: footer copy, header at 512, the BAT at 2048, then blocks 0,
        # 3, 5, 6 and the last (not 9, all zeros) one after another, the footer again.
        self.assertEqual(data[:8], b"conectix")
        self.assertEqual(data[:512], data[-512:])
        self.assertEqual(struct.unpack(">I", data[60:64])[0], 3, "dynamic")
        self.assertEqual(data[512:520], b"cxsparse")
        nblocks = (size + BLOCK - 1) // BLOCK
        bat_end = 2048 + (nblocks * 4 + 511) // 512 * 512
        blocks = blocks_of(data)
        self.assertEqual(sorted(blocks), [0, 3, 5, 6, nblocks - 1])
        self.assertEqual([blocks[i] for i in sorted(blocks)],
                         [bat_end + k * (BLOCK + SECTOR) for k in range(5)])
        self.assertEqual(len(data), bat_end + 5 * (BLOCK + SECTOR) + 512)
        self.assertEqual(data[blocks[0]:blocks[0] + 512], b"\xff" * 512, "all sectors marked")
        # The uuid names the VDI too, the path may lack its slash, the session be a cookie.
        uuid = ok(self.p.VDI.get_uuid(self.s, vdi))
        self.assertEqual(data[68:84].hex(), uuid.replace("-", ""), "the footer's uuid")
        c = self.conn()
        c.request("GET", "/export_raw_vdi?format=vhd&vdi=%s" % uuid,
                  headers={"Cookie": "session_id=%s" % self.s})
        r = c.getresponse()
        again = r.read()
        c.close()
        self.assertEqual(r.status, 200)
        self.assertEqual(len(again), len(data))
        self.assertEqual(again[512:-512], data[512:-512], "the footers' time stamps may differ")

    def test_an_empty_disk(self):
        vdi = self.vdi(4 * MIB)
        status, _, vhd = self.export(vdi)
        self.assertEqual(status, 200)
        self.assertEqual(os.path.getsize(vhd), 2048 + 512 + 512, "no blocks")
        self.assertEqual(sha256(self.to_raw(vhd)), sha256(self.path(vdi)))
        other = self.vdi(4 * MIB)
        self.write(other, MIB, b"old data")
        rec = self.put_task(other, vhd)
        self.assertEqual(rec["status"], "success", rec["error_info"])
        self.assertEqual(sha256(self.path(other)), sha256(self.path(vdi)), "now all zeros")

    def test_import_of_qemu_img_vhds(self):
        size = 40 * MIB
        raw = os.path.join(self.tmp, "qemu-source.raw")
        with open(raw, "wb") as f:
            f.truncate(size)
            for off in (0, 7 * MIB + 5, 20 * MIB, size - 4096):
                f.seek(off)
                f.write(os.urandom(4096))
        for sub in ("dynamic", "fixed"):
            with self.subTest(sub):
                vhd = os.path.join(self.tmp, "qemu-%s.vhd" % sub)
                self.qemu("convert", "-f", "raw", "-O", "vpc", "-o", "subformat=" + sub, raw,
                          vhd)
                vdi = self.vdi(size)
                self.write(vdi, 30 * MIB, b"whatever was there goes")
                # qemu-img rounds the disk up to a whole geometry: a VHD a little larger
                # than the VDI, nothing but zeros past its end, is taken as XAPI takes it.
                rec = self.put_task(vdi, vhd)
                self.assertEqual(rec["status"], "success", rec["error_info"])
                self.assertIn(vdi, rec["result"])
                self.assertEqual(os.path.getsize(self.path(vdi)), size)
                self.assertEqual(sha256(self.path(vdi)), sha256(raw))
                self.assertEqual(self.leftovers(vdi), [])
        # Physical utilisation follows the new file, which stays sparse.
        used = int(ok(self.p.VDI.get_physical_utilisation(self.s, vdi)))
        self.assertLess(used, 8 * MIB)

    def test_export_then_import_round_trip(self):
        size = 24 * MIB
        a, b = self.vdi(size), self.vdi(size)
        self.scattered(a, size)
        status, _, vhd = self.export(a)
        self.assertEqual(status, 200)
        status, body = self.put(b, vhd, path="/import_raw_vdi")
        self.assertEqual((status, body), (200, b""))
        # The connection closes once the import is done.
        self.assertEqual(sha256(self.path(b)), sha256(self.path(a)))

    def test_sector_bitmaps(self):
        # XO's layout, blocks out of index order, and bitmaps marking only some sectors:
        # a dynamic disk's unmarked sectors are zeros, a differencing disk's keep what the
        # VDI held.
        size = 8 * MIB
        marked = (0, 1, 7, 100, 4095)
        a = os.urandom(BLOCK)
        vhds = {
            3: make_vhd(3, size, {2: (bitmap(*marked), a), 0: (bitmap(5), a)}),
            4: make_vhd(4, size, {2: (bitmap(*marked), a), 0: (bitmap(5), a)}),
        }
        for disk_type, vhd in vhds.items():
            with self.subTest(disk_type):
                vdi = self.vdi(size)
                self.write(vdi, 0, b"B" * size)
                rec = self.put_task(vdi, vhd)
                self.assertEqual(rec["status"], "success", rec["error_info"])
                data = open(self.path(vdi), "rb").read()
                keep = b"B" if disk_type == 4 else b"\0"
                want = bytearray(keep * size)
                for s in marked:
                    at = 2 * BLOCK + s * SECTOR
                    want[at:at + SECTOR] = a[s * SECTOR:(s + 1) * SECTOR]
                want[5 * SECTOR:6 * SECTOR] = a[5 * SECTOR:6 * SECTOR]
                self.assertEqual(data, bytes(want))

    def test_import_of_unknown_length(self):
        # XO streams a VHD it cannot size with a Content-Length of 1 PiB and waits for the
        # answer: the VHD's own end (its footer) ends the import.
        size = 24 * MIB
        a, b = self.vdi(size), self.vdi(size)
        self.scattered(a, size)
        vhd = open(self.export(a)[2], "rb").read()
        task = ok(self.p.task.create(self.s, "import", "unknown length"))
        with socket.create_connection(("127.0.0.1", self.server.port), 60) as c:
            c.sendall(("PUT /import_raw_vdi/?format=vhd&vdi=%s&session_id=%s&task_id=%s "
                       "HTTP/1.1\r\nContent-Length: %d\r\n\r\n"
                       % (b, self.s, task, 1 << 50)).encode() + vhd)
            answer = c.makefile("rb").read()      # the server closes when it is done
        self.assertTrue(answer.startswith(b"HTTP/1.1 200 "), answer)
        rec = self.wait_task(task)
        self.assertEqual(rec["status"], "success", rec["error_info"])
        self.assertEqual(sha256(self.path(b)), sha256(self.path(a)))

    def test_delta_of_three_blocks_applies_onto_the_base(self):
        size = 4 * GIB
        vdi = self.vdi(size)
        for off in (0, 100 * MIB, GIB + 5, 3 * GIB):
            self.write(vdi, off, os.urandom(3 * MIB))
        snap = ok(self.p.VDI.snapshot(self.s, vdi, {}))
        # Three scattered blocks change after the snapshot.
        for off in (100 * MIB + 4096, 2 * GIB, size - BLOCK + 77):
            self.write(vdi, off, os.urandom(1000))
        start = time.monotonic()
        status, _, delta = self.export(vdi, "&base=" + snap)
        took = time.monotonic() - start
        self.assertEqual(status, 200)
        n = os.path.getsize(delta)
        self.assertLessEqual(n, 7 * MIB, "only the blocks that changed")
        self.assertEqual(n, 2048 + 8192 + 3 * (BLOCK + SECTOR) + 512)
        self.assertLess(took, 60)
        data = open(delta, "rb").read(4096)
        self.assertEqual(struct.unpack(">I", data[60:64])[0], 4, "differencing")
        snap_uuid = ok(self.p.VDI.get_uuid(self.s, snap))
        self.assertEqual(data[512 + 40:512 + 56].hex(), snap_uuid.replace("-", ""),
                         "the parent's uuid")
        name = data[512 + 64:512 + 576].decode("utf-16-be").rstrip("\0")
        self.assertEqual(name, self.path(snap), "vhd-tool names the parent by its path")
        self.assertEqual(data[1536:1536 + 7 + len(name)], ("file://" + name).encode())
        self.assertIn('"format": "vpc"', self.qemu("info", "--output=json", delta))

        # As XO replicates: the delta onto a copy of the snapshot gives the disk.
        copy = ok(self.p.VDI.clone(self.s, snap, {}))
        self.assertNotEqual(sha256(self.path(copy)), sha256(self.path(vdi)))
        rec = self.put_task(copy, delta)
        self.assertEqual(rec["status"], "success", rec["error_info"])
        self.assertEqual(sha256(self.path(copy)), sha256(self.path(vdi)))
        # A base of another size is refused; so is one that is not a VDI.
        other = self.vdi(GIB)
        self.assertEqual(self.export(vdi, "&base=" + other)[0], 400)
        self.assertEqual(self.export(vdi, "&base=OpaqueRef:nope")[0], 404)

    def sample(self):
        """A small VHD of ours with two blocks, and the VDI it came from."""
        size = 8 * MIB
        vdi = self.vdi(size)
        self.write(vdi, 100, os.urandom(5000))
        self.write(vdi, 5 * MIB, os.urandom(5000))
        status, _, vhd = self.export(vdi)
        self.assertEqual(status, 200)
        return open(vhd, "rb").read()

    def test_bad_vhds_leave_the_vdi_as_it_was(self):
        good = self.sample()
        blocks = blocks_of(good)
        first, second = sorted(blocks.values())
        header = good[512:1536]

        def header_with(at, fmt, value):
            h = bytearray(header)
            struct.pack_into(fmt, h, at, value)
            return good[:512] + with_checksum(h, 36) + good[1536:]

        def bat_with(index, sector):
            b = bytearray(good)
            struct.pack_into(">I", b, 2048 + 4 * index, sector)
            return bytes(b)

        bigger = bytearray(good[:512])
        struct.pack_into(">Q", bigger, 48, 64 * MIB)     # a larger disk...
        bigger = with_checksum(bigger, 64)
        big = bytearray(bigger + header_with(28, ">I", 32)[512:-512] + bigger)
        struct.pack_into(">I", big, 2048 + 4 * 20, struct.unpack(">I", big[2048:2052])[0])
        struct.pack_into(">I", big, 2048, UNUSED)          # ...with data in block 20
        cases = {       # what is wrong: (the VHD, words of the error)
            "bad footer checksum": (good[:100] + b"X" + good[101:], "footer's checksum"),
            "bad header cookie": (good[:512] + b"cxspars!" + good[520:], "cxsparse"),
            "bad header checksum": (good[:600] + b"X" + good[601:], "header's checksum"),
            "block size 1 MiB": (header_with(32, ">I", MIB), "block size is not 2 MiB"),
            "BAT too small": (header_with(28, ">I", 2), "fewer entries"),
            "unsupported disk type": (with_checksum(
                good[:60] + struct.pack(">I", 5) + good[64:512], 64) + good[512:],
                "disk type"),
            "a block inside the BAT": (bat_with(0, 4), "before the end of the BAT"),
            "overlapping blocks": (bat_with(2, first // SECTOR + 1), "overlap"),
            "truncated in a block": (good[:second + 1000], "truncated"),
            "truncated footer": (good[:-100], "truncated"),
            "no footer at the end": (good[:-512] + bytes(512), "truncated"),
            "data past the VDI's end": (bytes(big), "past the VDI's end"),
            "not a VHD at all": (os.urandom(len(good)), "not a usable VHD"),
        }
        vdi = self.vdi(8 * MIB)
        self.write(vdi, 0, b"precious" * 1000)
        before = sha256(self.path(vdi))
        for why, (body, words) in cases.items():
            with self.subTest(why):
                rec = self.put_task(vdi, body)
                self.assertEqual(rec["status"], "failure")
                self.assertEqual(rec["error_info"][0], "VDI_IO_ERROR", rec["error_info"])
                self.assertIn(words, rec["error_info"][1])
                self.assertEqual(sha256(self.path(vdi)), before, "the VDI is untouched")
                self.assertEqual(self.leftovers(vdi), [])
        # The good one still goes in.
        rec = self.put_task(vdi, good)
        self.assertEqual(rec["status"], "success", rec["error_info"])
        self.assertNotEqual(sha256(self.path(vdi)), before)

    def test_refusals(self):
        vdi = self.vdi(4 * MIB)
        # Refused before the body is read: a short one is all sent before the answer.
        good = self.sample()[:4096]
        self.assertEqual(self.put(vdi, b"", "")[0], 200, "XO's probe: an empty body")
        self.assertEqual(self.put(vdi, b"short")[0], 400)
        ro = ok(self.p.VDI.create(self.s, {
            "name_label": "ro", "SR": self.sr, "virtual_size": str(4 * MIB), "type": "user",
            "sharable": False, "read_only": True, "other_config": {}}))
        status, body = self.put(ro, good)
        self.assertEqual(status, 403)
        self.assertIn(b"VDI_READONLY", body)
        self.assertEqual(self.export(vdi, "", path="/export_raw_vdi")[0], 200)
        for target, want in (
                ("/import_raw_vdi?format=vhd&vdi=%s" % vdi, 401),
                ("/import_raw_vdi?format=vhd&session_id=%s" % self.s, 400),
                ("/import_raw_vdi?format=vhd&session_id=%s&vdi=nope" % self.s, 404)):
            c = self.conn()
            c.request("PUT", target, good)
            self.assertEqual(c.getresponse().status, want, target)
            c.close()
        # No length: refused before a byte is read.
        with socket.create_connection(("127.0.0.1", self.server.port), 30) as s:
            s.sendall(("PUT /import_raw_vdi?format=vhd&vdi=%s&session_id=%s HTTP/1.1\r\n"
                       "Host: x\r\n\r\n" % (vdi, self.s)).encode())
            self.assertIn(b" 411 ", s.recv(4096).split(b"\r\n")[0] + b" ")

        # A disk a running VM has attached is not written under it.
        tpl = ok(self.p.VM.get_by_name_label(self.s, DEMO_TEMPLATE))[0]
        vm = ok(self.p.VM.clone(self.s, tpl, "vhd user"))
        ok(self.p.VM.set_is_a_template(self.s, vm, False))
        d = self.vdi(8 * MIB)
        ok(self.p.VBD.create(self.s, {
            "VM": vm, "VDI": d, "userdevice": "1", "bootable": False, "mode": "RW",
            "type": "Disk", "empty": False, "other_config": {}, "qos_algorithm_type": "",
            "qos_algorithm_params": {}}))
        ok(self.p.VM.start(self.s, vm, False, False))
        status, body = self.put(d, good)
        self.assertEqual(status, 409)
        self.assertIn(b"VDI_IN_USE", body)
        ok(self.p.VM.hard_shutdown(self.s, vm))
        rec = self.put_task(d, self.sample())
        self.assertEqual(rec["status"], "success", rec["error_info"])

    def test_too_large_for_a_vhd(self):
        vdi = self.vdi(2041 * GIB)
        task = ok(self.p.task.create(self.s, "export", "too large"))
        status, _, vhd = self.export(vdi, "&task_id=" + task)
        self.assertEqual(status, 200, "XAPI's headers go first")
        self.assertEqual(os.path.getsize(vhd), 0)
        rec = self.wait_task(task)
        self.assertEqual(rec["error_info"], ["VDI_TOO_LARGE", vdi, str(2040 * GIB)])


if __name__ == "__main__":
    unittest.main()
