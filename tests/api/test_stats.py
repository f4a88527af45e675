"""Statistics over HTTP and XenAPI on the sim backend, with its sampler's samples: Xen
Orchestra's /rrd_updates query at each of its four steps, the XML form, /host_rrd and
/vm_rrd, refusals (no session, bad parameters, unknown owners), the data source calls, and
the archives surviving a clean restart."""
import calendar
import json
import math
import time
import unittest
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

from xapi_server import ApiTest, Server, PASSWORD, err, ok
import xmlrpc.client

# XO's steps and the rows it asks for (xapi-stats.mjs RRD_POINTS_PER_STEP).
XO_STEPS = {5: 120, 60: 120, 3600: 168, 86400: 366}


def get(server, path, headers=None):
    """(status, content type, body) of GET path."""
    req = urllib.request.Request(server.url + path, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("content-type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type"), e.read().decode()


def servertime(p, s):
    host = ok(p.host.get_all(s))[0]
    when = ok(p.host.get_servertime(s, host))
    return calendar.timegm(time.strptime(str(when), "%Y%m%dT%H:%M:%SZ"))


def number(v):
    """A value as XO's parseNumber reads it: a string ("NaN" included) or a number."""
    return float(v)


class Stats(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.host = ok(cls.p.host.get_all(cls.s))[0]
        cls.host_uuid = ok(cls.p.host.get_uuid(cls.s, cls.host))
        tpl = ok(cls.p.VM.get_by_name_label(cls.s, "Atoll demo guest"))[0]
        cls.vm = ok(cls.p.VM.clone(cls.s, tpl, "measured"))
        ok(cls.p.VM.set_is_a_template(cls.s, cls.vm, False))
        ok(cls.p.VM.start(cls.s, cls.vm, False, False))
        cls.vm_uuid = ok(cls.p.VM.get_uuid(cls.s, cls.vm))
        cls.halted = ok(cls.p.VM.clone(cls.s, tpl, "never started"))
        ok(cls.p.VM.set_is_a_template(cls.s, cls.halted, False))
        cls.halted_uuid = ok(cls.p.VM.get_uuid(cls.s, cls.halted))
        # Two known 5 s rows of the VM's cpu0: three samples at least.
        deadline = time.monotonic() + 60
        while True:
            d = cls.updates(5, 120)
            col = cls.column(d, "vm", cls.vm_uuid, "cpu0")
            known = [r for r in d["data"] if col is not None and
                     not math.isnan(number(r["values"][col]))]
            if len(known) >= 2:
                break
            assert time.monotonic() < deadline, "no samples of the VM: %s" % d["meta"]
            time.sleep(0.5)

    @classmethod
    def updates(cls, step, rows, json_form=True, extra=""):
        start = servertime(cls.p, cls.s) - step * rows + step
        status, ctype, body = get(cls.server, "/rrd_updates?cf=AVERAGE&host=true&interval=%d"
                                  "%s&start=%d&session_id=%s%s" % (
                                      step, "&json=true" if json_form else "", start, cls.s,
                                      extra))
        assert status == 200, (status, body)
        if not json_form:
            assert ctype == "text/xml", ctype
            return body
        assert ctype == "application/json", ctype
        return json.loads(body)

    @staticmethod
    def column(d, owner, uuid, name):
        legend = d["meta"]["legend"]
        want = "AVERAGE:%s:%s:%s" % (owner, uuid, name)
        return legend.index(want) if want in legend else None

    def test_xo_queries(self):
        for step, rows in XO_STEPS.items():
            with self.subTest(step=step):
                d = self.updates(step, rows)
                meta = d["meta"]
                self.assertEqual(number(meta["step"]), step, meta)
                self.assertLessEqual(int(meta["rows"]), rows)
                self.assertEqual(len(d["data"]), int(meta["rows"]))
                self.assertEqual(len(meta["legend"]), int(meta["columns"]))
                self.assertIsNotNone(self.column(d, "host", self.host_uuid, "cpu_avg"), meta)
                self.assertIsNotNone(self.column(d, "vm", self.vm_uuid, "cpu0"), meta)
                self.assertFalse(any(self.halted_uuid in e for e in meta["legend"]))
                times = [int(r["t"]) for r in d["data"]]
                self.assertEqual(times, sorted(times, reverse=True), "newest row first")
                self.assertTrue(all(t % step == 0 for t in times), times[:3])
                self.assertEqual(int(meta["end"]), times[0])
                for r in d["data"]:
                    self.assertEqual(len(r["values"]), int(meta["columns"]))
                    [number(v) for v in r["values"]]
        d = self.updates(5, 120)
        mem = self.column(d, "host", self.host_uuid, "memory_total_kib")
        self.assertGreater(number(d["data"][0]["values"][mem]), 0, d["data"][0])

    def test_xml_form(self):
        root = ET.fromstring(self.updates(5, 120, json_form=False))
        self.assertEqual(root.tag, "xport")
        meta = root.find("meta")
        self.assertEqual(meta.find("step").text, "5")
        rows = root.find("data").findall("row")
        self.assertEqual(len(rows), int(meta.find("rows").text))
        entries = [e.text for e in meta.find("legend").findall("entry")]
        self.assertIn("AVERAGE:vm:%s:cpu0" % self.vm_uuid, entries)
        self.assertEqual(len(rows[0].findall("v")), len(entries))

    def test_vm_filter(self):
        d = self.updates(5, 120, extra="&vm_uuid=" + self.vm_uuid)
        owners = {e.split(":")[2] for e in d["meta"]["legend"]}
        self.assertEqual(owners, {self.host_uuid, self.vm_uuid})

    def test_dumps(self):
        status, ctype, body = get(self.server, "/host_rrd?session_id=" + self.s)
        self.assertEqual((status, ctype), (200, "text/xml"), body[:200])
        root = ET.fromstring(body)
        self.assertEqual((root.tag, root.find("step").text), ("rrd", "5"))
        names = [d.find("name").text for d in root.findall("ds")]
        self.assertIn("cpu_avg", names)
        rras = root.findall("rra")
        self.assertEqual(len(rras), 10, "the host: AVERAGE at 5 s, AVERAGE/MIN/MAX beyond")
        self.assertEqual(len(rras[0].find("database").findall("row")), 120)
        status, _, body = get(self.server, "/vm_rrd?uuid=%s&session_id=%s" % (
            self.vm_uuid, self.s))
        self.assertEqual(status, 200, body[:200])
        self.assertEqual(len(ET.fromstring(body).findall("rra")), 4)

    def test_refusals(self):
        cases = [
            ("/rrd_updates?start=0&json=true", 401, "session"),
            ("/rrd_updates?start=0&session_id=OpaqueRef:nope", 401, "session"),
            ("/host_rrd", 401, "session"),
            ("/rrd_updates?session_id=%s" % self.s, 400, "start"),
            ("/rrd_updates?start=12x&session_id=%s" % self.s, 400, "start"),
            ("/rrd_updates?start=0&interval=five&session_id=%s" % self.s, 400, "interval"),
            ("/rrd_updates?start=0&cf=MEDIAN&session_id=%s" % self.s, 400, "cf"),
            ("/rrd_updates?start=0&interval=999999&session_id=%s" % self.s, 400, "interval"),
            ("/rrd_updates?start=0&vm_uuid=00000000-0000-0000-0000-000000000000"
             "&session_id=%s" % self.s, 404, "VM"),
            ("/vm_rrd?session_id=%s" % self.s, 400, "uuid"),
            ("/vm_rrd?uuid=00000000-0000-0000-0000-000000000000&session_id=%s" % self.s,
             404, "VM"),
            ("/vm_rrd?uuid=%s&session_id=%s" % (self.halted_uuid, self.s), 404, "archives"),
        ]
        for path, code, word in cases:
            with self.subTest(path=path):
                status, _, body = get(self.server, path)
                self.assertEqual(status, code, body)
                self.assertIn(word, body)

    def test_cookie_session(self):
        status, _, body = get(self.server, "/rrd_updates?start=-60&host=true&json=true",
                              {"Cookie": "session_id=" + self.s})
        self.assertEqual(status, 200, body)
        self.assertIn(self.host_uuid, body)

    def test_data_sources(self):
        recs = ok(self.p.host.get_data_sources(self.s, self.host))
        by_name = {r["name_label"]: r for r in recs}
        self.assertIn("cpu_avg", by_name)
        self.assertEqual(set(by_name["cpu_avg"]), {"name_label", "name_description", "enabled",
                                                   "standard", "units", "min", "max", "value"})
        self.assertEqual(by_name["memory_total_kib"]["units"], "KiB")
        self.assertTrue(by_name["cpu_avg"]["enabled"])
        total = ok(self.p.host.query_data_source(self.s, self.host, "memory_total_kib"))
        self.assertGreater(total, 0)
        self.assertEqual(err(self.p.host.query_data_source(self.s, self.host, "nope"))[0],
                         "INTERNAL_ERROR")
        ok(self.p.host.record_data_source(self.s, self.host, "cpu_avg"))
        self.assertEqual(err(self.p.host.record_data_source(self.s, self.host, "nope"))[0],
                         "INTERNAL_ERROR")
        vm_recs = ok(self.p.VM.get_data_sources(self.s, self.vm))
        self.assertIn("cpu0", [r["name_label"] for r in vm_recs])
        self.assertGreater(ok(self.p.VM.query_data_source(self.s, self.vm, "memory")), 0)
        # A VM without archives: nothing listed, queries fail, forget does nothing.
        self.assertEqual(ok(self.p.VM.get_data_sources(self.s, self.halted)), [])
        e = err(self.p.VM.query_data_source(self.s, self.halted, "cpu0"))
        self.assertEqual(e[0], "INTERNAL_ERROR")
        self.assertIn(self.halted_uuid, e[1])
        ok(self.p.VM.forget_data_source_archives(self.s, self.halted, "cpu0"))
        self.assertEqual(err(self.p.VM.get_data_sources(self.s, "OpaqueRef:nope"))[0],
                         "HANDLE_INVALID")
        # Forgetting drops the data; the next sample brings the source back, empty.
        ok(self.p.VM.forget_data_source_archives(self.s, self.vm, "memory"))
        names = [r["name_label"] for r in ok(self.p.VM.get_data_sources(self.s, self.vm))]
        deadline = time.monotonic() + 30
        while "memory" not in names:
            self.assertLess(time.monotonic(), deadline, names)
            time.sleep(0.5)
            names = [r["name_label"] for r in ok(self.p.VM.get_data_sources(self.s, self.vm))]


class StatsAcrossRestart(unittest.TestCase):
    """A clean stop writes the archives; the next start has the rows that were there."""

    def test_restart(self):
        server = Server()
        try:
            p = xmlrpc.client.ServerProxy(server.url)
            s = ok(p.session.login_with_password("root", PASSWORD, "1.0", "api-test"))
            host_uuid = ok(p.host.get_uuid(s, ok(p.host.get_all(s))[0]))
            col_name = "AVERAGE:host:%s:memory_total_kib" % host_uuid

            def known_rows(srv, sess):
                # As XO asks: a start inside the 5 s archive's 600 s. At -600 exactly, a last
                # update on a 5 s boundary falls outside it (rrd.ml's find_best_rras: t >
                # lasttime), and the 60 s archive answers.
                status, _, body = get(srv, "/rrd_updates?start=-595&interval=5&host=true"
                                      "&json=true&session_id=" + sess)
                self.assertEqual(status, 200, body)
                d = json.loads(body)
                self.assertEqual(d["meta"]["step"], "5", d["meta"])
                col = d["meta"]["legend"].index(col_name)
                return {r["t"]: r["values"][col] for r in d["data"]
                        if r["values"][col] != "NaN"}

            deadline = time.monotonic() + 60
            while len(before := known_rows(server, s)) < 3:
                self.assertLess(time.monotonic(), deadline, before)
                time.sleep(0.5)
            self.assertEqual(server.stop(), 0, server.log_text())
            server = Server(workdir=server.dir)
            p = xmlrpc.client.ServerProxy(server.url)
            s = ok(p.session.login_with_password("root", PASSWORD, "1.0", "api-test"))
            after = known_rows(server, s)
            for t, v in before.items():
                self.assertEqual(after.get(t), v, "row %s after the restart: %s" % (t, after))
        finally:
            server.stop()
            server.remove()


if __name__ == "__main__":
    unittest.main()
