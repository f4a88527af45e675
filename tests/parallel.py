#!/usr/bin/env python3
"""Runs unittest units (modules, classes or single tests) JOBS at a time, each in its own
python3 process, and prints each one's whole output when it ends, so the log reads as if
they had run one after another. Units start in the order given: put the longest first.

usage: parallel.py JOBS [--all DIR] UNIT...    exits 1 when any unit failed

A unit MODULE.* stands for each test of MODULE not named on its own, each a unit. --all DIR
refuses to start unless every test_*.py module in DIR is named by some unit, so a new test
file cannot be left out by mistake.

Two at a time suits this machine's two cores: an API test, a fuzz run or an emulated host
keeps about one core busy."""
import os
import subprocess
import sys
import tempfile
import time
import unittest


def start(unit, out):
    return subprocess.Popen([sys.executable, "-W", "ignore", "-m", "unittest", "-v", unit],
                            stdout=out, stderr=subprocess.STDOUT)


def test_ids(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from test_ids(item)
        else:
            yield item.id()


def expand(units):
    """Each MODULE.* becomes the module's tests not named elsewhere, in their order."""
    named = set(u for u in units if not u.endswith(".*"))
    out = []
    for unit in units:
        if not unit.endswith(".*"):
            out.append(unit)
            continue
        suite = unittest.defaultTestLoader.loadTestsFromName(unit[:-2])
        out.extend(t for t in test_ids(suite)
                   if not any(t == n or t.startswith(n + ".") for n in named))
    return out


def unlisted(directory, units):
    modules = set(u.split(".")[0] for u in units)
    return sorted(f[:-3] for f in os.listdir(directory)
                  if f.startswith("test_") and f.endswith(".py") and f[:-3] not in modules)


def main(argv):
    args = argv[1:]
    if not args or not args[0].isdigit() or int(args[0]) < 1:
        sys.stderr.write("usage: parallel.py JOBS [--all DIR] UNIT...\n")
        return 2
    jobs, args = int(args[0]), args[1:]
    if len(args) >= 2 and args[0] == "--all":
        missing = unlisted(args[1], args[2:])
        if missing:
            sys.stderr.write("parallel.py: %s: not among the units: %s\n"
                             % (args[1], " ".join(missing)))
            return 2
        args = args[2:]
    if not args:
        sys.stderr.write("usage: parallel.py JOBS [--all DIR] UNIT...\n")
        return 2
    todo = expand(args)
    running, failed, took = [], [], []
    while todo or running:
        while todo and len(running) < jobs:
            unit = todo.pop(0)
            out = tempfile.TemporaryFile()
            running.append((unit, out, start(unit, out), time.monotonic()))
        time.sleep(0.2)
        for item in list(running):
            unit, out, proc, began = item
            if proc.poll() is None:
                continue
            running.remove(item)
            seconds = time.monotonic() - began
            took.append((seconds, unit))
            verdict = "ok" if proc.returncode == 0 else "FAILED (exit %d)" % proc.returncode
            if proc.returncode != 0:
                failed.append(unit)
            out.seek(0)
            sys.stdout.write("== %s: %s in %.0f s\n" % (unit, verdict, seconds))
            sys.stdout.flush()
            sys.stdout.buffer.write(out.read())
            sys.stdout.flush()
            out.close()
    sys.stdout.write("== %d units, %d at a time:\n" % (len(took), jobs))
    for seconds, unit in sorted(took, reverse=True):
        sys.stdout.write("   %6.0f s  %s\n" % (seconds, unit))
    if failed:
        sys.stdout.write("== FAILED: %s\n" % " ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        os._exit(130)
