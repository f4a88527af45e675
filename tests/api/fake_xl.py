#!/usr/bin/env python3
"""A stand-in for xl, for xapi-lite's xen backend in the API tests: domains live in a JSON
file ($FAKE_XL_DIR/domains), each command line is appended to $FAKE_XL_DIR/log. A saved
image holds the domain's name and birth (its "uptime"), so a restore can be told from a
fresh create. $FAKE_XL_DIR/fail names a subcommand that fails instead (exit 1)."""
import json
import os
import re
import sys

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
    st = load()
    doms = st["doms"]
    paused = "-p" in args
    rest = [a for a in args if not a.startswith("-")]
    if cmd == "info":
        print("host                   : fakexen\nrelease                : 6.1.0\n"
              "nr_cpus                : 2\ntotal_memory           : 16384\n"
              "free_memory            : 8192\nxen_version            : 4.17.3\n")
    elif cmd == "list":
        print("Name                                        ID   Mem VCPUs\tState\tTime(s)")
        print("Domain-0                                     0  1024     2     r-----      1.0")
        for name, d in sorted(doms.items(), key=lambda kv: kv[1]["domid"]):
            print("%s %d 256 1 %s 1.0" % (name, d["domid"], "--p---" if d["paused"] else "-b----"))
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
