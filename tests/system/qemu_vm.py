"""Boots Atoll in QEMU (TCG) and talks to it over the serial console.

A Vm runs one QEMU with the serial console on a pipe. Everything it prints is kept (and
written to a log file); wait() blocks until a pattern appears or a deadline passes, and on a
timeout raises with the tail of what was seen. A Screen runs one QEMU in tmux instead, for
full-screen programs on the console: it reads the screen as tmux renders it. There are no
fixed sleeps (only pauses between typed keys).
"""
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"

# Generous deadlines: about three times what a shared 2-core machine usually needs.
BOOT_TIMEOUT = 240
COMMAND_TIMEOUT = 90


def unverified_tls():
    """A TLS context for a host's own self-signed certificate (as on a fresh XCP-ng host:
    clients pin or ignore it)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\r")


def free_port():
    """A loopback TCP port nobody listens on, for a hostfwd or a test server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Timeout(AssertionError):
    pass


def base_args(firmware, workdir):
    """QEMU flags common to every test boot: the verified recipe's machine."""
    args = [
        "qemu-system-x86_64", "-machine", "q35", "-cpu", "qemu64,+svm,+npt",
        "-m", "2048", "-smp", "2", "-nographic", "-no-reboot", "-monitor", "none",
        "-serial", "stdio",
    ]
    if firmware == "uefi":
        vars_copy = os.path.join(workdir, "OVMF_VARS.fd")
        shutil.copy(OVMF_VARS, vars_copy)
        args += ["-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE,
                 "-drive", "if=pflash,format=raw,file=" + vars_copy]
    return args


def net_args(forwards=()):
    """User-mode networking that reaches nothing but what is forwarded."""
    netdev = "user,id=n0,restrict=on" + "".join("," + f for f in forwards)
    return ["-netdev", netdev, "-device", "e1000,netdev=n0"]


