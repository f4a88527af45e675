"""Clean shutdowns and reboots of guests that ignore them, on the xen backend against the
stand-in xl (fake_xl.py, its ignore-shutdown list): as in XAPI, VM.hard_shutdown and
VM.hard_reboot may run while a clean operation waits (xapi_vm_lifecycle.ml
is_allowed_concurrently) and cancel it (message_forwarding.ml: the clean call fails with
TASK_CANCELLED), and a clean operation not done by --clean-shutdown-timeout fails with
VM_SHUTDOWN_TIMEOUT [vm, timeout], the VM left running with no operation. A hard reboot
asks nothing of the guest (xenopsd's VM.reboot without a timeout): xl destroy, then xl
create from a fresh configuration, the VM Running throughout with a new domid."""
import glob
import json
import os
import subprocess
import threading
import time
import unittest
import xmlrpc.client

from xapi_server import BIN, FakeXlTest, ok
from xapi_server import err as failure

DEADLINE = 60  # seconds a test waits for a state before it fails


def wait_for(what, test):
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        v = test()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


class StubbornGuests(FakeXlTest):
    """A xen-backend server on the stand-in xl; subclasses say its extra options."""
    originator = "shutdown"

    def setUp(self):
        for path in glob.glob(os.path.join(self.bindir, "waiting.*")):
            os.unlink(path)
        for knob in ("fail", "hang", "free-memory"):
            self.knob(knob, None)

    def knob(self, name, value):
        """Sets (or with None removes) one of the stand-in's files: fail, hang, free-memory."""
        path = os.path.join(self.bindir, name)
        if value is None:
            if os.path.exists(path):
                os.unlink(path)
        else:
            with open(path, "w") as f:
                f.write(value)

    def xl_log(self):
        """The stand-in's commands so far, but the reconciliation's xl list."""
        with open(os.path.join(self.bindir, "log")) as f:
            return [c for c in f.read().splitlines() if c != "list"]

    def config(self, uuid):
        return os.path.join(self.server.state, "xl", uuid + ".cfg")

    def stubborn_vm(self, name):
        """A running VM whose guest ignores shutdown and reboot requests."""
        vm = self.template_vm(name)
        ok(self.p.VM.start(self.s, vm, False, False))
        uuid = ok(self.p.VM.get_uuid(self.s, vm))
        self.ignore(uuid, True)
        return vm, uuid

    def ignore(self, uuid, on):
        path = os.path.join(self.bindir, "ignore-shutdown")
        names = set(open(path).read().split()) if os.path.exists(path) else set()
        names = names | {uuid} if on else names - {uuid}
        with open(path, "w") as f:
            f.write("\n".join(sorted(names)) + "\n")

    def in_background(self, method, *args):
        """Calls VM.method on its own connection in a thread; returns (thread, result)."""
        result = {}

        def call():
            p = xmlrpc.client.ServerProxy(self.server.url)
            result["r"] = getattr(p.VM, method)(self.s, *args)
        t = threading.Thread(target=call)
        t.start()
        return t, result

    def waiting_xl(self):
        """The pid of the one stand-in xl waiting for a guest, once there is one."""
        files = glob.glob(os.path.join(self.bindir, "waiting.*"))
        return int(files[0].rsplit(".", 1)[1]) if len(files) == 1 else None

    def xl_gone(self, pid):
        """The waiting xl was killed and reaped (a zombie would still answer kill 0)."""
        try:
            os.kill(pid, 0)
            return False
        except ProcessLookupError:
            os.unlink(os.path.join(self.bindir, "waiting.%d" % pid))
            return True

    def current(self, vm):
        return ok(self.p.VM.get_current_operations(self.s, vm))

    def domains(self):
        with open(os.path.join(self.bindir, "domains")) as f:
            return json.load(f)["doms"]


