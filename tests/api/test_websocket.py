"""API tests of the browser consoles: GET /console with Upgrade: websocket, as Xen
Orchestra (the `ws` package, subprotocol "binary", the session in a cookie) and XO Lite's
noVNC (the session in the query) open it, on the sim backend whose text consoles are a small
line console in xapi-lite (it shows "sim# ", echoes what is typed and answers each line with
"sim: <line>"). The WebSocket client here is Python's own socket code, RFC 6455 by hand.
"""
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import unittest
import xmlrpc.client

from ws_client import DEADLINE, Ws
from xapi_server import ApiTest, PASSWORD, Server, ok, server_on_path

RELEASE = os.environ.get("XAPI_LITE_RELEASE")
XO_WS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "xo-ws")
WS_MAX_FRAME = 64 * 1024        # lib/ws.h: the largest frame payload taken from a client
WS_MAX_CONTROL = 125
WS_MAX_HANDSHAKES = 16  # xapi-lite/websocket.h: key hashes (openssl helpers) at once
SIM_LINE_MAX = 256      # xapi-lite/console_sim.c: longer lines are answered cut short
SLOW_HASH = 3           # seconds the stand-in openssl takes over a key's SHA-1
MiB = 1024 * 1024
FLOOD_RSS = 16 * MiB    # xapi-lite's growth while a client floods a console, never reading


