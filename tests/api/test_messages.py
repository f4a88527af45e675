"""XAPI's messages (alerts) on xapi-lite: the message class's calls and errors as XAPI has
them, the cap that drops the oldest, persistence across a restart, message events, Xen
Orchestra's client reading them, and the alerts xapi-lite raises itself: a login run from
one address (FAILED_LOGIN_ATTEMPTS, rate-guarded), an SR almost full (ALARM), a VM that
crashed or rebooted on its own (VM_CRASHED, VM_REBOOTED; the xen backend, stand-in xl)."""
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import threading
import unittest
import xmlrpc.client

from test_abuse import login_from
from test_xo import XO_DIR, require_client, run_node
from xapi_server import MIB, PASSWORD, ApiTest, FakeXlTest, Server, ok, err, until, wait_log

MESSAGE_LIMIT = 10000       # XAPI_MAX_MESSAGES (XAPI's message_limit)
BODY_MAX = 16 * 1024        # XAPI_MESSAGE_BODY_MAX
BYTES_MAX = 16 * MIB        # XAPI_MESSAGES_MAX_BYTES
LOGIN_ALERT_FAILURES = 3    # XAPI_LOGIN_ALERT_FAILURES
ALERTS_PER_HOUR = 10        # XAPI_ALERTS_PER_HOUR
SR_FULL = 0.90              # XAPI_SR_FULL_PERCENT
EPOCH = xmlrpc.client.DateTime("19700101T00:00:00Z")
ALERT_FILES_PER_SCAN = 16   # alerts.h's, a scan every ALERTS_EVERY (5) s

# XAPI's message class: its own messages only (no field getters), as listMethods has them.
XAPI_MESSAGE_CALLS = sorted("message." + m for m in (
    "create", "destroy", "destroy_many", "destroy_all", "get", "get_all", "get_since",
    "get_record", "get_by_uuid", "get_all_records", "get_all_records_where"))


def named(p, s, name):
    """The records of the messages called name, by ref."""
    return ok(p.message.get_all_records_where(s, 'field "name" = "%s"' % name))


