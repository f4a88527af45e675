"""pool_update as XenServer offers it (introduce on a VDI holding the update, precheck,
apply, pool_apply, pool_clean, destroy), with XAPI's records and errors. xapi-lite reads,
checks and installs an image through its --upgrade program (atoll-upgrade on a host, where
the system tests run it); here a stand-in keeps atoll-upgrade's contract (lib/upgrade_exit.h):
--inspect prints the image's line or fails with status 3, --check and an install exit with
the status of the refusal. The VDI's first line tells it what to be."""
import os
import shutil
import tempfile
import unittest
import xmlrpc.client

from xapi_server import MIB, PASSWORD, ApiTest, Server, err, ok

UPGRADE = """#!/bin/sh
# A stand-in for atoll-upgrade: the VDI's first line is "version=V" or "bad"; a file
# "refuse" beside this script holds the exit status of --check and of an install.
dir=$(dirname "$0")
echo "$*" >> "$dir/calls"
case $1 in
--inspect)
	line=$(head -n 1 "$2")
	case $line in
	version=*) echo "atoll-upgrade: [1/1] reading the image and checking it"
		echo "image $line bytes=61440000"; exit 0 ;;
	esac
	echo "atoll-upgrade: UPGRADE FAILED: vmlinuz does not match SHA256SUMS"; exit 3 ;;
*)
	status=$(cat "$dir/refuse" 2>/dev/null || echo 0)
	[ "$status" = 0 ] || echo "atoll-upgrade: UPGRADE FAILED: refused ($status)"
	exit "$status" ;;
esac
"""
NEWER = "99.0"


def write_program(d):
    prog = os.path.join(d, "atoll-upgrade")
    with open(prog, "w") as f:
        f.write(UPGRADE)
    os.chmod(prog, 0o755)
    return prog


class PoolUpdate(ApiTest):
    @classmethod
    def start_server(cls):
        cls.bindir = tempfile.mkdtemp(prefix="upgrade-")
        cls.addClassCleanup(shutil.rmtree, cls.bindir, True)
        cls.extra = ["--upgrade", write_program(cls.bindir)]
        return super().start_server()

    def setUp(self):
        self.host = ok(self.p.host.get_all(self.s))[0]
        self.refuse(0)

    def refuse(self, status):
        with open(os.path.join(self.bindir, "refuse"), "w") as f:
            f.write("%d\n" % status)

    def upload(self, first_line):
        vdi = self.vdi(MIB, name="[XO] Patch ISO")
        with open(self.path(vdi), "r+b") as f:
            f.write(first_line.encode() + b"\n")
        return vdi

    def introduce(self, version):
        vdi = self.upload("version=" + version)
        return ok(self.p.pool_update.introduce(self.s, vdi)), vdi

    def forget(self, update):
        """Takes update off the host and out of the database."""
        if ok(self.p.pool_update.get_hosts(self.s, update)):
            return      # an applied one stays, as in XAPI
        ok(self.p.pool_update.pool_clean(self.s, update))
        ok(self.p.pool_update.destroy(self.s, update))

    def test_introduce_reads_the_image(self):
        u, vdi = self.introduce("98.1")
        self.addCleanup(self.forget, u)
        rec = ok(self.p.pool_update.get_record(self.s, u))
        self.assertEqual({k: rec[k] for k in ("name_label", "version", "installation_size",
                                              "key", "after_apply_guidance", "vdi", "hosts",
                                              "enforce_homogeneity")},
                         {"name_label": "Atoll 98.1", "version": "98.1",
                          "installation_size": "61440000", "key": "",
                          "after_apply_guidance": ["restartHost"], "vdi": vdi, "hosts": [],
                          "enforce_homogeneity": False}, rec)
        self.assertEqual(ok(self.p.pool_update.get_by_uuid(self.s, rec["uuid"])), u)
        self.assertEqual(ok(self.p.pool_update.get_by_name_label(self.s, "Atoll 98.1")), [u])
        # The same update again is the one there; from another VDI it already exists.
        self.assertEqual(ok(self.p.pool_update.introduce(self.s, vdi)), u)
        other = self.upload("version=98.1")
        self.assertEqual(err(self.p.pool_update.introduce(self.s, other)),
                         ["UPDATE_ALREADY_EXISTS", rec["uuid"]])

    def test_a_bad_image_is_refused_with_its_reason(self):
        before = ok(self.p.pool_update.get_all(self.s))
        vdi = self.upload("bad")
        self.assertEqual(err(self.p.pool_update.introduce(self.s, vdi)),
                         ["INVALID_UPDATE", "vmlinuz does not match SHA256SUMS"])
        self.assertEqual(ok(self.p.pool_update.get_all(self.s)), before)
        self.assertEqual(err(self.p.pool_update.introduce(self.s, "OpaqueRef:nope"))[0],
                         "HANDLE_INVALID")

    def test_precheck_answers_with_xapis_errors(self):
        u, _ = self.introduce("98.2")
        self.addCleanup(self.forget, u)
        self.assertEqual(ok(self.p.pool_update.precheck(self.s, u, self.host)), "ok")
        version = ok(self.p.host.get_software_version(self.s, self.host))["product_version"]
        for status, want in ((3, ["INVALID_UPDATE", "refused (3)"]),
                             (4, ["UPDATE_PRECHECK_FAILED_WRONG_SERVER_VERSION", "Atoll 98.2",
                                  version, "98.2 or older"]),
                             (5, ["PATCH_PRECHECK_FAILED_VM_RUNNING", u]),
                             (6, ["UPDATE_PRECHECK_FAILED_OUT_OF_SPACE", "Atoll 98.2",
                                  "refused (6)", "61440000"]),
                             (7, ["OTHER_OPERATION_IN_PROGRESS", "pool_update", u]),
                             (1, ["UPDATE_PRECHECK_FAILED_UNKNOWN_ERROR", "Atoll 98.2",
                                  "refused (1)"])):
            self.refuse(status)
            self.assertEqual(err(self.p.pool_update.precheck(self.s, u, self.host)), want)
        self.assertEqual(err(self.p.pool_update.precheck(self.s, u, "OpaqueRef:nope"))[0],
                         "HANDLE_INVALID")

    def test_apply_marks_it_applied_and_waiting_for_a_reboot(self):
        u, _ = self.introduce(NEWER)
        self.refuse(5)
        self.assertEqual(err(self.p.pool_update.apply(self.s, u, self.host)),
                         ["PATCH_PRECHECK_FAILED_VM_RUNNING", u])
        self.assertEqual(err(self.p.pool_update.pool_apply(self.s, u)),
                         ["UPDATE_POOL_APPLY_FAILED", self.host])
        self.assertEqual(ok(self.p.pool_update.get_hosts(self.s, u)), [])
        self.refuse(0)
        task = ok(self.p.Async.pool_update.pool_apply(self.s, u))
        self.assertEqual(self.wait_task(task)["status"], "success")
        self.assertEqual(ok(self.p.pool_update.get_hosts(self.s, u)), [self.host])
        self.assertIn(u, ok(self.p.host.get_updates(self.s, self.host)))
        self.assertEqual(ok(self.p.host.get_updates_requiring_reboot(self.s, self.host)), [u])
        self.assertEqual(err(self.p.pool_update.apply(self.s, u, self.host)),
                         ["UPDATE_ALREADY_APPLIED", u])
        self.assertEqual(err(self.p.pool_update.pool_apply(self.s, u)),
                         ["UPDATE_ALREADY_APPLIED_IN_POOL", u])
        self.assertEqual(err(self.p.pool_update.destroy(self.s, u)), ["UPDATE_IS_APPLIED"])

    def test_pool_clean_drops_the_vdi_and_keeps_the_update(self):
        u, vdi = self.introduce("98.3")
        ok(self.p.pool_update.pool_clean(self.s, u))
        self.assertEqual(err(self.p.VDI.get_record(self.s, vdi))[0], "HANDLE_INVALID")
        self.assertEqual(ok(self.p.pool_update.get_vdi(self.s, u)), "OpaqueRef:NULL")
        self.assertEqual(err(self.p.pool_update.precheck(self.s, u, self.host)),
                         ["CANNOT_FIND_UPDATE"])
        # Uploaded again, it is the same update with its new VDI (as XO re-uploads).
        again, vdi2 = self.introduce("98.3")
        self.assertEqual(again, u)
        self.assertEqual(ok(self.p.pool_update.get_vdi(self.s, u)), vdi2)
        self.forget(u)
        self.assertEqual(err(self.p.pool_update.get_record(self.s, u))[0], "HANDLE_INVALID")


