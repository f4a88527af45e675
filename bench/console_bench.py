"""The host console's cost, on this machine: one status refresh of atoll-console (--status
runs exactly what the screen's refresh runs: a login over the Unix socket, five XenAPI
reads and a logout, then the TLS fingerprint from openssl) against xapi-lite --backend sim,
with no VMs and with many; its peak memory; and what xapi-lite serves for it. Prints
Markdown.

Usage: python3 bench/console_bench.py out/bin/atoll-console out/bin/xapi-lite
Environment knobs: BENCH_VMS=500, BENCH_RUNS=15.
"""
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "tests", "api"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "system"))
import qemu_vm  # noqa: E402  (its Screen runs a program in tmux)
import xapi_server  # noqa: E402

VMS = int(os.environ.get("BENCH_VMS", "500"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def refresh(console, sock, cert):
    """Seconds of one --status run."""
    start = time.perf_counter()
    out = subprocess.run([console, "--status", "--socket", sock, "--cert", cert],
                         capture_output=True, text=True)
    took = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit("atoll-console --status failed:\n" + out.stdout + out.stderr)
    return took


def measure(console, sock, cert):
    return statistics.median(refresh(console, sock, cert) for _ in range(RUNS))


def own_memory(console, sock, cert, shadow, vms):
    """atoll-console's peak resident memory (VmHWM, KiB) on its status screen in tmux,
    after a few refreshes that count vms VMs."""
    screen = qemu_vm.Screen("console-bench", [console, "--socket", sock, "--cert", cert,
                                                     "--shadow", shadow],
                            tempfile.gettempdir())
    try:
        for _ in range(3):
            screen.wait(r"of %d VMs running" % vms, 30, "the status screen")
            screen.keys("F5")
        pid = subprocess.run(["pgrep", "-f", "^%s --socket %s" % (console, sock)],
                             capture_output=True, text=True, check=True).stdout.split()[0]
        with open("/proc/%s/status" % pid) as f:
            return int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1))
    finally:
        screen.close()


def main():
    console, xapi = sys.argv[1], sys.argv[2]
    xapi_server.BIN = xapi
    work = tempfile.mkdtemp(prefix="atoll-console-bench-")
    cert = os.path.join(work, "host.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=bench",
                    "-keyout", os.path.join(work, "host.key"), "-out", cert],
                   check=True, capture_output=True)
    server = xapi_server.Server(workdir=work, unix=True)
    try:
        p = xmlrpc.client.ServerProxy(server.url)
        s = p.session.login_with_password("root", xapi_server.PASSWORD, "1.0", "bench")["Value"]
        empty = measure(console, server.sock, cert)
        empty_rss = own_memory(console, server.sock, cert, server.shadow, 0)
        tpl = p.VM.get_by_name_label(s, "Atoll demo guest")["Value"][0]
        for i in range(VMS):
            vm = p.VM.clone(s, tpl, "bench-%d" % i)["Value"]
            p.VM.set_is_a_template(s, vm, False)
        full = measure(console, server.sock, cert)
        rss = own_memory(console, server.sock, cert, server.shadow, VMS)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("## The host console (issue: host console)\n")
    print("Machine: %s, %d CPUs, %s; `make bench-console` (BENCH_VMS=%d, BENCH_RUNS=%d)\n"
          % (platform.machine(), os.cpu_count(), platform.release(), VMS, RUNS))
    print("| measure | result |")
    print("|---|---|")
    print("| one status refresh, no VMs (median) | %.1f ms |" % (empty * 1000))
    print("| one status refresh, %d VMs (median) | %.1f ms |" % (VMS, full * 1000))
    print("| ratio, %d VMs to none | %.2f |" % (VMS, full / empty))
    print("| atoll-console's peak resident memory on the status screen, no VMs | %d KiB |"
          % empty_rss)
    print("| the same, %d VMs | %d KiB |" % (VMS, rss))


if __name__ == "__main__":
    main()
