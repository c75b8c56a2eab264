#!/usr/bin/env python3
"""The bulwark command line: bad input is refused with a message that names
the file and the reason and exit status 2; good input runs."""
import os
import subprocess
import sys
import tempfile

BULWARK, FIRMWARE = sys.argv[1], sys.argv[2]  # a passing test firmware ELF
failures = []


def run(*args, stdin=None):
    return subprocess.run([BULWARK, *args], capture_output=True, text=True, input=stdin,
                          timeout=60)


def expect(name, proc, status, *needles):
    text = proc.stdout + proc.stderr
    ok = proc.returncode == status and all(n in text for n in needles)
    print(f"{'ok  ' if ok else 'FAIL'} {name}: status {proc.returncode}")
    if not ok:
        failures.append(name)
        print(f"     expected status {status} and {needles!r}; got:\n{text}")


with tempfile.TemporaryDirectory() as tmp:
    good = open(FIRMWARE, "rb").read()
    truncated = os.path.join(tmp, "truncated.elf")
    with open(truncated, "wb") as f:
        f.write(good[:100])
    garbage = os.path.join(tmp, "garbage.elf")
    with open(garbage, "wb") as f:
        f.write(b"this is not an ELF file at all\n" * 10)
    host_elf = "/bin/true"  # an x86-64 executable
    base = ["run", "--board", "sim64", "--for", "100ms"]

    expect("help", run("--help"), 0, "usage: bulwark run")
    expect("version", run("--version"), 0, "bulwark ")
    expect("no arguments", run(), 2, "usage")
    expect("unknown command", run("frobnicate"), 2, "unknown command 'frobnicate'")
    expect("run without firmware", run("run", "--board", "sim64"), 2, "--firmware")
    expect("unknown option", run(*base, "--firmware", FIRMWARE, "--bogus"), 2, "--bogus")
    expect("missing file", run(*base, "--firmware", os.path.join(tmp, "nope.elf")), 2,
           "nope.elf")
    expect("truncated ELF", run(*base, "--firmware", truncated), 2, "truncated.elf")
    expect("not an ELF", run(*base, "--firmware", garbage), 2, "garbage.elf", "not an ELF")
    expect("not ARM", run(*base, "--firmware", host_elf), 2, "/bin/true")
    expect("unknown board", run("run", "--board", "nosuchboard", "--firmware", FIRMWARE), 2,
           "nosuchboard")
    expect("bad duration", run("run", "--board", "sim64", "--firmware", FIRMWARE, "--for",
                               "soon"), 2, "soon")
    expect("bad clock", run(*base, "--firmware", FIRMWARE, "--clock", "fast"), 2, "fast")
    expect("flash too small for the image", run(*base, "--firmware", FIRMWARE, "--flash-size",
                                                 "1K"), 2, FIRMWARE, "segment 0")
    expect("bad size", run(*base, "--firmware", FIRMWARE, "--ram-size", "lots"), 2, "lots")
    expect("good run", run(*base, "--firmware", FIRMWARE), 0, "firmware exit, code 0",
           "simulated time", "instructions", "sleep", "exceptions")
    out = os.path.join(tmp, "uart.txt")
    expect("uart-out", run(*base, "--firmware", FIRMWARE, "--uart-out", out, "--quiet"), 0)
    text = open(out).read()
    if "PASS" not in text:
        failures.append("uart-out content")
        print(f"FAIL uart-out content: {text!r}")

print(f"{len(failures)} failed" if failures else "all passed")
sys.exit(1 if failures else 0)
