"""Builds XVA archives as XAPI's export writes them (ova.xml, then each disk's 1 MiB chunks
with their XXH64 or SHA-1 members), or broken on purpose, for the import tests."""
import gzip
import hashlib
import io
import subprocess
import tarfile
import uuid

MIB = 1024 * 1024
CHUNK = MIB


def xxh64(data):
    """A chunk's .xxhash member, as XAPI writes it ("%016LX"), by xxhsum: apart from the
    xxhash header xapi-lite is built with."""
    out = subprocess.run(["xxhsum", "-H1", "-"], input=data, check=True,
                         capture_output=True).stdout.decode()
    return out.split()[0].upper()


def sha1(data):
    """A chunk's .checksum member (XAPI before 8.1): lower-case hex."""
    return hashlib.sha1(data).hexdigest()


def value(x):
    """x as an XML-RPC <value>, as ocaml-rpc writes it (ints as strings, untagged)."""
    if isinstance(x, bool):
        return "<value><boolean>%d</boolean></value>" % x
    if isinstance(x, int):
        return "<value>%d</value>" % x
    if isinstance(x, float):
        return "<value><double>%r</double></value>" % x
    if isinstance(x, dict):
        return "<value><struct>%s</struct></value>" % "".join(
            "<member><name>%s</name>%s</member>" % (esc(k), value(v)) for k, v in x.items())
    if isinstance(x, (list, tuple)):
        return "<value><array><data>%s</data></array></value>" % "".join(value(v) for v in x)
    return "<value>%s</value>" % esc(str(x))


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Disk:
    """A disk's contents: chunks (chunk number -> bytes) over zeros, size bytes long."""

    def __init__(self, size, chunks):
        self.size = size
        self.chunks = dict(chunks)

    def image_sha256(self):
        """The sha256 of the whole disk as the import should leave it."""
        h, zero, off = hashlib.sha256(), bytes(CHUNK), 0
        for n in sorted(self.chunks):
            while off < n * CHUNK:
                step = min(CHUNK, n * CHUNK - off)
                h.update(zero[:step])
                off += step
            h.update(self.chunks[n])
            off += len(self.chunks[n])
        while off < self.size:
            step = min(CHUNK, self.size - off)
            h.update(zero[:step])
            off += step
        return h.hexdigest()

    def stream(self):
        """The chunks the export sends: every one given, and the first and the last."""
        last = (self.size - 1) // CHUNK
        for n in sorted(set(self.chunks) | {0, last}):
            data = self.chunks.get(n)
            if data is None:
                data = bytes(min(CHUNK, self.size - n * CHUNK))
            yield n, data


