"""Console tests: atoll-console in tmux, on an 80x25 terminal as on a screen or a serial line,
against xapi-lite --backend sim on its Unix socket. The test presses keys as an operator
would and reads the screen as tmux renders it; what the console changes, the XenAPI then
reports (checked through xapi-lite's HTTP port, as any client sees it)."""
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest
import xmlrpc.client

from qemu_vm import Screen, Timeout
from xapi_server import PASSWORD, Server

CONSOLE = os.environ.get("ATOLL_CONSOLE", "out/bin/atoll-console")
LOGS = os.environ.get("ATOLL_LOGS", "out/test-logs")
SCREEN_TIMEOUT = 20     # a screen shows in well under a second; sanitizers slow it


def ok(r):
    assert r["Status"] == "Success", r
    return r["Value"]


def wait_for(what, check, timeout=SCREEN_TIMEOUT):
    """Polls check() until it returns something true; fails with what it last returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("%s: still %r after %ds" % (what, value, timeout))
        time.sleep(0.2)


class Console(unittest.TestCase):
    root_hash = None        # a test may start with root's password locked ("!")

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="atoll-console-test-")
        self.cert = os.path.join(self.dir, "host.pem")
        self.make_cert(self.cert)
        self.server = Server(workdir=self.dir, unix=True, root_hash=self.root_hash)
        self.sock = self.server.sock
        self.p = xmlrpc.client.ServerProxy(self.server.url, allow_none=True)
        self.screen = None
        if self.root_hash is None:          # root has a password the test can log in with
            self.s = ok(self.p.session.login_with_password("root", PASSWORD, "1.0", "test"))
            self.host = ok(self.p.host.get_all(self.s))[0]

    def tearDown(self):
        if self.screen is not None:
            self.screen.close()
        status = self.server.stop()
        log = self.server.log_text()
        shutil.rmtree(self.dir, ignore_errors=True)
        self.assertEqual(status, 0, "xapi-lite exits cleanly:\n" + log)

    def make_cert(self, pem):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                        "/CN=console-test", "-keyout", pem + ".key", "-out", pem],
                       check=True, capture_output=True)

    def fingerprint(self):
        """The certificate's, as the status screen's first line of it shows."""
        fp = subprocess.run(["openssl", "x509", "-in", self.cert, "-noout", "-fingerprint",
                             "-sha256"], check=True, capture_output=True, text=True)
        return fp.stdout.strip().split("=")[1][:47]

    def start_console(self, extra=()):
        args = [CONSOLE, "--socket", self.sock, "--shadow", self.server.shadow,
                "--cert", self.cert, "--ssh-dir", self.dir, "--state", self.dir,
                "--host-config", "/bin/false"] + list(extra)
        self.screen = Screen("console-" + self._testMethodName, args, LOGS)
        return self.screen

    def new_vm(self, name, running=False):
        """A VM from the demo guest's template, halted or started."""
        tpl = ok(self.p.VM.get_by_name_label(self.s, "Atoll demo guest"))[0]
        vm = ok(self.p.VM.clone(self.s, tpl, name))
        ok(self.p.VM.set_is_a_template(self.s, vm, False))
        if running:
            ok(self.p.VM.start(self.s, vm, False, False))
        return vm

    def wait(self, pattern, what=None):
        return self.screen.wait(pattern, SCREEN_TIMEOUT, what)

    def home(self):
        return self.wait(r"Status", "the status screen")

    def choose(self, key, pattern, what):
        """Picks a menu item by its key and waits for the screen it opens."""
        self.screen.keys(key, "Enter")
        return self.wait(pattern, what)

    def log_in(self, password=PASSWORD):
        self.wait(r"Log in with root's password", "the password prompt")
        self.screen.type(password)
        self.screen.keys("Enter")

    def input(self, text):
        """Replaces an input field's text and presses Enter."""
        self.screen.keys("C-u")
        self.screen.type(text)
        self.screen.keys("Enter")


