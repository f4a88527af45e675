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
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "api"))
import xapi_server  # noqa: E402

VMS = int(os.environ.get("BENCH_VMS", "500"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def refresh(console, sock, cert, env=None):
    """Seconds of one --status run, and the peak resident memory (KiB) of it and of the
    programs it ran."""
    start = time.perf_counter()
    proc = subprocess.Popen([console, "--status", "--socket", sock, "--cert", cert],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("atoll-console --status failed:\n" + out.decode())
    return took, usage.ru_maxrss


def measure(console, sock, cert):
    return statistics.median(refresh(console, sock, cert)[0] for _ in range(RUNS))


def own_memory(console, sock, cert):
    """atoll-console's own peak: with no PATH its helpers (openssl) cannot start, so
    nothing larger than it is counted."""
    return max(refresh(console, sock, cert, {"PATH": "/nonexistent"})[1] for _ in range(3))


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
        tpl = p.VM.get_by_name_label(s, "Atoll demo guest")["Value"][0]
        for i in range(VMS):
            vm = p.VM.clone(s, tpl, "bench-%d" % i)["Value"]
            p.VM.set_is_a_template(s, vm, False)
        full = measure(console, server.sock, cert)
        rss = own_memory(console, server.sock, cert)
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
    print("| atoll-console's peak resident memory, %d VMs | %d KiB |" % (VMS, rss))


if __name__ == "__main__":
    main()
