"""Local storage on xapi-lite (sim backend; the files are real): a VDI is a sparse file in
its SR's directory, and PUT /import_raw_vdi and GET /export_raw_vdi move its bytes as
XAPI's handlers do, with the session in the query or a cookie and an optional task."""
import http.client
import os
import re
import socket
import time
import unittest
import xmlrpc.client

from xapi_server import MIB, ApiTest, ok


class Storage(ApiTest):
    originator = "storage"

    def http(self, method, target, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        c.request(method, target, body, headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data

    def put(self, vdi, data, extra=""):
        return self.http("PUT", "/import_raw_vdi?session_id=%s&vdi=%s&format=raw%s"
                         % (self.s, vdi, extra), data)

    def test_a_vdi_is_a_sparse_file(self):
        vdi = self.vdi(1024 * MIB)
        path = self.path(vdi)
        st = os.stat(path)
        self.assertEqual(st.st_size, 1024 * MIB)
        self.assertLess(st.st_blocks * 512, MIB, "sparse: nothing written yet")
        ok(self.p.VDI.resize(self.s, vdi, str(2048 * MIB)))
        self.assertEqual(os.stat(path).st_size, 2048 * MIB)
        self.assertEqual(ok(self.p.VDI.get_virtual_size(self.s, vdi)), str(2048 * MIB))
        ok(self.p.VDI.destroy(self.s, vdi))
        self.assertFalse(os.path.exists(path), "destroy removes the file")

    def test_iso_library_holds_iso_files(self):
        vdi = self.vdi(MIB, self.iso_sr)
        self.assertTrue(self.path(vdi).endswith(".iso"), self.path(vdi))
        self.assertEqual(ok(self.p.SR.get_content_type(self.s, self.iso_sr)), "iso")

    def test_upload_then_download_the_same_bytes(self):
        vdi = self.vdi()
        data = os.urandom(MIB + 12345)
        status, body = self.put(vdi, data)
        self.assertEqual((status, body), (200, b""))
        status, back = self.http("GET", "/export_raw_vdi?session_id=%s&vdi=%s&format=raw"
                                 % (self.s, vdi))
        self.assertEqual(status, 200)
        self.assertEqual(len(back), 4 * MIB, "the whole disk comes back")
        self.assertEqual(back[:len(data)], data)
        self.assertEqual(back[len(data):], bytes(4 * MIB - len(data)))
        # The uuid names the VDI too, and the session may come as a cookie.
        uuid = ok(self.p.VDI.get_uuid(self.s, vdi))
        status, back2 = self.http("GET", "/export_raw_vdi?vdi=%s" % uuid,
                                  headers={"Cookie": "session_id=%s" % self.s})
        self.assertEqual((status, back2), (200, back))
        self.assertGreaterEqual(int(ok(self.p.VDI.get_physical_utilisation(self.s, vdi))),
                                len(data) // 4096 * 4096)

    def test_copy_keeps_the_data_and_the_holes(self):
        vdi = self.vdi(64 * MIB)
        head, tail = os.urandom(MIB), os.urandom(4096)
        self.assertEqual(self.put(vdi, head)[0], 200)
        with open(self.path(vdi), "r+b") as f:     # a guest wrote near the end too
            f.seek(60 * MIB)
            f.write(tail)
        ok(self.p.VDI.set_name_label(self.s, vdi, "original"))
        task = ok(self.p.Async.VDI.copy(self.s, vdi, self.sr))
        self.wait_task(task, 60)
        self.assertEqual(ok(self.p.task.get_status(self.s, task)), "success",
                         ok(self.p.task.get_error_info(self.s, task)))
        # XAPI's task result: the value as XML-RPC, <value>OpaqueRef:...</value>.
        copy = re.search(r"OpaqueRef:[0-9a-f-]{36}", ok(self.p.task.get_result(self.s, task)))[0]
        rec = ok(self.p.VDI.get_record(self.s, copy))
        self.assertEqual((rec["name_label"], rec["virtual_size"], rec["SR"]),
                         ("original", str(64 * MIB), self.sr))
        with open(self.path(copy), "rb") as f:
            data = f.read()
        self.assertEqual(len(data), 64 * MIB)
        self.assertEqual((data[:MIB], data[60 * MIB:60 * MIB + 4096]), (head, tail))
        self.assertEqual(data[MIB:60 * MIB], bytes(59 * MIB))
        self.assertLess(os.stat(self.path(copy)).st_blocks * 512, 8 * MIB, "still sparse")

        # Into an existing VDI: it must be large enough.
        small, big = self.vdi(MIB), self.vdi(64 * MIB)
        self.assertEqual(self.p.VDI.copy(self.s, vdi, self.sr, "OpaqueRef:NULL", small)
                         ["ErrorDescription"][0], "VDI_TOO_SMALL")
        self.assertEqual(ok(self.p.VDI.copy(self.s, vdi, self.sr, "OpaqueRef:NULL", big)), big)
        with open(self.path(big), "rb") as f:
            self.assertEqual(f.read(MIB), head)
        self.assertEqual(self.p.VDI.copy(self.s, vdi, "OpaqueRef:nope")["ErrorDescription"],
                         ["HANDLE_INVALID", "SR", "OpaqueRef:nope"])

    def test_upload_finishes_its_task(self):
        vdi = self.vdi()
        task = ok(self.p.task.create(self.s, "upload", "an ISO"))
        self.assertEqual(self.put(vdi, b"x" * 1000, "&task_id=" + task)[0], 200)
        self.assertEqual(ok(self.p.task.get_status(self.s, task)), "success")
        self.assertIn(vdi, ok(self.p.task.get_result(self.s, task)))

    def test_keep_alive_after_an_upload(self):
        vdi = self.vdi()
        c = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        c.request("PUT", "/import_raw_vdi?session_id=%s&vdi=%s" % (self.s, vdi), b"abc")
        r = c.getresponse()
        r.read()
        self.assertEqual(r.status, 200)
        c.request("POST", "/", xmlrpc.client.dumps((self.s, vdi), "VDI.get_uuid"),
                  {"Content-Type": "text/xml"})
        r = c.getresponse()
        self.assertIn(b"Success", r.read())
        c.close()

    def test_bad_transfers_are_refused_and_write_nothing(self):
        vdi = self.vdi(MIB)
        path = self.path(vdi)
        cases = [
            ("PUT", "/import_raw_vdi?vdi=%s" % vdi, 401),
            ("PUT", "/import_raw_vdi?session_id=OpaqueRef:nope&vdi=%s" % vdi, 401),
            ("PUT", "/import_raw_vdi?session_id=%s" % self.s, 400),
            ("PUT", "/import_raw_vdi?session_id=%s&vdi=nope" % self.s, 404),
            ("PUT", "/import_raw_vdi?session_id=%s&vdi=%s&format=qcow2" % (self.s, vdi), 400),
            ("PUT", "/import_raw_vdi?session_id=%s&vdi=%s&task_id=x" % (self.s, vdi), 404),
            ("PUT", "/import_raw_vdi?session_id=%s&vdi=%%zz" % self.s, 400),
            ("POST", "/import_raw_vdi?session_id=%s&vdi=%s" % (self.s, vdi), 405),
            ("GET", "/export_raw_vdi?session_id=%s&vdi=OpaqueRef:NULL" % self.s, 404),
        ]
        for method, target, want in cases:
            with self.subTest(target=target):
                status, body = self.http(method, target, b"y" * 100)
                self.assertEqual(status, want, body)
                self.assertTrue(body.strip(), "a refusal says why")
        # One byte more than the disk: refused from its Content-Length, before any of
        # the body is written (a client that waits for "100 Continue" sends none).
        with socket.create_connection(("127.0.0.1", self.server.port), 30) as c:
            c.sendall(("PUT /import_raw_vdi?session_id=%s&vdi=%s HTTP/1.1\r\n"
                       "Content-Length: %d\r\n\r\n" % (self.s, vdi, MIB + 1)).encode()
                      + b"z" * 1000)
            answer = c.makefile("rb").read()
        self.assertTrue(answer.startswith(b"HTTP/1.1 413 "), answer)
        self.assertIn(b"larger than the VDI", answer)
        self.assertEqual(os.stat(path).st_size, MIB, "nothing written past the disk")
        with open(path, "rb") as f:
            self.assertEqual(f.read(), bytes(MIB), "nothing written at all")

    def test_a_client_that_hangs_up_fails_the_task(self):
        vdi = self.vdi()
        task = ok(self.p.task.create(self.s, "upload", "cut short"))
        with socket.create_connection(("127.0.0.1", self.server.port)) as c:
            c.sendall(("PUT /import_raw_vdi?session_id=%s&vdi=%s&task_id=%s HTTP/1.1\r\n"
                       "Content-Length: 1000000\r\n\r\n" % (self.s, vdi, task)).encode()
                      + b"q" * 1000)
        self.wait_task(task, 30)
        self.assertEqual(ok(self.p.task.get_status(self.s, task)), "failure")
        self.assertIn("went away", " ".join(ok(self.p.task.get_error_info(self.s, task))))
        # The server goes on serving.
        self.assertEqual(ok(self.p.VDI.get_uuid(self.s, vdi)),
                         ok(self.p.VDI.get_uuid(self.s, vdi)))


    def test_a_vdi_destroyed_during_its_upload_fails_it(self):
        vdi = self.vdi(MIB)
        task = ok(self.p.task.create(self.s, "upload", "destroyed under it"))
        with socket.create_connection(("127.0.0.1", self.server.port), 30) as c:
            c.sendall(("PUT /import_raw_vdi?session_id=%s&vdi=%s&task_id=%s HTTP/1.1\r\n"
                       "Content-Length: %d\r\n\r\n" % (self.s, vdi, task, MIB)).encode()
                      + b"a" * 4096)
            # Once the first bytes are in, the VDI goes; the rest of the body follows.
            path, deadline = self.path(vdi), time.monotonic() + 30
            while time.monotonic() < deadline:
                with open(path, "rb") as f:
                    if f.read(1) == b"a":
                        break
                time.sleep(0.05)
            else:
                self.fail("the upload's first bytes never reached the VDI's file")
            ok(self.p.VDI.destroy(self.s, vdi))
            try:
                c.sendall(b"b" * (MIB - 4096))
            except (BrokenPipeError, ConnectionResetError):
                pass
            # The server answers and closes while the body still comes: the answer may be
            # lost to the reset that follows; the task says what happened either way.
            try:
                answer = c.makefile("rb").read()
            except ConnectionResetError:
                answer = None
        if answer:
            self.assertTrue(answer.startswith(b"HTTP/1.1 500 "), answer[:200])
            self.assertIn(b"destroyed during the upload", answer)
        self.wait_task(task, 30)
        self.assertEqual(ok(self.p.task.get_status(self.s, task)), "failure")
        self.assertIn("destroyed", " ".join(ok(self.p.task.get_error_info(self.s, task))))

if __name__ == "__main__":
    unittest.main(verbosity=2)