class Status(Console):
    def test_shows_the_host_and_its_management_address(self):
        self.start_console()
        screen = self.home()
        name = ok(self.p.host.get_hostname(self.s, self.host))
        self.assertIn("host name: " + name, screen)
        pif = ok(self.p.PIF.get_all(self.s))[0]
        self.assertIn("IP %s" % ok(self.p.PIF.get_IP(self.s, pif)), screen)
        self.assertRegex(screen, r"4 CPUs, 16384 MiB memory; 0 of 0 VMs running")
        self.assertIn(self.fingerprint(), screen)

    def test_a_replaced_certificate_shows_on_the_next_refresh(self):
        """The console keeps a fingerprint until its file changes, then makes it again."""
        self.start_console()
        old = self.fingerprint()
        self.wait(re.escape(old), "the certificate's fingerprint")
        self.make_cert(self.cert + ".new")
        os.replace(self.cert + ".new", self.cert)
        new = self.fingerprint()
        self.assertNotEqual(old, new)
        self.screen.keys("F5")
        self.wait(re.escape(new), "the new certificate's fingerprint after F5")

    def test_refreshes_by_itself_and_with_f5(self):
        self.start_console()
        self.home()
        vm = self.new_vm("refreshed")
        self.wait(r"0 of 1 VMs running", "the new VM counted within the refresh time")
        ok(self.p.VM.start(self.s, vm, False, False))
        self.screen.keys("F5")
        self.wait(r"1 of 1 VMs running", "the running VM counted after F5")


class StatusCommand(Console):
    def test_prints_the_status(self):
        out = subprocess.run([CONSOLE, "--status", "--socket", self.sock, "--cert", self.cert,
                              "--ssh-dir", self.dir], capture_output=True, text=True,
                             timeout=SCREEN_TIMEOUT)
        self.assertEqual(out.returncode, 0, out.stderr)
        name = ok(self.p.host.get_hostname(self.s, self.host))
        self.assertIn("host name: " + name, out.stdout)
        self.assertIn("IP 10.0.2.15", out.stdout)

    def test_says_when_xapi_lite_is_not_answering(self):
        out = subprocess.run([CONSOLE, "--status", "--socket", self.sock + ".absent"],
                             capture_output=True, text=True, timeout=SCREEN_TIMEOUT)
        self.assertEqual(out.returncode, 1)
        self.assertIn("is not answering", out.stdout)


class Unreachable(Console):
    def test_says_so_and_retries_until_xapi_lite_answers(self):
        self.server.stop()
        self.assertFalse(os.path.exists(self.sock), "xapi-lite removes its socket")
        self.start_console()
        self.wait(r"xapi-lite\) is not answering", "the not-answering screen")
        self.server = Server(workdir=self.dir, unix=True)
        self.wait(r"host name: ", "the status once xapi-lite is back")


class VirtualMachines(Console):
    def test_start_a_halted_vm(self):
        vm = self.new_vm("web")
        self.start_console()
        self.home()
        self.choose("V", r"web +Halted +128 MiB", "the VM list")
        self.choose("1", r"web is Halted", "the VM's actions")
        self.screen.keys("Enter")                         # Start
        self.log_in()
        self.wait(r"web +Running", "the VM running in the list")
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Running")

    def test_force_shutdown_asks_first(self):
        vm = self.new_vm("db", running=True)
        self.start_console()
        self.home()
        self.choose("V", r"db +Running", "the VM list")
        screen = self.choose("1", r"db is Running", "the VM's actions")
        self.assertIn("Force shutdown", screen)
        self.choose("F", r"Force shutdown db\?", "the confirmation")
        self.screen.keys("Enter")                         # the default: Cancel
        self.wait(r"db +Running", "back in the list")
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Running")
        self.choose("1", r"db is Running", "the VM's actions")
        self.choose("F", r"Force shutdown db\?", "the confirmation")
        self.screen.keys("Left", "Enter")                 # Force shutdown
        self.log_in()
        self.wait(r"db +Halted", "the VM halted in the list")
        self.assertEqual(ok(self.p.VM.get_power_state(self.s, vm)), "Halted")