class Calls(ApiTest):
    def setUp(self):
        self.pool = ok(self.p.pool.get_all(self.s))[0]
        self.pool_uuid = ok(self.p.pool.get_uuid(self.s, self.pool))
        self.host_uuid = ok(self.p.host.get_uuid(self.s, ok(self.p.host.get_all(self.s))[0]))

    def create(self, name="TEST", priority=3, cls="Pool", uuid=None, body="a body"):
        return ok(self.p.message.create(self.s, name, priority, cls, uuid or self.pool_uuid,
                                        body))

    def test_create_and_read_back(self):
        m = self.create("TEST_READ", 2, "Host", self.host_uuid, "hello")
        rec = ok(self.p.message.get_record(self.s, m))
        self.assertEqual({k: rec[k] for k in ("name", "priority", "cls", "obj_uuid", "body")},
                         {"name": "TEST_READ", "priority": "2", "cls": "Host",
                          "obj_uuid": self.host_uuid, "body": "hello"}, rec)
        self.assertEqual(sorted(rec), ["body", "cls", "name", "obj_uuid", "priority",
                                       "timestamp", "uuid"])
        self.assertEqual(ok(self.p.message.get_by_uuid(self.s, rec["uuid"])), m)
        self.assertIn(m, ok(self.p.message.get_all(self.s)))
        self.assertEqual(ok(self.p.message.get_all_records(self.s))[m], rec)
        # get: one object's messages after a time; the object must exist.
        self.assertIn(m, ok(self.p.message.get(self.s, "Host", self.host_uuid, EPOCH)))
        self.assertNotIn(m, ok(self.p.message.get(self.s, "Pool", self.pool_uuid, EPOCH)))
        self.assertEqual(ok(self.p.message.get(self.s, "Host", self.host_uuid,
                                               xmlrpc.client.DateTime("30000101T00:00:00Z"))),
                         {})

    def test_get_since_takes_a_datetime_as_xml_rpc_and_as_text(self):
        before = ok(self.p.host.get_servertime(self.s, ok(self.p.host.get_all(self.s))[0]))
        m = self.create("TEST_SINCE")
        self.assertIn(m, ok(self.p.message.get_since(self.s, before)))
        self.assertIn(m, ok(self.p.message.get_since(self.s, "1970-01-01T00:00:00Z")))
        self.assertNotIn(m, ok(self.p.message.get_since(self.s, "30000101T00:00:00+01:00")))
        self.assertEqual(err(self.p.message.get_since(self.s, "yesterday")),
                         ["INVALID_VALUE", "since", "yesterday"])

    def test_get_all_records_where(self):
        a = self.create("TEST_WHERE_A", 1)
        b = self.create("TEST_WHERE_B", 5)
        got = ok(self.p.message.get_all_records_where(
            self.s, 'field "name" = "TEST_WHERE_A" or field "name" = "TEST_WHERE_B"'))
        self.assertEqual(sorted(got), sorted([a, b]))
        got = ok(self.p.message.get_all_records_where(
            self.s, 'field "priority" = "5" and field "name" = "TEST_WHERE_B"'))
        self.assertEqual(list(got), [b])
        got = ok(self.p.message.get_all_records_where(
            self.s, 'not field "name" = "TEST_WHERE_A"'))
        self.assertIn(b, got)
        self.assertNotIn(a, got)
        code, expr, why = err(self.p.message.get_all_records_where(self.s, 'field "name" ='))
        self.assertEqual((code, expr), ("INVALID_VALUE", 'field "name" ='))
        self.assertIn("offset 14", why)
        self.assertEqual(err(self.p.message.get_all_records_where(self.s, 'field "x" = "1"')),
                         ["INTERNAL_ERROR", "missing field", "x", ""])

    def test_errors_are_xapis(self):
        self.assertEqual(err(self.p.message.create(self.s, "T", 1, "Nothing", "u", "")),
                         ["INVALID_VALUE", "cls", "Nothing"])
        self.assertEqual(err(self.p.message.create(self.s, "T", 1, "VM", self.host_uuid, "")),
                         ["UUID_INVALID", "VM", self.host_uuid])
        self.assertEqual(err(self.p.message.create(self.s, "T", 1, "VMSS", self.pool_uuid,
                                                   "")),
                         ["UUID_INVALID", "VMSS", self.pool_uuid])
        self.assertEqual(err(self.p.message.create(self.s, "T", "high", "Pool",
                                                   self.pool_uuid, "")),
                         ["FIELD_TYPE_ERROR", "priority"])
        # XAPI's get names nothing in its UUID_INVALID.
        self.assertEqual(err(self.p.message.get(self.s, "VM", self.pool_uuid, EPOCH)),
                         ["UUID_INVALID"])
        bad = "OpaqueRef:00000000-0000-0000-0000-000000000000"
        self.assertEqual(err(self.p.message.destroy(self.s, bad)),
                         ["HANDLE_INVALID", "message", bad])
        self.assertEqual(err(self.p.message.get_record(self.s, bad)),
                         ["HANDLE_INVALID", "message", bad])
        self.assertEqual(err(self.p.message.get_by_uuid(self.s, "nope")),
                         ["UUID_INVALID", "message", "nope"])
        # No implicit field calls: XAPI keeps messages out of its database.
        m = self.create()
        self.assertEqual(err(self.p.message.get_name(self.s, m)),
                         ["MESSAGE_METHOD_UNKNOWN", "message.get_name"])

    def test_a_body_past_the_limit_is_refused(self):
        self.create("TEST_BODY", body="b" * BODY_MAX)
        self.assertEqual(err(self.p.message.create(self.s, "TEST_BODY", 1, "Pool",
                                                   self.pool_uuid, "b" * (BODY_MAX + 1))),
                         ["INVALID_VALUE", "body", "longer than %d bytes" % BODY_MAX])
        self.assertEqual(len(named(self.p, self.s, "TEST_BODY")), 1, "nothing half-made")

    def test_destroy_many_and_destroy_all(self):
        refs = [self.create("TEST_MANY") for _ in range(3)]
        ok(self.p.message.destroy_many(self.s, refs[:2]))
        self.assertEqual(list(named(self.p, self.s, "TEST_MANY")), refs[2:])
        self.assertEqual(err(self.p.message.destroy_many(self.s, refs[:1])),
                         ["HANDLE_INVALID", "message", refs[0]])
        keep = self.create("TEST_ALL", priority=4)
        gone = self.create("TEST_ALL", priority=1)
        self.assertEqual(err(self.p.message.destroy_all(self.s, {"priority": "1",
                                                                  "before": "soon"})),
                         ["INVALID_VALUE", "before", "soon"])
        self.assertEqual(err(self.p.message.destroy_all(self.s, {"priority": "one"})),
                         ["INVALID_VALUE", "priority", "one"])
        self.assertIn(gone, ok(self.p.message.get_all(self.s)), "nothing destroyed")
        ok(self.p.message.destroy_all(self.s, {"before": "1970-01-02T00:00:00Z"}))
        ok(self.p.message.destroy_all(self.s, {"after": "3000-01-01T00:00:00Z"}))
        self.assertIn(gone, ok(self.p.message.get_all(self.s)), "none that old or new")
        ok(self.p.message.destroy_all(self.s, {"priority": "1"}))
        self.assertEqual(list(named(self.p, self.s, "TEST_ALL")), [keep])
        self.assertNotIn(gone, ok(self.p.message.get_all(self.s)))

    def test_listed_as_xapi_lists_them(self):
        methods = self.p.system.listMethods()
        self.assertEqual(sorted(m for m in methods if m.startswith("message.")),
                         XAPI_MESSAGE_CALLS)

    def test_event_from_shows_a_new_message_and_its_deletion(self):
        event_from = getattr(self.p.event, "from")     # a Python keyword
        token = ok(event_from(self.s, ["message"], "", 0.0))["token"]
        m = self.create("TEST_EVENT", body="watched")
        batch = ok(event_from(self.s, ["message"], token, 5.0))
        adds = [e for e in batch["events"] if e["ref"] == m]
        self.assertEqual(len(adds), 1, batch)
        self.assertEqual((adds[0]["class"], adds[0]["operation"], adds[0]["id"]),
                         ("message", "add", "0"))
        self.assertEqual(adds[0]["snapshot"]["body"], "watched")
        self.assertNotIn("message", batch["valid_ref_counts"], "not in XAPI's database")
        ok(self.p.message.destroy(self.s, m))
        batch = ok(event_from(self.s, ["message"], batch["token"], 5.0))
        self.assertEqual([(e["ref"], e["operation"]) for e in batch["events"]], [(m, "del")])

    def test_a_parked_event_from_wakes_for_a_message(self):
        event_from = getattr(self.p.event, "from")
        token = ok(event_from(self.s, ["message"], "", 0.0))["token"]
        got = {}

        def wait():
            p = xmlrpc.client.ServerProxy(self.server.url)
            got["batch"] = ok(getattr(p.event, "from")(self.s, ["message"], token, 30.0))
        parked = self.server.log_text().count(" event.from parked")
        t = threading.Thread(target=wait)
        t.start()
        wait_log(self.server, " event.from parked", parked + 1)
        self.assertTrue(t.is_alive(), "answered with no message yet: %r" % got)
        m = self.create("TEST_PARKED")
        t.join(30)
        self.assertIn(m, [e["ref"] for e in got["batch"]["events"]], got)


