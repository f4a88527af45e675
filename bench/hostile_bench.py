"""xapi-lite under hostile load (issue 12), two binaries side by side, in one run. Prints Markdown.

  1. a fresh client's login while 5000 TCP connections are held open: silent ones, then ones
     that send one byte every 3 s;
  2. peak memory while 800 connections each hold an almost complete 300 KiB body, and
     whether a fresh login still succeeds meanwhile;
  3. 10 calls pipelined in one send on one keep-alive connection (target <= 50 ms);
  4. trivial calls per second with the call log on, as dom0 runs it, against nginx serving a
     file of the reply's size (target >= 70 % of nginx);
  5. wrong-password guesses per second from one address, sequential and 16 at once;
  6. ten concurrent VM.get_all_records on 10000 VMs, some read slowly: peak memory (target
     <= 128 MiB) and time per VM against 1000 VMs (target: linear).

Usage: python3 bench/hostile_bench.py BEFORE_BIN [AFTER_BIN]
  BEFORE_BIN and AFTER_BIN are xapi-lite binaries (static musl builds, as dom0 runs them);
  with one binary the "after" column says "pending".
Knobs: BENCH_ROUNDS=3 (measure 4's rounds), BENCH_WRK="-t1 -c16 -d5s" (api_bench's).
Needs wrk, nginx and openssl (as bench/api_bench.py, whose helpers it uses); installs
nothing. Raises its own RLIMIT_NOFILE; xapi-lite runs with the limit the bench started with.
Every measure has a deadline: a binary that stops answering is reported ("failed: ...",
"no answer within 10 s") and killed, and the run goes on. Takes about 3 minutes.
"""
import os
import platform
import resource
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_bench as ab                                  # noqa: E402
from api_bench import BenchError, body                  # noqa: E402

MIB = 1024 * 1024

IDLE_CONNS = 5000           # 1: connections held open
DRIBBLE_EVERY = 3.0         # 1: seconds between the slow connections' bytes
CONNECT_DEADLINE = 5.0      # 1, 2: for opening every hostile connection
LOGIN_DEADLINE = 10.0       # a fresh client's login, connect to reply
PER_ADDRESS = 50            # hostile connections per source address (127.1.x.y): below
                            # the per-client limit (64), so the whole server's limits are hit
BIG_CONNS = 800             # 2
BIG_LENGTH = 307200         # 2: Content-Length each announces...
BIG_SENT = 307000           # ...and the body bytes each sends
PIPELINED = 10              # 3: calls in one send
PIPE_TARGET = 0.050
PIPE_RUNS = 5               # 3: runs, while they take under PIPE_SECONDS in all
PIPE_SECONDS = 10
LOG_TARGET = 0.70           # 4: of nginx's rate
GUESS_WINDOW = 4.0          # 5: seconds of guessing, each way
GUESS_CONCURRENT = 16
VMS_SMALL = 1000            # 6
VMS_BIG = 10000
READERS = 10                # 6: concurrent VM.get_all_records...
SLOW_READERS = 3            # ...of which these read 64 KiB, then sleep SLOW_SLEEP
SLOW_CHUNK = 64 * 1024
SLOW_SLEEP = 0.005
ALONE_CALLS = 3             # 6: calls alone, median kept
RECORDS_DEADLINE = 90.0     # 6: for each call
PEAK_TARGET = 128 * MIB
LINEAR_SLACK = 1.5          # 6: time per VM at 10000 within this of 1000's is "linear"
POPULATE_THREADS = 8
WRK_ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))  # 4: each side, interleaved

TAGS = ("before", "after")
NOFILE_START = resource.getrlimit(resource.RLIMIT_NOFILE)


def log(msg):
    print("hostile_bench: " + msg, file=sys.stderr, flush=True)


def hostile_address(i):
    k = i // PER_ADDRESS
    return "127.1.%d.%d" % (k // 250, k % 250 + 1)


FRESH_ADDRESS = "127.0.0.1"
GUESS_SEQ_ADDRESS = "127.2.0.1"
GUESS_CONC_ADDRESS = "127.2.0.2"


def raise_nofile(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= want:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), max(hard, want)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def describe(e):
    if isinstance(e, socket.timeout):
        return "timed out"
    if isinstance(e, OSError) and e.strerror:
        return e.strerror.lower()
    return str(e) or e.__class__.__name__


# ----------------------------------------------------------------------- xapi-lite

class Server(ab.Xapi):
    """api_bench's xapi-lite, with extra arguments, started under the bench's first file
    limit, stopped with SIGTERM and killed when it does not stop (it may be locked up)."""

    def __init__(self, binary, work, shadow, extra=()):
        super().__init__(binary, tempfile.mkdtemp(prefix="xapi-", dir=work), shadow)
        self.extra = list(extra)
        self.notes = []

    def argv(self, state, port):
        return super().argv(state, port) + self.extra

    def start(self, state):
        raised = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, NOFILE_START)
        try:
            return super().start(state)
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, raised)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def gone(self):
        """Why the server is no longer there, or None."""
        if self.proc is None or self.proc.poll() is None:
            return None
        return "xapi-lite exited with status %s" % self.proc.returncode

    def status(self):
        try:
            return super().status()
        except OSError:
            raise BenchError(self.gone() or "xapi-lite's /proc status is unreadable")

    def stop(self):
        if self.proc is None:
            return None
        if self.proc.poll() is not None:
            self.notes.append("it had exited with status %s" % self.proc.returncode)
        else:
            t0 = time.monotonic()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.notes.append("it did not stop within 5 s of SIGTERM and was killed")
                self.proc.kill()
                self.proc.wait(5)
            if time.monotonic() - t0 > 1:
                self.notes.append("SIGTERM took %.1f s" % (time.monotonic() - t0))
        if self.proc in ab.PROCS:
            ab.PROCS.remove(self.proc)
        rc, self.proc = self.proc.returncode, None
        return rc


# ----------------------------------------------------------------------- raw HTTP

class Closed(Exception):
    pass


