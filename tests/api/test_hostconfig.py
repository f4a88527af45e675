"""API tests of the host settings a console changes through xapi-lite's Unix socket:
pre-authenticated login, session.change_password, host.set_hostname_live, PIF.reconfigure_ip,
NTP, time zone, SSH, console idle timeout, enable/disable, reboot and shutdown. A
--host-config program written here logs the verbs it gets and fails when told to; every
refused value leaves the record as it was.
"""
import json
import os
import shutil
import stat
import subprocess
import tempfile
import time
import unittest
import xmlrpc.client

from xapi_server import PASSWORD, Server, UnixTransport, crypt, err, ok

HOSTCFG = """#!/bin/sh
# Logs its arguments, one a line after a "--" line, and its stdin after a "stdin:" line.
dir=$(dirname "$0")
{ echo --; for a in "$@"; do echo "$a"; done; echo stdin:; [ "$1" = password ] && cat; } \
    >> "$dir/calls"
# A file "fail" makes it fail: empty, with a line on stderr; "silent", with none;
# "garbage", with bytes no client could show.
if [ -e "$dir/fail" ]; then
    case $(cat "$dir/fail") in
    silent) exit 4 ;;
    garbage) printf 'bad \033[1m\377 end\n' >&2; exit 5 ;;
    esac
    echo "host-config: $1: told to fail" >&2
    echo "second line" >&2
    exit 3
fi
exit 0
"""


def setUpModule():
    global SERVER, CFG, ZONES
    CFG = tempfile.mkdtemp(prefix="host-config-")
    prog = os.path.join(CFG, "host-config")
    with open(prog, "w") as f:
        f.write(HOSTCFG)
    os.chmod(prog, 0o755)
    ZONES = tempfile.mkdtemp(prefix="zoneinfo-")
    os.makedirs(os.path.join(ZONES, "Europe"))
    for zone in ("UTC", "Europe/Paris"):
        with open(os.path.join(ZONES, zone), "wb") as f:
            f.write(b"TZif2" + bytes(40))
    with open(os.path.join(ZONES, "notzif"), "wb") as f:
        f.write(b"just text\n")
    os.symlink("/etc/passwd", os.path.join(ZONES, "passwd"))
    SERVER = Server(unix=True, extra=["--host-config", prog, "--zoneinfo", ZONES])


def tearDownModule():
    status = SERVER.stop()
    log = SERVER.log_text()
    SERVER.remove()
    shutil.rmtree(CFG, ignore_errors=True)
    shutil.rmtree(ZONES, ignore_errors=True)
    assert status == 0, "xapi-lite exits cleanly on SIGTERM (status %s):\n%s" % (status, log)
    for secret in (PASSWORD, "n3w-Secret!", "first-boot-pw"):
        assert secret not in log, "a password reached the log"


def tcp(server=None):
    return xmlrpc.client.ServerProxy((server or SERVER).url, allow_none=True)


def unix(server=None):
    return xmlrpc.client.ServerProxy("http://localhost/",
                                     transport=UnixTransport((server or SERVER).sock),
                                     allow_none=True)


def login(p=None, password=PASSWORD):
    p = p or tcp()
    return p, ok(p.session.login_with_password("root", password, "1.0", "hostconfig-test"))


def calls():
    """The verbs the program got since the last call, as lists of arguments (and stdin)."""
    path = os.path.join(CFG, "calls")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        text = f.read()
    os.unlink(path)
    out = []
    for chunk in text.split("--\n")[1:]:
        args, _, stdin = chunk.partition("stdin:\n")
        out.append(args.splitlines() + ([stdin] if stdin else []))
    return out


def wait_task(p, s, task):
    """The task's status once it is no longer pending."""
    for _ in range(100):
        if ok(p.task.get_status(s, task)) != "pending":
            break
        time.sleep(0.05)
    return ok(p.task.get_status(s, task))


