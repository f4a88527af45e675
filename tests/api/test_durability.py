"""Durability: every acknowledged write survives kill -9; a torn or corrupt journal tail is
cut off and logged, and everything before it is kept."""
import os
import random
import threading
import time
import unittest
import xmlrpc.client

from xapi_server import PASSWORD, Server


def ok(r):
    assert r["Status"] == "Success", r
    return r["Value"]


def connect(server):
    p = xmlrpc.client.ServerProxy(server.url)
    return p, ok(p.session.login_with_password("root", PASSWORD))


class Durability(unittest.TestCase):
    def test_kill_9_during_a_stream_of_writes(self):
        server = Server()
        try:
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

            server = Server(server.dir)
            p, s = connect(server)
            got = ok(p.VM.get_name_description(s, target))
            # The last acknowledged value, or the one in flight when the kill came.
            self.assertIn(got, ("v%d" % last_acked, "v%d" % (last_acked + 1)))
            vms = ok(p.VM.get_all(s))
            for ref in acked_clones:
                self.assertIn(ref, vms, "an acknowledged clone survives")
            self.assertEqual(server.stop(), 0)
        finally:
            server.remove()

    def test_clean_restart_keeps_everything(self):
        server = Server()
        try:
            p, s = connect(server)
            tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
            vm = ok(p.VM.clone(s, tpl, "kept"))
            ok(p.VM.add_to_other_config(s, vm, "k", "v"))
            before = ok(p.VM.get_record(s, vm))
            gone = ok(p.VM.clone(s, tpl, "gone"))
            ok(p.VM.destroy(s, gone))
            self.assertEqual(server.stop(), 0)
            server = Server(server.dir)
            p, s = connect(server)
            after = ok(p.VM.get_record(s, vm))
            self.assertEqual(before, after, "the record is the same after a restart")
            self.assertEqual(os.path.getsize(self.journal(server)), 0,
                             "a clean stop folds the journal into the snapshot")
            self.assertEqual(p.VM.get_record(s, gone)["ErrorDescription"][0], "HANDLE_INVALID")
            self.assertEqual(len(ok(p.pool.get_all(s))), 1, "no second pool on restart")
            self.assertEqual(server.stop(), 0)
        finally:
            server.remove()

    def test_a_host_disabled_for_a_reboot_starts_enabled(self):
        server = Server()
        try:
            p, s = connect(server)
            host = ok(p.host.get_all(s))[0]
            ok(p.host.set_hostname_live(s, host, "kept-name"))
            ok(p.host.disable(s, host))
            ok(p.host.reboot(s, host))
            self.assertFalse(ok(p.host.get_enabled(s, host)))
            self.assertEqual(server.stop(), 0)
            server = Server(server.dir)
            p, s = connect(server)
            self.assertTrue(ok(p.host.get_enabled(s, host)), "enabled again, as XAPI starts")
            self.assertEqual(ok(p.host.get_hostname(s, host)), "kept-name")
            self.assertEqual(server.stop(), 0)
        finally:
            server.remove()

    def journal(self, server):
        return os.path.join(server.state, "db.journal")

    def test_torn_tail_is_cut_and_logged(self):
        server = Server()
        try:
            p, s = connect(server)
            tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
            vm = ok(p.VM.clone(s, tpl, "before the tear"))
            server.kill()       # a clean stop would fold the journal into a snapshot
            size = os.path.getsize(self.journal(server))
            with open(self.journal(server), "ab") as f:
                f.write(b'0badc0de {"c":"VM","r":"OpaqueRef:')   # a write cut short
            server = Server(server.dir)
            p, s = connect(server)
            self.assertEqual(ok(p.VM.get_name_label(s, vm)), "before the tear")
            self.assertIn("torn or corrupt tail at byte %d cut off" % size, server.log_text())
            self.assertEqual(os.path.getsize(self.journal(server)), size)
            self.assertEqual(server.stop(), 0)
        finally:
            server.remove()

    def test_corrupt_record_cuts_from_there(self):
        server = Server()
        try:
            p, s = connect(server)
            tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
            first = ok(p.VM.clone(s, tpl, "first"))
            offset = os.path.getsize(self.journal(server))
            second = ok(p.VM.clone(s, tpl, "second"))
            server.kill()
            with open(self.journal(server), "r+b") as f:
                f.seek(offset + 20)
                byte = f.read(1)
                f.seek(offset + 20)
                f.write(bytes([byte[0] ^ 0x20]))
            server = Server(server.dir)
            p, s = connect(server)
            self.assertEqual(ok(p.VM.get_name_label(s, first)), "first")
            self.assertEqual(p.VM.get_record(s, second)["ErrorDescription"][0],
                             "HANDLE_INVALID", "the damaged record and what follows are gone")
            self.assertIn("torn or corrupt tail at byte %d" % offset, server.log_text())
            self.assertEqual(server.stop(), 0)
        finally:
            server.remove()


if __name__ == "__main__":
    unittest.main(verbosity=2)
