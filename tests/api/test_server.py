"""xapi-lite's command line and process behaviour: options and their errors, the Unix
socket (XenAPI.py's xapi_local), SIGHUP reopening the log, the session limit."""
import http.client
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import xmlrpc.client

import xapi_server
from xapi_server import BIN, PASSWORD, Server


def run(*args):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=30)


class Options(unittest.TestCase):
    def test_help_and_version(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--backend sim|xen", r.stdout)
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^xapi-lite \d+\.\d+\.\d+\n$")

    def test_bad_options_are_named(self):
        state = tempfile.mkdtemp()
        cases = [
            ((), "--backend sim|xen is required"),
            (("--backend", "sim"), "--state DIR is required"),
            (("--backend", "kvm", "--state", state), "backend 'kvm': unknown"),
            (("--backend", "sim", "--state", state, "--listen", "nonsense"),
             "--listen nonsense"),
            (("--backend", "sim", "--state", state, "--listen", "127.0.0.1:99999"),
             "--listen 127.0.0.1:99999"),
            (("--backend", "sim", "--state", state, "--password-file", "/nonexistent"),
             "--password-file /nonexistent"),
            (("--backend", "sim", "--state", "/proc/nope/state"), "--state /proc/nope/state"),
            (("--frobnicate",), "usage:"),
            # No Xen on the build machine: the xen backend says what it could not read.
            (("--backend", "xen", "--state", tempfile.mkdtemp()),
             "the xen backend cannot read this host"),
        ]
        for args, message in cases:
            r = run(*args)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertIn(message, r.stderr, args)


class UnixSocket(unittest.TestCase):
    def test_http_over_the_unix_socket(self):
        server = Server(extra=["--unix", os.path.join(tempfile.mkdtemp(), "xapi.sock")])
        path = server.proc.args[server.proc.args.index("--unix") + 1]
        try:
            deadline = time.monotonic() + 10
            while not os.path.exists(path) and time.monotonic() < deadline:
                time.sleep(0.02)
            conn = http.client.HTTPConnection("localhost")
            conn.sock = socket.socket(socket.AF_UNIX)
            conn.sock.connect(path)
            body = xmlrpc.client.dumps(("root", PASSWORD), "session.login_with_password")
            conn.request("POST", "/", body)
            reply = xmlrpc.client.loads(conn.getresponse().read())[0][0]
            self.assertEqual(reply["Status"], "Success")
            self.assertEqual(oct(os.stat(path).st_mode & 0o777), "0o600", "root only")
            self.assertEqual(server.stop(), 0)
            self.assertFalse(os.path.exists(path), "the socket is removed on exit")
        finally:
            server.remove()


class Signals(unittest.TestCase):
    def test_sighup_reopens_the_log(self):
        server = Server()
        try:
            log = os.path.join(server.dir, "api.log")
            server.stop()
            server = Server(server.dir, extra=["--log", log])
            p = xmlrpc.client.ServerProxy(server.url)
            p.system.listMethods()
            os.rename(log, log + ".1")             # what logrotate does
            server.proc.send_signal(signal.SIGHUP)
            # Calls go on until one lands in the new file: the first ones after the signal
            # may still be written to the renamed one.
            deadline, text = time.monotonic() + 20, ""
            while "system.listMethods" not in text and time.monotonic() < deadline:
                p.system.listMethods()
                if os.path.exists(log):
                    with open(log) as f:
                        text = f.read()
                else:
                    time.sleep(0.05)
            self.assertIn("system.listMethods", text, "calls are logged to the new file")
            self.assertEqual(server.stop(), 0)
        finally:
            server.remove()


class NonBlocking(unittest.TestCase):
    def test_a_slow_password_check_blocks_nobody(self):
        """The crypt helper runs as a child the loop does not wait for: a login whose helper
        takes 2 s (real openssl behind a delay) leaves every other client served at once."""
        bindir = tempfile.mkdtemp()
        real = subprocess.run(["sh", "-c", "command -v openssl"], capture_output=True,
                              text=True).stdout.strip()
        started = os.path.join(bindir, "started")
        with open(os.path.join(bindir, "openssl"), "w") as f:
            f.write("#!/bin/sh\ntouch %s\nsleep 2\nexec %s \"$@\"\n" % (started, real))
        os.chmod(os.path.join(bindir, "openssl"), 0o755)
        server = xapi_server.server_on_path(bindir)
        # The server's set-up hashed its password through the same stand-in: only a
        # marker made after this is the login's helper.
        if os.path.exists(started):
            os.unlink(started)
        try:
            result = {}

            def slow_login():
                p = xmlrpc.client.ServerProxy(server.url)
                result["r"] = p.session.login_with_password("root", PASSWORD)

            t = threading.Thread(target=slow_login)
            t.start()
            xapi_server.until("the login's helper started", lambda: os.path.exists(started))
            self.assertTrue(t.is_alive(), "answered before its helper ended: %r" % result)
            t0 = time.monotonic()
            self.assertIn("VM.start", xmlrpc.client.ServerProxy(server.url).system.listMethods())
            self.assertLess(time.monotonic() - t0, 1.5, "served while the 2 s helper runs")
            t.join(30)
            self.assertEqual(result["r"]["Status"], "Success", "and the login succeeds")
            self.assertEqual(server.stop(), 0)
        finally:
            server.remove()


class Sessions(unittest.TestCase):
    def test_at_most_400_sessions_oldest_evicted(self):
        server = Server()
        try:
            p = xmlrpc.client.ServerProxy(server.url)
            first = p.session.login_with_password("root", PASSWORD)["Value"]
            kept = [p.session.login_with_password("root", PASSWORD)["Value"]
                    for _ in range(400)]
            self.assertEqual(p.VM.get_all(first)["ErrorDescription"], ["SESSION_INVALID", first])
            # No session.get_all (as XAPI): the 400 after it are all still good.
            for s in kept:
                self.assertEqual(p.VM.get_by_uuid(s, "none")["ErrorDescription"][0],
                                 "UUID_INVALID", s)
            self.assertEqual(server.stop(), 0)
        finally:
            server.remove()


if __name__ == "__main__":
    unittest.main(verbosity=2)