class Failing:
    """Within it the program exits 3 with a line on stderr (or how = "silent", "garbage")."""

    def __init__(self, how=""):
        self.how = how

    def __enter__(self):
        with open(os.path.join(CFG, "fail"), "w") as f:
            f.write(self.how)

    def __exit__(self, *exc):
        os.unlink(os.path.join(CFG, "fail"))


class Base(unittest.TestCase):
    def setUp(self):
        self.p, self.s = login()
        self.host = ok(self.p.host.get_all(self.s))[0]
        calls()

    def tearDown(self):
        ok(self.p.session.logout(self.s))

    def record(self):
        return ok(self.p.host.get_record(self.s, self.host))

    def refused(self, call, args, want):
        """call(session, *args) fails with want; the host record is as it was and the
        program never ran."""
        before = self.record()
        self.assertEqual(err(call(self.s, *args)), want)
        self.assertEqual(self.record(), before)
        self.assertEqual(calls(), [])

    def failed_apply(self, call, args):
        """The program fails: INTERNAL_ERROR with its first line; nothing recorded."""
        before = self.record()
        with Failing():
            e = err(call(self.s, *args))
        self.assertEqual(e[0], "INTERNAL_ERROR")
        self.assertRegex(e[1], r"^host-config: \w+: told to fail$")
        self.assertEqual(self.record(), before)
        self.assertEqual(len(calls()), 1)


class Preauth(unittest.TestCase):
    def test_unix_empty_password(self):
        p = unix()
        s = ok(p.session.login_with_password("root", "", "1.0", "console"))
        self.assertTrue(ok(p.session.get_is_local_superuser(s, s)))
        self.assertEqual(ok(p.session.get_auth_user_name(s, s)), "root")
        ok(p.session.logout(s))

    def test_unix_checks_a_password_given(self):
        p = unix()
        self.assertEqual(err(p.session.login_with_password("root", "wrong")),
                         ["SESSION_AUTHENTICATION_FAILED", "root", "Authentication failure"])
        s = ok(p.session.login_with_password("root", PASSWORD))
        ok(p.session.logout(s))

    def test_unix_other_user_refused(self):
        self.assertEqual(err(unix().session.login_with_password("operator", ""))[:2],
                         ["SESSION_AUTHENTICATION_FAILED", "operator"])

    def test_tcp_unchanged(self):
        self.assertEqual(err(tcp().session.login_with_password("root", ""))[:2],
                         ["SESSION_AUTHENTICATION_FAILED", "root"])


class Hostname(Base):
    def test_set(self):
        dom0 = ok(self.p.host.get_control_domain(self.s, self.host))
        label = self.record()["name_label"]
        ok(self.p.host.set_hostname_live(self.s, self.host, "atoll-2.example.org"))
        self.assertEqual(calls(), [["hostname", "atoll-2.example.org"]])
        self.assertEqual(self.record()["hostname"], "atoll-2.example.org")
        # As XAPI: the host's name_label stays; the control domain's default name follows.
        self.assertEqual(self.record()["name_label"], label)
        self.assertEqual(ok(self.p.VM.get_name_label(self.s, dom0)),
                         "Control domain on host: atoll-2.example.org")

    def test_refused(self):
        for name, why in [("", "hostname empty"), ("a" * 256, "hostname is too long"),
                          (".".join(["a" * 63] * 4)[:254], "hostname is too long"),
                          ("a" * 64, "hostname label is too long"),
                          ("a..b", "hostname contains an empty label"),
                          ("a.", "hostname contains an empty label"),
                          ("a.-b", "hostname contains invalid characters"),
                          ("-a", "hostname contains invalid characters"),
                          ("a-", "hostname contains invalid characters"),
                          ("-atoll", "hostname contains invalid characters"),
                          ("atoll-", "hostname contains invalid characters"),
                          ("at oll", "hostname contains invalid characters"),
                          ("a;reboot", "hostname contains invalid characters"),
                          ("h\u00e9", "hostname contains invalid characters")]:
            self.refused(self.p.host.set_hostname_live, [self.host, name],
                         ["HOST_NAME_INVALID", why])
        self.refused(self.p.host.set_hostname_live, [self.host, 5],
                     ["FIELD_TYPE_ERROR", "hostname"])
        self.refused(self.p.host.set_hostname_live, ["OpaqueRef:nope", "x"],
                     ["HANDLE_INVALID", "host", "OpaqueRef:nope"])

    def test_failed_apply(self):
        self.failed_apply(self.p.host.set_hostname_live, [self.host, "other"])