class Wire:
    """One HTTP/1.1 client connection from a chosen source address: raw bytes out, whole
    replies in, every step against a deadline (time.monotonic())."""

    def __init__(self, port, src, deadline):
        self.sk = socket.socket()
        self.buf = bytearray()
        try:
            self.sk.bind((src, 0))
            self._until(deadline)
            self.sk.connect(("127.0.0.1", port))
        except BaseException:
            self.sk.close()
            raise

    def _until(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("timed out")
        self.sk.settimeout(left)

    def send(self, data, deadline):
        self._until(deadline)
        self.sk.sendall(data)

    def reply(self, deadline):
        """(status, body) of the next reply; Closed when the server hangs up first."""
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                head = bytes(self.buf[:end]).decode("latin-1")
                length = 0
                for line in head.split("\r\n")[1:]:
                    k, _, v = line.partition(":")
                    if k.strip().lower() == "content-length":
                        length = int(v)
                if len(self.buf) >= end + 4 + length:
                    data = bytes(self.buf[end + 4:end + 4 + length])
                    del self.buf[:end + 4 + length]
                    return int(head.split()[1]), data
            self._until(deadline)
            chunk = self.sk.recv(1 << 20)
            if not chunk:
                raise Closed("closed by xapi-lite%s" % (
                    " after %d bytes of a reply" % len(self.buf) if self.buf else
                    " without an answer"))
            self.buf += chunk

    def call(self, data, deadline):
        """Sends one raw request; returns the parsed XML-RPC struct of its reply."""
        self.send(data, deadline)
        status, data = self.reply(deadline)
        if status != 200:
            raise BenchError("HTTP %d: %r" % (status, data[:120]))
        return xmlrpc.client.loads(data)[0][0]

    def close(self):
        self.sk.close()


def post(xml):
    return (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
            b"Content-Length: %d\r\n\r\n" % len(xml)) + xml


def login_request(password=ab.PASSWORD):
    return post(body("session.login_with_password", "root", password, "1.0", "hostile-bench"))


def fresh_login(port, deadline_s=LOGIN_DEADLINE, src=FRESH_ADDRESS):
    """A new client's login, connect to reply: (seconds, None) or (seconds, what went wrong)."""
    t0 = time.monotonic()
    deadline = t0 + deadline_s
    w = None
    try:
        w = Wire(port, src, deadline)
        r = w.call(login_request(), deadline)
        if r.get("Status") != "Success":
            return time.monotonic() - t0, "login refused: %s" % r.get("ErrorDescription")
        return time.monotonic() - t0, None
    except socket.timeout:
        return time.monotonic() - t0, "no answer within %.0f s%s" % (
            deadline_s, "" if w else " (the connect itself did not complete)")
    except (OSError, Closed, BenchError) as e:
        return time.monotonic() - t0, "%s after %.2f s" % (describe(e), time.monotonic() - t0)
    finally:
        if w is not None:
            w.close()


def session_of(port, deadline_s=10):
    deadline = time.monotonic() + deadline_s
    try:
        w = Wire(port, FRESH_ADDRESS, deadline)
        try:
            r = w.call(login_request(), deadline)
        finally:
            w.close()
    except (OSError, Closed) as e:
        raise BenchError("the login for a session: %s" % describe(e))
    if r.get("Status") != "Success":
        raise BenchError("login: %s" % r.get("ErrorDescription"))
    return r["Value"]


# ----------------------------------------------------------------------- many connections

def open_many(port, n, deadline_s):
    """n non-blocking connections from hostile_address(i); those not connected by the deadline
    are dropped. Returns (sockets, failures by reason)."""
    deadline = time.monotonic() + deadline_s
    pending, done, failed = {}, [], {}
    p = select.poll()
    for i in range(n):
        sk = socket.socket()
        sk.setblocking(False)
        try:
            sk.bind((hostile_address(i), 0))
            err = sk.connect_ex(("127.0.0.1", port))
        except OSError as e:
            sk.close()
            failed[describe(e)] = failed.get(describe(e), 0) + 1
            continue
        if err == 0:
            done.append(sk)
        elif err in (115, 11):      # EINPROGRESS, EAGAIN
            pending[sk.fileno()] = sk
            p.register(sk, select.POLLOUT)
        else:
            sk.close()
            why = os.strerror(err).lower()
            failed[why] = failed.get(why, 0) + 1
    while pending and time.monotonic() < deadline:
        for fd, _ in p.poll(max(1, int((deadline - time.monotonic()) * 1000))):
            sk = pending.pop(fd)
            p.unregister(fd)
            err = sk.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err == 0:
                done.append(sk)
            else:
                sk.close()
                why = os.strerror(err).lower()
                failed[why] = failed.get(why, 0) + 1
    if pending:
        failed["not connected within %.0f s" % deadline_s] = len(pending)
        for sk in pending.values():
            sk.close()
    return done, failed


def census(socks):
    """What each held connection shows now: still open and quiet, closed or reset by the
    server, or an HTTP status it sent. Returns a dict of counts."""
    out = {}
    p = select.poll()
    by_fd = {}
    for sk in socks:
        if sk.fileno() == -1:
            out["closed by the bench"] = out.get("closed by the bench", 0) + 1
            continue
        by_fd[sk.fileno()] = sk
        p.register(sk, select.POLLIN)
    ready = dict(p.poll(0))
    for fd, sk in by_fd.items():
        what = "open (nothing from xapi-lite)"
        if fd in ready:
            try:
                data = sk.recv(256, socket.MSG_PEEK | socket.MSG_DONTWAIT)
                if not data:
                    what = "closed by xapi-lite"
                elif data.startswith(b"HTTP/1."):
                    what = "answered %s" % data.split()[1].decode("latin-1", "replace")
                else:
                    what = "sent other bytes"
            except BlockingIOError:
                pass
            except OSError as e:
                what = describe(e)
        out[what] = out.get(what, 0) + 1
    return out


def counts(d):
    return ", ".join("%d %s" % (v, k) for k, v in sorted(d.items(), key=lambda kv: -kv[1])) \
        or "none"


def tcp_side(port):
    """The server's side of its TCP port, from /proc/net/tcp: the listener's accept queue,
    the unread bytes of its established connections, how many are established (accepted
    or queued), and how many half-open (SYN_RECV: a client's last handshake packet was
    dropped for a full accept queue, so the client believes it is connected)."""
    out = {"accept queue": 0, "unread": 0, "established": 0, "half-open": 0}
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            p = line.split()
            if int(p[1].rsplit(":", 1)[1], 16) != port:
                continue
            rx = int(p[4].split(":")[1], 16)
            if p[3] == "0A":
                out["accept queue"] += rx
            elif p[3] == "01":
                out["unread"] += rx
                out["established"] += 1
            elif p[3] == "03":
                out["half-open"] += 1
    return out


def settle(port, which, deadline_s):
    """Waits until the server has taken in what it will: tcp_side's `which` ("accept queue"
    or "unread") is 0, or has not moved for 0.5 s. Returns the last value."""
    deadline = time.monotonic() + deadline_s
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        v = tcp_side(port)[which]
        if v == 0:
            return 0
        if v != last:
            last, since = v, time.monotonic()
        elif time.monotonic() - since >= 0.5:
            return v
        time.sleep(0.05)
    return last


class Dribbler(threading.Thread):
    """Sends the next byte of a never-ending request on every socket each DRIBBLE_EVERY s."""
    HEAD = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "

    def __init__(self, socks):
        super().__init__(daemon=True)
        self.socks, self.halt, self.rounds, self.errors = socks, threading.Event(), 0, 0

    def run(self):
        while not self.halt.is_set():
            i = self.rounds
            byte = self.HEAD[i:i + 1] if i < len(self.HEAD) else b"a"
            for sk in self.socks:
                if sk.fileno() == -1:
                    continue
                try:
                    sk.send(byte, socket.MSG_DONTWAIT)
                except OSError:
                    self.errors += 1
            self.rounds += 1
            self.halt.wait(DRIBBLE_EVERY)


# ----------------------------------------------------------------------- measures

def m_idle(x, dribble):
    """1: IDLE_CONNS connections held (silent, or dribbling), then a fresh client's login."""
    socks, failed = open_many(x.port, IDLE_CONNS, CONNECT_DEADLINE)
    d = Dribbler(socks) if dribble else None
    try:
        if d:
            d.start()
        settle(x.port, "accept queue", 2.0)
        side = tcp_side(x.port)
        at_login = census(socks)
        took, err = fresh_login(x.port)
        at_end = census(socks)
        if d:
            d.halt.set()
            d.join(DRIBBLE_EVERY + 1)
        return {"connected": len(socks), "refused": failed, "side": side,
                "at_login": at_login, "at_end": at_end, "login": took, "login_err": err}
    finally:
        for sk in socks:
            sk.close()


def m_bodies(x):
    """2: BIG_CONNS connections each send headers for BIG_LENGTH and BIG_SENT body bytes."""
    rss0 = x.status()["VmRSS"]
    socks, failed = open_many(x.port, BIG_CONNS, CONNECT_DEADLINE)
    try:
        head = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
                b"Content-Length: %d\r\n\r\n" % BIG_LENGTH)
        xml = (b"<?xml version='1.0'?>\n<methodCall>\n<methodName>session.get_this_host"
               b"</methodName>\n<params>\n<param>\n<value><string>")
        payload = head + xml + b"A" * (BIG_SENT - len(xml))
        left = {sk.fileno(): [sk, 0] for sk in socks}
        p = select.poll()
        for sk in socks:
            p.register(sk, select.POLLOUT)
        t0 = time.monotonic()
        deadline = t0 + 20
        errors = {}
        moved = t0
        while left and time.monotonic() < deadline and time.monotonic() - moved < 1:
            for fd, _ in p.poll(200):
                sk, off = left[fd]
                try:
                    n = sk.send(memoryview(payload)[off:off + 262144], socket.MSG_DONTWAIT)
                    left[fd][1] = off + n
                    moved = time.monotonic()
                except BlockingIOError:
                    continue
                except OSError as e:
                    errors[describe(e)] = errors.get(describe(e), 0) + 1
                    n = None
                if n is None or off + n == len(payload):
                    p.unregister(fd)
                    del left[fd]
        sent_s = time.monotonic() - t0
        unsent = len(left)
        unread = settle(x.port, "unread", 5.0)
        st = x.status()
        took, err = fresh_login(x.port)
        st2 = x.status()
        seen = census(socks)
        return {"connected": len(socks), "refused": failed, "unsent": unsent, "errors": errors,
                "sent_s": sent_s, "unread": unread, "rss0": rss0, "rss": st["VmRSS"],
                "hwm": max(st["VmHWM"], st2["VmHWM"]), "login": took, "login_err": err,
                "seen": seen}
    finally:
        for sk in socks:
            sk.close()


