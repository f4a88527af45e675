"""API tests of xapi-lite's front door under hostile load (issue 12): thousands of silent or
slow connections, one client hogging its share, the Unix socket kept apart, request bodies
past the memory budget, replies of 10,000 records, oversized headers, pipelined calls.

Every limit is read from xapi-lite/xapi_limits.h, so a changed limit keeps these right.
The memory tests measure xapi-lite's resident set, which means nothing under
AddressSanitizer: they run the release binary named by XAPI_LITE_RELEASE (make test-api
sets it to out/bin/xapi-lite) and are skipped without it.

Client addresses: a direct client's is its peer address (the tests bind sources in
127.0.0.0/8 to be many clients); a loopback connection starting with a PROXY line (as
stunnel sends) is the client the line names.
"""
import ast
import collections
import ipaddress
import json
import os
import re
import resource
import selectors
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest
import xml.parsers.expat
import xmlrpc.client

import xapi_server
from xapi_server import PASSWORD, Server

HERE = os.path.dirname(os.path.abspath(__file__))
LIMITS_H = os.path.join(HERE, "..", "..", "xapi-lite", "xapi_limits.h")
RELEASE = os.environ.get("XAPI_LITE_RELEASE")


def _arith(node, known):
    """The value of a #define's integer expression (numbers, + - * /, earlier names)."""
    if isinstance(node, ast.Expression):
        return _arith(node.body, known)
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.Name) and node.id in known:
        return known[node.id]
    if isinstance(node, ast.BinOp):
        a, b = _arith(node.left, known), _arith(node.right, known)
        ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
               ast.Div: lambda: a // b, ast.FloorDiv: lambda: a // b}
        if type(node.op) in ops:
            return ops[type(node.op)]()
    raise ValueError("not an integer expression: %s" % ast.dump(node))


def read_limits(path=LIMITS_H):
    """xapi_limits.h's XAPI_* #defines, as integers."""
    with open(path) as f:
        text = re.sub(r"/\*.*?\*/", " ", f.read(), flags=re.S)
    limits = {}
    for name, expr in re.findall(r"^#define[ \t]+(XAPI_\w+)[ \t]+(\S.*?)[ \t]*$", text, re.M):
        try:
            limits[name] = _arith(ast.parse(expr, mode="eval"), limits)
        except (SyntaxError, ValueError):
            pass        # not an integer; no test reads it
    return limits


L = read_limits()
HEADER_TIMEOUT = L["XAPI_HEADER_TIMEOUT_MS"] / 1000
MAX_CONNS = L["XAPI_MAX_CONNECTIONS"]
PER_CLIENT = L["XAPI_MAX_CONNECTIONS_PER_CLIENT"]
MAX_LOCAL = L["XAPI_MAX_LOCAL_CONNECTIONS"]
BUDGET = L["XAPI_MAX_BUFFERED_BYTES"]
MAX_HDR = L["XAPI_MAX_HDR_BYTES"]
MAX_HEADERS = L["XAPI_MAX_HEADERS"]
MAX_BODY = L["XAPI_MAX_BODY"]

CROWD = 5000            # hostile connections held by the exhaustion tests
LOGIN_S = 2.0           # a new client's login under attack, connect to reply
MARGIN_S = 5.0          # slack on the server's timers (its loop turns, this machine's load)
MiB = 1024 * 1024


def raise_nofile(want):
    """Raises this process's descriptor limit (inherited by the servers it starts) as far
    as the hard limit allows; returns the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        target = want * 2 if hard == resource.RLIM_INFINITY else hard
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def need_descriptors(n):
    have = raise_nofile(n)
    if have < n:
        raise unittest.SkipTest("needs %d descriptors, RLIMIT_NOFILE allows %d (raise the "
                                "hard limit: ulimit -Hn)" % (n, have))


def sources(first, n):
    """n client addresses from first on (none ending in .0 or .255)."""
    out, a = [], ipaddress.IPv4Address(first)
    while len(out) < n:
        if str(a).split(".")[-1] not in ("0", "255"):
            out.append(str(a))
        a += 1
    return out


def spread(total):
    """Enough source addresses that total connections stay under the per-client cap."""
    return -(-total // (PER_CLIENT // 2))


# ---- one connection ------------------------------------------------------------------

def tcp(port, src=None, timeout=30):
    """A connected TCP socket to 127.0.0.1:port, from src when given."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if src is not None:
        s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s


def unix(path, timeout=30):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    return s


def proxy_line(client, sport=40000, dport=443):
    """The PROXY protocol v1 line stunnel sends for a client at address client."""
    return b"PROXY TCP4 %s 127.0.0.1 %d %d\r\n" % (client.encode(), sport, dport)


def post(body, path="/", keep_alive=True, headers=b""):
    """An HTTP/1.1 POST carrying body (bytes)."""
    ctype = b"application/json" if path == "/jsonrpc" else b"text/xml"
    return (b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\n"
            b"Content-Length: %d\r\n%s%s\r\n" % (path.encode(), ctype, len(body), headers,
                                                 b"" if keep_alive else b"Connection: close\r\n")
            + body)


def xml_call(method, *params):
    """An XML-RPC request for method(params), as bytes of HTTP."""
    return post(xmlrpc.client.dumps(params, method).encode())


def json_call(method, *params, rid=1):
    return post(json.dumps({"jsonrpc": "2.0", "method": method, "params": list(params),
                            "id": rid}).encode(), path="/jsonrpc")


GET = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