class Network(Console):
    def test_hostname_bad_then_good(self):
        self.start_console()
        self.home()
        self.choose("N", r"Configure the management interface", "the network menu")
        self.screen.keys("h", "Enter")
        self.log_in()
        self.wait(r"The host's name", "the host name box")
        self.input("bad_name!")
        self.wait(r"not a valid host name", "the refusal")
        self.assertNotEqual(ok(self.p.host.get_hostname(self.s, self.host)), "bad_name!")
        self.screen.keys("Enter")
        self.wait(r"The host's name", "the host name box again")
        self.input("rack1-node2")
        self.wait(r"The host is now called rack1-node2", "the confirmation")
        self.assertEqual(ok(self.p.host.get_hostname(self.s, self.host)), "rack1-node2")
        self.screen.keys("Enter")
        self.wait(r"Configure the management interface", "the network menu")
        self.screen.keys("Escape")
        self.wait(r"host name: rack1-node2", "the new name on the status screen")

    def test_static_address_bad_then_good(self):
        pif = ok(self.p.PIF.get_all(self.s))[0]
        self.start_console()
        self.home()
        self.choose("N", r"Configure the management interface", "the network menu")
        self.screen.keys("i", "Enter")
        self.log_in()
        # Keys typed while the password is checked would be lost: wait for the menu.
        self.wait(r"How the management interface gets its address", "the DHCP or static menu")
        self.choose("S", r"IP address", "the static address form")
        for value in ("10.0.2.300", "255.255.255.0", "10.0.2.2", "10.0.2.3"):
            self.screen.keys("C-u")
            self.screen.type(value)
            self.screen.keys("Down")
        self.screen.keys("Enter")
        self.wait(r"not a valid IPv4 address", "the refusal of 10.0.2.300")
        self.assertNotEqual(ok(self.p.PIF.get_IP(self.s, pif)), "10.0.2.300")
        self.screen.keys("Enter")
        screen = self.wait(r"IP address", "the form again")
        self.assertIn("10.0.2.300", screen)               # what was typed is kept
        self.input("10.0.2.50")
        self.wait(r"is now 10\.0\.2\.50, netmask 255\.255\.255\.0", "the confirmation")
        self.assertEqual(ok(self.p.PIF.get_IP(self.s, pif)), "10.0.2.50")
        self.assertEqual(ok(self.p.PIF.get_ip_configuration_mode(self.s, pif)), "Static")
        self.assertEqual(ok(self.p.PIF.get_DNS(self.s, pif)), "10.0.2.3")
        self.screen.keys("Enter")
        self.wait(r"Configure the management interface", "the network menu")
        self.screen.keys("Escape")
        self.wait(r"IP 10\.0\.2\.50 ", "the new address on the status screen")


class Settings(Console):
    def test_ntp_servers_bad_then_good(self):
        self.start_console()
        self.home()
        self.choose("N", r"Configure the management interface", "the network menu")
        self.screen.keys("n", "Enter")
        self.log_in()
        self.wait(r"NTP servers \(names or addresses", "the NTP box")
        self.input("10.0.2.2 bad_server!")
        self.wait(r"That NTP setting is not accepted", "the refusal")
        self.assertEqual(ok(self.p.host.get_ntp_custom_servers(self.s, self.host)), [])
        self.screen.keys("Enter")
        self.wait(r"NTP servers \(names or addresses", "the NTP box again")
        self.input("10.0.2.2 ntp.example.org")
        self.wait(r"The host sets its clock from: 10\.0\.2\.2 ntp\.example\.org", "the change")
        self.assertEqual(ok(self.p.host.get_ntp_custom_servers(self.s, self.host)),
                         ["10.0.2.2", "ntp.example.org"])
        self.assertEqual(ok(self.p.host.get_ntp_mode(self.s, self.host)), "Custom")

    def test_time_zone_bad_then_good(self):
        self.start_console()
        self.home()
        self.choose("K", r"Time zone", "the keyboard and time zone menu")
        self.screen.keys("t", "Enter")
        self.log_in()
        self.wait(r"as Region/City", "the time zone box")
        self.input("Mars/Olympus_Mons")
        self.wait(r"not a value this setting takes", "the refusal")
        self.assertEqual(ok(self.p.host.get_timezone(self.s, self.host)), "UTC")
        self.screen.keys("Enter")
        self.wait(r"as Region/City", "the time zone box again")
        self.input("Europe/Paris")
        self.wait(r"time zone is now Europe/Paris", "the change")
        self.assertEqual(ok(self.p.host.get_timezone(self.s, self.host)), "Europe/Paris")


