"""A hostile client against xapi-lite: password guessing slowed per client address without
slowing anyone else, a bounded number of crypt helpers, log lines it cannot forge or blow
up."""
import http.client
import json
import os
import re
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import xmlrpc.client

import xapi_server
from xapi_server import PASSWORD, Server, UnixTransport, crypt, wait_log

FIRST_DELAY = 0.25  # XAPI_LOGIN_DELAY_MS
HELPERS = 4         # XAPI_MAX_CRYPT_HELPERS
PER_CLIENT = 4      # XAPI_LOGIN_PER_CLIENT

FIELD_MAX = 200     # XAPI_LOG_FIELD_MAX
LOG_MAX = 1 << 20   # XAPI_LOG_MAX_BYTES
LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ( [!-~]{1,%d}){3,4}$" % FIELD_MAX)


def post(server, path, body):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("POST", path, body)
    reply = conn.getresponse()
    data = reply.read()
    conn.close()
    return reply.status, data


def wait_lines(path, pred, what):
    """The log's lines once pred(lines) holds (the log is flushed once a turn)."""
    deadline, lines = time.monotonic() + 20, []
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path, "rb") as f:
                lines = f.read().decode("latin-1").split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            if pred(lines):
                return lines
        time.sleep(0.05)
    raise AssertionError("%s; the log has:\n%s" % (what, "\n".join(lines)[:4000]))


class ProxyConnection(http.client.HTTPConnection):
    """A connection that says, as stunnel does, which client it carries."""

    def __init__(self, port, client):
        super().__init__("127.0.0.1", port, timeout=60)
        self.client = client

    def connect(self):
        super().connect()
        self.sock.sendall(b"PROXY TCP4 %s 127.0.0.1 40000 443\r\n" % self.client.encode())


def login_from(server, client, user, password):
    """Logs in as if from client; returns (seconds taken, the reply)."""
    conn = ProxyConnection(server.port, client)
    t0 = time.monotonic()
    conn.request("POST", "/", xmlrpc.client.dumps((user, password),
                                                  "session.login_with_password"))
    reply = xmlrpc.client.loads(conn.getresponse().read())[0][0]
    conn.close()
    return time.monotonic() - t0, reply


def in_background(*args):
    """login_from in a thread of its own, for a login the test does not wait for (it may
    end with the server)."""
    def run():
        try:
            login_from(*args)
        except (OSError, http.client.HTTPException):
            pass
    t = threading.Thread(target=run)
    t.start()
    return t


def in_parallel(calls):
    """Runs each call in a thread of its own; their results in the calls' order."""
    results = [None] * len(calls)

    def run(i):
        results[i] = calls[i]()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def slow_openssl(seconds, counts):
    """A directory holding an openssl that takes seconds and appends to the file counts
    how many such helpers run as it starts."""
    bindir = tempfile.mkdtemp()
    real = subprocess.run(["sh", "-c", "command -v openssl"], capture_output=True,
                          text=True).stdout.strip()
    running = counts + ".d"
    os.mkdir(running)
    with open(os.path.join(bindir, "openssl"), "w") as f:
        f.write("#!/bin/sh\n"
                "touch %(d)s/$$; ls %(d)s | wc -l >> %(c)s\n"
                "sleep %(s)s\n"
                "%(real)s \"$@\"; rc=$?\n"
                "rm -f %(d)s/$$; exit $rc\n" % {"d": running, "c": counts, "s": seconds,
                                                "real": real})
    os.chmod(os.path.join(bindir, "openssl"), 0o755)
    return bindir