def m_pipelined(x):
    """3: PIPELINED session.get_this_host in one send, time until every reply is in."""
    s = session_of(x.port)
    one = post(body("session.get_this_host", s, s))
    runs, firsts = [], []
    total0 = time.monotonic()
    for _ in range(PIPE_RUNS):
        deadline = time.monotonic() + 30
        w = Wire(x.port, FRESH_ADDRESS, deadline)
        try:
            t0 = time.perf_counter()
            w.send(one * PIPELINED, deadline)
            got = 0
            try:
                while got < PIPELINED:
                    status, data = w.reply(deadline)
                    if status != 200 or b"Success" not in data:
                        raise BenchError("reply %d: HTTP %d %r" % (got + 1, status, data[:120]))
                    got += 1
                    if got == 1:
                        firsts.append(time.perf_counter() - t0)
            except (socket.timeout, Closed, OSError) as e:
                raise BenchError("%d of %d replies in %.1f s, then %s" % (
                    got, PIPELINED, time.perf_counter() - t0, describe(e)))
            runs.append(time.perf_counter() - t0)
        finally:
            w.close()
        if time.monotonic() - total0 + runs[-1] > PIPE_SECONDS:
            break   # another run would take us past PIPE_SECONDS
    return {"runs": runs, "firsts": firsts, "bytes": len(one)}