class HardDuringClean(StubbornGuests, unittest.TestCase):
    def start_clean(self, vm, op):
        t, result = self.in_background(op, vm)
        pid = wait_for("xl to wait for the guest", self.waiting_xl)
        ops = wait_for("the operation", lambda: self.current(vm))
        self.assertEqual(list(ops.values()), [op])
        return t, result, pid, list(ops.keys())[0]

    def test_hard_shutdown_cancels_clean_shutdown(self):
        vm, uuid = self.stubborn_vm("ignores-shutdown")
        t, result, pid, key = self.start_clean(vm, "clean_shutdown")
        self.assertTrue(t.is_alive(), "the clean shutdown waits for the guest")
        # XAPI's list while a clean shutdown runs: the hard operations only.
        self.assertEqual(ok(self.p.VM.get_allowed_operations(self.s, vm)),
                         ["hard_shutdown", "hard_reboot"])
        self.assertEqual(failure(self.p.VM.pause(self.s, vm)),
                         ["OTHER_OPERATION_IN_PROGRESS", "VM", vm, "clean_shutdown", key])
        self.assertEqual(failure(self.p.VM.clean_reboot(self.s, vm)),
                         ["OTHER_OPERATION_IN_PROGRESS", "VM", vm, "clean_shutdown", key])
        ok(self.p.VM.hard_shutdown(self.s, vm))
        t.join(DEADLINE)
        self.assertFalse(t.is_alive())
        self.assertEqual(failure(result["r"]), ["TASK_CANCELLED", key])
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Halted")
        self.assertNotIn(uuid, self.domains())
        self.assertEqual(self.current(vm), {})
        wait_for("the waiting xl to be killed and reaped", lambda: self.xl_gone(pid))

    def test_hard_shutdown_cancels_async_clean_reboot(self):
        vm, uuid = self.stubborn_vm("ignores-reboot")
        task = ok(self.p.Async.VM.clean_reboot(self.s, vm))
        pid = wait_for("xl to wait for the guest", self.waiting_xl)
        # The operation's key is its task, as in XAPI.
        self.assertEqual(wait_for("the operation", lambda: self.current(vm)),
                         {task: "clean_reboot"})
        ok(self.p.VM.hard_shutdown(self.s, vm))
        wait_for("the task to end",
                 lambda: ok(self.p.task.get_status(self.s, task)) != "pending")
        self.assertEqual(ok(self.p.task.get_status(self.s, task)), "cancelled")
        self.assertEqual(ok(self.p.task.get_error_info(self.s, task)),
                         ["TASK_CANCELLED", task])
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Halted")
        self.assertEqual(self.current(vm), {})
        wait_for("the waiting xl to be killed and reaped", lambda: self.xl_gone(pid))

    def test_hard_reboot_cancels_clean_shutdown(self):
        vm, uuid = self.stubborn_vm("reboot-instead")
        old = self.domains()[uuid]
        t, result, pid, key = self.start_clean(vm, "clean_shutdown")
        # The guest still ignores requests: a hard reboot does not ask it.
        ok(self.p.VM.hard_reboot(self.s, vm))
        t.join(DEADLINE)
        self.assertEqual(failure(result["r"]), ["TASK_CANCELLED", key])
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Running")
        self.assertNotEqual(self.domains()[uuid]["born"], old["born"], "a new domain")
        self.assertEqual(ok(self.p.VM.get_domid(self.s, vm)), str(self.domains()[uuid]["domid"]))
        self.assertEqual(self.current(vm), {})
        wait_for("the waiting xl to be killed and reaped", lambda: self.xl_gone(pid))
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_overlaps_xapi_refuses(self):
        """A hard_reboot during a hard_shutdown and clean one: XAPI refuses it, naming
        both operations as {a,b} with their keys likewise."""
        vm, uuid = self.stubborn_vm("two-at-once")
        t, result, pid, key = self.start_clean(vm, "clean_shutdown")
        # A hard_reboot whose xl create is slow holds the VM.
        self.knob("hang", "create")
        t2, result2 = self.in_background("hard_reboot", vm)
        wait_for("the clean shutdown to be cancelled", lambda: not t.is_alive())
        self.assertEqual(failure(result["r"]), ["TASK_CANCELLED", key])
        wait_for("the clean shutdown's xl to be killed and reaped", lambda: self.xl_gone(pid))
        create = wait_for("xl create to run", self.waiting_xl)
        ops = wait_for("the hard reboot", lambda: self.current(vm))
        self.assertEqual(list(ops.values()), ["hard_reboot"])
        self.assertEqual(failure(self.p.VM.hard_reboot(self.s, vm)),
                         ["OTHER_OPERATION_IN_PROGRESS", "VM", vm, "hard_reboot",
                          list(ops)[0]])
        self.assertEqual(ok(self.p.VM.get_allowed_operations(self.s, vm)),
                         ["hard_shutdown"])
        ok(self.p.VM.hard_shutdown(self.s, vm))
        t2.join(DEADLINE)
        self.assertEqual(failure(result2["r"]), ["TASK_CANCELLED", list(ops)[0]])
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Halted")
        self.assertNotIn(uuid, self.domains())
        self.assertEqual(self.current(vm), {})
        wait_for("xl create to be killed and reaped", lambda: self.xl_gone(create))


