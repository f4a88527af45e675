"""VM.snapshot's cost on this machine, on the file systems a local SR can have: XFS with
reflink (installed hosts) and ext4 (hosts installed before, where snapshots are sparse
copies). Each is a file system image on a loop device holding xapi-lite --backend sim's
state dir, so the SR's VDIs are files on it. A halted VM with a 10 GiB VDI holding 2 GiB
of data: VM.snapshot timed (target <= 0.5 s on XFS) against a full VDI.copy of the same
disk; then more snapshots of the unchanged disk and the SR's used space against the data
(target <= 1.05x on XFS after 10 snapshots). Prints Markdown.

Usage: python3 bench/snapshot_bench.py out/bin/xapi-lite   (as root: it mounts images)
Needs mkfs.xfs (xfsprogs), mkfs.ext4 and losetup; installs nothing.
Environment knobs: BENCH_DATA_MIB=2048, BENCH_SNAPSHOTS=10, BENCH_EXT4_SNAPSHOTS=3
(each ext4 snapshot copies all the data).
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

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "tests", "api"))
import xapi_server  # noqa: E402

MIB, GIB = 1 << 20, 1 << 30
DATA_MIB = int(os.environ.get("BENCH_DATA_MIB", "2048"))
SNAPSHOTS = int(os.environ.get("BENCH_SNAPSHOTS", "10"))
EXT4_SNAPSHOTS = int(os.environ.get("BENCH_EXT4_SNAPSHOTS", "3"))
VDI_BYTES = 10 * GIB
SNAPSHOT_TARGET = 0.5       # seconds, on XFS
SPACE_TARGET = 1.05         # the SR's used space after the snapshots, over the data
MKFS = {
    "xfs": ["mkfs.xfs", "-q", "-f", "-m", "reflink=1"],
    "ext4": ["mkfs.ext4", "-q", "-F", "-T", "largefile"],
}


def log(msg):
    print("snapshot_bench: " + msg, file=sys.stderr, flush=True)


def ok(r):
    if r["Status"] != "Success":
        raise RuntimeError(r["ErrorDescription"])
    return r["Value"]


def used_bytes(path):
    """The file system's used bytes, once it has settled (freed extents can be returned
    a moment after an unlink)."""
    last, deadline = None, time.monotonic() + 10
    while True:
        os.sync()
        st = os.statvfs(path)
        now = (st.f_blocks - st.f_bfree) * st.f_frsize
        if now == last or time.monotonic() > deadline:
            return now
        last = now
        time.sleep(0.5)


def write_data(path, mib):
    """mib MiB of data that no block shares with another, from the file's start."""
    block = bytearray(os.urandom(MIB))
    fd = os.open(path, os.O_WRONLY)
    try:
        for i in range(mib):
            block[:8] = i.to_bytes(8, "little")
            os.pwrite(fd, block, i * MIB)
        os.fsync(fd)
    finally:
        os.close(fd)


class Mounted:
    """A file system of kind fstype in an image file under work, loop-mounted."""

    def __init__(self, work, fstype):
        self.image = os.path.join(work, fstype + ".img")
        self.dir = os.path.join(work, fstype)
        os.mkdir(self.dir)
        with open(self.image, "wb") as f:
            f.truncate(VDI_BYTES + (EXT4_SNAPSHOTS + 4) * DATA_MIB * MIB)
        subprocess.run(MKFS[fstype] + [self.image], check=True, capture_output=True)
        subprocess.run(["mount", "-o", "loop", self.image, self.dir], check=True,
                       capture_output=True)

    def close(self):
        subprocess.run(["umount", self.dir], check=False, capture_output=True)
        os.unlink(self.image)


