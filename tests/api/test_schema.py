"""The database's schema across images (xapi-lite/schema.c): a database from before
db.schema (schema 1) is migrated and stamped; one a newer xapi-lite wrote is refused with
what to do, its files untouched, unless atoll-upgrade's copy from before the upgrade
(upgrade/db-before) is there: then that copy comes back, the newer one moves to db-newer/,
and a message says so."""
import os
import shutil
import tempfile
import unittest
import xmlrpc.client

from xapi_server import PASSWORD, Server, ok

SCHEMA = 2          # schema.h's SCHEMA_CURRENT


def files(d):
    """The database's files in d, name to bytes."""
    out = {}
    for name in sorted(os.listdir(d)):
        if name.startswith("db."):
            with open(os.path.join(d, name), "rb") as f:
                out[name] = f.read()
    return out


class Schema(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="xapi-schema-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.state = os.path.join(self.work, "state")

    def start(self):
        server = Server(workdir=self.work)
        p = xmlrpc.client.ServerProxy(server.url)
        return server, p, ok(p.session.login_with_password("root", PASSWORD, "1.0", "test"))

    def with_vm(self, name):
        """A database holding a VM called name; the server stopped."""
        server, p, s = self.start()
        try:
            tpl = ok(p.VM.get_by_name_label(s, "Atoll demo guest"))[0]
            ok(p.VM.clone(s, tpl, name))
        finally:
            self.assertEqual(server.stop(), 0)

    def vms(self, p, s, name):
        return ok(p.VM.get_by_name_label(s, name))

    def write_schema(self, d, text):
        with open(os.path.join(d, "db.schema"), "w") as f:
            f.write(text)

    def test_a_new_database_is_stamped(self):
        self.with_vm("first")
        with open(os.path.join(self.state, "db.schema")) as f:
            self.assertEqual(f.read(), "schema=%d\n" % SCHEMA)

    def test_a_database_from_before_the_stamp_is_migrated(self):
        self.with_vm("kept")
        os.unlink(os.path.join(self.state, "db.schema"))
        server, p, s = self.start()
        try:
            self.assertEqual(len(self.vms(p, s, "kept")), 1)
        finally:
            self.assertEqual(server.stop(), 0)
        self.assertIn("the database goes from schema 1 to 2", server.log_text())
        with open(os.path.join(self.state, "db.schema")) as f:
            self.assertEqual(f.read(), "schema=%d\n" % SCHEMA)

    def test_a_newer_database_is_refused_untouched(self):
        self.with_vm("newer")
        self.write_schema(self.state, "schema=%d\n" % (SCHEMA + 1))
        before = files(self.state)
        with self.assertRaises(RuntimeError) as cm:
            Server(workdir=self.work)
        self.assertIn("holds a database of schema %d, written by a newer xapi-lite"
                      % (SCHEMA + 1), str(cm.exception))
        self.assertIn("atoll-upgrade --rollback", str(cm.exception))
        self.assertEqual(files(self.state), before)

    def test_a_bad_stamp_is_refused(self):
        self.with_vm("any")
        for text in ("schema=two\n", "schema=0\n", "version=2\n", "schema=2 \x01\n"):
            self.write_schema(self.state, text)
            with self.assertRaises(RuntimeError) as cm:
                Server(workdir=self.work)
            self.assertIn("db.schema: not a schema record", str(cm.exception))

    def test_the_copy_from_before_the_upgrade_comes_back(self):
        self.with_vm("before the upgrade")
        copy = os.path.join(self.state, "upgrade", "db-before")
        os.makedirs(copy)
        for name, data in files(self.state).items():
            with open(os.path.join(copy, name), "wb") as f:
                f.write(data)
        self.with_vm("after the upgrade")
        self.write_schema(self.state, "schema=%d\n" % (SCHEMA + 1))
        newer = files(self.state)
        server, p, s = self.start()
        try:
            self.assertEqual(len(self.vms(p, s, "before the upgrade")), 1)
            self.assertEqual(self.vms(p, s, "after the upgrade"), [])
            msgs = [m for m in ok(p.message.get_all_records(s)).values()
                    if m["name"] == "HOST_DATABASE_RESTORED"]
            self.assertEqual(len(msgs), 1, msgs)
            self.assertIn("schema %d" % (SCHEMA + 1), msgs[0]["body"])
        finally:
            self.assertEqual(server.stop(), 0)
        self.assertEqual(files(os.path.join(self.state, "db-newer")), newer)
        self.assertIn("the copy from before the upgrade (upgrade/db-before) is back",
                      server.log_text())

    def test_a_copy_newer_still_is_no_way_back(self):
        self.with_vm("newer")
        copy = os.path.join(self.state, "upgrade", "db-before")
        os.makedirs(copy)
        self.write_schema(copy, "schema=%d\n" % (SCHEMA + 5))
        self.write_schema(self.state, "schema=%d\n" % (SCHEMA + 1))
        with self.assertRaises(RuntimeError) as cm:
            Server(workdir=self.work)
        self.assertIn("keeps no copy of the database from before the upgrade",
                      str(cm.exception))


if __name__ == "__main__":
    unittest.main()