class HardReboot(StubbornGuests, unittest.TestCase):
    def test_guest_that_ignores_requests_reboots_promptly(self):
        """xl destroy, xl info (the memory check), xl create from the configuration just
        written, xl domid: no request for the guest to ignore, no xl waiting for it."""
        vm, uuid = self.stubborn_vm("hard-reboot-stubborn")
        old = self.domains()[uuid]
        metrics = ok(self.p.VM.get_metrics(self.s, vm))
        n = len(self.xl_log())
        os.unlink(self.config(uuid))
        t, result = self.in_background("hard_reboot", vm)
        t.join(DEADLINE)
        self.assertFalse(t.is_alive(), "the hard reboot waited for the guest")
        ok(result["r"])
        self.assertEqual(self.xl_log()[n:], ["destroy " + uuid, "info",
                                             "create " + self.config(uuid), "domid " + uuid])
        self.assertTrue(os.path.exists(self.config(uuid)), "a fresh configuration")
        self.assertEqual(glob.glob(os.path.join(self.bindir, "waiting.*")), [])
        new = self.domains()[uuid]
        self.assertNotEqual(new["born"], old["born"])
        self.assertNotEqual(new["domid"], old["domid"])
        self.assertFalse(new["paused"])
        self.assertEqual(ok(self.p.VM.get_domid(self.s, vm)), str(new["domid"]))
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Running")
        self.assertEqual(ok(self.p.VM.get_resident_on(self.s, vm)),
                         ok(self.p.host.get_all(self.s))[0])
        self.assertEqual(ok(self.p.VM_metrics.get_VCPUs_number(self.s, metrics)), "1")
        self.assertEqual(self.current(vm), {})
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_paused_vm_reboots_running(self):
        vm, uuid = self.stubborn_vm("hard-reboot-paused")
        ok(self.p.VM.pause(self.s, vm))
        ok(self.p.VM.hard_reboot(self.s, vm))
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Running")
        self.assertFalse(self.domains()[uuid]["paused"])
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_failed_destroy_leaves_it_running(self):
        vm, uuid = self.stubborn_vm("hard-reboot-no-destroy")
        old = self.domains()[uuid]
        self.knob("fail", "destroy")
        e = failure(self.p.VM.hard_reboot(self.s, vm))
        self.assertEqual(e[0], "INTERNAL_ERROR")
        self.assertIn("destroy: simulated failure", e[1])
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Running")
        self.assertEqual(self.domains()[uuid], old)
        self.assertEqual(ok(self.p.VM.get_domid(self.s, vm)), str(old["domid"]))
        self.assertEqual(self.current(vm), {})
        self.knob("fail", None)
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_failed_create_halts(self):
        """The old domain is gone and no new one came: the VM is Halted, with xl's error."""
        vm, uuid = self.stubborn_vm("hard-reboot-no-create")
        self.knob("fail", "create")
        e = failure(self.p.VM.hard_reboot(self.s, vm))
        self.assertEqual(e[0], "INTERNAL_ERROR")
        self.assertIn("create: simulated failure", e[1])
        self.check_halted(vm, uuid)
        self.knob("fail", None)
        ok(self.p.VM.start(self.s, vm, False, False))
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Running")
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_no_memory_for_the_new_domain_halts(self):
        """XAPI's HOST_NOT_ENOUGH_FREE_MEMORY [needed, available] from the create, the old
        domain gone: Halted, and no xl create run."""
        vm, uuid = self.stubborn_vm("hard-reboot-no-memory")
        need = ok(self.p.VM.get_memory_static_max(self.s, vm))
        self.knob("free-memory", "1")
        n = len(self.xl_log())
        self.assertEqual(failure(self.p.VM.hard_reboot(self.s, vm)),
                         ["HOST_NOT_ENOUGH_FREE_MEMORY", need, str(1024 * 1024)])
        self.assertEqual(self.xl_log()[n:], ["destroy " + uuid, "info"])
        self.check_halted(vm, uuid)

    def check_halted(self, vm, uuid):
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Halted")
        self.assertNotIn(uuid, self.domains())
        self.assertEqual(ok(self.p.VM.get_domid(self.s, vm)), "-1")
        self.assertEqual(ok(self.p.VM.get_resident_on(self.s, vm)), "OpaqueRef:NULL")
        self.assertEqual(self.current(vm), {})
        self.assertEqual(ok(self.p.VM.get_allowed_operations(self.s, vm))[:1], ["start"])

    def test_hard_shutdown_cancels_it_at_any_step(self):
        """A hard shutdown during a hard reboot's memory check or create: the reboot fails
        with TASK_CANCELLED, its xl killed, and the VM ends Halted with no domain."""
        for step in ("info", "create"):
            with self.subTest(step=step):
                vm, uuid = self.stubborn_vm("hard-reboot-cancelled-" + step)
                self.knob("hang", step)
                task = ok(self.p.Async.VM.hard_reboot(self.s, vm))
                pid = wait_for("xl " + step + " to run", self.waiting_xl)
                self.assertEqual(self.current(vm), {task: "hard_reboot"})
                ok(self.p.VM.hard_shutdown(self.s, vm))
                wait_for("the task to end",
                         lambda: ok(self.p.task.get_status(self.s, task)) != "pending")
                self.assertEqual(ok(self.p.task.get_status(self.s, task)), "cancelled")
                self.assertEqual(ok(self.p.task.get_error_info(self.s, task)),
                                 ["TASK_CANCELLED", task])
                self.check_halted(vm, uuid)
                wait_for("xl " + step + " to be killed and reaped", lambda: self.xl_gone(pid))
                self.knob("hang", None)