def m_logged(servers, work):
    """4: wrk against each xapi-lite (logging to a file) and nginx serving its reply."""
    reqs, replies = [], []
    for x in servers:
        s = session_of(x.port)
        req = body("session.get_this_host", s, s)
        c = ab.Conn(x.port)
        try:
            reply = c.raw(req)
        finally:
            c.close()
        ab.value(reply)
        reqs.append(req)
        replies.append(reply)
    nginx, ndir, nport, nargv = ab.start_nginx(replies[0])
    try:
        names = []
        for i, reply in enumerate(replies):
            name = "reply-%d.xml" % i
            path = os.path.join(ndir, "www", name)
            with open(path, "wb") as f:
                f.write(reply)
            os.chmod(path, 0o644)
            names.append(name)
        scripts = []
        for i, req in enumerate(reqs):
            script = os.path.join(work, "post-%d.lua" % i)
            with open(script, "w") as f:
                f.write(ab.WRK_LUA % ("POST", ab.lua_string(req)))
            scripts.append(script)
        get = os.path.join(work, "get.lua")
        with open(get, "w") as f:
            f.write(ab.WRK_LUA % ("GET", "nil"))
        # nginx once per round when the replies are the same size, else once per binary
        sizes = sorted(set(len(r) for r in replies))
        xr = [[] for _ in servers]
        nr = {n: [] for n in sizes}
        xerr = [None for _ in servers]
        for _ in range(WRK_ROUNDS):
            for n in sizes:
                i = [len(r) for r in replies].index(n)
                nr[n].append(ab.wrk("http://127.0.0.1:%d/%s" % (nport, names[i]), get)[0])
            for i, x in enumerate(servers):
                if xerr[i]:
                    continue
                try:
                    xr[i].append(ab.wrk("http://127.0.0.1:%d/" % x.port, scripts[i])[0])
                except (BenchError, subprocess.TimeoutExpired) as e:
                    xerr[i] = str(e).splitlines()[0]
    finally:
        ab.stop(nginx)
        shutil.rmtree(ndir, ignore_errors=True)
    out = []
    for i, x in enumerate(servers):
        lines = 0
        with open(x.logfile, "rb") as f:
            for _ in f:
                lines += 1
        out.append({"rates": xr[i], "err": xerr[i], "nginx": nr[len(replies[i])],
                    "reply_bytes": len(replies[i]), "req_bytes": len(reqs[i]),
                    "log_lines": lines, "log_bytes": os.path.getsize(x.logfile)})
    return out, {"xargv": ["wrk"] + ab.WRK_ARGS, "nargv": nargv, "ndir": ndir}


def guesser(port, src, until, tally, lock):
    """Wrong-password logins from src, one at a time on a keep-alive connection, until
    `until`; tallies each reply's outcome and each hang-up."""
    req = login_request("wrong-password")
    w = None
    while time.monotonic() < until:
        try:
            if w is None:
                w = Wire(port, src, until)
            r = w.call(req, until)
            what = r.get("Status") if r.get("Status") == "Success" else \
                (r.get("ErrorDescription") or ["?"])[0]
        except socket.timeout:
            break
        except (OSError, Closed, BenchError) as e:
            what = "hang-up: " + describe(e)
            if w is not None:
                w.close()
            w = None
            if time.monotonic() < until:
                time.sleep(0.01)    # do not spin on a refusing server
        with lock:
            tally[what] = tally.get(what, 0) + 1
    if w is not None:
        w.close()


def m_guesses(x):
    """5: wrong-password guesses per second from one address, sequential, then concurrent
    (from another address), with one right login from a third during the concurrent ones."""
    out = {}
    lock = threading.Lock()
    for kind, src, n in (("seq", GUESS_SEQ_ADDRESS, 1),
                         ("conc", GUESS_CONC_ADDRESS, GUESS_CONCURRENT)):
        tally = {}
        t0 = time.monotonic()
        until = t0 + GUESS_WINDOW
        threads = [threading.Thread(target=guesser, args=(x.port, src, until, tally, lock),
                                    daemon=True) for _ in range(n)]
        for t in threads:
            t.start()
        if kind == "conc":
            time.sleep(GUESS_WINDOW / 4)    # the guessing well under way
            out["control"] = fresh_login(x.port)
        for t in threads:
            t.join(GUESS_WINDOW + 5)
        out[kind] = tally
        out[kind + "_s"] = time.monotonic() - t0
    return out