class Reader:
    """HTTP responses read off one socket in order (so pipelined replies stay apart), with
    a Content-Length, chunked, or close-delimited body. pace=(n, s) reads at most n bytes
    at a time and pauses s seconds after each read, as a slow client does."""

    def __init__(self, sock, pace=None):
        self.sock, self.buf, self.pace = sock, bytearray(), pace

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no complete response in time; have %r" % bytes(self.buf[:300]))
        self.sock.settimeout(left)
        data = self.sock.recv(self.pace[0] if self.pace else 1 << 20)
        if not data:
            raise EOFError("the server closed the connection; unparsed %r"
                           % bytes(self.buf[:300]))
        self.buf += data
        if self.pace:
            time.sleep(self.pace[1])     # the slow client itself: time must pass

    def _line(self, deadline):
        while (i := self.buf.find(b"\r\n")) < 0:
            self._fill(deadline)
        line = bytes(self.buf[:i])
        del self.buf[:i + 2]
        return line

    def _take(self, n, deadline, sink):
        while n > 0:
            if not self.buf:
                self._fill(deadline)
            k = min(n, len(self.buf))
            sink(bytes(self.buf[:k]))
            del self.buf[:k]
            n -= k

    def response(self, timeout=30, sink=None):
        """(status, headers with lower-case names, body); with sink, the body's bytes go
        to sink as they come and body is None."""
        deadline = time.monotonic() + timeout
        status = self._line(deadline)
        m = re.match(rb"HTTP/1\.[01] (\d{3})", status)
        if not m:
            raise ValueError("not an HTTP status line: %r" % status)
        headers = {}
        while (line := self._line(deadline)):
            name, _, value = line.partition(b":")
            headers[name.strip().lower().decode()] = value.strip().decode()
        parts = []
        out = sink or parts.append
        if "chunked" in headers.get("transfer-encoding", "").lower():
            while (size := int(self._line(deadline).split(b";")[0], 16)):
                self._take(size, deadline, out)
                if self._line(deadline) != b"":
                    raise ValueError("a chunk not followed by CRLF")
            while self._line(deadline):     # trailers
                pass
        elif "content-length" in headers:
            self._take(int(headers["content-length"]), deadline, out)
        else:
            try:
                while True:
                    self._fill(deadline)
                    out(bytes(self.buf))
                    self.buf.clear()
            except EOFError:
                pass
        return int(m.group(1)), headers, None if sink else b"".join(parts)


def exchange(sock, request, timeout=30):
    """Sends one request and reads its response: (status, headers, body)."""
    sock.sendall(request)
    return Reader(sock).response(timeout)


def xml_value(body):
    """The Value of a successful XenAPI XML-RPC reply (fails on an error reply)."""
    r = xmlrpc.client.loads(body)[0][0]
    assert r["Status"] == "Success", r
    return r["Value"]


def login(sock, prefix=b""):
    """Logs root in over sock (after prefix, such as a PROXY line): the session."""
    status, _, body = exchange(sock, prefix + xml_call(
        "session.login_with_password", "root", PASSWORD, "1.0", "hostile-test"))
    assert status == 200, (status, body[:300])
    return xml_value(body)


def timed_login(open_sock, prefix=b""):
    """Connects (open_sock()) and logs in: (session or the error seen, seconds)."""
    t0 = time.monotonic()
    try:
        with open_sock() as sock:
            result = login(sock, prefix)
    except (OSError, EOFError, TimeoutError, ValueError, AssertionError,
            xmlrpc.client.Error) as e:
        result = e
    return result, time.monotonic() - t0


def closed_by_peer(sock):
    """True when the server has closed sock (EOF or reset); reads and drops any data."""
    timeout = sock.gettimeout()
    sock.setblocking(False)
    try:
        while True:
            if not sock.recv(65536):
                return True
    except BlockingIOError:
        return False
    except ConnectionError:
        return True
    finally:
        sock.settimeout(timeout)


