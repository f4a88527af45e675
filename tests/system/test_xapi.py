"""xapi-lite on the live host: QEMU boots the ISO's files with a root password, and a
XenAPI client talks HTTPS to port 443 (stunnel in dom0) as XenAPI scripts and Xen
Orchestra do: log in, read the real host, start the demo guest on real Xen and watch it
run and power itself off through event.from."""
import hashlib
import http.client
import os
import re
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import xmlrpc.client

from qemu_vm import BOOT_TIMEOUT, free_port, sha512_crypt, unverified_tls
from test_live import READY, boot_with
from xenapi_console import CONSOLE_TIMEOUT, GuestShell, console_bytes, console_record, ok

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from test_xo import SCRIPT as XO_SCRIPT, prepare as prepare_xo  # noqa: E402
from ws_client import Ws, WsTimeout  # noqa: E402

PASSWORD = "atoll-api-pw"
GUEST_IP = "10.0.2.77"      # the busy guest's, on dom0's bridge (the host is 10.0.2.15)


class XenApiOnXen(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        cls.vm = boot_with("xapi", "atoll.password_hash=%s" % sha512_crypt(PASSWORD),
                           ["hostfwd=tcp:127.0.0.1:%d-:443" % cls.port])
        try:
            cls.vm.wait(READY, BOOT_TIMEOUT, "atoll: ready")
        except Exception:
            cls.vm.close()
            raise
        cls.api = xmlrpc.client.ServerProxy("https://127.0.0.1:%d" % cls.port,
                                            context=unverified_tls())

    @classmethod
    def tearDownClass(cls):
        cls.vm.close()

    def login(self):
        return ok(self.api.session.login_with_password("root", PASSWORD, "1.0", "test"))

    def wait_task(self, s, task, timeout=120):
        """Waits until the task is no longer pending (or the deadline passes)."""
        deadline = time.monotonic() + timeout
        while ok(self.api.task.get_status(s, task)) == "pending" and \
                time.monotonic() < deadline:
            time.sleep(0.5)

    def shell(self, command):
        """Runs command in dom0's root shell on the serial console (logging in once)."""
        if not getattr(XenApiOnXen, "logged_in", False):
            self.vm.mark = 0
            self.vm.login(PASSWORD)
            XenApiOnXen.logged_in = True
        return self.vm.run(command)

    def https(self, method, target, body=None):
        c = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=120,
                                        context=self.api._ServerProxy__transport.context)
        c.request(method, target, body)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data

    def test_1_login_and_the_real_host(self):
        r = self.api.session.login_with_password("root", "wrong")
        self.assertEqual(r["ErrorDescription"][0], "SESSION_AUTHENTICATION_FAILED")
        s = self.login()
        host = list(ok(self.api.host.get_all_records(s)).values())[0]
        self.assertEqual(host["cpu_info"]["cpu_count"], "2", "QEMU's -smp 2")
        self.assertTrue(host["software_version"]["xen"].startswith("4.17"))
        self.assertEqual(host["address"], "10.0.2.15", "the management IP from DHCP")
        dom0 = ok(self.api.VM.get_record(s, host["control_domain"]))
        self.assertTrue(dom0["is_control_domain"])
        self.assertEqual(dom0["power_state"], "Running")
        self.assertTrue(ok(self.api.host_metrics.get_live(s, host["metrics"])))

    def test_1b_the_certificate_is_the_one_the_console_shows(self):
        pem = ssl.get_server_certificate(("127.0.0.1", self.port))
        digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest().upper()
        shown = re.search(r"atoll: XenAPI certificate SHA-256 fingerprint ([0-9A-F:]+)",
                          self.vm.text())
        self.assertIsNotNone(shown, "the console shows the fingerprint")
        self.assertEqual(shown.group(1).replace(":", ""), digest)
        san = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName"],
                             input=pem, capture_output=True, text=True, check=True).stdout
        self.assertIn("IP Address:10.0.2.15", san, "the management IP")
        self.assertIn("DNS:atoll", san, "the hostname")

    def test_1c_host_plugins_answer_as_xcp_ng(self):
        """XO's host plugins on Xen: lsblk.py lists dom0's block devices (at least the
        CD the ISO boots from), hyperthreading.py what xl info says, smartctl.py is
        missing."""
        import json  # here, so that this test stays one block of the file
        s = self.login()
        host = ok(self.api.host.get_all(s))[0]
        call = lambda plugin, fn: self.api.host.call_plugin(s, host, plugin, fn, {})  # noqa: E731
        disks = json.loads(ok(call("lsblk.py", "list_block_devices")))["blockdevices"]
        self.assertTrue(disks)
        for d in disks:
            self.assertEqual(list(d)[:7], ["name", "kname", "pkname", "size", "type", "ro",
                                           "mountpoint"], d)
        self.assertIn(ok(call("hyperthreading.py", "get_hyperthreading")), ("true", "false"))
        self.assertEqual(call("smartctl.py", "information")["ErrorDescription"],
                         ["XENAPI_MISSING_PLUGIN", "smartctl.py"])

    def test_2_demo_guest_runs_on_xen(self):
        s = self.login()
        tpl = ok(self.api.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(self.api.VM.clone(s, tpl, "demo on xen"))
        ok(self.api.VM.set_is_a_template(s, vm, False))
        token = ok(getattr(self.api.event, "from")(s, ["vm"], "", 0.0))["token"]
        ok(self.api.VM.start(s, vm, False, False))
        # The demo guest prints its banner and powers itself off: Running, then Halted.
        seen, deadline = [], time.monotonic() + 120
        while "Halted" not in seen and time.monotonic() < deadline:
            batch = ok(getattr(self.api.event, "from")(s, ["vm"], token, 10.0))
            token = batch["token"]
            seen += [e["snapshot"]["power_state"] for e in batch["events"]
                     if e["ref"] == vm and e["operation"] == "mod"]
        self.assertEqual([p for i, p in enumerate(seen) if i == 0 or seen[i - 1] != p],
                         ["Running", "Halted"], "power states seen: %s" % seen)
        self.assertEqual(ok(self.api.VM.get_power_state(s, vm)), "Halted")

        # Async: the task finishes when xl does. A second start meanwhile is refused
        # (the operation runs, or it is over and the VM is no longer halted): never a
        # second domain.
        task = ok(self.api.Async.VM.start(s, vm, False, False))
        err = self.api.VM.start(s, vm, False, False)["ErrorDescription"]
        self.assertIn(err[0], ("OTHER_OPERATION_IN_PROGRESS", "VM_BAD_POWER_STATE"), err)
        if err[0] == "OTHER_OPERATION_IN_PROGRESS":
            self.assertEqual(err[1:], ["VM", vm, "start", task])
        self.wait_task(s, task)
        self.assertEqual(ok(self.api.task.get_status(s, task)), "success",
                         ok(self.api.task.get_error_info(s, task)))
        self.assertEqual(ok(self.api.VM.get_current_operations(s, vm)), {})
        self.assertIn("hard_shutdown", ok(self.api.VM.get_allowed_operations(s, vm)))

    def test_3_stays_up_across_a_kill_9_and_shuts_down_cleanly(self):
        s = self.login()
        tpl = ok(self.api.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(self.api.VM.clone(s, tpl, "long-lived"))
        ok(self.api.VM.set_is_a_template(s, vm, False))
        ok(self.api.VM.set_PV_args(s, vm, "console=hvc0 quiet atoll.stay"))
        net = [n for n in ok(self.api.network.get_all(s))
               if ok(self.api.network.get_bridge(s, n)) == "xenbr0"][0]
        vif = ok(self.api.VIF.create(s, {
            "device": "0", "network": net, "VM": vm, "MAC": "", "MTU": "1500",
            "other_config": {}, "qos_algorithm_type": "", "qos_algorithm_params": {}}))
        ok(self.api.VM.start(s, vm, False, False))
        self.assertEqual(ok(self.api.VM.get_power_state(s, vm)), "Running")
        self.check_console(s, vm)
        # Its network interface is plugged into the management bridge.
        domid = ok(self.api.VM.get_domid(s, vm))
        self.assertTrue(ok(self.api.VIF.get_currently_attached(s, vif)))
        status, out = self.shell("ls /sys/class/net/xenbr0/brif/")
        self.assertIn("vif%s.0" % domid, out.split(), "vif on xenbr0: %s" % out)
        status, out = self.shell("cat /sys/class/net/vif%s.0/operstate" % domid)
        self.assertEqual(status, 0, out)

        # kill -9 xapi-lite: init respawns it, and the domain runs on regardless.
        status, out = self.shell("kill -9 $(pidof xapi-lite)")
        self.assertEqual(status, 0, out)
        deadline, s2 = time.monotonic() + 60, None
        while s2 is None and time.monotonic() < deadline:
            try:
                s2 = self.login()
            except (OSError, xmlrpc.client.ProtocolError, AssertionError):
                time.sleep(0.5)
        self.assertIsNotNone(s2, "xapi-lite came back")
        self.assertEqual(ok(self.api.VM.get_power_state(s2, vm)), "Running",
                         "still running after the restart")
        status, out = self.shell("xl list | grep -c %s" % ok(self.api.VM.get_uuid(s2, vm)))
        self.assertEqual(out.split()[-1], "1", "the domain itself never stopped")

        ok(self.api.VM.clean_shutdown(s2, vm))
        self.assertEqual(ok(self.api.VM.get_power_state(s2, vm)), "Halted")

    def check_console(self, s, vm):
        """The guest's text console through /console, as Xen Orchestra reaches it: CONNECT
        over TLS with the session, then the console's bytes both ways."""
        con = console_record(self.api, s, vm)
        self.assertEqual(con["protocol"], "vt100")
        # The shell may still be starting: type (again) until it answers.
        seen = self.console_bytes(con, s, b"atoll-42", b"echo atoll-$((6*7))\n")
        self.assertTrue(seen.startswith(b"HTTP/1.1 200 OK\r\n\r\n"), seen[:200])
        self.assertIn(b"atoll-42", seen, "the guest's shell answered: %r" % seen[-500:])

    def console_bytes(self, con, s, want, keys=None):
        self.assertTrue(con["location"].startswith("https://10.0.2.15/console?uuid="))
        return console_bytes(self.api, self.port, con, s, want, keys)

    def test_4b_too_much_memory_is_refused_before_xl(self):
        s = self.login()
        tpl = ok(self.api.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(self.api.VM.clone(s, tpl, "too big"))
        ok(self.api.VM.set_is_a_template(s, vm, False))
        big = str(64 * 1024 ** 3)       # the QEMU machine has 2 GiB
        ok(self.api.VM.set_memory_limits(s, vm, big, big, big, big))
        err = self.api.VM.start(s, vm, False, False)["ErrorDescription"]
        self.assertEqual(err[:2], ["HOST_NOT_ENOUGH_FREE_MEMORY", big])
        self.assertEqual(ok(self.api.VM.get_power_state(s, vm)), "Halted")
        self.assertEqual(ok(self.api.VM.get_domid(s, vm)), "-1", "no domain was made")

    def test_4c_live_vcpus_memory_and_a_running_snapshot(self):
        """What XAPI changes in a running guest, changed in one on Xen: a vCPU plugged in
        (xl vcpu-set; the guest brings it online), the balloon target lowered (xl
        mem-set); a snapshot of it on the live host's RAM SR, which cannot reflink."""
        s = self.login()
        tpl = ok(self.api.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(self.api.VM.clone(s, tpl, "edited live"))
        ok(self.api.VM.set_is_a_template(s, vm, False))
        ok(self.api.VM.set_PV_args(s, vm, "console=hvc0 quiet atoll.stay"))
        ok(self.api.VM.set_VCPUs_max(s, vm, "2"))
        err = self.api.VM.set_VCPUs_number_live(s, vm, "2")["ErrorDescription"]
        self.assertEqual(err, ["VM_BAD_POWER_STATE", vm, "running", "halted"])
        ok(self.api.VM.start(s, vm, False, False))
        guest = GuestShell(self.api, self.port, s, vm)
        try:
            status, out = guest.run("echo 1 > /sys/devices/system/cpu/cpu1/online; "
                                    "grep -c ^processor /proc/cpuinfo")
            self.assertEqual(out.split()[-1:], ["1"], "no second vCPU before: %s" % out)
            ok(self.api.VM.set_VCPUs_number_live(s, vm, "2"))
            metrics = ok(self.api.VM.get_metrics(s, vm))
            self.assertEqual(ok(self.api.VM_metrics.get_VCPUs_number(s, metrics)), "2")
            # Xen makes the vCPU available; the guest onlines it (udev would, in a full
            # system; this guest has none).
            deadline, seen = time.monotonic() + 60, None
            while seen != ["2"] and time.monotonic() < deadline:
                seen = guest.run("echo 1 > /sys/devices/system/cpu/cpu1/online; "
                                 "grep -c ^processor /proc/cpuinfo")[1].split()[-1:]
            self.assertEqual(seen, ["2"], "the guest brought its second vCPU online")

            mib = 1024 ** 2
            ok(self.api.VM.set_memory_dynamic_range(s, vm, str(96 * mib), str(96 * mib)))
            domid = ok(self.api.VM.get_domid(s, vm))
            deadline, mem = time.monotonic() + 60, None
            while mem != 96 and time.monotonic() < deadline:
                mem = int(self.shell("xl list %s | tail -n 1" % domid)[1].split()[-4])
            self.assertEqual(mem, 96, "the balloon reached the new target (MiB)")
        finally:
            guest.close()

        sr = [r for r in ok(self.api.SR.get_all(s))
              if ok(self.api.SR.get_content_type(s, r)) == "user"][0]
        self.assertEqual(ok(self.api.SR.get_sm_config(s, sr)).get("reflink"), "false",
                         "the RAM SR copies instead")
        snap = ok(self.api.VM.snapshot(s, vm, "running snapshot"))
        record = ok(self.api.VM.get_record(s, snap))
        self.assertEqual((record["is_a_snapshot"], record["snapshot_of"],
                          record["power_state"]), (True, vm, "Halted"))
        self.assertEqual(record["snapshot_info"].get("power-state-at-snapshot"), "Running")
        self.assertEqual(ok(self.api.VM.get_power_state(s, vm)), "Running",
                         "the guest runs on after its pause")
        status, out = self.shell("xl list %s | tail -n 1" % domid)
        self.assertNotIn("p", out.split()[-2], "not left paused: %s" % out)
        ok(self.api.VM.clean_shutdown(s, vm))
        ok(self.api.VM.destroy(s, snap))

    def rrd_series(self, s, vm_uuid, since):
        """GET /rrd_updates as Xen Orchestra asks it (json, 5 s rows, the host's too):
        {name: [values, newest first]} of the VM's series, and the raw reply."""
        import json
        status, body = self.https("GET", "/rrd_updates?session_id=%s&start=%d&cf=AVERAGE"
                                  "&interval=5&host=true&json=true" % (s, since))
        self.assertEqual(status, 200, body[:500])
        text = body.decode()
        try:
            doc = json.loads(text)
        except ValueError:      # rrdd's JSON leaves its keys unquoted
            doc = json.loads(re.sub(r'([{,])\s*([A-Za-z_]+)\s*:', r'\1"\2":', text))
        series = {}
        for i, name in enumerate(doc["meta"]["legend"]):
            parts = name.split(":")
            if parts[1:3] == ["vm", vm_uuid]:
                # XAPI writes each value as a string ("NaN" too).
                series[parts[3]] = [float(row["values"][i]) for row in doc["data"]]
        return series, text

    def test_4d_stats_of_a_busy_guest(self):
        """The sampler on Xen: a guest that busy-loops shows cpu0 above 0 in /rrd_updates,
        and traffic into it (dom0 pinging it on its bridge) its vif_0_rx rising."""
        s = self.login()
        tpl = ok(self.api.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(self.api.VM.clone(s, tpl, "busy"))
        ok(self.api.VM.set_is_a_template(s, vm, False))
        ok(self.api.VM.set_PV_args(s, vm, "console=hvc0 quiet atoll.stay"))
        if not ok(self.api.VM.get_VIFs(s, vm)):
            net = ok(self.api.network.get_by_name_label(s, "Pool-wide network associated "
                                                           "with eth0"))
            net = net[0] if net else ok(self.api.network.get_all(s))[0]
            ok(self.api.VIF.create(s, {"VM": vm, "network": net, "device": "0", "MAC": "",
                                       "MTU": "1500", "other_config": {},
                                       "qos_algorithm_type": "",
                                       "qos_algorithm_params": {}}))
        uuid = ok(self.api.VM.get_uuid(s, vm))
        since = int(time.time()) - 10
        ok(self.api.VM.start(s, vm, False, False))
        guest = GuestShell(self.api, self.port, s, vm)
        try:
            guest.type(b"while :; do :; done &\n")
            # Xen's TCG-emulated host is slow: three times the usual minute.
            deadline, series, text = time.monotonic() + 180, {}, ""
            while time.monotonic() < deadline:
                series, text = self.rrd_series(s, uuid, since)
                if any(v and v > 0.05 for v in series.get("cpu0", [])):
                    break
                time.sleep(5)
            self.assertTrue(any(v and v > 0.05 for v in series.get("cpu0", [])),
                            "cpu0 of the busy guest: %s (reply %s)" %
                            (series.get("cpu0"), text[:1500]))
            metrics = ok(self.api.VM.get_metrics(s, vm))
            self.assertIn("0", ok(self.api.VM_metrics.get_VCPUs_utilisation(s, metrics)))

            # The guest's eth0 gets an address on dom0's bridge; dom0 pings it.
            status, out = guest.run("ip link set eth0 up && ip addr add %s/24 dev eth0"
                                    % GUEST_IP)
            self.assertEqual(status, 0, "the guest's eth0: %s" % out)
            self.shell("(ping -c 150 -i 0.2 -s 1000 %s >/dev/null 2>&1 &)" % GUEST_IP)
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                series, text = self.rrd_series(s, uuid, since)
                if any(v and v > 100 for v in series.get("vif_0_rx", [])):
                    break
                time.sleep(5)
            self.assertTrue(any(v and v > 100 for v in series.get("vif_0_rx", [])),
                            "vif_0_rx (B/s) while dom0 pings the guest: %s; "
                            "series %s" % (series.get("vif_0_rx"), sorted(series)))
        finally:
            guest.close()
            ok(self.api.VM.hard_shutdown(s, vm))

    def test_5_xen_orchestra_over_https(self):
        """Xen Orchestra's xen-api client, as xo-server uses it, against the real host."""
        ready = prepare_xo()
        self.assertIs(ready, True, ready)
        env = dict(os.environ, XAPI_PASSWORD=PASSWORD, NODE_ENV="test")
        r = subprocess.run(["node", XO_SCRIPT, "--transport=auto",
                            "https://127.0.0.1:%d" % self.port, "root"],
                           env=env, capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, "--- stdout\n%s--- stderr\n%s" % (r.stdout, r.stderr))
        self.assertIn("PASS xen-api client (transport auto)", r.stdout)

    def test_4_bad_start_reports_the_tools_error(self):
        s = self.login()
        tpl = ok(self.api.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(self.api.VM.clone(s, tpl, "no kernel"))
        ok(self.api.VM.set_is_a_template(s, vm, False))
        ok(self.api.VM.set_PV_kernel(s, vm, "/nonexistent/vmlinuz"))
        err = self.api.VM.start(s, vm, False, False)["ErrorDescription"]
        self.assertEqual(err[0], "INTERNAL_ERROR")
        self.assertIn("xl failed", err[1])
        self.assertEqual(ok(self.api.VM.get_power_state(s, vm)), "Halted",
                         "nothing half-started")
        # As a task: it fails with the same words.
        task = ok(self.api.Async.VM.start(s, vm, False, False))
        self.wait_task(s, task)
        self.assertEqual(ok(self.api.task.get_status(s, task)), "failure")
        info = ok(self.api.task.get_error_info(s, task))
        self.assertEqual(info[0], "INTERNAL_ERROR")
        self.assertIn("/nonexistent/vmlinuz", info[1], "the tool's own error text")
        self.assertEqual(ok(self.api.VM.get_current_operations(s, vm)), {})

    def test_6_hvm_guest_installs_from_an_uploaded_iso(self):
        """An ISO uploaded into the ISO library, an HVM VM from "Other install media" with
        it in the CD drive: it runs, with Debian's qemu-system-xen as its device model."""
        s = self.login()
        with tempfile.TemporaryDirectory() as d:
            os.mkdir(os.path.join(d, "root"))
            with open(os.path.join(d, "root", "README"), "w") as f:
                f.write("Atoll test medium\n")
            iso = os.path.join(d, "test.iso")
            subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-V", "ATOLLTEST", "-o", iso,
                            os.path.join(d, "root")], check=True, capture_output=True)
            with open(iso, "rb") as f:
                data = f.read()
        iso_sr = [r for r in ok(self.api.SR.get_all(s))
                  if ok(self.api.SR.get_content_type(s, r)) == "iso"][0]
        vdi = ok(self.api.VDI.create(s, {
            "name_label": "test.iso", "SR": iso_sr, "virtual_size": str(len(data)),
            "type": "user", "sharable": False, "read_only": True, "other_config": {}}))
        status, body = self.https("PUT", "/import_raw_vdi?session_id=%s&vdi=%s&format=raw"
                                  % (s, vdi), data)
        self.assertEqual(status, 200, body)
        status, back = self.https("GET", "/export_raw_vdi?session_id=%s&vdi=%s" % (s, vdi))
        self.assertEqual((status, back == data), (200, True), "the upload reads back")

        tpl = ok(self.api.VM.get_by_name_label(s, "Other install media"))[0]
        vm = ok(self.api.VM.clone(s, tpl, "hvm install"))
        # As XAPI's clients do: provision while it is still a template, then make it a VM.
        ok(self.api.VM.provision(s, vm))
        ok(self.api.VM.set_is_a_template(s, vm, False))
        mem = str(256 * 1024 ** 2)
        ok(self.api.VM.set_memory_limits(s, vm, mem, mem, mem, mem))
        ok(self.api.VBD.create(s, {
            "VM": vm, "VDI": vdi, "userdevice": "3", "bootable": True, "mode": "RO",
            "type": "CD", "empty": False, "other_config": {}, "qos_algorithm_type": "",
            "qos_algorithm_params": {}}))
        ok(self.api.VM.start(s, vm, False, False))
        self.assertEqual(ok(self.api.VM.get_power_state(s, vm)), "Running")
        domid = ok(self.api.VM.get_domid(s, vm))
        dm = "ps | grep -q '[x]en-qemu-system-i386 -xen-domid %s '" % domid
        status, out = self.shell("xl list %s >/dev/null && %s" % (domid, dm))
        if status != 0:
            out += self.shell("xl list; tail -n 20 /var/log/xen/*; xl dmesg | tail -n 20")[1]
        self.assertEqual(status, 0, "the domain and its device model run: %s" % out)
        # Its console is the device model's VNC server: RFB's greeting comes first.
        con = console_record(self.api, s, vm)
        self.assertEqual(con["protocol"], "rfb")
        seen = self.console_bytes(con, s, b"RFB 003.")
        self.assertRegex(seen, rb"^HTTP/1.1 200 OK\r\n\r\nRFB 003\.00\d\n")
        devices = {ok(self.api.VBD.get_device(s, b)) for b in ok(self.api.VM.get_VBDs(s, vm))}
        self.assertEqual(devices, {"hda", "hdd"}, "IDE names, as XAPI gives HVM guests")

        ok(self.api.VM.hard_shutdown(s, vm))
        self.assertEqual(ok(self.api.VM.get_power_state(s, vm)), "Halted")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status, out = self.shell(dm)
            if status != 0:
                break
            time.sleep(1)
        self.assertNotEqual(status, 0, "the device model is gone: %s" % out)

    # ---- browser consoles: WebSocket over HTTPS (issue 15) ----

    def ws_console(self, con, s):
        """A WebSocket to the console's location over TLS (port 443, stunnel), as Xen
        Orchestra opens it: subprotocol binary, the session in a cookie."""
        location = con["location"]
        raw = socket.create_connection(("127.0.0.1", self.port), 30)
        tls = self.api._ServerProxy__transport.context.wrap_socket(raw)
        c = Ws(tls, "10.0.2.15", location[location.index("/console"):],
               headers={"Cookie": "session_id=%s" % s})
        headers = c.open(self, 120)
        self.assertEqual(headers.get("sec-websocket-protocol"), "binary", headers)
        return c

    def ws_read(self, c, want, keys=None, timeout=CONSOLE_TIMEOUT):
        """Binary frames' payloads until want, typing keys every 15 s if given (the shell
        may still be starting); returns what came."""
        seen, typed, deadline = b"", 0, time.monotonic() + timeout
        while want not in seen and time.monotonic() < deadline:
            if keys and time.monotonic() > typed + 15:
                c.send(2, keys)
                typed = time.monotonic()
            try:
                fin, op, payload = c.frame(1)
            except WsTimeout:
                continue
            self.assertEqual(op, 2, "a binary frame: %r; before it %r" % (payload, seen[-500:]))
            seen += payload
        return seen

    def test_7_websocket_consoles_over_https(self):
        """The PV demo guest's shell and an HVM guest's VNC server through WebSockets."""
        s = self.login()
        tpl = ok(self.api.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(self.api.VM.clone(s, tpl, "websocket console"))
        ok(self.api.VM.set_is_a_template(s, vm, False))
        ok(self.api.VM.set_PV_args(s, vm, "console=hvc0 quiet atoll.stay"))
        ok(self.api.VM.start(s, vm, False, False))
        c = self.ws_console(console_record(self.api, s, vm), s)
        try:
            seen = self.ws_read(c, b"atoll-42", b"echo atoll-$((6*7))\n")
            self.assertIn(b"atoll-42", seen, "the guest's shell answered: %r" % seen[-500:])
            c.send(8, struct.pack(">H", 1000))
            self.assertEqual(c.close_frame(60)[0], 1000, "the close is answered")
        finally:
            c.close()
        ok(self.api.VM.hard_shutdown(s, vm))

        # test_6's HVM guest, started again: RFB's greeting comes first.
        hvm = ok(self.api.VM.get_by_name_label(s, "hvm install"))
        self.assertEqual(len(hvm), 1, "test_6 made the HVM guest")
        ok(self.api.VM.start(s, hvm[0], False, False))
        c = self.ws_console(console_record(self.api, s, hvm[0]), s)
        try:
            seen = self.ws_read(c, b"\n")
            self.assertRegex(seen, rb"^RFB 003\.00\d\n", "the VNC server's greeting")
        finally:
            c.close()
        ok(self.api.VM.hard_shutdown(s, hvm[0]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
