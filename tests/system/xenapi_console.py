"""A guest's text console on a real host, reached as XenAPI clients (Xen Orchestra) reach
it: CONNECT over TLS to the console's location with the session, then the console's bytes
both ways. GuestShell runs commands in the demo guest's shell on that console (the guest
started with atoll.stay has one on hvc0)."""
import itertools
import re
import socket
import time

CONSOLE_TIMEOUT = 120       # the guest's shell may still be starting under emulation
_tags = itertools.count(1)
# The shell's line editing redraws with escape sequences and ends lines with CR LF.
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\r")


def ok(r):
    assert r["Status"] == "Success", r
    return r["Value"]


def console_record(api, s, vm):
    """The VM's one console's record."""
    consoles = ok(api.VM.get_consoles(s, vm))
    assert len(consoles) == 1, consoles
    return ok(api.console.get_record(s, consoles[0]))


def connect(api, port, con, s):
    """A TLS connection to the console's location through the host's port forwarded to
    port on loopback, with the CONNECT sent; the reply is left to read."""
    location = con["location"]
    path = location[location.index("/console"):]
    raw = socket.create_connection(("127.0.0.1", port), 30)
    tls = api._ServerProxy__transport.context.wrap_socket(raw)
    tls.sendall(("CONNECT %s&session_id=%s HTTP/1.0\r\n\r\n" % (path, s)).encode())
    return tls


def console_bytes(api, port, con, s, want, keys=None, timeout=CONSOLE_TIMEOUT):
    """Connects to a console, types keys every 15 s if given (the shell may still be
    starting), and returns what came until want (or the deadline, or the end)."""
    with connect(api, port, con, s) as tls:
        seen, typed, deadline = b"", 0, time.monotonic() + timeout
        tls.settimeout(1)
        while want not in seen and time.monotonic() < deadline:
            if keys and b"200 OK" in seen and time.monotonic() > typed + 15:
                tls.sendall(keys)
                typed = time.monotonic()
            try:
                chunk = tls.recv(4096)
            except socket.timeout:
                continue
            if not chunk:
                break
            seen += chunk
    return seen


class GuestShell:
    """The guest's shell on its console, over one connection: run() types a command and
    returns its exit status and output. Opening waits until the shell answers."""

    def __init__(self, api, port, s, vm):
        self.tls = connect(api, port, console_record(api, s, vm), s)
        self.tls.settimeout(1)
        self.raw = self.seen = b""
        self.read_until(re.compile(rb"^HTTP/1.1 200 OK\n\n"), 30, "the CONNECT reply")
        # Type until the shell answers: it may still be starting.
        tag = b"ready-%d" % next(_tags)
        deadline, typed = time.monotonic() + CONSOLE_TIMEOUT, 0
        while tag + b"1!" not in self.seen:
            if time.monotonic() > deadline:
                raise AssertionError("the guest's shell never answered: %r"
                                     % self.seen[-500:])
            if time.monotonic() > typed + 10:
                self.type(b"echo " + tag + b"$((1))!\n")
                typed = time.monotonic()
            self._recv()
        self.mark = len(self.seen)
        # A console has no size: a long command line would wrap, and be redrawn.
        self.run("stty cols 1000")

    def _recv(self):
        try:
            chunk = self.tls.recv(4096)
        except socket.timeout:
            return
        if not chunk:
            raise AssertionError("the console closed: %r" % self.seen[-500:])
        self.raw += chunk
        self.seen = ANSI.sub(b"", self.raw)

    def type(self, keys):
        # In short bursts: the console's ring between dom0 and the guest is small.
        for i in range(0, len(keys), 64):
            self.tls.sendall(keys[i:i + 64])
            time.sleep(0.01)

    def read_until(self, regex, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            m = regex.search(self.seen, getattr(self, "mark", 0))
            if m:
                return m
            if time.monotonic() > deadline:
                raise AssertionError("the guest's console: no %s after %ds: %r"
                                     % (what, timeout, self.seen[-500:]))
            self._recv()

    def run(self, command, timeout=CONSOLE_TIMEOUT):
        """Runs command in the guest's shell; returns (status, output as text)."""
        tag = b"G%d" % next(_tags)
        self.type(command.encode() + b"; echo " + tag + b"=$?=\n")
        # The echo of the typed line has "$?" where the end marker has a number.
        echo = self.read_until(re.compile(re.escape(tag + b"=$?=\n")), timeout,
                               "echo of " + command)
        self.mark = echo.end()
        end = self.read_until(re.compile(tag + rb"=(\d+)=\n"), timeout, "end of " + command)
        out = self.seen[self.mark:end.start()]
        # Typed before the shell was back at its prompt, the line is echoed twice: by the
        # tty, then after the prompt by the shell's line editor. The output follows the last.
        again = out.rfind(tag + b"=$?=\n")
        if again >= 0:
            out = out[again + len(tag + b"=$?=\n"):]
        out = out.decode("utf-8", "replace")
        self.mark = end.end()
        return int(end.group(1)), out

    def close(self):
        self.tls.close()