class Host(Console):
    def test_reboot_warns_of_running_vms_and_asks_twice(self):
        vm = self.new_vm("busy", running=True)
        self.start_console()
        self.home()
        self.choose("P", r"Reboot the host", "the power menu")
        self.screen.keys("r", "Enter")
        self.log_in()
        self.wait(r"1 VM is running on it", "the warning")
        self.screen.keys("Left", "Enter")
        self.wait(r"Really reboot the host now\?", "the second question")
        self.assertTrue(ok(self.p.host.get_enabled(self.s, self.host)), "nothing done yet")
        self.screen.keys("Left", "Enter")
        self.wait(r"The host is rebooting", "the reboot under way")
        # The simulator records it: the host is disabled for the reboot, as XAPI does.
        self.assertFalse(ok(self.p.host.get_enabled(self.s, self.host)))

    def test_storage_and_hardware(self):
        self.start_console()
        self.home()
        screen = self.choose("S", r"Storage repository", "the storage screen")
        for sr in ok(self.p.SR.get_all_records(self.s)).values():
            size = int(sr["physical_size"]) / 1024 ** 3
            used = int(sr["physical_utilisation"]) / 1024 ** 3
            self.assertRegex(screen, r"%s +%s +%.1f GiB +%.1f GiB +\d+%%" % (
                sr["name_label"], sr["type"], size, used))
        self.screen.keys("Enter")
        self.home()
        screen = self.choose("H", r"Processors:", "the hardware screen")
        self.assertIn("Processors: 4 x Simulated CPU", screen)
        self.assertIn("Memory: 16.0 GiB", screen)
        self.assertRegex(screen, r"eth0 +52:54:00:12:34:56 +\(management\)")


UPGRADE = """#!/bin/sh
# A stand-in for atoll-upgrade's output (the system tests run the real one): its steps,
# each after a pause the gauge shows, then success, or its refusal for a URL holding "bad".
echo "$@" >> "$(dirname "$0")/calls"
echo "atoll-upgrade: [1/4] reading the image and checking it"
sleep 1
case $1 in
*bad*) echo "atoll-upgrade: UPGRADE FAILED: vmlinuz: not the one SHA256SUMS lists"; exit 3 ;;
esac
echo "atoll-upgrade: [2/4] writing the image"
sleep 1
echo "atoll-upgrade: [3/4] arranging the trial boot"
echo "atoll-upgrade: [4/4] done"
"""