class Cap(unittest.TestCase):
    """--message-limit N (XAPI's message_limit) keeps the newest N; the byte budget too."""

    def setUp(self):
        self.server = Server(extra=["--message-limit", "5"])
        self.p = xmlrpc.client.ServerProxy(self.server.url)
        self.s = ok(self.p.session.login_with_password("root", PASSWORD, "1.0", "cap"))
        self.pool_uuid = ok(self.p.pool.get_uuid(self.s, ok(self.p.pool.get_all(self.s))[0]))

    def tearDown(self):
        self.server.stop()
        self.server.remove()

    def test_the_oldest_go_past_the_limit_and_stay_gone_after_a_restart(self):
        refs = [ok(self.p.message.create(self.s, "CAP_%d" % i, 1, "Pool", self.pool_uuid, ""))
                for i in range(8)]
        self.assertEqual(sorted(ok(self.p.message.get_all(self.s))), sorted(refs[3:]))
        self.assertEqual(err(self.p.message.get_record(self.s, refs[0]))[0], "HANDLE_INVALID")
        uuid = ok(self.p.message.get_record(self.s, refs[-1]))["uuid"]
        self.assertEqual(self.server.stop(), 0)
        self.server = Server(workdir=self.server.dir, extra=["--message-limit", "5"])
        self.p = xmlrpc.client.ServerProxy(self.server.url)
        self.s = ok(self.p.session.login_with_password("root", PASSWORD, "1.0", "cap"))
        self.assertEqual(sorted(ok(self.p.message.get_all(self.s))), sorted(refs[3:]),
                         "the messages survive a restart")
        self.assertEqual(ok(self.p.message.get_by_uuid(self.s, uuid)), refs[-1])
        self.assertEqual(ok(self.p.message.get_record(self.s, refs[-1]))["name"], "CAP_7")

    def test_a_bad_limit_is_refused(self):
        for bad in ("0", "10001", "five"):
            r = subprocess.run([os.environ.get("XAPI_LITE", "out/bin/xapi-lite"), "--backend",
                                "sim", "--state", "/nonexistent", "--message-limit", bad],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("--message-limit %s: not a number from 1 to %d" %
                          (bad, MESSAGE_LIMIT), r.stderr)


class DefaultCap(ApiTest):
    """Without --message-limit: XAPI's 10000 (XAPI_MAX_MESSAGES)."""

    def test_the_oldest_go_past_ten_thousand(self):
        pool_uuid = ok(self.p.pool.get_uuid(self.s, ok(self.p.pool.get_all(self.s))[0]))
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        refs = []
        for i in range(MESSAGE_LIMIT + 3):     # one keep-alive connection: quicker
            conn.request("POST", "/", xmlrpc.client.dumps(
                (self.s, "DEFAULT_CAP", 1, "Pool", pool_uuid, str(i)), "message.create"))
            refs.append(ok(xmlrpc.client.loads(conn.getresponse().read())[0][0]))
        conn.close()
        kept = ok(self.p.message.get_all(self.s))
        self.assertEqual(len(kept), MESSAGE_LIMIT)
        self.assertEqual(set(kept), set(refs[3:]), "the three oldest went")


class ByteBudget(ApiTest):
    def test_the_oldest_go_past_the_byte_budget(self):
        pool_uuid = ok(self.p.pool.get_uuid(self.s, ok(self.p.pool.get_all(self.s))[0]))
        body = "x" * BODY_MAX
        n = BYTES_MAX // (BODY_MAX + len("BIG") + len(pool_uuid)) + 3
        refs = [ok(self.p.message.create(self.s, "BIG", 1, "Pool", pool_uuid, body))
                for _ in range(n)]
        kept = named(self.p, self.s, "BIG")
        self.assertLess(len(kept), n)
        self.assertLessEqual(len(kept) * (BODY_MAX + 3 + len(pool_uuid)), BYTES_MAX)
        self.assertEqual(sorted(kept), sorted(refs[n - len(kept):]), "the newest are kept")


class FailedLogins(unittest.TestCase):
    def setUp(self):
        self.server = Server()
        self.p = xmlrpc.client.ServerProxy(self.server.url)
        self.s = ok(self.p.session.login_with_password("root", PASSWORD, "1.0", "watcher"))
        self.pool_uuid = ok(self.p.pool.get_uuid(self.s, ok(self.p.pool.get_all(self.s))[0]))

    def tearDown(self):
        self.server.stop()
        self.server.remove()

    def alerts(self):
        return named(self.p, self.s, "FAILED_LOGIN_ATTEMPTS")

    def test_one_alert_a_run_of_failures(self):
        for i in range(LOGIN_ALERT_FAILURES - 1):
            login_from(self.server, "192.0.2.7", "root", "wrong")
        self.assertEqual(self.alerts(), {}, "a typo or two is not an alert")
        for i in range(3):
            login_from(self.server, "192.0.2.7", "root<&>", "wrong")
        got = self.alerts()
        self.assertEqual(len(got), 1, got)
        rec = list(got.values())[0]
        self.assertEqual((rec["priority"], rec["cls"], rec["obj_uuid"]),
                         ("3", "Pool", self.pool_uuid))
        self.assertIn("<total>%d</total>" % LOGIN_ALERT_FAILURES, rec["body"])
        self.assertIn("<ip>192.0.2.7</ip>", rec["body"])
        self.assertIn("<username>root&lt;&amp;&gt;</username>", rec["body"])
        self.assertTrue(rec["body"].startswith("<body>\n") and
                        rec["body"].endswith("</known>\n</body>"), rec["body"])
        # A success ends the run; the next run is a new alert.
        login_from(self.server, "192.0.2.7", "root", PASSWORD)
        for i in range(LOGIN_ALERT_FAILURES):
            login_from(self.server, "192.0.2.7", "root", "wrong")
        self.assertEqual(len(self.alerts()), 2)

    def test_a_scanner_of_many_addresses_is_rate_guarded(self):
        def guesser(addr):
            for i in range(LOGIN_ALERT_FAILURES):
                login_from(self.server, addr, "root", "wrong")
        threads = [threading.Thread(target=guesser, args=("198.51.100.%d" % i,))
                   for i in range(ALERTS_PER_HOUR + 5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(len(self.alerts()), ALERTS_PER_HOUR)


class SrAlmostFull(unittest.TestCase):
    """The state directory (and so the local SR) on a small tmpfs that a disk fills."""
    SIZE = 64 * MIB

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="xapi-lite-test-")
        self.state = os.path.join(self.work, "state")
        os.mkdir(self.state)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%d" % self.SIZE, "tmpfs",
                            self.state], capture_output=True)
        if r.returncode != 0:
            shutil.rmtree(self.work)
            self.skipTest("cannot mount a tmpfs as the state directory (needs root): %s" %
                          r.stderr.decode().strip())
        self.server = Server(workdir=self.work)
        self.p = xmlrpc.client.ServerProxy(self.server.url)
        self.s = ok(self.p.session.login_with_password("root", PASSWORD, "1.0", "sr"))

    def tearDown(self):
        self.server.stop()
        subprocess.run(["umount", self.state])
        shutil.rmtree(self.work, ignore_errors=True)

    def vdi(self, sr, size):
        return ok(self.p.VDI.create(self.s, {
            "name_label": "filler", "SR": sr, "virtual_size": str(size), "type": "user",
            "sharable": False, "read_only": False, "other_config": {}}))

    def path(self, vdi):
        for b in ok(self.p.PBD.get_all(self.s)):
            pbd = ok(self.p.PBD.get_record(self.s, b))
            if pbd["SR"] == ok(self.p.VDI.get_SR(self.s, vdi)):
                return os.path.join(pbd["device_config"]["location"],
                                    ok(self.p.VDI.get_location(self.s, vdi)))

    def alarms(self, sr_uuid):
        return ok(self.p.message.get_all_records_where(
            self.s, 'field "name" = "ALARM" and field "obj_uuid" = "%s"' % sr_uuid))

    def test_alarm_once_a_crossing(self):
        sr = [r for r in ok(self.p.SR.get_all(self.s))
              if ok(self.p.SR.get_type(self.s, r)) == "file"][0]
        sr_uuid = ok(self.p.SR.get_uuid(self.s, sr))
        size = int(ok(self.p.SR.get_physical_size(self.s, sr)))
        self.assertEqual(size, self.SIZE, "the SR is the tmpfs")
        big = self.vdi(sr, size)
        with open(self.path(big), "r+b") as f:
            f.write(b"\1" * int(size * (SR_FULL + 0.02)))
        self.vdi(sr, MIB)       # an SR operation brings the figures up to date
        got = until("an ALARM for the SR", lambda: self.alarms(sr_uuid))
        self.assertEqual(len(got), 1, got)
        rec = list(got.values())[0]
        self.assertEqual((rec["priority"], rec["cls"]), ("3", "SR"))
        # perfmon's body, as XO's alarm list parses it.
        self.assertRegex(rec["body"], r"^value: 0\.9[0-9]*\nconfig:\n<variable>\n"
                         r"\t<name value=\"physical_utilisation\"/>\n"
                         r"\t<alarm_trigger_level value=\"0.9\"/>\n</variable>\n$")
        self.vdi(sr, MIB)
        self.assertEqual(len(self.alarms(sr_uuid)), 1, "still full: no second alarm")
        ok(self.p.VDI.destroy(self.s, big))
        self.vdi(sr, MIB)
        until("the SR less full", lambda: int(ok(self.p.SR.get_physical_utilisation(
            self.s, sr))) < size * SR_FULL)
        big = self.vdi(sr, size)
        with open(self.path(big), "r+b") as f:
            f.write(b"\1" * int(size * (SR_FULL + 0.02)))
        self.vdi(sr, MIB)
        until("a second ALARM after a second crossing",
              lambda: len(self.alarms(sr_uuid)) == 2)


