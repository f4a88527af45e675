"""xapi-lite performance against its targets, in one run, on this machine. Prints Markdown.

  1. trivial authenticated XML-RPC calls with keep-alive (wrk), side by side with nginx
     serving a static file of exactly the same size as xapi-lite's reply (target >= 50 %);
  2. VM.get_all_records with >= 1000 VMs over one keep-alive connection (target <= 20 ms);
  3. write (VM.set_name_description) -> wake-up of a parked event.from (target p99 <= 5 ms);
  4. resident memory with 1000 VMs (target <= 16 MiB);
  5. start-up time, fresh state dir, and restarted on the state it persisted (<= 100 ms).

Usage: python3 bench/api_bench.py out/bin/xapi-lite
Needs wrk and nginx (Debian packages wrk, nginx) and openssl; installs nothing.
Environment knobs: BENCH_WRK="-t1 -c16 -d5s", BENCH_ROUNDS=2, BENCH_VMS=1000.
"""
import http.client
import os
import platform
import select
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

PASSWORD = "atoll-api-bench"
TEMPLATE = "Atoll demo guest"
NVMS = int(os.environ.get("BENCH_VMS", "1000"))
WRK_ARGS = shlex.split(os.environ.get("BENCH_WRK", "-t1 -c16 -d5s"))
WRK_ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))   # each side, interleaved, best kept
RECORDS_CALLS = 60          # VM.get_all_records calls timed (capped by RECORDS_SECONDS)
RECORDS_SECONDS = 15
WAKEUPS = 300               # event.from wake-ups timed
STARTS = 5                  # start-ups timed on each kind of state dir
MIB = 1024 * 1024

PROCS = []                  # every child we started, killed on any exit


def log(msg):
    print("api_bench: " + msg, file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# ----------------------------------------------------------------------- processes

def spawn(argv, **kw):
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, **kw)
    PROCS.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=10):
    """Signals p, waits up to timeout, then kills; returns its exit status."""
    if p.poll() is None:
        try:
            p.send_signal(sig)
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)
    if p in PROCS:
        PROCS.remove(p)
    return p.returncode


def stop_all():
    for p in list(PROCS):
        try:
            stop(p, timeout=3)
        except Exception:   # noqa: BLE001 - best effort on the way out
            pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, deadline, what):
    """Polls until port accepts a connection (no fixed sleep)."""
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            if proc.poll() is not None:
                raise BenchError("%s exited with status %s before listening" % (what, proc.returncode))
            if time.monotonic() > deadline:
                raise BenchError("%s did not listen on port %d in time" % (what, port))
            time.sleep(0.001)


# ----------------------------------------------------------------------- XML-RPC, raw

def body(method, *params):
    return xmlrpc.client.dumps(params, method, allow_none=True).encode()


HEADERS = {"Content-Type": "text/xml"}


class Conn:
    """One keep-alive HTTP/1.1 connection; raw bodies in, raw bodies out."""

    def __init__(self, port, timeout=30):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def send(self, data):
        self.c.request("POST", "/", data, HEADERS)

    def recv(self):
        r = self.c.getresponse()
        data = r.read()
        if r.status != 200:
            raise BenchError("HTTP %d: %r" % (r.status, data[:200]))
        return data

    def raw(self, data):
        self.send(data)
        return self.recv()

    def call(self, method, *params):
        r = xmlrpc.client.loads(self.raw(body(method, *params)))[0][0]
        if method == "system.listMethods":
            return r
        if r.get("Status") != "Success":
            raise BenchError("%s: %s" % (method, r.get("ErrorDescription")))
        return r["Value"]

    def close(self):
        self.c.close()


def value(reply):
    r = xmlrpc.client.loads(reply)[0][0]
    if r.get("Status") != "Success":
        raise BenchError("call failed: %s" % r.get("ErrorDescription"))
    return r["Value"]


# ----------------------------------------------------------------------- xapi-lite