class BruteForce(unittest.TestCase):
    """The delay's maximum and the table of XAPI_LOGIN_CLIENTS addresses are hit by
    tests/unit/test_throttle.c (in seconds here they would take minutes)."""

    def setUp(self):
        self.server = Server()

    def tearDown(self):
        self.assertEqual(self.server.stop(), 0, "a clean exit (no leak)")
        self.server.remove()

    def test_failures_double_the_delay_and_a_success_resets_it(self):
        took = []
        for i in range(3):
            t, r = login_from(self.server, "198.51.100.7", "root", "guess-%d" % i)
            self.assertEqual(r["ErrorDescription"],
                             ["SESSION_AUTHENTICATION_FAILED", "root", "Authentication failure"],
                             "XAPI's error, only later")
            took.append(t)
        for i, t in enumerate(took):
            want = FIRST_DELAY * 2 ** i
            self.assertTrue(want * 0.9 <= t < want + 2.0,
                            "failure %d answered after %.2f s, not %.2f s: %s" %
                            (i + 1, t, want, took))
        # While a fourth failure is held (2 s), the right password waits for the delay the
        # address owes; then its success resets it.
        held = in_background(self.server, "198.51.100.7", "root", "guess-3")
        wait_log(self.server, "198.51.100.7 login root failure", 4)
        t, r = login_from(self.server, "198.51.100.7", "root", PASSWORD)
        self.assertEqual(r["Status"], "Success", r)
        self.assertGreaterEqual(t, 8 * FIRST_DELAY * 0.7, "it waited (%.2f s)" % t)
        log = self.server.log_text()
        self.assertIn("198.51.100.7 login root delayed", log)
        self.assertIn("198.51.100.7 login root success", log)
        held.join(10)
        t, r = login_from(self.server, "198.51.100.7", "root", "guess-again")
        self.assertTrue(FIRST_DELAY * 0.9 <= t < 2 * FIRST_DELAY * 0.9 + 1.0,
                        "after a success the first delay again: %.2f s" % t)
        # A user that does not exist fails as slowly.
        t, r = login_from(self.server, "198.51.100.7", "nobody", "guess")
        self.assertEqual(r["ErrorDescription"][0], "SESSION_AUTHENTICATION_FAILED")
        self.assertGreaterEqual(t, 2 * FIRST_DELAY * 0.9, "an unknown user counts too")

    def test_parallel_guesses_from_one_address_are_one_at_a_time(self):
        addr = "198.51.100.9"
        t0 = time.monotonic()
        results = in_parallel([lambda i=i: login_from(self.server, addr, "root", "g%d" % i)
                               for i in range(3)])
        elapsed = time.monotonic() - t0
        for _, r in results:
            self.assertEqual(r["ErrorDescription"][0], "SESSION_AUTHENTICATION_FAILED")
        # Checked one after another, each after the delay the last one earned.
        want = sum(FIRST_DELAY * 2 ** i for i in range(3))
        self.assertGreaterEqual(elapsed, want * 0.9, "%.2f s for 3 guesses" % elapsed)

    def test_at_most_a_few_logins_per_address_under_way(self):
        addr = "198.51.100.10"
        held = [in_background(self.server, addr, "nobody", "x") for _ in range(PER_CLIENT)]
        # While those wait for their delay, one more from the address is refused unchecked
        # (answered as late as a failure), and one from elsewhere is not.
        wait_log(self.server, "%s session.login_with_password parked" % addr, PER_CLIENT)
        t, r = login_from(self.server, addr, "root", PASSWORD)
        self.assertEqual(r.get("ErrorDescription"), ["SESSION_AUTHENTICATION_FAILED", "root",
                         "too many logins under way from this address"], r)
        self.assertGreaterEqual(t, FIRST_DELAY * 0.9, "no faster than a failure")
        self.assertIn("%s login root refused" % addr, self.server.log_text())
        t, r = login_from(self.server, "198.51.100.11", "root", PASSWORD)
        self.assertEqual(r["Status"], "Success")
        self.assertEqual(self.server.stop(), 0, "held logins end with the server")
        for t in held:
            t.join(30)

    def test_another_address_is_not_slowed_by_a_guesser(self):
        stop = threading.Event()
        guesses = [0]

        def guesser(addr):
            while not stop.is_set():
                try:
                    login_from(self.server, addr, "root", "guess")
                except OSError:
                    return      # the server has stopped
                guesses[0] += 1
        # Eight addresses, as many connections each as may have logins under way.
        attackers = [threading.Thread(target=guesser, args=("203.0.113.%d" % (i % 8 + 1),))
                     for i in range(8 * PER_CLIENT)]
        for t in attackers:
            t.start()
        for i in range(1, 9):     # every attacker address now owes a delay
            wait_log(self.server, "203.0.113.%d login root failure" % i)
        took = []
        try:
            for _ in range(5):
                t, r = login_from(self.server, "192.0.2.44", "root", PASSWORD)
                self.assertEqual(r["Status"], "Success", r)
                took.append(t)
        finally:
            # Held guesses would take up to 8 s each to answer: stop the server instead.
            stop.set()
            self.assertEqual(self.server.stop(), 0)
            for t in attackers:
                t.join(30)
        self.assertLess(max(took), 1.0, "a right password from elsewhere is answered at once "
                        "(%s s, with %d guesses meanwhile)" % (took, guesses[0]))

    def test_only_root_logs_in(self):
        # Another account of the password file, even with a good hash, gets no session:
        # every session is the local superuser's.
        with open(self.server.shadow, "a") as f:
            f.write("admin:%s:19000:0:99999:7:::\n" % crypt(PASSWORD))
        t, r = login_from(self.server, "198.51.100.12", "admin", PASSWORD)
        self.assertEqual(r.get("ErrorDescription"),
                         ["SESSION_AUTHENTICATION_FAILED", "admin", "Authentication failure"])
        self.assertGreaterEqual(t, FIRST_DELAY * 0.9, "a failure like any other")

    def test_the_unix_socket_preauth_is_not_slowed(self):
        self.server.stop()
        self.server = Server(self.server.dir, unix=True)
        p = xmlrpc.client.ServerProxy("http://local/", transport=UnixTransport(self.server.sock))
        for _ in range(2):
            self.assertEqual(p.session.login_with_password("root", "wrong")["Status"],
                             "Failure")

        def held():
            xmlrpc.client.ServerProxy("http://local/", transport=UnixTransport(
                self.server.sock)).session.login_with_password("root", "wrong")
        t = threading.Thread(target=held)
        t.start()
        wait_log(self.server, "local login root failure", 3)
        # "local" owes 1 s now; a password given is checked as late, but no password is
        # root's preauth.
        t0 = time.monotonic()
        self.assertEqual(p.session.login_with_password("root", "")["Status"], "Success")
        self.assertLess(time.monotonic() - t0, 0.6, "root's preauth login is never delayed")
        t.join(10)


