"""API tests: xapi-lite --backend sim driven the way XenAPI clients drive XAPI: Python's
xmlrpc.client as XenAPI.py uses it, raw JSON-RPC v1 and v2, byte-level envelope checks,
and bad input that must get a clear answer while the server keeps serving others.
"""
import http.client
import json
import socket
import threading
import time
import unittest
import xmlrpc.client

from xapi_server import PASSWORD, Server, wait_log


def setUpModule():
    global SERVER
    SERVER = Server()


def tearDownModule():
    status = SERVER.stop()
    log = SERVER.log_text()
    SERVER.remove()
    assert status == 0, "xapi-lite exits cleanly on SIGTERM (status %s):\n%s" % (status, log)


def proxy():
    return xmlrpc.client.ServerProxy(SERVER.url, allow_none=True)


def login(p=None):
    p = p or proxy()
    r = p.session.login_with_password("root", PASSWORD, "1.0", "api-test")
    assert r["Status"] == "Success", r
    return p, r["Value"]


def ok(r):
    assert r["Status"] == "Success", r
    return r["Value"]


def raw(method, path, body, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", SERVER.port, timeout=30)
    c.request(method, path, body, headers or {})
    resp = c.getresponse()
    data = resp.read()
    c.close()
    return resp, data


class Sessions(unittest.TestCase):
    def test_login_and_logout(self):
        p, s = login()
        self.assertRegex(s, r"^OpaqueRef:[0-9a-f-]{36}$")
        self.assertEqual(ok(p.session.get_this_host(s, s)), ok(p.host.get_all(s))[0])
        ok(p.session.logout(s))
        self.assertEqual(p.VM.get_all(s)["ErrorDescription"], ["SESSION_INVALID", s])

    def test_wrong_password(self):
        r = proxy().session.login_with_password("root", "wrong")
        self.assertEqual(r["Status"], "Failure")
        self.assertEqual(r["ErrorDescription"][0], "SESSION_AUTHENTICATION_FAILED")
        self.assertEqual(r["ErrorDescription"][1], "root")

    def test_unknown_user_and_bad_types(self):
        r = proxy().session.login_with_password("nobody", PASSWORD)
        self.assertEqual(r["ErrorDescription"][0], "SESSION_AUTHENTICATION_FAILED")
        r = proxy().session.login_with_password(1, 2)
        self.assertEqual(r["ErrorDescription"][0], "SESSION_AUTHENTICATION_FAILED")

    def test_login_argument_count(self):
        r = proxy().session.login_with_password("root")
        self.assertEqual(r["ErrorDescription"],
                         ["MESSAGE_PARAMETER_COUNT_MISMATCH", "session.login_with_password",
                          "2", "1"])


class Model(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p, cls.s = login()

    def test_list_methods_is_unwrapped_and_complete(self):
        methods = self.p.system.listMethods()
        self.assertIsInstance(methods, list)
        for m in ("VM.get_all_records", "VM.set_name_label", "VM.add_to_other_config",
                  "VM.add_tags", "VM.start", "event.from", "session.login_with_password",
                  "host_metrics.get_live", "pool.get_master", "task.cancel"):
            self.assertIn(m, methods)
        self.assertNotIn("VM.set_power_state", methods, "read-only fields have no setter")
        classes = {m.split(".")[0] for m in methods if m.endswith(".get_all_records")}
        self.assertTrue({"pool", "host", "VM", "SR", "network", "PIF", "task"} <= classes)

    def test_sessions_cannot_be_listed(self):
        # XAPI has neither; Xen Orchestra logs an error when listMethods offers them.
        methods = self.p.system.listMethods()
        self.assertNotIn("session.get_all", methods)
        self.assertNotIn("session.get_all_records", methods)
        for m in ("session.get_all", "session.get_all_records"):
            self.assertEqual(getattr(self.p, m)(self.s)["ErrorDescription"],
                             ["MESSAGE_METHOD_UNKNOWN", m])
        self.assertIn("session.get_record", methods)
        self.assertEqual(ok(self.p.session.get_record(self.s, self.s))["this_host"],
                         ok(self.p.host.get_all(self.s))[0], "its own record still")

    def test_what_xo_reads_on_connect(self):
        pools = ok(self.p.pool.get_all_records(self.s))
        self.assertEqual(len(pools), 1)
        pool = list(pools.values())[0]
        hosts = ok(self.p.host.get_all_records(self.s))
        self.assertIn(pool["master"], hosts)
        host = hosts[pool["master"]]
        self.assertEqual(host["API_version_major"], "2", "int64 travels as a string")
        self.assertTrue(ok(self.p.host_metrics.get_live(self.s, host["metrics"])))
        self.assertIn(host["control_domain"], ok(self.p.VM.get_all(self.s)))
        self.assertEqual(host["software_version"]["product_brand"], "Atoll")

    def test_records_carry_every_field(self):
        vms = ok(self.p.VM.get_all_records(self.s))
        rec = list(vms.values())[0]
        for f in ("uuid", "power_state", "VBDs", "VIFs", "consoles", "memory_static_max",
                  "blocked_operations", "domain_type", "NVRAM", "pending_guidances_full"):
            self.assertIn(f, rec)

    def test_alternative_wire_names(self):
        """XAPI answers every call by its name with '_' for '.', as XAPI's Python examples
        call event_from."""
        call = lambda name, *a: getattr(self.p, name)(*a)  # noqa: E731
        self.assertEqual(sorted(ok(call("VM_get_all", self.s))),
                         sorted(ok(self.p.VM.get_all(self.s))))
        self.assertEqual(sorted(ok(call("VM_guest_metrics_get_all", self.s))),
                         sorted(ok(self.p.VM_guest_metrics.get_all(self.s))))
        token = ok(call("event_from", self.s, ["pool"], "", 0.0))["token"]
        self.assertTrue(token)
        tpl = ok(self.p.VM.get_by_name_label(self.s, "Atoll demo guest"))[0]
        # After "Async." as well; "Async_" is no prefix (XAPI's server_helpers).
        task = ok(getattr(self.p, "Async.VM_clone")(self.s, tpl, "by its other name"))
        self.assertTrue(task.startswith("OpaqueRef:"))
        self.assertEqual(call("Async_VM_clone", self.s, tpl, "x")["ErrorDescription"],
                         ["MESSAGE_METHOD_UNKNOWN", "Async_VM_clone"])
        self.assertIn("system.listMethods", call("system_listMethods"))
        self.assertEqual(call("VM_no_such_call", self.s)["ErrorDescription"][0],
                         "MESSAGE_METHOD_UNKNOWN")
        self.assertEqual(call("nonsense", self.s)["ErrorDescription"],
                         ["MESSAGE_METHOD_UNKNOWN", "nonsense"])

    def test_errors_as_xapi(self):
        self.assertEqual(self.p.VM.no_such_call(self.s)["ErrorDescription"],
                         ["MESSAGE_METHOD_UNKNOWN", "VM.no_such_call"])
        self.assertEqual(self.p.Nope.get_all(self.s)["ErrorDescription"],
                         ["MESSAGE_METHOD_UNKNOWN", "Nope.get_all"])
        self.assertEqual(self.p.VM.get_record(self.s)["ErrorDescription"],
                         ["MESSAGE_PARAMETER_COUNT_MISMATCH", "VM.get_record", "1", "0"])
        self.assertEqual(self.p.VM.get_record(self.s, "OpaqueRef:nope")["ErrorDescription"],
                         ["HANDLE_INVALID", "VM", "OpaqueRef:nope"])
        self.assertEqual(self.p.VM.get_by_uuid(self.s, "nope")["ErrorDescription"],
                         ["UUID_INVALID", "VM", "nope"])
        host = ok(self.p.host.get_all(self.s))[0]
        self.assertEqual(self.p.VM.get_record(self.s, host)["ErrorDescription"][0],
                         "HANDLE_INVALID", "a ref of another class")
        self.assertEqual(self.p.VM.get_all("OpaqueRef:bogus")["ErrorDescription"],
                         ["SESSION_INVALID", "OpaqueRef:bogus"])

    def test_fields_maps_and_sets(self):
        vm = self.new_vm("fields")
        ok(self.p.VM.set_name_description(self.s, vm, "hello & <goodbye>"))
        self.assertEqual(ok(self.p.VM.get_name_description(self.s, vm)), "hello & <goodbye>")
        # What XAPI's clone of a template puts there: a MAC seed, the template's name.
        cloned = ok(self.p.VM.get_other_config(self.s, vm))
        self.assertEqual(sorted(cloned), ["base_template_name", "mac_seed"])
        ok(self.p.VM.add_to_other_config(self.s, vm, "k", "v"))
        r = self.p.VM.add_to_other_config(self.s, vm, "k", "w")
        uuid = ok(self.p.VM.get_uuid(self.s, vm))
        self.assertEqual(r["ErrorDescription"],
                         ["MAP_DUPLICATE_KEY", "VM", "other_config", uuid, "k"])
        ok(self.p.VM.remove_from_other_config(self.s, vm, "k"))
        ok(self.p.VM.remove_from_other_config(self.s, vm, "absent"))
        self.assertEqual(ok(self.p.VM.get_other_config(self.s, vm)), cloned)
        ok(self.p.VM.add_tags(self.s, vm, "web"))
        ok(self.p.VM.add_tags(self.s, vm, "web"))
        self.assertEqual(ok(self.p.VM.get_tags(self.s, vm)), ["web"])
        self.assertEqual(self.p.VM.set_name_label(self.s, vm, 42)["ErrorDescription"],
                         ["FIELD_TYPE_ERROR", "name_label"])
        ok(self.p.VM.set_VCPUs_params(self.s, vm, {"weight": "256"}))
        self.assertEqual(ok(self.p.VM.get_by_uuid(self.s, uuid)), vm)
        self.assertIn(vm, ok(self.p.VM.get_by_name_label(self.s, "fields")))

    def new_vm(self, name):
        templates = ok(self.p.VM.get_by_name_label(self.s, "Atoll demo guest"))
        vm = ok(self.p.VM.clone(self.s, templates[0], name))
        ok(self.p.VM.set_is_a_template(self.s, vm, False))
        return vm

    def test_vm_lifecycle(self):
        vm = self.new_vm("lifecycle")
        state = lambda: ok(self.p.VM.get_power_state(self.s, vm))
        self.assertEqual(state(), "Halted")
        self.assertIn("start", ok(self.p.VM.get_allowed_operations(self.s, vm)))
        ok(self.p.VM.start(self.s, vm, False, False))
        self.assertEqual(state(), "Running")
        host = ok(self.p.host.get_all(self.s))[0]
        self.assertEqual(ok(self.p.VM.get_resident_on(self.s, vm)), host)
        self.assertIn(vm, ok(self.p.host.get_resident_VMs(self.s, host)))
        self.assertEqual(self.p.VM.start(self.s, vm, False, False)["ErrorDescription"],
                         ["VM_BAD_POWER_STATE", vm, "halted", "running"])
        self.assertEqual(self.p.VM.destroy(self.s, vm)["ErrorDescription"],
                         ["VM_BAD_POWER_STATE", vm, "halted, suspended", "running"])
        ok(self.p.VM.pause(self.s, vm))
        self.assertEqual(state(), "Paused")
        ok(self.p.VM.unpause(self.s, vm))
        ok(self.p.VM.clean_reboot(self.s, vm))
        ok(self.p.VM.clean_shutdown(self.s, vm))
        self.assertEqual(state(), "Halted")
        metrics = ok(self.p.VM.get_metrics(self.s, vm))
        ok(self.p.VM.destroy(self.s, vm))
        self.assertEqual(self.p.VM_metrics.get_record(self.s, metrics)["ErrorDescription"][0],
                         "HANDLE_INVALID", "the VM's metrics go with it")

    def test_memory_limits(self):
        vm = self.new_vm("memory")
        gib = 1024 ** 3
        ok(self.p.VM.set_memory_limits(self.s, vm, str(gib), str(4 * gib), str(2 * gib),
                                       str(3 * gib)))
        self.assertEqual(ok(self.p.VM.get_memory_static_max(self.s, vm)), str(4 * gib))
        self.assertEqual(ok(self.p.VM.get_memory_dynamic_min(self.s, vm)), str(2 * gib))
        r = self.p.VM.set_memory_limits(self.s, vm, "1", "2", "3", "4")
        self.assertEqual(r["ErrorDescription"], ["MEMORY_CONSTRAINT_VIOLATION_ORDER"])
        ok(self.p.VM.start(self.s, vm, False, False))
        r = self.p.VM.set_memory_limits(self.s, vm, "1", "4", "2", "3")
        self.assertEqual(r["ErrorDescription"], ["VM_BAD_POWER_STATE", vm, "halted", "running"])
        ok(self.p.VM.hard_shutdown(self.s, vm))

    def test_template_cannot_start(self):
        tpl = ok(self.p.VM.get_by_name_label(self.s, "Other install media"))[0]
        self.assertEqual(self.p.VM.start(self.s, tpl, False, False)["ErrorDescription"],
                         ["VM_IS_TEMPLATE", tpl, "start"])

    def test_async_task(self):
        tpl = ok(self.p.VM.get_by_name_label(self.s, "Atoll demo guest"))[0]
        task = ok(self.p.Async.VM.clone(self.s, tpl, "from-a-task"))
        rec = ok(self.p.task.get_record(self.s, task))
        self.assertEqual(rec["status"], "success")
        self.assertEqual(rec["progress"], 1.0)
        self.assertRegex(rec["result"], r"^<value>OpaqueRef:[0-9a-f-]{36}</value>$")
        failed = ok(self.p.Async.VM.start(self.s, tpl, False, False))
        rec = ok(self.p.task.get_record(self.s, failed))
        self.assertEqual(rec["status"], "failure")
        self.assertEqual(rec["error_info"], ["VM_IS_TEMPLATE", tpl, "start"])
        ok(self.p.task.destroy(self.s, task))
        self.assertEqual(self.p.task.get_record(self.s, task)["ErrorDescription"][0],
                         "HANDLE_INVALID")

    def test_another_root_session_may_cancel_and_destroy_a_task(self):
        # XAPI lets a session act on its own user's tasks and, with task.destroy/any
        # (pool-admin), on anyone's: every session is root's, so each may act on all.
        a, sa = self.p, self.s
        b, sb = login()
        task = ok(a.task.create(sa, "a's", "made by session a"))
        ok(b.task.cancel(sb, task))
        self.assertEqual(ok(a.task.get_status(sa, task)), "cancelled")
        self.assertEqual(b.task.cancel(sb, task)["ErrorDescription"],
                         ["OPERATION_NOT_ALLOWED", "the task is not pending"])
        ok(b.task.destroy(sb, task))
        self.assertEqual(a.task.get_record(sa, task)["ErrorDescription"][0], "HANDLE_INVALID")
        # And once a has gone, its tasks are still b's to clear.
        c, sc = login()
        left = ok(c.task.create(sc, "c's", ""))
        ok(c.session.logout(sc))
        ok(b.task.destroy(sb, left))
        self.assertEqual(b.task.cancel(sb, "OpaqueRef:nope")["ErrorDescription"],
                         ["HANDLE_INVALID", "task", "OpaqueRef:nope"])
        self.assertEqual(b.task.destroy("OpaqueRef:nope", task)["ErrorDescription"],
                         ["SESSION_INVALID", "OpaqueRef:nope"])
        ok(b.session.logout(sb))


class Consoles(unittest.TestCase):
    def test_a_running_vm_has_a_console_record_and_a_checked_connect(self):
        p, s = login()
        tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(p.VM.clone(s, tpl, "console"))
        ok(p.VM.set_is_a_template(s, vm, False))
        self.assertEqual(ok(p.VM.get_consoles(s, vm)), [], "a halted VM has none")
        ok(p.VM.start(s, vm, False, False))
        consoles = ok(p.VM.get_consoles(s, vm))
        self.assertEqual(len(consoles), 1)
        con = ok(p.console.get_record(s, consoles[0]))
        self.assertEqual((con["protocol"], con["VM"]), ("vt100", vm), "PV: a text console")
        self.assertEqual(con["location"], "https://10.0.2.15/console?uuid=" + con["uuid"])
        for target, want in [
                ("/console?uuid=%s" % con["uuid"], 401),
                ("/console?uuid=nope&session_id=%s" % s, 404),
                ("/console?session_id=%s" % s, 400)]:
            with self.subTest(target=target):
                resp, body = raw("CONNECT", target, None)
                self.assertEqual(resp.status, want, body)
                self.assertTrue(body.strip(), "a refusal says why")
        ok(p.VM.hard_shutdown(s, vm))
        self.assertEqual(ok(p.VM.get_consoles(s, vm)), [])
        self.assertEqual(p.console.get_record(s, consoles[0])["ErrorDescription"][0],
                         "HANDLE_INVALID", "it goes with the domain")


class Devices(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p, cls.s = login()
        tpl = ok(cls.p.VM.get_by_name_label(cls.s, "Atoll demo guest"))[0]
        cls.vm = ok(cls.p.VM.clone(cls.s, tpl, "devices"))
        ok(cls.p.VM.set_is_a_template(cls.s, cls.vm, False))
        cls.sr = ok(cls.p.SR.get_all(cls.s))[0]
        cls.net = ok(cls.p.network.get_all(cls.s))[0]

    def vdi(self, size="1073741824"):
        return ok(self.p.VDI.create(self.s, {
            "name_label": "disk", "SR": self.sr, "virtual_size": size, "type": "user",
            "sharable": False, "read_only": False, "other_config": {}}))

    def vbd(self, vdi, userdevice="autodetect", kind="Disk", empty=False):
        return self.p.VBD.create(self.s, {
            "VM": self.vm, "VDI": vdi, "userdevice": userdevice, "bootable": False,
            "mode": "RW", "type": kind, "empty": empty, "other_config": {},
            "qos_algorithm_type": "", "qos_algorithm_params": {}})

    def test_disk_lifecycle(self):
        vdi = self.vdi()
        self.assertEqual(ok(self.p.VDI.get_virtual_size(self.s, vdi)), "1073741824")
        self.assertIn(vdi, ok(self.p.SR.get_VDIs(self.s, self.sr)))
        vbd = ok(self.vbd(vdi))
        self.assertIn(vbd, ok(self.p.VM.get_VBDs(self.s, self.vm)))
        self.assertIn(vbd, ok(self.p.VDI.get_VBDs(self.s, vdi)))
        slot = ok(self.p.VBD.get_userdevice(self.s, vbd))
        self.assertEqual(self.vbd(vdi, slot)["ErrorDescription"],
                         ["DEVICE_ALREADY_EXISTS", slot])
        self.assertEqual(self.p.VBD.plug(self.s, vbd)["ErrorDescription"],
                         ["VM_BAD_POWER_STATE", self.vm, "running", "halted"])
        ok(self.p.VM.start(self.s, self.vm, False, False))
        self.assertTrue(ok(self.p.VBD.get_currently_attached(self.s, vbd)))
        self.assertEqual(self.p.VBD.plug(self.s, vbd)["ErrorDescription"],
                         ["DEVICE_ALREADY_ATTACHED", vbd])
        self.assertEqual(self.p.VDI.destroy(self.s, vdi)["ErrorDescription"],
                         ["VDI_IN_USE", vdi, "destroy"])
        ok(self.p.VBD.unplug(self.s, vbd))
        self.assertEqual(self.p.VBD.unplug(self.s, vbd)["ErrorDescription"],
                         ["DEVICE_ALREADY_DETACHED", vbd])
        ok(self.p.VM.hard_shutdown(self.s, self.vm))
        self.assertEqual(self.p.VDI.resize(self.s, vdi, "1024")["ErrorDescription"][0],
                         "VDI_TOO_SMALL")
        ok(self.p.VDI.resize(self.s, vdi, "2147483648"))
        ok(self.p.VDI.destroy(self.s, vdi))
        self.assertEqual(self.p.VBD.get_record(self.s, vbd)["ErrorDescription"][0],
                         "HANDLE_INVALID", "the disk's drive goes with it")

    def test_out_of_range_integers_are_refused_not_clamped(self):
        vdi = self.vdi()
        for size in ("99999999999999999999", "9223372036854775808", "-9223372036854775809",
                     " 2147483648", "+2147483648", "2147483648 ", "2147483648\u0000", ""):
            self.assertEqual(self.p.VDI.resize(self.s, vdi, size)["ErrorDescription"],
                             ["FIELD_TYPE_ERROR", "size"], repr(size))
        self.assertEqual(ok(self.p.VDI.get_virtual_size(self.s, vdi)), "1073741824")
        self.assertEqual(self.p.VDI.create(self.s, {
            "name_label": "big", "SR": self.sr, "virtual_size": "99999999999999999999",
            "type": "user", "sharable": False, "read_only": False, "other_config": {}})
            ["ErrorDescription"], ["FIELD_TYPE_ERROR", "virtual_size"])
        # JSON: an integer past int64 is a number, not an int.
        resp, data = raw("POST", "/jsonrpc", '{"jsonrpc": "2.0", "id": 1, "method": '
                         '"VDI.resize", "params": ["%s", "%s", 99999999999999999999]}' %
                         (self.s, vdi))
        self.assertEqual(json.loads(data)["error"]["data"], ["size"])
        self.assertEqual(json.loads(data)["error"]["message"], "FIELD_TYPE_ERROR")
        # XML-RPC: an <int> past int64 is a malformed call.
        resp, data = raw("POST", "/", (
            '<methodCall><methodName>VDI.resize</methodName><params><param><value>%s</value>'
            '</param><param><value>%s</value></param><param><value><int>99999999999999999999'
            '</int></value></param></params></methodCall>' % (self.s, vdi)).encode())
        self.assertEqual(resp.status, 500)
        self.assertIn(b"integer out of range", data)
        ok(self.p.VDI.destroy(self.s, vdi))

    def test_cd_drive(self):
        cd = ok(self.vbd("OpaqueRef:NULL", "3", "CD", True))
        iso = self.vdi()
        self.assertEqual(self.p.VBD.eject(self.s, cd)["ErrorDescription"], ["VBD_IS_EMPTY", cd])
        ok(self.p.VBD.insert(self.s, cd, iso))
        self.assertEqual(self.p.VBD.insert(self.s, cd, iso)["ErrorDescription"],
                         ["VBD_NOT_EMPTY", cd])
        ok(self.p.VBD.eject(self.s, cd))
        self.assertTrue(ok(self.p.VBD.get_empty(self.s, cd)))
        disk = ok(self.vbd(iso, "4"))
        self.assertEqual(self.p.VBD.insert(self.s, disk, iso)["ErrorDescription"],
                         ["VBD_NOT_REMOVABLE_MEDIA", disk])
        self.assertEqual(self.vbd("OpaqueRef:NULL", "5", "Disk", True)["ErrorDescription"][0],
                         "VBD_NOT_REMOVABLE_MEDIA")
        self.assertEqual(self.vbd("OpaqueRef:nope", "6")["ErrorDescription"],
                         ["HANDLE_INVALID", "VDI", "OpaqueRef:nope"])

    def test_provision_makes_the_templates_disks(self):
        tpl = ok(self.p.VM.get_by_name_label(self.s, "Other install media"))[0]
        self.assertIn("<provision>", ok(self.p.VM.get_other_config(self.s, tpl))["disks"])
        vm = ok(self.p.VM.clone(self.s, tpl, "installed"))
        ok(self.p.VM.provision(self.s, vm))
        vbds = ok(self.p.VM.get_VBDs(self.s, vm))
        self.assertEqual(len(vbds), 1)
        vbd = ok(self.p.VBD.get_record(self.s, vbds[0]))
        self.assertEqual((vbd["userdevice"], vbd["bootable"], vbd["type"]), ("0", True, "Disk"))
        vdi = ok(self.p.VDI.get_record(self.s, vbd["VDI"]))
        self.assertEqual(vdi["virtual_size"], str(10 * 1024 ** 3))
        self.assertEqual(vdi["SR"], ok(self.p.pool.get_default_SR(
            self.s, ok(self.p.pool.get_all(self.s))[0])))
        self.assertNotIn("disks", ok(self.p.VM.get_other_config(self.s, vm)))
        # Provisioned, it is a VM (as XAPI's provision leaves it): once is all.
        self.assertFalse(ok(self.p.VM.get_is_a_template(self.s, vm)))
        self.assertEqual(self.p.VM.provision(self.s, vm)["ErrorDescription"],
                         ["PROVISION_ONLY_ALLOWED_ON_TEMPLATE"])
        self.assertEqual(len(ok(self.p.VM.get_VBDs(self.s, vm))), 1)
        # The list as XAPI's Python examples write it (minidom: a declaration first).
        pretty = ok(self.p.VM.clone(self.s, tpl, "pretty"))
        ok(self.p.VM.remove_from_other_config(self.s, pretty, "disks"))
        ok(self.p.VM.add_to_other_config(self.s, pretty, "disks",
                                         '<?xml version="1.0" ?>\n<provision>\n\t<disk '
                                         'bootable="true" device="0" size="4194304" sr="" '
                                         'type="system"/>\n</provision>\n'))
        ok(self.p.VM.provision(self.s, pretty))
        self.assertEqual(len(ok(self.p.VM.get_VBDs(self.s, pretty))), 1)
        bad = ok(self.p.VM.clone(self.s, tpl, "bad disks"))
        ok(self.p.VM.remove_from_other_config(self.s, bad, "disks"))
        ok(self.p.VM.add_to_other_config(self.s, bad, "disks", "<provision><disk/>"))
        err = self.p.VM.provision(self.s, bad)["ErrorDescription"]
        self.assertEqual(err[:2], ["INVALID_VALUE", "other_config:disks"])
        self.assertIn("a disk needs device and size", err[2])
        self.assertEqual(ok(self.p.VM.get_VBDs(self.s, bad)), [], "nothing half-made")

    def test_vif(self):
        rec = {"device": "autodetect", "network": self.net, "VM": self.vm, "MAC": "",
               "MTU": "1500", "other_config": {}, "qos_algorithm_type": "",
               "qos_algorithm_params": {}}
        vif = ok(self.p.VIF.create(self.s, rec))
        self.assertRegex(ok(self.p.VIF.get_MAC(self.s, vif)), r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$")
        self.assertIn(vif, ok(self.p.network.get_VIFs(self.s, self.net)))
        bad = dict(rec, MAC="zz:zz")
        self.assertEqual(self.p.VIF.create(self.s, bad)["ErrorDescription"],
                         ["MAC_INVALID", "zz:zz"])
        dup = dict(rec, device=ok(self.p.VIF.get_device(self.s, vif)))
        self.assertEqual(self.p.VIF.create(self.s, dup)["ErrorDescription"][0],
                         "DEVICE_ALREADY_EXISTS")
        ok(self.p.VIF.destroy(self.s, vif))


class Events(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p, cls.s = login()

    def test_from_empty_token_is_a_snapshot(self):
        r = getattr(self.p.event, "from")(self.s, ["VM"], "", 0.0)
        batch = ok(r)
        self.assertTrue(all(e["class"] == "vm" and e["operation"] == "add"
                            for e in batch["events"]))
        self.assertEqual(batch["valid_ref_counts"]["vm"], len(batch["events"]))
        self.assertRegex(batch["token"], r"^\d{20},\d{20}$")

    def test_long_poll_wakes_on_change(self):
        token = ok(getattr(self.p.event, "from")(self.s, ["vm"], "", 0.0))["token"]
        vm = ok(self.p.VM.get_by_name_label(self.s, "Atoll demo guest"))[0]
        result = {}

        def waiter():
            p = proxy()
            t0 = time.monotonic()
            result["batch"] = ok(getattr(p.event, "from")(self.s, ["vm"], token, 30.0))
            result["seconds"] = time.monotonic() - t0

        parked = SERVER.log_text().count(" event.from parked")
        t = threading.Thread(target=waiter)
        t.start()
        wait_log(SERVER, " event.from parked", parked + 1)   # the test is the wake-up
        self.assertTrue(t.is_alive(), "answered with nothing changed: %r" % result)
        ok(self.p.VM.set_name_description(self.s, vm, "changed while watched"))
        t.join(20)
        events = result["batch"]["events"]
        self.assertEqual([(e["operation"], e["ref"]) for e in events], [("mod", vm)])
        self.assertEqual(events[0]["snapshot"]["name_description"], "changed while watched")
        self.assertLess(result["seconds"], 10)

    def test_timeout_returns_empty_batch(self):
        token = ok(getattr(self.p.event, "from")(self.s, ["sr"], "", 0.0))["token"]
        batch = ok(getattr(self.p.event, "from")(self.s, ["sr"], token, 0.5))
        self.assertEqual(batch["events"], [])

    def test_del_events_and_inject(self):
        tpl = ok(self.p.VM.get_by_name_label(self.s, "Atoll demo guest"))[0]
        token = ok(self.p.event.inject(self.s, "pool", ok(self.p.pool.get_all(self.s))[0]))
        vm = ok(self.p.VM.clone(self.s, tpl, "short-lived"))
        ok(self.p.VM.destroy(self.s, vm))
        batch = ok(getattr(self.p.event, "from")(self.s, ["vm", "pool"], token, 1.0))
        ops = {(e["class"], e["operation"]) for e in batch["events"]}
        self.assertIn(("pool", "mod"), ops)
        self.assertIn(("vm", "del"), ops)

    def test_legacy_register_next(self):
        p, s = login()
        self.assertEqual(p.event.next(s)["ErrorDescription"], ["SESSION_NOT_REGISTERED", s])
        ok(p.event.register(s, ["vm"]))
        vm = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        ok(p.VM.set_name_description(s, vm, "seen by event.next"))
        events = ok(p.event.next(s))
        self.assertIn(("vm", "mod", vm), [(e["class"], e["operation"], e["ref"]) for e in events])
        result = {}

        def waiter():
            result["events"] = ok(getattr(proxy().event, "next")(s))

        parked = SERVER.log_text().count(" event.next parked")
        t = threading.Thread(target=waiter)
        t.start()
        wait_log(SERVER, " event.next parked", parked + 1)   # the test is the wake-up
        self.assertTrue(t.is_alive(), "answered with nothing changed: %r" % result)
        ok(p.VM.set_name_description(s, vm, "second"))
        t.join(20)
        self.assertEqual([e["snapshot"]["name_description"] for e in result["events"]],
                         ["second"])
        ok(p.event.unregister(s, ["vm"]))
        self.assertEqual(p.event.next(s)["ErrorDescription"][0], "SESSION_NOT_REGISTERED")

    def test_bad_subscription_and_token(self):
        r = getattr(self.p.event, "from")(self.s, ["nosuchclass"], "", 0.0)
        self.assertEqual(r["ErrorDescription"], ["EVENT_SUBSCRIPTION_PARSE_FAILURE", "nosuchclass"])
        r = getattr(self.p.event, "from")(self.s, ["vm"], "garbage", 0.0)
        self.assertEqual(r["ErrorDescription"], ["EVENT_FROM_TOKEN_PARSE_FAILURE", "garbage"])


class Wire(unittest.TestCase):
    def test_xmlrpc_envelope_bytes(self):
        body = (b'<?xml version="1.0"?><methodCall><methodName>session.login_with_password'
                b'</methodName><params><param><value>root</value></param><param><value>'
                b'nope</value></param></params></methodCall>')
        resp, data = raw("POST", "/", body, {"Content-Type": "text/xml"})
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.getheader("content-type"), "text/xml")
        self.assertEqual(resp.getheader("Access-Control-Allow-Origin"), "*")
        self.assertEqual(data, b'<?xml version="1.0"?><methodResponse><params><param><value>'
                         b'<struct><member><name>Status</name><value>Failure</value></member>'
                         b'<member><name>ErrorDescription</name><value><array><data><value>'
                         b'SESSION_AUTHENTICATION_FAILED</value><value>root</value><value>'
                         b'Authentication failure</value></data></array></value></member>'
                         b'</struct></value></param></params></methodResponse>')

    def test_any_path_is_xmlrpc(self):
        for path in ("/RPC2", "/xmlrpc", "/json"):
            p = xmlrpc.client.ServerProxy(SERVER.url + path)
            self.assertIn("VM.start", p.system.listMethods())

    def jsonrpc(self, obj):
        resp, data = raw("POST", "/jsonrpc", json.dumps(obj),
                         {"Content-Type": "application/json"})
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.getheader("content-type"), "application/json")
        return json.loads(data)

    def test_jsonrpc_v1(self):
        r = self.jsonrpc({"method": "session.login_with_password",
                          "params": ["root", PASSWORD], "id": "a1"})
        self.assertEqual(set(r), {"result", "error", "id"})
        self.assertIsNone(r["error"])
        self.assertEqual(r["id"], "a1")
        s = r["result"]
        r = self.jsonrpc({"method": "host.get_all_records", "params": [s], "id": 7})
        host = list(r["result"].values())[0]
        self.assertEqual(host["API_version_major"], 2, "JSON carries int64 as numbers")
        r = self.jsonrpc({"method": "VM.get_record", "params": [s, "OpaqueRef:x"], "id": 8})
        self.assertEqual(r, {"result": None, "error": ["HANDLE_INVALID", "VM", "OpaqueRef:x"],
                             "id": 8})

    def test_jsonrpc_v2(self):
        r = self.jsonrpc({"jsonrpc": "2.0", "method": "session.login_with_password",
                          "params": ["root", PASSWORD], "id": 3})
        self.assertEqual(set(r), {"jsonrpc", "result", "id"}, "no error key on success")
        r = self.jsonrpc({"jsonrpc": "2.0", "method": "VM.get_all", "params": ["OpaqueRef:x"],
                          "id": 4})
        self.assertEqual(r, {"jsonrpc": "2.0", "id": 4, "error": {
            "code": 1, "message": "SESSION_INVALID", "data": ["OpaqueRef:x"]}})
        ms = self.jsonrpc({"jsonrpc": "2.0", "method": "system.listMethods", "params": [],
                           "id": 5})
        self.assertIn("VM.start", ms["result"])

    def test_proxy_protocol_line_from_stunnel(self):
        body = xmlrpc.client.dumps((), "system.listMethods").encode()
        with socket.create_connection(("127.0.0.1", SERVER.port), 10) as c:
            c.sendall(b"PROXY TCP4 192.0.2.7 127.0.0.1 40000 443\r\n"
                      b"POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            self.assertTrue(c.recv(100).startswith(b"HTTP/1.1 200"))
        with socket.create_connection(("127.0.0.1", SERVER.port), 10) as c:
            c.sendall(b"PROXY TCP4 bogus\r\n\r\n")
            self.assertTrue(c.recv(100).startswith(b"HTTP/1.1 400"))

    def test_cors_preflight(self):
        resp, _ = raw("OPTIONS", "/jsonrpc", None)
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.getheader("Access-Control-Allow-Origin"), "*")


class BadInput(unittest.TestCase):
    def assert_alive(self):
        self.assertIn("VM.start", proxy().system.listMethods())

    def test_malformed_bodies_get_500(self):
        for body in (b"<methodCall><methodName>x", b"not xml at all", b"",
                     b'<?xml version="1.0"?><methodCall><methodName>a</methodName><params>'
                     b'<param><value><int>12x</int></value></param></params></methodCall>'):
            resp, data = raw("POST", "/", body, {"Content-Type": "text/xml"})
            self.assertEqual(resp.status, 500, body)
            self.assertIn(b"HTTP 500 internal server error", data)
        for body in (b"{", b"[1,2]", b'{"method": 5, "id": 1}', b'{"method":"a","params":{}}'):
            resp, _ = raw("POST", "/jsonrpc", body)
            self.assertEqual(resp.status, 500, body)
        self.assert_alive()

    def test_error_page_escapes_what_it_quotes(self):
        # The parser names the element it did not expect; the page shows it as text.
        body = (b'<?xml version="1.0"?><methodCall><methodName>a</methodName><params><param>'
                b'<value><script>alert(1)</script></value></param></params></methodCall>')
        resp, data = raw("POST", "/", body, {"Content-Type": "text/xml"})
        self.assertEqual(resp.status, 500)
        self.assertIn(b"unknown tag &lt;script&gt;", data)
        self.assertNotIn(b"<script>", data)
        self.assert_alive()

    def test_oversized_body_gets_413(self):
        resp, _ = raw("POST", "/", b"x" * (300 * 1024 + 1))
        self.assertEqual(resp.status, 413)
        self.assert_alive()

    def test_garbage_request_line_gets_400(self):
        with socket.create_connection(("127.0.0.1", SERVER.port), 10) as c:
            c.sendall(b"HELLO\x01 there\r\n\r\n")
            self.assertTrue(c.recv(100).startswith(b"HTTP/1.1 400"))
        self.assert_alive()

    def test_slow_client_does_not_block_others(self):
        with socket.create_connection(("127.0.0.1", SERVER.port), 10) as c:
            c.sendall(b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n<method")
            self.assert_alive()

    def test_invalid_utf8_parameter(self):
        body = (b'<methodCall><methodName>session.login_with_password</methodName><params>'
                b'<param><value>ro\xffot</value></param><param><value>x</value></param>'
                b'</params></methodCall>')
        resp, data = raw("POST", "/", body)
        self.assertEqual(resp.status, 200)
        self.assertIn(b"<value>INVALID_VALUE</value><value>Invalid UTF-8 string in parameter"
                      b"</value>", data)

    def test_many_connections_and_a_slow_one(self):
        socks = [socket.create_connection(("127.0.0.1", SERVER.port), 10) for _ in range(200)]
        try:
            socks[0].sendall(b"POST / HTTP/1.1\r\nContent-")     # a header left half-sent
            self.assert_alive()
        finally:
            for c in socks:
                c.close()
        self.assert_alive()

    def test_header_read_deadline(self):
        with socket.create_connection(("127.0.0.1", SERVER.port), 40) as c:
            c.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")     # and then nothing
            self.assertTrue(c.recv(100).startswith(b"HTTP/1.1 408"), "408 after 10 s")
        self.assert_alive()

    def test_connection_limit(self):
        socks = []
        try:
            for _ in range(800):
                socks.append(socket.create_connection(("127.0.0.1", SERVER.port), 10))
            # Idle connections that never sent a request make room for a new one.
            extra = socket.create_connection(("127.0.0.1", SERVER.port), 10)
            extra.sendall(b"GET / HTTP/1.1\r\n\r\n")
            got = extra.recv(100)
            self.assertTrue(got.startswith(b"HTTP/1.1 200"), "the 801st is answered: %r" % got)
            extra.close()
        finally:
            for c in socks:
                c.close()
        self.assert_alive()

    def test_deep_nesting_and_truncation(self):
        deep = b"<value><array><data>" * 200
        body = (b"<methodCall><methodName>VM.get_all</methodName><params><param>" + deep)
        resp, _ = raw("POST", "/", body)
        self.assertEqual(resp.status, 500)
        resp, _ = raw("POST", "/jsonrpc", b"[" * 10000)
        self.assertEqual(resp.status, 500)
        self.assert_alive()


if __name__ == "__main__":
    unittest.main(verbosity=2)