class AcrossARestart(unittest.TestCase):
    def test_an_update_not_running_after_the_reboot_is_no_longer_applied(self):
        """The database carries the update over; at start an update counts as applied only
        while the host runs its version (or its trial still waits, on a host): a trial
        rolled back leaves it introduced, not applied."""
        work = tempfile.mkdtemp(prefix="upgrade-restart-")
        self.addCleanup(shutil.rmtree, work, True)
        extra = ["--upgrade", write_program(work)]
        server = Server(workdir=work, extra=extra)
        try:
            p = xmlrpc.client.ServerProxy(server.url)
            s = ok(p.session.login_with_password("root", PASSWORD, "1.0", "test"))
            host = ok(p.host.get_all(s))[0]
            sr = [r for r in ok(p.SR.get_all(s)) if ok(p.SR.get_type(s, r)) == "file"][0]
            vdi = ok(p.VDI.create(s, {"name_label": "update", "SR": sr, "virtual_size":
                                      str(MIB), "type": "user", "sharable": False,
                                      "read_only": False, "other_config": {}}))
            loc = ok(p.VDI.get_location(s, vdi))
            pbd = [b for b in ok(p.PBD.get_all(s)) if ok(p.PBD.get_SR(s, b)) == sr][0]
            with open(os.path.join(ok(p.PBD.get_device_config(s, pbd))["location"], loc),
                      "r+b") as f:
                f.write(b"version=%s\n" % NEWER.encode())
            u = ok(p.pool_update.introduce(s, vdi))
            ok(p.pool_update.apply(s, u, host))
            self.assertEqual(ok(p.host.get_updates_requiring_reboot(s, host)), [u])
        finally:
            self.assertEqual(server.stop(), 0)
        server = Server(workdir=work, extra=extra)
        try:
            p = xmlrpc.client.ServerProxy(server.url)
            s = ok(p.session.login_with_password("root", PASSWORD, "1.0", "test"))
            self.assertEqual(ok(p.pool_update.get_version(s, u)), NEWER)
            self.assertEqual(ok(p.pool_update.get_hosts(s, u)), [])
            self.assertEqual(ok(p.host.get_updates(s, host)), [])
            self.assertEqual(ok(p.host.get_updates_requiring_reboot(s, host)), [])
        finally:
            self.assertEqual(server.stop(), 0)


class WithoutTheProgram(ApiTest):
    def test_calls_say_what_is_missing(self):
        vdi = self.vdi(MIB)
        self.assertEqual(err(self.p.pool_update.introduce(self.s, vdi)),
                         ["INVALID_UPDATE", "this host has no upgrade program (xapi-lite "
                          "runs without --upgrade)"])
        self.assertEqual(ok(self.p.pool_update.get_all(self.s)), [])


if __name__ == "__main__":
    unittest.main()