class UpgradeFromUrl(Console):
    def start(self):
        prog = os.path.join(self.dir, "atoll-upgrade")
        with open(prog, "w") as f:
            f.write(UPGRADE)
        os.chmod(prog, 0o755)
        self.start_console(["--upgrade", prog])
        self.home()
        self.choose("U", r"Log in with root's password", "the login it needs")
        self.screen.type(PASSWORD)
        self.screen.keys("Enter")
        self.wait(r"The Atoll image to upgrade to", "the URL prompt")

    def calls(self):
        with open(os.path.join(self.dir, "calls")) as f:
            return f.read()

    def test_a_refused_image_changes_nothing_and_says_why(self):
        self.start()
        self.input("http://10.0.2.100/bad/")
        self.wait(r"writing|reading the image", "the gauge with the program's step")
        self.wait(r"Nothing was changed: vmlinuz: not the one SHA256SUMS lists", "the refusal")
        self.assertEqual(self.calls(), "http://10.0.2.100/bad/\n")
        self.assertTrue(ok(self.p.host.get_enabled(self.s, self.host)))

    def test_a_written_image_reboots_into_its_trial_when_asked(self):
        self.start()
        self.input("http://10.0.2.100/v2/")
        self.wait(r"writing the image", "the gauge following the steps")
        self.wait(r"Reboot into it now\?", "the question after the image is written")
        self.assertTrue(ok(self.p.host.get_enabled(self.s, self.host)), "no reboot yet")
        self.screen.keys("Left", "Enter")
        self.wait(r"The host is rebooting into the new image", "the reboot under way")
        self.assertFalse(ok(self.p.host.get_enabled(self.s, self.host)))
        self.assertEqual(self.calls(), "http://10.0.2.100/v2/\n")


class Authentication(Console):
    def test_wrong_password_is_refused(self):
        self.start_console()
        self.home()
        self.choose("A", r"You are not logged in", "the authentication menu")
        self.choose("l", r"Log in with root's password", "the login")
        self.screen.type("not-the-password")
        self.screen.keys("Enter")
        self.wait(r"The password is not right", "the refusal")
        self.screen.keys("Enter")
        self.wait(r"You are not logged in", "still logged out")
        self.choose("l", r"Log in with root's password", "the login")
        self.log_in()
        self.wait(r"You are logged in as root", "logged in")

    def log_in_from_the_menu(self):
        self.start_console()
        self.home()
        self.choose("A", r"You are not logged in", "the authentication menu")
        self.choose("l", r"Log in with root's password", "the login")
        self.screen.type(PASSWORD)
        self.screen.keys("Enter")
        self.wait(r"You are logged in as root", "logged in")

    def test_auto_logout_returns_to_the_status_screen(self):
        # Long enough to see the logged-in status screen first, even on a busy machine.
        ok(self.p.host.set_console_idle_timeout(self.s, self.host, 8))
        self.log_in_from_the_menu()
        self.screen.keys("Escape")
        self.wait(r"Status \(logged in as root\)", "the status screen, logged in")
        self.wait(r"Status \(logged out: idle\)", "the status screen after the idle time")

    def test_auto_logout_from_a_menu(self):
        ok(self.p.host.set_console_idle_timeout(self.s, self.host, 3))
        self.log_in_from_the_menu()
        self.wait(r"Status \(logged out: idle\)", "back on the status screen, logged out")


class FirstBoot(Console):
    root_hash = "!"

    def test_asks_for_a_password_twice_before_anything_else(self):
        self.start_console()
        self.wait(r"root has no password yet", "the first-boot message")
        self.screen.keys("Enter")
        self.wait(r"The new password for root", "the first password box")
        self.screen.type("first-boot-pw")
        self.screen.keys("Enter")
        self.wait(r"The same password again", "the second password box")
        self.screen.type("first-boot-typo")
        self.screen.keys("Enter")
        self.wait(r"The two passwords differ", "the mismatch")
        self.screen.keys("Enter")
        self.wait(r"The new password for root", "the first password box again")
        self.screen.type("first-boot-pw")
        self.screen.keys("Enter")
        self.wait(r"The same password again", "the second password box")
        self.screen.type("first-boot-pw")
        self.screen.keys("Enter")
        self.wait(r"root's password is set", "the confirmation")
        self.screen.keys("Enter")
        self.home()
        p = xmlrpc.client.ServerProxy(self.server.url)
        r = p.session.login_with_password("root", "first-boot-pw", "1.0", "test")
        self.assertEqual(r["Status"], "Success", r)


if __name__ == "__main__":
    unittest.main()
