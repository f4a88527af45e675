"""Starts out/bin/xapi-lite --backend sim on a free loopback port for API tests."""
import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import xmlrpc.client

BIN = os.environ.get("XAPI_LITE", "out/bin/xapi-lite")
PASSWORD = "atoll-api-test"
MIB = 1024 * 1024
DEMO_TEMPLATE = "Atoll demo guest"


def ok(r):
    """A call's value; it must have succeeded."""
    assert r["Status"] == "Success", r
    return r["Value"]


def err(r):
    """A call's ErrorDescription; it must have failed."""
    assert r["Status"] == "Failure", r
    return r["ErrorDescription"]


def until(what, fn, timeout=30):
    """fn() until it returns something true; its last value is in the failure."""
    deadline, got = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        got = fn()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError("%s: not within %d s (last seen: %r)" % (what, timeout, got))


def wait_log(server, text, count=1, timeout=20):
    """Waits until server's log holds text count times: a state xapi-lite logs, such as a
    call parked (" event.from parked", flushed in the loop's turn that parked it)."""
    deadline = time.monotonic() + timeout
    while server.log_text().count(text) < count:
        if time.monotonic() > deadline:
            raise AssertionError("%d of %r not logged:\n%s" % (count, text,
                                                                server.log_text()[-3000:]))
        time.sleep(0.02)


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


class ApiTest(unittest.TestCase):
    """A test class with a server of its own for all its tests: cls.server, cls.p (a proxy)
    and cls.s (root's session), cls.sr and cls.iso_sr (the local and ISO SRs). The class
    attributes workdir and extra are Server's; originator names the session's client.
    The server must exit 0 when stopped."""
    workdir = None
    extra = []
    originator = "api-test"

    @classmethod
    def start_server(cls):
        return Server(workdir=cls.workdir, extra=cls.extra)

    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_server()
        cls.p = xmlrpc.client.ServerProxy(cls.server.url)
        cls.s = ok(cls.p.session.login_with_password("root", PASSWORD, "1.0", cls.originator))
        srs = {ok(cls.p.SR.get_type(cls.s, r)): r for r in ok(cls.p.SR.get_all(cls.s))}
        cls.sr, cls.iso_sr = srs.get("file"), srs.get("iso")

    @classmethod
    def tearDownClass(cls):
        status = cls.server.stop()
        log = cls.server.log_text()
        cls.server.remove()
        assert status == 0, log

    def wait_task(self, task, timeout=30):
        """The task's record once it is no longer pending; fails after timeout seconds."""
        deadline = time.monotonic() + timeout
        while ok(self.p.task.get_status(self.s, task)) == "pending":
            self.assertLess(time.monotonic(), deadline, "the task did not finish")
            time.sleep(0.05)
        return ok(self.p.task.get_record(self.s, task))

    def vdi(self, size=4 * MIB, sr=None, name="disk"):
        """A new user VDI of size bytes in sr (None: the local SR)."""
        return ok(self.p.VDI.create(self.s, {
            "name_label": name, "SR": sr or self.sr, "virtual_size": str(size),
            "type": "user", "sharable": False, "read_only": False, "other_config": {}}))

    def path(self, vdi):
        """The file that holds vdi's bytes."""
        sr = ok(self.p.VDI.get_SR(self.s, vdi))
        pbd = [ok(self.p.PBD.get_record(self.s, b)) for b in ok(self.p.PBD.get_all(self.s))
               if ok(self.p.PBD.get_SR(self.s, b)) == sr][0]
        return os.path.join(pbd["device_config"]["location"],
                            ok(self.p.VDI.get_location(self.s, vdi)))

    def vbd(self, vm, vdi, userdevice, kind="Disk", empty=False):
        """A new VBD of vm for vdi (OpaqueRef:NULL with empty for an empty CD drive)."""
        return ok(self.p.VBD.create(self.s, {
            "VM": vm, "VDI": vdi, "userdevice": userdevice, "bootable": userdevice == "0",
            "mode": "RW", "type": kind, "empty": empty, "other_config": {},
            "qos_algorithm_type": "", "qos_algorithm_params": {}}))

    def vif(self, vm, network):
        """A new VIF 0 of vm on network."""
        return ok(self.p.VIF.create(self.s, {
            "device": "0", "network": network, "VM": vm, "MAC": "", "MTU": "1500",
            "other_config": {}, "qos_algorithm_type": "", "qos_algorithm_params": {}}))

    def vm_with_disks(self, name, sizes, mark, network=None, cd=False):
        """A halted VM from the demo template with a disk per size, disk i starting with
        mark(i), a VIF on network (when given) and an empty CD drive (when cd): the VM
        and its VDIs."""
        vm = self.template_vm(name)
        vdis = []
        for i, size in enumerate(sizes):
            d = self.vdi(size, name="%s disk %d" % (name, i))
            with open(self.path(d), "r+b") as f:
                f.write(mark(i))
            self.vbd(vm, d, str(i))
            vdis.append(d)
        if network is not None:
            self.vif(vm, network)
        if cd:
            self.vbd(vm, "OpaqueRef:NULL", "3", "CD", True)
        return vm, vdis

    def template_vm(self, name):
        """A new halted VM (not a template) cloned from the demo template."""
        tpl = ok(self.p.VM.get_by_name_label(self.s, DEMO_TEMPLATE))[0]
        vm = ok(self.p.VM.clone(self.s, tpl, name))
        ok(self.p.VM.set_is_a_template(self.s, vm, False))
        return vm


class FakeXlTest(ApiTest):
    """An ApiTest whose server runs the xen backend against the stand-in xl (fake_xl.py),
    which keeps its files (domains, log, fail...) in cls.bindir."""

    @classmethod
    def start_server(cls):
        cls.bindir = tempfile.mkdtemp(prefix="fake-xl-")
        os.symlink(os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_xl.py"),
                   os.path.join(cls.bindir, "xl"))
        os.environ["FAKE_XL_DIR"] = cls.bindir
        try:
            return server_on_path(cls.bindir, extra=["--backend", "xen"] + cls.extra)
        finally:
            del os.environ["FAKE_XL_DIR"]

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.bindir, ignore_errors=True)
