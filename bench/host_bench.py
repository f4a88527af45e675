"""make bench-host: xapi-lite managing real Xen on the live ISO under QEMU TCG. Measures
QEMU start -> the first successful XenAPI login over HTTPS, VM.start -> Running for the demo
guest (median of several starts), how soon a guest that powers itself off is seen Halted,
how long a running guest is paused while VM.snapshot copies its disk, and xapi-lite's
resident memory with ten VMs. Prints a Markdown report.

Usage: python3 bench/host_bench.py ISO [STARTS]
"""
import os
import ssl
import statistics
import sys
import threading
import time
import xmlrpc.client

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "system"))
os.environ.setdefault("ATOLL_ISO", sys.argv[1] if len(sys.argv) > 1 else "out/atoll.iso")
os.environ.setdefault("ATOLL_LOGS", os.path.join(os.path.dirname(os.environ["ATOLL_ISO"]),
                                                 "bench-logs"))
from qemu_vm import BOOT_TIMEOUT, free_port, sha512_crypt, unverified_tls  # noqa: E402
from test_live import boot_with  # noqa: E402
from bench import cpu_model  # noqa: E402
from xenapi_console import GuestShell  # noqa: E402

PASSWORD = "atoll-bench-pw"
SNAPSHOTS = 3     # VM.snapshot of the running guest, for the pause's median
# Seconds one login attempt may take: before dom0's network is up, QEMU's user network
# takes the connection and the guest never answers it, so an attempt without a limit hangs
# for many seconds past the moment the host could have served it.
LOGIN_ATTEMPT_TIMEOUT = 3
# A new attempt starts this often, whether the ones before have ended or not: one that
# hangs (made before the guest's network was up) would otherwise hold the next back by up
# to LOGIN_ATTEMPT_TIMEOUT past the moment the host answers.
LOGIN_ATTEMPT_EVERY = 0.2


class _TimeoutTransport(xmlrpc.client.SafeTransport):
    """HTTPS with a deadline on each request."""

    def make_connection(self, host):
        conn = super().make_connection(host)
        conn.timeout = LOGIN_ATTEMPT_TIMEOUT
        return conn


def ok(r):
    assert r["Status"] == "Success", r
    return r["Value"]


def host_api(port):
    """The XenAPI of the host whose HTTPS port is port on loopback."""
    return xmlrpc.client.ServerProxy("https://127.0.0.1:%d" % port, context=unverified_tls())


def first_login(port, vm, password=PASSWORD):
    """Seconds from QEMU's start to the first login that succeeds over HTTPS, and its
    session (port: the host's HTTPS port on loopback). Attempts overlap (see
    LOGIN_ATTEMPT_EVERY); the first to succeed counts."""
    won = []
    done = threading.Event()

    def attempt():
        proxy = xmlrpc.client.ServerProxy(
            "https://127.0.0.1:%d" % port, transport=_TimeoutTransport(context=unverified_tls()))
        try:
            s = ok(proxy.session.login_with_password("root", password, "1.0", "bench"))
        except (OSError, xmlrpc.client.ProtocolError, ssl.SSLError, AssertionError):
            return
        with lock:
            if not won:
                won.append((vm.elapsed(), s))
                done.set()

    lock = threading.Lock()
    deadline = time.monotonic() + BOOT_TIMEOUT
    while not done.wait(LOGIN_ATTEMPT_EVERY):
        if time.monotonic() > deadline:
            raise RuntimeError("no login within %d s" % BOOT_TIMEOUT)
        threading.Thread(target=attempt, daemon=True).start()
    return won[0]


def demo_vm(api, s, name, memory=None):
    tpl = ok(api.VM.get_by_name_label(s, "Atoll demo guest"))[0]
    vm = ok(api.VM.clone(s, tpl, name))
    ok(api.VM.set_is_a_template(s, vm, False))
    ok(api.VM.set_PV_args(s, vm, "console=hvc0 quiet atoll.stay"))
    if memory:
        m = str(memory)
        ok(api.VM.set_memory_limits(s, vm, m, m, m, m))
    return vm


def suspend_resume(api, s, host, port, memory=128 * 1024 * 1024):
    """VM.suspend then VM.resume of a running demo guest of memory bytes, once its shell
    answers on its console (a guest still booting cannot take a suspend request): the
    seconds of each and the image's size in MiB (host: the serial console, logged in;
    port: the host's HTTPS port on loopback)."""
    pv = demo_vm(api, s, "bench suspend", memory=memory)
    ok(api.VM.start(s, pv, False, False))
    GuestShell(api, port, s, pv).close()
    t = time.monotonic()
    ok(api.VM.suspend(s, pv))
    suspend_s = time.monotonic() - t
    image = ok(api.VDI.get_location(s, ok(api.VM.get_suspend_VDI(s, pv))))
    _, out = host.run("find /var/lib/atoll -name %s -exec stat -c %%s {} +" % image)
    image_mib = int(out.split()[-1]) / 1024 ** 2
    t = time.monotonic()
    ok(api.VM.resume(s, pv, False, False))
    resume_s = time.monotonic() - t
    assert ok(api.VM.get_power_state(s, pv)) == "Running"
    ok(api.VM.hard_shutdown(s, pv))
    return suspend_s, image_mib, resume_s