def proc_status(pid):
    """/proc/PID/status's VmRSS and VmHWM, in bytes."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                out[name] = int(value.split()[0]) * 1024
    return out


def server_sockets(pid):
    """How many sockets the process has open (listeners included)."""
    n = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            n += os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith("socket:")
        except OSError:
            pass
    return n


def wait_for(cond, timeout, step=0.02):
    """Waits until cond() is true; returns its last value."""
    deadline = time.monotonic() + timeout
    while not (v := cond()) and time.monotonic() < deadline:
        time.sleep(step)
    return v


# ---- many connections ----------------------------------------------------------------

# What the test saw of one connection: when it opened and closed (None: open), the first
# bytes the server sent, how many bytes it sent, how many it has still to send.
Seen = collections.namedtuple("Seen", "opened closed data sent pending")


class Conn:
    """One connection of a Crowd (the watcher's own state)."""
    __slots__ = ("sock", "opened", "closed", "data", "pending", "sent")

    def __init__(self, sock, pending):
        self.sock, self.opened, self.closed = sock, time.monotonic(), None
        self.data, self.pending, self.sent = bytearray(), memoryview(pending), 0


class Crowd:
    """Connections the test holds, watched by a thread: it sends each one's payload as
    fast as the server takes it, then (with drip) one byte of drip_bytes every drip
    seconds; it notes what the server answers (the first 4 KiB) and when it closes."""

    def __init__(self, port, addrs=(None,), proxies=None, payload=b"", drip=None,
                 drip_bytes=b""):
        self.port, self.addrs, self.proxies = port, list(addrs), proxies
        self.payload, self.drip, self.drip_bytes = payload, drip, drip_bytes
        self.conns, self.failed = [], []
        self.lock = threading.Lock()
        self.sel = selectors.DefaultSelector()
        self.stopping = False
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def open(self, n, timeout=60):
        """Opens n more connections (sources round-robin); returns how many failed."""
        deadline = time.monotonic() + timeout
        failed = 0
        for _ in range(n):
            i = len(self.conns) + len(self.failed)
            payload = self.payload
            if self.proxies:
                payload = proxy_line(self.proxies[i % len(self.proxies)],
                                     10000 + i % 50000) + payload
            try:
                s = tcp(self.port, self.addrs[i % len(self.addrs)],
                        max(0.1, deadline - time.monotonic()))
            except OSError as e:
                self.failed.append(e)
                failed += 1
                continue
            s.setblocking(False)
            c = Conn(s, payload)
            with self.lock:
                self.conns.append(c)
                self._send(c)
                if c.closed is None:
                    self.sel.register(s, selectors.EVENT_READ |
                                      (selectors.EVENT_WRITE if c.pending else 0), c)
        return failed

    def _send(self, c):
        """Sends what c's socket takes (lock held)."""
        try:
            while c.pending:
                n = c.sock.send(c.pending)
                c.pending, c.sent = c.pending[n:], c.sent + n
        except BlockingIOError:
            pass
        except OSError:
            self._closed(c)

    def _closed(self, c):
        if c.closed is None:
            c.closed = time.monotonic()
            try:
                self.sel.unregister(c.sock)
            except (KeyError, ValueError):
                pass
            c.sock.close()

    def _watch(self):
        next_drip = time.monotonic() + (self.drip or 0)
        while not self.stopping:
            events = self.sel.select(0.05)
            with self.lock:
                for key, mask in events:
                    c = key.data
                    if c.closed is not None:
                        continue
                    if mask & selectors.EVENT_READ:
                        try:
                            while True:
                                data = c.sock.recv(65536)
                                if not data:
                                    self._closed(c)
                                    break
                                if len(c.data) < 4096:
                                    c.data += data[:4096 - len(c.data)]
                        except BlockingIOError:
                            pass
                        except OSError:
                            self._closed(c)
                    if c.closed is None and mask & selectors.EVENT_WRITE:
                        self._send(c)
                        if c.closed is None and not c.pending:
                            self.sel.modify(c.sock, selectors.EVENT_READ, c)
                if self.drip and time.monotonic() >= next_drip:
                    next_drip += self.drip
                    for c in self.conns:
                        if c.closed is None and c.sent < len(self.drip_bytes):
                            c.pending = memoryview(self.drip_bytes[c.sent:c.sent + 1])
                            self._send(c)

    def open_count(self):
        with self.lock:
            return sum(c.closed is None for c in self.conns)

    def snapshot(self):
        """A Seen of every connection, in opening order."""
        with self.lock:
            return [Seen(c.opened, c.closed, bytes(c.data), c.sent, len(c.pending))
                    for c in self.conns]

    def close(self):
        self.stopping = True
        self.thread.join(10)
        with self.lock:
            for c in self.conns:
                if c.closed is None:
                    c.sock.close()
        self.sel.close()


def stop_server(server):
    status = server.stop()
    log = server.log_text()
    server.remove()
    assert status == 0, "xapi-lite exits cleanly on SIGTERM (status %s):\n%s" % (
        status, log[-3000:])


class Stunnel:
    """stunnel on a loopback port in front of a server's loopback listener, passing the
    client on with a PROXY line (protocol = proxy), as dom0-rootfs/overlay/etc/stunnel/
    xapi.conf does; its certificate is a self-signed one made here."""

    def __init__(self, backend_port):
        self.dir = tempfile.mkdtemp(prefix="stunnel-test-")
        key, cert = os.path.join(self.dir, "host.key"), os.path.join(self.dir, "host.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out",
                        cert, "-days", "2", "-subj", "/CN=localhost"],
                       check=True, capture_output=True, timeout=60)
        self.port = xapi_server.free_port()
        conf = os.path.join(self.dir, "xapi.conf")
        with open(conf, "w") as f:
            f.write("foreground = yes\npid =\n[xapi]\naccept = 127.0.0.1:%d\n"
                    "connect = 127.0.0.1:%d\nprotocol = proxy\ncert = %s\nkey = %s\n"
                    % (self.port, backend_port, cert, key))
        self.log = open(os.path.join(self.dir, "log"), "a+")
        self.proc = subprocess.Popen([STUNNEL, conf], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        if not wait_for(self._up, 30) or self.proc.poll() is not None:
            self.log.seek(0)
            raise RuntimeError("stunnel did not start: " + self.log.read())

    def _up(self):
        if self.proc.poll() is not None:
            return True
        try:
            socket.create_connection(("127.0.0.1", self.port), 1).close()
            return True
        except OSError:
            return False

    def connect(self, timeout=30):
        """A TLS connection through stunnel (the certificate is not checked)."""
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        raw = socket.create_connection(("127.0.0.1", self.port), timeout)
        return ctx.wrap_socket(raw, server_hostname="localhost")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


STUNNEL = shutil.which("stunnel4") or shutil.which("stunnel")


def fill(test, server, crowd, n, listeners):
    """Opens n connections of crowd, waits until the server has dealt with those past its
    cap, and checks it is full (else a login proves nothing); returns what it saw."""
    failed = crowd.open(n)
    wait_for(lambda: crowd.open_count() <= MAX_CONNS, 60)
    held = server_sockets(server.proc.pid) - listeners
    seen = ("%d connections opened (%d failed), %d still open, the server holds %d"
            % (n, failed, crowd.open_count(), held))
    test.assertGreaterEqual(held, MAX_CONNS, "the server is not full: " + seen)
    return seen


class ConnectionExhaustion(unittest.TestCase):
    """CROWD TCP connections that send nothing, from enough addresses that each stays under
    the per-client cap (only the total cap holds them back): a new client still logs in
    within LOGIN_S, on a fresh TCP connection, on the Unix socket and through stunnel."""

    @classmethod
    def setUpClass(cls):
        need_descriptors(CROWD + 1000)
        cls.server = Server(unix=True)
        cls.addrs = sources("127.0.1.1", spread(CROWD))

    @classmethod
    def tearDownClass(cls):
        stop_server(cls.server)

    def hold(self):
        crowd = Crowd(self.server.port, self.addrs)
        self.addCleanup(crowd.close)
        return fill(self, self.server, crowd, CROWD, listeners=2)

    def check_login(self, how, open_sock):
        seen = self.hold()
        result, took = timed_login(open_sock)
        self.assertIsInstance(result, str, "%s login failed (%r) after %.2f s; %s"
                              % (how, result, took, seen))
        self.assertLessEqual(took, LOGIN_S, "%s login took %.2f s; %s" % (how, took, seen))

    def test_tcp_login(self):
        self.check_login("TCP", lambda: tcp(self.server.port))

    def test_unix_socket_login(self):
        self.check_login("Unix-socket", lambda: unix(self.server.sock))

    @unittest.skipUnless(STUNNEL, "stunnel not installed (Debian: apt-get install stunnel4)")
    def test_tls_login_through_stunnel(self):
        tls = Stunnel(self.server.port)
        self.addCleanup(tls.stop)
        self.check_login("TLS (stunnel)", tls.connect)


# A request's first bytes, sent one every SLOW_S seconds: never invalid, never complete.
SLOW = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nX-Slow: "
        + b"a" * 200)