class CryptHelpers(unittest.TestCase):
    maxDiff = None

    def test_at_most_four_helpers_and_the_rest_wait_in_order(self):
        counts = os.path.join(tempfile.mkdtemp(), "counts")
        bindir = slow_openssl(1, counts)
        server = xapi_server.server_on_path(bindir)
        try:
            done = []
            n = 3 * HELPERS

            def one(i):
                # In order: each after the one before is held, and 0.2 s later on purpose,
                # so that helpers started in turn also end 0.2 s apart, in an order seen.
                if i > 0:
                    wait_log(server, "192.0.2.%d session.login_with_password parked" % i)
                    time.sleep(0.2)
                t, r = login_from(server, "192.0.2.%d" % (i + 1), "root", PASSWORD)
                done.append((i, r["Status"] if r["Status"] == "Success" else r))
            in_parallel([lambda i=i: one(i) for i in range(n)])
            self.assertEqual(sorted(done), [(i, "Success") for i in range(n)],
                             "every login waited its turn; none was refused")
            self.assertEqual([i for i, _ in done], list(range(n)), "first come, first served")
            with open(counts) as f:
                seen = [int(line) for line in f]
            self.assertEqual(max(seen), HELPERS, "helpers running at once: %s" % seen)
            self.assertEqual(server.stop(), 0)
        finally:
            server.remove()