def rss_kib(vm):
    """xapi-lite's resident memory now and at its peak (VmRSS, VmHWM), KiB."""
    _, out = vm.run("grep -E 'VmRSS|VmHWM' /proc/$(pidof xapi-lite)/status")
    kib = dict((l.split(":")[0], int(l.split()[1])) for l in out.splitlines() if ":" in l)
    return kib["VmRSS"], kib["VmHWM"]


def main():
    starts = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    port = free_port()
    vm = boot_with("bench-host", "atoll.password_hash=%s" % sha512_crypt(PASSWORD),
                   ["hostfwd=tcp:127.0.0.1:%d-:443" % port])
    try:
        api = host_api(port)
        login_s, s = first_login(port, vm)

        # VM.start -> Running, as a client sees it (the call returns when it runs).
        guest = demo_vm(api, s, "bench start")
        times = []
        for _ in range(starts):
            t = time.monotonic()
            ok(api.VM.start(s, guest, False, False))
            times.append(time.monotonic() - t)
            assert ok(api.VM.get_power_state(s, guest)) == "Running"
            ok(api.VM.hard_shutdown(s, guest))

        # A guest shut down behind xapi-lite's back (xl in dom0): until the Halted event,
        # which xenstored's @releaseDomain watch brings.
        vm.mark = 0
        vm.login(PASSWORD)
        ok(api.VM.start(s, guest, False, False))
        token = ok(getattr(api.event, "from")(s, ["vm"], "", 0.0))["token"]
        vm.run("xl shutdown %s" % ok(api.VM.get_domid(s, guest)))
        t, halted_after = time.monotonic(), None
        while halted_after is None and time.monotonic() - t < 120:
            batch = ok(getattr(api.event, "from")(s, ["vm"], token, 5.0))
            token = batch["token"]
            if any(e["ref"] == guest and e["snapshot"]["power_state"] == "Halted"
                   for e in batch["events"]):
                halted_after = time.monotonic() - t

        # A running guest with a 1 GiB disk: the pause VM.snapshot makes (xapi-lite's call
        # log says it). (Suspend and resume are measured on the installed host, whose SR
        # has room for the image: make bench-install.)
        if ok(api.VM.get_power_state(s, guest)) == "Running":
            ok(api.VM.hard_shutdown(s, guest))
        pv = demo_vm(api, s, "bench snapshot")
        sr = ok(api.SR.get_by_name_label(s, "Local storage"))[0]
        vdi = ok(api.VDI.create(s, {
            "name_label": "bench disk", "SR": sr, "virtual_size": str(1024 ** 3),
            "type": "user", "sharable": False, "read_only": False, "other_config": {}}))
        ok(api.VBD.create(s, {
            "VM": pv, "VDI": vdi, "userdevice": "0", "bootable": False, "mode": "RW",
            "type": "Disk", "empty": False, "other_config": {}, "qos_algorithm_type": "",
            "qos_algorithm_params": {}}))
        ok(api.VM.start(s, pv, False, False))
        for i in range(SNAPSHOTS):
            ok(api.VM.snapshot(s, pv, "bench snapshot %d" % i))
        _, out = vm.run("grep -o 'paused_ms=[0-9]*' /var/log/xapi-lite.log")
        pauses = [int(w.split("=")[1]) for w in out.split()]
        ok(api.VM.hard_shutdown(s, pv))

        # Memory with ten VMs, as many running as the 2 GiB machine holds.
        idle_rss = rss_kib(vm)
        running = 0
        for i in range(10):
            v = demo_vm(api, s, "bench ten %d" % i, memory=96 * 1024 * 1024)
            if api.VM.start(s, v, False, False)["Status"] == "Success":
                running += 1
        ten_rss = rss_kib(vm)
    finally:
        vm.close()

    cpu = cpu_model()
    print("## xapi-lite on the live host (`make bench-host`)")
    print()
    print("Machine: %s, %d cores; QEMU TCG (no KVM), 2 vCPUs and 2 GiB for the host"
          % (cpu, os.cpu_count()))
    print()
    print("| measure | value | target |")
    print("|---|---|---|")
    print("| QEMU start -> first XenAPI login over HTTPS | %.1f s | <= 25 s |" % login_s)
    print("| `VM.start` -> `Running`, demo guest, median of %d (min-max) | %.1f s (%.1f-%.1f) "
          "| <= 3 s |" % (starts, statistics.median(times), min(times), max(times)))
    print("| `xl shutdown` in dom0 -> `Halted` event (the guest's own shutdown included) "
          "| %s | |"
          % ("%.1f s" % halted_after if halted_after else "not seen in 120 s"))
    print("| running guest paused by `VM.snapshot` (1 GiB disk), median of %d (max) "
          "| %d ms (%d ms) | <= 100 ms |" % (len(pauses), statistics.median(pauses),
                                            max(pauses)))
    print("| xapi-lite RSS (peak), no guests | %.1f MiB (%.1f MiB) | |"
          % (idle_rss[0] / 1024, idle_rss[1] / 1024))
    print("| xapi-lite RSS (peak), 10 VMs (%d running) | %.1f MiB (%.1f MiB) | <= 16 MiB |"
          % (running, ten_rss[0] / 1024, ten_rss[1] / 1024))


if __name__ == "__main__":
    main()