SLOW_S = 3


class OutOfDescriptors(unittest.TestCase):
    """A server out of file descriptors (a low RLIMIT_NOFILE, below its connection caps)
    still takes a new client: a connection that has not sent a request gives its
    descriptor up, instead of the listener failing or spinning."""

    FDS = 48

    def test_idle_connections_give_way(self):
        need_descriptors(500)
        wrapper = os.path.join(tempfile.mkdtemp(prefix="xapi-lite-nofile-"), "xapi-lite")
        with open(wrapper, "w") as f:
            f.write("#!/bin/sh\nulimit -n %d\nexec %s \"$@\"\n" % (
                self.FDS, os.path.abspath(xapi_server.BIN)))
        os.chmod(wrapper, 0o755)
        server = Server(binary=wrapper)
        self.addCleanup(shutil.rmtree, os.path.dirname(wrapper), True)
        self.addCleanup(stop_server, server)
        held = [tcp(server.port) for _ in range(3 * self.FDS)]
        self.addCleanup(lambda: [s.close() for s in held])
        result, took = timed_login(lambda: tcp(server.port))
        self.assertIsInstance(result, str, "login failed (%r) after %.2f s with %d idle "
                              "connections and %d descriptors" % (result, took, len(held),
                                                                  self.FDS))
        self.assertLessEqual(took, LOGIN_S, "login took %.2f s" % took)


class Slowloris(unittest.TestCase):
    """CROWD connections each sending one byte of a request every SLOW_S seconds: each is
    closed by XAPI_HEADER_TIMEOUT_MS (plus MARGIN_S) after it opened, with a 408 when the
    server held it that long; meanwhile a new client logs in within LOGIN_S."""

    def test_slow_requests_time_out_and_others_get_in(self):
        need_descriptors(CROWD + 1000)
        server = Server()
        self.addCleanup(stop_server, server)
        crowd = Crowd(server.port, sources("127.0.1.1", spread(CROWD)), payload=SLOW[:1],
                      drip=SLOW_S, drip_bytes=SLOW)
        self.addCleanup(crowd.close)
        logins = []
        for when in ("at once", "after a drip"):
            if when != "at once":
                # Until every connection still open has sent its second byte.
                wait_for(lambda: all(c.closed is not None or c.sent >= 2
                                     for c in crowd.snapshot()), SLOW_S * 3, 0.1)
            seen = fill(self, server, crowd, CROWD if when == "at once" else PER_CLIENT,
                        listeners=1)
            result, took = timed_login(lambda: tcp(server.port))
            logins.append((when, result, took, seen))
        problems = []
        for when, result, took, seen in logins:
            if not isinstance(result, str) or took > LOGIN_S:
                problems.append("login %s: %r after %.2f s (%s)" % (when, result, took, seen))
        limit = HEADER_TIMEOUT + MARGIN_S
        last = crowd.snapshot()[-1].opened
        wait_for(lambda: crowd.open_count() == 0, last + limit + 1 - time.monotonic(), 0.2)
        now = time.monotonic()
        late, no_408 = [], []
        for i, (opened, closed, data, sent, _) in enumerate(crowd.snapshot()):
            life = (closed or now) - opened
            if closed is None or life > limit:
                late.append("#%d open %.1f s (%s), sent %d bytes, got %r"
                            % (i, life, "still" if closed is None else "then closed",
                               sent, data[:60]))
            elif life >= HEADER_TIMEOUT - 1 and not data.startswith(b"HTTP/1.1 408"):
                no_408.append("#%d closed after %.1f s with %r" % (i, life, data[:60]))
        if late:
            problems.append("%d connections outlived the header timeout (%.0f s + %.0f s), "
                            "such as %s" % (len(late), HEADER_TIMEOUT, MARGIN_S, late[:5]))
        if not any(c.closed is not None and c.closed - c.opened >= HEADER_TIMEOUT - 1
                   for c in crowd.snapshot()):
            problems.append("no connection was held until the header timeout: the test "
                            "saw no timeout at work")
        if no_408:
            problems.append("%d timed-out connections got no 408, such as %s"
                            % (len(no_408), no_408[:5]))
        if problems:
            self.fail("\n".join(problems))


