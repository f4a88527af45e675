"""The host console on a live host in QEMU, over the serial console: root logs in, starts
atoll-console, reads the status screen (host name, management address, the TLS and SSH
fingerprints), changes the host name through its Network menu and turns SSH off (xapi-lite's
xen backend runs host-config), saves a bug report, opens the local shell and leaves it, quits,
and the shell sees the changes applied and saved and the report's contents."""
import unittest

from qemu_vm import BOOT_TIMEOUT, COMMAND_TIMEOUT, Screen, sha512_crypt
from test_live import LOGS, PASSWORD, boot_args

HOSTNAME = "console-test"
NEW_HOSTNAME = "renamed-by-console"


class SerialConsole(unittest.TestCase):
    def test_status_screen_and_a_change(self):
        s = Screen("console-serial", boot_args("atoll.password_hash=%s atoll.hostname=%s"
                                               % (sha512_crypt(PASSWORD), HOSTNAME)), LOGS)
        try:
            s.wait(r"atoll: ready", BOOT_TIMEOUT, "atoll: ready")
            s.wait(r"login:", COMMAND_TIMEOUT, "the serial login prompt")
            s.type("root\n")
            s.wait(r"Password:", COMMAND_TIMEOUT, "the password prompt")
            s.type(PASSWORD + "\n")
            s.wait(r"Type atoll-console", COMMAND_TIMEOUT, "the shell's hint")
            s.type("atoll-console\n")
            screen = s.wait(r"host name: " + HOSTNAME, COMMAND_TIMEOUT, "the status screen")
            # QEMU's restricted network leases an address with no router or DNS server.
            self.assertRegex(screen, r"IP 10\.0\.2\.15 +netmask 255\.255\.255\.0 +gateway none")
            self.assertRegex(screen, r"([0-9A-F]{2}:){15}[0-9A-F]{2}", "the TLS fingerprint")
            screen = s.wait(r"SSH host key: SHA256:", COMMAND_TIMEOUT, "the SSH fingerprint")
            print("\n  status screen after %.1f s" % s.elapsed(), flush=True)

            s.keys("N", "Enter")
            s.wait(r"Configure the management interface", COMMAND_TIMEOUT, "the network menu")
            s.keys("h", "Enter")
            s.wait(r"Log in with root's password", COMMAND_TIMEOUT, "the login")
            s.type(PASSWORD)
            s.keys("Enter")
            s.wait(r"The host's name", COMMAND_TIMEOUT, "the host name box")
            s.keys("C-u")
            s.type(NEW_HOSTNAME)
            s.keys("Enter")
            s.wait(r"The host is now called " + NEW_HOSTNAME, COMMAND_TIMEOUT, "the change")
            s.keys("Enter")
            # Each key once the screen it is for is up: a key sent while dialog starts is lost.
            s.wait(r"Configure the management interface", COMMAND_TIMEOUT, "the network menu")
            s.keys("Escape")
            s.wait(r"host name: " + NEW_HOSTNAME, COMMAND_TIMEOUT, "the new name, refreshed")
            # SSH off through Remote access (still logged in): dropbear stops.
            s.keys("R", "Enter")
            s.wait(r"SSH is on", COMMAND_TIMEOUT, "the remote access question")
            s.keys("Left", "Enter")
            s.wait(r"SSH is now off", COMMAND_TIMEOUT, "SSH turned off")
            s.keys("Enter")
            s.wait(r"host name: " + NEW_HOSTNAME, COMMAND_TIMEOUT, "the status screen")
            # A bug report on the state partition, its path shown.
            s.keys("T", "Enter")
            s.wait(r"Save a bug report", COMMAND_TIMEOUT, "the technical support menu")
            s.keys("Enter")
            screen = s.wait(r"written, in /var/lib/atoll:", COMMAND_TIMEOUT, "the bug report")
            self.assertRegex(screen, r"atoll-bugreport-\d{8}T\d{6}Z\.tar\.gz")
            s.keys("Enter")
            # Each key once the screen it is for is up: a key sent while dialog starts is lost.
            s.wait(r"Save a bug report", COMMAND_TIMEOUT, "the support menu")
            s.keys("Escape")
            s.wait(r"host name: " + NEW_HOSTNAME, COMMAND_TIMEOUT, "the status screen")
            # The local shell (logged in), and back.
            s.keys("L", "Enter")
            s.wait(r"Local shell: type exit", COMMAND_TIMEOUT, "the local shell")
            s.type("echo in-the-$((40 + 2))-shell\n")
            s.wait(r"in-the-42-shell", COMMAND_TIMEOUT, "a command in the local shell")
            s.type("exit\n")
            s.wait(r"host name: " + NEW_HOSTNAME, COMMAND_TIMEOUT, "the console after exit")
            s.keys("Q", "Enter")
            s.wait(r"\]#", COMMAND_TIMEOUT, "the shell after Quit")
            s.type("tar tzf /var/lib/atoll/atoll-bugreport-*.tar.gz | grep -c -e xl-info "
                   "-e host.conf -e password_hash -e host.key\n")
            s.wait(r"\n2\s", COMMAND_TIMEOUT, "xl info and host.conf in the report, no keys")
            s.type("echo name=$(hostname) saved=$(grep -c %s /var/lib/atoll/host.conf) "
                   "sshd=$(ps | grep -c '[d]ropbear -F') ssh=$(grep -c \"ssh='off'\" "
                   "/var/lib/atoll/host.conf)\n" % NEW_HOSTNAME)
            s.wait(r"name=%s saved=1 sshd=0 ssh=1" % NEW_HOSTNAME, COMMAND_TIMEOUT,
                   "the name and SSH applied and saved")
        finally:
            s.close()


if __name__ == "__main__":
    unittest.main()