def populate(x, session, upto):
    """Clones the demo template (then set_is_a_template false) until upto VMs, from
    POPULATE_THREADS connections. Returns (VMs made, seconds)."""
    c = ab.Conn(x.port)
    try:
        tpl = c.call("VM.get_by_name_label", session, ab.TEMPLATE)
        have = len(c.call("VM.get_all", session))
    finally:
        c.close()
    if not tpl:
        raise BenchError("no template %r" % ab.TEMPLATE)
    need = max(0, upto - have)
    errors = []

    def worker(k):
        cc = ab.Conn(x.port)
        try:
            for i in range(k, need, POPULATE_THREADS):
                vm = ab.value(cc.raw(body("VM.clone", session, tpl[0], "bench-%05d" % (have + i))))
                ab.value(cc.raw(body("VM.set_is_a_template", session, vm, False)))
        except Exception as e:     # noqa: BLE001 - reported below
            errors.append(describe(e))
        finally:
            cc.close()

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(k,), daemon=True)
               for k in range(POPULATE_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    if errors:
        raise BenchError("making VMs: %s" % errors[0])
    return need, time.monotonic() - t0


def vm_count(x, session):
    c = ab.Conn(x.port)
    try:
        return len(c.call("VM.get_all", session))
    finally:
        c.close()


def records_call(port, req, slow, start=None):
    """One VM.get_all_records on a new connection, read fast or slowly: (seconds, bytes)."""
    deadline = time.monotonic() + RECORDS_DEADLINE
    w = Wire(port, FRESH_ADDRESS, deadline)
    try:
        if start is not None:
            start.wait(10)
        t0 = time.perf_counter()
        w.send(req, deadline)
        got, want, head, chunked, tail = 0, None, bytearray(), False, b""
        while want is None or got < want:
            w._until(deadline)
            chunk = w.sk.recv(SLOW_CHUNK if slow else 1 << 20)
            if not chunk:
                raise Closed("closed by xapi-lite after %d bytes" % got)
            if head is not None:
                head += chunk
                end = head.find(b"\r\n\r\n")
                if end < 0:
                    continue
                lines = bytes(head[:end]).decode("latin-1").split("\r\n")
                if lines[0].split()[1] != "200":
                    raise BenchError(lines[0])
                for line in lines[1:]:
                    k, _, v = line.partition(":")
                    if k.strip().lower() == "content-length":
                        want = int(v)
                    elif k.strip().lower() == "transfer-encoding" and \
                            v.strip().lower() == "chunked":
                        chunked = True
                if want is None and not chunked:
                    raise BenchError("a reply with neither content-length nor chunks")
                chunk = bytes(head[end + 4:])
                head = None
            # A chunked reply (a streamed get_all_records) ends with its empty chunk; the
            # bytes counted are the chunks' framing and data as sent.
            got += len(chunk)
            tail = (tail + chunk)[-7:]
            if chunked and tail == b"\r\n0\r\n\r\n":
                break
            if slow:
                time.sleep(SLOW_SLEEP)
        return time.perf_counter() - t0, got
    finally:
        w.close()


def alone(x, session):
    req = post(body("VM.get_all_records", session))
    times = []
    for _ in range(ALONE_CALLS):
        t, n = records_call(x.port, req, False)
        times.append(t)
    return statistics.median(times), n


def m_records(x, state_small, state_big, state):
    """6: on copies of the 1000- and 10000-VM state dirs: calls alone, then READERS at once."""
    out = {}
    for name, src, want in (("small", state_small, VMS_SMALL), ("big", state_big, VMS_BIG)):
        here = os.path.join(state, name)
        shutil.copytree(src, here)
        out[name + "_start"] = x.start(here)
        s = session_of(x.port)
        out[name + "_loaded"] = vm_count(x, s)
        out[name + "_made"] = populate(x, s, want)[0]   # when the binary cannot read the copy
        out[name + "_vms"] = vm_count(x, s)
        out[name + "_rss"] = x.status()["VmRSS"]
        out[name + "_alone"], out[name + "_bytes"] = alone(x, s)
        out[name + "_hwm_alone"] = x.status()["VmHWM"]
        if name == "small":
            x.stop()
            continue
        req = post(body("VM.get_all_records", s))
        go = threading.Event()
        results = [None] * READERS

        def reader(i):
            try:
                results[i] = records_call(x.port, req, i >= READERS - SLOW_READERS, go)
            except Exception as e:     # noqa: BLE001 - reported
                results[i] = describe(e)

        threads = [threading.Thread(target=reader, args=(i,), daemon=True)
                   for i in range(READERS)]
        for t in threads:
            t.start()
        time.sleep(0.2)     # every connection open and waiting for the go
        go.set()
        for t in threads:
            t.join(RECORDS_DEADLINE + 15)
        out["conc"] = results
        out["hwm"] = x.status()["VmHWM"]
    return out


def make_states(binaries, work, shadow):
    """The 1000- and 10000-VM state dirs, made once (by the first binary that manages) and
    copied for each measure, so both binaries start from the same database."""
    small, big = os.path.join(work, "vms-1000"), os.path.join(work, "vms-10000")
    why = []
    for i, b in enumerate(binaries):
        x = Server(b, work, shadow)
        try:
            shutil.rmtree(small, ignore_errors=True)
            shutil.rmtree(big, ignore_errors=True)
            state = os.path.join(work, "vms-making")
            shutil.rmtree(state, ignore_errors=True)
            x.start(state)
            s = session_of(x.port)
            n1, t1 = populate(x, s, VMS_SMALL)
            x.stop()
            shutil.copytree(state, small)
            x.start(state)
            s = session_of(x.port)
            n2, t2 = populate(x, s, VMS_BIG)
            x.stop()
            shutil.copytree(state, big)
            return small, big, {"by": i, "made": n1 + n2, "seconds": t1 + t2}
        except (BenchError, OSError) as e:
            why.append("%s: %s" % (b, describe(e)))
        finally:
            x.stop()
    raise BenchError("could not make the VMs: " + "; ".join(why))


# ----------------------------------------------------------------------- running

def guarded(name, fn, *args):
    """Runs one measure; its failure becomes {"failed": text} instead of ending the run."""
    try:
        return fn(*args)
    except Exception as e:     # noqa: BLE001 - a falling binary is a result
        log("%s failed: %s" % (name, describe(e)))
        return {"failed": describe(e)}


def with_server(binary, work, shadow, tag, fn, *args, extra=()):
    x = Server(binary, work, shadow, extra)
    state = tempfile.mkdtemp(prefix="state-%s-" % tag, dir=work)
    r = None
    try:
        x.start(state)
        r = guarded(tag, fn, x, *args)
    except Exception as e:     # noqa: BLE001
        r = {"failed": describe(e)}
    finally:
        gone = x.gone()
        x.stop()
        if isinstance(r, dict):
            if gone and "failed" in r:
                r["failed"] += " (%s)" % gone
            r["server"] = "; ".join(x.notes)
        shutil.rmtree(state, ignore_errors=True)
    return r


def run(binaries):
    ab.need_tools("hostile_bench", *binaries)
    binaries = [os.path.abspath(b) for b in binaries]
    nofile = raise_nofile(IDLE_CONNS + 1000)
    if nofile < IDLE_CONNS + 200:
        raise SystemExit("hostile_bench: RLIMIT_NOFILE is %d; %d connections need more "
                         "(run as root, or raise the hard limit)" % (nofile, IDLE_CONNS))
    started = time.monotonic()
    load = os.getloadavg()
    work = tempfile.mkdtemp(prefix="hostile-bench-")
    res = [{} for _ in binaries]
    try:
        shadow = ab.make_shadow(work)
        for b, tag, r in zip(binaries, TAGS, res):
            log("%s: 1. login with %d silent connections held" % (tag, IDLE_CONNS))
            r["idle"] = with_server(b, work, shadow, tag, m_idle, False)
            log("%s: 1. login with %d connections sending a byte every %.0f s" % (
                tag, IDLE_CONNS, DRIBBLE_EVERY))
            r["dribble"] = with_server(b, work, shadow, tag, m_idle, True)
            log("%s: 2. %d almost complete 300 KiB bodies" % (tag, BIG_CONNS))
            r["bodies"] = with_server(b, work, shadow, tag, m_bodies)
            log("%s: 3. %d pipelined calls" % (tag, PIPELINED))
            r["pipe"] = with_server(b, work, shadow, tag, m_pipelined)
            log("%s: 5. login guesses" % tag)
            r["guess"] = with_server(b, work, shadow, tag, m_guesses)

        log("4. wrk %s with --log FILE, each binary and nginx, %d rounds" % (
            " ".join(ab.WRK_ARGS), WRK_ROUNDS))
        servers = []
        try:
            for i, b in enumerate(binaries):
                logfile = os.path.join(work, "xapi-lite-%d.log" % i)
                x = Server(b, work, shadow, ["--log", logfile])
                x.logfile = logfile
                servers.append(x)
                x.start(tempfile.mkdtemp(prefix="state-log-", dir=work))
            logged, logged_how = guarded("4", m_logged, servers, work), None
            if isinstance(logged, tuple):
                logged, logged_how = logged
            else:
                logged = [logged] * len(servers)
        except Exception as e:     # noqa: BLE001
            logged, logged_how = [{"failed": describe(e)}] * len(binaries), None
        finally:
            for x in servers:
                x.stop()
        for r, l in zip(res, logged):
            r["logged"] = l

        log("6. making %d VMs (then %d) to copy for each binary" % (VMS_SMALL, VMS_BIG))
        try:
            small, big, made = make_states(binaries, work, shadow)
        except BenchError as e:
            small = big = None
            made = {"failed": str(e)}
        for b, tag, r in zip(binaries, TAGS, res):
            if small is None:
                r["records"] = {"failed": made["failed"]}
                continue
            log("%s: 6. VM.get_all_records alone on %d and %d VMs, then %d at once" % (
                tag, VMS_SMALL, VMS_BIG, READERS))
            x = Server(b, work, shadow)
            state = tempfile.mkdtemp(prefix="state-rec-", dir=work)
            try:
                r["records"] = guarded("6", m_records, x, small, big, state)
            finally:
                gone = x.gone()
                x.stop()
                if gone and "failed" in r["records"]:
                    r["records"]["failed"] += " (%s)" % gone
                r["records"]["server"] = "; ".join(x.notes)
                shutil.rmtree(state, ignore_errors=True)
        fs = ab.fs_type(work)
        elapsed = time.monotonic() - started
    finally:
        ab.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    report(binaries, res, {"elapsed": elapsed, "load": load, "fs": fs, "made": made,
                           "logged_how": logged_how, "nofile": nofile})


# ----------------------------------------------------------------------- report

def ms(s):
    return "%.1f ms" % (s * 1000) if s < 10 else "%.1f s" % s


def mib(b):
    return "%.1f MiB" % (b / MIB)


def yes(ok):
    return "-" if ok is None else "yes" if ok else "**no**"


def report(binaries, res, run_info):
    pending = len(binaries) == 1
    rows = []
    broken = (KeyError, TypeError, ValueError, IndexError, ZeroDivisionError)

    def each(fn, on_error):
        """fn over each binary's results (a failed measure lacks keys: on_error), then
        "pending" for an after binary not yet given."""
        out = []
        for r in res:
            try:
                out.append(fn(r))
            except broken:
                out.append(on_error)
        return out + (["pending"] if pending else [])

    def row(label, value, target="", ratio=None, met=None):
        """value, ratio, met: functions of one binary's results; ratio and met optional."""
        rows.append([label] + each(value, "-") + [
            target,
            " / ".join(each(ratio, "-")) if ratio else "",
            " / ".join(each(lambda r: yes(met(r)), yes(False))) if met else ""])

    def login_cell(m):
        def f(r):
            d = r[m]
            if "failed" in d:
                return "failed: " + d["failed"]
            return ms(d["login"]) if d["login_err"] is None else d["login_err"]
        return f

    def login_ok(m):
        return lambda r: r[m]["login_err"] is None and r[m]["login"] <= LOGIN_DEADLINE

    def failed_or(m, f):
        def g(r):
            d = r[m]
            if "failed" in d:
                return "failed: " + d["failed"]
            return f(d)
        return g

    for m, what in (("idle", "silent connections"),
                    ("dribble", "connections that send one byte every %.0f s" % DRIBBLE_EVERY)):
        row("1. fresh client's `session.login_with_password`, connect to reply, while %d "
            "%s are held" % (IDLE_CONNS, what), login_cell(m),
            "answered, <= %.0f s" % LOGIN_DEADLINE,
            lambda r, m=m: "%.2f" % (r[m]["login"] / LOGIN_DEADLINE)
            if r[m]["login_err"] is None else "-", login_ok(m))
        row("1. of those %d, when the login was sent / at its end" % IDLE_CONNS,
            failed_or(m, lambda d: "%s / %s" % (counts(d["at_login"]), counts(d["at_end"]))))
    row("2. VmHWM (peak RSS) while %d connections each hold %d of a %d-byte body" % (
        BIG_CONNS, BIG_SENT, BIG_LENGTH), failed_or("bodies", lambda d: mib(d["hwm"])))
    row("2. fresh client's login meanwhile", login_cell("bodies"), "succeeds",
        None, login_ok("bodies"))
    row("2. the %d connections after the login" % BIG_CONNS,
        failed_or("bodies", lambda d: counts(d["seen"])))

    def pipe_val(d):
        return "%s (all: %s)" % (ms(statistics.median(d["runs"])),
                                 ", ".join(ms(v) for v in d["runs"]))
    row("3. %d `session.get_this_host` in one send on one connection -> all %d replies, "
        "median" % (PIPELINED, PIPELINED), failed_or("pipe", pipe_val),
        "<= %.0f ms" % (PIPE_TARGET * 1000),
        lambda r: "%.2f" % (statistics.median(r["pipe"]["runs"]) / PIPE_TARGET),
        lambda r: statistics.median(r["pipe"]["runs"]) <= PIPE_TARGET)
    row("3. of which the first reply, median",
        failed_or("pipe", lambda d: ms(statistics.median(d["firsts"]))))

    def lrate(d):
        if d.get("err"):
            return "failed: " + d["err"]
        return "%.0f req/s (best of %d: %s; each round's ratio to nginx: %s)" % (
            max(d["rates"]), len(d["rates"]), ", ".join("%.0f" % v for v in d["rates"]),
            ", ".join("%.0f %%" % (100 * a / b) for a, b in zip(d["rates"], d["nginx"])))

    def lratio(r):
        return max(r["logged"]["rates"]) / max(r["logged"]["nginx"])
    row("4. `session.get_this_host`, keep-alive, wrk, xapi-lite with `--log FILE`",
        failed_or("logged", lrate), ">= %.0f %% of nginx" % (LOG_TARGET * 100),
        lambda r: "%.0f %%" % (lratio(r) * 100), lambda r: lratio(r) >= LOG_TARGET)
    row("4. nginx, static file of the reply's size, same wrk",
        failed_or("logged", lambda d: "%.0f req/s (best of %d: %s; %d bytes)" % (
            max(d["nginx"]), len(d["nginx"]), ", ".join("%.0f" % v for v in d["nginx"]),
            d["reply_bytes"])))

    def grate(kind):
        def f(d):
            n = sum(v for k, v in d[kind].items() if k == "SESSION_AUTHENTICATION_FAILED")
            return "%.1f /s (%d in %.1f s)" % (n / d[kind + "_s"], n, d[kind + "_s"])
        return f
    row("5. wrong-password logins answered per second, one address, one at a time",
        failed_or("guess", grate("seq")))
    row("5. the same, %d connections at once" % GUESS_CONCURRENT,
        failed_or("guess", grate("conc")))
    row("5. replies other than SESSION_AUTHENTICATION_FAILED (sequential / concurrent)",
        failed_or("guess", lambda d: "%s / %s" % (
            counts({k: v for k, v in d["seq"].items() if k != "SESSION_AUTHENTICATION_FAILED"}),
            counts({k: v for k, v in d["conc"].items()
                    if k != "SESSION_AUTHENTICATION_FAILED"}))))
    row("5. a right login from another address during the concurrent guesses",
        failed_or("guess", lambda d: ms(d["control"][0]) if d["control"][1] is None
                  else d["control"][1]), "", None,
        lambda r: r["guess"]["control"][1] is None)

    def per_vm(t, n):
        return "%.2f us" % (t / n * 1e6)

    def fast(d):
        return [v[0] for v in d["conc"][:READERS - SLOW_READERS] if isinstance(v, tuple)]

    def slow(d):
        return [v[0] for v in d["conc"][READERS - SLOW_READERS:] if isinstance(v, tuple)]

    def conc_failures(d):
        bad = [v for v in d["conc"] if not isinstance(v, tuple)]
        return "; %d of %d failed: %s" % (len(bad), READERS, bad[0]) if bad else ""

    row("6. VmHWM (peak RSS), %d concurrent `VM.get_all_records` on %d VMs (%d slow "
        "readers)" % (READERS, VMS_BIG, SLOW_READERS),
        failed_or("records", lambda d: mib(d["hwm"]) + conc_failures(d)),
        "<= %.0f MiB" % (PEAK_TARGET / MIB),
        lambda r: "%.2f" % (r["records"]["hwm"] / PEAK_TARGET),
        lambda r: r["records"]["hwm"] <= PEAK_TARGET and not conc_failures(r["records"]))
    row("6. of those, a fast reader's call, per VM, median (max)",
        failed_or("records", lambda d: "%s (%s)" % (
            per_vm(statistics.median(fast(d)), d["big_vms"]),
            per_vm(max(fast(d)), d["big_vms"]))))
    row("6. of those, a slow reader's call (%d KiB, then %.0f ms), median" % (
        SLOW_CHUNK // 1024, SLOW_SLEEP * 1000),
        failed_or("records", lambda d: ms(statistics.median(slow(d)))))
    row("6. one call alone, %d VMs, per VM (median of %d)" % (VMS_SMALL, ALONE_CALLS),
        failed_or("records", lambda d: "%s (%s, %d bytes)" % (
            per_vm(d["small_alone"], d["small_vms"]), ms(d["small_alone"]),
            d["small_bytes"])))
    row("6. one call alone, %d VMs, per VM (median of %d)" % (VMS_BIG, ALONE_CALLS),
        failed_or("records", lambda d: "%s (%s, %d bytes)" % (
            per_vm(d["big_alone"], d["big_vms"]), ms(d["big_alone"]), d["big_bytes"])),
        "linear: <= %.1fx of %d VMs' per VM" % (LINEAR_SLACK, VMS_SMALL),
        lambda r: "%.2fx" % linear(r["records"]),
        lambda r: linear(r["records"]) <= LINEAR_SLACK)
    row("6. VmRSS with %d VMs loaded, before the calls" % VMS_BIG,
        failed_or("records", lambda d: mib(d["big_rss"])))

    names = TAGS
    print("## xapi-lite under hostile load (issue: xapi-lite's front door holds under hostile "
          "load and damaged state)")
    print()
    print("Command: `python3 bench/hostile_bench.py %s` (%.0f s). Run on %s." % (
        " ".join(sys.argv[1:]), run_info["elapsed"], time.strftime("%Y-%m-%d %H:%M")))
    print()
    print("Machine: %s; load average %.2f before the run; state dirs on %s; %s; Python %s" % (
        ab.machine(), run_info["load"][0], run_info["fs"], ab.versions(),
        platform.python_version()))
    print()
    print("Binaries: before `%s`%s." % (
        sys.argv[1], "; after `%s`" % sys.argv[2] if not pending else
        "; after: pending (run again with the after binary as a second argument)"))
    print()
    print("| measure | " + " | ".join(names) + " | target | ratio (before / after) | "
          "met (before / after) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    also = []
    for name, r in zip(names, res):
        bits = []
        for m, label in (("idle", "1 silent"), ("dribble", "1 dribbling")):
            d = r.get(m, {})
            if "connected" in d:
                bits.append("%s: %d of %d connected (%s); xapi-lite's side of its port "
                            "when the login was sent: %d established (accepted or in the "
                            "accept queue, which held %d), %d half-open" % (
                                label, d["connected"], IDLE_CONNS,
                                "not connected: " + counts(d["refused"]) if d["refused"]
                                else "all", d["side"]["established"],
                                d["side"]["accept queue"], d["side"]["half-open"]))
        d = r.get("bodies", {})
        if "connected" in d:
            bits.append("2: %d of %d connected, bodies sent in %.1f s (%d not fully sent%s), "
                        "%d bytes unread by xapi-lite when the peak was read, VmRSS before "
                        "%s, then %s" % (
                            d["connected"], BIG_CONNS, d["sent_s"], d["unsent"],
                            "; send errors: " + counts(d["errors"]) if d["errors"] else "",
                            d["unread"], mib(d["rss0"]), mib(d["rss"])))
        d = r.get("logged", {})
        if "log_lines" in d:
            bits.append("4: the log has %d lines, %d bytes" % (d["log_lines"], d["log_bytes"]))
        d = r.get("records", {})
        if "big_vms" in d:
            bits.append("6: %d and %d VMs (%d and %d loaded from the state dirs), start-up "
                        "on them %s and %s" % (
                            d["small_vms"], d["big_vms"], d["small_loaded"], d["big_loaded"],
                            ms(d["small_start"]), ms(d["big_start"])))
        for m in ("idle", "dribble", "bodies", "pipe", "guess", "logged", "records"):
            note = r.get(m, {}).get("server") if isinstance(r.get(m), dict) else None
            if note:
                bits.append("%s: on stopping xapi-lite, %s" % (m, note))
        also.append("%s: %s" % (name, "; ".join(bits)))
    made = run_info["made"]
    print("Also seen: " + ". ".join(also) + ". " + (
        "The VMs were made by %s in %.1f s (%.2f ms per clone and set)." % (
            TAGS[made["by"]], made["seconds"],
            made["seconds"] * 1000 / max(1, made["made"])) if "by" in made else
        "The VMs: " + made.get("failed", "?")))
    print()
    print("How each is measured (ratio: value / target; `met` for each binary):")
    print("- xapi-lite: `BIN --backend sim --state STATE --listen 127.0.0.1:PORT "
          "--password-file SHADOW` (SHADOW: root's hash from `openssl passwd -6`), a new "
          "process and state dir for each measure, RLIMIT_NOFILE %d/%d as the bench found it "
          "(the bench's own raised to %d); stopped with SIGTERM, killed if it has not exited "
          "5 s later. Hostile connections come from 127.1.x.y, %d per address (below the "
          "per-client limit of 64, so the limits for the whole server are what is hit); "
          "fresh clients from 127.0.0.1;" % (NOFILE_START[0], NOFILE_START[1],
                                             run_info["nofile"], PER_ADDRESS))
    print("- 1: %d non-blocking connects (those not connected within %.0f s are dropped); "
          "they send nothing, or (second row) one byte of `POST / HTTP/1.1\\r\\n...` each "
          "%.0f s from the start; once the listener's accept queue is empty (or still for "
          "0.5 s, at most 2 s), a new connection sends `session.login_with_password`: time "
          "from connect to the whole reply, %.0f s deadline. The held connections' state "
          "(open, closed, an HTTP status sent) is read before and after the login, as the "
          "bench sees them, and xapi-lite's side of its port from `/proc/net/tcp`: a "
          "connection the bench counts as open may be unknown to xapi-lite's kernel, whose "
          "accept queue (`listen(fd, 128)`) dropped the handshake's last packet (here "
          "tcp_syncookies=%s, tcp_abort_on_overflow=%s);" % (
              IDLE_CONNS, CONNECT_DEADLINE, DRIBBLE_EVERY, LOGIN_DEADLINE,
              sysctl("net/ipv4/tcp_syncookies"), sysctl("net/ipv4/tcp_abort_on_overflow")))
    print("- 2: %d connections each send headers with `Content-Length: %d` and %d bytes of "
          "an XML-RPC body, then nothing; once xapi-lite's sockets have no unread bytes (or "
          "they stay put for 0.5 s, at most 5 s) `VmHWM` is read from `/proc/PID/status`, a "
          "fresh login tried (as in 1), `VmHWM` read again (the larger kept);" % (
              BIG_CONNS, BIG_LENGTH, BIG_SENT))
    print("- 3: after a login, a new connection sends %d `session.get_this_host(s, s)` "
          "requests in one `send`; time until the %dth whole reply (and the first); up to "
          "%d runs, while another fits in %d s in all;" % (
              PIPELINED, PIPELINED, PIPE_RUNS, PIPE_SECONDS))
    how = run_info["logged_how"]
    print("- 4: as `bench/api_bench.py`'s measure 1 (the same nginx.conf, post.lua and "
          "get.lua), but xapi-lite runs with `--log FILE` (a file in the state dirs' file "
          "system, as dom0's `/var/log/xapi-lite.log`): `%s -s post.lua` against each "
          "binary and `-s get.lua` against nginx serving that binary's reply byte for byte; "
          "%d rounds, each nginx then each binary, the best of each kept;" % (
              " ".join(how["xargv"]) if how else "wrk " + " ".join(ab.WRK_ARGS),
              WRK_ROUNDS))
    print("- 5: `session.login_with_password(\"root\", \"wrong-password\", ...)` on a "
          "keep-alive connection from %s, each sent once the last is answered, for %.0f s "
          "(replies after that are not counted; a hang-up is counted and the connection "
          "reopened); then %d such connections at once from %s for %.0f s, and %.0f s into "
          "those, a right login from 127.0.0.1 (as in 1);" % (
              GUESS_SEQ_ADDRESS, GUESS_WINDOW, GUESS_CONCURRENT, GUESS_CONC_ADDRESS,
              GUESS_WINDOW, GUESS_WINDOW / 4))
    print("- 6: %d VMs, then %d, made once by `VM.clone` of \"%s\" and "
          "`VM.set_is_a_template(false)` over %d connections, each state dir copied after "
          "SIGTERM; each binary starts on a copy (and makes any VMs it did not load). On "
          "each: %d calls alone, each on a new connection, time from sending to the reply's "
          "last byte, median, divided by the VM count; then, on %d VMs, %d connections send "
          "`VM.get_all_records` at once: %d read as fast as they can (1 MiB `recv`s), %d "
          "read %d KiB then sleep %.0f ms; `VmHWM` afterwards (the peak since the process "
          "started, loading the state dir included)." % (
              VMS_SMALL, VMS_BIG, ab.TEMPLATE, POPULATE_THREADS, ALONE_CALLS, VMS_BIG,
              READERS, READERS - SLOW_READERS, SLOW_READERS, SLOW_CHUNK // 1024,
              SLOW_SLEEP * 1000))


def sysctl(name):
    try:
        with open("/proc/sys/" + name) as f:
            return f.read().strip()
    except OSError:
        return "?"


def linear(d):
    return (d["big_alone"] / d["big_vms"]) / (d["small_alone"] / d["small_vms"])


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)

    def on_signal(sig, _frame):
        raise SystemExit("hostile_bench: signal %d" % sig)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    signal.signal(signal.SIGALRM, on_signal)
    signal.alarm(900)       # a last resort; every measure has its own deadlines
    try:
        run(sys.argv[1:])
    except BenchError as e:
        raise SystemExit("hostile_bench: " + str(e))
    finally:
        ab.stop_all()


if __name__ == "__main__":
    main()
