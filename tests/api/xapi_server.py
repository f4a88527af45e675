"""Starts out/bin/xapi-lite --backend sim on a free loopback port for API tests."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

BIN = os.environ.get("XAPI_LITE", "out/bin/xapi-lite")
PASSWORD = "atoll-api-test"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, workdir=None, extra=()):
        """Starts a server; with workdir, reuses that directory's password and state."""
        self.dir = workdir or tempfile.mkdtemp(prefix="xapi-lite-test-")
        self.state = os.path.join(self.dir, "state")
        hashed = subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=PASSWORD.encode(),
                                check=True, capture_output=True).stdout.decode().strip()
        self.shadow = os.path.join(self.dir, "shadow")
        with open(self.shadow, "w") as f:
            f.write("root:%s:19000:0:99999:7:::\n" % hashed)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = open(os.path.join(self.dir, "log"), "a+")
        self.proc = subprocess.Popen(
            [BIN, "--backend", "sim", "--state", self.state,
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