class Network(Base):
    def setUp(self):
        super().setUp()
        self.pif = ok(self.p.PIF.get_all(self.s))[0]

    def pif_record(self):
        return ok(self.p.PIF.get_record(self.s, self.pif))

    def test_static_then_dhcp(self):
        ok(self.p.PIF.reconfigure_ip(self.s, self.pif, "Static", "192.168.7.20",
                                     "255.255.255.0", "192.168.7.1", "192.168.7.2,1.1.1.1"))
        self.assertEqual(calls(), [["network", "static", "192.168.7.20", "255.255.255.0",
                                    "192.168.7.1", "192.168.7.2,1.1.1.1"]])
        r = self.pif_record()
        self.assertEqual((r["ip_configuration_mode"], r["IP"], r["netmask"], r["gateway"],
                          r["DNS"]), ("Static", "192.168.7.20", "255.255.255.0",
                                      "192.168.7.1", "192.168.7.2,1.1.1.1"))
        self.assertEqual(self.record()["address"], "192.168.7.20")
        # No gateway and no DNS: empty arguments.
        ok(self.p.PIF.reconfigure_ip(self.s, self.pif, "Static", "192.168.7.21",
                                     "255.255.0.0", "", ""))
        self.assertEqual(calls(), [["network", "static", "192.168.7.21", "255.255.0.0",
                                    "", ""]])
        ok(self.p.PIF.reconfigure_ip(self.s, self.pif, "DHCP", "", "", "", ""))
        self.assertEqual(calls(), [["network", "dhcp"]])
        r = self.pif_record()
        self.assertEqual((r["ip_configuration_mode"], r["IP"]), ("DHCP", ""))
        # The address comes with the lease: host.address keeps the last one until then.
        self.assertEqual(self.record()["address"], "192.168.7.21")

    def refused_pif(self, args, want):
        before = self.pif_record()
        self.refused(self.p.PIF.reconfigure_ip, [self.pif] + args, want)
        self.assertEqual(self.pif_record(), before)

    def test_refused(self):
        mask = "255.255.255.0"
        self.refused_pif(["Static", "", mask, "", ""], ["INVALID_IP_ADDRESS_SPECIFIED", "IP"])
        self.refused_pif(["Static", "10.0.0.300", mask, "", ""],
                         ["INVALID_IP_ADDRESS_SPECIFIED", "IP"])
        self.refused_pif(["Static", "10.0.0.3", "", "", ""],
                         ["INVALID_IP_ADDRESS_SPECIFIED", "netmask"])
        self.refused_pif(["Static", "10.0.0.3", "255.255.255", "", ""],
                         ["INVALID_IP_ADDRESS_SPECIFIED", "netmask"])
        for bad in ("255.0.255.0", "255.255.255.1", "0.0.0.0"):
            self.refused_pif(["Static", "10.0.0.3", bad, "", ""],
                             ["INVALID_IP_ADDRESS_SPECIFIED", "netmask"])
        self.refused_pif(["DHCP", "", "255.0.255.0", "", ""],
                         ["INVALID_IP_ADDRESS_SPECIFIED", "netmask"])
        self.refused_pif(["Static", "10.0.0.3", mask, "gw", ""],
                         ["INVALID_IP_ADDRESS_SPECIFIED", "gateway"])
        self.refused_pif(["DHCP", "x", "", "", ""], ["INVALID_IP_ADDRESS_SPECIFIED", "IP"])
        for dns in ("8.8.8.8,", "8.8.8.8,,1.1.1.1", "dns.example", "8.8.8.8 1.1.1.1",
                    "::1"):
            self.refused_pif(["Static", "10.0.0.3", mask, "", dns],
                             ["INVALID_IP_ADDRESS_SPECIFIED", "DNS"])
        self.refused_pif(["static", "10.0.0.3", mask, "", ""],
                         ["INVALID_VALUE", "mode", "static"])
        self.refused_pif(["None", "", "", "", ""],
                         ["PIF_IS_MANAGEMENT_INTERFACE", self.pif])
        self.refused_pif(["Static", 1, mask, "", ""], ["FIELD_TYPE_ERROR", "IP"])
        self.assertEqual(err(self.p.PIF.reconfigure_ip(self.s, self.pif, "DHCP")),
                         ["MESSAGE_PARAMETER_COUNT_MISMATCH", "PIF.reconfigure_ip", "6", "2"])

    def test_failed_apply(self):
        before = self.pif_record()
        self.failed_apply(self.p.PIF.reconfigure_ip,
                          [self.pif, "Static", "10.9.9.9", "255.0.0.0", "", ""])
        self.assertEqual(self.pif_record(), before)


