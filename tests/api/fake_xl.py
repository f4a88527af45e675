#!/usr/bin/env python3
"""A stand-in for xl, for xapi-lite's xen backend in the API tests: domains live in a JSON
file ($FAKE_XL_DIR/domains), each command line is appended to $FAKE_XL_DIR/log. A saved
image holds the domain's name and birth (its "uptime"), so a restore can be told from a
fresh create. $FAKE_XL_DIR/fail names a subcommand that fails instead (exit 1), and
$FAKE_XL_DIR/hang one that waits instead, as a slow xl, until killed (writing waiting.PID).
A domain with "crashed" set in the file lists as crashed (state c).
$FAKE_XL_DIR/free-memory, when there, is the MiB `info` reports free (8192 without it);
$FAKE_XL_DIR/threads-per-core, when there, its threads_per_core (no such line without it).
$FAKE_XL_DIR/ignore-shutdown lists domains (one name a line) whose guest ignores shutdown
and reboot requests, as one with no OS or hung: `shutdown -w` and `reboot -w` of those
wait until killed, having written their pid to $FAKE_XL_DIR/waiting.PID."""
import json
import os
import re
import sys
import time

DIR = os.environ["FAKE_XL_DIR"]
DOMS = os.path.join(DIR, "domains")
MAGIC = "fake xl image\n"


def load():
    try:
        with open(DOMS) as f:
            return json.load(f)
    except FileNotFoundError:
        return {"next": 1, "births": 0, "doms": {}}


def store(st):
    with open(DOMS + ".tmp", "w") as f:
        json.dump(st, f)
    os.replace(DOMS + ".tmp", DOMS)


def name_of(cfg):
    with open(cfg) as f:
        return re.search(r'^name = "([^"]+)"', f.read(), re.M).group(1)


def ignores_shutdown(name):
    try:
        with open(os.path.join(DIR, "ignore-shutdown")) as f:
            return name in f.read().split()
    except FileNotFoundError:
        return False


def wait_forever():
    """xl -w for a domain that never goes: until a signal ends this process, or its
    caller has gone (xapi-lite leaves xl running when it stops; a stand-in need not)."""
    parent = os.getppid()
    with open(os.path.join(DIR, "waiting.%d" % os.getpid()), "w") as f:
        f.write(str(os.getpid()))
    while os.getppid() == parent:
        time.sleep(0.2)


def main(argv):
    with open(os.path.join(DIR, "log"), "a") as f:
        f.write(" ".join(argv) + "\n")
    cmd, args = argv[0], argv[1:]
    try:
        with open(os.path.join(DIR, "fail")) as f:
            if f.read().strip() == cmd:
                print("%s: simulated failure" % cmd, file=sys.stderr)
                return 1
    except FileNotFoundError:
        pass
    try:
        with open(os.path.join(DIR, "hang")) as f:
            if f.read().strip() == cmd:
                wait_forever()
                return 1
    except FileNotFoundError:
        pass
    st = load()
    doms = st["doms"]
    paused = "-p" in args
    rest = [a for a in args if not a.startswith("-")]
    if cmd == "info":
        try:
            with open(os.path.join(DIR, "free-memory")) as f:
                free = int(f.read())
        except FileNotFoundError:
            free = 8192
        try:
            with open(os.path.join(DIR, "threads-per-core")) as f:
                threads = "threads_per_core       : %s\n" % f.read().strip()
        except FileNotFoundError:
            threads = ""
        print("host                   : fakexen\nrelease                : 6.1.0\n"
              "nr_cpus                : 2\n%stotal_memory           : 16384\n"
              "free_memory            : %d\nxen_version            : 4.17.3\n" % (threads, free))
    elif cmd == "list":
        print("Name                                        ID   Mem VCPUs\tState\tTime(s)")
        print("Domain-0                                     0  1024     2     r-----      1.0")
        for name, d in sorted(doms.items(), key=lambda kv: kv[1]["domid"]):
            state = "----c-" if d.get("crashed") else "--p---" if d["paused"] else "-b----"
            print("%s %d 256 1 %s 1.0" % (name, d["domid"], state))
    elif cmd == "create":
        name = name_of(rest[0])
        st["births"] += 1
        doms[name] = {"domid": st["next"], "paused": paused, "born": st["births"]}
        st["next"] += 1
    elif cmd == "restore":
        cfg, image = rest
        with open(image) as f:
            text = f.read()
        if not text.startswith(MAGIC):
            print("restore: not an image", file=sys.stderr)
            return 1
        saved = json.loads(text[len(MAGIC):])
        name = name_of(cfg)
        if name != saved["name"] or name in doms:
            print("restore: wrong domain", file=sys.stderr)
            return 1
        doms[name] = {"domid": st["next"], "paused": paused, "born": saved["born"]}
        st["next"] += 1
    elif cmd == "save":
        name, image = rest[0], rest[1]
        d = doms[name]
        with open(image, "w") as f:
            f.write(MAGIC + json.dumps({"name": name, "born": d["born"]}))
        if "-p" in args:
            d["paused"] = True
        elif "-c" not in args:
            del doms[name]
    elif cmd == "domid":
        print(doms[rest[0]]["domid"])
    elif cmd in ("shutdown", "reboot") and ignores_shutdown(rest[0]):
        if "-w" in args:
            wait_forever()
        return 0
    elif cmd in ("destroy", "shutdown"):
        doms.pop(rest[0], None)
    elif cmd in ("pause", "unpause"):
        doms[rest[0]]["paused"] = cmd == "pause"
    elif cmd == "reboot":
        pass
    else:
        print("fake xl: %s: unknown" % cmd, file=sys.stderr)
        return 1
    store(st)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