class PerClientCap(unittest.TestCase):
    """One client (by its PROXY source) opening more than XAPI_MAX_CONNECTIONS_PER_CLIENT
    connections that never send a request: its oldest are closed, its newest stay, and
    another client gets in."""

    def test_one_client_cannot_take_every_slot(self):
        server = Server()
        self.addCleanup(stop_server, server)
        hog = max(100, PER_CLIENT + 16)
        crowd = Crowd(server.port, proxies=["192.0.2.7"])
        self.addCleanup(crowd.close)
        t0 = time.monotonic()
        crowd.open(hog)
        result, took = timed_login(lambda: tcp(server.port), proxy_line("192.0.2.8"))
        self.assertIsInstance(result, str, "192.0.2.8's login failed (%r) after %.2f s"
                              % (result, took))
        # Checked well before the header timeout, which would close them all anyway.
        wait_for(lambda: crowd.open_count() <= PER_CLIENT,
                 t0 + HEADER_TIMEOUT / 2 - time.monotonic())
        snap = crowd.snapshot()
        still = [i for i, c in enumerate(snap) if c.closed is None]
        self.assertLess(time.monotonic() - t0, HEADER_TIMEOUT, "checked too late to tell")
        self.assertLessEqual(len(still), PER_CLIENT, "192.0.2.7 holds %d connections (cap "
                             "%d): open are #%s" % (len(still), PER_CLIENT, still))
        self.assertIn(hog - 1, still, "the newest is kept (the oldest go first); open: %s; "
                      "the newest got %r" % (still, snap[-1].data[:200]))


def refused_at_once(sock, timeout):
    """Sends a GET on sock and expects the server to close it unanswered within timeout:
    None when it did, else what happened."""
    try:
        sock.sendall(GET)
        status, _, body = Reader(sock).response(timeout)
        return "it was answered: %d %r" % (status, body[:100])
    except (EOFError, ConnectionError):
        return None
    except TimeoutError:
        return "neither answered nor closed in %.0f s" % timeout


class LocalApart(unittest.TestCase):
    """The Unix socket's connections and TCP's have separate caps: TCP full of clients that
    have each completed a request leaves the Unix socket open to a login, and the other
    way round."""

    def test_full_tcp_leaves_the_unix_socket_free(self):
        need_descriptors(MAX_CONNS + 500)
        server = Server(unix=True)
        self.addCleanup(stop_server, server)
        addrs = sources("198.51.100.1", spread(MAX_CONNS))
        held = []
        self.addCleanup(lambda: [s.close() for s in held])
        for i in range(MAX_CONNS):
            s = tcp(server.port)
            held.append(s)
            status, _, _ = exchange(s, proxy_line(addrs[i % len(addrs)], 10000 + i) + GET)
            self.assertEqual(status, 200, "connection #%d" % i)
        # Every slot holds a client that completed a request: a new one is refused at
        # once (and not by the header timeout), which proves the slots are all taken.
        with tcp(server.port) as s:
            why = refused_at_once(s, min(3, HEADER_TIMEOUT / 2))
        self.assertIsNone(why, "TCP connection number %d: %s" % (MAX_CONNS + 1, why))
        gone = [i for i, s in enumerate(held) if closed_by_peer(s)]
        self.assertEqual(gone, [], "clients that completed a request were closed")
        result, took = timed_login(lambda: unix(server.sock))
        self.assertIsInstance(result, str, "Unix-socket login failed (%r) after %.2f s with "
                              "TCP full" % (result, took))
        self.assertLessEqual(took, LOGIN_S, "Unix-socket login took %.2f s" % took)

    def test_full_unix_socket_leaves_tcp_free(self):
        server = Server(unix=True)
        self.addCleanup(stop_server, server)
        held = []
        self.addCleanup(lambda: [s.close() for s in held])
        for i in range(MAX_LOCAL):
            s = unix(server.sock)
            held.append(s)
            status, _, _ = exchange(s, GET)
            self.assertEqual(status, 200, "Unix-socket connection #%d" % i)
        with unix(server.sock) as s:
            why = refused_at_once(s, min(3, HEADER_TIMEOUT / 2))
        self.assertIsNone(why, "Unix-socket connection number %d: %s" % (MAX_LOCAL + 1, why))
        result, took = timed_login(lambda: tcp(server.port))
        self.assertIsInstance(result, str, "TCP login failed (%r) after %.2f s with the Unix "
                              "socket full" % (result, took))
        self.assertLessEqual(took, LOGIN_S, "TCP login took %.2f s" % took)


# ---- memory (release binary only) ----------------------------------------------------

RSS_BODIES = 64 * MiB   # xapi-lite's peak while hostile bodies fill the budget
RSS_REPLIES = 128 * MiB     # ... while ten clients read 10,000 VM records each
NO_RELEASE = ("memory targets mean nothing under AddressSanitizer: set XAPI_LITE_RELEASE "
              "to the release build (make test-api sets out/bin/xapi-lite)")


