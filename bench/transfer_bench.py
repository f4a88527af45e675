"""The transfer handlers' cost on this machine: xapi-lite --backend sim with its state dir
on a loop-mounted XFS image (reflink, as installed hosts have), so the SR's VDIs are files
on a real file system on this machine's disk.

A halted VM with a 4 GiB VDI holding 1 GiB of data in 256 extents of 4 MiB spread over the
disk (half random bytes, half text-like, so that compression has something to do):
  - GET /export/ (uncompressed) against `cat VDI > /dev/null` (target: >= 80 % of cat's
    speed), and against the export of a VM whose 1 GiB VDI holds the same data with no
    holes;
  - the zero regions: the export of a VM with an empty 4 GiB VDI against one with an empty
    2 MiB VDI (both send only a first and a last chunk): the difference is what passing
    over 4 GiB of zeros costs, set beside a SEEK_DATA/SEEK_HOLE walk of the data VDI (the
    time to skip them) and what reading them costs cat;
  - PUT /import/ of that export (with Content-Length, as xe sends it) against
    `cat XVA > /dev/null` of the same file (target: >= 80 %), and against a copy of the
    file with dd's fsync (what the disk's writes allow);
  - GET /export/?use_compression=zstd against `zstd -1 -c` of the VDI and of the XVA, and
    `zstd -c` (level 3, XAPI's) of the XVA;
  - xapi-lite's RSS above idle during the export and the import (/proc/PID/status VmRSS
    sampled every 10 ms; the worker processes and their helpers apart; target <= 16 MiB);
  - GET /export_raw_vdi/?format=vhd&base= of the disk after 3 of its 2 MiB blocks changed
    since a VDI.snapshot (target: <= 7 MiB, <= 1 s).
Cold cache: `sync; echo 3 > /proc/sys/vm/drop_caches` before every timed run, the
baselines' and xapi-lite's alike (BENCH_CACHE=warm: every file read once first, nothing
dropped). Each timed run is repeated BENCH_REPEAT times (3), each round running the
baselines and the transfers in turn; the medians are reported. Prints Markdown; exits 1
when a target is missed.

Usage: python3 bench/transfer_bench.py out/bin/xapi-lite   (as root: it mounts an image)
Needs mkfs.xfs (xfsprogs), mount, zstd; installs nothing. BENCH_DIR: where the image goes.
"""
import http.client
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "tests", "api"))
import xapi_server  # noqa: E402
from snapshot_bench import cpu_model, ok  # noqa: E402

KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30
VDI_BYTES = 4 * GIB
DATA_BYTES = 1 * GIB
EXTENT = 4 * MIB                        # the data's extents, evenly spread
VHD_BLOCK = 2 * MIB
CHANGED_BLOCKS = 3
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
CACHE = os.environ.get("BENCH_CACHE", "cold")
IMAGE_BYTES = 16 * GIB                  # sparse: the data, an XVA, an import, a dense copy
BUF = 1 * MIB
SAMPLE_S = 0.01
TRANSFER_TIMEOUT = 600                  # seconds for one transfer
SPEED_TARGET = 0.80                     # of cat's speed
RSS_TARGET = 16 * MIB
DELTA_SIZE_TARGET = 7 * MIB
DELTA_TIME_TARGET = 1.0
ZERO_NOISE_S = 0.05                     # what timing an export of a few MiB varies by here
TINY_BYTES = 2 * MIB                    # a VDI of two chunks, the first and the last


def log(msg):
    print("transfer_bench: " + msg, file=sys.stderr, flush=True)


def settle():
    """Before a timed run: the cache dropped (cold) or left as it is (warm)."""
    os.sync()
    if CACHE == "cold":
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")


def timed(fn):
    settle()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def run_discard(cmd):
    """Runs cmd with its output to /dev/null; returns nothing, raises on failure."""
    with open(os.devnull, "wb") as null:
        subprocess.run(cmd, stdout=null, check=True)


# ---- the data ----------------------------------------------------------------------------
TEXT_BLOCKS = 16     # distinct text-like MiBs, cycled (zstd -1's window is under 1 MiB)
_text = []