class Xapi:
    def __init__(self, binary, work, shadow):
        self.binary, self.work, self.shadow = binary, work, shadow
        self.proc = None
        self.nstarts = 0

    def argv(self, state, port):
        return [self.binary, "--backend", "sim", "--state", state,
                "--listen", "127.0.0.1:%d" % port, "--password-file", self.shadow]

    def start(self, state):
        """Execs xapi-lite on state; returns seconds from exec to the first answer of a call
        (system.listMethods, which needs no session), polling without fixed sleeps."""
        self.port = free_port()
        self.nstarts += 1
        self.errlog = os.path.join(self.work, "xapi-lite.%d.err" % self.nstarts)
        probe = body("system.listMethods")
        with open(self.errlog, "w") as err:
            t0 = time.perf_counter()
            self.proc = spawn(self.argv(state, self.port), stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 10
        while True:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                c.request("POST", "/", probe, HEADERS)
                r = c.getresponse()
                data = r.read()
                if r.status == 200 and b"VM.get_all_records" in data:
                    t1 = time.perf_counter()
                    return t1 - t0
                raise BenchError("start-up probe: HTTP %d %r" % (r.status, data[:200]))
            except (ConnectionRefusedError, ConnectionResetError):
                pass
            finally:
                c.close()
            if self.proc.poll() is not None:
                raise BenchError("xapi-lite exited with status %s: %s"
                                 % (self.proc.returncode, open(self.errlog).read()))
            if time.monotonic() > deadline:
                raise BenchError("xapi-lite did not answer within 10 s")
            time.sleep(0.0002)

    def stop(self):
        rc = stop(self.proc, signal.SIGTERM, 10)
        self.proc = None
        return rc

    def status(self):
        out = {}
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM", "VmSize", "RssAnon", "RssFile"):
                    out[k] = int(v.split()[0]) * 1024
        return out


def login(conn):
    return conn.call("session.login_with_password", "root", PASSWORD, "1.0", "api-bench")


# ----------------------------------------------------------------------- wrk and nginx

WRK_LUA = """-- generated by bench/api_bench.py
wrk.method = "%s"
wrk.body = %s
wrk.headers["Content-Type"] = "text/xml"
"""


def lua_string(b):
    return '"' + "".join("\\%03d" % c if c < 32 or c > 126 or c in (34, 92) else chr(c)
                         for c in b) + '"'


def wrk(url, script):
    argv = ["wrk"] + WRK_ARGS + ["-s", script, url]
    dur = 5.0
    for i, a in enumerate(WRK_ARGS):
        if a.startswith("-d"):
            d = a[2:] or WRK_ARGS[i + 1]
            dur = float(d.rstrip("s")) * (60 if d.endswith("m") else 1)
    r = subprocess.run(argv, capture_output=True, text=True, timeout=dur + 30)
    if r.returncode != 0:
        raise BenchError("wrk failed (%d): %s" % (r.returncode, r.stderr.strip()))
    out = r.stdout
    rate = None
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            rate = float(line.split()[1])
        if "Non-2xx or 3xx responses" in line or "Socket errors" in line:
            raise BenchError("wrk against %s: %s\n%s" % (url, line.strip(), out))
    if rate is None:
        raise BenchError("no rate in wrk's output:\n" + out)
    return rate, argv


NGINX_CONF = """# generated by bench/api_bench.py
worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log;
{user}
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type text/xml;
    keepalive_requests 1000000;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {d}/www;
    }}
}}
"""


def start_nginx(reply):
    d = tempfile.mkdtemp(prefix="api-bench-nginx-")
    os.chmod(d, 0o755)      # the worker may run as nobody
    os.mkdir(os.path.join(d, "www"))
    os.chmod(os.path.join(d, "www"), 0o755)
    with open(os.path.join(d, "www", "reply.xml"), "wb") as f:
        f.write(reply)
    os.chmod(os.path.join(d, "www", "reply.xml"), 0o644)
    port = free_port()
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(d=d, port=port, user="user root;" if os.geteuid() == 0 else ""))
    argv = ["nginx", "-p", d, "-e", os.path.join(d, "error.log"), "-c", conf]
    proc = spawn(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_port(port, proc, time.monotonic() + 10, "nginx")
    except BenchError as e:
        err = proc.stderr.read().decode() if proc.poll() is not None else ""
        stop(proc)
        shutil.rmtree(d, ignore_errors=True)
        raise BenchError("%s %s" % (e, err))
    return proc, d, port, argv


# ----------------------------------------------------------------------- measures

def pct(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) * 1024
    virt = ""
    try:
        v = subprocess.run(["systemd-detect-virt"], capture_output=True, text=True, timeout=5)
        if v.returncode == 0:
            virt = ", virtualised (%s)" % v.stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    return "%s, %d cores, %.1f GiB RAM, Linux %s%s" % (
        model, os.cpu_count(), ram / 1024 ** 3, platform.release(), virt)


def versions():
    out = []
    for argv in (["wrk", "-v"], ["nginx", "-v"]):
        r = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        text = (r.stdout + r.stderr).strip().splitlines()
        out.append(text[0] if text else argv[0])
    return "; ".join(out)


def head_bytes(port, request):
    """Size of the status line and headers of the reply to a raw HTTP request."""
    with socket.create_connection(("127.0.0.1", port), 10) as sk:
        sk.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sk.recv(65536)
            if not chunk:
                break
            data += chunk
        return data.find(b"\r\n\r\n") + 4


def bench_trivial(x, conn, session, work):
    """1: wrk against xapi-lite and against nginx serving a same-sized static file."""
    req = body("session.get_this_host", session, session)
    reply = conn.raw(req)
    value(reply)
    script = os.path.join(work, "post.lua")
    with open(script, "w") as f:
        f.write(WRK_LUA % ("POST", lua_string(req)))
    nginx, ndir, nport, nargv = start_nginx(reply)
    try:
        check = http.client.HTTPConnection("127.0.0.1", nport, timeout=10)
        check.request("GET", "/reply.xml")
        r = check.getresponse()
        static = r.read()
        check.close()
        if r.status != 200 or len(static) != len(reply):
            raise BenchError("nginx serves %d bytes (HTTP %d), want %d"
                             % (len(static), r.status, len(reply)))
        heads = (head_bytes(x.port, b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                            b"text/xml\r\nContent-Length: %d\r\n\r\n" % len(req) + req),
                 head_bytes(nport, b"GET /reply.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
        nscript = os.path.join(work, "get.lua")
        with open(nscript, "w") as f:
            f.write(WRK_LUA % ("GET", "nil"))
        xr, nr = [], []
        for _ in range(WRK_ROUNDS):
            rate, xargv = wrk("http://127.0.0.1:%d/" % x.port, script)
            xr.append(rate)
            rate, wargv = wrk("http://127.0.0.1:%d/reply.xml" % nport, nscript)
            nr.append(rate)
        rc = stop(nginx)
        if rc not in (0, -signal.SIGTERM):
            log("nginx exited with status %s" % rc)
    finally:
        stop(nginx)
        shutil.rmtree(ndir, ignore_errors=True)
    return {"req_bytes": len(req), "reply_bytes": len(reply), "xapi": xr, "nginx": nr,
            "heads": heads,
            "xargv": xargv, "wargv": wargv, "nargv": nargv}


def populate(conn, session):
    tpl = conn.call("VM.get_by_name_label", session, TEMPLATE)
    if not tpl:
        raise BenchError("no template %r" % TEMPLATE)
    have = len(conn.call("VM.get_all", session))
    t0 = time.perf_counter()
    made = []
    for i in range(max(0, NVMS - have)):
        vm = value(conn.raw(body("VM.clone", session, tpl[0], "bench-%04d" % i)))
        value(conn.raw(body("VM.set_is_a_template", session, vm, False)))
        made.append(vm)
    dt = time.perf_counter() - t0
    total = len(conn.call("VM.get_all", session))
    if total < NVMS:
        raise BenchError("only %d VMs after cloning" % total)
    return made, total, dt, have


def bench_records(conn, session):
    """2: VM.get_all_records, raw body over one keep-alive connection, full reply read."""
    req = body("VM.get_all_records", session)
    reply = conn.raw(req)
    nrec = len(value(reply))
    times, heads = [], []
    end = time.monotonic() + RECORDS_SECONDS
    for _ in range(RECORDS_CALLS):
        t0 = time.perf_counter()
        conn.send(req)
        r = conn.c.getresponse()        # returns once the status line and headers are in
        t1 = time.perf_counter()
        data = r.read()
        t2 = time.perf_counter()
        if r.status != 200:
            raise BenchError("VM.get_all_records: HTTP %d" % r.status)
        times.append(t2 - t0)
        heads.append(t1 - t0)
        if len(data) < len(reply) // 2:
            raise BenchError("short VM.get_all_records reply: %d bytes" % len(data))
        if time.monotonic() > end:
            break
    return {"bytes": len(reply), "records": nrec, "times": times, "heads": heads}


def bench_wakeup(port, session, vm, at_end):
    """3: time from sending VM.set_name_description to the parked event.from's reply."""
    waiter = Conn(port, timeout=40)
    writer = Conn(port, timeout=30)
    try:
        token = waiter.call("event.from", session, ["vm"], "", 0.0)["token"]
        barrier = body("session.get_this_host", session, session)
        lat, wlat = [], []
        for i in range(WAKEUPS):
            waiter.send(body("event.from", session, ["vm"], token, 30.0))
            # The server is one poll() loop that serves every ready connection per round:
            # once two calls sent after the park have been answered, the park was read.
            value(writer.raw(barrier))
            value(writer.raw(barrier))
            write = body("VM.set_name_description", session, vm, "wake-%d" % i)
            t0 = time.perf_counter()
            writer.send(write)
            # Read whichever reply comes first, each as soon as it starts to arrive.
            pending = {waiter.c.sock: waiter, writer.c.sock: writer}
            reply = None
            while pending:
                ready, _, _ = select.select(list(pending), [], [], 30)
                if not ready:
                    raise BenchError("no event.from wake-up within 30 s of the write")
                for sk in ready:
                    c = pending.pop(sk)
                    data = c.recv()
                    if c is waiter:
                        reply = data
                        lat.append(time.perf_counter() - t0)
                    else:
                        value(data)
                        wlat.append(time.perf_counter() - t0)
            batch = value(reply)
            if not any(e["ref"] == vm and e["operation"] == "mod" for e in batch["events"]):
                raise BenchError("event.from woke without the write: %r" % batch["events"])
            token = batch["token"]
        return lat, wlat, at_end()
    finally:
        waiter.close()
        writer.close()


def state_files(state):
    out = []
    for root, _, files in os.walk(state):
        for f in files:
            p = os.path.join(root, f)
            out.append((os.path.relpath(p, state), os.path.getsize(p)))
    return sorted(out)


# ----------------------------------------------------------------------- report

def ms(s):
    return "%.2f ms" % (s * 1000)


def fs_type(path):
    try:
        r = subprocess.run(["stat", "-f", "-c", "%T", path], capture_output=True, text=True,
                           timeout=5)
        return r.stdout.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def idle_conns_memory(x, session, n):
    """RSS while n more keep-alive connections, each having read VM.get_all_records, idle."""
    req = body("VM.get_all_records", session)
    conns = []
    try:
        for _ in range(n):
            c = Conn(x.port)
            conns.append(c)
            c.raw(req)
        return x.status()["VmRSS"]
    finally:
        for c in conns:
            c.close()


def need_tools(who, *binaries):
    """Exits with what to install when wrk, nginx or openssl is missing, or a binary is not
    executable; puts /usr/sbin on PATH for nginx."""
    for tool in ("wrk", "nginx", "openssl"):
        if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
            raise SystemExit("%s: %s not found; install the Debian packages: "
                             "apt-get install -y wrk nginx openssl" % (who, tool))
    if shutil.which("nginx") is None:
        os.environ["PATH"] += ":/usr/sbin"
    for binary in binaries:
        if not os.access(binary, os.X_OK):
            raise SystemExit("%s: %s is not an executable (make out/bin/xapi-lite)"
                             % (who, binary))


def make_shadow(work):
    """WORK/shadow: root's line with PASSWORD hashed by openssl (sha512-crypt)."""
    hashed = subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=PASSWORD.encode(),
                            check=True, capture_output=True, timeout=30).stdout.decode()
    shadow = os.path.join(work, "shadow")
    with open(shadow, "w") as f:
        f.write("root:%s:19000:0:99999:7:::\n" % hashed.strip())
    return shadow


def run(binary):
    need_tools("api_bench", binary)
    binary = os.path.abspath(binary)
    started = time.monotonic()
    load = os.getloadavg()
    work = tempfile.mkdtemp(prefix="api-bench-")
    try:
        x = Xapi(binary, work, make_shadow(work))

        # 5a: start-up on fresh state dirs; the last server is the one measured below
        log("5: start-up on %d fresh state dirs" % STARTS)
        fresh = []
        for i in range(STARTS):
            state = os.path.join(work, "state-%d" % i)
            fresh.append(x.start(state))
            if i < STARTS - 1:
                x.stop()
        mem = {"fresh": x.status()}
        fresh_files = state_files(state)
        conn = Conn(x.port)
        session = login(conn)

        log("1: wrk %s, xapi-lite vs nginx, %d rounds each" % (" ".join(WRK_ARGS), WRK_ROUNDS))
        t1 = bench_trivial(x, conn, session, work)

        log("2: creating VMs up to %d" % NVMS)
        made, nvms, create_s, had = populate(conn, session)
        mem["populated"] = x.status()
        log("2: VM.get_all_records with %d VMs" % nvms)
        t2 = bench_records(conn, session)

        log("3: %d event.from wake-ups" % WAKEUPS)
        lat, wlat, mem["client"] = bench_wakeup(x.port, session, made[0] if made else
                                                conn.call("VM.get_all", session)[0], x.status)

        log("4: memory")

        def settled():
            """Status once the server has seen every close so far: a call on a new connection
            is served in the same poll() round as, or after, the hang-ups sent before it."""
            c = Conn(x.port)
            try:
                value(c.raw(body("session.get_this_host", session, session)))
                return x.status()
            finally:
                c.close()

        mem["open"] = settled()             # only the records connection still open, idle
        conn.close()
        mem["closed"] = settled()           # every big connection closed
        mem["idle4"] = idle_conns_memory(x, session, 4)
        pid = x.proc.pid
        rc = x.stop()
        files = state_files(state)

        # 5b: restart on what it persisted, if anything
        restart, restored, restart_rss, files_after = [], None, None, None
        if files:
            log("5: %d restarts on the persisted state (%s)" % (
                STARTS, ", ".join("%s %d bytes" % f for f in files)))
            for i in range(STARTS):
                restart.append(x.start(state))
                if i == 0:
                    c = Conn(x.port)
                    s2 = login(c)
                    restored = len(c.call("VM.get_all", s2))
                    c.close()
                    restart_rss = x.status()["VmRSS"]
                x.stop()
            files_after = state_files(state)
        fs = fs_type(work)
        elapsed = time.monotonic() - started
    except BaseException:
        for f in sorted(os.listdir(work)):
            if f.startswith("xapi-lite.") and os.path.getsize(os.path.join(work, f)):
                with open(os.path.join(work, f), errors="replace") as log_file:
                    log("%s (stderr of xapi-lite):\n%s" % (f, log_file.read()[-3000:]))
        raise
    finally:
        stop_all()
        shutil.rmtree(work, ignore_errors=True)
    report(locals())


def report(r):
    t1, t2 = r["t1"], r["t2"]
    xbest, nbest = max(t1["xapi"]), max(t1["nginx"])
    ratio = xbest / nbest
    rec, heads, lat, wlat = t2["times"], t2["heads"], r["lat"], r["wlat"]
    mem, nvms, restart, fresh = r["mem"], r["nvms"], r["restart"], r["fresh"]
    med = statistics.median

    def met(ok):
        return "yes" if ok else "**no**"

    def row(*cells):
        print("| " + " | ".join(str(c) for c in cells) + " |")

    def mib(b):
        return "%.1f MiB" % (b / MIB)

    def files(fs):
        return ", ".join("`%s` %d bytes" % f for f in fs) if fs else "nothing"

    print("## xapi-lite API (issue: XenAPI server)")
    print()
    print("Command: `python3 bench/api_bench.py %s` (%.0f s). Run on %s." % (
        sys.argv[1], r["elapsed"], time.strftime("%Y-%m-%d %H:%M")))
    print()
    print("Machine: %s; load average %.2f before the run; state dir on %s; %s; Python %s" % (
        machine(), r["load"][0], r["fs"], versions(), platform.python_version()))
    print()
    row("measure", "value", "target", "ratio", "met")
    row("---", "---", "---", "---", "---")
    row("1. `session.get_this_host`, keep-alive, wrk: xapi-lite (best of %d: %s)" % (
        len(t1["xapi"]), ", ".join("%.0f" % v for v in t1["xapi"])),
        "%.0f req/s" % xbest, ">= 50 % of nginx", "%.0f %% of nginx" % (ratio * 100),
        met(ratio >= 0.5))
    row("1. nginx, static file of the same %d bytes, same wrk (best of %d: %s)" % (
        t1["reply_bytes"], len(t1["nginx"]), ", ".join("%.0f" % v for v in t1["nginx"])),
        "%.0f req/s" % nbest, "", "", "")
    row("2. `VM.get_all_records`, %d VMs, median of %d calls" % (t2["records"], len(rec)),
        ms(med(rec)), "<= 20 ms", "%.2f" % (med(rec) / 0.020), met(med(rec) <= 0.020))
    row("2. `VM.get_all_records`, p95 (max %s)" % ms(max(rec)), ms(pct(rec, 95)), "<= 20 ms",
        "%.2f" % (pct(rec, 95) / 0.020), met(pct(rec, 95) <= 0.020))
    row("2. of which until the reply's headers arrive (server work), median", ms(med(heads)),
        "", "", "")
    row("2. `VM.get_all_records` reply size", "%s (%d bytes, %.0f per VM)" % (
        mib(t2["bytes"]), t2["bytes"], t2["bytes"] / t2["records"]), "", "", "")
    row("3. write -> parked `event.from` reply, p50 (%d wake-ups)" % len(lat), ms(pct(lat, 50)),
        "", "", "")
    row("3. write -> parked `event.from` reply, p99 (max %s)" % ms(max(lat)), ms(pct(lat, 99)),
        "<= 5 ms", "%.2f" % (pct(lat, 99) / 0.005), met(pct(lat, 99) <= 0.005))
    row("3. the write's own reply (`VM.set_name_description`), p50 / p99",
        "%s / %s" % (ms(pct(wlat, 50)), ms(pct(wlat, 99))), "", "", "")
    row("4. VmRSS, %d VMs, a client like XO: its records connection and its `event.from` "
        "connection (which read the first, full batch) both open" % nvms,
        mib(mem["client"]["VmRSS"]), "<= 16 MiB",
        "%.2f" % (mem["client"]["VmRSS"] / (16 * MIB)), met(mem["client"]["VmRSS"] <= 16 * MIB))
    row("4. VmRSS, %d VMs, only the connection that read all records still open" % nvms,
        mib(mem["open"]["VmRSS"]), "<= 16 MiB", "%.2f" % (mem["open"]["VmRSS"] / (16 * MIB)),
        met(mem["open"]["VmRSS"] <= 16 * MIB))
    row("4. VmRSS, %d VMs, that connection closed" % nvms, mib(mem["closed"]["VmRSS"]),
        "<= 16 MiB", "%.2f" % (mem["closed"]["VmRSS"] / (16 * MIB)),
        met(mem["closed"]["VmRSS"] <= 16 * MIB))
    row("4. VmHWM (peak RSS) over 1-3", mib(mem["closed"]["VmHWM"]), "<= 16 MiB",
        "%.2f" % (mem["closed"]["VmHWM"] / (16 * MIB)), met(mem["closed"]["VmHWM"] <= 16 * MIB))
    row("4. VmRSS while 4 idle keep-alive connections have each read all records",
        mib(mem["idle4"]), "", "", "")
    row("5. start-up, fresh state dir, exec -> first answer, median of %d (all, ms: %s)" % (
        len(fresh), ", ".join("%.1f" % (v * 1000) for v in fresh)), ms(med(fresh)),
        "<= 100 ms", "%.2f" % (med(fresh) / 0.1), met(med(fresh) <= 0.1))
    if restart:
        row("5. start-up on the persisted state, %d VMs back, median of %d (all, ms: %s)" % (
            r["restored"], len(restart), ", ".join("%.1f" % (v * 1000) for v in restart)),
            ms(med(restart)), "<= 100 ms", "%.2f" % (med(restart) / 0.1),
            met(med(restart) <= 0.1 and r["restored"] == nvms))
    else:
        row("5. start-up on the persisted state, %d VMs" % nvms, "n/a (no persistence yet)",
            "<= 100 ms", "", "")
    print()
    print("Also seen: %d VMs made by `VM.clone` + `VM.set_is_a_template(false)` in %.2f s "
          "(%.2f ms per pair; %d VMs there before); VmRSS fresh %s, after creating them %s; "
          "xapi-lite's exit status on SIGTERM: %s; state dir after the first start: %s; after "
          "the run: %s%s." % (
              len(r["made"]), r["create_s"], r["create_s"] * 1000 / max(1, len(r["made"])),
              r["had"], mib(mem["fresh"]["VmRSS"]), mib(mem["populated"]["VmRSS"]), r["rc"],
              files(r["fresh_files"]), files(r["files"]),
              "; after the restarts: %s; VmRSS after restarting on it: %s" % (
                  files(r["files_after"]), mib(r["restart_rss"])) if restart else ""))
    print()
    print("How each is measured:")
    print("- xapi-lite: `%s --backend sim --state STATE --listen 127.0.0.1:PORT "
          "--password-file SHADOW` (SHADOW: root's hash from `openssl passwd -6`), no `--log`;"
          % sys.argv[1])
    nd = t1["nargv"][2]
    print("- 1: the request is `session.get_this_host(s, s)` with a valid session, %d bytes "
          "of XML-RPC built once; its reply is %d bytes (+ %d bytes of status line and headers; nginx's: %d). xapi-lite: `%s -s post.lua "
          "http://127.0.0.1:PORT/`; nginx: `%s`, serving that reply byte for byte as a file, "
          "`%s -s get.lua http://127.0.0.1:PORT/reply.xml` (`GET`: nginx's static module "
          "refuses POST). Runs alternate xapi-lite, nginx, xapi-lite, nginx; the better of "
          "each is kept. post.lua sets `wrk.method = \"POST\"`, `wrk.body` = the request, "
          "`Content-Type: text/xml`; get.lua the same headers, no body. nginx.conf:" % (
              t1["req_bytes"], t1["reply_bytes"], t1["heads"][0], t1["heads"][1], " ".join(t1["xargv"][:-3]),
              " ".join(t1["nargv"]).replace(nd, "DIR"), " ".join(t1["wargv"][:-3])))
    print()
    print("```nginx")
    print(NGINX_CONF.format(d="DIR", port="PORT", user="user root;  # only when run as root")
          .strip())
    print("```")
    print("- 2: `http.client`, one keep-alive connection, the raw request built once, the whole "
          "reply read (not parsed): time from sending to its last byte, and to its headers;")
    print("- 3: a waiter connection parks `event.from(s, [\"vm\"], token, 30.0)` (the first "
          "token from `event.from` with timeout 0, then each reply's); a writer connection "
          "makes two `session.get_this_host` calls (so the park has been read), then sends "
          "`VM.set_name_description`; time from that send to the waiter's whole reply, and "
          "to the writer's (each read as soon as it arrives);")
    print("- 4: `VmRSS` and `VmHWM` from `/proc/PID/status`: at the end of 3, then after closing "
          "3's connections, then after closing 2's (each time after one more call on a new "
          "connection, so the server has seen the hang-ups); last, with 4 new connections "
          "open that have each read `VM.get_all_records`;")
    print("- 5: from just before `subprocess.Popen` (fork+exec) to the first HTTP 200 to "
          "`system.listMethods` (needs no session), reconnecting every 0.2 ms until it "
          "listens; fresh: %d empty state dirs; persisted: SIGTERM after 1-4, then %d "
          "restarts on that dir, each stopped with SIGTERM." % (len(fresh), len(fresh)))


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)

    def on_signal(sig, _frame):
        raise SystemExit("api_bench: signal %d" % sig)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        run(sys.argv[1])
    except BenchError as e:
        raise SystemExit("api_bench: " + str(e))
    finally:
        stop_all()


if __name__ == "__main__":
    main()