class Ntp(Base):
    def test_defaults_and_modes(self):
        r = self.record()
        for field in ("ntp_mode", "ntp_custom_servers", "timezone", "ssh_enabled",
                      "console_idle_timeout"):
            self.assertIn(field, r)
        ok(self.p.host.set_ntp_mode(self.s, self.host, "Disabled"))
        self.assertEqual(calls(), [["ntp", "disabled"]])
        ok(self.p.host.set_ntp_mode(self.s, self.host, "Disabled"))
        self.assertEqual(calls(), [], "an unchanged mode runs nothing, as in XAPI")
        ok(self.p.host.set_ntp_mode(self.s, self.host, "DHCP"))
        self.assertEqual(calls(), [["ntp", "dhcp"]])
        self.assertEqual(self.record()["ntp_mode"], "DHCP")
        # Servers outside Custom mode are only recorded.
        ok(self.p.host.set_ntp_custom_servers(self.s, self.host,
                                              ["0.pool.ntp.org", "10.0.0.1"]))
        self.assertEqual(calls(), [])
        self.assertEqual(self.record()["ntp_custom_servers"], ["0.pool.ntp.org", "10.0.0.1"])
        ok(self.p.host.set_ntp_mode(self.s, self.host, "Custom"))
        self.assertEqual(calls(), [["ntp", "custom", "0.pool.ntp.org", "10.0.0.1"]])
        ok(self.p.host.set_ntp_custom_servers(self.s, self.host, ["ntp.example.org"]))
        self.assertEqual(calls(), [["ntp", "custom", "ntp.example.org"]])
        self.assertEqual(self.record()["ntp_custom_servers"], ["ntp.example.org"])
        self.refused(self.p.host.set_ntp_custom_servers, [self.host, []],
                     ["INVALID_NTP_CONFIG",
                      "Can't set ntp_custom_servers empty when ntp_mode is Custom"])
        self.failed_apply(self.p.host.set_ntp_custom_servers, [self.host, ["a.example"]])
        ok(self.p.host.set_ntp_mode(self.s, self.host, "Factory"))
        self.assertEqual(calls(), [["ntp", "factory"]])
        self.failed_apply(self.p.host.set_ntp_mode, [self.host, "Disabled"])
        # Custom needs servers.
        ok(self.p.host.set_ntp_custom_servers(self.s, self.host, []))
        self.refused(self.p.host.set_ntp_mode, [self.host, "Custom"],
                     ["INVALID_NTP_CONFIG",
                      "Can't set ntp_mode to Custom when ntp_custom_servers is empty"])

    def test_refused(self):
        self.refused(self.p.host.set_ntp_mode, [self.host, "custom"],
                     ["INVALID_VALUE", "value", "custom"])
        self.refused(self.p.host.set_ntp_mode, [self.host, ""], ["INVALID_VALUE", "value", ""])
        for bad in ("pool ntp", "-x", "1.2.3.999", "a..b", "x\n", ""):
            self.assertEqual(err(self.p.host.set_ntp_custom_servers(
                self.s, self.host, ["ok.example", bad]))[0], "INVALID_NTP_CONFIG")
        self.assertEqual(calls(), [])
        self.refused(self.p.host.set_ntp_custom_servers, [self.host, "pool.ntp.org"],
                     ["FIELD_TYPE_ERROR", "value"])
        self.refused(self.p.host.set_ntp_custom_servers, [self.host, [1]],
                     ["FIELD_TYPE_ERROR", "value"])
        self.assertEqual(err(self.p.host.set_ntp_custom_servers(
            self.s, self.host, ["s%d.example" % i for i in range(17)]))[0],
            "INVALID_NTP_CONFIG")


