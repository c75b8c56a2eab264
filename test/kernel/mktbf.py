#!/usr/bin/env python3
"""Packs a raw Thumb binary into a TBF v2 image (kernel/ABI.md) for the
kernel's own tests: a Program TLV and a Package Name TLV, entry at the start
of the binary unless --init-offset says otherwise.  Standard library only.

    mktbf.py --name bench --min-ram 512 -o bench.tbf bench.bin
"""

import argparse
import struct
import sys

TLV_PROGRAM = 9
TLV_NAME = 3


def pad4(data):
    return data + b"\0" * (-len(data) % 4)


def build(name, binary, min_ram, init_offset=0, pad_to=4):
    name_tlv = struct.pack("<HH", TLV_NAME, len(name)) + pad4(name.encode())
    header_size = 16 + 24 + len(name_tlv)
    binary = pad4(binary)
    total = header_size + len(binary)
    total += -total % pad_to
    binary += b"\0" * (total - header_size - len(binary))
    program = struct.pack("<HHIIIII", TLV_PROGRAM, 20, init_offset, 0, min_ram, total, 1)
    header = bytearray(struct.pack("<HHIII", 2, header_size, total, 1, 0) + program + name_tlv)
    checksum = 0
    for off in range(0, header_size, 4):
        if off != 12:
            checksum ^= struct.unpack_from("<I", header, off)[0]
    struct.pack_into("<I", header, 12, checksum)
    return bytes(header) + binary


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--name", required=True)
    ap.add_argument("--min-ram", type=int, default=1024)
    ap.add_argument("--init-offset", type=int, default=0)
    ap.add_argument("--pad-to", type=int, default=32, help="total size multiple (default 32)")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("binary")
    args = ap.parse_args()
    with open(args.binary, "rb") as f:
        binary = f.read()
    image = build(args.name, binary, args.min_ram, args.init_offset, args.pad_to)
    with open(args.output, "wb") as f:
        f.write(image)
    return 0


if __name__ == "__main__":
    sys.exit(main())
