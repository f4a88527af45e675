"""make bench-sampler: what the stats sampler costs xapi-lite. Starts the sim backend twice
for a minute each: once with no guests running (the host's series only), once with 100
running VMs (each with its vCPU, memory, disk and network series every 5 s), and reads
xapi-lite's CPU time (utime + stime, /proc/PID/stat) over the minute. Prints a Markdown
report; the target is 1 % of one CPU with 100 VMs.

Usage: python3 bench/sampler_bench.py XAPI_LITE [SECONDS]
"""
import os
import sys
import time
import xmlrpc.client

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "api"))
from xapi_server import DEMO_TEMPLATE, PASSWORD, Server, ok  # noqa: E402

VMS = 100
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of pid, in seconds (fields 14 and 15 of /proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def measure(binary, running, seconds):
    """xapi-lite's CPU use (fraction of one CPU) over seconds, with running VMs up."""
    srv = Server(binary=binary)
    try:
        api = xmlrpc.client.ServerProxy(srv.url)
        s = ok(api.session.login_with_password("root", PASSWORD, "1.0", "bench"))
        tpl = ok(api.VM.get_by_name_label(s, DEMO_TEMPLATE))[0]
        for i in range(running):
            vm = ok(api.VM.clone(s, tpl, "bench %d" % i))
            ok(api.VM.set_is_a_template(s, vm, False))
            ok(api.VM.start(s, vm, False, False))
        ok(api.session.logout(s))
        time.sleep(6)       # a first step with every VM, so the minute is the steady state
        before, t0 = cpu_seconds(srv.proc.pid), time.monotonic()
        time.sleep(seconds)
        used, wall = cpu_seconds(srv.proc.pid) - before, time.monotonic() - t0
        if srv.stop() != 0:
            raise RuntimeError("xapi-lite did not stop cleanly: " + srv.log_text()[-2000:])
        return used / wall
    finally:
        if srv.proc.poll() is None:
            srv.kill()
        srv.remove()


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "out/bin/xapi-lite"
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60
    idle = measure(binary, 0, seconds)
    busy = measure(binary, VMS, seconds)
    print("## The stats sampler (issue 15: stats for Xen Orchestra)\n")
    print("xapi-lite (sim backend, %s) with no client connected, CPU time over %.0f s "
          "(/proc/PID/stat utime + stime).\n" % (os.path.basename(binary), seconds))
    print("| measure | value | target |")
    print("|---|---|---|")
    print("| xapi-lite CPU, no VM running | %.3f %% of one CPU | |" % (100 * idle))
    print("| xapi-lite CPU, %d VMs running (sampled every 5 s) | %.3f %% of one CPU | "
          "<= 1 %% |" % (VMS, 100 * busy))
    print("| the sampler's share (difference) | %.3f %% of one CPU | |"
          % (100 * (busy - idle)))


if __name__ == "__main__":
    main()