class CleanTimeout(StubbornGuests, unittest.TestCase):
    extra = ["--clean-shutdown-timeout", "2"]

    def check_timeout(self, op):
        vm, uuid = self.stubborn_vm("times-out-" + op)
        started = time.monotonic()
        self.assertEqual(failure(getattr(self.p.VM, op)(self.s, vm)),
                         ["VM_SHUTDOWN_TIMEOUT", vm, "2."])
        self.assertGreaterEqual(time.monotonic() - started, 2)
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Running")
        self.assertIn(uuid, self.domains())
        self.assertEqual(self.current(vm), {})
        pid = wait_for("the xl that waited", self.waiting_xl)
        wait_for("the waiting xl to be killed and reaped", lambda: self.xl_gone(pid))
        # The VM takes operations again; this guest now listens.
        self.ignore(uuid, False)
        ok(self.p.VM.clean_shutdown(self.s, vm))
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Halted")

    def test_clean_shutdown_times_out(self):
        self.check_timeout("clean_shutdown")

    def test_clean_reboot_times_out(self):
        self.check_timeout("clean_reboot")


class TimeoutOption(unittest.TestCase):
    def run_with(self, value):
        return subprocess.run([BIN, "--clean-shutdown-timeout", value, "--help"],
                              capture_output=True, text=True)

    def test_range(self):
        # XAPI's 1200 s is the most; --help after it shows the value was taken.
        for good in ("1", "1200"):
            self.assertEqual(self.run_with(good).returncode, 0, good)
        for bad in ("0", "1201", "-1", "+5", " 5", "5s", "", "abc", "99999999999999999999"):
            r = self.run_with(bad)
            self.assertEqual(r.returncode, 2, bad)
            self.assertIn("--clean-shutdown-timeout", r.stderr)
            self.assertIn("from 1 to 1200", r.stderr)

    def test_usage_names_it(self):
        r = subprocess.run([BIN, "--help"], capture_output=True, text=True)
        self.assertIn("--clean-shutdown-timeout", r.stdout)
        self.assertIn("1 to 1200", r.stdout)


if __name__ == "__main__":
    unittest.main()
