"""make bench-stats: what the archives cost xapi-lite with 1,000 VMs. Starts the sim backend,
clones the demo template 1,000 times, gives each clone two network interfaces and starts
it (real calls: 7 data sources a VM, cpu0, memory, memory_internal_free and vif_0_rx/_tx,
vif_1_rx/_tx; the sim measures a disk only once its VBD has a device, which only the xen
backend gives it), waits until /rrd_updates has every VM's series, then reads
xapi-lite's resident memory (VmRSS) and times Xen Orchestra's 5 s query
(/rrd_updates?cf=AVERAGE&host=true&interval=5&json=true, start = servertime - 595) several
times over one keep-alive connection, to the reply's last byte, with xapi-lite's CPU time
for it (utime + stime over the requests, less what an idle stretch as long costs: the
sampler), which the other jobs of a shared machine do not inflate as they do the wall time. The archives take all their memory when an owner is first seen (every ring is
allocated and written NaN then), so the RSS measured is that of full archives. Prints a
Markdown report; the targets are RSS <= 48 MiB and the query <= 50 ms (median).

Usage: python3 bench/stats_bench.py XAPI_LITE [VMS [ROUNDS]]
"""
import calendar
import http.client
import json
import os
import statistics
import sys
import time
import xmlrpc.client

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "api"))
from xapi_server import DEMO_TEMPLATE, PASSWORD, Server, ok  # noqa: E402

MIB = 1024 * 1024
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of pid, in seconds (fields 14 and 15 of /proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss(pid, field="VmRSS"):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def servertime(api, s, host):
    when = ok(api.host.get_servertime(s, host))
    return calendar.timegm(time.strptime(str(when), "%Y%m%dT%H:%M:%SZ"))


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "out/bin/xapi-lite"
    vms = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    srv = Server(binary=binary)
    try:
        api = xmlrpc.client.ServerProxy(srv.url)
        s = ok(api.session.login_with_password("root", PASSWORD, "1.0", "bench"))
        host = ok(api.host.get_all(s))[0]
        time.sleep(6)
        idle = rss(srv.proc.pid)
        tpl = ok(api.VM.get_by_name_label(s, DEMO_TEMPLATE))[0]
        net = ok(api.network.get_all(s))[0]
        t0 = time.monotonic()
        for i in range(vms):
            vm = ok(api.VM.clone(s, tpl, "bench %d" % i))
            ok(api.VM.set_is_a_template(s, vm, False))
            for dev in ("0", "1"):
                ok(api.VIF.create(s, {
                    "device": dev, "network": net, "VM": vm, "MAC": "", "MTU": "1500",
                    "other_config": {}, "qos_algorithm_type": "", "qos_algorithm_params": {}}))
            ok(api.VM.start(s, vm, False, False))
        made = time.monotonic() - t0
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)

        def query():
            start = servertime(api, s, host) - 5 * 120 + 5
            t = time.monotonic()
            conn.request("GET", "/rrd_updates?cf=AVERAGE&host=true&interval=5&json=true"
                         "&start=%d&session_id=%s" % (start, s))
            r = conn.getresponse()
            body = r.read()
            took = time.monotonic() - t
            if r.status != 200:
                raise RuntimeError("rrd_updates: %d %s" % (r.status, body[:200]))
            return took, body

        # Every VM measured, and two steps since, so their 5 s rows have values.
        deadline = time.monotonic() + 300
        while True:
            _, body = query()
            d = json.loads(body)
            owners = {e.split(":")[2] for e in d["meta"]["legend"]
                      if e.split(":")[1] == "vm"}
            if len(owners) >= vms:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("only %d VMs have archives" % len(owners))
            time.sleep(1)
        time.sleep(11)
        times = []
        cpu0, wall0 = cpu_seconds(srv.proc.pid), time.monotonic()
        for _ in range(rounds):
            took, body = query()
            times.append(took)
        busy_cpu, busy_wall = cpu_seconds(srv.proc.pid) - cpu0, time.monotonic() - wall0
        cpu0 = cpu_seconds(srv.proc.pid)
        time.sleep(busy_wall)
        per_request = (busy_cpu - (cpu_seconds(srv.proc.pid) - cpu0)) / rounds
        d = json.loads(body)
        full = rss(srv.proc.pid)
        peak = rss(srv.proc.pid, "VmHWM")
        columns, rows = int(d["meta"]["columns"]), int(d["meta"]["rows"])
        conn.close()
        if srv.stop() != 0:
            raise RuntimeError("xapi-lite did not stop cleanly: " + srv.log_text()[-2000:])
        saved = sum(os.path.getsize(os.path.join(srv.state, "rrd", f))
                    for f in os.listdir(os.path.join(srv.state, "rrd")))
    finally:
        if srv.proc.poll() is None:
            srv.kill()
        srv.remove()
    median = statistics.median(times)
    print("## The archives (issue 15: stats for Xen Orchestra)\n")
    print("xapi-lite (sim backend, %s), %d running VMs cloned from the demo template and "
          "started (%.1f s of calls), %d data sources in all (the host's and the VMs').\n"
          % (os.path.basename(binary), vms, made, columns))
    print("| measure | value | target |")
    print("|---|---|---|")
    print("| VmRSS, idle (host only) | %.1f MiB | |" % (idle / MIB))
    print("| VmRSS with %d VMs' archives (VmHWM %.1f MiB) | %.1f MiB | %s (<= 48 MiB) |" % (
        vms, peak / MIB, full / MIB, "met" if full <= 48 * MIB else "MISSED"))
    print("| `GET /rrd_updates` at 5 s, XO's query: %d rows x %d columns, %d bytes "
          "(median of %d) | %.1f ms | %s (<= 50 ms) |" % (
              rows, columns, len(body), rounds, median * 1000,
              "met" if median <= 0.050 else "MISSED"))
    print("| xapi-lite's CPU time for one such request (mean of %d, less the sampler's) | "
          "%.1f ms | %s (<= 50 ms) |" % (rounds, per_request * 1000,
                                         "met" if per_request <= 0.050 else "MISSED"))
    print("| archive files written at the clean stop | %.1f MiB | |" % (saved / MIB))
    print("\nEvery round (ms): %s.\n" % " ".join("%.1f" % (t * 1000) for t in times))


if __name__ == "__main__":
    main()