def measure(binary, work, fstype):
    fs = Mounted(work, fstype)
    server = None
    try:
        server = xapi_server.Server(workdir=fs.dir, binary=binary)
        api = xmlrpc.client.ServerProxy(server.url)
        s = ok(api.session.login_with_password("root", xapi_server.PASSWORD, "1.0", "bench"))
        sr = ok(api.SR.get_by_name_label(s, "Local storage"))[0]
        tpl = ok(api.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(api.VM.clone(s, tpl, "bench"))
        ok(api.VM.set_is_a_template(s, vm, False))
        vdi = ok(api.VDI.create(s, {
            "name_label": "bench disk", "SR": sr, "virtual_size": str(VDI_BYTES),
            "type": "user", "sharable": False, "read_only": False, "other_config": {}}))
        ok(api.VBD.create(s, {
            "VM": vm, "VDI": vdi, "userdevice": "0", "bootable": True, "mode": "RW",
            "type": "Disk", "empty": False, "other_config": {}, "qos_algorithm_type": "",
            "qos_algorithm_params": {}}))
        before = used_bytes(fs.dir)
        log("%s: writing %d MiB into the VDI" % (fstype, DATA_MIB))
        write_data(os.path.join(server.state, "sr", ok(api.VDI.get_location(s, vdi))),
                   DATA_MIB)
        data = used_bytes(fs.dir) - before

        count = SNAPSHOTS if fstype == "xfs" else EXT4_SNAPSHOTS
        times = []
        t0 = time.perf_counter()
        ok(api.VM.snapshot(s, vm, "snapshot 1"))
        times.append(time.perf_counter() - t0)
        log("%s: VM.snapshot %.3f s; now a full VDI.copy" % (fstype, times[0]))
        t0 = time.perf_counter()
        copy = ok(api.VDI.copy(s, vdi, sr))
        copy_time = time.perf_counter() - t0
        ok(api.VDI.destroy(s, copy))
        for i in range(2, count + 1):
            t0 = time.perf_counter()
            ok(api.VM.snapshot(s, vm, "snapshot %d" % i))
            times.append(time.perf_counter() - t0)
        used = used_bytes(fs.dir) - before
        return {"fs": fstype, "first": times[0], "median": statistics.median(times),
                "max": max(times), "copy": copy_time, "count": count, "data": data,
                "used": used}
    finally:
        if server is not None:
            server.stop()
        fs.close()


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.machine()


def report(results, started):
    print("## VM.snapshot on the local SR's file systems\n")
    print("xapi-lite --backend sim, state dir on a loop-mounted image; a halted VM with a "
          "10 GiB VDI holding %d MiB of data. %s, %d CPUs, kernel %s; %.0f s.\n"
          % (DATA_MIB, cpu_model(), os.cpu_count(),
             platform.release(), time.monotonic() - started))
    print("| SR | VM.snapshot (first) | median, max of %s | full VDI.copy | copy / snapshot "
          "| snapshots | SR used / data | targets |" % "/".join(
              str(r["count"]) for r in results))
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        ratio = r["used"] / r["data"] if r["data"] else float("nan")
        if r["fs"] == "xfs":
            verdict = "%s snapshot <= %.1f s, %s used <= %.2fx" % (
                "met" if r["first"] <= SNAPSHOT_TARGET else "MISSED", SNAPSHOT_TARGET,
                "met" if ratio <= SPACE_TARGET else "MISSED", SPACE_TARGET)
        else:
            verdict = "(the fallback: none)"
        print("| %s | %.3f s | %.3f s, %.3f s | %.2f s | %.0fx | %d | %.2fx (%d MiB) | %s |"
              % ("XFS reflink" if r["fs"] == "xfs" else "ext4", r["first"], r["median"],
                 r["max"], r["copy"], r["copy"] / r["first"], r["count"], ratio,
                 r["used"] // MIB, verdict))
    print()


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: snapshot_bench.py XAPI_LITE")
    binary = os.path.abspath(sys.argv[1])
    if os.geteuid() != 0:
        raise SystemExit("snapshot_bench: needs root (it loop-mounts file system images)")
    os.environ["PATH"] += ":/usr/sbin:/sbin"
    for tool in ("mkfs.xfs", "mkfs.ext4", "mount"):
        if shutil.which(tool) is None:
            raise SystemExit("snapshot_bench: %s is missing (make installs xfsprogs)" % tool)
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="snapshot-bench-", dir=os.environ.get("BENCH_DIR"))
    try:
        results = [measure(binary, work, fstype) for fstype in ("xfs", "ext4")]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(results, started)
    xfs = results[0]
    if xfs["first"] > SNAPSHOT_TARGET or xfs["used"] > SPACE_TARGET * xfs["data"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