class GuestsOnTheirOwn(FakeXlTest):
    """The reconciliation sees what no power operation of ours did."""

    def domains(self, edit=None):
        path = os.path.join(self.bindir, "domains")
        with open(path) as f:
            st = json.load(f)
        if edit is not None:
            edit(st)
            with open(path + ".tmp", "w") as f:
                json.dump(st, f)
            os.replace(path + ".tmp", path)
        return st

    def started(self, name):
        vm = self.template_vm(name)
        ok(self.p.VM.start(self.s, vm, False, False))
        until("the VM running", lambda: ok(self.p.VM.get_power_state(self.s, vm)) == "Running")
        return vm, ok(self.p.VM.get_uuid(self.s, vm))

    def reconciliations(self, n):
        """Waits for n more runs of `xl list`, the reconciliation's: one runs at a time, so
        all but the last have ended when this returns."""
        def runs():
            with open(os.path.join(self.bindir, "log")) as f:
                return f.read().split("\n").count("list")
        want = runs() + n
        until("%d more reconciliations" % n, lambda: runs() >= want)

    def of_vm(self, uuid, name):
        return ok(self.p.message.get_all_records_where(
            self.s, 'field "name" = "%s" and field "obj_uuid" = "%s"' % (name, uuid)))

    def test_a_crash_is_vm_crashed(self):
        vm, uuid = self.started("crashes")

        def crash(st):
            st["doms"][uuid]["crashed"] = True
        self.domains(crash)
        until("the VM halted", lambda: ok(self.p.VM.get_power_state(self.s, vm)) == "Halted")
        got = until("VM_CRASHED", lambda: self.of_vm(uuid, "VM_CRASHED"))
        self.assertEqual(len(got), 1, got)
        rec = list(got.values())[0]
        self.assertEqual((rec["priority"], rec["cls"]), ("2", "VM"))
        self.assertIn("crashes", rec["body"])
        self.reconciliations(3)     # two more seen through: the crash is not raised again
        self.assertEqual(len(self.of_vm(uuid, "VM_CRASHED")), 1)

    def test_a_new_domid_is_vm_rebooted(self):
        name = "reboot-" + "\u00e9" * 150     # 307 bytes: the body cuts it at 199
        vm, uuid = self.started(name)
        old = ok(self.p.VM.get_domid(self.s, vm))

        def reboot(st):
            st["doms"][uuid]["domid"] = st["next"]
            st["next"] += 1
        self.domains(reboot)
        got = until("VM_REBOOTED", lambda: self.of_vm(uuid, "VM_REBOOTED"))
        rec = list(got.values())[0]
        self.assertEqual((rec["priority"], len(got)), ("5", 1))
        self.assertRegex(rec["body"], r"^VM 'reboot-\u00e9{96}' \(uuid: %s\) rebooted$" % uuid)
        self.assertNotEqual(ok(self.p.VM.get_domid(self.s, vm)), old)
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Running")
        self.assertEqual(self.of_vm(uuid, "VM_CRASHED"), {})

    def test_our_own_power_operations_raise_nothing(self):
        vm, uuid = self.started("obeys")
        ok(self.p.VM.hard_reboot(self.s, vm))
        ok(self.p.VM.hard_shutdown(self.s, vm))
        self.reconciliations(3)     # two seen through, after the shutdown
        self.assertEqual(self.of_vm(uuid, "VM_CRASHED"), {})
        self.assertEqual(self.of_vm(uuid, "VM_REBOOTED"), {})


