"""Starts out/bin/xapi-lite --backend sim on a free loopback port for API tests."""
import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time
import xmlrpc.client

BIN = os.environ.get("XAPI_LITE", "out/bin/xapi-lite")
PASSWORD = "atoll-api-test"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def crypt(password):
    """password's sha512-crypt hash, as openssl makes it."""
    return subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=password.encode(),
                          check=True, capture_output=True).stdout.decode().strip()


class UnixTransport(xmlrpc.client.Transport):
    """xmlrpc.client over a Unix socket (the --unix listener)."""

    def __init__(self, path):
        super().__init__()
        self.path = path

    def make_connection(self, host):
        path = self.path

        class Conn(http.client.HTTPConnection):
            def connect(self):
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.settimeout(30)
                self.sock.connect(path)
        return Conn("localhost")


class Server:
    def __init__(self, workdir=None, extra=(), root_hash=None, unix=False, binary=None):
        """Starts a server; with workdir, reuses that directory's password and state.
        root_hash replaces root's password hash (such as "!", locked); unix adds a
        --unix listener at self.sock; binary replaces BIN (such as a release build)."""
        self.dir = workdir or tempfile.mkdtemp(prefix="xapi-lite-test-")
        self.state = os.path.join(self.dir, "state")
        self.shadow = os.path.join(self.dir, "shadow")
        if workdir is None or not os.path.exists(self.shadow):
            with open(self.shadow, "w") as f:
                f.write("daemon:*:19000:0:99999:7:::\n")
                f.write("root:%s:19000:0:99999:7:::\n" % (
                    crypt(PASSWORD) if root_hash is None else root_hash))
                f.write("operator:!:19000:0:99999:7:::\n")
        self.sock = os.path.join(self.dir, "xapi.sock")
        if unix:
            extra = ["--unix", self.sock] + list(extra)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = open(os.path.join(self.dir, "log"), "a+")
        self.proc = subprocess.Popen(
            [binary or BIN, "--backend", "sim", "--state", self.state,
             "--listen", "127.0.0.1:%d" % self.port, "--password-file", self.shadow,
             "--log", "-"] + list(extra), stderr=self.log)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.log.seek(0)
                    raise RuntimeError("xapi-lite did not start: " + self.log.read())
                time.sleep(0.05)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()
        return self.proc.returncode

    def kill(self):
        """kill -9: no chance to flush anything."""
        self.proc.kill()
        self.proc.wait(10)
        self.log.close()

    def log_text(self):
        with open(os.path.join(self.dir, "log")) as f:
            return f.read()

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def server_on_path(bindir, **kw):
    """A Server started with bindir first on PATH (stand-ins for its helper programs)."""
    env_path = os.environ["PATH"]
    os.environ["PATH"] = bindir + ":" + env_path
    try:
        return Server(**kw)
    finally:
        os.environ["PATH"] = env_path
