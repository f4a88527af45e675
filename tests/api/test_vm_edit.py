"""VM editing, device slots and allowed_operations on xapi-lite (sim backend), against
XAPI's rules (xapi_vm.ml, xapi_vm_helpers.ml, xapi_vm_lifecycle.ml, xapi_vdi.ml): each
setter's constraint and exact error, the power states it needs, what applies live, the
free slots and autodetect, and allowed_operations checked by doing what they list."""
import socket
import unittest

from xapi_server import DEMO_TEMPLATE, MIB, ApiTest, err, ok

VCPU_RULE = "VCPU values must satisfy: 0 < VCPUs_at_startup ≤ VCPUs_max"
VCPU_LIVE_RULE = "VCPU values must satisfy: 0 < VCPUs ≤ VCPUs_max"


class Edit(ApiTest):
    originator = "edit"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pv_tpl = ok(cls.p.VM.get_by_name_label(cls.s, DEMO_TEMPLATE))[0]
        cls.hvm_tpl = ok(cls.p.VM.get_by_name_label(cls.s, "Other install media"))[0]
        cls.net = ok(cls.p.network.get_all(cls.s))[0]
        cls.n = 0

    def vm(self, state="Halted", hvm=False):
        """A fresh VM (not a template) in power state state."""
        Edit.n += 1
        vm = ok(self.p.VM.clone(self.s, self.hvm_tpl if hvm else self.pv_tpl,
                                "edit %d" % Edit.n))
        ok(self.p.VM.set_is_a_template(self.s, vm, False))
        if state != "Halted":
            ok(self.p.VM.start(self.s, vm, state == "Paused", False))
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), state)
        return vm

    def allowed(self, vm):
        return set(ok(self.p.VM.get_allowed_operations(self.s, vm)))

    # ---- VCPUs ----

    def test_vcpus_max_and_at_startup(self):
        vm = self.vm()
        self.assertEqual(err(self.p.VM.set_VCPUs_max(self.s, vm, "0")),
                         ["INVALID_VALUE", VCPU_RULE, "0"])
        ok(self.p.VM.set_VCPUs_max(self.s, vm, "4"))
        ok(self.p.VM.set_VCPUs_at_startup(self.s, vm, "3"))
        self.assertEqual(err(self.p.VM.set_VCPUs_max(self.s, vm, "2")),
                         ["INVALID_VALUE", VCPU_RULE, "2"], "below VCPUs_at_startup")
        self.assertEqual(err(self.p.VM.set_VCPUs_at_startup(self.s, vm, "5")),
                         ["INVALID_VALUE", VCPU_RULE, "5"])
        self.assertEqual(err(self.p.VM.set_VCPUs_at_startup(self.s, vm, "0")),
                         ["INVALID_VALUE", VCPU_RULE, "0"])
        self.assertEqual((ok(self.p.VM.get_VCPUs_max(self.s, vm)),
                          ok(self.p.VM.get_VCPUs_at_startup(self.s, vm))), ("4", "3"))
        self.assertEqual(err(self.p.VM.set_VCPUs_max(self.s, vm, "many"))[0],
                         "FIELD_TYPE_ERROR")

    def test_vcpus_on_a_running_vm(self):
        vm = self.vm()
        ok(self.p.VM.set_VCPUs_max(self.s, vm, "4"))
        ok(self.p.VM.start(self.s, vm, False, False))
        self.assertEqual(err(self.p.VM.set_VCPUs_max(self.s, vm, "8")),
                         ["VM_BAD_POWER_STATE", vm, "halted", "running"])
        # XAPI checks no power state for VCPUs_at_startup: it applies at the next start.
        ok(self.p.VM.set_VCPUs_at_startup(self.s, vm, "2"))
        self.assertEqual(err(self.p.VM.set_VCPUs_number_live(self.s, vm, "5")),
                         ["INVALID_VALUE", VCPU_LIVE_RULE, "4"], "XAPI reports the maximum")
        self.assertEqual(err(self.p.VM.set_VCPUs_number_live(self.s, vm, "0")),
                         ["INVALID_VALUE", VCPU_LIVE_RULE, "4"])
        ok(self.p.VM.set_VCPUs_number_live(self.s, vm, "3"))
        metrics = ok(self.p.VM.get_metrics(self.s, vm))
        self.assertEqual(ok(self.p.VM_metrics.get_VCPUs_number(self.s, metrics)), "3")
        self.assertEqual(ok(self.p.VM.get_VCPUs_at_startup(self.s, vm)), "3")
        ok(self.p.VM.hard_shutdown(self.s, vm))
        self.assertEqual(err(self.p.VM.set_VCPUs_number_live(self.s, vm, "2")),
                         ["VM_BAD_POWER_STATE", vm, "running", "halted"])

    def test_vcpus_live_needs_hotplug_on_hvm_without_drivers(self):
        vm = self.vm("Running", hvm=True)
        self.assertEqual(err(self.p.VM.set_VCPUs_number_live(self.s, vm, "1")),
                         ["VM_LACKS_FEATURE", vm])
        self.assertNotIn("changing_VCPUs_live", self.allowed(vm))

    # ---- memory ----

    def memory(self, vm):
        r = ok(self.p.VM.get_record(self.s, vm))
        return [int(r["memory_" + k]) for k in
                ("static_min", "dynamic_min", "dynamic_max", "static_max")]

    def test_memory_ranges(self):
        vm = self.vm()
        ok(self.p.VM.set_memory_limits(self.s, vm, str(64 * MIB), str(512 * MIB),
                                       str(128 * MIB), str(256 * MIB)))
        self.assertEqual(self.memory(vm), [64 * MIB, 128 * MIB, 256 * MIB, 512 * MIB])
        self.assertEqual(ok(self.p.VM.get_memory_target(self.s, vm)), str(128 * MIB))
        for bad in ((str(300 * MIB), str(512 * MIB)),   # static_min above dynamic_min
                    (str(64 * MIB), str(200 * MIB))):   # static_max below dynamic_max
            self.assertEqual(err(self.p.VM.set_memory_static_range(self.s, vm, *bad)),
                             ["MEMORY_CONSTRAINT_VIOLATION_ORDER"])
        self.assertEqual(err(self.p.VM.set_memory_dynamic_range(
            self.s, vm, str(256 * MIB), str(128 * MIB))), ["MEMORY_CONSTRAINT_VIOLATION_ORDER"])
        self.assertEqual(err(self.p.VM.set_memory_dynamic_range(
            self.s, vm, str(32 * MIB), str(128 * MIB))), ["MEMORY_CONSTRAINT_VIOLATION_ORDER"])
        self.assertEqual(self.memory(vm), [64 * MIB, 128 * MIB, 256 * MIB, 512 * MIB],
                         "a refused change changes nothing")
        ok(self.p.VM.set_memory_static_range(self.s, vm, str(32 * MIB), str(1024 * MIB)))
        ok(self.p.VM.set_memory_dynamic_range(self.s, vm, str(96 * MIB), str(768 * MIB)))
        self.assertEqual(self.memory(vm), [32 * MIB, 96 * MIB, 768 * MIB, 1024 * MIB])
        self.assertEqual(ok(self.p.VM.get_memory_target(self.s, vm)), str(96 * MIB))
        ok(self.p.VM.set_memory_static_max(self.s, vm, str(800 * MIB)))
        ok(self.p.VM.set_memory_static_min(self.s, vm, str(40 * MIB)))
        ok(self.p.VM.set_memory_dynamic_max(self.s, vm, str(700 * MIB)))
        ok(self.p.VM.set_memory_dynamic_min(self.s, vm, str(100 * MIB)))
        self.assertEqual(self.memory(vm), [40 * MIB, 100 * MIB, 700 * MIB, 800 * MIB])
        self.assertEqual(err(self.p.VM.set_memory_static_max(self.s, vm, str(600 * MIB))),
                         ["MEMORY_CONSTRAINT_VIOLATION_ORDER"])
        self.assertEqual(err(self.p.VM.set_memory_dynamic_min(self.s, vm, str(10 * MIB))),
                         ["MEMORY_CONSTRAINT_VIOLATION_ORDER"])
        # VM.set_memory: every limit but static_min.
        ok(self.p.VM.set_memory(self.s, vm, str(300 * MIB)))
        self.assertEqual(self.memory(vm), [40 * MIB, 300 * MIB, 300 * MIB, 300 * MIB])
        self.assertEqual(err(self.p.VM.set_memory(self.s, vm, str(20 * MIB))),
                         ["MEMORY_CONSTRAINT_VIOLATION_ORDER"])

    def test_memory_on_a_running_vm(self):
        vm = self.vm()
        ok(self.p.VM.set_memory_limits(self.s, vm, str(64 * MIB), str(512 * MIB),
                                       str(128 * MIB), str(256 * MIB)))
        ok(self.p.VM.start(self.s, vm, False, False))
        running = ["VM_BAD_POWER_STATE", vm, "halted", "running"]
        self.assertEqual(err(self.p.VM.set_memory_static_range(
            self.s, vm, str(64 * MIB), str(1024 * MIB))), running)
        self.assertEqual(err(self.p.VM.set_memory_static_max(self.s, vm, str(1024 * MIB))),
                         running)
        self.assertEqual(err(self.p.VM.set_memory_limits(
            self.s, vm, str(64 * MIB), str(512 * MIB), str(128 * MIB), str(256 * MIB))),
            running)
        self.assertEqual(err(self.p.VM.set_memory(self.s, vm, str(256 * MIB))), running)
        # The dynamic range applies live: the guest's memory follows.
        ok(self.p.VM.set_memory_dynamic_range(self.s, vm, str(100 * MIB), str(384 * MIB)))
        metrics = ok(self.p.VM.get_metrics(self.s, vm))
        self.assertEqual(ok(self.p.VM_metrics.get_memory_actual(self.s, metrics)),
                         str(384 * MIB))
        self.assertEqual(err(self.p.VM.set_memory_dynamic_max(self.s, vm, str(600 * MIB))),
                         ["MEMORY_CONSTRAINT_VIOLATION_ORDER"])
        ok(self.p.VM.pause(self.s, vm))
        self.assertEqual(err(self.p.VM.set_memory_dynamic_range(
            self.s, vm, str(100 * MIB), str(200 * MIB))),
            ["VM_BAD_POWER_STATE", vm, "halted, running", "paused"])
        ok(self.p.VM.hard_shutdown(self.s, vm))

    # ---- the rest of the edit page ----

    def test_shadow_multiplier(self):
        vm = self.vm()
        self.assertEqual(err(self.p.VM.set_HVM_shadow_multiplier(self.s, vm, 0.5)),
                         ["INVALID_VALUE", "multiplier", "0.5"])
        ok(self.p.VM.set_HVM_shadow_multiplier(self.s, vm, 2.0))
        self.assertEqual(ok(self.p.VM.get_HVM_shadow_multiplier(self.s, vm)), 2.0)
        ok(self.p.VM.start(self.s, vm, False, False))
        self.assertEqual(err(self.p.VM.set_HVM_shadow_multiplier(self.s, vm, 1.0)),
                         ["VM_BAD_POWER_STATE", vm, "halted", "running"])
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_domain_type_and_boot_policy_follow_each_other(self):
        vm = self.vm()
        self.assertEqual(err(self.p.VM.set_domain_type(self.s, vm, "unspecified")),
                         ["INVALID_VALUE", "domain_type", "unspecified"])
        self.assertEqual(err(self.p.VM.set_domain_type(self.s, vm, "xen")),
                         ["INVALID_VALUE", "domain_type", "xen"])
        ok(self.p.VM.set_domain_type(self.s, vm, "hvm"))
        self.assertEqual(ok(self.p.VM.get_HVM_boot_policy(self.s, vm)), "BIOS order")
        ok(self.p.VM.set_domain_type(self.s, vm, "pvh"))
        self.assertEqual(ok(self.p.VM.get_HVM_boot_policy(self.s, vm)), "")
        ok(self.p.VM.set_HVM_boot_policy(self.s, vm, "BIOS order"))
        self.assertEqual(ok(self.p.VM.get_domain_type(self.s, vm)), "hvm")
        ok(self.p.VM.set_HVM_boot_policy(self.s, vm, ""))
        self.assertEqual(ok(self.p.VM.get_domain_type(self.s, vm)), "pv")

    def test_crash_action_delays_and_order(self):
        vm = self.vm()
        ok(self.p.VM.set_actions_after_crash(self.s, vm, "preserve"))
        self.assertEqual(ok(self.p.VM.get_actions_after_crash(self.s, vm)), "preserve")
        self.assertEqual(err(self.p.VM.set_actions_after_crash(self.s, vm, "explode")),
                         ["INVALID_VALUE", "actions_after_crash", "explode"])
        for name in ("start_delay", "shutdown_delay", "order"):
            setter = getattr(self.p.VM, "set_" + name)
            self.assertEqual(err(setter(self.s, vm, "-1")),
                             ["INVALID_VALUE", name + " must be non-negative", "-1"])
            ok(setter(self.s, vm, "7"))
            self.assertEqual(ok(getattr(self.p.VM, "get_" + name)(self.s, vm)), "7")

    # ---- device slots ----

    def cd(self, vm, userdevice):
        return self.p.VBD.create(self.s, {
            "VM": vm, "VDI": "OpaqueRef:NULL", "userdevice": userdevice, "bootable": False,
            "mode": "RO", "type": "CD", "empty": True, "unpluggable": True,
            "other_config": {}, "qos_algorithm_type": "", "qos_algorithm_params": {}})

    def vif(self, vm, device):
        return self.p.VIF.create(self.s, {
            "device": device, "network": self.net, "VM": vm, "MAC": "", "MTU": "1500",
            "other_config": {}, "qos_algorithm_type": "", "qos_algorithm_params": {}})

    def test_allowed_vbd_devices_and_autodetect(self):
        vm = self.vm()
        slots = [str(n) for n in range(255)]
        self.assertEqual(ok(self.p.VM.get_allowed_VBD_devices(self.s, vm)), slots)
        first = ok(self.cd(vm, "autodetect"))
        self.assertEqual(ok(self.p.VBD.get_userdevice(self.s, first)), "0")
        ok(self.cd(vm, "xvdc"))                      # slot 2, by its Linux name
        self.assertEqual(ok(self.p.VM.get_allowed_VBD_devices(self.s, vm)),
                         ["1"] + slots[3:])
        self.assertEqual(ok(self.p.VBD.get_userdevice(self.s, ok(self.cd(vm, "")))), "1")
        self.assertEqual(err(self.cd(vm, "2")), ["DEVICE_ALREADY_EXISTS", "2"])
        self.assertEqual(err(self.cd(vm, "xvdb")), ["DEVICE_ALREADY_EXISTS", "xvdb"])
        for bad in ("bogus", "xvd", "xvdA", "-1", "d", "hdz", "3x"):
            self.assertEqual(err(self.cd(vm, bad)), ["INVALID_DEVICE", bad], bad)
        self.assertEqual(ok(self.p.VBD.get_userdevice(
            self.s, ok(self.cd(vm, "autodetect")))), "3")

    def test_vbd_slots_run_out(self):
        vm = self.vm()
        for n in range(255):
            ok(self.cd(vm, "autodetect"))
        self.assertEqual(ok(self.p.VM.get_allowed_VBD_devices(self.s, vm)), [])
        self.assertEqual(err(self.cd(vm, "autodetect")), ["INVALID_DEVICE", "autodetect"])
        ok(self.cd(vm, "300"))     # outside the list, yet a device XAPI accepts

    def test_allowed_vif_devices_and_autodetect(self):
        vm = self.vm()
        self.assertEqual(ok(self.p.VM.get_allowed_VIF_devices(self.s, vm)),
                         [str(n) for n in range(16)])
        ok(self.vif(vm, "1"))
        self.assertEqual(ok(self.p.VIF.get_device(self.s, ok(self.vif(vm, "autodetect")))), "0")
        self.assertEqual(ok(self.p.VM.get_allowed_VIF_devices(self.s, vm)),
                         [str(n) for n in range(2, 16)])
        self.assertEqual(err(self.vif(vm, "01")), ["DEVICE_ALREADY_EXISTS", "01"])
        for bad in ("eth0", "-1", "1.5", " 2"):
            self.assertEqual(err(self.vif(vm, bad)), ["INVALID_DEVICE", bad], bad)
        for n in range(14):
            ok(self.vif(vm, ""))
        self.assertEqual(ok(self.p.VM.get_allowed_VIF_devices(self.s, vm)), [])
        self.assertEqual(err(self.vif(vm, "autodetect")), ["INVALID_DEVICE", "autodetect"])
        self.assertEqual(err(self.p.VM.get_allowed_VIF_devices(self.s, "OpaqueRef:nope"))[0],
                         "HANDLE_INVALID")

    # ---- allowed_operations: doing what they list ----

    def run_op(self, vm, op):
        """Performs VM operation op on vm; returns the call's reply."""
        p, s = self.p, self.s
        r = ok(p.VM.get_record(s, vm))
        calls = {
            "start": lambda: p.VM.start(s, vm, False, False),
            "clean_shutdown": lambda: p.VM.clean_shutdown(s, vm),
            "hard_shutdown": lambda: p.VM.hard_shutdown(s, vm),
            "clean_reboot": lambda: p.VM.clean_reboot(s, vm),
            "hard_reboot": lambda: p.VM.hard_reboot(s, vm),
            "pause": lambda: p.VM.pause(s, vm),
            "unpause": lambda: p.VM.unpause(s, vm),
            "suspend": lambda: p.VM.suspend(s, vm),
            "resume": lambda: p.VM.resume(s, vm, False, False),
            "checkpoint": lambda: p.VM.checkpoint(s, vm, "cp"),
            "snapshot": lambda: p.VM.snapshot(s, vm, "snap"),
            "revert": lambda: p.VM.revert(s, vm),
            "clone": lambda: p.VM.clone(s, vm, "clone"),
            "copy": lambda: p.VM.copy(s, vm, "copy", "OpaqueRef:NULL"),
            "provision": lambda: p.VM.provision(s, vm),
            "destroy": lambda: p.VM.destroy(s, vm),
            "changing_static_range": lambda: p.VM.set_memory_static_range(
                s, vm, r["memory_static_min"], r["memory_static_max"]),
            "changing_dynamic_range": lambda: p.VM.set_memory_dynamic_range(
                s, vm, r["memory_dynamic_min"], r["memory_dynamic_max"]),
            "changing_VCPUs_live": lambda: p.VM.set_VCPUs_number_live(
                s, vm, r["VCPUs_at_startup"]),
            "changing_shadow_memory": lambda: p.VM.set_HVM_shadow_multiplier(s, vm, 1.0),
            "export": lambda: self.export(vm),
        }
        return calls[op]()

    def export(self, vm):
        """GET /export of vm as a call's reply: a success when the whole XVA came."""
        with socket.create_connection(("127.0.0.1", self.server.port), 30) as c:
            c.sendall(("GET /export?ref=%s&session_id=%s HTTP/1.1\r\n\r\n" % (
                vm, self.s)).encode())
            data = b""
            while True:
                d = c.recv(1 << 20)
                if not d:
                    break
                data += d
        status = data.split(b"\r\n", 1)[0].decode()
        if status == "HTTP/1.0 200 OK" and data.endswith(bytes(1024)):
            return {"Status": "Success", "Value": ""}
        return {"Status": "Failure", "ErrorDescription": [status]}

    OPS = ("start", "clean_shutdown", "hard_shutdown", "clean_reboot", "hard_reboot", "pause",
           "unpause", "suspend", "resume", "checkpoint", "snapshot", "revert", "clone", "copy",
           "provision", "destroy", "changing_static_range", "changing_dynamic_range",
           "changing_VCPUs_live", "changing_shadow_memory", "export")

    def check_state(self, make, expect, unlisted_but_done=()):
        """allowed_operations of make() are expect (less what no branch has yet); each
        listed one succeeds on a fresh VM and every other fails, but those of
        unlisted_but_done, which XAPI leaves out of the list (its strict check) and does
        when asked."""
        listed = self.allowed(make())
        implemented = set()
        for op in self.OPS:
            r = self.run_op(make(), op)
            if r["Status"] == "Failure" and r["ErrorDescription"][0] == "MESSAGE_METHOD_UNKNOWN":
                continue
            implemented.add(op)
            if op in listed or op in unlisted_but_done:
                self.assertEqual(r["Status"], "Success", (op, r))
            else:
                self.assertEqual(r["Status"], "Failure", (op, "is not listed", r))
        self.assertEqual(listed & implemented, set(expect) & implemented)
        self.assertTrue(listed <= set(self.OPS), listed)

    def test_allowed_operations_halted(self):
        self.check_state(self.vm, {"start", "snapshot", "clone", "copy", "destroy",
                                   "changing_static_range", "changing_dynamic_range",
                                   "changing_shadow_memory", "export"})

    def test_allowed_operations_running(self):
        self.check_state(lambda: self.vm("Running"), {
            "clean_shutdown", "hard_shutdown", "clean_reboot", "hard_reboot", "pause",
            "suspend", "checkpoint", "snapshot", "changing_dynamic_range",
            "changing_VCPUs_live"})

    def test_allowed_operations_paused(self):
        self.check_state(lambda: self.vm("Paused"), {
            "unpause", "hard_shutdown", "hard_reboot", "checkpoint", "snapshot"})

    def test_allowed_operations_hvm_without_pv_drivers(self):
        # XAPI lists no clean shutdown or reboot, suspend or checkpoint for a guest that
        # has not said it can do them; a clean shutdown asked for anyway goes ahead.
        self.check_state(lambda: self.vm("Running", hvm=True), {
            "hard_shutdown", "hard_reboot", "pause", "snapshot", "changing_dynamic_range"},
            unlisted_but_done={"clean_shutdown", "clean_reboot"})

    def template(self):
        tpl = ok(self.p.VM.clone(self.s, self.pv_tpl, "tpl"))
        self.assertTrue(ok(self.p.VM.get_is_a_template(self.s, tpl)))
        return tpl

    def test_allowed_operations_template(self):
        self.check_state(self.template, {
            "clone", "copy", "destroy", "provision", "changing_static_range",
            "changing_dynamic_range", "changing_shadow_memory", "export"})
        tpl = self.template()
        self.assertEqual(err(self.p.VM.start(self.s, tpl, False, False)),
                         ["VM_IS_TEMPLATE", tpl, "start"])

    def test_default_template_cannot_be_destroyed(self):
        self.assertNotIn("destroy", self.allowed(self.pv_tpl))
        self.assertEqual(err(self.p.VM.destroy(self.s, self.pv_tpl)),
                         ["VM_IS_TEMPLATE", self.pv_tpl, "destroy"])

    def test_provision_and_revert_need_their_kind(self):
        vm = self.vm()
        self.assertEqual(err(self.p.VM.provision(self.s, vm)),
                         ["PROVISION_ONLY_ALLOWED_ON_TEMPLATE"])

    def test_blocked_operations(self):
        vm = self.vm()
        ok(self.p.VM.add_to_blocked_operations(self.s, vm, "start", "maintenance"))
        self.assertNotIn("start", self.allowed(vm))
        self.assertEqual(err(self.p.VM.start(self.s, vm, False, False)),
                         ["OPERATION_BLOCKED", vm, "maintenance"])
        ok(self.p.VM.remove_from_blocked_operations(self.s, vm, "start"))
        self.assertIn("start", self.allowed(vm))

    def test_control_domain(self):
        dom0 = [v for v in ok(self.p.VM.get_all(self.s))
                if ok(self.p.VM.get_is_control_domain(self.s, v))][0]
        self.assertEqual(self.allowed(dom0), set())
        self.assertEqual(err(self.p.VM.clean_shutdown(self.s, dom0)),
                         ["OPERATION_NOT_ALLOWED",
                          "This operation is not allowed on a control domain"])
        self.assertEqual(err(self.p.VM.destroy(self.s, dom0)),
                         ["VM_BAD_POWER_STATE", dom0, "halted, suspended", "running"])

    # ---- VDI, SR, host ----

    def vdi(self, sr):
        return ApiTest.vdi(self, sr=sr)

    def test_vdi_allowed_operations(self):
        vdi = self.vdi(self.sr)
        self.assertEqual(set(ok(self.p.VDI.get_allowed_operations(self.s, vdi))),
                         {"clone", "copy", "snapshot", "resize", "destroy"})
        vm = self.vm()
        ok(self.p.VBD.create(self.s, {
            "VM": vm, "VDI": vdi, "userdevice": "autodetect", "bootable": False,
            "mode": "RW", "type": "Disk", "empty": False, "unpluggable": True,
            "other_config": {}, "qos_algorithm_type": "", "qos_algorithm_params": {}}))
        ok(self.p.VM.start(self.s, vm, False, False))
        self.assertEqual(set(ok(self.p.VDI.get_allowed_operations(self.s, vdi))),
                         {"clone", "snapshot"})
        self.assertEqual(err(self.p.VDI.resize(self.s, vdi, str(8 * MIB))),
                         ["VDI_IN_USE", vdi, "resize"])
        self.assertEqual(err(self.p.VDI.copy(self.s, vdi, self.sr)),
                         ["VDI_IN_USE", vdi, "copy"])
        self.assertEqual(err(self.p.VDI.destroy(self.s, vdi)), ["VDI_IN_USE", vdi, "destroy"])
        ok(self.p.VM.hard_shutdown(self.s, vm))
        self.assertIn("resize", ok(self.p.VDI.get_allowed_operations(self.s, vdi)))
        ok(self.p.VDI.resize(self.s, vdi, str(8 * MIB)))
        iso = self.vdi(self.iso_sr)
        self.assertEqual(set(ok(self.p.VDI.get_allowed_operations(self.s, iso))),
                         {"copy", "destroy"})
        self.assertEqual(err(self.p.VDI.resize(self.s, iso, str(8 * MIB))),
                         ["SR_OPERATION_NOT_SUPPORTED", self.iso_sr])

    def test_sr_and_host_allowed_operations(self):
        self.assertEqual(set(ok(self.p.SR.get_allowed_operations(self.s, self.sr))),
                         {"vdi_create", "vdi_destroy", "vdi_resize", "vdi_clone",
                          "vdi_snapshot"})
        self.assertEqual(set(ok(self.p.SR.get_allowed_operations(self.s, self.iso_sr))),
                         {"vdi_create", "vdi_destroy"})
        host = ok(self.p.host.get_all(self.s))[0]
        ops = set(ok(self.p.host.get_allowed_operations(self.s, host)))
        self.assertEqual(ops, {"provision", "vm_start", "vm_resume", "enable"})
        self.assertEqual(err(self.p.host.reboot(self.s, host)), ["HOST_NOT_DISABLED"])
        pool = ok(self.p.pool.get_all(self.s))[0]
        self.assertEqual(ok(self.p.pool.get_allowed_operations(self.s, pool)), [])


if __name__ == "__main__":
    unittest.main()