def proc_rss(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def start_vm(p, s, name, hvm=False):
    tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
    vm = ok(p.VM.clone(s, tpl, name))
    ok(p.VM.set_is_a_template(s, vm, False))
    if hvm:
        ok(p.VM.set_HVM_boot_policy(s, vm, "BIOS order"))
        ok(p.VM.set_domain_type(s, vm, "hvm"))
    ok(p.VM.start(s, vm, False, False))
    return vm, ok(p.VM.get_consoles(s, vm))[0]


class WebSocketConsole(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vm, cls.console = start_vm(cls.p, cls.s, "ws console")
        cls.uuid = ok(cls.p.console.get_uuid(cls.s, cls.console))

    def ws(self, target=None, port=None, **kw):
        port = port or self.server.port
        c = Ws(socket.create_connection(("127.0.0.1", port), DEADLINE),
               "127.0.0.1:%d" % port, target or "/console?ref=%s&session_id=%s" % (
            self.console, self.s), **kw)
        self.addCleanup(c.close)
        return c

    def test_handshake_echoes_binary_and_the_console_speaks(self):
        # open() checks Sec-WebSocket-Accept against hashlib's SHA-1 of the key.
        c = self.ws()
        headers = c.open(self)
        self.assertEqual(headers.get("sec-websocket-protocol"), "binary", headers)
        self.assertEqual(headers.get("upgrade", "").lower(), "websocket", headers)
        self.assertIn(b"sim# ", c.read_until(b"sim# "))

    def test_no_subprotocol_offered_none_answered(self):
        # The `ws` client fails a handshake that answers a protocol it did not offer.
        c = self.ws(protocols=())
        self.assertNotIn("sec-websocket-protocol", c.open(self))

    def test_cookie_session_and_uuid_as_xo_sends_them(self):
        c = self.ws("/console?uuid=%s" % self.uuid,
                    headers={"Cookie": "session_id=%s" % self.s},
                    protocols=("binary",))
        c.open(self)
        c.read_until(b"sim# ")

    def test_bytes_both_ways_binary_text_and_fragmented(self):
        c = self.ws()
        c.open(self)
        c.read_until(b"sim# ")
        c.send(2, b"hello\r")
        self.assertIn(b"sim: hello\r\n", c.read_until(b"sim: hello\r\n"))
        c.send(1, "text é\r".encode())
        self.assertIn("sim: text é".encode(), c.read_until("sim: text é".encode()))
        # One message in three fragments with a ping between them.
        c.send(2, b"fr", fin=False)
        c.send(0, b"ag", fin=False)
        c.send(9, b"between")
        c.send(0, b"ments\r", fin=True)
        got = b""
        pong = None
        deadline = time.monotonic() + DEADLINE
        while b"sim: fragments\r\n" not in got or pong is None:
            fin, op, payload = c.frame(max(0.01, deadline - time.monotonic()))
            if op == 10:
                pong = payload
            else:
                self.assertEqual(op, 2, payload)
                got += payload
        self.assertEqual(pong, b"between")

    def test_ping_gets_its_payload_back(self):
        c = self.ws()
        c.open(self)
        c.send(9, b"p" * WS_MAX_CONTROL)
        deadline = time.monotonic() + DEADLINE
        while True:
            fin, op, payload = c.frame(max(0.01, deadline - time.monotonic()))
            if op == 10:
                break
            self.assertEqual(op, 2, payload)
        self.assertEqual(payload, b"p" * WS_MAX_CONTROL)

    def test_close_is_answered_with_its_code_and_ends(self):
        c = self.ws()
        c.open(self)
        c.send(8, struct.pack(">H", 1000) + b"bye")
        self.assertEqual(c.close_frame()[0], 1000)
        self.assertTrue(c.at_eof(), "the connection ends after the close")

    def test_a_close_with_a_reserved_code_closes_1002(self):
        self.protocol_error(lambda c: c.send(8, struct.pack(">H", 1005)))
        self.protocol_error(lambda c: c.send(8, b"\x03"))

    def test_a_close_without_a_code_is_answered_1000(self):
        c = self.ws()
        c.open(self)
        c.send(8)
        self.assertEqual(c.close_frame()[0], 1000)
        self.assertTrue(c.at_eof())

    def test_bad_handshakes_are_refused(self):
        base = "/console?ref=%s&session_id=%s" % (self.console, self.s)
        for name, kw, want in [
                ("no session", {"target": "/console?ref=%s" % self.console}, 401),
                ("bad session", {"target": "/console?ref=%s&session_id=OpaqueRef:x"
                                 % self.console}, 401),
                ("bad ref", {"target": "/console?ref=OpaqueRef:nope&session_id=%s"
                             % self.s}, 404),
                ("no ref", {"target": "/console?session_id=%s" % self.s}, 400),
                ("no key", {"key": ""}, 501),
                ("not a key", {"key": "c2hvcnQ="}, 400),
                ("no upgrade", {"headers": {"Upgrade": None}}, 501),
                ("version 8", {"version": "8"}, 426)]:
            with self.subTest(name):
                target = kw.pop("target", base)
                c = self.ws(target, **kw)
                status, headers, line = c.handshake()
                self.assertEqual(status, want, (line, headers, c.rest))
                self.assertTrue(c.rest.strip(), "a refusal says why")
                if want == 426:
                    self.assertEqual(headers.get("sec-websocket-version"), "13")
                self.assertTrue(c.at_eof(), "a refused handshake closes")

    def test_plain_get_console_is_501_as_xapi(self):
        c = socket.create_connection(("127.0.0.1", self.server.port), DEADLINE)
        self.addCleanup(c.close)
        c.sendall(b"GET /console?ref=%s&session_id=%s HTTP/1.1\r\nHost: x\r\n\r\n" % (
            self.console.encode(), self.s.encode()))
        self.assertTrue(c.recv(4096).startswith(b"HTTP/1.1 501 "))

    def protocol_error(self, send, want=1002):
        c = self.ws()
        c.open(self)
        c.read_until(b"sim# ")
        send(c)
        code, reason = c.close_frame()
        self.assertEqual(code, want, reason)
        self.assertTrue(reason, "the close says why")
        self.assertTrue(c.at_eof(), "the connection ends")
        return reason

    def test_unmasked_client_frame_closes_1002(self):
        self.assertIn(b"masked", self.protocol_error(lambda c: c.send(2, b"x\r", mask=False)))

    def test_oversized_frame_closes_1009(self):
        def big(c):
            c.send(2, b"", raw_len=WS_MAX_FRAME + 1)
        self.protocol_error(big, want=1009)

    def test_largest_frame_passes(self):
        c = self.ws()
        c.open(self)
        c.read_until(b"sim# ")
        c.send(2, b"y" * (WS_MAX_FRAME - 1) + b"\r")
        c.read_until(b"sim: yyyy")

    def test_long_or_fragmented_control_frames_close_1002(self):
        self.protocol_error(lambda c: c.send(9, b"p" * (WS_MAX_CONTROL + 1)))
        self.protocol_error(lambda c: c.send(9, b"p", fin=False))
        self.protocol_error(lambda c: c.send(0, b"orphan continuation"))
        self.protocol_error(lambda c: c.send(3, b"reserved opcode"))

    def test_new_message_inside_a_fragmented_one_closes_1002(self):
        def interleave(c):
            c.send(2, b"a", fin=False)
            c.send(2, b"b")
        self.protocol_error(interleave)

    def test_early_frames_sent_with_the_handshake_are_kept(self):
        c = self.ws()
        key = os.urandom(4)
        payload = b"early\r"
        frame = bytes([0x82, 0x80 | len(payload)]) + key + bytes(
            b ^ key[i % 4] for i, b in enumerate(payload))
        c.request += frame.decode("latin-1")
        status, headers, line = c.handshake()
        self.assertEqual(status, 101, line)
        c.read_until(b"sim: early")

    def test_rfb_console_on_the_sim_is_503(self):
        vm, con = start_vm(self.p, self.s, "ws hvm", hvm=True)
        self.assertEqual(ok(self.p.console.get_protocol(self.s, con)), "rfb")
        c = self.ws("/console?ref=%s&session_id=%s" % (con, self.s))
        status, headers, line = c.handshake()
        self.assertEqual(status, 503, (line, c.rest))
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_a_long_line_is_answered_cut_short(self):
        c = self.ws()
        c.open(self)
        c.read_until(b"sim# ")
        c.send(2, b"z" * (SIM_LINE_MAX + 44) + b"\r")
        got = c.read_until(b"\r\nsim# ")
        self.assertIn(b"sim: " + b"z" * SIM_LINE_MAX + b"\r\n", got)
        self.assertNotIn(b"sim: " + b"z" * (SIM_LINE_MAX + 1), got)

    def test_xo_servers_ws_package_opens_a_console(self):
        """The `ws` npm package, as xo-server's proxy-console uses it (xo-ws/console.mjs)."""
        node, npm = shutil.which("node"), shutil.which("npm")
        self.assertTrue(node and npm, "node and npm are needed (apt-get install nodejs npm)")
        if not os.path.exists(os.path.join(XO_WS_DIR, "node_modules", "ws", "package.json")):
            r = subprocess.run([npm, "install", "--no-package-lock", "--no-audit", "--no-fund"],
                               cwd=XO_WS_DIR, capture_output=True, text=True, timeout=900)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = subprocess.run([node, os.path.join(XO_WS_DIR, "console.mjs"),
                            "ws://127.0.0.1:%d/console?uuid=%s" % (self.server.port, self.uuid),
                            self.s], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("PASS ws console", r.stdout)

    def test_connect_still_works(self):
        c = socket.create_connection(("127.0.0.1", self.server.port), DEADLINE)
        self.addCleanup(c.close)
        c.sendall(b"CONNECT /console?ref=%s&session_id=%s HTTP/1.0\r\n\r\n" % (
            self.console.encode(), self.s.encode()))
        got = b""
        deadline = time.monotonic() + DEADLINE
        while b"sim# " not in got:
            self.assertLess(time.monotonic(), deadline, got)
            got += c.recv(4096)
        self.assertTrue(got.startswith(b"HTTP/1.1 200 OK\r\n\r\n"), got)
        c.sendall(b"over connect\r")
        while b"sim: over connect" not in got:
            self.assertLess(time.monotonic(), deadline, got)
            got += c.recv(4096)

    def slow_hash_server(self):
        """A server whose openssl takes SLOW_HASH seconds over a key; it, a session and a
        running VM's console path."""
        d = tempfile.mkdtemp(prefix="slow-openssl-")
        self.addCleanup(shutil.rmtree, d, True)
        with open(os.path.join(d, "openssl"), "w") as f:
            f.write('#!/bin/sh\n[ "$1" = dgst ] && sleep %d\nexec %s "$@"\n' % (
                SLOW_HASH, shutil.which("openssl")))
        os.chmod(os.path.join(d, "openssl"), 0o755)
        server = server_on_path(d)
        self.addCleanup(server.remove)
        self.addCleanup(server.stop)
        p = xmlrpc.client.ServerProxy(server.url)
        s = ok(p.session.login_with_password("root", PASSWORD, "1.0", "slow"))
        _, con = start_vm(p, s, "slow hash")
        return server, p, s, "/console?ref=%s&session_id=%s" % (con, s)

    def test_handshakes_wait_for_their_hash_without_holding_up_others(self):
        """With an openssl that takes SLOW_HASH seconds over a key, WS_MAX_HANDSHAKES
        handshakes wait for theirs while a login is answered at once; one more is 503."""
        server, p, s, target = self.slow_hash_server()
        waiting = [self.ws(target, port=server.port) for _ in range(WS_MAX_HANDSHAKES)]
        t0 = time.monotonic()
        for c in waiting:
            c.sock.sendall(c.request.encode())
            c.request = ""
        # Each is parked once its request is read: a call's answer shows they were.
        ok(p.session.get_uuid(s, s))
        extra = self.ws(target, port=server.port)
        status, headers, line = extra.handshake()
        self.assertEqual(status, 503, (line, extra.rest))
        self.assertIn(b"%d" % WS_MAX_HANDSHAKES, extra.rest)
        ok(p.session.login_with_password("root", PASSWORD, "1.0", "meanwhile"))
        self.assertLess(time.monotonic() - t0, SLOW_HASH, "answered while the hashes ran")
        for c in waiting:
            c.open(self, timeout=DEADLINE + SLOW_HASH)
            c.read_until(b"sim# ")

    def test_clients_that_close_still_hold_their_hash(self):
        """WS_MAX_HANDSHAKES clients that send a handshake and close at once leave their
        helpers running: one more handshake meanwhile is 503, not a seventeenth helper."""
        server, p, s, target = self.slow_hash_server()
        gone = [self.ws(target, port=server.port) for _ in range(WS_MAX_HANDSHAKES)]
        t0 = time.monotonic()
        for c in gone:
            c.sock.sendall(c.request.encode())
            c.request = ""
        ok(p.session.get_uuid(s, s))     # each is parked once its request is read
        for c in gone:
            c.sock.close()
        ok(p.session.get_uuid(s, s))     # ...and each close has been seen
        extra = self.ws(target, port=server.port)
        status, headers, line = extra.handshake()
        self.assertLess(time.monotonic() - t0, SLOW_HASH, "asked while the hashes ran")
        self.assertEqual(status, 503, (line, extra.rest))

    def flood(self, server, frame, seconds=3):
        """Sends frame over and over on a console it never reads, until the server has
        stopped taking bytes for `seconds`; returns the bytes it took."""
        c = self.ws("/console?ref=%s&session_id=%s" % (self.flood_console, self.s),
                    port=server.port)
        c.open(self)
        c.sock.setblocking(False)
        sent, stalled, data = 0, None, frame * max(1, 65536 // len(frame))
        view = memoryview(data)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                n = c.sock.send(view[sent % len(data):])
                sent += n
                stalled = None
            except BlockingIOError:
                if stalled is None:
                    stalled = time.monotonic()
                elif time.monotonic() - stalled > seconds:
                    return sent
                time.sleep(0.01)
        self.fail("xapi-lite took %d bytes in 60 s and kept taking them" % sent)

    def flood_test(self, frame):
        server = Server(binary=RELEASE)
        self.addCleanup(server.remove)
        self.addCleanup(server.stop)
        p = xmlrpc.client.ServerProxy(server.url)
        s = ok(p.session.login_with_password("root", PASSWORD, "1.0", "flood"))
        _, self.flood_console = start_vm(p, s, "flood")
        self.s, saved = s, self.s
        try:
            before = proc_rss(server.proc.pid)
            took = self.flood(server, frame)
            grew = proc_rss(server.proc.pid) - before
        finally:
            self.s = saved
        # What the sockets' buffers hold, and little more.
        self.assertLess(took, 64 * MiB, "took %d bytes, VmRSS grew %d" % (took, grew))
        if RELEASE:
            self.assertLess(grew, FLOOD_RSS, "VmRSS grew %d bytes; %d bytes taken" % (
                grew, took))
        # ... and it still answers others.
        ok(p.session.login_with_password("root", PASSWORD, "1.0", "after"))

    def test_a_client_typing_without_reading_is_held_back(self):
        # Each line typed makes output (echo and answer) the client never reads.
        key = b"\x01\x02\x03\x04"
        payload = b"line of typing\r" * 100
        frame = bytes([0x82, 0x80 | 126]) + struct.pack(">H", len(payload)) + key + bytes(
            b ^ key[i % 4] for i, b in enumerate(payload))
        self.flood_test(frame)

    def test_a_client_pinging_without_reading_is_held_back(self):
        key = b"\x01\x02\x03\x04"
        payload = b"p" * WS_MAX_CONTROL
        frame = bytes([0x89, 0x80 | len(payload)]) + key + bytes(
            b ^ key[i % 4] for i, b in enumerate(payload))
        self.flood_test(frame)


if __name__ == "__main__":
    unittest.main()
