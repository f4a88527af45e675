"""A WebSocket client (RFC 6455) on a socket of the caller's (plain or TLS), written with
Python's own socket code: the handshake, masked frames out, frames in. Used by the API
tests (tests/api/test_websocket.py) and the system tests on real Xen."""
import base64
import hashlib
import os
import socket
import struct
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
DEADLINE = 20           # seconds for anything the tests wait for


def accept_of(key):
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


class WsError(Exception):
    pass


class WsTimeout(WsError):
    pass


class Ws:
    """A WebSocket client on a plain socket. handshake() returns the status and headers
    (lower-case names); frames are sent masked unless told otherwise."""

    def __init__(self, sock, host, target, headers=None, protocols=("binary",), key=None,
                 version="13"):
        self.sock = sock
        self.key = key if key is not None else base64.b64encode(os.urandom(16)).decode()
        h = {"Host": host, "Upgrade": "websocket",
             "Connection": "Upgrade", "Sec-WebSocket-Version": version}
        if self.key:
            h["Sec-WebSocket-Key"] = self.key
        if protocols:
            h["Sec-WebSocket-Protocol"] = ", ".join(protocols)
        h.update(headers or {})
        h = {k: v for k, v in h.items() if v is not None}
        self.request = "GET %s HTTP/1.1\r\n%s\r\n" % (
            target, "".join("%s: %s\r\n" % kv for kv in h.items()))
        self.rest = b""
        self.seen = b""     # every payload received, for failure messages

    def handshake(self, timeout=DEADLINE):
        self.sock.sendall(self.request.encode("latin-1"))
        data = b""
        deadline = time.monotonic() + timeout
        self.sock.settimeout(timeout)
        while b"\r\n\r\n" not in data:
            if time.monotonic() > deadline:
                raise WsError("no reply to the handshake: %r" % data)
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            data += chunk
        head, _, self.rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers, lines[0]

    def open(self, test, timeout=DEADLINE):
        status, headers, line = self.handshake(timeout)
        test.assertEqual(status, 101, (line, headers, self.rest))
        test.assertEqual(headers.get("sec-websocket-accept"), accept_of(self.key), headers)
        return headers

    def send(self, opcode, payload=b"", fin=True, mask=True, raw_len=None):
        n = len(payload) if raw_len is None else raw_len
        head = bytes([(0x80 if fin else 0) | opcode])
        m = 0x80 if mask else 0
        if n < 126:
            head += bytes([m | n])
        elif n < 65536:
            head += bytes([m | 126]) + struct.pack(">H", n)
        else:
            head += bytes([m | 127]) + struct.pack(">Q", n)
        if mask:
            key = os.urandom(4)
            head += key
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + payload)

    def _fill(self, n, deadline):
        """Reads until n bytes wait in self.rest; on a timeout they stay there."""
        while len(self.rest) < n:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(65536)
            except (socket.timeout, TimeoutError):
                raise WsTimeout("timed out; seen %r" % self.seen[-400:])
            if not chunk:
                raise WsError("the server closed; seen %r" % self.seen[-400:])
            self.rest += chunk

    def frame(self, timeout=DEADLINE):
        """The next frame: (fin, opcode, payload). Server frames must be unmasked. A
        timeout (WsTimeout) leaves a partial frame to be read by the next call."""
        deadline = time.monotonic() + timeout
        self._fill(2, deadline)
        b0, b1 = self.rest[0], self.rest[1]
        if b1 & 0x80:
            raise WsError("a server frame is masked")
        n, hl = b1 & 0x7f, 2
        if n == 126:
            self._fill(4, deadline)
            n, hl = struct.unpack(">H", self.rest[2:4])[0], 4
        elif n == 127:
            self._fill(10, deadline)
            n, hl = struct.unpack(">Q", self.rest[2:10])[0], 10
        self._fill(hl + n, deadline)
        payload, self.rest = self.rest[hl:hl + n], self.rest[hl + n:]
        self.seen += payload
        return bool(b0 & 0x80), b0 & 0x0f, payload

    def read_until(self, want, timeout=DEADLINE):
        """Binary frames' payloads until want is among them; returns what came."""
        got = b""
        deadline = time.monotonic() + timeout
        while want not in got:
            fin, op, payload = self.frame(max(0.01, deadline - time.monotonic()))
            if op != 2:
                raise WsError("frame opcode %d (%r) while waiting for %r; had %r" % (
                    op, payload, want, got))
            got += payload
        return got

    def close_frame(self, timeout=DEADLINE):
        """Frames until a close; returns its code, or fails on anything else but data."""
        deadline = time.monotonic() + timeout
        while True:
            fin, op, payload = self.frame(max(0.01, deadline - time.monotonic()))
            if op == 8:
                return struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else None, \
                    payload[2:]
            if op != 2:
                raise WsError("opcode %d (%r) before the close" % (op, payload))

    def at_eof(self, timeout=DEADLINE):
        """True once the server has closed the connection (frames left are dropped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                if not self.sock.recv(65536):
                    return True
            except (socket.timeout, TimeoutError):
                return False
            except ConnectionResetError:
                return True
        return False

    def close(self):
        self.sock.close()
