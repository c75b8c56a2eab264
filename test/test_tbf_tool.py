#!/usr/bin/env python3
"""elf2tbf from the command line: packing an app ELF, and --inspect on good,
malformed and hostile files (it must name the bad field, exit 1, and never
crash).  The decoder itself has Check unit tests (test_tbf_tool.c).

usage: test_tbf_tool.py ELF2TBF APP.elf MALFORMED_DIR
Standard library only.  Last line: "N passed, M failed".
"""

import os
import random
import struct
import subprocess
import sys
import tempfile

ELF2TBF, APP_ELF, MALFORMED_DIR = sys.argv[1:4]
results = {True: 0, False: 0}

# malformed_CASE.tbf -> what --inspect must say about it (apps/malformed)
MALFORMED = {
    "bad_checksum": "error: checksum: stored",
    "header_too_small": "error: header_size: 12 is less than the 16-byte base header",
    "header_unaligned": "is not a multiple of 4",
    "total_past_flash": "error: total_size: 1048576 runs past the end of the file",
    "init_outside": "error: init_offset:",
    "tlv_overrun": "error: tlv type 3 at offset 40: length 256 overruns the header",
}


def run(*args):
    proc = subprocess.run([ELF2TBF, *args], capture_output=True, text=True, timeout=30)
    return proc.returncode, proc.stdout + proc.stderr


def check(name, ok, output=""):
    print("%s %s" % ("ok  " if ok else "FAIL", name), flush=True)
    results[ok] += 1
    if not ok:
        print("\n".join("     | " + line for line in output.splitlines()[:30]))


def pack_and_inspect(tmp):
    out = os.path.join(tmp, "app.tbf")
    status, text = run("--name", "tester", "--kernel-heap", "2048", "-o", out, APP_ELF)
    check("pack an app ELF", status == 0 and os.path.getsize(out) % 4 == 0, text)
    status, text = run("--inspect", out)
    check("inspect the packed image", status == 0 and '"tester"' in text and
          "well-formed TBF v2 image" in text and "checksum               0x" in text and
          "(ok)" in text, text)
    img = open(out, "rb").read()
    header_size, total = struct.unpack_from("<HI", img, 2)
    check("total size is the file size", total == len(img), "total %d, file %d" % (total, len(img)))
    init = struct.unpack_from("<I", img, 20)[0]
    check("init offset inside the binary, even", init < total - header_size and init % 2 == 0,
          "init_offset %d" % init)
    again = os.path.join(tmp, "again.tbf")
    run("--name", "tester", "--kernel-heap", "2048", "-o", again, APP_ELF)
    check("packing is deterministic", open(again, "rb").read() == img)
    return img


def bad_input(tmp):
    status, text = run("-o", os.path.join(tmp, "x.tbf"), os.path.join(tmp, "nope.elf"))
    check("missing ELF: exit 2, names it", status == 2 and "nope.elf" in text, text)
    status, text = run("-o", os.path.join(tmp, "x.tbf"), "/bin/true")
    check("host ELF: exit 2", status == 2 and "not a 32-bit ARM executable" in text, text)
    status, text = run("--inspect", os.path.join(tmp, "nope.tbf"))
    check("inspect a missing file: exit 2", status == 2 and "nope.tbf" in text, text)
    status, text = run("--kernel-heap", "lots", "-o", "x", APP_ELF)
    check("bad option value: exit 2", status == 2, text)
    status, text = run()
    check("no arguments: usage, exit 2", status == 2 and "usage" in text, text)


def malformed():
    for case, needle in MALFORMED.items():
        path = os.path.join(MALFORMED_DIR, "malformed_%s.tbf" % case)
        status, text = run("--inspect", path)
        check("inspect malformed_%s names the field" % case, status == 1 and needle in text, text)


def hostile(tmp, good):
    """Empty, short, truncated and randomly corrupted files: exit 0 or 1 (never
    a signal or 2), and anything not byte-identical to the good image that
    decodes clean must still carry a valid checksum."""
    rng = random.Random(4)
    cases = [b"", b"\x02", good[:15], good[:16], good[:40], b"\xff" * 64, b"\x00" * 64]
    for _ in range(300):
        img = bytearray(good[:rng.choice([len(good), 52, 60, 100])])
        for _ in range(rng.randint(1, 6)):
            img[rng.randrange(0, min(len(img), 64))] = rng.randrange(256)
        cases.append(bytes(img))
    crashes = []
    path = os.path.join(tmp, "hostile.tbf")
    for i, data in enumerate(cases):
        with open(path, "wb") as f:
            f.write(data)
        status, text = run("--inspect", path)
        if status not in (0, 1) or (status == 0 and data != good and "(ok)" not in text):
            crashes.append("case %d: status %s\n%s" % (i, status, text))
    check("%d hostile files decoded without a crash" % len(cases), not crashes,
          "\n".join(crashes[:3]))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        good = pack_and_inspect(tmp)
        bad_input(tmp)
        malformed()
        hostile(tmp, good)
    print("%d passed, %d failed" % (results[True], results[False]))
    return 1 if results[False] else 0


if __name__ == "__main__":
    sys.exit(main())