class Sampler:
    """Samples a process's VmRSS on a thread, to show how it went when the peak is off."""

    def __init__(self, pid, every=0.02):
        self.pid, self.every, self.samples, self.stopping = pid, every, [], False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.t0 = time.monotonic()
        self.thread.start()

    def _run(self):
        while not self.stopping:
            try:
                self.samples.append((time.monotonic() - self.t0,
                                     proc_status(self.pid)["VmRSS"]))
            except OSError:
                return
            time.sleep(self.every)

    def stop(self):
        self.stopping = True
        self.thread.join(10)
        return "; VmRSS %s MiB" % ", ".join(
            "%.1f s %.0f" % (t, v / MiB) for t, v in self.samples[::max(1, len(self.samples)
                                                                           // 12)])


@unittest.skipUnless(RELEASE, NO_RELEASE)
class BodyBudget(unittest.TestCase):
    """XAPI_MAX_CONNECTIONS clients each send the headers of an XAPI_MAX_BODY request and
    all but 200 bytes of its body, then stop: the bodies held stay within
    XAPI_MAX_BUFFERED_BYTES (the rest get 503), xapi-lite's peak stays under RSS_BODIES,
    and a new client logs in meanwhile."""

    def test_bodies_past_the_budget_get_503(self):
        need_descriptors(MAX_CONNS + 500)
        server = Server(binary=RELEASE)
        self.addCleanup(stop_server, server)
        payload = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
                   b"Content-Length: %d\r\n\r\n" % MAX_BODY + b"x" * (MAX_BODY - 200))
        sampler = Sampler(server.proc.pid)
        crowd = Crowd(server.port, sources("127.0.2.1", spread(MAX_CONNS)), payload=payload)
        self.addCleanup(crowd.close)
        t0 = time.monotonic()
        failed = crowd.open(MAX_CONNS)
        # Until every body is sent or refused, or the server has stopped taking any.
        progress, moved = -1, time.monotonic()
        while time.monotonic() < t0 + HEADER_TIMEOUT * 0.6:
            snap = crowd.snapshot()
            sent = sum(c.sent for c in snap)
            if all(c.closed is not None or c.pending == 0 for c in snap):
                break
            if sent != progress:
                progress, moved = sent, time.monotonic()
            elif time.monotonic() - moved > 2:
                break
            time.sleep(0.05)
        result, took = timed_login(lambda: tcp(server.port))
        seen = sampler.stop()
        peak = proc_status(server.proc.pid)["VmHWM"]
        snap = crowd.snapshot()
        n503 = sum(c.data.startswith(b"HTTP/1.1 503") for c in snap)
        answers = sorted({c.data[:12] for c in snap if c.data})
        done = sum(c.pending == 0 for c in snap)
        what = ("%d connections (%d failed to open) at %.1f s: %d sent their whole part, "
                "%d closed, %d got 503, answers %s; login %r in %.2f s; peak %.1f MiB%s"
                % (len(snap), failed, time.monotonic() - t0, done,
                   sum(c.closed is not None for c in snap), n503, answers, result, took,
                   peak / MiB, seen))
        problems = []
        if not isinstance(result, str) or took > LOGIN_S:
            problems.append("no login within %.0f s" % LOGIN_S)
        if peak > RSS_BODIES:
            problems.append("peak RSS %.1f MiB > %.0f MiB" % (peak / MiB, RSS_BODIES / MiB))
        if n503 == 0:
            problems.append("no 503: %d bodies of %d bytes cannot all fit in %d bytes"
                            % (MAX_CONNS, MAX_BODY, BUDGET))
        if problems:
            self.fail("; ".join(problems) + "\n" + what)


N_VMS = 10000
CLIENTS = 10
SLOW_READ = (64 * 1024, 0.05)   # a slow client: 64 KiB, then a pause
SLOW_FOR = 8 * MiB              # ... for this much of the reply, then at full speed
TEMPLATE = "Atoll demo guest"


def make_vms(port, session, n, conns=32):
    """n halted VMs cloned from TEMPLATE over conns keep-alive connections at once."""
    with tcp(port) as s:
        status, _, body = exchange(s, xml_call("VM.get_by_name_label", session, TEMPLATE))
        template = xml_value(body)[0]
    errors = []

    def worker(k):
        try:
            with tcp(port) as s:
                for i in range(k, n, conns):
                    _, _, body = exchange(s, xml_call("VM.clone", session, template,
                                                      "hostile-%d" % i))
                    vm = xml_value(body)
                    _, _, body = exchange(s, xml_call("VM.set_is_a_template", session,
                                                      vm, False))
                    xml_value(body)
        except Exception as e:      # reported by the caller
            errors.append(e)
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise AssertionError("making %d VMs: %r" % (n, errors[:3]))


class RecordCount:
    """Streams an XML-RPC reply through expat (which checks it is well-formed) and counts
    the struct members named OpaqueRef:..., the records of a get_all_records reply."""
    MARK = b"<name>OpaqueRef:"

    def __init__(self):
        self.parser = xml.parsers.expat.ParserCreate()
        self.count, self.length, self.tail = 0, 0, b""

    def feed(self, data):
        self.parser.Parse(data, False)
        joined = self.tail + data
        self.count += joined.count(self.MARK)
        # A mark cut by the chunk boundary is counted with the next chunk.
        self.tail = joined[-(len(self.MARK) - 1):]
        self.length += len(data)

    def end(self):
        self.parser.Parse(b"", True)


@unittest.skipUnless(RELEASE, NO_RELEASE)
class BigReplies(unittest.TestCase):
    """N_VMS VMs; CLIENTS clients at once read VM.get_all_records over XML-RPC, half of
    them slowly: every reply is whole and xapi-lite's peak stays under RSS_REPLIES (the
    reply is streamed, not built whole per client). JSON-RPC's reply is whole too."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(binary=RELEASE)
        with tcp(cls.server.port) as s:
            cls.session = login(s)
            _, _, body = exchange(s, xml_call("VM.get_all", cls.session))
            base = len(xml_value(body))
        t0 = time.monotonic()
        make_vms(cls.server.port, cls.session, N_VMS)
        cls.made = "%d VMs made in %.1f s (peak %.1f MiB then)" % (
            N_VMS, time.monotonic() - t0, proc_status(cls.server.proc.pid)["VmHWM"] / MiB)
        print("\n  " + cls.made, flush=True)
        cls.expect = base + N_VMS

    @classmethod
    def tearDownClass(cls):
        stop_server(cls.server)

    def read_records(self, k, barrier, out):
        """Client k: the first parses the whole reply with xmlrpc.client; the others stream
        and count; the second half read slowly for SLOW_FOR bytes."""
        try:
            with tcp(self.server.port, timeout=120) as s:
                reader = Reader(s, pace=SLOW_READ if k >= CLIENTS // 2 else None)
                count = RecordCount()
                parts = [] if k == 0 else None

                def sink(data):
                    count.feed(data)
                    if parts is not None:
                        parts.append(data)
                    if count.length >= SLOW_FOR:
                        reader.pace = None
                barrier.wait(30)
                t0 = time.monotonic()
                s.sendall(xml_call("VM.get_all_records", self.session))
                status, headers, _ = reader.response(300, sink)
                count.end()
                info = {"status": status, "records": count.count, "bytes": count.length,
                        "s": round(time.monotonic() - t0, 1),
                        "framing": "chunked" if "chunked" in headers.get(
                            "transfer-encoding", "") else "content-length"}
                if parts is not None:
                    value = xml_value(b"".join(parts))
                    info["parsed"] = len(value)
                    info["named"] = sum(isinstance(r, dict) and "name_label" in r
                                        for r in value.values())
                out[k] = info
        except Exception as e:      # reported by the test
            out[k] = {"error": repr(e)}

    def test_ten_clients_read_every_record(self):
        out = {}
        barrier = threading.Barrier(CLIENTS)
        sampler = Sampler(self.server.proc.pid, 0.05)
        threads = [threading.Thread(target=self.read_records, args=(k, barrier, out))
                   for k in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        seen = sampler.stop()
        peak = proc_status(self.server.proc.pid)["VmHWM"]
        what = "%s; replies %s; peak %.1f MiB%s" % (
            self.made, [out.get(k) for k in range(CLIENTS)], peak / MiB, seen)
        for k in range(CLIENTS):
            r = out.get(k, {"error": "no result"})
            self.assertEqual((r.get("status"), r.get("records")), (200, self.expect),
                             "client %d: %s\n%s" % (k, r, what))
        self.assertEqual((out[0]["parsed"], out[0]["named"]), (self.expect, self.expect),
                         what)
        lengths = {out[k]["bytes"] for k in range(CLIENTS)}
        self.assertEqual(len(lengths), 1, "replies of different lengths: " + what)
        self.assertLessEqual(peak, RSS_REPLIES, "peak RSS %.1f MiB: %s" % (peak / MiB, what))

    def test_json_rpc_reply_is_whole(self):
        with tcp(self.server.port, timeout=120) as s:
            status, headers, body = exchange(s, json_call("VM.get_all_records",
                                                          self.session), 300)
        self.assertEqual(status, 200, body[:300])
        reply = json.loads(body)
        self.assertNotIn("error", reply)
        self.assertEqual(len(reply["result"]), self.expect, "%d bytes, headers %s"
                         % (len(body), headers))


XO_VMS = 2000


class BigRepliesXenOrchestra(unittest.TestCase):
    """Xen Orchestra's client (tests/api/xo/records.mjs, see test_xo.py) connects to a host
    of XO_VMS VMs, loads every object and reads VM.get_all_records."""

    def test_xen_api_client_reads_every_vm(self):
        import test_xo
        ready = test_xo.prepare()
        if ready is not True:
            self.fail(ready)
        server = Server()
        self.addCleanup(stop_server, server)
        with tcp(server.port) as s:
            session = login(s)
            _, _, body = exchange(s, xml_call("VM.get_all", session))
            expect = len(xml_value(body)) + XO_VMS
        make_vms(server.port, session, XO_VMS)
        cmd = ["node", os.path.join(test_xo.XO_DIR, "records.mjs"), server.url, "root"]
        r = subprocess.run(cmd, env=dict(os.environ, XAPI_PASSWORD=PASSWORD,
                                         NODE_ENV="test"),
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, "%s exited %d\n--- stdout\n%s--- stderr\n%s"
                         % (" ".join(cmd[:2]), r.returncode, r.stdout, r.stderr[-3000:]))
        self.assertEqual(json.loads(r.stdout.splitlines()[-1]),
                         {"cached": expect, "records": expect}, r.stderr[-3000:])


# ---- headers and pipelining ----------------------------------------------------------

def headers_of(total, name=b"X-Pad"):
    """A GET whose request line and headers (blank line included) are total bytes."""
    head = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n%s: " % name
    pad = total - len(head) - len(b"\r\n\r\n")
    assert pad > 0, total
    return head + b"a" * pad + b"\r\n\r\n"


def many_headers(count, line=0):
    """A GET with count headers (Host included), each other header line padded to line
    bytes."""
    lines = []
    for i in range(count - 1):
        name = b"X-H-%d: " % i
        lines.append(name + b"v" * max(1, line - len(name) - 2) + b"\r\n")
    return b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(lines) + b"\r\n"


class HeaderLimits(unittest.TestCase):
    """A request whose request line and headers pass XAPI_MAX_HDR_BYTES, or whose headers
    pass XAPI_MAX_HEADERS, gets 431 and its connection is closed, however the bytes
    arrive; one just under the limits is served."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server()

    @classmethod
    def tearDownClass(cls):
        stop_server(cls.server)

    def send(self, request):
        """Sends request (from a thread: the server may stop reading); returns the status,
        and whether the server closed the connection after answering."""
        with tcp(self.server.port) as s:
            threading.Thread(target=lambda: self._sendall(s, request), daemon=True).start()
            reader = Reader(s)
            status, _, body = reader.response(30)
            try:
                reader.response(min(5, HEADER_TIMEOUT / 2))
                closed = "it kept the connection and answered another request"
            except (EOFError, ConnectionError):
                closed = True
            except TimeoutError:
                closed = "it kept the connection open"
            except ValueError as e:
                closed = "it sent more: %s" % e
            return status, body, closed

    @staticmethod
    def _sendall(s, data):
        try:
            s.sendall(data)
        except OSError:
            pass

    def check_refused(self, request, what):
        status, body, closed = self.send(request)
        self.assertEqual(status, 431, "%s (%d bytes): %d %r" % (what, len(request), status,
                                                                 body[:100]))
        self.assertIs(closed, True, "%s: after the 431 %s" % (what, closed))

    def test_one_long_header_line(self):
        self.check_refused(headers_of(290 * 1000), "a 290 KB header line")

    def test_many_headers(self):
        self.check_refused(many_headers(2900, 100), "290 KB of 100-byte headers")

    def test_just_over_the_byte_limit(self):
        # Over it whether or not the blank line is counted.
        self.check_refused(headers_of(MAX_HDR + 3), "XAPI_MAX_HDR_BYTES + 3")

    def test_just_under_the_byte_limit(self):
        with tcp(self.server.port) as s:
            status, _, body = exchange(s, headers_of(MAX_HDR - 1))
            self.assertEqual(status, 200, body[:200])
            self.assertEqual(exchange(s, GET)[0], 200, "and the connection serves on")

    def test_header_count(self):
        with tcp(self.server.port) as s:
            status, _, body = exchange(s, many_headers(MAX_HEADERS))
            self.assertEqual(status, 200, "XAPI_MAX_HEADERS headers: %r" % body[:200])
        self.check_refused(many_headers(MAX_HEADERS + 1), "XAPI_MAX_HEADERS + 1 headers")


PIPELINE = 10
PIPELINE_S = 1.0    # far above the target; far below a wait for the loop's poll timeout


class Pipelining(unittest.TestCase):
    """PIPELINE calls sent in one write on a keep-alive connection get their replies in
    order, all within PIPELINE_S (a server that waits for more bytes before handling what
    it already holds takes a poll timeout per call)."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        with tcp(cls.server.port) as s:
            cls.session = login(s)
            cls.host = xml_value(exchange(s, xml_call("session.get_this_host", cls.session,
                                                      cls.session))[2])

    @classmethod
    def tearDownClass(cls):
        stop_server(cls.server)

    def xml_request(self, i):
        """session.get_this_host: of our session for even i, else of a bad reference
        naming i (an error that tells the replies apart)."""
        return xml_call("session.get_this_host", self.session,
                        self.session if i % 2 == 0 else "OpaqueRef:pipelined-%d" % i)

    def xml_expect(self, i):
        return ({"Status": "Success", "Value": self.host} if i % 2 == 0 else
                {"Status": "Failure", "ErrorDescription": [
                    "HANDLE_INVALID", "session", "OpaqueRef:pipelined-%d" % i]})

    def pipeline(self, requests):
        """Sends requests in one write; returns the bodies and the seconds taken."""
        with tcp(self.server.port) as s:
            reader = Reader(s)
            t0 = time.monotonic()
            s.sendall(b"".join(requests))
            bodies = []
            for i in range(len(requests)):
                status, _, body = reader.response(30)
                self.assertEqual(status, 200, "reply %d: %r" % (i, body[:200]))
                bodies.append(body)
            return bodies, time.monotonic() - t0

    def test_xml_rpc(self):
        bodies, took = self.pipeline([self.xml_request(i) for i in range(PIPELINE)])
        self.assertEqual([xmlrpc.client.loads(b)[0][0] for b in bodies],
                         [self.xml_expect(i) for i in range(PIPELINE)])
        self.assertLessEqual(took, PIPELINE_S, "%d replies took %.2f s" % (PIPELINE, took))

    def test_json_rpc(self):
        bodies, took = self.pipeline([json_call("session.get_this_host", self.session,
                                                self.session, rid=i)
                                      for i in range(PIPELINE)])
        self.assertEqual([json.loads(b) for b in bodies],
                         [{"jsonrpc": "2.0", "result": self.host, "id": i}
                          for i in range(PIPELINE)])
        self.assertLessEqual(took, PIPELINE_S, "%d replies took %.2f s" % (PIPELINE, took))

    def test_after_a_body_of_the_largest_size(self):
        """An XAPI_MAX_BODY request first (whitespace-padded), then the others."""
        body = xmlrpc.client.dumps((self.session, self.session),
                                   "session.get_this_host").encode()
        body = body.replace(b"</params>", b" " * (MAX_BODY - len(body)) + b"</params>")
        self.assertEqual(len(body), MAX_BODY)
        bodies, took = self.pipeline([post(body)] + [self.xml_request(i)
                                                     for i in range(1, PIPELINE)])
        self.assertEqual([xmlrpc.client.loads(b)[0][0] for b in bodies],
                         [self.xml_expect(i) for i in range(PIPELINE)])
        self.assertLessEqual(took, PIPELINE_S, "%d replies took %.2f s" % (PIPELINE, took))