class Xva:
    """The objects of an export (class, id, snapshot) and the disks of its VDIs."""

    def __init__(self, export_vsn=2, xapi=(1, 20)):
        self.objects = []
        self.disks = {}
        self.version = {
            "hostname": "export-host", "date": "2026-01-01", "product_version": "8.2.1",
            "product_brand": "XCP-ng", "build_number": "release/yangtze/master/58",
            "xapi_major": xapi[0], "xapi_minor": xapi[1]}
        if export_vsn is not None:
            self.version["export_vsn"] = export_vsn
        self.sr = self.add("SR", {"uuid": str(uuid.uuid4()), "name_label": "Local storage",
                                  "content_type": "user", "type": "ext", "VDIs": []})
        self.iso_sr = None

    def add(self, cls, snapshot):
        ref = "Ref:%d" % len(self.objects)
        self.objects.append({"class": cls, "id": ref, "snapshot": snapshot})
        return ref

    def snap(self, ref):
        return next(o["snapshot"] for o in self.objects if o["id"] == ref)

    def vm(self, name, **fields):
        rec = {
            "uuid": str(uuid.uuid4()), "name_label": name, "name_description": "imported",
            "power_state": "Halted", "is_a_template": False, "is_a_snapshot": False,
            "snapshot_of": "OpaqueRef:NULL", "parent": "OpaqueRef:NULL",
            "memory_static_max": 256 * MIB, "memory_dynamic_max": 256 * MIB,
            "memory_dynamic_min": 256 * MIB, "memory_static_min": 128 * MIB,
            "memory_target": 256 * MIB, "VCPUs_max": 2, "VCPUs_at_startup": 2,
            "actions_after_shutdown": "destroy", "actions_after_reboot": "restart",
            "actions_after_crash": "restart", "HVM_boot_policy": "BIOS order",
            "HVM_boot_params": {"order": "dc"}, "platform": {"acpi": "1"},
            "domain_type": "hvm", "other_config": {"mac_seed": str(uuid.uuid4())},
            "generation_id": "1:2", "version": 3, "VBDs": [], "VIFs": [],
            "an_unknown_field": {"ignored": "yes"}}
        rec.update(fields)
        return self.add("VM", rec)

    def disk(self, vm, disk, userdevice, bootable=False, mode="RW", name="disk"):
        """A VDI holding disk (a Disk) in a drive of vm; returns (vdi, vbd)."""
        vdi = self.add("VDI", {
            "uuid": str(uuid.uuid4()), "name_label": name, "name_description": "",
            "SR": self.sr, "virtual_size": disk.size, "type": "user", "sharable": False,
            "read_only": mode == "RO", "other_config": {"k": "v"}, "sm_config": {},
            "location": str(uuid.uuid4()), "VBDs": []})
        self.disks[vdi] = disk
        vbd = self.vbd(vm, vdi, userdevice, "Disk", bootable, mode)
        return vdi, vbd

    def vbd(self, vm, vdi, userdevice, type_, bootable=False, mode="RW", empty=False):
        vbd = self.add("VBD", {
            "uuid": str(uuid.uuid4()), "VM": vm, "VDI": vdi, "device": "xvd" + userdevice,
            "userdevice": userdevice, "bootable": bootable, "mode": mode, "type": type_,
            "unpluggable": False, "empty": empty, "currently_attached": False,
            "other_config": {}, "qos_algorithm_type": "", "qos_algorithm_params": {}})
        self.snap(vm)["VBDs"].append(vbd)
        return vbd

    def cd(self, vm, userdevice, location="debian.iso"):
        """A CD drive holding an ISO of an ISO library (not in the archive's data)."""
        if self.iso_sr is None:
            self.iso_sr = self.add("SR", {"uuid": str(uuid.uuid4()), "name_label": "ISOs",
                                          "content_type": "iso", "type": "iso"})
        vdi = self.add("VDI", {"uuid": str(uuid.uuid4()), "name_label": location,
                               "SR": self.iso_sr, "virtual_size": 100 * MIB,
                               "type": "user", "location": location})
        return self.vbd(vm, vdi, userdevice, "CD", mode="RO")

    def network(self, name, bridge):
        return self.add("network", {"uuid": str(uuid.uuid4()), "name_label": name,
                                    "name_description": "", "bridge": bridge, "MTU": 1500,
                                    "other_config": {}, "VIFs": []})

    def vif(self, vm, network, device, mac="aa:bb:cc:00:11:22"):
        vif = self.add("VIF", {"uuid": str(uuid.uuid4()), "VM": vm, "network": network,
                               "device": device, "MAC": mac, "MTU": 1500,
                               "currently_attached": False, "other_config": {},
                               "locking_mode": "network_default"})
        self.snap(vm)["VIFs"].append(vif)
        return vif

    def ova_xml(self):
        return ('<?xml version="1.0" encoding="UTF-8"?>' + value(
            {"version": self.version, "objects": self.objects})).encode()

    def members(self, checksum="xxhash", tamper=None):
        """The archive's members in order, (name, bytes): tamper(name, data) may change
        or drop (None) each."""
        out = [("ova.xml", self.ova_xml())]
        for ref in sorted(self.disks):
            for n, data in self.disks[ref].stream():
                name = "%s/%08d" % (ref, n)
                out.append((name, data))
                if checksum == "xxhash":
                    out.append((name + ".xxhash", xxh64(data).encode()))
                elif checksum == "sha1":
                    out.append((name + ".checksum", sha1(data).encode()))
        if tamper is not None:
            out = [(n, d) for n, d in ((n, tamper(n, d)) for n, d in out) if d is not None]
        return out

    def tar(self, checksum="xxhash", tamper=None, fmt=tarfile.USTAR_FORMAT, members=None):
        """The archive as bytes."""
        f = io.BytesIO()
        with tarfile.open(fileobj=f, mode="w", format=fmt) as t:
            for name, data in members or self.members(checksum, tamper):
                ti = tarfile.TarInfo(name)
                ti.size, ti.mtime, ti.mode = len(data), 1767225600, 0o644
                t.addfile(ti, io.BytesIO(data))
        return f.getvalue()


def gzipped(data):
    return gzip.compress(data, 1)


def zstded(data):
    return subprocess.run(["zstd", "-q", "-c", "-1"], input=data, check=True,
                          capture_output=True).stdout
