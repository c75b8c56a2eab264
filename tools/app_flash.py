#!/usr/bin/env python3
"""App flash as `bulwark run --app` lays it out, for QEMU's generic loader.

Each image starts at a multiple of its size rounded up to a power of two (at
least 32 bytes), so that the kernel can open exactly one image with one MPU
region; a gap before an image is a padding image (TBF version 2, bare 16-byte
header, flags 0), which the kernel steps over.  The rest is erased (0xFF).

  app_flash.py OUT.bin [--size BYTES] IMAGE.tbf ...
  qemu-system-arm -M mps2-an386 ... -kernel KERNEL.elf \\
      -device loader,file=OUT.bin,addr=0x40000
"""
import argparse
import struct
import sys


def padding_image(size):
    words = [2 | (16 << 16), size, 0]
    return struct.pack("<4I", *words, words[0] ^ words[1] ^ words[2])


def layout(images, size=None):
    """The bytes of app flash holding `images` (a list of bytes objects)."""
    out = bytearray()
    for data in images:
        align = 32
        while align < len(data):
            align *= 2
        at = (len(out) + align - 1) // align * align
        gap = at - len(out)
        if gap >= 16:
            out += padding_image(gap) + b"\xff" * (gap - 16)
        else:
            out += b"\xff" * gap
        out += data
    if size is not None and len(out) < size:
        out += b"\xff" * (size - len(out))
    return bytes(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("images", nargs="+")
    ap.add_argument("--size", type=lambda s: int(s, 0), help="pad with 0xFF to this size")
    args = ap.parse_args()
    images = []
    for path in args.images:
        with open(path, "rb") as f:
            images.append(f.read())
    with open(args.out, "wb") as f:
        f.write(layout(images, args.size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