class Settings(Base):
    def test_timezone(self):
        self.assertEqual(self.record()["timezone"], "UTC")
        ok(self.p.host.set_timezone(self.s, self.host, "Europe/Paris"))
        self.assertEqual(calls(), [["timezone", "Europe/Paris"]])
        self.assertEqual(self.record()["timezone"], "Europe/Paris")
        for bad in ("Mars/Olympus", "Europe", "notzif", "passwd", "../zoneinfo/UTC",
                    "/etc/passwd", "Europe/../UTC", ""):
            self.refused(self.p.host.set_timezone, [self.host, bad],
                         ["INVALID_VALUE", "timezone", bad])
        self.failed_apply(self.p.host.set_timezone, [self.host, "UTC"])
        ok(self.p.host.set_timezone(self.s, self.host, "UTC"))

    def test_ssh(self):
        ok(self.p.host.disable_ssh(self.s, self.host))
        self.assertEqual(calls(), [["ssh", "off"]])
        self.assertFalse(self.record()["ssh_enabled"])
        self.failed_apply(self.p.host.enable_ssh, [self.host])
        ok(self.p.host.enable_ssh(self.s, self.host))
        self.assertEqual(calls(), [["ssh", "on"]])
        self.assertTrue(self.record()["ssh_enabled"])

    def test_console_idle_timeout(self):
        self.assertEqual(self.record()["console_idle_timeout"], "0")
        ok(self.p.host.set_console_idle_timeout(self.s, self.host, "300"))
        self.assertEqual(self.record()["console_idle_timeout"], "300")
        self.assertEqual(calls(), [], "the database alone")
        self.refused(self.p.host.set_console_idle_timeout, [self.host, "-1"],
                     ["INVALID_VALUE", "console_timeout", "-1"])
        self.refused(self.p.host.set_console_idle_timeout, [self.host, "ten"],
                     ["FIELD_TYPE_ERROR", "value"])
        ok(self.p.host.set_console_idle_timeout(self.s, self.host, "0"))

    def test_json_rpc_and_async(self):
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", SERVER.port, timeout=30)
        c.request("POST", "/jsonrpc", json.dumps({
            "jsonrpc": "2.0", "id": 1, "method": "host.set_timezone",
            "params": [self.s, self.host, "Europe/Paris"]}),
            {"Content-Type": "application/json"})
        reply = json.loads(c.getresponse().read())
        c.close()
        self.assertEqual(reply.get("result"), "", reply)
        self.assertEqual(calls(), [["timezone", "Europe/Paris"]])
        task = ok(self.p.Async.host.set_timezone(self.s, self.host, "UTC"))
        self.assertEqual(wait_task(self.p, self.s, task), "success")
        self.assertEqual(self.record()["timezone"], "UTC")
        with Failing():
            task = ok(self.p.Async.host.set_timezone(self.s, self.host, "Europe/Paris"))
            self.assertEqual(wait_task(self.p, self.s, task), "failure")
        self.assertEqual(ok(self.p.task.get_error_info(self.s, task))[0], "INTERNAL_ERROR")
        self.assertEqual(self.record()["timezone"], "UTC")
        calls()

    def test_list_methods(self):
        names = tcp().system.listMethods()
        for m in ("session.change_password", "host.set_hostname_live", "host.set_ntp_mode",
                  "host.set_ntp_custom_servers", "host.set_timezone", "host.enable_ssh",
                  "host.disable_ssh", "host.set_console_idle_timeout", "host.disable",
                  "host.enable", "host.reboot", "host.shutdown", "PIF.reconfigure_ip",
                  "host.get_ntp_mode", "host.get_timezone"):
            self.assertIn(m, names)
        self.assertNotIn("host.set_timezone_", names)
        self.assertNotIn("host.set_ssh_enabled", names)