class LogLines(unittest.TestCase):
    def setUp(self):
        self.server = Server()
        self.log = os.path.join(self.server.dir, "api.log")
        self.server.stop()
        self.server = Server(self.server.dir, extra=["--log", self.log])

    def tearDown(self):
        self.server.stop()
        self.server.remove()

    def test_a_client_cannot_forge_or_flood_log_lines(self):
        big = "m" * (100 * 1024)
        status, data = post(self.server, "/", xmlrpc.client.dumps((), big))
        self.assertEqual(status, 200)
        self.assertEqual(xmlrpc.client.loads(data)[0][0]["ErrorDescription"][0],
                         "MESSAGE_METHOD_UNKNOWN")
        forged = "VM.get_all\n2026-01-01T00:00:00Z 10.9.9.9 session.logout Success\r\nx"
        status, data = post(self.server, "/jsonrpc", json.dumps(
            {"jsonrpc": "2.0", "id": 1, "method": forged, "params": []}))
        self.assertEqual(status, 200)
        self.assertIn("error", json.loads(data), "refused, whatever the reason")
        lines = wait_lines(self.log, lambda ls: len(ls) >= 2, "both calls logged")
        self.assertEqual(len(lines), 2, "two calls, two lines: %r" % lines)
        for line in lines:
            self.assertRegex(line, LINE, "one printable line of short fields")
        self.assertTrue(lines[0].split(" ")[2].startswith("m" * 100) and
                        lines[0].split(" ")[2].endswith("..."), "the long name cut: %r" %
                        lines[0][:300])
        self.assertIn(" VM.get_all\\x0a2026-01-01T00:00:00Z\\x2010.9.9.9", lines[1],
                      "the newline and spaces escaped inside the method's field")
        self.assertFalse(any(ln.startswith("2026-01-01") for ln in lines), "no forged line")

    def test_the_proxy_source_is_the_client_even_in_one_packet_with_the_request(self):
        # stunnel's PROXY line often arrives with the request in one segment.
        body = xmlrpc.client.dumps((), "system.listMethods").encode()
        with socket.create_connection(("127.0.0.1", self.server.port), 10) as c:
            c.sendall(b"PROXY TCP4 192.0.2.77 127.0.0.1 40000 443\r\n"
                      b"POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            self.assertTrue(c.recv(100).startswith(b"HTTP/1.1 200"))
        lines = wait_lines(self.log, lambda ls: len(ls) >= 1, "the call logged")
        self.assertEqual(lines[0].split(" ")[1:], ["192.0.2.77", "system.listMethods",
                                                   "Success"])

    def test_the_log_file_is_capped_and_rotated(self):
        # Lines of about 260 bytes (a method's field is cut at 200), from 8 clients at once,
        # until the file has been rotated twice.
        body = xmlrpc.client.dumps((), "x" * 1000).encode()
        rotated = os.path.join(self.server.dir, "api.log.1")
        sizes = []

        def client():
            conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
            while len(sizes) < 2:
                conn.request("POST", "/", body)
                conn.getresponse().read()
        threads = [threading.Thread(target=client) for _ in range(8)]
        for t in threads:
            t.start()
        deadline, inode = time.monotonic() + 120, None
        while len(sizes) < 2 and time.monotonic() < deadline:
            if os.path.exists(rotated) and os.stat(rotated).st_ino != inode:
                inode = os.stat(rotated).st_ino
                sizes.append(os.stat(rotated).st_size)
            time.sleep(0.01)
        for t in threads:
            t.join(30)
        self.assertEqual(len(sizes), 2, "rotated twice")
        for size in sizes + [os.stat(self.log).st_size]:
            self.assertLessEqual(size, LOG_MAX + 64 * 1024, "at most one turn's lines past "
                                 "the limit: %s" % sizes)
        self.assertGreaterEqual(min(sizes), LOG_MAX, "rotated at the limit: %s" % sizes)
        self.assertEqual(sorted(f for f in os.listdir(self.server.dir) if "api.log" in f),
                         ["api.log", "api.log.1"], "one old file kept, no more")
        with open(self.log) as f:
            for line in f:
                self.assertRegex(line.rstrip("\n"), LINE, "whole lines in the new file")

    def test_every_login_is_logged_without_its_password(self):
        p = xmlrpc.client.ServerProxy(self.server.url)
        self.assertEqual(p.session.login_with_password("root", PASSWORD)["Status"], "Success")
        self.assertEqual(p.session.login_with_password("root", "Guess-1")["Status"], "Failure")
        user = "u\nx" * 1000
        self.assertEqual(p.session.login_with_password(user, "Guess-2")["Status"], "Failure")
        lines = wait_lines(self.log, lambda ls: sum(" login " in ln for ln in ls) >= 3,
                           "three logins logged")
        logins = [ln.split(" ")[1:] for ln in lines if " login " in ln]
        self.assertEqual(logins[0], ["127.0.0.1", "login", "root", "success"], lines)
        self.assertEqual(logins[1], ["127.0.0.1", "login", "root", "failure"], lines)
        self.assertEqual(logins[2][:2], ["127.0.0.1", "login"], lines)
        self.assertTrue(logins[2][2].startswith("u\\x0ax") and logins[2][2].endswith("...")
                        and len(logins[2][2]) <= FIELD_MAX, "the user's name cut and escaped")
        self.assertEqual(logins[2][3], "failure")
        for line in lines:
            self.assertRegex(line, LINE)
        text = "\n".join(lines)
        for pw in (PASSWORD, "Guess-1", "Guess-2"):
            self.assertNotIn(pw, text, "no password is logged")


if __name__ == "__main__":
    unittest.main()
