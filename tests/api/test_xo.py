"""API test: xapi-lite --backend sim driven by Xen Orchestra's own XenAPI client, the npm
package `xen-api` that xo-server uses (pinned in tests/api/xo/package.json).

tests/api/xo/watch.mjs connects the way xo-server does (login, pool records,
system.listMethods, event.inject, get_all_records of every class, the event.from loop),
checks the objects it loaded, then clones/starts/stops/destroys a VM and waits for each
change to reach the client's object cache through the event stream, and runs callAsync.

Needs Node.js >= 18 and npm (Debian: apt-get install nodejs npm); the first run installs
the npm dependency into tests/api/xo/node_modules (network access to the npm registry).

Run from the repo root:
    XAPI_LITE=out/bin/xapi-lite PYTHONPATH=tests/api python3 -m unittest -v test_xo
"""
import json
import os
import shutil
import subprocess
import unittest

from xapi_server import PASSWORD, Server

XO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "xo")
SCRIPT = os.path.join(XO_DIR, "watch.mjs")
NPM_TIMEOUT = 900     # seconds; a cold npm cache on a slow link
NODE_TIMEOUT = 240    # seconds; the script gives each step 20 s
INSTALL_HINT = ("install Node.js >= 18 and npm (Debian/Ubuntu: apt-get install nodejs npm)")

_prepared = None      # None: not tried yet; str: why the client cannot run; True: ready


def pinned_version():
    with open(os.path.join(XO_DIR, "package.json")) as f:
        return json.load(f)["dependencies"]["xen-api"]


def installed_version():
    try:
        with open(os.path.join(XO_DIR, "node_modules", "xen-api", "package.json")) as f:
            return json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        return None


def prepare():
    """Checks node and npm and installs the pinned xen-api; returns True or a reason."""
    node, npm = shutil.which("node"), shutil.which("npm")
    missing = [name for name, path in (("node", node), ("npm", npm)) if path is None]
    if missing:
        return "%s not found on PATH: %s" % (" and ".join(missing), INSTALL_HINT)
    out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=60)
    version = out.stdout.strip()
    try:
        major = int(version.lstrip("v").split(".")[0])
    except ValueError:
        return "cannot read the Node.js version from %r: %s" % (version, INSTALL_HINT)
    if major < 18:
        return "Node.js %s is too old for xen-api (needs >= 18): %s" % (version, INSTALL_HINT)
    want = pinned_version()
    if installed_version() != want:
        cmd = [npm, "install", "--no-package-lock", "--no-audit", "--no-fund"]
        try:
            r = subprocess.run(cmd, cwd=XO_DIR, capture_output=True, text=True,
                               timeout=NPM_TIMEOUT)
        except subprocess.TimeoutExpired:
            return "`%s` in %s did not finish in %d s" % (" ".join(cmd), XO_DIR, NPM_TIMEOUT)
        if r.returncode != 0:
            return "`%s` in %s failed (exit %d):\n%s%s" % (" ".join(cmd), XO_DIR, r.returncode,
                                                           r.stdout, r.stderr)
        got = installed_version()
        if got != want:
            return "npm installed xen-api %s, package.json pins %s" % (got, want)
    return True


def require_client(test):
    """Fails test unless the client can run (prepare() once per process)."""
    global _prepared
    if _prepared is None:
        _prepared = prepare()
    if _prepared is not True:
        test.fail(_prepared)    # never skip: a missing client is a failure to fix


def run_node(test, server, args, timeout, log_lines=15):
    """Runs node with args (a script of XO_DIR and its arguments) with root's password in
    XAPI_PASSWORD; returns its output, or fails test with it and server's log's tail."""
    env = dict(os.environ, XAPI_PASSWORD=PASSWORD, NODE_ENV="test")
    cmd = ["node"] + list(args)
    script = os.path.basename(args[0])
    try:
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        text = lambda b: b.decode(errors="replace") if isinstance(b, bytes) else b or ""
        test.fail("%s did not finish in %d s\n--- stdout\n%s\n--- stderr\n%s"
                  % (script, timeout, text(e.stdout), text(e.stderr)))
    if r.returncode != 0:
        with open(os.path.join(server.dir, "log")) as f:
            log = "".join(f.readlines()[-log_lines:])
        test.fail("%s exited %d\n--- stdout\n%s--- stderr\n%s--- xapi-lite log (tail)\n%s"
                  % (" ".join(cmd[:3]), r.returncode, r.stdout, r.stderr, log))
    return r.stdout


def setUpModule():
    global SERVER
    SERVER = Server()


def tearDownModule():
    assert SERVER.stop() == 0, "xapi-lite exits cleanly on SIGTERM"


class XenOrchestraClient(unittest.TestCase):
    def setUp(self):
        require_client(self)

    def run_client(self, transport):
        out = run_node(self, SERVER, [SCRIPT, "--transport=" + transport, SERVER.url, "root"],
                       NODE_TIMEOUT)
        self.assertIn("PASS xen-api client (transport %s)" % transport, out)
        return out

    def test_xen_api_client_as_xo_server_uses_it(self):
        """Default transport: JSON-RPC on /jsonrpc, as xo-server talks to XAPI."""
        out = self.run_client("auto")
        self.assertIn("over POST /jsonrpc", out)

    def test_xen_api_client_over_xml_rpc(self):
        """xen-api's fallback for hosts without JSON-RPC: XML-RPC on /xmlrpc."""
        out = self.run_client("xml-rpc")
        self.assertIn("over POST /xmlrpc", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