class LeftByOtherPrograms(ApiTest):
    """Alert records other programs leave in the state's alerts/ (atoll-upgrade's, when a
    trial boot is rolled back) become messages on the host; files that are not such
    records are dropped; a scan takes at most ALERT_FILES_PER_SCAN."""

    def alerts_dir(self):
        d = os.path.join(self.server.state, "alerts")
        os.makedirs(d, exist_ok=True)
        return d

    def test_a_record_becomes_a_message_on_the_host(self):
        with open(os.path.join(self.alerts_dir(), "upgrade-1"), "w") as f:
            f.write('name=HOST_UPGRADE_ROLLED_BACK priority=3 body="Atoll 9.9 in slot b did '
                    'not come up"\n')
        host_uuid = ok(self.p.host.get_uuid(self.s, ok(self.p.host.get_all(self.s))[0]))
        got = until("the alert raised", lambda: named(self.p, self.s,
                                                      "HOST_UPGRADE_ROLLED_BACK"))
        m = list(got.values())[0]
        self.assertEqual((m["priority"], m["cls"], m["obj_uuid"], m["body"]),
                         ("3", "Host", host_uuid, "Atoll 9.9 in slot b did not come up"))
        until("the file removed", lambda: not os.listdir(self.alerts_dir()))

    def test_bad_records_are_dropped(self):
        bad = {"no-name": 'priority=3 body="x"\n', "lower": 'name=oops priority=3 body=x\n',
               "priority": 'name=X_Y priority=9 body=x\n', "quote": 'name=X priority=3 body="x\n',
               "binary": "name=X priority=3 body=\x01\n"}
        for name, text in bad.items():
            with open(os.path.join(self.alerts_dir(), name), "w") as f:
                f.write(text)
        until("the bad files removed", lambda: not os.listdir(self.alerts_dir()))
        self.assertEqual(named(self.p, self.s, "X"), {})
        self.assertEqual(named(self.p, self.s, "X_Y"), {})
        self.assertIn("is not an alert record", self.server.log_text())

    def test_a_flood_is_taken_a_bounded_scan_at_a_time(self):
        d = self.alerts_dir()
        for i in range(ALERT_FILES_PER_SCAN * 2):
            with open(os.path.join(d, "flood-%03d" % i), "w") as f:
                f.write("name=FLOOD priority=5 body=%d\n" % i)
        first = until("a first scan", lambda: named(self.p, self.s, "FLOOD"))
        self.assertLessEqual(len(first), ALERT_FILES_PER_SCAN, "one scan takes %d" % ALERT_FILES_PER_SCAN)
        until("all of them", lambda: len(named(self.p, self.s, "FLOOD")) ==
              ALERT_FILES_PER_SCAN * 2, 60)


class XenOrchestraReadsThem(unittest.TestCase):
    def setUp(self):
        require_client(self)
        self.server = Server()

    def tearDown(self):
        self.server.stop()
        self.server.remove()

    def test_xo_client_fetches_and_follows_messages(self):
        p = xmlrpc.client.ServerProxy(self.server.url)
        s = ok(p.session.login_with_password("root", PASSWORD, "1.0", "xo"))
        pool_uuid = ok(p.pool.get_uuid(s, ok(p.pool.get_all(s))[0]))
        ok(p.message.create(s, "BEFORE_XO", 5, "Pool", pool_uuid, "there first"))
        out = run_node(self, self.server, [os.path.join(XO_DIR, "messages.mjs"),
                                           self.server.url, "root"], 120)
        got = json.loads(out.strip().splitlines()[-1])
        self.assertIn("BEFORE_XO", got["fetched"])
        got["created"]["priority"] = str(got["created"]["priority"])  # JSON: a number
        self.assertEqual(got["created"], {"name": "XO_TEST", "priority": "4", "cls": "Pool",
                                          "obj_uuid": pool_uuid,
                                          "body": "from the xen-api client"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