class Power(Base):
    def test_reboot_and_shutdown_need_disabled(self):
        self.refused(self.p.host.reboot, [self.host], ["HOST_NOT_DISABLED"])
        self.refused(self.p.host.shutdown, [self.host], ["HOST_NOT_DISABLED"])
        ok(self.p.host.disable(self.s, self.host))
        self.assertFalse(self.record()["enabled"])
        ok(self.p.host.reboot(self.s, self.host))
        self.assertEqual(calls(), [["reboot"]])
        ok(self.p.host.shutdown(self.s, self.host))
        self.assertEqual(calls(), [["poweroff"]])
        self.failed_apply(self.p.host.reboot, [self.host])
        ok(self.p.host.enable(self.s, self.host))
        self.assertTrue(self.record()["enabled"])
        # XAPI 25.31's optional auto_enable.
        ok(self.p.host.disable(self.s, self.host, False))
        self.assertEqual(err(self.p.host.disable(self.s, self.host, "no")),
                         ["FIELD_TYPE_ERROR", "auto_enable"])
        ok(self.p.host.enable(self.s, self.host))
        self.assertEqual(calls(), [])

    def test_failure_texts(self):
        ok(self.p.host.disable(self.s, self.host))
        with Failing("silent"):
            e = err(self.p.host.shutdown(self.s, self.host))
        self.assertEqual(e, ["INTERNAL_ERROR", os.path.join(CFG, "host-config") +
                             " failed (status 4)"])
        with Failing("garbage"):
            e = err(self.p.host.shutdown(self.s, self.host))
        self.assertEqual(e, ["INTERNAL_ERROR", "bad ?[1m?? end"])  # \377 is written as UTF-8: two bytes
        ok(self.p.host.enable(self.s, self.host))
        calls()


class ChangePassword(unittest.TestCase):
    """Last in the file's order matters not: each test leaves PASSWORD in place."""

    def test_change_and_back(self):
        p, s = login()
        calls()
        ok(p.session.change_password(s, PASSWORD, "n3w-Secret!"))
        (verb,) = calls()
        self.assertEqual(verb[0], "password")
        self.assertRegex(verb[1], r"^\$6\$[^$]+\$[./0-9A-Za-z]+\n$")
        with open(SERVER.shadow) as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[0], "daemon:*:19000:0:99999:7:::")
        self.assertEqual(lines[1], "root:%s:19000:0:99999:7:::" % verb[1].strip())
        self.assertEqual(lines[2], "operator:!:19000:0:99999:7:::")
        self.assertEqual(stat.S_IMODE(os.stat(SERVER.shadow).st_mode), 0o600)
        self.assertEqual(err(tcp().session.login_with_password("root", PASSWORD))[0],
                         "SESSION_AUTHENTICATION_FAILED")
        p2, s2 = login(password="n3w-Secret!")
        ok(p2.session.change_password(s2, "n3w-Secret!", PASSWORD))
        calls()
        login()
        ok(p.session.logout(s))

    def test_a_rounds_hash(self):
        """A sha512-crypt hash with rounds=N (as the boot option and the installer take
        it) checks a login and the old password of change_password."""
        with open(SERVER.shadow) as f:
            before = f.read()
        hashed = subprocess.run(["openssl", "passwd", "-6", "-salt", "rounds=7000$Atoll0rounds",
                                 "-stdin"], input=PASSWORD.encode(), check=True,
                                capture_output=True).stdout.decode().strip()
        self.assertTrue(hashed.startswith("$6$rounds=7000$Atoll0rounds$"), hashed)
        with open(SERVER.shadow, "w") as f:
            f.write(before.replace(before.splitlines()[1],
                                   "root:%s:19000:0:99999:7:::" % hashed))
        try:
            self.assertEqual(err(tcp().session.login_with_password("root", "wrong"))[0],
                             "SESSION_AUTHENTICATION_FAILED")
            p, s = login()
            calls()
            ok(p.session.change_password(s, PASSWORD, PASSWORD))
            (verb,) = calls()
            self.assertEqual(verb[0], "password")
            login()
            ok(p.session.logout(s))
        finally:
            with open(SERVER.shadow, "w") as f:
                f.write(before)

    def test_refused(self):
        p, s = login()
        calls()
        with open(SERVER.shadow) as f:
            before = f.read()
        self.assertEqual(err(p.session.change_password(s, "wrong", "n3w-Secret!")),
                         ["SESSION_AUTHENTICATION_FAILED", "root", "Authentication failure"])
        self.assertEqual(err(p.session.change_password(s, PASSWORD, "")),
                         ["CHANGE_PASSWORD_REJECTED", "the new password must not be empty"])
        self.assertEqual(err(p.session.change_password(s, PASSWORD, "a\nb"))[0],
                         "CHANGE_PASSWORD_REJECTED")
        self.assertEqual(err(p.session.change_password(s, PASSWORD, 5)),
                         ["FIELD_TYPE_ERROR", "new_pwd"])
        self.assertEqual(calls(), [])
        with Failing():
            e = err(p.session.change_password(s, PASSWORD, "n3w-Secret!"))
        self.assertEqual(e, ["INTERNAL_ERROR", "host-config: password: told to fail"])
        self.assertEqual(len(calls()), 1)
        with open(SERVER.shadow) as f:
            self.assertEqual(f.read(), before)
        login()
        ok(p.session.logout(s))