def text_block(i):
    """1 MiB that compresses like a log or a source tree (about 3:1 with zstd -1), its
    first 8 bytes its number."""
    if not _text:
        words = [b"xapi", b"vdi", b"export", b"atoll", b"\n", b"0123456789", b"OpaqueRef:",
                 b"session", b"-", b"tar", b"chunk", b"name_label", b"<value>", b"\t"]
        for seed in range(TEXT_BLOCKS):
            rnd = os.urandom(MIB // 4)
            out = bytearray()
            for k in range(0, len(rnd), 2):
                out += words[rnd[k] % len(words)] + b"%x" % (rnd[k + 1] & 15)
                if len(out) >= MIB:
                    break
            _text.append(bytes(out[:MIB]).ljust(MIB, b" "))
    block = bytearray(_text[i % TEXT_BLOCKS])
    block[:8] = i.to_bytes(8, "little")
    return bytes(block)


def write_data(path, spread):
    """1 GiB in 4 MiB extents: spread over the file (every VDI_BYTES / 256), or packed
    from its start. Odd extents are random, even ones text-like."""
    n = DATA_BYTES // EXTENT
    step = VDI_BYTES // n if spread else EXTENT
    fd = os.open(path, os.O_WRONLY)
    try:
        for i in range(n):
            for j in range(EXTENT // MIB):
                block = os.urandom(MIB) if i % 2 else text_block(i * 4 + j)
                os.pwrite(fd, block, i * step + j * MIB)
        os.fsync(fd)
    finally:
        os.close(fd)


def skip_walk(path):
    """Seconds for a SEEK_DATA/SEEK_HOLE walk of the file: what skipping its holes costs."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        t0 = time.perf_counter()
        off, extents = 0, 0
        while off < size:
            try:
                data = os.lseek(fd, off, os.SEEK_DATA)
            except OSError:
                break
            off = os.lseek(fd, data, os.SEEK_HOLE)
            extents += 1
        return time.perf_counter() - t0, extents
    finally:
        os.close(fd)


# ---- memory ------------------------------------------------------------------------------
def vmrss(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * KIB
    except OSError:
        pass
    return 0


def children(pid):
    out = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


class RssSampler(threading.Thread):
    """Peak VmRSS of xapi-lite, of its workers (children) and of their helpers
    (grandchildren, such as zstd), sampled until stopped."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.done = pid, threading.Event()
        self.main = self.worker = self.helper = 0
        self.helpers = set()

    def run(self):
        while not self.done.is_set():
            self.main = max(self.main, vmrss(self.pid))
            for w in children(self.pid):
                self.worker = max(self.worker, vmrss(w))
                for h in children(w):
                    words = cmdline(h).split(" ")
                    # a helper just forked is still the worker until its exec
                    if words[0] and "--worker" not in words:
                        self.helper = max(self.helper, vmrss(h))
                        self.helpers.add(" ".join([words[0].rsplit("/", 1)[-1]] + words[1:3]))
            time.sleep(SAMPLE_S)

    def stop(self):
        self.done.set()
        self.join()


# ---- the transfers -----------------------------------------------------------------------
class Host:
    def __init__(self, server):
        self.server = server
        self.api = xmlrpc.client.ServerProxy(server.url)
        self.s = ok(self.api.session.login_with_password("root", xapi_server.PASSWORD,
                                                         "1.0", "bench"))
        self.sr = ok(self.api.SR.get_by_name_label(self.s, "Local storage"))[0]
        self.tpl = ok(self.api.VM.get_by_name_label(self.s, "Atoll demo guest"))[0]

    def call(self, method, *args):
        fn = self.api
        for part in method.split("."):
            fn = getattr(fn, part)
        return ok(fn(self.s, *args))

    def vm_with_disk(self, name, size):
        vm = self.call("VM.clone", self.tpl, name)
        self.call("VM.set_is_a_template", vm, False)
        vdi = self.call("VDI.create", {
            "name_label": name + " disk", "SR": self.sr, "virtual_size": str(size),
            "type": "user", "sharable": False, "read_only": False, "other_config": {}})
        self.call("VBD.create", {
            "VM": vm, "VDI": vdi, "userdevice": "0", "bootable": True, "mode": "RW",
            "type": "Disk", "empty": False, "other_config": {}, "qos_algorithm_type": "",
            "qos_algorithm_params": {}})
        return vm, vdi

    def path(self, vdi):
        return os.path.join(self.server.state, "sr", self.call("VDI.get_location", vdi))

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.server.port,
                                          timeout=TRANSFER_TIMEOUT)

    def get(self, target, out=None):
        """GETs target; its body to the file out or discarded. Returns its length."""
        c = self.conn()
        try:
            c.request("GET", target + "&session_id=" + self.s)
            r = c.getresponse()
            if r.status != 200:
                raise RuntimeError("GET %s: %d %s %r" % (target, r.status, r.reason,
                                                         r.read(500)))
            buf = memoryview(bytearray(BUF))
            total = 0
            f = open(out, "wb") if out else None
            try:
                while True:
                    n = r.readinto(buf)
                    if not n:
                        break
                    total += n
                    if f:
                        f.write(buf[:n])
                if f:
                    os.fsync(f.fileno())
            finally:
                if f:
                    f.close()
            return total
        finally:
            c.close()

    def put(self, target, path):
        """PUTs the file with its length (sendfile); returns once the server has closed
        the connection (the import's records made)."""
        c = self.conn()
        try:
            c.putrequest("PUT", target + "&session_id=" + self.s, skip_accept_encoding=True)
            c.putheader("Content-Length", str(os.path.getsize(path)))
            c.endheaders()
            with open(path, "rb") as f:
                c.sock.sendfile(f)
            r = c.getresponse()
            body = r.read()
            if r.status != 200:
                raise RuntimeError("PUT %s: %d %s %r" % (target, r.status, r.reason, body[:500]))
        finally:
            c.close()

    def wait_task(self, task):
        deadline = time.monotonic() + TRANSFER_TIMEOUT
        while self.call("task.get_status", task) == "pending":
            if time.monotonic() > deadline:
                raise RuntimeError("task %s still pending" % task)
            time.sleep(0.05)
        r = self.call("task.get_record", task)
        if r["status"] != "success":
            raise RuntimeError("task %s: %r" % (task, r))
        return r

    def import_xva(self, path):
        """PUT /import/ of path with a task; returns the new VM."""
        task = self.call("task.create", "bench import", "")
        self.put("/import/?sr_id=%s&task_id=%s" % (self.sr, task), path)
        refs = re.findall(r"OpaqueRef:[0-9a-f-]{36}", self.wait_task(task)["result"])
        self.call("task.destroy", task)
        if len(refs) != 1:
            raise RuntimeError("the import's result names %r" % refs)
        return refs[0]

    def destroy_vm(self, vm):
        vdis = [self.call("VBD.get_VDI", b) for b in self.call("VM.get_VBDs", vm)
                if self.call("VBD.get_type", b) == "Disk"]
        self.call("VM.destroy", vm)
        for d in vdis:
            self.call("VDI.destroy", d)


def sampled(pid, fn):
    """Runs fn with xapi-lite's memory sampled: (seconds, fn's value, sampler)."""
    sampler = RssSampler(pid)
    settle()
    sampler.start()
    t0 = time.perf_counter()
    try:
        out = fn()
    finally:
        took = time.perf_counter() - t0
        sampler.stop()
    return took, out, sampler


class Mounted:
    """An XFS file system with reflink in an image file under work, loop-mounted."""

    def __init__(self, work):
        self.image = os.path.join(work, "xfs.img")
        self.dir = os.path.join(work, "xfs")
        os.mkdir(self.dir)
        with open(self.image, "wb") as f:
            f.truncate(IMAGE_BYTES)
        subprocess.run(["mkfs.xfs", "-q", "-f", "-m", "reflink=1", self.image], check=True,
                       capture_output=True)
        subprocess.run(["mount", "-o", "loop", self.image, self.dir], check=True,
                       capture_output=True)

    def close(self):
        subprocess.run(["umount", self.dir], check=False, capture_output=True)
        os.unlink(self.image)


def measure(binary, work):
    fs = Mounted(work)
    server = None
    res = {}
    try:
        server = xapi_server.Server(workdir=fs.dir, binary=binary)
        h = Host(server)
        pid = server.proc.pid
        vm, vdi = h.vm_with_disk("bench sparse", VDI_BYTES)
        dense_vm, dense_vdi = h.vm_with_disk("bench dense", DATA_BYTES)
        empty_vm, empty_vdi = h.vm_with_disk("bench empty", VDI_BYTES)
        tiny_vm, _ = h.vm_with_disk("bench tiny", TINY_BYTES)
        log("writing 1 GiB into the 4 GiB VDI (spread) and into the 1 GiB one (packed)")
        write_data(h.path(vdi), spread=True)
        write_data(h.path(dense_vdi), spread=False)
        vdi_file, xva = h.path(vdi), os.path.join(fs.dir, "bench.xva")
        copy = os.path.join(fs.dir, "copy.xva")
        res["walk"], res["extents"] = skip_walk(vdi_file)
        export = lambda v, comp="false": "/export/?ref=%s&use_compression=%s" % (v, comp)
        h.get(export(vm), xva)  # the file the import sends, and the zstd baselines read
        res["xva_bytes"] = os.path.getsize(xva)
        if CACHE == "warm":
            for p in (vdi_file, h.path(dense_vdi), h.path(empty_vdi), xva):
                run_discard(["cat", p])

        times = {k: [] for k in (
            "cat", "export", "cat_dense", "export_dense", "cat_empty", "export_empty",
            "export_tiny", "cat_xva", "copy_xva", "import", "zstd1_vdi", "zstd1_xva",
            "zstd_xva", "export_zstd")}
        rss = {"export": [], "import": [], "export_zstd": []}
        idle = vmrss(pid)

        def run(key, fn, sample=False):
            if sample:
                t, out, smp = sampled(pid, fn)
                rss[key].append(smp)
            else:
                t, out = timed(fn)
            times[key].append(t)
            return out

        for i in range(REPEAT):
            log("round %d of %d" % (i + 1, REPEAT))
            run("cat", lambda: run_discard(["cat", vdi_file]))
            res["export_bytes"] = run("export", lambda: h.get(export(vm)), True)
            run("cat_dense", lambda: run_discard(["cat", h.path(dense_vdi)]))
            run("export_dense", lambda: h.get(export(dense_vm)))
            run("cat_empty", lambda: run_discard(["cat", h.path(empty_vdi)]))
            run("export_empty", lambda: h.get(export(empty_vm)))
            run("export_tiny", lambda: h.get(export(tiny_vm)))
            run("cat_xva", lambda: run_discard(["cat", xva]))
            run("copy_xva", lambda: run_discard(["dd", "if=" + xva, "of=" + copy, "bs=1M",
                                                 "conv=fsync", "status=none"]))
            os.unlink(copy)
            new = run("import", lambda: h.import_xva(xva), True)
            if i == 0:
                new_vdi = [h.call("VBD.get_VDI", b) for b in h.call("VM.get_VBDs", new)
                           if h.call("VBD.get_type", b) == "Disk"][0]
                res["import_same"] = files_equal(vdi_file, h.path(new_vdi))
            h.destroy_vm(new)
            run("zstd1_vdi", lambda: run_discard(["zstd", "-1", "-c", "-q", vdi_file]))
            run("zstd1_xva", lambda: run_discard(["zstd", "-1", "-c", "-q", xva]))
            run("zstd_xva", lambda: run_discard(["zstd", "-c", "-q", xva]))
            res["zstd_bytes"] = run("export_zstd", lambda: h.get(export(vm, "zstd")),
                                    True)
        res["times"] = {k: statistics.median(v) for k, v in times.items()}
        res["all"] = times
        res["idle"] = idle
        for k, samplers in rss.items():
            res["rss_" + k] = {
                "main": max(s.main for s in samplers) - idle,
                "worker": max(s.worker for s in samplers),
                "helper": max(s.helper for s in samplers),
                "helpers": sorted(set().union(*(s.helpers for s in samplers))),
            }

        # The delta: 3 of the disk's 2 MiB blocks changed since a snapshot.
        base = h.call("VDI.snapshot", vdi, {})
        fd = os.open(vdi_file, os.O_WRONLY)
        try:
            for k in range(CHANGED_BLOCKS):
                os.pwrite(fd, os.urandom(VHD_BLOCK), (k * 600 + 7) * VHD_BLOCK)
            os.fsync(fd)
        finally:
            os.close(fd)
        delta = os.path.join(fs.dir, "delta.vhd")
        deltas = []
        for i in range(REPEAT):
            t, n = timed(lambda: h.get("/export_raw_vdi/?format=vhd&vdi=%s&base=%s"
                                       % (vdi, base), delta))
            deltas.append((t, n))
        res["delta_time"] = statistics.median(t for t, _ in deltas)
        res["delta_bytes"] = max(n for _, n in deltas)
        with open(delta, "rb") as f:
            f.seek(-512, os.SEEK_END)
            res["delta_footer"] = f.read(8) == b"conectix"
        return res
    finally:
        if server is not None:
            server.stop()
        fs.close()


def files_equal(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(8 * MIB), fb.read(8 * MIB)
            if x != y:
                return False
            if not x:
                return True


def verdict(good):
    return "met" if good else "MISSED"


def report(r, started):
    t = r["times"]
    print("## XVA and VHD transfers (xapi-lite --backend sim on XFS)\n")
    print("A halted VM with a 4 GiB VDI holding 1 GiB of data in %d extents; the state dir "
          "on a loop-mounted XFS image (reflink) on this machine's disk; %s; medians of %d. "
          "%s, %d CPUs, kernel %s; %.0f s.\n" % (
              r["extents"], "cold cache (`sync; echo 3 > /proc/sys/vm/drop_caches` before "
              "each timed run)" if CACHE == "cold" else "warm cache (every file read once "
              "first)", REPEAT, cpu_model(), os.cpu_count(), platform.release(),
              time.monotonic() - started))
    mbs = lambda n, s: "%.0f MB/s" % (n / s / 1e6)
    export_ratio = t["cat"] / t["export"]
    import_ratio = t["cat_xva"] / t["import"]
    write_ratio = t["copy_xva"] / t["import"]
    zero_cost = t["export_empty"] - t["export_tiny"]
    zero_ok = zero_cost <= max(r["walk"], ZERO_NOISE_S)
    rows = [
        ("`cat` of the 4 GiB VDI to /dev/null", "%.2f s" % t["cat"],
         mbs(DATA_BYTES, t["cat"]) + " of data", ""),
        ("GET /export/ (uncompressed) of the VM, %d bytes" % r["export_bytes"],
         "%.2f s" % t["export"], mbs(DATA_BYTES, t["export"]) + " of data",
         "%.0f %% of cat: %s (>= %.0f %%)" % (100 * export_ratio,
                                              verdict(export_ratio >= SPEED_TARGET),
                                              100 * SPEED_TARGET)),
        ("`cat` of a 1 GiB VDI with the same data, no holes", "%.2f s" % t["cat_dense"],
         mbs(DATA_BYTES, t["cat_dense"]), ""),
        ("GET /export/ of a VM with that 1 GiB VDI", "%.2f s" % t["export_dense"],
         mbs(DATA_BYTES, t["export_dense"]),
         "the 4 GiB VDI's export takes %+.2f s more" % (t["export"] - t["export_dense"])),
        ("`cat` of an empty 4 GiB VDI (all holes)", "%.2f s" % t["cat_empty"], "",
         "what reading the zeros costs"),
        ("GET /export/ of a VM with that empty 4 GiB VDI", "%.3f s" % t["export_empty"], "",
         ""),
        ("GET /export/ of a VM with an empty 2 MiB VDI (the same chunks sent: the first "
         "and the last)", "%.3f s" % t["export_tiny"], "", ""),
        ("the zero regions of 4 GiB in an export (the two exports' difference)",
         "%.3f s" % zero_cost, "",
         "skipping them: a SEEK_DATA/SEEK_HOLE walk of the data VDI (%d extents) %.4f s; "
         "%s (<= the walk or %.0f ms, the timing's noise)" % (
             r["extents"], r["walk"], verdict(zero_ok), 1000 * ZERO_NOISE_S)),
        ("`cat` of the XVA (%d bytes) to /dev/null" % r["xva_bytes"],
         "%.2f s" % t["cat_xva"], mbs(r["xva_bytes"], t["cat_xva"]), ""),
        ("`dd bs=1M conv=fsync` of the XVA to a file on the SR (the disk's writes)",
         "%.2f s" % t["copy_xva"], mbs(r["xva_bytes"], t["copy_xva"]), ""),
        ("PUT /import/ of the XVA (Content-Length; until the connection closes)",
         "%.2f s" % t["import"], mbs(r["xva_bytes"], t["import"]),
         "%.0f %% of cat: %s (>= %.0f %%); %.0f %% of the copy; the imported disk %s" % (
             100 * import_ratio, verdict(import_ratio >= SPEED_TARGET), 100 * SPEED_TARGET,
             100 * write_ratio, "is the exported one byte for byte" if r["import_same"]
             else "DIFFERS from the exported one")),
        ("`zstd -1 -c` of the 4 GiB VDI to /dev/null", "%.2f s" % t["zstd1_vdi"],
         mbs(VDI_BYTES, t["zstd1_vdi"]), ""),
        ("`zstd -1 -c` of the XVA to /dev/null", "%.2f s" % t["zstd1_xva"],
         mbs(r["xva_bytes"], t["zstd1_xva"]), ""),
        ("`zstd -c` (level 3, as XAPI runs it) of the XVA to /dev/null",
         "%.2f s" % t["zstd_xva"], mbs(r["xva_bytes"], t["zstd_xva"]), ""),
        ("GET /export/?use_compression=zstd, %d bytes" % r["zstd_bytes"],
         "%.2f s" % t["export_zstd"], mbs(r["xva_bytes"], t["export_zstd"]) + " of XVA",
         "%.0f %% of `zstd -1`'s speed on the XVA, %.0f %% of `zstd`'s; the helper: %s" % (
             100 * t["zstd1_xva"] / t["export_zstd"], 100 * t["zstd_xva"] / t["export_zstd"],
             ", ".join(r["rss_export_zstd"]["helpers"]) or "none seen")),
    ]
    print("| what | time | speed | against the target |")
    print("|---|---|---|---|")
    for row in rows:
        print("| %s | %s | %s | %s |" % row)
    print()
    print("| xapi-lite's memory (VmRSS; idle %.1f MiB) | xapi-lite above idle | its worker "
          "| the worker's helper | target |" % (r["idle"] / MIB))
    print("|---|---|---|---|---|")
    for k, what in (("export", "GET /export/ of the 4 GiB VDI"),
                    ("import", "PUT /import/ of its XVA"),
                    ("export_zstd", "GET /export/ with zstd")):
        m = r["rss_" + k]
        total = m["main"] + m["worker"]
        print("| %s | %.1f MiB | %.1f MiB | %s | xapi-lite and its worker %.1f MiB: %s "
              "(<= %d MiB) |" % (what, m["main"] / MIB, m["worker"] / MIB,
                                 "%.1f MiB" % (m["helper"] / MIB) if m["helper"] else "none",
                                 total / MIB, verdict(total <= RSS_TARGET), RSS_TARGET // MIB))
    print()
    print("| delta VHD of 3 changed 2 MiB blocks of the 4 GiB disk | size | time | targets |")
    print("|---|---|---|---|")
    print("| GET /export_raw_vdi/?format=vhd&base= (the VDI.snapshot before the change) | "
          "%d bytes (%.2f MiB)%s | %.3f s | size %s (<= 7 MiB), time %s (<= 1 s) |"
          % (r["delta_bytes"], r["delta_bytes"] / MIB,
             "" if r["delta_footer"] else " NO VHD FOOTER", r["delta_time"],
             verdict(r["delta_bytes"] <= DELTA_SIZE_TARGET),
             verdict(r["delta_time"] <= DELTA_TIME_TARGET)))
    print()
    print("Every run (s): " + "; ".join("%s %s" % (k, " ".join("%.2f" % x for x in v))
                                        for k, v in r["all"].items()))
    print()
    return (export_ratio >= SPEED_TARGET and import_ratio >= SPEED_TARGET and zero_ok and
            r["import_same"] and r["delta_footer"] and
            r["delta_bytes"] <= DELTA_SIZE_TARGET and r["delta_time"] <= DELTA_TIME_TARGET and
            all(r["rss_" + k]["main"] + r["rss_" + k]["worker"] <= RSS_TARGET
                for k in ("export", "import", "export_zstd")))


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: transfer_bench.py XAPI_LITE")
    binary = os.path.abspath(sys.argv[1])
    if os.geteuid() != 0:
        raise SystemExit("transfer_bench: needs root (it loop-mounts an image and drops "
                         "the page cache)")
    if CACHE not in ("cold", "warm"):
        raise SystemExit("transfer_bench: BENCH_CACHE is cold or warm, not %r" % CACHE)
    os.environ["PATH"] += ":/usr/sbin:/sbin"
    for tool in ("mkfs.xfs", "mount", "zstd"):
        if shutil.which(tool) is None:
            raise SystemExit("transfer_bench: %s is missing (make installs xfsprogs, zstd)"
                             % tool)
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="transfer-bench-", dir=os.environ.get("BENCH_DIR"))
    try:
        r = measure(binary, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not report(r, started):
        sys.exit(1)


if __name__ == "__main__":
    main()
