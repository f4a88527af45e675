"""The transfer handlers' plumbing (xapi-lite/handoff.c): GET /export, PUT /import and the
VHD disk streams run in worker processes that own the client's socket. XO's empty-body
probe makes nothing; a reply names its task (task-id) as XAPI's does; at most
XAPI_MAX_TRANSFERS run at once and the next is refused with 503 until one ends; a
cancelled task stops its worker and leaves nothing behind; the server keeps answering
calls while transfers stall."""
import http.client
import os
import socket
import time
import unittest
import xmlrpc.client

from xapi_server import MIB, PASSWORD, ApiTest, Server, ok

MAX_TRANSFERS = 8       # XAPI_MAX_TRANSFERS (xapi_limits.h)
PER_CLIENT = 4          # XAPI_MAX_TRANSFERS_PER_CLIENT
DEADLINE = 30           # seconds for a state the server reaches in well under one


class TransferTest(ApiTest):
    """What the tests below share (no tests of its own)."""
    originator = "transfers"

    def counts(self):
        return {cls: len(ok(getattr(self.p, cls).get_all(self.s)))
                for cls in ("VM", "VDI", "VBD", "VIF", "task")}

    def sr_files(self):
        if not hasattr(self, "sr_dir"):
            self.sr_dir = os.path.dirname(self.path(self.vdi(MIB, name="a file in the SR")))
        return sorted(os.listdir(self.sr_dir))

    def request(self, method, target, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=DEADLINE)
        c.request(method, target, body, headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r, data

    def stalled_import(self, client=None):
        """A PUT /import/ whose body never comes: its worker waits on the socket. client
        is the address a PROXY line gives (as stunnel does), or None."""
        c = socket.create_connection(("127.0.0.1", self.server.port), DEADLINE)
        proxy = "PROXY TCP4 %s 127.0.0.1 5000 443\r\n" % client if client else ""
        c.sendall((proxy + "PUT /import/?session_id=%s&sr_id=%s HTTP/1.1\r\nHost: x\r\n"
                   "Content-Length: %d\r\n\r\n" % (self.s, self.sr, 64 * MIB)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            got = c.recv(4096)
            self.assertTrue(got, "the import's head never came: %r" % head)
            head += got
        return c, head.decode(errors="replace")

    def wait_for(self, what, check):
        deadline = time.monotonic() + DEADLINE
        while not check():
            self.assertLess(time.monotonic(), deadline, what)
            time.sleep(0.05)



class Transfers(TransferTest):
    def test_xo_probe_makes_nothing(self):
        files = self.sr_files()
        before = self.counts()
        for target in ("/import/?session_id=%s&sr_id=%s", "/import?session_id=%s&sr_id=%s"):
            r, body = self.request("PUT", target % (self.s, self.sr), b"")
            self.assertEqual((r.status, body), (200, b""), target)
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.sr_files(), files)

    def test_bad_requests_are_refused_before_a_worker(self):
        vm = self.template_vm("refusals")
        cases = [
            ("PUT", "/export/?session_id=%s&ref=%s" % (self.s, vm), 405),
            ("GET", "/import/?session_id=%s&sr_id=%s" % (self.s, self.sr), 405),
            ("GET", "/export/?session_id=%s&ref=%s&task_id=OpaqueRef:nope" % (self.s, vm),
             404),
        ]
        for method, target, status in cases:
            r, body = self.request(method, target, b"" if method == "PUT" else None)
            self.assertEqual(r.status, status, (method, target, body))

    def test_the_import_names_its_task_and_stalls_alone(self):
        c, head = self.stalled_import()
        try:
            self.assertTrue(head.startswith("HTTP/1.1 200 OK\r\n"), head)
            task = [l.split(":", 1)[1].strip() for l in head.split("\r\n")
                    if l.lower().startswith("task-id:")]
            self.assertEqual(len(task), 1, head)
            self.assertEqual(ok(self.p.task.get_status(self.s, task[0])), "pending")
            # The loop is not held up by the stalled transfer.
            self.assertTrue(ok(self.p.VM.get_all(self.s)) is not None)
        finally:
            c.close()
        # The client went away: the worker fails, and the task made for the request
        # goes with it, as XAPI's does.
        self.wait_for("the import's own task is gone", lambda: self.p.task.get_status(
            self.s, task[0])["Status"] == "Failure")

    def refused(self, client):
        c, head = None, ""
        try:
            c, head = self.stalled_import(client)
        finally:
            if c is not None:
                c.close()
        return head

    def test_at_most_max_transfers_then_503(self):
        # One client gets PER_CLIENT; others still get theirs, up to MAX_TRANSFERS in all.
        clients = ["192.0.2.%d" % i for i in range(1, MAX_TRANSFERS // PER_CLIENT + 2)]
        stalled = []
        try:
            for client in clients[:-1]:
                stalled += [self.stalled_import(client)[0] for _ in range(PER_CLIENT)]
                head = self.refused(client)
                self.assertTrue(head.startswith("HTTP/1.1 503"), head)
                self.assertIn("too many exports and imports", head)
            head = self.refused(clients[-1])
            self.assertTrue(head.startswith("HTTP/1.1 503"), "%d in all: %s"
                            % (MAX_TRANSFERS, head))
            # Calls go on meanwhile.
            ok(self.p.VM.get_all(self.s))
            stalled.pop().close()

            def a_slot_is_free():
                c, got = self.stalled_import(clients[-1])
                if got.startswith("HTTP/1.1 200"):
                    stalled.append(c)
                    return True
                c.close()
                return False
            self.wait_for("a slot frees once a transfer ends", a_slot_is_free)
        finally:
            for c in stalled:
                c.close()

    def test_task_cancel_stops_the_worker(self):
        task = ok(self.p.task.create(self.s, "import", ""))
        before = self.counts()
        c = socket.create_connection(("127.0.0.1", self.server.port), DEADLINE)
        try:
            c.sendall(("PUT /import/?session_id=%s&sr_id=%s&task_id=%s HTTP/1.1\r\n"
                       "Host: x\r\nContent-Length: %d\r\n\r\n"
                       % (self.s, self.sr, task, 64 * MIB)).encode())
            self.assertTrue(c.recv(64).startswith(b"HTTP/1.1 200"))
            ok(self.p.task.cancel(self.s, task))
            # The worker is gone: the server closes the connection.
            c.settimeout(DEADLINE)
            rest = c.recv(4096)
            while rest:
                rest = c.recv(4096)
        finally:
            c.close()
        self.assertEqual(ok(self.p.task.get_status(self.s, task)), "cancelled")
        after = self.counts()
        self.assertEqual((after["VM"], after["VDI"]), (before["VM"], before["VDI"]))


class CrashLeftovers(unittest.TestCase):
    """What transfers cut short by a crash left (an import's work directory and a VHD
    import's temporary file in the SR, an export's ova.xml in the state) is gone after
    the next start; the VDIs' files stay."""

    def test_a_restart_sweeps_them(self):
        server = Server()
        try:
            p = xmlrpc.client.ServerProxy(server.url)
            s = ok(p.session.login_with_password("root", PASSWORD, "1.0", "sweep"))
            sr = [r for r in ok(p.SR.get_all(s)) if ok(p.SR.get_type(s, r)) == "file"][0]
            vdi = ok(p.VDI.create(s, {
                "name_label": "kept", "SR": sr, "virtual_size": str(MIB), "type": "user",
                "sharable": False, "read_only": False, "other_config": {}}))
            sr_dir = os.path.join(server.state, "sr")
            kept = os.path.join(sr_dir, ok(p.VDI.get_location(s, vdi)))
            server.kill()
            os.makedirs(os.path.join(sr_dir, ".xva-import.abc123"))
            with open(os.path.join(sr_dir, ".xva-import.abc123", "0"), "wb") as f:
                f.write(b"half an import")
            leftovers = [os.path.join(sr_dir, ".xva-import.abc123"),
                         os.path.join(sr_dir, ".import-0f0f"),
                         os.path.join(server.state, "xva-export-AbC123")]
            for path in leftovers[1:]:
                with open(path, "wb") as f:
                    f.write(b"x")
            server = Server(workdir=server.dir)
            for path in leftovers:
                self.assertFalse(os.path.exists(path), path)
            self.assertTrue(os.path.exists(kept), "a VDI's file stays")
        finally:
            server.stop()
            server.remove()


class StalledClient(TransferTest):
    """--transfer-timeout: a client that stops sending fails its transfer."""
    extra = ["--transfer-timeout", "2"]

    def test_a_stalled_client_times_out(self):
        task = ok(self.p.task.create(self.s, "import", ""))
        c = socket.create_connection(("127.0.0.1", self.server.port), DEADLINE)
        c.sendall(("PUT /import/?session_id=%s&sr_id=%s&task_id=%s HTTP/1.1\r\nHost: x\r\n"
                   "Content-Length: %d\r\n\r\n" % (self.s, self.sr, task, MIB)).encode())
        try:
            # --transfer-timeout 2: the worker gives up on the silent client.
            self.wait_for("the stalled import's task failed", lambda: ok(
                self.p.task.get_status(self.s, task)) == "failure")
        finally:
            c.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