class FirstBoot(unittest.TestCase):
    """root's entry locked (first boot), no --host-config: only the Unix socket's local root
    sets a password, without the old one."""

    def setUp(self):
        self.server = Server(root_hash="!", unix=True)

    def tearDown(self):
        status = self.server.stop()
        log = self.server.log_text()
        self.server.remove()
        self.assertEqual(status, 0, log)
        self.assertNotIn("first-boot-pw", log)

    def test_first_password(self):
        p = unix(self.server)
        self.assertEqual(err(tcp(self.server).session.login_with_password("root", "x"))[0],
                         "SESSION_AUTHENTICATION_FAILED")
        s = ok(p.session.login_with_password("root", "", "1.0", "console"))
        ok(p.session.change_password(s, "ignored", "first-boot-pw"))
        with open(self.server.shadow) as f:
            self.assertRegex(f.read(), r"(?m)^root:\$6\$[^:]+:19000:0:99999:7:::$")
        # Now it has one: the old password is checked, even for local root.
        self.assertEqual(err(p.session.change_password(s, "ignored", "other"))[0],
                         "SESSION_AUTHENTICATION_FAILED")
        p2, s2 = login(tcp(self.server), "first-boot-pw")
        ok(p2.session.logout(s2))

    def test_locked_needs_preauth(self):
        # A session by password is impossible while locked; a preauth one from before a
        # restart is not remembered either (it logs in again).
        p = unix(self.server)
        s = ok(p.session.login_with_password("root", ""))
        self.assertEqual(err(p.session.change_password(s, "x", "")),
                         ["CHANGE_PASSWORD_REJECTED", "the new password must not be empty"])

    def test_records_without_program(self):
        p = unix(self.server)
        s = ok(p.session.login_with_password("root", ""))
        host = ok(p.host.get_all(s))[0]
        ok(p.host.set_hostname_live(s, host, "sim-host"))
        self.assertEqual(ok(p.host.get_hostname(s, host)), "sim-host")
        ok(p.host.disable(s, host))
        ok(p.host.reboot(s, host))
        ok(p.host.shutdown(s, host))
        self.assertFalse(ok(p.host.get_enabled(s, host)), "recorded only: stays disabled")
        self.assertEqual(self.server.proc.poll(), None)


if __name__ == "__main__":
    unittest.main()