class Vm:
    def __init__(self, name, args, logdir):
        os.makedirs(logdir, exist_ok=True)
        self.name = name
        self.workdir = tempfile.mkdtemp(prefix="atoll-" + name + "-")
        self.log_path = os.path.join(logdir, name + ".log")
        self._log = open(self.log_path, "wb")
        self._buf = bytearray()
        self._cond = threading.Condition()
        self._eof = False
        self.started = time.monotonic()
        self.mark = 0          # wait() searches from here; moved past each match
        self._commands = 0
        self._line_start = True
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(65536)
            with self._cond:
                if not chunk:
                    self._eof = True
                    self._cond.notify_all()
                    return
                self._write_log(chunk)
                self._buf += ANSI.sub(b"", chunk)
                self._cond.notify_all()

    def _write_log(self, chunk):
        """The log gets each line stamped with the seconds since QEMU started."""
        for line in chunk.splitlines(keepends=True):
            if self._line_start:
                self._log.write(b"[%7.2f] " % self.elapsed())
            self._log.write(line)
            self._line_start = line.endswith(b"\n")
        self._log.flush()

    def text(self):
        with self._cond:
            return self._buf.decode("utf-8", "replace")

    def tail(self, lines=40):
        return "\n".join(self.text().splitlines()[-lines:])

    def elapsed(self):
        return time.monotonic() - self.started

    def wait(self, pattern, timeout, what=None):
        """Waits for the regex after self.mark; returns the match and moves the mark."""
        regex = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                m = regex.search(self._buf, self.mark)
                if m:
                    self.mark = m.end()
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    why = "QEMU exited" if self._eof else "no match after %ds" % timeout
                    raise Timeout("%s: waiting for %s: %s\n--- last lines of %s ---\n%s"
                                  % (self.name, what or repr(pattern), why, self.log_path,
                                     self.tail()))
                self._cond.wait(min(left, 1.0))

    def wait_exit(self, timeout):
        """Waits for QEMU to exit (the machine powered off); returns its status."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise Timeout("%s: still running after %ds\n--- last lines of %s ---\n%s"
                          % (self.name, timeout, self.log_path, self.tail()))

    def send(self, text):
        """Types text on the serial line in short bursts (the emulated UART drops input
        that arrives faster than it is read)."""
        data = text.encode()
        for i in range(0, len(data), 8):
            self.proc.stdin.write(data[i:i + 8])
            self.proc.stdin.flush()
            time.sleep(0.02)

    def run(self, command, timeout=COMMAND_TIMEOUT):
        """Runs a shell command at the logged-in prompt; returns (status, output)."""
        self._commands += 1
        tag = "R%d" % self._commands
        self.send("%s; echo %s=$?=\n" % (command, tag))
        # Skip the echo of the command line itself, then take what it printed.
        self.wait(re.escape("%s=$?=" % tag), timeout, "echo of: " + command)
        start = self.mark
        m = self.wait(r"%s=(\d+)=" % tag, timeout, "end of: " + command)
        with self._cond:
            out = self._buf[start:m.start()].decode("utf-8", "replace")
        return int(m.group(1)), out

    def login(self, password):
        self.wait(r"login: ", COMMAND_TIMEOUT, "the login prompt")
        self.send("root\n")
        self.wait(r"Password: ", COMMAND_TIMEOUT, "the password prompt")
        self.send(password + "\n")
        self.wait(r"\]# ", COMMAND_TIMEOUT, "the root shell prompt")
        # A serial line has no size: the shell wraps at 80 columns, which would split the
        # markers run() waits for. A wide line never wraps.
        self.send("stty cols 1000\n")
        self.wait(r"\]# ", COMMAND_TIMEOUT, "the prompt after stty")

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(5)
        self.proc.stdin.close()
        self.proc.stdout.close()
        self._log.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def sha512_crypt(password):
    """A sha512-crypt hash made by openssl (never by our own code)."""
    return subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=password.encode(),
                          check=True, capture_output=True).stdout.decode().strip()


class Screen:
    """Runs one QEMU in a detached tmux of 80x25, so the serial console is a terminal that
    tmux renders, as a user sees it: for full-screen programs (the installer's dialog
    screens). wait() polls the rendered screen for a pattern; keys() and type() press keys.
    Each Screen has its own tmux server; the raw console output goes to the log."""

    def __init__(self, name, args, logdir):
        os.makedirs(logdir, exist_ok=True)
        self.name = name
        self.workdir = tempfile.mkdtemp(prefix="atoll-" + name + "-")
        self.log_path = os.path.join(logdir, name + ".log")
        self.socket = "atoll-%s-%d" % (name, os.getpid())
        self.started = time.monotonic()
        self.last = ""
        conf = os.path.join(self.workdir, "tmux.conf")
        with open(conf, "w") as f:
            # The pane keeps QEMU's exit status; no status line, so the pane is 80x25.
            f.write("set -g remain-on-exit on\nset -g status off\n")
        open(self.log_path, "wb").close()
        command = " ".join(shlex.quote(a) for a in args)
        self._tmux("-f", conf, "new-session", "-d", "-s", name, "-x", "80", "-y", "25",
                   command)
        self._tmux("pipe-pane", "-t", name, "cat >> " + shlex.quote(self.log_path))

    def _tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket] + list(args), check=True,
                              capture_output=True, text=True).stdout

    def elapsed(self):
        return time.monotonic() - self.started

    def screen(self):
        """The screen as it is now, 25 lines of text."""
        self.last = self._tmux("capture-pane", "-p", "-t", self.name)
        return self.last

    def exited(self):
        """QEMU's exit status once it has exited, else None."""
        words = self._tmux("display-message", "-p", "-t", self.name,
                           "#{pane_dead} #{pane_dead_status}").split()
        if words[0] != "1":
            return None
        return int(words[1]) if len(words) > 1 else -1

    def wait(self, pattern, timeout, what=None):
        """Waits until the screen shows pattern (a regex); returns the screen."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if regex.search(text):
                return text
            why = None
            if self.exited() is not None:
                why = "QEMU exited"
            elif time.monotonic() > deadline:
                why = "not on the screen after %ds" % timeout
            if why:
                raise Timeout("%s: waiting for %s: %s\n--- the screen (log: %s) ---\n%s"
                              % (self.name, what or repr(pattern), why, self.log_path, text))
            time.sleep(0.5)

    def wait_exit(self, timeout):
        """Waits for QEMU to exit (the machine powered off); returns its status."""
        deadline = time.monotonic() + timeout
        while (status := self.exited()) is None:
            if time.monotonic() > deadline:
                raise Timeout("%s: still running after %ds\n--- the screen ---\n%s"
                              % (self.name, timeout, self.screen()))
            time.sleep(0.5)
        return status

    def keys(self, *keys):
        """Presses keys by tmux's names (Enter, Escape, C-u, Down) or single characters."""
        for k in keys:
            self._tmux("send-keys", "-t", self.name, k)
            time.sleep(0.1)

    def type(self, text):
        """Types text a character at a time (the emulated UART drops a fast burst)."""
        for ch in text:
            self._tmux("send-keys", "-t", self.name, "-l", ch)
            time.sleep(0.05)

    def close(self):
        try:
            self._tmux("kill-server")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.workdir, ignore_errors=True)
