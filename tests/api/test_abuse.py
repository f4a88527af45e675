"""A hostile client against xapi-lite: log lines it cannot forge or blow up."""
import http.client
import json
import os
import re
import socket
import time
import unittest
import xmlrpc.client

from xapi_server import PASSWORD, Server

FIELD_MAX = 200     # XAPI_LOG_FIELD_MAX
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
