#!/usr/bin/env python3
"""Writes process-console input that loads app images at run time
(kernel/ABI.md, "Loading"): `load SIZE` and the image as hex lines.

  mkload.py -o OUT [--wait N] IMAGE|bad-checksum:IMAGE|bad-hex|too-big ...

bad-checksum:IMAGE sends IMAGE with its header checksum broken; bad-hex
sends a load whose data is not hex; too-big asks for more than app flash.
--wait N puts N newlines (ignored by the shell) first so the load starts
once the apps have run a while.
"""

import argparse


def load_lines(data):
    text = data.hex()
    lines = ["load %d" % len(data)]
    lines += [text[i:i + 64] for i in range(0, len(text), 64)]
    return lines


def lines_for(spec):
    if spec == "bad-hex":
        return ["load 16", "0011zz"]
    if spec == "too-big":
        return ["load 99999996"]
    if spec.startswith("bad-checksum:"):
        data = bytearray(open(spec.split(":", 1)[1], "rb").read())
        data[12] ^= 0xFF  # the base header's checksum word
        return load_lines(bytes(data))
    return load_lines(open(spec, "rb").read())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", required=True)
    ap.add_argument("--wait", type=int, default=0)
    ap.add_argument("specs", nargs="+")
    args = ap.parse_args()
    lines = [""] * args.wait
    for spec in args.specs:
        lines += lines_for(spec) + ["list"]
    with open(args.o, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
