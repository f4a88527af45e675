"""Durability: every acknowledged write survives kill -9; a damaged journal record ends the
replay there and the rest is kept aside; a damaged snapshot falls back to the previous
generation without losing anything, and a start with no generation to load stops with the
fix; a full disk makes writes fail (reads answer) until space returns."""
import errno
import glob
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import xmlrpc.client
import zlib

from xapi_server import BIN, PASSWORD, Server, free_port, until

FIX = "restore the state directory from a backup, or move %s/db.* away to start with a new database"


def ok(r):
    assert r["Status"] == "Success", r
    return r["Value"]


def connect(server):
    p = xmlrpc.client.ServerProxy(server.url)
    return p, ok(p.session.login_with_password("root", PASSWORD))


def flip(path, offset):
    """Damages one byte of a file."""
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0x20]))


def lines(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n")


class Base(unittest.TestCase):
    def setUp(self):
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            if s.proc.poll() is None:
                s.kill()
        if self.servers:
            self.servers[0].remove()

    def start(self, workdir=None):
        server = Server(workdir or (self.servers[0].dir if self.servers else None))
        self.servers.append(server)
        return server

    def path(self, server, name):
        return os.path.join(server.state, name)

    def damaged(self, server, prefix):
        return sorted(glob.glob(os.path.join(server.state, prefix + ".damaged-*")))

    def start_fails(self, server=None, state=None, shadow=None):
        """Starts xapi-lite on server's directory, expecting it to refuse: its stderr."""
        p = subprocess.run(
            [BIN, "--backend", "sim", "--state", state or server.state,
             "--listen", "127.0.0.1:%d" % free_port(), "--password-file",
             shadow or server.shadow, "--log", "-"], capture_output=True, timeout=60)
        self.assertNotEqual(p.returncode, 0, "the start is refused: %s" % p.stderr)
        return p.stderr.decode()


class Durability(Base):
    def test_kill_9_during_a_stream_of_writes(self):
        server = self.start()
        p, s = connect(server)
        tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        target = ok(p.VM.clone(s, tpl, "durable"))
        acked_clones, last_acked = [], None
        killer = threading.Timer(random.uniform(0.5, 1.5), server.kill)
        killer.start()
        i = 0
        try:
            while True:
                ok(p.VM.set_name_description(s, target, "v%d" % i))
                last_acked = i
                i += 1
                if i % 5 == 0:
                    acked_clones.append(ok(p.VM.clone(s, tpl, "clone-%d" % i)))
        except (OSError, xmlrpc.client.ProtocolError, AssertionError):
            pass    # the server died under us, as planned
        killer.join()
        self.assertIsNotNone(last_acked, "writes were acknowledged before the kill came")

        server = self.start()
        p, s = connect(server)
        got = ok(p.VM.get_name_description(s, target))
        # The last acknowledged value, or the one in flight when the kill came.
        self.assertIn(got, ("v%d" % last_acked, "v%d" % (last_acked + 1)))
        vms = ok(p.VM.get_all(s))
        for ref in acked_clones:
            self.assertIn(ref, vms, "an acknowledged clone survives")
        self.assertEqual(server.stop(), 0)

    def test_clean_restart_keeps_everything(self):
        server = self.start()
        p, s = connect(server)
        tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(p.VM.clone(s, tpl, "kept"))
        ok(p.VM.add_to_other_config(s, vm, "k", "v"))
        before = ok(p.VM.get_record(s, vm))
        gone = ok(p.VM.clone(s, tpl, "gone"))
        ok(p.VM.destroy(s, gone))
        self.assertEqual(server.stop(), 0)
        journal = lines(self.path(server, "db.journal"))
        self.assertEqual(len(journal), 2, "a clean stop folds the journal into the snapshot")
        self.assertIn(b'{"after":', journal[0], "only the header is left")
        for name in ("db.snapshot.1", "db.journal.1"):
            self.assertTrue(os.path.exists(self.path(server, name)),
                            "the previous generation is kept: %s" % name)
        server = self.start()
        p, s = connect(server)
        after = ok(p.VM.get_record(s, vm))
        self.assertEqual(before, after, "the record is the same after a restart")
        self.assertEqual(p.VM.get_record(s, gone)["ErrorDescription"][0], "HANDLE_INVALID")
        self.assertEqual(len(ok(p.pool.get_all(s))), 1, "no second pool on restart")
        self.assertEqual(server.stop(), 0)

    def test_a_host_disabled_for_a_reboot_starts_enabled(self):
        server = self.start()
        p, s = connect(server)
        host = ok(p.host.get_all(s))[0]
        ok(p.host.set_hostname_live(s, host, "kept-name"))
        ok(p.host.disable(s, host))
        ok(p.host.reboot(s, host))
        self.assertFalse(ok(p.host.get_enabled(s, host)))
        self.assertEqual(server.stop(), 0)
        server = self.start()
        p, s = connect(server)
        self.assertTrue(ok(p.host.get_enabled(s, host)), "enabled again, as XAPI starts")
        self.assertEqual(ok(p.host.get_hostname(s, host)), "kept-name")
        self.assertEqual(server.stop(), 0)


class DamagedJournal(Base):
    def journal(self, server):
        return self.path(server, "db.journal")

    def check_kept(self, server, offset, tail):
        kept = self.damaged(server, "db.journal")
        self.assertEqual(len(kept), 1, "one copy of the damaged end: %s" % kept)
        with open(kept[0], "rb") as f:
            self.assertEqual(f.read(), tail, "the copy holds the journal from the bad record on")
        self.assertIn("kept the %d bytes from there in %s" % (len(tail), kept[0]),
                      server.log_text())
        # Cut at the bad record: what follows it now was written since the start (the
        # sampler's first metrics may already be there).
        with open(self.journal(server), "rb") as f:
            now = f.read()
        self.assertGreaterEqual(len(now), offset, "the journal before the bad record stays")
        self.assertFalse(now[offset:].startswith(tail), "cut at the bad record")

    def test_torn_tail_is_cut_kept_and_logged(self):
        server = self.start()
        p, s = connect(server)
        tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(p.VM.clone(s, tpl, "before the tear"))
        server.kill()       # a clean stop would fold the journal into a snapshot
        size = os.path.getsize(self.journal(server))
        torn = b'0badc0de {"c":"VM","r":"OpaqueRef:'     # a write cut short
        with open(self.journal(server), "ab") as f:
            f.write(torn)
        server = self.start()
        p, s = connect(server)
        self.assertEqual(ok(p.VM.get_name_label(s, vm)), "before the tear")
        self.assertRegex(server.log_text(), r"db\.journal: torn last line at line \d+ "
                         r"\(byte %d\); replayed the \d+ records before it" % size)
        self.check_kept(server, size, torn)
        ok(p.VM.set_name_label(s, vm, "after the tear"))
        server.kill()
        server = self.start()
        p, s = connect(server)
        self.assertEqual(ok(p.VM.get_name_label(s, vm)), "after the tear",
                         "appends go on after the cut")
        self.assertEqual(server.stop(), 0)

    def test_bad_checksum_in_the_middle_stops_the_replay_there(self):
        server = self.start()
        p, s = connect(server)
        tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        first = ok(p.VM.clone(s, tpl, "first"))
        offset = os.path.getsize(self.journal(server))
        second = ok(p.VM.clone(s, tpl, "second"))
        third = ok(p.VM.clone(s, tpl, "third"))
        server.kill()
        flip(self.journal(server), offset + 20)
        with open(self.journal(server), "rb") as f:
            tail = f.read()[offset:]
        line = lines(self.journal(server)).index(tail.split(b"\n")[0]) + 1
        server = self.start()
        p, s = connect(server)
        self.assertEqual(ok(p.VM.get_name_label(s, first)), "first")
        for gone in (second, third):
            self.assertEqual(p.VM.get_record(s, gone)["ErrorDescription"][0],
                             "HANDLE_INVALID", "the damaged record and what follows are gone")
        self.assertIn("%s: bad checksum at line %d (byte %d)" % (self.journal(server), line,
                                                                  offset), server.log_text())
        self.check_kept(server, offset, tail)
        self.assertEqual(server.stop(), 0)

    def test_unparsable_record_with_a_good_checksum(self):
        server = self.start()
        p, s = connect(server)
        tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(p.VM.clone(s, tpl, "kept"))
        server.kill()
        size = os.path.getsize(self.journal(server))
        # What a checksum does not catch: a record this build cannot read.
        for body in (b'{"c":"VM",', b'{"c":"NoSuchClass","r":"x","cg":1,"g":1,"f":{}}'):
            with open(self.journal(server), "r+b") as f:
                f.truncate(size)
                f.seek(size)
                f.write(b"%08x %s\n" % (zlib.crc32(body), body))
                f.write(b"00000000 {}\n")
            server = self.start()
            p, s = connect(server)
            self.assertEqual(ok(p.VM.get_name_label(s, vm)), "kept")
            self.assertRegex(server.log_text(), r"(unparsable record|record that does not fit "
                             r"the model) at line \d+ \(byte %d\)" % size)
            server.kill()
        self.assertEqual(len(self.damaged(server, "db.journal")), 2,
                         "every damaged end is kept, none overwritten")

    def test_damaged_header_after_a_clean_stop(self):
        server = self.start()
        p, s = connect(server)
        tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(p.VM.clone(s, tpl, "in the snapshot"))
        self.assertEqual(server.stop(), 0)
        flip(self.journal(server), 12)
        with open(self.journal(server), "rb") as f:
            tail = f.read()
        server = self.start()
        p, s = connect(server)
        self.assertEqual(ok(p.VM.get_name_label(s, vm)), "in the snapshot")
        self.assertIn("db.journal: bad checksum at line 1 (byte 0)", server.log_text())
        self.check_kept(server, 0, tail)
        ok(p.VM.set_name_label(s, vm, "later"))
        server.kill()
        server = self.start()
        p, s = connect(server)
        self.assertEqual(ok(p.VM.get_name_label(s, vm)), "later")
        self.assertEqual(server.stop(), 0)


class DamagedSnapshot(Base):
    def history(self, clean_stop):
        """Writes "a", stops (cleanly or not), starts, writes "b", kills -9. Returns the
        server and the VMs."""
        server = self.start()
        p, s = connect(server)
        tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        a = ok(p.VM.clone(s, tpl, "a"))
        if clean_stop:
            self.assertEqual(server.stop(), 0)
        else:
            server.kill()
        server = self.start()
        p, s = connect(server)
        b = ok(p.VM.clone(s, tpl, "b"))
        ok(p.VM.set_name_description(s, a, "changed after a restart"))
        gone = ok(p.VM.clone(s, tpl, "gone"))
        ok(p.VM.destroy(s, gone))
        server.kill()
        return server, a, b, gone

    def check_holds(self, server, a, b, gone):
        p, s = connect(server)
        self.assertEqual(ok(p.VM.get_name_label(s, a)), "a")
        self.assertEqual(ok(p.VM.get_name_description(s, a)), "changed after a restart")
        self.assertEqual(ok(p.VM.get_name_label(s, b)), "b")
        self.assertEqual(p.VM.get_record(s, gone)["ErrorDescription"][0], "HANDLE_INVALID")
        self.assertEqual(len(ok(p.pool.get_all(s))), 1)

    def fall_back(self, clean_stop, damage, said):
        server, a, b, gone = self.history(clean_stop)
        snapshot = self.path(server, "db.snapshot")
        with open(snapshot, "rb") as f:
            original = f.read()
        damage(snapshot)
        damaged = None
        if os.path.exists(snapshot):
            with open(snapshot, "rb") as f:
                damaged = f.read()
        server = self.start()
        self.check_holds(server, a, b, gone)
        log = server.log_text()
        self.assertRegex(log, "%s%s; started from the previous generation" % (
            snapshot.replace(".", r"\."), said))
        kept = self.damaged(server, "db.snapshot")
        if damaged is None:
            self.assertEqual(kept, [], "nothing to keep")
        else:
            self.assertEqual(len(kept), 1, "the damaged snapshot is kept")
            with open(kept[0], "rb") as f:
                self.assertEqual(f.read(), damaged)
            self.assertIn("kept the damaged snapshot as %s" % kept[0], log)
        self.assertNotEqual(original, b"")
        # A new snapshot is written at once: the next start needs no fallback.
        server.kill()
        server = self.start()
        self.check_holds(server, a, b, gone)
        self.assertNotIn("previous generation", server.log_text().split(log, 1)[-1])
        self.assertEqual(server.stop(), 0)
        server = self.start()
        self.check_holds(server, a, b, gone)
        self.assertEqual(server.stop(), 0)

    def test_bad_byte_after_a_clean_stop(self):
        # db.snapshot.1 + db.journal.1 + db.journal
        def damage(path):
            flip(path, os.path.getsize(path) // 2)
        self.fall_back(True, damage, r": bad checksum at line \d+ \(byte \d+\)")

    def test_empty_after_kill_9(self):
        # db.snapshot.1 (what the first start wrote) + db.journal
        def damage(path):
            open(path, "wb").close()
        self.fall_back(False, damage, " is empty")

    def test_missing_after_a_clean_stop(self):
        self.fall_back(True, os.unlink, " is missing")

    def test_each_step_of_a_snapshot_loads_the_same(self):
        """A crash between the renames of a snapshot: db.snapshot moved to db.snapshot.1,
        then db.journal to db.journal.1, then (last) the new db.journal not yet there."""
        server, a, b, gone = self.history(True)
        saved = os.path.join(server.dir, "saved")
        shutil.copytree(server.state, saved)
        for moved, used in ((["db.snapshot"], "db.snapshot.1 and db.journal"),
                            (["db.snapshot", "db.journal"], "db.snapshot.1 and db.journal.1")):
            shutil.rmtree(server.state)
            shutil.copytree(saved, server.state)
            for name in moved:
                os.replace(self.path(server, name), self.path(server, name + ".1"))
            server = self.start()
            self.check_holds(server, a, b, gone)
            self.assertIn("%s is missing; started from the previous generation (%s)" % (
                self.path(server, "db.snapshot"), used), server.log_text())
            server.kill()
        self.assertEqual(self.damaged(server, "db.snapshot"), [], "nothing was damaged")

    def test_a_missing_journal_is_started_again(self):
        server = self.start()
        p, s = connect(server)
        tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        a = ok(p.VM.clone(s, tpl, "a"))
        self.assertEqual(server.stop(), 0)
        os.unlink(self.path(server, "db.journal"))
        server = self.start()
        p, s = connect(server)
        self.assertEqual(ok(p.VM.get_name_label(s, a)), "a")
        b = ok(p.VM.clone(s, tpl, "b"))
        server.kill()
        snapshot = self.path(server, "db.snapshot")
        flip(snapshot, os.path.getsize(snapshot) // 2)
        server = self.start()
        p, s = connect(server)
        self.assertEqual(ok(p.VM.get_name_label(s, a)), "a")
        self.assertEqual(ok(p.VM.get_name_label(s, b)), "b")
        self.assertEqual(server.stop(), 0)

    def test_no_generation_loads(self):
        server, a, b, gone = self.history(True)
        snapshot = self.path(server, "db.snapshot")
        flip(snapshot, os.path.getsize(snapshot) // 2)
        line = next(i for i, l in enumerate(lines(snapshot), 1)
                    if l and int(l[:8], 16) != zlib.crc32(l[9:]))
        os.rename(self.path(server, "db.snapshot.1"), self.path(server, "saved"))
        err = self.start_fails(server)
        self.assertIn("%s: bad checksum at line %d (byte " % (snapshot, line), err)
        self.assertIn("and %s/db.snapshot.1 is missing; " % server.state, err)
        self.assertIn(FIX % server.state, err)
        self.assertEqual(len(err.strip().split("\n")), 1, "one message: %s" % err)

        # The previous generation damaged too.
        os.rename(self.path(server, "saved"), self.path(server, "db.snapshot.1"))
        open(self.path(server, "db.snapshot.1"), "ab").write(b"torn")
        err = self.start_fails(server)
        self.assertRegex(err, r"and %s/db\.snapshot\.1: torn last line at line \d+" %
                         server.state)
        self.assertIn(FIX % server.state, err)

        # The previous generation's journal, needed to reach db.journal, is damaged.
        with open(self.path(server, "db.snapshot.1"), "r+b") as f:
            f.truncate(os.path.getsize(self.path(server, "db.snapshot.1")) - 4)
        journal1 = self.path(server, "db.journal.1")
        flip(journal1, os.path.getsize(journal1) - 10)
        err = self.start_fails(server)
        self.assertRegex(err, r"and %s/db\.journal\.1: bad checksum at line \d+ \(byte \d+\)"
                         % server.state)
        self.assertIn(FIX % server.state, err)
        os.unlink(journal1)
        err = self.start_fails(server)
        self.assertIn("and %s/db.journal.1 is missing" % server.state, err)
        for name in ("db.snapshot", "db.snapshot.1", "db.journal"):
            self.assertTrue(os.path.exists(self.path(server, name)), "a refusal changes nothing")

    def test_an_older_builds_files_load(self):
        """Files without headers (an older build's) pair by name, in both generations."""
        server = self.start()
        p, s = connect(server)
        tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        a = ok(p.VM.clone(s, tpl, "a"))
        server.kill()
        for name in ("db.snapshot", "db.journal"):
            with open(self.path(server, name), "rb") as f:
                data = f.read()
            self.assertIn(b'{"snapshot":' if name == "db.snapshot" else b'{"after":',
                          data.split(b"\n")[0])
            with open(self.path(server, name), "wb") as f:
                f.write(data.split(b"\n", 1)[1])
        os.unlink(self.path(server, "db.snapshot.1"))
        server = self.start()
        p, s = connect(server)
        self.assertEqual(ok(p.VM.get_name_label(s, a)), "a")
        b = ok(p.VM.clone(s, tpl, "b"))
        self.assertEqual(server.stop(), 0)      # the older pair is the previous generation
        self.assertNotIn(b'"snapshot"', lines(self.path(server, "db.snapshot.1"))[0])
        server = self.start()
        p, s = connect(server)
        c = ok(p.VM.clone(s, tpl, "c"))
        server.kill()
        snapshot = self.path(server, "db.snapshot")
        flip(snapshot, os.path.getsize(snapshot) // 2)
        server = self.start()
        p, s = connect(server)
        for vm, name in ((a, "a"), (b, "b"), (c, "c")):
            self.assertEqual(ok(p.VM.get_name_label(s, vm)), name)
        self.assertIn("started from the previous generation (db.snapshot.1, db.journal.1 and "
                      "db.journal)", server.log_text())
        self.assertEqual(server.stop(), 0)

    def test_a_journal_without_a_snapshot_is_refused(self):
        server = self.start()
        server.kill()
        for name in ("db.snapshot", "db.snapshot.1"):
            os.unlink(self.path(server, name))
        err = self.start_fails(server)
        self.assertIn("%s/db.snapshot is missing, and %s/db.snapshot.1 is missing" %
                      (server.state, server.state), err)


class FullDisk(Base):
    """The state directory on a small tmpfs that a filler file fills."""
    SIZE = "16m"

    def setUp(self):
        super().setUp()
        self.work = tempfile.mkdtemp(prefix="xapi-lite-test-")
        self.state = os.path.join(self.work, "state")
        os.mkdir(self.state)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + self.SIZE, "tmpfs",
                            self.state], capture_output=True)
        if r.returncode != 0:
            shutil.rmtree(self.work)
            self.skipTest("cannot mount a tmpfs as the state directory (needs root): %s" %
                          r.stderr.decode().strip())
        self.filler = os.path.join(self.state, "filler")

    def tearDown(self):
        for s in self.servers:
            if s.proc.poll() is None:
                s.kill()
        subprocess.run(["umount", self.state])
        shutil.rmtree(self.work, ignore_errors=True)

    def fill(self):
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        chunk = b"\0" * 65536
        try:
            while True:
                try:
                    os.write(fd, chunk)
                except OSError as e:
                    self.assertEqual(e.errno, errno.ENOSPC)
                    if len(chunk) == 1:
                        break
                    chunk = chunk[:len(chunk) // 2]
        finally:
            os.close(fd)

    def test_writes_fail_while_full_and_resume(self):
        server = self.start(self.work)
        p, s = connect(server)
        tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(p.VM.clone(s, tpl, "on a small disk"))
        self.fill()
        acked = ["on a small disk"]
        refused = []

        def write():
            r = p.VM.set_name_label(s, vm, "full-%d" % len(acked))
            if r["Status"] == "Success":
                acked.append("full-%d" % len(acked))
                return None
            return r["ErrorDescription"]
        # What the reservation holds may still be written; then writes are refused.
        err = until("a write on a full disk fails", write)
        self.assertEqual(err, ["INTERNAL_ERROR",
                               "the database cannot be written: No space left on device"])
        self.assertIsNone(server.proc.poll(), "the service stays up")
        # Reads answer; sessions, in memory only, come and go.
        self.assertEqual(ok(p.VM.get_name_label(s, vm)), acked[-1])
        self.assertIn(vm, ok(p.VM.get_all_records(s)))
        host = ok(p.host.get_all(s))[0]     # a host plugin only reads
        self.assertEqual(ok(p.host.call_plugin(s, host, "hyperthreading.py",
                                               "get_hyperthreading", {})), "false")
        p2, s2 = connect(server)
        self.assertIn(vm, ok(p2.VM.get_all(s2)))
        ok(p2.session.logout(s2))
        for call in (lambda: p.VM.clone(s, tpl, "no room"),
                     lambda: p.Async.VM.clone(s, tpl, "no room"),
                     lambda: p.VM.add_to_other_config(s, vm, "k", "v"),
                     lambda: p.event.inject(s, "VM", vm)):
            r = call()
            self.assertEqual(r["Status"], "Failure", r)
            self.assertIn("No space left", r["ErrorDescription"][1])
        self.assertIn("writes are refused until it can be written again", server.log_text())
        # Time must pass: a retry or two (one a second, silent while they fail) while still
        # full change nothing.
        time.sleep(1.5)
        self.assertEqual(p.VM.set_name_label(s, vm, "x")["ErrorDescription"], err)

        os.unlink(self.filler)

        def resumed():
            r = p.VM.set_name_label(s, vm, "after")
            return r["Status"] == "Success"
        until("writes resume once there is room", resumed)
        self.assertIn("db.journal: writable again", server.log_text())
        clone = ok(p.VM.clone(s, tpl, "after the full disk"))
        server.kill()
        server = self.start(self.work)
        p, s = connect(server)
        self.assertEqual(ok(p.VM.get_name_label(s, vm)), "after")
        self.assertEqual(ok(p.VM.get_name_label(s, clone)), "after the full disk")
        self.assertEqual(server.stop(), 0)

    def test_start_on_a_full_disk(self):
        server = self.start(self.work)
        p, s = connect(server)
        tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(p.VM.clone(s, tpl, "before"))
        server.kill()
        # A damaged end to keep aside, and no room to keep it in.
        with open(os.path.join(self.state, "db.journal"), "ab") as f:
            f.write(b"0badc0de torn")
        size = os.path.getsize(os.path.join(self.state, "db.journal"))
        self.fill()
        server = self.start(self.work)
        p, s = connect(server)
        self.assertEqual(ok(p.VM.get_name_label(s, vm)), "before", "reads serve")
        r = p.VM.set_name_label(s, vm, "refused")
        self.assertEqual(r["Status"], "Failure", r)
        self.assertIn("damaged end of db.journal", r["ErrorDescription"][1])
        self.assertIn("No space left on device", r["ErrorDescription"][1])
        self.assertIn("the rest stays in place, and writes are refused", server.log_text())
        self.assertEqual(os.path.getsize(os.path.join(self.state, "db.journal")), size,
                         "nothing is cut before it is kept")
        os.unlink(self.filler)

        def resumed():
            return p.VM.set_name_label(s, vm, "after")["Status"] == "Success"
        until("writes resume once there is room", resumed)
        kept = self.damaged(server, "db.journal")
        self.assertEqual(len(kept), 1)
        with open(kept[0], "rb") as f:
            self.assertEqual(f.read(), b"0badc0de torn")
        server.kill()
        server = self.start(self.work)
        p, s = connect(server)
        self.assertEqual(ok(p.VM.get_name_label(s, vm)), "after")
        self.assertEqual(server.stop(), 0)

    def test_a_first_start_on_a_full_disk(self):
        shadow = os.path.join(self.work, "locked-shadow")
        with open(shadow, "w") as f:
            f.write("root:!:19000:0:99999:7:::\n")
        self.fill()
        err = self.start_fails(state=self.state, shadow=shadow)
        self.assertIn("cannot write the first snapshot in %s: No space left on device" %
                      self.state, err)
        self.assertEqual(glob.glob(os.path.join(self.state, "db.*")), [],
                         "a start that failed leaves nothing behind")
        os.unlink(self.filler)
        server = self.start(self.work)
        p, s = connect(server)
        self.assertEqual(len(ok(p.pool.get_all(s))), 1)
        self.assertEqual(server.stop(), 0)

    def test_a_snapshot_without_room_loses_nothing(self):
        server = self.start(self.work)
        p, s = connect(server)
        tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
        vm = ok(p.VM.clone(s, tpl, "big"))
        journal = os.path.join(self.state, "db.journal")
        big = "x" * (200 * 1024)
        i = 0
        while os.path.getsize(journal) < 900 * 1024:
            ok(p.VM.set_name_description(s, vm, "%d %s" % (i, big)))
            i += 1
        self.fill()
        # Past the size that calls for a snapshot: the journal takes it (the reservation),
        # the snapshot has no room.
        ok(p.VM.set_name_description(s, vm, "%d %s" % (i, big)))
        self.assertIn("db.snapshot cannot be written (No space left on device); the journal "
                      "keeps everything", server.log_text())
        self.assertGreater(os.path.getsize(journal), 1024 * 1024, "the journal is kept")
        os.unlink(self.filler)
        until("the snapshot is written once there is room",
                   lambda: "db.snapshot written" in server.log_text())
        self.assertLess(os.path.getsize(journal), 1024, "a new journal follows it")
        ok(p.VM.set_name_label(s, vm, "after the snapshot"))
        server.kill()
        server = self.start(self.work)
        p, s = connect(server)
        self.assertEqual(ok(p.VM.get_name_description(s, vm)), "%d %s" % (i, big))
        self.assertEqual(ok(p.VM.get_name_label(s, vm)), "after the snapshot")
        self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
